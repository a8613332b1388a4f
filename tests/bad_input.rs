//! Bad input (SPEC §6, §8): every bad date, amount, stage, grade, id, CSV
//! row, rules file, config file and database file is refused with exit status
//! 1 or 2 and exactly one `error: …` line on stderr, nothing is written, and
//! nothing panics.
//!
//! "Nothing is written" is checked on every file under the test's temporary
//! directory (the database, the CSV files, the config directory), byte for
//! byte, and on the row counts of every table.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Td, array, assert_clean_error};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The effective date of every bad command: the fixture's engine already ran
/// for it, so a command that is refused has no reason to write anything.
const DAY: &str = "2026-06-02";

struct Fixture {
    td: Td,
    deal: String,
    reminder: String,
}

/// An account `Acme` with one deal that slipped on 2026-05-11, so that it has
/// open reminders on `DAY`.
fn fixture() -> Fixture {
    let td = Td::new();
    let day0 = "2026-05-01";
    td.id(day0, &["account", "add", "--name", "Acme"]);
    let deal = td.id(
        day0,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea",
            "--close",
            "2026-05-10",
        ],
    );
    let rems = array(td.json(DAY, &["reminders"]));
    let reminder = rems
        .iter()
        .find(|r| r["kind"] == "slipped")
        .expect("a slipped reminder")["id"]
        .as_str()
        .unwrap()
        .to_string();
    Fixture { td, deal, reminder }
}

/// What one refused command must look like; problems are collected so that
/// one run of the test lists every case that misbehaves.
struct Refusals<'a> {
    td: &'a Td,
    problems: Vec<String>,
}

impl<'a> Refusals<'a> {
    fn new(td: &'a Td) -> Self {
        Refusals {
            td,
            problems: Vec::new(),
        }
    }

    /// Runs `tierdeck --db … --today DAY --user ann ARGS`.
    fn check(&mut self, args: &[&str], code: Option<i32>, mentions: &[&str]) {
        let cmd = self.td.cmd(DAY, args);
        self.check_cmd(&args.join(" "), cmd, code, mentions);
    }

    /// Runs a prepared command; `label` names it in the report.
    fn check_cmd(&mut self, label: &str, mut cmd: Command, code: Option<i32>, mentions: &[&str]) {
        let before = self.td.snapshot();
        let counts_before = self.td.db.is_file().then(|| self.td.counts());
        let out = cmd.output().expect("run tierdeck");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let got = out.status.code();
        let mut problem = |what: String| {
            self.problems.push(format!(
                "`{label}`: {what}\n    stderr: {stderr:?}\n    stdout: {stdout:?}"
            ))
        };
        match (got, code) {
            (Some(c @ (1 | 2)), Some(want)) if c != want => {
                problem(format!("exit status {c}, expected {want}"))
            }
            (Some(1 | 2), _) => {}
            (other, _) => problem(format!("exit status {other:?}, expected 1 or 2")),
        }
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.len() != 1 || !lines[0].starts_with("error: ") {
            problem("stderr is not exactly one `error: ` line".to_string());
        }
        for marker in ["panicked", "RUST_BACKTRACE", "stack backtrace", "hit a bug"] {
            if stderr.contains(marker) {
                problem(format!("panicked ({marker})"));
            }
        }
        for m in mentions {
            if !stderr.contains(m) {
                problem(format!("the error does not mention `{m}`"));
            }
        }
        let after = self.td.snapshot();
        if before != after {
            let changed: Vec<String> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .map(|k| k.display().to_string())
                .collect();
            problem(format!("files changed: {changed:?}"));
        }
        if let Some(counts) = counts_before
            && self.td.db.is_file()
            && self.td.counts() != counts
        {
            problem("row counts changed".to_string());
        }
    }

    fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "{} bad-input case(s) misbehaved:\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

fn add_with<'a>(flag: &'a str, value: &'a str) -> Vec<&'a str> {
    vec![
        "deal",
        "add",
        "--account",
        "Acme",
        "--title",
        "New",
        flag,
        value,
    ]
}

#[test]
fn bad_dates_are_refused() {
    let f = fixture();
    let mut r = Refusals::new(&f.td);
    for bad in [
        "2026-02-30",
        "2026-13-01",
        "garbage",
        "2026-00-10",
        "2026-6-31",
    ] {
        r.check(&add_with("--close", bad), None, &[bad]);
        r.check(
            &["deal", "update", &f.deal[..8], "--close", bad],
            None,
            &[bad],
        );
    }
    r.check(
        &[
            "remind",
            "snooze",
            &f.reminder[..8],
            "--until",
            "2026-02-30",
        ],
        None,
        &["2026-02-30"],
    );
    // The effective date itself.
    for bad in ["2026-02-30", "2026-13-01", "garbage"] {
        let mut cmd = f.td.bare();
        cmd.arg("--db")
            .arg(&f.td.db)
            .args(["--user", "ann", "--today", bad, "list"]);
        r.check_cmd(&format!("--today {bad} list"), cmd, None, &[bad]);
        let mut cmd = f.td.bare();
        cmd.env("TIERDECK_TODAY", bad)
            .arg("--db")
            .arg(&f.td.db)
            .args(["list"]);
        r.check_cmd(&format!("TIERDECK_TODAY={bad} list"), cmd, None, &[bad]);
    }
    r.finish();
}

#[test]
fn bad_amounts_stages_grades_needs_kinds() {
    let f = fixture();
    let d = &f.deal[..8];
    let mut r = Refusals::new(&f.td);
    for bad in [
        "12..5",
        "-5",
        "abc",
        "1.234",
        "¥",
        "1e5",
        "99999999999999999999",
    ] {
        r.check(
            &[
                "deal",
                "add",
                "--account",
                "Acme",
                "--title",
                "New",
                &format!("--amount={bad}"),
            ],
            None,
            &[bad],
        );
        r.check(
            &["deal", "update", d, &format!("--amount={bad}")],
            None,
            &[bad],
        );
        r.check(
            &["deal", "won", d, &format!("--amount={bad}")],
            None,
            &[bad],
        );
    }
    // `--amount -5` (a separate word) is read as an unknown flag: a usage error.
    r.check(&add_with("--amount", "-5"), Some(2), &[]);
    r.check(&add_with("--stage", "nosuch"), None, &["nosuch"]);
    r.check(
        &["deal", "update", d, "--stage", "nosuch"],
        None,
        &["nosuch"],
    );
    r.check(&["list", "--stage", "nosuch"], None, &["nosuch"]);
    // Lost needs its reason, so `deal update` does not take that stage.
    r.check(&["deal", "update", d, "--stage", "lost"], None, &[]);
    r.check(&["list", "--grade", "F"], Some(2), &["F"]);
    r.check(&["deal", "pin", d, "Z", "--reason", "x"], Some(2), &["Z"]);
    r.check(&["deal", "pin", d, "B", "--reason", "  "], None, &[]);
    r.check(&add_with("--need", "maybe"), Some(2), &["maybe"]);
    r.check(&["log", d, "--kind", "fax", "x"], Some(2), &["fax"]);
    r.check(&["log", d, "--kind", "call", "  "], None, &[]);
    r.check(&["deal", "update", d], None, &[]);
    r.check(&["account", "add", "--kind", "enterprise"], None, &[]);
    r.check(&["account", "add", "--name", "   "], None, &[]);
    r.check(
        &["deal", "add", "--account", "Acme", "--title", ""],
        None,
        &[],
    );
    r.check(&["deal", "update", d, "--title", " "], None, &[]);
    r.check(&["account", "add", "--name", "Acme"], None, &["Acme"]);
    r.check(
        &["account", "add", "--name", "X", "--kind", "company"],
        Some(2),
        &["company"],
    );
    r.check(&["--lang", "fr", "list"], Some(2), &["fr"]);
    r.finish();
}

#[test]
fn bad_and_ambiguous_ids() {
    let f = fixture();
    let td = &f.td;
    fs::write(
        td.root().join("accounts.csv"),
        "id,name\n\
         aaaa1111-0000-4000-8000-000000000001,Alpha\n\
         aaaa2222-0000-4000-8000-000000000002,Beta\n",
    )
    .unwrap();
    fs::write(
        td.root().join("deals.csv"),
        "id,account,title,expected_close\n\
         bbbb1111-0000-4000-8000-000000000001,Alpha,One,2026-07-01\n\
         bbbb2222-0000-4000-8000-000000000002,Beta,Two,2026-07-01\n",
    )
    .unwrap();
    td.ok(DAY, &["import", "accounts.csv", "--kind", "accounts"]);
    td.ok(DAY, &["import", "deals.csv", "--kind", "deals"]);
    assert_eq!(td.show(DAY, "bbbb1")["title"], "One");

    let mut r = Refusals::new(td);
    r.check(&["show", "zzzz"], None, &["zzzz"]);
    r.check(&["show", "ffff0000"], None, &["ffff0000"]);
    r.check(&["show", "ab"], Some(2), &["ab"]);
    r.check(&["show", &f.deal[..3]], Some(2), &[]);
    r.check(&["show", ""], None, &[]);
    r.check(&["show", "bbbb"], None, &["ambiguous"]);
    r.check(
        &["log", "bbbb", "--kind", "call", "x"],
        None,
        &["ambiguous"],
    );
    r.check(&["deal", "won", "bbbb"], None, &["ambiguous"]);
    r.check(
        &["deal", "lost", "bbbb", "--reason", "x"],
        None,
        &["ambiguous"],
    );
    r.check(
        &["deal", "pin", "bbbb", "A", "--reason", "x"],
        None,
        &["ambiguous"],
    );
    r.check(&["account", "show", "aaaa"], None, &["ambiguous"]);
    r.check(
        &["deal", "add", "--account", "aaaa", "--title", "x"],
        None,
        &["ambiguous"],
    );
    r.check(&["remind", "done", "ffff0000"], None, &[]);
    r.check(&["remind", "dismiss", "zz"], None, &[]);
    // A deal id is not a reminder id.
    r.check(&["remind", "done", &f.deal[..8]], None, &[]);
    r.check(
        &["deal", "add", "--account", "Nobody", "--title", "x"],
        None,
        &["Nobody"],
    );
    r.finish();
}

#[test]
fn bad_reminder_and_outcome_commands() {
    let f = fixture();
    let d = &f.deal[..8];
    let rem = &f.reminder[..8];
    let mut r = Refusals::new(&f.td);
    r.check(
        &["remind", "snooze", rem, "--until", "2026-01-01"],
        None,
        &[],
    );
    r.check(&["remind", "snooze", rem, "--until", DAY], None, &[]);
    r.check(&["remind", "snooze", rem, "--until", "-3d"], None, &[]);
    r.check(&["deal", "lost", d, "--reason", ""], None, &[]);
    r.check(&["deal", "lost", d, "--reason", "   "], None, &[]);
    r.check(&["deal", "lost", d], Some(2), &[]);
    r.check(&["deal", "unpin", d], None, &[]);
    // Once done, a reminder cannot be done, snoozed or dismissed again.
    f.td.ok(DAY, &["remind", "dismiss", rem]);
    r.check(&["remind", "done", rem], None, &[]);
    r.check(
        &["remind", "snooze", rem, "--until", "2026-07-01"],
        None,
        &[],
    );
    f.td.ok(DAY, &["deal", "won", d]);
    r.check(&["deal", "won", d], None, &[]);
    r.finish();
}

#[test]
fn usage_errors_exit_2() {
    let f = fixture();
    let mut r = Refusals::new(&f.td);
    r.check(&["frobnicate"], Some(2), &["frobnicate"]);
    r.check(&["list", "--frob"], Some(2), &["--frob"]);
    r.check(&["list", "--format", "xml"], Some(2), &["xml"]);
    r.check(&["reminders", "--due", "someday"], Some(2), &["someday"]);
    r.check(&["deal", "add", "--title", "no account"], Some(2), &[]);
    r.check(&["import", "x.csv"], Some(2), &[]);
    r.check(
        &["import", "x.csv", "--kind", "widgets"],
        Some(2),
        &["widgets"],
    );
    r.check(&["remind", "snooze", &f.reminder[..8]], Some(2), &[]);
    // Arguments that are not UTF-8.
    {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let mut cmd = f.td.cmd(DAY, &["deal", "add", "--title", "x", "--account"]);
        cmd.arg(OsStr::from_bytes(b"Acme\xff"));
        r.check_cmd("deal add --account <not UTF-8>", cmd, Some(2), &[]);
        let mut cmd = f.td.cmd(DAY, &["show"]);
        cmd.arg(OsStr::from_bytes(b"\xff\xfe\xfd\xfc"));
        r.check_cmd("show <not UTF-8>", cmd, Some(2), &[]);
    }
    r.finish();
}

#[test]
fn imports_are_all_or_nothing() {
    let f = fixture();
    let td = &f.td;
    // Rows 1 and 2 would add new accounts; the 3rd data row (line 4) is bad.
    fs::write(
        td.root().join("deals.csv"),
        "title,account,amount,expected_close\n\
         one,New Co,1,2026-07-01\n\
         two,Other Co,2,2026-07-02\n\
         three,Acme,3,2026-02-30\n\
         four,Acme,4,2026-07-03\n",
    )
    .unwrap();
    fs::write(
        td.root().join("amounts.csv"),
        "Deal - Title,Organization,Deal - Value\nok,Acme,12\nbad,Acme,12..5\n",
    )
    .unwrap();
    fs::write(
        td.root().join("accounts.csv"),
        "name,kind\nFresh,enterprise\nOdd,spaceship\n",
    )
    .unwrap();
    fs::write(
        td.root().join("activities.csv"),
        format!(
            "deal_id,kind,at,summary\n{d},call,2026-05-20,fine\n{d},fax,2026-05-21,bad kind\n",
            d = f.deal
        ),
    )
    .unwrap();
    fs::write(td.root().join("headerless.csv"), "just,some,words\n").unwrap();
    // 商机名称,客户名称 / 茶叶,北京 saved as GBK, as Excel does on Chinese Windows.
    fs::write(
        td.root().join("gbk.csv"),
        b"\xc9\xcc\xbb\xfa\xc3\xfb\xb3\xc6,\xbf\xcd\xbb\xa7\xc3\xfb\xb3\xc6\n\xb2\xe8\xd2\xb6,\xb1\xb1\xbe\xa9\n",
    )
    .unwrap();
    fs::write(
        td.root().join("binary.csv"),
        [0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96],
    )
    .unwrap();

    let mut r = Refusals::new(td);
    r.check(
        &["import", "deals.csv", "--kind", "deals"],
        None,
        &["line 4", "2026-02-30"],
    );
    r.check(
        &["import", "deals.csv", "--kind", "deals", "--dry-run"],
        None,
        &["line 4"],
    );
    r.check(
        &["import", "amounts.csv", "--kind", "deals"],
        None,
        &["line 3", "12..5"],
    );
    r.check(
        &["import", "accounts.csv", "--kind", "accounts"],
        None,
        &["line 3", "spaceship"],
    );
    r.check(
        &["import", "activities.csv", "--kind", "activities"],
        None,
        &["line 3", "fax"],
    );
    r.check(&["import", "headerless.csv", "--kind", "deals"], None, &[]);
    r.check(&["import", "gbk.csv", "--kind", "deals"], None, &["UTF-8"]);
    r.check(&["import", "binary.csv", "--kind", "deals"], None, &[]);
    r.check(
        &["import", "missing.csv", "--kind", "deals"],
        None,
        &["missing.csv"],
    );
    r.check(
        &["import", "no/such/dir/x.csv", "--kind", "deals"],
        None,
        &[],
    );
    r.check(&["import", ".", "--kind", "deals"], None, &[]);
    r.finish();
    let titles: Vec<String> = td
        .list(DAY, &[])
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Tea"]);
}

/// Writes `$XDG_CONFIG_HOME/tierdeck/NAME`.
fn write_config(td: &Td, name: &str, text: &str) -> std::path::PathBuf {
    fs::create_dir_all(td.config_dir()).unwrap();
    let path = td.config_dir().join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn rules_and_config_files_with_mistakes() {
    let f = fixture();
    let td = &f.td;
    let rules_cases: &[(&str, &str)] = &[
        // (file, the line the mistake is on)
        ("[grades]\na_within_months = 1\nb_within_monts = 3\n", ":3"),
        ("[grades]\na_within_months = 4\nb_within_months = 3\n", ":"),
        ("[grades]\nslipped_grade = \"Z\"\n", ":2"),
        ("[cadence_days]\nA = -7\n", ":2"),
        ("[cadence_days]\nA = \"weekly\"\n", ":2"),
        ("# comment\n[grades\na_within_months = 1\n", ":2"),
        (
            "[reminders]\nclose_warning_days = 7\nclose_warning_days = 8\n",
            ":3",
        ),
        ("[stages.lead]\nprobability = 150\n", ":2"),
        ("[stages.won]\nenabled = false\n", ":"),
    ];
    let mut r = Refusals::new(td);
    for (text, line) in rules_cases {
        let path = write_config(td, "rules.toml", text);
        let label = format!("list with rules.toml {text:?}");
        r.check_cmd(
            &label,
            td.cmd(DAY, &["list"]),
            None,
            &[&format!("{}{line}", path.display())],
        );
    }
    fs::remove_file(td.config_dir().join("rules.toml")).unwrap();
    // A rules file that cannot be read at all.
    fs::create_dir(td.config_dir().join("rules.toml")).unwrap();
    r.check_cmd(
        "list with rules.toml a directory",
        td.cmd(DAY, &["list"]),
        None,
        &["rules.toml"],
    );
    fs::remove_dir(td.config_dir().join("rules.toml")).unwrap();
    fs::create_dir(td.config_dir().join("config.toml")).unwrap();
    r.check_cmd(
        "list with config.toml a directory",
        td.cmd(DAY, &["list"]),
        None,
        &["config.toml"],
    );
    fs::remove_dir(td.config_dir().join("config.toml")).unwrap();

    let config_cases: &[(&str, &str)] = &[
        ("user = \"ann\"\nlnag = \"en\"\n", ":2"),
        ("lang = \"fr\"\n", ""),
        ("user = ann\n", ":1"),
        ("db = 5\n", ":1"),
    ];
    for (text, line) in config_cases {
        let path = write_config(td, "config.toml", text);
        r.check_cmd(
            &format!("list with config.toml {text:?}"),
            td.cmd(DAY, &["list"]),
            None,
            &[&format!("{}{line}", path.display())],
        );
    }
    r.finish();
}

fn bytes(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap()
}

#[test]
fn database_files_that_cannot_be_used() {
    let td = Td::new();
    let root = td.root().to_path_buf();
    let run = |db: &Path, args: &[&str]| {
        let mut cmd = td.bare();
        cmd.arg("--db")
            .arg(db)
            .args(["--today", DAY, "--user", "ann"])
            .args(args);
        cmd
    };
    let mut r = Refusals::new(&td);

    // Random bytes, and random bytes behind an SQLite header.
    let random: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let noise = root.join("noise.db");
    fs::write(&noise, &random).unwrap();
    let mut header = b"SQLite format 3\0".to_vec();
    header.extend(&random);
    let corrupt = root.join("corrupt.db");
    fs::write(&corrupt, &header).unwrap();
    for db in [&noise, &corrupt] {
        for args in [&["list"][..], &["init"], &["account", "add", "--name", "X"]] {
            r.check_cmd(
                &format!("--db {} {}", db.display(), args.join(" ")),
                run(db, args),
                Some(1),
                &[],
            );
        }
    }
    assert_eq!(bytes(&noise), random);

    // A missing directory is not created.
    let missing = root.join("no").join("such").join("dir").join("t.db");
    r.check_cmd(
        "--db in a missing directory",
        run(&missing, &["init"]),
        Some(1),
        &[],
    );
    assert!(
        !root.join("no").exists(),
        "the missing directory was created"
    );
    // Through TIERDECK_DB too.
    let mut cmd = td.bare();
    cmd.env("TIERDECK_DB", &missing)
        .args(["--today", DAY, "account", "add", "--name", "X"]);
    r.check_cmd("TIERDECK_DB in a missing directory", cmd, Some(1), &[]);
    assert!(
        !root.join("no").exists(),
        "the missing directory was created"
    );

    // A directory.
    let dir = root.join("a-directory.db");
    fs::create_dir(&dir).unwrap();
    r.check_cmd("--db a directory", run(&dir, &["list"]), Some(1), &[]);

    // Another program's SQLite file.
    let other = root.join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch(
            "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
             INSERT INTO notes(body) VALUES ('mine');",
        )
        .unwrap();
    }
    r.check_cmd(
        "--db another program's file",
        run(&other, &["list"]),
        Some(1),
        &[],
    );
    r.check_cmd(
        "--db another program's file: init",
        run(&other, &["init"]),
        Some(1),
        &[],
    );

    // A tierdeck database from a newer version.
    let newer = root.join("newer.db");
    {
        let seed = Td::new();
        seed.ok(DAY, &["init"]);
        fs::copy(&seed.db, &newer).unwrap();
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    for args in [
        &["list"][..],
        &["account", "add", "--name", "X"],
        &["regrade"],
    ] {
        r.check_cmd(
            &format!("--db newer.db {}", args.join(" ")),
            run(&newer, args),
            Some(1),
            &["newer"],
        );
    }
    r.finish();
}

/// A read-only file is refused for writes without a partial change. (Skipped
/// when the tests run as a user who can write anyway, such as root.)
#[test]
fn read_only_database() {
    use std::os::unix::fs::PermissionsExt;
    let f = fixture();
    let db = &f.td.db;
    fs::set_permissions(db, fs::Permissions::from_mode(0o444)).unwrap();
    if fs::OpenOptions::new().append(true).open(db).is_ok() {
        return;
    }
    let mut r = Refusals::new(&f.td);
    r.check(
        &["deal", "add", "--account", "Acme", "--title", "x"],
        Some(1),
        &[],
    );
    r.finish();
}

#[test]
fn output_files_in_missing_directories() {
    let f = fixture();
    let root = f.td.root().to_path_buf();
    let mut r = Refusals::new(&f.td);
    let ics = root.join("no-such-dir").join("r.ics");
    r.check(&["reminders", "--ics", ics.to_str().unwrap()], None, &[]);
    assert!(!root.join("no-such-dir").exists());
    // An export directory that is a file.
    fs::write(root.join("a-file"), "x").unwrap();
    r.check(
        &["export", "--out", root.join("a-file").to_str().unwrap()],
        None,
        &[],
    );
    r.finish();
}

/// Arbitrary text as a date, an amount or the effective date never panics.
#[test]
fn arbitrary_dates_and_amounts_never_panic() {
    let f = fixture();
    let td = &f.td;
    let text = prop_oneof![
        any::<String>(),
        "[0-9]{1,5}[-/.][0-9]{1,3}[-/.][0-9]{1,6}",
        "[+-]?[0-9]{0,20}[dwmyq]?",
        "[¥$€0-9,. -]{0,24}",
        "(eom|eoq|today|tomorrow|[0-9]{4}-[0-9]{2}-[0-9]{2}|Oct [0-9]{1,2}, [0-9]{4})",
    ]
    .prop_map(|s| s.replace('\0', ""));
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let check = |label: String, mut cmd: Command| -> Result<(), TestCaseError> {
        let out = cmd.output().expect("run tierdeck");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        prop_assert!(
            matches!(code, Some(0..=2)),
            "{label}: exit {code:?}, stderr {stderr}"
        );
        prop_assert!(!stderr.contains("panicked"), "{label}: {stderr}");
        if code != Some(0) {
            assert_clean_error(&stderr, &[&label]);
        }
        Ok(())
    };
    runner
        .run(&text, |s| {
            check(
                format!("deal add --close={s:?}"),
                td.cmd(
                    DAY,
                    &[
                        "deal",
                        "add",
                        "--account",
                        "Acme",
                        "--title",
                        "p",
                        &format!("--close={s}"),
                    ],
                ),
            )?;
            check(
                format!("deal add --amount={s:?}"),
                td.cmd(
                    DAY,
                    &[
                        "deal",
                        "add",
                        "--account",
                        "Acme",
                        "--title",
                        "p",
                        &format!("--amount={s}"),
                    ],
                ),
            )?;
            let mut cmd = td.bare();
            cmd.arg("--db").arg(&td.db).args([
                "--user",
                "ann",
                &format!("--today={s}"),
                "list",
                "--format",
                "json",
            ]);
            check(format!("--today={s:?} list"), cmd)
        })
        .unwrap();
}
