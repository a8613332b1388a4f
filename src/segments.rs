//! Who matters most: an account's value tier (ABC, the 80/20 rule), its
//! lifecycle, purchase behaviour and risk, worked out from its wins and its
//! activity. Plain functions over plain values and a date: no SQL, no clock.

use chrono::NaiveDate;

use crate::domain::{Behaviour, Lifecycle, Money, RiskReason, Satisfaction, ValueTier};
use crate::rules::{LifecycleRules, TierMode, TierRules, sub_days, sub_months};

/// What an account's segments are decided from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    /// Close day and amount of every deal it won.
    pub wins: Vec<(NaiveDate, Money)>,
    pub has_open_deals: bool,
    /// The day of its latest activity, on any of its deals or itself.
    pub last_activity: Option<NaiveDate>,
    /// The day it was added: the start of its quiet time when it has no activity.
    pub added_on: NaiveDate,
    pub satisfaction: Satisfaction,
}

/// An account's segments for one day; the value tier needs every account's
/// revenue and comes from [`Thresholds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments {
    /// Won in the value-tier window.
    pub revenue: Money,
    pub lifecycle: Lifecycle,
    pub behaviour: Behaviour,
    /// Empty when the account is not at risk.
    pub risks: Vec<RiskReason>,
}

pub fn assess(
    facts: &AccountFacts,
    tiers: &TierRules,
    rules: &LifecycleRules,
    today: NaiveDate,
) -> Segments {
    // A win dated after today has not happened yet on the day being planned.
    let wins = || facts.wins.iter().filter(|(day, _)| *day <= today);
    let revenue_from = sub_months(today, tiers.window_months);
    // Summed wide: amounts come from users and files, and their sum must
    // saturate, not wrap.
    let sum: i128 = wins()
        .filter(|(day, _)| *day >= revenue_from)
        .map(|(_, amount)| i128::from(amount.minor()))
        .sum();
    let revenue = Money::saturating(sum);
    let active_from = sub_months(today, rules.active_within_months);
    let first_win = wins().map(|(day, _)| *day).min();
    let recent_wins = wins().filter(|(day, _)| *day >= active_from).count();
    let lifecycle = match first_win {
        None => Lifecycle::Prospect,
        Some(first) if first >= sub_days(today, rules.new_within_days) => Lifecycle::New,
        Some(_) if recent_wins > 0 => Lifecycle::Active,
        Some(_) => Lifecycle::Churned,
    };
    let behaviour = match (first_win, recent_wins) {
        (None, _) => Behaviour::Never,
        (Some(_), n) if n >= rules.frequent_wins as usize => Behaviour::Frequent,
        // Older wins only still make a buyer, one the lifecycle calls churned.
        (Some(_), _) => Behaviour::Occasional,
    };
    let mut risks = Vec::new();
    if facts.has_open_deals || recent_wins > 0 {
        if quiet_days(facts, today) >= i64::from(rules.quiet_days) {
            risks.push(RiskReason::Quiet);
        }
        if facts.satisfaction == Satisfaction::Dissatisfied {
            risks.push(RiskReason::Dissatisfied);
        }
    }
    Segments {
        revenue,
        lifecycle,
        behaviour,
        risks,
    }
}

impl AccountFacts {
    /// Its latest activity, or the day it was added: when it went quiet.
    pub fn quiet_since(&self) -> NaiveDate {
        self.last_activity.unwrap_or(self.added_on)
    }
}

/// Days since the account's latest activity, or since it was added.
pub fn quiet_days(facts: &AccountFacts, today: NaiveDate) -> i64 {
    days_since(facts.quiet_since(), today)
}

/// Whole days from `since` to `today`; none when `since` is later (a day
/// planned with `--today` in the past).
pub fn days_since(since: NaiveDate, today: NaiveDate) -> i64 {
    (today - since).num_days().max(0)
}

/// Where value tiers A and B end in revenue: an account with at least `a` is
/// A, with at least `b` B, with any revenue C. Ties in revenue thus always
/// share a tier, the higher one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub a: Money,
    pub b: Money,
}

impl Thresholds {
    /// The boundaries for these revenues (in any order; accounts without
    /// revenue are left out). `None` when no account has revenue.
    pub fn from_revenues(revenues: &[Money], mode: TierMode) -> Option<Thresholds> {
        let ranked = rank(revenues);
        if ranked.is_empty() {
            return None;
        }
        let n = ranked.len();
        let at_rank = |percent: u32| ranked[ceil_percent(n, percent).clamp(1, n) - 1];
        Some(match mode {
            TierMode::Rank {
                a_percent,
                b_percent,
            } => Thresholds {
                a: at_rank(a_percent),
                b: at_rank(b_percent),
            },
            TierMode::Share {
                a_percent,
                b_percent,
            } => {
                let total: i128 = ranked.iter().map(|m| i128::from(m.minor())).sum();
                // The fewest accounts that bring the share: an account is in
                // while the accounts ranked above it bring less than that.
                let last_within = |percent: u32| {
                    let mut above: i128 = 0;
                    let mut found = ranked[0];
                    for &revenue in &ranked {
                        if above * 100 >= total * i128::from(percent) {
                            break;
                        }
                        found = revenue;
                        above += i128::from(revenue.minor());
                    }
                    found
                };
                Thresholds {
                    a: last_within(a_percent),
                    b: last_within(b_percent),
                }
            }
        })
    }

    pub fn tier(&self, revenue: Money) -> Option<ValueTier> {
        if revenue.minor() <= 0 {
            None
        } else if revenue >= self.a {
            Some(ValueTier::A)
        } else if revenue >= self.b {
            Some(ValueTier::B)
        } else {
            Some(ValueTier::C)
        }
    }
}

/// The revenues that count, highest first.
fn rank(revenues: &[Money]) -> Vec<Money> {
    let mut ranked: Vec<Money> = revenues.iter().copied().filter(|m| m.minor() > 0).collect();
    ranked.sort_unstable_by(|x, y| y.cmp(x));
    ranked
}

/// ⌈percent% × n⌉.
fn ceil_percent(n: usize, percent: u32) -> usize {
    (n * percent as usize).div_ceil(100)
}

/// The 80/20 headline: what share of revenue the top accounts bring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pareto {
    /// Accounts with revenue.
    pub ranked: usize,
    /// The top ⌈top_percent% × ranked⌉ of them.
    pub top: usize,
    pub top_percent: u32,
    /// Their share of all revenue, 0 to 1.
    pub share: f64,
}

pub fn pareto(revenues: &[Money], top_percent: u32) -> Option<Pareto> {
    let ranked = rank(revenues);
    if ranked.is_empty() {
        return None;
    }
    let top = ceil_percent(ranked.len(), top_percent).clamp(1, ranked.len());
    let sum = |rows: &[Money]| rows.iter().map(|m| m.minor() as f64).sum::<f64>();
    Some(Pareto {
        ranked: ranked.len(),
        top,
        top_percent,
        share: sum(&ranked[..top]) / sum(&ranked),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn money(list: &[i64]) -> Vec<Money> {
        list.iter().map(|&m| Money(m)).collect()
    }

    const RANK: TierMode = TierMode::Rank {
        a_percent: 20,
        b_percent: 50,
    };
    const SHARE: TierMode = TierMode::Share {
        a_percent: 80,
        b_percent: 95,
    };

    fn tiers(revenues: &[i64], mode: TierMode) -> Vec<Option<ValueTier>> {
        let revenues = money(revenues);
        let Some(t) = Thresholds::from_revenues(&revenues, mode) else {
            return vec![None; revenues.len()];
        };
        revenues.iter().map(|&r| t.tier(r)).collect()
    }

    use ValueTier::{A, B, C};

    #[test]
    fn rank_mode_takes_the_ceiling_of_20_and_50_percent() {
        // Ten ranked accounts: ⌈2⌉ A, up to ⌈5⌉ B, five C.
        let revenues = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
        let expected = [A, A, B, B, B, C, C, C, C, C].map(Some);
        assert_eq!(tiers(&revenues, RANK), expected);
        // Seven: ⌈1.4⌉ = 2 A, ⌈3.5⌉ = 4 within B.
        let revenues = [70, 60, 50, 40, 30, 20, 10];
        assert_eq!(
            tiers(&revenues, RANK),
            [A, A, B, B, C, C, C].map(Some).to_vec()
        );
    }

    #[test]
    fn ties_in_revenue_go_to_the_higher_tier() {
        // ⌈20% × 5⌉ = 1 A, but the second has the same revenue as the first.
        let revenues = [50, 50, 30, 30, 10];
        assert_eq!(tiers(&revenues, RANK), [A, A, B, B, C].map(Some).to_vec());
        // Every account the same: all A.
        assert_eq!(tiers(&[7, 7, 7], RANK), vec![Some(A); 3]);
    }

    #[test]
    fn one_account_is_a_and_no_revenue_has_no_tier() {
        assert_eq!(tiers(&[1], RANK), vec![Some(A)]);
        assert_eq!(tiers(&[1], SHARE), vec![Some(A)]);
        assert_eq!(tiers(&[0, -5], RANK), vec![None, None]);
        assert_eq!(Thresholds::from_revenues(&[], RANK), None);
        assert_eq!(tiers(&[0, 40, 0], RANK), vec![None, Some(A), None]);
    }

    #[test]
    fn two_accounts_rank_into_a_and_c() {
        // ⌈0.4⌉ = 1 A and ⌈1⌉ = 1 within B: nothing is left for B.
        assert_eq!(tiers(&[20, 10], RANK), vec![Some(A), Some(C)]);
    }

    #[test]
    fn share_mode_takes_the_fewest_accounts_that_bring_the_share() {
        // 50 + 30 = 80% exactly: both A; 95% needs the third, which is B.
        assert_eq!(
            tiers(&[50, 30, 15, 5], SHARE),
            [A, A, B, C].map(Some).to_vec()
        );
        // The top account alone brings 90%: it is A, the next brings 95%.
        assert_eq!(
            tiers(&[90, 5, 3, 2], SHARE),
            [A, B, C, C].map(Some).to_vec()
        );
        // 79 is short of 80, so the account that crosses it is A too.
        assert_eq!(tiers(&[79, 2, 19], SHARE), [A, C, A].map(Some).to_vec());
        // Equal revenue across the line shares the higher tier.
        assert_eq!(
            tiers(&[40, 40, 10, 10], SHARE),
            [A, A, B, B].map(Some).to_vec()
        );
    }

    #[test]
    fn pareto_states_the_share_of_the_top_fifth() {
        let p = pareto(&money(&[78, 5, 5, 4, 4, 4, 0]), 20).expect("revenue");
        assert_eq!((p.ranked, p.top), (6, 2));
        assert!((p.share - 0.83).abs() < 1e-9, "{}", p.share);
        assert_eq!(pareto(&money(&[0]), 20), None);
    }

    fn rules() -> (TierRules, LifecycleRules) {
        let r = crate::rules::Rules::defaults();
        (r.value_tiers, r.lifecycle)
    }

    fn facts(wins: &[(&str, i64)]) -> AccountFacts {
        AccountFacts {
            wins: wins.iter().map(|&(day, m)| (d(day), Money(m))).collect(),
            has_open_deals: false,
            last_activity: None,
            added_on: d("2025-01-01"),
            satisfaction: Satisfaction::Unknown,
        }
    }

    fn on(f: &AccountFacts, today: &str) -> Segments {
        let (t, l) = rules();
        assess(f, &t, &l, d(today))
    }

    #[test]
    fn revenue_counts_wins_of_the_trailing_twelve_months() {
        let f = facts(&[
            ("2025-11-30", 1),  // a day too old
            ("2025-12-01", 10), // the window's first day
            ("2026-12-01", 100),
            ("2026-12-02", 1000), // after today
        ]);
        assert_eq!(on(&f, "2026-12-01").revenue, Money(110));
        // On a leap day the window starts a year back, clamped to Feb 28.
        let f = facts(&[("2027-02-28", 5), ("2027-02-27", 7)]);
        assert_eq!(on(&f, "2028-02-29").revenue, Money(5));
    }

    #[test]
    fn lifecycle_follows_the_first_and_last_win() {
        assert_eq!(on(&facts(&[]), "2026-12-01").lifecycle, Lifecycle::Prospect);
        // The first win 90 days ago is still new, 91 days ago it is active.
        let new = facts(&[("2026-09-02", 1)]);
        assert_eq!(on(&new, "2026-12-01").lifecycle, Lifecycle::New);
        let active = facts(&[("2026-09-01", 1)]);
        assert_eq!(on(&active, "2026-12-01").lifecycle, Lifecycle::Active);
        // A later win does not make an old customer new again.
        let old = facts(&[("2024-01-01", 1), ("2026-11-30", 1)]);
        assert_eq!(on(&old, "2026-12-01").lifecycle, Lifecycle::Active);
        let churned = facts(&[("2025-11-30", 1)]);
        assert_eq!(on(&churned, "2026-12-01").lifecycle, Lifecycle::Churned);
        // Only a win still to come: a prospect today.
        assert_eq!(
            on(&facts(&[("2027-01-01", 1)]), "2026-12-01").lifecycle,
            Lifecycle::Prospect
        );
    }

    #[test]
    fn behaviour_counts_wins_in_the_window() {
        let day = "2026-12-01";
        let four = facts(&[
            ("2026-01-01", 1),
            ("2026-03-01", 1),
            ("2026-06-01", 1),
            ("2026-11-01", 1),
        ]);
        assert_eq!(on(&four, day).behaviour, Behaviour::Frequent);
        let three = facts(&[
            ("2024-01-01", 1),
            ("2026-03-01", 1),
            ("2026-06-01", 1),
            ("2026-11-01", 1),
        ]);
        assert_eq!(on(&three, day).behaviour, Behaviour::Occasional);
        assert_eq!(
            on(&facts(&[("2020-01-01", 1)]), day).behaviour,
            Behaviour::Occasional
        );
        assert_eq!(on(&facts(&[]), day).behaviour, Behaviour::Never);
    }

    #[test]
    fn at_risk_when_a_live_account_goes_quiet_or_is_dissatisfied() {
        let day = "2026-12-01";
        let mut f = facts(&[]);
        f.has_open_deals = true;
        f.last_activity = Some(d("2026-10-03")); // 59 days
        assert_eq!(on(&f, day).risks, vec![]);
        f.last_activity = Some(d("2026-10-02")); // 60 days
        assert_eq!(on(&f, day).risks, vec![RiskReason::Quiet]);
        f.satisfaction = Satisfaction::Dissatisfied;
        assert_eq!(
            on(&f, day).risks,
            vec![RiskReason::Quiet, RiskReason::Dissatisfied]
        );
        // No activity at all: quiet since it was added.
        f.last_activity = None;
        f.satisfaction = Satisfaction::Satisfied;
        f.added_on = d("2026-11-01");
        assert_eq!(on(&f, day).risks, vec![]);
    }

    #[test]
    fn only_accounts_with_open_deals_or_recent_wins_can_be_at_risk() {
        let day = "2026-12-01";
        let mut churned = facts(&[("2024-05-01", 1)]);
        churned.satisfaction = Satisfaction::Dissatisfied;
        assert_eq!(on(&churned, day).risks, vec![]);
        let mut recent = facts(&[("2026-05-01", 1)]);
        recent.last_activity = Some(d("2026-05-01"));
        assert_eq!(on(&recent, day).risks, vec![RiskReason::Quiet]);
    }
}
