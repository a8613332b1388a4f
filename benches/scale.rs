//! The scale figures of SPEC §8, measured on this machine with the real binary,
//! each beside the sqlite3 CLI doing the same reads or writes on the same file.
//!
//! `cargo bench --bench scale` builds the scale data set (100,000 accounts,
//! about 200,000 deals and 1,000,000 activities) in a temporary directory and
//! prints one table: what was run, how long tierdeck took, how long `sqlite3`
//! took for the same work, the ratio, the command's peak resident memory and
//! the target. The team figures come last (a team folder made of that set, a
//! second replica joining it and syncing). `SCALE_ACCOUNTS=N` makes a smaller
//! set for a quick look. Nothing here asserts a time: the figures are printed
//! for people to read, so a slow machine cannot make the test suite flaky.
//!
//! "The same work" for sqlite3: for a read, the same rows selected and
//! printed (`-json` or `-csv`); for a write, the rows the command changed,
//! worked out afterwards by comparing the files, written into a copy of the
//! file as it was by one `sqlite3` transaction that names only the columns
//! that changed (the same page cache as tierdeck's, 32 MB). That is the
//! practical limit: SQLite's own cost for the change, with none of
//! tierdeck's reading, rules, history or change log around it.

use std::fmt::Write as _;
use std::io::{Read, Seek, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");
const TODAY: &str = "2026-11-23";
const NEXT_DAY: &str = "2026-11-24";
/// Four months away: most open deals change grade, every revisit is due.
const FOUR_MONTHS_ON: &str = "2027-03-23";

/// One line of the table.
struct Figure {
    what: String,
    took: Option<Duration>,
    sqlite3: Option<Duration>,
    rss_kb: Option<i64>,
    target: &'static str,
}

impl Figure {
    fn of(what: impl Into<String>, run: &Measured, target: &'static str) -> Figure {
        Figure {
            what: what.into(),
            took: Some(run.took),
            sqlite3: None,
            rss_kb: Some(run.rss_kb),
            target,
        }
    }

    fn beside(mut self, sqlite3: Option<Duration>) -> Figure {
        self.sqlite3 = sqlite3;
        self
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let accounts: usize = std::env::var("SCALE_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary directory for the scale data set");
    let dir = dir.path();
    let db = dir.join("scale.db");
    let mut figures = Vec::new();
    let mut notes = Vec::new();
    if !has("sqlite3") {
        notes.push("sqlite3 is not installed (apt-get install sqlite3): no ratios".to_string());
    }

    let demo = measure(
        &db,
        TODAY,
        "bench",
        &["demo", "--accounts", &accounts.to_string(), "--seed", "7"],
    );
    notes.push(format!("demo said: {}", demo.out.trim()));
    figures.push(Figure::of("demo data set", &demo, "—"));

    let regrade = measure(&db, TODAY, "bench", &["regrade"]);
    figures.push(
        Figure::of("full regrade, nothing to change", &regrade, "< 1 s")
            .beside(sqlite3_reads(&db, ENGINE_READS)),
    );

    let (later, sqlite3) = on_a_copy(dir, &db, |copy| {
        measure(copy, NEXT_DAY, "bench", &["regrade", "--format", "json"])
    });
    let changed = later.out.matches("\"deal_id\"").count();
    figures.push(
        Figure::of(
            format!("full regrade a day later ({changed} grades change)"),
            &later,
            "< 1 s",
        )
        .beside(sqlite3),
    );

    let (away, sqlite3) = on_a_copy(dir, &db, |copy| {
        measure(
            copy,
            FOUR_MONTHS_ON,
            "bench",
            &["regrade", "--format", "json"],
        )
    });
    let changed = away.out.matches("\"deal_id\"").count();
    figures.push(
        Figure::of(
            format!("first command four months later ({changed} grades change)"),
            &away,
            "< 2 s",
        )
        .beside(sqlite3),
    );
    match tui_first_start(dir, &db, FOUR_MONTHS_ON) {
        Some(tui) => {
            figures.push(Figure {
                what: "TUI four months later: first frame".into(),
                took: Some(tui.first_frame),
                sqlite3: None,
                rss_kb: None,
                target: "< 200 ms",
            });
            figures.push(Figure {
                what: "TUI four months later: busy until regraded".into(),
                took: Some(tui.settled),
                sqlite3: None,
                rss_kb: Some(tui.rss_kb),
                target: "< 2 s",
            });
        }
        None => notes.push("tmux is not installed: no TUI figures".to_string()),
    }
    if let Some(tui) = tui_first_start(dir, &db, NEXT_DAY) {
        figures.push(Figure {
            what: "TUI a day later: busy until regraded".into(),
            took: Some(tui.settled),
            sqlite3: None,
            rss_kb: Some(tui.rss_kb),
            target: "< 1 s",
        });
    }

    // The grades flipped on a copy, which is then the file as it was.
    let flipped_db = dir.join("flipped.db");
    copy_db(&db, &flipped_db);
    let flipped = flip_every_open_grade(&flipped_db);
    keep_time(&db, &flipped_db);
    let (flip, sqlite3) = on_a_copy(dir, &flipped_db, |copy| {
        measure(copy, TODAY, "bench", &["regrade", "--format", "json"])
    });
    let _ = std::fs::remove_file(&flipped_db);
    let changed = flip.out.matches("\"deal_id\"").count();
    figures.push(
        Figure::of(
            format!("full regrade, every open deal changing ({changed} of {flipped})"),
            &flip,
            "< 1 s",
        )
        .beside(sqlite3),
    );

    // A file another program wrote (restored from a backup, say) is read
    // through once before it is trusted.
    let touched = dir.join("touched.db");
    std::fs::copy(&db, &touched).expect("copy the scale database");
    let check = measure(
        &touched,
        TODAY,
        "bench",
        &["list", "--grade", "A", "--format", "json"],
    );
    let _ = std::fs::remove_file(&touched);
    figures.push(
        Figure::of(
            "list --grade A, first run after another program wrote the file",
            &check,
            "—",
        )
        .beside(sqlite3_reads(&db, "PRAGMA quick_check;")),
    );

    let list = measure(
        &db,
        TODAY,
        "bench",
        &["list", "--grade", "A", "--format", "json"],
    );
    let listed = list.out.matches("\"grade\"").count();
    figures.push(
        Figure::of(
            format!("list --grade A --format json ({listed} deals)"),
            &list,
            "< 0.5 s",
        )
        .beside(sqlite3_reads(&db, A_DEALS)),
    );

    let reminders = measure(
        &db,
        TODAY,
        "bench",
        &["reminders", "--due", "week", "--format", "json"],
    );
    let due = reminders.out.matches("\"due\"").count();
    figures.push(
        Figure::of(
            format!("reminders --due week --format json ({due})"),
            &reminders,
            "—",
        )
        .beside(sqlite3_reads(&db, WEEK_REMINDERS)),
    );

    for report in ["funnel", "forecast", "grades", "abc", "lifecycle", "owners"] {
        let run = measure(&db, TODAY, "bench", &["report", report, "--format", "json"]);
        figures.push(Figure::of(
            format!("report {report} --format json"),
            &run,
            "< 1 s",
        ));
    }

    for format in ["csv", "json"] {
        let out = dir.join(format!("export-{format}"));
        let run = measure(
            &db,
            TODAY,
            "bench",
            &[
                "export",
                "--out",
                out.to_str().unwrap_or_default(),
                "--format",
                format,
            ],
        );
        let (_, bytes) = folder_size(&out);
        let sqlite3 = sqlite3_dump(&db, &dir.join(format!("dump-{format}")), format);
        figures.push(
            Figure::of(
                format!("export --format {format} ({} MB)", bytes / 1_000_000),
                &run,
                "< 200 MB",
            )
            .beside(sqlite3),
        );
        let _ = std::fs::remove_dir_all(&out);
    }

    // The team figures start from the scale set as it stands here, before
    // the merge and imports below add to it; they are measured last so the
    // figures above are taken on a database that is in no team.
    let team_first = dir.join("team-first.db");
    copy_db(&db, &team_first);

    let copy = diverged_copy(dir, &db);
    // The merge checks the copy through before it reads it (and then moves
    // it aside): sqlite3 does the same checks, then the same writes.
    let checks = sqlite3_reads(&copy, "PRAGMA quick_check; PRAGMA integrity_check;");
    let dry = measure(
        &db,
        TODAY,
        "bench",
        &["merge", copy.to_str().unwrap_or_default(), "--dry-run"],
    );
    figures.push(
        Figure::of(
            "merge --dry-run of a diverged copy of the whole set",
            &dry,
            "< 200 MB",
        )
        .beside(checks),
    );
    let (merge, sqlite3) = on_the_file(dir, &db, |db| {
        measure(
            db,
            TODAY,
            "bench",
            &["merge", copy.to_str().unwrap_or_default()],
        )
    });
    let sqlite3 = checks.zip(sqlite3).map(|(checks, writes)| checks + writes);
    let overruled = merge.out.matches("Both copies changed").count();
    figures.push(
        Figure::of(
            format!("merge of that copy ({overruled} both changed), checks included"),
            &merge,
            "< 200 MB",
        )
        .beside(sqlite3),
    );
    let _ = std::fs::remove_file(&copy);

    let csv = dir.join("deals.csv");
    write_import_csv(&csv, 100_000);
    let import = [
        "import",
        csv.to_str().unwrap_or_default(),
        "--kind",
        "deals",
    ];
    let (into_scale, sqlite3) = on_the_file(dir, &db, |db| measure(db, TODAY, "bench", &import));
    notes.push(format!("import said: {}", into_scale.out.trim()));
    figures.push(
        Figure::of(
            "import of 100,000 CSV rows into the scale set",
            &into_scale,
            "< 3 s",
        )
        .beside(sqlite3),
    );
    let fresh = dir.join("fresh.db");
    measure(&fresh, TODAY, "bench", &["init"]);
    let (into_new, sqlite3) = on_the_file(dir, &fresh, |db| measure(db, TODAY, "bench", &import));
    figures.push(
        Figure::of(
            "import of the same 100,000 rows into a new database",
            &into_new,
            "< 3 s",
        )
        .beside(sqlite3),
    );
    let _ = std::fs::remove_file(&fresh);

    notes.extend(team_figures(dir, &team_first, &mut figures));

    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let worst = figures.iter().filter_map(|f| f.rss_kb).max().unwrap_or(0);
    let mut report = format!(
        "\ntierdeck scale figures ({accounts} accounts, database {} MB at the end)\n",
        size / 1_000_000
    );
    let _ = writeln!(
        report,
        "  {:<64} {:>10} {:>10} {:>7} {:>9}   target",
        "what", "tierdeck", "sqlite3", "ratio", "peak RSS"
    );
    for f in &figures {
        let ratio = match (f.took, f.sqlite3) {
            (Some(ours), Some(theirs)) if !theirs.is_zero() => {
                format!("{:.1}×", ours.as_secs_f64() / theirs.as_secs_f64())
            }
            _ => "—".into(),
        };
        let _ = writeln!(
            report,
            "  {:<64} {:>10} {:>10} {:>7} {:>9}   {}",
            f.what,
            f.took.map_or_else(|| "—".into(), secs),
            f.sqlite3.map_or_else(|| "—".into(), secs),
            ratio,
            f.rss_kb.map_or_else(|| "—".into(), mb),
            f.target
        );
    }
    let _ = writeln!(report, "  peak RSS of any command above: {}", mb(worst));
    println!("{report}");
    for note in notes {
        println!("  {note}");
    }
}

/// What the engine reads for a full pass: the open deals with their pending
/// reminders, the accounts and what the segments read of every deal.
const ENGINE_READS: &str =
    "SELECT * FROM deals WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost');
SELECT * FROM reminders WHERE deleted_at IS NULL AND deal_id IS NOT NULL AND kind <> 'follow_up'
  AND (status IN ('open', 'snoozed') OR kind IN ('close_soon', 'slipped'));
SELECT * FROM accounts WHERE deleted_at IS NULL;
SELECT account_id, stage, closed_on, amount_minor, created_on, last_activity, currency
  FROM deals WHERE deleted_at IS NULL;";

/// The rows `list --grade A` prints, with the account's name, in its order.
const A_DEALS: &str = "SELECT d.*, a.name FROM deals d JOIN accounts a ON a.id = d.account_id
  WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost') AND d.grade = 'A'
  ORDER BY coalesce(d.expected_close, '9999-12-31'), d.title;";

/// The pending reminders of the week ahead with their deal and account.
const WEEK_REMINDERS: &str = "SELECT r.*, d.title, a.name FROM reminders r
  LEFT JOIN deals d ON d.id = r.deal_id
  LEFT JOIN accounts a ON a.id = coalesce(r.account_id, d.account_id)
  WHERE r.deleted_at IS NULL AND r.status IN ('open', 'snoozed') AND r.due <= '2026-11-30'
  ORDER BY r.due;";

/// Runs `work` on a copy of `db`, which stays as it was; returns what it
/// gave and sqlite3's time for the same writes.
fn on_a_copy<T>(dir: &Path, db: &Path, work: impl FnOnce(&Path) -> T) -> (T, Option<Duration>) {
    let copy = dir.join("changed.db");
    copy_db(db, &copy);
    let value = work(&copy);
    let sqlite3 = sqlite3_same_writes(dir, db, &copy);
    let _ = std::fs::remove_file(&copy);
    (value, sqlite3)
}

/// Runs `work` on `db` itself, keeping a copy of it as it was to compare.
fn on_the_file<T>(dir: &Path, db: &Path, work: impl FnOnce(&Path) -> T) -> (T, Option<Duration>) {
    let before = dir.join("before.db");
    std::fs::copy(db, &before).expect("copy the scale database");
    let value = work(db);
    let sqlite3 = sqlite3_same_writes(dir, &before, db);
    let _ = std::fs::remove_file(&before);
    (value, sqlite3)
}

/// Copies a database as a person's own copy would be: with its
/// modification time, which tells tierdeck the file is as it left it (a
/// file changed by another program is checked through first, a figure of
/// its own below).
fn copy_db(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy the scale database");
    keep_time(from, to);
}

/// Gives `to` the modification time of `from`.
fn keep_time(from: &Path, to: &Path) {
    let modified = std::fs::metadata(from)
        .and_then(|m| m.modified())
        .expect("the database's modification time");
    std::fs::File::options()
        .write(true)
        .open(to)
        .and_then(|f| f.set_modified(modified))
        .expect("keep the modification time");
}

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// sqlite3 printing the rows of `sql` as JSON, read-only, to nowhere.
fn sqlite3_reads(db: &Path, sql: &str) -> Option<Duration> {
    if !has("sqlite3") {
        return None;
    }
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .args(["-readonly", "-json"])
        .arg(db)
        .arg(sql)
        .stdout(Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| started.elapsed())
}

/// sqlite3 writing every table of `db` in id order into `out`, one file
/// each, as CSV with a header or as JSON.
fn sqlite3_dump(db: &Path, out: &Path, format: &str) -> Option<Duration> {
    if !has("sqlite3") {
        return None;
    }
    std::fs::create_dir_all(out).ok()?;
    let mode = if format == "csv" {
        ".headers on\n.mode csv\n"
    } else {
        ".mode json\n"
    };
    let mut script = mode.to_string();
    for table in [
        "accounts",
        "contacts",
        "deals",
        "activities",
        "reminders",
        "history",
        "goals",
    ] {
        let _ = writeln!(
            script,
            ".output {}\nSELECT * FROM {table} ORDER BY id;",
            out.join(format!("{table}.{format}")).display()
        );
    }
    let took = sqlite3_script(db, &script, true);
    let _ = std::fs::remove_dir_all(out);
    took
}

/// Runs `script` through the sqlite3 CLI on `db` and times it.
fn sqlite3_script(db: &Path, script: &str, read_only: bool) -> Option<Duration> {
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .args(read_only.then_some("-readonly"))
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    let status = child.wait().ok()?;
    status.success().then(|| started.elapsed())
}

/// sqlite3 doing the writes that turned `before` into `after`: every row
/// added, changed or removed, worked out by comparing the two files (not
/// timed), then written into a copy of `before` in one transaction, changed
/// rows by one `UPDATE … FROM` per table naming only the columns that
/// changed. Returns the time of that transaction.
fn sqlite3_same_writes(dir: &Path, before: &Path, after: &Path) -> Option<Duration> {
    if !has("sqlite3") {
        return None;
    }
    let changes = dir.join("changes.db");
    let _ = std::fs::remove_file(&changes);
    let script = changed_rows(&changes, before, after).expect("compare the two databases");
    let scratch = dir.join("sqlite3.db");
    std::fs::copy(before, &scratch).expect("copy the database as it was");
    let took = sqlite3_script(&scratch, &script, false);
    let _ = std::fs::remove_file(&scratch);
    let _ = std::fs::remove_file(&changes);
    took
}

/// Puts the rows that differ between `before` and `after` into `changes`
/// and returns the sqlite3 script that writes them into `before`.
fn changed_rows(changes: &Path, before: &Path, after: &Path) -> rusqlite::Result<String> {
    let conn = rusqlite::Connection::open(changes)?;
    conn.execute("ATTACH ?1 AS b", [before.to_string_lossy()])?;
    conn.execute("ATTACH ?1 AS a", [after.to_string_lossy()])?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM a.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND name IN (SELECT name FROM b.sqlite_schema WHERE type = 'table')",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut script = format!(
        "PRAGMA cache_size = -32768;\nATTACH '{}' AS ch;\nBEGIN;\n",
        changes.display()
    );
    let mut inserts = String::new();
    for table in tables {
        let columns: Vec<(String, bool)> = conn
            .prepare(&format!(
                "SELECT name, pk > 0 FROM a.pragma_table_info('{table}')"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let quoted = |name: &str| format!("\"{name}\"");
        let key: Vec<String> = columns
            .iter()
            .filter(|(_, pk)| *pk)
            .map(|(c, _)| quoted(c))
            .collect();
        let rest: Vec<String> = columns
            .iter()
            .filter(|(_, pk)| !*pk)
            .map(|(c, _)| quoted(c))
            .collect();
        let all: Vec<String> = columns.iter().map(|(c, _)| quoted(c)).collect();
        let same_key = |x: &str, y: &str| {
            key.iter()
                .map(|k| format!("{x}.{k} = {y}.{k}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let t = quoted(&table);
        conn.execute_batch(&format!(
            "CREATE TABLE \"{table}_new\" AS SELECT * FROM a.{t} x
               WHERE NOT EXISTS (SELECT 1 FROM b.{t} y WHERE {});
             CREATE TABLE \"{table}_gone\" AS SELECT {} FROM b.{t} y
               WHERE NOT EXISTS (SELECT 1 FROM a.{t} x WHERE {});",
            same_key("y", "x"),
            key.iter()
                .map(|k| format!("y.{k}"))
                .collect::<Vec<_>>()
                .join(", "),
            same_key("x", "y"),
        ))?;
        let count = |name: &str| -> rusqlite::Result<i64> {
            conn.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                r.get(0)
            })
        };
        if count(&format!("{table}_gone"))? > 0 {
            let _ = writeln!(
                script,
                "DELETE FROM {t} WHERE ({}) IN (SELECT {} FROM ch.\"{table}_gone\");",
                key.join(", "),
                key.join(", ")
            );
        }
        if !rest.is_empty() {
            let x_rest: Vec<String> = rest.iter().map(|c| format!("x.{c}")).collect();
            let y_rest: Vec<String> = rest.iter().map(|c| format!("y.{c}")).collect();
            conn.execute_batch(&format!(
                "CREATE TABLE \"{table}_changed\" AS SELECT x.* FROM a.{t} x JOIN b.{t} y ON {}
                   WHERE ({}) IS NOT ({});",
                same_key("x", "y"),
                x_rest.join(", "),
                y_rest.join(", ")
            ))?;
            let differing: Vec<&String> = rest
                .iter()
                .filter(|c| {
                    conn.query_row(
                        &format!(
                            "SELECT EXISTS (SELECT 1 FROM \"{table}_changed\" x
                               JOIN b.{t} y ON {} WHERE x.{c} IS NOT y.{c})",
                            same_key("x", "y")
                        ),
                        [],
                        |r| r.get::<_, bool>(0),
                    )
                    .unwrap_or(true)
                })
                .collect();
            if !differing.is_empty() {
                let _ = writeln!(
                    script,
                    "UPDATE {t} SET {} FROM ch.\"{table}_changed\" AS x WHERE {};",
                    differing
                        .iter()
                        .map(|c| format!("{c} = x.{c}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    same_key(&t, "x"),
                );
            }
        }
        if count(&format!("{table}_new"))? > 0 {
            // After the updates, whose triggers may have written some of
            // these rows already (row_versions).
            let _ = writeln!(
                inserts,
                "INSERT OR IGNORE INTO {t} ({0}) SELECT {0} FROM ch.\"{table}_new\";",
                all.join(", ")
            );
        }
    }
    script.push_str(&inserts);
    script.push_str("COMMIT;\n");
    Ok(script)
}

/// The UI started on `db` (a copy) for `today` in a tmux pane of 120×40:
/// how long until the board shows, how long until the process stops using
/// the CPU (the regrade a new day needs runs after the first frame), and
/// its peak resident memory by then.
struct TuiStart {
    first_frame: Duration,
    settled: Duration,
    rss_kb: i64,
}

fn tui_first_start(dir: &Path, db: &Path, today: &str) -> Option<TuiStart> {
    if !has("tmux") {
        return None;
    }
    let copy = dir.join("tui.db");
    copy_db(db, &copy);
    let socket = dir.join("tmux.sock");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .env_remove("TMUX")
            .args(["-f", "/dev/null", "-S"])
            .arg(&socket)
            .args(args)
            .output()
            .ok()
    };
    let db_arg = copy.to_str().unwrap_or_default();
    let started = Instant::now();
    tmux(&[
        "new-session",
        "-d",
        "-s",
        "scale",
        "-x",
        "120",
        "-y",
        "40",
        "env",
        "TERM=xterm-256color",
        "LANG=C.UTF-8",
        BIN,
        "--db",
        db_arg,
        "--today",
        today,
        "--user",
        "bench",
    ])?;
    let patience = Duration::from_secs(120);
    let mut first_frame = None;
    while started.elapsed() < patience {
        let screen = tmux(&["capture-pane", "-p", "-t", "scale"])?;
        if String::from_utf8_lossy(&screen.stdout).contains("Board") {
            first_frame = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let pane = tmux(&["list-panes", "-t", "scale", "-F", "#{pane_pid}"])?;
    let pid = String::from_utf8_lossy(&pane.stdout).trim().to_string();
    // Busy until its CPU time stops growing for a second.
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok());
        tick(11).zip(tick(12)).map(|(user, system)| user + system)
    };
    let mut last = cpu();
    let mut settled = started.elapsed();
    while started.elapsed() < patience && started.elapsed() < settled + Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(50));
        let now = cpu();
        if now != last {
            last = now;
            settled = started.elapsed();
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    tmux(&["kill-server"]);
    let _ = std::fs::remove_file(&copy);
    Some(TuiStart {
        first_frame: first_frame?,
        settled,
        rss_kb,
    })
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
    let init = measure(first, TODAY, "bench", &["team", "init", team_arg]);
    let after_init = size(first);
    let (files, bytes) = folder_size(&team);
    let replicas = devices(&team);
    let replica = replicas.first().cloned().unwrap_or_default();
    let snapshot = has_snapshot(&team);
    let published: u64 = change_files(&team, &replica).iter().map(|f| f.1).sum();
    figures.push(Figure::of(
        format!(
            "team init DIR ({} MB in {files} files, {} MB changes)",
            bytes / 1_000_000,
            published / 1_000_000
        ),
        &init,
        "—",
    ));

    let second = dir.join("team-second.db");
    let join = measure(&second, TODAY, "bo", &["team", "join", team_arg]);
    let joined = count_rows(&second, "accounts");
    let how = if snapshot {
        "from the snapshot"
    } else {
        "no snapshot: replays change files"
    };
    figures.push(Figure::of(
        format!("team join DIR, new database, {how} ({joined} accounts)"),
        &join,
        "—",
    ));

    // 100 new accounts in one command on the first replica: one exchange
    // after its work publishes them.
    let before = change_files(&team, &replica);
    let csv = dir.join("hundred-accounts.csv");
    write_accounts_csv(&csv, 100);
    let made = measure(
        first,
        TODAY,
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

    let (applied, sqlite3) = on_the_file(dir, &second, |db| {
        measure(db, TODAY, "bo", &["sync", "--format", "json"])
    });
    let (ops, rows) = sync_counts(&applied.out);
    figures.push(
        Figure::of(
            format!("sync applying 100 remote changes ({ops} ops, {rows} rows)"),
            &applied,
            "< 100 ms",
        )
        .beside(sqlite3),
    );

    let mut idle: Vec<Measured> = (0..5)
        .map(|_| measure(&second, TODAY, "bo", &["sync", "--format", "json"]))
        .collect();
    idle.sort_by_key(|m| m.took);
    let received: usize = idle.iter().map(|m| sync_counts(&m.out).0).sum();
    figures.push(
        Figure::of(
            format!("sync with nothing new, median of 5 ({received} ops received)"),
            &idle[2],
            "milliseconds",
        )
        .beside(sqlite3_reads(
            &second,
            "SELECT * FROM peers; SELECT * FROM settings;",
        )),
    );

    let per_op = change_bytes.checked_div(ops as u64).unwrap_or(0);
    let per_row = change_bytes.checked_div(rows as u64).unwrap_or(0);
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
            "team folder bytes per change: {per_op} B ({change_bytes} B in {} file(s); {per_row} B a row)",
            new_files.len()
        ),
        format!("replicas in DIR at the end: {}", devices(&team).len()),
    ]
}

/// A teammate's diverged copy of the whole set, named as Syncthing names a
/// conflict copy: 20 calls and 20 renamed deals, 10 of which were also
/// edited in `db` meanwhile.
fn diverged_copy(dir: &Path, db: &Path) -> PathBuf {
    let copy = dir.join("scale.sync-conflict-20261201-101500-ABCD123.db");
    copy_db(db, &copy);
    let listed = measure(
        db,
        TODAY,
        "bench",
        &["list", "--grade", "A", "--format", "csv"],
    );
    let ids: Vec<String> = listed
        .out
        .lines()
        .skip(1)
        .take(20)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        measure(
            &copy,
            TODAY,
            "bench",
            &["log", id, "--kind", "call", "merged call"],
        );
        measure(
            &copy,
            TODAY,
            "bench",
            &["deal", "update", id, "--title", &format!("Renamed {i}")],
        );
        if i % 2 == 0 {
            measure(
                db,
                TODAY,
                "bench",
                &["deal", "update", id, "--amount", "12345"],
            );
        }
    }
    copy
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
fn measure(db: &Path, today: &str, user: &str, args: &[&str]) -> Measured {
    let mut out = tempfile::tempfile().expect("a file for the output");
    let mut err = tempfile::tempfile().expect("a file for the errors");
    let started = Instant::now();
    let child = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "--today",
            today,
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

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.0} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
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
