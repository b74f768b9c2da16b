//! The activity form: what a clerk submitted, turned into a ledger entry; and the
//! form as drawn, with the clerk's input kept and each finding beside its field.

use super::listing::{EntryView, Finding};
use crate::diag::{Diagnostic, EntryField};
use crate::ledger::entry::{Choices, EntryRef, ItemChoice, NewEntry};
use serde::Serialize;
use std::path::PathBuf;

/// A browser's text as the ledger keeps it: a text area's line breaks arrive as `\r\n`
/// (HTML's form encoding), and a `\r` would be refused as a control character.
pub(crate) fn browser_text(value: &str) -> String {
    value.replace("\r\n", "\n").replace('\r', "\n")
}

/// The fields of a posted form by name, line breaks as `\n` (the forms of the
/// structure and new-ledger pages, whose fields depend on the action).
pub(crate) struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    /// The decoded pairs of a form body.
    pub fn new(pairs: &[(String, String)]) -> Self {
        let pairs = pairs
            .iter()
            .map(|(k, v)| (k.clone(), browser_text(v)))
            .collect();
        Self { pairs }
    }

    /// The first value of `name`, "" when there is none.
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether the form has a field `name` (an empty one included).
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }
}

/// The most findings one answer to a form lists.
pub(crate) const MAX_FINDINGS_SHOWN: usize = 50;

/// The names the activity forms send besides `figures.KEY`.
const FORM_FIELDS: [&str; 11] = [
    "csrf",
    "date",
    "item",
    "name",
    "text",
    "place",
    "participants",
    "file",
    "index",
    "version",
    "submission",
];

/// The refusal of a form with fields the page never draws (names it does not have, a
/// figure the ledger does not declare) or with a field twice: one message naming the
/// first few and how many, however many were sent (a forged post of 80,000 unknown
/// fields would otherwise be answered with 80,000 findings). `None` for a form the page
/// could have sent.
pub(crate) fn unexpected_fields(
    pairs: &[(String, String)],
    choices: Option<&Choices>,
) -> Option<String> {
    let declared = |key: &str| choices.is_none_or(|c| c.figures.iter().any(|f| f.key == key));
    let mut seen = std::collections::HashSet::new();
    let mut odd: Vec<&str> = Vec::new();
    let mut count = 0usize;
    for (name, _) in pairs {
        let known = FORM_FIELDS.contains(&name.as_str())
            || name.strip_prefix("figures.").is_some_and(declared);
        if !known || !seen.insert(name.as_str()) {
            count += 1;
            if odd.len() < 3 && !odd.contains(&name.as_str()) {
                odd.push(name.as_str());
            }
        }
    }
    (count > 0).then(|| {
        let names: Vec<String> = odd
            .iter()
            .map(|n| format!("“{}”", n.chars().take(40).collect::<String>()))
            .collect();
        format!(
            "提交的表单里有本页面没有的或重复的字段（{}{}，共 {count} 个），所以没有保存：可能是页面已过期（报告结构刚改过）。请刷新页面后重新填写",
            names.join("、"),
            if count > odd.len() { " 等" } else { "" },
        )
    })
}

/// The fields of a submitted form, as typed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Submitted {
    /// The CSRF token of the page.
    pub csrf: String,
    /// `date` as typed.
    pub date: String,
    /// `item`: the chosen id.
    pub item: String,
    /// `name`: the short name for the item's list sentence.
    pub name: String,
    /// `text`.
    pub text: String,
    /// `place`.
    pub place: String,
    /// `participants` as typed.
    pub participants: String,
    /// `figures.KEY` fields, in the order sent.
    pub figures: Vec<(String, String)>,
    /// The log of the entry an edit or removal concerns, relative to `activities/`.
    pub file: String,
    /// The entry's place in its log.
    pub index: String,
    /// The version of the entry's bytes the page showed.
    pub version: String,
    /// The key of this add form, so that the same form sent twice adds once.
    pub submission: String,
}

impl Submitted {
    /// Reads the decoded pairs of a form body; unknown names are ignored. Line breaks
    /// become `\n`: browsers send a text area's as `\r\n` (HTML's form encoding), and
    /// a `\r` would be refused as a control character.
    pub fn parse(pairs: &[(String, String)]) -> Self {
        let mut form = Submitted::default();
        for (name, value) in pairs {
            let value = browser_text(value);
            match name.as_str() {
                "csrf" => form.csrf = value,
                "date" => form.date = value,
                "item" => form.item = value,
                "name" => form.name = value,
                "text" => form.text = value,
                "place" => form.place = value,
                "participants" => form.participants = value,
                "file" => form.file = value,
                "index" => form.index = value,
                "version" => form.version = value,
                "submission" => form.submission = value,
                other => {
                    if let Some(key) = other.strip_prefix("figures.") {
                        form.figures.push((key.to_owned(), value));
                    }
                }
            }
        }
        form
    }

    /// The entry to write: empty figures left out (a field the clerk did not fill).
    pub fn entry(&self) -> NewEntry {
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        NewEntry {
            date: self.date.trim().to_owned(),
            item: self.item.trim().to_owned(),
            name: optional(&self.name),
            text: self.text.clone(),
            figures: self
                .figures
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .cloned()
                .collect(),
            place: optional(&self.place),
            participants: optional(&self.participants),
            ..NewEntry::default()
        }
    }

    /// The entry an edit or removal names, when the hidden fields are well formed.
    pub fn target(&self) -> Option<EntryRef> {
        Some(EntryRef {
            file: PathBuf::from(&self.file),
            index: self.index.parse().ok()?,
            version: self.version.clone(),
        })
    }
}

/// A fresh key for an add form: 32 hexadecimal digits from the system's random
/// source; empty when it gives none (the form then works, without the protection
/// against being saved twice).
fn new_submission_key() -> String {
    let mut bytes = [0u8; 16];
    match getrandom::fill(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => String::new(),
    }
}

/// One field as drawn.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Field {
    /// What the field holds.
    pub value: String,
    /// Findings about it, in the terminal's words.
    pub errors: Vec<String>,
}

/// A declared figure's input.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FigureField {
    /// Key in the log.
    pub key: String,
    /// What is counted.
    pub label: String,
    /// Unit, possibly empty.
    pub unit: String,
    /// The keyboard a phone shows: `decimal` (with a point) for a figure with
    /// decimal places, `numeric` for whole numbers.
    pub inputmode: &'static str,
    /// What the field holds.
    pub value: String,
    /// Findings about it.
    pub errors: Vec<String>,
}

/// An option of the item select.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ItemOption {
    /// The id written in the log.
    pub id: String,
    /// What the option reads: its words and id, or the id alone when it has no words.
    pub label: String,
    /// The keys of the figures its summary sentence prints, space separated.
    pub figures: String,
    /// Whether it has a list sentence (the short name field matters for it).
    pub lists: bool,
    /// Whether it is the chosen one.
    pub selected: bool,
}

/// Options of the item select: an item alone, or an item with 一是 entries as an
/// `<optgroup>` named by the item (the item itself its first option).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ItemGroup {
    /// The optgroup's label; `None` for an item without entries (a plain option).
    pub label: Option<String>,
    /// The options.
    pub options: Vec<ItemOption>,
}

/// The form as drawn.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct FormView {
    /// Editing an existing entry (else adding one).
    pub editing: bool,
    /// The date field.
    pub date: Field,
    /// The item select.
    pub item: Field,
    /// The short name field.
    pub name: Field,
    /// The text area.
    pub text: Field,
    /// The place field.
    pub place: Field,
    /// The participants field.
    pub participants: Field,
    /// Findings about all figures at once (`new`'s `--figure`).
    pub figures_errors: Vec<String>,
    /// One input per declared figure.
    pub figures: Vec<FigureField>,
    /// The options of the item select, grouped.
    pub items: Vec<ItemGroup>,
    /// Hidden fields of an edit.
    pub file: String,
    /// Hidden: its place in the log.
    pub index: String,
    /// Hidden: the version of its bytes.
    pub version: String,
    /// Hidden: the key of an add form: the one sent when the form comes back with
    /// findings (nothing was saved under it), else a new one.
    pub submission: String,
    /// Findings about no single field.
    pub general: Vec<Finding>,
    /// The year the date must lie in: the ledger's, or of its last good reading
    /// while report.yaml cannot be read; `None` before any (the hint then names none).
    pub year: Option<i32>,
}

/// The item select's options: each item, with its 一是 entries grouped under it.
fn item_groups(choices: &Choices, chosen: &str) -> Vec<ItemGroup> {
    let option = |i: &ItemChoice, prefix: &str| ItemOption {
        id: i.id.clone(),
        label: if i.label.is_empty() {
            i.id.clone()
        } else {
            format!("{prefix}{}（{}）", i.label, i.id)
        },
        figures: i.figures.join(" "),
        lists: i.lists,
        selected: i.id == chosen,
    };
    let mut groups = Vec::new();
    for item in choices.items.iter().filter(|i| i.entry_of.is_none()) {
        let entries: Vec<&ItemChoice> = choices
            .items
            .iter()
            .filter(|e| e.entry_of.as_deref() == Some(item.id.as_str()))
            .collect();
        if entries.is_empty() {
            groups.push(ItemGroup {
                label: None,
                options: vec![option(item, "")],
            });
            continue;
        }
        let mut options = vec![option(item, "整项：")];
        options.extend(entries.into_iter().map(|e| option(e, "")));
        groups.push(ItemGroup {
            label: Some(if item.label.is_empty() {
                item.id.clone()
            } else {
                item.label.clone()
            }),
            options,
        });
    }
    groups
}

impl FormView {
    /// The form for `submitted` (empty for a new entry), with the ledger's choices.
    pub fn new(choices: Option<&Choices>, submitted: &Submitted, editing: bool) -> Self {
        let field = |value: &str| Field {
            value: value.to_owned(),
            errors: Vec::new(),
        };
        let mut form = FormView {
            editing,
            date: field(&submitted.date),
            item: field(&submitted.item),
            name: field(&submitted.name),
            text: field(&submitted.text),
            place: field(&submitted.place),
            participants: field(&submitted.participants),
            file: submitted.file.clone(),
            index: submitted.index.clone(),
            version: submitted.version.clone(),
            submission: if crate::ledger::entry::submissions::is_key(&submitted.submission) {
                submitted.submission.clone()
            } else {
                new_submission_key()
            },
            ..FormView::default()
        };
        if let Some(choices) = choices {
            form.year = Some(choices.year);
            form.items = item_groups(choices, submitted.item.trim());
            form.figures = choices
                .figures
                .iter()
                .map(|f| FigureField {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    unit: f.unit.clone(),
                    inputmode: if f.decimals > 0 { "decimal" } else { "numeric" },
                    value: submitted
                        .figures
                        .iter()
                        .find(|(k, _)| *k == f.key)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                    errors: Vec::new(),
                })
                .collect();
        }
        form
    }

    /// The form filled with an entry of the ledger, for editing it.
    pub fn editing(choices: Option<&Choices>, entry: &EntryView) -> Self {
        let submitted = Submitted {
            date: entry.date.clone(),
            item: entry.item.clone(),
            name: entry.name.clone(),
            text: entry.text.clone(),
            place: entry.place.clone(),
            participants: entry.participants.clone(),
            figures: entry.figures.clone(),
            file: entry.file.clone(),
            index: entry.index.to_string(),
            version: entry.version.clone(),
            ..Submitted::default()
        };
        let mut form = Self::new(choices, &submitted, true);
        for finding in &entry.findings {
            form.place_finding(finding.clone());
        }
        form
    }

    /// Puts each finding beside the field it names, the others at the top; the
    /// first [`MAX_FINDINGS_SHOWN`] only, and a line saying how many more there are.
    pub fn with_findings(mut self, findings: &[Diagnostic]) -> Self {
        if findings.len() > MAX_FINDINGS_SHOWN {
            self.general.push(Finding {
                severity: "error",
                text: format!(
                    "共有 {} 个问题，下面只列出前 {MAX_FINDINGS_SHOWN} 个；改正后再提交会显示其余的",
                    findings.len()
                ),
                place: None,
                help: None,
                field: None,
            });
        }
        for d in findings.iter().take(MAX_FINDINGS_SHOWN) {
            let mut finding = Finding::of(d);
            if d.field.is_some() {
                // Beside the field, the place is the form itself.
                finding.place = None;
            }
            self.place_finding(finding);
        }
        self
    }

    fn place_finding(&mut self, finding: Finding) {
        let text = match &finding.help {
            Some(help) => format!("{}（{help}）", finding.text),
            None => finding.text.clone(),
        };
        let slot = match &finding.field {
            Some(EntryField::Date) => Some(&mut self.date.errors),
            Some(EntryField::Item) => Some(&mut self.item.errors),
            Some(EntryField::Name) => Some(&mut self.name.errors),
            Some(EntryField::Text) => Some(&mut self.text.errors),
            Some(EntryField::Place) => Some(&mut self.place.errors),
            Some(EntryField::Participants) => Some(&mut self.participants.errors),
            Some(EntryField::Figures) => Some(&mut self.figures_errors),
            Some(EntryField::Figure(key)) => self
                .figures
                .iter_mut()
                .find(|f| f.key == *key)
                .map(|f| &mut f.errors),
            None => None,
        };
        match slot {
            Some(list) => list.push(text),
            None => self.general.push(finding),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_lists_at_most_its_share_of_findings_and_says_how_many_more() {
        let findings: Vec<Diagnostic> = (0..120)
            .map(|n| Diagnostic::error("E026", format!("第 {n} 个问题")))
            .collect();
        let form = FormView::new(None, &Submitted::default(), false).with_findings(&findings);
        assert_eq!(form.general.len(), MAX_FINDINGS_SHOWN + 1);
        assert!(
            form.general[0].text.contains("共有 120 个问题"),
            "{}",
            form.general[0].text
        );
        assert!(
            form.general
                .iter()
                .all(|f| !f.text.contains("第 50 个问题"))
        );
    }

    #[test]
    fn a_form_the_page_could_send_has_no_unexpected_fields() {
        let pairs = |names: &[&str]| -> Vec<(String, String)> {
            names
                .iter()
                .map(|n| ((*n).to_owned(), String::new()))
                .collect()
        };
        assert_eq!(
            unexpected_fields(
                &pairs(&["csrf", "date", "figures.visits", "submission"]),
                None
            ),
            None
        );
        let twice = unexpected_fields(&pairs(&["date", "date"]), None).unwrap();
        assert!(
            twice.contains("“date”") && twice.contains("共 1 个"),
            "{twice}"
        );
        let odd = unexpected_fields(&pairs(&["a", "b", "c", "d", "d"]), None).unwrap();
        assert!(odd.contains("“a”、“b”、“c” 等，共 5 个"), "{odd}");
    }
}
