//! How each salesperson does: what they won and lost in the period, the
//! pipeline they hold now, the revisits they owe, and how satisfied the
//! customers they own are (the guides' third measure, beside revenue and
//! close rate).

use std::collections::BTreeMap;

use serde::Serialize;

use super::forecast::{from_hundredths, is_open, weight};
use super::funnel::ratio;
use super::{DealFact, Period};
use crate::domain::{Currency, LOST, Money, Satisfaction, WON};
use crate::rules::Rules;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerRow {
    /// The currency of every amount of the row: the deals' (see
    /// [`super::per_currency`]).
    pub currency: Currency,
    /// As stored; the empty string is the deals nobody owns.
    pub owner: String,
    /// Won in the period.
    pub won: usize,
    pub won_amount_minor: Money,
    /// Lost in the period.
    pub lost: usize,
    /// won / (won + lost); `None` when neither happened.
    pub win_rate: Option<f64>,
    /// Open now, whatever the period.
    pub open_deals: usize,
    pub open_amount_minor: Money,
    /// Σ open amount × stage probability, as in the forecast.
    pub weighted_minor: Money,
    pub overdue_revisits: usize,
    /// The accounts they own, and how many of those said they are
    /// satisfied, neutral or dissatisfied (the rest are not known).
    pub accounts: usize,
    pub satisfied: usize,
    pub neutral: usize,
    pub dissatisfied: usize,
}

/// Exact running sums of one owner.
#[derive(Default)]
struct Sums {
    won: usize,
    won_amount: i128,
    lost: usize,
    open: usize,
    open_amount: i128,
    weighted: i128,
    overdue: usize,
    accounts: usize,
    satisfied: usize,
    neutral: usize,
    dissatisfied: usize,
}

/// A row for every owner of a deal, every owner with overdue revisits
/// (`overdue` holds owner and count) and every owner of accounts
/// (`satisfaction` holds owner, satisfaction and count); most won first,
/// then the largest open pipeline, then by name.
pub fn owners(
    deals: &[DealFact],
    overdue: &[(String, usize)],
    satisfaction: &[(String, Satisfaction, usize)],
    rules: &Rules,
    period: Period,
    currency: Currency,
) -> Vec<OwnerRow> {
    let mut by_owner: BTreeMap<&str, Sums> = BTreeMap::new();
    for deal in deals {
        let sums = by_owner.entry(&*deal.owner).or_default();
        let closed_in_period = deal.closed_on.is_some_and(|day| period.contains(day));
        if is_open(deal) {
            sums.open += 1;
            sums.open_amount += i128::from(deal.amount.minor());
            sums.weighted += weight(deal, rules);
        } else if closed_in_period && &*deal.stage == WON {
            sums.won += 1;
            sums.won_amount += i128::from(deal.amount.minor());
        } else if closed_in_period && &*deal.stage == LOST {
            sums.lost += 1;
        }
    }
    for (owner, count) in overdue {
        by_owner.entry(owner.as_str()).or_default().overdue += count;
    }
    for (owner, said, count) in satisfaction {
        let sums = by_owner.entry(owner.as_str()).or_default();
        sums.accounts += count;
        match said {
            Satisfaction::Satisfied => sums.satisfied += count,
            Satisfaction::Neutral => sums.neutral += count,
            Satisfaction::Dissatisfied => sums.dissatisfied += count,
            Satisfaction::Unknown => {}
        }
    }

    let mut rows: Vec<OwnerRow> = by_owner
        .into_iter()
        .map(|(owner, s)| OwnerRow {
            owner: owner.into(),
            currency,
            won: s.won,
            won_amount_minor: Money::saturating(s.won_amount),
            lost: s.lost,
            win_rate: ratio(s.won, s.won + s.lost),
            open_deals: s.open,
            open_amount_minor: Money::saturating(s.open_amount),
            weighted_minor: from_hundredths(s.weighted),
            overdue_revisits: s.overdue,
            accounts: s.accounts,
            satisfied: s.satisfied,
            neutral: s.neutral,
            dissatisfied: s.dissatisfied,
        })
        .collect();
    // The map already ordered them by name; a stable sort keeps that for ties.
    rows.sort_by(|x, y| {
        (y.won_amount_minor, y.open_amount_minor).cmp(&(x.won_amount_minor, x.open_amount_minor))
    });
    rows
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{Grade, Id};

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    /// A deal of `owner`; `closed` is its won/lost day, empty when open.
    fn deal(owner: &str, stage: &str, amount: i64, closed: &str) -> DealFact {
        DealFact {
            id: Id::new(),
            stage: stage.into(),
            grade: Grade::B,
            amount: Money(amount),
            currency: Currency::CNY,
            expected_close: None,
            owner: owner.into(),
            closed_on: (!closed.is_empty()).then(|| d(closed)),
            stale: false,
        }
    }

    fn q2() -> Period {
        Period {
            from: d("2026-04-01"),
            to: d("2026-06-30"),
        }
    }

    #[test]
    fn each_owner_gets_wins_losses_pipeline_and_overdue_revisits() {
        let deals = [
            deal("li", "won", 1000, "2026-05-01"),
            deal("li", "won", 400, "2026-03-31"), // the day before the period
            deal("li", "lost", 300, "2026-06-30"), // its last day
            deal("li", "lost", 200, "2026-04-15"),
            deal("li", "proposal", 500, ""),
            deal("li", "lead", 5, ""),
            deal("wang", "won", 1000, "2026-04-01"), // its first day
            deal("wang", "negotiation", 2000, ""),
            deal("", "needs", 100, ""),
            deal("zhao", "lost", 900, "2026-07-01"), // after the period
        ];
        let overdue = [
            ("li".to_string(), 2),
            ("chen".to_string(), 3),
            ("li".to_string(), 1),
        ];
        let rows = owners(
            &deals,
            &overdue,
            &[],
            &Rules::defaults(),
            q2(),
            Currency::CNY,
        );
        let row =
            |owner: &str, won, won_amount, lost, win_rate, open, open_amount, weighted, overdue| {
                OwnerRow {
                    owner: owner.into(),
                    currency: Currency::CNY,
                    won,
                    won_amount_minor: Money(won_amount),
                    lost,
                    win_rate,
                    open_deals: open,
                    open_amount_minor: Money(open_amount),
                    weighted_minor: Money(weighted),
                    overdue_revisits: overdue,
                    accounts: 0,
                    satisfied: 0,
                    neutral: 0,
                    dissatisfied: 0,
                }
            };
        assert_eq!(
            rows,
            [
                // Won 1000 like li, but a larger open pipeline; 2000 × 80%.
                row("wang", 1, 1000, 0, Some(1.0), 1, 2000, 1600, 0),
                // 1 won of 3 closed; 500 × 60% + 5 × 10% = 300.5 → 301;
                // overdue 2 + 1.
                row("li", 1, 1000, 2, Some(0.3333), 2, 505, 301, 3),
                // Nobody's deals: 100 × 40%.
                row("", 0, 0, 0, None, 1, 100, 40, 0),
                // Only overdue revisits, then only a loss outside the period.
                row("chen", 0, 0, 0, None, 0, 0, 0, 3),
                row("zhao", 0, 0, 0, None, 0, 0, 0, 0),
            ]
        );
    }

    #[test]
    fn each_owner_gets_the_satisfaction_of_the_accounts_they_own() {
        let deals = [deal("li", "won", 1000, "2026-05-01")];
        let said = [
            ("li".to_string(), Satisfaction::Satisfied, 3),
            ("li".to_string(), Satisfaction::Dissatisfied, 1),
            ("li".to_string(), Satisfaction::Unknown, 2),
            // An owner of accounts only, with no deals.
            ("wang".to_string(), Satisfaction::Neutral, 2),
        ];
        let rows = owners(&deals, &[], &said, &Rules::defaults(), q2(), Currency::CNY);
        let seen: Vec<(&str, usize, usize, usize, usize)> = rows
            .iter()
            .map(|r| {
                (
                    r.owner.as_str(),
                    r.accounts,
                    r.satisfied,
                    r.neutral,
                    r.dissatisfied,
                )
            })
            .collect();
        assert_eq!(seen, [("li", 6, 3, 0, 1), ("wang", 2, 0, 2, 0)]);
    }

    #[test]
    fn no_deals_and_no_revisits_no_rows() {
        assert_eq!(
            owners(&[], &[], &[], &Rules::defaults(), q2(), Currency::CNY),
            []
        );
    }
}
