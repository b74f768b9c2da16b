//! The soak of the clerk's page (README, "serve under load"):
//!
//!     cargo build --release && cargo run --release --example soak -- [MINUTES]
//!
//! Starts the release `annual-report serve` on a copy of the chapanzhou ledger and
//! keeps it under mixed load for MINUTES (default 10) from 8 client threads on
//! loopback: the page, the version poll, preview pages, downloads (PDF, Word, page
//! images), activities added through the form (each one rebuilds the preview); beside
//! them 32 slow clients that send half a request head and wait until the server ends
//! the connection (the time that takes is printed too). The server's resident set is
//! sampled every 100 ms (and its peak read from the kernel at the end); each kind of
//! request's count, failures, median, p99 and maximum latency are printed. Nothing is
//! asserted: the figures go into the README.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Client threads sending requests one after another.
const CLIENTS: usize = 8;

/// Threads that each keep one slow client going (half a head, then silence).
const SLOW_CLIENTS: usize = 32;

/// A kind of request and its share of the mix, in percent.
const MIX: [(Kind, u32); 8] = [
    (Kind::Page, 30),
    (Kind::Version, 25),
    (Kind::PreviewPage, 15),
    (Kind::PreviewHtml, 5),
    (Kind::Pdf, 5),
    (Kind::Docx, 5),
    (Kind::Png, 5),
    (Kind::Add, 10),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Page,
    Version,
    PreviewPage,
    PreviewHtml,
    Pdf,
    Docx,
    Png,
    Add,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Page => "/",
            Kind::Version => "/version",
            Kind::PreviewPage => "/preview/pages/1",
            Kind::PreviewHtml => "/preview/summary.html",
            Kind::Pdf => "/download/pdf",
            Kind::Docx => "/download/docx",
            Kind::Png => "/download/png?page=2",
            Kind::Add => "/activities",
        }
    }
}

/// A small deterministic generator (xorshift), one per client: the same mix each run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(below)) as u32
    }

    fn kind(&mut self) -> Kind {
        let mut n = self.roll(100);
        for (kind, share) in MIX {
            if n < share {
                return kind;
            }
            n -= share;
        }
        Kind::Page
    }
}

/// One request over a fresh connection (`Connection: close`): the status, and the
/// body when `keep` is set.
fn request(address: &str, head: &str, body: &str, keep: bool) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((
        status,
        if keep {
            text.into_owned()
        } else {
            String::new()
        },
    ))
}

fn get(address: &str, path: &str, keep: bool) -> std::io::Result<(u16, String)> {
    let head = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    request(address, &head, "", keep)
}

/// The value of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let rest = page.split(&marker).nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// An activity added through the form, as a browser posts it: the page first (for
/// its CSRF token and form key), then the form.
fn add(address: &str, n: u64) -> std::io::Result<(u16, String)> {
    let (_, page) = get(address, "/", true)?;
    let csrf = hidden(&page, "csrf").unwrap_or_default();
    let key = hidden(&page, "submission").unwrap_or_default();
    let day = 1 + n % 28;
    let month = 1 + (n / 28) % 12;
    let body = format!(
        "csrf={csrf}&submission={key}&date=2023-{month:02}-{day:02}&item=legal-rights&text=%E5%BC%80%E5%B1%95%E6%99%AE%E6%B3%95%E5%AE%A3%E4%BC%A0{n}&figures.visits=1"
    );
    let head = format!(
        "POST /activities HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    request(address, &head, &body, false)
}

/// A client that sends half a request head and goes quiet until the server's head
/// timeout ends the connection (a closed connection or 408).
fn slow(address: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(address)?;
    stream.write_all(format!("GET / HTTP/1.1\r\nHost: {address}\r\n").as_bytes())?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest)?;
    Ok(())
}

/// The resident set of `pid` now and at its peak (VmRSS, VmHWM), in KiB.
fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `annual-report serve` beside this example's binary, and the address it prints.
fn start_server(ledger: &Path) -> (Child, String) {
    let exe = std::env::current_exe().unwrap();
    let binary: PathBuf = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("annual-report"))
        .expect("target/<profile>/annual-report");
    let mut child = Command::new(&binary)
        .arg("serve")
        .arg(ledger)
        .args(["--listen", "127.0.0.1:0", "--no-system-fonts"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo build --release first)", binary.display()));
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .map(|rest| rest.trim().trim_end_matches('/').to_owned())
        .expect("the server prints its address");
    // Keep reading what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, address)
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: u64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let minutes: f64 = std::env::args()
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(10.0);
    let scratch = tempfile::tempdir().unwrap();
    let ledger = scratch.path().join("chapanzhou-2023");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/chapanzhou-2023"),
        &ledger,
    );
    let (mut server, address) = start_server(&ledger);
    let pid = server.id();
    let stop = Arc::new(AtomicBool::new(false));
    let peak_sampled = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak_sampled.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some((rss, _)) = memory(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let tallies: Arc<Mutex<std::collections::BTreeMap<Kind, Tally>>> = Arc::default();
    let adds = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let length = Duration::from_secs_f64(minutes * 60.0);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (address, tallies, adds) = (address.clone(), tallies.clone(), adds.clone());
            std::thread::spawn(move || {
                let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (client as u64 + 1));
                while started.elapsed() < length {
                    let kind = dice.kind();
                    let began = Instant::now();
                    let result = match kind {
                        Kind::Add => add(&address, adds.fetch_add(1, Ordering::Relaxed)),
                        other => get(&address, other.path(), false),
                    };
                    let took = began.elapsed();
                    let failed = match (kind, &result) {
                        (_, Err(_)) => true,
                        (Kind::Add, Ok((status, _))) => *status != 303,
                        (_, Ok((status, _))) => *status != 200,
                    };
                    let mut tallies = tallies.lock().unwrap();
                    let tally = tallies.entry(kind).or_default();
                    if failed {
                        tally.failures += 1;
                    } else {
                        tally.latencies.push(took);
                    }
                }
            })
        })
        .collect();
    let slow_closed: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let slow_clients: Vec<_> = (0..SLOW_CLIENTS)
        .map(|_| {
            let (address, closed) = (address.clone(), slow_closed.clone());
            std::thread::spawn(move || {
                while started.elapsed() < length {
                    let began = Instant::now();
                    if slow(&address).is_ok() {
                        closed.lock().unwrap().push(began.elapsed());
                    }
                }
            })
        })
        .collect();
    for client in clients.into_iter().chain(slow_clients) {
        client.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let (rss_end, hwm) = memory(pid).unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();

    let elapsed = started.elapsed();
    println!(
        "soak: {:.1} min, {CLIENTS} clients on {address}",
        elapsed.as_secs_f64() / 60.0
    );
    println!(
        "{:<14} {:>7} {:>8} {:>10} {:>10} {:>10}",
        "request", "count", "failed", "median", "p99", "max"
    );
    let mut all = Vec::new();
    for (kind, tally) in tallies.lock().unwrap().iter_mut() {
        tally.latencies.sort();
        all.extend_from_slice(&tally.latencies);
        let count = tally.latencies.len() as u64 + tally.failures;
        println!(
            "{:<14} {count:>7} {:>8} {:>10.1?} {:>10.1?} {:>10.1?}",
            format!("{kind:?}"),
            tally.failures,
            percentile(&tally.latencies, 0.5),
            percentile(&tally.latencies, 0.99),
            tally.latencies.last().copied().unwrap_or_default(),
        );
    }
    all.sort();
    println!(
        "all answered: {} requests, median {:.1?}, p99 {:.1?}, max {:.1?}",
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or_default()
    );
    let mut closed = slow_closed.lock().unwrap().clone();
    closed.sort();
    println!(
        "slow clients: {} ended by the server, after median {:.1?}, max {:.1?}",
        closed.len(),
        percentile(&closed, 0.5),
        closed.last().copied().unwrap_or_default()
    );
    println!(
        "server memory: peak {:.0} MiB (kernel VmHWM; sampled {:.0} MiB), at the end {:.0} MiB",
        hwm as f64 / 1024.0,
        peak_sampled.load(Ordering::Relaxed) as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
}
