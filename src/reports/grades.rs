//! How near the open deals are: count and amount per grade, with the slipped
//! and stale ones that need a word with their owner.

use chrono::NaiveDate;
use serde::Serialize;

use super::DealFact;
use super::forecast::is_open;
use crate::domain::{Currency, Grade, Money};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRow {
    /// The currency of every amount of the row: the deals' (see
    /// [`super::per_currency`]).
    pub currency: Currency,
    pub grade: Grade,
    pub deals: usize,
    pub amount_minor: Money,
    /// Expected to close before today and still open.
    pub slipped: usize,
    pub stale: usize,
}

/// One row per grade, A to E, empty grades included so the table keeps its shape.
/// `deals` are all in `currency`.
pub fn grades(deals: &[DealFact], today: NaiveDate, currency: Currency) -> Vec<GradeRow> {
    Grade::ALL
        .iter()
        .map(|&grade| {
            let open = || deals.iter().filter(|d| d.grade == grade && is_open(d));
            GradeRow {
                grade,
                currency,
                deals: open().count(),
                amount_minor: Money::saturating(open().map(|d| i128::from(d.amount.minor())).sum()),
                slipped: open()
                    .filter(|d| d.expected_close.is_some_and(|day| day < today))
                    .count(),
                stale: open().filter(|d| d.stale).count(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn deal(stage: &str, grade: Grade, amount: i64, close: &str, stale: bool) -> DealFact {
        DealFact {
            id: Id::new(),
            stage: stage.into(),
            grade,
            amount: Money(amount),
            currency: Currency::CNY,
            expected_close: (!close.is_empty()).then(|| d(close)),
            owner: "".into(),
            closed_on: None,
            stale,
        }
    }

    fn row(grade: Grade, deals: usize, amount: i64, slipped: usize, stale: usize) -> GradeRow {
        GradeRow {
            grade,
            currency: Currency::CNY,
            deals,
            amount_minor: Money(amount),
            slipped,
            stale,
        }
    }

    #[test]
    fn open_deals_per_grade_with_slipped_and_stale() {
        let deals = [
            deal("proposal", Grade::A, 100, "2026-06-09", false), // slipped yesterday
            deal("negotiation", Grade::A, 50, "2026-06-10", true), // closes today: not slipped
            deal("lead", Grade::B, 30, "", true),                 // no date: never slipped
            deal("needs", Grade::E, 7, "2026-01-01", false),      // slipped long ago
            // Closed deals are left out, however slipped or stale they look.
            deal("won", Grade::C, 999, "2026-01-01", true),
            deal("lost", Grade::E, 888, "2026-01-01", true),
        ];
        assert_eq!(
            grades(&deals, d("2026-06-10"), Currency::CNY),
            [
                row(Grade::A, 2, 150, 1, 1),
                row(Grade::B, 1, 30, 0, 1),
                row(Grade::C, 0, 0, 0, 0),
                row(Grade::D, 0, 0, 0, 0),
                row(Grade::E, 1, 7, 1, 0),
            ]
        );
    }

    #[test]
    fn no_deals_still_gives_five_empty_rows() {
        let rows = grades(&[], d("2026-06-10"), Currency::CNY);
        let expected: Vec<GradeRow> = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::E]
            .into_iter()
            .map(|g| row(g, 0, 0, 0, 0))
            .collect();
        assert_eq!(rows, expected);
    }
}
