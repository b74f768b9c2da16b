//! Command line: parses arguments and hands over to the library; nothing else.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let command = cli::localize(cli::Cli::command());
    let matches = command.get_matches();
    match cli::Cli::from_arg_matches(&matches) {
        Ok(args) => cli::run(args),
        Err(e) => e.exit(),
    }
}
