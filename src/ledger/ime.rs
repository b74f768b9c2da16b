//! Slips of a Chinese input method in YAML syntax: a full-width colon after a key, a
//! full-width space as indentation or after the colon, a full-width hyphen or dash as
//! list marker, “” typed as quotes, full-width digits in a number. Each is found on the
//! raw text with its exact place and the mechanical fix, so a message can point at the
//! character and `check --fix` can repair it without touching any other byte.

/// What kind of slip, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlipKind {
    /// `item：legal-rights`.
    FullWidthColon,
    /// `　　item: x` (U+3000 in the indentation).
    IdeographicSpaceIndent,
    /// `item:　x` (U+3000 right after the colon).
    IdeographicSpaceAfterColon,
    /// `－ date: …` (a full-width hyphen or a dash as list marker).
    FullWidthDash,
    /// `item: “legal-rights”` (curly quotes around a value that is not prose).
    CurlyQuotes,
    /// `visits: ３` (full-width digits in a number or date).
    FullWidthDigits,
    /// `item，legal-rights` (the input method's comma where the colon belongs).
    CommaForColon,
}

impl SlipKind {
    /// The Chinese message for this slip.
    pub fn message(self) -> &'static str {
        match self {
            SlipKind::FullWidthColon => "键后面用了全角冒号“：”，YAML 只认半角冒号加空格“: ”",
            SlipKind::IdeographicSpaceIndent => "缩进里有全角空格，YAML 只能用半角空格缩进",
            SlipKind::IdeographicSpaceAfterColon => "冒号后面是全角空格，YAML 要求冒号后是半角空格",
            SlipKind::FullWidthDash => "列表项用了全角的“－”或破折号，YAML 的列表项以半角“- ”开头",
            SlipKind::CurlyQuotes => "值用中文引号“”括了起来，这里要写不带引号的值（或用半角引号）",
            SlipKind::FullWidthDigits => "数字是全角的，要写成半角数字",
            SlipKind::CommaForColon => "键后面用了逗号“，”，YAML 的键后面是半角冒号加空格“: ”",
        }
    }
}

/// One slip: where it is (1-based line, 1-based column in characters, width in
/// characters), the bytes it covers and what they should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slip {
    /// The kind.
    pub kind: SlipKind,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
    /// Characters covered.
    pub width: usize,
    /// Byte range in the whole text.
    pub bytes: std::ops::Range<usize>,
    /// What the covered text was.
    pub found: String,
    /// What it should be.
    pub replacement: String,
}

impl Slip {
    /// The fix in words (a finding adds that `check --fix` makes it:
    /// [`crate::diag::Diagnostic::fixed_by_check`]).
    pub fn help(&self) -> String {
        match self.kind {
            SlipKind::FullWidthColon => "把全角冒号“：”改成半角冒号和一个空格“: ”".to_owned(),
            SlipKind::IdeographicSpaceIndent => format!(
                "把这 {} 个全角空格换成半角空格，与上一级对齐（一个全角空格占两格，通常换成两个半角空格）",
                self.found.chars().filter(|c| *c == '\u{3000}').count()
            ),
            SlipKind::IdeographicSpaceAfterColon => "把冒号后的全角空格换成半角空格".to_owned(),
            SlipKind::FullWidthDash => "把列表项开头改成半角的“- ”".to_owned(),
            SlipKind::CurlyQuotes => format!("去掉中文引号，写成 {}", self.replacement),
            SlipKind::FullWidthDigits => format!("写成 {}", self.replacement),
            SlipKind::CommaForColon => "把键后面的“，”改成半角冒号和一个空格“: ”".to_owned(),
        }
    }
}

/// Keys whose values are never prose: curly quotes around them are a slip.
const PLAIN_KEYS: &[&str] = &[
    "date",
    "item",
    "id",
    "year",
    "key",
    "participants",
    "numbering",
    "sections",
    "items",
    "separator",
    "enumerate",
    "previous",
];

/// Dashes an input method gives for the list marker.
const DASHES: &[char] = &['－', '—', '–', '−', '﹣'];

/// Every slip in `text`, in order. Lines inside block scalars (`|`, `>`) and comments
/// are prose and left alone.
pub fn find(text: &str) -> Vec<Slip> {
    let mut slips = Vec::new();
    let mut offset = 0;
    let mut block_indent: Option<usize> = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = indent_width(content);
        if let Some(block) = block_indent {
            if content.trim().is_empty() || indent > block {
                offset += line.len();
                continue;
            }
            block_indent = None;
        }
        let line_slips = slips_of_line(content, offset, n + 1);
        if opens_block_scalar(content) {
            block_indent = Some(indent_width(content));
        }
        slips.extend(line_slips);
        offset += line.len();
    }
    slips
}

/// Indentation in columns, a full-width space counting as one (as it was typed).
fn indent_width(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\u{3000}')
        .count()
}

/// `key: |`, `- text: >-` and the like.
fn opens_block_scalar(line: &str) -> bool {
    let value = line.split_once(": ").map_or("", |(_, v)| v);
    let value = value.split(" #").next().unwrap_or("").trim();
    value.starts_with('|') || value.starts_with('>')
}

fn slips_of_line(line: &str, offset: usize, number: usize) -> Vec<Slip> {
    let mut out = Vec::new();
    let trimmed = line.trim_start_matches([' ', '\u{3000}']);
    if trimmed.starts_with('#') || trimmed.is_empty() {
        return out;
    }
    let slip = |kind, start: usize, found: &str, replacement: &str| Slip {
        kind,
        line: u32::try_from(number).unwrap_or(u32::MAX),
        column: u32::try_from(line[..start].chars().count() + 1).unwrap_or(u32::MAX),
        width: found.chars().count(),
        bytes: offset + start..offset + start + found.len(),
        found: found.to_owned(),
        replacement: replacement.to_owned(),
    };
    // Indentation: in full-width mode every press of the space bar gives U+3000, so
    // each one stands for one space.
    let indentation = &line[..line.len() - trimmed.len()];
    if let Some(start) = indentation.find('\u{3000}') {
        let rest = &indentation[start..];
        let spaces = rest.replace('\u{3000}', " ");
        out.push(slip(SlipKind::IdeographicSpaceIndent, start, rest, &spaces));
    }
    let mut body_start = line.len() - trimmed.len();
    let mut body = trimmed;
    // The list marker.
    if let Some(dash) = body.chars().next().filter(|c| DASHES.contains(c)) {
        let after = &body[dash.len_utf8()..];
        if after.starts_with([' ', '\u{3000}']) {
            let marker_len = dash.len_utf8() + after.chars().next().map_or(0, char::len_utf8);
            out.push(slip(
                SlipKind::FullWidthDash,
                body_start,
                &body[..marker_len],
                "- ",
            ));
            body_start += marker_len;
            body = &body[marker_len..];
        }
    } else if let Some(after) = body.strip_prefix("- ") {
        body_start += 2;
        body = after;
    }
    key_value_slips(line, body_start, body, &slip, &mut out);
    out
}

/// Slips of `key: value`: the colon, the space after it, the value's quotes and
/// digits.
fn key_value_slips(
    line: &str,
    body_start: usize,
    body: &str,
    slip: &dyn Fn(SlipKind, usize, &str, &str) -> Slip,
    out: &mut Vec<Slip>,
) {
    let ascii_colon = body
        .find(": ")
        .or_else(|| body.strip_suffix(':').map(str::len));
    let wide_colon = body.find('：');
    let (key, colon_end) = match (ascii_colon, wide_colon) {
        (Some(a), Some(w)) if w < a => return wide_colon_slip(body_start, body, w, slip, out),
        (None, Some(w)) => return wide_colon_slip(body_start, body, w, slip, out),
        (Some(a), _) => (&body[..a], a + 1),
        (None, None) => {
            comma_for_colon_slip(body_start, body, slip, out);
            // `key:　value`: a colon followed by a full-width space.
            if let Some(at) = body.find(":\u{3000}") {
                out.push(slip(
                    SlipKind::IdeographicSpaceAfterColon,
                    body_start + at + 1,
                    "\u{3000}",
                    " ",
                ));
            }
            return;
        }
    };
    let key = key.trim();
    let value_start = body_start + colon_end;
    let value = &line[value_start..];
    let trimmed_value = value.trim();
    let value_at = value_start + (value.len() - value.trim_start().len());
    if PLAIN_KEYS.contains(&key)
        && trimmed_value.starts_with('“')
        && trimmed_value.ends_with('”')
        && trimmed_value.chars().count() >= 2
    {
        let inner = &trimmed_value['“'.len_utf8()..trimmed_value.len() - '”'.len_utf8()];
        out.push(slip(SlipKind::CurlyQuotes, value_at, trimmed_value, inner));
    }
    if trimmed_value.starts_with(['{', '[']) {
        flow_digit_slips(trimmed_value, value_at, slip, out);
        return;
    }
    let looks_numeric = !trimmed_value.is_empty()
        && trimmed_value
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || "-./年月日".contains(c))
        && trimmed_value.chars().any(|c| ('０'..='９').contains(&c));
    if looks_numeric {
        let ascii = crate::text::ascii_digits(trimmed_value);
        out.push(slip(
            SlipKind::FullWidthDigits,
            value_at,
            trimmed_value,
            &ascii,
        ));
    }
}

/// Full-width digits standing as a value inside a flow collection:
/// `{ visits: ３, visitors: １２ }`.
fn flow_digit_slips(
    flow: &str,
    flow_at: usize,
    slip: &dyn Fn(SlipKind, usize, &str, &str) -> Slip,
    out: &mut Vec<Slip>,
) {
    let is_wide = |c: char| ('０'..='９').contains(&c);
    let mut chars = flow.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_wide(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !is_wide(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let before = flow[..start].trim_end().chars().last();
        let after = flow[end..].trim_start().chars().next();
        let stands_alone = matches!(before, Some(':' | ',' | '[' | '{'))
            && matches!(after, Some(',' | '}' | ']') | None);
        if stands_alone {
            let found = &flow[start..end];
            out.push(slip(
                SlipKind::FullWidthDigits,
                flow_at + start,
                found,
                &crate::text::ascii_digits(found),
            ));
        }
    }
}

fn wide_colon_slip(
    body_start: usize,
    body: &str,
    at: usize,
    slip: &dyn Fn(SlipKind, usize, &str, &str) -> Slip,
    out: &mut Vec<Slip>,
) {
    let key = &body[..at];
    // A key is a word: an id, or a Chinese field name of the website metadata; a
    // sentence with a colon in it is a value, not a slip.
    let is_key = !key.is_empty()
        && key.chars().count() <= 20
        && !key.contains([' ', '，', '。', '“', '"', '\''])
        && !key.starts_with(['{', '[']);
    if !is_key {
        return;
    }
    out.push(key_mark_slip(
        SlipKind::FullWidthColon,
        body_start,
        body,
        at,
        slip,
    ));
}

/// The slip of the mark typed at byte `at` of `body` in place of a key's colon, with
/// the space after it: `: ` when a value follows, `:` at the end of the line.
fn key_mark_slip(
    kind: SlipKind,
    body_start: usize,
    body: &str,
    at: usize,
    slip: &dyn Fn(SlipKind, usize, &str, &str) -> Slip,
) -> Slip {
    let mark = body[at..].chars().next().map_or(0, char::len_utf8);
    let after = &body[at + mark..];
    let found_len = mark
        + after
            .chars()
            .next()
            .filter(|c| *c == ' ' || *c == '\u{3000}')
            .map_or(0, char::len_utf8);
    let replacement = if after.trim().is_empty() { ":" } else { ": " };
    slip(
        kind,
        body_start + at,
        &body[at..at + found_len],
        replacement,
    )
}

/// `item，legal-rights`: a line without a colon that starts with a key (a lower-case
/// ASCII identifier, never prose) followed by a full-width comma.
fn comma_for_colon_slip(
    body_start: usize,
    body: &str,
    slip: &dyn Fn(SlipKind, usize, &str, &str) -> Slip,
    out: &mut Vec<Slip>,
) {
    let Some(at) = body.find('，') else {
        return;
    };
    let key = &body[..at];
    // Ledger keys are lower case: NBA，篮球 in a list of prose is not one.
    if !crate::text::is_identifier(key) || key.chars().any(|c| c.is_ascii_uppercase()) {
        return;
    }
    out.push(key_mark_slip(
        SlipKind::CommaForColon,
        body_start,
        body,
        at,
        slip,
    ));
}

/// The text with every slip replaced, repeatedly (one fix can reveal the next, as a
/// colon fixed exposes the quotes of its value); nothing else changes. Also returns
/// the slips of every round.
pub fn fix_all(text: &str) -> (String, Vec<Slip>) {
    let mut current = text.to_owned();
    let mut all = Vec::new();
    for _ in 0..4 {
        let slips = find(&current);
        if slips.is_empty() {
            break;
        }
        current = fix(&current, &slips);
        all.extend(slips);
    }
    (current, all)
}

/// The text with these slips replaced, nothing else changed.
pub fn fix(text: &str, slips: &[Slip]) -> String {
    let mut out = text.to_owned();
    let mut sorted: Vec<&Slip> = slips.iter().collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.bytes.start));
    for slip in sorted {
        out.replace_range(slip.bytes.clone(), &slip.replacement);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SlipKind, u32, u32)> {
        find(text)
            .iter()
            .map(|s| (s.kind, s.line, s.column))
            .collect()
    }

    #[test]
    fn each_slip_is_found_at_its_character() {
        assert_eq!(
            kinds("- date: 2023-03-08\n  item：legal-rights\n"),
            [(SlipKind::FullWidthColon, 2, 7)]
        );
        assert_eq!(
            kinds("- date: 2023-03-08\n\u{3000}item: a\n"),
            [(SlipKind::IdeographicSpaceIndent, 2, 1)]
        );
        assert_eq!(
            kinds("- date: 2023-03-08\n  item:\u{3000}a\n"),
            [(SlipKind::IdeographicSpaceAfterColon, 2, 8)]
        );
        assert_eq!(
            kinds("－ date: 2023-03-08\n  item: a\n"),
            [(SlipKind::FullWidthDash, 1, 1)]
        );
        assert_eq!(
            kinds("- date: “2023-03-08”\n  item: “a”\n  text: “原话”\n"),
            [(SlipKind::CurlyQuotes, 1, 9), (SlipKind::CurlyQuotes, 2, 9)]
        );
        assert_eq!(
            kinds(
                "- date: ２０２３-03-08\n  figures: { visits: １, visitors: １２ }\n  participants: ３０\n"
            ),
            [
                (SlipKind::FullWidthDigits, 1, 9),
                (SlipKind::FullWidthDigits, 2, 22),
                (SlipKind::FullWidthDigits, 2, 35),
                (SlipKind::FullWidthDigits, 3, 17)
            ]
        );
    }

    #[test]
    fn a_comma_typed_for_the_colon_is_a_slip() {
        assert_eq!(
            kinds("- date: 2023-03-08\n  item，legal-rights\n"),
            [(SlipKind::CommaForColon, 2, 7)]
        );
        let (fixed, _) = fix_all("- date: 2023-03-08\n  item，legal-rights\n  text，走访\n");
        assert_eq!(
            fixed,
            "- date: 2023-03-08\n  item: legal-rights\n  text: 走访\n"
        );
        // Prose with a comma after Latin letters is not a key.
        assert_eq!(kinds("- text: 走访\n  - NBA，篮球\n"), []);
    }

    #[test]
    fn prose_is_left_alone() {
        let text = "opening: |\n  现将工作总结如下：\n  一是：\u{3000}全角空格\n- date: 2023-03-08\n  text: 重点工作：走访\n  # 注释：全角\n";
        assert_eq!(kinds(text), []);
    }

    #[test]
    fn fixing_changes_only_the_slips() {
        let text = "# 注释：保留\n－ date: ２０２３-03-08\n\u{3000}\u{3000}item：“legal-rights”\n  text: 工作：照旧\n";
        let (fixed, slips) = fix_all(text);
        assert_eq!(slips.len(), 5);
        assert_eq!(
            fixed,
            "# 注释：保留\n- date: 2023-03-08\n  item: legal-rights\n  text: 工作：照旧\n"
        );
        assert_eq!(find(&fixed), []);
    }
}
