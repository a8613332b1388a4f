use std::path::{Path, PathBuf};

use crate::domain::ReminderStatus;
use crate::query::Dimension;
use crate::transfer::ImportError;

/// What can go wrong in the store, each said in one sentence that tells the
/// user what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("looking ahead to {0} (--as-of) changes nothing; leave out --as-of to make changes")]
    LookingAhead(chrono::NaiveDate),
    #[error("the folder {} does not exist; create it or choose another database path", .0.display())]
    MissingDir(PathBuf),
    #[error("{} is not a tierdeck database (it is not an SQLite file); check the database path", .0.display())]
    NotSqlite(PathBuf),
    #[error("{} is an SQLite file of another program, not a tierdeck database; choose another database path", .0.display())]
    NotTierdeck(PathBuf),
    #[error(
        "{} {}, not a tierdeck database; nothing was changed: check the database path, or run `tierdeck init` on it to make a new database there",
        path.display(),
        if *empty { "is an empty file" } else { "is an SQLite file with no tables" }
    )]
    NoDatabase { path: PathBuf, empty: bool },
    #[error(
        "{} is damaged (SQLite's check says: {problem}); nothing was changed: run `tierdeck doctor` to see what is wrong, then restore the file from a copy or an export",
        path.display()
    )]
    Damaged { path: PathBuf, problem: String },
    #[error(
        "{} beside the database is not an SQLite journal, so it was left alone and nothing was changed; move it out of the folder and run the command again",
        .0.display()
    )]
    StrayJournal(PathBuf),
    #[error(
        "{} belongs to another copy of the database (its {} is {journal}, the file's is {file}), so it was not rolled back into it and nothing was changed; move it out of the folder and run the command again",
        path.display(),
        what.replace('_', " ")
    )]
    ForeignJournal {
        path: PathBuf,
        /// `page_size`, `change_counter` or `size`.
        what: &'static str,
        journal: u64,
        file: u64,
    },
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
    Open { path: PathBuf, reason: DbProblem },
    #[error("cannot write to {}: {reason}", path.display())]
    Write { path: PathBuf, reason: DbProblem },
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
    #[error("no account named `{0}`; add it first or give its id")]
    NoSuchAccount(String),
    #[error("{count} accounts are named `{name}` ({}); give the account id instead", ids.join(", "))]
    AccountNameAmbiguous {
        name: String,
        count: usize,
        ids: Vec<String>,
    },
    #[error("`{given}` is part of the names of several accounts ({}); give more of the name or the account id", names.join(", "))]
    AccountNamePartAmbiguous { given: String, names: Vec<String> },
    #[error("unknown stage `{given}`; use one of: {known}")]
    UnknownStage { given: String, known: String },
    #[error(transparent)]
    Deal(#[from] DealRefusal),
    #[error(transparent)]
    Account(#[from] AccountRefusal),
    #[error(transparent)]
    Contact(#[from] ContactRefusal),
    #[error(transparent)]
    Reminder(#[from] ReminderRefusal),
    #[error(transparent)]
    Activity(#[from] ActivityRefusal),
    #[error(transparent)]
    Team(#[from] TeamRefusal),
    #[error(transparent)]
    Row(#[from] RowRefusal),
    #[error(transparent)]
    Trash(#[from] TrashRefusal),
    #[error(transparent)]
    Goal(#[from] GoalRefusal),
    #[error("accounts have no {}; count deals by it instead", .0.key())]
    AccountsHaveNo(Dimension),
    #[error(
        "the temporary folder {} has a name SQLite cannot take; set TMPDIR to another folder",
        .0.display()
    )]
    TempFolderName(PathBuf),
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
    #[error("{} rows cannot be imported (first {}); nothing was imported", .0.bad.len(), first_bad(.0))]
    Rejected(Box<super::transfer::Rejected>),
    #[error("{}: {error}", path.display())]
    ImportFile {
        path: PathBuf,
        error: Box<StoreError>,
    },
    #[error("database error: {}", DbProblem::of(.0))]
    Sql(#[from] rusqlite::Error),
}

/// What a person asked of a deal that its state or the input does not allow.
#[derive(Debug, thiserror::Error)]
pub enum DealRefusal {
    #[error("deal {id} is already won; nothing to do")]
    AlreadyWon { id: String },
    #[error("deal {id} is already lost; nothing to do")]
    AlreadyLost { id: String },
    /// A stage change to lost would lose the reason, which `lost` keeps.
    #[error("mark deal {id} lost with its reason instead of moving it to the lost stage")]
    LostByStageMove { id: String },
    #[error("say why the deal was lost: give a reason")]
    LostWithoutReason,
    #[error("say why the grade is pinned: give a reason")]
    PinWithoutReason,
    #[error("deal {id} has no pinned grade; nothing to do")]
    NotPinned { id: String },
    #[error(
        "nothing to change: give a new title, amount, stage, close date, need, owner, contact, source, next step or notes"
    )]
    NothingToChange,
    #[error("a deal needs a title")]
    EmptyTitle,
    #[error("an activity needs a summary of what happened")]
    EmptySummary,
    #[error("the rules define no open stage")]
    NoOpenStage,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountRefusal {
    #[error("an account needs a name")]
    EmptyName,
    #[error("an account named `{name}` already exists ({id}); update it or choose another name")]
    NameTaken { name: String, id: String },
}

/// A delete, restore or undo that cannot be done as asked.
#[derive(Debug, thiserror::Error)]
pub enum TrashRefusal {
    #[error(
        "account `{name}` has {count} open deals; pass --with-deals to delete them with it, or move them first"
    )]
    OpenDeals { name: String, count: usize },
    #[error(
        "nothing deleted has an id starting with `{given}`; `tierdeck undo --list` shows what you deleted"
    )]
    NotDeleted { given: String },
    #[error("its account `{name}` is deleted; restore the account first (tierdeck restore {id})")]
    AccountDeleted { name: String, id: String },
    #[error("there is no change of yours left to undo")]
    NothingToUndo,
}

/// A sales target that cannot be set as asked.
#[derive(Debug, thiserror::Error)]
pub enum GoalRefusal {
    #[error("`{given}` is not a period; give a month as 2026-12 or a quarter as 2026-Q4")]
    BadPeriod { given: String },
    #[error("give at least one target: --won-amount, --won-deals or --activities")]
    NoTarget,
    /// `what` is the option that set it, as typed: `--won-deals`.
    #[error("{what} must be more than zero")]
    NotPositive { what: &'static str },
    #[error("name the owner the goal is for, or set it with --team for the whole team")]
    EmptyOwner,
}

/// What a person asked of a contact that the input does not allow.
#[derive(Debug, thiserror::Error)]
pub enum ContactRefusal {
    #[error("a contact needs a name")]
    EmptyName,
    #[error("{account} already has a contact named `{name}` ({id}); update that one instead")]
    NameTaken {
        name: String,
        account: String,
        id: String,
    },
    #[error("{account} has no contact `{given}`; check the name with `tierdeck contact list`")]
    NoSuchContact { given: String, account: String },
    #[error("`{given}` is part of the names of several contacts ({}); give more of the name or the contact id", names.join(", "))]
    NamePartAmbiguous { given: String, names: Vec<String> },
    #[error("{name} is not a contact of {account}; name one of the deal's account's people")]
    NotAtAccount { name: String, account: String },
    #[error(
        "{name} is the contact on {deals} of the account's deals; name someone else there before moving {name}"
    )]
    NamedByDeals { name: String, deals: i64 },
    #[error(
        "nothing to change: give a new account, name, title, phone, email, other contact or notes"
    )]
    NothingToChange,
}

#[derive(Debug, thiserror::Error)]
pub enum ReminderRefusal {
    #[error("reminder {id} is already {status}; nothing to do")]
    Closed { id: String, status: ReminderStatus },
    #[error("cannot snooze until {until}: pick a date after today ({today})")]
    SnoozeNotAfterToday {
        until: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error(
        "reminder {id} is not due yet: this revisit opens on {due}, and can be done, snoozed or dismissed from that day; an activity logged on the deal before then answers it"
    )]
    NotDueYet { id: String, due: chrono::NaiveDate },
    #[error("cannot plan a follow-up on {on}: pick today ({today}) or a later day")]
    PlanBeforeToday {
        on: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error("say what the follow-up is for, such as \"call about the quote\"")]
    EmptyPlan,
}

/// What a person asked of an activity that it does not allow.
#[derive(Debug, thiserror::Error)]
pub enum ActivityRefusal {
    #[error(
        "cannot log an activity at {at}: that is after today; give a moment up to the end of today"
    )]
    InFuture { at: String },
    #[error("activity {id} was already corrected or retracted; correct its latest version instead")]
    Replaced { id: String },
    #[error("{id} is a retraction, not an activity; there is nothing in it to correct")]
    IsRetraction { id: String },
    #[error("say why the activity is taken back: give a reason")]
    RetractWithoutReason,
}

/// The team's shared state, as this replica finds it.
#[derive(Debug, thiserror::Error)]
pub enum TeamRefusal {
    #[error("the database has no replica id")]
    NoReplicaId,
    #[error("conflict {id} is already settled")]
    ConflictSettled { id: String },
    #[error("cannot restore a value of {table}")]
    NotRestorable { table: String },
    #[error("{table} has no field {field}")]
    NoSuchField { table: String, field: String },
    #[error("the snapshot {} did not check out ({check}); nothing was published", path.display())]
    SnapshotDamaged { path: PathBuf, check: String },
    #[error(
        "the team's snapshot was made by another version of tierdeck; update tierdeck on both machines"
    )]
    SnapshotOtherVersion,
}

/// A row of an import (or of the demo data) that cannot go in as it is.
#[derive(Debug, thiserror::Error)]
pub enum RowRefusal {
    #[error(
        "this database already holds the demo data of seed {seed}; use another seed or another database"
    )]
    DemoLoaded { seed: u64 },
    #[error("the row names neither a deal nor an account")]
    NoDealNorAccount,
    #[error("no deal titled `{title}`; import the deals first or give the deal id")]
    NoDealTitled { title: String },
    #[error("several deals are titled `{title}`; add the account column or give the deal id")]
    DealTitleAmbiguous { title: String },
    #[error("deal {deal} is not in this database; import the deals first")]
    ReminderDealMissing { deal: String },
    #[error(
        "deal {deal} already has an open reminder of this kind; close it first or leave this row out"
    )]
    ReminderAlreadyOpen { deal: String },
    #[error("{} holds no file to import; name the files accounts.csv, contacts.csv, deals.csv, activities.csv (or Account.csv, Opportunity.csv, Task.csv)", dir.display())]
    NothingToImport { dir: PathBuf },
    #[error(
        "no account has the id `{id}`; import the accounts file first, or add a column with the account's name"
    )]
    NoAccountWithSourceId { id: String },
    #[error(
        "no contact has the id `{id}`; import the contacts file first, or add a column with the contact's name"
    )]
    NoContactWithSourceId { id: String },
    #[error("no deal or account has the id `{id}`; import the accounts and deals first")]
    NothingWithSourceId { id: String },
}

fn first_bad(rejected: &super::transfer::Rejected) -> String {
    rejected
        .bad
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Why SQLite refused, in the common cases people can do something about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbProblem {
    #[error("the file is read-only; check its permissions")]
    ReadOnly,
    /// SQLite's `READONLY_DBMOVED`, and a path that names another file
    /// than the one opened.
    #[error(
        "the file was moved or replaced by another program while tierdeck had it open; nothing was changed, run the command again"
    )]
    Moved,
    /// SQLite's `READONLY_ROLLBACK`: a hot journal it may not play back.
    #[error(
        "a write that a crash cut off must be rolled back before the file can be read: run `tierdeck doctor`, which rolls it back (the file must be writable for that)"
    )]
    HotJournal,
    #[error("the file cannot be opened; check the path and permissions")]
    CannotOpen,
    #[error("another tierdeck kept the file locked too long; try again")]
    Locked,
    #[error("the file is damaged; restore it from a copy or an export")]
    Damaged,
    #[error("the disk is full; free some space")]
    DiskFull,
    /// A stored value that does not read back as what it should be.
    #[error(
        "a stored value cannot be read back (a date, moment, id or word in it is not as tierdeck writes it); run `tierdeck doctor`, which names its table, row and column"
    )]
    UnreadableValue,
    /// SQLite's own words, for what the cases above do not cover.
    #[error("{0}")]
    Other(String),
}

impl DbProblem {
    pub fn of(e: &rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                C::ReadOnly if f.extended_code == rusqlite::ffi::SQLITE_READONLY_DBMOVED => {
                    DbProblem::Moved
                }
                C::ReadOnly if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK => {
                    DbProblem::HotJournal
                }
                C::ReadOnly => DbProblem::ReadOnly,
                C::CannotOpen => DbProblem::CannotOpen,
                C::DatabaseBusy | C::DatabaseLocked => DbProblem::Locked,
                C::DatabaseCorrupt => DbProblem::Damaged,
                C::DiskFull => DbProblem::DiskFull,
                _ => DbProblem::Other(e.to_string()),
            },
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..) => DbProblem::UnreadableValue,
            _ => DbProblem::Other(e.to_string()),
        }
    }
}

impl StoreError {
    pub(crate) fn open(path: &Path, e: rusqlite::Error) -> Self {
        if is_not_a_database(&e) {
            return StoreError::NotSqlite(path.to_path_buf());
        }
        StoreError::Open {
            path: path.to_path_buf(),
            reason: DbProblem::of(&e),
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
            reason: DbProblem::of(&e),
        }
    }
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
}
