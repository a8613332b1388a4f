//! Merging diverged copies (SPEC §5): random edit histories on two copies of
//! one database, merged both ways and twice.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rusqlite::Connection;
use tierdeck::domain::{ActivityKind, Id, Money};
use tierdeck::rules::Rules;
use tierdeck::store::{
    DealFilter, DealPatch, DueFilter, MergeSummary, NewAccount, NewDeal, OpenMode, Session, Store,
    StoreError,
};

const TABLES: [&str; 7] = [
    "row_versions",
    "accounts",
    "contacts",
    "deals",
    "reminders",
    "activities",
    "history",
];

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

/// Three accounts with two deals each, as both copies had them before
/// they went their own ways.
fn base(path: &Path) -> Vec<Id> {
    let mut store = open(path, "base", start());
    let mut deals = Vec::new();
    for (i, name) in ["华为云", "Acme", "星河贸易"].iter().enumerate() {
        let account = store
            .add_account(NewAccount {
                name: name.to_string(),
                ..NewAccount::default()
            })
            .unwrap();
        for j in 0..2 {
            let close = today() + Duration::days(20 + 40 * (i as i64) + 70 * j);
            deals.push(
                store
                    .add_deal(NewDeal {
                        account_id: account,
                        title: format!("{name} deal {j}"),
                        amount: Some(Money(100_000 * (j + 1))),
                        currency: None,
                        stage: None,
                        need: None,
                        expected_close: Some(close),
                        owner: None,
                    })
                    .unwrap(),
            );
        }
    }
    deals
}

#[derive(Debug, Clone)]
enum Edit {
    Log(usize),
    Title(usize, u8),
    Amount(usize, u32),
    Close(usize, u16),
    Stage(usize, u8),
    Won(usize),
    Lost(usize),
    NewDeal(usize),
    Region(usize, u8),
    Done(usize),
    Snooze(usize, u8),
    /// A tombstone, as a delete would leave it.
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = 0usize..8;
    prop_oneof![
        n.clone().prop_map(Edit::Log),
        (n.clone(), any::<u8>()).prop_map(|(d, t)| Edit::Title(d, t % 4)),
        (n.clone(), 1u32..500).prop_map(|(d, a)| Edit::Amount(d, a)),
        (n.clone(), 0u16..300).prop_map(|(d, c)| Edit::Close(d, c)),
        (n.clone(), any::<u8>()).prop_map(|(d, s)| Edit::Stage(d, s)),
        n.clone().prop_map(Edit::Won),
        n.clone().prop_map(Edit::Lost),
        (0usize..3).prop_map(Edit::NewDeal),
        (0usize..3, any::<u8>()).prop_map(|(a, r)| Edit::Region(a, r % 3)),
        n.clone().prop_map(Edit::Done),
        (n.clone(), 1u8..20).prop_map(|(d, s)| Edit::Snooze(d, s)),
        n.prop_map(Edit::Delete),
    ]
}

/// Applies edits to one copy, each at its own moment. Moments are whole
/// seconds from the same start, shifted by `skew`, so the two copies often
/// hold versions of one row stamped in the same second by different people:
/// the tie-breaks after the moment are exercised. One person's stamps on
/// two machines differ at least in the millisecond (`skew`); an exact tie
/// has a test of its own. Edits the store refuses (a won deal won again)
/// are fine: they change nothing.
fn apply(path: &Path, user: &str, skew: Duration, edits: &[(Edit, u8)], base_deals: &[Id]) {
    let mut store = open(path, user, start());
    let mut deals = base_deals.to_vec();
    let accounts: Vec<Id> = {
        let mut seen = Vec::new();
        for d in base_deals {
            let a = store.deal(*d).unwrap().account_id;
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        seen
    };
    let stages: Vec<String> = store.rules().stages.iter().map(|s| s.id.clone()).collect();
    let mut now = start() + skew;
    for (edit, gap) in edits {
        now += Duration::seconds(i64::from(*gap % 3));
        store.set_now(now);
        let pick = |i: usize| deals[i % deals.len()];
        let _ = match edit {
            Edit::Log(d) => store
                .log_activity(
                    pick(*d),
                    ActivityKind::Call,
                    &format!("{user} called"),
                    None,
                )
                .map(drop),
            Edit::Title(d, t) => update(&mut store, pick(*d), |p| {
                p.title = Some(format!("{user} title {t}"))
            }),
            Edit::Amount(d, a) => update(&mut store, pick(*d), |p| {
                p.amount = Some(Money(i64::from(*a) * 1000))
            }),
            Edit::Close(d, c) => update(&mut store, pick(*d), |p| {
                p.expected_close = Some(Some(today() + Duration::days(i64::from(*c))))
            }),
            Edit::Stage(d, s) => {
                let stage = stages[usize::from(*s) % stages.len()].clone();
                update(&mut store, pick(*d), |p| p.stage = Some(stage))
            }
            Edit::Won(d) => store.won(pick(*d), None),
            Edit::Lost(d) => store.lost(pick(*d), &format!("{user} lost it")),
            Edit::NewDeal(a) => store
                .add_deal(NewDeal {
                    account_id: accounts[*a % accounts.len()],
                    title: format!("{user}'s new deal"),
                    amount: None,
                    currency: None,
                    stage: None,
                    need: None,
                    expected_close: Some(today() + Duration::days(45)),
                    owner: None,
                })
                .map(|id| deals.push(id)),
            Edit::Region(a, r) => store
                .update_account(
                    accounts[*a % accounts.len()],
                    tierdeck::store::AccountPatch {
                        region: Some(["华东", "华南", "North"][usize::from(*r)].to_string()),
                        ..Default::default()
                    },
                )
                .map(drop),
            Edit::Done(d) => {
                first_reminder(&store, pick(*d)).map_or(Ok(()), |r| store.reminder_done(r))
            }
            Edit::Snooze(d, s) => first_reminder(&store, pick(*d)).map_or(Ok(()), |r| {
                store.reminder_snooze(r, today() + Duration::days(i64::from(*s)))
            }),
            Edit::Delete(d) => {
                tombstone(path, pick(*d), user, now);
                Ok(())
            }
        };
    }
}

fn update(
    store: &mut Store,
    id: Id,
    change: impl FnOnce(&mut DealPatch),
) -> Result<(), StoreError> {
    let mut patch = DealPatch::default();
    change(&mut patch);
    store.update_deal(id, patch).map(drop)
}

fn first_reminder(store: &Store, deal: Id) -> Option<Id> {
    store
        .reminders(DueFilter::All, None)
        .ok()?
        .into_iter()
        .find(|r| r.reminder.deal_id == Some(deal))
        .map(|r| r.reminder.id)
}

/// No command deletes a deal yet; a tombstone is written as one would be.
fn tombstone(path: &Path, deal: Id, user: &str, now: DateTime<Utc>) {
    let conn = Connection::open(path).unwrap();
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    conn.execute(
        "UPDATE deals SET deleted_at = ?2, updated_at = ?2, updated_by = ?3, version = version + 1
         WHERE id = ?1 AND deleted_at IS NULL",
        rusqlite::params![deal.to_string(), at, user],
    )
    .unwrap();
}

/// Every row of every table people's data lives in, as text, by table.
fn dump(path: &Path) -> BTreeMap<&'static str, BTreeSet<Vec<String>>> {
    let conn = Connection::open(path).unwrap();
    TABLES
        .iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let width = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    (0..width)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => "∅".to_string(),
                                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                                v => v.as_str().unwrap_or("?").to_string(),
                            })
                        })
                        .collect::<rusqlite::Result<Vec<String>>>()
                })
                .unwrap()
                .collect::<rusqlite::Result<BTreeSet<_>>>()
                .unwrap();
            (*table, rows)
        })
        .collect()
}

fn ids(path: &Path, table: &str) -> BTreeSet<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare(&format!("SELECT id FROM {table}")).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Merges a copy of `other` into a copy of `into`, as one person at one
/// moment, and returns the merged file.
fn merged(dir: &Path, into: &Path, other: &Path, name: &str) -> PathBuf {
    let result = dir.join(format!("{name}.db"));
    fs::copy(into, &result).unwrap();
    merge_in(dir, &result, other);
    result
}

fn merge_in(dir: &Path, into: &Path, other: &Path) -> MergeSummary {
    merge_as(dir, into, other, "merger", start() + Duration::hours(1))
}

fn merge_as(dir: &Path, into: &Path, other: &Path, user: &str, at: DateTime<Utc>) -> MergeSummary {
    let copy = conflict_copy_of(into);
    assert_eq!(copy.parent(), Some(dir));
    fs::copy(other, &copy).unwrap();
    let session = Session {
        user: user.to_string(),
        today: at.date_naive(),
        now: at,
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    };
    let mut store = Store::open(into, OpenMode::Existing, session, Rules::defaults()).unwrap();
    let summary = store.merge(&copy, false, &mut |_, _| {}).unwrap();
    assert!(!copy.exists(), "the merged copy is moved aside");
    summary
}

/// A file that is not a conflict copy of this database (a teammate's own,
/// say) is merged but left where it is.
#[test]
fn a_file_that_is_no_conflict_copy_is_merged_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tierdeck.db");
    base(&db);
    let elsewhere = tempfile::tempdir().unwrap();
    let bobs = elsewhere.path().join("bob.db");
    let mut bob = open(&bobs, "bob", start());
    bob.add_account(NewAccount {
        name: "Bob's customer".into(),
        ..NewAccount::default()
    })
    .unwrap();
    drop(bob);
    let mut store = open(&db, "ann", start() + Duration::minutes(1));
    let summary = store.merge(&bobs, false, &mut |_, _| {}).unwrap();
    assert_eq!(summary.aside, tierdeck::store::Aside::Kept);
    assert!(bobs.exists());
    assert!(store.account_named("Bob's customer").unwrap().is_some());
}

/// Who saved a row last, and when: version, moment, name.
type Stamp = (i64, String, String);

/// A new name beside `db` as Syncthing names its conflict copies: the
/// merge moves only such copies aside.
fn conflict_copy_of(db: &Path) -> PathBuf {
    static TAKEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = TAKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stem = db.file_stem().and_then(|s| s.to_str()).unwrap();
    let time = format!("{:02}{:02}{:02}", n / 3600 % 24, n / 60 % 60, n % 60);
    db.with_file_name(format!("{stem}.sync-conflict-20261201-{time}-ABCD123.db"))
}

/// A deal's stamp and what people edit in it, by id.
fn deal_states(path: &Path) -> BTreeMap<String, (Stamp, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, version, updated_at, updated_by,
                json_array(title, amount_minor, stage, need, expected_close, pinned_grade,
                    pin_reason, owner, stage_entered_on, closed_on, lost_reason, deleted_at)
             FROM deals",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            ((r.get(1)?, r.get(2)?, r.get(3)?), r.get(4)?),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn merging_is_order_free_idempotent_and_keeps_every_activity_and_history_row(
        edits_a in prop::collection::vec((edit(), any::<u8>()), 0..14),
        edits_b in prop::collection::vec((edit(), any::<u8>()), 0..14),
        same_user in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let base_path = dir.path().join("base.db");
        let deals = base(&base_path);
        let a = dir.path().join("a.db");
        let b = dir.path().join("b.db");
        fs::copy(&base_path, &a).unwrap();
        fs::copy(&base_path, &b).unwrap();
        apply(&a, "ann", Duration::zero(), &edits_a, &deals);
        let (b_user, skew) = if same_user {
            ("ann", Duration::milliseconds(1))
        } else {
            ("bob", Duration::zero())
        };
        apply(&b, b_user, skew, &edits_b, &deals);

        let ab = dir.path().join("ab.db");
        fs::copy(&a, &ab).unwrap();
        let summary = merge_in(dir.path(), &ab, &b);
        let ba = merged(dir.path(), &b, &a, "ba");
        let ab_rows = dump(&ab);
        prop_assert_eq!(&ab_rows, &dump(&ba), "merge(a, b) and merge(b, a) differ");

        // A deal both copies edited apart, each its own way: the version not
        // kept is reported.
        let (before, in_a, in_b, after) =
            (deal_states(&base_path), deal_states(&a), deal_states(&b), deal_states(&ab));
        for (id, (stamp, _)) in &before {
            let (a_stamp, a_content) = &in_a[id];
            let (b_stamp, b_content) = &in_b[id];
            if a_stamp != stamp && b_stamp != stamp && a_content != b_content {
                let kept = &after[id].1;
                let reported = summary.overruled.iter().any(|o| o.id.to_string() == *id);
                prop_assert!(reported, "deal {} edited on both sides, {:?} kept, not reported", id, kept);
            }
        }

        let again = merge_in(dir.path(), &ab, &b);
        merge_in(dir.path(), &ab, &a);
        prop_assert_eq!(&ab_rows, &dump(&ab), "merging again changed something");
        prop_assert_eq!(again.changed(), 0);
        prop_assert!(again.overruled.is_empty(), "{:?}", again.overruled);
        // Days later, as someone else: still nothing to bring in.
        let later = merge_as(dir.path(), &ab, &b, "carol", start() + Duration::days(3));
        prop_assert_eq!(later.changed(), 0, "a later merge of the same copy changed rows");

        for table in ["activities", "history"] {
            let kept = ids(&ab, table);
            for side in [&a, &b] {
                let missing: Vec<_> = ids(side, table).difference(&kept).cloned().collect();
                prop_assert!(missing.is_empty(), "{} lost from {}: {:?}", table, side.display(), missing);
            }
        }
        let check: String = Connection::open(&ab)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        prop_assert_eq!(check, "ok");
    }
}

#[test]
fn the_later_edit_of_a_row_wins_and_the_overruled_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("tierdeck.db");
    let deals = base(&a);
    let copy = dir
        .path()
        .join("tierdeck (Bob's conflicted copy 2026-12-01).db");
    fs::copy(&a, &copy).unwrap();
    let (mine, theirs_only) = (deals[0], deals[1]);

    let mut bob = open(&copy, "bob", start() + Duration::minutes(5));
    update(&mut bob, mine, |p| p.title = Some("Bob's title".into())).unwrap();
    update(&mut bob, theirs_only, |p| p.title = Some("Only Bob".into())).unwrap();
    bob.log_activity(mine, ActivityKind::Visit, "拜访客户", None)
        .unwrap();
    drop(bob);

    let mut ann = open(&a, "ann", start() + Duration::minutes(10));
    update(&mut ann, mine, |p| p.amount = Some(Money(99_900))).unwrap();

    let dry = ann.merge(&copy, true, &mut |_, _| {}).unwrap();
    assert!(dry.is_dry_run() && copy.exists(), "a dry run moves nothing");
    assert_eq!(ann.deal(theirs_only).unwrap().title, "华为云 deal 1");

    let summary = ann.merge(&copy, false, &mut |_, _| {}).unwrap();
    let deals_merged = summary.tables.iter().find(|t| t.table == "deals").unwrap();
    assert_eq!((deals_merged.added, deals_merged.updated), (0, 1));
    assert_eq!(ann.deal(theirs_only).unwrap().title, "Only Bob");
    // Ann's edit of the same deal came later: her row wins, and Bob's
    // title is named in the report rather than dropped without a word.
    let kept = ann.deal(mine).unwrap();
    assert_eq!(kept.title, "华为云 deal 0");
    assert_eq!(kept.amount, Money(99_900));
    let [overruled] = summary.overruled.as_slice() else {
        panic!("one overruled row expected: {:?}", summary.overruled);
    };
    assert_eq!(
        (
            overruled.id,
            overruled.kept_by.as_str(),
            overruled.lost_by.as_str()
        ),
        (mine, "ann", "bob")
    );
    assert!(overruled.fields.contains(&(
        "title".into(),
        "Bob's title".into(),
        "华为云 deal 0".into()
    )));
    // Bob's visit is there, and counts as the deal's latest touch.
    let row = ann
        .deals(&DealFilter {
            all_stages: true,
            ..DealFilter::default()
        })
        .unwrap()
        .into_iter()
        .find(|r| r.deal.id == mine)
        .unwrap();
    assert_eq!(row.last_activity, Some(today()));
    let tierdeck::store::Aside::Moved(moved) = summary.aside else {
        panic!("moved aside: {:?}", summary.aside);
    };
    assert!(!copy.exists() && moved.exists());
    assert_eq!(moved.parent().unwrap(), dir.path().join("merged"));
}

#[test]
fn copies_that_cannot_be_merged_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tierdeck.db");
    base(&db);
    let before = dump(&db);

    let text = dir.path().join("notes.db");
    fs::write(&text, "not a database at all").unwrap();
    let foreign = dir.path().join("other-app.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    let newer = dir.path().join("newer.db");
    fs::copy(&db, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();

    // A copy whose pages after the first are noise: damaged, not foreign.
    let damaged = dir
        .path()
        .join("tierdeck (Ann's conflicted copy 2026-12-01).db");
    let mut bytes = fs::read(&db).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
    }
    fs::write(&damaged, bytes).unwrap();

    let mut store = open(&db, "ann", start());
    for (file, says) in [
        (&damaged, "damaged"),
        (&text, "not"),
        (&foreign, "not a tierdeck database"),
        (&newer, "newer tierdeck"),
        (&db, "this database itself"),
    ] {
        let err = store.merge(file, false, &mut |_, _| {}).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(says) && message.contains("nothing was changed"),
            "{message}"
        );
        assert!(file.exists(), "{} stays where it was", file.display());
    }
    drop(store);
    assert_eq!(dump(&db), before);
}

/// Two edits by the same person at the same moment, one on each copy: the
/// content decides, and decides the same from both sides.
#[test]
fn an_exact_tie_is_broken_the_same_way_from_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let deals = base(&a);
    let b = dir.path().join("b.db");
    fs::copy(&a, &b).unwrap();
    let at = start() + Duration::minutes(1);
    for (path, title) in [(&a, "Title from a"), (&b, "Title from b")] {
        let mut store = open(path, "ann", at);
        update(&mut store, deals[0], |p| p.title = Some(title.into())).unwrap();
    }
    let ab = merged(dir.path(), &a, &b, "ab");
    let ba = merged(dir.path(), &b, &a, "ba");
    assert_eq!(dump(&ab), dump(&ba));
    let title = open(&ab, "ann", at).deal(deals[0]).unwrap().title;
    assert_eq!(title, "Title from b", "the greater content wins a tie");
}

/// The merge is in even when the copy cannot be moved aside (here a file
/// takes the folder's name): the user is told so, and merging the copy
/// again changes nothing.
#[test]
fn a_copy_that_cannot_be_moved_aside_is_merged_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tierdeck.db");
    let deals = base(&db);
    let copy = dir.path().join("tierdeck-LAPTOP7.db");
    fs::copy(&db, &copy).unwrap();
    let mut bob = open(&copy, "bob", start() + Duration::minutes(1));
    update(&mut bob, deals[2], |p| p.title = Some("Bob's".into())).unwrap();
    drop(bob);
    fs::write(dir.path().join("merged"), "in the way").unwrap();

    let mut ann = open(&db, "ann", start() + Duration::minutes(2));
    let summary = ann.merge(&copy, false, &mut |_, _| {}).unwrap();
    assert!(
        matches!(summary.aside, tierdeck::store::Aside::Stuck(_)),
        "{:?}",
        summary.aside
    );
    assert!(copy.exists());
    assert_eq!(ann.deal(deals[2]).unwrap().title, "Bob's");
    let again = ann.merge(&copy, true, &mut |_, _| {}).unwrap();
    assert_eq!(again.changed(), 0);
}

/// Each copy added the same new customer: both accounts are kept, and the
/// merge names the clash, since a lookup by that name is now ambiguous.
#[test]
fn the_same_new_account_on_both_copies_is_kept_twice_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    base(&a);
    let b = dir.path().join("b.db");
    fs::copy(&a, &b).unwrap();
    let mut ids = Vec::new();
    for (path, user) in [(&a, "ann"), (&b, "bob")] {
        let mut store = open(path, user, start() + Duration::minutes(1));
        ids.push(
            store
                .add_account(NewAccount {
                    name: "深圳新客户".into(),
                    ..NewAccount::default()
                })
                .unwrap(),
        );
    }
    ids.sort();
    let summary = merge_in(dir.path(), &a, &b);
    let [clash] = summary.name_clashes.as_slice() else {
        panic!("one clash expected: {:?}", summary.name_clashes);
    };
    assert_eq!((clash.name.as_str(), &clash.ids), ("深圳新客户", &ids));
    assert!(
        merge_in(dir.path(), &a, &b).name_clashes.is_empty(),
        "reported once"
    );
}
