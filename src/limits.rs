//! Every limit on what a ledger may hold, in one place, with the located error each
//! one gives. A limit keeps a hostile or mistaken ledger from crashing the tool, from
//! taking unbounded memory, or from printing a wrong number; each is far above what a
//! real township ledger needs.

use crate::amount::Amount;
use crate::diag::{Diagnostic, Location};

/// Largest ledger file read, in bytes, counted on the bytes actually read. A whole
/// year of a busy organization is well under 1 MiB; 16 MiB holds 130,000 activities in
/// one file and still parses in a few seconds.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Largest figure value and largest sum of figures (per item, section, month, year
/// and across a roll-up's members), in units of the figure's last declared place:
/// below one trillion (万亿) units, so that every sum fits in a `u64` and prints as
/// written (a figure with one decimal goes up to 99,999,999,999.9).
pub const MAX_FIGURE: u64 = 999_999_999_999;

/// Most entries numbered in one run (一是…… or （1）…… or 1.): list lines in one
/// activity, activities of an enumerated item, items of a section, sections, plans.
/// The Chinese numerals are written up to 99,999.
pub const MAX_ENUMERATED: usize = 9_999;

/// Cells in a line of the text block: 156 mm of 三号 characters (GB/T 9704 5.2.2, 28
/// a line). Publishing lays its lines out on them; the check warns about an issuer
/// that will not fit on one.
pub const LINE_CELLS: usize = 28;

/// Cells between the signature's issuer and the right margin (GB/T 9704 7.3.5.2: the
/// issuer ends two characters in).
pub const ISSUER_RIGHT_CELLS: usize = 2;

/// Longest document title, in characters: five lines of 20 characters of 二号 type.
pub const MAX_TITLE_CHARS: usize = 100;

/// Longest single text field, in characters (about 160 pages of body text).
pub const MAX_TEXT_CHARS: usize = 100_000;

/// Deepest YAML nesting the parser accepts (sequences plus mappings). A ledger's
/// schema nests at most six levels; deeper input is refused at the first node the
/// schema has no room for, and this bound keeps the parser's own recursion small.
pub const MAX_YAML_DEPTH: usize = 32;

/// Most aliases (`*name`) one ledger file may use. Ledgers need none.
pub const MAX_YAML_ALIASES: usize = 1_000;

/// Most parser events replayed by alias expansion in one ledger file: an "alias bomb"
/// (anchors that repeat anchors) stops here instead of taking memory exponentially.
pub const MAX_ALIAS_REPLAYED_EVENTS: usize = 100_000;

/// The parser budget of ledger files, built from the limits above.
pub fn yaml_budget() -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_YAML_DEPTH;
    budget.max_aliases = MAX_YAML_ALIASES;
    budget
}

/// The alias expansion bounds of ledger files.
pub fn alias_limits() -> serde_saphyr::options::AliasLimits {
    let mut limits = serde_saphyr::options::AliasLimits::default();
    limits.max_total_replayed_events = MAX_ALIAS_REPLAYED_EVENTS;
    limits
}

/// A figure value, refused above [`MAX_FIGURE`] units of its last declared place.
pub fn figure_value(
    value: Amount,
    at: Location,
    field: impl FnOnce() -> String,
) -> Result<u64, Box<Diagnostic>> {
    if value.scaled <= MAX_FIGURE {
        return Ok(value.scaled);
    }
    let max = Amount::new(MAX_FIGURE, value.decimals);
    let message = format!("数字 {value} 过大，不能超过 {max}");
    Err(Box::new(
        Diagnostic::error("E040", message)
            .at(at)
            .field(field())
            .help("数字项记录的是次数、人数等；请核对是否多写了位数"),
    ))
}

/// `sum + value` for the figure `key` (both in units of its last place of
/// `decimals`), refused above [`MAX_FIGURE`] units (and never wrapping or
/// saturating). `at` and `field` name the value that tips it over (made only then).
pub fn add_figure(
    (sum, value): (u64, u64),
    key: &str,
    decimals: u8,
    (at, field): (impl FnOnce() -> Location, impl FnOnce() -> String),
) -> Result<u64, Box<Diagnostic>> {
    match sum.checked_add(value).filter(|&s| s <= MAX_FIGURE) {
        Some(total) => Ok(total),
        None => Err(Box::new(
            Diagnostic::error(
                "E041",
                format!(
                    "数字项 “{key}” 的合计超过上限 {}",
                    Amount::new(MAX_FIGURE, decimals)
                ),
            )
            .at(at())
            .field(field())
            .help("合计由各条活动（或各成员单位）的数字相加而来；请核对其中过大的数字"),
        )),
    }
}

/// `a + b` for sums the check has bounded: a year's totals (the check refuses a year
/// total of any figure past [`MAX_FIGURE`], and every item, section and month sum is
/// part of one) and a roll-up's totals (refused past it when the members are linked).
/// It neither wraps nor saturates if that ever broke.
pub fn checked_sum(a: u64, b: u64) -> u64 {
    a.checked_add(b)
        .filter(|&sum| sum <= MAX_FIGURE)
        .expect("the check bounds every sum by limits::MAX_FIGURE")
}

/// A numbered run of `count` entries, refused above [`MAX_ENUMERATED`]; `what` says
/// what is numbered (列表项, 活动, 条目).
pub fn enumerated(count: usize, what: &str, at: Location, field: &str) -> Option<Diagnostic> {
    (count > MAX_ENUMERATED).then(|| {
        Diagnostic::error(
            "E042",
            format!("连续编号的{what}有 {count} 项，不能超过 {MAX_ENUMERATED} 项"),
        )
        .at(at)
        .field(field)
        .help("请拆分为几个条目或几条活动")
    })
}

/// The document title, refused above [`MAX_TITLE_CHARS`] characters.
pub fn title(title: &str, at: Location, field: &str) -> Option<Diagnostic> {
    let chars = title.chars().count();
    (chars > MAX_TITLE_CHARS).then(|| {
        Diagnostic::error(
            "E043",
            format!("标题有 {chars} 个字，不能超过 {MAX_TITLE_CHARS} 个字"),
        )
        .at(at)
        .field(field)
        .help("公文标题应简明；不写 title 时标题由年份与单位名称组成")
    })
}

/// A text field, refused above [`MAX_TEXT_CHARS`] characters.
pub fn text(text: &str, at: Location, field: &str) -> Option<Diagnostic> {
    // Counting stops just past the limit: a huge text costs no more than a legal one.
    let chars = text.chars().take(MAX_TEXT_CHARS + 1).count();
    (chars > MAX_TEXT_CHARS).then(|| {
        Diagnostic::error("E044", format!("文字超过 {MAX_TEXT_CHARS} 个字，过长"))
            .at(at)
            .field(field)
            .help("请把内容拆分为几条活动或几个条目")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn here() -> Location {
        Location {
            file: Arc::from("report.yaml"),
            line: 3,
            column: 5,
        }
    }

    #[test]
    fn sums_stop_at_the_limit_instead_of_wrapping_or_saturating() {
        assert_eq!(
            add_figure((1, 2), "visits", 0, (here, || "f".to_owned())),
            Ok(3)
        );
        assert_eq!(
            add_figure((MAX_FIGURE, 0), "visits", 0, (here, || "f".to_owned())),
            Ok(MAX_FIGURE)
        );
        let error = add_figure((MAX_FIGURE, 1), "aid", 1, (here, || "f".to_owned())).unwrap_err();
        assert!(
            error.message.ends_with("99999999999.9"),
            "{}",
            error.message
        );
        for (a, b) in [(MAX_FIGURE, 1), (u64::MAX, u64::MAX), (1, u64::MAX)] {
            let error = add_figure((a, b), "visits", 0, (here, || "f".to_owned())).unwrap_err();
            assert_eq!(error.code, "E041");
            assert_eq!(error.location, Some(here()));
        }
    }

    #[test]
    fn values_at_the_limit_pass_and_above_it_fail() {
        let whole = |n| Amount::new(n, 0);
        assert_eq!(
            figure_value(whole(MAX_FIGURE), here(), || "f".to_owned()),
            Ok(MAX_FIGURE)
        );
        assert_eq!(
            figure_value(whole(MAX_FIGURE + 1), here(), || "f".to_owned())
                .unwrap_err()
                .code,
            "E040"
        );
    }
}
