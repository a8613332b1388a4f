//! Sharing through a team folder (SPEC §5.1, §5.2): replicas that edit the
//! same deals apart, with their change files delivered late, cut short, in
//! any order and twice, all end with the same data; nothing anyone entered
//! is lost; every value that lost to an edit made without seeing it is in
//! the conflict log of the replica it was entered on.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rusqlite::Connection;
use tierdeck::domain::{ActivityKind, Id, Money};
use tierdeck::rules::Rules;
use tierdeck::store::{
    AccountPatch, DealPatch, DueFilter, NewAccount, NewDeal, OpenMode, Session, Store,
};
use tierdeck::team::{self, Created, Transport, TransportError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap()
}

fn open(path: &Path, user: &str, now: DateTime<Utc>) -> Store {
    let session = Session {
        user: user.to_string(),
        today: today(),
        now,
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    };
    let mut store = Store::open(path, OpenMode::CreateFile, session, Rules::defaults()).unwrap();
    store.refresh().unwrap();
    store
}

/// Every file any replica ever wrote, as the sync tool's source of truth.
#[derive(Default)]
struct Cloud {
    files: BTreeMap<(String, i64), Vec<u8>>,
    members: BTreeMap<String, Vec<u8>>,
    /// Snapshots as (database, manifest).
    snapshots: BTreeMap<(String, i64), (Vec<u8>, Vec<u8>)>,
}

/// One machine's copy of the team folder, as a sync tool has delivered it
/// so far: some files missing, some cut short.
struct Delivered {
    cloud: Rc<RefCell<Cloud>>,
    here: RefCell<BTreeMap<(String, i64), Vec<u8>>>,
}

impl Delivered {
    fn new(cloud: &Rc<RefCell<Cloud>>) -> Delivered {
        Delivered {
            cloud: Rc::clone(cloud),
            here: RefCell::new(BTreeMap::new()),
        }
    }

    /// Delivers a file of the cloud, whole or only its first half.
    fn deliver(&self, key: &(String, i64), whole: bool) {
        let Some(bytes) = self.cloud.borrow().files.get(key).cloned() else {
            return;
        };
        let bytes = if whole {
            bytes
        } else {
            bytes[..bytes.len() / 2].to_vec()
        };
        self.here.borrow_mut().insert(key.clone(), bytes);
    }

    fn deliver_all(&self) {
        let keys: Vec<_> = self.cloud.borrow().files.keys().cloned().collect();
        for key in keys {
            self.deliver(&key, true);
        }
    }

    /// Files of the cloud not here whole yet.
    fn undelivered(&self) -> Vec<(String, i64)> {
        let here = self.here.borrow();
        self.cloud
            .borrow()
            .files
            .iter()
            .filter(|(k, v)| here.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

impl Transport for Delivered {
    fn describe(&self) -> String {
        "a delivered copy".into()
    }

    fn replicas(&self) -> Result<Vec<String>, TransportError> {
        let set: BTreeSet<String> = self.here.borrow().keys().map(|(r, _)| r.clone()).collect();
        Ok(set.into_iter().collect())
    }

    fn read(&self, replica: &str, number: i64) -> Result<Option<Vec<u8>>, TransportError> {
        Ok(self
            .here
            .borrow()
            .get(&(replica.to_string(), number))
            .cloned())
    }

    fn create(&self, replica: &str, number: i64, bytes: &[u8]) -> Result<Created, TransportError> {
        let key = (replica.to_string(), number);
        // Only this machine's copy counts: a file another machine wrote
        // under the same name has not arrived, as with a real sync tool.
        if let Some(there) = self.here.borrow().get(&key) {
            return Ok(Created::Exists(there.clone()));
        }
        let mut cloud = self.cloud.borrow_mut();
        // Two machines writing one name: the sync tool keeps one (here,
        // the first) and each machine learns of the other only later.
        cloud
            .files
            .entry(key.clone())
            .or_insert_with(|| bytes.to_vec());
        self.here.borrow_mut().insert(key, bytes.to_vec());
        Ok(Created::New)
    }

    fn member(&self, replica: &str) -> Result<Option<Vec<u8>>, TransportError> {
        Ok(self.cloud.borrow().members.get(replica).cloned())
    }

    fn create_member(&self, replica: &str, bytes: &[u8]) -> Result<Created, TransportError> {
        self.cloud
            .borrow_mut()
            .members
            .entry(replica.to_string())
            .or_insert_with(|| bytes.to_vec());
        Ok(Created::New)
    }

    fn snapshots(&self) -> Result<Vec<Vec<u8>>, TransportError> {
        let cloud = self.cloud.borrow();
        Ok(cloud.snapshots.values().map(|(_, m)| m.clone()).collect())
    }

    fn create_snapshot(
        &self,
        replica: &str,
        number: i64,
        db: &Path,
        manifest: &[u8],
    ) -> Result<(), TransportError> {
        let bytes = std::fs::read(db).map_err(|e| TransportError::Unreachable(e.to_string()))?;
        self.cloud
            .borrow_mut()
            .snapshots
            .insert((replica.to_string(), number), (bytes, manifest.to_vec()));
        Ok(())
    }

    fn remove(&self, replica: &str, number: i64) -> Result<(), TransportError> {
        // The sync tool carries a deletion to every machine.
        let key = (replica.to_string(), number);
        self.cloud.borrow_mut().files.remove(&key);
        self.here.borrow_mut().remove(&key);
        Ok(())
    }

    fn remove_snapshot(&self, replica: &str, number: i64) -> Result<(), TransportError> {
        self.cloud
            .borrow_mut()
            .snapshots
            .remove(&(replica.to_string(), number));
        Ok(())
    }

    fn fetch_snapshot(
        &self,
        replica: &str,
        number: i64,
        to: &Path,
    ) -> Result<bool, TransportError> {
        let cloud = self.cloud.borrow();
        let Some((bytes, _)) = cloud.snapshots.get(&(replica.to_string(), number)) else {
            return Ok(false);
        };
        std::fs::write(to, bytes).map_err(|e| TransportError::Unreachable(e.to_string()))?;
        Ok(true)
    }
}

struct Replica {
    store: Store,
    folder: Delivered,
    path: PathBuf,
    user: String,
    /// This machine's clock, off by this much.
    skew: Duration,
}

impl Replica {
    fn conn(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }

    fn ids(&self, table: &str) -> Vec<Id> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY id"
            ))
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<Id>>>()
            .unwrap()
    }

    fn sync(&mut self) -> team::SyncReport {
        team::sync(&mut self.store, &self.folder).unwrap()
    }
}

fn team_of(n: usize, dir: &Path) -> (Rc<RefCell<Cloud>>, Vec<Replica>) {
    let cloud = Rc::new(RefCell::new(Cloud::default()));
    let users = ["ann", "李娜", "bo", "王伟", "eve"];
    let mut replicas: Vec<Replica> = (0..n)
        .map(|i| {
            let path = dir.join(format!("r{i}.db"));
            Replica {
                store: open(&path, users[i], start()),
                folder: Delivered::new(&cloud),
                path,
                user: users[i].to_string(),
                skew: Duration::seconds([0, -300, 120, 7, -45][i]),
            }
        })
        .collect();
    // The first member starts the team with a few accounts and deals.
    let first = &mut replicas[0];
    for (i, name) in ["华为云", "Acme Pumps"].iter().enumerate() {
        let account = first
            .store
            .add_account(NewAccount {
                name: name.to_string(),
                region: Some("华东".into()),
                ..NewAccount::default()
            })
            .unwrap();
        for j in 0..2 {
            first
                .store
                .add_deal(NewDeal {
                    account_id: account,
                    title: format!("{name} deal {j}"),
                    amount: Some(Money(100_000 * (i as i64 + 1))),
                    currency: None,
                    stage: None,
                    need: None,
                    expected_close: today().checked_add_days(chrono::Days::new(20 + 40 * j)),
                    owner: None,
                })
                .unwrap();
        }
    }
    for r in &mut replicas {
        r.store.join_team("the cloud", "team-1").unwrap();
        team::announce(&r.store, &r.folder).unwrap();
        r.store.log_existing_rows(true).unwrap();
        r.sync();
    }
    for r in &mut replicas {
        r.folder.deliver_all();
        r.sync();
    }
    (cloud, replicas)
}

#[derive(Debug, Clone)]
enum Edit {
    Title,
    Amount,
    Close,
    Stage,
    Owner,
    Log,
    Region,
    Won,
    NewDeal,
    ReminderDone,
    ReminderSnooze,
}

#[derive(Debug, Clone)]
enum Step {
    Edit {
        who: usize,
        edit: Edit,
        pick: usize,
        value: u16,
    },
    Sync {
        who: usize,
    },
    Deliver {
        who: usize,
        pick: usize,
        whole: bool,
    },
    /// Operations a replica has already applied, applied again.
    Again {
        who: usize,
        pick: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => Just(Edit::Title),
        3 => Just(Edit::Amount),
        2 => Just(Edit::Close),
        2 => Just(Edit::Stage),
        1 => Just(Edit::Owner),
        3 => Just(Edit::Log),
        2 => Just(Edit::Region),
        1 => Just(Edit::Won),
        1 => Just(Edit::NewDeal),
        1 => Just(Edit::ReminderDone),
        1 => Just(Edit::ReminderSnooze),
    ]
}

fn step(n: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0..n, edit(), any::<usize>(), any::<u16>())
            .prop_map(|(who, edit, pick, value)| Step::Edit { who, edit, pick, value }),
        2 => (0..n).prop_map(|who| Step::Sync { who }),
        3 => (0..n, any::<usize>(), prop::bool::weighted(0.7))
            .prop_map(|(who, pick, whole)| Step::Deliver { who, pick, whole }),
        1 => (0..n, any::<usize>()).prop_map(|(who, pick)| Step::Again { who, pick }),
    ]
}

/// Makes one edit, as a person would through the store; an edit the store
/// refuses (a won deal's stage) is no edit.
fn make_edit(r: &mut Replica, edit: &Edit, pick: usize, value: u16, step: usize) -> Option<Id> {
    let deals = r.ids("deals");
    let accounts = r.ids("accounts");
    let deal = *deals.get(pick % deals.len().max(1))?;
    // Values are unique per edit, so that a value that lost is never
    // mistaken for one that won.
    let unique = format!("{}-{step}", r.user);
    let patch = DealPatch::default();
    let s = &mut r.store;
    match edit {
        Edit::Title => s
            .update_deal(
                deal,
                DealPatch {
                    title: Some(format!("title {unique}")),
                    ..patch
                },
            )
            .map(drop),
        Edit::Amount => s
            .update_deal(
                deal,
                DealPatch {
                    amount: Some(Money(i64::from(value) * 1_000 + step as i64)),
                    ..patch
                },
            )
            .map(drop),
        Edit::Close => s
            .update_deal(
                deal,
                DealPatch {
                    expected_close: Some(
                        today().checked_add_days(chrono::Days::new(u64::from(value % 400))),
                    ),
                    ..patch
                },
            )
            .map(drop),
        Edit::Stage => {
            let stages = ["contacted", "needs", "proposal", "negotiation"];
            s.update_deal(
                deal,
                DealPatch {
                    stage: Some(stages[usize::from(value) % stages.len()].to_string()),
                    ..patch
                },
            )
            .map(drop)
        }
        Edit::Owner => s
            .update_deal(
                deal,
                DealPatch {
                    owner: Some(format!("owner {unique}")),
                    ..patch
                },
            )
            .map(drop),
        Edit::Log => s
            .log_activity(deal, ActivityKind::Call, &format!("call {unique}"), None)
            .map(drop),
        Edit::Region => {
            let account = accounts[pick % accounts.len()];
            s.update_account(
                account,
                AccountPatch {
                    region: Some(format!("region {unique}")),
                    ..AccountPatch::default()
                },
            )
            .map(drop)
        }
        Edit::Won => s.won(deal, None),
        Edit::NewDeal => {
            let account = accounts[pick % accounts.len()];
            s.add_deal(NewDeal {
                account_id: account,
                title: format!("new {unique}"),
                amount: None,
                currency: None,
                stage: None,
                need: None,
                expected_close: today().checked_add_days(chrono::Days::new(10)),
                owner: None,
            })
            .map(drop)
        }
        Edit::ReminderDone | Edit::ReminderSnooze => {
            let pending = s.reminders(DueFilter::All, None).ok()?;
            let reminder = pending.get(pick % pending.len().max(1))?.reminder.id;
            if matches!(edit, Edit::ReminderDone) {
                s.reminder_done(reminder)
            } else {
                s.reminder_snooze(
                    reminder,
                    today() + Duration::days(i64::from(value % 30) + 1),
                )
            }
        }
    }
    .ok()?;
    Some(deal)
}

/// What must be alike on every replica: the rows people edit (their
/// travelling columns), people's history, the reminders people acted on,
/// and the log itself.
fn contents(r: &Replica) -> BTreeMap<&'static str, Vec<String>> {
    let queries: [(&str, &str); 8] = [
        (
            "accounts",
            "SELECT id, name, kind, region, owner, deleted_at FROM accounts ORDER BY id",
        ),
        (
            "deals",
            "SELECT id, account_id, title, amount_minor, stage, need, expected_close, owner,
                    closed_on, stage_entered_on, pinned_grade, deleted_at,
                    -- A closed deal shows Won or Lost; the grade it kept is
                    -- whatever it had when each replica saw it close.
                    CASE WHEN stage IN ('won', 'lost') THEN NULL ELSE grade END
             FROM deals ORDER BY id",
        ),
        (
            "activities",
            "SELECT id, deal_id, account_id, kind, at, summary, author FROM activities ORDER BY id",
        ),
        (
            "history",
            "SELECT id, deal_id, field, at, old, new, reason, author FROM history
             WHERE reason NOT LIKE 'rule.%' ORDER BY id",
        ),
        (
            "reminders",
            // Not the note: after a person's action, each replica's engine
            // may close the reminder for its own reason (the deal won, or its
            // grade changed first), as it saw the changes arrive.
            "SELECT id, deal_id, kind, due, status, closed_on FROM reminders
             WHERE id IN (SELECT row_id FROM ops WHERE tbl = 'reminders') ORDER BY id",
        ),
        (
            "ops",
            "SELECT replica, seq, hlc, tbl, row_id, field, value, author, base FROM ops
             ORDER BY replica, seq",
        ),
        (
            "pending",
            "SELECT tbl, row_id FROM pending_rows ORDER BY 1, 2",
        ),
        // The engine's reminders are worked out on each replica, with ids
        // derived from what they are: the same data gives the same agenda.
        (
            "agenda",
            "SELECT id, deal_id, kind, due, status FROM reminders
             WHERE deleted_at IS NULL AND status IN ('open', 'snoozed') ORDER BY id",
        ),
    ];
    let conn = r.conn();
    queries
        .iter()
        .map(|(name, sql)| {
            let mut stmt = conn.prepare(sql).unwrap();
            let width = stmt.column_count();
            let rows = stmt
                .query_map([], |row| {
                    let cells: Vec<String> = (0..width)
                        .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect();
                    Ok(cells.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            (*name, rows)
        })
        .collect()
}

/// A field operation that is not its field's winner and that no later
/// operation was made over: a value that lost to an edit made without
/// seeing it. Values are unique per edit, so a tie in value is no loss.
fn lost_values(conn: &Connection) -> Vec<(String, String, String, i64)> {
    let mut stmt = conn
        .prepare(
            "SELECT o.replica, o.row_id, o.field, o.hlc FROM ops o
             WHERE o.field <> '' AND o.tbl IN ('deals', 'accounts')
               AND NOT EXISTS (SELECT 1 FROM ops p WHERE p.base = o.replica || '/' || o.seq)
               AND (o.hlc, o.replica, o.seq) < (
                   SELECT w.hlc, w.replica, w.seq FROM ops w
                   WHERE w.row_id = o.row_id AND w.field IN (o.field, '')
                   ORDER BY w.hlc DESC, w.replica DESC, w.seq DESC LIMIT 1)
               AND NOT EXISTS (SELECT 1 FROM ops e WHERE e.row_id = o.row_id
                   AND e.field = o.field AND e.value IS o.value AND e.rowid <> o.rowid)",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
}

/// The sync tool delivers everything and every replica syncs, twice, so
/// that what one sends in the first round reaches the others in the second.
fn exchange_all(replicas: &mut [Replica]) {
    for _ in 0..2 {
        for r in replicas.iter_mut() {
            r.folder.deliver_all();
            r.sync();
        }
    }
}

fn replica_ids(replicas: &[Replica]) -> Vec<String> {
    replicas
        .iter()
        .map(|r| r.store.replica_id().unwrap())
        .collect()
}

fn run_history(n: usize, steps: &[Step]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(n, dir.path());
    let mut entered: BTreeSet<Id> = BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        let moment = start() + Duration::seconds(10 * (i as i64 + 1));
        match step {
            Step::Edit {
                who,
                edit,
                pick,
                value,
            } => {
                let r = &mut replicas[*who];
                r.store.set_now(moment + r.skew);
                make_edit(r, edit, *pick, *value, i);
            }
            Step::Sync { who } => {
                let r = &mut replicas[*who];
                r.store.set_now(moment + r.skew);
                r.sync();
            }
            Step::Deliver { who, pick, whole } => {
                let r = &replicas[*who];
                let waiting = r.folder.undelivered();
                if !waiting.is_empty() {
                    r.folder.deliver(&waiting[pick % waiting.len()], *whole);
                }
            }
            Step::Again { who, pick } => {
                let r = &mut replicas[*who];
                let here: Vec<Vec<u8>> = r.folder.here.borrow().values().cloned().collect();
                if let Some(bytes) = here.get(pick % here.len().max(1))
                    && let Ok(file) = team::file::decode(bytes)
                {
                    let before = contents(r);
                    let mine = r.store.replica_id().unwrap();
                    let foreign = file.header.replica != mine;
                    let read = r.store.peers().unwrap().iter().any(|p| {
                        p.replica == file.header.replica && p.files_read >= file.header.file
                    });
                    if foreign && read {
                        let applied = r.store.apply_ops(file.ops, &[]).unwrap();
                        prop_assert_eq!(applied.ops, 0, "operations applied twice");
                        prop_assert_eq!(contents(r), before, "applying again changed the data");
                    }
                }
            }
        }
    }
    for r in &replicas {
        let conn = r.conn();
        let ids: Vec<Id> = conn
            .prepare("SELECT row_id FROM ops WHERE tbl = 'activities'")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        entered.extend(ids);
    }
    // The sync tool catches up: everything is delivered, whole, and every
    // replica syncs until nothing moves.
    let end = start() + Duration::seconds(10 * (steps.len() as i64 + 10));
    for round in 0..4 {
        for r in &mut replicas {
            r.folder.deliver_all();
            r.store.set_now(end + Duration::seconds(round) + r.skew);
            r.sync();
        }
    }
    let first = contents(&replicas[0]);
    for (i, r) in replicas.iter().enumerate().skip(1) {
        let theirs = contents(r);
        for (table, rows) in &first {
            prop_assert_eq!(
                rows,
                &theirs[table],
                "replica {} differs from replica 0 in {}",
                i,
                table
            );
        }
    }
    prop_assert!(
        first["pending"].is_empty(),
        "rows still waiting: {:?}",
        first["pending"]
    );
    let conn = replicas[0].conn();
    let activities: BTreeSet<Id> = conn
        .prepare("SELECT id FROM activities")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<BTreeSet<_>>>()
        .unwrap();
    prop_assert!(entered.is_subset(&activities), "an activity was lost");
    let ids = replica_ids(&replicas);
    for (replica, row_id, field, hlc) in lost_values(&conn) {
        let owner = ids.iter().position(|id| *id == replica).unwrap();
        let found: i64 = replicas[owner]
            .conn()
            .query_row(
                "SELECT count(*) FROM conflicts WHERE row_id = ?1 AND field = ?2 AND lost_hlc = ?3",
                rusqlite::params![row_id, field, hlc],
                |row| row.get(0),
            )
            .unwrap();
        prop_assert!(
            found > 0,
            "replica {} lost its {} of {} unlogged",
            owner,
            field,
            row_id
        );
    }
    for r in &replicas {
        let check: String = r
            .conn()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        prop_assert_eq!(check, "ok");
    }
    drop(cloud);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_lose_nothing(
        n in 3usize..=5,
        steps in prop::collection::vec(step(5), 10..60),
    ) {
        let steps: Vec<Step> = steps
            .into_iter()
            .map(|s| match s {
                Step::Edit { who, edit, pick, value } => Step::Edit { who: who % n, edit, pick, value },
                Step::Sync { who } => Step::Sync { who: who % n },
                Step::Deliver { who, pick, whole } => Step::Deliver { who: who % n, pick, whole },
                Step::Again { who, pick } => Step::Again { who: who % n, pick },
            })
            .collect();
        run_history(n, &steps)?;
    }
}

/// Two people change the amount of one deal, each before seeing the
/// other's change: both end with one amount, and the one whose value lost
/// finds it in the conflict log and can put it back.
#[test]
fn concurrent_edits_of_one_field_log_the_loser_and_restore_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let amount = |m| DealPatch {
        amount: Some(Money(m)),
        ..DealPatch::default()
    };
    replicas[0].store.set_now(start() + Duration::minutes(5));
    replicas[0]
        .store
        .update_deal(deal, amount(45_500_000))
        .unwrap();
    let behind = replicas[1].skew;
    replicas[1]
        .store
        .set_now(start() + Duration::minutes(6) + behind);
    replicas[1]
        .store
        .update_deal(deal, amount(48_000_000))
        .unwrap();
    // A different field of the same deal, changed by the first: kept too.
    replicas[0]
        .store
        .update_deal(
            deal,
            DealPatch {
                title: Some("ERP 升级".into()),
                ..DealPatch::default()
            },
        )
        .unwrap();
    exchange_all(&mut replicas);
    let amounts: Vec<i64> = replicas
        .iter()
        .map(|r| r.store.deal(deal).unwrap().amount.0)
        .collect();
    assert_eq!(amounts[0], amounts[1]);
    // The second replica's clock is five minutes behind: its edit, made a
    // minute after the first's by the wall, is stamped four minutes before.
    assert_eq!(amounts[0], 45_500_000, "the later stamp wins");
    for r in &replicas {
        assert_eq!(r.store.deal(deal).unwrap().title, "ERP 升级");
    }
    assert!(replicas[0].store.conflicts(false).unwrap().is_empty());
    let lost = replicas[1].store.conflicts(false).unwrap();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0].field, "amount_minor");
    assert_eq!(lost[0].lost, serde_json::json!(48_000_000));
    assert_eq!(lost[0].kept_by, "ann");
    assert_eq!(lost[0].name, "ERP 升级");

    let conflict = lost[0].clone();
    replicas[1].store.set_now(start() + Duration::minutes(30));
    replicas[1].store.restore_conflict(&conflict).unwrap();
    assert!(replicas[1].store.conflicts(false).unwrap().is_empty());
    exchange_all(&mut replicas);
    for r in &replicas {
        assert_eq!(
            r.store.deal(deal).unwrap().amount.0,
            48_000_000,
            "restored everywhere"
        );
    }
    assert!(
        replicas[0].store.conflicts(false).unwrap().is_empty(),
        "a restore made after seeing the other value is no conflict"
    );
}

/// A sync tool delivers files cut short, out of order and twice: nothing
/// half-written is applied, a replica's later file waits for its earlier
/// one, and each is applied once complete.
#[test]
fn files_half_written_out_of_order_or_twice_are_applied_once_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let writer = replicas[0].store.replica_id().unwrap();
    let files_before = replicas[0].store.published().unwrap().files;
    for (i, text) in ["第一次电话", "second call"].iter().enumerate() {
        replicas[0]
            .store
            .set_now(start() + Duration::minutes(i as i64 + 1));
        replicas[0]
            .store
            .log_activity(deal, ActivityKind::Call, text, None)
            .unwrap();
        replicas[0].sync();
    }
    let first = (writer.clone(), files_before + 1);
    let second = (writer.clone(), files_before + 2);
    assert!(cloud.borrow().files.contains_key(&second));
    let calls = |r: &Replica| -> i64 {
        r.conn()
            .query_row(
                "SELECT count(*) FROM activities WHERE deal_id = ?1",
                [deal],
                |row| row.get(0),
            )
            .unwrap()
    };
    let reader = &mut replicas[1];
    reader.folder.deliver(&second, true);
    reader.folder.deliver(&first, false);
    let report = reader.sync();
    assert_eq!(
        report.received.ops, 0,
        "nothing applied from a cut file or past it"
    );
    assert_eq!(calls(reader), 0);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.skipped[0].file, first.1);
    assert!(
        report.skipped[0].reason.contains("arriving"),
        "{:?}",
        report.skipped
    );

    reader.folder.deliver(&first, true);
    let report = reader.sync();
    assert!(report.skipped.is_empty());
    assert_eq!(calls(reader), 2, "both files, in order, once whole");
    let again = reader.sync();
    assert_eq!(again.received.ops, 0, "a file read is never read again");
    assert_eq!(calls(reader), 2);
}

/// A data directory copied to a second machine speaks as the same replica:
/// the copy that finds its next file name taken takes a new id, and what
/// both copies did reaches everyone.
#[test]
fn a_cloned_replica_takes_a_new_id_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let clone_path = dir.path().join("clone.db");
    std::fs::copy(&replicas[0].path, &clone_path).unwrap();
    let clone_folder = Delivered::new(&cloud);
    clone_folder.deliver_all();
    let mut clone = Replica {
        // A copy of a team member's database is in the team too.
        store: open(&clone_path, "ann", start() + Duration::minutes(2)),
        folder: clone_folder,
        path: clone_path,
        user: "ann".into(),
        skew: Duration::zero(),
    };
    let original_id = replicas[0].store.replica_id().unwrap();
    assert_eq!(clone.store.replica_id().unwrap(), original_id);

    replicas[0].store.set_now(start() + Duration::minutes(3));
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Visit, "原机拜访", None)
        .unwrap();
    replicas[0].sync();
    clone.store.set_now(start() + Duration::minutes(4));
    clone
        .store
        .log_activity(deal, ActivityKind::Call, "copy's call", None)
        .unwrap();
    // The clone has not received the original's new file yet, then does.
    clone.folder.deliver_all();
    let report = clone.sync();
    let new_id = report.new_replica_id.expect("the copy takes a new id");
    assert_ne!(new_id, original_id);
    for _ in 0..3 {
        replicas[0].folder.deliver_all();
        replicas[1].folder.deliver_all();
        clone.folder.deliver_all();
        replicas[0].sync();
        replicas[1].sync();
        clone.sync();
    }
    let all = summaries_of(&clone);
    assert!(
        all.contains("原机拜访") && all.contains("copy's call"),
        "{all:?}"
    );
    assert_eq!(summaries_of(&replicas[0]), all);
    assert_eq!(summaries_of(&replicas[1]), all);
}

/// A member who joins late starts from a teammate's snapshot, reads only
/// the files after it, and ends with what everyone has.
#[test]
fn a_late_member_starts_from_a_snapshot_and_reads_only_what_came_after() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Visit, "拜访之前", None)
        .unwrap();
    replicas[0].sync();
    let first = &mut replicas[0];
    let manifest = team::publish_snapshot(&mut first.store, &first.folder).unwrap();
    // After the snapshot: a change of each existing member's.
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Call, "after the snapshot", None)
        .unwrap();
    replicas[0].sync();
    replicas[1].folder.deliver_all();
    replicas[1].sync();
    replicas[1]
        .store
        .update_deal(
            deal,
            DealPatch {
                title: Some("李娜改的标题".into()),
                ..DealPatch::default()
            },
        )
        .unwrap();
    replicas[1].sync();

    let mut late = newcomer(dir.path(), &cloud);
    let used = team::join_from_snapshot(&mut late.store, &late.folder)
        .unwrap()
        .expect("a snapshot is there");
    assert_eq!(used, manifest);
    team::announce(&late.store, &late.folder).unwrap();
    let report = late.sync();
    let snapshot_ops: i64 = Connection::open(&replicas[0].path)
        .unwrap()
        .query_row("SELECT count(*) FROM ops", [], |r| r.get(0))
        .unwrap();
    assert!(
        (report.received.ops as i64) < snapshot_ops / 2,
        "only what came after the snapshot is read: {} of {snapshot_ops}",
        report.received.ops
    );
    exchange_all(&mut replicas);
    late.folder.deliver_all();
    late.sync();
    let ours = contents(&replicas[0]);
    let theirs = contents(&late);
    for table in [
        "accounts",
        "deals",
        "activities",
        "history",
        "ops",
        "agenda",
    ] {
        assert_eq!(ours[table], theirs[table], "{table}");
    }
    assert_eq!(late.store.deal(deal).unwrap().title, "李娜改的标题");
}

/// Files every member has read and a snapshot holds are removed by the
/// replica that wrote them; a new member starts from the snapshot and
/// ends with everything.
#[test]
fn files_everyone_has_read_are_compacted_into_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let writer = replicas[0].store.replica_id().unwrap();
    for i in 0..4 {
        replicas[0]
            .store
            .log_activity(deal, ActivityKind::Call, &format!("call {i}"), None)
            .unwrap();
        replicas[0].sync();
    }
    let files_of = |cloud: &Rc<RefCell<Cloud>>| -> Vec<i64> {
        cloud
            .borrow()
            .files
            .keys()
            .filter(|(r, _)| *r == writer)
            .map(|(_, n)| *n)
            .collect()
    };
    let written = files_of(&cloud);
    assert!(written.len() >= 5, "{written:?}");
    let first = &mut replicas[0];
    let manifest = team::publish_snapshot(&mut first.store, &first.folder).unwrap();
    replicas[0].sync();
    assert_eq!(
        files_of(&cloud),
        written,
        "nothing goes before the others have read it"
    );

    // The other member reads everything and says so in a file of its own.
    replicas[1].folder.deliver_all();
    replicas[1].sync();
    replicas[1]
        .store
        .log_activity(deal, ActivityKind::Note, "read it all", None)
        .unwrap();
    replicas[1].sync();
    replicas[0].folder.deliver_all();
    replicas[0].sync();
    let left = files_of(&cloud);
    assert!(
        left.iter().all(|n| *n > manifest.number),
        "the files the snapshot holds are gone: {left:?} (snapshot covers {})",
        manifest.number
    );

    let mut late = newcomer(dir.path(), &cloud);
    assert!(
        team::join_from_snapshot(&mut late.store, &late.folder)
            .unwrap()
            .is_some()
    );
    late.sync();
    assert_eq!(summaries_of(&late), summaries_of(&replicas[0]));
    assert!(summaries_of(&late).contains("read it all"));
}

/// A new member on an empty database of their own, with everything
/// delivered, in the team (not yet filled).
fn newcomer(dir: &Path, cloud: &Rc<RefCell<Cloud>>) -> Replica {
    let path = dir.join("late.db");
    let mut late = Replica {
        store: open(&path, "eve", start() + Duration::hours(1)),
        folder: Delivered::new(cloud),
        path,
        user: "eve".into(),
        skew: Duration::zero(),
    };
    late.folder.deliver_all();
    late.store.join_team("the cloud", "team-1").unwrap();
    late
}

fn summaries_of(r: &Replica) -> BTreeSet<String> {
    r.conn()
        .prepare("SELECT summary FROM activities")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A copy of a replica's database file, opened as a second machine would.
fn copy_of(r: &Replica, cloud: &Rc<RefCell<Cloud>>, path: PathBuf, now: DateTime<Utc>) -> Replica {
    std::fs::copy(&r.path, &path).unwrap();
    let folder = Delivered::new(cloud);
    folder.deliver_all();
    Replica {
        store: open(&path, &r.user, now),
        folder,
        path,
        user: r.user.clone(),
        skew: Duration::zero(),
    }
}

fn replicas_and(replicas: &mut [Replica], extra: &mut Replica, rounds: usize) {
    for _ in 0..rounds {
        for r in replicas.iter_mut() {
            r.folder.deliver_all();
            r.sync();
        }
        extra.folder.deliver_all();
        extra.sync();
    }
}

/// A data directory copied while it held a change not yet sent: both
/// copies' later work reaches everyone.
#[test]
fn a_copy_made_with_changes_not_yet_sent_still_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    replicas[0].store.set_now(start() + Duration::minutes(1));
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Visit, "before the copy", None)
        .unwrap();
    let mut copy = copy_of(&replicas[0], &cloud, dir.path().join("copy.db"), start());
    replicas[0].store.set_now(start() + Duration::minutes(3));
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Visit, "original after", None)
        .unwrap();
    replicas[0].sync();
    copy.store.set_now(start() + Duration::minutes(4));
    copy.store
        .log_activity(deal, ActivityKind::Call, "copy after", None)
        .unwrap();
    copy.folder.deliver_all();
    assert!(
        copy.sync().new_replica_id.is_some(),
        "the copy takes a new id"
    );
    replicas_and(&mut replicas, &mut copy, 3);
    for r in replicas.iter().chain([&copy]) {
        let all = summaries_of(r);
        assert!(
            all.contains("original after")
                && all.contains("copy after")
                && all.contains("before the copy"),
            "{all:?}"
        );
    }
}

/// A copy that only ever reads finds out too, and gets the original's work.
#[test]
fn a_copy_that_only_reads_finds_out_and_receives_the_original_s_work() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let mut copy = copy_of(&replicas[0], &cloud, dir.path().join("copy.db"), start());
    replicas[0].store.set_now(start() + Duration::minutes(3));
    replicas[0]
        .store
        .log_activity(deal, ActivityKind::Visit, "original after", None)
        .unwrap();
    replicas[0].sync();
    copy.folder.deliver_all();
    assert!(copy.sync().new_replica_id.is_some());
    copy.sync();
    assert!(summaries_of(&copy).contains("original after"));
}

/// Two members' snapshots and compaction: a new member starting from
/// either still finds every file it needs after it.
#[test]
fn compaction_keeps_what_any_snapshot_still_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let deal = replicas[0].ids("deals")[0];
    let mut minute = 10;
    let mut log = |r: &mut Replica, text: String| {
        minute += 1;
        r.store.set_now(start() + Duration::minutes(minute));
        r.store
            .log_activity(deal, ActivityKind::Call, &text, None)
            .unwrap();
        r.sync();
    };
    for i in 0..5 {
        log(&mut replicas[1], format!("B call {i}"));
    }
    let b = &mut replicas[1];
    team::publish_snapshot(&mut b.store, &b.folder).unwrap();
    for i in 0..2 {
        log(&mut replicas[0], format!("A visit {i}"));
    }
    let a = &mut replicas[0];
    team::publish_snapshot(&mut a.store, &a.folder).unwrap();
    for round in 0..3 {
        for r in replicas.iter_mut() {
            r.folder.deliver_all();
            r.sync();
            let text = format!("{} note {round}", r.user);
            log(r, text);
        }
    }
    exchange_all(&mut replicas);
    let mut late = newcomer(dir.path(), &cloud);
    assert!(
        team::join_from_snapshot(&mut late.store, &late.folder)
            .unwrap()
            .is_some()
    );
    let report = late.sync();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(
        summaries_of(&late),
        summaries_of(&replicas[0]),
        "the new member has everything"
    );
}

/// Planning ahead, doing a reminder of that day, and coming back: the
/// person's done stands, there and back.
#[test]
fn a_done_on_a_planned_day_stands_after_coming_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = open(&path, "ann", start());
    let account = store
        .add_account(NewAccount {
            name: "Acme".into(),
            ..NewAccount::default()
        })
        .unwrap();
    store
        .add_deal(NewDeal {
            account_id: account,
            title: "pumps".into(),
            amount: Some(Money(100)),
            currency: None,
            stage: None,
            need: None,
            expected_close: today().checked_add_days(chrono::Days::new(20)),
            owner: None,
        })
        .unwrap();
    let before: BTreeSet<Id> = store
        .reminders(DueFilter::All, None)
        .unwrap()
        .iter()
        .map(|r| r.reminder.id)
        .collect();
    let later = today() + Duration::days(61);
    store
        .advance(later, start() + Duration::minutes(5))
        .unwrap();
    let made_then = store
        .reminders(DueFilter::All, None)
        .unwrap()
        .iter()
        .map(|r| r.reminder.id)
        .find(|id| !before.contains(id))
        .expect("a reminder of the planned day");
    store.reminder_done(made_then).unwrap();
    let row = |store: &Store| -> (String, Option<String>) {
        Connection::open(store.path())
            .unwrap()
            .query_row(
                "SELECT status, deleted_at FROM reminders WHERE id = ?1",
                [made_then],
                |x| Ok((x.get(0)?, x.get(1)?)),
            )
            .unwrap()
    };
    for day in [today(), later, today()] {
        store.advance(day, start() + Duration::minutes(7)).unwrap();
        assert_eq!(row(&store), ("done".to_string(), None), "on {day}");
    }
}

/// A teammate a day ahead (another time zone) snoozes a reminder their
/// engine opened on their day: here it is neither withdrawn nor woken,
/// today or tomorrow.
#[test]
fn a_teammate_a_day_ahead_does_not_change_this_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let (_cloud, mut replicas) = team_of(2, dir.path());
    let account = replicas[0].ids("accounts")[0];
    let deal = replicas[0]
        .store
        .add_deal(NewDeal {
            account_id: account,
            title: "closing today".into(),
            amount: Some(Money(100)),
            currency: None,
            stage: None,
            need: None,
            expected_close: Some(today()),
            owner: None,
        })
        .unwrap();
    exchange_all(&mut replicas);
    let tomorrow = today() + Duration::days(1);
    replicas[1]
        .store
        .advance(tomorrow, start() + Duration::minutes(5))
        .unwrap();
    let opened = replicas[1]
        .store
        .reminders(DueFilter::All, None)
        .unwrap()
        .iter()
        .find(|x| x.reminder.deal_id == Some(deal))
        .map(|x| x.reminder.id)
        .expect("the slipped deal's reminder");
    replicas[1]
        .store
        .reminder_snooze(opened, tomorrow + Duration::days(5))
        .unwrap();
    exchange_all(&mut replicas);
    let row = |r: &Replica| -> (String, bool) {
        r.conn()
            .query_row(
                "SELECT status, deleted_at IS NOT NULL FROM reminders WHERE id = ?1",
                [opened],
                |x| Ok((x.get(0)?, x.get(1)?)),
            )
            .unwrap()
    };
    replicas[0].store.regrade().unwrap();
    assert_eq!(row(&replicas[0]), ("snoozed".to_string(), false));
    replicas[0]
        .store
        .advance(tomorrow, start() + Duration::minutes(10))
        .unwrap();
    exchange_all(&mut replicas);
    assert_eq!(row(&replicas[0]), row(&replicas[1]));
    assert_eq!(row(&replicas[0]), ("snoozed".to_string(), false));
}

/// Two people snooze two reminders of one kind of one deal (one moved the
/// close date first): both replicas end with one agenda, and one of the
/// snoozes stands, the same one on both.
#[test]
fn two_snoozed_reminders_of_one_kind_settle_alike_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (_cloud, mut replicas) = team_of(2, dir.path());
    let account = replicas[0].ids("accounts")[0];
    replicas[0].store.set_now(start() + Duration::minutes(1));
    let deal = replicas[0]
        .store
        .add_deal(NewDeal {
            account_id: account,
            title: "slipping".into(),
            amount: Some(Money(100)),
            currency: None,
            stage: None,
            need: None,
            expected_close: Some(today() - Duration::days(10)),
            owner: None,
        })
        .unwrap();
    exchange_all(&mut replicas);
    let pending_of = |r: &Replica| -> Vec<Id> {
        r.store
            .reminders(DueFilter::All, None)
            .unwrap()
            .iter()
            .filter(|x| x.reminder.deal_id == Some(deal))
            .map(|x| x.reminder.id)
            .collect()
    };
    replicas[0].store.set_now(start() + Duration::minutes(2));
    replicas[0]
        .store
        .update_deal(
            deal,
            DealPatch {
                expected_close: Some(Some(today() - Duration::days(5))),
                ..DealPatch::default()
            },
        )
        .unwrap();
    let moved = pending_of(&replicas[0])[0];
    replicas[0]
        .store
        .reminder_snooze(moved, today() + Duration::days(3))
        .unwrap();
    replicas[1].store.set_now(start() + Duration::minutes(3));
    let old = pending_of(&replicas[1])[0];
    replicas[1]
        .store
        .reminder_snooze(old, today() + Duration::days(4))
        .unwrap();
    exchange_all(&mut replicas);
    exchange_all(&mut replicas);
    let first = contents(&replicas[0]);
    let second = contents(&replicas[1]);
    assert_eq!(first["agenda"], second["agenda"]);
    assert!(
        first["agenda"].iter().any(|row| row.contains("snoozed")),
        "a snooze stands: {:?}",
        first["agenda"]
    );
}

/// A snapshot made by another version of tierdeck is passed over: the new
/// member reads the change files instead.
#[test]
fn a_snapshot_of_another_version_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let (cloud, mut replicas) = team_of(2, dir.path());
    let a = &mut replicas[0];
    let made = team::publish_snapshot(&mut a.store, &a.folder).unwrap();
    {
        let key = (made.replica.clone(), made.number);
        let mut cloud = cloud.borrow_mut();
        let (db, _) = cloud.snapshots.get(&key).unwrap().clone();
        let old = dir.path().join("old.db");
        std::fs::write(&old, &db).unwrap();
        Connection::open(&old)
            .unwrap()
            .execute_batch("PRAGMA user_version = 4")
            .unwrap();
        let db = std::fs::read(&old).unwrap();
        let mut manifest = made.clone();
        manifest.bytes = db.len() as u64;
        manifest.crc32 = format!("{:08x}", crc32fast::hash(&db));
        cloud
            .snapshots
            .insert(key, (db, serde_json::to_vec(&manifest).unwrap()));
    }
    let mut late = newcomer(dir.path(), &cloud);
    assert_eq!(
        team::join_from_snapshot(&mut late.store, &late.folder).unwrap(),
        None
    );
    late.sync();
    assert_eq!(summaries_of(&late), summaries_of(&replicas[0]));
}

/// An operation this version cannot hold (a text where an amount goes, as a
/// buggy or newer writer might send) does not stop the sync: its row
/// waits, the operation is kept, and the rest applies.
#[test]
fn a_value_this_version_cannot_hold_waits_and_stops_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (_cloud, mut replicas) = team_of(2, dir.path());
    let deals = replicas[0].ids("deals");
    let (odd, fine) = (deals[0], deals[1]);
    let amount_before = replicas[0].store.deal(odd).unwrap().amount.0;
    let op = |seq: i64, row: Id, field: &str, value: serde_json::Value| tierdeck::store::Op {
        replica: "7d2c9a4e-0000-4000-8000-000000000001".into(),
        seq,
        hlc: tierdeck::store::next_stamp(0, start() + Duration::days(1)),
        tbl: "deals".into(),
        row_id: row.0.to_string(),
        field: field.into(),
        value,
        author: "mallory".into(),
        base: None,
    };
    let applied = replicas[0]
        .store
        .apply_ops(
            vec![
                op(1, odd, "amount_minor", "not an amount".into()),
                op(2, fine, "title", "still applied".into()),
                op(3, fine, "new_field_of_a_newer_tierdeck", 1.into()),
            ],
            &[],
        )
        .unwrap();
    assert_eq!(applied.ops, 3, "every operation is kept in the log");
    assert_eq!(applied.pending, 1, "the row with the odd value waits");
    assert_eq!(replicas[0].store.deal(fine).unwrap().title, "still applied");
    assert_eq!(
        replicas[0].store.deal(odd).unwrap().amount.0,
        amount_before,
        "the odd value is not written"
    );
    replicas[0].sync();
}
