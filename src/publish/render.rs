//! Rendering: the composed [`Document`] through Tera templates into text formats.
//!
//! Built-in templates are compiled into the binary under the reserved prefix
//! `builtin/`. A report directory's own `templates/` folder is loaded over them: a file
//! named like a built-in replaces it, and may `{% extends "builtin/…" %}` to override a
//! single block. Ledger text reaches a template only through the escaping filters
//! (`md`, …), so it is never read as markup of the target format.

use crate::document::compose::Document;
use crate::publish::grid::{self, Advances, Face, Setting};
use crate::publish::literal::typst_string;
use crate::text::{RichText, Span};
use std::path::Path;
use tera::{Context, Kwargs, State, Tera, Value};

/// Prefix under which built-in templates are registered.
pub const BUILTIN_PREFIX: &str = "builtin/";

/// The built-in templates: (name, source).
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "summary.md.tera",
        include_str!("../../templates/summary.md.tera"),
    ),
    (
        "summary.html.tera",
        include_str!("../../templates/summary.html.tera"),
    ),
    (
        "summary.txt.tera",
        include_str!("../../templates/summary.txt.tera"),
    ),
    (
        "summary.typ.tera",
        include_str!("../../templates/summary.typ.tera"),
    ),
];

/// Errors of template loading and rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template file could not be read.
    #[error("无法读取模板 {path}：{}", crate::diag::io_reason(.source))]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A template could not be copied out for editing.
    #[error("无法写入 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Tera refused a template or failed while rendering it.
    #[error("模板 {name} 出错：{message}")]
    Template {
        /// Template name.
        name: String,
        /// Tera's explanation.
        message: String,
    },
}

/// Copies the built-in templates to `dir/templates/` for editing (`init --templates`);
/// existing files are kept.
pub fn copy_templates(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, RenderError> {
    let folder = dir.join("templates");
    let mut written = Vec::new();
    for (name, source) in BUILTIN_TEMPLATES {
        let path = folder.join(name);
        if path.exists() {
            continue;
        }
        let fail = |source| RenderError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&folder).map_err(fail)?;
        crate::files::write_durably(&path, source.as_bytes()).map_err(fail)?;
        written.push(path);
    }
    Ok(written)
}

/// A template set ready to render documents.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// Built-in templates, overridden by `report_dir/templates/*.tera` when present.
    pub fn new(report_dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut tera = Tera::new();
        // HTML templates escape every value unless marked `safe`; the others escape
        // explicitly through their target's filter.
        tera.autoescape_on([".html.tera"]);
        // Filters first: Tera checks filter names when a template is added.
        tera.register_filter("md", md_filter);
        tera.register_filter("plain", plain_filter);
        tera.register_filter("label", label_filter);
        tera.register_filter("typ", typ_filter);
        tera.register_filter("typ_str", typ_str_filter);
        tera.register_filter("typ_lines", typ_lines_filter);
        tera.register_filter("typ_title", typ_title_filter);
        tera.register_filter("typ_signature", typ_signature_filter);
        tera.set_fallback_prefixes([BUILTIN_PREFIX])
            .map_err(|e| template_error("builtin", &e))?;
        let builtins = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, source)| (format!("{BUILTIN_PREFIX}{name}"), *source));
        tera.add_raw_templates(builtins)
            .map_err(|e| template_error("builtin", &e))?;
        if let Some(dir) = report_dir {
            for (name, source) in user_templates(&dir.join("templates"))? {
                tera.add_raw_template(&name, &source)
                    .map_err(|e| template_error(&name, &e))?;
            }
        }
        Ok(Self { tera })
    }

    /// The whole summary as Markdown.
    pub fn markdown(&self, doc: &Document) -> Result<String, RenderError> {
        self.render("summary.md.tera", doc_context(doc, false))
    }

    /// The website page: title and metadata from the HTML template, the text from the
    /// Markdown template (body only) through pulldown-cmark.
    pub fn html(&self, doc: &Document) -> Result<String, RenderError> {
        let body = self.render("summary.md.tera", doc_context(doc, true))?;
        let mut context = doc_context(doc, false);
        context.insert("body_html", &crate::publish::html::markdown_to_html(&body));
        let qr = doc.url.as_deref().and_then(crate::publish::html::qr_svg);
        context.insert("qr_svg", &qr);
        context.insert("uses_kai", &doc.uses_kai());
        self.render("summary.html.tera", context)
    }

    /// Plain text for pasting into a website's editor.
    pub fn text(&self, doc: &Document) -> Result<String, RenderError> {
        self.render("summary.txt.tera", doc_context(doc, false))
    }

    /// The Typst source of the PDF. `fonts` is the role table as a Typst dictionary,
    /// `title_lines` the title broken into lines, `advances` the font advances the
    /// grid filters (`typ_lines`, `typ_title`, `typ_signature`) measure with.
    pub fn typst(
        &self,
        doc: &Document,
        fonts: &str,
        title_lines: &[String],
        advances: &Advances,
    ) -> Result<String, RenderError> {
        let mut context = doc_context(doc, false);
        context.insert("fonts", fonts);
        context.insert("title_lines", title_lines);
        context.insert("grid_advances", advances);
        self.render("summary.typ.tera", context)
    }

    fn render(&self, template: &str, context: Context) -> Result<String, RenderError> {
        let out = self
            .tera
            .render(template, &context)
            .map_err(|e| template_error(template, &e))?;
        Ok(tidy_blank_lines(&out))
    }
}

/// The template context: the document as `doc`; `body_only` leaves out the title,
/// metadata and signature (the page draws those itself).
fn doc_context(doc: &Document, body_only: bool) -> Context {
    let mut context = Context::new();
    context.insert("doc", doc);
    context.insert("body_only", &body_only);
    context
}

/// The JSON the templates see, for `build --context`.
pub fn context_json(doc: &Document) -> String {
    let mut json = serde_json::to_string_pretty(&serde_json::json!({ "doc": doc }))
        .expect("a document always serialises");
    json.push('\n');
    json
}

fn template_error(name: &str, e: &tera::Error) -> RenderError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push('：');
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    RenderError::Template {
        name: name.to_owned(),
        message,
    }
}

/// `*.tera` files of a report's own template folder, sorted by name.
fn user_templates(dir: &Path) -> Result<Vec<(String, String)>, RenderError> {
    let unreadable = |source| RenderError::Read {
        path: dir.display().to_string(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // No templates folder: no overrides. Anything else is an error, not silence.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "tera") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::read_to_string(&path)
                .map(|source| (name, source))
                .map_err(|source| RenderError::Read {
                    path: path.display().to_string(),
                    source,
                })
        })
        .collect()
}

/// At most one blank line in a row, exactly one newline at the end: templates can
/// then be written for readability without counting newlines.
fn tidy_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.trim_start_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Reads a template value as rich text: a string, or the span list of [`RichText`].
fn rich_text_of(value: &Value) -> RichText {
    if let Some(s) = value.as_str() {
        return RichText::plain(s);
    }
    let json = serde_json::to_value(value).unwrap_or_default();
    let spans = json
        .as_array()
        .map(|spans| {
            spans
                .iter()
                .map(|span| Span {
                    text: span["text"].as_str().unwrap_or_default().to_owned(),
                    strong: span["strong"].as_bool().unwrap_or(false),
                    kai: span["kai"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_else(|| {
            vec![Span {
                text: json.to_string(),
                strong: false,
                kai: false,
            }]
        });
    RichText(spans)
}

fn md_filter(value: &Value, _: Kwargs, _: &State) -> String {
    markdown(&rich_text_of(value))
}

/// Rich text without markup, line breaks folded: for plain-text output.
fn plain_filter(value: &Value, _: Kwargs, _: &State) -> String {
    rich_text_of(value).plain_text().replace(['\n', '\r'], " ")
}

/// Rich text as Typst markup made only of string literals (`#"…";`, bold as
/// `#strong("…");`, 楷体 as `#text(font: fonts.kai, "…");` with the template's role
/// table): whatever the ledger says, Typst reads it as text.
fn typ_filter(value: &Value, _: Kwargs, _: &State) -> String {
    let mut out = String::new();
    for span in &rich_text_of(value).0 {
        let literal = typst_string(&span.text.replace(['\n', '\r'], " "));
        if span.strong {
            out.push_str(&format!("#strong({literal});"));
        } else if span.kai {
            out.push_str(&format!("#text(font: fonts.kai, {literal});"));
        } else {
            out.push_str(&format!("#{literal};"));
        }
    }
    out
}

/// The grid's font advances from the template context (none outside the PDF).
fn advances_of(state: &State) -> Advances {
    state
        .get::<Value>("grid_advances")
        .ok()
        .flatten()
        .and_then(|v| serde_json::to_value(&v).ok())
        .and_then(|json| serde_json::from_value(json).ok())
        .unwrap_or_default()
}

/// Rich text set on the 公文 grid as `#gl(…)` lines (see [`grid`]): `role` names the
/// face (body, hei, kai), `indent` the cells the first line starts in, `prefix` plain
/// text set before the value (a heading's or an item's number), `keep` true on the
/// body's last paragraph, which is kept with the signature
/// ([`grid::kept_paragraph`]).
fn typ_lines_filter(value: &Value, kwargs: Kwargs, state: &State) -> String {
    let mut text = RichText::plain(kwargs.get::<&str>("prefix").ok().flatten().unwrap_or(""));
    text.append(&rich_text_of(value));
    let role = kwargs
        .get::<&str>("role")
        .ok()
        .flatten()
        .map_or(Face::Body, Face::from_key);
    let indent = kwargs.get::<i64>("indent").ok().flatten().unwrap_or(0);
    let indent = usize::try_from(indent).unwrap_or(0);
    let kept = kwargs
        .get::<Value>("keep")
        .ok()
        .flatten()
        .is_some_and(|v| v.is_truthy());
    if kept {
        grid::kept_paragraph(&text, Setting::body(role), indent, &advances_of(state))
    } else {
        grid::paragraph(&text, Setting::body(role), indent, &advances_of(state))
    }
}

/// One title line, centred on the title's cells.
fn typ_title_filter(value: &Value, _: Kwargs, state: &State) -> String {
    grid::centred(
        &rich_text_of(value).plain_text(),
        Setting::title(),
        &advances_of(state),
    )
}

/// The signature (`{issuer, date}`, either may be absent) placed in cells by GB/T 9704
/// 7.3.5.
fn typ_signature_filter(value: &Value, _: Kwargs, state: &State) -> String {
    let json = serde_json::to_value(value).unwrap_or_default();
    let issuer = json["issuer"].as_str();
    let date = json["date"].as_str();
    grid::signature(issuer, date, &advances_of(state))
}

/// A value as a Typst string literal, for code positions.
fn typ_str_filter(value: &Value, _: Kwargs, _: &State) -> String {
    typst_string(&rich_text_of(value).plain_text())
}

/// A metadata label as government sites print it: three-character labels are spread
/// to the width of four (索 引 号) so the column lines up.
fn label_filter(value: &Value, _: Kwargs, _: &State) -> String {
    let label = rich_text_of(value).plain_text();
    if label.chars().count() == 3 {
        label
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        label
    }
}

/// Rich text as Markdown: every character that Markdown could read as syntax is
/// backslash-escaped, so ledger text stays text; `**` is emitted only for bold and
/// `*` only for 楷体 (a level-2 title run into its paragraph: emphasis, which the
/// page sets in 楷体).
pub fn markdown(text: &RichText) -> String {
    let mut out = String::new();
    for span in &text.0 {
        let escaped = escape_markdown(&span.text, out.is_empty());
        if span.strong {
            out.push_str("**");
            out.push_str(&escaped);
            out.push_str("**");
        } else if span.kai {
            out.push('*');
            out.push_str(&escaped);
            out.push('*');
        } else {
            out.push_str(&escaped);
        }
    }
    out
}

/// Escapes inline syntax everywhere and block syntax (list markers, headings, rules,
/// block quotes) at the start of a line.
fn escape_markdown(s: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = at_line_start;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || c == '\r' {
            out.push(' ');
            continue;
        }
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '$' | '!'
        );
        let block = line_start && matches!(c, '-' | '+' | '=');
        if inline || block {
            out.push('\\');
            out.push(c);
        } else if c.is_ascii_digit() && line_start {
            // An ordered-list marker is digits then `.` or `)`: escape that delimiter.
            out.push(c);
            while let Some(&d) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                out.push(d);
                chars.next();
            }
            if let Some(&d @ ('.' | ')')) = chars.peek() {
                out.push('\\');
                out.push(d);
                chars.next();
            }
        } else {
            out.push(c);
        }
        line_start = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_syntax_but_keeps_emphasis() {
        let t = RichText::parse("**重点：**写了<b>和[链接](x)与#号*星*");
        assert_eq!(
            markdown(&t),
            "**重点：**写了\\<b\\>和\\[链接\\](x)与\\#号\\*星\\*"
        );
    }

    #[test]
    fn markdown_escapes_list_markers_at_line_start() {
        assert_eq!(markdown(&RichText::plain("1.深化")), "1\\.深化");
        assert_eq!(markdown(&RichText::plain("- 项")), "\\- 项");
        assert_eq!(markdown(&RichText::plain("2023年1.5倍")), "2023年1.5倍");
        assert_eq!(markdown(&RichText::plain("甲\n- 乙")), "甲 - 乙");
    }

    #[test]
    fn blank_lines_are_tidied() {
        assert_eq!(tidy_blank_lines("\n\na\n\n\n\nb  \n\n"), "a\n\nb\n");
    }
}
