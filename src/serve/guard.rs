//! Who may use the page: on this computer only unless a token is set; with a token,
//! every request carries it (once in the address, then an HttpOnly SameSite=Strict
//! cookie, or a header for scripts). A POST must come from the page itself: its
//! Origin (or Referer) is the page's own, and its form carries the server's CSRF token.
//! Every answer forbids framing by other sites and sniffing of types.

use super::App;
use super::view;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The cookie that carries the token after the first visit, followed by the port:
/// browsers keep one cookie jar per host whatever the port, so two servers on one
/// computer would otherwise overwrite each other's token.
pub(crate) const COOKIE: &str = "annual_report_token";
/// The header a script may send the token in.
pub(crate) const HEADER: &str = "x-annual-report-token";
/// The query parameter of the address printed at start.
const QUERY: &str = "token";

/// Equal strings, compared in time that does not depend on where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A token of 32 hexadecimal digits from the system's random source. Without
/// randomness there is no safe token: the server does not start then.
pub(crate) fn generate_token() -> Result<String, super::ServeError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| super::ServeError::NoRandomness(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The shortest token accepted on the command line.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Whether a token given on the command line is hard enough to guess and can travel
/// in a cookie and an address unchanged: at least [`MIN_TOKEN_CHARS`] characters of
/// letters, digits, `-` and `_`, from at least two of the classes lower-case letters,
/// capitals, digits and `-`/`_` (so `aaaaaaaaaaaaaaaa` or a date is refused).
pub fn token_is_usable(token: &str) -> bool {
    let allowed = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let classes = [
        token.bytes().any(|b| b.is_ascii_lowercase()),
        token.bytes().any(|b| b.is_ascii_uppercase()),
        token.bytes().any(|b| b.is_ascii_digit()),
        token.bytes().any(|b| b == b'-' || b == b'_'),
    ];
    let distinct: std::collections::BTreeSet<u8> = token.bytes().collect();
    allowed
        && token.len() >= MIN_TOKEN_CHARS
        && classes.iter().filter(|c| **c).count() >= 2
        && distinct.len() >= 4
}

/// The pause before answering a wrong token: a quarter second more for each wrong
/// one in a row, at most two seconds, so guessing is slow and a clerk who mistyped
/// waits a moment only.
fn wrong_token_pause(failures_in_a_row: u32) -> std::time::Duration {
    std::time::Duration::from_millis(250 * u64::from(failures_in_a_row.clamp(1, 8)))
}

/// What the guard makes of a request.
enum Verdict {
    /// Let it through to the routes.
    Pass,
    /// Answer it here.
    Answer(Response),
    /// It carried a wrong token: answer after a pause.
    WrongToken,
}

/// The middleware in front of every route.
pub(crate) async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = match check(&app, &request) {
        Verdict::Answer(answer) => answer,
        Verdict::Pass => next.run(request).await,
        Verdict::WrongToken => {
            let failures = app.wrong_tokens.fetch_add(1, Ordering::Relaxed) + 1;
            tokio::time::sleep(wrong_token_pause(failures)).await;
            unauthorized()
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
        ));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The answer to a request that does not reach the routes: a refusal of one from the
/// wrong place or without the token, or, for the first visit with the token in the
/// address, the cookie and the address without it. `None` lets the request through.
fn check(app: &App, request: &Request) -> Verdict {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if app.token.is_none() && !is_loopback_host(host) {
        // Without a token only this computer may use the page; a page of another site
        // that resolves its name to 127.0.0.1 sends its own name as Host.
        return Verdict::Answer(refuse(
            StatusCode::FORBIDDEN,
            "只能在本机打开这个页面",
            "服务器没有设置访问口令，所以只接受本机（127.0.0.1 或 localhost）的访问。要在办公网内共用，请用 --listen 0.0.0.0:8080 启动，并使用启动时显示的带口令的地址。",
        ));
    }
    if request.method() == Method::POST && !same_origin(headers, host) {
        return Verdict::Answer(refuse(
            StatusCode::FORBIDDEN,
            "已拒绝来自其他网站的提交",
            "这次提交不是从本页面发出的（来源地址不符），为防止别的网站冒用您的身份修改台账，没有处理。请在本页面上重新操作。",
        ));
    }
    if is_costly(request.uri().path()) && !fetched_by_the_page(headers, host) {
        // An <img> on any web site could otherwise make this computer typeset.
        return Verdict::Answer(refuse(
            StatusCode::FORBIDDEN,
            "已拒绝来自其他网站的请求",
            "预览和下载只能从本页面打开（这次请求来自别的网站），为防止别的网站占用这台电脑排版，没有处理。请在本页面上点击预览或下载。",
        ));
    }
    let Some(token) = &app.token else {
        return Verdict::Pass;
    };
    let cookie = cookie_name(host);
    if let Some(given) = query_token(request) {
        if !same_secret(&given, token) {
            return Verdict::WrongToken;
        }
        app.wrong_tokens.store(0, Ordering::Relaxed);
        return Verdict::Answer(with_cookie(request, token, &cookie));
    }
    let given = cookie_token(headers, &cookie).or_else(|| {
        headers
            .get(HEADER)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
    });
    match given {
        Some(given) if same_secret(&given, token) => {
            app.wrong_tokens.store(0, Ordering::Relaxed);
            Verdict::Pass
        }
        Some(_) => Verdict::WrongToken,
        None => Verdict::Answer(unauthorized()),
    }
}

/// The token cookie's name for the server `host` (a Host header) names: the base
/// name and the port, 80 when the Host has none.
pub(crate) fn cookie_name(host: &str) -> String {
    let port = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            port
        }
        _ => "80",
    };
    format!("{COOKIE}_{port}")
}

/// Whether `path` makes the server typeset or draw (a download, a preview page or
/// image): worth refusing to other web sites even when they only read.
fn is_costly(path: &str) -> bool {
    path.starts_with("/download/") || path.starts_with("/preview/")
}

/// Whether a GET comes from the page itself or the address bar: a browser says so in
/// Sec-Fetch-Site (same-origin, or none for a typed address or a bookmark); one that
/// does not send it is judged by its Referer, which must then be this server's when
/// there is one. A client with neither (a script, curl) is let through: with a token,
/// it must still carry the token.
fn fetched_by_the_page(headers: &HeaderMap, host: &str) -> bool {
    let site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    match site {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => headers
            .get(header::REFERER)
            .and_then(|h| h.to_str().ok())
            .is_none_or(|referer| is_own_address(referer, host)),
    }
}

/// Whether `address` is this server's own (`http://host` or below it).
fn is_own_address(address: &str, host: &str) -> bool {
    let own = format!("http://{host}");
    address == own || address.starts_with(&format!("{own}/"))
}

/// Whether `host` (a Host header) names this computer: `localhost` or any loopback
/// address (127.0.0.0/8, ::1), with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether a POST comes from the page itself: its Origin, else its Referer, is this
/// server's address. A request with neither (not a browser's) still needs the CSRF
/// token of the form.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|h| h.to_str().ok());
    match (origin, referer) {
        (Some(origin), _) => origin == format!("http://{host}"),
        (None, Some(referer)) => is_own_address(referer, host),
        (None, None) => true,
    }
}

fn query_token(request: &Request) -> Option<String> {
    let query = request.uri().query()?;
    url_pairs(query)
        .into_iter()
        .find(|(k, _)| k == QUERY)
        .map(|(_, v)| v)
}

fn cookie_token(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_owned())
}

/// The pairs of a query string, decoded.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{query}").parse().unwrap_or_default(),
    )
    .map(|q| q.0)
    .unwrap_or_default()
}

/// The same address without its token, with the cookie set: the token then leaves
/// the address bar and the browser's history.
fn with_cookie(request: &Request, token: &str, cookie: &str) -> Response {
    let rest: Vec<String> = request
        .uri()
        .query()
        .map(url_pairs)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != QUERY)
        .map(|(k, v)| format!("{}={}", super::url::encode(&k), super::url::encode(&v)))
        .collect();
    let mut location = request.uri().path().to_owned();
    if !rest.is_empty() {
        location.push('?');
        location.push_str(&rest.join("&"));
    }
    let cookie = format!("{cookie}={token}; HttpOnly; SameSite=Strict; Path=/");
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    response
}

fn unauthorized() -> Response {
    refuse(
        StatusCode::UNAUTHORIZED,
        "需要访问口令",
        "这个页面设置了访问口令。请使用启动 annual-report serve 时显示的完整地址（含 ?token=…）打开，或向管理台账的同事索取。",
    )
}

/// A refusal as a small Chinese page.
pub(crate) fn refuse(status: StatusCode, title: &str, detail: &str) -> Response {
    (status, view::notice(title, detail)).into_response()
}
