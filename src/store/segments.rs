//! Keeps every account's segments current, as the engine keeps deal grades:
//! all of them once a day (and after imports), one account after a write that
//! touches it. The decisions are the pure core's (`segments`); this reads the
//! facts and writes the answers.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::values::{self, get_opt_day};
use super::{Result, Writer};
use crate::domain::{
    Behaviour, Currency, Id, IdMap, LOST, Lifecycle, Money, RiskReason, Satisfaction, ValueTier,
    WON,
};
use crate::segments::{self, AccountFacts, Segments, Thresholds};

/// An account's segments as last worked out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    /// Won in the value-tier window.
    pub revenue: Money,
    pub tier: Option<ValueTier>,
    pub lifecycle: Lifecycle,
    pub behaviour: Behaviour,
    /// Empty when it is not at risk.
    pub risks: Vec<RiskReason>,
    /// Its latest activity, or the day we first knew it: what "no activity
    /// for N days" counts from.
    pub quiet_since: Option<NaiveDate>,
}

/// The stored segment columns of `accounts`, read by [`read_standing`].
pub const STANDING_COLUMNS: &str =
    "revenue_minor, value_tier, lifecycle, behaviour, risks, quiet_since";

impl Standing {
    /// Days without activity, as of `today`; `None` before its first pass.
    pub fn quiet_days(&self, today: NaiveDate) -> Option<i64> {
        self.quiet_since
            .map(|since| segments::days_since(since, today))
    }
}

/// What a win adds to its account's revenue: value tiers rank accounts in
/// the database's currency, as amounts in different currencies cannot be
/// compared without a rate. A win in another currency is still a win (for
/// lifecycle and buying behaviour) but adds nothing to the ranking.
fn revenue_of(
    row: &Row<'_>,
    amount: usize,
    code: usize,
    currency: Currency,
) -> rusqlite::Result<Money> {
    Ok(if row.get::<_, Currency>(code)? == currency {
        row.get(amount)?
    } else {
        Money(0)
    })
}

pub fn read_standing(row: &Row<'_>, first: usize) -> rusqlite::Result<Standing> {
    let risks: String = row.get(first + 4)?;
    Ok(Standing {
        revenue: row.get(first)?,
        tier: row.get(first + 1)?,
        lifecycle: row.get(first + 2)?,
        behaviour: row.get(first + 3)?,
        risks: risks.split(',').filter_map(|r| r.parse().ok()).collect(),
        quiet_since: get_opt_day(row, first + 5)?,
    })
}

fn risks_text(risks: &[RiskReason]) -> String {
    risks
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Works out every account's segments and tier for the effective date and
/// writes those that changed.
pub(super) fn resegment_all(w: &Writer<'_>) -> Result<()> {
    let conn = w.conn();
    let mut deals: IdMap<DealsOf> = IdMap::default();
    let currency = w.currency()?;
    let mut stmt = conn.prepare(
        "SELECT account_id, stage, closed_on, amount_minor, created_on, last_activity, currency
         FROM deals INDEXED BY deals_report WHERE deleted_at IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let of = deals.entry(row.get(0)?).or_default();
        // Each deal keeps the day of its latest activity: no need to read
        // the million activities themselves.
        of.last_activity = of.last_activity.max(get_opt_day(row, 5)?);
        let created = values::get_day(row, 4)?;
        of.first = Some(of.first.map_or(created, |first| first.min(created)));
        match row.get_ref(1)?.as_str().unwrap_or_default() {
            WON => {
                if let Some(day) = get_opt_day(row, 2)? {
                    of.wins.push((day, revenue_of(row, 3, 6, currency)?));
                }
            }
            LOST => {}
            _ => of.open = true,
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT account_id, max(at) FROM activities a
             WHERE deleted_at IS NULL AND deal_id IS NULL AND {} GROUP BY account_id",
        super::activities::live("a")
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let of = deals.entry(row.get(0)?).or_default();
        of.last_activity =
            of.last_activity
                .max(Some(values::get_local_day(row, 1, w.session.offset)?));
    }

    let mut stmt = conn.prepare(&format!(
        // A plain table scan: every account is wanted, and through an index
        // SQLite would look each one up.
        "SELECT id, satisfaction, created_at, {STANDING_COLUMNS} FROM accounts NOT INDEXED
         WHERE deleted_at IS NULL"
    ))?;
    let mut worked: Vec<(Id, Segments, NaiveDate, Standing)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: Id = row.get(0)?;
        let of = deals.remove(&id).unwrap_or_default();
        let facts = AccountFacts {
            wins: of.wins,
            has_open_deals: of.open,
            last_activity: of.last_activity,
            added_on: added_on(values::get_local_day(row, 2, w.session.offset)?, of.first),
            satisfaction: row.get(1)?,
        };
        let segments = assess(w, &facts);
        worked.push((id, segments, facts.quiet_since(), read_standing(row, 3)?));
    }
    let revenues: Vec<Money> = worked.iter().map(|(_, s, _, _)| s.revenue).collect();
    let thresholds = Thresholds::from_revenues(&revenues, w.rules.value_tiers.mode);
    for (id, segments, quiet_since, stored) in worked {
        let tier = thresholds.and_then(|t| t.tier(segments.revenue));
        let standing = standing(segments, tier, quiet_since);
        if standing != stored {
            save(w, id, &standing)?;
        }
    }
    Ok(())
}

/// Works out one account's segments after a write that touched it; when its
/// revenue moved, the tier boundaries may have moved for everyone.
/// Returns whether the tiers were worked out again for every account.
pub(super) fn resegment_account(w: &Writer<'_>, id: Id) -> Result<bool> {
    let conn = w.conn();
    let currency = w.currency()?;
    let Some((satisfaction, created_on, stored)) = conn
        .prepare_cached(&format!(
            "SELECT satisfaction, created_at, {STANDING_COLUMNS} FROM accounts
             WHERE id = ?1 AND deleted_at IS NULL"
        ))?
        .query_row([id], |row| {
            Ok((
                row.get::<_, Satisfaction>(0)?,
                values::get_local_day(row, 1, w.session.offset)?,
                read_standing(row, 2)?,
            ))
        })
        .optional()?
    else {
        return Ok(false);
    };
    let wins = conn
        .prepare_cached(
            "SELECT closed_on, amount_minor, currency FROM deals
             WHERE account_id = ?1 AND deleted_at IS NULL AND stage = 'won'
               AND closed_on IS NOT NULL",
        )?
        .query_map([id], |row| {
            Ok((values::get_day(row, 0)?, revenue_of(row, 1, 2, currency)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // What its live deals say, in one read: open ones, the first, and the
    // latest activity on any (as the full pass reads it).
    let (has_open_deals, first_deal, on_deals) = conn
        .prepare_cached(
            "SELECT coalesce(max(stage NOT IN ('won', 'lost')), 0), min(created_on),
                    max(last_activity)
             FROM deals WHERE account_id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([id], |r| {
            Ok((r.get::<_, bool>(0)?, get_opt_day(r, 1)?, get_opt_day(r, 2)?))
        })?;
    let on_account = conn
        .prepare_cached(&format!(
            "SELECT max(at) FROM activities a
             WHERE account_id = ?1 AND deal_id IS NULL AND deleted_at IS NULL AND {}",
            super::activities::live("a")
        ))?
        .query_row([id], |r| values::get_opt_local_day(r, 0, w.session.offset))?;
    let last_activity = on_deals.max(on_account);
    let facts = AccountFacts {
        wins,
        has_open_deals,
        last_activity,
        added_on: added_on(created_on, first_deal),
        satisfaction,
    };
    let segments = assess(w, &facts);
    let revenue_moved = segments.revenue != stored.revenue;
    let standing = standing(segments, stored.tier, facts.quiet_since());
    if standing != stored {
        save(w, id, &standing)?;
    }
    if revenue_moved {
        retier(w)?;
    }
    Ok(revenue_moved)
}

/// Puts every account in the tier its revenue now earns, touching only the
/// accounts that cross a boundary (each query is a range of `accounts_by_tier`).
fn retier(w: &Writer<'_>) -> Result<()> {
    let conn = w.conn();
    let revenues: Vec<Money> = conn
        .prepare_cached(
            "SELECT revenue_minor FROM accounts WHERE deleted_at IS NULL AND revenue_minor > 0",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(t) = Thresholds::from_revenues(&revenues, w.rules.value_tiers.mode) else {
        conn.prepare_cached(
            "UPDATE accounts SET value_tier = NULL
             WHERE deleted_at IS NULL AND value_tier IS NOT NULL",
        )?
        .execute([])?;
        return Ok(());
    };
    let misplaced = [
        "value_tier = 'A' AND revenue_minor < ?1",
        "value_tier = 'B' AND (revenue_minor >= ?1 OR revenue_minor < ?2)",
        "value_tier = 'C' AND (revenue_minor >= ?2 OR revenue_minor <= 0)",
        "value_tier IS NULL AND revenue_minor > 0",
    ];
    for condition in misplaced {
        conn.prepare_cached(&format!(
            "UPDATE accounts SET value_tier = CASE
                 WHEN revenue_minor >= ?1 THEN 'A' WHEN revenue_minor >= ?2 THEN 'B'
                 WHEN revenue_minor > 0 THEN 'C' END
             WHERE deleted_at IS NULL AND {condition}"
        ))?
        .execute(params![t.a, t.b])?;
    }
    Ok(())
}

fn assess(w: &Writer<'_>, facts: &AccountFacts) -> Segments {
    segments::assess(
        facts,
        &w.rules.value_tiers,
        &w.rules.lifecycle,
        w.session.today,
    )
}

fn standing(segments: Segments, tier: Option<ValueTier>, quiet_since: NaiveDate) -> Standing {
    Standing {
        revenue: segments.revenue,
        tier,
        lifecycle: segments.lifecycle,
        behaviour: segments.behaviour,
        risks: segments.risks,
        quiet_since: Some(quiet_since),
    }
}

fn save(w: &Writer<'_>, id: Id, s: &Standing) -> Result<()> {
    w.conn()
        .prepare_cached(
            "UPDATE accounts SET revenue_minor = ?2, value_tier = ?3, lifecycle = ?4,
                behaviour = ?5, risks = ?6, quiet_since = ?7
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            s.revenue,
            s.tier,
            s.lifecycle,
            s.behaviour,
            risks_text(&s.risks),
            s.quiet_since.map(values::day)
        ])?;
    Ok(())
}

/// What one account's deals say about it.
#[derive(Default)]
struct DealsOf {
    wins: Vec<(NaiveDate, Money)>,
    open: bool,
    /// The day its first deal was created.
    first: Option<NaiveDate>,
    /// The day of its latest activity, on a deal or on itself.
    last_activity: Option<NaiveDate>,
}

/// Since when we have known an account: its row's creation, or its first
/// deal when that is earlier (a deal entered for a past day, or imported).
fn added_on(created_on: NaiveDate, first_deal: Option<NaiveDate>) -> NaiveDate {
    first_deal.map_or(created_on, |first| first.min(created_on))
}
