//! `schema`, `completions`, `man` and `help`: text for editors, shells, `man` and people.

use super::{Cli, CompletionArgs, HelpArgs, SchemaArgs, localize, usage};
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub(super) fn schema(args: SchemaArgs) -> ExitCode {
    if args.activities {
        print!("{}", annual_report::ledger::schema::activities_schema());
    } else {
        print!("{}", annual_report::ledger::schema::report_schema());
    }
    ExitCode::SUCCESS
}

/// Writes generated text to stdout; a reader that went away (`| head`) is not an error.
fn emit(text: &[u8]) -> ExitCode {
    match std::io::stdout().write_all(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：无法输出：{}", annual_report::diag::io_reason(&e));
            ExitCode::FAILURE
        }
    }
}

pub(super) fn completions(args: CompletionArgs) -> ExitCode {
    let mut command = localize(Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "annual-report", &mut script);
    if args.shell == clap_complete::Shell::Bash {
        script = bash_function_names(&String::from_utf8_lossy(&script)).into_bytes();
    }
    emit(&script)
}

/// clap_complete names the bash functions of subcommands of a hyphenated program
/// inconsistently: it assigns `cmd="annual__report__subcmd__build"` but dispatches on
/// `annual__subcmd__report__subcmd__build`, so no subcommand option ever completes.
/// Spell the case labels as the assignments do.
fn bash_function_names(script: &str) -> String {
    script.replace(
        "annual__subcmd__report__subcmd__",
        "annual__report__subcmd__",
    )
}

pub(super) fn man() -> ExitCode {
    emit(usage::man_page(&localize(Cli::command())).as_bytes())
}

pub(super) fn help(args: HelpArgs) -> ExitCode {
    match usage::print_help(localize(Cli::command()), args.command.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::from(super::USAGE_ERROR)
        }
    }
}
