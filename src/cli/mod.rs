//! Subcommands. Each file holds one; this one holds the argument definitions.

mod build;
mod check;
mod exits;
mod extras;
mod fonts;
mod import;
mod init;
mod new;
mod report;
mod serve;
mod stats;
mod usage;

pub use exits::USAGE_ERROR;
pub use usage::{error_message, localize};

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// 把乡镇组织的年度台账（YAML）生成为年度工作总结：Markdown、网页、Word/WPS 文档（.docx）与符合 GB/T 9704 的 PDF。
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
                            annual-report check 我的台账 --deny-warnings\n  \
                            annual-report check --fix --dry-run"
    )]
    Check(CheckArgs),
    /// 新建报告目录（含示例活动），可直接生成
    #[command(
        after_help = "示例：\n  annual-report init 茶盘洲镇妇联-2024 --preset fulian \\\n      --name 茶盘洲镇妇联\n  \
                            annual-report init . --templates"
    )]
    Init(InitArgs),
    /// 向活动台账追加一条活动（缺少的信息会在终端中询问）
    #[command(
        after_help = "示例：\n  annual-report new . --date 2024-03-08 --item legal-rights \\\n      \
                            --text 开展三八维权周宣传活动 --figure visits=2 --figure visitors=5\n  \
                            annual-report new . --date 2024-03-09 --item legal-rights \\\n      \
                            --figure visits=1 --dry-run"
    )]
    New(NewArgs),
    /// 统计活动数和各数字项：按节、条目、月份和全年
    #[command(
        after_help = "示例：\n  annual-report stats fixtures/chapanzhou-2023\n  \
                            annual-report stats fixtures/chapanzhou-2023 --format csv > 统计.csv\n  \
                            annual-report stats fixtures/chapanzhou-2023 --format xlsx \\\n      \
                            --output 统计.xlsx"
    )]
    Stats(StatsArgs),
    /// 从 Excel/WPS 表格（.xlsx .xls .ods .csv）导入活动台账
    #[command(
        after_help = "示例：\n  annual-report import 工作台账.xlsx 我的台账 --dry-run\n  \
                            annual-report import 工作台账.xlsx 我的台账 --sheet 2024年活动\n  \
                            annual-report import 台账.csv . --columns 列映射.yaml --skip-bad"
    )]
    Import(ImportArgs),
    /// 把活动台账导出为 Excel 表格（.xlsx），列与 import 读取的相同
    #[command(
        after_help = "示例：\n  annual-report export fixtures/chapanzhou-2023 --output 活动台账.xlsx"
    )]
    Export(ExportArgs),
    /// 在浏览器里记台账、看检查结果和总结预览（本机网页）
    #[command(
        after_help = "示例：\n  annual-report serve fixtures/chapanzhou-2023 --open\n  \
                            # 在办公网内共用（会显示带访问口令的地址）：\n  \
                            annual-report serve 我的台账 --listen 0.0.0.0:8080"
    )]
    Serve(ServeArgs),
    /// 输出 report.yaml 与活动台账的 JSON Schema（供编辑器补全与校验）
    #[command(after_help = "示例：\n  annual-report schema > report.schema.json\n  \
                            annual-report schema --activities > activities.schema.json")]
    Schema(SchemaArgs),
    /// 输出命令行补全脚本
    #[command(
        after_help = "示例：\n  annual-report completions bash > /etc/bash_completion.d/annual-report"
    )]
    Completions(CompletionArgs),
    /// 输出 man 手册页（roff 格式）
    #[command(
        after_help = "示例：\n  annual-report man > annual-report.1 && man ./annual-report.1"
    )]
    Man,
    /// 列出各排版角色将使用的字体及其来源
    #[command(
        after_help = "示例：\n  annual-report fonts\n  annual-report fonts --font-path ~/公文字体"
    )]
    Fonts(FontArgs),
    /// 显示某个命令的帮助
    #[command(after_help = "示例：\n  annual-report help build")]
    Help(HelpArgs),
}

/// Arguments of `help`.
#[derive(Debug, Args)]
struct HelpArgs {
    /// 命令名，例如 build；不写则显示全部命令
    #[arg(value_name = "命令")]
    command: Option<String>,
}

/// Where fonts come from, for the commands that typeset.
#[derive(Debug, Args)]
struct FontArgs {
    /// 另外查找字体的目录（可多次指定），用于放置方正小标宋、仿宋_GB2312 等正式字体
    #[arg(long, value_name = "目录")]
    font_path: Vec<PathBuf>,
    /// 不使用系统字体，只用程序内置的免费字体（结果在任何机器上都相同）
    #[arg(long)]
    no_system_fonts: bool,
}

impl FontArgs {
    fn library(&self) -> annual_report::publish::typeset::fonts::FontLibrary {
        annual_report::publish::typeset::fonts::FontLibrary::new(
            &annual_report::publish::typeset::fonts::FontOptions {
                system: !self.no_system_fonts,
                paths: self.font_path.clone(),
            },
        )
    }
}

/// Arguments of `build`.
#[derive(Debug, Args)]
struct BuildArgs {
    /// 报告目录（含 report.yaml 与 activities/），可以给多个；不写则为当前目录
    #[arg(value_name = "目录")]
    dirs: Vec<PathBuf>,
    /// 生成此目录下所有的报告目录（含 report.yaml 的子目录）
    #[arg(long, value_name = "上级目录")]
    all: Option<PathBuf>,
    /// 同时生成的报告数（默认等于 CPU 核数）
    #[arg(long, short, default_value_t = 0, value_name = "数量", value_parser = parse_jobs)]
    jobs: usize,
    /// 输出目录（默认为报告目录下的 reports/；多个报告时为 <输出目录>/<报告目录名>/）
    #[arg(long, short, value_name = "目录")]
    out: Option<PathBuf>,
    // The help lists the library's formats, so that it cannot fall behind them.
    #[arg(long, short, value_delimiter = ',', value_name = "格式", help = format_help())]
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
    /// 报告目录（含 report.yaml 与 activities/；默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 有警告也按失败处理（退出码 1），适合在 CI 中使用
    #[arg(long)]
    deny_warnings: bool,
    /// 输出格式：text（带源码片段）或 json（供程序读取）
    #[arg(
        long,
        value_enum,
        default_value = "text",
        hide_possible_values = true,
        value_name = "格式"
    )]
    format: CheckFormat,
    /// 先自动改正能机械改正的问题（输入法误输入、日期写法、中文里的半角标点、重复的标点），再检查
    #[arg(long)]
    fix: bool,
    /// 与 --fix 一起用：只显示将要做的改动，不写文件
    #[arg(long, requires = "fix")]
    dry_run: bool,
    #[command(flatten)]
    fonts: FontArgs,
}

/// Output of `check`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    /// For people.
    Text,
    /// For machines.
    Json,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
struct InitArgs {
    /// 要创建的报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 预设：fulian（妇联）、tuanwei（团委）、zhengfu（镇政府或部门）、gonghui（工会）、canlian（残联）
    #[arg(
        long,
        default_value = "fulian",
        value_parser = PossibleValuesParser::new(annual_report::ledger::init::PRESETS.iter().map(|p| p.name)),
        hide_possible_values = true,
        value_name = "预设"
    )]
    preset: String,
    /// 单位全称，例如 茶盘洲镇妇联
    #[arg(long, value_name = "单位")]
    name: Option<String>,
    /// 报告年度，四位数字（默认今年）
    #[arg(long, value_parser = parse_year, value_name = "年份")]
    year: Option<i32>,
    /// 只把内置模板复制到 <目录>/templates/ 以便修改
    #[arg(long)]
    templates: bool,
}

/// Arguments of `new`.
#[derive(Debug, Args)]
struct NewArgs {
    /// 报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 活动日期 YYYY-MM-DD
    #[arg(long, value_name = "日期")]
    date: Option<String>,
    /// 所属条目（report.yaml 中条目的 id）
    #[arg(long, value_name = "条目")]
    item: Option<String>,
    /// 做了什么
    #[arg(long, value_name = "文字")]
    text: Option<String>,
    /// 活动简称，印在条目的列举句里（如 三八趣味运动会）
    #[arg(long, value_name = "简称")]
    name: Option<String>,
    /// 数字，键=值，可多次指定，例如 --figure visits=2
    #[arg(long = "figure", value_name = "键=值")]
    figures: Vec<String>,
    /// 地点
    #[arg(long, value_name = "地点")]
    place: Option<String>,
    /// 写入的台账文件（相对 activities/，默认按月份，如 2024-03.yaml）
    #[arg(long, value_name = "文件")]
    file: Option<PathBuf>,
    /// 只显示将要添加的内容，不写文件
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `stats`.
#[derive(Debug, Args)]
struct StatsArgs {
    /// 报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 输出格式：table（对齐的表格）、json、csv 或 xlsx（Excel 工作簿，须同时给 --output）
    #[arg(
        long,
        value_enum,
        default_value = "table",
        hide_possible_values = true,
        value_name = "格式"
    )]
    format: StatsFormat,
    /// 写入的文件（--format xlsx 时必填）
    #[arg(long, short, value_name = "文件")]
    output: Option<PathBuf>,
    /// 与 --output 一起用：文件已存在时覆盖它
    #[arg(long)]
    force: bool,
}

/// Output of `stats`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StatsFormat {
    /// Aligned columns.
    Table,
    /// JSON.
    Json,
    /// CSV.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// Arguments of `import`.
#[derive(Debug, Args)]
struct ImportArgs {
    /// 要导入的表格文件：.xlsx、.xls、.ods 或 .csv（UTF-8 或 GBK）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 读取的工作表名（默认第一个有表头的工作表）
    #[arg(long, value_name = "工作表")]
    sheet: Option<String>,
    /// 列映射文件（YAML，每行“表头文字: 字段”），用于程序认不出的表头
    #[arg(long, value_name = "文件")]
    columns: Option<PathBuf>,
    /// 只显示找到的列和将要写入的内容，不写文件
    #[arg(long)]
    dry_run: bool,
    /// 跳过有错误的行，导入其余各行（错误的行会列出）
    #[arg(long)]
    skip_bad: bool,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
struct ExportArgs {
    /// 报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 写入的 Excel 文件（.xlsx）
    #[arg(long, short, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它
    #[arg(long)]
    force: bool,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
struct ServeArgs {
    /// 报告目录（默认当前目录）
    #[arg(default_value = ".", value_name = "目录")]
    dir: PathBuf,
    /// 监听的地址和端口（默认 127.0.0.1:8080，只有本机能打开）；不是本机地址时必须用访问口令（不写 --token 会自动生成一个）
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = parse_listen, value_name = "地址:端口")]
    listen: std::net::SocketAddr,
    /// 启动后用默认浏览器打开页面
    #[arg(long)]
    open: bool,
    /// 访问口令（至少 16 个英文字母、数字、- 或 _，含其中两类以上）；设置后每次访问都要带上它
    #[arg(long, value_name = "口令")]
    token: Option<String>,
    #[command(flatten)]
    fonts: FontArgs,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
struct SchemaArgs {
    /// 输出活动台账文件的 Schema（默认输出 report.yaml 的）
    #[arg(long)]
    activities: bool,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
struct CompletionArgs {
    /// 终端类型：bash、zsh、fish、powershell、elvish
    #[arg(value_name = "终端", hide_possible_values = true)]
    shell: clap_complete::Shell,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Commands::Build(args) => build::run(args),
        Commands::Check(args) => check::run(args),
        Commands::Fonts(args) => fonts::run(args),
        Commands::Init(args) => init::run(args),
        Commands::New(args) => new::run(args),
        Commands::Stats(args) => stats::run(args),
        Commands::Import(args) => import::run(args),
        Commands::Export(args) => import::export(args),
        Commands::Serve(args) => serve::run(args),
        Commands::Schema(args) => extras::schema(args),
        Commands::Completions(args) => extras::completions(args),
        Commands::Man => extras::man(),
        Commands::Help(args) => extras::help(args),
    }
}

/// Refuses to write a workbook anywhere but a new `.xlsx` file (or an existing one with
/// `--force`): an export must never replace the office's own ledger sheet or a YAML
/// file by a slip of the hand. A name without .xlsx is a mistake of the command line
/// (exit code 2); a file already there is one of the disk (1).
fn workbook_path_allowed(
    command: &str,
    path: &std::path::Path,
    force: bool,
) -> Result<(), ExitCode> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(exits::usage_error(
            command,
            &format!(
                "{} 不是 .xlsx 文件名：请写成 例如 统计.xlsx",
                path.display()
            ),
        ));
    }
    if path.exists() && !force {
        return Err(exits::failure(&format!(
            "{} 已存在，不会覆盖；要覆盖请加 --force，或换一个文件名",
            path.display()
        )));
    }
    Ok(())
}

/// An address to listen on as typed after `--listen`.
fn parse_listen(typed: &str) -> Result<std::net::SocketAddr, String> {
    typed.trim().parse().map_err(|_| {
        "要写成 地址:端口，例如 127.0.0.1:8080（只有本机）或 0.0.0.0:8080（办公网内共用）"
            .to_owned()
    })
}

/// The help of `build --format`: every format the library writes, and the ones it
/// writes when none are named.
fn format_help() -> String {
    use annual_report::Format;
    let names = |formats: &[Format]| formats.iter().map(|f| f.name()).collect::<Vec<_>>();
    format!(
        "输出格式，逗号分隔：{}（默认 {}）",
        names(Format::ALL).join(", "),
        names(Format::DEFAULT).join(",")
    )
}

/// A number of parallel builds as typed after `--jobs`.
fn parse_jobs(typed: &str) -> Result<usize, String> {
    annual_report::text::ascii_digits(typed.trim())
        .parse::<usize>()
        .map_err(|_| "要写 0 或正整数，例如 2（0 表示用全部 CPU 核）".to_owned())
}

/// A reporting year as typed after `--year`: four digits, within the years a ledger
/// may hold.
fn parse_year(typed: &str) -> Result<i32, String> {
    let ascii = annual_report::text::ascii_digits(typed.trim());
    ascii
        .parse::<i32>()
        .ok()
        .filter(|y| annual_report::ledger::check::YEARS.contains(y) && ascii.len() == 4)
        .ok_or_else(|| {
            format!(
                "年份写四位数字，例如 2024（可用 {}–{}）",
                annual_report::ledger::check::YEARS.start(),
                annual_report::ledger::check::YEARS.end()
            )
        })
}
