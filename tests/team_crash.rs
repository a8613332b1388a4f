//! A replica killed outright (SIGKILL: no clean-up runs) while it publishes
//! its changes to a team folder, or while it applies a teammate's, many
//! times over (SPEC §5.2): its database stays sound, no change is applied
//! twice or lost, the team folder holds only whole change files numbered
//! 1..n, and the next exchange completes.
//!
//! Replica A makes some 25,000 changes while the folder is away (an import
//! of accounts and three re-imports changing eight fields of each, plus a
//! deal with activities), so that publishing them writes six change files.
//! Its `sync` is killed ten times in a row, each run going on from where the
//! last was killed: at once, while a change file is being written, just
//! after one is placed, at the last one. Replica B then applies them in two
//! transactions (a batch is 20,000 operations at most) and is killed ten
//! times in a row too: before, inside and between those transactions.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{Td, array};
use rusqlite::Connection;
use rusqlite::types::Value;
use tierdeck::team::file::{self, ChangeFile};

const DAY: &str = "2026-06-01";
/// Accounts imported, then imported again `ROUNDS` times with eight of
/// their fields changed each time: `ROWS * (1 + 8 * ROUNDS)` operations.
const ROWS: usize = 1_000;
const ROUNDS: usize = 3;
/// As in src/team/mod.rs: operations in one change file, and applied in
/// one transaction, at most.
const OPS_PER_FILE: usize = 5_000;
const OPS_PER_BATCH: usize = 20_000;
/// How often a waiting kill looks again, and how long it waits at most.
const POLL: Duration = Duration::from_micros(200);
const PATIENCE: Duration = Duration::from_secs(30);
/// The kills at a random moment draw it from this seed.
const SEED: u64 = 0x7d_c4a5;

/// One replica: its database and who works on it.
struct Replica<'a> {
    td: &'a Td,
    db: PathBuf,
    user: &'static str,
}

impl Replica<'_> {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.td.bare();
        cmd.arg("--db")
            .arg(&self.db)
            .args(["--today", DAY, "--user", self.user])
            .args(args);
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        common::succeed(self.cmd(args).output().unwrap(), args)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.ok(&all);
        let mut records = array(serde_json::from_str(&out).unwrap());
        assert_eq!(records.len(), 1, "`{}` printed {out}", all.join(" "));
        records.remove(0)
    }

    fn journal(&self) -> PathBuf {
        journal(&self.db)
    }

    /// The database as the next tierdeck would find it, after checking it
    /// is sound: a copy, with the journal a killed writer left beside it,
    /// so that this replica itself meets that journal on its next run.
    fn sound(&self) -> Connection {
        let copy = self.td.root().join("check.db");
        let _ = fs::remove_file(journal(&copy));
        fs::copy(&self.db, &copy).unwrap();
        if self.journal().exists() {
            fs::copy(self.journal(), journal(&copy)).unwrap();
        }
        let conn = Connection::open(&copy).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "{} is damaged", self.db.display());
        conn
    }
}

fn journal(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-journal");
    name.into()
}

/// `ROWS` accounts as import round `round` has them: eight fields differ
/// from the round before.
fn accounts_csv(path: &Path, round: usize) {
    const KINDS: [&str; 3] = ["enterprise", "wholesale", "individual"];
    const TIERS: [&str; 3] = ["high", "mid", "low"];
    const SATISFACTION: [&str; 3] = ["satisfied", "neutral", "dissatisfied"];
    let mut csv =
        String::from("name,kind,industry,region,channel,product_tier,satisfaction,owner,notes\n");
    for i in 0..ROWS {
        let k = round % 3;
        csv.push_str(&format!(
            "团队客户 {i:05},{},行业{round},华东{round}区,渠道{round},{},{},销售{round},第{round}轮 备注 {i}\n",
            KINDS[k], TIERS[k], SATISFACTION[k]
        ));
    }
    fs::write(path, csv).unwrap();
}

/// When a kill comes.
#[derive(Debug, Clone, Copy)]
enum When {
    /// This long after the start.
    After(Duration),
    /// Once this run writes a change file (its temporary file is there) or
    /// has placed one.
    Writing,
    /// This long after this run has placed `n` new change files.
    Placed(usize, Duration),
    /// Once the folder holds `n` change files in all.
    AllPlaced(usize),
    /// This long after a write transaction began (its journal appeared).
    InTransaction(Duration),
    /// Once a write transaction has committed (its journal came and went).
    Committed,
}

/// One run that was to be killed.
struct Run {
    pid: u32,
    /// How long it had run.
    at: Duration,
    status: ExitStatus,
    /// It was killed inside a write transaction of its own.
    in_transaction: bool,
}

impl Run {
    fn killed(&self) -> bool {
        self.status.signal() == Some(libc::SIGKILL)
    }
}

fn temp_of(device: &Path, pid: u32) -> bool {
    let mark = format!(".{pid}.tmp");
    names(device).iter().any(|n| n.ends_with(&mark))
}

fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The change files of a replica's folder, by number.
fn change_files(device: &Path) -> Vec<(i64, PathBuf)> {
    let mut files: Vec<(i64, PathBuf)> = names(device)
        .into_iter()
        .filter_map(|n| {
            let number = n.strip_prefix("changes-")?.strip_suffix(".tdc")?;
            Some((number.parse().ok()?, device.join(&n)))
        })
        .collect();
    files.sort();
    files
}

/// The journal of a database, as one run sees it. SQLite makes it when a
/// write transaction begins and deletes it at the commit; a run killed
/// inside one leaves it behind (with its header not yet written, when
/// nothing had reached the database file), so a journal there from the
/// start is the last run's until it changes.
struct Journal {
    path: PathBuf,
    stale: Option<(SystemTime, u64)>,
    /// When this run's first write transaction began.
    began: Option<Instant>,
    /// A transaction of this run is open now.
    open: bool,
    /// A transaction of this run has committed.
    committed: bool,
}

impl Journal {
    fn new(path: &Path) -> Journal {
        Journal {
            path: path.to_path_buf(),
            stale: stamp(path),
            began: None,
            open: false,
            committed: false,
        }
    }

    fn look(&mut self) {
        match stamp(&self.path) {
            None => {
                self.stale = None;
                self.committed |= self.open;
                self.open = false;
            }
            Some(now) if Some(now) != self.stale => {
                self.stale = None;
                self.began.get_or_insert_with(Instant::now);
                self.open = true;
            }
            Some(_) => {}
        }
    }
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Starts `cmd` and SIGKILLs it `when` says (or after `PATIENCE`), unless
/// it ends first. `device` is the publishing replica's folder, `journal`
/// the journal of the database the command writes.
fn kill_when(mut cmd: Command, when: When, device: &Path, journal: &Path) -> Run {
    let before = change_files(device).len();
    let mut journal = Journal::new(journal);
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut placed: Option<Instant> = None;
    loop {
        journal.look();
        if let Some(status) = child.try_wait().unwrap() {
            return Run {
                pid,
                at: started.elapsed(),
                status,
                in_transaction: false,
            };
        }
        let fire = match when {
            When::After(pause) => started.elapsed() >= pause,
            When::Writing => temp_of(device, pid) || change_files(device).len() > before,
            When::Placed(n, pause) => {
                if placed.is_none() && change_files(device).len() >= before + n {
                    placed = Some(Instant::now());
                }
                placed.is_some_and(|t| t.elapsed() >= pause)
            }
            When::AllPlaced(n) => change_files(device).len() >= n,
            When::InTransaction(pause) => journal.began.is_some_and(|t| t.elapsed() >= pause),
            When::Committed => journal.committed,
        };
        if fire || started.elapsed() > PATIENCE {
            break;
        }
        std::thread::sleep(POLL);
    }
    let at = started.elapsed();
    // `Child::kill` is SIGKILL on Unix.
    let _ = child.kill();
    let status = child.wait().unwrap();
    journal.look();
    Run {
        pid,
        at,
        status,
        in_transaction: journal.open,
    }
}

/// When each write transaction of an uninterrupted run began and ended,
/// by its journal, and when the run ended.
fn timeline(mut cmd: Command, journal: &Path) -> (Vec<(Duration, Duration)>, Duration) {
    assert!(!journal.exists(), "{} is there already", journal.display());
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut open: Option<Duration> = None;
    let mut transactions = Vec::new();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < PATIENCE, "the timing run hangs");
        match (open, journal.exists()) {
            (None, true) => open = Some(started.elapsed()),
            (Some(began), false) => {
                transactions.push((began, started.elapsed()));
                open = None;
            }
            _ => {}
        }
        std::thread::sleep(POLL);
    };
    assert!(status.success(), "the timing run failed: {status}");
    (transactions, started.elapsed())
}

/// A change file's operations as rows of the `ops` table.
type OpRow = (
    String,
    i64,
    i64,
    String,
    String,
    String,
    serde_json::Value,
    String,
    Option<String>,
);

fn op_rows(file: &ChangeFile) -> Vec<OpRow> {
    file.ops
        .iter()
        .map(|op| {
            (
                op.replica.clone(),
                op.seq,
                op.hlc,
                op.tbl.clone(),
                op.row_id.clone(),
                op.field.clone(),
                op.value.clone(),
                op.author.clone(),
                op.base.clone(),
            )
        })
        .collect()
}

/// The `ops` table, in (replica, seq) order, values as JSON (a whole row's
/// is kept as its JSON text).
fn ops_table(conn: &Connection) -> Vec<OpRow> {
    let mut stmt = conn
        .prepare(
            "SELECT replica, seq, hlc, tbl, row_id, field, value, author, base
             FROM ops ORDER BY replica, seq",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let field: String = r.get(5)?;
        let value = match r.get::<_, Value>(6)? {
            Value::Null => serde_json::Value::Null,
            Value::Integer(i) => i.into(),
            Value::Real(f) => {
                serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
            }
            Value::Text(t) if field.is_empty() => {
                serde_json::from_str(&t).expect("a whole row's value is JSON")
            }
            Value::Text(t) => t.into(),
            Value::Blob(_) => panic!("a blob in the change log"),
        };
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            field,
            value,
            r.get(7)?,
            r.get(8)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn rows(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn count(conn: &Connection, sql: &str) -> usize {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
    usize::try_from(n).unwrap()
}

fn setting(conn: &Connection, key: &str) -> Option<String> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .ok()
}

/// How far a replica has published: (files, seq) as it recorded it.
fn published(conn: &Connection) -> (i64, i64) {
    let number = |key| setting(conn, key).map_or(0, |v| v.parse().unwrap());
    (number("published_file"), number("published_seq"))
}

/// Reads every change file of `replica`, checking the folder holds nothing
/// else but its member file and temporary files of killed processes:
/// numbered 1..n with no gap, each whole and its own, holding the
/// replica's operations from 1 on with no gap, at most `OPS_PER_FILE` each.
fn read_device(device: &Path, replica: &str, killed: &BTreeSet<u32>) -> Vec<ChangeFile> {
    for name in names(device) {
        if name == "member.json" || (name.starts_with("changes-") && name.ends_with(".tdc")) {
            continue;
        }
        let pid: Option<u32> = name
            .strip_prefix("~syncthing~changes-")
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit('.').next())
            .and_then(|p| p.parse().ok());
        assert!(
            pid.is_some_and(|p| killed.contains(&p)),
            "{name} in {}: not a file of the team folder, nor a killed process's temporary file",
            device.display()
        );
    }
    let mut next_seq = 1;
    change_files(device)
        .into_iter()
        .enumerate()
        .map(|(i, (number, path))| {
            assert_eq!(number, i as i64 + 1, "a gap before {}", path.display());
            let bytes = fs::read(&path).unwrap();
            let f = file::decode(&bytes)
                .unwrap_or_else(|p| panic!("{} does not read: {p}", path.display()));
            assert_eq!(f.header.replica, replica, "{}", path.display());
            assert_eq!(f.header.file, number, "{}", path.display());
            assert!(
                !f.ops.is_empty() && f.ops.len() <= OPS_PER_FILE,
                "{} holds {} operations",
                path.display(),
                f.ops.len()
            );
            assert_eq!(
                f.header.first_seq,
                next_seq,
                "{} does not go on from the file before",
                path.display()
            );
            assert_eq!(
                f.header.last_seq - f.header.first_seq + 1,
                f.ops.len() as i64,
                "{} skips a change",
                path.display()
            );
            next_seq = f.header.last_seq + 1;
            f
        })
        .collect()
}

/// What the kills of the publishing replica found (one kill may count
/// under more than one head).
#[derive(Default, Debug)]
struct PublishKills {
    /// No new change file when it died.
    before_first_file: usize,
    /// Its temporary file was left (it died writing a change file).
    temp_left: usize,
    /// A change file placed but not yet recorded as sent.
    placed_not_recorded: usize,
    /// Some of its changes out, some not.
    midway: usize,
    /// Every change in a file.
    all_out: usize,
    /// It had ended before the kill came.
    ended_first: usize,
}

/// What the kills of the applying replica found (one kill may count
/// under more than one head).
#[derive(Default, Debug)]
struct ApplyKills {
    /// No file of the other replica's applied.
    nothing_applied: usize,
    /// Inside a write transaction (its journal there): none of it is in.
    in_transaction: usize,
    /// Between the batches: the first applied, the rest not.
    between_batches: usize,
    /// Everything applied.
    all_applied: usize,
    ended_first: usize,
}

#[test]
fn replicas_killed_while_publishing_and_applying_lose_nothing_and_apply_nothing_twice() {
    let run_started = Instant::now();
    let td = Td::new();
    let team = td.root().join("team");
    let away = td.root().join("team-unplugged");
    let a = Replica {
        td: &td,
        db: td.root().join("a.db"),
        user: "ann",
    };
    let b = Replica {
        td: &td,
        db: td.root().join("b.db"),
        user: "bo",
    };
    a.ok(&["team", "init", team.to_str().unwrap()]);
    b.ok(&["team", "join", team.to_str().unwrap()]);
    let a_id = a.json(&["team", "status"])["replica"]
        .as_str()
        .unwrap()
        .to_string();
    let b_id = b.json(&["team", "status"])["replica"]
        .as_str()
        .unwrap()
        .to_string();
    let device = team.join("devices").join(&a_id);

    // A works while the folder is away: everything waits to be sent.
    fs::rename(&team, &away).unwrap();
    for round in 0..=ROUNDS {
        let csv = td.root().join(format!("accounts-{round}.csv"));
        accounts_csv(&csv, round);
        a.ok(&["import", csv.to_str().unwrap(), "--kind", "accounts"]);
    }
    let account = a
        .ok(&["account", "add", "--name", "泵站集团"])
        .trim()
        .to_string();
    let deal = a
        .ok(&["deal", "add", "--account", &account, "--title", "泵站改造"])
        .trim()
        .to_string();
    for (kind, summary) in [
        ("call", "首次电话"),
        ("visit", "现场拜访"),
        ("email", "报价已发"),
        ("note", "客户关系良好"),
    ] {
        a.ok(&["log", &deal, "--kind", kind, summary]);
    }
    fs::rename(&away, &team).unwrap();
    let total_ops = count(&a.sound(), "SELECT count(*) FROM ops");
    assert!(
        total_ops > ROWS * (1 + 8 * ROUNDS),
        "A logged only {total_ops} changes"
    );
    let total_files = total_ops.div_ceil(OPS_PER_FILE);
    let setup = run_started.elapsed();

    // Publishing, killed ten times in a row, each run going on from where
    // the one before was killed.
    let mut rng = fastrand::Rng::with_seed(SEED);
    let early = Duration::from_millis(rng.u64(0..40));
    let schedule = [
        (When::After(Duration::ZERO), "sync"),
        (When::Writing, "sync"),
        (When::Placed(1, Duration::ZERO), "sync"),
        (When::After(early), "list"),
        (When::Writing, "sync"),
        (When::Placed(1, Duration::ZERO), "sync"),
        (When::Placed(1, Duration::from_millis(3)), "list"),
        (When::Writing, "sync"),
        (When::Placed(2, Duration::ZERO), "sync"),
        (When::AllPlaced(total_files), "sync"),
    ];
    let mut killed: BTreeSet<u32> = BTreeSet::new();
    let mut pub_kills = PublishKills::default();
    let mut runs = Vec::new();
    for (k, (when, command)) in schedule.into_iter().enumerate() {
        let files_before = change_files(&device).len();
        let run = kill_when(a.cmd(&[command]), when, &device, &a.journal());
        let what = format!(
            "publishing kill {k} ({when:?}, `{command}`, at {:?})",
            run.at
        );
        if run.killed() {
            killed.insert(run.pid);
        } else {
            assert!(run.status.success(), "{what}: it failed: {}", run.status);
            pub_kills.ended_first += 1;
        }
        let conn = a.sound();
        assert_eq!(
            setting(&conn, "replica_id").as_deref(),
            Some(a_id.as_str()),
            "{what}: A took a new replica id, as if its own file were another copy's"
        );
        let (files, seq) = published(&conn);
        let last_seq = count(&conn, "SELECT coalesce(max(seq), 0) FROM ops");
        let on_disk = read_device(&device, &a_id, &killed);
        let n = on_disk.len() as i64;
        assert!(
            n == files || n == files + 1,
            "{what}: {n} change files there, {files} recorded as sent"
        );
        if files > 0 {
            assert_eq!(
                on_disk[files as usize - 1].header.last_seq,
                seq,
                "{what}: what is recorded as sent is not what the files hold"
            );
        }
        if n == files + 1 {
            pub_kills.placed_not_recorded += 1;
        }
        if temp_of(&device, run.pid) {
            pub_kills.temp_left += 1;
        }
        let out = on_disk.last().map_or(0, |f| f.header.last_seq) as usize;
        if on_disk.len() == files_before {
            pub_kills.before_first_file += 1;
        } else if out < last_seq {
            pub_kills.midway += 1;
        }
        if out == last_seq {
            pub_kills.all_out += 1;
        }
        runs.push(format!(
            "{when:?} at {:.1?}: {n} files, {files} recorded{}",
            run.at,
            if temp_of(&device, run.pid) {
                ", its temporary file left"
            } else {
                ""
            }
        ));
    }
    eprintln!(
        "publishing {total_ops} changes ({total_files} files), {} kills: {runs:#?}\n{pub_kills:?}",
        schedule.len()
    );
    let sent_before = published(&a.sound()).1;
    let synced = a.json(&["sync"]);
    assert_eq!(
        synced["sent"].as_u64().unwrap() as i64,
        total_ops as i64 - sent_before,
        "the sync after the kills sent {synced}, {sent_before} of {total_ops} were out ({pub_kills:?})"
    );
    assert_eq!(synced["skipped"], serde_json::json!([]), "{synced}");
    // Any other command exchanges too: a change made now goes out with it.
    a.ok(&["deal", "update", &deal, "--title", "泵站改造二期"]);
    let a_status = a.json(&["team", "status"]);
    assert_eq!(a_status["replica"], a_id.as_str(), "{a_status}");
    assert_eq!(a_status["unsent"], 0, "{a_status}");
    let a_conn = a.sound();
    let a_ops = ops_table(&a_conn);
    let published_files = read_device(&device, &a_id, &killed);
    let in_files: Vec<OpRow> = published_files.iter().flat_map(op_rows).collect();
    assert!(
        in_files == a_ops,
        "the change files hold {} changes, A has {} ({pub_kills:?})",
        in_files.len(),
        a_ops.len()
    );
    assert_eq!(
        published(&a_conn),
        (
            published_files.len() as i64,
            published_files.last().unwrap().header.last_seq
        )
    );
    assert!(
        pub_kills.before_first_file > 0
            && pub_kills.midway > 0
            && pub_kills.all_out > 0
            && pub_kills.temp_left + pub_kills.placed_not_recorded > 0,
        "the kills did not land before, in and after the publishing: {pub_kills:?}"
    );
    let publishing = run_started.elapsed() - setup;

    // Applying: first timed on a copy of B (it has nothing to send, so it
    // writes nothing to the folder), then killed ten times in a row.
    let timing = Replica {
        td: &td,
        db: td.root().join("b-timing.db"),
        user: "bo",
    };
    fs::copy(&b.db, &timing.db).unwrap();
    let (transactions, full) = timeline(timing.cmd(&["sync"]), &timing.journal());
    fs::remove_file(&timing.db).unwrap();
    assert!(
        transactions.len() >= 2,
        "applying {} changes took {} transactions ({transactions:?})",
        a_ops.len(),
        transactions.len()
    );
    let (first_began, first_ended) = transactions[0];
    let first = first_ended - first_began;
    let second = transactions[1].1 - transactions[1].0;
    let early = first_began.mul_f64(rng.f64() / 2.0);
    // Kills while nothing is applied yet; then, once the first batch is in,
    // kills of the runs that go on from there.
    let mut first_pass = [
        (When::After(Duration::ZERO), "sync"),
        (When::After(first_began / 2), "sync"),
        (When::InTransaction(first.mul_f64(0.1)), "sync"),
        (When::InTransaction(first.mul_f64(0.4)), "list"),
        (When::InTransaction(first.mul_f64(0.7)), "sync"),
        (When::Committed, "sync"),
    ]
    .into_iter();
    let mut going_on = [
        (When::After(early), "sync"),
        (When::InTransaction(second.mul_f64(0.3)), "list"),
        (When::InTransaction(second.mul_f64(0.8)), "sync"),
        (When::Committed, "sync"),
    ]
    .into_iter();
    let kills = first_pass.len() + going_on.len();
    // Where a run starting from `read` files may stop: after each batch.
    let batch_ends = |read: usize| -> BTreeSet<usize> {
        let mut ends = BTreeSet::from([read, published_files.len()]);
        let mut ops = 0;
        for (i, f) in published_files.iter().enumerate().skip(read) {
            ops += f.ops.len();
            if ops >= OPS_PER_BATCH {
                ends.insert(i + 1);
                ops = 0;
            }
        }
        ends
    };
    let mut apply_kills = ApplyKills::default();
    let mut runs = Vec::new();
    let mut read = 0;
    for k in 0..kills {
        let next = if read == 0 {
            first_pass.next().or_else(|| going_on.next())
        } else {
            going_on.next().or_else(|| first_pass.next())
        };
        let (when, command) = next.unwrap();
        let run = kill_when(b.cmd(&[command]), when, &device, &b.journal());
        let what = format!("applying kill {k} ({when:?}, `{command}`, at {:?})", run.at);
        if !run.killed() {
            assert!(run.status.success(), "{what}: it failed: {}", run.status);
            apply_kills.ended_first += 1;
        }
        let left_journal = run.killed() && run.in_transaction;
        if left_journal {
            apply_kills.in_transaction += 1;
        }
        let conn = b.sound();
        let now_read = conn
            .query_row(
                "SELECT files_read FROM peers WHERE replica = ?1",
                [&a_id],
                |r| r.get::<_, i64>(0),
            )
            .map_or(0, |n| n as usize);
        assert!(
            batch_ends(read).contains(&now_read),
            "{what}: {now_read} files recorded as read, starting from {read}: not where a batch ends"
        );
        read = now_read;
        let applied = &published_files[..read];
        let expected: Vec<OpRow> = applied.iter().flat_map(op_rows).collect();
        let ops = ops_table(&conn);
        assert!(
            ops == expected,
            "{what}: B holds {} changes, the {read} files it recorded as read hold {}",
            ops.len(),
            expected.len()
        );
        let made: BTreeSet<String> = applied
            .iter()
            .flat_map(|f| &f.ops)
            .filter(|op| op.tbl == "accounts" && op.field.is_empty())
            .map(|op| op.row_id.clone())
            .collect();
        let there: BTreeSet<String> = rows(&conn, "SELECT id FROM accounts")
            .into_iter()
            .map(|r| match &r[0] {
                Value::Text(id) => id.clone(),
                other => panic!("an account id {other:?}"),
            })
            .collect();
        assert!(
            there == made,
            "{what}: B has {} accounts, the files it read create {}",
            there.len(),
            made.len()
        );
        assert_eq!(count(&conn, "SELECT count(*) FROM conflicts"), 0, "{what}");
        runs.push(format!(
            "{when:?} at {:.1?}: {read} files applied{}",
            run.at,
            if left_journal {
                ", killed inside a transaction"
            } else {
                ""
            }
        ));
        match read {
            0 => apply_kills.nothing_applied += 1,
            r if r == published_files.len() => apply_kills.all_applied += 1,
            _ => apply_kills.between_batches += 1,
        }
    }
    eprintln!(
        "applying {} changes ({} files; uninterrupted {full:?}, transactions {transactions:.1?}), {} kills: {runs:#?}\n{apply_kills:?}",
        a_ops.len(),
        published_files.len(),
        kills
    );
    let already = ops_table(&b.sound()).len();
    let synced = b.json(&["sync"]);
    assert_eq!(
        synced["received"].as_u64().unwrap() as usize,
        a_ops.len() - already,
        "the sync after the kills received {synced}, {already} of {} were here ({apply_kills:?})",
        a_ops.len()
    );
    assert_eq!(synced["skipped"], serde_json::json!([]), "{synced}");
    assert_eq!(synced["conflicts"], 0, "{synced}");
    let again = b.json(&["sync"]);
    assert_eq!(
        (again["received"].as_u64(), again["sent"].as_u64()),
        (Some(0), Some(0)),
        "a second sync still exchanged: {again}"
    );
    let b_status = b.json(&["team", "status"]);
    let member = b_status["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["replica"] == a_id.as_str())
        .unwrap_or_else(|| panic!("B does not know A: {b_status}"));
    assert_eq!(member["files_read"], published_files.len(), "{b_status}");
    assert_eq!(b_status["skipped"], serde_json::json!([]), "{b_status}");
    assert_eq!(b_status["replica"], b_id.as_str(), "{b_status}");

    // B holds what A holds: every change once, every row the same.
    let b_conn = b.sound();
    let b_ops = ops_table(&b_conn);
    assert_eq!(
        b_ops.len(),
        a_ops.len(),
        "B holds {} changes, A {} ({apply_kills:?})",
        b_ops.len(),
        a_ops.len()
    );
    assert!(
        b_ops == a_ops,
        "B's change log is not A's ({apply_kills:?})"
    );
    assert_eq!(
        count(
            &b_conn,
            "SELECT count(*) FROM (SELECT 1 FROM ops GROUP BY replica, seq HAVING count(*) > 1)"
        ),
        0,
        "a change is in B's log twice"
    );
    for (what, sql) in [
        (
            "accounts",
            "SELECT id, name, kind, industry, region, channel, product_tier, satisfaction,
                    owner, notes, deleted_at FROM accounts ORDER BY id",
        ),
        (
            "deals",
            "SELECT id, account_id, title, amount_minor, stage, need, expected_close, grade,
                    pinned_grade, pin_reason, owner, created_on, stage_entered_on, closed_on,
                    lost_reason, deleted_at FROM deals ORDER BY id",
        ),
        ("activities", "SELECT * FROM activities ORDER BY id"),
    ] {
        let (mine, theirs) = (rows(&a_conn, sql), rows(&b_conn, sql));
        assert!(
            mine == theirs,
            "{what}: A has {}, B {}; they differ",
            mine.len(),
            theirs.len()
        );
    }
    assert_eq!(
        count(&b_conn, "SELECT count(*) FROM accounts"),
        ROWS + 1,
        "an account A imported is missing on B"
    );
    assert_eq!(count(&b_conn, "SELECT count(*) FROM activities"), 4);
    assert!(
        apply_kills.nothing_applied > 0
            && apply_kills.in_transaction > 0
            && apply_kills.between_batches > 0,
        "the kills did not land before, in and between the transactions: {apply_kills:?}"
    );

    // The whole folder: only whole change files, numbered from 1, and the
    // temporary files of killed processes.
    for replica in [&a_id, &b_id] {
        read_device(&team.join("devices").join(replica), replica, &killed);
    }
    let mut top = names(&team);
    top.sort();
    assert_eq!(top, ["devices", "tierdeck-team.json"]);
    let mut devices = names(&team.join("devices"));
    devices.sort();
    let mut expected = vec![a_id.clone(), b_id.clone()];
    expected.sort();
    assert_eq!(devices, expected);
    eprintln!(
        "set up in {setup:?}, publishing {publishing:?}, applying {:?}",
        run_started.elapsed() - setup - publishing
    );
}
