//! How a command fails: the exit code, and the `error:` line in the user's
//! language.
//!
//! A failure keeps the typed error until it is printed, because the
//! language is only known once the command line and the config are read.

use std::path::Path;

use crate::config::ConfigError;
use crate::domain::UnknownValue;
use crate::i18n::Catalog;
use crate::parse::ParseError;
use crate::query::QueryError;
use crate::rules::RulesError;
use crate::say::Say;
use crate::store::StoreError;
use crate::team::TeamError;

/// How a command failed: a usage error (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum Failure {
    /// A usage error, worded already in the user's language.
    Usage(String),
    /// Any other error, worded already in the user's language.
    Error(String),
    /// Worded when printed, once the language is known.
    Cause(Cause),
}

/// The errors of the library that reach the command line as they are.
#[derive(Debug)]
pub enum Cause {
    Store(StoreError),
    Parse(ParseError),
    Value(UnknownValue),
    Query(QueryError),
    Rules(RulesError),
    Config(ConfigError),
    Team(TeamError),
    Io(std::io::Error),
}

macro_rules! failure_from {
    ($($ty:ty => $variant:ident),+ $(,)?) => {$(
        impl From<$ty> for Failure {
            fn from(e: $ty) -> Self {
                Failure::Cause(Cause::$variant(e))
            }
        }
    )+};
}
failure_from!(
    StoreError => Store,
    ParseError => Parse,
    UnknownValue => Value,
    QueryError => Query,
    RulesError => Rules,
    ConfigError => Config,
    std::io::Error => Io,
);

impl From<TeamError> for Failure {
    fn from(e: TeamError) -> Self {
        match e {
            TeamError::Store(e) => e.into(),
            other => Failure::Cause(Cause::Team(other)),
        }
    }
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        let usage = match self {
            Failure::Usage(_) => true,
            Failure::Error(_) => false,
            Failure::Cause(cause) => cause.is_usage(),
        };
        if usage { 2 } else { 1 }
    }

    /// What follows `error: `, on one line.
    pub fn say(&self, c: &Catalog) -> String {
        let said = match self {
            Failure::Usage(m) | Failure::Error(m) => m.clone(),
            Failure::Cause(cause) => cause.say(c),
        };
        said.replace('\n', "; ")
    }
}

impl Cause {
    fn is_usage(&self) -> bool {
        match self {
            Cause::Parse(_) | Cause::Value(_) | Cause::Query(_) => true,
            // A malformed id or stage is a mistake in the command line itself.
            Cause::Store(e) => matches!(
                e,
                StoreError::BadId { .. } | StoreError::UnknownStage { .. }
            ),
            Cause::Rules(_) | Cause::Config(_) | Cause::Team(_) | Cause::Io(_) => false,
        }
    }

    fn say(&self, c: &Catalog) -> String {
        match self {
            Cause::Store(e) => e.say(c),
            Cause::Parse(e) => e.say(c),
            Cause::Value(e) => e.say(c),
            Cause::Query(e) => e.say(c),
            Cause::Rules(e) => rules_error(e, c),
            Cause::Config(e) => config_error(e, c),
            Cause::Team(e) => e.say(c),
            Cause::Io(e) => io_reason(e, c),
        }
    }
}

/// The rules engine words the reason and the hint itself (in English);
/// where the file is wrong is said here.
fn rules_error(e: &RulesError, c: &Catalog) -> String {
    let args = [
        ("file", e.file.as_str()),
        ("reason", e.reason.as_str()),
        ("hint", e.hint.as_str()),
    ];
    match e.line {
        Some(line) => {
            let line = line.to_string();
            let mut with_line = args.to_vec();
            with_line.push(("line", &line));
            c.fmt("usage.rules_line", &with_line)
        }
        None => c.fmt("usage.rules_file", &args),
    }
}

fn config_error(e: &ConfigError, c: &Catalog) -> String {
    match e {
        ConfigError::Read { path, source } => cannot_read(c, path, source),
        ConfigError::Invalid { path, line, reason } => c.fmt(
            "usage.config_line",
            &[
                ("path", &path.display().to_string()),
                ("line", &line.to_string()),
                ("reason", reason),
            ],
        ),
        ConfigError::NoHome => c.get("usage.no_home").to_string(),
    }
}

/// "cannot read FILE: why", in the user's language.
pub fn cannot_read(c: &Catalog, path: &Path, e: &std::io::Error) -> String {
    c.fmt(
        "usage.cannot_read",
        &[
            ("path", &path.display().to_string()),
            ("reason", &io_reason(e, c)),
        ],
    )
}

/// "cannot write FILE: why", in the user's language.
pub fn cannot_write(c: &Catalog, path: &Path, e: &std::io::Error) -> String {
    c.fmt(
        "usage.cannot_write",
        &[
            ("path", &path.display().to_string()),
            ("reason", &io_reason(e, c)),
        ],
    )
}

/// Why a file operation failed: the common cases in the user's words, the
/// system's own text for the rest.
pub fn io_reason(e: &std::io::Error, c: &Catalog) -> String {
    use std::io::ErrorKind as K;
    let key = match e.kind() {
        K::NotFound => "usage.io.not_found",
        K::PermissionDenied => "usage.io.permission_denied",
        K::AlreadyExists => "usage.io.already_exists",
        K::IsADirectory => "usage.io.is_a_directory",
        K::NotADirectory => "usage.io.not_a_directory",
        K::StorageFull => "usage.io.storage_full",
        K::ReadOnlyFilesystem => "usage.io.read_only",
        K::InvalidData => "usage.io.invalid_data",
        _ => return e.to_string(),
    };
    c.get(key).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn usage_mistakes_exit_2_and_the_rest_exit_1() {
        let date = crate::parse::parse_date("2026-13-01", chrono::NaiveDate::MIN).unwrap_err();
        assert_eq!(Failure::from(date).exit_code(), 2);
        let bad_id = StoreError::BadId {
            what: "deal",
            given: "ab".into(),
            lister: "tierdeck list",
        };
        assert_eq!(Failure::from(bad_id).exit_code(), 2);
        let missing = StoreError::NoSuchAccount("华为".into());
        assert_eq!(Failure::from(missing).exit_code(), 1);
        assert_eq!(Failure::Usage("x".into()).exit_code(), 2);
        assert_eq!(Failure::Error("x".into()).exit_code(), 1);
    }

    #[test]
    fn file_errors_are_said_in_the_users_language() {
        let zh = Catalog::new(Lang::ZhCn);
        let gone = std::io::Error::from(std::io::ErrorKind::NotFound);
        let said = cannot_read(&zh, Path::new("x.csv"), &gone);
        assert!(said.contains("x.csv") && said.contains("不存在"), "{said}");
        let config = ConfigError::Invalid {
            path: "config.toml".into(),
            line: 3,
            reason: "expected `=`".into(),
        };
        let said = Failure::from(config).say(&zh);
        assert!(
            said.contains("config.toml") && said.contains("第 3 行"),
            "{said}"
        );
        let en = Catalog::new(Lang::En);
        assert_eq!(
            Failure::from(ConfigError::NoHome).say(&en),
            ConfigError::NoHome.to_string()
        );
    }

    #[test]
    fn a_failure_is_one_line() {
        let en = Catalog::new(Lang::En);
        assert_eq!(Failure::Error("a\nb".into()).say(&en), "a; b");
    }
}
