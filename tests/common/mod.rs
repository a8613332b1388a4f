//! Shared helpers for the tests that run the built `tierdeck` binary.
//!
//! Every run gets a cleared environment: only `PATH`, and `HOME`,
//! `XDG_CONFIG_HOME` and `XDG_DATA_HOME` pointing into the test's own
//! temporary directory, so neither the machine's config nor its `TIERDECK_*`
//! or `LANG` variables can leak in.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");

/// A temporary home with one database in it.
pub struct Td {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub user: String,
}

impl Td {
    pub fn new() -> Td {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("pipeline.db");
        Td {
            dir,
            db,
            user: "ann".to_string(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `$XDG_CONFIG_HOME/tierdeck`, where `config.toml` and `rules.toml` live.
    pub fn config_dir(&self) -> PathBuf {
        self.root().join("config").join("tierdeck")
    }

    /// The binary with the isolated environment and nothing else.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root())
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .env("XDG_DATA_HOME", self.root().join("data"))
            // Activities are stamped at the effective date and the local time
            // of day; UTC keeps that date the same as `--today`.
            .env("TZ", "UTC")
            .current_dir(self.root());
        cmd
    }

    /// The binary on this database, on `today`, as this user.
    pub fn cmd(&self, today: &str, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--db")
            .arg(&self.db)
            .arg("--today")
            .arg(today)
            .arg("--user")
            .arg(&self.user)
            .args(args);
        cmd
    }

    pub fn run(&self, today: &str, args: &[&str]) -> Output {
        self.cmd(today, args).output().expect("run tierdeck")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, today: &str, args: &[&str]) -> String {
        succeed(self.run(today, args), args)
    }

    /// Runs a command that must succeed and print one id, alone or in the
    /// sentence that says what it made (`log`); returns it.
    pub fn id(&self, today: &str, args: &[&str]) -> String {
        let out = self.ok(today, args);
        let ids: Vec<&str> = out
            .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
            .filter(|word| word.len() == 36)
            .collect();
        assert_eq!(
            ids.len(),
            1,
            "`{}` printed no one id: {out}",
            args.join(" ")
        );
        assert_uuid(ids[0]);
        ids[0].to_string()
    }

    /// Runs a command with `--format json` appended; returns the parsed output.
    pub fn json(&self, today: &str, args: &[&str]) -> Value {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.ok(today, &all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("`{}` printed no JSON ({e}):\n{out}", all.join(" ")))
    }

    /// `list --format json` with extra arguments.
    pub fn list(&self, today: &str, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["list"];
        args.extend(extra);
        array(self.json(today, &args))
    }

    /// One deal as `list` shows it, by title.
    pub fn listed(&self, today: &str, title: &str) -> Option<Value> {
        self.list(today, &[])
            .into_iter()
            .find(|d| d["title"] == title)
    }

    pub fn show(&self, today: &str, id: &str) -> Value {
        self.json(today, &["show", id])
    }

    /// Open reminders (`reminders --format json`) of one deal.
    pub fn reminders_of(&self, today: &str, deal: &str, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["reminders"];
        args.extend(extra);
        array(self.json(today, &args))
            .into_iter()
            .filter(|r| r["deal_id"] == deal)
            .collect()
    }

    /// Runs a command that must fail cleanly; returns the exit code and the `error:` line.
    pub fn fail(&self, today: &str, args: &[&str]) -> (i32, String) {
        failed(self.run(today, args), args)
    }

    /// Every file under the temporary directory with its bytes: what "nothing
    /// was written" is checked against.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        walk(self.root(), &mut files);
        files
    }

    /// Rows per table, through SQLite itself.
    pub fn counts(&self) -> BTreeMap<String, i64> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db read-only");
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        tables
            .into_iter()
            .map(|t| {
                let n: i64 = conn
                    .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                    .unwrap();
                (t, n)
            })
            .collect()
    }
}

fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.insert(path.clone(), b"<dir>".to_vec());
            walk(&path, files);
        } else {
            files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
        }
    }
}

pub fn array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        other => panic!("expected a JSON array, got {other}"),
    }
}

pub fn succeed(out: Output, args: &[&str]) -> String {
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "`tierdeck {}` failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
        args.join(" "),
        out.status
    );
    assert!(
        !stderr.contains("panicked"),
        "`{}` panicked: {stderr}",
        args.join(" ")
    );
    stdout
}

/// Checks the failure contract of SPEC §6: exit status 1 or 2, exactly one
/// non-empty stderr line, starting `error: `, no panic and no backtrace.
pub fn failed(out: Output, args: &[&str]) -> (i32, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "`tierdeck {}` should fail with 1 or 2, got {:?}\nstdout: {}\nstderr: {stderr}",
        args.join(" "),
        code,
        String::from_utf8_lossy(&out.stdout)
    );
    assert_clean_error(&stderr, args);
    let line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap();
    (code.unwrap(), line.to_string())
}

pub fn assert_clean_error(stderr: &str, args: &[&str]) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "`tierdeck {}` should print exactly one error line, got:\n{stderr}",
        args.join(" ")
    );
    assert!(
        lines[0].starts_with("error: "),
        "`tierdeck {}`: the line must start with `error: `: {stderr}",
        args.join(" ")
    );
    for marker in ["panicked", "RUST_BACKTRACE", "stack backtrace", "hit a bug"] {
        assert!(
            !stderr.contains(marker),
            "`tierdeck {}` panicked: {stderr}",
            args.join(" ")
        );
    }
}

/// A full UUID as the program prints new ids: 8-4-4-4-12 lower-case hex.
pub fn assert_uuid(id: &str) {
    let parts: Vec<&str> = id.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    assert_eq!(lens, [8, 4, 4, 4, 12], "not a UUID: `{id}`");
    assert!(
        id.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "not a lower-case UUID: `{id}`"
    );
}

/// The date `n` days after `day` (YYYY-MM-DD).
pub fn plus_days(day: &str, n: i64) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date");
    (d + chrono::Duration::days(n)).to_string()
}
