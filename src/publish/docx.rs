//! The Word/WPS document (.docx): the composed document on the same GB/T 9704 grid as
//! the PDF, with named styles a clerk can restyle.
//!
//! The OOXML parts are written directly into a zip: every byte is ours, so the same
//! ledger gives the same file (fixed entry times, properties from the report, never
//! the clock), and ledger text only ever reaches `<w:t>` elements, escaped: it can
//! never become markup or a field.

use crate::document::compose::{DocItem, Document, Rollup};
use crate::publish::grid;
use crate::text::{RichText, Span};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::io::Write as _;

/// The page: A4 with the text block of GB/T 9704 (156 × 225 mm at 37 mm from the top
/// and 28 mm from the left; 26 mm right and 35 mm bottom follow).
pub mod page {
    /// A4 width and height in twips.
    pub const SIZE: (u32, u32) = (11906, 16838);
    /// Top, right, bottom and left margins in twips (37, 26, 35, 28 mm).
    pub const MARGINS: (u32, u32, u32, u32) = (2098, 1474, 1984, 1587);
    /// Grid line pitch: 225 mm / 22 lines = 28.99 pt, in twips (rounded down, so that
    /// 22 lines fit the block).
    pub const LINE_PITCH: u32 = 579;
    /// Character pitch for 28 characters in 156 mm at 16 pt: 15.79 pt, written as
    /// Word does, in 1/4096 pt added to the font size (−0.207 pt; −849 rather than
    /// −848 so rounding never leaves a line at 27 characters).
    pub const CHAR_SPACE: i32 = -849;
    /// Distance from the bottom edge to the page-number line: its middle 7 mm below
    /// the text block (35 mm − 7 mm − half of a 14 pt line).
    pub const FOOTER: u32 = 1446;
}

/// Half-points of the sizes used: 二号 22 pt, 三号 16 pt, 四号 14 pt.
const TITLE_SIZE: u32 = 44;
const BODY_SIZE: u32 = 32;
const FOLIO_SIZE: u32 = 28;
/// Tracking of body text in twentieths of a point: the 15.79 pt pitch rounded to
/// what a run can hold (−0.3 pt, so 28 characters always fit the 156 mm line).
const BODY_TRACKING: i32 = -6;

/// Style ids (ASCII, as Word wants them) and their names. Body and title are Word's
/// built-in Normal and Title, which a Chinese Word or WPS shows as 正文 and 标题 (the
/// Chinese names are declared as aliases too); the others are the project's own.
const STYLE_BODY: (&str, &str) = ("Normal", "Normal");
const STYLE_TITLE: (&str, &str) = ("Title", "Title");
const STYLE_HEADING_ONE: (&str, &str) = ("Yijibiaoti", "一级标题");
const STYLE_HEADING_TWO: (&str, &str) = ("Erjibiaoti", "二级标题");
const STYLE_FOLIO: (&str, &str) = ("Yema", "页码");
const STYLE_STRONG: (&str, &str) = ("Jiacu", "加粗（黑体）");
/// The face of a level-2 title run into its paragraph: （一）标题。正文…….
const STYLE_KAI: (&str, &str) = ("Kaiti", "楷体（二级标题接排）");
const STYLE_TABLE: (&str, &str) = ("Biaoge", "表格文字");

/// Official faces and the families a machine without them should use instead.
const FONT_TITLE: (&str, &str) = ("方正小标宋简体", "宋体");
const FONT_BODY: (&str, &str) = ("仿宋_GB2312", "仿宋");
const FONT_HEI: (&str, &str) = ("黑体", "SimHei");
const FONT_KAI: (&str, &str) = ("楷体_GB2312", "楷体");
const FONT_SONG: (&str, &str) = ("宋体", "SimSun");
/// Latin letters and digits, as the official templates set them.
const FONT_LATIN: &str = "Times New Roman";

/// Why a .docx could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The zip container failed (only on an I/O error in memory, in practice).
    #[error("Word 文档打包失败：{0}")]
    Zip(String),
}

/// The document as a .docx: `title_lines` is the title broken as the PDF breaks it,
/// `date` the document date (entry times and document properties).
pub fn docx(doc: &Document, title_lines: &[String], date: NaiveDate) -> Result<Vec<u8>, DocxError> {
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_relationships()),
        ("docProps/core.xml", core_properties(doc, date)),
        ("docProps/app.xml", app_properties()),
        ("word/document.xml", document_xml(doc, title_lines)),
        ("word/styles.xml", styles(doc.uses_kai())),
        ("word/fontTable.xml", font_table()),
        ("word/settings.xml", settings()),
        ("word/footer1.xml", footer(true)),
        ("word/footer2.xml", footer(false)),
    ];
    let relationships = ("word/_rels/document.xml.rels", document_relationships());
    zip_parts(parts.iter().chain(std::iter::once(&relationships)), date)
}

fn zip_parts<'a>(
    parts: impl Iterator<Item = &'a (&'a str, String)>,
    date: NaiveDate,
) -> Result<Vec<u8>, DocxError> {
    let fail = |e: &dyn std::fmt::Display| DocxError::Zip(e.to_string());
    // Zip times start in 1980; a document dated earlier keeps that floor.
    let time = zip::DateTime::from_date_and_time(
        u16::try_from(date.year().clamp(1980, 2107)).unwrap_or(1980),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
        0,
        0,
        0,
    )
    .map_err(|e| fail(&e))?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in parts {
        writer.start_file(*name, options).map_err(|e| fail(&e))?;
        writer.write_all(xml.as_bytes()).map_err(|e| fail(&e))?;
    }
    let cursor = writer.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// Text for an XML element or attribute: the five markup characters escaped, and
/// what XML 1.0 cannot hold (control characters the checker already refuses, and
/// noncharacters) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn content_types() -> String {
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"{main}.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"{main}.styles+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"{main}.fontTable+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"{main}.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"{main}.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"{main}.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>"
    )
}

fn package_relationships() -> String {
    let base = "http://schemas.openxmlformats.org";
    format!(
        "{XML_HEAD}<Relationships xmlns=\"{base}/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{base}/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{base}/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{base}/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
    )
}

fn document_relationships() -> String {
    let base = "http://schemas.openxmlformats.org";
    let rel = |id: &str, kind: &str, target: &str| {
        format!(
            "<Relationship Id=\"{id}\" Type=\"{base}/officeDocument/2006/relationships/{kind}\" Target=\"{target}\"/>"
        )
    };
    format!(
        "{XML_HEAD}<Relationships xmlns=\"{base}/package/2006/relationships\">{}{}{}{}{}</Relationships>",
        rel("rIdStyles", "styles", "styles.xml"),
        rel("rIdFonts", "fontTable", "fontTable.xml"),
        rel("rIdSettings", "settings", "settings.xml"),
        rel("rIdFooterOdd", "footer", "footer1.xml"),
        rel("rIdFooterEven", "footer", "footer2.xml"),
    )
}

/// Title, author and dates of the report; no clock, no user name of the machine.
fn core_properties(doc: &Document, date: NaiveDate) -> String {
    let stamp = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
    format!(
        "{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{title}</dc:title><dc:subject>{year}年度工作总结</dc:subject>\
<dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>\
<cp:keywords>{author}, 年度工作总结, {year}</cp:keywords>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created>\
<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified>\
</cp:coreProperties>",
        title = escape(&doc.title),
        author = escape(&doc.organization),
        year = doc.year,
    )
}

fn app_properties() -> String {
    format!(
        "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>annual-report</Application></Properties>"
    )
}

/// Run properties naming a face for Chinese and Times New Roman for Latin.
fn fonts(east_asia: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{FONT_LATIN}\" w:hAnsi=\"{FONT_LATIN}\" w:eastAsia=\"{east_asia}\" w:cs=\"{FONT_LATIN}\"/>"
    )
}

/// The Chinese name a built-in style goes by in a Chinese Word or WPS.
fn alias(id: &str) -> &'static str {
    match id {
        "Normal" => "<w:aliases w:val=\"正文\"/>",
        "Title" => "<w:aliases w:val=\"标题\"/>",
        _ => "",
    }
}

/// A paragraph style: its id and name, the paragraph and run properties.
fn paragraph_style((id, name): (&str, &str), default: bool, ppr: &str, rpr: &str) -> String {
    let based_on = if default {
        String::new()
    } else {
        format!("<w:basedOn w:val=\"{}\"/>", STYLE_BODY.0)
    };
    let default = if default { " w:default=\"1\"" } else { "" };
    format!(
        "<w:style w:type=\"paragraph\"{default} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{}{based_on}\
<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>",
        alias(id)
    )
}

/// Exactly one grid line per text line: 22 lines a page whatever the fonts' metrics.
fn exact_line() -> String {
    format!(
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>",
        page::LINE_PITCH
    )
}

/// The styles; `with_kai` adds the 楷体 character style, declared only where a run
/// uses it so that a document without run-in level-2 titles lists what it always did.
fn styles(with_kai: bool) -> String {
    let size = |half_points: u32| {
        format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>")
    };
    // Body text does not snap to the character grid but carries the grid's pitch
    // itself (16 pt − 0.3 pt): Word and WPS then set 28 characters a line, and so does
    // LibreOffice, which would otherwise give every 16 pt character two cells of
    // 15.79 pt. The section still declares the 22 × 28 grid for the page setup.
    let body_ppr = format!(
        "<w:widowControl w:val=\"0\"/><w:snapToGrid w:val=\"0\"/><w:adjustRightInd w:val=\"0\"/>{}<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/>",
        exact_line()
    );
    let body_rpr = format!(
        "{}<w:spacing w:val=\"{BODY_TRACKING}\"/>{}",
        fonts(FONT_BODY.0),
        size(BODY_SIZE)
    );
    let heading_ppr =
        |level: u8| format!("<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"{level}\"/>");
    let no_indent = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";
    let mut out = format!(
        "{XML_HEAD}<w:styles xmlns:w=\"{NS_W}\"><w:docDefaults><w:rPrDefault><w:rPr>{}{}\
<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>",
        fonts(FONT_BODY.0),
        size(BODY_SIZE)
    );
    out.push_str(&paragraph_style(STYLE_BODY, true, &body_ppr, &body_rpr));
    out.push_str(&paragraph_style(
        STYLE_TITLE,
        false,
        &format!(
            "<w:keepNext/>{no_indent}<w:jc w:val=\"center\"/><w:spacing w:before=\"0\" w:after=\"{}\" w:line=\"{}\" w:lineRule=\"exact\"/>",
            page::LINE_PITCH,
            page::LINE_PITCH
        ),
        &format!(
            "{}<w:spacing w:val=\"0\"/>{}",
            fonts(FONT_TITLE.0),
            size(TITLE_SIZE)
        ),
    ));
    out.push_str(&paragraph_style(
        STYLE_HEADING_ONE,
        false,
        &heading_ppr(0),
        &fonts(FONT_HEI.0),
    ));
    out.push_str(&paragraph_style(
        STYLE_HEADING_TWO,
        false,
        &heading_ppr(1),
        &fonts(FONT_KAI.0),
    ));
    out.push_str(&paragraph_style(
        STYLE_FOLIO,
        false,
        &format!("{no_indent}<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"280\" w:lineRule=\"exact\"/>"),
        &format!(
            "{}<w:spacing w:val=\"0\"/>{}",
            fonts(FONT_SONG.0),
            size(FOLIO_SIZE)
        ),
    ));
    out.push_str(&paragraph_style(
        STYLE_TABLE,
        false,
        &format!("{no_indent}<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/>", page::LINE_PITCH),
        &format!("<w:spacing w:val=\"0\"/>{}", size(FOLIO_SIZE)),
    ));
    let _ = write!(
        out,
        "<w:style w:type=\"character\" w:styleId=\"{}\"><w:name w:val=\"{}\"/><w:qFormat/><w:rPr>{}</w:rPr></w:style>",
        STYLE_STRONG.0,
        STYLE_STRONG.1,
        fonts(FONT_HEI.0)
    );
    if with_kai {
        // Only the face changes: size and tracking stay the paragraph's, so the run
        // keeps the body's 28-character pitch.
        let _ = write!(
            out,
            "<w:style w:type=\"character\" w:styleId=\"{}\"><w:name w:val=\"{}\"/><w:qFormat/><w:rPr>{}</w:rPr></w:style>",
            STYLE_KAI.0,
            STYLE_KAI.1,
            fonts(FONT_KAI.0)
        );
    }
    out.push_str("<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    out.push_str("</w:styles>");
    out
}

/// The fonts the styles name, each with the family to use where it is missing.
fn font_table() -> String {
    let mut out = format!("{XML_HEAD}<w:fonts xmlns:w=\"{NS_W}\">");
    for (name, alternative) in [FONT_TITLE, FONT_BODY, FONT_HEI, FONT_KAI, FONT_SONG] {
        let _ = write!(
            out,
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alternative}\"/><w:charset w:val=\"86\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>"
        );
    }
    let _ = write!(
        out,
        "<w:font w:name=\"{FONT_LATIN}\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>"
    );
    out
}

/// Different odd and even footers; punctuation compressed as Word's 公文 templates do.
fn settings() -> String {
    format!(
        "{XML_HEAD}<w:settings xmlns:w=\"{NS_W}\"><w:evenAndOddHeaders/><w:defaultTabStop w:val=\"420\"/>\
<w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:spaceForUL/>\
<w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>\
<w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>\
<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>\
</w:compat><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>"
    )
}

/// "— n —" in 四号宋体 as a PAGE field: odd pages at the right, even pages at the left,
/// one character (14 pt = 280 twips) in.
fn footer(odd: bool) -> String {
    let (alignment, indent) = if odd {
        ("right", "<w:ind w:right=\"280\"/>")
    } else {
        ("left", "<w:ind w:left=\"280\"/>")
    };
    let run = |inner: &str| format!("<w:r>{inner}</w:r>");
    format!(
        "{XML_HEAD}<w:ftr xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:p><w:pPr><w:pStyle w:val=\"{}\"/><w:jc w:val=\"{alignment}\"/>{indent}</w:pPr>\
{}{}{}{}{}{}</w:p></w:ftr>",
        STYLE_FOLIO.0,
        run("<w:t xml:space=\"preserve\">— </w:t>"),
        run("<w:fldChar w:fldCharType=\"begin\"/>"),
        run("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"),
        run("<w:fldChar w:fldCharType=\"separate\"/>"),
        run("<w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/>"),
        run("<w:t xml:space=\"preserve\"> —</w:t>"),
    )
}

/// Runs of ledger text: bold spans in the 加粗（黑体） character style.
fn runs(text: &RichText) -> String {
    text.0.iter().map(span_run).collect()
}

fn span_run(span: &Span) -> String {
    let style = if span.strong {
        format!("<w:rPr><w:rStyle w:val=\"{}\"/></w:rPr>", STYLE_STRONG.0)
    } else if span.kai {
        format!("<w:rPr><w:rStyle w:val=\"{}\"/></w:rPr>", STYLE_KAI.0)
    } else {
        String::new()
    };
    format!(
        "<w:r>{style}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(&span.text)
    )
}

fn plain_run(text: &str) -> String {
    span_run(&Span {
        text: text.to_owned(),
        strong: false,
        kai: false,
    })
}

/// A paragraph in a style (`None`: the body style) with extra paragraph properties.
fn paragraph(style: Option<&str>, extra_ppr: &str, content: &str) -> String {
    let style = style.map_or_else(String::new, |s| format!("<w:pStyle w:val=\"{s}\"/>"));
    format!("<w:p><w:pPr>{style}{extra_ppr}</w:pPr>{content}</w:p>")
}

fn document_xml(doc: &Document, title_lines: &[String]) -> String {
    let mut body = String::new();
    let title: Vec<String> = title_lines.iter().map(|l| plain_run(l)).collect();
    body.push_str(&paragraph(
        Some(STYLE_TITLE.0),
        "",
        &title.join("<w:r><w:br/></w:r>"),
    ));
    for p in &doc.opening {
        body.push_str(&paragraph(None, "", &runs(p)));
    }
    if let Some(rollup) = &doc.rollup {
        body.push_str(&rollup_table(rollup));
    }
    for section in &doc.sections {
        if let Some(part) = &section.part {
            body.push_str(&paragraph(
                Some(STYLE_HEADING_ONE.0),
                "",
                &plain_run(&format!("{}{}", part.number, part.title)),
            ));
        }
        if section.heading {
            // Under a part the section is the second level: 楷体, as an item's （一）.
            let style = match section.level {
                2 => STYLE_HEADING_TWO.0,
                _ => STYLE_HEADING_ONE.0,
            };
            body.push_str(&paragraph(
                Some(style),
                "",
                &plain_run(&format!("{}{}", section.number, section.title)),
            ));
        }
        for item in &section.items {
            body.push_str(&item_paragraphs(item));
        }
    }
    for p in &doc.closing {
        body.push_str(&paragraph(None, "", &runs(p)));
    }
    if let Some(signature) = &doc.signature {
        keep_with_signature(&mut body);
        body.push_str(&signature_paragraphs(
            signature.issuer.as_deref(),
            signature.date.as_deref(),
            doc.note.is_some(),
        ));
    }
    if let Some(note) = &doc.note {
        body.push_str(&paragraph(None, "", &plain_run(note)));
    }
    format!(
        "{XML_HEAD}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:body>{body}{}</w:body></w:document>",
        section_properties()
    )
}

fn item_paragraphs(item: &DocItem) -> String {
    let mut out = String::new();
    if let Some(title) = &item.title {
        out.push_str(&paragraph(
            Some(STYLE_HEADING_TWO.0),
            "",
            &plain_run(&format!("{}{}", item.number, title)),
        ));
        for p in &item.paragraphs {
            out.push_str(&paragraph(None, "", &runs(p)));
        }
    } else {
        for (n, p) in item.paragraphs.iter().enumerate() {
            let number = if n == 0 && !item.number.is_empty() {
                plain_run(&item.number)
            } else {
                String::new()
            };
            out.push_str(&paragraph(None, "", &format!("{number}{}", runs(p))));
        }
    }
    out
}

/// Issuer and date without a seal (GB/T 9704 7.3.5), in the cells the PDF gives them
/// ([`grid::signature_cells`]): one empty line above, then each line right-aligned
/// with the cells that stay empty at its right as the right indent (in hundredths of
/// a character, so it stays on the character grid). Anchored at its right end, a
/// line can never wrap, whatever the width of the digits in the fonts at hand. The
/// three paragraphs are kept together, and with the note after them when `kept`.
fn signature_paragraphs(issuer: Option<&str>, date: Option<&str>, kept: bool) -> String {
    let cells = grid::signature_cells(issuer, date, &grid::Advances::default());
    // A right-aligned line in its cells, kept with the next paragraph when one of the
    // signature (or the kept note) follows it.
    let line = |text: &str, at: grid::LineCells, keep_next: bool| {
        let empty = grid::LINE_CELLS.saturating_sub(at.end);
        let keep = if keep_next {
            "<w:keepNext/><w:keepLines/>"
        } else {
            "<w:keepLines/>"
        };
        paragraph(
            None,
            &format!(
                "{keep}<w:ind w:left=\"0\" w:leftChars=\"0\" w:right=\"{}\" w:rightChars=\"{}\" w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"right\"/>",
                empty * 316,
                empty * 100
            ),
            &plain_run(text),
        )
    };
    let mut out = paragraph(
        None,
        "<w:keepNext/><w:keepLines/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>",
        "",
    );
    if let (Some(issuer), Some(at)) = (issuer, cells.issuer) {
        out.push_str(&line(issuer, at, date.is_some() || kept));
    }
    if let (Some(date), Some(at)) = (date, cells.date) {
        out.push_str(&line(date, at, kept));
    }
    out
}

/// Keeps the body's last paragraph, the last one in `body`, with the signature after
/// it, as the PDF does ([`grid::kept_paragraph`]): kept with the next paragraph, with
/// widow and orphan control, so its last two lines (its only line) go to the next page
/// with the signature and its first line never stays alone at a page's foot.
fn keep_with_signature(body: &mut String) {
    let Some(at) = body.rfind("<w:p><w:pPr>") else {
        return;
    };
    let mut at = at + "<w:p><w:pPr>".len();
    // The keep properties follow the style in the schema's order.
    if body[at..].starts_with("<w:pStyle ")
        && let Some(end) = body[at..].find("/>")
    {
        at += end + 2;
    }
    body.insert_str(at, "<w:keepNext/><w:widowControl/>");
}

/// The roll-up as a Word table: heading line, header row, a row per member and the
/// total, in 四号, borders of 0.5 pt; one empty line after it keeps the text on the grid.
fn rollup_table(rollup: &Rollup) -> String {
    let mut out = paragraph(
        Some(STYLE_HEADING_ONE.0),
        "<w:outlineLvl w:val=\"9\"/>",
        &plain_run(&rollup.title),
    );
    let columns = rollup.columns.len() + 1;
    let width = page::SIZE.0 - page::MARGINS.1 - page::MARGINS.3;
    let first = width * 14 / (10 * u32::try_from(columns).unwrap_or(1) + 4);
    let rest = (width - first) / u32::try_from(columns.saturating_sub(1).max(1)).unwrap_or(1);
    let border = "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>";
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"{first}\"/>"
    );
    for _ in 1..columns {
        let _ = write!(out, "<w:gridCol w:w=\"{rest}\"/>");
    }
    out.push_str("</w:tblGrid>");
    let cell = |text: &str, width: u32, right: bool| {
        let alignment = if right { "<w:jc w:val=\"right\"/>" } else { "" };
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
            paragraph(Some(STYLE_TABLE.0), alignment, &plain_run(text))
        )
    };
    let row = |name: &str, values: &[String], header: bool| {
        let mut r = String::from("<w:tr>");
        if header {
            r.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        r.push_str(&cell(name, first, false));
        for v in values {
            r.push_str(&cell(v, rest, !header));
        }
        r.push_str("</w:tr>");
        r
    };
    out.push_str(&row("单位", &rollup.columns, true));
    for member in &rollup.rows {
        out.push_str(&row(&member.organization, &member.values, false));
    }
    out.push_str(&row("合计", &rollup.total, false));
    out.push_str("</w:tbl>");
    out.push_str(&paragraph(None, "", ""));
    out
}

fn section_properties() -> String {
    let (width, height) = page::SIZE;
    let (top, right, bottom, left) = page::MARGINS;
    format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>\
<w:pgSz w:w=\"{width}\" w:h=\"{height}\"/>\
<w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
<w:cols w:space=\"425\"/><w:docGrid w:type=\"linesAndChars\" w:linePitch=\"{}\" w:charSpace=\"{}\"/></w:sectPr>",
        page::FOOTER,
        page::LINE_PITCH,
        page::CHAR_SPACE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grid the section declares, in points: (line pitch, character pitch), as Word
    /// computes them (for tests and documentation).
    fn grid_in_points() -> (f64, f64) {
        let line = f64::from(page::LINE_PITCH) / 20.0;
        let character = f64::from(BODY_SIZE) / 2.0 + f64::from(page::CHAR_SPACE) / 4096.0;
        (line, character)
    }

    /// The text block in millimetres (width, height), from the page size and margins.
    fn text_block_mm() -> (f64, f64) {
        let (width, height) = page::SIZE;
        let (top, right, bottom, left) = page::MARGINS;
        (
            f64::from(width - left - right) / (1440.0 / 25.4),
            f64::from(height - top - bottom) / (1440.0 / 25.4),
        )
    }

    #[test]
    fn the_grid_is_22_lines_of_28_characters() {
        let (block_width, block_height) = text_block_mm();
        assert!((block_width - 156.0).abs() < 0.1, "{block_width}");
        assert!((block_height - 225.0).abs() < 0.1, "{block_height}");
        let (line, character) = grid_in_points();
        let block_width_pt = block_width / 25.4 * 72.0;
        let block_height_pt = block_height / 25.4 * 72.0;
        assert_eq!((block_width_pt / character).floor(), 28.0, "{character}");
        assert_eq!((block_height_pt / line).floor(), 22.0, "{line}");
        assert!((character - 15.79).abs() < 0.01);
        assert!((line - 28.95).abs() < 0.05);
    }

    #[test]
    fn ledger_text_cannot_become_markup_or_a_field() {
        let hostile = "<w:p>]]>&{ PAGE }\"'\u{1}\u{FFFF}";
        let escaped = escape(hostile);
        assert_eq!(escaped, "&lt;w:p&gt;]]&gt;&amp;{ PAGE }&quot;&apos;");
    }

    #[test]
    fn the_signature_stands_in_the_cells_the_pdf_gives_it() {
        let advances = grid::Advances::default();
        for (issuer, date) in [
            (Some("茶盘洲镇妇联"), Some("2024年1月22日")),
            (Some("沅江市茶盘洲镇妇女联合会办公室"), Some("2024年1月2日")),
            (Some("共青团新民镇委员会"), Some("2023年12月20日")),
            (Some("新河镇妇联"), None),
            (None, Some("2024年1月10日")),
        ] {
            let cells = grid::signature_cells(issuer, date, &advances);
            let xml = signature_paragraphs(issuer, date, false);
            for at in [cells.issuer, cells.date].into_iter().flatten() {
                let empty = grid::LINE_CELLS - at.end;
                assert!(
                    xml.contains(&format!("w:rightChars=\"{}\"", empty * 100)),
                    "{xml}"
                );
            }
            assert_eq!(
                xml.matches("<w:jc w:val=\"right\"/>").count(),
                2 - usize::from(issuer.is_none() || date.is_none())
            );
        }
    }

    #[test]
    fn the_last_body_paragraph_is_kept_with_the_signature() {
        let mut body = paragraph(None, "", &plain_run("上文"));
        body.push_str(&paragraph(
            Some(STYLE_HEADING_TWO.0),
            "",
            &plain_run("（一）标题"),
        ));
        keep_with_signature(&mut body);
        assert!(body.ends_with(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{}\"/><w:keepNext/><w:widowControl/></w:pPr>{}</w:p>",
            STYLE_HEADING_TWO.0,
            plain_run("（一）标题")
        )), "{body}");
        assert_eq!(body.matches("<w:keepNext/>").count(), 1);
    }
}
