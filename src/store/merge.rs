//! Merging a diverged copy of the database (a sync tool's conflict copy)
//! into this one (SPEC §5).
//!
//! Rows are matched by id. Of two versions of a row, the later update wins;
//! equal moments fall to the higher version, then the editor's name, then
//! the content itself, so that every pair of versions has one winner
//! whichever side it is seen from: the result does not depend on the order
//! of merging, and merging again changes nothing. A tombstone is an update
//! like any other. Activities and history are never edited, only added (an
//! activity may be tombstoned), so they are unioned. Afterwards the engine
//! runs again, as the derived columns (grades, last touches, segments) of
//! the winners were worked out on their own side.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::engine::{self, Scope, mark_current, recompute_last_touch};
use super::{Result, Store, StoreError, Writer, schema};
use crate::domain::Id;

/// The tables people edit, in the order their references need them.
const VERSIONED: [&str; 5] = ["accounts", "contacts", "deals", "reminders", "goals"];

/// Columns the engine works out on each side; they are not what makes two
/// versions of a row different, and are worked out again after a merge.
pub(super) const DERIVED: [&str; 10] = [
    "grade",
    "last_activity",
    "last_touch",
    "next_revisit",
    "revenue_minor",
    "value_tier",
    "lifecycle",
    "behaviour",
    "risks",
    "quiet_since",
];

/// Who changed a row and when: what orders two versions, not what they say.
pub(super) const BOOKKEEPING: [&str; 4] = ["created_at", "updated_at", "updated_by", "version"];

/// A merge run in steps of about equal weight, for the progress shown.
const STEPS: usize = 8;

const PENDING: &str = "deleted_at IS NULL AND status IN ('open', 'snoozed')";

/// A row both copies changed, whose one version was kept and whose other
/// was not: what the merge reports, so that no edit goes unnoticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overruled {
    pub table: &'static str,
    pub id: Id,
    /// The row's title or name, as kept.
    pub label: String,
    pub kept_by: String,
    pub kept_at: String,
    pub lost_by: String,
    pub lost_at: String,
    /// Each field that differed: its column, the value not kept, the value kept.
    pub fields: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameClash {
    pub name: String,
    pub ids: Vec<Id>,
}

/// What a merge brought in, per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMerge {
    pub table: &'static str,
    /// Rows in the other copy.
    pub theirs: usize,
    /// Rows only the other copy had.
    pub added: usize,
    /// Rows whose other version was the later one.
    pub updated: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    pub tables: Vec<TableMerge>,
    /// Pending reminders of one kind for one deal, one from each side: all
    /// but the latest are closed as duplicates.
    pub duplicates_closed: usize,
    /// Rows both copies changed each their own way.
    pub overruled: Vec<Overruled>,
    /// Accounts that now share a name with another (each copy added the
    /// same customer, say): lookups by name need one of them renamed.
    pub name_clashes: Vec<NameClash>,
    pub aside: Aside,
}

/// What became of the merged copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aside {
    /// A dry run leaves it where it is.
    DryRun,
    Moved(PathBuf),
    /// Not a sync tool's conflict copy of this database, it may be someone's
    /// working file (a teammate's own database): it stays where it is.
    Kept,
    /// The merge is in, but the copy could not be moved: merging it again
    /// would change nothing, so the user may move it by hand.
    Stuck(String),
}

impl MergeSummary {
    pub fn is_dry_run(&self) -> bool {
        self.aside == Aside::DryRun
    }

    pub fn changed(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.added + t.updated)
            .sum::<usize>()
            + self.duplicates_closed
    }
}

impl Store {
    /// Merges the tierdeck database at `other` into this one, all of it or
    /// nothing, then moves `other`, when it is a sync tool's conflict copy
    /// of this database, into the `merged` folder beside it. `other` itself is never written: the merge reads a
    /// private copy of it, which is also what an older schema is brought up
    /// to date in. `progress` is told the steps done out of all.
    pub fn merge(
        &mut self,
        other: &Path,
        dry_run: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<MergeSummary> {
        let refused = |reason: String| StoreError::MergeRefused {
            path: other.to_path_buf(),
            reason,
        };
        let same_file = match (fs::canonicalize(other), fs::canonicalize(&self.path)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same_file {
            return Err(refused(
                "it is this database itself; give the path of the other copy".to_string(),
            ));
        }
        let snapshot = Snapshot::take(other).map_err(|e| match e {
            StoreError::NotSqlite(_) => refused("it is not an SQLite file".to_string()),
            e => e,
        })?;
        prepare(&snapshot.path).map_err(refused)?;
        // The full check of a large copy takes longer than the merge: it is
        // done before the merge takes the write lock, so that teammates'
        // saves wait only for the merge itself.
        check_integrity(&snapshot.path).map_err(refused)?;
        progress(1, STEPS);

        self.conn
            .execute("ATTACH DATABASE ?1 AS theirs", [snapshot.path_text()?])
            .map_err(|e| StoreError::open(other, e))?;
        let merged = self.transact(!dry_run, |w| {
            // What the other copy brings is not the user's change to undo.
            super::undo::set_journal(w.conn(), false)?;
            let merged = merge_rows(w, progress)?;
            super::undo::set_journal(w.conn(), true)?;
            Ok(merged)
        });
        // Detached whatever happened, so that this connection goes on as before.
        let detached = self.conn.execute("DETACH DATABASE theirs", []);
        let mut summary = merged?;
        detached?;
        if !dry_run {
            summary.aside = if !is_conflict_copy(other, &self.path) {
                Aside::Kept
            } else {
                match move_aside(other, &self.path) {
                    Ok(to) => Aside::Moved(to),
                    Err(e) => Aside::Stuck(e.to_string()),
                }
            };
        }
        progress(STEPS, STEPS);
        Ok(summary)
    }
}

/// A private copy of the file to merge, removed when the merge is over: a
/// sync tool may rewrite the original meanwhile, and an older schema is
/// upgraded in the copy, never in the original.
struct Snapshot {
    path: PathBuf,
}

impl Snapshot {
    fn take(other: &Path) -> Result<Snapshot> {
        super::check_file(other, super::OpenMode::Existing)?;
        remove_abandoned_snapshots();
        let name = format!(
            "{SNAPSHOT_PREFIX}{}-{}.db",
            std::process::id(),
            Id::new().short()
        );
        let path = std::env::temp_dir().join(name);
        let snapshot = Snapshot { path };
        let io = StoreError::io;
        fs::copy(other, &snapshot.path).map_err(io(other))?;
        // A journal left by a writer that stopped half way must come along:
        // SQLite rolls the copy back with it, to what was last committed.
        let journal = journal_of(other);
        if journal.exists() {
            fs::copy(&journal, journal_of(&snapshot.path)).map_err(io(&journal))?;
        }
        Ok(snapshot)
    }

    fn path_text(&self) -> Result<&str> {
        self.path
            .to_str()
            .ok_or_else(|| StoreError::TempFolderName(self.path.clone()))
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        // Nothing to do if it is gone already; it is in the temporary folder.
        let _ = fs::remove_file(&self.path);
        let _ = fs::remove_file(journal_of(&self.path));
    }
}

const SNAPSHOT_PREFIX: &str = "tierdeck-merge-";

/// A merge killed outright leaves its private copy, as large as the file
/// it merged, in the temporary folder: the next merge removes those whose
/// process is gone.
fn remove_abandoned_snapshots() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(SNAPSHOT_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !is_running(pid)) {
            // Another user's, or gone already: either way not ours to mind.
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    true
}

fn journal_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-journal");
    PathBuf::from(name)
}

/// SQLite's full check of the copy, on a connection of its own.
fn check_integrity(copy: &Path) -> std::result::Result<(), String> {
    let conn =
        Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(unreadable)?;
    damage(&conn, "integrity_check")
}

/// Why SQLite could not read the copy, as the reason of a refusal.
fn unreadable(e: rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == C::NotADatabase => {
            "it is not an SQLite file".to_string()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == C::DatabaseCorrupt => {
            DAMAGED.replace("{problems}", &e.to_string())
        }
        e => format!("it cannot be read ({e})"),
    }
}

const DAMAGED: &str = "it is damaged (SQLite says: {problems}); keep it aside and enter what it holds by hand or from an export";

/// What `PRAGMA check` (integrity_check or quick_check) finds wrong.
fn damage(conn: &Connection, check: &str) -> std::result::Result<(), String> {
    let problems: Vec<String> = conn
        .prepare(&format!("PRAGMA {check}"))
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(unreadable)?;
    if problems.first().map(String::as_str) == Some("ok") {
        return Ok(());
    }
    Err(DAMAGED.replace("{problems}", &problems.join("; ")))
}

/// Checks that the copy is a sound tierdeck database this build can read,
/// and brings an older schema up to date; the error says why not.
fn prepare(copy: &Path) -> std::result::Result<(), String> {
    let mut conn =
        Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(unreadable)?;
    // The quick check finds most damage in a tenth of the time, before the
    // schema is upgraded; the full one follows.
    damage(&conn, "quick_check")?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(unreadable)?;
    let supported = schema::latest_version();
    if found > supported {
        return Err(format!(
            "it was written by a newer tierdeck (schema {found}, this one knows up to {supported}); upgrade tierdeck and merge it then"
        ));
    }
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
             AND name IN ('accounts', 'contacts', 'deals', 'activities', 'history', 'reminders')",
            [],
            |r| r.get(0),
        )
        .map_err(unreadable)?;
    if found == 0 || tables < 6 {
        return Err("it is not a tierdeck database".to_string());
    }
    schema::migrations()
        .to_latest(&mut conn)
        .map_err(|e| format!("its schema cannot be brought up to date ({e})"))
}

fn merge_rows(w: &Writer<'_>, progress: &mut dyn FnMut(usize, usize)) -> Result<MergeSummary> {
    let conn = w.conn();
    // The rows of one table in which the copies differ: one pass over the
    // other copy's table finds them, and what follows reads only these.
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS merge_diff
            (id TEXT PRIMARY KEY, theirs_win INTEGER NOT NULL, added INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS merge_touched (deal_id TEXT PRIMARY KEY) WITHOUT ROWID;
         DELETE FROM temp.merge_touched;",
    )?;
    // Both sides may hold a pending reminder of one kind for one deal (or
    // account); the indexes that allow only one are set aside until they are
    // sorted out.
    let mut one_pending: Vec<String> = Vec::new();
    for index in [
        "reminders_one_pending_per_kind",
        "reminders_one_pending_per_account_kind",
    ] {
        one_pending.push(conn.query_row(
            "SELECT sql FROM main.sqlite_schema WHERE name = ?1",
            [index],
            |r| r.get(0),
        )?);
        conn.execute(&format!("DROP INDEX main.{index}"), [])?;
    }

    // Either copy's past versions are the merged rows' past versions.
    conn.execute(
        "INSERT OR IGNORE INTO main.row_versions SELECT * FROM theirs.row_versions",
        [],
    )?;
    let mut tables = Vec::new();
    let mut overruled = Vec::new();
    let mut name_clashes = Vec::new();
    for (step, table) in VERSIONED.into_iter().enumerate() {
        tables.push(merge_versioned(conn, table, &mut overruled)?);
        if table == "accounts" {
            name_clashes = find_name_clashes(conn)?;
        }
        progress(step + 2, STEPS);
    }
    tables.push(merge_activities(conn)?);
    tables.push(merge_history(conn)?);
    progress(VERSIONED.len() + 2, STEPS);

    retract_reminders_of_deleted_deals(conn)?;
    let duplicates_closed = close_duplicate_reminders(conn)?;
    for index in &one_pending {
        conn.execute(index, [])?;
    }
    let touched: Vec<Id> = conn
        .prepare("SELECT deal_id FROM temp.merge_touched")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for deal in touched {
        recompute_last_touch(w, deal)?;
    }
    engine::run(w, Scope::All)?;
    mark_current(w)?;
    Ok(MergeSummary {
        tables,
        duplicates_closed,
        overruled,
        name_clashes,
        aside: Aside::DryRun,
    })
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}', 'main')"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

fn count(conn: &Connection, sql: &str) -> Result<usize> {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Deals whose activities, reminders or own row came from the other side:
/// their last touch is worked out again from the union.
fn note_touched(conn: &Connection, table: &str, deal: &str) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT OR IGNORE INTO temp.merge_touched
             SELECT t.{deal} FROM theirs.{table} t JOIN temp.merge_diff d ON d.id = t.id
             WHERE d.theirs_win AND t.{deal} IS NOT NULL"
        ),
        [],
    )?;
    Ok(())
}

/// The columns people edit: neither worked out by the engine nor bookkeeping.
fn is_edited(column: &str) -> bool {
    !DERIVED.contains(&column) && !BOOKKEEPING.contains(&column)
}

/// The columns people edit, of one side (`t` or `m`), as one comparable value.
fn edited(columns: &[String], side: &str) -> String {
    let edited: Vec<String> = columns
        .iter()
        .filter(|c| is_edited(c))
        .map(|c| format!("{side}.{c}"))
        .collect();
    format!("json_array({})", edited.join(", "))
}

fn merge_versioned(
    conn: &Connection,
    table: &'static str,
    overruled: &mut Vec<Overruled>,
) -> Result<TableMerge> {
    let columns = columns(conn, table)?;
    let list = columns.join(", ");
    let (t, m) = (edited(&columns, "t"), edited(&columns, "m"));
    // Later moment, then higher version, then editor, then content: spelled
    // out so that the content of the rows is only built for exact ties.
    // Reminders stamped alike differ in what the engine did to them (it
    // leaves the stamps): the one further along its life wins, as the
    // engine never takes a reminder back, so that the other copy's stale
    // twin cannot reopen it.
    let content = if table == "reminders" {
        let stage = |side: &str| {
            format!(
                "CASE WHEN {side}.deleted_at IS NOT NULL THEN 3
                      WHEN {side}.status IN ('done', 'dismissed') THEN 2
                      WHEN {side}.status = 'snoozed' THEN 1 ELSE 0 END"
            )
        };
        let (st, sm) = (stage("t"), stage("m"));
        format!("({st} > {sm} OR ({st} = {sm} AND {t} > {m}))")
    } else {
        format!("{t} > {m}")
    };
    let theirs_win = format!(
        "(t.updated_at > m.updated_at OR (t.updated_at = m.updated_at AND (t.version > m.version
          OR (t.version = m.version AND (t.updated_by > m.updated_by
          OR (t.updated_by = m.updated_by AND {content}))))))"
    );
    conn.execute("DELETE FROM temp.merge_diff", [])?;
    conn.execute(
        &format!(
            "INSERT INTO temp.merge_diff
             SELECT t.id, m.id IS NULL OR {theirs_win}, m.id IS NULL
             FROM theirs.{table} t LEFT JOIN main.{table} m ON m.id = t.id
             WHERE m.id IS NULL OR t.updated_at <> m.updated_at OR t.version <> m.version
                OR t.updated_by <> m.updated_by OR {t} <> {m}"
        ),
        [],
    )?;
    let theirs = count(conn, &format!("SELECT count(*) FROM theirs.{table}"))?;
    let added = count(conn, "SELECT count(*) FROM temp.merge_diff WHERE added")?;
    let updated = count(
        conn,
        "SELECT count(*) FROM temp.merge_diff WHERE theirs_win AND NOT added",
    )?;
    // The engine changes reminders without a new stamp, and only them: in
    // other tables, two versions stamped alike yet different are two edits.
    let same_stamp_counts = table != "reminders";
    overruled.extend(find_overruled(conn, table, &columns, same_stamp_counts)?);
    // The losing version is now in the merged row's past: merging it again,
    // or a copy that holds it, reports nothing more.
    for (loser, won) in [("m", "d.theirs_win"), ("t", "NOT d.theirs_win")] {
        conn.execute(
            &format!(
                "INSERT OR IGNORE INTO main.row_versions
                 SELECT {loser}.id, {loser}.version, {loser}.updated_at, {loser}.updated_by
                 FROM temp.merge_diff d JOIN theirs.{table} t ON t.id = d.id
                    JOIN main.{table} m ON m.id = d.id
                 WHERE {won} AND NOT d.added AND ({same_stamp_counts}
                   OR (t.version, t.updated_at, t.updated_by) IS NOT (m.version, m.updated_at, m.updated_by))"
            ),
            [],
        )?;
    }
    match table {
        "deals" => note_touched(conn, table, "id")?,
        "reminders" => note_touched(conn, table, "deal_id")?,
        _ => {}
    }
    if updated > 0 {
        let from_theirs: Vec<String> = columns.iter().map(|c| format!("t.{c}")).collect();
        conn.execute(
            &format!(
                "UPDATE main.{table} SET ({list}) =
                    (SELECT {} FROM theirs.{table} t WHERE t.id = main.{table}.id)
                 WHERE id IN (SELECT id FROM temp.merge_diff WHERE theirs_win AND NOT added)",
                from_theirs.join(", ")
            ),
            [],
        )?;
    }
    conn.execute(
        &format!(
            "INSERT INTO main.{table} ({list}) SELECT {list} FROM theirs.{table}
             WHERE id IN (SELECT id FROM temp.merge_diff WHERE added)"
        ),
        [],
    )?;
    Ok(TableMerge {
        table,
        theirs,
        added,
        updated,
    })
}

/// The rows both sides edited each their own way. A version that lost to a
/// later one is reported unless it is in the winner's past
/// (`row_versions`): then the other copy had simply not caught up, which is
/// not worth a word.
fn find_overruled(
    conn: &Connection,
    table: &'static str,
    columns: &[String],
    same_stamp_counts: bool,
) -> Result<Vec<Overruled>> {
    let shown: Vec<&String> = columns
        .iter()
        .filter(|c| is_edited(c) && c.as_str() != "id")
        .collect();
    let pick = |side: &str| {
        shown
            .iter()
            .map(|c| format!("{side}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let label = match table {
        "accounts" | "contacts" => "name",
        "deals" => "title",
        "goals" => "period",
        _ => "kind",
    };
    let sql = format!(
        "SELECT t.id, d.theirs_win, t.{label}, m.{label},
            t.updated_by, t.updated_at, m.updated_by, m.updated_at, {}, {}
         FROM temp.merge_diff d JOIN theirs.{table} t ON t.id = d.id
            JOIN main.{table} m ON m.id = d.id
         WHERE NOT d.added
           AND ({same_stamp_counts} OR (t.updated_at, t.version, t.updated_by) IS NOT (m.updated_at, m.version, m.updated_by))
           AND NOT EXISTS (SELECT 1 FROM main.row_versions v WHERE v.row_id = d.id
                AND (v.version, v.updated_at, v.updated_by) = (
                    CASE WHEN d.theirs_win THEN m.version ELSE t.version END,
                    CASE WHEN d.theirs_win THEN m.updated_at ELSE t.updated_at END,
                    CASE WHEN d.theirs_win THEN m.updated_by ELSE t.updated_by END))",
        pick("t"),
        pick("m"),
    );
    let mut stmt = conn.prepare(&sql)?;
    let found = stmt.query_map([], |r| {
        let theirs_won: bool = r.get(1)?;
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => String::new(),
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Real(x) => x.to_string(),
                v => v.as_str().unwrap_or_default().to_string(),
            })
        };
        let n = shown.len();
        let mut fields = Vec::new();
        for (i, column) in shown.iter().enumerate() {
            let (t, m) = (text(8 + i)?, text(8 + n + i)?);
            if t != m {
                let (lost, kept) = if theirs_won { (m, t) } else { (t, m) };
                fields.push((column.to_string(), lost, kept));
            }
        }
        let (kept, lost) = if theirs_won { (4, 6) } else { (6, 4) };
        Ok(Overruled {
            table,
            id: r.get(0)?,
            label: text(if theirs_won { 2 } else { 3 })?,
            kept_by: text(kept)?,
            kept_at: text(kept + 1)?,
            lost_by: text(lost)?,
            lost_at: text(lost + 1)?,
            fields,
        })
    })?;
    // Rows whose differences are all in derived columns say nothing.
    let found: Vec<Overruled> = found.collect::<rusqlite::Result<_>>()?;
    Ok(found.into_iter().filter(|o| !o.fields.is_empty()).collect())
}

/// Live accounts sharing a name (ignoring ASCII case, as lookups do) with
/// an account the other copy added or renamed: what `temp.merge_diff`
/// holds right after the accounts are merged.
fn find_name_clashes(conn: &Connection) -> Result<Vec<NameClash>> {
    let mut stmt = conn.prepare(
        "SELECT min(a.name), group_concat(a.id) FROM main.accounts a
         WHERE a.deleted_at IS NULL AND a.name COLLATE NOCASE IN (
            SELECT t.name FROM theirs.accounts t JOIN temp.merge_diff d ON d.id = t.id
            WHERE d.theirs_win AND t.deleted_at IS NULL)
         GROUP BY a.name COLLATE NOCASE HAVING count(*) > 1
         ORDER BY min(a.name)",
    )?;
    let clashes = stmt.query_map([], |r| {
        let ids: String = r.get(1)?;
        let mut ids: Vec<Id> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
        ids.sort();
        Ok(NameClash {
            name: r.get(0)?,
            ids,
        })
    })?;
    Ok(clashes.collect::<rusqlite::Result<_>>()?)
}

/// Activities are unioned; a tombstone on either side holds, at its
/// earlier moment when both have one.
fn merge_activities(conn: &Connection) -> Result<TableMerge> {
    let list = columns(conn, "activities")?.join(", ");
    conn.execute("DELETE FROM temp.merge_diff", [])?;
    conn.execute(
        "INSERT INTO temp.merge_diff
         SELECT t.id, 1, m.id IS NULL
         FROM theirs.activities t LEFT JOIN main.activities m ON m.id = t.id
         WHERE m.id IS NULL
            OR (t.deleted_at IS NOT NULL AND (m.deleted_at IS NULL OR t.deleted_at < m.deleted_at))",
        [],
    )?;
    note_touched(conn, "activities", "deal_id")?;
    let updated = conn.execute(
        "UPDATE main.activities
         SET deleted_at = (SELECT t.deleted_at FROM theirs.activities t WHERE t.id = main.activities.id)
         WHERE id IN (SELECT id FROM temp.merge_diff WHERE NOT added)",
        [],
    )?;
    let added = conn.execute(
        &format!(
            "INSERT INTO main.activities ({list}) SELECT {list} FROM theirs.activities
             WHERE id IN (SELECT id FROM temp.merge_diff WHERE added)"
        ),
        [],
    )?;
    Ok(TableMerge {
        table: "activities",
        theirs: count(conn, "SELECT count(*) FROM theirs.activities")?,
        added,
        updated,
    })
}

/// History is only ever added to: the union.
fn merge_history(conn: &Connection) -> Result<TableMerge> {
    let columns = columns(conn, "history")?;
    let list = columns.join(", ");
    let from_theirs: Vec<String> = columns.iter().map(|c| format!("t.{c}")).collect();
    let added = conn.execute(
        &format!(
            "INSERT INTO main.history ({list})
             SELECT {} FROM theirs.history t LEFT JOIN main.history m ON m.id = t.id
             WHERE m.id IS NULL",
            from_theirs.join(", ")
        ),
        [],
    )?;
    Ok(TableMerge {
        table: "history",
        theirs: count(conn, "SELECT count(*) FROM theirs.history")?,
        added,
        updated: 0,
    })
}

/// Of the pending reminders of one kind for one deal or account, the latest
/// edited stays; the others are closed as duplicates. Follow-ups people
/// planned are as many as they planned. Each is closed with its own
/// moment and editor, so that whatever order copies are merged in, and
/// however many, a duplicate ends the same.
fn close_duplicate_reminders(conn: &Connection) -> Result<usize> {
    conn.execute("DELETE FROM temp.merge_diff", [])?;
    conn.execute(
        &format!(
            "INSERT INTO temp.merge_diff
             SELECT r.id, 0, 0 FROM main.reminders r
             WHERE r.{PENDING} AND r.kind <> 'follow_up' AND EXISTS (
                SELECT 1 FROM main.reminders s
                WHERE s.deal_id IS r.deal_id AND s.account_id IS r.account_id
                  AND s.kind = r.kind AND s.id <> r.id AND s.{PENDING}
                  AND (s.updated_at, s.version, s.id) > (r.updated_at, r.version, r.id))"
        ),
        [],
    )?;
    let closed = conn.execute(
        "UPDATE main.reminders SET status = 'dismissed', closed_on = substr(updated_at, 1, 10),
            note = 'merge: a duplicate', version = version + 1
         WHERE id IN (SELECT id FROM temp.merge_diff)",
        [],
    )?;
    Ok(closed)
}

/// A deal deleted on one copy may hold reminders the other copy opened:
/// they go with it, as the engine retracts them, at the deal's deletion.
fn retract_reminders_of_deleted_deals(conn: &Connection) -> Result<()> {
    conn.execute(
        &format!(
            "UPDATE main.reminders
             SET deleted_at = (SELECT d.deleted_at FROM main.deals d WHERE d.id = reminders.deal_id)
             WHERE {PENDING} AND deal_id IN (SELECT id FROM main.deals WHERE deleted_at IS NOT NULL)"
        ),
        [],
    )?;
    Ok(())
}

/// Whether `other` is named as a sync tool names a conflict copy of `db`,
/// in the same folder.
fn is_conflict_copy(other: &Path, db: &Path) -> bool {
    let folder = |p: &Path| super::folder_of(p).canonicalize().ok();
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_string);
    match (name(other), name(db)) {
        (Some(other_name), Some(db_name)) => {
            folder(other).is_some()
                && folder(other) == folder(db)
                && crate::copies::classify(&db_name, &other_name).is_some()
        }
        _ => false,
    }
}

/// Moves the merged copy into the `merged` folder beside the database,
/// under a name not yet taken there; its journal, if any, goes along.
fn move_aside(other: &Path, db: &Path) -> Result<PathBuf> {
    let dir = super::folder_of(db).join("merged");
    let io = StoreError::io;
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let name = other
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "copy.db".to_string());
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), format!(".{ext}")),
        _ => (name.clone(), String::new()),
    };
    let mut target = dir.join(&name);
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    fs::rename(other, &target).map_err(io(other))?;
    let journal = journal_of(other);
    if journal.exists() {
        fs::rename(&journal, journal_of(&target)).map_err(io(&journal))?;
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::store::{OpenMode, Session};
    use chrono::{TimeZone, Utc};

    /// A copy made by an older tierdeck is upgraded in the private copy and
    /// merged; the file itself keeps its old schema until it is moved aside.
    #[test]
    fn a_copy_from_an_older_schema_is_upgraded_privately_and_merged() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir
            .path()
            .join("tierdeck.sync-conflict-20260105-101500-ABCD123.db");
        let mut conn = Connection::open(&old).unwrap();
        schema::migrations().to_version(&mut conn, 2).unwrap();
        conn.execute(
            "INSERT INTO accounts (id, name, kind, created_at, updated_at, updated_by)
             VALUES ('4f0c3a1e-0000-4000-8000-000000000001', '老客户', 'enterprise',
                     '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:00.000Z', 'li')",
            [],
        )
        .unwrap();
        drop(conn);
        let session = Session {
            user: "ann".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            now: Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
            offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
        };
        let db = dir.path().join("tierdeck.db");
        let mut store = Store::open(&db, OpenMode::CreateFile, session, Rules::defaults()).unwrap();
        let summary = store.merge(&old, false, &mut |_, _| {}).unwrap();
        assert_eq!(summary.tables[0].added, 1);
        let Aside::Moved(moved) = summary.aside else {
            panic!("{:?}", summary.aside);
        };
        let version: i64 = Connection::open(&moved)
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2, "the other file is never upgraded in place");
        assert!(store.account_named("老客户").unwrap().is_some());
    }
}
