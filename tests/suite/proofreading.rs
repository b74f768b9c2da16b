//! Every proofreading rule with a ledger that triggers it and the clean ledger that
//! does not.

use annual_report::diag::Severity;

const REPORT: &str = "year: 2024
organization:
  name: 新河镇妇联
date: 2025-01-10
figures:
  visits: { label: 来访, unit: 件 }
opening: 2024年，新河镇妇联积极开展工作。现将工作总结如下。
sections:
  - id: rights
    title: 维护妇女儿童合法权益
    items:
      - id: legal-rights
        lead: 进一步加大维权力度。
        summary: 一年来接待来访{{ visits }}件。
      - id: children
        text: 开展《未成年人保护法》宣传，一是进学校，二是进社区。
closing: 我们将继续努力，开创妇女工作新局面。
";

const LOG: &str = "- date: 2024-03-08
  item: legal-rights
  text: 2024年3月8日开展了“巾帼普法”宣传活动
  figures: { visits: 2 }
";

/// What `check` finds in a ledger of one report and one activity log.
fn check(report: &str, log: &str) -> annual_report::diag::Report {
    let dir = crate::common::ledger_in_tempdir(report, &[("2024-03.yaml", log)]);
    annual_report::check_dir(dir.path())
}

/// Warnings' codes and positions for a ledger.
fn warnings(report: &str, log: &str) -> Vec<(String, String)> {
    let found = check(report, log);
    assert_eq!(found.error_count(), 0, "{:?}", found.diagnostics);
    found
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| {
            let at = d.location.as_ref().map(|l| {
                let file = l.file.rsplit('/').next().unwrap_or_default();
                format!("{file}:{}:{}", l.line, l.column)
            });
            (d.code.to_owned(), at.unwrap_or_default())
        })
        .collect()
}

fn only(code: &str, at: &str, found: Vec<(String, String)>) {
    assert_eq!(found, vec![(code.to_owned(), at.to_owned())]);
}

#[test]
fn the_clean_ledger_has_no_findings() {
    assert_eq!(warnings(REPORT, LOG), vec![]);
}

#[test]
fn w101_unbalanced_brackets_and_quotes() {
    let log = LOG.replace("“巾帼普法”", "“巾帼普法");
    only("W101", "2024-03.yaml:3:21", warnings(REPORT, &log));
    let report = REPORT.replace("《未成年人保护法》", "未成年人保护法》");
    only("W101", "report.yaml:16:24", warnings(&report, LOG));
}

#[test]
fn w102_half_width_punctuation_in_chinese() {
    let report = REPORT.replace("进一步加大维权力度。", "进一步加大维权力度,扎实开展工作。");
    only("W102", "report.yaml:13:24", warnings(&report, LOG));
}

#[test]
fn w103_doubled_words() {
    let report = REPORT.replace("name: 新河镇妇联", "name: 新河镇镇妇联");
    let found = warnings(&report, LOG);
    assert!(
        found.contains(&("W103".into(), "report.yaml:3:11".into())),
        "{found:?}"
    );
}

#[test]
fn w104_repeated_sentences() {
    let report = REPORT.replace(
        "closing: 我们将继续努力",
        "closing: 2024年，新河镇妇联积极开展工作。我们将继续努力",
    );
    only("W104", "report.yaml:17:10", warnings(&report, LOG));
}

#[test]
fn w105_numbering_gaps() {
    let report = REPORT.replace("二是进社区", "三是进社区");
    only("W105", "report.yaml:16:35", warnings(&report, LOG));
}

/// 一是 in an item's lead and 二是 in its activity are one enumeration of the printed
/// paragraph: no gap. A gap across them is found at the field that skipped.
#[test]
fn w105_reads_the_composed_paragraph_not_one_field() {
    let report = REPORT.replace("进一步加大维权力度。", "进一步加大维权力度，一是强化宣传。");
    let log = LOG.replace("2024年3月8日开展了", "二是开展了");
    assert_eq!(warnings(&report, &log), vec![]);
    let log = LOG.replace("2024年3月8日开展了", "三是开展了");
    only("W105", "2024-03.yaml:3:9", warnings(&report, &log));
}

#[test]
fn w001_activity_after_the_document_date() {
    let report = REPORT.replace("date: 2025-01-10", "date: 2024-03-01");
    only("W001", "2024-03.yaml:1:9", warnings(&report, LOG));
}

#[test]
fn w002_item_title_where_items_are_paragraphs() {
    let report = REPORT.replace(
        "      - id: children\n",
        "      - id: children\n        title: 普法宣传\n",
    );
    only("W002", "report.yaml:16:16", warnings(&report, LOG));
}

#[test]
fn w106_summary_figure_is_zero() {
    let log = LOG.replace("visits: 2", "visits: 0");
    only("W106", "report.yaml:14:18", warnings(REPORT, &log));
}

#[test]
fn w107_empty_section() {
    let report = REPORT.replace(
        "closing:",
        "  - id: empty\n    title: 空的一节\n    items: []\nclosing:",
    );
    only("W107", "report.yaml:18:12", warnings(&report, LOG));
}

#[test]
fn w108_overlong_paragraph() {
    let long: String = "开展走访慰问工作，".repeat(70);
    let log = LOG.replace("2024年3月8日开展了“巾帼普法”宣传活动", &long);
    only("W108", "report.yaml:13:15", warnings(REPORT, &log));
}

#[test]
fn w109_mixed_date_formats() {
    let report = REPORT.replace("一是进学校", "一是2024-05-20进学校");
    only("W109", "report.yaml:16:31", warnings(&report, LOG));
}

/// W103 on what the reader sees: a word doubled across a line break of the ledger.
#[test]
fn a_word_doubled_across_a_line_break_is_found_where_it_starts() {
    let log = "- date: 2024-03-08
  item: legal-rights
  text: |
    组织全镇各村（社区）和街道
    街道办事处开展宣传活动
  figures: { visits: 2 }
";
    only("W103", "2024-03.yaml:4:16", warnings(REPORT, log));
}

/// W104: a sentence repeated word for word whose first copy sits inside a ；-clause.
#[test]
fn a_repeated_clause_inside_a_longer_sentence_is_found() {
    let log = "- date: 2024-03-08
  item: legal-rights
  text: 开展法律宣传；组织妇女干部深入村组开展入户走访活动。
  figures: { visits: 2 }
- date: 2024-03-09
  item: legal-rights
  text: 组织妇女干部深入村组开展入户走访活动。
";
    only("W104", "2024-03.yaml:7:9", warnings(REPORT, log));
}

/// W112: a doubled mark written in the ledger, at its place; a clean ledger has none.
#[test]
fn a_doubled_mark_is_found_where_it_is_written() {
    let log = "- date: 2024-03-08
  item: legal-rights
  text: 开展了“巾帼普法”宣传活动，，发放资料
  figures: { visits: 2 }
";
    only("W112", "2024-03.yaml:3:22", warnings(REPORT, log));
}

/// A rule's findings past its cap are counted in one line, not listed: 60 copies of a
/// sentence are 59 repeats, 50 of them placed each at its own copy and the other 9
/// summed up.
#[test]
fn repeats_past_the_cap_are_counted_not_listed() {
    let log: String = (1..=60)
        .map(|n| {
            format!(
                "- date: 2024-03-{:02}\n  item: legal-rights\n  text: 组织妇女干部深入村组开展入户走访活动。\n",
                n % 28 + 1
            )
        })
        .collect();
    let found = warnings(REPORT, &log);
    let placed: std::collections::BTreeSet<&str> = found
        .iter()
        .filter(|(code, at)| code == "W104" && !at.is_empty())
        .map(|(_, at)| at.as_str())
        .collect();
    assert_eq!(placed.len(), 50, "{found:?}");
    for at in &placed {
        let line: usize = at.split(':').nth(1).unwrap().parse().unwrap();
        assert!(
            line.is_multiple_of(3) && at.ends_with(":9"),
            "not at a text: {at}"
        );
    }
    let counted: Vec<String> = check(REPORT, &log)
        .diagnostics
        .into_iter()
        .filter(|d| d.code == "W104" && d.location.is_none())
        .map(|d| d.message)
        .collect();
    assert_eq!(counted, vec!["同类问题另有 9 处，未逐一列出"]);
}

/// W104: a sentence repeated inside one text is placed at its second copy and points
/// back at the first, not at itself.
#[test]
fn a_sentence_repeated_in_one_text_is_placed_at_its_copy() {
    let log = "- date: 2024-03-08
  item: legal-rights
  text: 组织妇女干部深入村组开展入户走访活动。发放宣传资料三百份。组织妇女干部深入村组开展入户走访活动。
  figures: { visits: 2 }
";
    only("W104", "2024-03.yaml:3:38", warnings(REPORT, log));
    let found = check(REPORT, log);
    let help = found
        .diagnostics
        .iter()
        .find(|d| d.code == "W104")
        .and_then(|d| d.help.clone())
        .unwrap();
    assert!(help.contains("2024-03.yaml:3:9"), "{help}");
}
