//! Activities for a past moment and on an account alone, corrected and
//! retracted with the original kept; follow-ups planned on a deal or an
//! account, shown in the agenda and the calendar, answered by the next
//! activity, and carried to teammates (SPEC §1 Activity and Reminder, §6).

mod common;

use common::{Td, array};
use serde_json::Value;

// A Wednesday.
const TODAY: &str = "2026-12-02";

fn td(user: &str) -> Td {
    let mut td = Td::new();
    td.user = user.to_string();
    td
}

/// 上海华信 with one deal, graded A; returns (account id, deal id).
fn a_deal(td: &Td) -> (String, String) {
    let account = td.id(TODAY, &["account", "add", "--name", "上海华信"]);
    let deal = td.id(
        TODAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP 升级",
            "--need",
            "explicit",
            "--close",
            "+3w",
        ],
    );
    (account, deal)
}

fn activities(td: &Td, deal: &str) -> Vec<Value> {
    array(td.show(TODAY, deal)["activities"].clone())
}

fn follow_ups(td: &Td, today: &str, due: &str) -> Vec<Value> {
    array(td.json(today, &["reminders", "--due", due]))
        .into_iter()
        .filter(|r| r["kind"] == "follow_up")
        .collect()
}

#[test]
fn an_activity_is_logged_for_a_past_moment_in_every_spelling_never_a_future_one() {
    let td = td("ann");
    let (_, deal) = a_deal(&td);
    for (at, expected) in [
        ("yesterday 15:00", "2026-12-01T15:00:00Z"),
        ("2026-11-30 15:00", "2026-11-30T15:00:00Z"),
        ("15:00", "2026-12-02T15:00:00Z"),
        ("昨天 09:30", "2026-12-01T09:30:00Z"),
    ] {
        let id = td.id(
            TODAY,
            &["log", &deal, "--kind", "call", "--at", at, "谈了预算"],
        );
        let logged = activities(&td, &deal)
            .into_iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("{at}: not shown"));
        assert_eq!(logged["at"], expected, "{at}");
    }
    let id = td.id(
        TODAY,
        &["log", &deal, "--kind", "visit", "--at", "-2d", "上门"],
    );
    let two_days = activities(&td, &deal)
        .into_iter()
        .find(|a| a["id"] == id)
        .unwrap();
    assert!(two_days["at"].as_str().unwrap().starts_with("2026-11-30"));

    let before = td.snapshot();
    for at in ["tomorrow 09:00", "2026-12-03 00:00", "+1d"] {
        let (code, message) = td.fail(TODAY, &["log", &deal, "--kind", "call", "--at", at, "x"]);
        assert_eq!(code, 1, "{at}");
        assert!(message.contains("after today"), "{at}: {message}");
    }
    let (code, message) = td.fail(
        TODAY,
        &["log", &deal, "--kind", "call", "--at", "25:00", "x"],
    );
    assert_eq!(code, 2);
    assert!(message.contains("25:00"), "{message}");
    assert_eq!(td.snapshot(), before, "a refused activity writes nothing");
}

#[test]
fn an_activity_on_an_account_alone_by_name_or_id_counts_for_the_account() {
    let td = td("ann");
    let account = td.id(TODAY, &["account", "add", "--name", "上海华信"]);
    td.id(
        TODAY,
        &[
            "log",
            "--account",
            "上海华信",
            "--kind",
            "拜访",
            "--at",
            "-5d",
            "上门拜访李总",
        ],
    );
    let shown = td.json(TODAY, &["account", "show", &account[..8]]);
    assert_eq!(shown["quiet_since"], "2026-11-27", "{shown}");
    td.id(
        TODAY,
        &[
            "log",
            &account[..8],
            "--kind",
            "微信",
            "--at",
            "-3d",
            "发了报价",
        ],
    );
    let shown = td.json(TODAY, &["account", "show", &account[..8]]);
    assert_eq!(shown["quiet_since"], "2026-11-29", "{shown}");

    let (code, message) = td.fail(TODAY, &["log", "--account", "上海华信", "--kind", "call"]);
    assert_eq!(code, 2, "{message}");
    let (code, _) = td.fail(
        TODAY,
        &["log", "--account", "不存在", "--kind", "call", "x"],
    );
    assert_eq!(code, 1);
}

#[test]
fn a_correction_and_a_retraction_keep_the_original_and_count_for_nothing_themselves() {
    let td = td("ann");
    td.id("2026-11-20", &["account", "add", "--name", "上海华信"]);
    let deal = td.id(
        "2026-11-20",
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP 升级",
            "--need",
            "explicit",
            "--close",
            "2026-12-20",
        ],
    );
    let first = td.id(
        TODAY,
        &["log", &deal, "--kind", "call", "--at", "-5d", "谈了预算"],
    );
    let corrected = td.id(
        TODAY,
        &[
            "activity",
            "edit",
            &first[..8],
            "--kind",
            "visit",
            "--summary",
            "上门谈了预算",
        ],
    );
    let shown = activities(&td, &deal);
    assert_eq!(shown.len(), 1, "only the corrected one stands: {shown:?}");
    assert_eq!(shown[0]["id"], corrected);
    assert_eq!(shown[0]["kind"], "visit");
    assert_eq!(shown[0]["summary"], "上门谈了预算");
    assert!(shown[0]["at"].as_str().unwrap().starts_with("2026-11-27"));

    let table = td.ok(TODAY, &["show", &deal]);
    assert!(
        table.contains("Corrected") && table.contains("Call: 谈了预算"),
        "{table}"
    );
    let corrections = array(td.show(TODAY, &deal)["corrections"].clone());
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0]["id"], corrected);
    assert_eq!(corrections[0]["original"]["id"], first);
    assert_eq!(corrections[0]["original"]["summary"], "谈了预算");
    assert_eq!(corrections[0]["retracted"], false);

    // The original cannot be corrected again: its correction is what stands.
    let before = td.snapshot();
    let (code, message) = td.fail(TODAY, &["activity", "edit", &first[..8], "--summary", "x"]);
    assert_eq!(code, 1);
    assert!(
        message.contains("already corrected or retracted"),
        "{message}"
    );
    let (code, _) = td.fail(
        TODAY,
        &["activity", "retract", &corrected[..8], "--reason", " "],
    );
    assert_eq!(code, 1);
    let (code, _) = td.fail(TODAY, &["activity", "edit", &corrected[..8]]);
    assert_eq!(code, 1);
    assert_eq!(td.snapshot(), before);

    // Retracted, the activity no longer touches the deal: the revisit
    // cadence (A: 7 days) counts from the deal's creation again.
    let touched = td.listed(TODAY, "ERP 升级").unwrap();
    assert_eq!(touched["next_revisit"], "2026-12-04", "{touched}");
    td.id(
        TODAY,
        &[
            "activity",
            "retract",
            &corrected[..8],
            "--reason",
            "记错了客户",
        ],
    );
    assert!(activities(&td, &deal).is_empty());
    let corrections = array(td.show(TODAY, &deal)["corrections"].clone());
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[1]["retracted"], true);
    assert_eq!(corrections[1]["reason"], "记错了客户");
    assert_eq!(corrections[1]["original"]["id"], corrected);
    let untouched = td.listed(TODAY, "ERP 升级").unwrap();
    assert_eq!(untouched["next_revisit"], "2026-11-27", "{untouched}");
    let table = td.ok(TODAY, &["--lang", "zh-CN", "show", &deal]);
    assert!(
        table.contains("已撤回") && table.contains("记错了客户"),
        "{table}"
    );
    assert!(table.contains("拜访：上门谈了预算"), "{table}");

    // An export holds what stands, so a re-import counts nothing twice.
    let out = td.root().join("out");
    td.ok(TODAY, &["export", "--out", out.to_str().unwrap()]);
    let csv = std::fs::read_to_string(out.join("activities.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "{csv}");
}

#[test]
fn a_planned_follow_up_shows_in_the_agenda_and_the_calendar_and_closes_on_the_activity() {
    let td = td("ann");
    let (_, deal) = a_deal(&td);
    let planned = td.id(
        TODAY,
        &[
            "plan",
            &deal[..8],
            "--on",
            "fri 15:00",
            "call 李总 about the quote",
        ],
    );

    let week = follow_ups(&td, TODAY, "week");
    assert_eq!(week.len(), 1, "{week:?}");
    assert_eq!(week[0]["id"], planned);
    assert_eq!(week[0]["due"], "2026-12-04");
    assert_eq!(week[0]["time"], "15:00");
    assert_eq!(week[0]["deal_id"], deal);
    assert_eq!(week[0]["note"], "call 李总 about the quote");
    let table = td.ok(TODAY, &["reminders", "--due", "week"]);
    assert!(table.contains("Follow-up 15:00 call 李总"), "{table}");
    let zh = td.ok(TODAY, &["--lang", "zh-CN", "reminders", "--due", "week"]);
    assert!(zh.contains("计划跟进 15:00"), "{zh}");

    let ics = td.root().join("plan.ics");
    td.ok(TODAY, &["reminders", "--ics", ics.to_str().unwrap()]);
    let calendar = std::fs::read_to_string(&ics).unwrap();
    assert!(calendar.contains(&format!("UID:{planned}")), "{calendar}");
    assert!(calendar.contains("DUE:20261204T150000"), "{calendar}");
    assert!(
        calendar.contains("SUMMARY:call 李总 about the quote (ERP 升级)"),
        "{calendar}"
    );

    // The day it is due it is due today; the next call answers it.
    assert_eq!(follow_ups(&td, "2026-12-04", "today").len(), 1);
    td.id(
        "2026-12-04",
        &["log", &deal, "--kind", "call", "说好了下周签约"],
    );
    assert!(follow_ups(&td, "2026-12-04", "all").is_empty());
    let kept = array(td.show("2026-12-04", &deal)["reminders"].clone());
    let done = kept.iter().find(|r| r["id"] == planned).unwrap();
    assert_eq!(done["status"], "done");
    assert_eq!(done["closed_on"], "2026-12-04");
    assert_eq!(
        done["note"], "call 李总 about the quote",
        "what it asked is kept"
    );

    // A later day's refresh neither reopens nor withdraws it.
    assert!(follow_ups(&td, "2026-12-20", "all").is_empty());
    let kept = array(td.show(TODAY, &deal)["reminders"].clone());
    assert!(
        kept.iter()
            .any(|r| r["id"] == planned && r["status"] == "done")
    );
}

#[test]
fn one_activity_answers_the_plan_due_first_and_not_one_made_after_it_happened() {
    let td = td("ann");
    let (account, deal) = a_deal(&td);
    let later = td.id(TODAY, &["plan", &deal, "--on", "+5d", "send the contract"]);
    let sooner = td.id(TODAY, &["plan", &deal, "--on", "tomorrow", "call back"]);
    let on_account = td.id(
        TODAY,
        &[
            "plan",
            "--account",
            "上海华信",
            "--on",
            "2026-12-10 10:00",
            "年底拜访",
        ],
    );
    let week = follow_ups(&td, TODAY, "all");
    assert_eq!(week.len(), 3, "{week:?}");
    let mine = week.iter().find(|r| r["id"] == on_account).unwrap();
    assert_eq!(mine["deal_id"], Value::Null);
    assert_eq!(mine["account_id"], account);
    assert_eq!(mine["account"], "上海华信");

    // Logged for a day before the plans were made, a call answers none.
    td.id(
        TODAY,
        &["log", &deal, "--kind", "call", "--at", "-3d", "old call"],
    );
    assert_eq!(follow_ups(&td, TODAY, "all").len(), 3);
    td.id(TODAY, &["log", &deal, "--kind", "call", "called back"]);
    let open: Vec<Value> = follow_ups(&td, TODAY, "all");
    assert!(open.iter().all(|r| r["id"] != sooner), "{open:?}");
    assert!(open.iter().any(|r| r["id"] == later));
    // The account's own plan is answered by an activity on the account.
    td.id(
        TODAY,
        &["log", "--account", "上海华信", "--kind", "visit", "拜访"],
    );
    let open = follow_ups(&td, TODAY, "all");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["id"], later);
}

#[test]
fn a_plan_for_a_past_day_or_without_words_is_refused_and_changes_nothing() {
    let td = td("ann");
    let (_, deal) = a_deal(&td);
    let before = td.snapshot();
    let (code, message) = td.fail(TODAY, &["plan", &deal, "--on", "yesterday", "call"]);
    assert_eq!(code, 1);
    assert!(
        message.contains("today (2026-12-02) or a later day"),
        "{message}"
    );
    let (code, _) = td.fail(TODAY, &["plan", &deal, "--on", "fri", "  "]);
    assert_eq!(code, 1);
    let (code, message) = td.fail(TODAY, &["plan", &deal, "--on", "someday", "call"]);
    assert_eq!(code, 2, "{message}");
    let (code, message) = td.fail(
        TODAY,
        &["--lang", "zh-CN", "plan", &deal, "--on", "前天", "打电话"],
    );
    assert_eq!(code, 1);
    assert!(message.contains("不能把跟进安排在"), "{message}");
    assert_eq!(td.snapshot(), before);
}

/// A second member in the same temporary home, on a database of their own.
fn teammate(of: &Td, user: &str, file: &str) -> Td {
    let mut other = Td::new();
    other.user = user.to_string();
    other.db = of.root().join(file);
    other
}

fn ok_in(home: &Td, member: &Td, args: &[&str]) -> String {
    let mut cmd = home.bare();
    cmd.arg("--db")
        .arg(&member.db)
        .arg("--today")
        .arg(TODAY)
        .arg("--user")
        .arg(&member.user)
        .args(args);
    common::succeed(cmd.output().expect("run tierdeck"), args)
}

fn json_in(home: &Td, member: &Td, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    array(serde_json::from_str(&ok_in(home, member, &all)).unwrap())
}

#[test]
fn a_follow_up_planned_on_one_replica_reaches_the_other_and_its_answer_comes_back() {
    let ann = td("ann");
    let (_, deal) = a_deal(&ann);
    let folder = ann.root().join("team");
    let folder = folder.to_str().unwrap();
    ann.ok(TODAY, &["team", "init", folder]);
    let lina = teammate(&ann, "李娜", "lina.db");
    ok_in(&ann, &lina, &["team", "join", folder]);

    let planned = ann.id(
        TODAY,
        &["plan", &deal, "--on", "周五 15:00", "给李总打电话"],
    );
    let on_account = ann.id(
        TODAY,
        &["plan", "--account", "上海华信", "--on", "+3d", "送样品"],
    );
    ok_in(&ann, &lina, &["sync"]);
    let theirs: Vec<Value> = json_in(&ann, &lina, &["reminders"])
        .into_iter()
        .filter(|r| r["kind"] == "follow_up")
        .collect();
    assert_eq!(theirs.len(), 2, "{theirs:?}");
    let reached = theirs.iter().find(|r| r["id"] == planned).unwrap();
    assert_eq!(reached["due"], "2026-12-04");
    assert_eq!(reached["time"], "15:00");
    assert_eq!(reached["note"], "给李总打电话");
    assert!(
        theirs
            .iter()
            .any(|r| r["id"] == on_account && r["deal_id"].is_null())
    );

    // 李娜 makes the call; Ann's agenda hears of it.
    ok_in(&ann, &lina, &["log", &deal, "--kind", "电话", "打过了"]);
    ann.ok(TODAY, &["sync"]);
    let left: Vec<Value> = follow_ups(&ann, TODAY, "all");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], on_account);
    let shown = array(ann.show(TODAY, &deal)["reminders"].clone());
    assert!(
        shown
            .iter()
            .any(|r| r["id"] == planned && r["status"] == "done")
    );
}

#[test]
fn a_customer_is_revisited_after_the_sale_by_its_tier_and_any_activity_answers_it() {
    let td = td("ann");
    let (account, deal) = a_deal(&td);
    td.ok(TODAY, &["deal", "won", &deal, "--amount", "480000"]);
    let revisits = |today: &str| -> Vec<Value> {
        array(td.json(today, &["reminders"]))
            .into_iter()
            .filter(|r| r["kind"] == "revisit" && r["account_id"] == account.as_str())
            .collect()
    };
    // The week ahead lists it before it opens.
    let ahead: Vec<Value> = array(td.json("2026-12-10", &["reminders", "--due", "week"]))
        .into_iter()
        .filter(|r| r["account_id"] == account.as_str() && r["kind"] == "revisit")
        .collect();
    assert_eq!(ahead.len(), 1, "{ahead:?}");
    assert_eq!(ahead[0]["status"], "upcoming");
    assert_eq!(ahead[0]["due"], "2026-12-16");
    assert!(
        array(td.json("2026-12-08", &["reminders", "--due", "week"]))
            .iter()
            .all(|r| r["account_id"] != account.as_str())
    );
    // The only customer is tier A: every 14 days from the last touch.
    assert!(revisits("2026-12-15").is_empty(), "not due the day before");
    let due = revisits("2026-12-16");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["due"], "2026-12-16");
    assert_eq!(
        due[0]["id"], ahead[0]["id"],
        "listed ahead under the id it opens with"
    );
    assert_eq!(due[0]["deal_id"], Value::Null);
    let table = td.ok("2026-12-16", &["reminders"]);
    assert!(
        table.contains("Revisit") && table.contains("上海华信"),
        "{table}"
    );
    // Running again the same day changes nothing.
    assert_eq!(revisits("2026-12-16"), due);

    // Any activity on the account (or its deals) answers it; the next one
    // follows 14 days later.
    td.id(
        "2026-12-18",
        &[
            "log",
            "--account",
            "上海华信",
            "--kind",
            "visit",
            "回访了李总",
        ],
    );
    assert!(revisits("2026-12-18").is_empty());
    assert!(revisits("2026-12-31").is_empty());
    let next = revisits("2027-01-01");
    assert_eq!(next.len(), 1, "{next:?}");
    td.id("2027-01-01", &["log", &deal, "--kind", "call", "售后回访"]);
    assert!(
        revisits("2027-01-01").is_empty(),
        "an activity on its deal answers it too"
    );

    // Done by hand, it restarts the cadence from that day.
    let open = revisits("2027-01-15");
    assert_eq!(open.len(), 1);
    let id = open[0]["id"].as_str().unwrap().to_string();
    td.ok("2027-01-15", &["remind", "done", &id[..8]]);
    assert!(revisits("2027-01-28").is_empty());
    assert_eq!(revisits("2027-01-29").len(), 1);
}
