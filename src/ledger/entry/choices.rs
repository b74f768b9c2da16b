//! What `new` and the clerk's page offer and accept: the ledger's items and figures,
//! and a typed date, item or figure value read as a clerk may write it.

use super::EntryError;
use crate::amount::{self, Amount, Reading};
use crate::ledger::load;
use crate::ledger::model::Spanned;
use crate::ledger::template::Template;
use crate::suggest::{Candidate, suggestions};
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// An item a new activity can go to, as a clerk sees it.
#[derive(Clone, Debug)]
pub struct ItemChoice {
    /// The id written in the log.
    pub id: String,
    /// The words that name it: title, else lead, else fixed text.
    pub label: String,
    /// Every text of the item, for recognising what a clerk typed.
    pub words: Vec<String>,
    /// The figures its summary sentence prints, in order.
    pub figures: Vec<String>,
    /// For an item's 一是 entry, the item's id; `None` for an item.
    pub entry_of: Option<String>,
    /// Whether it has a list sentence, which prints its activities' short names.
    pub lists: bool,
}

/// Why a typed figure value is refused: the message, and the code `check` gives the
/// same value written in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRefusal {
    /// E024 (not a number of the figure's kind), E036 (too many decimal places) or
    /// E040 (past the limit of a figure).
    pub code: &'static str,
    /// What is wrong and what to write, in Chinese.
    pub message: String,
}

impl std::fmt::Display for FigureRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ItemChoice {
    /// The choice of the item (or entry) `id` named by `texts`, whose summary and list
    /// sentences print the figures it asks for.
    fn new(
        id: &str,
        texts: &[&Option<Spanned<String>>],
        sentences: &[&Option<Spanned<String>>],
    ) -> Self {
        let words: Vec<String> = texts
            .iter()
            .copied()
            .flatten()
            .map(|t| crate::ledger::template::readable_label(&crate::text::normalize(&t.value)))
            .collect();
        let lists = sentences[1].is_some();
        let mut figures: Vec<String> = Vec::new();
        for sentence in sentences.iter().copied().flatten() {
            for key in Template::parse(&sentence.value).figure_keys() {
                if !figures.iter().any(|f| f == key) {
                    figures.push(key.to_owned());
                }
            }
        }
        ItemChoice {
            id: id.to_owned(),
            label: words.first().cloned().unwrap_or_default(),
            words,
            figures,
            entry_of: None,
            lists,
        }
    }
}

/// A declared figure, as a question can name it.
#[derive(Clone, Debug)]
pub struct FigureChoice {
    /// Key in the log.
    pub key: String,
    /// What is counted.
    pub label: String,
    /// Unit, possibly empty.
    pub unit: String,
    /// Decimal places a value may have (0: whole numbers).
    pub decimals: u8,
}

/// What `new` needs to know of a ledger to ask good questions and refuse a bad answer
/// at once, before anything else is typed.
#[derive(Clone, Debug)]
pub struct Choices {
    /// Reporting year.
    pub year: i32,
    /// Items in report order.
    pub items: Vec<ItemChoice>,
    /// Declared figures.
    pub figures: Vec<FigureChoice>,
    /// The latest activity date already in the ledger.
    pub last_date: Option<NaiveDate>,
}

impl Choices {
    /// Reads the choices of the ledger in `dir`; the findings when `report.yaml` is
    /// missing or unreadable.
    pub fn of(dir: &Path) -> Result<Choices, EntryError> {
        Ok(Self::of_ledger(&Self::ledger(dir)?))
    }

    /// The ledger in `dir` as read (for a caller that needs more of it than the
    /// choices); the findings when `report.yaml` is missing or unreadable.
    pub fn ledger(dir: &Path) -> Result<load::Ledger, EntryError> {
        if !dir.join(load::REPORT_FILE).is_file() {
            return Err(EntryError::NotALedger(dir.to_path_buf()));
        }
        let loaded = load::load(dir);
        loaded.ledger.ok_or(EntryError::Invalid(loaded.report))
    }

    /// The choices of a ledger already read.
    pub fn of_ledger(ledger: &load::Ledger) -> Choices {
        let spec = &ledger.report;
        // An item, then its 一是 entries: an activity may be filed under either.
        let items = spec
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|item| {
                // Without words of its own, an item is named by its sentences.
                let own = [
                    &item.title,
                    &item.lead,
                    &item.text,
                    &item.summary,
                    &item.list,
                ];
                let entries = item.entries.iter().map(|e| {
                    // An entry is often only its figure sentence: that names it too.
                    let texts = [&e.lead, &e.text, &e.summary, &e.list];
                    // Its activities count in its item's sentences too.
                    let sentences = [&e.summary, &e.list, &item.summary, &item.list];
                    ItemChoice {
                        entry_of: Some(item.id.value.clone()),
                        ..ItemChoice::new(&e.id.value, &texts, &sentences)
                    }
                });
                std::iter::once(ItemChoice::new(
                    &item.id.value,
                    &own,
                    &[&item.summary, &item.list],
                ))
                .chain(entries)
            })
            .collect();
        let figures = spec
            .figures
            .0
            .iter()
            .map(|(key, decl)| FigureChoice {
                key: key.value.clone(),
                label: decl.label.value.clone(),
                unit: decl
                    .unit
                    .as_ref()
                    .map(|u| u.value.clone())
                    .unwrap_or_default(),
                // More places than allowed is E037 from the check of the whole ledger,
                // which every write runs; until then, read values within the limit.
                decimals: decl
                    .decimals
                    .as_ref()
                    .map_or(0, |d| d.value.min(amount::MAX_DECIMALS)),
            })
            .collect();
        let last_date = ledger
            .logs
            .iter()
            .flat_map(|log| &log.activities)
            .filter_map(|a| crate::text::parse_date(&a.date.value))
            .max();
        Choices {
            year: i32::try_from(spec.year.value).unwrap_or_default(),
            items,
            figures,
            last_date,
        }
    }

    /// The date a clerk typed, in any form `text::parse_date` reads, within the
    /// reporting year; a Chinese message otherwise.
    /// A month and day without the year (4月15日, 4-15) are a day of the reporting year.
    pub fn date(&self, typed: &str) -> Result<NaiveDate, String> {
        self.date_or_refusal(typed).map_err(|(_, message)| message)
    }

    /// [`Choices::date`], a refusal with the code `check` gives the same date in a
    /// log: E021 for a day outside the reporting year, E020 for no day at all.
    pub(super) fn date_or_refusal(&self, typed: &str) -> Result<NaiveDate, (&'static str, String)> {
        if typed.trim().is_empty() {
            return Err((
                "E020",
                format!("请填写日期，例如 {0}-03-08 或 {0}年3月8日", self.year),
            ));
        }
        let with_year = format!("{}年{}", self.year, typed.trim());
        let date = crate::text::parse_date(typed)
            .or_else(|| crate::text::parse_date(&with_year))
            .ok_or_else(|| {
                let message = match crate::text::missing_day(typed)
                    .or_else(|| crate::text::missing_day(&with_year))
                {
                    Some(why) => format!("“{typed}” 这一天不存在：{why}"),
                    None => format!(
                        "“{typed}” 不是有效的日期：写作 {0}-03-08 或 {0}年3月8日",
                        self.year
                    ),
                };
                ("E020", message)
            })?;
        if date.year() == self.year {
            Ok(date)
        } else {
            Err((
                "E021",
                format!(
                    "{date} 不在 {} 年内：本台账只记 {} 年的活动",
                    self.year, self.year
                ),
            ))
        }
    }

    /// The item a clerk meant: its number in the list (1, 2 …), its id, or words of
    /// its title; the likely items otherwise.
    pub fn item(&self, typed: &str) -> Result<&ItemChoice, String> {
        let typed = typed.trim();
        if let Ok(n) = crate::text::ascii_digits(typed).parse::<usize>() {
            return n
                .checked_sub(1)
                .and_then(|i| self.items.get(i))
                .ok_or_else(|| format!("没有第 {n} 个条目：请填 1 到 {}", self.items.len()));
        }
        if let Some(item) = self.item_named(typed) {
            return Ok(item);
        }
        let candidates: Vec<Candidate> = self
            .items
            .iter()
            .map(|i| Candidate {
                id: &i.id,
                words: i.words.iter().map(String::as_str).collect(),
            })
            .collect();
        match suggestions(typed, &candidates).as_slice() {
            [only] if !typed.is_empty() && !typed.is_ascii() => self
                .items
                .iter()
                .find(|i| i.id == *only)
                .ok_or_else(|| format!("未知的条目 “{typed}”")),
            [] => Err(format!(
                "未知的条目 “{typed}”；可选：{}",
                self.items
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )),
            found => Err(format!(
                "未知的条目 “{typed}”；是不是想写 {}？",
                found
                    .iter()
                    .map(|id| format!("“{id}”"))
                    .collect::<Vec<_>>()
                    .join("或")
            )),
        }
    }

    /// The item whose id, or one of whose texts, is exactly what was written (for a
    /// spreadsheet cell, where a number or a near word must not pick an item).
    pub fn item_named(&self, written: &str) -> Option<&ItemChoice> {
        let written = written.trim();
        let words = crate::text::normalize(written);
        self.items
            .iter()
            .find(|i| i.id == written)
            .or_else(|| self.items.iter().find(|i| i.words.contains(&words)))
    }

    /// A figure value as typed: a number of at least 0 with at most the figure's
    /// declared decimal places (a whole number unless it declares `decimals`). A
    /// refusal carries the code `check` gives the same value in a log (E024, or E036
    /// for too many decimal places).
    pub fn figure_value(&self, key: &str, typed: &str) -> Result<Amount, FigureRefusal> {
        let figure = self.figures.iter().find(|f| f.key == key);
        let label = figure.map_or(key, |f| f.label.as_str());
        let decimals = figure.map_or(0, |f| f.decimals);
        let typed = amount::without_unit(typed, figure.map_or("", |f| &f.unit), label).map_err(
            |mismatch| FigureRefusal {
                code: "E024",
                message: mismatch.to_string(),
            },
        )?;
        let ascii = crate::text::ascii_digits(typed.trim());
        let typed = ascii.as_str();
        let refused = |message: String| FigureRefusal {
            code: "E024",
            message,
        };
        match amount::read(typed, decimals) {
            Reading::Value(n) if n <= crate::limits::MAX_FIGURE => Ok(Amount::new(n, decimals)),
            Reading::Negative => Err(refused(format!("{label} 的数字 {typed} 不能为负"))),
            Reading::TooManyPlaces(_) if decimals > 0 => Err(FigureRefusal {
                code: "E036",
                message: format!(
                    "{label} 最多保留 {decimals} 位小数，不能写 “{typed}”：写成 {}",
                    crate::ledger::check::help::rounded_example(typed, decimals)
                ),
            }),
            Reading::TooManyPlaces(_) => Err(refused(format!(
                "{label} 只能写整数，不能写 “{typed}”（要记小数的数字项须在 report.yaml 中写 decimals）"
            ))),
            Reading::Value(_) | Reading::TooLarge => Err(FigureRefusal {
                code: "E040",
                message: format!(
                    "{label} 的数字 {typed} 过大，不能超过 {}",
                    Amount::new(crate::limits::MAX_FIGURE, decimals)
                ),
            }),
            Reading::NotANumber => Err(refused(format!(
                "{label} 不能写 “{typed}”：{}",
                crate::ledger::check::help::figure_text_help(typed, key, decimals)
            ))),
        }
    }

    /// Every declared figure key with its label, for messages.
    pub(super) fn figure_names(&self) -> Vec<String> {
        self.figures
            .iter()
            .map(|f| format!("{}（{}）", f.key, f.label))
            .collect()
    }
}
