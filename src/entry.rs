//! `new`: one activity appended to the right log file. The entry is validated against
//! the ledger first; the file is rewritten atomically under a lock, so an interrupted
//! or concurrent `new` never loses or half-writes an entry, and the file's existing
//! text and comments stay as they were.

use crate::diag::{Diagnostic, Report};
use crate::load::{self, ACTIVITIES_DIR};
use crate::model::ActivitySpec;
use crate::schema;
use chrono::{Datelike, NaiveDate};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Name of the lock file in a report directory.
pub const LOCK_FILE: &str = ".annual-report.lock";

/// An activity to add, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct NewEntry {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Item id.
    pub item: String,
    /// What was done (may be empty when figures are given).
    pub text: String,
    /// `key=value` pairs.
    pub figures: Vec<(String, String)>,
    /// Where.
    pub place: Option<String>,
    /// Target file, relative to `activities/`; default `YYYY-MM.yaml`.
    pub file: Option<PathBuf>,
}

/// Why an entry was not added.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// The ledger or the entry is invalid: the errors, with the files as they would
    /// be with the entry added (so snippets show it).
    #[error("{}", .0.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Report),
    /// The log could not be read or written.
    #[error("无法写入 {path}：{source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What `new` did or would do.
#[derive(Debug)]
pub struct Added {
    /// The log file.
    pub file: PathBuf,
    /// The YAML of the entry.
    pub yaml: String,
}

/// The item ids of a ledger, for prompts and messages.
pub fn item_ids(dir: &Path) -> Vec<String> {
    let loaded = load::load(dir);
    loaded
        .ledger
        .map(|l| {
            l.report
                .sections
                .iter()
                .flat_map(|s| s.items.iter().map(|i| i.id.value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A YAML scalar that reads back as exactly `s`: a JSON string is a valid YAML
/// double-quoted scalar.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// Identifiers stay plain, as a clerk would type them; anything else is quoted (and
/// then refused by the check with a clear message).
fn yaml_key(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain { s.to_owned() } else { yaml_string(s) }
}

/// A figure as typed: digits stay a number, anything else becomes a string the check
/// refuses with the usual message.
fn yaml_value(s: &str) -> String {
    let number = !s.is_empty()
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit());
    if number { s.to_owned() } else { yaml_string(s) }
}

/// The entry as YAML list item.
pub fn entry_yaml(entry: &NewEntry) -> String {
    let mut out = format!(
        "- date: {}\n  item: {}\n",
        entry.date.trim(),
        yaml_key(entry.item.trim())
    );
    if !entry.text.trim().is_empty() {
        out.push_str(&format!("  text: {}\n", yaml_string(entry.text.trim())));
    }
    if !entry.figures.is_empty() {
        let pairs: Vec<String> = entry
            .figures
            .iter()
            .map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_value(v.trim())))
            .collect();
        out.push_str(&format!("  figures: {{ {} }}\n", pairs.join(", ")));
    }
    if let Some(place) = entry.place.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push_str(&format!("  place: {}\n", yaml_string(place.trim())));
    }
    out
}

/// The log file the entry goes to.
fn target(dir: &Path, entry: &NewEntry, date: NaiveDate) -> PathBuf {
    let activities = dir.join(ACTIVITIES_DIR);
    match &entry.file {
        Some(file) if file.is_absolute() => file.clone(),
        Some(file) => activities.join(file),
        None => activities.join(format!("{}-{:02}.yaml", date.year(), date.month())),
    }
}

/// Checks the entry against the ledger: it must parse as an activity, and the ledger
/// with it added must have no errors.
fn validate(dir: &Path, log: &Path, new_text: &str) -> Result<(), EntryError> {
    if let Err(e) = serde_saphyr::from_str::<Vec<ActivitySpec>>(new_text) {
        let name: std::sync::Arc<str> = log.to_string_lossy().into_owned().into();
        return Err(EntryError::Invalid(Report {
            diagnostics: vec![load::yaml_diagnostic(&e, &name, new_text)],
            sources: vec![crate::diag::SourceFile::new(
                name,
                log.to_path_buf(),
                new_text.to_owned(),
            )],
        }));
    }
    // Check the whole ledger with the new entry in a scratch copy of the log.
    let scratch = tempfile::tempdir().map_err(|source| EntryError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let copy = scratch.path().join("ledger");
    copy_ledger(dir, &copy).map_err(|source| EntryError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let relative = log.strip_prefix(dir).unwrap_or(log);
    let scratch_log = copy.join(relative);
    if let Some(parent) = scratch_log.parent() {
        std::fs::create_dir_all(parent).map_err(|source| EntryError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&scratch_log, new_text).map_err(|source| EntryError::Io {
        path: scratch_log.clone(),
        source,
    })?;
    let report: Report = crate::check_dir(&copy);
    // Name the files as the user knows them, not by the scratch copy.
    let real_name = |name: &str| -> std::sync::Arc<str> {
        Path::new(name)
            .strip_prefix(&copy)
            .map(|p| dir.join(p).to_string_lossy().into_owned())
            .unwrap_or_else(|_| name.to_owned())
            .into()
    };
    let diagnostics: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .map(|mut d| {
            if let Some(loc) = &mut d.location {
                loc.file = real_name(&loc.file);
            }
            d
        })
        .collect();
    if diagnostics.is_empty() {
        return Ok(());
    }
    let sources = report
        .sources
        .into_iter()
        .map(|mut s| {
            s.name = real_name(&s.name);
            s
        })
        .collect();
    Err(EntryError::Invalid(Report {
        sources,
        diagnostics,
    }))
}

fn copy_ledger(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to.join(ACTIVITIES_DIR))?;
    std::fs::copy(from.join(load::REPORT_FILE), to.join(load::REPORT_FILE))?;
    copy_tree(&from.join(ACTIVITIES_DIR), &to.join(ACTIVITIES_DIR))
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The new text of the log: the old text untouched, then the entry; a new file gets
/// the schema line and a heading comment.
fn appended(old: Option<&str>, entry_yaml: &str, date: NaiveDate) -> String {
    match old {
        Some(old) => {
            let mut text = old.to_owned();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(entry_yaml);
            text
        }
        None => format!(
            "{}# {}年{}月的活动台账\n{entry_yaml}",
            schema::modeline(&format!(
                "../{}/{}",
                schema::SCHEMA_DIR,
                schema::ACTIVITIES_SCHEMA_FILE
            )),
            date.year(),
            date.month()
        ),
    }
}

/// Validates and appends the entry (or only shows it, with `dry_run`).
pub fn add(dir: &Path, entry: &NewEntry, dry_run: bool) -> Result<Added, EntryError> {
    let date = NaiveDate::parse_from_str(entry.date.trim(), "%Y-%m-%d").map_err(|_| {
        EntryError::Invalid(Report {
            sources: Vec::new(),
            diagnostics: vec![
                Diagnostic::error("E020", format!("“{}” 不是有效的日期", entry.date))
                    .field("--date")
                    .help("日期写作 YYYY-MM-DD，例如 2023-03-08"),
            ],
        })
    })?;
    let log = target(dir, entry, date);
    let yaml = entry_yaml(entry);
    let io = |source| EntryError::Io {
        path: log.clone(),
        source,
    };
    std::fs::create_dir_all(dir.join(ACTIVITIES_DIR)).map_err(io)?;
    // One writer at a time per report directory; held until the rename is done.
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(io)?;
    lock.lock().map_err(io)?;
    let old = match std::fs::read_to_string(&log) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let new_text = appended(old.as_deref(), &yaml, date);
    validate(dir, &log, &new_text)?;
    if !dry_run {
        if let Some(parent) = log.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
            crate::output::remove_stale_temporaries(parent);
        }
        crate::output::write_durably(&log, new_text.as_bytes()).map_err(io)?;
    }
    drop(lock);
    Ok(Added { file: log, yaml })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_yaml_that_reads_back() {
        let entry = NewEntry {
            date: "2023-03-08".into(),
            item: "legal-rights".into(),
            text: "开展了\"普法\"宣传: #1 - 见 [附件]".into(),
            figures: vec![("visits".into(), "2".into())],
            place: Some("镇文化广场".into()),
            file: None,
        };
        let yaml = entry_yaml(&entry);
        let parsed: Vec<ActivitySpec> = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(parsed[0].text.as_ref().unwrap().value, entry.text);
        assert_eq!(parsed[0].item.value, "legal-rights");
    }

    #[test]
    fn appending_keeps_the_old_text_and_comments() {
        let date = NaiveDate::from_ymd_opt(2023, 3, 8).unwrap();
        let old = "# 我的注释\n- date: 2023-03-01\n  item: a\n  text: 甲";
        let new = appended(Some(old), "- date: 2023-03-08\n  item: a\n", date);
        assert!(new.starts_with(old));
        assert!(new.ends_with("甲\n- date: 2023-03-08\n  item: a\n"));
        let fresh = appended(None, "- x\n", date);
        assert!(fresh.starts_with(
            "# yaml-language-server: $schema=../schemas/activities.schema.json\n# 2023年3月"
        ));
    }
}
