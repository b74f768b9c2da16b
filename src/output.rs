//! Writing outputs so that a failure never leaves a half-written file in place of a
//! good one: everything is rendered in memory first, then each file is written to a
//! temporary name in the same directory and renamed over the old one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file about to be written.
#[derive(Debug)]
pub struct Output {
    /// File name inside the output directory.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The longest file stem written, in bytes (a CJK character takes three).
const MAX_STEM_BYTES: usize = 200;

/// Makes a document title usable as a file name on every common file system.
pub fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut stem = stem;
    // File systems allow 255 bytes per name; leave room for "-12.png" and the like.
    if stem.len() > MAX_STEM_BYTES {
        let cut = (0..=MAX_STEM_BYTES)
            .rev()
            .find(|&i| stem.is_char_boundary(i))
            .unwrap_or(0);
        stem.truncate(cut);
    }
    let stem = stem.trim().trim_matches('.');
    if stem.is_empty() {
        "summary".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Writes all outputs into `dir` (created when missing), each atomically.
pub fn write_all(dir: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    remove_stale_temporaries(dir);
    outputs
        .iter()
        .map(|output| {
            let path = dir.join(&output.name);
            write_atomically(&path, &output.bytes)?;
            Ok(path)
        })
        .collect()
}

/// Writes `bytes` to a temporary sibling of `path`, then renames it over `path`:
/// readers, and a process killed half-way, see the old file or the new one, never a
/// mix. (No fsync: it tripled the cost of a batch; a replaced file is flushed by
/// ext4's rename heuristics, and an output can always be rebuilt from the ledger.)
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, false)
}

/// Like [`write_atomically`], and flushed to disk before the rename: for the ledger
/// itself, which unlike an output cannot be rebuilt.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, true)
}

/// Prefix of the temporary files written before a rename.
const TEMPORARY_PREFIX: &str = ".annual-report-";

/// Age after which a temporary file is taken to be left over by a killed process, not
/// one a running writer is still filling.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes temporary files in `dir` that a killed build or `new` left behind (hidden,
/// and never read as a ledger or an output, but clutter). Best effort: a file that
/// cannot be removed stays.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let is_ours = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(TEMPORARY_PREFIX));
        let age = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok());
        if is_ours && age.is_some_and(|age| age > STALE_AFTER) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX);
    // Temporary files are private by default; an output is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_atomically(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }

    #[test]
    fn only_stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".annual-report-left");
        let fresh = dir.path().join(".annual-report-busy");
        let other = dir.path().join("summary.md");
        for path in [&stale, &fresh, &other] {
            std::fs::write(path, b"x").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - 2 * STALE_AFTER;
        for path in [&stale, &other] {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(two_hours_ago).unwrap();
        }
        remove_stale_temporaries(dir.path());
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
    }

    #[test]
    fn stems_replace_path_characters() {
        assert_eq!(file_stem("2023年A/B工作总结"), "2023年A_B工作总结");
        assert_eq!(file_stem(" .. "), "summary");
    }

    #[test]
    fn long_titles_give_names_the_file_system_takes() {
        let title = "很长的标题".repeat(40);
        let stem = file_stem(&title);
        assert_eq!(stem.len(), 198, "66 characters of 3 bytes");
        assert!(title.starts_with(&stem));
        let dir = tempfile::tempdir().unwrap();
        write_atomically(&dir.path().join(format!("{stem}-12.png")), b"x").unwrap();
    }
}
