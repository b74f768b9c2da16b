//! Figures of a year for people and machines: activities and summed figures per
//! section and item, per month, and in total, as a table, JSON or CSV.

use crate::amount::Amount;
use crate::ledger::aggregate::{Aggregate, Totals, yoy_text};
use crate::ledger::year::Item;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// One row of the statistics.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// `item`, `entry` (an item's 一是 part, after its item), `section`, `month` or
    /// `total`.
    pub level: &'static str,
    /// Section id (empty for months and the total).
    pub section: String,
    /// Item id, or the month as `YYYY-MM`.
    pub key: String,
    /// Human label: the section or item text.
    pub label: String,
    /// Number of activities.
    pub activities: usize,
    /// Totals in the order of `Stats::figures`, each with its figure's precision.
    pub figures: Vec<Amount>,
    /// Last year's totals for the same row, when last year's ledger is known.
    pub previous: Option<Vec<Option<Amount>>>,
    /// The 同比 wording per figure (同比增长20%), when last year's ledger is known;
    /// none for a figure that is 0 in both years (nothing to compare).
    pub yoy: Option<Vec<Option<String>>>,
    /// The 同比 wording of the number of activities, when last year's ledger is known
    /// and either year has any.
    pub activities_yoy: Option<String>,
}

/// A declared figure as a column.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// Key.
    pub key: String,
    /// Label and unit, e.g. `接待妇女来访（件）`.
    pub label: String,
    /// Decimal places of its values (left out of the JSON for whole numbers).
    #[serde(skip_serializing_if = "is_whole")]
    pub decimals: u8,
}

fn is_whole(decimals: &u8) -> bool {
    *decimals == 0
}

/// All statistics of a ledger.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// Reporting year.
    pub year: i32,
    /// Organization.
    pub organization: String,
    /// Columns.
    pub figures: Vec<Column>,
    /// Item rows, then section rows, then months, then the total.
    pub rows: Vec<Row>,
}

/// Last year's totals of the row matching `level` and `key`.
fn previous_totals<'a>(previous: &'a Aggregate, level: &str, key: &str) -> Option<&'a Totals> {
    let year = &previous.year;
    match level {
        "item" | "entry" => previous.totals_of(key),
        "section" => year
            .sections
            .iter()
            .position(|s| s.id == key)
            .map(|si| &previous.sections[si]),
        "month" => key
            .rsplit('-')
            .next()
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| previous.months.get(m.checked_sub(1)?)),
        _ => Some(&previous.total),
    }
}

/// Last year's number of activities of the row matching `level` and `key`.
fn previous_count(previous: &Aggregate, level: &str, key: &str) -> Option<usize> {
    let items = || previous.year.sections.iter().flat_map(|s| &s.items);
    match level {
        "item" => items().find(|i| i.id == key).map(Item::activity_count),
        "entry" => items()
            .flat_map(|i| &i.entries)
            .find(|e| e.id == key)
            .map(|e| e.activities.len()),
        "section" => previous
            .year
            .sections
            .iter()
            .find(|s| s.id == key)
            .map(|s| s.items.iter().map(Item::activity_count).sum()),
        "month" => key
            .rsplit('-')
            .next()
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| previous.month_counts.get(m.checked_sub(1)?))
            .copied(),
        _ => Some(previous.month_counts.iter().sum()),
    }
}

/// The 同比 of `now` against `before`; none when both are 0 (an empty month of two
/// years says nothing, and "0（与上年持平）" in every such cell hid the real ones).
fn change(now: Amount, before: Amount) -> Option<String> {
    (now.scaled != 0 || before.scaled != 0).then(|| yoy_text(now, before))
}

/// Computes the statistics of an aggregated ledger; with last year's, every figure
/// and the number of activities also carry their 同比.
pub fn stats(agg: &Aggregate, previous: Option<&Aggregate>) -> Stats {
    let year = &agg.year;
    let mut rows = Vec::new();
    let row = |level: &'static str,
               section: &str,
               key: String,
               label: String,
               activities,
               totals: &Totals| {
        let last: Option<Vec<Option<Amount>>> = previous.map(|p| {
            let totals = previous_totals(p, level, &key);
            year.figures
                .iter()
                .map(|f| totals.and_then(|t| t.amount(&p.year.figures, &f.key)))
                .collect()
        });
        let figures = totals.amounts(&year.figures);
        let yoy = last.as_ref().map(|last| {
            figures
                .iter()
                .zip(last)
                .map(|(now, before)| before.and_then(|b| change(*now, b)))
                .collect()
        });
        let count = |n: usize| Amount::new(n as u64, 0);
        let activities_yoy = previous
            .and_then(|p| previous_count(p, level, &key))
            .and_then(|before| change(count(activities), count(before)));
        Row {
            level,
            section: section.to_owned(),
            key,
            label,
            activities,
            figures,
            previous: last,
            yoy,
            activities_yoy,
        }
    };
    for (si, section) in year.sections.iter().enumerate() {
        for (ii, item) in section.items.iter().enumerate() {
            rows.push(row(
                "item",
                &section.id,
                item.id.clone(),
                label(item, false),
                item.activity_count(),
                &agg.items[si][ii],
            ));
            for (ei, entry) in item.entries.iter().enumerate() {
                rows.push(row(
                    "entry",
                    &section.id,
                    entry.id.clone(),
                    label(entry, true),
                    entry.activities.len(),
                    &agg.entries[si][ii][ei],
                ));
            }
        }
    }
    for (si, section) in year.sections.iter().enumerate() {
        let activities = section.items.iter().map(Item::activity_count).sum();
        rows.push(row(
            "section",
            &section.id,
            section.id.clone(),
            crate::text::normalize(&section.title.value),
            activities,
            &agg.sections[si],
        ));
    }
    for (m, totals) in agg.months.iter().enumerate() {
        let key = format!("{}-{:02}", year.year, m + 1);
        rows.push(row(
            "month",
            "",
            key,
            format!("{}月", m + 1),
            agg.month_counts[m],
            totals,
        ));
    }
    let all: usize = agg.month_counts.iter().sum();
    rows.push(row(
        "total",
        "",
        "total".into(),
        "全年合计".into(),
        all,
        &agg.total,
    ));
    Stats {
        year: year.year,
        organization: year.organization.value.clone(),
        figures: year
            .figures
            .iter()
            .map(|f| Column {
                key: f.key.clone(),
                label: f.heading(),
                decimals: f.decimals,
            })
            .collect(),
        rows,
    }
}

/// What a row of an item is called: its title, lead or fixed text, else its id; an
/// entry, often only a figure sentence, falls back to the words of that sentence.
fn label(item: &Item, is_entry: bool) -> String {
    item.title
        .as_ref()
        .or(item.lead.as_ref())
        .or(item.text.as_ref())
        .or(item.summary.as_ref().filter(|_| is_entry))
        .map_or_else(
            || item.id.clone(),
            |t| crate::ledger::template::readable_label(&crate::text::normalize(&t.value)),
        )
}

/// The first words of a heading or lead, for a table cell (the machine formats keep
/// the whole text).
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(16).collect();
    if text.chars().count() > 16 {
        out.push('…');
    }
    out
}

impl Stats {
    /// As CSV (RFC 4180), one row per line, header first. It starts with a byte order
    /// mark: Excel on a Chinese Windows reads a CSV without one as GBK.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let mut header = vec![
            "level".to_owned(),
            "section".into(),
            "key".into(),
            "label".into(),
            "activities".into(),
        ];
        header.extend(self.figures.iter().map(|f| f.key.clone()));
        out.push_str(&csv_line(&header));
        for row in &self.rows {
            let mut cells = vec![
                row.level.to_owned(),
                row.section.clone(),
                row.key.clone(),
                row.label.clone(),
                row.activities.to_string(),
            ];
            cells.extend(row.figures.iter().map(Amount::to_string));
            out.push_str(&csv_line(&cells));
        }
        out
    }

    /// As a table for the terminal, columns aligned under Chinese text.
    pub fn to_table(&self) -> String {
        let mut header = vec![
            "层级".to_owned(),
            "编号".into(),
            "名称".into(),
            "活动数".into(),
        ];
        header.extend(self.figures.iter().map(|f| f.label.clone()));
        let level_name = |l: &str| match l {
            "item" => "条目",
            "entry" => "分项",
            "section" => "节",
            "month" => "月份",
            _ => "合计",
        };
        let mut table = vec![header];
        // Every month is listed, a month without activities too: a gap is information.
        for row in &self.rows {
            let mut cells = vec![
                level_name(row.level).to_owned(),
                row.key.clone(),
                short(&row.label),
                match &row.activities_yoy {
                    Some(yoy) => format!("{}（{yoy}）", row.activities),
                    None => row.activities.to_string(),
                },
            ];
            cells.extend(row.figures.iter().enumerate().map(|(i, n)| {
                match row.yoy.as_ref().and_then(|y| y[i].as_ref()) {
                    Some(yoy) => format!("{n}（{yoy}）"),
                    None => n.to_string(),
                }
            }));
            table.push(cells);
        }
        let columns = table[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| table.iter().map(|r| r[c].width()).max().unwrap_or(0))
            .collect();
        let mut out = format!("{} {} 年统计\n", self.organization, self.year);
        for (n, cells) in table.iter().enumerate() {
            let line: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = " ".repeat(widths[c] - cell.width());
                    // Numbers right-aligned, text left-aligned.
                    if c >= 3 {
                        format!("{pad}{cell}")
                    } else {
                        format!("{cell}{pad}")
                    }
                })
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if n == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                out.push_str(&rule.join("  "));
                out.push('\n');
            }
        }
        out
    }
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(
            csv_line(&["a".into(), "b,c".into(), "d\"e".into()]),
            "a,\"b,c\",\"d\"\"e\"\r\n"
        );
    }
}
