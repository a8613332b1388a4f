//! Sales targets on the built binary (SPEC §4, §6): `goal set/list/delete`,
//! `report goals` as a table, CSV and JSON, undo and restore of a goal, and
//! a goal shared with a teammate through a team folder.

mod common;

use common::{Td, array};
use serde_json::{Value, json};

/// A Monday: December 2026 has 14 working days left from it, itself included.
const TODAY: &str = "2026-12-14";

/// ann's account with one deal won this month, one open closing this month
/// (at 60%), one open closing next month, and an activity of ann's and one
/// of bob's.
fn pipeline(td: &Td) {
    td.ok(
        TODAY,
        &["account", "add", "--name", "上海华信", "--owner", "ann"],
    );
    let won = td.id(
        TODAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP",
            "--amount",
            "30000",
            "--owner",
            "ann",
        ],
    );
    td.ok(TODAY, &["deal", "won", &won]);
    let open = td.id(
        TODAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "CRM",
            "--amount",
            "10000",
            "--owner",
            "ann",
            "--stage",
            "proposal",
            "--close",
            "2026-12-28",
        ],
    );
    td.id(
        TODAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "BI",
            "--amount",
            "50000",
            "--owner",
            "ann",
            "--stage",
            "negotiation",
            "--close",
            "2027-01-15",
        ],
    );
    td.ok(
        TODAY,
        &["log", &open, "--kind", "call", "asked for the quote"],
    );
    let mut bob = Td::new();
    bob.db = td.db.clone();
    bob.user = "bob".into();
    bob.ok(TODAY, &["log", &open, "--kind", "visit", "met the CIO"]);
}

fn goals(td: &Td) -> Vec<Value> {
    array(td.json(TODAY, &["goal", "list"]))
}

fn report(td: &Td) -> Vec<Value> {
    array(td.json(TODAY, &["report", "goals"]))
}

#[test]
fn a_goal_is_set_changed_listed_and_reported_per_measure() {
    let td = Td::new();
    pipeline(&td);
    let made = td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-12",
            "--won-amount",
            "100000",
            "--won-deals",
            "4",
        ],
    );
    assert!(made.starts_with("New goal "), "{made}");
    let changed = td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-12",
            "--activities",
            "10",
        ],
    );
    assert!(changed.starts_with("Changed goal "), "{changed}");
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-Q4",
            "--won-deals",
            "10",
        ],
    );
    let listed = goals(&td);
    assert_eq!(listed.len(), 2, "{listed:#?}");
    let ann = &listed[0];
    assert_eq!(
        (&ann["owner"], &ann["team"], &ann["period"]),
        (&json!("ann"), &json!(false), &json!("2026-12"))
    );
    assert_eq!(
        (
            &ann["won_amount_minor"],
            &ann["currency"],
            &ann["won_deals"],
            &ann["activities"]
        ),
        (&json!(10_000_000), &json!("CNY"), &json!(4), &json!(10))
    );
    assert_eq!(ann["version"], 2);
    assert_eq!(listed[1]["team"], true);
    assert_eq!(listed[1]["owner"], "");

    let rows = report(&td);
    let short: Vec<(String, String, String, Value, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["owner"].as_str().unwrap_or_default().to_string(),
                r["period"].as_str().unwrap_or_default().to_string(),
                r["measure"].as_str().unwrap_or_default().to_string(),
                r["target"].clone(),
                r["attained"].clone(),
                r["percent"].clone(),
            )
        })
        .collect();
    let row = |o: &str, p: &str, m: &str, t: Value, a: Value, pc: Value| {
        (o.to_string(), p.to_string(), m.to_string(), t, a, pc)
    };
    assert_eq!(
        short,
        [
            row(
                "ann",
                "2026-12",
                "won_amount",
                json!(10_000_000),
                json!(3_000_000),
                json!(30)
            ),
            row("ann", "2026-12", "won_deals", json!(4), json!(1), json!(25)),
            // Only ann's own activity: bob's is his.
            row(
                "ann",
                "2026-12",
                "activities",
                json!(10),
                json!(1),
                json!(10)
            ),
            row("", "2026-Q4", "won_deals", json!(10), json!(1), json!(10)),
        ]
    );
    let amount = &rows[0];
    assert_eq!(amount["currency"], "CNY");
    assert_eq!(amount["gap"], 7_000_000);
    assert_eq!(amount["working_days_left"], 14);
    // 70,000.00 over 14 working days: 5,000.00 a day.
    assert_eq!(amount["pace_per_day"], 500_000);
    // CRM closes in December at 60%; BI in January does not count.
    assert_eq!(amount["pipeline_deals"], 1);
    assert_eq!(amount["pipeline_weighted_minor"], 600_000);
    // 3 deals over 14 days: 0.21 → 0.3 a day.
    assert_eq!(rows[1]["pace_per_day"], 0.3);
    assert_eq!(rows[1]["pipeline_deals"], 1);
    assert_eq!(rows[1]["pipeline_weighted_minor"], Value::Null);
}

#[test]
fn report_goals_prints_a_table_csv_with_its_header_and_a_period_of_its_own() {
    let td = Td::new();
    pipeline(&td);
    let none = td.ok(TODAY, &["report", "goals"]);
    assert!(none.contains("No goals"), "{none}");
    let empty_csv = td.ok(TODAY, &["report", "goals", "--format", "csv"]);
    assert_eq!(
        empty_csv.trim(),
        "goal_id,owner,team,period,measure,currency,target,attained,percent,gap,\
         working_days_left,pace_per_day,pipeline_deals,pipeline_weighted_minor"
    );
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-12",
            "--won-amount",
            "¥50,000",
        ],
    );
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2027-01",
            "--won-deals",
            "2",
        ],
    );
    let table = td.ok(TODAY, &["report", "goals"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "the header and this month's goal:\n{table}");
    for word in ["Owner", "Target", "Attained", "Pace/day", "Pipeline"] {
        assert!(lines[0].contains(word), "{table}");
    }
    for cell in [
        "ann",
        "2026-12",
        "Won amount",
        "50,000.00",
        "30,000.00",
        "60%",
    ] {
        assert!(lines[1].contains(cell), "{cell} in\n{table}");
    }
    let csv = td.ok(TODAY, &["report", "goals", "--format", "csv"]);
    let line = csv.lines().nth(1).expect("a row");
    assert!(
        line.ends_with(
            ",ann,false,2026-12,won_amount,CNY,5000000,3000000,60,2000000,14,142858,1,600000"
        ),
        "{csv}"
    );
    // January's goal, asked for: all its 21 working days are still ahead.
    let january = array(td.json(TODAY, &["report", "goals", "--period", "2027-01"]));
    assert_eq!(january.len(), 1);
    assert_eq!(january[0]["working_days_left"], 21);
    assert_eq!(january[0]["pipeline_deals"], 1, "BI closes in January");
    let zh = td.ok(TODAY, &["--lang", "zh-CN", "report", "goals"]);
    for word in ["负责人", "目标", "已达成", "成交金额"] {
        assert!(zh.contains(word), "{zh}");
    }
}

#[test]
fn a_deleted_goal_comes_back_with_undo_and_with_restore() {
    let td = Td::new();
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-12",
            "--won-deals",
            "8",
        ],
    );
    let id = goals(&td)[0]["id"].as_str().expect("an id").to_string();
    let gone = td.ok(TODAY, &["goal", "delete", &id[..8]]);
    assert!(gone.contains("Deleted goal 2026-12"), "{gone}");
    assert!(goals(&td).is_empty());
    let undone = td.ok(TODAY, &["undo"]);
    assert!(undone.contains("deleted goal 2026-12"), "{undone}");
    assert_eq!(goals(&td).len(), 1);
    td.ok(TODAY, &["goal", "delete", &id]);
    let back = td.ok(TODAY, &["restore", &id[..8]]);
    assert!(back.contains("Restored goal 2026-12"), "{back}");
    assert_eq!(goals(&td)[0]["won_deals"], 8);
    // A change undone leaves the goal as it was before it.
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-12",
            "--won-deals",
            "12",
        ],
    );
    td.ok(TODAY, &["undo"]);
    assert_eq!(goals(&td)[0]["won_deals"], 8);
}

#[test]
fn goals_that_cannot_be_set_are_refused_in_the_user_s_language() {
    let td = Td::new();
    let cases: [(&[&str], &str, i32); 5] = [
        (
            &["--team", "--period", "2026-13", "--won-deals", "1"],
            "is not a period",
            1,
        ),
        (
            &["--team", "--period", "2026-12"],
            "give at least one target",
            1,
        ),
        (
            &["--team", "--period", "2026-12", "--won-deals", "0"],
            "--won-deals must be more than zero",
            1,
        ),
        (
            &["--owner", " ", "--period", "2026-12", "--won-deals", "1"],
            "name the owner",
            1,
        ),
        (
            &[
                "--team",
                "--owner",
                "ann",
                "--period",
                "2026-12",
                "--won-deals",
                "1",
            ],
            "cannot be used with",
            2,
        ),
    ];
    for (args, said, code) in cases {
        let mut all = vec!["goal", "set"];
        all.extend(args);
        let (status, stderr) = td.fail(TODAY, &all);
        assert_eq!(status, code, "{all:?}: {stderr}");
        assert!(stderr.contains(said), "{all:?}: {stderr}");
    }
    let (_, zh) = td.fail(
        TODAY,
        &["--lang", "zh-CN", "goal", "set", "--team", "--period", "Q4"],
    );
    assert!(zh.contains("不是有效的周期"), "{zh}");
    assert!(goals(&td).is_empty());
}

#[test]
fn a_goal_set_on_one_replica_reaches_a_teammate_through_the_team_folder() {
    let ann = Td::new();
    let folder = ann.root().join("team");
    let folder = folder.to_str().expect("a UTF-8 path");
    // One goal from before the team: `team init` publishes it with the rest.
    ann.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-Q4",
            "--won-deals",
            "20",
        ],
    );
    ann.ok(TODAY, &["team", "init", folder]);
    ann.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "李娜",
            "--period",
            "2026-12",
            "--activities",
            "30",
        ],
    );
    let mut lina = Td::new();
    lina.user = "李娜".into();
    lina.ok(TODAY, &["team", "join", folder]);
    let theirs = goals(&lina);
    assert_eq!(theirs.len(), 2, "{theirs:#?}");
    assert_eq!(theirs[0]["owner"], "李娜");
    assert_eq!(theirs[0]["activities"], 30);
    assert_eq!(theirs[1]["won_deals"], 20);
    // She raises it; ann sees the change at her next command.
    lina.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "李娜",
            "--period",
            "2026-12",
            "--activities",
            "40",
        ],
    );
    ann.ok(TODAY, &["sync"]);
    let mine = goals(&ann);
    assert_eq!(mine[0]["activities"], 40, "{mine:#?}");
    assert_eq!(mine[0]["updated_by"], "李娜");
    // And a delete travels as a tombstone.
    let id = mine[0]["id"].as_str().expect("an id").to_string();
    ann.ok(TODAY, &["goal", "delete", &id]);
    lina.ok(TODAY, &["sync"]);
    assert_eq!(goals(&lina).len(), 1, "only the quarter's is left");
}

#[test]
fn report_owners_counts_the_satisfaction_of_each_owner_s_accounts() {
    let td = Td::new();
    for (name, owner, said) in [
        ("Acme", "ann", "satisfied"),
        ("Bolt", "ann", "dissatisfied"),
        ("Cato", "ann", "unknown"),
        ("Dune", "bob", "neutral"),
    ] {
        td.ok(
            TODAY,
            &[
                "account",
                "add",
                "--name",
                name,
                "--owner",
                owner,
                "--satisfaction",
                said,
            ],
        );
    }
    let rows = array(td.json(TODAY, &["report", "owners"]));
    let seen: Vec<(&str, &Value, &Value, &Value, &Value)> = rows
        .iter()
        .map(|r| {
            (
                r["owner"].as_str().unwrap_or_default(),
                &r["accounts"],
                &r["satisfied"],
                &r["neutral"],
                &r["dissatisfied"],
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("ann", &json!(3), &json!(1), &json!(0), &json!(1)),
            ("bob", &json!(1), &json!(0), &json!(1), &json!(0)),
        ]
    );
    let table = td.ok(TODAY, &["report", "owners"]);
    assert!(table.contains("Dissatisfied"), "{table}");
}

#[test]
fn an_empty_goal_list_still_prints_its_csv_header() {
    let td = Td::new();
    td.ok(TODAY, &["init"]);
    let header = td.ok(TODAY, &["goal", "list", "--format", "csv"]);
    assert_eq!(
        header.trim(),
        "id,owner,team,period,won_amount_minor,currency,won_deals,activities,updated_by,version"
    );
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-12",
            "--won-deals",
            "1",
        ],
    );
    let full = td.ok(TODAY, &["goal", "list", "--format", "csv"]);
    assert_eq!(full.lines().next(), Some(header.trim()));
}

#[test]
fn merging_a_conflict_copy_brings_its_goals_in() {
    let td = Td::new();
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-12",
            "--won-deals",
            "3",
        ],
    );
    let copy = td
        .root()
        .join("pipeline (ann's conflicted copy 2026-12-14).db");
    std::fs::copy(&td.db, &copy).expect("a copy");
    let mut other = Td::new();
    other.db = copy.clone();
    other.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-12",
            "--won-deals",
            "5",
        ],
    );
    other.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-12",
            "--activities",
            "50",
        ],
    );
    let merged = td.ok(TODAY, &["merge", copy.to_str().expect("a UTF-8 path")]);
    assert!(merged.contains("Goals"), "{merged}");
    let listed = goals(&td);
    assert_eq!(listed.len(), 2, "{listed:#?}");
    assert_eq!(listed[0]["won_deals"], 5, "the copy's later change wins");
    assert_eq!(listed[1]["activities"], 50);
}

#[test]
fn goals_go_out_with_an_export_and_come_back_with_it() {
    let td = Td::new();
    pipeline(&td);
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--owner",
            "ann",
            "--period",
            "2026-Q4",
            "--won-amount",
            "50000",
        ],
    );
    td.ok(
        TODAY,
        &[
            "goal",
            "set",
            "--team",
            "--period",
            "2026-12",
            "--activities",
            "40",
        ],
    );
    let backup = td.root().join("backup");
    td.ok(TODAY, &["export", "--out", backup.to_str().unwrap()]);
    assert!(backup.join("goals.csv").is_file());

    let fresh = Td::new();
    fresh.ok(TODAY, &["init"]);
    fresh.ok(TODAY, &["import", backup.to_str().unwrap()]);
    assert_eq!(goals(&fresh), goals(&td));
    assert_eq!(goals(&fresh).len(), 2);
    let again = fresh.ok(
        TODAY,
        &["import", backup.join("goals.csv").to_str().unwrap()],
    );
    assert!(again.contains("0 new, 0 updated, 2 unchanged"), "{again}");
}
