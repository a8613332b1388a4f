//! The schema, as an ordered list of migrations keyed by `PRAGMA user_version`.
//!
//! Never remove a migration and never change one that has shipped: add a new one.

use rusqlite::{Transaction, params};
use rusqlite_migration::{HookResult, M, Migrations};

use crate::domain::Reason;

/// Every table users edit carries the same bookkeeping columns, so that shared
/// copies can be merged row by row and stale edits refused.
const V1: &str = r#"
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    industry TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    product_tier TEXT,
    satisfaction TEXT NOT NULL DEFAULT 'unknown',
    owner TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
) STRICT;
CREATE INDEX accounts_by_name ON accounts(name COLLATE NOCASE) WHERE deleted_at IS NULL;

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    other TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
) STRICT;
CREATE INDEX contacts_by_account ON contacts(account_id);

CREATE TABLE deals (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    title TEXT NOT NULL,
    amount_minor INTEGER NOT NULL DEFAULT 0,
    stage TEXT NOT NULL,
    need TEXT NOT NULL,
    expected_close TEXT,
    grade TEXT NOT NULL,
    pinned_grade TEXT,
    pin_reason TEXT,
    owner TEXT NOT NULL DEFAULT '',
    created_on TEXT NOT NULL,
    stage_entered_on TEXT NOT NULL,
    closed_on TEXT,
    lost_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT,
    -- Derived, not edited, kept here so the engine reads one row per deal:
    -- the day of the latest activity, and the later of that and a revisit a
    -- person closed by hand (which restarts the revisit cadence).
    last_activity TEXT,
    last_touch TEXT
) STRICT;
-- The tier lists and `list --grade`: open deals by grade, in close-date order.
-- Deals are listed best grade first, then by close date with undated ones
-- last: with that order in the index, a view reads only the rows it shows.
CREATE INDEX deals_open_by_grade
    ON deals(grade, coalesce(expected_close, '9999-12-31'), title)
    WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
CREATE INDEX deals_by_stage
    ON deals(stage, grade, coalesce(expected_close, '9999-12-31'), title)
    WHERE deleted_at IS NULL;
-- Count and amount per stage and per grade without reading the table.
CREATE INDEX deals_stage_amounts ON deals(stage, amount_minor) WHERE deleted_at IS NULL;
CREATE INDEX deals_open_grade_amounts ON deals(grade, amount_minor)
    WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
CREATE INDEX deals_by_account ON deals(account_id);
CREATE INDEX deals_by_owner ON deals(owner) WHERE deleted_at IS NULL;

CREATE TABLE activities (
    id TEXT PRIMARY KEY NOT NULL,
    deal_id TEXT REFERENCES deals(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    summary TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT
) STRICT;
-- Last touch of a deal is one seek: max(at) per deal.
CREATE INDEX activities_by_deal ON activities(deal_id, at) WHERE deleted_at IS NULL;
CREATE INDEX activities_by_account ON activities(account_id, at) WHERE deleted_at IS NULL;

CREATE TABLE history (
    id TEXT PRIMARY KEY NOT NULL,
    deal_id TEXT NOT NULL REFERENCES deals(id),
    field TEXT NOT NULL,
    at TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL
) STRICT;
CREATE INDEX history_by_deal ON history(deal_id, at);

CREATE TABLE reminders (
    id TEXT PRIMARY KEY NOT NULL,
    deal_id TEXT NOT NULL REFERENCES deals(id),
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    about TEXT,
    created_on TEXT NOT NULL,
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
) STRICT;
CREATE INDEX reminders_pending_by_due ON reminders(due)
    WHERE deleted_at IS NULL AND status IN ('open', 'snoozed');
-- What is due now, counted for the status line without reading the table.
CREATE INDEX reminders_open_by_due ON reminders(due, status, deleted_at)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX reminders_by_deal ON reminders(deal_id);
-- One pending reminder of each kind per deal, whatever the code above does.
CREATE UNIQUE INDEX reminders_one_pending_per_kind ON reminders(deal_id, kind)
    WHERE deleted_at IS NULL AND status IN ('open', 'snoozed');

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
INSERT INTO settings(key, value) VALUES ('currency', 'CNY');
"#;

/// The accounts view sorts by any of these columns, a page at a time; the
/// filter finds names in contacts, and checks titles and accounts of the
/// deals of a lane on the lane's own index, without reading each deal.
const V2: &str = r#"
DROP INDEX deals_by_stage;
CREATE INDEX deals_by_stage
    ON deals(stage, grade, coalesce(expected_close, '9999-12-31'), title, account_id)
    WHERE deleted_at IS NULL;
DROP INDEX deals_open_by_grade;
CREATE INDEX deals_open_by_grade
    ON deals(grade, coalesce(expected_close, '9999-12-31'), title, account_id)
    WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
CREATE INDEX contacts_by_name ON contacts(name, account_id) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_kind ON accounts(kind, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_industry ON accounts(industry, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_region ON accounts(region, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_channel ON accounts(channel, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_owner ON accounts(owner, name COLLATE NOCASE) WHERE deleted_at IS NULL;
"#;

/// An account's segments, worked out by the engine like a deal's grade and
/// kept on its row so that lists filter and sort by them a page at a time.
/// They are derived, not edited: writing them leaves version and updated_at.
const V3: &str = r#"
ALTER TABLE accounts ADD COLUMN revenue_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN value_tier TEXT;
ALTER TABLE accounts ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'prospect';
ALTER TABLE accounts ADD COLUMN behaviour TEXT NOT NULL DEFAULT 'never';
-- Why it is at risk, comma separated; empty when it is not.
ALTER TABLE accounts ADD COLUMN risks TEXT NOT NULL DEFAULT '';
-- The day of its latest activity, or the day we first knew it: when it went quiet.
ALTER TABLE accounts ADD COLUMN quiet_since TEXT;
-- Best first, names A to Z among equals.
CREATE INDEX accounts_by_revenue ON accounts(revenue_minor DESC, name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
-- Re-tiering after one win touches only the accounts that cross a boundary.
CREATE INDEX accounts_by_tier ON accounts(value_tier, revenue_minor) WHERE deleted_at IS NULL;
-- Closed vocabularies sort in their own order, not the alphabet's; the
-- expressions are AccountSort's, character for character.
CREATE INDEX accounts_by_lifecycle ON accounts(
    (CASE lifecycle WHEN 'prospect' THEN 0 WHEN 'new' THEN 1 WHEN 'active' THEN 2 ELSE 3 END),
    name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_behaviour ON accounts(
    (CASE behaviour WHEN 'frequent' THEN 0 WHEN 'occasional' THEN 1 ELSE 2 END),
    name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_product_tier ON accounts(
    (CASE product_tier WHEN 'high' THEN 0 WHEN 'mid' THEN 1 WHEN 'low' THEN 2 ELSE 3 END),
    name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX accounts_by_satisfaction ON accounts(
    (CASE satisfaction WHEN 'satisfied' THEN 0 WHEN 'neutral' THEN 1 WHEN 'dissatisfied' THEN 2 ELSE 3 END),
    name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX deals_won_by_account ON deals(account_id, closed_on, amount_minor)
    WHERE deleted_at IS NULL AND stage = 'won';
-- The reports and the segment pass read every deal's figures, and the
-- funnel every stage change, off these indexes alone rather than the wide
-- rows. Both lead with a day, so that new rows land at their end instead
-- of on every page (an import of 100,000 deals would rewrite them whole).
CREATE INDEX deals_report ON deals(created_on, stage, grade, amount_minor, expected_close,
    closed_on, stage_entered_on, last_activity, owner, id, account_id) WHERE deleted_at IS NULL;
CREATE INDEX history_stage_moves ON history(at, id, deal_id, new) WHERE field = 'stage';
-- The few deleted deals, which the reports leave out.
CREATE INDEX deals_deleted ON deals(id) WHERE deleted_at IS NOT NULL;
-- Activities logged on an account rather than a deal: its deals keep the rest.
CREATE INDEX activities_without_deal ON activities(account_id, at)
    WHERE deleted_at IS NULL AND deal_id IS NULL;
CREATE INDEX reminders_open_revisits ON reminders(due, deal_id)
    WHERE deleted_at IS NULL AND status = 'open' AND kind = 'revisit';
-- Every account's segments are worked out on the first run after this.
DELETE FROM settings WHERE key = 'engine_day';
"#;

/// Every version a row has had, as who saved it and when: a merge tells a
/// version the other copy simply has not caught up from (one in the
/// winner's past) from an edit made apart (one that is not), and reports
/// only the latter. Triggers keep it, so no write path can forget to.
const V4: &str = r#"
CREATE TABLE row_versions (
    row_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (row_id, version, updated_at, updated_by)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER accounts_keep_versions AFTER UPDATE ON accounts
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;
CREATE TRIGGER contacts_keep_versions AFTER UPDATE ON contacts
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;
CREATE TRIGGER deals_keep_versions AFTER UPDATE ON deals
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;
CREATE TRIGGER reminders_keep_versions AFTER UPDATE ON reminders
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;
"#;

/// The change log (SPEC §5.1): every edit a person makes, as operations on
/// one field of one row, stamped with a hybrid logical clock and the
/// replica that made it; `field` is empty for an operation that sets a
/// whole row (its creation, an activity, a reminder action), whose value
/// is then a JSON object of the row's fields. Other replicas' operations
/// are kept here too: the log is the history, and applying the same
/// operation twice is a no-op because of its key.
const V5: &str = r#"
CREATE TABLE ops (
    replica TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value ANY,
    author TEXT NOT NULL,
    -- The operation this one was made over (`replica/seq`), on its replica:
    -- an incoming change whose base is not the local winner was made
    -- without seeing it, which is what a conflict is.
    base TEXT,
    PRIMARY KEY (replica, seq)
) STRICT;
-- The winner of a field is one seek: the highest stamp among the row's
-- operations on that field and on the whole row.
CREATE INDEX ops_by_row ON ops(row_id, field, hlc, replica, seq);
-- The clock never goes back: the next stamp is above the highest seen.
CREATE INDEX ops_by_hlc ON ops(hlc);

-- Concurrent edits of one field where this replica's value lost.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    kept ANY,
    kept_by TEXT NOT NULL,
    kept_hlc INTEGER NOT NULL,
    lost ANY,
    lost_by TEXT NOT NULL,
    lost_hlc INTEGER NOT NULL,
    noticed_at TEXT NOT NULL,
    -- `restored` or `accepted` once someone has dealt with it.
    settled TEXT
) STRICT;
CREATE INDEX conflicts_open ON conflicts(noticed_at) WHERE settled IS NULL;

-- How far this replica has read each other replica of its team.
CREATE TABLE peers (
    replica TEXT PRIMARY KEY NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    files_read INTEGER NOT NULL DEFAULT 0,
    -- How many of this replica's files that one had read, as it last said:
    -- files every member has read, and a snapshot covers, can go.
    reads_me INTEGER NOT NULL DEFAULT 0,
    last_change TEXT,
    last_seen TEXT
) STRICT;

-- Going back from a planned-ahead `--today`: what the engine did on a
-- later day is found without reading every reminder.
CREATE INDEX reminders_by_closed_on ON reminders(closed_on)
    WHERE deleted_at IS NULL AND closed_on IS NOT NULL;
CREATE INDEX reminders_by_created_on ON reminders(created_on) WHERE deleted_at IS NULL;

-- Rows whose operations arrived before the row they need (a deal before
-- its account): materialised once that row is here.
CREATE TABLE pending_rows (
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) STRICT, WITHOUT ROWID;
"#;

/// History reasons become codes (`rule.within:3` for "rule: close within 3
/// months"): the English sentences are rewritten by `Reason`, which reads
/// them, and text it does not know becomes a free-text reason. The change
/// log keeps the operations as they were sent; `Reason` reads those too.
const V6: &str = "-- history.reason is rewritten by reasons_to_codes";

fn reasons_to_codes(tx: &Transaction) -> HookResult {
    let mut read = tx.prepare("SELECT rowid, reason FROM history")?;
    let mut write = tx.prepare("UPDATE history SET reason = ?2 WHERE rowid = ?1")?;
    let rows = read.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (rowid, stored) = row?;
        let code = Reason::from_code(&stored).code();
        if code != stored {
            write.execute(params![rowid, code])?;
        }
    }
    Ok(())
}

/// The week ahead lists the revisits still to come: each open deal keeps
/// the day its next revisit is due (derived, like `last_touch`), read in
/// that order off its index. Forgetting the engine's day has the next
/// command work it out for every deal.
const V7: &str = r#"
ALTER TABLE deals ADD COLUMN next_revisit TEXT;
CREATE INDEX deals_open_by_revisit ON deals(next_revisit)
    WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
DELETE FROM settings WHERE key = 'engine_day';
"#;

/// Schema 8 makes room for what a salesperson reaches for in a day:
/// - a deal's currency (ISO 4217; the database's currency for the deals it
///   already has), contact person, source, next step and notes;
/// - an activity corrected or taken back by a new one that `replaces` it,
///   so the original stays in the history;
/// - reminders of an account rather than a deal (revisits after a sale),
///   and several planned follow-ups on one deal: the table is rebuilt
///   because SQLite cannot drop `NOT NULL` from `deal_id`;
/// - the steps `undo` takes back: this replica's own, never exchanged.
const V8: &str = r#"
ALTER TABLE deals ADD COLUMN currency TEXT NOT NULL DEFAULT '';
UPDATE deals SET currency = coalesce((SELECT value FROM settings WHERE key = 'currency'), 'CNY');
ALTER TABLE deals ADD COLUMN contact_id TEXT REFERENCES contacts(id);
ALTER TABLE deals ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN next_step TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN notes TEXT NOT NULL DEFAULT '';

ALTER TABLE activities ADD COLUMN replaces TEXT REFERENCES activities(id);
CREATE INDEX activities_replaced ON activities(replaces) WHERE replaces IS NOT NULL;

CREATE TABLE reminders_v8 (
    id TEXT PRIMARY KEY NOT NULL,
    deal_id TEXT REFERENCES deals(id),
    account_id TEXT REFERENCES accounts(id),
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    about TEXT,
    created_on TEXT NOT NULL,
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT,
    CHECK (deal_id IS NOT NULL OR account_id IS NOT NULL)
) STRICT;
INSERT INTO reminders_v8 (id, deal_id, kind, due, status, about, created_on, closed_on, note,
    created_at, updated_at, updated_by, version, deleted_at)
    SELECT id, deal_id, kind, due, status, about, created_on, closed_on, note,
        created_at, updated_at, updated_by, version, deleted_at FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_v8 RENAME TO reminders;
CREATE INDEX reminders_pending_by_due ON reminders(due)
    WHERE deleted_at IS NULL AND status IN ('open', 'snoozed');
CREATE INDEX reminders_open_by_due ON reminders(due, status, deleted_at)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX reminders_by_deal ON reminders(deal_id);
CREATE INDEX reminders_by_account ON reminders(account_id) WHERE account_id IS NOT NULL;
-- One pending reminder of each kind per deal or account, whatever the code
-- does; follow-ups people plan are as many as they plan.
CREATE UNIQUE INDEX reminders_one_pending_per_kind ON reminders(deal_id, kind)
    WHERE deleted_at IS NULL AND status IN ('open', 'snoozed') AND kind <> 'follow_up'
        AND deal_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_one_pending_per_account_kind ON reminders(account_id, kind)
    WHERE deleted_at IS NULL AND status IN ('open', 'snoozed') AND kind <> 'follow_up'
        AND deal_id IS NULL;
CREATE INDEX reminders_open_revisits ON reminders(due, deal_id)
    WHERE deleted_at IS NULL AND status = 'open' AND kind = 'revisit';
CREATE INDEX reminders_by_closed_on ON reminders(closed_on)
    WHERE deleted_at IS NULL AND closed_on IS NOT NULL;
CREATE INDEX reminders_by_created_on ON reminders(created_on) WHERE deleted_at IS NULL;
CREATE TRIGGER reminders_keep_versions AFTER UPDATE ON reminders
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;

-- One row per field a person's change set (or per row it created, with an
-- empty field), keyed by the change's stamp: `undo` sets the fields back.
CREATE TABLE undo_steps (
    hlc INTEGER NOT NULL,
    step INTEGER NOT NULL,
    author TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old ANY,
    new ANY,
    -- The stamp of the change that took this one back.
    undone_by INTEGER,
    PRIMARY KEY (hlc, step)
) STRICT;
-- The user's changes newest first, the latest not yet undone among them.
CREATE INDEX undo_steps_by_author ON undo_steps(author, hlc, undone_by);
"#;

/// Schema 9: totals are taken per currency, so the indexes that serve them,
/// the reports and the segment pass without reading the table carry the
/// deal's currency too.
const V9: &str = r#"
DROP INDEX deals_stage_amounts;
CREATE INDEX deals_stage_amounts ON deals(stage, currency, amount_minor) WHERE deleted_at IS NULL;
DROP INDEX deals_open_grade_amounts;
CREATE INDEX deals_open_grade_amounts ON deals(grade, currency, amount_minor)
    WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
DROP INDEX deals_won_by_account;
CREATE INDEX deals_won_by_account ON deals(account_id, closed_on, amount_minor, currency)
    WHERE deleted_at IS NULL AND stage = 'won';
DROP INDEX deals_report;
CREATE INDEX deals_report ON deals(created_on, stage, grade, amount_minor, expected_close,
    closed_on, stage_entered_on, last_activity, owner, id, account_id, currency)
    WHERE deleted_at IS NULL;
"#;

/// Schema 10 keeps the id a row has in the CRM it was imported from, so
/// that deals find their accounts by it and importing the same file again
/// updates rather than duplicates. Not unique: two teammates may import the
/// same file before their replicas meet.
const V10: &str = r#"
ALTER TABLE accounts ADD COLUMN source_id TEXT;
ALTER TABLE contacts ADD COLUMN source_id TEXT;
ALTER TABLE deals ADD COLUMN source_id TEXT;
CREATE INDEX accounts_by_source_id ON accounts(source_id) WHERE source_id IS NOT NULL;
CREATE INDEX contacts_by_source_id ON contacts(source_id) WHERE source_id IS NOT NULL;
CREATE INDEX deals_by_source_id ON deals(source_id) WHERE source_id IS NOT NULL;
"#;

/// Schema 11: sales targets (销售目标), per owner or for the whole team
/// (an empty owner), per month (`2026-12`) or quarter (`2026-Q4`). A goal
/// is a row people edit like any other: versioned, logged, tombstoned. Two
/// teammates may each set "the same" goal before they sync; both rows are
/// kept and shown (a unique index would leave one waiting for ever), and
/// either can be deleted. Activities are counted per author over a period,
/// read off their own index.
const V11: &str = r#"
CREATE TABLE goals (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL,
    won_amount_minor INTEGER,
    currency TEXT NOT NULL DEFAULT '',
    won_deals INTEGER,
    activities INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
) STRICT;
CREATE INDEX goals_by_period ON goals(period, owner) WHERE deleted_at IS NULL;
CREATE TRIGGER goals_keep_versions AFTER UPDATE ON goals
    WHEN (new.version, new.updated_at, new.updated_by) IS NOT (old.version, old.updated_at, old.updated_by)
    BEGIN INSERT OR IGNORE INTO row_versions VALUES (old.id, old.version, old.updated_at, old.updated_by); END;
CREATE INDEX activities_by_at ON activities(at, author) WHERE deleted_at IS NULL;
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up_with_hook(V6, reasons_to_codes),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up(V11),
    ])
}

/// The schema version this build writes; a file with a higher one is refused.
pub fn latest_version() -> i64 {
    // One migration per version, counted from 1.
    11
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn schema_6_rewrites_the_english_reasons_of_schema_5_as_codes() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        let stored = [
            ("rule: close within 1 month", "rule.within:1"),
            ("rule: close within 3 months", "rule.within:3"),
            ("rule: close later than 6 months", "rule.later:6"),
            ("rule: no need", "rule.no_need"),
            ("rule: potential need", "rule.potential_need"),
            ("rule: no close date", "rule.no_close_date"),
            ("rule: slipped past close date", "rule.slipped"),
            ("rule: deal lost", "rule.deal_lost"),
            ("manual: created", "manual.created"),
            ("manual: deal update", "manual.deal_update"),
            ("manual: won", "manual.won"),
            ("manual: deal lost", "manual.pin_dropped"),
            ("manual: lost: 价格: 太高", "manual.lost:价格: 太高"),
            ("manual: 客户口头承诺", "manual.pin:客户口头承诺"),
            ("manual: unpinned", "manual.unpinned"),
            ("manual: imported", "manual.imported"),
            ("manual: demo", "manual.demo"),
            (
                "imported from the old CRM",
                "text:imported from the old CRM",
            ),
            (
                "rule: close within 2 month",
                "text:rule: close within 2 month",
            ),
        ];
        conn.execute_batch(
            "INSERT INTO accounts (id, name, kind, created_at, updated_at, updated_by)
                 VALUES ('a1', '华东电力', 'enterprise', '2026-03-01', '2026-03-01', 'ann');
             INSERT INTO deals (id, account_id, title, stage, need, grade, created_on,
                 stage_entered_on, created_at, updated_at, updated_by)
                 VALUES ('d1', 'a1', '二期', 'lead', 'explicit', 'B', '2026-03-01',
                 '2026-03-01', '2026-03-01', '2026-03-01', 'ann');",
        )
        .unwrap();
        for (i, (sentence, _)) in stored.iter().enumerate() {
            conn.execute(
                "INSERT INTO history (id, deal_id, field, at, old, new, reason, author)
                 VALUES (?1, 'd1', 'grade', '2026-03-01T09:00:00.000Z', 'C', 'B', ?2, 'ann')",
                params![format!("h{i:02}"), sentence],
            )
            .unwrap();
        }
        migrations().to_latest(&mut conn).unwrap();
        let mut read = conn
            .prepare("SELECT reason FROM history ORDER BY id")
            .unwrap();
        let codes: Vec<String> = read
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected: Vec<&str> = stored.iter().map(|(_, code)| *code).collect();
        assert_eq!(codes, expected);
    }

    /// A file from before the next revisit was kept (schema 6) is upgraded
    /// on open: its reminders come through the rebuild of schema 8 as they
    /// were, and its week ahead is worked out at once, not from the next day.
    #[test]
    fn a_schema_6_file_keeps_its_reminders_and_lists_its_week_ahead_at_once() {
        use crate::domain::ReminderStatus;
        use crate::rules::Rules;
        use crate::store::{DueFilter, OpenMode, Session, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, name, kind, created_at, updated_at, updated_by)
                 VALUES ('7d0f6a52-0000-4000-8000-000000000001', '上海华信', 'enterprise',
                 '2026-03-10T09:00:00.000Z', '2026-03-10T09:00:00.000Z', 'ann');
             INSERT INTO deals (id, account_id, title, stage, need, expected_close, grade,
                 created_on, stage_entered_on, created_at, updated_at, updated_by)
                 VALUES ('7d0f6a52-0000-4000-8000-000000000002',
                 '7d0f6a52-0000-4000-8000-000000000001', 'ERP', 'lead', 'explicit',
                 '2026-03-31', 'A', '2026-03-10', '2026-03-10', '2026-03-10T09:00:00.000Z',
                 '2026-03-10T09:00:00.000Z', 'ann');
             INSERT INTO reminders (id, deal_id, kind, due, status, about, created_on, closed_on,
                 note, created_at, updated_at, updated_by, version)
                 VALUES ('7d0f6a52-0000-4000-8000-000000000003',
                 '7d0f6a52-0000-4000-8000-000000000002', 'close_soon', '2026-03-11', 'done',
                 '2026-03-31', '2026-03-10', '2026-03-11', 'manual:', '2026-03-10T09:00:00.000Z',
                 '2026-03-11T09:00:00.000Z', 'ann', 2);
             INSERT INTO settings (key, value) VALUES ('engine_day', '2026-03-12');",
        )
        .unwrap();
        drop(conn);
        let session = Session {
            user: "ann".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).unwrap(),
        };
        let mut store = Store::open(&path, OpenMode::Existing, session, Rules::defaults()).unwrap();
        store.refresh().unwrap();
        let week = store.reminders(DueFilter::Week, None).unwrap();
        let coming: Vec<_> = week
            .iter()
            .filter(|r| r.reminder.status == ReminderStatus::Upcoming)
            .collect();
        assert_eq!(coming.len(), 1, "{week:#?}");
        assert_eq!(coming[0].reminder.due.to_string(), "2026-03-17");
        type Kept = (String, String, String, String, String, String, String, i64);
        let kept: Kept = store
            .conn
            .query_row(
                "SELECT kind, due, status, about, closed_on, note, updated_by, version
                 FROM reminders WHERE id = '7d0f6a52-0000-4000-8000-000000000003'",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .unwrap();
        let expected = (
            "close_soon",
            "2026-03-11",
            "done",
            "2026-03-31",
            "2026-03-11",
        );
        assert_eq!((&*kept.0, &*kept.1, &*kept.2, &*kept.3, &*kept.4), expected);
        assert_eq!((&*kept.5, &*kept.6, kept.7), ("manual:", "ann", 2));
    }

    #[test]
    fn latest_version_matches_the_migration_list() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
    }
}
