//! Full-width spaces in indentation, for `check --fix`. A U+3000 is two columns wide,
//! so a clerk aligning by eye types one where two spaces belong, or one per press of
//! the space bar in full-width mode: which of the two it stands for is decided by the
//! parser, line by line, not guessed.

use crate::ledger::ime::{self, SlipKind};

/// `fixed` (the text after [`ime::fix_all`], which made every U+3000 of `original`'s
/// indentation one space) with each such line widened to two spaces per U+3000 where
/// that parses further: `first_error` gives the line (1-based) where a text first
/// fails to parse, `None` when it parses. A line keeps one space per U+3000 only when
/// that gets the parser further than two.
pub(crate) fn resolve(
    original: &str,
    fixed: String,
    first_error: impl Fn(&str) -> Option<u32>,
) -> String {
    let slipped: Vec<(usize, usize)> = ime::find(original)
        .into_iter()
        .filter(|s| s.kind == SlipKind::IdeographicSpaceIndent)
        .map(|s| {
            let count = s.found.chars().filter(|c| *c == '\u{3000}').count();
            (s.line as usize, count)
        })
        .collect();
    if slipped.is_empty() {
        return fixed;
    }
    let mut lines: Vec<String> = fixed.split_inclusive('\n').map(str::to_owned).collect();
    // How far the parser gets: to the end (`None`) beats any line.
    let reach = |lines: &[String]| first_error(&lines.concat()).unwrap_or(u32::MAX);
    for (line, count) in slipped {
        let Some(at) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
            continue;
        };
        let narrow = lines[at].clone();
        lines[at] = format!("{}{narrow}", " ".repeat(count));
        let wide_reach = reach(&lines);
        if wide_reach == u32::MAX {
            continue;
        }
        let wide = std::mem::replace(&mut lines[at], narrow);
        if reach(&lines) < wide_reach {
            lines[at] = wide;
        }
    }
    lines.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in parser: a line indented by an odd number of spaces fails.
    fn odd_fails(text: &str) -> Option<u32> {
        text.lines()
            .position(|l| (l.len() - l.trim_start().len()) % 2 == 1)
            .map(|n| n as u32 + 1)
    }

    #[test]
    fn a_full_width_space_becomes_the_spaces_that_parse() {
        let original = "- date: 1\n\u{3000}item: a\n\u{3000}\u{3000}text: b\n";
        let (fixed, _) = ime::fix_all(original);
        assert_eq!(fixed, "- date: 1\n item: a\n  text: b\n");
        assert_eq!(
            resolve(original, fixed, odd_fails),
            "- date: 1\n  item: a\n    text: b\n"
        );
        // Where the parser gets no further with two, one per U+3000 stays.
        let (fixed, _) = ime::fix_all(original);
        assert_eq!(resolve(original, fixed.clone(), |_| Some(1)), fixed);
    }
}
