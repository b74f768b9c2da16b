//! The connections: accepted one by one and served with hyper, so that a client that
//! sends nothing, sends its request slowly or promises a body it never sends cannot
//! hold the server. A request's head must arrive within [`HEADER_TIMEOUT`] (also the
//! longest a kept-alive connection waits for its next request), its body within
//! [`BODY_TIMEOUT`]; at most [`MAX_CONNECTIONS`] are open, and a connection over the
//! cap makes room by closing the one idle longest (a request in progress is never
//! cut), else it is closed at once.

use super::guard::refuse;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// The longest wait for a request's head (the request line and headers), from the
/// connection's opening or the end of its last answer.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait for a request's whole body once its head has arrived (1 MiB at
/// 100 KiB/s: far slower than any office network).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once. A few clerks' browsers open a handful each.
pub const MAX_CONNECTIONS: usize = 256;
/// Pause after an accept that failed (no file descriptor left, say), so that the
/// loop does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// One open connection, as the cap sees it.
struct Connection {
    /// Requests in progress on it.
    busy: AtomicUsize,
    /// When its last request ended (or it was opened).
    idle_since: Mutex<Instant>,
    /// Told to close (it was idle longest when another connection needed room).
    close: Notify,
}

impl Connection {
    fn idle_since(&self) -> Instant {
        *self
            .idle_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Every open connection, by the order it was accepted.
#[derive(Default)]
struct Connections {
    next: u64,
    open: BTreeMap<u64, Arc<Connection>>,
}

impl Connections {
    /// Registers a new connection when there is room, making room by closing the
    /// connection idle longest; `None` when every connection is busy.
    fn admit(&mut self) -> Option<(u64, Arc<Connection>)> {
        if self.open.len() >= MAX_CONNECTIONS {
            let (&oldest, _) = self
                .open
                .iter()
                .filter(|(_, c)| c.busy.load(Ordering::SeqCst) == 0)
                .min_by_key(|(_, c)| c.idle_since())?;
            if let Some(evicted) = self.open.remove(&oldest) {
                evicted.close.notify_one();
            }
        }
        let connection = Arc::new(Connection {
            busy: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            close: Notify::new(),
        });
        self.next += 1;
        self.open.insert(self.next, connection.clone());
        Some((self.next, connection))
    }
}

/// Serves `router` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, router: Router) {
    let connections = Arc::new(Mutex::new(Connections::default()));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(ACCEPT_BACKOFF).await;
            continue;
        };
        let admitted = connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .admit();
        // Over the cap with every connection busy: closed at once (dropped).
        let Some((id, connection)) = admitted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            serve_connection(stream, router, &connection).await;
            connections
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .open
                .remove(&id);
        });
    }
}

/// One connection, until the client closes it, a timeout ends it, or the cap
/// closes it while it is idle.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    connection: &Arc<Connection>,
) {
    let tower = TowerToHyperService::new(router);
    let counted = connection.clone();
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let tower = tower.clone();
        let counted = counted.clone();
        counted.busy.fetch_add(1, Ordering::SeqCst);
        async move {
            let answer = hyper::service::Service::call(&tower, request).await;
            *counted
                .idle_since
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
            counted.busy.fetch_sub(1, Ordering::SeqCst);
            answer
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        // Dropping the connection closes it; it is idle, so no answer is cut.
        () = connection.close.notified() => {}
    }
}

/// The middleware that reads a request's body within [`BODY_TIMEOUT`] (and refuses
/// one longer than `limit` by its declared length, unread), before any route sees it.
pub(crate) async fn read_body(request: Request, next: Next, limit: usize) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return closing(super::routes::too_large());
    }
    if declared.is_none_or(|length| length == 0)
        && !request.headers().contains_key(header::TRANSFER_ENCODING)
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => closing(super::routes::too_large()),
        Err(_) => closing(refuse(
            StatusCode::REQUEST_TIMEOUT,
            "提交超时",
            "提交的内容没有在规定时间内传完（网络太慢或连接中断），没有处理。请重新提交。",
        )),
    }
}

/// `response`, with the connection closed after it (its unread body is abandoned).
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
