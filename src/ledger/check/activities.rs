//! The activity logs: each activity's date, texts and figures read and bounded, filed
//! under the item it names (E021–E025, E036, E040), and every item left with content.

use super::help::{figure_text_help, rounded_example};
use super::{Checker, at};
use crate::amount::{self, Reading};
use crate::diag::{Diagnostic, Location};
use crate::ledger::load::Ledger;
use crate::ledger::model::{ActivitySpec, FigureValue, OrderedMap, Spanned, TotalRule};
use crate::ledger::year::{Activity, Figure, Item, Year};
use crate::limits;
use crate::suggest::{Candidate, suggestions};
use chrono::Datelike;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl Checker {
    /// Files each valid activity under its item; returns the ids of all items that some
    /// activity names, valid or not.
    pub(super) fn attach_activities(
        &mut self,
        ledger: &Ledger,
        year: &mut Year,
    ) -> HashSet<String> {
        // Where an id files an activity: section, item, and the item's entry if any.
        let index: HashMap<String, (usize, usize, Option<usize>)> = year
            .sections
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.items.iter().enumerate().flat_map(move |(ii, i)| {
                    let entries = i
                        .entries
                        .iter()
                        .enumerate()
                        .map(move |(ei, e)| (e.id.clone(), (si, ii, Some(ei))));
                    std::iter::once((i.id.clone(), (si, ii, None))).chain(entries)
                })
            })
            .collect();
        let filed = || {
            year.sections
                .iter()
                .flat_map(|s| &s.items)
                .flat_map(Item::with_entries)
        };
        let item_ids: Vec<String> = filed().map(|i| i.id.clone()).collect();
        let item_words: Vec<(String, Vec<String>)> =
            filed().map(|i| (i.id.clone(), item_words(i))).collect();
        let mut ids: HashMap<String, Location> = HashMap::new();
        let mut referenced = HashSet::new();
        let mut totals: HashMap<&str, Option<u64>> = HashMap::new();
        for log in &ledger.logs {
            for (n, spec) in log.activities.iter().enumerate() {
                if !referenced.contains(&spec.item.value) {
                    referenced.insert(spec.item.value.clone());
                }
                let path = format!("[{n}]");
                let activity = self.activity(&log.file, spec, &path, year);
                if let Some(id) = &spec.id {
                    let here = at(&log.file, id);
                    if let Some(first) = ids.get(&id.value) {
                        self.push(
                            Diagnostic::error("E025", format!("重复的活动 id “{}”", id.value))
                                .at(here)
                                .field(format!("{path}.id"))
                                .help(format!("第一次出现在 {first}")),
                        );
                    } else {
                        ids.insert(id.value.clone(), here);
                    }
                }
                match index.get(spec.item.value.as_str()) {
                    Some(&(si, ii, entry)) => {
                        if let Some(activity) = activity {
                            let figures = (&year.figures[..], &activity.figures[..]);
                            self.add_to_totals(&mut totals, &log.file, spec, figures, &path);
                            let item = &mut year.sections[si].items[ii];
                            match entry {
                                Some(ei) => item.entries[ei].activities.push(activity),
                                None => item.activities.push(activity),
                            }
                        }
                    }
                    None => self.push(
                        Diagnostic::error("E022", format!("未知的条目 “{}”", spec.item.value))
                            .at(at(&log.file, &spec.item))
                            .field(format!("{path}.item"))
                            .width(spec.item.value.chars().count())
                            .allowed(item_ids.iter().cloned())
                            .help(unknown_item_help(&spec.item.value, &item_words)),
                    ),
                }
            }
        }
        self.enumerated_activities(year);
        self.unlisted_names(year);
        self.ungrouped_activities(year);
        self.lists_without_names(year);
        self.unprinted_figures(ledger, year);
        referenced
    }

    /// Adds a valid activity's figures (`values`, in the order of `spec`) to the year's
    /// running totals (which bound every other sum), refusing the value that takes one
    /// past [`limits::MAX_FIGURE`].
    fn add_to_totals<'k>(
        &mut self,
        totals: &mut HashMap<&'k str, Option<u64>>,
        file: &Arc<str>,
        spec: &'k ActivitySpec,
        (figures, values): (&[Figure], &[(String, u64)]),
        path: &str,
    ) {
        for ((key, value), (_, n)) in spec.figures.0.iter().zip(values) {
            // `None`: this figure's total was already refused; one message is enough.
            let Some(sum) = *totals.entry(&key.value).or_insert(Some(0)) else {
                continue;
            };
            let decimals = figures
                .iter()
                .find(|f| f.key == key.value)
                .map_or(0, |f| f.decimals);
            let field = || format!("{path}.figures.{}", key.value);
            let here = || at(file, value);
            let total = limits::add_figure((sum, *n), &key.value, decimals, (here, field))
                .map_err(|d| self.push(*d))
                .ok();
            totals.insert(&key.value, total);
        }
    }

    /// The activities of an enumerated item are numbered 一是……; refuses more than
    /// [`limits::MAX_ENUMERATED`] of them, at the first one past the limit.
    fn enumerated_activities(&mut self, year: &Year) {
        for item in year.sections.iter().flat_map(|s| &s.items) {
            let with_text: Vec<&Activity> = item
                .activities
                .iter()
                .filter(|a| a.text.is_some())
                .collect();
            if !item.enumerate || with_text.len() <= limits::MAX_ENUMERATED {
                continue;
            }
            let at = with_text[limits::MAX_ENUMERATED].at.clone();
            if let Some(d) = limits::enumerated(with_text.len(), "活动", at, "item") {
                self.push(d);
            }
        }
    }

    fn activity(
        &mut self,
        file: &Arc<str>,
        spec: &ActivitySpec,
        path: &str,
        year: &Year,
    ) -> Option<Activity> {
        let date = self.date(file, &spec.date, || format!("{path}.date"));
        if let Some(d) = date {
            if d.year() != year.year {
                self.push(
                    Diagnostic::error("E021", format!("活动日期 {d} 不在 {} 年内", year.year))
                        .at(at(file, &spec.date))
                        .field(format!("{path}.date"))
                        .width(spec.date.value.chars().count())
                        .help("台账只记录本年度的活动；往年的活动请放到往年的台账中"),
                );
            } else if d > year.date {
                self.push(
                    Diagnostic::warning("W001", format!("活动日期 {d} 晚于成文日期 {}", year.date))
                        .at(at(file, &spec.date))
                        .field(format!("{path}.date"))
                        .width(spec.date.value.chars().count()),
                );
            }
        }
        let name = self.opt_text(file, &spec.name, &format!("{path}.name"));
        // The fields that print nowhere yet still reach the page, the spreadsheet and
        // `stats`: no control character in them either (E033), and no text too long.
        if let Some(place) = &spec.place {
            self.blank_allowed(file, place, &format!("{path}.place"));
        }
        if let Some(tag) = &spec.tag {
            self.blank_allowed(file, tag, &format!("{path}.tag"));
        }
        for (vi, village) in spec.villages.iter().enumerate() {
            self.blank_allowed(file, village, &format!("{path}.villages[{vi}]"));
        }
        let text = self.opt_text(file, &spec.text, &format!("{path}.text"));
        if let Some(t) = &text {
            let entries = t
                .value
                .lines()
                .filter(|l| crate::text::list_entry(l.trim()).is_some())
                .count();
            let field = format!("{path}.text");
            if let Some(d) = limits::enumerated(entries, "列表项", t.at.clone(), &field) {
                self.push(d);
            }
        }
        let figures = self.figure_values(file, &spec.figures, path, &year.figures);
        if spec.text.is_none() && spec.name.is_none() && spec.figures.0.is_empty() {
            self.push(
                Diagnostic::error("E026", "活动既没有文字也没有数字")
                    .at(at(file, &spec.item))
                    .field(format!("{path}.text"))
                    .help("写上 text（做了什么），或在 figures 中记下数字"),
            );
        }
        let participants = spec
            .participants
            .as_ref()
            .and_then(|p| self.count(&p.value, at(file, p), &|| format!("{path}.participants")));
        Some(Activity {
            id: spec.id.as_ref().map(|i| i.value.clone()),
            date: date?,
            name,
            text,
            figures: figures?,
            place: spec.place.as_ref().map(|p| p.value.clone()),
            villages: spec.villages.iter().map(|v| v.value.clone()).collect(),
            participants,
            tag: spec.tag.as_ref().map(|t| t.value.trim().to_owned()),
            at: at(file, &spec.date),
        })
    }

    fn figure_values(
        &mut self,
        file: &Arc<str>,
        values: &OrderedMap<Spanned<FigureValue>>,
        path: &str,
        figures: &[Figure],
    ) -> Option<Vec<(String, u64)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (key, value) in &values.0 {
            // Built only for a message: most values have none.
            let field = || format!("{path}.figures.{}", key.value);
            let Some(figure) = figures.iter().find(|f| f.key == key.value) else {
                ok = false;
                self.push(
                    Diagnostic::error("E023", format!("未声明的数字项 “{}”", key.value))
                        .at(at(file, key))
                        .field(field())
                        .width(key.value.chars().count())
                        .allowed(figures.iter().map(Figure::named))
                        .help("先在 report.yaml 的 figures 中声明它，或改成已声明的键"),
                );
                continue;
            };
            match self.amount(&value.value, (figure, figures), at(file, value), &field) {
                Some(n) => out.push((key.value.clone(), n)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A whole number of at least 0 (participants).
    fn count(
        &mut self,
        value: &FigureValue,
        here: Location,
        field: &dyn Fn() -> String,
    ) -> Option<u64> {
        let whole = Figure {
            key: String::new(),
            label: String::new(),
            unit: String::new(),
            total: TotalRule::Sum,
            decimals: 0,
        };
        self.amount(value, (&whole, &[]), here, field)
    }

    /// A value of `figure`, in units of its last declared place; a located message for
    /// a negative number, text, too many places (naming the figures of `all` that take
    /// decimals when the figure is a whole number) or a number past the limit.
    fn amount(
        &mut self,
        value: &FigureValue,
        (figure, all): (&Figure, &[Figure]),
        here: Location,
        field: &dyn Fn() -> String,
    ) -> Option<u64> {
        // The common case, a whole number within the limit, without reading it as text.
        if let FigureValue::Integer(n) = value
            && let Some(scaled) = u64::try_from(*n)
                .ok()
                .and_then(|n| n.checked_mul(10u64.checked_pow(u32::from(figure.decimals))?))
                .filter(|&scaled| scaled <= limits::MAX_FIGURE)
        {
            return Some(scaled);
        }
        let written = match value {
            FigureValue::Integer(n) => n.to_string(),
            FigureValue::Other(text) => text.clone(),
        };
        let written = match amount::without_unit(&written, &figure.unit, &figure.label) {
            Ok(number) => number.to_owned(),
            Err(mismatch) => {
                let message = Diagnostic::error("E024", mismatch.to_string());
                self.push(
                    message
                        .at(here)
                        .field(field())
                        .width(written.chars().count()),
                );
                return None;
            }
        };
        let refused =
            match amount::read(&written, figure.decimals) {
                Reading::Value(n) => {
                    return limits::figure_value(figure.amount(n), here, field)
                        .map_err(|d| self.push(*d))
                        .ok();
                }
                Reading::TooLarge => Diagnostic::error(
                    "E040",
                    format!(
                        "数字 {written} 过大，不能超过 {}",
                        figure.amount(limits::MAX_FIGURE)
                    ),
                )
                .help("数字项记录的是次数、人数等；请核对是否多写了位数"),
                Reading::Negative => Diagnostic::error("E024", format!("数字 {written} 不能为负"))
                    .help(if figure.decimals == 0 {
                        "数字项记录的是次数、人数等，只能是 0 或正整数"
                    } else {
                        "数字项记录的是次数、人数、金额等，只能是 0 或正数"
                    }),
                Reading::TooManyPlaces(_) if figure.decimals == 0 => {
                    Diagnostic::error("E024", format!("“{written}” 不是整数"))
                        .help(whole_number_help(figure, all))
                }
                Reading::TooManyPlaces(places) => Diagnostic::error(
                    "E036",
                    format!(
                        "“{written}” 有 {places} 位小数，数字项 “{}” 只保留 {} 位",
                        figure.key, figure.decimals
                    ),
                )
                .help(format!(
                    "写成 {}；需要更多位小数时，改 report.yaml 中 figures.{}.decimals",
                    rounded_example(&written, figure.decimals),
                    figure.key
                )),
                Reading::NotANumber => {
                    let what = if figure.decimals == 0 {
                        "整数"
                    } else {
                        "数字"
                    };
                    Diagnostic::error("E024", format!("“{written}” 不是{what}"))
                        .help(figure_text_help(&written, &figure.key, figure.decimals))
                }
            };
        let refused = refused.at(here).field(field());
        // A caret under the whole text, as for any value written as text.
        self.push(match value {
            FigureValue::Other(_) => refused.width(written.chars().count()),
            FigureValue::Integer(_) => refused,
        });
        None
    }

    /// An item (or an item's 一是 entry) needs fixed text or at least one activity
    /// (valid or not: an invalid one has its own message); an item's entries are its
    /// content too.
    pub(super) fn items_have_content(&mut self, year: &Year, referenced: &HashSet<String>) {
        for (si, section) in year.sections.iter().enumerate() {
            for (ii, item) in section.items.iter().enumerate() {
                let path = format!("sections[{si}].items[{ii}]");
                let parts = item.entries.iter().enumerate().map(|(ei, e)| {
                    let path = format!("{path}.entries[{ei}]");
                    (e, path)
                });
                let parts: Vec<(&Item, String)> = std::iter::once((item, path.clone()))
                    .filter(|(i, _)| i.entries.is_empty())
                    .chain(parts)
                    .collect();
                for (item, path) in parts {
                    if item.text.is_some() || item.has_fixed_text() || referenced.contains(&item.id)
                    {
                        continue;
                    }
                    self.push(
                        Diagnostic::error(
                            "E027",
                            format!("条目 “{}” 既没有固定文字也没有活动", item.id),
                        )
                        .at(item.at.clone())
                        .width(item.id.chars().count())
                        .field(format!("{path}.text"))
                        .help(format!(
                            "给条目写上 text，或在活动台账中添加 item: {} 的活动",
                            item.id
                        )),
                    );
                }
            }
        }
    }
}

/// The help of a decimal in a whole-number figure: which figures take decimals, or how
/// to declare them.
fn whole_number_help(figure: &Figure, all: &[Figure]) -> String {
    if figure.key.is_empty() {
        // Not a figure: the participants of an activity.
        return "这里只能写 0 或正整数，例如 30".to_owned();
    }
    let decimal: Vec<String> = all
        .iter()
        .filter(|f| f.decimals > 0)
        .map(|f| format!("{}（{} 位）", f.named(), f.decimals))
        .collect();
    let what = format!("数字项 {} 只能写 0 或正整数", figure.named());
    if decimal.is_empty() {
        format!("{what}；要记 8.5 这样的小数，在 report.yaml 中给数字项写 decimals: 1")
    } else {
        format!("{what}；可以写小数的数字项：{}", decimal.join("、"))
    }
}

/// The words a clerk may remember an item by.
fn item_words(item: &Item) -> Vec<String> {
    [&item.title, &item.lead, &item.text]
        .into_iter()
        .flatten()
        .map(|t| t.value.clone())
        .collect()
}

/// The help of E022: the items the clerk most likely meant, by spelling or by words.
fn unknown_item_help(typed: &str, items: &[(String, Vec<String>)]) -> String {
    let candidates: Vec<Candidate> = items
        .iter()
        .map(|(id, words)| Candidate {
            id,
            words: words.iter().map(String::as_str).collect(),
        })
        .collect();
    let found: Vec<String> = suggestions(typed, &candidates)
        .iter()
        .map(|id| (*id).to_owned())
        .collect();
    super::inside::did_you_mean(&found, "item 必须是 report.yaml 中某个条目的 id")
}
