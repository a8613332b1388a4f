use std::path::{Path, PathBuf};

use crate::transfer::ImportError;

/// What can go wrong in the store, each said in one sentence that tells the
/// user what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("looking ahead to {0} (--as-of) changes nothing; leave out --as-of to make changes")]
    LookingAhead(chrono::NaiveDate),
    #[error("the directory {} does not exist; create it or choose another --db path", .0.display())]
    MissingDir(PathBuf),
    #[error("{} is not a tierdeck database (it is not an SQLite file); check the --db path", .0.display())]
    NotSqlite(PathBuf),
    #[error("{} is an SQLite file of another program, not a tierdeck database; choose another --db path", .0.display())]
    NotTierdeck(PathBuf),
    #[error(
        "{} was written by a newer tierdeck (schema {found}, this one knows up to {supported}); upgrade tierdeck to open it",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("cannot open {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    #[error("cannot write to {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("cannot upgrade the schema of {}: {reason}", path.display())]
    Migration { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "`{given}` is not a valid {what} id; give at least 4 of its characters as `{lister}` shows them"
    )]
    BadId {
        what: &'static str,
        given: String,
        lister: &'static str,
    },
    #[error("no {what} id starts with `{given}`; check it with `{lister}`")]
    NoSuchId {
        what: &'static str,
        given: String,
        lister: &'static str,
    },
    #[error("the {what} {given} is not in this database (it may have been deleted)")]
    NotFound { what: &'static str, given: String },
    #[error("{what} id `{given}` is ambiguous ({}); type more characters", candidates.join(", "))]
    Ambiguous {
        what: &'static str,
        given: String,
        candidates: Vec<String>,
    },
    #[error("no account named `{0}`; add it with `tierdeck account add --name …` or give its id")]
    NoSuchAccount(String),
    #[error("{count} accounts are named `{name}` ({}); give the account id instead", ids.join(", "))]
    AccountNameAmbiguous {
        name: String,
        count: usize,
        ids: Vec<String>,
    },
    #[error("unknown stage `{given}`; use one of: {known}")]
    UnknownStage { given: String, known: String },
    #[error("{0}")]
    Invalid(String),
    #[error(
        "{what} {id} was changed by {by} at {at} after you loaded it; reload it and apply your change again"
    )]
    Conflict {
        what: &'static str,
        id: String,
        by: String,
        at: String,
    },
    #[error("{} was not merged: {reason}; nothing was changed", path.display())]
    MergeRefused { path: PathBuf, reason: String },
    #[error("{0}; nothing was imported")]
    Import(ImportError),
    #[error("database error: {}", plain_reason(.0))]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    pub(crate) fn open(path: &Path, e: rusqlite::Error) -> Self {
        if is_not_a_database(&e) {
            return StoreError::NotSqlite(path.to_path_buf());
        }
        StoreError::Open {
            path: path.to_path_buf(),
            reason: plain_reason(&e),
        }
    }

    /// For `map_err` on a file operation: the error, naming the file.
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + use<> {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    }

    pub(crate) fn write(path: &Path, e: rusqlite::Error) -> Self {
        StoreError::Write {
            path: path.to_path_buf(),
            reason: plain_reason(&e),
        }
    }
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
}

/// SQLite's own words for the common cases, with what to do about them.
fn plain_reason(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::ReadOnly => "the file is read-only; check its permissions".to_string(),
            C::CannotOpen => {
                "the file cannot be opened; check the path and permissions".to_string()
            }
            C::DatabaseBusy | C::DatabaseLocked => {
                "another tierdeck kept the file locked too long; try again".to_string()
            }
            C::DatabaseCorrupt => {
                "the file is damaged; restore it from a copy or an export".to_string()
            }
            C::DiskFull => "the disk is full; free some space".to_string(),
            _ => e.to_string(),
        },
        _ => e.to_string(),
    }
}
