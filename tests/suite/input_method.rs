//! Typing YAML with a Chinese input method: each slip gets its own message at the
//! character, `check --fix` repairs it keeping every other byte, dates are read as
//! clerks write them, and a figure like 10余 says which number to write.

use crate::common;

use common::{cli, copy_dir, fixture, text};
use std::path::Path;

/// The chapanzhou ledger with one more log, `activities/2023-12.yaml`.
fn ledger_with(log: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    std::fs::write(work.path().join("activities/2023-12.yaml"), log).unwrap();
    work
}

fn check(dir: &Path) -> (Option<i32>, String) {
    let out = cli().arg("check").arg(dir).output().unwrap();
    (out.status.code(), text(&out.stderr))
}

const COMMENT: &str = "# 12月的活动: 由办公室录入\n";

/// Each slip, the message it must get, and where (line:column of the log).
const SLIPS: &[(&str, &str, &str)] = &[
    (
        "- date: 2023-12-01\n  item：legal-rights\n  text: 走访\n",
        "全角冒号",
        "2023-12.yaml:3:7",
    ),
    (
        "- date: 2023-12-01\n\u{3000}\u{3000}item: legal-rights\n  text: 走访\n",
        "缩进里有全角空格",
        "2023-12.yaml:3:1",
    ),
    (
        "- date: 2023-12-01\n  item:\u{3000}legal-rights\n  text: 走访\n",
        "冒号后面是全角空格",
        "2023-12.yaml:3:8",
    ),
    (
        "－ date: 2023-12-01\n  item: legal-rights\n  text: 走访\n",
        "全角的“－”或破折号",
        "2023-12.yaml:2:1",
    ),
    (
        "- date: “2023-12-01”\n  item: legal-rights\n  text: 走访\n",
        "去掉中文引号",
        "2023-12.yaml:2:9",
    ),
    (
        "- date: 2023-12-01\n  item: legal-rights\n  figures: { visits: ３ }\n",
        "把全角数字改成半角：写 3",
        "2023-12.yaml:4:22",
    ),
];

#[test]
fn every_slip_has_its_own_message_at_the_character_and_fix_repairs_it() {
    for (body, message, place) in SLIPS {
        let log = format!("{COMMENT}{body}");
        let work = ledger_with(&log);
        let (code, err) = check(work.path());
        assert_eq!(code, Some(1), "{body}");
        assert!(err.contains(message), "{body}: {err}");
        assert!(err.contains(place), "{body}: expected {place} in {err}");
        for english in ["expected", "simple key", "mapping", "found"] {
            assert!(!err.contains(english), "{body}: {err}");
        }
        // --dry-run shows the change and writes nothing.
        let log_path = work.path().join("activities/2023-12.yaml");
        let dry = cli()
            .args(["check", "--fix", "--dry-run"])
            .arg(work.path())
            .output()
            .unwrap();
        assert!(text(&dry.stdout).contains("+ "), "{body}");
        assert_eq!(std::fs::read_to_string(&log_path).unwrap(), log);
        // --fix repairs it: the ledger checks, the comment and the other lines stay.
        let fixed = cli()
            .args(["check", "--fix"])
            .arg(work.path())
            .output()
            .unwrap();
        let after = std::fs::read_to_string(&log_path).unwrap();
        assert!(
            fixed.status.success(),
            "{body}: {}\n{after}",
            text(&fixed.stderr)
        );
        assert!(after.starts_with(COMMENT), "{after}");
        assert_eq!(after.lines().count(), log.lines().count());
        let changed = log
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(changed, 1, "{body} → {after}");
        // Nothing else in the ledger changed.
        for name in ["report.yaml", "activities/2023-03.yaml"] {
            assert_eq!(
                std::fs::read(work.path().join(name)).unwrap(),
                std::fs::read(fixture("chapanzhou-2023").join(name)).unwrap(),
                "{name}"
            );
        }
    }
}

#[test]
fn the_same_characters_in_prose_are_no_slip() {
    let work = ledger_with(&format!(
        "{COMMENT}- date: 2023-12-01\n  item: legal-rights\n  text: 重点工作：走访“困难家庭”３户。\n"
    ));
    let (code, err) = check(work.path());
    assert_eq!(code, Some(0), "{err}");
    let dry = cli()
        .args(["check", "--fix", "--dry-run"])
        .arg(work.path())
        .output()
        .unwrap();
    assert!(
        text(&dry.stderr).contains("没有需要自动改正的地方"),
        "{}",
        text(&dry.stderr)
    );
}

#[test]
fn dates_are_read_as_clerks_write_them_and_fix_writes_them_iso() {
    for written in ["2023年12月1日", "2023.12.1", "2023/12/1", "2023-12-1"] {
        let work = ledger_with(&format!(
            "- date: {written}\n  item: legal-rights\n  figures: {{ visits: 2 }}\n"
        ));
        let stats = cli()
            .args(["stats", "--format", "json"])
            .arg(work.path())
            .output()
            .unwrap();
        assert!(stats.status.success(), "{written}: {}", text(&stats.stderr));
        let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
        let december = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == "2023-12")
            .unwrap();
        assert_eq!(december["activities"], 1, "{written}");
        cli()
            .args(["check", "--fix"])
            .arg(work.path())
            .assert()
            .success();
        let log = std::fs::read_to_string(work.path().join("activities/2023-12.yaml")).unwrap();
        assert!(log.starts_with("- date: 2023-12-01\n"), "{written}: {log}");
    }
    let work = ledger_with("- date: 2023年13月1日\n  item: legal-rights\n  text: 走访\n");
    let (code, err) = check(work.path());
    assert_eq!(code, Some(1));
    assert!(
        err.contains("不是有效的日期") && err.contains("2023-12.yaml:1:9"),
        "{err}"
    );
}

#[test]
fn fix_repairs_half_width_marks_in_chinese_and_doubled_marks_only() {
    let log = "- date: 2023-12-01\n  item: legal-rights\n  text: 开展宣传(发放资料),效果良好!!。。\n  place: 10:30 镇文化广场\n  villages: [新华村, 茶盘洲社区]\n";
    let work = ledger_with(log);
    cli()
        .args(["check", "--fix"])
        .arg(work.path())
        .assert()
        .success();
    let after = std::fs::read_to_string(work.path().join("activities/2023-12.yaml")).unwrap();
    assert_eq!(
        after,
        "- date: 2023-12-01\n  item: legal-rights\n  text: 开展宣传（发放资料），效果良好！！。\n  place: 10:30 镇文化广场\n  villages: [新华村, 茶盘洲社区]\n"
    );
}

#[test]
fn a_figure_with_words_names_the_number_to_write() {
    for (written, number, word) in [
        ("10余", "10", "余"),
        ("近30", "30", "近"),
        ("30+", "30", "+"),
    ] {
        let work = ledger_with(&format!(
            "- date: 2023-12-01\n  item: legal-rights\n  figures: {{ visits: {written} }}\n"
        ));
        let (code, err) = check(work.path());
        assert_eq!(code, Some(1));
        assert!(
            err.contains(&format!("这里写 {number}")) && err.contains(&format!("“{word}”属于句子")),
            "{written}: {err}"
        );
        // `new` (and the page, and import) say the same of the value typed.
        let fixed =
            ledger_with("- date: 2023-12-01\n  item: legal-rights\n  figures: { visits: 1 }\n");
        let choices = annual_report::ledger::entry::Choices::of(fixed.path()).unwrap();
        let refusal = choices.figure_value("visits", written).unwrap_err();
        assert!(
            refusal.message.contains(&format!("这里写 {number}")),
            "{written}: {refusal}"
        );
    }
}

/// Symbols real summaries use are in the embedded faces; a character no face can draw
/// is found by `check`, at its place, not first by `build` at year end.
#[test]
fn check_finds_characters_the_pdf_cannot_print_and_symbols_print() {
    let symbols = "面积1200㎡，气温-5℃，占比3‰，№1，重15㎏，长2㎞，①②⑩⑳，ⅠⅡⅫ";
    let work = ledger_with(&format!(
        "- date: 2023-12-01\n  item: legal-rights\n  text: {symbols}\n"
    ));
    let out = cli()
        .args(["check", "--no-system-fonts"])
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pdf_dir = work.path().join("out");
    cli()
        .args(["build", "--no-system-fonts", "--format", "pdf", "--out"])
        .arg(&pdf_dir)
        .arg(work.path())
        .assert()
        .success();

    let work = ledger_with("- date: 2023-12-01\n  item: legal-rights\n  text: 走访𪚥家\n");
    let out = cli()
        .args(["check", "--no-system-fonts"])
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("E030") && err.contains("U+2A6A5"), "{err}");
    assert!(err.contains("2023-12.yaml:3:11"), "{err}");
}
