//! The benchmark command of the README:
//!
//!     cargo build --release && cargo run --release --example bench
//!
//! (a) the chapanzhou report, ledger → MD + PDF + HTML, whole process, 15 runs;
//! (b) 1,000 synthetic reports of that size in one `build --all` process: wall time
//!     and peak memory (maximum resident set of the child);
//! (c) one ledger of 100,000 activities: load + check + aggregate (+ compose and
//!     proofreading, which `prepare` includes), in process, 5 runs.
//! Medians are printed; nothing is asserted here (targets live in the README).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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

/// Runs a command and returns its wall time and the peak resident memory of the
/// largest child so far (KiB), from getrusage.
fn timed(command: &mut Command) -> (Duration, i64) {
    let start = Instant::now();
    let status = command.status().expect("runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "{command:?} failed");
    // SAFETY: getrusage only writes into the struct it is given.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    (elapsed, peak)
}

fn main() {
    let bin = binary();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("scratch");

    // (a)
    let fixture = root.join("fixtures/chapanzhou-2023");
    let runs: Vec<Duration> = (0..15)
        .map(|_| {
            timed(
                Command::new(&bin)
                    .args([
                        "build",
                        "--format",
                        "md,pdf,html",
                        "--no-system-fonts",
                        "--out",
                    ])
                    .arg(work.path().join("a"))
                    .arg(&fixture)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null()),
            )
            .0
        })
        .collect();
    println!(
        "(a) chapanzhou, md+pdf+html, whole process: median {:.3} s over 15 runs",
        median(runs).as_secs_f64()
    );

    // (b)
    let ledgers = work.path().join("ledgers");
    for i in 0..1000 {
        annual_report::synth::write_ledger(&ledgers.join(format!("town-{i:04}")), i, 45)
            .expect("writes");
    }
    let (wall, peak) = timed(
        Command::new(&bin)
            .args([
                "build",
                "--format",
                "md,pdf,html",
                "--no-system-fonts",
                "--all",
            ])
            .arg(&ledgers)
            .arg("--out")
            .arg(work.path().join("b"))
            .stderr(std::process::Stdio::null()),
    );
    println!(
        "(b) 1,000 reports in one batch, md+pdf+html: {:.2} s wall, peak {} MiB",
        wall.as_secs_f64(),
        peak / 1024
    );

    // (c)
    let big = work.path().join("big");
    annual_report::synth::write_ledger(&big, 1, 100_000).expect("writes");
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let prepared = annual_report::prepare(&big).expect("valid");
            assert_eq!(
                prepared.aggregate.month_counts.iter().sum::<usize>(),
                100_000
            );
            start.elapsed()
        })
        .collect();
    println!(
        "(c) 100,000 activities, load+check+aggregate: median {:.3} s over 5 runs",
        median(runs).as_secs_f64()
    );
}
