//! The PDF's layout measured on Typst's laid-out frames, glyph by glyph, against the
//! numbers of GB/T 9704 (`official-format.md`), with the embedded fonts only.

use crate::common;

use annual_report::publish::typeset::fonts::{FontLibrary, FontOptions};
use common::{copy_dir, fixture, paging_ledger};
use std::sync::LazyLock;
use typst::layout::{Frame, FrameItem, Point};
use typst_layout::PagedDocument;

static FONTS: LazyLock<FontLibrary> = LazyLock::new(|| FontLibrary::new(&FontOptions::default()));

const MM: f64 = 72.0 / 25.4;
const PITCH: f64 = 225.0 * MM / 22.0;
/// A body cell: 156 mm / 28.
const CELL: f64 = 156.0 * MM / 28.0;

/// Whether a line begins like a heading: 一、… or （一）….
fn starts_like_heading(text: &str) -> bool {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let numbered = text
        .split_once('、')
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(numeral));
    let paren = text.strip_prefix('（').and_then(|t| t.split_once('）'));
    numbered || paren.is_some_and(|(n, _)| !n.is_empty() && n.chars().all(numeral))
}

/// One run of glyphs as placed on a page.
#[derive(Debug, Clone)]
struct Run {
    page: usize,
    x: f64,
    baseline: f64,
    width: f64,
    size: f64,
    family: String,
    text: String,
    tofu: bool,
}

fn collect(frame: &Frame, offset: Point, page: usize, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        let at = offset + *pos;
        match item {
            FrameItem::Group(group) => {
                let t = group.transform;
                assert!(
                    t.sx.get() == 1.0 && t.sy.get() == 1.0,
                    "only translations expected"
                );
                collect(&group.frame, at + Point::new(t.tx, t.ty), page, out);
            }
            FrameItem::Text(text) => out.push(Run {
                page,
                x: at.x.to_pt(),
                baseline: at.y.to_pt(),
                width: text.width().to_pt(),
                size: text.size.to_pt(),
                family: text.font.font().info().family.clone(),
                text: text.text.to_string(),
                tofu: text.glyphs.iter().any(|g| g.id == 0),
            }),
            _ => {}
        }
    }
}

fn runs(document: &PagedDocument) -> Vec<Run> {
    let mut out = Vec::new();
    for (n, page) in document.pages().iter().enumerate() {
        collect(&page.frame, Point::zero(), n + 1, &mut out);
    }
    out
}

/// A line: the runs sharing a baseline on a page, left to right.
#[derive(Debug)]
struct Line {
    page: usize,
    baseline: f64,
    size: f64,
    start: f64,
    end: f64,
    text: String,
}

fn lines(runs: &[Run]) -> Vec<Line> {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| {
        (a.page, a.baseline, a.x)
            .partial_cmp(&(b.page, b.baseline, b.x))
            .unwrap()
    });
    let mut out: Vec<Line> = Vec::new();
    for run in sorted {
        match out.last_mut() {
            Some(line) if line.page == run.page && (line.baseline - run.baseline).abs() < 0.5 => {
                line.end = line.end.max(run.x + run.width);
                line.text.push_str(&run.text);
                line.size = line.size.max(run.size);
            }
            _ => out.push(Line {
                page: run.page,
                baseline: run.baseline,
                size: run.size,
                start: run.x,
                end: run.x + run.width,
                text: run.text.clone(),
            }),
        }
    }
    out
}

/// The top of a line's box: the layout sets every text's top edge at 0.8em.
fn box_top(line: &Line) -> f64 {
    line.baseline - 0.8 * line.size
}

fn layout(dir: &std::path::Path) -> PagedDocument {
    annual_report::layout(dir, &FONTS).expect("fixture lays out")
}

/// Lays out a ledger of `report` with no activities.
fn layout_report(report: &str) -> PagedDocument {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("report.yaml"), report).unwrap();
    std::fs::create_dir(work.path().join("activities")).unwrap();
    std::fs::write(work.path().join("activities/2023.yaml"), "[]\n").unwrap();
    layout(work.path())
}

fn is_body_line(line: &Line) -> bool {
    (line.size - 16.0).abs() < 0.1
}

#[test]
fn chapanzhou_holds_the_official_grid() {
    let document = layout(&fixture("chapanzhou-2023"));
    let pages = document.pages();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let runs = runs(&document);
    let lines = lines(&runs);

    // Page size.
    for page in pages {
        let size = page.frame.size();
        assert!((size.x.to_pt() / MM - 210.0).abs() < 0.5);
        assert!((size.y.to_pt() / MM - 297.0).abs() < 0.5);
    }

    // No tofu, and every glyph from its role's family.
    for run in &runs {
        assert!(!run.tofu, "missing glyph in {run:?}");
        let expected: &[&str] = match run.size.round() as i64 {
            22 => &["Noto Serif CJK SC"],
            14 => &["Noto Serif CJK SC"],
            _ if run.text.starts_with(['一', '二', '三', '四', '五'])
                && run.text.contains('、') =>
            {
                &["Noto Sans CJK SC"]
            }
            _ => &["FandolFang R", "Noto Serif CJK SC", "Noto Sans CJK SC"],
        };
        assert!(expected.contains(&run.family.as_str()), "{run:?}");
    }
    let headings: Vec<&Run> = runs
        .iter()
        .filter(|r| r.family == "Noto Sans CJK SC")
        .collect();
    assert_eq!(
        headings
            .iter()
            .map(|r| r.text.chars().next().unwrap())
            .filter(|c| "一二三四五".contains(*c))
            .count(),
        5,
        "five level-1 headings in 黑体"
    );

    // Sizes: title 22pt, body 16pt, page numbers 14pt, nothing else.
    for line in &lines {
        let ok = [22.0, 16.0, 14.0]
            .iter()
            .any(|s| (line.size - s).abs() < 0.1);
        assert!(ok, "{line:?}");
    }

    let grid_top = 37.0 * MM;
    let grid_bottom = 262.0 * MM;
    let left = 28.0 * MM;
    let right = 184.0 * MM;
    let text_lines: Vec<&Line> = lines.iter().filter(|l| l.size > 15.0).collect();

    // First line box at 37 mm; every line box on the 22-line grid and inside the block.
    let first = text_lines[0];
    assert!(
        (box_top(first) - grid_top).abs() < 0.5 * MM,
        "title top {}",
        box_top(first) / MM
    );
    for line in &text_lines {
        let slot = (box_top(line) - grid_top) / PITCH;
        assert!(
            (slot - slot.round()).abs() * PITCH < 0.3,
            "off grid: {line:?}"
        );
        assert!(
            slot.round() >= 0.0 && slot.round() <= 21.0,
            "slot {slot}: {line:?}"
        );
        assert!(
            box_top(line) + line.size <= grid_bottom + 0.01,
            "below the block: {line:?}"
        );
    }

    // 22 lines on every page but the last: the last line sits in slot 21, or in slot 20
    // when the next page starts with a heading kept with its text.
    for page in 1..pages.len() {
        let on_page: Vec<&&Line> = text_lines.iter().filter(|l| l.page == page).collect();
        let last_slot = ((box_top(on_page.last().unwrap()) - grid_top) / PITCH).round();
        let next_first = text_lines.iter().find(|l| l.page == page + 1).unwrap();
        let expected = if starts_like_heading(&next_first.text) {
            20.0
        } else {
            21.0
        };
        assert_eq!(
            last_slot,
            expected,
            "page {page} ends at line {}",
            last_slot + 1.0
        );
        let used = if page == 1 {
            on_page.len() + 1
        } else {
            on_page.len()
        };
        assert_eq!(
            used as f64,
            expected + 1.0,
            "page {page}: lines (page 1 has one blank after the title)"
        );
    }

    // Median baseline pitch in running text.
    let mut pitches: Vec<f64> = text_lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page && is_body_line(w[0]) && is_body_line(w[1]))
        .map(|w| w[1].baseline - w[0].baseline)
        .collect();
    pitches.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = pitches[pitches.len() / 2];
    assert!((median - 28.99).abs() < 0.1, "pitch {median}");

    // Left edge: continuation lines at 28 mm, first lines two characters in.
    let body: Vec<&&Line> = text_lines.iter().filter(|l| is_body_line(l)).collect();
    let mut continuation = 0;
    let mut indented = 0;
    for line in &body {
        let start = line.start / MM;
        if (start - 28.0).abs() < 1.0 {
            continuation += 1;
        } else {
            assert!(
                (line.start - (left + 32.0)).abs() < 0.5 * MM,
                "indent {start} mm: {line:?}"
            );
            indented += 1;
        }
        // Only a closing mark hangs, one cell into the margin.
        let hangs = line.text.ends_with(|c| NO_START.contains(c));
        let limit = if hangs { right + CELL } else { right };
        assert!(
            line.end <= limit + 0.5 * MM,
            "past the right edge: {line:?}"
        );
    }
    assert!(continuation > 20 && indented > 20);

    // Full lines end at 184 mm: a line followed by a continuation line on the same page.
    for w in body.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a.page == b.page
            && (b.start / MM - 28.0).abs() < 1.0
            && (b.baseline - a.baseline - PITCH).abs() < 0.5
        {
            // A line ends short only when its next unit had to move down with it: an
            // opening mark, a character followed by a mark that may not start a line, or
            // a half-width run wider than the cells left.
            let mut next = b.text.chars();
            let first = next.next().unwrap();
            let second = next.next().unwrap_or(' ');
            let pushed =
                NO_END.contains(first) || NO_START.contains(second) || first.is_ascii_graphic();
            assert!(
                pushed || a.end >= right - 1.0 * MM,
                "short full line ({} mm): {a:?}",
                a.end / MM
            );
        }
    }

    // Page numbers: "— n —", 14pt, centred 7 mm below the block, odd right, even left.
    let folios: Vec<&Line> = lines
        .iter()
        .filter(|l| (l.size - 14.0).abs() < 0.1)
        .collect();
    // The figures the closing notes quote (visible with --nocapture).
    let per_page: Vec<usize> = (1..=pages.len())
        .map(|p| text_lines.iter().filter(|l| l.page == p).count())
        .collect();
    let folio_text: Vec<String> = folios
        .iter()
        .map(|f| {
            format!(
                "p{} {:.2}-{:.2} mm centre {:.2} mm",
                f.page,
                f.start / MM,
                f.end / MM,
                (box_top(f) + f.size / 2.0) / MM
            )
        })
        .collect();
    eprintln!(
        "measured: {} pages, text lines per page {per_page:?}, first line box top {:.2} mm, \
         median pitch {median:.3} pt, folios {folio_text:?}",
        pages.len(),
        box_top(first) / MM,
    );
    assert_eq!(folios.len(), pages.len());
    for (i, folio) in folios.iter().enumerate() {
        let n = i + 1;
        assert_eq!(folio.page, n);
        assert_eq!(folio.text.replace(' ', ""), format!("—{n}—"));
        let centre = box_top(folio) + folio.size / 2.0;
        assert!(
            (centre - (grid_bottom + 7.0 * MM)).abs() < 1.0 * MM,
            "folio centre {}",
            centre / MM
        );
        if n % 2 == 1 {
            assert!(
                (folio.end - (right - 14.0)).abs() < 0.5 * MM,
                "odd folio ends {}",
                folio.end / MM
            );
        } else {
            assert!(
                (folio.start - (left + 14.0)).abs() < 0.5 * MM,
                "even folio starts {}",
                folio.start / MM
            );
        }
    }
}

#[test]
fn a_full_line_of_hanzi_holds_28_characters() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    let hanzi: String = "青山街道团工委组织青年志愿者开展社区服务活动"
        .chars()
        .cycle()
        .take(200)
        .collect();
    let report = std::fs::read_to_string(ledger.join("report.yaml"))
        .unwrap()
        .replace("closing: |\n", &format!("closing: |\n  {hanzi}\n\n"));
    std::fs::write(ledger.join("report.yaml"), report).unwrap();
    let document = layout(&ledger);
    let lines = lines(&runs(&document));
    let all_hanzi: Vec<&Line> = lines
        .iter()
        .filter(|l| l.size > 15.0 && l.text.chars().count() > 20)
        .filter(|l| {
            l.text
                .chars()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        })
        .collect();
    assert!(all_hanzi.len() >= 5, "{all_hanzi:?}");
    // The paragraph's first line is indented by two characters; the others are full.
    let full: Vec<&&Line> = all_hanzi
        .iter()
        .filter(|l| (l.start / MM - 28.0).abs() < 1.0)
        .collect();
    assert!(full.len() >= 4);
    for line in full.iter().take(full.len() - 1) {
        assert_eq!(line.text.chars().count(), 28, "{line:?}");
        let pitch = (line.end - line.start) / 28.0;
        assert!((pitch - 15.79).abs() < 0.05, "character pitch {pitch}");
    }
}

#[test]
fn long_titles_are_centred_on_balanced_lines() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    let report = std::fs::read_to_string(ledger.join("report.yaml"))
        .unwrap()
        .replace(
            "title: 青山街道团工委2024年工作总结",
            "title: 共青团青山街道工作委员会关于2024年度基层团组织建设和青年志愿服务的工作总结",
        );
    std::fs::write(ledger.join("report.yaml"), report).unwrap();
    let lines = lines(&runs(&layout(&ledger)));
    let title: Vec<&Line> = lines
        .iter()
        .filter(|l| (l.size - 22.0).abs() < 0.1)
        .collect();
    assert_eq!(title.len(), 2, "{title:?}");
    let centre = (28.0 + 78.0) * MM;
    for line in &title {
        let mid = (line.start + line.end) / 2.0;
        assert!((mid - centre).abs() < 1.0, "{line:?}");
        assert!(line.end - line.start <= 156.0 * MM);
    }
    let lens: Vec<usize> = title.iter().map(|l| l.text.chars().count()).collect();
    assert!(lens[0] >= lens[1] && lens[0] - lens[1] <= 4, "{lens:?}");
    assert!((title[1].baseline - title[0].baseline - PITCH).abs() < 0.1);
}

#[test]
fn signature_follows_gbt_9704_7_3_5() {
    let lines = lines(&runs(&layout(&fixture("qingshan-2024-tuanwei"))));
    let issuer = lines
        .iter()
        .find(|l| l.text == "共青团青山街道工作委员会")
        .unwrap();
    let date = lines.iter().find(|l| l.text == "2025年1月15日").unwrap();
    let right = 184.0 * MM;
    // The issuer is longer than the date: issuer two characters in from the right,
    // the date starting two characters right of the issuer's start.
    assert!((issuer.end - (right - 32.0)).abs() < 1.0, "{issuer:?}");
    assert!((date.start - (issuer.start + 32.0)).abs() < 1.0, "{date:?}");
    assert!((date.baseline - issuer.baseline - PITCH).abs() < 0.1);
    let note = lines.iter().find(|l| l.text == "（此件公开发布）").unwrap();
    assert!((note.start - (28.0 * MM + 32.0)).abs() < 1.0, "{note:?}");
    assert!((note.baseline - date.baseline - PITCH).abs() < 0.1);
}

/// Two shapes of issue 12 on the page: a run-in heading set in 黑体 at the start of
/// its paragraph, the body after it in 仿宋; a signature of the date alone, ending
/// four characters in from the right edge of the text block.
#[test]
fn run_in_heading_face_and_a_date_alone() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path();
    std::fs::write(
        ledger.join("report.yaml"),
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
sections:
  - id: industry
    title: 产业发展
    run_in: true
    items:
      - id: farming
        text: 今年新建大棚二十个。
signature: { show_issuer: false }
",
    )
    .unwrap();
    std::fs::create_dir(ledger.join("activities")).unwrap();
    std::fs::write(
        ledger.join("activities/2023.yaml"),
        "- date: 2023-03-08\n  item: farming\n  text: 培训种植户\n",
    )
    .unwrap();
    let runs = runs(&layout(ledger));
    let heading = runs.iter().find(|r| r.text.contains("产业发展")).unwrap();
    assert_eq!(heading.family, "Noto Sans CJK SC", "{heading:?}");
    let body = runs.iter().find(|r| r.text.contains("今年")).unwrap();
    assert_eq!(body.family, "FandolFang R", "{body:?}");
    assert!((heading.baseline - body.baseline).abs() < 0.1);
    // The heading starts the paragraph's first line, two characters in.
    let first = runs
        .iter()
        .filter(|r| (r.baseline - heading.baseline).abs() < 0.1)
        .map(|r| r.x)
        .fold(f64::MAX, f64::min);
    assert!((first - (28.0 * MM + 2.0 * CELL)).abs() < 1.0, "{first}");
    let lines = lines(&runs);
    assert!(
        !lines
            .iter()
            .any(|l| l.text.contains("青山社区妇联") && l.size < 20.0)
    );
    let date = lines.iter().find(|l| l.text == "2024年1月10日").unwrap();
    let right = 184.0 * MM;
    assert!((date.end - (right - 4.0 * CELL)).abs() < 1.0, "{date:?}");
}

// ---------------------------------------------------------------------------------
// The grid, glyph by glyph: every character in its cell (issue 11).

/// The fixtures whose PDFs are measured cell by cell.
const FIXTURES: &[&str] = &[
    "chapanzhou-2023",
    "qingshan-2024-tuanwei",
    "xinhe-2022",
    "xinhe-2023",
    "yuanjiang-2023",
    "jiangwan-2024-punctuation",
    "xushuihe-2023-zhen",
];

/// Marks that may not begin a line (GB 避头).
const NO_START: &str = "，。、；：？！）》”’〕】…";
/// Marks that may not end a line (GB 避尾).
const NO_END: &str = "（《“‘〔【";
/// Full-width marks.
const MARKS: &str = "，。、；：？！）》”’〕】（《“‘〔【…—·";

/// One glyph as drawn: its origin, advance and ink, in points from the page's corner.
#[derive(Debug, Clone)]
struct Glyph {
    page: usize,
    baseline: f64,
    size: f64,
    x: f64,
    advance: f64,
    /// The advance the font gives the glyph (Typst shrinks squeezed marks).
    natural: f64,
    ink_left: Option<f64>,
    family: String,
    c: char,
}

fn collect_glyphs(frame: &Frame, offset: Point, page: usize, out: &mut Vec<Glyph>) {
    for (pos, item) in frame.items() {
        let at = offset + *pos;
        match item {
            FrameItem::Group(group) => {
                let t = group.transform;
                collect_glyphs(&group.frame, at + Point::new(t.tx, t.ty), page, out);
            }
            FrameItem::Text(text) => {
                let size = text.size.to_pt();
                let face = text.font.ttf();
                let upem = text.font.units_per_em();
                let family = text.font.font().info().family.clone();
                let mut x = at.x.to_pt();
                for g in &text.glyphs {
                    let c = text.text[g.range()].chars().next().unwrap_or(' ');
                    let origin = x + g.x_offset.get() * size;
                    // A glyph id of the face's own type, for its ink box.
                    let mut id = face.glyph_index(' ').unwrap_or_default();
                    id.0 = g.id;
                    let ink_left = face
                        .glyph_bounding_box(id)
                        .map(|b| origin + f64::from(b.x_min) / upem * size);
                    out.push(Glyph {
                        page,
                        baseline: at.y.to_pt(),
                        size,
                        x: origin,
                        advance: g.x_advance.get() * size,
                        natural: text.font.x_advance(g.id).map_or(0.0, |a| a.get() * size),
                        ink_left,
                        family: family.clone(),
                        c,
                    });
                    x += g.x_advance.get() * size;
                }
            }
            _ => {}
        }
    }
}

/// The text lines of a document (title and body sizes), glyphs in drawing order.
fn glyph_lines(document: &PagedDocument) -> Vec<Vec<Glyph>> {
    let mut glyphs = Vec::new();
    for (n, page) in document.pages().iter().enumerate() {
        collect_glyphs(&page.frame, Point::zero(), n + 1, &mut glyphs);
    }
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs.into_iter().filter(|g| g.size > 15.0) {
        match lines
            .iter_mut()
            .find(|l| l[0].page == g.page && (l[0].baseline - g.baseline).abs() < 0.5)
        {
            Some(line) => line.push(g),
            None => lines.push(vec![g]),
        }
    }
    lines.sort_by(|a, b| {
        (a[0].page, a[0].baseline)
            .partial_cmp(&(b[0].page, b[0].baseline))
            .unwrap()
    });
    lines
}

fn line_text(line: &[Glyph]) -> String {
    line.iter().map(|g| g.c).collect()
}

fn is_hanzi(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The cell of a line's size: 15.79 pt in the body, one em in the title.
fn cell_of(line: &[Glyph]) -> f64 {
    if (line[0].size - 16.0).abs() < 0.1 {
        CELL
    } else {
        line[0].size
    }
}

/// A heading line: 黑体 starting 一、…, or any line all in the level-2 楷体, or the
/// continuation of a heading.
fn is_heading(line: &[Glyph], previous_is_heading: bool) -> bool {
    let text = line_text(line);
    let all = |family: &str| line.iter().all(|g| g.family == family);
    let numbered = text.split_once('、').is_some_and(|(n, _)| {
        !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
    });
    (all("Noto Sans CJK SC") && (numbered || previous_is_heading)) || all("AnnualReport Kai")
}

/// The counts of issue 11, measured on one laid-out document.
#[derive(Debug, Default, PartialEq)]
struct GridCounts {
    lone_marks_narrow: usize,
    all_hanzi_lines_off_columns: usize,
    hanzi_off_columns: usize,
    ink_left_of_block: usize,
    forbidden_starts: usize,
    forbidden_ends: usize,
    headings_on_last_line: usize,
    /// Lines followed by a continuation line that end before their 28th cell, when
    /// nothing had to move down with the next line's first character.
    short_full_lines: usize,
}

fn grid_counts(document: &PagedDocument) -> (GridCounts, Vec<String>) {
    let lines = glyph_lines(document);
    let left = 28.0 * MM;
    let mut counts = GridCounts::default();
    let mut findings = Vec::new();
    let mut previous_heading = false;
    for (i, line) in lines.iter().enumerate() {
        let text = line_text(line);
        let cell = cell_of(line);
        let body = (line[0].size - 16.0).abs() < 0.1;
        // A lone mark (no mark on either side) is narrow when Typst shrank its advance
        // below the font's, or when the hanzi around it are less than two cells apart.
        for (j, g) in line.iter().enumerate() {
            if !MARKS.contains(g.c) {
                continue;
            }
            let before = j.checked_sub(1).map(|i| &line[i]);
            let after = line.get(j + 1);
            let lone = before.is_none_or(|b| !MARKS.contains(b.c))
                && after.is_none_or(|a| !MARKS.contains(a.c));
            let width = match (before, after) {
                (Some(b), Some(a)) if is_hanzi(b.c) && is_hanzi(a.c) => a.x - b.x - cell,
                _ => cell,
            };
            let shrunk = g.advance < g.natural - 0.5;
            if lone && (shrunk || width < cell - 0.5) {
                counts.lone_marks_narrow += 1;
                findings.push(format!(
                    "narrow {} ({width:.2} pt, advance {:.2} of {:.2}) in {text}",
                    g.c, g.advance, g.natural
                ));
            }
        }
        // Hanzi on the columns of the block, counted from its left edge.
        if body {
            let off: Vec<&Glyph> = line
                .iter()
                .filter(|g| is_hanzi(g.c))
                .filter(|g| {
                    let k = (g.x - left) / cell;
                    (k - k.round()).abs() * cell > 0.5
                })
                .collect();
            counts.hanzi_off_columns += off.len();
            for g in &off {
                findings.push(format!(
                    "{} off the columns at {:.2} pt in {text}",
                    g.c,
                    g.x - left
                ));
            }
            if !off.is_empty() && text.chars().all(is_hanzi) && text.chars().count() > 1 {
                counts.all_hanzi_lines_off_columns += 1;
                findings.push(format!("off the columns: {text}"));
            }
        }
        for g in line {
            // Neither the glyph's box nor its ink may start left of 28 mm.
            if g.x.min(g.ink_left.unwrap_or(g.x)) < left - 0.01 {
                counts.ink_left_of_block += 1;
                findings.push(format!("{} left of the block in {text}", g.c));
            }
        }
        if text.starts_with(|c| NO_START.contains(c)) {
            counts.forbidden_starts += 1;
            findings.push(format!("starts with a mark: {text}"));
        }
        if text.ends_with(|c| NO_END.contains(c)) {
            counts.forbidden_ends += 1;
            findings.push(format!("ends with an opening mark: {text}"));
        }
        let heading = body && is_heading(line, previous_heading);
        let last_on_page = lines.get(i + 1).is_some_and(|n| n[0].page != line[0].page);
        if heading && last_on_page {
            counts.headings_on_last_line += 1;
            findings.push(format!(
                "heading on the last line of page {}: {text}",
                line[0].page
            ));
        }
        previous_heading = heading;
        // A full line (the next line continues the paragraph at 28 mm) fills 28 cells,
        // 29 with a hanging mark.
        if let Some(next) = lines
            .get(i + 1)
            .filter(|n| body && n[0].page == line[0].page && (n[0].x - left).abs() < 0.5)
        {
            let last = line.last().unwrap();
            // The cell the last glyph ends in (a half-width run sits centred in its cells).
            let cells = ((last.x + last.advance - left) / cell - 0.05).ceil();
            let next_text = line_text(next);
            let mut chars = next_text.chars();
            let (first, second) = (chars.next().unwrap(), chars.next().unwrap_or(' '));
            let pushed =
                NO_END.contains(first) || NO_START.contains(second) || first.is_ascii_graphic();
            if cells < 28.0 && !pushed {
                counts.short_full_lines += 1;
                findings.push(format!("{cells} cells: {text}"));
            }
        }
    }
    (counts, findings)
}

/// Per page but the last: whether it ends one grid line short, which it may only do
/// when the next page starts with a heading kept with its text.
fn short_pages(document: &PagedDocument) -> Vec<(usize, bool)> {
    let lines = glyph_lines(document);
    let pages = document.pages().len();
    (1..pages)
        .map(|page| {
            let last = lines.iter().rfind(|l| l[0].page == page).unwrap();
            let top = last[0].baseline - 0.8 * last[0].size;
            let slot = ((top - 37.0 * MM) / PITCH).round();
            let next = lines.iter().find(|l| l[0].page == page + 1).unwrap();
            let kept = starts_like_heading(&line_text(next));
            assert!(
                slot == 21.0 || (slot == 20.0 && kept),
                "page {page} ends at line {}",
                slot + 1.0
            );
            (page, slot == 20.0)
        })
        .collect()
}

#[test]
fn every_character_sits_in_its_cell() {
    let mut failures = Vec::new();
    for name in FIXTURES {
        let document = layout(&fixture(name));
        let (counts, findings) = grid_counts(&document);
        let short: Vec<usize> = short_pages(&document)
            .into_iter()
            .filter_map(|(page, short)| short.then_some(page))
            .collect();
        // Lines whose last mark hangs in the right margin (29 cells), for the record.
        let hanging = glyph_lines(&document)
            .iter()
            .filter(|l| l.last().is_some_and(|g| g.x > 184.0 * MM - 0.5))
            .count();
        eprintln!(
            "{name}: {counts:?}, pages ending short before a heading {short:?}, \
             hanging marks {hanging}"
        );
        if *name == "jiangwan-2024-punctuation" {
            assert!(
                !short.is_empty(),
                "the dense fixture has a heading on line 22"
            );
        }
        for finding in &findings {
            eprintln!("  {finding}");
        }
        if counts != GridCounts::default() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "off the grid: {failures:?}");
}

/// Adjacent marks: only a closing mark followed by an opening one share a cell (the
/// hanzi around the pair are two cells apart); any other pair takes two cells.
#[test]
fn only_a_closing_then_an_opening_mark_share_a_cell() {
    let lines = glyph_lines(&layout(&fixture("jiangwan-2024-punctuation")));
    let closing = "，。、；：？！）》”’〕】";
    let opening = "（《“‘〔【";
    let (mut shared, mut apart) = (Vec::new(), Vec::new());
    for line in lines.iter().filter(|l| (l[0].size - 16.0).abs() < 0.1) {
        for w in line.windows(4) {
            let [before, a, b, after] = w else { continue };
            let between_hanzi = is_hanzi(before.c) && is_hanzi(after.c);
            if !(between_hanzi && MARKS.contains(a.c) && MARKS.contains(b.c)) {
                continue;
            }
            let cells = (after.x - before.x) / CELL;
            let pair = format!("{}{}", a.c, b.c);
            if closing.contains(a.c) && opening.contains(b.c) {
                assert!((cells - 2.0).abs() * CELL < 0.5, "{pair}: {cells:.2} cells");
                shared.push(pair);
            } else {
                assert!((cells - 3.0).abs() * CELL < 0.5, "{pair}: {cells:.2} cells");
                apart.push(pair);
            }
        }
    }
    eprintln!("pairs sharing a cell {shared:?}; pairs in two cells {apart:?}");
    assert!(
        shared.len() >= 3 && apart.len() >= 2,
        "{shared:?} {apart:?}"
    );
}

/// `lead: "**凝聚思想力量，坚定理想信念。**"` (the dense fixture) prints one 。 after
/// the bold lead in every format, the PDF read back by pdftotext.
#[test]
fn a_bold_lead_ending_in_a_full_stop_prints_it_once_in_every_format_with_pdftotext() {
    if !common::require_tools(&[common::PDFTOTEXT]) {
        return;
    }
    use annual_report::Format;
    let (out, files) = common::build_files(
        &fixture("jiangwan-2024-punctuation"),
        &[Format::Md, Format::Html, Format::Txt, Format::Pdf],
    );
    let mut checked = 0;
    for (name, bytes) in &files {
        let text = if name.ends_with(".pdf") {
            let output = std::process::Command::new("pdftotext")
                .args(["-enc", "UTF-8"])
                .arg(out.path().join(name))
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) is installed");
            String::from_utf8(output.stdout).unwrap()
        } else {
            String::from_utf8(bytes.clone()).unwrap()
        };
        let text: String = text.split_whitespace().collect();
        let text = text.replace("**", "").replace("</strong>", "");
        assert!(text.contains("坚定理想信念。组织"), "{name}");
        assert!(!text.contains("。。"), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

/// A summary-and-plan document (issue 12): 一、 parts in 黑体, （一） sections in 楷体,
/// 1. items in the body's 仿宋, every glyph in its cell and every line on the grid.
#[test]
fn three_heading_levels_in_their_faces_on_the_grid() {
    let document = layout_report(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
parts:
  - id: review
    title: 2023年工作总结
  - id: plan
    title: 2024年工作计划
sections:
  - id: rights
    part: review
    title: 维护妇女权益
    items:
      - id: visits
        text: 扎实开展维权工作，全年接待来访群众，调解家庭矛盾纠纷，开展普法宣传进村入户活动。
      - id: law
        text: 深入开展普法宣传。
  - id: next
    part: plan
    title: 强化思想引领
    items:
      - id: study
        text: 组织学习宣讲。
",
    );
    let lines = glyph_lines(&document);
    let line = |start: &str| {
        lines
            .iter()
            .find(|l| line_text(l).starts_with(start))
            .unwrap_or_else(|| panic!("no line {start}"))
    };
    let faces = |l: &[Glyph]| {
        let mut f: Vec<String> = l.iter().map(|g| g.family.clone()).collect();
        f.dedup();
        f
    };
    // Hanzi, numbers and marks of each level in its face (digits of a heading too).
    for start in ["一、2023年工作总结", "二、2024年工作计划"] {
        assert_eq!(faces(line(start)), ["Noto Sans CJK SC"], "{start}");
    }
    for start in ["（一）维护妇女权益", "（一）强化思想引领"] {
        assert_eq!(faces(line(start)), ["AnnualReport Kai"], "{start}");
    }
    assert_eq!(faces(line("1.扎实开展")), ["FandolFang R"]);
    // Each starts two cells in; the item's second line at the margin.
    let left = 28.0 * MM;
    for start in ["一、2023", "（一）维护", "1.扎实", "2.深入"] {
        let x = line(start)[0].x;
        assert!((x - (left + 2.0 * CELL)).abs() < 1.0, "{start}: {x}");
    }
    let (counts, findings) = grid_counts(&document);
    assert_eq!(counts, GridCounts::default(), "{findings:?}");
    // One line of the grid each: the headings and paragraphs follow line by line.
    let baselines: Vec<f64> = lines.iter().skip(1).map(|l| l[0].baseline).collect();
    for pair in baselines.windows(2) {
        assert!(((pair[1] - pair[0]) - PITCH).abs() < 0.05, "{baselines:?}");
    }
}

/// The glyphs of the line that starts with `start`, and the lines after it.
fn lines_from<'a>(lines: &'a [Vec<Glyph>], start: &str) -> &'a [Vec<Glyph>] {
    let at = lines
        .iter()
        .position(|l| line_text(l).starts_with(start))
        .unwrap_or_else(|| panic!("no line {start}"));
    &lines[at..]
}

/// Issue 25, 2: a level-2 title run into its paragraph — a （一） section under a part,
/// and an item numbered （一） — is drawn in 楷体 glyph by glyph, the text after it in
/// 仿宋 on the same line; a level-3 run-in title stays in the body face. Every glyph
/// keeps its cell.
#[test]
fn run_in_level_two_titles_are_kai_on_the_grid() {
    let with_parts = "year: 2023
organization:
  name: 青山镇
date: 2024-01-10
parts:
  - id: review
    title: 2023年工作推进情况
sections:
  - id: industry
    part: review
    title: 聚力加快转型升级，产业发展更加兴旺。
    run_in: true
    items:
      - id: farming
        text: 新建大棚二十个，培训种植户三百余人次，带动全镇农户增收，产业结构持续优化，群众满意。
  - id: care
    part: review
    title: 关爱儿童
    items:
      - id: children
        title: 暑期护苗
        run_in: true
        text: 开展关爱活动。
";
    let subheadings = "year: 2023
organization:
  name: 青山镇
date: 2024-01-10
numbering:
  items: （一）
sections:
  - id: work
    title: 主要工作
    items:
      - id: study
        title: 强化思想引领
        run_in: true
        text: 组织学习宣讲。
      - id: rights
        title: 维护妇女权益。
        run_in: true
        text: 全年接待来访群众。
";
    let left = 28.0 * MM;
    let (parts, subheadings) = (layout_report(with_parts), layout_report(subheadings));
    for (document, kai, body) in [
        (
            &parts,
            "（一）聚力加快转型升级，产业发展更加兴旺。",
            "新建大棚",
        ),
        (&subheadings, "（一）强化思想引领：", "组织学习"),
        (&subheadings, "（二）维护妇女权益。", "全年接待"),
    ] {
        let lines = glyph_lines(document);
        let line = &lines_from(&lines, kai)[0];
        let n = kai.chars().count();
        let (title, rest) = line.split_at(n);
        assert!(
            title.iter().all(|g| g.family == "AnnualReport Kai"),
            "{kai}: {:?}",
            title.iter().map(|g| (g.c, &g.family)).collect::<Vec<_>>()
        );
        assert!(line_text(rest).starts_with(body), "{}", line_text(line));
        assert!(
            rest.iter().all(|g| g.family == "FandolFang R"),
            "{:?}",
            rest.iter().map(|g| (g.c, &g.family)).collect::<Vec<_>>()
        );
        // Two cells in; the first body character in the cell after the title's.
        assert!(
            (line[0].x - (left + 2.0 * CELL)).abs() < 1.0,
            "{}",
            line[0].x
        );
        let cell = left + (2 + n) as f64 * CELL;
        assert!((rest[0].x - cell).abs() < 0.5, "{} vs {cell}", rest[0].x);
        let (counts, findings) = grid_counts(document);
        assert_eq!(counts, GridCounts::default(), "{kai}: {findings:?}");
    }
    // Under a part a run-in item is the third level: 1.暑期护苗：… in the body face.
    let lines = glyph_lines(&parts);
    let third = &lines_from(&lines, "1.暑期护苗：开展")[0];
    assert!(third.iter().all(|g| g.family == "FandolFang R"));
    // The wrapped line of the run-in section starts at the margin, in 仿宋.
    let next = &lines_from(&lines, "（一）聚力")[1];
    assert!((next[0].x - left).abs() < 1.0, "{}", next[0].x);
    assert!(next.iter().all(|g| g.family == "FandolFang R"));
}

// ---------------------------------------------------------------------------------
// The signature at a page break: issuer and date together, never without body text.

/// The grid line (1 to 22) a line's box sits on.
fn row(line: &Line) -> i64 {
    ((box_top(line) - 37.0 * MM) / PITCH).round() as i64 + 1
}

/// The signature never stands alone: for a closing of one and of two lines, with the
/// body's last line falling on lines 19 to 22 of the first page when unsigned, the
/// issuer and the date share a page that holds body text, one empty line below the
/// body; from line 20 on (where the signature's three lines no longer fit) the
/// closing's last two lines (its only line) go over with the signature, and below that
/// nothing moves.
#[test]
fn the_signature_keeps_the_end_of_the_body_on_its_page() {
    const ISSUER: &str = "共青团新民镇委员会";
    const DATE: &str = "2023年12月20日";
    let closings = [
        ("新的一年，镇团委将继续奋发有为。", 1),
        (
            "新的一年，镇团委将继续奋发有为，推动共青团工作再上新台阶。",
            2,
        ),
    ];
    for (closing, closing_lines) in closings {
        let lay = |opening_lines: usize, signed: bool| {
            let work = tempfile::tempdir().unwrap();
            paging_ledger(work.path(), opening_lines, closing, signed);
            lines(&runs(&layout(work.path())))
        };
        // Where the body ends with a one-line opening: every further opening line
        // moves it one line down on the first page.
        let first = lay(1, false);
        let base = row(first.iter().rfind(|l| is_body_line(l)).unwrap());
        let mut seen = Vec::new();
        for target in 19..=22 {
            let opening_lines = usize::try_from(target - base + 1).unwrap();
            let unsigned = lay(opening_lines, false);
            let end = unsigned.iter().rfind(|l| is_body_line(l)).unwrap();
            assert_eq!((end.page, row(end)), (1, target), "{closing}: {end:?}");
            seen.push(target);

            let signed = lay(opening_lines, true);
            let issuer = signed.iter().find(|l| l.text == ISSUER).unwrap();
            let date = signed.iter().find(|l| l.text == DATE).unwrap();
            let page = issuer.page;
            eprintln!(
                "{closing_lines}-line closing, body ending on line {target}: issuer page {} line {}, date page {} line {}",
                issuer.page,
                row(issuer),
                date.page,
                row(date)
            );
            assert_eq!(date.page, page, "issuer and date on one page");
            assert!((date.baseline - issuer.baseline - PITCH).abs() < 0.1);
            let body: Vec<&Line> = signed
                .iter()
                .filter(|l| l.page == page && is_body_line(l) && l.baseline < issuer.baseline)
                .collect();
            let last = body.last().expect("body text on the signature's page");
            assert!(closing.ends_with(&last.text), "{last:?}");
            // One empty grid line between the body and the issuer.
            assert!((issuer.baseline - last.baseline - 2.0 * PITCH).abs() < 0.1);
            if target <= 19 {
                // The signature fits below the body: nothing moved.
                assert_eq!((page, row(last)), (1, target));
            } else {
                // The closing's lines open page 2, the rest of the body stays on page 1.
                assert_eq!(page, 2);
                let on_page: Vec<&&Line> = body.iter().collect();
                assert_eq!(on_page.len(), closing_lines, "{on_page:?}");
                assert_eq!(row(on_page[0]), 1);
                let previous = signed
                    .iter()
                    .filter(|l| l.page == 1 && is_body_line(l))
                    .map(row)
                    .max()
                    .unwrap();
                assert_eq!(previous, target - closing_lines as i64);
            }
        }
        assert_eq!(seen, [19, 20, 21, 22]);
    }
}
