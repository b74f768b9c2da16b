//! Property tests: random ledgers of varying shape (sections, items, numbering,
//! fixed text or logged activities, enumeration, plans) whose text holds exactly what
//! the tool transforms — half-width `, ; : ! ? ( )` inside Chinese text, `**bold**`,
//! `{{`, line breaks, blank lines, tabs, list lines in activity text — next to
//! characters that mean something to Markdown, HTML, Typst or YAML.
//!
//! The expected document is computed here, one documented transformation at a time
//! (see [`Expected`]), and compared block by block (heading by heading, paragraph by
//! paragraph) with the Markdown as pulldown-cmark reads it back and with the web page's
//! blocks; the PDF's text (pdftotext, Debian's poppler-utils, which .ci/run installs)
//! must be the same characters in the same order. Runs of white space compare as one
//! space: every renderer folds them.

use crate::common;

use common::{html_blocks, markdown_blocks};
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

/// Characters that mean something to Markdown, HTML, Typst or YAML, and other
/// printable ones the embedded faces cover (a lone `*` and `{` are in the markup
/// pieces below).
const SPECIAL: &str = "#_[]<>&`$\\@=-+|~}\"'/.%^0123456789abcXYZ，。、“”‘’《》【】—…·￥";

/// Half-width marks that become full-width where they touch Chinese text.
const HALF_WIDTH: &str = ",;:!?()";

fn hanzi() -> impl Strategy<Value = char> {
    (0..HANZI.len()).prop_map(|i| HANZI[i])
}

fn hanzi_run(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(hanzi(), 1..=max).prop_map(|v| v.into_iter().collect())
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

/// One piece of a line: Chinese, a special character, a half-width mark (between
/// Chinese or not), bold, a literal `{{`, a space or a tab; with `unicode`, also any
/// Unicode character (the PDF's faces cannot draw them all).
fn piece(unicode: bool) -> BoxedStrategy<String> {
    let special: Vec<char> = SPECIAL.chars().collect();
    let marks: Vec<char> = HALF_WIDTH.chars().collect();
    let pieces = prop_oneof![
        4 => hanzi_run(4),
        2 => proptest::sample::select(special).prop_map(String::from),
        2 => proptest::sample::select(marks).prop_map(String::from),
        1 => hanzi_run(3).prop_map(|h| format!("**{h}**")),
        1 => Just("{{".to_owned()),
        1 => Just(" ".to_owned()),
        1 => Just("\t".to_owned()),
    ];
    if unicode {
        prop_oneof![6 => pieces, 1 => any_char().prop_map(String::from)].boxed()
    } else {
        pieces.boxed()
    }
}

/// One line: starts and ends with Chinese (so it is never blank, never a list line,
/// never YAML syntax at its start).
fn line(unicode: bool) -> impl Strategy<Value = String> {
    (
        hanzi_run(2),
        proptest::collection::vec(piece(unicode), 0..8),
        hanzi_run(2),
    )
        .prop_map(|(first, middle, last)| first + &middle.concat() + &last)
}

/// One paragraph: lines joined by single line breaks (folded into one paragraph).
fn paragraph(unicode: bool) -> impl Strategy<Value = String> {
    proptest::collection::vec(line(unicode), 1..=3).prop_map(|lines| lines.join("\n"))
}

/// A multi-paragraph field: paragraphs separated by blank lines.
fn paragraphs(unicode: bool) -> impl Strategy<Value = String> {
    proptest::collection::vec(paragraph(unicode), 1..=3).prop_map(|p| p.join("\n\n"))
}

/// An activity's text: a paragraph, possibly followed by list lines (`- `, `1. `).
fn activity_text(unicode: bool) -> impl Strategy<Value = String> {
    (
        paragraph(unicode),
        proptest::collection::vec((line(unicode), any::<bool>()), 0..=3),
    )
        .prop_map(|(intro, entries)| {
            let mut text = intro;
            for (n, (entry, dash)) in entries.into_iter().enumerate() {
                let marker = if dash {
                    "- ".to_owned()
                } else {
                    format!("{}. ", n + 1)
                };
                write!(text, "\n{marker}{entry}").unwrap();
            }
            text
        })
}

/// An item: fixed text, or a lead with logged activities (enumerated or not).
#[derive(Clone, Debug)]
enum ItemShape {
    Fixed {
        title: String,
        text: String,
    },
    Logged {
        title: String,
        lead: String,
        activities: Vec<(String, u64)>,
        enumerate: bool,
    },
}

#[derive(Clone, Debug)]
struct SectionShape {
    title: String,
    /// Items as sub-headings (（一）) rather than numbered paragraphs (1.).
    subheadings: bool,
    items: Vec<ItemShape>,
}

#[derive(Clone, Debug)]
struct Ledger {
    /// `None`: the ledger leaves the title out and gets `2023年{organization}工作总结`.
    title: Option<String>,
    organization: String,
    metadata: String,
    opening: String,
    sections: Vec<SectionShape>,
    plans: Vec<String>,
    closing: String,
    issuer: String,
    note: String,
}

fn item(unicode: bool) -> impl Strategy<Value = ItemShape> {
    prop_oneof![
        (line(unicode), paragraphs(unicode))
            .prop_map(|(title, text)| ItemShape::Fixed { title, text }),
        (
            line(unicode),
            line(unicode),
            proptest::collection::vec((activity_text(unicode), 0..50u64), 1..=3),
            any::<bool>(),
        )
            .prop_map(|(title, lead, activities, enumerate)| ItemShape::Logged {
                title,
                lead,
                activities,
                enumerate,
            }),
    ]
}

fn section(unicode: bool) -> impl Strategy<Value = SectionShape> {
    (
        line(unicode),
        any::<bool>(),
        proptest::collection::vec(item(unicode), 1..=3),
    )
        .prop_map(|(title, subheadings, items)| SectionShape {
            title,
            subheadings,
            items,
        })
}

/// A ledger; with `unicode`, its text also holds any Unicode character.
fn ledger(unicode: bool) -> impl Strategy<Value = Ledger> {
    (
        (
            proptest::option::of(line(unicode)),
            line(unicode),
            line(unicode),
            paragraphs(unicode),
        ),
        proptest::collection::vec(section(unicode), 1..=3),
        (
            proptest::collection::vec(line(unicode), 1..=2),
            paragraphs(unicode),
            line(unicode),
            line(unicode),
        ),
    )
        .prop_map(|(a, sections, b)| Ledger {
            title: a.0,
            organization: a.1,
            metadata: a.2,
            opening: a.3,
            sections,
            plans: b.0,
            closing: b.1,
            issuer: b.2,
            note: b.3,
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
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
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

fn write_ledger(dir: &Path, l: &Ledger) {
    let q = quoted;
    let mut report = format!(
        "year: 2023\norganization:\n  name: {}\n{}date: 2024-01-10\npublication:\n  发布机构: {}\n\
         figures:\n  visits: {{ label: 来访, unit: 件 }}\nnumbering:\n  sections: 一、\n  items: （一）\n\
         opening: {}\nsections:\n",
        q(&l.organization),
        l.title
            .as_deref()
            .map(|t| format!("title: {}\n", q(t)))
            .unwrap_or_default(),
        q(&l.metadata),
        q(&l.opening),
    );
    let mut log = String::new();
    let mut day = 0;
    for (si, section) in l.sections.iter().enumerate() {
        let style = if section.subheadings {
            "（一）"
        } else {
            "\"1.\""
        };
        write!(
            report,
            "  - id: s{si}\n    title: {}\n    numbering: {style}\n    items:\n",
            q(&section.title)
        )
        .unwrap();
        for (ii, item) in section.items.iter().enumerate() {
            writeln!(report, "      - id: s{si}-i{ii}").unwrap();
            match item {
                ItemShape::Fixed { title, text } => {
                    if section.subheadings {
                        writeln!(report, "        title: {}", q(title)).unwrap();
                    }
                    writeln!(report, "        text: {}", q(text)).unwrap();
                }
                ItemShape::Logged {
                    title,
                    lead,
                    activities,
                    enumerate,
                } => {
                    if section.subheadings {
                        writeln!(report, "        title: {}", q(title)).unwrap();
                    }
                    write!(
                        report,
                        "        lead: {}\n        enumerate: {enumerate}\n        summary: 全年接待来访{{{{ visits }}}}件。\n",
                        q(lead)
                    )
                    .unwrap();
                    for (text, visits) in activities {
                        // One day apart, so date order is the order written.
                        day += 1;
                        let date = chrono::NaiveDate::from_yo_opt(2023, day).unwrap();
                        write!(
                            log,
                            "- date: {date}\n  item: s{si}-i{ii}\n  text: {}\n  figures: {{ visits: {visits} }}\n",
                            q(text)
                        )
                        .unwrap();
                    }
                }
            }
        }
    }
    report.push_str("plans:\n  items:\n");
    for plan in &l.plans {
        writeln!(report, "    - {}", q(plan)).unwrap();
    }
    write!(
        report,
        "closing: {}\nsignature:\n  issuer: {}\nnote: {}\n",
        q(&l.closing),
        q(&l.issuer),
        q(&l.note)
    )
    .unwrap();
    // An empty log is an error (E003); a ledger of fixed texts has none.
    let logs: &[(&str, &str)] = if log.is_empty() {
        &[]
    } else {
        &[("2023.yaml", log.as_str())]
    };
    crate::common::write_ledger(dir, &report, logs);
}

/// The documented transformations, each written out on its own.
struct Expected;

impl Expected {
    /// Chinese text: the ideographs the generator uses and full-width punctuation.
    fn is_chinese(c: char) -> bool {
        annual_report::text::is_cjk(c)
    }

    /// Line breaks inside a paragraph fold: lines trimmed and joined, with no space
    /// between Chinese characters and one space otherwise.
    fn folded(s: &str) -> String {
        let mut out = String::new();
        for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let (Some(a), Some(b)) = (out.chars().last(), line.chars().next())
                && !(Self::is_chinese(a) || Self::is_chinese(b))
            {
                out.push(' ');
            }
            out.push_str(line);
        }
        out
    }

    /// A half-width `, ; : ! ? ( )` touching Chinese text becomes full-width.
    fn widened(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let wide = |c| match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '!' => '！',
            '?' => '？',
            '(' => '（',
            ')' => '）',
            c => c,
        };
        (0..chars.len())
            .map(|i| {
                let touches = (i > 0 && Self::is_chinese(chars[i - 1]))
                    || chars.get(i + 1).is_some_and(|&c| Self::is_chinese(c));
                if touches { wide(chars[i]) } else { chars[i] }
            })
            .collect()
    }

    /// One paragraph as prose: folded, then widened.
    fn prose(s: &str) -> String {
        Self::widened(&Self::folded(s))
    }

    /// Blank lines split a text into paragraphs.
    fn paragraphs(s: &str) -> Vec<String> {
        s.split("\n\n").map(Self::prose).collect()
    }

    /// `**…**` pairs are bold: a reader sees the text without the asterisks.
    fn unbolded(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(open) = rest.find("**") {
            let after = &rest[open + 2..];
            match after.find("**") {
                Some(close) if close > 0 => {
                    out.push_str(&rest[..open]);
                    out.push_str(&after[..close]);
                    rest = &after[close + 2..];
                }
                _ => break,
            }
        }
        out + rest
    }

    /// Pieces of one paragraph join; a piece that does not end a clause gets 。 first.
    fn join(current: &mut String, piece: &str) {
        let ends_clause = current
            .chars()
            .last()
            .is_some_and(|c| "。！？；：，、…”’）》】".contains(c));
        if !current.is_empty() && !ends_clause {
            current.push('。');
        }
        current.push_str(piece);
    }

    /// An enumerated entry loses its closing punctuation before its own separator.
    fn stripped(s: &str) -> &str {
        s.trim_end_matches(['。', '；', '，', '.', ';'])
    }

    /// List lines inside an activity's text become an enumeration: 一是……；二是……。
    /// (（1）…… when the activities are themselves enumerated).
    fn activity(text: &str, inner_numbers: bool) -> String {
        let mut lines = text.split('\n');
        let intro = lines.next().unwrap_or_default();
        let mut intro_lines = vec![intro];
        let mut entries = Vec::new();
        for line in lines {
            let entry = line
                .strip_prefix("- ")
                .or_else(|| line.split_once(". ").map(|(_, rest)| rest));
            match entry {
                Some(entry)
                    if line.starts_with("- ") || line.starts_with(|c: char| c.is_ascii_digit()) =>
                {
                    entries.push(entry)
                }
                _ if entries.is_empty() => intro_lines.push(line),
                _ => unreachable!("the generator writes no continuation lines"),
            }
        }
        let mut out = Self::prose(&intro_lines.join("\n"));
        if entries.is_empty() {
            return out;
        }
        if !out.is_empty() && !"。！？；：，、…”’）》】".contains(out.chars().last().unwrap())
        {
            out.push('：');
        }
        for (n, entry) in entries.iter().enumerate() {
            let label = if inner_numbers {
                format!("（{}）", n + 1)
            } else {
                format!("{}是", numeral(n + 1))
            };
            out.push_str(&label);
            out.push_str(Self::stripped(&Self::prose(entry)));
            out.push(if n + 1 == entries.len() { '。' } else { '；' });
        }
        out
    }

    /// The document's blocks in reading order, as text without markup. Paragraphs
    /// are rich text (bold); titles, headings, metadata, signature and note are plain.
    fn blocks(l: &Ledger, with_header: bool) -> Vec<String> {
        let mut blocks: Vec<(bool, String)> = Vec::new();
        let plain = |s: String| (false, s);
        let rich = |s: String| (true, s);
        if with_header {
            let title = match &l.title {
                Some(t) => Self::prose(t),
                None => Self::prose(&format!("2023年{}工作总结", l.organization)),
            };
            blocks.push(plain(title));
            blocks.push(plain(format!("发布机构：{}", Self::prose(&l.metadata))));
        }
        blocks.extend(Self::paragraphs(&l.opening).into_iter().map(rich));
        for (si, section) in l.sections.iter().enumerate() {
            let heading = format!("{}、{}", numeral(si + 1), Self::prose(&section.title));
            blocks.push(plain(heading));
            for (ii, item) in section.items.iter().enumerate() {
                let (title, paragraphs) = Self::item(item);
                if section.subheadings {
                    let heading = format!("（{}）{}", numeral(ii + 1), Self::prose(title));
                    blocks.push(plain(heading));
                    blocks.extend(paragraphs.into_iter().map(rich));
                } else {
                    let mut paragraphs = paragraphs.into_iter();
                    let first = paragraphs.next().unwrap_or_default();
                    blocks.push(rich(format!("{}.{first}", ii + 1)));
                    blocks.extend(paragraphs.map(rich));
                }
            }
        }
        let plans = format!("{}、下一步工作计划", numeral(l.sections.len() + 1));
        blocks.push(plain(plans));
        for (n, plan) in l.plans.iter().enumerate() {
            blocks.push(rich(format!("{}.{}", n + 1, Self::prose(plan))));
        }
        blocks.extend(Self::paragraphs(&l.closing).into_iter().map(rich));
        if with_header {
            let signature = format!("{} 2024年1月10日", Self::prose(&l.issuer));
            blocks.push(plain(signature));
            blocks.push(plain(Self::prose(&l.note)));
        }
        blocks
            .into_iter()
            .map(|(is_rich, b)| match is_rich {
                true => collapsed(&Self::unbolded(&b)),
                false => collapsed(&b),
            })
            .collect()
    }

    /// An item's title and paragraphs.
    fn item(item: &ItemShape) -> (&str, Vec<String>) {
        match item {
            ItemShape::Fixed { title, text } => (title, Self::paragraphs(text)),
            ItemShape::Logged {
                title,
                lead,
                activities,
                enumerate,
            } => {
                let mut paragraph = Self::prose(lead);
                let texts: Vec<String> = activities
                    .iter()
                    .map(|(text, _)| Self::activity(text, *enumerate))
                    .collect();
                if *enumerate {
                    let mut all = String::new();
                    for (n, text) in texts.iter().enumerate() {
                        all.push_str(&format!("{}是", numeral(n + 1)));
                        all.push_str(Self::stripped(text));
                        all.push('。');
                    }
                    Self::join(&mut paragraph, &all);
                } else {
                    for text in &texts {
                        Self::join(&mut paragraph, text);
                    }
                }
                let visits: u64 = activities.iter().map(|(_, v)| v).sum();
                Self::join(&mut paragraph, &format!("全年接待来访{visits}件。"));
                (title, vec![paragraph])
            }
        }
    }
}

/// 1 → 一 … 10 → 十 (the generator has at most four sections or items).
fn numeral(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][n - 1]
}

/// Runs of white space as one space, none at either end.
fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether pdftotext is there, asked once (one skip line, not one per case).
static PDFTOTEXT_INSTALLED: LazyLock<bool> =
    LazyLock::new(|| crate::common::require_tools(&[crate::common::PDFTOTEXT]));

/// The PDF's text as pdftotext extracts it, page numbers ("— n —") removed.
fn pdf_text(pdf: &Path) -> String {
    // -raw: the content stream's order, which is the reading order here. The default
    // layout mode drops a hyphen that ends a line (it "dehyphenates" the word).
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
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
        .collect()
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Builds the ledger and compares every output with the expected blocks.
fn assert_transformed(l: &Ledger, with_pdf: bool) -> Result<(), TestCaseError> {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("ledger");
    write_ledger(&dir, l);
    let mut formats = vec![annual_report::Format::Md, annual_report::Format::Html];
    if with_pdf {
        formats.push(annual_report::Format::Pdf);
    }
    let options = annual_report::BuildOptions::new(work.path().join("out"), &formats);
    let built = match annual_report::build(&dir, &options) {
        Ok(built) => built,
        Err(annual_report::Error::Invalid(report)) => {
            let findings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
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
            .clone()
    };
    let expected = Expected::blocks(l, true);
    let markdown = std::fs::read_to_string(file("md")).unwrap();
    let ours: Vec<String> = markdown_blocks(&markdown)
        .iter()
        .map(|b| collapsed(b))
        .collect();
    for (i, (a, b)) in ours.iter().zip(&expected).enumerate() {
        prop_assert_eq!(a, b, "Markdown block {}", i);
    }
    prop_assert_eq!(ours.len(), expected.len(), "Markdown blocks");
    let page = std::fs::read_to_string(file("html")).unwrap();
    let ours: Vec<String> = html_blocks(&page).iter().map(|b| collapsed(b)).collect();
    // The page draws title, body, signature and note in the same order (its metadata
    // is a definition list, not a block).
    let body: Vec<&String> = ours.iter().filter(|b| !b.is_empty()).collect();
    let wanted: Vec<&String> = expected
        .iter()
        .enumerate()
        .filter(|(i, b)| *i != 1 && !b.is_empty())
        .map(|(_, b)| b)
        .collect();
    for (i, (a, b)) in body.iter().zip(&wanted).enumerate() {
        prop_assert_eq!(a, b, "page block {}", i);
    }
    prop_assert_eq!(body.len(), wanted.len(), "page blocks");
    if with_pdf {
        // The PDF has no metadata; everything else, in order, character for character.
        let mut printed = expected.clone();
        printed.remove(1);
        let wanted = without_whitespace(&printed.concat());
        let text = without_whitespace(&pdf_text(&file("pdf")));
        prop_assert_eq!(text, wanted, "the PDF's text");
    }
    Ok(())
}

proptest! {
    // Markdown and HTML are cheap: many ledgers, any Unicode character among the rest.
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_transformation_holds_in_markdown_and_html(l in ledger(true)) {
        assert_transformed(&l, false)?;
    }
}

proptest! {
    // A PDF takes seconds in a debug build: fewer ledgers, characters the faces have.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_transformation_holds_in_the_pdf_too_with_pdftotext(l in ledger(false)) {
        if !*PDFTOTEXT_INSTALLED {
            return Ok(());
        }
        assert_transformed(&l, true)?;
    }
}
