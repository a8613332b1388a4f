//! Where tierdeck keeps its files, and the user's `config.toml`.

use std::fs;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::Deserialize;

/// What a user may set in `config.toml`; every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The name stamped on every change, when `--user` and `TIERDECK_USER` are not given.
    pub user: Option<String>,
    /// `en` or `zh-CN`.
    pub lang: Option<String>,
    /// The database used when `--db` and `TIERDECK_DB` are not given.
    pub db: Option<PathBuf>,
    /// `sync-folder` when the database's folder is carried by a sync tool
    /// tierdeck does not recognise by its markers.
    pub sharing: Option<Sharing>,
    /// A team server's address with its password, for a member who keeps
    /// it here rather than in `PGPASSWORD` or `~/.pgpass`; used only to
    /// connect to that same server, login and database.
    pub team_server: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Sharing {
    SyncFolder,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}; fix or remove that line", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("no home directory found to keep tierdeck's data in; give --db PATH")]
    NoHome,
}

/// The platform's data and config directories for tierdeck
/// (`~/.local/share/tierdeck` and `~/.config/tierdeck` on Linux).
#[derive(Debug, Clone)]
pub struct Dirs {
    pub data: PathBuf,
    pub config: PathBuf,
}

impl Dirs {
    pub fn locate() -> Result<Dirs, ConfigError> {
        let dirs = ProjectDirs::from("", "", "tierdeck").ok_or(ConfigError::NoHome)?;
        Ok(Dirs {
            data: dirs.data_dir().to_path_buf(),
            config: dirs.config_dir().to_path_buf(),
        })
    }

    pub fn default_db(&self) -> PathBuf {
        self.data.join("tierdeck.db")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    pub fn rules_file(&self) -> PathBuf {
        self.config.join("rules.toml")
    }
}

impl Config {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
        };
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: e
                .span()
                .and_then(|span| text.get(..span.start))
                .map_or(1, |before| before.matches('\n').count() + 1),
            reason: e.message().to_string(),
        })?;
        if let Some(lang) = &config.lang
            && crate::i18n::Lang::parse(lang).is_none()
        {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of_key(&text, "lang"),
                reason: format!("unknown language `{lang}`; use en or zh-CN"),
            });
        }
        Ok(config)
    }
}

/// The line a top-level key is written on, for messages about its value.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// The login name, the last fallback for who is making changes.
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        // A cron job, a container or `env -i` sets none of them: the
        // account itself still says who it is.
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The name of the account this process runs as, from the system's user
/// database.
#[cfg(unix)]
fn account_name() -> Option<String> {
    let mut buffer = vec![0 as libc::c_char; 4096];
    // SAFETY: a passwd of zeroes is a valid value to be written over.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `entry` and `buffer`, both ours
    // and as large as said, and sets `found` to `entry` or to null.
    let status = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status != 0 || found.is_null() || entry.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points to a NUL-terminated string in `buffer`.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    name.to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_config_file_is_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(&dir.path().join("config.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn config_typo_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "user = \"ann\"\nlnag = \"en\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml:2:"), "{err}");
        assert!(err.contains("lnag"), "{err}");
    }

    #[test]
    fn an_unknown_language_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "user = \"ann\"\nlang = \"fr\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("config.toml:2: unknown language `fr`"),
            "{err}"
        );
    }

    #[test]
    fn config_reads_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(
            &path,
            "user = \"李娜\"\nlang = \"zh-CN\"\ndb = \"/srv/team.db\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.user.as_deref(), Some("李娜"));
        assert_eq!(config.lang.as_deref(), Some("zh-CN"));
        assert_eq!(config.db, Some(PathBuf::from("/srv/team.db")));
    }
}
