//! Validation: turns the ledger as written into a [`Year`] whose every reference,
//! date and figure is known to be sound, or says precisely what is wrong and where.

use crate::amount::{self, Amount, Reading};
use crate::diag::{Diagnostic, Location, Report};
use crate::ledger::load::Ledger;
use crate::ledger::model::{
    ActivitySpec, EntrySpec, FigureDecl, FigureValue, ItemSpec, OrderedMap, ReportSpec,
    SectionSpec, Spanned, TotalRule, is_written,
};
use crate::ledger::template::{Piece, Placeholder, Template, list_marker};
use crate::ledger::year::{Activity, Figure, Item, Located, Section, Year};
use crate::limits;
use crate::numbering::NumberStyle;
use crate::suggest::{Candidate, suggestions};
use crate::text::is_identifier;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The reporting years a ledger may hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;

/// Control characters other than line feed and tab.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Separators allowed between enumerated entries.
pub const SEPARATORS: &[&str] = &["。", "；"];

/// Checks a loaded ledger, adding findings to `report`; returns the validated year when
/// there are no errors.
pub fn check(ledger: &Ledger, report: &mut Report) -> Option<Year> {
    let mut checker = Checker {
        file: ledger.report_file.clone(),
        found: Vec::new(),
        has_previous: ledger.report.previous.is_some(),
    };
    let year = checker.year(ledger);
    report.diagnostics.append(&mut checker.found);
    report.sort();
    year.filter(|_| report.error_count() == 0)
}

struct Checker {
    file: Arc<str>,
    found: Vec<Diagnostic>,
    /// Whether the report names last year's ledger (for `{{ key.yoy }}`).
    has_previous: bool,
}

fn loc(file: &Arc<str>, line: u64, column: u64) -> Location {
    Location {
        file: file.clone(),
        line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
        column: u32::try_from(column.max(1)).unwrap_or(u32::MAX),
    }
}

fn at<T>(file: &Arc<str>, s: &Spanned<T>) -> Location {
    loc(file, s.referenced.line(), s.referenced.column())
}

impl Checker {
    fn push(&mut self, d: Diagnostic) {
        self.found.push(d);
    }

    fn text(&mut self, file: &Arc<str>, s: &Spanned<String>, field: &str) -> Located<String> {
        if s.value.trim().is_empty() {
            self.push(
                Diagnostic::error("E026", "必填的文字为空")
                    .at(at(file, s))
                    .field(field),
            );
        }
        self.blank_allowed(file, s, field)
    }

    /// A text that may be blank (a website header leaves 发文字号 empty and prints the
    /// field with no value); every other rule of [`Self::text`] holds.
    fn blank_allowed(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: &str,
    ) -> Located<String> {
        // A control character (written as an escape such as "\a", or pasted in) has no
        // glyph and no meaning in a document; Markdown would even replace some of them.
        if let Some(c) = s.value.chars().find(|&c| is_forbidden_control(c)) {
            self.push(
                Diagnostic::error(
                    "E033",
                    format!(
                        "文字中含有控制字符 U+{:04X}，它不可见，也无法排版",
                        c as u32
                    ),
                )
                .at(at(file, s))
                .field(field)
                .help("删除这个字符（多半是从其他软件复制粘贴时带进来的）；换行和制表符可以保留"),
            );
        }
        if let Some(d) = limits::text(&s.value, at(file, s), field) {
            self.push(d);
        }
        Located {
            value: s.value.clone(),
            at: at(file, s),
        }
    }

    fn opt_text(
        &mut self,
        file: &Arc<str>,
        s: &Option<Spanned<String>>,
        field: &str,
    ) -> Option<Located<String>> {
        s.as_ref().map(|s| self.text(file, s, field))
    }

    /// A heading (or its default) and a list of texts under it: the plans, and the
    /// roll-up's members. `title_field` and `list_field` name them in messages.
    fn titled_list(
        &mut self,
        file: &Arc<str>,
        title: &Option<Spanned<String>>,
        default_title: &str,
        entries: &[Spanned<String>],
        (title_field, list_field): (&str, &str),
    ) -> (Located<String>, Vec<Located<String>>) {
        let title = match title {
            Some(t) => self.text(file, t, title_field),
            None => Located {
                value: default_title.into(),
                at: loc(file, 1, 1),
            },
        };
        let entries = entries
            .iter()
            .enumerate()
            .map(|(i, s)| self.text(file, s, &format!("{list_field}[{i}]")))
            .collect();
        (title, entries)
    }

    /// A date as a clerk types it (2023-03-08, 2023-3-8, 2023/3/8, 2023.3.8, 2023年3月8日).
    fn date(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: impl FnOnce() -> String,
    ) -> Option<NaiveDate> {
        let parsed = crate::text::parse_date(&s.value);
        if parsed.is_none() {
            let quoted = s.value.trim().starts_with('“') && s.value.trim().ends_with('”');
            let help = if quoted {
                "去掉中文引号“”：日期不用加引号".to_owned()
            } else if let Some(why) = crate::text::missing_day(&s.value) {
                format!("这一天不存在：{why}")
            } else {
                "日期写作 2023-03-08（也可写 2023年3月8日、2023/3/8、2023.3.8），并且须是日历上存在的日子"
                    .to_owned()
            };
            self.push(
                Diagnostic::error("E020", format!("“{}” 不是有效的日期", s.value))
                    .at(at(file, s))
                    .field(field())
                    .width(s.value.chars().count())
                    .help(help),
            );
        }
        parsed
    }

    fn year(&mut self, ledger: &Ledger) -> Option<Year> {
        let spec = &ledger.report;
        let file = self.file.clone();
        let year = i32::try_from(spec.year.value)
            .ok()
            .filter(|y| YEARS.contains(y));
        if year.is_none() {
            self.push(
                Diagnostic::error("E020", format!("年份 {} 不合理", spec.year.value))
                    .at(at(&file, &spec.year))
                    .field("year")
                    .help("写四位年份，例如 2023"),
            );
        }
        let date = self.date(&file, &spec.date, || "date".to_owned());
        let organization = self.text(&file, &spec.organization.name, "organization.name");
        let short_name = spec
            .organization
            .short_name
            .as_ref()
            .map(|s| self.text(&file, s, "organization.short_name").value)
            .unwrap_or_else(|| organization.value.clone());
        let title = match &spec.title {
            Some(t) => self.text(&file, t, "title"),
            None => Located {
                value: format!("{}年{}工作总结", spec.year.value, organization.value),
                at: organization.at.clone(),
            },
        };
        let title_field = if spec.title.is_some() {
            "title"
        } else {
            "organization.name"
        };
        if let Some(d) = limits::title(&title.value, title.at.clone(), title_field) {
            self.push(d);
        }
        let publication = spec
            .publication
            .0
            .iter()
            .map(|(k, v)| {
                let field = format!("publication.{}", k.value);
                // `发文字号:` with nothing after it is a blank value, not an error.
                let value = v.value.clone().unwrap_or_default();
                let written = Spanned::new(value, v.referenced, v.defined);
                (k.value.clone(), self.blank_allowed(&file, &written, &field))
            })
            .collect();
        let figures = self.figures(&file, spec);
        let mut sections = self.sections(&file, spec);
        self.unique_ids(&file, spec);
        let parts = self.parts(&file, spec, &mut sections);
        self.numbered_lists(&file, spec);
        let plans = spec.plans.as_ref().map(|p| {
            self.titled_list(
                &file,
                &p.title,
                "下一步工作计划",
                &p.items,
                ("plans.title", "plans.items"),
            )
        });
        let opening = self.opt_text(&file, &spec.opening, "opening");
        let closing = self.opt_text(&file, &spec.closing, "closing");
        let signature = spec.signature.as_ref().and_then(|s| {
            let issuer = match (&s.issuer, s.show_issuer) {
                (_, false) => None,
                (Some(i), true) => Some(self.text(&file, i, "signature.issuer")),
                (None, true) => Some(organization.clone()),
            };
            if let Some(issuer) = issuer
                .as_ref()
                .filter(|i| issuer_cells(&i.value) > MAX_ISSUER_CELLS)
            {
                self.push(long_issuer(issuer, s.issuer.is_some()));
            }
            (issuer.is_some() || s.date).then_some((issuer, s.date))
        });
        let note = self.opt_text(&file, &spec.note, "note");
        let rollup = spec.rollup.as_ref().map(|r| {
            self.titled_list(
                &file,
                &r.title,
                "各单位主要数据汇总",
                &r.members,
                ("rollup.title", "rollup.members"),
            )
        });
        let previous = self.opt_text(&file, &spec.previous, "previous");
        let mut year = Year {
            year: year?,
            date: date?,
            organization,
            short_name,
            title,
            url: self
                .opt_text(&file, &spec.url, "url")
                .map(|u| u.value.trim().to_owned()),
            publication,
            figures,
            section_style: section_style(spec),
            parts,
            part_style: spec.numbering.parts.value,
            opening,
            sections,
            plans,
            closing,
            signature,
            note,
            rollup,
            previous,
        };
        let referenced = self.attach_activities(ledger, &mut year);
        if !ledger.logs_incomplete {
            self.items_have_content(&year, &referenced);
        }
        Some(year)
    }

    fn figures(&mut self, file: &Arc<str>, spec: &ReportSpec) -> Vec<Figure> {
        spec.figures
            .0
            .iter()
            .map(|(key, decl)| {
                if !is_identifier(&key.value) {
                    self.push(
                        Diagnostic::error("E028", format!("数字项的键 “{}” 不合规", key.value))
                            .at(at(file, key))
                            .field(format!("figures.{}", key.value))
                            .help("键只能由小写英文字母、数字、下划线和连字符组成，例如 visits"),
                    );
                }
                let field = format!("figures.{}.label", key.value);
                Figure {
                    key: key.value.clone(),
                    label: self.text(file, &decl.label, &field).value,
                    unit: decl
                        .unit
                        .as_ref()
                        .map(|u| u.value.clone())
                        .unwrap_or_default(),
                    total: decl
                        .total
                        .as_ref()
                        .map_or_else(Default::default, |t| t.value),
                    decimals: self.decimals(file, &key.value, decl),
                }
            })
            .collect()
    }

    /// E037: a figure declares at most [`amount::MAX_DECIMALS`] places.
    fn decimals(&mut self, file: &Arc<str>, key: &str, decl: &FigureDecl) -> u8 {
        let Some(decimals) = &decl.decimals else {
            return 0;
        };
        if decimals.value <= amount::MAX_DECIMALS {
            return decimals.value;
        }
        self.push(
            Diagnostic::error(
                "E037",
                format!(
                    "数字项 “{key}” 的小数位数 {} 超出范围，只能是 0 到 {}",
                    decimals.value,
                    amount::MAX_DECIMALS
                ),
            )
            .at(at(file, decimals))
            .field(format!("figures.{key}.decimals"))
            .allowed((0..=amount::MAX_DECIMALS).map(|d| d.to_string()))
            .help("金额以万元计时写 1 或 2，例如 8.5 万元写 decimals: 1"),
        );
        amount::MAX_DECIMALS
    }

    fn sections(&mut self, file: &Arc<str>, spec: &ReportSpec) -> Vec<Section> {
        let default_style = spec.numbering.items.value;
        let figure_keys: Vec<&str> = spec.figures.keys().collect();
        spec.sections
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let item_style = self.section_item_style(file, s, si, default_style);
                let items = s
                    .items
                    .iter()
                    .enumerate()
                    .map(|(ii, item)| {
                        let path = format!("sections[{si}].items[{ii}]");
                        self.item(file, item, &path, item_style, &figure_keys)
                    })
                    .collect();
                Section {
                    id: s.id.value.clone(),
                    title: self.text(file, &s.title, &format!("sections[{si}].title")),
                    heading: s.heading,
                    run_in: s.run_in,
                    part: None,
                    item_style,
                    items,
                }
            })
            .collect()
    }

    /// The top-level parts, each section filed under the part it names (E045: a
    /// section without a part, an unknown part, a part out of order, a part where
    /// none are declared, items numbered （一） under a part's （一） sections); a part
    /// without sections is E027.
    fn parts(
        &mut self,
        file: &Arc<str>,
        spec: &ReportSpec,
        sections: &mut [Section],
    ) -> Vec<(String, Located<String>)> {
        let parts: Vec<(String, Located<String>)> = spec
            .parts
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let title = self.text(file, &p.title, &format!("parts[{pi}].title"));
                (p.id.value.clone(), title)
            })
            .collect();
        let ids: Vec<&str> = parts.iter().map(|(id, _)| id.as_str()).collect();
        let mut last = 0;
        for (si, (s, section)) in spec.sections.iter().zip(sections.iter_mut()).enumerate() {
            let field = format!("sections[{si}].part");
            let part = match (&s.part, parts.is_empty()) {
                (None, true) => continue,
                (Some(p), true) => Err(Diagnostic::error("E045", "没有声明 parts，节不能写 part")
                    .at(at(file, p))
                    .help(
                        "删去 part；要分成“一、总结 二、计划”两部分时，先在 report.yaml 中写 parts",
                    )),
                (None, false) => Err(Diagnostic::error(
                    "E045",
                    format!("节 “{}” 没有写所属部分（part）", s.id.value),
                )
                .at(at(file, &s.id))
                .help("写了 parts 的文件，每一节都要用 part 指明它属于哪个部分")),
                (Some(p), false) => match ids.iter().position(|id| *id == p.value) {
                    None => Err(
                        Diagnostic::error("E045", format!("未知的部分 “{}”", p.value))
                            .at(at(file, p))
                            .width(p.value.chars().count())
                            .help("part 必须是 report.yaml 中 parts 的某个 id"),
                    ),
                    Some(i) if i < last => Err(Diagnostic::error(
                        "E045",
                        format!(
                            "节 “{}” 所属的部分 “{}” 在前面已经结束",
                            s.id.value, p.value
                        ),
                    )
                    .at(at(file, p))
                    .width(p.value.chars().count())
                    .help("同一部分的节要连在一起，并按 parts 的顺序排列")),
                    Some(i) => Ok(i),
                },
            };
            match part {
                Ok(i) => {
                    last = i;
                    section.part = Some(i);
                }
                Err(d) => self.push(d.field(field).allowed(ids.iter().copied())),
            }
            if !parts.is_empty() && s.run_in {
                // A run-in heading is set in the level-1 face (黑体, bold runs); a
                // level-2 （一） heading run into its text has no face of its own yet.
                self.push(
                    Diagnostic::error("E045", "分部分的文件中节是（一）级，不能标题接排")
                        .at(at(file, &s.id))
                        .field(format!("sections[{si}].run_in"))
                        .help("删去 run_in，让（一）级标题单独成行；或删去 parts"),
                );
            }
            if !parts.is_empty()
                && let Some(n) = s.numbering.as_ref().filter(|n| n.value.is_subheading())
            {
                self.subheading_items(file, n, &format!("sections[{si}].numbering"));
            }
        }
        let items = &spec.numbering.items;
        if !parts.is_empty() && items.value.is_subheading() {
            self.subheading_items(file, items, "numbering.items");
        }
        let sections_style = section_style(spec);
        let parts_style = &spec.numbering.parts;
        if !parts.is_empty()
            && sections_style == parts_style.value
            && sections_style != NumberStyle::Unnumbered
        {
            // Two levels numbered alike (一、 under 一、) cannot be told apart. The
            // finding goes where the style is written: the sections' when given, else
            // the parts' (whose style the sections' default repeats).
            let (written, field, other) = if is_written(&spec.numbering.sections) {
                (
                    &spec.numbering.sections,
                    "numbering.sections",
                    "numbering.parts",
                )
            } else {
                (parts_style, "numbering.parts", "numbering.sections")
            };
            self.push(
                Diagnostic::error(
                    "E045",
                    format!(
                        "部分和节用了同一种编号 “{}”，读者分不清层级",
                        sections_style.label(1)
                    ),
                )
                .at(at(file, written))
                .field(field)
                .help(format!(
                    "部分（一级）与节（二级）要用不同的编号，例如部分 一、 节 （一）：改 {field} 或 {other}"
                )),
            );
        }
        for (pi, p) in spec.parts.iter().enumerate() {
            if !sections.iter().any(|s| s.part == Some(pi)) {
                self.push(
                    Diagnostic::error("E027", format!("部分 “{}” 下没有任何节", p.id.value))
                        .at(at(file, &p.id))
                        .field(format!("parts[{pi}].id"))
                        .width(p.id.value.chars().count())
                        .help(format!("给一节写上 part: {}，或删去这个部分", p.id.value)),
                );
            }
        }
        parts
    }

    /// E045: under parts, sections are the （一） level and items the third.
    fn subheading_items(&mut self, file: &Arc<str>, style: &Spanned<NumberStyle>, field: &str) {
        self.push(
            Diagnostic::error("E045", "分部分的文件中节是（一）级，条目不能再按（一）编号")
                .at(at(file, style))
                .field(field)
                .help("条目用 1. 或 1、 编号（三级）；或删去 parts"),
        );
    }

    /// How a section numbers its items: its own setting, else the report's; a run-in
    /// section's paragraphs follow its heading and take no numbers (E035 otherwise).
    fn section_item_style(
        &mut self,
        file: &Arc<str>,
        s: &SectionSpec,
        si: usize,
        default_style: NumberStyle,
    ) -> NumberStyle {
        match (&s.numbering, s.run_in) {
            (Some(n), true) if n.value != NumberStyle::Unnumbered => {
                self.push(
                    Diagnostic::error("E035", "标题接排的节，条目不能编号")
                        .at(at(file, n))
                        .field(format!("sections[{si}].numbering"))
                        .help("删去本节的 numbering（或写“无”），或去掉 run_in 让标题单独成行"),
                );
                NumberStyle::Unnumbered
            }
            (_, true) => NumberStyle::Unnumbered,
            (Some(n), false) => n.value,
            (None, false) => default_style,
        }
    }

    fn item(
        &mut self,
        file: &Arc<str>,
        item: &ItemSpec,
        path: &str,
        style: NumberStyle,
        figure_keys: &[&str],
    ) -> Item {
        let title = self.opt_text(file, &item.title, &format!("{path}.title"));
        if style.is_subheading() && title.is_none() {
            self.push(
                Diagnostic::error("E027", format!("条目 “{}” 缺少小标题", item.id.value))
                    .at(at(file, &item.id))
                    .field(format!("{path}.title"))
                    .help("按（一）编号的条目是小标题，须写 title"),
            );
        }
        if let (false, Some(written)) = (style.is_subheading(), &item.title) {
            self.push(
                Diagnostic::warning(
                    "W002",
                    format!(
                        "条目 “{}” 的小标题不会出现在文中：本节条目按“{}”成段编号，没有小标题",
                        item.id.value,
                        style.label(1)
                    ),
                )
                .at(at(file, written))
                .field(format!("{path}.title"))
                .help("删去 title，或把这句话写进 lead；需要小标题时把编号设为（一）"),
            );
        }
        let (summary, list) =
            self.summary_and_list(file, (&item.summary, &item.list), path, figure_keys);
        let separator = match &item.separator {
            Some(sep) if !SEPARATORS.contains(&sep.value.as_str()) => {
                self.push(
                    Diagnostic::error("E029", format!("分隔符 “{}” 不可用", sep.value))
                        .at(at(file, sep))
                        .field(format!("{path}.separator"))
                        .allowed(SEPARATORS.iter().copied()),
                );
                "。".to_owned()
            }
            Some(sep) => sep.value.clone(),
            None => "。".to_owned(),
        };
        let entries = item
            .entries
            .iter()
            .enumerate()
            .map(|(ei, e)| self.entry(file, e, &format!("{path}.entries[{ei}]"), figure_keys))
            .collect();
        if let (true, Some(first)) = (item.enumerate, item.entries.first()) {
            self.push(
                Diagnostic::error(
                    "E039",
                    format!(
                        "条目 “{}” 有分项（entries），不能再写 enumerate: true",
                        item.id.value
                    ),
                )
                .at(at(file, &first.id))
                .field(format!("{path}.enumerate"))
                .help("分项本身就按“一是……二是……”编号；删去 enumerate，把要编号的活动记到分项下"),
            );
        }
        Item {
            id: item.id.value.clone(),
            at: at(file, &item.id),
            title,
            list,
            lead: self.opt_text(file, &item.lead, &format!("{path}.lead")),
            text: self.opt_text(file, &item.text, &format!("{path}.text")),
            summary,
            summary_at: item
                .summary_at
                .as_ref()
                .map_or_else(Default::default, |p| p.value),
            enumerate: item.enumerate,
            separator,
            activities: Vec::new(),
            entries,
        }
    }

    /// An item's 一是 part, as an item of its own without title, numbering or parts.
    fn entry(
        &mut self,
        file: &Arc<str>,
        entry: &EntrySpec,
        path: &str,
        figure_keys: &[&str],
    ) -> Item {
        let (summary, list) =
            self.summary_and_list(file, (&entry.summary, &entry.list), path, figure_keys);
        Item {
            id: entry.id.value.clone(),
            at: at(file, &entry.id),
            title: None,
            list,
            lead: self.opt_text(file, &entry.lead, &format!("{path}.lead")),
            text: self.opt_text(file, &entry.text, &format!("{path}.text")),
            summary,
            summary_at: entry
                .summary_at
                .as_ref()
                .map_or_else(Default::default, |p| p.value),
            enumerate: false,
            separator: "。".to_owned(),
            activities: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// The summary sentence (every placeholder a declared figure) and the list
    /// sentence (E034 without its `{{ 活动 }}`) of an item or an entry at `path`.
    fn summary_and_list(
        &mut self,
        file: &Arc<str>,
        (summary, list): (&Option<Spanned<String>>, &Option<Spanned<String>>),
        path: &str,
        figure_keys: &[&str],
    ) -> (Option<Located<String>>, Option<Located<String>>) {
        let checked_summary = self.opt_text(file, summary, &format!("{path}.summary"));
        if let Some(s) = summary {
            self.placeholders(file, s, &format!("{path}.summary"), figure_keys);
        }
        let list_field = list;
        let list = self.opt_text(file, list, &format!("{path}.list"));
        if let Some(l) = list.as_ref().filter(|l| list_marker(&l.value).is_none()) {
            self.push(
                Diagnostic::error("E034", "列举句中没有 {{ 活动 }}")
                    .at(l.at.clone())
                    .field(format!("{path}.list"))
                    .help("在要列出活动的位置写 {{ 活动 }}，例如 开展{{ 活动 }}等丰富多彩的活动"),
            );
        }
        // A list sentence may carry the figures too: 开展{{ 活动 }}等活动{{ study }}余次.
        if let Some(l) = list_field
            && let Some((before, after)) = list_marker(&l.value)
        {
            for part in [before, after] {
                self.placeholders_in(file, (l, part), &format!("{path}.list"), figure_keys);
            }
        }
        (checked_summary, list)
    }

    /// Every `{{ key }}` in a summary names a declared figure.
    fn placeholders(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: &str,
        figure_keys: &[&str],
    ) {
        self.placeholders_in(file, (s, &s.value), field, figure_keys);
    }

    /// Every `{{ key }}` in `text`, a part of the field `s`, names a declared figure.
    fn placeholders_in(
        &mut self,
        file: &Arc<str>,
        (s, text): (&Spanned<String>, &str),
        field: &str,
        figure_keys: &[&str],
    ) {
        for piece in Template::parse(text).pieces {
            let placeholder = match piece {
                Piece::Text(_) => continue,
                Piece::Figure(placeholder, _) => Ok(placeholder),
                Piece::Malformed(raw) => Err(raw),
            };
            if let (Ok(Placeholder { key, yoy: true }), false) = (placeholder, self.has_previous) {
                self.push(
                    Diagnostic::error("E031", format!("“{{{{ {key}.yoy }}}}” 需要上年台账"))
                        .at(at(file, s))
                        .field(field)
                        .help("在 report.yaml 中用 previous: 指定上年台账目录，或删去同比"),
                );
            }
            let placeholder = placeholder.map(|p| p.key);
            match placeholder {
                Ok(key) if figure_keys.contains(&key) => {}
                Ok(key) => self.push(
                    Diagnostic::error("E023", format!("未声明的数字项 “{key}”"))
                        .at(at(file, s))
                        .field(field)
                        .allowed(figure_keys.iter().copied())
                        .help("先在 report.yaml 的 figures 中声明它"),
                ),
                Err(raw) => self.push(
                    Diagnostic::error("E023", format!("无法识别的占位符 “{raw}”"))
                        .at(at(file, s))
                        .field(field)
                        .allowed(figure_keys.iter().map(|k| format!("{{{{ {k} }}}}")))
                        .help("占位符写作 {{ 数字项的键 }}，例如 {{ visits }}"),
                ),
            }
        }
    }

    fn unique_ids(&mut self, file: &Arc<str>, spec: &ReportSpec) {
        let mut seen: HashMap<&str, Location> = HashMap::new();
        let ids = spec.sections.iter().flat_map(|s| {
            let items = s
                .items
                .iter()
                .flat_map(|i| std::iter::once(&i.id).chain(i.entries.iter().map(|e| &e.id)));
            std::iter::once(&s.id).chain(items)
        });
        let ids = ids.chain(spec.parts.iter().map(|p| &p.id));
        for id in ids {
            if !is_identifier(&id.value) {
                self.push(
                    Diagnostic::error("E028", format!("编号 “{}” 不合规", id.value))
                        .at(at(file, id))
                        .field("id")
                        .help("id 只能由小写英文字母、数字、下划线和连字符组成，例如 legal-rights"),
                );
            }
            if let Some(first) = seen.get(id.value.as_str()) {
                self.push(
                    Diagnostic::error("E025", format!("重复的 id “{}”", id.value))
                        .at(at(file, id))
                        .field("id")
                        .width(id.value.chars().count())
                        .help(format!("第一次出现在 {first}")),
                );
            } else {
                seen.insert(&id.value, at(file, id));
            }
        }
    }

    /// Files each valid activity under its item; returns the ids of all items that some
    /// activity names, valid or not.
    fn attach_activities(&mut self, ledger: &Ledger, year: &mut Year) -> HashSet<String> {
        // Where an id files an activity: section, item, and the item's entry if any.
        let index: HashMap<String, (usize, usize, Option<usize>)> = year
            .sections
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.items.iter().enumerate().flat_map(move |(ii, i)| {
                    let entries = i
                        .entries
                        .iter()
                        .enumerate()
                        .map(move |(ei, e)| (e.id.clone(), (si, ii, Some(ei))));
                    std::iter::once((i.id.clone(), (si, ii, None))).chain(entries)
                })
            })
            .collect();
        let filed = || {
            year.sections
                .iter()
                .flat_map(|s| &s.items)
                .flat_map(Item::with_entries)
        };
        let item_ids: Vec<String> = filed().map(|i| i.id.clone()).collect();
        let item_words: Vec<(String, Vec<String>)> =
            filed().map(|i| (i.id.clone(), item_words(i))).collect();
        let mut ids: HashMap<String, Location> = HashMap::new();
        let mut referenced = HashSet::new();
        let mut totals: HashMap<&str, Option<u64>> = HashMap::new();
        for log in &ledger.logs {
            for (n, spec) in log.activities.iter().enumerate() {
                if !referenced.contains(&spec.item.value) {
                    referenced.insert(spec.item.value.clone());
                }
                let path = format!("[{n}]");
                let activity = self.activity(&log.file, spec, &path, year);
                if let Some(id) = &spec.id {
                    let here = at(&log.file, id);
                    if let Some(first) = ids.get(&id.value) {
                        self.push(
                            Diagnostic::error("E025", format!("重复的活动 id “{}”", id.value))
                                .at(here)
                                .field(format!("{path}.id"))
                                .help(format!("第一次出现在 {first}")),
                        );
                    } else {
                        ids.insert(id.value.clone(), here);
                    }
                }
                match index.get(spec.item.value.as_str()) {
                    Some(&(si, ii, entry)) => {
                        if let Some(activity) = activity {
                            let figures = (&year.figures[..], &activity.figures[..]);
                            self.add_to_totals(&mut totals, &log.file, spec, figures, &path);
                            let item = &mut year.sections[si].items[ii];
                            match entry {
                                Some(ei) => item.entries[ei].activities.push(activity),
                                None => item.activities.push(activity),
                            }
                        }
                    }
                    None => self.push(
                        Diagnostic::error("E022", format!("未知的条目 “{}”", spec.item.value))
                            .at(at(&log.file, &spec.item))
                            .field(format!("{path}.item"))
                            .width(spec.item.value.chars().count())
                            .allowed(item_ids.iter().cloned())
                            .help(unknown_item_help(&spec.item.value, &item_words)),
                    ),
                }
            }
        }
        self.enumerated_activities(year);
        self.unlisted_names(year);
        self.lists_without_names(year);
        self.unprinted_figures(ledger, year);
        referenced
    }

    /// W003: an activity's short name prints only in its item's list sentence.
    fn unlisted_names(&mut self, year: &Year) {
        let filed = year.sections.iter().flat_map(|s| &s.items);
        for item in filed.flat_map(Item::with_entries) {
            if item.list.is_some() {
                continue;
            }
            for name in item.activities.iter().filter_map(|a| a.name.as_ref()) {
                self.push(
                    Diagnostic::warning(
                        "W003",
                        format!(
                            "条目 “{}” 没有列举句（list），活动简称不会出现在文中",
                            item.id
                        ),
                    )
                    .at(name.at.clone())
                    .field("name")
                    .help(
                        "在 report.yaml 的这个条目写 list，例如 开展{{ 活动 }}等活动；或删去 name",
                    ),
                );
            }
        }
    }

    /// W004: a list sentence with no named activity to list is left out of the text,
    /// and the figures it carries with it.
    fn lists_without_names(&mut self, year: &Year) {
        let filed = year.sections.iter().flat_map(|s| &s.items);
        for item in filed.flat_map(Item::with_entries) {
            let Some(list) = &item.list else { continue };
            if item.activities.iter().any(|a| a.name.is_some()) {
                continue;
            }
            self.push(
                Diagnostic::warning(
                    "W004",
                    format!(
                        "条目 “{}” 的列举句没有可列的活动（没有活动写简称 name），整句不会印出",
                        item.id
                    ),
                )
                .at(list.at.clone())
                .field("list")
                .help("给要列出的活动写上 name（简称），或删去这句列举句"),
            );
        }
    }

    /// W005: a figure recorded under an item (or 一是 entry) that no sentence of it
    /// prints, while another item's sentence does print that figure: the number the
    /// summary shows leaves this record out (it was most likely filed under the wrong
    /// item). A figure no sentence prints is kept for `stats` alone and is not reported.
    /// One finding per item and figure, at the figure of the first activity recording it.
    fn unprinted_figures(&mut self, ledger: &Ledger, year: &Year) {
        let items = year.sections.iter().flat_map(|s| &s.items);
        let printed_anywhere: Vec<&str> = items
            .clone()
            .flat_map(Item::with_entries)
            .flat_map(Item::printed_figure_keys)
            .collect();
        // What each item and entry prints; an entry's activities count in its item's
        // sentences too.
        let mut printed: HashMap<&str, Vec<&str>> = HashMap::new();
        for item in items {
            let own = item.printed_figure_keys();
            for entry in &item.entries {
                let mut by_entry = entry.printed_figure_keys();
                by_entry.extend(&own);
                printed.insert(&entry.id, by_entry);
            }
            printed.insert(&item.id, own);
        }
        let mut reported: HashSet<(&str, &str)> = HashSet::new();
        for log in &ledger.logs {
            for (n, spec) in log.activities.iter().enumerate() {
                let Some(prints) = printed.get(spec.item.value.as_str()) else {
                    continue;
                };
                for (key, _) in &spec.figures.0 {
                    let elsewhere_only = printed_anywhere.contains(&key.value.as_str())
                        && !prints.contains(&key.value.as_str());
                    if elsewhere_only && reported.insert((&spec.item.value, &key.value)) {
                        let here = (at(&log.file, key), format!("[{n}].figures.{}", key.value));
                        self.push(unprinted_figure(
                            &spec.item.value,
                            &key.value,
                            &year.figures,
                            here,
                        ));
                    }
                }
            }
        }
    }

    /// Adds a valid activity's figures (`values`, in the order of `spec`) to the year's
    /// running totals (which bound every other sum), refusing the value that takes one
    /// past [`limits::MAX_FIGURE`].
    fn add_to_totals<'k>(
        &mut self,
        totals: &mut HashMap<&'k str, Option<u64>>,
        file: &Arc<str>,
        spec: &'k ActivitySpec,
        (figures, values): (&[Figure], &[(String, u64)]),
        path: &str,
    ) {
        for ((key, value), (_, n)) in spec.figures.0.iter().zip(values) {
            // `None`: this figure's total was already refused; one message is enough.
            let Some(sum) = *totals.entry(&key.value).or_insert(Some(0)) else {
                continue;
            };
            let decimals = figures
                .iter()
                .find(|f| f.key == key.value)
                .map_or(0, |f| f.decimals);
            let field = || format!("{path}.figures.{}", key.value);
            let here = || at(file, value);
            let total = limits::add_figure((sum, *n), &key.value, decimals, (here, field))
                .map_err(|d| self.push(*d))
                .ok();
            totals.insert(&key.value, total);
        }
    }

    /// Sections, the items of each section and the plans are numbered; refuses more
    /// than [`limits::MAX_ENUMERATED`] of any, at the first one past the limit.
    fn numbered_lists(&mut self, file: &Arc<str>, spec: &ReportSpec) {
        let mut runs: Vec<(&str, &Spanned<String>, usize, String)> = Vec::new();
        if let Some(first_over) = spec.sections.get(limits::MAX_ENUMERATED) {
            runs.push(("节", &first_over.id, spec.sections.len(), "sections".into()));
        }
        for (si, section) in spec.sections.iter().enumerate() {
            if let Some(first_over) = section.items.get(limits::MAX_ENUMERATED) {
                let field = format!("sections[{si}].items");
                runs.push(("条目", &first_over.id, section.items.len(), field));
            }
            for (ii, item) in section.items.iter().enumerate() {
                if let Some(first_over) = item.entries.get(limits::MAX_ENUMERATED) {
                    let field = format!("sections[{si}].items[{ii}].entries");
                    runs.push(("分项", &first_over.id, item.entries.len(), field));
                }
            }
        }
        if let Some(plans) = &spec.plans
            && let Some(first_over) = plans.items.get(limits::MAX_ENUMERATED)
        {
            runs.push(("计划", first_over, plans.items.len(), "plans.items".into()));
        }
        for (what, first_over, count, field) in runs {
            if let Some(d) = limits::enumerated(count, what, at(file, first_over), &field) {
                self.push(d);
            }
        }
    }

    /// The activities of an enumerated item are numbered 一是……; refuses more than
    /// [`limits::MAX_ENUMERATED`] of them, at the first one past the limit.
    fn enumerated_activities(&mut self, year: &Year) {
        for item in year.sections.iter().flat_map(|s| &s.items) {
            let with_text: Vec<&Activity> = item
                .activities
                .iter()
                .filter(|a| a.text.is_some())
                .collect();
            if !item.enumerate || with_text.len() <= limits::MAX_ENUMERATED {
                continue;
            }
            let at = with_text[limits::MAX_ENUMERATED].at.clone();
            if let Some(d) = limits::enumerated(with_text.len(), "活动", at, "item") {
                self.push(d);
            }
        }
    }

    fn activity(
        &mut self,
        file: &Arc<str>,
        spec: &ActivitySpec,
        path: &str,
        year: &Year,
    ) -> Option<Activity> {
        let date = self.date(file, &spec.date, || format!("{path}.date"));
        if let Some(d) = date {
            if d.year() != year.year {
                self.push(
                    Diagnostic::error("E021", format!("活动日期 {d} 不在 {} 年内", year.year))
                        .at(at(file, &spec.date))
                        .field(format!("{path}.date"))
                        .width(spec.date.value.chars().count())
                        .help("台账只记录本年度的活动；往年的活动请放到往年的台账中"),
                );
            } else if d > year.date {
                self.push(
                    Diagnostic::warning("W001", format!("活动日期 {d} 晚于成文日期 {}", year.date))
                        .at(at(file, &spec.date))
                        .field(format!("{path}.date"))
                        .width(spec.date.value.chars().count()),
                );
            }
        }
        let name = self.opt_text(file, &spec.name, &format!("{path}.name"));
        let text = self.opt_text(file, &spec.text, &format!("{path}.text"));
        if let Some(t) = &text {
            let entries = t
                .value
                .lines()
                .filter(|l| crate::text::list_entry(l.trim()).is_some())
                .count();
            let field = format!("{path}.text");
            if let Some(d) = limits::enumerated(entries, "列表项", t.at.clone(), &field) {
                self.push(d);
            }
        }
        let figures = self.figure_values(file, &spec.figures, path, &year.figures);
        if spec.text.is_none() && spec.name.is_none() && spec.figures.0.is_empty() {
            self.push(
                Diagnostic::error("E026", "活动既没有文字也没有数字")
                    .at(at(file, &spec.item))
                    .field(format!("{path}.text"))
                    .help("写上 text（做了什么），或在 figures 中记下数字"),
            );
        }
        let participants = spec
            .participants
            .as_ref()
            .and_then(|p| self.count(&p.value, at(file, p), &|| format!("{path}.participants")));
        Some(Activity {
            id: spec.id.as_ref().map(|i| i.value.clone()),
            date: date?,
            name,
            text,
            figures: figures?,
            place: spec.place.as_ref().map(|p| p.value.clone()),
            villages: spec.villages.iter().map(|v| v.value.clone()).collect(),
            participants,
            at: at(file, &spec.date),
        })
    }

    fn figure_values(
        &mut self,
        file: &Arc<str>,
        values: &OrderedMap<Spanned<FigureValue>>,
        path: &str,
        figures: &[Figure],
    ) -> Option<Vec<(String, u64)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (key, value) in &values.0 {
            // Built only for a message: most values have none.
            let field = || format!("{path}.figures.{}", key.value);
            let Some(figure) = figures.iter().find(|f| f.key == key.value) else {
                ok = false;
                self.push(
                    Diagnostic::error("E023", format!("未声明的数字项 “{}”", key.value))
                        .at(at(file, key))
                        .field(field())
                        .width(key.value.chars().count())
                        .allowed(figures.iter().map(Figure::named))
                        .help("先在 report.yaml 的 figures 中声明它，或改成已声明的键"),
                );
                continue;
            };
            match self.amount(&value.value, (figure, figures), at(file, value), &field) {
                Some(n) => out.push((key.value.clone(), n)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A whole number of at least 0 (participants).
    fn count(
        &mut self,
        value: &FigureValue,
        here: Location,
        field: &dyn Fn() -> String,
    ) -> Option<u64> {
        let whole = Figure {
            key: String::new(),
            label: String::new(),
            unit: String::new(),
            total: TotalRule::Sum,
            decimals: 0,
        };
        self.amount(value, (&whole, &[]), here, field)
    }

    /// A value of `figure`, in units of its last declared place; a located message for
    /// a negative number, text, too many places (naming the figures of `all` that take
    /// decimals when the figure is a whole number) or a number past the limit.
    fn amount(
        &mut self,
        value: &FigureValue,
        (figure, all): (&Figure, &[Figure]),
        here: Location,
        field: &dyn Fn() -> String,
    ) -> Option<u64> {
        // The common case, a whole number within the limit, without reading it as text.
        if let FigureValue::Integer(n) = value
            && let Some(scaled) = u64::try_from(*n)
                .ok()
                .and_then(|n| n.checked_mul(10u64.checked_pow(u32::from(figure.decimals))?))
                .filter(|&scaled| scaled <= limits::MAX_FIGURE)
        {
            return Some(scaled);
        }
        let written = match value {
            FigureValue::Integer(n) => n.to_string(),
            FigureValue::Other(text) => text.clone(),
        };
        let written = match amount::without_unit(&written, &figure.unit, &figure.label) {
            Ok(number) => number.to_owned(),
            Err(mismatch) => {
                let message = Diagnostic::error("E024", mismatch.to_string());
                self.push(
                    message
                        .at(here)
                        .field(field())
                        .width(written.chars().count()),
                );
                return None;
            }
        };
        let refused =
            match amount::read(&written, figure.decimals) {
                Reading::Value(n) => {
                    return limits::figure_value(figure.amount(n), here, field)
                        .map_err(|d| self.push(*d))
                        .ok();
                }
                Reading::TooLarge => Diagnostic::error(
                    "E040",
                    format!(
                        "数字 {written} 过大，不能超过 {}",
                        figure.amount(limits::MAX_FIGURE)
                    ),
                )
                .help("数字项记录的是次数、人数等；请核对是否多写了位数"),
                Reading::Negative => Diagnostic::error("E024", format!("数字 {written} 不能为负"))
                    .help(if figure.decimals == 0 {
                        "数字项记录的是次数、人数等，只能是 0 或正整数"
                    } else {
                        "数字项记录的是次数、人数、金额等，只能是 0 或正数"
                    }),
                Reading::TooManyPlaces(_) if figure.decimals == 0 => {
                    Diagnostic::error("E024", format!("“{written}” 不是整数"))
                        .help(whole_number_help(figure, all))
                }
                Reading::TooManyPlaces(places) => Diagnostic::error(
                    "E036",
                    format!(
                        "“{written}” 有 {places} 位小数，数字项 “{}” 只保留 {} 位",
                        figure.key, figure.decimals
                    ),
                )
                .help(format!(
                    "写成 {}；需要更多位小数时，改 report.yaml 中 figures.{}.decimals",
                    rounded_example(&written, figure.decimals),
                    figure.key
                )),
                Reading::NotANumber => {
                    let what = if figure.decimals == 0 {
                        "整数"
                    } else {
                        "数字"
                    };
                    Diagnostic::error("E024", format!("“{written}” 不是{what}"))
                        .help(figure_text_help(&written, &figure.key, figure.decimals))
                }
            };
        let refused = refused.at(here).field(field());
        // A caret under the whole text, as for any value written as text.
        self.push(match value {
            FigureValue::Other(_) => refused.width(written.chars().count()),
            FigureValue::Integer(_) => refused,
        });
        None
    }

    /// An item (or an item's 一是 entry) needs fixed text or at least one activity
    /// (valid or not: an invalid one has its own message); an item's entries are its
    /// content too.
    fn items_have_content(&mut self, year: &Year, referenced: &HashSet<String>) {
        for (si, section) in year.sections.iter().enumerate() {
            for (ii, item) in section.items.iter().enumerate() {
                let path = format!("sections[{si}].items[{ii}]");
                let parts = item.entries.iter().enumerate().map(|(ei, e)| {
                    let path = format!("{path}.entries[{ei}]");
                    (e, path)
                });
                let parts: Vec<(&Item, String)> = std::iter::once((item, path.clone()))
                    .filter(|(i, _)| i.entries.is_empty())
                    .chain(parts)
                    .collect();
                for (item, path) in parts {
                    if item.text.is_some() || referenced.contains(&item.id) {
                        continue;
                    }
                    self.push(
                        Diagnostic::error(
                            "E027",
                            format!("条目 “{}” 既没有固定文字也没有活动", item.id),
                        )
                        .at(item.at.clone())
                        .width(item.id.chars().count())
                        .field(format!("{path}.text"))
                        .help(format!(
                            "给条目写上 text，或在活动台账中添加 item: {} 的活动",
                            item.id
                        )),
                    );
                }
            }
        }
    }
}

/// How sections are numbered: as written, else 一、, or （一） under parts.
fn section_style(spec: &ReportSpec) -> NumberStyle {
    let written = &spec.numbering.sections;
    if spec.parts.is_empty() || is_written(written) {
        written.value
    } else {
        NumberStyle::ChineseParen
    }
}

/// The help of a decimal in a whole-number figure: which figures take decimals, or how
/// to declare them.
fn whole_number_help(figure: &Figure, all: &[Figure]) -> String {
    if figure.key.is_empty() {
        // Not a figure: the participants of an activity.
        return "这里只能写 0 或正整数，例如 30".to_owned();
    }
    let decimal: Vec<String> = all
        .iter()
        .filter(|f| f.decimals > 0)
        .map(|f| format!("{}（{} 位）", f.named(), f.decimals))
        .collect();
    let what = format!("数字项 {} 只能写 0 或正整数", figure.named());
    if decimal.is_empty() {
        format!("{what}；要记 8.5 这样的小数，在 report.yaml 中给数字项写 decimals: 1")
    } else {
        format!("{what}；可以写小数的数字项：{}", decimal.join("、"))
    }
}

/// `written` cut to `decimals` places, as an example of what the figure takes.
pub(crate) fn rounded_example(written: &str, decimals: u8) -> String {
    let Some((whole, fraction)) = written.trim().split_once('.') else {
        return written.to_owned();
    };
    // 四舍五入 needs only the first dropped digit: the rest can be as long as it likes.
    let kept_places = usize::from(decimals) + 1;
    let head: String = fraction.chars().take(kept_places).collect();
    let rounded = amount::read(&format!("{whole}.{head}"), decimals + 1);
    let Reading::Value(scaled) = rounded else {
        return written.to_owned();
    };
    let up = (scaled + 5) / 10;
    // Past the limit rounding up would be refused in turn: cut instead.
    let kept = if up <= limits::MAX_FIGURE {
        up
    } else {
        scaled / 10
    };
    Amount::new(kept, decimals).to_string()
}

/// W005 for the figure `key` of an activity filed under `item`, at `here`.
fn unprinted_figure(
    item: &str,
    key: &str,
    figures: &[Figure],
    (at, field): (Location, String),
) -> Diagnostic {
    let label = figures
        .iter()
        .find(|f| f.key == key)
        .map_or(key, |f| f.label.as_str());
    Diagnostic::warning(
        "W005",
        format!(
            "条目 “{item}” 的活动记了“{label}”，但这个条目的句子不印这个数字：总结里印出的“{label}”是别的条目的合计，不含这一条"
        ),
    )
    .at(at)
    .field(field)
    .width(key.chars().count())
    .help(format!(
        "把这条活动记到印这个数字的条目下；或在这个条目的汇总句里也写 {{{{ {key} }}}}"
    ))
}

/// The widest issuer a signature line holds: the 28 cells of a line less the two it
/// ends in from the right margin (GB/T 9704 7.3.5.2).
const MAX_ISSUER_CELLS: usize = 26;

/// The cells an issuer's name takes on the grid, near enough for a warning: a Chinese
/// character one cell, a Latin letter or digit half of one.
fn issuer_cells(name: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    name.trim().width().div_ceil(2)
}

/// W006: an issuer too long for one signature line wraps onto a second one.
fn long_issuer(issuer: &Located<String>, written: bool) -> Diagnostic {
    let field = if written {
        "signature.issuer"
    } else {
        "organization.name"
    };
    Diagnostic::warning(
        "W006",
        format!(
            "落款单位名称占 {} 格，一行最多 {MAX_ISSUER_CELLS} 格，落款会折成两行",
            issuer_cells(&issuer.value)
        ),
    )
    .at(issuer.at.clone())
    .field(field)
    .help("在 signature.issuer 写上较短的落款名称（如去掉上级单位的全称）")
}

/// The help for a figure written as text: the number to write when one is in there
/// (全角 digits, 10余, 近30, 30+), and where the words around it belong: in the summary
/// sentence around the figure `key` (before it for 近 and 约), or nowhere for a count
/// of participants (`key` empty). `new`, the page and import say the same.
pub(crate) fn figure_text_help(text: &str, key: &str, decimals: u8) -> String {
    let ascii = crate::text::ascii_digits(text.trim());
    if matches!(amount::read(&ascii, decimals), Reading::Value(_)) {
        return format!("把全角数字改成半角：写 {ascii}");
    }
    let digits: String = ascii.chars().filter(char::is_ascii_digit).collect();
    let rest: String = ascii
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim()
        .to_owned();
    match (digits.is_empty(), rest.as_str()) {
        (false, "") => format!("把全角数字改成半角：写 {digits}"),
        (false, "余" | "多" | "近" | "约" | "+" | "余次" | "余人" | "左右") if key.is_empty() =>
        {
            format!("参加人数只写数字：写 {digits}，不写“{rest}”")
        }
        (false, word @ ("近" | "约")) => format!(
            "这里写 {digits}；“{word}”属于句子，写在 report.yaml 的汇总句里，例如 {word}{{{{ {key} }}}}"
        ),
        (false, "余" | "多" | "+" | "余次" | "余人" | "左右") => format!(
            "这里写 {digits}；“{rest}”属于句子，写在 report.yaml 的汇总句里，例如 {{{{ {key} }}}}{rest}"
        ),
        _ if decimals > 0 => {
            format!("数字项 “{key}” 只能写 0 或正数，最多 {decimals} 位小数，例如 8.5，不能写汉字")
        }
        _ => "数字项只能写 0 或正整数，例如 3，不能写小数或汉字".to_owned(),
    }
}

/// The words a clerk may remember an item by.
fn item_words(item: &Item) -> Vec<String> {
    [&item.title, &item.lead, &item.text]
        .into_iter()
        .flatten()
        .map(|t| t.value.clone())
        .collect()
}

/// The help of E022: the items the clerk most likely meant, by spelling or by words.
fn unknown_item_help(typed: &str, items: &[(String, Vec<String>)]) -> String {
    let candidates: Vec<Candidate> = items
        .iter()
        .map(|(id, words)| Candidate {
            id,
            words: words.iter().map(String::as_str).collect(),
        })
        .collect();
    match suggestions(typed, &candidates).as_slice() {
        [] => "item 必须是 report.yaml 中某个条目的 id".to_owned(),
        found => format!(
            "是不是想写 {}？item 必须是 report.yaml 中某个条目的 id",
            found
                .iter()
                .map(|id| format!("“{id}”"))
                .collect::<Vec<_>>()
                .join("或")
        ),
    }
}
