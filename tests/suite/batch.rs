//! Many organizations at once, the county roll-up and year-over-year figures.

use crate::common;

use annual_report::Format;
use common::{build_formats, cli, copy_dir, fixture, stats_total};

#[test]
fn a_batch_keeps_going_past_a_broken_ledger_and_lists_it() {
    let work = tempfile::tempdir().unwrap();
    let parent = work.path().join("towns");
    copy_dir(&fixture("chapanzhou-2023"), &parent.join("a-chapanzhou"));
    copy_dir(
        &fixture("qingshan-2024-tuanwei"),
        &parent.join("c-qingshan"),
    );
    copy_dir(&fixture("qingshan-2024-tuanwei"), &parent.join("b-broken"));
    let broken = parent.join("b-broken/activities/2024-h1.yaml");
    let text = std::fs::read_to_string(&broken)
        .unwrap()
        .replace("item: anti-fraud", "item: anti-frod");
    std::fs::write(&broken, text).unwrap();
    std::fs::create_dir_all(parent.join("not-a-report")).unwrap();

    let out = work.path().join("out");
    let output = cli()
        .args([
            "build",
            "--format",
            "md,pdf",
            "--no-system-fonts",
            "--jobs",
            "2",
            "--all",
        ])
        .arg(&parent)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("生成完成：2 个成功，1 个失败"), "{stderr}");
    assert!(
        stderr.contains("失败：") && stderr.contains("b-broken"),
        "{stderr}"
    );
    assert!(
        stderr.contains("未知的条目 “anti-frod”") && stderr.contains("2024-h1.yaml:12:9"),
        "{stderr}"
    );
    // Plain progress lines when not on a terminal; chapanzhou's published slips (W101,
    // W114) are counted on its line and in the summary.
    assert_eq!(
        stderr.matches("] 完成").count() + stderr.matches("] 失败 ").count(),
        3,
        "{stderr}"
    );
    assert!(
        stderr.contains("] 完成（2 条提醒） ") && stderr.contains("a-chapanzhou"),
        "{stderr}"
    );
    assert!(stderr.contains("其中 1 个报告有提醒"), "{stderr}");
    assert!(
        out.join("a-chapanzhou/2023年茶盘洲镇妇联工作总结.pdf")
            .is_file()
    );
    assert!(
        out.join("c-qingshan/青山街道团工委2024年工作总结.md")
            .is_file()
    );
    assert!(!out.join("b-broken").exists());
}

#[test]
fn several_directories_can_be_named_too() {
    let work = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--format", "md"])
        .arg(fixture("chapanzhou-2023"))
        .arg(fixture("xinhe-2023"))
        .arg("--out")
        .arg(work.path())
        .assert()
        .success();
    assert!(
        work.path()
            .join("chapanzhou-2023/2023年茶盘洲镇妇联工作总结.md")
            .is_file()
    );
    assert!(
        work.path()
            .join("xinhe-2023/2023年新河镇妇联工作总结.md")
            .is_file()
    );
}

#[test]
fn the_county_rolls_up_its_members_in_every_format() {
    let (_out, files) = build_formats(
        &fixture("yuanjiang-2023"),
        &[Format::Md, Format::Html, Format::Txt],
    );
    let md = &files["md"];
    assert!(
        md.contains(
            "| 单位 | 接待妇女来访（件） | 评选优秀妇女代表（位） | 参加技能培训（人次） |"
        ),
        "{md}"
    );
    assert!(md.contains("| 茶盘洲镇妇联 | 10 | 10 | — |"), "{md}");
    assert!(md.contains("| 新河镇妇联 | 7 | — | 48 |"), "{md}");
    assert!(md.contains("| 合计 | 17 | 10 | 48 |"), "{md}");
    let html = &files["html"];
    assert!(
        html.contains("<table>") && html.contains("<td>茶盘洲镇妇联</td>"),
        "{html}"
    );
    assert!(files["txt"].contains("合计\t17\t10\t48"));

    let prepared = annual_report::prepare(&fixture("yuanjiang-2023")).unwrap();
    let rollup = prepared.doc.rollup.expect("a roll-up");
    assert_eq!(rollup.sections[0].id, "rights");
    assert_eq!(rollup.sections[0].rows[0].values, ["10", "0", "—"]);

    // And in the PDF, laid out without error.
    let fonts = annual_report::publish::typeset::fonts::FontLibrary::new(&Default::default());
    let pages = annual_report::layout(&fixture("yuanjiang-2023"), &fonts).unwrap();
    assert_eq!(pages.pages().len(), 1);
}

#[test]
fn figures_carry_their_year_over_year_change() {
    let (_out, files) = build_formats(&fixture("xinhe-2023"), &[Format::Md]);
    let md = &files["md"];
    assert!(md.contains("全年组织技能培训48人次，同比增长20%。"), "{md}");
    assert!(md.contains("接待妇女来访7件，同比下降12.5%。"), "{md}");

    let prepared = annual_report::prepare(&fixture("xinhe-2023")).unwrap();
    let visits = prepared
        .doc
        .figures
        .iter()
        .find(|f| f.key == "visits")
        .unwrap();
    let whole = |n| annual_report::amount::Amount::new(n, 0);
    assert_eq!((visits.total, visits.previous), (whole(7), Some(whole(8))));
    assert_eq!(visits.yoy.as_deref(), Some("同比下降12.5%"));

    let output = cli()
        .args(["stats", "--format", "json"])
        .arg(fixture("xinhe-2023"))
        .output()
        .unwrap();
    let total = stats_total(&output.stdout);
    assert_eq!(total["previous"], serde_json::json!([8, 40]));
    assert_eq!(
        total["yoy"],
        serde_json::json!(["同比下降12.5%", "同比增长20%"])
    );
}

#[test]
fn broken_references_are_located_errors() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("xinhe");
    copy_dir(&fixture("xinhe-2023"), &dir);
    let report = std::fs::read_to_string(dir.join("report.yaml")).unwrap();

    std::fs::write(
        dir.join("report.yaml"),
        report.replace("previous: ../xinhe-2022\n", ""),
    )
    .unwrap();
    let output = cli().arg("check").arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("E031") && stderr.contains("需要上年台账"),
        "{stderr}"
    );

    std::fs::write(
        dir.join("report.yaml"),
        report.replace("../xinhe-2022", "../nowhere-2022"),
    )
    .unwrap();
    let output = cli().arg("check").arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("E032") && stderr.contains("report.yaml:7:11"),
        "{stderr}"
    );
}

#[test]
fn report_directories_of_the_same_name_are_refused_before_anything_is_written() {
    let work = tempfile::tempdir().unwrap();
    for town in ["a", "b"] {
        copy_dir(
            &fixture("chapanzhou-2023"),
            &work.path().join(town).join("2023"),
        );
    }
    let out = work.path().join("out");
    let output = cli()
        .args(["build", "--format", "md", "--out"])
        .arg(&out)
        .arg(work.path().join("a/2023"))
        .arg(work.path().join("b/2023"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Two --out folders in one is a mistake of the command line: exit code 2.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a/2023 与") && stderr.contains("b/2023 同名"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");

    // Without --out each writes into its own directory: no collision.
    cli()
        .current_dir(work.path())
        .args(["build", "--format", "md", "a/2023", "b/2023"])
        .assert()
        .success();
    for town in ["a", "b"] {
        assert!(
            work.path()
                .join(town)
                .join("2023/reports/2023年茶盘洲镇妇联工作总结.md")
                .is_file()
        );
    }
    // The same directory named twice would write one folder twice: refused.
    let output = cli()
        .current_dir(work.path())
        .args(["build", "--format", "md", "a/2023", "a/2023"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_unreadable_templates_folder_is_an_error_not_an_absence() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    // A file where the folder should be: read_dir fails with "not a directory".
    std::fs::write(ledger.join("templates"), "").unwrap();
    let out = work.path().join("out");
    let output = cli()
        .args(["build", "--format", "md", "--out"])
        .arg(&out)
        .arg(&ledger)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("无法读取模板") && stderr.contains("templates"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Ctrl-C in the middle of a batch: the builds under way finish, no other starts, and
/// the closing lines name the reports done and the ones kept as they were; the kept
/// ones have no outputs written, the done ones have all of theirs; exit code 130.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_batch_and_names_the_reports_done_and_kept() {
    use std::io::BufRead;
    let work = tempfile::tempdir().unwrap();
    let parent = work.path().join("towns");
    let names: Vec<String> = (1..=10).map(|n| format!("town-{n:02}")).collect();
    for name in &names {
        copy_dir(&fixture("chapanzhou-2023"), &parent.join(name));
    }
    let out = work.path().join("out");
    let binary = assert_cmd::cargo::cargo_bin("annual-report");
    let mut child = std::process::Command::new(binary)
        .args([
            "build",
            "--jobs",
            "1",
            "--format",
            "md,pdf",
            "--no-system-fonts",
        ])
        .arg("--all")
        .arg(&parent)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{lines:?}");
        let first_done = line.starts_with("[1/10]");
        lines.push(line);
        if first_done {
            break;
        }
    }
    // SAFETY: sending a signal to our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let all = format!("{}{rest}", lines.concat());
    assert_eq!(status.code(), Some(130), "{all}");
    assert!(all.contains("已收到 Ctrl-C"), "{all}");
    assert!(all.contains("已中断（Ctrl-C）"), "{all}");
    let (done_part, kept_part) = rest
        .split_once("保持原样（未生成）：")
        .unwrap_or_else(|| panic!("{all}"));
    let done: Vec<&String> = names
        .iter()
        .filter(|n| done_part.contains(n.as_str()))
        .collect();
    let kept: Vec<&String> = names
        .iter()
        .filter(|n| kept_part.contains(n.as_str()))
        .collect();
    println!("done {done:?}, kept {kept:?}");
    assert_eq!(done.len() + kept.len(), names.len(), "{all}");
    assert!(!done.is_empty() && !kept.is_empty(), "{all}");
    for name in done {
        let written: Vec<String> = std::fs::read_dir(out.join(name))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for extension in [".md", ".pdf"] {
            assert!(
                written.iter().any(|f| f.ends_with(extension)),
                "{name}: {written:?}"
            );
        }
    }
    for name in kept {
        assert!(!out.join(name).exists(), "{name} was written: {all}");
    }
}
