//! `import`: the rows of an office's spreadsheet appended as activities. Columns are
//! found by their header text wherever the header row is; every bad cell is named by
//! file, sheet, row and column, and nothing is written while any row is bad (unless
//! the bad rows are to be skipped). Each imported activity carries a stable `id`, so
//! importing the same sheet again adds nothing.

use super::read::{self, ReadError};
use super::{Cell, CellRef, Table, column_letter};
use crate::ledger::entry::{self, Added, Choices, EntryError, NewEntry};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Rows searched for the header row (title rows and notes above it are skipped).
const HEADER_SEARCH_ROWS: usize = 30;

/// Words of a row that sums the rows above it rather than recording an activity.
const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "共计"];

/// Prefix of the keys `import` gives rows without an id column.
const KEY_PREFIX: &str = "sheet-";

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The sheet to read; default the first sheet with a header row.
    pub sheet: Option<String>,
    /// A YAML file mapping header texts the importer cannot guess to fields.
    pub columns: Option<PathBuf>,
    /// Only show what would be written.
    pub dry_run: bool,
    /// Import the good rows and list the bad ones instead of refusing them all.
    pub skip_bad: bool,
}

/// What a column of the sheet holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// The activity's id (its stable key).
    Id,
    /// The date.
    Date,
    /// The item: id, title or lead.
    Item,
    /// What was done.
    Text,
    /// Where.
    Place,
    /// Number of participants.
    Participants,
    /// Villages, several in one cell.
    Villages,
    /// A declared figure, by key.
    Figure(String),
}

impl Field {
    /// The field as a mapping file names it.
    fn from_name(name: &str) -> Option<Field> {
        Some(match name {
            "id" => Field::Id,
            "date" => Field::Date,
            "item" => Field::Item,
            "text" => Field::Text,
            "place" => Field::Place,
            "participants" => Field::Participants,
            "villages" => Field::Villages,
            _ => return None,
        })
    }

    /// The field in Chinese, for the column mapping shown to the clerk.
    pub fn describe(&self) -> String {
        match self {
            Field::Id => "活动标识（id）".into(),
            Field::Date => "日期（date）".into(),
            Field::Item => "条目（item）".into(),
            Field::Text => "活动内容（text）".into(),
            Field::Place => "地点（place）".into(),
            Field::Participants => "参加人数（participants）".into(),
            Field::Villages => "涉及村（社区）（villages）".into(),
            Field::Figure(key) => format!("数字项 {key}（figures.{key}）"),
        }
    }
}

/// A column of the sheet and what it was read as.
#[derive(Clone, Debug)]
pub struct ColumnUse {
    /// Column from 0.
    pub column: usize,
    /// Its header text.
    pub header: String,
    /// The field, or `None` when the column is not imported.
    pub field: Option<Field>,
}

impl fmt::Display for ColumnUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = self
            .field
            .as_ref()
            .map_or_else(|| "（不导入）".to_owned(), Field::describe);
        write!(
            f,
            "{}列 “{}” → {target}",
            column_letter(self.column),
            self.header
        )
    }
}

/// A bad cell (or row), as a clerk can find and fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// Where.
    pub at: CellRef,
    /// What is wrong, with the value.
    pub message: String,
    /// The allowed values, when there is a list of them.
    pub allowed: Vec<String>,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.at, self.message)?;
        if !self.allowed.is_empty() {
            write!(f, "；可选：{}", self.allowed.join("、"))?;
        }
        Ok(())
    }
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No sheet has a header row with a date and an item column.
    #[error(
        "{file} 中找不到表头行：前 {HEADER_SEARCH_ROWS} 行里没有同时含日期列（{}）和条目列（{}）的行；表头写法不同时用 --columns 映射文件指明",
        super::DATE_HEADERS.join("、"),
        super::ITEM_HEADERS.join("、")
    )]
    NoHeader {
        /// File (and sheet) searched.
        file: String,
    },
    /// The mapping file is unreadable or names an unknown field.
    #[error("列映射文件 {}：{reason}", .path.display())]
    Mapping {
        /// The mapping file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Some rows are bad; nothing was written.
    #[error(
        "{} 处错误，未写入任何活动（改正后重新导入；或加 --skip-bad 只导入正确的行）：\n{}",
        .0.len(),
        .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )]
    BadRows(Vec<RowProblem>),
    /// The ledger refused the activities, or could not be read or written.
    #[error(transparent)]
    Ledger(#[from] EntryError),
}

/// What an import did (or would do, in a dry run).
#[derive(Debug)]
pub struct Imported {
    /// Where the header row is.
    pub header: CellRef,
    /// Every column of the header row and what it was read as.
    pub columns: Vec<ColumnUse>,
    /// The rows added, each with the entry as written.
    pub added: Vec<(CellRef, Added)>,
    /// Rows whose activity the ledger already holds (imported before).
    pub already: Vec<CellRef>,
    /// Rows left out on purpose: totals rows.
    pub totals: Vec<CellRef>,
    /// Bad rows left out (with `skip_bad` or `dry_run` only).
    pub bad: Vec<RowProblem>,
}

/// Imports `file` into the ledger in `dir`.
pub fn import(dir: &Path, file: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    // One reading of the ledger for both the choices and what it already holds.
    let ledger = Choices::ledger(dir)?;
    let choices = Choices::of_ledger(&ledger);
    let mapping = match &options.columns {
        Some(path) => read_mapping(path, &choices)?,
        None => Vec::new(),
    };
    let tables = read::read(file, options.sheet.as_deref())?;
    let (table, header, columns) = tables
        .iter()
        .find_map(|t| find_header(t, &choices, &mapping).map(|(h, c)| (t, h, c)))
        .ok_or_else(|| ImportError::NoHeader {
            file: searched(file, &tables),
        })?;
    let mut existing = Existing::of(&ledger);
    let mut rows = Rows {
        table,
        columns: &columns,
        choices: &choices,
        keys: HashSet::new(),
    };
    let mut outcome = Imported {
        header: table.at(header, None),
        columns: columns.clone(),
        added: Vec::new(),
        already: Vec::new(),
        totals: Vec::new(),
        bad: Vec::new(),
    };
    let mut entries: Vec<(CellRef, NewEntry)> = Vec::new();
    for r in header + 1..table.rows.len() {
        match rows.entry(r) {
            RowKind::Blank => {}
            RowKind::Total => outcome.totals.push(table.at(r, None)),
            RowKind::Bad(problems) => outcome.bad.extend(problems),
            RowKind::Entry(entry) => {
                let id = entry.id.clone().unwrap_or_default();
                let id_column = columns.iter().find(|c| c.field == Some(Field::Id));
                match existing.holds(&entry) {
                    Ok(true) => {
                        outcome.already.push(table.at(r, None));
                        continue;
                    }
                    Ok(false) => {}
                    Err(message) => {
                        outcome.bad.push(RowProblem {
                            at: table.at(r, id_column.map(|c| c.column)),
                            message,
                            allowed: Vec::new(),
                        });
                        continue;
                    }
                }
                if let Some((first, _)) = entries.iter().find(|(_, e)| e.id == entry.id) {
                    // Only an id column can repeat a key; the computed ones are numbered.
                    let column = columns.iter().find(|c| c.field == Some(Field::Id));
                    outcome.bad.push(RowProblem {
                        at: table.at(r, column.map(|c| c.column)),
                        message: format!("活动标识 “{id}” 与第{}行重复", first.row),
                        allowed: Vec::new(),
                    });
                } else {
                    entries.push((table.at(r, None), *entry));
                }
            }
        }
    }
    // A dry run goes on past bad rows: the clerk sees the header and the column
    // mapping with them (often a wrong mapping is what made the rows bad).
    if !outcome.bad.is_empty() && !options.skip_bad && !options.dry_run {
        return Err(ImportError::BadRows(outcome.bad));
    }
    if !entries.is_empty() {
        let new: Vec<NewEntry> = entries.iter().map(|(_, e)| e.clone()).collect();
        let added = match entry::add_many(dir, &new, options.dry_run) {
            Ok(added) => added,
            Err(EntryError::Invalid(report)) => return Err(in_rows(report, &entries)),
            Err(other) => return Err(other.into()),
        };
        outcome.added = entries.into_iter().map(|(at, _)| at).zip(added).collect();
    }
    Ok(outcome)
}

/// Findings of the ledger check about the imported activities, named by the rows they
/// came from (each imported activity carries its id, which leads back to its row);
/// when a finding is about the ledger itself, the findings as they are.
fn in_rows(report: crate::diag::Report, entries: &[(CellRef, NewEntry)]) -> ImportError {
    let mut problems = Vec::new();
    for d in &report.diagnostics {
        let row = d.location.as_ref().and_then(|loc| {
            let source = report.source_of(loc)?;
            let id = entry_id_at(&source.text, loc.line as usize)?;
            entries
                .iter()
                .find(|(_, e)| e.id.as_deref() == Some(id.as_str()))
                .map(|(at, _)| at.clone())
        });
        let Some(at) = row else {
            return ImportError::Ledger(EntryError::Invalid(report));
        };
        let message = match &d.help {
            Some(help) => format!("{}（{help}）", d.message),
            None => d.message.clone(),
        };
        problems.push(RowProblem {
            at,
            message,
            allowed: d.allowed.clone(),
        });
    }
    ImportError::BadRows(problems)
}

/// The `id` of the activity log entry that holds line `line` (from 1) of `text`.
fn entry_id_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = (0..line.min(lines.len()))
        .rev()
        .find(|&i| lines[i].starts_with("- "))?;
    lines[start..]
        .iter()
        .enumerate()
        .take_while(|(n, l)| *n == 0 || !l.starts_with("- "))
        .find_map(|(_, l)| {
            let value = l
                .trim_start_matches("- ")
                .trim()
                .strip_prefix("id:")?
                .trim();
            Some(
                serde_json::from_str::<String>(value)
                    .unwrap_or_else(|_| value.trim_matches(['"', '\'']).to_owned()),
            )
        })
}

/// The file and the sheets searched for a header row, for the message.
fn searched(file: &Path, tables: &[Table]) -> String {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let sheets: Vec<String> = tables
        .iter()
        .filter_map(|t| t.sheet.as_ref().map(|s| format!("“{s}”")))
        .collect();
    if sheets.is_empty() {
        name
    } else {
        format!("{name} 工作表{}", sheets.join("、"))
    }
}

/// What the ledger already holds: each activity id with the key of its content, and
/// how many activities without an id say each content (an exported sheet imported
/// back has no ids for them, and must add nothing).
#[derive(Default)]
struct Existing {
    ids: std::collections::HashMap<String, String>,
    contents: std::collections::HashMap<String, usize>,
}

impl Existing {
    fn of(ledger: &crate::ledger::load::Ledger) -> Self {
        let mut existing = Existing::default();
        for activity in ledger.logs.iter().flat_map(|log| &log.activities) {
            let content = content_key(&as_entry(activity));
            match &activity.id {
                Some(id) => {
                    existing.ids.insert(id.value.clone(), content);
                }
                None => *existing.contents.entry(content).or_default() += 1,
            }
        }
        existing
    }

    /// Whether a row's activity is already in the ledger; an error when its id is
    /// there with another content (the row was edited after it was imported).
    fn holds(&mut self, entry: &NewEntry) -> Result<bool, String> {
        let content = content_key(entry);
        let id = entry.id.as_deref().unwrap_or_default();
        if let Some(stored) = self.ids.get(id) {
            // A computed id is itself a content key, numbered when repeated.
            return if *stored == content || id.starts_with(&content) {
                Ok(true)
            } else {
                Err(format!(
                    "活动标识 “{id}” 已在台账中，但这一行的内容与台账中的那条不同；导入不会改动已有的活动：请在台账里修改那一条，或删去它再导入"
                ))
            };
        }
        match self.contents.get_mut(&content) {
            Some(count) if *count > 0 => {
                *count -= 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// A header text as compared: no spaces, ASCII brackets as full-width ones.
fn normalize_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// Reads the mapping file: `表头文字: 字段` lines.
fn read_mapping(path: &Path, choices: &Choices) -> Result<Vec<(String, Field)>, ImportError> {
    let fail = |reason: String| ImportError::Mapping {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(crate::diag::io_reason(&e)))?;
    let map: crate::ledger::model::OrderedMap<String> =
        serde_saphyr::from_str(&text).map_err(|_| {
            fail("不是“表头文字: 字段”的映射：每行写一个表头、冒号、空格和字段名".to_owned())
        })?;
    let mut fields = Vec::new();
    for (header, target) in map.0 {
        let target = target.trim();
        let field = Field::from_name(target)
            .or_else(|| {
                choices
                    .figures
                    .iter()
                    .any(|f| f.key == target)
                    .then(|| Field::Figure(target.to_owned()))
            })
            .ok_or_else(|| {
                let mut allowed: Vec<String> = [
                    "date",
                    "item",
                    "text",
                    "place",
                    "participants",
                    "villages",
                    "id",
                ]
                .map(String::from)
                .to_vec();
                allowed.extend(
                    choices
                        .figures
                        .iter()
                        .map(|f| format!("{}（{}）", f.key, f.label)),
                );
                fail(format!(
                    "第 {} 行 “{}” 对应的字段 “{target}” 不存在；可选：{}",
                    header.referenced.line(),
                    header.value,
                    allowed.join("、")
                ))
            })?;
        fields.push((normalize_header(&header.value), field));
    }
    Ok(fields)
}

/// The field a header names: the mapping file first, then the usual headers, then the
/// declared figures by label (with or without the unit in brackets) or key.
fn field_of(header: &str, choices: &Choices, mapping: &[(String, Field)]) -> Option<Field> {
    let h = normalize_header(header);
    if h.is_empty() {
        return None;
    }
    if let Some((_, field)) = mapping.iter().find(|(m, _)| *m == h) {
        return Some(field.clone());
    }
    let lists: [(&[&str], Field); 7] = [
        (super::DATE_HEADERS, Field::Date),
        (super::ITEM_HEADERS, Field::Item),
        (super::TEXT_HEADERS, Field::Text),
        (super::PLACE_HEADERS, Field::Place),
        (super::PARTICIPANTS_HEADERS, Field::Participants),
        (super::VILLAGES_HEADERS, Field::Villages),
        (super::ID_HEADERS, Field::Id),
    ];
    if let Some((_, field)) = lists.iter().find(|(names, _)| names.contains(&h.as_str())) {
        return Some(field.clone());
    }
    let bare = h.split('（').next().unwrap_or(&h);
    choices
        .figures
        .iter()
        .find(|f| {
            let label = normalize_header(&f.label);
            h == label || bare == label || h == f.key || h == format!("{label}（{}）", f.unit)
        })
        .map(|f| Field::Figure(f.key.clone()))
}

/// The header row (from 0) and its columns: the first row within
/// [`HEADER_SEARCH_ROWS`] naming both a date and an item column.
fn find_header(
    table: &Table,
    choices: &Choices,
    mapping: &[(String, Field)],
) -> Option<(usize, Vec<ColumnUse>)> {
    (0..table.rows.len().min(HEADER_SEARCH_ROWS)).find_map(|r| {
        let mut seen = Vec::new();
        let columns: Vec<ColumnUse> = table.rows[r]
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(column, cell)| {
                let header = cell.shown();
                // A field is read from its first column only (a merged header spans
                // several columns with one text).
                let field = field_of(&header, choices, mapping).filter(|f| !seen.contains(f));
                if let Some(f) = &field {
                    seen.push(f.clone());
                }
                ColumnUse {
                    column,
                    header,
                    field,
                }
            })
            .collect();
        (seen.contains(&Field::Date) && seen.contains(&Field::Item)).then_some((r, columns))
    })
}

/// What a row is.
enum RowKind {
    /// Nothing in the imported columns.
    Blank,
    /// A totals row.
    Total,
    /// An activity.
    Entry(Box<NewEntry>),
    /// Bad cells.
    Bad(Vec<RowProblem>),
}

/// Reads rows of one table into entries.
struct Rows<'a> {
    table: &'a Table,
    columns: &'a [ColumnUse],
    choices: &'a Choices,
    /// Keys given so far, to tell identical rows apart.
    keys: HashSet<String>,
}

impl Rows<'_> {
    fn entry(&mut self, r: usize) -> RowKind {
        let used: Vec<(usize, &Field, &Cell)> = self
            .columns
            .iter()
            .filter_map(|c| Some((c.column, c.field.as_ref()?, self.table.cell(r, c.column))))
            .collect();
        if used.iter().all(|(_, _, cell)| cell.is_empty()) {
            return RowKind::Blank;
        }
        let is_total = |cell: &Cell| matches!(cell, Cell::Text(t) if TOTAL_WORDS.contains(&normalize_header(t).as_str()));
        if used.iter().any(|(_, field, cell)| {
            matches!(field, Field::Date | Field::Item | Field::Text) && is_total(cell)
        }) {
            return RowKind::Total;
        }
        let mut entry = NewEntry::default();
        let mut problems = Vec::new();
        let mut problem = |column: usize, message: String, allowed: Vec<String>| {
            problems.push(RowProblem {
                at: self.table.at(r, Some(column)),
                message,
                allowed,
            });
        };
        for (column, field) in [Field::Date, Field::Item].iter().filter_map(|f| {
            self.columns
                .iter()
                .find(|c| c.field.as_ref() == Some(f))
                .map(|c| (c.column, f))
        }) {
            if self.table.cell(r, column).is_empty() {
                let what = if *field == Field::Date {
                    "日期"
                } else {
                    "所属条目"
                };
                problem(column, format!("缺少{what}"), Vec::new());
            }
        }
        for (column, field, cell) in used.into_iter().filter(|(_, _, c)| !c.is_empty()) {
            let result = self.read_cell(&mut entry, field, cell);
            if let Err((message, allowed)) = result {
                problem(column, message, allowed);
            }
        }
        if problems.is_empty() && entry.text.trim().is_empty() && entry.figures.is_empty() {
            // Said here, at the row, rather than by the check of the written YAML.
            let column = self
                .columns
                .iter()
                .find(|c| c.field == Some(Field::Text))
                .map(|c| c.column);
            problems.push(RowProblem {
                at: self.table.at(r, column),
                message: "既没有活动内容也没有数字：写上做了什么，或填上数字项".into(),
                allowed: Vec::new(),
            });
        }
        if !problems.is_empty() {
            return RowKind::Bad(problems);
        }
        if entry.id.is_none() {
            entry.id = Some(self.key(&entry));
        }
        RowKind::Entry(Box::new(entry))
    }

    /// Puts one non-empty cell into the entry; what is wrong and the allowed values
    /// otherwise.
    fn read_cell(
        &self,
        entry: &mut NewEntry,
        field: &Field,
        cell: &Cell,
    ) -> Result<(), (String, Vec<String>)> {
        let shown = cell.shown();
        match field {
            Field::Date => {
                let date = match cell {
                    Cell::Date(d) => self.choices.date(&d.format("%Y-%m-%d").to_string()),
                    Cell::Number(n) => self.choices.date(
                        &serial_date(*n)
                            .map_or(shown.clone(), |d| d.format("%Y-%m-%d").to_string()),
                    ),
                    // A time after the day (2023-03-11 09:30) is not part of the date.
                    _ => self
                        .choices
                        .date(shown.split_whitespace().next().unwrap_or_default()),
                };
                entry.date = date
                    .map_err(|m| (m, Vec::new()))?
                    .format("%Y-%m-%d")
                    .to_string();
            }
            Field::Item => {
                // A cell names its item exactly: a number or a near word picks nothing
                // (an office's own category codes must not file rows under an item).
                let item = self.choices.item_named(&shown).ok_or_else(|| {
                    let m = match self.choices.item(&shown) {
                        Ok(guess) if guess.id != shown => format!(
                            "未知的条目 “{shown}”；是不是 “{}”？表格里请写条目的 id 或完整的标题",
                            guess.id
                        ),
                        Ok(_) => format!("未知的条目 “{shown}”"),
                        Err(m) => m.split("；可选：").next().unwrap_or_default().to_owned(),
                    };
                    // The full list (ids with their titles) follows as the allowed values.
                    let allowed = self
                        .choices
                        .items
                        .iter()
                        .map(|i| format!("{}（{}）", i.id, i.label))
                        .collect();
                    (m, allowed)
                })?;
                entry.item = item.id.clone();
            }
            Field::Text => entry.text = shown,
            Field::Place => entry.place = Some(shown),
            Field::Id => entry.id = Some(shown),
            Field::Villages => {
                entry.villages = shown
                    .split(['、', '，', ',', ';', '；'])
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(String::from)
                    .collect();
            }
            Field::Participants => {
                let n = whole_number(&shown).ok_or_else(|| {
                    (
                        format!("参加人数要写 0 或正整数，例如 30，不能写 “{shown}”"),
                        Vec::new(),
                    )
                })?;
                entry.participants = Some(n.to_string());
            }
            // A dash, slash or 无 in a figure column means "none this time".
            Field::Figure(_) if ["-", "—", "－", "/", "无", "—-"].contains(&shown.trim()) => {
            }
            Field::Figure(key) => {
                let typed = cell_number(&shown);
                let n = self
                    .choices
                    .figure_value(key, &typed)
                    .map_err(|refusal| (refusal.message, Vec::new()))?;
                entry.figures.push((key.clone(), n.to_string()));
            }
        }
        Ok(())
    }

    /// A key that the same row content gives again on every import: a hash of the
    /// activity, numbered when the sheet holds the same activity more than once.
    fn key(&mut self, entry: &NewEntry) -> String {
        let base = content_key(entry);
        let key = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|k| !self.keys.contains(k))
            .expect("some number is free");
        self.keys.insert(key.clone());
        key
    }
}

/// The hash of what an activity says (date, item, text, place, participants,
/// villages, figures): the same for a row and for the activity it was imported as.
fn content_key(entry: &NewEntry) -> String {
    let mut content = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        entry.date,
        entry.item,
        entry.text,
        entry.place.as_deref().unwrap_or_default(),
        entry.participants.as_deref().unwrap_or_default(),
        entry.villages.join("、")
    );
    let mut figures = entry.figures.clone();
    figures.sort();
    for (k, v) in figures {
        // 8.50 written in the ledger and 8.5 in the sheet are the same value (a
        // whole number is kept as it is, so the keys of earlier imports stay).
        let v = match v.split_once('.') {
            Some(_) if v.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                v.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            _ => v,
        };
        content.push_str(&format!("\u{1f}{k}={v}"));
    }
    format!("{KEY_PREFIX}{:016x}", fnv1a(content.as_bytes()))
}

/// An activity of the ledger as the entry a row would give for it.
fn as_entry(activity: &crate::ledger::model::ActivitySpec) -> NewEntry {
    let number = |v: &crate::ledger::model::FigureValue| match v {
        crate::ledger::model::FigureValue::Integer(n) => n.to_string(),
        crate::ledger::model::FigureValue::Other(text) => text.clone(),
    };
    NewEntry {
        date: crate::text::parse_date(&activity.date.value).map_or_else(
            || activity.date.value.clone(),
            |d| d.format("%Y-%m-%d").to_string(),
        ),
        item: activity.item.value.clone(),
        text: activity
            .text
            .as_ref()
            .map(|t| t.value.trim().to_owned())
            .unwrap_or_default(),
        figures: activity
            .figures
            .0
            .iter()
            .map(|(k, v)| (k.value.clone(), number(&v.value)))
            .collect(),
        place: activity.place.as_ref().map(|p| p.value.clone()),
        participants: activity.participants.as_ref().map(|p| number(&p.value)),
        villages: activity.villages.iter().map(|v| v.value.clone()).collect(),
        ..NewEntry::default()
    }
}

/// A number as a clerk writes it in a cell, `12`, `12.0`, `１２`, `1,200`, `8.5`, as
/// plain ASCII digits for the figure's own check (which reads the decimals).
fn cell_number(text: &str) -> String {
    crate::text::ascii_digits(text.trim())
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect()
}

/// A whole number as a clerk writes it in a cell: `12`, `12.0`, `１２`, `1,200`.
fn whole_number(text: &str) -> Option<u64> {
    match crate::amount::read(&cell_number(text), 0) {
        crate::amount::Reading::Value(n) => Some(n),
        _ => None,
    }
}

/// A date serial number of the 1900 system (a date cell stored without its date
/// format), when it is a plausible day.
fn serial_date(n: f64) -> Option<NaiveDate> {
    if n.fract() != 0.0 || !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n as u64))
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust releases (the standard
/// hasher may change), so keys written last year still match.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_typed_as_text_are_read() {
        assert_eq!(whole_number("12"), Some(12));
        assert_eq!(whole_number(" １２ "), Some(12));
        assert_eq!(whole_number("1,200"), Some(1200));
        assert_eq!(whole_number("3.0"), Some(3));
        assert_eq!(whole_number("1.5"), None);
        assert_eq!(whole_number("三"), None);
    }

    #[test]
    fn headers_match_with_or_without_spaces_and_brackets() {
        assert_eq!(normalize_header(" 接待来访 (件) "), "接待来访（件）");
    }

    #[test]
    fn serial_numbers_are_1900_system_days() {
        assert_eq!(serial_date(45359.0), NaiveDate::from_ymd_opt(2024, 3, 8));
        assert_eq!(serial_date(45359.5), None);
    }

    #[test]
    fn an_entry_is_found_by_any_of_its_lines() {
        let log = "# 注释\n- date: 2023-03-01\n  item: a\n  text: 甲\n  id: sheet-1\n- date: 2023-03-02\n  item: b\n  id: \"表-2\"\n";
        assert_eq!(entry_id_at(log, 3).as_deref(), Some("sheet-1"));
        assert_eq!(entry_id_at(log, 2).as_deref(), Some("sheet-1"));
        assert_eq!(entry_id_at(log, 7).as_deref(), Some("表-2"));
        assert_eq!(entry_id_at(log, 1), None);
    }

    #[test]
    fn the_key_hash_is_fnv1a() {
        // Published FNV-1a test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
