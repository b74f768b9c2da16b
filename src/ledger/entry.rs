//! `new`: one activity appended to the right log file. The entry is validated against
//! the ledger first; the file is rewritten atomically under a lock, so an interrupted
//! or concurrent `new` never loses or half-writes an entry, and the file's existing
//! text and comments stay as they were.

use crate::amount::{self, Amount, Reading};
use crate::diag::{Diagnostic, Report};
use crate::ledger::load::{self, ACTIVITIES_DIR};
use crate::ledger::model::Spanned;
use crate::ledger::schema;
use crate::ledger::source::LedgerSource;
use crate::ledger::template::Template;
use crate::suggest::{Candidate, suggestions};
use crate::text::is_identifier;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// Name of the lock file in a report directory.
pub const LOCK_FILE: &str = ".annual-report.lock";

/// An activity to add, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct NewEntry {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Item id.
    pub item: String,
    /// Short name for the item's list sentence (`组织开展{{ 活动 }}等…`), if any.
    pub name: Option<String>,
    /// What was done (may be empty when figures are given).
    pub text: String,
    /// `key=value` pairs.
    pub figures: Vec<(String, String)>,
    /// Where.
    pub place: Option<String>,
    /// Target file, relative to `activities/`; default `YYYY-MM.yaml`.
    pub file: Option<PathBuf>,
    /// Identifier, unique across the ledger (`import` writes its stable key here).
    pub id: Option<String>,
    /// Number of participants, as typed.
    pub participants: Option<String>,
    /// Villages or communities involved.
    pub villages: Vec<String>,
}

/// Why an entry was not added.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// The ledger or the entry is invalid: the errors, with the files as they would
    /// be with the entry added (so snippets show it).
    #[error("{}", .0.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Report),
    /// The directory holds no report.yaml.
    #[error(
        "{} 不是台账目录（里面没有 report.yaml）：请先 cd 到台账目录，或在命令后写上台账目录；新建台账用 annual-report init",
        .0.display()
    )]
    NotALedger(PathBuf),
    /// `--file` names a file the ledger would not read.
    #[error(
        "--file {} 不在台账的 activities/ 目录里或不是 .yaml 文件：台账只读 activities/ 下的 .yaml 文件",
        .0.display()
    )]
    OutsideLedger(PathBuf),
    /// A log could not be read.
    #[error("无法读取 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The entry to edit or remove is no longer what the page showed: another
    /// browser, `new` in a terminal or a text editor changed the log meanwhile, or
    /// the same form was sent again.
    #[error(
        "{} 中的这条活动在您打开页面之后已被修改、移动或删除，或同一文件中的其他活动有了改动（可能是另一个浏览器、终端里的 new、文本编辑器，或重复提交了同一个表单）：为免改错或覆盖别人的修改，这次没有保存。请看页面上的最新内容，再重新修改",
        .0.display()
    )]
    Changed(PathBuf),
    /// Where the entry to edit or remove begins and ends in its log is not certain:
    /// its bytes do not read on their own as the activity the log has in that place
    /// (an alias of an anchor in another entry, a layout the page cannot take apart).
    #[error(
        "无法在 {} 中准确找出这条活动的全部文字（它可能用了 YAML 的锚点和别名 &、*，或写法特殊）：为免改错别的活动或丢掉它的 id、name、villages，这次没有修改。请用文本编辑器修改这个文件",
        .0.display()
    )]
    Unreadable(PathBuf),
    /// The log could not be written.
    #[error("无法写入 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What `new` did or would do.
#[derive(Debug)]
pub struct Added {
    /// The log file.
    pub file: PathBuf,
    /// The YAML of the entry.
    pub yaml: String,
}

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
        if typed.trim().is_empty() {
            return Err(format!(
                "请填写日期，例如 {0}-03-08 或 {0}年3月8日",
                self.year
            ));
        }
        let with_year = format!("{}年{}", self.year, typed.trim());
        let date = crate::text::parse_date(typed)
            .or_else(|| crate::text::parse_date(&with_year))
            .ok_or_else(|| {
                match crate::text::missing_day(typed)
                    .or_else(|| crate::text::missing_day(&with_year))
                {
                    Some(why) => format!("“{typed}” 这一天不存在：{why}"),
                    None => format!(
                        "“{typed}” 不是有效的日期：写作 {0}-03-08 或 {0}年3月8日",
                        self.year
                    ),
                }
            })?;
        if date.year() == self.year {
            Ok(date)
        } else {
            Err(format!(
                "{date} 不在 {} 年内：本台账只记 {} 年的活动",
                self.year, self.year
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
                    crate::ledger::check::rounded_example(typed, decimals)
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
                crate::ledger::check::figure_text_help(typed, key, decimals)
            ))),
        }
    }

    /// Every declared figure key with its label, for messages.
    fn figure_names(&self) -> Vec<String> {
        self.figures
            .iter()
            .map(|f| format!("{}（{}）", f.key, f.label))
            .collect()
    }
}

/// A YAML scalar that reads back as exactly `s`: a JSON string is a valid YAML
/// double-quoted scalar.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// Identifiers stay plain, as a clerk would type them; anything else is quoted (and
/// then refused by the check with a clear message).
fn yaml_key(s: &str) -> String {
    if is_identifier(s) {
        s.to_owned()
    } else {
        yaml_string(s)
    }
}

/// A figure as typed: digits stay a number, anything else becomes a string the check
/// refuses with the usual message.
fn yaml_value(s: &str) -> String {
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    let unsigned = s.trim_start_matches('-');
    let number = match unsigned.split_once('.') {
        Some((whole, places)) => digits(whole) && digits(places),
        None => digits(unsigned),
    };
    if number { s.to_owned() } else { yaml_string(s) }
}

/// The entry as YAML list item.
pub fn entry_yaml(entry: &NewEntry) -> String {
    let mut out = match entry.id.as_deref().filter(|id| !id.trim().is_empty()) {
        Some(id) => format!("- id: {}\n  date: ", yaml_string(id.trim())),
        None => "- date: ".to_owned(),
    };
    out.push_str(&format!(
        "{}\n  item: {}\n",
        entry.date.trim(),
        yaml_key(entry.item.trim())
    ));
    if let Some(name) = entry.name.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!("  name: {}\n", yaml_string(name.trim())));
    }
    if !entry.text.trim().is_empty() {
        out.push_str(&format!("  text: {}\n", yaml_string(entry.text.trim())));
    }
    if !entry.figures.is_empty() {
        let pairs: Vec<String> = entry
            .figures
            .iter()
            .map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_value(v.trim())))
            .collect();
        out.push_str(&format!("  figures: {{ {} }}\n", pairs.join(", ")));
    }
    if let Some(place) = entry.place.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push_str(&format!("  place: {}\n", yaml_string(place.trim())));
    }
    if !entry.villages.is_empty() {
        let villages: Vec<String> = entry.villages.iter().map(|v| yaml_string(v)).collect();
        out.push_str(&format!("  villages: [{}]\n", villages.join(", ")));
    }
    if let Some(n) = entry
        .participants
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        out.push_str(&format!("  participants: {}\n", yaml_value(n.trim())));
    }
    out
}

/// The log file the entry goes to.
/// The log file the entry goes to: by default the month's, else the one named, which
/// must lie inside `activities/` (where the ledger is read from) and end in .yaml.
fn target(dir: &Path, entry: &NewEntry, date: NaiveDate) -> Result<PathBuf, EntryError> {
    let activities = dir.join(ACTIVITIES_DIR);
    let Some(file) = &entry.file else {
        return Ok(activities.join(format!("{}-{:02}.yaml", date.year(), date.month())));
    };
    // An absolute path is taken relative to activities/ when it points there.
    let relative = if file.is_absolute() {
        let real_activities = activities
            .canonicalize()
            .unwrap_or_else(|_| activities.clone());
        file.strip_prefix(&real_activities)
            .or_else(|_| file.strip_prefix(&activities))
            .map(Path::to_path_buf)
            .ok()
    } else {
        Some(file.clone())
    };
    let inside = relative.filter(|r| {
        r.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
            && r.extension().is_some_and(|e| e == "yaml" || e == "yml")
    });
    inside
        .map(|r| activities.join(r))
        .ok_or_else(|| EntryError::OutsideLedger(file.clone()))
}

/// Checks the ledger as it would be with each log holding its new text, in memory (no
/// copy of the ledger: `previous:` and roll-up members resolve from the real
/// directory, and every message names the real file): it must have no errors.
fn validate(dir: &Path, logs: &[(PathBuf, String)]) -> Result<(), EntryError> {
    let source = logs
        .iter()
        .fold(LedgerSource::directory(dir), |source, (log, text)| {
            source.with_file(log, text.as_str())
        });
    let mut report = crate::ledger::validate(&source);
    report.diagnostics.retain(Diagnostic::is_error);
    if report.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(EntryError::Invalid(report))
    }
}

/// The new text of the log: the old text untouched, then the entry; a new file gets
/// a heading comment, after the line that points editors at the schema when the
/// ledger has one (`with_schema`: `init` writes it, a ledger made by hand may not).
fn appended(old: Option<&str>, entry_yaml: &str, date: NaiveDate, with_schema: bool) -> String {
    match old {
        Some(old) => {
            let mut text = old.to_owned();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(entry_yaml);
            text
        }
        None => {
            let modeline = if with_schema {
                schema::modeline(&format!(
                    "../{}/{}",
                    schema::SCHEMA_DIR,
                    schema::ACTIVITIES_SCHEMA_FILE
                ))
            } else {
                String::new()
            };
            format!(
                "{modeline}# {}年{}月的活动台账\n{entry_yaml}",
                date.year(),
                date.month()
            )
        }
    }
}

/// Whether the ledger of the activity log `log` holds the schema a new log's first
/// line would point at.
fn has_schema(log: &Path) -> bool {
    log.parent().and_then(Path::parent).is_some_and(|dir| {
        dir.join(schema::SCHEMA_DIR)
            .join(schema::ACTIVITIES_SCHEMA_FILE)
            .is_file()
    })
}

/// Checks what the clerk gave against the ledger before anything is read or written:
/// the date (any form `text::parse_date` reads, within the year), the item, and each
/// figure; every problem at once, named by its command-line option. The entry comes
/// back with its date as YYYY-MM-DD and its item as the id.
fn prevalidate(choices: &Choices, entry: &NewEntry) -> Result<NewEntry, EntryError> {
    let mut problems = Vec::new();
    let mut normalized = entry.clone();
    match choices.date(&entry.date) {
        Ok(date) => normalized.date = date.format("%Y-%m-%d").to_string(),
        Err(message) => {
            let code = if crate::text::parse_date(&entry.date).is_some() {
                "E021"
            } else {
                "E020"
            };
            problems.push(Diagnostic::error(code, message).field("--date"));
        }
    }
    match choices.item(&entry.item) {
        Ok(item) => normalized.item = item.id.clone(),
        Err(message) => problems.push(
            Diagnostic::error("E022", message).field("--item").allowed(
                choices
                    .items
                    .iter()
                    .map(|i| format!("{}（{}）", i.id, i.label)),
            ),
        ),
    }
    normalized.figures.clear();
    for (key, value) in &entry.figures {
        if !choices.figures.iter().any(|f| &f.key == key) {
            problems.push(
                Diagnostic::error("E023", format!("未声明的数字项 “{key}”"))
                    .field("--figure")
                    .allowed(choices.figure_names())
                    .help("先在 report.yaml 的 figures 中声明它，或改成已声明的键"),
            );
        } else {
            match choices.figure_value(key, value) {
                Ok(n) => normalized.figures.push((key.clone(), n.to_string())),
                Err(refusal) => problems
                    .push(Diagnostic::error(refusal.code, refusal.message).field("--figure")),
            }
        }
    }
    if problems.is_empty() {
        Ok(normalized)
    } else {
        Err(EntryError::Invalid(Report {
            sources: Vec::new(),
            diagnostics: problems,
        }))
    }
}

/// Validates and appends the entry (or only shows it, with `dry_run`).
pub fn add(dir: &Path, entry: &NewEntry, dry_run: bool) -> Result<Added, EntryError> {
    let mut added = add_many(dir, std::slice::from_ref(entry), dry_run)?;
    Ok(added.remove(0))
}

/// Validates and appends many entries at once (or only shows them, with `dry_run`):
/// every entry is checked first, then the ledger once with all of them added; each
/// log file is then written atomically, all under one lock. Nothing is written when
/// any entry is refused. The result lists the entries in the order given.
///
/// Each file is replaced atomically, but a disk failing between two files leaves the
/// first written: entries with ids (as `import` gives them) can then simply be added
/// again, the ones already written being recognised by their ids.
pub fn add_many(dir: &Path, entries: &[NewEntry], dry_run: bool) -> Result<Vec<Added>, EntryError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let choices = Choices::of(dir)?;
    let mut planned = Vec::with_capacity(entries.len());
    let mut problems = Vec::new();
    for entry in entries {
        match prevalidate(&choices, entry) {
            Ok(entry) => {
                let date = choices
                    .date(&entry.date)
                    .expect("prevalidate accepted the date");
                planned.push((target(dir, &entry, date)?, entry_yaml(&entry), date));
            }
            Err(EntryError::Invalid(report)) => problems.extend(report.diagnostics),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(EntryError::Invalid(Report {
            sources: Vec::new(),
            diagnostics: problems,
        }));
    }
    let lock_io = |source| EntryError::Io {
        path: dir.join(LOCK_FILE),
        source,
    };
    std::fs::create_dir_all(dir.join(ACTIVITIES_DIR)).map_err(lock_io)?;
    // One writer at a time per report directory; held until every rename is done.
    let lock = crate::files::lock_ledger(dir, LOCK_FILE).map_err(lock_io)?;
    let texts = new_texts(&planned)?;
    validate(dir, &texts)?;
    if !dry_run {
        for (log, text) in &texts {
            let io = |source| EntryError::Io {
                path: log.clone(),
                source,
            };
            if let Some(parent) = log.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
                crate::files::remove_stale_temporaries(parent);
            }
            crate::files::write_durably(log, text.as_bytes()).map_err(io)?;
        }
    }
    drop(lock);
    Ok(planned
        .into_iter()
        .map(|(file, yaml, _)| Added { file, yaml })
        .collect())
}

/// Each target log with its new text: its current text (read under the lock) with
/// its entries appended in order; the logs in the order first named.
fn new_texts(
    planned: &[(PathBuf, String, NaiveDate)],
) -> Result<Vec<(PathBuf, String)>, EntryError> {
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    for (log, yaml, date) in planned {
        if let Some((_, text)) = texts.iter_mut().find(|(l, _)| l == log) {
            *text = appended(Some(text), yaml, *date, false);
            continue;
        }
        let old = match std::fs::read_to_string(log) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(EntryError::Read {
                    path: log.clone(),
                    source,
                });
            }
        };
        let text = appended(old.as_deref(), yaml, *date, has_schema(log));
        texts.push((log.clone(), text));
    }
    Ok(texts)
}

/// Where one activity's entry stands in its log, as a page last saw it: the log
/// (relative to `activities/`), the entry's place among the log's entries, and its
/// version ([`entry_version`]). An edit or a removal carries it, so an entry that
/// changed or moved meanwhile is refused, never overwritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    /// The log, relative to `activities/`.
    pub file: PathBuf,
    /// 0-based place among the log's entries.
    pub index: usize,
    /// [`entry_version`] of the entry when the page was drawn.
    pub version: String,
}

/// The version of the entry at `span` of the log `text`: 64-bit FNV-1a in hex of the
/// whole log, the entry's byte range and its bytes. The log and the range make it name
/// one place, not only the bytes: after a removal, an identical duplicate that moved
/// up into the removed entry's place has another version, so a replayed or stale form
/// is refused rather than applied to it. Stable across processes and Rust releases, so
/// a page kept open over a restart still matches.
pub fn entry_version(text: &str, span: &std::ops::Range<usize>) -> String {
    let place = format!("\0{}..{}\0", span.start, span.end);
    let entry = text.get(span.clone()).unwrap_or_default();
    let hash = text
        .bytes()
        .chain(place.bytes())
        .chain(entry.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// The byte ranges of the entries of a log written as a block sequence (`- date: …`
/// one after the other), in file order. An entry runs from its `-` line to its last
/// line of content: blank lines and comment lines after it belong to no entry (a
/// comment above the next entry stays when this one is removed). A line of a block
/// scalar (`text: |`) is content even when it starts with `#`. `None` when the log is
/// not a plain block sequence (a flow sequence `[…]`, a document marker, text at the
/// sequence's own indentation that starts no entry), which the page then does not
/// offer to edit. [`log_entries`] checks the ranges against the log's parse.
pub fn entry_spans(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut indent: Option<usize> = None;
    // Inside a block scalar: the column its lines must go beyond.
    let mut scalar: Option<usize> = None;
    // A byte order mark (as Windows editors save) belongs to no entry.
    let mut offset = text.len() - text.trim_start_matches('\u{feff}').len();
    for line in text[offset..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let content = body.trim_start_matches(' ');
        let column = body.len() - content.len();
        if let Some(parent) = scalar {
            if content.is_empty() {
                continue;
            }
            if column > parent {
                if let Some(last) = spans.last_mut() {
                    last.end = offset;
                }
                continue;
            }
            scalar = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let opens_entry = content == "-" || content.starts_with("- ");
        let preamble = column == 0 && (content == "---" || content.starts_with('%'));
        match indent {
            None if opens_entry => indent = Some(column),
            // A document marker or directive before the first entry.
            None if preamble => continue,
            None => return None,
            Some(i) if column < i => return None,
            Some(i) if column == i && !opens_entry => return None,
            Some(_) => {}
        }
        if column == indent? && opens_entry {
            spans.push(start..offset);
        } else if let Some(last) = spans.last_mut() {
            last.end = offset;
        }
        scalar = block_scalar_parent(content, column);
    }
    Some(spans)
}

/// When a line (its text `content` from `column` on) opens a block scalar (`text: |`,
/// `- text: >-`, `- |`, a comment after the indicator allowed): the column its lines
/// must go beyond, that of the key or of the dash the scalar belongs to.
fn block_scalar_parent(content: &str, column: usize) -> Option<usize> {
    let mut node = column;
    let mut dash = None;
    let mut rest = content;
    while let Some(after) = rest.strip_prefix('-').filter(|a| a.starts_with(' ')) {
        dash = Some(node);
        let trimmed = after.trim_start_matches(' ');
        node += rest.len() - trimmed.len();
        rest = trimmed;
    }
    let value = rest.split(" #").next().unwrap_or_default().trim_end();
    let (key, indicator) = match value.rsplit_once(' ') {
        Some((key, indicator)) if key.ends_with(':') => (Some(key), indicator),
        Some(_) => return None,
        None => (None, value),
    };
    let is_indicator = indicator.starts_with(['|', '>'])
        && indicator.len() <= 3
        && indicator[1..]
            .chars()
            .all(|c| c == '+' || c == '-' || c.is_ascii_digit());
    match (is_indicator, key) {
        (false, _) => None,
        (true, Some(_)) => Some(node),
        (true, None) => dash,
    }
}

/// One entry of a log, as an edit or a removal may take it.
#[derive(Debug)]
pub struct LogEntry {
    /// Its bytes in the log.
    pub span: std::ops::Range<usize>,
    /// Its [`entry_version`].
    pub version: String,
    /// The entry as its bytes read on their own; `None` when they do not, or read as
    /// another activity than the log has in that place (an alias of an anchor in
    /// another entry, a range cut short): such an entry is not edited in place.
    pub alone: Option<crate::ledger::model::ActivitySpec>,
}

/// The entries of a log with their bytes and versions, checked against the log's own
/// parse: `None` when the log is no plain block sequence, does not parse, or parses
/// to another number of activities than [`entry_spans`] finds entries.
pub fn log_entries(text: &str) -> Option<Vec<LogEntry>> {
    let spans = entry_spans(text)?;
    if spans.is_empty() {
        return Some(Vec::new());
    }
    let parsed: Vec<crate::ledger::model::ActivitySpec> =
        serde_saphyr::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    if parsed.len() != spans.len() {
        return None;
    }
    let entries = spans
        .into_iter()
        .zip(parsed)
        .map(|(span, whole)| LogEntry {
            version: entry_version(text, &span),
            alone: read_alone(&text[span.clone()]).filter(|alone| same_activity(alone, &whole)),
            span,
        })
        .collect();
    Some(entries)
}

/// The activity one entry's bytes describe on their own, moved left to column 0.
fn read_alone(entry_yaml: &str) -> Option<crate::ledger::model::ActivitySpec> {
    let indent = entry_yaml.len() - entry_yaml.trim_start_matches(' ').len();
    let pad = " ".repeat(indent);
    let dedented: String = entry_yaml
        .split_inclusive('\n')
        .map(|l| l.strip_prefix(pad.as_str()).unwrap_or(l))
        .collect();
    let mut list: Vec<crate::ledger::model::ActivitySpec> =
        serde_saphyr::from_str(&dedented).ok()?;
    if list.len() == 1 { list.pop() } else { None }
}

/// Whether two readings of an activity hold the same values (their positions differ).
fn same_activity<'a>(
    a: &'a crate::ledger::model::ActivitySpec,
    b: &'a crate::ledger::model::ActivitySpec,
) -> bool {
    fn values(a: &crate::ledger::model::ActivitySpec) -> impl PartialEq + '_ {
        let text = |v: &'_ Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
        (
            (text(&a.id), &a.date.value, &a.item.value, text(&a.name)),
            (text(&a.text), text(&a.place)),
            a.villages.iter().map(|v| &v.value).collect::<Vec<_>>(),
            a.figures
                .0
                .iter()
                .map(|(k, v)| (&k.value, &v.value))
                .collect::<Vec<_>>(),
            a.participants.as_ref().map(|p| &p.value),
        )
    }
    values(a) == values(b)
}

/// Replaces the entry at `at` by `entry`, keeping every other byte of the log (the
/// other entries, comments, blank lines). What the form does not show of the old
/// entry (its `id` and `villages`) is kept; its `name` is the one `entry` gives (the
/// form shows it, so an emptied name is removed): an entry that does not read on its
/// own is refused rather than losing them. Checked like [`add`]: the entry first, then
/// the whole ledger with the changed log in memory; written atomically under the
/// ledger's lock, and only when the entry still has the version the page saw.
pub fn replace(dir: &Path, at: &EntryRef, entry: &NewEntry) -> Result<Added, EntryError> {
    let choices = Choices::of(dir)?;
    let mut normalized = prevalidate(&choices, entry)?;
    let (lock, log, text, span) = locked_entry(dir, at)?;
    let old = &text[span.clone()];
    let kept = kept_fields(old).ok_or_else(|| EntryError::Unreadable(log.clone()))?;
    if normalized.id.is_none() {
        normalized.id = kept.id;
    }
    if normalized.villages.is_empty() {
        normalized.villages = kept.villages;
    }
    let yaml = entry_yaml(&normalized);
    let indent = old.len() - old.trim_start_matches(' ').len();
    let mut replacement = indented(&yaml, indent);
    if old.contains("\r\n") {
        // The log's own line breaks (a file saved on Windows).
        replacement = replacement.replace('\n', "\r\n");
    }
    if !old.ends_with('\n') {
        replacement.truncate(replacement.trim_end_matches(['\r', '\n']).len());
    }
    let new_text = format!("{}{replacement}{}", &text[..span.start], &text[span.end..]);
    commit(dir, &log, new_text, lock)?;
    Ok(Added { file: log, yaml })
}

/// Removes the entry at `at` from its log, keeping every other byte; checked and
/// written like [`replace`] (a removal that leaves the ledger invalid, say an item
/// with neither text nor activities, is refused with the findings).
pub fn remove(dir: &Path, at: &EntryRef) -> Result<Added, EntryError> {
    if !dir.join(load::REPORT_FILE).is_file() {
        return Err(EntryError::NotALedger(dir.to_path_buf()));
    }
    let (lock, log, text, span) = locked_entry(dir, at)?;
    let yaml = text[span.clone()].to_owned();
    let new_text = format!("{}{}", &text[..span.start], &text[span.end..]);
    commit(dir, &log, new_text, lock)?;
    Ok(Added { file: log, yaml })
}

/// The lock of the ledger, the log's path and current text, and the byte range of the
/// entry `at` names, when it still has the version the page saw (else
/// [`EntryError::Changed`]) and its range is certain: the log's entries are as many as
/// its activities and this one reads on its own as the activity in its place (else
/// [`EntryError::Unreadable`]).
fn locked_entry(
    dir: &Path,
    at: &EntryRef,
) -> Result<(std::fs::File, PathBuf, String, std::ops::Range<usize>), EntryError> {
    let log = existing_log(dir, &at.file)?;
    let lock = crate::files::lock_ledger(dir, LOCK_FILE).map_err(|source| EntryError::Io {
        path: dir.join(LOCK_FILE),
        source,
    })?;
    let text = std::fs::read_to_string(&log).map_err(|source| EntryError::Read {
        path: log.clone(),
        source,
    })?;
    let span = entry_spans(&text)
        .and_then(|spans| spans.get(at.index).cloned())
        .filter(|span| entry_version(&text, span) == at.version)
        .ok_or_else(|| EntryError::Changed(log.clone()))?;
    let certain = log_entries(&text)
        .and_then(|entries| entries.into_iter().nth(at.index))
        .is_some_and(|entry| entry.span == span && entry.alone.is_some());
    if !certain {
        return Err(EntryError::Unreadable(log));
    }
    Ok((lock, log, text, span))
}

/// The log `file` names (relative to `activities/`), when it is one the ledger reads:
/// plain path components only, a .yaml/.yml file that exists inside `activities/`.
fn existing_log(dir: &Path, file: &Path) -> Result<PathBuf, EntryError> {
    let activities = dir.join(ACTIVITIES_DIR);
    let plain = file
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        && file.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let log = activities.join(file);
    let inside = plain
        && log.is_file()
        && match (log.canonicalize(), activities.canonicalize()) {
            (Ok(real), Ok(root)) => real.starts_with(root),
            _ => false,
        };
    if inside {
        Ok(log)
    } else {
        Err(EntryError::OutsideLedger(file.to_path_buf()))
    }
}

/// Validates the ledger with `log` holding `text`, then writes it durably; `lock` is
/// held until the rename is done.
fn commit(dir: &Path, log: &Path, text: String, lock: std::fs::File) -> Result<(), EntryError> {
    validate(dir, &[(log.to_path_buf(), text.clone())])?;
    crate::files::write_durably(log, text.as_bytes()).map_err(|source| EntryError::Io {
        path: log.to_path_buf(),
        source,
    })?;
    drop(lock);
    Ok(())
}

/// The fields of an old entry that an edit keeps because the form does not show them.
struct Kept {
    id: Option<String>,
    villages: Vec<String>,
}

/// What an edit keeps of the old entry; `None` when its bytes do not read on their own
/// (an alias, a range cut short), so that the edit is refused rather than silently
/// dropping its `id` and `villages`.
fn kept_fields(old_yaml: &str) -> Option<Kept> {
    read_alone(old_yaml).map(|spec| Kept {
        id: spec.id.map(|i| i.value),
        villages: spec.villages.into_iter().map(|v| v.value).collect(),
    })
}

/// Every line of `yaml` moved right by `indent` spaces (an entry of a sequence that is
/// itself indented).
fn indented(yaml: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    yaml.split_inclusive('\n')
        .map(|line| format!("{pad}{line}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::model::ActivitySpec;

    #[test]
    fn entries_are_yaml_that_reads_back() {
        let entry = NewEntry {
            date: "2023-03-08".into(),
            item: "legal-rights".into(),
            text: "开展了\"普法\"宣传: #1 - 见 [附件]".into(),
            figures: vec![("visits".into(), "2".into())],
            place: Some("镇文化广场".into()),
            id: Some("sheet-1".into()),
            participants: Some("30".into()),
            villages: vec!["新河村".into(), "东湖社区".into()],
            ..NewEntry::default()
        };
        let yaml = entry_yaml(&entry);
        let parsed: Vec<ActivitySpec> = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(parsed[0].text.as_ref().unwrap().value, entry.text);
        assert_eq!(parsed[0].item.value, "legal-rights");
        assert_eq!(parsed[0].id.as_ref().unwrap().value, "sheet-1");
        let villages: Vec<&str> = parsed[0]
            .villages
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(villages, ["新河村", "东湖社区"]);
        assert_eq!(
            parsed[0].participants.as_ref().unwrap().value,
            crate::ledger::model::FigureValue::Integer(30)
        );
    }

    #[test]
    fn appending_keeps_the_old_text_and_comments() {
        let date = NaiveDate::from_ymd_opt(2023, 3, 8).unwrap();
        let old = "# 我的注释\n- date: 2023-03-01\n  item: a\n  text: 甲";
        let new = appended(Some(old), "- date: 2023-03-08\n  item: a\n", date, true);
        assert!(new.starts_with(old));
        assert!(new.ends_with("甲\n- date: 2023-03-08\n  item: a\n"));
        let fresh = appended(None, "- x\n", date, true);
        assert!(fresh.starts_with(
            "# yaml-language-server: $schema=../schemas/activities.schema.json\n# 2023年3月"
        ));
        // A ledger without the schema gets no line pointing at it.
        assert!(appended(None, "- x\n", date, false).starts_with("# 2023年3月"));
    }

    #[test]
    fn entry_spans_cover_each_entry_and_leave_comments_between_them() {
        let text = "# 台账\n- date: 2023-03-01\n  item: a\n  text: |\n    - 一是\n\n    二是\n# 下一条\n\n- date: 2023-03-02\n  item: b\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(
            &text[spans[0].clone()],
            "- date: 2023-03-01\n  item: a\n  text: |\n    - 一是\n\n    二是\n"
        );
        assert_eq!(&text[spans[1].clone()], "- date: 2023-03-02\n  item: b\n");
        // Indented sequences are entries too; flow sequences and stray keys are not.
        assert_eq!(entry_spans("  - date: x\n    item: a\n").unwrap().len(), 1);
        assert_eq!(entry_spans("[{date: x, item: a}]\n"), None);
        assert_eq!(entry_spans("- date: x\nitem: a\n"), None);
        assert_eq!(entry_spans("# 只有注释\n").unwrap().len(), 0);
        // A byte order mark and a document marker stay outside the entries; Windows
        // line breaks are part of them.
        let text = "\u{feff}---\r\n- date: x\r\n  item: a\r\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(&text[spans[0].clone()], "- date: x\r\n  item: a\r\n");
    }

    #[test]
    fn a_block_scalar_line_starting_with_a_hash_is_part_of_its_entry() {
        let text = "- date: a\n  item: x\n  text: |\n    举办电商直播技能培训班\n    #巾帼行动\n# 注释\n- date: b\n  item: y\n  text: >- # 折叠\n    甲\n\n    #乙\n  # 不是正文\n";
        let spans = entry_spans(text).unwrap();
        assert_eq!(
            &text[spans[0].clone()],
            "- date: a\n  item: x\n  text: |\n    举办电商直播技能培训班\n    #巾帼行动\n"
        );
        assert_eq!(
            &text[spans[1].clone()],
            "- date: b\n  item: y\n  text: >- # 折叠\n    甲\n\n    #乙\n"
        );
        let entries = log_entries(text).unwrap();
        let alone = entries[0].alone.as_ref().unwrap();
        assert_eq!(
            alone.text.as_ref().unwrap().value,
            "举办电商直播技能培训班\n#巾帼行动\n"
        );
        // Where a block scalar's lines must go beyond.
        assert_eq!(block_scalar_parent("text: |", 2), Some(2));
        assert_eq!(block_scalar_parent("- text: |2-", 0), Some(2));
        assert_eq!(block_scalar_parent("- |", 4), Some(4));
        assert_eq!(block_scalar_parent("text: \"a |\"", 2), None);
        assert_eq!(block_scalar_parent("text: a |", 2), None);
    }

    #[test]
    fn entries_are_checked_against_the_parse_of_the_log() {
        // An alias: the log parses, the second entry alone does not.
        let aliased = "- date: a\n  item: x\n  place: &p 镇\n- date: b\n  item: x\n  place: *p\n";
        let entries = log_entries(aliased).unwrap();
        assert!(entries[0].alone.is_some());
        assert!(entries[1].alone.is_none());
        // More entries than the log parses to (a sequence nested in a scalar the spans
        // cannot see), or a log that does not parse: nothing is offered.
        assert!(log_entries("- date: a\n  item: x\n  text: \"甲\n- date: b\"\n").is_none());
        assert!(log_entries("- date: a\n  item: [\n").is_none());
        assert_eq!(log_entries("# 只有注释\n").unwrap().len(), 0);
    }

    #[test]
    fn versions_change_with_any_byte_and_name_the_place() {
        let log = "- a\n- a\n";
        assert_eq!(entry_version(log, &(0..4)), entry_version(log, &(0..4)));
        assert_ne!(
            entry_version("- a\n", &(0..4)),
            entry_version("- b\n", &(0..4))
        );
        // Identical duplicates: each has its own version, and the second, moved up
        // into the first one's place by a removal, has neither.
        assert_ne!(entry_version(log, &(0..4)), entry_version(log, &(4..8)));
        assert_ne!(entry_version(log, &(0..4)), entry_version("- a\n", &(0..4)));
        assert_eq!(entry_version("", &(0..0)).len(), 16);
    }

    #[test]
    fn an_edit_keeps_the_fields_the_form_does_not_show() {
        let old = "  - id: \"x-1\"\n    date: 2023-03-01\n    item: a\n    name: 运动会\n    villages: [新河村]\n";
        let kept = kept_fields(old).unwrap();
        assert_eq!(kept.id.as_deref(), Some("x-1"));
        assert_eq!(kept.villages, ["新河村"]);
        // An entry that does not read on its own keeps nothing: the edit is refused.
        assert!(kept_fields("- id: x-1\n  date: a\n  item: a\n  villages: *v\n").is_none());
        assert!(kept_fields("- id: \"x-1\n  date: a\n").is_none());
        let yaml = entry_yaml(&NewEntry {
            date: "2023-03-01".into(),
            item: "a".into(),
            name: Some(" 运动会 ".into()),
            text: "t".into(),
            ..NewEntry::default()
        });
        assert_eq!(
            yaml,
            "- date: 2023-03-01\n  item: a\n  name: \"运动会\"\n  text: \"t\"\n"
        );
        assert_eq!(indented("- a\n  b\n", 2), "  - a\n    b\n");
    }
}
