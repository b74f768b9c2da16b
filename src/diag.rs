//! Located findings about a ledger: what is wrong, where (file, line, column, field),
//! and what would be allowed. The library only collects them; the CLI draws them.

pub mod codes;

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The ledger cannot be built.
    Error,
    /// The ledger builds, but something looks wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        })
    }
}

/// Why an operation on a file failed, in Chinese: the system's own text is English
/// (`No such file or directory`), and a clerk reads every message.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match error.kind() {
        ErrorKind::NotFound => "文件或目录不存在",
        ErrorKind::PermissionDenied => "没有权限（文件可能只读，或属于其他用户）",
        ErrorKind::AlreadyExists => "已经存在",
        ErrorKind::InvalidData => "内容不是有效的 UTF-8 文字（可能是 GBK 编码，请另存为 UTF-8）",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::ReadOnlyFilesystem => "磁盘或目录是只读的",
        ErrorKind::IsADirectory => "这是一个目录，不是文件",
        ErrorKind::NotADirectory => "路径中有一部分不是目录",
        ErrorKind::DirectoryNotEmpty => "目录不是空的",
        ErrorKind::InvalidFilename => "文件名无效或过长",
        ErrorKind::Interrupted => "操作被中断",
        ErrorKind::TimedOut => "操作超时",
        ErrorKind::WouldBlock => "文件正被其他程序占用",
        ErrorKind::BrokenPipe => "输出管道已关闭",
        ErrorKind::OutOfMemory => "内存不足",
        ErrorKind::UnexpectedEof => "文件意外结束",
        _ => {
            // An error this program made carries its own Chinese explanation (a
            // rollback that failed names the files); the system's own are English.
            let own = error
                .get_ref()
                .map(ToString::to_string)
                .filter(|text| text.chars().any(crate::text::is_cjk));
            return match (own, error.raw_os_error()) {
                (Some(text), _) => text,
                (None, Some(code)) => format!("系统错误（错误码 {code}）"),
                (None, None) => "系统错误".to_owned(),
            };
        }
    };
    reason.to_owned()
}

/// One file of a ledger as read, kept for source snippets in messages.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user would write it (relative to where the command ran).
    pub name: Arc<str>,
    /// The file on disk.
    pub path: PathBuf,
    /// Its text (lossily decoded when it was not UTF-8, so snippets can still be drawn).
    pub text: String,
    /// Byte offset of the start of each line, for finding positions quickly in large
    /// ledgers.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file read for a ledger.
    pub fn new(name: Arc<str>, path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            name,
            path,
            text,
            line_starts,
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

/// A position in a ledger file: 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// File name as shown to the user.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The field of an activity a finding concerns, as the clerk's form shows it: the
/// checks of `new` name it as they make the finding, `check` by its path in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryField {
    /// `date`.
    Date,
    /// `item`.
    Item,
    /// `name`.
    Name,
    /// `text`.
    Text,
    /// `place`.
    Place,
    /// `participants`.
    Participants,
    /// The figures as a whole (`new`'s `--figure`).
    Figures,
    /// One figure, by its key.
    Figure(String),
}

impl EntryField {
    /// The option of `new` that gives the field, as its findings name it.
    pub fn option(&self) -> &'static str {
        match self {
            EntryField::Date => "--date",
            EntryField::Item => "--item",
            EntryField::Name => "--name",
            EntryField::Text => "--text",
            EntryField::Place => "--place",
            EntryField::Participants => "--participants",
            EntryField::Figures | EntryField::Figure(_) => "--figure",
        }
    }

    /// The field a finding's dotted path names by its last key: `[3].figures.visits`
    /// is the figure `visits`, `[0].date` and a parse error's `date` the date; `None`
    /// for a key the form has no field for.
    pub fn of_path(path: &str) -> Option<EntryField> {
        let tail = path.rsplit_once("].").map_or(path, |(_, tail)| tail);
        Some(match tail {
            "date" => EntryField::Date,
            "item" => EntryField::Item,
            "name" => EntryField::Name,
            "text" => EntryField::Text,
            "place" => EntryField::Place,
            "participants" => EntryField::Participants,
            // An unknown key `figure:` (for `figures:`) is about the figures too.
            "figures" | "figure" => EntryField::Figures,
            other => EntryField::Figure(other.strip_prefix("figures.")?.to_owned()),
        })
    }
}

/// What the help of a finding `check --fix` repairs ends with: the command.
const FIXED_BY_CHECK: &str = "（annual-report check --fix 可以自动改正）";

/// A finding: an error or a warning at a place in the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E004`, for documentation and suppression.
    pub code: &'static str,
    /// What is wrong, in Chinese.
    pub message: String,
    /// Where; `None` only for findings about the directory as a whole.
    pub location: Option<Location>,
    /// Dotted path of the field, e.g. `sections[2].items[0].id`.
    pub field: Option<String>,
    /// The values that would be accepted, where there is a closed list.
    pub allowed: Vec<String>,
    /// A suggestion, in Chinese.
    pub help: Option<String>,
    /// How many characters from the column to underline.
    pub width: u32,
    /// The activity field it concerns, when the finding was made about one (`new`'s
    /// checks); see [`Diagnostic::entry_field`].
    #[serde(skip)]
    pub entry: Option<EntryField>,
    /// For a slip `check --fix` repairs, the fix in words without the command (the
    /// help names it): the clerk's page, whose user may have no terminal, says it in
    /// its own words.
    #[serde(skip)]
    pub fix: Option<String>,
}

impl Diagnostic {
    /// An error with the given code and message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning with the given code and message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            codes::is_registered(code, severity),
            "{code} is not a registered {severity} code (diag::codes::CODES)"
        );
        Self {
            severity,
            code,
            message: message.into(),
            location: None,
            field: None,
            allowed: Vec::new(),
            help: None,
            width: 1,
            entry: None,
            fix: None,
        }
    }

    /// Places the finding.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Names the field.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Names the activity field given by an option of `new` (the option is the field
    /// its message names).
    pub fn option(mut self, field: EntryField) -> Self {
        self.field = Some(field.option().to_owned());
        self.entry = Some(field);
        self
    }

    /// The activity field the finding concerns: the one it was made about, else the
    /// one its field's path names.
    pub fn entry_field(&self) -> Option<EntryField> {
        self.entry
            .clone()
            .or_else(|| self.field.as_deref().and_then(EntryField::of_path))
    }

    /// Adds the fix of a slip `check --fix` repairs: the help is the fix followed by
    /// the command.
    pub fn fixed_by_check(mut self, fix: impl Into<String>) -> Self {
        let fix = fix.into();
        self.help = Some(format!("{fix}{FIXED_BY_CHECK}"));
        self.fix = Some(fix);
        self
    }

    /// Lists the accepted values.
    pub fn allowed<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed = values.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a suggestion.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets how many characters to underline.
    pub fn width(mut self, width: usize) -> Self {
        self.width = u32::try_from(width.max(1)).unwrap_or(u32::MAX);
        self
    }

    /// Whether this finding stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:column: 错误[E001]: message (字段 x；可选值：a、b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(field) = &self.field {
            write!(f, "（字段 {field}）")?;
        }
        if !self.allowed.is_empty() {
            write!(f, "；可选值：{}", self.allowed.join("、"))?;
        }
        Ok(())
    }
}

/// Everything a check found, with the files it read (for snippets).
#[derive(Debug, Default)]
pub struct Report {
    /// The files read, in reading order.
    pub sources: Vec<SourceFile>,
    /// Findings in file and line order, errors and warnings mixed.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// Orders findings by file, line and column so output is stable.
    pub fn sort(&mut self) {
        let order: Vec<Arc<str>> = self.sources.iter().map(|s| s.name.clone()).collect();
        let rank = |d: &Diagnostic| {
            d.location.as_ref().map(|l| {
                let file = order
                    .iter()
                    .position(|n| *n == l.file)
                    .unwrap_or(usize::MAX);
                (file, l.line, l.column)
            })
        };
        self.diagnostics.sort_by_key(|d| rank(d));
    }

    /// The first place at or after `at` in its file where `needle` is written, as a
    /// precise line and column (in characters); `at` itself when it cannot be found
    /// (a text folded across lines, say).
    pub fn find_after(&self, at: &Location, needle: &str) -> Location {
        let Some(source) = self.source_of(at) else {
            return at.clone();
        };
        let first_line = at.line.max(1) as usize;
        let Some(first) = source.line(first_line) else {
            return at.clone();
        };
        let skip = at.column.saturating_sub(1) as usize;
        let rest_start = source.line_starts[first_line - 1]
            + first
                .char_indices()
                .nth(skip)
                .map_or(first.len(), |(i, _)| i);
        // One search through the rest of the file, not one per line: a text that is
        // not written as such (escaped, folded) is looked for to the end of the file.
        let mut from = rest_start;
        while let Some(found) = source.text[from..].find(needle) {
            let start = from + found;
            let n = source.line_starts.partition_point(|&s| s <= start);
            let line_start = source.line_starts[n - 1];
            let line = source.line(n).unwrap_or_default();
            if start + needle.len() <= line_start + line.len() {
                let column = if n == first_line {
                    skip + source.text[rest_start..start].chars().count()
                } else {
                    source.text[line_start..start].chars().count()
                };
                return Location {
                    file: at.file.clone(),
                    line: u32::try_from(n).unwrap_or(u32::MAX),
                    column: u32::try_from(column + 1).unwrap_or(u32::MAX),
                };
            }
            // The match runs over the end of its line; a line holds none after it.
            match source.line_starts.get(n) {
                Some(&next) => from = next,
                None => break,
            }
        }
        at.clone()
    }

    /// The text of the file a location points into.
    pub fn source_of(&self, location: &Location) -> Option<&SourceFile> {
        self.sources.iter().find(|s| s.name == location.file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The search line by line that `find_after` replaced, as the reference.
    fn find_line_by_line(report: &Report, at: &Location, needle: &str) -> Location {
        let source = report.source_of(at).expect("a source");
        let first_line = at.line.max(1) as usize;
        (first_line..)
            .map_while(|n| source.line(n).map(|line| (n, line)))
            .find_map(|(n, line)| {
                let skip = if n == first_line {
                    at.column.saturating_sub(1) as usize
                } else {
                    0
                };
                let rest_start = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
                let rest = &line[rest_start..];
                rest.find(needle).map(|byte| Location {
                    file: at.file.clone(),
                    line: n as u32,
                    column: (skip + rest[..byte].chars().count() + 1) as u32,
                })
            })
            .unwrap_or_else(|| at.clone())
    }

    fn report_of(text: &str) -> Report {
        Report {
            sources: vec![SourceFile::new(
                Arc::from("a.yaml"),
                PathBuf::from("a.yaml"),
                text.to_owned(),
            )],
            diagnostics: Vec::new(),
        }
    }

    proptest! {
        /// Texts of a few characters (CJK, marks, line breaks, CR) and needles cut
        /// from the same alphabet, from every line and column: the same place.
        #[test]
        fn find_after_finds_what_the_line_by_line_search_found(
            text in "[甲乙a，\\r\\n ]{0,40}",
            needle in "[甲乙a，\\r\\n]{0,3}",
            line in 0u32..8,
            column in 0u32..12,
        ) {
            let report = report_of(&text);
            let at = Location { file: Arc::from("a.yaml"), line, column };
            prop_assert_eq!(
                report.find_after(&at, &needle),
                find_line_by_line(&report, &at, &needle)
            );
        }
    }

    #[test]
    fn a_finding_names_its_activity_field_without_the_words_it_prints() {
        // `new` names the option; the page gets the field itself.
        let d = Diagnostic::error("E020", "x").option(EntryField::Date);
        assert_eq!(d.field.as_deref(), Some("--date"));
        assert_eq!(d.entry_field(), Some(EntryField::Date));
        // `check` names a path in the log.
        let figure = Diagnostic::error("E024", "x").field("[3].figures.visits");
        assert_eq!(
            figure.entry_field(),
            Some(EntryField::Figure("visits".into()))
        );
        assert_eq!(
            Diagnostic::error("E001", "x").field("year").entry_field(),
            None
        );
        // A slip's help names the command; its fix is kept without it.
        let slip = Diagnostic::error("E019", "x").fixed_by_check("写成 3");
        assert_eq!(
            slip.help.as_deref(),
            Some("写成 3（annual-report check --fix 可以自动改正）")
        );
        assert_eq!(slip.fix.as_deref(), Some("写成 3"));
    }

    #[test]
    fn a_needle_is_found_on_a_later_line_with_its_column_in_characters() {
        let report = report_of("text: |\r\n  开展活动\r\n  妇女之家“活动”\r\n");
        let at = Location {
            file: Arc::from("a.yaml"),
            line: 1,
            column: 1,
        };
        let found = report.find_after(&at, "“活动”");
        assert_eq!((found.line, found.column), (3, 7));
        let missing = report.find_after(&at, "活动\r\n");
        assert_eq!(missing, at);
    }
}
