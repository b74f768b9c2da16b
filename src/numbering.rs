//! Chinese numerals and the numbering styles of an official summary
//! (一、 （一） 1. （1） 一是).

use serde::{Deserialize, Serialize};

/// The Chinese digits 零 to 九, indexed by their value.
pub(crate) const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Writes `n` (1 ≤ n ≤ 99 999) in Chinese numerals as used in headings:
/// 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五.
pub fn chinese_numeral(n: u32) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    if (10..20).contains(&n) {
        // 十一 rather than 一十一: the short form is what documents use.
        return format!(
            "十{}",
            if n == 10 {
                ""
            } else {
                DIGITS[(n - 10) as usize]
            }
        );
    }
    const UNITS: [&str; 5] = ["", "十", "百", "千", "万"];
    let digits: Vec<u32> = n.to_string().bytes().map(|b| u32::from(b - b'0')).collect();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = UNITS[digits.len() - 1 - i];
        if d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        out.push_str(DIGITS[d as usize]);
        out.push_str(unit);
    }
    out
}

/// How headings or paragraphs of one level are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(description = "编号样式：一、 （一） 1. 1、 （1） 一是 无")]
pub enum NumberStyle {
    /// 一、二、三、 (level 1 headings).
    #[serde(rename = "一、")]
    #[schemars(description = "一、二、三、（一级标题）")]
    ChineseComma,
    /// （一）（二） (level 2 headings).
    #[serde(rename = "（一）")]
    #[schemars(description = "（一）（二）（二级标题）")]
    ChineseParen,
    /// 1. 2. 3. (level 3).
    #[serde(rename = "1.")]
    #[schemars(description = "1. 2. 3.（三级）")]
    ArabicDot,
    /// 1、2、3、 (level 3 as many published summaries write it).
    #[serde(rename = "1、")]
    #[schemars(description = "1、2、3、（三级，顿号写法）")]
    ArabicComma,
    /// （1）（2） (level 4).
    #[serde(rename = "（1）")]
    #[schemars(description = "（1）（2）（四级）")]
    ArabicParen,
    /// 一是 二是 三是 (enumeration inside running text).
    #[serde(rename = "一是")]
    #[schemars(description = "一是、二是、三是（段内列举）")]
    Ordinal,
    /// No number at all.
    #[serde(rename = "无")]
    #[schemars(description = "不编号")]
    Unnumbered,
}

impl NumberStyle {
    /// The label of the `n`-th (1-based) element in this style.
    pub fn label(self, n: u32) -> String {
        match self {
            NumberStyle::ChineseComma => format!("{}、", chinese_numeral(n)),
            NumberStyle::ChineseParen => format!("（{}）", chinese_numeral(n)),
            NumberStyle::ArabicDot => format!("{n}."),
            NumberStyle::ArabicComma => format!("{n}、"),
            NumberStyle::ArabicParen => format!("（{n}）"),
            NumberStyle::Ordinal => ordinal(n),
            NumberStyle::Unnumbered => String::new(),
        }
    }

    /// Whether an element numbered this way is a heading of its own rather than the
    /// start of a paragraph: （一） items are sub-headings followed by their text.
    pub fn is_subheading(self) -> bool {
        self == NumberStyle::ChineseParen
    }
}

/// 一是, 二是, … as used to enumerate within one paragraph.
pub fn ordinal(n: u32) -> String {
    format!("{}是", chinese_numeral(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_follow_document_usage() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1005, "一千零五"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_numeral(n), want, "{n}");
        }
    }

    #[test]
    fn styles_label_as_the_standard_writes_them() {
        assert_eq!(NumberStyle::ChineseComma.label(11), "十一、");
        assert_eq!(NumberStyle::ChineseParen.label(3), "（三）");
        assert_eq!(NumberStyle::ArabicDot.label(12), "12.");
        assert_eq!(NumberStyle::ArabicComma.label(12), "12、");
        assert_eq!(NumberStyle::ArabicParen.label(2), "（2）");
        assert_eq!(NumberStyle::Ordinal.label(2), "二是");
        assert_eq!(NumberStyle::Unnumbered.label(2), "");
    }
}
