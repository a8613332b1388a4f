//! The README's examples run as written: every line of its code blocks that
//! starts with `tierdeck ` (or `cargo run … -- `, the same program) is run, in
//! order, through `sh` against one temporary database, and must exit 0.
//!
//! The rules, so that a new example needs no change here:
//! - A line runs as the shell would run it (quotes, `~`, `&&`), with
//!   `tierdeck` on the PATH, `HOME` in the temporary directory, and the
//!   database, the day and the user set by `TIERDECK_DB`, `TIERDECK_TODAY`
//!   and `TIERDECK_USER`, as a reader's environment would.
//! - A line with no command after the program is skipped: at a terminal it
//!   opens the TUI, which the tmux end-to-end test drives; from a test it
//!   would print the overview instead, not what the README shows.
//! - Ids are the reader's to copy from earlier output. A word of 4 to 8 hex
//!   digits (or one ending in `…`) where a command takes an id stands for a
//!   real one: the same word for the same row throughout; a new word after
//!   `remind` for the next pending reminder, after `activity` for the latest
//!   activity of the last deal, after `contact` or `account` for the last one
//!   added, and anywhere else for the last deal added.
//! - A file the reader would already have is made first: the `*.db` a
//!   `merge` example names (a conflict copy a sync tool left) is a copy of
//!   the database, and the folder of a sync tool (`~/Dropbox`) exists.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const TODAY: &str = "2026-12-01";

/// The example lines of the README's code blocks, comments cut off.
fn examples(readme: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        let text = line.trim();
        if text.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let command = without_comment(text);
        let program = ["tierdeck ", "cargo run "]
            .iter()
            .any(|p| command.starts_with(p) || command == p.trim_end());
        if program {
            lines.push(command.to_string());
        }
    }
    lines
}

/// `text` up to a `#` that starts a shell comment (after a space, outside quotes).
fn without_comment(text: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return text[..at].trim_end(),
            _ => {}
        }
        previous = c;
    }
    text.trim_end()
}

/// `cargo run [--release] -- ARGS` as `tierdeck ARGS`; `None` for a line
/// that opens the TUI (no command after the program).
fn as_tierdeck(line: &str) -> Option<String> {
    let args = match line.strip_prefix("cargo run") {
        Some(rest) => rest.split_once("-- ").map_or("", |(_, args)| args),
        None => line.strip_prefix("tierdeck").unwrap_or(""),
    };
    let args = args.trim();
    // Global options alone still open the TUI.
    let words: Vec<&str> = args.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() && words[i].starts_with("--") {
        i += if words[i].contains('=') { 1 } else { 2 };
    }
    (i < words.len()).then(|| format!("tierdeck {args}"))
}

fn looks_like_an_id(word: &str) -> bool {
    let word = word.trim_end_matches('…');
    (4..=8).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The README's example ids and the real rows they stand for.
struct Ids<'a> {
    env: &'a Env,
    real: BTreeMap<String, String>,
    deal: Option<String>,
    account: Option<String>,
    contact: Option<String>,
}

impl Ids<'_> {
    /// `line` with each example id replaced by the id of its row.
    fn fill(&mut self, line: &str) -> String {
        let words: Vec<&str> = line.split(' ').collect();
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let before: Vec<&str> = words[..i]
                .iter()
                .copied()
                .filter(|w| !w.is_empty())
                .collect();
            let takes_id = match before.as_slice() {
                [.., "show" | "log" | "plan" | "restore"] => true,
                [
                    ..,
                    "deal" | "account" | "contact" | "remind" | "activity",
                    verb,
                ] => !matches!(*verb, "add" | "list"),
                _ => false,
            };
            if takes_id && looks_like_an_id(word) {
                let kind = before.iter().rev().find_map(|w| match *w {
                    "remind" | "activity" | "contact" | "account" => Some(*w),
                    _ => None,
                });
                out.push(self.real_id(word, kind.unwrap_or("deal")));
            } else {
                out.push(word.to_string());
            }
        }
        out.join(" ")
    }

    fn real_id(&mut self, example: &str, kind: &str) -> String {
        if let Some(real) = self.real.get(example) {
            return real.clone();
        }
        let taken: Vec<&String> = self.real.values().collect();
        let real = match kind {
            "remind" => self
                .env
                .json("reminders")
                .as_array()
                .and_then(|all| {
                    all.iter()
                        .filter_map(|r| r["id"].as_str())
                        .find(|id| !taken.iter().any(|t| t == id))
                        .map(String::from)
                })
                .unwrap_or_else(|| panic!("no pending reminder for `{example}`")),
            "activity" => {
                let deal = self.deal.clone().expect("a deal added before");
                let shown = self.env.json(&format!("show {deal}"));
                let activities = shown["activities"].as_array().cloned().unwrap_or_default();
                let last = activities.last().expect("an activity logged before");
                last["id"].as_str().unwrap().to_string()
            }
            "contact" => self.contact.clone().expect("a contact added before"),
            "account" => self.account.clone().expect("an account added before"),
            _ => self.deal.clone().expect("a deal added before"),
        };
        self.real.insert(example.to_string(), real.clone());
        real
    }

    /// Notes the id a command printed, if it added a row.
    fn note(&mut self, line: &str, stdout: &str) {
        let printed = stdout.trim();
        if printed.len() != 36 || printed.contains(char::is_whitespace) {
            return;
        }
        let printed = Some(printed.to_string());
        if line.contains("deal add") {
            self.deal = printed;
        } else if line.contains("account add") {
            self.account = printed;
        } else if line.contains("contact add") {
            self.contact = printed;
        }
    }
}

/// The reader's environment: a home, `tierdeck` on the PATH, and the
/// database, day and user of the examples.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(common::BIN, bin.join("tierdeck")).unwrap();
        // A reader who shares through Dropbox has its folder.
        std::fs::create_dir_all(dir.path().join("Dropbox")).unwrap();
        Env { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn db(&self) -> std::path::PathBuf {
        self.root().join("tierdeck.db")
    }

    fn sh(&self, line: &str) -> std::process::Output {
        let path = format!(
            "{}:{}",
            self.root().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("sh")
            .arg("-c")
            .arg(line)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.root())
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .env("XDG_DATA_HOME", self.root().join("data"))
            .env("TZ", "UTC")
            .env("TIERDECK_DB", self.db())
            .env("TIERDECK_TODAY", TODAY)
            .env("TIERDECK_USER", "ann")
            .current_dir(self.root())
            .output()
            .expect("run sh")
    }

    /// `tierdeck ARGS --format json`, parsed.
    fn json(&self, args: &str) -> Value {
        let out = self.sh(&format!("tierdeck {args} --format json"));
        assert!(
            out.status.success(),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    }

    /// Makes the `*.db` file a `merge` names when it is not there: a copy of
    /// the database, as a sync tool leaves it.
    fn make_named_copies(&self, line: &str) {
        let words = quoted_or_bare_words(line);
        if !words.iter().any(|w| w == "merge") {
            return;
        }
        for name in words {
            let path = self.root().join(&name);
            if name.ends_with(".db") && !path.exists() && self.db().exists() {
                std::fs::copy(self.db(), &path).expect("copy the database");
            }
        }
    }
}

/// The words of a line, a quoted string counting as one.
fn quoted_or_bare_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)))
            }
            (_, c) => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

#[test]
fn every_example_in_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let lines = examples(&readme);
    assert!(lines.len() > 20, "too few examples found: {lines:#?}");
    let env = Env::new();
    let mut ids = Ids {
        env: &env,
        real: BTreeMap::new(),
        deal: None,
        account: None,
        contact: None,
    };
    let mut ran = 0;
    // Every failure is listed, not only the first, so one run shows what to fix.
    let mut failed = Vec::new();
    for line in &lines {
        let Some(command) = as_tierdeck(line) else {
            continue;
        };
        let command = ids.fill(&command);
        env.make_named_copies(&command);
        let out = env.sh(&command);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            failed.push(format!(
                "`{line}` (run as `{command}`): {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        }
        ids.note(&command, &stdout);
        ran += 1;
    }
    assert!(
        failed.is_empty(),
        "README examples that failed:\n{}",
        failed.join("\n")
    );
    assert!(ran > 20, "only {ran} examples ran");
}

#[test]
fn the_rules_pick_the_lines_and_ids_they_say() {
    let readme = "text\n```sh\ncargo run --release          # the TUI\ncargo test\ntierdeck list --grade A   # open A deals\n  tierdeck merge \"a #1.db\" --dry-run\n```\ntierdeck outside a block\n";
    assert_eq!(
        examples(readme),
        [
            "cargo run --release",
            "tierdeck list --grade A",
            "tierdeck merge \"a #1.db\" --dry-run"
        ]
    );
    assert_eq!(as_tierdeck("cargo run --release"), None);
    assert_eq!(as_tierdeck("tierdeck --lang zh-CN"), None);
    assert_eq!(
        as_tierdeck("cargo run --release -- demo").as_deref(),
        Some("tierdeck demo")
    );
    assert!(looks_like_an_id("0193a4f2") && looks_like_an_id("7f3e…"));
    assert!(!looks_like_an_id("455000000") && !looks_like_an_id("ERP"));
}
