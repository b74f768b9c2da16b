//! The ledger as written in YAML: `report.yaml` and the activity logs. Every value a
//! message may need to point at is a [`Spanned`] so it keeps its line and column.
//!
//! Unknown fields are refused everywhere: a misspelt field is an error, not a silently
//! ignored line of the ledger.

use crate::numbering::NumberStyle;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
pub use serde_saphyr::Spanned;
use std::fmt;

/// `report.yaml`: what the document is and how it is organised.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// The year the summary reports on.
    #[schemars(with = "i64", description = "报告年度，四位数，例如 2023")]
    pub year: Spanned<i64>,
    /// Who reports.
    #[schemars(description = "报告单位")]
    pub organization: Organization,
    /// The document title; default `{year}年{organization.name}工作总结`.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "文件标题；省略时为“{年度}年{单位名称}工作总结”"
    )]
    pub title: Option<Spanned<String>>,
    /// The date of the document, `YYYY-MM-DD`.
    #[schemars(with = "String", description = "成文日期，YYYY-MM-DD")]
    pub date: Spanned<String>,
    /// Address of the published page, for the QR code on the website version.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "网站上本文的网址；填写后网页末尾附二维码"
    )]
    pub url: Option<Spanned<String>>,
    /// Website metadata, in the site's order: field name → value; a value may be left
    /// blank (`发文字号:`), as real headers leave a field empty.
    #[serde(default)]
    #[schemars(
        with = "std::collections::BTreeMap<String, String>",
        description = "网站信息公开元数据，按网站的字段名和顺序书写，如 索引号、发布机构、发文日期；值可以留空"
    )]
    pub publication: OrderedMap<Spanned<Option<String>>>,
    /// Declared figures: key → label and unit.
    #[serde(default)]
    #[schemars(
        with = "std::collections::BTreeMap<String, FigureDecl>",
        description = "数字项声明：键 → 名称与单位；活动台账只能使用这里声明的键"
    )]
    pub figures: OrderedMap<FigureDecl>,
    /// Numbering styles.
    #[serde(default)]
    #[schemars(description = "编号样式")]
    pub numbering: NumberingSpec,
    /// The opening paragraph(s); blank lines separate paragraphs. Optional: some
    /// summaries begin with their first section.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "开头段落（空行分段）；可省略，正文直接从第一节开始"
    )]
    pub opening: Option<Spanned<String>>,
    /// Top-level parts of a summary-and-plan document (一、2022年工作总结 /
    /// 二、2023年工作计划); with them, sections become the second level （一） and name
    /// their part.
    #[serde(default)]
    #[schemars(
        description = "一级标题“部分”（总结加计划的文件：一、2022年工作总结 二、2023年工作计划）；写了 parts 时，各节成为二级标题（一），每节用 part 指明所属部分，条目为三级 1."
    )]
    pub parts: Vec<PartSpec>,
    /// The sections in the order the document gives them.
    #[schemars(description = "正文各节，按文中顺序")]
    pub sections: Vec<SectionSpec>,
    /// Next year's plans, numbered after the last section.
    #[serde(default)]
    #[schemars(description = "下一步工作计划，编号接在最后一节之后")]
    pub plans: Option<PlansSpec>,
    /// The closing paragraph(s); optional, the text may end with its last section.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "结束语（空行分段）；可省略，正文在最后一节结束"
    )]
    pub closing: Option<Spanned<String>>,
    /// Issuer name and date under the text (GB/T 9704 7.3.5), when wanted.
    #[serde(default)]
    #[schemars(description = "正文下方的发文机关署名和成文日期（GB/T 9704 7.3.5）")]
    pub signature: Option<SignatureSpec>,
    /// Member ledgers whose figures this report rolls up into a table.
    #[serde(default)]
    #[schemars(description = "汇总下级单位：各成员台账的数字汇总成表（县级汇总报告用）")]
    pub rollup: Option<RollupSpec>,
    /// Last year's ledger, for 同比 changes.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "上年台账目录（相对本目录），用于计算同比"
    )]
    pub previous: Option<Spanned<String>>,
    /// The 附注 line under the date, e.g. `（此件公开发布）`.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "附注，例如“（此件公开发布）”")]
    pub note: Option<Spanned<String>>,
}

/// The reporting organization.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "报告单位")]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Full name as in the title: 茶盘洲镇妇联.
    #[schemars(with = "String", description = "单位全称，用于标题，例如 茶盘洲镇妇联")]
    pub name: Spanned<String>,
    /// Short name used inside sentences: 镇妇联.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "句中使用的简称，例如 镇妇联")]
    pub short_name: Option<Spanned<String>>,
}

/// A figure that activities may count.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[schemars(description = "数字项：活动中可以记下的数字，如接待来访件数")]
#[serde(deny_unknown_fields)]
pub struct FigureDecl {
    /// What is counted: 来访.
    #[schemars(with = "String", description = "数字项名称，例如 接待来访")]
    pub label: Spanned<String>,
    /// The unit: 件.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "单位，例如 件、人次")]
    pub unit: Option<Spanned<String>>,
    /// How activities' values make the total: summed (default), the largest, or the
    /// latest (a standing count such as the number of volunteer teams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "Option<TotalRule>",
        description = "合计方式：sum 求和（默认）；max 取最大值；latest 取日期最晚的一次（如服务队支数、执委人数这类现有数）"
    )]
    pub total: Option<Spanned<TotalRule>>,
    /// Decimal places a value may have (money in 万元: 8.5); default 0, whole numbers.
    /// Totals print with exactly these places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "Option<u8>",
        range(max = 4),
        description = "小数位数（0–4）：如 1 表示可记 8.5 这样的数（救助金8.5万元），合计按小数精确相加，文中和统计表都保留这么多位；省略为 0，只能记整数"
    )]
    pub decimals: Option<Spanned<u8>>,
}

/// How a figure's values add up over activities, items, months and the year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "合计方式")]
pub enum TotalRule {
    /// The sum of every value: events, people served.
    #[default]
    #[schemars(description = "求和（默认）")]
    Sum,
    /// The largest value written.
    #[schemars(description = "取最大值")]
    Max,
    /// The value of the latest-dated activity (log order breaks ties).
    #[schemars(description = "取日期最晚的一次")]
    Latest,
}

/// A top-level part of the document, above the sections.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "部分：一级标题，下面是各节（二级标题）")]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// Identifier that sections name in their `part` field.
    #[schemars(with = "String", description = "部分标识，节的 part 填这个值")]
    pub id: Spanned<String>,
    /// The heading text after its number: 2022年工作总结.
    #[schemars(
        with = "String",
        description = "部分标题（不含序号），例如 2022年工作总结"
    )]
    pub title: Spanned<String>,
}

/// Numbering styles for the levels of the document.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "各级编号样式")]
#[serde(deny_unknown_fields)]
pub struct NumberingSpec {
    /// Sections: default `一、`, or `（一）` under parts.
    #[serde(default = "default_section_style")]
    #[schemars(
        with = "NumberStyle",
        description = "节的编号：一、 （一） 1. 1、 （1） 一是 无；默认 一、，写了 parts 时默认（一）"
    )]
    pub sections: Spanned<NumberStyle>,
    /// Parts, when the document has them: default `一、`.
    #[serde(default = "default_part_style")]
    #[schemars(
        with = "NumberStyle",
        description = "部分（一级标题）的编号，默认 一、"
    )]
    pub parts: Spanned<NumberStyle>,
    /// Items inside a section: default `1.`.
    #[serde(default = "default_item_style")]
    #[schemars(
        with = "NumberStyle",
        description = "条目的编号：一、 （一） 1. 1、 （1） 一是 无"
    )]
    pub items: Spanned<NumberStyle>,
}

impl Default for NumberingSpec {
    fn default() -> Self {
        Self {
            parts: default_part_style(),
            sections: default_section_style(),
            items: default_item_style(),
        }
    }
}

fn unlocated<T>(value: T) -> Spanned<T> {
    let nowhere = serde_saphyr::Location::UNKNOWN;
    Spanned::new(value, nowhere, nowhere)
}

fn default_part_style() -> Spanned<NumberStyle> {
    unlocated(NumberStyle::ChineseComma)
}

/// Whether a value was written in the ledger rather than taken by default.
pub fn is_written<T>(value: &Spanned<T>) -> bool {
    value.referenced != serde_saphyr::Location::UNKNOWN
}

fn default_section_style() -> Spanned<NumberStyle> {
    unlocated(NumberStyle::ChineseComma)
}

fn default_item_style() -> Spanned<NumberStyle> {
    unlocated(NumberStyle::ArabicDot)
}

/// One numbered part of the document (一、…).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// Identifier activities do not use directly but messages and templates do.
    #[schemars(
        with = "String",
        description = "节的编号标识（小写英文、数字、连字符）"
    )]
    pub id: Spanned<String>,
    /// The heading text after its number; also what messages call the section.
    #[schemars(with = "String", description = "节标题（不含序号）")]
    pub title: Spanned<String>,
    /// The part (of `parts`) the section belongs to; required when there are parts.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "所属部分（report.yaml 中 parts 的 id）；写了 parts 时每节必填，同一部分的节要连在一起"
    )]
    pub part: Option<Spanned<String>>,
    /// Print the heading (default yes). A summary whose body is a run of numbered
    /// paragraphs has sections without a printed heading; they take no number.
    #[serde(default = "yes")]
    #[schemars(
        description = "是否印出节标题（默认是）；为 false 时本节只有编号段落，不印标题、不占节序号"
    )]
    pub heading: bool,
    /// Run the heading into the section's first paragraph (一、产业发展：今年……), in
    /// the heading's face (黑体, or 楷体 for a （一） section under a part); the items
    /// of such a section are not numbered.
    #[serde(default)]
    #[schemars(
        description = "为 true 时节标题接排在本节第一段开头（如“一、产业发展：今年……”），标题部分用黑体；分部分的文件中节是（一）级，标题部分用楷体（“（一）聚力转型升级。今年……”）；本节条目不编号"
    )]
    pub run_in: bool,
    /// Item numbering for this section only.
    #[serde(default)]
    #[schemars(
        with = "Option<NumberStyle>",
        description = "本节条目的编号样式，覆盖全局设置"
    )]
    pub numbering: Option<Spanned<NumberStyle>>,
    /// The items in order.
    #[schemars(description = "本节的条目，按文中顺序")]
    pub items: Vec<ItemSpec>,
}

/// One numbered paragraph (or sub-heading with its text) of a section.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "条目：节中的一段（或一个小标题及其正文）")]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// Identifier that activities name in their `item` field.
    #[schemars(with = "String", description = "条目标识，活动台账的 item 填这个值")]
    pub id: Spanned<String>,
    /// Sub-heading text, used when items are numbered （一）.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "小标题（按“（一）”编号时必填）"
    )]
    pub title: Option<Spanned<String>>,
    /// First sentence of the paragraph.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "段首句")]
    pub lead: Option<Spanned<String>>,
    /// Fixed text, for work that was not a list of dated events.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "固定文字：不是按活动记录的工作"
    )]
    pub text: Option<Spanned<String>>,
    /// Closing sentence; `{{ key }}` is replaced by the item's summed figure.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "段尾汇总句，{{ 键 }} 处填入本条目的数字合计"
    )]
    pub summary: Option<Spanned<String>>,
    /// A sentence that lists the activities by their short names, joined with 、, where
    /// `{{ 活动 }}` stands: 开展{{ 活动 }}等丰富多彩的活动; its `{{ key }}`s print figures
    /// as a summary's do (组织开展{{ 活动 }}等学习活动{{ study }}余次).
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "列举句：{{ 活动 }} 处填入本条目各活动的简称（name），用“、”连接，例如 开展{{ 活动 }}等丰富多彩的活动；句中也可以写 {{ 键 }} 填入数字合计"
    )]
    pub list: Option<Spanned<String>>,
    /// Where the summary sentence stands in the paragraph (default: last).
    #[serde(default)]
    #[schemars(
        with = "Option<SummaryPlace>",
        description = "汇总句的位置：before 段首句之后、固定文字和活动之前；between 固定文字之后、活动之前；after 段尾（默认）"
    )]
    pub summary_at: Option<Spanned<SummaryPlace>>,
    /// Enumerate the activities as 一是……二是…….
    #[serde(default)]
    #[schemars(description = "为 true 时活动写成“一是……二是……”")]
    pub enumerate: bool,
    /// Punctuation between enumerated entries: `。` (default) or `；`.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "“一是……二是……”之间的标点：。或 ；"
    )]
    pub separator: Option<Spanned<String>>,
    /// The 一是/二是 parts of the paragraph, each with its own activities and figure
    /// sentence; printed after the item's own text and activities, before a summary
    /// that stands last.
    #[serde(default)]
    #[schemars(
        description = "分项：段落中的“一是……二是……”，每一项有自己的活动和汇总句；活动台账的 item 可以直接填分项的 id。条目的 summary 合计本条目和全部分项的活动"
    )]
    pub entries: Vec<EntrySpec>,
    /// The paragraph as the report writes it: fixed sentences, figure sentences and
    /// groups of activities in any order, each optional and repeatable. An item with
    /// it writes none of lead, text, summary, list, summary_at, enumerate, entries.
    #[serde(default)]
    #[schemars(
        description = "段落的各部分，按文中顺序：固定句 text、带数字的句子 summary、一组活动 activities（all 为其余全部活动，或写活动的标签 tag；可加 months 只取某几个月的活动），每种都可省略、可重复。写了 paragraph 的条目不再写 lead、text、summary、list、summary_at、enumerate、entries"
    )]
    pub paragraph: Vec<PieceSpec>,
    /// Run the title into the paragraph after the number (1、小标题：正文……), in the
    /// body's face; `**…**` in the title makes it bold. At the （一） level the number
    /// and title are in that level's 楷体.
    #[serde(default)]
    #[schemars(
        description = "为 true 时小标题接排在段首（如“1、小标题：正文……”），与正文同为仿宋；标题写成 **…** 时加粗。按“（一）”编号的条目接排时编号和小标题用楷体（“（一）强化思想引领。正文……”）"
    )]
    pub run_in: bool,
}

/// One part of an item's paragraph: exactly one of a fixed sentence, a sentence with
/// the item's figures, or a group of the item's activities.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "段落的一部分：text、summary、activities 三者写一种")]
#[serde(deny_unknown_fields)]
pub struct PieceSpec {
    /// A fixed sentence, printed as written; blank lines start a new paragraph.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "固定句：按原样印出（空行另起一段）"
    )]
    pub text: Option<Spanned<String>>,
    /// A sentence with `{{ key }}` placeholders, filled with the item's totals.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "带数字的句子：{{ 键 }} 处填入本条目全部活动的数字合计"
    )]
    pub summary: Option<Spanned<String>>,
    /// Which activities print here: `all` (those no other group takes) or a tag.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "一组活动：all 为没有被其他组取走的全部活动；写别的词时只取 tag 为这个词的活动"
    )]
    pub activities: Option<Spanned<String>>,
    /// Only the activities of these months (1–12).
    #[serde(default)]
    #[schemars(
        with = "Vec<u32>",
        description = "只取这几个月（1–12）的活动，例如 [7, 8]；只能和 activities 一起写"
    )]
    pub months: Vec<Spanned<u32>>,
    /// Write the group as 一是……二是…….
    #[serde(default)]
    #[schemars(description = "为 true 时这一组活动写成“一是……二是……”")]
    pub enumerate: bool,
    /// Punctuation between enumerated activities: `。` (default) or `；`.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "“一是……二是……”之间的标点：。或 ；"
    )]
    pub separator: Option<Spanned<String>>,
}

/// One 一是 part of an item's paragraph: its own sentences and its own activities,
/// whose figures its summary totals (一是开展……活动12场，服务妇女儿童600余人次).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "分项：条目段落中的一个“一是……”，有自己的活动和汇总句")]
#[serde(deny_unknown_fields)]
pub struct EntrySpec {
    /// Identifier that activities name in their `item` field, unique with the items.
    #[schemars(
        with = "String",
        description = "分项标识，活动台账的 item 填这个值（与条目 id 不能重复）"
    )]
    pub id: Spanned<String>,
    /// First words after 一是.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "分项的第一句（接在“一是”之后）"
    )]
    pub lead: Option<Spanned<String>>,
    /// Fixed text, for work that was not a list of dated events.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "固定文字")]
    pub text: Option<Spanned<String>>,
    /// A sentence listing the activities' short names where `{{ 活动 }}` stands.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "列举句：{{ 活动 }} 处填入本分项各活动的简称，用“、”连接；句中也可以写 {{ 键 }} 填入数字合计"
    )]
    pub list: Option<Spanned<String>>,
    /// The figure sentence; `{{ key }}` is this entry's own total.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "本分项的汇总句，{{ 键 }} 处填入本分项活动的数字合计"
    )]
    pub summary: Option<Spanned<String>>,
    /// Where the summary stands within the entry (default: last).
    #[serde(default)]
    #[schemars(
        with = "Option<SummaryPlace>",
        description = "汇总句在本分项中的位置：before、between、after（默认）"
    )]
    pub summary_at: Option<Spanned<SummaryPlace>>,
}

/// Where an item's summary sentence goes: real paragraphs give the figure first and
/// then the events as often as the other way round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "汇总句的位置")]
pub enum SummaryPlace {
    /// After the lead, before the fixed text and the activities.
    #[schemars(description = "段首句之后，固定文字和活动之前")]
    Before,
    /// After the fixed text, before the activities.
    #[schemars(description = "固定文字之后，活动之前")]
    Between,
    /// At the end of the paragraph.
    #[default]
    #[schemars(description = "段尾（默认）")]
    After,
}

/// The plans for next year.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "下一年度工作计划")]
#[serde(deny_unknown_fields)]
pub struct PlansSpec {
    /// Heading: default 下一步工作计划.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "计划一节的标题，默认“下一步工作计划”"
    )]
    pub title: Option<Spanned<String>>,
    /// Print the heading (default yes). Without it the plans are a numbering block of
    /// their own after the sections: an optional bridging paragraph, then the plans
    /// numbered from the first number again (三、… then 一、…).
    #[serde(default = "yes")]
    #[schemars(
        description = "是否印出计划的标题（默认是，如“四、下一步工作计划”）；为 false 时不印标题、不占节序号，计划接在各节之后另起一组编号，从“一”重新编起（配合 opening 和 numbering）"
    )]
    pub heading: bool,
    /// The bridging paragraph(s) before the plans: 2024年，我镇将重点抓好以下工作：.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "计划前的过渡段（空行分段），例如“2024年，我镇将重点抓好以下工作：”"
    )]
    pub opening: Option<Spanned<String>>,
    /// How the plans are numbered: default as the first section's items (1.), or `一、`
    /// for the plan's own 一、二、.
    #[serde(default)]
    #[schemars(
        with = "Option<NumberStyle>",
        description = "计划的编号：一、 （一） 1. 1、 （1） 一是 无；省略时与第一节的条目相同（按（一）编号时为 1.）"
    )]
    pub numbering: Option<Spanned<NumberStyle>>,
    /// One numbered paragraph each.
    #[schemars(with = "Vec<String>", description = "每条计划一段")]
    pub items: Vec<Spanned<String>>,
}

/// A roll-up of member ledgers.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "汇总：把成员单位台账的数字排成表")]
#[serde(deny_unknown_fields)]
pub struct RollupSpec {
    /// Heading of the table.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "汇总表标题")]
    pub title: Option<Spanned<String>>,
    /// Member report directories, relative to this one.
    #[schemars(
        with = "Vec<String>",
        description = "成员台账目录（相对本目录），按表中顺序"
    )]
    pub members: Vec<Spanned<String>>,
}

/// Issuer and date below the text.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "正文下方的发文机关署名和成文日期")]
#[serde(deny_unknown_fields)]
pub struct SignatureSpec {
    /// The issuing organization's name; default the organization's name.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "发文机关署名，默认为单位全称")]
    pub issuer: Option<Spanned<String>>,
    /// Print the issuer's name (default yes); without it the signature is the date
    /// alone, as summaries that carry their organization in the title often end.
    #[serde(default = "yes")]
    #[schemars(description = "是否写发文机关署名（默认是）；为 false 时正文下方只写成文日期")]
    pub show_issuer: bool,
    /// Print the document date under the issuer (default yes).
    #[serde(default = "yes")]
    #[schemars(description = "是否在署名下方写成文日期（默认是）")]
    pub date: bool,
}

fn yes() -> bool {
    true
}

/// One entry of an activity log.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(description = "一条活动：日期、所属条目、做了什么、数字")]
#[serde(deny_unknown_fields)]
pub struct ActivitySpec {
    /// Optional identifier, unique across the ledger.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "活动标识（可选，全台账唯一）")]
    pub id: Option<Spanned<String>>,
    /// The day, `YYYY-MM-DD`.
    #[schemars(with = "String", description = "活动日期，YYYY-MM-DD，须在报告年度内")]
    pub date: Spanned<String>,
    /// The item (or an item's 一是 entry) of report.yaml it belongs to.
    #[schemars(
        with = "String",
        description = "所属条目（report.yaml 中条目的 id，或条目下分项 entries 的 id）"
    )]
    pub item: Spanned<String>,
    /// A short name for the item's list sentence: 三八趣味运动会.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "活动简称：条目写了 list 时列入列举句（此时不再单独成句），例如 三八趣味运动会"
    )]
    pub name: Option<Spanned<String>>,
    /// What was done; may be omitted when the entry only counts figures.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "做了什么；只记数字时可省略")]
    pub text: Option<Spanned<String>>,
    /// Counts, by declared figure key.
    #[serde(default)]
    #[schemars(
        with = "std::collections::BTreeMap<String, f64>",
        description = "数字：键为 report.yaml 中声明的数字项，值为 0 或正数；整数项只能写整数，声明了 decimals 的数字项可写到那么多位小数（如 8.5）"
    )]
    pub figures: OrderedMap<Spanned<FigureValue>>,
    /// Where.
    #[serde(default)]
    #[schemars(with = "Option<String>", description = "地点")]
    pub place: Option<Spanned<String>>,
    /// Villages or communities involved.
    #[serde(default)]
    #[schemars(with = "Vec<String>", description = "涉及的村（社区）")]
    pub villages: Vec<Spanned<String>>,
    /// A word that puts the activity into a group of its item's paragraph.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        description = "标签：条目写了 paragraph 时，activities 写这个词的那一组印出这条活动，例如 培训"
    )]
    pub tag: Option<Spanned<String>>,
    /// Number of participants.
    #[serde(default)]
    #[schemars(with = "Option<u64>", description = "参加人数")]
    pub participants: Option<Spanned<FigureValue>>,
}

/// A figure as written: whatever scalar the clerk typed, judged by the check stage so
/// that `1.5` in a whole-number figure, `-2` or `十` get a located message rather than
/// a parser error. A decimal (`8.5` or `"8.5"`) arrives as text and is read exactly by
/// [`crate::amount::read`] against the figure's declared places.
#[derive(Clone, Debug, PartialEq)]
pub enum FigureValue {
    /// A whole number (possibly negative: the check refuses it).
    Integer(i128),
    /// Anything else, as text.
    Other(String),
}

impl<'de> Deserialize<'de> for FigureValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FigureValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<FigureValue, E> {
                Ok(FigureValue::Integer(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<FigureValue, E> {
                Ok(FigureValue::Integer(v.into()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<FigureValue, E> {
                Ok(FigureValue::Integer(v))
            }
            fn visit_u128<E>(self, v: u128) -> Result<FigureValue, E> {
                Ok(i128::try_from(v)
                    .map_or_else(|_| FigureValue::Other(v.to_string()), FigureValue::Integer))
            }
            fn visit_f64<E>(self, v: f64) -> Result<FigureValue, E> {
                // The shortest text that reads back as the same float: for a number
                // a clerk types (up to 15 significant digits) that is what was
                // typed, less trailing zeros, so no float arithmetic ever happens.
                Ok(FigureValue::Other(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<FigureValue, E> {
                Ok(FigureValue::Other(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<FigureValue, E> {
                Ok(FigureValue::Other(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<FigureValue, E> {
                Ok(FigureValue::Other(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A YAML mapping that keeps its keys' order and positions (the website metadata and
/// figures are ordered by the ledger, never by a hash).
#[derive(Debug)]
pub struct OrderedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// The entry with key `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.value.as_str())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value::<V>()?));
                }
                Ok(OrderedMap(entries))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap::default())
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}
