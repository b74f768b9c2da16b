//! The 公文 grid, laid out in Rust: every CJK character and full-width mark takes one
//! cell (15.79 pt in the body), lines are broken by GB 避头尾 with one hanging closing
//! mark, and Typst receives each line with every piece at a fixed position.
//!
//! Typst's own line layout squeezes CJK punctuation whenever a line is over-full and
//! trims marks at line starts and ends, with no switch to turn that off; here each
//! line is one paragraph whose pieces are separated by fixed spacing, so none of that
//! applies (no piece is at a line edge, no line is over-full).
//!
//! Half-width runs (`2023`, `1.`, `94.4%`) keep the font's natural widths; in the body
//! a run takes as many whole cells as it needs (a run at most 1 pt wider than its cells
//! still fits them, so four digits take two cells) and sits centred in them, or at the
//! left cell boundary when it starts a line: the hanzi after it starts on the next cell
//! boundary, back on the columns. The centred title has no columns: there a run simply
//! takes its natural width.
//!
//! Two adjacent marks share one cell only when a closing mark is directly followed by
//! an opening one (`”“`, `》《`, `，“`, `、《`, `）（`): the closing mark's ink sits in the
//! left half, the opening mark's in the right half.

use crate::publish::literal::typst_string;
use crate::text::RichText;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use crate::limits::LINE_CELLS;

/// Body cell: 156 mm / 28 characters, in points.
pub const BODY_CELL: f64 = 156.0 * 72.0 / 25.4 / LINE_CELLS as f64;
/// Body size (三号), in points.
pub const BODY_SIZE: f64 = 16.0;
/// Title size (二号), in points: the title's cell is one em.
pub const TITLE_SIZE: f64 = 22.0;
/// Cells in a title line: 156 mm at 22 pt.
pub const TITLE_CELLS: usize = 20;
/// How much wider than its cells a half-width run may be and still fit them.
const HALF_TOLERANCE: f64 = 1.0;

/// Marks that may not begin a line (GB 避头); a closing mark among them may hang.
const NO_START: &str = "，。、；：？！）》”’〕】〉』」〗］｝…—·";
/// Closing marks: ink in the left half of their cell.
const CLOSING: &str = "，。、；：？！）》”’〕】〉』」〗］｝";
/// Opening marks: ink in the right half of their cell; they may not end a line.
const OPENING: &str = "（《“‘〔【〈『「〖［｛";

/// The faces a grid line is set in (the typesetter's roles, without page numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// 小标宋: the title.
    Title,
    /// 仿宋: body text.
    Body,
    /// 黑体: level-1 headings and bold text.
    Hei,
    /// 楷体: level-2 headings.
    Kai,
}

impl Face {
    /// Key in [`Advances`] and in the template's `role=` argument.
    pub fn key(self) -> &'static str {
        match self {
            Face::Title => "title",
            Face::Body => "body",
            Face::Hei => "hei",
            Face::Kai => "kai",
        }
    }

    /// The face named `key` (body text for anything unknown).
    pub fn from_key(key: &str) -> Self {
        match key {
            "title" => Face::Title,
            "hei" => Face::Hei,
            "kai" => Face::Kai,
            _ => Face::Body,
        }
    }
}

/// Font advances (em) of the characters that are not ideographs, per face, for the
/// line breaker; the typesetter measures them and passes them in the template context.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Advances(BTreeMap<String, f64>);

impl Advances {
    /// Records the advance of `c` in `face`; ideographs need none (one em).
    pub fn insert(&mut self, face: Face, c: char, em: f64) {
        if !is_ideograph(c) {
            self.0.insert(key(face, c), em);
        }
    }

    /// The advance of `c` in `face`, in em: one em for ideographs, else the measured
    /// one, else one em for CJK and half an em for anything else.
    fn get(&self, face: Face, c: char) -> f64 {
        if is_ideograph(c) {
            return 1.0;
        }
        self.0
            .get(&key(face, c))
            .copied()
            .unwrap_or(if crate::text::is_cjk(c) { 1.0 } else { 0.5 })
    }
}

fn key(face: Face, c: char) -> String {
    format!("{}:{c}", face.key())
}

/// CJK unified and compatibility ideographs: one em in every face.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The typographic setting of a run of lines.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// Face of the plain text (strong text is always 黑体, a run-in level-2 title
    /// 楷体).
    pub role: Face,
    /// Font size in points.
    pub size: f64,
    /// Cell width in points.
    pub cell: f64,
    /// Cells in a line.
    pub cells: usize,
    /// Whether half-width runs take whole cells (the body's columns); the centred
    /// title has no columns and sets them at their natural width.
    pub snap: bool,
}

impl Setting {
    /// Body text (仿宋) or a heading on the body grid.
    pub fn body(role: Face) -> Self {
        Self {
            role,
            size: BODY_SIZE,
            cell: BODY_CELL,
            cells: LINE_CELLS,
            snap: true,
        }
    }

    /// The title: 二号, one em a cell.
    pub fn title() -> Self {
        Self {
            role: Face::Title,
            size: TITLE_SIZE,
            cell: TITLE_SIZE,
            cells: TITLE_CELLS,
            snap: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Hanzi,
    Opening,
    Closing,
    /// A full-width mark that is neither (…, —, ·).
    Middle,
    /// A run of half-width characters.
    Half,
}

/// One unbreakable unit: a full-width character, or a half-width run.
#[derive(Clone, Debug)]
struct Unit {
    text: String,
    look: Look,
    kind: Kind,
    /// Natural width in points.
    width: f64,
    /// Cells taken when alone.
    cells: usize,
}

impl Unit {
    fn first(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }

    fn no_start(&self) -> bool {
        self.kind != Kind::Half && NO_START.contains(self.first())
    }
}

/// The face a span asks for over its line's own: bold (黑体), 楷体, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    /// The line's face.
    Plain,
    /// Bold: 黑体.
    Strong,
    /// A level-2 title run into its paragraph: 楷体.
    Kai,
}

impl Look {
    fn of(span: &crate::text::Span) -> Self {
        if span.strong {
            Look::Strong
        } else if span.kai {
            Look::Kai
        } else {
            Look::Plain
        }
    }

    /// The face a piece in this look is set in, on a line set in `role`.
    fn face(self, role: Face) -> Face {
        match self {
            Look::Plain => role,
            Look::Strong => Face::Hei,
            Look::Kai => Face::Kai,
        }
    }
}

/// How a character sits on the grid.
fn kind_of(c: char) -> Kind {
    if CLOSING.contains(c) {
        Kind::Closing
    } else if OPENING.contains(c) {
        Kind::Opening
    } else if is_ideograph(c) || (crate::text::is_cjk(c) && !"…—·".contains(c)) {
        Kind::Hanzi
    } else if crate::text::is_cjk(c) {
        Kind::Middle
    } else {
        Kind::Half
    }
}

/// The units of a rich text.
fn units(text: &RichText, setting: Setting, advances: &Advances) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for span in &text.0 {
        let look = Look::of(span);
        let role = look.face(setting.role);
        for c in span.text.chars() {
            let c = if c == '\n' || c == '\r' { ' ' } else { c };
            let kind = kind_of(c);
            let width = advances.get(role, c) * setting.size;
            match out.last_mut() {
                Some(last)
                    if kind == Kind::Half && last.kind == Kind::Half && last.look == look =>
                {
                    last.text.push(c);
                    last.width += width;
                }
                _ => out.push(Unit {
                    text: c.to_string(),
                    look,
                    kind,
                    width,
                    cells: 1,
                }),
            }
        }
    }
    for unit in out.iter_mut().filter(|u| u.kind == Kind::Half) {
        unit.cells = half_cells(unit.width, setting.cell);
    }
    out
}

/// Whole cells a half-width run of `width` points takes.
fn half_cells(width: f64, cell: f64) -> usize {
    (((width - HALF_TOLERANCE) / cell).ceil().max(1.0)) as usize
}

/// Whether `b` shares the cell of `a` (a closing mark followed by an opening one).
fn shares_cell(a: &Unit, b: &Unit) -> bool {
    a.kind == Kind::Closing && b.kind == Kind::Opening
}

/// Whether a line may break between `a` and `b` (避头尾; …… and —— stay together, as
/// … and — may not start a line).
fn may_break(a: &Unit, b: &Unit) -> bool {
    !b.no_start() && a.kind != Kind::Opening
}

/// A line: its units and the cell it starts at.
struct Line {
    units: Vec<Unit>,
    start: usize,
}

/// Breaks units into lines of `setting.cells` cells, the first starting `indent` cells
/// in: greedy, a closing mark that would start a line hangs in the margin, otherwise
/// the break moves back to the last place 避头尾 allows.
fn break_lines(units: Vec<Unit>, setting: Setting, indent: usize) -> Vec<Line> {
    let units = split_wide(units, setting);
    let mut lines = Vec::new();
    let mut start = indent.min(setting.cells.saturating_sub(1));
    let mut pos = 0;
    while pos < units.len() {
        let mut end = fill(&units, pos, setting.cells - start);
        if end == pos {
            // Wider than the line even after splitting: it gets a line of its own.
            end += 1;
        } else if end < units.len() {
            let hangs = units[end].kind == Kind::Closing
                && units
                    .get(end + 1)
                    .is_none_or(|next| may_break(&units[end], next));
            if hangs {
                end += 1;
            } else {
                let mut back = end;
                while back > pos + 1 && !may_break(&units[back - 1], &units[back]) {
                    back -= 1;
                }
                if may_break(&units[back - 1], &units[back]) {
                    end = back;
                }
            }
        }
        lines.push(Line {
            units: units[pos..end].to_vec(),
            start,
        });
        pos = end;
        start = 0;
    }
    lines
}

/// The end of the units from `pos` on that fit in `capacity` cells.
fn fill(units: &[Unit], pos: usize, capacity: usize) -> usize {
    let mut used = 0;
    let mut end = pos;
    while end < units.len() {
        let shared = end > pos && shares_cell(&units[end - 1], &units[end]);
        let cells = if shared { 0 } else { units[end].cells };
        if used + cells > capacity {
            break;
        }
        used += cells;
        end += 1;
    }
    end
}

/// Half-width runs wider than an indented line, cut into pieces that fit one.
fn split_wide(units: Vec<Unit>, setting: Setting) -> Vec<Unit> {
    let most = setting.cells.saturating_sub(2).max(1);
    let mut out = Vec::with_capacity(units.len());
    for mut unit in units {
        while unit.kind == Kind::Half && unit.cells > most && unit.text.chars().count() > 1 {
            let rest = split_half(&mut unit, most, setting);
            out.push(unit);
            unit = rest;
        }
        out.push(unit);
    }
    out
}

/// Cuts a too-wide half-width run after as many characters as fill `capacity` cells;
/// returns the rest.
fn split_half(unit: &mut Unit, capacity: usize, setting: Setting) -> Unit {
    let chars: Vec<char> = unit.text.chars().collect();
    let per_char = unit.width / chars.len().max(1) as f64;
    let fit = ((capacity as f64 * setting.cell) / per_char).floor() as usize;
    let fit = fit.clamp(1, chars.len() - 1);
    let head: String = chars[..fit].iter().collect();
    let tail: String = chars[fit..].iter().collect();
    let head_width = per_char * fit as f64;
    let rest = Unit {
        text: tail,
        look: unit.look,
        kind: Kind::Half,
        width: unit.width - head_width,
        cells: half_cells(unit.width - head_width, setting.cell),
    };
    unit.text = head;
    unit.width = head_width;
    unit.cells = half_cells(head_width, setting.cell);
    rest
}

/// A piece of a line as Typst draws it: text at a fixed x.
struct Piece {
    x: f64,
    text: String,
    look: Look,
    half: bool,
    /// Width as Typst sets it (advances, plus tracking between glyphs).
    width: f64,
    /// Ideographs in the piece when it is a run of them on the columns (it may take
    /// more); 0 for a mark or a half-width run.
    run: usize,
}

/// The pieces of a line: ideographs in runs on the columns, each mark placed in its
/// cell by the side its ink is on, half-width runs centred in their cells.
fn place(line: &Line, setting: Setting, advances: &Advances) -> Vec<Piece> {
    let cell = setting.cell;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut x0 = line.start as f64 * cell;
    for (i, unit) in line.units.iter().enumerate() {
        if i > 0 && shares_cell(&line.units[i - 1], unit) {
            x0 -= cell;
        }
        let role = unit.look.face(setting.role);
        let c = unit.first();
        match unit.kind {
            Kind::Hanzi if advances.get(role, c) == 1.0 => match pieces.last_mut() {
                Some(last)
                    if last.run > 0
                        && last.look == unit.look
                        && (last.x + last.run as f64 * cell - x0).abs() < 0.01 =>
                {
                    last.text.push(c);
                    last.run += 1;
                    last.width += cell;
                }
                _ => pieces.push(Piece {
                    x: x0,
                    text: unit.text.clone(),
                    look: unit.look,
                    half: false,
                    width: setting.size,
                    run: 1,
                }),
            },
            // White space is room, not text: Typst would fold a lone space.
            Kind::Half if unit.text.trim().is_empty() => {}
            Kind::Half => {
                let room = span(unit, setting) - unit.width;
                let offset = if i == 0 { 0.0 } else { (room / 2.0).max(0.0) };
                pieces.push(Piece {
                    x: x0 + offset,
                    text: unit.text.clone(),
                    look: unit.look,
                    half: true,
                    width: unit.width,
                    run: 0,
                });
            }
            _ => {
                let room = cell - unit.width;
                let offset = if room < 0.5 {
                    0.0
                } else if unit.kind == Kind::Opening {
                    room
                } else if unit.kind == Kind::Closing {
                    0.0
                } else {
                    room / 2.0
                };
                pieces.push(Piece {
                    x: x0 + offset,
                    text: unit.text.clone(),
                    look: unit.look,
                    half: false,
                    width: unit.width,
                    run: 0,
                });
            }
        }
        x0 += span(unit, setting);
    }
    pieces
}

/// The room a unit takes on its line, in points.
fn span(unit: &Unit, setting: Setting) -> f64 {
    if unit.kind == Kind::Half && !setting.snap {
        unit.width
    } else {
        unit.cells as f64 * setting.cell
    }
}

/// One line as a Typst call: `#gl(h(…), "…", …)`, every text a string literal; the
/// pieces' x are counted from `offset` right of the block's left edge.
fn line_source(pieces: &[Piece], offset: f64) -> String {
    let mut out = String::from("#gl(");
    let mut cursor = -offset;
    for piece in pieces {
        let gap = piece.x - cursor;
        // Fixed spacing between pieces keeps them apart for Typst: no piece is at a line
        // edge and adjacent marks are never shaped together.
        if gap.abs() >= 0.0005 {
            let _ = write!(out, "h({gap:.3}pt), ");
        } else {
            out.push_str("box(), ");
        }
        let literal = typst_string(&piece.text);
        let text = if piece.half {
            format!("n({literal})")
        } else {
            literal
        };
        match piece.look {
            Look::Strong => {
                let _ = write!(out, "strong({text}), ");
            }
            Look::Kai => {
                // `fonts` is the role table the summary template defines.
                let _ = write!(out, "text(font: fonts.kai, {text}), ");
            }
            Look::Plain => {
                let _ = write!(out, "{text}, ");
            }
        }
        cursor = piece.x + piece.width;
    }
    out.push_str(")\n");
    out
}

/// Rich text set on the grid: one `#gl(…)` line after another, the first line
/// `indent` cells in.
pub fn paragraph(text: &RichText, setting: Setting, indent: usize, advances: &Advances) -> String {
    line_sources(text, setting, indent, advances).concat()
}

/// The body's last paragraph, kept with the signature below it: GB/T 9704 7.3.5 keeps
/// the issuer and date with the text, and the grid's pitch may not change to make room,
/// so lines of the text move to the next page with them. Its last two lines (its only
/// line, if it has one) are one unit that sticks to the signature, so the signature's
/// page always holds the end of a paragraph, never one stray line of it; and its first
/// line sticks to its second, so the paragraph never leaves its first line alone at a
/// page's foot either. That is Word's widow and orphan control, which the .docx sets on
/// the same paragraph: both formats move the same lines.
pub fn kept_paragraph(
    text: &RichText,
    setting: Setting,
    indent: usize,
    advances: &Advances,
) -> String {
    let lines = line_sources(text, setting, indent, advances);
    let tail = lines.len().saturating_sub(2);
    let mut out = String::new();
    if tail > 0 {
        let _ = write!(out, "#keep[\n{}]\n", lines[0]);
        out.push_str(&lines[1..tail].concat());
    }
    if !lines.is_empty() {
        let _ = write!(out, "#tail[\n{}]\n", lines[tail..].concat());
    }
    out
}

/// Each line of a paragraph as its `#gl(…)` call.
fn line_sources(
    text: &RichText,
    setting: Setting,
    indent: usize,
    advances: &Advances,
) -> Vec<String> {
    let units = units(text, setting, advances);
    break_lines(units, setting, indent)
        .iter()
        .map(|line| line_source(&place(line, setting, advances), 0.0))
        .collect()
}

/// One line of text centred in the block on its cells (the title's lines).
pub fn centred(text: &str, setting: Setting, advances: &Advances) -> String {
    let units = units(&RichText::plain(text), setting, advances);
    let width: f64 = units
        .iter()
        .enumerate()
        .filter(|&(i, u)| !(i > 0 && shares_cell(&units[i - 1], u)))
        .map(|(_, u)| span(u, setting))
        .sum();
    let block = LINE_CELLS as f64 * BODY_CELL;
    let offset = (block - width) / 2.0;
    let line = Line { units, start: 0 };
    line_source(&place(&line, setting, advances), offset)
}

/// Cells a run of units takes on one line.
fn occupied_cells(units: &[Unit]) -> usize {
    let mut cells = 0;
    for (i, unit) in units.iter().enumerate() {
        if !(i > 0 && shares_cell(&units[i - 1], unit)) {
            cells += unit.cells;
        }
    }
    cells
}

/// Where one line of the signature stands on the grid: the cell it starts at and the
/// cell after its last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCells {
    /// First cell.
    pub start: usize,
    /// The cell after the last one: `LINE_CELLS - end` cells stay empty at the right.
    pub end: usize,
}

/// The signature's lines on the grid, for the PDF and the .docx alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignatureCells {
    /// The issuer's line, if signed.
    pub issuer: Option<LineCells>,
    /// The date's line, if dated.
    pub date: Option<LineCells>,
}

/// Issuer and date without a seal (GB/T 9704 7.3.5.2), in cells: the issuer two cells
/// in from the right, the date starting two cells right of the issuer; a longer date
/// sits two cells in from the right and the issuer moves left to match. A date alone
/// ends four cells in from the right (as 7.3.5.1 places a date). Every width is the
/// line's real width on the grid: half-width runs take the whole cells they need.
pub fn signature_cells(
    issuer: Option<&str>,
    date: Option<&str>,
    advances: &Advances,
) -> SignatureCells {
    let setting = Setting::body(Face::Body);
    let cells_of = |text: &str| occupied_cells(&units(&RichText::plain(text), setting, advances));
    let date_cells = date.map(cells_of);
    let Some(issuer) = issuer else {
        return SignatureCells {
            issuer: None,
            date: date_cells.map(|cells| {
                let end = LINE_CELLS - 4;
                line_cells(end.saturating_sub(cells), cells)
            }),
        };
    };
    let issuer_cells = cells_of(issuer);
    let right = LINE_CELLS - crate::limits::ISSUER_RIGHT_CELLS;
    let mut issuer_at = right.saturating_sub(issuer_cells);
    let mut date_at = issuer_at + 2;
    if let Some(cells) = date_cells
        && date_at + cells > right
    {
        date_at = right.saturating_sub(cells);
        issuer_at = date_at.saturating_sub(2);
    }
    SignatureCells {
        issuer: Some(line_cells(issuer_at, issuer_cells)),
        date: date_cells.map(|cells| line_cells(date_at, cells)),
    }
}

fn line_cells(start: usize, cells: usize) -> LineCells {
    LineCells {
        start,
        end: start + cells,
    }
}

/// The signature set on the grid: the issuer's line, then the date's, each starting
/// in the cell [`signature_cells`] gives it.
pub fn signature(issuer: Option<&str>, date: Option<&str>, advances: &Advances) -> String {
    let setting = Setting::body(Face::Body);
    let cells = signature_cells(issuer, date, advances);
    let mut out = String::new();
    for (text, at) in [(issuer, cells.issuer), (date, cells.date)] {
        if let (Some(text), Some(at)) = (text, at) {
            let units = units(&RichText::plain(text), setting, advances);
            let line = Line {
                units,
                start: at.start,
            };
            out.push_str(&line_source(&place(&line, setting, advances), 0.0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str, indent: usize) -> Vec<String> {
        let setting = Setting::body(Face::Body);
        let units = units(&RichText::plain(text), setting, &Advances::default());
        break_lines(units, setting, indent)
            .iter()
            .map(|l| l.units.iter().map(|u| u.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_closing_mark_after_a_full_line_hangs() {
        let text = format!("{}。后文", "字".repeat(28));
        assert_eq!(
            lines_of(&text, 0),
            vec![format!("{}。", "字".repeat(28)), "后文".into()]
        );
    }

    #[test]
    fn two_closing_marks_take_a_character_with_them() {
        let text = format!("{}。”后文", "字".repeat(28));
        let lines = lines_of(&text, 0);
        assert_eq!(lines[0], "字".repeat(27));
        assert_eq!(lines[1], "字。”后文");
    }

    #[test]
    fn an_opening_mark_never_ends_a_line() {
        let text = format!("{}《书名》", "字".repeat(27));
        let lines = lines_of(&text, 0);
        assert_eq!(lines[0], "字".repeat(27));
        assert!(lines[1].starts_with('《'));
    }

    #[test]
    fn a_closing_and_an_opening_mark_share_a_cell() {
        let text = format!("{}”“{}", "字".repeat(26), "字".repeat(5));
        let lines = lines_of(&text, 0);
        // 26 + ” (the “ shares its cell) + 1 = 28 cells.
        assert_eq!(lines[0], format!("{}”“字", "字".repeat(26)));
    }

    #[test]
    fn a_half_width_run_wider_than_a_line_is_cut_to_fit() {
        let text = format!("见{}", "a".repeat(200));
        let lines = lines_of(&text, 2);
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines.concat(), text);
        let setting = Setting::body(Face::Body);
        for line in &lines {
            let units = units(
                &RichText::plain(line.as_str()),
                setting,
                &Advances::default(),
            );
            assert!(occupied_cells(&units) <= LINE_CELLS, "{line}");
        }
    }

    #[test]
    fn half_width_runs_take_whole_cells() {
        assert_eq!(half_cells(32.0, BODY_CELL), 2, "four digits of half an em");
        assert_eq!(half_cells(36.0, BODY_CELL), 3);
        assert_eq!(half_cells(8.0, BODY_CELL), 1);
    }
}
