//! Chinese text handling: whitespace folding, full-width punctuation, dates, and the
//! one piece of inline markup ledger text may carry (`**bold**`).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Whether `c` is a CJK ideograph, kana, or CJK / full-width punctuation: a character
/// next to which half-width punctuation counts as "inside Chinese text".
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3134F) // extensions B–G
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// The full-width form of half-width punctuation that has one in Chinese text.
pub fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// Replaces half-width `, ; : ! ? ( )` by their full-width forms where they touch
/// Chinese text (a CJK character directly before or after), leaving ASCII contexts
/// such as `10:30` or `f(x)` alone.
pub fn full_width_punctuation(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let touches_cjk = || {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            before.is_some_and(is_cjk) || after.is_some_and(is_cjk)
        };
        match full_width(c) {
            Some(wide) if touches_cjk() => out.push(wide),
            _ => out.push(c),
        }
    }
    out
}

/// Ids and figure keys: ASCII letters, digits, `_` and `-`, starting with a letter (so
/// that they stay plain in YAML and read the same in every input method).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Folds the line breaks of a YAML block into running text: lines are joined with no
/// space between Chinese characters and one space elsewhere; leading and trailing white
/// space goes.
pub fn fold_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let join_with_space = match (out.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => !(is_cjk(a) || is_cjk(b)),
            _ => false,
        };
        if join_with_space {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Normalises one run of ledger prose: folded lines, full-width punctuation.
pub fn normalize(s: &str) -> String {
    full_width_punctuation(&fold_lines(s))
}

/// Splits a text block into paragraphs at blank lines, each normalised.
pub fn paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                out.push(normalize(&current));
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.trim().is_empty() {
        out.push(normalize(&current));
    }
    out
}

/// Marks that never stand twice in a row: proofreading flags them (W112), `check
/// --fix` makes them one.
pub const DOUBLED_MARKS: [&str; 5] = ["。。", "，，", "；；", "、、", "：："];

/// `text` with full-width digits (as a Chinese input method types them) made ASCII.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A date as a clerk types it: `2024-03-15`, `2024-3-15`, `2024/3/15`, `2024.3.15` or
/// `2024年3月15日` (full-width digits too, as a Chinese input method may give them).
/// `None` unless it is a day of the calendar.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (year, month, day) = date_parts(s)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The year, month and day of a date written in one of the forms [`parse_date`]
/// reads, whether or not the calendar has that day.
fn date_parts(s: &str) -> Option<(i32, u32, u32)> {
    let ascii = ascii_digits(s.trim());
    let body = ascii.strip_suffix('日').unwrap_or(&ascii);
    let parts: Vec<&str> = body.split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let number = |p: &str, max_len: usize| {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(number(year, 4).filter(|_| year.len() == 4)?).ok()?;
    Some((year, number(month, 2)?, number(day, 2)?))
}

/// Why a date written in a form [`parse_date`] reads is not on the calendar (2月30日,
/// 13月): in Chinese, for the message; none when the form itself is wrong or the day
/// exists.
pub fn missing_day(s: &str) -> Option<String> {
    let (year, month, day) = date_parts(s)?;
    if NaiveDate::from_ymd_opt(year, month, day).is_some() {
        return None;
    }
    if !(1..=12).contains(&month) {
        return Some(format!("没有 {month} 月：月份是 1 到 12"));
    }
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let days = next_month.pred_opt()?.day();
    if day == 0 {
        return Some(format!("没有 0 日：{year}年{month}月的日是 1 到 {days}"));
    }
    Some(format!("{year}年{month}月只有 {days} 天，没有 {day} 日"))
}

/// A date as official documents write it: 2024年1月22日 (no leading zeros).
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Punctuation that ends a clause, after which the next piece of a paragraph can follow
/// directly.
pub fn ends_clause(s: &str) -> bool {
    s.chars()
        .last()
        .is_some_and(|c| "。！？；：，、…”’）》】".contains(c))
}

/// Punctuation that ends a sentence or an enumerated entry.
pub fn strip_terminal(s: &str) -> &str {
    s.trim_end_matches(['。', '；', '，', '.', ';'])
}

/// One run of text with its emphasis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The characters, verbatim.
    pub text: String,
    /// Drawn bold (`**…**` in the ledger).
    pub strong: bool,
    /// Drawn in 楷体, the face of a level-2 heading: a （一） title run into its
    /// paragraph. Never set together with `strong`; left out of the template data
    /// when false, so templates and `--context` see a span as they always did.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kai: bool,
}

/// Text with inline emphasis: the only markup ledger text carries. Everything else in
/// ledger text, `#`, `<`, `[`, a lone `*`, is data and reaches every output literally.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RichText(pub Vec<Span>);

impl RichText {
    /// Plain text without emphasis.
    pub fn plain(s: impl Into<String>) -> Self {
        let text = s.into();
        if text.is_empty() {
            return Self::default();
        }
        Self(vec![Span {
            text,
            strong: false,
            kai: false,
        }])
    }

    /// Parses `**bold**` pairs; an unpaired `**` stays literal.
    pub fn parse(s: &str) -> Self {
        let mut out = RichText::default();
        let mut rest = s;
        while let Some(open) = rest.find("**") {
            let after_open = &rest[open + 2..];
            match after_open.find("**") {
                Some(close) if close > 0 => {
                    out.push(&rest[..open], false);
                    out.push(&after_open[..close], true);
                    rest = &after_open[close + 2..];
                }
                _ => break,
            }
        }
        out.push(rest, false);
        out
    }

    /// Appends a run, merging it into the last one when the emphasis is the same.
    pub fn push(&mut self, text: &str, strong: bool) {
        self.push_span(Span {
            text: text.to_owned(),
            strong,
            kai: false,
        });
    }

    /// Appends a run in 楷体 (a level-2 title run into its paragraph).
    pub fn push_kai(&mut self, text: &str) {
        self.push_span(Span {
            text: text.to_owned(),
            strong: false,
            kai: true,
        });
    }

    /// Appends a span, merging it into the last one when it looks the same.
    fn push_span(&mut self, span: Span) {
        if span.text.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(last) if last.strong == span.strong && last.kai == span.kai => {
                last.text.push_str(&span.text);
            }
            _ => self.0.push(span),
        }
    }

    /// Appends all runs of `other`.
    pub fn append(&mut self, other: &RichText) {
        for span in &other.0 {
            self.push_span(span.clone());
        }
    }

    /// The characters without markup.
    pub fn plain_text(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }

    /// Whether there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|s| s.text.is_empty())
    }
}

/// The content of a list line (`- `, `* `, `+ `, `1. `, `1、`), without its marker;
/// `None` for any other line.
pub fn list_entry(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &line[digits..];
    [". ", ") ", "、", "）"]
        .iter()
        .find_map(|m| rest.strip_prefix(m))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_the_calendar_lacks_is_named() {
        assert_eq!(
            missing_day("2024年2月30日").as_deref(),
            Some("2024年2月只有 29 天，没有 30 日")
        );
        assert_eq!(
            missing_day("2023-13-01").as_deref(),
            Some("没有 13 月：月份是 1 到 12")
        );
        assert_eq!(
            missing_day("2026-01-00").as_deref(),
            Some("没有 0 日：2026年1月的日是 1 到 31")
        );
        assert_eq!(missing_day("2023-12-31"), None);
        assert_eq!(missing_day("去年"), None);
    }

    use super::*;

    #[test]
    fn punctuation_becomes_full_width_only_inside_chinese() {
        assert_eq!(
            full_width_punctuation("各村(社区)妇代会,积极:参与!"),
            "各村（社区）妇代会，积极：参与！"
        );
        assert_eq!(full_width_punctuation("10:30, f(x)"), "10:30, f(x)");
        assert_eq!(full_width_punctuation("共3次,15人"), "共3次，15人");
    }

    #[test]
    fn folding_joins_chinese_lines_without_space() {
        assert_eq!(fold_lines("  开展了\n  宣传活动\n"), "开展了宣传活动");
        assert_eq!(fold_lines("Typst\nrocks"), "Typst rocks");
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("甲\n乙\n\n\n丙\n"), vec!["甲乙", "丙"]);
        assert!(paragraphs(" \n").is_empty());
    }

    #[test]
    fn dates_are_read_as_clerks_type_them() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 5);
        for typed in [
            "2024-03-05",
            "2024-3-5",
            "2024/3/5",
            "2024.03.5",
            "2024年3月5日",
            " ２０２４年３月５日 ",
        ] {
            assert_eq!(parse_date(typed), day, "{typed}");
        }
        for wrong in [
            "24-3-5",
            "2024-2-30",
            "2024-3",
            "2024-03-05-1",
            "2024年3月",
            "明天",
            "",
        ] {
            assert_eq!(parse_date(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn dates_have_no_leading_zeros() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        assert_eq!(chinese_date(d), "2024年1月2日");
    }

    #[test]
    fn bold_pairs_parse_and_lone_stars_stay() {
        let t = RichText::parse("**重点工作：**完成了*一*项");
        assert_eq!(t.0.len(), 2);
        assert!(t.0[0].strong);
        assert_eq!(t.0[0].text, "重点工作：");
        assert_eq!(t.0[1].text, "完成了*一*项");
        assert_eq!(RichText::parse("a ** b").plain_text(), "a ** b");
        assert_eq!(RichText::parse("****").plain_text(), "****");
    }
}
