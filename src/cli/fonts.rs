//! `annual-report fonts`.

use super::FontArgs;
use annual_report::publish::typeset::fonts::FontOrigin;
use std::process::ExitCode;

pub(super) fn run(args: FontArgs) -> ExitCode {
    for path in &args.font_path {
        if !path.is_dir() {
            eprintln!("错误：字体目录 {} 不存在", path.display());
            return ExitCode::FAILURE;
        }
    }
    let library = args.library();
    for role in library.roles() {
        let origin = match &role.origin {
            FontOrigin::Embedded(name) => format!("内置（fonts/{name}）"),
            FontOrigin::File(path) => format!("本机 {}", path.display()),
        };
        println!(
            "{}：{}\n    来源：{}\n    后备：{}",
            role.role.chinese(),
            role.families[0],
            origin,
            if role.families.len() > 1 {
                role.families[1..].join("、")
            } else {
                "（无）".to_owned()
            }
        );
    }
    ExitCode::SUCCESS
}
