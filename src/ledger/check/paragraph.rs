//! An item's `paragraph:`: the parts of a paragraph in the order the report writes
//! them (a lead, two activities, a sentence with totals, another dated event, a
//! closing sentence). Each part is checked where it is written (E046), and after the
//! activities are filed, an activity that no group of its item's paragraph prints is
//! reported (W007).

use super::{Checker, SEPARATORS, at};
use crate::diag::{Diagnostic, Location};
use crate::ledger::model::{ItemSpec, PieceSpec, Spanned};
use crate::ledger::year::{Group, Item, Piece, Year};
use std::sync::Arc;

/// What a part names its own kind by, for messages.
const KINDS: [&str; 3] = ["text", "summary", "activities"];

impl Checker {
    /// The parts of an item's `paragraph` at `path`, each checked; empty when the item
    /// has none.
    pub(super) fn paragraph(
        &mut self,
        file: &Arc<str>,
        item: &ItemSpec,
        path: &str,
        figure_keys: &[&str],
    ) -> Vec<Piece> {
        if item.paragraph.is_empty() {
            return Vec::new();
        }
        self.paragraph_alone(file, item, path);
        let pieces: Vec<Piece> = item
            .paragraph
            .iter()
            .enumerate()
            .filter_map(|(pi, spec)| {
                let path = format!("{path}.paragraph[{pi}]");
                self.piece(file, spec, &item.id, &path, figure_keys)
            })
            .collect();
        let mut rest = item.paragraph.iter().filter_map(|p| {
            let words = p.activities.as_ref()?;
            (words.value == "all" && p.months.is_empty()).then_some(words)
        });
        if let Some(second) = rest.nth(1) {
            self.push(
                Diagnostic::error("E046", "段落中只能有一组 activities: all（其余全部活动）")
                    .at(at(file, second))
                    .field(format!("{path}.paragraph"))
                    .help(
                        "其余的活动只能印在一处；要分成几组，给活动写 tag，这里写 activities: 标签",
                    ),
            );
        }
        pieces
    }

    /// E046: an item written part by part writes its paragraph nowhere else.
    fn paragraph_alone(&mut self, file: &Arc<str>, item: &ItemSpec, path: &str) {
        let texts = [
            ("lead", &item.lead),
            ("text", &item.text),
            ("summary", &item.summary),
            ("list", &item.list),
        ];
        let mut written: Vec<(&str, Location)> = texts
            .into_iter()
            .filter_map(|(field, t)| Some((field, at(file, t.as_ref()?))))
            .collect();
        if let Some(place) = &item.summary_at {
            written.push(("summary_at", at(file, place)));
        }
        if let Some(first) = item.entries.first() {
            written.push(("entries", at(file, &first.id)));
        }
        if item.enumerate {
            written.push(("enumerate", at(file, &item.id)));
        }
        for (field, location) in written {
            self.push(
                Diagnostic::error(
                    "E046",
                    format!(
                        "条目 “{}” 写了 paragraph，不能再写 {field}",
                        item.id.value
                    ),
                )
                .at(location)
                .field(format!("{path}.{field}"))
                .help("段落的每一部分都写在 paragraph 里：固定句写 - text:，带数字的句子写 - summary:，一组活动写 - activities: all"),
            );
        }
    }

    /// One part: exactly one kind, and the options only a group of activities takes.
    fn piece(
        &mut self,
        file: &Arc<str>,
        spec: &PieceSpec,
        item_id: &Spanned<String>,
        path: &str,
        figure_keys: &[&str],
    ) -> Option<Piece> {
        let kinds = [
            spec.text.as_ref(),
            spec.summary.as_ref(),
            spec.activities.as_ref(),
        ];
        let written: Vec<(&str, &Spanned<String>)> = KINDS
            .into_iter()
            .zip(kinds)
            .filter_map(|(kind, value)| Some((kind, value?)))
            .collect();
        let group_options = !spec.months.is_empty() || spec.enumerate || spec.separator.is_some();
        match written.as_slice() {
            [("text", t)] if !group_options => {
                Some(Piece::Text(self.text(file, t, &format!("{path}.text"))))
            }
            [("summary", s)] if !group_options => {
                let field = format!("{path}.summary");
                self.placeholders(file, s, &field, figure_keys);
                Some(Piece::Summary(self.text(file, s, &field)))
            }
            [("activities", words)] => Some(Piece::Activities(self.group(file, spec, words, path))),
            [(_, value)] => {
                self.push(
                    Diagnostic::error("E046", "months、enumerate、separator 只能和 activities 一起写")
                        .at(at(file, value))
                        .field(path.to_owned())
                        .help("固定句和带数字的句子按原样印出；要按月份取活动、写成“一是……”，写 - activities: all 再加 months 或 enumerate"),
                );
                None
            }
            [] => {
                self.push(
                    Diagnostic::error("E046", "段落的这一部分是空的")
                        .at(at(file, item_id))
                        .field(path.to_owned())
                        .allowed(KINDS)
                        .help("每一部分写 text（固定句）、summary（带数字的句子）或 activities（一组活动）中的一种"),
                );
                None
            }
            [_, (second, value), ..] => {
                self.push(
                    Diagnostic::error(
                        "E046",
                        format!("段落的一部分只能写 text、summary、activities 中的一种，这里又写了 {second}"),
                    )
                    .at(at(file, value))
                    .field(format!("{path}.{second}"))
                    .allowed(KINDS)
                    .help("分成两部分，各占一个“- ”"),
                );
                None
            }
        }
    }

    /// A group of activities: a tag or the rest, months 1–12, a separator of
    /// [`SEPARATORS`].
    fn group(
        &mut self,
        file: &Arc<str>,
        spec: &PieceSpec,
        words: &Spanned<String>,
        path: &str,
    ) -> Group {
        let word = words.value.trim();
        if word.is_empty() {
            self.push(
                Diagnostic::error("E026", "必填的文字为空")
                    .at(at(file, words))
                    .field(format!("{path}.activities"))
                    .help("写 all（其余全部活动），或活动的标签（tag）"),
            );
        }
        for month in spec.months.iter().filter(|m| !(1..=12).contains(&m.value)) {
            self.push(
                Diagnostic::error("E046", format!("月份 {} 不存在", month.value))
                    .at(at(file, month))
                    .field(format!("{path}.months"))
                    .help("月份写 1 到 12，例如 months: [7, 8]"),
            );
        }
        let separator = self.separator(file, &spec.separator, path);
        Group {
            tag: (word != "all").then(|| word.to_owned()),
            months: spec.months.iter().map(|m| m.value).collect(),
            enumerate: spec.enumerate,
            separator,
        }
    }

    /// The punctuation between enumerated activities of the item or group at `path`:
    /// one of [`SEPARATORS`] (E029 otherwise), 。 when none is written.
    pub(super) fn separator(
        &mut self,
        file: &Arc<str>,
        written: &Option<Spanned<String>>,
        path: &str,
    ) -> String {
        match written {
            Some(sep) if !SEPARATORS.contains(&sep.value.as_str()) => {
                self.push(
                    Diagnostic::error("E029", format!("分隔符 “{}” 不可用", sep.value))
                        .at(at(file, sep))
                        .field(format!("{path}.separator"))
                        .allowed(SEPARATORS.iter().copied()),
                );
                "。".to_owned()
            }
            Some(sep) => sep.value.clone(),
            None => "。".to_owned(),
        }
    }

    /// W007: an activity of an item written part by part that no group prints.
    pub(super) fn ungrouped_activities(&mut self, year: &Year) {
        let items = year.sections.iter().flat_map(|s| &s.items);
        for item in items.filter(|i| !i.paragraph.is_empty()) {
            for activity in item
                .activities
                .iter()
                .filter(|a| item.group_of(a).is_none())
            {
                self.push(ungrouped(item, activity.tag.as_deref()).at(activity.at.clone()));
            }
        }
    }
}

/// The warning for an activity of `item` that no group of its paragraph takes.
fn ungrouped(item: &Item, tag: Option<&str>) -> Diagnostic {
    let tags: Vec<String> = item
        .paragraph
        .iter()
        .filter_map(|p| match p {
            Piece::Activities(g) => g.tag.clone(),
            _ => None,
        })
        .collect();
    let what = tag.map_or_else(|| "没有标签".to_owned(), |t| format!("标签是 “{t}”"));
    Diagnostic::warning(
        "W007",
        format!(
            "这条活动{what}，条目 “{}” 的段落中没有哪一组印它，不会出现在总结里",
            item.id
        ),
    )
    .field("tag")
    .allowed(tags)
    .help("给活动写上段落中某一组的 tag，或在条目的 paragraph 中加一组 - activities: all")
}

impl Checker {
    /// E047: an item runs its title into its paragraph only when it has one (at the
    /// （一） level the title is set in 楷体, below it in the body's face).
    pub(super) fn item_run_in(&mut self, file: &Arc<str>, item: &ItemSpec, path: &str) -> bool {
        if !item.run_in {
            return false;
        }
        if item.title.is_some() {
            return true;
        }
        self.push(
            Diagnostic::error(
                "E047",
                format!("条目 “{}” 写了 run_in，但没有小标题", item.id.value),
            )
            .at(at(file, &item.id))
            .field(format!("{path}.run_in"))
            .help("写上 title（接排在段首的小标题），或删去 run_in"),
        );
        false
    }
}
