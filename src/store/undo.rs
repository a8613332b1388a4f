//! Undo (SPEC §1, §6): a person's change taken back as a new change.
//!
//! Every write transaction a person makes has one stamp (see `log::begin`);
//! triggers keep, per stamp, each field it set with its value before and
//! after, and each row it created. `undo` sets those fields back, in a
//! transaction of its own that the change log records like any other (so
//! it reaches teammates), and tombstones the rows the change created. A
//! field someone changed again since is left as they left it, and said.
//!
//! The steps are this replica's own: they are never exchanged, and only
//! writes whose rows say they are the user's own are kept (a merge or a
//! teammate's change applied here is not the user's to undo).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use super::engine::{Scope, recompute_last_touch, refresh_deals, run};
use super::log::stamp_moment;
use super::merge::{BOOKKEEPING, DERIVED};
use super::segments::resegment_account;
use super::{Result, Store, TrashRefusal, Writer};
use crate::domain::{HistoryField, Id, Reason};

/// The tables whose changes can be undone, and the column that says who
/// wrote a row (history is not among them: it records what happened, and
/// an undo writes history of its own).
const JOURNALED: [(&str, &str); 6] = [
    ("accounts", "updated_by"),
    ("contacts", "updated_by"),
    ("deals", "updated_by"),
    ("activities", "author"),
    ("reminders", "updated_by"),
    ("goals", "updated_by"),
];

/// What kind of row a change was to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Account,
    Contact,
    Deal,
    Activity,
    Reminder,
    Goal,
}

impl RowKind {
    pub(super) fn of(table: &str) -> Option<RowKind> {
        Some(match table {
            "accounts" => RowKind::Account,
            "contacts" => RowKind::Contact,
            "deals" => RowKind::Deal,
            "activities" => RowKind::Activity,
            "reminders" => RowKind::Reminder,
            "goals" => RowKind::Goal,
            _ => return None,
        })
    }

    pub(super) fn table(self) -> &'static str {
        match self {
            RowKind::Account => "accounts",
            RowKind::Contact => "contacts",
            RowKind::Deal => "deals",
            RowKind::Activity => "activities",
            RowKind::Reminder => "reminders",
            RowKind::Goal => "goals",
        }
    }

    /// The column people know a row by; a reminder goes by its deal's
    /// title or its account's name, a goal by its owner and period
    /// (`ann 2026-12`, the period alone for the team's).
    pub(super) fn name_column(self) -> &'static str {
        match self {
            RowKind::Deal => "title",
            RowKind::Activity => "summary",
            RowKind::Goal => "ltrim(owner || ' ' || period)",
            RowKind::Account | RowKind::Contact | RowKind::Reminder => "name",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Account => "account",
            RowKind::Contact => "contact",
            RowKind::Deal => "deal",
            RowKind::Activity => "activity",
            RowKind::Reminder => "reminder",
            RowKind::Goal => "goal",
        }
    }
}

/// What a change did to one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "did", content = "fields")]
pub enum Did {
    Created,
    Deleted,
    Restored,
    /// The fields it set, in the order they were set.
    Changed(Vec<String>),
}

/// One row a change touched, named as people know it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Touched {
    pub kind: RowKind,
    pub id: Id,
    /// The deal's title, the account's or contact's name, the summary of an
    /// activity, the title of a reminder's deal.
    pub name: String,
    pub did: Did,
}

/// One change of the user's, as `undo --list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Undoable {
    pub at: DateTime<Utc>,
    pub rows: Vec<Touched>,
    /// Already taken back.
    pub undone: bool,
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub change: Undoable,
    /// Fields left as they are because someone changed them again since:
    /// (row, field).
    pub kept: Vec<(Touched, String)>,
}

/// One kept step: a field a change set, or (with an empty field) a row it made.
struct Step {
    table: String,
    row_id: String,
    field: String,
    old: Value,
    new: Value,
}

/// Creates this connection's triggers that keep the steps, and the flag an
/// undo turns them off with (its own writes are not undone by the next one).
pub(super) fn install(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE td_undo (journal INTEGER NOT NULL);
         INSERT INTO temp.td_undo VALUES (1);",
    )?;
    for (table, author) in JOURNALED {
        let columns = undoable_columns(conn, table)?;
        conn.execute_batch(&triggers(table, author, &columns))?;
    }
    Ok(())
}

/// The columns a person sets: not the id, the bookkeeping, or what the
/// engine works out.
fn undoable_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|c| c != "id" && c != "created_at" && c != "author")
        .filter(|c| !BOOKKEEPING.contains(&c.as_str()) && !DERIVED.contains(&c.as_str()))
        .collect())
}

fn triggers(table: &str, author: &str, columns: &[String]) -> String {
    let when = format!(
        "(SELECT logging FROM temp.td_ctx) AND (SELECT journal FROM temp.td_undo)
         AND new.{author} = (SELECT author FROM temp.td_ctx)"
    );
    // Rows that people make, that is: the engine's own reminders are
    // derived, and go when what they were about goes.
    let made_by_people = if table == "reminders" {
        " AND new.kind = 'follow_up'"
    } else {
        ""
    };
    // The engine's writes leave a versioned row's version alone.
    let by_people = if table == "activities" {
        ""
    } else {
        " AND new.version IS NOT old.version"
    };
    let next = "(SELECT coalesce(max(step), 0) FROM main.undo_steps WHERE hlc = c.hlc)";
    let changed = columns
        .iter()
        .map(|col| {
            format!(
                "SELECT '{col}' AS field, old.{col} AS old, new.{col} AS new
                 WHERE new.{col} IS NOT old.{col}"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!(
        "CREATE TEMP TRIGGER td_undo_{table}_insert AFTER INSERT ON main.{table}
         WHEN {when}{made_by_people} BEGIN
             INSERT INTO main.undo_steps (hlc, step, author, tbl, row_id, field)
             SELECT c.hlc, {next} + 1, c.author, '{table}', new.id, '' FROM temp.td_ctx c;
         END;
         CREATE TEMP TRIGGER td_undo_{table}_update AFTER UPDATE ON main.{table}
         WHEN {when}{by_people} BEGIN
             INSERT INTO main.undo_steps (hlc, step, author, tbl, row_id, field, old, new)
             SELECT c.hlc, {next} + row_number() OVER (), c.author, '{table}', new.id,
                    f.field, f.old, f.new
             FROM temp.td_ctx c, ({changed}) f;
         END;"
    )
}

pub(super) fn set_journal(conn: &Connection, on: bool) -> Result<()> {
    conn.execute("UPDATE temp.td_undo SET journal = ?1", [on])?;
    Ok(())
}

/// How many of the user's changes `undo --list` reads at most.
const LISTED: usize = 20;

impl Store {
    /// The user's recent changes, newest first, the ones taken back too.
    pub fn undoable(&self, limit: Option<usize>) -> Result<Vec<Undoable>> {
        let limit = limit.unwrap_or(LISTED) as i64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT hlc, undone_by IS NOT NULL FROM undo_steps
             WHERE author = ?1 GROUP BY hlc ORDER BY hlc DESC LIMIT ?2",
        )?;
        let changes = stmt
            .query_map(params![self.session.user, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        changes
            .into_iter()
            .map(|(hlc, undone)| {
                let steps = steps_of(&self.conn, hlc)?;
                Ok(Undoable {
                    at: stamp_moment(hlc),
                    rows: touched(&self.conn, &steps)?,
                    undone,
                })
            })
            .collect()
    }

    /// Takes back the user's latest change not yet taken back.
    pub fn undo(&mut self) -> Result<Undone> {
        let user = self.session.user.clone();
        self.write(|w| {
            let conn = w.conn();
            // Read backwards off the index, stopping at the first not undone.
            let hlc: Option<i64> = conn
                .prepare_cached(
                    "SELECT hlc FROM undo_steps WHERE author = ?1 AND undone_by IS NULL
                     ORDER BY hlc DESC LIMIT 1",
                )?
                .query_row([&user], |r| r.get(0))
                .optional()?;
            let hlc = hlc.ok_or(TrashRefusal::NothingToUndo)?;
            let steps = steps_of(conn, hlc)?;
            let change = Undoable {
                at: stamp_moment(hlc),
                rows: touched(conn, &steps)?,
                undone: true,
            };
            set_journal(conn, false)?;
            let result = take_back(w, &steps, &change.rows);
            set_journal(conn, true)?;
            let kept = result?;
            conn.prepare_cached(
                "UPDATE undo_steps SET undone_by = (SELECT hlc FROM temp.td_ctx) WHERE hlc = ?1",
            )?
            .execute([hlc])?;
            Ok(Undone { change, kept })
        })
    }
}

fn steps_of(conn: &Connection, hlc: i64) -> Result<Vec<Step>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tbl, row_id, field, old, new FROM undo_steps WHERE hlc = ?1 ORDER BY step",
    )?;
    let steps = stmt
        .query_map([hlc], |r| {
            Ok(Step {
                table: r.get(0)?,
                row_id: r.get(1)?,
                field: r.get(2)?,
                old: r.get(3)?,
                new: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(steps)
}

/// The rows the steps touched, in the order they were first touched, each
/// with what was done to it.
fn touched(conn: &Connection, steps: &[Step]) -> Result<Vec<Touched>> {
    let mut rows: Vec<Touched> = Vec::new();
    let mut at_of: HashMap<&str, usize> = HashMap::new();
    for step in steps {
        let Some(kind) = RowKind::of(&step.table) else {
            continue;
        };
        let Ok(id) = step.row_id.parse::<Id>() else {
            continue;
        };
        let at = match at_of.get(step.row_id.as_str()) {
            Some(at) => *at,
            None => {
                rows.push(Touched {
                    kind,
                    id,
                    name: name_of(conn, kind, id)?,
                    did: Did::Changed(Vec::new()),
                });
                at_of.insert(&step.row_id, rows.len() - 1);
                rows.len() - 1
            }
        };
        let row = &mut rows[at];
        match (&mut row.did, step.field.as_str()) {
            (did, "") => *did = Did::Created,
            (Did::Created, _) => {}
            (did, "deleted_at") if step.new != Value::Null => *did = Did::Deleted,
            (did, "deleted_at") => *did = Did::Restored,
            (Did::Changed(fields), field) => fields.push(field.to_string()),
            (Did::Deleted | Did::Restored, _) => {}
        }
    }
    Ok(rows)
}

pub(super) fn name_of(conn: &Connection, kind: RowKind, id: Id) -> Result<String> {
    let sql = match kind {
        RowKind::Reminder => "SELECT coalesce(d.title, a.name, '') FROM reminders r
             LEFT JOIN deals d ON d.id = r.deal_id
             LEFT JOIN accounts a ON a.id = r.account_id WHERE r.id = ?1"
            .to_string(),
        _ => format!(
            "SELECT {} FROM {} WHERE id = ?1",
            kind.name_column(),
            kind.table()
        ),
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_default())
}

/// Above this many deals or accounts, the engine works everything out once
/// rather than each of them (an undone import touches them by the thousand).
const ONE_BY_ONE: usize = 200;

/// Sets the steps' fields back and tombstones the rows they created, then
/// has the engine work out again what follows from the rows it changed.
fn take_back(w: &Writer<'_>, steps: &[Step], rows: &[Touched]) -> Result<Vec<(Touched, String)>> {
    let conn = w.conn();
    let stamp = w.stamp();
    let mut of_row: HashMap<&str, Vec<&Step>> = HashMap::new();
    for step in steps {
        of_row.entry(step.row_id.as_str()).or_default().push(step);
    }
    let mut kept = Vec::new();
    let mut deals = Vec::new();
    let mut accounts = Vec::new();
    for row in rows {
        let table = row.kind.table();
        let id = row.id.to_string();
        let mine = of_row.get(id.as_str()).map_or(&[][..], Vec::as_slice);
        let mut sets: Vec<(String, Value)> = Vec::new();
        if row.did == Did::Created {
            sets.push(("deleted_at".to_string(), Value::Text(stamp.clone())));
        } else {
            // The earliest value of each field this change set, if nobody
            // changed it again since.
            for step in mine.iter().rev() {
                if sets.iter().any(|(f, _)| *f == step.field)
                    || kept
                        .iter()
                        .any(|(t, f): &(Touched, String)| t.id == row.id && *f == step.field)
                {
                    continue;
                }
                let now: Value = conn.query_row(
                    &format!("SELECT {} FROM {table} WHERE id = ?1", step.field),
                    [&id],
                    |r| r.get(0),
                )?;
                if now != step.new {
                    kept.push((row.clone(), step.field.clone()));
                    continue;
                }
                let first = mine
                    .iter()
                    .find(|s| s.field == step.field)
                    .map_or(Value::Null, |s| s.old.clone());
                sets.push((step.field.clone(), first));
            }
        }
        if sets.is_empty() {
            continue;
        }
        if row.kind == RowKind::Deal {
            write_history(w, row.id, &sets)?;
        }
        set_fields(w, table, &id, &sets)?;
        match row.kind {
            RowKind::Deal => deals.push(row.id),
            RowKind::Account => accounts.push(row.id),
            RowKind::Activity | RowKind::Reminder => deals.extend(deal_of(conn, table, &id)?),
            RowKind::Contact | RowKind::Goal => {}
        }
    }
    deals.sort();
    deals.dedup();
    for deal in &deals {
        recompute_last_touch(w, *deal)?;
    }
    if deals.len() + accounts.len() > ONE_BY_ONE {
        run(w, Scope::All)?;
        return Ok(kept);
    }
    for deal in &deals {
        accounts.push(account_of_deal(conn, *deal)?);
    }
    refresh_deals(w, &deals)?;
    accounts.sort();
    accounts.dedup();
    for account in accounts {
        resegment_account(w, account)?;
    }
    Ok(kept)
}

/// Writes the fields as a new version by this user; activities, which are
/// never edited in place, carry no version.
fn set_fields(w: &Writer<'_>, table: &str, id: &str, sets: &[(String, Value)]) -> Result<()> {
    let mut assignments: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, (field, _))| format!("{field} = ?{}", i + 2))
        .collect();
    let mut values: Vec<Value> = vec![Value::Text(id.to_string())];
    values.extend(sets.iter().map(|(_, v)| v.clone()));
    if table != "activities" {
        let at = values.len() + 1;
        assignments.push(format!(
            "version = version + 1, updated_at = ?{at}, updated_by = ?{}",
            at + 1
        ));
        values.push(Value::Text(w.stamp()));
        values.push(Value::Text(w.session.user.clone()));
    }
    // Cached: an undone import tombstones its rows with one statement each.
    w.conn()
        .prepare_cached(&format!(
            "UPDATE {table} SET {} WHERE id = ?1",
            assignments.join(", ")
        ))?
        .execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

/// A stage or pin set back is history, as when a person sets it.
fn write_history(w: &Writer<'_>, deal: Id, sets: &[(String, Value)]) -> Result<()> {
    let current = |field: &str| -> Result<String> {
        let value: Option<String> = w.conn().query_row(
            &format!("SELECT {field} FROM deals WHERE id = ?1"),
            [deal],
            |r| r.get(0),
        )?;
        Ok(value.unwrap_or_default())
    };
    let text = |v: &Value| match v {
        Value::Text(t) => t.clone(),
        _ => String::new(),
    };
    for (field, value) in sets {
        let kind = match field.as_str() {
            "stage" => HistoryField::Stage,
            "pinned_grade" => HistoryField::Pin,
            _ => continue,
        };
        w.history(deal, kind, &current(field)?, &text(value), Reason::Undone)?;
    }
    Ok(())
}

fn deal_of(conn: &Connection, table: &str, id: &str) -> Result<Option<Id>> {
    Ok(conn.query_row(
        &format!("SELECT deal_id FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )?)
}

pub(super) fn account_of_deal(conn: &Connection, deal: Id) -> Result<Id> {
    Ok(
        conn.query_row("SELECT account_id FROM deals WHERE id = ?1", [deal], |r| {
            r.get(0)
        })?,
    )
}
