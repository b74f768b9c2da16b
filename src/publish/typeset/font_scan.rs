//! Finding the installed faces of the official families without opening every installed
//! font on every run. The font folders are walked as fontdb walks them (the system's
//! fontconfig folders, `--font-path`), but each file's family names, and the Typst
//! metadata of the official faces among them, are kept in a cache keyed by the file's
//! path, size and modification time: only a new or changed file is opened. An office PC
//! with hundreds of fonts then costs a directory listing and one small file per run.
//! The same file keeps the font folders of the fontconfig configuration (see
//! [`fontconfig`]), so that its XML is parsed only when it changed.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use typst::text::FontInfo;

#[cfg(all(unix, not(target_os = "macos")))]
mod fontconfig;

/// An installed face: where it lives, every family name it carries (lower case), and
/// its metadata for Typst.
pub(super) struct InstalledFace {
    /// The font file.
    pub path: PathBuf,
    /// The face's index in a collection (0 for a single font).
    pub index: u32,
    /// Every family name of the face, in lower case.
    pub names: Vec<String>,
    /// The face's metadata.
    pub info: FontInfo,
}

/// The faces among the font files of `dirs` (and, with `system`, the system's font
/// folders) that carry one of the `wanted` family names (lower case), sorted by path
/// and index.
pub(super) fn installed_faces(
    system: bool,
    dirs: &[PathBuf],
    wanted: &[String],
) -> Vec<InstalledFace> {
    faces_with_cache(system, dirs, wanted, cache_file().as_deref())
}

/// [`installed_faces`] with the cache kept in `cache_path` (none: every file is opened).
fn faces_with_cache(
    system: bool,
    dirs: &[PathBuf],
    wanted: &[String],
    cache_path: Option<&Path>,
) -> Vec<InstalledFace> {
    let mut cache = Cache::read_for(cache_path, wanted);
    let mut changed = false;
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    if system {
        let (system_dirs, read) = system_font_dirs(&mut cache);
        changed |= read;
        for dir in system_dirs {
            walk(&dir, &mut seen, &mut files);
        }
    }
    for dir in dirs {
        walk(dir, &mut seen, &mut files);
    }
    let mut found = Vec::new();
    for (path, stamp) in files {
        if cache
            .files
            .get(&path)
            .is_none_or(|entry| entry.stamp != stamp)
        {
            cache
                .files
                .insert(path.clone(), CachedFile::read(&path, stamp, wanted));
            changed = true;
        }
        for face in &cache.files[&path].faces {
            if let Some(info) = face.info.clone().filter(|_| face.is_wanted(wanted)) {
                found.push(InstalledFace {
                    path: path.clone(),
                    index: face.index,
                    names: face.names.clone(),
                    info,
                });
            }
        }
    }
    // Entries of files not looked at this time stay (another run may use other font
    // folders); those of deleted files go when the cache is written anyway.
    if changed && let Some(cache_path) = cache_path {
        cache.files.retain(|path, _| path.is_file());
        cache.write(cache_path);
    }
    found.sort_by(|a, b| (&a.path, a.index).cmp(&(&b.path, b.index)));
    found
}

/// What identifies one version of a font file (or of a fontconfig file or folder): its
/// size and modification time (in nanoseconds since 1970).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    modified: u128,
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Self {
        Self {
            size: metadata.len(),
            modified: metadata.modified().map_or(0, nanos_since_1970),
        }
    }
}

/// `time` in nanoseconds since 1970 (0 before).
fn nanos_since_1970(time: std::time::SystemTime) -> u128 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The font files below `dir`, recursively, with their stamps, as fontdb finds them:
/// the extensions it reads, symbolic links followed to their real path, and every file
/// taken once.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, files: &mut Vec<(PathBuf, Stamp)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let (path, metadata) = if file_type.is_symlink() {
            let Ok(metadata) = std::fs::metadata(entry.path()) else {
                continue;
            };
            let Ok(real) = std::fs::canonicalize(entry.path()) else {
                continue;
            };
            (real, metadata)
        } else if file_type.is_file() {
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            (entry.path(), metadata)
        } else if file_type.is_dir() {
            if seen.insert(entry.path()) {
                walk(&entry.path(), seen, files);
            }
            continue;
        } else {
            continue;
        };
        if !seen.insert(path.clone()) {
            continue;
        }
        if metadata.is_dir() {
            walk(&path, seen, files);
        } else if metadata.is_file() && is_font_file(&path) {
            files.push((path, Stamp::of(&metadata)));
        }
    }
}

/// The extensions fontdb loads.
fn is_font_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ttf" | "ttc" | "TTF" | "TTC" | "otf" | "otc" | "OTF" | "OTC")
    )
}

/// The system's font folders, as fontdb lists them: on Linux those of the fontconfig
/// configuration (`FONTCONFIG_FILE`, the user's, then the system's), or the usual
/// folders when there is none. They come from `cache` while the configuration is
/// unchanged; otherwise it is read again into `cache` (then the second value is true).
#[cfg(all(unix, not(target_os = "macos")))]
fn system_font_dirs(cache: &mut Cache) -> (Vec<PathBuf>, bool) {
    let read = fontconfig::refresh(&mut cache.fontconfig, &fontconfig::ConfigEnv::current());
    let dirs = cache.fontconfig.as_ref().map(|known| known.dirs.clone());
    (dirs.unwrap_or_default(), read)
}

/// The system's font folders, as fontdb lists them on macOS.
/// Nothing of them is cached (the second value).
#[cfg(target_os = "macos")]
fn system_font_dirs(_cache: &mut Cache) -> (Vec<PathBuf>, bool) {
    let mut dirs = vec![
        PathBuf::from("/Library/Fonts"),
        PathBuf::from("/System/Library/Fonts"),
    ];
    if let Ok(entries) = std::fs::read_dir("/System/Library/AssetsV2") {
        dirs.extend(
            entries
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("com_apple_MobileAsset_Font")
                })
                .map(|e| e.path()),
        );
    }
    dirs.push(PathBuf::from("/Network/Library/Fonts"));
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join("Library/Fonts"));
    }
    (dirs, false)
}

/// The system's font folders, as fontdb lists them on Windows.
/// Nothing of them is cached (the second value).
#[cfg(windows)]
fn system_font_dirs(_cache: &mut Cache) -> (Vec<PathBuf>, bool) {
    let mut dirs = vec![match std::env::var_os("SYSTEMROOT") {
        Some(root) => Path::new(&root).join("Fonts"),
        None => PathBuf::from("C:\\Windows\\Fonts\\"),
    }];
    if let Some(profile) = std::env::var_os("USERPROFILE") {
        let profile = Path::new(&profile);
        dirs.push(profile.join("AppData\\Local\\Microsoft\\Windows\\Fonts"));
        dirs.push(profile.join("AppData\\Roaming\\Microsoft\\Windows\\Fonts"));
    }
    (dirs, false)
}

/// The cache file: `annual-report/fonts-v1.json` in the user's cache folder, if there
/// is one.
fn cache_file() -> Option<PathBuf> {
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
    }?;
    Some(base.join("annual-report").join(CACHE_NAME))
}

/// Named with a version: a binary that stores something else uses another file.
const CACHE_NAME: &str = "fonts-v1.json";

/// What is known of the font files: path → what the file held at its stamp.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// The official families the entries were made for (metadata is kept for those
    /// only): the files of a cache made for other families are not used.
    wanted: Vec<String>,
    files: BTreeMap<PathBuf, CachedFile>,
    /// The font folders of the fontconfig configuration, if a run read it (a cache
    /// written before they were kept has none).
    #[cfg(all(unix, not(target_os = "macos")))]
    #[serde(default)]
    fontconfig: Option<fontconfig::ConfigDirs>,
}

impl Cache {
    /// The cache stored at `path` (if any) for the `wanted` families: what it knows of
    /// font files is dropped when it was made for other families.
    fn read_for(path: Option<&Path>, wanted: &[String]) -> Self {
        let mut cache = path.and_then(Self::read).unwrap_or_default();
        if cache.wanted != wanted {
            cache.wanted = wanted.to_vec();
            cache.files.clear();
        }
        cache
    }

    /// The cache as stored; `None` when it is missing, unreadable or damaged.
    fn read(path: &Path) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores the cache, replacing the file in one step so that a process reading it at
    /// the same time sees the old or the new one whole. A cache that cannot be written
    /// only costs the next run the scan.
    fn write(&self, path: &Path) {
        let Some(dir) = path.parent() else {
            return;
        };
        let written = std::fs::create_dir_all(dir).ok().and_then(|()| {
            let mut file = tempfile::NamedTempFile::new_in(dir).ok()?;
            serde_json::to_writer(std::io::BufWriter::new(file.as_file_mut()), self).ok()?;
            file.persist(path).ok()
        });
        drop(written);
    }
}

/// The faces of one font file.
#[derive(Debug, Serialize, Deserialize)]
struct CachedFile {
    stamp: Stamp,
    faces: Vec<CachedFace>,
}

/// One face of a font file.
#[derive(Debug, Serialize, Deserialize)]
struct CachedFace {
    index: u32,
    /// Family names, lower case.
    names: Vec<String>,
    /// Typst's metadata, for a face of a wanted family that Typst can read.
    info: Option<FontInfo>,
}

impl CachedFace {
    fn is_wanted(&self, wanted: &[String]) -> bool {
        self.names.iter().any(|n| wanted.contains(n))
    }
}

impl CachedFile {
    /// Opens the file and reads its faces' names with fontdb, and Typst's metadata for
    /// the faces of wanted families. A file that is no font has no faces.
    fn read(path: &Path, stamp: Stamp, wanted: &[String]) -> Self {
        let mut db = fontdb::Database::new();
        let _ = db.load_font_file(path);
        let faces = db
            .faces()
            .map(|face| {
                let mut cached = CachedFace {
                    index: face.index,
                    names: face
                        .families
                        .iter()
                        .map(|(n, _)| n.to_lowercase())
                        .collect(),
                    info: None,
                };
                if cached.is_wanted(wanted) {
                    cached.info = db.with_face_data(face.id, FontInfo::new).flatten();
                }
                cached
            })
            .collect();
        Self { stamp, faces }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fonts")
            .join(name)
    }

    fn families(faces: &[InstalledFace]) -> Vec<(PathBuf, u32, Vec<String>, String)> {
        faces
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    f.index,
                    f.names.clone(),
                    f.info.family.clone(),
                )
            })
            .collect()
    }

    /// Replaces the cached family names of `file` in the cache at `cache_path`.
    fn tamper(cache_path: &Path, file: &Path, names: &[&str]) {
        let mut cache: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cache_path).unwrap()).unwrap();
        cache["files"][file.to_str().unwrap()]["faces"][0]["names"] = serde_json::json!(names);
        std::fs::write(cache_path, serde_json::to_vec(&cache).unwrap()).unwrap();
    }

    #[test]
    fn an_unchanged_file_is_answered_from_the_cache_and_a_changed_one_is_read_again() {
        let fonts = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let cache_path = cache.path().join("fonts.json");
        let file = fonts.path().join("a.ttf");
        std::fs::copy(font("WenKaiSubset-Regular.ttf"), &file).unwrap();
        std::fs::write(fonts.path().join("broken.ttf"), "not a font").unwrap();
        std::fs::write(fonts.path().join("notes.txt"), "not a font file").unwrap();
        let wanted = vec!["annualreport kai".to_owned(), "fandolfang r".to_owned()];
        let dirs = [fonts.path().to_path_buf()];

        let scanned = faces_with_cache(false, &dirs, &wanted, None);
        assert_eq!(scanned.len(), 1);
        assert_eq!(scanned[0].info.family, "AnnualReport Kai");
        let cold = faces_with_cache(false, &dirs, &wanted, Some(&cache_path));
        assert_eq!(families(&cold), families(&scanned));
        let warm = faces_with_cache(false, &dirs, &wanted, Some(&cache_path));
        assert_eq!(families(&warm), families(&scanned));

        // What the cache says is what a run sees while the file is unchanged ...
        tamper(&cache_path, &file, &["annualreport kai", "from the cache"]);
        let cached = faces_with_cache(false, &dirs, &wanted, Some(&cache_path));
        assert_eq!(cached[0].names, ["annualreport kai", "from the cache"]);

        // ... and a file of another size is opened again.
        std::fs::copy(font("FandolFang-Regular-subset.ttf"), &file).unwrap();
        let changed = faces_with_cache(false, &dirs, &wanted, Some(&cache_path));
        assert_eq!(
            families(&changed),
            families(&faces_with_cache(false, &dirs, &wanted, None))
        );
        assert_eq!(changed[0].info.family, "FandolFang R");
    }

    /// A font folder holding one copy of the embedded 楷体 and a cache made for it: what
    /// the tests of a tampered cache start from.
    struct CachedKai {
        _fonts: tempfile::TempDir,
        _cache: tempfile::TempDir,
        cache_path: PathBuf,
        file: PathBuf,
        dirs: [PathBuf; 1],
        kai: Vec<String>,
    }

    fn cached_kai() -> CachedKai {
        let fonts = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let cache_path = cache.path().join("fonts.json");
        let file = fonts.path().join("a.ttf");
        std::fs::copy(font("WenKaiSubset-Regular.ttf"), &file).unwrap();
        let dirs = [fonts.path().to_path_buf()];
        let kai = vec!["annualreport kai".to_owned()];
        faces_with_cache(false, &dirs, &kai, Some(&cache_path));
        CachedKai {
            _fonts: fonts,
            _cache: cache,
            cache_path,
            file,
            dirs,
            kai,
        }
    }

    #[test]
    fn a_cache_written_before_the_font_folders_were_kept_is_used() {
        let cached = cached_kai();
        tamper(
            &cached.cache_path,
            &cached.file,
            &["annualreport kai", "from the old cache"],
        );
        let mut old: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&cached.cache_path).unwrap()).unwrap();
        let old = old.as_object_mut().unwrap();
        old.remove("fontconfig");
        assert_eq!(old.keys().collect::<Vec<_>>(), ["files", "wanted"]);
        std::fs::write(&cached.cache_path, serde_json::to_vec(&old).unwrap()).unwrap();

        let found = faces_with_cache(false, &cached.dirs, &cached.kai, Some(&cached.cache_path));
        assert_eq!(found[0].names, ["annualreport kai", "from the old cache"]);
    }

    #[test]
    fn a_damaged_cache_or_one_made_for_other_families_is_not_used() {
        let cached = cached_kai();
        tamper(&cached.cache_path, &cached.file, &["something else"]);
        let other = vec!["annualreport kai".to_owned(), "simhei".to_owned()];
        let found = faces_with_cache(false, &cached.dirs, &other, Some(&cached.cache_path));
        assert_eq!(
            families(&found),
            families(&faces_with_cache(false, &cached.dirs, &other, None))
        );
        assert!(found[0].names.contains(&cached.kai[0]));

        std::fs::write(&cached.cache_path, "{ not json").unwrap();
        let found = faces_with_cache(false, &cached.dirs, &cached.kai, Some(&cached.cache_path));
        assert_eq!(
            families(&found),
            families(&faces_with_cache(false, &cached.dirs, &cached.kai, None))
        );
        assert!(found[0].names.contains(&cached.kai[0]));
    }
}
