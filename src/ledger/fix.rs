//! `check --fix`: the mechanical repairs of a ledger, made in place. Input-method
//! slips in the YAML syntax, dates to YYYY-MM-DD, half-width `, ; : ( ) ! ?` inside
//! Chinese text to full width, doubled marks. Only the bytes of a repair change:
//! comments, blank lines, quoting and every other line stay as they were.

use crate::diag::Report;
use crate::ledger::ime;
use crate::ledger::load::{self, ACTIVITIES_DIR, REPORT_FILE};
use crate::ledger::model::{ActivitySpec, ReportSpec};
use std::path::{Path, PathBuf};

/// One repaired line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineChange {
    /// Line number (1-based) in the file before the repair.
    pub line: usize,
    /// The line before.
    pub before: String,
    /// The line after.
    pub after: String,
}

/// The repairs of one file.
#[derive(Clone, Debug)]
pub struct FileFix {
    /// The file.
    pub path: PathBuf,
    /// Its whole text after the repairs.
    pub text: String,
    /// What changed, line by line.
    pub changes: Vec<LineChange>,
    /// The line where the repaired text still fails to parse: such a file is not
    /// written, since a repair must not leave the ledger unreadable.
    pub unparseable: Option<u32>,
}

/// Why the ledger could not be repaired.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The directory holds no report.yaml.
    #[error("{} 不是台账目录（里面没有 report.yaml）", .0.display())]
    NotALedger(PathBuf),
    /// The activity folder could not be listed.
    #[error("无法列出台账文件：{0}")]
    List(String),
    /// A file could not be read or written.
    #[error("无法读写 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The repairs `check --fix` would make in the ledger in `dir` (files that need none
/// are left out; files that are not UTF-8 are left for `check` to report).
pub fn plan(dir: &Path) -> Result<Vec<FileFix>, FixError> {
    let report_file = dir.join(REPORT_FILE);
    if !report_file.is_file() {
        return Err(FixError::NotALedger(dir.to_path_buf()));
    }
    let (logs, listing) = load::ledger_files(&dir.join(ACTIVITIES_DIR));
    if listing.error_count() > 0 {
        return Err(FixError::List(listing_errors(&listing)));
    }
    let mut fixes = Vec::new();
    for path in std::iter::once(report_file.clone()).chain(logs) {
        let bytes = std::fs::read(&path).map_err(|source| FixError::Io {
            path: path.clone(),
            source,
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let (fixed, unparseable) = repaired(&text, path == report_file);
        if fixed != text {
            fixes.push(FileFix {
                changes: line_changes(&text, &fixed),
                path,
                text: fixed,
                unparseable,
            });
        }
    }
    Ok(fixes)
}

fn listing_errors(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect::<Vec<_>>()
        .join("；")
}

/// Writes the repairs, each file atomically, under the ledger's lock (the one `new`
/// takes), so a concurrent `new` is neither lost nor overwritten.
pub fn apply(dir: &Path, fixes: &[FileFix]) -> Result<(), FixError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FixError::Io { path, source }
    };
    let lock_path = dir.join(crate::ledger::entry::LOCK_FILE);
    let lock =
        crate::files::lock_ledger(dir, crate::ledger::entry::LOCK_FILE).map_err(io(&lock_path))?;
    for fix in fixes {
        // The file may have changed since the plan (a `new` in another terminal):
        // repair what is there now.
        let current = std::fs::read_to_string(&fix.path).map_err(io(&fix.path))?;
        let (repaired, unparseable) = repaired(&current, fix.path == dir.join(REPORT_FILE));
        if repaired != current && unparseable.is_none() {
            crate::files::replace_in_ledger(
                dir,
                &fix.path,
                crate::files::Before::Held(current.as_bytes()),
                repaired.as_bytes(),
            )
            .map_err(io(&fix.path))?;
        }
    }
    drop(lock);
    Ok(())
}

/// The text of a ledger file (report.yaml when `report`, else a log) with every
/// repair made, a full-width space of indentation as the spaces that parse; and the
/// line where the result still fails to parse.
fn repaired(text: &str, report: bool) -> (String, Option<u32>) {
    let first_error = |text: &str| {
        if report {
            load::first_parse_error::<ReportSpec>(text)
        } else {
            load::first_parse_error::<Vec<ActivitySpec>>(text)
        }
    };
    let fixed = crate::ledger::indent::resolve(text, fix_text(text), first_error);
    let unparseable = first_error(&fixed);
    (fixed, unparseable)
}

/// The text with every mechanical repair made.
pub fn fix_text(text: &str) -> String {
    let (text, _) = ime::fix_all(text);
    let mut out = String::with_capacity(text.len());
    let mut block_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let indent = body.len() - body.trim_start_matches(' ').len();
        let in_block = match block_indent {
            Some(block) if body.trim().is_empty() || indent > block => true,
            _ => {
                block_indent = None;
                false
            }
        };
        let repaired = if in_block {
            prose(body)
        } else {
            if opens_block(body) {
                block_indent = Some(indent);
            }
            repair_line(body)
        };
        out.push_str(&repaired);
        out.push_str(ending);
    }
    out
}

/// `key: |` and the like.
fn opens_block(line: &str) -> bool {
    line.split_once(": ")
        .is_some_and(|(_, v)| v.trim_start().starts_with(['|', '>']))
}

/// One line outside a block scalar: comments stay, `date:` values become YYYY-MM-DD,
/// a prose value gets its punctuation repaired.
fn repair_line(line: &str) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.is_empty() {
        return line.to_owned();
    }
    let Some((key_part, value)) = split_value(line) else {
        // A continuation line of a plain scalar: prose.
        return prose(line);
    };
    let key = key_part
        .trim()
        .trim_end_matches(':')
        .trim_start_matches("- ")
        .trim();
    if key == "date" {
        return format!("{key_part}{}", normalized_date(value));
    }
    let value_start = value.trim_start();
    // Flow collections, block scalar headers, anchors, aliases and tags are syntax.
    if value_start.starts_with(['[', '{', '|', '>', '&', '*', '!']) {
        return line.to_owned();
    }
    format!("{key_part}{}", prose(value))
}

/// Splits `key: value` (or `- key: value`) after the colon and its space.
fn split_value(line: &str) -> Option<(&str, &str)> {
    let at = line.find(": ")?;
    let key = line[..at].trim().trim_start_matches("- ").trim();
    let is_key = !key.is_empty() && !key.contains([' ', '，', '。']) && key.chars().count() <= 20;
    is_key.then(|| line.split_at(at + 2))
}

/// A date value as YYYY-MM-DD, its quotes kept; anything unreadable stays as it is.
fn normalized_date(value: &str) -> String {
    let trimmed = value.trim();
    let (open, inner, close) = match trimmed.chars().next() {
        Some(q @ ('"' | '\'')) if trimmed.len() >= 2 && trimmed.ends_with(q) => {
            (q.to_string(), &trimmed[1..trimmed.len() - 1], q.to_string())
        }
        _ => (String::new(), trimmed, String::new()),
    };
    match crate::text::parse_date(inner) {
        Some(date) => {
            let leading = &value[..value.len() - value.trim_start().len()];
            let trailing = &value[value.trim_end().len()..];
            format!(
                "{leading}{open}{}{close}{trailing}",
                date.format("%Y-%m-%d")
            )
        }
        None => value.to_owned(),
    }
}

/// Prose: half-width `, ; : ( ) ! ?` that touch Chinese text become full width, and a
/// doubled mark (。。 ，， 、、 ；；) becomes one.
fn prose(text: &str) -> String {
    let mut out = crate::text::full_width_punctuation(text);
    for doubled in crate::text::DOUBLED_MARKS {
        let single = &doubled[..doubled.len() / 2];
        while out.contains(doubled) {
            out = out.replace(doubled, single);
        }
    }
    out
}

/// The changed lines, for the diff `check --fix` prints. Repairs never add or remove
/// lines, so lines pair up by number.
fn line_changes(before: &str, after: &str) -> Vec<LineChange> {
    before
        .lines()
        .zip(after.lines())
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .map(|(n, (b, a))| LineChange {
            line: n + 1,
            before: b.to_owned(),
            after: a.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_and_comments_stay_prose_is_repaired() {
        let before = "# 注释: 不改(保留)\n- date: 2023/3/8\n  item：legal-rights\n  text: 开展活动,发放资料(200份)。。\n  villages: [新华村, 茶盘洲社区]\n  figures: { visits: １ }\n";
        let after = fix_text(before);
        assert_eq!(
            after,
            "# 注释: 不改(保留)\n- date: 2023-03-08\n  item: legal-rights\n  text: 开展活动，发放资料（200份）。\n  villages: [新华村, 茶盘洲社区]\n  figures: { visits: 1 }\n"
        );
        assert_eq!(fix_text(&after), after, "a second run changes nothing");
    }

    #[test]
    fn block_scalars_are_prose_and_their_header_is_syntax() {
        let before = "opening: |\n  2023年,镇妇联(在市妇联的指导下)开展工作。\n  现将情况总结如下:\nclosing: 完。\n";
        let after = fix_text(before);
        assert_eq!(
            after,
            "opening: |\n  2023年，镇妇联（在市妇联的指导下）开展工作。\n  现将情况总结如下：\nclosing: 完。\n"
        );
    }

    #[test]
    fn quoted_dates_keep_their_quotes_and_times_stay_ascii() {
        assert_eq!(fix_text("date: \"2024-1-22\"\n"), "date: \"2024-01-22\"\n");
        assert_eq!(fix_text("  text: 10:30开会\n"), "  text: 10:30开会\n");
        assert_eq!(line_changes("a\nb\n", "a\nc\n")[0].line, 2);
    }
}
