use std::collections::HashSet;
use std::time::Instant;

use chrono::{Months, NaiveDate};

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a valid date")
}

fn generate(seed: u64, n: usize) -> Vec<DemoAccount> {
    DemoGenerator::new(seed, today(), "tester")
        .take(n)
        .collect()
}

#[test]
fn same_seed_and_day_give_the_same_data_and_another_seed_does_not() {
    let first = generate(7, 300);
    assert_eq!(first, generate(7, 300));
    let other = generate(8, 300);
    assert_ne!(first[0].account.id, other[0].account.id);
    let names = |accounts: &[DemoAccount]| {
        accounts
            .iter()
            .map(|a| a.account.name.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(names(&first), names(&other));
}

#[test]
fn thousand_accounts_keep_the_demo_invariants() {
    let today = today();
    let accounts = generate(42, 1_000);
    let deals: Vec<&DemoDeal> = accounts.iter().flat_map(|a| &a.deals).collect();

    let mut ids = HashSet::new();
    let mut unique = |id: Id| assert!(ids.insert(id), "id {id} repeats");
    for account in &accounts {
        unique(account.account.id);
        account.contacts.iter().for_each(|c| unique(c.id));
        for deal in &account.deals {
            unique(deal.deal.id);
            deal.activities.iter().for_each(|a| unique(a.id));
            deal.history.iter().for_each(|h| unique(h.id));
        }
    }
    let names: HashSet<&str> = accounts.iter().map(|a| a.account.name.as_str()).collect();
    assert_eq!(names.len(), accounts.len(), "account names are unique");

    for account in &accounts {
        let a = &account.account;
        assert!(account.deals.len() <= 5);
        assert!(
            !account.contacts.is_empty() && account.contacts.iter().all(|c| c.account_id == a.id)
        );
        assert!(!a.name.is_empty() && !a.industry.is_empty() && !a.region.is_empty());
        assert!(
            account
                .deals
                .iter()
                .all(|d| d.deal.account_id == a.id && d.deal.meta.created_at > a.meta.created_at)
        );
    }
    let zh_share = accounts
        .iter()
        .filter(|a| !a.account.name.is_ascii())
        .count() as f64
        / 1_000.0;
    assert!(
        (0.55..0.65).contains(&zh_share),
        "Chinese accounts: {zh_share}"
    );
    let mean_deals = deals.len() as f64 / accounts.len() as f64;
    assert!(
        (1.85..2.15).contains(&mean_deals),
        "deals per account: {mean_deals}"
    );
    let activities: usize = deals.iter().map(|d| d.activities.len()).sum();
    let mean_activities = activities as f64 / deals.len() as f64;
    assert!(
        (4.6..5.4).contains(&mean_activities),
        "activities per deal: {mean_activities}"
    );

    let eighteen_months_ago = today
        .checked_sub_months(Months::new(18))
        .expect("a valid date");
    for DemoDeal {
        deal,
        activities,
        history,
    } in deals.iter().copied()
    {
        assert!(activities.len() <= 15);
        assert!(
            (500_000..=200_000_000).contains(&deal.amount.minor()),
            "amount {}",
            deal.amount
        );
        assert_eq!(deal.grade, Grade::E);
        let age = (today - deal.created_on).num_days();
        assert!((30..=730).contains(&age), "created {age} days ago");

        let first = &history[0];
        let last = &history[history.len() - 1];
        assert_eq!((first.old.as_str(), first.new.as_str()), ("", "lead"));
        assert_eq!(first.at.date_naive(), deal.created_on);
        assert_eq!(last.new, deal.stage, "history ends at the deal's stage");
        assert_eq!(last.at.date_naive(), deal.stage_entered_on);
        for pair in history.windows(2) {
            assert_eq!(pair[1].old, pair[0].new);
            assert_ne!(pair[1].old, pair[1].new);
            assert!(pair[1].at > pair[0].at, "history is dated in order");
        }
        assert!(history.iter().all(|h| h.deal_id == deal.id
            && h.field == HistoryField::Stage
            && h.reason == Reason::Demo
            && h.author == deal.owner));
        assert_eq!(
            (deal.meta.created_at, deal.meta.updated_at),
            (first.at, last.at)
        );
        assert_eq!((deal.meta.version, deal.meta.deleted_at), (1, None));

        let close_by = deal.closed_on.unwrap_or(today);
        for activity in activities {
            let day = activity.at.date_naive();
            assert!(
                deal.created_on <= day && day <= close_by && day <= today,
                "activity on {day}"
            );
            assert!(activity.at > first.at && activity.author == deal.owner);
            assert_eq!(activity.deal_id, Some(deal.id));
        }

        if deal.is_open() {
            assert_eq!((deal.closed_on, deal.lost_reason.as_deref()), (None, None));
        } else {
            let closed = deal.closed_on.expect("a closed deal has a close date");
            assert_eq!(
                closed,
                last.at.date_naive(),
                "won or lost on the close date"
            );
            assert!(eighteen_months_ago <= closed && closed <= today);
            assert_eq!(deal.is_lost(), deal.lost_reason.is_some());
        }
    }

    let stages: HashSet<&str> = deals.iter().map(|d| d.deal.stage.as_str()).collect();
    assert_eq!(stages, STAGES.into_iter().collect(), "every stage appears");
    let needs: HashSet<Need> = deals.iter().map(|d| d.deal.need).collect();
    assert_eq!(needs.len(), Need::ALL.len(), "every need appears");

    // Every grade band of SPEC §2.1 among open deals with a clear need.
    let month = |n| {
        today
            .checked_add_months(Months::new(n))
            .expect("a valid date")
    };
    let bands: HashSet<&str> = deals
        .iter()
        .filter(|d| d.deal.is_open() && d.deal.need == Need::Explicit)
        .map(|d| match d.deal.expected_close {
            None => "no date",
            Some(close) if close < today => "slipped",
            Some(close) if close <= month(1) => "A",
            Some(close) if close <= month(3) => "B",
            Some(close) if close <= month(6) => "C",
            Some(_) => "D",
        })
        .collect();
    assert_eq!(bands.len(), 6, "bands: {bands:?}");

    // Some open deals were touched this week, some have been left alone for months.
    let last_touch = |d: &&DemoDeal| {
        d.activities
            .last()
            .map(|a| (today - a.at.date_naive()).num_days())
    };
    let open: Vec<&&DemoDeal> = deals.iter().filter(|d| d.deal.is_open()).collect();
    assert!(
        open.iter()
            .any(|d| last_touch(d).is_some_and(|days| days <= 7))
    );
    assert!(
        open.iter()
            .any(|d| last_touch(d).is_some_and(|days| days > 90))
    );

    // The 80/20 curve: the top fifth of accounts by won revenue in the last year bring most of it.
    let year_ago = today
        .checked_sub_months(Months::new(12))
        .expect("a valid date");
    let mut revenue: Vec<i64> = accounts
        .iter()
        .map(|a| {
            a.deals
                .iter()
                .filter(|d| d.deal.is_won() && d.deal.closed_on.is_some_and(|c| c > year_ago))
                .map(|d| d.deal.amount.minor())
                .sum()
        })
        .filter(|&r| r > 0)
        .collect();
    revenue.sort_unstable_by(|a, b| b.cmp(a));
    let top = revenue.len().div_ceil(5);
    let share = revenue[..top].iter().sum::<i64>() as f64 / revenue.iter().sum::<i64>() as f64;
    assert!(
        (0.6..0.9).contains(&share),
        "top 20% bring {share:.2} of revenue"
    );
}

#[test]
fn the_user_joins_the_team_and_dates_stay_near_an_extreme_today() {
    let accounts: Vec<DemoAccount> = DemoGenerator::new(1, today(), "Ann").take(300).collect();
    assert!(accounts.iter().any(|a| a.account.owner == "Ann"));
    let far = NaiveDate::MAX;
    assert_eq!(DemoGenerator::new(1, far, "").take(20).count(), 20);
}

/// Run with `cargo test --release --lib demo -- --ignored --nocapture`.
#[test]
#[ignore = "a timing, not a check"]
fn generates_a_hundred_thousand_accounts_quickly() {
    let start = Instant::now();
    let (mut deals, mut contacts, mut activities, mut history) = (0, 0, 0, 0);
    for account in DemoGenerator::new(1, today(), "tester").take(100_000) {
        contacts += account.contacts.len();
        deals += account.deals.len();
        for deal in &account.deals {
            activities += deal.activities.len();
            history += deal.history.len();
        }
    }
    println!(
        "100000 accounts, {contacts} contacts, {deals} deals, {activities} activities, \
         {history} history rows in {:.2?}",
        start.elapsed()
    );
}
