//! Keeping the ledger: init, new, proofreading, stats, schema, completions, help.

use crate::common;

use common::{cli, fixture, fresh_ledger, stats_total, text};
use std::path::Path;

fn run(args: &[&str], dir: &Path) -> std::process::Output {
    cli().args(args).arg(dir).output().unwrap()
}

#[test]
fn every_preset_initialises_a_ledger_that_builds() {
    for preset in ["fulian", "tuanwei", "zhengfu", "gonghui", "canlian"] {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join(preset);
        let out = cli()
            .args([
                "init",
                "--preset",
                preset,
                "--year",
                "2024",
                "--name",
                "新河镇测试单位",
            ])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
        assert!(report.starts_with("# yaml-language-server: $schema=schemas/report.schema.json\n"));
        assert!(report.contains("新河镇测试单位") && report.contains("year: 2024"));
        assert!(dir.join("schemas/activities.schema.json").is_file());
        let log = std::fs::read_to_string(dir.join("activities/2024-01.yaml")).unwrap();
        assert!(
            log.starts_with("# yaml-language-server: $schema=../schemas/activities.schema.json\n")
        );
        let check = cli().arg("check").arg(&dir).output().unwrap();
        assert!(check.status.success(), "{preset}: {}", text(&check.stderr));
        let build = cli()
            .args(["build", "--no-system-fonts", "--out"])
            .arg(dir.join("out"))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(build.status.success(), "{preset}: {}", text(&build.stderr));
        assert!(dir.join("out/2024年新河镇测试单位工作总结.pdf").is_file());
    }
}

#[test]
fn init_never_overwrites_and_names_the_presets() {
    let work = fresh_ledger();
    let again = run(&["init", "--year", "2024"], work.path());
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("不会覆盖"));
    let unknown = run(&["init", "--preset", "laoling"], &work.path().join("x"));
    assert_eq!(unknown.status.code(), Some(2), "a command-line error");
    assert!(text(&unknown.stderr).contains("可选值：fulian、tuanwei、zhengfu、gonghui、canlian"));
}

#[test]
fn init_templates_copies_the_defaults_for_editing() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    cli()
        .args(["init", "--year", "2024"])
        .arg(dir)
        .assert()
        .success();
    cli()
        .args(["init", "--templates"])
        .arg(dir)
        .assert()
        .success();
    for name in [
        "summary.md.tera",
        "summary.html.tera",
        "summary.txt.tera",
        "summary.typ.tera",
    ] {
        assert!(dir.join("templates").join(name).is_file(), "{name}");
    }
    let md = dir.join("templates/summary.md.tera");
    let edited = std::fs::read_to_string(&md)
        .unwrap()
        .replace("{% block closing %}", "{% block closing %}（改过的模板）");
    std::fs::write(&md, edited).unwrap();
    cli()
        .args(["build", "--format", "md", "--out"])
        .arg(dir.join("out"))
        .arg(dir)
        .assert()
        .success();
    let built = std::fs::read_to_string(dir.join("out/2024年示例镇妇联工作总结.md")).unwrap();
    assert!(built.contains("（改过的模板）"));
}

#[test]
fn new_appends_to_the_month_file_keeping_what_is_there() {
    let work = fresh_ledger();
    let dir = work.path();
    let january = dir.join("activities/2024-01.yaml");
    let before = std::fs::read_to_string(&january).unwrap();
    let add = |date: &str, extra: &[&str]| {
        let mut args = vec!["new", "--date", date, "--item", "legal-rights"];
        args.extend_from_slice(extra);
        run(&args, dir)
    };
    let out = add(
        "2024-01-20",
        &["--text", "入户走访: 2户 #重点", "--figure", "visits=2"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(&january).unwrap();
    assert!(after.starts_with(&before), "old text and comments kept");
    assert!(after.ends_with("- date: 2024-01-20\n  item: legal-rights\n  text: \"入户走访: 2户 #重点\"\n  figures: { visits: 2 }\n"));
    // A new month gets its own file with the schema line.
    assert!(
        add("2024-03-08", &["--figure", "visits=1"])
            .status
            .success()
    );
    let march = std::fs::read_to_string(dir.join("activities/2024-03.yaml")).unwrap();
    assert!(march.starts_with(
        "# yaml-language-server: $schema=../schemas/activities.schema.json\n# 2024年3月的活动台账\n"
    ));
    // The figures reach the document.
    let stats = cli()
        .args(["stats", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    let total = stats_total(&stats.stdout);
    assert_eq!(
        total["activities"], 4,
        "init's two samples and two new entries"
    );
    assert_eq!(total["figures"][0], 4, "visits 1 + 2 + 1");
}

#[test]
fn new_validates_first_and_writes_nothing_on_error() {
    let work = fresh_ledger();
    let dir = work.path();
    let january = dir.join("activities/2024-01.yaml");
    let before = std::fs::read(&january).unwrap();
    for (args, expected) in [
        (
            vec![
                "--date",
                "2024-01-20",
                "--item",
                "legal-right",
                "--text",
                "x",
            ],
            "未知的条目 “legal-right”",
        ),
        (
            vec![
                "--date",
                "2024-02-30",
                "--item",
                "legal-rights",
                "--text",
                "x",
            ],
            "这一天不存在：2024年2月只有 29 天",
        ),
        (
            vec![
                "--date",
                "2024-1-40x",
                "--item",
                "legal-rights",
                "--text",
                "x",
            ],
            "不是有效的日期",
        ),
        (
            vec![
                "--date",
                "2023-12-30",
                "--item",
                "legal-rights",
                "--text",
                "x",
            ],
            "不在 2024 年内",
        ),
        (
            vec![
                "--date",
                "2024-01-20",
                "--item",
                "legal-rights",
                "--figure",
                "visit=1",
            ],
            "未声明的数字项 “visit”",
        ),
        (
            vec![
                "--date",
                "2024-01-20",
                "--item",
                "legal-rights",
                "--figure",
                "visits=-1",
            ],
            "不能为负",
        ),
        (
            vec![
                "--date",
                "2024-01-20",
                "--item",
                "legal-rights",
                "--figure",
                "visits",
            ],
            "键=值",
        ),
    ] {
        let mut all = vec!["new"];
        all.extend(args);
        let out = cli().args(&all).arg(dir).write_stdin("").output().unwrap();
        // A --figure without = is a mistake of the command line itself (exit code 2).
        let usage = expected == "键=值";
        assert_eq!(out.status.code(), Some(if usage { 2 } else { 1 }));
        assert!(
            text(&out.stderr).contains(expected),
            "{expected}: {}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read(&january).unwrap(), before);
    }
    assert!(!dir.join("activities/2024-02.yaml").exists());
}

#[test]
fn new_without_a_terminal_names_what_is_missing_and_dry_run_writes_nothing() {
    let work = fresh_ledger();
    let dir = work.path();
    let out = cli()
        .args(["new", "--date", "2024-01-20"])
        .arg(dir)
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("缺少 --item、--text") && err.contains("legal-rights"),
        "{err}"
    );

    let before = std::fs::read(dir.join("activities/2024-01.yaml")).unwrap();
    let out = run(
        &[
            "new",
            "--date",
            "2024-01-21",
            "--item",
            "children",
            "--text",
            "走访",
            "--dry-run",
        ],
        dir,
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("- date: 2024-01-21\n  item: children\n  text: \"走访\"\n"));
    assert_eq!(
        std::fs::read(dir.join("activities/2024-01.yaml")).unwrap(),
        before
    );
}

#[test]
fn concurrent_new_loses_no_entry() {
    let work = fresh_ledger();
    let dir = work.path().to_path_buf();
    let bin = assert_cmd::cargo::cargo_bin("annual-report");
    let spawned: Vec<_> = (0..8)
        .map(|i| {
            std::process::Command::new(&bin)
                .args([
                    "new",
                    "--date",
                    "2024-06-01",
                    "--item",
                    "legal-rights",
                    "--figure",
                ])
                .arg(format!("visits={}", i + 1))
                .arg(&dir)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in spawned {
        assert!(child.wait().unwrap().success());
    }
    let june = std::fs::read_to_string(dir.join("activities/2024-06.yaml")).unwrap();
    assert_eq!(june.matches("- date: 2024-06-01").count(), 8, "{june}");
    for i in 1..=8 {
        assert!(june.contains(&format!("visits: {i} }}")), "entry {i} kept");
    }
}

#[test]
fn check_speaks_json_for_machines() {
    let out = run(&["check", "--format", "json"], &fixture("chapanzhou-2023"));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0);
    // The published text's missing 《 (W101) and its 、 between book titles (W114),
    // both in the March activity.
    assert_eq!(json["warnings"], 2);
    let found: Vec<(&str, &str, u64, u64, bool)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = &d["location"];
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                at["line"].as_u64().unwrap(),
                at["column"].as_u64().unwrap(),
                at["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("activities/2023-03.yaml"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("W114", "warning", 4, 87, true),
            ("W101", "warning", 4, 99, true)
        ]
    );
}

#[test]
fn stats_sum_figures_in_three_formats() {
    let dir = fixture("chapanzhou-2023");
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["stats", "--format", "json"], &dir).stdout).unwrap();
    let keys: Vec<&str> = json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["visits", "visitors", "checks", "women_selected"]);
    let rows = json["rows"].as_array().unwrap();
    let total = rows.iter().find(|r| r["level"] == "total").unwrap();
    assert_eq!(total["figures"], serde_json::json!([10, 15, 12, 10]));
    let legal = rows.iter().find(|r| r["key"] == "legal-rights").unwrap();
    assert_eq!(legal["activities"], 11);
    let march = rows.iter().find(|r| r["key"] == "2023-03").unwrap();
    assert_eq!(march["figures"], serde_json::json!([1, 2, 1, 0]));
    assert_eq!(rows.iter().filter(|r| r["level"] == "month").count(), 12);

    let csv = text(&run(&["stats", "--format", "csv"], &dir).stdout);
    assert!(csv.starts_with(
        "\u{feff}level,section,key,label,activities,visits,visitors,checks,women_selected\r\n"
    ));
    assert!(csv.contains("\r\ntotal,,total,全年合计,"));

    let table = text(&run(&["stats"], &dir).stdout);
    assert!(table.contains("接待妇女来访（件）"));
    let total_line = table.lines().find(|l| l.starts_with("合计")).unwrap();
    assert!(total_line.ends_with("10"), "{total_line}");
}

#[test]
fn schema_completions_and_man_page() {
    let schema = cli().arg("schema").output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    assert_eq!(
        json["properties"]["year"]["description"],
        "报告年度，四位数，例如 2023"
    );
    let activities = cli().args(["schema", "--activities"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&activities.stdout).unwrap();
    assert_eq!(json["type"], "array");
    let bash = cli().args(["completions", "bash"]).output().unwrap();
    assert!(text(&bash.stdout).contains("annual-report"));
    let man = cli().arg("man").output().unwrap();
    let page = text(&man.stdout);
    assert!(
        // 年度台账, as the page escapes Chinese for troff, with a break point after
        // each character.
        page.contains(".TH ANNUAL\\-REPORT")
            && page.contains("\\[u5E74]\\:\\[u5EA6]\\:\\[u53F0]\\:\\[u8D26]"),
        "{page}"
    );
}

#[test]
fn every_command_has_chinese_help_with_an_example() {
    for command in [
        "build",
        "check",
        "init",
        "new",
        "stats",
        "import",
        "export",
        "serve",
        "schema",
        "fonts",
        "completions",
        "man",
        "help",
    ] {
        let out = cli().args([command, "--help"]).output().unwrap();
        let help = text(&out.stdout);
        assert!(
            help.contains("用法：") && help.contains("示例："),
            "{command}: {help}"
        );
    }
}

/// `new` validates the ledger with the entry in memory, where it lies: a ledger that
/// refers to last year's (`previous: ../xinhe-2022`) or to roll-up members resolves
/// them from its real directory.
#[test]
fn new_works_on_ledgers_that_link_to_others() {
    let work = common::linked_fixtures();
    for (ledger, item, date) in [
        ("xinhe-2023", "skills-training", "2023-10-01"),
        ("yuanjiang-2023", "county-rights", "2023-10-02"),
    ] {
        let dir = work.path().join(ledger);
        let out = run(
            &["new", "--date", date, "--item", item, "--text", "入户走访"],
            &dir,
        );
        assert!(out.status.success(), "{ledger}: {}", text(&out.stderr));
        let log = std::fs::read_to_string(dir.join("activities/2023-10.yaml")).unwrap();
        assert!(
            log.contains(&format!("- date: {date}\n  item: {item}\n")),
            "{log}"
        );
        cli().arg("check").arg(&dir).assert().success();
    }
    // A broken link is reported against the real ledger, with nothing written.
    let dir = work.path().join("xinhe-2023");
    std::fs::remove_dir_all(work.path().join("xinhe-2022")).unwrap();
    let out = run(
        &[
            "new",
            "--date",
            "2023-11-01",
            "--item",
            "skills-training",
            "--text",
            "甲",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("E032") && err.contains("xinhe-2022"), "{err}");
    // Named by the real file, not by a scratch copy.
    assert!(
        err.contains(&format!("{}/report.yaml", dir.display())),
        "{err}"
    );
    assert!(!dir.join("activities/2023-11.yaml").exists());
}

/// `--file` writes only where the ledger reads: a .yaml file inside activities/.
#[test]
fn new_file_stays_inside_the_activities_folder() {
    let work = fresh_ledger();
    let dir = work.path();
    let outside = tempfile::tempdir().unwrap();
    for file in [
        "../report2.yaml".to_owned(),
        "notes.txt".to_owned(),
        outside.path().join("x.yaml").display().to_string(),
    ] {
        let out = run(
            &[
                "new",
                "--date",
                "2024-03-01",
                "--item",
                "children",
                "--text",
                "甲",
                "--file",
                &file,
            ],
            dir,
        );
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(
            text(&out.stderr).contains("activities/ 目录"),
            "{file}: {}",
            text(&out.stderr)
        );
    }
    assert!(!outside.path().join("x.yaml").exists());
    let absolute = dir.join("activities/专项/走访.yaml");
    let out = run(
        &[
            "new",
            "--date",
            "2024-03-01",
            "--item",
            "children",
            "--text",
            "甲",
            "--file",
            &absolute.display().to_string(),
        ],
        dir,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(&absolute)
            .unwrap()
            .contains("text: \"甲\"")
    );
}
