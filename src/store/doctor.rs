//! What `tierdeck doctor` reads about the file: all of it read-only.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Result, StoreError, schema};

/// The state of the database file, as SQLite reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// What `PRAGMA integrity_check` found wrong; empty when it said "ok".
    pub integrity: Vec<String>,
    /// The file's schema (`user_version`).
    pub schema_version: i64,
    /// The newest schema this build knows.
    pub latest_version: i64,
    /// Lower case; `delete` (a rollback journal) is the only safe one for a shared file.
    pub journal_mode: String,
    pub page_count: i64,
    pub page_size: i64,
    /// The file's length on disk, when it could be read.
    pub file_size: Option<u64>,
    /// Live records, or why they could not be counted (a damaged table).
    pub counts: std::result::Result<Counts, String>,
    /// Stored values tierdeck cannot read back (the first [`BAD_VALUES_KEPT`]).
    pub bad_values: Vec<BadValue>,
    /// A write cut off by a crash was rolled back before the checks.
    pub recovered: bool,
}

/// How many bad values a report names; the rest are counted.
pub const BAD_VALUES_KEPT: usize = 20;

/// A stored value that the commands reading it would fail on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    pub table: &'static str,
    /// The row's id as stored (undecodable bytes shown as U+FFFD).
    pub id: String,
    pub column: &'static str,
    /// What the value should be: `text`, `date`, `moment`, `amount`, `id`
    /// or `value`.
    pub should_be: &'static str,
    /// The value, as far as it can be shown.
    pub found: String,
}

/// What a column holds, as the store reads it.
#[derive(Clone, Copy)]
enum Shape {
    Id,
    Day,
    Moment,
    /// Minor units, from nothing up to the largest amount typing takes:
    /// larger ones make totals wrong.
    Amount,
    /// One of a closed vocabulary.
    Word(fn(&str) -> bool),
}

fn word<T: std::str::FromStr>(text: &str) -> bool {
    text.parse::<T>().is_ok()
}

/// The columns whose values the commands parse: ids, dates, moments and
/// vocabularies. Free text is only ever shown, so it needs only be text.
const CHECKED: &[(&str, &[(&str, Shape)])] = {
    use crate::domain::{
        AccountKind, ActivityKind, Behaviour, Currency, Grade, Lifecycle, Need, ProductTier,
        ReminderKind, ReminderStatus, Satisfaction, ValueTier,
    };
    use Shape::{Amount, Day, Id, Moment, Word};
    &[
        (
            "accounts",
            &[
                ("kind", Word(word::<AccountKind>)),
                ("satisfaction", Word(word::<Satisfaction>)),
                ("product_tier", Word(word::<ProductTier>)),
                ("value_tier", Word(word::<ValueTier>)),
                ("lifecycle", Word(word::<Lifecycle>)),
                ("behaviour", Word(word::<Behaviour>)),
                ("quiet_since", Day),
                ("created_at", Moment),
                ("updated_at", Moment),
                ("deleted_at", Moment),
            ],
        ),
        (
            "contacts",
            &[
                ("account_id", Id),
                ("created_at", Moment),
                ("updated_at", Moment),
                ("deleted_at", Moment),
            ],
        ),
        (
            "deals",
            &[
                ("account_id", Id),
                ("contact_id", Id),
                ("amount_minor", Amount),
                ("need", Word(word::<Need>)),
                ("grade", Word(word::<Grade>)),
                ("pinned_grade", Word(word::<Grade>)),
                ("currency", Word(word::<Currency>)),
                ("expected_close", Day),
                ("created_on", Day),
                ("stage_entered_on", Day),
                ("closed_on", Day),
                ("last_activity", Day),
                ("last_touch", Day),
                ("next_revisit", Day),
                ("created_at", Moment),
                ("updated_at", Moment),
                ("deleted_at", Moment),
            ],
        ),
        (
            "activities",
            &[
                ("deal_id", Id),
                ("account_id", Id),
                ("kind", Word(word::<ActivityKind>)),
                ("at", Moment),
                ("created_at", Moment),
                ("deleted_at", Moment),
            ],
        ),
        (
            "reminders",
            &[
                ("deal_id", Id),
                ("kind", Word(word::<ReminderKind>)),
                ("status", Word(word::<ReminderStatus>)),
                ("due", Day),
                ("created_on", Day),
                ("closed_on", Day),
                ("created_at", Moment),
                ("updated_at", Moment),
                ("deleted_at", Moment),
            ],
        ),
        ("history", &[("deal_id", Id), ("at", Moment)]),
    ]
};

/// Live (not deleted) rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub accounts: i64,
    pub deals: i64,
    pub activities: i64,
}

impl Health {
    pub fn integrity_ok(&self) -> bool {
        self.integrity.is_empty()
    }

    pub fn schema_ok(&self) -> bool {
        self.schema_version == self.latest_version
    }

    pub fn journal_ok(&self) -> bool {
        self.journal_mode == "delete"
    }

    /// With a rollback journal and no open write, the file is exactly its
    /// pages: anything else is a truncated or half-copied file.
    pub fn size_ok(&self) -> bool {
        self.file_size.is_some_and(|size| {
            i64::try_from(size).ok() == self.page_count.checked_mul(self.page_size)
        })
    }

    pub fn values_ok(&self) -> bool {
        self.bad_values.is_empty()
    }

    pub fn is_healthy(&self) -> bool {
        self.integrity_ok()
            && self.schema_ok()
            && self.journal_ok()
            && self.size_ok()
            && self.values_ok()
    }
}

impl Health {
    /// Checks the file at `path` as it is, on a read-only connection: not
    /// through [`Store::open`], which would upgrade an old schema and set
    /// the journal mode, the very things this reports on.
    ///
    /// A hot journal of the file is the one thing it writes: a read-only
    /// connection cannot play it back, and reading around it would read
    /// half a write, so it is rolled back first and the report says so.
    pub fn read(path: &Path) -> Result<Health> {
        super::check_file(path, super::OpenMode::Existing)?;
        let recovered = match super::guard::check_journal(path)? {
            Some(hot) => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| StoreError::open(path, e))?;
                conn.busy_timeout(super::BUSY_TIMEOUT)
                    .map_err(|e| StoreError::open(path, e))?;
                // The first read plays the journal back.
                conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                    .map_err(|e| StoreError::open(path, e))?;
                drop(conn);
                hot.was_rolled_back(path)
            }
            None => false,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(super::BUSY_TIMEOUT)
            .map_err(|e| StoreError::open(path, e))?;
        let conn = &conn;
        // A file too damaged to answer these is reported as not opening.
        let pragma = |name: &str| -> Result<i64> {
            conn.pragma_query_value(None, name, |r| r.get(0))
                .map_err(|e| StoreError::open(path, e))
        };
        let journal_mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(|e| StoreError::open(path, e))?;
        Ok(Health {
            integrity: integrity_problems(conn),
            schema_version: pragma("user_version")?,
            latest_version: schema::latest_version(),
            journal_mode: journal_mode.to_ascii_lowercase(),
            page_count: pragma("page_count")?,
            page_size: pragma("page_size")?,
            file_size: std::fs::metadata(path).ok().map(|m| m.len()),
            counts: counts(conn).map_err(|e| StoreError::from(e).to_string()),
            bad_values: bad_values(conn),
            recovered,
        })
    }
}

/// Every checked value that the commands could not read back, the first
/// [`BAD_VALUES_KEPT`] of them; a column the file's schema does not have
/// yet is skipped.
fn bad_values(conn: &Connection) -> Vec<BadValue> {
    let mut found = Vec::new();
    for (table, columns) in CHECKED {
        for (column, shape) in *columns {
            let sql = format!(
                "SELECT CAST(id AS BLOB), CAST({column} AS BLOB) FROM {table} WHERE {column} IS NOT NULL"
            );
            let Ok(mut stmt) = conn.prepare(&sql) else {
                continue;
            };
            let Ok(mut rows) = stmt.query([]) else {
                continue;
            };
            while let Ok(Some(row)) = rows.next() {
                let (Ok(id), Ok(value)) = (row.get::<_, Vec<u8>>(0), row.get::<_, Vec<u8>>(1))
                else {
                    continue;
                };
                if let Some(should_be) = misfit(&value, *shape) {
                    found.push(BadValue {
                        table,
                        id: String::from_utf8_lossy(&id).into_owned(),
                        column,
                        should_be,
                        found: String::from_utf8_lossy(&value).into_owned(),
                    });
                    if found.len() == BAD_VALUES_KEPT {
                        return found;
                    }
                }
            }
        }
    }
    found
}

/// What a stored value should have been, when it is not.
fn misfit(value: &[u8], shape: Shape) -> Option<&'static str> {
    let Ok(text) = std::str::from_utf8(value) else {
        return Some("text");
    };
    let fits = match shape {
        Shape::Id => text.parse::<crate::domain::Id>().is_ok(),
        Shape::Day => super::values::parse_day(text).is_ok(),
        Shape::Moment => super::values::parse_moment(text).is_ok(),
        Shape::Amount => text
            .parse::<i64>()
            .is_ok_and(|minor| (0..=crate::parse::MAX_AMOUNT_MINOR).contains(&minor)),
        Shape::Word(known) => known(text),
    };
    match (fits, shape) {
        (true, _) => None,
        (false, Shape::Id) => Some("id"),
        (false, Shape::Day) => Some("date"),
        (false, Shape::Moment) => Some("moment"),
        (false, Shape::Amount) => Some("amount"),
        (false, Shape::Word(_)) => Some("value"),
    }
}

/// The check's own report; a check that cannot even run (the file is
/// malformed at its root) is a problem too, in SQLite's words.
fn integrity_problems(conn: &Connection) -> Vec<String> {
    let rows = conn.prepare("PRAGMA integrity_check").and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Vec::new(),
        Ok(rows) => rows,
        Err(e) => vec![e.to_string()],
    }
}

fn counts(conn: &Connection) -> rusqlite::Result<Counts> {
    let live = |table: &str| -> rusqlite::Result<i64> {
        conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE deleted_at IS NULL"),
            [],
            |r| r.get(0),
        )
    };
    Ok(Counts {
        accounts: live("accounts")?,
        deals: live("deals")?,
        activities: live("activities")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::store::{NewAccount, OpenMode, Session, Store};

    fn session() -> Session {
        Session {
            user: "ann".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date"),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).expect("an offset"),
        }
    }

    #[test]
    fn a_fresh_database_is_healthy_and_counted() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("t.db");
        let mut store =
            Store::open(&path, OpenMode::CreateFile, session(), Rules::defaults()).expect("open");
        store
            .add_account(NewAccount {
                name: "Acme".into(),
                ..NewAccount::default()
            })
            .expect("add an account");
        let health = Health::read(&path).expect("health");
        assert!(health.is_healthy(), "{health:?}");
        assert_eq!(health.schema_version, schema::latest_version());
        assert_eq!(health.journal_mode, "delete");
        assert_eq!(
            health.counts,
            Ok(Counts {
                accounts: 1,
                deals: 0,
                activities: 0
            })
        );
    }

    #[test]
    fn a_file_longer_than_its_pages_is_not_the_right_size() {
        let health = Health {
            integrity: Vec::new(),
            schema_version: 1,
            latest_version: 1,
            journal_mode: "delete".into(),
            page_count: 3,
            page_size: 4096,
            file_size: Some(3 * 4096 + 1),
            counts: Err("no tables".into()),
            bad_values: Vec::new(),
            recovered: false,
        };
        assert!(!health.size_ok());
        assert!(!health.is_healthy());
        assert!(
            Health {
                file_size: Some(3 * 4096),
                ..health
            }
            .size_ok()
        );
    }
}
