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
