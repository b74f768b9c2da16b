//! The Word/WPS document: the same paragraphs as the Markdown, the GB/T 9704 page and
//! grid in its XML, named styles, odd and even page numbers, the same bytes on every
//! build, ledger text kept as text; and LibreOffice lays it out on 22 lines a page.

use crate::common;

use annual_report::Format;
use common::{build_files, copy_dir, fixture, markdown_blocks, paging_ledger};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

const MM: f64 = 72.0 / 25.4;
/// The text block of the page: its top and bottom edge (37 mm and 35 mm margins), and the
/// pitch of its rows as LibreOffice sets them (579 pt over 20 pitches).
const BLOCK_TOP: f64 = 37.0 * MM;
const BLOCK_BOTTOM: f64 = (297.0 - 35.0) * MM;
const ROW_PITCH: f64 = 579.0 / 20.0;

/// The parts of a .docx by name.
fn parts(docx: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().into_owned(), text)
        })
        .collect()
}

/// The text of each `<w:p>` of the body, in order, entities decoded.
fn paragraphs(document_xml: &str) -> Vec<String> {
    document_xml
        .split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap();
            let mut text = String::new();
            for piece in p.split("<w:t").skip(1) {
                let inner = piece.split_once('>').unwrap().1;
                let inner = inner.split("</w:t>").next().unwrap();
                text.push_str(inner);
            }
            common::unescape_html(&text)
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

fn build_docx_and_md(dir: &Path) -> (Vec<u8>, String) {
    let (_out, files) = build_files(dir, &[Format::Md, Format::Docx]);
    let docx = files.iter().find(|(n, _)| n.ends_with(".docx")).unwrap().1;
    let md = files.iter().find(|(n, _)| n.ends_with(".md")).unwrap().1;
    (docx.clone(), String::from_utf8(md.clone()).unwrap())
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn the_docx_holds_the_paragraphs_of_the_markdown_in_order() {
    for (name, has_metadata) in [
        ("chapanzhou-2023", true),
        ("qingshan-2024-tuanwei", true),
        ("xinhe-2023", false),
    ] {
        let (docx, md) = build_docx_and_md(&fixture(name));
        let mut blocks = markdown_blocks(&md);
        if has_metadata {
            blocks.remove(1); // the website metadata: not part of the document
        }
        let document = &parts(&docx)["word/document.xml"];
        let paras = paragraphs(document);
        // Paragraph by paragraph; only the signature, one Markdown paragraph (a hard
        // break), is two paragraphs here.
        let mut docx = paras.iter().map(|p| squash(p));
        for (i, block) in blocks.iter().map(|b| squash(b)).enumerate() {
            let first = docx.next().unwrap_or_default();
            if first == block {
                continue;
            }
            let joined = first + &docx.next().unwrap_or_default();
            assert_eq!(joined, block, "{name}: block {i}");
        }
        assert_eq!(docx.next(), None, "{name}: paragraphs after the last block");
        assert!(
            !document.contains("索引号"),
            "{name}: metadata stays on the website"
        );
    }
}

#[test]
fn the_rollup_is_a_word_table() {
    let (docx, md) = build_docx_and_md(&fixture("yuanjiang-2023"));
    let document = &parts(&docx)["word/document.xml"];
    assert_eq!(document.matches("<w:tbl>").count(), 1);
    let table = document.split("<w:tbl>").nth(1).unwrap();
    // Markdown: header, rule, members, total; Word: header, members, total.
    let md_rows = md.lines().filter(|l| l.starts_with("| ")).count() - 1;
    assert_eq!(
        table.matches("<w:tr>").count(),
        md_rows,
        "header, members and total"
    );
    assert!(table.contains("<w:tblHeader/>"));
}

#[test]
fn the_section_is_the_gbt9704_page_and_grid() {
    let (docx, _) = build_docx_and_md(&fixture("chapanzhou-2023"));
    let parts = parts(&docx);
    let document = &parts["word/document.xml"];
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert!(
        document
            .contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\"")
    );
    assert!(document.contains(
        "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"579\" w:charSpace=\"-849\"/>"
    ));
    // What the numbers mean: 22 lines of 28 characters in the 156 × 225 mm block.
    let twips_to_mm = |t: f64| t / 1440.0 * 25.4;
    assert!((twips_to_mm(11906.0 - 1587.0 - 1474.0) - 156.0).abs() < 0.1);
    assert!((twips_to_mm(16838.0 - 2098.0 - 1984.0) - 225.0).abs() < 0.1);
    assert!((twips_to_mm(2098.0) - 37.0).abs() < 0.1 && (twips_to_mm(1587.0) - 28.0).abs() < 0.1);
    let block_pt: f64 = (11906.0 - 1587.0 - 1474.0) / 20.0;
    assert_eq!((block_pt / (16.0 - 849.0 / 4096.0)).floor(), 28.0);
    assert_eq!(((16838.0 - 2098.0 - 1984.0) / 579.0_f64).floor(), 22.0);
}

#[test]
fn styles_are_named_with_the_official_faces_and_fallbacks() {
    let (docx, _) = build_docx_and_md(&fixture("qingshan-2024-tuanwei"));
    let parts = parts(&docx);
    let styles = &parts["word/styles.xml"];
    for (name, face, size) in [
        ("<w:aliases w:val=\"正文\"/>", "仿宋_GB2312", "32"),
        ("<w:aliases w:val=\"标题\"/>", "方正小标宋简体", "44"),
        ("<w:name w:val=\"一级标题\"/>", "黑体", ""),
        ("<w:name w:val=\"二级标题\"/>", "楷体_GB2312", ""),
        ("<w:name w:val=\"页码\"/>", "宋体", "28"),
    ] {
        let style = styles
            .split("<w:style ")
            .find(|s| s.contains(name))
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            style.contains(&format!("w:eastAsia=\"{face}\"")),
            "{name}: {style}"
        );
        assert!(style.contains("w:ascii=\"Times New Roman\""), "{name}");
        if !size.is_empty() {
            assert!(
                style.contains(&format!("<w:sz w:val=\"{size}\"/>")),
                "{name}"
            );
        }
    }
    for heading in ["一级标题", "二级标题"] {
        let style = styles
            .split("<w:style ")
            .find(|s| s.contains(heading))
            .unwrap();
        assert!(style.contains("<w:keepNext/>"), "{heading}");
    }
    let fonts = &parts["word/fontTable.xml"];
    for (face, alternative) in [("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")] {
        assert!(
            fonts.contains(&format!(
                "<w:font w:name=\"{face}\"><w:altName w:val=\"{alternative}\"/>"
            )),
            "{face}"
        );
    }
    // Headings use the styles, not direct formatting.
    let document = &parts["word/document.xml"];
    assert!(document.contains("<w:pStyle w:val=\"Yijibiaoti\"/>"));
    assert!(document.contains("<w:pStyle w:val=\"Erjibiaoti\"/>"));
    assert!(
        !document.contains("<w:rFonts"),
        "no direct fonts in the body"
    );
}

#[test]
fn page_numbers_are_page_fields_odd_right_even_left() {
    let (docx, _) = build_docx_and_md(&fixture("chapanzhou-2023"));
    let parts = parts(&docx);
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders/>"));
    let document = &parts["word/document.xml"];
    assert!(document.contains("<w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/>"));
    assert!(document.contains("<w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>"));
    let odd = &parts["word/footer1.xml"];
    let even = &parts["word/footer2.xml"];
    for (footer, side) in [(odd, "right"), (even, "left")] {
        assert!(footer.contains(&format!(
            "<w:jc w:val=\"{side}\"/><w:ind w:{side}=\"280\"/>"
        )));
        assert!(footer.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"));
        assert!(footer.contains(">— </w:t>") && footer.contains("> —</w:t>"));
    }
}

#[test]
fn the_same_ledger_gives_the_same_bytes() {
    let (first, _) = build_docx_and_md(&fixture("qingshan-2024-tuanwei"));
    let (second, _) = build_docx_and_md(&fixture("qingshan-2024-tuanwei"));
    assert!(first == second);
    let core = &parts(&first)["docProps/core.xml"];
    assert!(core.contains("<dc:title>青山街道团工委2024年工作总结</dc:title>"));
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-01-15T00:00:00Z"));
}

#[test]
fn ledger_text_stays_text() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture("chapanzhou-2023"), work.path());
    let hostile = [
        "<w:p>注入</w:p>",
        "]]>",
        "甲&乙",
        "{ PAGE }",
        "<w:fldSimple w:instr=\"PAGE\"/>",
        "&amp;",
        "#set page(width: 1cm)",
    ];
    let log: String = hostile
        .iter()
        .enumerate()
        .map(|(n, text)| {
            format!(
                "- date: 2023-12-{:02}\n  item: legal-rights\n  text: {}\n",
                n + 1,
                serde_json::to_string(text).unwrap()
            )
        })
        .collect();
    std::fs::write(work.path().join("activities/2023-12.yaml"), log).unwrap();
    let (docx, _) = build_docx_and_md(work.path());
    let document = &parts(&docx)["word/document.xml"];
    let text: String = paragraphs(document).concat();
    for h in hostile {
        assert!(text.contains(h), "{h} printed as written");
    }
    assert_eq!(document.matches("<w:fldSimple").count(), 0);
    assert_eq!(document.matches("<w:instrText").count(), 0);
    assert_eq!(
        document.matches("<w:p>").count(),
        document.matches("</w:p>").count()
    );
}

/// One word of a PDF page as pdftotext places it, in points from the top left.
#[derive(Debug)]
struct Word {
    page: usize,
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
    text: String,
}

fn pdf_words(pdf: &Path) -> Vec<Word> {
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut words = Vec::new();
    for (n, page) in html.split("<page ").skip(1).enumerate() {
        for w in page.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                w[start..].split('"').next().unwrap().parse().unwrap()
            };
            let text = w
                .split_once('>')
                .unwrap()
                .1
                .split("</word>")
                .next()
                .unwrap();
            words.push(Word {
                page: n + 1,
                x_min: attr("xMin"),
                x_max: attr("xMax"),
                y_min: attr("yMin"),
                y_max: attr("yMax"),
                text: common::unescape_html(text),
            });
        }
    }
    words
}

#[test]
fn libreoffice_lays_the_document_out_on_22_lines_a_page_with_soffice() {
    if !common::require_tools(&[common::SOFFICE, common::PDFTOTEXT]) {
        return;
    }
    let (docx, _) = build_docx_and_md(&fixture("chapanzhou-2023"));
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("summary.docx");
    std::fs::write(&input, &docx).unwrap();
    libreoffice_pdfs(work.path(), std::slice::from_ref(&input));
    let words = pdf_words(&work.path().join("summary.pdf"));
    let pages = words.iter().map(|w| w.page).max().unwrap();
    assert!(pages >= 4, "{pages} pages");
    // Grid rows in use per page, and the text of each page's first row.
    let mut rows_per_page = Vec::new();
    let mut first_rows = Vec::new();
    for page in 1..=pages {
        let on_page: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        let body: Vec<&&Word> = on_page
            .iter()
            .filter(|w| w.y_max < BLOCK_BOTTOM + 1.0)
            .collect();
        // A glyph's middle lies inside the row it is set on.
        let row_of =
            |w: &Word| (((w.y_min + w.y_max) / 2.0 - BLOCK_TOP) / ROW_PITCH).floor() as i64;
        let last_row = body.iter().map(|w| row_of(w)).max().unwrap();
        let first_row = body.iter().map(|w| row_of(w)).min().unwrap();
        assert!(
            first_row == 0 && last_row <= 21,
            "page {page}: rows {first_row}..={last_row}"
        );
        rows_per_page.push(last_row + 1);
        let mut first: Vec<&&&Word> = body.iter().filter(|w| row_of(w) == 0).collect();
        first.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
        first_rows.push(first.iter().map(|w| w.text.as_str()).collect::<String>());
        // The page number below the block: "— n —", odd right, even left.
        let folio: Vec<&&Word> = on_page
            .iter()
            .filter(|w| w.y_max > BLOCK_BOTTOM + 1.0)
            .collect();
        let text: String = folio
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(text, format!("— {page} —"), "page {page}");
        let left = folio.iter().map(|w| w.x_min).fold(f64::INFINITY, f64::min);
        let right = folio.iter().map(|w| w.x_max).fold(0.0, f64::max);
        if page % 2 == 1 {
            assert!(
                (right - (184.0 * MM - 14.0)).abs() < 3.0,
                "page {page}: right {right}"
            );
        } else {
            assert!(
                (left - (28.0 * MM + 14.0)).abs() < 3.0,
                "page {page}: left {left}"
            );
        }
    }
    println!("LibreOffice grid rows per page: {rows_per_page:?}");
    // Every page but the last fills its 22 rows, or ends one row short when a heading
    // moved on to the next page with the first line of its text.
    for n in 0..pages - 1 {
        let heading_moved =
            first_rows[n + 1].starts_with(|c: char| "一二三四五六七八九十（".contains(c));
        assert!(
            rows_per_page[n] == 22 || (rows_per_page[n] == 21 && heading_moved),
            "page {}: {} rows, next page starts {:?}",
            n + 1,
            rows_per_page[n],
            first_rows[n + 1]
        );
    }
    assert!(rows_per_page.iter().filter(|l| **l == 22).count() >= pages / 2);
}

/// Converts every .docx in `dir` to PDF with LibreOffice, in one run.
fn libreoffice_pdfs(dir: &Path, inputs: &[std::path::PathBuf]) {
    let profile = format!("file://{}", dir.join("profile").display());
    let status = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(inputs)
        .output()
        .expect("LibreOffice (Debian package libreoffice-writer-nogui)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The text block's rows as LibreOffice set them: (page, row from 1, text left to
/// right, right edge), page numbers left out.
fn rows(pdf: &Path) -> Vec<(usize, i64, String, f64)> {
    let mut by_row: BTreeMap<(usize, i64), Vec<Word>> = BTreeMap::new();
    for w in pdf_words(pdf) {
        if w.y_max < BLOCK_BOTTOM + 1.0 {
            let row = (((w.y_min + w.y_max) / 2.0 - BLOCK_TOP) / ROW_PITCH).floor() as i64 + 1;
            by_row.entry((w.page, row)).or_default().push(w);
        }
    }
    by_row
        .into_iter()
        .map(|((page, row), mut words)| {
            words.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
            let right = words.iter().map(|w| w.x_max).fold(0.0, f64::max);
            let text = words.iter().map(|w| w.text.as_str()).collect();
            (page, row, text, right)
        })
        .collect()
}

/// Word/WPS/LibreOffice keep the signature as the PDF does: for a closing of one and of
/// two lines, and bodies ending on each line from 19 to 22 of the first page unsigned,
/// LibreOffice sets the issuer and the date on one page, on consecutive rows, one empty
/// row below body text on that page; where the signature no longer fits, the closing's
/// last two lines (its only line) open the next page with it. The date with a
/// two-digit month stays on one row, ending two characters in from the right margin.
#[test]
fn libreoffice_keeps_the_signature_with_the_end_of_the_body_with_soffice() {
    if !common::require_tools(&[common::SOFFICE, common::PDFTOTEXT]) {
        return;
    }
    const ISSUER: &str = "共青团新民镇委员会";
    const DATE: &str = "2023年12月20日";
    let closings = [
        ("新的一年，镇团委将继续奋发有为。", 1),
        (
            "新的一年，镇团委将继续奋发有为，推动共青团工作再上新台阶。",
            2,
        ),
    ];
    let work = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    let name = |c: usize, n: usize, signed: bool| format!("c{c}-n{n}-{signed}");
    // Title, empty line, opening, heading, item, closing: these opening lengths put
    // the body's end around lines 19 to 22.
    let openings = 11..=18;
    for (c, (closing, _)) in closings.iter().enumerate() {
        for n in openings.clone() {
            for signed in [false, true] {
                let ledger = work.path().join(name(c, n, signed));
                std::fs::create_dir(&ledger).unwrap();
                paging_ledger(&ledger, n, closing, signed);
                let (_out, files) = build_files(&ledger, &[Format::Docx]);
                let docx = files.values().next().unwrap();
                let input = work.path().join(format!("{}.docx", name(c, n, signed)));
                std::fs::write(&input, docx).unwrap();
                inputs.push(input);
            }
        }
    }
    libreoffice_pdfs(work.path(), &inputs);
    let right_margin = 184.0 * MM;
    let cell = 156.0 * MM / 28.0;
    for (c, (closing, closing_lines)) in closings.iter().enumerate() {
        let mut seen = Vec::new();
        for n in openings.clone() {
            let pdf = |signed| work.path().join(format!("{}.pdf", name(c, n, signed)));
            let unsigned = rows(&pdf(false));
            let &(page, target, _, _) = unsigned.last().unwrap();
            if page != 1 || !(19..=22).contains(&target) {
                continue;
            }
            seen.push(target);
            let signed = rows(&pdf(true));
            let issuer = signed.iter().find(|r| r.2 == ISSUER).expect("issuer row");
            let date = signed
                .iter()
                .find(|r| r.2.starts_with("2023年12"))
                .expect("date row");
            eprintln!(
                "{closing_lines}-line closing, body ending on row {target}: issuer page {} row {}, date page {} row {} {:?}",
                issuer.0, issuer.1, date.0, date.1, date.2
            );
            assert_eq!(date.2, DATE, "the date on one row");
            assert_eq!(
                (date.0, date.1),
                (issuer.0, issuer.1 + 1),
                "issuer and date together"
            );
            for line in [issuer, date] {
                assert!(
                    (line.3 - (right_margin - 2.0 * cell)).abs() < 3.0,
                    "{line:?} ends two characters in from the right"
                );
            }
            let body: Vec<_> = signed
                .iter()
                .filter(|r| r.0 == issuer.0 && r.1 < issuer.1)
                .collect();
            let last = body.last().expect("body text on the signature's page");
            assert_eq!(last.1, issuer.1 - 2, "one empty row above the issuer");
            assert!(closing.ends_with(&last.2), "{last:?}");
            if target <= 19 {
                assert_eq!((last.0, last.1), (1, target), "nothing moved");
            } else {
                assert_eq!(issuer.0, 2);
                assert_eq!(body.len(), *closing_lines, "{body:?}");
                assert_eq!(body[0].1, 1);
            }
        }
        for target in [20, 21, 22] {
            assert!(seen.contains(&target), "{closing}: rows seen {seen:?}");
        }
    }
}
