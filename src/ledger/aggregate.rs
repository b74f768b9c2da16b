//! Aggregation: activities in date order under their items, and figures totalled per
//! item, per section, per month and for the year, each by its declared rule (summed,
//! the largest, or the latest).

use crate::ledger::model::TotalRule;
use crate::ledger::year::{Figure, Year};
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
);

impl Totals {
    fn zero(n: usize) -> Self {
        Self(vec![0; n], vec![None; n])
    }

    fn add(&mut self, figures: &[Figure], counts: &[(String, u64)], date: NaiveDate) {
        for (key, n) in counts {
            if let Some(i) = figures.iter().position(|f| &f.key == key) {
                self.combine(i, figures[i].total, *n, Some(date));
            }
        }
    }

    fn add_totals(&mut self, figures: &[Figure], other: &Totals) {
        for (i, figure) in figures.iter().enumerate() {
            if other.1[i].is_some() || figure.total != TotalRule::Latest {
                self.combine(i, figure.total, other.0[i], other.1[i]);
            }
        }
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

    /// The sum for `key`.
    pub fn get(&self, figures: &[Figure], key: &str) -> Option<u64> {
        figures.iter().position(|f| f.key == key).map(|i| self.0[i])
    }
}

/// The year with its activities ordered and its figures summed.
#[derive(Clone, Debug, Serialize)]
pub struct Aggregate {
    /// The checked ledger; each item's activities sorted by date (stable: log order
    /// breaks ties).
    pub year: Year,
    /// Per section, per item.
    pub items: Vec<Vec<Totals>>,
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
    let mut sections = Vec::with_capacity(year.sections.len());
    for section in &mut year.sections {
        let mut section_totals = Totals::zero(n);
        let mut item_totals = Vec::with_capacity(section.items.len());
        for item in &mut section.items {
            item.activities.sort_by_key(|a| a.date);
            let mut sums = Totals::zero(n);
            for activity in &item.activities {
                sums.add(&year.figures, &activity.figures, activity.date);
                let month = activity.date.month0() as usize;
                months[month].add(&year.figures, &activity.figures, activity.date);
                month_counts[month] += 1;
            }
            section_totals.add_totals(&year.figures, &sums);
            item_totals.push(sums);
        }
        total.add_totals(&year.figures, &section_totals);
        sections.push(section_totals);
        items.push(item_totals);
    }
    Aggregate {
        year,
        items,
        sections,
        months,
        month_counts,
        total,
    }
}

/// The 同比 wording for a figure against last year's: 同比增长20%, 同比下降12.5%,
/// 与上年持平; a change from zero has no percentage.
pub fn yoy_text(current: u64, previous: u64) -> String {
    if current == previous {
        return "与上年持平".into();
    }
    if previous == 0 {
        return format!("上年为0，今年为{current}");
    }
    let change = (current as f64 - previous as f64) / previous as f64 * 100.0;
    let percent = format!("{:.1}", change.abs());
    let percent = percent.trim_end_matches(".0");
    if change > 0.0 {
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
        assert_eq!(yoy_text(12, 10), "同比增长20%");
        assert_eq!(yoy_text(7, 8), "同比下降12.5%");
        assert_eq!(yoy_text(5, 5), "与上年持平");
        assert_eq!(yoy_text(3, 0), "上年为0，今年为3");
    }
}
