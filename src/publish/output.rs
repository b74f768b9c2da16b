//! Writing outputs so that a failure never leaves a half-written file in place of a
//! good one: everything is rendered in memory first, then every file is written to a
//! temporary name in the same directory, and only when all are written are they
//! renamed over the old ones. When a rename fails, the ones already done are rolled
//! back: `build` writes all of its outputs or none. (A process killed during the
//! renames leaves each file whole, old or new; the hidden copies it leaves are removed
//! by the next run once stale.)

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
            failures.push(format!("{}：{e}", target.display()));
        }
    }
    if failures.is_empty() {
        error
    } else {
        std::io::Error::new(
            error.kind(),
            format!("{error}；且未能恢复原文件 {}", failures.join("；")),
        )
    }
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
/// and never read as a ledger or an output, but clutter). Best effort, deliberately
/// silent: a folder that cannot be listed, or a file that cannot be removed, stays as
/// it is, and the write that follows reports any real problem with the folder.
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
    let temp = write_temporary(dir, bytes, durable)?;
    fault::step(fault::Operation::Rename, path)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to a new hidden file in `dir` (flushed to disk when `durable`).
fn write_temporary(dir: &Path, bytes: &[u8], durable: bool) -> std::io::Result<tempfile::TempPath> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX);
    // Temporary files are private by default; an output is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(dir)?;
    fault::step(fault::Operation::Write, temp.path())?;
    temp.write_all(bytes)?;
    if durable {
        temp.as_file().sync_all()?;
    }
    Ok(temp.into_temp_path())
}

/// Fault injection for tests: makes the k-th file operation of this thread (a write,
/// a link keeping an old file, or a rename) fail or abort the process, so tests can
/// prove what every interruption leaves on disk. Not part of the interface: when no
/// test arms it, each operation costs one thread-local read.
#[doc(hidden)]
pub mod fault {
    use std::cell::Cell;
    use std::path::Path;

    /// A file operation that can be interrupted.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Operation {
        /// Writing a temporary file.
        Write,
        /// Linking an old output to a hidden name before it is replaced.
        Link,
        /// Renaming a file into place.
        Rename,
    }

    /// What happens at the chosen operation.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Fault {
        /// The operation returns an I/O error.
        Fail,
        /// The process aborts, as if killed at that point.
        Abort,
    }

    thread_local! {
        /// Operations counted since [`arm`], and the fault while it is still to come.
        static PLAN: Cell<(usize, Option<(usize, Fault)>)> = const { Cell::new((0, None)) };
    }

    /// Arms `fault` at this thread's operation number `k` (0-based) from now.
    pub fn arm(k: usize, fault: Fault) {
        PLAN.set((0, Some((k, fault))));
    }

    /// Disarms; whether the armed fault happened (false: the work ran to its end in
    /// fewer operations).
    pub fn disarm() -> bool {
        let (_, armed) = PLAN.replace((0, None));
        armed.is_none()
    }

    /// Called before each operation: fails or aborts it when it is the armed one.
    pub(crate) fn step(operation: Operation, path: &Path) -> std::io::Result<()> {
        let (count, armed) = PLAN.get();
        let Some((k, fault)) = armed else {
            return Ok(());
        };
        PLAN.set((count + 1, armed.filter(|_| count != k)));
        if count != k {
            return Ok(());
        }
        match fault {
            Fault::Abort => std::process::abort(),
            Fault::Fail => Err(std::io::Error::other(format!(
                "injected failure of {operation:?} {}",
                path.display()
            ))),
        }
    }
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
