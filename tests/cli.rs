//! CLI tests: run the built binary on temporary databases and check the JSON
//! of `list`, `show`, `regrade` and `reminders` against SPEC §2 and §6, with
//! the effective date moved forward by `--today`.
//!
//! Expected values are worked out here from the rules (SPEC §2.1, §2.2 and
//! the defaults in `assets/rules.toml`), not copied from the program's output.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{Td, array, assert_uuid, plus_days};
use serde_json::Value;

/// The keys SPEC §6 names for a deal.
const DEAL_KEYS: &[&str] = &[
    "id",
    "title",
    "account",
    "stage",
    "grade",
    "slipped",
    "pinned",
    "need",
    "expected_close",
    "amount_minor",
    "currency",
    "owner",
    "next_revisit",
];
const ACTIVITY_KEYS: &[&str] = &["id", "kind", "at", "summary", "author"];
const REMINDER_KEYS: &[&str] = &["id", "deal_id", "kind", "due", "status"];
const CHANGE_KEYS: &[&str] = &["deal_id", "from", "to", "reason"];
/// SPEC §6: id, name, kind, owner, and the segment fields of §1.
const ACCOUNT_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "owner",
    "industry",
    "region",
    "channel",
    "product_tier",
    "satisfaction",
];

fn assert_keys(value: &Value, keys: &[&str], what: &str) {
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not a JSON object: {value}"));
    for key in keys {
        assert!(obj.contains_key(*key), "{what} lacks key `{key}`: {value}");
    }
}

fn assert_deal_shape(d: &Value) {
    assert_keys(d, DEAL_KEYS, "deal");
    assert!(d["id"].is_string(), "{d}");
    assert!(d["slipped"].is_boolean(), "{d}");
    assert!(d["pinned"].is_boolean(), "{d}");
    assert!(d["amount_minor"].is_i64(), "{d}");
    assert!(
        d["expected_close"].is_string() || d["expected_close"].is_null(),
        "{d}"
    );
    assert!(
        d["next_revisit"].is_string() || d["next_revisit"].is_null(),
        "{d}"
    );
    let grade = d["grade"].as_str().expect("grade is a string");
    assert!(["A", "B", "C", "D", "E"].contains(&grade), "{d}");
}

fn grade_of(td: &Td, today: &str, title: &str) -> String {
    let d = td
        .listed(today, title)
        .unwrap_or_else(|| panic!("`{title}` is not in the open list on {today}"));
    d["grade"].as_str().unwrap().to_string()
}

fn short(id: &str) -> &str {
    &id[..8]
}

/// Grades from the close date (SPEC §2.1) with every horizon's boundary, need
/// D/E, amounts in minor units and Chinese text, on one day.
#[test]
fn list_grades_by_close_date_with_inclusive_boundaries() {
    let td = Td::new();
    let today = "2026-01-10";
    let account = td.id(
        today,
        &[
            "account",
            "add",
            "--name",
            "华东贸易有限公司",
            "--kind",
            "wholesale",
            "--region",
            "华东",
        ],
    );

    // today + 1 month = 2026-02-10, + 3 months = 2026-04-10, + 6 months = 2026-07-10.
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        ("closes today", Some("2026-01-10"), "explicit", "A"),
        ("A edge", Some("2026-02-10"), "explicit", "A"),
        ("B after A edge", Some("2026-02-11"), "explicit", "B"),
        ("B edge", Some("2026-04-10"), "explicit", "B"),
        ("C after B edge", Some("2026-04-11"), "explicit", "C"),
        ("C edge", Some("2026-07-10"), "explicit", "C"),
        ("D after C edge", Some("2026-07-11"), "explicit", "D"),
        ("no date", None, "explicit", "D"),
        ("potential soon", Some("2026-01-20"), "potential", "D"),
        ("no need", Some("2026-01-20"), "none", "E"),
    ];
    let mut ids = Vec::new();
    for (title, close, need, _) in cases {
        let mut args = vec![
            "deal",
            "add",
            "--account",
            "华东贸易有限公司",
            "--title",
            title,
            "--need",
            need,
        ];
        if let Some(close) = close {
            args.extend(["--close", close]);
        }
        ids.push(td.id(today, &args));
    }
    let tea = td.id(
        today,
        &[
            "deal",
            "add",
            "--account",
            &account,
            "--title",
            "年度茶叶采购（二期）",
            "--amount",
            "¥12,400.50",
            "--close",
            "2026-03-01",
        ],
    );

    let list = td.list(today, &[]);
    assert_eq!(list.len(), cases.len() + 1, "{list:#?}");
    for d in &list {
        assert_deal_shape(d);
        assert_eq!(d["slipped"], false, "{d}");
        assert_eq!(d["pinned"], false, "{d}");
        assert_eq!(d["currency"], "CNY", "{d}");
        assert_eq!(d["owner"], "ann", "{d}");
        assert_eq!(d["stage"], "lead", "{d}");
        assert_eq!(d["account"], "华东贸易有限公司", "{d}");
    }
    for ((title, close, need, grade), id) in cases.iter().zip(&ids) {
        let d = list.iter().find(|d| d["id"] == id.as_str()).unwrap();
        assert_eq!(d["title"], *title);
        assert_eq!(d["grade"], *grade, "{title} closing {close:?}: {d}");
        assert_eq!(d["need"], *need, "{d}");
        assert_eq!(d["expected_close"].as_str(), *close, "{d}");
        assert_eq!(d["amount_minor"], 0, "{d}");
    }
    let d = list.iter().find(|d| d["id"] == tea.as_str()).unwrap();
    assert_eq!(d["title"], "年度茶叶采购（二期）");
    assert_eq!(d["amount_minor"], 1_240_050);
    assert_eq!(d["grade"], "B");
    // Created today, grade B: the first revisit is 14 days out.
    assert_eq!(d["next_revisit"], "2026-01-24");

    // The filters agree with the grades.
    let a: BTreeSet<String> = td
        .list(today, &["--grade", "A"])
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        a,
        BTreeSet::from(["closes today".to_string(), "A edge".to_string()])
    );
    assert!(td.list(today, &["--slipped"]).is_empty());

    // The account's JSON, and its Chinese name, come back as given.
    let acc = td.json(today, &["account", "show", short(&account)]);
    assert_keys(&acc, ACCOUNT_KEYS, "account");
    assert_eq!(acc["id"], account.as_str());
    assert_eq!(acc["name"], "华东贸易有限公司");
    assert_eq!(acc["kind"], "wholesale");
    assert_eq!(acc["region"], "华东");
    assert_eq!(acc["owner"], "ann");
    let accounts = array(td.json(today, &["account", "list"]));
    assert_eq!(accounts.len(), 1);
    assert_keys(&accounts[0], ACCOUNT_KEYS, "account");

    // The rule that fired is in the history.
    let shown = td.show(today, short(&ids[1]));
    let grade_rows: Vec<&Value> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["to"] == "A")
        .collect();
    assert_eq!(grade_rows.len(), 1, "{shown:#}");
    assert_eq!(grade_rows[0]["reason"], "rule.within:1");
}

/// Horizons are calendar months with the day clamped to the month's end.
#[test]
fn month_end_clamping() {
    let td = Td::new();
    let today = "2027-01-31";
    td.id(today, &["account", "add", "--name", "Acme"]);
    // 2027-01-31 + 1 month = 2027-02-28; + 3 months = 2027-04-30.
    for (title, close) in [
        ("feb 28", "2027-02-28"),
        ("mar 1", "2027-03-01"),
        ("apr 30", "2027-04-30"),
        ("may 1", "2027-05-01"),
    ] {
        td.id(
            today,
            &[
                "deal",
                "add",
                "--account",
                "Acme",
                "--title",
                title,
                "--close",
                close,
            ],
        );
    }
    assert_eq!(grade_of(&td, today, "feb 28"), "A");
    assert_eq!(grade_of(&td, today, "mar 1"), "B");
    assert_eq!(grade_of(&td, today, "apr 30"), "B");
    assert_eq!(grade_of(&td, today, "may 1"), "C");
}

/// The same deal on later days: C → B → A → slipped (graded A), with
/// `regrade` reporting each change once and nothing on a second run.
#[test]
fn dates_moving_forward_regrade_once() {
    let td = Td::new();
    let day0 = "2026-01-10";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let id = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea",
            "--close",
            "2026-06-01",
        ],
    );
    let steady = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Maybe",
            "--need",
            "potential",
            "--close",
            "2026-06-01",
        ],
    );
    assert_eq!(grade_of(&td, day0, "Tea"), "C");
    // The engine already ran for this day.
    assert_eq!(td.json(day0, &["regrade"]), Value::Array(vec![]));

    // 2026-06-01 ≤ 2026-03-01 + 3 months: B.
    let changes = array(td.json("2026-03-01", &["regrade"]));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_keys(&changes[0], CHANGE_KEYS, "regrade change");
    assert_eq!(changes[0]["deal_id"], id.as_str());
    assert_eq!(changes[0]["from"], "C");
    assert_eq!(changes[0]["to"], "B");
    assert_eq!(changes[0]["reason"], "rule.within:3");
    assert_eq!(td.json("2026-03-01", &["regrade"]), Value::Array(vec![]));
    assert_eq!(grade_of(&td, "2026-03-01", "Tea"), "B");

    // 2026-04-30 + 1 month = 2026-05-30 < 2026-06-01: still B. On 2026-05-01
    // the close date is exactly one month away: A.
    assert_eq!(grade_of(&td, "2026-04-30", "Tea"), "B");
    let changes = array(td.json("2026-05-01", &["regrade"]));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["deal_id"], id.as_str());
    assert_eq!(changes[0]["from"], "B");
    assert_eq!(changes[0]["to"], "A");
    assert_eq!(changes[0]["reason"], "rule.within:1");
    assert_eq!(td.json("2026-05-01", &["regrade"]), Value::Array(vec![]));

    // On the close date itself it has not slipped yet.
    let d = td.listed("2026-06-01", "Tea").unwrap();
    assert_eq!(
        (d["grade"].as_str(), d["slipped"].as_bool()),
        (Some("A"), Some(false))
    );
    assert!(td.list("2026-06-01", &["--slipped"]).is_empty());

    // The day after: slipped, graded A (the default slipped_grade), so no
    // grade change to report.
    assert_eq!(td.json("2026-06-02", &["regrade"]), Value::Array(vec![]));
    let d = td.listed("2026-06-02", "Tea").unwrap();
    assert_eq!(d["grade"], "A");
    assert_eq!(d["slipped"], true);
    let slipped = td.list("2026-06-02", &["--slipped"]);
    assert_eq!(slipped.len(), 2, "both deals' dates passed: {slipped:#?}");
    // A potential need stays D whatever the date.
    let m = td.listed("2026-06-02", "Maybe").unwrap();
    assert_eq!(m["grade"], "D");
    assert_eq!(m["id"], steady.as_str());

    // Every grade change is in the history, with its rule.
    let shown = td.show("2026-06-02", short(&id));
    assert_deal_shape(&shown);
    let grades: Vec<(String, String, String)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "grade")
        .map(|h| {
            (
                h["from"].as_str().unwrap().to_string(),
                h["to"].as_str().unwrap().to_string(),
                h["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("", "C", "rule.within:6"),
        ("C", "B", "rule.within:3"),
        ("B", "A", "rule.within:1"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(grades, want);
}

/// SPEC §2.2: one revisit at last touch + cadence, never duplicated; an
/// activity closes it and the next follows from the new last touch.
#[test]
fn revisit_reminders_follow_the_cadence() {
    let td = Td::new();
    let day0 = "2026-03-02";
    td.id(day0, &["account", "add", "--name", "北京茶业"]);
    // 2026-05-30: within 3 months of 2026-03-02 (06-02) but not 1 (04-02): B,
    // until 2026-04-30, when it is within a month: A.
    let id = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "北京茶业",
            "--title",
            "Tea",
            "--close",
            "2026-05-30",
        ],
    );
    let d = td.listed(day0, "Tea").unwrap();
    assert_eq!(d["grade"], "B");
    assert_eq!(d["next_revisit"], "2026-03-16");

    // The day before: nothing due.
    assert!(td.reminders_of("2026-03-15", &id, &[]).is_empty());

    // On last touch + 14: one open revisit due that day.
    let due = "2026-03-16";
    let rems = td.reminders_of(due, &id, &[]);
    assert_eq!(rems.len(), 1, "{rems:#?}");
    let rem = &rems[0];
    assert_keys(rem, REMINDER_KEYS, "reminder");
    assert_eq!(rem["kind"], "revisit");
    assert_eq!(rem["due"], due);
    assert_eq!(rem["status"], "open");
    assert_eq!(rem["deal_id"], id.as_str());
    let rem_id = rem["id"].as_str().unwrap().to_string();
    assert_uuid(&rem_id);
    assert_eq!(td.reminders_of(due, &id, &["--due", "today"]).len(), 1);
    assert_eq!(td.reminders_of(due, &id, &["--due", "overdue"]).len(), 0);

    // Running commands again does not make another.
    td.ok(due, &["list"]);
    td.ok(due, &["regrade"]);
    td.ok(due, &["show", short(&id)]);
    let again = td.reminders_of(due, &id, &[]);
    assert_eq!(again.len(), 1, "{again:#?}");
    assert_eq!(again[0]["id"], rem_id.as_str());
    // Still one, and now overdue, the next day.
    assert_eq!(
        td.reminders_of("2026-03-17", &id, &["--due", "overdue"])
            .len(),
        1
    );

    // Logging a call (8-character prefix) answers it; `log` says so, with the activity's id.
    let day = "2026-03-17";
    let said = td.ok(
        day,
        &["log", short(&id), "--kind", "call", "回访：确认预算"],
    );
    assert!(td.reminders_of(day, &id, &[]).is_empty());
    let shown = td.show(day, short(&id));
    assert_deal_shape(&shown);
    let acts = shown["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 1, "{shown:#}");
    assert_keys(&acts[0], ACTIVITY_KEYS, "activity");
    let activity = acts[0]["id"].as_str().unwrap();
    assert_uuid(activity);
    assert!(
        said.starts_with("Logged a call on 北京茶业 · ")
            && said.contains(&format!("(activity {activity})")),
        "{said}"
    );
    assert_eq!(acts[0]["kind"], "call");
    assert_eq!(acts[0]["summary"], "回访：确认预算");
    assert_eq!(acts[0]["author"], "ann");
    assert!(
        acts[0]["at"].as_str().unwrap().starts_with(day),
        "{shown:#}"
    );
    let r = shown["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rem_id.as_str())
        .expect("the answered revisit stays in the log");
    assert_keys(r, REMINDER_KEYS, "reminder");
    assert_eq!(r["status"], "done");
    let next = plus_days(day, 14);
    assert_eq!(shown["next_revisit"], next.as_str());
    assert_eq!(
        td.listed(day, "Tea").unwrap()["next_revisit"],
        next.as_str()
    );

    // Nothing until the new date; then a new one, which `remind done` closes.
    assert!(td.reminders_of(&plus_days(&next, -1), &id, &[]).is_empty());
    let rems = td.reminders_of(&next, &id, &[]);
    assert_eq!(rems.len(), 1, "{rems:#?}");
    assert_eq!(rems[0]["due"], next.as_str());
    let second = rems[0]["id"].as_str().unwrap().to_string();
    assert_ne!(second, rem_id);
    td.ok(&next, &["remind", "done", short(&second)]);
    assert!(td.reminders_of(&next, &id, &[]).is_empty());
    let shown = td.show(&next, short(&id));
    let statuses: Vec<&str> = shown["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "done"], "{shown:#}");
    // Done is final: doing it again is refused.
    let (code, line) = td.fail(&next, &["remind", "done", short(&second)]);
    assert_eq!(code, 1, "{line}");
    // Doing the revisit by hand restarts the cadence like an activity does.
    assert_eq!(shown["next_revisit"], "2026-04-14");

    // An activity before the due date moves the next revisit too.
    td.ok(
        "2026-04-10",
        &["log", short(&id), "--kind", "email", "sent the offer"],
    );
    assert!(td.reminders_of("2026-04-10", &id, &[]).is_empty());
    assert_eq!(
        td.listed("2026-04-10", "Tea").unwrap()["next_revisit"],
        "2026-04-24"
    );
    assert!(td.reminders_of("2026-04-23", &id, &[]).is_empty());

    // A snoozed revisit is answered by an activity all the same.
    let rems = td.reminders_of("2026-04-24", &id, &[]);
    assert_eq!(rems.len(), 1, "{rems:#?}");
    assert_eq!(rems[0]["due"], "2026-04-24");
    let third = rems[0]["id"].as_str().unwrap().to_string();
    td.ok(
        "2026-04-24",
        &["remind", "snooze", short(&third), "--until", "+3d"],
    );
    assert!(
        td.reminders_of("2026-04-24", &id, &["--due", "today"])
            .is_empty()
    );
    td.ok(
        "2026-04-25",
        &["log", short(&id), "--kind", "visit", "现场拜访"],
    );
    let shown = td.show("2026-04-25", short(&id));
    let r = shown["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == third.as_str())
        .unwrap()
        .clone();
    assert_eq!(r["status"], "done", "{shown:#}");
    assert_eq!(shown["next_revisit"], "2026-05-09");
    assert!(td.reminders_of("2026-04-27", &id, &[]).is_empty());

    // A grade change moves the next revisit with it: on 2026-04-30 the deal
    // is A, and A's cadence is 7 days from the last touch (2026-04-25).
    let changes = array(td.json("2026-04-30", &["regrade"]));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (changes[0]["from"].as_str(), changes[0]["to"].as_str()),
        (Some("B"), Some("A"))
    );
    assert_eq!(
        td.listed("2026-04-30", "Tea").unwrap()["next_revisit"],
        "2026-05-02"
    );
    assert!(td.reminders_of("2026-05-01", &id, &[]).is_empty());
    let rems = td.reminders_of("2026-05-02", &id, &[]);
    assert_eq!(rems.len(), 1, "{rems:#?}");
    assert_eq!(
        (rems[0]["kind"].as_str(), rems[0]["due"].as_str()),
        (Some("revisit"), Some("2026-05-02"))
    );
}

/// close_soon 7 days before an A deal's close date, slipped after it; snooze
/// hides a reminder until its date, dismiss closes it for good.
#[test]
fn close_soon_slipped_snooze_and_dismiss() {
    let td = Td::new();
    let day0 = "2026-03-02";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let id = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Soon",
            "--close",
            "2026-03-25",
        ],
    );
    assert_eq!(grade_of(&td, day0, "Soon"), "A");
    let of_kind = |today: &str, kind: &str, extra: &[&str]| -> Vec<Value> {
        td.reminders_of(today, &id, extra)
            .into_iter()
            .filter(|r| r["kind"] == kind)
            .collect()
    };

    // 2026-03-25 - 7 days = 2026-03-18.
    assert!(of_kind("2026-03-17", "close_soon", &[]).is_empty());
    let soon = of_kind("2026-03-18", "close_soon", &[]);
    assert_eq!(soon.len(), 1, "{soon:#?}");
    assert_eq!(soon[0]["due"], "2026-03-18");
    assert_eq!(soon[0]["status"], "open");
    assert_eq!(of_kind("2026-03-20", "close_soon", &[]).len(), 1);

    // The close date passes: slipped, a `slipped` reminder due now, and the
    // close_soon reminder is no longer open.
    let day = "2026-03-26";
    assert!(of_kind(day, "close_soon", &[]).is_empty());
    let d = td.listed(day, "Soon").unwrap();
    assert_eq!(
        (d["grade"].as_str(), d["slipped"].as_bool()),
        (Some("A"), Some(true))
    );
    let slipped = of_kind(day, "slipped", &["--due", "today"]);
    assert_eq!(slipped.len(), 1, "{slipped:#?}");
    assert_eq!(slipped[0]["status"], "open");
    let sid = slipped[0]["id"].as_str().unwrap().to_string();

    // Snooze it until 2026-03-30: gone from what is due until then.
    td.ok(
        day,
        &["remind", "snooze", short(&sid), "--until", "2026-03-30"],
    );
    assert!(of_kind(day, "slipped", &["--due", "today"]).is_empty());
    assert!(of_kind("2026-03-29", "slipped", &["--due", "week"]).len() <= 1);
    assert!(of_kind("2026-03-29", "slipped", &["--due", "today"]).is_empty());
    let shown = td.show("2026-03-29", short(&id));
    let r = shown["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == sid.as_str())
        .unwrap()
        .clone();
    assert_eq!(r["status"], "snoozed");
    assert_eq!(r["due"], "2026-03-30");
    // On the date it is back, open, and the same reminder (not a second one).
    let back = of_kind("2026-03-30", "slipped", &["--due", "today"]);
    assert_eq!(back.len(), 1, "{back:#?}");
    assert_eq!(back[0]["id"], sid.as_str());
    assert_eq!(back[0]["status"], "open");
    assert_eq!(back[0]["due"], "2026-03-30");

    // Dismissed: closed, kept in the log, not reopened for this close date.
    td.ok("2026-03-30", &["remind", "dismiss", &sid[..6]]);
    assert!(of_kind("2026-03-30", "slipped", &[]).is_empty());
    assert!(of_kind("2026-04-02", "slipped", &[]).is_empty());
    let shown = td.show("2026-04-02", short(&id));
    let kinds: Vec<(String, String)> = shown["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] != "revisit")
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(
        kinds.contains(&("slipped".into(), "dismissed".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|(k, s)| k == "close_soon" && s != "open"),
        "{kinds:?}"
    );

    // A new close date settles the slip and grades from it again.
    td.ok(
        "2026-04-02",
        &["deal", "update", short(&id), "--close", "2026-06-20"],
    );
    let d = td.listed("2026-04-02", "Soon").unwrap();
    assert_eq!(
        (d["grade"].as_str(), d["slipped"].as_bool()),
        (Some("B"), Some(false))
    );
}

/// Won and lost deals leave the open list and their reminders close; lost is E.
#[test]
fn won_and_lost_leave_the_open_list() {
    let td = Td::new();
    let day0 = "2026-03-02";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let won = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Win",
            "--close",
            "2026-03-20",
            "--amount",
            "1000",
        ],
    );
    let lost = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Lose",
            "--close",
            "2026-05-01",
        ],
    );
    let open = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Keep",
            "--close",
            "2026-05-01",
        ],
    );
    // By 2026-03-20 each has an open reminder: Win (A) revisit 03-09 and
    // close_soon 03-13, Lose (B) revisit 03-16.
    let day = "2026-03-20";
    assert!(td.reminders_of(day, &won, &[]).len() >= 2);
    assert_eq!(td.reminders_of(day, &lost, &[]).len(), 1);

    td.ok(day, &["deal", "pin", short(&lost), "A", "--reason", "hot"]);
    td.ok(day, &["deal", "won", short(&won), "--amount", "1,200.00"]);
    td.ok(
        day,
        &["deal", "lost", short(&lost), "--reason", "选择了竞争对手"],
    );
    let titles: Vec<String> = td
        .list(day, &[])
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Keep"]);
    assert!(td.reminders_of(day, &won, &[]).is_empty());
    assert!(td.reminders_of(day, &lost, &[]).is_empty());
    assert_eq!(td.reminders_of(day, &open, &[]).len(), 1);

    let w = td.show(day, short(&won));
    assert_eq!(w["stage"], "won");
    assert_eq!(w["grade"], "A", "a won deal keeps its grade");
    assert_eq!(w["amount_minor"], 120_000);
    assert!(
        w["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "open" && r["status"] != "snoozed"),
        "{w:#}"
    );
    assert!(w["next_revisit"].is_null(), "{w:#}");
    assert!(
        w["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "stage" && h["to"] == "won"),
        "{w:#}"
    );
    let l = td.show(day, short(&lost));
    assert_eq!(l["stage"], "lost");
    assert_eq!(l["grade"], "E", "lost is E, pinned or not");
    assert_eq!(l["pinned"], false);
    assert!(l["next_revisit"].is_null(), "{l:#}");
    assert!(
        l["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "open" && r["status"] != "snoozed"),
        "{l:#}"
    );
    assert!(
        l["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "stage" && h["to"] == "lost"),
        "{l:#}"
    );

    // Time passes: no reminders come back and the won deal keeps A.
    let later = "2026-06-30";
    assert!(td.reminders_of(later, &won, &[]).is_empty());
    assert!(td.reminders_of(later, &lost, &[]).is_empty());
    let won_list = td.list(later, &["--stage", "won"]);
    assert_eq!(won_list.len(), 1, "{won_list:#?}");
    assert_eq!(won_list[0]["grade"], "A");
    assert_eq!(td.list(later, &["--stage", "lost"])[0]["grade"], "E");
}

/// A pinned grade holds while the dates move; unpinning re-grades; history
/// records both with the reason.
#[test]
fn pin_holds_until_unpin() {
    let td = Td::new();
    let day0 = "2026-01-10";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let id = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Pinned",
            "--close",
            "2026-06-01",
        ],
    );
    assert_eq!(grade_of(&td, day0, "Pinned"), "C");
    td.ok(
        day0,
        &["deal", "pin", short(&id), "B", "--reason", "客户口头承诺"],
    );
    let d = td.listed(day0, "Pinned").unwrap();
    assert_eq!(
        (d["grade"].as_str(), d["pinned"].as_bool()),
        (Some("B"), Some(true))
    );

    // On 2026-05-15 the rules say A, and after the close date slipped; the pin holds.
    for day in ["2026-05-15", "2026-06-10"] {
        assert_eq!(td.json(day, &["regrade"]), Value::Array(vec![]), "{day}");
        let d = td.listed(day, "Pinned").unwrap();
        assert_eq!(
            (d["grade"].as_str(), d["pinned"].as_bool()),
            (Some("B"), Some(true))
        );
    }
    let day = "2026-05-15";
    // Back to a day where the rules give A (a later date than the last run
    // would be needed for `regrade`; `deal update` re-grades at once).
    td.ok(
        "2026-06-10",
        &["deal", "update", short(&id), "--close", "2026-07-01"],
    );
    td.ok("2026-06-10", &["deal", "unpin", short(&id)]);
    let d = td.listed("2026-06-10", "Pinned").unwrap();
    assert_eq!(
        (d["grade"].as_str(), d["pinned"].as_bool()),
        (Some("A"), Some(false)),
        "unpinned on {day}: 2026-07-01 is within a month of 2026-06-10"
    );

    let shown = td.show("2026-06-10", short(&id));
    let history = shown["history"].as_array().unwrap();
    let pins: Vec<&Value> = history.iter().filter(|h| h["field"] == "pin").collect();
    assert_eq!(pins.len(), 2, "pin and unpin: {shown:#}");
    assert_eq!(pins[0]["to"], "B");
    assert_eq!(pins[0]["reason"], "manual.pin:客户口头承诺");
    assert!(pins[1]["reason"] == "manual.unpinned", "{shown:#}");
    let grades: Vec<(&str, &str, &str)> = history
        .iter()
        .filter(|h| h["field"] == "grade")
        .map(|h| {
            (
                h["from"].as_str().unwrap(),
                h["to"].as_str().unwrap(),
                h["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        grades[1],
        ("C", "B", "manual.pin:客户口头承诺"),
        "{grades:?}"
    );
    let last = grades.last().unwrap();
    assert_eq!((last.0, last.1), ("B", "A"), "{grades:?}");
    assert!(last.2.starts_with("rule."), "{grades:?}");
}

/// Ids are accepted by any unique prefix of at least 4 characters.
#[test]
fn id_prefixes() {
    let td = Td::new();
    let day = "2026-03-02";
    fs::write(
        td.root().join("accounts.csv"),
        "id,name,kind\n\
         aaaa1111-0000-4000-8000-000000000001,Alpha,enterprise\n\
         aaaa2222-0000-4000-8000-000000000002,Beta,individual\n",
    )
    .unwrap();
    td.ok(day, &["import", "accounts.csv", "--kind", "accounts"]);
    let (_, line) = td.fail(day, &["account", "show", "aaaa"]);
    assert!(line.contains("ambiguous"), "{line}");
    assert_eq!(
        td.json(day, &["account", "show", "aaaa1111"])["name"],
        "Alpha"
    );
    assert_eq!(td.json(day, &["account", "show", "aaaa2"])["name"], "Beta");
    assert_eq!(td.json(day, &["account", "show", "AAAA2"])["name"], "Beta");

    let id = td.id(
        day,
        &[
            "deal",
            "add",
            "--account",
            "aaaa2222",
            "--title",
            "T",
            "--close",
            "+2w",
        ],
    );
    assert_eq!(td.show(day, &id)["account"], "Beta");
    assert_eq!(td.show(day, short(&id))["id"], id.as_str());
    assert_eq!(td.show(day, &id[..4])["id"], id.as_str());
    assert_eq!(td.show(day, &id.to_uppercase()[..8])["id"], id.as_str());
    td.ok(day, &["log", short(&id), "--kind", "visit", "site visit"]);
    let (code, line) = td.fail(day, &["show", &id[..3]]);
    assert_eq!(code, 2, "{line}");
    td.ok(day, &["deal", "won", short(&id)]);
    assert_eq!(td.show(day, short(&id))["stage"], "won");
}

/// Unfolds RFC 5545 content lines.
fn ics_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split("\r\n") {
        if let Some(rest) = raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')) {
            lines
                .last_mut()
                .expect("a folded first line")
                .push_str(rest);
        } else if !raw.is_empty() {
            lines.push(raw.to_string());
        }
    }
    lines
}

#[test]
fn reminders_ics_has_one_todo_per_reminder() {
    let td = Td::new();
    let day0 = "2026-03-02";
    td.id(day0, &["account", "add", "--name", "上海华信"]);
    td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP 升级项目：华东区域全部门店的库存、采购与财务系统一体化改造（第一期）",
            "--close",
            "2026-03-20",
        ],
    );
    td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "Later",
            "--close",
            "2026-05-01",
        ],
    );
    let day = "2026-03-20";
    let ics = td.root().join("r.ics");
    let listed = array(td.json(day, &["reminders", "--ics", ics.to_str().unwrap()]));
    // ERP: revisit + close_soon; Later: revisit.
    assert_eq!(listed.len(), 3, "{listed:#?}");
    let text = fs::read_to_string(&ics).expect("the calendar file");
    assert!(text.ends_with("\r\n"), "iCalendar lines end with CRLF");
    for raw in text.split("\r\n") {
        assert!(!raw.contains('\n'), "a bare LF in {raw:?}");
        assert!(raw.len() <= 75, "a line longer than 75 octets: {raw:?}");
    }
    assert!(
        ics_lines(&text)
            .iter()
            .any(|l| l.contains("华东区域全部门店")),
        "the folded title unfolds whole"
    );
    let lines = ics_lines(&text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.iter().any(|l| l == "VERSION:2.0"));

    // Split into VTODO blocks.
    let mut todos: Vec<Vec<String>> = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for l in &lines {
        if l == "BEGIN:VTODO" {
            current = Some(Vec::new());
        } else if l == "END:VTODO" {
            todos.push(current.take().expect("END without BEGIN"));
        } else if let Some(c) = current.as_mut() {
            c.push(l.clone());
        }
    }
    assert_eq!(todos.len(), listed.len(), "{text}");
    for r in &listed {
        let id = r["id"].as_str().unwrap();
        let todo = todos
            .iter()
            .find(|t| t.iter().any(|l| l == &format!("UID:{id}")))
            .unwrap_or_else(|| panic!("no VTODO with UID:{id} in\n{text}"));
        assert!(todo.iter().any(|l| l == "BEGIN:VALARM"), "{todo:?}");
        assert!(todo.iter().any(|l| l == "END:VALARM"), "{todo:?}");
        let due = r["due"].as_str().unwrap().replace('-', "");
        assert!(
            todo.iter()
                .any(|l| l.starts_with("DUE") && l.ends_with(&format!(":{due}"))),
            "{todo:?}"
        );
    }
}

#[test]
fn import_crm_exports_dry_run_then_for_real() {
    let td = Td::new();
    let day = "2026-09-15";
    fs::write(
        td.root().join("pipedrive.csv"),
        "Deal - Title,Deal - Organization,Deal - Value,Deal - Expected close date\n\
         Tea order,Acme Ltd,\"¥12,400.00\",10/01/2026\n\
         Second tea,Acme Ltd,300,12/20/2026\n",
    )
    .unwrap();
    fs::write(
        td.root().join("hubspot.csv"),
        "Deal Name,Associated Company,Amount,Close Date\n\
         Big one,Globex,1000.5,2026-10-10\n",
    )
    .unwrap();
    fs::write(
        td.root().join("zh.csv"),
        "商机名称,客户名称,金额,预计成交日期\n年度耗材采购,北京茶业,\"¥8,000\",2027-06-01\n",
    )
    .unwrap();
    td.ok(day, &["init"]);
    let before = td.counts();
    for file in ["pipedrive.csv", "hubspot.csv", "zh.csv"] {
        td.ok(day, &["import", file, "--kind", "deals", "--dry-run"]);
    }
    assert!(td.list(day, &[]).is_empty());
    assert!(array(td.json(day, &["account", "list"])).is_empty());
    assert_eq!(td.counts(), before, "a dry run writes nothing");

    for file in ["pipedrive.csv", "hubspot.csv", "zh.csv"] {
        td.ok(day, &["import", file, "--kind", "deals"]);
    }
    let list = td.list(day, &[]);
    let got: BTreeSet<(String, String, i64, String, String)> = list
        .iter()
        .map(|d| {
            assert_deal_shape(d);
            (
                d["title"].as_str().unwrap().to_string(),
                d["account"].as_str().unwrap().to_string(),
                d["amount_minor"].as_i64().unwrap(),
                d["expected_close"].as_str().unwrap().to_string(),
                d["grade"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Grades on 2026-09-15: +1 month 10-15, +3 months 12-15, +6 months 2027-03-15.
    let want: BTreeSet<(String, String, i64, String, String)> = [
        ("Tea order", "Acme Ltd", 1_240_000, "2026-10-01", "A"),
        ("Second tea", "Acme Ltd", 30_000, "2026-12-20", "C"),
        ("Big one", "Globex", 100_050, "2026-10-10", "A"),
        ("年度耗材采购", "北京茶业", 800_000, "2027-06-01", "D"),
    ]
    .into_iter()
    .map(|(a, b, c, d, e)| (a.into(), b.into(), c, d.into(), e.into()))
    .collect();
    assert_eq!(got, want);
    // An account named twice is one account.
    let names: Vec<String> = array(td.json(day, &["account", "list"]))
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(
        names.iter().collect::<BTreeSet<_>>(),
        ["Acme Ltd", "Globex", "北京茶业"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter()
            .collect::<BTreeSet<_>>()
    );
}

const TABLES: [&str; 6] = [
    "accounts",
    "contacts",
    "deals",
    "activities",
    "reminders",
    "history",
];

/// `export --format csv` imports into a fresh database and exports again to
/// the same bytes.
#[test]
fn export_import_export_round_trip() {
    let td = Td::new();
    let day0 = "2026-08-01";
    td.ok(day0, &["demo", "--accounts", "6", "--seed", "3"]);
    td.id(
        day0,
        &[
            "account",
            "add",
            "--name",
            "Quote \"Co\", Ltd",
            "--kind",
            "individual",
            "--channel",
            "线上",
            "--product-tier",
            "high",
            "--satisfaction",
            "satisfied",
        ],
    );
    let a = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Quote \"Co\", Ltd",
            "--title",
            "line one\nline two, 第二行",
            "--amount",
            "¥1,234,567.89",
            "--close",
            "2026-08-20",
        ],
    );
    let b = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Quote \"Co\", Ltd",
            "--title",
            "pinned",
            "--close",
            "2026-12-01",
        ],
    );
    let c = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Quote \"Co\", Ltd",
            "--title",
            "lost one",
            "--need",
            "potential",
        ],
    );
    td.ok(
        day0,
        &["deal", "pin", short(&b), "A", "--reason", "boss says"],
    );
    let day = "2026-08-15";
    td.ok(
        day,
        &[
            "log",
            short(&a),
            "--kind",
            "meeting",
            "谈了预算, \"下周\"报价",
        ],
    );
    td.ok(day, &["deal", "lost", short(&c), "--reason", "price"]);
    let rems = td.reminders_of(day, &a, &[]);
    let soon = rems
        .iter()
        .find(|r| r["kind"] == "close_soon")
        .expect("close_soon for an A deal 7 days before its close date");
    td.ok(
        day,
        &[
            "remind",
            "snooze",
            soon["id"].as_str().unwrap(),
            "--until",
            "2026-08-18",
        ],
    );

    let out1 = td.root().join("export1");
    td.ok(
        day,
        &["export", "--format", "csv", "--out", out1.to_str().unwrap()],
    );

    let fresh = Td::new();
    for table in TABLES {
        let file = out1.join(format!("{table}.csv"));
        assert!(file.is_file(), "export wrote no {table}.csv");
        fresh.ok(day, &["import", file.to_str().unwrap(), "--kind", table]);
    }
    let out2 = fresh.root().join("export2");
    fresh.ok(
        day,
        &["export", "--format", "csv", "--out", out2.to_str().unwrap()],
    );
    for table in TABLES {
        let first = fs::read_to_string(out1.join(format!("{table}.csv"))).unwrap();
        let second = fs::read_to_string(out2.join(format!("{table}.csv"))).unwrap();
        assert!(first.lines().count() > 1, "{table}.csv has no rows");
        assert_eq!(first, second, "{table}.csv differs after a round trip");
    }
    assert_eq!(td.list(day, &[]), fresh.list(day, &[]));
}

/// `--format csv` has the JSON keys as its header; `--lang zh-CN`, the
/// config file and `LANG` give Chinese labels.
#[test]
fn csv_header_and_chinese_table() {
    let td = Td::new();
    let day = "2026-03-02";
    td.id(day, &["account", "add", "--name", "Acme"]);
    td.id(
        day,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea, green",
            "--close",
            "2026-03-20",
            "--amount",
            "99.5",
        ],
    );
    let json = td.list(day, &[]);
    let csv = td.ok(day, &["list", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keys: Vec<&str> = json[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(header, keys);
    for key in DEAL_KEYS {
        assert!(header.contains(key), "{key} not in the CSV header");
    }
    assert_eq!(lines.count(), 1);
    assert!(csv.contains("\"Tea, green\""), "{csv}");
    assert!(csv.contains(",9950,"), "{csv}");

    let zh = td.ok(day, &["--lang", "zh-CN", "list"]);
    assert!(zh.contains("商机名称"), "{zh}");
    assert!(zh.contains("潜在客户"), "{zh}");
    let en = td.ok(day, &["list"]);
    assert!(en.contains("Lead") && !en.contains("潜在客户"), "{en}");

    // LANG picks the language when neither flag nor config does.
    let out = td
        .cmd(day, &["list"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let text = common::succeed(out, &["list"]);
    assert!(text.contains("商机名称"), "{text}");
    // The config file wins over LANG.
    fs::create_dir_all(td.config_dir()).unwrap();
    fs::write(td.config_dir().join("config.toml"), "lang = \"zh-CN\"\n").unwrap();
    let text = td.ok(day, &["list"]);
    assert!(text.contains("潜在客户"), "{text}");
}

/// The same seed gives the same data; `init` may run twice; the database
/// and date may come from the environment.
#[test]
fn demo_is_reproducible_and_init_is_idempotent() {
    let one = Td::new();
    let two = Td::new();
    let day = "2026-09-15";
    for td in [&one, &two] {
        td.ok(day, &["init"]);
        let counts = td.counts();
        td.ok(day, &["init"]);
        assert_eq!(td.counts(), counts, "a second init changes nothing");
        td.ok(day, &["demo", "--accounts", "30", "--seed", "5"]);
    }
    let a = one.list(day, &[]);
    let b = two.list(day, &[]);
    assert!(
        a.len() >= 30,
        "30 demo accounts give some open deals: {}",
        a.len()
    );
    for d in &a {
        assert_deal_shape(d);
    }
    assert_eq!(a, b, "same seed, same list");
    // The engine's reminders get fresh ids; everything else matches.
    let without_ids = |td: &Td| -> Vec<Value> {
        array(td.json(day, &["reminders"]))
            .into_iter()
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("id");
                r
            })
            .collect()
    };
    assert_eq!(without_ids(&one), without_ids(&two));
    let grades: BTreeSet<&str> = a.iter().map(|d| d["grade"].as_str().unwrap()).collect();
    assert!(grades.len() >= 3, "demo data spans grades: {grades:?}");

    // TIERDECK_DB and TIERDECK_TODAY stand in for --db and --today.
    let out = one
        .bare()
        .env("TIERDECK_DB", &one.db)
        .env("TIERDECK_TODAY", day)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let via_env: Value = serde_json::from_str(&common::succeed(out, &["list"])).unwrap();
    assert_eq!(array(via_env), a);
}

/// A `rules.toml` in the config directory overrides the defaults it names;
/// the grades follow at once, with the new rule as the reason.
#[test]
fn rules_file_overrides_defaults() {
    let td = Td::new();
    let day = "2026-03-02";
    td.id(day, &["account", "add", "--name", "Acme"]);
    let id = td.id(
        day,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea",
            "--close",
            "2026-04-20",
        ],
    );
    assert_eq!(grade_of(&td, day, "Tea"), "B");
    fs::create_dir_all(td.config_dir()).unwrap();
    fs::write(
        td.config_dir().join("rules.toml"),
        "[grades]\na_within_months = 2\n\n[cadence_days]\nA = 3\n",
    )
    .unwrap();
    let changes = array(td.json(day, &["regrade"]));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["deal_id"], id.as_str());
    assert_eq!(
        (changes[0]["from"].as_str(), changes[0]["to"].as_str()),
        (Some("B"), Some("A"))
    );
    assert_eq!(changes[0]["reason"], "rule.within:2");
    let d = td.listed(day, "Tea").unwrap();
    assert_eq!(d["grade"], "A");
    // Cadence A = 3 days from creation.
    assert_eq!(d["next_revisit"], "2026-03-05");
    // Keys left out keep their defaults: B within 3 months.
    td.id(
        day,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Later",
            "--close",
            "2026-06-02",
        ],
    );
    assert_eq!(grade_of(&td, day, "Later"), "B");
}

/// Looking ahead with `--today` and coming back: what is shown is current
/// for the day it is shown on (SPEC §2.1), so a deal whose close date has not
/// passed has no open `slipped` reminder.
#[test]
fn planning_ahead_then_back() {
    let td = Td::new();
    let day0 = "2026-03-02";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let id = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Soon",
            "--close",
            "2026-03-25",
        ],
    );
    let before = td.listed("2026-03-05", "Soon").unwrap();

    // A look at the end of the month: slipped.
    let ahead = td.listed("2026-03-30", "Soon").unwrap();
    assert_eq!(ahead["slipped"], true);
    assert_eq!(td.reminders_of("2026-03-30", &id, &[]).len(), 2);

    // Back to 2026-03-05: the deal is as it was.
    let back = td.listed("2026-03-05", "Soon").unwrap();
    assert_eq!(back, before);
    let slipped: Vec<Value> = td
        .reminders_of("2026-03-05", &id, &[])
        .into_iter()
        .filter(|r| r["kind"] == "slipped")
        .collect();
    assert!(
        slipped.is_empty(),
        "on 2026-03-05 the close date 2026-03-25 has not passed, yet: {slipped:#?}"
    );
    // And the close_soon reminder still comes on 2026-03-18.
    let soon: Vec<Value> = td
        .reminders_of("2026-03-18", &id, &["--due", "today"])
        .into_iter()
        .filter(|r| r["kind"] == "close_soon")
        .collect();
    assert_eq!(soon.len(), 1, "{soon:#?}");
}

/// A POSIX `TZ` under which "now" on `--today` falls on another UTC date
/// (UTC−12 before 11:00 UTC, UTC+14 after), so that a local date and the
/// UTC date of the same moment differ. Waits out the last seconds of an
/// hour so that the choice still holds when the binary runs.
fn tz_across_the_date_line() -> &'static str {
    use chrono::Timelike;
    let now = chrono::Utc::now();
    if now.minute() == 59 && now.second() >= 50 {
        std::thread::sleep(std::time::Duration::from_secs(12));
    }
    // UTC−12: local time of day h+12 on --today is h UTC on the next day (h < 12).
    // UTC+14: local time of day h−10 on --today is h UTC on the day before (h ≥ 10).
    if chrono::Utc::now().hour() < 11 {
        "<-12>12"
    } else {
        "<+14>-14"
    }
}

/// A deal created on 2026-03-02 with a call logged on 2026-03-10, under a
/// `TZ` where that moment is on another UTC date. Returns the deal id and TZ.
fn logged_across_the_date_line(td: &Td) -> (String, &'static str) {
    td.id("2026-03-02", &["account", "add", "--name", "Acme"]);
    let id = td.id(
        "2026-03-02",
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea",
            "--close",
            "2026-05-30",
        ],
    );
    // Only the moment of the call matters; every later run uses the same TZ.
    let tz = tz_across_the_date_line();
    let run = |today: &str, args: &[&str]| {
        let out = td.cmd(today, args).env("TZ", tz).output().unwrap();
        common::succeed(out, args)
    };
    run(
        "2026-03-10",
        &["log", short(&id), "--kind", "call", "回访电话"],
    );
    let list: Value =
        serde_json::from_str(&run("2026-03-10", &["list", "--format", "json"])).unwrap();
    // B: 14 days from the call.
    assert_eq!(list[0]["next_revisit"], "2026-03-24", "TZ={tz}: {list:#}");
    (id, tz)
}

/// The timeline shows an activity on the day it was logged on in the user's
/// own calendar, whatever the UTC date of that moment.
#[test]
fn timeline_shows_the_users_day() {
    let td = Td::new();
    let (id, tz) = logged_across_the_date_line(&td);
    let day = "2026-03-10";
    let out = td
        .cmd(day, &["show", short(&id)])
        .env("TZ", tz)
        .output()
        .unwrap();
    let table = common::succeed(out, &["show"]);
    let call_row = table
        .lines()
        .find(|l| l.contains("回访电话"))
        .unwrap_or_else(|| panic!("no activity row in\n{table}"));
    assert!(
        call_row.contains(day),
        "TZ={tz}: the call logged on {day} shows as `{call_row}`"
    );
}

/// An export imported into another database keeps each deal's last touch
/// (the day of its latest activity, in the user's calendar), so the next
/// revisit stays where it was.
#[test]
fn export_import_keeps_the_last_touch() {
    let td = Td::new();
    let (_, tz) = logged_across_the_date_line(&td);
    let day = "2026-03-10";
    let out1 = td.root().join("e1");
    let out = td
        .cmd(day, &["export", "--out", out1.to_str().unwrap()])
        .env("TZ", tz)
        .output()
        .unwrap();
    common::succeed(out, &["export"]);
    let fresh = Td::new();
    for table in TABLES {
        let file = out1.join(format!("{table}.csv"));
        let out = fresh
            .cmd(day, &["import", file.to_str().unwrap(), "--kind", table])
            .env("TZ", tz)
            .output()
            .unwrap();
        common::succeed(out, &["import", table]);
    }
    let out = fresh
        .cmd(day, &["list", "--format", "json"])
        .env("TZ", tz)
        .output()
        .unwrap();
    let again: Value = serde_json::from_str(&common::succeed(out, &["list"])).unwrap();
    assert_eq!(
        again[0]["next_revisit"], "2026-03-24",
        "TZ={tz}: after export and import: {again:#}"
    );
}

/// An account 华信 with one deal "ERP 升级", both made on `day`; `more`
/// adds to `deal add`. The deal's id.
fn huaxin_deal(td: &Td, day: &str, more: &[&str]) -> String {
    td.id(day, &["account", "add", "--name", "华信"]);
    let mut args = vec!["deal", "add", "--account", "华信", "--title", "ERP 升级"];
    args.extend(more);
    td.id(day, &args)
}

/// 拜访, 微信, 邮件 and 会议 are the kinds they name, on the command line too.
#[test]
fn activity_kinds_are_typed_in_chinese() {
    let td = Td::new();
    let day = "2026-03-10";
    let id = huaxin_deal(&td, day, &[]);
    for (kind, summary) in [
        ("拜访", "上门演示"),
        ("微信", "发了报价单"),
        ("邮件", "合同草稿"),
        ("会议", "技术交流"),
    ] {
        td.ok(day, &["log", &id, "--kind", kind, summary]);
    }
    let shown = td.show(day, &id);
    let kinds: BTreeSet<(String, String)> = array(shown["activities"].clone())
        .iter()
        .map(|a| {
            (
                a["summary"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("上门演示", "visit"),
        ("发了报价单", "message"),
        ("合同草稿", "email"),
        ("技术交流", "meeting"),
    ]
    .iter()
    .map(|(s, k)| (s.to_string(), k.to_string()))
    .collect();
    assert_eq!(kinds, expected);
}

/// With no USER, USERNAME or LOGNAME (cron, `env -i`, a container), changes
/// are still signed by the account that made them, never "unknown".
#[test]
fn changes_are_signed_by_the_os_account_when_no_user_variable_is_set() {
    let td = Td::new();
    let account = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let account = String::from_utf8(account.stdout)
        .unwrap()
        .trim()
        .to_string();
    let db = td.root().join("signed.db");
    let out = td
        .bare()
        .args(["--db", db.to_str().unwrap(), "--today", "2026-03-10"])
        .args(["account", "add", "--name", "华信"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = td
        .bare()
        .args(["--db", db.to_str().unwrap(), "--today", "2026-03-10"])
        .args(["account", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rows[0]["owner"], account.as_str(), "{rows}");
}

/// `show` of a lost deal: the outcome where the grade was, when it closed
/// and why; no next revisit.
#[test]
fn show_says_when_a_deal_closed_and_why_it_was_lost() {
    let td = Td::new();
    let day = "2026-03-10";
    let id = huaxin_deal(&td, day, &[]);
    td.ok(day, &["deal", "lost", &id, "--reason", "选择了竞争对手"]);
    let shown = td.ok(day, &["--lang", "zh-CN", "show", &id]);
    let field = |label: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(label))
            .map(|l| l[label.len()..].trim().to_string())
    };
    assert_eq!(field("等级").as_deref(), Some("输单"), "{shown}");
    assert_eq!(field("关闭日期").as_deref(), Some(day), "{shown}");
    assert_eq!(
        field("输单原因").as_deref(),
        Some("选择了竞争对手"),
        "{shown}"
    );
    assert_eq!(field("下次回访"), None, "{shown}");
}

/// The week ahead lists a revisit that comes due in five days, before it
/// opens, under the id it opens with; today's list does not.
#[test]
fn the_week_ahead_lists_a_revisit_due_in_five_days() {
    let td = Td::new();
    let created = "2026-03-10";
    // Closing within the month: grade A, revisited every 7 days from its creation.
    let id = huaxin_deal(&td, created, &["--close", "2026-03-31"]);
    let today = "2026-03-12";
    assert!(td.reminders_of(today, &id, &["--due", "today"]).is_empty());
    let week = td.reminders_of(today, &id, &["--due", "week"]);
    let revisit: Vec<&Value> = week.iter().filter(|r| r["kind"] == "revisit").collect();
    assert_eq!(revisit.len(), 1, "{week:#?}");
    assert_eq!(revisit[0]["due"], "2026-03-17", "five days ahead");
    assert_eq!(revisit[0]["status"], "upcoming");
    let opened = td.reminders_of("2026-03-17", &id, &["--due", "today"]);
    let opened: Vec<&Value> = opened.iter().filter(|r| r["kind"] == "revisit").collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(
        opened[0]["id"], revisit[0]["id"],
        "it opens under the id it was listed with"
    );
    assert_eq!(opened[0]["status"], "open");
}

/// `--account` takes the start or a part of a name that only one account
/// has, as the README writes it (`--account 上海华信`); several say which.
#[test]
fn an_account_is_named_by_a_part_of_its_name_only_it_has() {
    let td = Td::new();
    let day = "2026-03-10";
    let huaxin = td.id(day, &["account", "add", "--name", "上海华信科技有限公司"]);
    let logistics = td.id(day, &["account", "add", "--name", "华信物流"]);
    td.id(day, &["account", "add", "--name", "北京华信"]);
    let deal = |account: &str| {
        td.id(
            day,
            &["deal", "add", "--account", account, "--title", "ERP 升级"],
        )
    };
    let account_of = |id: &str| td.show(day, id)["account_id"].as_str().unwrap().to_string();
    assert_eq!(
        account_of(&deal("上海华信")),
        huaxin,
        "the start of one name"
    );
    assert_eq!(account_of(&deal("科技")), huaxin, "a part of one name");
    assert_eq!(
        account_of(&deal("华信")),
        logistics,
        "a start before a part"
    );
    let (code, line) = td.fail(day, &["deal", "add", "--account", "信", "--title", "x"]);
    assert_eq!(code, 1);
    assert!(
        line.contains("several accounts")
            && line.contains("华信物流")
            && line.contains("北京华信")
            && line.contains("上海华信科技有限公司"),
        "{line}"
    );
    let (_, line) = td.fail(day, &["deal", "add", "--account", "深圳", "--title", "x"]);
    assert!(line.contains("no account named `深圳`"), "{line}");
}
