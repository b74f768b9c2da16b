//! Every diagnostic code the tool gives, with what it finds, in one list: the codes are
//! stable (scripts and `check --format json` readers match on them), so a new one is
//! added here, and the tests below hold the list against the source and the README's
//! tables.

/// A diagnostic code and its one-line summary (the README's tables say the same).
pub struct Code {
    /// The code: `E` an error, `W` a warning, then three digits.
    pub code: &'static str,
    /// What the code finds, in Chinese.
    pub summary: &'static str,
}

use super::Severity;

const fn code(code: &'static str, summary: &'static str) -> Code {
    Code { code, summary }
}

/// Every code, errors then warnings, in numeric order.
pub const CODES: &[Code] = &[
    code("E001", "文件或目录无法读取"),
    code("E002", "文件不是 UTF-8 编码"),
    code("E003", "文件为空"),
    code("E010", "未知字段"),
    code("E011", "缺少必填字段"),
    code("E012", "重复的键"),
    code("E013", "不认识的取值（如编号样式、合计方式）"),
    code("E014", "取值的类型不对（如布尔值写成了文字）"),
    code("E015", "文件超出解析限制（嵌套过深、别名过多）"),
    code("E016", "文件意外结束（内容不完整）"),
    code("E017", "引用了未定义的锚点（*名称）"),
    code("E018", "YAML 语法错误"),
    code("E019", "中文输入法的误输入（如键后面的全角冒号）"),
    code("E020", "日期或年份无效"),
    code("E021", "活动日期不在本年度内"),
    code("E022", "活动的 item 不是任何条目的 id"),
    code("E023", "未声明的数字项，或无法识别的占位符"),
    code("E024", "数字为负、不是整数或不是数字"),
    code("E025", "重复的 id"),
    code("E026", "必填的文字为空，或活动既没有文字也没有数字"),
    code(
        "E027",
        "条目缺少小标题、既没有文字也没有活动，或部分下没有节",
    ),
    code("E028", "id 或数字项的键不合规"),
    code("E029", "分隔符不可用"),
    code("E030", "字符在所用字体中没有字形"),
    code("E031", "同比（.yoy）需要上年台账"),
    code("E032", "找不到上年或成员的台账目录"),
    code("E033", "文字中含有控制字符"),
    code("E034", "列举句中没有 {{ 活动 }}"),
    code("E035", "标题接排的节给条目编了号"),
    code("E036", "小数位数多于数字项的声明"),
    code("E037", "数字项的小数位数超出 0–4"),
    code("E038", "成员台账与本台账的小数位数不同，无法汇总"),
    code("E039", "有分项（entries）的条目写了 enumerate: true"),
    code("E040", "数字过大"),
    code("E041", "数字项的合计超过上限"),
    code("E042", "连续编号的项超过 9999 项"),
    code("E043", "标题超过 100 字"),
    code("E044", "文字超过 10 万字"),
    code("E045", "部分（parts）与节的编排或编号有误"),
    code(
        "E046",
        "条目的 paragraph 写法有误（与它取代的字段同写、部分没有或有两种内容、月份不对）",
    ),
    code("E047", "接排的条目标题（run_in）没有 title"),
    code(
        "E048",
        "占位符中“|”后面的数字写法不认识（可写 中文、近、逾、超、约、余、多）",
    ),
    code("W001", "活动日期晚于成文日期"),
    code("W002", "条目的小标题不会出现（本节成段编号）"),
    code("W003", "活动简称不会印出（条目没有列举句）"),
    code("W004", "列举句没有可列的活动，整句不会印出"),
    code("W005", "活动记下的数字本条目不印，印出的合计不含这一条"),
    code("W006", "落款单位名称超过一行"),
    code(
        "W007",
        "按 paragraph 逐部分写的条目中，有活动不在任何一组里，不会印出",
    ),
    code(
        "W030",
        "字符在所用字体中没有字形（--allow-missing-glyphs 时）",
    ),
    code("W101", "括号、书名号或引号不成对"),
    code("W102", "中文里用了半角标点"),
    code("W103", "字词重复（如“街道街道”）"),
    code("W104", "同一句话在文中重复出现"),
    code("W105", "手写的序号不连续（一是、三是）"),
    code("W106", "汇总句中的数字为零"),
    code("W107", "某一节没有任何条目"),
    code("W108", "段落过长"),
    code("W109", "日期写法不统一"),
    code("W110", "init 写入的示例活动还在台账里"),
    code("W111", "还有“待填写”的内容"),
    code("W112", "文中出现重复的标点（如“。。”）"),
    code("W113", "错别字（如“提实提高”“再接再励”）"),
    code("W114", "标有引号或书名号的并列成分之间用了顿号"),
];

/// Whether `code` is one of [`CODES`], and of `severity` by its letter: every finding
/// is made through this check in debug builds, so a test that reaches a new code
/// unregistered fails.
pub fn is_registered(code: &str, severity: Severity) -> bool {
    let letter = match severity {
        Severity::Error => 'E',
        Severity::Warning => 'W',
    };
    code.starts_with(letter) && CODES.iter().any(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `"E123"` or `"W123"` literal in `text`.
    fn code_literals(text: &str) -> Vec<&str> {
        let bytes = text.as_bytes();
        (0..bytes.len().saturating_sub(5))
            .filter(|&i| {
                let w = &bytes[i..i + 6];
                w[0] == b'"'
                    && matches!(w[1], b'E' | b'W')
                    && w[2..5].iter().all(u8::is_ascii_digit)
                    && w[5] == b'"'
            })
            .map(|i| &text[i + 1..i + 5])
            .collect()
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("src is readable").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The codes written as literals anywhere in `src/` but this file.
    fn codes_in_source() -> BTreeSet<String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files
            .iter()
            .filter(|p| !p.ends_with("diag/codes.rs"))
            .flat_map(|p| {
                let text = std::fs::read_to_string(p).expect("source is UTF-8");
                code_literals(&text)
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Asserts that `found` (where, e.g. "the source") holds exactly the codes of
    /// [`CODES`], naming those it lacks and those it has beyond them.
    fn assert_registered(found: &BTreeSet<String>, place: &str) {
        let registered: BTreeSet<String> = CODES.iter().map(|c| c.code.to_owned()).collect();
        let lacking: Vec<_> = registered.difference(found).collect();
        let extra: Vec<_> = found.difference(&registered).collect();
        assert!(
            lacking.is_empty(),
            "registered codes missing from {place}: {lacking:?}"
        );
        assert!(
            extra.is_empty(),
            "codes in {place} but not in CODES: {extra:?}"
        );
    }

    #[test]
    fn the_source_gives_exactly_the_registered_codes() {
        assert_registered(&codes_in_source(), "the source");
    }

    #[test]
    fn the_list_is_in_order_without_repeats() {
        let codes: Vec<&str> = CODES.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert!(CODES.iter().all(|c| !c.summary.is_empty()));
    }

    /// The codes in the first column of the README's tables (`| W101 | … |`).
    fn codes_in_readme() -> BTreeSet<String> {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = std::fs::read_to_string(readme).expect("README.md is readable");
        text.lines()
            .filter_map(|line| line.strip_prefix("| ")?.split_once(" |"))
            .map(|(first, _)| first.trim())
            .filter(|cell| {
                cell.len() == 4
                    && cell.starts_with(['E', 'W'])
                    && cell[1..].bytes().all(|b| b.is_ascii_digit())
            })
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_readme_lists_every_code_and_no_other() {
        assert_registered(&codes_in_readme(), "the README's tables");
    }

    #[test]
    fn a_code_is_registered_with_its_severity() {
        assert!(is_registered("W112", Severity::Warning));
        assert!(!is_registered("W112", Severity::Error));
        assert!(!is_registered("E999", Severity::Error));
    }
}
