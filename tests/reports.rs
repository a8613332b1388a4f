//! CLI tests of the analysis half (SPEC §3, §4): every `report` in JSON, and
//! the segment terms and group-bys of `list` and `account list`, on a small
//! history whose right answers are worked out in the comments below.
//!
//! The history (user `ann`, who owns every deal; TZ is UTC):
//! - Acme (华东, enterprise), added 2025-06-01. A2 (500.00) is won the day it
//!   is added, 2025-06-01. A1 (1,000.00) is a lead on 2026-01-05, contacted
//!   01-10, jumps to proposal on 01-15 (skipping needs) and is won on 01-25.
//! - Bolt (华南), added 2026-02-01 with B1 (300.00) in needs analysis, won on
//!   05-01; a call on B1 on 06-20.
//! - Cato (华东, wholesale, dissatisfied), added 2026-02-01 with C1 (300.00) a
//!   lead, to proposal 03-01, back to needs 03-10, lost 04-01; and C2
//!   (2,000.00, close 2026-07-15) created in negotiation on 06-01.
//! - Dune: no deals.
//!
//! The reports run on 2026-06-30, so the period and the revenue window are
//! 2025-06-30 to 2026-06-30: A2's win is outside it.

mod common;

use common::{Td, array};
use serde_json::{Value, json};

const DAY: &str = "2026-06-30";

fn history() -> Td {
    let td = Td::new();
    let add_account = |day: &str, args: &[&str]| {
        let mut all = vec!["account", "add"];
        all.extend(args);
        td.id(day, &all)
    };
    let add_deal = |day: &str, args: &[&str]| {
        let mut all = vec!["deal", "add"];
        all.extend(args);
        td.id(day, &all)
    };
    add_account(
        "2025-06-01",
        &["--name", "Acme", "--region", "华东", "--kind", "enterprise"],
    );
    let a2 = add_deal(
        "2025-06-01",
        &["--account", "Acme", "--title", "A2", "--amount", "500"],
    );
    td.ok("2025-06-01", &["deal", "won", &a2]);
    let a1 = add_deal(
        "2026-01-05",
        &[
            "--account",
            "Acme",
            "--title",
            "A1",
            "--amount",
            "1000",
            "--close",
            "2026-01-20",
        ],
    );
    td.ok(
        "2026-01-10",
        &["deal", "update", &a1, "--stage", "contacted"],
    );
    td.ok(
        "2026-01-15",
        &["deal", "update", &a1, "--stage", "proposal"],
    );
    td.ok("2026-01-25", &["deal", "won", &a1]);

    add_account("2026-02-01", &["--name", "Bolt", "--region", "华南"]);
    let b1 = add_deal(
        "2026-02-01",
        &[
            "--account",
            "Bolt",
            "--title",
            "B1",
            "--amount",
            "300",
            "--stage",
            "needs",
        ],
    );
    td.ok("2026-05-01", &["deal", "won", &b1]);
    td.ok(
        "2026-06-20",
        &["log", &b1, "--kind", "call", "checked the delivery"],
    );

    add_account(
        "2026-02-01",
        &["--name", "Cato", "--region", "华东", "--kind", "wholesale"],
    );
    let c1 = add_deal(
        "2026-02-01",
        &["--account", "Cato", "--title", "C1", "--amount", "300"],
    );
    td.ok(
        "2026-03-01",
        &["deal", "update", &c1, "--stage", "proposal"],
    );
    td.ok("2026-03-10", &["deal", "update", &c1, "--stage", "needs"]);
    td.ok("2026-04-01", &["deal", "lost", &c1, "--reason", "price"]);
    add_deal(
        "2026-06-01",
        &[
            "--account",
            "Cato",
            "--title",
            "C2",
            "--amount",
            "2000",
            "--stage",
            "negotiation",
            "--close",
            "2026-07-15",
        ],
    );
    td.ok(
        "2026-06-01",
        &[
            "account",
            "update",
            "Cato",
            "--satisfaction",
            "dissatisfied",
        ],
    );
    add_account("2026-06-01", &["--name", "Dune"]);
    td
}

fn report(td: &Td, day: &str, which: &str) -> Vec<Value> {
    array(td.json(day, &["report", which]))
}

fn column<'a>(rows: &'a [Value], key: &str) -> Vec<&'a Value> {
    rows.iter().map(|r| &r[key]).collect()
}

#[test]
fn every_report_matches_the_worked_answers() {
    let td = history();

    // Funnel. In the period A1 got to won, B1 to won (from needs), C1 to
    // proposal (then back, then lost), C2 to negotiation: every one of the
    // four reached lead to proposal (a skipped stage counts as reached),
    // three reached negotiation, two won, one lost.
    let funnel = report(&td, DAY, "funnel");
    let stages: Vec<&str> = funnel
        .iter()
        .map(|r| r["stage"].as_str().unwrap())
        .collect();
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
    assert_eq!(
        column(&funnel, "reached"),
        [4, 4, 4, 4, 3, 2, 1]
            .map(|n| json!(n))
            .iter()
            .collect::<Vec<_>>()
    );
    // proposal → negotiation 3/4; negotiation → won 2/3.
    let conversion: Vec<Value> = funnel.iter().map(|r| r["conversion"].clone()).collect();
    assert_eq!(
        conversion,
        [
            json!(1.0),
            json!(1.0),
            json!(1.0),
            json!(0.75),
            json!(0.6667),
            Value::Null,
            Value::Null
        ]
    );
    // Stays that ended in the period: lead A1 5 days and C1 28 (Feb) → 16.5;
    // contacted A1 5; needs B1 89 (02-01 → 05-01) and C1 22 → 55.5;
    // proposal A1 10 and C1 9 → 9.5; nobody has left negotiation.
    let medians: Vec<Value> = funnel.iter().map(|r| r["median_days"].clone()).collect();
    assert_eq!(
        medians,
        [
            json!(16.5),
            json!(5.0),
            json!(55.5),
            json!(9.5),
            Value::Null,
            Value::Null,
            Value::Null
        ]
    );
    let table = td.ok(DAY, &["report", "funnel"]);
    assert!(table.contains("win rate 66.7% (won 2, lost 1)"), "{table}");

    // Forecast: only C2 is open: 2,000.00 closing in July, at 80%.
    let forecast = report(&td, DAY, "forecast");
    assert_eq!(
        forecast,
        vec![
            json!({"month": "2026-07", "currency": "CNY", "deals": 1, "amount_minor": 200000, "weighted_minor": 160000})
        ]
    );

    // Grades: C2 closes within a month (A), has sat in negotiation 29 days
    // with no activity (stale after 10) and has not slipped.
    let grades = report(&td, DAY, "grades");
    assert_eq!(
        column(&grades, "grade"),
        ["A", "B", "C", "D", "E"]
            .map(|g| json!(g))
            .iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        grades[0],
        json!({"grade": "A", "currency": "CNY", "deals": 1, "amount_minor": 200000, "slipped": 0, "stale": 1})
    );
    assert!(grades[1..].iter().all(|g| g["deals"] == 0));

    // ABC: revenue in the window is Acme 1,000 (A2 is too old) and Bolt 300.
    // Two ranked accounts: ⌈0.4⌉ = 1 is A, and ⌈1⌉ = 1 reaches B, so Bolt is C.
    let abc = report(&td, DAY, "abc");
    assert_eq!(
        abc,
        vec![
            json!({"account": "Acme", "revenue_minor": 100000, "tier": "A", "cumulative_share": 0.7692}),
            json!({"account": "Bolt", "revenue_minor": 30000, "tier": "C", "cumulative_share": 1.0}),
        ]
    );
    let table = td.ok(DAY, &["report", "abc"]);
    assert!(
        table.contains("The top 20% of customers (1 of 2) bring 76.9% of revenue."),
        "{table}"
    );

    // Lifecycle: Cato and Dune never won (prospects), Bolt's first win is
    // 60 days old (new), Acme's first win is a year old and its last in the
    // window (active). At risk: Acme (a win in the window, no activity since
    // it was added 394 days ago) and Cato (open deal, dissatisfied); Bolt
    // had a call ten days ago.
    let lifecycle = report(&td, DAY, "lifecycle");
    let counts: Vec<(String, i64, i64)> = lifecycle
        .iter()
        .map(|r| {
            (
                r["lifecycle"].as_str().unwrap().to_string(),
                r["accounts"].as_i64().unwrap(),
                r["at_risk"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("prospect", 2, 1),
            ("new", 1, 0),
            ("active", 1, 1),
            ("churned", 0, 0)
        ]
        .map(|(l, n, r)| (l.to_string(), n, r))
    );
    assert_eq!(
        lifecycle[2]["at_risk_accounts"],
        json!([{"account": "Acme", "owner": "ann", "tier": "A", "reasons": ["quiet"], "quiet_days": 394}])
    );
    assert_eq!(lifecycle[0]["at_risk_accounts"][0]["account"], "Cato");
    // Cato has not been in touch since it was added on 02-01 either.
    assert_eq!(
        lifecycle[0]["at_risk_accounts"][0]["reasons"],
        json!(["quiet", "dissatisfied"])
    );

    // Owners: ann won A1 and B1 (1,300.00) and lost C1 in the period; C2 is
    // open. Her overdue revisits are the ones `reminders` lists.
    let owners = report(&td, DAY, "owners");
    assert_eq!(owners.len(), 1);
    let ann = &owners[0];
    assert_eq!(ann["owner"], "ann");
    assert_eq!(ann["won"], 2);
    assert_eq!(ann["won_amount_minor"], 130000);
    assert_eq!(ann["lost"], 1);
    assert_eq!(ann["win_rate"], 0.6667);
    assert_eq!(ann["open_deals"], 1);
    assert_eq!(ann["open_amount_minor"], 200000);
    assert_eq!(ann["weighted_minor"], 160000);
    let overdue = array(td.json(DAY, &["reminders", "--due", "overdue"]));
    let revisits = overdue.iter().filter(|r| r["kind"] == "revisit").count();
    assert!(revisits >= 1, "C2 has not been revisited since 06-01");
    assert_eq!(ann["overdue_revisits"], json!(revisits));
}

#[test]
fn a_period_narrows_the_funnel_and_the_owners() {
    let td = history();
    // Only March: C1 moved to proposal and back to needs.
    let args = [
        "report",
        "funnel",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
    ];
    let funnel = array(td.json(DAY, &args));
    let reached: Vec<i64> = funnel
        .iter()
        .map(|r| r["reached"].as_i64().unwrap())
        .collect();
    assert_eq!(reached, [1, 1, 1, 1, 0, 0, 0]);
    // C1 left lead (entered 02-01) on 03-01 and proposal on 03-10.
    assert_eq!(funnel[0]["median_days"], 28.0);
    assert_eq!(funnel[3]["median_days"], 9.0);
    let (code, err) = td.fail(
        DAY,
        &[
            "report",
            "owners",
            "--from",
            "2026-05-01",
            "--to",
            "2026-04-01",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--from 2026-05-01 is after --to 2026-04-01"),
        "{err}"
    );
}

#[test]
fn segments_follow_time_and_writes() {
    let td = history();
    let tier_of = |day: &str, name: &str| -> Value {
        let accounts = array(td.json(day, &["account", "list"]));
        let account = accounts
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        json!([
            account["value_tier"],
            account["lifecycle"],
            account["revenue_minor"]
        ])
    };
    assert_eq!(tier_of(DAY, "Acme"), json!(["A", "active", 100000]));
    assert_eq!(tier_of(DAY, "Dune"), json!([null, "prospect", 0]));
    // The playbook of its tier comes with the account.
    let shown = td.ok(DAY, &["account", "show", "Acme"]);
    assert!(
        shown.contains("Value tier A: Key account") && shown.contains("every 14 days"),
        "{shown}"
    );
    let shown = td.ok(DAY, &["--lang", "zh-CN", "account", "show", "Acme"]);
    assert!(
        shown.contains("重点客户") && shown.contains("每 14 天"),
        "{shown}"
    );
    // Winning C2 (2,000.00) makes Cato the top account. Three ranked:
    // ⌈0.6⌉ = 1 is A (Cato), ⌈1.5⌉ = 2 reach B (Acme), Bolt is C.
    let c2 = td.listed(DAY, "C2").expect("C2 is open")["id"]
        .as_str()
        .unwrap()
        .to_string();
    td.ok(DAY, &["deal", "won", &c2]);
    assert_eq!(tier_of(DAY, "Cato"), json!(["A", "new", 200000]));
    assert_eq!(tier_of(DAY, "Acme"), json!(["B", "active", 100000]));
    assert_eq!(tier_of(DAY, "Bolt"), json!(["C", "new", 30000]));
    // A year and a month on, Acme's and Bolt's wins have left the window:
    // churned, no revenue and no tier; Cato's win of 2026-06-30 too.
    let later = "2027-07-31";
    assert_eq!(tier_of(later, "Acme"), json!([null, "churned", 0]));
    assert_eq!(tier_of(later, "Cato"), json!([null, "churned", 0]));
}

#[test]
fn list_terms_and_group_bys() {
    let td = history();
    let titles = |extra: &[&str]| -> Vec<String> {
        td.list(DAY, extra)
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_string())
            .collect()
    };
    // The only open deal is C2, at Cato (华东, a prospect, tier none).
    assert_eq!(titles(&["region:华东"]), ["C2"]);
    assert_eq!(titles(&["--region", "华东"]), ["C2"]);
    assert_eq!(titles(&["区域：华南"]), Vec::<String>::new());
    assert_eq!(
        titles(&["lifecycle:prospect", "grade:A", "owner:me"]),
        ["C2"]
    );
    assert_eq!(titles(&["tier:A"]), Vec::<String>::new());
    assert_eq!(titles(&["risk:dissatisfied", "C2"]), ["C2"]);
    // Both of Acme's wins, A1 (graded A when won) before A2 (D, no date).
    assert_eq!(titles(&["--stage", "won", "tier:A"]), ["A1", "A2"]);

    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["account", "list"];
        args.extend(extra);
        array(td.json(DAY, &args))
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["risk:any"]), ["Acme", "Cato"]);
    assert_eq!(names(&["--kind", "wholesale"]), ["Cato"]);
    assert_eq!(names(&["grade:A"]), ["Cato"]);
    assert_eq!(names(&["--sort", "tier"]), ["Acme", "Bolt", "Cato", "Dune"]);
    assert_eq!(names(&["--lifecycle", "new"]), ["Bolt"]);
    // Lifecycles in their own order, not the alphabet's.
    assert_eq!(
        names(&["--sort", "lifecycle"]),
        ["Cato", "Dune", "Bolt", "Acme"]
    );

    let groups = array(td.json(DAY, &["account", "list", "--group-by", "lifecycle"]));
    assert_eq!(
        groups,
        vec![
            json!({"lifecycle": "prospect", "accounts": 2, "revenue_minor": 0, "currency": "CNY"}),
            json!({"lifecycle": "new", "accounts": 1, "revenue_minor": 30000, "currency": "CNY"}),
            json!({"lifecycle": "active", "accounts": 1, "revenue_minor": 100000, "currency": "CNY"}),
        ]
    );
    let groups = array(td.json(DAY, &["list", "--stage", "won", "--group-by", "tier"]));
    assert_eq!(
        groups,
        vec![
            json!({"value_tier": "A", "deals": 2, "amount_minor": 150000, "currency": "CNY"}),
            json!({"value_tier": "C", "deals": 1, "amount_minor": 30000, "currency": "CNY"}),
        ]
    );

    // A stage term lists the closed deals it names.
    assert_eq!(titles(&["stage:won"]), ["A1", "A2", "B1"]);
    assert_eq!(titles(&["stage:lost"]), ["C1"]);
    // A quoted term keeps its spaces, as the flag does.
    td.id(
        DAY,
        &[
            "account",
            "add",
            "--name",
            "Echo",
            "--region",
            "North America",
        ],
    );
    assert_eq!(names(&["region:North America"]), ["Echo"]);
    assert_eq!(names(&["--region", "north america"]), ["Echo"]);

    let (code, err) = td.fail(DAY, &["list", "grade:F"]);
    assert_eq!(code, 2);
    assert!(err.contains("`grade:F`: unknown grade `F`"), "{err}");
    let (code, err) = td.fail(DAY, &["account", "list", "--group-by", "stage"]);
    assert_eq!(code, 2);
    assert!(err.contains("accounts have no stage"), "{err}");
}

#[test]
fn a_restored_export_has_its_segments_at_once() {
    let td = history();
    let out = td.root().join("export");
    td.ok(
        DAY,
        &["export", "--format", "csv", "--out", out.to_str().unwrap()],
    );
    let fresh = Td::new();
    fresh.ok(DAY, &["init"]);
    for table in [
        "accounts",
        "contacts",
        "deals",
        "activities",
        "reminders",
        "history",
    ] {
        let file = out.join(format!("{table}.csv"));
        fresh.ok(DAY, &["import", file.to_str().unwrap(), "--kind", table]);
    }
    // Segments are not exported: they are worked out again on import.
    let abc = report(&fresh, DAY, "abc");
    assert_eq!(abc, report(&td, DAY, "abc"));
    assert_eq!(
        report(&fresh, DAY, "lifecycle"),
        report(&td, DAY, "lifecycle")
    );
}
