//! `annual-report serve` under load and against slow clients, on loopback, as a
//! process of its own: its memory stays bounded when many ask for the same download
//! at once, and clients that send nothing, send slowly or promise a body they never
//! send neither hold a connection for long nor keep a real request waiting.

use crate::common;

use common::server::start_server;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The host and port of a server's address (`http://127.0.0.1:PORT/`).
fn address(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

/// A served copy of a fixture that typesets.
fn served() -> (tempfile::TempDir, common::server::Killed, SocketAddr) {
    served_by(start_server)
}

/// A copy of the fixture served by `start`.
fn served_by(
    start: impl FnOnce(&std::path::Path) -> (common::server::Killed, String),
) -> (tempfile::TempDir, common::server::Killed, SocketAddr) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("chapanzhou-2023");
    common::copy_dir(&common::fixture("chapanzhou-2023"), &dir);
    let (server, url) = start(&dir);
    (work, server, address(&url))
}

/// Sends `request` as is and reads the answer to its end (the server closes).
fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

/// A GET of `path` with the connection closed after it; the answer's status.
fn get_status(addr: SocketAddr, path: &str) -> u16 {
    let answer = exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    status(&answer)
}

fn status(answer: &[u8]) -> u16 {
    String::from_utf8_lossy(answer)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The most memory the process has held (VmHWM), in MiB.
fn peak_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap()
        .to_owned();
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024
}

#[cfg(target_os = "linux")]
#[test]
fn two_hundred_downloads_at_once_stay_under_300_mib() {
    let (_work, server, addr) = served();
    let before = peak_mib(server.0.id());
    for path in ["/download/png?page=1", "/download/pdf", "/download/docx"] {
        let answers: Vec<u16> = std::thread::scope(|scope| {
            let asking: Vec<_> = (0..200)
                .map(|_| scope.spawn(move || get_status(addr, path)))
                .collect();
            asking.into_iter().map(|t| t.join().unwrap()).collect()
        });
        // Each is served, or told to come back (503) when it waited too long.
        assert!(
            answers.iter().all(|s| *s == 200 || *s == 503),
            "{path}: {answers:?}"
        );
        assert!(answers.contains(&200), "{path}: {answers:?}");
    }
    let peak = peak_mib(server.0.id());
    assert!(
        peak <= 300,
        "peak memory {peak} MiB after 600 downloads (at start {before} MiB)"
    );
}

#[cfg(unix)]
#[test]
fn slow_clients_do_not_keep_a_real_request_waiting() {
    // A server allowed 300 open files, and more idle connections than that: silent
    // ones, and ones that sent the start of a request's head.
    let (_work, _server, addr) = served_by(|dir| common::server::start_server_with_files(dir, 300));
    let mut slow: Vec<TcpStream> = (0..320)
        .map(|i| {
            let mut stream = TcpStream::connect(addr).unwrap();
            if i % 2 == 0 {
                stream.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
            }
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get_status(addr, "/version"), 200);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "a real request took {took:?}"
    );
    slow.truncate(0);
}

/// Reads until the server closes the connection; how long that took.
fn closed_after(mut stream: TcpStream) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (started.elapsed(), answer)
}

#[test]
fn a_silent_connection_and_a_body_never_sent_are_closed_in_time() {
    let (_work, _server, addr) = served();
    // The server waits 10 s for a head or a body (HEADER_TIMEOUT, BODY_TIMEOUT).
    let limit = Duration::from_secs(13);
    let silent = TcpStream::connect(addr).unwrap();
    let mut promised = TcpStream::connect(addr).unwrap();
    promised
        .write_all(
            format!(
                "POST /activities HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ndate=1"
            )
            .as_bytes(),
        )
        .unwrap();
    let (silent, promised) = std::thread::scope(|scope| {
        let silent = scope.spawn(|| closed_after(silent));
        let promised = scope.spawn(|| closed_after(promised));
        (silent.join().unwrap(), promised.join().unwrap())
    });
    assert!(
        silent.0 < limit,
        "a silent connection stayed {:?}",
        silent.0
    );
    assert!(
        promised.0 < limit,
        "a missing body was awaited {:?}",
        promised.0
    );
    assert_eq!(status(&promised.1), 408);
    assert!(String::from_utf8_lossy(&promised.1).contains("提交超时"));

    // A body declared larger than any form is refused at once, unread.
    let started = Instant::now();
    let answer = exchange(
        addr,
        &format!(
            "POST /activities HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000000\r\n\r\ndate=1"
        ),
    );
    assert_eq!(status(&answer), 413);
    assert!(started.elapsed() < Duration::from_secs(2));
}
