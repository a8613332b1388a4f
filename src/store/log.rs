//! The change log (SPEC §5.1): every edit a person makes becomes
//! operations on single fields, in the same transaction as the edit.
//!
//! Triggers write them, so no write path (a form, the CLI, an import, a
//! merge, an undo) can forget to. They are this connection's own (TEMP),
//! created at open from the tables' columns, and read who and when from a
//! one-row context that every write transaction sets first. The engine's
//! writes (grades, segments, the reminders it opens and closes) leave a
//! row's version alone and so log nothing: derived data is worked out by
//! every replica, never exchanged.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::TeamRefusal;
use super::merge::{BOOKKEEPING, DERIVED};
use super::team::PeerRead;
use super::{Result, Session, Store, StoreError, Writer, set_setting, setting, values};
use crate::domain::{Id, Reason};

const SETTING_REPLICA: &str = "replica_id";
/// Rows logged by one statement when a replica starts in a team.
const BASELINE_ROWS: usize = 20_000;

/// How the operations of a table are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Created whole, then edited field by field (each save bumps `version`).
    Versioned,
    /// Appended whole, by people only (history the engine writes is its own).
    Append,
    /// Written whole on every action a person takes on it (reminders: the
    /// engine opens them, people close, snooze or dismiss them), and on
    /// creation when a person made it (a planned follow-up).
    Whole,
}

/// The logged tables, in the order their references need them.
const LOGGED: [(&str, Mode); 7] = [
    ("accounts", Mode::Versioned),
    ("contacts", Mode::Versioned),
    ("deals", Mode::Versioned),
    ("activities", Mode::Append),
    ("history", Mode::Append),
    ("reminders", Mode::Whole),
    ("goals", Mode::Versioned),
];

fn mode_of(table: &str) -> Option<Mode> {
    LOGGED.iter().find(|(t, _)| *t == table).map(|(_, m)| *m)
}

/// The columns whose values travel: everything but the id, the local
/// bookkeeping (who saved which local version) and what the engine works
/// out. Appended rows travel whole, their `created_at` included.
fn travelling_columns(conn: &Connection, table: &str, mode: Mode) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|c| c != "id")
        .filter(|c| mode == Mode::Append || !BOOKKEEPING.contains(&c.as_str()))
        .filter(|c| !DERIVED.contains(&c.as_str()))
        // The day a replica's engine opened a reminder is that replica's
        // own: a teammate a day ahead must not make it "made later" here.
        .filter(|c| !(table == "reminders" && c == "created_on"))
        .collect())
}

/// A stamp of the hybrid logical clock: milliseconds since the epoch in
/// the high bits, a counter in the low 16, so that stamps order as integers.
pub fn next_stamp(last: i64, now: DateTime<Utc>) -> i64 {
    let physical = now.timestamp_millis().max(0) << 16;
    physical.max(last.saturating_add(1))
}

/// The wall-clock moment a stamp was made at.
pub fn stamp_moment(stamp: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(stamp >> 16).unwrap_or_default()
}

/// One operation, as it travels between replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub replica: String,
    pub seq: i64,
    pub hlc: i64,
    pub tbl: String,
    pub row_id: String,
    /// Empty for an operation that sets the whole row.
    pub field: String,
    pub value: serde_json::Value,
    pub author: String,
    pub base: Option<String>,
}

impl Op {
    fn key(&self) -> (i64, &str, i64) {
        (self.hlc, self.replica.as_str(), self.seq)
    }

    /// The fields this operation sets, with their values.
    fn fields(&self) -> Vec<(String, Value)> {
        if !self.field.is_empty() {
            return vec![(self.field.clone(), from_json(&self.value))];
        }
        match &self.value {
            serde_json::Value::Object(map) => {
                map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
            }
            _ => Vec::new(),
        }
    }
}

fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .or_else(|| n.as_f64().map(Value::Real))
            .unwrap_or(Value::Null),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned().into(),
    }
}

/// How an operation's value is kept in the `ops` table: a field's as
/// itself, a whole row's as its JSON text.
fn stored_value(op: &Op) -> Value {
    if op.field.is_empty() {
        Value::Text(op.value.to_string())
    } else {
        from_json(&op.value)
    }
}

fn read_op(r: &rusqlite::Row<'_>) -> rusqlite::Result<Op> {
    let field: String = r.get(5)?;
    let stored: Value = r.get(6)?;
    let value = match (&stored, field.is_empty()) {
        (Value::Text(text), true) => serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
        _ => to_json(&stored),
    };
    Ok(Op {
        replica: r.get(0)?,
        seq: r.get(1)?,
        hlc: r.get(2)?,
        tbl: r.get(3)?,
        row_id: r.get(4)?,
        field,
        value,
        author: r.get(7)?,
        base: r.get(8)?,
    })
}

const OP_COLUMNS: &str = "replica, seq, hlc, tbl, row_id, field, value, author, base";

/// Creates this connection's context row and the triggers that log, and
/// gives the database a replica id when it has none.
pub(super) fn install(conn: &Connection) -> Result<()> {
    let replica = match setting(conn, SETTING_REPLICA)? {
        Some(id) => id,
        None => {
            let id = Id::new().0.to_string();
            set_setting(conn, SETTING_REPLICA, &id)?;
            id
        }
    };
    // `in_team`: rows people create are logged whole only while the
    // replica is in a team (joining logs every row there is); their later
    // edits always are, for the timeline. `people` counts every write of a
    // person's, logged or not, for a look ahead to refuse.
    conn.execute_batch(
        "CREATE TEMP TABLE td_ctx (
            logging INTEGER NOT NULL, replica TEXT NOT NULL, hlc INTEGER NOT NULL,
            author TEXT NOT NULL, seq INTEGER NOT NULL, in_team INTEGER NOT NULL,
            people INTEGER NOT NULL)",
    )?;
    conn.execute(
        "INSERT INTO temp.td_ctx VALUES (1, ?1, 0, '', 0, 0, 0)",
        [&replica],
    )?;
    for (table, mode) in LOGGED {
        let columns = travelling_columns(conn, table, mode)?;
        conn.execute_batch(&triggers(table, mode, &columns))?;
    }
    Ok(())
}

/// The next sequence number is read back from the log after each insert:
/// one seek on the key, and always right however many rows a statement wrote.
const ADVANCE: &str = "UPDATE temp.td_ctx SET seq =
    (SELECT coalesce(max(seq), 0) FROM main.ops WHERE replica = temp.td_ctx.replica);";

/// Counts a person's write, logged or not.
const COUNT: &str = "UPDATE temp.td_ctx SET people = people + 1;";

/// The operation that sets a whole row; `creation` only while in a team.
fn whole_row_insert(table: &str, columns: &[String], base: &str, creation: bool) -> String {
    let object = columns
        .iter()
        .map(|c| format!("'{c}', new.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let when = if creation { " WHERE in_team" } else { "" };
    format!(
        "INSERT INTO main.ops ({OP_COLUMNS})
         SELECT replica, seq + 1, hlc, '{table}', new.id, '', json_object({object}), author, {base}
         FROM temp.td_ctx{when};
         {ADVANCE} {COUNT}"
    )
}

/// The operation that last set a field (or its whole row), as `replica/seq`.
fn base_of(field: &str) -> String {
    format!(
        "(SELECT b.replica || '/' || b.seq FROM main.ops b
          WHERE b.row_id = new.id AND b.field IN ({field}, '')
          ORDER BY b.hlc DESC, b.replica DESC, b.seq DESC LIMIT 1)"
    )
}

fn field_updates(table: &str, columns: &[String]) -> String {
    let changed = columns
        .iter()
        .map(|c| format!("SELECT '{c}' AS field, new.{c} AS value WHERE new.{c} IS NOT old.{c}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let base = base_of("f.field");
    format!(
        "INSERT INTO main.ops ({OP_COLUMNS})
         SELECT c.replica, c.seq + row_number() OVER (), c.hlc, '{table}', new.id, f.field,
                f.value, c.author, {base}
         FROM temp.td_ctx c, ({changed}) f;
         {ADVANCE} {COUNT}"
    )
}

fn triggers(table: &str, mode: Mode, columns: &[String]) -> String {
    let logging = "(SELECT logging FROM temp.td_ctx)";
    let mut sql = String::new();
    match mode {
        Mode::Versioned => {
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_insert AFTER INSERT ON main.{table}
                 WHEN {logging} BEGIN {} END;",
                whole_row_insert(table, columns, "NULL", true)
            );
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_update AFTER UPDATE ON main.{table}
                 WHEN {logging} AND new.version IS NOT old.version BEGIN {} END;",
                field_updates(table, columns)
            );
        }
        Mode::Append => {
            // The engine's own history (its rules' reasons) is worked out everywhere.
            let by_people = if table == "history" {
                format!(" AND new.reason NOT LIKE '{}%'", Reason::RULE_PREFIX)
            } else {
                String::new()
            };
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_insert AFTER INSERT ON main.{table}
                 WHEN {logging}{by_people} BEGIN {} END;",
                whole_row_insert(table, columns, "NULL", true)
            );
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_update AFTER UPDATE ON main.{table}
                 WHEN {logging}{by_people} BEGIN {} END;",
                field_updates(table, columns)
            );
        }
        Mode::Whole => {
            // A follow-up is a person's from the start: its creation travels.
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_insert AFTER INSERT ON main.{table}
                 WHEN {logging} AND new.kind = 'follow_up' BEGIN {} END;",
                whole_row_insert(table, columns, "NULL", true)
            );
            sql += &format!(
                "CREATE TEMP TRIGGER td_log_{table}_update AFTER UPDATE ON main.{table}
                 WHEN {logging} AND new.version IS NOT old.version BEGIN {} END;",
                whole_row_insert(table, columns, &base_of("''"), false)
            );
        }
    }
    sql
}

/// Sets who and when for the operations of the transaction about to run:
/// one stamp above every stamp seen so far.
pub(super) fn begin(conn: &Connection, session: &Session) -> Result<()> {
    let last: i64 = conn
        .prepare_cached("SELECT coalesce(max(hlc), 0) FROM ops")?
        .query_row([], |r| r.get(0))?;
    conn.prepare_cached(
        "UPDATE temp.td_ctx SET logging = 1, hlc = ?1, author = ?2,
            seq = (SELECT coalesce(max(seq), 0) FROM main.ops WHERE replica = temp.td_ctx.replica),
            in_team = EXISTS (SELECT 1 FROM main.settings WHERE key = 'team_location')",
    )?
    .execute(params![next_stamp(last, session.now), session.user])?;
    Ok(())
}

/// How many writes of people's this connection has made, logged or not:
/// a write that moves it on changed something people change.
pub(super) fn logged_so_far(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT people FROM temp.td_ctx")?
        .query_row([], |r| r.get(0))?)
}

fn set_logging(conn: &Connection, on: bool) -> Result<()> {
    conn.execute("UPDATE temp.td_ctx SET logging = ?1", [on])?;
    Ok(())
}

/// Fields of a deal whose changes the timeline shows from the log; the
/// stage and the pin have history rows of their own (with their reasons),
/// and the days a stage move sets follow from it.
const TIMELINE_FIELDS: [&str; 12] = [
    "title",
    "amount_minor",
    "currency",
    "expected_close",
    "need",
    "owner",
    "account_id",
    "deleted_at",
    "contact_id",
    "source",
    "next_step",
    "notes",
];

/// One change of one field, as the log has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub at: DateTime<Utc>,
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
    pub author: String,
}

/// A concurrent edit whose local value lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub id: Id,
    pub table: String,
    pub row_id: String,
    /// The deal's title, the account's or contact's name, or the goal's
    /// owner and period.
    pub name: String,
    pub field: String,
    pub kept: serde_json::Value,
    pub kept_by: String,
    pub kept_at: DateTime<Utc>,
    pub lost: serde_json::Value,
    pub lost_by: String,
    pub lost_at: DateTime<Utc>,
    pub settled: Option<String>,
}

/// What applying a batch of other replicas' operations did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Operations new to this replica.
    pub ops: usize,
    /// Operations already here (delivered twice).
    pub known: usize,
    /// Rows written, per table.
    pub rows: BTreeMap<String, usize>,
    /// Concurrent edits this replica's value lost, noticed now.
    pub conflicts: Vec<Conflict>,
    /// Rows still waiting for a row they refer to.
    pub pending: usize,
    /// Who changed what: (table, row id, author), one per row and author.
    pub by: Vec<(String, String, String)>,
}

impl Store {
    /// This replica's id.
    pub fn replica_id(&self) -> Result<String> {
        setting(&self.conn, SETTING_REPLICA)?.ok_or_else(|| TeamRefusal::NoReplicaId.into())
    }

    /// Gives this replica a new id: a copied data directory must not speak
    /// as the replica it was copied from. Its operations not yet published
    /// move to the new id; those published stay the old replica's, which is
    /// now read like any other.
    pub fn take_new_replica_id(&mut self, published_seq: i64) -> Result<String> {
        let old = self.replica_id()?;
        let new = Id::new().0.to_string();
        self.write(|w| {
            let conn = w.conn();
            conn.execute(
                "UPDATE ops SET replica = ?2, seq = seq - ?3 WHERE replica = ?1 AND seq > ?3",
                params![old, new, published_seq],
            )?;
            set_setting(conn, SETTING_REPLICA, &new)?;
            conn.execute("UPDATE temp.td_ctx SET replica = ?1", [&new])?;
            Ok(())
        })?;
        Ok(new)
    }

    /// This replica's own operations after `seq`, in order, at most `limit`.
    pub fn own_ops_after(&self, seq: i64, limit: usize) -> Result<Vec<Op>> {
        let replica = self.replica_id()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM ops WHERE replica = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))?;
        let ops = stmt
            .query_map(params![replica, seq, limit as i64], read_op)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ops)
    }

    /// The highest sequence number of this replica's own operations.
    pub fn last_own_seq(&self) -> Result<i64> {
        let replica = self.replica_id()?;
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM ops WHERE replica = ?1")?
            .query_row([replica], |r| r.get(0))?)
    }

    /// Every operation of a row, oldest first (the row's whole story).
    pub fn ops_of(&self, row_id: &str) -> Result<Vec<Op>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM ops WHERE row_id = ?1 ORDER BY hlc, replica, seq"
        ))?;
        let ops = stmt
            .query_map([row_id], read_op)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ops)
    }

    /// The changes people made to a deal's fields, oldest first: the log
    /// read in stamp order, each field's value before the change being the
    /// one the operations before it left.
    pub fn field_changes(&self, row_id: Id) -> Result<Vec<FieldChange>> {
        let mut values: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let mut changes = Vec::new();
        for op in self.ops_of(&row_id.0.to_string())? {
            for (field, value) in op.fields() {
                let value = to_json(&value);
                let shown = !op.field.is_empty() && TIMELINE_FIELDS.contains(&field.as_str());
                let old = values.insert(field.clone(), value.clone());
                if shown && old.as_ref() != Some(&value) {
                    changes.push(FieldChange {
                        at: stamp_moment(op.hlc),
                        field,
                        old: old.unwrap_or(serde_json::Value::Null),
                        new: value,
                        author: op.author.clone(),
                    });
                }
            }
        }
        Ok(changes)
    }

    /// Makes every row that was not created by an operation (rows from
    /// before the change log) this replica's operations, stamped with when each row
    /// was last saved: a teammate's later edit of the same row then wins,
    /// an earlier one loses, as a merge of the two files would have it.
    ///
    /// With `every_row` (a replica starting in a new team, which holds none
    /// of this replica's past operations) every row is logged so.
    pub fn log_existing_rows(&mut self, every_row: bool) -> Result<usize> {
        self.write(|w| {
            let conn = w.conn();
            let mut added = 0;
            for (table, mode) in LOGGED {
                let columns = travelling_columns(conn, table, mode)?;
                let object = columns
                    .iter()
                    .map(|c| format!("'{c}', t.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (saved, people) = match (table, mode) {
                    (_, Mode::Append) if table == "history" => (
                        "t.at",
                        format!(" AND t.reason NOT LIKE '{}%'", Reason::RULE_PREFIX),
                    ),
                    ("activities", _) => ("t.created_at", String::new()),
                    // Reminders nobody acted on are the engine's; follow-ups are people's.
                    (_, Mode::Whole) => (
                        "t.updated_at",
                        " AND (t.version > 1 OR t.kind = 'follow_up')".to_string(),
                    ),
                    _ => ("t.updated_at", String::new()),
                };
                // A range of rows at a time: the numbering of one statement
                // is held in memory, and a million activities would not fit.
                let last: i64 =
                    conn.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {table}"), [], |r| {
                        r.get(0)
                    })?;
                let mut insert = conn.prepare(&format!(
                    "INSERT INTO ops ({OP_COLUMNS})
                     SELECT c.replica, c.seq + row_number() OVER (ORDER BY t.rowid),
                            (CAST(round((julianday({saved}) - 2440587.5) * 86400000) AS INTEGER) << 16),
                            '{table}', t.id, '', json_object({object}), c.author, NULL
                     FROM {table} t, temp.td_ctx c
                     WHERE t.rowid > ?1 AND t.rowid <= ?2
                       AND ({every_row} OR NOT EXISTS
                           (SELECT 1 FROM ops o WHERE o.row_id = t.id AND o.field = '')){people}"
                ))?;
                for from in (0..last).step_by(BASELINE_ROWS) {
                    added += insert.execute(params![from, from + BASELINE_ROWS as i64])?;
                    conn.execute_batch(ADVANCE)?;
                }
            }
            Ok(added)
        })
    }

    /// Applies other replicas' operations: each is kept in the log once,
    /// each touched row is worked out again from its operations (per
    /// field, the highest stamp and replica win), and the engine runs for
    /// the deals touched. All in one transaction, with how far each
    /// replica has now been read, so that nothing is applied twice or lost
    /// however the process ends.
    pub fn apply_ops(&mut self, mut incoming: Vec<Op>, read: &[PeerRead]) -> Result<Applied> {
        let me = self.replica_id()?;
        incoming.sort_by(|a, b| a.key().cmp(&b.key()));
        self.write(|w| {
            let conn = w.conn();
            set_logging(conn, false)?;
            let result = apply_in(w, &me, &incoming);
            set_logging(conn, true)?;
            let applied = result?;
            super::team::record_reads(w, read)?;
            Ok(applied)
        })
    }

    /// The concurrent edits this replica's values lost; settled ones too
    /// when `all`.
    pub fn conflicts(&self, all: bool) -> Result<Vec<Conflict>> {
        let sql = format!(
            "SELECT c.id, c.tbl, c.row_id, c.field, c.kept, c.kept_by, c.kept_hlc, c.lost,
                    c.lost_by, c.lost_hlc, c.settled,
                    coalesce(d.title, a.name, k.name, ltrim(g.owner || ' ' || g.period), '')
             FROM conflicts c
             LEFT JOIN deals d ON d.id = c.row_id
             LEFT JOIN accounts a ON a.id = c.row_id
             LEFT JOIN contacts k ON k.id = c.row_id
             LEFT JOIN goals g ON g.id = c.row_id
             {} ORDER BY c.noticed_at, c.id",
            if all { "" } else { "WHERE c.settled IS NULL" }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Conflict {
                    id: r.get(0)?,
                    table: r.get(1)?,
                    row_id: r.get(2)?,
                    field: r.get(3)?,
                    kept: to_json(&r.get::<_, Value>(4)?),
                    kept_by: r.get(5)?,
                    kept_at: stamp_moment(r.get(6)?),
                    lost: to_json(&r.get::<_, Value>(7)?),
                    lost_by: r.get(8)?,
                    lost_at: stamp_moment(r.get(9)?),
                    settled: r.get(10)?,
                    name: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Resolves a conflict id or a unique prefix of it.
    pub fn resolve_conflict(&self, input: &str) -> Result<Conflict> {
        let prefix = input.trim().to_ascii_lowercase();
        let found: Vec<Conflict> = self
            .conflicts(true)?
            .into_iter()
            .filter(|c| prefix.len() >= Id::MIN_PREFIX && c.id.0.to_string().starts_with(&prefix))
            .collect();
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::NoSuchId {
                what: "conflict",
                given: input.to_string(),
                lister: "tierdeck team conflicts",
            }),
            many => Err(StoreError::Ambiguous {
                what: "conflict",
                given: input.to_string(),
                candidates: many.iter().map(|c| c.id.short()).collect(),
            }),
        }
    }

    /// Puts the value that lost back, as a new change of this user's (so it
    /// travels like any other), and marks the conflict settled.
    pub fn restore_conflict(&mut self, conflict: &Conflict) -> Result<()> {
        if conflict.settled.is_some() {
            return Err(TeamRefusal::ConflictSettled {
                id: conflict.id.short(),
            }
            .into());
        }
        let table = conflict.table.clone();
        let Some(mode) = mode_of(&table) else {
            return Err(TeamRefusal::NotRestorable { table }.into());
        };
        let lost = from_json(&conflict.lost);
        let field = conflict.field.clone();
        let row_id = conflict.row_id.clone();
        let id = conflict.id;
        let columns = travelling_columns(&self.conn, &table, mode)?;
        if !columns.contains(&field) {
            return Err(TeamRefusal::NoSuchField { table, field }.into());
        }
        self.write(|w| {
            let conn = w.conn();
            let bump = if mode == Mode::Append {
                String::new()
            } else {
                ", version = version + 1, updated_at = ?3, updated_by = ?4".to_string()
            };
            conn.execute(
                &format!("UPDATE {table} SET {field} = ?2{bump} WHERE id = ?1"),
                params![row_id, lost, w.stamp(), w.session.user],
            )?;
            conn.execute(
                "UPDATE conflicts SET settled = 'restored' WHERE id = ?1",
                [id],
            )?;
            after_rows_changed(w, &BTreeSet::from([(table.clone(), row_id.clone())]))
        })
    }
}

/// The winner of a field of a row before an incoming operation.
struct Winner {
    replica: String,
    seq: i64,
    hlc: i64,
    author: String,
    value: Value,
}

fn winner(conn: &Connection, tbl: &str, row_id: &str, field: &str) -> Result<Option<Winner>> {
    let found = conn
        .prepare_cached(
            "SELECT replica, seq, hlc, author, field, value FROM ops
             WHERE row_id = ?1 AND tbl = ?2 AND field IN (?3, '')
             ORDER BY hlc DESC, replica DESC, seq DESC LIMIT 1",
        )?
        .query_row(params![row_id, tbl, field], |r| {
            let whole: String = r.get(4)?;
            let stored: Value = r.get(5)?;
            let value = match (whole.is_empty(), &stored) {
                (true, Value::Text(text)) => serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| v.get(field).map(from_json))
                    .unwrap_or(Value::Null),
                _ => stored,
            };
            Ok(Winner {
                replica: r.get(0)?,
                seq: r.get(1)?,
                hlc: r.get(2)?,
                author: r.get(3)?,
                value,
            })
        })
        .optional()?;
    Ok(found)
}

fn apply_in(w: &Writer<'_>, me: &str, incoming: &[Op]) -> Result<Applied> {
    let conn = w.conn();
    let mut applied = Applied::default();
    let mut touched: BTreeSet<(String, String)> = BTreeSet::new();
    let mut by: BTreeSet<(String, String, String)> = BTreeSet::new();
    for op in incoming {
        if op.replica == me {
            applied.known += 1;
            continue;
        }
        let known: bool = conn
            .prepare_cached("SELECT 1 FROM ops WHERE replica = ?1 AND seq = ?2")?
            .query_row(params![op.replica, op.seq], |_| Ok(true))
            .optional()?
            .unwrap_or(false);
        if known {
            applied.known += 1;
            continue;
        }
        note_conflicts(w, me, op, &mut applied)?;
        conn.prepare_cached(&format!(
            "INSERT INTO ops ({OP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?
        .execute(params![
            op.replica,
            op.seq,
            op.hlc,
            op.tbl,
            op.row_id,
            op.field,
            stored_value(op),
            op.author,
            op.base
        ])?;
        applied.ops += 1;
        // A table of a newer tierdeck's is kept in the log, for when this
        // one is updated, and shown nowhere yet.
        if mode_of(&op.tbl).is_some() {
            touched.insert((op.tbl.clone(), op.row_id.clone()));
            by.insert((op.tbl.clone(), op.row_id.clone(), op.author.clone()));
        }
    }
    // Rows that waited for another are tried again with the new ones.
    let pending: Vec<(String, String)> = conn
        .prepare_cached("SELECT tbl, row_id FROM pending_rows")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    touched.extend(pending);
    let mut written = BTreeSet::new();
    for (table, _) in LOGGED {
        for (tbl, row_id) in touched.iter().filter(|(t, _)| t == table) {
            match materialise(w, tbl, row_id)? {
                Outcome::Written => {
                    *applied.rows.entry(tbl.clone()).or_default() += 1;
                    written.insert((tbl.clone(), row_id.clone()));
                    conn.prepare_cached("DELETE FROM pending_rows WHERE tbl = ?1 AND row_id = ?2")?
                        .execute(params![tbl, row_id])?;
                }
                Outcome::Unchanged => {
                    conn.prepare_cached("DELETE FROM pending_rows WHERE tbl = ?1 AND row_id = ?2")?
                        .execute(params![tbl, row_id])?;
                }
                Outcome::Waiting => {
                    conn.prepare_cached("INSERT OR IGNORE INTO pending_rows VALUES (?1, ?2)")?
                        .execute(params![tbl, row_id])?;
                }
            }
        }
    }
    applied.pending = conn
        .prepare_cached("SELECT count(*) FROM pending_rows")?
        .query_row([], |r| r.get::<_, i64>(0))? as usize;
    after_rows_changed(w, &written)?;
    applied.by = by.into_iter().collect();
    Ok(applied)
}

/// Records, for each field an incoming operation sets, that it replaces a
/// value of this replica's its author had not seen (its base is not the
/// local winner), unless both say the same.
fn note_conflicts(w: &Writer<'_>, me: &str, op: &Op, applied: &mut Applied) -> Result<()> {
    let conn = w.conn();
    for (field, value) in op.fields() {
        let Some(won) = winner(conn, &op.tbl, &op.row_id, &field)? else {
            continue;
        };
        let beats = op.key() > (won.hlc, won.replica.as_str(), won.seq);
        let seen = op.base.as_deref() == Some(format!("{}/{}", won.replica, won.seq).as_str());
        if won.replica != me || !beats || seen || won.value == value {
            continue;
        }
        let id = Id::new_ordered();
        conn.prepare_cached(
            "INSERT INTO conflicts (id, tbl, row_id, field, kept, kept_by, kept_hlc, lost,
                lost_by, lost_hlc, noticed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            id,
            op.tbl,
            op.row_id,
            field,
            value,
            op.author,
            op.hlc,
            won.value,
            won.author,
            won.hlc,
            w.stamp()
        ])?;
        let name: Option<String> = conn
            .prepare_cached(
                "SELECT coalesce((SELECT title FROM deals WHERE id = ?1),
                                 (SELECT name FROM accounts WHERE id = ?1),
                                 (SELECT name FROM contacts WHERE id = ?1),
                                 (SELECT ltrim(owner || ' ' || period) FROM goals WHERE id = ?1))",
            )?
            .query_row([&op.row_id], |r| r.get(0))?;
        applied.conflicts.push(Conflict {
            id,
            table: op.tbl.clone(),
            row_id: op.row_id.clone(),
            name: name.unwrap_or_default(),
            field,
            kept: to_json(&value),
            kept_by: op.author.clone(),
            kept_at: stamp_moment(op.hlc),
            lost: to_json(&won.value),
            lost_by: won.author,
            lost_at: stamp_moment(won.hlc),
            settled: None,
        });
    }
    Ok(())
}

enum Outcome {
    Written,
    Unchanged,
    /// Not created yet: its creation, or a row it refers to, has not arrived.
    Waiting,
}

/// Works a row out again from its operations, oldest first, over what the
/// row holds now (rows from before the log keep what no operation set).
fn materialise(w: &Writer<'_>, table: &str, row_id: &str) -> Result<Outcome> {
    let conn = w.conn();
    let Some(mode) = mode_of(table) else {
        return Ok(Outcome::Unchanged);
    };
    let columns = travelling_columns(conn, table, mode)?;
    let list = columns.join(", ");
    let current: Option<Vec<Value>> = conn
        .prepare_cached(&format!("SELECT {list} FROM {table} WHERE id = ?1"))?
        .query_row([row_id], |r| {
            (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect()
        })
        .optional()?;
    let mut ops = conn
        .prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM ops WHERE row_id = ?1 AND tbl = ?2 ORDER BY hlc, replica, seq"
        ))?
        .query_map(params![row_id, table], read_op)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let created = ops.iter().any(|op| op.field.is_empty());
    let mut row: BTreeMap<String, Value> = match &current {
        Some(values) => columns
            .iter()
            .cloned()
            .zip(values.iter().cloned())
            .collect(),
        None => BTreeMap::new(),
    };
    for op in &ops {
        for (field, value) in op.fields() {
            if columns.contains(&field) {
                row.insert(field, value);
            }
        }
    }
    let Some(last) = ops.pop() else {
        return Ok(Outcome::Unchanged);
    };
    let saved_at = values::moment(stamp_moment(last.hlc));
    match current {
        Some(values) => {
            if table == "reminders" && make_room_for_reminder(w, row_id, &row)? {
                close_as_duplicate(&mut row, w);
            }
            let changed: Vec<(&String, &Value)> = columns
                .iter()
                .zip(values.iter())
                .filter(|(c, v)| row.get(*c).is_some_and(|new| new != *v))
                .map(|(c, _)| (c, &row[c]))
                .collect();
            if changed.is_empty() {
                return Ok(Outcome::Unchanged);
            }
            let mut sets: Vec<String> = changed
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
                .collect();
            let mut args: Vec<Value> = vec![Value::Text(row_id.to_string())];
            args.extend(changed.iter().map(|(_, v)| (*v).clone()));
            if mode != Mode::Append {
                let n = args.len();
                sets.push(format!(
                    "version = version + 1, updated_at = ?{}, updated_by = ?{}",
                    n + 1,
                    n + 2
                ));
                args.push(Value::Text(saved_at));
                args.push(Value::Text(last.author.clone()));
            }
            let updated = conn.execute(
                &format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", ")),
                rusqlite::params_from_iter(args),
            );
            match updated {
                Ok(_) => Ok(Outcome::Written),
                // A value this version cannot hold (a newer writer's, or a
                // foreign one's): the row waits, its operations kept.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Ok(Outcome::Waiting)
                }
                Err(e) => Err(e.into()),
            }
        }
        None if !created => Ok(Outcome::Waiting),
        None => {
            if table == "reminders" && make_room_for_reminder(w, row_id, &row)? {
                close_as_duplicate(&mut row, w);
            }
            let mut names: Vec<String> = vec!["id".into()];
            let mut args: Vec<Value> = vec![Value::Text(row_id.to_string())];
            for (c, v) in &row {
                names.push(c.clone());
                args.push(v.clone());
            }
            let first_at = ops
                .first()
                .map_or(saved_at.clone(), |op| values::moment(stamp_moment(op.hlc)));
            let mut bookkeeping: Vec<(&str, Value)> = Vec::new();
            if mode != Mode::Append {
                bookkeeping.push(("created_at", Value::Text(first_at)));
                bookkeeping.push(("updated_at", Value::Text(saved_at)));
                bookkeeping.push(("updated_by", Value::Text(last.author.clone())));
            }
            if table == "deals" {
                // Worked out by the engine right after, as for a new deal.
                bookkeeping.push(("grade", Value::Text("E".into())));
            }
            if table == "reminders" {
                // First known here today, whatever day the teammate's engine opened it.
                bookkeeping.push(("created_on", Value::Text(values::day(w.session.today))));
            }
            for (c, v) in bookkeeping {
                if !row.contains_key(c) {
                    names.push(c.to_string());
                    args.push(v);
                }
            }
            let marks: Vec<String> = (1..=args.len()).map(|i| format!("?{i}")).collect();
            let inserted = conn.execute(
                &format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(args),
            );
            match inserted {
                Ok(_) => {
                    if table == "deals" {
                        first_grade(w, row_id)?;
                    }
                    Ok(Outcome::Written)
                }
                // A row it refers to has not arrived yet.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Ok(Outcome::Waiting)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// One pending reminder of a kind per deal. A teammate's pending one takes
/// the place of one this replica's engine opened for the same thing (the
/// engine's is withdrawn); of two that people acted on, the one about the
/// deal's close date as it is now stays pending, else the one acted on
/// last, and the other is closed as a duplicate: the same on every replica
/// whatever the order of arrival.
/// Returns whether the incoming one must itself be closed so.
fn make_room_for_reminder(
    w: &Writer<'_>,
    row_id: &str,
    row: &BTreeMap<String, Value>,
) -> Result<bool> {
    let conn = w.conn();
    let pending = matches!(row.get("status"), Some(Value::Text(s)) if s == "open" || s == "snoozed")
        && matches!(row.get("deleted_at"), None | Some(Value::Null));
    // Follow-ups people plan are as many as they plan; an account's own
    // reminders are not a deal's.
    let planned = matches!(row.get("kind"), Some(Value::Text(k)) if k == "follow_up");
    let of_deal = matches!(row.get("deal_id"), Some(Value::Text(_)));
    if !pending || planned || !of_deal {
        return Ok(false);
    }
    let deal = row.get("deal_id").cloned().unwrap_or(Value::Null);
    let kind = row.get("kind").cloned().unwrap_or(Value::Null);
    conn.prepare_cached(
        "UPDATE reminders SET deleted_at = ?4
         WHERE deal_id = ?1 AND kind = ?2 AND id <> ?3 AND deleted_at IS NULL
           AND status IN ('open', 'snoozed') AND version = 1",
    )?
    .execute(params![deal, kind, row_id, w.stamp()])?;
    // The one about the deal's close date as it is now goes first (the
    // engine would close the other), then the one acted on last.
    let last_action = "(SELECT max(printf('%020d', o.hlc) || '/' || o.replica || '/'
                               || printf('%020d', o.seq))
                        FROM ops o WHERE o.row_id = r.id)";
    let current = "(r.about IS (SELECT expected_close FROM deals WHERE id = ?1))";
    let others: Vec<(String, (bool, Option<String>))> = conn
        .prepare_cached(&format!(
            "SELECT r.id, {current}, {last_action} FROM reminders r
             WHERE r.deal_id = ?1 AND r.kind = ?2 AND r.id <> ?3 AND r.deleted_at IS NULL
               AND r.status IN ('open', 'snoozed')"
        ))?
        .query_map(params![deal, kind, row_id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let about = row.get("about").cloned().unwrap_or(Value::Null);
    let mine: (bool, Option<String>) = conn
        .prepare_cached(&format!(
            "SELECT {current}, {last_action} FROM (SELECT ?2 AS id, ?3 AS about) r"
        ))?
        .query_row(params![deal, row_id, about], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut incoming_loses = false;
    for (other, other_last) in others {
        if other_last > mine {
            incoming_loses = true;
        } else {
            conn.prepare_cached(
                "UPDATE reminders SET status = 'dismissed', closed_on = ?2, note = 'duplicate'
                 WHERE id = ?1",
            )?
            .execute(params![other, values::day(w.session.today)])?;
        }
    }
    Ok(incoming_loses)
}

fn close_as_duplicate(row: &mut BTreeMap<String, Value>, w: &Writer<'_>) {
    row.insert("status".into(), Value::Text("dismissed".into()));
    row.insert(
        "closed_on".into(),
        Value::Text(values::day(w.session.today)),
    );
    row.insert("note".into(), Value::Text("duplicate".into()));
}

/// A deal that arrived from a teammate is graded here, as a new deal is.
fn first_grade(w: &Writer<'_>, row_id: &str) -> Result<()> {
    let Ok(uuid) = uuid::Uuid::parse_str(row_id) else {
        return Ok(());
    };
    let deal = super::deals::get_deal(w.conn(), Id(uuid))?;
    let (grade, reason) = crate::rules::grade(&deal, w.rules, w.session.today);
    w.conn()
        .prepare_cached("UPDATE deals SET grade = ?2 WHERE id = ?1")?
        .execute(params![deal.id, grade])?;
    w.history(
        deal.id,
        crate::domain::HistoryField::Grade,
        "",
        grade.as_str(),
        reason,
    )
}

/// Brings derived data up to date for rows changed from outside the
/// usual write paths: last touches, grades, reminders and segments.
fn after_rows_changed(w: &Writer<'_>, rows: &BTreeSet<(String, String)>) -> Result<()> {
    let conn = w.conn();
    let mut deals: BTreeSet<Id> = BTreeSet::new();
    let mut accounts: BTreeSet<Id> = BTreeSet::new();
    for (table, row_id) in rows {
        let Ok(uuid) = uuid::Uuid::parse_str(row_id) else {
            continue;
        };
        let id = Id(uuid);
        let (deal, account): (Option<Id>, Option<Id>) = match table.as_str() {
            "deals" => (Some(id), None),
            "accounts" => (None, Some(id)),
            // A reminder may be an account's own.
            "activities" | "contacts" | "reminders" => conn
                .prepare_cached(&format!(
                    "SELECT {}, account_id FROM {table} WHERE id = ?1",
                    if table == "contacts" {
                        "NULL"
                    } else {
                        "deal_id"
                    }
                ))?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((None, None)),
            "history" => (
                conn.prepare_cached(&format!("SELECT deal_id FROM {table} WHERE id = ?1"))?
                    .query_row([id], |r| r.get(0))
                    .optional()?,
                None,
            ),
            _ => (None, None),
        };
        deals.extend(deal);
        accounts.extend(account);
    }
    for deal in &deals {
        super::engine::recompute_last_touch(w, *deal)?;
    }
    let deals: Vec<Id> = deals.into_iter().collect();
    super::engine::refresh_deals(w, &deals)?;
    for account in accounts {
        super::engine::resegment_and_revisit(w, account)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_never_go_back_and_order_as_integers() {
        let now = DateTime::from_timestamp_millis(1_764_600_000_000).unwrap();
        let first = next_stamp(0, now);
        let second = next_stamp(first, now);
        assert!(second > first, "the same millisecond counts on");
        let earlier = DateTime::from_timestamp_millis(1_764_500_000_000).unwrap();
        assert!(
            next_stamp(second, earlier) > second,
            "a clock set back does not"
        );
        assert_eq!(stamp_moment(second), now);
    }

    #[test]
    fn a_whole_row_sets_each_of_its_fields_and_a_field_op_one() {
        let whole = Op {
            replica: "r".into(),
            seq: 1,
            hlc: 1,
            tbl: "deals".into(),
            row_id: "x".into(),
            field: String::new(),
            value: serde_json::json!({"title": "泵", "amount_minor": 12, "closed_on": null}),
            author: "ann".into(),
            base: None,
        };
        let mut fields = whole.fields();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            fields,
            [
                ("amount_minor".to_string(), Value::Integer(12)),
                ("closed_on".to_string(), Value::Null),
                ("title".to_string(), Value::Text("泵".into())),
            ]
        );
        let one = Op {
            field: "title".into(),
            value: "Pumps".into(),
            ..whole
        };
        assert_eq!(
            one.fields(),
            [("title".to_string(), Value::Text("Pumps".into()))]
        );
    }
}
