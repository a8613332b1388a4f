//! Where the pipeline leaks: how many deals reached each stage in a period,
//! how many of them went on, the win rate, and how long deals sat in a stage.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Period, StageMove};
use crate::domain::{LOST, WON};
use crate::rules::Rules;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    /// The open stages in pipeline order, then `won`, then `lost`.
    pub rows: Vec<FunnelRow>,
    /// Deals that entered `won` in the period.
    pub won: usize,
    /// Deals that entered `lost` in the period.
    pub lost: usize,
    /// won / (won + lost); `None` when neither happened.
    pub win_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelRow {
    /// The stage id.
    pub stage: String,
    /// Deals that got at least this far in the period (a skipped stage counts).
    pub reached: usize,
    /// The share of them that reached the next row's stage (`won` after the
    /// last open one); `None` for the outcomes and when nobody reached it.
    pub conversion: Option<f64>,
    /// Median length in days of the stays in this stage that ended in the
    /// period; `None` for the outcomes and when there are none.
    pub median_days: Option<f64>,
}

/// A fraction 0..=1 as the reports show it: four decimals.
pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// part / whole, rounded; `None` when there is no whole to speak of.
pub(super) fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round4(part as f64 / whole as f64))
}

pub fn funnel(moves: &[StageMove], rules: &Rules, period: Period) -> Funnel {
    let open: Vec<&str> = rules.open_stages().map(|s| s.id.as_str()).collect();
    let position = |stage: &str| open.iter().position(|&s| s == stage);

    let order = by_deal_and_day(moves);

    // Deals by the furthest open stage they entered in the period (`won` is
    // past them all, at `open.len()`).
    let mut furthest_count = vec![0usize; open.len() + 1];
    let (mut won, mut lost) = (0, 0);
    let mut stays = vec![Vec::new(); open.len()];
    for history in order.chunk_by(|a, b| a.0 == b.0) {
        let (mut furthest, mut was_won, mut was_lost) = (None, false, false);
        // Unknown until the first move: a history without its creation row
        // does not say when the deal entered the stage it first leaves.
        let mut current: Option<(&str, NaiveDate)> = None;
        for m in history
            .iter()
            .map(|&(_, key)| &moves[(key & 0xFFFF_FFFF) as usize])
        {
            let inside = period.contains(m.on);
            if let Some((stage, entered)) = current
                && inside
                && let Some(k) = position(stage)
            {
                stays[k].push((m.on - entered).num_days());
            }
            current = Some((&*m.to, m.on));
            if inside {
                let reach = match &*m.to {
                    WON => {
                        was_won = true;
                        Some(open.len())
                    }
                    // Losing says nothing about how far the deal had come.
                    LOST => {
                        was_lost = true;
                        None
                    }
                    stage => position(stage),
                };
                furthest = furthest.max(reach);
            }
        }
        if let Some(f) = furthest {
            furthest_count[f] += 1;
        }
        won += usize::from(was_won);
        lost += usize::from(was_lost);
    }
    // Reaching a stage is getting at least that far.
    let mut reached = vec![0usize; open.len() + 1];
    for k in (0..=open.len()).rev() {
        reached[k] = furthest_count[k] + reached.get(k + 1).copied().unwrap_or(0);
    }

    let mut rows = Vec::with_capacity(open.len() + 2);
    for (k, stage) in open.iter().enumerate() {
        let next = if k + 1 < open.len() {
            reached[k + 1]
        } else {
            won
        };
        rows.push(FunnelRow {
            stage: stage.to_string(),
            reached: reached[k],
            conversion: ratio(next, reached[k]),
            median_days: median(&mut stays[k]),
        });
    }
    for (stage, reached) in [(WON, won), (LOST, lost)] {
        rows.push(FunnelRow {
            stage: stage.into(),
            reached,
            conversion: None,
            median_days: None,
        });
    }
    Funnel {
        rows,
        won,
        lost,
        win_rate: ratio(won, won + lost),
    }
}

/// The moves' positions, each deal's together by day, same-day moves in the
/// order they were recorded, as integer keys `(deal, day | position)`:
/// several times faster to sort than the moves themselves.
fn by_deal_and_day(moves: &[StageMove]) -> Vec<(u128, u64)> {
    let mut order: Vec<(u128, u64)> = moves
        .iter()
        .zip(0u32..)
        .map(|(m, position)| {
            // Days from year 1, shifted so that every date is positive.
            let day = (i64::from(m.on.num_days_from_ce()) - i64::from(i32::MIN)) as u64;
            (m.deal.0.as_u128(), (day << 32) | u64::from(position))
        })
        .collect();
    order.sort_unstable();
    order
}

fn median(days: &mut [i64]) -> Option<f64> {
    days.sort_unstable();
    let mid = days.len() / 2;
    match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[mid] as f64),
        _ => Some((days[mid - 1] as f64 + days[mid] as f64) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    /// A move of deal `deal` into `to`. The stage it left is there for the
    /// reader: the funnel follows each deal's moves itself.
    fn mv(deal: u128, on: &str, _from: &str, to: &str) -> StageMove {
        StageMove {
            deal: Id(uuid::Uuid::from_u128(deal)),
            on: d(on),
            to: to.into(),
        }
    }

    /// The first quarter of 2026.
    fn q1(moves: &[StageMove]) -> Funnel {
        let period = Period {
            from: d("2026-01-01"),
            to: d("2026-03-31"),
        };
        funnel(moves, &Rules::defaults(), period)
    }

    /// Reached per row: lead, contacted, needs, proposal, negotiation, won, lost.
    fn reached(f: &Funnel) -> Vec<usize> {
        f.rows.iter().map(|r| r.reached).collect()
    }
    fn conversions(f: &Funnel) -> Vec<Option<f64>> {
        f.rows.iter().map(|r| r.conversion).collect()
    }
    fn medians(f: &Funnel) -> Vec<Option<f64>> {
        f.rows.iter().map(|r| r.median_days).collect()
    }

    #[test]
    fn a_straight_path_reaches_every_stage_once() {
        let f = q1(&[
            mv(1, "2026-01-05", "", "lead"),
            mv(1, "2026-01-10", "lead", "contacted"),
            mv(1, "2026-01-20", "contacted", "needs"),
            mv(1, "2026-02-01", "needs", "proposal"),
            mv(1, "2026-02-10", "proposal", "negotiation"),
            mv(1, "2026-02-20", "negotiation", "won"),
        ]);
        let stages: Vec<&str> = f.rows.iter().map(|r| r.stage.as_str()).collect();
        assert_eq!(
            stages,
            [
                "lead",
                "contacted",
                "needs",
                "proposal",
                "negotiation",
                "won",
                "lost"
            ]
        );
        assert_eq!(reached(&f), [1, 1, 1, 1, 1, 1, 0]);
        let one = Some(1.0);
        assert_eq!(conversions(&f), [one, one, one, one, one, None, None]);
        // Stays: Jan 5→10 = 5, Jan 10→20 = 10, Jan 20→Feb 1 = 12,
        // Feb 1→10 = 9, Feb 10→20 = 10 days.
        let m = |x: f64| Some(x);
        assert_eq!(
            medians(&f),
            [m(5.0), m(10.0), m(12.0), m(9.0), m(10.0), None, None]
        );
        assert_eq!((f.won, f.lost, f.win_rate), (1, 0, Some(1.0)));
    }

    #[test]
    fn a_skipped_stage_counts_as_reached_but_has_no_stay() {
        let f = q1(&[
            // Deal 1 jumps from lead to proposal; deal 2 is created in needs.
            mv(1, "2026-01-05", "", "lead"),
            mv(1, "2026-01-10", "lead", "proposal"),
            mv(2, "2026-01-07", "", "needs"),
        ]);
        assert_eq!(reached(&f), [2, 2, 2, 1, 0, 0, 0]);
        // needs → proposal 1 of 2, proposal → negotiation 0 of 1, nobody
        // reached negotiation.
        assert_eq!(
            conversions(&f),
            [Some(1.0), Some(1.0), Some(0.5), Some(0.0), None, None, None]
        );
        // Only deal 1's lead stay (Jan 5→10) ended.
        assert_eq!(medians(&f), [Some(5.0), None, None, None, None, None, None]);
        assert_eq!(f.win_rate, None);
    }

    #[test]
    fn going_back_a_stage_counts_the_deal_once_and_every_stay() {
        let f = q1(&[
            mv(1, "2026-01-02", "", "lead"),
            mv(1, "2026-01-04", "lead", "contacted"),
            mv(1, "2026-01-10", "contacted", "needs"),
            mv(1, "2026-01-15", "needs", "contacted"),
            mv(1, "2026-01-25", "contacted", "needs"),
        ]);
        assert_eq!(reached(&f), [1, 1, 1, 0, 0, 0, 0]);
        // lead Jan 2→4 = 2; contacted Jan 4→10 = 6 and Jan 15→25 = 10, median
        // of two = 8; needs Jan 10→15 = 5 (the second stay has not ended).
        assert_eq!(
            medians(&f),
            [Some(2.0), Some(8.0), Some(5.0), None, None, None, None]
        );
    }

    #[test]
    fn moves_outside_the_period_do_not_count() {
        let f = q1(&[
            // Wholly before the period: created and won in late 2025.
            mv(1, "2025-11-01", "", "lead"),
            mv(1, "2025-12-01", "lead", "won"),
            mv(2, "2025-12-15", "", "needs"),
            mv(2, "2025-12-20", "needs", "lost"),
            // Wholly after it.
            mv(3, "2026-04-01", "", "negotiation"),
            mv(3, "2026-04-02", "negotiation", "won"),
        ]);
        assert_eq!(reached(&f), [0; 7]);
        assert_eq!(medians(&f), [None; 7]);
        assert_eq!((f.won, f.lost, f.win_rate), (0, 0, None));
    }

    #[test]
    fn a_deal_created_before_the_period_counts_what_it_did_in_it() {
        let f = q1(&[
            mv(1, "2025-12-20", "", "lead"),
            mv(1, "2025-12-28", "lead", "contacted"),
            mv(1, "2026-01-10", "contacted", "needs"),
            mv(1, "2026-04-05", "needs", "proposal"),
        ]);
        // Entering needs in January reaches lead, contacted and needs; the
        // move to proposal comes after the period.
        assert_eq!(reached(&f), [1, 1, 1, 0, 0, 0, 0]);
        // The contacted stay began before the period (Dec 28) and ended in it
        // (Jan 10): 13 days. The lead stay ended before, the needs stay after.
        assert_eq!(
            medians(&f),
            [None, Some(13.0), None, None, None, None, None]
        );
    }

    #[test]
    fn no_moves_give_the_empty_funnel() {
        let f = q1(&[]);
        assert_eq!(f.rows.len(), 7);
        assert_eq!(reached(&f), [0; 7]);
        assert_eq!(conversions(&f), [None; 7]);
        assert_eq!(medians(&f), [None; 7]);
        assert_eq!((f.won, f.lost, f.win_rate), (0, 0, None));
    }

    #[test]
    fn win_rate_is_won_over_closed_and_winning_reaches_every_stage() {
        let f = q1(&[
            mv(1, "2026-01-05", "", "lead"),
            mv(1, "2026-01-06", "lead", "won"),
            // History without its creation row still counts the win.
            mv(2, "2026-02-01", "proposal", "won"),
            mv(3, "2026-01-03", "", "lead"),
            mv(3, "2026-01-09", "lead", "lost"),
            // Lost before the period: not in the rate.
            mv(4, "2025-12-30", "needs", "lost"),
        ]);
        // lead: deals 1, 2 (by winning) and 3; every later stage 1 and 2.
        assert_eq!(reached(&f), [3, 2, 2, 2, 2, 2, 1]);
        // lead → contacted 2/3; negotiation → won 2/2.
        assert_eq!(
            conversions(&f),
            [
                Some(0.6667),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                None,
                None
            ]
        );
        assert_eq!((f.won, f.lost), (2, 1));
        assert_eq!(f.win_rate, Some(0.6667));
        // Lead stays Jan 5→6 = 1 and Jan 3→9 = 6: median 3.5. Deal 2's
        // proposal stay has no known start.
        assert_eq!(f.rows[0].median_days, Some(3.5));
        assert_eq!(f.rows[3].median_days, None);
    }

    #[test]
    fn medians_take_the_middle_stay_or_the_mean_of_the_two_middle_ones() {
        let f = q1(&[
            // Given newest first: the order of the input does not matter.
            mv(1, "2026-01-04", "lead", "contacted"),
            mv(1, "2026-01-01", "", "lead"),
            mv(2, "2026-01-01", "", "lead"),
            mv(2, "2026-01-11", "lead", "contacted"),
            mv(2, "2026-01-18", "contacted", "needs"),
            mv(3, "2026-01-01", "", "lead"),
            mv(3, "2026-01-05", "lead", "contacted"),
            mv(3, "2026-01-07", "contacted", "needs"),
            // Entered contacted at an unknown day: that stay is skipped.
            mv(4, "2026-01-20", "contacted", "needs"),
            // Same day: input order, so the stays are 0 in lead and in contacted.
            mv(5, "2026-02-01", "", "lead"),
            mv(5, "2026-02-01", "lead", "contacted"),
            mv(5, "2026-02-01", "contacted", "needs"),
        ]);
        // lead: 3, 10, 4, 0 → 0 3 4 10 → (3 + 4) / 2 = 3.5.
        // contacted: deal 2 7, deal 3 2, deal 5 0 → 0 2 7 → 2.
        assert_eq!(f.rows[0].median_days, Some(3.5));
        assert_eq!(f.rows[1].median_days, Some(2.0));
    }

    #[test]
    fn an_odd_number_of_stays_has_a_middle_one() {
        let f = q1(&[
            mv(1, "2026-01-01", "", "lead"),
            mv(1, "2026-01-04", "lead", "contacted"),
            mv(2, "2026-01-01", "", "lead"),
            mv(2, "2026-01-11", "lead", "contacted"),
            mv(3, "2026-01-01", "", "lead"),
            mv(3, "2026-01-05", "lead", "contacted"),
        ]);
        // 3, 10, 4 → 3 4 10 → 4.
        assert_eq!(f.rows[0].median_days, Some(4.0));
    }

    #[test]
    fn a_stage_the_rules_do_not_know_is_ignored() {
        let f = q1(&[
            mv(1, "2026-01-05", "", "lead"),
            mv(1, "2026-01-10", "lead", "demo"),
            mv(1, "2026-01-20", "demo", "contacted"),
            mv(2, "2026-01-05", "", "mystery"),
        ]);
        // No row for it; deal 2 reached nothing.
        assert_eq!(f.rows.len(), 7);
        assert_eq!(reached(&f), [1, 1, 0, 0, 0, 0, 0]);
        // lead Jan 5→10 = 5; the 10 days in `demo` belong to no row.
        assert_eq!(medians(&f), [Some(5.0), None, None, None, None, None, None]);
    }

    #[test]
    fn round4_keeps_four_decimals() {
        assert_eq!(round4(2.0 / 3.0), 0.6667);
        assert_eq!(round4(0.12344), 0.1234);
        assert_eq!(ratio(1, 0), None);
    }
}
