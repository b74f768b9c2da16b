//! Where the nodes of a YAML text in block style begin and end, found by indentation
//! alone, so that one node can be replaced, removed, moved or added to while every
//! other byte of the file (comments, key order, quoting, blank lines) stays as it was.
//!
//! It knows just enough YAML for report.yaml as people and presets write it: block
//! mappings and block sequences (indented under their key or not), scalars on the
//! key's line, block scalars (`|`, `>`) and flow collections on one line. What it does
//! not know, it does not touch: a caller checks every edit by reading the result back.

use std::ops::Range;

/// One step of a path into the document: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The value of this key.
    Key(String),
    /// The item at this index (from 0).
    Index(usize),
}

/// A line of the text.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// Byte offset of its first character.
    start: usize,
    /// Byte offset after its line break (or the end of the text).
    end: usize,
    /// Spaces before its content.
    indent: usize,
    /// Blank or a comment line: it never ends or starts a node.
    quiet: bool,
}

/// A node of the document: the bytes it spans and the column its content starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// From the first byte of its key (or `-`) to the end of its last line of
    /// content, line break included; trailing blank and comment lines are outside.
    pub span: Range<usize>,
    /// The column of its key or dash.
    pub column: usize,
    /// Where its value starts: the key's line (a mapping entry) or after `- `.
    pub value_column: usize,
    /// The line index of its first line.
    first: usize,
    /// One past the line index of its last line.
    last: usize,
}

/// The lines of a text and what is known of each.
pub struct Outline<'a> {
    text: &'a str,
    lines: Vec<Line>,
}

impl<'a> Outline<'a> {
    /// The outline of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for raw in text.split_inclusive('\n') {
            let content = raw.trim_end_matches(['\n', '\r']);
            let indent = content.len() - content.trim_start_matches(' ').len();
            let rest = &content[indent..];
            lines.push(Line {
                start,
                end: start + raw.len(),
                indent,
                quiet: rest.trim().is_empty() || rest.starts_with('#'),
            });
            start += raw.len();
        }
        Self { text, lines }
    }

    /// The text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The node at `path` from the top of the document.
    pub fn find(&self, path: &[Step]) -> Option<Node> {
        let mut scope = self.top();
        for step in path {
            scope = match step {
                Step::Key(key) => self.entry(&scope, key)?,
                Step::Index(index) => self.items(&scope)?.into_iter().nth(*index)?,
            };
        }
        Some(scope)
    }

    /// The items of the sequence that is the value of `node`, in order; `None` when
    /// the value is not a block sequence.
    pub fn items(&self, node: &Node) -> Option<Vec<Node>> {
        let (first, column) = self.children_start(node)?;
        if !self.dash_at(first, column) {
            return None;
        }
        let mut items = Vec::new();
        let mut line = first;
        while line < node.last {
            if self.lines[line].quiet {
                line += 1;
                continue;
            }
            if !self.dash_at(line, column) {
                break;
            }
            let after_dash = column + 1 + self.spaces_after(line, column + 1);
            let last = self.block_end(line + 1, node.last, column, true);
            items.push(self.node(line, last, column, after_dash));
            line = last;
        }
        Some(items)
    }

    /// The entries of the mapping that is the value of `node`: each key and its node.
    pub fn entries(&self, node: &Node) -> Option<Vec<(String, Node)>> {
        let (first, column) = self.children_start(node)?;
        let mut entries = Vec::new();
        let mut line = first;
        while line < node.last {
            if self.lines[line].quiet {
                line += 1;
                continue;
            }
            let key = self.key_at(line, column)?;
            let last = self.block_end(line + 1, node.last, column, false);
            entries.push((key, self.node(line, last, column, column)));
            line = last;
        }
        Some(entries)
    }

    /// The value of `key` in the mapping that is the value of `node`.
    pub fn entry(&self, node: &Node, key: &str) -> Option<Node> {
        self.entries(node)?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n)
    }

    /// The indentation of the children of `node` when it has some: (first line, column).
    /// A sequence item's mapping starts on the dash's own line.
    fn children_start(&self, node: &Node) -> Option<(usize, usize)> {
        if node.value_column > node.column {
            // A sequence item: its content begins after the dash.
            return Some((node.first, node.value_column));
        }
        if node.first == usize::MAX {
            // The whole document.
            let first = (0..self.lines.len()).find(|&l| !self.lines[l].quiet)?;
            return Some((first, self.lines[first].indent));
        }
        // A key whose value is a block on the lines below it.
        if !self.value_on_key_line(node.first, node.column).is_empty() {
            return None;
        }
        let first = (node.first + 1..node.last).find(|&l| !self.lines[l].quiet)?;
        Some((first, self.lines[first].indent))
    }

    /// The node of the whole document.
    fn top(&self) -> Node {
        Node {
            span: 0..self.text.len(),
            column: 0,
            value_column: 0,
            first: usize::MAX,
            last: self.lines.len(),
        }
    }

    fn node(&self, first: usize, last: usize, column: usize, value_column: usize) -> Node {
        // Trailing blank and comment lines belong to what follows.
        let mut end_line = last;
        while end_line > first + 1 && self.lines[end_line - 1].quiet {
            end_line -= 1;
        }
        Node {
            span: self.lines[first].start + column..self.lines[end_line - 1].end,
            column,
            value_column,
            first,
            last: end_line,
        }
    }

    /// The line after the last one of a block that started on the line before `from`
    /// at `column`: the next line with content at `column` or left of it. A mapping
    /// entry's block also takes a sequence written at its own column (`key:` then
    /// `- item` under it, not indented).
    fn block_end(&self, from: usize, limit: usize, column: usize, item: bool) -> usize {
        let mut line = from;
        while line < limit {
            let l = self.lines[line];
            if !l.quiet && l.indent <= column {
                let compact_sequence = !item && l.indent == column && self.dash_at(line, column);
                if !compact_sequence {
                    break;
                }
            }
            line += 1;
        }
        line
    }

    fn line_text(&self, line: usize) -> &'a str {
        let l = self.lines[line];
        self.text[l.start..l.end].trim_end_matches(['\n', '\r'])
    }

    /// Whether line `line` has a sequence dash at `column` (what follows the dash is a
    /// space or the end of the line).
    fn dash_at(&self, line: usize, column: usize) -> bool {
        let text = self.line_text(line);
        text.get(column..)
            .is_some_and(|rest| rest == "-" || rest.starts_with("- "))
            && text[..column].chars().all(|c| c == ' ' || c == '-')
    }

    fn spaces_after(&self, line: usize, column: usize) -> usize {
        let rest = self.line_text(line).get(column..).unwrap_or("");
        rest.len() - rest.trim_start_matches(' ').len()
    }

    /// The plain key of a mapping entry at `column` of `line` (`key:` or `key: value`).
    fn key_at(&self, line: usize, column: usize) -> Option<String> {
        let rest = self.line_text(line).get(column..)?;
        let (key, _) = rest.split_once(':')?;
        let plain = !key.is_empty()
            && !key.starts_with(['-', '#', '"', '\'', '{', '[', '?', '&', '*', '!', '|', '>'])
            && !key.contains(['#', '{', '}', '[', ']', ',']);
        let after = &rest[key.len() + 1..];
        (plain && (after.is_empty() || after.starts_with(' '))).then(|| key.trim().to_owned())
    }

    /// What follows `key:` on the key's own line, comments and spaces trimmed ("" when
    /// the value is a block below).
    pub fn value_on_key_line(&self, line: usize, column: usize) -> &'a str {
        let rest = self.line_text(line).get(column..).unwrap_or("");
        let Some((_, value)) = rest.split_once(':') else {
            return "";
        };
        let value = value.trim();
        if value.starts_with('#') { "" } else { value }
    }

    /// What follows the key on the first line of `node`.
    pub fn inline_value(&self, node: &Node) -> &'a str {
        self.value_on_key_line(node.first, node.column)
    }

    /// The byte offset of the start of the line after `node` (where a sibling added
    /// after it begins).
    pub fn after(&self, node: &Node) -> usize {
        node.span.end
    }

    /// The byte offset of the start of `node`'s first line.
    pub fn line_start(&self, node: &Node) -> usize {
        self.lines[node.first].start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    const REPORT: &str = "\
# a comment
year: 2024
figures:
  trained: { label: 学习, unit: 人次 }   # why
  hours: { label: 时长, unit: 小时 }
opening: |
  第一段。

  # not a comment: text
  第二段。
sections:
  - id: a
    title: 甲
    items:
      - id: a1
        summary: 共{{ trained }}人次。

  # between sections
  - id: b
    title: 乙
    items:
    - id: b1
      text: 文字
plans:
  items:
    - 计划一
";

    #[test]
    fn finds_keys_items_and_nested_values() {
        let outline = Outline::new(REPORT);
        let year = outline.find(&[key("year")]).unwrap();
        assert_eq!(&REPORT[year.span.clone()], "year: 2024\n");
        let title = outline
            .find(&[key("sections"), Step::Index(1), key("title")])
            .unwrap();
        assert_eq!(&REPORT[title.span.clone()], "title: 乙\n");
        let b1 = outline
            .find(&[
                key("sections"),
                Step::Index(1),
                key("items"),
                Step::Index(0),
            ])
            .unwrap();
        assert_eq!(&REPORT[b1.span.clone()], "- id: b1\n      text: 文字\n");
        let first = outline.find(&[key("sections"), Step::Index(0)]).unwrap();
        assert!(REPORT[first.span.clone()].ends_with("summary: 共{{ trained }}人次。\n"));
        let opening = outline.find(&[key("opening")]).unwrap();
        assert!(REPORT[opening.span.clone()].ends_with("第二段。\n"));
        let figures = outline.find(&[key("figures")]).unwrap();
        let keys: Vec<_> = outline
            .entries(&figures)
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["trained", "hours"]);
        let plans = outline.find(&[key("plans"), key("items")]).unwrap();
        assert_eq!(outline.items(&plans).unwrap().len(), 1);
    }

    #[test]
    fn what_is_not_a_block_is_not_found() {
        let outline = Outline::new("items: [a, b]\nx: 1\n");
        let items = outline.find(&[key("items")]).unwrap();
        assert!(outline.items(&items).is_none());
        assert!(outline.find(&[key("items"), Step::Index(0)]).is_none());
        assert!(outline.find(&[key("missing")]).is_none());
    }
}
