//! The clerk's page in a real browser: `annual-report serve` on a free port, headless
//! Chromium driven through the DevTools protocol over its websocket. The test types
//! an activity into the form, submits it, and finds the text in the list, in the
//! summary preview and in the YAML file; it sees a change made on disk arrive without
//! a reload; axe-core finds no accessibility violation on the page nor on the built
//! summary page; screenshots at desktop and phone size are kept.

use crate::common;

use common::server::{Killed, start_server};

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

/// Headless Chromium with the DevTools protocol on a free port; its websocket address.
fn start_chromium(profile: &Path) -> (Killed, String) {
    let mut child = common::headless_chromium(profile)
        .arg("--remote-debugging-port=0")
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("headless Chromium is needed: apt-get install chromium (bash .ci/run does)");
    let stderr = BufReader::new(child.stderr.take().unwrap());
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some((_, ws)) = line.split_once("DevTools listening on ") {
            return (Killed(child, None), ws.trim().to_owned());
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("Chromium printed no DevTools address");
}

/// A DevTools client attached to one page.
struct Cdp {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    session: String,
}

impl Cdp {
    fn connect(ws: &str) -> Self {
        let (socket, _) = tungstenite::connect(ws).unwrap();
        let mut cdp = Cdp {
            socket,
            next: 0,
            session: String::new(),
        };
        let targets = cdp.call("Target.getTargets", json!({}));
        let page = targets["targetInfos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .unwrap()["targetId"]
            .clone();
        let attached = cdp.call(
            "Target.attachToTarget",
            json!({ "targetId": page, "flatten": true }),
        );
        cdp.session = attached["sessionId"].as_str().unwrap().to_owned();
        cdp.call("Page.enable", json!({}));
        cdp.call("Runtime.enable", json!({}));
        cdp
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap();
        loop {
            let Message::Text(text) = self.socket.read().unwrap() else {
                continue;
            };
            let answer: Value = serde_json::from_str(&text).unwrap();
            if answer["id"] == id {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression (promises awaited).
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true (up to 30 s: the machine may be busy).
    fn wait_for(&mut self, expression: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if self.eval(expression) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {expression}");
    }

    fn open(&mut self, url: &str) {
        self.eval("window.__old_page = true");
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for_new_page();
    }

    /// Waits until the page marked before a navigation or a submit is replaced.
    fn wait_for_new_page(&mut self) {
        self.wait_for("window.__old_page === undefined && document.readyState === 'complete'");
    }

    /// Clicks the form's submit button and waits for the answer page.
    fn submit(&mut self) {
        self.eval("window.__old_page = true");
        self.eval("document.querySelector('form.activity-form button[type=submit]').click()");
        self.wait_for_new_page();
    }

    /// Focuses a field and types into it as a keyboard would.
    fn type_into(&mut self, selector: &str, text: &str) {
        self.eval(&format!(
            "document.querySelector({}).focus()",
            json!(selector)
        ));
        self.call("Input.insertText", json!({ "text": text }));
    }

    fn size(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let bytes = base64_decode(shot["data"].as_str().unwrap());
        std::fs::write(path, bytes).unwrap();
    }

    /// Runs axe-core on the open page; the violations.
    fn axe(&mut self, axe_source: &str) -> Vec<Value> {
        self.eval(axe_source);
        let found = self.eval(
            "axe.run(document).then(r => r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))",
        );
        found.as_array().cloned().unwrap_or_default()
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    clean
        .chunks(4)
        .flat_map(|chunk| {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &v)| n | u32::from(v) << (18 - 6 * i));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(chunk.len() - 1).collect::<Vec<_>>()
        })
        .collect()
}

/// axe-core's script, installed test-only by .ci/run outside the checkout.
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/var/tmp/axe-core/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; install it with npm install --prefix /var/tmp/axe-core axe-core@4 (bash .ci/run does)", path.display())
    })
}

/// Where screenshots go: reports/ when SERVE_SCREENSHOTS=1 (to refresh the committed
/// ones), else the target directory.
fn screenshot_dir() -> PathBuf {
    if std::env::var("SERVE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        common::root().join("reports")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    }
}

#[test]
fn a_clerk_adds_an_activity_in_a_real_browser_with_chromium() {
    if !common::require_tools(&[common::CHROMIUM]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("chapanzhou-2023");
    common::copy_dir(&common::fixture("chapanzhou-2023"), &dir);
    let log = dir.join("activities/2023-06.yaml");
    let before = std::fs::read_to_string(&log).unwrap_or_default();
    let (_server, url) = start_server(&dir);
    let (_chromium, ws) = start_chromium(&work.path().join("profile"));
    let mut cdp = Cdp::connect(&ws);
    cdp.size(1280, 900, false);
    cdp.open(&url);
    assert_eq!(cdp.eval("document.documentElement.lang"), json!("zh-CN"));

    // Fill the form as a clerk would: type, choose, submit.
    let text = "在镇文化广场开展“<b>巾帼</b>”家庭教育讲座";
    cdp.type_into("#f-date", "2023年6月18日");
    // Before an item is chosen the short name is offered; an item without a list
    // sentence (none of this ledger has one) does not print it, so it goes away.
    assert_eq!(
        cdp.eval("document.getElementById('name-field').hidden"),
        json!(false)
    );
    cdp.eval(
        "(() => { const s = document.getElementById('f-item'); s.value = 'legal-rights'; s.dispatchEvent(new Event('change')); })()",
    );
    assert_eq!(
        cdp.eval("document.getElementById('name-field').hidden"),
        json!(true)
    );
    // Only the chosen item's figures are offered.
    assert_eq!(
        cdp.eval("document.querySelector('[data-figure=checks]').hidden"),
        json!(true)
    );
    assert_eq!(
        cdp.eval("document.querySelector('[data-figure=visits]').hidden"),
        json!(false)
    );
    cdp.type_into("#f-text", text);
    cdp.type_into("#f-fig-visits", "2");
    cdp.type_into("#f-participants", "45");
    cdp.submit();
    assert_eq!(cdp.eval("location.search"), json!("?done=added"));

    // In the list, in the summary preview, in the YAML.
    assert_eq!(
        cdp.eval(&format!(
            "document.getElementById('ledger').innerText.includes({})",
            json!(text)
        )),
        json!(true)
    );
    let summary = cdp.eval("fetch('/preview/summary.html').then(r => r.text())");
    assert!(
        summary
            .as_str()
            .unwrap()
            .contains("在镇文化广场开展“&lt;b&gt;巾帼&lt;&#x2F;b&gt;”家庭教育讲座")
            || summary.as_str().unwrap().contains("&lt;b&gt;巾帼"),
        "{summary}"
    );
    let yaml = std::fs::read_to_string(&log).unwrap();
    assert!(yaml.starts_with(&before));
    assert!(
        yaml.ends_with(&format!(
            "- date: 2023-06-18\n  item: legal-rights\n  text: {}\n  figures: {{ visits: 2 }}\n  participants: 45\n",
            serde_json::to_string(text).unwrap()
        )),
        "{yaml}"
    );
    assert_eq!(annual_report::check_dir(&dir).error_count(), 0);
    let images = cdp.eval("Array.from(document.querySelectorAll('.pages img')).every(i => i.complete && i.naturalWidth > 800)");
    assert_eq!(images, json!(true));

    // A change made in a text editor reaches the open page without a reload.
    let typed = "文本编辑器里补记的一条活动";
    let edited = format!("{yaml}- date: 2023-06-20\n  item: legal-rights\n  text: {typed}\n");
    std::fs::write(&log, edited).unwrap();
    cdp.eval("window.__same_page = true");
    cdp.wait_for(&format!(
        "document.getElementById('ledger').innerText.includes({})",
        json!(typed)
    ));
    assert_eq!(
        cdp.eval("window.__same_page === true"),
        json!(true),
        "no reload"
    );

    // Edit the entry just added through its 修改 link, then delete it.
    cdp.eval("window.__old_page = true");
    cdp.eval(&format!(
        "Array.from(document.querySelectorAll('#ledger li.entry')).find(li => li.innerText.includes({})).querySelector('a.button').click()",
        json!(typed)
    ));
    cdp.wait_for_new_page();
    assert_eq!(
        cdp.eval("document.getElementById('f-text').value"),
        json!(typed)
    );
    cdp.eval("document.getElementById('f-text').select()");
    let corrected = "文本编辑器里补记的一条活动（已在网页上改过）";
    cdp.call("Input.insertText", json!({ "text": corrected }));
    cdp.submit();
    assert_eq!(cdp.eval("location.search"), json!("?done=edited"));
    let after_edit = std::fs::read_to_string(&log).unwrap();
    assert!(
        after_edit.ends_with(&format!(
            "- date: 2023-06-20\n  item: legal-rights\n  text: \"{corrected}\"\n"
        )),
        "{after_edit}"
    );
    assert!(after_edit.starts_with(&yaml));
    cdp.eval("window.__old_page = true");
    cdp.eval(&format!(
        "(() => {{ const li = Array.from(document.querySelectorAll('#ledger li.entry')).find(li => li.innerText.includes({})); li.querySelector('details.delete').open = true; li.querySelector('details.delete button').click(); }})()",
        json!(corrected)
    ));
    cdp.wait_for_new_page();
    assert_eq!(cdp.eval("location.search"), json!("?done=deleted"));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), yaml);

    // A bad entry is shown with its message; nothing is written.
    let now = std::fs::read_to_string(&log).unwrap();
    cdp.open(&url);
    cdp.type_into("#f-date", "2023-02-30");
    cdp.eval("document.getElementById('f-item').value = 'legal-rights'");
    cdp.type_into("#f-text", "日期写错的活动");
    cdp.submit();
    let message = cdp.eval("document.getElementById('e-date').innerText");
    assert!(
        message.as_str().unwrap().contains("这一天不存在"),
        "{message}"
    );
    assert_eq!(
        cdp.eval("document.getElementById('f-text').value"),
        json!("日期写错的活动")
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), now);

    // Accessibility of the page (with a refused entry's messages, and as it opens),
    // and screenshots.
    let axe = axe_source();
    let violations = cdp.axe(&axe);
    println!(
        "axe-core on the page with a refused entry: {} violations",
        violations.len()
    );
    assert!(violations.is_empty(), "{violations:#?}");
    cdp.open(&url);
    let violations = cdp.axe(&axe);
    println!(
        "axe-core on the serve page: {} violations",
        violations.len()
    );
    assert!(violations.is_empty(), "{violations:#?}");
    let shots = screenshot_dir();
    cdp.screenshot(&shots.join("serve-desktop.png"));
    cdp.size(390, 844, true);
    cdp.open(&url);
    cdp.screenshot(&shots.join("serve-phone.png"));

    // The summary page `build` writes.
    let out = work.path().join("out");
    common::cli()
        .arg("build")
        .arg(&dir)
        .args(["--out"])
        .arg(&out)
        .args(["--format", "html", "--no-system-fonts"])
        .assert()
        .success();
    let page = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    cdp.size(1280, 900, false);
    cdp.open(&format!("file://{}", page.display()));
    let violations = cdp.axe(&axe);
    println!(
        "axe-core on the built summary page: {} violations",
        violations.len()
    );
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn a_clerk_makes_and_shapes_a_ledger_in_a_real_browser_with_chromium() {
    if !common::require_tools(&[common::CHROMIUM]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("新河镇工会-2024");
    let (_server, url) = start_server(&dir);
    let (_chromium, ws) = start_chromium(&work.path().join("profile"));
    let mut cdp = Cdp::connect(&ws);
    let axe = axe_source();
    let shots = screenshot_dir();
    let no_violations = |cdp: &mut Cdp, what: &str| {
        let violations = cdp.axe(&axe);
        println!("axe-core on {what}: {} violations", violations.len());
        assert!(violations.is_empty(), "{what}: {violations:#?}");
    };

    // An empty directory: the page offers a new ledger.
    cdp.size(390, 844, true);
    cdp.open(&url);
    no_violations(&mut cdp, "the new-ledger page at 390 px");
    cdp.eval("document.getElementById('preset-gonghui').click()");
    cdp.type_into("#s-name", "新河镇工会");
    cdp.eval("document.getElementById('s-year').value = '2024'");
    cdp.screenshot(&shots.join("serve-setup-phone.png"));
    cdp.eval("window.__old_page = true");
    cdp.eval("document.querySelector('form[action=\"/setup\"] button[type=submit]').click()");
    cdp.wait_for_new_page();
    assert_eq!(cdp.eval("location.pathname"), json!("/structure"));
    assert!(dir.join("report.yaml").is_file());

    // The structure page: a sentence with a figure put in by the picker.
    let area = "sections.0.items.1-summary";
    cdp.eval(&format!(
        "(() => {{ const a = document.getElementById({area:?}); a.value = '全年规范基层工会'; a.setSelectionRange(a.value.length, a.value.length); }})()"
    ));
    cdp.eval(&format!(
        "(() => {{ const p = document.querySelector('.picker[data-target=\"{area}\"]'); p.querySelector('select').value = '〔新发展会员〕'; p.querySelector('button.insert').click(); }})()"
    ));
    assert_eq!(
        cdp.eval(&format!("document.getElementById({area:?}).value")),
        json!("全年规范基层工会〔新发展会员〕")
    );
    cdp.eval("window.__old_page = true");
    cdp.eval(&format!(
        "(() => {{ const a = document.getElementById({area:?}); a.value += '家。'; a.form.querySelector('button[value=save]').click(); }})()"
    ));
    cdp.wait_for_new_page();
    assert_eq!(cdp.eval("location.search"), json!("?done=saved"));
    let report = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
    assert!(
        report.contains("summary: 全年规范基层工会{{ members }}家。"),
        "{report}"
    );
    no_violations(&mut cdp, "the structure page at 390 px");
    cdp.screenshot(&shots.join("serve-structure-phone.png"));
    cdp.size(1280, 900, false);
    cdp.open(&format!("{url}structure"));
    no_violations(&mut cdp, "the structure page at 1280 px");
    cdp.screenshot(&shots.join("serve-structure-desktop.png"));
    cdp.size(390, 844, true);
    cdp.open(&url);
    no_violations(&mut cdp, "the activity page at 390 px");
    // At phone width the totals' headings stay on one line (the table scrolls in its
    // frame), and the preview is one link away from the top.
    let tallest = cdp.eval(
        "Math.max(...Array.from(document.querySelectorAll('.totals thead th')).map(th => th.getBoundingClientRect().height))",
    );
    let line =
        cdp.eval("parseFloat(getComputedStyle(document.querySelector('.totals th')).lineHeight)");
    println!("tallest totals heading at 390 px: {tallest} px (a line is {line} px)");
    assert!(
        tallest.as_f64().unwrap() < 2.0 * line.as_f64().unwrap(),
        "{tallest} px"
    );
    assert_eq!(
        cdp.eval("document.querySelector('nav.views a[href=\"#preview\"]') !== null"),
        json!(true)
    );
}
