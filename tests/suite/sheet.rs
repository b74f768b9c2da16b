//! The ledger in a spreadsheet: messy office sheets built in code are imported (title
//! rows, merged cells, date cells of both date systems, dates typed as text, numbers
//! stored as text, blank and totals rows, GBK and UTF-8 CSV), bad rows are named by
//! sheet, row and column with nothing written, re-import adds nothing, and export →
//! import is a round trip.

#![cfg(feature = "sheet")]

use crate::common;

use annual_report::ledger::entry::{NewEntry, add_many};
use annual_report::ledger::sheet::import::{ImportError, ImportOptions, import};
use calamine::{Data, Reader};
use common::{cli, fixture};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

/// A small 2023 ledger whose items have fixed text, so it checks with no activities.
fn ledger() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sheets/report.yaml"),
        dir.path().join("report.yaml"),
    )
    .unwrap();
    dir
}

/// Every activity log's text, by file name.
fn logs(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("activities")) else {
        return Vec::new();
    };
    let mut logs: Vec<(String, String)> = entries
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    logs.sort();
    logs
}

fn stats_json(dir: &Path) -> serde_json::Value {
    let prepared = annual_report::prepare(dir).expect("the ledger checks");
    let stats = annual_report::ledger::stats::stats(&prepared.aggregate, None);
    serde_json::to_value(&stats).unwrap()
}

/// The visits total of the ledger.
fn visits(dir: &Path) -> u64 {
    let json = stats_json(dir);
    let total = json["rows"].as_array().unwrap().last().unwrap().clone();
    total["figures"][0].as_u64().unwrap()
}

/// An office's sheet as it is really kept: a title merged across the top, a blank
/// row, the header, dates as date cells and as text in several forms, a number stored
/// as text, an item cell merged over two rows, a blank row, a totals row.
fn messy_workbook(path: &Path, bad_date: Option<&str>) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("2023年活动").unwrap();
    let date = Format::new().set_num_format("yyyy年m月d日");
    sheet
        .merge_range(0, 0, 0, 6, "茶盘洲镇妇联2023年工作台账", &Format::new())
        .unwrap();
    for (c, h) in [
        "序号",
        "日期",
        "工作类别",
        "工作内容",
        "接待妇女来访(件)",
        "来访人次",
        "地点",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    // Row 4: a real date cell, the item by its lead, figures as numbers.
    sheet.write_number(3, 0, 1).unwrap();
    sheet
        .write_datetime_with_format(3, 1, ExcelDateTime::from_ymd(2023, 3, 8).unwrap(), &date)
        .unwrap();
    sheet.write_string(3, 2, "进一步加大了维权力度。").unwrap();
    sheet.write_string(3, 3, "开展三八维权周宣传").unwrap();
    sheet.write_number(3, 4, 2).unwrap();
    sheet.write_number(3, 5, 5).unwrap();
    sheet.write_string(3, 6, "镇文化广场").unwrap();
    // Rows 5–6: dates typed as text, numbers stored as text, one item cell merged
    // over both rows.
    sheet.write_number(4, 0, 2).unwrap();
    sheet
        .write_string(4, 1, bad_date.unwrap_or("2023年4月12日"))
        .unwrap();
    sheet
        .merge_range(4, 2, 5, 2, "legal-rights", &Format::new())
        .unwrap();
    sheet.write_string(4, 3, "接待来访妇女").unwrap();
    sheet.write_string(4, 4, "12").unwrap();
    sheet.write_number(5, 0, 3).unwrap();
    sheet.write_string(5, 1, "2023/5/9").unwrap();
    sheet.write_string(5, 3, "调解家庭纠纷").unwrap();
    sheet.write_string(5, 4, " ３ ").unwrap();
    // Row 7 blank; row 8 a training by the item's title, full-width date digits.
    sheet.write_string(7, 1, "２０２３.６.１").unwrap();
    sheet.write_string(7, 2, "training").unwrap();
    sheet.write_string(7, 3, "执委培训").unwrap();
    // Row 9: the totals row.
    sheet.write_string(8, 1, "合计").unwrap();
    sheet.write_number(8, 4, 17).unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_messy_office_sheet_imports_in_one_call() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.xlsx");
    messy_workbook(&file, None);
    let done = import(ledger.path(), &file, &ImportOptions::default()).unwrap();
    assert_eq!(done.added.len(), 4);
    assert_eq!(done.header.row, 3);
    assert_eq!(done.totals.len(), 1);
    let logs = logs(ledger.path());
    let names: Vec<&str> = logs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "2023-03.yaml",
            "2023-04.yaml",
            "2023-05.yaml",
            "2023-06.yaml"
        ]
    );
    assert!(logs[0].1.contains("date: 2023-03-08\n  item: legal-rights"));
    assert!(logs[1].1.contains("date: 2023-04-12\n  item: legal-rights"));
    assert!(
        logs[2].1.contains("item: legal-rights"),
        "the merged item cell"
    );
    assert!(logs[3].1.contains("date: 2023-06-01\n  item: training"));
    assert_eq!(visits(ledger.path()), 2 + 12 + 3);
}

#[test]
fn a_bad_row_is_named_by_sheet_row_and_column_and_nothing_is_written() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.xlsx");
    messy_workbook(&file, Some("2023年13月1日"));
    let error = import(ledger.path(), &file, &ImportOptions::default()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("台账.xlsx 工作表“2023年活动” 第5行 B列"),
        "{message}"
    );
    assert!(message.contains("2023年13月1日"), "{message}");
    assert!(logs(ledger.path()).is_empty(), "nothing written");
    // With --skip-bad the good rows go in and the bad one is listed.
    let options = ImportOptions {
        skip_bad: true,
        ..ImportOptions::default()
    };
    let done = import(ledger.path(), &file, &options).unwrap();
    assert_eq!(done.added.len(), 3);
    assert_eq!(done.bad.len(), 1);
    assert_eq!(done.bad[0].at.row, 5);
}

#[test]
fn an_unknown_item_lists_the_ids_and_titles() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.csv");
    std::fs::write(&file, "日期,条目,活动内容\n2023-03-08,招商引资,洽谈\n").unwrap();
    let Err(ImportError::BadRows(problems)) =
        import(ledger.path(), &file, &ImportOptions::default())
    else {
        panic!("the row is refused");
    };
    assert_eq!(problems[0].at.to_string(), "台账.csv 第2行 B列");
    assert!(problems[0].message.contains("招商引资"));
    assert!(
        problems[0]
            .allowed
            .contains(&"training（加强妇联干部业务培训。）".to_owned())
    );
    assert!(
        problems[0]
            .allowed
            .iter()
            .any(|a| a.starts_with("legal-rights（"))
    );
}

#[test]
fn importing_the_same_sheet_twice_adds_nothing() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.xlsx");
    messy_workbook(&file, None);
    import(ledger.path(), &file, &ImportOptions::default()).unwrap();
    let before = logs(ledger.path());
    let again = import(ledger.path(), &file, &ImportOptions::default()).unwrap();
    assert!(again.added.is_empty());
    assert_eq!(again.already.len(), 4);
    assert_eq!(logs(ledger.path()), before);
}

#[test]
fn a_dry_run_writes_nothing_but_shows_the_entries() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.xlsx");
    messy_workbook(&file, None);
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    let done = import(ledger.path(), &file, &options).unwrap();
    assert_eq!(done.added.len(), 4);
    assert!(done.added[1].1.yaml.contains("figures: { visits: 12 }"));
    let figures: Vec<String> = done.columns.iter().map(ToString::to_string).collect();
    assert!(
        figures.contains(&"E列 “接待妇女来访(件)” → 数字项 visits（figures.visits）".to_owned())
    );
    assert!(logs(ledger.path()).is_empty());
}

#[test]
fn a_missing_sheet_or_header_or_content_is_said_plainly() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.xlsx");
    messy_workbook(&file, None);
    let options = ImportOptions {
        sheet: Some("2024年活动".into()),
        ..ImportOptions::default()
    };
    let message = import(ledger.path(), &file, &options)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("台账.xlsx 中没有工作表“2024年活动”；可选：2023年活动"),
        "{message}"
    );
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "本表记录活动")
        .unwrap();
    let plain = sheets.path().join("无表头.xlsx");
    book.save(&plain).unwrap();
    let message = import(ledger.path(), &plain, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("无表头.xlsx 工作表“说明” 中找不到表头行"),
        "{message}"
    );
    let empty = sheets.path().join("空.csv");
    std::fs::write(&empty, "日期,条目,内容\n2023-03-08,legal-rights,\n").unwrap();
    let Err(ImportError::BadRows(problems)) =
        import(ledger.path(), &empty, &ImportOptions::default())
    else {
        panic!("a row with nothing done is refused");
    };
    assert_eq!(problems[0].at.to_string(), "空.csv 第2行 C列");
    let twice = sheets.path().join("重复.csv");
    std::fs::write(
        &twice,
        "日期,条目,内容,活动标识\n2023-03-08,legal-rights,甲,x1\n2023-03-09,legal-rights,乙,x1\n",
    )
    .unwrap();
    let Err(ImportError::BadRows(problems)) =
        import(ledger.path(), &twice, &ImportOptions::default())
    else {
        panic!("a repeated id is refused");
    };
    assert_eq!(
        problems[0].to_string(),
        "重复.csv 第3行 D列：活动标识 “x1” 与第2行重复"
    );
    assert!(logs(ledger.path()).is_empty());
}

#[test]
fn gbk_and_utf8_csv_files_import_alike() {
    let text =
        "工作台账\n\n时间,类型,内容,接待妇女来访（件）\n2023.3.8,legal-rights,\"宣传,讲座\",4\n";
    let sheets = tempfile::tempdir().unwrap();
    let gbk = sheets.path().join("gbk.csv");
    std::fs::write(&gbk, encoding_rs::GBK.encode(text).0).unwrap();
    let bom = sheets.path().join("bom.csv");
    std::fs::write(&bom, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap();
    let mut written = Vec::new();
    for file in [gbk, bom] {
        let ledger = ledger();
        import(ledger.path(), &file, &ImportOptions::default()).unwrap();
        assert_eq!(visits(ledger.path()), 4);
        written.push(logs(ledger.path()));
    }
    assert_eq!(written[0], written[1]);
    assert!(written[0][0].1.contains("text: \"宣传,讲座\""));
}

/// Marks an .xlsx as using the 1904 date system (what Excel for Mac once saved).
fn to_1904(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains("<workbookPr"));
            data = text
                .replace("<workbookPr", "<workbookPr date1904=\"1\"")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn date_cells_of_the_1904_system_are_read() {
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("mac.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "日期").unwrap();
    sheet.write_string(0, 1, "条目").unwrap();
    // 2023-03-08 is day 43531 after 1904-01-01 (serial 44993 in the 1900 system).
    sheet.write_number_with_format(1, 0, 43531, &date).unwrap();
    sheet.write_string(1, 1, "legal-rights").unwrap();
    sheet.write_string(0, 2, "工作内容").unwrap();
    sheet.write_string(1, 2, "维权宣传").unwrap();
    book.save(&file).unwrap();
    to_1904(&file);
    let ledger = ledger();
    import(ledger.path(), &file, &ImportOptions::default()).unwrap();
    assert!(logs(ledger.path())[0].1.contains("date: 2023-03-08"));
}

#[test]
fn a_mapping_file_names_headers_the_importer_cannot_guess() {
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.csv");
    std::fs::write(
        &file,
        "办理日,归口,情况,妇女上门\n2023-07-01,legal-rights,接待,3\n",
    )
    .unwrap();
    let ledger = ledger();
    let plain = import(ledger.path(), &file, &ImportOptions::default());
    assert!(matches!(plain, Err(ImportError::NoHeader { .. })));
    let mapping = sheets.path().join("列映射.yaml");
    std::fs::write(
        &mapping,
        "办理日: date\n归口: item\n情况: text\n妇女上门: visits\n",
    )
    .unwrap();
    let options = ImportOptions {
        columns: Some(mapping.clone()),
        ..ImportOptions::default()
    };
    import(ledger.path(), &file, &options).unwrap();
    assert_eq!(visits(ledger.path()), 3);
    std::fs::write(&mapping, "办理日: 日子\n").unwrap();
    let message = import(ledger.path(), &file, &options)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("“日子” 不存在；可选：date、item"),
        "{message}"
    );
}

#[test]
fn the_committed_xls_and_ods_examples_import_like_the_xlsx() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sheets");
    let mut totals = Vec::new();
    for name in ["工作台账.xlsx", "工作台账.xls", "工作台账.ods"] {
        let ledger = ledger();
        let done = import(ledger.path(), &dir.join(name), &ImportOptions::default()).unwrap();
        assert!(!done.added.is_empty(), "{name}");
        totals.push((done.added.len(), stats_json(ledger.path())));
    }
    assert_eq!(totals[0], totals[1]);
    assert_eq!(totals[0], totals[2]);
}

fn export_then_import(from: &Path) -> (PathBuf, tempfile::TempDir, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("导出.xlsx");
    let prepared = annual_report::prepare(from).unwrap();
    annual_report::publish::sheet::export_activities(&prepared.aggregate, &file).unwrap();
    let empty = ledger();
    import(empty.path(), &file, &ImportOptions::default()).unwrap();
    (file, out, empty)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Any set of activities, exported and imported into an empty ledger, gives the
    /// same statistics.
    #[test]
    fn export_then_import_is_a_round_trip(
        rows in prop::collection::vec(
            (1u32..=365, any::<bool>(), "[甲乙丙丁 a-z,\"]{0,12}", prop::option::of(0u64..500), prop::option::of(0u64..50)),
            1..12,
        )
    ) {
        let source = ledger();
        let entries: Vec<NewEntry> = rows
            .iter()
            .map(|(day, training, text, visits, visitors)| {
                let date = chrono::NaiveDate::from_yo_opt(2023, *day).unwrap();
                let mut figures = Vec::new();
                if let Some(v) = visits { figures.push(("visits".to_owned(), v.to_string())); }
                if let Some(v) = visitors { figures.push(("visitors".to_owned(), v.to_string())); }
                NewEntry {
                    date: date.to_string(),
                    item: if *training { "training" } else { "legal-rights" }.into(),
                    text: format!("活动{text}"),
                    figures,
                    ..NewEntry::default()
                }
            })
            .collect();
        add_many(source.path(), &entries, false).unwrap();
        let (file, _out, copy) = export_then_import(source.path());
        let before = stats_json(source.path());
        prop_assert_eq!(stats_json(copy.path()), before.clone());
        // Imported back into the ledger it came from, it adds nothing (the activities
        // have no ids there: they are recognised by what they say).
        let again = import(source.path(), &file, &ImportOptions::default()).unwrap();
        prop_assert_eq!(again.added.len(), 0);
        prop_assert_eq!(stats_json(source.path()), before);
    }
}

#[test]
fn the_command_line_imports_in_one_command_and_names_a_bad_cell() {
    let ledger = ledger();
    let sheets = tempfile::tempdir().unwrap();
    let bad = sheets.path().join("台账.xlsx");
    messy_workbook(&bad, Some("2023年4月31日"));
    let out = cli()
        .arg("import")
        .arg(&bad)
        .arg(ledger.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("台账.xlsx 工作表“2023年活动” 第5行 B列")
            && stderr.contains("2023年4月31日"),
        "{stderr}"
    );
    assert!(logs(ledger.path()).is_empty());
    let example = fixture("sheets").join("工作台账.xlsx");
    let dry = cli()
        .args(["import", "--dry-run"])
        .arg(&example)
        .arg(ledger.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{stdout}");
    assert!(stdout.contains("B列 “日期” → 日期（date）"), "{stdout}");
    assert!(stdout.contains("将导入 4 条活动"), "{stdout}");
    assert!(logs(ledger.path()).is_empty());
    let done = cli()
        .arg("import")
        .arg(&example)
        .arg(ledger.path())
        .output()
        .unwrap();
    assert!(done.status.success());
    assert!(String::from_utf8_lossy(&done.stdout).contains("已导入 4 条活动"));
    let again = cli()
        .arg("import")
        .arg(&example)
        .arg(ledger.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("4 行此前已导入，跳过"));
    cli().arg("check").arg(ledger.path()).assert().success();
}

#[test]
fn stats_as_a_workbook_holds_the_same_figures() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("统计.xlsx");
    let dir = fixture("chapanzhou-2023");
    cli()
        .args(["stats", "--format", "xlsx", "--output"])
        .arg(&file)
        .arg(&dir)
        .assert()
        .success();
    let json = stats_json(&dir);
    let mut book = calamine::open_workbook_auto(&file).unwrap();
    assert_eq!(book.sheet_names(), ["按节和条目", "按月份", "全年合计"]);
    let total = book.worksheet_range("全年合计").unwrap();
    let row = &json["rows"].as_array().unwrap().last().unwrap();
    assert_eq!(
        total.get_value((2, 2)),
        Some(&Data::String("全年合计".into()))
    );
    assert_eq!(
        total.get_value((2, 3)),
        Some(&Data::Float(row["activities"].as_u64().unwrap() as f64))
    );
    assert_eq!(
        total.get_value((2, 4)),
        Some(&Data::Float(row["figures"][0].as_u64().unwrap() as f64))
    );
    let again = out.path().join("again.xlsx");
    cli()
        .args(["stats", "--format", "xlsx", "--output"])
        .arg(&again)
        .arg(&dir)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap(),
        "byte-identical"
    );
    // Not because both were made within one second: no clock reaches the workbook.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("docProps/core.xml").unwrap(),
        &mut core,
    )
    .unwrap();
    let this_year = chrono::Datelike::year(&chrono::Local::now());
    assert!(!core.contains(&format!(">{this_year}-")), "{core}");
    let months = book.worksheet_range("按月份").unwrap();
    assert_eq!(months.height(), 2 + 12, "title, header and every month");
    let missing = cli()
        .args(["stats", "--format", "xlsx"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--output"));
}

#[test]
fn stats_with_last_year_carry_the_yoy_columns() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("统计.xlsx");
    cli()
        .args(["stats", "--format", "xlsx", "--output"])
        .arg(&file)
        .arg(fixture("xinhe-2023"))
        .assert()
        .success();
    let mut book = calamine::open_workbook_auto(&file).unwrap();
    let total = book.worksheet_range("全年合计").unwrap();
    let headers: Vec<String> = (0..total.width() as u32)
        .filter_map(|c| total.get_value((1, c)).map(ToString::to_string))
        .collect();
    assert!(headers.iter().any(|h| h.ends_with("同比")), "{headers:?}");
    assert!(headers.iter().any(|h| h.ends_with("上年")), "{headers:?}");
    let county = out.path().join("县.xlsx");
    cli()
        .args(["stats", "--format", "xlsx", "--output"])
        .arg(&county)
        .arg(fixture("yuanjiang-2023"))
        .assert()
        .success();
    let mut book = calamine::open_workbook_auto(&county).unwrap();
    assert_eq!(book.sheet_names().last().map(String::as_str), Some("汇总"));
    let rollup = book.worksheet_range("汇总").unwrap();
    let last = rollup.height() as u32 - 1;
    assert_eq!(
        rollup.get_value((last, 0)),
        Some(&Data::String("合计".into()))
    );
}

fn entry_on(date: &str, id: &str) -> NewEntry {
    NewEntry {
        date: date.into(),
        item: "legal-rights".into(),
        text: "宣传".into(),
        id: Some(id.into()),
        ..NewEntry::default()
    }
}

#[test]
fn many_entries_go_to_their_month_files_at_once_or_not_at_all() {
    let ledger = ledger();
    let activities = ledger.path().join("activities");
    std::fs::create_dir_all(&activities).unwrap();
    let old = "# 三月的台账（手写注释）\n- date: 2023-03-01\n  item: training\n  text: 培训\n";
    std::fs::write(activities.join("2023-03.yaml"), old).unwrap();
    // The same id in two files: only the check of the whole ledger sees it.
    let clash = [entry_on("2023-03-08", "a"), entry_on("2023-04-08", "a")];
    let error = add_many(ledger.path(), &clash, false).unwrap_err();
    assert!(error.to_string().contains("重复的活动 id “a”"), "{error}");
    assert_eq!(logs(ledger.path()).len(), 1, "no April file");
    assert_eq!(
        std::fs::read_to_string(activities.join("2023-03.yaml")).unwrap(),
        old
    );
    let fine = [
        entry_on("2023-03-08", "a"),
        entry_on("2023-04-08", "b"),
        entry_on("2023-03-09", "c"),
    ];
    let added = add_many(ledger.path(), &fine, false).unwrap();
    assert_eq!(added.len(), 3);
    assert_eq!(added[1].file, activities.join("2023-04.yaml"));
    let march = std::fs::read_to_string(activities.join("2023-03.yaml")).unwrap();
    assert!(march.starts_with(old), "{march}");
    assert!(march.find("id: \"a\"").unwrap() < march.find("id: \"c\"").unwrap());
    let json = stats_json(ledger.path());
    assert_eq!(json["rows"][0]["activities"], 3, "legal-rights");
    assert_eq!(
        json["rows"].as_array().unwrap().last().unwrap()["activities"],
        4
    );
}

#[test]
fn the_committed_example_sheet_is_the_one_this_file_builds() {
    // fixtures/sheets/工作台账.xlsx is `messy_workbook` written once; when this fails,
    // write it again (UPDATE_EXAMPLE_SHEET=1) and re-save its .xls and .ods copies with
    // `soffice --headless --convert-to xls` / `--convert-to ods`.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sheets/工作台账.xlsx");
    if std::env::var_os("UPDATE_EXAMPLE_SHEET").is_some() {
        messy_workbook(&committed, None);
    }
    let fresh = tempfile::tempdir().unwrap();
    let built = fresh.path().join("工作台账.xlsx");
    messy_workbook(&built, None);
    let imported = |file: &Path| {
        let ledger = ledger();
        import(ledger.path(), file, &ImportOptions::default()).unwrap();
        stats_json(ledger.path())
    };
    assert_eq!(imported(&committed), imported(&built));
}

/// A row whose id is already in the ledger but whose content was edited afterwards is
/// refused at its cell, not silently skipped.
#[test]
fn an_edited_row_of_an_imported_activity_is_named_not_dropped() {
    let source = ledger();
    let entry = NewEntry {
        date: "2023-05-04".into(),
        item: "legal-rights".into(),
        text: "入户走访".into(),
        figures: vec![("visits".into(), "2".into())],
        id: Some("visit-0504".into()),
        ..NewEntry::default()
    };
    add_many(source.path(), &[entry], false).unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("导出.xlsx");
    let prepared = annual_report::prepare(source.path()).unwrap();
    annual_report::publish::sheet::export_activities(&prepared.aggregate, &file).unwrap();
    // Unchanged: recognised by its id.
    let again = import(source.path(), &file, &ImportOptions::default()).unwrap();
    assert_eq!((again.added.len(), again.already.len()), (0, 1));
    // The figure edited in the sheet: refused, naming the id.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["日期", "条目", "活动内容", "接待妇女来访", "活动标识"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    for (c, value) in ["2023-05-04", "legal-rights", "入户走访", "3", "visit-0504"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *value).unwrap();
    }
    let edited = out.path().join("改过.xlsx");
    workbook.save(&edited).unwrap();
    let err = import(source.path(), &edited, &ImportOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("visit-0504") && message.contains("内容与台账中的那条不同"),
        "{message}"
    );
}

/// Export never replaces a file by a slip of the hand, and a file that only looks like
/// a workbook says what it really is, in Chinese.
#[test]
fn export_keeps_existing_files_and_a_web_page_sheet_is_named_plainly() {
    let work = tempfile::tempdir().unwrap();
    let existing = work.path().join("工作台账.xlsx");
    std::fs::write(&existing, b"the office's own sheet").unwrap();
    let ledger_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/chapanzhou-2023");
    for (output, expected, code) in [
        (existing.clone(), "已存在，不会覆盖", 1),
        (work.path().join("report.yaml"), "不是 .xlsx 文件名", 2),
    ] {
        let out = cli()
            .args(["export", "--output"])
            .arg(&output)
            .arg(&ledger_dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code));
        assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
    }
    assert_eq!(std::fs::read(&existing).unwrap(), b"the office's own sheet");
    cli()
        .args(["export", "--force", "--output"])
        .arg(&existing)
        .arg(&ledger_dir)
        .assert()
        .success();
    assert!(std::fs::read(&existing).unwrap().starts_with(b"PK"));

    let page = work.path().join("系统导出.xls");
    std::fs::write(
        &page,
        "<html><table><tr><td>日期</td><td>条目</td></tr></table></html>",
    )
    .unwrap();
    let target = ledger();
    let out = cli()
        .arg("import")
        .arg(&page)
        .arg(target.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("网页表格") && !err.contains("error"), "{err}");
}

/// What only the whole-ledger check can find (a figure past the limit) is still named
/// by the row of the sheet, not by a line of a month file that exists only in memory.
#[test]
fn a_ledger_finding_about_an_imported_row_names_the_row() {
    let sheets = tempfile::tempdir().unwrap();
    let file = sheets.path().join("台账.csv");
    std::fs::write(
        &file,
        "日期,条目,内容,接待妇女来访\n2023-03-08,legal-rights,宣传,4\n2023-03-09,legal-rights,讲座,1000000000000\n",
    )
    .unwrap();
    let ledger = ledger();
    let err = import(ledger.path(), &file, &ImportOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("台账.csv 第3行"), "{message}");
    assert!(!message.contains(".yaml"), "{message}");
    assert!(logs(ledger.path()).is_empty(), "nothing written");
}
