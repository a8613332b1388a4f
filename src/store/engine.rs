//! Runs the rules engine over stored deals and writes what it decides:
//! grade changes with their history, and the reminder log.

use std::collections::HashSet;

use chrono::NaiveDate;

use rusqlite::{OptionalExtension, params};

use super::On;
use super::rows::{self, DEAL_COLUMN_COUNT, DEAL_COLUMNS, REMINDER_COLUMNS};
use super::segments::{resegment_account, resegment_all};
use super::values::{self, get_opt_day};
use super::{Result, SETTING_ENGINE_DAY, Store, Writer, set_setting, setting};
use crate::domain::{Deal, Grade, HistoryField, Id, IdMap, Reason, Reminder, ValueTier};
use crate::rules::{self, ReminderOp};

/// Recomputes a deal's `last_touch` from its rows: the latest activity (as a
/// day in the user's own calendar), or a revisit a person closed by hand
/// (skipping a revisit restarts the cadence just as a call does).
pub(super) fn recompute_last_touch(w: &Writer<'_>, deal: Id) -> Result<()> {
    let conn = w.conn();
    let activity_day = conn
        .prepare_cached(&format!(
            "SELECT max(a.at) FROM activities a WHERE a.deal_id = ?1 AND a.deleted_at IS NULL AND {}",
            super::activities::live("a")
        ))?
        .query_row([deal], |r| {
            values::get_opt_local_day(r, 0, w.session.offset)
        })?;
    let closed_day = conn
        .prepare_cached(
            "SELECT max(closed_on) FROM reminders
             WHERE deal_id = ?1 AND kind = 'revisit' AND deleted_at IS NULL
               AND status IN ('done', 'dismissed') AND note LIKE 'manual:%'",
        )?
        .query_row([deal], |r| get_opt_day(r, 0))?;
    conn.prepare_cached("UPDATE deals SET last_activity = ?2, last_touch = ?3 WHERE id = ?1")?
        .execute(params![
            deal,
            activity_day.map(values::day),
            activity_day.max(closed_day).map(values::day)
        ])?;
    Ok(())
}

/// One grade the engine changed, as `regrade` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeChangeRow {
    pub deal_id: Id,
    pub title: String,
    pub from: Grade,
    pub to: Grade,
    pub reason: Reason,
}

impl Store {
    /// Brings every deal up to date for the effective date, unless that was
    /// already done for this date: every write since then re-ran the engine
    /// for the deals it touched, so nothing can be out of date.
    pub fn refresh(&mut self) -> Result<()> {
        if self.is_current()? {
            return Ok(());
        }
        self.regrade().map(drop)
    }

    /// Whether every deal is graded for the effective date and the rules, so
    /// that [`Store::refresh`] has nothing to do.
    pub fn is_current(&self) -> Result<bool> {
        let done_for = engine_key(&self.session, &self.rules);
        Ok(setting(&self.conn, SETTING_ENGINE_DAY)?.as_deref() == Some(done_for.as_str()))
    }

    /// Runs the engine over every deal and returns the grade changes it made.
    pub fn regrade(&mut self) -> Result<Vec<GradeChangeRow>> {
        self.write(|w| {
            let changes = run(w, Scope::All)?;
            mark_current(w)?;
            Ok(changes)
        })
    }
}

/// What a full run was made for: the date and the rules, so that a changed
/// rules file re-grades at once instead of tomorrow.
fn engine_key(session: &super::Session, rules: &crate::rules::Rules) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    format!("{rules:?}").hash(&mut hasher);
    format!("{}|{:016x}", values::day(session.today), hasher.finish())
}

/// Counts today as a touch of the deal, in the user's own calendar; an
/// activity also counts as activity (a revisit closed by hand does not).
pub(super) fn touch_today(w: &Writer<'_>, deal: Id, by_activity: bool) -> Result<()> {
    let today = values::day(w.session.today);
    w.conn()
        .prepare_cached(
            "UPDATE deals SET last_touch = max(coalesce(last_touch, ''), ?2),
                last_activity = CASE WHEN ?3 THEN max(coalesce(last_activity, ''), ?2)
                                     ELSE last_activity END
             WHERE id = ?1",
        )?
        .execute(params![deal, today, by_activity])?;
    Ok(())
}

/// Records that every deal is now current for this date and these rules.
pub(super) fn mark_current(w: &Writer<'_>) -> Result<()> {
    set_setting(
        w.conn(),
        SETTING_ENGINE_DAY,
        &engine_key(w.session, w.rules),
    )
}

/// Re-runs the engine for deals a write just touched, in the same transaction.
pub(super) fn refresh_deals(w: &Writer<'_>, ids: &[Id]) -> Result<Vec<GradeChangeRow>> {
    let mut changes = Vec::new();
    for id in ids {
        changes.extend(run(w, Scope::Deal(*id))?);
    }
    Ok(changes)
}

#[derive(Clone, Copy)]
pub(super) enum Scope {
    All,
    Deal(Id),
}

pub(super) fn run(w: &Writer<'_>, scope: Scope) -> Result<Vec<GradeChangeRow>> {
    let conn = w.conn();
    if matches!(scope, Scope::All) {
        undo_the_future(w)?;
        wake_follow_ups(w)?;
    }
    // Follow-ups are people's, never the engine's to close or withdraw.
    let relevant_reminders = "r.deleted_at IS NULL AND r.deal_id IS NOT NULL
        AND r.kind <> 'follow_up'
        AND (r.status IN ('open', 'snoozed') OR r.kind IN ('close_soon', 'slipped'))";
    let mut reminders: IdMap<Vec<Reminder>> = IdMap::default();
    let mut keep = |r: Reminder| {
        if let Some(deal) = r.deal_id {
            file_under(&mut reminders, deal, r);
        }
    };
    let one_deal = format!(
        "SELECT {DEAL_COLUMNS}, d.last_touch, d.next_revisit FROM deals d
         WHERE d.id = ?1 AND d.deleted_at IS NULL"
    );
    let read = |row: &rusqlite::Row<'_>| {
        Ok((
            rows::deal(row)?,
            get_opt_day(row, DEAL_COLUMN_COUNT)?,
            get_opt_day(row, DEAL_COLUMN_COUNT + 1)?,
        ))
    };

    // Every deal is worked out as it is read and only what changes is kept:
    // a full pass at 100,000 accounts then holds a few thousand small plans,
    // not every open deal.
    let today = w.session.today;
    let mut plans: Vec<Plan> = Vec::new();
    let mut plan =
        |(deal, last_activity, stored_revisit): (Deal, Option<NaiveDate>, Option<NaiveDate>),
         own: Vec<Reminder>| {
            let eval = rules::evaluate(&deal, last_activity, &own, w.rules, today);
            // Kept for the week ahead, which lists revisits before they open.
            let revisit = (eval.next_revisit != stored_revisit).then_some(eval.next_revisit);
            if revisit.is_some() || eval.grade_change.is_some() || !eval.reminder_ops.is_empty() {
                plans.push(Plan {
                    deal: deal.id,
                    title: eval.grade_change.as_ref().map(|_| deal.title),
                    revisit,
                    grade_change: eval.grade_change,
                    reminder_ops: eval.reminder_ops,
                });
            }
        };
    match scope {
        Scope::Deal(id) => {
            let sql = format!(
                "SELECT {REMINDER_COLUMNS} FROM reminders r WHERE r.deal_id = ?1 AND {relevant_reminders}"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            for r in stmt.query_map([id], rows::reminder)? {
                keep(r?);
            }
            if let Some(row) = conn
                .prepare_cached(&one_deal)?
                .query_row([id], read)
                .optional()?
            {
                plan(row, reminders.remove(&id).unwrap_or_default());
            }
        }
        Scope::All => {
            let sql =
                format!("SELECT {REMINDER_COLUMNS} FROM reminders r WHERE {relevant_reminders}");
            let mut stmt = conn.prepare(&sql)?;
            for r in stmt.query_map([], rows::reminder)? {
                keep(r?);
            }
            // A plain table scan: every open deal is wanted, so no index helps.
            let sql = format!(
                "SELECT {DEAL_COLUMNS}, d.last_touch, d.next_revisit FROM deals d NOT INDEXED
                 WHERE d.deleted_at IS NULL AND (d.stage NOT IN ('won', 'lost')
                    OR (d.stage = 'lost' AND d.grade <> 'E' AND d.pinned_grade IS NULL))"
            );
            let mut stmt = conn.prepare(&sql)?;
            for row in stmt.query_map([], read)? {
                let row = row?;
                let own = reminders.remove(&row.0.id).unwrap_or_default();
                plan(row, own);
            }
            // Closed deals still holding reminders (from a merge, say) are rare:
            // fetch them one by one rather than probe for them in every row.
            let mut stmt = conn.prepare_cached(&one_deal)?;
            for (id, held) in reminders {
                if held.iter().any(|r| r.status.is_pending())
                    && let Some(row) = stmt.query_row([id], read).optional()?
                {
                    plan(row, held);
                }
            }
        }
    }

    // In id order, the writes below walk the id-keyed indexes (deals by id,
    // history and reminders by deal) front to back instead of at random.
    plans.sort_unstable_by_key(|p| p.deal);
    let mut changes = Vec::new();
    for p in plans {
        let grade = p.grade_change.as_ref().map(|change| change.to);
        set_grade_and_revisit(w, p.deal, grade, p.revisit)?;
        if let Some(change) = p.grade_change {
            w.history(
                p.deal,
                HistoryField::Grade,
                change.from.as_str(),
                change.to.as_str(),
                change.reason.clone(),
            )?;
            changes.push(GradeChangeRow {
                deal_id: p.deal,
                title: p.title.unwrap_or_default(),
                from: change.from,
                to: change.to,
                reason: change.reason,
            });
        }
        for op in p.reminder_ops {
            apply(w, On::Deal(p.deal), op)?;
        }
    }
    match scope {
        Scope::All => {
            resegment_all(w)?;
            account_revisits(w, None)?;
        }
        Scope::Deal(id) => {
            let account: Option<Id> = conn
                .prepare_cached("SELECT account_id FROM deals WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if let Some(account) = account {
                resegment_and_revisit(w, account)?;
            }
        }
    }
    Ok(changes)
}

/// What the engine will write for one deal.
struct Plan {
    deal: Id,
    /// The deal's title, for the list of grade changes.
    title: Option<String>,
    revisit: Option<Option<NaiveDate>>,
    grade_change: Option<rules::GradeChange>,
    reminder_ops: Vec<ReminderOp>,
}

/// Takes back what the engine did on a later day than today, for someone
/// who planned ahead with `--today` and came back: what people did stands,
/// but the engine's closes of that day have not happened yet, and a snooze
/// it woke on that day is asleep again, and what it opened that day and
/// nobody acted on is withdrawn, as the rules would withdraw it. A pending reminder
/// whose version moved on was snoozed by someone: the only action of a
/// person's that leaves one pending.
/// A follow-up is people's work from the start: never withdrawn or reopened
/// here, only put back to sleep like any snooze.
fn undo_the_future(w: &Writer<'_>) -> Result<()> {
    let today = values::day(w.session.today);
    let conn = w.conn();
    conn.prepare_cached(
        "UPDATE reminders SET deleted_at = ?2
         WHERE created_on > ?1 AND deleted_at IS NULL AND version = 1 AND kind <> 'follow_up'",
    )?
    .execute(params![today, w.stamp()])?;
    // One pending reminder of a kind per deal: where two closes of that
    // day would both reopen, one does.
    conn.prepare_cached(
        "UPDATE OR IGNORE reminders
         SET status = CASE WHEN version > 1 THEN 'snoozed' ELSE 'open' END,
             closed_on = NULL, note = ''
         WHERE closed_on > ?1 AND deleted_at IS NULL AND status IN ('done', 'dismissed')
           AND note NOT LIKE 'manual:%' AND created_on <= ?1 AND kind <> 'follow_up'",
    )?
    .execute([&today])?;
    conn.prepare_cached(
        "UPDATE OR IGNORE reminders SET status = 'snoozed'
         WHERE status = 'open' AND version > 1 AND due > ?1 AND deleted_at IS NULL",
    )?
    .execute([&today])?;
    // The engine may also have moved a woken snooze's date: the person's
    // own last word on it, in the log, says until when it sleeps.
    conn.prepare_cached(
        "UPDATE OR IGNORE reminders
         SET status = 'snoozed', due = json_extract(last.value, '$.due')
         FROM (SELECT r.id AS id,
                      (SELECT o.value FROM ops o WHERE o.row_id = r.id AND o.field = ''
                       ORDER BY o.hlc DESC, o.replica DESC, o.seq DESC LIMIT 1) AS value
               FROM reminders r
               WHERE r.status IN ('open', 'snoozed') AND r.version > 1
                 AND r.deleted_at IS NULL) AS last
         WHERE reminders.id = last.id
           AND json_extract(last.value, '$.status') = 'snoozed'
           AND json_extract(last.value, '$.due') > ?1
           AND (reminders.status, reminders.due) IS NOT ('snoozed', json_extract(last.value, '$.due'))",
    )?
    .execute([&today])?;
    Ok(())
}

/// A snoozed follow-up whose day has come is open again. The engine wakes
/// the reminders of its rules itself; follow-ups are none of its rules'.
fn wake_follow_ups(w: &Writer<'_>) -> Result<()> {
    w.conn()
        .prepare_cached(
            "UPDATE OR IGNORE reminders SET status = 'open'
             WHERE kind = 'follow_up' AND status = 'snoozed' AND due <= ?1 AND deleted_at IS NULL",
        )?
        .execute([values::day(w.session.today)])?;
    Ok(())
}

/// The engine's own writes leave version and updated_at alone, like the
/// segments: they are worked out from the row, not edits of it, so they
/// neither refuse a form's save nor outweigh a person's edit in a merge
/// (which runs the engine again afterwards). One statement per deal, naming
/// only the columns that change: SQLite then rewrites the row once and only
/// the indexes that hold those columns (four hold the grade, one the revisit).
fn set_grade_and_revisit(
    w: &Writer<'_>,
    deal: Id,
    grade: Option<Grade>,
    revisit: Option<Option<NaiveDate>>,
) -> Result<()> {
    let conn = w.conn();
    match (grade, revisit) {
        (None, None) => return Ok(()),
        (Some(grade), None) => conn
            .prepare_cached("UPDATE deals SET grade = ?2 WHERE id = ?1")?
            .execute(params![deal, grade])?,
        (None, Some(revisit)) => conn
            .prepare_cached("UPDATE deals SET next_revisit = ?2 WHERE id = ?1")?
            .execute(params![deal, revisit.map(values::day)])?,
        (Some(grade), Some(revisit)) => conn
            .prepare_cached("UPDATE deals SET grade = ?2, next_revisit = ?3 WHERE id = ?1")?
            .execute(params![deal, grade, revisit.map(values::day)])?,
    };
    Ok(())
}

/// The id the engine gives the reminder it opens: derived from what it is
/// about, so that every replica opens the same one.
pub(super) fn reminder_id(
    deal: Id,
    kind: crate::domain::ReminderKind,
    due: chrono::NaiveDate,
    about: Option<chrono::NaiveDate>,
) -> Id {
    Id::derived(&[
        "reminder",
        &deal.0.to_string(),
        kind.as_str(),
        &values::day(due),
        &about.map(values::day).unwrap_or_default(),
    ])
}

/// An account's segments and its revisit after the sale worked out again
/// after a write that touched it; a new tier boundary may move other
/// customers' revisits too.
pub(super) fn resegment_and_revisit(w: &Writer<'_>, account: Id) -> Result<()> {
    let everyone = resegment_account(w, account)?;
    account_revisits(w, (!everyone).then_some(account))
}

/// Opens, answers and moves the revisits of customers after the sale
/// (SPEC §2.2), of one account or of all: derived like a deal's revisits,
/// never exchanged (what a person does with one is). Three reads whatever
/// the number of accounts: the customers, their pending revisits, and the
/// revisits closed by hand, which count as a touch.
pub(super) fn account_revisits(w: &Writer<'_>, account: Option<Id>) -> Result<()> {
    let conn = w.conn();
    let one = if account.is_some() {
        " AND a.id = ?1"
    } else {
        ""
    };
    let mine = if account.is_some() {
        " AND r.account_id = ?1"
    } else {
        ""
    };
    let args: Vec<Id> = account.into_iter().collect();
    let mut held: IdMap<Vec<Reminder>> = IdMap::default();
    let sql = format!(
        "SELECT {REMINDER_COLUMNS} FROM reminders r
         WHERE r.account_id IS NOT NULL AND r.deal_id IS NULL AND r.kind = 'revisit'
           AND r.deleted_at IS NULL AND r.status IN ('open', 'snoozed'){mine}"
    );
    for r in conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(&args), rows::reminder)?
    {
        let r = r?;
        if let Some(of) = r.account_id {
            file_under(&mut held, of, r);
        }
    }
    let mut by_hand: IdMap<NaiveDate> = IdMap::default();
    let sql = format!(
        "SELECT r.account_id, max(r.closed_on) FROM reminders r
         WHERE r.account_id IS NOT NULL AND r.deal_id IS NULL AND r.kind = 'revisit'
           AND r.deleted_at IS NULL AND r.status IN ('done', 'dismissed')
           AND r.note LIKE 'manual:%'{mine} GROUP BY r.account_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(&args))?;
    while let Some(row) = rows.next()? {
        if let Some(day) = get_opt_day(row, 1)? {
            by_hand.insert(row.get(0)?, day);
        }
    }
    // Customers have a value tier; an account that lost its tier may still
    // hold a revisit to dismiss.
    let sql = format!(
        "SELECT a.id, a.value_tier, a.quiet_since FROM accounts a
         WHERE a.deleted_at IS NULL AND a.value_tier IS NOT NULL{one}"
    );
    let mut customers: Vec<(Id, Option<ValueTier>, Option<NaiveDate>)> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(&args), |r| {
            Ok((r.get(0)?, r.get(1)?, get_opt_day(r, 2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let listed: HashSet<Id> = customers.iter().map(|(id, _, _)| *id).collect();
    customers.extend(
        held.keys()
            .filter(|id| !listed.contains(*id))
            .map(|id| (*id, None, None)),
    );
    let today = w.session.today;
    for (id, tier, quiet_since) in customers {
        let own = held.remove(&id).unwrap_or_default();
        // Before its first segment pass an account has no day to count from.
        let Some(since) = quiet_since.or_else(|| own.first().map(|r| r.created_on)) else {
            continue;
        };
        let last_touch = by_hand.get(&id).map_or(since, |day| since.max(*day));
        let (_, ops) = rules::account_revisit(tier, last_touch, &own, w.rules, today);
        for op in ops {
            apply(w, On::Account(id), op)?;
        }
    }
    Ok(())
}

/// Files a reminder under its deal or account. Most hold one or two: a list
/// that starts with room for one, not the four Rust gives a first push,
/// keeps a full pass at 100,000 accounts some 25 MB smaller.
fn file_under(held: &mut IdMap<Vec<Reminder>>, of: Id, r: Reminder) {
    held.entry(of)
        .or_insert_with(|| Vec::with_capacity(1))
        .push(r);
}

fn apply(w: &Writer<'_>, on: On, op: ReminderOp) -> Result<()> {
    let conn = w.conn();
    let today = values::day(w.session.today);
    let (deal_id, account_id, of) = match on {
        On::Deal(id) => (Some(id), None, id),
        On::Account(id) => (None, Some(id), id),
    };
    match op {
        ReminderOp::Open { kind, due, about } => {
            let meta = w.new_meta();
            let id = reminder_id(of, kind, due, about);
            // One withdrawn before (planned ahead, then come back) opens
            // again, and so does one the engine itself closed: the rules ask
            // for it again only when the deal is as it was.
            conn.prepare_cached(
                "INSERT INTO reminders (id, deal_id, account_id, kind, due, status, about,
                    created_on, created_at, updated_at, updated_by, version)
                 VALUES (?1, ?2, ?9, ?3, ?4, 'open', ?5, ?6, ?7, ?7, ?8, 1)
                 ON CONFLICT(id) DO UPDATE SET status = 'open', deleted_at = NULL,
                    closed_on = NULL, note = '', created_on = excluded.created_on
                 WHERE reminders.deleted_at IS NOT NULL
                    OR (reminders.status IN ('done', 'dismissed')
                        AND reminders.note NOT LIKE 'manual:%')",
            )?
            .execute(params![
                id,
                deal_id,
                kind,
                values::day(due),
                about.map(values::day),
                today,
                values::moment(meta.created_at),
                meta.updated_by,
                account_id,
            ])?;
        }
        ReminderOp::Close { id, status, note } => {
            conn.prepare_cached(
                "UPDATE reminders SET status = ?2, closed_on = ?3, note = ?4 WHERE id = ?1",
            )?
            .execute(params![id, status, today, note])?;
        }
        ReminderOp::Reschedule { id, due } => {
            conn.prepare_cached("UPDATE reminders SET due = ?2 WHERE id = ?1")?
                .execute(params![id, values::day(due)])?;
        }
        ReminderOp::Retract { id } => {
            conn.prepare_cached("UPDATE reminders SET deleted_at = ?2 WHERE id = ?1")?
                .execute(params![id, w.stamp()])?;
        }
        ReminderOp::Wake { id } => {
            conn.prepare_cached("UPDATE reminders SET status = 'open' WHERE id = ?1")?
                .execute(params![id])?;
        }
    }
    Ok(())
}
