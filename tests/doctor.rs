//! `tierdeck doctor` on files made by the test (SPEC §5, issue 5 acceptance
//! 5): the conflict copies of each sync tool, decoys that are not copies, and
//! damaged databases.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::Td;
use serde_json::Value;

const DAY: &str = "2026-11-22";

/// One copy per sync tool, named as each names them, with the tool's name.
const COPIES: &[(&str, &str)] = &[
    ("pipeline (Ann's conflicted copy 2026-11-22).db", "Dropbox"),
    (
        "pipeline.sync-conflict-20261122-101500-ABCD123.db",
        "Syncthing",
    ),
    ("pipeline-LAPTOP7.db", "OneDrive"),
    (
        "pipeline (conflicted copy 2026-11-22 101500).db",
        "Nextcloud",
    ),
];

/// Files beside the database that are not its conflict copies.
const DECOYS: &[&str] = &[
    "pipeline.db-journal",
    "other.db",
    "other (Ann's conflicted copy 2026-11-22).db",
    "pipeline-old.db",
    "pipeline (Ann's conflicted copy 2026-11-22).txt",
    "notes.txt",
];

/// A database with a little in it, made by the binary.
fn filled() -> Td {
    let td = Td::new();
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    td.id(
        DAY,
        &["deal", "add", "--account", "Acme", "--title", "Pumps"],
    );
    td
}

fn doctor_json(td: &Td) -> Value {
    td.json(DAY, &["doctor"])
}

/// What `sh` makes of `command` as words, with `tierdeck` standing for a
/// script that prints its arguments: the command must paste into a shell.
fn shell_words(command: &str) -> Vec<String> {
    let bin = tempfile::tempdir().expect("a folder for the stand-in");
    let script = bin.path().join("tierdeck");
    fs::write(
        &script,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n",
    )
    .expect("write the stand-in");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("make it runnable");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .output()
        .expect("run sh");
    assert!(out.status.success(), "`{command}` did not run: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The files whose bytes differ between two snapshots (or that came or went).
fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect();
    paths.dedup();
    paths
}

fn path_text(p: &Path) -> String {
    p.to_str().expect("a UTF-8 temp path").to_string()
}

#[test]
fn a_healthy_database_without_copies_says_none_and_succeeds() {
    let td = filled();
    let out = td.ok(DAY, &["doctor"]);
    let lines: Vec<&str> = out.lines().collect();
    let after = lines
        .iter()
        .position(|l| *l == "Conflict copies beside the database:")
        .unwrap_or_else(|| panic!("no copies header:\n{out}"));
    assert_eq!(lines[after + 1].trim(), "none", "{out}");
    assert_eq!(lines.len(), after + 2, "{out}");
    assert!(!out.contains("problem"), "{out}");
    let report = doctor_json(&td);
    assert_eq!(report["healthy"], true, "{report}");
    assert_eq!(report["copies"], Value::Array(Vec::new()));
    assert_eq!(report["records"]["accounts"], 1);
    assert_eq!(report["records"]["deals"], 1);
}

#[test]
fn doctor_finds_each_sync_tools_copy_and_nothing_else() {
    let td = filled();
    let bytes = fs::read(&td.db).expect("read the database");
    for (name, _) in COPIES {
        fs::write(td.root().join(name), &bytes).expect("make a copy");
    }
    for name in DECOYS {
        let content: &[u8] = if name.ends_with(".db") { &bytes } else { b"" };
        fs::write(td.root().join(name), content).expect("make a decoy");
    }
    // A folder named like a copy is not one.
    fs::create_dir(td.root().join("pipeline-BACKUPS.db")).expect("make a folder");
    let before = td.snapshot();

    let report = doctor_json(&td);
    assert_eq!(report["healthy"], true, "{report}");
    assert_eq!(report["open_error"], Value::Null);
    assert_eq!(report["integrity"]["ok"], true);
    assert_eq!(report["integrity"]["problems"], Value::Array(Vec::new()));
    let latest = tierdeck::store::latest_version();
    assert_eq!(report["schema"]["version"], latest);
    assert_eq!(report["schema"]["latest"], latest);
    assert_eq!(report["journal_mode"]["mode"], "delete");
    assert_eq!(report["journal_mode"]["ok"], true);
    assert_eq!(report["file_size"]["ok"], true);
    assert_eq!(
        report["file_size"]["bytes"],
        fs::metadata(&td.db).expect("the file").len()
    );

    let mut expected: Vec<(PathBuf, &str)> = COPIES
        .iter()
        .map(|(name, tool)| (td.root().join(name), *tool))
        .collect();
    expected.sort();
    let copies = common::array(report["copies"].clone());
    let found: Vec<(PathBuf, &str)> = copies
        .iter()
        .map(|c| {
            (
                PathBuf::from(c["path"].as_str().expect("a path")),
                c["tool"].as_str().expect("a tool"),
            )
        })
        .collect();
    assert_eq!(found, expected);
    for copy in &copies {
        let command = copy["command"].as_str().expect("a command");
        assert_eq!(
            shell_words(command),
            [
                "--db".to_string(),
                path_text(&td.db),
                "merge".to_string(),
                copy["path"].as_str().expect("a path").to_string(),
            ],
            "{command}"
        );
    }

    // The same in words: a line per check, then each copy with its command.
    let out = td.ok(DAY, &["doctor"]);
    for check in [
        "integrity check passed",
        &format!("schema version {latest} (this tierdeck knows up to {latest})"),
        "journal mode delete",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with("ok ") && l.ends_with(check)),
            "no `ok … {check}` line:\n{out}"
        );
    }
    for copy in &copies {
        let path = copy["path"].as_str().expect("a path");
        let tool = copy["tool"].as_str().expect("a tool");
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(tool) && l.ends_with(path)),
            "no line for the {tool} copy:\n{out}"
        );
        let command = copy["command"].as_str().expect("a command");
        assert!(
            out.lines().any(|l| l.trim() == command),
            "no `{command}`:\n{out}"
        );
    }
    for decoy in DECOYS {
        assert!(!out.contains(decoy), "the decoy {decoy} was listed:\n{out}");
    }
    assert!(!out.contains("pipeline-BACKUPS.db"), "{out}");
    // Copies alone are no failure, and the doctor wrote nothing.
    assert_eq!(
        changed(&before, &td.snapshot()),
        Vec::<PathBuf>::new(),
        "doctor changed files"
    );
}

#[test]
fn a_damaged_file_fails_with_a_clear_line() {
    let td = filled();
    let good = fs::read(&td.db).expect("read the database");
    let page = 4096;
    assert!(good.len() > 4 * page, "the database is too small to damage");
    // The first page (header and schema) intact, every page after it noise.
    let mut damaged = good[..page].to_vec();
    let mut seed: u32 = 0x2545_f491;
    damaged.extend((page..good.len()).map(|_| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed.to_le_bytes()[0]
    }));
    fs::write(&td.db, &damaged).expect("damage the database");

    let out = td.run(DAY, &["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let (code, line) = common::failed(out, &["doctor"]);
    assert_eq!(code, 1);
    assert!(
        line.contains("pipeline.db") && (line.contains("damaged") || line.contains("failed")),
        "{line}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("problem ")),
        "no problem line:\n{stdout}"
    );
    assert!(
        stdout.contains("Conflict copies beside the database:"),
        "{stdout}"
    );
}

#[test]
fn a_truncated_file_fails_and_a_copy_of_it_is_still_listed() {
    let td = filled();
    let good = fs::read(&td.db).expect("read the database");
    let copy = td.root().join("pipeline-LAPTOP7.db");
    fs::write(&copy, &good).expect("make a copy");
    // Cut on a page boundary, as a sync tool that stopped half way leaves it.
    fs::write(&td.db, &good[..good.len() / 2 / 4096 * 4096]).expect("truncate");

    let out = td.run(DAY, &["doctor", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let (code, _) = common::failed(out, &["doctor", "--format", "json"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&stdout).expect("JSON even on failure");
    assert_eq!(report["healthy"], false, "{report}");
    let size_or_integrity_failed = report["open_error"].is_string()
        || report["integrity"]["ok"] == false
        || report["file_size"]["ok"] == false;
    assert!(size_or_integrity_failed, "{report}");
    assert_eq!(report["copies"][0]["path"], path_text(&copy));
    assert_eq!(report["copies"][0]["tool"], "OneDrive");
}

#[test]
fn a_missing_database_is_reported_and_not_created() {
    let td = Td::new();
    let (code, line) = td.fail(DAY, &["doctor"]);
    assert_eq!(code, 1);
    assert!(
        line.contains("no database") && line.contains("tierdeck init"),
        "{line}"
    );
    assert!(!td.db.exists(), "doctor created the database");
}

#[test]
fn a_file_longer_than_its_pages_fails_the_size_check() {
    let td = filled();
    // What a sync tool that wrote over the file part way can leave.
    let mut bytes = fs::read(&td.db).expect("read the database");
    bytes.extend_from_slice(b"half a page");
    fs::write(&td.db, &bytes).expect("lengthen the file");

    let out = td.run(DAY, &["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let (code, line) = common::failed(out, &["doctor"]);
    assert_eq!(code, 1);
    assert!(line.contains("failed 1 of the checks"), "{line}");
    let problems: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("problem "))
        .collect();
    assert_eq!(problems.len(), 1, "{stdout}");
    assert!(
        problems[0].contains(&format!("file size {} bytes", bytes.len())),
        "{stdout}"
    );
}

/// The doctor reports the file as it is: it does not switch a WAL file back
/// to a rollback journal, nor upgrade an older schema, on its way to
/// looking at them.
#[test]
fn the_journal_mode_and_the_schema_are_reported_as_found_not_mended() {
    for (pragma, says) in [
        ("journal_mode = WAL", "journal mode wal"),
        ("user_version = 2", "schema version 2"),
    ] {
        let td = filled();
        let conn = rusqlite::Connection::open(&td.db).expect("open the database");
        conn.execute_batch(&format!("PRAGMA {pragma};"))
            .expect("set it");
        drop(conn);
        let before = fs::read(&td.db).expect("read the database");

        let out = td.run(DAY, &["doctor"]);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let (code, _) = common::failed(out, &["doctor"]);
        assert_eq!(code, 1, "{stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("problem") && l.contains(says)),
            "`{says}` is not a problem line:\n{stdout}"
        );
        assert_eq!(
            fs::read(&td.db).expect("read it again"),
            before,
            "the doctor changed the file"
        );
    }
}
