//! The picture in ARCHITECTURE.md, held against the code: every `crate::…` import in
//! `src/` points to its own stage, a stage before it, or the shared modules.

use std::path::{Path, PathBuf};

/// The layers from the bottom up; a module may import its own layer and those below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "shared",
        &[
            "amount",
            "diag",
            "text",
            "numbering",
            "limits",
            "files",
            "suggest",
        ],
    ),
    ("ledger", &["ledger"]),
    ("document", &["document"]),
    ("publish", &["publish"]),
];

fn layer_of_module(name: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&name))
}

/// The layer a source file belongs to, by its path under `src/`.
fn layer_of_file(relative: &Path) -> Option<usize> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    layer_of_module(name)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line without its comment and string literals (a path written in a
/// comment or a message is no import).
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut previous = ' ';
    for c in line.chars() {
        if !in_string && c == '/' && previous == '/' {
            out.pop();
            break;
        }
        if c == '"' && previous != '\\' {
            in_string = !in_string;
        } else if !in_string {
            out.push(c);
        }
        previous = c;
    }
    out
}

/// The module path of a file under `src/`: `ledger/sheet/import.rs` is
/// `[ledger, sheet, import]`, `ledger/sheet/mod.rs` is `[ledger, sheet]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The top-level module every `crate::…` and `super::…` path of a file reaches, with
/// its line number (`crate::ledger::x` and, from `document/compose.rs`,
/// `super::super::ledger::x` both give `ledger`; `use crate::{ledger::x, document}`,
/// over one line or several, gives each module of the group).
fn crate_imports_of(relative: &Path, text: &str) -> Vec<(usize, String)> {
    let own = module_path(relative);
    // Comments and strings out, line breaks kept: a group may span lines.
    let code: String = text.lines().map(|l| code_of(l) + "\n").collect();
    let line_at = |at: usize| code[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = ["crate::", "super::"]
        .iter()
        .filter_map(|p| code[from..].find(p))
        .min()
        .map(|i| from + i)
    {
        let (mut path, mut after) = match code[at..].strip_prefix("crate::") {
            Some(after) => (Vec::new(), after),
            // `super` inside an inline `mod x { … }` is the file's own module first.
            None => (
                own.iter()
                    .cloned()
                    .chain(inline_modules_at(&code, at))
                    .collect(),
                &code[at..],
            ),
        };
        while let Some(next) = after.strip_prefix("super::") {
            path.pop();
            after = next;
        }
        let line = line_at(at);
        match path.first() {
            Some(top) => found.push((line, top.clone())),
            None if after.starts_with('{') => {
                found.extend(group_heads(after).into_iter().map(|h| (line, h)));
            }
            None => found.extend(first_segment(after).map(|h| (line, h))),
        }
        from = code.len() - after.len() + after.len().min(1);
    }
    found
}

/// The inline modules (`mod armed { … }`) that enclose byte `at` of `code`, outermost
/// first.
fn inline_modules_at(code: &str, at: usize) -> Vec<String> {
    let mut open: Vec<(Option<String>, usize)> = Vec::new();
    for (i, c) in code[..at].char_indices() {
        match c {
            '{' => {
                let before = code[..i].trim_end();
                let name: String = before
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let is_mod = before[..before.len() - name.len()]
                    .trim_end()
                    .ends_with("mod");
                open.push(((is_mod && !name.is_empty()).then_some(name), i));
            }
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.into_iter().filter_map(|(name, _)| name).collect()
}

/// The leading identifier of a path (`ledger` of `ledger::x`), if any.
fn first_segment(path: &str) -> Option<String> {
    let segment: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!segment.is_empty()).then_some(segment)
}

/// The first segment of each path of a `{…}` group at its top level: `{a, b::{c, d}}`
/// gives `a` and `b` (what a nested group names lies inside its head).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => {
                depth += 1;
                item_start = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if c.is_whitespace() => {}
            _ if item_start && depth == 1 => {
                heads.extend(first_segment(&group[i..]).filter(|h| h != "self"));
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

/// [`crate_imports_of`] for a file at the crate root.
fn crate_imports(text: &str) -> Vec<(usize, String)> {
    crate_imports_of(Path::new("lib.rs"), text)
}

#[test]
fn no_import_runs_back_up_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut back_up = Vec::new();
    // The import graph between top-level modules, printed for the record
    // (`cargo test --test suite architecture -- --nocapture`).
    let mut graph: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let from = module_path(relative).first().cloned().unwrap_or_default();
        for (_, to) in crate_imports_of(relative, &text) {
            if to != from {
                *graph.entry((from.clone(), to)).or_default() += 1;
            }
        }
        if relative.starts_with("serve") {
            // The web front end stands above the stages and the crate root, beside
            // the command line, which starts it: it may not import the command line.
            for (line, segment) in crate_imports_of(relative, &text) {
                checked += 1;
                if segment == "cli" {
                    back_up.push(format!("{}:{line}: serve imports cli", relative.display()));
                }
            }
            continue;
        }
        let Some(own) = layer_of_file(relative) else {
            continue; // lib.rs, main.rs and cli/ stand above every stage
        };
        for (line, segment) in crate_imports_of(relative, &text) {
            checked += 1;
            match layer_of_module(&segment) {
                Some(target) if target <= own => {}
                Some(target) => back_up.push(format!(
                    "{}:{line}: {} imports {}",
                    relative.display(),
                    LAYERS[own].0,
                    LAYERS[target].0
                )),
                // The crate root re-exports entry points; only the front ends use it.
                None => back_up.push(format!(
                    "{}:{line}: {} imports crate::{segment} from the crate root",
                    relative.display(),
                    LAYERS[own].0
                )),
            }
        }
    }
    println!("{checked} imports checked in {} files", files.len());
    for ((from, to), count) in &graph {
        println!("{from} -> {to}: {count}");
    }
    assert!(checked > 100, "the scan found the imports");
    assert_eq!(
        back_up.len(),
        0,
        "imports that run back up:\n{}",
        back_up.join("\n")
    );
}

#[test]
fn the_scan_sees_a_back_import() {
    let text = "use crate::publish::render;\nfn f() { crate::ledger::load::load(p); }\n// crate::publish in a comment\nlet m = \"crate::publish\";";
    let imports: Vec<String> = crate_imports(text).into_iter().map(|(_, s)| s).collect();
    assert_eq!(imports, ["publish", "ledger"]);
    // From document/compose.rs, two supers reach the crate root.
    let relative = Path::new("document/compose.rs");
    let reached: Vec<String> = crate_imports_of(relative, "use super::super::publish::render;")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(reached, ["publish"]);
    let within: Vec<String> =
        crate_imports_of(Path::new("ledger/sheet/import.rs"), "use super::read;")
            .into_iter()
            .map(|(_, s)| s)
            .collect();
    assert_eq!(within, ["ledger"]);
    assert!(layer_of_module("publish") > layer_of_file(Path::new("ledger/entry.rs")));
    assert_eq!(layer_of_file(Path::new("cli/mod.rs")), None);
    // The web front end stands above the stages too; a stage importing it is caught
    // as an import from the crate root.
    assert_eq!(layer_of_file(Path::new("serve/routes.rs")), None);
    assert_eq!(layer_of_module("serve"), None);
}

#[test]
fn the_scan_reads_grouped_imports() {
    let imports = |relative: &str, text: &str| -> Vec<String> {
        crate_imports_of(Path::new(relative), text)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    };
    assert_eq!(
        imports("lib.rs", "use crate::{ledger::load, publish};"),
        ["ledger", "publish"]
    );
    // Nested groups: only the heads of the outer group are modules of the crate root.
    assert_eq!(
        imports(
            "lib.rs",
            "use crate::{document::{compose, Document}, serve::{self, App}};"
        ),
        ["document", "serve"]
    );
    // Over several lines, with a comment inside; each module on the line of its `use`.
    let text = "use crate::{\n    diag, // crate::publish\n    publish::html,\n};\nfn f() {}\n";
    let found = crate_imports_of(Path::new("ledger/load.rs"), text);
    assert_eq!(found, [(1, "diag".to_owned()), (1, "publish".to_owned())]);
    // super:: inside an inline module stays in the file.
    let inline = crate_imports_of(
        Path::new("files.rs"),
        "mod fault {\n    fn f() {}\n    mod armed {\n        use super::{Operation, Path};\n    }\n}\n",
    );
    assert_eq!(inline, [(4, "files".to_owned())]);
    // super:: back to the crate root, then a group.
    assert_eq!(
        imports(
            "document/compose.rs",
            "use super::super::{ledger, cli::Args};"
        ),
        ["ledger", "cli"]
    );
}
