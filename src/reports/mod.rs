//! The reports of SPEC §4, as plain functions over the facts the store reads:
//! where the pipeline leaks (funnel), what it will bring (forecast), how near
//! deals are (grades), who matters most (abc), who needs care (lifecycle) and
//! how each salesperson does (owners) against their targets (goals). No
//! SQL, no terminal; `today` and the period are parameters.

mod abc;
mod forecast;
mod funnel;
mod goals;
mod grades;
mod lifecycle;
mod owners;

pub use abc::{Abc, AbcRow, TierTotal, abc};
pub use forecast::{ForecastRow, forecast};
pub use funnel::{Funnel, FunnelRow, funnel};
pub use goals::{ActivityFact, Goal, GoalPeriod, GoalRow, Measure, Pace, goal_rows, in_force};
pub use grades::{GradeRow, grades};
pub use lifecycle::{AtRiskRow, LifecycleReport, LifecycleRow, lifecycle};
pub use owners::{OwnerRow, owners};

use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{Behaviour, Currency, Grade, Id, Lifecycle, Money, RiskReason, ValueTier};

/// A deal as the reports read it: every deal that is not deleted, open or
/// closed. Stages and owners are shared text: a few values over 200,000 rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFact {
    pub id: Id,
    pub stage: Arc<str>,
    pub grade: Grade,
    pub amount: Money,
    pub currency: Currency,
    pub expected_close: Option<NaiveDate>,
    pub owner: Arc<str>,
    /// The day it was won or lost.
    pub closed_on: Option<NaiveDate>,
    /// Sat in its stage too long with no activity (the engine's stale flag).
    pub stale: bool,
}

/// A report over deals worked out for each currency apart, so that no sum
/// adds one currency to another: `report` runs once over the deals of each
/// currency, given that currency. `home`, the database's, always runs, even
/// without deals, and its rows come first; then the others' in code order.
pub fn per_currency<R>(
    deals: &[DealFact],
    home: Currency,
    mut report: impl FnMut(&[DealFact], Currency) -> Vec<R>,
) -> Vec<R> {
    let mut others: Vec<Currency> = deals
        .iter()
        .map(|d| d.currency)
        .filter(|c| *c != home)
        .collect();
    others.sort();
    others.dedup();
    // One currency, as most databases have: no copy of the facts.
    if others.is_empty() {
        return report(deals, home);
    }
    let of = |currency: Currency| -> Vec<DealFact> {
        deals
            .iter()
            .filter(|d| d.currency == currency)
            .cloned()
            .collect()
    };
    let mut rows = report(&of(home), home);
    for currency in others {
        rows.extend(report(&of(currency), currency));
    }
    rows
}

/// One stage change of a deal, from its history: its first is the stage the
/// deal was created in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    pub deal: Id,
    pub on: NaiveDate,
    pub to: Arc<str>,
}

/// An account as the ABC and lifecycle reports read it: its stored segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStanding {
    pub name: String,
    pub owner: String,
    /// Won in the value-tier window.
    pub revenue: Money,
    pub tier: Option<ValueTier>,
    pub lifecycle: Lifecycle,
    pub behaviour: Behaviour,
    /// Empty when not at risk.
    pub risks: Vec<RiskReason>,
    /// Days since its latest activity (or since it was added).
    pub quiet_days: i64,
}

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}
