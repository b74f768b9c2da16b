//! The PDF path end to end: ledger text stays text in Typst, missing glyphs are caught
//! before typesetting, the bytes are reproducible, and `fonts` reports the faces.

use crate::common;

use annual_report::Format;
use annual_report::publish::typeset::fonts::{FontLibrary, FontOptions};
use common::{build_files, cli, copy_dir, fixture};
use typst::layout::{Frame, FrameItem};

/// All text of the laid-out pages but the page numbers, in reading order, without
/// white space.
fn document_text(dir: &std::path::Path) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                // Page numbers (四号) are not part of the running text.
                FrameItem::Text(text) if text.size.to_pt() > 15.0 => out.push_str(&text.text),
                _ => {}
            }
        }
    }
    let fonts = FontLibrary::new(&FontOptions::default());
    let document = annual_report::layout(dir, &fonts).expect("lays out");
    let mut out = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out.split_whitespace().collect()
}

const HOSTILE: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "#include \"/main.typ\"",
    "$x^2$",
    "*粗*与_斜_",
    "@label <label>",
    "[内容] \\反斜杠 \"引号\"",
    "// 注释 /* 块注释 */",
    "`代码` #set text(red)",
    "#{ panic(\"boom\") }",
    "= 不是标题",
];

#[test]
fn ledger_text_is_never_typst() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    let quoted = |s: &str| serde_json::to_string(s).unwrap();
    let mut report = std::fs::read_to_string(ledger.join("report.yaml")).unwrap();
    report = report
        .replace(
            "title: 青山街道团工委2024年工作总结",
            &format!("title: {}", quoted(HOSTILE[0])),
        )
        .replace(
            "title: 开展红色教育",
            &format!("title: {}", quoted(HOSTILE[1])),
        )
        .replace(
            "lead: 反诈宣传深入人心。",
            &format!("lead: {}", quoted(HOSTILE[2])),
        )
        .replace(
            "issuer: 共青团青山街道工作委员会",
            &format!("issuer: {}", quoted(HOSTILE[3])),
        )
        .replace(
            "note: （此件公开发布）",
            &format!("note: {}", quoted(HOSTILE[4])),
        );
    let plans: String = HOSTILE[5..]
        .iter()
        .map(|h| format!("    - {}\n", quoted(h)))
        .collect();
    let start = report.find("plans:").unwrap();
    let end = report.find("closing:").unwrap();
    report.replace_range(start..end, &format!("plans:\n  items:\n{plans}"));
    std::fs::write(ledger.join("report.yaml"), &report).unwrap();
    std::fs::write(
        ledger.join("activities/hostile.yaml"),
        format!(
            "- date: 2024-08-01\n  item: volunteering\n  text: {}\n",
            quoted("活动#strong[x]与$y$和\\u{41}")
        ),
    )
    .unwrap();

    let text = document_text(&ledger);
    for hostile in HOSTILE {
        let squashed: String = hostile.split_whitespace().collect();
        assert!(
            text.contains(&squashed),
            "{hostile:?} not printed literally in\n{text}"
        );
    }
    assert!(text.contains("活动#strong[x]与$y$和\\u{41}"), "{text}");
    assert!(!text.contains("root:"), "a file was read");
    // The PDF itself builds from the same ledger.
    let (_out, files) = build_files(&ledger, &[Format::Pdf]);
    assert_eq!(files.len(), 1);
}

#[test]
fn same_ledger_same_pdf_bytes() {
    let (_a, first) = build_files(&fixture("chapanzhou-2023"), &[Format::Pdf, Format::Png]);
    let (_b, second) = build_files(&fixture("chapanzhou-2023"), &[Format::Pdf, Format::Png]);
    assert!(first.len() >= 4, "a PDF and its pages: {:?}", first.keys());
    assert!(first == second, "two builds differ");
    let pdf = &first["2023年茶盘洲镇妇联工作总结.pdf"];
    assert!(pdf.starts_with(b"%PDF-"));
    let as_text = String::from_utf8_lossy(pdf);
    assert!(
        as_text.contains("D:20240122"),
        "timestamp from the document date"
    );
}

#[test]
fn missing_glyphs_are_located_errors_unless_allowed() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    std::fs::write(
        ledger.join("activities/rare.yaml"),
        "# 生僻字\n- date: 2024-08-02\n  item: volunteering\n  text: 走访了𪚥字村的老人\n",
    )
    .unwrap();
    let out = work.path().join("out");
    let output = cli()
        .arg("build")
        .arg(&ledger)
        .args(["--no-system-fonts", "--format", "md,pdf", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for expected in ["E030", "𪚥", "U+2A6A5", "正文（仿宋）", "rare.yaml:4:12"] {
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    }
    assert!(!out.exists(), "nothing written");

    let output = cli()
        .arg("build")
        .arg(&ledger)
        .args([
            "--no-system-fonts",
            "--allow-missing-glyphs",
            "--format",
            "pdf",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("W030"), "{stderr}");
    assert!(out.join("青山街道团工委2024年工作总结.pdf").is_file());
}

#[test]
fn fonts_lists_every_role_with_its_source() {
    let output = cli().args(["fonts", "--no-system-fonts"]).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (role, family, file) in [
        (
            "标题（小标宋）",
            "Noto Serif CJK SC",
            "NotoSerifCJKsc-Bold-subset.ttf",
        ),
        (
            "正文（仿宋）",
            "FandolFang R",
            "FandolFang-Regular-subset.ttf",
        ),
        (
            "一级标题与加粗（黑体）",
            "Noto Sans CJK SC",
            "NotoSansCJKsc-Medium-subset.ttf",
        ),
        (
            "二级标题（楷体）",
            "AnnualReport Kai",
            "WenKaiSubset-Regular.ttf",
        ),
        (
            "页码（宋体）",
            "Noto Serif CJK SC",
            "NotoSerifCJKsc-Regular-subset.ttf",
        ),
    ] {
        let line = format!("{role}：{family}\n    来源：内置（fonts/{file}）");
        assert!(stdout.contains(&line), "{line} in\n{stdout}");
    }
    let output = cli()
        .args(["fonts", "--font-path", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}
