//! The team commands on the built binary, the sync-folder guard, and
//! looking ahead (`--as-of`) and planning ahead (`--today`) without
//! changing what people did (SPEC §5.1, §5.2, §5.5).

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{Td, array};
use serde_json::Value;

const TODAY: &str = "2026-12-01";

fn td(user: &str) -> Td {
    let mut td = Td::new();
    td.user = user.to_string();
    td
}

/// A second member working in the same temporary home (so one team folder
/// is reachable from both), on a database of their own.
fn teammate(of: &Td, user: &str, file: &str) -> Td {
    let mut other = Td::new();
    other.user = user.to_string();
    other.db = of.root().join(file);
    other
}

fn run_in(home: &Td, member: &Td, args: &[&str]) -> std::process::Output {
    let mut cmd = home.bare();
    cmd.arg("--db")
        .arg(&member.db)
        .arg("--today")
        .arg(TODAY)
        .arg("--user")
        .arg(&member.user)
        .args(args);
    cmd.output().expect("run tierdeck")
}

fn ok_in(home: &Td, member: &Td, args: &[&str]) -> String {
    common::succeed(run_in(home, member, args), args)
}

fn a_deal(td: &Td) -> String {
    td.ok(TODAY, &["account", "add", "--name", "上海华信"]);
    td.id(
        TODAY,
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

#[test]
fn two_members_share_through_a_folder_and_a_lost_value_is_restored() {
    let ann = td("ann");
    let deal = a_deal(&ann);
    let folder = ann.root().join("team");
    let folder_arg = folder.to_str().unwrap();
    let made = ann.ok(TODAY, &["team", "init", folder_arg]);
    assert!(made.contains("tierdeck team join"), "{made}");
    let lina = teammate(&ann, "李娜", "lina.db");
    let joined = ok_in(&ann, &lina, &["team", "join", folder_arg]);
    assert!(joined.contains("Joined"), "{joined}");
    assert!(
        joined.contains("Started from ann's snapshot"),
        "an empty database starts from the snapshot team init published: {joined}"
    );
    let listed =
        array(serde_json::from_str(&ok_in(&ann, &lina, &["list", "--format", "json"])).unwrap());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["title"], "ERP 升级");

    // Ann edits while the folder is away (her laptop offline); 李娜 edits
    // the same field meanwhile. Both keep working; nothing is lost.
    let away = ann.root().join("team-away");
    fs::rename(&folder, &away).unwrap();
    let offline = ann.run(TODAY, &["deal", "update", &deal, "--amount", "455000"]);
    assert!(offline.status.success());
    let warned = String::from_utf8_lossy(&offline.stderr);
    assert!(warned.contains("cannot reach the team folder"), "{warned}");
    let status: Value =
        serde_json::from_str(&ann.ok(TODAY, &["team", "status", "--format", "json"])).unwrap();
    assert_eq!(status[0]["unsent"], 1, "{status}");
    fs::rename(&away, &folder).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok_in(
        &ann,
        &lina,
        &["deal", "update", &deal, "--amount", "500000"],
    );
    let synced = ann.run(TODAY, &["sync"]);
    let said = String::from_utf8_lossy(&synced.stderr);
    assert!(
        said.contains(
            "李娜 changed the amount of “ERP 升级” to 500,000.00 while you set 455,000.00"
        ),
        "{said}"
    );
    let conflicts = array(ann.json(TODAY, &["team", "conflicts"]));
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["field"], "amount_minor");
    assert_eq!(conflicts[0]["lost"], 45_500_000);
    assert_eq!(conflicts[0]["kept_by"], "李娜");
    let id = conflicts[0]["id"].as_str().unwrap()[..8].to_string();
    let restored = ann.ok(TODAY, &["team", "restore", &id]);
    assert!(restored.contains("455,000.00"), "{restored}");
    ok_in(&ann, &lina, &["sync"]);
    for member in [&ann, &lina] {
        let shown: Value =
            serde_json::from_str(&ok_in(&ann, member, &["show", &deal, "--format", "json"]))
                .unwrap();
        assert_eq!(shown["amount_minor"], 45_500_000, "{}", member.user);
    }
    let again = ann.fail(TODAY, &["team", "restore", &id]);
    assert_eq!(again.0, 1);
    assert!(again.1.contains("already settled"), "{}", again.1);

    let left = ann.ok(TODAY, &["team", "leave"]);
    assert!(left.contains("keeps everything"), "{left}");
    let (code, message) = ann.fail(TODAY, &["sync"]);
    assert_eq!(code, 1);
    assert!(message.contains("team init"), "{message}");
}

#[test]
fn joining_what_is_no_team_folder_or_a_newer_one_is_refused_and_changes_nothing() {
    let ann = td("ann");
    a_deal(&ann);
    let plain = ann.root().join("plain");
    fs::create_dir(&plain).unwrap();
    let before = ann.snapshot();
    let (code, message) = ann.fail(TODAY, &["team", "join", plain.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(message.contains("is not a team folder"), "{message}");
    assert_eq!(ann.snapshot(), before, "a refused join writes nothing");

    let newer = ann.root().join("newer");
    fs::create_dir(&newer).unwrap();
    fs::write(
        newer.join("tierdeck-team.json"),
        r#"{"format": 9, "team": "t", "created_at": "2026-12-01T00:00:00Z", "created_by": "x"}"#,
    )
    .unwrap();
    let (code, message) = ann.fail(TODAY, &["team", "join", newer.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(message.contains("newer tierdeck"), "{message}");

    let inside = ann.db.parent().unwrap().to_path_buf();
    let (code, message) = ann.fail(TODAY, &["team", "init", inside.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(message.contains("inside"), "{message}");
}

#[test]
fn a_file_still_arriving_is_skipped_and_said_and_read_once_whole() {
    let ann = td("ann");
    let deal = a_deal(&ann);
    let folder = ann.root().join("team");
    ann.ok(TODAY, &["team", "init", folder.to_str().unwrap()]);
    let lina = teammate(&ann, "李娜", "lina.db");
    ok_in(&ann, &lina, &["team", "join", folder.to_str().unwrap()]);
    ann.ok(TODAY, &["log", &deal, "--kind", "visit", "上门演示"]);
    // The sync tool has delivered only the start of Ann's newest file.
    let device = fs::read_dir(folder.join("devices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| fs::read_dir(p).unwrap().count() > 2)
        .expect("Ann's folder holds her files");
    let newest = fs::read_dir(&device)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tdc"))
        .max()
        .unwrap();
    let whole = fs::read(&newest).unwrap();
    fs::write(&newest, &whole[..whole.len() / 2]).unwrap();
    let out = run_in(&ann, &lina, &["sync"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("still arriving"), "{said}");
    let calls = |member: &Td| -> usize {
        let shown: Value =
            serde_json::from_str(&ok_in(&ann, member, &["show", &deal, "--format", "json"]))
                .unwrap();
        shown["activities"].as_array().unwrap().len()
    };
    assert_eq!(calls(&lina), 0, "nothing of a cut file is applied");
    fs::write(&newest, &whole).unwrap();
    ok_in(&ann, &lina, &["sync"]);
    assert_eq!(calls(&lina), 1);
    ok_in(&ann, &lina, &["sync"]);
    assert_eq!(calls(&lina), 1, "and only once");
}

#[test]
fn a_database_in_a_sync_folder_is_refused_and_team_init_moves_it_out_whole() {
    let ann = td("ann");
    let synced = ann.root().join("Sync");
    fs::create_dir_all(synced.join(".stfolder")).unwrap();
    let mut shared = td("ann");
    shared.db = synced.join("pipeline.db");
    // Made before the guard existed: a file people shared by syncing it.
    fs::copy(
        &{
            a_deal(&ann);
            ann.db.clone()
        },
        &shared.db,
    )
    .unwrap();
    let bytes = fs::read(&shared.db).unwrap();
    let out = run_in(&ann, &shared, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("Syncthing folder"), "{message}");
    assert!(message.contains("team init"), "{message}");
    assert_eq!(fs::read(&shared.db).unwrap(), bytes, "not written in place");

    let team = synced.join("tierdeck-team");
    let made = ok_in(&ann, &shared, &["team", "init", team.to_str().unwrap()]);
    assert!(made.contains("copied out of the sync folder"), "{made}");
    assert_eq!(
        fs::read(&shared.db).unwrap(),
        bytes,
        "still not written in place"
    );
    let replica = ann.root().join("data/tierdeck/pipeline.db");
    assert!(replica.exists(), "{made}");
    let mut moved = td("ann");
    moved.db = replica;
    let listed =
        array(serde_json::from_str(&ok_in(&ann, &moved, &["list", "--format", "json"])).unwrap());
    assert_eq!(listed.len(), 1, "everything in it came along");

    // A teammate still opening the shared file is sent to the team.
    let out = run_in(&ann, &shared, &["list"]);
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("team join"), "{message}");
}

/// Pending reminders as (id, status, due): what a person's snoozes,
/// dismissals and dones decide.
fn pending(td: &Td, today: &str) -> BTreeSet<(String, String, String)> {
    array(td.json(today, &["reminders", "--due", "all"]))
        .into_iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["due"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn looking_ahead_writes_nothing_and_planning_ahead_undoes_nothing_people_did() {
    let ann = td("ann");
    ann.ok(TODAY, &["demo", "--accounts", "40", "--seed", "3"]);
    let before = pending(&ann, TODAY);
    assert!(before.len() >= 6, "the demo has reminders: {before:?}");
    let mut ids = before.iter().map(|(id, _, _)| id.clone());
    let (snoozed, dismissed, done) = (
        ids.next().unwrap(),
        ids.next().unwrap(),
        ids.next().unwrap(),
    );
    ann.ok(TODAY, &["remind", "snooze", &snoozed, "--until", "+20d"]);
    ann.ok(TODAY, &["remind", "dismiss", &dismissed]);
    ann.ok(TODAY, &["remind", "done", &done]);
    let decided = pending(&ann, TODAY);
    assert!(
        decided
            .iter()
            .any(|(id, s, _)| *id == snoozed && s == "snoozed")
    );

    let files = ann.snapshot();
    let ahead = array(ann.json(TODAY, &["--as-of", "+2m", "list"]));
    let now = array(ann.json(TODAY, &["list"]));
    assert_ne!(
        ahead.iter().map(|d| d["grade"].clone()).collect::<Vec<_>>(),
        now.iter().map(|d| d["grade"].clone()).collect::<Vec<_>>(),
        "two months on, grades are not today's"
    );
    assert!(
        ahead.iter().any(|d| d["slipped"] == true),
        "close dates have passed by then"
    );
    ann.ok(TODAY, &["--as-of", "+2m", "reminders", "--due", "all"]);
    ann.ok(TODAY, &["--as-of", "+2m", "report", "grades"]);
    assert_eq!(ann.snapshot(), files, "--as-of changed no byte of any file");
    let (code, message) = ann.fail(TODAY, &["--as-of", "+2m", "remind", "done", &snoozed]);
    assert_eq!(code, 1);
    assert!(message.contains("--as-of"), "{message}");
    assert_eq!(ann.snapshot(), files);

    // Planning ahead with --today writes, and coming back undoes only the
    // engine's work of that day.
    let later = common::plus_days(TODAY, 61);
    ann.ok(&later, &["list"]);
    ann.ok(&later, &["reminders", "--due", "all"]);
    ann.ok(TODAY, &["list"]);
    assert_eq!(
        pending(&ann, TODAY),
        decided,
        "every snooze, dismissal and done stands"
    );
    ann.ok(&later, &["list"]);
    ann.ok(TODAY, &["list"]);
    assert_eq!(pending(&ann, TODAY), decided, "and again");
}
