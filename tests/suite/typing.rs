//! What a clerk types: figures written with their unit, full-width signs and digits,
//! a figure's label for its key, in `new`, `import` and the YAML itself.

use crate::common;

use common::{cli, copy_dir, fixture, text};
use std::path::Path;

/// A copy of a ledger whose figures are 接待妇女来访 (visits, 件) and 来访人次
/// (visitors, 人次), for the year 2023.
fn ledger() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    work
}

/// `new` in `dir` with a closed stdin: exit code, stdout, stderr.
fn new(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cli()
        .arg("new")
        .arg(dir)
        .args(args)
        .write_stdin("")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn march(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("activities/2023-03.yaml")).unwrap()
}

#[test]
fn new_takes_a_figure_with_its_unit_and_refuses_another_unit_naming_the_declared_one() {
    let work = ledger();
    let before = march(work.path());
    let figure = |value: &str| {
        let (code, _, err) = new(
            work.path(),
            &[
                "--date",
                "2023-03-20",
                "--item",
                "legal-rights",
                "--text",
                "来访接待",
                "--figure",
                value,
            ],
        );
        (code, err)
    };
    let (code, err) = figure("visitors=5人");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("“5人” 的单位 “人” 不是 “来访人次” 的单位 “人次”"),
        "{err}"
    );
    assert_eq!(march(work.path()), before, "nothing written");
    let (code, err) = figure("visitors=5人次");
    assert_eq!(code, 0, "{err}");
    let (code, err) = figure("visits=3 件");
    assert_eq!(code, 0, "{err}");
    let after = march(work.path());
    assert!(after.contains("figures: { visitors: 5 }"), "{after}");
    assert!(after.contains("figures: { visits: 3 }"), "{after}");
}

#[test]
fn a_figure_in_yaml_may_carry_its_unit() {
    let work = ledger();
    let log = work.path().join("activities/补记.yaml");
    std::fs::write(
        &log,
        "- date: 2023-12-01\n  item: legal-rights\n  text: 来访接待\n  figures: { visits: 3件, visitors: \"12 人次\" }\n",
    )
    .unwrap();
    let check = || cli().arg("check").arg(work.path()).output().unwrap();
    let out = check();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stats = cli()
        .args(["stats", "--format", "json"])
        .arg(work.path())
        .output()
        .unwrap();
    let total = common::stats_total(&stats.stdout);
    let plain = cli()
        .args(["stats", "--format", "json"])
        .arg(fixture("chapanzhou-2023"))
        .output()
        .unwrap();
    let plain = common::stats_total(&plain.stdout);
    // visits and visitors are the first two figures declared.
    for (figure, added) in [(0, 3.0), (1, 12.0)] {
        assert_eq!(
            total["figures"][figure].as_f64().unwrap(),
            plain["figures"][figure].as_f64().unwrap() + added,
            "{total}"
        );
    }
    std::fs::write(
        &log,
        "- date: 2023-12-01\n  item: legal-rights\n  figures: { visits: 3人 }\n",
    )
    .unwrap();
    let out = check();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("E024") && err.contains("的单位 “件”") && err.contains("补记.yaml:3"),
        "{err}"
    );
}

/// `import` of a sheet `台账.csv` holding `csv` into the ledger in `dir`, with `flag`.
fn import_csv(dir: &Path, csv: &str, flag: &str) -> std::process::Output {
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.csv");
    std::fs::write(&file, csv).unwrap();
    cli()
        .arg("import")
        .arg(&file)
        .arg(dir)
        .arg(flag)
        .output()
        .unwrap()
}

#[test]
fn import_takes_a_cell_written_with_its_unit() {
    let work = ledger();
    let out = import_csv(
        work.path(),
        "日期,条目,活动内容,接待妇女来访（件）\n2023-11-08,legal-rights,来访接待,4件\n2023-11-09,legal-rights,来访接待,2人\n",
        "--skip-bad",
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("第3行") && err.contains("的单位 “件”"),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains("已导入 1 条活动"),
        "{}",
        text(&out.stdout)
    );
    let november = std::fs::read_to_string(work.path().join("activities/2023-11.yaml")).unwrap();
    assert!(november.contains("visits: 4"), "{november}");
}

#[test]
fn new_reads_a_label_for_a_key_full_width_digits_and_names_a_full_width_sign() {
    let work = ledger();
    let (code, _, err) = new(
        work.path(),
        &[
            "--date",
            "２０２３-03-21",
            "--item",
            "legal-rights",
            "--figure",
            "接待妇女来访=2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("日期：2023-03-21"), "{err}");
    let after = march(work.path());
    assert!(
        after.contains("- date: 2023-03-21\n  item: legal-rights\n  figures: { visits: 2 }"),
        "{after}"
    );
    for sign in ["＝", "："] {
        let (code, _, err) = new(
            work.path(),
            &[
                "--date",
                "2023-03-21",
                "--item",
                "legal-rights",
                "--figure",
                &format!("visits{sign}2"),
            ],
        );
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("“{sign}” 不是半角等号")) && err.contains("visits=2"),
            "{err}"
        );
    }
}

/// Every slip of the input method (E019 where it stops the parser), each alone in a
/// log, and a full-width space standing for one or for two spaces.
const E019_SLIPS: &[&str] = &[
    "- date: 2023-12-01\n  item：legal-rights\n  text: 走访\n",
    "- date: 2023-12-01\n\u{3000}\u{3000}item: legal-rights\n  text: 走访\n",
    "- date: 2023-12-01\n\u{3000}item: legal-rights\n\u{3000}text: 走访\n",
    "- date: 2023-12-01\n\u{3000}item: legal-rights\n  text: 走访\n- date: 2023-12-02\n \u{3000}item: legal-rights\n\u{3000}\u{3000}text: 走访\n",
    "- date: 2023-12-01\n  item:\u{3000}legal-rights\n  text: 走访\n",
    "－ date: 2023-12-01\n  item: legal-rights\n  text: 走访\n",
    "- date: “2023-12-01”\n  item: legal-rights\n  text: 走访\n",
    "- date: 2023-12-01\n  item: legal-rights\n  figures: { visits: ３ }\n",
    "- date: 2023-12-01\n  item: legal-rights\n  figures:\n\u{3000}\u{3000}visits: 3\n",
    "- date: 2023-12-01\n  item: legal-rights\n  figures:\n  \u{3000}visits: 3\n",
];

/// `check --fix`, then `check`: exit codes and stderr of both.
fn fix_then_check(dir: &Path) -> ((i32, String), (i32, String)) {
    let run = |args: &[&str]| {
        let out = cli().args(args).arg(dir).output().unwrap();
        (out.status.code().unwrap_or(-1), text(&out.stderr))
    };
    (run(&["check", "--fix"]), run(&["check"]))
}

#[test]
fn every_e019_slip_fixed_then_checks_without_errors() {
    for log in E019_SLIPS {
        let work = ledger();
        let path = work.path().join("activities/2023-12.yaml");
        std::fs::write(&path, log).unwrap();
        let before = cli().arg("check").arg(work.path()).output().unwrap();
        assert_eq!(before.status.code(), Some(1), "{log}");
        if log.contains('\u{3000}') {
            assert!(text(&before.stderr).contains("E019"), "{log}");
        }
        let ((fix_code, fix_err), (code, err)) = fix_then_check(work.path());
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(fix_code, 0, "{log}: {fix_err}\n{after}");
        assert_eq!(code, 0, "{log}: {err}\n{after}");
        assert!(err.contains("0 个错误"), "{err}");
        assert!(!after.contains('\u{3000}'), "{after}");
    }
}

#[test]
fn a_full_width_space_in_report_yaml_is_fixed_to_the_spaces_that_parse() {
    let work = ledger();
    let path = work.path().join("report.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let slipped = original.replace("\n  visitors:", "\n\u{3000}visitors:");
    assert_ne!(slipped, original);
    std::fs::write(&path, &slipped).unwrap();
    let ((fix_code, fix_err), (code, err)) = fix_then_check(work.path());
    assert_eq!((fix_code, code), (0, 0), "{fix_err}\n{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}

#[test]
fn a_fix_that_would_leave_a_file_unparseable_is_not_written_and_says_so() {
    let work = ledger();
    let path = work.path().join("activities/2023-12.yaml");
    // The full-width colon is repaired, the unclosed bracket is not.
    let log = "- date: 2023-12-01\n  item：legal-rights\n  figures: { visits: 3\n";
    std::fs::write(&path, log).unwrap();
    let ((fix_code, fix_err), (code, _)) = fix_then_check(work.path());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), log, "not written");
    assert!(
        fix_err.contains("仍无法解析，这个文件不会写入") && fix_err.contains("2023-12.yaml"),
        "{fix_err}"
    );
    assert_eq!((fix_code, code), (1, 1), "{fix_err}");
}

#[test]
fn import_dry_run_shows_the_header_and_mapping_even_with_bad_rows() {
    let work = ledger();
    let out = import_csv(
        work.path(),
        "日期,条目,活动内容\n2023-11-08,legal-rights,来访接待\n2023-11-31,legal-rights,来访接待\n",
        "--dry-run",
    );
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("表头在 台账.csv 第1行；列的对应："),
        "{stdout}"
    );
    assert!(stdout.contains("日期"), "{stdout}");
    assert!(stderr.contains("第3行"), "{stderr}");
    assert!(stderr.contains("--skip-bad"), "{stderr}");
    let november = std::fs::read_to_string(work.path().join("activities/2023-11.yaml")).unwrap();
    assert!(!november.contains("来访接待"), "nothing written");
}
