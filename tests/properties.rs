//! Property tests: whatever a clerk types into any text field of a ledger, the build
//! succeeds and the text comes out verbatim — in the Markdown as parsed back by
//! pulldown-cmark, on the HTML page as text, and in the PDF as extracted by poppler's
//! pdftotext (Debian's poppler-utils, which .ci/run installs).
//!
//! Verbatim means: the characters of the field, in order, with white space ignored
//! (layout breaks lines and folds spaces) and outside the few documented
//! transformations, which the generated text avoids: half-width `, ; : ! ? ( )` next to
//! Chinese become full-width, `**bold**`, `{{ placeholder }}`, list markers at the start
//! of an activity's line, and the full stop that ends a clause.

use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

/// The 6,763 GB2312 hanzi: every embedded body face has them.
static HANZI: LazyLock<Vec<char>> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/sets/gb2312_hanzi.txt");
    std::fs::read_to_string(path)
        .expect("the GB2312 list")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
});

/// Characters that mean something to Markdown, HTML, Typst or YAML, and other printable
/// ones the embedded faces cover.
const SPECIAL: &str = "#*_[]<>&`$\\@=-+|~{}\"'/.%^ 0123456789abcXYZ\
                       ，。、；：？！“”‘’（）《》【】—…·￥　";

fn hanzi() -> impl Strategy<Value = char> {
    (0..HANZI.len()).prop_map(|i| HANZI[i])
}

/// A character every embedded face can print.
fn printable() -> impl Strategy<Value = char> {
    let special: Vec<char> = SPECIAL.chars().collect();
    prop_oneof![
        3 => hanzi(),
        2 => proptest::sample::select(special),
    ]
}

/// Any Unicode scalar but the control characters (those are refused with E033):
/// private use, unassigned and noncharacters included.
fn any_char() -> impl Strategy<Value = char> {
    proptest::char::ranges(std::borrow::Cow::Borrowed(&[
        '\u{20}'..='\u{7E}',
        '\u{A0}'..='\u{D7FF}',
        '\u{E000}'..='\u{10FFFF}',
    ]))
}

/// A field's text: `middle` between two hanzi, so that it never starts with a list
/// marker, never ends with clause punctuation and is never blank; the documented
/// markup is broken up rather than rejected (rejecting costs too many cases).
fn field(middle: impl Strategy<Value = char>) -> impl Strategy<Value = String> {
    (hanzi(), proptest::collection::vec(middle, 0..24), hanzi()).prop_map(
        |(first, middle, last)| {
            let mut s = String::from(first);
            s.extend(middle.into_iter().map(|c| if widened(c) { '-' } else { c }));
            s.push(last);
            while s.contains("**") || s.contains("{{") {
                s = s.replace("**", "*-*").replace("{{", "{-{");
            }
            s
        },
    )
}

/// Half-width punctuation that becomes full-width next to Chinese.
fn widened(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')')
}

/// One text per field the ledger has.
#[derive(Debug, Clone)]
struct Texts {
    /// `None`: the ledger leaves the title out and gets `2023年{organization}工作总结`.
    title: Option<String>,
    organization: String,
    opening: String,
    section: String,
    item_title: String,
    item_text: String,
    lead: String,
    activity: String,
    plans_title: String,
    plan: String,
    closing: String,
    issuer: String,
    note: String,
    metadata: String,
}

impl Texts {
    /// The document title as the ledger gives it or as it defaults.
    fn title(&self) -> String {
        match &self.title {
            Some(title) => title.clone(),
            None => format!("2023年{}工作总结", self.organization),
        }
    }

    /// The fields printed in the document body (the PDF holds these).
    fn printed(&self) -> Vec<(&'static str, String)> {
        let title = if self.title.is_some() {
            "title"
        } else {
            "organization.name in the default title"
        };
        let fields = [
            (title, self.title()),
            ("opening", self.opening.clone()),
            ("sections[0].title", self.section.clone()),
            ("items[0].title", self.item_title.clone()),
            ("items[0].text", self.item_text.clone()),
            ("items[1].lead", self.lead.clone()),
            ("activity text", self.activity.clone()),
            ("plans.title", self.plans_title.clone()),
            ("plans.items[0]", self.plan.clone()),
            ("closing", self.closing.clone()),
            ("signature.issuer", self.issuer.clone()),
            ("note", self.note.clone()),
        ];
        fields.into_iter().collect()
    }

    /// Everything the web page holds: the body and the metadata header.
    fn on_the_page(&self) -> Vec<(&'static str, String)> {
        let mut all = self.printed();
        all.push(("publication.发布机构", self.metadata.clone()));
        all
    }
}

fn texts(chars: fn() -> BoxedStrategy<char>) -> impl Strategy<Value = Texts> {
    let f = move || field(chars());
    (
        (proptest::option::of(f()), f(), f(), f(), f(), f(), f()),
        (f(), f(), f(), f(), f(), f(), f()),
    )
        .prop_map(|(a, b)| Texts {
            title: a.0,
            organization: a.1,
            opening: a.2,
            section: a.3,
            item_title: a.4,
            item_text: a.5,
            lead: a.6,
            activity: b.0,
            plans_title: b.1,
            plan: b.2,
            closing: b.3,
            issuer: b.4,
            note: b.5,
            metadata: b.6,
        })
}

/// A YAML double-quoted scalar holding exactly `s`: characters YAML may not carry
/// literally are written as escapes.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if yaml_printable(c) => out.push(c),
            c => write!(out, "\\U{:08X}", c as u32).unwrap(),
        }
    }
    out.push('"');
    out
}

/// YAML 1.2's c-printable, less the byte order mark and NEL (which YAML folds).
fn yaml_printable(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        && c != '\u{FEFF}'
}

fn write_ledger(dir: &Path, t: &Texts) {
    let q = quoted;
    let report = format!(
        "year: 2023
organization:
  name: {organization}
{title}date: 2024-01-10
publication:
  发布机构: {metadata}
figures:
  visits: {{ label: 来访, unit: 件 }}
numbering:
  sections: 一、
  items: （一）
opening: {opening}
sections:
  - id: first
    title: {section}
    items:
      - id: written
        title: {item_title}
        text: {item_text}
      - id: logged
        title: 接待来访
        lead: {lead}
        summary: 全年接待来访{{{{ visits }}}}件。
plans:
  title: {plans_title}
  items:
    - {plan}
closing: {closing}
signature:
  issuer: {issuer}
note: {note}
",
        organization = q(&t.organization),
        title = t
            .title
            .as_deref()
            .map(|title| format!("title: {}\n", q(title)))
            .unwrap_or_default(),
        metadata = q(&t.metadata),
        opening = q(&t.opening),
        section = q(&t.section),
        item_title = q(&t.item_title),
        item_text = q(&t.item_text),
        lead = q(&t.lead),
        plans_title = q(&t.plans_title),
        plan = q(&t.plan),
        closing = q(&t.closing),
        issuer = q(&t.issuer),
        note = q(&t.note),
    );
    let activities = format!(
        "- date: 2023-05-04
  item: logged
  text: {}
  figures: {{ visits: 3 }}
",
        q(&t.activity)
    );
    std::fs::create_dir_all(dir.join("activities")).unwrap();
    std::fs::write(dir.join("report.yaml"), report).unwrap();
    std::fs::write(dir.join("activities/2023.yaml"), activities).unwrap();
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text pulldown-cmark reads in a Markdown document: text events only, so any
/// field that turned into markup (emphasis, code, links, HTML) loses characters.
fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Text(text) => Some(text.into_string()),
            _ => None,
        })
        .collect()
}

/// What a browser shows of an HTML page's body: tags, style and scripts removed,
/// character references decoded.
fn html_text(html: &str) -> String {
    let body = &html[html.find("<body").expect("a body")..];
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&decode_references(&rest[..open]));
        let tag = &rest[open..];
        let skip_to = ["style", "script", "svg"]
            .iter()
            .find(|name| tag[1..].starts_with(**name))
            .map(|name| format!("</{name}>"));
        rest = match skip_to {
            Some(close) => &tag[tag.find(&close).expect("closed") + close.len()..],
            None => &tag[tag.find('>').expect("a tag ends") + 1..],
        };
    }
    text.push_str(&decode_references(rest));
    text
}

fn decode_references(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').expect("a reference ends with ;");
        let name = &after[..end];
        let decoded = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if name.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&name[2..], 16).unwrap()).unwrap()
            }
            _ if name.starts_with('#') => char::from_u32(name[1..].parse().unwrap()).unwrap(),
            _ => panic!("unexpected reference &{name};"),
        };
        out.push(decoded);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The PDF's text as pdftotext extracts it, page numbers ("— n —") removed.
fn pdf_text(pdf: &Path) -> String {
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| {
            let line = line.trim();
            !(line.starts_with('—') && line.ends_with('—'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds the ledger and checks every field in every requested output.
fn assert_verbatim(t: &Texts, with_pdf: bool) -> Result<(), TestCaseError> {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    write_ledger(&ledger, t);
    let mut formats = vec![annual_report::Format::Md, annual_report::Format::Html];
    if with_pdf {
        formats.push(annual_report::Format::Pdf);
    }
    let options = annual_report::BuildOptions::new(work.path().join("out"), &formats);
    let built = match annual_report::build(&ledger, &options) {
        Ok(built) => built,
        Err(annual_report::Error::Invalid(report)) => {
            let findings: Vec<String> = report
                .diagnostics
                .iter()
                .map(|d| format!("{} {} {:?}", d.code, d.message, d.field))
                .collect();
            return Err(TestCaseError::fail(format!("build failed: {findings:?}")));
        }
        Err(e) => return Err(TestCaseError::fail(format!("build failed: {e}"))),
    };
    let file = |ext: &str| {
        built
            .written
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap_or_else(|| panic!("a .{ext} output"))
    };
    let markdown = without_whitespace(&markdown_text(
        &std::fs::read_to_string(file("md")).unwrap(),
    ));
    let page = without_whitespace(&html_text(&std::fs::read_to_string(file("html")).unwrap()));
    for (name, text) in t.printed() {
        let text = without_whitespace(&text);
        prop_assert!(markdown.contains(&text), "{name} {text:?} in Markdown");
    }
    for (name, text) in t.on_the_page() {
        let text = without_whitespace(&text);
        prop_assert!(page.contains(&text), "{name} {text:?} on the page");
    }
    if with_pdf {
        let pdf = without_whitespace(&pdf_text(file("pdf")));
        for (name, text) in t.printed() {
            let text = without_whitespace(&text);
            prop_assert!(pdf.contains(&text), "{name} {text:?} in the PDF:\n{pdf}");
        }
    }
    Ok(())
}

proptest! {
    // Markdown and HTML are cheap: many cases, any character at all.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_unicode_is_verbatim_in_markdown_and_html(
        t in texts(|| any_char().boxed())
    ) {
        assert_verbatim(&t, false)?;
    }
}

proptest! {
    // A PDF takes seconds in a debug build: fewer cases, characters the fonts have.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn printable_text_is_verbatim_in_markdown_html_and_pdf(
        t in texts(|| printable().boxed())
    ) {
        assert_verbatim(&t, true)?;
    }
}
