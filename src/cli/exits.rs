//! The two ways a command fails, as the README promises: exit code 2 when the command
//! line itself is wrong (the clerk retypes it), 1 when the ledger or a file is (the
//! clerk fixes the file); and the ledger directory every command starts from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code of a command line that cannot be carried out as typed (as clap and most
/// tools use for their own parse errors).
pub const USAGE_ERROR: u8 = 2;

/// Reports a command-line mistake found after parsing, with the hint clap gives for
/// its own, and ends with exit code 2.
pub(super) fn usage_error(command: &str, message: &str) -> ExitCode {
    eprintln!("错误：{message}\n运行 annual-report {command} --help 查看说明和示例。");
    ExitCode::from(USAGE_ERROR)
}

/// Reports a ledger or file error already worded, and ends with exit code 1.
pub(super) fn failure(message: &str) -> ExitCode {
    eprintln!("错误：{message}");
    ExitCode::FAILURE
}

/// The ledger directory named on the command line: a path to its report.yaml stands
/// for the directory holding it (a clerk drags the file into the terminal). A path
/// that is no ledger is refused with the advice `new` and `serve` give, rather than a
/// "missing file" diagnostic pointing at line 1 of a file that does not exist.
pub(super) fn ledger_dir(typed: &Path) -> Result<PathBuf, String> {
    let dir = if typed.is_file() && typed.file_name() == Some("report.yaml".as_ref()) {
        match typed.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        typed.to_path_buf()
    };
    if !dir.is_dir() {
        return Err(format!(
            "{} 这个目录不存在：请检查台账目录的路径是否写对，或先用 annual-report init 新建",
            dir.display()
        ));
    }
    if !dir.join("report.yaml").is_file() {
        return Err(format!(
            "{} 不是台账目录（里面没有 report.yaml）：请先 cd 到台账目录，或在命令后写上台账目录；新建台账用 annual-report init",
            dir.display()
        ));
    }
    Ok(dir)
}
