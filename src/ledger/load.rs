//! Reading a report directory: `report.yaml` and every activity log under
//! `activities/`, each parsed with serde-saphyr into the [`crate::ledger::model`] types.
//! Failures become located [`Diagnostic`]s; a broken log does not hide the others.

use crate::diag::{Diagnostic, Location, Report, SourceFile};
use crate::ledger::model::{ActivitySpec, ReportSpec};
use crate::ledger::source::LedgerSource;
use serde::de::DeserializeOwned;
use serde_saphyr::{DuplicateKeyPolicy, Error as YamlError, Options};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Name of the report description inside a report directory.
pub const REPORT_FILE: &str = "report.yaml";
/// Folder of activity logs inside a report directory.
pub const ACTIVITIES_DIR: &str = "activities";
pub use crate::limits::MAX_FILE_BYTES;

/// A report directory as read from disk.
#[derive(Debug)]
pub struct Ledger {
    /// The directory.
    pub dir: PathBuf,
    /// `report.yaml`, with the name its messages use.
    pub report: ReportSpec,
    /// File name of `report.yaml` as shown in messages.
    pub report_file: Arc<str>,
    /// Activity logs that parsed, in path order.
    pub logs: Vec<ActivityLog>,
    /// Whether some activity log could not be read or parsed (then the ledger's
    /// activities are known to be incomplete).
    pub logs_incomplete: bool,
}

/// One activity log file.
#[derive(Debug)]
pub struct ActivityLog {
    /// File name as shown in messages.
    pub file: Arc<str>,
    /// Entries in file order.
    pub activities: Vec<ActivitySpec>,
}

/// The outcome of loading: the ledger when `report.yaml` could be read, and the
/// findings (with the sources read) either way.
#[derive(Debug)]
pub struct Loaded {
    /// `None` when `report.yaml` is missing or does not parse.
    pub ledger: Option<Ledger>,
    /// Files read and findings so far.
    pub report: Report,
}

/// Reads `dir/report.yaml` and all `dir/activities/**/*.yaml` (sorted by path).
pub fn load(dir: &Path) -> Loaded {
    load_source(&LedgerSource::directory(dir))
}

/// Reads a ledger from its source: the directory's files, the changed ones as held
/// in memory (a new log among them).
pub fn load_source(source: &LedgerSource) -> Loaded {
    let dir = source.dir();
    let mut report = Report::default();
    let report_path = dir.join(REPORT_FILE);
    let spec: Option<ReportSpec> = parse_file(source, &report_path, &mut report);
    let report_file = display_name(&report_path);
    let mut logs = Vec::new();
    let mut logs_incomplete = false;
    let activities_dir = dir.join(ACTIVITIES_DIR);
    let mut paths = activity_files(&activities_dir, &mut report);
    for new in source.changed_below(&activities_dir) {
        if !paths.contains(new) {
            paths.push(new.clone());
        }
    }
    paths.sort();
    // Logs parse independently, each into its own findings, merged back in path order
    // so messages never depend on scheduling. Only a large ledger is parsed in
    // parallel: for a usual one, waking rayon's workers costs more than the parsing,
    // and a batch already keeps every core busy with whole reports.
    let parse = |path: PathBuf| {
        let mut own = Report::default();
        let activities = parse_file::<Vec<ActivitySpec>>(source, &path, &mut own);
        (path, activities, own)
    };
    let parsed: Vec<(PathBuf, Option<Vec<ActivitySpec>>, Report)> =
        if total_bytes(&paths) >= PARALLEL_PARSE_BYTES {
            use rayon::prelude::*;
            paths.into_par_iter().map(parse).collect()
        } else {
            paths.into_iter().map(parse).collect()
        };
    for (path, activities, mut own) in parsed {
        report.sources.append(&mut own.sources);
        report.diagnostics.append(&mut own.diagnostics);
        match activities {
            Some(activities) => logs.push(ActivityLog {
                file: display_name(&path),
                activities,
            }),
            None => logs_incomplete = true,
        }
    }
    let ledger = spec.map(|report| Ledger {
        dir: dir.to_path_buf(),
        report,
        report_file,
        logs,
        logs_incomplete,
    });
    Loaded { ledger, report }
}

/// Ledgers whose activity logs hold at least this many bytes are parsed in parallel.
const PARALLEL_PARSE_BYTES: u64 = 1024 * 1024;

/// The summed size of the files (those that cannot be read count as empty; reading
/// them reports the error).
fn total_bytes(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .sum()
}

/// How a path is shown in messages: as given, with `/` separators.
fn display_name(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().replace('\\', "/"))
}

/// All `.yaml` / `.yml` files below `dir`, sorted so that the order never depends on
/// the file system.
fn activity_files(dir: &Path, report: &mut Report) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    // Directories already listed, by their real path: a symbolic link back up the tree
    // would otherwise be walked for ever.
    let mut seen = std::collections::HashSet::new();
    while let Some(current) = pending.pop() {
        // A directory whose real path cannot be found is listed under its own name:
        // if it cannot be read either, read_dir below says so.
        if !seen.insert(std::fs::canonicalize(&current).unwrap_or_else(|_| current.clone())) {
            continue;
        }
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && current == dir => break,
            Err(e) => {
                report.diagnostics.push(Diagnostic::error(
                    "E001",
                    format!(
                        "无法读取目录 {}：{}",
                        current.display(),
                        crate::diag::io_reason(&e)
                    ),
                ));
                continue;
            }
        };
        for entry in entries {
            let path = match entry {
                Ok(entry) => entry.path(),
                Err(e) => {
                    report.diagnostics.push(Diagnostic::error(
                        "E001",
                        format!(
                            "无法读取目录 {} 中的条目：{}",
                            current.display(),
                            crate::diag::io_reason(&e)
                        ),
                    ));
                    continue;
                }
            };
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The activity logs below `folder`, in path order, with any folder that could not be
/// listed reported (for `check --fix`, which repairs the files as they are).
pub fn ledger_files(folder: &Path) -> (Vec<PathBuf>, Report) {
    let mut report = Report::default();
    let files = activity_files(folder, &mut report);
    (files, report)
}

/// The parser settings for ledgers: duplicate keys are errors (never "last wins"),
/// booleans are only `true` / `false`, nesting and alias expansion stay within
/// [`crate::limits`].
fn yaml_options() -> Options {
    let mut options = Options::default();
    options.budget = Some(crate::limits::yaml_budget());
    options.alias_limits = crate::limits::alias_limits();
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.strict_booleans = true;
    options.with_snippet = false;
    options
}

/// Reads and parses one file (its text in memory when the source changed it),
/// recording it as a source and any failure as a finding.
fn parse_file<T: DeserializeOwned>(
    source: &LedgerSource,
    path: &Path,
    report: &mut Report,
) -> Option<T> {
    let name = display_name(path);
    let read = match source.changed(path) {
        Some(text) if text.len() as u64 > MAX_FILE_BYTES => Err(format!(
            "文件过大，单个台账文件不能超过 {} MiB，请按月拆分",
            MAX_FILE_BYTES / (1024 * 1024)
        )),
        Some(text) => Ok(text.as_bytes().to_vec()),
        None => read_limited(path),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(message) => {
            report
                .diagnostics
                .push(Diagnostic::error("E001", message).at(Location {
                    file: name,
                    line: 1,
                    column: 1,
                }));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let location = location_of_byte(&name, &bytes[..valid]);
            report
                .sources
                .push(SourceFile::new(name, path.to_path_buf(), text));
            report.diagnostics.push(
                Diagnostic::error("E002", "文件不是 UTF-8 编码")
                    .at(location)
                    .help("请用 UTF-8 编码另存该文件（记事本“另存为”时选择 UTF-8）"),
            );
            return None;
        }
    };
    let parsed = if text.trim().is_empty() {
        report.diagnostics.push(
            Diagnostic::error("E003", "文件为空")
                .at(Location {
                    file: name.clone(),
                    line: 1,
                    column: 1,
                })
                .help("报告目录的 report.yaml 与活动文件都不能为空"),
        );
        None
    } else {
        match serde_saphyr::from_str_with_options::<T>(&text, yaml_options()) {
            Ok(value) => Some(value),
            Err(error) => {
                let diagnostic = yaml_diagnostic(&error, &name, &text);
                report
                    .diagnostics
                    .push(input_method_slip(&text, &name, &diagnostic).unwrap_or(diagnostic));
                None
            }
        }
    };
    report
        .sources
        .push(SourceFile::new(name, path.to_path_buf(), text));
    parsed
}

#[cfg(test)]
thread_local! {
    /// The files this thread read from disk, in order (for tests that count readings).
    pub(crate) static READS: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. The limit is enforced on the
/// bytes read, not only on the size the file claims (a file still being written, or a
/// kernel file such as /proc/self/pagemap, reports a size it does not keep to): reading
/// stops one chunk past the limit.
fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    #[cfg(test)]
    READS.with(|reads| reads.borrow_mut().push(path.to_path_buf()));
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => format!("找不到文件 {}", path.display()),
        _ => format!(
            "无法读取 {}：{}",
            path.display(),
            crate::diag::io_reason(&e)
        ),
    };
    let limit_mib = MAX_FILE_BYTES / (1024 * 1024);
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(format!(
            "{} 不是普通文件（是目录、设备或管道），台账只能是 YAML 文本文件",
            path.display()
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "文件过大（{:.1} MiB），单个台账文件不能超过 {limit_mib} MiB，请按月拆分",
            metadata.len() as f64 / (1024.0 * 1024.0),
        ));
    }
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // Whole chunks of a power of two: kernel files that are read in fixed-size
    // records accept them.
    let mut chunk = vec![0u8; READ_CHUNK_BYTES];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        };
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "文件过大（读取超过 {limit_mib} MiB 仍未结束），单个台账文件不能超过 {limit_mib} MiB，请按月拆分"
            ));
        }
    }
}

/// Size of each read of a ledger file.
const READ_CHUNK_BYTES: usize = 64 * 1024;

/// Line and column of the byte just after `prefix` (the first byte that is not UTF-8).
fn location_of_byte(file: &Arc<str>, prefix: &[u8]) -> Location {
    let prefix = String::from_utf8_lossy(prefix);
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location {
        file: file.clone(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// The key written on line `line` of `text` (`key: value` or `- key: value`), used to
/// name the field of a parser error.
fn key_on_line(text: &str, line: u32) -> Option<String> {
    let raw = text.lines().nth(line.checked_sub(1)? as usize)?;
    let body = raw.trim_start().trim_start_matches("- ").trim_start();
    let (key, _) = body.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains(' ')).then(|| key.to_owned())
}

/// The line (1-based) where `text` first fails to parse as `T`, `None` when it parses
/// (for `check --fix`, which tries its repairs against the parser).
pub(crate) fn first_parse_error<T: DeserializeOwned>(text: &str) -> Option<u32> {
    let error = serde_saphyr::from_str_with_options::<T>(text, yaml_options()).err()?;
    let location = innermost(&error).location().or_else(|| error.location());
    Some(location.map_or(1, |l| u32::try_from(l.line()).unwrap_or(u32::MAX)))
}

/// Turns a serde-saphyr error into a located Chinese message.
pub(crate) fn yaml_diagnostic(error: &YamlError, file: &Arc<str>, text: &str) -> Diagnostic {
    let inner = innermost(error);
    // An error met while replaying an alias is placed where the alias is used, not
    // inside the anchor it repeats.
    let location = alias_use(error)
        .or_else(|| inner.location())
        .or_else(|| error.location());
    let (line, column) = location
        .filter(|l| l.line() > 0)
        .map_or((1, 1), |l| (l.line() as u32, l.column().max(1) as u32));
    let at = Location {
        file: file.clone(),
        line,
        column,
    };
    let diagnostic = match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => Diagnostic::error("E010", format!("未知字段 “{field}”"))
            .field(field.clone())
            .allowed(expected.iter().copied())
            .width(field.chars().count()),
        YamlError::SerdeMissingField { field, .. } => {
            Diagnostic::error("E011", format!("缺少必填字段 “{field}”")).field(*field)
        }
        YamlError::DuplicateMappingKey { key, .. } => {
            let key = key.clone().unwrap_or_default();
            Diagnostic::error("E012", format!("重复的键 “{key}”"))
                .field(key.clone())
                .width(key.chars().count())
                .help("同一层级的键只能出现一次；重复的键会让前一项数据丢失")
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => Diagnostic::error("E013", format!("不认识的取值 “{variant}”"))
            .allowed(expected.iter().copied())
            .width(variant.chars().count()),
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            "E014",
            format!(
                "类型不对：这里应当是{}，实际是{}",
                expected_in_chinese(expected),
                unexpected_in_chinese(unexpected)
            ),
        ),
        YamlError::InvalidBooleanStrict { .. } => {
            Diagnostic::error("E014", "布尔值只能写 true 或 false").allowed(["true", "false"])
        }
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => {
            let (limit, help) = exceeded_limit(inner);
            Diagnostic::error("E015", format!("文件超出解析限制：{limit}")).help(help)
        }
        YamlError::Eof { .. } => Diagnostic::error("E016", "文件意外结束（内容不完整）"),
        YamlError::UnknownAnchor { .. } => Diagnostic::error("E017", "引用了未定义的锚点（*名称）"),
        other => {
            let english = other.to_string();
            let message = syntax_in_chinese(&english);
            if english.starts_with("expected") {
                // The YAML is well-formed but holds the wrong kind of value here.
                Diagnostic::error("E014", format!("类型不对：{message}"))
            } else {
                Diagnostic::error("E018", format!("YAML 语法错误：{message}"))
                    .help("检查缩进（只能用空格，不能用 Tab）、冒号后的空格和引号是否成对")
            }
        }
    };
    // A character YAML does not allow anywhere (DEL, a C1 control other than U+0085,
    // U+FFFE/U+FFFF, pasted in) stops the parser, which then speaks of indentation: name
    // the character itself, where it is.
    let (diagnostic, at) = match (diagnostic.code, first_unprintable(text)) {
        ("E018" | "E011" | "E014", Some((line, column, c))) => (
            Diagnostic::error(
                "E033",
                format!(
                    "文字中含有 YAML 不允许的不可见字符 U+{:04X}，文件无法读取",
                    u32::from(c)
                ),
            )
            .help("删除这个字符（多半是从其他软件复制粘贴时带进来的）"),
            Location {
                file: file.clone(),
                line,
                column,
            },
        ),
        _ => (diagnostic, at),
    };
    // The parser often stumbles only lines after a tab in the indentation (or at the
    // start of the file); the tab itself is what the clerk must fix.
    let (diagnostic, at) = match (diagnostic.code, first_indentation_tab(text)) {
        // The parser may name the line before the tab (it reads the tab as the end
        // of the previous value).
        ("E018" | "E011" | "E014", Some((tab_line, tab_column))) if tab_line <= line + 1 => (
            Diagnostic::error(
                "E018",
                "YAML 语法错误：缩进中出现了 Tab 字符，YAML 只能用空格缩进",
            )
            .help("把这一行开头的 Tab 换成空格（与上一级对齐，通常每级两个空格）"),
            Location {
                file: file.clone(),
                line: tab_line,
                column: tab_column,
            },
        ),
        _ => (diagnostic, at),
    };
    // A key indented off its siblings' column breaks the item: the parser reports a
    // missing field at the item's start, or a syntax error at the key; the clerk must
    // fix the key's indentation, at its own line.
    let (diagnostic, at) = match misaligned_key(text, &diagnostic, &at) {
        Some(misaligned) => misaligned,
        None => (diagnostic, at),
    };
    let diagnostic = match (&diagnostic.field, key_on_line(text, at.line)) {
        (None, Some(key)) => diagnostic.field(key),
        _ => diagnostic,
    };
    diagnostic.at(at)
}

/// A line of YAML as the indentation check reads it: its indentation, whether it
/// starts a sequence item, its key (if it is `key:` or `- key:`) and whether a value
/// follows the key on the line.
struct KeyLine<'a> {
    indent: usize,
    dash: bool,
    key: Option<&'a str>,
    has_value: bool,
}

fn key_line(raw: &str) -> Option<KeyLine<'_>> {
    let body = raw.trim_start_matches(' ');
    if body.is_empty() || body.starts_with('#') {
        return None;
    }
    let indent = raw.len() - body.len();
    let (dash, rest) = match body.strip_prefix("- ") {
        Some(rest) => (true, rest.trim_start_matches(' ')),
        None => (false, body),
    };
    let (key, has_value) = match rest.split_once(':') {
        Some((key, value)) if !key.is_empty() && !key.contains([' ', '"', '\'', '{', '[']) => {
            (Some(key), !value.trim().is_empty())
        }
        _ => (None, false),
    };
    Some(KeyLine {
        indent,
        dash,
        key,
        has_value,
    })
}

/// The key that is indented off its siblings where the parser failed, as an E018 at
/// the key naming the column it belongs in: after an E011 (missing `field` in the
/// item that starts at `at`), the line below writing `field:` at another column;
/// after an E018 on a line with a key, the key standing off a `- key:` item's keys
/// (between the dash and them, or deeper after a value), or deeper than a
/// `key: value` line above it.
fn misaligned_key(
    text: &str,
    diagnostic: &Diagnostic,
    at: &Location,
) -> Option<(Diagnostic, Location)> {
    let lines: Vec<&str> = text.lines().collect();
    let index = usize::try_from(at.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(at.column).ok()?.checked_sub(1)?;
    let (line, key, expected, sibling) = match diagnostic.code {
        "E011" => {
            let field = diagnostic.field.as_deref()?;
            let sibling = key_line(lines.get(index)?)?.key?;
            lines
                .iter()
                .enumerate()
                .skip(index + 1)
                .filter_map(|(n, raw)| Some((n, key_line(raw)?)))
                // The item's lines: deeper than its dash (the next item ends it).
                .take_while(|(_, l)| l.indent + 2 > column)
                .find(|(_, l)| !l.dash && l.key == Some(field) && l.indent != column)
                .map(|(n, l)| (n, l.key.unwrap_or(field), column, sibling))?
        }
        "E018" => {
            let here = key_line(lines.get(index)?)?;
            let key = here.key.filter(|_| !here.dash)?;
            let above = lines[..index].iter().rev().find_map(|raw| key_line(raw))?;
            let sibling = above.key?;
            let expected = if above.dash {
                above.indent + 2
            } else {
                above.indent
            };
            // Past the dash but not at the item's keys; or deeper than a key that
            // already has its value, which opens nothing.
            let off = if above.dash {
                here.indent > above.indent
                    && here.indent != expected
                    && (here.indent < expected || above.has_value)
            } else {
                above.has_value && here.indent > expected
            };
            if !off {
                return None;
            }
            (index, key, expected, sibling)
        }
        _ => return None,
    };
    let indent = lines[line].len() - lines[line].trim_start_matches(' ').len();
    let found = Diagnostic::error(
        "E018",
        format!(
            "缩进不对：“{key}” 缩进了 {indent} 格，应与同一项的 “{sibling}” 对齐（缩进 {expected} 格）"
        ),
    )
    .field(key)
    .width(key.chars().count())
    .help("同一项里的键要上下对齐：只用空格缩进，和上面同级的键从同一列开始");
    let location = Location {
        file: at.file.clone(),
        line: u32::try_from(line + 1).ok()?,
        column: u32::try_from(indent + 1).ok()?,
    };
    Some((found, location))
}

/// A parse error caused by a slip of the Chinese input method (a full-width colon,
/// space or dash where YAML wants ASCII), as its own message at the slip: the parser
/// names a later place and speaks of keys and indentation, not of the character.
fn input_method_slip(text: &str, file: &Arc<str>, parse_error: &Diagnostic) -> Option<Diagnostic> {
    let error_line = parse_error.location.as_ref().map_or(u32::MAX, |l| l.line);
    let slip = crate::ledger::ime::find(text)
        .into_iter()
        .find(|s| s.line <= error_line.saturating_add(1))?;
    let diagnostic = Diagnostic::error("E019", slip.kind.message())
        .width(slip.width.max(1))
        .fixed_by_check(slip.help());
    let diagnostic = match key_on_line(text, slip.line) {
        Some(key) => diagnostic.field(key),
        None => diagnostic,
    };
    Some(diagnostic.at(Location {
        file: file.clone(),
        line: slip.line,
        column: slip.column,
    }))
}

/// Line and column (1-based) of the first tab in a line's leading white space.
/// The line and column (1-based, in characters) of the first character outside YAML's
/// printable set (YAML 1.2, 5.1: tab, line breaks, U+0020–U+007E, U+0085, U+00A0–
/// U+D7FF, U+E000–U+FFFD, U+10000 and above), and the character.
fn first_unprintable(text: &str) -> Option<(u32, u32, char)> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || matches!(c, '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    };
    text.lines().enumerate().find_map(|(n, line)| {
        let (column, c) = line.chars().enumerate().find(|(_, c)| !printable(*c))?;
        Some((
            u32::try_from(n + 1).ok()?,
            u32::try_from(column + 1).ok()?,
            c,
        ))
    })
}

fn first_indentation_tab(text: &str) -> Option<(u32, u32)> {
    text.lines().enumerate().find_map(|(n, line)| {
        let indentation = line.len() - line.trim_start_matches([' ', '\t']).len();
        let column = line[..indentation].find('\t')?;
        Some((u32::try_from(n + 1).ok()?, u32::try_from(column + 1).ok()?))
    })
}

/// Which limit of [`crate::limits`] a parser budget error met, and what to do, in
/// Chinese.
fn exceeded_limit(error: &YamlError) -> (String, &'static str) {
    use crate::limits::{MAX_ALIAS_REPLAYED_EVENTS, MAX_YAML_ALIASES};
    use serde_saphyr::budget::BudgetBreach;
    const NO_ALIASES: &str = "台账中不需要 YAML 锚点与别名（& 和 *），请直接写出内容";
    match error {
        YamlError::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => (
            format!("嵌套超过 {} 层", crate::limits::MAX_YAML_DEPTH),
            "台账的结构不超过六层；检查是否误把文字写成了层层嵌套的 [ ] 或 { }",
        ),
        YamlError::Budget {
            breach: BudgetBreach::Aliases { .. },
            ..
        } => (
            format!("别名（*名称）超过 {MAX_YAML_ALIASES} 个"),
            NO_ALIASES,
        ),
        YamlError::Budget {
            breach: BudgetBreach::AliasAnchorRatio { .. },
            ..
        } => ("别名（*名称）远多于锚点（&名称）".to_owned(), NO_ALIASES),
        YamlError::Budget { .. } => ("内容过多".to_owned(), "请按月把活动拆分到几个文件中"),
        YamlError::AliasReplayStackDepthExceeded { .. } => {
            ("别名套别名的层数过多".to_owned(), NO_ALIASES)
        }
        _ => (
            format!("别名展开超过 {MAX_ALIAS_REPLAYED_EVENTS} 个节点"),
            NO_ALIASES,
        ),
    }
}

/// Where the alias was used whose replay failed (the outermost one).
fn alias_use(error: &YamlError) -> Option<serde_saphyr::Location> {
    match error {
        YamlError::WithSnippet { error, .. } => alias_use(error),
        YamlError::AliasError { locations, .. } => {
            Some(locations.reference_location).filter(|l| l.line() > 0)
        }
        _ => None,
    }
}

fn innermost(error: &YamlError) -> &YamlError {
    match error {
        YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } => {
            innermost(error)
        }
        other => other,
    }
}

fn expected_in_chinese(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    if e.contains("sequence") {
        "列表（每项以 - 开头）".into()
    } else if e.contains("struct") || e.contains("map") {
        "映射（键: 值）".into()
    } else if e.contains("string") {
        "文字".into()
    } else if e.contains("i64") || e.contains("integer") || e.contains("number") {
        "整数".into()
    } else if e.contains("bool") {
        "true 或 false".into()
    } else if e.contains("float") || e.contains("f64") {
        "数字".into()
    } else {
        "另一种值".into()
    }
}

fn unexpected_in_chinese(unexpected: &str) -> String {
    let u = unexpected.to_ascii_lowercase();
    if u.contains("sequence") {
        "列表".into()
    } else if u.contains("map") {
        "映射".into()
    } else if u.contains("string") {
        format!("文字{}", unexpected.trim_start_matches("string"))
    } else if u.contains("integer") {
        format!("整数{}", unexpected.trim_start_matches("integer"))
    } else if u.contains("float") || u.contains("floating") {
        "小数".into()
    } else if u.contains("bool") {
        format!("布尔值{}", unexpected.trim_start_matches("boolean"))
    } else if u.contains("unit") || u.contains("null") || u.contains("none") {
        "空值".into()
    } else {
        "别的内容".into()
    }
}

/// Chinese wording for the parser's complaints. A message not in the table is named by
/// its place only: no English parser text reaches a clerk.
fn syntax_in_chinese(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let known = [
        ("tab", "缩进中出现了 Tab 字符，YAML 只能用空格缩进"),
        (
            "mapping values are not allowed",
            "此处不能出现“键: 值”，可能是缩进不对或冒号后缺少空格",
        ),
        (
            "did not find expected key",
            "找不到预期的键，可能是缩进不一致",
        ),
        (
            "did not find expected",
            "结构不完整，可能是缩进不一致或括号、引号未闭合",
        ),
        ("unclosed quote", "引号没有闭合"),
        (
            "expected mapping",
            "这里应当是映射（键: 值），却写成了列表或单个值",
        ),
        (
            "expected sequence",
            "这里应当是列表（每项以 - 开头），却写成了别的",
        ),
        ("expected string", "这里应当是文字，却写成了列表或映射"),
        ("end of stream", "文件意外结束（内容不完整）"),
        (
            "block sequence entries are not allowed",
            "此处不能开始列表，可能是缩进不对",
        ),
        ("invalid indentation", "缩进不正确"),
    ];
    known
        .iter()
        .find(|(needle, _)| m.contains(needle))
        .map_or_else(
            || "这里的写法不符合 YAML 格式（缩进、冒号后的空格或引号）".to_owned(),
            |(_, zh)| (*zh).to_owned(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_on_line_reads_plain_and_list_keys() {
        let text = "a: 1\n  - item: x\n  text: \"y\"\n- 3\n";
        assert_eq!(key_on_line(text, 1).as_deref(), Some("a"));
        assert_eq!(key_on_line(text, 2).as_deref(), Some("item"));
        assert_eq!(key_on_line(text, 3).as_deref(), Some("text"));
        assert_eq!(key_on_line(text, 4), None);
        assert_eq!(key_on_line(text, 9), None);
    }

    #[test]
    fn a_tab_in_the_indentation_is_found_on_its_own_line() {
        let text = "- date: 2024-01-01\n  item: a\n- date: 2024-01-02\n\titem: b\n";
        assert_eq!(first_indentation_tab(text), Some((4, 1)));
        assert_eq!(first_indentation_tab("a: \tb\n  c\td\n"), None);
        assert_eq!(first_indentation_tab("a:\n  \tb: 1\n"), Some((2, 3)));
    }
}
