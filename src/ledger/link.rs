//! Other ledgers a report refers to: last year's (for 同比) and, for a county
//! roll-up, its members'. Each is loaded, checked and aggregated on its own; their
//! own references are not followed, so no report can loop.

use crate::diag::{Diagnostic, Report};
use crate::ledger::aggregate::{Aggregate, aggregate};
use crate::ledger::check::check;
use crate::ledger::load::load;
use crate::ledger::year::{Figure, Located, Year};
use std::path::{Path, PathBuf};

/// The ledgers a report refers to, aggregated.
#[derive(Debug, Default)]
pub struct Linked {
    /// Last year's ledger.
    pub previous: Option<Aggregate>,
    /// Member ledgers, in the report's order.
    pub members: Vec<Aggregate>,
}

/// The report directories report.yaml links to (`previous:`, then `rollup.members`),
/// as [`link`] resolves them, from the report as loaded: for a caller that watches
/// their files (the clerk's page).
pub fn linked_dirs(dir: &Path, report: &crate::ledger::model::ReportSpec) -> Vec<PathBuf> {
    let members = report.rollup.iter().flat_map(|r| &r.members);
    report
        .previous
        .iter()
        .chain(members)
        .map(|reference| linked_dir(dir, &reference.value))
        .collect()
}

/// The directory a `previous:` or member reference names: relative to the report's.
fn linked_dir(dir: &Path, reference: &str) -> PathBuf {
    dir.join(reference.trim())
}

/// Loads one referred ledger; its findings join `report` (errors fail the build).
fn linked(dir: &Path, reference: &Located<String>, report: &mut Report) -> Option<Aggregate> {
    let path = linked_dir(dir, &reference.value);
    if !path.join(crate::ledger::load::REPORT_FILE).is_file() {
        report.diagnostics.push(
            Diagnostic::error("E032", format!("找不到台账目录 {}", path.display()))
                .at(reference.at.clone())
                .help("路径相对于本报告目录，且目录中须有 report.yaml"),
        );
        return None;
    }
    let loaded = load(&path);
    let mut own = loaded.report;
    let year: Option<Year> = loaded.ledger.as_ref().and_then(|l| check(l, &mut own));
    // Only errors matter here: the member's warnings are its own business.
    own.diagnostics.retain(Diagnostic::is_error);
    report.sources.append(&mut own.sources);
    report.diagnostics.append(&mut own.diagnostics);
    year.map(aggregate)
}

/// Resolves `previous:` and `rollup.members` of a checked year, relative to `dir`.
pub fn link(dir: &Path, year: &Year, report: &mut Report) -> Linked {
    let previous = year.previous.as_ref().and_then(|p| linked(dir, p, report));
    let mut members = Vec::new();
    let mut references = Vec::new();
    for (i, reference) in year.rollup.iter().flat_map(|(_, m)| m).enumerate() {
        if let Some(member) = linked(dir, reference, report) {
            members.push(member);
            references.push((i, reference));
        }
    }
    report
        .diagnostics
        .extend(rollup_totals(year, &members, &references));
    Linked { previous, members }
}

/// The roll-up table sums each figure over the members: refuses a member that
/// declares the figure with other decimal places than this report (E038: its values
/// would not add up to what the table prints), and a sum past
/// [`crate::limits::MAX_FIGURE`], at the member that takes it there.
fn rollup_totals(
    year: &Year,
    members: &[Aggregate],
    references: &[(usize, &Located<String>)],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for figure in &year.figures {
        let mut sum = 0u64;
        for (member, (i, reference)) in members.iter().zip(references) {
            let figures = &member.year.figures;
            let Some(theirs) = figures.iter().find(|f| f.key == figure.key) else {
                continue;
            };
            let field = format!("rollup.members[{i}]");
            if theirs.decimals != figure.decimals {
                found.push(other_precision(figure, theirs, reference, &field));
                continue;
            }
            let value = member.total.get(figures, &figure.key).unwrap_or_default();
            let added = (sum, value);
            let named = (|| reference.at.clone(), || field.clone());
            match crate::limits::add_figure(added, &figure.key, figure.decimals, named) {
                Ok(total) => sum = total,
                Err(d) => {
                    found.push(*d);
                    break;
                }
            }
        }
    }
    found
}

/// E038: a member counts `ours` with other decimal places.
fn other_precision(
    ours: &Figure,
    theirs: &Figure,
    reference: &Located<String>,
    field: &str,
) -> Diagnostic {
    Diagnostic::error(
        "E038",
        format!(
            "成员台账 “{}” 的数字项 “{}” 保留 {} 位小数，本台账保留 {} 位，不能相加",
            reference.value.trim(),
            ours.key,
            theirs.decimals,
            ours.decimals
        ),
    )
    .at(reference.at.clone())
    .field(field)
    .width(reference.value.chars().count())
    .help(format!(
        "各成员台账和本台账的 figures.{}.decimals 要写成一样",
        ours.key
    ))
}
