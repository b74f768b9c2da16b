//! `init`: a new report directory that builds at once, from a preset; and copies of
//! the built-in templates for editing.

use crate::files::Before;
use crate::ledger::load::{ACTIVITIES_DIR, REPORT_FILE};
pub use crate::ledger::presets::{PRESETS, Preset};
use crate::ledger::schema;
use std::path::{Path, PathBuf};

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
    #[error("无法写入 {}：{}", .path.display(), crate::diag::io_reason(.source))]
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

/// Writes a new file of the ledger in `dir`: report.yaml and the first log must not
/// exist (a link planted in their place is refused too), a schema is replaced.
fn write(dir: &Path, path: &Path, text: &str, before: Before) -> Result<PathBuf, InitError> {
    let fail = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    crate::files::replace_in_ledger(dir, path, before, text.as_bytes()).map_err(fail)?;
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
    // A link counts as existing, even one that leads nowhere.
    if std::fs::symlink_metadata(&report_path).is_ok() {
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
    if std::fs::symlink_metadata(&log).is_ok() {
        return Err(InitError::Exists(log));
    }
    let schemas = dir.join(schema::SCHEMA_DIR);
    std::fs::create_dir_all(dir).map_err(|source| InitError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(vec![
        write(dir, &report_path, &fill(preset.report), Before::Absent)?,
        write(dir, &log, &fill(preset.activities), Before::Absent)?,
        write(
            dir,
            &schemas.join(schema::REPORT_SCHEMA_FILE),
            &schema::report_schema(),
            Before::Any,
        )?,
        write(
            dir,
            &schemas.join(schema::ACTIVITIES_SCHEMA_FILE),
            &schema::activities_schema(),
            Before::Any,
        )?,
    ])
}
