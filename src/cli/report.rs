//! Drawing findings for a person: miette's graphical reports with the source line and
//! a caret under the spot (aligned under wide characters), colour only on a terminal.

use annual_report::Error;
use annual_report::diag::{Diagnostic, Report, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::IsTerminal;

/// Prints every finding of a report to stderr.
pub(super) fn print_findings(report: &Report) {
    let handler = handler();
    for diagnostic in &report.diagnostics {
        let shown = Shown::new(diagnostic, report);
        let mut out = String::new();
        if handler.render_report(&mut out, &shown).is_err() {
            out = format!("{diagnostic}\n");
        }
        eprint!("{out}");
    }
}

/// Prints a build error (and the findings behind it).
pub(super) fn print_error(error: &Error) {
    if let Error::Invalid(report) = error {
        print_findings(report);
    }
    eprintln!("错误：{error}");
}

fn handler() -> GraphicalReportHandler {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

/// A finding in the shape miette draws.
#[derive(Debug)]
struct Shown {
    message: String,
    code: &'static str,
    severity: Severity,
    help: Option<String>,
    source: Option<(CharColumns, SourceSpan, String)>,
}

impl Shown {
    fn new(d: &Diagnostic, report: &Report) -> Self {
        let mut help = Vec::new();
        if !d.allowed.is_empty() {
            help.push(format!("可选值：{}", d.allowed.join("、")));
        }
        if let Some(h) = &d.help {
            help.push(h.clone());
        }
        let label = d
            .field
            .as_ref()
            .map_or_else(|| "此处".to_owned(), |f| format!("字段 {f}"));
        let source = d.location.as_ref().and_then(|loc| {
            let file = report.source_of(loc)?;
            let (text, column, column_shift) = excerpt(&file.text, loc.line, loc.column);
            let span = byte_span(&text, loc.line, column, d.width);
            let named = CharColumns {
                name: file.name.to_string(),
                text,
                column_shift,
            };
            Some((named, span, label.clone()))
        });
        let message = match (&d.location, &source) {
            // Without a source snippet the position still has to be named.
            (Some(loc), None) => format!("{}（{loc}，{label}）", d.message),
            _ => d.message.clone(),
        };
        Self {
            message,
            code: d.code,
            severity: d.severity,
            help: (!help.is_empty()).then(|| help.join("\n")),
            source,
        }
    }
}

/// Characters of a source line shown at most; longer lines are cut with “…”.
const SHOWN_LINE_CHARS: usize = 120;

/// The part of `text` a snippet shows: the line at `line` and one line either side,
/// each at most [`SHOWN_LINE_CHARS`] long, after blank lines that keep the line
/// numbers. A ledger line can be 100,000 characters long; printing it whole buries the
/// message. Returns the text, the column of the spot in it, and how many characters
/// were cut before the spot (added back to the column the header shows).
fn excerpt(text: &str, line: u32, column: u32) -> (String, u32, usize) {
    let index = line.max(1) as usize - 1;
    let first = index.saturating_sub(1);
    let mut out = "\n".repeat(first);
    let mut spot = (column, 0);
    for (n, source_line) in text
        .split('\n')
        .enumerate()
        .skip(first)
        .take(index + 2 - first)
    {
        let chars: Vec<char> = source_line.trim_end_matches('\r').chars().collect();
        let mut skip = 0;
        if n == index && column as usize > SHOWN_LINE_CHARS / 2 {
            // Keep the spot in view: start the line shortly before it.
            skip = (column as usize - SHOWN_LINE_CHARS / 4).min(chars.len());
            out.push('…');
            spot = (column - skip as u32 + 1, skip - 1);
        }
        let shown: String = chars.iter().skip(skip).take(SHOWN_LINE_CHARS).collect();
        out.push_str(&shown);
        if chars.len() > skip + SHOWN_LINE_CHARS {
            out.push('…');
        }
        out.push('\n');
    }
    (out, spot.0, spot.1)
}

/// Byte range of `width` characters starting at 1-based `line` and `column`.
fn byte_span(text: &str, line: u32, column: u32, width: u32) -> SourceSpan {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    let line_text = rest.split('\n').next().unwrap_or("");
    let mut chars = line_text
        .char_indices()
        .skip(column.saturating_sub(1) as usize);
    let start = chars.next().map_or(line_text.len(), |(i, _)| i);
    let end = line_text[start..]
        .char_indices()
        .nth(width as usize)
        .map_or(line_text.len(), |(i, _)| start + i);
    (line_start + start, end - start).into()
}

/// A ledger file as miette's source, reporting columns in characters as every other
/// message does (miette counts bytes, which puts Chinese text at the wrong column).
#[derive(Debug)]
struct CharColumns {
    name: String,
    text: String,
    /// Characters cut from the start of the shown line (see [`excerpt`]).
    column_shift: usize,
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // The column of where the returned contents start (the label itself when no
        // context lines are asked for, which is what the header shows).
        let start = inner.span().offset().min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count() + self.column_shift;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl miette::Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(s, _, _)| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref().map(|(_, span, label)| {
            Box::new(std::iter::once(LabeledSpan::new_with_span(
                Some(label.clone()),
                *span,
            ))) as Box<dyn Iterator<Item = LabeledSpan>>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_spot_keeping_line_and_column() {
        let long: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let text = format!("first\n{long}\nthird\nfourth\n");
        let (shown, column, shift) = excerpt(&text, 2, 500);
        let lines: Vec<&str> = shown.split('\n').collect();
        assert_eq!(lines[0], "first");
        assert!(lines[1].starts_with('…') && lines[1].ends_with('…'));
        assert!(lines[1].chars().count() <= SHOWN_LINE_CHARS + 2);
        assert_eq!(lines[2], "third");
        assert_eq!(column as usize + shift, 500);
        let spot = lines[1].chars().nth(column as usize - 1).unwrap();
        assert_eq!(spot, long.chars().nth(499).unwrap());
    }

    #[test]
    fn short_lines_are_shown_whole_at_their_numbers() {
        let text = "one\ntwo\nthree\nfour\n";
        let (shown, column, shift) = excerpt(text, 3, 2);
        assert_eq!(shown, "\ntwo\nthree\nfour\n");
        assert_eq!((column, shift), (2, 0));
    }
}
