//! Who needs care: accounts per lifecycle stage, how often they buy, and the
//! ones at risk, most valuable first.

use std::cmp::Reverse;

use serde::Serialize;

use super::AccountStanding;
use crate::domain::{Behaviour, Lifecycle, Money, RiskReason, ValueTier};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LifecycleReport {
    /// One per lifecycle, in [`Lifecycle::ALL`] order.
    pub rows: Vec<LifecycleRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LifecycleRow {
    pub lifecycle: Lifecycle,
    pub accounts: usize,
    pub revenue_minor: Money,
    pub frequent: usize,
    pub occasional: usize,
    pub at_risk: usize,
    /// Value tier A, B, C, then none; the longest quiet first; then by name.
    pub at_risk_accounts: Vec<AtRiskRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRiskRow {
    pub account: String,
    pub owner: String,
    pub tier: Option<ValueTier>,
    pub reasons: Vec<RiskReason>,
    pub quiet_days: i64,
}

pub fn lifecycle(accounts: &[AccountStanding]) -> LifecycleReport {
    let rows = Lifecycle::ALL
        .iter()
        .map(|&lifecycle| {
            let members = || accounts.iter().filter(|a| a.lifecycle == lifecycle);
            let buying = |b: Behaviour| members().filter(|a| a.behaviour == b).count();
            let mut at_risk: Vec<&AccountStanding> =
                members().filter(|a| !a.risks.is_empty()).collect();
            at_risk.sort_by_key(|a| (a.tier.is_none(), a.tier, Reverse(a.quiet_days), &a.name));
            LifecycleRow {
                lifecycle,
                accounts: members().count(),
                revenue_minor: Money::saturating(
                    members().map(|a| i128::from(a.revenue.minor())).sum(),
                ),
                frequent: buying(Behaviour::Frequent),
                occasional: buying(Behaviour::Occasional),
                at_risk: at_risk.len(),
                at_risk_accounts: at_risk
                    .into_iter()
                    .map(|a| AtRiskRow {
                        account: a.name.clone(),
                        owner: a.owner.clone(),
                        tier: a.tier,
                        reasons: a.risks.clone(),
                        quiet_days: a.quiet_days,
                    })
                    .collect(),
            }
        })
        .collect();
    LifecycleReport { rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RiskReason::{Dissatisfied, Quiet};

    fn account(
        name: &str,
        lifecycle: Lifecycle,
        revenue: i64,
        behaviour: Behaviour,
        tier: Option<ValueTier>,
        risks: &[RiskReason],
        quiet_days: i64,
    ) -> AccountStanding {
        AccountStanding {
            name: name.to_string(),
            owner: format!("owner of {name}"),
            revenue: Money(revenue),
            tier,
            lifecycle,
            behaviour,
            risks: risks.to_vec(),
            quiet_days,
        }
    }

    fn at_risk_names(row: &LifecycleRow) -> Vec<&str> {
        row.at_risk_accounts
            .iter()
            .map(|r| r.account.as_str())
            .collect()
    }

    #[test]
    fn counts_each_lifecycle_and_lists_the_accounts_at_risk() {
        use Behaviour::{Frequent, Never, Occasional};
        use Lifecycle::{Active, New, Prospect};
        use ValueTier::{A, B, C};
        let accounts = [
            account("Acme", Active, 1000, Frequent, Some(B), &[Quiet], 70),
            account("Bolt", Active, 500, Occasional, Some(A), &[], 3),
            account("Core", Active, 200, Occasional, Some(A), &[Dissatisfied], 5),
            account("Jade", Active, 0, Occasional, None, &[Quiet], 200),
            account("Fern", Active, 300, Occasional, Some(A), &[Quiet], 90),
            account(
                "Echo",
                Active,
                300,
                Occasional,
                Some(A),
                &[Quiet, Dissatisfied],
                90,
            ),
            account("Gale", Prospect, 0, Never, None, &[Quiet], 100),
            account("Hill", Prospect, 0, Never, None, &[], 400),
            account("Iris", New, 80, Occasional, Some(C), &[], 1),
        ];
        let report = lifecycle(&accounts);
        let kinds: Vec<Lifecycle> = report.rows.iter().map(|r| r.lifecycle).collect();
        assert_eq!(kinds, Lifecycle::ALL);

        let [prospect, new, active, churned] = &report.rows[..] else {
            panic!("four rows: {:?}", report.rows);
        };
        // Active: six accounts, 1000 + 500 + 200 + 0 + 300 + 300 = 2300; Acme
        // buys frequently, the other five occasionally; all but Bolt at risk.
        assert_eq!(
            (
                active.accounts,
                active.revenue_minor,
                active.frequent,
                active.occasional
            ),
            (6, Money(2300), 1, 5)
        );
        assert_eq!(active.at_risk, 5);
        // Tier A first (Echo and Fern quiet 90 days, by name; then Core quiet
        // 5), then B, then Jade with no tier despite its 200 quiet days.
        assert_eq!(
            at_risk_names(active),
            ["Echo", "Fern", "Core", "Acme", "Jade"]
        );
        assert_eq!(
            active.at_risk_accounts[0],
            AtRiskRow {
                account: "Echo".into(),
                owner: "owner of Echo".into(),
                tier: Some(A),
                reasons: vec![Quiet, Dissatisfied],
                quiet_days: 90,
            }
        );

        assert_eq!((prospect.accounts, prospect.revenue_minor), (2, Money(0)));
        assert_eq!((prospect.frequent, prospect.occasional), (0, 0));
        assert_eq!(at_risk_names(prospect), ["Gale"]);
        assert_eq!(
            (new.accounts, new.revenue_minor, new.occasional, new.at_risk),
            (1, Money(80), 1, 0)
        );
        // No churned accounts: a row of zeros all the same.
        assert_eq!(
            churned,
            &LifecycleRow {
                lifecycle: Lifecycle::Churned,
                accounts: 0,
                revenue_minor: Money(0),
                frequent: 0,
                occasional: 0,
                at_risk: 0,
                at_risk_accounts: vec![],
            }
        );
    }

    #[test]
    fn no_accounts_still_gives_four_rows() {
        let report = lifecycle(&[]);
        assert_eq!(report.rows.len(), 4);
        assert!(
            report
                .rows
                .iter()
                .all(|r| r.accounts == 0 && r.at_risk == 0)
        );
    }
}
