//! Whole-document snapshots of the fixtures' Markdown, and the committed example in
//! `reports/` kept up to date.

use crate::common;

use annual_report::{BuildOptions, Format};
use common::{build_files, fixture, root};

fn markdown_of(name: &str) -> (String, String) {
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions::new(out.path().to_path_buf(), &[Format::Md]);
    let built = annual_report::build(&fixture(name), &options).unwrap();
    let path = &built.written[0];
    let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
    (file_name, std::fs::read_to_string(path).unwrap())
}

#[test]
fn chapanzhou_markdown() {
    insta::assert_snapshot!(markdown_of("chapanzhou-2023").1);
}

#[test]
fn qingshan_markdown() {
    insta::assert_snapshot!(markdown_of("qingshan-2024-tuanwei").1);
}

/// `reports/chapanzhou-2023/` holds the built example (Markdown, page, text, PDF and
/// page images); rebuild it with `cargo run --release -- build fixtures/chapanzhou-2023 --out reports/chapanzhou-2023
/// --no-system-fonts --format md,html,txt,pdf,png,docx` when this fails.
#[test]
fn committed_example_report_is_fresh() {
    let (_out, files) = build_files(
        &fixture("chapanzhou-2023"),
        &[
            Format::Md,
            Format::Html,
            Format::Txt,
            Format::Pdf,
            Format::Png,
            Format::Docx,
        ],
    );
    assert!(files.keys().any(|n| n.ends_with("-1.png")));
    for (name, fresh) in &files {
        let committed = root().join("reports/chapanzhou-2023").join(name);
        let committed = std::fs::read(&committed).unwrap_or_else(|e| {
            panic!("{} missing ({e}); rebuild the example", committed.display())
        });
        assert!(
            &committed == fresh,
            "reports/chapanzhou-2023/{name} is stale; rebuild it with \
             `cargo run --release -- build fixtures/chapanzhou-2023 --out reports/chapanzhou-2023 --no-system-fonts \
             --format md,html,txt,pdf,png,docx`"
        );
    }
}
