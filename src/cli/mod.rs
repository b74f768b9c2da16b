//! Subcommands. Each file holds one; this one holds the argument definitions.

mod build;
mod check;
mod fonts;
mod report;

use clap::{Arg, ArgAction, Args, Command, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

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

/// 把乡镇组织的年度台账（YAML）生成为年度工作总结：Markdown、网页与符合 GB/T 9704 的 PDF。
#[derive(Debug, Parser)]
#[command(name = "annual-report", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// 由报告目录生成年度工作总结
    #[command(
        after_help = "示例：\n  annual-report build fixtures/chapanzhou-2023\n  \
                            annual-report build fixtures/chapanzhou-2023 --out out --format md"
    )]
    Build(BuildArgs),
    /// 检查台账，列出错误与警告（不生成文件）
    #[command(
        after_help = "示例：\n  annual-report check fixtures/chapanzhou-2023\n  \
                            annual-report check 我的台账 --deny-warnings"
    )]
    Check(CheckArgs),
    /// 列出各排版角色将使用的字体及其来源
    #[command(
        after_help = "示例：\n  annual-report fonts\n  annual-report fonts --font-path ~/公文字体"
    )]
    Fonts(FontArgs),
}

/// Where fonts come from, for the commands that typeset.
#[derive(Debug, Args)]
struct FontArgs {
    /// 另外查找字体的目录（可多次指定），用于放置方正小标宋、仿宋_GB2312 等正式字体
    #[arg(long, value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// 不使用系统字体，只用程序内置的免费字体（结果在任何机器上都相同）
    #[arg(long)]
    no_system_fonts: bool,
}

impl FontArgs {
    fn library(&self) -> annual_report::typeset::fonts::FontLibrary {
        annual_report::typeset::fonts::FontLibrary::new(
            &annual_report::typeset::fonts::FontOptions {
                system: !self.no_system_fonts,
                paths: self.font_path.clone(),
            },
        )
    }
}

/// Arguments of `build`.
#[derive(Debug, Args)]
struct BuildArgs {
    /// 报告目录（含 report.yaml 与 activities/）
    dir: PathBuf,
    /// 输出目录（默认 reports/<报告目录名>/）
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// 输出格式，逗号分隔：md, html, txt, typ, pdf, png（默认 md,html,txt,pdf）
    #[arg(long, short, value_delimiter = ',')]
    format: Vec<annual_report::Format>,
    /// 另外写出模板所见的数据（<标题>.context.json）
    #[arg(long)]
    context: bool,
    /// 字体缺字时只警告、照常生成（缺的字会印成空白方框）
    #[arg(long)]
    allow_missing_glyphs: bool,
    #[command(flatten)]
    fonts: FontArgs,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
struct CheckArgs {
    /// 报告目录（含 report.yaml 与 activities/）
    dir: PathBuf,
    /// 有警告也按失败处理（退出码 1），适合在 CI 中使用
    #[arg(long)]
    deny_warnings: bool,
}

/// Gives every command Chinese headings and help texts for clap's built-in flags.
pub fn localize(command: Command) -> Command {
    let template = help_template(&command);
    let mut command = command
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
        command = command.mut_subcommand(name, localize);
    }
    command
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Commands::Build(args) => build::run(args),
        Commands::Check(args) => check::run(args),
        Commands::Fonts(args) => fonts::run(args),
    }
}
