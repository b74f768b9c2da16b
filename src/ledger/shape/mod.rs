//! Shaping the report without a text editor: one change to report.yaml at a time (a
//! heading renamed, an item added, a section moved up, a figure declared), written
//! into the file's own text so that every byte outside the changed node stays as the
//! clerk or the preset wrote it. A change is written only when
//! - the file still has the version the page showed (else [`ShapeError::Changed`]);
//! - the text, read back, holds exactly the intended change and nothing else (else
//!   [`ShapeError::Unsupported`]: a layout this editor does not take apart);
//! - the whole ledger checks with it (else [`ShapeError::Invalid`], with the findings);
//! - nothing the change removes is still used by an activity ([`ShapeError::InUse`]).
//!
//! Writes take the ledger's lock and replace report.yaml atomically, as activities do.

pub mod outline;

use crate::diag::Report;
use crate::ledger::entry::LOCK_FILE;
use crate::ledger::load::{self, REPORT_FILE};
use crate::ledger::source::LedgerSource;
use outline::{Node, Outline, Step};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One change to the report's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Sets the text field `key` of the mapping at `at` (added when missing); `None`
    /// removes the field.
    Field {
        /// The mapping.
        at: Vec<Step>,
        /// The field.
        key: String,
        /// Its new text.
        value: Option<String>,
    },
    /// Moves item `index` of the sequence at `at` one place up or down.
    Move {
        /// The sequence.
        at: Vec<Step>,
        /// The item.
        index: usize,
        /// Towards the start.
        up: bool,
    },
    /// Removes item `index` of the sequence at `at`.
    Remove {
        /// The sequence.
        at: Vec<Step>,
        /// The item.
        index: usize,
    },
    /// Appends a mapping with `fields` (text values) to the sequence `key` of the
    /// mapping at `at`; the sequence is made when missing.
    Append {
        /// The mapping holding the sequence.
        at: Vec<Step>,
        /// The sequence's key.
        key: String,
        /// The new item's fields, in order.
        fields: Vec<(String, String)>,
    },
    /// Sets the entry `key` of the mapping at `at` to a mapping of text fields
    /// (written on one line, as figures are); `None` removes the entry.
    Entry {
        /// The mapping.
        at: Vec<Step>,
        /// The entry's key.
        key: String,
        /// Its fields, in order.
        fields: Option<Vec<(String, String)>>,
    },
    /// Sets the sequence `key` of the mapping at `at` to these texts, one item each
    /// (the plans); an empty list removes it.
    Texts {
        /// The mapping.
        at: Vec<Step>,
        /// The sequence's key.
        key: String,
        /// The items.
        items: Vec<String>,
    },
}

/// Why a change was not written.
#[derive(Debug, thiserror::Error)]
pub enum ShapeError {
    /// The directory holds no report.yaml.
    #[error("{} 不是台账目录（里面没有 report.yaml）", .0.display())]
    NotALedger(PathBuf),
    /// report.yaml changed since the page showed it.
    #[error(
        "report.yaml 在您打开页面之后已被修改（可能是另一个浏览器、文本编辑器，或重复提交了同一个表单）：为免覆盖别人的修改，这次没有保存。请看页面上的最新结构，再重新修改"
    )]
    Changed,
    /// The part to change is not where the page said, or written in a way this editor
    /// does not take apart (flow style, anchors).
    #[error(
        "无法在 report.yaml 中准确找到要修改的这一部分（它可能已被删除，或用了特殊的写法）：这次没有修改。请刷新页面；仍不行时请用文本编辑器修改 report.yaml"
    )]
    Unsupported,
    /// The ledger would not check with the change.
    #[error("{}", .0.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Report),
    /// Activities still point at what the change removes.
    #[error("还有 {count} 条活动记在“{what}”下，不能删除：请先把这些活动改到别的条目，或删除它们")]
    InUse {
        /// What was to be removed, as the page names it.
        what: String,
        /// How many activities use it.
        count: usize,
    },
    /// report.yaml could not be read or written.
    #[error("无法读写 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The version of report.yaml's text the page shows, sent back with every change.
pub fn version(text: &str) -> String {
    crate::ledger::entry::entry_version(text, &(0..text.len()))
}

/// Applies `changes`, one after the other, to report.yaml in `dir` when its text
/// still has `version_seen`, and writes the result once; `in_use` names what the
/// changes remove and counts the activities that still use it (the caller knows what
/// the page calls it). Returns the new text.
pub fn change_report(
    dir: &Path,
    version_seen: &str,
    changes: &[Change],
    in_use: impl Fn(&load::Ledger) -> Option<(String, usize)>,
) -> Result<String, ShapeError> {
    match change_once(dir, version_seen, changes, &in_use) {
        // An editor saved report.yaml in place meanwhile: read it again, once.
        Err(ShapeError::Io { source, .. }) if crate::files::changed_on_disk(&source) => {
            std::thread::sleep(std::time::Duration::from_millis(50));
            change_once(dir, version_seen, changes, &in_use)
        }
        result => result,
    }
}

fn change_once(
    dir: &Path,
    version_seen: &str,
    changes: &[Change],
    in_use: &impl Fn(&load::Ledger) -> Option<(String, usize)>,
) -> Result<String, ShapeError> {
    let path = dir.join(REPORT_FILE);
    if !path.is_file() {
        return Err(ShapeError::NotALedger(dir.to_path_buf()));
    }
    let io = |source| ShapeError::Io {
        path: path.clone(),
        source,
    };
    let lock = crate::files::lock_ledger(dir, LOCK_FILE).map_err(io)?;
    let text = std::fs::read_to_string(&path).map_err(io)?;
    if version(&text) != version_seen {
        return Err(ShapeError::Changed);
    }
    let text_read = text.clone();
    let changed = changes
        .iter()
        .try_fold(text, |text, change| apply(&text, change))?;
    let source = LedgerSource::directory(dir).with_file(&path, changed.clone());
    let loaded = load::load_source(&source);
    if let Some((what, count)) = loaded.ledger.as_ref().and_then(in_use)
        && count > 0
    {
        return Err(ShapeError::InUse { what, count });
    }
    let report = crate::ledger::read_loaded(dir, loaded.ledger.as_ref(), loaded.report).1;
    if report.error_count() > 0 {
        return Err(ShapeError::Invalid(report));
    }
    crate::files::replace_in_ledger(
        dir,
        &path,
        crate::files::Before::Held(text_read.as_bytes()),
        changed.as_bytes(),
    )
    .map_err(io)?;
    drop(lock);
    Ok(changed)
}

/// `text` with `change` made, when the result reads back as the text's own data with
/// exactly that change.
pub fn apply(text: &str, change: &Change) -> Result<String, ShapeError> {
    let outline = Outline::new(text);
    let changed = edit(&outline, change).ok_or(ShapeError::Unsupported)?;
    let expected =
        data(text).and_then(|mut value| change_data(&mut value, change).then_some(value));
    match (expected, data(&changed)) {
        (Some(expected), Some(actual)) if expected == actual => Ok(changed),
        _ => Err(ShapeError::Unsupported),
    }
}

/// The data of a YAML text, for comparing what an edit did with what it meant to do.
fn data(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

/// The text edit of `change`.
fn edit(outline: &Outline, change: &Change) -> Option<String> {
    let text = outline.text();
    match change {
        Change::Field { at, key, value } => {
            let map = outline.find(at)?;
            let lines = match value {
                Some(value) => Some(field(key, value, child_column(outline, &map)?)),
                None => None,
            };
            set_entry(outline, &map, key, lines.as_deref())
        }
        Change::Entry { at, key, fields } => {
            let map = outline.find(at)?;
            let lines = fields
                .as_ref()
                .map(|fields| format!("{key}: {}\n", flow_mapping(fields)));
            set_entry(outline, &map, key, lines.as_deref())
        }
        Change::Texts { at, key, items } => {
            let map = outline.find(at)?;
            let column = child_column(outline, &map)?;
            let lines = (!items.is_empty()).then(|| {
                let mut out = format!("{key}:\n");
                for item in items {
                    out.push_str(&" ".repeat(column + 2));
                    out.push('-');
                    out.push_str(&scalar(item, column + 4));
                }
                out
            });
            set_entry(outline, &map, key, lines.as_deref())
        }
        Change::Remove { at, index } => {
            let items = outline.items(&outline.find(at)?)?;
            let item = items.get(*index)?;
            Some(splice(text, outline.line_start(item)..item.span.end, ""))
        }
        Change::Move { at, index, up } => {
            let items = outline.items(&outline.find(at)?)?;
            let other = if *up {
                index.checked_sub(1)?
            } else {
                index + 1
            };
            let (a, b) = (
                items.get(*index.min(&other))?,
                items.get(*index.max(&other))?,
            );
            let mut out = String::with_capacity(text.len());
            out.push_str(&text[..a.span.start]);
            out.push_str(&text[b.span.clone()]);
            out.push_str(&text[a.span.end..b.span.start]);
            out.push_str(&text[a.span.clone()]);
            out.push_str(&text[b.span.end..]);
            Some(out)
        }
        Change::Append { at, key, fields } => {
            let map = outline.find(at)?;
            match outline.entry(&map, key) {
                Some(sequence) => {
                    let items = outline.items(&sequence)?;
                    let last = items.last()?;
                    let item = sequence_item(fields, last.column);
                    Some(splice(text, last.span.end..last.span.end, &item))
                }
                None => {
                    let column = child_column(outline, &map)?;
                    let lines = format!("{key}:\n{}", sequence_item(fields, column + 2));
                    set_entry(outline, &map, key, Some(&lines))
                }
            }
        }
    }
}

/// The column the entries of mapping `map` are written at.
fn child_column(outline: &Outline, map: &Node) -> Option<usize> {
    let entries = outline.entries(map)?;
    Some(
        entries
            .first()
            .map_or(map.value_column, |(_, node)| node.column),
    )
}

/// `text` with `range` replaced by `with`.
fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

/// The mapping `map` with its entry `key` replaced by `lines` (which begin at the
/// key and end with a line break), added after its last entry when missing, or
/// removed when `lines` is `None`. The first key of a sequence item is never removed.
fn set_entry(outline: &Outline, map: &Node, key: &str, lines: Option<&str>) -> Option<String> {
    let text = outline.text();
    let entries = outline.entries(map)?;
    let column = entries
        .first()
        .map_or(map.value_column, |(_, node)| node.column);
    match (entries.iter().position(|(k, _)| k == key), lines) {
        (Some(index), Some(lines)) => Some(splice(text, entries[index].1.span.clone(), lines)),
        (Some(0), None) if map.value_column > map.column => None,
        (Some(index), None) => {
            let node = &entries[index].1;
            Some(splice(text, outline.line_start(node)..node.span.end, ""))
        }
        (None, Some(lines)) => {
            let end = entries.last()?.1.span.end;
            let lines = format!("{}{lines}", " ".repeat(column));
            Some(splice(
                text,
                end..end,
                &ensure_break_before(text, end, &lines),
            ))
        }
        (None, None) => Some(text.to_owned()),
    }
}

/// `lines` preceded by a line break when `at` is not at the start of a line (a file
/// whose last line has none).
fn ensure_break_before(text: &str, at: usize, lines: &str) -> String {
    if at == 0 || text[..at].ends_with('\n') {
        lines.to_owned()
    } else {
        format!("\n{lines}")
    }
}

/// A mapping entry `key: value` whose continuation lines are indented for `column`.
fn field(key: &str, value: &str, column: usize) -> String {
    format!("{key}:{}", scalar(value, column + 2))
}

/// A sequence item at `column` holding a mapping of `fields`.
fn sequence_item(fields: &[(String, String)], column: usize) -> String {
    let mut out = String::new();
    for (n, (key, value)) in fields.iter().enumerate() {
        if n == 0 {
            out.push_str(&" ".repeat(column));
            out.push_str("- ");
        } else {
            out.push_str(&" ".repeat(column + 2));
        }
        out.push_str(&field(key, value, column + 2));
    }
    out
}

/// The text after `key:` that reads back as exactly `value`: plain when that is safe,
/// a literal block (`|`) for text of several lines, else a double-quoted string. The
/// literal block's lines are indented to `indent`.
fn scalar(value: &str, indent: usize) -> String {
    if value.contains('\n') && literal_block_reads_back(value) {
        let mut out = String::from(" |\n");
        for line in value.trim_end_matches('\n').split('\n') {
            if !line.is_empty() {
                out.push_str(&" ".repeat(indent));
                out.push_str(line);
            }
            out.push('\n');
        }
        return out;
    }
    if is_plain_safe(value) {
        format!(" {value}\n")
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        format!(" {}\n", serde_json::to_string(value).unwrap_or_default())
    }
}

/// Whether `value` reads back unchanged from a clipped literal block: one line break
/// at its end, no line starting with white space, no tab or control character.
fn literal_block_reads_back(value: &str) -> bool {
    let body = value.strip_suffix('\n').unwrap_or(value);
    value.ends_with('\n')
        && !body.ends_with('\n')
        && !body.starts_with('\n')
        && body
            .split('\n')
            .all(|line| !line.starts_with([' ', '\t']) && !line.ends_with([' ', '\t']))
        && !body.chars().any(|c| c.is_control() && c != '\n')
}

/// Whether `value` reads back unchanged as a plain scalar in block context.
fn is_plain_safe(value: &str) -> bool {
    let special_start = [
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`', ' ',
    ];
    let reserved = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    !value.is_empty()
        && !reserved
        && !value.starts_with(special_start)
        && !value.ends_with([' ', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.chars().any(char::is_control)
        && value.parse::<f64>().is_err()
        && !value.starts_with(|c: char| c.is_ascii_digit())
}

/// Fields written as a flow mapping on one line: `{ label: 接待来访, unit: 件 }`.
fn flow_mapping(fields: &[(String, String)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(key, value)| {
            let flow_safe = is_plain_safe(value) && !value.contains([',', '[', ']', '{', '}']);
            if flow_safe {
                format!("{key}: {value}")
            } else {
                format!(
                    "{key}: {}",
                    serde_json::to_string(value).unwrap_or_default()
                )
            }
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

/// Makes `change` on the data of the file (what the text edit must amount to).
fn change_data(value: &mut Value, change: &Change) -> bool {
    let text_value = |s: &String| Value::String(s.clone());
    let object_of = |fields: &[(String, String)]| {
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), text_value(v)))
                .collect(),
        )
    };
    match change {
        Change::Field {
            at,
            key,
            value: new,
        } => {
            let Some(map) = at_path(value, at).and_then(Value::as_object_mut) else {
                return false;
            };
            match new {
                Some(new) => map.insert(key.clone(), text_value(new)),
                None => map.remove(key),
            };
            true
        }
        Change::Entry { at, key, fields } => {
            let Some(map) = at_path(value, at).and_then(Value::as_object_mut) else {
                return false;
            };
            match fields {
                Some(fields) => map.insert(key.clone(), object_of(fields)),
                None => map.remove(key),
            };
            true
        }
        Change::Texts { at, key, items } => {
            let Some(map) = at_path(value, at).and_then(Value::as_object_mut) else {
                return false;
            };
            if items.is_empty() {
                map.remove(key);
            } else {
                map.insert(
                    key.clone(),
                    Value::Array(items.iter().map(text_value).collect()),
                );
            }
            true
        }
        Change::Remove { at, index } => at_path(value, at)
            .and_then(Value::as_array_mut)
            .filter(|items| *index < items.len())
            .map(|items| items.remove(*index))
            .is_some(),
        Change::Move { at, index, up } => {
            let Some(items) = at_path(value, at).and_then(Value::as_array_mut) else {
                return false;
            };
            let other = if *up {
                index.checked_sub(1)
            } else {
                Some(index + 1)
            };
            match other.filter(|&o| o < items.len() && *index < items.len()) {
                Some(other) => {
                    items.swap(*index, other);
                    true
                }
                None => false,
            }
        }
        Change::Append { at, key, fields } => {
            let Some(map) = at_path(value, at).and_then(Value::as_object_mut) else {
                return false;
            };
            let sequence = map
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            match sequence.as_array_mut() {
                Some(items) => {
                    items.push(object_of(fields));
                    true
                }
                None => false,
            }
        }
    }
}

/// The value at `path` in the data.
fn at_path<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Index(index) => value.get_mut(*index),
    })
}

/// Every item and 一是 entry id under the node of a `Remove` of a section, item or
/// entry, and the number of the ledger's activities that name one of them.
pub fn activities_under(ledger: &load::Ledger, ids: &[String]) -> usize {
    ledger
        .logs
        .iter()
        .flat_map(|log| &log.activities)
        .filter(|activity| ids.contains(&activity.item.value))
        .count()
}

/// The number of the ledger's activities that record figure `key`.
pub fn activities_with_figure(ledger: &load::Ledger, key: &str) -> usize {
    ledger
        .logs
        .iter()
        .flat_map(|log| &log.activities)
        .filter(|activity| activity.figures.0.iter().any(|(k, _)| k.value == key))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    const REPORT: &str = "\
# 注释保留
year: 2024
figures:
  trained: { label: 学习, unit: 人次 }   # 行尾注释
sections:
  - id: a
    title: 甲
    items:
      - id: a1
        summary: 共{{ trained }}人次。
  # 乙节的说明
  - id: b
    title: 乙
    items:
      - id: b1
plans:
  items:
    - 计划一
";

    fn applied(change: Change) -> String {
        apply(REPORT, &change).unwrap()
    }

    #[test]
    fn a_field_is_replaced_and_nothing_else_changes() {
        let out = applied(Change::Field {
            at: vec![key("sections"), Step::Index(1)],
            key: "title".into(),
            value: Some("乙：新标题".into()),
        });
        assert_eq!(out, REPORT.replace("title: 乙\n", "title: 乙：新标题\n"));
    }

    #[test]
    fn a_missing_field_is_added_after_the_last_one_at_its_indentation() {
        let out = applied(Change::Field {
            at: vec![
                key("sections"),
                Step::Index(1),
                key("items"),
                Step::Index(0),
            ],
            key: "text".into(),
            value: Some("第一段。\n\n第二段。\n".into()),
        });
        assert!(out.contains(
            "      - id: b1\n        text: |\n          第一段。\n\n          第二段。\n"
        ));
        assert!(out.starts_with("# 注释保留\n"));
    }

    #[test]
    fn moving_swaps_two_items_and_keeps_the_comment_between_them() {
        let out = applied(Change::Move {
            at: vec![key("sections")],
            index: 1,
            up: true,
        });
        let b = out.find("- id: b").unwrap();
        let comment = out.find("# 乙节的说明").unwrap();
        let a = out.find("- id: a").unwrap();
        assert!(b < comment && comment < a, "{out}");
        assert_eq!(out.len(), REPORT.len());
    }

    #[test]
    fn removing_and_appending_items() {
        let out = applied(Change::Remove {
            at: vec![key("sections")],
            index: 0,
        });
        assert!(!out.contains("id: a1") && out.contains("id: b1"));
        let out = applied(Change::Append {
            at: vec![key("sections"), Step::Index(1)],
            key: "items".into(),
            fields: vec![
                ("id".into(), "b2".into()),
                ("title".into(), "新条目".into()),
            ],
        });
        assert!(
            out.contains("      - id: b1\n      - id: b2\n        title: 新条目\n"),
            "{out}"
        );
        let out = applied(Change::Append {
            at: vec![
                key("sections"),
                Step::Index(0),
                key("items"),
                Step::Index(0),
            ],
            key: "entries".into(),
            fields: vec![("id".into(), "e1".into())],
        });
        assert!(
            out.contains(
                "        summary: 共{{ trained }}人次。\n        entries:\n          - id: e1\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn figures_and_plans() {
        let out = applied(Change::Entry {
            at: vec![key("figures")],
            key: "hours".into(),
            fields: Some(vec![
                ("label".into(), "时长".into()),
                ("unit".into(), "小时".into()),
            ]),
        });
        assert!(out.contains("  trained: { label: 学习, unit: 人次 }   # 行尾注释\n  hours: { label: 时长, unit: 小时 }\n"));
        let out = applied(Change::Texts {
            at: vec![key("plans")],
            key: "items".into(),
            items: vec!["计划甲".into(), "- 以短横开头".into()],
        });
        assert!(
            out.ends_with("plans:\n  items:\n    - 计划甲\n    - \"- 以短横开头\"\n"),
            "{out}"
        );
    }

    #[test]
    fn text_that_yaml_would_read_otherwise_is_quoted() {
        for value in [
            "2024",
            "yes",
            "a: b",
            "#号",
            "{{ trained }}人次",
            " 前有空格",
            "null",
        ] {
            let out = applied(Change::Field {
                at: vec![key("sections"), Step::Index(0)],
                key: "title".into(),
                value: Some(value.into()),
            });
            let data = data(&out).unwrap();
            assert_eq!(
                data["sections"][0]["title"],
                Value::String(value.into()),
                "{out}"
            );
        }
    }

    #[test]
    fn what_it_cannot_take_apart_it_refuses() {
        let flow = "sections: [{ id: a, title: 甲, items: [] }]\n";
        let change = Change::Field {
            at: vec![key("sections"), Step::Index(0)],
            key: "title".into(),
            value: Some("乙".into()),
        };
        assert!(matches!(apply(flow, &change), Err(ShapeError::Unsupported)));
        let removed_id = Change::Field {
            at: vec![key("sections"), Step::Index(0)],
            key: "id".into(),
            value: None,
        };
        assert!(matches!(
            apply(REPORT, &removed_id),
            Err(ShapeError::Unsupported)
        ));
    }
}
