//! `init`: a new report directory that builds at once, from a preset; and copies of
//! the built-in templates for editing.

use crate::load::{ACTIVITIES_DIR, REPORT_FILE};
use crate::render::BUILTIN_TEMPLATES;
use crate::schema;
use std::path::{Path, PathBuf};

/// A preset: name, description, report.yaml and the example activity log.
pub struct Preset {
    /// Name on the command line.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    report: &'static str,
    activities: &'static str,
    default_name: &'static str,
}

/// The presets `init` knows.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "fulian",
        description: "镇（街道）妇联：组织建设、联系服务、维权关爱、巾帼志愿服务、下一步计划",
        report: include_str!("../templates/presets/fulian.yaml"),
        activities: include_str!("../templates/presets/fulian.activities.yaml"),
        default_name: "示例镇妇联",
    },
    Preset {
        name: "tuanwei",
        description: "共青团委员会：思想引领、服务大局、自身建设，（一）小标题",
        report: include_str!("../templates/presets/tuanwei.yaml"),
        activities: include_str!("../templates/presets/tuanwei.activities.yaml"),
        default_name: "示例镇团委",
    },
    Preset {
        name: "zhengfu",
        description: "镇人民政府或政府部门：经济发展、民生保障、基层治理，带署名",
        report: include_str!("../templates/presets/zhengfu.yaml"),
        activities: include_str!("../templates/presets/zhengfu.activities.yaml"),
        default_name: "示例镇人民政府",
    },
];

/// Why `init` could not write.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// No such preset.
    #[error("没有名为 “{name}” 的预设，可选：{allowed}")]
    UnknownPreset {
        /// What was asked for.
        name: String,
        /// The presets.
        allowed: String,
    },
    /// The directory already holds a ledger.
    #[error("{0} 已存在，不会覆盖已有台账（只复制模板请用 --templates）")]
    Exists(PathBuf),
    /// A file could not be written.
    #[error("无法写入 {path}：{source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What to initialise.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Preset name.
    pub preset: String,
    /// Reporting year.
    pub year: i32,
    /// Organization name; the preset's example name when `None`.
    pub name: Option<String>,
}

fn write(path: &Path, text: &str) -> Result<PathBuf, InitError> {
    let fail = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    crate::output::write_durably(path, text.as_bytes()).map_err(fail)?;
    Ok(path.to_path_buf())
}

/// Writes `dir/report.yaml`, one example activity log and the editor schemas.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let preset = PRESETS
        .iter()
        .find(|p| p.name == options.preset)
        .ok_or_else(|| InitError::UnknownPreset {
            name: options.preset.clone(),
            allowed: PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join("、"),
        })?;
    let report_path = dir.join(REPORT_FILE);
    if report_path.exists() {
        return Err(InitError::Exists(report_path));
    }
    let name = options.name.as_deref().unwrap_or(preset.default_name);
    let fill = |text: &str| {
        text.replace("@YEAR@", &options.year.to_string())
            .replace("@NEXT_YEAR@", &(options.year + 1).to_string())
            .replace("@NAME@", name)
    };
    let log = dir
        .join(ACTIVITIES_DIR)
        .join(format!("{}-01.yaml", options.year));
    let schemas = dir.join(schema::SCHEMA_DIR);
    Ok(vec![
        write(&report_path, &fill(preset.report))?,
        write(&log, &fill(preset.activities))?,
        write(
            &schemas.join(schema::REPORT_SCHEMA_FILE),
            &schema::report_schema(),
        )?,
        write(
            &schemas.join(schema::ACTIVITIES_SCHEMA_FILE),
            &schema::activities_schema(),
        )?,
    ])
}

/// Copies the built-in templates to `dir/templates/` for editing; existing files are
/// kept.
pub fn copy_templates(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let folder = dir.join("templates");
    let mut written = Vec::new();
    for (name, source) in BUILTIN_TEMPLATES {
        let path = folder.join(name);
        if !path.exists() {
            written.push(write(&path, source)?);
        }
    }
    Ok(written)
}
