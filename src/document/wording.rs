//! Proofreading rules about wording that a reader sees as mistakes: words miswritten
//! in a way that is never right (W113), and a 顿号 between quoted or titled items that
//! GB/T 15834-2011 4.5.3.5 leaves out (W114). Each rule reads one text as folded for
//! the reader and returns its findings with the text to place them at.

use crate::diag::Diagnostic;

/// Miswritten words and phrases that are wrong wherever they stand, with their right
/// form: 提实提高 (切实 typed with the 提 of the next word), 再接再励.
const MISWRITTEN: [(&str, &str); 20] = [
    ("提实提高", "切实提高"),
    ("提实加强", "切实加强"),
    ("提实做好", "切实做好"),
    ("提实推进", "切实推进"),
    ("提实维护", "切实维护"),
    ("再接再励", "再接再厉"),
    ("一如继往", "一如既往"),
    ("按步就班", "按部就班"),
    ("迫不急待", "迫不及待"),
    ("既往不究", "既往不咎"),
    ("一股作气", "一鼓作气"),
    ("走头无路", "走投无路"),
    ("出奇不意", "出其不意"),
    ("兴高彩烈", "兴高采烈"),
    ("直接了当", "直截了当"),
    ("变本加利", "变本加厉"),
    ("精兵减政", "精兵简政"),
    ("震憾", "震撼"),
    ("松驰", "松弛"),
    ("气慨", "气概"),
];

/// W113: a word of [`MISWRITTEN`] in the text.
pub fn miswritten(text: &str) -> Vec<(Diagnostic, String)> {
    MISWRITTEN
        .iter()
        .filter(|(wrong, _)| text.contains(wrong))
        .map(|(wrong, right)| {
            (
                Diagnostic::warning("W113", format!("“{wrong}”是错别字"))
                    .help(format!("改为“{right}”"))
                    .width(2 * wrong.chars().count()),
                (*wrong).to_owned(),
            )
        })
        .collect()
}

/// The pairs of a closing and an opening mark between which a 顿号 is not written:
/// quotes, and book-title marks (《民法典》、《反家暴法》), GB/T 15834 4.5.3.5.
const QUOTED_SERIES: [(&str, &str); 3] = [("”、“", "引号"), ("’、‘", "引号"), ("》、《", "书名号")];

/// W114: “学习雷锋日”、“儿童节”: items each in quotes (or book-title marks) are
/// listed without a 顿号 between them (GB/T 15834-2011 4.5.3.5).
pub fn series_comma(text: &str) -> Vec<(Diagnostic, String)> {
    QUOTED_SERIES
        .iter()
        .filter(|(marks, _)| text.contains(marks))
        .map(|(marks, name)| {
            (
                Diagnostic::warning("W114", format!("标有{name}的并列成分之间用了顿号：{marks}"))
                    .help(format!(
                        "GB/T 15834 4.5.3.5：标有{name}的并列成分之间通常不用顿号，删去“、”"
                    ))
                    .width(6),
                (*marks).to_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(found: Vec<(Diagnostic, String)>) -> Vec<(&'static str, String)> {
        found.into_iter().map(|(d, n)| (d.code, n)).collect()
    }

    #[test]
    fn a_miswritten_word_is_found_and_its_right_form_named() {
        let found = miswritten("提实提高妇女素质，再接再励");
        assert_eq!(
            codes(found.clone()),
            [
                ("W113", "提实提高".to_owned()),
                ("W113", "再接再励".to_owned())
            ]
        );
        assert!(found[0].0.help.as_deref().unwrap().contains("切实提高"));
        assert!(miswritten("切实提高妇女素质，抓落实、提实效").is_empty());
    }

    #[test]
    fn a_comma_between_quoted_items_is_found() {
        assert_eq!(
            codes(series_comma(
                "以“学习雷锋日”、“儿童节”为契机，提出‘甲’、‘乙’"
            )),
            [("W114", "”、“".to_owned()), ("W114", "’、‘".to_owned())]
        );
        assert!(series_comma("以“学习雷锋日”“儿童节”为契机，开展“三八”节、六一活动").is_empty());
        assert_eq!(
            codes(series_comma("宣传《民法典》、《反家暴法》")),
            [("W114", "》、《".to_owned())]
        );
        assert!(series_comma("宣传《民法典》《反家暴法》和婚姻法、继承法").is_empty());
    }
}
