//! Breaking a long title into centred lines of balanced length (a trapezoid or
//! diamond), never inside a number, a Latin word, or a common word of titles.

/// Characters per title line: 156 mm at 22 pt.
pub const TITLE_CHARS_PER_LINE: usize = 20;

/// Words a title line break must not split.
const WORDS: &[&str] = &[
    "工作总结",
    "工作报告",
    "工作",
    "总结",
    "报告",
    "关于",
    "妇联",
    "团委",
    "团工委",
    "工会",
    "街道",
    "政府",
    "委员会",
    "办公室",
    "年度",
    "上半年",
    "下半年",
];

/// The lines of `title`: one when it fits, else as few as needed, as equal as
/// possible, the longer ones first.
pub fn title_lines(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let n = chars.len();
    if n <= TITLE_CHARS_PER_LINE {
        return vec![title.to_owned()];
    }
    let lines = n.div_ceil(TITLE_CHARS_PER_LINE);
    let penalty = break_penalties(&chars);
    let inf = f64::INFINITY;
    // rows[k]: least cost to set chars[..i] in k lines, and where line k starts, for
    // the i of band(k) only.
    let mut rows = vec![Row {
        start: 0,
        best: vec![0.0],
        from: vec![0],
    }];
    let ideal = n as f64 / lines as f64;
    for k in 1..=lines {
        let (lo, hi) = band(n, lines, k);
        let prev = &rows[k - 1];
        let mut row = Row {
            start: lo,
            best: vec![inf; hi + 1 - lo],
            from: vec![0; hi + 1 - lo],
        };
        for i in lo..=hi {
            let first = i.saturating_sub(TITLE_CHARS_PER_LINE);
            for (j, &break_cost) in penalty.iter().enumerate().take(i).skip(first) {
                let before = prev.best_at(j);
                if before == inf || (j > 0 && break_cost == inf) {
                    continue;
                }
                let len = (i - j) as f64;
                // Balanced lines, the longer ones first (a trapezoid).
                let shape =
                    (len - ideal).powi(2) + if k > 1 && len > ideal + 0.5 { 2.0 } else { 0.0 };
                let cost = before + shape + if j > 0 { break_cost } else { 0.0 };
                if cost < row.best[i - lo] {
                    row.best[i - lo] = cost;
                    row.from[i - lo] = j;
                }
            }
        }
        rows.push(row);
    }
    if rows[lines].best_at(n) == inf {
        // Nothing but forbidden breaks: fall back to plain equal lines.
        return chars
            .chunks(n.div_ceil(lines))
            .map(|c| c.iter().collect())
            .collect();
    }
    let mut cuts = vec![n];
    let mut i = n;
    for k in (1..=lines).rev() {
        i = rows[k].from[i - rows[k].start];
        cuts.push(i);
    }
    cuts.reverse();
    cuts.windows(2)
        .map(|w| chars[w[0]..w[1]].iter().collect())
        .collect()
}

/// The costs of the title's first `i` characters set in `k` lines, kept only for the
/// `i` in `start..start + best.len()`.
struct Row {
    start: usize,
    best: Vec<f64>,
    from: Vec<usize>,
}

impl Row {
    /// The least cost for the first `i` characters; infinite outside the row's band.
    fn best_at(&self, i: usize) -> f64 {
        i.checked_sub(self.start)
            .and_then(|offset| self.best.get(offset))
            .copied()
            .unwrap_or(f64::INFINITY)
    }
}

/// The `i` (first `i` of `n` characters) that line `k` of `lines` can end at: each
/// line holds at most [`TITLE_CHARS_PER_LINE`], so the lines after `k` must still take
/// the rest. The band is narrower than a line, so the tables grow linearly with the
/// title, not with its square.
fn band(n: usize, lines: usize, k: usize) -> (usize, usize) {
    let lo = n.saturating_sub((lines - k) * TITLE_CHARS_PER_LINE).max(k);
    let hi = (k * TITLE_CHARS_PER_LINE).min(n);
    (lo, hi)
}

/// The cost of breaking before character `i`: infinite inside a number, a Latin word
/// or one of [`WORDS`], before a closing mark and after an opening one; cheap after 年
/// and before 关于 or the closing 工作总结.
fn break_penalties(chars: &[char]) -> Vec<f64> {
    let n = chars.len();
    let mut penalty = vec![1.0; n + 1];
    for i in 1..n {
        let (a, b) = (chars[i - 1], chars[i]);
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            penalty[i] = f64::INFINITY;
        }
        if a.is_ascii_digit() && b == '年' {
            penalty[i] = f64::INFINITY;
        }
        if a == '年' || "（《“".contains(b) {
            penalty[i] = 0.0;
        }
        // GB 避头尾: no line starts with a closing mark or ends with an opening one.
        if "，。、；：？！）》”’〕】…—·".contains(b) || "（《“‘〔【".contains(a)
        {
            penalty[i] = f64::INFINITY;
        }
    }
    let text: String = chars.iter().collect();
    for word in WORDS {
        for (byte, _) in text.match_indices(word) {
            let start = text[..byte].chars().count();
            let len = word.chars().count();
            for inside in &mut penalty[start + 1..start + len] {
                *inside = f64::INFINITY;
            }
            if *word == "关于" || *word == "工作总结" {
                penalty[start] = penalty[start].min(0.0);
            }
        }
    }
    penalty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_stay_on_one_line() {
        assert_eq!(
            title_lines("2023年茶盘洲镇妇联工作总结"),
            vec!["2023年茶盘洲镇妇联工作总结"]
        );
    }

    #[test]
    fn long_titles_break_balanced_and_whole() {
        let lines =
            title_lines("2024年沅江市茶盘洲镇人民政府办公室关于全年重点工作落实情况的工作总结");
        assert_eq!(lines.len(), 2, "{lines:?}");
        let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(lens.iter().all(|&l| l <= TITLE_CHARS_PER_LINE), "{lines:?}");
        assert!(lens[0].abs_diff(lens[1]) <= 4, "{lines:?}");
        assert!(lens[0] >= lens[1], "trapezoid: {lines:?}");
        for line in &lines {
            assert!(
                !line.starts_with("作") && !line.starts_with("总结") && !line.ends_with("工"),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn the_tables_grow_linearly_with_the_title() {
        for n in [21usize, 40, 41, 399, 20_000] {
            let lines = n.div_ceil(TITLE_CHARS_PER_LINE);
            let cells: usize = (1..=lines)
                .map(|k| {
                    let (lo, hi) = band(n, lines, k);
                    assert!(lo <= hi, "{n} {k}");
                    hi + 1 - lo
                })
                .sum();
            assert!(cells <= lines * TITLE_CHARS_PER_LINE, "{n}: {cells} cells");
        }
        let title = "茶盘洲镇妇联工作总结".repeat(2_000);
        let lines = title_lines(&title);
        assert_eq!(lines.len(), 1_000);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= TITLE_CHARS_PER_LINE)
        );
        assert_eq!(lines.concat(), title);
    }

    #[test]
    fn marks_follow_the_rules_of_line_starts_and_ends() {
        let lines =
            title_lines("关于贯彻落实《中华人民共和国妇女权益保障法》“巾帼建新功”行动的工作总结");
        for line in &lines {
            assert!(!line.starts_with(['》', '”', '，', '。']), "{lines:?}");
            assert!(!line.ends_with(['《', '“']), "{lines:?}");
        }
    }

    #[test]
    fn numbers_are_never_split() {
        let lines = title_lines("关于2024年1234567890ABCDEFGHIJ项目和其他若干重要事项的工作总结");
        for w in lines.windows(2) {
            let a = w[0].chars().last().unwrap();
            let b = w[1].chars().next().unwrap();
            assert!(
                !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()),
                "{lines:?}"
            );
        }
    }
}
