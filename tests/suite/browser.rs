//! A real browser opens the page: headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`) loads the HTML file, its visible text must be the document's text, and a
//! screenshot is kept under the target directory.

use crate::common;

use annual_report::Format;
use common::{build_formats, fixture, headless_chromium, markdown_blocks, unescape_html};
use std::path::{Path, PathBuf};

fn run_chromium(profile: &Path, args: &[&str]) -> String {
    let output = headless_chromium(profile)
        .args(args)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Copies the page and adds a script that writes what a reader sees (`innerText`,
/// which follows the CSS) into the DOM, then dumps the DOM.
fn visible_text(page: &str, work: &Path) -> String {
    let probe = page.replace(
        "</body>",
        "<script>document.body.insertAdjacentHTML('beforeend', '<pre id=\"visible\"></pre>');\
         document.getElementById('visible').textContent = document.querySelector('main').innerText;\
         </script></body>",
    );
    let file = work.join("probe.html");
    std::fs::write(&file, probe).unwrap();
    let dom = run_chromium(
        &work.join("profile"),
        &["--dump-dom", &format!("file://{}", file.display())],
    );
    let start =
        dom.rfind("<pre id=\"visible\">").expect("probe ran") + "<pre id=\"visible\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    unescape_html(&dom[start..end])
}

#[test]
fn chromium_shows_the_document_text_and_takes_a_screenshot_with_chromium() {
    if !common::require_tools(&[common::CHROMIUM]) {
        return;
    }
    for name in ["chapanzhou-2023", "qingshan-2024-tuanwei"] {
        let (out, files) = build_formats(&fixture(name), &[Format::Md, Format::Html]);
        let page = &files["html"];
        let seen = visible_text(page, out.path());
        let seen_lines: Vec<&str> = seen
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();

        // Title first, then each metadata name followed by its value.
        let mut md = markdown_blocks(&files["md"]);
        assert_eq!(seen_lines[0], md[0]);
        let metadata = md.remove(1);
        let mut at = 1;
        for field in metadata.split(" ") {
            let (name, value) = field.split_once('：').unwrap();
            assert_eq!(seen_lines[at], name, "{name}: {seen}");
            assert_eq!(seen_lines[at + 1], value);
            at += 2;
        }
        // Then exactly the document's text (line breaks aside), then the QR caption.
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let mut body: String = seen_lines[at..].iter().map(|l| squash(l)).collect();
        if page.contains("<svg") {
            body = body
                .strip_suffix("扫一扫在手机打开当前页")
                .expect("caption")
                .to_owned();
        }
        let doc: String = md[1..].iter().map(|b| squash(b)).collect();
        assert_eq!(body, doc, "{name}");

        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        let shot = shots.join(format!("{name}.png"));
        let html_file = out.path().join("page.html");
        std::fs::write(&html_file, page).unwrap();
        run_chromium(
            &out.path().join("profile"),
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=420,2400",
                &format!("file://{}", html_file.display()),
            ],
        );
        let png = std::fs::read(&shot).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "screenshot kept at {}",
            shot.display()
        );
    }
}
