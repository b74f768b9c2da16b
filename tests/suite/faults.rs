//! Interrupted writes, injected deterministically: the k-th file operation (a write,
//! a link keeping an old output, a rename) of a `build` or a `new` fails, or aborts
//! the process, for every k until the run gets through. A failed build leaves the
//! output directory exactly as it was (all outputs or none); an aborted one leaves
//! each output whole, old or new; a `new` leaves the log unchanged or one whole entry
//! longer. (Two `new` at once are in tests/suite/authoring.rs.)
//!
//! An editor that saves a log in place while a write is being prepared (between its
//! reading and its rename) is played by a hook before the write reads the file back.
//!
//! Aborts run in a child process: this test binary started again on the one test,
//! which arms the fault and runs the work when it finds [`CHILD_ENV`].

use crate::common;

use annual_report::files::fault::{self, Fault};
use annual_report::ledger::entry::{NewEntry, add};
use annual_report::{BuildOptions, Format};
use common::{cli, copy_dir, fixture};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Set in a child process: `k` and the work directory, `k:dir`.
const CHILD_ENV: &str = "ANNUAL_REPORT_TEST_ABORT_AT";

/// More operations than any run here performs: a loop that reaches it is broken.
const MAX_OPERATIONS: usize = 64;

/// Every file of a directory and its bytes, hidden ones included (a run must not
/// leave its temporary files behind either).
fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// The visible files (an abort may leave hidden temporaries, removed once stale).
fn visible_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = all_files(dir);
    files.retain(|name, _| !name.starts_with('.'));
    files
}

/// Which version each file is — `old`, `new`, or `other` — for readable failures.
fn versions(files: &BTreeMap<String, Vec<u8>>, run: &Rebuild) -> BTreeMap<String, &'static str> {
    files
        .iter()
        .map(|(name, bytes)| {
            let version = if run.old.get(name) == Some(bytes) {
                "old"
            } else if run.new.get(name) == Some(bytes) {
                "new"
            } else {
                "other"
            };
            (name.clone(), version)
        })
        .collect()
}

fn build_options(out: &Path) -> BuildOptions {
    BuildOptions::new(out, &[Format::Md, Format::Html, Format::Txt, Format::Typ])
}

/// A ledger, its outputs built once (`old`), and the outputs after an edit (`new`,
/// built elsewhere), so that every output differs between the two.
struct Rebuild {
    work: tempfile::TempDir,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
}

impl Rebuild {
    fn ledger(&self) -> PathBuf {
        self.work.path().join("ledger")
    }

    fn out(&self) -> PathBuf {
        self.work.path().join("out")
    }
}

fn rebuild() -> Rebuild {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let out = work.path().join("out");
    annual_report::build(&ledger, &build_options(&out)).unwrap();
    let old = all_files(&out);
    assert_eq!(old.len(), 4);
    let report = ledger.join("report.yaml");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, text.replacen("2023年，", "2023年全年，", 1)).unwrap();
    let reference = work.path().join("reference");
    annual_report::build(&ledger, &build_options(&reference)).unwrap();
    let new = all_files(&reference);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    assert!(old.iter().all(|(name, bytes)| new[name] != *bytes));
    Rebuild { work, old, new }
}

#[test]
fn a_build_failing_at_any_operation_changes_nothing() {
    let run = rebuild();
    for k in 0..MAX_OPERATIONS {
        fault::arm(k, Fault::Fail);
        let result = annual_report::build(&run.ledger(), &build_options(&run.out()));
        if !fault::disarm() {
            result.unwrap();
            assert!(all_files(&run.out()) == run.new, "after {k} operations");
            // 4 writes, then a link and a rename per output.
            assert_eq!(k, 12);
            return;
        }
        assert!(
            matches!(result, Err(annual_report::Error::Write { .. })),
            "operation {k}: {result:?}"
        );
        let now = all_files(&run.out());
        assert!(now == run.old, "operation {k}: {:?}", versions(&now, &run));
    }
    panic!("the build never finished");
}

#[test]
fn a_first_build_failing_at_any_operation_leaves_no_output_directory() {
    let run = rebuild();
    let out = run.work.path().join("first");
    for k in 0..MAX_OPERATIONS {
        fault::arm(k, Fault::Fail);
        let result = annual_report::build(&run.ledger(), &build_options(&out));
        if !fault::disarm() {
            result.unwrap();
            assert!(all_files(&out) == run.new);
            assert_eq!(k, 8, "4 writes and 4 renames");
            return;
        }
        assert!(result.is_err(), "operation {k}");
        assert!(!out.exists(), "operation {k}: {:?}", all_files(&out).keys());
    }
    panic!("the build never finished");
}

/// Runs this test again in a child process with [`CHILD_ENV`] set; whether the child
/// aborted (rather than finishing its work).
fn aborted_child(test: &str, k: usize, dir: &Path) -> bool {
    // The test's name as the harness lists it: its path in the suite, crate name left out.
    let (_, module) = module_path!().split_once("::").unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            &format!("{module}::{test}"),
            "--exact",
            "--test-threads",
            "1",
            "--quiet",
        ])
        .env(CHILD_ENV, format!("{k}:{}", dir.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    if status.success() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGABRT), "{status:?}");
    }
    true
}

/// In a child process: `k` and the work directory it was given.
fn child_task() -> Option<(usize, PathBuf)> {
    let value = std::env::var(CHILD_ENV).ok()?;
    let (k, dir) = value.split_once(':').unwrap();
    Some((k.parse().unwrap(), PathBuf::from(dir)))
}

#[test]
fn a_build_aborted_at_any_operation_leaves_each_output_old_or_new() {
    const NAME: &str = "a_build_aborted_at_any_operation_leaves_each_output_old_or_new";
    if let Some((k, work)) = child_task() {
        fault::arm(k, Fault::Abort);
        annual_report::build(&work.join("ledger"), &build_options(&work.join("out"))).unwrap();
        return;
    }
    let run = rebuild();
    let mut mixed = 0;
    for k in 0..MAX_OPERATIONS {
        let aborted = aborted_child(NAME, k, run.work.path());
        let now = visible_files(&run.out());
        assert_eq!(now.len(), 4, "abort at {k}: {:?}", now.keys());
        let now_versions = versions(&now, &run);
        assert!(
            !now_versions.values().any(|v| *v == "other"),
            "abort at {k}: {now_versions:?}"
        );
        if !aborted {
            assert!(now == run.new, "{now_versions:?}");
            assert_eq!(k, 12);
            // Aborts between renames were among those tried.
            assert_eq!(mixed, 6, "aborts that left some outputs new, some old");
            // The next build cleans up nothing it should not and ends in the new files.
            annual_report::build(&run.ledger(), &build_options(&run.out())).unwrap();
            assert!(visible_files(&run.out()) == run.new);
            return;
        }
        let renewed = now_versions.values().filter(|v| **v == "new").count();
        if (1..4).contains(&renewed) {
            mixed += 1;
        }
        // Back to the old outputs for the next abort point.
        for (name, bytes) in &run.old {
            std::fs::write(run.out().join(name), bytes).unwrap();
        }
    }
    panic!("the build never finished");
}

fn entry(visits: usize) -> NewEntry {
    NewEntry {
        date: "2024-06-01".into(),
        item: "legal-rights".into(),
        figures: vec![("visits".into(), visits.to_string())],
        ..NewEntry::default()
    }
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

fn new_ledger(work: &Path) -> PathBuf {
    let ledger = work.join("ledger");
    cli()
        .args(["init", "--year", "2024"])
        .arg(&ledger)
        .assert()
        .success();
    add(&ledger, &entry(1), false).unwrap();
    ledger
}

#[test]
fn a_new_entry_failing_at_any_operation_leaves_the_log_unchanged() {
    let work = tempfile::tempdir().unwrap();
    let ledger = new_ledger(work.path());
    let before = all_files(&ledger.join("activities"));
    for k in 0..MAX_OPERATIONS {
        fault::arm(k, Fault::Fail);
        let result = add(&ledger, &entry(2), false);
        if !fault::disarm() {
            result.unwrap();
            assert_eq!(june_entries(&ledger), ["1", "2"]);
            assert_eq!(k, 3, "a write, a read-back and a rename");
            return;
        }
        assert!(result.is_err(), "operation {k}");
        // Every log as it was, and no temporary file left behind.
        assert_eq!(
            all_files(&ledger.join("activities")),
            before,
            "operation {k}"
        );
    }
    panic!("new never finished");
}

#[test]
fn a_new_entry_aborted_at_any_operation_leaves_the_log_unchanged_or_one_entry_longer() {
    const NAME: &str =
        "a_new_entry_aborted_at_any_operation_leaves_the_log_unchanged_or_one_entry_longer";
    if let Some((k, work)) = child_task() {
        fault::arm(k, Fault::Abort);
        add(&work.join("ledger"), &entry(k + 2), false).unwrap();
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let ledger = new_ledger(work.path());
    let mut expected = vec!["1".to_owned()];
    for k in 0..MAX_OPERATIONS {
        let aborted = aborted_child(NAME, k, work.path());
        if !aborted {
            expected.push((k + 2).to_string());
        }
        assert_eq!(june_entries(&ledger), expected, "abort at {k}");
        // Whatever happened, the ledger is whole: it checks without errors, and the
        // lock the aborted writer held does not block the next one.
        cli().arg("check").arg(&ledger).assert().success();
        if !aborted {
            assert_eq!(k, 3, "a write, a read-back and a rename");
            return;
        }
    }
    panic!("new never finished");
}

thread_local! {
    /// How many more times the editor of [`editor_saves`] saves the log.
    static SAVES_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// An editor that ignores the lock and saves the log in place (a line more each
/// time), just before the write reads it back.
fn editor_saves(path: &Path) {
    let left = SAVES_LEFT.get();
    if left > 0 && path.extension().is_some_and(|e| e == "yaml") {
        SAVES_LEFT.set(left - 1);
        let mut text = std::fs::read_to_string(path).unwrap();
        text.push_str("# 编辑器保存的一行\n");
        std::fs::write(path, text).unwrap();
    }
}

/// Adds an entry to March while the editor saves the March log `saves` times.
fn add_while_an_editor_saves(
    saves: usize,
) -> (
    Result<annual_report::ledger::entry::Added, annual_report::ledger::entry::EntryError>,
    String,
) {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    let entry = NewEntry {
        date: "2023-03-09".into(),
        item: "legal-rights".into(),
        text: "开展普法宣传".into(),
        ..NewEntry::default()
    };
    SAVES_LEFT.set(saves);
    fault::before_verify(Some(editor_saves));
    let result = add(work.path(), &entry, false);
    fault::before_verify(None);
    let log = work.path().join("activities/2023-03.yaml");
    (result, std::fs::read_to_string(log).unwrap())
}

#[test]
fn an_add_reads_again_a_log_an_editor_saved_while_it_was_checked() {
    let (result, text) = add_while_an_editor_saves(1);
    result.expect("the second attempt reads the saved log");
    assert_eq!(text.matches("# 编辑器保存的一行").count(), 1, "{text}");
    assert!(text.contains("开展普法宣传"), "{text}");
    assert!(text.find("# 编辑器保存的一行") < text.find("开展普法宣传"));
}

#[test]
fn an_add_is_refused_when_the_log_changes_under_it_twice() {
    let (result, text) = add_while_an_editor_saves(2);
    let Err(annual_report::ledger::entry::EntryError::Io { source, .. }) = &result else {
        panic!("not refused: {result:?}");
    };
    assert!(annual_report::files::changed_on_disk(source), "{source}");
    let message = result.unwrap_err().to_string();
    assert!(message.contains("刚被其他程序改动"), "{message}");
    // The editor's text is what is there, and nothing of the refused entry.
    assert_eq!(text.matches("# 编辑器保存的一行").count(), 2, "{text}");
    assert!(!text.contains("开展普法宣传"), "{text}");
}
