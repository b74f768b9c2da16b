//! Where a ledger's files come from: a directory on disk, with changes applied in
//! memory. `new`, `check --fix`, an import or the clerk's page validate the ledger
//! as it would be after their change, in place, before anything is written; linked
//! ledgers (`previous:`, roll-up members) resolve relative to the real directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A ledger directory and the files whose new text is held in memory.
#[derive(Clone, Debug)]
pub struct LedgerSource {
    dir: PathBuf,
    changed: BTreeMap<PathBuf, String>,
}

impl LedgerSource {
    /// The ledger as it is on disk.
    pub fn directory(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            changed: BTreeMap::new(),
        }
    }

    /// The same ledger with `path` (inside the directory, absolute or relative to it)
    /// holding `text` instead of what is on disk, or added when it is new.
    pub fn with_file(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        let path = path.as_ref();
        let path = if path.is_absolute() || path.starts_with(&self.dir) {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        };
        self.changed.insert(path, text.into());
        self
    }

    /// The real directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The text held in memory for `path`, if it is one of the changed files.
    pub fn changed(&self, path: &Path) -> Option<&str> {
        self.changed.get(path).map(String::as_str)
    }

    /// The changed files below `folder` (new ones among them).
    pub fn changed_below<'a>(&'a self, folder: &'a Path) -> impl Iterator<Item = &'a PathBuf> {
        self.changed.keys().filter(move |p| p.starts_with(folder))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_files_are_named_inside_the_directory() {
        let source = LedgerSource::directory("ledger")
            .with_file("activities/2024-03.yaml", "- a")
            .with_file(Path::new("ledger/report.yaml"), "year: 1");
        assert_eq!(
            source.changed(Path::new("ledger/activities/2024-03.yaml")),
            Some("- a")
        );
        assert_eq!(
            source.changed(Path::new("ledger/report.yaml")),
            Some("year: 1")
        );
        let below: Vec<_> = source
            .changed_below(Path::new("ledger/activities"))
            .collect();
        assert_eq!(below, [Path::new("ledger/activities/2024-03.yaml")]);
    }
}
