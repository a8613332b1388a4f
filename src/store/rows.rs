//! Column lists and row readers, kept side by side so they cannot drift.

use rusqlite::Row;

use super::values::{get_day, get_moment, get_opt_day, get_opt_moment, get_opt_time};
use crate::domain::{
    Account, Activity, Contact, Deal, HistoryEntry, Pin, Reminder, ReminderKind, RowMeta,
};

fn meta(row: &Row<'_>, first: usize) -> rusqlite::Result<RowMeta> {
    Ok(RowMeta {
        created_at: get_moment(row, first)?,
        updated_at: get_moment(row, first + 1)?,
        updated_by: row.get(first + 2)?,
        version: row.get(first + 3)?,
        deleted_at: get_opt_moment(row, first + 4)?,
    })
}

pub const ACCOUNT_COLUMNS: &str = "id, name, kind, industry, region, channel, product_tier, \
     satisfaction, owner, notes, created_at, updated_at, updated_by, version, deleted_at, source_id";

pub const ACCOUNT_COLUMN_COUNT: usize = 16;

pub fn account(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: row.get(2)?,
        industry: row.get(3)?,
        region: row.get(4)?,
        channel: row.get(5)?,
        product_tier: row.get(6)?,
        satisfaction: row.get(7)?,
        owner: row.get(8)?,
        notes: row.get(9)?,
        meta: meta(row, 10)?,
        source_id: row.get(15)?,
    })
}

pub const CONTACT_COLUMNS: &str = "id, account_id, name, title, phone, email, other, notes, \
     created_at, updated_at, updated_by, version, deleted_at, source_id";
/// How many columns [`contact`] reads, so joins can append their own after it.
pub const CONTACT_COLUMN_COUNT: usize = 14;

pub fn contact(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        title: row.get(3)?,
        phone: row.get(4)?,
        email: row.get(5)?,
        other: row.get(6)?,
        notes: row.get(7)?,
        meta: meta(row, 8)?,
        source_id: row.get(13)?,
    })
}

/// Deal columns qualified with the alias `d`, for joins.
pub const DEAL_COLUMNS: &str = "d.id, d.account_id, d.title, d.amount_minor, d.stage, d.need, \
     d.expected_close, d.grade, d.pinned_grade, d.pin_reason, d.owner, d.created_on, \
     d.stage_entered_on, d.closed_on, d.lost_reason, d.created_at, d.updated_at, d.updated_by, \
     d.version, d.deleted_at, d.currency, d.contact_id, d.source, d.next_step, d.notes, d.source_id";
/// How many columns [`deal`] reads, so joins can append their own after it.
pub const DEAL_COLUMN_COUNT: usize = 26;

pub fn deal(row: &Row<'_>) -> rusqlite::Result<Deal> {
    let pinned: Option<crate::domain::Grade> = row.get(8)?;
    let pin_reason: Option<String> = row.get(9)?;
    Ok(Deal {
        id: row.get(0)?,
        account_id: row.get(1)?,
        title: row.get(2)?,
        amount: row.get(3)?,
        stage: row.get(4)?,
        need: row.get(5)?,
        expected_close: get_opt_day(row, 6)?,
        grade: row.get(7)?,
        pin: pinned.map(|grade| Pin {
            grade,
            reason: pin_reason.unwrap_or_default(),
        }),
        owner: row.get(10)?,
        created_on: get_day(row, 11)?,
        stage_entered_on: get_day(row, 12)?,
        closed_on: get_opt_day(row, 13)?,
        lost_reason: row.get(14)?,
        meta: meta(row, 15)?,
        currency: row.get(20)?,
        contact_id: row.get(21)?,
        source: row.get(22)?,
        next_step: row.get(23)?,
        notes: row.get(24)?,
        source_id: row.get(25)?,
    })
}

pub const ACTIVITY_COLUMNS: &str =
    "id, deal_id, account_id, kind, at, summary, author, created_at, deleted_at";

pub fn activity(row: &Row<'_>) -> rusqlite::Result<Activity> {
    Ok(Activity {
        id: row.get(0)?,
        deal_id: row.get(1)?,
        account_id: row.get(2)?,
        kind: row.get(3)?,
        at: get_moment(row, 4)?,
        summary: row.get(5)?,
        author: row.get(6)?,
        created_at: get_moment(row, 7)?,
    })
}

pub const HISTORY_COLUMNS: &str = "id, deal_id, field, at, old, new, reason, author";

pub fn history(row: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: row.get(0)?,
        deal_id: row.get(1)?,
        field: row.get(2)?,
        at: get_moment(row, 3)?,
        old: row.get(4)?,
        new: row.get(5)?,
        reason: row.get(6)?,
        author: row.get(7)?,
    })
}

pub const REMINDER_COLUMNS: &str = "r.id, r.deal_id, r.kind, r.due, r.status, r.about, \
     r.created_on, r.closed_on, r.note, r.created_at, r.updated_at, r.updated_by, r.version, \
     r.deleted_at, r.account_id";
pub const REMINDER_COLUMN_COUNT: usize = 15;

pub fn reminder(row: &Row<'_>) -> rusqlite::Result<Reminder> {
    let kind: ReminderKind = row.get(2)?;
    // A follow-up keeps the time of day it was planned for where the
    // engine's reminders keep the close date they are about.
    let (about, time) = if kind == ReminderKind::FollowUp {
        (None, get_opt_time(row, 5)?)
    } else {
        (get_opt_day(row, 5)?, None)
    };
    Ok(Reminder {
        id: row.get(0)?,
        deal_id: row.get(1)?,
        account_id: row.get(14)?,
        kind,
        due: get_day(row, 3)?,
        status: row.get(4)?,
        about,
        time,
        created_on: get_day(row, 6)?,
        closed_on: get_opt_day(row, 7)?,
        note: row.get(8)?,
        meta: meta(row, 9)?,
    })
}
