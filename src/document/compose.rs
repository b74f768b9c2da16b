//! Composition: the aggregated year becomes the document: final text of every heading
//! and paragraph, numbering decided, punctuation full-width. Renderers only lay it out.

use crate::amount::Amount;
use crate::ledger::aggregate::{Aggregate, Totals, yoy_text};
use crate::ledger::model::{SummaryPlace, TotalRule};
use crate::ledger::template::{Placeholder, Template, list_marker};
use crate::ledger::year::{Activity, Group, Item, Located, Piece, Plans, Year};
use crate::numbering::{NumberStyle, ordinal};
use crate::text::{
    RichText, chinese_date, ends_clause, list_entry, normalize, paragraphs, strip_terminal,
};
use serde::Serialize;

/// The summary, ready to render.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// Document title.
    pub title: String,
    /// Reporting organization's full name.
    pub organization: String,
    /// Reporting year.
    pub year: i32,
    /// Document date as printed: 2024年1月22日.
    pub date: String,
    /// Document date (`date_iso` to the templates and in `--context`: `YYYY-MM-DD`).
    #[serde(rename = "date_iso")]
    pub issued: chrono::NaiveDate,
    /// Address of the published page.
    pub url: Option<String>,
    /// Website metadata, in the ledger's order.
    pub metadata: Vec<MetaField>,
    /// Opening paragraphs.
    pub opening: Vec<RichText>,
    /// Numbered sections, plans last.
    pub sections: Vec<DocSection>,
    /// Closing paragraphs.
    pub closing: Vec<RichText>,
    /// Issuer and date below the text.
    pub signature: Option<Signature>,
    /// 附注 line.
    pub note: Option<String>,
    /// Year totals of every declared figure.
    pub figures: Vec<FigureTotal>,
    /// The roll-up table of member ledgers, when the report has one.
    pub rollup: Option<Rollup>,
}

impl Document {
    /// Whether any paragraph sets a run in 楷体 (a level-2 title run into its text):
    /// the outputs declare that face's style only then.
    pub fn uses_kai(&self) -> bool {
        let items = self.sections.iter().flat_map(|s| &s.items);
        items
            .flat_map(|item| &item.paragraphs)
            .chain(&self.opening)
            .chain(&self.closing)
            .flat_map(|p| &p.0)
            .any(|span| span.kai)
    }
}

/// A table of the members' figures (a county summary of its towns).
#[derive(Clone, Debug, Serialize)]
pub struct Rollup {
    /// Heading.
    pub title: String,
    /// Figure columns (label with unit).
    pub columns: Vec<String>,
    /// Decimal places of each column's values, for a spreadsheet's number format.
    pub decimals: Vec<u8>,
    /// One row per member: its name and values.
    pub rows: Vec<RollupRow>,
    /// Sums over the members.
    pub total: Vec<String>,
    /// The same per section of this report: section id, title and member rows.
    pub sections: Vec<RollupSection>,
}

/// One member's row.
#[derive(Clone, Debug, Serialize)]
pub struct RollupRow {
    /// Organization.
    pub organization: String,
    /// Values as printed (— where the member does not count that figure).
    pub values: Vec<String>,
}

/// The members' figures within one section.
#[derive(Clone, Debug, Serialize)]
pub struct RollupSection {
    /// Section id.
    pub id: String,
    /// Section title.
    pub title: String,
    /// Member rows.
    pub rows: Vec<RollupRow>,
}

/// One metadata field of the website header.
#[derive(Clone, Debug, Serialize)]
pub struct MetaField {
    /// Field name: 索引号.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A level-1 section: 一、title.
#[derive(Clone, Debug, Serialize)]
pub struct DocSection {
    /// Section id from the ledger (`plans` for the plans).
    pub id: String,
    /// 一、
    pub number: String,
    /// Heading text.
    pub title: String,
    /// Whether the heading prints on a line of its own. A section without a printed
    /// heading takes no number and its items follow the text before them; a run-in
    /// heading keeps its number and starts the first paragraph instead.
    pub heading: bool,
    /// Its numbered items.
    pub items: Vec<DocItem>,
    /// The heading of the part (一、2022年工作总结) that begins with this section,
    /// printed before it; only in a document with parts.
    pub part: Option<DocPart>,
    /// The heading's level: 1 (一、, 黑体) or 2 (（一）, 楷体) under a part.
    pub level: u8,
}

/// A top-level part's heading.
#[derive(Clone, Debug, Serialize)]
pub struct DocPart {
    /// 一、
    pub number: String,
    /// Heading text.
    pub title: String,
}

/// One item: either a numbered paragraph (`1.` + text) or a sub-heading (`（一）` +
/// title) followed by unnumbered paragraphs.
#[derive(Clone, Debug, Serialize)]
pub struct DocItem {
    /// Item id from the ledger.
    pub id: String,
    /// The label: `1.`, `（一）`, `一是` or empty.
    pub number: String,
    /// Sub-heading text when the item is a （一） heading.
    pub title: Option<String>,
    /// Paragraphs; the number leads the first unless the item has a title.
    pub paragraphs: Vec<RichText>,
}

/// Issuer name and date (GB/T 9704 7.3.5).
#[derive(Clone, Debug, Serialize)]
pub struct Signature {
    /// Issuing organization; none when the signature is the date alone.
    pub issuer: Option<String>,
    /// Date as printed, when shown.
    pub date: Option<String>,
}

/// A figure's total for the year.
#[derive(Clone, Debug, Serialize)]
pub struct FigureTotal {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Total over all activities, with the figure's precision.
    pub total: Amount,
    /// Last year's total, when last year's ledger is known.
    pub previous: Option<Amount>,
    /// The 同比 wording, e.g. 同比增长20%.
    pub yoy: Option<String>,
}

/// Builds the document.
pub fn compose(agg: &Aggregate, previous: Option<&Aggregate>, members: &[Aggregate]) -> Document {
    let year = &agg.year;
    let mut printed_headings = 0;
    let mut sections: Vec<DocSection> = year
        .sections
        .iter()
        .enumerate()
        .map(|(si, section)| {
            let part = year.part_starting_at(si).map(|(_, title)| {
                // Each part numbers its sections from （一）.
                printed_headings = 0;
                DocPart {
                    number: year
                        .part_style
                        .label(number(section.part.unwrap_or_default())),
                    title: normalize(&title.value),
                }
            });
            let mut doc_section = DocSection {
                id: section.id.clone(),
                number: if section.heading {
                    printed_headings += 1;
                    year.section_style.label(printed_headings)
                } else {
                    String::new()
                },
                title: normalize(&section.title.value),
                heading: section.heading,
                part,
                level: if section.part.is_some() { 2 } else { 1 },
                items: section
                    .items
                    .iter()
                    .enumerate()
                    .map(|(ii, item)| {
                        let value_of = |placeholder: Placeholder| {
                            summary_value(agg, previous, &agg.items[si][ii], &item.id, placeholder)
                        };
                        let entry_value_of = |ei: usize, placeholder: Placeholder| {
                            let totals = &agg.entries[si][ii][ei];
                            summary_value(agg, previous, totals, &item.entries[ei].id, placeholder)
                        };
                        let values = (&value_of as _, &entry_value_of as _);
                        compose_item(item, section.item_style, number(ii), values)
                    })
                    .collect(),
            };
            if section.run_in && section.heading {
                run_in(&mut doc_section);
            }
            doc_section
        })
        .collect();
    if let Some(plans) = &year.plans {
        sections.push(plans_section(year, plans, printed_headings));
    }
    Document {
        title: normalize(&year.title.value),
        organization: year.organization.value.trim().to_owned(),
        year: year.year,
        date: chinese_date(year.date),
        issued: year.date,
        url: year.url.clone(),
        metadata: year
            .publication
            .iter()
            .map(|(name, value)| MetaField {
                name: name.trim().to_owned(),
                value: normalize(&value.value),
            })
            .collect(),
        opening: optional_paragraphs(year.opening.as_ref()),
        sections,
        closing: optional_paragraphs(year.closing.as_ref()),
        signature: year
            .signature
            .as_ref()
            .map(|(issuer, with_date)| Signature {
                issuer: issuer.as_ref().map(|i| normalize(&i.value)),
                date: with_date.then(|| chinese_date(year.date)),
            }),
        note: year.note.as_ref().map(|n| normalize(&n.value)),
        figures: year
            .figures
            .iter()
            .zip(agg.total.amounts(&year.figures))
            .map(|(f, total)| {
                let previous = previous.and_then(|p| p.total.amount(&p.year.figures, &f.key));
                FigureTotal {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    unit: f.unit.clone(),
                    total,
                    previous,
                    yoy: previous.map(|p| yoy_text(total, p)),
                }
            })
            .collect(),
        rollup: year
            .rollup
            .as_ref()
            .map(|(title, _)| rollup(agg, members, &title.value)),
    }
}

/// A summary placeholder's text: `key` is the total in `totals` (an item's or an
/// entry's), `key.yoy` its 同比 against the item or entry of the same `id` last year,
/// `key.baseline` its earliest-dated value; written in the placeholder's form.
fn summary_value(
    agg: &Aggregate,
    previous: Option<&Aggregate>,
    totals: &Totals,
    id: &str,
    Placeholder {
        key,
        yoy,
        baseline,
        form,
    }: Placeholder,
) -> Option<String> {
    if baseline {
        let first = totals.baseline(&agg.year.figures, key)?;
        return Some(form.write(&first.to_string()));
    }
    let current = totals.amount(&agg.year.figures, key)?;
    if !yoy {
        return Some(form.write(&current.to_string()));
    }
    let last = previous.and_then(|p| p.totals_of(id)?.amount(&p.year.figures, key));
    Some(last.map_or_else(
        || "上年无此项数据".to_owned(),
        |last| yoy_text(current, last),
    ))
}

/// The members' figures by this report's declared figures.
fn rollup(agg: &Aggregate, members: &[Aggregate], title: &str) -> Rollup {
    let figures = &agg.year.figures;
    let value = |member: &Aggregate, totals: &crate::ledger::aggregate::Totals, key: &str| {
        totals.amount(&member.year.figures, key)
    };
    let row = |member: &Aggregate, totals: &crate::ledger::aggregate::Totals| RollupRow {
        organization: member.year.organization.value.trim().to_owned(),
        values: figures
            .iter()
            .map(|f| {
                value(member, totals, &f.key).map_or_else(|| "—".to_owned(), |v| v.to_string())
            })
            .collect(),
    };
    let total = figures
        .iter()
        .map(|f| {
            // Standing counts (`latest`) of different members add up; the largest
            // value of each member gives the largest of all.
            let combine = match f.total {
                TotalRule::Max => u64::max,
                TotalRule::Sum | TotalRule::Latest => crate::limits::checked_sum,
            };
            // The link refuses a member whose precision differs (E038): every value
            // here is in units of this report's last place.
            let total = members
                .iter()
                .filter_map(|m| value(m, &m.total, &f.key))
                .filter(|a| a.decimals == f.decimals)
                .map(|a| a.scaled)
                .fold(0, combine);
            f.amount(total).to_string()
        })
        .collect();
    let sections = agg
        .year
        .sections
        .iter()
        .map(|section| RollupSection {
            id: section.id.clone(),
            title: normalize(&section.title.value),
            rows: members
                .iter()
                .filter_map(|m| {
                    let i = m.year.sections.iter().position(|s| s.id == section.id)?;
                    Some(row(m, &m.sections[i]))
                })
                .collect(),
        })
        .collect();
    Rollup {
        title: normalize(title),
        columns: figures.iter().map(|f| f.heading()).collect(),
        decimals: figures.iter().map(|f| f.decimals).collect(),
        rows: members.iter().map(|m| row(m, &m.total)).collect(),
        total,
        sections,
    }
}

/// Runs a section's heading into its first paragraph in the face its level prints
/// in: 一、产业发展：今年…… bold (黑体, a level-one heading's face), （一）强化引领。
/// 全年…… under a part in 楷体. A section with no paragraph keeps its heading on a
/// line of its own.
fn run_in(section: &mut DocSection) {
    let Some(first) = section
        .items
        .first_mut()
        .and_then(|item| item.paragraphs.first_mut())
    else {
        return;
    };
    let heading = with_run_in_mark(format!("{}{}", section.number, section.title));
    let mut paragraph = RichText::default();
    if section.level == 2 {
        paragraph.push_kai(&heading);
    } else {
        paragraph.push(&heading, true);
    }
    paragraph.append(first);
    *first = paragraph;
    section.heading = false;
}

/// A run-in heading ends in a mark of its own, else in ：.
fn with_run_in_mark(mut heading: String) -> String {
    if !heading.ends_with(['：', '。', '！', '？']) {
        heading.push('：');
    }
    heading
}

/// The plans as the last section: under their heading, numbered after the last
/// section (or part), numbered like the first section's items; or, without a heading,
/// a numbering block of their own — the bridging paragraph unnumbered, then the plans
/// from the first number again in their own style (一、…, 二、…).
fn plans_section(year: &Year, plans: &Plans, printed_headings: u32) -> DocSection {
    let style = plans
        .style
        .unwrap_or_else(|| default_plan_style(year.sections.first().map(|s| s.item_style)));
    // Under parts the plans are the next part; else the next section.
    let heading_number = if !plans.heading {
        String::new()
    } else if year.parts.is_empty() {
        year.section_style.label(printed_headings + 1)
    } else {
        let parts = u32::try_from(year.parts.len() + 1).unwrap_or(u32::MAX);
        year.part_style.label(parts)
    };
    let bridge = optional_paragraphs(plans.opening.as_ref());
    let bridge = (!bridge.is_empty()).then(|| DocItem {
        id: "plans-opening".into(),
        number: String::new(),
        title: None,
        paragraphs: bridge,
    });
    let items = plans.items.iter().enumerate().map(|(i, p)| DocItem {
        id: format!("plan-{}", i + 1),
        number: style.label(number(i)),
        title: None,
        paragraphs: paragraphs(&p.value)
            .iter()
            .map(|p| RichText::parse(p))
            .collect(),
    });
    DocSection {
        id: "plans".into(),
        number: heading_number,
        title: normalize(&plans.title.value),
        heading: plans.heading,
        part: None,
        level: 1,
        items: bridge.into_iter().chain(items).collect(),
    }
}

/// Plans are numbered like ordinary items, but never as sub-headings (they have no
/// titles): （一） sections fall back to 1.
fn default_plan_style(first: Option<NumberStyle>) -> NumberStyle {
    match first {
        Some(style) if !style.is_subheading() => style,
        _ => NumberStyle::ArabicDot,
    }
}

/// 1-based position as a numbering argument.
fn number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The paragraphs of an optional text (opening, closing): none when it is left out.
fn optional_paragraphs(text: Option<&Located<String>>) -> Vec<RichText> {
    text.map_or_else(Vec::new, |t| {
        paragraphs(&t.value)
            .iter()
            .map(|p| RichText::parse(p))
            .collect()
    })
}

/// The values of an item's summary placeholders, and of its entries' (by index).
type Values<'a> = (
    &'a dyn Fn(Placeholder) -> Option<String>,
    &'a dyn Fn(usize, Placeholder) -> Option<String>,
);

/// An item's paragraphs: lead, fixed text, activities (plain or 一是……), its 一是
/// entries, and the summary sentence where the item puts it (before, between or
/// after).
fn compose_item(item: &Item, style: NumberStyle, position: u32, values: Values) -> DocItem {
    let paras = item_paragraphs(item, style, values);
    if item.run_in {
        return run_in_item(item, style, style.label(position), &paras);
    }
    let is_heading = style.is_subheading();
    DocItem {
        id: item.id.clone(),
        number: style.label(position),
        title: item
            .title
            .as_ref()
            .filter(|_| is_heading)
            .map(|t| normalize(&t.value)),
        paragraphs: paras.iter().map(|p| RichText::parse(p)).collect(),
    }
}

/// The text of an item's (or an entry's) paragraphs, before inline markup is read.
fn item_paragraphs(
    item: &Item,
    style: NumberStyle,
    (value_of, entry_value_of): Values,
) -> Vec<String> {
    if !item.paragraph.is_empty() {
        return piece_paragraphs(item, style, value_of);
    }
    let mut paras: Vec<String> = vec![String::new()];
    let summary = item
        .summary
        .as_ref()
        .map(|s| normalize(&Template::parse(&s.value).fill(value_of)));
    let summary_here =
        |place: SummaryPlace| summary.as_deref().filter(|_| item.summary_at == place);
    if let Some(lead) = &item.lead {
        add_sentence(&mut paras, &normalize(&lead.value));
    }
    if let Some(before) = summary_here(SummaryPlace::Before) {
        add_sentence(&mut paras, before);
    }
    if let Some(text) = &item.text {
        let mut fixed = paragraphs(&text.value).into_iter();
        if let Some(first) = fixed.next() {
            add_sentence(&mut paras, &first);
        }
        paras.extend(fixed);
    }
    if let Some(between) = summary_here(SummaryPlace::Between) {
        add_sentence(&mut paras, between);
    }
    let list = list_sentence(item, value_of);
    if let Some(list) = &list {
        add_sentence(&mut paras, list);
    }
    let texts = activity_texts(item, style);
    if item.enumerate {
        add_sentence(&mut paras, &enumerated(&texts, &item.separator));
    } else {
        for text in &texts {
            add_sentence(&mut paras, text);
        }
    }
    let parts = entry_texts(item, entry_value_of);
    if !parts.is_empty() {
        add_sentence(&mut paras, &enumerated(&parts, &item.separator));
    }
    if let Some(after) = summary_here(SummaryPlace::After) {
        add_sentence(&mut paras, after);
    }
    let summary_last = summary.is_some() && item.summary_at == SummaryPlace::After;
    let ends_with_an_activity = !item.enumerate
        && parts.is_empty()
        && (!texts.is_empty() || list.is_some())
        && !summary_last;
    if ends_with_an_activity {
        // Fixed text and summaries print as the clerk wrote them; an activity text is
        // a record, and a sentence made of it must end like one.
        close_paragraph(paras.last_mut().expect("never empty"));
    }
    paras.retain(|p| !p.is_empty());
    paras
}

/// Each 一是 entry of an item as one run of text (its paragraphs joined), with its own
/// figures; an entry with nothing to print is left out.
fn entry_texts(
    item: &Item,
    value_of: &dyn Fn(usize, Placeholder) -> Option<String>,
) -> Vec<String> {
    // An entry has no entries of its own (the check builds none), so nothing asks.
    let none = |_: usize, _: Placeholder| None;
    item.entries
        .iter()
        .enumerate()
        .map(|(ei, entry)| {
            let own = |placeholder: Placeholder| value_of(ei, placeholder);
            // Ordinal style: a list inside an entry's activity is numbered （1）.
            item_paragraphs(entry, NumberStyle::Ordinal, (&own, &none)).concat()
        })
        .filter(|text| !text.is_empty())
        .collect()
}

/// Appends a sentence to the last paragraph.
fn add_sentence(paras: &mut [String], piece: &str) {
    if let Some(current) = paras.last_mut() {
        join_sentence(current, piece);
    }
}

/// The item's list sentence with its activities' short names joined by 、 where
/// `{{ 活动 }}` stands and its figures where their `{{ key }}` stand (组织开展A、B等学习
/// 活动10余次); none without a list or without named activities.
fn list_sentence(item: &Item, value_of: &dyn Fn(Placeholder) -> Option<String>) -> Option<String> {
    let (before, after) = list_marker(&item.list.as_ref()?.value)?;
    let names: Vec<String> = item
        .activities
        .iter()
        .filter_map(|a| a.name.as_ref())
        .map(|n| strip_terminal(&normalize(&n.value)).to_owned())
        .collect();
    let fill = |text: &str| Template::parse(text).fill(value_of);
    (!names.is_empty()).then(|| {
        normalize(&format!(
            "{}{}{}",
            fill(before),
            names.join("、"),
            fill(after)
        ))
    })
}

/// The activities' texts as running prose, in order. In an item with a list sentence,
/// an activity with a short name is printed there instead.
fn activity_texts(item: &Item, style: NumberStyle) -> Vec<String> {
    let listed = |a: &Activity| item.list.is_some() && a.name.is_some();
    let inner_style = inner_list_style(item.enumerate, style);
    item.activities
        .iter()
        .filter(|a| !listed(a))
        .filter_map(|a: &Activity| a.text.as_ref())
        .map(|t| activity_text(&t.value, inner_style))
        .collect()
}

/// 一是……；二是……。: the texts enumerated, `separator` between them.
fn enumerated(texts: &[String], separator: &str) -> String {
    let n = texts.len();
    let mut out = String::new();
    for (i, text) in texts.iter().enumerate() {
        out.push_str(&ordinal(number(i)));
        out.push_str(strip_terminal(text));
        out.push_str(if i + 1 == n { "。" } else { separator });
    }
    out
}

/// Ends a paragraph as a sentence: a paragraph whose last words came from an activity
/// text without a final mark gets its 。, as the same text gets one mid-paragraph; a
/// trailing ， ； or 、 becomes 。. A paragraph that ends in 。！？…, in a closing quote
/// after one of them, or in ： (a list follows) stays as written. Bold markup at the
/// end is looked through: the mark goes after it.
fn close_paragraph(paragraph: &mut String) {
    let body = paragraph.trim_end_matches("**");
    let bold_tail = paragraph.len() - body.len();
    let mut chars = body.chars().rev();
    let (last, before) = (chars.next(), chars.next());
    match last {
        None | Some('。' | '！' | '？' | '…' | '：') => {}
        Some('”' | '’' | '）' | '》' | '】')
            if before.is_some_and(|c| matches!(c, '。' | '！' | '？' | '…')) => {}
        Some(c @ ('，' | '；' | '、')) if bold_tail == 0 => {
            paragraph.truncate(paragraph.len() - c.len_utf8());
            paragraph.push('。');
        }
        Some(_) => paragraph.push('。'),
    }
}

/// Appends a clause, closing the previous one with 。 when it ended without punctuation.
/// A bold run's closing `**` is markup: the clause ends with what is inside it, so a
/// bold lead ending in 。 gets no second 。.
fn join_sentence(current: &mut String, piece: &str) {
    if piece.is_empty() {
        return;
    }
    let visible = current.strip_suffix("**").unwrap_or(current);
    if !current.is_empty() && !ends_clause(visible) {
        current.push('。');
    }
    current.push_str(piece);
}

/// An activity's text as running prose. A Markdown list inside it (`- `, `* `, `+ `,
/// `1. `, `1、`) is written out as an enumeration: 一是……；二是……。 (or （1）…… when
/// the activities themselves are enumerated).
fn activity_text(raw: &str, style: NumberStyle) -> String {
    let mut intro = Vec::new();
    let mut entries: Vec<String> = Vec::new();
    for line in raw.lines() {
        let trimmed = line.trim();
        match list_entry(trimmed) {
            Some(entry) => entries.push(entry.to_owned()),
            None if entries.is_empty() => intro.push(trimmed),
            // A continuation line of the last entry.
            None => {
                if let Some(last) = entries.last_mut() {
                    last.push('\n');
                    last.push_str(trimmed);
                }
            }
        }
    }
    let intro = normalize(&intro.join("\n"));
    if entries.is_empty() {
        return intro;
    }
    let mut out = intro;
    if !out.is_empty() && !ends_clause(&out) {
        out.push('：');
    }
    let n = entries.len();
    for (i, entry) in entries.iter().enumerate() {
        out.push_str(&style.label(number(i)));
        out.push_str(strip_terminal(&normalize(entry)));
        out.push(if i + 1 == n { '。' } else { '；' });
    }
    out
}

/// An item whose title runs into its first paragraph after the number: 1、小标题：
/// 正文…… in the body's face, the title's `**…**` bold; a title without a mark of its
/// own ends in ：. At the （一） level the number and title are set in 楷体, the face
/// of that level's heading (（一）强化引领。正文……), and the number moves into the
/// paragraph with it.
fn run_in_item(item: &Item, style: NumberStyle, number: String, paras: &[String]) -> DocItem {
    let title = item
        .title
        .as_ref()
        .map(|t| normalize(&t.value))
        .unwrap_or_default();
    let (number, first) = if style.is_subheading() {
        let visible = RichText::parse(&title).plain_text();
        let mut kai = RichText::default();
        kai.push_kai(&with_run_in_mark(format!("{number}{visible}")));
        (String::new(), kai)
    } else {
        let mut title = title;
        let visible = title.trim_end_matches("**");
        if !visible.ends_with(['：', '。', '！', '？']) {
            let at = visible.len();
            title.insert(at, '：');
        }
        (number, RichText::parse(&title))
    };
    let mut paragraphs: Vec<RichText> = paras.iter().map(|p| RichText::parse(p)).collect();
    let mut first = first;
    if let Some(rest) = paragraphs.first() {
        first.append(rest);
        paragraphs[0] = first;
    } else {
        paragraphs.push(first);
    }
    DocItem {
        id: item.id.clone(),
        number,
        title: None,
        paragraphs,
    }
}

/// The paragraphs of an item written part by part, in its order: a fixed sentence as
/// written (its blank lines start new paragraphs), a figure sentence filled with the
/// item's totals, a group of activities as running prose or 一是……; joined and closed
/// as the fields of an item are.
fn piece_paragraphs(
    item: &Item,
    style: NumberStyle,
    value_of: &dyn Fn(Placeholder) -> Option<String>,
) -> Vec<String> {
    let mut paras: Vec<String> = vec![String::new()];
    let mut ends_with_an_activity = false;
    for (pi, piece) in item.paragraph.iter().enumerate() {
        ends_with_an_activity = false;
        match piece {
            Piece::Text(text) => {
                let mut fixed = paragraphs(&text.value).into_iter();
                if let Some(first) = fixed.next() {
                    add_sentence(&mut paras, &first);
                }
                paras.extend(fixed);
            }
            Piece::Summary(sentence) => {
                let filled = normalize(&Template::parse(&sentence.value).fill(value_of));
                add_sentence(&mut paras, &filled);
            }
            Piece::Activities(group) => {
                let texts = group_texts(item, pi, group, style);
                if group.enumerate && !texts.is_empty() {
                    add_sentence(&mut paras, &enumerated(&texts, &group.separator));
                } else {
                    for text in &texts {
                        add_sentence(&mut paras, text);
                    }
                    ends_with_an_activity = !texts.is_empty();
                }
            }
        }
    }
    if ends_with_an_activity {
        close_paragraph(paras.last_mut().expect("never empty"));
    }
    paras.retain(|p| !p.is_empty());
    paras
}

/// The texts of the activities the paragraph's group at `index` prints, in date order
/// (the aggregate sorted them), with lists inside them numbered as in any item.
fn group_texts(item: &Item, index: usize, group: &Group, style: NumberStyle) -> Vec<String> {
    let inner_style = inner_list_style(group.enumerate, style);
    item.activities
        .iter()
        .filter(|a| item.group_of(a) == Some(index))
        .filter_map(|a| a.text.as_ref())
        .map(|t| activity_text(&t.value, inner_style))
        .collect()
}

/// How a list inside an activity is numbered: it must not repeat the numbering
/// around it (the activities' 一是, or an item numbered 一是).
fn inner_list_style(enumerated: bool, style: NumberStyle) -> NumberStyle {
    if enumerated || style == NumberStyle::Ordinal {
        NumberStyle::ArabicParen
    } else {
        NumberStyle::Ordinal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_get_a_full_stop_only_when_missing() {
        let mut s = String::from("进一步加大了维权力度");
        join_sentence(&mut s, "三八节期间开展了活动。");
        assert_eq!(s, "进一步加大了维权力度。三八节期间开展了活动。");
        join_sentence(&mut s, "一年来，接待来访10件。");
        assert_eq!(
            s,
            "进一步加大了维权力度。三八节期间开展了活动。一年来，接待来访10件。"
        );
        let mut t = String::from("评选工作，");
        join_sentence(&mut t, "选出了10位代表");
        assert_eq!(t, "评选工作，选出了10位代表");
    }

    #[test]
    fn a_paragraph_always_ends_as_a_sentence() {
        for (written, printed) in [
            ("覆盖全镇12个村", "覆盖全镇12个村。"),
            ("覆盖全镇12个村。", "覆盖全镇12个村。"),
            ("覆盖全镇12个村；", "覆盖全镇12个村。"),
            ("学习《家庭教育促进法》", "学习《家庭教育促进法》。"),
            ("提出“建设美丽乡村。”", "提出“建设美丽乡村。”"),
            ("主要做法如下：", "主要做法如下："),
            ("**重点工作**", "**重点工作**。"),
            ("**重点工作。**", "**重点工作。**"),
        ] {
            let mut paragraph = written.to_owned();
            close_paragraph(&mut paragraph);
            assert_eq!(paragraph, printed, "{written}");
        }
    }

    #[test]
    fn a_bold_lead_ending_in_a_full_stop_gets_no_second_one() {
        let mut s = String::from("**凝聚思想力量，坚定理想信念。**");
        join_sentence(&mut s, "组织宣讲。");
        assert_eq!(s, "**凝聚思想力量，坚定理想信念。**组织宣讲。");
        let mut t = String::from("**凝聚思想力量**");
        join_sentence(&mut t, "组织宣讲。");
        assert_eq!(t, "**凝聚思想力量**。组织宣讲。");
    }

    #[test]
    fn lists_inside_activity_text_enumerate() {
        let text = "开展了三项活动\n- 走访困难家庭。\n- 宣讲法律\n  知识\n* 义诊";
        assert_eq!(
            activity_text(text, NumberStyle::Ordinal),
            "开展了三项活动：一是走访困难家庭；二是宣讲法律知识；三是义诊。"
        );
        assert_eq!(
            activity_text("工作有：\n1. 甲\n2. 乙", NumberStyle::ArabicParen),
            "工作有：（1）甲；（2）乙。"
        );
        assert_eq!(activity_text("没有列表", NumberStyle::Ordinal), "没有列表");
    }

    #[test]
    fn numbers_that_are_not_list_markers_stay_text() {
        assert_eq!(list_entry("2023年"), None);
        assert_eq!(list_entry("10位"), None);
        assert_eq!(list_entry("-5度"), None);
    }
}
