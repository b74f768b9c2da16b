//! Writing one file so that a failure never leaves it half-written: a temporary
//! sibling first, then a rename over the old file. Used by every stage that writes
//! (the ledger's `new`, `check --fix`, `init`, and the outputs of `build`).

use std::io::Write;
use std::path::Path;

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
pub(crate) const TEMPORARY_PREFIX: &str = ".annual-report-";

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

/// Holds the lock of a ledger directory (`.annual-report.lock`) until dropped: one
/// writer of the ledger at a time (`new`, `check --fix`, `import`), so none is lost.
pub fn lock_ledger(dir: &Path, name: &str) -> std::io::Result<std::fs::File> {
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(name))?;
    lock.lock()?;
    Ok(lock)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    // A ledger file reached through a symbolic link is written where the link points,
    // and keeps the link.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    // A bare file name's parent is the empty path, which names no directory to open.
    let dir = target
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let temp = write_temporary(dir, bytes, durable)?;
    // A replaced file keeps its permissions (a ledger shared with a group stays so).
    if let Ok(meta) = std::fs::metadata(&target) {
        std::fs::set_permissions(&temp, meta.permissions())?;
    }
    fault::step(fault::Operation::Rename, &target)?;
    temp.persist(&target).map_err(|e| e.error)?;
    if durable {
        // The rename itself reaches the disk only with its directory.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Writes `bytes` to a new hidden file in `dir` (flushed to disk when `durable`).
pub(crate) fn write_temporary(
    dir: &Path,
    bytes: &[u8],
    durable: bool,
) -> std::io::Result<tempfile::TempPath> {
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
/// prove what every interruption leaves on disk. Not part of the interface: arming it
/// needs the feature `test-support`; without it every operation goes through.
#[doc(hidden)]
pub mod fault {
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

    #[cfg(feature = "test-support")]
    pub(crate) use armed::step;
    #[cfg(feature = "test-support")]
    pub use armed::{Fault, arm, disarm};

    /// Without `test-support` nothing is ever armed: every operation goes through.
    #[cfg(not(feature = "test-support"))]
    #[inline(always)]
    pub(crate) fn step(_operation: Operation, _path: &Path) -> std::io::Result<()> {
        Ok(())
    }

    /// The plan of this thread: which operation fails, and how.
    #[cfg(feature = "test-support")]
    mod armed {
        use super::{Operation, Path};
        use std::cell::Cell;

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions_and_its_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("2024-03.yaml");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_durably(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o664);
    }

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
}
