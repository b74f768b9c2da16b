//! The chapanzhou fixture rebuilt from its ledger equals the published summary in
//! `../shared/reference`, paragraph for paragraph.

use crate::common;

use annual_report::{BuildOptions, Format};
use common::{copy_dir, fixture, fold, markdown_blocks, root};
use std::path::{Path, PathBuf};

const TITLE: &str = "2023年茶盘洲镇妇联工作总结";

/// The published page's paragraphs, without the website's own links at the bottom.
fn reference_paragraphs() -> Vec<String> {
    // A verbatim copy of ../shared/reference/chapanzhou-2023-fulian-summary.txt.
    let path = root().join("fixtures/reference/chapanzhou-2023-fulian-summary.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reference file {} is needed: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("扫一扫"))
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn build_markdown(dir: &Path, out: &Path) -> String {
    let options = BuildOptions::new(out.to_path_buf(), &[Format::Md]);
    annual_report::build(dir, &options).expect("fixture builds");
    std::fs::read_to_string(out.join(format!("{TITLE}.md"))).unwrap()
}

#[test]
fn fixture_reproduces_the_published_summary_paragraph_for_paragraph() {
    let out = tempfile::tempdir().unwrap();
    let markdown = build_markdown(&fixture("chapanzhou-2023"), out.path());
    let ours: Vec<String> = markdown_blocks(&markdown).iter().map(|b| fold(b)).collect();
    let theirs: Vec<String> = reference_paragraphs().iter().map(|p| fold(p)).collect();
    // The published page leaves one paragraph that ends with an activity without its
    // final 。; the tool closes such a sentence, so that paragraph may differ by it.
    let mut closed = 0;
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        if a != b && *a == format!("{b}。") && !b.ends_with(['。', '！', '？', '：']) {
            closed += 1;
            continue;
        }
        assert_eq!(a, b, "paragraph {i} differs");
    }
    assert_eq!(closed, 1, "paragraphs closed with 。");
    assert_eq!(ours.len(), theirs.len(), "paragraph count");
    // Title, metadata, opening, 5 headings, 15 items, 6 plans, closing.
    assert_eq!(theirs.len(), 1 + 1 + 1 + 5 + 15 + 6 + 1);
}

#[test]
fn output_uses_full_width_punctuation_in_chinese_text() {
    let out = tempfile::tempdir().unwrap();
    let markdown = build_markdown(&fixture("chapanzhou-2023"), out.path());
    for block in markdown_blocks(&markdown) {
        for (i, c) in block.char_indices() {
            if matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')') {
                panic!("half-width {c:?} at {i} in {block}");
            }
        }
    }
}

#[test]
fn figures_come_from_the_activity_entries() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let march = ledger.join("activities/2023-03.yaml");
    let text = std::fs::read_to_string(&march).unwrap();
    let changed = text.replacen(
        "{ visits: 1, visitors: 2 }",
        "{ visits: 3, visitors: 7 }",
        1,
    );
    assert_ne!(text, changed, "the fixture has a March visit to change");
    std::fs::write(&march, changed).unwrap();

    let markdown = build_markdown(&ledger, &dir.path().join("out"));
    assert!(
        markdown.contains("接待妇女来访12件，20余人次"),
        "sums follow the entries: {markdown}"
    );
}

/// Each of the seven half-width marks `, ; : ! ? ( )` written in the ledger's Chinese
/// text comes out full-width: the fixture with its full-width marks typed half-width
/// (and a `?`, a `;` and a `!` in place of marks of the closing) builds to the same
/// blocks as the fixture itself, with those three full-width.
#[test]
fn half_width_marks_in_the_ledger_come_out_full_width() {
    let work = tempfile::tempdir().unwrap();
    let original = build_markdown(&fixture("chapanzhou-2023"), &work.path().join("a"));
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let half_width = |text: &str| {
        text.lines()
            // The separator setting is a value of its own, not text.
            .map(|line| match line.trim_start().starts_with("separator:") {
                true => line.to_owned(),
                false => line
                    .replace('，', ",")
                    .replace('；', ";")
                    .replace('：', ":")
                    .replace('（', "(")
                    .replace('）', ")"),
            })
            .map(|line| line + "\n")
            .collect::<String>()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(ledger.join("activities"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.push(ledger.join("report.yaml"));
    let mut marks = String::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut changed = half_width(&text);
        if file.ends_with("report.yaml") {
            changed = changed
                .replacen("不足之处,", "不足之处?", 1)
                .replacen("这些,", "这些;", 1)
                .replacen("新的局面。", "新的局面!", 1);
        }
        marks.extend(changed.chars().filter(|c| ",;:!?()".contains(*c)));
        std::fs::write(&file, changed).unwrap();
    }
    for mark in [',', ';', ':', '!', '?', '(', ')'] {
        assert!(marks.contains(mark), "the ledger now holds {mark:?}");
    }
    let rebuilt = build_markdown(&ledger, &work.path().join("b"));

    let expected: Vec<String> = markdown_blocks(&original)
        .into_iter()
        .map(|b| {
            b.replacen("不足之处，", "不足之处？", 1)
                .replacen("这些，", "这些；", 1)
                .replacen("新的局面。", "新的局面！", 1)
        })
        .collect();
    let ours = markdown_blocks(&rebuilt);
    assert_eq!(ours.len(), expected.len(), "block count");
    for (i, (a, b)) in ours.iter().zip(&expected).enumerate() {
        assert_eq!(a, b, "block {i}");
    }
    assert!(
        ours.iter()
            .any(|b| b.contains("之处？") && b.contains("这些；") && b.contains("局面！"))
    );
}
