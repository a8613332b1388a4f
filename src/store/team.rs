//! What this replica keeps about its team: where the team's changes are
//! exchanged, how far its own have been published, and how far every other
//! replica's have been read. All of it is local; none of it travels.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, params};

use super::TeamRefusal;
use super::{Result, Store, StoreError, Writer, set_setting, setting, values};

const SETTING_TEAM: &str = "team_location";
const SETTING_TEAM_ID: &str = "team_id";
const SETTING_PUBLISHED_FILE: &str = "published_file";
const SETTING_PUBLISHED_SEQ: &str = "published_seq";
/// This replica's newest snapshot (the number of its files it covers), and
/// how many of its files are compacted away.
const SETTING_SNAPSHOT: &str = "own_snapshot";
const SETTING_COMPACTED: &str = "compacted_files";

/// How far one other replica has been read, and who works on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRead {
    pub replica: String,
    pub user: String,
    /// Files read, counted from 1 with no gap.
    pub files_read: i64,
    /// Files of this replica's that one had read, as it last said.
    pub reads_me: i64,
    /// When its newest change read so far was made.
    pub last_change: Option<DateTime<Utc>>,
    /// When a file of it was last read.
    pub last_seen: Option<DateTime<Utc>>,
}

/// How far this replica's own changes have gone out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    pub files: i64,
    pub seq: i64,
}

impl Store {
    /// The team folder or server address (never with a password) this
    /// replica exchanges with.
    pub fn team_location(&self) -> Result<Option<String>> {
        setting(&self.conn, SETTING_TEAM)
    }

    /// The team this replica was last in, left or not.
    pub fn team_id(&self) -> Result<Option<String>> {
        setting(&self.conn, SETTING_TEAM_ID)
    }

    /// Starts exchanging with a team at `location`. A team other than the
    /// one this replica was last in has none of its past: everything is
    /// published to it again from the start, and its members are new.
    pub fn join_team(&mut self, location: &str, team_id: &str) -> Result<()> {
        let same_team = self.team_id()?.as_deref() == Some(team_id);
        self.write(|w| {
            let conn = w.conn();
            if !same_team {
                conn.execute("DELETE FROM peers", [])?;
                set_setting(conn, SETTING_PUBLISHED_FILE, "0")?;
                set_setting(conn, SETTING_PUBLISHED_SEQ, "0")?;
                set_setting(conn, SETTING_SNAPSHOT, "0")?;
                set_setting(conn, SETTING_COMPACTED, "0")?;
                set_setting(conn, SETTING_TEAM_ID, team_id)?;
            }
            set_setting(conn, SETTING_TEAM, location)
        })?;
        Ok(())
    }

    /// Stops exchanging. Every row and the log stay; joining the same team
    /// again later reads on from where it stopped.
    pub fn leave_team(&mut self) -> Result<()> {
        self.write(|w| {
            w.conn()
                .execute("DELETE FROM settings WHERE key = ?1", [SETTING_TEAM])?;
            Ok(())
        })
    }

    pub fn published(&self) -> Result<Published> {
        let number = |key| -> Result<i64> {
            Ok(setting(&self.conn, key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        Ok(Published {
            files: number(SETTING_PUBLISHED_FILE)?,
            seq: number(SETTING_PUBLISHED_SEQ)?,
        })
    }

    /// Records that the file numbered `published.files` holds this
    /// replica's changes up to `published.seq`.
    pub fn set_published(&mut self, published: Published) -> Result<()> {
        self.write(|w| {
            set_setting(
                w.conn(),
                SETTING_PUBLISHED_FILE,
                &published.files.to_string(),
            )?;
            set_setting(w.conn(), SETTING_PUBLISHED_SEQ, &published.seq.to_string())
        })
    }

    /// This replica's newest snapshot and how far its files are compacted.
    pub fn compaction(&self) -> Result<(i64, i64)> {
        let number = |key| -> Result<i64> {
            Ok(setting(&self.conn, key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        Ok((number(SETTING_SNAPSHOT)?, number(SETTING_COMPACTED)?))
    }

    pub fn set_compaction(&mut self, snapshot: i64, compacted: i64) -> Result<()> {
        self.write(|w| {
            set_setting(w.conn(), SETTING_SNAPSHOT, &snapshot.to_string())?;
            set_setting(w.conn(), SETTING_COMPACTED, &compacted.to_string())
        })
    }

    /// Every other replica read so far, by replica id.
    pub fn peers(&self) -> Result<Vec<PeerRead>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT replica, user, files_read, last_change, last_seen, reads_me FROM peers
             ORDER BY replica",
        )?;
        let peers = stmt
            .query_map([], |r| {
                Ok(PeerRead {
                    replica: r.get(0)?,
                    user: r.get(1)?,
                    files_read: r.get(2)?,
                    last_change: values::get_opt_moment(r, 3)?,
                    last_seen: values::get_opt_moment(r, 4)?,
                    reads_me: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(peers)
    }

    /// Records how far replicas were read, without applying anything (a
    /// replica's old id, whose files up to some number are this one's own).
    pub fn set_peer_reads(&mut self, reads: &[PeerRead]) -> Result<()> {
        self.write(|w| record_reads(w, reads))
    }
}

/// Rows one statement copies from a snapshot.
const COPY_ROWS: usize = 20_000;

/// The tables a snapshot brings to a new member: the data, its log and
/// the rows still waiting for another. Conflicts, settings and how far the
/// maker had read are its own.
const SNAPSHOT_TABLES: [&str; 10] = [
    "accounts",
    "contacts",
    "deals",
    "activities",
    "history",
    "reminders",
    "goals",
    "ops",
    "row_versions",
    "pending_rows",
];

impl Store {
    /// Writes a complete copy of this database to `to` (which must not
    /// exist) and checks it, for a new member to start from.
    pub fn write_snapshot(&self, to: &Path) -> Result<()> {
        let target = to.to_string_lossy().into_owned();
        self.conn
            .execute("VACUUM INTO ?1", [&target])
            .map_err(|e| StoreError::write(to, e))?;
        let copy = Connection::open_with_flags(to, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::open(to, e))?;
        let check: String = copy
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| StoreError::open(to, e))?;
        if check != "ok" {
            return Err(TeamRefusal::SnapshotDamaged {
                path: to.to_path_buf(),
                check,
            }
            .into());
        }
        Ok(())
    }

    /// Whether a snapshot is of this build's schema, so that it can be adopted.
    pub fn can_adopt(&self, snapshot: &Path) -> Result<bool> {
        let found: i64 = Connection::open_with_flags(snapshot, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
            .map_err(|e| StoreError::open(snapshot, e))?;
        Ok(found == super::schema::latest_version())
    }

    /// Fills this (empty) replica from a teammate's snapshot, and records
    /// how far the snapshot had read each replica, so that only the
    /// changes after it are read. The engine works everything out again.
    pub fn adopt_snapshot(&mut self, snapshot: &Path, reads: &[PeerRead]) -> Result<()> {
        if !self.can_adopt(snapshot)? {
            return Err(TeamRefusal::SnapshotOtherVersion.into());
        }
        let target = snapshot.to_string_lossy().into_owned();
        self.conn
            .execute("ATTACH DATABASE ?1 AS snapshot", [&target])
            .map_err(|e| StoreError::open(snapshot, e))?;
        let copied = self.write(|w| {
            let conn = w.conn();
            conn.execute("UPDATE temp.td_ctx SET logging = 0", [])?;
            for table in SNAPSHOT_TABLES {
                let mut stmt =
                    conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
                let columns = stmt
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?
                    .join(", ");
                // A range of rows a statement, as for the rows logged at
                // joining: one statement's undo is held in memory.
                let keyed: bool = conn.query_row(
                    "SELECT NOT EXISTS (SELECT 1 FROM snapshot.sqlite_schema
                     WHERE name = ?1 AND sql LIKE '%WITHOUT ROWID%')",
                    [table],
                    |r| r.get(0),
                )?;
                if !keyed {
                    conn.execute(
                        &format!(
                            "INSERT OR IGNORE INTO main.{table} ({columns})
                             SELECT {columns} FROM snapshot.{table}"
                        ),
                        [],
                    )?;
                    continue;
                }
                let last: i64 = conn.query_row(
                    &format!("SELECT coalesce(max(rowid), 0) FROM snapshot.{table}"),
                    [],
                    |r| r.get(0),
                )?;
                let mut copy = conn.prepare(&format!(
                    "INSERT OR IGNORE INTO main.{table} ({columns})
                     SELECT {columns} FROM snapshot.{table} WHERE rowid > ?1 AND rowid <= ?2"
                ))?;
                for from in (0..last).step_by(COPY_ROWS) {
                    copy.execute(params![from, from + COPY_ROWS as i64])?;
                }
            }
            // The grades, reminders and segments come worked out for the
            // day and rules the snapshot names (`engine_day`): worked out
            // again at once if this replica's differ, as on any new day.
            conn.execute(
                "INSERT INTO main.settings (key, value)
                 SELECT key, value FROM snapshot.settings WHERE key IN ('currency', 'engine_day')
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [],
            )?;
            record_reads(w, reads)?;
            conn.execute("UPDATE temp.td_ctx SET logging = 1", [])?;
            Ok(())
        });
        let detached = self.conn.execute("DETACH DATABASE snapshot", []);
        copied?;
        detached.map_err(|e| StoreError::open(snapshot, e))?;
        self.refresh()
    }
}

pub(super) fn record_reads(w: &Writer<'_>, reads: &[PeerRead]) -> Result<()> {
    for read in reads {
        w.conn()
            .prepare_cached(
                "INSERT INTO peers (replica, user, files_read, last_change, last_seen, reads_me)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(replica) DO UPDATE SET
                    user = CASE WHEN excluded.user = '' THEN user ELSE excluded.user END,
                    files_read = max(files_read, excluded.files_read),
                    reads_me = max(reads_me, excluded.reads_me),
                    last_change = coalesce(max(last_change, excluded.last_change), last_change,
                                           excluded.last_change),
                    last_seen = coalesce(excluded.last_seen, last_seen)",
            )?
            .execute(params![
                read.replica,
                read.user,
                read.files_read,
                read.last_change.map(values::moment),
                read.last_seen.map(values::moment),
                read.reads_me,
            ])?;
    }
    Ok(())
}
