//! A summary sentence with its `{{ key }}` and `{{ key.yoy }}` placeholders, parsed
//! once: check validates the placeholders, compose fills them, proofreading and `new`
//! read which figures a sentence prints.

use crate::text::is_identifier;

/// A well-formed placeholder: the figure's key, and whether it asks for the 同比.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The figure key.
    pub key: &'a str,
    /// `{{ key.yoy }}`: last year's comparison instead of the sum.
    pub yoy: bool,
}

/// One piece of a summary sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text, printed as written.
    Text(&'a str),
    /// A placeholder, with the raw `{{ … }}` it was written as.
    Figure(Placeholder<'a>, &'a str),
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
    /// is a figure key (an identifier), optionally followed by `.yoy`.
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
            let inner = after[..close].trim();
            let (key, yoy) = match inner.split_once('.') {
                Some((key, "yoy")) => (key, true),
                Some(_) => ("", false),
                None => (inner, false),
            };
            pieces.push(if is_identifier(key) {
                Piece::Figure(Placeholder { key, yoy }, raw)
            } else {
                Piece::Malformed(raw)
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

    /// The sentence with each placeholder replaced by what `value_of` says; one it
    /// has no value for, and anything malformed, stays as written.
    pub fn fill(&self, value_of: impl Fn(Placeholder) -> Option<String>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) | Piece::Malformed(text) => out.push_str(text),
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
                    yoy: false
                },
                Placeholder {
                    key: "visitors",
                    yoy: true
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
    fn text_without_placeholders_is_one_piece() {
        assert_eq!(
            Template::parse("全年无数字。").pieces,
            [Piece::Text("全年无数字。")]
        );
        assert_eq!(Template::parse("").pieces, []);
    }
}
