//! The validated year: what `check` makes of a ledger and every later stage reads.
//! Each value keeps the place it was written, for the messages of later stages.

use crate::amount::Amount;
use crate::diag::Location;
use crate::ledger::model::{SummaryPlace, TotalRule};
use crate::ledger::template::Template;
use crate::numbering::NumberStyle;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A value with the place in the ledger it was written.
#[derive(Clone, Debug, Serialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub at: Location,
}

/// A declared figure.
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    /// Key used in activity logs and summary placeholders.
    pub key: String,
    /// What is counted.
    pub label: String,
    /// Unit, possibly empty.
    pub unit: String,
    /// How its values make a total.
    pub total: TotalRule,
    /// Declared decimal places; every value and total of it is in units of the last.
    pub decimals: u8,
}

impl Figure {
    /// The column heading of the figure: its label with the unit, 接待来访（件）.
    pub fn heading(&self) -> String {
        if self.unit.is_empty() {
            self.label.clone()
        } else {
            format!("{}（{}）", self.label, self.unit)
        }
    }

    /// The key with what it counts, for lists of allowed keys: visits（接待妇女来访）.
    pub fn named(&self) -> String {
        format!("{}（{}）", self.key, self.label)
    }

    /// A value or total of this figure (in units of its last place) with its precision.
    pub fn amount(&self, scaled: u64) -> Amount {
        Amount::new(scaled, self.decimals)
    }
}

/// A validated activity.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    /// Optional identifier.
    pub id: Option<String>,
    /// The day.
    pub date: NaiveDate,
    /// Short name for the item's list sentence.
    pub name: Option<Located<String>>,
    /// What was done, when written.
    pub text: Option<Located<String>>,
    /// Counted figures in the order written, each in units of its figure's last
    /// declared place.
    pub figures: Vec<(String, u64)>,
    /// Where.
    pub place: Option<String>,
    /// Villages or communities involved.
    pub villages: Vec<String>,
    /// Number of participants.
    pub participants: Option<u64>,
    /// The group of its item's paragraph it prints in.
    pub tag: Option<String>,
    /// Where the entry starts in its log.
    pub at: Location,
}

/// A validated item with its activities (in log order; aggregation sorts them).
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Identifier.
    pub id: String,
    /// Where the item's id is written, for findings about the item as a whole.
    pub at: Location,
    /// Sub-heading text.
    pub title: Option<Located<String>>,
    /// First sentence.
    pub lead: Option<Located<String>>,
    /// Fixed text.
    pub text: Option<Located<String>>,
    /// Closing sentence with `{{ key }}` placeholders.
    pub summary: Option<Located<String>>,
    /// The sentence listing the activities' names where `{{ 活动 }}` stands.
    pub list: Option<Located<String>>,
    /// Where the summary sentence stands.
    pub summary_at: SummaryPlace,
    /// Enumerate activities as 一是……二是…….
    pub enumerate: bool,
    /// Punctuation between enumerated entries.
    pub separator: String,
    /// The entries that belong here.
    pub activities: Vec<Activity>,
    /// The item's 一是/二是 parts, each an item of its own (no title, never
    /// enumerated, no parts) with its own activities.
    pub entries: Vec<Item>,
    /// The paragraph written part by part; when not empty, the fields above that
    /// compose a paragraph (lead to entries) are all empty.
    pub paragraph: Vec<Piece>,
    /// Whether the title runs into the first paragraph.
    pub run_in: bool,
}

/// One part of an item's paragraph.
#[derive(Clone, Debug, Serialize)]
pub enum Piece {
    /// A fixed sentence.
    Text(Located<String>),
    /// A sentence with the item's figures.
    Summary(Located<String>),
    /// A group of the item's activities.
    Activities(Group),
}

/// Which of an item's activities a paragraph's group prints, and how.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// The tag the activities carry; none for the rest (`all`).
    pub tag: Option<String>,
    /// The months (1–12) they fall in; empty for any month.
    pub months: Vec<u32>,
    /// 一是……二是…….
    pub enumerate: bool,
    /// Punctuation between enumerated activities.
    pub separator: String,
}

impl Group {
    /// Whether the group takes `activity` by its tag and month (a group of the rest
    /// takes any activity no tagged group took: see [`Item::group_of`]).
    fn selects(&self, activity: &Activity) -> bool {
        let tag = self.tag.is_none() || self.tag == activity.tag;
        tag && (self.months.is_empty() || self.months.contains(&activity.date.month()))
    }
}

impl Item {
    /// The sentences that print the item's figures, with their field names: its
    /// summary and its list sentence.
    pub fn figure_sentences(&self) -> impl Iterator<Item = (&'static str, &Located<String>)> {
        let summary = self.summary.iter().map(|s| ("summary", s));
        let pieces = self.paragraph.iter().filter_map(|piece| match piece {
            Piece::Summary(s) => Some(("paragraph.summary", s)),
            _ => None,
        });
        summary
            .chain(self.list.iter().map(|l| ("list", l)))
            .chain(pieces)
    }

    /// The figure keys its own sentences print, in order of first use (an entry's
    /// activities are printed by its parent item's sentences too: callers add those).
    pub fn printed_figure_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for (_, sentence) in self.figure_sentences() {
            for key in Template::parse(&sentence.value).figure_keys() {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The item and its 一是 parts: every place an activity can be filed.
    pub fn with_entries(&self) -> impl Iterator<Item = &Item> {
        std::iter::once(self).chain(&self.entries)
    }

    /// Number of activities of the item and its parts.
    pub fn activity_count(&self) -> usize {
        self.with_entries().map(|i| i.activities.len()).sum()
    }

    /// Whether its paragraph, written part by part, has a fixed sentence: content
    /// of its own, without activities.
    pub fn has_fixed_text(&self) -> bool {
        self.paragraph.iter().any(|p| matches!(p, Piece::Text(_)))
    }

    /// The index in [`Item::paragraph`] of the group that prints `activity`: the
    /// first tagged group that takes it, else the first group of the rest that does;
    /// none when no group does (the check warns, W007).
    pub fn group_of(&self, activity: &Activity) -> Option<usize> {
        let groups = || {
            self.paragraph
                .iter()
                .enumerate()
                .filter_map(|(i, piece)| match piece {
                    Piece::Activities(group) if group.selects(activity) => Some((i, group)),
                    _ => None,
                })
        };
        let tagged = groups().find(|(_, g)| g.tag.is_some());
        tagged.or_else(|| groups().next()).map(|(i, _)| i)
    }
}

/// A validated section.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// Identifier.
    pub id: String,
    /// Heading text.
    pub title: Located<String>,
    /// Whether the heading is printed (and takes a section number).
    pub heading: bool,
    /// Whether the heading runs into the first paragraph.
    pub run_in: bool,
    /// The index in [`Year::parts`] of the part it belongs to, when there are parts.
    pub part: Option<usize>,
    /// How its items are numbered.
    pub item_style: NumberStyle,
    /// Its items.
    pub items: Vec<Item>,
}

/// The whole ledger, checked.
#[derive(Clone, Debug, Serialize)]
pub struct Year {
    /// Reporting year.
    pub year: i32,
    /// Document date.
    pub date: NaiveDate,
    /// Organization's full name.
    pub organization: Located<String>,
    /// Organization's short name.
    pub short_name: String,
    /// Document title.
    pub title: Located<String>,
    /// Address of the published page.
    pub url: Option<String>,
    /// Website metadata in order.
    pub publication: Vec<(String, Located<String>)>,
    /// Declared figures in order.
    pub figures: Vec<Figure>,
    /// Section numbering.
    pub section_style: NumberStyle,
    /// The top-level parts (一、2022年工作总结) above the sections, when the document
    /// has them: id and heading text.
    pub parts: Vec<(String, Located<String>)>,
    /// Part numbering.
    pub part_style: NumberStyle,
    /// Opening text, when the summary has one.
    pub opening: Option<Located<String>>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// The plans for next year.
    pub plans: Option<Plans>,
    /// Closing text, when the summary has one.
    pub closing: Option<Located<String>>,
    /// Issuer name (none when only the date is signed) and whether to print the date.
    pub signature: Option<(Option<Located<String>>, bool)>,
    /// 附注 line.
    pub note: Option<Located<String>>,
    /// Roll-up table title and member directories.
    pub rollup: Option<(Located<String>, Vec<Located<String>>)>,
    /// Last year's ledger directory.
    pub previous: Option<Located<String>>,
}

/// The plans: a heading (the next section's number) with numbered paragraphs, or,
/// without the heading, a numbering block of their own after a bridging paragraph.
#[derive(Clone, Debug, Serialize)]
pub struct Plans {
    /// Heading text (下一步工作计划 unless written).
    pub title: Located<String>,
    /// Whether the heading prints.
    pub heading: bool,
    /// The bridging paragraph(s) before the plans.
    pub opening: Option<Located<String>>,
    /// The numbering written for the plans, if any.
    pub style: Option<NumberStyle>,
    /// One paragraph each.
    pub items: Vec<Located<String>>,
}

impl Year {
    /// The part whose first section is section `si`: its heading prints before it.
    pub fn part_starting_at(&self, si: usize) -> Option<&(String, Located<String>)> {
        let part = self.sections[si].part?;
        let previous = si.checked_sub(1).and_then(|p| self.sections[p].part);
        (previous != Some(part)).then(|| &self.parts[part])
    }

    /// Every ledger text that reaches the document, with its field name, in document
    /// order.
    pub fn texts(&self) -> Vec<(&'static str, &Located<String>)> {
        let mut out = vec![
            ("title", &self.title),
            ("organization.name", &self.organization),
        ];
        out.extend(self.opening.iter().map(|o| ("opening", o)));
        for (si, section) in self.sections.iter().enumerate() {
            if let Some(part) = self.part_starting_at(si) {
                out.push(("parts.title", &part.1));
            }
            out.push(("title", &section.title));
            for item in section.items.iter().flat_map(Item::with_entries) {
                let fields = [
                    ("title", &item.title),
                    ("lead", &item.lead),
                    ("text", &item.text),
                    ("list", &item.list),
                    ("summary", &item.summary),
                ];
                out.extend(
                    fields
                        .into_iter()
                        .filter_map(|(f, t)| t.as_ref().map(|t| (f, t))),
                );
                out.extend(item.paragraph.iter().filter_map(|piece| match piece {
                    Piece::Text(t) => Some(("paragraph.text", t)),
                    Piece::Summary(s) => Some(("paragraph.summary", s)),
                    Piece::Activities(_) => None,
                }));
                out.extend(item.activities.iter().flat_map(|a| {
                    let name = a.name.as_ref().map(|n| ("name", n));
                    name.into_iter().chain(a.text.as_ref().map(|t| ("text", t)))
                }));
            }
        }
        if let Some(plans) = &self.plans {
            out.push(("plans.title", &plans.title));
            out.extend(plans.opening.iter().map(|o| ("plans.opening", o)));
            out.extend(plans.items.iter().map(|p| ("plans.items", p)));
        }
        out.extend(self.closing.iter().map(|c| ("closing", c)));
        if let Some((Some(issuer), _)) = &self.signature {
            out.push(("signature.issuer", issuer));
        }
        out.extend(self.note.iter().map(|n| ("note", n)));
        out
    }
}
