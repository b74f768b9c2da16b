//! The website page: Markdown → HTML through pulldown-cmark, with the one correction
//! Chinese text needs, and the QR code of the page's address.

use pulldown_cmark::{Options, Parser, html};

/// Converts the summary's Markdown to an HTML fragment.
///
/// Ledger text in the Markdown is fully escaped by the `md` filter, so the only
/// unescaped `**` are the emphasis the ledger asked for. CommonMark's flanking rules
/// leave `**重点工作：**完成了` literal (a closing `**` after punctuation and before a
/// CJK letter is not right-flanking); those pairs are therefore turned into
/// `<strong>` before parsing, in source order.
pub fn markdown_to_html(markdown: &str) -> String {
    let prepared = strong_as_html(markdown);
    let mut out = String::with_capacity(prepared.len() * 2);
    // Tables for a county roll-up; nothing else beyond CommonMark.
    html::push_html(&mut out, Parser::new_ext(&prepared, Options::ENABLE_TABLES));
    out
}

/// Replaces unescaped `**` pairs on each line by `<strong>` and `</strong>`, and `*`
/// pairs (a 楷体 run: a level-2 title run into its paragraph) by `<em class="kai">`
/// and `</em>`; an odd one of either left over on a line stays as written. A run of
/// three stars is where one closes and the other opens (`*（一）标题。***重点**`).
pub fn strong_as_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 64);
    for line in markdown.split_inclusive('\n') {
        let marks = emphasis_marks(line);
        let count = |strong: bool| marks.iter().filter(|m| m.strong == strong).count();
        // The last mark of a kind with no partner stays literal.
        let usable = |strong: bool| count(strong) - count(strong) % 2;
        let (strong_usable, kai_usable) = (usable(true), usable(false));
        let (mut strong_seen, mut kai_seen) = (0, 0);
        let mut last = 0;
        for mark in &marks {
            let (seen, usable, open, close) = if mark.strong {
                (&mut strong_seen, strong_usable, "<strong>", "</strong>")
            } else {
                (&mut kai_seen, kai_usable, "<em class=\"kai\">", "</em>")
            };
            if *seen >= usable {
                continue;
            }
            out.push_str(&line[last..mark.at]);
            out.push_str(if *seen % 2 == 0 { open } else { close });
            *seen += 1;
            last = mark.at + mark.len();
        }
        out.push_str(&line[last..]);
    }
    out
}

/// One emphasis delimiter of a line: `**` (bold) or `*` (楷体) at byte `at`.
struct Mark {
    at: usize,
    strong: bool,
}

impl Mark {
    fn len(&self) -> usize {
        if self.strong { 2 } else { 1 }
    }
}

/// The unescaped emphasis delimiters of a line, in order. A run of stars is read as
/// pairs, an odd one left as a single star: after the 楷体 run it closes when one is
/// open, else it opens after the pairs.
fn emphasis_marks(line: &str) -> Vec<Mark> {
    let bytes = line.as_bytes();
    let mut marks = Vec::new();
    let mut kai_open = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'*' => {
                let run = bytes[i..].iter().take_while(|&&b| b == b'*').count();
                let single = run % 2 == 1;
                let mut at = i;
                if single && kai_open {
                    marks.push(Mark { at, strong: false });
                    at += 1;
                }
                for _ in 0..run / 2 {
                    marks.push(Mark { at, strong: true });
                    at += 2;
                }
                if single && !kai_open {
                    marks.push(Mark { at, strong: false });
                }
                kai_open ^= single;
                i += run;
            }
            _ => i += 1,
        }
    }
    marks
}

/// An inline SVG QR code of `url`, or `None` when it is too long to encode.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(132, 132)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_emphasis_becomes_strong() {
        let html = markdown_to_html("**重点工作：**完成了\\*\\*字面\\*\\*。\n");
        assert_eq!(html, "<p><strong>重点工作：</strong>完成了**字面**。</p>\n");
    }

    #[test]
    fn a_kai_run_becomes_em_beside_bold() {
        let html = markdown_to_html("*（一）标题。***重点**正文\\*。\n");
        assert_eq!(
            html,
            "<p><em class=\"kai\">（一）标题。</em><strong>重点</strong>正文*。</p>\n"
        );
        let lone = markdown_to_html("*（一）标题。正文\n");
        assert_eq!(lone, "<p>*（一）标题。正文</p>\n");
    }

    #[test]
    fn escaped_markup_stays_text() {
        let html = markdown_to_html("\\<script\\>alert(1)\\</script\\> \\[a\\](javascript:x)\n");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<a"), "{html}");
    }

    #[test]
    fn qr_code_is_svg() {
        let svg = qr_svg("https://www.example.gov.cn/a/b.html").unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("</svg>"));
    }
}
