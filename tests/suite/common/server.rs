//! `annual-report serve` as a process of its own, for the tests that need a real
//! socket (a browser, slow clients, the server's own memory).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process ended when the test ends, however it ends; its output pipe stays
/// open until then (a closed pipe would end the server at its next line).
pub struct Killed(
    pub Child,
    #[allow(dead_code)] pub Option<BufReader<std::process::ChildStdout>>,
);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `annual-report serve DIR --listen 127.0.0.1:0`: the process and the address it prints.
pub fn start_server(dir: &Path) -> (Killed, String) {
    started(serve_command(dir))
}

/// The same, allowed only `files` open file descriptors (as a small system's limit).
#[cfg(unix)]
pub fn start_server_with_files(dir: &Path, files: u64) -> (Killed, String) {
    use std::os::unix::process::CommandExt;
    let mut command = serve_command(dir);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs before exec.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: files,
                rlim_max: files,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    started(command)
}

fn serve_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_annual-report"));
    command
        .arg("serve")
        .arg(dir)
        .args(["--listen", "127.0.0.1:0", "--no-system-fonts"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command
}

fn started(mut command: Command) -> (Killed, String) {
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let url = line
        .split_once("http://")
        .map(|(_, rest)| format!("http://{}", rest.trim()))
        .unwrap_or_else(|| panic!("the server prints its address: {line:?}"));
    (Killed(child, Some(stdout)), url)
}
