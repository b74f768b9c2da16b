//! No input makes check panic: mutated bytes of the real ledger files go through the
//! whole loader and checker.

use crate::common;

use annual_report::ledger::synth::Rng;
use common::{copy_dir, fixture};

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(8) {
        if out.is_empty() {
            out.push(b'-');
        }
        let at = rng.below(out.len());
        match rng.below(5) {
            0 => out[at] = (rng.next_u64() & 0xff) as u8,
            1 => {
                out.remove(at);
            }
            2 => out.insert(at, b"-:{}[]&*!|>'\"#%@`\t\n "[rng.below(20)]),
            3 => out.truncate(at),
            _ => {
                let end = (at + rng.below(64)).min(out.len());
                let chunk = out[at..end].to_vec();
                out.splice(at..at, chunk);
            }
        }
    }
    out
}

#[test]
fn mutated_ledgers_never_panic() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("chapanzhou-2023"), &ledger);
    let targets = [
        ledger.join("report.yaml"),
        ledger.join("activities/2023-03.yaml"),
    ];
    let originals: Vec<Vec<u8>> = targets.iter().map(|t| std::fs::read(t).unwrap()).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = 0;
    for round in 0..400 {
        let which = round % targets.len();
        std::fs::write(&targets[which], mutate(&mut rng, &originals[which])).unwrap();
        let report = annual_report::check_dir(&ledger);
        failures += usize::from(report.error_count() > 0);
        for d in &report.diagnostics {
            if let Some(loc) = &d.location {
                assert!(loc.line >= 1 && loc.column >= 1, "{d}");
            }
        }
        std::fs::write(&targets[which], &originals[which]).unwrap();
    }
    assert!(failures > 100, "mutations are mostly caught: {failures}");
}

/// What the fuzz target (fuzz/fuzz_targets/ledger.rs) asserts for one packed input: a
/// report and the ledgers it links (last year's, roll-up members), so linking, the
/// roll-up table and 同比 are reached.
fn fuzz_property(packed: &[u8], scratch: &std::path::Path) {
    let _ = std::fs::remove_dir_all(scratch);
    let main = annual_report::ledger::synth::unpack_ledgers(scratch, packed).unwrap();
    match annual_report::prepare(&main) {
        Ok(prepared) => {
            let renderer = annual_report::publish::render::Renderer::new(Some(&main)).unwrap();
            renderer.markdown(&prepared.doc).unwrap();
            renderer.html(&prepared.doc).unwrap();
            renderer.text(&prepared.doc).unwrap();
            let stats = annual_report::ledger::stats::stats(
                &prepared.aggregate,
                prepared.linked.previous.as_ref(),
            );
            stats.to_table();
            stats.to_csv();
        }
        Err(report) => assert!(report.error_count() > 0),
    }
}

/// The fuzz seeds are the fixtures (valid and invalid) packed with the ledgers they
/// link (`UPDATE_FUZZ_SEEDS=1` rewrites them after a fixture changes).
#[test]
fn fuzz_seeds_are_the_packed_fixtures() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_FUZZ_SEEDS").is_some();
    let mut linked = 0;
    let mut names: Vec<String> = ["chapanzhou-2023", "qingshan-2024-tuanwei", "xinhe-2022"]
        .iter()
        .chain(&["xinhe-2023", "yuanjiang-2023"])
        .map(|name| name.to_string())
        .collect();
    for entry in std::fs::read_dir(fixture("invalid")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        names.push(format!("invalid/{name}"));
    }
    for name in &names {
        let packed = annual_report::ledger::synth::pack_ledgers(&fixture(name)).unwrap();
        let seed = root.join("fuzz/seeds").join(name.replace('/', "-"));
        if update {
            std::fs::write(&seed, &packed).unwrap();
        }
        assert!(
            std::fs::read(&seed).unwrap() == packed,
            "{name}: run with UPDATE_FUZZ_SEEDS=1"
        );
        linked += packed
            .windows(annual_report::ledger::synth::PACKED_LEDGER_SEPARATOR.len())
            .filter(|w| *w == annual_report::ledger::synth::PACKED_LEDGER_SEPARATOR)
            .count();
    }
    // xinhe-2023's last year, yuanjiang-2023's two members.
    assert_eq!(linked, 3);
}

/// The fuzzer's seeds and every input it ever crashed or hung on (fuzz/regressions)
/// go through the fuzz target's checks in every test run.
#[test]
fn fuzz_seeds_and_regressions_hold() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let work = tempfile::tempdir().unwrap();
    let mut inputs = 0;
    for folder in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let packed = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| {
                fuzz_property(&packed, &work.path().join("ledger"));
            });
            assert!(outcome.is_ok(), "{} fails", path.display());
            inputs += 1;
        }
    }
    assert!(inputs >= 27, "the seeds are there ({inputs})");
}
