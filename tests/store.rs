//! Store tests on real SQLite files in temporary directories.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use tierdeck::domain::{
    ActivityKind, Grade, HistoryField, Money, Need, Reason, ReminderKind, ReminderStatus,
};
use tierdeck::rules::Rules;
use tierdeck::store::{
    DealFilter, DealPatch, DealRefusal, DueFilter, ImportKind, NewAccount, NewDeal, OpenMode,
    Session, Store, StoreError, Table,
};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn session(today: &str) -> Session {
    Session {
        user: "ann".to_string(),
        today: day(today),
        now: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    }
}

fn open(path: &Path, today: &str) -> Store {
    let mut store = Store::open(
        path,
        OpenMode::CreateFile,
        session(today),
        Rules::defaults(),
    )
    .unwrap();
    store.refresh().unwrap();
    store
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    Fixture { _dir: dir, path }
}

fn account(store: &mut Store, name: &str) -> tierdeck::domain::Id {
    store
        .add_account(NewAccount {
            name: name.to_string(),
            ..NewAccount::default()
        })
        .unwrap()
}

fn deal(
    store: &mut Store,
    account: tierdeck::domain::Id,
    title: &str,
    close: Option<&str>,
) -> tierdeck::domain::Id {
    store
        .add_deal(NewDeal {
            account_id: account,
            title: title.to_string(),
            amount: Some(Money(1_200_050)),
            currency: None,
            stage: None,
            need: Some(Need::Explicit),
            expected_close: close.map(day),
            owner: None,
        })
        .unwrap()
}

fn count(path: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn opening_twice_migrates_once_and_keeps_data() {
    let f = fixture();
    {
        let mut s = open(&f.path, "2026-11-23");
        account(&mut s, "上海华信科技有限公司");
    }
    let s = open(&f.path, "2026-11-23");
    assert_eq!(s.accounts(&Default::default()).unwrap().len(), 1);
    assert_eq!(
        count(&f.path, "PRAGMA user_version"),
        tierdeck::store::latest_version()
    );
}

#[test]
fn journal_mode_is_a_rollback_journal_not_wal() {
    let f = fixture();
    drop(open(&f.path, "2026-11-23"));
    let conn = rusqlite::Connection::open(&f.path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn random_bytes_are_refused_and_left_untouched() {
    let f = fixture();
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    fs::write(&f.path, &junk).unwrap();
    let err = Store::open(
        &f.path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::NotSqlite(_)), "{err}");
    assert_eq!(fs::read(&f.path).unwrap(), junk);
}

#[test]
fn a_newer_schema_is_refused() {
    let f = fixture();
    drop(open(&f.path, "2026-11-23"));
    rusqlite::Connection::open(&f.path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(
        &f.path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("newer tierdeck"), "{err}");
}

#[test]
fn another_programs_sqlite_file_is_refused() {
    let f = fixture();
    rusqlite::Connection::open(&f.path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (x TEXT)")
        .unwrap();
    let err = Store::open(
        &f.path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::NotTierdeck(_)), "{err}");
}

#[test]
fn a_missing_directory_is_not_created_for_an_explicit_path() {
    let f = fixture();
    let path = f.path.parent().unwrap().join("no/such/dir/t.db");
    let err = Store::open(
        &path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::MissingDir(_)), "{err}");
    assert!(!path.parent().unwrap().exists());
}

#[test]
fn ids_resolve_by_unique_prefix_and_refuse_short_or_ambiguous_ones() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2026-12-01"));
    let full = d.to_string();
    assert_eq!(s.resolve(Table::Deals, &full[..8]).unwrap(), d);
    assert_eq!(s.resolve(Table::Deals, &full.to_uppercase()).unwrap(), d);
    assert!(matches!(
        s.resolve(Table::Deals, &full[..3]),
        Err(StoreError::BadId { .. })
    ));
    assert!(matches!(
        s.resolve(Table::Deals, "zzzz"),
        Err(StoreError::BadId { .. })
    ));
    assert!(matches!(
        s.resolve(Table::Deals, "ffffffff"),
        Err(StoreError::NoSuchId { .. })
    ));
    // Random ids rarely share four characters; when they do, the prefix is refused.
    let d2 = deal(&mut s, a, "Second", None);
    let common: usize = full
        .chars()
        .zip(d2.to_string().chars())
        .take_while(|(x, y)| x == y)
        .count();
    if common >= 4 {
        let err = s.resolve(Table::Deals, &full[..common]).unwrap_err();
        assert!(matches!(err, StoreError::Ambiguous { .. }), "{err}");
    }
}

#[test]
fn a_new_deal_is_graded_and_its_stage_and_grade_recorded() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2026-12-23"));
    let detail = s.deal_detail(d).unwrap();
    assert_eq!(detail.row.deal.grade, Grade::A);
    let fields: Vec<(HistoryField, &str, &str)> = detail
        .history
        .iter()
        .map(|h| (h.field, h.old.as_str(), h.new.as_str()))
        .collect();
    assert!(fields.contains(&(HistoryField::Stage, "", "lead")));
    assert!(fields.contains(&(HistoryField::Grade, "", "A")));
}

#[test]
fn moving_the_close_date_regrades_at_once_with_history() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2026-12-23"));
    let changes = s
        .update_deal(
            d,
            DealPatch {
                expected_close: Some(Some(day("2027-02-23"))),
                ..DealPatch::default()
            },
        )
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].from, changes[0].to), (Grade::A, Grade::B));
    let detail = s.deal_detail(d).unwrap();
    assert_eq!(detail.row.deal.grade, Grade::B);
    let last = detail.history.last().unwrap();
    assert_eq!(
        (last.field, last.old.as_str(), last.new.as_str()),
        (HistoryField::Grade, "A", "B")
    );
    assert!(last.reason.is_rule(), "{:?}", last.reason);
}

#[test]
fn time_passing_regrades_and_opens_one_revisit_that_an_activity_closes() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        deal(&mut s, a, "Fleet rollout", Some("2027-03-01"))
    };
    // B deal: revisit every 14 days from creation.
    let mut s = open(&f.path, "2026-12-08");
    let revisits = |s: &Store| {
        s.deal_detail(d)
            .unwrap()
            .reminders
            .into_iter()
            .filter(|r| r.kind == ReminderKind::Revisit)
            .collect::<Vec<_>>()
    };
    let open_now = revisits(&s);
    assert_eq!(open_now.len(), 1);
    assert_eq!(open_now[0].due, day("2026-12-07"));
    assert_eq!(open_now[0].status, ReminderStatus::Open);
    s.regrade().unwrap();
    assert_eq!(
        revisits(&s).len(),
        1,
        "running the engine again adds nothing"
    );

    s.log_activity(d, ActivityKind::Call, "谈了预算", None)
        .unwrap();
    let after = revisits(&s);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].status, ReminderStatus::Done);
    assert_eq!(
        s.deals(&DealFilter::default()).unwrap()[0].next_revisit,
        Some(day("2026-12-22"))
    );
}

#[test]
fn dismissing_a_revisit_restarts_the_cadence_instead_of_reopening_it() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        deal(&mut s, a, "Fleet rollout", Some("2027-03-01"))
    };
    let mut s = open(&f.path, "2026-12-10");
    let pending = s.reminders(DueFilter::All, None).unwrap();
    assert_eq!(pending.len(), 1);
    s.reminder_dismiss(pending[0].reminder.id).unwrap();
    assert!(s.reminders(DueFilter::All, None).unwrap().is_empty());
    drop(s);
    let s = open(&f.path, "2026-12-24");
    let pending = s.reminders(DueFilter::All, None).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].reminder.due, day("2026-12-24"));
    let _ = d;
}

#[test]
fn won_deals_keep_their_grade_and_leave_the_reminders() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        deal(&mut s, a, "Fleet rollout", Some("2026-12-01"))
    };
    let mut s = open(&f.path, "2026-12-05");
    assert!(!s.reminders(DueFilter::All, None).unwrap().is_empty());
    s.won(d, Some(Money(99_900))).unwrap();
    assert!(s.reminders(DueFilter::All, None).unwrap().is_empty());
    let won = s.deal(d).unwrap();
    assert_eq!(won.grade, Grade::A);
    assert_eq!(won.amount, Money(99_900));
    assert_eq!(won.closed_on, Some(day("2026-12-05")));
    assert!(s.deals(&DealFilter::default()).unwrap().is_empty());
}

#[test]
fn lost_deals_drop_to_e_with_the_reason() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2026-12-01"));
    s.lost(d, "选择了竞争对手").unwrap();
    let lost = s.deal(d).unwrap();
    assert_eq!(lost.grade, Grade::E);
    assert_eq!(lost.lost_reason.as_deref(), Some("选择了竞争对手"));
    assert!(matches!(
        s.lost(d, "again"),
        Err(StoreError::Deal(DealRefusal::AlreadyLost { .. }))
    ));
    assert!(matches!(
        s.lost(d, "  "),
        Err(StoreError::Deal(DealRefusal::LostWithoutReason))
    ));
}

#[test]
fn a_pinned_grade_stays_until_unpinned_and_both_are_in_history() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        let d = deal(&mut s, a, "Fleet rollout", Some("2027-06-01"));
        s.pin(d, Grade::A, "CEO promised").unwrap();
        d
    };
    let mut s = open(&f.path, "2027-01-15");
    assert_eq!(s.deal(d).unwrap().grade, Grade::A);
    s.unpin(d).unwrap();
    assert_eq!(s.deal(d).unwrap().grade, Grade::C);
    let history = s.deal_detail(d).unwrap().history;
    let pins: Vec<(&str, &str)> = history
        .iter()
        .filter(|h| h.field == HistoryField::Pin)
        .map(|h| (h.old.as_str(), h.new.as_str()))
        .collect();
    assert_eq!(pins, vec![("", "A"), ("A", "")]);
    assert!(
        history
            .iter()
            .any(|h| h.reason == Reason::Pinned("CEO promised".into()))
    );
}

#[test]
fn a_stale_version_is_refused_and_nothing_is_overwritten() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2027-06-01"));
    let loaded = s.deal(d).unwrap().meta.version;
    s.update_deal(
        d,
        DealPatch {
            title: Some("Theirs".into()),
            ..DealPatch::default()
        },
    )
    .unwrap();
    let err = s
        .update_deal(
            d,
            DealPatch {
                title: Some("Mine".into()),
                expected_version: Some(loaded),
                ..DealPatch::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert_eq!(s.deal(d).unwrap().title, "Theirs");
}

#[test]
fn an_import_with_one_bad_row_writes_nothing() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let csv = "Deal Name,Company Name,Amount,Close Date\n\
               ERP 升级,上海华信,\"¥12,400.00\",2026-12-01\n\
               Fleet,Northwind,1000,2026-02-30\n";
    let err = s
        .import(
            ImportKind::Deals,
            csv.as_bytes(),
            &tierdeck::store::Importing::default(),
            &mut |_, _| {},
        )
        .unwrap_err();
    match &err {
        StoreError::Rejected(r) => {
            assert_eq!(r.bad.iter().map(|e| e.line).collect::<Vec<_>>(), [3])
        }
        other => panic!("{other}"),
    }
    assert_eq!(count(&f.path, "SELECT count(*) FROM deals"), 0);
    assert_eq!(count(&f.path, "SELECT count(*) FROM accounts"), 0);
}

#[test]
fn an_import_names_an_account_twice_as_one_and_a_dry_run_writes_nothing() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let csv = "Deal - Title,Organization,Deal - Value,Deal - Expected close date\n\
               ERP 升级,上海华信,\"¥12,400.00\",2026-12-01\n\
               耗材采购,上海华信,5000,10/01/2027\n";
    // One US date alone shows no order: the file says which it is.
    let how = tierdeck::store::Importing {
        options: tierdeck::transfer::ImportOptions {
            date_order: Some(tierdeck::parse::DateOrder::Mdy),
            ..Default::default()
        },
        ..Default::default()
    };
    let dry_run = tierdeck::store::Importing {
        dry_run: true,
        ..how.clone()
    };
    let dry = s
        .import(ImportKind::Deals, csv.as_bytes(), &dry_run, &mut |_, _| {})
        .unwrap();
    let n = dry.counts;
    assert_eq!((n.rows, n.created, n.accounts_created), (2, 2, 1));
    assert_eq!(count(&f.path, "SELECT count(*) FROM deals"), 0);
    let real = s
        .import(ImportKind::Deals, csv.as_bytes(), &how, &mut |_, _| {})
        .unwrap();
    assert_eq!(
        (real.counts, real.plan, real.dry_run),
        (dry.counts, dry.plan, false)
    );
    let rows = s.deals(&DealFilter::default()).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.account == "上海华信"));
    let erp = rows.iter().find(|r| r.deal.title == "ERP 升级").unwrap();
    assert_eq!(erp.deal.amount, Money(1_240_000));
    assert_eq!(erp.deal.grade, Grade::A);
    // Importing the same file again updates nothing and adds nothing.
    let again = s
        .import(ImportKind::Deals, csv.as_bytes(), &how, &mut |_, _| {})
        .unwrap();
    assert_eq!((again.counts.created, again.counts.unchanged), (0, 2));
}

#[test]
fn an_export_imports_back_unchanged() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    s.demo(30, 3, &mut |_, _| {}).unwrap();
    let first = f.path.parent().unwrap().join("first");
    s.export(&first, tierdeck::store::ExportFormat::Csv)
        .unwrap();

    let copy = f.path.parent().unwrap().join("copy.db");
    let mut c = open(&copy, "2026-11-23");
    for (kind, file) in [
        (ImportKind::Accounts, "accounts"),
        (ImportKind::Contacts, "contacts"),
        (ImportKind::Deals, "deals"),
        (ImportKind::Activities, "activities"),
        (ImportKind::Reminders, "reminders"),
        (ImportKind::History, "history"),
    ] {
        let text = fs::read(first.join(format!("{file}.csv"))).unwrap();
        c.import(
            kind,
            text.as_slice(),
            &tierdeck::store::Importing::default(),
            &mut |_, _| {},
        )
        .unwrap();
    }
    let second = f.path.parent().unwrap().join("second");
    c.export(&second, tierdeck::store::ExportFormat::Csv)
        .unwrap();
    for file in [
        "accounts",
        "contacts",
        "deals",
        "activities",
        "reminders",
        "history",
    ] {
        let a = fs::read_to_string(first.join(format!("{file}.csv"))).unwrap();
        let b = fs::read_to_string(second.join(format!("{file}.csv"))).unwrap();
        assert!(a.lines().count() > 1, "{file} is empty");
        assert_eq!(a, b, "{file}.csv differs after the round trip");
    }
}

#[test]
fn demo_data_is_reproducible_and_graded() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let summary = s.demo(50, 9, &mut |_, _| {}).unwrap();
    assert_eq!(summary.accounts, 50);
    assert!(summary.deals > 0 && summary.activities > 0);
    let grades: std::collections::BTreeSet<Grade> = s
        .deals(&DealFilter::default())
        .unwrap()
        .iter()
        .map(|r| r.deal.grade)
        .collect();
    assert!(
        grades.len() >= 4,
        "demo open deals span the grades: {grades:?}"
    );
    assert!(
        s.regrade().unwrap().is_empty(),
        "demo data is already graded for today"
    );
}

#[test]
fn a_changed_rules_file_regrades_the_same_day() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        deal(&mut s, a, "Fleet rollout", Some("2027-02-10"))
    };
    assert_eq!(open(&f.path, "2026-11-23").deal(d).unwrap().grade, Grade::B);
    let stricter = Rules::from_toml("[grades]\nb_within_months = 2\n", "rules.toml").unwrap();
    let mut s = Store::open(
        &f.path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        stricter,
    )
    .unwrap();
    s.refresh().unwrap();
    assert_eq!(s.deal(d).unwrap().grade, Grade::C);
}

#[test]
fn importing_an_older_export_never_undoes_a_newer_edit() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2027-02-10"));
    let backup = f.path.parent().unwrap().join("backup");
    s.export(&backup, tierdeck::store::ExportFormat::Csv)
        .unwrap();
    drop(s);
    let later = Session {
        now: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        ..session("2026-11-23")
    };
    let mut s = Store::open(&f.path, OpenMode::CreateFile, later, Rules::defaults()).unwrap();
    s.update_deal(
        d,
        DealPatch {
            amount: Some(Money(9_999_900)),
            ..DealPatch::default()
        },
    )
    .unwrap();
    let version = s.deal(d).unwrap().meta.version;
    let old = fs::read(backup.join("deals.csv")).unwrap();
    let summary = s
        .import(
            ImportKind::Deals,
            old.as_slice(),
            &tierdeck::store::Importing::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!((summary.counts.updated, summary.counts.unchanged), (0, 1));
    let now = s.deal(d).unwrap();
    assert_eq!(now.amount, Money(9_999_900));
    assert_eq!(now.meta.version, version);
}

#[test]
fn losing_a_pinned_deal_unpins_it_and_drops_it_to_e() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2027-02-10"));
    s.pin(d, Grade::A, "board decision").unwrap();
    s.lost(d, "budget cut").unwrap();
    let lost = s.deal(d).unwrap();
    assert_eq!((lost.grade, lost.pin.is_none()), (Grade::E, true));
    let history = s.deal_detail(d).unwrap().history;
    assert!(
        history
            .iter()
            .any(|h| h.field == HistoryField::Pin && h.new.is_empty())
    );
}

#[test]
fn winning_a_lost_deal_clears_the_lost_reason_and_update_cannot_lose_one() {
    let f = fixture();
    let mut s = open(&f.path, "2026-11-23");
    let a = account(&mut s, "Northwind");
    let d = deal(&mut s, a, "Fleet rollout", Some("2027-02-10"));
    let lose = DealPatch {
        stage: Some("lost".into()),
        ..DealPatch::default()
    };
    assert!(matches!(
        s.update_deal(d, lose),
        Err(StoreError::Deal(DealRefusal::LostByStageMove { .. }))
    ));
    s.lost(d, "price").unwrap();
    s.won(d, None).unwrap();
    let won = s.deal(d).unwrap();
    assert_eq!((won.stage.as_str(), won.lost_reason), ("won", None));
}

#[test]
fn skipping_a_revisit_does_not_make_a_stale_deal_fresh_but_an_activity_does() {
    let f = fixture();
    let d = {
        let mut s = open(&f.path, "2026-11-23");
        let a = account(&mut s, "Northwind");
        deal(&mut s, a, "Fleet rollout", Some("2027-03-01"))
    };
    let mut s = open(&f.path, "2026-12-10");
    let row = |s: &Store| s.deals(&DealFilter::default()).unwrap().remove(0);
    assert!(
        row(&s).stale,
        "17 days in `lead` (stale after 14) with no activity"
    );
    let pending = s.reminders(DueFilter::All, None).unwrap();
    s.reminder_dismiss(pending[0].reminder.id).unwrap();
    let after_dismiss = row(&s);
    assert!(after_dismiss.stale);
    assert_eq!(after_dismiss.last_activity, None);
    assert_eq!(after_dismiss.last_touch, Some(day("2026-12-10")));
    s.log_activity(d, ActivityKind::Visit, "上门拜访", None)
        .unwrap();
    let after_visit = row(&s);
    assert!(!after_visit.stale);
    assert_eq!(after_visit.last_activity, Some(day("2026-12-10")));
}

/// Every account's segments as the lists read them, by id.
fn standings(store: &Store) -> Vec<(String, tierdeck::store::Standing, i64)> {
    let mut rows: Vec<_> = store
        .accounts(&tierdeck::store::AccountFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| (r.account.id.to_string(), r.standing, r.account.meta.version))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[test]
fn segments_kept_after_each_write_equal_a_full_pass() {
    let f = fixture();
    let mut store = open(&f.path, "2026-11-23");
    store.demo(120, 11, &mut |_, _| {}).unwrap();
    let open_deals = store.deals(&DealFilter::default()).unwrap();
    // Each win moves one account's revenue and may move every tier boundary.
    for row in open_deals.iter().step_by(7).take(12) {
        store.won(row.deal.id, Some(Money(12_345_600))).unwrap();
    }
    let kept = standings(&store);
    store.regrade().unwrap();
    let full = standings(&store);
    assert_eq!(kept, full);

    // The stored tiers are the ones the 80/20 rule gives the stored revenues.
    let revenues: Vec<Money> = full.iter().map(|(_, s, _)| s.revenue).collect();
    let thresholds = tierdeck::segments::Thresholds::from_revenues(
        &revenues,
        Rules::defaults().value_tiers.mode,
    )
    .expect("the demo has revenue");
    for (_, s, version) in &full {
        assert_eq!(s.tier, thresholds.tier(s.revenue));
        // Segments are worked out, not edited: they leave the version alone.
        assert_eq!(*version, 1);
    }
    let a = full
        .iter()
        .filter(|(_, s, _)| s.tier == Some(tierdeck::domain::ValueTier::A))
        .count();
    let ranked = revenues.iter().filter(|r| r.minor() > 0).count();
    assert!(a >= ranked.div_ceil(5), "{a} of {ranked}");
}

/// The demo goes in graded: no "E → A" rows signed by whoever loaded it,
/// and nothing of it for `undo` to take back piecemeal.
#[test]
fn demo_data_goes_in_graded_and_is_nobodys_change_to_undo() {
    let f = fixture();
    let mut store = open(&f.path, "2026-11-23");
    store.demo(30, 7, &mut |_, _| {}).unwrap();
    let regraded = count(
        &f.path,
        "SELECT count(*) FROM history WHERE field = 'grade' AND reason LIKE 'rule.%'",
    );
    assert_eq!(regraded, 0);
    assert!(count(&f.path, "SELECT count(*) FROM deals") > 30);
    assert!(store.undoable(None).unwrap().is_empty());
    assert!(store.undo().is_err());
}
