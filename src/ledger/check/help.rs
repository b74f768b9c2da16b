//! Help texts for figures written wrong, shared by the check of a ledger and by the
//! places that take a figure from a clerk (`new`, the page, `import`), so that all of
//! them say the same.

use crate::amount::{self, Amount, Reading};
use crate::limits;

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
