//! Activities people log, correct and take back, and the follow-ups they
//! plan, which the next activity answers.
//!
//! A correction never edits a row: it is a new activity that `replaces`
//! the old one, and a retraction is a new row of kind `retracted` whose
//! summary is the reason. Both travel like any activity (appended whole),
//! and every reader that counts activities reads only the live ones
//! ([`live`]), so a replaced original and a retraction count for nothing.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::deals::{get_deal, insert_activity};
use super::engine::{recompute_last_touch, refresh_deals, resegment_and_revisit};
use super::rows::{self, ACTIVITY_COLUMNS};
use super::{
    ActivityRefusal, DealRefusal, ReminderRefusal, Result, Session, Store, StoreError, Writer,
    values,
};
use crate::domain::{Activity, ActivityKind, Correction, Id};
use crate::when::When;

/// The `kind` of a row that takes an activity back.
pub(super) const RETRACTED: &str = "retracted";

/// The condition on `alias` (a row of `activities`) that it still counts:
/// neither a retraction nor replaced by a correction still standing.
/// The index of `replaces` answers the second part.
pub(super) fn live(alias: &str) -> String {
    format!(
        "{alias}.kind <> '{RETRACTED}' AND NOT EXISTS (SELECT 1 FROM activities n
            WHERE n.replaces = {alias}.id AND n.deleted_at IS NULL)"
    )
}

/// What an activity or a follow-up is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Deal(Id),
    /// The account alone, with or without deals.
    Account(Id),
}

/// What a correction changes; what it leaves out stays as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityPatch {
    pub kind: Option<ActivityKind>,
    pub at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
}

impl Session {
    /// The moment a day and an optional time stand for in the user's own
    /// time; a day alone is that day at the current time of day, as an
    /// activity logged now would be.
    pub fn moment_of(&self, when: When) -> DateTime<Utc> {
        let time = when
            .time
            .unwrap_or_else(|| self.now.with_timezone(&self.offset).time());
        when.day
            .and_time(time)
            .and_local_timezone(self.offset)
            .single()
            .map_or(self.now, |at| at.with_timezone(&Utc))
    }

    /// Activities happen up to the end of today, never later.
    fn check_not_future(&self, at: DateTime<Utc>) -> Result<()> {
        if at.with_timezone(&self.offset).date_naive() > self.today {
            return Err(ActivityRefusal::InFuture {
                at: self.local_minute(at),
            }
            .into());
        }
        Ok(())
    }
}

impl Store {
    /// Records an activity on a deal or on an account alone; it answers the
    /// follow-up planned there that is due first, and the engine then closes
    /// the revisit it answers.
    pub fn log_on(
        &mut self,
        on: On,
        kind: ActivityKind,
        summary: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Id> {
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(DealRefusal::EmptySummary.into());
        }
        if let Some(at) = at {
            self.session.check_not_future(at)?;
        }
        self.write(|w| {
            let (deal_id, account_id) = match on {
                On::Deal(id) => (Some(id), get_deal(w.conn(), id)?.account_id),
                On::Account(id) => (None, super::accounts::get_account(w.conn(), id)?.id),
            };
            let activity = Activity {
                // Random, not time-ordered: people type these ids to correct one.
                id: Id::new(),
                deal_id,
                account_id,
                kind,
                at: at.unwrap_or_else(|| w.session.effective_moment()),
                summary: summary.to_string(),
                author: w.session.user.clone(),
                created_at: w.session.now,
            };
            insert_activity(w, &activity)?;
            answer_follow_up(w, &activity)?;
            after_activities_changed(w, &activity)?;
            Ok(activity.id)
        })
    }

    /// Corrects an activity with a new one that replaces it; returns the new id.
    pub fn edit_activity(&mut self, id: Id, patch: ActivityPatch) -> Result<Id> {
        if patch == ActivityPatch::default() {
            return Err(DealRefusal::NothingToChange.into());
        }
        let summary = patch.summary.as_deref().map(str::trim);
        if summary.is_some_and(str::is_empty) {
            return Err(DealRefusal::EmptySummary.into());
        }
        if let Some(at) = patch.at {
            self.session.check_not_future(at)?;
        }
        self.write(|w| {
            let original = standing(w.conn(), id)?;
            let corrected = Activity {
                id: Id::new(),
                kind: patch.kind.unwrap_or(original.kind),
                at: patch.at.unwrap_or(original.at),
                summary: summary.map_or_else(|| original.summary.clone(), str::to_string),
                author: w.session.user.clone(),
                created_at: w.session.now,
                ..original.clone()
            };
            insert_replacing(w, &corrected, corrected.kind.as_str(), original.id)?;
            after_activities_changed(w, &original)?;
            Ok(corrected.id)
        })
    }

    /// Takes an activity back, saying why; it stays in the history.
    pub fn retract_activity(&mut self, id: Id, reason: &str) -> Result<Id> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ActivityRefusal::RetractWithoutReason.into());
        }
        self.write(|w| {
            let original = standing(w.conn(), id)?;
            let retraction = Activity {
                id: Id::new(),
                at: w.session.effective_moment(),
                summary: reason.to_string(),
                author: w.session.user.clone(),
                created_at: w.session.now,
                ..original.clone()
            };
            insert_replacing(w, &retraction, RETRACTED, original.id)?;
            after_activities_changed(w, &original)?;
            Ok(retraction.id)
        })
    }

    /// An activity that still stands, to correct.
    pub fn activity(&self, id: Id) -> Result<Activity> {
        standing(&self.conn, id)
    }

    /// Plans a follow-up on a deal or an account: due on its day, at its
    /// time when it has one. A person's, from the start: it travels to
    /// teammates and the engine never closes it.
    pub fn plan_follow_up(&mut self, on: On, when: When, what: &str) -> Result<Id> {
        let what = what.trim();
        if what.is_empty() {
            return Err(ReminderRefusal::EmptyPlan.into());
        }
        if when.day < self.session.today {
            return Err(ReminderRefusal::PlanBeforeToday {
                on: when.day,
                today: self.session.today,
            }
            .into());
        }
        self.write(|w| {
            let (deal_id, account_id) = match on {
                On::Deal(id) => (Some(get_deal(w.conn(), id)?.id), None),
                On::Account(id) => (None, Some(super::accounts::get_account(w.conn(), id)?.id)),
            };
            let id = Id::new();
            w.conn()
                .prepare_cached(
                    "INSERT INTO reminders (id, deal_id, account_id, kind, due, status, about,
                        created_on, note, created_at, updated_at, updated_by, version)
                     VALUES (?1, ?2, ?3, 'follow_up', ?4, 'open', ?5, ?6, ?7, ?8, ?8, ?9, 1)",
                )?
                .execute(params![
                    id,
                    deal_id,
                    account_id,
                    values::day(when.day),
                    when.time.map(values::time),
                    values::day(w.session.today),
                    what,
                    w.stamp(),
                    w.session.user,
                ])?;
            Ok(id)
        })
    }

    /// The corrections of a deal's activities, oldest first: each with the
    /// original it replaced, for the timeline.
    pub(super) fn corrections_of(&self, deal: Id) -> Result<Vec<Correction>> {
        let columns = ACTIVITY_COLUMNS
            .split(", ")
            .map(|c| format!("o.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, n.id, n.kind = '{RETRACTED}', n.summary, n.at, n.author
             FROM activities n JOIN activities o ON o.id = n.replaces
             WHERE n.deal_id = ?1 AND n.deleted_at IS NULL
             ORDER BY n.at, n.rowid"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let n = ACTIVITY_COLUMNS.split(", ").count();
        let rows = stmt
            .query_map([deal], |r| {
                let retracted: bool = r.get(n + 1)?;
                Ok(Correction {
                    id: r.get(n)?,
                    original: rows::activity(r)?,
                    retracted: retracted.then(|| r.get(n + 2)).transpose()?,
                    at: values::get_moment(r, n + 3)?,
                    author: r.get(n + 4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// The activity `id`, refused when it was corrected or retracted already,
/// or is itself a retraction.
fn standing(conn: &Connection, id: Id) -> Result<Activity> {
    let state: Option<(String, bool)> = conn
        .prepare_cached(
            "SELECT a.kind, EXISTS (SELECT 1 FROM activities n
                                    WHERE n.replaces = a.id AND n.deleted_at IS NULL)
             FROM activities a WHERE a.id = ?1 AND a.deleted_at IS NULL",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match state {
        None => Err(StoreError::NotFound {
            what: "activity",
            given: id.short(),
        }),
        Some((kind, _)) if kind == RETRACTED => {
            Err(ActivityRefusal::IsRetraction { id: id.short() }.into())
        }
        Some((_, true)) => Err(ActivityRefusal::Replaced { id: id.short() }.into()),
        Some(_) => Ok(conn
            .prepare_cached(&format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = ?1"
            ))?
            .query_row([id], rows::activity)?),
    }
}

/// A correction or retraction (`kind`) of `old`, appended whole like any activity.
fn insert_replacing(w: &Writer<'_>, a: &Activity, kind: &str, old: Id) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO activities
                (id, deal_id, account_id, kind, at, summary, author, created_at, replaces)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            a.id,
            a.deal_id,
            a.account_id,
            kind,
            values::moment(a.at),
            a.summary,
            a.author,
            values::moment(a.created_at),
            old,
        ])?;
    Ok(())
}

/// The follow-up an activity answers: of those planned on its deal (or on
/// its account alone, for an activity on the account alone, or on the
/// account for any of its deals) on or before the activity's day, the one
/// due first. One activity answers one plan.
fn answer_follow_up(w: &Writer<'_>, a: &Activity) -> Result<()> {
    let day = values::day(a.at.with_timezone(&w.session.offset).date_naive());
    w.conn()
        .prepare_cached(
            "UPDATE reminders SET status = 'done', closed_on = ?4, updated_at = ?5,
                updated_by = ?6, version = version + 1
             WHERE id = (SELECT id FROM reminders
                         WHERE kind = 'follow_up' AND deleted_at IS NULL
                           AND status IN ('open', 'snoozed') AND created_on <= ?3
                           AND (deal_id = ?1 OR (deal_id IS NULL AND account_id = ?2))
                         ORDER BY due, about, id LIMIT 1)",
        )?
        .execute(params![
            a.deal_id,
            a.account_id,
            day,
            values::day(w.session.today),
            w.stamp(),
            w.session.user,
        ])?;
    Ok(())
}

/// The last touch and grade of the activity's deal, and its account's
/// segments, worked out again after its activities changed.
fn after_activities_changed(w: &Writer<'_>, a: &Activity) -> Result<()> {
    match a.deal_id {
        Some(deal) => {
            recompute_last_touch(w, deal)?;
            refresh_deals(w, &[deal])?;
        }
        None => resegment_and_revisit(w, a.account_id)?,
    }
    Ok(())
}
