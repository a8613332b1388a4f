//! Sales targets (SPEC §4, §6): set, listed, and worked out against the
//! deals and activities. A goal is a row people edit like any other: its
//! creation and every change go to the change log (and so to teammates and
//! the row's history), a delete is a tombstone, and `undo` takes a change
//! back (see log.rs, undo.rs and trash.rs, which know the table).

use rusqlite::{Connection, OptionalExtension, params};

use super::values::{self, get_local_day};
use super::{GoalRefusal, Result, Store, StoreError};
use crate::domain::{Currency, Id, Money};
use crate::reports::{self, ActivityFact, DealFact, Goal, GoalPeriod, GoalRow};

/// What `goal set` asks for; `None` leaves a target as it is (or unset,
/// for a new goal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalTarget {
    /// `None` for the whole team.
    pub owner: Option<String>,
    pub period: GoalPeriod,
    /// In its own currency, else in the database's.
    pub won_amount: Option<(Money, Option<Currency>)>,
    pub won_deals: Option<i64>,
    pub activities: Option<i64>,
}

/// What `goal set` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalSet {
    Created(Id),
    /// The owner already had a goal for the period: it changed.
    Changed(Id),
    /// The goal already said all that.
    Unchanged(Id),
}

const GOAL_COLUMNS: &str =
    "id, owner, period, won_amount_minor, currency, won_deals, activities, updated_by, version";

impl Store {
    /// Sets a target of one owner (or the team) for a period: the goal
    /// they have for it takes the targets given, else a new goal is made.
    pub fn set_goal(&mut self, target: GoalTarget) -> Result<GoalSet> {
        let owner = match &target.owner {
            Some(owner) if owner.trim().is_empty() => return Err(GoalRefusal::EmptyOwner.into()),
            Some(owner) => owner.trim().to_string(),
            None => String::new(),
        };
        if target.won_amount.is_none() && target.won_deals.is_none() && target.activities.is_none()
        {
            return Err(GoalRefusal::NoTarget.into());
        }
        let amount = target.won_amount.map(|(money, _)| money.minor());
        for (what, value) in [
            ("--won-amount", amount),
            ("--won-deals", target.won_deals),
            ("--activities", target.activities),
        ] {
            if value.is_some_and(|v| v <= 0) {
                return Err(GoalRefusal::NotPositive { what }.into());
            }
        }
        self.write(|w| {
            let currency = match target.won_amount {
                Some((_, Some(currency))) => Some(currency),
                Some((_, None)) => Some(w.currency()?),
                None => None,
            };
            let period = target.period.to_string();
            let Some(mut goal) = goal_of(w.conn(), &owner, target.period)? else {
                let goal = Goal {
                    id: Id::new(),
                    owner,
                    period: target.period,
                    won_amount: target.won_amount.zip(currency).map(|((m, _), c)| (m, c)),
                    won_deals: target.won_deals,
                    activities: target.activities,
                    updated_by: w.session.user.clone(),
                    version: 1,
                };
                let (amount, currency) = amount_columns(&goal);
                w.conn().execute(
                    "INSERT INTO goals (id, owner, period, won_amount_minor, currency, won_deals,
                        activities, created_at, updated_at, updated_by, version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 1)",
                    params![
                        goal.id,
                        goal.owner,
                        period,
                        amount,
                        currency,
                        goal.won_deals,
                        goal.activities,
                        w.stamp(),
                        w.session.user
                    ],
                )?;
                return Ok(GoalSet::Created(goal.id));
            };
            let before = goal.clone();
            if let (Some((money, _)), Some(currency)) = (target.won_amount, currency) {
                goal.won_amount = Some((money, currency));
            }
            goal.won_deals = target.won_deals.or(goal.won_deals);
            goal.activities = target.activities.or(goal.activities);
            if goal == before {
                return Ok(GoalSet::Unchanged(goal.id));
            }
            let (amount, currency) = amount_columns(&goal);
            w.conn().execute(
                "UPDATE goals SET won_amount_minor = ?2, currency = ?3, won_deals = ?4,
                    activities = ?5, version = version + 1, updated_at = ?6, updated_by = ?7
                 WHERE id = ?1",
                params![
                    goal.id,
                    amount,
                    currency,
                    goal.won_deals,
                    goal.activities,
                    w.stamp(),
                    w.session.user
                ],
            )?;
            Ok(GoalSet::Changed(goal.id))
        })
    }

    /// The goals not deleted, of one period or of all, by period, team
    /// last within it, then owner.
    pub fn goals(&self, period: Option<GoalPeriod>) -> Result<Vec<Goal>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {GOAL_COLUMNS} FROM goals WHERE deleted_at IS NULL AND (?1 IS NULL OR period = ?1)
             ORDER BY period, owner = '', owner, created_at, id"
        ))?;
        let rows = stmt
            .query_map([period.map(|p| p.to_string())], read_goal)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// A goal not deleted, by the id `resolve` gave.
    pub fn goal(&self, id: Id) -> Result<Goal> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {GOAL_COLUMNS} FROM goals WHERE id = ?1 AND deleted_at IS NULL"
            ))?
            .query_row([id], read_goal)
            .optional()?
            .flatten()
            .ok_or_else(|| StoreError::NotFound {
                what: "goal",
                given: id.short(),
            })
    }

    /// Each measure of the goals of `period`, or of the goals in force
    /// today (this month's and this quarter's) without one.
    pub fn goal_report(&self, period: Option<GoalPeriod>) -> Result<Vec<GoalRow>> {
        self.goals_against(&self.deal_facts()?, period)
    }

    /// [`Store::goal_report`] over deals already read (the Reports view
    /// reads them once for every report).
    pub(super) fn goals_against(
        &self,
        deals: &[DealFact],
        period: Option<GoalPeriod>,
    ) -> Result<Vec<GoalRow>> {
        let today = self.session.today;
        let goals = match period {
            Some(period) => self.goals(Some(period))?,
            None => reports::in_force(&self.goals(None)?, today),
        };
        if goals.is_empty() {
            return Ok(Vec::new());
        }
        let from = goals.iter().map(|g| g.period.days().from).min();
        let to = goals.iter().map(|g| g.period.days().to).max();
        let activities = match (from, to) {
            (Some(from), Some(to)) => self.activity_facts(from, to)?,
            _ => Vec::new(),
        };
        Ok(reports::goal_rows(
            &goals,
            deals,
            &activities,
            &self.rules,
            today,
        ))
    }

    /// The activities in force logged from `from` to `to` (the user's own
    /// days): read a day wider each side in UTC, then kept by local day.
    fn activity_facts(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<ActivityFact>> {
        let offset = self.session.offset;
        let wide =
            |day: chrono::NaiveDate, days: i64| values::day(day + chrono::Duration::days(days));
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.author, a.at FROM activities a INDEXED BY activities_by_at
             WHERE a.deleted_at IS NULL AND a.at >= ?1 AND a.at < ?2 AND {}",
            super::activities::live("a")
        ))?;
        let mut rows = stmt.query(params![wide(from, -1), wide(to, 2)])?;
        let mut facts = Vec::new();
        while let Some(row) = rows.next()? {
            let on = get_local_day(row, 1, offset)?;
            if from <= on && on <= to {
                facts.push(ActivityFact {
                    author: row.get::<_, String>(0)?.into(),
                    on,
                });
            }
        }
        Ok(facts)
    }
}

/// The live goal of `owner` (empty: the team) for `period`; of two that
/// teammates set before they synced, the older.
fn goal_of(conn: &Connection, owner: &str, period: GoalPeriod) -> Result<Option<Goal>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {GOAL_COLUMNS} FROM goals
             WHERE deleted_at IS NULL AND period = ?1 AND owner = ?2
             ORDER BY created_at, id LIMIT 1"
        ))?
        .query_row(params![period.to_string(), owner], read_goal)
        .optional()?
        .flatten())
}

fn amount_columns(goal: &Goal) -> (Option<i64>, String) {
    match goal.won_amount {
        Some((money, currency)) => (Some(money.minor()), currency.to_string()),
        None => (None, String::new()),
    }
}

/// A goal row; `None` for one whose period or currency this version cannot
/// read (a newer tierdeck's, arrived from a teammate): it is kept, unshown.
fn read_goal(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Goal>> {
    let Some(period) = GoalPeriod::parse(&r.get::<_, String>(2)?) else {
        return Ok(None);
    };
    let amount: Option<i64> = r.get(3)?;
    let currency: String = r.get(4)?;
    let won_amount = match amount {
        Some(minor) => match currency.parse::<Currency>() {
            Ok(currency) => Some((Money(minor), currency)),
            Err(_) => return Ok(None),
        },
        None => None,
    };
    Ok(Some(Goal {
        id: r.get(0)?,
        owner: r.get(1)?,
        period,
        won_amount,
        won_deals: r.get(5)?,
        activities: r.get(6)?,
        updated_by: r.get(7)?,
        version: r.get(8)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::store::{OpenMode, Session};

    fn store(dir: &tempfile::TempDir, user: &str) -> Store {
        let session = Session {
            user: user.into(),
            today: "2026-12-07".parse().expect("a date"),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(8 * 3600).expect("an offset"),
        };
        Store::open(
            &dir.path().join("t.db"),
            OpenMode::CreateFile,
            session,
            Rules::defaults(),
        )
        .expect("opens")
    }

    fn target(owner: Option<&str>, period: &str) -> GoalTarget {
        GoalTarget {
            owner: owner.map(str::to_string),
            period: GoalPeriod::parse(period).expect("a period"),
            won_amount: None,
            won_deals: None,
            activities: None,
        }
    }

    #[test]
    fn setting_a_goal_again_changes_it_and_only_what_is_given() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut s = store(&dir, "manager");
        let first = s
            .set_goal(GoalTarget {
                won_deals: Some(3),
                won_amount: Some((Money(500_000), None)),
                ..target(Some("ann"), "2026-12")
            })
            .expect("set");
        let GoalSet::Created(id) = first else {
            panic!("{first:?}")
        };
        let again = s
            .set_goal(GoalTarget {
                activities: Some(40),
                ..target(Some(" ann "), "2026-12")
            })
            .expect("set again");
        assert_eq!(again, GoalSet::Changed(id));
        let same = s
            .set_goal(GoalTarget {
                activities: Some(40),
                ..target(Some("ann"), "2026-12")
            })
            .expect("the same");
        assert_eq!(same, GoalSet::Unchanged(id));
        let goal = s.goal(id).expect("there");
        assert_eq!(goal.won_deals, Some(3));
        assert_eq!(goal.activities, Some(40));
        assert_eq!(goal.won_amount, Some((Money(500_000), Currency::CNY)));
        assert_eq!(goal.version, 2);
        // Another period, another goal.
        let q4 = s
            .set_goal(GoalTarget {
                won_deals: Some(9),
                ..target(Some("ann"), "2026-Q4")
            })
            .expect("set");
        assert!(matches!(q4, GoalSet::Created(other) if other != id));
    }

    #[test]
    fn a_goal_without_a_target_or_with_a_target_of_nothing_is_refused() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut s = store(&dir, "manager");
        let refused = s.set_goal(target(None, "2026-12")).unwrap_err();
        assert!(matches!(refused, StoreError::Goal(GoalRefusal::NoTarget)));
        let zero = s
            .set_goal(GoalTarget {
                won_deals: Some(0),
                ..target(None, "2026-12")
            })
            .unwrap_err();
        assert!(matches!(
            zero,
            StoreError::Goal(GoalRefusal::NotPositive {
                what: "--won-deals"
            })
        ));
        let nobody = s
            .set_goal(GoalTarget {
                won_deals: Some(1),
                ..target(Some("  "), "2026-12")
            })
            .unwrap_err();
        assert!(matches!(nobody, StoreError::Goal(GoalRefusal::EmptyOwner)));
        assert!(s.goals(None).expect("read").is_empty());
    }
}
