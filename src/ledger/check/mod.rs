//! Validation: turns the ledger as written into a [`Year`] whose every reference,
//! date and figure is known to be sound, or says precisely what is wrong and where.

use crate::diag::{Diagnostic, Location, Report};
use crate::ledger::load::Ledger;
use crate::ledger::model::Spanned;
use crate::ledger::year::{Located, Year};
use crate::limits;
use chrono::NaiveDate;
use std::sync::Arc;

mod activities;
pub(crate) mod help;
mod inside;
mod paragraph;
mod print;
mod report;

/// The reporting years a ledger may hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;

/// Control characters other than line feed and tab.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Separators allowed between enumerated entries.
pub const SEPARATORS: &[&str] = &["。", "；"];

/// Checks a loaded ledger, adding findings to `report`; returns the validated year when
/// there are no errors.
pub fn check(ledger: &Ledger, report: &mut Report) -> Option<Year> {
    let mut checker = Checker {
        file: ledger.report_file.clone(),
        found: Vec::new(),
        has_previous: ledger.report.previous.is_some(),
        inside: Vec::new(),
    };
    let year = checker.year(ledger);
    checker.place_inside(report);
    report.diagnostics.append(&mut checker.found);
    report.sort();
    year.filter(|_| report.error_count() == 0)
}

struct Checker {
    file: Arc<str>,
    found: Vec<Diagnostic>,
    /// Whether the report names last year's ledger (for `{{ key.yoy }}`).
    has_previous: bool,
    /// Findings to place at the text they name inside the value they point at (the
    /// key of a `{{ }}`): index in `found` and the text.
    inside: Vec<(usize, String)>,
}

fn loc(file: &Arc<str>, line: u64, column: u64) -> Location {
    Location {
        file: file.clone(),
        line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
        column: u32::try_from(column.max(1)).unwrap_or(u32::MAX),
    }
}

fn at<T>(file: &Arc<str>, s: &Spanned<T>) -> Location {
    loc(file, s.referenced.line(), s.referenced.column())
}

impl Checker {
    fn push(&mut self, d: Diagnostic) {
        self.found.push(d);
    }

    fn text(&mut self, file: &Arc<str>, s: &Spanned<String>, field: &str) -> Located<String> {
        if s.value.trim().is_empty() {
            self.push(
                Diagnostic::error("E026", "必填的文字为空")
                    .at(at(file, s))
                    .field(field),
            );
        }
        self.blank_allowed(file, s, field)
    }

    /// A text that may be blank (a website header leaves 发文字号 empty and prints the
    /// field with no value); every other rule of [`Self::text`] holds.
    fn blank_allowed(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: &str,
    ) -> Located<String> {
        // A control character (written as an escape such as "\a", or pasted in) has no
        // glyph and no meaning in a document; Markdown would even replace some of them.
        if let Some(c) = s.value.chars().find(|&c| is_forbidden_control(c)) {
            self.push(
                Diagnostic::error(
                    "E033",
                    format!(
                        "文字中含有控制字符 U+{:04X}，它不可见，也无法排版",
                        c as u32
                    ),
                )
                .at(at(file, s))
                .field(field)
                .help("删除这个字符（多半是从其他软件复制粘贴时带进来的）；换行和制表符可以保留"),
            );
        }
        if let Some(d) = limits::text(&s.value, at(file, s), field) {
            self.push(d);
        }
        Located {
            value: s.value.clone(),
            at: at(file, s),
        }
    }

    fn opt_text(
        &mut self,
        file: &Arc<str>,
        s: &Option<Spanned<String>>,
        field: &str,
    ) -> Option<Located<String>> {
        s.as_ref().map(|s| self.text(file, s, field))
    }

    /// A heading (or its default) and a list of texts under it: the plans, and the
    /// roll-up's members. `title_field` and `list_field` name them in messages.
    fn titled_list(
        &mut self,
        file: &Arc<str>,
        title: &Option<Spanned<String>>,
        default_title: &str,
        entries: &[Spanned<String>],
        (title_field, list_field): (&str, &str),
    ) -> (Located<String>, Vec<Located<String>>) {
        let title = match title {
            Some(t) => self.text(file, t, title_field),
            None => Located {
                value: default_title.into(),
                at: loc(file, 1, 1),
            },
        };
        let entries = entries
            .iter()
            .enumerate()
            .map(|(i, s)| self.text(file, s, &format!("{list_field}[{i}]")))
            .collect();
        (title, entries)
    }

    /// A date as a clerk types it (2023-03-08, 2023-3-8, 2023/3/8, 2023.3.8, 2023年3月8日).
    fn date(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: impl FnOnce() -> String,
    ) -> Option<NaiveDate> {
        let parsed = crate::text::parse_date(&s.value);
        if parsed.is_none() {
            let quoted = s.value.trim().starts_with('“') && s.value.trim().ends_with('”');
            let help = if quoted {
                "去掉中文引号“”：日期不用加引号".to_owned()
            } else if let Some(why) = crate::text::missing_day(&s.value) {
                format!("这一天不存在：{why}")
            } else {
                "日期写作 2023-03-08（也可写 2023年3月8日、2023/3/8、2023.3.8），并且须是日历上存在的日子"
                    .to_owned()
            };
            self.push(
                Diagnostic::error("E020", format!("“{}” 不是有效的日期", s.value))
                    .at(at(file, s))
                    .field(field())
                    .width(s.value.chars().count())
                    .help(help),
            );
        }
        parsed
    }
}
