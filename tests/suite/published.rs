//! Fixtures rebuilt from real published summaries of other shapes than chapanzhou's
//! (issue 12, item 2): each ledger builds to its published text paragraph for
//! paragraph, its figures are sums (or the largest or latest value) of dated
//! activities, and `check` reports exactly the findings the published text causes.
//!
//! The published texts sit in `fixtures/reference/<name>.txt`, verbatim as the
//! archived page holds them, under one `#` line naming the address, organization and
//! year. No archived page holds its headline, so each comparison starts after our
//! title; a page may have the website's own lines above the text (a breadcrumb) or
//! below it (editor, comment box), which are not part of the summary and are skipped.

use crate::common;

use annual_report::diag::Severity;
use annual_report::{BuildOptions, Format};
use common::{copy_dir, fixture, fold, markdown_blocks, root};
use std::path::Path;

/// A published text: where it is kept and where the website's own lines start.
struct Published {
    /// Fixture directory and reference file name.
    name: &'static str,
    /// The title our document carries (the archived page has none to compare with).
    title: &'static str,
    /// The start of a line above the text that belongs to the website (its
    /// breadcrumb), if the archived page has one.
    site_line_above: Option<&'static str>,
    /// The start of the first line below the text that belongs to the website (editor,
    /// comment box), if the archived page has such lines.
    site_lines_from: Option<&'static str>,
    /// The archive holds only the beginning of the text and breaks off inside its last
    /// paragraph: that paragraph is compared as the beginning of ours, and our
    /// paragraphs after it (the ledger's completion) are not compared.
    cut_off: bool,
}

const JIANCHI: Published = Published {
    name: "jianchi-2022-canlian",
    title: "2022年涧池镇残联工作总结",
    site_line_above: None,
    site_lines_from: Some("编辑:"),
    cut_off: false,
};

const GONGMING: Published = Published {
    name: "gongming-2021-tuanwei",
    title: "2021年公明社区团委工作总结",
    site_line_above: None,
    site_lines_from: Some("实习编辑"),
    cut_off: false,
};

const ZHONGLAN: Published = Published {
    name: "zhonglan-2022-fulian",
    title: "2022年钟楼区钟蓝救援队妇联工作总结",
    site_line_above: Some("您当前的位置"),
    // The page ends with the text (its last paragraph carries the author's name).
    site_lines_from: None,
    cut_off: false,
};

/// A full-length 年度工作总结 (一、 sections, 一是 paragraphs each with its own figures),
/// of which the archive holds the first 2,300 bytes.
const ZHOUJI: Published = Published {
    name: "zhouji-2023-fulian",
    title: "2023年周矶街道妇联工作总结",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// A town's summary-and-plan document (issue 25, 2): under its 一、 part the （一）
/// heading runs into its paragraph, then 一是/二是/三是 with their figures; the archive
/// breaks off inside that paragraph.
const XUSHUIHE: Published = Published {
    name: "xushuihe-2023-zhen",
    title: "镇2023年工作总结和2024年工作谋划",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// A village committee's summary-and-plan document (issue 25, 2 and 4): 一、产业发展：
/// runs into its paragraph, 1、美丽乡村建设规划： runs into its own, and after a
/// bridging paragraph the plans start their own 一、二、 with no heading; the archive
/// breaks off inside the first plan.
const NIUCHEWAN: Published = Published {
    name: "niuchewan-2021-cunweihui",
    title: "牛车湾村2021年工作总结及2022年工作计划",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// A community party committee's summary (issue 25, 3): a part 一、主要工作, its
/// （一）（二） sections, 一是/二是/三是 in one paragraph each, and "逾百场" composed from
/// a total of 100 written in Chinese numerals with its qualifier; the archive breaks
/// off inside the last paragraph.
const FUMIN: Published = Published {
    name: "fumin-2024-shequ",
    title: "福民社区2024年工作总结",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// A community 妇联's summary (issue 25, 1): its 一是 paragraph mixes a lead, two
/// services, the festival activities, a sentence with the total (累计近5000人次) and two
/// more activities, written part by part; the archive ran the headline into the first
/// paragraph (split in the reference file) and breaks off inside 二是.
const HAIWEI: Published = Published {
    name: "haiwei-2019-fulian",
    title: "2019年妇女儿童工作总结",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// A town trade union's summary (issue 25, 5): 在去年45家的基础上，今年又增加5家，累计
/// 签订工资集体协议50家 — one figure's year-start value (its baseline), the year's new
/// signings, and its latest value; the archive breaks off inside the second section.
const ZHEN_GONGHUI: Published = Published {
    name: "zhen-gonghui",
    title: "镇工会工作总结",
    site_line_above: None,
    site_lines_from: None,
    cut_off: true,
};

/// The source line and the paragraphs of the published text.
fn published(text: &Published) -> (String, Vec<String>) {
    let path = root().join(format!("fixtures/reference/{}.txt", text.name));
    let content = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reference file {} is needed: {e}", path.display()));
    let mut lines = content.lines().map(str::trim);
    let source = lines.next().unwrap_or_default().to_owned();
    let paragraphs = lines
        .skip_while(|l| {
            text.site_line_above
                .is_some_and(|above| l.starts_with(above))
        })
        .take_while(|l| !text.site_lines_from.is_some_and(|from| l.starts_with(from)))
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    (source, paragraphs)
}

/// The Markdown blocks of a ledger built into `out`.
fn build_blocks(dir: &Path, out: &Path, title: &str) -> Vec<String> {
    let options = BuildOptions::new(out.to_path_buf(), &[Format::Md]);
    annual_report::build(dir, &options).expect("fixture builds");
    let markdown = std::fs::read_to_string(out.join(format!("{title}.md"))).unwrap();
    markdown_blocks(&markdown)
}

/// The Markdown blocks of a ledger that is to print `text`, built into a folder of
/// their own.
fn blocks_of(dir: &Path, text: &Published) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    build_blocks(dir, out.path(), text.title)
}

/// Builds the fixture and compares it with the published text paragraph for
/// paragraph. Our first block is the title: checked against the expected title, and
/// against the archive's first line where the archive holds the headline (most hold
/// none). White space (the published page has
/// stray spaces such as `10000 元`) and the width of `, : ; ( )` are folded.
fn assert_reproduces(text: &Published) -> usize {
    let (source, theirs) = published(text);
    assert!(
        source.starts_with("# 来源：http"),
        "the reference file names its address first: {source}"
    );
    let out = tempfile::tempdir().unwrap();
    let ours = build_blocks(&fixture(text.name), out.path(), text.title);
    assert_eq!(ours[0], text.title, "title");
    let mut ours: Vec<String> = ours[1..].iter().map(|b| fold(b)).collect();
    let mut theirs: Vec<String> = theirs.iter().map(|p| fold(p)).collect();
    if theirs.first() == Some(&fold(text.title)) {
        theirs.remove(0);
    }
    if text.cut_off {
        let cut = theirs.pop().expect("the archive holds a paragraph");
        assert!(ours.len() > theirs.len(), "paragraph count");
        let last = &ours[theirs.len()];
        assert!(
            last.starts_with(&cut) && last.len() > cut.len(),
            "the paragraph the archive breaks off in:\n{last}\nstarts with\n{cut}"
        );
        ours.truncate(theirs.len());
    }
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "paragraph {i} after the title differs");
    }
    assert_eq!(ours.len(), theirs.len(), "paragraph count");
    theirs.len() + usize::from(text.cut_off)
}

/// The codes of everything `check` reports, with their severity.
fn findings(dir: &Path) -> Vec<(Severity, &'static str)> {
    annual_report::check_dir(dir)
        .diagnostics
        .iter()
        .map(|d| (d.severity, d.code))
        .collect()
}

/// A copy of a fixture with one activity file edited.
fn edited(name: &str, file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), work.path());
    let path = work.path().join("activities").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen(from, to, 1);
    assert_ne!(text, changed, "{file} holds {from}");
    std::fs::write(&path, changed).unwrap();
    work
}

#[test]
fn jianchi_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Opening, the committee paragraph, the figures paragraph, closing; no headings.
    assert_eq!(assert_reproduces(&JIANCHI), 4);
}

#[test]
fn jianchi_check_reports_only_the_repetition_the_published_text_has() {
    // The published text says 安排部署了2023年残疾人工作 in its first two paragraphs.
    assert_eq!(
        findings(&fixture(JIANCHI.name)),
        [(Severity::Warning, "W104")]
    );
}

#[test]
fn jianchi_figures_are_totals_of_the_dated_entries() {
    let blocks = blocks_of(&fixture(JIANCHI.name), &JIANCHI);
    // Four quarterly payments of 279965 元; 3 + 1 students; 18 is the largest monthly
    // count of home visits (16 in January and February), not their sum.
    assert!(
        blocks[3].contains("发放残疾人两项补贴1119860元"),
        "{}",
        blocks[3]
    );
    assert!(blocks[3].contains("资助困难残疾人家庭大学生4名，资助资金20000元"));
    assert!(blocks[3].ends_with("残疾儿童上门康复服务每月18人次。"));

    // A fourth-quarter payment one yuan higher changes the year's sum.
    let work = edited(
        JIANCHI.name,
        "2022-q4.yaml",
        "subsidies: 279965",
        "subsidies: 279966",
    );
    let blocks = blocks_of(work.path(), &JIANCHI);
    assert!(
        blocks[3].contains("发放残疾人两项补贴1119861元"),
        "{}",
        blocks[3]
    );

    // The number of committee members is the latest count, not a sum (33 + 34).
    let work = edited(JIANCHI.name, "2022-q3.yaml", "members: 34", "members: 35");
    let blocks = blocks_of(work.path(), &JIANCHI);
    assert!(
        blocks[2].contains("肯定了全镇35名专职委员"),
        "{}",
        blocks[2]
    );

    // A month with 20 home visits raises the monthly figure to 20.
    let work = edited(
        JIANCHI.name,
        "2022-q2.yaml",
        "home_rehab: 18",
        "home_rehab: 20",
    );
    let blocks = blocks_of(work.path(), &JIANCHI);
    assert!(blocks[3].ends_with("每月20人次。"), "{}", blocks[3]);
}

#[test]
fn gongming_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Two opening paragraphs, the body paragraph, closing; no headings.
    assert_eq!(assert_reproduces(&GONGMING), 4);
}

#[test]
fn gongming_check_is_clean() {
    assert_eq!(findings(&fixture(GONGMING.name)), []);
}

#[test]
fn gongming_lists_the_named_activities_and_sums_the_monthly_patrols() {
    let blocks = blocks_of(&fixture(GONGMING.name), &GONGMING);
    assert!(blocks[3].contains(
        "积极开展“走进东宝中学传承红色基因，聚合‘青春动能’”活动、环境整治共同创建美好城市家园活动、\
         茅洲河畔学党史等丰富多彩的团建活动。"
    ));
    let work = edited(GONGMING.name, "2021-h2.yaml", "patrol: 95", "patrol: 96");
    let blocks = blocks_of(work.path(), &GONGMING);
    assert!(
        blocks[3].contains("全年共有1001余人次参与“义警”活动"),
        "{}",
        blocks[3]
    );
}

#[test]
fn zhonglan_rebuilds_the_published_text_paragraph_for_paragraph() {
    // Two opening paragraphs, the figures paragraph, closing; no headings.
    assert_eq!(assert_reproduces(&ZHONGLAN), 4);
}

#[test]
fn zhonglan_check_is_clean() {
    assert_eq!(findings(&fixture(ZHONGLAN.name)), []);
}

#[test]
fn zhonglan_figures_follow_the_monthly_entries() {
    let blocks = blocks_of(&fixture(ZHONGLAN.name), &ZHONGLAN);
    // The lead ends with its colon and the figure sentence follows in the same paragraph.
    assert!(
        blocks[3].contains("发挥“巾帼力量”：近半年协助社会核酸采样人员近23000人次，"),
        "{}",
        blocks[3]
    );
    let work = edited(
        ZHONGLAN.name,
        "2022-09.yaml",
        "{ tours: 12, trainings: 6 }",
        "{ tours: 13, trainings: 7 }",
    );
    let blocks = blocks_of(work.path(), &ZHONGLAN);
    assert!(
        blocks[3].contains("各企业公司参观51场，帮助企业、社区及学校各类技能培训21场，"),
        "{}",
        blocks[3]
    );
}

#[test]
fn zhouji_rebuilds_every_paragraph_the_archive_holds() {
    // Opening, 一、 heading, 一是/二是/三是, 二、 heading, 一是, and the 二是 the archive
    // breaks off in.
    assert_eq!(assert_reproduces(&ZHOUJI), 8);
}

#[test]
fn zhouji_check_reports_the_doubled_word_the_published_text_has() {
    // The published opening says 周矶街道街道妇联.
    assert_eq!(
        findings(&fixture(ZHOUJI.name)),
        [(Severity::Warning, "W103")]
    );
}

#[test]
fn zhouji_paragraphs_carry_their_own_figures_from_the_entries() {
    let blocks = blocks_of(&fixture(ZHOUJI.name), &ZHOUJI);
    // A list sentence carries its figures: the study sessions are summed (4 + 3 + 3),
    // the volunteer teams are the latest count (21 in March, 23 in October), the
    // donations a one-decimal sum (1.5 + 0.8 万元).
    assert!(
        blocks[3].contains("主题学习等学习活动10余次，"),
        "{}",
        blocks[3]
    );
    assert!(
        blocks[8].contains("组织辖区23支巾帼志愿服务队开展“清洁家园共创文明”志愿服务、"),
        "{}",
        blocks[8]
    );
    assert!(blocks[8].ends_with("募集善款2.3万元。"), "{}", blocks[8]);

    let work = edited(ZHOUJI.name, "2023-h2.yaml", "study: 3 }", "study: 4 }");
    let blocks = blocks_of(work.path(), &ZHOUJI);
    assert!(blocks[3].contains("等学习活动11余次，"), "{}", blocks[3]);

    let work = edited(
        ZHOUJI.name,
        "2023-h2.yaml",
        "donations: 0.8",
        "donations: 0.75",
    );
    let report = annual_report::check_dir(work.path());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"E036"), "{codes:?}");
}

#[test]
fn xushuihe_rebuilds_the_run_in_level_two_paragraph_the_archive_holds() {
    // Opening, the 一、 part, and the （一） paragraph the archive breaks off in.
    assert_eq!(assert_reproduces(&XUSHUIHE), 3);
    assert_eq!(findings(&fixture(XUSHUIHE.name)), []);
}

#[test]
fn xushuihe_figures_follow_the_entries() {
    let work = edited(XUSHUIHE.name, "2023.yaml", "revenue: 600", "revenue: 612");
    let blocks = blocks_of(work.path(), &XUSHUIHE);
    assert!(blocks[3].ends_with("创收612余万元。"), "{}", blocks[3]);
    assert!(
        blocks[3].starts_with("（一）聚力加快转型升级，产业发展更加兴旺。一是始终扛牢"),
        "{}",
        blocks[3]
    );
}

#[test]
fn niuchewan_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Opening, 一、 run in, 二、 heading, two 1、 run-in items, the bridge, and the
    // first plan the archive breaks off in.
    assert_eq!(assert_reproduces(&NIUCHEWAN), 7);
}

#[test]
fn niuchewan_check_reports_only_the_quote_the_published_text_left_open() {
    // 实行公司+合作社+农户”的产业发展模式: the published text has no opening “.
    assert_eq!(
        findings(&fixture(NIUCHEWAN.name)),
        [(Severity::Warning, "W101")]
    );
}

#[test]
fn niuchewan_vague_amounts_follow_the_recorded_figures() {
    let blocks = blocks_of(&fixture(NIUCHEWAN.name), &NIUCHEWAN);
    assert!(blocks[2].starts_with("一、产业发展：湖北金悦公司占地200余亩，"));
    assert!(
        blocks[2].contains("生猪养殖年出栏2000多头。"),
        "{}",
        blocks[2]
    );
    assert_eq!(
        blocks[7],
        "一、环境整治：巩固示范点建设成果，把湾间环境整治推广到其他各组，做到不乱搭乱建、不乱堆乱放。"
    );
    // A second record of pigs sold adds to the year's figure, still written 多.
    let work = edited(
        NIUCHEWAN.name,
        "2021.yaml",
        "  figures: { pigs: 2000 }\n",
        "  figures: { pigs: 2000 }\n- date: 2021-12-28\n  item: industry-base\n  figures: { pigs: 150 }\n",
    );
    let blocks = blocks_of(work.path(), &NIUCHEWAN);
    assert!(
        blocks[2].contains("生猪养殖年出栏2150多头。"),
        "{}",
        blocks[2]
    );
}

#[test]
fn fumin_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Opening, the part, two sections each with one paragraph of 一是…
    assert_eq!(assert_reproduces(&FUMIN), 6);
}

#[test]
fn fumin_check_is_clean() {
    assert_eq!(findings(&fixture(FUMIN.name)), []);
}

#[test]
fn fumin_vague_amounts_in_words_follow_the_half_years() {
    let blocks = blocks_of(&fixture(FUMIN.name), &FUMIN);
    // 48 + 52 activities and 2,400 + 2,600 people over the two half years.
    assert!(
        blocks[6].contains("常态化服务活动逾百场，受众超5000人次，"),
        "{}",
        blocks[6]
    );
    let work = edited(
        FUMIN.name,
        "2024.yaml",
        "events: 52, audience: 2600",
        "events: 62, audience: 2700",
    );
    let blocks = blocks_of(work.path(), &FUMIN);
    assert!(
        blocks[6].contains("常态化服务活动逾一百一十场，受众超5100人次，"),
        "{}",
        blocks[6]
    );
}

#[test]
fn haiwei_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Opening, 一是 (written part by part), 二是.
    assert_eq!(assert_reproduces(&HAIWEI), 3);
}

#[test]
fn haiwei_check_reports_what_the_published_text_repeats() {
    // 、 between quoted festival names, written twice; the 文化楼 sentence, twice.
    assert_eq!(
        findings(&fixture(HAIWEI.name)),
        [
            (Severity::Warning, "W104"),
            (Severity::Warning, "W114"),
            (Severity::Warning, "W114")
        ]
    );
}

#[test]
fn zhen_gonghui_rebuilds_the_published_summary_paragraph_for_paragraph() {
    // Opening, 一、 heading, its paragraph of 一是…三是, 二、 heading, the paragraph
    // the archive breaks off in.
    assert_eq!(assert_reproduces(&ZHEN_GONGHUI), 5);
}

#[test]
fn zhen_gonghui_check_reports_only_the_comma_between_quoted_names() {
    assert_eq!(
        findings(&fixture(ZHEN_GONGHUI.name)),
        [(Severity::Warning, "W114")]
    );
}

#[test]
fn zhen_gonghui_before_and_after_come_from_the_first_and_latest_records() {
    let sentence = |dir: &Path| {
        let blocks = blocks_of(dir, &ZHEN_GONGHUI);
        let start = blocks[3].find("在去年").expect("the wage sentence");
        blocks[3][start..]
            .split('，')
            .take(3)
            .collect::<Vec<_>>()
            .join("，")
    };
    assert_eq!(
        sentence(&fixture(ZHEN_GONGHUI.name)),
        "在去年45家的基础上，今年又增加5家，累计签订工资集体协议50家"
    );
    // A count at the year's end moves only the latest value.
    let work = edited(
        ZHEN_GONGHUI.name,
        "2023.yaml",
        "figures: { wage_agreements: 50 }",
        "figures: { wage_agreements: 51 }",
    );
    assert_eq!(
        sentence(work.path()),
        "在去年45家的基础上，今年又增加5家，累计签订工资集体协议51家"
    );
    // The year-start count is the baseline; the new signings are summed.
    let work = edited(
        ZHEN_GONGHUI.name,
        "2023.yaml",
        "figures: { wage_agreements: 45 }",
        "figures: { wage_agreements: 44 }",
    );
    assert_eq!(
        sentence(work.path()),
        "在去年44家的基础上，今年又增加5家，累计签订工资集体协议50家"
    );
}
