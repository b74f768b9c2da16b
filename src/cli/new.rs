//! `annual-report new`: flags first; in a terminal, asks for what is missing, one
//! question at a time, and asks again at once when an answer is wrong, so nothing
//! typed is lost.

use super::NewArgs;
use super::report::print_findings;
use annual_report::ledger::entry::{Choices, EntryError, ItemChoice, NewEntry, add};
use chrono::{Datelike, NaiveDate};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// The clerk closed the input (Ctrl-D) instead of answering.
struct Cancelled;

/// Asks on the terminal; `Cancelled` at end of input.
fn ask(question: &str) -> Result<String, Cancelled> {
    eprint!("{question}");
    std::io::stderr().flush().map_err(|_| Cancelled)?;
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => Err(Cancelled),
        Ok(_) => Ok(line.trim().to_owned()),
    }
}

/// Asks until `accept` takes the answer; its message is shown before asking again.
fn ask_until<T>(
    question: &str,
    mut accept: impl FnMut(&str) -> Result<T, String>,
) -> Result<T, Cancelled> {
    loop {
        let answer = ask(question)?;
        match accept(&answer) {
            Ok(value) => return Ok(value),
            Err(message) => eprintln!("  {message}"),
        }
    }
}

/// The date Enter stands for: today within the ledger's year, else the latest date
/// already recorded (a ledger of a past year is often completed months later).
fn default_date(choices: &Choices) -> Option<NaiveDate> {
    let today = chrono::Local::now().date_naive();
    if today.year() == choices.year {
        Some(today)
    } else {
        choices.last_date
    }
}

fn ask_date(choices: &Choices) -> Result<String, Cancelled> {
    let default = default_date(choices);
    let question = match default {
        Some(d) => format!("日期（如 {}年3月8日，回车为 {d}）：", choices.year),
        None => format!("日期（如 {0}-03-08 或 {0}年3月8日）：", choices.year),
    };
    let date = ask_until(&question, |typed| match (typed.is_empty(), default) {
        (true, Some(d)) => Ok(d),
        (true, None) => Err("请填写日期".to_owned()),
        (false, _) => choices.date(typed),
    })?;
    Ok(date.format("%Y-%m-%d").to_string())
}

fn ask_item(choices: &Choices) -> Result<&ItemChoice, Cancelled> {
    eprintln!("可选条目：");
    for (n, item) in choices.items.iter().enumerate() {
        eprintln!("  {:>2}. {}  {}", n + 1, item.id, item.label);
    }
    ask_until(
        "所属条目（填序号、id 或标题中的词）：",
        |typed| choices.item(typed),
    )
}

/// Asks for the figures the item's summary prints; Enter skips one.
fn ask_figures(choices: &Choices, item: &ItemChoice) -> Result<Vec<(String, String)>, Cancelled> {
    let mut figures = Vec::new();
    for key in &item.figures {
        let Some(figure) = choices.figures.iter().find(|f| &f.key == key) else {
            continue;
        };
        let unit = if figure.unit.is_empty() {
            String::new()
        } else {
            format!("，单位：{}", figure.unit)
        };
        let places = if figure.decimals == 0 {
            String::new()
        } else {
            format!("，可保留 {} 位小数", figure.decimals)
        };
        let question = format!(
            "{}（{key}{unit}{places}；回车表示这次没有）：",
            figure.label
        );
        let value = ask_until(&question, |typed| {
            if typed.is_empty() {
                Ok(None)
            } else {
                choices
                    .figure_value(key, typed)
                    .map(Some)
                    .map_err(|refusal| refusal.message)
            }
        })?;
        if let Some(n) = value {
            figures.push((key.clone(), n.to_string()));
        }
    }
    Ok(figures)
}

/// Fills in what the flags left out by asking; every answer is checked at once.
fn complete_interactively(
    args: &NewArgs,
    choices: &Choices,
    mut figures: Vec<(String, String)>,
) -> Result<NewEntry, Cancelled> {
    // A flag given with the command is checked first too: when it is wrong, the
    // clerk is told and asked, instead of losing every answer at the end.
    let date = match args.date.as_deref().map(|d| choices.date(d)) {
        Some(Ok(date)) => date.format("%Y-%m-%d").to_string(),
        Some(Err(message)) => {
            eprintln!("  {message}");
            ask_date(choices)?
        }
        None => ask_date(choices)?,
    };
    let item = match args.item.as_deref().map(|i| choices.item(i)) {
        Some(Ok(item)) => item,
        Some(Err(message)) => {
            eprintln!("  {message}");
            ask_item(choices)?
        }
        None => ask_item(choices)?,
    };
    let mut text = match &args.text {
        Some(text) => text.clone(),
        None => ask("做了什么（一句话；只记数字时可回车跳过）：")?,
    };
    // A short name prints only in a list sentence: asked only for an item with one.
    let name = match &args.name {
        Some(name) => Some(name.clone()),
        None if item.lists => Some(ask(
            "简称（印在列举句里，如 三八趣味运动会；没有可回车跳过）：",
        )?)
        .filter(|n| !n.is_empty()),
        None => None,
    };
    if args.figures.is_empty() {
        figures = ask_figures(choices, item)?;
    }
    if text.is_empty() && name.is_none() && figures.is_empty() {
        text = ask_until(
            "既没有文字也没有数字，请写上做了什么：",
            |typed| {
                if typed.is_empty() {
                    Err("请写上做了什么".to_owned())
                } else {
                    Ok(typed.to_owned())
                }
            },
        )?;
    }
    Ok(NewEntry {
        date,
        item: item.id.clone(),
        name,
        text,
        figures,
        place: args.place.clone(),
        file: args.file.clone(),
        ..NewEntry::default()
    })
}

/// `--figure key=value` pairs; a figure's label stands for its key (the clerk reads
/// 接待来访 on the page, not visits). A full-width ＝ or ： typed by the input method
/// is named as such, since it looks like the = asked for.
fn parse_figure_flags(
    pairs: &[String],
    choices: &Choices,
) -> Result<Vec<(String, String)>, String> {
    pairs
        .iter()
        .map(|pair| {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                match ['＝', '：', ':'].into_iter().find(|c| pair.contains(*c)) {
                    Some(sign) => format!(
                        "--figure “{pair}” 里的 “{sign}” 不是半角等号：键和值之间要写半角 =，例如 {}",
                        pair.replacen(sign, "=", 1)
                    ),
                    None => format!("--figure 应写作 键=值，例如 visits=2，而不是 “{pair}”"),
                }
            })?;
            let key = key.trim();
            let key = choices
                .figures
                .iter()
                .find(|f| f.key != key && f.label == key)
                .map_or(key, |f| f.key.as_str());
            Ok((key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// The date as the ledger reads it (full-width digits, 3月8日 in the report's year);
/// as typed when it is no date, for `add` to refuse with its location.
fn understood_date(typed: &str, choices: &Choices) -> String {
    choices
        .date(typed)
        .map_or_else(|_| typed.to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// The entry from flags alone (not in a terminal): names every missing flag.
fn from_flags(
    args: &NewArgs,
    choices: &Choices,
    figures: Vec<(String, String)>,
) -> Result<NewEntry, String> {
    let mut missing = Vec::new();
    if args.date.is_none() {
        missing.push("--date");
    }
    if args.item.is_none() {
        missing.push("--item");
    }
    if args.text.is_none() && args.name.is_none() && figures.is_empty() {
        missing.push("--text");
    }
    if !missing.is_empty() {
        let items: Vec<String> = choices
            .items
            .iter()
            .map(|i| format!("{}（{}）", i.id, i.label))
            .collect();
        return Err(format!(
            "缺少 {}（不在终端中运行时须用参数给出）；可选条目：{}",
            missing.join("、"),
            items.join("、")
        ));
    }
    Ok(NewEntry {
        date: understood_date(args.date.as_deref().unwrap_or_default(), choices),
        item: args.item.clone().unwrap_or_default(),
        text: args.text.clone().unwrap_or_default(),
        name: args.name.clone(),
        figures,
        place: args.place.clone(),
        file: args.file.clone(),
        ..NewEntry::default()
    })
}

pub(super) fn run(args: NewArgs) -> ExitCode {
    let choices = match Choices::of(&args.dir) {
        Ok(choices) => choices,
        Err(e) => return refuse(&e),
    };
    let figures = match parse_figure_flags(&args.figures, &choices) {
        Ok(figures) => figures,
        Err(message) => return super::exits::usage_error("new", &message),
    };
    let entry = if std::io::stdin().is_terminal() {
        match complete_interactively(&args, &choices, figures) {
            Ok(entry) => entry,
            Err(Cancelled) => {
                eprintln!("\n已取消，未写入任何内容");
                return ExitCode::FAILURE;
            }
        }
    } else {
        match from_flags(&args, &choices, figures) {
            Ok(entry) => entry,
            Err(message) => return super::exits::usage_error("new", &message),
        }
    };
    match add(&args.dir, &entry, args.dry_run) {
        Ok(added) if args.dry_run => {
            println!("# 将追加到 {}\n{}", shown(&added.file), added.yaml);
            ExitCode::SUCCESS
        }
        Ok(added) => {
            eprintln!("日期：{}", entry.date);
            println!("已追加到 {}", shown(&added.file));
            ExitCode::SUCCESS
        }
        Err(e) => refuse(&e),
    }
}

/// A path as the clerk would type it: `activities/2024-03.yaml`, not `./activities/…`.
fn shown(path: &std::path::Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

fn refuse(error: &EntryError) -> ExitCode {
    match error {
        EntryError::Invalid(report) => {
            print_findings(report);
            eprintln!("错误：未写入任何内容");
        }
        e => eprintln!("错误：{e}"),
    }
    ExitCode::FAILURE
}
