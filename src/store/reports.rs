//! The facts the reports are worked out from, read in one pass each and kept
//! small: a report over 200,000 deals must not build 200,000 full rows.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use super::values::{self, get_opt_day};
use super::{Result, Store};
use rusqlite::params;

use crate::domain::{Amounts, Currency, Grade, Id, IdMap, Money, Satisfaction, WON};
use crate::reports::{
    self, Abc, AccountStanding, DealFact, ForecastRow, Funnel, GoalRow, GradeRow, LifecycleReport,
    OwnerRow, Period, StageMove,
};
use crate::rules;

/// Every report, as the TUI's Reports view shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSet {
    pub period: Period,
    /// The database's currency: what value tiers rank revenue in, and the
    /// forecast chart shows (the other currencies' totals beside it).
    pub currency: Currency,
    /// Won in other currencies in the value-tier window: not ranked.
    pub unranked: Amounts,
    pub funnel: Funnel,
    pub forecast: Vec<ForecastRow>,
    pub grades: Vec<GradeRow>,
    pub abc: Abc,
    pub lifecycle: LifecycleReport,
    pub owners: Vec<OwnerRow>,
    /// Each measure of the goals in force today (this month's and this
    /// quarter's); none without goals.
    pub goals: Vec<GoalRow>,
}

impl Store {
    /// The period reports cover by default: the value-tier window up to today.
    pub fn default_period(&self) -> Period {
        self.period_ending(self.session.today)
    }

    /// The value-tier window up to `to`.
    pub fn period_ending(&self, to: NaiveDate) -> Period {
        Period {
            from: rules::sub_months(to, self.rules.value_tiers.window_months),
            to,
        }
    }

    pub fn report_set(&self, period: Period) -> Result<ReportSet> {
        // The funnel first: its stage moves are the largest facts, and are
        // let go before the deals and accounts are read.
        let funnel = self.funnel(period)?;
        let deals = self.deal_facts()?;
        let accounts = self.account_standings()?;
        let home = self.currency()?;
        Ok(ReportSet {
            period,
            currency: home,
            unranked: self.unranked_revenue()?,
            funnel,
            forecast: self.forecast_of(&deals, home),
            grades: self.grades_of(&deals, home),
            abc: self.abc_of(&accounts),
            lifecycle: reports::lifecycle(&accounts),
            owners: self.owners_of(&deals, home, period)?,
            goals: self.goals_against(&deals, None)?,
        })
    }

    pub fn forecast_report(&self) -> Result<Vec<ForecastRow>> {
        Ok(self.forecast_of(&self.deal_facts()?, self.currency()?))
    }

    pub fn grades_report(&self) -> Result<Vec<GradeRow>> {
        Ok(self.grades_of(&self.deal_facts()?, self.currency()?))
    }

    /// Won in the value-tier window in currencies other than the database's:
    /// value tiers rank revenue in the database's currency alone, as amounts
    /// in different currencies cannot be compared without a rate; this is
    /// what the ABC report shows beside them.
    pub fn unranked_revenue(&self) -> Result<Amounts> {
        let from = self.default_period().from;
        let mut stmt = self.conn.prepare(
            "SELECT currency, sum(amount_minor) FROM deals
             WHERE deleted_at IS NULL AND stage = 'won' AND closed_on >= ?1 AND currency <> ?2
             GROUP BY currency",
        )?;
        let sums = stmt
            .query_map(params![values::day(from), self.currency()?], |r| {
                Ok((r.get::<_, Currency>(0)?, r.get::<_, Money>(1)?))
            })?
            .collect::<rusqlite::Result<Amounts>>()?;
        Ok(sums)
    }

    /// The forecast, one run per currency.
    fn forecast_of(&self, deals: &[DealFact], home: Currency) -> Vec<ForecastRow> {
        reports::per_currency(deals, home, |deals, currency| {
            reports::forecast(deals, &self.rules, currency)
        })
    }

    /// The grade distribution, A to E in the database's currency, and in
    /// each other currency the grades it has deals in.
    fn grades_of(&self, deals: &[DealFact], home: Currency) -> Vec<GradeRow> {
        let today = self.session.today;
        reports::per_currency(deals, home, |deals, currency| {
            reports::grades(deals, today, currency)
                .into_iter()
                .filter(|row| currency == home || row.deals > 0)
                .collect()
        })
    }

    /// The owners' figures, one run per currency; the overdue revisits and
    /// the accounts' satisfaction, which have no currency, on the database
    /// currency's rows.
    fn owners_of(
        &self,
        deals: &[DealFact],
        home: Currency,
        period: Period,
    ) -> Result<Vec<OwnerRow>> {
        let overdue = self.overdue_by_owner(deals)?;
        let satisfaction = self.satisfaction_by_owner()?;
        Ok(reports::per_currency(deals, home, |deals, currency| {
            let (overdue, satisfaction): (&[_], &[_]) = if currency == home {
                (&overdue, &satisfaction)
            } else {
                (&[], &[])
            };
            reports::owners(deals, overdue, satisfaction, &self.rules, period, currency)
        }))
    }

    pub fn funnel(&self, period: Period) -> Result<Funnel> {
        Ok(reports::funnel(&self.stage_moves()?, &self.rules, period))
    }

    pub fn abc(&self) -> Result<Abc> {
        Ok(self.abc_of(&self.account_standings()?))
    }

    fn abc_of(&self, accounts: &[AccountStanding]) -> Abc {
        let mode = self.rules.value_tiers.mode;
        reports::abc(accounts, mode, mode.headline_percent())
    }

    pub fn lifecycle_report(&self) -> Result<LifecycleReport> {
        Ok(reports::lifecycle(&self.account_standings()?))
    }

    pub fn owners_report(&self, period: Period) -> Result<Vec<OwnerRow>> {
        let deals = self.deal_facts()?;
        self.owners_of(&deals, self.currency()?, period)
    }

    /// Every deal that is not deleted, as the reports read it.
    pub fn deal_facts(&self) -> Result<Vec<DealFact>> {
        let today = self.session.today;
        let mut stmt = self.conn.prepare(
            "SELECT id, stage, grade, amount_minor, expected_close, owner, closed_on,
                    stage_entered_on, last_activity, currency
             FROM deals INDEXED BY deals_report WHERE deleted_at IS NULL",
        )?;
        let mut rows = stmt.query([])?;
        let mut facts = Vec::new();
        let mut texts = Pool::default();
        while let Some(row) = rows.next()? {
            let stage = texts.text(row, 1)?;
            let last_activity = get_opt_day(row, 8)?;
            let open = &*stage != WON && &*stage != crate::domain::LOST;
            let stale = open
                && rules::stale_in(
                    &stage,
                    values::get_day(row, 7)?,
                    last_activity,
                    &self.rules,
                    today,
                );
            facts.push(DealFact {
                id: row.get(0)?,
                grade: row.get::<_, Grade>(2)?,
                amount: row.get(3)?,
                currency: row.get(9)?,
                expected_close: get_opt_day(row, 4)?,
                owner: texts.text(row, 5)?,
                closed_on: get_opt_day(row, 6)?,
                stale,
                stage,
            });
        }
        Ok(facts)
    }

    /// Every stage change of the deals that are not deleted, each on the
    /// user's own calendar day, in the order they happened (history ids are
    /// time-ordered, so they order the moves of one moment too).
    pub fn stage_moves(&self) -> Result<Vec<StageMove>> {
        let offset = self.session.offset;
        let mut stmt = self.conn.prepare(
            "SELECT deal_id, at, new FROM history INDEXED BY history_stage_moves
             WHERE field = 'stage'
               AND deal_id NOT IN (SELECT id FROM deals WHERE deleted_at IS NOT NULL)
             ORDER BY at, id",
        )?;
        let mut rows = stmt.query([])?;
        let mut moves = Vec::new();
        let mut stages = Pool::default();
        while let Some(row) = rows.next()? {
            moves.push(StageMove {
                deal: row.get::<_, Id>(0)?,
                on: values::get_local_day(row, 1, offset)?,
                to: stages.text(row, 2)?,
            });
        }
        Ok(moves)
    }

    /// Every account with its stored segments.
    pub fn account_standings(&self) -> Result<Vec<AccountStanding>> {
        let today = self.session.today;
        let offset = self.session.offset;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT name, owner, created_at, {} FROM accounts NOT INDEXED WHERE deleted_at IS NULL",
            super::segments::STANDING_COLUMNS
        ))?;
        let mut rows = stmt.query([])?;
        let mut accounts = Vec::new();
        while let Some(row) = rows.next()? {
            let standing = super::segments::read_standing(row, 3)?;
            let added = values::get_local_day(row, 2, offset)?;
            let quiet_days = standing
                .quiet_days(today)
                .unwrap_or_else(|| crate::segments::days_since(added, today));
            accounts.push(AccountStanding {
                name: row.get(0)?,
                owner: row.get(1)?,
                revenue: standing.revenue,
                tier: standing.tier,
                lifecycle: standing.lifecycle,
                behaviour: standing.behaviour,
                risks: standing.risks,
                quiet_days,
            });
        }
        Ok(accounts)
    }

    /// How many live accounts each owner has of each satisfaction.
    fn satisfaction_by_owner(&self) -> Result<Vec<(String, Satisfaction, usize)>> {
        let mut stmt = self.conn.prepare(
            "SELECT owner, satisfaction, count(*) FROM accounts INDEXED BY accounts_by_owner
             WHERE deleted_at IS NULL GROUP BY owner, satisfaction",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as usize))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Open revisits due before today, per owner of the deal, or of the
    /// account for a customer's revisit after the sale.
    fn overdue_by_owner(&self, deals: &[DealFact]) -> Result<Vec<(String, usize)>> {
        let owner_of: IdMap<&str> = deals.iter().map(|d| (d.id, &*d.owner)).collect();
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT r.deal_id, a.owner FROM reminders r
             LEFT JOIN accounts a ON a.id = r.account_id AND a.deleted_at IS NULL
             WHERE r.deleted_at IS NULL AND r.status = 'open' AND r.kind = 'revisit' AND r.due < ?1",
        )?;
        let mut rows = stmt.query([values::day(self.session.today)])?;
        while let Some(row) = rows.next()? {
            // A deleted deal is not among the facts, and its revisits are no
            // one's; an account's own revisit is its owner's.
            let owner = match row.get::<_, Option<Id>>(0)? {
                Some(deal) => owner_of.get(&deal).map(|o| o.to_string()),
                None => row.get::<_, Option<String>>(1)?,
            };
            if let Some(owner) = owner {
                *counts.entry(owner).or_default() += 1;
            }
        }
        Ok(counts.into_iter().collect())
    }
}

/// One shared copy of each distinct text of a column: stages and owners
/// repeat over hundreds of thousands of rows.
#[derive(Default)]
struct Pool(HashSet<Arc<str>>);

impl Pool {
    fn text(&mut self, row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Arc<str>> {
        let text = row.get_ref(idx)?.as_str().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
        })?;
        if let Some(shared) = self.0.get(text) {
            return Ok(Arc::clone(shared));
        }
        let shared: Arc<str> = text.into();
        self.0.insert(Arc::clone(&shared));
        Ok(shared)
    }
}
