//! Which forms of the page were already saved: each add form carries a key of its
//! own, and the journal in the ledger directory remembers the recent keys with the
//! entry each one wrote. A form sent again (the browser retrying after the server
//! was killed mid-answer, a double click that reached it twice) finds its key and its
//! entry, and is answered as saved instead of adding the entry a second time.
//!
//! The key is written to the journal before the entry's log is replaced, both under
//! the ledger's lock: a crash between the two leaves a key whose entry is not in its
//! log, and a retry then adds it. So a key counts only together with its entry.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The journal's file in the ledger directory (hidden, never read as a ledger).
pub const JOURNAL_FILE: &str = ".annual-report.submissions";

/// Keys kept: the journal is cut back to this many when it reaches twice as many.
const KEPT: usize = 500;

/// The longest key accepted (the page's keys are 32 hexadecimal digits).
const MAX_KEY_CHARS: usize = 64;

/// One saved form.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    /// The form's key.
    key: String,
    /// The log it was added to.
    file: PathBuf,
    /// The entry's YAML as appended.
    yaml: String,
}

/// Whether `key` can name a submission: a short run of letters, digits, `-` and `_`.
pub fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The journal of `dir`, as read now; a missing or unreadable journal is empty (it
/// only ever saves a duplicate, never an entry).
fn read(dir: &Path) -> Vec<Saved> {
    let Ok(text) = std::fs::read_to_string(dir.join(JOURNAL_FILE)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The log and entry a form with `key` saved, if the journal has it.
pub(super) fn find(dir: &Path, key: &str) -> Option<(PathBuf, String)> {
    read(dir)
        .into_iter()
        .rev()
        .find(|saved| saved.key == key)
        .map(|saved| (saved.file, saved.yaml))
}

/// Records that the form `key` adds `yaml` to `file` (before the log is written).
pub(super) fn record(dir: &Path, key: &str, file: &Path, yaml: &str) -> std::io::Result<()> {
    let mut saved = read(dir);
    if saved.len() >= 2 * KEPT {
        saved.drain(..saved.len() - KEPT);
    }
    saved.push(Saved {
        key: key.to_owned(),
        file: file.to_path_buf(),
        yaml: yaml.to_owned(),
    });
    let mut text = String::new();
    for line in &saved {
        text.push_str(&serde_json::to_string(line).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    crate::files::replace_in_ledger(
        dir,
        &dir.join(JOURNAL_FILE),
        crate::files::Before::Any,
        text.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_and_the_journal_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        assert!(find(dir.path(), "k1").is_none());
        record(dir.path(), "k1", Path::new("a.yaml"), "- date: x\n").unwrap();
        assert_eq!(
            find(dir.path(), "k1"),
            Some((PathBuf::from("a.yaml"), "- date: x\n".to_owned()))
        );
        for n in 0..2 * KEPT {
            record(dir.path(), &format!("n{n}"), Path::new("a.yaml"), "y").unwrap();
        }
        assert!(read(dir.path()).len() <= 2 * KEPT);
        assert!(
            find(dir.path(), "k1").is_none(),
            "the oldest key was let go"
        );
        assert!(find(dir.path(), &format!("n{}", 2 * KEPT - 1)).is_some());
    }

    #[test]
    fn only_short_plain_keys_are_taken() {
        assert!(is_key("0123456789abcdef0123456789abcdef"));
        for bad in ["", "a b", "../x", &"a".repeat(65), "键"] {
            assert!(!is_key(bad), "{bad}");
        }
    }
}
