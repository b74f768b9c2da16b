//! A ledger made from the page: `serve` on an empty or missing directory shows a
//! form (preset, organization name, year) instead of an error, and creates the
//! ledger as `init` does.

use super::App;
use super::form::Posted;
use super::guard::same_secret;
use super::routes::{csrf_refused, unreadable_form};
use super::view;
use crate::ledger::init::{InitError, InitOptions, PRESETS, init};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Serialize;
use std::sync::Arc;
use tera::Context;

/// A preset as the form offers it.
#[derive(Serialize)]
struct PresetChoice {
    name: &'static str,
    description: &'static str,
    selected: bool,
}

/// The form, with what was typed and why it was refused.
pub(crate) fn page(
    app: &App,
    preset: &str,
    name: &str,
    year: &str,
    refused: Option<&str>,
) -> Html<String> {
    let mut context = Context::new();
    context.insert("csrf", &app.csrf);
    context.insert("dir", &app.dir.display().to_string());
    context.insert(
        "presets",
        &PRESETS
            .iter()
            .map(|p| PresetChoice {
                name: p.name,
                description: p.description,
                selected: p.name == preset,
            })
            .collect::<Vec<_>>(),
    );
    context.insert("name", name);
    context.insert("year", year);
    context.insert("refused", &refused);
    view::render("setup.html.tera", &context)
}

/// The form as first shown: the first preset, this year.
pub(crate) fn first_page(app: &App) -> Html<String> {
    let year = chrono::Local::now().year().to_string();
    page(app, PRESETS[0].name, "", &year, None)
}

/// `POST /setup`: creates the ledger, then opens its structure.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(pairs)) = form else {
        return unreadable_form(form.err());
    };
    let posted = Posted::new(&pairs);
    let get = |name: &str| posted.get(name).trim().to_owned();
    if !same_secret(&get("csrf"), &app.csrf) {
        return csrf_refused();
    }
    if app.has_ledger() {
        return Redirect::to("/").into_response();
    }
    let (preset, name, year) = (get("preset"), get("name"), get("year"));
    let refused = |status: StatusCode, message: &str| {
        let mut response = page(&app, &preset, &name, &year, Some(message)).into_response();
        *response.status_mut() = status;
        response
    };
    let Some(year_number) = parse_year(&year) else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("“{year}” 不是年度：请写四位数的年份，例如 2024"),
        );
    };
    if name.is_empty() {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请填写单位全称，例如 茶盘洲镇妇联",
        );
    }
    let options = InitOptions {
        preset: preset.clone(),
        year: year_number,
        name: Some(name.clone()),
    };
    let dir = app.dir.clone();
    let made = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir).map_err(|source| InitError::Write {
            path: dir.clone(),
            source,
        })?;
        init(&dir, &options)
    })
    .await
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
    match made {
        Ok(_) => {
            app.refresh().await;
            Redirect::to("/structure?done=created").into_response()
        }
        Err(error) => refused(StatusCode::UNPROCESSABLE_ENTITY, &error.to_string()),
    }
}

/// A reporting year as typed: four digits (full-width ones too), 2000–2100.
fn parse_year(year: &str) -> Option<i32> {
    let digits = crate::text::ascii_digits(year.trim().trim_end_matches('年'));
    digits.parse().ok().filter(|y| (2000..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_as_a_clerk_types_them() {
        assert_eq!(parse_year("2024"), Some(2024));
        assert_eq!(parse_year("２０２４年"), Some(2024));
        assert_eq!(parse_year("24"), None);
        assert_eq!(parse_year("二〇二四"), None);
    }
}
