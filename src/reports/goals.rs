//! Sales targets (销售目标, SPEC §4): what each rep and the whole team
//! should win in a month or a quarter, how far they are, the pace the rest
//! of the period needs, and the weighted open pipeline dated in the period
//! that could close the gap. No SQL, no terminal; today is a parameter.
//!
//! Who is credited: a deal counts for the owner it has now (its `owner`
//! field), not the owner it had on the day it was won. The change log knows
//! every owner a deal had, but "who won it" is what a manager who reassigns
//! a won deal means to change, and the current owner is what every other
//! report shows; a goal that disagreed with `report owners` would be the
//! harder one to trust. An activity counts for its author, the person who
//! did the work, whoever owns the deal. A team goal counts everyone's.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use super::forecast::{from_hundredths, is_open, weight};
use super::{DealFact, Period};
use crate::domain::{Currency, Id, Money, WON};
use crate::rules::Rules;

/// The span a goal is set for: a calendar month or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GoalPeriod {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

impl GoalPeriod {
    /// `2026-12` or `2026-Q4` (`q4` too, and spaces around); `None` for
    /// anything else, a month 13 or a fifth quarter among them.
    pub fn parse(text: &str) -> Option<GoalPeriod> {
        let text = text.trim();
        let (year, rest) = text.split_once('-')?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let period = match rest.strip_prefix(['Q', 'q']) {
            Some(q) if q.len() == 1 => GoalPeriod::Quarter {
                year,
                quarter: q.parse().ok()?,
            },
            None if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) => {
                GoalPeriod::Month {
                    year,
                    month: rest.parse().ok()?,
                }
            }
            _ => return None,
        };
        // The first day exists exactly when the month or quarter does.
        period.first_day().map(|_| period)
    }

    /// The month `day` is in.
    pub fn month_of(day: NaiveDate) -> GoalPeriod {
        GoalPeriod::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The quarter `day` is in.
    pub fn quarter_of(day: NaiveDate) -> GoalPeriod {
        GoalPeriod::Quarter {
            year: day.year(),
            quarter: (day.month() - 1) / 3 + 1,
        }
    }

    fn first_day(self) -> Option<NaiveDate> {
        let (year, month) = match self {
            GoalPeriod::Month { year, month } if (1..=12).contains(&month) => (year, month),
            GoalPeriod::Quarter { year, quarter } if (1..=4).contains(&quarter) => {
                (year, (quarter - 1) * 3 + 1)
            }
            _ => return None,
        };
        NaiveDate::from_ymd_opt(year, month, 1)
    }

    /// Its first and last day, both included. A period that cannot be
    /// made (only [`GoalPeriod::parse`] and the `*_of` functions make
    /// them, so none) is the first day of the epoch, never a panic.
    pub fn days(self) -> Period {
        let months = match self {
            GoalPeriod::Month { .. } => 1,
            GoalPeriod::Quarter { .. } => 3,
        };
        let from = self.first_day().unwrap_or_default();
        let to = from
            .checked_add_months(chrono::Months::new(months))
            .and_then(|next| next.pred_opt())
            .unwrap_or(from);
        Period { from, to }
    }
}

impl fmt::Display for GoalPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoalPeriod::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            GoalPeriod::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
        }
    }
}

impl Serialize for GoalPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Mondays to Fridays from `from` to `to`, both included; none when `to`
/// is before `from`. Holidays are not known to tierdeck.
pub fn working_days(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let days = u32::try_from((to - from).num_days() + 1).unwrap_or(u32::MAX);
    let (weeks, rest) = (days / 7, days % 7);
    let first = from.weekday().num_days_from_monday();
    let in_rest = (0..rest).filter(|i| (first + i) % 7 < 5).count();
    weeks * 5 + in_rest as u32
}

/// The working days of `period` still ahead on `today`, today included
/// (its work is not done yet); all of them before the period starts.
pub fn working_days_left(period: Period, today: NaiveDate) -> u32 {
    working_days(period.from.max(today), period.to)
}

/// What a goal measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Won amount, in minor units of one currency.
    WonAmount,
    WonDeals,
    Activities,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::WonAmount => "won_amount",
            Measure::WonDeals => "won_deals",
            Measure::Activities => "activities",
        }
    }
}

/// A target for one rep, or for the whole team (an empty owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub id: Id,
    pub owner: String,
    pub period: GoalPeriod,
    /// Won amount, in the currency given with it.
    pub won_amount: Option<(Money, Currency)>,
    pub won_deals: Option<i64>,
    pub activities: Option<i64>,
    pub updated_by: String,
    pub version: i64,
}

impl Goal {
    pub fn is_team(&self) -> bool {
        self.owner.is_empty()
    }
}

/// An activity as goals count it: who logged it, on which (local) day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFact {
    pub author: Arc<str>,
    pub on: NaiveDate,
}

/// The pace a gap needs per working day: money rounded up to the minor
/// unit (a pace that falls short by a cent is no pace), counts to a tenth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    Minor(i64),
    Count(f64),
}

impl Serialize for Pace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Pace::Minor(m) => s.serialize_i64(*m),
            Pace::Count(c) => s.serialize_f64(*c),
        }
    }
}

/// One measure of one goal, in one currency for amounts. A rep's won
/// amounts in other currencies than the target's get rows of their own
/// with no target: they are not added to it, nor converted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalRow {
    /// None on a team total worked out from the reps' goals.
    pub goal_id: Option<Id>,
    /// Empty for the team.
    pub owner: String,
    pub team: bool,
    pub period: GoalPeriod,
    pub measure: Measure,
    /// The currency of an amount row; none for counts.
    pub currency: Option<Currency>,
    /// Minor units for an amount, else a count; none on a row of a
    /// currency the goal has no target in.
    pub target: Option<i64>,
    pub attained: i64,
    /// Whole percent of the target, rounded down (99.6% is not there yet).
    pub percent: Option<i64>,
    /// What is still missing; zero once the target is met.
    pub gap: Option<i64>,
    pub working_days_left: u32,
    /// The gap over the working days left; none once the period is over
    /// with a gap left, zero when there is none.
    pub pace_per_day: Option<Pace>,
    /// Open deals with an expected close in the period (amount rows: in
    /// that currency).
    pub pipeline_deals: Option<usize>,
    /// Σ amount × stage probability of those deals (amount rows only).
    pub pipeline_weighted_minor: Option<Money>,
}

/// Every measure of every goal in `goals`, reps by name and the team last
/// (the total under the reps), each goal's measures in the order of
/// [`Measure`]. `deals` are every deal not deleted; `activities` those in
/// force (not corrected, not retracted).
///
/// A period with goals of two reps or more and no team goal gets a team
/// total all the same, with no goal id: per measure (and currency), the sum of the reps'
/// targets against the sum of what they attained, so that the total says
/// how the reps with goals do together.
pub fn goal_rows(
    goals: &[Goal],
    deals: &[DealFact],
    activities: &[ActivityFact],
    rules: &Rules,
    today: NaiveDate,
) -> Vec<GoalRow> {
    let mut rows = rows_of_goals(goals, deals, activities, rules, today);
    let mut periods: Vec<GoalPeriod> = rows.iter().map(|r| r.period).collect();
    periods.sort();
    periods.dedup();
    for period in periods {
        let mut reps: Vec<&str> = rows
            .iter()
            .filter(|r| r.period == period)
            .map(|r| r.owner.as_str())
            .collect();
        reps.dedup();
        // One rep's total would only say the same again.
        if reps.len() < 2 || reps.contains(&"") {
            continue;
        }
        let mut totals: Vec<GoalRow> = Vec::new();
        for row in rows.iter().filter(|r| r.period == period) {
            let same = |t: &&mut GoalRow| t.measure == row.measure && t.currency == row.currency;
            match totals.iter_mut().find(same) {
                Some(total) => {
                    total.target = match (total.target, row.target) {
                        (None, None) => None,
                        (a, b) => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
                    };
                    total.attained = total.attained.saturating_add(row.attained);
                    total.pipeline_deals = sum(total.pipeline_deals, row.pipeline_deals);
                    total.pipeline_weighted_minor = total
                        .pipeline_weighted_minor
                        .zip(row.pipeline_weighted_minor)
                        .map(|(a, b)| Money(a.minor().saturating_add(b.minor())));
                }
                None => totals.push(GoalRow {
                    goal_id: None,
                    owner: String::new(),
                    team: true,
                    ..row.clone()
                }),
            }
        }
        for total in &mut totals {
            let left = total.working_days_left;
            *total = with_progress(total.clone(), left);
        }
        totals.sort_by_key(|t| (t.measure, t.currency));
        rows.extend(totals);
    }
    // Reps' rows by name, then the team's, by period (a stable sort keeps
    // each goal's measures in order).
    rows.sort_by(|a, b| (a.team, &a.owner, a.period).cmp(&(b.team, &b.owner, b.period)));
    rows
}

fn sum(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    a.zip(b).map(|(a, b)| a.saturating_add(b))
}

/// The percent, gap and pace of a row from its target and what it attained.
fn with_progress(row: GoalRow, left: u32) -> GoalRow {
    let gap = row.target.map(|t| (t - row.attained).max(0));
    GoalRow {
        percent: row.target.filter(|t| *t > 0).map(|t| {
            i64::try_from(i128::from(row.attained) * 100 / i128::from(t)).unwrap_or(i64::MAX)
        }),
        gap,
        pace_per_day: gap.and_then(|gap| pace(row.measure, gap, left)),
        ..row
    }
}

fn rows_of_goals(
    goals: &[Goal],
    deals: &[DealFact],
    activities: &[ActivityFact],
    rules: &Rules,
    today: NaiveDate,
) -> Vec<GoalRow> {
    let mut sorted: Vec<&Goal> = goals.iter().collect();
    sorted.sort_by(|a, b| {
        (a.is_team(), &a.owner, a.period, a.id).cmp(&(b.is_team(), &b.owner, b.period, b.id))
    });
    let mut rows = Vec::new();
    for goal in sorted {
        let days = goal.period.days();
        let left = working_days_left(days, today);
        let mine = |owner: &str| goal.is_team() || owner == goal.owner;
        let base = |measure, currency, target: Option<i64>, attained: i64| {
            let row = GoalRow {
                goal_id: Some(goal.id),
                owner: goal.owner.clone(),
                team: goal.is_team(),
                period: goal.period,
                measure,
                currency,
                target,
                attained,
                percent: None,
                gap: None,
                working_days_left: left,
                pace_per_day: None,
                pipeline_deals: None,
                pipeline_weighted_minor: None,
            };
            with_progress(row, left)
        };
        let won: Vec<&DealFact> = deals
            .iter()
            .filter(|d| &*d.stage == WON && mine(&d.owner))
            .filter(|d| d.closed_on.is_some_and(|on| days.contains(on)))
            .collect();
        let pipeline: Vec<&DealFact> = deals
            .iter()
            .filter(|d| is_open(d) && mine(&d.owner))
            .filter(|d| d.expected_close.is_some_and(|on| days.contains(on)))
            .collect();
        if let Some((target, currency)) = goal.won_amount {
            // The target's currency first, then every other one the rep won
            // or could win in this period, in code order.
            let others: BTreeSet<Currency> = won
                .iter()
                .chain(&pipeline)
                .map(|d| d.currency)
                .filter(|c| *c != currency)
                .collect();
            let target = [(currency, Some(target.minor()))];
            for (c, target) in target
                .into_iter()
                .chain(others.into_iter().map(|c| (c, None)))
            {
                let attained: i128 = won
                    .iter()
                    .filter(|d| d.currency == c)
                    .map(|d| i128::from(d.amount.minor()))
                    .sum();
                let open: Vec<&&DealFact> = pipeline.iter().filter(|d| d.currency == c).collect();
                let weighted: i128 = open.iter().map(|d| weight(d, rules)).sum();
                rows.push(GoalRow {
                    pipeline_deals: Some(open.len()),
                    pipeline_weighted_minor: Some(from_hundredths(weighted)),
                    ..base(
                        Measure::WonAmount,
                        Some(c),
                        target,
                        Money::saturating(attained).minor(),
                    )
                });
            }
        }
        if let Some(target) = goal.won_deals {
            let count = i64::try_from(won.len()).unwrap_or(i64::MAX);
            rows.push(GoalRow {
                pipeline_deals: Some(pipeline.len()),
                ..base(Measure::WonDeals, None, Some(target), count)
            });
        }
        if let Some(target) = goal.activities {
            let count = activities
                .iter()
                .filter(|a| mine(&a.author) && days.contains(a.on))
                .count();
            let count = i64::try_from(count).unwrap_or(i64::MAX);
            rows.push(base(Measure::Activities, None, Some(target), count));
        }
    }
    rows
}

/// The gap spread over the working days left.
fn pace(measure: Measure, gap: i64, left: u32) -> Option<Pace> {
    if gap == 0 {
        return Some(match measure {
            Measure::WonAmount => Pace::Minor(0),
            _ => Pace::Count(0.0),
        });
    }
    if left == 0 {
        return None;
    }
    let left = i64::from(left);
    Some(match measure {
        Measure::WonAmount => Pace::Minor(gap.div_euclid(left) + i64::from(gap % left != 0)),
        _ => Pace::Count((gap as f64 / left as f64 * 10.0).ceil() / 10.0),
    })
}

/// The goals of people and of the team that are in force on `today`: the
/// month's and the quarter's.
pub fn in_force(goals: &[Goal], today: NaiveDate) -> Vec<Goal> {
    let now = [GoalPeriod::month_of(today), GoalPeriod::quarter_of(today)];
    goals
        .iter()
        .filter(|g| now.contains(&g.period))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Grade, LOST};

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn p(text: &str) -> GoalPeriod {
        GoalPeriod::parse(text).expect("test periods are valid")
    }

    fn span(text: &str) -> (String, String) {
        let days = p(text).days();
        (days.from.to_string(), days.to.to_string())
    }

    fn deal(owner: &str, stage: &str, amount: i64, close: &str, closed: &str) -> DealFact {
        deal_in(owner, stage, amount, Currency::CNY, close, closed)
    }

    fn deal_in(
        owner: &str,
        stage: &str,
        amount: i64,
        currency: Currency,
        close: &str,
        closed: &str,
    ) -> DealFact {
        DealFact {
            id: Id::new(),
            stage: stage.into(),
            grade: Grade::B,
            amount: Money(amount),
            currency,
            expected_close: (!close.is_empty()).then(|| d(close)),
            owner: owner.into(),
            closed_on: (!closed.is_empty()).then(|| d(closed)),
            stale: false,
        }
    }

    fn usd() -> Currency {
        "USD".parse().expect("USD is a currency")
    }

    fn goal(owner: &str, period: &str) -> Goal {
        Goal {
            id: Id::derived(&[owner, period]),
            owner: owner.into(),
            period: p(period),
            won_amount: None,
            won_deals: None,
            activities: None,
            updated_by: "manager".into(),
            version: 1,
        }
    }

    fn activity(author: &str, on: &str) -> ActivityFact {
        ActivityFact {
            author: author.into(),
            on: d(on),
        }
    }

    fn rows(
        goals: &[Goal],
        deals: &[DealFact],
        acts: &[ActivityFact],
        today: &str,
    ) -> Vec<GoalRow> {
        goal_rows(goals, deals, acts, &Rules::defaults(), d(today))
    }

    /// (owner, measure, currency, target, attained, percent, gap)
    type Short = (
        String,
        &'static str,
        String,
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
    );

    fn short(rows: &[GoalRow]) -> Vec<Short> {
        rows.iter()
            .map(|r| {
                (
                    r.owner.clone(),
                    r.measure.as_str(),
                    r.currency.map(|c| c.to_string()).unwrap_or_default(),
                    r.target,
                    r.attained,
                    r.percent,
                    r.gap,
                )
            })
            .collect()
    }

    #[test]
    fn months_and_quarters_are_read_as_written_and_nothing_else() {
        assert_eq!(
            p("2026-12"),
            GoalPeriod::Month {
                year: 2026,
                month: 12
            }
        );
        assert_eq!(
            p(" 2026-q4 "),
            GoalPeriod::Quarter {
                year: 2026,
                quarter: 4
            }
        );
        assert_eq!(p("2026-Q1").to_string(), "2026-Q1");
        assert_eq!(p("2026-03").to_string(), "2026-03");
        for bad in [
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-1",
            "26-12",
            "2026/12",
            "2026-Q",
            "2026-Q12",
            "",
            "Q4",
            "2026-12-01",
            "２０２６-12",
        ] {
            assert_eq!(GoalPeriod::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day_leap_years_included() {
        assert_eq!(span("2026-12"), ("2026-12-01".into(), "2026-12-31".into()));
        assert_eq!(span("2026-02"), ("2026-02-01".into(), "2026-02-28".into()));
        assert_eq!(span("2028-02"), ("2028-02-01".into(), "2028-02-29".into()));
        assert_eq!(span("2100-02"), ("2100-02-01".into(), "2100-02-28".into()));
        assert_eq!(span("2000-02"), ("2000-02-01".into(), "2000-02-29".into()));
        assert_eq!(span("2026-04"), ("2026-04-01".into(), "2026-04-30".into()));
    }

    #[test]
    fn a_quarter_runs_over_its_three_months() {
        assert_eq!(span("2026-Q1"), ("2026-01-01".into(), "2026-03-31".into()));
        assert_eq!(span("2026-Q2"), ("2026-04-01".into(), "2026-06-30".into()));
        assert_eq!(span("2026-Q3"), ("2026-07-01".into(), "2026-09-30".into()));
        assert_eq!(span("2026-Q4"), ("2026-10-01".into(), "2026-12-31".into()));
        assert_eq!(GoalPeriod::quarter_of(d("2026-11-15")), p("2026-Q4"));
        assert_eq!(GoalPeriod::quarter_of(d("2026-01-01")), p("2026-Q1"));
        assert_eq!(GoalPeriod::quarter_of(d("2026-03-31")), p("2026-Q1"));
        assert_eq!(GoalPeriod::quarter_of(d("2026-04-01")), p("2026-Q2"));
        assert_eq!(GoalPeriod::month_of(d("2028-02-29")), p("2028-02"));
    }

    #[test]
    fn working_days_are_mondays_to_fridays_both_ends_included() {
        // 2026-12-01 is a Tuesday; December 2026 has 23 working days.
        assert_eq!(working_days(d("2026-12-01"), d("2026-12-31")), 23);
        assert_eq!(
            working_days(d("2026-12-05"), d("2026-12-06")),
            0,
            "a weekend"
        );
        assert_eq!(
            working_days(d("2026-12-04"), d("2026-12-04")),
            1,
            "a Friday"
        );
        assert_eq!(working_days(d("2026-12-07"), d("2026-12-13")), 5, "a week");
        assert_eq!(
            working_days(d("2026-12-31"), d("2026-12-01")),
            0,
            "backwards"
        );
        // Q4 2026: October 22, November 21, December 23.
        assert_eq!(working_days(d("2026-10-01"), d("2026-12-31")), 66);
        // Checked against counting day by day.
        let (from, to) = (d("2026-01-01"), d("2028-12-31"));
        let mut day = from;
        let mut counted = 0;
        while day <= to {
            let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            counted += u32::from(!weekend);
            day = day.succ_opt().expect("within chrono's range");
        }
        assert_eq!(working_days(from, to), counted);
    }

    #[test]
    fn days_left_count_today_and_none_once_the_period_is_over() {
        let december = p("2026-12").days();
        // Wednesday 2026-12-30: the 30th and 31st.
        assert_eq!(working_days_left(december, d("2026-12-30")), 2);
        // Saturday 2026-12-26: Monday 28th to Thursday 31st.
        assert_eq!(working_days_left(december, d("2026-12-26")), 4);
        assert_eq!(working_days_left(december, d("2027-01-01")), 0);
        assert_eq!(
            working_days_left(december, d("2026-11-20")),
            23,
            "ahead of it"
        );
    }

    #[test]
    fn won_amount_counts_wins_closed_in_the_period_in_the_target_s_currency() {
        let mut ann = goal("ann", "2026-12");
        ann.won_amount = Some((Money(100_000), Currency::CNY));
        let deals = [
            deal("ann", "won", 30_000, "", "2026-12-01"), // its first day
            deal("ann", "won", 10_000, "", "2026-12-31"), // its last day
            deal("ann", "won", 50_000, "", "2026-11-30"), // the day before
            deal("ann", "won", 50_000, "", "2027-01-01"), // the day after
            deal("ann", "lost", 99_000, "", "2026-12-10"), // lost counts nothing
            deal("bob", "won", 70_000, "", "2026-12-10"), // someone else's
        ];
        // Thursday 2026-12-10: 16 working days left, the 10th included.
        let found = rows(&[ann], &deals, &[], "2026-12-10");
        assert_eq!(
            short(&found),
            [(
                "ann".into(),
                "won_amount",
                "CNY".into(),
                Some(100_000),
                40_000,
                Some(40),
                Some(60_000)
            )]
        );
        assert_eq!(found[0].working_days_left, 16);
        // 60,000 over 16 days is 3,750 a day.
        assert_eq!(found[0].pace_per_day, Some(Pace::Minor(3_750)));
    }

    #[test]
    fn a_goal_set_mid_period_counts_the_whole_period() {
        // Set on the 20th, for the month: what was won on the 2nd counts.
        let mut ann = goal("ann", "2026-12");
        ann.won_deals = Some(4);
        let deals = [
            deal("ann", "won", 1, "", "2026-12-02"),
            deal("ann", "won", 1, "", "2026-12-21"),
        ];
        let found = rows(&[ann], &deals, &[], "2026-12-21");
        assert_eq!(found[0].attained, 2);
        assert_eq!(found[0].percent, Some(50));
        // 2 more over the 9 working days from Monday 21st: 0.23 → 0.3 a day.
        assert_eq!(found[0].working_days_left, 9);
        assert_eq!(found[0].pace_per_day, Some(Pace::Count(0.3)));
    }

    #[test]
    fn each_deal_and_activity_counts_once_in_its_own_rep_s_goal_and_in_the_team_s() {
        let mut ann = goal("ann", "2026-12");
        ann.won_deals = Some(2);
        ann.activities = Some(10);
        let mut bob = goal("bob", "2026-12");
        bob.won_deals = Some(2);
        bob.activities = Some(10);
        let mut team = goal("", "2026-12");
        team.won_deals = Some(5);
        team.activities = Some(20);
        // A quarterly goal of ann's counts the same deal again, in its own goal.
        let mut ann_q = goal("ann", "2026-Q4");
        ann_q.won_deals = Some(6);
        let deals = [
            deal("ann", "won", 1, "", "2026-12-03"),
            deal("bob", "won", 1, "", "2026-12-04"),
            deal("bob", "won", 1, "", "2026-12-05"),
            deal("", "won", 1, "", "2026-12-06"), // nobody's: the team's only
            deal("ann", "won", 1, "", "2026-10-06"),
        ];
        let acts = [
            activity("ann", "2026-12-01"),
            activity("ann", "2026-12-02"),
            activity("bob", "2026-12-02"),
            activity("carl", "2026-12-03"), // no goal of his own
            activity("ann", "2026-11-30"),
        ];
        let found = rows(&[team, bob, ann_q, ann], &deals, &acts, "2026-12-07");
        let attained: Vec<(String, String, &str, i64)> = found
            .iter()
            .map(|r| {
                (
                    r.owner.clone(),
                    r.period.to_string(),
                    r.measure.as_str(),
                    r.attained,
                )
            })
            .collect();
        let row = |o: &str, p: &str, m, a| (o.to_string(), p.to_string(), m, a);
        assert_eq!(
            attained,
            [
                row("ann", "2026-12", "won_deals", 1),
                row("ann", "2026-12", "activities", 2),
                row("ann", "2026-Q4", "won_deals", 2),
                row("bob", "2026-12", "won_deals", 2),
                row("bob", "2026-12", "activities", 1),
                row("", "2026-12", "won_deals", 4),
                row("", "2026-12", "activities", 4),
            ]
        );
        // Met and passed: no gap, no pace needed.
        let bob_deals = &found[3];
        assert_eq!((bob_deals.gap, bob_deals.percent), (Some(0), Some(100)));
        assert_eq!(bob_deals.pace_per_day, Some(Pace::Count(0.0)));
    }

    #[test]
    fn a_deal_moved_to_another_owner_counts_for_the_owner_it_has_now() {
        // Won by ann, then handed to bob (the facts hold the owner as it is
        // now): bob's goal has it, ann's does not.
        let mut ann = goal("ann", "2026-12");
        ann.won_deals = Some(1);
        let mut bob = goal("bob", "2026-12");
        bob.won_deals = Some(1);
        let moved = deal("bob", "won", 5_000, "", "2026-12-02");
        let found = rows(&[ann, bob], &[moved], &[], "2026-12-07");
        assert_eq!(found[0].attained, 0, "ann");
        assert_eq!(found[1].attained, 1, "bob");
    }

    #[test]
    fn the_open_pipeline_dated_in_the_period_is_weighted_beside_the_gap() {
        let mut ann = goal("ann", "2026-12");
        ann.won_amount = Some((Money(100_000), Currency::CNY));
        ann.won_deals = Some(3);
        let deals = [
            deal("ann", "proposal", 10_000, "2026-12-20", ""), // 60%
            deal("ann", "negotiation", 5_000, "2026-12-31", ""), // 80%
            deal("ann", "lead", 1_000, "2026-11-30", ""),      // dated before
            deal("ann", "lead", 1_000, "2027-01-04", ""),      // dated after
            deal("ann", "lead", 1_000, "", ""),                // undated
            deal("bob", "proposal", 8_000, "2026-12-20", ""),  // bob's
            deal("ann", "won", 7_000, "2026-12-15", "2026-12-03"), // won, not open
            deal("ann", LOST, 7_000, "2026-12-15", "2026-12-03"),
        ];
        let found = rows(&[ann], &deals, &[], "2026-12-07");
        assert_eq!(found[0].pipeline_deals, Some(2));
        assert_eq!(found[0].pipeline_weighted_minor, Some(Money(10_000)));
        assert_eq!(found[0].gap, Some(93_000));
        assert_eq!(found[1].measure, Measure::WonDeals);
        assert_eq!(found[1].pipeline_deals, Some(2));
        assert_eq!(found[1].pipeline_weighted_minor, None);
    }

    #[test]
    fn amounts_in_other_currencies_get_rows_of_their_own_never_added() {
        let mut ann = goal("ann", "2026-12");
        ann.won_amount = Some((Money(100_000), Currency::CNY));
        let deals = [
            deal("ann", "won", 20_000, "", "2026-12-02"),
            deal_in("ann", "won", 3_000, usd(), "", "2026-12-02"),
            deal_in("ann", "proposal", 1_000, usd(), "2026-12-20", ""),
        ];
        let found = rows(&[ann], &deals, &[], "2026-12-07");
        assert_eq!(
            short(&found),
            [
                (
                    "ann".into(),
                    "won_amount",
                    "CNY".into(),
                    Some(100_000),
                    20_000,
                    Some(20),
                    Some(80_000)
                ),
                (
                    "ann".into(),
                    "won_amount",
                    "USD".into(),
                    None,
                    3_000,
                    None,
                    None
                ),
            ]
        );
        assert_eq!(found[0].pipeline_deals, Some(0));
        assert_eq!(found[1].pipeline_weighted_minor, Some(Money(600)));
        assert_eq!(found[1].pace_per_day, None, "no target, no pace");
    }

    #[test]
    fn after_the_period_a_gap_left_has_no_pace_and_ahead_of_it_all_days_count() {
        let mut ann = goal("ann", "2026-11");
        ann.won_deals = Some(2);
        let over = rows(std::slice::from_ref(&ann), &[], &[], "2026-12-07");
        assert_eq!((over[0].working_days_left, over[0].pace_per_day), (0, None));
        let ahead = rows(&[ann], &[], &[], "2026-10-15");
        // November 2026 has 21 working days: 2 over 21 is 0.095 → 0.1.
        assert_eq!(ahead[0].working_days_left, 21);
        assert_eq!(ahead[0].pace_per_day, Some(Pace::Count(0.1)));
    }

    #[test]
    fn a_pace_of_money_is_rounded_up_to_the_cent() {
        assert_eq!(pace(Measure::WonAmount, 100, 3), Some(Pace::Minor(34)));
        assert_eq!(pace(Measure::WonAmount, 99, 3), Some(Pace::Minor(33)));
        assert_eq!(pace(Measure::Activities, 10, 4), Some(Pace::Count(2.5)));
    }

    #[test]
    fn goals_in_force_are_this_month_s_and_this_quarter_s() {
        let goals = [
            goal("ann", "2026-12"),
            goal("ann", "2026-Q4"),
            goal("ann", "2026-11"),
            goal("ann", "2027-Q1"),
        ];
        let now: Vec<String> = in_force(&goals, d("2026-12-07"))
            .iter()
            .map(|g| g.period.to_string())
            .collect();
        assert_eq!(now, ["2026-12", "2026-Q4"]);
    }

    #[test]
    fn reps_goals_without_a_team_goal_get_a_team_total() {
        let mut ann = goal("ann", "2026-12");
        ann.won_amount = Some((Money(100_000), Currency::CNY));
        ann.won_deals = Some(2);
        let mut bob = goal("bob", "2026-12");
        bob.won_amount = Some((Money(50_000), Currency::CNY));
        let deals = [
            deal("ann", "won", 30_000, "", "2026-12-02"),
            deal("bob", "won", 45_000, "", "2026-12-03"),
            deal_in("bob", "won", 1_000, usd(), "", "2026-12-03"),
            deal("carl", "won", 99_000, "", "2026-12-03"), // no goal: not in the total
            deal("bob", "proposal", 10_000, "2026-12-20", ""),
        ];
        let found = rows(&[bob, ann], &deals, &[], "2026-12-07");
        let totals: Vec<&GoalRow> = found.iter().filter(|r| r.team).collect();
        assert_eq!(
            short(&found[found.len() - totals.len()..]),
            [
                (
                    "".into(),
                    "won_amount",
                    "CNY".into(),
                    Some(150_000),
                    75_000,
                    Some(50),
                    Some(75_000)
                ),
                (
                    "".into(),
                    "won_amount",
                    "USD".into(),
                    None,
                    1_000,
                    None,
                    None
                ),
                (
                    "".into(),
                    "won_deals",
                    "".into(),
                    Some(2),
                    1,
                    Some(50),
                    Some(1)
                ),
            ]
        );
        assert!(totals.iter().all(|t| t.goal_id.is_none()));
        assert_eq!(totals[0].pipeline_weighted_minor, Some(Money(6_000)));
        // 75,000 over 19 working days from Monday 7th: 3,947.37 → 3,948.
        assert_eq!(totals[0].pace_per_day, Some(Pace::Minor(3_948)));
        // A team goal of its own is the total: none is made up beside it.
        let mut team = goal("", "2026-12");
        team.won_deals = Some(9);
        let mut ann = goal("ann", "2026-12");
        ann.won_deals = Some(2);
        let mut bob = goal("bob", "2026-12");
        bob.won_deals = Some(2);
        let found = rows(&[ann, bob, team], &deals, &[], "2026-12-07");
        assert_eq!(found.iter().filter(|r| r.team).count(), 1);
        assert_eq!(found.last().map(|r| r.attained), Some(4), "everyone's wins");
    }

    #[test]
    fn no_goals_no_rows() {
        let deals = [deal("ann", "won", 1, "", "2026-12-02")];
        assert!(rows(&[], &deals, &[], "2026-12-07").is_empty());
    }
}
