//! Warnings about what a sound ledger will not print as the clerk may expect (W002–W006):
//! an item title the numbering hides, activity names no list sentence prints, a list
//! sentence with nothing to list, a figure recorded where no sentence prints it, an
//! issuer too long for the signature line.

use super::{Checker, at};
use crate::diag::{Diagnostic, Location};
use crate::ledger::load::Ledger;
use crate::ledger::model::ItemSpec;
use crate::ledger::year::{Figure, Item, Located, Year};
use crate::limits;
use crate::numbering::NumberStyle;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl Checker {
    /// W002: an item's title prints only when its section numbers items as subheadings
    /// （一）; under paragraph numbering (1. or 一是) it is dropped.
    pub(super) fn hidden_title(
        &mut self,
        file: &Arc<str>,
        item: &ItemSpec,
        path: &str,
        style: NumberStyle,
    ) {
        if let (false, Some(written), false) = (style.is_subheading(), &item.title, item.run_in) {
            self.push(
                Diagnostic::warning(
                    "W002",
                    format!(
                        "条目 “{}” 的小标题不会出现在文中：本节条目按“{}”成段编号，没有小标题",
                        item.id.value,
                        style.label(1)
                    ),
                )
                .at(at(file, written))
                .field(format!("{path}.title"))
                .help("删去 title，或把这句话写进 lead；需要小标题时把编号设为（一）"),
            );
        }
    }

    /// W006 for an issuer (`written` in `signature.issuer`, else the organization's
    /// name) wider than a signature line.
    pub(super) fn issuer_fits(&mut self, issuer: Option<&Located<String>>, written: bool) {
        if let Some(issuer) = issuer.filter(|i| issuer_cells(&i.value) > MAX_ISSUER_CELLS) {
            self.push(long_issuer(issuer, written));
        }
    }

    /// W003: an activity's short name prints only in its item's list sentence.
    pub(super) fn unlisted_names(&mut self, year: &Year) {
        let filed = year.sections.iter().flat_map(|s| &s.items);
        for item in filed.flat_map(Item::with_entries) {
            if item.list.is_some() {
                continue;
            }
            for name in item.activities.iter().filter_map(|a| a.name.as_ref()) {
                self.push(
                    Diagnostic::warning(
                        "W003",
                        format!(
                            "条目 “{}” 没有列举句（list），活动简称不会出现在文中",
                            item.id
                        ),
                    )
                    .at(name.at.clone())
                    .field("name")
                    .help(
                        "在 report.yaml 的这个条目写 list，例如 开展{{ 活动 }}等活动；或删去 name",
                    ),
                );
            }
        }
    }

    /// W004: a list sentence with no named activity to list is left out of the text,
    /// and the figures it carries with it.
    pub(super) fn lists_without_names(&mut self, year: &Year) {
        let filed = year.sections.iter().flat_map(|s| &s.items);
        for item in filed.flat_map(Item::with_entries) {
            let Some(list) = &item.list else { continue };
            if item.activities.iter().any(|a| a.name.is_some()) {
                continue;
            }
            self.push(
                Diagnostic::warning(
                    "W004",
                    format!(
                        "条目 “{}” 的列举句没有可列的活动（没有活动写简称 name），整句不会印出",
                        item.id
                    ),
                )
                .at(list.at.clone())
                .field("list")
                .help("给要列出的活动写上 name（简称），或删去这句列举句"),
            );
        }
    }

    /// W005: a figure recorded under an item (or 一是 entry) that no sentence of it
    /// prints, while another item's sentence does print that figure: the number the
    /// summary shows leaves this record out (it was most likely filed under the wrong
    /// item). A figure no sentence prints is kept for `stats` alone and is not reported.
    /// One finding per item and figure, at the figure of the first activity recording it.
    pub(super) fn unprinted_figures(&mut self, ledger: &Ledger, year: &Year) {
        let items = year.sections.iter().flat_map(|s| &s.items);
        let printed_anywhere: Vec<&str> = items
            .clone()
            .flat_map(Item::with_entries)
            .flat_map(Item::printed_figure_keys)
            .collect();
        // What each item and entry prints; an entry's activities count in its item's
        // sentences too.
        let mut printed: HashMap<&str, Vec<&str>> = HashMap::new();
        for item in items {
            let own = item.printed_figure_keys();
            for entry in &item.entries {
                let mut by_entry = entry.printed_figure_keys();
                by_entry.extend(&own);
                printed.insert(&entry.id, by_entry);
            }
            printed.insert(&item.id, own);
        }
        let mut reported: HashSet<(&str, &str)> = HashSet::new();
        for log in &ledger.logs {
            for (n, spec) in log.activities.iter().enumerate() {
                let Some(prints) = printed.get(spec.item.value.as_str()) else {
                    continue;
                };
                for (key, _) in &spec.figures.0 {
                    let elsewhere_only = printed_anywhere.contains(&key.value.as_str())
                        && !prints.contains(&key.value.as_str());
                    if elsewhere_only && reported.insert((&spec.item.value, &key.value)) {
                        let here = (at(&log.file, key), format!("[{n}].figures.{}", key.value));
                        self.push(unprinted_figure(
                            &spec.item.value,
                            &key.value,
                            &year.figures,
                            here,
                        ));
                    }
                }
            }
        }
    }
}

/// W005 for the figure `key` of an activity filed under `item`, at `here`.
fn unprinted_figure(
    item: &str,
    key: &str,
    figures: &[Figure],
    (at, field): (Location, String),
) -> Diagnostic {
    let label = figures
        .iter()
        .find(|f| f.key == key)
        .map_or(key, |f| f.label.as_str());
    Diagnostic::warning(
        "W005",
        format!(
            "条目 “{item}” 的活动记了“{label}”，但这个条目的句子不印这个数字：总结里印出的“{label}”是别的条目的合计，不含这一条"
        ),
    )
    .at(at)
    .field(field)
    .width(key.chars().count())
    .help(format!(
        "把这条活动记到印这个数字的条目下；或在这个条目的汇总句里也写 {{{{ {key} }}}}"
    ))
}

/// The widest issuer a signature line holds: the cells of a line less the two it ends
/// in from the right margin (GB/T 9704 7.3.5.2), as the grid sets it.
const MAX_ISSUER_CELLS: usize = limits::LINE_CELLS - limits::ISSUER_RIGHT_CELLS;

/// The cells an issuer's name takes on the grid, near enough for a warning: a Chinese
/// character one cell, a Latin letter or digit half of one.
fn issuer_cells(name: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    name.trim().width().div_ceil(2)
}

/// W006: an issuer too long for one signature line wraps onto a second one.
fn long_issuer(issuer: &Located<String>, written: bool) -> Diagnostic {
    let field = if written {
        "signature.issuer"
    } else {
        "organization.name"
    };
    Diagnostic::warning(
        "W006",
        format!(
            "落款单位名称占 {} 格，一行最多 {MAX_ISSUER_CELLS} 格，落款会折成两行",
            issuer_cells(&issuer.value)
        ),
    )
    .at(issuer.at.clone())
    .field(field)
    .help("在 signature.issuer 写上较短的落款名称（如去掉上级单位的全称）")
}
