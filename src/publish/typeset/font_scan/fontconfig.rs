//! The font folders of the fontconfig configuration, kept between runs. Learning them
//! means parsing fonts.conf and every file it includes (dozens on a desktop system) for
//! a handful of folders, which cost more than the rest of the font scan. The answer is
//! kept with the stamps of everything that decided it, and the XML is parsed again only
//! when one of those changed.

use super::{Stamp, nanos_since_1970};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the configuration is looked for: the environment variables that name or locate
/// its files and folders. A configuration read under other values is read again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ConfigEnv {
    /// `FONTCONFIG_FILE`: the one file to read instead of the usual ones.
    file: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`: where the user's configuration is.
    config_home: Option<PathBuf>,
    /// `XDG_DATA_HOME`: where a `<dir prefix="xdg">` folder is.
    data_home: Option<PathBuf>,
    /// `HOME`: what `~` stands for.
    home: Option<PathBuf>,
}

impl ConfigEnv {
    /// The values of this process.
    pub(super) fn current() -> Self {
        let var = |name| std::env::var_os(name).map(PathBuf::from);
        Self {
            file: var("FONTCONFIG_FILE"),
            config_home: var("XDG_CONFIG_HOME"),
            data_home: var("XDG_DATA_HOME"),
            home: var("HOME"),
        }
    }

    /// The user's fontconfig folder: `$XDG_CONFIG_HOME/fontconfig`, else
    /// `~/.config/fontconfig`.
    fn user_folder(&self) -> Option<PathBuf> {
        self.config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")))
            .map(|config| config.join("fontconfig"))
    }

    /// The places looked at whether or not they exist, besides the files read and their
    /// folders: the files a run starts from and what the usual configuration includes.
    /// An absent one is watched too, so that its creation is seen.
    fn watched(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.file.iter().cloned().collect();
        paths.extend(
            [
                "/etc/fonts/fonts.conf",
                "/etc/fonts/local.conf",
                "/etc/fonts/conf.d",
            ]
            .map(PathBuf::from),
        );
        if let Some(user) = self.user_folder() {
            paths.push(user.join("fonts.conf"));
            paths.push(user.join("conf.d"));
        }
        if let Some(home) = &self.home {
            paths.push(home.join(".fonts.conf"));
            paths.push(home.join(".fonts.conf.d"));
        }
        paths
    }
}

/// The font folders of a configuration, with what they were read from.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ConfigDirs {
    /// The environment the configuration was looked for in.
    env: ConfigEnv,
    /// When the configuration was read, in nanoseconds since 1970.
    read_at: u128,
    /// Every file read, the folder of each, and the watched places, with their stamps
    /// (none: absent). A folder's stamp changes when a file is added to it or removed.
    inputs: BTreeMap<PathBuf, Option<Stamp>>,
    /// The font folders, in the configuration's order.
    pub(super) dirs: Vec<PathBuf>,
}

/// How long before it was read a configuration must have last changed to be trusted
/// later: a file changed while (or just before) it was read might have been read before
/// the change yet stamped after it, and file times are coarser than the clock.
const SETTLE_NANOS: u128 = 10_000_000_000;

impl ConfigDirs {
    /// Reads the configuration `env` locates, as fontdb reads it: `FONTCONFIG_FILE`
    /// alone, or the user's file (else the system's local.conf), then the system's
    /// fonts.conf; the usual folders when it names none.
    fn read(env: &ConfigEnv) -> Self {
        let read_at = nanos_since_1970(std::time::SystemTime::now());
        let mut config = fontconfig_parser::FontConfig::default();
        if let Some(file) = &env.file {
            let _ = config.merge_config(file);
        } else {
            let read_global = env
                .user_folder()
                .is_none_or(|u| config.merge_config(&u.join("fonts.conf")).is_err());
            if read_global {
                let _ = config.merge_config(Path::new("/etc/fonts/local.conf"));
            }
            let _ = config.merge_config(Path::new("/etc/fonts/fonts.conf"));
        }
        let mut inputs = BTreeMap::new();
        let files = config.config_files.iter();
        let folders = files
            .clone()
            .filter_map(|f| f.parent().map(Path::to_path_buf));
        for path in env
            .watched()
            .into_iter()
            .chain(files.cloned())
            .chain(folders)
        {
            inputs.entry(path).or_insert_with_key(|p| stamp(p));
        }
        Self {
            env: env.clone(),
            read_at,
            inputs,
            dirs: font_dirs(config, env.home.as_deref()),
        }
    }

    /// Whether these are the folders a read under `env` would give now: the same
    /// environment, inputs that had settled when read, and every input as it was.
    fn is_current(&self, env: &ConfigEnv) -> bool {
        let settled = |s: &Stamp| s.modified.saturating_add(SETTLE_NANOS) < self.read_at;
        self.env == *env
            && self.inputs.values().flatten().all(settled)
            && self.inputs.iter().all(|(path, s)| stamp(path) == *s)
    }
}

/// The font folders of the configuration `env` locates: those of `known` while it is
/// current, else those of the configuration read again, which replace `known`. Whether
/// it was read.
pub(super) fn refresh(known: &mut Option<ConfigDirs>, env: &ConfigEnv) -> bool {
    if known.as_ref().is_some_and(|k| k.is_current(env)) {
        return false;
    }
    *known = Some(ConfigDirs::read(env));
    true
}

/// The stamp of what `path` names, following links; none when there is nothing.
fn stamp(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
}

/// The folders `config` names, `~` read as `home`; the usual ones when it names none.
fn font_dirs(config: fontconfig_parser::FontConfig, home: Option<&Path>) -> Vec<PathBuf> {
    if config.dirs.is_empty() {
        let mut dirs = vec![
            PathBuf::from("/usr/share/fonts/"),
            PathBuf::from("/usr/local/share/fonts/"),
        ];
        if let Some(home) = home {
            dirs.push(home.join(".fonts"));
            dirs.push(home.join(".local/share/fonts"));
        }
        return dirs;
    }
    config
        .dirs
        .into_iter()
        .filter_map(|dir| match dir.path.strip_prefix("~") {
            Ok(rest) => home.map(|h| h.join(rest)),
            Err(_) => Some(dir.path),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    /// A configuration in a temporary folder: `fonts.conf` naming the font folder
    /// `fonts-a` and including the folder `conf.d`.
    struct Setup {
        root: tempfile::TempDir,
    }

    impl Setup {
        fn new() -> Self {
            let setup = Self {
                root: tempfile::tempdir().unwrap(),
            };
            let root = setup.root.path().display();
            setup.write(
                "fonts.conf",
                &format!(
                    "<dir>{root}/fonts-a</dir>\n\
                     <include ignore_missing=\"yes\">{root}/conf.d</include>"
                ),
            );
            setup.write("conf.d/10-b.conf", &format!("<dir>{root}/fonts-b</dir>"));
            setup
        }

        fn path(&self, name: &str) -> PathBuf {
            self.root.path().join(name)
        }

        /// Writes a configuration file with `body` inside `<fontconfig>`.
        fn write(&self, name: &str, body: &str) {
            let path = self.path(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let xml = format!("<?xml version=\"1.0\"?>\n<fontconfig>\n{body}\n</fontconfig>\n");
            std::fs::write(path, xml).unwrap();
        }

        /// Looks for the configuration in `FONTCONFIG_FILE` = `file`, with this folder
        /// as the home folder.
        fn env(&self, file: &str) -> ConfigEnv {
            ConfigEnv {
                file: Some(self.path(file)),
                config_home: Some(self.path("config")),
                data_home: None,
                home: Some(self.path("home")),
            }
        }

        /// Dates every file and folder of the setup an hour back, as a configuration
        /// installed long before the run.
        fn age(&self) {
            let hour_ago = SystemTime::now() - Duration::from_secs(3600);
            let mut pending = vec![self.root.path().to_path_buf()];
            while let Some(path) = pending.pop() {
                if path.is_dir() {
                    for entry in std::fs::read_dir(&path).unwrap() {
                        pending.push(entry.unwrap().path());
                    }
                }
                let file = std::fs::File::open(&path).unwrap();
                file.set_modified(hour_ago).unwrap();
            }
        }
    }

    fn dirs(known: &Option<ConfigDirs>) -> Vec<PathBuf> {
        known.as_ref().unwrap().dirs.clone()
    }

    /// Reads the configuration again after `setup` was aged, so that the next run may
    /// trust it, and checks that it does.
    fn settle(setup: &Setup, known: &mut Option<ConfigDirs>, env: &ConfigEnv) {
        setup.age();
        refresh(known, env);
        assert!(
            !refresh(known, env),
            "a settled configuration is not read again"
        );
    }

    #[test]
    fn an_unchanged_configuration_is_answered_from_what_was_kept() {
        let setup = Setup::new();
        setup.age();
        let env = setup.env("fonts.conf");
        let mut known = None;
        assert!(refresh(&mut known, &env));
        let read = dirs(&known);
        assert_eq!(read, [setup.path("fonts-a"), setup.path("fonts-b")]);

        assert!(!refresh(&mut known, &env));
        assert_eq!(dirs(&known), read);
        // The kept folders are what a run gets, as long as nothing changed ...
        known.as_mut().unwrap().dirs = vec![PathBuf::from("/kept")];
        assert!(!refresh(&mut known, &env));
        assert_eq!(dirs(&known), [PathBuf::from("/kept")]);
        // ... also after a trip through the cache file.
        let json = serde_json::to_string(&known).unwrap();
        let mut stored: Option<ConfigDirs> = serde_json::from_str(&json).unwrap();
        assert!(!refresh(&mut stored, &env));
        assert_eq!(dirs(&stored), [PathBuf::from("/kept")]);

        // Another environment is another configuration.
        let mut other_home = env.clone();
        other_home.home = Some(setup.path("elsewhere"));
        assert!(refresh(&mut stored, &other_home));
        assert_eq!(dirs(&stored), read);
    }

    #[test]
    fn a_changed_added_or_removed_configuration_file_is_read_again() {
        let setup = Setup::new();
        let env = setup.env("fonts.conf");
        let mut known = None;
        settle(&setup, &mut known, &env);

        // A file read is edited (same size: only its time tells).
        let fonts_c = setup.path("fonts-c");
        setup.write(
            "conf.d/10-b.conf",
            &format!("<dir>{}</dir>", fonts_c.display()),
        );
        assert!(refresh(&mut known, &env));
        assert_eq!(dirs(&known), [setup.path("fonts-a"), fonts_c.clone()]);
        settle(&setup, &mut known, &env);

        // A file is added to an included folder.
        setup.write("conf.d/20-d.conf", "<dir>/fonts-d</dir>");
        assert!(refresh(&mut known, &env));
        assert_eq!(
            dirs(&known),
            [setup.path("fonts-a"), fonts_c, PathBuf::from("/fonts-d")]
        );
        settle(&setup, &mut known, &env);

        // A file read is removed.
        std::fs::remove_file(setup.path("conf.d/10-b.conf")).unwrap();
        assert!(refresh(&mut known, &env));
        assert_eq!(
            dirs(&known),
            [setup.path("fonts-a"), PathBuf::from("/fonts-d")]
        );
    }

    #[test]
    fn a_configuration_file_that_appears_is_read() {
        let setup = Setup::new();
        let env = setup.env("later.conf");
        let mut known = None;
        settle(&setup, &mut known, &env);
        // No configuration: the usual folders.
        assert!(dirs(&known).contains(&setup.path("home/.fonts")));

        setup.write("later.conf", "<dir>/fonts-later</dir>");
        assert!(refresh(&mut known, &env));
        assert_eq!(dirs(&known), [PathBuf::from("/fonts-later")]);
    }

    #[test]
    fn a_users_configuration_that_appears_is_read() {
        let setup = Setup::new();
        let mut env = setup.env("");
        env.file = None;
        let mut known = None;
        settle(&setup, &mut known, &env);
        let user_fonts = setup.path("user-fonts");
        assert!(!dirs(&known).contains(&user_fonts));

        let user_conf = format!("<dir>{}</dir>", user_fonts.display());
        setup.write("config/fontconfig/fonts.conf", &user_conf);
        assert!(refresh(&mut known, &env));
        assert!(dirs(&known).contains(&user_fonts));
    }

    #[test]
    fn a_configuration_changed_just_before_it_was_read_is_read_again() {
        let setup = Setup::new();
        let env = setup.env("fonts.conf");
        let mut known = None;
        assert!(refresh(&mut known, &env));
        // It may have been read before its last change yet stamped after it.
        assert!(refresh(&mut known, &env));
        settle(&setup, &mut known, &env);
    }
}
