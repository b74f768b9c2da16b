//! Interrupted writes: a build or a `new` killed (SIGKILL) at points spread over its
//! whole run, and densely over its end, leaves every file either as it was or as it would have become, never a
//! mix, and the next run works. (Two `new` at once are in tests/authoring.rs.)

mod common;

use common::{cli, copy_dir, fixture};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many kill points each test tries: half spread evenly over one uninterrupted
/// run, half over its last tenth, where the files are written.
const KILL_POINTS: u32 = 16;

/// When the kill point `point` of [`KILL_POINTS`] falls in a run of `full_run`.
fn kill_delay(full_run: Duration, point: u32) -> Duration {
    let half = KILL_POINTS / 2;
    if point < half {
        full_run * point / half
    } else {
        full_run * 9 / 10 + full_run * (point - half) / (10 * half)
    }
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("annual-report")
}

/// The visible files of a directory and their bytes (temporary files are hidden).
fn visible_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Runs `command` to completion and returns how long it took.
fn timed_run(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command:?}");
    start.elapsed()
}

/// Starts `command`, kills it after `delay` (if it is still running) and waits.
fn killed_after(command: &mut Command, delay: Duration) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap();
}

fn build_command(ledger: &Path, out: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .args(["build", "--no-system-fonts", "--format", "md,html,txt,pdf"])
        .arg("--out")
        .arg(out)
        .arg(ledger);
    command
}

#[test]
fn a_killed_build_leaves_each_output_old_or_new() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let out = work.path().join("out");
    timed_run(&mut build_command(&ledger, &out));
    let old = visible_files(&out);
    assert_eq!(old.len(), 4);

    let report = ledger.join("report.yaml");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replacen("2023年，", "2023年全年，", 1)).unwrap();
    let reference = work.path().join("reference");
    let full_run = timed_run(&mut build_command(&ledger, &reference));
    let new = visible_files(&reference);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    assert!(old.iter().all(|(name, bytes)| new[name] != *bytes));

    for point in 0..KILL_POINTS {
        killed_after(
            &mut build_command(&ledger, &out),
            kill_delay(full_run, point),
        );
        let now = visible_files(&out);
        assert_eq!(now.len(), 4, "kill point {point}: {:?}", now.keys());
        for (name, bytes) in &now {
            assert!(
                *bytes == old[name] || *bytes == new[name],
                "kill point {point}: {name} is neither the old nor the new file"
            );
        }
    }
    timed_run(&mut build_command(&ledger, &out));
    assert_eq!(visible_files(&out), new);
}

fn new_command(ledger: &Path, visits: u32) -> Command {
    let mut command = Command::new(binary());
    command
        .args(["new", "--date", "2024-06-01", "--item", "legal-rights"])
        .arg("--figure")
        .arg(format!("visits={visits}"))
        .arg(ledger);
    command
}

/// The `visits` figure of every entry in the June log, in file order.
fn june_entries(ledger: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(ledger.join("activities/2024-06.yaml")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("figures: { visits: "))
        .map(|rest| rest.trim_end_matches(" }").to_owned())
        .collect()
}

#[test]
fn a_killed_new_leaves_the_log_unchanged_or_with_the_whole_entry() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    cli()
        .args(["init", "--year", "2024"])
        .arg(&ledger)
        .assert()
        .success();
    let full_run = timed_run(&mut new_command(&ledger, 1));
    let mut expected = vec!["1".to_owned()];

    for point in 0..KILL_POINTS {
        let visits = point + 2;
        killed_after(
            &mut new_command(&ledger, visits),
            kill_delay(full_run, point),
        );
        let now = june_entries(&ledger);
        if now.len() == expected.len() + 1 {
            expected.push(visits.to_string());
        }
        assert_eq!(now, expected, "kill point {point}");
        // Whatever happened, the ledger is whole: it checks without errors.
        cli().arg("check").arg(&ledger).assert().success();
    }
    // A killed writer held the lock; the next one is not blocked by it.
    timed_run(&mut new_command(&ledger, 99));
    expected.push("99".to_owned());
    assert_eq!(june_entries(&ledger), expected);
}
