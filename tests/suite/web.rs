//! The website outputs: the HTML page and the plain text agree with the Markdown,
//! keep the metadata in the ledger's order, and never turn ledger text into markup.

use crate::common;

use annual_report::Format;
use common::{build_formats, copy_dir, fixture, html_blocks, markdown_blocks};

const ALL: &[Format] = &[Format::Md, Format::Html, Format::Txt];

/// The non-empty lines of the plain text, minus the metadata lines.
fn text_blocks(txt: &str, metadata_lines: usize) -> Vec<String> {
    let lines: Vec<&str> = txt.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = vec![lines[0].to_owned()];
    out.extend(lines[1 + metadata_lines..].iter().map(|l| l.to_string()));
    out
}

#[test]
fn markdown_html_and_text_have_the_same_paragraphs() {
    for (name, fields) in [("chapanzhou-2023", 6), ("qingshan-2024-tuanwei", 5)] {
        let (_out, files) = build_formats(&fixture(name), ALL);
        let mut md = markdown_blocks(&files["md"]);
        md.remove(1); // the metadata paragraph: a table on the page, lines in the text
        let html = html_blocks(&files["html"]);
        let txt = text_blocks(&files["txt"], fields);
        let squash = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.split_whitespace().collect::<String>())
                .collect()
        };
        // The text file prints the signature on two lines, the others on one.
        let txt_joined = squash(&txt).concat();
        assert_eq!(squash(&md), squash(&html), "{name}: md vs html");
        assert_eq!(squash(&md).concat(), txt_joined, "{name}: md vs txt");
        assert!(md.len() > 10);
    }
}

#[test]
fn metadata_keeps_the_ledger_order_and_values() {
    let (_out, files) = build_formats(&fixture("chapanzhou-2023"), ALL);
    let html = &files["html"];
    let names: Vec<&str> = html
        .split("<dt>")
        .skip(1)
        .map(|s| &s[..s.find("</dt>").unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "索引号",
            "发布机构",
            "发文日期",
            "信息类别",
            "公开范围",
            "公开方式"
        ]
    );
    assert!(html.contains("<dt>索引号</dt><dd>4309810018/2024-1890996</dd>"));
    assert!(html.contains("<dt>发文日期</dt><dd>2024-01-22</dd>"));
    let txt = &files["txt"];
    assert!(txt.contains("\n索 引 号：4309810018/2024-1890996\n发布机构：沅江市茶盘洲镇\n"));
    let md = &files["md"];
    assert!(md.contains("索引号：4309810018/2024-1890996\\\n发布机构：沅江市茶盘洲镇\\\n"));

    // Another site, another order: the qingshan ledger's five fields.
    let (_out, files) = build_formats(&fixture("qingshan-2024-tuanwei"), ALL);
    let order: Vec<usize> = ["索引号", "主题分类", "发布机构", "成文日期", "公开对象"]
        .iter()
        .map(|n| files["html"].find(&format!("<dt>{n}</dt>")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn page_is_standalone_html5_in_chinese() {
    let (_out, files) = build_formats(&fixture("qingshan-2024-tuanwei"), ALL);
    let html = &files["html"];
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    for external in ["<link", "<script", " src=", "@import", "url("] {
        assert!(!html.contains(external), "external resource {external}");
    }
    assert!(html.contains("<svg"), "QR code for the page address");
    assert!(html.contains("扫一扫在手机打开当前页"));
    // No address, no QR code.
    let (_out, files) = build_formats(&fixture("chapanzhou-2023"), ALL);
    assert!(!files["html"].contains("<svg"));
}

#[test]
fn cjk_emphasis_is_bold_on_the_page() {
    let (_out, files) = build_formats(&fixture("qingshan-2024-tuanwei"), ALL);
    assert!(
        files["html"].contains("<strong>重点工作：</strong>推动各社区团组织"),
        "{}",
        files["html"]
    );
    assert!(files["txt"].contains("\n重点工作：推动各社区团组织"));
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "![图](http://x/y.png)",
    "<div onclick=\"x()\">块</div>",
    "# 不是标题",
    "- 不是列表",
    "1. 不是编号",
    "> 不是引用",
    "`代码` *斜* _下_ ~~删~~ | 表 |",
    "&amp; &lt; \\*",
    "<https://autolink.example>",
];

#[test]
fn ledger_text_is_never_markup() {
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("ledger");
    copy_dir(&fixture("qingshan-2024-tuanwei"), &ledger);
    // Every hostile string as a plan (a paragraph of its own) and, except the list
    // lines that activity text deliberately turns into 一是/二是, as an activity.
    let mut log = String::new();
    let mut plans = String::from("plans:\n  items:\n");
    for text in HOSTILE {
        plans.push_str(&format!("    - {}\n", serde_json::to_string(text).unwrap()));
    }
    let in_prose = HOSTILE
        .iter()
        .filter(|t| !t.starts_with("- ") && !t.starts_with("1. "));
    for (i, text) in in_prose.enumerate() {
        let quoted = serde_json::to_string(text).unwrap();
        log.push_str(&format!(
            "- date: 2024-10-{:02}\n  item: anti-fraud\n  text: {quoted}\n",
            i + 1
        ));
    }
    std::fs::write(ledger.join("activities/hostile.yaml"), log).unwrap();
    let report = std::fs::read_to_string(ledger.join("report.yaml"))
        .unwrap()
        .replace(
            "title: 青山街道团工委2024年工作总结",
            "title: \"<b>标题</b>[x](y)\"",
        )
        .replace("公开对象: 面向社会", "公开对象: \"<script>z()</script>\"");
    let report = format!(
        "{}{plans}{}",
        &report[..report.find("plans:").unwrap()],
        &report[report.find("closing:").unwrap()..]
    );
    std::fs::write(ledger.join("report.yaml"), report).unwrap();

    let (_out, files) = build_formats(&ledger, ALL);
    let html = &files["html"];
    for tag in [
        "<script",
        "<img",
        "<a ",
        "<div",
        "<b>",
        "<em>",
        "<code>",
        "<del>",
        "<blockquote",
        "<li",
        "<h1>不是",
    ] {
        assert!(!html.contains(tag), "{tag} became markup:\n{html}");
    }
    let page_text = html_blocks(html).concat();
    let md_text = markdown_blocks(&files["md"]).concat();
    for text in HOSTILE {
        assert!(page_text.contains(text), "page lost {text:?}");
        assert!(md_text.contains(text), "markdown lost {text:?}");
        assert!(files["txt"].contains(text), "text lost {text:?}");
    }
    assert!(
        html.contains("<dd>&lt;script&gt;z()&lt;&#x2F;script&gt;</dd>")
            || html.contains("<dd>&lt;script&gt;z()&lt;/script&gt;</dd>")
    );
}
