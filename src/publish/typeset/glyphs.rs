//! Glyph coverage. Typst draws a missing glyph as an empty box without a word; here
//! every character of the document is checked against the faces of its role first,
//! and a missing one is reported with the ledger position it came from.

use super::fonts::{FontLibrary, Role};
use crate::diag::{Diagnostic, Location, Report};
use crate::document::compose::Document;
use crate::ledger::year::Year;
use crate::text::RichText;
use std::collections::BTreeSet;

/// The characters each role draws, in document order, without repeats.
pub(crate) fn characters_by_role(doc: &Document) -> Vec<(Role, char)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut add = |role: Role, text: &str| {
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            if seen.insert((role as u8, c)) {
                out.push((role, c));
            }
        }
    };
    fn add_rich(text: &RichText, add: &mut dyn FnMut(Role, &str)) {
        for span in &text.0 {
            let role = if span.strong {
                Role::Hei
            } else if span.kai {
                Role::Kai
            } else {
                Role::Body
            };
            add(role, &span.text);
        }
    }
    add(Role::Title, &doc.title);
    for p in doc.opening.iter().chain(&doc.closing) {
        add_rich(p, &mut add);
    }
    if let Some(rollup) = &doc.rollup {
        add(Role::Hei, &rollup.title);
        // The table's cells are set in the body face (see `rollup-table` in
        // templates/gbt9704.typ), its fixed headings included.
        let rows = rollup
            .rows
            .iter()
            .flat_map(|row| std::iter::once(&row.organization).chain(&row.values));
        for cell in rollup.columns.iter().chain(rows).chain(&rollup.total) {
            add(Role::Body, cell);
        }
        add(Role::Body, "单位合计");
    }
    for section in &doc.sections {
        if let Some(part) = &section.part {
            add(Role::Hei, &part.number);
            add(Role::Hei, &part.title);
        }
        if section.heading {
            let role = if section.level == 2 {
                Role::Kai
            } else {
                Role::Hei
            };
            add(role, &section.number);
            add(role, &section.title);
        }
        for item in &section.items {
            match &item.title {
                Some(title) => {
                    add(Role::Kai, &item.number);
                    add(Role::Kai, title);
                }
                None => add(Role::Body, &item.number),
            }
            for p in &item.paragraphs {
                add_rich(p, &mut add);
            }
        }
    }
    if let Some(signature) = &doc.signature {
        add(Role::Body, signature.issuer.as_deref().unwrap_or_default());
        add(Role::Body, signature.date.as_deref().unwrap_or_default());
    }
    add(Role::Body, doc.note.as_deref().unwrap_or_default());
    add(Role::Song, "— 0123456789 —");
    out
}

/// Where `c` was written: the first ledger text holding it (the report's own, then its
/// roll-up members' names), refined to the exact line and column.
fn locate(c: char, year: &Year, members: &[&Year], report: &Report) -> Option<Location> {
    let own = year.texts().into_iter().map(|(_, text)| text);
    let names = members.iter().map(|member| &member.organization);
    let text = own.chain(names).find(|t| t.value.contains(c))?;
    Some(report.find_after(&text.at, &c.to_string()))
}

/// One finding per character that no face of its role can draw: an error, or a
/// warning when `allow` is set. `members` are the roll-up's member ledgers, whose
/// names the table prints.
pub fn missing_glyphs(
    doc: &Document,
    year: &Year,
    members: &[&Year],
    report: &Report,
    fonts: &FontLibrary,
    allow: bool,
) -> Vec<Diagnostic> {
    characters_by_role(doc)
        .into_iter()
        .filter(|&(role, c)| !fonts.covers(role, c))
        .map(|(role, c)| {
            let message = format!(
                "字符 “{c}”（U+{:04X}）在{}所用的字体中没有字形，会印成空白方框",
                c as u32,
                role.chinese()
            );
            let diagnostic = if allow {
                Diagnostic::warning("W030", message)
            } else {
                Diagnostic::error("E030", message)
            };
            let diagnostic = diagnostic.help(format!(
                "可安装含该字的正式字体（用 --font-path 指定目录），或改用常用字；确需照常生成时加 --allow-missing-glyphs。{}使用：{}",
                role.chinese(),
                fonts.role(role).families.join("、")
            ));
            match locate(c, year, members, report) {
                Some(at) => diagnostic.at(at),
                None => diagnostic,
            }
        })
        .collect()
}
