//! The benchmark command of the README:
//!
//!     cargo build --release && cargo run --release --example bench
//!
//! (a) the chapanzhou report, ledger → MD + PDF + HTML, whole process, 15 runs;
//! (b) 1,000 synthetic reports of that size in one `build --all` process, 3 runs: wall
//!     time and peak memory (maximum resident set of the child); and the same for 250
//!     and 500 reports, to show whether memory grows with the batch;
//! (c) one ledger of 100,000 activities: load + check + aggregate, in process, 5 runs
//!     (and the whole `prepare`, which adds composing and proofreading).
//! Medians are printed; nothing is asserted here (targets live in the README).
//! `BENCH_DIR` sets where the scratch files go (default: the system's temporary folder).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The allocator of the command-line binary, so that (c) measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let release = exe.parent().and_then(Path::parent).expect("target/release");
    let bin = release.join("annual-report");
    assert!(
        bin.is_file(),
        "build the binary first: cargo build --release"
    );
    bin
}

/// Runs a command and returns its wall time and its peak resident memory (KiB), as
/// GNU time's `%M` reports it: the command runs under `/usr/bin/time` when present
/// (getrusage of children would give the largest child so far, not this one).
fn timed(command: &mut Command) -> (Duration, Option<u64>) {
    let report = tempfile::NamedTempFile::new().expect("scratch");
    let gnu_time = Path::new("/usr/bin/time");
    let mut wrapped = if gnu_time.is_file() {
        let mut wrapped = Command::new(gnu_time);
        wrapped
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(report.path())
            .arg(command.get_program())
            .args(command.get_args());
        wrapped
    } else {
        std::mem::replace(command, Command::new("true"))
    };
    wrapped
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let start = Instant::now();
    let status = wrapped.status().expect("runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "{wrapped:?} failed");
    let peak = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|text| text.trim().parse().ok());
    (elapsed, peak)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "?".to_owned(), |k| format!("{} MiB", k / 1024))
}

/// Wall time of one run of a command (its output discarded).
fn wall(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("runs");
    assert!(status.success(), "{command:?} failed");
    start.elapsed()
}

/// A batch build of every report under `ledgers`, into a fresh folder each run.
fn batch(bin: &Path, ledgers: &Path, out: &Path) -> Command {
    let _ = std::fs::remove_dir_all(out);
    let mut command = Command::new(bin);
    command
        .args([
            "build",
            "--format",
            "md,pdf,html",
            "--no-system-fonts",
            "--all",
        ])
        .arg(ledgers)
        .arg("--out")
        .arg(out);
    command
}

fn main() {
    let bin = binary();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("scratch");

    // (a)
    let fixture = root.join("fixtures/chapanzhou-2023");
    let runs: Vec<Duration> = (0..15)
        .map(|_| {
            wall(
                Command::new(&bin)
                    .args(["build", "--format", "md,pdf,html", "--no-system-fonts"])
                    .arg("--out")
                    .arg(work.path().join("a"))
                    .arg(&fixture),
            )
        })
        .collect();
    println!(
        "(a) chapanzhou, md+pdf+html, whole process: median {:.3} s over 15 runs",
        median(runs).as_secs_f64()
    );

    // (b)
    for size in [250, 500, 1000] {
        let ledgers = work.path().join(format!("ledgers-{size}"));
        for i in 0..size {
            annual_report::ledger::synth::write_ledger(
                &ledgers.join(format!("town-{i:04}")),
                i,
                45,
            )
            .expect("writes");
        }
        let runs = if size == 1000 { 3 } else { 1 };
        let mut walls = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..runs {
            let (wall, peak) = timed(&mut batch(&bin, &ledgers, &work.path().join("b")));
            walls.push(wall);
            peaks.extend(peak);
        }
        println!(
            "(b) {size} reports in one batch, md+pdf+html: median {:.2} s wall over {runs} run(s), peak {}",
            median(walls).as_secs_f64(),
            mib(peaks.into_iter().max())
        );
    }

    // (c)
    let big = work.path().join("big");
    annual_report::ledger::synth::write_ledger(&big, 1, 100_000).expect("writes");
    let mut stages = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let loaded = annual_report::ledger::load::load(&big);
        let mut report = loaded.report;
        let ledger = loaded.ledger.expect("a valid ledger");
        let year = annual_report::ledger::check::check(&ledger, &mut report).expect("valid");
        let aggregate = annual_report::ledger::aggregate::aggregate(year);
        stages.push(start.elapsed());
        assert_eq!(aggregate.month_counts.iter().sum::<usize>(), 100_000);

        let start = Instant::now();
        annual_report::prepare(&big).expect("valid");
        whole.push(start.elapsed());
    }
    println!(
        "(c) 100,000 activities, load+check+aggregate: median {:.3} s over 5 runs \
         (with composing and proofreading: {:.3} s)",
        median(stages).as_secs_f64(),
        median(whole).as_secs_f64()
    );
}
