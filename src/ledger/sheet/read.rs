//! Reading a spreadsheet file into [`Table`]s: .xlsx, .xls and .ods through calamine
//! (merged cells filled with their value), .csv as UTF-8 (with or without a byte order
//! mark) or as GB18030, the superset of the GBK that Excel on a Chinese Windows saves.

use super::{Cell, Table};
use calamine::{Data, Dimensions, Range, Reader, Sheets};
use chrono::NaiveDate;
use std::io::{Read, Seek};
use std::path::Path;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Opening or parsing failed.
    #[error("无法读取 {file}：{reason}")]
    Unreadable {
        /// File name.
        file: String,
        /// Why.
        reason: String,
    },
    /// The file's kind is not one the importer reads.
    #[error("无法导入 {file}：只能读取 .xlsx、.xls、.ods 和 .csv 文件")]
    UnknownKind {
        /// File name.
        file: String,
    },
    /// The sheet asked for is not in the file.
    #[error("{file} 中没有工作表“{sheet}”；可选：{}", .available.join("、"))]
    NoSuchSheet {
        /// File name.
        file: String,
        /// Sheet asked for.
        sheet: String,
        /// The file's sheets.
        available: Vec<String>,
    },
}

/// The sheets of `path` (only `sheet` when given), in the file's order.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Vec<Table>, ReadError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let unreadable = |reason: String| ReadError::Unreadable {
        file: file.clone(),
        reason,
    };
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| unreadable(crate::diag::io_reason(&e)))?;
            let rows = csv_rows(&decode(&bytes)).map_err(unreadable)?;
            Ok(vec![Table {
                file,
                sheet: None,
                rows,
            }])
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let workbook = calamine::open_workbook_auto(path)
                .map_err(|_| unreadable(not_a_workbook(&bytes_head(path))))?;
            let mut tables = workbook_tables(workbook, &file, sheet)?;
            if ext == "ods" {
                for table in &mut tables {
                    let name = table.sheet.clone().unwrap_or_default();
                    fill_merged(&mut table.rows, &ods_merged_cells(path, &name));
                }
            }
            Ok(tables)
        }
        _ => Err(ReadError::UnknownKind { file }),
    }
}

/// The text of a CSV file: UTF-8 when it is (a byte order mark dropped), else GB18030.
fn decode(bytes: &[u8]) -> String {
    // Excel's "Unicode 文本" is UTF-16 (little-endian) with its byte order mark.
    for (bom, encoding) in [
        (b"\xFF\xFE", encoding_rs::UTF_16LE),
        (b"\xFE\xFF", encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding.decode_without_bom_handling(rest).0.into_owned();
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Rows of CSV text; a line with tabs and no commas is read as tab-separated (what
/// Excel's “文本文件（制表符分隔）” saves).
fn csv_rows(text: &str) -> Result<Vec<Vec<Cell>>, String> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| "文件中有一行不是有效的 CSV（引号不成对？）".to_owned())?;
        rows.push(record.iter().map(text_cell).collect());
    }
    Ok(rows)
}

/// A cell of text: empty when only spaces (full-width ones too).
fn text_cell(text: &str) -> Cell {
    let text = text.trim();
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text.to_owned())
    }
}

fn workbook_tables<RS: Read + Seek>(
    mut workbook: Sheets<RS>,
    file: &str,
    only: Option<&str>,
) -> Result<Vec<Table>, ReadError> {
    let names = workbook.sheet_names();
    if let Some(only) = only.filter(|o| !names.iter().any(|n| n == o)) {
        return Err(ReadError::NoSuchSheet {
            file: file.to_owned(),
            sheet: only.to_owned(),
            available: names,
        });
    }
    let mut tables = Vec::new();
    for name in names
        .iter()
        .filter(|n| only.is_none_or(|o| o == n.as_str()))
    {
        let range = workbook
            .worksheet_range(name)
            .map_err(|e| ReadError::Unreadable {
                file: file.to_owned(),
                reason: format!("工作表“{name}”读不出来（{}）", sheet_reason(&e)),
            })?;
        let merged = merged_cells(&mut workbook, name);
        tables.push(Table {
            file: file.to_owned(),
            sheet: Some(name.clone()),
            rows: grid(&range, &merged),
        });
    }
    Ok(tables)
}

/// The merged regions of a sheet, where the file format records them (.xlsx, .xls).
fn merged_cells<RS: Read + Seek>(workbook: &mut Sheets<RS>, name: &str) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The merged regions of an .ods sheet, from `table:number-rows-spanned` and
/// `table:number-columns-spanned` in content.xml (repeated rows and cells counted);
/// none when the file cannot be read that way (its cells were read already).
fn ods_merged_cells(path: &Path, sheet: &str) -> Vec<Dimensions> {
    let content = std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .and_then(|mut zip| {
            let mut text = String::new();
            zip.by_name("content.xml")
                .ok()?
                .read_to_string(&mut text)
                .ok()?;
            Some(text)
        });
    content.map_or_else(Vec::new, |xml| spans(&xml, sheet))
}

/// An attribute's value as a count (1 when absent or unreadable).
fn count(e: &quick_xml::events::BytesStart, name: &str) -> u32 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
}

fn spans(xml: &str, sheet: &str) -> Vec<Dimensions> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut inside, mut row, mut column, mut row_repeat) = (false, 0u32, 0u32, 1u32);
    let mut merged = Vec::new();
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.name().as_ref() {
                    "table:table" if inside => return merged,
                    "table:table-row" if inside => row = row.saturating_add(row_repeat),
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => return merged,
            Ok(_) => continue,
        };
        match e.name().as_ref() {
            "table:table" => {
                inside = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "table:name" && a.value.as_ref() == sheet);
            }
            "table:table-row" if inside => {
                column = 0;
                row_repeat = count(&e, "table:number-rows-repeated");
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if inside => {
                let (rows, columns) = (
                    count(&e, "table:number-rows-spanned"),
                    count(&e, "table:number-columns-spanned"),
                );
                if rows > 1 || columns > 1 {
                    merged.push(Dimensions {
                        start: (row, column),
                        end: (
                            row.saturating_add(rows - 1),
                            column.saturating_add(columns - 1),
                        ),
                    });
                }
                column = column.saturating_add(count(&e, "table:number-columns-repeated"));
            }
            _ => {}
        }
    }
}

/// Every row from row 1 and column A, merged regions filled with their top-left value
/// (a merged date or item cell belongs to every row it spans).
fn grid(range: &Range<Data>, merged: &[Dimensions]) -> Vec<Vec<Cell>> {
    let Some((top, left)) = range.start() else {
        return Vec::new();
    };
    let (top, left) = (top as usize, left as usize);
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left];
        cells.extend(row.iter().map(cell));
        rows.push(cells);
    }
    fill_merged(&mut rows, merged);
    rows
}

/// Every cell of a merged region set to the region's top-left value, within the rows
/// and columns that hold data (a whole-column merge must not make a million rows).
fn fill_merged(rows: &mut Vec<Vec<Cell>>, merged: &[Dimensions]) {
    let last_row = u32::try_from(rows.len())
        .unwrap_or(u32::MAX)
        .saturating_sub(1);
    let last_column = u32::try_from(rows.iter().map(Vec::len).max().unwrap_or(0))
        .unwrap_or(u32::MAX)
        .saturating_sub(1);
    for region in merged {
        let value = rows
            .get(region.start.0 as usize)
            .and_then(|r| r.get(region.start.1 as usize))
            .cloned()
            .unwrap_or(Cell::Empty);
        for r in region.start.0..=region.end.0.min(last_row) {
            for c in region.start.1..=region.end.1.min(last_column) {
                let (r, c) = (r as usize, c as usize);
                if r >= rows.len() {
                    rows.resize(r + 1, Vec::new());
                }
                if c >= rows[r].len() {
                    rows[r].resize(c + 1, Cell::Empty);
                }
                rows[r][c] = value.clone();
            }
        }
    }
}

/// One calamine cell: date cells of either date system become dates, ISO dates of an
/// .ods file too; a time of day alone stays text.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => text_cell(s),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_owned()),
        Data::DateTime(dt) if dt.is_datetime() => dt
            .as_datetime()
            .map_or_else(|| Cell::Text(dt.to_string()), |d| Cell::Date(d.date())),
        Data::DateTime(dt) => Cell::Text(dt.to_string()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| text_cell(s), Cell::Date),
        Data::DurationIso(s) => text_cell(s),
        Data::Error(e) => Cell::Text(format!("#{e}")),
    }
}

/// The first bytes of a file, to tell what it really is when it does not open.
fn bytes_head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    let _ = std::fs::File::open(path).and_then(|f| f.take(8).read_to_end(&mut head));
    head
}

/// Why a file named like a workbook did not open, from what it really holds: an OA
/// system's "Excel export" is often a web page, a "Unicode text" save is UTF-16 text.
fn not_a_workbook(head: &[u8]) -> String {
    let text_start = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .copied()
        .next();
    match head {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            "这是“Unicode 文本”而不是工作簿；请在 Excel/WPS 里另存为 .xlsx".to_owned()
        }
        _ if text_start == Some(b'<') => {
            "这是网页表格（常见于系统导出的“Excel”）而不是工作簿；请用 Excel/WPS 打开后另存为 .xlsx"
                .to_owned()
        }
        [b'P', b'K', ..] | [0xD0, 0xCF, ..] => {
            "工作簿已损坏或有密码保护，打不开；请用 Excel/WPS 打开后另存为 .xlsx".to_owned()
        }
        _ => "不是 Excel/WPS 工作簿；请用 Excel/WPS 打开后另存为 .xlsx".to_owned(),
    }
}

/// Why one sheet could not be read, in Chinese (calamine's text is English).
fn sheet_reason(error: &calamine::Error) -> &'static str {
    match error {
        calamine::Error::Io(_) => "读取文件出错",
        _ => "内容已损坏或格式不受支持",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_past_the_data_is_clipped_to_it() {
        let mut rows = vec![
            vec![Cell::Text("类型".into()), Cell::Text("内容".into())],
            vec![Cell::Text("维权".into()), Cell::Text("甲".into())],
            vec![Cell::Empty, Cell::Text("乙".into())],
        ];
        let whole_column = Dimensions {
            start: (1, 0),
            end: (u32::MAX, 0),
        };
        fill_merged(&mut rows, &[whole_column]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2][0], Cell::Text("维权".into()));
    }

    #[test]
    fn utf16_text_reads_like_utf8() {
        let text = "日期\t条目\n2023-03-08\tlegal-rights\n";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16), text);
    }

    #[test]
    fn gbk_and_bom_csv_read_the_same() {
        let text = "日期,条目\r\n2024-03-08,维权\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&gbk), text);
        assert_eq!(decode(&bom), text);
        let rows = csv_rows(&decode(&gbk)).unwrap();
        assert_eq!(rows[1][1], Cell::Text("维权".into()));
    }

    #[test]
    fn ods_spans_are_found_past_repeated_rows_and_cells() {
        let xml = r#"<table:table table:name="other"><table:table-row><table:table-cell table:number-rows-spanned="9"/></table:table-row></table:table>
<table:table table:name="活动"><table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="3"/><table:table-cell table:number-rows-spanned="2"/></table:table-row></table:table>"#;
        assert_eq!(
            spans(xml, "活动"),
            [Dimensions {
                start: (2, 3),
                end: (3, 3)
            }]
        );
    }

    #[test]
    fn tab_separated_text_is_split_on_tabs() {
        let rows = csv_rows("日期\t内容\n2024-3-8\t宣传, 讲座\n").unwrap();
        assert_eq!(rows[1][1], Cell::Text("宣传, 讲座".into()));
    }
}
