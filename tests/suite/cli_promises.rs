//! What the README promises of the command line: exit code 2 for a mistake of the
//! command line, 1 for one of the ledger or a file, in every subcommand; a directory
//! that is no ledger named as such; outputs where the README says they go.

use crate::common;

use common::{cli, copy_dir, fixture, fresh_ledger, text};
use std::path::Path;

/// Runs the command line in `dir` with a closed stdin and returns its exit code and
/// what it wrote to stderr.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = cli()
        .current_dir(dir)
        .args(args)
        .write_stdin("")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

/// A ledger named `ledger` inside a fresh working directory.
fn workspace() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), &work.path().join("ledger"));
    std::fs::create_dir(work.path().join("empty")).unwrap();
    work
}

#[test]
fn every_subcommand_exits_2_for_a_command_line_mistake() {
    let work = workspace();
    let mistakes: &[&[&str]] = &[
        &["build", "ledger", "--format", "doc"],
        &["check", "ledger", "--dry-run"],
        &["init", "new", "--preset", "nope"],
        &[
            "new",
            "ledger",
            "--date",
            "2023-03-08",
            "--item",
            "legal-rights",
            "--figure",
            "visits＝2",
        ],
        &["new", "ledger", "--date", "2023-03-08", "--text", "宣传"],
        &["stats", "ledger", "--format", "xlsx"],
        &[
            "stats",
            "ledger",
            "--format",
            "xlsx",
            "--output",
            "统计.csv",
        ],
        &["import"],
        &["export", "ledger", "--output", "台账.yaml"],
        &["serve", "ledger", "--listen", "localhost"],
        &["serve", "ledger", "--token", "short"],
        &["schema", "--report"],
        &["completions", "tcsh"],
        &["man", "extra"],
        &["fonts", "--font-path"],
        &["help", "nope"],
    ];
    for args in mistakes {
        let (code, stderr) = run_in(work.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("错误："), "{args:?}: {stderr}");
    }
}

#[test]
fn a_ledger_or_file_error_exits_1() {
    let work = workspace();
    std::fs::write(work.path().join("已有.xlsx"), b"keep").unwrap();
    let errors: &[&[&str]] = &[
        &["build", "empty"],
        &["check", "empty"],
        &[
            "new",
            "empty",
            "--date",
            "2023-03-08",
            "--item",
            "x",
            "--text",
            "y",
        ],
        &["stats", "empty"],
        &["import", "无此文件.xlsx", "ledger"],
        &["export", "ledger", "--output", "已有.xlsx"],
        &["fonts", "--font-path", "无此目录"],
        &[
            "new",
            "ledger",
            "--date",
            "2023-13-40",
            "--item",
            "legal-rights",
            "--text",
            "y",
        ],
    ];
    for args in errors {
        let (code, stderr) = run_in(work.path(), args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
    }
}

#[test]
fn build_check_and_stats_name_a_directory_without_report_yaml() {
    let work = workspace();
    for command in ["build", "check", "stats", "export"] {
        let rest: &[&str] = if command == "export" {
            &["--output", "x.xlsx"]
        } else {
            &[]
        };
        let named = [&[command, "empty"], rest].concat();
        let (code, stderr) = run_in(work.path(), &named);
        assert_eq!(code, 1, "{command}: {stderr}");
        assert!(stderr.contains("empty 不是台账目录"), "{command}: {stderr}");
        assert!(stderr.contains("annual-report init"), "{command}: {stderr}");
        // No line:column of a file that does not exist.
        assert!(!stderr.contains(":1:1"), "{command}: {stderr}");
        // Run inside it, with no directory named: the same advice.
        let inside = [&[command], rest].concat();
        let (code, stderr) = run_in(&work.path().join("empty"), &inside);
        assert!(
            code == 1 && stderr.contains("不是台账目录"),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn a_path_to_report_yaml_stands_for_its_directory() {
    let work = workspace();
    let (code, stderr) = run_in(work.path(), &["check", "ledger/report.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 个错误"), "{stderr}");
    let (code, stderr) = run_in(&work.path().join("ledger"), &["stats", "report.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = run_in(
        work.path(),
        &["build", "ledger/report.yaml", "--format", "md"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        work.path()
            .join("ledger/reports/2023年茶盘洲镇妇联工作总结.md")
            .is_file()
    );
}

#[test]
fn build_all_with_one_ledger_writes_into_its_named_folder() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(
        &fixture("chapanzhou-2023"),
        &work.path().join("all/chapanzhou"),
    );
    let (code, stderr) = run_in(
        work.path(),
        &["build", "--all", "all", "--out", "out", "--format", "md"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        work.path()
            .join("out/chapanzhou/2023年茶盘洲镇妇联工作总结.md")
            .is_file(),
        "{stderr}"
    );
}

#[test]
fn export_to_a_bare_file_name_writes_it_and_says_so() {
    let work = workspace();
    let out = cli()
        .current_dir(work.path())
        .args(["export", "ledger", "--output", "台账.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "已导出到 台账.xlsx\n");
    assert!(work.path().join("台账.xlsx").is_file());
    // The same for stats.
    let out = cli()
        .current_dir(work.path())
        .args([
            "stats",
            "ledger",
            "--format",
            "xlsx",
            "--output",
            "统计.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(work.path().join("统计.xlsx").is_file());
}

#[test]
fn a_ledger_made_by_init_is_found_through_its_report_yaml() {
    let ledger = fresh_ledger();
    let (code, stderr) = run_in(ledger.path(), &["check", "./report.yaml"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn stats_year_over_year_leaves_empty_months_alone_and_compares_the_activity_count() {
    let work = common::linked_fixtures();
    let out = cli()
        .arg("stats")
        .arg(work.path().join("xinhe-2023"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(!table.contains("0（与上年持平）"), "{table}");
    let month = |m: &str| {
        table
            .lines()
            .find(|l| l.contains(&format!("2023-{m}")))
            .unwrap()
            .split_whitespace()
            .skip(3)
            .collect::<Vec<_>>()
    };
    // January: nothing either year, so nothing but zeros.
    assert_eq!(month("01"), ["0", "0", "0"], "{table}");
    let total = table.lines().find(|l| l.starts_with("合计")).unwrap();
    assert!(total.contains("4（同比增长33.3%）"), "{total}");
    let json = cli()
        .args(["stats", "--format", "json"])
        .arg(work.path().join("xinhe-2023"))
        .output()
        .unwrap();
    let total = common::stats_total(&json.stdout);
    assert_eq!(total["activities_yoy"], "同比增长33.3%", "{total}");
}

#[test]
fn help_and_man_say_word_and_speak_chinese() {
    let top = text(&cli().arg("--help").output().unwrap().stdout);
    assert!(top.contains("Word/WPS"), "{top}");
    let man = text(&cli().arg("man").output().unwrap().stdout);
    assert!(man.contains("Word/WPS"), "{man}");
    // Chinese as roff escapes: troff without a UTF-8 preprocessor reads every byte.
    assert!(man.is_ascii(), "{man}");
    assert!(man.contains("\\[u5E74]"), "年 escaped");
    for command in ["completions", "schema", "man", "fonts", "help"] {
        let help = text(&cli().args([command, "--help"]).output().unwrap().stdout);
        for english in ["[possible values", "[default", "Usage", "Options"] {
            assert!(!help.contains(english), "{command}: {help}");
        }
    }
}

/// The man page as groff lays it out at 80 columns: no warning at all (`-ww`), and
/// no line wider than the page, so the long Chinese option texts were broken between
/// characters (troff breaks only at spaces unless told where).
#[test]
fn man_page_renders_without_troff_warnings_with_groff() {
    if !common::require_tools(&[("groff", "groff-base")]) {
        return;
    }
    let page = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(page.path(), cli().arg("man").output().unwrap().stdout).unwrap();
    let groff = std::process::Command::new("groff")
        .args(["-ww", "-man", "-Tutf8", "-rLL=80n"])
        .arg(page.path())
        .output()
        .unwrap();
    let warnings = text(&groff.stderr);
    println!("groff warnings: {}", warnings.lines().count());
    assert!(groff.status.success() && warnings.is_empty(), "{warnings}");
    let laid_out = text(&groff.stdout);
    // groff's terminal output emboldens by overstriking: "a\ba".
    let plain = |line: &str| {
        let mut kept: Vec<char> = Vec::new();
        for c in line.chars() {
            if c == '\u{8}' {
                kept.pop();
            } else {
                kept.push(c);
            }
        }
        kept.into_iter().collect::<String>()
    };
    let widest = laid_out
        .lines()
        .map(|line| unicode_width::UnicodeWidthStr::width(plain(line).as_str()))
        .max()
        .unwrap_or(0);
    assert!(widest <= 80, "a line of {widest} columns:\n{laid_out}");
    assert!(plain(&laid_out).contains("监听的地址和端口"), "{laid_out}");
}
