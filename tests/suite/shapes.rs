//! The shapes of real published summaries (issue 12, item 1): each one written in a
//! small ledger, built, and read back from what the reader gets (Markdown blocks, the
//! text file, the Word paragraphs, the Typst source).

use crate::common;

use annual_report::Format;
use annual_report::diag::Severity;
use common::{build_files, build_formats, markdown_blocks};
use std::io::Read;
use std::path::Path;

/// A report.yaml for 2023 with `body` after the figures (sections, opening, closing,
/// signature …).
fn report(body: &str) -> String {
    format!(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
figures:
  visits: {{ label: 来访, unit: 件 }}
  teams: {{ label: 志愿服务队, unit: 支, total: latest }}
  peak: {{ label: 单次参加人数, unit: 人, total: max }}
{body}"
    )
}

const SECTIONS: &str = "sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        lead: 扎实开展维权工作。
        summary: 全年接待来访{{ visits }}件。
";

const LOG: &str = "- date: 2023-03-08
  item: rights
  text: 开展普法宣传
  figures: { visits: 2, teams: 20, peak: 80 }
- date: 2023-06-01
  item: rights
  text: 走访困难家庭
  figures: { visits: 3, teams: 23, peak: 50 }
";

/// Writes a ledger into a temporary directory.
fn ledger(report: &str, log: &str) -> tempfile::TempDir {
    common::ledger_in_tempdir(report, &[("2023.yaml", log)])
}

/// The Markdown's blocks after the title.
/// [`ledger`], asserting that it checks without a finding.
fn clean_ledger(report: &str, log: &str) -> tempfile::TempDir {
    let dir = ledger(report, log);
    assert!(
        findings(dir.path()).is_empty(),
        "{:?}",
        findings(dir.path())
    );
    dir
}

fn blocks(dir: &Path) -> Vec<String> {
    let (_out, texts) = build_formats(dir, &[Format::Md]);
    markdown_blocks(&texts["md"])
}

/// Codes and field names of a ledger's findings.
fn findings(dir: &Path) -> Vec<(Severity, String, String)> {
    annual_report::check_dir(dir)
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.severity,
                d.code.to_owned(),
                d.field.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The text of every `<w:p>` of the .docx body.
fn docx_paragraphs(dir: &Path) -> Vec<String> {
    let (_out, files) = build_files(dir, &[Format::Docx]);
    let bytes = files.iter().find(|(n, _)| n.ends_with(".docx")).unwrap().1;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml.split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap();
            p.split("<w:t")
                .skip(1)
                .map(|piece| {
                    let inner = piece.split_once('>').unwrap().1;
                    inner.split("</w:t>").next().unwrap().to_owned()
                })
                .collect::<String>()
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

#[test]
fn opening_and_closing_may_both_be_left_out() {
    let dir = clean_ledger(&report(SECTIONS), LOG);
    assert_eq!(
        blocks(dir.path()),
        [
            "2023年青山社区妇联工作总结",
            "一、主要工作",
            "1.扎实开展维权工作。开展普法宣传。走访困难家庭。全年接待来访5件。",
        ]
    );
}

#[test]
fn an_opening_still_prints_when_written() {
    let body = format!("opening: 现将工作总结如下。\n{SECTIONS}closing: 特此总结。\n");
    let dir = ledger(&report(&body), LOG);
    let got = blocks(dir.path());
    assert_eq!(got[1], "现将工作总结如下。");
    assert_eq!(got.last().unwrap(), "特此总结。");
}

#[test]
fn a_blank_metadata_value_is_accepted_and_printed_blank() {
    let body = format!(
        "publication:\n  索引号: 430000/2024-00001\n  发文字号: \"\"\n  发布机构:\n{SECTIONS}"
    );
    let dir = ledger(&report(&body), LOG);
    assert!(!findings(dir.path()).iter().any(|f| f.1 == "E026"));
    let (_out, texts) = build_formats(dir.path(), &[Format::Md, Format::Txt, Format::Html]);
    assert!(
        texts["md"].contains("发文字号：\\\n发布机构："),
        "{}",
        texts["md"]
    );
    assert!(texts["txt"].contains("发文字号：\n"), "{}", texts["txt"]);
    assert!(texts["html"].contains("<dt>发文字号</dt><dd></dd>"));
    // A blank required text is still refused.
    let dir = ledger(&report(&SECTIONS.replace("主要工作", "\"\"")), LOG);
    assert!(findings(dir.path()).iter().any(|f| f.1 == "E026"));
}

#[test]
fn items_numbered_with_a_comma() {
    let body = SECTIONS.replace("    items:\n", "    numbering: 1、\n    items:\n");
    let dir = ledger(&report(&body), LOG);
    assert!(blocks(dir.path())[2].starts_with("1、扎实开展维权工作。"));
    let (_out, texts) = build_formats(dir.path(), &[Format::Typ]);
    // The PDF's paragraph starts with the number and its 、 in the first cells.
    let paragraph = texts["typ"].split("#para[").nth(1).unwrap();
    assert!(
        paragraph.starts_with("\n#gl(h(31.586pt), n(\"1\"), h("),
        "{paragraph}"
    );
    assert!(
        paragraph.contains("\"、\", h(-0.207pt), \"扎实开展"),
        "{paragraph}"
    );
}

#[test]
fn a_section_without_a_printed_heading_is_a_run_of_numbered_paragraphs() {
    let body = "opening: 现将工作总结如下。
numbering: { items: 一是 }
sections:
  - id: body
    title: 正文
    heading: false
    items:
      - id: rights
        summary: 全年接待来访{{ visits }}件。
      - id: care
        text: 关爱留守儿童。
  - id: next
    title: 下一步打算
    items:
      - id: plan
        text: 继续做好维权工作。
";
    let dir = ledger(&report(body), LOG);
    let got = blocks(dir.path());
    assert_eq!(
        got[1..],
        [
            "现将工作总结如下。",
            "一是开展普法宣传。走访困难家庭。全年接待来访5件。",
            "二是关爱留守儿童。",
            // The first printed heading takes the first number.
            "一、下一步打算",
            "一是继续做好维权工作。",
        ]
    );
    let (_out, texts) = build_formats(dir.path(), &[Format::Txt, Format::Typ]);
    assert!(!texts["txt"].contains("正文"), "{}", texts["txt"]);
    assert_eq!(texts["typ"].matches("#heading-one").count(), 1);
    assert!(
        !docx_paragraphs(dir.path())
            .iter()
            .any(|p| p.contains("正文"))
    );
}

#[test]
fn the_summary_sentence_goes_before_between_or_after() {
    let item = |at: &str| {
        report(&format!(
            "sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        lead: 扎实开展维权工作。
        text: 坚持每月排查。
        summary: 全年接待来访{{{{ visits }}}}件。
{at}"
        ))
    };
    let cases = [
        (
            "",
            "1.扎实开展维权工作。坚持每月排查。开展普法宣传。走访困难家庭。全年接待来访5件。",
        ),
        (
            "        summary_at: after\n",
            "1.扎实开展维权工作。坚持每月排查。开展普法宣传。走访困难家庭。全年接待来访5件。",
        ),
        (
            "        summary_at: before\n",
            "1.扎实开展维权工作。全年接待来访5件。坚持每月排查。开展普法宣传。走访困难家庭。",
        ),
        (
            "        summary_at: between\n",
            "1.扎实开展维权工作。坚持每月排查。全年接待来访5件。开展普法宣传。走访困难家庭。",
        ),
    ];
    for (at, want) in cases {
        let dir = ledger(&item(at), LOG);
        assert_eq!(blocks(dir.path())[2], want, "{at}");
    }
    let dir = ledger(&item("        summary_at: first\n"), LOG);
    let report = annual_report::check_dir(dir.path());
    assert!(report.error_count() > 0);
}

#[test]
fn activities_listed_by_short_name_in_one_sentence() {
    let body = SECTIONS.replace(
        "        summary: 全年接待来访{{ visits }}件。\n",
        "        list: 开展{{ 活动 }}等丰富多彩的活动\n        summary: 全年接待来访{{ visits }}件。\n        summary_at: before\n",
    );
    let log = "- date: 2023-03-08
  item: rights
  name: 三八趣味运动会
  text: 在社区广场举办三八趣味运动会，80人参加
  figures: { visits: 2 }
- date: 2023-05-14
  item: rights
  name: 母亲节亲子烘焙活动
- date: 2023-06-01
  item: rights
  text: 走访困难家庭
  figures: { visits: 3 }
- date: 2023-06-01
  item: rights
  name: 六一游园会
";
    let dir = clean_ledger(&report(&body), log);
    assert_eq!(
        blocks(dir.path())[2],
        "1.扎实开展维权工作。全年接待来访5件。开展三八趣味运动会、母亲节亲子烘焙活动、六一游园会等丰富多彩的活动。走访困难家庭。"
    );
    // A list sentence must say where the names go.
    let dir = ledger(&report(&body.replace("{{ 活动 }}", "")), log);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E034".into(),
        "sections[0].items[0].list".into()
    )));
    // A name in an item without a list sentence would be lost: a warning says so.
    let dir = ledger(&report(SECTIONS), log);
    let found = findings(dir.path());
    assert_eq!(
        found
            .iter()
            .filter(|f| f.1 == "W003" && f.0 == Severity::Warning)
            .count(),
        3,
        "{found:?}"
    );
}

#[test]
fn a_list_sentence_carries_figures_on_either_side_of_the_names() {
    let body = SECTIONS.replace(
        "        summary: 全年接待来访{{ visits }}件。\n",
        "        list: 组织{{ teams }}支队伍开展{{ 活动 }}等活动，接待来访{{ visits }}件；\n",
    );
    let log = "- date: 2023-03-08
  item: rights
  name: 三八趣味运动会
  figures: { visits: 2, teams: 20 }
- date: 2023-06-01
  item: rights
  name: 六一游园会
  figures: { visits: 3, teams: 23 }
";
    let dir = clean_ledger(&report(&body), log);
    assert_eq!(
        blocks(dir.path())[2],
        // The paragraph ends with the list sentence, so its ； closes as 。.
        "1.扎实开展维权工作。组织23支队伍开展三八趣味运动会、六一游园会等活动，接待来访5件。"
    );
    // A figure of the list sentence is checked like one of a summary.
    let dir = ledger(&report(&body.replace("{{ visits }}", "{{ vists }}")), log);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E023".into(),
        "sections[0].items[0].list".into()
    )));
    // A figure the list prints that adds up to 0 is a warning on the list sentence.
    let zero = log
        .replace("visits: 2", "visits: 0")
        .replace("visits: 3", "visits: 0");
    let dir = ledger(&report(&body), &zero);
    assert!(findings(dir.path()).contains(&(Severity::Warning, "W106".into(), "list".into())));
}

#[test]
fn figures_total_by_sum_largest_or_latest() {
    let body = SECTIONS.replace(
        "全年接待来访{{ visits }}件。",
        "全年接待来访{{ visits }}件，现有志愿服务队{{ teams }}支，单次活动最多{{ peak }}人参加。",
    );
    // The latest value is the latest by date, whatever the log order.
    let log = "- date: 2023-06-01
  item: rights
  text: 走访困难家庭
  figures: { visits: 3, teams: 23, peak: 50 }
- date: 2023-03-08
  item: rights
  text: 开展普法宣传
  figures: { visits: 2, teams: 20, peak: 80 }
";
    let dir = ledger(&report(&body), log);
    assert!(
        blocks(dir.path())[2]
            .ends_with("全年接待来访5件，现有志愿服务队23支，单次活动最多80人参加。")
    );
    let dir = ledger(
        &report(&body).replace("total: latest", "total: average"),
        log,
    );
    assert!(annual_report::check_dir(dir.path()).error_count() > 0);
}

#[test]
fn a_signature_of_the_date_alone() {
    let body = format!("{SECTIONS}signature: {{ show_issuer: false }}\n");
    let dir = ledger(&report(&body), LOG);
    let got = blocks(dir.path());
    assert_eq!(got.last().unwrap(), "2024年1月10日");
    assert!(!got.iter().any(|b| b == "青山社区妇联"), "{got:?}");
    let (_out, texts) = build_formats(dir.path(), &[Format::Txt, Format::Html, Format::Typ]);
    assert!(texts["txt"].trim_end().ends_with("2024年1月10日"));
    assert!(
        texts["html"].contains("<p class=\"signature\">2024年1月10日</p>"),
        "{}",
        texts["html"]
    );
    let signature = texts["typ"].split("#signature[").nth(1).unwrap();
    let signature = signature.split("]\n").next().unwrap();
    // One line: the date, ending four cells (63.16 pt) in from the right of the
    // 442.12 pt line; no issuer.
    assert_eq!(signature.matches("#gl(").count(), 1, "{signature}");
    assert!(signature.contains("n(\"2024\")") && signature.contains("\"日\""));
    assert!(!signature.contains('青'), "{signature}");
    assert_eq!(docx_paragraphs(dir.path()).last().unwrap(), "2024年1月10日");
    // The issuer with the date, as before.
    let dir = ledger(&report(&format!("{SECTIONS}signature: {{}}\n")), LOG);
    let got = blocks(dir.path());
    assert_eq!(got.last().unwrap(), "青山社区妇联 2024年1月10日");
}

const RUN_IN_LOG: &str = "- date: 2023-03-08\n  item: farming\n  figures: { visits: 1 }\n";

#[test]
fn a_run_in_heading_starts_its_first_paragraph_in_the_heading_face() {
    let body = "sections:
  - id: industry
    title: 产业发展
    run_in: true
    items:
      - id: farming
        text: 今年新建大棚20个。
      - id: trade
        text: 电商销售稳步增长。
  - id: care
    title: 关爱儿童
    items:
      - id: children
        text: 开展关爱活动。
";
    let dir = clean_ledger(&report(body), RUN_IN_LOG);
    assert_eq!(
        blocks(dir.path())[1..],
        [
            "一、产业发展：今年新建大棚20个。",
            "电商销售稳步增长。",
            "二、关爱儿童",
            "1.开展关爱活动。",
        ]
    );
    let (_out, texts) = build_formats(dir.path(), &[Format::Md, Format::Typ]);
    assert!(
        texts["md"].contains("**一、产业发展：**今年新建大棚20个。"),
        "{}",
        texts["md"]
    );
    // One heading of its own in the PDF; the run-in one is set in the paragraph, bold.
    assert_eq!(texts["typ"].matches("#heading-one").count(), 1);
    let paragraph = texts["typ"].split("#para[").nth(1).unwrap();
    assert!(
        paragraph.contains("strong(\"产业发展\"), h(-0.207pt), strong(\"：\")"),
        "{paragraph}"
    );
    let docx = docx_paragraphs(dir.path());
    assert!(
        docx.contains(&"一、产业发展：今年新建大棚20个。".to_owned()),
        "{docx:?}"
    );
    assert!(!docx.contains(&"一、产业发展".to_owned()), "{docx:?}");
    // A run-in section's items cannot be numbered.
    let numbered = body.replace(
        "    run_in: true\n",
        "    run_in: true\n    numbering: 1.\n",
    );
    let dir = ledger(&report(&numbered), RUN_IN_LOG);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E035".into(),
        "sections[0].numbering".into()
    )));
}

/// A report with a money figure of one decimal (救助金 in 万元) beside a whole count.
fn aid_report(extra: &str) -> String {
    format!(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
figures:
  visits: {{ label: 来访, unit: 件 }}
  aid: {{ label: 救助金, unit: 万元, decimals: 1 }}
sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        lead: 扎实开展帮扶工作。
        summary: 全年接待来访{{{{ visits }}}}件，发放救助金{{{{ aid }}}}万元。
{extra}"
    )
}

/// 0.1 + 0.2 + 8.5: a float sum would print 8.799999999999999 or 8.8 by luck; a
/// quoted value counts like a plain one.
const AID_LOG: &str = "- date: 2023-03-08
  item: rights
  text: 走访困难妇女
  figures: { visits: 2, aid: 0.1 }
- date: 2023-05-01
  item: rights
  text: 慰问单亲母亲
  figures: { aid: \"0.2\" }
- date: 2023-09-10
  item: rights
  text: 发放大病救助金
  figures: { visits: 1, aid: 8.5 }
";

/// The findings of a ledger as (code, field, message, help).
fn located(dir: &Path) -> Vec<(String, String, String, String)> {
    annual_report::check_dir(dir)
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_owned(),
                d.field.clone().unwrap_or_default(),
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn decimal_amounts_add_up_exactly_and_print_with_their_places() {
    let dir = clean_ledger(&aid_report(""), AID_LOG);
    assert_eq!(
        blocks(dir.path())[2],
        "1.扎实开展帮扶工作。走访困难妇女。慰问单亲母亲。发放大病救助金。全年接待来访3件，发放救助金8.8万元。"
    );
    // A whole total keeps its declared place: 9.0, not 9.
    let log = AID_LOG.replace("aid: 8.5", "aid: 8.7");
    let dir = ledger(&aid_report(""), &log);
    assert!(blocks(dir.path())[2].ends_with("发放救助金9.0万元。"));

    // stats: text, CSV, JSON and the workbook.
    let dir = ledger(&aid_report(""), AID_LOG);
    let prepared = annual_report::prepare(dir.path()).unwrap();
    let stats = annual_report::ledger::stats::stats(&prepared.aggregate, None);
    let csv = stats.to_csv();
    assert!(csv.contains("total,,total,全年合计,3,3,8.8\r\n"), "{csv}");
    assert!(csv.contains("month,,2023-05,5月,1,0,0.2\r\n"), "{csv}");
    assert!(stats.to_table().contains("8.8"), "{}", stats.to_table());
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(json["figures"][1]["decimals"], 1);
    assert!(json["figures"][0].get("decimals").is_none());
    let total = json["rows"].as_array().unwrap().last().unwrap();
    assert_eq!(total["figures"], serde_json::json!([3, 8.8]));
    assert_eq!(serde_json::to_string(&total["figures"]).unwrap(), "[3,8.8]");
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("统计.xlsx");
    annual_report::publish::sheet::export_stats(&stats, None, &book).unwrap();
    let mut read = calamine::open_workbook_auto(&book).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut read, "全年合计").unwrap();
    assert_eq!(sheet.get_value((2, 5)), Some(&calamine::Data::Float(8.8)));
    let styles = zip_part(&book, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.0\""), "{styles}");
}

/// The text of one part of a zip file (.xlsx, .docx).
fn zip_part(file: &Path, part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn decimal_amounts_go_through_export_import_and_new() {
    use annual_report::ledger::sheet::import::{ImportOptions, import};
    let dir = ledger(&aid_report(""), AID_LOG);
    let out = tempfile::tempdir().unwrap();
    let sheet = out.path().join("台账.xlsx");
    let prepared = annual_report::prepare(dir.path()).unwrap();
    annual_report::publish::sheet::export_activities(&prepared.aggregate, &sheet).unwrap();
    let mut read = calamine::open_workbook_auto(&sheet).unwrap();
    let first = calamine::Reader::worksheet_range_at(&mut read, 0)
        .unwrap()
        .unwrap();
    assert_eq!(first.get_value((2, 5)), Some(&calamine::Data::Float(0.1)));
    // Imported into an empty copy of the ledger: the same activities, the same total.
    let copy = ledger(&aid_report(""), "[]\n");
    let done = import(copy.path(), &sheet, &ImportOptions::default()).unwrap();
    assert_eq!(done.added.len(), 3);
    let log = std::fs::read_to_string(copy.path().join("activities/2023-03.yaml"))
        .or_else(|_| std::fs::read_to_string(copy.path().join("activities/2023.yaml")))
        .unwrap();
    assert!(log.contains("aid: 0.1"), "{log}");
    assert!(blocks(copy.path())[2].ends_with("发放救助金8.8万元。"));
    // Imported into the ledger it came from, nothing is new (8.5 is 8.5).
    let again = import(dir.path(), &sheet, &ImportOptions::default()).unwrap();
    assert_eq!(again.added.len(), 0);
    // A CSV cell with two places is refused, naming the figure and its precision.
    let csv = out.path().join("台账.csv");
    std::fs::write(
        &csv,
        "日期,条目,活动内容,救助金（万元）\n2023-04-01,rights,慰问,0.45\n",
    )
    .unwrap();
    let refused = import(copy.path(), &csv, &ImportOptions::default()).unwrap_err();
    let said = format!("{refused:?}");
    assert!(said.contains("救助金 最多保留 1 位小数"), "{said}");
    // `new` takes 8.5 and refuses 8.55 for this figure; 1.5 stays refused for visits.
    let choices = annual_report::ledger::entry::Choices::of(dir.path()).unwrap();
    assert_eq!(
        choices.figure_value("aid", "8.5").unwrap().to_string(),
        "8.5"
    );
    assert_eq!(choices.figure_value("aid", "3").unwrap().to_string(), "3.0");
    // The same codes as check gives the values in a log.
    let refusal = choices.figure_value("aid", "8.55").unwrap_err();
    assert_eq!(refusal.code, "E036");
    assert!(refusal.message.contains("最多保留 1 位小数"), "{refusal}");
    let refusal = choices.figure_value("visits", "1.5").unwrap_err();
    assert_eq!(refusal.code, "E024");
    assert!(refusal.message.contains("只能写整数"), "{refusal}");
    let added = common::cli()
        .args([
            "new",
            "--date",
            "2023-10-01",
            "--item",
            "rights",
            "--text",
            "慰问",
        ])
        .args(["--figure", "aid=0.4"])
        .arg(dir.path())
        .write_stdin("")
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", common::text(&added.stderr));
    assert!(blocks(dir.path())[2].ends_with("发放救助金9.2万元。"));
    let refused = common::cli()
        .args([
            "new",
            "--date",
            "2023-10-02",
            "--item",
            "rights",
            "--text",
            "慰问",
        ])
        .args(["--figure", "aid=0.45"])
        .arg(dir.path())
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(common::text(&refused.stderr).contains("最多保留 1 位小数"));
}

#[test]
fn decimal_yoy_and_rollup() {
    let root = tempfile::tempdir().unwrap();
    let write = |name: &str, report: &str, log: &str| {
        let dir = root.path().join(name);
        common::write_ledger(&dir, report, &[("log.yaml", log)]);
        dir
    };
    let last = aid_report("")
        .replace("year: 2023", "year: 2022")
        .replace("2024-01-10", "2023-01-10");
    write(
        "last",
        &last,
        &AID_LOG.replace("2023-", "2022-").replace("8.5", "7.7"),
    );
    let with_yoy = aid_report("previous: ../last\n")
        .replace("{{ aid }}万元。", "{{ aid }}万元，{{ aid.yoy }}。");
    let now = write("now", &with_yoy, AID_LOG);
    // 8.8 against 8.0: exactly 10%.
    assert!(
        blocks(&now)[2].ends_with("发放救助金8.8万元，同比增长10%。"),
        "{:?}",
        blocks(&now)
    );
    // A county of two members: 8.8 + 8.8.
    write("a", &aid_report(""), AID_LOG);
    write("b", &aid_report(""), AID_LOG);
    let county = aid_report("rollup:\n  members: [../a, ../b]\n");
    let county = write("county", &county, AID_LOG);
    let (_out, texts) = build_formats(&county, &[Format::Md]);
    // (The Markdown escapes every full stop of a cell.)
    assert!(
        texts["md"].contains("| 合计 | 6 | 17\\.6 |"),
        "{}",
        texts["md"]
    );
    // A member counting the same figure to two places is a located error.
    write(
        "b",
        &aid_report("").replace("decimals: 1", "decimals: 2"),
        AID_LOG,
    );
    let found = located(&county);
    let e038 = found.iter().find(|f| f.0 == "E038").expect("E038");
    assert_eq!(e038.1, "rollup.members[1]");
    assert!(
        e038.2.contains("“aid” 保留 2 位小数，本台账保留 1 位"),
        "{e038:?}"
    );
}

#[test]
fn a_value_past_its_figure_s_precision_is_a_located_error() {
    let log = AID_LOG.replace("aid: 8.5", "aid: 8.55");
    let dir = ledger(&aid_report(""), &log);
    let found = located(dir.path());
    let e036 = found.iter().find(|f| f.0 == "E036").expect("E036");
    assert_eq!(e036.1, "[2].figures.aid");
    assert_eq!(e036.2, "“8.55” 有 2 位小数，数字项 “aid” 只保留 1 位");
    // Rounded half up (四舍五入), not cut.
    assert!(e036.3.starts_with("写成 8.6"), "{e036:?}");
    let checked = annual_report::check_dir(dir.path());
    let e036 = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "E036")
        .unwrap();
    let at = e036.location.as_ref().unwrap();
    assert_eq!((at.line, at.column), (12, 30));
    // A decimal in a whole-number figure: E024, naming the figures that take decimals.
    let log = AID_LOG.replace("visits: 1,", "visits: 1.5,");
    let dir = ledger(&aid_report(""), &log);
    let found = located(dir.path());
    let e024 = found.iter().find(|f| f.0 == "E024").expect("E024");
    assert_eq!(e024.2, "“1.5” 不是整数");
    assert!(
        e024.3.contains("可以写小数的数字项：aid（救助金）（1 位）"),
        "{e024:?}"
    );
    // Without any decimal figure the help says how to declare one.
    let dir = ledger(&report(SECTIONS), &LOG.replace("visits: 3", "visits: 1.5"));
    let found = located(dir.path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "E024" && f.3.contains("decimals: 1")),
        "{found:?}"
    );
    // Participants are people: a whole number, whatever the figures declare.
    let log = AID_LOG.replace(
        "  text: 走访困难妇女\n",
        "  text: 走访困难妇女\n  participants: 1.5\n",
    );
    let found = located(ledger(&aid_report(""), &log).path());
    assert!(
        found.iter().any(|f| f.0 == "E024"
            && f.1 == "[0].participants"
            && f.3 == "这里只能写 0 或正整数，例如 30"),
        "{found:?}"
    );
    // At most four places may be declared.
    let dir = ledger(
        &aid_report("").replace("decimals: 1", "decimals: 9"),
        AID_LOG,
    );
    let found = located(dir.path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "E037" && f.1 == "figures.aid.decimals"),
        "{found:?}"
    );
}

/// An item whose paragraph is 一是/二是 parts, each with its own figure sentence.
fn entries_report(extra: &str) -> String {
    format!(
        "year: 2023
organization:
  name: 青山社区妇联
date: 2024-01-10
figures:
  events: {{ label: 活动, unit: 场 }}
  served: {{ label: 服务妇女儿童, unit: 人次 }}
  aid: {{ label: 慰问金, unit: 万元, decimals: 1 }}
sections:
  - id: work
    title: 主要工作
    items:
      - id: family
        lead: 放大联动效应，丰富新时代家庭工作内涵。
        separator: ；
        entries:
          - id: family-events
            summary: 开展家庭教育、亲子阅读等活动{{{{ events }}}}场，服务妇女儿童{{{{ served }}}}余人次
          - id: family-aid
            lead: 开展“两节”走访慰问，
            summary: 发放慰问金{{{{ aid }}}}万元
        summary: 全年共开展活动{{{{ events }}}}场。
{extra}"
    )
}

const ENTRIES_LOG: &str = "- date: 2023-03-08
  item: family-events
  figures: { events: 5, served: 200 }
- date: 2023-06-01
  item: family-events
  figures: { events: 7, served: 400 }
- date: 2023-01-15
  item: family-aid
  figures: { aid: 0.4 }
- date: 2023-02-01
  item: family
  text: 召开家庭工作推进会
";

#[test]
fn an_enumerated_entry_carries_its_own_activities_and_figures() {
    let dir = clean_ledger(&entries_report(""), ENTRIES_LOG);
    assert_eq!(
        blocks(dir.path())[2],
        "1.放大联动效应，丰富新时代家庭工作内涵。召开家庭工作推进会。\
         一是开展家庭教育、亲子阅读等活动12场，服务妇女儿童600余人次；\
         二是开展“两节”走访慰问，发放慰问金0.4万元。全年共开展活动12场。"
    );
    // An entry's activity text prints inside its part, before its figure sentence.
    let with_text = ENTRIES_LOG.replace(
        "  figures: { events: 7, served: 400 }",
        "  text: 六一亲子阅读\n  figures: { events: 7, served: 400 }",
    );
    let dir2 = ledger(&entries_report(""), &with_text);
    assert!(
        blocks(dir2.path())[2].contains("一是六一亲子阅读。开展家庭教育"),
        "{:?}",
        blocks(dir2.path())
    );
    // stats: an entry row after its item, with the entry's own totals.
    let prepared = annual_report::prepare(dir.path()).unwrap();
    let stats = annual_report::ledger::stats::stats(&prepared.aggregate, None);
    let csv = stats.to_csv();
    assert!(
        csv.contains("item,work,family,放大联动效应，丰富新时代家庭工作内涵。,4,12,600,0.4\r\n"),
        "{csv}"
    );
    // An entry named by its figure sentence shows the words, never a placeholder.
    assert!(
        csv.contains("entry,work,family-events,开展家庭教育、亲子阅读等活动…,2,12,600,0.0\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("entry,work,family-aid,开展“两节”走访慰问，,1,0,0,0.4\r\n"),
        "{csv}"
    );
    assert!(stats.to_table().contains("分项"));
    // new and import offer the entries as items.
    let choices = annual_report::ledger::entry::Choices::of(dir.path()).unwrap();
    let ids: Vec<&str> = choices.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["family", "family-events", "family-aid"]);
    // An entry asks for its own figures and those its item's sentence prints (its
    // activities count there too).
    assert_eq!(
        choices.item("family-aid").unwrap().figures,
        ["aid", "events"]
    );
    let csv = dir.path().join("台账.csv");
    std::fs::write(
        &csv,
        "日期,条目,活动内容,慰问金（万元）\n2023-09-01,family-aid,中秋慰问,0.2\n",
    )
    .unwrap();
    let options = annual_report::ledger::sheet::import::ImportOptions::default();
    annual_report::ledger::sheet::import::import(dir.path(), &csv, &options).unwrap();
    assert!(
        blocks(dir.path())[2].contains("二是开展“两节”走访慰问，中秋慰问。发放慰问金0.6万元。"),
        "{:?}",
        blocks(dir.path())
    );
}

#[test]
fn mistakes_with_entries_are_located() {
    // enumerate and entries both number the paragraph: refused.
    let both = entries_report("").replace(
        "        separator: ；\n",
        "        separator: ；\n        enumerate: true\n",
    );
    let dir = ledger(&both, ENTRIES_LOG);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E039".into(),
        "sections[0].items[0].enumerate".into()
    )));
    // An entry's id is an item id: unique, and offered when an activity misspells one.
    let twice = entries_report("").replace("id: family-aid", "id: family");
    let dir = ledger(&twice, ENTRIES_LOG);
    assert!(findings(dir.path()).iter().any(|f| f.1 == "E025"));
    let dir = ledger(
        &entries_report(""),
        &ENTRIES_LOG.replace("item: family-aid", "item: family-ad"),
    );
    let report = annual_report::check_dir(dir.path());
    let e022 = report
        .diagnostics
        .iter()
        .find(|d| d.code == "E022")
        .unwrap();
    assert!(e022.allowed.contains(&"family-aid".to_owned()), "{e022:?}");
    assert!(
        e022.help.as_deref().unwrap().contains("family-aid"),
        "{e022:?}"
    );
    // An entry without text and without activities.
    let log = ENTRIES_LOG.replace(
        "- date: 2023-01-15\n  item: family-aid\n  figures: { aid: 0.4 }\n",
        "",
    );
    let dir = ledger(&entries_report(""), &log);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E027".into(),
        "sections[0].items[0].entries[1].text".into()
    )));
}

/// A summary-and-plan document: two parts, each with （一） sections and 1. items.
const PARTS: &str = "parts:
  - id: review
    title: 2023年工作总结
  - id: plan
    title: 2024年工作计划
sections:
  - id: rights
    part: review
    title: 维护妇女权益
    items:
      - id: visits
        lead: 扎实开展维权工作。
        summary: 全年接待来访{{ visits }}件。
      - id: law
        text: 深入开展普法宣传。
  - id: care
    part: review
    title: 关爱留守儿童
    items:
      - id: children
        text: 开展关爱活动。
  - id: next
    part: plan
    title: 强化思想引领
    items:
      - id: study
        text: 组织学习宣讲。
";

const PARTS_LOG: &str = "- date: 2023-03-08\n  item: visits\n  figures: { visits: 4 }\n";

#[test]
fn a_summary_and_plan_document_has_three_heading_levels() {
    let dir = clean_ledger(&report(PARTS), PARTS_LOG);
    assert_eq!(
        blocks(dir.path())[1..],
        [
            "一、2023年工作总结",
            "（一）维护妇女权益",
            "1.扎实开展维权工作。全年接待来访4件。",
            "2.深入开展普法宣传。",
            "（二）关爱留守儿童",
            "1.开展关爱活动。",
            "二、2024年工作计划",
            "（一）强化思想引领",
            "1.组织学习宣讲。",
        ]
    );
    let (_out, texts) = build_formats(dir.path(), &[Format::Md, Format::Txt, Format::Typ]);
    // Markdown (and so HTML): level 1 ##, level 2 ###.
    assert!(
        texts["md"].contains("\n## 一、2023年工作总结\n"),
        "{}",
        texts["md"]
    );
    assert!(
        texts["md"].contains("\n### （一）维护妇女权益\n"),
        "{}",
        texts["md"]
    );
    assert!(texts["txt"].contains("二、2024年工作计划\n\n（一）强化思想引领\n\n1.组织学习宣讲。"));
    // Typst: parts as level-one headings in 黑体, sections as level-two in 楷体.
    let typ = &texts["typ"];
    assert_eq!(typ.matches("#heading-one").count(), 2, "{typ}");
    assert_eq!(typ.matches("#heading-two").count(), 3, "{typ}");
    let part = typ.split("#heading-one(fonts: fonts)[").nth(2).unwrap();
    assert!(part.starts_with("\n#gl(h(31.586pt), \"二\""), "{part}");
    let section = part.split("#heading-two(fonts: fonts)[").nth(1).unwrap();
    assert!(section.contains("\"强化思想引领\""), "{section}");
    // Word: the same three levels, as heading styles one and two and body paragraphs.
    let docx = docx_paragraphs(dir.path());
    assert_eq!(
        docx[1..4],
        [
            "一、2023年工作总结",
            "（一）维护妇女权益",
            "1.扎实开展维权工作。全年接待来访4件。"
        ]
    );
    let (_out, files) = build_files(dir.path(), &[Format::Docx]);
    let bytes = files.iter().find(|(n, _)| n.ends_with(".docx")).unwrap().1;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let style_of = |text: &str| {
        let at = xml.find(text).unwrap();
        let p = xml[..at].rfind("<w:p>").unwrap();
        let style = xml[p..at].split("w:pStyle w:val=\"").nth(1);
        style.map(|s| s.split('"').next().unwrap().to_owned())
    };
    let (one, two) = (style_of("一、2023年"), style_of("（一）维护"));
    // 一级标题 (黑体, outline level 1) and 二级标题 (楷体_GB2312, outline level 2).
    assert_eq!(one.as_deref(), Some("Yijibiaoti"));
    assert_eq!(two.as_deref(), Some("Erjibiaoti"));
    assert_eq!(style_of("二、2024年"), one);
    assert_eq!(style_of("（一）强化"), two);
    assert_eq!(style_of("组织学习宣讲"), None);
    // The plans, when written, are the next part.
    let dir = ledger(
        &report(&format!("{PARTS}plans:\n  items: [继续做好工作。]\n")),
        PARTS_LOG,
    );
    let got = blocks(dir.path());
    assert_eq!(
        got[got.len() - 2..],
        ["三、下一步工作计划", "1.继续做好工作。"]
    );
}

#[test]
fn mistakes_with_parts_are_located() {
    let codes = |body: &str| findings(ledger(&report(body), PARTS_LOG).path());
    let has = |found: &[(Severity, String, String)], code: &str, field: &str| {
        found.contains(&(Severity::Error, code.into(), field.into()))
    };
    let found = codes(&PARTS.replacen("    part: review\n", "", 1));
    assert!(has(&found, "E045", "sections[0].part"), "{found:?}");
    let found = codes(&PARTS.replacen("part: review", "part: reveiw", 1));
    assert!(has(&found, "E045", "sections[0].part"), "{found:?}");
    // A part's sections stand together, in the order of the parts.
    let swapped = PARTS
        .replace("    part: plan\n", "    part: review\n")
        .replace(
            "    part: review\n    title: 关爱",
            "    part: plan\n    title: 关爱",
        );
    let found = codes(&swapped);
    assert!(has(&found, "E045", "sections[2].part"), "{found:?}");
    let found = codes(&PARTS.replace("    part: plan\n", "    part: review\n"));
    assert!(has(&found, "E027", "parts[1].id"), "{found:?}");
    let found = codes(&PARTS.replace(
        "    title: 关爱留守儿童\n",
        "    title: 关爱留守儿童\n    numbering: （一）\n",
    ));
    assert!(has(&found, "E045", "sections[1].numbering"), "{found:?}");
    // A （一） section under a part may run its heading into its text (issue 25, 2).
    let found = codes(&PARTS.replace(
        "    title: 关爱留守儿童\n",
        "    title: 关爱留守儿童\n    run_in: true\n",
    ));
    assert!(found.iter().all(|f| f.1 != "E045"), "{found:?}");
    let found = codes(&SECTIONS.replace(
        "    title: 主要工作\n",
        "    title: 主要工作\n    part: review\n",
    ));
    assert!(has(&found, "E045", "sections[0].part"), "{found:?}");
}

#[test]
fn an_entry_s_yoy_compares_the_same_entry_last_year() {
    let root = tempfile::tempdir().unwrap();
    let write = |name: &str, report: &str, log: &str| {
        let dir = root.path().join(name);
        common::write_ledger(&dir, report, &[("log.yaml", log)]);
        dir
    };
    let last = entries_report("")
        .replace("year: 2023", "year: 2022")
        .replace("2024-01-10", "2023-01-10");
    write(
        "last",
        &last,
        &ENTRIES_LOG.replace("2023-", "2022-").replace("0.4", "0.5"),
    );
    let now = entries_report("previous: ../last\n").replace(
        "发放慰问金{{ aid }}万元",
        "发放慰问金{{ aid }}万元，{{ aid.yoy }}",
    );
    let now = write("now", &now, ENTRIES_LOG);
    // 0.4 against 0.5 of the same entry: down 20%.
    assert!(
        blocks(&now)[2].contains("发放慰问金0.4万元，同比下降20%。"),
        "{:?}",
        blocks(&now)
    );
}

#[test]
fn the_editor_schema_describes_the_new_shapes_in_chinese() {
    let out = common::cli().arg("schema").output().unwrap();
    let schema = common::text(&out.stdout);
    for described in [
        "小数位数（0–4）",
        "分项：段落中的“一是……二是……”",
        "一级标题“部分”",
        "所属部分",
    ] {
        assert!(schema.contains(described), "{described}");
    }
    let out = common::cli()
        .args(["schema", "--activities"])
        .output()
        .unwrap();
    assert!(common::text(&out.stdout).contains("或条目下分项 entries 的 id"));
}

#[test]
fn too_many_declared_places_are_refused_by_new_without_a_panic() {
    let report = aid_report("").replace("decimals: 1", "decimals: 20");
    let dir = ledger(&report, AID_LOG);
    let found = located(dir.path());
    assert!(found.iter().any(|f| f.0 == "E037"), "{found:?}");
    let added = common::cli()
        .args(["new", "--date", "2023-06-01", "--item", "rights"])
        .args(["--text", "慰问", "--figure", "aid=5"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&added.stderr);
    assert_eq!(added.status.code(), Some(1), "{said}");
    assert!(said.contains("E037"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn too_many_places_suggest_the_value_rounded_half_up() {
    for (written, rounded) in [
        ("8.56", "8.6"),
        ("0.05", "0.1"),
        ("9.96", "10.0"),
        ("8.54", "8.5"),
        // Only the first dropped digit counts, however many follow.
        ("1.23456789012345678901", "1.2"),
        // Rounding up past the limit would be refused in turn: cut instead.
        ("99999999999.96", "99999999999.9"),
    ] {
        let log = AID_LOG.replace("aid: 8.5", &format!("aid: {written}"));
        let dir = ledger(&aid_report(""), &log);
        let found = located(dir.path());
        let e036 = found.iter().find(|f| f.0 == "E036").expect("E036");
        assert!(e036.3.starts_with(&format!("写成 {rounded}；")), "{e036:?}");
    }
}

#[test]
fn new_refuses_values_with_the_codes_check_gives_them() {
    let dir = ledger(&aid_report(""), AID_LOG);
    let choices = annual_report::ledger::entry::Choices::of(dir.path()).unwrap();
    assert_eq!(
        choices
            .figure_value("visits", "99999999999999")
            .unwrap_err()
            .code,
        "E040"
    );
    let log = AID_LOG.replace("visits: 2", "visits: 99999999999999");
    let found = located(ledger(&aid_report(""), &log).path());
    assert!(found.iter().any(|f| f.0 == "E040"), "{found:?}");
}

#[test]
fn parts_and_sections_numbered_alike_are_refused() {
    let report = format!(
        "{}parts:\n  - {{ id: done, title: 2023年工作总结 }}\n",
        aid_report("").replace(
            "    title: 主要工作\n",
            "    title: 主要工作\n    part: done\n"
        )
    )
    .replace("sections:\n", "numbering: { sections: 一、 }\nsections:\n");
    let dir = ledger(&report, AID_LOG);
    let found = located(dir.path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "E045" && f.1 == "numbering.sections"),
        "{found:?}"
    );
    // The same document numbering its sections （一） checks clean.
    let dir = ledger(
        &report.replace("sections: 一、", "sections: （一）"),
        AID_LOG,
    );
    let found = located(dir.path());
    assert!(found.iter().all(|f| f.0 != "E045"), "{found:?}");
}

#[test]
fn a_list_sentence_with_no_named_activity_is_reported() {
    let report = aid_report("").replace(
        "        summary: 全年接待来访{{ visits }}件，发放救助金{{ aid }}万元。\n",
        "        list: 开展{{ 活动 }}等帮扶活动{{ visits }}次\n",
    );
    let found = located(ledger(&report, AID_LOG).path());
    assert!(
        found.iter().any(|f| f.0 == "W004" && f.1 == "list"),
        "{found:?}"
    );
    let named = AID_LOG.replace("  text: 走访困难妇女\n", "  name: 走访困难妇女\n");
    let found = located(ledger(&report, &named).path());
    assert!(found.iter().all(|f| f.0 != "W004"), "{found:?}");
}

#[test]
fn a_figure_filed_under_an_item_that_does_not_print_it_is_reported() {
    let report = aid_report("").replace(
        "        summary: 全年接待来访{{ visits }}件，发放救助金{{ aid }}万元。\n",
        "        summary: 全年接待来访{{ visits }}件。\n      - id: aid\n        lead: 做好救助工作。\n        summary: 发放救助金{{ aid }}万元。\n",
    );
    // Every aid is filed under rights, whose sentence prints only visits: the printed
    // 救助金 (item aid's total) leaves them out.
    let found = located(ledger(&report, AID_LOG).path());
    let w005: Vec<_> = found.iter().filter(|f| f.0 == "W005").collect();
    assert_eq!(w005.len(), 1, "{found:?}");
    // At the figure of the first activity that records it.
    assert_eq!(w005[0].1, "[0].figures.aid");
    // Filed under aid, nothing to report; a figure no sentence prints (kept for stats
    // alone) is not reported either.
    let moved = AID_LOG
        .replace(
            "  item: rights\n  text: 慰问单亲母亲",
            "  item: aid\n  text: 慰问单亲母亲",
        )
        .replace("{ visits: 2, aid: 0.1 }", "{ visits: 2 }")
        .replace("{ visits: 1, aid: 8.5 }", "{ visits: 1 }");
    let found = located(ledger(&report, &moved).path());
    assert!(found.iter().all(|f| f.0 != "W005"), "{found:?}");
    let stats_only = aid_report("").replace("，发放救助金{{ aid }}万元", "");
    let found = located(ledger(&stats_only, AID_LOG).path());
    assert!(found.iter().all(|f| f.0 != "W005"), "{found:?}");
}

#[test]
fn dates_name_the_day_the_calendar_lacks_and_take_the_year_when_left_out() {
    let log = AID_LOG.replace("2023-05-01", "2023年2月30日");
    let found = located(ledger(&aid_report(""), &log).path());
    let e020 = found.iter().find(|f| f.0 == "E020").expect("E020");
    assert!(e020.3.contains("2023年2月只有 28 天"), "{e020:?}");
    let dir = ledger(&aid_report(""), AID_LOG);
    let choices = annual_report::ledger::entry::Choices::of(dir.path()).unwrap();
    assert_eq!(
        choices.date("4月15日").unwrap(),
        chrono::NaiveDate::from_ymd_opt(2023, 4, 15).unwrap()
    );
    assert!(choices.date("2月30日").unwrap_err().contains("只有 28 天"));
}

#[test]
fn about_a_number_of_participants_is_written_as_the_number() {
    let log = AID_LOG.replace(
        "  text: 走访困难妇女\n",
        "  text: 走访困难妇女\n  participants: 约50\n",
    );
    let found = located(ledger(&aid_report(""), &log).path());
    let e024 = found.iter().find(|f| f.0 == "E024").expect("E024");
    assert!(e024.3.contains("写 50"), "{e024:?}");
    assert!(!e024.3.contains("{{"), "{e024:?}");
    // For a figure, 约 goes before the number in the sentence.
    let log = AID_LOG.replace("visits: 2,", "visits: 约2,");
    let found = located(ledger(&aid_report(""), &log).path());
    let e024 = found.iter().find(|f| f.0 == "E024").expect("E024");
    assert!(e024.3.contains("约{{ visits }}"), "{e024:?}");
}

#[test]
fn new_records_a_short_name_that_the_list_sentence_prints() {
    let body = SECTIONS.replace(
        "        summary: 全年接待来访{{ visits }}件。\n",
        "        list: 开展{{ 活动 }}等活动\n",
    );
    let log = "- date: 2023-03-08\n  item: rights\n  name: 三八趣味运动会\n";
    let dir = ledger(&report(&body), log);
    let added = common::cli()
        .args(["new", "--date", "2023-06-01", "--item", "rights"])
        .args(["--name", "六一游园会"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", common::text(&added.stderr));
    let written = std::fs::read_to_string(dir.path().join("activities/2023-06.yaml")).unwrap();
    assert!(written.contains("  name: \"六一游园会\"\n"), "{written}");
    assert_eq!(
        blocks(dir.path())[2],
        "1.扎实开展维权工作。开展三八趣味运动会、六一游园会等活动。"
    );
}

#[test]
fn parts_numbered_like_the_sections_default_are_refused_at_the_parts() {
    let report = format!(
        "{}parts:\n  - {{ id: done, title: 2023年工作总结 }}\n",
        aid_report("").replace(
            "    title: 主要工作\n",
            "    title: 主要工作\n    part: done\n"
        )
    )
    .replace("sections:\n", "numbering: { parts: （一） }\nsections:\n");
    let found = located(ledger(&report, AID_LOG).path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "E045" && f.1 == "numbering.parts"),
        "{found:?}"
    );
}

#[test]
fn figures_typed_wrong_are_explained_for_their_kind() {
    // Full-width digits in a decimal figure: write them half-width, decimals kept.
    let log = AID_LOG.replace("aid: 8.5", "aid: \"８.５\"");
    let found = located(ledger(&aid_report(""), &log).path());
    let e024 = found.iter().find(|f| f.0 == "E024").expect("E024");
    assert_eq!(e024.3, "把全角数字改成半角：写 8.5");
    // Day 0 is named as such.
    let log = AID_LOG.replace("2023-05-01", "2023-05-00");
    let found = located(ledger(&aid_report(""), &log).path());
    let e020 = found.iter().find(|f| f.0 == "E020").expect("E020");
    assert!(e020.3.contains("没有 0 日"), "{e020:?}");
    // new: too many places suggest the rounded value, as check does.
    let dir = ledger(&aid_report(""), AID_LOG);
    let choices = annual_report::ledger::entry::Choices::of(dir.path()).unwrap();
    let refusal = choices.figure_value("aid", "1.25").unwrap_err();
    assert!(refusal.message.ends_with("写成 1.3"), "{refusal}");
}

#[test]
fn an_issuer_too_long_for_one_line_is_reported() {
    let long = "湖南省益阳市资阳区茶盘洲镇妇女联合会综合服务中心工作组第一分组";
    let report = aid_report(&format!("signature: {{ issuer: {long} }}\n"));
    let found = located(ledger(&report, AID_LOG).path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "W006" && f.1 == "signature.issuer"),
        "{found:?}"
    );
    let report = aid_report("signature: { issuer: 青山社区妇联 }\n");
    let found = located(ledger(&report, AID_LOG).path());
    assert!(found.iter().all(|f| f.0 != "W006"), "{found:?}");
}

/// The findings of a ledger as (code, file name:line:column, field, message).
fn placed(dir: &Path) -> Vec<(String, String, String, String)> {
    annual_report::check_dir(dir)
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.location.as_ref().map(|l| {
                let file = l.file.rsplit('/').next().unwrap_or_default();
                format!("{file}:{}:{}", l.line, l.column)
            });
            (
                d.code.to_owned(),
                at.unwrap_or_default(),
                d.field.clone().unwrap_or_default(),
                d.message.clone(),
            )
        })
        .collect()
}

/// What each format gives the reader, white space taken out: the Markdown without
/// its markup, the .docx paragraphs, and the PDF read back by pdftotext.
fn reader_texts(dir: &Path) -> Vec<(&'static str, String)> {
    let (out, files) = build_files(dir, &[Format::Md, Format::Docx, Format::Pdf]);
    let pdf = files.iter().find(|(n, _)| n.ends_with(".pdf")).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(out.path().join(pdf.0))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let md = files.iter().find(|(n, _)| n.ends_with(".md")).unwrap();
    // Markdown escapes what would read as markup (1\.): the reader sees none of it.
    let squeeze = |s: &str| {
        let text: String = s.split_whitespace().collect();
        text.replace(['*', '\\'], "")
    };
    vec![
        ("md", squeeze(&String::from_utf8(md.1.clone()).unwrap())),
        ("docx", squeeze(&docx_paragraphs(dir).join("\n"))),
        ("pdf", squeeze(&String::from_utf8(output.stdout).unwrap())),
    ]
}

/// Asserts that the reader finds each of `wanted` in every format (see
/// [`reader_texts`]).
fn assert_read_in_every_format(dir: &Path, wanted: &[&str]) {
    for (format, text) in reader_texts(dir) {
        for w in wanted {
            assert!(text.contains(w), "{format}: {w}\nnot in\n{text}");
        }
    }
}

/// The 一是 paragraph of the published 海尾社区妇联 summary, as published.
const HAIWEI_PARAGRAPH: &str = "一是放大联动效应，丰富新时代家庭工作内涵，阵地联建。根据辖区内居民需求创设具有妇联特色、家庭受益、儿童欢迎的妇女儿童服务项目。如，针对婚姻关系、亲子关系中存在的问题，提供法律讲座、哈比管家亲子共成长等服务；针对特殊困境妇女儿童家庭等需求，实施帮扶关爱等项目；社区妇联抓住每年“六一”国际儿童节、“3·8”妇女节、“母亲节”、慰问80周岁长者等重要节点，开展三八趣味运动会、母亲节亲子烘焙活动、六一游园会等丰富多彩的活动，激发群众参与积极性，营造家庭建设浓厚氛围。累计近5000人次直接受益，既涵盖普通家庭，也包括残障、情绪行为问题、流动留守和失独等困境家庭；利用海尾公园文化楼的平台，为妇女儿童提供阅读的场所；以“学习雷锋日”、“儿童节”、“春节”等重大节日为契机，开展慰问困难儿童活动，给孩子们送去温暖。";

/// Issue 25, 1: a real paragraph mixes a lead, two activities, another event, a
/// sentence with totals and two more activities; written part by part, it prints in
/// that order, its total summed from the activities, in every format.
#[test]
fn a_paragraph_written_part_by_part_keeps_the_published_order() {
    let dir = common::fixture("haiwei-2019-fulian");
    assert_eq!(blocks(&dir)[2], HAIWEI_PARAGRAPH);
    assert_read_in_every_format(&dir, &[HAIWEI_PARAGRAPH]);
    // The published text's 、 between quoted names (W114) sits in this paragraph's
    // last activity (and again in 二是, with the repeated 文化楼 sentence: W104).
    let found = placed(&dir);
    assert!(
        found.contains(&(
            "W114".to_owned(),
            "2019.yaml:23:16".to_owned(),
            "text".to_owned(),
            "标有引号的并列成分之间用了顿号：”、“".to_owned()
        )),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "{found:?}");
}

const PIECES_LOG: &str = "- date: 2023-03-08
  item: work
  tag: 培训
  text: 举办家庭教育培训班
  figures: { visits: 2 }
- date: 2023-05-20
  item: work
  text: 走访困难家庭
  figures: { visits: 3 }
- date: 2023-07-01
  item: work
  text: 开展暑期护苗行动
  figures: { visits: 4 }
- date: 2023-07-15
  item: work
  text: 组织亲子阅读
- date: 2023-09-10
  item: work
  tag: 培训
  text: 举办维权骨干培训
";

/// Every kind of part, each where it is written: a fixed sentence, a tagged group,
/// a figure sentence, the July group enumerated with ；, the rest, a fixed sentence
/// that starts a new paragraph.
#[test]
fn each_part_kind_prints_where_it_is_written() {
    let body = "sections:
  - id: main
    title: 主要工作
    items:
      - id: work
        paragraph:
          - text: 扎实开展家庭工作
          - activities: 培训
          - summary: 全年接待来访{{ visits }}件；
          - activities: all
            months: [7]
            enumerate: true
            separator: ；
          - activities: all
          - text: |
              成效明显。

              群众满意度进一步提升。
";
    let dir = clean_ledger(&report(body), PIECES_LOG);
    let first = "1.扎实开展家庭工作。举办家庭教育培训班。举办维权骨干培训。全年接待来访9件；\
一是开展暑期护苗行动；二是组织亲子阅读。走访困难家庭。成效明显。";
    assert_eq!(blocks(dir.path())[2..], [first, "群众满意度进一步提升。"]);
    assert_read_in_every_format(dir.path(), &[first, "群众满意度进一步提升。"]);
    // A paragraph that ends with an activity ends as a sentence, as an item does.
    let ending = body.replace(
        "          - text: |\n              成效明显。\n\n              群众满意度进一步提升。\n",
        "",
    );
    let dir = ledger(&report(&ending), PIECES_LOG);
    assert!(blocks(dir.path())[2].ends_with("二是组织亲子阅读。走访困难家庭。"));
}

/// Mistakes in a paragraph are located at what is wrong: a field the paragraph
/// replaces, a part of two kinds or of none, a month past 12, two groups of the rest,
/// a group option on a sentence, an activity no group prints.
#[test]
fn mistakes_in_a_paragraph_are_located() {
    let body = "sections:
  - id: main
    title: 主要工作
    items:
      - id: work
        lead: 扎实开展家庭工作。
        paragraph:
          - text: 扎实开展家庭工作
            summary: 全年接待来访{{ visits }}件
          - {}
          - activities: all
            months: [13]
          - activities: all
          - activities: all
          - text: 成效明显
            enumerate: true
          - summary: 共{{ vists }}件
";
    let dir = ledger(&report(body), PIECES_LOG);
    let found = findings(dir.path());
    for (code, field) in [
        ("E046", "sections[0].items[0].lead"),
        ("E046", "sections[0].items[0].paragraph[0].summary"),
        ("E046", "sections[0].items[0].paragraph[1]"),
        ("E046", "sections[0].items[0].paragraph[2].months"),
        ("E046", "sections[0].items[0].paragraph"),
        ("E046", "sections[0].items[0].paragraph[5]"),
        ("E023", "sections[0].items[0].paragraph[6].summary"),
    ] {
        assert!(
            found.contains(&(Severity::Error, code.into(), field.into())),
            "{code} {field}: {found:?}"
        );
    }
    let lines: Vec<(String, String)> = placed(dir.path())
        .into_iter()
        .filter(|(code, ..)| code == "E046")
        .map(|(_, at, field, _)| (at, field))
        .collect();
    assert!(
        lines.contains(&(
            "report.yaml:14:15".into(),
            "sections[0].items[0].lead".into()
        )),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            "report.yaml:17:22".into(),
            "sections[0].items[0].paragraph[0].summary".into()
        )),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            "report.yaml:20:22".into(),
            "sections[0].items[0].paragraph[2].months".into()
        )),
        "{lines:?}"
    );
    // An activity whose tag no group takes is reported where it is written.
    let body = "sections:
  - id: main
    title: 主要工作
    items:
      - id: work
        paragraph:
          - activities: 培训
";
    let dir = ledger(&report(body), PIECES_LOG);
    let ungrouped: Vec<String> = placed(dir.path())
        .into_iter()
        .filter(|(code, ..)| code == "W007")
        .map(|(_, at, ..)| at)
        .collect();
    assert_eq!(
        ungrouped,
        ["2023.yaml:6:9", "2023.yaml:10:9", "2023.yaml:14:9"]
    );
}

/// Issue 25, 6: what real summaries write correctly is not warned about — a name
/// ending in 村 before 村民委员会, two figure sentences that differ only in their
/// figures, （二）（三） typed after the （一） the tool printed — so that
/// `--deny-warnings` passes; and the two misses are found.
#[test]
fn real_text_is_not_warned_falsely_and_the_misses_are_found() {
    let body = "numbering:
  items: （一）
sections:
  - id: main
    title: 主要工作
    items:
      - id: org
        title: 加强组织建设
        text: |
          指导新河村村民委员会完善妇联执委制度。

          （二）强化宣传引导。开展巾帼宣讲。

          （三）深化志愿服务。组建巾帼志愿服务队。
      - id: rights
        title: 维护妇女权益
        summary: 一年来全镇共接待妇女群众来访{{ visits }}件。
      - id: care
        title: 关爱困难群体
        summary: 一年来全镇共接待妇女群众来访{{ visits }}件。
";
    let log = "- date: 2023-03-08
  item: rights
  figures: { visits: 2 }
- date: 2023-06-01
  item: care
  figures: { visits: 5 }
";
    let dir = ledger(&report(body), log);
    assert!(findings(dir.path()).is_empty(), "{:?}", placed(dir.path()));
    common::cli()
        .args(["check", "--deny-warnings"])
        .arg(dir.path())
        .assert()
        .success();
    // The same sentence with the same figures is still a repeat; a gap still a gap.
    let log_same = log.replace("visits: 5", "visits: 2");
    let dir = ledger(&report(body), &log_same);
    assert_eq!(placed(dir.path())[0].0, "W104");
    let gap = body.replace("（三）深化", "（四）深化");
    let dir = ledger(&report(&gap), log);
    assert_eq!(placed(dir.path())[0].0, "W105");
    // 提实提高 (切实 mistyped) and 、 between quoted names are found where written.
    let typo = body.replace(
        "开展巾帼宣讲。",
        "提实提高宣讲实效，以“学习雷锋日”、“儿童节”为契机开展宣讲。",
    );
    let dir = ledger(&report(&typo), log);
    let found: Vec<(String, String)> = placed(dir.path())
        .into_iter()
        .map(|(code, at, ..)| (code, at))
        .collect();
    assert_eq!(
        found,
        [
            ("W113".to_owned(), "report.yaml:20:21".to_owned()),
            ("W114".to_owned(), "report.yaml:20:37".to_owned()),
        ]
    );
}

/// Issue 25, 7: E023 puts its caret on the key inside `{{ }}` (in a one-line value and
/// in a block), as wide as the key, and suggests the declared key it most likely
/// means; E022 suggests a short id with two letters swapped.
#[test]
fn a_mistyped_key_is_pointed_at_inside_its_braces_with_a_suggestion() {
    let body = "sections:
  - id: main
    title: 主要工作
    items:
      - id: rights
        summary: 全年接待来访{{ vists }}件。
      - id: jobs
        summary: |
          全年组建志愿服务队
          {{ taems }}支。
";
    let log = "- date: 2023-03-08
  item: jbos
  figures: { visits: 2 }
";
    let dir = ledger(&report(body), log);
    let found = annual_report::check_dir(dir.path());
    let e023: Vec<(u32, u32, u32, String)> = found
        .diagnostics
        .iter()
        .filter(|d| d.code == "E023")
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (
                l.line,
                l.column,
                d.width,
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(e023.len(), 2, "{e023:?}");
    assert_eq!((e023[0].0, e023[0].1, e023[0].2), (14, 27, 5), "{e023:?}");
    assert!(
        e023[0].3.starts_with("是不是想写 “{{ visits }}”？"),
        "{e023:?}"
    );
    assert_eq!((e023[1].0, e023[1].1, e023[1].2), (18, 14, 5), "{e023:?}");
    assert!(
        e023[1].3.starts_with("是不是想写 “{{ teams }}”？"),
        "{e023:?}"
    );
    let e022 = found.diagnostics.iter().find(|d| d.code == "E022").unwrap();
    assert!(
        e022.help
            .as_deref()
            .unwrap()
            .starts_with("是不是想写 “jobs”？"),
        "{e022:?}"
    );
}

/// Issue 25, 2 (the 1. level): a titled item with `run_in: true` prints
/// “1、小标题：正文……” — plain, or bold when the title is written `**…**` — in every
/// format, on the grid; without a title it is refused (E047).
#[test]
fn an_item_title_runs_into_its_paragraph_at_the_third_level() {
    let body = "numbering:
  items: 1、
sections:
  - id: main
    title: 主要工作
    items:
      - id: rights
        title: 维权服务
        run_in: true
        summary: 全年接待来访{{ visits }}件。
        summary_at: before
      - id: care
        title: \"**关爱帮扶。**\"
        run_in: true
        text: 走访困难家庭。
";
    let dir = clean_ledger(&report(body), LOG);
    assert_eq!(
        blocks(dir.path())[2..],
        [
            "1、维权服务：全年接待来访5件。开展普法宣传。走访困难家庭。",
            "2、关爱帮扶。走访困难家庭。",
        ]
    );
    assert_read_in_every_format(
        dir.path(),
        &[
            "1、维权服务：全年接待来访5件。开展普法宣传。走访困难家庭。",
            "2、关爱帮扶。走访困难家庭。",
        ],
    );
    let (_out, texts) = build_formats(dir.path(), &[Format::Md, Format::Typ]);
    assert!(
        texts["md"].contains("2、**关爱帮扶。**走访困难家庭。"),
        "{}",
        texts["md"]
    );
    // On the grid (indented two cells, one cell a character) the plain title is body
    // text and the bold one the bold face.
    let lines: Vec<&str> = texts["typ"]
        .lines()
        .filter(|l| l.starts_with("#gl("))
        .collect();
    assert!(lines.iter().any(|l| l.starts_with(
        "#gl(h(31.586pt), n(\"1\"), h(7.793pt), \"、\", h(-0.207pt), \"维权服务\", h(-0.207pt), \"：\""
    )), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(
        "\"、\", h(-0.207pt), strong(\"关爱帮扶\"), h(-0.207pt), strong(\"。\"), h(-0.207pt), \"走访困难家庭\""
    )), "{lines:?}");
    // Refused: a run-in item without a title, and one at the （一） level.
    let untitled = body.replace("        title: 维权服务\n", "");
    let dir = ledger(&report(&untitled), LOG);
    assert!(findings(dir.path()).contains(&(
        Severity::Error,
        "E047".into(),
        "sections[0].items[0].run_in".into()
    )));
    // At the （一） level the run-in title is accepted: it prints in 楷体 (see
    // a_level_two_title_runs_into_its_paragraph_in_kai_with_pdftotext).
    let subheading = body.replace("  items: 1、", "  items: （一）");
    let dir = ledger(&report(&subheading), LOG);
    assert!(
        findings(dir.path()).iter().all(|f| f.1 != "E047"),
        "{:?}",
        findings(dir.path())
    );
}

/// The runs of the first body paragraph of the .docx that holds `text`: each run's
/// character style (empty for none) and its text.
fn docx_runs(dir: &Path, text: &str) -> (Vec<(String, String)>, String) {
    let (_out, files) = build_files(dir, &[Format::Docx]);
    let bytes = files.iter().find(|(n, _)| n.ends_with(".docx")).unwrap().1;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut read = |part: &str| {
        let mut xml = String::new();
        archive
            .by_name(part)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    };
    let document = read("word/document.xml");
    let styles = read("word/styles.xml");
    let paragraph = document
        .split("<w:p>")
        .find(|p| p.contains(text))
        .unwrap_or_else(|| panic!("no paragraph with {text}"));
    let runs = paragraph
        .split("<w:r>")
        .skip(1)
        .map(|r| {
            let style = r
                .split_once("<w:rStyle w:val=\"")
                .map(|(_, rest)| rest.split('"').next().unwrap().to_owned())
                .unwrap_or_default();
            let text = r
                .split_once('>')
                .and_then(|_| r.split("<w:t xml:space=\"preserve\">").nth(1))
                .map(|t| t.split("</w:t>").next().unwrap().to_owned())
                .unwrap_or_default();
            (style, text)
        })
        .collect();
    (runs, styles)
}

/// Issue 25, 2: a level-2 title runs into its paragraph in the face that level prints
/// in — 楷体 — both for a （一） section under a part and for an item numbered （一）:
/// the same text in Markdown (`*…*`, 楷体 emphasis on the page), HTML, the Typst
/// source (the Kai role on the grid) and the .docx (the 楷体 character style, which
/// changes only the face and keeps the body's pitch); the body after it stays plain.
#[test]
fn a_level_two_title_runs_into_its_paragraph_in_kai_with_pdftotext() {
    if !common::require_tools(&[common::PDFTOTEXT]) {
        return;
    }
    let parts = "parts:
  - id: review
    title: 2023年工作推进情况
sections:
  - id: industry
    part: review
    title: 聚力加快转型升级，产业发展更加兴旺。
    run_in: true
    items:
      - id: rights
        text: 今年新建大棚20个。
      - id: farming
        text: 电商销售稳步增长。
  - id: care
    part: review
    title: 关爱儿童
    items:
      - id: children
        text: 开展关爱活动。
";
    let items = "numbering:
  items: （一）
sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        title: 强化思想引领
        run_in: true
        summary: 全年接待来访{{ visits }}件。
      - id: care
        title: 维护妇女权益。
        run_in: true
        text: 走访困难家庭。
";
    for (body, log, kai, rest, expected) in [
        (
            parts,
            "[]\n",
            "（一）聚力加快转型升级，产业发展更加兴旺。",
            "今年新建大棚20个。",
            vec![
                "一、2023年工作推进情况",
                "（一）聚力加快转型升级，产业发展更加兴旺。今年新建大棚20个。",
                "电商销售稳步增长。",
                "（二）关爱儿童",
                "1.开展关爱活动。",
            ],
        ),
        (
            items,
            LOG,
            "（一）强化思想引领：",
            "开展普法宣传。走访困难家庭。全年接待来访5件。",
            vec![
                "一、主要工作",
                "（一）强化思想引领：开展普法宣传。走访困难家庭。全年接待来访5件。",
                "（二）维护妇女权益。走访困难家庭。",
            ],
        ),
    ] {
        let dir = clean_ledger(&report(body), log);
        assert_eq!(blocks(dir.path())[1..], expected);
        let (_out, texts) = build_formats(dir.path(), &[Format::Md, Format::Html, Format::Typ]);
        assert!(
            texts["md"].contains(&format!("*{kai}*{rest}")),
            "{}",
            texts["md"]
        );
        assert!(
            texts["html"].contains(&format!("<em class=\"kai\">{kai}</em>{rest}")),
            "{}",
            texts["html"]
        );
        assert!(texts["html"].contains("article em.kai { font-family: \"KaiTi_GB2312\""));
        // No heading line of its own at the level: the title starts the paragraph
        // (the parts' （二）关爱儿童 is the one level-2 heading on its own line).
        let own_lines = usize::from(body == parts);
        assert_eq!(
            texts["typ"].matches("#heading-two(fonts: fonts)").count(),
            own_lines,
            "{}",
            texts["typ"]
        );
        let first_hanzi: String = kai.chars().nth(1).unwrap().to_string();
        assert!(
            texts["typ"].contains(&format!(
                "#gl(h(31.586pt), text(font: fonts.kai, \"（\"), h(-0.207pt), text(font: fonts.kai, \"{first_hanzi}\")"
            )),
            "{}",
            texts["typ"]
        );
        let (runs, styles) = docx_runs(dir.path(), &rest[..6]);
        assert_eq!(runs[0], ("Kaiti".to_owned(), kai.to_owned()), "{runs:?}");
        assert!(
            runs[1..].iter().all(|(style, _)| style.is_empty()),
            "{runs:?}"
        );
        let kai_style = styles
            .split("<w:style ")
            .find(|s| s.contains("w:styleId=\"Kaiti\""))
            .expect("the 楷体 character style");
        assert!(kai_style.contains("w:type=\"character\""), "{kai_style}");
        assert!(
            kai_style.contains("w:eastAsia=\"楷体_GB2312\""),
            "{kai_style}"
        );
        // The face only: the size and the grid's tracking stay the paragraph's.
        assert!(
            !kai_style.contains("<w:sz ") && !kai_style.contains("<w:spacing"),
            "{kai_style}"
        );
        assert_read_in_every_format(dir.path(), &[&format!("{kai}{rest}")]);
    }
    // A document without such a title declares no 楷体 character style.
    let dir = ledger(&report(SECTIONS), LOG);
    let (_, styles) = docx_runs(dir.path(), "扎实开展");
    assert!(!styles.contains("Kaiti"), "{styles}");
}

/// Issue 25, 7: a “，” typed for the colon after a key is its own E019, at the comma,
/// with the fix, and `check --fix` repairs it.
#[test]
fn a_comma_typed_for_the_colon_gets_its_own_message_and_fix() {
    let log = LOG.replace(
        "  item: rights\n  text: 走访",
        "  item，rights\n  text: 走访",
    );
    let dir = ledger(&report(SECTIONS), &log);
    let found = placed(dir.path());
    assert_eq!(
        found[0],
        (
            "E019".to_owned(),
            "2023.yaml:6:7".to_owned(),
            String::new(),
            "键后面用了逗号“，”，YAML 的键后面是半角冒号加空格“: ”".to_owned()
        ),
        "{found:?}"
    );
    common::cli()
        .args(["check", "--fix"])
        .arg(dir.path())
        .assert()
        .success();
    let fixed = std::fs::read_to_string(dir.path().join("activities/2023.yaml")).unwrap();
    assert_eq!(fixed, LOG);
}

/// Issue 25, 4: the plans as a numbering block of their own — the summary's 一、二、,
/// a bridging paragraph, then the plans' own 一、二、 numbered from 一 again, with no
/// heading — in Markdown, the .docx and the PDF, in that order.
#[test]
fn a_second_numbering_block_starts_again_after_a_bridge_with_pdftotext() {
    if !common::require_tools(&[common::PDFTOTEXT]) {
        return;
    }
    let body = "sections:
  - id: study
    title: 党建引领
    items:
      - id: learn
        text: 开展学习。
  - id: work
    title: 产业发展
    items:
      - id: rights
        text: 新建大棚。
plans:
  heading: false
  opening: 2024年，我镇将重点抓好以下工作：
  numbering: 一、
  items:
    - 聚焦产业发展，推进乡村振兴。
    - 聚焦民生改善，办好民生实事。
";
    let dir = clean_ledger(&report(body), LOG);
    let expected = [
        "一、党建引领",
        "1.开展学习。",
        "二、产业发展",
        "1.新建大棚。开展普法宣传。走访困难家庭。",
        "2024年，我镇将重点抓好以下工作：",
        "一、聚焦产业发展，推进乡村振兴。",
        "二、聚焦民生改善，办好民生实事。",
    ];
    assert_eq!(blocks(dir.path())[1..], expected);
    assert_eq!(docx_paragraphs(dir.path())[1..], expected);
    for (format, text) in reader_texts(dir.path()) {
        // From the last item on (Markdown marks the headings before it with ##).
        assert!(text.contains(&expected[3..].concat()), "{format}: {text}");
        assert!(!text.contains("下一步工作计划"), "{format}");
    }
    // On the PDF's grid the plans are body paragraphs, their number in 仿宋.
    let (_out, texts) = build_formats(dir.path(), &[Format::Typ]);
    assert!(
        texts["typ"].contains(
            "#gl(h(31.586pt), \"一\", h(-0.207pt), \"、\", h(-0.207pt), \"聚焦产业发展\""
        ),
        "{}",
        texts["typ"]
    );
    // With parts the block follows the last part, again from 一.
    let parts = body.replace(
        "sections:\n",
        "parts:\n  - id: review\n    title: 2023年工作总结\nsections:\n",
    );
    let parts = parts.replace(
        "    title: 党建引领\n",
        "    title: 党建引领\n    part: review\n",
    );
    let parts = parts.replace(
        "    title: 产业发展\n",
        "    title: 产业发展\n    part: review\n",
    );
    let dir = ledger(&report(&parts), LOG);
    assert_eq!(
        blocks(dir.path())[1..],
        [
            "一、2023年工作总结",
            "（一）党建引领",
            "1.开展学习。",
            "（二）产业发展",
            "1.新建大棚。开展普法宣传。走访困难家庭。",
            "2024年，我镇将重点抓好以下工作：",
            "一、聚焦产业发展，推进乡村振兴。",
            "二、聚焦民生改善，办好民生实事。",
        ]
    );
    // The heading still prints by default, numbered after the sections.
    let headed = body.replace("  heading: false\n", "");
    let dir = ledger(&report(&headed), LOG);
    assert_eq!(
        blocks(dir.path())[5..7],
        ["三、下一步工作计划", "2024年，我镇将重点抓好以下工作："]
    );
}

/// Issue 25, 3: a figure written as the sentence says — in Chinese numerals (三户,
/// 两场) or as a vague amount (逾百场, 近30人, 10余件) — is composed from the total and
/// the words after the placeholder's `|`, in Markdown, the .docx and the PDF; an
/// unknown word is E048 at the placeholder, with the words allowed.
#[test]
fn figures_are_written_as_the_sentence_asks_with_pdftotext() {
    if !common::require_tools(&[common::PDFTOTEXT]) {
        return;
    }
    let body = "sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        summary: 走访困难家庭{{ teams | 中文 }}户，开展宣讲{{ visits | 中文 }}场，单场参加{{ peak | 近 }}人，接待来访{{ visits | 余 }}件，累计开展活动{{ peak | 逾 | 中文 }}场。
";
    let log = "- date: 2023-03-08
  item: rights
  figures: { visits: 1, teams: 3, peak: 30 }
- date: 2023-06-01
  item: rights
  figures: { visits: 1, teams: 3, peak: 100 }
";
    let dir = clean_ledger(&report(body), log);
    let sentence =
        "1.走访困难家庭三户，开展宣讲两场，单场参加近100人，接待来访2余件，累计开展活动逾百场。";
    assert_eq!(blocks(dir.path())[2], sentence);
    assert_eq!(docx_paragraphs(dir.path())[2], sentence);
    assert_read_in_every_format(dir.path(), &[sentence]);
    // A word that is no form is refused where it is written, naming the forms.
    let wrong = body.replace("{{ peak | 近 }}", "{{ peak | 大约 }}");
    let dir = ledger(&report(&wrong), log);
    let found = annual_report::check_dir(dir.path());
    let e048: Vec<_> = found
        .diagnostics
        .iter()
        .filter(|d| d.code == "E048")
        .collect();
    assert_eq!(e048.len(), 1, "{:?}", found.diagnostics);
    let d = e048[0];
    assert_eq!(
        d.message,
        "占位符 “{{ peak | 大约 }}” 中不认识的写法 “大约”"
    );
    assert_eq!(d.field.as_deref(), Some("sections[0].items[0].summary"));
    let at = d.location.as_ref().unwrap();
    assert_eq!((at.line, at.column), (14, 69), "{at:?}");
    assert_eq!(d.allowed, ["中文", "近", "逾", "超", "约", "余", "多"]);
    // Two qualifiers, and a form on a 同比, are refused too.
    let two = body.replace("{{ peak | 近 }}", "{{ peak | 近 | 余 }}");
    assert!(findings(ledger(&report(&two), log).path()).contains(&(
        Severity::Error,
        "E048".into(),
        "sections[0].items[0].summary".into()
    )));
}

/// Issue 25, 5: a before/after value — 从原来60㎡提升到320㎡ — from one `latest` figure:
/// `{{ key.baseline }}` is its earliest-dated value, `{{ key }}` the latest, in
/// Markdown, the .docx and the PDF; a later record moves only the latest.
#[test]
fn a_figure_prints_its_baseline_and_its_latest_value_with_pdftotext() {
    if !common::require_tools(&[common::PDFTOTEXT]) {
        return;
    }
    let report = "year: 2023
organization:
  name: 青山社区
date: 2024-01-10
figures:
  area: { label: 活动阵地面积, unit: ㎡, total: latest }
sections:
  - id: work
    title: 主要工作
    items:
      - id: venue
        summary: 社区活动阵地从原来{{ area.baseline }}㎡提升到{{ area }}㎡。
";
    let log = "- date: 2023-09-20
  item: venue
  text: 新建党群服务中心投入使用
  figures: { area: 320 }
- date: 2023-01-05
  item: venue
  figures: { area: 60 }
";
    let dir = clean_ledger(report, log);
    let paragraph = "1.新建党群服务中心投入使用。社区活动阵地从原来60㎡提升到320㎡。";
    assert_eq!(blocks(dir.path())[2], paragraph);
    assert_eq!(docx_paragraphs(dir.path())[2], paragraph);
    assert_read_in_every_format(dir.path(), &[paragraph]);
    let later = format!("{log}- date: 2023-12-01\n  item: venue\n  figures: {{ area: 350 }}\n");
    let dir = ledger(report, &later);
    assert!(blocks(dir.path())[2].ends_with("从原来60㎡提升到350㎡。"));
}

/// Issue 25, 7: a key indented off its siblings under `parts:` or in a `paragraph:`
/// part is an indentation error at its own line, naming the column it belongs in
/// (the parser alone names the item's first line, or speaks only of syntax).
#[test]
fn a_misindented_key_is_named_at_its_own_line() {
    let parts = "parts:
  - id: review
   title: 2023年工作总结
sections:
  - id: work
    part: review
    title: 主要工作
    items:
      - id: rights
        text: 开展普法宣传。
";
    let dir = ledger(&report(parts), LOG);
    assert_eq!(
        placed(dir.path()),
        [(
            "E018".to_owned(),
            "report.yaml:11:4".to_owned(),
            "title".to_owned(),
            "缩进不对：“title” 缩进了 3 格，应与同一项的 “id” 对齐（缩进 4 格）".to_owned()
        )]
    );
    let deeper = parts.replace("   title: 2023", "     title: 2023");
    let found = placed(ledger(&report(&deeper), LOG).path());
    assert_eq!(found[0].1, "report.yaml:11:6", "{found:?}");
    assert!(
        found[0].3.starts_with("缩进不对：“title” 缩进了 5 格"),
        "{found:?}"
    );
    let pieces = "sections:
  - id: work
    title: 主要工作
    items:
      - id: rights
        paragraph:
          - text: 扎实开展维权工作。
          - activities: all
           months: [3]
";
    let found = placed(ledger(&report(pieces), LOG).path());
    assert_eq!(
        found,
        [(
            "E018".to_owned(),
            "report.yaml:17:12".to_owned(),
            "months".to_owned(),
            "缩进不对：“months” 缩进了 11 格，应与同一项的 “activities” 对齐（缩进 12 格）"
                .to_owned()
        )]
    );
}
