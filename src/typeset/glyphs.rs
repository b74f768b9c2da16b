//! Glyph coverage. Typst draws a missing glyph as an empty box without a word; here
//! every character of the document is checked against the faces of its role first,
//! and a missing one is reported with the ledger position it came from.

use super::fonts::{FontLibrary, Role};
use crate::check::{Located, Year};
use crate::compose::Document;
use crate::diag::{Diagnostic, Location, Report};
use crate::text::RichText;
use std::collections::BTreeSet;

/// The characters each role draws, in document order, without repeats.
fn characters_by_role(doc: &Document) -> Vec<(Role, char)> {
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
            add(if span.strong { Role::Hei } else { Role::Body }, &span.text);
        }
    }
    add(Role::Title, &doc.title);
    for p in doc.opening.iter().chain(&doc.closing) {
        add_rich(p, &mut add);
    }
    for section in &doc.sections {
        add(Role::Hei, &section.number);
        add(Role::Hei, &section.title);
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
        add(Role::Body, &signature.issuer);
        add(Role::Body, signature.date.as_deref().unwrap_or_default());
    }
    add(Role::Body, doc.note.as_deref().unwrap_or_default());
    add(Role::Song, "— 0123456789 —");
    out
}

/// Every ledger text that reaches the PDF, with where it was written.
fn ledger_texts(year: &Year) -> Vec<&Located<String>> {
    let mut out = vec![&year.title, &year.organization, &year.opening];
    for section in &year.sections {
        out.push(&section.title);
        for item in &section.items {
            out.extend(
                [&item.title, &item.lead, &item.text, &item.summary]
                    .into_iter()
                    .flatten(),
            );
            out.extend(item.activities.iter().filter_map(|a| a.text.as_ref()));
        }
    }
    if let Some((title, plans)) = &year.plans {
        out.push(title);
        out.extend(plans);
    }
    out.push(&year.closing);
    if let Some((issuer, _)) = &year.signature {
        out.push(issuer);
    }
    out.extend(&year.note);
    out
}

/// Where `c` was written: the first ledger text holding it, refined to the exact line
/// and column by finding the character in the file from the value's position on.
fn locate(c: char, year: &Year, report: &Report) -> Option<Location> {
    let text = ledger_texts(year)
        .into_iter()
        .find(|t| t.value.contains(c))?;
    let start = &text.at;
    let exact = report.source_of(start).and_then(|source| {
        source
            .text
            .lines()
            .enumerate()
            .skip(start.line.saturating_sub(1) as usize)
            .find_map(|(n, line)| {
                let skip = if n + 1 == start.line as usize {
                    start.column.saturating_sub(1) as usize
                } else {
                    0
                };
                line.chars()
                    .skip(skip)
                    .position(|x| x == c)
                    .map(|col| Location {
                        file: start.file.clone(),
                        line: u32::try_from(n + 1).unwrap_or(u32::MAX),
                        column: u32::try_from(col + skip + 1).unwrap_or(u32::MAX),
                    })
            })
    });
    Some(exact.unwrap_or_else(|| start.clone()))
}

/// One finding per character that no face of its role can draw: an error, or a
/// warning when `allow` is set.
pub fn missing_glyphs(
    doc: &Document,
    year: &Year,
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
            match locate(c, year, report) {
                Some(at) => diagnostic.at(at),
                None => diagnostic,
            }
        })
        .collect()
}
