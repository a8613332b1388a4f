//! The Syncthing harness itself (tests/common/syncthing.rs) on plain files:
//! before any test puts a tierdeck database in a team folder, it must be
//! certain that the cluster delivers what is written and says when it has.
//! Then the team folder of SPEC §5.2 carried by it, end to end: three
//! members on the real binary editing the same deals at once.

mod common;
#[path = "common/syncthing.rs"]
mod syncthing;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use common::{Td, array};
use serde_json::{Value, json};
use syncthing::Cluster;

const IDLE: Duration = Duration::from_secs(30);

#[test]
fn plain_files_written_on_each_instance_reach_every_other() {
    let cluster = Cluster::start(3);

    let mut expected: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for i in 0..cluster.len() {
        let name = PathBuf::from(format!("from-st{i}.txt"));
        let body = format!("written on st{i}\n").repeat(i + 1).into_bytes();
        // One in a subdirectory too, so directories are synced as well.
        let nested = PathBuf::from(format!("dir-st{i}/nested.bin"));
        let nested_body: Vec<u8> = (0..=255u8).cycle().skip(i).take(70_000).collect();
        fs::create_dir_all(
            cluster
                .folder(i)
                .join(nested.parent().expect("has a parent")),
        )
        .expect("create a subdirectory in the folder");
        fs::write(cluster.folder(i).join(&name), &body).expect("write a file in the folder");
        fs::write(cluster.folder(i).join(&nested), &nested_body)
            .expect("write a file in the subdirectory");
        expected.insert(name, body);
        expected.insert(nested, nested_body);
    }

    cluster.wait_idle(IDLE);
    for i in 0..cluster.len() {
        assert_eq!(cluster.files(i), expected, "the files on st{i}");
        assert_eq!(
            cluster.conflicts(i),
            Vec::<PathBuf>::new(),
            "conflicts on st{i}"
        );
    }

    // A change with no forced scan: the watcher (or, failing it, the short
    // rescan interval) must deliver it within seconds.
    let changed = PathBuf::from("from-st0.txt");
    let body = b"changed on st1\n".to_vec();
    let started = Instant::now();
    fs::write(cluster.folder(1).join(&changed), &body).expect("overwrite a synced file");
    expected.insert(changed.clone(), body.clone());
    cluster.wait_until(
        Duration::from_secs(10),
        "the change reaches st0 and st2",
        || {
            [0, 2]
                .iter()
                .try_for_each(|&i| match fs::read(cluster.folder(i).join(&changed)) {
                    Ok(b) if b == body => Ok(()),
                    Ok(_) => Err(format!("st{i} has the old contents")),
                    Err(e) => Err(format!("st{i}: {e}")),
                })
        },
    );
    eprintln!(
        "a watched change reached both peers in {:?}",
        started.elapsed()
    );

    cluster.wait_idle(IDLE);
    for i in 0..cluster.len() {
        assert_eq!(
            cluster.files(i),
            expected,
            "the files on st{i} after the change"
        );
        assert_eq!(
            cluster.conflicts(i),
            Vec::<PathBuf>::new(),
            "conflicts on st{i}"
        );
    }
}

/// `conflicts` must see the copies Syncthing really makes, and `pause`
/// must really make them possible.
#[test]
fn edits_on_both_sides_of_a_pause_leave_one_conflict_copy_everywhere() {
    let cluster = Cluster::start(2);
    let name = PathBuf::from("shared.txt");
    fs::write(cluster.folder(0).join(&name), b"first\n").expect("write a file in the folder");
    cluster.wait_idle(IDLE);

    // st1 is away while both edit; st0's edit is indexed before st1 is
    // back, so the two versions meet as rivals.
    cluster.pause(1);
    fs::write(cluster.folder(0).join(&name), b"edited on st0\n").expect("edit on st0");
    cluster.scan(0);
    fs::write(cluster.folder(1).join(&name), b"edited on st1\n").expect("edit on st1");
    cluster.resume(1);
    cluster.wait_idle(IDLE);

    let conflicts = cluster.conflicts(0);
    assert_eq!(
        conflicts.len(),
        1,
        "one conflict copy on st0: {conflicts:?}"
    );
    assert_eq!(
        cluster.conflicts(1),
        conflicts,
        "the same conflict copy on st1"
    );
    let copy = &conflicts[0];
    let copy_name = copy.to_string_lossy();
    assert!(
        copy_name.starts_with("shared.sync-conflict-") && copy_name.ends_with(".txt"),
        "{copy_name}"
    );
    for i in 0..cluster.len() {
        let files = cluster.files(i);
        let kept = files.get(&name).expect("the file itself is kept");
        let aside = files.get(copy).expect("the conflict copy is synced");
        let mut bodies = vec![kept.clone(), aside.clone()];
        bodies.sort();
        assert_eq!(
            bodies,
            [b"edited on st0\n".to_vec(), b"edited on st1\n".to_vec()],
            "st{i}"
        );
    }
}

/// The effective date of every command; stamps still come from the clock.
const TODAY: &str = "2026-12-01";
const MEMBERS: usize = 3;
/// Rounds of work each member does while the others do theirs.
const ROUNDS: usize = 15;
/// A member stops starting rounds after this long, whatever is left.
const WORK_BUDGET: Duration = Duration::from_secs(40);
/// Rounds of (Syncthing settles, everyone syncs) before the replicas must
/// be identical.
const SETTLE_ROUNDS: usize = 6;
/// The two fields of a deal everyone edits.
const FIELDS: [&str; 2] = ["amount_minor", "title"];

/// What one member did while the others worked too.
#[derive(Default)]
struct Done {
    /// (deal, summary) of each activity logged.
    activities: Vec<(usize, String)>,
    /// (deal, field, value as the database holds it) of each edit, in order.
    edits: Vec<(usize, &'static str, Value)>,
    commands: usize,
}

/// One operation of the change log, as a member's database holds it.
#[derive(Debug, Clone)]
struct LoggedOp {
    replica: String,
    seq: i64,
    hlc: i64,
    row_id: String,
    field: String,
    value: Value,
    base: Option<String>,
}

impl LoggedOp {
    fn key(&self) -> String {
        format!("{}/{}", self.replica, self.seq)
    }
}

/// Rows per table of what every replica must hold alike: people's data,
/// what the engine derives from it for the same date, and the change log.
type Snapshot = BTreeMap<&'static str, Vec<String>>;

fn member(i: usize) -> Td {
    let mut td = Td::new();
    td.user = format!("m{i}");
    td
}

/// A command that must succeed (a warning on stderr is fine); its stdout.
fn run(td: &Td, args: &[&str]) -> String {
    common::succeed(td.run(TODAY, args), args)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Member `m`'s share of the work: on every round an activity on one of
/// the deals, every other round a new amount, every third a new title (the
/// same deal as the others at the same round, so edits cross in flight),
/// now and then an explicit `sync`, and a short pause.
fn work(td: &Td, m: usize, deals: &[String], start: &Barrier) -> Done {
    let mut done = Done::default();
    let mut rng = fastrand::Rng::new();
    start.wait();
    let started = Instant::now();
    for r in 0..ROUNDS {
        if started.elapsed() > WORK_BUDGET {
            break;
        }
        if r % 2 == 0 {
            let d = (r / 2) % deals.len();
            // Unique per member and round, in major units.
            let amount = 10_000 + 100 * m + r;
            run(
                td,
                &["deal", "update", &deals[d], "--amount", &amount.to_string()],
            );
            done.edits.push((
                d,
                "amount_minor",
                json!(i64::try_from(amount * 100).unwrap()),
            ));
            done.commands += 1;
        }
        let d = r % deals.len();
        let summary = format!("m{m}-r{r}");
        run(td, &["log", &deals[d], "--kind", "call", &summary]);
        done.activities.push((d, summary));
        done.commands += 1;
        if r % 3 == 1 {
            let d = (r / 3) % deals.len();
            let title = format!("d{d} m{m}-r{r}");
            run(td, &["deal", "update", &deals[d], "--title", &title]);
            done.edits.push((d, "title", json!(title)));
            done.commands += 1;
        }
        if r % 4 == 3 {
            run(td, &["sync", "--format", "json"]);
            done.commands += 1;
        }
        sleep(Duration::from_millis(rng.u64(100..=300)));
    }
    done
}

fn snapshot(db: &Path) -> Snapshot {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap_or_else(|e| panic!("open {} read-only: {e}", db.display()));
    let queries: [(&'static str, &str); 6] = [
        (
            "accounts",
            "SELECT id, name, kind, owner, deleted_at, value_tier, lifecycle FROM accounts",
        ),
        (
            "deals",
            "SELECT id, account_id, title, amount_minor, stage, need, expected_close, grade,
                    pinned_grade, owner, created_on, stage_entered_on, closed_on, deleted_at,
                    last_activity, last_touch
             FROM deals",
        ),
        (
            "activities",
            "SELECT id, deal_id, account_id, kind, at, summary, author, created_at, deleted_at
             FROM activities",
        ),
        // The engine's own history (its rules' reasons) is written by each replica.
        (
            "history",
            "SELECT id, deal_id, field, at, old, new, reason, author FROM history
             WHERE reason NOT LIKE 'rule.%'",
        ),
        (
            "reminders",
            "SELECT id, deal_id, kind, due, status, closed_on FROM reminders
             WHERE deleted_at IS NULL",
        ),
        (
            "ops",
            "SELECT replica, seq, hlc, tbl, row_id, field, quote(value), author, base FROM ops",
        ),
    ];
    queries
        .into_iter()
        .map(|(table, sql)| {
            let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            let columns = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    (0..columns)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|v| v.join(" | "))
                })
                .and_then(|rows| rows.collect())
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// What differs between two snapshots, a few rows a table.
fn difference(a: &Snapshot, b: &Snapshot) -> String {
    let mut out = String::new();
    for (table, rows) in a {
        let theirs: BTreeSet<&String> = b.get(table).into_iter().flatten().collect();
        let ours: BTreeSet<&String> = rows.iter().collect();
        let only_a: Vec<&&String> = ours.difference(&theirs).take(5).collect();
        let only_b: Vec<&&String> = theirs.difference(&ours).take(5).collect();
        if !only_a.is_empty() || !only_b.is_empty() {
            out.push_str(&format!(
                "{table} ({} vs {} rows): only in the first {only_a:?}; only in the second {only_b:?}\n",
                rows.len(),
                theirs.len()
            ));
        }
    }
    out
}

fn sql_to_json(value: rusqlite::types::Value) -> Value {
    use rusqlite::types::Value as V;
    match value {
        V::Null => Value::Null,
        V::Integer(i) => json!(i),
        V::Real(f) => json!(f),
        V::Text(s) => json!(s),
        V::Blob(b) => json!(String::from_utf8_lossy(&b)),
    }
}

/// The field operations on `title` and `amount_minor` of deals.
fn deal_field_ops(db: &Path) -> Vec<LoggedOp> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap_or_else(|e| panic!("open {} read-only: {e}", db.display()));
    let mut stmt = conn
        .prepare(
            "SELECT replica, seq, hlc, row_id, field, value, base FROM ops
             WHERE tbl = 'deals' AND field IN ('title', 'amount_minor')
             ORDER BY hlc, replica, seq",
        )
        .expect("prepare the ops query");
    stmt.query_map([], |r| {
        Ok(LoggedOp {
            replica: r.get(0)?,
            seq: r.get(1)?,
            hlc: r.get(2)?,
            row_id: r.get(3)?,
            field: r.get(4)?,
            value: sql_to_json(r.get(5)?),
            base: r.get(6)?,
        })
    })
    .and_then(|rows| rows.collect())
    .expect("read the ops")
}

/// SPEC §5: three members on the real binary, each with a replica of its
/// own outside the folder Syncthing carries, log activities on and edit the
/// same deals at the same time. Once Syncthing has settled and everyone has
/// synced, every replica holds the same data, every activity anyone logged
/// is everywhere, the fields hold the value with the highest stamp, every
/// value that lost to an edit made without seeing it is in its author's
/// conflict log, nothing waits to be sent, and the folder has no conflict
/// copy and no change file that does not check out.
#[test]
fn three_members_editing_the_same_deals_at_once_end_identical_losing_nothing() {
    let started = Instant::now();
    let cluster = Cluster::start(MEMBERS);
    let members: Vec<Td> = (0..MEMBERS).map(member).collect();
    let team = |i: usize| cluster.folder(i).join("team");

    // Member 0's pipeline, then the team.
    let first = &members[0];
    run(first, &["account", "add", "--name", "Acme Pumps"]);
    run(first, &["account", "add", "--name", "Beta Valves"]);
    let deals: Vec<String> = [
        ("Acme Pumps", "d0", "1000"),
        ("Acme Pumps", "d1", "2000"),
        ("Beta Valves", "d2", "3000"),
    ]
    .iter()
    .map(|(account, title, amount)| {
        first.id(
            TODAY,
            &[
                "deal",
                "add",
                "--account",
                account,
                "--title",
                title,
                "--amount",
                amount,
                "--close",
                "+3w",
            ],
        )
    })
    .collect();
    run(first, &["team", "init", text(&team(0))]);
    cluster.wait_idle(IDLE);
    for (i, td) in members.iter().enumerate().skip(1) {
        assert!(
            team(i).join("tierdeck-team.json").is_file(),
            "the team file reached st{i}"
        );
        run(td, &["team", "join", text(&team(i))]);
        assert_eq!(td.list(TODAY, &[]).len(), deals.len(), "m{i} has the deals");
    }

    // Everyone at once.
    let start = Barrier::new(MEMBERS);
    let work_started = Instant::now();
    let done: Vec<Done> = thread::scope(|s| {
        let (deals, start) = (&deals, &start);
        let workers: Vec<_> = members
            .iter()
            .enumerate()
            .map(|(m, td)| s.spawn(move || work(td, m, deals, start)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let work_time = work_started.elapsed();
    let commands: usize = done.iter().map(|d| d.commands).sum();
    let figures = format!(
        "{commands} commands by {MEMBERS} members in {work_time:?}, {:?} since the start",
        started.elapsed()
    );

    // Syncthing settles, everyone syncs, until the replicas agree.
    let mut settle_rounds = 0;
    let snapshots = loop {
        cluster.wait_idle(IDLE);
        for td in &members {
            run(td, &["sync", "--format", "json"]);
        }
        settle_rounds += 1;
        let snapshots: Vec<Snapshot> = members.iter().map(|td| snapshot(&td.db)).collect();
        if snapshots.iter().all(|s| *s == snapshots[0]) || settle_rounds >= SETTLE_ROUNDS {
            break snapshots;
        }
    };
    for (i, s) in snapshots.iter().enumerate().skip(1) {
        assert!(
            *s == snapshots[0],
            "m{i} differs from m0 after {settle_rounds} rounds of syncing ({figures}):\n{}",
            difference(&snapshots[0], s)
        );
    }

    // Every activity anyone logged is on every member, as `show` tells it;
    // the deals' fields are the same everywhere.
    let mut finals: BTreeMap<(usize, &str), Value> = BTreeMap::new();
    for (i, td) in members.iter().enumerate() {
        for (d, id) in deals.iter().enumerate() {
            let shown = td.show(TODAY, id);
            let got: BTreeSet<(String, String)> = array(shown["activities"].clone())
                .iter()
                .map(|a| {
                    (
                        a["summary"].as_str().unwrap_or_default().to_string(),
                        a["author"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let want: BTreeSet<(String, String)> = done
                .iter()
                .enumerate()
                .flat_map(|(m, w)| {
                    w.activities
                        .iter()
                        .filter(move |(on, _)| *on == d)
                        .map(move |(_, summary)| (summary.clone(), format!("m{m}")))
                })
                .collect();
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "activities of d{d} on m{i}: missing {missing:?}, unexpected {extra:?} ({figures})"
            );
            for field in FIELDS {
                let value = shown[field].clone();
                match finals.get(&(d, field)) {
                    None => {
                        finals.insert((d, field), value);
                    }
                    Some(seen) => assert_eq!(*seen, value, "{field} of d{d} on m{i} and on m0"),
                }
            }
        }
    }

    // The team as each member sees it: nothing waits to be sent, nothing
    // was skipped, every other member's files are all read.
    let statuses: Vec<Value> = members
        .iter()
        .map(|td| array(td.json(TODAY, &["team", "status"])).remove(0))
        .collect();
    let replicas: Vec<String> = statuses
        .iter()
        .map(|s| s["replica"].as_str().expect("a replica id").to_string())
        .collect();
    let member_of = |replica: &str| replicas.iter().position(|r| r == replica);
    for (i, status) in statuses.iter().enumerate() {
        assert_eq!(status["unsent"], 0, "m{i} has changes not sent: {status}");
        assert_eq!(status["skipped"], json!([]), "m{i} skipped files: {status}");
        assert_eq!(
            status["members"].as_array().map(Vec::len),
            Some(MEMBERS),
            "m{i} knows every member: {status}"
        );
    }

    // Every edit anyone made is in the log under its replica; the value
    // each field ended with is one someone wrote, and the one with the
    // highest stamp.
    let ops = deal_field_ops(&members[0].db);
    for (m, w) in done.iter().enumerate() {
        for (d, field, value) in &w.edits {
            assert!(
                ops.iter().any(|op| op.replica == replicas[m]
                    && op.row_id == deals[*d]
                    && op.field == *field
                    && op.value == *value),
                "m{m}'s {field} {value} on d{d} is not in the change log"
            );
        }
    }
    for (d, id) in deals.iter().enumerate() {
        for field in FIELDS {
            let last = ops
                .iter()
                .filter(|op| op.row_id == *id && op.field == field)
                .max_by(|a, b| (a.hlc, &a.replica, a.seq).cmp(&(b.hlc, &b.replica, b.seq)))
                .unwrap_or_else(|| panic!("nobody edited {field} of d{d}"));
            assert_eq!(
                finals[&(d, field)],
                last.value,
                "{field} of d{d} is the value with the highest stamp"
            );
        }
    }

    // Nothing silently overwritten: a value that did not end in its field
    // was either seen by whoever replaced it (their change is based on it)
    // or is in its author's conflict log as a value that lost.
    let conflicts: Vec<Vec<Value>> = members
        .iter()
        .map(|td| array(td.json(TODAY, &["team", "conflicts"])))
        .collect();
    let total_conflicts: usize = conflicts.iter().map(Vec::len).sum();
    let bases: BTreeSet<&str> = ops.iter().filter_map(|op| op.base.as_deref()).collect();
    let mut unseen_amounts = 0;
    let mut silently_lost = Vec::new();
    for op in &ops {
        let Some(d) = deals.iter().position(|id| *id == op.row_id) else {
            continue;
        };
        let field = op.field.as_str();
        if finals[&(d, field)] == op.value || bases.contains(op.key().as_str()) {
            continue;
        }
        if field == "amount_minor" {
            unseen_amounts += 1;
        }
        let author =
            member_of(&op.replica).unwrap_or_else(|| panic!("an op of an unknown replica: {op:?}"));
        let recorded = conflicts[author].iter().any(|c| {
            c["row_id"] == op.row_id.as_str() && c["field"] == field && c["lost"] == op.value
        });
        if !recorded {
            silently_lost.push(format!("m{author}'s {field} {} on d{d}", op.value));
        }
    }
    assert!(
        silently_lost.is_empty(),
        "values replaced unseen and not in their author's conflict log: {silently_lost:?}\n\
         conflict logs: {conflicts:?}\n({figures}, {total_conflicts} conflicts)"
    );
    assert!(
        unseen_amounts > 0 && total_conflicts > 0,
        "the members' amount edits never crossed ({unseen_amounts} replaced unseen, \
         {total_conflicts} conflicts; {figures}): the test did not test concurrency"
    );
    // And every conflict is about a value its author really wrote and lost.
    for (i, list) in conflicts.iter().enumerate() {
        for c in list {
            let d = deals
                .iter()
                .position(|id| c["row_id"] == id.as_str())
                .unwrap_or_else(|| panic!("m{i}'s conflict on no deal of the test: {c}"));
            let field = c["field"].as_str().unwrap_or_default();
            assert!(
                c["lost_by"] == format!("m{i}").as_str()
                    && done[i]
                        .edits
                        .iter()
                        .any(|(on, f, v)| *on == d && *f == field && *v == c["lost"]),
                "m{i}'s conflict is not about a value of m{i}'s: {c}"
            );
        }
    }

    // The folder: everything everywhere, no conflict copy, every change
    // file whole, numbered from 1 with no gap, and all of it read.
    // Syncthing's own temporaries are left out: a scan may catch the
    // temporary file tierdeck writes a change file under, and a peer that
    // found it gone before it arrived keeps its partial pull (not synced).
    cluster.wait_idle(IDLE);
    let synced = |i: usize| {
        let mut files = cluster.files(i);
        files.retain(|path, _| !syncthing::is_temporary(path));
        files
    };
    let files = synced(0);
    let mut change_files: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (path, bytes) in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            !name.ends_with(".tmp"),
            "a temporary file is left in the folder: {}",
            path.display()
        );
        let Some(number) = name
            .strip_prefix("changes-")
            .and_then(|n| n.strip_suffix(".tdc"))
        else {
            continue;
        };
        let replica = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let number: i64 = number
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let decoded = tierdeck::team::file::decode(bytes)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
        assert_eq!(
            (decoded.header.replica.as_str(), decoded.header.file),
            (replica.as_str(), number),
            "{} says it is another file",
            path.display()
        );
        change_files.entry(replica).or_default().push(number);
    }
    for i in 0..cluster.len() {
        assert_eq!(
            cluster.conflicts(i),
            Vec::<PathBuf>::new(),
            "conflict copies on st{i}"
        );
        if i > 0 {
            let theirs = synced(i);
            let differ: Vec<&PathBuf> = files
                .keys()
                .chain(theirs.keys())
                .filter(|p| files.get(*p) != theirs.get(*p))
                .collect();
            assert!(differ.is_empty(), "st{i} and st0 differ on {differ:?}");
        }
    }
    assert_eq!(
        change_files.keys().collect::<BTreeSet<_>>(),
        replicas.iter().collect::<BTreeSet<_>>(),
        "the replicas with change files are the members'"
    );
    for (replica, numbers) in &change_files {
        // Files every member has read and a snapshot holds are compacted
        // away by their writer: the rest run on with no gap.
        let first = numbers[0];
        let count = *numbers.last().expect("a file");
        assert_eq!(
            *numbers,
            (first..=count).collect::<Vec<_>>(),
            "the files of {replica}"
        );
        if first > 1 {
            let covered = files.keys().any(|path| {
                path.to_string_lossy().contains(replica.as_str())
                    && path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.strip_prefix("snapshot-"))
                        .and_then(|n| n.strip_suffix(".json"))
                        .and_then(|n| n.parse::<i64>().ok())
                        .is_some_and(|n| n >= first - 1)
            });
            assert!(
                covered,
                "{replica}'s files before {first} are in a snapshot"
            );
        }
        for (i, status) in statuses.iter().enumerate() {
            let read = status["members"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|m| m["replica"] == replica.as_str());
            assert_eq!(
                read.map(|m| m["files_read"].clone()),
                Some(json!(count)),
                "m{i} has read (or, its own, published) all {count} files of {replica}"
            );
        }
    }
}
