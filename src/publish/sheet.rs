//! `export` and `stats --format xlsx`: the activities as a workbook in the columns
//! `import` reads (so export → import is a round trip), and the statistics as
//! formatted sheets for the county.

use crate::document::compose::Rollup;
use crate::ledger::aggregate::Aggregate;
use crate::ledger::stats::{Row, Stats};
use chrono::Datelike;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::path::{Path, PathBuf};

/// Name of the activities sheet.
pub const ACTIVITIES_SHEET: &str = "活动台账";

/// Why a workbook was not written.
#[derive(Debug, thiserror::Error)]
#[error("无法写入 {}：{reason}", .path.display())]
pub struct ExportError {
    /// The workbook.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// Cell formats shared by the sheets.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_background_color("#D9E1F2")
                .set_align(FormatAlign::Center),
            text: cell.clone().set_text_wrap(),
            number: cell.clone().set_num_format("0"),
            date: cell.set_num_format("yyyy-mm-dd"),
        }
    }

    /// A figure's number cell, showing its declared decimal places (8.5, not 8.50
    /// or 9).
    fn amount(&self, decimals: u8) -> Format {
        self.number
            .clone()
            .set_num_format(crate::amount::Amount::number_format(decimals))
    }
}

/// A workbook with fixed document times, so the same ledger gives the same file.
fn workbook(year: i32) -> Workbook {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(u16::try_from(year).unwrap_or(2000), 1, 1)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid date"));
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    book
}

/// Why the workbook could not be made, in Chinese (the writer's own text is English).
fn xlsx_reason(error: &XlsxError) -> String {
    match error {
        XlsxError::MaxStringLengthExceeded => {
            "有一条活动的文字超过了 Excel 一个格子能放的 32,767 字；请把它拆成几条活动".to_owned()
        }
        XlsxError::IoError(e) => crate::diag::io_reason(e),
        _ => "生成 Excel 文件失败".to_owned(),
    }
}

fn save(mut book: Workbook, path: &Path) -> Result<(), ExportError> {
    let fail = |e: XlsxError| ExportError {
        path: path.to_path_buf(),
        reason: xlsx_reason(&e),
    };
    let bytes = book.save_to_buffer().map_err(fail)?;
    crate::files::write_durably(path, &bytes).map_err(|e| ExportError {
        path: path.to_path_buf(),
        reason: crate::diag::io_reason(&e),
    })
}

/// A title row merged across `columns` columns.
fn title(sheet: &mut Worksheet, text: &str, columns: u16, f: &Formats) -> Result<(), XlsxError> {
    if columns > 1 {
        sheet.merge_range(0, 0, 0, columns - 1, text, &f.title)?;
    } else {
        sheet.write_string_with_format(0, 0, text, &f.title)?;
    }
    sheet.set_row_height(0, 28)?;
    Ok(())
}

/// The header row (row 2) and the column widths.
fn header(sheet: &mut Worksheet, names: &[String], f: &Formats) -> Result<(), XlsxError> {
    for (c, name) in (0u16..).zip(names) {
        sheet.write_string_with_format(1, c, name, &f.header)?;
        let width = if name.chars().count() > 6 { 16.0 } else { 12.0 };
        sheet.set_column_width(c, width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    Ok(())
}

/// Writes every activity of the ledger to `path`: one sheet, a title row, then the
/// header row import reads, one row per activity in date order, dates as date cells.
pub fn export_activities(agg: &Aggregate, path: &Path) -> Result<(), ExportError> {
    let fail = |e: XlsxError| ExportError {
        path: path.to_path_buf(),
        reason: xlsx_reason(&e),
    };
    let year = &agg.year;
    let f = Formats::new();
    let mut names: Vec<String> = vec![
        crate::ledger::sheet::DATE_HEADERS[0].into(),
        crate::ledger::sheet::ITEM_HEADERS[0].into(),
        crate::ledger::sheet::ITEM_NAME_HEADER.into(),
        crate::ledger::sheet::TEXT_HEADERS[0].into(),
    ];
    names.extend(
        year.figures
            .iter()
            .map(crate::ledger::year::Figure::heading),
    );
    names.extend(
        [
            crate::ledger::sheet::PLACE_HEADERS[0],
            crate::ledger::sheet::VILLAGES_HEADERS[0],
            crate::ledger::sheet::PARTICIPANTS_HEADERS[0],
            crate::ledger::sheet::ID_HEADERS[0],
        ]
        .map(String::from),
    );
    let mut rows: Vec<(&crate::ledger::year::Item, &crate::ledger::year::Activity)> = year
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .flat_map(crate::ledger::year::Item::with_entries)
        .flat_map(|i| i.activities.iter().map(move |a| (i, a)))
        .collect();
    // Date order; the report's item order within a day (a stable sort keeps it).
    rows.sort_by_key(|(_, a)| a.date);
    let mut book = workbook(year.year);
    let sheet = book.add_worksheet();
    sheet.set_name(ACTIVITIES_SHEET).map_err(fail)?;
    let heading = format!("{} {}年活动台账", year.organization.value, year.year);
    title(sheet, &heading, u16::try_from(names.len()).unwrap_or(1), &f).map_err(fail)?;
    header(sheet, &names, &f).map_err(fail)?;
    sheet.set_column_width(3, 40).map_err(fail)?;
    for (r, (item, activity)) in (2u32..).zip(&rows) {
        activity_row(sheet, r, item, activity, year, &f).map_err(fail)?;
    }
    save(book, path)
}

fn activity_row(
    sheet: &mut Worksheet,
    r: u32,
    item: &crate::ledger::year::Item,
    a: &crate::ledger::year::Activity,
    year: &crate::ledger::year::Year,
    f: &Formats,
) -> Result<(), XlsxError> {
    let d = a.date;
    let date = ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or_default(),
        u8::try_from(d.month()).unwrap_or_default(),
        u8::try_from(d.day()).unwrap_or_default(),
    )?;
    sheet.write_datetime_with_format(r, 0, &date, &f.date)?;
    sheet.write_string_with_format(r, 1, &item.id, &f.text)?;
    let name = item
        .title
        .as_ref()
        .or(item.lead.as_ref())
        .map(|t| crate::text::normalize(&t.value))
        .unwrap_or_default();
    sheet.write_string_with_format(r, 2, &name, &f.text)?;
    let text = a
        .text
        .as_ref()
        .map(|t| t.value.as_str())
        .unwrap_or_default();
    sheet.write_string_with_format(r, 3, text, &f.text)?;
    let mut c = 4u16;
    for figure in &year.figures {
        match a.figures.iter().find(|(k, _)| *k == figure.key) {
            Some((_, n)) => {
                let value = figure.amount(*n);
                sheet.write_number_with_format(r, c, value.to_f64(), &f.amount(figure.decimals))?
            }
            None => sheet.write_blank(r, c, &f.number)?,
        };
        c += 1;
    }
    sheet.write_string_with_format(r, c, a.place.as_deref().unwrap_or_default(), &f.text)?;
    sheet.write_string_with_format(r, c + 1, a.villages.join("、"), &f.text)?;
    match a.participants {
        Some(n) => sheet.write_number_with_format(r, c + 2, n as f64, &f.number)?,
        None => sheet.write_blank(r, c + 2, &f.number)?,
    };
    sheet.write_string_with_format(r, c + 3, a.id.as_deref().unwrap_or_default(), &f.text)?;
    Ok(())
}

/// Writes the statistics to `path`: a sheet per section and item, per month and for
/// the year (with 同比 columns when last year's ledger is known), and the roll-up of
/// member ledgers when the report has one.
pub fn export_stats(
    stats: &Stats,
    rollup: Option<&Rollup>,
    path: &Path,
) -> Result<(), ExportError> {
    let fail = |e: XlsxError| ExportError {
        path: path.to_path_buf(),
        reason: xlsx_reason(&e),
    };
    let f = Formats::new();
    let mut book = workbook(stats.year);
    let parts: [(&str, &[&str]); 3] = [
        ("按节和条目", &["section", "item", "entry"]),
        ("按月份", &["month"]),
        ("全年合计", &["total"]),
    ];
    for (name, levels) in parts {
        let rows: Vec<&Row> = stats
            .rows
            .iter()
            .filter(|r| levels.contains(&r.level))
            .collect();
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(fail)?;
        stats_sheet(sheet, stats, name, &rows, &f).map_err(fail)?;
    }
    if let Some(rollup) = rollup {
        let sheet = book.add_worksheet();
        sheet.set_name("汇总").map_err(fail)?;
        rollup_sheet(sheet, rollup, &f).map_err(fail)?;
    }
    save(book, path)
}

fn stats_sheet(
    sheet: &mut Worksheet,
    stats: &Stats,
    part: &str,
    rows: &[&Row],
    f: &Formats,
) -> Result<(), XlsxError> {
    let with_yoy = rows.iter().any(|r| r.yoy.is_some());
    let mut names: Vec<String> = vec!["层级".into(), "编号".into(), "名称".into(), "活动数".into()];
    for figure in &stats.figures {
        names.push(figure.label.clone());
        if with_yoy {
            names.push(format!("{}上年", figure.label));
            names.push(format!("{}同比", figure.label));
        }
    }
    let heading = format!("{} {}年统计（{part}）", stats.organization, stats.year);
    title(sheet, &heading, u16::try_from(names.len()).unwrap_or(1), f)?;
    header(sheet, &names, f)?;
    sheet.set_column_width(2, 30)?;
    for (r, row) in (2u32..).zip(rows) {
        let level = match row.level {
            "item" => "条目",
            "entry" => "分项",
            "section" => "节",
            "month" => "月份",
            _ => "合计",
        };
        sheet.write_string_with_format(r, 0, level, &f.text)?;
        sheet.write_string_with_format(r, 1, &row.key, &f.text)?;
        sheet.write_string_with_format(r, 2, &row.label, &f.text)?;
        sheet.write_number_with_format(r, 3, row.activities as f64, &f.number)?;
        let mut c = 4u16;
        for (i, n) in row.figures.iter().enumerate() {
            sheet.write_number_with_format(r, c, n.to_f64(), &f.amount(n.decimals))?;
            c += 1;
            if with_yoy {
                match row.previous.as_ref().and_then(|p| p[i]) {
                    Some(before) => sheet.write_number_with_format(
                        r,
                        c,
                        before.to_f64(),
                        &f.amount(before.decimals),
                    )?,
                    None => sheet.write_blank(r, c, &f.number)?,
                };
                let yoy = row
                    .yoy
                    .as_ref()
                    .and_then(|y| y[i].as_deref())
                    .unwrap_or_default();
                sheet.write_string_with_format(r, c + 1, yoy, &f.text)?;
                c += 2;
            }
        }
    }
    Ok(())
}

fn rollup_sheet(sheet: &mut Worksheet, rollup: &Rollup, f: &Formats) -> Result<(), XlsxError> {
    let mut names = vec!["单位".to_owned()];
    names.extend(rollup.columns.iter().cloned());
    title(
        sheet,
        &rollup.title,
        u16::try_from(names.len()).unwrap_or(1),
        f,
    )?;
    header(sheet, &names, f)?;
    sheet.set_column_width(0, 24)?;
    let total = crate::document::compose::RollupRow {
        organization: "合计".into(),
        values: rollup.total.clone(),
    };
    for (r, row) in (2u32..).zip(rollup.rows.iter().chain([&total])) {
        sheet.write_string_with_format(r, 0, &row.organization, &f.text)?;
        for ((c, value), decimals) in (1u16..).zip(&row.values).zip(&rollup.decimals) {
            // Numbers as numbers (so the county can sum them), “—” as text.
            match value.parse::<f64>() {
                Ok(n) => sheet.write_number_with_format(r, c, n, &f.amount(*decimals))?,
                Err(_) => sheet.write_string_with_format(r, c, value, &f.text)?,
            };
        }
    }
    Ok(())
}
