//! `serve` and the other writers under hostile input: links out of the ledger, other
//! web sites reading the costly routes, forged forms that would amplify the answer,
//! weak or wrong tokens, control characters in any field, a form sent twice.

use crate::common;
use crate::serve::{FONTS, HOST, add_entry, get, ledger, logs, read, send, served};

use annual_report::serve::App;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{cli, copy_dir, fixture, text};
use std::path::{Path, PathBuf};

/// A copy of the chapanzhou ledger whose August log is a link to a file outside it
/// (holding the real August log, so the ledger reads as before); the outside file.
#[cfg(unix)]
fn ledger_with_a_link_out(work: &Path) -> (PathBuf, PathBuf) {
    let dir = work.join("c");
    copy_dir(&fixture("chapanzhou-2023"), &dir);
    let outside = work.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let victim = outside.join("victim.yaml");
    std::fs::rename(dir.join("activities/2023-08.yaml"), &victim).unwrap();
    std::os::unix::fs::symlink(
        "../../outside/victim.yaml",
        dir.join("activities/2023-08.yaml"),
    )
    .unwrap();
    (dir, victim)
}

/// An activity of August, whose log is the link.
#[cfg(unix)]
const AUGUST: [(&str, &str); 3] = [
    ("date", "2023-08-10"),
    ("item", "legal-rights"),
    ("text", "开展普法宣传"),
];

#[cfg(unix)]
#[tokio::test]
async fn the_page_never_writes_through_a_link_out_of_the_ledger() {
    let work = tempfile::tempdir().unwrap();
    let (dir, victim) = ledger_with_a_link_out(work.path());
    let before = read(&victim);
    let app = App::new(&dir, None, FONTS.clone()).unwrap();
    let answer = add_entry(&app, &AUGUST).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert!(answer.text().contains("台账目录之外"), "{}", answer.text());
    assert_eq!(read(&victim), before, "the outside file was written");

    // A lock file planted as a link: nothing is created where it points.
    let planted = work.path().join("outside/created-by-the-lock");
    std::fs::remove_file(dir.join("activities/2023-08.yaml")).unwrap();
    std::fs::copy(&victim, dir.join("activities/2023-08.yaml")).unwrap();
    let _ = std::fs::remove_file(dir.join(".annual-report.lock"));
    std::os::unix::fs::symlink(&planted, dir.join(".annual-report.lock")).unwrap();
    let answer = add_entry(&app, &AUGUST).await;
    assert_ne!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert!(answer.text().contains("锁文件"), "{}", answer.text());
    assert!(!planted.exists(), "the lock's link target was created");
}

#[cfg(unix)]
#[test]
fn new_import_and_check_fix_never_write_through_a_link_out_of_the_ledger() {
    let work = tempfile::tempdir().unwrap();
    let (dir, victim) = ledger_with_a_link_out(work.path());
    // A half-width comma in Chinese text: a slip `check --fix` repairs.
    let mut slipped = read(&victim);
    slipped.push_str("- date: 2023-08-30\n  item: legal-rights\n  text: 开展宣传,发放资料\n");
    std::fs::write(&victim, &slipped).unwrap();
    let new = cli()
        .arg("new")
        .arg(&dir)
        .args([
            "--date",
            "2023-08-10",
            "--item",
            "legal-rights",
            "--text",
            "普法",
        ])
        .output()
        .unwrap();
    assert_eq!(new.status.code(), Some(1), "{}", text(&new.stderr));
    assert!(
        text(&new.stderr).contains("台账目录之外"),
        "{}",
        text(&new.stderr)
    );
    let sheet = work.path().join("台账.csv");
    std::fs::write(
        &sheet,
        "日期,条目,活动内容\n2023-08-11,legal-rights,来访接待\n",
    )
    .unwrap();
    let import = cli().arg("import").arg(&sheet).arg(&dir).output().unwrap();
    assert_eq!(import.status.code(), Some(1), "{}", text(&import.stderr));
    assert!(
        text(&import.stderr).contains("台账目录之外"),
        "{}",
        text(&import.stderr)
    );
    let fix = cli().args(["check", "--fix"]).arg(&dir).output().unwrap();
    assert_eq!(fix.status.code(), Some(1), "{}", text(&fix.stderr));
    assert!(
        text(&fix.stderr).contains("台账目录之外"),
        "{}",
        text(&fix.stderr)
    );
    assert_eq!(read(&victim), slipped, "the outside file was written");
}

/// A copy of the chapanzhou ledger.
fn chapanzhou() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), dir.path());
    dir
}

/// A GET of `path` with the fetch metadata and referer a browser would send.
fn fetched(path: &str, site: Option<&str>, referer: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header(header::HOST, HOST);
    if let Some(site) = site {
        request = request.header("sec-fetch-site", site);
    }
    if let Some(referer) = referer {
        request = request.header(header::REFERER, referer);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn other_web_sites_cannot_make_the_server_typeset() {
    let (_work, app) = served(None);
    let own = format!("http://{HOST}/");
    for path in ["/download/pdf", "/download/png?page=1", "/preview/pages/1"] {
        for (site, referer) in [
            (Some("cross-site"), Some("https://evil.example/")),
            (Some("same-site"), Some("http://127.0.0.1:9999/")),
            (None, Some("https://evil.example/page")),
        ] {
            let answer = send(&app, fetched(path, site, referer)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} {site:?}");
            assert!(answer.text().contains("其他网站"), "{path}");
        }
    }
    // The page itself, the address bar, and a client that sends neither.
    for (site, referer) in [
        (Some("same-origin"), Some(own.as_str())),
        (Some("none"), None),
        (None, Some(own.as_str())),
        (None, None),
    ] {
        let answer = send(&app, fetched("/preview/pages/1", site, referer)).await;
        assert_eq!(answer.status, StatusCode::OK, "{site:?} {referer:?}");
    }
    // The page's own routes that typeset nothing are not refused.
    let answer = send(&app, fetched("/", Some("cross-site"), None)).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn a_forged_form_of_unknown_fields_gets_one_short_answer() {
    let (work, app) = served(None);
    let before = logs(&ledger(&work));
    let mut body = format!(
        "csrf={}&date=2023-03-20&item=legal-rights&text=%E6%99%AE%E6%B3%95",
        app.csrf()
    );
    let fields = 80_000;
    for _ in 0..fields {
        body.push_str("&figures.zz=1");
    }
    assert!(body.len() < annual_report::serve::MAX_BODY_BYTES);
    let request = Request::post("/activities")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let answer = send(&app, request).await;
    println!(
        "answer to {fields} unknown fields: {} bytes",
        answer.body.len()
    );
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.text().contains(&format!("共 {fields} 个")),
        "{}",
        answer.text()
    );
    assert_eq!(answer.text().matches("figures.zz").count(), 1);
    assert!(answer.body.len() < 200_000, "{} bytes", answer.body.len());
    assert_eq!(logs(&ledger(&work)), before);
}

#[test]
fn weak_tokens_are_refused_at_start() {
    let (work, _app) = served(None);
    let dir = ledger(&work);
    for weak in [
        "aaaaaaaa",
        "aaaaaaaaaaaaaaaa",
        "abcdefghijklmnop",
        "2023202320232023",
        "short-Token1",
        "aAaAaAaAaAaAaAaA",
    ] {
        assert!(
            App::new(&dir, Some(weak.into()), FONTS.clone()).is_err(),
            "{weak}"
        );
    }
    assert!(App::new(&dir, Some("office-2023-token".into()), FONTS.clone()).is_ok());
    let serve = cli()
        .arg("serve")
        .arg(&dir)
        .args(["--token", "aaaaaaaa", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    // A command-line mistake: exit code 2.
    assert_eq!(serve.status.code(), Some(2), "{}", text(&serve.stderr));
    assert!(
        text(&serve.stderr).contains("至少 16 个字符"),
        "{}",
        text(&serve.stderr)
    );
}

#[tokio::test]
async fn a_wrong_token_is_answered_after_a_pause_and_the_cookie_is_per_port() {
    let token = "office-2023-token";
    let (_work, app) = served(Some(token));
    let host = "192.168.1.5:8080";
    let ask = |cookie: &str| {
        Request::get("/version")
            .header(header::HOST, host)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    let started = std::time::Instant::now();
    let wrong = send(&app, ask("annual_report_token_8080=office-2023-tokeX")).await;
    let paused = started.elapsed();
    println!("wrong token answered after {paused:?}");
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        paused >= std::time::Duration::from_millis(250),
        "{paused:?}"
    );
    // Another port's cookie (another server on this computer) is not this one's.
    let other_port = send(&app, ask(&format!("annual_report_token_9090={token}"))).await;
    assert_eq!(other_port.status, StatusCode::UNAUTHORIZED);
    let right = send(&app, ask(&format!("annual_report_token_8080={token}"))).await;
    assert_eq!(right.status, StatusCode::OK);
    let first = send(
        &app,
        Request::get(format!("/?token={token}"))
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let cookie = first.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("annual_report_token_8080="), "{cookie}");
}

#[tokio::test]
async fn any_loopback_address_is_this_computer() {
    let (_work, app) = served(None);
    for host in [
        "127.0.0.2:8080",
        "127.1.2.3",
        "LOCALHOST:8080",
        "[::1]:8080",
    ] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.status, StatusCode::OK, "{host}");
    }
    for host in ["128.0.0.1:8080", "127.0.0.1.evil.example", "192.168.1.5"] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            send(&app, request).await.status,
            StatusCode::FORBIDDEN,
            "{host}"
        );
    }
}

#[tokio::test]
async fn control_characters_are_refused_in_every_field_of_the_form() {
    let (work, app) = served(None);
    let before = logs(&ledger(&work));
    for c in ['\u{0}', '\u{1b}', '\u{85}', '\u{7f}', '\u{90}'] {
        let place = format!("镇文化{c}广场");
        let answer = add_entry(
            &app,
            &[
                ("date", "2023-03-20"),
                ("item", "legal-rights"),
                ("text", "开展普法宣传"),
                ("place", &place),
            ],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "U+{:04X}: {}",
            c as u32,
            answer.text()
        );
        assert!(
            answer.text().contains(&format!("U+{:04X}", c as u32)),
            "U+{:04X}: {}",
            c as u32,
            answer.text()
        );
    }
    assert_eq!(logs(&ledger(&work)), before);
}

#[test]
fn a_character_yaml_does_not_allow_is_named_not_taken_for_indentation() {
    for c in ['\u{7f}', '\u{90}', '\u{ffff}', '\u{1b}'] {
        let dir = chapanzhou();
        let log = dir.path().join("activities/2023-03.yaml");
        let text = read(&log).replacen("place: ", &format!("place: 镇{c}"), 1);
        assert!(text.contains(c), "the fixture has a place");
        std::fs::write(&log, text).unwrap();
        let check = cli().arg("check").arg(dir.path()).output().unwrap();
        let stderr = common::text(&check.stderr);
        assert_eq!(check.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("E033"), "U+{:04X}: {stderr}", c as u32);
        assert!(stderr.contains(&format!("U+{:04X}", c as u32)), "{stderr}");
        assert!(!stderr.contains("缩进"), "U+{:04X}: {stderr}", c as u32);
        assert!(stderr.contains("2023-03.yaml:5:"), "{stderr}");
    }
}

#[tokio::test]
async fn the_same_add_form_sent_twice_adds_one_entry() {
    let (work, app) = served(None);
    let dir = ledger(&work);
    let page = send(&app, get("/")).await.text();
    let key = page
        .split("name=\"submission\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the add form carries its key")
        .to_owned();
    let fields = [
        ("submission", key.as_str()),
        ("date", "2023-03-21"),
        ("item", "legal-rights"),
        ("text", "开展一次只该记一次的普法宣传"),
    ];
    let count = || {
        logs(&dir)
            .iter()
            .map(|(_, text)| text.matches("开展一次只该记一次的普法宣传").count())
            .sum::<usize>()
    };
    // The first answer lost (the server killed before it reached the browser): the
    // browser sends the form again, and a later server process gets it.
    assert_eq!(add_entry(&app, &fields).await.status, StatusCode::SEE_OTHER);
    let restarted = App::new(&dir, None, FONTS.clone()).unwrap();
    assert_eq!(
        add_entry(&restarted, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(), 1);
    // A new page has a new key: the same words again are a second activity.
    let page = send(&restarted, get("/")).await.text();
    assert!(!page.contains(&key), "a fresh key after the add");
    let mut again = fields;
    again[0].1 = "0123456789abcdef0123456789abcdef";
    assert_eq!(
        add_entry(&restarted, &again).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(), 2);
}

#[test]
fn a_key_journalled_without_its_entry_does_not_stop_the_add() {
    // A crash between the journal and the log: the key is there, the entry is not.
    let dir = chapanzhou();
    let entry = annual_report::ledger::entry::NewEntry {
        date: "2023-03-21".into(),
        item: "legal-rights".into(),
        text: "开展普法宣传".into(),
        ..Default::default()
    };
    let key = "fedcba9876543210fedcba9876543210";
    let journal = dir
        .path()
        .join(annual_report::ledger::entry::submissions::JOURNAL_FILE);
    std::fs::write(
        &journal,
        format!(
            "{{\"key\":\"{key}\",\"file\":{:?},\"yaml\":\"- date: 2023-03-21\\n  item: legal-rights\\n  text: 开展普法宣传\\n\"}}\n",
            dir.path().join("activities/2023-03.yaml")
        ),
    )
    .unwrap();
    annual_report::ledger::entry::add_submitted(dir.path(), &entry, key).unwrap();
    annual_report::ledger::entry::add_submitted(dir.path(), &entry, key).unwrap();
    let log = read(&dir.path().join("activities/2023-03.yaml"));
    assert_eq!(log.matches("开展普法宣传").count(), 1, "{log}");
}
