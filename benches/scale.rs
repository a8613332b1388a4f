//! The scale figures of SPEC §8, measured on this machine with the real binary.
//!
//! `cargo bench --bench scale` builds the scale data set (100,000 accounts,
//! about 200,000 deals and 1,000,000 activities) in a temporary directory and
//! prints each figure beside its target. `SCALE_ACCOUNTS=N` makes a smaller
//! set for a quick look. Nothing here asserts a time: the figures are printed
//! for people to read, so a slow machine cannot make the test suite flaky.

use std::fmt::Write as _;
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
