//! The routes: the page, the form's three actions, the preview and the downloads.
//! Paths are fixed; a download is named by its format, a page image by its number,
//! so no request names a file.

use super::form::{FormView, Submitted};
use super::guard::{refuse, same_secret};
use super::listing::{EntryView, Listing};
use super::url::encode;
use super::{App, view};
use crate::diag::Report;
use crate::ledger::entry::{self, EntryError};
use crate::publish::Format;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tera::Context;

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    /// Month filter, 1–12 (empty: the whole year).
    #[serde(default)]
    month: String,
    /// What was just done: `added`, `edited`, `deleted`.
    #[serde(default)]
    done: String,
}

impl PageQuery {
    fn month(&self) -> Option<u32> {
        self.month.parse().ok().filter(|m| (1..=12).contains(m))
    }
}

/// The query of the edit page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EditQuery {
    #[serde(default)]
    file: String,
    #[serde(default)]
    index: String,
}

/// `GET /`: the page.
pub(crate) async fn page(
    State(app): State<Arc<App>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    if !app.has_ledger() {
        return super::setup::first_page(&app).into_response();
    }
    // A query the page did not make (a field twice, say) shows the whole year.
    let query = query.map(|q| q.0).unwrap_or_default();
    let snapshot = app.current();
    let form = FormView::new(
        snapshot.listing.choices.as_ref(),
        &Submitted::default(),
        false,
    );
    let done = match query.done.as_str() {
        "added" => Some("已添加这条活动，预览已更新。"),
        "edited" => Some("已保存修改，预览已更新。"),
        "deleted" => Some("已删除这条活动，预览已更新。"),
        _ => None,
    };
    draw(&app, &query, form, done, None).into_response()
}

/// `GET /edit`: the page with the form filled with one entry.
pub(crate) async fn edit_page(
    State(app): State<Arc<App>>,
    query: Result<Query<EditQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|q| q.0).unwrap_or_default();
    let snapshot = app.current();
    let found = query
        .index
        .parse()
        .ok()
        .and_then(|index| snapshot.listing.entry(&query.file, index));
    let Some(entry) = found else {
        return refuse(
            StatusCode::NOT_FOUND,
            "找不到这条活动",
            "这条活动可能已被删除或移动。请回到首页查看最新的台账。",
        );
    };
    let form = FormView::editing(snapshot.listing.choices.as_ref(), entry);
    draw(&app, &PageQuery::default(), form, None, None).into_response()
}

/// `POST /activities`: adds an activity through `new`'s path.
pub(crate) async fn add(
    State(app): State<Arc<App>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let submitted = match accepted(&app, form, false) {
        Ok(submitted) => submitted,
        Err(refusal) => return *refusal,
    };
    let dir = app.dir.clone();
    let entry = submitted.entry();
    let key = submitted.submission.clone();
    let result = blocking(move || {
        if entry::submissions::is_key(&key) {
            entry::add_submitted(&dir, &entry, &key)
        } else {
            entry::add(&dir, &entry, false)
        }
    })
    .await;
    finish(&app, result.map(|_| ()), &submitted, false, "added").await
}

/// The fields of a POSTed form that reads as one and carries the page's CSRF token;
/// the refusal to answer otherwise.
fn accepted(
    app: &App,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
    editing: bool,
) -> Result<Submitted, Box<Response>> {
    let Ok(Form(pairs)) = form else {
        return Err(Box::new(unreadable_form(form.err())));
    };
    let submitted = Submitted::parse(&pairs);
    if !same_secret(&submitted.csrf, &app.csrf) {
        return Err(Box::new(csrf_refused()));
    }
    let snapshot = app.current();
    let choices = snapshot.listing.choices.as_ref();
    if let Some(message) = super::form::unexpected_fields(&pairs, choices) {
        let mut form = FormView::new(choices, &submitted, editing);
        form.general.push(general_finding(message));
        let mut response =
            draw(app, &PageQuery::default(), form, None, Some("没有保存：")).into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Err(Box::new(response));
    }
    Ok(submitted)
}

/// `POST /activities/edit`: replaces one entry's bytes, when unchanged since shown.
pub(crate) async fn edit(
    State(app): State<Arc<App>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let submitted = match accepted(&app, form, true) {
        Ok(submitted) => submitted,
        Err(refusal) => return *refusal,
    };
    let Some(target) = submitted.target() else {
        return bad_target();
    };
    let dir = app.dir.clone();
    let entry = submitted.entry();
    let result = blocking(move || entry::replace(&dir, &target, &entry)).await;
    finish(&app, result.map(|_| ()), &submitted, true, "edited").await
}

/// `POST /activities/delete`: removes one entry's bytes, when unchanged since shown.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let submitted = match accepted(&app, form, false) {
        Ok(submitted) => submitted,
        Err(refusal) => return *refusal,
    };
    let Some(target) = submitted.target() else {
        return bad_target();
    };
    let dir = app.dir.clone();
    let result = blocking(move || entry::remove(&dir, &target)).await;
    match result {
        Ok(_) => {
            app.refresh().await;
            Redirect::to("/?done=deleted").into_response()
        }
        Err(error) => {
            let (status, message, findings) = explain(error);
            let mut form = FormView::new(
                app.current().listing.choices.as_ref(),
                &Submitted::default(),
                false,
            )
            .with_findings(&findings);
            if let Some(message) = message {
                form.general.insert(0, general_finding(message));
            }
            let mut response =
                draw(&app, &PageQuery::default(), form, None, Some("没有删除：")).into_response();
            *response.status_mut() = status;
            response
        }
    }
}

/// After a write: on success the ledger is read again and the browser sent to the
/// fresh page; otherwise the form comes back with the clerk's input and the findings.
async fn finish(
    app: &Arc<App>,
    result: Result<(), EntryError>,
    submitted: &Submitted,
    editing: bool,
    done: &str,
) -> Response {
    match result {
        Ok(()) => {
            app.refresh().await;
            Redirect::to(&format!("/?done={done}")).into_response()
        }
        Err(error) => {
            let (status, message, findings) = explain(error);
            let snapshot = app.current();
            let mut form = FormView::new(snapshot.listing.choices.as_ref(), submitted, editing)
                .with_findings(&findings);
            if let Some(message) = message {
                form.general.insert(0, general_finding(message));
            }
            let mut response =
                draw(app, &PageQuery::default(), form, None, Some("没有保存：")).into_response();
            *response.status_mut() = status;
            response
        }
    }
}

/// The status, a message and the findings of a refused write.
fn explain(error: EntryError) -> (StatusCode, Option<String>, Vec<crate::diag::Diagnostic>) {
    match error {
        EntryError::Invalid(Report { diagnostics, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, diagnostics)
        }
        EntryError::Changed(_) | EntryError::Unreadable(_) => {
            (StatusCode::CONFLICT, Some(error.to_string()), Vec::new())
        }
        EntryError::Io { ref source, .. } => (
            io_refusal_status(source),
            Some(error.to_string()),
            Vec::new(),
        ),
        EntryError::OutsideLedger(ref file) => (
            StatusCode::BAD_REQUEST,
            Some(format!(
                "{} 不是本台账 activities/ 目录里的台账文件，没有写入",
                file.display()
            )),
            Vec::new(),
        ),
        other => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some(other.to_string()),
            Vec::new(),
        ),
    }
}

/// The status of a write the file layer refused or failed: 409 when the file changed
/// on disk under it (the page shows the file as it is now), 403 for a link out of the
/// ledger, 500 for a real I/O failure.
pub(crate) fn io_refusal_status(source: &std::io::Error) -> StatusCode {
    if crate::files::changed_on_disk(source) {
        StatusCode::CONFLICT
    } else if crate::files::refused_as_outside(source) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

fn general_finding(text: String) -> super::listing::Finding {
    super::listing::Finding {
        severity: "error",
        text,
        place: None,
        help: None,
        field: None,
    }
}

/// A body that is no form (another type, not URL-encoded, too large).
pub(crate) fn unreadable_form(rejection: Option<FormRejection>) -> Response {
    let status = rejection.map_or(StatusCode::BAD_REQUEST, |r| r.status());
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    refuse(
        status,
        "无法识别提交的内容",
        "这次提交不是本页面表单的格式，没有处理。请在本页面上填写后提交。",
    )
}

/// A body over [`super::MAX_BODY_BYTES`], refused unread.
pub(crate) fn too_large() -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        "提交的内容太长",
        "一次提交的内容超过了 1 MiB，没有处理。活动内容请分成几条记录。",
    )
}

pub(crate) fn csrf_refused() -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        "页面已过期",
        "这次提交缺少本页面的校验码（可能来自其他网站，或页面是在服务器重新启动之前打开的），没有处理。请刷新页面后重新操作。",
    )
}

fn bad_target() -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "没有指明要修改哪条活动",
        "请从台账列表中点“修改”或“删除”。",
    )
}

/// Runs ledger work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, EntryError> + Send + 'static,
) -> Result<T, EntryError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

/// A totals row as the page shows it.
#[derive(Serialize)]
struct TotalsRow {
    level: &'static str,
    label: String,
    activities: usize,
    /// Each figure with its declared places, as `stats` prints it.
    figures: Vec<String>,
}

/// The page: the listing (filtered by month), the totals, the findings, the form and
/// the preview.
fn draw(
    app: &App,
    query: &PageQuery,
    mut form: FormView,
    done: Option<&str>,
    refused: Option<&str>,
) -> axum::response::Html<String> {
    let snapshot = app.current();
    let month = query.month();
    let listing = filtered(&snapshot.listing, month);
    form.year = form.year.or(snapshot.year);
    let errors = snapshot.findings.iter().filter(|d| d.is_error()).count();
    let mut context = Context::new();
    context.insert("csrf", &app.csrf);
    context.insert("month", &month.unwrap_or(0));
    context.insert(
        "months",
        &(1..=12)
            .map(|n| serde_json::json!({ "n": n, "selected": month == Some(n) }))
            .collect::<Vec<_>>(),
    );
    context.insert("done", &done);
    context.insert("refused", &refused);
    context.insert("form", &form);
    context.insert("listing", &listing);
    context.insert("errors", &errors);
    context.insert("warnings", &(snapshot.findings.len() - errors));
    context.insert("entries", &snapshot.listing.count());
    insert_totals(&mut context, snapshot.stats.as_ref(), month);
    insert_preview(&mut context, &snapshot);
    context.insert("current", "ledger");
    view::render("page.html.tera", &context)
}

/// What the preview panel shows (the page and the structure page share it): the
/// title, the downloads, the page images, whether the preview is stale.
pub(crate) fn insert_preview(context: &mut Context, snapshot: &super::engine::Snapshot) {
    context.insert("version", &snapshot.version);
    let preview = snapshot.preview.as_ref();
    let heading = match &snapshot.listing.heading {
        heading if heading.is_empty() => "年度工作台账",
        heading => heading.as_str(),
    };
    context.insert(
        "title",
        &preview.map_or(heading, |p| p.rendered.doc().title.as_str()),
    );
    context.insert("has_preview", &preview.is_some());
    context.insert("png_stem", &preview.map_or("", |p| p.rendered.stem()));
    context.insert("preview_stale", &snapshot.preview_stale);
    context.insert("preview_error", &snapshot.preview_error);
    context.insert(
        "pages",
        &preview.map_or(Vec::new(), |p| (1..=p.pages.len()).collect()),
    );
    context.insert(
        "downloads",
        &preview.map_or(Vec::new(), |p| {
            DOWNLOADS
                .iter()
                .map(|(format, label)| {
                    serde_json::json!({
                        "format": format.name(),
                        "file": format!("{}.{}", p.rendered.stem(), format.name()),
                        "label": label,
                    })
                })
                .collect()
        }),
    );
}

/// The formats offered for download (every format `build` writes; page images are
/// offered one by one, as `/download/png?page=N`).
const DOWNLOADS: &[(Format, &str)] = &[
    (Format::Pdf, "PDF 公文"),
    (Format::Docx, "Word/WPS 文档"),
    (Format::Html, "网页"),
    (Format::Txt, "纯文本"),
    (Format::Md, "Markdown"),
    (Format::Typ, "Typst 源文件"),
];

/// The `stats` rows the page shows: a month's row with a filter, else the items,
/// sections and the year's total.
fn insert_totals(
    context: &mut Context,
    stats: Option<&crate::ledger::stats::Stats>,
    month: Option<u32>,
) {
    let Some(stats) = stats else {
        context.insert("totals", &Option::<()>::None);
        return;
    };
    let wanted_month = month.map(|m| format!("{}-{m:02}", stats.year));
    let rows: Vec<TotalsRow> = stats
        .rows
        .iter()
        .filter(|row| match &wanted_month {
            Some(key) => row.level == "month" && &row.key == key,
            None => row.level != "month",
        })
        .map(|row| TotalsRow {
            level: row.level,
            label: match row.level {
                "total" => "全年合计".to_owned(),
                "month" => format!("{}月", month.unwrap_or_default()),
                _ => row.label.clone(),
            },
            activities: row.activities,
            figures: row.figures.iter().map(ToString::to_string).collect(),
        })
        .collect();
    let columns: Vec<&str> = stats.figures.iter().map(|c| c.label.as_str()).collect();
    let mut totals = HashMap::new();
    totals.insert("columns", serde_json::to_value(columns).unwrap_or_default());
    totals.insert("rows", serde_json::to_value(rows).unwrap_or_default());
    context.insert("totals", &Some(totals));
}

/// The listing with only the entries of `month` (all with no filter); items and
/// sections left empty by the filter are dropped.
fn filtered(listing: &Listing, month: Option<u32>) -> Listing {
    let Some(month) = month else {
        return listing.clone();
    };
    let keep = |e: &EntryView| e.month == Some(month);
    let mut out = listing.clone();
    for section in &mut out.sections {
        for item in &mut section.items {
            item.entries.retain(keep);
        }
        section.items.retain(|i| !i.entries.is_empty());
    }
    out.sections.retain(|s| !s.items.is_empty());
    out.unplaced.retain(keep);
    out
}

/// `GET /version`: the snapshot's version, polled by the page's script.
pub(crate) async fn version(State(app): State<Arc<App>>) -> String {
    app.current().version.to_string()
}

/// `GET /preview/summary.html`: the web page as `build` writes it, in a sandbox.
pub(crate) async fn summary_html(State(app): State<Arc<App>>) -> Response {
    let Some(preview) = app.current().preview.clone() else {
        return no_preview();
    };
    let Ok(html) = preview.rendered.html() else {
        return no_preview();
    };
    let mut response = axum::response::Html(html.to_owned()).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
        ),
    );
    response
}

/// `GET /preview/pages/{n}`: the image of page n (from 1).
pub(crate) async fn page_image(
    State(app): State<Arc<App>>,
    UrlPath(n): UrlPath<String>,
) -> Response {
    let Some(preview) = app.current().preview.clone() else {
        return no_preview();
    };
    let image = n
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| preview.pages.get(i).cloned());
    match image {
        Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        None => not_found().await,
    }
}

/// `GET /download/{format}`: one output of `build`, made from the current preview
/// once and kept with it. Making one waits for one of a few typesetting places (one
/// per core); a request that waits longer than [`TYPESET_WAIT`] is turned away.
pub(crate) async fn download(
    State(app): State<Arc<App>>,
    UrlPath(format): UrlPath<String>,
    query: Result<Query<DownloadQuery>, QueryRejection>,
) -> Response {
    let Ok(format) = format.parse::<Format>() else {
        return not_found().await;
    };
    let Some(preview) = app.current().preview.clone() else {
        return no_preview();
    };
    let page = query
        .ok()
        .and_then(|q| q.0.page.parse::<usize>().ok())
        .unwrap_or(1);
    if format == Format::Png && !(1..=preview.pages.len()).contains(&page) {
        return not_found().await;
    }
    let made = match preview.made(format, page) {
        Some(made) => made,
        None => {
            let Ok(Ok(_permit)) =
                tokio::time::timeout(TYPESET_WAIT, app.typesetting.acquire()).await
            else {
                return busy();
            };
            tokio::task::spawn_blocking(move || preview.download(format, page))
                .await
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
        }
    };
    let (name, bytes) = match made {
        Ok(made) => made,
        Err(message) => {
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "生成失败", &message);
        }
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "_"),
        encode(&name)
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The longest a download waits for a typesetting place.
pub(crate) const TYPESET_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The answer when every typesetting place stayed taken.
fn busy() -> Response {
    let mut response = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "服务器正忙，请稍后再试",
        "同时请求生成文件的人太多，这次没有生成。请过几秒钟再点下载。",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// The query of a download: the page, for a page image (from 1).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DownloadQuery {
    #[serde(default)]
    page: String,
}

fn no_preview() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "还没有可预览的总结",
        "台账目前有错误，改正后这里就会显示总结。",
    )
}

/// `GET /assets/serve.css`.
pub(crate) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        view::CSS,
    )
        .into_response()
}

/// `GET /assets/serve.js`.
pub(crate) async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        view::JS,
    )
        .into_response()
}

/// Every other path.
pub(crate) async fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "没有这个页面",
        "地址不对。台账页面只有首页、预览和下载几个固定地址。",
    )
}

#[cfg(test)]
mod tests {
    use crate::publish::typeset::TypesetError;

    #[test]
    fn a_write_refused_by_the_file_layer_gets_its_own_status() {
        use axum::http::StatusCode;
        let changed = std::io::Error::other(crate::files::Refusal::ChangedOnDisk);
        assert_eq!(super::io_refusal_status(&changed), StatusCode::CONFLICT);
        let outside = std::io::Error::other(crate::files::Refusal::Outside("/x".into()));
        assert_eq!(super::io_refusal_status(&outside), StatusCode::FORBIDDEN);
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(
            super::io_refusal_status(&full),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let (status, message, _) = super::explain(crate::ledger::entry::EntryError::Io {
            path: "activities/2023-03.yaml".into(),
            source: changed,
        });
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(message.unwrap().contains("刚被其他程序改动"));
    }

    #[test]
    fn a_failed_output_is_named_with_the_words_build_prints() {
        let docx = crate::publish::docx::DocxError::Zip("磁盘已满".into());
        assert_eq!(
            super::super::engine::output_failed("总结.docx", docx.into()),
            "无法生成 总结.docx：Word 文档打包失败：磁盘已满"
        );
        assert_eq!(
            super::super::engine::output_failed("总结-1.png", TypesetError::Png("x".into()).into()),
            "无法生成 总结-1.png：PNG 导出失败：x"
        );
        assert_eq!(
            super::super::engine::preview_failed(TypesetError::Compile("y".into())),
            "无法生成总结预览：排版失败：y"
        );
    }
}
