//! Typst string literals: the only form in which ledger text reaches Typst, so that
//! nothing a clerk writes is ever read as Typst markup or code. Used by the template
//! filters, the grid's lines and the font dictionary.

/// Writes `s` as a Typst string literal: only `\`, `"` and control characters need
/// escaping, and inside a literal nothing is markup or code.
pub fn typst_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_only_what_typst_reads() {
        assert_eq!(typst_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            typst_string("#read(\"/etc/passwd\")"),
            r##""#read(\"/etc/passwd\")""##
        );
        assert_eq!(typst_string("x\ny\u{7}"), "\"x\\ny\\u{7}\"");
        assert_eq!(typst_string("$*_@<>[]//"), "\"$*_@<>[]//\"");
    }
}
