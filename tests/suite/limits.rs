//! Resource limits (src/limits.rs): oversized, huge, deep, self-referencing and
//! numerous inputs each end in a clear located error or a build of bounded cost —
//! never a hang, a crash or a wrong number. One test per limit; the alias bomb is one
//! of fixtures/invalid (checked by the cli tests), and so is checked here as well.
//!
//! Every command runs under a generous timeout: not a speed target (those are in the
//! benchmark), only so that a hang fails the test instead of stalling CI.

use crate::common;

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

/// The size check above trusts the size a file claims; this one proves the limit
/// holds on the bytes actually read. /proc/self/pagemap is a regular file of size 0
/// that reads on for hundreds of gigabytes (8 bytes per page of the reader's address
/// space): without the limit, `check` would read it until memory ran out.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_claims_less_than_it_holds_is_refused_after_the_limit_is_read() {
    let claimed = std::fs::metadata("/proc/self/pagemap").unwrap();
    assert!(claimed.is_file() && claimed.len() == 0);
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    std::os::unix::fs::symlink("/proc/self/pagemap", ledger.join("activities/endless.yaml"))
        .unwrap();

    let stderr = refused_by_check(&ledger);
    assert!(stderr.contains("endless.yaml"), "{stderr}");
    assert!(
        stderr.contains("文件过大（读取超过 16 MiB 仍未结束）"),
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

/// `n` villages written as aliases, ten to an anchor (the parser also refuses far more
/// aliases than anchors).
fn aliased_villages(n: usize) -> String {
    let mut villages = Vec::new();
    for i in 0..n {
        if i % 10 == 0 {
            villages.push(format!("&v{i} 新河村{i}"));
        }
        villages.push(format!("*v{}", i - i % 10));
    }
    format!("  villages: [{}]\n", villages.join(", "))
}

#[test]
fn more_aliases_than_the_limit_are_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let entry = activity("2022-06-01", "legal-rights", "开展普法宣传");
    write_log(
        &ledger,
        "aliases.yaml",
        &(entry.clone() + &aliased_villages(1_001)),
    );
    let stderr = refused_by_check(&ledger);
    assert!(stderr.contains("E015"), "{stderr}");
    assert!(stderr.contains("别名（*名称）超过 1000 个"), "{stderr}");
    assert!(stderr.contains("aliases.yaml:4:"), "{stderr}");

    // A thousand are accepted.
    write_log(&ledger, "aliases.yaml", &(entry + &aliased_villages(1_000)));
    cli()
        .arg("check")
        .arg(&ledger)
        .timeout(HANG_GUARD)
        .assert()
        .success();
}

/// Nesting the schema has room for (a mapping key may be any node) stops at the
/// parser's depth limit, located, rather than at a type error.
#[test]
fn nesting_past_the_depth_limit_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let key = format!("{}{}", "[".repeat(40), "]".repeat(40));
    let entry = activity("2022-06-01", "legal-rights", "开展普法宣传");
    write_log(
        &ledger,
        "deep.yaml",
        &format!("{entry}  figures:\n    ? {key}\n    : 1\n"),
    );
    let stderr = refused_by_check(&ledger);
    assert!(stderr.contains("E015"), "{stderr}");
    assert!(
        stderr.contains("文件超出解析限制：嵌套超过 32 层"),
        "{stderr}"
    );
    // The root list, the activity, `figures` and 29 brackets: the 30th goes past.
    assert!(stderr.contains("deep.yaml:5:36]"), "{stderr}");
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

/// Asserts that `stderr` holds the code, the exact location (`file:line:column]`, so
/// that `:3:9` never matches `:3:90`) and the field of a finding.
fn assert_finding(stderr: &str, code: &str, location: &str, field: &str) {
    assert!(stderr.contains(code), "{code} in {stderr}");
    assert!(
        stderr.contains(&format!("{location}]")),
        "{location} in {stderr}"
    );
    assert!(
        stderr.contains(&format!("字段 {field}")),
        "{field} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_figure_above_the_limit_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let entry = activity("2022-05-01", "legal-rights", "接待来访");
    write_log(
        &ledger,
        "big.yaml",
        &format!("{entry}  figures: {{ visits: 1000000000000 }}\n"),
    );
    let stderr = refused_by_check(&ledger);
    assert_finding(&stderr, "E040", "big.yaml:4:22", "[0].figures.visits");
    assert!(stderr.contains("不能超过 999999999999"), "{stderr}");
}

#[test]
fn a_year_total_above_the_limit_is_refused_at_the_value_that_passes_it() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    // Each value is allowed; their sum is not (and two at u64::MAX would wrap).
    let entry =
        |date| activity(date, "legal-rights", "接待来访") + "  figures: { visits: 600000000000 }\n";
    write_log(
        &ledger,
        "sums.yaml",
        &(entry("2022-05-01") + &entry("2022-06-01")),
    );
    let stderr = refused_by_check(&ledger);
    assert_finding(&stderr, "E041", "sums.yaml:8:22", "[1].figures.visits");
    assert!(stderr.contains("“visits” 的合计超过上限"), "{stderr}");
}

/// A county report over two copies of chapanzhou-2023, whose March visit counts
/// `visits` when given; `rename` renames the first member.
fn county_of_two(work: &Path, visits: Option<&str>, rename: Option<&str>) -> std::path::PathBuf {
    let county = work.join("county");
    copy_dir(&fixture("yuanjiang-2023"), &county);
    for member in ["chapanzhou-2023", "xinhe-2023"] {
        let dir = work.join(member);
        copy_dir(&fixture("chapanzhou-2023"), &dir);
        let Some(visits) = visits else {
            continue;
        };
        let march = dir.join("activities/2023-03.yaml");
        let text = std::fs::read_to_string(&march).unwrap();
        let changed = text.replacen("visits: 1,", &format!("visits: {visits},"), 1);
        assert_ne!(text, changed);
        std::fs::write(&march, changed).unwrap();
    }
    if let Some(name) = rename {
        let report = work.join("chapanzhou-2023/report.yaml");
        let text = std::fs::read_to_string(&report).unwrap();
        std::fs::write(&report, text.replacen("name: 茶盘洲镇妇联", name, 1)).unwrap();
    }
    county
}

#[test]
fn roll_up_totals_above_the_limit_are_refused_at_the_member() {
    let work = tempfile::tempdir().unwrap();
    let county = county_of_two(work.path(), Some("600000000000"), None);
    let stderr = refused_by_check(&county);
    assert_finding(&stderr, "E041", "report.yaml:15:7", "rollup.members[1]");

    // Two members at u64::MAX: each value is refused where it is written, and nothing
    // prints 18446744073709551614.
    let work = tempfile::tempdir().unwrap();
    let county = county_of_two(work.path(), Some("18446744073709551615"), None);
    let stderr = refused_by_check(&county);
    assert_finding(&stderr, "E040", "2023-03.yaml:8:22", "[1].figures.visits");
    assert!(!stderr.contains("18446744073709551614"), "{stderr}");
}

#[test]
fn a_hundred_thousand_list_lines_are_a_located_error_not_a_panic() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let list: String = (0..100_000).map(|i| format!("    - 第{i}项\n")).collect();
    write_log(
        &ledger,
        "list.yaml",
        &format!("- date: 2022-06-01\n  item: legal-rights\n  text: |\n    开展了以下工作\n{list}"),
    );
    let stderr = refused_by_check(&ledger);
    assert_finding(&stderr, "E042", "list.yaml:4:5", "[0].text");
    assert!(
        stderr.contains("有 100000 项，不能超过 9999 项"),
        "{stderr}"
    );
}

#[test]
fn a_title_above_the_limit_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    let report = ledger.join("report.yaml");
    let text = std::fs::read_to_string(&report).unwrap();
    let title = "茶".repeat(20_000);
    let text = text.replacen("date: ", &format!("title: {title}\ndate: "), 1);
    std::fs::write(&report, text).unwrap();
    let stderr = refused_by_check(&ledger);
    assert_finding(&stderr, "E043", "report.yaml:6:8", "title");
    assert!(
        stderr.contains("标题有 20000 个字，不能超过 100 个字"),
        "{stderr}"
    );
}

#[test]
fn a_text_above_the_limit_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    ledger_without_activities(&ledger);
    both_items(&ledger);
    // One character more than the 100,000 that still build (see the test above).
    let long = "开展走访慰问工作".repeat(12_500) + "。";
    write_log(
        &ledger,
        "long.yaml",
        &activity("2022-06-01", "legal-rights", &long),
    );
    let stderr = refused_by_check(&ledger);
    assert_finding(&stderr, "E044", "long.yaml:3:9", "[0].text");
    assert!(stderr.contains("文字超过 100000 个字"), "{stderr}");
}

#[test]
fn alias_expansion_stops_at_its_limit() {
    // Every anchor of the fixture is a valid activity: only the expansion limit can
    // stop it (not a type error before any alias expands).
    let stderr = refused_by_check(&fixture("invalid/alias-bomb"));
    assert!(stderr.contains("E015"), "{stderr}");
    assert!(stderr.contains("别名展开超过 100000 个节点"), "{stderr}");
    assert!(stderr.contains("2023-03.yaml:3:46]"), "{stderr}");

    // The same anchors four levels shallower (9^4 copies of the first activity) expand
    // within the limit and the ledger checks: the merges themselves are accepted.
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("invalid/alias-bomb"), &ledger);
    let log = ledger.join("activities/2023-03.yaml");
    let text = std::fs::read_to_string(&log).unwrap();
    let shallow: String = text
        .lines()
        .filter(|l| {
            !["- &a5", "- &a6", "- &a7", "- &a8"]
                .iter()
                .any(|a| l.starts_with(a))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log, shallow).unwrap();
    cli()
        .arg("check")
        .arg(&ledger)
        .timeout(HANG_GUARD)
        .assert()
        .success();
}

#[test]
fn a_roll_up_member_name_without_glyphs_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let county = county_of_two(work.path(), None, Some("name: 𪚥盘洲镇妇联"));
    let output = cli()
        .args(["build", "--no-system-fonts", "--format", "pdf", "--out"])
        .arg(work.path().join("out"))
        .arg(&county)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E030") && stderr.contains("𪚥"), "{stderr}");
    assert!(
        stderr.contains("chapanzhou-2023/report.yaml:5:9]"),
        "{stderr}"
    );
    assert!(!work.path().join("out").exists());
}
