//! Resource limits: oversized, huge, deep, self-referencing and numerous inputs each
//! end in a clear located error or a build of bounded cost — never a hang or a crash.
//! (The alias bomb is one of fixtures/invalid, checked by the cli tests.)
//!
//! Every command runs under a generous timeout: not a speed target (those are in the
//! benchmark), only so that a hang fails the test instead of stalling CI.

mod common;

use common::{cli, copy_dir, fixture, stats_total};
use std::path::Path;
use std::time::Duration;

const HANG_GUARD: Duration = Duration::from_secs(300);

/// xinhe-2022 without its activities: two items, `skills-training` and `legal-rights`.
fn ledger_without_activities(dir: &Path) {
    copy_dir(&fixture("xinhe-2022"), dir);
    for entry in std::fs::read_dir(dir.join("activities")).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
}

fn activity(date: &str, item: &str, text: &str) -> String {
    format!("- date: {date}\n  item: {item}\n  text: {text}\n")
}

fn write_log(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join("activities").join(name), content).unwrap();
}

/// Runs `check` on a ledger that must be refused; its messages.
fn refused_by_check(ledger: &Path) -> String {
    let output = cli()
        .arg("check")
        .arg(ledger)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
}

fn both_items(dir: &Path) {
    write_log(
        dir,
        "2022.yaml",
        &(activity("2022-03-08", "legal-rights", "开展普法宣传")
            + &activity("2022-04-12", "skills-training", "举办技能培训班")),
    );
}

#[test]
fn a_fifty_megabyte_file_is_refused_without_reading_it_whole() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let line = activity("2022-05-01", "legal-rights", "开展普法宣传");
    let big = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    write_log(&ledger, "huge.yaml", &big);

    let stderr = refused_by_check(&ledger);
    assert!(stderr.contains("huge.yaml"), "{stderr}");
    assert!(
        stderr.contains("文件过大（50.0 MiB）") && stderr.contains("不能超过 16 MiB"),
        "{stderr}"
    );
}

#[test]
fn a_hundred_thousand_character_paragraph_builds_every_format() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let long = "开展走访慰问工作".repeat(12_500);
    write_log(
        &ledger,
        "long.yaml",
        &activity("2022-06-01", "legal-rights", &long),
    );

    let out = work.path().join("out");
    let output = cli()
        .args([
            "build",
            "--no-system-fonts",
            "--format",
            "md,html,pdf",
            "--out",
        ])
        .arg(&out)
        .arg(&ledger)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The proofreader points at the paragraph (W108, overlong).
    assert!(stdout_or_err_has(&output, "W108"), "{stderr}");
    let markdown = std::fs::read_to_string(out.join("2022年新河镇妇联工作总结.md")).unwrap();
    assert!(markdown.contains(&long));
    let pdf = std::fs::read(out.join("2022年新河镇妇联工作总结.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

fn stdout_or_err_has(output: &std::process::Output, needle: &str) -> bool {
    String::from_utf8_lossy(&output.stdout).contains(needle)
        || String::from_utf8_lossy(&output.stderr).contains(needle)
}

#[test]
fn deeply_nested_yaml_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let depth = 100_000;
    let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    write_log(
        &ledger,
        "flow.yaml",
        &activity("2022-06-01", "legal-rights", &flow),
    );
    let block: String = (0..2_000)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    write_log(&ledger, "block.yaml", &block);

    let stderr = refused_by_check(&ledger);
    assert!(stderr.contains("flow.yaml:3:9"), "{stderr}");
    assert!(stderr.contains("block.yaml:2:3"), "{stderr}");
    assert!(stderr.contains("E014"), "{stderr}");
    // The 200,000-character line is shown cut around the spot, not whole.
    assert!(stderr.len() < 5_000, "{} bytes of messages", stderr.len());
}

#[test]
fn a_ledger_of_ten_thousand_files_checks_and_counts_them_all() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    for i in 0..10_000 {
        let item = if i % 2 == 0 {
            "legal-rights"
        } else {
            "skills-training"
        };
        let date = format!("2022-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        write_log(
            &ledger,
            &format!("{i:05}.yaml"),
            &activity(&date, item, &format!("第{i}次活动")),
        );
    }

    let output = cli()
        .args(["stats", "--format", "json"])
        .arg(&ledger)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let total = stats_total(&output.stdout);
    assert_eq!(total["activities"], 10_000, "{stdout}");
}

#[cfg(unix)]
#[test]
fn links_back_up_the_tree_devices_and_pipes_do_not_hang_the_loader() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let activities = ledger.join("activities");
    std::os::unix::fs::symlink("..", activities.join("up")).unwrap();
    std::os::unix::fs::symlink(".", activities.join("here")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", activities.join("zero.yaml")).unwrap();
    let fifo = activities.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());

    let stderr = refused_by_check(&ledger);
    for name in ["zero.yaml", "pipe.yaml"] {
        assert!(
            stderr.contains(&format!("{name} 不是普通文件")),
            "{name}: {stderr}"
        );
    }
}
