//! Arbitrary bytes as a report directory and the ledgers it links (last year's, the
//! roll-up's members; see `annual_report::ledger::synth::unpack_ledgers`): loading, checking,
//! linking, aggregating, composing with the roll-up and 同比, proofreading, rendering
//! Markdown, HTML and text, and the statistics must never panic, and an invalid ledger
//! must say where it is invalid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// One scratch directory per fuzzing process, rewritten for every input.
static SCRATCH: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a scratch directory"));

fuzz_target!(|packed: &[u8]| {
    let root = SCRATCH.path().join("ledgers");
    let _ = std::fs::remove_dir_all(&root);
    let dir = annual_report::ledger::synth::unpack_ledgers(&root, packed).expect("scratch is writable");
    match annual_report::prepare(&dir) {
        Ok(prepared) => {
            let renderer = annual_report::publish::render::Renderer::new(Some(&dir))
                .expect("the built-in templates parse");
            renderer.markdown(&prepared.doc).expect("Markdown renders");
            renderer.html(&prepared.doc).expect("HTML renders");
            renderer.text(&prepared.doc).expect("text renders");
            let stats = annual_report::ledger::stats::stats(
                &prepared.aggregate,
                prepared.linked.previous.as_ref(),
            );
            stats.to_table();
            stats.to_csv();
        }
        Err(report) => {
            assert!(report.error_count() > 0, "a refused ledger names an error");
        }
    }
});
