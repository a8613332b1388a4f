//! What this replica keeps about its team: where the team's changes are
//! exchanged, how far its own have been published, and how far every other
//! replica's have been read. All of it is local; none of it travels.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, Writer, set_setting, setting, values};

const SETTING_TEAM: &str = "team_location";
const SETTING_TEAM_ID: &str = "team_id";
const SETTING_PUBLISHED_FILE: &str = "published_file";
const SETTING_PUBLISHED_SEQ: &str = "published_seq";

/// How far one other replica has been read, and who works on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRead {
    pub replica: String,
    pub user: String,
    /// Files read, counted from 1 with no gap.
    pub files_read: i64,
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
    /// The team folder (or, later, server) this replica exchanges with.
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

    /// Every other replica read so far, by replica id.
    pub fn peers(&self) -> Result<Vec<PeerRead>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT replica, user, files_read, last_change, last_seen FROM peers ORDER BY replica",
        )?;
        let peers = stmt
            .query_map([], |r| {
                Ok(PeerRead {
                    replica: r.get(0)?,
                    user: r.get(1)?,
                    files_read: r.get(2)?,
                    last_change: values::get_opt_moment(r, 3)?,
                    last_seen: values::get_opt_moment(r, 4)?,
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

pub(super) fn record_reads(w: &Writer<'_>, reads: &[PeerRead]) -> Result<()> {
    for read in reads {
        w.conn()
            .prepare_cached(
                "INSERT INTO peers (replica, user, files_read, last_change, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(replica) DO UPDATE SET
                    user = CASE WHEN excluded.user = '' THEN user ELSE excluded.user END,
                    files_read = max(files_read, excluded.files_read),
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
            ])?;
    }
    Ok(())
}
