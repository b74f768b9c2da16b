//! The ledger as written in YAML: `report.yaml` and the activity logs. Every value a
//! message may need to point at is a [`Spanned`] so it keeps its line and column.
//!
//! Unknown fields are refused everywhere: a misspelt field is an error, not a silently
//! ignored line of the ledger.

use crate::numbering::NumberStyle;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
pub use serde_saphyr::Spanned;
use std::fmt;

/// `report.yaml`: what the document is and how it is organised.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// The year the summary reports on.
    pub year: Spanned<i64>,
    /// Who reports.
    pub organization: Organization,
    /// The document title; default `{year}年{organization.name}工作总结`.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// The date of the document, `YYYY-MM-DD`.
    pub date: Spanned<String>,
    /// Address of the published page, for the QR code on the website version.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Website metadata, in the site's order: field name → value.
    #[serde(default)]
    pub publication: OrderedMap<Spanned<String>>,
    /// Declared figures: key → label and unit.
    #[serde(default)]
    pub figures: OrderedMap<FigureDecl>,
    /// Numbering styles.
    #[serde(default)]
    pub numbering: NumberingSpec,
    /// The opening paragraph(s); blank lines separate paragraphs.
    pub opening: Spanned<String>,
    /// The sections in the order the document gives them.
    pub sections: Vec<SectionSpec>,
    /// Next year's plans, numbered after the last section.
    #[serde(default)]
    pub plans: Option<PlansSpec>,
    /// The closing paragraph(s).
    pub closing: Spanned<String>,
    /// Issuer name and date under the text (GB/T 9704 7.3.5), when wanted.
    #[serde(default)]
    pub signature: Option<SignatureSpec>,
    /// The 附注 line under the date, e.g. `（此件公开发布）`.
    #[serde(default)]
    pub note: Option<Spanned<String>>,
}

/// The reporting organization.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Full name as in the title: 茶盘洲镇妇联.
    pub name: Spanned<String>,
    /// Short name used inside sentences: 镇妇联.
    #[serde(default)]
    pub short_name: Option<Spanned<String>>,
}

/// A figure that activities may count.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDecl {
    /// What is counted: 来访.
    pub label: Spanned<String>,
    /// The unit: 件.
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
}

/// Numbering styles for the levels of the document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberingSpec {
    /// Sections: default `一、`.
    #[serde(default = "default_section_style")]
    pub sections: Spanned<NumberStyle>,
    /// Items inside a section: default `1.`.
    #[serde(default = "default_item_style")]
    pub items: Spanned<NumberStyle>,
}

impl Default for NumberingSpec {
    fn default() -> Self {
        Self {
            sections: default_section_style(),
            items: default_item_style(),
        }
    }
}

fn unlocated<T>(value: T) -> Spanned<T> {
    let nowhere = serde_saphyr::Location::UNKNOWN;
    Spanned::new(value, nowhere, nowhere)
}

fn default_section_style() -> Spanned<NumberStyle> {
    unlocated(NumberStyle::ChineseComma)
}

fn default_item_style() -> Spanned<NumberStyle> {
    unlocated(NumberStyle::ArabicDot)
}

/// One numbered part of the document (一、…).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// Identifier activities do not use directly but messages and templates do.
    pub id: Spanned<String>,
    /// The heading text after its number.
    pub title: Spanned<String>,
    /// Item numbering for this section only.
    #[serde(default)]
    pub numbering: Option<Spanned<NumberStyle>>,
    /// The items in order.
    pub items: Vec<ItemSpec>,
}

/// One numbered paragraph (or sub-heading with its text) of a section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// Identifier that activities name in their `item` field.
    pub id: Spanned<String>,
    /// Sub-heading text, used when items are numbered （一）.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// First sentence of the paragraph.
    #[serde(default)]
    pub lead: Option<Spanned<String>>,
    /// Fixed text, for work that was not a list of dated events.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// Closing sentence; `{{ key }}` is replaced by the item's summed figure.
    #[serde(default)]
    pub summary: Option<Spanned<String>>,
    /// Enumerate the activities as 一是……二是…….
    #[serde(default)]
    pub enumerate: bool,
    /// Punctuation between enumerated entries: `。` (default) or `；`.
    #[serde(default)]
    pub separator: Option<Spanned<String>>,
}

/// The plans for next year.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlansSpec {
    /// Heading: default 下一步工作计划.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// One numbered paragraph each.
    pub items: Vec<Spanned<String>>,
}

/// Issuer and date below the text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureSpec {
    /// The issuing organization's name; default the organization's name.
    #[serde(default)]
    pub issuer: Option<Spanned<String>>,
    /// Print the document date under the issuer (default yes).
    #[serde(default = "yes")]
    pub date: bool,
}

fn yes() -> bool {
    true
}

/// One entry of an activity log.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivitySpec {
    /// Optional identifier, unique across the ledger.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// The day, `YYYY-MM-DD`.
    pub date: Spanned<String>,
    /// The item of report.yaml it belongs to.
    pub item: Spanned<String>,
    /// What was done; may be omitted when the entry only counts figures.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// Counts, by declared figure key.
    #[serde(default)]
    pub figures: OrderedMap<Spanned<FigureValue>>,
    /// Where.
    #[serde(default)]
    pub place: Option<Spanned<String>>,
    /// Villages or communities involved.
    #[serde(default)]
    pub villages: Vec<Spanned<String>>,
    /// Number of participants.
    #[serde(default)]
    pub participants: Option<Spanned<FigureValue>>,
}

/// A figure as written: whatever scalar the clerk typed, judged by the check stage so
/// that `1.5`, `-2` or `十` get a located message rather than a parser error.
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
