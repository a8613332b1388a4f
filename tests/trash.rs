//! Deleting, restoring and undoing on the built binary (SPEC §1, §6): a
//! mistake is taken back whole, as a new change that reaches teammates.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{Td, array};
use serde_json::Value;

const DAY: &str = "2026-03-10";

/// 上海华信 with its ERP deal closing in three weeks; returns the deal's id.
fn erp(td: &Td) -> String {
    td.id(DAY, &["account", "add", "--name", "上海华信"]);
    td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP 升级",
            "--amount",
            "480000",
            "--close",
            "+3w",
        ],
    )
}

/// What people entered, as an export has it: every file but the
/// bookkeeping columns (who saved which version when), which a delete and
/// a restore move on as any two edits do.
fn exported(td: &Td, name: &str) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let dir = td.root().join(name);
    td.ok(DAY, &["export", "--out", dir.to_str().unwrap()]);
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        files.insert(file_name(&path), rows_without_bookkeeping(&path));
    }
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn rows_without_bookkeeping(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            headers
                .iter()
                .zip(record.unwrap().iter())
                .filter(|(h, _)| !matches!(*h, "updated_at" | "updated_by" | "version"))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn a_deleted_deal_is_gone_from_every_list_and_restore_brings_back_the_same_export() {
    let td = Td::new();
    let deal = erp(&td);
    td.ok(DAY, &["log", &deal, "--kind", "拜访", "上门演示"]);
    let before = exported(&td, "before");
    let said = td.ok(DAY, &["deal", "delete", &deal[..8]]);
    assert!(said.contains("Deleted deal ERP 升级"), "{said}");
    assert!(
        said.contains(&format!("tierdeck restore {}", &deal[..8])),
        "{said}"
    );
    assert!(td.list(DAY, &[]).is_empty());
    assert!(array(td.json(DAY, &["reminders"])).is_empty());
    let (code, line) = td.fail(DAY, &["show", &deal]);
    assert_eq!(code, 1, "{line}");

    let back = td.ok(DAY, &["restore", &deal[..8]]);
    assert!(back.contains("Restored deal ERP 升级"), "{back}");
    assert_eq!(exported(&td, "after"), before);
    assert_eq!(td.list(DAY, &[]).len(), 1);
}

#[test]
fn an_account_with_open_deals_is_deleted_only_with_them_and_comes_back_with_them() {
    let td = Td::new();
    let deal = erp(&td);
    let contacts = td.root().join("contacts.csv");
    fs::write(&contacts, "account,name,title\n上海华信,李总,CIO\n").unwrap();
    let csv = contacts.to_str().unwrap();
    td.ok(DAY, &["import", csv, "--kind", "contacts"]);
    let (code, refused) = td.fail(DAY, &["account", "delete", "上海华信"]);
    assert_eq!(code, 1);
    assert!(
        refused.contains("has 1 open deals; pass --with-deals"),
        "{refused}"
    );
    assert_eq!(td.list(DAY, &[]).len(), 1, "a refusal changes nothing");

    let said = td.ok(DAY, &["account", "delete", "上海华信", "--with-deals"]);
    assert!(said.contains("with 1 deals and 1 contacts"), "{said}");
    assert!(td.list(DAY, &[]).is_empty());
    let (_, orphan) = td.fail(DAY, &["restore", &deal[..8]]);
    assert!(orphan.contains("restore the account first"), "{orphan}");

    let changes = array(td.json(DAY, &["undo", "--list"]));
    let account = changes[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "account")
        .unwrap()["id"]
        .as_str()
        .unwrap()[..8]
        .to_string();
    let back = td.ok(DAY, &["restore", &account]);
    assert!(back.contains("with 1 deals and 1 contacts"), "{back}");
    assert_eq!(td.list(DAY, &[]).len(), 1);
}

/// The fields of a deal that each kind of change moves.
fn state(td: &Td, deal: &str) -> (Value, Value, Value, Value, Value) {
    let d = td.show(DAY, deal);
    (
        d["stage"].clone(),
        d["expected_close"].clone(),
        d["grade"].clone(),
        d["amount_minor"].clone(),
        d["next_revisit"].clone(),
    )
}

#[test]
fn undo_takes_back_an_edit_a_stage_move_a_win_a_delete_and_a_reminder_done() {
    let td = Td::new();
    let deal = erp(&td);
    let fresh = state(&td, &deal);
    let changes: [&[&str]; 3] = [
        &[
            "deal", "update", &deal, "--close", "+5m", "--amount", "455000",
        ],
        &["deal", "update", &deal, "--stage", "proposal"],
        &["deal", "won", &deal],
    ];
    let mut states = vec![fresh.clone()];
    for change in changes {
        td.ok(DAY, change);
        states.push(state(&td, &deal));
    }
    assert_ne!(
        states[1], states[0],
        "the edit moved the close date and grade"
    );
    assert_eq!(states[3].0, "won");
    for expected in states.iter().rev().skip(1) {
        let said = td.ok(DAY, &["undo"]);
        assert!(said.starts_with("Took back your change of"), "{said}");
        assert_eq!(&state(&td, &deal), expected, "{said}");
    }
    assert_eq!(state(&td, &deal), fresh);

    td.ok(DAY, &["deal", "delete", &deal]);
    td.ok(DAY, &["undo"]);
    assert_eq!(
        state(&td, &deal),
        fresh,
        "undoing a delete restores the deal"
    );

    // Eight days on, the revisit is due; done, then undone, it is due again.
    let later = common::plus_days(DAY, 8);
    let due = array(td.json(&later, &["reminders", "--due", "today"]));
    assert_eq!(due.len(), 1, "{due:?}");
    let reminder = due[0]["id"].as_str().unwrap().to_string();
    td.ok(&later, &["remind", "done", &reminder[..8]]);
    assert!(array(td.json(&later, &["reminders", "--due", "today"])).is_empty());
    let said = td.ok(&later, &["undo"]);
    assert!(said.contains("reminder on ERP 升级: status"), "{said}");
    let again = array(td.json(&later, &["reminders", "--due", "today"]));
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["id"], due[0]["id"]);
    assert_eq!(again[0]["status"], "open");
}

#[test]
fn undo_leaves_a_field_changed_again_since_and_says_so() {
    let mut td = Td::new();
    let deal = erp(&td);
    td.ok(DAY, &["deal", "update", &deal, "--title", "ERP 二期"]);
    // 李娜 on the same file retitles it after Ann.
    td.user = "李娜".into();
    td.ok(DAY, &["deal", "update", &deal, "--title", "ERP 三期"]);
    td.user = "ann".into();
    let said = td.ok(DAY, &["undo"]);
    assert!(
        said.contains("Left the title of ERP 三期 as it is"),
        "{said}"
    );
    assert_eq!(td.show(DAY, &deal)["title"], "ERP 三期");
    // Her undo was of her own change only: 李娜 has hers to undo.
    td.user = "李娜".into();
    td.ok(DAY, &["undo"]);
    assert_eq!(td.show(DAY, &deal)["title"], "ERP 二期");
}

#[test]
fn the_list_names_each_change_and_which_were_taken_back_in_chinese_too() {
    let td = Td::new();
    let deal = erp(&td);
    td.ok(DAY, &["deal", "update", &deal, "--stage", "proposal"]);
    td.ok(DAY, &["undo"]);
    let listed = array(td.json(DAY, &["undo", "--list"]));
    let named: Vec<(String, bool)> = listed
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_string(),
                c["undone"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("deal ERP 升级: stage".to_string(), true),
            ("new deal ERP 升级".to_string(), false),
            ("new account 上海华信".to_string(), false),
        ]
    );
    let zh = td.ok(DAY, &["--lang", "zh-CN", "undo", "--list"]);
    assert!(zh.contains("商机「ERP 升级」：阶段"), "{zh}");
    assert!(zh.contains("新建客户「上海华信」"), "{zh}");

    td.ok(DAY, &["undo"]);
    td.ok(DAY, &["undo"]);
    let (code, none) = td.fail(DAY, &["undo"]);
    assert_eq!(code, 1);
    assert!(none.contains("no change of yours left to undo"), "{none}");
    let (_, zh_none) = td.fail(DAY, &["--lang", "zh-CN", "undo"]);
    assert!(zh_none.contains("没有可以撤销的更改"), "{zh_none}");
}

/// An undo is a change like any other: a teammate's replica takes it in
/// through the team folder, and a delete travels and comes back the same way.
#[test]
fn an_undo_and_a_delete_reach_a_teammate_through_the_team_folder() {
    let ann = Td::new();
    let deal = erp(&ann);
    let folder = ann.root().join("team");
    let folder = folder.to_str().unwrap();
    ann.ok(DAY, &["team", "init", folder]);
    let mut lina = Td::new();
    lina.user = "李娜".into();
    lina.db = ann.root().join("lina.db");
    let in_lina = |args: &[&str]| {
        let mut cmd = ann.bare();
        cmd.arg("--db").arg(&lina.db).arg("--today").arg(DAY);
        cmd.arg("--user").arg(&lina.user).args(args);
        common::succeed(cmd.output().unwrap(), args)
    };
    in_lina(&["team", "join", folder]);
    let close_at_lina = || {
        let shown: Value =
            serde_json::from_str(&in_lina(&["show", &deal, "--format", "json"])).unwrap();
        shown["expected_close"].clone()
    };
    let first = close_at_lina();
    ann.ok(DAY, &["deal", "update", &deal, "--close", "+4m"]);
    in_lina(&["sync"]);
    assert_ne!(close_at_lina(), first);
    ann.ok(DAY, &["undo"]);
    in_lina(&["sync"]);
    assert_eq!(close_at_lina(), first);

    ann.ok(DAY, &["deal", "delete", &deal]);
    in_lina(&["sync"]);
    let listed: Value = serde_json::from_str(&in_lina(&["list", "--format", "json"])).unwrap();
    assert_eq!(listed, Value::Array(Vec::new()));
    ann.ok(DAY, &["undo"]);
    in_lina(&["sync"]);
    assert_eq!(close_at_lina(), first);
}

/// A merge brings in what was done in another copy; `undo` takes back what
/// the user did here, not the merge.
#[test]
fn a_merged_copy_is_not_a_change_for_undo_to_take_back() {
    let td = Td::new();
    let deal = erp(&td);
    let mut copy = Td::new();
    copy.db = td.root().join("pipeline (conflicted copy).db");
    fs::copy(&td.db, &copy.db).unwrap();
    copy.ok(DAY, &["deal", "update", &deal, "--title", "ERP 二期"]);
    let before = array(td.json(DAY, &["undo", "--list"])).len();
    td.ok(DAY, &["merge", copy.db.to_str().unwrap()]);
    assert_eq!(td.show(DAY, &deal)["title"], "ERP 二期");
    assert_eq!(array(td.json(DAY, &["undo", "--list"])).len(), before);
}

#[test]
fn a_contact_deleted_by_mistake_is_restored() {
    let td = Td::new();
    erp(&td);
    let person = td.id(
        DAY,
        &["contact", "add", "--account", "上海华信", "--name", "李总"],
    );
    let said = td.ok(DAY, &["contact", "delete", &person[..8]]);
    assert!(said.contains("Deleted contact 李总"), "{said}");
    assert!(array(td.json(DAY, &["contact", "list"])).is_empty());
    td.ok(DAY, &["restore", &person[..8]]);
    let listed = array(td.json(DAY, &["contact", "list"]));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["name"], "李总");
}

/// An import is one change: undo takes all of it back, however many rows
/// (the engine then works everything out once rather than row by row).
#[test]
fn undo_takes_back_a_whole_import() {
    let td = Td::new();
    let deal = erp(&td);
    let mut csv =
        String::from("Deal - Title,Organization,Deal - Value,Deal - Expected close date\n");
    for i in 0..300 {
        csv += &format!(
            "Import {i},导入客户 {},1200,2027-01-{:02}\n",
            i % 40,
            1 + i % 28
        );
    }
    let file = td.root().join("pipedrive-deals.csv");
    fs::write(&file, csv).unwrap();
    td.ok(DAY, &["import", file.to_str().unwrap(), "--kind", "deals"]);
    assert_eq!(td.list(DAY, &[]).len(), 301);
    let said = td.ok(DAY, &["undo"]);
    assert!(said.contains("more"), "{said}");
    let left = td.list(DAY, &[]);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], deal.as_str());
    assert!(array(td.json(DAY, &["account", "list"])).len() == 1);
    assert!(
        array(td.json(DAY, &["reminders"]))
            .iter()
            .all(|r| r["deal_id"] == deal.as_str()),
        "no reminder of an undone deal is left"
    );
}
