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
/// writer of the ledger at a time (`new`, `check --fix`, `import`, the page), so none
/// is lost. The lock file is never reached through a symbolic link (a link planted
/// there would make every writer create or truncate a file elsewhere), and must be a
/// plain file (a FIFO would block the open).
pub fn lock_ledger(dir: &Path, name: &str) -> std::io::Result<std::fs::File> {
    let path = dir.join(name);
    let mut options = std::fs::File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let refused = || std::io::Error::other(Refusal::LockNotAFile(path.clone()));
    if std::fs::symlink_metadata(&path).is_ok_and(|meta| !meta.is_file()) {
        return Err(refused());
    }
    // O_NOFOLLOW on a link (planted after the check above): ELOOP.
    #[cfg(unix)]
    let followed_link = |e: &std::io::Error| e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    let followed_link = |_: &std::io::Error| false;
    let lock = options
        .open(&path)
        .map_err(|e| if followed_link(&e) { refused() } else { e })?;
    if !lock.metadata()?.is_file() {
        return Err(refused());
    }
    lock.lock()?;
    Ok(lock)
}

/// Why a write of a ledger file was refused, carried inside an `io::Error` (its
/// Chinese text is what [`crate::diag::io_reason`] prints).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The file, or the folder it is in, is a symbolic link that leads out of the
    /// ledger directory.
    #[error(
        "它经符号链接指向台账目录之外（{}）：为安全起见，台账只写自己目录里的文件；请把这个链接换成真正的文件",
        .0.display()
    )]
    Outside(std::path::PathBuf),
    /// The lock file is a symbolic link or not a plain file.
    #[error(
        "锁文件 {} 是符号链接或不是普通文件：为安全起见没有写入；请删除它后再试",
        .0.display()
    )]
    LockNotAFile(std::path::PathBuf),
    /// The file on disk is no longer the text the write started from.
    #[error(
        "保存前发现这个文件刚被其他程序改动过（例如文本编辑器正在保存）：为免覆盖或保存半截内容，这次没有写入；请稍后再试"
    )]
    ChangedOnDisk,
}

/// Whether `error` is the refusal of a write because the file changed on disk while
/// it was being read or validated (the caller may read it again and retry).
pub fn changed_on_disk(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .and_then(|e| e.downcast_ref::<Refusal>())
        .is_some_and(|r| matches!(r, Refusal::ChangedOnDisk))
}

/// Whether `error` is the refusal of a write that would have left the ledger
/// directory through a symbolic link, or of a lock file that is not a plain file.
pub fn refused_as_outside(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .and_then(|e| e.downcast_ref::<Refusal>())
        .is_some_and(|r| matches!(r, Refusal::Outside(_) | Refusal::LockNotAFile(_)))
}

/// What a file of the ledger held when the write that replaces it read it.
#[derive(Clone, Copy, Debug)]
pub enum Before<'a> {
    /// The file did not exist.
    Absent,
    /// The file held these bytes.
    Held(&'a [u8]),
    /// Whatever it holds: a file the write owns (a generated schema).
    Any,
}

/// Replaces a file of the ledger in `root` durably, as [`write_durably`] does, with
/// two refusals a plain write lacks: a target that a symbolic link (of the file or of
/// a folder on its way) puts outside `root`, and a file that no longer holds `before`
/// (an editor saving in place while the ledger was read would otherwise have its
/// half-written text validated and committed). The comparison is made on the whole
/// content, after the new text is written beside it and just before the rename; a
/// writer that ignores the ledger's lock can still slip into that last moment.
pub fn replace_in_ledger(
    root: &Path,
    path: &Path,
    before: Before<'_>,
    bytes: &[u8],
) -> std::io::Result<()> {
    let target = inside_ledger(root, path)?;
    let dir = target
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let temp = write_temporary(dir, bytes, true)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        std::fs::set_permissions(&temp, meta.permissions())?;
    }
    fault::step(fault::Operation::Verify, &target)?;
    let unchanged = match (before, std::fs::read(&target)) {
        (Before::Absent, Err(e)) => e.kind() == std::io::ErrorKind::NotFound,
        (Before::Held(held), Ok(now)) => now == held,
        (Before::Any, _) => true,
        _ => false,
    };
    if !unchanged {
        return Err(std::io::Error::other(Refusal::ChangedOnDisk));
    }
    fault::step(fault::Operation::Rename, &target)?;
    temp.persist(&target).map_err(|e| e.error)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Where a write of `path` lands: `path` itself, or the file its symbolic link names;
/// refused when that place is not inside `root` (the folder it is in, resolved, is
/// `root` or below it). A dangling link is refused too: where it leads is unknown.
fn inside_ledger(root: &Path, path: &Path) -> std::io::Result<std::path::PathBuf> {
    let root = std::fs::canonicalize(root)?;
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link {
        std::fs::canonicalize(path)
            .map_err(|_| std::io::Error::other(Refusal::Outside(path.to_path_buf())))?
    } else {
        let name = path.file_name().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidFilename, "no file name")
        })?;
        let parent = path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        std::fs::canonicalize(parent)?.join(name)
    };
    if target.parent().is_some_and(|dir| dir.starts_with(&root)) {
        Ok(target)
    } else {
        Err(std::io::Error::other(Refusal::Outside(target)))
    }
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
        /// Reading a ledger file back just before it is replaced.
        Verify,
    }

    #[cfg(feature = "test-support")]
    pub(crate) use armed::step;
    #[cfg(feature = "test-support")]
    pub use armed::{Fault, arm, before_verify, disarm};

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
            /// What runs before each [`Operation::Verify`] of this thread.
            static BEFORE_VERIFY: Cell<Option<fn(&Path)>> = const { Cell::new(None) };
        }

        /// Runs `hook` with the file's path before every read-back of a ledger file on
        /// this thread (`None` removes it): a test plays there the editor that saves
        /// the file while the write was being prepared.
        pub fn before_verify(hook: Option<fn(&Path)>) {
            BEFORE_VERIFY.set(hook);
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
            if let (Operation::Verify, Some(hook)) = (operation, BEFORE_VERIFY.get()) {
                hook(path);
            }
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
    fn a_ledger_file_that_changed_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("2024-03.yaml");
        std::fs::write(&log, b"- date: 2024-03-01\n  text: \xe4\xbb\xa5").unwrap();
        let error = replace_in_ledger(dir.path(), &log, Before::Held(b"- date"), b"new")
            .expect_err("the file holds more than was read");
        assert!(changed_on_disk(&error), "{error}");
        assert!(crate::diag::io_reason(&error).contains("刚被其他程序改动"));
        assert!(
            std::fs::read(&log)
                .unwrap()
                .starts_with(b"- date: 2024-03-01")
        );
        let error = replace_in_ledger(dir.path(), &log, Before::Absent, b"new").unwrap_err();
        assert!(changed_on_disk(&error), "a file appeared: {error}");
        let now = std::fs::read(&log).unwrap();
        replace_in_ledger(dir.path(), &log, Before::Held(&now), b"new").unwrap();
        assert_eq!(std::fs::read(&log).unwrap(), b"new");
        let fresh = dir.path().join("2024-04.yaml");
        replace_in_ledger(dir.path(), &fresh, Before::Absent, b"x").unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"x");
        // No temporary file is left by the refusals.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn no_ledger_write_leaves_the_ledger_through_a_link() {
        let work = tempfile::tempdir().unwrap();
        let ledger = work.path().join("ledger");
        let outside = work.path().join("outside");
        std::fs::create_dir_all(ledger.join("activities")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("victim.yaml"), b"victim").unwrap();
        let link = ledger.join("activities/2023-08.yaml");
        std::os::unix::fs::symlink("../../outside/victim.yaml", &link).unwrap();
        let error = replace_in_ledger(&ledger, &link, Before::Any, b"x").unwrap_err();
        assert!(refused_as_outside(&error), "{error}");
        assert!(
            crate::diag::io_reason(&error).contains("台账目录之外"),
            "{error}"
        );
        assert_eq!(
            std::fs::read(outside.join("victim.yaml")).unwrap(),
            b"victim"
        );
        // A folder of the ledger that is a link out of it.
        std::os::unix::fs::symlink(&outside, ledger.join("elsewhere")).unwrap();
        let through = ledger.join("elsewhere/new.yaml");
        let error = replace_in_ledger(&ledger, &through, Before::Absent, b"x").unwrap_err();
        assert!(refused_as_outside(&error), "{error}");
        assert!(!outside.join("new.yaml").exists());
        // A dangling link.
        let dangling = ledger.join("activities/2023-09.yaml");
        std::os::unix::fs::symlink("../../outside/none.yaml", &dangling).unwrap();
        let error = replace_in_ledger(&ledger, &dangling, Before::Absent, b"x").unwrap_err();
        assert!(refused_as_outside(&error), "{error}");
        assert!(!outside.join("none.yaml").exists());
        // A link that stays inside is written where it points.
        std::fs::write(ledger.join("activities/real.yaml"), b"old").unwrap();
        let inner = ledger.join("activities/current.yaml");
        std::os::unix::fs::symlink("real.yaml", &inner).unwrap();
        replace_in_ledger(&ledger, &inner, Before::Held(b"old"), b"new").unwrap();
        assert_eq!(
            std::fs::read(ledger.join("activities/real.yaml")).unwrap(),
            b"new"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_is_never_taken_through_a_link_or_on_a_fifo() {
        let work = tempfile::tempdir().unwrap();
        let target = work.path().join("created-outside");
        std::os::unix::fs::symlink(&target, work.path().join(".lock")).unwrap();
        let error = lock_ledger(work.path(), ".lock").unwrap_err();
        assert!(refused_as_outside(&error), "{error}");
        assert!(!target.exists(), "the link's target was created");
        let fifo = work.path().join(".fifo");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; creates a FIFO in a temporary directory.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let error = lock_ledger(work.path(), ".fifo").unwrap_err();
        assert!(refused_as_outside(&error), "{error}");
        assert!(lock_ledger(work.path(), ".plain").is_ok());
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
