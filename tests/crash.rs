//! A writer killed outright (SIGKILL: no clean-up runs) in the middle of a
//! large import or a merge leaves a sound database holding all of the
//! operation or none of it (SPEC §5, §8).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Td;

const DAY: &str = "2026-06-01";
const ROWS: usize = 4_000;
/// Kills per operation, spread over the time the operation takes.
const KILLS: usize = 12;

fn accounts_csv(path: &Path, prefix: &str) {
    let mut csv = String::from("name,kind,region\n");
    for i in 0..ROWS {
        csv.push_str(&format!("{prefix} 客户 {i:05},enterprise,华东\n"));
    }
    fs::write(path, csv).unwrap();
}

/// The number of live accounts whose name starts with `prefix`, after
/// checking the file is sound. Opening it rolls back what a killed writer
/// left half done, as any tierdeck would on its next start.
fn sound_count(db: &Path, prefix: &str) -> usize {
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{} is damaged", db.display());
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM accounts WHERE name LIKE ?1 || '%' AND deleted_at IS NULL",
            [prefix],
            |r| r.get(0),
        )
        .unwrap();
    usize::try_from(n).unwrap()
}

fn journal(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-journal");
    name.into()
}

/// What the kills found.
#[derive(Default, Debug)]
struct Outcomes {
    none: usize,
    all: usize,
    /// Kills that left a hot journal: the writer was inside its transaction.
    mid_write: usize,
}

/// Runs `command` to the end once to time it, then `KILLS` more times,
/// each killed at a different point of that time; `reset` puts the files
/// back before each run and `judge` says whether none or all of it is in.
fn kill_repeatedly(
    db: &Path,
    mut command: impl FnMut() -> Command,
    mut reset: impl FnMut(),
    mut judge: impl FnMut() -> Option<bool>,
) -> Outcomes {
    reset();
    let started = Instant::now();
    let status = command().status().unwrap();
    assert!(status.success(), "the uninterrupted run fails");
    let full = started.elapsed();
    assert_eq!(
        judge(),
        Some(true),
        "the uninterrupted run did not do it all"
    );

    let mut outcomes = Outcomes::default();
    for k in 0..KILLS {
        reset();
        let mut child = command()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Every other kill at a point of the whole run, from a tenth of the
        // way to past its end; the others once the writer's transaction has
        // begun (its journal is there), a little later each time.
        let at = if k % 2 == 0 {
            let at = full.mul_f64(0.1 + 1.5 * k as f64 / KILLS as f64);
            std::thread::sleep(at);
            at
        } else {
            let begun = Instant::now();
            while !journal(db).exists() && begun.elapsed() < full * 3 {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_millis(5 * k as u64));
            begun.elapsed()
        };
        // `Child::kill` is SIGKILL on Unix.
        let _ = child.kill();
        let _ = child.wait();
        if journal(db).exists() {
            outcomes.mid_write += 1;
        }
        match judge() {
            Some(true) => outcomes.all += 1,
            Some(false) => outcomes.none += 1,
            None => panic!(
                "kill {k} at {at:?} left part of the operation in {}",
                db.display()
            ),
        }
    }
    outcomes
}

#[test]
fn a_killed_import_leaves_all_of_it_or_none() {
    let td = Td::new();
    td.ok(DAY, &["account", "add", "--name", "Before"]);
    let pristine = td.root().join("pristine.db");
    fs::copy(&td.db, &pristine).unwrap();
    let csv = td.root().join("accounts.csv");
    accounts_csv(&csv, "导入");

    let outcomes = kill_repeatedly(
        &td.db,
        || {
            td.cmd(
                DAY,
                &["import", csv.to_str().unwrap(), "--kind", "accounts"],
            )
        },
        || {
            let _ = fs::remove_file(journal(&td.db));
            fs::copy(&pristine, &td.db).unwrap();
        },
        || match sound_count(&td.db, "导入") {
            0 => Some(false),
            ROWS => Some(true),
            _ => None,
        },
    );
    eprintln!("import, {KILLS} kills: {outcomes:?}");
    assert!(
        outcomes.mid_write > 0 && outcomes.none > 0,
        "no kill landed inside the import's transaction: {outcomes:?}"
    );
    assert_eq!(sound_count(&td.db, "Before"), 1);
}

#[test]
fn a_killed_merge_leaves_all_of_it_or_none_and_the_copy_in_place() {
    let td = Td::new();
    td.ok(DAY, &["account", "add", "--name", "Before"]);
    let pristine = td.root().join("pristine.db");
    fs::copy(&td.db, &pristine).unwrap();
    // A teammate's diverged copy with many rows the database lacks.
    let theirs = td
        .root()
        .join("pipeline.sync-conflict-20260601-101500-ABCD123.db");
    fs::copy(&td.db, &theirs).unwrap();
    let csv = td.root().join("accounts.csv");
    accounts_csv(&csv, "合并");
    let out = td
        .bare()
        .args([
            "--db",
            theirs.to_str().unwrap(),
            "--today",
            DAY,
            "--user",
            "bob",
        ])
        .args(["import", csv.to_str().unwrap(), "--kind", "accounts"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let their_copy = td.root().join("theirs-pristine.db");
    fs::copy(&theirs, &their_copy).unwrap();

    // Its own temporary folder, to see what killed merges leave there.
    let tmp = td.root().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let merge = || {
        let mut cmd = td.cmd(DAY, &["merge", theirs.to_str().unwrap()]);
        cmd.env("TMPDIR", &tmp);
        cmd
    };
    let outcomes = kill_repeatedly(
        &td.db,
        merge,
        || {
            let _ = fs::remove_file(journal(&td.db));
            let _ = fs::remove_dir_all(td.root().join("merged"));
            fs::copy(&pristine, &td.db).unwrap();
            fs::copy(&their_copy, &theirs).unwrap();
        },
        || {
            let merged = sound_count(&td.db, "合并");
            // The copy is moved aside only once the merge is in, and never lost.
            let moved = td.root().join("merged").join(theirs.file_name().unwrap());
            assert!(theirs.exists() || moved.exists(), "the copy went missing");
            match merged {
                0 => {
                    assert!(theirs.exists(), "moved aside though not merged");
                    Some(false)
                }
                ROWS => Some(true),
                _ => None,
            }
        },
    );
    eprintln!("merge, {KILLS} kills: {outcomes:?}");
    assert!(
        outcomes.mid_write > 0 && outcomes.none > 0,
        "no kill landed inside the merge's transaction: {outcomes:?}"
    );
    // The private copies the killed merges left are cleared by the next.
    fs::copy(&their_copy, &theirs).unwrap();
    assert!(merge().output().unwrap().status.success());
    let left: Vec<_> = fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
}
