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

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
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
    }
}
