//! `schema`, `completions` and `man`: text for editors, shells and `man`.

use super::{Cli, CompletionArgs, SchemaArgs, localize};
use clap::CommandFactory;
use std::process::ExitCode;

pub(super) fn schema(args: SchemaArgs) -> ExitCode {
    if args.activities {
        print!("{}", annual_report::schema::activities_schema());
    } else {
        print!("{}", annual_report::schema::report_schema());
    }
    ExitCode::SUCCESS
}

pub(super) fn completions(args: CompletionArgs) -> ExitCode {
    let mut command = localize(Cli::command());
    clap_complete::generate(
        args.shell,
        &mut command,
        "annual-report",
        &mut std::io::stdout(),
    );
    ExitCode::SUCCESS
}

pub(super) fn man() -> ExitCode {
    let command = localize(Cli::command());
    match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：无法输出手册页：{e}");
            ExitCode::FAILURE
        }
    }
}
