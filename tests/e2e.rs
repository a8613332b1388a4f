//! End to end, as a person would: the real binary in a real terminal (tmux),
//! driven by keystrokes, then the database checked with the binary itself.
//!
//! Needs `tmux` on `PATH` (`.ci/run` installs it where it is missing); without
//! it the test fails and says so rather than passing without having run.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{BIN, Td};

const TODAY: &str = "2026-11-23";

/// How long any one step may take on a slow, loaded machine.
const PATIENCE: Duration = Duration::from_secs(10);

/// Printed by the wrapper shell once the binary has exited; see [`WRAPPER`].
const EXITED: &str = "tierdeck exited ";

/// Runs its arguments (the binary) in the pane, then reports the exit status
/// and whether the terminal modes (raw mode and the rest of `stty`) came back
/// as they were, and stays alive so the pane's screen modes can still be read.
/// The arguments arrive as argv: nothing is quoted or parsed by a shell.
const WRAPPER: &str = r#"before=$(stty -g); "$@"; status=$?
if [ "$(stty -g)" = "$before" ]; then tty=restored; else tty=changed; fi
echo "tierdeck exited $status, tty modes $tty"; exec sleep 60"#;

/// A tmux server of this test's own, on a socket in the test's temporary
/// directory, ignoring the machine's `~/.tmux.conf`; killed however the test
/// ends, so a failure never leaves tmux running.
struct Tmux {
    socket: PathBuf,
    config: PathBuf,
}

impl Tmux {
    /// The TUI on `td`'s database as `td`'s user, in a pane of 120×40.
    fn start(td: &Td) -> Tmux {
        let tmux = Tmux::new(td);
        // The same isolated environment the CLI runs have (tests/common).
        let path = std::env::var("PATH").unwrap_or_default();
        let root = td.root().display().to_string();
        let db = td.db.display().to_string();
        let env = [
            format!("PATH={path}"),
            format!("HOME={root}"),
            format!("XDG_CONFIG_HOME={root}/config"),
            format!("XDG_DATA_HOME={root}/data"),
            "TZ=UTC".to_string(),
            "TERM=xterm-256color".to_string(),
            "LANG=C.UTF-8".to_string(),
        ];
        let mut session = vec![
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            &root,
            "/bin/sh",
            "-c",
            WRAPPER,
            "sh",
            "env",
            "-i",
        ];
        session.extend(env.iter().map(String::as_str));
        session.extend([BIN, "--db", &db, "--today", TODAY, "--user", &td.user]);
        tmux.ok(&session);
        tmux
    }

    fn new(td: &Td) -> Tmux {
        let config = td.root().join("tmux.conf");
        // A crash leaves its screen to read; the pane is the whole 120×40.
        std::fs::write(
            &config,
            "set-option -g remain-on-exit on\nset-option -g status off\n",
        )
        .unwrap();
        Tmux {
            socket: td.root().join("tmux.sock"),
            config,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .env_remove("TMUX")
            .arg("-f")
            .arg(&self.config)
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`tmux {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's screen, or what tmux said if it could not show it.
    fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", "e2e"]);
        if out.status.success() {
            String::from_utf8_lossy(&out.stdout).into_owned()
        } else {
            format!("(no screen: {})", String::from_utf8_lossy(&out.stderr))
        }
    }

    /// Polls the screen until it shows every one of `texts`; fails with the
    /// screen if it does not within [`PATIENCE`].
    fn wait_for(&self, what: &str, texts: &[&str]) -> String {
        self.wait_until(&format!("{what} ({texts:?})"), |screen| {
            texts.iter().all(|t| screen.contains(t))
        })
    }

    /// Polls the screen until `shows` holds for it; fails with the screen
    /// if it does not within [`PATIENCE`].
    fn wait_until(&self, what: &str, shows: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if shows(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Types `literal` into the pane, as keys.
    fn keys(&self, literal: &str) {
        self.ok(&["send-keys", "-t", "e2e", "-l", literal]);
    }

    /// Presses a key by its tmux name (`DC` is Delete).
    fn press(&self, name: &str) {
        self.ok(&["send-keys", "-t", "e2e", name]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Fails, saying how to mend it, where tmux cannot run: a test that did not
/// run must not pass.
fn need_tmux() {
    match Command::new("tmux").arg("-V").output() {
        Ok(out) if out.status.success() => {}
        other => panic!(
            "this end-to-end test drives the TUI in tmux, which is not usable here ({other:?}); \
             install it (`apt-get install -y tmux`, as .ci/run does)"
        ),
    }
}

/// The first `n` characters of `text`: at most 2n columns, so on screen even
/// when the card cuts the title.
fn prefix(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

#[test]
fn a_card_moved_on_the_board_with_the_keys_is_moved_in_the_database() {
    need_tmux();
    let mut td = Td::new();
    td.user = "e2e".to_string();
    td.ok(TODAY, &["demo", "--accounts", "20", "--seed", "3"]);
    // The board's first column is `lead`, its cards in `list`'s order; the
    // cursor starts on the first.
    let leads = td.list(TODAY, &["--stage", "lead"]);
    let contacted = td.list(TODAY, &["--stage", "contacted"]).len();
    let first = leads.first().expect("the demo has leads");
    let id = first["id"].as_str().unwrap().to_string();
    let title = first["title"].as_str().unwrap();
    let moves_before = stage_moves(&td.show(TODAY, &id)).len();

    let tmux = Tmux::start(&td);

    let lead_header = format!("Lead ({})", leads.len());
    let contacted_header = format!("Contacted ({contacted})");
    let title_start = prefix(title, 6);
    tmux.wait_for(
        "the board",
        &["1 Board", &lead_header, &contacted_header, &title_start],
    );

    tmux.keys(">");
    // Saved and shown at once: the message names the deal, the counts change.
    let moved = format!("Moved {} to Contacted", &id[..8]);
    let lead_header = format!("Lead ({})", leads.len() - 1);
    let contacted_header = format!("Contacted ({})", contacted + 1);
    tmux.wait_for(
        "the card in the next stage",
        &[&moved, &lead_header, &contacted_header],
    );

    // The reports are worked out on a thread of their own; the loop picks
    // them up and draws them without another key.
    tmux.keys("5");
    tmux.wait_until("the reports of the pipeline as it is now", |screen| {
        ["Funnel", "Open deals by grade", "Weighted forecast"]
            .iter()
            .all(|t| screen.contains(t))
            && !screen.contains("updating…")
            && !screen.contains("Working out the reports")
    });

    // Esc and q typed quickly reach the program together, as Alt+q: both
    // still count, the help closes and the UI quits.
    tmux.keys("?");
    tmux.wait_for("the help", &["Keys · "]);
    tmux.keys("\u{1b}q");
    let after = tmux.wait_for("the binary to exit", &[EXITED]);
    assert!(
        after.contains("tierdeck exited 0, tty modes restored"),
        "quitting exits 0 and leaves raw mode:\n{after}"
    );
    assert!(
        !after.contains("1 Board") && !after.contains(&moved),
        "the board is gone from the terminal after quitting:\n{after}"
    );
    let modes = tmux.ok(&[
        "display-message",
        "-p",
        "-t",
        "e2e",
        "alternate screen #{alternate_on}, cursor shown #{cursor_flag}, \
         mouse reporting #{mouse_any_flag}#{mouse_button_flag}#{mouse_all_flag}",
    ]);
    assert_eq!(
        modes.trim(),
        "alternate screen 0, cursor shown 1, mouse reporting 000",
        "the terminal is restored after quitting"
    );

    let shown = td.show(TODAY, &id);
    assert_eq!(shown["stage"], "contacted", "{shown}");
    let moves = stage_moves(&shown);
    assert_eq!(
        moves[moves_before..],
        [(
            "lead".to_string(),
            "contacted".to_string(),
            "e2e".to_string()
        )],
        "one stage change, lead to contacted, by the user; history: {}",
        shown["history"]
    );
}

/// The stage changes in a deal's history (`show --format json`): from, to, author.
fn stage_moves(shown: &serde_json::Value) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    shown["history"]
        .as_array()
        .expect("show has a history")
        .iter()
        .filter(|h| h["field"] == "stage")
        .map(|h| (text(&h["from"]), text(&h["to"]), text(&h["author"])))
        .collect()
}

#[test]
fn changes_saved_by_another_process_show_without_a_key() {
    need_tmux();
    let mut td = Td::new();
    td.user = "e2e".to_string();
    td.ok(TODAY, &["demo", "--accounts", "20", "--seed", "3"]);
    let leads = td.list(TODAY, &["--stage", "lead"]);
    let first = leads.first().expect("the demo has leads");
    let id = first["id"].as_str().unwrap().to_string();
    let title = first["title"].as_str().unwrap();
    let tmux = Tmux::start(&td);
    tmux.wait_for("the board", &["1 Board", &prefix(title, 6)]);

    // Another person, in another process, while the TUI waits for a key.
    td.user = "李娜".to_string();
    td.ok(
        TODAY,
        &["deal", "update", &id, "--title", "Renamed by Li Na"],
    );
    tmux.wait_for(
        "the new title and who changed it",
        &["Renamed by", "李娜 changed Renamed by Li Na (deal)"],
    );
    td.ok(
        TODAY,
        &["log", &id, "--kind", "call", "asked about the budget"],
    );
    tmux.wait_for(
        "the activity and who logged it",
        &["李娜 logged an activity on Renamed by Li Na"],
    );

    tmux.keys("q");
    let after = tmux.wait_for("the binary to exit", &[EXITED]);
    assert!(
        after.contains("tierdeck exited 0, tty modes restored"),
        "{after}"
    );
}

#[test]
fn a_contact_added_and_a_deal_deleted_with_its_confirmation_then_undone() {
    need_tmux();
    let mut td = Td::new();
    td.user = "e2e".to_string();
    td.ok(TODAY, &["demo", "--accounts", "20", "--seed", "3"]);
    let leads = td.list(TODAY, &["--stage", "lead"]);
    let first = leads.first().expect("the demo has leads");
    let id = first["id"].as_str().unwrap().to_string();
    let title = first["title"].as_str().unwrap().to_string();
    // The accounts view starts on the first account by name.
    let accounts = common::array(td.json(TODAY, &["account", "list"]));
    let account = accounts[0]["name"].as_str().unwrap().to_string();
    let tmux = Tmux::start(&td);
    let lead_header = format!("Lead ({})", leads.len());
    tmux.wait_for("the board", &[&lead_header, &prefix(&title, 6)]);

    // A person added from the account's detail, as typed.
    tmux.keys("4");
    tmux.wait_for("the accounts", &["4 Accounts", &prefix(&account, 6)]);
    tmux.press("Enter");
    tmux.keys("c");
    tmux.wait_for("the contact form", &["New contact"]);
    tmux.keys("王芳");
    tmux.press("Enter");
    tmux.wait_until("the contact in the detail", |screen| {
        !screen.contains("New contact") && screen.contains("王芳")
    });
    let people = common::array(td.json(TODAY, &["contact", "list", "--account", &account]));
    assert!(
        people.iter().any(|p| p["name"] == "王芳"),
        "saved in the database: {people:?}"
    );
    tmux.press("Escape");
    tmux.keys("1");
    tmux.wait_for("the board again", &[&lead_header]);

    tmux.press("DC");
    tmux.wait_for("the question", &["Delete the deal", "yes, delete"]);
    tmux.keys("n");
    tmux.wait_until("the question gone, the deal kept", |screen| {
        !screen.contains("yes, delete") && screen.contains(&lead_header)
    });
    tmux.press("DC");
    tmux.wait_for("the question again", &["yes, delete"]);
    tmux.keys("y");
    let fewer = format!("Lead ({})", leads.len() - 1);
    tmux.wait_for("the deal deleted", &[&fewer, "u takes it back"]);
    assert!(
        td.listed(TODAY, &title).is_none(),
        "deleted in the database"
    );

    tmux.keys("u");
    tmux.wait_for("the deal back", &[&lead_header, "Undone: deleted deal"]);
    tmux.keys("q");
    let after = tmux.wait_for("the binary to exit", &[EXITED]);
    assert!(after.contains("tierdeck exited 0"), "{after}");
    assert_eq!(td.show(TODAY, &id)["title"], title.as_str());
}
