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

/// Replaces unescaped `**` pairs on each line by `<strong>` and `</strong>`; an odd one
/// left over on a line stays as written.
pub fn strong_as_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 64);
    for line in markdown.split_inclusive('\n') {
        let delimiters = unescaped_double_stars(line);
        let usable = delimiters.len() - delimiters.len() % 2;
        let mut last = 0;
        for (n, &at) in delimiters[..usable].iter().enumerate() {
            out.push_str(&line[last..at]);
            out.push_str(if n % 2 == 0 { "<strong>" } else { "</strong>" });
            last = at + 2;
        }
        out.push_str(&line[last..]);
    }
    out
}

/// Byte offsets of `**` runs not preceded by a backslash escape.
fn unescaped_double_stars(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                found.push(i);
                i += 2;
            }
            _ => i += 1,
        }
    }
    found
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
