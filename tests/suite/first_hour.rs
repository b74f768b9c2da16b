//! A clerk's first hour: each rough edge a new user hit, from `init` to the printed
//! page, as a test through the real command line.

use crate::common;

use common::{cli, copy_dir, fixture, fresh_ledger, text};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the binary in a pseudo-terminal (util-linux `script`), typing `answers` one
/// line each: what a clerk at a terminal does.
fn in_terminal(args: &[&str], dir: &Path, answers: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("annual-report");
    let mut command_line = shell_quote(bin.to_str().unwrap());
    for arg in args {
        command_line.push(' ');
        command_line.push_str(&shell_quote(arg));
    }
    let mut child = Command::new("script")
        .args(["-qec", &command_line, "/dev/null"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux script runs the command in a pseudo-terminal");
    let mut input = answers.join("\n");
    input.push('\n');
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    // End of input is Ctrl-D on the terminal.
    stdin.write_all(&[4]).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

// 1. build without a directory inside the ledger; where outputs land is printed.
#[test]
fn build_inside_the_ledger_needs_no_directory_and_prints_where_it_wrote() {
    let work = fresh_ledger();
    let out = cli()
        .current_dir(work.path())
        .args(["build", "--format", "md,pdf", "--no-system-fonts"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for file in [
        "reports/2024年示例镇妇联工作总结.md",
        "reports/2024年示例镇妇联工作总结.pdf",
    ] {
        assert!(work.path().join(file).is_file(), "{file}");
        assert!(stdout.contains(&format!("已生成 {file}")), "{stdout}");
    }
}

// 2. What init writes as an example is flagged by check; the year is checked.
#[test]
fn init_samples_and_placeholders_are_flagged_and_the_year_is_checked() {
    let work = fresh_ledger();
    let out = cli()
        .args(["check", "--format", "json"])
        .arg(work.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"W110"), "{codes:?}");
    assert!(codes.contains(&"W111"), "{codes:?}");
    // Replacing the samples and filling in 待填写 silences both.
    let report = std::fs::read_to_string(work.path().join("report.yaml")).unwrap();
    std::fs::write(
        work.path().join("report.yaml"),
        report.replace("待填写", "4309810018/2025-0001"),
    )
    .unwrap();
    let log_path = work.path().join("activities/2024-01.yaml");
    let log = std::fs::read_to_string(&log_path).unwrap();
    std::fs::write(
        &log_path,
        log.replace("发放宣传资料。", "发放宣传资料300份。")
            .replace("举办女性家政技能培训班。", "举办月嫂培训班。"),
    )
    .unwrap();
    let out = cli()
        .args(["check", "--deny-warnings"])
        .arg(work.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    for year in ["24", "0", "99999", "二〇二四"] {
        let dir = work.path().join(format!("y{year}"));
        let out = cli()
            .args(["init", "--year", year])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{year}");
        assert!(
            text(&out.stderr).contains("年份写四位数字"),
            "{}",
            text(&out.stderr)
        );
        assert!(!dir.exists(), "nothing written for {year}");
    }
}

// 3. new in a terminal: a wrong answer is asked again, nothing typed is lost, the
// figures of the item are asked, the date is written as YYYY-MM-DD.
#[test]
fn new_in_a_terminal_asks_again_and_keeps_what_was_typed() {
    let work = fresh_ledger();
    let out = in_terminal(
        &["new"],
        work.path(),
        &[
            "2023-12-30", // outside the ledger's year: asked again
            "2024年3月5日",
            "维权工作", // no item has these words: asked again
            "维权",     // words of legal-rights' lead
            "入户走访妇女",
            "十", // not a number: asked again
            "3",
            "", // visitors: skipped
        ],
    );
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("不在 2024 年内"), "{shown}");
    assert!(
        shown.contains("legal-rights  进一步加大维权力度"),
        "{shown}"
    );
    assert!(shown.contains("接待妇女来访（visits"), "{shown}");
    let march = std::fs::read_to_string(work.path().join("activities/2024-03.yaml")).unwrap();
    assert!(
        march.ends_with(
            "- date: 2024-03-05\n  item: legal-rights\n  text: \"入户走访妇女\"\n  figures: { visits: 3 }\n"
        ),
        "{march}"
    );
}

#[test]
fn new_offers_a_date_of_the_ledgers_year() {
    let work = fresh_ledger();
    // 2024 is not this year: Enter stands for the latest date already recorded.
    let out = in_terminal(&["new"], work.path(), &["", "children", "看望留守儿童"]);
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("回车为 2024-01-18"), "{shown}");
    let january = std::fs::read_to_string(work.path().join("activities/2024-01.yaml")).unwrap();
    assert!(january.ends_with("- date: 2024-01-18\n  item: children\n  text: \"看望留守儿童\"\n"));
}

#[test]
fn new_from_flags_normalises_the_date_and_refuses_without_a_file_that_does_not_exist() {
    let work = fresh_ledger();
    let dir = work.path();
    cli()
        .args([
            "new",
            "--date",
            "2024-3-15",
            "--item",
            "children",
            "--text",
            "走访",
        ])
        .arg(dir)
        .assert()
        .success();
    let march = std::fs::read_to_string(dir.join("activities/2024-03.yaml")).unwrap();
    assert!(march.contains("- date: 2024-03-15\n"), "{march}");
    let out = cli()
        .args([
            "new",
            "--date",
            "2026-11-29",
            "--item",
            "children",
            "--text",
            "走访",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("不在 2024 年内") && !err.contains("2026-11.yaml"),
        "{err}"
    );
    assert!(!dir.join("activities/2026-11.yaml").exists());
}

#[test]
fn new_outside_a_ledger_and_into_a_gbk_log_say_why_in_chinese() {
    let work = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(work.path())
        .args(["new", "--date", "2024-03-01", "--item", "a", "--text", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("不是台账目录（里面没有 report.yaml）"),
        "{err}"
    );
    assert!(!err.contains("No such file"), "{err}");

    let work = fresh_ledger();
    let log = work.path().join("activities/2024-02.yaml");
    // 测试 in GBK: what Excel or an old editor on a Chinese Windows saves.
    let gbk: &[u8] = b"- date: 2024-02-01\n  item: children\n  text: \xb2\xe2\xca\xd4\n";
    std::fs::write(&log, gbk).unwrap();
    let out = cli()
        .args([
            "new",
            "--date",
            "2024-02-03",
            "--item",
            "children",
            "--text",
            "甲",
        ])
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("GBK"), "{err}");
    assert!(!err.contains("stream did not contain"), "{err}");
    assert_eq!(std::fs::read(&log).unwrap(), gbk);
}

// 4. A paragraph ending with an activity text without a final mark is closed.
#[test]
fn an_unterminated_activity_text_at_a_paragraph_end_gets_its_full_stop() {
    let work = fresh_ledger();
    let dir = work.path();
    cli()
        .args([
            "new",
            "--date",
            "2024-05-01",
            "--item",
            "volunteer-service",
            "--text",
        ])
        .arg("组织志愿者开展环境整治，覆盖全镇12个村")
        .arg(dir)
        .assert()
        .success();
    let out = dir.join("o");
    cli()
        .args(["build", "--format", "md,html,txt", "--out"])
        .arg(&out)
        .arg(dir)
        .assert()
        .success();
    for ext in ["md", "html", "txt"] {
        let printed =
            std::fs::read_to_string(out.join(format!("2024年示例镇妇联工作总结.{ext}"))).unwrap();
        assert!(printed.contains("覆盖全镇12个村。"), "{ext}: {printed}");
    }
}

// 5. stats keeps whole titles in machine formats, opens in Excel, lists every month.
#[test]
fn stats_keeps_whole_labels_lists_every_month_and_csv_opens_in_excel() {
    let dir = fixture("chapanzhou-2023");
    let csv = cli()
        .args(["stats", "--format", "csv"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(csv.stdout.starts_with("\u{feff}level,".as_bytes()));
    let csv = text(&csv.stdout);
    assert!(!csv.contains('…'), "{csv}");
    assert!(csv.contains("关爱妇女儿童，保障妇女儿童合法权益"), "{csv}");
    let json = cli()
        .args(["stats", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let blank: Vec<&serde_json::Value> = rows.iter().filter(|r| r["label"] == "").collect();
    assert_eq!(blank.len(), 0, "{blank:?}");
    let table = text(&cli().arg("stats").arg(&dir).output().unwrap().stdout);
    let months = table.lines().filter(|l| l.starts_with("月份")).count();
    assert_eq!(months, 12, "{table}");

    let nowhere = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(nowhere.path())
        .arg("stats")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("不是台账目录") && !err.contains("未生成"),
        "{err}"
    );
}

// 6. Messages: command-line errors, figures with labels, did you mean, locations.
#[test]
fn command_line_errors_are_in_chinese() {
    for (args, expected) in [
        (vec!["build", "--bogus"], "不认识的选项 “--bogus”"),
        (vec!["bild"], "不认识的命令 “bild”"),
        (vec!["stats", "--format", "xml"], "“xml” 不是 --format"),
        (vec!["build", "--format"], "需要一个值"),
        (vec!["completions"], "缺少必需的参数"),
        (vec!["new", "--date"], "需要一个值"),
        (vec!["build", "--jobs", "abc"], "要写 0 或正整数"),
    ] {
        let out = cli().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        let english = [
            "error:",
            "Usage:",
            "For more information",
            "tip:",
            "[OPTIONS]",
            "invalid digit",
        ];
        assert!(english.iter().all(|e| !err.contains(e)), "{args:?}: {err}");
        assert!(err.contains("用法：annual-report"), "{err}");
    }
}

/// A copy of the chapanzhou ledger with one log replaced.
fn chapanzhou_with_log(log: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    std::fs::write(work.path().join("activities/2023-12.yaml"), log).unwrap();
    work
}

fn check_stderr(dir: &Path) -> String {
    let out = cli().arg("check").arg(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    text(&out.stderr)
}

#[test]
fn ledger_messages_name_labels_suggest_items_and_point_at_the_right_line() {
    let work = chapanzhou_with_log(
        "- date: 2023-12-01\n  item: 维权\n  text: 甲\n- date: 2023-12-02\n  item: legal-rights\n  figures: { visit: 1 }\n",
    );
    let err = check_stderr(work.path());
    assert!(err.contains("是不是想写 “legal-rights”"), "{err}");
    assert!(err.contains("visits（接待妇女来访）"), "{err}");

    // A tab in the indentation, reported on the tab's own line.
    let work = chapanzhou_with_log(
        "- date: 2023-12-01\n  item: legal-rights\n  text: 甲\n- date: 2023-12-02\n\titem: legal-rights\n",
    );
    let err = check_stderr(work.path());
    assert!(err.contains("2023-12.yaml:5:1"), "{err}");
    assert!(err.contains("Tab"), "{err}");

    // E027 points at the item, not at its section.
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    let report = std::fs::read_to_string(work.path().join("report.yaml")).unwrap();
    let with_empty_item = report.replacen(
        "      - id: legal-rights\n",
        "      - id: empty-one\n        lead: 空的条目。\n      - id: legal-rights\n",
        1,
    );
    assert_ne!(with_empty_item, report);
    std::fs::write(work.path().join("report.yaml"), &with_empty_item).unwrap();
    let line = with_empty_item
        .lines()
        .position(|l| l.contains("id: empty-one"))
        .unwrap()
        + 1;
    let err = check_stderr(work.path());
    assert!(
        err.contains(&format!("report.yaml:{line}:")) && err.contains("empty-one"),
        "line {line}: {err}"
    );
}

// 7. schema (unit test), man page and help.
#[test]
fn man_page_and_help_command_cover_every_command() {
    let page = text(&cli().arg("man").output().unwrap().stdout);
    assert!(!page.contains("annual\\-report\\-build(1)"), "{page}");
    for command in ["build", "check", "init", "new", "stats", "fonts"] {
        assert!(page.contains(&format!(".SS {command}")), "{command}");
    }
    let help = cli().arg("help").output().unwrap();
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("命令："));
    let build = cli().args(["help", "build"]).output().unwrap();
    assert!(build.status.success());
    assert!(text(&build.stdout).contains("用法：annual-report build"));
}

// 8. completions: subcommand options complete in bash, presets complete, no panic on
// a closed pipe.
#[test]
fn bash_completes_options_of_subcommands_and_presets() {
    let script = cli().args(["completions", "bash"]).output().unwrap().stdout;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    let complete = |words: &str| {
        let words: Vec<&str> = words.split(' ').collect();
        let program = format!(
            "source {path}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _annual__report annual-report '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path = file.path().display(),
            words = words.join(" "),
            cword = words.len() - 1,
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = Command::new("bash")
            .args(["-c", &program])
            .output()
            .unwrap();
        text(&out.stdout)
    };
    let build = complete("annual-report build --fo");
    assert!(build.lines().any(|l| l == "--format"), "{build}");
    let presets = complete("annual-report init --preset t");
    assert_eq!(presets.trim(), "tuanwei");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [vec!["completions", "fish"], vec!["schema"], vec!["man"]] {
        let bin = assert_cmd::cargo::cargo_bin("annual-report");
        let mut child = Command::new(bin)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end at once, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}

// 9. The PDF carries title, author and subject.
#[test]
fn the_pdf_has_title_author_and_subject_with_pdfinfo() {
    if !common::require_tools(&[common::PDFINFO]) {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--format", "pdf", "--no-system-fonts", "--out"])
        .arg(out.path())
        .arg(fixture("chapanzhou-2023"))
        .assert()
        .success();
    let pdf = out.path().join("2023年茶盘洲镇妇联工作总结.pdf");
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = text(&info.stdout);
    assert!(
        info.contains("Title:           2023年茶盘洲镇妇联工作总结"),
        "{info}"
    );
    assert!(info.contains("Author:          茶盘洲镇妇联"), "{info}");
    assert!(info.contains("Subject:         2023年度工作总结"), "{info}");
}

// 10. A fresh ledger of every preset warns only of what the clerk must replace.
#[test]
fn a_fresh_preset_warns_only_of_its_samples_and_placeholders() {
    for preset in ["fulian", "tuanwei", "zhengfu", "gonghui", "canlian"] {
        let work = tempfile::tempdir().unwrap();
        cli()
            .args(["init", "--year", "2024", "--preset", preset])
            .arg(work.path())
            .assert()
            .success();
        let out = cli()
            .args(["check", "--format", "json"])
            .arg(work.path())
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let other: Vec<&serde_json::Value> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] != "W110" && d["code"] != "W111")
            .collect();
        assert_eq!(other.len(), 0, "{preset}: {other:?}");
    }
}

// The README's walk: init says where to go next, new names the file as typed.
#[test]
fn init_and_new_speak_of_paths_as_the_clerk_types_them() {
    let work = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(work.path())
        .args(["init", "新河镇妇联-2024", "--year", "2024"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("下一步：cd 新河镇妇联-2024，"),
        "{}",
        text(&out.stdout)
    );
    let ledger = work.path().join("新河镇妇联-2024");
    let out = cli()
        .current_dir(&ledger)
        .args([
            "new",
            "--date",
            "2024-03-08",
            "--item",
            "legal-rights",
            "--text",
            "宣传",
        ])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "已追加到 activities/2024-03.yaml\n");
}

// Help texts say their defaults in Chinese; clap's "[default: …]" stays out.
#[test]
fn help_has_no_english_defaults() {
    for command in [
        "build", "check", "init", "new", "stats", "import", "export", "serve",
    ] {
        let help = text(&cli().args([command, "--help"]).output().unwrap().stdout);
        assert!(!help.contains("[default"), "{command}: {help}");
        assert!(!help.contains("[possible values"), "{command}: {help}");
    }
}

// Full-width digits, as a Chinese input method types them, are numbers everywhere.
#[test]
fn full_width_digits_are_numbers_in_new_and_init() {
    let work = fresh_ledger();
    cli()
        .args([
            "new",
            "--date",
            "２０２４-03-09",
            "--item",
            "legal-rights",
            "--figure",
            "visits=３",
        ])
        .arg(work.path())
        .assert()
        .success();
    let march = std::fs::read_to_string(work.path().join("activities/2024-03.yaml")).unwrap();
    assert!(
        march.contains("- date: 2024-03-09\n") && march.contains("visits: 3"),
        "{march}"
    );
    let other = tempfile::tempdir().unwrap();
    cli()
        .args(["init", "--year", "２０２４"])
        .arg(other.path())
        .assert()
        .success();
}
