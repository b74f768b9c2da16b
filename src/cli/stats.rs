//! `annual-report stats`.

use super::report::print_findings;
use super::{StatsArgs, StatsFormat};
use std::process::ExitCode;

pub(super) fn run(args: StatsArgs) -> ExitCode {
    if matches!(args.format, StatsFormat::Xlsx) {
        let Some(output) = &args.output else {
            return super::exits::usage_error(
                "stats",
                "--format xlsx 须同时用 --output 指定写入的文件，例如 --output 统计.xlsx",
            );
        };
        if let Err(code) = super::workbook_path_allowed("stats", output, args.force) {
            return code;
        }
    }
    let dir = match super::exits::ledger_dir(&args.dir) {
        Ok(dir) => dir,
        Err(message) => return super::exits::failure(&message),
    };
    match annual_report::prepare(&dir) {
        Ok(prepared) => {
            let stats = annual_report::ledger::stats::stats(
                &prepared.aggregate,
                prepared.linked.previous.as_ref(),
            );
            match args.format {
                StatsFormat::Table => print!("{}", stats.to_table()),
                StatsFormat::Csv => print!("{}", stats.to_csv()),
                StatsFormat::Xlsx => return workbook(&args, &stats, &prepared),
                StatsFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&stats).expect("statistics serialise")
                ),
            }
            ExitCode::SUCCESS
        }
        Err(report) => {
            print_findings(&report);
            eprintln!(
                "错误：台账有 {} 处错误，无法统计；改正后再运行 annual-report stats",
                report.error_count()
            );
            ExitCode::FAILURE
        }
    }
}

/// `--format xlsx`: the statistics as a workbook at `--output`.
fn workbook(
    args: &StatsArgs,
    stats: &annual_report::ledger::stats::Stats,
    prepared: &annual_report::Prepared,
) -> ExitCode {
    let path = args.output.as_deref().expect("checked before preparing");
    match annual_report::publish::sheet::export_stats(stats, prepared.doc.rollup.as_ref(), path) {
        Ok(()) => {
            println!("已写入 {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
