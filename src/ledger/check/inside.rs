//! Findings about a piece of a value (the key inside a `{{ }}` of a sentence) placed at
//! that piece rather than at the value's start, once the sources are known; and the
//! "是不是想写" of a mistyped placeholder.

use super::Checker;
use crate::diag::Report;
use crate::suggest::{Candidate, suggestions};
use unicode_width::UnicodeWidthStr;

impl Checker {
    /// The next finding pushed names `needle` inside the value it points at.
    pub(super) fn push_inside(&mut self, needle: &str) {
        self.inside.push((self.found.len(), needle.to_owned()));
    }

    /// Moves each finding recorded by [`Self::push_inside`] to its text, found in the
    /// source from the value's start on, with the caret as wide as the text.
    pub(super) fn place_inside(&mut self, report: &Report) {
        for (index, needle) in std::mem::take(&mut self.inside) {
            let Some(d) = self.found.get_mut(index) else {
                continue;
            };
            if let Some(at) = d.location.as_ref() {
                let placed = report.find_after(at, &needle);
                d.width = u32::try_from(needle.width().max(1)).unwrap_or(u32::MAX);
                d.location = Some(placed);
            }
        }
    }
}

/// The help of E023: the declared keys `typed` most likely means, then `otherwise`.
pub(super) fn placeholder_help(typed: &str, keys: &[&str], otherwise: &str) -> String {
    let typed = typed.strip_suffix(".yoy").unwrap_or(typed);
    let candidates: Vec<Candidate> = keys
        .iter()
        .map(|id| Candidate {
            id,
            words: Vec::new(),
        })
        .collect();
    let found: Vec<String> = suggestions(typed, &candidates)
        .iter()
        .map(|key| format!("{{{{ {key} }}}}"))
        .collect();
    did_you_mean(&found, otherwise)
}

/// “是不是想写 “a”或“b”？” before `otherwise`; `otherwise` alone when nothing is alike.
pub(super) fn did_you_mean(found: &[String], otherwise: &str) -> String {
    if found.is_empty() {
        return otherwise.to_owned();
    }
    let quoted: Vec<String> = found.iter().map(|f| format!("“{f}”")).collect();
    format!("是不是想写 {}？{otherwise}", quoted.join("或"))
}
