//! Two builds of every fixture give the same bytes, also from another working
//! directory and under another time zone and locale.

use crate::common;

use common::{cli, fixture};
use std::collections::BTreeMap;
use std::path::Path;

fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn builds_are_byte_identical_across_directories_time_zones_and_locales() {
    let work = tempfile::tempdir().unwrap();
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for name in [
        "chapanzhou-2023",
        "qingshan-2024-tuanwei",
        "xinhe-2023",
        "yuanjiang-2023",
    ] {
        let runs = [
            (work.path().to_path_buf(), "UTC", "C.UTF-8", "a"),
            (elsewhere.clone(), "Asia/Shanghai", "zh_CN.UTF-8", "b"),
        ];
        let mut built = Vec::new();
        for (cwd, tz, lang, tag) in runs {
            let out = work.path().join(format!("{name}-{tag}"));
            cli()
                .current_dir(&cwd)
                .env("TZ", tz)
                .env("LANG", lang)
                .env("LC_ALL", lang)
                .args([
                    "build",
                    "--no-system-fonts",
                    "--format",
                    "md,html,txt,typ,pdf,png",
                    "--out",
                ])
                .arg(&out)
                .arg(fixture(name))
                .assert()
                .success();
            built.push(outputs(&out));
        }
        assert!(built[0].len() >= 6, "{name}: {:?}", built[0].keys());
        assert!(built[0] == built[1], "{name}: outputs differ between runs");
    }
}
