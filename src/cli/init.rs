//! `annual-report init`.

use super::InitArgs;
use annual_report::ledger::init::{InitOptions, init};
use annual_report::publish::render::copy_templates;
use chrono::Datelike;
use std::process::ExitCode;

/// A path as it can be pasted into a shell: quoted when it holds a space or a
/// character the shell would read.
fn shell_word(path: &str) -> String {
    let plain = path
        .chars()
        .all(|c| !c.is_whitespace() && !"'\"\\$`!*?&;|<>()[]{}#~".contains(c));
    if plain {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

pub(super) fn run(args: InitArgs) -> ExitCode {
    let result = if args.templates {
        copy_templates(&args.dir).map_err(|e| e.to_string())
    } else {
        let options = InitOptions {
            preset: args.preset,
            year: args.year.unwrap_or_else(|| chrono::Local::now().year()),
            name: args.name,
        };
        init(&args.dir, &options).map_err(|e| e.to_string())
    };
    match result {
        Ok(written) => {
            for path in &written {
                println!("已创建 {}", path.display());
            }
            if !args.templates {
                let enter = if args.dir == std::path::Path::new(".") {
                    String::new()
                } else {
                    format!("cd {}，", shell_word(&args.dir.display().to_string()))
                };
                println!(
                    "下一步：{enter}按本单位情况修改 report.yaml（每个字段都有注释），用 annual-report new 记活动，\
                     annual-report check 检查，年底 annual-report build 生成总结"
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
