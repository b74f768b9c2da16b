//! Arbitrary bytes as a report directory (see `annual_report::synth::unpack_ledger`):
//! loading, checking, aggregating, composing, proofreading and rendering Markdown and
//! HTML must never panic, and an invalid ledger must say where it is invalid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// One scratch directory per fuzzing process, rewritten for every input.
static SCRATCH: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a scratch directory"));

fuzz_target!(|packed: &[u8]| {
    let dir = SCRATCH.path().join("ledger");
    let _ = std::fs::remove_dir_all(&dir);
    annual_report::synth::unpack_ledger(&dir, packed).expect("scratch is writable");
    match annual_report::prepare(&dir) {
        Ok(prepared) => {
            let renderer = annual_report::render::Renderer::new(Some(&dir))
                .expect("the built-in templates parse");
            renderer.markdown(&prepared.doc).expect("Markdown renders");
            renderer.html(&prepared.doc).expect("HTML renders");
            renderer.text(&prepared.doc).expect("text renders");
        }
        Err(report) => {
            assert!(report.error_count() > 0, "a refused ledger names an error");
        }
    }
});
