//! The clerk's page over HTTP: every route, and every refusal (token, other origin,
//! CSRF, body size, paths outside the ledger, a changed entry, a bad entry), driven
//! through the Router without a socket.

use crate::common;

use annual_report::publish::typeset::fonts::{FontLibrary, FontOptions};
use annual_report::serve::App;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use tower::ServiceExt;

pub(crate) static FONTS: LazyLock<Arc<FontLibrary>> = LazyLock::new(|| {
    Arc::new(FontLibrary::new(&FontOptions {
        system: false,
        paths: Vec::new(),
    }))
});

pub(crate) const HOST: &str = "127.0.0.1:8080";

/// A copy of the chapanzhou fixture and a server for it.
pub(crate) fn served(token: Option<&str>) -> (tempfile::TempDir, Arc<App>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("c");
    common::copy_dir(&common::fixture("chapanzhou-2023"), &dir);
    let app = App::new(&dir, token.map(str::to_owned), FONTS.clone()).unwrap();
    (work, app)
}

pub(crate) fn ledger(work: &tempfile::TempDir) -> std::path::PathBuf {
    work.path().join("c")
}

pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub(crate) async fn send(app: &Arc<App>, request: Request<Body>) -> Answer {
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap()
}

pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn post(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form_body(fields)))
        .unwrap()
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Every activity log of a ledger with its text.
pub(crate) fn logs(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir.join("activities"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect();
    out.sort();
    out
}

/// Posts the page's form for a new entry with its fields.
pub(crate) async fn add_entry(app: &Arc<App>, entry: &[(&str, &str)]) -> Answer {
    let mut fields = vec![("csrf", app.csrf())];
    fields.extend_from_slice(entry);
    send(app, post("/activities", &fields)).await
}

/// Posts the page's edit form for one entry (its file, index and version) with the
/// entry's new fields.
async fn edit_entry(
    app: &Arc<App>,
    (file, index, version): (&str, &str, &str),
    entry: &[(&str, &str)],
) -> Answer {
    let mut fields = vec![
        ("csrf", app.csrf()),
        ("file", file),
        ("index", index),
        ("version", version),
    ];
    fields.extend_from_slice(entry);
    send(app, post("/activities/edit", &fields)).await
}

/// Posts the page's delete form for one entry.
async fn delete_entry(app: &Arc<App>, file: &str, index: &str, version: &str) -> Answer {
    let fields = [
        ("csrf", app.csrf()),
        ("file", file),
        ("index", index),
        ("version", version),
    ];
    send(app, post("/activities/delete", &fields)).await
}

/// The two forms that name one entry: `/activities/edit` (with a valid new entry) and
/// `/activities/delete`, posted for `target` (file, index, version).
const ENTRY_FORMS: [&str; 2] = ["/activities/edit", "/activities/delete"];

/// Posts one of [`ENTRY_FORMS`] for an entry.
async fn post_entry_form(app: &Arc<App>, path: &str, target: (&str, &str, &str)) -> Answer {
    if path == ENTRY_FORMS[0] {
        let entry = [
            ("date", "2023-03-14"),
            ("item", "legal-rights"),
            ("figures.visits", "1"),
        ];
        edit_entry(app, target, &entry).await
    } else {
        delete_entry(app, target.0, target.1, target.2).await
    }
}

/// The hidden fields (file, index, version) of the edit form of an entry.
async fn edit_fields(app: &Arc<App>, file: &str, index: usize) -> (String, String, String) {
    let page = send(
        app,
        get(&format!("/edit?file={}&index={index}", encode(file))),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    let hidden = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("{name} in {text}"))
            + marker.len();
        text[start..start + text[start..].find('"').unwrap()].to_owned()
    };
    (hidden("file"), hidden("index"), hidden("version"))
}

#[tokio::test]
async fn the_page_lists_the_year_with_totals_findings_and_preview() {
    let (_work, app) = served(None);
    let page = send(&app, get("/")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    // Items as a select with titles, figures per declared key.
    assert!(html.contains("<option value=\"legal-rights\""), "{html}");
    assert!(html.contains("name=\"figures.visits\""));
    assert!(html.contains("name=\"participants\"") && html.contains("name=\"place\""));
    // The stats totals: the same numbers `stats` computes.
    let stats = common::cli()
        .args(["stats", "--format", "json"])
        .arg(common::fixture("chapanzhou-2023"))
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let total = stats["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == "total")
        .unwrap();
    let cells: Vec<String> = total["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| format!("<td>{v}</td>"))
        .collect();
    let row = format!(
        "<th scope=\"row\">全年合计</th><td>{}</td>{}",
        total["activities"],
        cells.join("")
    );
    assert!(html.contains(&row), "{row} in the page");
    // The W101 warning of the fixture sits beside its entry, in the terminal's words.
    let entry_start = html.find("三八节期间").unwrap();
    let entry_html =
        &html[entry_start..entry_start + html[entry_start..].find("</li>\n</ol>").unwrap_or(4000)];
    assert!(entry_html.contains("（W101）"), "{entry_html}");
    // Preview pages and downloads.
    assert!(html.contains("/preview/pages/1?v="));
    for format in ["pdf", "docx", "html", "txt", "md", "typ"] {
        assert!(html.contains(&format!("/download/{format}\"")), "{format}");
    }
}

#[tokio::test]
async fn the_month_filter_shows_one_month_and_its_totals() {
    let (_work, app) = served(None);
    let html = send(&app, get("/?month=3")).await.text();
    assert!(html.contains("3月的活动"));
    assert!(html.contains("2023-03-08"));
    assert!(!html.contains("2023-05-"), "only March");
    assert!(html.contains("<th scope=\"row\">3月</th>"));
}

#[tokio::test]
async fn assets_preview_images_and_downloads_are_served() {
    let (_work, app) = served(None);
    let css = send(&app, get("/assets/serve.css")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let js = send(&app, get("/assets/serve.js")).await;
    assert!(js.text().contains("/version"));
    let png = send(&app, get("/preview/pages/1")).await;
    assert_eq!(png.status, StatusCode::OK);
    assert!(png.body.starts_with(b"\x89PNG"));
    assert_eq!(
        send(&app, get("/preview/pages/99")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = send(&app, get("/preview/summary.html")).await;
    assert!(page.text().contains("2023年茶盘洲镇妇联工作总结"));
    assert!(
        page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let version = send(&app, get("/version")).await.text();
    assert_eq!(version, app.version().to_string());
    for (format, magic) in [
        ("pdf", b"%PDF".as_slice()),
        ("docx", b"PK".as_slice()),
        ("md", "# 2023".as_bytes()),
        ("txt", "2023".as_bytes()),
        ("html", b"<!DOCTYPE html>".as_slice()),
        ("typ", b"".as_slice()),
    ] {
        let answer = send(&app, get(&format!("/download/{format}"))).await;
        assert_eq!(answer.status, StatusCode::OK, "{format}");
        assert!(answer.body.starts_with(magic), "{format}");
        let disposition = answer.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap();
        assert!(
            disposition.starts_with("attachment;") && disposition.contains(&format!(".{format}")),
            "{disposition}"
        );
    }
    // The PDF is the one `build` writes.
    let built = tempfile::tempdir().unwrap();
    let (work, app) = served(None);
    annual_report::build(
        &ledger(&work),
        &annual_report::BuildOptions {
            fonts: Some(FONTS.clone()),
            ..annual_report::BuildOptions::new(
                built.path(),
                &[annual_report::Format::Pdf, annual_report::Format::Png],
            )
        },
    )
    .unwrap();
    let pdf = std::fs::read(built.path().join("2023年茶盘洲镇妇联工作总结.pdf")).unwrap();
    assert_eq!(send(&app, get("/download/pdf")).await.body, pdf);
    let page_two = std::fs::read(built.path().join("2023年茶盘洲镇妇联工作总结-2.png")).unwrap();
    let answer = send(&app, get("/download/png?page=2")).await;
    assert_eq!(answer.body, page_two);
    assert!(
        answer.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("-2.png")
    );
    for page in ["0", "99", "x"] {
        let path = format!("/download/png?page={page}");
        let status = send(&app, get(&path)).await.status;
        assert_eq!(
            status,
            if page == "x" {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            },
            "{path}"
        );
    }
}

#[tokio::test]
async fn adding_appends_exactly_the_entry_and_refreshes() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let before = read(&dir.join("activities/2023-03.yaml"));
    let version = app.version();
    let answer = add_entry(
        &app,
        &[
            ("date", "2023年3月20日"),
            ("item", "legal-rights"),
            ("text", "开展“<script>alert('x')</script>”\"普法\"宣传"),
            ("figures.visits", "2"),
            ("figures.visitors", ""),
            ("place", "镇文化广场"),
            ("participants", "30"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let after = read(&dir.join("activities/2023-03.yaml"));
    assert_eq!(
        &after[before.len()..],
        "- date: 2023-03-20\n  item: legal-rights\n  text: \"开展“<script>alert('x')</script>”\\\"普法\\\"宣传\"\n  figures: { visits: 2 }\n  place: \"镇文化广场\"\n  participants: 30\n"
    );
    assert!(after.starts_with(&before));
    assert!(app.version() > version);
    assert_eq!(annual_report::check_dir(&dir).error_count(), 0);
    // Escaped everywhere on the page.
    let html = send(&app, get("/")).await.text();
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert("),
        "escaped"
    );
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("&quot;普法&quot;宣传"),
        "double quotes escaped"
    );
    // In the edit form's textarea too.
    let edit = send(&app, get("/edit?file=2023-03.yaml&index=3"))
        .await
        .text();
    assert!(edit.contains("&lt;script&gt;alert(") && !edit.contains("<script>alert"));
    let summary = send(&app, get("/preview/summary.html")).await.text();
    assert!(summary.contains("&lt;script&gt;alert("));
    assert!(!summary.contains("<script>alert"));
}

#[tokio::test]
async fn a_bad_entry_is_shown_with_its_message_and_nothing_is_written() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let before = logs(&dir);
    let answer = add_entry(
        &app,
        &[
            ("date", "2023-13-40"),
            ("item", "legal-rights"),
            ("text", "这段文字要保留"),
            ("figures.visits", "十"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text();
    assert!(html.contains("没有保存"));
    assert!(html.contains("（E020）"), "{html}");
    assert!(html.contains("没有 13 月"), "{html}");
    assert!(html.contains("（E024）"));
    // The clerk's input is kept.
    assert!(html.contains("value=\"2023-13-40\""));
    assert!(html.contains(">这段文字要保留</textarea>"));
    assert!(html.contains("value=\"十\""));
    assert_eq!(logs(&dir), before);
}

#[tokio::test]
async fn editing_replaces_only_the_entry_and_keeps_comments() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let before = read(&log);
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    assert_eq!((file.as_str(), index.as_str()), ("2023-03.yaml", "1"));
    let answer = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-15"),
            ("item", "legal-rights"),
            ("text", ""),
            ("figures.visits", "3"),
            ("figures.visitors", "4"),
            ("place", "镇妇联办公室"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let old_entry = "- date: 2023-03-14\n  item: legal-rights\n  figures: { visits: 1, visitors: 2 }\n  place: 镇妇联办公室\n";
    let new_entry = "- date: 2023-03-15\n  item: legal-rights\n  figures: { visits: 3, visitors: 4 }\n  place: \"镇妇联办公室\"\n";
    assert!(before.contains(old_entry));
    assert_eq!(read(&log), before.replacen(old_entry, new_entry, 1));
    assert!(read(&log).starts_with("# 2023年3月的活动台账\n"));

    // The same version again: the entry changed meanwhile, so it is refused.
    let stale = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-16"),
            ("item", "legal-rights"),
            ("figures.visits", "9"),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text().contains("已被修改"), "{}", stale.text());
    assert!(stale.text().contains("value=\"2023-03-16\""), "input kept");
    assert_eq!(read(&log), before.replacen(old_entry, new_entry, 1));
}

#[tokio::test]
async fn an_entry_changed_in_a_text_editor_is_not_overwritten() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    // Someone edits the file meanwhile.
    let edited = read(&log).replace("visits: 1, visitors: 2", "visits: 5, visitors: 2");
    std::fs::write(&log, &edited).unwrap();
    for path in ENTRY_FORMS {
        let answer = post_entry_form(&app, path, (&file, &index, &version)).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{path}");
        assert_eq!(read(&log), edited, "{path}");
    }
    // The watcher's check sees the change and the page shows the new numbers.
    assert!(app.refresh_if_changed().await);
    assert!(
        send(&app, get("/"))
            .await
            .text()
            .contains("接待妇女来访 5件")
    );
}

#[tokio::test]
async fn deleting_removes_exactly_the_entry_and_keeps_the_comment_above_the_next() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let with_comment = read(&log).replacen(
        "- date: 2023-03-29",
        "# 下面一条是排查\n- date: 2023-03-29",
        1,
    );
    std::fs::write(&log, &with_comment).unwrap();
    app.refresh().await;
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    let answer = delete_entry(&app, &file, &index, &version).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let removed = "- date: 2023-03-14\n  item: legal-rights\n  figures: { visits: 1, visitors: 2 }\n  place: 镇妇联办公室\n";
    assert_eq!(read(&log), with_comment.replacen(removed, "", 1));
    assert!(read(&log).contains("# 下面一条是排查\n- date: 2023-03-29"));
}

#[tokio::test]
async fn paths_outside_the_ledger_are_never_read_or_written() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    std::fs::write(work.path().join("secret.yaml"), "- 秘密\n").unwrap();
    for path in [
        "/download/..%2f..%2fsecret.yaml",
        "/download/%2e%2e%2fsecret.yaml",
        "/download/%2e%2e",
        "/download/../../etc/passwd",
        "/download//etc/passwd",
        "/download/%2Fetc%2Fpasswd",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/preview/pages/..%2f..%2fsecret.yaml",
        "/../secret.yaml",
        "/%2e%2e/secret.yaml",
        "/c/report.yaml",
        "/activities/2023-03.yaml",
    ] {
        let answer = send(&app, get(path)).await;
        assert!(
            matches!(
                answer.status,
                StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST | StatusCode::METHOD_NOT_ALLOWED
            ),
            "{path}: {}",
            answer.status
        );
        assert!(
            !answer.text().contains("秘密") && !answer.text().contains("[package]"),
            "{path}"
        );
    }
    let before = logs(&dir);
    let report = read(&dir.join("report.yaml"));
    for file in [
        "../report.yaml",
        "../../secret.yaml",
        "%2e%2e/report.yaml",
        "/etc/passwd",
        &dir.join("report.yaml").to_string_lossy(),
        "..\\report.yaml",
        "2023-03.yaml/../../report.yaml",
    ] {
        for path in ENTRY_FORMS {
            let answer = post_entry_form(&app, path, (file, "0", "0000000000000000")).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{path} {file}: {}",
                answer.text()
            );
            assert!(answer.text().contains("不是本台账"), "{file}");
        }
        let page = send(&app, get(&format!("/edit?file={}&index=0", encode(file)))).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{file}");
    }
    assert_eq!(logs(&dir), before);
    assert_eq!(read(&dir.join("report.yaml")), report);
    assert_eq!(read(&work.path().join("secret.yaml")), "- 秘密\n");
}

#[tokio::test]
async fn posts_from_another_origin_or_without_the_csrf_token_are_refused() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let before = logs(&dir);
    let fields = [
        ("csrf", app.csrf()),
        ("date", "2023-03-20"),
        ("item", "legal-rights"),
        ("figures.visits", "1"),
    ];
    let mut foreign = post("/activities", &fields);
    foreign
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    let answer = send(&app, foreign).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.text().contains("其他网站"));
    let mut null_origin = post("/activities", &fields);
    null_origin
        .headers_mut()
        .insert(header::ORIGIN, "null".parse().unwrap());
    assert_eq!(send(&app, null_origin).await.status, StatusCode::FORBIDDEN);
    let mut foreign_referer = post("/activities", &fields);
    foreign_referer.headers_mut().remove(header::ORIGIN);
    foreign_referer.headers_mut().insert(
        header::REFERER,
        "http://127.0.0.1:8080.evil.example/".parse().unwrap(),
    );
    assert_eq!(
        send(&app, foreign_referer).await.status,
        StatusCode::FORBIDDEN
    );
    for csrf in ["", "0123456789abcdef0123456789abcdef"] {
        let mut fields = fields;
        fields[0].1 = csrf;
        for path in ["/activities", "/activities/edit", "/activities/delete"] {
            let answer = send(&app, post(path, &fields)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} csrf {csrf:?}");
            assert!(answer.text().contains("校验码"));
        }
    }
    assert_eq!(logs(&dir), before);
}

#[tokio::test]
async fn without_a_token_only_this_computer_may_ask() {
    let (_work, app) = served(None);
    for host in ["localhost:8080", "127.0.0.1:8080", "[::1]:8080"] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.status, StatusCode::OK, "{host}");
    }
    // A page of another site that resolves its own name to 127.0.0.1.
    for host in [
        "evil.example:8080",
        "192.168.1.5:8080",
        "127.0.0.1.evil.example",
        "",
    ] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{host}");
        assert!(answer.text().contains("只能在本机打开"));
    }
}

#[tokio::test]
async fn with_a_token_every_request_must_carry_it() {
    let token = "office-2023-token";
    let (work, app) = served(Some(token));
    let dir = ledger(&work);
    let host = "192.168.1.5:8080";
    let ask = |path: &str| {
        Request::get(path)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    };
    for path in [
        "/",
        "/version",
        "/preview/pages/1",
        "/download/pdf",
        "/assets/serve.css",
        "/edit?file=2023-03.yaml&index=0",
        "/nothing",
    ] {
        let answer = send(&app, ask(path)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(answer.text().contains("需要访问口令"));
    }
    assert_eq!(
        send(&app, ask("/?token=wrong-token-123")).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The token once in the address: a cookie, and the address without it.
    let first = send(&app, ask("/?month=3&token=office-2023-token")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.headers[header::LOCATION], "/?month=3");
    let cookie = first.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let with_cookie = Request::get("/")
        .header(header::HOST, host)
        .header(
            header::COOKIE,
            format!("other=1; annual_report_token_8080={token}"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, with_cookie).await.status, StatusCode::OK);
    let with_header = Request::get("/version")
        .header(header::HOST, host)
        .header("x-annual-report-token", token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, with_header).await.status, StatusCode::OK);
    // A POST without the token writes nothing, even with the CSRF token.
    let before = logs(&dir);
    let mut request = post(
        "/activities",
        &[
            ("csrf", app.csrf()),
            ("date", "2023-03-20"),
            ("item", "legal-rights"),
            ("figures.visits", "1"),
        ],
    );
    request
        .headers_mut()
        .insert(header::HOST, host.parse().unwrap());
    request
        .headers_mut()
        .insert(header::ORIGIN, format!("http://{host}").parse().unwrap());
    assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(logs(&dir), before);
    // Unusable tokens are refused at start.
    assert!(App::new(&dir, Some("short".into()), FONTS.clone()).is_err());
    assert!(App::new(&dir, Some("has space in it".into()), FONTS.clone()).is_err());
}

#[tokio::test]
async fn large_bodies_are_refused_unread() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let before = logs(&dir);
    let text = "字".repeat(annual_report::serve::MAX_BODY_BYTES);
    let answer = add_entry(
        &app,
        &[
            ("date", "2023-03-20"),
            ("item", "legal-rights"),
            ("text", &text),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.text().contains("提交的内容太长"));
    assert_eq!(logs(&dir), before);
}

#[tokio::test]
async fn a_broken_entry_is_shown_beside_itself_and_can_be_corrected() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let broken = read(&log).replacen(
        "figures: { visits: 1, visitors: 2 }",
        "figures: { visits: 一, visitors: 2 }",
        1,
    );
    std::fs::write(&log, &broken).unwrap();
    assert!(app.refresh_if_changed().await);
    let html = send(&app, get("/")).await.text();
    assert!(html.contains("1 个错误"), "{html}");
    let at = html.find("（E024）").expect("the finding is shown");
    // Told by the activity it belongs to, in words; the file and line only as a detail.
    assert!(!html.contains("2023-03.yaml:"), "{html}");
    assert!(html.contains("2023-03.yaml 第"), "{html}");
    let entry_start = html[..at]
        .rfind("<li class=\"entry has-error\"")
        .expect("beside its entry");
    assert!(html[entry_start..at].contains("2023-03-14"));
    assert!(html.contains("下面是上一次没有错误时的总结"));
    // Correcting it through the form writes the ledger back to valid.
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    let answer = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-14"),
            ("item", "legal-rights"),
            ("figures.visits", "1"),
            ("figures.visitors", "2"),
            ("place", "镇妇联办公室"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(annual_report::check_dir(&dir).error_count(), 0);
    assert!(send(&app, get("/")).await.text().contains("0 个错误"));
}

#[tokio::test]
async fn unknown_pages_and_methods_are_answered_in_chinese() {
    let (_work, app) = served(None);
    let answer = send(&app, get("/no/such/page")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.text().contains("没有这个页面"));
    let answer = send(&app, get("/download/exe")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = send(&app, get("/edit?file=2023-03.yaml&index=999")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.text().contains("找不到这条活动"));
    for path in [
        "/edit",
        "/edit?file=2023-03.yaml",
        "/edit?file=2023-03.yaml&index=x",
    ] {
        let answer = send(&app, get(path)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(answer.text().contains("找不到这条活动"), "{path}");
    }
    let json = Request::post("/activities")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let answer = send(&app, json).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(answer.text().contains("无法识别提交的内容"));
    let answer = send(&app, get("/")).await;
    assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_browsers_and_new_in_a_terminal_at_once_lose_nothing() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let terminal_dir = dir.clone();
    let terminal = tokio::task::spawn_blocking(move || {
        for n in 0..3 {
            common::cli()
                .arg("new")
                .arg(&terminal_dir)
                .args(["--date", "2023-07-01", "--item", "legal-rights"])
                .args(["--text", &format!("终端记的第{n}条")])
                .assert()
                .success();
        }
    });
    let browsers = (0..6).map(|n| {
        let app = app.clone();
        tokio::spawn(async move {
            let text = format!("浏览器记的第{n}条");
            let answer = add_entry(
                &app,
                &[
                    ("date", "2023-07-02"),
                    ("item", "legal-rights"),
                    ("text", &text),
                ],
            )
            .await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        })
    });
    for browser in browsers.collect::<Vec<_>>() {
        browser.await.unwrap();
    }
    terminal.await.unwrap();
    let july = read(&dir.join("activities/2023-07.yaml"));
    for n in 0..3 {
        assert_eq!(
            july.matches(&format!("终端记的第{n}条")).count(),
            1,
            "{july}"
        );
    }
    for n in 0..6 {
        assert_eq!(
            july.matches(&format!("浏览器记的第{n}条")).count(),
            1,
            "{july}"
        );
    }
    assert_eq!(annual_report::check_dir(&dir).error_count(), 0);
}

#[tokio::test]
async fn a_log_saved_on_windows_keeps_its_byte_order_mark_and_line_breaks() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let windows = format!("\u{feff}{}", read(&log).replace('\n', "\r\n"));
    std::fs::write(&log, &windows).unwrap();
    app.refresh().await;
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    let answer = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-14"),
            ("item", "legal-rights"),
            ("figures.visits", "6"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let old = "- date: 2023-03-14\r\n  item: legal-rights\r\n  figures: { visits: 1, visitors: 2 }\r\n  place: 镇妇联办公室\r\n";
    let new = "- date: 2023-03-14\r\n  item: legal-rights\r\n  figures: { visits: 6 }\r\n";
    assert_eq!(read(&log), windows.replacen(old, new, 1));
}

#[tokio::test]
async fn findings_outside_the_activities_are_shown_at_the_top() {
    let (work, app) = served(None);
    let report = ledger(&work).join("report.yaml");
    let text = read(&report);
    let start = text.find("索引号:").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    std::fs::write(
        &report,
        format!("{}索引号: 待填写{}", &text[..start], &text[end..]),
    )
    .unwrap();
    assert!(app.refresh_if_changed().await);
    let html = send(&app, get("/")).await.text();
    let general =
        &html[html.find("<div id=\"general\">").unwrap()..html.find("id=\"entry-form\"").unwrap()];
    assert!(
        general.contains("警告：") && general.contains("（W111）"),
        "{general}"
    );
    assert!(general.contains("report.yaml"), "{general}");
}

#[tokio::test]
async fn a_broken_report_yaml_is_shown_and_adding_is_refused() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let report = dir.join("report.yaml");
    std::fs::write(&report, format!("{}\nsections: [\n", read(&report))).unwrap();
    assert!(app.refresh_if_changed().await);
    let page = send(&app, get("/")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(!html.contains("页面模板出错"), "{html}");
    let general =
        &html[html.find("<div id=\"general\">").unwrap()..html.find("id=\"entry-form\"").unwrap()];
    assert!(
        general.contains("错误：") && general.contains("report.yaml"),
        "{general}"
    );
    let before = logs(&dir);
    let answer = add_entry(
        &app,
        &[
            ("date", "2023-03-20"),
            ("item", "legal-rights"),
            ("text", "x"),
        ],
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text()
    );
    assert!(answer.text().contains("没有保存"));
    assert!(answer.text().contains("report.yaml"));
    assert_eq!(logs(&dir), before);
}

#[tokio::test]
async fn a_text_with_browser_line_breaks_is_saved_and_edited() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let before = read(&log);
    // A textarea's line breaks arrive as CRLF (and a lone CR from old systems).
    let added = add_entry(
        &app,
        &[
            ("date", "2023-03-20"),
            ("item", "legal-rights"),
            ("text", "第一行\r\n第二行\r第三行"),
            ("figures.visits", "1"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert_eq!(
        &read(&log)[before.len()..],
        "- date: 2023-03-20\n  item: legal-rights\n  text: \"第一行\\n第二行\\n第三行\"\n  figures: { visits: 1 }\n"
    );
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 3).await;
    let edited = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-20"),
            ("item", "legal-rights"),
            ("text", "改后\r\n两行"),
            ("figures.visits", "1"),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text());
    assert!(read(&log).ends_with("  text: \"改后\\n两行\"\n  figures: { visits: 1 }\n"));
    assert!(!read(&log).contains('\r'));
}

#[tokio::test]
async fn a_replayed_delete_or_a_stale_edit_never_takes_an_identical_duplicate() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    let entry = "- date: 2023-03-14\n  item: legal-rights\n  figures: { visits: 1, visitors: 2 }\n  place: 镇妇联办公室\n";
    let twice = read(&log).replacen(entry, &entry.repeat(2), 1);
    std::fs::write(&log, &twice).unwrap();
    app.refresh().await;
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    let (_, _, second) = edit_fields(&app, "2023-03.yaml", 2).await;
    assert_ne!(version, second, "each duplicate has its own version");
    let first = delete_entry(&app, &file, &index, &version).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let once = twice.replacen(entry, "", 1);
    assert_eq!(read(&log), once);
    assert!(once.contains(entry));
    // The same POST again (a double click, a browser's resend): the duplicate now in
    // that place is another entry, so nothing is removed.
    let replay = delete_entry(&app, &file, &index, &version).await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.text());
    assert!(replay.text().contains("已被修改"), "{}", replay.text());
    assert_eq!(read(&log), once);
    // An edit form opened before the removal names the removed entry: refused too.
    let stale = edit_entry(
        &app,
        (&file, &index, &version),
        &[
            ("date", "2023-03-15"),
            ("item", "legal-rights"),
            ("figures.visits", "9"),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert_eq!(read(&log), once);
}

/// The March log of the fixture with its first two entries' texts as block scalars,
/// the second ending in a line that starts with `#` (text, not a comment).
const HASH_LINE_LOG: &str = "# 2023年3月的活动台账
- date: 2023-03-08
  item: legal-rights
  text: |
    开展三八维权周法治宣传
  place: 镇文化广场
- date: 2023-03-14
  item: legal-rights
  figures: { visits: 1, visitors: 2 }
  text: |
    举办电商直播技能培训班
    #巾帼行动第七期
- date: 2023-03-29
  item: key-groups
  figures: { checks: 1 }
";

#[tokio::test]
async fn a_block_scalar_line_starting_with_a_hash_stays_with_its_entry() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    std::fs::write(&log, HASH_LINE_LOG).unwrap();
    app.refresh().await;
    let (file, index, version) = edit_fields(&app, "2023-03.yaml", 1).await;
    let answer = delete_entry(&app, &file, &index, &version).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let removed = "- date: 2023-03-14\n  item: legal-rights\n  figures: { visits: 1, visitors: 2 }\n  text: |\n    举办电商直播技能培训班\n    #巾帼行动第七期\n";
    assert_eq!(read(&log), HASH_LINE_LOG.replacen(removed, "", 1));
    // The entry above keeps its own text, without the removed entry's last line.
    let edit = send(&app, get("/edit?file=2023-03.yaml&index=0"))
        .await
        .text();
    assert!(
        edit.contains("开展三八维权周法治宣传\n</textarea>"),
        "{edit}"
    );
    assert!(!edit.contains("第七期"), "{edit}");
}

#[tokio::test]
async fn an_entry_that_does_not_read_on_its_own_is_not_edited_or_deleted() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let log = dir.join("activities/2023-03.yaml");
    // The second entry's place is an alias of an anchor in the first: its bytes
    // alone do not say where it was, nor can an edit keep what they mean.
    let aliased = read(&log)
        .replacen("  place: 镇文化广场", "  place: &office 镇文化广场", 1)
        .replacen("  place: 镇妇联办公室", "  place: *office", 1);
    std::fs::write(&log, &aliased).unwrap();
    app.refresh().await;
    let page = send(&app, get("/")).await.text();
    assert!(
        page.contains("2023-03.yaml&amp;index=0#entry-form"),
        "the first is editable"
    );
    assert!(
        !page.contains("2023-03.yaml&amp;index=1#entry-form"),
        "the aliased one is not"
    );
    let spans = annual_report::ledger::entry::entry_spans(&aliased).unwrap();
    let version = annual_report::ledger::entry::entry_version(&aliased, &spans[1]);
    for path in ENTRY_FORMS {
        let answer = post_entry_form(&app, path, ("2023-03.yaml", "1", &version)).await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            answer.text()
        );
        assert!(
            answer.text().contains("无法在"),
            "{path}: {}",
            answer.text()
        );
        assert_eq!(read(&log), aliased, "{path}");
    }
}

#[tokio::test]
async fn activities_filed_under_an_enumerated_entry_are_listed_with_their_item_and_deletable() {
    let text = "- date: 2023-03-08\n  item: family-events\n  figures: { events: 5 }\n- date: 2023-02-01\n  item: family\n  text: 召开家庭工作推进会\n- date: 2023-06-01\n  item: family-events\n  figures: { events: 7 }\n";
    let (_work, dir, app) = served_ledger(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
figures:
  events: { label: 活动, unit: 场 }
sections:
  - id: work
    title: 主要工作
    items:
      - id: family
        lead: 放大联动效应，丰富新时代家庭工作内涵。
        entries:
          - id: family-events
            lead: 开展家庭教育活动，
            summary: 共{{ events }}场
",
        text,
    );
    let log = dir.join("activities/2023.yaml");
    let page = send(&app, get("/")).await.text();
    assert!(!page.contains("条目不存在的活动"), "{page}");
    // Under their item, marked with the entry's words, each with edit and delete.
    let item = &page[page.find("<span class=\"id\">family</span>").unwrap()..];
    assert_eq!(
        item.matches("分项：开展家庭教育活动，").count(),
        2,
        "{item}"
    );
    for index in 0..3 {
        assert!(
            item.contains(&format!("2023.yaml&amp;index={index}#entry-form")),
            "{index}: {item}"
        );
    }
    assert_eq!(item.matches("确认删除这条活动").count(), 3);
    let (file, index, version) = edit_fields(&app, "2023.yaml", 2).await;
    let answer = delete_entry(&app, &file, &index, &version).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(
        read(&log),
        text.replacen(
            "- date: 2023-06-01\n  item: family-events\n  figures: { events: 7 }\n",
            "",
            1
        )
    );
}

#[tokio::test]
async fn a_change_in_a_linked_ledger_refreshes_the_page() {
    let work = common::linked_fixtures();
    // Last year's ledger of a report (`previous:`).
    let app = App::new(&work.path().join("xinhe-2023"), None, FONTS.clone()).unwrap();
    assert!(!app.refresh_if_changed().await, "nothing changed yet");
    let last_year = work.path().join("xinhe-2022/activities/2022.yaml");
    let text = read(&last_year);
    std::fs::write(&last_year, format!("{text}# 补记\n")).unwrap();
    assert!(app.refresh_if_changed().await, "previous: changed");
    assert!(!app.refresh_if_changed().await);
    // A member of a roll-up.
    let app = App::new(&work.path().join("yuanjiang-2023"), None, FONTS.clone()).unwrap();
    assert!(!app.refresh_if_changed().await, "nothing changed yet");
    let member = work.path().join("chapanzhou-2023/report.yaml");
    let text = read(&member);
    std::fs::write(&member, format!("{text}# 补记\n")).unwrap();
    assert!(app.refresh_if_changed().await, "a member changed");
}

#[tokio::test]
async fn a_preview_that_cannot_be_typeset_says_so_in_chinese() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("c");
    common::copy_dir(&common::fixture("chapanzhou-2023"), &dir);
    // The report's own Typst template, broken: the ledger checks, Typst refuses.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/summary.typ.tera"), "#let x = (\n").unwrap();
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    let page = send(&app, get("/")).await.text();
    let start = page
        .find("无法生成总结预览：")
        .expect("the preview's error is named");
    assert!(
        page[start..].starts_with("无法生成总结预览：排版失败："),
        "{}",
        &page[start..start + 200]
    );
}

/// A copy of the zhouji fixture (list sentences, one decimal figure) whose donations
/// declare two places and one of whose values is written `3.00`, and a server for it.
/// A ledger of its own (report.yaml and the one log `activities/2023.yaml`) and a
/// server for it.
fn served_ledger(report: &str, log: &str) -> (tempfile::TempDir, std::path::PathBuf, Arc<App>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("q");
    std::fs::create_dir_all(dir.join("activities")).unwrap();
    std::fs::write(dir.join("report.yaml"), report).unwrap();
    std::fs::write(dir.join("activities/2023.yaml"), log).unwrap();
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    (work, dir, app)
}

fn served_with_two_places() -> (tempfile::TempDir, std::path::PathBuf, Arc<App>) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("z");
    common::copy_dir(&common::fixture("zhouji-2023-fulian"), &dir);
    let report = dir.join("report.yaml");
    std::fs::write(
        &report,
        read(&report).replace("unit: 万元, decimals: 1", "unit: 万元, decimals: 2"),
    )
    .unwrap();
    let log = dir.join("activities/2023-h1.yaml");
    std::fs::write(
        &log,
        read(&log).replace("donations: 1.5 }", "donations: 3.00 }"),
    )
    .unwrap();
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    (work, dir, app)
}

#[tokio::test]
async fn figures_are_printed_with_their_declared_places_as_stats_prints_them() {
    let (_work, dir, app) = served_with_two_places();
    let html = send(&app, get("/")).await.text();
    // The totals: every row as `stats --format csv` prints it.
    let csv = common::cli()
        .args(["stats", "--format", "csv"])
        .arg(&dir)
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let total: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("total,"))
        .unwrap()
        .split(',')
        .collect();
    assert!(total.last().unwrap().ends_with(".80"), "{csv}");
    let cells: String = total[5..].iter().map(|v| format!("<td>{v}</td>")).collect();
    let row = format!(
        "<th scope=\"row\">全年合计</th><td>{}</td>{cells}",
        total[4]
    );
    assert!(html.contains(&row), "{row} in {html}");
    // The list: the value written 3.00 keeps its places; 0.8 gets its second.
    assert!(html.contains("募集善款 3.00万元"), "{html}");
    assert!(html.contains("募集善款 0.80万元"), "{html}");
    assert!(!html.contains("募集善款 3万元"));
    // The month's row too.
    let html = send(&app, get("/?month=11")).await.text();
    assert!(html.contains("<td>0.80</td>"), "{html}");
}

#[tokio::test]
async fn a_figure_with_decimal_places_asks_for_a_keyboard_with_a_point() {
    let (_work, _dir, app) = served_with_two_places();
    let html = send(&app, get("/")).await.text();
    let input = |key: &str| {
        let start = html.find(&format!("name=\"figures.{key}\"")).unwrap();
        html[start..start + html[start..].find('>').unwrap()].to_owned()
    };
    assert!(
        input("donations").contains("inputmode=\"decimal\""),
        "{html}"
    );
    assert!(input("study").contains("inputmode=\"numeric\""), "{html}");
}

#[tokio::test]
async fn the_short_name_for_a_list_sentence_is_added_shown_kept_and_edited() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("z");
    common::copy_dir(&common::fixture("zhouji-2023-fulian"), &dir);
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    let html = send(&app, get("/")).await.text();
    assert!(html.contains("<label for=\"f-name\">简称（列举句里用，可不填）</label>"));
    // The script offers it for the items whose list sentence prints it.
    assert!(
        html.contains("<option value=\"study\" data-figures=\"study\" data-list=\"1\">"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"jobs\" data-figures=\"trainees\" data-list=\"0\">"),
        "{html}"
    );
    // The short names already in the ledger are listed.
    assert!(html.contains("简称：党的二十大学习读书会"), "{html}");
    let answer = add_entry(
        &app,
        &[
            ("date", "2023-12-10"),
            ("item", "study"),
            ("name", " 冬季宣讲会 "),
            ("figures.study", "2"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let log = dir.join("activities/2023-12.yaml");
    assert!(
        read(&log).contains(
            "- date: 2023-12-10\n  item: study\n  name: \"冬季宣讲会\"\n  figures: { study: 2 }\n"
        ),
        "{}",
        read(&log)
    );
    // The summary's list sentence prints it.
    let txt = send(&app, get("/download/txt")).await.text();
    assert!(txt.contains("冬季宣讲会"), "{txt}");
    // The edit form shows the name; an edit keeps what is sent, an emptied name goes.
    let page = send(&app, get("/edit?file=2023-12.yaml&index=0"))
        .await
        .text();
    assert!(
        page.contains("name=\"name\" type=\"text\" value=\"冬季宣讲会\""),
        "{page}"
    );
    let (file, index, version) = edit_fields(&app, "2023-12.yaml", 0).await;
    let edit = |name: &'static str, version: String| {
        let (file, index) = (file.clone(), index.clone());
        let app = app.clone();
        async move {
            edit_entry(
                &app,
                (&file, &index, &version),
                &[
                    ("date", "2023-12-10"),
                    ("item", "study"),
                    ("name", name),
                    ("figures.study", "2"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        edit("冬季理论宣讲会", version).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        read(&log).contains("  name: \"冬季理论宣讲会\"\n"),
        "{}",
        read(&log)
    );
    let (_, _, version) = edit_fields(&app, "2023-12.yaml", 0).await;
    assert_eq!(edit("", version).await.status, StatusCode::SEE_OTHER);
    assert!(!read(&log).contains("name:"), "{}", read(&log));
}

#[tokio::test]
async fn the_item_select_groups_entries_under_their_item_and_names_items_without_words() {
    let (_work, _dir, app) = served_ledger(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
figures:
  events: { label: 活动, unit: 场 }
  talks: { label: 讲座, unit: 场 }
sections:
  - id: work
    title: 主要工作
    items:
      - id: family
        lead: 放大联动效应，丰富新时代家庭工作内涵。
        entries:
          - id: family-events
            lead: 开展家庭教育活动，
            summary: 共{{ events }}场
          - id: family-talks
            summary: \"{{ talks }}场家风讲座\"
      - id: counted
        summary: 全年开展{{ events }}场宣传活动。
",
        "- date: 2023-03-08\n  item: counted\n  figures: { events: 5 }\n- date: 2023-04-08\n  item: family-talks\n  figures: { talks: 2 }\n",
    );
    let html = send(&app, get("/")).await.text();
    let select = &html[html.find("<select id=\"f-item\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    // The item with entries is an optgroup holding the item and its entries.
    let group = &select[select
        .find("<optgroup label=\"放大联动效应，丰富新时代家庭工作内涵。\">")
        .expect(select)..];
    let group = &group[..group.find("</optgroup>").unwrap()];
    let values: Vec<&str> = group
        .split("<option value=\"")
        .skip(1)
        .map(|o| &o[..o.find('"').unwrap()])
        .collect();
    assert_eq!(
        values,
        ["family", "family-events", "family-talks"],
        "{group}"
    );
    // Every option has words: a sentence with its placeholders as ….
    assert!(
        group.contains(">…场家风讲座（family-talks）</option>"),
        "{group}"
    );
    assert!(
        select.contains(">全年开展…（counted）</option>"),
        "{select}"
    );
    assert!(!select[select.find("</optgroup>").unwrap()..].contains("<optgroup"));
    // The list names the item with the same words.
    assert!(
        html.contains("<h4>全年开展…<span class=\"id\">counted</span></h4>"),
        "{html}"
    );
}

#[tokio::test]
async fn a_slip_of_the_input_method_is_explained_for_a_browser_user() {
    let (work, app) = served(None);
    let log = ledger(&work).join("activities/2023-03.yaml");
    std::fs::write(
        &log,
        format!(
            "{}- date： 2023-03-20\n  item: legal-rights\n  text: 普法宣传\n",
            read(&log)
        ),
    )
    .unwrap();
    assert!(app.refresh_if_changed().await);
    let html = send(&app, get("/")).await.text();
    assert!(html.contains("全角冒号"), "{html}");
    assert!(
        html.contains("用文本编辑器（如记事本）打开上面写的文件，到所示的行和列改正这个字符后保存"),
        "{html}"
    );
    assert!(html.contains("也可以在终端里运行 annual-report check --fix 自动改正"));
    assert!(!html.contains("check --fix 可以自动改正"), "{html}");
}

#[tokio::test]
async fn a_missing_directory_is_offered_a_new_ledger_and_a_busy_one_is_not() {
    let work = tempfile::tempdir().unwrap();
    let missing = work.path().join("新台账");
    let app = App::new(&missing, None, FONTS.clone()).unwrap();
    let page = send(&app, get("/")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("这个目录里还没有台账") && text.contains("工会"),
        "{text}"
    );
    assert!(!missing.exists(), "nothing is made before the clerk asks");
    let csrf = app.csrf().to_owned();
    let bad_year = send(
        &app,
        post(
            "/setup",
            &[
                ("csrf", csrf.as_str()),
                ("preset", "gonghui"),
                ("name", "新河镇工会"),
                ("year", "24"),
            ],
        ),
    )
    .await;
    assert_eq!(bad_year.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_year.text().contains("不是年度") && bad_year.text().contains("新河镇工会"));
    let made = send(
        &app,
        post(
            "/setup",
            &[
                ("csrf", csrf.as_str()),
                ("preset", "gonghui"),
                ("name", "新河镇工会"),
                ("year", "２０２４"),
            ],
        ),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    assert!(read(&missing.join("report.yaml")).contains("name: 新河镇工会"));
    let structure = send(&app, get("/structure?done=created")).await.text();
    assert!(structure.contains("台账已建立"), "{structure}");
    let summary = send(&app, get("/download/md")).await;
    assert_eq!(
        summary.status,
        StatusCode::OK,
        "the new ledger builds at once"
    );
    assert!(summary.text().contains("2024年新河镇工会工作总结"));
    // A directory holding other files is not taken for an empty one.
    let busy = work.path().join("文件夹");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("笔记.txt"), "x").unwrap();
    let error = App::new(&busy, None, FONTS.clone())
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("里面没有 report.yaml，但有别的文件"),
        "{error}"
    );
    let file = busy.join("笔记.txt");
    let error = App::new(&file, None, FONTS.clone())
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("是一个文件，不是目录"), "{error}");
}

#[tokio::test]
async fn the_date_hint_never_names_year_zero() {
    let (work, app) = served(None);
    let report = ledger(&work).join("report.yaml");
    let good = read(&report);
    // Broken after a good reading: the year of that reading.
    std::fs::write(&report, format!("{good}\nsections: [\n")).unwrap();
    assert!(app.refresh_if_changed().await);
    let html = send(&app, get("/")).await.text();
    assert!(
        html.contains("写作 2023-03-08、2023/3/8 或 2023年3月8日"),
        "{html}"
    );
    // Broken from the start: a hint without a year.
    let app = App::new(&ledger(&work), None, FONTS.clone()).unwrap();
    let html = send(&app, get("/")).await.text();
    assert!(
        !html.contains("0-03-08") && !html.contains(" 0年"),
        "{html}"
    );
    assert!(
        html.contains("写作 年-月-日、年/月/日 或 某年某月某日"),
        "{html}"
    );
    assert!(html.contains("placeholder=\"年-月-日\""), "{html}");
}

#[test]
fn a_port_in_use_is_said_before_the_fonts_are_loaded_or_the_page_built() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("c");
    common::copy_dir(&common::fixture("chapanzhou-2023"), &dir);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let built = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = built.clone();
    let options = annual_report::serve::ServeOptions {
        dir,
        listen: taken.local_addr().unwrap(),
        token: None,
        fonts: Box::new(move || {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            FONTS.clone()
        }),
    };
    let error = annual_report::serve::run(options, |_| panic!("no server may start"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("这个端口已被占用"), "{error}");
    assert!(
        !built.load(std::sync::atomic::Ordering::SeqCst),
        "nothing is built before the address is taken"
    );
}

/// The version of report.yaml the structure page shows in its forms.
fn shape_version(page: &str) -> String {
    let at = page
        .find("name=\"version\" value=\"")
        .expect("a form with the version");
    let rest = &page[at + "name=\"version\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn post_shape(app: &Arc<App>, fields: &[(&str, &str)]) -> Answer {
    let page = send(app, get("/structure")).await.text();
    let version = shape_version(&page);
    let csrf = app.csrf().to_owned();
    let mut all = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    all.extend_from_slice(fields);
    send(app, post("/structure", &all)).await
}

#[tokio::test]
async fn the_structure_page_shows_the_report_as_it_prints() {
    let (_work, app) = served(None);
    let page = send(&app, get("/structure")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for shown in [
        "一、",
        "报告结构",
        // A sentence shows its figures by their labels, not as {{ key }}.
        "一年来，镇妇联接待妇女来访〔接待妇女来访〕件，〔来访人次〕余人次。",
        "11 条活动",
    ] {
        assert!(text.contains(shown), "{shown}");
    }
    assert!(!text.contains("{{ visits }}"));
    let home = send(&app, get("/")).await.text();
    assert!(
        home.contains("href=\"/structure\""),
        "the page links to the structure view"
    );
}

#[tokio::test]
async fn an_item_edited_on_the_page_changes_its_own_lines_only() {
    let (work, app) = served(None);
    let report = ledger(&work).join("report.yaml");
    let before = read(&report);
    let version = app.version();
    let answer = post_shape(
        &app,
        &[
            ("action", "save"),
            ("path", "sections.2.items.0"),
            (
                "summary",
                "全年接待妇女来访〔接待妇女来访〕件，来访〔来访人次〕人次。",
            ),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let after = read(&report);
    // Byte for byte the old file but for the one line.
    assert_eq!(
        after,
        before.replace(
            "        summary: 一年来，镇妇联接待妇女来访{{ visits }}件，{{ visitors }}余人次。\n",
            "        summary: 全年接待妇女来访{{ visits }}件，来访{{ visitors }}人次。\n"
        )
    );
    assert!(app.version() > version, "the preview was rebuilt");
    let summary = send(&app, get("/download/md")).await.text();
    assert!(summary.contains("全年接待妇女来访"), "{summary}");
}

#[tokio::test]
async fn sections_and_items_are_added_moved_and_renamed() {
    let (work, app) = served(None);
    let report = ledger(&work).join("report.yaml");
    let added = post_shape(
        &app,
        &[
            ("action", "add-section"),
            ("path", ""),
            ("title", "加强自身建设"),
            ("item_title", ""),
            ("item_text", "健全妇联组织。"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let item = post_shape(
        &app,
        &[
            ("action", "add-item"),
            ("path", "sections.4"),
            ("title", ""),
            ("text", ""),
        ],
    )
    .await;
    // An item that would print nothing is refused, with the check's reason.
    assert_eq!(item.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        item.text().contains("既没有固定文字也没有活动"),
        "{}",
        item.text()
    );
    let item = post_shape(
        &app,
        &[
            ("action", "add-item"),
            ("path", "sections.4"),
            ("title", ""),
            ("text", "开展“巾帼建功”活动。"),
        ],
    )
    .await;
    assert_eq!(item.status, StatusCode::SEE_OTHER, "{}", item.text());
    let text = read(&report);
    assert!(
        text.contains("  - id: section-1\n    title: 加强自身建设\n    items:\n      - id: item-1\n        text: 健全妇联组织。\n      - id: item-2\n        text: 开展“巾帼建功”活动。\n"),
        "{text}"
    );
    let moved = post_shape(&app, &[("action", "up"), ("path", "sections.4")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let text = read(&report);
    assert!(text.find("id: section-1").unwrap() < text.find("id: volunteering").unwrap());
    let summary = send(&app, get("/download/md")).await.text();
    assert!(summary.contains("四、加强自身建设"), "{summary}");
    assert!(summary.contains("五、"), "{summary}");
    let renamed = post_shape(
        &app,
        &[
            ("action", "save"),
            ("path", "sections.3"),
            ("title", "从严加强自身建设"),
        ],
    )
    .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert!(read(&report).contains("    title: 从严加强自身建设\n"));
}

#[tokio::test]
async fn a_part_still_in_use_or_a_stale_page_is_refused_and_nothing_is_written() {
    let (work, app) = served(None);
    let report = ledger(&work).join("report.yaml");
    let before = read(&report);
    let in_use = post_shape(
        &app,
        &[("action", "delete"), ("path", "sections.2.items.0")],
    )
    .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
    assert!(
        in_use.text().contains("还有 11 条活动"),
        "{}",
        in_use.text()
    );
    let figure = post_shape(
        &app,
        &[("action", "delete-figure"), ("path", ""), ("key", "visits")],
    )
    .await;
    assert_eq!(figure.status, StatusCode::CONFLICT);
    assert!(figure.text().contains("接待妇女来访"));
    let unknown = post_shape(
        &app,
        &[
            ("action", "save"),
            ("path", "sections.2.items.0"),
            ("summary", "共〔培训人数〕人。"),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.text().contains("〔培训人数〕") && unknown.text().contains("〔来访人次〕"));
    let invalid = post_shape(
        &app,
        &[
            ("action", "save-document"),
            ("path", ""),
            ("organization", "茶盘洲镇妇联"),
            ("date", "2024-02-30"),
        ],
    )
    .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.text()
    );
    assert_eq!(read(&report), before);
    let csrf = app.csrf().to_owned();
    let stale = send(
        &app,
        post(
            "/structure",
            &[
                ("csrf", csrf.as_str()),
                ("version", "0000"),
                ("action", "save"),
                ("path", "sections.0"),
                ("title", "新"),
            ],
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(read(&report), before);
    let foreign = send(
        &app,
        post(
            "/structure",
            &[
                ("version", "x"),
                ("action", "save"),
                ("path", "sections.0"),
                ("title", "新"),
            ],
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}

/// The walk: from `serve` alone, a 工会 ledger made, its report shaped (three
/// sections of two items, a sentence with figures), twenty activities recorded, and a
/// summary downloaded in which no section has a lone （一）.
#[tokio::test]
async fn a_clerk_who_never_sees_yaml_makes_a_whole_summary_from_the_page() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("新河镇工会");
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    let csrf = app.csrf().to_owned();
    let made = send(
        &app,
        post(
            "/setup",
            &[
                ("csrf", csrf.as_str()),
                ("preset", "gonghui"),
                ("name", "新河镇工会"),
                ("year", "2024"),
            ],
        ),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    // Three sections: the one without activities goes.
    let gone = post_shape(&app, &[("action", "delete"), ("path", "sections.1")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.text());
    let sentence = post_shape(
        &app,
        &[
            ("action", "save"),
            ("path", "sections.1.items.1"),
            (
                "summary",
                "全年开展技能培训，培训职工〔职工技能培训〕人次。",
            ),
        ],
    )
    .await;
    assert_eq!(
        sentence.status,
        StatusCode::SEE_OTHER,
        "{}",
        sentence.text()
    );
    for n in 0..20 {
        let date = format!("2024-{:02}-{:02}", n % 12 + 1, n + 1);
        let answer = add_entry(
            &app,
            &[
                ("date", date.as_str()),
                ("item", "skills"),
                ("text", &format!("举办第{}期职工技能培训班", n + 1)),
                ("figures.trained", "10"),
            ],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{n}: {}",
            answer.text()
        );
    }
    let summary = send(&app, get("/download/md")).await.text();
    assert!(summary.contains("培训职工240人次"), "{summary}");
    let blocks = common::markdown_blocks(&summary);
    let sections: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| ["一、", "二、", "三、"].iter().any(|n| b.starts_with(n)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(sections.len(), 3, "{blocks:#?}");
    for window in sections
        .windows(2)
        .map(|w| (w[0], w[1]))
        .chain([(sections[2], blocks.len())])
    {
        let inside = &blocks[window.0..window.1];
        let first = inside.iter().filter(|b| b.starts_with("（一）")).count();
        let second = inside.iter().filter(|b| b.starts_with("（二）")).count();
        assert!(first == 1 && second == 1, "{inside:#?}");
    }
    assert!(
        !read(&dir.join("report.yaml")).contains("rights"),
        "the section is gone"
    );
}

#[tokio::test]
async fn an_empty_date_asks_for_one_and_a_figure_may_carry_its_unit() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let before = logs(&dir);
    let entry = |date| {
        [
            ("date", date),
            ("item", "legal-rights"),
            ("text", "来访接待"),
            ("figures.visits", "3件"),
        ]
    };
    let answer = add_entry(&app, &entry("")).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text();
    assert!(html.contains("请填写日期"), "{html}");
    assert!(!html.contains("不是有效的日期"), "{html}");
    assert_eq!(logs(&dir), before);
    let answer = add_entry(&app, &entry("2023-12-20")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let december = read(&dir.join("activities/2023-12.yaml"));
    assert!(december.contains("figures: { visits: 3 }"), "{december}");
}
