//! The ledger in a spreadsheet: `import` reads an office's 工作台账 (.xlsx, .xls, .ods,
//! .csv) into activity logs; `publish::sheet` writes the activities back as a workbook
//! in the same columns, and the statistics as formatted sheets.
//!
//! Everything a clerk may see names a cell the way a spreadsheet does: file, sheet,
//! row number from 1 and column letter.

pub mod import;
pub mod read;

use chrono::NaiveDate;
use std::fmt;

/// One cell as the importer sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing in it (or only spaces).
    Empty,
    /// Text, trimmed.
    Text(String),
    /// A number cell.
    Number(f64),
    /// A real date cell (either date system), or an ISO date of an .ods file.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as a clerk would read it, for messages and text fields.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }
}

/// One sheet of a file, every row from the sheet's first row (row 1) on.
#[derive(Clone, Debug)]
pub struct Table {
    /// The file name as the clerk knows it (no directory).
    pub file: String,
    /// The sheet name; `None` for a CSV file.
    pub sheet: Option<String>,
    /// Rows, each as long as it needs to be.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The cell at `row`, `column` (both from 0); empty outside the data.
    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .unwrap_or(&Cell::Empty)
    }

    /// Where a cell is, for a message.
    pub fn at(&self, row: usize, column: Option<usize>) -> CellRef {
        CellRef {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: row + 1,
            column,
        }
    }
}

/// A place in a spreadsheet as a clerk finds it: 台账.xlsx 工作表“2024年活动” 第12行 C列.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellRef {
    /// File name.
    pub file: String,
    /// Sheet, when the file has sheets.
    pub sheet: Option<String>,
    /// Row number from 1.
    pub row: usize,
    /// Column from 0, when one cell is meant rather than the whole row.
    pub column: Option<usize>,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, " 工作表“{sheet}”")?;
        }
        write!(f, " 第{}行", self.row)?;
        if let Some(column) = self.column {
            write!(f, " {}列", column_letter(column))?;
        }
        Ok(())
    }
}

/// The spreadsheet name of a column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(column: usize) -> String {
    let mut n = column + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Headers the importer recognises for each field, the first being the one `export`
/// writes. Compared after removing spaces.
pub const DATE_HEADERS: &[&str] = &[
    "日期",
    "时间",
    "活动日期",
    "活动时间",
    "开展时间",
    "开展日期",
    "工作日期",
    "工作时间",
    "日期时间",
];
/// Headers of the item column (an item's id, title or lead).
pub const ITEM_HEADERS: &[&str] = &[
    "条目",
    "所属条目",
    "工作类别",
    "工作类型",
    "工作项目",
    "活动类别",
    "活动类型",
    "类别",
    "类型",
    "项目",
    "分类",
];
/// Headers of the text column.
pub const TEXT_HEADERS: &[&str] = &[
    "活动内容",
    "工作内容",
    "内容",
    "主要内容",
    "工作事项",
    "事项",
    "活动名称",
    "活动情况",
    "工作情况",
];
/// Headers of the place column.
pub const PLACE_HEADERS: &[&str] = &["地点", "活动地点", "开展地点", "地址"];
/// Headers of the participants column.
pub const PARTICIPANTS_HEADERS: &[&str] = &["参加人数", "参与人数", "参会人数", "人数"];
/// Headers of the villages column (several separated by 、，, or ;).
pub const VILLAGES_HEADERS: &[&str] =
    &["涉及村（社区）", "村（社区）", "涉及村", "村居", "涉及村居"];
/// Headers of the activity id column (the stable key of re-import).
pub const ID_HEADERS: &[&str] = &["活动标识", "标识"];
/// The header of the item's words column that `export` adds for reviewers; import
/// ignores it.
pub const ITEM_NAME_HEADER: &str = "条目名称";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn a_place_reads_like_the_issue_says() {
        let at = CellRef {
            file: "台账.xlsx".into(),
            sheet: Some("2024年活动".into()),
            row: 12,
            column: Some(2),
        };
        assert_eq!(at.to_string(), "台账.xlsx 工作表“2024年活动” 第12行 C列");
    }
}
