//! The command line in Chinese: clap's help headings, its usage lines and every parse
//! error (clap writes them in English), the `help` subcommand and the man page.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::fmt::Write as _;

/// Help layout with Chinese headings (clap's own say "Usage", "Options").
fn help_template(command: &Command) -> String {
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n");
    if command.has_subcommands() {
        template.push_str("\n命令：\n{subcommands}\n");
    }
    if command.get_positionals().next().is_some() {
        template.push_str("\n参数：\n{positionals}\n");
    }
    template.push_str("\n选项：\n{options}{after-help}");
    template
}

/// A usage line in Chinese: clap's, without its "Usage: " and with its placeholders
/// translated.
pub fn usage_line(command: &mut Command) -> String {
    in_chinese(&command.render_usage().to_string())
}

/// A usage text clap rendered, without its "Usage: " and with its placeholders
/// translated.
fn in_chinese(usage: &str) -> String {
    let usage = usage.trim();
    usage
        .strip_prefix("Usage:")
        .unwrap_or(usage)
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
}

/// Gives every command Chinese headings, usage lines and help texts for clap's
/// built-in flags.
pub fn localize(command: Command) -> Command {
    let mut command = localize_one(command);
    let mut built = command.clone();
    built.build();
    // Usage lines need the built command (bin names of subcommands).
    let usages: Vec<(String, String)> = built
        .get_subcommands_mut()
        .map(|sub| (sub.get_name().to_owned(), usage_line(sub)))
        .collect();
    let root_usage = usage_line(&mut built);
    command = command.override_usage(root_usage);
    for (name, usage) in usages {
        command = command.mut_subcommand(name, |sub| sub.override_usage(usage));
    }
    command
}

fn localize_one(command: Command) -> Command {
    let template = help_template(&command);
    // clap would print "[default: .]": every help text says its default in Chinese.
    let mut command = command
        .mut_args(|arg| {
            let takes_values = arg.get_action().takes_values();
            arg.hide_default_value(takes_values)
        })
        .help_template(template)
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        );
    if command.get_version().is_some() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本"),
        );
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, localize_one);
    }
    command
}

/// The words of a clap context value.
fn words(value: &ContextValue) -> Vec<String> {
    match value {
        ContextValue::String(s) => vec![s.clone()],
        ContextValue::Strings(v) => v.clone(),
        ContextValue::StyledStr(s) => vec![s.to_string()],
        ContextValue::StyledStrs(v) => v.iter().map(ToString::to_string).collect(),
        ContextValue::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// A parse error as a Chinese message with a hint and the usage line. `None` for the
/// "errors" that are really help or version output.
pub fn error_message(error: &clap::Error, root: &Command) -> Option<String> {
    let get = |kind: ContextKind| error.get(kind).map(words).unwrap_or_default();
    let first = |kind: ContextKind| get(kind).into_iter().next().unwrap_or_default();
    let quoted = |items: Vec<String>| {
        items
            .iter()
            .map(|s| format!("“{s}”"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let arg = first(ContextKind::InvalidArg);
    let value = first(ContextKind::InvalidValue);
    let mut hints = Vec::new();
    let message = match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            "缺少命令".to_owned()
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            if !valid.is_empty() {
                hints.push(format!("可选值：{}", valid.join("、")));
            }
            if value.is_empty() {
                format!("{arg} 需要一个值")
            } else {
                format!("“{value}” 不是 {arg} 的可选值")
            }
        }
        ErrorKind::UnknownArgument => {
            if arg.starts_with('-') {
                hints.push(format!(
                    "如果 “{arg}” 是要写入的文字而不是选项，请在它前面加 -- "
                ));
            }
            format!("不认识的选项 “{arg}”")
        }
        ErrorKind::InvalidSubcommand => {
            let known: Vec<String> = root
                .get_subcommands()
                .map(|s| s.get_name().to_owned())
                .collect();
            hints.push(format!("可用的命令：{}", known.join("、")));
            format!("不认识的命令 “{}”", first(ContextKind::InvalidSubcommand))
        }
        ErrorKind::NoEquals => format!("{arg} 的值要用 = 连接，例如 {arg}=值"),
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error)
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{arg} 的值 “{value}” 无效：{reason}")
        }
        ErrorKind::TooManyValues => format!("{arg} 给了太多的值（“{value}” 是多余的）"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} 不能与 {} 同时使用",
            quoted(get(ContextKind::PriorArg))
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", quoted(get(ContextKind::InvalidArg)))
        }
        ErrorKind::InvalidUtf8 => "参数中有无效的文字编码（不是 UTF-8）".to_owned(),
        _ => "命令行参数有误".to_owned(),
    };
    for suggested in get(ContextKind::SuggestedArg)
        .into_iter()
        .chain(get(ContextKind::SuggestedSubcommand))
        .chain(get(ContextKind::SuggestedValue))
    {
        hints.push(format!("是不是想写 “{suggested}”？"));
    }
    let mut out = format!("错误：{message}\n");
    for hint in hints {
        let _ = writeln!(out, "  提示：{hint}");
    }
    let usage = get(ContextKind::Usage)
        .into_iter()
        .next()
        .map(|u| in_chinese(&u))
        .unwrap_or_else(|| usage_of_invoked(root));
    if !usage.is_empty() {
        let _ = writeln!(out, "\n用法：{usage}");
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        let _ = writeln!(out, "运行 {} --help 查看说明和示例。", command.join(" "));
    }
    Some(out)
}

/// The usage line of the subcommand named on the command line (clap leaves it out of
/// some errors, such as a value not among the allowed ones).
fn usage_of_invoked(root: &Command) -> String {
    let mut built = root.clone();
    built.build();
    let named = std::env::args()
        .skip(1)
        .find(|a| built.get_subcommands().any(|s| s.get_name() == a));
    match named.and_then(|name| built.find_subcommand_mut(name)) {
        Some(sub) => usage_line(sub),
        None => usage_line(&mut built),
    }
}

/// Prints the help of `name` (or of the whole program).
pub fn print_help(mut root: Command, name: Option<&str>) -> Result<(), String> {
    match name {
        None => root.print_help().map_err(|e| e.to_string()),
        Some(name) => {
            let mut root_built = root.clone();
            root_built.build();
            let sub = root_built
                .get_subcommands_mut()
                .find(|s| s.get_name() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = root.get_subcommands().map(Command::get_name).collect();
                    format!("不认识的命令 “{name}”，可用的命令：{}", known.join("、"))
                })?;
            sub.print_help().map_err(|e| e.to_string())
        }
    }
}

/// Escapes text for roff: backslashes, hyphens (so they print as hyphens) and a
/// leading dot or quote, which roff would read as a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The options and positionals of a command as roff `.TP` entries.
fn roff_arguments(command: &Command, out: &mut String) {
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let mut names = Vec::new();
        if let Some(short) = arg.get_short() {
            names.push(format!("-{short}"));
        }
        if let Some(long) = arg.get_long() {
            names.push(format!("--{long}"));
        }
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(ToString::to_string)
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let head = if names.is_empty() {
            format!("<{value}>")
        } else if takes_value && !matches!(arg.get_action(), ArgAction::Help | ArgAction::Version) {
            format!("{} <{value}>", names.join(", "))
        } else {
            names.join(", ")
        };
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        let _ = writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(&head), roff(&help));
    }
}

/// One man page for the program and every command (no separate pages per command).
pub fn man_page(root: &Command) -> String {
    let mut root = root.clone();
    root.build();
    let name = root.get_name().to_owned();
    let version = root.get_version().unwrap_or_default().to_owned();
    let about = root
        .get_about()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut out = format!(
        ".TH {} 1 \"\" \"{} {}\" \"用户命令\"\n.SH 名称\n{} \\- {}\n.SH 概述\n\\fB{}\\fR <命令> [选项]\n.SH 描述\n{}\n.SH 命令\n",
        roff(&name.to_uppercase()),
        roff(&name),
        roff(&version),
        roff(&name),
        roff(&about),
        roff(&name),
        roff(&about),
    );
    for sub in root.get_subcommands_mut() {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        let usage = usage_line(sub);
        let _ = writeln!(
            out,
            ".SS {}\n{}\n.PP\n用法：\\fB{}\\fR",
            roff(sub.get_name()),
            roff(&about),
            roff(&usage)
        );
        roff_arguments(sub, &mut out);
        if let Some(after) = sub.get_after_help() {
            let _ = writeln!(out, ".PP\n.nf\n{}\n.fi", roff(&after.to_string()));
        }
    }
    out.push_str(".SH 选项\n");
    roff_arguments(&root, &mut out);
    out.push_str(
        ".SH 退出码\n.TP\n0\n成功。\n.TP\n1\n台账有错误，或文件无法读写（错误信息指出文件、行、列和字段）。\n.TP\n2\n命令行参数有误。\n.TP\n130\n批量生成（build \\-\\-all 或多个目录）被 Ctrl\\-C 中断：已开始的报告生成完，其余保持原样。\n",
    );
    roff_chinese(&out)
}

/// The page with its Chinese readable by any troff: every character outside ASCII
/// as its `\[uXXXX]` escape (groff without preconv warns of each raw byte), lines
/// filled but not justified (Chinese has no spaces to stretch), and a zero-width break
/// point `\:` after every CJK character, since troff breaks lines only at spaces (groff
/// 1.22's `.cflags 4` does not apply to these glyphs under -Tutf8: the lines stayed
/// whole, with a warning each).
fn roff_chinese(page: &str) -> String {
    let (title, rest) = page.split_once('\n').unwrap_or((page, ""));
    let mut out = String::with_capacity(page.len() * 4);
    escape_non_ascii(title, false, &mut out);
    out.push_str("\n.ad l\n");
    escape_non_ascii(rest, true, &mut out);
    out
}

/// Appends `text` to `out` with every character outside ASCII as `\[uXXXX]`, and,
/// when `breakable`, a break point after each CJK character.
fn escape_non_ascii(text: &str, breakable: bool, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let _ = write!(out, "\\[u{:04X}]", u32::from(c));
        if breakable && breaks_after(c) {
            out.push_str("\\:");
        }
    }
}

/// Whether a line of the man page may break after `c`: any CJK character or
/// full-width punctuation.
fn breaks_after(c: char) -> bool {
    u32::from(c) >= 0x2E80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_escapes_what_roff_would_interpret() {
        assert_eq!(roff(".TH x"), "\\&.TH x");
        assert_eq!(roff("a-b\\c"), "a\\-b\\ec");
    }
}
