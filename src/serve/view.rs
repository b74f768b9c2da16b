//! The pages, through Tera templates compiled into the binary (`templates/serve/`),
//! escaped automatically: ledger text is never marked safe.

use axum::response::Html;
use std::sync::LazyLock;
use tera::{Context, Tera};

/// The templates, stylesheet and script, embedded.
pub(crate) const PAGE: &str = include_str!("../../templates/serve/page.html.tera");
const NOTICE: &str = include_str!("../../templates/serve/notice.html.tera");
const STRUCTURE: &str = include_str!("../../templates/serve/structure.html.tera");
const PREVIEW: &str = include_str!("../../templates/serve/preview.html.tera");
const NAV: &str = include_str!("../../templates/serve/nav.html.tera");
const SETUP: &str = include_str!("../../templates/serve/setup.html.tera");
/// The stylesheet of every page.
pub(crate) const CSS: &str = include_str!("../../templates/serve/serve.css");
/// The script that refreshes the preview and shows a chosen item's figures.
pub(crate) const JS: &str = include_str!("../../templates/serve/serve.js");

static TERA: LazyLock<Tera> = LazyLock::new(|| {
    let mut tera = Tera::new();
    tera.autoescape_on([".html.tera"]);
    tera.add_raw_templates([
        ("page.html.tera", PAGE),
        ("notice.html.tera", NOTICE),
        ("structure.html.tera", STRUCTURE),
        ("preview.html.tera", PREVIEW),
        ("nav.html.tera", NAV),
        ("setup.html.tera", SETUP),
    ])
    .expect("the embedded templates parse");
    tera
});

/// Renders a page template with `context`; a failure becomes a plain message (the
/// templates are tested, so it does not happen in use).
pub(crate) fn render(template: &str, context: &Context) -> Html<String> {
    Html(
        TERA.render(template, context)
            .unwrap_or_else(|e| format!("页面模板出错：{e}")),
    )
}

/// A short page that says why something was refused or not found.
pub(crate) fn notice(title: &str, detail: &str) -> Html<String> {
    let mut context = Context::new();
    context.insert("title", title);
    context.insert("detail", detail);
    render("notice.html.tera", &context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_escape_their_text() {
        let page = notice("<script>x</script>", "\"引号\" & <b>");
        assert!(
            page.0.contains("&lt;script&gt;x&lt;&#x2F;script&gt;")
                || page.0.contains("&lt;script&gt;x&lt;/script&gt;")
        );
        assert!(!page.0.contains("<script>x"));
        assert!(page.0.contains("lang=\"zh-CN\""));
    }
}
