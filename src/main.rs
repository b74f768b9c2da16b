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
    restore_default_sigpipe();
    let command = cli::localize(cli::Cli::command());
    let parsed = command
        .clone()
        .try_get_matches()
        .and_then(|matches| cli::Cli::from_arg_matches(&matches));
    match parsed {
        Ok(args) => cli::run(args),
        Err(e) => match cli::error_message(&e, &command) {
            Some(message) => {
                eprint!("{message}");
                ExitCode::from(cli::USAGE_ERROR)
            }
            // Help and version: clap prints them with the Chinese templates (and the
            // version without its final line break).
            None if e.kind() == clap::error::ErrorKind::DisplayVersion => {
                println!("{}", e.to_string().trim_end());
                ExitCode::SUCCESS
            }
            None => e.exit(),
        },
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`annual-report stats | head`)
/// fails and `println!` panics. A command-line tool should end quietly instead, as
/// `cat` does: restore the default action.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread starts; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
