//! Where each entry stands in a log's bytes, and its version: what an edit or a
//! removal from the clerk's page needs to change one entry and no other byte.

use crate::ledger::model::Spanned;
use std::path::PathBuf;

/// Where one activity's entry stands in its log, as a page last saw it: the log
/// (relative to `activities/`), the entry's place among the log's entries, and its
/// version ([`entry_version`]). An edit or a removal carries it, so an entry that
/// changed or moved meanwhile is refused, never overwritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    /// The log, relative to `activities/`.
    pub file: PathBuf,
    /// 0-based place among the log's entries.
    pub index: usize,
    /// [`entry_version`] of the entry when the page was drawn.
    pub version: String,
}

/// The version of the entry at `span` of the log `text`: 64-bit FNV-1a in hex of the
/// whole log, the entry's byte range and its bytes. The log and the range make it name
/// one place, not only the bytes: after a removal, an identical duplicate that moved
/// up into the removed entry's place has another version, so a replayed or stale form
/// is refused rather than applied to it. Stable across processes and Rust releases, so
/// a page kept open over a restart still matches.
pub fn entry_version(text: &str, span: &std::ops::Range<usize>) -> String {
    let place = format!("\0{}..{}\0", span.start, span.end);
    let entry = text.get(span.clone()).unwrap_or_default();
    let hash = text
        .bytes()
        .chain(place.bytes())
        .chain(entry.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// The byte ranges of the entries of a log written as a block sequence (`- date: …`
/// one after the other), in file order. An entry runs from its `-` line to its last
/// line of content: blank lines and comment lines after it belong to no entry (a
/// comment above the next entry stays when this one is removed). A line of a block
/// scalar (`text: |`) is content even when it starts with `#`. `None` when the log is
/// not a plain block sequence (a flow sequence `[…]`, a document marker, text at the
/// sequence's own indentation that starts no entry), which the page then does not
/// offer to edit. [`log_entries`] checks the ranges against the log's parse.
pub fn entry_spans(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut indent: Option<usize> = None;
    // Inside a block scalar: the column its lines must go beyond.
    let mut scalar: Option<usize> = None;
    // A byte order mark (as Windows editors save) belongs to no entry.
    let mut offset = text.len() - text.trim_start_matches('\u{feff}').len();
    for line in text[offset..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let content = body.trim_start_matches(' ');
        let column = body.len() - content.len();
        if let Some(parent) = scalar {
            if content.is_empty() {
                continue;
            }
            if column > parent {
                if let Some(last) = spans.last_mut() {
                    last.end = offset;
                }
                continue;
            }
            scalar = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let opens_entry = content == "-" || content.starts_with("- ");
        let preamble = column == 0 && (content == "---" || content.starts_with('%'));
        match indent {
            None if opens_entry => indent = Some(column),
            // A document marker or directive before the first entry.
            None if preamble => continue,
            None => return None,
            Some(i) if column < i => return None,
            Some(i) if column == i && !opens_entry => return None,
            Some(_) => {}
        }
        if column == indent? && opens_entry {
            spans.push(start..offset);
        } else if let Some(last) = spans.last_mut() {
            last.end = offset;
        }
        scalar = block_scalar_parent(content, column);
    }
    Some(spans)
}

/// When a line (its text `content` from `column` on) opens a block scalar (`text: |`,
/// `- text: >-`, `- |`, a comment after the indicator allowed): the column its lines
/// must go beyond, that of the key or of the dash the scalar belongs to.
fn block_scalar_parent(content: &str, column: usize) -> Option<usize> {
    let mut node = column;
    let mut dash = None;
    let mut rest = content;
    while let Some(after) = rest.strip_prefix('-').filter(|a| a.starts_with(' ')) {
        dash = Some(node);
        let trimmed = after.trim_start_matches(' ');
        node += rest.len() - trimmed.len();
        rest = trimmed;
    }
    let value = rest.split(" #").next().unwrap_or_default().trim_end();
    let (key, indicator) = match value.rsplit_once(' ') {
        Some((key, indicator)) if key.ends_with(':') => (Some(key), indicator),
        Some(_) => return None,
        None => (None, value),
    };
    let is_indicator = indicator.starts_with(['|', '>'])
        && indicator.len() <= 3
        && indicator[1..]
            .chars()
            .all(|c| c == '+' || c == '-' || c.is_ascii_digit());
    match (is_indicator, key) {
        (false, _) => None,
        (true, Some(_)) => Some(node),
        (true, None) => dash,
    }
}

/// One entry of a log, as an edit or a removal may take it.
#[derive(Debug)]
pub struct LogEntry {
    /// Its bytes in the log.
    pub span: std::ops::Range<usize>,
    /// Its [`entry_version`].
    pub version: String,
    /// The entry as its bytes read on their own; `None` when they do not, or read as
    /// another activity than the log has in that place (an alias of an anchor in
    /// another entry, a range cut short): such an entry is not edited in place.
    pub alone: Option<crate::ledger::model::ActivitySpec>,
}

/// The entries of a log with their bytes and versions, checked against the log's own
/// parse: `None` when the log is no plain block sequence, does not parse, or parses
/// to another number of activities than [`entry_spans`] finds entries.
pub fn log_entries(text: &str) -> Option<Vec<LogEntry>> {
    let spans = entry_spans(text)?;
    if spans.is_empty() {
        return Some(Vec::new());
    }
    let parsed: Vec<crate::ledger::model::ActivitySpec> =
        serde_saphyr::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    if parsed.len() != spans.len() {
        return None;
    }
    let entries = spans
        .into_iter()
        .zip(parsed)
        .map(|(span, whole)| LogEntry {
            version: entry_version(text, &span),
            alone: read_alone(&text[span.clone()]).filter(|alone| same_activity(alone, &whole)),
            span,
        })
        .collect();
    Some(entries)
}

/// The activity one entry's bytes describe on their own, moved left to column 0.
pub(super) fn read_alone(entry_yaml: &str) -> Option<crate::ledger::model::ActivitySpec> {
    let indent = entry_yaml.len() - entry_yaml.trim_start_matches(' ').len();
    let pad = " ".repeat(indent);
    let dedented: String = entry_yaml
        .split_inclusive('\n')
        .map(|l| l.strip_prefix(pad.as_str()).unwrap_or(l))
        .collect();
    let mut list: Vec<crate::ledger::model::ActivitySpec> =
        serde_saphyr::from_str(&dedented).ok()?;
    if list.len() == 1 { list.pop() } else { None }
}

/// Whether two readings of an activity hold the same values (their positions differ).
fn same_activity<'a>(
    a: &'a crate::ledger::model::ActivitySpec,
    b: &'a crate::ledger::model::ActivitySpec,
) -> bool {
    fn values(a: &crate::ledger::model::ActivitySpec) -> impl PartialEq + '_ {
        let text = |v: &'_ Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
        (
            (text(&a.id), &a.date.value, &a.item.value, text(&a.name)),
            (text(&a.text), text(&a.place)),
            a.villages.iter().map(|v| &v.value).collect::<Vec<_>>(),
            a.figures
                .0
                .iter()
                .map(|(k, v)| (&k.value, &v.value))
                .collect::<Vec<_>>(),
            a.participants.as_ref().map(|p| &p.value),
        )
    }
    values(a) == values(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_spans_cover_each_entry_and_leave_comments_between_them() {
        let text = "# 台账\n- date: 2023-03-01\n  item: a\n  text: |\n    - 一是\n\n    二是\n# 下一条\n\n- date: 2023-03-02\n  item: b\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(
            &text[spans[0].clone()],
            "- date: 2023-03-01\n  item: a\n  text: |\n    - 一是\n\n    二是\n"
        );
        assert_eq!(&text[spans[1].clone()], "- date: 2023-03-02\n  item: b\n");
        // Indented sequences are entries too; flow sequences and stray keys are not.
        assert_eq!(entry_spans("  - date: x\n    item: a\n").unwrap().len(), 1);
        assert_eq!(entry_spans("[{date: x, item: a}]\n"), None);
        assert_eq!(entry_spans("- date: x\nitem: a\n"), None);
        assert_eq!(entry_spans("# 只有注释\n").unwrap().len(), 0);
        // A byte order mark and a document marker stay outside the entries; Windows
        // line breaks are part of them.
        let text = "\u{feff}---\r\n- date: x\r\n  item: a\r\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(&text[spans[0].clone()], "- date: x\r\n  item: a\r\n");
    }

    #[test]
    fn a_block_scalar_line_starting_with_a_hash_is_part_of_its_entry() {
        let text = "- date: a\n  item: x\n  text: |\n    举办电商直播技能培训班\n    #巾帼行动\n# 注释\n- date: b\n  item: y\n  text: >- # 折叠\n    甲\n\n    #乙\n  # 不是正文\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(
            &text[spans[0].clone()],
            "- date: a\n  item: x\n  text: |\n    举办电商直播技能培训班\n    #巾帼行动\n"
        );
        assert_eq!(
            &text[spans[1].clone()],
            "- date: b\n  item: y\n  text: >- # 折叠\n    甲\n\n    #乙\n"
        );
        let entries = log_entries(text).unwrap();
        let alone = entries[0].alone.as_ref().unwrap();
        assert_eq!(
            alone.text.as_ref().unwrap().value,
            "举办电商直播技能培训班\n#巾帼行动\n"
        );
        // Where a block scalar's lines must go beyond.
        assert_eq!(block_scalar_parent("text: |", 2), Some(2));
        assert_eq!(block_scalar_parent("- text: |2-", 0), Some(2));
        assert_eq!(block_scalar_parent("- |", 4), Some(4));
        assert_eq!(block_scalar_parent("text: \"a |\"", 2), None);
        assert_eq!(block_scalar_parent("text: a |", 2), None);
    }

    #[test]
    fn entries_are_checked_against_the_parse_of_the_log() {
        // An alias: the log parses, the second entry alone does not.
        let aliased = "- date: a\n  item: x\n  place: &p 镇\n- date: b\n  item: x\n  place: *p\n";
        let entries = log_entries(aliased).unwrap();
        assert!(entries[0].alone.is_some());
        assert!(entries[1].alone.is_none());
        // More entries than the log parses to (a sequence nested in a scalar the spans
        // cannot see), or a log that does not parse: nothing is offered.
        assert!(log_entries("- date: a\n  item: x\n  text: \"甲\n- date: b\"\n").is_none());
        assert!(log_entries("- date: a\n  item: [\n").is_none());
        assert_eq!(log_entries("# 只有注释\n").unwrap().len(), 0);
    }

    #[test]
    fn versions_change_with_any_byte_and_name_the_place() {
        let log = "- a\n- a\n";
        assert_eq!(entry_version(log, &(0..4)), entry_version(log, &(0..4)));
        assert_ne!(
            entry_version("- a\n", &(0..4)),
            entry_version("- b\n", &(0..4))
        );
        // Identical duplicates: each has its own version, and the second, moved up
        // into the first one's place by a removal, has neither.
        assert_ne!(entry_version(log, &(0..4)), entry_version(log, &(4..8)));
        assert_ne!(entry_version(log, &(0..4)), entry_version("- a\n", &(0..4)));
        assert_eq!(entry_version("", &(0..0)).len(), 16);
    }
}
