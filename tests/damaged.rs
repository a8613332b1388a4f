//! Damaged, replaced and odd database files (issue 17): tierdeck never
//! writes into them, never calls them what they are not, and never adopts
//! them as a new database; the one change it makes is rolling back a real
//! hot journal of the file, which it says.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Td;

const DAY: &str = "2026-11-22";

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

fn journal(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-journal");
    name.into()
}

/// Runs a command that must fail; returns its one `error:` line.
fn refused(td: &Td, args: &[&str]) -> String {
    td.fail(DAY, args).1
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The database and the hot journal that a writer killed in the middle of
/// a write leaves: made on a copy of `db`, with a page cache so small that
/// SQLite writes pages into the file before the write is committed (which
/// it never is). The write grows the file, so its journal holds page 1.
fn cut_off_write(db: &Path) -> (Vec<u8>, Vec<u8>) {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let copy = scratch.path().join("cut.db");
    fs::copy(db, &copy).expect("copy the database");
    let conn = rusqlite::Connection::open(&copy).expect("open the copy");
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA cache_size = 2; BEGIN IMMEDIATE;")
        .expect("begin");
    for i in 0..2_000 {
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)",
            [format!("cut-off {i}"), "x".repeat(300)],
        )
        .expect("write");
    }
    let files = (
        fs::read(&copy).expect("read the half-written file"),
        fs::read(journal(&copy)).expect("read its journal"),
    );
    assert!(files.1[0] != 0, "the journal is not hot");
    files
}

/// The change counter in a database file's header.
fn change_counter(db: &[u8]) -> u32 {
    u32::from_be_bytes([db[24], db[25], db[26], db[27]])
}

// Point 7: empty files and SQLite files without tables.

#[test]
fn an_empty_file_is_not_made_a_database_except_by_init() {
    let td = Td::new();
    fs::write(&td.db, b"").expect("an empty file");
    let before = td.snapshot();
    for args in [
        &["list"][..],
        &["log", "0193a4f2", "--kind", "call", "hello"],
        &["account", "add", "--name", "Acme"],
    ] {
        let line = refused(&td, args);
        assert!(
            line.contains("pipeline.db") && line.contains("empty file") && line.contains("init"),
            "{line}"
        );
        assert_eq!(td.snapshot(), before, "`{}` changed files", args.join(" "));
    }
    td.ok(DAY, &["init"]);
    td.id(DAY, &["account", "add", "--name", "Acme"]);
}

#[test]
fn an_sqlite_file_without_tables_is_not_made_a_database_except_by_init() {
    let td = Td::new();
    {
        let conn = rusqlite::Connection::open(&td.db).expect("make an SQLite file");
        conn.execute_batch("CREATE TABLE t(x); DROP TABLE t;")
            .expect("leave it without tables");
    }
    assert!(fs::metadata(&td.db).unwrap().len() > 0);
    let before = td.snapshot();
    for args in [&["list"][..], &["account", "add", "--name", "Acme"]] {
        let line = refused(&td, args);
        assert!(
            line.contains("no tables") && line.contains("not a tierdeck database"),
            "{line}"
        );
        assert_eq!(td.snapshot(), before, "`{}` changed files", args.join(" "));
    }
    td.ok(DAY, &["init"]);
    td.id(DAY, &["account", "add", "--name", "Acme"]);
}

#[test]
fn a_missing_file_is_still_created_on_first_use() {
    let td = Td::new();
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    assert!(td.db.exists());
}

// Point 3: a damaged file.

/// `filled()` with one page in the middle of the file overwritten.
fn with_a_damaged_page() -> Td {
    let td = filled();
    for i in 0..30 {
        td.id(DAY, &["account", "add", "--name", &format!("Account {i}")]);
    }
    let mut bytes = fs::read(&td.db).expect("read the database");
    let page = 4096;
    let pages = bytes.len() / page;
    assert!(pages > 4, "the database is too small to damage");
    let middle = pages / 2 * page;
    for (i, b) in bytes[middle..middle + page].iter_mut().enumerate() {
        *b = (i * 37 % 251) as u8;
    }
    fs::write(&td.db, &bytes).expect("damage a page");
    td
}

#[test]
fn a_damaged_file_refuses_writes_and_names_the_doctor() {
    let td = with_a_damaged_page();
    let before = td.snapshot();
    for args in [
        &["account", "add", "--name", "New"][..],
        &["regrade"],
        &["deal", "add", "--account", "Acme", "--title", "More"],
    ] {
        let line = refused(&td, args);
        assert!(
            line.contains("damaged") && line.contains("tierdeck doctor"),
            "`{}`: {line}",
            args.join(" ")
        );
        assert_eq!(td.snapshot(), before, "`{}` changed files", args.join(" "));
    }
}

#[test]
fn reading_a_damaged_file_says_it_is_damaged() {
    let td = with_a_damaged_page();
    let before = td.snapshot();
    let out = td.run(DAY, &["list"]);
    assert!(
        stderr_of(&out).contains("damaged") && stderr_of(&out).contains("tierdeck doctor"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(td.snapshot(), before, "`list` changed files");
}

#[test]
fn a_sound_file_is_checked_once_then_trusted_until_it_changes() {
    let td = filled();
    let first = fs::metadata(&td.db).unwrap().modified().unwrap();
    // The last write left the file the modification time its mark names.
    let mark: String =
        rusqlite::Connection::open_with_flags(&td.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap()
            .query_row(
                "SELECT value FROM settings WHERE key = 'checked_sound_at'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    let since_1970 = first.duration_since(std::time::UNIX_EPOCH).unwrap();
    assert_eq!(mark, since_1970.as_nanos().to_string());
    // A read of a file tierdeck last wrote: nothing to check, nothing written.
    td.ok(DAY, &["list"]);
    assert_eq!(fs::metadata(&td.db).unwrap().modified().unwrap(), first);
    // Another program's write is checked, and a sound file is used as ever.
    {
        let conn = rusqlite::Connection::open(&td.db).unwrap();
        conn.execute("UPDATE accounts SET notes = 'edited elsewhere'", [])
            .unwrap();
    }
    td.id(DAY, &["account", "add", "--name", "Later"]);
}

// Point 1: the file replaced under a running command.

fn accounts_csv(path: &Path, rows: usize) {
    let mut csv = String::from("name,kind,region\n");
    for i in 0..rows {
        csv.push_str(&format!("导入 客户 {i:05},enterprise,华东\n"));
    }
    fs::write(path, csv).unwrap();
}

fn live_accounts(db: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row(
        "SELECT count(*) FROM accounts WHERE deleted_at IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_file_renamed_over_the_database_mid_import_fails_the_import() {
    const ROWS: usize = 20_000;
    let td = filled();
    let csv = td.root().join("accounts.csv");
    accounts_csv(&csv, ROWS);
    let pristine = fs::read(&td.db).unwrap();
    let accounts_before = live_accounts(&td.db);
    let import = || {
        let mut cmd = td.cmd(
            DAY,
            &["import", csv.to_str().unwrap(), "--kind", "accounts"],
        );
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    };
    for k in 0..3u64 {
        fs::write(&td.db, &pristine).unwrap();
        let replacement = td.root().join("replacement.db");
        fs::write(&replacement, &pristine).unwrap();
        let child = import().spawn().unwrap();
        wait_for_a_write(&td.db);
        std::thread::sleep(Duration::from_millis(40 * k));
        // What a sync tool does: a temporary file renamed over the database.
        fs::rename(&replacement, &td.db).unwrap();
        let out = child.wait_with_output().unwrap();
        let (code, line) = common::failed(out, &["import"]);
        assert_eq!(code, 1);
        assert!(line.contains("moved or replaced"), "{line}");
        assert_eq!(
            live_accounts(&td.db),
            accounts_before,
            "the replacement was changed"
        );
        assert!(!journal(&td.db).exists(), "a journal was left beside it");
    }
}

/// Waits until a writer's transaction has begun on `db`: its journal is there.
fn wait_for_a_write(db: &Path) {
    let begun = Instant::now();
    while !journal(db).exists() {
        assert!(
            begun.elapsed() < Duration::from_secs(120),
            "the import never began writing"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
}

// Points 2 and 11: journals beside the file.

#[test]
fn a_hot_journal_after_a_kill_is_rolled_back_by_the_doctor_and_said() {
    let td = filled();
    let good = fs::read(&td.db).unwrap();
    let (db, hot) = cut_off_write(&td.db);
    fs::write(&td.db, &db).unwrap();
    fs::write(journal(&td.db), &hot).unwrap();

    let out = td.run(DAY, &["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}\n{}", stderr_of(&out));
    assert!(!stdout.contains("read-only"), "{stdout}");
    assert!(stdout.contains("rolled back"), "{stdout}");
    assert!(!journal(&td.db).exists(), "the journal is still there");
    assert_eq!(fs::read(&td.db).unwrap(), good, "the file is not as it was");
    assert!(td.listed(DAY, "Pumps").is_some());
}

#[test]
fn a_hot_journal_after_a_kill_is_rolled_back_by_any_command_which_says_so() {
    let td = filled();
    let (db, hot) = cut_off_write(&td.db);
    fs::write(&td.db, &db).unwrap();
    fs::write(journal(&td.db), &hot).unwrap();

    let out = td.run(DAY, &["list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("rolled back"),
        "{}",
        stderr_of(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Pumps"));
    assert!(!journal(&td.db).exists(), "the journal is still there");
}

#[test]
fn a_garbage_journal_is_refused_and_left_alone() {
    let td = filled();
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    fs::write(journal(&td.db), &noise).unwrap();
    let before = td.snapshot();
    for args in [
        &["doctor"][..],
        &["list"],
        &["account", "add", "--name", "X"],
    ] {
        let line = refused(&td, args);
        assert!(
            line.contains("pipeline.db-journal") && line.contains("not an SQLite journal"),
            "`{}`: {line}",
            args.join(" ")
        );
        assert!(!line.contains("read-only"), "{line}");
        assert_eq!(td.snapshot(), before, "`{}` changed files", args.join(" "));
    }
}

#[test]
fn a_journal_of_another_copy_is_refused_not_rolled_back() {
    let td = filled();
    // Another machine's copy of the same database, with a history of its
    // own, cut off in the middle of a write.
    let other = filled();
    for i in 0..6 {
        other.id(DAY, &["account", "add", "--name", &format!("Theirs {i}")]);
    }
    let (_, theirs) = cut_off_write(&other.db);
    let ours = fs::read(&td.db).unwrap();
    assert!(
        change_counter(&fs::read(&other.db).unwrap()).abs_diff(change_counter(&ours)) > 1,
        "the two copies have the same history"
    );
    fs::write(journal(&td.db), &theirs).unwrap();
    let before = td.snapshot();
    for args in [
        &["list"][..],
        &["doctor"],
        &["account", "add", "--name", "X"],
    ] {
        let line = refused(&td, args);
        assert!(
            line.contains("pipeline.db-journal") && line.contains("another copy"),
            "`{}`: {line}",
            args.join(" ")
        );
        assert_eq!(td.snapshot(), before, "`{}` changed files", args.join(" "));
    }
    assert_eq!(fs::read(&td.db).unwrap(), ours);
}

#[test]
fn a_file_deleted_under_a_running_command_is_not_called_read_only() {
    let td = filled();
    let csv = td.root().join("accounts.csv");
    accounts_csv(&csv, 20_000);
    let mut child = td
        .cmd(
            DAY,
            &["import", csv.to_str().unwrap(), "--kind", "accounts"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_a_write(&td.db);
    let moved = td.root().join("moved.db");
    fs::rename(&td.db, &moved).unwrap();
    let out = child.wait().unwrap();
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        !out.success(),
        "the import said it was done into a file that is gone"
    );
    assert!(!stderr.contains("read-only"), "{stderr}");
    assert!(stderr.contains("moved or replaced"), "{stderr}");
}

// Point 4: one undecodable byte in a stored value.

#[test]
fn the_doctor_names_the_row_and_column_of_an_undecodable_timestamp() {
    let td = filled();
    let deal = td.list(DAY, &[])[0]["id"].as_str().unwrap().to_string();
    {
        let conn = rusqlite::Connection::open(&td.db).unwrap();
        // One byte of the moment is not UTF-8 (0xff).
        conn.execute(
            "UPDATE deals SET updated_at = CAST(X'323032362d31312d3232543130ff30303a30302e3030305a' AS TEXT) WHERE id = ?1",
            [&deal],
        )
        .unwrap();
    }
    let out = td.run(DAY, &["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let (code, _) = common::failed(out, &["doctor"]);
    assert_eq!(code, 1);
    let line = stdout
        .lines()
        .find(|l| l.contains("updated_at"))
        .unwrap_or_else(|| panic!("no line names the column:\n{stdout}"));
    assert!(
        line.starts_with("problem") && line.contains("deals") && line.contains(&deal),
        "{line}"
    );
    // The commands that read it send the user to the doctor.
    for args in [&["show", &deal][..], &["export", "--out", "out"]] {
        let line = refused(&td, args);
        assert!(
            line.contains("tierdeck doctor"),
            "`{}`: {line}",
            args.join(" ")
        );
    }
}

#[test]
fn the_doctor_passes_the_values_of_a_sound_demo_database() {
    let td = Td::new();
    td.ok(DAY, &["demo", "--accounts", "20"]);
    let report = td.json(DAY, &["doctor"]);
    assert_eq!(report["values"]["ok"], true, "{report}");
    assert_eq!(report["healthy"], true, "{report}");
}

// Point 5: amounts near the integer limit.

#[test]
fn amounts_past_the_largest_are_refused_and_sums_do_not_overflow() {
    let td = filled();
    for huge in ["92233720368547758.07", "1000000000000"] {
        let line = refused(
            &td,
            &[
                "deal",
                "add",
                "--account",
                "Acme",
                "--title",
                "Huge",
                "--amount",
                huge,
            ],
        );
        assert!(
            line.contains("amounts go up to 999,999,999,999.99"),
            "{line}"
        );
    }
    // Amounts a file already holds (from before the limit) still add up.
    td.id(
        DAY,
        &["deal", "add", "--account", "Acme", "--title", "Big one"],
    );
    {
        let conn = rusqlite::Connection::open(&td.db).unwrap();
        conn.execute("UPDATE deals SET amount_minor = 9223372036854775807", [])
            .unwrap();
    }
    let groups = td.ok(DAY, &["list", "--group-by", "grade", "--format", "json"]);
    assert!(!groups.contains("overflow"), "{groups}");
    // And the doctor says which amounts are past the largest.
    let out = td.run(DAY, &["doctor", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["values"]["problems"].to_string();
    assert!(
        problems.contains("amount_minor") && problems.contains("9223372036854775807"),
        "{report}"
    );
}

// Point 8: two stages with the same label.

#[test]
fn a_rules_file_giving_two_stages_one_label_is_refused_with_its_line() {
    let td = filled();
    fs::create_dir_all(td.config_dir()).unwrap();
    let rules = td.config_dir().join("rules.toml");
    fs::write(
        &rules,
        "[stages.qualified]\norder = 15\nen = \"lead\"\nzh = \"合格\"\nprobability = 15\n",
    )
    .unwrap();
    let line = refused(&td, &["list", "--stage", "Lead"]);
    assert!(
        line.contains(&format!("{}:3", rules.display())) && line.contains("same label"),
        "{line}"
    );
}

// Point 9: negative values are values, not options.

#[test]
fn a_relative_date_in_the_past_is_taken_and_a_negative_amount_is_refused_plainly() {
    let td = filled();
    let id = td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Late",
            "--close",
            "-5d",
        ],
    );
    assert_eq!(td.show(DAY, &id)["expected_close"], "2026-11-17");
    td.ok(DAY, &["deal", "update", &id, "--close", "-1w"]);
    assert_eq!(td.show(DAY, &id)["expected_close"], "2026-11-15");
    for args in [
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Neg",
            "--amount",
            "-12",
        ][..],
        &["deal", "update", &id, "--amount", "-12"],
        &["deal", "won", &id, "--amount", "-12"],
    ] {
        let line = refused(&td, args);
        assert!(line.contains("amounts cannot be negative"), "{line}");
    }
}

// Point 10: a read-only file on a new day.

/// Makes `path` impossible to write, even for root (an immutable file);
/// `None` when this machine cannot.
fn make_read_only(path: &Path) -> Option<ReadOnly> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o444)).ok()?;
    if fs::OpenOptions::new().append(true).open(path).is_err() {
        return Some(ReadOnly(path.to_path_buf(), false));
    }
    let made = std::process::Command::new("chattr")
        .arg("+i")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    (made && fs::OpenOptions::new().append(true).open(path).is_err())
        .then(|| ReadOnly(path.to_path_buf(), true))
}

/// Makes the file writable again when the test ends, so that it can go.
struct ReadOnly(PathBuf, bool);

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o644));
    }
}

#[test]
fn a_read_only_file_on_a_new_day_is_listed_with_that_day_s_grades() {
    let td = filled();
    td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Soon",
            "--close",
            "+20d",
        ],
    );
    let later = common::plus_days(DAY, 60);
    // What a writable copy lists that day.
    let copy = Td::new();
    fs::copy(&td.db, &copy.db).unwrap();
    let expected = copy.list(&later, &[]);
    let before = fs::read(&td.db).unwrap();
    let Some(_read_only) = make_read_only(&td.db) else {
        eprintln!("skipped: this machine cannot make a file read-only");
        return;
    };
    let out = td.run(&later, &["list", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("read-only"), "{}", stderr_of(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let grades = |deals: &[serde_json::Value]| -> Vec<(String, String)> {
        deals
            .iter()
            .map(|d| (d["title"].to_string(), d["grade"].to_string()))
            .collect()
    };
    assert_eq!(grades(&common::array(listed)), grades(&expected));
    for day in [DAY, later.as_str()] {
        let (_, line) = td.fail(day, &["account", "add", "--name", "New"]);
        assert!(line.contains("read-only"), "{line}");
    }
    drop(_read_only);
    assert_eq!(fs::read(&td.db).unwrap(), before, "the file was changed");
}

#[test]
fn the_ui_on_a_damaged_file_says_so_and_refuses_changes() {
    use tierdeck::i18n::{Catalog, Lang};
    use tierdeck::rules::Rules;
    use tierdeck::store::{OpenMode, Session, Store};
    use tierdeck::tui::action::Msg;
    use tierdeck::tui::app::App;

    let td = with_a_damaged_page();
    let before = td.snapshot();
    let session = Session {
        user: "ann".into(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        now: chrono::Utc::now(),
        offset: chrono::FixedOffset::east_opt(0).unwrap(),
    };
    let store = Store::open(&td.db, OpenMode::Existing, session, Rules::defaults())
        .expect("a damaged file still opens for reading");
    assert!(store.damage().is_some());
    let mut app = App::new(store, Catalog::new(Lang::En)).expect("the UI opens on it");
    app.update(Msg::Started);
    assert!(
        app.message.contains("damaged") && app.message.contains("tierdeck doctor"),
        "{}",
        app.message
    );
    drop(app);
    assert_eq!(td.snapshot(), before, "the UI changed files");
}
