//! `annual-report serve`: the clerk's page. A small web server for one report
//! directory: a form to add, edit and delete activities (through `ledger::entry`,
//! validated, locked and atomic like `new`), the year's activities with the findings
//! of `check` beside them, the `stats` totals, and the summary as `build` makes it,
//! refreshed after each change and whenever a ledger file (or one of a ledger it links
//! to) changes on disk.
//!
//! A front end like `cli/`: it sits above the pipeline and calls its entry points.

mod engine;
mod form;
mod guard;
mod listing;
mod routes;
mod server;
mod setup;
mod structure;
mod url;
mod view;

pub use guard::token_is_usable;
pub use server::{BODY_TIMEOUT, HEADER_TIMEOUT, MAX_CONNECTIONS};

use crate::publish::typeset::fonts::FontLibrary;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use engine::{Engine, Snapshot};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// The largest request body accepted: a form with the longest text a ledger allows
/// (100,000 characters, percent-encoded) fits; anything larger is refused unread.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How often the ledger's files are looked at for changes made elsewhere.
const WATCH_EVERY: Duration = Duration::from_millis(500);
/// Stack of the thread that typesets (Typst's layout recurses deeply).
const TYPESET_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Threads of the blocking pool (typesetting, writes, the watcher's look at the
/// files): more would only wait for the same cores and the ledger's lock.
const MAX_BLOCKING_THREADS: usize = 16;

/// How to serve.
pub struct ServeOptions {
    /// The report directory.
    pub dir: PathBuf,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The access token; generated when listening beyond this computer without one.
    pub token: Option<String>,
    /// Makes the fonts for the PDF preview; called only once the address is taken
    /// (loading the system's fonts takes seconds: a port in use is said at once).
    pub fonts: Box<dyn FnOnce() -> Arc<FontLibrary> + Send>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The directory holds other files but no report.yaml (an empty or missing one is
    /// offered a new ledger on the page instead).
    #[error(
        "{} 不是台账目录（里面没有 report.yaml，但有别的文件）：请写上台账目录；要新建台账，请写一个新的空目录，在页面上按提示创建，或用 annual-report init 新建",
        .0.display()
    )]
    NotALedger(PathBuf),
    /// The path names a file, not a directory.
    #[error("{} 是一个文件，不是目录：请写上台账目录", .0.display())]
    NotADirectory(PathBuf),
    /// The token cannot be used.
    #[error(
        "访问口令太简单或含有不能用的字符：至少 16 个字符，只能用英文字母、数字、- 和 _，并且至少包含小写字母、大写字母、数字、- 或 _ 中的两类（例如 Office-2024-jiangwan）；不写 --token 时会自动生成一个"
    )]
    BadToken,
    /// The system gave no random bytes for a token or the forms' CSRF secret.
    #[error("无法从系统取得随机数来生成访问口令：{0}")]
    NoRandomness(String),
    /// The address could not be listened on.
    #[error("无法在 {addr} 上启动：{}", listen_reason(.source))]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Why an address cannot be listened on, in Chinese: the two a clerk meets have
/// their own advice.
fn listen_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => "这个端口已被占用（可能已经有一个 annual-report serve 在运行）；换一个端口，例如 --listen 127.0.0.1:8081".to_owned(),
        std::io::ErrorKind::AddrNotAvailable => "这台电脑没有这个地址；只在本机用请写 127.0.0.1:8080，办公网内共用请写 0.0.0.0:8080".to_owned(),
        _ => crate::diag::io_reason(error),
    }
}

/// The server's state, shared by every request.
pub struct App {
    dir: PathBuf,
    token: Option<String>,
    csrf: String,
    engine: Mutex<Engine>,
    snapshot: RwLock<Arc<Snapshot>>,
    stamp: Mutex<Vec<Stamp>>,
    /// Places for making downloads, one per core: each typesetting or drawing holds
    /// tens of megabytes, and more at once than cores only adds memory.
    typesetting: tokio::sync::Semaphore,
    /// Wrong tokens in a row, for the pause before the next refusal.
    wrong_tokens: std::sync::atomic::AtomicU32,
}

impl App {
    /// The state for `dir`, its page built once. `token`: `None` accepts only this
    /// computer (by the Host of each request).
    pub fn new(
        dir: &Path,
        token: Option<String>,
        fonts: Arc<FontLibrary>,
    ) -> Result<Arc<App>, ServeError> {
        Self::refuse_early(dir, token.as_deref())?;
        let app = App {
            dir: dir.to_path_buf(),
            token,
            csrf: guard::generate_token()?,
            engine: Mutex::new(Engine::new(fonts)),
            snapshot: RwLock::new(Arc::new(Snapshot::empty())),
            stamp: Mutex::new(Vec::new()),
            typesetting: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            ),
            wrong_tokens: std::sync::atomic::AtomicU32::new(0),
        };
        app.rebuild();
        Ok(Arc::new(app))
    }

    /// Why `dir` and `token` cannot be served, found without reading the ledger. A
    /// missing or empty directory can: the page offers to create the ledger there.
    fn refuse_early(dir: &Path, token: Option<&str>) -> Result<(), ServeError> {
        if dir.exists() && !dir.is_dir() {
            return Err(ServeError::NotADirectory(dir.to_path_buf()));
        }
        let has_ledger = dir.join(crate::ledger::load::REPORT_FILE).is_file();
        let empty = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
        if !has_ledger && !empty {
            return Err(ServeError::NotALedger(dir.to_path_buf()));
        }
        if token.is_some_and(|t| !token_is_usable(t)) {
            return Err(ServeError::BadToken);
        }
        Ok(())
    }

    /// The router of every page (for the server, and for tests without a socket).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/", get(routes::page))
            .route("/edit", get(routes::edit_page))
            .route("/activities", post(routes::add))
            .route("/activities/edit", post(routes::edit))
            .route("/activities/delete", post(routes::delete))
            .route("/setup", post(setup::create))
            .route("/structure", get(structure::page).post(structure::change))
            .route("/version", get(routes::version))
            .route("/preview/summary.html", get(routes::summary_html))
            .route("/preview/pages/{n}", get(routes::page_image))
            .route("/download/{format}", get(routes::download))
            .route("/assets/serve.css", get(routes::css))
            .route("/assets/serve.js", get(routes::js))
            .fallback(routes::not_found)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .layer(axum::middleware::from_fn(|request, next| {
                server::read_body(request, next, MAX_BODY_BYTES)
            }))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                guard::guard,
            ))
            .with_state(self.clone())
    }

    /// The version of the page now shown (it counts up with every rebuild).
    pub fn version(&self) -> u64 {
        self.current().version
    }

    /// The CSRF token every form must carry (for tests driving the router).
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Whether the directory holds a ledger yet (else the page offers to create one).
    fn has_ledger(&self) -> bool {
        self.dir.join(crate::ledger::load::REPORT_FILE).is_file()
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Reads the ledger again and rebuilds the page and preview (blocking), on a
    /// thread with a stack deep enough for Typst.
    pub fn rebuild(&self) {
        let mut guard = self
            .engine
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let engine: &mut Engine = &mut guard;
        let last = self.current();
        // Stamped before reading: a change made while the page is rebuilt is seen next.
        let mut stamp = stamp(watched_files(&self.dir, &last.linked));
        let version = last.version + 1;
        let built = std::thread::scope(|scope| {
            let typeset = std::thread::Builder::new()
                .stack_size(TYPESET_STACK_BYTES)
                .spawn_scoped(scope, || engine.snapshot(&self.dir, version, Some(&last)));
            typeset.map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        });
        // No thread could be started: the page stays as it was, and the watcher,
        // finding the files still unseen, tries again.
        let Ok(snapshot) = built else {
            return;
        };
        if snapshot.linked != last.linked {
            // report.yaml now links to other ledgers: their files are watched from now.
            stamp = restamped(stamp, watched_files(&self.dir, &snapshot.linked));
        }
        *self
            .stamp
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = stamp;
        *self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(snapshot);
    }

    /// [`App::rebuild`] off the async threads.
    pub async fn refresh(self: &Arc<Self>) {
        let app = self.clone();
        let _ = tokio::task::spawn_blocking(move || app.rebuild()).await;
    }

    /// Rebuilds when a file of the ledger changed on disk since the last rebuild
    /// (edited in a text editor, `new` in a terminal); true when it did.
    pub async fn refresh_if_changed(self: &Arc<Self>) -> bool {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let now = stamp(watched_files(&app.dir, &app.current().linked));
            let changed = *app
                .stamp
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                != now;
            if changed {
                app.rebuild();
            }
            changed
        })
        .await
        .unwrap_or(false)
    }
}

/// Every file the page is made from: report.yaml, the logs, the report's own
/// templates, and report.yaml and the logs of the ledgers it links to (`linked`: last
/// year's and the roll-up members, as the last reading of report.yaml named them), in
/// path order.
fn watched_files(dir: &Path, linked: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = ledger_files(dir);
    files.extend(
        std::fs::read_dir(dir.join("templates"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path()),
    );
    for linked in linked {
        files.extend(ledger_files(linked));
    }
    files.sort();
    files.dedup();
    files
}

/// A file's stamp: its size and modification time.
type Stamp = (PathBuf, u64, Option<SystemTime>);

/// Size and modification time of each file.
fn stamp(files: Vec<PathBuf>) -> Vec<Stamp> {
    files.into_iter().map(stamp_of).collect()
}

fn stamp_of(path: PathBuf) -> Stamp {
    let meta = std::fs::metadata(&path).ok();
    let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
    let modified = meta.and_then(|m| m.modified().ok());
    (path, len, modified)
}

/// The stamps of `files`: as taken before (`before`) for a file stamped then, as the
/// file is now for one newly watched.
fn restamped(before: Vec<Stamp>, files: Vec<PathBuf>) -> Vec<Stamp> {
    files
        .into_iter()
        .map(|path| match before.iter().find(|(p, ..)| *p == path) {
            Some(stamped) => stamped.clone(),
            None => stamp_of(path),
        })
        .collect()
}

/// The files `load` reads from a report directory: report.yaml (named even when it
/// is missing, so that its appearing counts as a change) and the activity logs.
fn ledger_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join(crate::ledger::load::REPORT_FILE)];
    files.extend(
        crate::ledger::load::ledger_files(&dir.join(crate::ledger::load::ACTIVITIES_DIR)).0,
    );
    files
}

/// What a started server tells its user.
#[derive(Debug)]
pub struct Started {
    /// The address to open on this computer, with the token when there is one.
    pub url: String,
    /// When listening on every interface: the address for the other computers, with
    /// a placeholder for this computer's address on the office network.
    pub shared_url: Option<String>,
    /// The token, when one is required.
    pub token: Option<String>,
    /// Whether the token was generated (not given).
    pub generated: bool,
    /// The address listened on.
    pub addr: SocketAddr,
}

/// Serves until the process ends: takes the address (so that a port in use is said
/// at once), then loads the fonts and builds the page, tells `on_start` the address,
/// and watches the ledger's files.
pub fn run(options: ServeOptions, on_start: impl FnOnce(&Started)) -> Result<(), ServeError> {
    let generated = options.token.is_none() && !options.listen.ip().is_loopback();
    let token = match (&options.token, generated) {
        (Some(token), _) => Some(token.clone()),
        (None, true) => Some(guard::generate_token()?),
        (None, false) => None,
    };
    App::refuse_early(&options.dir, token.as_deref())?;
    let listen_error = |source| ServeError::Listen {
        addr: options.listen,
        source,
    };
    let listener = std::net::TcpListener::bind(options.listen).map_err(listen_error)?;
    listener.set_nonblocking(true).map_err(listen_error)?;
    let app = App::new(&options.dir, token.clone(), (options.fonts)())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Typesetting is bounded by its own semaphore; writes take the ledger's lock
        // one at a time: a few threads serve both.
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .enable_all()
        .build()
        .map_err(listen_error)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        let address = |host: &str| match &token {
            Some(token) => format!("http://{host}:{}/?token={token}", addr.port()),
            None => format!("http://{host}:{}/", addr.port()),
        };
        let (url, shared_url) = if addr.ip().is_unspecified() {
            // Every interface: this computer opens it by its loopback address, the
            // others by this computer's address on the office network.
            let local = if addr.is_ipv6() { "[::1]" } else { "127.0.0.1" };
            (address(local), Some(address("本机IP地址")))
        } else if addr.is_ipv6() {
            (address(&format!("[{}]", addr.ip())), None)
        } else {
            (address(&addr.ip().to_string()), None)
        };
        on_start(&Started {
            url,
            shared_url,
            token: token.clone(),
            generated,
            addr,
        });
        let watcher = app.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCH_EVERY).await;
                watcher.refresh_if_changed().await;
            }
        });
        server::serve(listener, app.router()).await;
        Ok(())
    })
}

/// Opens `url` in the computer's default browser (best effort: the address is
/// printed anyway).
pub fn open_browser(url: &str) {
    let command = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .args(["/C", "start", ""])
            .arg(url)
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    drop(command);
}
