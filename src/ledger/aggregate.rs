//! Aggregation: activities in date order under their items, and figures totalled per
//! item, per section, per month and for the year, each by its declared rule (summed,
//! the largest, or the latest).

use crate::amount::Amount;
use crate::ledger::model::TotalRule;
use crate::ledger::year::{Figure, Item, Year};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Totals of every declared figure, in declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Totals(
    pub Vec<u64>,
    /// The date each `latest` total was taken from (none before any value).
    #[serde(skip)]
    Vec<Option<NaiveDate>>,
    /// The earliest-dated value of each figure and its date (the first in log order
    /// on that day): the baseline a 从原来…提升到… sentence starts from.
    #[serde(skip)]
    Vec<Option<(NaiveDate, u64)>>,
);

impl Totals {
    fn zero(n: usize) -> Self {
        Self(vec![0; n], vec![None; n], vec![None; n])
    }

    fn add(&mut self, figures: &[Figure], counts: &[(String, u64)], date: NaiveDate) {
        for (key, n) in counts {
            if let Some(i) = figures.iter().position(|f| &f.key == key) {
                self.combine(i, figures[i].total, *n, Some(date));
                self.keep_earliest(i, Some((date, *n)));
            }
        }
    }

    fn add_totals(&mut self, figures: &[Figure], other: &Totals) {
        for (i, figure) in figures.iter().enumerate() {
            if other.1[i].is_some() || figure.total != TotalRule::Latest {
                self.combine(i, figure.total, other.0[i], other.1[i]);
            }
            self.keep_earliest(i, other.2[i]);
        }
    }

    /// Keeps `first` as figure `i`'s baseline when it is dated before the one held
    /// (on the same day the one held, taken first, stays).
    fn keep_earliest(&mut self, i: usize, first: Option<(NaiveDate, u64)>) {
        if let Some((date, value)) = first
            && self.2[i].is_none_or(|(held, _)| date < held)
        {
            self.2[i] = Some((date, value));
        }
    }

    /// The earliest-dated value of `key` (原来的值), with its figure's precision; 0
    /// before any value.
    pub fn baseline(&self, figures: &[Figure], key: &str) -> Option<Amount> {
        let i = figures.iter().position(|f| f.key == key)?;
        Some(figures[i].amount(self.2[i].map_or(0, |(_, value)| value)))
    }

    /// Takes `value` (written on `date`) into total `i` by the figure's rule. A later
    /// or equal date replaces a `latest` total: activities are in date order, log
    /// order breaking ties.
    fn combine(&mut self, i: usize, rule: TotalRule, value: u64, date: Option<NaiveDate>) {
        match rule {
            TotalRule::Sum => self.0[i] = crate::limits::checked_sum(self.0[i], value),
            TotalRule::Max => self.0[i] = self.0[i].max(value),
            TotalRule::Latest if date >= self.1[i] => {
                self.0[i] = value;
                self.1[i] = date;
            }
            TotalRule::Latest => {}
        }
    }

    /// The total for `key`, in units of its figure's last declared place.
    pub fn get(&self, figures: &[Figure], key: &str) -> Option<u64> {
        figures.iter().position(|f| f.key == key).map(|i| self.0[i])
    }

    /// The total for `key` with its figure's precision.
    pub fn amount(&self, figures: &[Figure], key: &str) -> Option<Amount> {
        let i = figures.iter().position(|f| f.key == key)?;
        Some(figures[i].amount(self.0[i]))
    }

    /// Every total with its figure's precision, in declaration order.
    pub fn amounts(&self, figures: &[Figure]) -> Vec<Amount> {
        figures
            .iter()
            .zip(&self.0)
            .map(|(f, n)| f.amount(*n))
            .collect()
    }
}

/// The year with its activities ordered and its figures summed.
#[derive(Clone, Debug, Serialize)]
pub struct Aggregate {
    /// The checked ledger; each item's activities sorted by date (stable: log order
    /// breaks ties).
    pub year: Year,
    /// Per section, per item (the item's 一是 entries included).
    pub items: Vec<Vec<Totals>>,
    /// Per section, per item, per 一是 entry of the item.
    pub entries: Vec<Vec<Vec<Totals>>>,
    /// Per section.
    pub sections: Vec<Totals>,
    /// Per calendar month, January first.
    pub months: Vec<Totals>,
    /// Number of activities per month.
    pub month_counts: Vec<usize>,
    /// The whole year.
    pub total: Totals,
}

/// Orders and sums.
pub fn aggregate(mut year: Year) -> Aggregate {
    let n = year.figures.len();
    let mut months = vec![Totals::zero(n); 12];
    let mut month_counts = vec![0; 12];
    let mut total = Totals::zero(n);
    let mut items = Vec::with_capacity(year.sections.len());
    let mut entries = Vec::with_capacity(year.sections.len());
    let mut sections = Vec::with_capacity(year.sections.len());
    for section in &mut year.sections {
        let mut section_totals = Totals::zero(n);
        let mut item_totals = Vec::with_capacity(section.items.len());
        let mut entry_totals = Vec::with_capacity(section.items.len());
        for item in &mut section.items {
            let mut sums = Totals::zero(n);
            let mut parts = Vec::with_capacity(item.entries.len());
            for entry in &mut item.entries {
                let own = activity_totals(entry, &year.figures, &mut months, &mut month_counts);
                sums.add_totals(&year.figures, &own);
                parts.push(own);
            }
            let own = activity_totals(item, &year.figures, &mut months, &mut month_counts);
            sums.add_totals(&year.figures, &own);
            section_totals.add_totals(&year.figures, &sums);
            item_totals.push(sums);
            entry_totals.push(parts);
        }
        total.add_totals(&year.figures, &section_totals);
        sections.push(section_totals);
        items.push(item_totals);
        entries.push(entry_totals);
    }
    Aggregate {
        year,
        items,
        entries,
        sections,
        months,
        month_counts,
        total,
    }
}

/// Sorts an item's own activities by date and totals them, adding each to its month.
fn activity_totals(
    item: &mut Item,
    figures: &[Figure],
    months: &mut [Totals],
    month_counts: &mut [usize],
) -> Totals {
    item.activities.sort_by_key(|a| a.date);
    let mut sums = Totals::zero(figures.len());
    for activity in &item.activities {
        sums.add(figures, &activity.figures, activity.date);
        let month = activity.date.month0() as usize;
        months[month].add(figures, &activity.figures, activity.date);
        month_counts[month] += 1;
    }
    sums
}

impl Aggregate {
    /// The totals of the item or 一是 entry `id`.
    pub fn totals_of(&self, id: &str) -> Option<&Totals> {
        self.year.sections.iter().enumerate().find_map(|(si, s)| {
            s.items.iter().enumerate().find_map(|(ii, item)| {
                if item.id == id {
                    return Some(&self.items[si][ii]);
                }
                let ei = item.entries.iter().position(|e| e.id == id)?;
                Some(&self.entries[si][ii][ei])
            })
        })
    }
}

/// The 同比 wording for a figure against last year's: 同比增长20%, 同比下降12.5%,
/// 与上年持平; a change from zero has no percentage. The percentage is exact integer
/// arithmetic on both values at the finer of their precisions, rounded half up to one
/// place (四舍五入).
pub fn yoy_text(current: Amount, previous: Amount) -> String {
    let places = current.decimals.max(previous.decimals);
    let at_places = |a: Amount| u128::from(a.rescaled(places).unwrap_or(a.scaled));
    let (now, before) = (at_places(current), at_places(previous));
    if now == before {
        return "与上年持平".into();
    }
    if before == 0 {
        return format!("上年为0，今年为{current}");
    }
    // Tenths of a percent, rounded half up: |now - before| × 1000 / before.
    let tenths = (now.abs_diff(before) * 2000 + before) / (2 * before);
    let percent = if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    if now > before {
        format!("同比增长{percent}%")
    } else {
        format!("同比下降{percent}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yoy_wording() {
        let whole = |n| Amount::new(n, 0);
        assert_eq!(yoy_text(whole(12), whole(10)), "同比增长20%");
        assert_eq!(yoy_text(whole(7), whole(8)), "同比下降12.5%");
        assert_eq!(yoy_text(whole(5), whole(5)), "与上年持平");
        assert_eq!(yoy_text(whole(3), whole(0)), "上年为0，今年为3");
        assert_eq!(yoy_text(whole(2), whole(3)), "同比下降33.3%");
        assert_eq!(yoy_text(whole(1), whole(3)), "同比下降66.7%");
        // Decimals: 8.5 against 0.4 (万元), and against a whole 8 of last year.
        let tenths = |n| Amount::new(n, 1);
        assert_eq!(yoy_text(tenths(85), tenths(4)), "同比增长2025%");
        assert_eq!(yoy_text(tenths(85), whole(8)), "同比增长6.3%");
        assert_eq!(yoy_text(tenths(80), whole(8)), "与上年持平");
        assert_eq!(yoy_text(tenths(4), tenths(0)), "上年为0，今年为0.4");
        // Exact where a float is not: 1.005 against 1 is 0.5% and rounds up.
        let thousandths = |n| Amount::new(n, 3);
        assert_eq!(yoy_text(thousandths(1005), whole(1)), "同比增长0.5%");
        assert_eq!(yoy_text(thousandths(10005), whole(10)), "同比增长0.1%");
    }
}
