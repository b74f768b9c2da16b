//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

/// The command line, without colours.
pub fn cli() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("annual-report").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A command's output as text (lossy, for messages).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh ledger of the default preset (fulian) for 2024 in a temporary directory.
pub fn fresh_ledger() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    cli()
        .args(["init", "--year", "2024"])
        .arg(work.path())
        .assert()
        .success();
    work
}

/// Writes a ledger into `dir` (made when missing): `report` as report.yaml and each
/// `(name, text)` of `logs` as `activities/<name>` (the one shape every test that
/// writes its own ledger needs).
pub fn write_ledger(dir: &Path, report: &str, logs: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("activities")).unwrap();
    std::fs::write(dir.join("report.yaml"), report).unwrap();
    for (name, text) in logs {
        std::fs::write(dir.join("activities").join(name), text).unwrap();
    }
}

/// [`write_ledger`] into a new temporary directory.
pub fn ledger_in_tempdir(report: &str, logs: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_ledger(dir.path(), report, logs);
    dir
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Copies the fixtures that link to each other (xinhe-2023 names xinhe-2022 as last
/// year's, yuanjiang-2023 rolls up xinhe-2023 and chapanzhou-2023) side by side into a
/// new temporary folder, as their links expect them.
pub fn linked_fixtures() -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    for name in [
        "xinhe-2022",
        "xinhe-2023",
        "chapanzhou-2023",
        "yuanjiang-2023",
    ] {
        copy_dir(&fixture(name), &work.path().join(name));
    }
    work
}

/// Copies a directory tree (fixtures into temporary directories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text blocks (headings and paragraphs) of a Markdown document, as a reader
/// sees them: syntax and escapes gone, hard breaks as spaces.
pub fn markdown_blocks(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    // The same CJK emphasis correction the page uses; `<strong>` tags are then HTML
    // events, which carry no text.
    let prepared = annual_report::publish::html::strong_as_html(markdown);
    for event in Parser::new(&prepared) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => {
                blocks.extend(current.take());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = current.as_mut() {
                    c.push(' ');
                }
            }
            _ => {}
        }
    }
    blocks
}

/// Folds what differs between the published page and our output without changing
/// the words: white space, and the width of `, : ; ( )`.
pub fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '，' => ',',
            '：' => ':',
            '；' => ';',
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// Builds `dir` into a fresh temporary directory and returns the text outputs by
/// extension (`md`, `html`, …).
pub fn build_formats(
    dir: &Path,
    formats: &[annual_report::Format],
) -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, String>,
) {
    let (out, files) = build_files(dir, formats);
    let texts = files
        .into_iter()
        .map(|(name, bytes)| {
            let ext = Path::new(&name)
                .extension()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (ext, String::from_utf8(bytes).expect("a text format"))
        })
        .collect();
    (out, texts)
}

/// Builds `dir` into a fresh temporary directory and returns every written file's
/// bytes by file name.
pub fn build_files(
    dir: &Path,
    formats: &[annual_report::Format],
) -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, Vec<u8>>,
) {
    let out = tempfile::tempdir().unwrap();
    let built = annual_report::build(dir, &annual_report::BuildOptions::new(out.path(), formats))
        .expect("ledger builds");
    let files = built
        .written
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(p).unwrap())
        })
        .collect();
    (out, files)
}

/// Decodes the five entities pulldown-cmark and Tera write.
pub fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The text of every `<h1>`–`<h3>` and `<p>` of an HTML page, tags removed and
/// entities decoded, `<br>` as a space.
pub fn html_blocks(html: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(start) = ["<h1", "<h2", "<h3", "<p"]
        .iter()
        .filter_map(|t| rest.find(t).map(|i| (i, *t)))
        .filter(|(i, t)| {
            let after = rest.as_bytes().get(i + t.len());
            matches!(after, Some(b'>' | b' '))
        })
        .min()
    {
        let (i, tag) = start;
        let close = format!("</{}>", &tag[1..]);
        let body_start = i + rest[i..].find('>').unwrap() + 1;
        let end = body_start + rest[body_start..].find(&close).unwrap();
        let inner = rest[body_start..end]
            .replace("<br>", " ")
            .replace("<br />", " ");
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        blocks.push(unescape_html(&text));
        rest = &rest[end + close.len()..];
    }
    blocks
}

/// The year's total row of `stats --format json` output.
pub fn stats_total(stats_json: &[u8]) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_slice(stats_json).expect("stats JSON");
    json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["level"] == "total")
        .expect("a total row")
        .clone()
}

/// A ledger whose opening takes `opening_lines` full lines of the grid, then one
/// section of one short item, then `closing`; signed by 共青团新民镇委员会 with the date
/// 2023-12-20 when `signed`.
pub fn paging_ledger(dir: &std::path::Path, opening_lines: usize, closing: &str, signed: bool) {
    // An indented paragraph of 26 + 28 (n − 1) hanzi and a full stop that hangs: n lines.
    let hanzi: String = "新民镇团委紧紧围绕中心工作服务青年成长"
        .chars()
        .cycle()
        .take(26 + 28 * (opening_lines - 1))
        .collect();
    let signature = if signed {
        "signature:\n  issuer: 共青团新民镇委员会\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("report.yaml"),
        format!(
            "year: 2023
organization:
  name: 新民镇团委
date: 2023-12-20
opening: |
  {hanzi}。
sections:
  - id: work
    title: 服务青年
    items:
      - id: study
        text: 开展青年大学习。
closing: |
  {closing}
{signature}"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("activities")).unwrap();
    std::fs::write(
        dir.join("activities/2023.yaml"),
        "- date: 2023-03-08\n  item: study\n  text: 集中学习一次\n",
    )
    .unwrap();
}

/// Headless Chromium (Debian's `chromium`, installed by `.ci/run`, or `$CHROMIUM`) with
/// the flags it needs on this kind of machine (no sandbox as root, no GPU, no network of
/// its own) and a fresh profile in `profile`.
pub fn headless_chromium(profile: &Path) -> std::process::Command {
    let candidates = [
        std::env::var("CHROMIUM").ok(),
        Some("/usr/bin/chromium".into()),
    ];
    let binary = candidates
        .into_iter()
        .flatten()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("headless Chromium is needed: apt-get install chromium (bash .ci/run does)");
    let mut command = std::process::Command::new(binary);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Whether the programs a test runs outside the tool are installed: `(program, Debian
/// package)` pairs, looked up on `PATH`. These tests end in `_with_<program>`. On a bare
/// machine a missing one skips the test with a line on stderr saying why; under CI
/// (`CI` set, as `.ci/run` is run) it fails the test, so a CI run never passes by
/// skipping.
pub fn require_tools(tools: &[(&str, &str)]) -> bool {
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned();
    let missing: Vec<String> = tools
        .iter()
        .filter(|(program, _)| !on_path(program))
        .map(|(program, package)| format!("{program} ({package})"))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!("skipped: {test} needs {}", missing.join(", "));
    assert!(std::env::var_os("CI").is_none(), "{message}, and CI is set");
    // Past the harness's capture of eprintln!, which would hide the line of a test
    // that passes.
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
    false
}

/// Whether `program` is an executable file in a directory of `PATH`.
fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(program))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// Chromium, for the tests that open pages in a browser.
pub const CHROMIUM: (&str, &str) = ("chromium", "chromium");
/// LibreOffice, which lays out the .docx.
pub const SOFFICE: (&str, &str) = ("soffice", "libreoffice-writer-nogui");
/// poppler's text extraction, to read PDFs back.
pub const PDFTOTEXT: (&str, &str) = ("pdftotext", "poppler-utils");
/// poppler's metadata listing.
pub const PDFINFO: (&str, &str) = ("pdfinfo", "poppler-utils");
