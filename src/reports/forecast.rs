//! What the pipeline should bring: open deals by month of expected close,
//! each weighted by its stage's probability.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::DealFact;
use crate::domain::{Currency, LOST, Money, WON};
use crate::rules::Rules;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastRow {
    /// The currency of every amount of the row: the deals' (see
    /// [`super::per_currency`]).
    pub currency: Currency,
    /// `YYYY-MM`; `None` for the deals with no expected close date.
    pub month: Option<String>,
    pub deals: usize,
    pub amount_minor: Money,
    /// Σ amount × stage probability.
    pub weighted_minor: Money,
}

/// Months ascending, then the undated deals; only months that have deals.
/// `deals` are all in `currency`.
pub fn forecast(deals: &[DealFact], rules: &Rules, currency: Currency) -> Vec<ForecastRow> {
    #[derive(Default)]
    struct Sums {
        deals: usize,
        amount: i128,
        weighted: i128,
    }
    let mut months: BTreeMap<Option<(i32, u32)>, Sums> = BTreeMap::new();
    for deal in deals.iter().filter(|d| is_open(d)) {
        let month = deal.expected_close.map(|day| (day.year(), day.month()));
        let sums = months.entry(month).or_default();
        sums.deals += 1;
        sums.amount += i128::from(deal.amount.minor());
        sums.weighted += weight(deal, rules);
    }
    let row = |month: Option<(i32, u32)>, sums: Sums| ForecastRow {
        month: month.map(|(y, m)| format!("{y:04}-{m:02}")),
        currency,
        deals: sums.deals,
        amount_minor: Money::saturating(sums.amount),
        weighted_minor: from_hundredths(sums.weighted),
    };
    // `None` sorts first in the map; the undated row goes last.
    let undated = months.remove(&None);
    let mut rows: Vec<ForecastRow> = months.into_iter().map(|(m, s)| row(m, s)).collect();
    rows.extend(undated.map(|s| row(None, s)));
    rows
}

pub(super) fn is_open(deal: &DealFact) -> bool {
    &*deal.stage != WON && &*deal.stage != LOST
}

/// amount × the stage's probability in percent: hundredths of a minor unit,
/// exact, so that a row is rounded once rather than deal by deal. A stage the
/// rules do not know weighs nothing.
pub(super) fn weight(deal: &DealFact, rules: &Rules) -> i128 {
    let percent = rules.stage(&deal.stage).map_or(0, |s| s.probability);
    i128::from(deal.amount.minor()) * i128::from(percent)
}

/// Hundredths of a minor unit to money, rounded half away from zero.
pub(super) fn from_hundredths(total: i128) -> Money {
    // Integer division truncates toward zero, so push half a unit away first.
    let half = if total < 0 { -50 } else { 50 };
    Money::saturating((total + half) / 100)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{Grade, Id};

    fn deal(stage: &str, amount: i64, close: &str) -> DealFact {
        DealFact {
            id: Id::new(),
            stage: stage.into(),
            grade: Grade::C,
            amount: Money(amount),
            currency: Currency::CNY,
            expected_close: (!close.is_empty()).then(|| close.parse::<NaiveDate>().expect("date")),
            owner: "".into(),
            closed_on: None,
            stale: false,
        }
    }

    fn row(month: Option<&str>, deals: usize, amount: i64, weighted: i64) -> ForecastRow {
        ForecastRow {
            month: month.map(str::to_string),
            currency: Currency::CNY,
            deals,
            amount_minor: Money(amount),
            weighted_minor: Money(weighted),
        }
    }

    #[test]
    fn open_deals_by_month_with_the_undated_last() {
        let deals = [
            deal("needs", 250, ""),
            deal("lead", 1000, "2026-03-15"),
            deal("proposal", 2555, "2026-03-01"),
            deal("negotiation", 1001, "2027-01-31"),
            // Outcomes are not forecast.
            deal("won", 5000, "2026-02-10"),
            deal("lost", 7000, "2026-02-11"),
            // An unknown stage counts with probability 0.
            deal("demo", 700, "2026-12-31"),
        ];
        assert_eq!(
            forecast(&deals, &Rules::defaults(), Currency::CNY),
            [
                // 1000 × 10% + 2555 × 60% = 100 + 1533.
                row(Some("2026-03"), 2, 3555, 1633),
                row(Some("2026-12"), 1, 700, 0),
                // 1001 × 80% = 800.8.
                row(Some("2027-01"), 1, 1001, 801),
                // 250 × 40%.
                row(None, 1, 250, 100),
            ]
        );
    }

    #[test]
    fn a_row_is_rounded_once_not_deal_by_deal() {
        // 5 × 10% = 0.5 each: 1 for the two together, not 1 + 1.
        let deals = [deal("lead", 5, "2026-01-02"), deal("lead", 5, "2026-01-30")];
        assert_eq!(
            forecast(&deals, &Rules::defaults(), Currency::CNY),
            [row(Some("2026-01"), 2, 10, 1)]
        );
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(from_hundredths(250), Money(3));
        assert_eq!(from_hundredths(249), Money(2));
        assert_eq!(from_hundredths(-250), Money(-3));
        assert_eq!(from_hundredths(-249), Money(-2));
        assert_eq!(from_hundredths(0), Money(0));
    }

    #[test]
    fn no_open_deals_no_rows() {
        assert_eq!(forecast(&[], &Rules::defaults(), Currency::CNY), []);
        assert_eq!(
            forecast(&[deal("won", 10, "")], &Rules::defaults(), Currency::CNY),
            []
        );
    }

    #[test]
    fn sums_beyond_money_saturate() {
        assert_eq!(Money::saturating(i128::from(i64::MAX) + 1), Money(i64::MAX));
        assert_eq!(Money::saturating(i128::from(i64::MIN) - 1), Money(i64::MIN));
    }
}
