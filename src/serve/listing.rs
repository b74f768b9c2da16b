//! The year's activities as the page lists them: by section and item, in log order,
//! each with the place of its bytes (for edit and delete) and the findings of `check`
//! that point into it. Read from the files as they are, errors and all, so a broken
//! entry can be shown and corrected.

use crate::diag::{Diagnostic, EntryField, SourceFile};
use crate::ledger::entry::{self, Choices, entry_version};
use crate::ledger::load::{self, ACTIVITIES_DIR};
use crate::ledger::model::{ActivitySpec, FigureValue};
use serde::Serialize;
use std::path::Path;

/// A finding as the page shows it: the terminal's words, and the form field it
/// concerns when it names one.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Finding {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What was found, for a browser user: 错误/警告, the message and the allowed
    /// values, with the code last; not the file and line, which `place` holds.
    pub text: String,
    /// Where in the ledger's files, as a detail: `文件 report.yaml 第 4 行第 3 列`.
    pub place: Option<String>,
    /// `check`'s suggestion.
    pub help: Option<String>,
    /// The form field it concerns, if any.
    #[serde(skip)]
    pub field: Option<EntryField>,
}

impl Finding {
    /// The page's view of a diagnostic.
    pub fn of(d: &Diagnostic) -> Self {
        let mut text = format!("{}：{}", d.severity, d.message);
        if !d.allowed.is_empty() {
            text.push_str(&format!("；可选值：{}", d.allowed.join("、")));
        }
        text.push_str(&format!("（{}）", d.code));
        Self {
            severity: if d.is_error() { "error" } else { "warning" },
            text,
            place: d
                .location
                .as_ref()
                .map(|at| format!("文件 {} 第 {} 行第 {} 列", at.file, at.line, at.column)),
            help: for_the_page(d),
            field: d.entry_field(),
        }
    }
}

/// A suggestion as the page gives it: a slip `check --fix` repairs is also one to
/// correct by hand, which a clerk in a browser can do without a terminal.
fn for_the_page(d: &Diagnostic) -> Option<String> {
    match &d.fix {
        Some(fix) => Some(format!(
            "{fix}：用文本编辑器（如记事本）打开上面写的文件，到所示的行和列改正这个字符后保存，本页面会自动更新；也可以在终端里运行 annual-report check --fix 自动改正"
        )),
        None => d.help.clone(),
    }
}

/// One activity entry as listed.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct EntryView {
    /// The log, relative to `activities/`, with `/` separators.
    pub file: String,
    /// Place among the log's entries.
    pub index: usize,
    /// Version of its bytes.
    pub version: String,
    /// Whether its bytes could be told apart in the log (edit and delete offered).
    pub editable: bool,
    /// First and last line in the log.
    pub lines: (usize, usize),
    /// First line, for the page.
    pub first_line: usize,
    /// Address of the edit form for it.
    pub edit_href: String,
    /// The label of the item's 一是 entry the activity is filed under (its `item`
    /// names the entry, not the item); `None` when filed under the item itself.
    pub part: Option<String>,
    /// Fields as written.
    pub date: String,
    /// 1–12 when the date reads as one.
    pub month: Option<u32>,
    /// Item id as written.
    pub item: String,
    /// Short name for the list sentence, possibly empty.
    pub name: String,
    /// Text.
    pub text: String,
    /// Place.
    pub place: String,
    /// Participants as written.
    pub participants: String,
    /// Figures, key and value: as written, or with the figure's declared places
    /// when the value is one of the figure (3.00 for `decimals: 2`).
    pub figures: Vec<(String, String)>,
    /// The figures for reading: 接待妇女来访 2 件、来访人次 3 人次.
    pub figure_text: String,
    /// Findings that point into the entry.
    pub findings: Vec<Finding>,
    /// Whether one of them is an error.
    pub has_error: bool,
    /// An anchor for the page.
    pub anchor: String,
}

/// An item with its entries.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ItemView {
    /// Id.
    pub id: String,
    /// Title, lead or fixed text, else its summary or list sentence with … for
    /// each placeholder; empty when it has no words.
    pub label: String,
    /// Entries in log order, those filed under its 一是 entries included.
    pub entries: Vec<EntryView>,
    /// The ids of its 一是 entries (an activity's `item` may name one of them).
    #[serde(skip)]
    pub parts: Vec<String>,
}

/// A section with its items.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SectionView {
    /// Heading.
    pub title: String,
    /// Items in report order.
    pub items: Vec<ItemView>,
}

/// The listed ledger.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Listing {
    /// Sections in report order.
    pub sections: Vec<SectionView>,
    /// Entries whose item is not in report.yaml.
    pub unplaced: Vec<EntryView>,
    /// Findings that point into no listed entry.
    pub general: Vec<Finding>,
    /// The page's heading when there is no summary yet: 2023年茶盘洲镇妇联工作台账.
    pub heading: String,
    /// What the form offers: items with their titles, declared figures; `None` when
    /// report.yaml cannot be read.
    #[serde(skip)]
    pub choices: Option<Choices>,
}

impl Listing {
    /// The ledger as loaded from `dir` (`None` when report.yaml could not be read),
    /// with every finding placed beside its entry (same file, line within the entry),
    /// the others in `general`. Each entry's range and version come from the very text
    /// that was parsed (`sources`, as loaded), never from a second reading of the file,
    /// which an editor may have saved in between.
    pub fn of_loaded(
        dir: &Path,
        ledger: Option<&load::Ledger>,
        sources: &[SourceFile],
        findings: &[Diagnostic],
    ) -> Listing {
        let mut listing = Listing::default();
        let Some(ledger) = ledger else {
            listing.general = findings.iter().map(Finding::of).collect();
            return listing;
        };
        listing.choices = Some(Choices::of_ledger(ledger));
        listing.heading = format!(
            "{}年{}工作台账",
            ledger.report.year.value, ledger.report.organization.name.value
        );
        let mut entries = Vec::new();
        for log in &ledger.logs {
            let text = sources
                .iter()
                .find(|source| source.name == log.file)
                .map_or("", |source| source.text.as_str());
            entries.extend(log_entries(dir, &log.file, text, &log.activities));
        }
        for entry in &mut entries {
            for (key, value) in &mut entry.figures {
                if let Some(decl) = ledger.report.figures.get(key) {
                    *value = with_places(decl, value);
                }
            }
            entry.figure_text = figure_text(&ledger.report.figures, &entry.figures);
        }
        let mut placed = vec![false; findings.len()];
        for entry in &mut entries {
            let name = display_name(dir, &entry.file);
            for (n, d) in findings.iter().enumerate() {
                let inside = d.location.as_ref().is_some_and(|l| {
                    *l.file == *name && (entry.lines.0..=entry.lines.1).contains(&(l.line as usize))
                });
                if inside && !placed[n] {
                    placed[n] = true;
                    entry.findings.push(Finding::of(d));
                    entry.has_error |= d.is_error();
                }
            }
        }
        listing.general = findings
            .iter()
            .zip(&placed)
            .filter(|(_, placed)| !**placed)
            .map(|(d, _)| Finding::of(d))
            .collect();
        for section in &ledger.report.sections {
            let items = section
                .items
                .iter()
                .map(|item| ItemView {
                    id: item.id.value.clone(),
                    // The words the form's select shows (an item with only
                    // sentences is named by them).
                    label: listing
                        .choices
                        .as_ref()
                        .and_then(|c| c.items.iter().find(|i| i.id == item.id.value))
                        .map(|i| i.label.clone())
                        .unwrap_or_default(),
                    entries: Vec::new(),
                    parts: item.entries.iter().map(|e| e.id.value.clone()).collect(),
                })
                .collect();
            listing.sections.push(SectionView {
                title: section.title.value.clone(),
                items,
            });
        }
        for mut entry in entries {
            let label = listing
                .choices
                .as_ref()
                .and_then(|c| c.items.iter().find(|i| i.id == entry.item))
                .map(|i| i.label.clone());
            let home = listing
                .sections
                .iter_mut()
                .flat_map(|s| s.items.iter_mut())
                .find(|i| i.id == entry.item || i.parts.contains(&entry.item));
            match home {
                Some(item) => {
                    if item.id != entry.item {
                        entry.part = label;
                    }
                    item.entries.push(entry);
                }
                None => listing.unplaced.push(entry),
            }
        }
        listing
    }

    /// How many entries the ledger holds.
    pub fn count(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| i.entries.len())
            .sum::<usize>()
            + self.unplaced.len()
    }

    /// The entry at `file` and `index`, as listed.
    pub fn entry(&self, file: &str, index: usize) -> Option<&EntryView> {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|i| &i.entries)
            .chain(&self.unplaced)
            .find(|e| e.file == file && e.index == index)
    }
}

/// How the loader names the log `relative` (to `activities/`) in its findings.
fn display_name(dir: &Path, relative: &str) -> String {
    dir.join(ACTIVITIES_DIR)
        .join(relative)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The entries of one log, matched with the bytes of `text`, the text they were
/// parsed from.
fn log_entries(dir: &Path, shown: &str, text: &str, activities: &[ActivitySpec]) -> Vec<EntryView> {
    let activities_dir = dir.join(ACTIVITIES_DIR);
    let relative = Path::new(shown)
        .strip_prefix(&activities_dir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| shown.to_owned());
    let entries = entry::log_entries(text).filter(|entries| entries.len() == activities.len());
    activities
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let (version, lines, editable) = match &entries {
                Some(entries) => {
                    let entry = &entries[index];
                    let span = entry.span.clone();
                    let first = text[..span.start].matches('\n').count() + 1;
                    let last = first + text[span].trim_end().matches('\n').count();
                    (entry.version.clone(), (first, last), entry.alone.is_some())
                }
                None => {
                    let line = spec.date.referenced.line() as usize;
                    (String::new(), (line, line), false)
                }
            };
            let value = |v: &FigureValue| match v {
                FigureValue::Integer(n) => n.to_string(),
                FigureValue::Other(s) => s.clone(),
            };
            let date = spec.date.value.clone();
            EntryView {
                anchor: format!("e-{}-{index}", entry_version(&relative, &(0..0))),
                first_line: lines.0,
                edit_href: format!(
                    "/edit?file={}&index={index}#entry-form",
                    super::url::encode(&relative)
                ),
                file: relative.clone(),
                index,
                version,
                editable,
                lines,
                month: crate::text::parse_date(&date).map(|d| chrono::Datelike::month(&d)),
                date,
                part: None,
                item: spec.item.value.clone(),
                name: spec
                    .name
                    .as_ref()
                    .map(|n| n.value.clone())
                    .unwrap_or_default(),
                text: spec
                    .text
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                place: spec
                    .place
                    .as_ref()
                    .map(|p| p.value.clone())
                    .unwrap_or_default(),
                participants: spec
                    .participants
                    .as_ref()
                    .map(|p| value(&p.value))
                    .unwrap_or_default(),
                figures: spec
                    .figures
                    .0
                    .iter()
                    .map(|(k, v)| (k.value.clone(), value(&v.value)))
                    .collect(),
                figure_text: String::new(),
                findings: Vec::new(),
                has_error: false,
            }
        })
        .collect()
}

/// Figures named by their declared labels and units, as the list shows them (the
/// values already printed with their declared places).
fn figure_text(
    declared: &crate::ledger::model::OrderedMap<crate::ledger::model::FigureDecl>,
    figures: &[(String, String)],
) -> String {
    figures
        .iter()
        .map(|(key, value)| match declared.get(key) {
            Some(decl) => {
                let unit = decl.unit.as_ref().map_or("", |u| u.value.as_str());
                format!("{} {value}{unit}", decl.label.value)
            }
            None => format!("{key} {value}"),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// A figure's value as written, printed with the figure's declared places as `stats`
/// prints it (3.00 for `decimals: 2`); as written when it is no value of the figure
/// (its finding says why).
fn with_places(decl: &crate::ledger::model::FigureDecl, value: &str) -> String {
    let decimals = decl
        .decimals
        .as_ref()
        .map_or(0, |d| d.value.min(crate::amount::MAX_DECIMALS));
    match crate::amount::read(value, decimals) {
        crate::amount::Reading::Value(scaled) => {
            crate::amount::Amount::new(scaled, decimals).to_string()
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::source::LedgerSource;

    #[test]
    fn ranges_and_versions_come_from_the_text_that_was_parsed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/chapanzhou-2023");
        let log = dir.join("activities/2023-03.yaml");
        let on_disk = std::fs::read_to_string(&log).unwrap();
        // The text as parsed differs from the file read later (an editor saved
        // in between): the listing must describe the parsed text.
        let parsed = on_disk.replacen("visits: 1, visitors: 2", "visits: 5, visitors: 2", 1);
        assert_ne!(parsed, on_disk);
        let source = LedgerSource::directory(&dir).with_file(&log, parsed.clone());
        let loaded = load::load_source(&source);
        let listing = Listing::of_loaded(&dir, loaded.ledger.as_ref(), &loaded.report.sources, &[]);
        let entry = listing.entry("2023-03.yaml", 1).unwrap();
        let spans = entry::entry_spans(&parsed).unwrap();
        assert_eq!(entry.version, entry_version(&parsed, &spans[1]));
        assert_eq!(
            entry.figures,
            [
                ("visits".into(), "5".into()),
                ("visitors".into(), "2".into())
            ]
        );
        assert!(entry.editable);
    }
}
