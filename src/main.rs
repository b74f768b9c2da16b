//! Command line: parses arguments and hands over to the library; nothing else.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a batch frees the pages of one report before
/// building the next, and glibc kept that memory in fragmented per-thread arenas, so
/// the resident set grew with the batch although live memory stayed flat.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let command = cli::localize(cli::Cli::command());
    let matches = command.get_matches();
    match cli::Cli::from_arg_matches(&matches) {
        Ok(args) => cli::run(args),
        Err(e) => e.exit(),
    }
}
