//! The store: the one place that speaks SQL.
//!
//! Query functions take `&Connection`, so they run the same inside or outside
//! a transaction; the public methods of [`Store`] own their transactions, with
//! `BEGIN IMMEDIATE` for every write so that a shared file never sees a
//! half-done change.

mod accounts;
mod activities;
mod changes;
mod contacts;
mod deals;
mod doctor;
mod engine;
mod error;
mod filter;
mod goals;
mod guard;
mod log;
mod merge;
mod reminders;
mod reports;
mod rows;
mod schema;
mod segments;
mod team;
mod transfer;
mod trash;
mod undo;
mod values;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::domain::{Currency, Id, RowMeta};
use crate::rules::Rules;

pub use accounts::{AccountFilter, AccountPatch, AccountRow, AccountSort, NewAccount};
pub use activities::{ActivityPatch, On};
pub use changes::{Change, Changed, Changes, Seen};
pub use contacts::{ContactPatch, ContactRow, NewContact};
pub use deals::{
    DealDetail, DealExtras, DealFilter, DealPatch, DealRow, DealSort, NewDeal, first_stage,
};
pub use doctor::{BAD_VALUES_KEPT, BadValue, Counts, Health};
pub use engine::GradeChangeRow;
pub use error::{
    AccountRefusal, ActivityRefusal, ContactRefusal, DbProblem, DealRefusal, GoalRefusal,
    ReminderRefusal, RowRefusal, StoreError, TeamRefusal, TrashRefusal,
};
pub use filter::Group;
pub use goals::{GoalSet, GoalTarget};
pub use log::{Applied, Conflict, FieldChange, Op, next_stamp, stamp_moment};
pub use merge::{Aside, MergeSummary, NameClash, Overruled, TableMerge};
pub use reminders::{DueFilter, ReminderOrder, ReminderPage, ReminderRow, ReminderSort};
pub use reports::ReportSet;
pub use schema::latest_version;
pub use segments::Standing;
pub use team::{PeerRead, Published};
pub use transfer::{
    BAD_ROWS_LISTED, DemoSummary, ExportFormat, ImportCounts, ImportKind, ImportSummary, Importing,
    Rejected,
};
pub use trash::Trashed;
pub use undo::{Did, RowKind, Touched, Undoable, Undone};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is working and on which day. Only `main` reads the clock; everything
/// below takes the date and the moment from here.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    /// The effective date (`--today`).
    pub today: NaiveDate,
    /// The real moment, for the bookkeeping columns that order merges.
    pub now: DateTime<Utc>,
    /// The user's offset from UTC, which decides what "today" and a time of day are.
    pub offset: FixedOffset,
}

impl Session {
    /// A moment as the user reads it: the day and the minute in their own time.
    pub fn local_minute(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.offset)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The same for a moment as stored (RFC 3339), such as the one a
    /// conflict names; text that is no moment is shown as it is.
    pub fn local_minute_of(&self, stored: &str) -> String {
        DateTime::parse_from_rfc3339(stored).map_or_else(
            |_| stored.to_string(),
            |at| self.local_minute(at.with_timezone(&Utc)),
        )
    }

    /// When something the user did happened: the effective date at the
    /// current local time of day, so that work logged "on" a planned day
    /// sorts on it.
    pub fn effective_moment(&self) -> DateTime<Utc> {
        let time_of_day = self.now.with_timezone(&self.offset).time();
        self.today
            .and_time(time_of_day)
            .and_local_timezone(self.offset)
            .single()
            .map_or(self.now, |at| at.with_timezone(&Utc))
    }
}

/// How a database file may be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (but never a missing directory) when it does not exist.
    CreateFile,
    /// Create the file and any missing directories: only for the default path.
    CreateDirs,
    /// Only a file that is there: a second connection to an open database
    /// must not make an empty one where the file went away.
    Existing,
    /// `init`: like `CreateFile`, and an empty file already there (or an
    /// SQLite file with no tables) is made a database too.
    Init,
}

impl OpenMode {
    /// Whether a file that is there but holds no database may become one:
    /// only on `init` and on the default path, which tierdeck itself makes
    /// (a first start cut off before its schema was written leaves it empty).
    fn adopts_blank(self) -> bool {
        matches!(self, OpenMode::Init | OpenMode::CreateDirs)
    }
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// How long a write waits for another's to finish before it gives up. An
/// everyday write holds the file for milliseconds; a merge of a large copy
/// holds it for its whole length (about 12 s at 100,000 accounts), and a
/// teammate's save meanwhile had better wait than fail.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
const SETTING_ENGINE_DAY: &str = "engine_day";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    session: Session,
    rules: Rules,
    /// The `LIKE` pattern whose matching accounts `temp.filter_hits` holds
    /// (see [`Store::find_text`]); any write forgets it.
    text_hits: std::cell::RefCell<Option<String>>,
    /// `--as-of` on the file itself: nothing this connection writes is
    /// ever committed.
    uncommitted: bool,
    /// `--as-of`: the engine works for that date, people's changes are
    /// refused.
    refuse_people: bool,
    /// A copy standing in for this read-only file: the engine works on
    /// the copy, people's changes are refused as the file's.
    read_only_original: Option<PathBuf>,
    /// The file the path named when it was opened: a write is committed
    /// only while the path still names it.
    file_id: Option<guard::FileId>,
    /// What the check at open found wrong: writes are refused.
    damaged: Option<String>,
    /// A write cut off by a crash was rolled back when the file opened.
    recovered: bool,
}

impl Store {
    /// Opens (and, per `mode`, creates) the database and brings its schema up
    /// to date. A file that is not SQLite, or was made by a newer tierdeck,
    /// is refused before anything is written to it.
    pub fn open(path: &Path, mode: OpenMode, session: Session, rules: Rules) -> Result<Store> {
        check_file(path, mode)?;
        let hot = guard::check_journal(path)?;
        let existed = path.exists();
        let create = if mode == OpenMode::Existing {
            OpenFlags::empty()
        } else {
            OpenFlags::SQLITE_OPEN_CREATE
        };
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | create | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::open(path, e))?;
        configure(&conn, mode).map_err(|e| StoreError::open(path, e))?;
        let file_id = guard::FileId::of(path);
        // The first read: SQLite plays a hot journal back here.
        let version = schema_version(&conn, path)?;
        let recovered = hot.is_some_and(|hot| hot.was_rolled_back(path));
        if existed && !mode.adopts_blank() {
            refuse_blank(&conn, path)?;
        }
        let damaged = match version {
            0 => None,
            _ => guard::damage(&conn, path),
        };
        if let Some(problem) = &damaged
            && version != schema::latest_version()
        {
            // Upgrading writes; a damaged file gets nothing written into it.
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                problem: problem.clone(),
            });
        }
        migrate(&mut conn, path)?;
        // This connection's own, in memory: see `Store::find_text`.
        conn.execute(
            "CREATE TEMP TABLE filter_hits (account_id TEXT PRIMARY KEY) WITHOUT ROWID",
            [],
        )
        .map_err(|e| StoreError::open(path, e))?;
        if damaged.is_none() {
            log::install(&conn)?;
        }
        undo::install(&conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            session,
            rules,
            text_hits: std::cell::RefCell::new(None),
            uncommitted: false,
            refuse_people: false,
            read_only_original: None,
            file_id,
            damaged,
            recovered,
        })
    }

    /// What the check at open found wrong with the file, if anything: reads
    /// still work as far as the damage lets them, writes are refused.
    pub fn damage(&self) -> Option<StoreError> {
        self.damaged.as_ref().map(|problem| StoreError::Damaged {
            path: self.path.clone(),
            problem: problem.clone(),
        })
    }

    /// Whether opening the file rolled back a write that a crash cut off.
    pub fn recovered_journal(&self) -> bool {
        self.recovered
    }

    /// Whether SQLite could open the file for reading only (its
    /// permissions, or a read-only disk).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Moves the session to a new day and moment (the UI at midnight) and
    /// brings every deal up to date for it.
    pub fn advance(&mut self, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.session.today = today;
        self.session.now = now;
        self.refresh()
    }

    /// Moves the session's moment on within its day: a long-running UI
    /// calls it before each change, so that every row it writes says when
    /// it was written (merges order rows by that moment).
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.session.now = now;
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The database's own currency: what an amount typed without one is
    /// in, and what value tiers rank revenue in.
    pub fn currency(&self) -> Result<Currency> {
        Ok(setting(&self.conn, "currency")?
            .and_then(|code| code.parse().ok())
            .unwrap_or_default())
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: all of it or none.
    fn write<T>(&mut self, work: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.transact(true, work)
    }

    /// Like [`Store::write`], but rolls back instead of committing when
    /// `commit` is false.
    fn transact<T>(
        &mut self,
        commit: bool,
        work: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        *self.text_hits.get_mut() = None;
        let refuse = self.refuse_people.then(|| match &self.read_only_original {
            Some(original) => StoreError::Write {
                path: original.clone(),
                reason: DbProblem::ReadOnly,
            },
            None => StoreError::LookingAhead(self.session.today),
        });
        if let Some(e) = self.damage() {
            return Err(e);
        }
        if self.uncommitted {
            // Looking ahead on the file itself: a savepoint of the
            // transaction that is never committed.
            let sp = self
                .conn
                .savepoint()
                .map_err(|e| StoreError::write(&path, e))?;
            let (value, _) = run_write(&sp, &self.session, &self.rules, refuse, work)?;
            sp.commit().map_err(|e| StoreError::write(&path, e))?;
            return Ok(value);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::write(&path, e))?;
        let (value, changed) = run_write(&tx, &self.session, &self.rules, refuse, work)?;
        if !commit {
            return Ok(value);
        }
        // A sync tool or a script may have put another file at the path
        // (renamed over it) since it was opened: what is committed now would
        // go into the old file, which nothing names any more.
        if guard::FileId::of(&path) != self.file_id {
            return Err(StoreError::Write {
                path,
                reason: DbProblem::Moved,
            });
        }
        // The file was sound at open (a damaged one is refused above) and
        // SQLite keeps it so: marked, it needs no check at the next open.
        let marked = changed.then(guard::mark_moment);
        if let Some(nanos) = marked {
            guard::mark_sound(&tx, nanos)?;
        }
        tx.commit().map_err(|e| StoreError::write(&path, e))?;
        if let Some(nanos) = marked {
            guard::stamp(&path, nanos);
        }
        Ok(value)
    }

    /// Looks ahead on a private copy of the database (`--as-of` in the UI,
    /// which runs for a while and reads from a second connection): the
    /// engine's work is kept in the copy, anything a person would change is
    /// refused.
    pub fn look_ahead_on_copy(&mut self) {
        self.refuse_people = true;
    }

    /// Looks at the database as it will be on the session's date without
    /// changing it (`--as-of`): everything from here on runs in one
    /// transaction that is never committed, so the engine's work for that
    /// date is seen by this connection alone and the file stays as it was;
    /// anything a person would change is refused.
    pub fn look_ahead(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| StoreError::open(&self.path, e))?;
        self.uncommitted = true;
        self.refuse_people = true;
        Ok(())
    }

    /// Works as a stand-in for the read-only file at `original`: like a
    /// look ahead on a copy, with people's changes refused because that
    /// file cannot be written.
    pub fn stand_in_for_read_only(&mut self, original: &Path) {
        self.refuse_people = true;
        self.read_only_original = Some(original.to_path_buf());
    }

    pub fn is_looking_ahead(&self) -> bool {
        self.refuse_people
    }

    /// The `LIKE` pattern for filter text, with the accounts it finds (by
    /// name or by a contact's name) put in `temp.filter_hits`, once per text:
    /// the lists a filter narrows then look accounts up there instead of
    /// searching every account and contact again. `None` for blank text.
    fn find_text(&self, text: Option<&str>) -> Result<Option<String>> {
        let Some(pattern) = text.and_then(deals::like_pattern) else {
            return Ok(None);
        };
        if self.text_hits.borrow().as_deref() == Some(pattern.as_str()) {
            return Ok(Some(pattern));
        }
        self.conn.execute("DELETE FROM temp.filter_hits", [])?;
        // Two statements: as one UNION, SQLite took ten times as long.
        self.conn.execute(
            "INSERT OR IGNORE INTO temp.filter_hits
             SELECT id FROM accounts WHERE deleted_at IS NULL AND name LIKE ?1 ESCAPE '\\'",
            [&pattern],
        )?;
        self.conn.execute(
            "INSERT OR IGNORE INTO temp.filter_hits
             SELECT account_id FROM contacts WHERE deleted_at IS NULL AND name LIKE ?1 ESCAPE '\\'",
            [&pattern],
        )?;
        *self.text_hits.borrow_mut() = Some(pattern.clone());
        Ok(Some(pattern))
    }

    /// Resolves a full id or a unique prefix of at least four characters.
    pub fn resolve(&self, table: Table, input: &str) -> Result<Id> {
        resolve_id(&self.conn, table, input)
    }
}

/// Runs one write with who and when set for its change log, and says
/// whether it changed any row; while looking ahead or standing in for a
/// read-only file, a write that changed something people change is
/// refused with `refuse`, and the caller does not commit it.
fn run_write<T>(
    conn: &Connection,
    session: &Session,
    rules: &Rules,
    refuse: Option<StoreError>,
    work: impl FnOnce(&Writer<'_>) -> Result<T>,
) -> Result<(T, bool)> {
    log::begin(conn, session)?;
    // Counted after `begin`, whose own bookkeeping is in memory.
    let changes_before = conn.total_changes();
    let before = log::logged_so_far(conn)?;
    let value = work(&Writer {
        tx: conn,
        session,
        rules,
    })?;
    if let Some(refusal) = refuse
        && log::logged_so_far(conn)? != before
    {
        return Err(refusal);
    }
    Ok((value, conn.total_changes() != changes_before))
}

/// A write transaction with who and when: what every write function gets.
pub(crate) struct Writer<'a> {
    tx: &'a Connection,
    session: &'a Session,
    rules: &'a Rules,
}

impl Writer<'_> {
    fn conn(&self) -> &Connection {
        self.tx
    }
    fn stamp(&self) -> String {
        values::moment(self.session.now)
    }
    /// The database's own currency: what an amount typed without one is in.
    fn currency(&self) -> Result<Currency> {
        Ok(setting(self.conn(), "currency")?
            .and_then(|code| code.parse().ok())
            .unwrap_or_default())
    }

    fn new_meta(&self) -> RowMeta {
        RowMeta {
            created_at: self.session.now,
            updated_at: self.session.now,
            updated_by: self.session.user.clone(),
            version: 1,
            deleted_at: None,
        }
    }
}

/// The tables whose ids users type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Accounts,
    Contacts,
    Deals,
    Reminders,
    Activities,
    Goals,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Accounts => "accounts",
            Table::Contacts => "contacts",
            Table::Deals => "deals",
            Table::Reminders => "reminders",
            Table::Activities => "activities",
            Table::Goals => "goals",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Table::Accounts => "account",
            Table::Contacts => "contact",
            Table::Deals => "deal",
            Table::Reminders => "reminder",
            Table::Activities => "activity",
            Table::Goals => "goal",
        }
    }
    /// The command that shows this table's ids.
    fn lister(self) -> &'static str {
        match self {
            Table::Accounts => "tierdeck account list",
            Table::Contacts => "tierdeck contact list",
            Table::Deals => "tierdeck list",
            Table::Reminders => "tierdeck reminders",
            Table::Activities => "tierdeck show",
            Table::Goals => "tierdeck goal list",
        }
    }
}

/// A typed id as the prefix it stands for: lower-case hex and dashes, at
/// least [`Id::MIN_PREFIX`] of them; `None` for anything else.
fn id_prefix(input: &str) -> Option<String> {
    let prefix = input.trim().to_ascii_lowercase();
    let well_formed = prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    (well_formed && prefix.len() >= Id::MIN_PREFIX).then_some(prefix)
}

fn resolve_id(conn: &Connection, table: Table, input: &str) -> Result<Id> {
    let Some(prefix) = id_prefix(input) else {
        return Err(StoreError::BadId {
            what: table.noun(),
            given: input.to_string(),
            lister: table.lister(),
        });
    };
    // Ids are lower-case hex and dashes, so every id with this prefix sorts
    // between the prefix and the prefix followed by '~': an index range scan.
    let sql = format!(
        "SELECT id FROM {} WHERE id >= ?1 AND id < ?1 || '~' AND deleted_at IS NULL LIMIT 6",
        table.name()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt
        .query_map([&prefix], |r| r.get::<_, Id>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match ids.as_slice() {
        [] => Err(StoreError::NoSuchId {
            what: table.noun(),
            given: input.to_string(),
            lister: table.lister(),
        }),
        [one] => Ok(*one),
        many => Err(StoreError::Ambiguous {
            what: table.noun(),
            given: input.to_string(),
            candidates: many.iter().map(|id| id.short()).collect(),
        }),
    }
}

/// Copies a database file to `to` (which must not exist) without writing
/// to it: a file in a sync folder is read, never written in place.
pub fn copy_out(from: &Path, to: &Path) -> Result<()> {
    check_file(from, OpenMode::Existing)?;
    let conn = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::open(from, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::open(from, e))?;
    let target = to.to_string_lossy().into_owned();
    conn.execute("VACUUM INTO ?1", [&target])
        .map_err(|e| StoreError::write(to, e))?;
    Ok(())
}

/// The folder a database file is in; `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn check_file(path: &Path, mode: OpenMode) -> Result<()> {
    let dir = folder_of(path).to_path_buf();
    if !dir.is_dir() {
        if mode == OpenMode::CreateDirs {
            fs::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        } else {
            return Err(StoreError::MissingDir(dir));
        }
    }
    if path.is_dir() {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    if mode == OpenMode::Existing && !path.exists() {
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    if let Ok(mut file) = fs::File::open(path) {
        let mut head = [0u8; 16];
        let mut read = 0;
        while read < head.len() {
            match file.read(&mut head[read..]) {
                Ok(0) => break,
                Ok(n) => read += n,
                Err(e) => return Err(StoreError::io(path)(e)),
            }
        }
        // An empty file is what some tools leave behind; SQLite adopts it.
        if read > 0 && (read < head.len() || head != SQLITE_MAGIC) {
            return Err(StoreError::NotSqlite(path.to_path_buf()));
        }
    }
    Ok(())
}

/// Connection settings for a file that may be shared: a rollback journal (WAL
/// is unsafe on network file systems and in sync folders), a busy timeout so
/// that writers queue instead of failing, and enforced references.
fn configure(conn: &Connection, mode: OpenMode) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let journal: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    debug_assert_eq!(journal.to_ascii_lowercase(), "delete");
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Random ids scatter index writes: a 32 MB page cache (SQLite's default
    // is 2 MB) keeps bulk work and full regrades off the disk. A second
    // connection only reads, front to back, and the OS caches the file.
    let cache_kb = if mode == OpenMode::Existing {
        4_096
    } else {
        32_768
    };
    conn.pragma_update(None, "cache_size", -cache_kb)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// The file's schema version (`user_version`; 0 for a file with none).
fn schema_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| StoreError::open(path, e))
}

/// A file that is there but holds no database is not made one by any
/// command but `init`: it is more likely the wrong path, or a file some
/// other program is about to write, than a database to start.
fn refuse_blank(conn: &Connection, path: &Path) -> Result<()> {
    let blank = |conn: &Connection| -> Result<bool> {
        Ok(schema_version(conn, path)? == 0
            && guard::is_blank(conn).map_err(|e| StoreError::open(path, e))?)
    };
    if !blank(conn)? {
        return Ok(());
    }
    // Another tierdeck may have just made this file and be writing its
    // schema: its write lock is waited for, and the file looked at again
    // (a file that cannot be locked for writing is refused as it is).
    if conn.execute_batch("BEGIN IMMEDIATE").is_ok() {
        let still = blank(conn);
        conn.execute_batch("ROLLBACK")
            .map_err(|e| StoreError::open(path, e))?;
        if !still? {
            return Ok(());
        }
    }
    let empty = fs::metadata(path).is_ok_and(|m| m.len() == 0);
    Err(StoreError::NoDatabase {
        path: path.to_path_buf(),
        empty,
    })
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = schema_version(conn, path)?;
    let supported = schema::latest_version();
    if found > supported {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    if found == supported {
        return Ok(());
    }
    if found == 0 && has_foreign_tables(conn).map_err(|e| StoreError::open(path, e))? {
        return Err(StoreError::NotTierdeck(path.to_path_buf()));
    }
    if let Err(e) = schema::migrations().to_latest(conn) {
        // Another process may have migrated the same new file a moment ago.
        let now: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| StoreError::open(path, e))?;
        if now != supported {
            return Err(StoreError::Migration {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
    }
    Ok(())
}

/// A version-0 file with tables of its own belongs to some other program.
fn has_foreign_tables(conn: &Connection) -> rusqlite::Result<bool> {
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        [],
        |r| r.get(0),
    )?;
    Ok(count > 0)
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
