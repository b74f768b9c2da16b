//! The command line: build and check on fixtures, invalid ledgers, outputs kept intact
//! on failure, template overrides.

use crate::common;

use common::{cli, copy_dir, fixture, root};
use std::path::Path;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn build_writes_the_markdown_named_after_the_title() {
    let out = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--out"])
        .arg(out.path())
        .arg(fixture("chapanzhou-2023"))
        .assert()
        .success();
    let md = out.path().join("2023年茶盘洲镇妇联工作总结.md");
    let text = std::fs::read_to_string(md).unwrap();
    assert!(text.starts_with("# 2023年茶盘洲镇妇联工作总结\n"));
}

#[test]
fn build_writes_into_the_ledger_wherever_it_runs_from() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("qingshan");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    let expected = ledger.join("reports/青山街道团工委2024年工作总结.md");
    // From outside the ledger.
    let outside = cli()
        .current_dir(work.path())
        .args(["build", "qingshan", "--format", "md"])
        .output()
        .unwrap();
    assert!(outside.status.success(), "{}", stderr_of(&outside));
    assert!(expected.is_file());
    assert!(
        String::from_utf8_lossy(&outside.stdout)
            .contains("已生成 qingshan/reports/青山街道团工委2024年工作总结.md")
    );
    std::fs::remove_file(&expected).unwrap();
    // From inside, with no directory named: the same place.
    let inside = cli()
        .current_dir(&ledger)
        .args(["build", "--format", "md"])
        .output()
        .unwrap();
    assert!(inside.status.success(), "{}", stderr_of(&inside));
    assert!(expected.is_file());
    assert!(
        String::from_utf8_lossy(&inside.stdout)
            .contains("已生成 reports/青山街道团工委2024年工作总结.md")
    );
    assert!(!ledger.join("reports/qingshan").exists());
}

#[test]
fn build_context_writes_the_template_data() {
    let out = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--context", "--out"])
        .arg(out.path())
        .arg(fixture("chapanzhou-2023"))
        .assert()
        .success();
    let json = std::fs::read_to_string(out.path().join("2023年茶盘洲镇妇联工作总结.context.json"))
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["doc"]["title"], "2023年茶盘洲镇妇联工作总结");
    assert_eq!(value["doc"]["sections"][2]["number"], "三、");
    let visits = value["doc"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "visits")
        .unwrap();
    assert_eq!(visits["total"], 10);
}

#[test]
fn unknown_format_is_refused_with_the_allowed_ones() {
    let output = cli()
        .args(["build", "--format", "doc"])
        .arg(fixture("chapanzhou-2023"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(stderr_of(&output).contains("不支持的格式 “doc”"));
}

#[test]
fn check_passes_valid_fixtures() {
    cli()
        .args(["check", "--deny-warnings"])
        .arg(fixture("qingshan-2024-tuanwei"))
        .assert()
        .success();
    // The published chapanzhou text has a typo (婚姻法》 without 《) and a 、 between
    // book titles: warnings, which fail only when warnings are denied.
    let output = cli()
        .arg("check")
        .arg(fixture("chapanzhou-2023"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("W101") && stderr.contains("2023-03.yaml:4:99"),
        "{stderr}"
    );
    assert!(
        stderr.contains("W114") && stderr.contains("2023-03.yaml:4:87"),
        "{stderr}"
    );
    assert!(stderr.contains("0 个错误，2 个警告"), "{stderr}");
    cli()
        .args(["check", "--deny-warnings"])
        .arg(fixture("chapanzhou-2023"))
        .assert()
        .code(1);
}

/// Every ledger under fixtures/invalid fails with exit 1 and prints each line of its
/// `expected.txt`: the exact file:line:column first, then code, message, field, allowed values.
#[test]
fn every_invalid_ledger_fails_with_a_located_message() {
    let dir = root().join("fixtures/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "invalid fixtures present");
    for case in cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let output = cli().arg("check").arg(&case).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}: {stderr}",
            case.display()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        // The first line is the exact place: path inside the ledger, line and column,
        // matched up to the closing bracket (so `:3:9` never passes for `:3:90`).
        let mut lines = expected.lines().filter(|l| !l.is_empty());
        let location = lines.next().unwrap_or_default();
        let parts: Vec<&str> = location.rsplitn(3, ':').collect();
        assert!(
            parts.len() == 3 && parts[..2].iter().all(|n| n.parse::<u32>().is_ok()),
            "{}: the first line of expected.txt is file:line:column, not {location:?}",
            case.display()
        );
        let exact = format!("[{}/{location}]", case.display());
        assert!(
            stderr.contains(&exact),
            "{}: expected {exact:?} in\n{stderr}",
            case.display()
        );
        for line in lines {
            assert!(
                stderr.contains(line),
                "{}: expected {line:?} in\n{stderr}",
                case.display()
            );
        }
        // build refuses the same ledger and writes nothing.
        let out = tempfile::tempdir().unwrap();
        cli()
            .arg("build")
            .arg(&case)
            .arg("--out")
            .arg(out.path().join("o"))
            .assert()
            .code(1);
        assert!(!out.path().join("o").exists());
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let out = work.path().join("out");
    cli()
        .arg("build")
        .arg(&ledger)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = out.join("2023年茶盘洲镇妇联工作总结.md");
    let before = std::fs::read(&md).unwrap();

    let log = ledger.join("activities/2023-06.yaml");
    let broken = std::fs::read_to_string(&log)
        .unwrap()
        .replace("item: children", "item: childern");
    std::fs::write(&log, broken).unwrap();
    let output = cli()
        .arg("build")
        .arg(&ledger)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("未知的条目 “childern”"));
    assert_eq!(std::fs::read(&md).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        5,
        "md, html, txt, pdf, docx and no temporary files: {names:?}"
    );
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn a_report_directory_can_override_one_template_block() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    std::fs::create_dir_all(ledger.join("templates")).unwrap();
    std::fs::write(
        ledger.join("templates/summary.md.tera"),
        "{% extends \"builtin/summary.md.tera\" %}\n\
         {% block closing %}（结束语由模板替换：{{ doc.organization | md }}）{% endblock closing %}\n",
    )
    .unwrap();
    let out = work.path().join("out");
    cli()
        .arg("build")
        .arg(&ledger)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("青山街道团工委2024年工作总结.md")).unwrap();
    assert!(md.contains("（结束语由模板替换：青山街道团工委）"));
    assert!(!md.contains("新的一年"), "the block was replaced");
    assert!(
        md.contains("## 一、坚持思想引领"),
        "the rest is the built-in"
    );
}

#[test]
fn warnings_fail_check_only_when_denied() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    // An activity after the document date (2025-01-15) but inside the year is a warning.
    let report = std::fs::read_to_string(ledger.join("report.yaml"))
        .unwrap()
        .replace("date: 2025-01-15", "date: 2024-12-01");
    std::fs::write(ledger.join("report.yaml"), report).unwrap();
    let output = cli().arg("check").arg(&ledger).output().unwrap();
    assert!(output.status.success());
    assert!(stderr_of(&output).contains("W001"));
    cli()
        .args(["check", "--deny-warnings"])
        .arg(&ledger)
        .assert()
        .code(1);
}

#[test]
fn missing_directory_is_an_error_not_a_panic() {
    let output = cli()
        .arg("check")
        .arg(Path::new("/nonexistent/ledger"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("这个目录不存在"));
}

#[test]
fn help_is_in_chinese_with_examples() {
    let output = cli().args(["build", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("用法："), "{help}");
    assert!(help.contains("示例："), "{help}");
    assert!(help.contains("显示帮助"), "{help}");
}
