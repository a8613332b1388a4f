//! Load on a team server (SPEC §5.3): `cargo bench --bench team_server`.
//!
//! A throwaway PostgreSQL 15 cluster on 127.0.0.1, set up by `team
//! server-setup` with 50 member logins; 50 replicas, each its own database
//! and login, each driven by its own loop of `tierdeck log …` commands for a
//! minute (every command syncs: it reads what is new, then sends its own).
//! Then every replica syncs until nothing moves, and the bench checks that
//! all of them hold every activity made, once, with the same change log.
//!
//! Printed: changes committed per second, the time from a change's commit on
//! one replica (its stamp in the log) to the end of the first command on
//! another replica that applied it (median and p95), and the server's table
//! sizes. `LOAD_REPLICAS` and `LOAD_SECONDS` change the shape. Nothing here
//! asserts a time.

#[allow(dead_code)]
#[path = "../tests/common/postgres.rs"]
mod postgres;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postgres::{ADMIN_PASSWORD, Cluster};

const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");
const ACCOUNT: &str = "负载测试 Load Co";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn login(i: usize) -> String {
    format!("m{:02}", i + 1)
}

fn password(login: &str) -> String {
    format!("{login}-load-Pw")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One replica: a database of its own, run as its own login.
struct Replica {
    login: String,
    db: PathBuf,
    home: PathBuf,
}

impl Replica {
    fn new(root: &Path, i: usize) -> Replica {
        let login = login(i);
        let home = root.join(&login);
        std::fs::create_dir_all(&home).expect("a replica's home");
        Replica {
            db: home.join("pipeline.db"),
            home,
            login,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("TZ", "UTC")
            .env("PGPASSWORD", password(&self.login))
            .arg("--db")
            .arg(&self.db)
            .arg("--user")
            .arg(&self.login)
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run tierdeck")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            self.login,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// What a replica's loop saw: the changes it made, and for each other
/// replica's change it applied, the milliseconds from its commit there.
#[derive(Default)]
struct Seen {
    made: usize,
    failed: usize,
    delays_ms: Vec<i64>,
}

/// Activities applied here from other replicas since `after` (a rowid):
/// the highest rowid, and the commit stamp of each in milliseconds.
fn arrived(db: &Path, me: &str, after: i64) -> (i64, Vec<i64>) {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return (after, Vec::new());
    };
    let _ = conn.busy_timeout(Duration::from_secs(5));
    let Ok(mut stmt) = conn.prepare(
        "SELECT a.rowid, (SELECT min(o.hlc) FROM ops o WHERE o.row_id = a.id)
         FROM activities a WHERE a.rowid > ?1 AND a.author <> ?2",
    ) else {
        return (after, Vec::new());
    };
    let rows: Vec<(i64, Option<i64>)> = stmt
        .query_map(rusqlite::params![after, me], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default();
    let last = rows.iter().map(|(id, _)| *id).max().unwrap_or(after);
    let stamps = rows
        .iter()
        .filter_map(|(_, hlc)| *hlc)
        .map(|h| h >> 16)
        .collect();
    (last, stamps)
}

fn drive(replica: &Replica, until: Instant, seen: &Mutex<Seen>) {
    let mut last_row = arrived(&replica.db, &replica.login, 0).0;
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let summary = format!("{} 第 {n} 次电话 call {n}", replica.login);
        let out = replica.run(&["log", "--account", ACCOUNT, "--kind", "call", &summary]);
        let done = now_ms();
        let (last, stamps) = arrived(&replica.db, &replica.login, last_row);
        last_row = last;
        let mut seen = seen.lock().expect("a replica's record");
        if out.status.success() {
            seen.made += 1;
        } else {
            seen.failed += 1;
            eprintln!(
                "{}: {}",
                replica.login,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        seen.delays_ms
            .extend(stamps.into_iter().map(|at| done - at));
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open a replica");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

fn fingerprint(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open a replica");
    let mut stmt = conn
        .prepare("SELECT replica || ':' || seq || ':' || hlc FROM ops ORDER BY replica, seq")
        .expect("the log");
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("the log")
        .filter_map(Result::ok)
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in rows.join("\n").bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
    }
    format!("{} ops, {hash:016x}", rows.len())
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let replicas_wanted = setting("LOAD_REPLICAS", 50).max(2);
    let seconds = setting("LOAD_SECONDS", 60);
    let cluster = Cluster::start();
    let root = tempfile::tempdir().expect("a temporary directory");
    let replicas: Vec<Replica> = (0..replicas_wanted)
        .map(|i| Replica::new(root.path(), i))
        .collect();

    let setup_url = cluster.url("postgres");
    let mut args = vec!["team", "server-setup", &setup_url, "--apply"];
    for r in &replicas {
        args.extend(["--member", r.login.as_str()]);
    }
    let out = replicas[0]
        .cmd(&args)
        .env("PGPASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("run server-setup");
    assert!(
        out.status.success(),
        "server-setup: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for r in &replicas {
        cluster.admin(&format!(
            "ALTER ROLE \"{}\" PASSWORD '{}'",
            r.login,
            password(&r.login)
        ));
    }

    let started = Instant::now();
    replicas[0].ok(&["account", "add", "--name", ACCOUNT]);
    replicas[0].ok(&["team", "init", &cluster.url(&replicas[0].login)]);
    for r in &replicas[1..] {
        r.ok(&["team", "join", &cluster.url(&r.login)]);
    }
    println!(
        "{} replicas joined the server in {:.1} s",
        replicas.len(),
        started.elapsed().as_secs_f64()
    );

    let until = Instant::now() + Duration::from_secs(seconds as u64);
    let seen: Vec<Arc<Mutex<Seen>>> = replicas.iter().map(|_| Arc::default()).collect();
    let load_started = Instant::now();
    std::thread::scope(|scope| {
        for (r, seen) in replicas.iter().zip(&seen) {
            scope.spawn(move || drive(r, until, seen));
        }
    });
    let load_took = load_started.elapsed().as_secs_f64();

    // Every replica syncs until nothing moves: twice round, as the last to
    // send is read by the first on the second round.
    let settle_started = Instant::now();
    for _ in 0..2 {
        for r in &replicas {
            r.ok(&["sync"]);
        }
    }
    let settle_took = settle_started.elapsed().as_secs_f64();

    let made: usize = seen.iter().map(|s| s.lock().map_or(0, |s| s.made)).sum();
    let failed: usize = seen.iter().map(|s| s.lock().map_or(0, |s| s.failed)).sum();
    let mut delays: Vec<i64> = seen
        .iter()
        .flat_map(|s| s.lock().map(|s| s.delays_ms.clone()).unwrap_or_default())
        .collect();
    delays.sort_unstable();

    let expected = i64::try_from(made).unwrap_or(i64::MAX);
    let first = fingerprint(&replicas[0].db);
    let mut converged = true;
    for r in &replicas {
        let held = count(
            &r.db,
            "SELECT count(*) FROM activities WHERE deleted_at IS NULL",
        );
        let print = fingerprint(&r.db);
        if held != expected || print != first {
            converged = false;
            println!(
                "{}: {held} activities of {expected}, log {print} (first replica: {first})",
                r.login
            );
        }
    }

    println!();
    println!(
        "| what | measured |\n|---|---|\n\
         | replicas, each its own process loop and login | {} |\n\
         | changes committed (one activity each) | {made} in {load_took:.1} s, {failed} refused |\n\
         | changes per second, all replicas | {:.1} |\n\
         | deliveries applied (changes × other replicas) | {} |\n\
         | commit → applied on another replica, median | {} ms |\n\
         | commit → applied on another replica, p95 | {} ms |\n\
         | commit → applied on another replica, max | {} ms |\n\
         | settling (every replica syncs twice round) | {settle_took:.1} s |\n\
         | all replicas hold every change once, same log | {} ({first}) |",
        replicas.len(),
        made as f64 / load_took,
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        delays.last().copied().unwrap_or(0),
        if converged { "yes" } else { "NO" },
    );
    println!();
    println!("server tables (pg_total_relation_size, rows):");
    for table in ["changes", "members", "snapshots", "meta"] {
        let size = cluster.admin(&format!(
            "SELECT pg_size_pretty(pg_total_relation_size('tierdeck.{table}')) || ', ' || count(*) FROM tierdeck.{table}"
        ));
        println!("  tierdeck.{table}: {size}");
    }
    if !converged || failed > 0 {
        std::process::exit(1);
    }
}
