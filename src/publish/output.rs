//! Writing outputs so that a failure never leaves a half-written file in place of a
//! good one: everything is rendered in memory first, then every file is written to a
//! temporary name in the same directory, and only when all are written are they
//! renamed over the old ones. When a rename fails, the ones already done are rolled
//! back: `build` writes all of its outputs or none. (A process killed during the
//! renames leaves each file whole, old or new; the hidden copies it leaves are removed
//! by the next run once stale.)

use crate::files::{TEMPORARY_PREFIX, fault, remove_stale_temporaries, write_temporary};
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

/// Writes all outputs into `dir` (created when missing): all of them or, on any
/// error, none (files already replaced are put back, a directory made here is removed
/// again).
pub fn write_all(dir: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    let made_dir = !dir.exists();
    std::fs::create_dir_all(dir)?;
    remove_stale_temporaries(dir);
    let result = stage(dir, outputs).and_then(commit);
    if result.is_err() && made_dir {
        // Deliberately ignored: the directory is empty again unless someone else wrote
        // into it meanwhile, and then it must stay.
        let _ = std::fs::remove_dir(dir);
    }
    result
}

/// An output written under a temporary name, waiting for its rename.
struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
}

/// Writes every output to a temporary file in `dir`; none is visible yet. On error
/// the temporary files written so far are deleted (when their paths drop).
fn stage(dir: &Path, outputs: &[Output]) -> std::io::Result<Vec<Staged>> {
    outputs
        .iter()
        .map(|output| {
            let target = dir.join(&output.name);
            let temp = write_temporary(dir, &output.bytes, false)?;
            Ok(Staged { temp, target })
        })
        .collect()
}

/// A replaced output and the hidden link that keeps its old contents for a rollback
/// (`None` when there was no old file).
struct Replaced {
    target: PathBuf,
    old: Option<tempfile::TempPath>,
}

/// Renames every staged file over its target; on the first failure puts back what was
/// replaced. The old contents are kept as hidden links until all renames are done (and
/// deleted when they drop).
fn commit(staged: Vec<Staged>) -> std::io::Result<Vec<PathBuf>> {
    let mut done: Vec<Replaced> = Vec::with_capacity(staged.len());
    for Staged { temp, target } in staged {
        match replace_keeping_old(temp, &target) {
            Ok(old) => done.push(Replaced { target, old }),
            Err(error) => return Err(roll_back(done, error)),
        }
    }
    Ok(done.into_iter().map(|replaced| replaced.target).collect())
}

/// Links the old `target` (if any) to a hidden name, then renames `temp` over it: at
/// every moment `target` is the whole old file or the whole new one.
fn replace_keeping_old(
    temp: tempfile::TempPath,
    target: &Path,
) -> std::io::Result<Option<tempfile::TempPath>> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let old = if target.exists() {
        fault::step(fault::Operation::Link, target)?;
        let kept = tempfile::Builder::new()
            .prefix(TEMPORARY_PREFIX)
            .make_in(dir, |path| {
                // A file system without hard links gets a copy instead.
                std::fs::hard_link(target, path).or_else(|_| std::fs::copy(target, path).map(drop))
            })?;
        Some(kept.into_temp_path())
    } else {
        None
    };
    fault::step(fault::Operation::Rename, target)?;
    temp.persist(target).map_err(|e| e.error)?;
    Ok(old)
}

/// Undoes the replacements in `done` (newest first) after `error`; an undo that fails
/// too is added to the message, so nothing is lost without a word.
fn roll_back(done: Vec<Replaced>, error: std::io::Error) -> std::io::Error {
    let mut failures = Vec::new();
    for Replaced { target, old } in done.into_iter().rev() {
        let undone = match old {
            Some(old) => old.persist(&target).map_err(|e| e.error),
            None => std::fs::remove_file(&target),
        };
        if let Err(e) = undone {
            failures.push(format!(
                "{}：{}",
                target.display(),
                crate::diag::io_reason(&e)
            ));
        }
    }
    if failures.is_empty() {
        error
    } else {
        std::io::Error::other(format!(
            "{}；且未能恢复原文件 {}",
            crate::diag::io_reason(&error),
            failures.join("；")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        crate::files::write_atomically(&dir.path().join(format!("{stem}-12.png")), b"x").unwrap();
    }
}
