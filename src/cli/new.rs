//! `annual-report new`: flags first; in a terminal, asks for what is missing.

use super::NewArgs;
use super::report::print_findings;
use annual_report::entry::{EntryError, NewEntry, add, item_ids};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Asks on the terminal; `None` when not interactive or at end of input.
fn ask(question: &str) -> Option<String> {
    eprint!("{question}");
    std::io::stderr().flush().ok()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(line.trim().to_owned())
}

pub(super) fn run(args: NewArgs) -> ExitCode {
    let interactive = std::io::stdin().is_terminal();
    let mut missing = Vec::new();
    let mut get = |value: Option<String>, name: &str, question: String| match value {
        Some(v) => v,
        None if interactive => ask(&question).unwrap_or_default(),
        None => {
            missing.push(name.to_owned());
            String::new()
        }
    };
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let date = get(
        args.date,
        "--date",
        format!("日期（YYYY-MM-DD，回车为 {today}）："),
    );
    let date = if date.is_empty() && interactive {
        today
    } else {
        date
    };
    // Reading the ledger for its item ids only pays when they are shown.
    let item = match args.item {
        Some(item) => item,
        None => get(
            None,
            "--item",
            format!("所属条目（{}）：", item_ids(&args.dir).join("、")),
        ),
    };
    let text = match (args.text, args.figures.is_empty()) {
        (Some(t), _) => t,
        (None, false) => String::new(),
        (None, true) => get(None, "--text", "做了什么：".into()),
    };
    if !missing.is_empty() {
        eprintln!(
            "错误：缺少 {}（不在终端中运行时须用参数给出）；可选条目：{}",
            missing.join("、"),
            item_ids(&args.dir).join("、")
        );
        return ExitCode::FAILURE;
    }
    let mut figures = Vec::new();
    for pair in &args.figures {
        match pair.split_once('=') {
            Some((k, v)) => figures.push((k.trim().to_owned(), v.trim().to_owned())),
            None => {
                eprintln!("错误：--figure 应写作 键=值，例如 visits=2，而不是 “{pair}”");
                return ExitCode::FAILURE;
            }
        }
    }
    let entry = NewEntry {
        date,
        item,
        text,
        figures,
        place: args.place,
        file: args.file,
    };
    match add(&args.dir, &entry, args.dry_run) {
        Ok(added) if args.dry_run => {
            println!("# 将追加到 {}\n{}", added.file.display(), added.yaml);
            ExitCode::SUCCESS
        }
        Ok(added) => {
            println!("已追加到 {}", added.file.display());
            ExitCode::SUCCESS
        }
        Err(EntryError::Invalid(report)) => {
            print_findings(&report);
            eprintln!("错误：未写入任何内容");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
