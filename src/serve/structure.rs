//! The second view of the page, 报告结构: the report's shape as it prints (sections,
//! items, 一是 entries, opening and closing, the document's facts, the figures, the
//! plans), each part editable in a form. Every change goes through
//! `ledger::shape::change_report`: the whole ledger checked with it first, the lock,
//! an atomic replace of report.yaml keeping every other byte, a stale page refused.
//!
//! Sentences show their figures as 〔名称〕 rather than `{{ key }}`; a picker inserts
//! them, and they are turned back into keys when the form is saved.

use super::App;
use super::form::Posted;
use super::guard::same_secret;
use super::listing::Finding;
use super::routes::{csrf_refused, unreadable_form};
use super::view;
use crate::diag::Diagnostic;
use crate::ledger::load::{self, Ledger, REPORT_FILE};
use crate::ledger::model::{EntrySpec, ItemSpec, SectionSpec};
use crate::ledger::shape::outline::Step;
use crate::ledger::shape::{self, Change, ShapeError};
use crate::numbering::ordinal;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tera::Context;

/// The word a list sentence uses for the activities' short names.
const ACTIVITIES_WORD: &str = "活动";

/// The query of the structure page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StructureQuery {
    /// What was just done.
    #[serde(default)]
    done: String,
}

/// A figure as the page shows and edits it.
#[derive(Clone, Debug, Serialize)]
struct FigureView {
    key: String,
    label: String,
    unit: String,
    decimals: String,
    /// What a sentence shows for it: 〔名称〕.
    token: String,
}

/// A section, item or 一是 entry as the page shows it.
#[derive(Debug, Default, Serialize)]
struct PartView {
    /// Its path in report.yaml (`sections.0.items.1`), the form's address of it.
    path: String,
    /// Its number as printed (一、 （一） 1. 一是).
    number: String,
    id: String,
    title: String,
    lead: String,
    text: String,
    summary: String,
    list: String,
    /// Activities recorded under it (its entries' included).
    activities: usize,
    first: bool,
    last: bool,
    children: Vec<PartView>,
}

/// A field of the website's metadata header.
#[derive(Debug, Serialize)]
struct PublicationView {
    key: String,
    value: String,
}

/// The whole page's view of report.yaml.
#[derive(Debug, Default, Serialize)]
struct ShapeView {
    version: String,
    title: String,
    organization: String,
    short_name: String,
    date: String,
    opening: String,
    closing: String,
    publication: Vec<PublicationView>,
    figures: Vec<FigureView>,
    sections: Vec<PartView>,
    plans: String,
    has_plans: bool,
}

/// `GET /structure`.
pub(crate) async fn page(
    State(app): State<Arc<App>>,
    query: Result<Query<StructureQuery>, QueryRejection>,
) -> Response {
    if !app.has_ledger() {
        return Redirect::to("/").into_response();
    }
    let done = match query.map(|q| q.0).unwrap_or_default().done.as_str() {
        "created" => Some(
            "台账已建立。请先看一遍报告的结构：节、条目和句子都可以在这里修改；然后到“活动台账”记活动。",
        ),
        "saved" => Some("已保存，预览已更新。"),
        "added" => Some("已添加，请在下面填写内容。"),
        "moved" => Some("已调整顺序，预览已更新。"),
        "deleted" => Some("已删除，预览已更新。"),
        _ => None,
    };
    draw(&app, done, &[], None).into_response()
}

/// `POST /structure`: one change of the report's shape.
pub(crate) async fn change(
    State(app): State<Arc<App>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(pairs)) = form else {
        return unreadable_form(form.err());
    };
    let posted = Posted::new(&pairs);
    if !same_secret(posted.get("csrf"), &app.csrf) {
        return csrf_refused();
    }
    let dir = app.dir.clone();
    let result = tokio::task::spawn_blocking(move || apply_posted(&dir, &posted))
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
    match result {
        Ok((done, anchor)) => {
            app.refresh().await;
            Redirect::to(&format!("/structure?done={done}#{anchor}")).into_response()
        }
        Err(refusal) => {
            let (status, message, findings) = explain(refusal);
            let mut response = draw(&app, None, &findings, Some(&message)).into_response();
            *response.status_mut() = status;
            response
        }
    }
}

/// A refusal before or during a change: the message the page shows.
#[derive(Debug)]
enum Refusal {
    /// The form itself is wrong (a sentence names no such figure, no such part).
    Form(String),
    /// The ledger refused it.
    Shape(ShapeError),
}

fn explain(refusal: Refusal) -> (StatusCode, String, Vec<Diagnostic>) {
    match refusal {
        Refusal::Form(message) => (StatusCode::UNPROCESSABLE_ENTITY, message, Vec::new()),
        Refusal::Shape(ShapeError::Invalid(report)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "这样修改后台账会有错误，所以没有保存：".to_owned(),
            report.diagnostics,
        ),
        Refusal::Shape(
            error @ (ShapeError::Changed | ShapeError::Unsupported | ShapeError::InUse { .. }),
        ) => (StatusCode::CONFLICT, error.to_string(), Vec::new()),
        Refusal::Shape(ref error @ ShapeError::Io { ref source, .. }) => (
            super::routes::io_refusal_status(source),
            error.to_string(),
            Vec::new(),
        ),
        Refusal::Shape(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            error.to_string(),
            Vec::new(),
        ),
    }
}

/// Makes the posted change; what was done and the anchor to go back to.
fn apply_posted(dir: &std::path::Path, posted: &Posted) -> Result<(&'static str, String), Refusal> {
    let loaded = load::load(dir);
    let Some(ledger) = loaded.ledger else {
        return Err(Refusal::Form(
            "report.yaml 现在读不出来（可能有格式错误），请先在“活动台账”页查看错误，或用文本编辑器改正。".to_owned(),
        ));
    };
    let figures = figure_views(&ledger);
    let action = posted.get("action");
    let path = parse_path(posted.get("path")).ok_or_else(|| {
        Refusal::Form("没有指明要修改报告的哪一部分，请刷新页面后重试。".to_owned())
    })?;
    let anchor = anchor_of(&path);
    let plan = plan(&ledger, &figures, action, &path, posted)?;
    let in_use = |changed: &Ledger| -> Option<(String, usize)> {
        let (what, counted) = plan.removes.as_ref()?;
        let count = match counted {
            Counted::Items(ids) => shape::activities_under(changed, ids),
            Counted::Figure(key) => shape::activities_with_figure(changed, key),
        };
        Some((what.clone(), count))
    };
    shape::change_report(dir, posted.get("version"), &plan.changes, in_use)
        .map_err(Refusal::Shape)?;
    let anchor = plan.anchor.unwrap_or(anchor);
    Ok((plan.done, anchor))
}

/// What a removal takes with it, for counting the activities still using it.
enum Counted {
    /// These item and entry ids.
    Items(Vec<String>),
    /// This figure key.
    Figure(String),
}

/// The changes of one form, and what they remove.
struct Plan {
    changes: Vec<Change>,
    removes: Option<(String, Counted)>,
    done: &'static str,
    anchor: Option<String>,
}

impl Plan {
    fn saved(changes: Vec<Change>) -> Self {
        Self {
            changes,
            removes: None,
            done: "saved",
            anchor: None,
        }
    }
}

/// The changes a form asks for.
fn plan(
    ledger: &Ledger,
    figures: &[FigureView],
    action: &str,
    path: &[Step],
    posted: &Posted,
) -> Result<Plan, Refusal> {
    let report = &ledger.report;
    let field = |at: &[Step], key: &str, value: Option<String>| Change::Field {
        at: at.to_vec(),
        key: key.to_owned(),
        value,
    };
    let optional = |name: &str| Some(posted.get(name).trim().to_owned()).filter(|v| !v.is_empty());
    let sentence = |name: &str| -> Result<Option<String>, Refusal> {
        optional(name).map(|s| keys_of(&s, figures)).transpose()
    };
    match action {
        "save" => {
            let mut changes = Vec::new();
            if posted.has("title") {
                // A section's title is required; an item's may be left out.
                let title = match path.len() {
                    2 => Some(posted.get("title").trim().to_owned()),
                    _ => optional("title"),
                };
                changes.push(field(path, "title", title));
            }
            for key in ["lead", "text"] {
                if posted.has(key) {
                    changes.push(field(path, key, paragraph_text(posted.get(key))));
                }
            }
            for key in ["summary", "list"] {
                if posted.has(key) {
                    changes.push(field(path, key, sentence(key)?));
                }
            }
            Ok(Plan::saved(changes))
        }
        "up" | "down" => {
            let (at, index) = split_index(path)?;
            Ok(Plan {
                changes: vec![Change::Move {
                    at,
                    index,
                    up: action == "up",
                }],
                removes: None,
                done: "moved",
                anchor: None,
            })
        }
        "delete" => {
            let (at, index) = split_index(path)?;
            let (what, ids) = part_ids(report, path).ok_or_else(no_such_part)?;
            Ok(Plan {
                changes: vec![Change::Remove { at, index }],
                removes: Some((what, Counted::Items(ids))),
                done: "deleted",
                anchor: Some("sections".to_owned()),
            })
        }
        "add-section" => {
            let title = posted.get("title").trim().to_owned();
            let item_title = posted.get("item_title").trim().to_owned();
            let index = report.sections.len();
            let section_id = fresh_id(report, "section");
            let item_id = fresh_id_after(report, "item", &[section_id.as_str()]);
            let mut item = vec![("id".to_owned(), item_id)];
            if !item_title.is_empty() {
                item.push(("title".to_owned(), item_title));
            }
            // An item prints something from the start: its fixed text until it has
            // activities (the check refuses an empty one).
            if let Some(text) = optional("item_text") {
                item.push(("text".to_owned(), text));
            }
            Ok(Plan {
                changes: vec![
                    Change::Append {
                        at: Vec::new(),
                        key: "sections".into(),
                        fields: vec![("id".into(), section_id), ("title".into(), title)],
                    },
                    Change::Append {
                        at: vec![Step::Key("sections".into()), Step::Index(index)],
                        key: "items".into(),
                        fields: item,
                    },
                ],
                removes: None,
                done: "added",
                anchor: Some(format!("sections-{index}")),
            })
        }
        "add-item" | "add-entry" => {
            let (kind, key) = if action == "add-item" {
                ("item", "items")
            } else {
                ("entry", "entries")
            };
            let mut fields = vec![("id".to_owned(), fresh_id(report, kind))];
            let named: &[&str] = if kind == "item" {
                &["title", "text"]
            } else {
                &["lead", "text"]
            };
            for name in named {
                if let Some(text) = optional(name) {
                    fields.push(((*name).to_owned(), text));
                }
            }
            Ok(Plan {
                changes: vec![Change::Append {
                    at: path.to_vec(),
                    key: key.into(),
                    fields,
                }],
                removes: None,
                done: "added",
                anchor: None,
            })
        }
        "save-document" => {
            let top: &[Step] = &[];
            let organization = [Step::Key("organization".into())];
            let mut changes = vec![
                field(top, "title", optional("title")),
                field(
                    &organization,
                    "name",
                    Some(posted.get("organization").trim().to_owned()),
                ),
                field(&organization, "short_name", optional("short_name")),
                field(top, "date", Some(posted.get("date").trim().to_owned())),
                field(top, "opening", paragraph_text(posted.get("opening"))),
                field(top, "closing", paragraph_text(posted.get("closing"))),
            ];
            let publication = [Step::Key("publication".into())];
            for (key, _) in &report.publication.0 {
                let name = format!("pub.{}", key.value);
                if posted.has(&name) {
                    changes.push(field(
                        &publication,
                        &key.value,
                        Some(posted.get(&name).trim().to_owned()),
                    ));
                }
            }
            if let Some(key) = optional("new_pub_key") {
                changes.push(field(
                    &publication,
                    &key,
                    Some(posted.get("new_pub_value").trim().to_owned()),
                ));
            }
            Ok(Plan {
                anchor: Some("document".to_owned()),
                ..Plan::saved(changes)
            })
        }
        "save-figure" => {
            let key = optional("key").unwrap_or_else(|| fresh_figure_key(report));
            let mut fields = vec![("label".to_owned(), posted.get("label").trim().to_owned())];
            if let Some(unit) = optional("unit") {
                fields.push(("unit".to_owned(), unit));
            }
            if let Some(decimals) = optional("decimals").filter(|d| d != "0") {
                fields.push(("decimals".to_owned(), decimals));
            }
            Ok(Plan {
                anchor: Some("figures".to_owned()),
                ..Plan::saved(vec![Change::Entry {
                    at: vec![Step::Key("figures".into())],
                    key,
                    fields: Some(fields),
                }])
            })
        }
        "delete-figure" => {
            let key = posted.get("key").trim().to_owned();
            let label = figures
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.label.clone())
                .ok_or_else(no_such_part)?;
            Ok(Plan {
                changes: vec![Change::Entry {
                    at: vec![Step::Key("figures".into())],
                    key: key.clone(),
                    fields: None,
                }],
                removes: Some((label, Counted::Figure(key))),
                done: "deleted",
                anchor: Some("figures".to_owned()),
            })
        }
        "save-plans" => {
            let items = posted
                .get("plans")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            Ok(Plan {
                anchor: Some("plans".to_owned()),
                ..Plan::saved(vec![Change::Texts {
                    at: vec![Step::Key("plans".into())],
                    key: "items".into(),
                    items,
                }])
            })
        }
        _ => Err(no_such_part()),
    }
}

fn no_such_part() -> Refusal {
    Refusal::Form("找不到要修改的这一部分（可能已被删除或移动），请刷新页面后重试。".to_owned())
}

/// A text area's paragraphs as report.yaml keeps them: `None` when empty; several
/// paragraphs (blank lines between) end with a line break, as a literal block does.
fn paragraph_text(value: &str) -> Option<String> {
    let lines: Vec<&str> = value.lines().map(str::trim_end).collect();
    let text = lines.join("\n");
    let text = text.trim_matches('\n');
    if text.trim().is_empty() {
        None
    } else if text.contains('\n') {
        Some(format!("{text}\n"))
    } else {
        Some(text.trim().to_owned())
    }
}

/// The sequence and index of the part at `path`.
fn split_index(path: &[Step]) -> Result<(Vec<Step>, usize), Refusal> {
    match path.split_last() {
        Some((Step::Index(index), at)) => Ok((at.to_vec(), *index)),
        _ => Err(no_such_part()),
    }
}

/// A path of the form: `sections.N`, `sections.N.items.M`, `sections.N.items.M.entries.K`,
/// or empty (the document itself).
fn parse_path(path: &str) -> Option<Vec<Step>> {
    if path.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<&str> = path.split('.').collect();
    let names = ["sections", "items", "entries"];
    if !parts.len().is_multiple_of(2) || parts.len() > 6 {
        return None;
    }
    parts
        .chunks(2)
        .enumerate()
        .flat_map(|(depth, pair)| {
            let key = (pair[0] == names[depth]).then(|| Step::Key(pair[0].to_owned()));
            let index = pair[1].parse().ok().map(Step::Index);
            [key, index]
        })
        .collect()
}

fn path_text(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => key.clone(),
            Step::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The element id of the part at `path`.
fn anchor_of(path: &[Step]) -> String {
    match path_text(path) {
        text if text.is_empty() => "document".to_owned(),
        text => text.replace('.', "-"),
    }
}

/// What the page calls the part at `path` (a section, item or entry) and every item
/// and entry id under it.
fn part_ids(
    report: &crate::ledger::model::ReportSpec,
    path: &[Step],
) -> Option<(String, Vec<String>)> {
    let index = |n: usize| match path.get(n) {
        Some(Step::Index(i)) => Some(*i),
        _ => None,
    };
    let section = report.sections.get(index(1)?)?;
    let Some(item_index) = index(3) else {
        let ids = section.items.iter().flat_map(item_ids).collect();
        return Some((section.title.value.clone(), ids));
    };
    let item = section.items.get(item_index)?;
    let Some(entry_index) = index(5) else {
        return Some((item_name(item), item_ids(item)));
    };
    let entry = item.entries.get(entry_index)?;
    Some((entry_name(entry), vec![entry.id.value.clone()]))
}

fn item_ids(item: &ItemSpec) -> Vec<String> {
    std::iter::once(item.id.value.clone())
        .chain(item.entries.iter().map(|e| e.id.value.clone()))
        .collect()
}

fn item_name(item: &ItemSpec) -> String {
    [&item.title, &item.lead, &item.summary, &item.text]
        .into_iter()
        .flatten()
        .map(|t| t.value.trim().to_owned())
        .next()
        .unwrap_or_else(|| item.id.value.clone())
}

fn entry_name(entry: &EntrySpec) -> String {
    [&entry.lead, &entry.summary, &entry.text]
        .into_iter()
        .flatten()
        .map(|t| t.value.trim().to_owned())
        .next()
        .unwrap_or_else(|| entry.id.value.clone())
}

/// Every id the report uses for sections, items and entries.
fn used_ids(report: &crate::ledger::model::ReportSpec) -> Vec<String> {
    report
        .sections
        .iter()
        .flat_map(|s| std::iter::once(s.id.value.clone()).chain(s.items.iter().flat_map(item_ids)))
        .collect()
}

/// A new id `KIND-N` that no section, item or entry uses.
fn fresh_id(report: &crate::ledger::model::ReportSpec, kind: &str) -> String {
    fresh_id_after(report, kind, &[])
}

/// [`fresh_id`], also avoiding `taken`.
fn fresh_id_after(report: &crate::ledger::model::ReportSpec, kind: &str, taken: &[&str]) -> String {
    let used = used_ids(report);
    (1..)
        .map(|n| format!("{kind}-{n}"))
        .find(|id| !used.contains(id) && !taken.contains(&id.as_str()))
        .unwrap_or_default()
}

/// A new figure key `figure-N`.
fn fresh_figure_key(report: &crate::ledger::model::ReportSpec) -> String {
    (1..)
        .map(|n| format!("figure-{n}"))
        .find(|key| !report.figures.0.iter().any(|(k, _)| k.value == *key))
        .unwrap_or_default()
}

/// The figures as the page shows them.
fn figure_views(ledger: &Ledger) -> Vec<FigureView> {
    let figures = &ledger.report.figures.0;
    figures
        .iter()
        .map(|(key, decl)| {
            let label = decl.label.value.trim().to_owned();
            let shared = figures
                .iter()
                .filter(|(_, other)| other.label.value.trim() == label)
                .count()
                > 1;
            // A label two figures share would be ambiguous: the key stands instead.
            let token = if shared || label.is_empty() {
                format!("〔{}〕", key.value)
            } else {
                format!("〔{label}〕")
            };
            let written = |value: Option<String>| value.unwrap_or_default();
            FigureView {
                key: key.value.clone(),
                label,
                unit: written(decl.unit.as_ref().map(|u| u.value.clone())),
                decimals: written(decl.decimals.as_ref().map(|d| d.value.to_string())),
                token,
            }
        })
        .collect()
}

/// A sentence as the page shows it: `{{ key }}` as 〔名称〕, `{{ 活动 }}` as 〔活动〕.
fn tokens_of(sentence: &str, figures: &[FigureView]) -> String {
    let mut out = String::new();
    let mut rest = sentence;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = rest[open + 2..open + close].trim();
        // A figure's written form (`{{ key | 近 }}`) stays with its token: 〔名称 | 近〕.
        let (name, form) = split_form(inner);
        match figures.iter().find(|f| f.key == name) {
            Some(figure) if form.is_empty() => out.push_str(&figure.token),
            Some(figure) => {
                let label = figure.token.trim_start_matches('〔').trim_end_matches('〕');
                out.push_str(&format!("〔{label} {form}〕"));
            }
            None => out.push_str(&format!("〔{inner}〕")),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

/// A placeholder's name and its written form from the first `|` on (`| 近`, kept as
/// the page and report.yaml write it), empty when there is none.
fn split_form(inner: &str) -> (&str, &str) {
    match inner.find('|') {
        Some(bar) => (inner[..bar].trim(), &inner[bar..]),
        None => (inner, ""),
    }
}

/// A sentence as report.yaml keeps it: each 〔名称〕 (or 〔key〕) as `{{ key }}`; a name
/// that is no figure is refused, naming the figures there are.
fn keys_of(sentence: &str, figures: &[FigureView]) -> Result<String, Refusal> {
    let mut out = String::new();
    let mut rest = sentence;
    while let Some(open) = rest.find('〔') {
        let after = open + '〔'.len_utf8();
        let Some(close) = rest[after..].find('〕') else {
            break;
        };
        out.push_str(&rest[..open]);
        let (name, form) = split_form(rest[after..after + close].trim());
        let key = if name == ACTIVITIES_WORD {
            Some(ACTIVITIES_WORD.to_owned())
        } else {
            figures
                .iter()
                .find(|f| f.token == format!("〔{name}〕") || f.key == name)
                .map(|f| f.key.clone())
        };
        let Some(key) = key else {
            let allowed: Vec<&str> = figures.iter().map(|f| f.token.as_str()).collect();
            return Err(Refusal::Form(format!(
                "句中的〔{name}〕不是已声明的数字项。可以插入的有：{}、〔{ACTIVITIES_WORD}〕（列举句中的活动简称）。要新增数字项，请在下面“数字项”一栏添加",
                allowed.join("、")
            )));
        };
        let form = if form.is_empty() {
            String::new()
        } else {
            format!(" {form}")
        };
        out.push_str(&format!("{{{{ {key}{form} }}}}"));
        rest = &rest[after + close + '〕'.len_utf8()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The view of report.yaml as it is now.
fn shape_view(app: &App) -> Option<ShapeView> {
    let text = std::fs::read_to_string(app.dir.join(REPORT_FILE)).ok()?;
    let ledger = load::load(&app.dir).ledger?;
    let report = &ledger.report;
    let figures = figure_views(&ledger);
    let counts = |ids: &[String]| shape::activities_under(&ledger, ids);
    let section_count = report.sections.len();
    let sections = report
        .sections
        .iter()
        .enumerate()
        .map(|(s, section)| section_view(section, s, section_count, report, &figures, &counts))
        .collect();
    Some(ShapeView {
        version: shape::version(&text),
        title: plain(&report.title),
        organization: report.organization.name.value.clone(),
        short_name: plain(&report.organization.short_name),
        date: report.date.value.clone(),
        opening: plain(&report.opening),
        closing: plain(&report.closing),
        publication: report
            .publication
            .0
            .iter()
            .map(|(k, v)| PublicationView {
                key: k.value.clone(),
                value: v.value.clone().unwrap_or_default(),
            })
            .collect(),
        sections,
        plans: report
            .plans
            .as_ref()
            .map(|p| {
                p.items
                    .iter()
                    .map(|i| i.value.trim().to_owned())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        has_plans: report.plans.is_some(),
        figures,
    })
}

fn section_view(
    section: &SectionSpec,
    index: usize,
    count: usize,
    report: &crate::ledger::model::ReportSpec,
    figures: &[FigureView],
    counts: &dyn Fn(&[String]) -> usize,
) -> PartView {
    let path = format!("sections.{index}");
    let item_style = section
        .numbering
        .as_ref()
        .map_or(report.numbering.items.value, |n| n.value);
    let items = &section.items;
    let children = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("{path}.items.{i}");
            let entries = item
                .entries
                .iter()
                .enumerate()
                .map(|(e, entry)| PartView {
                    path: format!("{path}.entries.{e}"),
                    number: ordinal(e as u32 + 1),
                    id: entry.id.value.clone(),
                    lead: plain(&entry.lead),
                    text: plain(&entry.text),
                    summary: tokens_of(&plain(&entry.summary), figures),
                    list: tokens_of(&plain(&entry.list), figures),
                    activities: counts(std::slice::from_ref(&entry.id.value)),
                    first: e == 0,
                    last: e + 1 == item.entries.len(),
                    ..PartView::default()
                })
                .collect();
            PartView {
                number: item_style.label(i as u32 + 1),
                id: item.id.value.clone(),
                title: plain(&item.title),
                lead: plain(&item.lead),
                text: plain(&item.text),
                summary: tokens_of(&plain(&item.summary), figures),
                list: tokens_of(&plain(&item.list), figures),
                activities: counts(&item_ids(item)),
                first: i == 0,
                last: i + 1 == items.len(),
                children: entries,
                path,
            }
        })
        .collect();
    PartView {
        number: report.numbering.sections.value.label(index as u32 + 1),
        id: section.id.value.clone(),
        title: section.title.value.clone(),
        activities: counts(&section.items.iter().flat_map(item_ids).collect::<Vec<_>>()),
        first: index == 0,
        last: index + 1 == count,
        children,
        path,
        ..PartView::default()
    }
}

fn plain(text: &Option<crate::ledger::model::Spanned<String>>) -> String {
    text.as_ref()
        .map(|t| t.value.trim_end().to_owned())
        .unwrap_or_default()
}

/// The structure page, with a message and findings when a change was refused.
fn draw(
    app: &App,
    done: Option<&str>,
    findings: &[Diagnostic],
    refused: Option<&str>,
) -> axum::response::Html<String> {
    let mut context = Context::new();
    super::routes::insert_preview(&mut context, &app.current());
    context.insert("current", "structure");
    context.insert("csrf", &app.csrf);
    context.insert("done", &done);
    context.insert("refused", &refused);
    let findings: Vec<Finding> = findings.iter().map(Finding::of).collect();
    context.insert("findings", &findings);
    match shape_view(app) {
        Some(shape) => {
            context.insert("shape", &shape);
            context.insert("readable", &true);
        }
        None => {
            context.insert("shape", &ShapeView::default());
            context.insert("readable", &false);
        }
    }
    view::render("structure.html.tera", &context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Vec<FigureView> {
        vec![FigureView {
            key: "trained".into(),
            label: "组织青年学习".into(),
            unit: "人次".into(),
            decimals: String::new(),
            token: "〔组织青年学习〕".into(),
        }]
    }

    #[test]
    fn sentences_show_labels_and_save_keys() {
        let shown = tokens_of("全年{{ trained }}人次，开展{{ 活动 }}等", &figures());
        assert_eq!(shown, "全年〔组织青年学习〕人次，开展〔活动〕等");
        assert_eq!(
            keys_of(&shown, &figures()).unwrap(),
            "全年{{ trained }}人次，开展{{ 活动 }}等"
        );
        assert_eq!(
            keys_of("共〔trained〕人次", &figures()).unwrap(),
            "共{{ trained }}人次"
        );
        // A written form (issue 25, 3) goes through the page unchanged.
        let shown = tokens_of("近{{ trained | 中文 | 余 }}人次", &figures());
        assert_eq!(shown, "近〔组织青年学习 | 中文 | 余〕人次");
        assert_eq!(
            keys_of(&shown, &figures()).unwrap(),
            "近{{ trained | 中文 | 余 }}人次"
        );
        let Err(Refusal::Form(message)) = keys_of("共〔培训〕人", &figures()) else {
            panic!("an unknown name is refused");
        };
        assert!(message.contains("〔培训〕") && message.contains("〔组织青年学习〕"));
    }

    #[test]
    fn paths_are_only_the_report_s_parts() {
        assert_eq!(
            parse_path("sections.1.items.0"),
            Some(vec![
                Step::Key("sections".into()),
                Step::Index(1),
                Step::Key("items".into()),
                Step::Index(0)
            ])
        );
        assert_eq!(parse_path("figures.0"), None);
        assert_eq!(parse_path("sections.x"), None);
        assert_eq!(parse_path("sections.0.entries.0"), None);
        assert_eq!(parse_path(""), Some(Vec::new()));
    }

    #[test]
    fn paragraphs_keep_their_breaks() {
        assert_eq!(paragraph_text("  "), None);
        assert_eq!(paragraph_text("一句。 "), Some("一句。".into()));
        assert_eq!(
            paragraph_text("甲。\r\n\r\n乙。\n"),
            Some("甲。\r\n\r\n乙。\n".replace('\r', ""))
        );
    }
}
