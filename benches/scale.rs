//! The scale figures of SPEC §8, measured on this machine with the real binary.
//!
//! `cargo bench --bench scale` builds the scale data set (100,000 accounts,
//! about 200,000 deals and 1,000,000 activities) in a temporary directory and
//! prints each figure beside its target, the team figures last (a team
//! folder made of that set, a second replica joining it and syncing).
//! `SCALE_ACCOUNTS=N` makes a smaller set for a quick look. Nothing here
//! asserts a time: the figures are printed for people to read, so a slow
//! machine cannot make the test suite flaky.

use std::fmt::Write as _;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");
const TODAY: &str = "2026-11-23";

struct Figure {
    what: String,
    measured: String,
    target: &'static str,
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let accounts: usize = std::env::var("SCALE_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary directory for the scale data set");
    let db = dir.path().join("scale.db");
    let mut figures = Vec::new();

    let (took, out) = run(
        &db,
        &["demo", "--accounts", &accounts.to_string(), "--seed", "7"],
    );
    figures.push(Figure {
        what: format!("demo data: {}", out.trim()),
        measured: secs(took),
        target: "well under 60 s",
    });

    let (took, _) = run(&db, &["regrade"]);
    figures.push(Figure {
        what: "full regrade, nothing to change".into(),
        measured: secs(took),
        target: "< 1 s",
    });

    let (took, out) = run_on(&db, "2026-11-24", &["regrade", "--format", "json"]);
    let changed = out.matches("\"deal_id\"").count();
    figures.push(Figure {
        what: format!("full regrade a day later ({changed} grades change)"),
        measured: secs(took),
        target: "< 1 s",
    });

    let flipped = flip_every_open_grade(&db);
    let (took, out) = run(&db, &["regrade", "--format", "json"]);
    let changed = out.matches("\"deal_id\"").count();
    figures.push(Figure {
        what: format!("full regrade, every open deal changing ({changed} of {flipped} changed)"),
        measured: secs(took),
        target: "< 1 s",
    });

    let (took, out) = run(&db, &["list", "--grade", "A", "--format", "json"]);
    let listed = out.matches("\"grade\"").count();
    figures.push(Figure {
        what: format!("list --grade A --format json ({listed} deals)"),
        measured: secs(took),
        target: "< 0.5 s",
    });

    for report in ["funnel", "forecast", "grades", "abc", "lifecycle", "owners"] {
        let (took, out) = run(&db, &["report", report, "--format", "json"]);
        let rows = out.lines().filter(|l| l.starts_with("  {")).count();
        figures.push(Figure {
            what: format!("report {report} --format json ({rows} rows)"),
            measured: secs(took),
            target: "< 1 s",
        });
    }

    // The team figures start from the scale set as it stands here, before
    // the merge and imports below add to it; they are measured last so the
    // figures above are taken on a database that is in no team.
    let team_first = dir.path().join("team-first.db");
    std::fs::copy(&db, &team_first).expect("copy the scale database for the team");

    // A teammate's diverged copy of the whole set: 20 calls and 20 renamed
    // deals, 10 of which were also edited here meanwhile.
    let copy = dir
        .path()
        .join("scale.sync-conflict-20261201-101500-ABCD123.db");
    std::fs::copy(&db, &copy).expect("copy the scale database");
    let (_, out) = run(&db, &["list", "--grade", "A", "--format", "csv"]);
    let ids: Vec<String> = out
        .lines()
        .skip(1)
        .take(20)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        run(&copy, &["log", id, "--kind", "call", "merged call"]);
        run(
            &copy,
            &["deal", "update", id, "--title", &format!("Renamed {i}")],
        );
        if i % 2 == 0 {
            run(&db, &["deal", "update", id, "--amount", "12345"]);
        }
    }
    let (took, _) = run(
        &db,
        &["merge", copy.to_str().unwrap_or_default(), "--dry-run"],
    );
    figures.push(Figure {
        what: "merge --dry-run of a diverged copy of the whole set".into(),
        measured: secs(took),
        target: "(no target)",
    });
    let (took, out) = run(&db, &["merge", copy.to_str().unwrap_or_default()]);
    let overruled = out.matches("Both copies changed").count();
    figures.push(Figure {
        what: format!("merge of that copy ({overruled} rows both changed, reported)"),
        measured: secs(took),
        target: "(no target)",
    });

    let csv = dir.path().join("deals.csv");
    write_import_csv(&csv, 100_000);
    let (took, out) = run(
        &db,
        &[
            "import",
            csv.to_str().unwrap_or_default(),
            "--kind",
            "deals",
        ],
    );
    figures.push(Figure {
        what: format!(
            "import of 100,000 CSV rows into the scale data set: {}",
            out.trim()
        ),
        measured: secs(took),
        target: "< 3 s",
    });
    let fresh = dir.path().join("fresh.db");
    let (took, _) = run(
        &fresh,
        &[
            "import",
            csv.to_str().unwrap_or_default(),
            "--kind",
            "deals",
        ],
    );
    figures.push(Figure {
        what: "import of the same 100,000 rows into a new database".into(),
        measured: secs(took),
        target: "< 3 s",
    });

    let notes = team_figures(dir.path(), &team_first, &mut figures);

    figures.push(Figure {
        what: "peak memory of any command above".into(),
        measured: format!("{} MB", peak_child_rss_kb() / 1024),
        target: "< 200 MB",
    });

    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let mut report = format!(
        "\ntierdeck scale figures ({accounts} accounts, database {} MB)\n",
        size / 1_000_000
    );
    for f in &figures {
        let _ = writeln!(
            report,
            "  {:<72} {:>9}   target {}",
            f.what, f.measured, f.target
        );
    }
    println!("{report}");
    for note in notes {
        println!("  {note}");
    }
}

/// The team figures (SPEC §8 Team): `team init` of the scale set, a new
/// member joining it, 100 changes made on the first replica applied by one
/// `sync` on the second, a `sync` with nothing new, and what a change costs
/// in the team folder. Returns what the commands said, to be printed under
/// the table.
fn team_figures(dir: &Path, first: &Path, figures: &mut Vec<Figure>) -> Vec<String> {
    let team = dir.join("team");
    let team_arg = team.to_str().unwrap_or_default();

    let size = |db: &Path| {
        std::fs::metadata(db)
            .map(|m| m.len() / 1_000_000)
            .unwrap_or(0)
    };
    let before_init = size(first);
    let init = measure(first, "bench", &["team", "init", team_arg]);
    let after_init = size(first);
    let (files, bytes) = folder_size(&team);
    let replicas = devices(&team);
    let replica = replicas.first().cloned().unwrap_or_default();
    let snapshot = has_snapshot(&team);
    let published: u64 = change_files(&team, &replica).iter().map(|f| f.1).sum();
    figures.push(Figure {
        what: format!(
            "team init DIR of the scale set ({} MB in {files} files, {} MB changes)",
            bytes / 1_000_000,
            published / 1_000_000
        ),
        measured: secs(init.took),
        target: "—",
    });
    figures.push(Figure {
        what: "team init: peak memory".into(),
        measured: mb(init.rss_kb),
        target: "< 200 MB",
    });

    let second = dir.join("team-second.db");
    let join = measure(&second, "bo", &["team", "join", team_arg]);
    let joined = count_rows(&second, "accounts");
    let how = if snapshot {
        "from the snapshot"
    } else {
        "no snapshot-* in DIR: replays change files"
    };
    figures.push(Figure {
        what: format!("team join DIR, new empty database, {how} ({joined} accounts)"),
        measured: secs(join.took),
        target: "—",
    });
    figures.push(Figure {
        what: "team join: peak memory".into(),
        measured: mb(join.rss_kb),
        target: "< 200 MB",
    });

    // 100 new accounts in one command on the first replica: one exchange
    // after its work publishes them.
    let before = change_files(&team, &replica);
    let csv = dir.join("hundred-accounts.csv");
    write_accounts_csv(&csv, 100);
    let made = measure(
        first,
        "bench",
        &[
            "import",
            csv.to_str().unwrap_or_default(),
            "--kind",
            "accounts",
        ],
    );
    let new_files: Vec<(PathBuf, u64)> = change_files(&team, &replica)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    let change_bytes: u64 = new_files.iter().map(|(_, size)| size).sum();

    let applied = measure(&second, "bo", &["sync", "--format", "json"]);
    let (ops, rows) = sync_counts(&applied.out);
    figures.push(Figure {
        what: format!("sync applying 100 remote changes (100 accounts: {ops} ops, {rows} rows)"),
        measured: millis(applied.took),
        target: "< 100 ms",
    });
    figures.push(Figure {
        what: "that sync: peak memory".into(),
        measured: mb(applied.rss_kb),
        target: "< 200 MB",
    });

    let mut idle: Vec<(Duration, usize)> = (0..5)
        .map(|_| {
            let m = measure(&second, "bo", &["sync", "--format", "json"]);
            (m.took, sync_counts(&m.out).0)
        })
        .collect();
    idle.sort();
    let received: usize = idle.iter().map(|(_, ops)| ops).sum();
    figures.push(Figure {
        what: format!("sync with nothing new, median of 5 ({received} ops received)"),
        measured: millis(idle[2].0),
        target: "milliseconds",
    });

    let per_op = change_bytes.checked_div(ops as u64).unwrap_or(0);
    let per_row = change_bytes.checked_div(rows as u64).unwrap_or(0);
    figures.push(Figure {
        what: format!(
            "team folder bytes per change ({change_bytes} B in {} file(s); {per_row} B a row)",
            new_files.len()
        ),
        measured: format!("{per_op} B"),
        target: "—",
    });

    let snapshots: Vec<String> = devices(&team)
        .iter()
        .flat_map(|replica| {
            std::fs::read_dir(team.join("devices").join(replica))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("snapshot-"))
                .map(|e| {
                    let bytes = e.metadata().map(|m| m.len()).unwrap_or(0);
                    format!("{} ({bytes} B)", e.file_name().to_string_lossy())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    vec![
        format!("team init said: {}", init.out.trim()),
        format!(
            "first replica's database: {before_init} MB before team init, {after_init} MB after, \
             {} MB at the end; the joined one: {} MB at the end",
            size(first),
            size(&second)
        ),
        format!("team join said: {}", join.out.trim().replace('\n', " / ")),
        format!(
            "100 accounts imported on the first replica in {}: {}",
            secs(made.took),
            made.out.trim()
        ),
        format!(
            "replicas in DIR at the end: {}; snapshot files: {}",
            devices(&team).len(),
            if snapshots.is_empty() {
                "none".to_string()
            } else {
                snapshots.join(", ")
            }
        ),
    ]
}

/// What one run of the binary took: its time, its output and the peak
/// resident set of that process alone.
struct Measured {
    took: Duration,
    out: String,
    rss_kb: i64,
}

#[expect(
    clippy::zombie_processes,
    reason = "wait4 reaps the child, which std's wait cannot do with its rusage"
)]
fn measure(db: &Path, user: &str, args: &[&str]) -> Measured {
    let mut out = tempfile::tempfile().expect("a file for the output");
    let mut err = tempfile::tempfile().expect("a file for the errors");
    let started = Instant::now();
    let child = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "--today",
            TODAY,
            "--user",
            user,
        ])
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("share the output file"))
        .stderr(err.try_clone().expect("share the errors file"))
        .spawn()
        .expect("the tierdeck binary runs");
    let pid = libc::pid_t::try_from(child.id()).expect("a process id");
    let mut status = 0;
    // SAFETY: wait4 only writes into the status and the zeroed struct we
    // pass it; the child is ours and nothing else waits for it.
    let (reaped, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let reaped = libc::wait4(pid, &mut status, 0, &mut usage);
        (reaped, usage)
    };
    let took = started.elapsed();
    assert_eq!(reaped, pid, "wait for tierdeck {args:?}");
    let read = |file: &mut std::fs::File| {
        let mut text = String::new();
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.read_to_string(&mut text);
        text
    };
    let stdout = read(&mut out);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "tierdeck {args:?} failed: {}",
        read(&mut err)
    );
    Measured {
        took,
        out: stdout,
        rss_kb: usage.ru_maxrss,
    }
}

/// The files under `root` and the sum of their sizes.
fn folder_size(root: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => dirs.push(entry.path()),
                Ok(m) => {
                    files += 1;
                    bytes += m.len();
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}

/// The replica folders under `TEAM/devices`, by name.
fn devices(team: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(team.join("devices"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether any replica has published a snapshot (`snapshot-*`).
fn has_snapshot(team: &Path) -> bool {
    devices(team).iter().any(|replica| {
        std::fs::read_dir(team.join("devices").join(replica))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("snapshot-"))
    })
}

/// A replica's change files (`changes-*.tdc`) with their sizes.
fn change_files(team: &Path, replica: &str) -> Vec<(PathBuf, u64)> {
    let mut files: Vec<(PathBuf, u64)> = std::fs::read_dir(team.join("devices").join(replica))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("changes-") && name.ends_with(".tdc")
        })
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .collect();
    files.sort();
    files
}

/// `received` and `rows` from `sync --format json`.
fn sync_counts(json: &str) -> (usize, usize) {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let record = value.get(0).unwrap_or(&value);
    let count = |key: &str| {
        record
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0)
    };
    (count("received"), count("rows"))
}

fn count_rows(db: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|conn| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)))
        .unwrap_or(-1)
}

fn run(db: &Path, args: &[&str]) -> (Duration, String) {
    run_on(db, TODAY, args)
}

fn run_on(db: &Path, today: &str, args: &[&str]) -> (Duration, String) {
    let started = Instant::now();
    let output = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "--today",
            today,
            "--user",
            "bench",
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the tierdeck binary runs");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "tierdeck {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (took, String::from_utf8_lossy(&output.stdout).into_owned())
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mb(kb: i64) -> String {
    format!("{} MB", kb / 1024)
}

/// Gives every open, unpinned deal a wrong grade, so the next regrade must
/// change every one of them back.
fn flip_every_open_grade(db: &Path) -> usize {
    let conn = rusqlite::Connection::open(db).expect("open the scale database");
    conn.execute(
        "UPDATE deals SET grade = CASE grade WHEN 'A' THEN 'B' ELSE 'A' END
         WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost') AND pinned_grade IS NULL",
        [],
    )
    .expect("flip the grades")
}

/// A Pipedrive-style export of `rows` deals over a fifth as many organisations.
fn write_import_csv(path: &PathBuf, rows: usize) {
    let mut text = String::with_capacity(rows * 90);
    text.push_str(
        "Deal - Title,Organization,Deal - Value,Deal - Stage,Deal - Expected close date\n",
    );
    let stages = ["lead", "contacted", "needs", "proposal", "negotiation"];
    for i in 0..rows {
        let _ = writeln!(
            text,
            "Import deal {i},导入客户 {},\"¥{},{:03}.00\",{},2027-{:02}-{:02}",
            i % (rows / 5).max(1),
            1 + i % 900,
            i % 1000,
            stages[i % stages.len()],
            1 + i % 12,
            1 + i % 28
        );
    }
    std::fs::write(path, text).expect("write the import file");
}

/// `rows` new accounts, named so that none matches one already there.
fn write_accounts_csv(path: &Path, rows: usize) {
    let mut text = String::from("name,industry,region\n");
    for i in 0..rows {
        let _ = writeln!(text, "Remote account {i},制造业,华东");
    }
    std::fs::write(path, text).expect("write the accounts file");
}

/// The largest resident set of any child this process has waited for.
fn peak_child_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            0
        }
    }
}
