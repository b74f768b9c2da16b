//! Proofreading, as an experienced 文秘 would: each rule has a stable code, a Chinese
//! message, the place in the ledger and a suggestion. All findings are warnings: the
//! document still builds, `check --deny-warnings` makes them fail CI.

use crate::diag::Location;
use crate::diag::{Diagnostic, Report};
use crate::document::compose::Document;
use crate::document::wording;
use crate::ledger::aggregate::{Aggregate, Totals};
use crate::ledger::presets;
use crate::ledger::template::Template;
use crate::ledger::year::{Item, Located, Year};
use crate::numbering::chinese_numeral;
use crate::text::{fold_lines, full_width, is_cjk};
use std::collections::HashMap;

/// Longest paragraph (in characters) before it is flagged as too long to read.
pub const MAX_PARAGRAPH_CHARS: usize = 600;

/// Runs every rule over the ledger and the document.
pub fn proofread(agg: &Aggregate, doc: &Document, report: &Report) -> Vec<Diagnostic> {
    let year = &agg.year;
    let mut found = Vec::new();
    for (field, text) in year.texts() {
        // The rules read the text as the reader sees it: the lines of a YAML block
        // joined, so a word doubled across a line break is found too.
        let folded = fold_lines(&text.value);
        let mut add = |d: Diagnostic, needle: &str| {
            let at = folded
                .find(needle)
                .map(|byte| locate_folded(report, text, folded[..byte].chars().count()))
                .unwrap_or_else(|| report.find_after(&text.at, needle));
            found.push(d.at(at).field(field));
        };
        // An item's lead, text, summary and activities print as one paragraph: its
        // numbering is read there (item_numbering_gaps), not one field at a time.
        let in_a_paragraph = matches!(
            field,
            "lead" | "text" | "list" | "name" | "summary" | "paragraph.text" | "paragraph.summary"
        );
        let gaps = if in_a_paragraph {
            Vec::new()
        } else {
            numbering_gaps(&folded)
        };
        for (d, needle) in unbalanced(&folded)
            .into_iter()
            .chain(half_width(&folded))
            .chain(doubled(&folded))
            .chain(gaps)
            .chain(wording::miswritten(&folded))
            .chain(wording::series_comma(&folded))
        {
            add(d, &needle);
        }
    }
    found.extend(item_numbering_gaps(year, doc, report));
    found.extend(repeated_sentences(
        year,
        &filled_figure_sentences(agg),
        report,
    ));
    found.extend(doubled_marks(year, doc, report));
    found.extend(zero_figures(agg));
    found.extend(empty_sections(year));
    found.extend(overlong_paragraphs(year, doc));
    found.extend(mixed_date_formats(year, report));
    found.extend(sample_activities(year));
    found.extend(unfilled_placeholders(year));
    cap_per_rule(found)
}

/// Findings listed per rule before the rest are summed up in one line: a ledger with
/// a systematic habit would otherwise drown the other messages.
pub const MAX_FINDINGS_PER_RULE: usize = 50;

fn cap_per_rule(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut kept = Vec::new();
    for d in found {
        let n = counts.entry(d.code).or_default();
        *n += 1;
        if *n <= MAX_FINDINGS_PER_RULE {
            kept.push(d);
        }
    }
    let mut codes: Vec<(&str, usize)> = counts
        .into_iter()
        .filter(|(_, n)| *n > MAX_FINDINGS_PER_RULE)
        .collect();
    codes.sort();
    for (code, n) in codes {
        kept.push(Diagnostic::warning(
            code,
            format!("同类问题另有 {} 处，未逐一列出", n - MAX_FINDINGS_PER_RULE),
        ));
    }
    kept
}

/// W101: brackets and quotes that do not pair up.
fn unbalanced(text: &str) -> Vec<(Diagnostic, String)> {
    const PAIRS: [(char, char); 5] = [
        ('《', '》'),
        ('“', '”'),
        ('‘', '’'),
        ('（', '）'),
        ('【', '】'),
    ];
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let context = |i: usize| {
        chars[i..(i + 4).min(chars.len())]
            .iter()
            .collect::<String>()
    };
    for (i, &c) in chars.iter().enumerate() {
        if PAIRS.iter().any(|(o, _)| *o == c) {
            stack.push((c, i));
        } else if let Some(&(open, _)) = PAIRS.iter().find(|(_, cl)| *cl == c) {
            match stack.iter().rposition(|(o, _)| *o == open) {
                Some(pos) => {
                    stack.truncate(pos);
                }
                None => out.push((
                    Diagnostic::warning("W101", format!("“{c}”前面缺少与之成对的“{open}”"))
                        .help(format!("补上“{open}”，或删去多余的“{c}”")),
                    context(i),
                )),
            }
        }
    }
    for (open, i) in stack {
        let close = PAIRS
            .iter()
            .find(|(o, _)| *o == open)
            .map(|p| p.1)
            .unwrap_or(open);
        out.push((
            Diagnostic::warning("W101", format!("“{open}”没有与之成对的“{close}”"))
                .help(format!("补上“{close}”，或删去多余的“{open}”")),
            context(i),
        ));
    }
    out
}

/// W102: half-width `, ; : ( ) ! ?` touching Chinese characters.
fn half_width(text: &str) -> Vec<(Diagnostic, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let Some(wide) = full_width(c) else {
            continue;
        };
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) {
            out.push((
                Diagnostic::warning("W102", format!("中文中使用了半角标点“{c}”")).help(format!(
                    "改为全角“{wide}”（生成时会自动改正，台账里也请改过来）"
                )),
                chars[i..(i + 3).min(chars.len())].iter().collect(),
            ));
        }
    }
    out
}

/// Single characters whose doubling is always a typo (unlike 一一, 常常, 人人).
const NEVER_DOUBLED: &str = "的了是在和与及对为将把被从向于镇村街县市区委会";

/// W103: a word written twice in a row (街道街道, 的的).
fn doubled(text: &str) -> Vec<(Diagnostic, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut hit = None;
        for len in (1..=4).rev() {
            if i + 2 * len > chars.len() {
                continue;
            }
            let (a, b) = (&chars[i..i + len], &chars[i + len..i + 2 * len]);
            let all_cjk = a.iter().all(|c| is_cjk(*c) && c.is_alphabetic());
            let typo = len > 1 || NEVER_DOUBLED.contains(a[0]);
            if a == b && all_cjk && typo && !(len == 1 && word_boundary(&chars[i + 1..])) {
                hit = Some(len);
                break;
            }
        }
        match hit {
            Some(len) => {
                let word: String = chars[i..i + len].iter().collect();
                out.push((
                    Diagnostic::warning("W103", format!("“{word}”连写了两次"))
                        .help(format!("删去重复的“{word}”"))
                        .width(2 * len),
                    chars[i..i + 2 * len].iter().collect(),
                ));
                i += 2 * len;
            }
            None => i += 1,
        }
    }
    out
}

/// Words that begin with one of [`NEVER_DOUBLED`]'s characters: written after a name
/// that ends with the same character (新河村 + 村民委员会, 总工会 + 会员) the pair is
/// a word boundary, not a doubled character.
const WORDS_AFTER_A_NAME: [&str; 22] = [
    "村民",
    "村委",
    "村务",
    "村级",
    "村干部",
    "镇长",
    "镇政府",
    "镇党委",
    "镇级",
    "县长",
    "县委",
    "县级",
    "市长",
    "市委",
    "市民",
    "区长",
    "区委",
    "区级",
    "委员",
    "会长",
    "会员",
    "会议",
];

/// Whether `rest` (the second of two equal characters and what follows) starts one of
/// [`WORDS_AFTER_A_NAME`].
fn word_boundary(rest: &[char]) -> bool {
    WORDS_AFTER_A_NAME.iter().any(|word| {
        let n = word.chars().count();
        rest.len() >= n && word.chars().eq(rest[..n].iter().copied())
    })
}

/// W105: enumerations written by hand that skip a number (一是……三是, （1）……（3）).
fn numbering_gaps(text: &str) -> Vec<(Diagnostic, String)> {
    numbering_gaps_after("", text)
}

/// [`numbering_gaps`] for a text printed after `before`: a run that starts past 1
/// (（二）（三）（四） typed after the （一） the tool numbered) continues the numbering
/// when `before` prints the label just ahead of it, and is checked from there.
fn numbering_gaps_after(before: &str, text: &str) -> Vec<(Diagnostic, String)> {
    let mut out = Vec::new();
    // Every label ends in 是 or ）: most texts have neither, and need no search.
    if !text.contains(['是', '）']) {
        return out;
    }
    type Label = fn(u32) -> String;
    let styles: [(Label, &str); 3] = [
        (|n| format!("{}是", chinese_numeral(n)), "一是、二是"),
        (|n| format!("（{n}）"), "（1）（2）"),
        (|n| format!("（{}）", chinese_numeral(n)), "（一）（二）"),
    ];
    for (label, name) in styles {
        let present: Vec<u32> = (1..=20).filter(|&n| text.contains(&label(n))).collect();
        let Some(&last) = present.last() else {
            continue;
        };
        if present.len() < 2 && last == 1 {
            continue;
        }
        let first = present[0];
        let from = if first > 1 && before.contains(&label(first - 1)) {
            first
        } else {
            1
        };
        if let Some(missing) = (from..last).find(|n| !present.contains(n)) {
            let next = present
                .iter()
                .find(|&&n| n > missing)
                .copied()
                .unwrap_or(last);
            out.push((
                Diagnostic::warning(
                    "W105",
                    format!("序号（{name}）不连续：缺少“{}”", label(missing)),
                )
                .help(format!(
                    "检查“{}”之前是否漏写了一项，或改正序号",
                    label(next)
                ))
                .width(label(next).chars().count()),
                label(next),
            ));
        }
    }
    out
}

/// W105 over each item's composed paragraphs, as the reader sees them: 一是 in the lead
/// and 二是 in an activity are one enumeration. A finding points at the field that
/// wrote the label after the gap, or at the item's id when composition wrote it.
fn item_numbering_gaps(year: &Year, doc: &Document, report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // What the part (or, without parts, the section) printed before each item: the
    // labels a hand-numbered run in the item's text continues.
    let mut before = String::new();
    for (section, doc_section) in year.sections.iter().zip(&doc.sections) {
        if doc_section.part.is_some() || doc_section.level == 1 {
            before.clear();
        }
        before.push_str(&format!("{}{}\n", doc_section.number, doc_section.title));
        for (item, doc_item) in section.items.iter().zip(&doc_section.items) {
            before.push_str(&doc_item.number);
            before.push_str(doc_item.title.as_deref().unwrap_or_default());
            let composed: Vec<String> =
                doc_item.paragraphs.iter().map(|p| p.plain_text()).collect();
            let composed = composed.join("\n");
            for (d, needle) in numbering_gaps_after(&before, &composed) {
                out.push(locate_in_item(item, report, d, &needle));
            }
            before.push_str(&composed);
            before.push('\n');
        }
    }
    out
}

/// A finding about an item's paragraph, placed at the first of the item's texts that
/// contains `needle`, else at the item's id.
fn locate_in_item(item: &Item, report: &Report, d: Diagnostic, needle: &str) -> Diagnostic {
    // The item's texts first, then each 一是 entry's, in the paragraph's order.
    let texts = item.with_entries().flat_map(|item| {
        let fields = [
            ("lead", &item.lead),
            ("text", &item.text),
            ("summary", &item.summary),
        ];
        fields
            .into_iter()
            .filter_map(|(f, t)| t.as_ref().map(|t| (f, t)))
            .chain(
                item.activities
                    .iter()
                    .filter_map(|a| a.text.as_ref().map(|t| ("text", t))),
            )
    });
    for (field, text) in texts {
        let folded = fold_lines(&text.value);
        if let Some(byte) = folded.find(needle) {
            let at = locate_folded(report, text, folded[..byte].chars().count());
            return d.at(at).field(field);
        }
    }
    d.at(item.at.clone()).field("id")
}

/// Where the character at `index` of a text's folded form (lines joined) is written
/// in the ledger: the line of the YAML value it stands on, found after the value's
/// start, and its column in that line.
fn locate_folded(report: &Report, text: &Located<String>, index: usize) -> Location {
    let mut consumed = 0;
    let mut previous: Option<char> = None;
    for line in text.value.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // fold_lines puts a space between two lines unless one side is Chinese.
        let joiner = match (previous, line.chars().next()) {
            (Some(a), Some(b)) if !(is_cjk(a) || is_cjk(b)) => 1,
            _ => 0,
        };
        let length = line.chars().count();
        if index < consumed + joiner + length {
            let offset = index.saturating_sub(consumed + joiner);
            let mut at = report.find_after(&text.at, line);
            at.column = at.column.saturating_add(u32::try_from(offset).unwrap_or(0));
            return at;
        }
        consumed += joiner + length;
        previous = line.chars().last();
    }
    text.at.clone()
}

/// Clauses shorter than this are common phrases, not a repeated thought.
const MIN_REPEATED_CLAUSE: usize = 12;

/// The sentences of a text (ended by 。！？, at least 8 characters) and, within each,
/// its clauses (between ，；) of [`MIN_REPEATED_CLAUSE`] characters or more.
fn sentences(text: &str) -> Vec<(String, Vec<String>)> {
    text.split_inclusive(['。', '！', '？'])
        .map(str::trim)
        .filter(|s| s.chars().count() >= 8)
        .map(|s| {
            let clauses = s
                .split(['，', '；', '。', '！', '？'])
                .map(str::trim)
                .filter(|c| c.chars().count() >= MIN_REPEATED_CLAUSE)
                .map(str::to_owned)
                .collect();
            (s.trim_end_matches(['。', '！', '？']).to_owned(), clauses)
        })
        .collect()
}

/// W104: the same sentence, or the same clause of 12 or more characters, twice in
/// the document (a sentence repeated word for word whose first copy sits inside a
/// ；-clause is still found). One finding per repeated sentence.
fn repeated_sentences(year: &Year, filled: &Filled, report: &Report) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &Located<String>> = HashMap::new();
    let mut out = Vec::new();
    for (field, text) in year.texts() {
        // A figure sentence is compared as printed: two that differ only in their
        // figures say different things.
        let compared = filled.get(&std::ptr::from_ref(text)).unwrap_or(&text.value);
        let folded = fold_lines(compared);
        // Where the current sentence starts in the text: a copy is placed at itself,
        // not at an earlier copy in the same text.
        let mut cursor = 0;
        for (sentence, clauses) in sentences(&folded) {
            let start = folded[cursor..]
                .find(&sentence)
                .map_or(cursor, |i| cursor + i);
            cursor = start + sentence.len();
            let repeated = std::iter::once(&sentence)
                .chain(&clauses)
                .find_map(|unit| seen.get(unit).map(|first| (unit.clone(), *first)));
            if let Some((unit, first)) = repeated {
                let head: String = unit.chars().take(12).collect();
                let finding = Diagnostic::warning("W104", format!("句子重复出现：“{head}……”"));
                // Past the rule's cap a finding is only counted (cap_per_rule): a
                // ledger repeating one text a hundred thousand times is not searched
                // a hundred thousand times for where.
                if out.len() >= MAX_FINDINGS_PER_RULE {
                    out.push(finding);
                } else {
                    let here = copy_at(report, filled, text, &folded, start, &head);
                    let folded_first = fold_lines(
                        filled
                            .get(&std::ptr::from_ref(first))
                            .unwrap_or(&first.value),
                    );
                    let there = copy_at(report, filled, first, &folded_first, 0, &head);
                    out.push(
                        finding
                            .at(here)
                            .field(field)
                            .help(format!("同一句话已在 {there} 出现过；删去一处或改写")),
                    );
                }
            }
            for unit in std::iter::once(sentence).chain(clauses) {
                seen.entry(unit).or_insert(text);
            }
        }
    }
    out
}

/// Where the copy of `head` at or after byte `from` of `folded` (the text as compared)
/// is written. A filled figure sentence is not written as compared: `head` is looked
/// for in it as written, else it is placed at its start.
fn copy_at(
    report: &Report,
    filled: &Filled,
    text: &Located<String>,
    folded: &str,
    from: usize,
    head: &str,
) -> Location {
    if filled.contains_key(&std::ptr::from_ref(text)) {
        let written = fold_lines(&text.value);
        return written.find(head).map_or_else(
            || text.at.clone(),
            |byte| locate_folded(report, text, written[..byte].chars().count()),
        );
    }
    folded[from..]
        .find(head)
        .map(|byte| locate_folded(report, text, folded[..from + byte].chars().count()))
        .unwrap_or_else(|| report.find_after(&text.at, head))
}

/// The figure sentences (summaries and list sentences) of items and entries with their
/// placeholders filled from their own totals, by the address of the ledger text.
type Filled = HashMap<*const Located<String>, String>;

fn filled_figure_sentences(agg: &Aggregate) -> Filled {
    let year = &agg.year;
    let mut filled = Filled::new();
    for (si, section) in year.sections.iter().enumerate() {
        for (ii, item) in section.items.iter().enumerate() {
            let entries = item.entries.iter().zip(&agg.entries[si][ii]);
            for (item, totals) in std::iter::once((item, &agg.items[si][ii])).chain(entries) {
                for (_, sentence) in item.figure_sentences() {
                    let text = Template::parse(&sentence.value).fill(|p| {
                        let amount = if p.baseline {
                            totals.baseline(&year.figures, p.key)?
                        } else {
                            totals.amount(&year.figures, p.key)?
                        };
                        (!p.yoy).then(|| p.form.write(&amount.to_string()))
                    });
                    if text != sentence.value {
                        filled.insert(std::ptr::from_ref(sentence), text);
                    }
                }
            }
        }
    }
    filled
}

/// W112: a doubled mark in the document as printed, written in the ledger or made by
/// joining a piece that ends with a mark to one that starts with one. It is placed
/// where the ledger writes it, else at the item whose paragraph shows it.
fn doubled_marks(year: &Year, doc: &Document, report: &Report) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let items = doc.sections.iter().flat_map(|s| &s.items);
    for item in items {
        for paragraph in &item.paragraphs {
            let text = paragraph.plain_text();
            for mark in crate::text::DOUBLED_MARKS
                .iter()
                .filter(|m| text.contains(*m))
            {
                let written = year.texts().into_iter().find_map(|(field, t)| {
                    let folded = fold_lines(&t.value);
                    folded.find(mark).map(|byte| {
                        (
                            field,
                            locate_folded(report, t, folded[..byte].chars().count()),
                        )
                    })
                });
                let single = &mark[..mark.len() / 2];
                let diagnostic = Diagnostic::warning("W112", format!("文中出现了重复的“{mark}”"));
                out.push(match written {
                    Some((field, at)) => diagnostic
                        .at(at)
                        .field(field)
                        .width(2)
                        .help(format!("删去一个“{single}”")),
                    None => {
                        let at = year
                            .sections
                            .iter()
                            .flat_map(|s| &s.items)
                            .find(|i| i.id == item.id)
                            .map(|i| i.at.clone());
                        let diagnostic = diagnostic.help(format!(
                            "这一段由几处文字拼成，前一处结尾和后一处开头都有“{single}”；删去其中一个"
                        ));
                        match at {
                            Some(at) => diagnostic.at(at).field("id"),
                            None => diagnostic,
                        }
                    }
                });
            }
        }
    }
    out
}

/// W110: an example activity that `init` wrote, still unchanged: it would be
/// published as if the office had done it.
fn sample_activities(year: &Year) -> Vec<Diagnostic> {
    year.sections
        .iter()
        .flat_map(|s| &s.items)
        .flat_map(Item::with_entries)
        .flat_map(|i| &i.activities)
        .filter_map(|a| a.text.as_ref())
        .filter(|text| presets::is_sample_text(&text.value))
        .map(|text| {
            Diagnostic::warning("W110", "这是新建台账时写入的示例活动，会原样印进总结")
                .at(text.at.clone())
                .field("text")
                .width(text.value.chars().count())
                .help("改成本单位真实开展的活动，或删掉这一条")
        })
        .collect()
}

/// W111: a value still reading 待填写, such as the 索引号 `init` cannot know.
fn unfilled_placeholders(year: &Year) -> Vec<Diagnostic> {
    let metadata = year
        .publication
        .iter()
        .map(|(key, value)| (format!("publication.{key}"), value));
    let texts = year.texts().into_iter().map(|(f, t)| (f.to_owned(), t));
    metadata
        .chain(texts)
        .filter(|(_, text)| text.value.contains(presets::PLACEHOLDER))
        .map(|(field, text)| {
            Diagnostic::warning("W111", format!("“{field}” 还是“{}”", presets::PLACEHOLDER))
                .at(text.at.clone())
                .field(field)
                .width(text.value.chars().count())
                .help("填上真实内容再发布（例如向网站管理员要索引号）")
        })
        .collect()
}

/// W106: a summary sentence that prints a zero.
fn zero_figures(agg: &Aggregate) -> Vec<Diagnostic> {
    let year = &agg.year;
    let mut out = Vec::new();
    for (si, section) in year.sections.iter().enumerate() {
        for (ii, item) in section.items.iter().enumerate() {
            let entries = item.entries.iter().zip(&agg.entries[si][ii]);
            for (item, totals) in std::iter::once((item, &agg.items[si][ii])).chain(entries) {
                for sentence in item.figure_sentences() {
                    zero_in(year, item, sentence, totals, &mut out);
                }
            }
        }
    }
    out
}

/// W106 for one figure sentence (`summary` or `list`) of an item or entry against its
/// totals.
fn zero_in(
    year: &Year,
    item: &Item,
    (field, sentence): (&'static str, &Located<String>),
    totals: &Totals,
    out: &mut Vec<Diagnostic>,
) {
    let kind = if field == "list" {
        "列举句"
    } else {
        "汇总句"
    };
    for key in Template::parse(&sentence.value).figure_keys() {
        if totals.get(&year.figures, key) == Some(0) {
            out.push(
                Diagnostic::warning(
                    "W106",
                    format!("条目 “{}” 的{kind}中“{key}”合计为 0", item.id),
                )
                .at(sentence.at.clone())
                .field(field)
                .help(format!("在活动台账中记下 {key}，或删去这句汇总")),
            );
        }
    }
}

/// W107: a section without items.
fn empty_sections(year: &Year) -> Vec<Diagnostic> {
    year.sections
        .iter()
        .filter(|s| s.items.is_empty())
        .map(|s| {
            Diagnostic::warning("W107", format!("“{}”一节没有任何条目", s.title.value))
                .at(s.title.at.clone())
                .field("items")
                .help("给这一节添加条目，或删去这一节")
        })
        .collect()
}

/// W108: a paragraph of the document longer than a reader can follow.
fn overlong_paragraphs(year: &Year, doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (section, doc_section) in year.sections.iter().zip(&doc.sections) {
        for (item, doc_item) in section.items.iter().zip(&doc_section.items) {
            let longest = doc_item
                .paragraphs
                .iter()
                .map(|p| p.plain_text().chars().count())
                .max()
                .unwrap_or(0);
            if longest > MAX_PARAGRAPH_CHARS {
                let at = [&item.lead, &item.title, &item.text, &item.summary]
                    .into_iter()
                    .flatten()
                    .next()
                    .map_or_else(|| section.title.at.clone(), |t| t.at.clone());
                out.push(
                    Diagnostic::warning(
                        "W108",
                        format!("条目 “{}” 的段落有 {longest} 字，过长", item.id),
                    )
                    .at(at)
                    .field("item")
                    .help(format!(
                        "超过 {MAX_PARAGRAPH_CHARS} 字的段落不便阅读：拆成几个条目，或精简活动文字"
                    )),
                );
            }
        }
    }
    out
}

/// The date style of a date written in `text` at byte `i`, and its length in bytes.
fn date_at(text: &str, i: usize) -> Option<(&'static str, usize)> {
    let rest = &text[i..];
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let year_len = digits(rest);
    if year_len != 4 {
        return None;
    }
    let after = &rest[4..];
    for (sep, style) in [('-', "2023-03-08"), ('.', "2023.3.8"), ('/', "2023/3/8")] {
        if let Some(tail) = after.strip_prefix(sep) {
            let m = digits(tail);
            if (1..=2).contains(&m) && tail[m..].starts_with(sep) {
                let d = digits(&tail[m + 1..]);
                if (1..=2).contains(&d) {
                    return Some((style, 4 + 1 + m + 1 + d));
                }
            }
        }
    }
    if let Some(tail) = after.strip_prefix('年') {
        let m = digits(tail);
        if (1..=2).contains(&m) && tail[m..].starts_with('月') {
            return Some(("2023年3月8日", 4 + '年'.len_utf8() + m + '月'.len_utf8()));
        }
    }
    None
}

/// W109: dates in the ledger text written in more than one style.
fn mixed_date_formats(year: &Year, report: &Report) -> Vec<Diagnostic> {
    let mut uses: Vec<(&'static str, String, &Located<String>, &'static str)> = Vec::new();
    for (field, text) in year.texts() {
        let value = &text.value;
        let mut i = 0;
        while i < value.len() {
            if !value.is_char_boundary(i) {
                i += 1;
                continue;
            }
            let starts_number = i == 0 || !value.as_bytes()[i - 1].is_ascii_digit();
            match date_at(value, i).filter(|_| starts_number) {
                Some((style, len)) => {
                    uses.push((style, value[i..i + len].to_owned(), text, field));
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (style, ..) in &uses {
        *counts.entry(style).or_default() += 1;
    }
    if counts.len() < 2 {
        return Vec::new();
    }
    // The style used most is the document's; the others are flagged.
    let main = uses
        .iter()
        .map(|u| u.0)
        .max_by_key(|s| (counts[s], *s == "2023年3月8日"))
        .unwrap_or("2023年3月8日");
    uses.iter()
        .filter(|u| u.0 != main)
        .map(|(style, written, text, field)| {
            Diagnostic::warning("W109", format!("日期写法不统一：“{written}”（{style} 式）"))
                .at(report.find_after(&text.at, written))
                .field(*field)
                .help(format!("全文统一写作 {main} 的形式"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(found: Vec<(Diagnostic, String)>) -> Vec<(&'static str, String)> {
        found.into_iter().map(|(d, n)| (d.code, n)).collect()
    }

    #[test]
    fn brackets_and_quotes_must_pair() {
        assert_eq!(
            codes(unbalanced("宣传《民法典》、婚姻法》和“美丽庭院")),
            vec![
                ("W101", "》和“美".to_owned()),
                ("W101", "“美丽庭".to_owned())
            ]
        );
        assert!(unbalanced("《章程》和“平安家庭”（社区）【注】‘甲’").is_empty());
    }

    #[test]
    fn half_width_punctuation_in_chinese_is_flagged() {
        let found = codes(half_width("各村(社区),积极"));
        assert_eq!(found.len(), 3);
        assert!(half_width("时间10:30, f(x)").is_empty());
    }

    #[test]
    fn doubled_words_are_typos_but_reduplication_is_not() {
        assert_eq!(
            codes(doubled("周矶街道街道妇联")),
            vec![("W103", "街道街道".to_owned())]
        );
        assert_eq!(
            codes(doubled("开展的的活动")),
            vec![("W103", "的的".to_owned())]
        );
        assert!(doubled("一一结对，常常走访，人人参与，2020").is_empty());
        // A name ending in 村 followed by 村民委员会 is two words, not a typo.
        assert!(doubled("新河村村民委员会、镇总工会会员、镇党委委员").is_empty());
        assert_eq!(
            codes(doubled("新河村村开展")),
            vec![("W103", "村村".to_owned())]
        );
    }

    #[test]
    fn numbering_gaps_are_found() {
        assert_eq!(
            codes(numbering_gaps("一是甲；二是乙；四是丁。")),
            vec![("W105", "四是".to_owned())]
        );
        assert_eq!(
            codes(numbering_gaps("（1）甲（3）丙")),
            vec![("W105", "（3）".to_owned())]
        );
        assert!(numbering_gaps("一是甲；二是乙；三是丙。").is_empty());
        // A run that continues the label printed before it is checked from there.
        assert!(numbering_gaps_after("（一）甲", "（二）乙（三）丙（四）丁").is_empty());
        assert_eq!(
            codes(numbering_gaps_after("（一）甲", "（二）乙（四）丁")),
            vec![("W105", "（四）".to_owned())]
        );
        assert_eq!(
            codes(numbering_gaps_after("", "（二）乙（三）丙")),
            vec![("W105", "（二）".to_owned())]
        );
        assert!(numbering_gaps("但是可以，于是开始").is_empty());
    }

    #[test]
    fn date_styles_are_recognised() {
        assert_eq!(date_at("2023-03-08起", 0), Some(("2023-03-08", 10)));
        assert_eq!(date_at("2023.3.8", 0), Some(("2023.3.8", 8)));
        assert_eq!(
            date_at("2023年3月8日", 0).map(|d| d.0),
            Some("2023年3月8日")
        );
        assert_eq!(date_at("2023年", 0), None);
        assert_eq!(date_at("12345", 0), None);
    }
}
