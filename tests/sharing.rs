//! One database file shared by several people at once (SPEC §5): processes
//! of the real binary writing to one file at the same time.

mod common;

use std::process::Child;

use common::{Td, array};

const DAY: &str = "2026-06-01";
const ROUNDS: usize = 12;

/// Starts `tierdeck ARGS` `ROUNDS` times in a row in a shell loop, so that the
/// writers of several such loops overlap; the child fails if any run does.
fn writer_loop(td: &Td, user: &str, runs: &[Vec<String>]) -> Child {
    let mut script = String::from("set -e\n");
    for args in runs {
        let quoted: Vec<String> = args
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        script.push_str(&format!(
            "\"$TIERDECK\" --db '{}' --today {DAY} --user {user} {}\n",
            td.db.display(),
            quoted.join(" ")
        ));
    }
    // The shell gets the environment the tests give the binary.
    let base = td.bare();
    let mut shell = std::process::Command::new("sh");
    shell.env_clear();
    for (key, value) in base.get_envs() {
        if let Some(value) = value {
            shell.env(key, value);
        }
    }
    shell
        .env("TIERDECK", common::BIN)
        .arg("-c")
        .arg(script)
        .current_dir(td.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    shell.spawn().expect("start a writer")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn four_processes_writing_at_once_all_succeed() {
    let td = Td::new();
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    let deals: Vec<String> = (0..3)
        .map(|i| {
            td.id(
                DAY,
                &[
                    "deal",
                    "add",
                    "--account",
                    "Acme",
                    "--title",
                    &format!("Deal {i}"),
                ],
            )
        })
        .collect();
    let csv_dir = td.root().join("imports");
    std::fs::create_dir_all(&csv_dir).expect("a folder for the imports");

    let calls = |user: &str, deal: &str| -> Vec<Vec<String>> {
        (0..ROUNDS)
            .map(|i| args(&["log", deal, "--kind", "call", &format!("{user} call {i}")]))
            .collect()
    };
    let updates: Vec<Vec<String>> = (0..ROUNDS)
        .map(|i| {
            args(&[
                "deal",
                "update",
                &deals[2],
                "--amount",
                &format!("{}", 1000 + i),
            ])
        })
        .collect();
    let imports: Vec<Vec<String>> = (0..ROUNDS)
        .map(|i| {
            let file = csv_dir.join(format!("deals-{i}.csv"));
            let rows: String = (0..20)
                .map(|r| format!("Imported {i}-{r},Import Co {i},100\n"))
                .collect();
            std::fs::write(&file, format!("Deal Name,Account Name,Amount\n{rows}"))
                .expect("write an import file");
            args(&[
                "import",
                file.to_str().expect("a UTF-8 path"),
                "--kind",
                "deals",
            ])
        })
        .collect();

    let writers = vec![
        writer_loop(&td, "ann", &calls("ann", &deals[0])),
        writer_loop(&td, "bob", &calls("bob", &deals[1])),
        writer_loop(&td, "cy", &updates),
        writer_loop(&td, "dee", &imports),
        writer_loop(&td, "eve", &calls("eve", &deals[0])),
    ];
    for writer in writers {
        let out = writer.wait_with_output().expect("a writer ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed: {stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }

    // Every write is there.
    let show = |id: &str| td.show(DAY, id);
    let summaries = |id: &str| -> Vec<String> {
        array(show(id)["activities"].clone())
            .iter()
            .map(|a| a["summary"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let first = summaries(&deals[0]);
    for user in ["ann", "eve"] {
        for i in 0..ROUNDS {
            assert!(
                first.contains(&format!("{user} call {i}")),
                "{user} {i}: {first:?}"
            );
        }
    }
    assert_eq!(summaries(&deals[1]).len(), ROUNDS);
    assert_eq!(show(&deals[2])["amount_minor"], (1000 + ROUNDS - 1) * 100);
    let imported = td
        .list(DAY, &[])
        .iter()
        .filter(|d| {
            d["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Imported "))
        })
        .count();
    assert_eq!(imported, ROUNDS * 20);
    let conn = rusqlite::Connection::open(&td.db).expect("open the file");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("an integrity check");
    assert_eq!(check, "ok");
}

/// `tierdeck ARGS` as `user`, on this database and day: another person's process.
fn as_user(td: &Td, user: &str, args: &[&str]) -> std::process::Output {
    td.bare()
        .arg("--db")
        .arg(&td.db)
        .arg("--today")
        .arg(DAY)
        .arg("--user")
        .arg(user)
        .args(args)
        .output()
        .expect("run tierdeck")
}

/// When the row was last saved, as the CLI shows a moment (the tests run in UTC).
fn saved_at(td: &Td, table: &str, id: &str) -> String {
    let conn = rusqlite::Connection::open(&td.db).expect("open the file");
    let at: String = conn
        .query_row(
            &format!("SELECT updated_at FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .expect("the row");
    chrono::DateTime::parse_from_rfc3339(&at)
        .expect("an RFC 3339 moment")
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[test]
fn a_cli_save_at_a_stale_version_is_refused_naming_who_and_when() {
    let td = Td::new();
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    let deal = td.id(
        DAY,
        &["deal", "add", "--account", "Acme", "--title", "Pumps"],
    );
    let loaded = td.show(DAY, &deal)["version"]
        .as_i64()
        .expect("show gives the version");

    // Another process, another person, saves first.
    let out = as_user(
        &td,
        "李娜",
        &["deal", "update", &deal, "--title", "Pumps, 40 units"],
    );
    common::succeed(out, &["deal", "update"]);
    let theirs = td.show(DAY, &deal);
    let now = theirs["version"].as_i64().expect("a version");
    assert!(now > loaded, "{theirs}");

    let stale = loaded.to_string();
    let args = [
        "deal",
        "update",
        &deal,
        "--amount",
        "999",
        "--if-version",
        &stale,
    ];
    let (code, line) = td.fail(DAY, &args);
    assert_eq!(code, 1);
    let short = &deal[..8];
    let at = saved_at(&td, "deals", &deal);
    for part in [
        format!("deal {short} was changed by 李娜 at {at}"),
        format!("(version {now}, you had {loaded})"),
        format!("`tierdeck show {short}`"),
    ] {
        assert!(line.contains(&part), "`{part}` is not in: {line}");
    }
    // Nothing was overwritten: the other change stands, the refused one is not there.
    let after = td.show(DAY, &deal);
    assert_eq!(after["title"], "Pumps, 40 units");
    assert_eq!(after["amount_minor"], 0);
    assert_eq!(after["version"], now);
    // The text view shows the version to pass back, with who saved it.
    let text = td.ok(DAY, &["show", &deal]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Version") && l.contains(&format!("{now} (李娜, {at})"))),
        "{text}"
    );

    // Loaded again, the change goes through on top of theirs.
    let fresh = now.to_string();
    td.ok(
        DAY,
        &[
            "deal",
            "update",
            &deal,
            "--amount",
            "999",
            "--if-version",
            &fresh,
        ],
    );
    let done = td.show(DAY, &deal);
    assert_eq!(done["amount_minor"], 99_900);
    assert_eq!(done["title"], "Pumps, 40 units");
}

#[test]
fn a_cli_account_save_at_a_stale_version_is_refused() {
    let td = Td::new();
    let account = td.id(DAY, &["account", "add", "--name", "Acme"]);
    let loaded = td.json(DAY, &["account", "show", &account])["version"]
        .as_i64()
        .expect("account show gives the version");
    let out = as_user(
        &td,
        "bob",
        &["account", "update", &account, "--region", "North"],
    );
    common::succeed(out, &["account", "update"]);

    let stale = loaded.to_string();
    let args = [
        "account",
        "update",
        &account,
        "--region",
        "South",
        "--if-version",
        &stale,
    ];
    let (code, line) = td.fail(DAY, &args);
    assert_eq!(code, 1);
    let short = &account[..8];
    assert!(
        line.contains(&format!("account {short} was changed by bob")),
        "{line}"
    );
    assert!(
        line.contains(&format!("`tierdeck account show {short}`")),
        "{line}"
    );
    let after = td.json(DAY, &["account", "show", &account]);
    assert_eq!(after["region"], "North");
    let text = td.ok(DAY, &["account", "show", &account]);
    let version = after["version"].as_i64().expect("a version");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Version") && l.contains(&format!("{version} (bob, "))),
        "{text}"
    );
}

#[test]
fn two_connections_editing_one_deal_the_second_save_is_refused() {
    use tierdeck::store::{DealPatch, NewAccount, NewDeal, OpenMode, Session, Store, StoreError};

    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("shared.db");
    let session = |user: &str, minute: u32| Session {
        user: user.to_string(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date"),
        now: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 1, minute, 0)
            .single()
            .expect("a moment"),
        offset: chrono::FixedOffset::east_opt(8 * 3600).expect("an offset"),
    };
    let rules = tierdeck::rules::Rules::defaults;
    let mut ann = Store::open(&path, OpenMode::CreateFile, session("ann", 0), rules())
        .expect("ann opens the file");
    let account = ann
        .add_account(NewAccount {
            name: "Northwind".into(),
            ..NewAccount::default()
        })
        .expect("an account");
    let deal = ann
        .add_deal(NewDeal {
            account_id: account,
            title: "Fleet rollout".into(),
            amount: None,
            currency: None,
            stage: None,
            need: None,
            expected_close: None,
            owner: None,
        })
        .expect("a deal");
    let mut li = Store::open(&path, OpenMode::Existing, session("李娜", 30), rules())
        .expect("李娜 opens the same file");

    // Both load the deal at the same version.
    let loaded = ann.deal(deal).expect("ann loads it").meta.version;
    assert_eq!(li.deal(deal).expect("李娜 loads it").meta.version, loaded);

    li.update_deal(
        deal,
        DealPatch {
            title: Some("Fleet rollout, 12 vans".into()),
            expected_version: Some(loaded),
            ..DealPatch::default()
        },
    )
    .expect("the first save goes through");
    let err = ann
        .update_deal(
            deal,
            DealPatch {
                title: Some("Fleet rollout (cancelled?)".into()),
                expected_version: Some(loaded),
                ..DealPatch::default()
            },
        )
        .expect_err("the second save is refused");
    match &err {
        StoreError::Conflict { what, by, at, .. } => {
            assert_eq!(*what, "deal");
            assert_eq!(by, "李娜");
            assert!(at.starts_with("2026-11-23T01:30:00"), "{at}");
        }
        other => panic!("expected a conflict, got {other}"),
    }
    // Nothing of the refused save is in the file, seen from either side.
    let theirs = li.deal(deal).expect("the deal");
    let seen = ann.deal(deal).expect("the deal");
    assert_eq!(seen.title, "Fleet rollout, 12 vans");
    assert_eq!(seen.meta.version, theirs.meta.version);
    assert_eq!(seen.meta.updated_by, "李娜");
    let history = ann.deal_detail(deal).expect("the detail").history;
    assert!(
        !history.iter().any(|h| h.new.contains("cancelled")),
        "{history:?}"
    );

    // Resolved as the message says: load it again, apply the change again.
    ann.update_deal(
        deal,
        DealPatch {
            title: Some("Fleet rollout, 12 vans (cancelled?)".into()),
            expected_version: Some(seen.meta.version),
            ..DealPatch::default()
        },
    )
    .expect("a save at the current version goes through");
    assert_eq!(
        li.deal(deal).expect("the deal").title,
        "Fleet rollout, 12 vans (cancelled?)"
    );
}
