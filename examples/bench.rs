//! The benchmark command of the README:
//!
//!     cargo build --release && cargo run --release --example bench
//!
//! Each figure is measured side by side with its reference in the same run (runs
//! interleaved, so a busy machine slows both alike); medians are printed, nothing is
//! asserted (targets live in the README).
//! (a) the chapanzhou report, ledger → MD + HTML + TXT + PDF + DOCX, whole process, 15
//!     runs each with the system's fonts, with 1 installed font file and with 300 (a
//!     fontconfig configuration pointing at generated copies), and with the embedded
//!     fonts only; the reference is xelatex + ctex setting the same text (the plain-text
//!     output turned into LaTeX), when xelatex is installed;
//! (b) one ledger of 100,000 activities: load + check + aggregate, in process, 5 runs;
//!     the references are the parser alone on the same files, keeping nothing, and
//!     keeping the records without positions, beside the model's positioned records:
//!     what the positions every message needs cost over a load that kept none;
//! (c) 1,000 synthetic reports of that size in one `build --all` process, all formats,
//!     with the 300 font files installed, 3 runs: wall time and peak memory (maximum
//!     resident set of the child); the reference is xelatex's time per report of (a)
//!     times 1,000.
//! (d) the clerk's page (`serve`) on a copy of chapanzhou: one activity added through
//!     `ledger::entry::add` (validated, locked, atomic) and the page rebuilt (listing,
//!     findings, totals, web page, typeset pages and their images), in process, 15
//!     runs; the reference is the same rebuild with Typst's caches emptied first.
//! `BENCH_ONLY` runs only the figures it names (`BENCH_ONLY=b,d`); (c) takes its
//! reference from (a) when both run.
//! `BENCH_DIR` sets where the scratch files go (default: the system's temporary folder);
//! the font cache goes there too, so the first run of each setting fills it.

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

/// Every output format.
const ALL_FORMATS: &str = "md,html,txt,pdf,docx";

/// A batch build of every report under `ledgers`, into a fresh folder each run.
fn batch(bin: &Path, ledgers: &Path, out: &Path, fonts: &Path) -> Command {
    let _ = std::fs::remove_dir_all(out);
    let mut command = Command::new(bin);
    command
        .env("FONTCONFIG_FILE", fonts)
        .args(["build", "--format", ALL_FORMATS, "--all"])
        .arg(ledgers)
        .arg("--out")
        .arg(out);
    command
}

/// A folder of `count` font files (hard links to, or copies of, one font) and a
/// fontconfig configuration that installs exactly that folder.
fn installed_fonts(work: &Path, count: usize) -> PathBuf {
    let font =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/FandolFang-Regular-subset.ttf");
    let dir = work.join(format!("fonts-{count}"));
    std::fs::create_dir_all(&dir).expect("scratch");
    for i in 0..count {
        let copy = dir.join(format!("font-{i:03}.ttf"));
        if std::fs::hard_link(&font, &copy).is_err() {
            std::fs::copy(&font, &copy).expect("copies a font");
        }
    }
    let config = work.join(format!("fonts-{count}.conf"));
    std::fs::write(
        &config,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir></fontconfig>\n",
            dir.display()
        ),
    )
    .expect("scratch");
    config
}

/// The report's text as a LaTeX document for xelatex + ctex: the title centred, every
/// other paragraph as a paragraph in 仿宋 三号 on an A4 page with the official margins.
fn latex_of(text: &str) -> String {
    let escape = |s: &str| {
        s.chars()
            .map(|c| match c {
                '\\' => "\\textbackslash{}".to_owned(),
                '{' | '}' | '$' | '&' | '#' | '_' | '%' => format!("\\{c}"),
                '^' => "\\^{}".to_owned(),
                '~' => "\\~{}".to_owned(),
                c => c.to_string(),
            })
            .collect::<String>()
    };
    let mut paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    let title = paragraphs.next().unwrap_or_default();
    let mut out = String::from(
        "\\documentclass{ctexart}\n\
         \\usepackage[a4paper,top=37mm,bottom=35mm,left=28mm,right=26mm]{geometry}\n\
         \\begin{document}\\zihao{3}\\fangsong\n",
    );
    out.push_str(&format!(
        "\\begin{{center}}\\zihao{{2}}\\heiti {}\\end{{center}}\n\n",
        escape(title)
    ));
    for paragraph in paragraphs {
        out.push_str(&escape(&paragraph.replace('\n', "\\\\\n")));
        out.push_str("\n\n");
    }
    out.push_str("\\end{document}\n");
    out
}

/// A command that sets the LaTeX file with xelatex in its folder, or `None` when
/// xelatex is not installed (or cannot set it).
fn xelatex(tex: &Path) -> Option<Command> {
    let mut command = Command::new("xelatex");
    command
        .current_dir(tex.parent()?)
        .args(["-interaction=batchmode", "-halt-on-error"])
        .arg(tex.file_name()?);
    let ok = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(command)
}

/// One run of (a): the fixture in every format, the fonts found through `fonts` (a
/// fontconfig configuration) or the machine's own configuration.
fn one_report(bin: &Path, fixture: &Path, out: &Path, fonts: Option<&Path>) -> Command {
    let mut command = Command::new(bin);
    if let Some(fonts) = fonts {
        command.env("FONTCONFIG_FILE", fonts);
    }
    command
        .args(["build", "--format", ALL_FORMATS])
        .arg("--out")
        .arg(out)
        .arg(fixture);
    command
}

fn secs(samples: Vec<Duration>) -> f64 {
    median(samples).as_secs_f64()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("scratch");
    // SAFETY: set before any other thread runs; the children inherit it.
    unsafe { std::env::set_var("XDG_CACHE_HOME", work.path().join("cache")) };
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let runs = |figure: &str| only.is_empty() || only.split(',').any(|f| f.trim() == figure);
    let mut xelatex_median = None;
    if runs("a") {
        xelatex_median = one_report_figure(&root, work.path());
    }
    if runs("b") {
        big_ledger_figure(work.path());
    }
    if runs("c") {
        batch_figure(work.path(), xelatex_median);
    }
    if runs("d") {
        serve_preview(&root, work.path());
    }
}

/// (a): one report, whole process, against xelatex; returns xelatex's median.
fn one_report_figure(root: &Path, work: &Path) -> Option<f64> {
    let bin = binary();
    let one_font = installed_fonts(work, 1);
    let many_fonts = installed_fonts(work, 300);
    // (a)
    let fixture = root.join("fixtures/chapanzhou-2023");
    let out = work.join("a");
    let settings: [(&str, Option<&Path>, bool); 4] = [
        ("this machine's fonts", None, false),
        ("1 installed font file", Some(&one_font), false),
        ("300 installed font files", Some(&many_fonts), false),
        ("embedded fonts only (--no-system-fonts)", None, true),
    ];
    let command = |(name, fonts, embedded): &(&str, Option<&Path>, bool)| {
        let mut command = one_report(&bin, &fixture, &out, *fonts);
        if *embedded {
            command.arg("--no-system-fonts");
        }
        // Each setting stands for another machine, with a font cache of its own:
        // sharing one, the settings would overwrite each other's fontconfig folders
        // at every interleaved run.
        let cache = work
            .join("cache")
            .join(name.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
        command.env("XDG_CACHE_HOME", cache);
        command
    };
    // The first run of each setting fills the font cache; it is not counted.
    let mut cold = Vec::new();
    for setting in &settings {
        cold.push(wall(&mut command(setting)));
    }
    let text = std::fs::read_dir(&out)
        .expect("outputs")
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).expect("text"))
        .expect("a .txt output");
    let tex = work.join("tex/report.tex");
    std::fs::create_dir_all(tex.parent().expect("folder")).expect("scratch");
    std::fs::write(&tex, latex_of(&text)).expect("scratch");
    let mut reference = xelatex(&tex);
    let mut ours: Vec<Vec<Duration>> = vec![Vec::new(); settings.len()];
    let mut theirs = Vec::new();
    // The run after xelatex's is slower (caches and TLB full of TeX): the order turns
    // by one each round, so that every setting follows xelatex equally often.
    let entries = settings.len() + 1;
    for round in 0..15 {
        for turn in 0..entries {
            match settings.get((round + turn) % entries) {
                Some(setting) => {
                    let place = (round + turn) % entries;
                    ours[place].push(wall(&mut command(setting)));
                }
                None => {
                    if let Some(xelatex) = &mut reference {
                        theirs.push(wall(xelatex));
                    }
                }
            }
        }
    }
    let xelatex_median = (!theirs.is_empty()).then(|| secs(theirs));
    println!("(a) chapanzhou, {ALL_FORMATS}, whole process, medians over 15 interleaved runs:");
    for ((name, ..), (samples, first)) in settings.iter().zip(ours.into_iter().zip(cold)) {
        let ours = secs(samples);
        let lead = xelatex_median.map_or_else(String::new, |x| {
            format!(", {:.1}× faster than xelatex", x / ours)
        });
        println!(
            "    {name}: {ours:.3} s{lead} (first run, filling the font cache: {:.3} s)",
            first.as_secs_f64()
        );
    }
    match xelatex_median {
        Some(x) => println!("    reference, xelatex + ctex on the same text: {x:.3} s"),
        None => println!(
            "    reference: xelatex is not installed (apt-get install texlive-xetex texlive-lang-chinese)"
        ),
    }
    xelatex_median
}

/// (b): 100,000 activities loaded, checked and aggregated in process, beside the
/// parser alone and the parser keeping records without positions.
fn big_ledger_figure(work: &Path) {
    // (b)
    let big = work.join("big");
    annual_report::ledger::synth::write_ledger(&big, 1, 100_000).expect("writes");
    let mut stages = Vec::new();
    let mut loads = Vec::new();
    let mut whole = Vec::new();
    let mut floor = Vec::new();
    let mut plain = Vec::new();
    let mut positioned = Vec::new();
    for _ in 0..5 {
        // The parser into nothing (`IgnoredAny`): what it costs before any value or
        // position is kept.
        floor.push(parse_into::<serde::de::IgnoredAny>(&big.join("activities")));
        plain.push(parse_into::<Vec<PlainActivity>>(&big.join("activities")));
        positioned.push(
            parse_into::<Vec<annual_report::ledger::model::ActivitySpec>>(&big.join("activities")),
        );
        let (load, all) = load_check_aggregate(&big);
        loads.push(load);
        stages.push(all);
        let start = Instant::now();
        annual_report::prepare(&big).expect("valid");
        whole.push(start.elapsed());
    }
    println!(
        "(b) 100,000 activities (12 MB), load+check+aggregate: median {:.3} s over 5 runs, \
         of which loading {:.3} s; with composing and proofreading: {:.3} s\n    \
         reference, the parser alone on the same files (read, parse, keep nothing): {:.3} s;\n    \
         the records kept without positions: {:.3} s, with the model's positions: {:.3} s",
        secs(stages),
        secs(loads),
        secs(whole),
        secs(floor),
        secs(plain),
        secs(positioned)
    );
}

/// (c): 250 and 1,000 reports in one batch process, wall time and peak memory.
fn batch_figure(work: &Path, xelatex_median: Option<f64>) {
    let bin = binary();
    let many_fonts = installed_fonts(work, 300);
    // (c)
    for size in [250, 1000] {
        let ledgers = work.join(format!("ledgers-{size}"));
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
            let (wall, peak) = timed(&mut batch(&bin, &ledgers, &work.join("c"), &many_fonts));
            walls.push(wall);
            peaks.extend(peak);
        }
        let reference = xelatex_median.map_or_else(String::new, |x| {
            format!(
                "; reference, xelatex at (a)'s median per report: {:.0} s",
                x * size as f64
            )
        });
        println!(
            "(c) {size} reports in one batch, {ALL_FORMATS}, 300 font files installed: median {:.2} s wall over {runs} run(s), peak {}{reference}",
            secs(walls),
            mib(peaks.into_iter().max())
        );
    }
}

/// One activity as the model reads it, without positions: what a loader that kept
/// none would build.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // Built to be measured, never read.
struct PlainActivity {
    id: Option<String>,
    date: String,
    item: String,
    name: Option<String>,
    text: Option<String>,
    #[serde(default)]
    figures: std::collections::BTreeMap<String, u64>,
    place: Option<String>,
    #[serde(default)]
    villages: Vec<String>,
    participants: Option<u64>,
}

/// Wall time of reading every activity log in `dir` and parsing it into `T`, in
/// parallel as the loader does.
fn parse_into<T: serde::de::DeserializeOwned + Send>(dir: &Path) -> Duration {
    use rayon::prelude::*;
    let start = Instant::now();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("activities")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let parsed: Vec<T> = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("reads");
            serde_saphyr::from_str(&text).expect("parses")
        })
        .collect();
    let elapsed = start.elapsed();
    drop(parsed);
    elapsed
}

/// Wall time of loading the ledger in `dir`, and of loading, checking and aggregating it.
fn load_check_aggregate(dir: &Path) -> (Duration, Duration) {
    let start = Instant::now();
    let loaded = annual_report::ledger::load::load(dir);
    let load = start.elapsed();
    let mut report = loaded.report;
    let ledger = loaded.ledger.expect("a valid ledger");
    let year = annual_report::ledger::check::check(&ledger, &mut report).expect("valid");
    let aggregate = annual_report::ledger::aggregate::aggregate(year);
    let elapsed = start.elapsed();
    assert_eq!(aggregate.month_counts.iter().sum::<usize>(), 100_000);
    (load, elapsed)
}

/// (d): the clerk's page after a one-activity change, warm and with emptied caches.
fn serve_preview(root: &Path, work: &Path) {
    use annual_report::ledger::entry::{NewEntry, add};
    use annual_report::publish::typeset::fonts::{FontLibrary, FontOptions};
    let dir = work.join("serve/chapanzhou-2023");
    copy_tree(&root.join("fixtures/chapanzhou-2023"), &dir);
    let fonts = std::sync::Arc::new(FontLibrary::new(&FontOptions {
        system: false,
        paths: Vec::new(),
    }));
    let app = annual_report::serve::App::new(&dir, None, fonts).expect("a ledger");
    let change = |n: usize| {
        let entry = NewEntry {
            date: format!("2023-06-{:02}", 1 + n % 28),
            item: "legal-rights".into(),
            text: format!("第{n}次开展家庭教育讲座"),
            figures: vec![("visits".into(), "1".into())],
            ..NewEntry::default()
        };
        add(&dir, &entry, false).expect("the entry is valid");
    };
    let (mut warm, mut whole, mut cold) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..15 {
        let start = Instant::now();
        change(2 * n);
        let written = start.elapsed();
        app.rebuild();
        whole.push(start.elapsed());
        warm.push(start.elapsed() - written);
        change(2 * n + 1);
        typst::comemo::evict(0);
        let start = Instant::now();
        app.rebuild();
        cold.push(start.elapsed());
    }
    println!(
        "(d) serve preview after one change (chapanzhou, embedded fonts, medians over 15 runs): rebuild {:.1} ms, with the write {:.1} ms; reference, Typst's caches emptied: {:.1} ms",
        secs(warm) * 1e3,
        secs(whole) * 1e3,
        secs(cold) * 1e3
    );
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("scratch");
    for entry in std::fs::read_dir(from).expect("fixture").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("scratch");
        }
    }
}
