//! `annual-report build`: one report directory or many, in parallel.

use super::BuildArgs;
use super::report::{print_error, print_findings};
use annual_report::{BuildOptions, Built, Error, Format};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The name a report directory goes by: the last component of its real path (so `.`
/// has one), or of the path as written when it cannot be resolved (a missing
/// directory then fails with its own message when it is built).
fn dir_name(dir: &Path) -> Result<PathBuf, String> {
    let real = dir.canonicalize().ok();
    real.as_deref()
        .and_then(Path::file_name)
        .or_else(|| dir.file_name())
        .map(PathBuf::from)
        .ok_or_else(|| {
            format!(
                "报告目录 {} 没有名称，请用 --out 指定输出目录",
                dir.display()
            )
        })
}

/// Where a ledger's outputs go by default: a folder inside the ledger directory.
const DEFAULT_OUT_DIR: &str = "reports";

/// The output directory of every report directory: by default `reports/` inside the
/// ledger directory, wherever the command runs; with `--out`, that folder itself for a
/// single report named on the command line, else (a batch, or `--all`, however many
/// ledgers it found) `<--out>/<its name>`. Two report directories whose outputs
/// would land in one folder (a/2023 and b/2023 under one --out) are refused, as is a
/// name that cannot be found.
fn out_dirs(dirs: &[PathBuf], out: Option<&Path>, all: bool) -> Result<Vec<PathBuf>, String> {
    if let ([_], Some(out), false) = (dirs, out, all) {
        return Ok(vec![out.to_path_buf()]);
    }
    let mut taken: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    let mut out_dirs = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let out_dir = match out {
            Some(base) => base.join(dir_name(dir)?),
            None if dir == Path::new(".") => PathBuf::from(DEFAULT_OUT_DIR),
            None => dir.join(DEFAULT_OUT_DIR),
        };
        if let Some(first) = taken.insert(out_dir.clone(), dir) {
            return Err(format!(
                "报告目录 {} 与 {} 同名，输出会写进同一个目录 {}；请分两次生成并用 --out 分别指定",
                first.display(),
                dir.display(),
                out_dir.display()
            ));
        }
        out_dirs.push(out_dir);
    }
    Ok(out_dirs)
}

pub(super) fn run(args: BuildArgs) -> ExitCode {
    let named: Result<Vec<PathBuf>, String> = args
        .dirs
        .iter()
        .map(|d| super::exits::ledger_dir(d))
        .collect();
    let mut dirs = match named {
        Ok(dirs) => dirs,
        Err(message) => return super::exits::failure(&message),
    };
    if let Some(parent) = &args.all {
        match annual_report::report_dirs(parent) {
            Ok(found) => dirs.extend(found),
            Err(e) => {
                eprintln!(
                    "错误：无法读取目录 {}：{}",
                    parent.display(),
                    annual_report::diag::io_reason(&e)
                );
                return ExitCode::FAILURE;
            }
        }
    }
    if dirs.is_empty() {
        match &args.all {
            // Inside a ledger, `annual-report build` builds that ledger.
            None => match super::exits::ledger_dir(Path::new(".")) {
                Ok(dir) => dirs.push(dir),
                Err(message) => return super::exits::failure(&message),
            },
            Some(parent) => {
                eprintln!(
                    "错误：{} 下没有找到报告目录（含 report.yaml 的子目录）",
                    parent.display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    let formats = if args.format.is_empty() {
        Format::DEFAULT.to_vec()
    } else {
        args.format.clone()
    };
    // One font library for the whole batch.
    let fonts = formats
        .iter()
        .any(|f| f.is_typeset())
        .then(|| Arc::new(args.fonts.library()));
    let single = dirs.len() == 1;
    let out_dirs = match out_dirs(&dirs, args.out.as_deref(), args.all.is_some()) {
        Ok(out_dirs) => out_dirs,
        Err(message) => return super::exits::usage_error("build", &message),
    };
    let jobs: Vec<(PathBuf, BuildOptions)> = dirs
        .iter()
        .zip(out_dirs)
        .map(|(dir, out_dir)| {
            let options = BuildOptions {
                out_dir,
                formats: formats.clone(),
                context: args.context,
                fonts: fonts.clone(),
                allow_missing_glyphs: args.allow_missing_glyphs,
            };
            (dir.clone(), options)
        })
        .collect();
    if single {
        let (dir, options) = &jobs[0];
        let result = annual_report::build(dir, options);
        return finish_one(&result);
    }
    build_many(&jobs, args.jobs)
}

fn finish_one(result: &Result<Built, Error>) -> ExitCode {
    match result {
        Ok(built) => {
            print_findings(&built.report);
            for path in &built.written {
                println!("已生成 {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_error(e);
            ExitCode::FAILURE
        }
    }
}

/// The folder a build wrote into, for the line a batch prints per report.
fn output_folder(built: &Built) -> String {
    built
        .written
        .first()
        .and_then(|p| p.parent())
        .map_or_else(String::new, |p| p.display().to_string())
}

/// Builds a batch with a progress bar on a terminal and a line per report otherwise,
/// then lists every failure.
fn build_many(jobs: &[(PathBuf, BuildOptions)], threads: usize) -> ExitCode {
    let total = jobs.len();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} 已用 {elapsed} 预计还需 {eta} {msg}",
            )
            .expect("a valid template"),
        );
        bar
    });
    let done = AtomicUsize::new(0);
    let on_done = |dir: &Path, result: &Result<Built, Error>| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        let line = match result {
            Ok(built) if built.report.warning_count() > 0 => format!(
                "完成（{} 条提醒） {} → {}",
                built.report.warning_count(),
                dir.display(),
                output_folder(built)
            ),
            Ok(built) => format!("完成 {} → {}", dir.display(), output_folder(built)),
            Err(_) => format!("失败 {}", dir.display()),
        };
        match &bar {
            Some(bar) => {
                bar.set_message(line);
                bar.inc(1);
            }
            None => eprintln!("[{n}/{total}] {line}"),
        }
    };
    let stop = interrupt::stop_on_ctrl_c();
    let results = annual_report::build_batch(jobs, threads, stop, &on_done);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let failures: Vec<(&Path, &Error)> = jobs
        .iter()
        .zip(&results)
        .filter_map(|((dir, _), r)| match r {
            Some(Err(e)) => Some((dir.as_path(), e)),
            _ => None,
        })
        .collect();
    let finished = results.iter().filter(|r| r.is_some()).count();
    if finished < total {
        print_interrupted(jobs, &results);
    } else {
        eprintln!(
            "生成完成：{} 个成功，{} 个失败",
            total - failures.len(),
            failures.len()
        );
    }
    let warned = results
        .iter()
        .flatten()
        .flatten()
        .filter(|built| built.report.warning_count() > 0)
        .count();
    if warned > 0 {
        eprintln!("其中 {warned} 个报告有提醒，可运行 annual-report check <目录> 查看");
    }
    for (dir, error) in &failures {
        eprintln!("\n失败：{}", dir.display());
        print_error(error);
    }
    if finished < total {
        ExitCode::from(interrupt::EXIT_CODE)
    } else if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// After Ctrl-C: which reports were built (whole) and which were not started, so
/// their outputs are as they were before the batch.
fn print_interrupted(jobs: &[(PathBuf, BuildOptions)], results: &[Option<Result<Built, Error>>]) {
    let (done, kept): (Vec<_>, Vec<_>) = jobs.iter().zip(results).partition(|(_, r)| r.is_some());
    eprintln!(
        "已中断（Ctrl-C）：{} 个报告已处理完，{} 个没有开始生成，其输出保持原样。",
        done.len(),
        kept.len()
    );
    eprintln!("已处理完：");
    for ((dir, _), result) in &done {
        match result {
            Some(Ok(built)) => eprintln!("  {} → {}", dir.display(), output_folder(built)),
            _ => eprintln!("  {}（失败，见下文）", dir.display()),
        }
    }
    eprintln!("保持原样（未生成）：");
    for ((dir, options), _) in &kept {
        eprintln!("  {}（{}）", dir.display(), options.out_dir.display());
    }
}

/// Ctrl-C during a batch: the first stops new builds (the running ones finish, each
/// report is then whole or untouched); the second ends the process at once, as the
/// default action does.
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// The exit code of a batch stopped by Ctrl-C (128 + SIGINT, as shells report it).
    pub const EXIT_CODE: u8 = 130;

    static STOP: AtomicBool = AtomicBool::new(false);

    /// What the handler writes at once: printing from the batch would wait for the
    /// builds under way.
    const NOTICE: &[u8] =
        "\n已收到 Ctrl-C：不再开始新的报告，正在生成的完成后结束（再按一次 Ctrl-C 立即退出）\n"
            .as_bytes();

    #[cfg(unix)]
    extern "C" fn on_interrupt(_signal: libc::c_int) {
        STOP.store(true, Ordering::Relaxed);
        // SAFETY: write(2) is async-signal-safe; NOTICE is a static buffer.
        unsafe {
            libc::write(libc::STDERR_FILENO, NOTICE.as_ptr().cast(), NOTICE.len());
        }
    }

    /// Installs the handler (once per process) and returns the flag it sets.
    pub fn stop_on_ctrl_c() -> &'static AtomicBool {
        #[cfg(unix)]
        // SAFETY: the handler only stores to an atomic and calls write(2); SA_RESETHAND
        // restores the default action after the first signal.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESETHAND | libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        }
        &STOP
    }
}
