//! "Did you mean": the identifiers a mistyped one most likely stands for, found by
//! spelling (a typo in the id) or by meaning (the clerk typed words of the title).

/// Something that can be named by its id or recognised by its words.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    /// The identifier to suggest.
    pub id: &'a str,
    /// Texts a clerk may remember it by: title, lead, label.
    pub words: Vec<&'a str>,
}

/// The ids `typed` most likely means, best first: ids within a small edit distance,
/// then ids whose words contain what was typed (维权 → legal-rights when its lead
/// reads 进一步加大维权力度). At most three.
pub fn suggestions<'a>(typed: &str, candidates: &[Candidate<'a>]) -> Vec<&'a str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Vec::new();
    }
    let lower = typed.to_lowercase();
    let mut by_spelling: Vec<(usize, &'a str)> = candidates
        .iter()
        .filter_map(|c| {
            let distance = edit_distance(&lower, &c.id.to_lowercase());
            let tolerated = (c.id.chars().count() / 3).max(1);
            (distance <= tolerated).then_some((distance, c.id))
        })
        .collect();
    by_spelling.sort();
    let by_meaning = candidates.iter().filter(|c| {
        c.words
            .iter()
            .any(|w| w.contains(typed) || (typed.chars().count() >= 2 && typed.contains(w.trim())))
    });
    let mut out: Vec<&'a str> = by_spelling.into_iter().map(|(_, id)| id).collect();
    for c in by_meaning {
        if !out.contains(&c.id) {
            out.push(c.id);
        }
    }
    out.truncate(3);
    out
}

/// Edit distance over characters, two neighbours swapped counting as one edit (the
/// optimal string alignment distance): `stduy` is one slip from `study`, which a plain
/// Levenshtein distance of 2 would put beyond a short id's tolerance.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the distance table.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (previous[j - 1] + cost)
                .min(row[j - 1] + 1)
                .min(previous[j] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Candidate<'static>> {
        vec![
            Candidate {
                id: "legal-rights",
                words: vec!["进一步加大维权力度。"],
            },
            Candidate {
                id: "children",
                words: vec!["积极为儿童办实事。"],
            },
            Candidate {
                id: "skills-training",
                words: vec!["助力妇女创业就业。"],
            },
        ]
    }

    #[test]
    fn typos_and_words_of_the_title_find_the_item() {
        assert_eq!(suggestions("legal-right", &items()), ["legal-rights"]);
        assert_eq!(suggestions("Childern", &items()), ["children"]);
        assert_eq!(suggestions("维权", &items()), ["legal-rights"]);
        assert_eq!(suggestions("儿童", &items()), ["children"]);
    }

    #[test]
    fn nothing_alike_suggests_nothing() {
        assert!(suggestions("volunteers", &items()).is_empty());
        assert!(suggestions("", &items()).is_empty());
        assert!(suggestions("党建", &items()).is_empty());
    }

    #[test]
    fn distance_counts_characters() {
        assert_eq!(edit_distance("维权", "维权工作"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("stduy", "study"), 1);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn a_short_id_with_two_letters_swapped_is_found() {
        let ids = [Candidate {
            id: "jobs",
            words: vec![],
        }];
        assert_eq!(suggestions("jbos", &ids), ["jobs"]);
        assert!(suggestions("sboj", &ids).is_empty());
    }
}
