use chrono::{Days, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::ReminderRefusal;
use super::filter::Conditions;
use super::rows::{self, REMINDER_COLUMN_COUNT, REMINDER_COLUMNS};
use super::{Result, Store, StoreError, Writer, values};
use crate::domain::{
    CLOSED_BY_HAND, Currency, Grade, Id, Money, Reminder, ReminderKind, ReminderStatus, ValueTier,
};
use crate::query::Query;

/// Which pending reminders to list, relative to the effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DueFilter {
    /// Due before today.
    Overdue,
    /// Due today or before: what must be done today.
    Today,
    /// Due within the next seven days, overdue ones included.
    Week,
    /// Every open or snoozed reminder.
    All,
}

/// A reminder with what a person needs to act on it.
#[derive(Debug, Clone)]
pub struct ReminderRow {
    pub reminder: Reminder,
    /// Empty for an account's own reminder, which has no deal.
    pub deal_title: String,
    pub account: String,
    /// The deal's; none for an account's own reminder.
    pub grade: Option<Grade>,
    pub amount: Option<Money>,
    /// The deal's owner, or the account's for its own reminders.
    pub owner: String,
    /// The currency of the deal's amount.
    pub currency: Option<Currency>,
}

/// What a reminder list can be sorted by; the due day, the grade, the
/// deal's title and the id break ties, in that order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReminderSort {
    #[default]
    Due,
    Grade,
    Amount,
    Account,
    Title,
}

/// The order and length of a reminder list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReminderOrder {
    pub sort: ReminderSort,
    pub descending: bool,
    pub limit: Option<usize>,
}

/// A window of the agenda, optionally filtered by text.
#[derive(Debug, Clone, Default)]
pub struct ReminderPage {
    /// Segment terms, and text found in the deal's title or its account.
    pub query: Query,
    pub offset: usize,
    pub limit: usize,
}

impl Store {
    pub fn reminders(&self, due: DueFilter, owner: Option<&str>) -> Result<Vec<ReminderRow>> {
        self.query_reminders(due, owner, None, ReminderOrder::default())
    }

    /// [`Store::reminders`] in another order, or fewer of them.
    pub fn reminders_in_order(
        &self,
        due: DueFilter,
        owner: Option<&str>,
        order: ReminderOrder,
    ) -> Result<Vec<ReminderRow>> {
        self.query_reminders(due, owner, None, order)
    }

    /// A window of [`Store::reminders`], for views that show only what fits,
    /// read straight off the due-date index; `text` is found in the deal's
    /// title or the account's name.
    pub fn reminders_page(&self, due: DueFilter, page: &ReminderPage) -> Result<Vec<ReminderRow>> {
        self.query_reminders(due, None, Some(page), ReminderOrder::default())
    }

    /// Open reminders due before today, and due today.
    pub fn due_counts(&self) -> Result<(usize, usize)> {
        let (overdue, today): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(due < ?1), 0), coalesce(sum(due = ?1), 0) FROM reminders
             WHERE deleted_at IS NULL AND status = 'open' AND due <= ?1",
            [values::day(self.session.today)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            usize::try_from(overdue).unwrap_or(0),
            usize::try_from(today).unwrap_or(0),
        ))
    }

    /// The statuses and the last due day a filter lists.
    fn due_bounds(&self, due: DueFilter) -> (&'static str, Option<NaiveDate>) {
        let today = self.session.today;
        match due {
            DueFilter::Overdue => ("('open')", today.pred_opt()),
            DueFilter::Today => ("('open')", Some(today)),
            DueFilter::Week => ("('open')", today.checked_add_days(Days::new(7))),
            DueFilter::All => ("('open', 'snoozed')", None),
        }
    }

    /// Open reminders due after today and at most `days` days later, and
    /// the revisits that will come due by then: with [`Store::due_counts`],
    /// the length of the agenda, read off the indexes alone.
    pub fn count_upcoming(&self, days: u64) -> Result<usize> {
        let today = self.session.today;
        let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
        let open: i64 = self.conn.query_row(
            "SELECT count(*) FROM reminders
             WHERE deleted_at IS NULL AND status = 'open' AND due > ?1 AND due <= ?2",
            params![values::day(today), values::day(until)],
            |r| r.get(0),
        )?;
        let mut coming: i64 = 0;
        for c in [
            self.coming_revisits(Some(until), true),
            self.coming_account_revisits(Some(until), true),
        ]
        .into_iter()
        .flatten()
        {
            let n: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM ({})", c.sql),
                params_from_iter(c.args),
                |r| r.get(0),
            )?;
            coming += n;
        }
        Ok(usize::try_from(open + coming).unwrap_or(0))
    }

    /// Of one deal's open reminders, how many are due before today and today.
    pub fn due_counts_of(&self, deal: Id) -> Result<(usize, usize)> {
        let (overdue, today): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(due < ?2), 0), coalesce(sum(due = ?2), 0) FROM reminders
             WHERE deal_id = ?1 AND deleted_at IS NULL AND status = 'open' AND due <= ?2",
            params![deal, values::day(self.session.today)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            usize::try_from(overdue).unwrap_or(0),
            usize::try_from(today).unwrap_or(0),
        ))
    }

    fn query_reminders(
        &self,
        due: DueFilter,
        owner: Option<&str>,
        page: Option<&ReminderPage>,
        order: ReminderOrder,
    ) -> Result<Vec<ReminderRow>> {
        let (status, until) = self.due_bounds(due);
        // What narrows the deals, the same for the reminders and for the
        // revisits still to come.
        let mut deals = Conditions::default();
        if let Some(owner) = owner {
            deals.sql.push_str(" AND coalesce(d.owner, a.owner) = ?");
            deals.args.push(Value::Text(owner.to_string()));
        }
        if let Some(page) = page {
            self.deal_terms(&page.query, &mut deals)?;
            if let Some(pattern) = self.find_text(Some(&page.query.text))? {
                // `a` is the reminder's account, its own or its deal's.
                deals.sql.push_str(
                    " AND (d.title LIKE ? ESCAPE '\\'
                       OR a.id IN (SELECT account_id FROM temp.filter_hits))",
                );
                deals.args.push(Value::Text(pattern));
            }
        }
        let mut args = Vec::new();
        // The pending statuses spelled out, as the due-date index's own
        // condition is, so that SQLite reads the page off that index.
        let mut sql = format!(
            "SELECT {REMINDER_COLUMNS}, coalesce(d.title, ''), a.name, d.grade, d.amount_minor,
                    coalesce(d.owner, a.owner), d.currency
             FROM reminders r
             LEFT JOIN deals d ON d.id = r.deal_id
             JOIN accounts a ON a.id = coalesce(r.account_id, d.account_id)
             WHERE r.deleted_at IS NULL AND r.status IN ('open', 'snoozed') AND r.status IN {status}
               AND (r.deal_id IS NULL OR d.deleted_at IS NULL) AND a.deleted_at IS NULL"
        );
        if let Some(until) = until {
            sql.push_str(" AND r.due <= ?");
            args.push(Value::Text(values::day(until)));
        }
        sql.push_str(&deals.sql);
        args.extend(deals.args.iter().cloned());
        let limit = page
            .map(|p| p.limit)
            .or(order.limit)
            .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let offset = page.map_or(0, |p| i64::try_from(p.offset).unwrap_or(i64::MAX));
        if due == DueFilter::Week {
            for coming in [
                self.coming_revisits(until, false),
                self.coming_account_revisits(until, false),
            ]
            .into_iter()
            .flatten()
            {
                sql.push_str(" UNION ALL ");
                sql.push_str(&coming.sql);
                args.extend(coming.args);
                sql.push_str(&deals.sql);
                args.extend(deals.args.iter().cloned());
            }
        }
        // By result column, as a compound query needs: 4 the due day, 16 the
        // deal's title, 17 the account, 18 the grade, 19 the amount, 1 the id.
        let first = match order.sort {
            ReminderSort::Due => None,
            ReminderSort::Grade => Some("18"),
            ReminderSort::Amount => Some("19"),
            ReminderSort::Account => Some("17"),
            ReminderSort::Title => Some("16"),
        };
        let direction = if order.descending { " DESC" } else { "" };
        let keys: Vec<String> = first
            .into_iter()
            .chain(["4", "18", "16", "1"])
            .map(|key| format!("{key}{direction}"))
            .collect();
        sql.push_str(&format!(" ORDER BY {} LIMIT ? OFFSET ?", keys.join(", ")));
        args.push(Value::Integer(limit));
        args.push(Value::Integer(offset));
        let mut stmt = self.conn.prepare(&sql)?;
        let n = REMINDER_COLUMN_COUNT;
        let rows = stmt
            .query_map(params_from_iter(args), |row| {
                Ok(ReminderRow {
                    reminder: rows::reminder(row)?,
                    deal_title: row.get(n)?,
                    account: row.get(n + 1)?,
                    grade: row.get(n + 2)?,
                    amount: row.get(n + 3)?,
                    owner: row.get(n + 4)?,
                    currency: row.get(n + 5)?,
                })
            })?
            .map(|row| {
                row.map(|mut row| {
                    let r = &mut row.reminder;
                    // Listed ahead under the id it will open with.
                    if r.status == ReminderStatus::Upcoming
                        && let Some(of) = r.deal_id.or(r.account_id)
                    {
                        r.id = super::engine::reminder_id(of, r.kind, r.due, None);
                    }
                    row
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The revisits that come due after today and by `until`, of open deals
    /// with none pending: each opens on its day, and the week ahead lists it
    /// before, in due order off the index of next revisits. The columns are
    /// those of a reminder row, the deal's id standing in for the reminder's,
    /// or a bare row to count.
    fn coming_revisits(&self, until: Option<NaiveDate>, counting: bool) -> Option<Conditions> {
        let until = until?;
        let today = values::day(self.session.today);
        let mut args = Vec::new();
        let columns = if counting {
            "SELECT 1 FROM deals d"
        } else {
            args.push(today.clone());
            "SELECT d.id, d.id, 'revisit', d.next_revisit, 'upcoming', NULL, ?, NULL, '',
                d.created_at, d.updated_at, d.updated_by, d.version, NULL, NULL,
                d.title, a.name, d.grade, d.amount_minor, d.owner, d.currency
             FROM deals d
             JOIN accounts a ON a.id = d.account_id"
        };
        let sql = format!(
            "{columns}
             WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost')
               AND d.next_revisit > ? AND d.next_revisit <= ?
               AND NOT EXISTS (SELECT 1 FROM reminders p
                               WHERE p.deal_id = d.id AND p.kind = 'revisit'
                                 AND p.deleted_at IS NULL AND p.status IN ('open', 'snoozed'))"
        );
        args.extend([today, values::day(until)]);
        Some(Conditions {
            sql,
            args: args.into_iter().map(Value::Text).collect(),
        })
    }

    /// The reminder a typed id (a unique prefix) names. An id of a revisit
    /// still to come, as the week ahead lists it, is refused as not due yet,
    /// with its day: it has no row until it opens.
    pub fn resolve_reminder(&self, input: &str) -> Result<Id> {
        let missing = match self.resolve(super::Table::Reminders, input) {
            Err(missing @ StoreError::NoSuchId { .. }) => missing,
            found => return found,
        };
        let prefix = input.trim().to_ascii_lowercase();
        // Only the open deals waiting for their next revisit can hold one;
        // a miss is rare, so working out their ids here costs nothing daily.
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.next_revisit FROM deals d
             WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost')
               AND d.next_revisit > ?1
               AND NOT EXISTS (SELECT 1 FROM reminders p
                               WHERE p.deal_id = d.id AND p.kind = 'revisit'
                                 AND p.deleted_at IS NULL AND p.status IN ('open', 'snoozed'))",
        )?;
        let mut rows = stmt.query([values::day(self.session.today)])?;
        while let Some(row) = rows.next()? {
            let deal: Id = row.get(0)?;
            let Some(due) = values::get_opt_day(row, 1)? else {
                continue;
            };
            let id = super::engine::reminder_id(deal, ReminderKind::Revisit, due, None);
            if id.to_string().starts_with(&prefix) {
                return Err(ReminderRefusal::NotDueYet {
                    id: id.short(),
                    due,
                }
                .into());
            }
        }
        Err(missing)
    }

    /// The same for customers' revisits after the sale: a customer with
    /// none pending comes due on its last touch plus its tier's cadence.
    /// No deal is joined (its columns read as empty), so the deal filters
    /// of a listing apply to these rows as to an account's own reminders.
    fn coming_account_revisits(
        &self,
        until: Option<NaiveDate>,
        counting: bool,
    ) -> Option<Conditions> {
        let until = until?;
        let today = values::day(self.session.today);
        let cadence = |tier| i64::from(self.rules.account_cadence(tier).unwrap_or(0));
        let days = "(CASE a.value_tier WHEN 'A' THEN ? WHEN 'B' THEN ? ELSE ? END)";
        let mut args: Vec<Value> = [ValueTier::A, ValueTier::B, ValueTier::C]
            .map(|t| Value::Integer(cadence(t)))
            .to_vec();
        let columns = if counting {
            format!("SELECT date(a.quiet_since, '+' || {days} || ' days') AS next FROM accounts a")
        } else {
            args.push(Value::Text(today.clone()));
            // No deal, but a `d` for the deal conditions to name. `ON 0`
            // made SQLite scan an index of every deal for each account;
            // a rowid that is never NULL lets it drop the join instead.
            format!(
                "SELECT a.id, NULL, 'revisit', date(a.quiet_since, '+' || {days} || ' days') AS next,
                    'upcoming', NULL, ?, NULL, '', a.created_at, a.updated_at, a.updated_by,
                    a.version, NULL, a.id, '', a.name, NULL, NULL, a.owner, NULL
                 FROM accounts a LEFT JOIN deals d ON d.rowid = NULL"
            )
        };
        args.extend([ValueTier::A, ValueTier::B, ValueTier::C].map(|t| Value::Integer(cadence(t))));
        args.extend([Value::Text(today), Value::Text(values::day(until))]);
        let sql = format!(
            "{columns}
             WHERE a.deleted_at IS NULL AND a.value_tier IS NOT NULL AND a.quiet_since IS NOT NULL
               AND {days} > 0 AND next > ? AND next <= ?
               AND NOT EXISTS (SELECT 1 FROM reminders p
                               WHERE p.account_id = a.id AND p.deal_id IS NULL
                                 AND p.kind = 'revisit' AND p.deleted_at IS NULL
                                 AND p.status IN ('open', 'snoozed'))"
        );
        Some(Conditions { sql, args })
    }

    pub fn reminder_done(&mut self, id: Id) -> Result<()> {
        self.close_by_hand(id, ReminderStatus::Done)
    }

    pub fn reminder_dismiss(&mut self, id: Id) -> Result<()> {
        self.close_by_hand(id, ReminderStatus::Dismissed)
    }

    pub fn reminder_snooze(&mut self, id: Id, until: NaiveDate) -> Result<()> {
        if until <= self.session.today {
            return Err(ReminderRefusal::SnoozeNotAfterToday {
                until,
                today: self.session.today,
            }
            .into());
        }
        self.write(|w| {
            let reminder = pending(w.conn(), id)?;
            w.conn().execute(
                "UPDATE reminders SET status = 'snoozed', due = ?2, updated_at = ?3,
                    updated_by = ?4, version = version + 1 WHERE id = ?1",
                params![reminder.id, values::day(until), w.stamp(), w.session.user],
            )?;
            Ok(())
        })
    }

    fn close_by_hand(&mut self, id: Id, status: ReminderStatus) -> Result<()> {
        self.write(|w| {
            let reminder = pending(w.conn(), id)?;
            // A follow-up keeps what it asked; the engine's say who closed them.
            let note = if reminder.kind == ReminderKind::FollowUp {
                reminder.note.clone()
            } else {
                format!("{CLOSED_BY_HAND} {} by {}", status, w.session.user)
            };
            close_reminder(w, reminder.id, status, &note)?;
            if let Some(deal) = reminder.deal_id {
                if reminder.kind == ReminderKind::Revisit {
                    super::engine::touch_today(w, deal, false)?;
                }
                super::engine::refresh_deals(w, &[deal])?;
            } else if let Some(account) = reminder.account_id {
                // Closed by hand, an account's revisit restarts its cadence.
                super::engine::account_revisits(w, Some(account))?;
            }
            Ok(())
        })
    }
}

fn pending(conn: &Connection, id: Id) -> Result<Reminder> {
    let sql = format!("SELECT {REMINDER_COLUMNS} FROM reminders r WHERE r.id = ?1");
    let reminder = conn
        .query_row(&sql, [id], rows::reminder)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "reminder",
            given: id.short(),
        })?;
    if !reminder.status.is_pending() {
        return Err(ReminderRefusal::Closed {
            id: id.short(),
            status: reminder.status,
        }
        .into());
    }
    Ok(reminder)
}

/// Every reminder of a deal, the closed ones included: the log.
pub(super) fn reminders_of(conn: &Connection, deal: Id) -> Result<Vec<Reminder>> {
    let sql = format!(
        "SELECT {REMINDER_COLUMNS} FROM reminders r
         WHERE r.deal_id = ?1 AND r.deleted_at IS NULL ORDER BY r.due, r.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([deal], rows::reminder)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn close_reminder(w: &Writer<'_>, id: Id, status: ReminderStatus, note: &str) -> Result<()> {
    w.conn()
        .prepare_cached(
            "UPDATE reminders SET status = ?2, closed_on = ?3, note = ?4, updated_at = ?5,
                updated_by = ?6, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            id,
            status,
            values::day(w.session.today),
            note,
            w.stamp(),
            w.session.user
        ])?;
    Ok(())
}
