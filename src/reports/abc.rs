//! Who matters most: accounts ranked by revenue into value tiers A–C, the
//! running share of revenue, and the Pareto headline.

use serde::Serialize;

use super::AccountStanding;
use super::funnel::round4;
use crate::domain::{Money, ValueTier};
use crate::rules::TierMode;
use crate::segments::{Pareto, Thresholds, pareto};

#[derive(Debug, Clone, PartialEq)]
pub struct Abc {
    /// Accounts with revenue, highest first.
    pub rows: Vec<AbcRow>,
    /// A, B and C, always all three.
    pub tiers: Vec<TierTotal>,
    /// `None` when no account has revenue.
    pub pareto: Option<Pareto>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbcRow {
    pub account: String,
    pub revenue_minor: Money,
    pub tier: ValueTier,
    /// Revenue of this row and all above it, over all revenue.
    pub cumulative_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierTotal {
    pub tier: ValueTier,
    pub accounts: usize,
    pub revenue_minor: Money,
    /// Of all revenue; 0 when there is none.
    pub share: f64,
}

pub fn abc(accounts: &[AccountStanding], mode: TierMode, headline_percent: u32) -> Abc {
    let revenues: Vec<Money> = accounts.iter().map(|a| a.revenue).collect();
    // The boundaries worked out again from the revenues given, so that the
    // table always agrees with itself.
    let thresholds = Thresholds::from_revenues(&revenues, mode);
    let mut ranked: Vec<(&AccountStanding, ValueTier)> = accounts
        .iter()
        .filter_map(|a| Some((a, thresholds?.tier(a.revenue)?)))
        .collect();
    // Stable: accounts with the same revenue and name keep their input order.
    ranked.sort_by(|(x, _), (y, _)| y.revenue.cmp(&x.revenue).then_with(|| x.name.cmp(&y.name)));

    let total: i128 = ranked
        .iter()
        .map(|(a, _)| i128::from(a.revenue.minor()))
        .sum();
    let share = |part: i128| {
        if total > 0 {
            round4(part as f64 / total as f64)
        } else {
            0.0
        }
    };
    let mut running: i128 = 0;
    let rows = ranked
        .iter()
        .map(|&(a, tier)| {
            running += i128::from(a.revenue.minor());
            AbcRow {
                account: a.name.clone(),
                revenue_minor: a.revenue,
                tier,
                cumulative_share: share(running),
            }
        })
        .collect();
    let tiers = ValueTier::ALL
        .iter()
        .map(|&tier| {
            let members = || ranked.iter().filter(|(_, t)| *t == tier);
            let revenue: i128 = members().map(|(a, _)| i128::from(a.revenue.minor())).sum();
            TierTotal {
                tier,
                accounts: members().count(),
                revenue_minor: Money::saturating(revenue),
                share: share(revenue),
            }
        })
        .collect();
    Abc {
        rows,
        tiers,
        pareto: pareto(&revenues, headline_percent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Behaviour, Lifecycle};

    const RANK: TierMode = TierMode::Rank {
        a_percent: 20,
        b_percent: 50,
    };
    const SHARE: TierMode = TierMode::Share {
        a_percent: 80,
        b_percent: 95,
    };

    /// An account whose stored tier is deliberately wrong: the report must
    /// work tiers out afresh.
    fn account(name: &str, revenue: i64) -> AccountStanding {
        AccountStanding {
            name: name.to_string(),
            owner: "".into(),
            revenue: Money(revenue),
            tier: Some(ValueTier::C),
            lifecycle: Lifecycle::Active,
            behaviour: Behaviour::Occasional,
            risks: Vec::new(),
            quiet_days: 0,
        }
    }

    fn rows(report: &Abc) -> Vec<(&str, i64, ValueTier, f64)> {
        report
            .rows
            .iter()
            .map(|r: &AbcRow| {
                (
                    r.account.as_str(),
                    r.revenue_minor.0,
                    r.tier,
                    r.cumulative_share,
                )
            })
            .collect()
    }

    fn tiers(report: &Abc) -> Vec<(ValueTier, usize, i64, f64)> {
        let total = |t: &TierTotal| (t.tier, t.accounts, t.revenue_minor.0, t.share);
        report.tiers.iter().map(total).collect()
    }

    use ValueTier::{A, B, C};

    #[test]
    fn ranks_by_revenue_then_name_with_running_shares() {
        let accounts = [
            account("Cobalt", 300),
            account("Dune", 100),
            account("Birch", 500),
            account("Zinc", 0), // no revenue: no row
            account("Amber", 300),
            account("Elm", 100),
        ];
        let report = abc(&accounts, RANK, 20);
        // Five ranked: ⌈20% × 5⌉ = 1 is A, up to ⌈50% × 5⌉ = 3 (300) B, the
        // rest C. Total 1300: 500/1300 = 0.3846, 800/1300 = 0.6154,
        // 1100/1300 = 0.8462, 1200/1300 = 0.9231.
        assert_eq!(
            rows(&report),
            [
                ("Birch", 500, A, 0.3846),
                ("Amber", 300, B, 0.6154),
                ("Cobalt", 300, B, 0.8462),
                ("Dune", 100, C, 0.9231),
                ("Elm", 100, C, 1.0),
            ]
        );
        // 500/1300, 600/1300 = 0.4615, 200/1300 = 0.1538.
        assert_eq!(
            tiers(&report),
            [
                (A, 1, 500, 0.3846),
                (B, 2, 600, 0.4615),
                (C, 2, 200, 0.1538)
            ]
        );
        let p = report.pareto.expect("there is revenue");
        assert_eq!((p.ranked, p.top, p.top_percent), (5, 1, 20));
        assert!((p.share - 500.0 / 1300.0).abs() < 1e-9, "{}", p.share);
    }

    #[test]
    fn one_account_is_all_of_it() {
        let report = abc(&[account("Solo", 42)], RANK, 20);
        assert_eq!(rows(&report), [("Solo", 42, A, 1.0)]);
        assert_eq!(
            tiers(&report),
            [(A, 1, 42, 1.0), (B, 0, 0, 0.0), (C, 0, 0, 0.0)]
        );
        let p = report.pareto.expect("there is revenue");
        assert_eq!((p.ranked, p.top, p.share), (1, 1, 1.0));
    }

    #[test]
    fn no_revenue_gives_no_rows_empty_tiers_and_no_headline() {
        for accounts in [vec![], vec![account("Zero", 0), account("Refund", -40)]] {
            let report = abc(&accounts, RANK, 20);
            assert_eq!(rows(&report), []);
            assert_eq!(
                tiers(&report),
                [(A, 0, 0, 0.0), (B, 0, 0, 0.0), (C, 0, 0, 0.0)]
            );
            assert_eq!(report.pareto, None);
        }
    }

    #[test]
    fn equal_revenue_shares_the_top_tier_and_sorts_by_name() {
        let accounts = [
            account("Dove", 25),
            account("Crow", 25),
            account("Bee", 25),
            account("Ant", 25),
        ];
        let report = abc(&accounts, RANK, 20);
        assert_eq!(
            rows(&report),
            [
                ("Ant", 25, A, 0.25),
                ("Bee", 25, A, 0.5),
                ("Crow", 25, A, 0.75),
                ("Dove", 25, A, 1.0),
            ]
        );
        assert_eq!(
            tiers(&report),
            [(A, 4, 100, 1.0), (B, 0, 0, 0.0), (C, 0, 0, 0.0)]
        );
    }

    #[test]
    fn share_mode_cuts_at_the_revenue_share() {
        let accounts = [
            account("Few", 15),
            account("Top", 50),
            account("Tail", 5),
            account("Next", 30),
        ];
        let report = abc(&accounts, SHARE, 20);
        // 50 + 30 = 80% exactly: both A; 15 brings it to 95%: B; 5 is C.
        assert_eq!(
            rows(&report),
            [
                ("Top", 50, A, 0.5),
                ("Next", 30, A, 0.8),
                ("Few", 15, B, 0.95),
                ("Tail", 5, C, 1.0),
            ]
        );
        assert_eq!(
            tiers(&report),
            [(A, 2, 80, 0.8), (B, 1, 15, 0.15), (C, 1, 5, 0.05)]
        );
        // ⌈20% × 4⌉ = 1 account: 50 of 100.
        let p = report.pareto.expect("there is revenue");
        assert_eq!((p.top, p.share), (1, 0.5));
    }
}
