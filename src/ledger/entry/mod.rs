//! `new`: one activity appended to the right log file. The entry is validated against
//! the ledger first; the file is rewritten atomically under a lock, so an interrupted
//! or concurrent `new` never loses or half-writes an entry, and the file's existing
//! text and comments stay as they were.

mod choices;
mod held;
mod spans;
pub mod submissions;
mod yaml;

pub use choices::{Choices, FigureChoice, FigureRefusal, ItemChoice};
pub use spans::{EntryRef, LogEntry, entry_spans, entry_version, log_entries};
pub use yaml::entry_yaml;

use crate::diag::{Diagnostic, EntryField, Report};
use crate::ledger::load::ACTIVITIES_DIR;
use crate::ledger::schema;
use chrono::{Datelike, NaiveDate};
use held::Held;
use spans::read_alone;
use std::path::{Path, PathBuf};
use yaml::indented;

/// Name of the lock file in a report directory.
pub const LOCK_FILE: &str = ".annual-report.lock";

/// An activity to add, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct NewEntry {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Item id.
    pub item: String,
    /// Short name for the item's list sentence (`组织开展{{ 活动 }}等…`), if any.
    pub name: Option<String>,
    /// What was done (may be empty when figures are given).
    pub text: String,
    /// `key=value` pairs.
    pub figures: Vec<(String, String)>,
    /// Where.
    pub place: Option<String>,
    /// Target file, relative to `activities/`; default `YYYY-MM.yaml`.
    pub file: Option<PathBuf>,
    /// Identifier, unique across the ledger (`import` writes its stable key here).
    pub id: Option<String>,
    /// Number of participants, as typed.
    pub participants: Option<String>,
    /// Villages or communities involved.
    pub villages: Vec<String>,
}

/// Why an entry was not added.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// The ledger or the entry is invalid: the errors, with the files as they would
    /// be with the entry added (so snippets show it).
    #[error("{}", .0.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Report),
    /// The directory holds no report.yaml.
    #[error(
        "{} 不是台账目录（里面没有 report.yaml）：请先 cd 到台账目录，或在命令后写上台账目录；新建台账用 annual-report init",
        .0.display()
    )]
    NotALedger(PathBuf),
    /// `--file` names a file the ledger would not read.
    #[error(
        "--file {} 不在台账的 activities/ 目录里或不是 .yaml 文件：台账只读 activities/ 下的 .yaml 文件",
        .0.display()
    )]
    OutsideLedger(PathBuf),
    /// A log could not be read.
    #[error("无法读取 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The entry to edit or remove is no longer what the page showed: another
    /// browser, `new` in a terminal or a text editor changed the log meanwhile, or
    /// the same form was sent again.
    #[error(
        "{} 中的这条活动在您打开页面之后已被修改、移动或删除，或同一文件中的其他活动有了改动（可能是另一个浏览器、终端里的 new、文本编辑器，或重复提交了同一个表单）：为免改错或覆盖别人的修改，这次没有保存。请看页面上的最新内容，再重新修改",
        .0.display()
    )]
    Changed(PathBuf),
    /// Where the entry to edit or remove begins and ends in its log is not certain:
    /// its bytes do not read on their own as the activity the log has in that place
    /// (an alias of an anchor in another entry, a layout the page cannot take apart).
    #[error(
        "无法在 {} 中准确找出这条活动的全部文字（它可能用了 YAML 的锚点和别名 &、*，或写法特殊）：为免改错别的活动或丢掉它的 id、name、villages，这次没有修改。请用文本编辑器修改这个文件",
        .0.display()
    )]
    Unreadable(PathBuf),
    /// The log could not be written.
    #[error("无法写入 {}：{}", .path.display(), crate::diag::io_reason(.source))]
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

/// The log file the entry goes to: by default the month's, else the one named, which
/// must lie inside `activities/` (where the ledger is read from) and end in .yaml.
fn target(dir: &Path, entry: &NewEntry, date: NaiveDate) -> Result<PathBuf, EntryError> {
    let activities = dir.join(ACTIVITIES_DIR);
    let Some(file) = &entry.file else {
        return Ok(activities.join(format!("{}-{:02}.yaml", date.year(), date.month())));
    };
    // An absolute path is taken relative to activities/ when it points there.
    let relative = if file.is_absolute() {
        let real_activities = activities
            .canonicalize()
            .unwrap_or_else(|_| activities.clone());
        file.strip_prefix(&real_activities)
            .or_else(|_| file.strip_prefix(&activities))
            .map(Path::to_path_buf)
            .ok()
    } else {
        Some(file.clone())
    };
    let inside = relative.filter(|r| {
        r.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
            && r.extension().is_some_and(|e| e == "yaml" || e == "yml")
    });
    inside
        .map(|r| activities.join(r))
        .ok_or_else(|| EntryError::OutsideLedger(file.clone()))
}

/// The new text of the log: the old text untouched, then the entry; a new file gets
/// a heading comment, after the line that points editors at the schema when the
/// ledger has one (`with_schema`: `init` writes it, a ledger made by hand may not).
fn appended(old: Option<&str>, entry_yaml: &str, date: NaiveDate, with_schema: bool) -> String {
    match old {
        Some(old) => {
            let mut text = old.to_owned();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(entry_yaml);
            text
        }
        None => {
            let modeline = if with_schema {
                schema::modeline(&format!(
                    "../{}/{}",
                    schema::SCHEMA_DIR,
                    schema::ACTIVITIES_SCHEMA_FILE
                ))
            } else {
                String::new()
            };
            format!(
                "{modeline}# {}年{}月的活动台账\n{entry_yaml}",
                date.year(),
                date.month()
            )
        }
    }
}

/// Whether the ledger of the activity log `log` holds the schema a new log's first
/// line would point at.
fn has_schema(log: &Path) -> bool {
    log.parent().and_then(Path::parent).is_some_and(|dir| {
        dir.join(schema::SCHEMA_DIR)
            .join(schema::ACTIVITIES_SCHEMA_FILE)
            .is_file()
    })
}

/// Checks what the clerk gave against the ledger before anything is read or written:
/// the date (any form `text::parse_date` reads, within the year), the item, and each
/// figure; every problem at once, named by its command-line option. The entry comes
/// back with its date as YYYY-MM-DD and its item as the id, and with the day its date
/// was read as (the only reading of the typed date).
fn prevalidate(choices: &Choices, entry: &NewEntry) -> Result<Checked, EntryError> {
    let mut problems = Vec::new();
    let mut normalized = entry.clone();
    let date = match choices.date_or_refusal(&entry.date) {
        Ok(date) => {
            normalized.date = date.format("%Y-%m-%d").to_string();
            Some(date)
        }
        Err((code, message)) => {
            problems.push(Diagnostic::error(code, message).option(EntryField::Date));
            None
        }
    };
    match choices.item(&entry.item) {
        Ok(item) => normalized.item = item.id.clone(),
        Err(message) => problems.push(
            Diagnostic::error("E022", message)
                .option(EntryField::Item)
                .allowed(
                    choices
                        .items
                        .iter()
                        .map(|i| format!("{}（{}）", i.id, i.label)),
                ),
        ),
    }
    normalized.figures.clear();
    for (key, value) in &entry.figures {
        if !choices.figures.iter().any(|f| &f.key == key) {
            problems.push(
                Diagnostic::error("E023", format!("未声明的数字项 “{key}”"))
                    .option(EntryField::Figures)
                    .allowed(choices.figure_names())
                    .help("先在 report.yaml 的 figures 中声明它，或改成已声明的键"),
            );
        } else {
            match choices.figure_value(key, value) {
                Ok(n) => normalized.figures.push((key.clone(), n.to_string())),
                Err(refusal) => problems.push(
                    Diagnostic::error(refusal.code, refusal.message).option(EntryField::Figures),
                ),
            }
        }
    }
    match date {
        Some(date) if problems.is_empty() => Ok(Checked {
            entry: normalized,
            date,
        }),
        _ => Err(EntryError::Invalid(Report {
            sources: Vec::new(),
            diagnostics: problems,
        })),
    }
}

/// An entry [`prevalidate`] accepted, and the day of its date.
struct Checked {
    /// The entry with its date as YYYY-MM-DD and its item as the id.
    entry: NewEntry,
    /// Its date.
    date: NaiveDate,
}

/// Validates and appends the entry (or only shows it, with `dry_run`).
pub fn add(dir: &Path, entry: &NewEntry, dry_run: bool) -> Result<Added, EntryError> {
    let mut added = add_many(dir, std::slice::from_ref(entry), dry_run)?;
    Ok(added.remove(0))
}

/// Validates and appends many entries at once (or only shows them, with `dry_run`):
/// every entry is checked first, then the ledger once with all of them added; each
/// log file is then written atomically, all under one lock. Nothing is written when
/// any entry is refused. The result lists the entries in the order given.
///
/// Each file is replaced atomically, but a disk failing between two files leaves the
/// first written: entries with ids (as `import` gives them) can then simply be added
/// again, the ones already written being recognised by their ids.
pub fn add_many(dir: &Path, entries: &[NewEntry], dry_run: bool) -> Result<Vec<Added>, EntryError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    retry_once_if_changed(|| add_once(dir, entries, dry_run, None))
}

/// Adds the entry of a page's form whose key is `key` ([`submissions::is_key`]),
/// once: when the journal shows that form saved and its entry is still in its log,
/// nothing is written and the saved entry is returned (the same form sent again).
pub fn add_submitted(dir: &Path, entry: &NewEntry, key: &str) -> Result<Added, EntryError> {
    let mut added =
        retry_once_if_changed(|| add_once(dir, std::slice::from_ref(entry), false, Some(key)))?;
    Ok(added.remove(0))
}

/// Runs a write again, once, when it was refused because a file it read changed on
/// disk before its rename (an editor saving in place): the second run reads the file
/// as it is now. A second such refusal is reported.
fn retry_once_if_changed<T>(
    mut write: impl FnMut() -> Result<T, EntryError>,
) -> Result<T, EntryError> {
    match write() {
        Err(EntryError::Io { source, .. }) if crate::files::changed_on_disk(&source) => {
            // Give a saving editor the moment it needs to finish.
            std::thread::sleep(std::time::Duration::from_millis(50));
            write()
        }
        result => result,
    }
}

fn add_once(
    dir: &Path,
    entries: &[NewEntry],
    dry_run: bool,
    key: Option<&str>,
) -> Result<Vec<Added>, EntryError> {
    let mut held = Held::take(dir)?;
    if let Some((file, yaml)) = key.and_then(|key| submissions::find(dir, key))
        && held.current(&file).is_ok_and(|text| text.contains(&yaml))
    {
        return Ok(vec![Added { file, yaml }]);
    }
    let choices = held.choices()?;
    let mut planned = Vec::with_capacity(entries.len());
    let mut problems = Vec::new();
    for entry in entries {
        match prevalidate(&choices, entry) {
            Ok(Checked { entry, date }) => {
                planned.push((target(dir, &entry, date)?, entry_yaml(&entry), date));
            }
            Err(EntryError::Invalid(report)) => problems.extend(report.diagnostics),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(EntryError::Invalid(Report {
            sources: Vec::new(),
            diagnostics: problems,
        }));
    }
    let lock_io = |source| EntryError::Io {
        path: dir.join(LOCK_FILE),
        source,
    };
    std::fs::create_dir_all(dir.join(ACTIVITIES_DIR)).map_err(lock_io)?;
    let rewrites = new_texts(&held, &planned)?;
    held.validate(&rewrites)?;
    if !dry_run {
        if let (Some(key), [(log, yaml, _)]) = (key, planned.as_slice()) {
            submissions::record(dir, key, log, yaml).map_err(|source| EntryError::Io {
                path: dir.join(submissions::JOURNAL_FILE),
                source,
            })?;
        }
        for rewrite in &rewrites {
            let io = |source| EntryError::Io {
                path: rewrite.log.clone(),
                source,
            };
            if let Some(parent) = rewrite.log.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
                crate::files::remove_stale_temporaries(parent);
            }
            rewrite.write(dir).map_err(io)?;
        }
    }
    drop(held);
    Ok(planned
        .into_iter()
        .map(|(file, yaml, _)| Added { file, yaml })
        .collect())
}

/// A log's new text and the text it was made from (`None`: a new log).
pub(super) struct Rewrite {
    /// The log.
    pub log: PathBuf,
    /// Its text as read under the lock.
    pub before: Option<String>,
    /// Its new text.
    pub text: String,
}

impl Rewrite {
    /// Replaces the log with its new text, unless it left the ledger through a link
    /// or no longer holds the text this was made from.
    fn write(&self, dir: &Path) -> std::io::Result<()> {
        let before = match &self.before {
            Some(text) => crate::files::Before::Held(text.as_bytes()),
            None => crate::files::Before::Absent,
        };
        crate::files::replace_in_ledger(dir, &self.log, before, self.text.as_bytes())
    }
}

/// Each target log with its new text: its current text (as `held` read it, under the
/// lock) with its entries appended in order; the logs in the order first named.
fn new_texts(
    held: &Held,
    planned: &[(PathBuf, String, NaiveDate)],
) -> Result<Vec<Rewrite>, EntryError> {
    let mut texts: Vec<Rewrite> = Vec::new();
    for (log, yaml, date) in planned {
        if let Some(rewrite) = texts.iter_mut().find(|r| r.log == *log) {
            rewrite.text = appended(Some(&rewrite.text), yaml, *date, false);
            continue;
        }
        let old = match held.current(log) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(EntryError::Read {
                    path: log.clone(),
                    source,
                });
            }
        };
        let text = appended(old.as_deref(), yaml, *date, has_schema(log));
        texts.push(Rewrite {
            log: log.clone(),
            before: old,
            text,
        });
    }
    Ok(texts)
}

/// other entries, comments, blank lines). What the form does not show of the old
/// entry (its `id` and `villages`) is kept; its `name` is the one `entry` gives (the
/// form shows it, so an emptied name is removed): an entry that does not read on its
/// own is refused rather than losing them. Checked like [`add`]: the entry first, then
/// the whole ledger with the changed log in memory; written atomically under the
/// ledger's lock, and only when the entry still has the version the page saw.
pub fn replace(dir: &Path, at: &EntryRef, entry: &NewEntry) -> Result<Added, EntryError> {
    retry_once_if_changed(|| replace_once(dir, at, entry))
}

fn replace_once(dir: &Path, at: &EntryRef, entry: &NewEntry) -> Result<Added, EntryError> {
    let mut held = Held::take(dir)?;
    let mut normalized = prevalidate(&held.choices()?, entry)?.entry;
    let (log, text, span) = held_entry(dir, &held, at)?;
    let old = &text[span.clone()];
    let kept = kept_fields(old).ok_or_else(|| EntryError::Unreadable(log.clone()))?;
    if normalized.id.is_none() {
        normalized.id = kept.id;
    }
    if normalized.villages.is_empty() {
        normalized.villages = kept.villages;
    }
    let yaml = entry_yaml(&normalized);
    let indent = old.len() - old.trim_start_matches(' ').len();
    let mut replacement = indented(&yaml, indent);
    if old.contains("\r\n") {
        // The log's own line breaks (a file saved on Windows).
        replacement = replacement.replace('\n', "\r\n");
    }
    if !old.ends_with('\n') {
        replacement.truncate(replacement.trim_end_matches(['\r', '\n']).len());
    }
    let new_text = format!("{}{replacement}{}", &text[..span.start], &text[span.end..]);
    commit(held, dir, log.clone(), text, new_text)?;
    Ok(Added { file: log, yaml })
}

/// Removes the entry at `at` from its log, keeping every other byte; checked and
/// written like [`replace`] (a removal that leaves the ledger invalid, say an item
/// with neither text nor activities, is refused with the findings).
pub fn remove(dir: &Path, at: &EntryRef) -> Result<Added, EntryError> {
    retry_once_if_changed(|| remove_once(dir, at))
}

fn remove_once(dir: &Path, at: &EntryRef) -> Result<Added, EntryError> {
    let held = Held::take(dir)?;
    let (log, text, span) = held_entry(dir, &held, at)?;
    let yaml = text[span.clone()].to_owned();
    let new_text = format!("{}{}", &text[..span.start], &text[span.end..]);
    commit(held, dir, log.clone(), text, new_text)?;
    Ok(Added { file: log, yaml })
}

/// The log's path and current text (as `held` read it), and the byte range of the
/// entry `at` names, when it still has the version the page saw (else
/// [`EntryError::Changed`]) and its range is certain: the log's entries are as many as
/// its activities and this one reads on its own as the activity in its place (else
/// [`EntryError::Unreadable`]).
fn held_entry(
    dir: &Path,
    held: &Held,
    at: &EntryRef,
) -> Result<(PathBuf, String, std::ops::Range<usize>), EntryError> {
    let log = existing_log(dir, &at.file)?;
    let text = held.current(&log).map_err(|source| EntryError::Read {
        path: log.clone(),
        source,
    })?;
    let span = entry_spans(&text)
        .and_then(|spans| spans.get(at.index).cloned())
        .filter(|span| entry_version(&text, span) == at.version)
        .ok_or_else(|| EntryError::Changed(log.clone()))?;
    let certain = log_entries(&text)
        .and_then(|entries| entries.into_iter().nth(at.index))
        .is_some_and(|entry| entry.span == span && entry.alone.is_some());
    if !certain {
        return Err(EntryError::Unreadable(log));
    }
    Ok((log, text, span))
}

/// The log `file` names (relative to `activities/`), when it is one the ledger reads:
/// plain path components only, a .yaml/.yml file that exists inside `activities/`.
fn existing_log(dir: &Path, file: &Path) -> Result<PathBuf, EntryError> {
    let activities = dir.join(ACTIVITIES_DIR);
    let plain = file
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        && file.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let log = activities.join(file);
    let inside = plain
        && log.is_file()
        && match (log.canonicalize(), activities.canonicalize()) {
            (Ok(real), Ok(root)) => real.starts_with(root),
            _ => false,
        };
    if inside {
        Ok(log)
    } else {
        Err(EntryError::OutsideLedger(file.to_path_buf()))
    }
}

/// Validates the ledger with `log` holding `text` instead of `before` (as read), then
/// writes it durably; the lock is held until the rename is done.
fn commit(
    held: Held,
    dir: &Path,
    log: PathBuf,
    before: String,
    text: String,
) -> Result<(), EntryError> {
    let rewrite = Rewrite {
        log,
        before: Some(before),
        text,
    };
    held.validate(std::slice::from_ref(&rewrite))?;
    rewrite.write(dir).map_err(|source| EntryError::Io {
        path: rewrite.log.clone(),
        source,
    })?;
    drop(held);
    Ok(())
}

/// The fields of an old entry that an edit keeps because the form does not show them.
struct Kept {
    id: Option<String>,
    villages: Vec<String>,
}

/// What an edit keeps of the old entry; `None` when its bytes do not read on their own
/// (an alias, a range cut short), so that the edit is refused rather than silently
/// dropping its `id` and `villages`.
fn kept_fields(old_yaml: &str) -> Option<Kept> {
    read_alone(old_yaml).map(|spec| Kept {
        id: spec.id.map(|i| i.value),
        villages: spec.villages.into_iter().map(|v| v.value).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::load;

    /// A copy of the fixture `name` in a temporary directory.
    fn fixture_copy(name: &str) -> tempfile::TempDir {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let target = to.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target);
                } else {
                    std::fs::copy(&path, &target).unwrap();
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(name),
            dir.path(),
        );
        dir
    }

    /// How many times `work` read each ledger file from disk, at most.
    fn most_readings_of_a_file(work: impl FnOnce()) -> usize {
        load::READS.with(|reads| reads.borrow_mut().clear());
        work();
        let reads = load::READS.with(|reads| reads.take());
        let count = |p: &PathBuf| reads.iter().filter(|q| *q == p).count();
        assert!(!reads.is_empty(), "the ledger was read");
        reads.iter().map(count).max().unwrap_or_default()
    }

    #[test]
    fn a_write_reads_the_ledger_once_for_its_choices_and_its_validation() {
        let dir = fixture_copy("chapanzhou-2023");
        let entry = NewEntry {
            date: "2023-03-09".into(),
            item: "legal-rights".into(),
            text: "开展普法宣传".into(),
            ..NewEntry::default()
        };
        let mut added = None;
        let add_reads = most_readings_of_a_file(|| added = Some(add(dir.path(), &entry, false)));
        assert_eq!(add_reads, 1);
        let log = added.unwrap().unwrap().file;
        let text = std::fs::read_to_string(&log).unwrap();
        let spans = entry_spans(&text).unwrap();
        let at = EntryRef {
            file: log
                .strip_prefix(dir.path().join(ACTIVITIES_DIR))
                .unwrap()
                .into(),
            index: spans.len() - 1,
            version: entry_version(&text, spans.last().unwrap()),
        };
        let edited = NewEntry {
            text: "开展普法宣传活动".into(),
            ..entry
        };
        let mut replaced = None;
        let replace_reads =
            most_readings_of_a_file(|| replaced = Some(replace(dir.path(), &at, &edited)));
        assert_eq!(replace_reads, 1);
        assert!(replaced.unwrap().is_ok());
    }

    #[test]
    fn appending_keeps_the_old_text_and_comments() {
        let date = NaiveDate::from_ymd_opt(2023, 3, 8).unwrap();
        let old = "# 我的注释\n- date: 2023-03-01\n  item: a\n  text: 甲";
        let new = appended(Some(old), "- date: 2023-03-08\n  item: a\n", date, true);
        assert!(new.starts_with(old));
        assert!(new.ends_with("甲\n- date: 2023-03-08\n  item: a\n"));
        let fresh = appended(None, "- x\n", date, true);
        assert!(fresh.starts_with(
            "# yaml-language-server: $schema=../schemas/activities.schema.json\n# 2023年3月"
        ));
        // A ledger without the schema gets no line pointing at it.
        assert!(appended(None, "- x\n", date, false).starts_with("# 2023年3月"));
    }

    #[test]
    fn an_edit_keeps_the_fields_the_form_does_not_show() {
        let old = "  - id: \"x-1\"\n    date: 2023-03-01\n    item: a\n    name: 运动会\n    villages: [新河村]\n";
        let kept = kept_fields(old).unwrap();
        assert_eq!(kept.id.as_deref(), Some("x-1"));
        assert_eq!(kept.villages, ["新河村"]);
        // An entry that does not read on its own keeps nothing: the edit is refused.
        assert!(kept_fields("- id: x-1\n  date: a\n  item: a\n  villages: *v\n").is_none());
        assert!(kept_fields("- id: \"x-1\n  date: a\n").is_none());
        let yaml = entry_yaml(&NewEntry {
            date: "2023-03-01".into(),
            item: "a".into(),
            name: Some(" 运动会 ".into()),
            text: "t".into(),
            ..NewEntry::default()
        });
        assert_eq!(
            yaml,
            "- date: 2023-03-01\n  item: a\n  name: \"运动会\"\n  text: \"t\"\n"
        );
        assert_eq!(indented("- a\n  b\n", 2), "  - a\n    b\n");
    }
}
