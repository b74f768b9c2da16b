//! report.yaml: the year, the organization, the figures it declares, the parts,
//! sections, items and their sentences, the numbering, the plans, the signature, each
//! read into the [`Year`] with every id unique and every placeholder declared.

use super::inside::placeholder_help;
use super::{Checker, YEARS, at};
use crate::amount;
use crate::diag::{Diagnostic, Location};
use crate::ledger::load::Ledger;
use crate::ledger::model::{
    EntrySpec, FigureDecl, ItemSpec, ReportSpec, SectionSpec, Spanned, is_written,
};
use crate::ledger::template::{FORM_WORDS, FormError, Piece, Placeholder, Template, list_marker};
use crate::ledger::year::{Figure, Item, Located, Plans, Section, Year};
use crate::limits;
use crate::numbering::NumberStyle;
use crate::text::is_identifier;
use std::collections::HashMap;
use std::sync::Arc;

impl Checker {
    pub(super) fn year(&mut self, ledger: &Ledger) -> Option<Year> {
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
            let (title, items) = self.titled_list(
                &file,
                &p.title,
                "下一步工作计划",
                &p.items,
                ("plans.title", "plans.items"),
            );
            Plans {
                title,
                heading: p.heading,
                opening: self.opt_text(&file, &p.opening, "plans.opening"),
                style: p.numbering.as_ref().map(|n| n.value),
                items,
            }
        });
        let opening = self.opt_text(&file, &spec.opening, "opening");
        let closing = self.opt_text(&file, &spec.closing, "closing");
        let signature = spec.signature.as_ref().and_then(|s| {
            let issuer = match (&s.issuer, s.show_issuer) {
                (_, false) => None,
                (Some(i), true) => Some(self.text(&file, i, "signature.issuer")),
                (None, true) => Some(organization.clone()),
            };
            self.issuer_fits(issuer.as_ref(), s.issuer.is_some());
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
    /// without sections is E027. A section under a part may run its （一） heading into
    /// its text (in 楷体).
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
        self.hidden_title(file, item, path, style);
        let (summary, list) =
            self.summary_and_list(file, (&item.summary, &item.list), path, figure_keys);
        let separator = self.separator(file, &item.separator, path);
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
            paragraph: self.paragraph(file, item, path, figure_keys),
            run_in: self.item_run_in(file, item, path),
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
            paragraph: Vec::new(),
            run_in: false,
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
    pub(super) fn placeholders(
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
                Piece::BadForm(raw, why) => {
                    self.bad_form(file, s, field, raw, why);
                    continue;
                }
            };
            if let (Ok(Placeholder { key, yoy: true, .. }), false) =
                (placeholder, self.has_previous)
            {
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
                Ok(key) => {
                    self.push_inside(key);
                    self.push(
                        Diagnostic::error("E023", format!("未声明的数字项 “{key}”"))
                            .at(at(file, s))
                            .field(field)
                            .allowed(figure_keys.iter().copied())
                            .help(placeholder_help(
                                key,
                                figure_keys,
                                "先在 report.yaml 的 figures 中声明它",
                            )),
                    );
                }
                Err(raw) => {
                    self.push_inside(raw);
                    let inner = raw.trim_start_matches('{').trim_end_matches('}').trim();
                    self.push(
                        Diagnostic::error("E023", format!("无法识别的占位符 “{raw}”"))
                            .at(at(file, s))
                            .field(field)
                            .allowed(figure_keys.iter().map(|k| format!("{{{{ {k} }}}}")))
                            .help(placeholder_help(
                                inner,
                                figure_keys,
                                "占位符写作 {{ 数字项的键 }}，例如 {{ visits }}",
                            )),
                    );
                }
            }
        }
    }

    /// E048: the words after a placeholder's `|` are none of the forms a figure can
    /// be written in, two qualifiers, or a form on a 同比; the caret is on the
    /// placeholder.
    fn bad_form(
        &mut self,
        file: &Arc<str>,
        s: &Spanned<String>,
        field: &str,
        raw: &str,
        why: FormError,
    ) {
        let (message, help) = match why {
            FormError::Unknown(word) => (
                format!("占位符 “{raw}” 中不认识的写法 “{word}”"),
                "“|”后面写 中文（写成汉字：三户、两场）或一个限定词（近30人、逾100场、超9.5亿元、约200人、10余件、20多名），例如 {{ households | 中文 }}",
            ),
            FormError::TwoQualifiers(word) => (
                format!("占位符 “{raw}” 写了两个限定词（第二个是 “{word}”）"),
                "一个数字只能有一个限定词（近、逾、超、约、余、多 选一个）；可以再加 中文",
            ),
            FormError::OnYoy(word) => (
                format!("同比 “{raw}” 不能加写法 “{word}”"),
                "同比印成“同比增长20%”这样的文字，没有数字的写法；删去“|”及其后的词",
            ),
        };
        self.push_inside(raw);
        self.push(
            Diagnostic::error("E048", message)
                .at(at(file, s))
                .field(field)
                .allowed(FORM_WORDS)
                .help(help),
        );
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
