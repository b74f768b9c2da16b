//! `annual-report serve`: hands the arguments to the library's web front end.

use super::ServeArgs;
use annual_report::serve::{ServeOptions, Started, open_browser, run as serve};
use std::process::ExitCode;
use std::sync::Arc;

pub(super) fn run(args: ServeArgs) -> ExitCode {
    let open = args.open;
    let fonts = args.fonts;
    let options = ServeOptions {
        dir: args.dir,
        listen: args.listen,
        token: args.token,
        fonts: Box::new(move || Arc::new(fonts.library())),
    };
    let result = serve(options, |started: &Started| {
        println!("台账页面已启动：{}", started.url);
        if let Some(shared) = &started.shared_url {
            println!("办公网内其他电脑打开：{shared}（把“本机IP地址”换成这台电脑的 IP 地址）");
        }
        if started.generated {
            println!(
                "因为监听的不是本机地址，已生成访问口令 {}；请把上面的完整地址只发给需要记台账的同事",
                started.token.as_deref().unwrap_or_default()
            );
        }
        println!("按 Ctrl+C 停止");
        if open {
            open_browser(&started.url);
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The token is typed on the command line: a usage mistake.
        Err(e @ annual_report::serve::ServeError::BadToken) => {
            super::exits::usage_error("serve", &e.to_string())
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
