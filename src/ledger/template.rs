//! A summary sentence with its `{{ key }}` and `{{ key.yoy }}` placeholders, parsed
//! once: check validates the placeholders, compose fills them, proofreading and `new`
//! read which figures a sentence prints. A placeholder may say how the figure is
//! written, after `|`: `{{ households | 中文 }}户` (三户, 两场), `{{ events | 逾 }}场`
//! (逾100场), `{{ events | 逾 | 中文 }}场` (逾百场), `{{ items | 余 }}件` (10余件).

use crate::numbering::{DIGITS, chinese_numeral};
use crate::text::is_identifier;

/// A well-formed placeholder: the figure's key, whether it asks for the 同比, and
/// how the figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The figure key.
    pub key: &'a str,
    /// `{{ key.yoy }}`: last year's comparison instead of the sum.
    pub yoy: bool,
    /// `{{ key.baseline }}`: the earliest-dated value (原来的值) instead of the total,
    /// for a sentence that says 从原来60㎡提升到320㎡.
    pub baseline: bool,
    /// How the figure is written: digits or Chinese numerals, with a qualifier.
    pub form: Form,
}

/// How a placeholder writes its figure, from the words after its `|`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// `中文`: in Chinese numerals (三, 十二, 两 for 2 before the measure word).
    pub chinese: bool,
    /// A vague amount's qualifier: 近30, 逾100, 10余.
    pub qualifier: Option<Qualifier>,
}

/// The qualifier of a vague amount, and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// 近30人: nearly.
    Nearly,
    /// 逾100场: more than.
    Over,
    /// 超9.5亿元: exceeding.
    Exceeding,
    /// 约200人: about.
    About,
    /// 10余件: and more.
    AndMore,
    /// 20多名: and more (spoken).
    OrSo,
}

/// The words a placeholder's `|` may take, for messages.
pub const FORM_WORDS: [&str; 7] = ["中文", "近", "逾", "超", "约", "余", "多"];

impl Qualifier {
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "近" => Qualifier::Nearly,
            "逾" => Qualifier::Over,
            "超" => Qualifier::Exceeding,
            "约" => Qualifier::About,
            "余" => Qualifier::AndMore,
            "多" => Qualifier::OrSo,
            _ => return None,
        })
    }

    fn word(self) -> &'static str {
        match self {
            Qualifier::Nearly => "近",
            Qualifier::Over => "逾",
            Qualifier::Exceeding => "超",
            Qualifier::About => "约",
            Qualifier::AndMore => "余",
            Qualifier::OrSo => "多",
        }
    }

    /// Whether the word stands before the number (近30) rather than after it (10余).
    fn before(self) -> bool {
        !matches!(self, Qualifier::AndMore | Qualifier::OrSo)
    }
}

impl Form {
    /// The figure `digits` (as printed with its places: 12, 8.5) written in this form.
    pub fn write(self, digits: &str) -> String {
        let number = if self.chinese {
            let round_after_word = self.qualifier.is_some_and(Qualifier::before);
            chinese_amount(digits, round_after_word)
        } else {
            digits.to_owned()
        };
        match self.qualifier {
            None => number,
            Some(q) if q.before() => format!("{}{number}", q.word()),
            Some(q) => format!("{number}{}", q.word()),
        }
    }
}

/// Why the words after a placeholder's `|` are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError<'a> {
    /// A word that is none of [`FORM_WORDS`].
    Unknown(&'a str),
    /// A second qualifier (近 and 余 at once).
    TwoQualifiers(&'a str),
    /// A form on a 同比, which is words, not a figure.
    OnYoy(&'a str),
}

/// A count as a report writes it in Chinese numerals: 3 → 三, 12 → 十二, 2 → 两
/// (before its measure word: 两场), 2000 → 两千, 8.5 → 八点五; after a qualifier
/// that stands before it a round hundred, thousand or ten thousand drops its 一
/// (逾百场, 近千人).
fn chinese_amount(digits: &str, round_after_word: bool) -> String {
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let Ok(n) = whole.parse::<u64>() else {
        return digits.to_owned();
    };
    let mut out = if n == 2 {
        "两".to_owned()
    } else {
        let text = chinese_count(n);
        let leading_two = ["二千", "二万", "二亿"].iter().any(|p| text.starts_with(p));
        if leading_two {
            format!("两{}", &text["二".len()..])
        } else {
            text
        }
    };
    let round = matches!(n, 100 | 1000 | 10_000 | 100_000_000) && fraction.is_empty();
    if round && round_after_word {
        out = out["一".len()..].to_owned();
    }
    if !fraction.is_empty() {
        out.push('点');
        for d in fraction.bytes() {
            out.push_str(DIGITS[usize::from(d - b'0')]);
        }
    }
    out
}

/// `n` in Chinese numerals with 万 and 亿 groups: 10 → 十, 110 → 一百一十,
/// 10 005 → 一万零五, 120 000 → 十二万.
fn chinese_count(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let groups = [
        (n / 100_000_000, "亿"),
        (n / 10_000 % 10_000, "万"),
        (n % 10_000, ""),
    ];
    let mut out = String::new();
    let mut gap = false;
    for (value, unit) in groups {
        if value == 0 {
            gap = !out.is_empty();
            continue;
        }
        let value = u32::try_from(value).unwrap_or(u32::MAX);
        let mut text = chinese_numeral(value);
        if !out.is_empty() {
            // Inside a larger number 10–19 keep their 一 (一万零一十五), and a group
            // under a thousand, or one after an empty group, is joined by 零.
            if (10..20).contains(&value) {
                text.insert(0, '一');
            }
            if gap || value < 1000 {
                out.push_str(DIGITS[0]);
            }
        }
        out.push_str(&text);
        out.push_str(unit);
        gap = false;
    }
    out
}

/// One piece of a summary sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text, printed as written.
    Text(&'a str),
    /// A placeholder, with the raw `{{ … }}` it was written as.
    Figure(Placeholder<'a>, &'a str),
    /// A placeholder of a figure whose `|` words are refused: the raw text and why.
    BadForm(&'a str, FormError<'a>),
    /// `{{` with something that is not a placeholder, or never closed: the raw text.
    Malformed(&'a str),
}

/// A parsed summary sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template<'a> {
    /// The pieces, in order.
    pub pieces: Vec<Piece<'a>>,
}

impl<'a> Template<'a> {
    /// Parses a sentence: every `{{ … }}` becomes a placeholder when what is inside
    /// is a figure key (an identifier), optionally followed by `.yoy` or `.baseline`
    /// and by `|` words.
    pub fn parse(sentence: &'a str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = sentence;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Text(&rest[..open]));
            }
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                pieces.push(Piece::Malformed(&rest[open..]));
                rest = "";
                break;
            };
            let raw = &rest[open..open + 2 + close + 2];
            let mut words = after[..close].split('|').map(str::trim);
            let inner = words.next().unwrap_or_default();
            let (key, yoy, baseline) = match inner.split_once('.') {
                Some((key, "yoy")) => (key, true, false),
                Some((key, "baseline")) => (key, false, true),
                Some(_) => ("", false, false),
                None => (inner, false, false),
            };
            pieces.push(if !is_identifier(key) {
                Piece::Malformed(raw)
            } else {
                match form_of(words, yoy) {
                    Ok(form) => {
                        let placeholder = Placeholder {
                            key,
                            yoy,
                            baseline,
                            form,
                        };
                        Piece::Figure(placeholder, raw)
                    }
                    Err(e) => Piece::BadForm(raw, e),
                }
            });
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest));
        }
        Template { pieces }
    }

    /// The well-formed placeholders, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = Placeholder<'a>> + '_ {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Figure(placeholder, _) => Some(*placeholder),
            _ => None,
        })
    }

    /// The distinct figure keys the sentence prints, in order of first use.
    pub fn figure_keys(&self) -> Vec<&'a str> {
        let mut keys = Vec::new();
        for placeholder in self.placeholders() {
            if !keys.contains(&placeholder.key) {
                keys.push(placeholder.key);
            }
        }
        keys
    }
}

/// The form the words after a placeholder's `|` ask for: at most one of 中文 and one
/// qualifier, none on a 同比.
fn form_of<'a>(words: impl Iterator<Item = &'a str>, yoy: bool) -> Result<Form, FormError<'a>> {
    let mut form = Form::default();
    for word in words {
        if yoy {
            return Err(FormError::OnYoy(word));
        }
        match (word, Qualifier::from_word(word)) {
            ("中文", _) => form.chinese = true,
            (_, Some(_)) if form.qualifier.is_some() => return Err(FormError::TwoQualifiers(word)),
            (_, Some(q)) => form.qualifier = Some(q),
            (_, None) => return Err(FormError::Unknown(word)),
        }
    }
    Ok(form)
}

impl Template<'_> {
    /// The sentence with each placeholder replaced by what `value_of` says; one it
    /// has no value for, and anything malformed, stays as written.
    pub fn fill(&self, value_of: impl Fn(Placeholder) -> Option<String>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) | Piece::Malformed(text) | Piece::BadForm(text, _) => {
                    out.push_str(text)
                }
                Piece::Figure(placeholder, raw) => match value_of(*placeholder) {
                    Some(value) => out.push_str(&value),
                    None => out.push_str(raw),
                },
            }
        }
        out
    }
}

/// A sentence with placeholders as a name for people to read (a label in a list of
/// items): the words before its first `{{`, followed by …; the whole sentence with
/// each placeholder as … when it starts with one.
pub fn readable_label(sentence: &str) -> String {
    match sentence.find("{{") {
        None => sentence.to_owned(),
        Some(open) if !sentence[..open].trim().is_empty() => {
            format!("{}…", sentence[..open].trim_end())
        }
        Some(_) => Template::parse(sentence).fill(|_| Some("…".to_owned())),
    }
}

/// The text before and after the `{{ 活动 }}` of a list sentence (spaces inside the
/// braces allowed); the parts around it may hold figure placeholders of their own.
pub fn list_marker(sentence: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(open) = sentence[from..].find("{{").map(|o| from + o) {
        let close = open + sentence[open..].find("}}")?;
        if sentence[open + 2..close].trim() == "活动" {
            return Some((&sentence[..open], &sentence[close + 2..]));
        }
        from = close + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_shows_no_placeholder() {
        assert_eq!(
            readable_label("开展家庭教育等活动{{ events }}场，服务{{ served }}人次"),
            "开展家庭教育等活动…"
        );
        assert_eq!(readable_label("{{ events }}场活动"), "…场活动");
        assert_eq!(readable_label("开展家庭教育"), "开展家庭教育");
    }

    #[test]
    fn the_list_marker_is_found_among_figure_placeholders() {
        assert_eq!(
            list_marker("组织{{ teams }}支队伍开展{{活动}}等活动{{ n }}次"),
            Some(("组织{{ teams }}支队伍开展", "等活动{{ n }}次"))
        );
        assert_eq!(list_marker("开展{{ n }}次活动"), None);
        assert_eq!(list_marker("开展{{ 活动"), None);
    }

    #[test]
    fn placeholders_are_found_and_judged() {
        let template =
            Template::parse("来访{{ visits }}件，{{visitors.yoy}}，{{ 1+1 }}，{{ a.b }}，{{ open");
        assert_eq!(
            template.placeholders().collect::<Vec<_>>(),
            [
                Placeholder {
                    key: "visits",
                    yoy: false,
                    baseline: false,
                    form: Form::default()
                },
                Placeholder {
                    key: "visitors",
                    yoy: true,
                    baseline: false,
                    form: Form::default()
                }
            ]
        );
        let malformed: Vec<&str> = template
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Malformed(raw) => Some(*raw),
                _ => None,
            })
            .collect();
        assert_eq!(malformed, ["{{ 1+1 }}", "{{ a.b }}", "{{ open"]);
    }

    #[test]
    fn fill_replaces_only_what_has_a_value() {
        let template = Template::parse("共{{ a }}次，{{ b }}人，同比{{ a.yoy }}，{{ 1 }}");
        let filled = template.fill(|p| match (p.key, p.yoy) {
            ("a", false) => Some("3".into()),
            ("a", true) => Some("增长20%".into()),
            _ => None,
        });
        assert_eq!(filled, "共3次，{{ b }}人，同比增长20%，{{ 1 }}");
        assert_eq!(template.figure_keys(), ["a", "b"]);
    }

    #[test]
    fn a_figure_is_written_as_its_placeholder_asks() {
        let written = |sentence: &str, value: &str| {
            Template::parse(sentence).fill(|p| Some(p.form.write(value)))
        };
        assert_eq!(written("{{ h | 中文 }}户", "3"), "三户");
        assert_eq!(written("{{ h | 中文 }}场", "2"), "两场");
        assert_eq!(written("{{ h | 中文 }}场", "12"), "十二场");
        assert_eq!(written("{{ h | 中文 }}人", "2000"), "两千人");
        assert_eq!(written("{{h|逾|中文}}场", "100"), "逾百场");
        assert_eq!(written("{{ h | 中文 }}场", "100"), "一百场");
        assert_eq!(written("{{ h | 近 }}人", "30"), "近30人");
        assert_eq!(written("{{ h | 余 }}件", "10"), "10余件");
        assert_eq!(written("{{ h | 中文 | 余 }}件", "10"), "十余件");
        assert_eq!(written("超{{ h }}亿元", "9.5"), "超9.5亿元");
        assert_eq!(written("{{ h | 超 }}亿元", "9.5"), "超9.5亿元");
        assert_eq!(written("{{ h | 中文 }}万元", "8.5"), "八点五万元");
        let baseline = Template::parse("从原来{{ area.baseline }}㎡提升到{{ area }}㎡");
        let filled = baseline.fill(|p| Some(if p.baseline { "60" } else { "320" }.into()));
        assert_eq!(filled, "从原来60㎡提升到320㎡");
        assert_eq!(chinese_count(10_015), "一万零一十五");
        assert_eq!(chinese_count(120_000), "十二万");
        assert_eq!(chinese_count(100_000_005), "一亿零五");
        assert_eq!(chinese_count(1_010), "一千零一十");
    }

    #[test]
    fn refused_forms_say_why() {
        let pieces = |sentence: &'static str| Template::parse(sentence).pieces;
        assert_eq!(
            pieces("{{ h | 大约 }}"),
            [Piece::BadForm("{{ h | 大约 }}", FormError::Unknown("大约"))]
        );
        assert_eq!(
            pieces("{{ h | 近 | 余 }}"),
            [Piece::BadForm(
                "{{ h | 近 | 余 }}",
                FormError::TwoQualifiers("余")
            )]
        );
        assert_eq!(
            pieces("{{ h.yoy | 中文 }}"),
            [Piece::BadForm(
                "{{ h.yoy | 中文 }}",
                FormError::OnYoy("中文")
            )]
        );
    }

    #[test]
    fn text_without_placeholders_is_one_piece() {
        assert_eq!(
            Template::parse("全年无数字。").pieces,
            [Piece::Text("全年无数字。")]
        );
        assert_eq!(Template::parse("").pieces, []);
    }
}
