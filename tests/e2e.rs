//! End to end, as a person would: the real binary in a real terminal (tmux),
//! driven by keystrokes, then the database checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");
const TODAY: &str = "2026-11-23";

fn tierdeck(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--today",
            TODAY,
            "--user",
            "e2e",
        ])
        .args(args)
        .env_remove("TIERDECK_DB")
        .env_remove("TIERDECK_TODAY")
        .output()
        .unwrap()
}

fn json(output: Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A tmux server of this test's own; killed however the test ends.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs; install it (CI does: apt-get install -y tmux)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// Waits until the screen shows `text`, failing with the screen if it never does.
    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited 15 s for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, literal: &str) {
        let out = self.run(&["send-keys", "-t", "e2e", "-l", literal]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

#[test]
fn a_card_moved_on_the_board_with_the_keys_is_moved_in_the_database() {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "this test needs tmux; install it (CI does: apt-get install -y tmux)"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let made = tierdeck(&db, &["demo", "--accounts", "20", "--seed", "3"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // The board's first column is `lead`, in the same order as `list`.
    let leads = json(tierdeck(
        &db,
        &["list", "--stage", "lead", "--format", "json"],
    ));
    let first = &leads[0];
    let id = first["id"].as_str().unwrap().to_string();

    let tmux = Tmux {
        socket: dir.path().join("tmux.sock"),
    };
    let home = dir.path().to_str().unwrap();
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={home} XDG_CONFIG_HOME={home} XDG_DATA_HOME={home} \
         TERM=xterm-256color LANG=C.UTF-8 {BIN} --db {db} --today {TODAY} --user e2e; \
         echo tierdeck exited $?; sleep 60",
        db = db.display()
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );

    let board = tmux.wait_for("Lead (");
    assert!(board.contains("1 Board"), "{board}");
    tmux.keys(">");
    tmux.wait_for("Moved ");
    tmux.keys("q");
    let after = tmux.wait_for("tierdeck exited");
    assert!(after.contains("tierdeck exited 0"), "{after}");
    assert!(
        !after.contains("1 Board"),
        "the terminal is restored after quitting:\n{after}"
    );

    let shown = json(tierdeck(&db, &["show", &id, "--format", "json"]));
    assert_eq!(shown["stage"], "contacted", "{shown}");
    let moves: Vec<(&str, &str)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "stage")
        .map(|h| (h["from"].as_str().unwrap(), h["to"].as_str().unwrap()))
        .collect();
    assert_eq!(moves.last(), Some(&("lead", "contacted")), "{moves:?}");
}
