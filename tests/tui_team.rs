//! The UI in a team: a teammate's changes arrive on the tick and are named,
//! a value of the user's that lost to a concurrent change is offered back
//! with `r`, and changes that cannot be sent are marked on the status line.

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tierdeck::domain::{Id, Money};
use tierdeck::i18n::{Catalog, Lang};
use tierdeck::rules::Rules;
use tierdeck::store::{DealFilter, DealPatch, OpenMode, Session, Store};
use tierdeck::team::{self, folder::Folder};
use tierdeck::tui::action::{Action, Msg};
use tierdeck::tui::app::{App, TeamState};
use tierdeck::tui::render;

fn at(minute: u32) -> DateTime<Local> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, minute, 0)
        .unwrap()
        .with_timezone(&Local)
}

fn store(path: &std::path::Path, user: &str) -> Store {
    let session = Session {
        user: user.to_string(),
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        now: at(0).with_timezone(&Utc),
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    };
    let mut store = Store::open(path, OpenMode::CreateFile, session, Rules::defaults()).unwrap();
    store.refresh().unwrap();
    store
}

fn join(store: &mut Store, folder: &Folder) {
    store
        .join_team(&folder.root().display().to_string(), "team-1")
        .unwrap();
    store.log_existing_rows(true).unwrap();
    team::announce(store, folder).unwrap();
    team::sync(store, folder).unwrap();
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| render::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    buffer
        .content()
        .chunks(usize::from(buffer.area.width))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn amount(store: &Store, deal: Id) -> i64 {
    store.deal(deal).unwrap().amount.0
}

#[test]
fn a_teammate_s_changes_arrive_on_the_tick_and_a_lost_value_comes_back_with_r() {
    let dir = tempfile::tempdir().unwrap();
    let folder = Folder::new(&dir.path().join("team"));
    std::fs::create_dir(folder.root()).unwrap();
    let mut mine = store(&dir.path().join("ann.db"), "ann");
    mine.demo(8, 3, &mut |_, _| {}).unwrap();
    join(&mut mine, &folder);
    let mut lina = store(&dir.path().join("lina.db"), "李娜");
    join(&mut lina, &folder);
    let deal = lina.deals(&DealFilter::default()).unwrap()[0].deal.id;
    let mut app = App::new(mine, Catalog::new(Lang::En)).unwrap();
    app.update(Msg::Tick(at(1)));

    lina.set_now(at(2).with_timezone(&Utc));
    lina.update_deal(
        deal,
        DealPatch {
            title: Some("华为云采购".into()),
            ..DealPatch::default()
        },
    )
    .unwrap();
    team::sync(&mut lina, &folder).unwrap();
    app.update(Msg::Tick(at(3)));
    assert_eq!(app.message, "李娜 changed 华为云采购 (deal)");
    let shown = app
        .lists
        .board
        .iter()
        .flat_map(|lane| &lane.deals.rows)
        .any(|r| r.deal.id == deal && r.deal.title == "华为云采购");
    assert!(shown, "the board was read again");

    // Both change the amount, neither having seen the other's change.
    app.store.set_now(at(4).with_timezone(&Utc));
    app.store
        .update_deal(
            deal,
            DealPatch {
                amount: Some(Money(45_500_000)),
                ..DealPatch::default()
            },
        )
        .unwrap();
    lina.set_now(at(5).with_timezone(&Utc));
    lina.update_deal(
        deal,
        DealPatch {
            amount: Some(Money(48_000_000)),
            ..DealPatch::default()
        },
    )
    .unwrap();
    team::sync(&mut lina, &folder).unwrap();
    app.update(Msg::Tick(at(6)));
    assert_eq!(
        amount(&app.store, deal),
        48_000_000,
        "the later change wins"
    );
    assert_eq!(
        app.message,
        "李娜 changed the amount of “华为云采购” to 480,000.00 while you set 455,000.00: kept theirs — r to restore yours"
    );
    app.update(Action::RestoreLost);
    assert_eq!(amount(&app.store, deal), 45_500_000);
    assert_eq!(
        app.message,
        "Put back your amount of “华为云采购”: 455,000.00"
    );
    lina.set_now(at(7).with_timezone(&Utc));
    team::sync(&mut lina, &folder).unwrap();
    assert_eq!(amount(&lina, deal), 45_500_000, "sent to the team at once");
    assert!(
        lina.conflicts(false).unwrap().is_empty(),
        "a restore is no conflict"
    );

    // The folder goes away: changes wait, and the status line says so.
    std::fs::rename(folder.root(), dir.path().join("unplugged")).unwrap();
    app.store.set_now(at(8).with_timezone(&Utc));
    app.store
        .update_deal(
            deal,
            DealPatch {
                title: Some("ERP 升级".into()),
                ..DealPatch::default()
            },
        )
        .unwrap();
    app.update(Msg::Tick(at(9)));
    assert!(matches!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::Unsent(n)) if n > 0
    ));
    assert!(screen(&app).contains("unsent"), "{}", screen(&app));
    std::fs::rename(dir.path().join("unplugged"), folder.root()).unwrap();
    app.update(Msg::Tick(at(12)));
    assert_eq!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::InStep)
    );
    team::sync(&mut lina, &folder).unwrap();
    assert_eq!(
        lina.deal(deal).unwrap().title,
        "ERP 升级",
        "sent once the folder is back"
    );
}

/// `--as-of` in the UI works on a private copy: grades are those of that
/// day, and nothing a person would change is taken.
#[test]
fn looking_ahead_in_the_ui_shows_that_day_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ann.db");
    let mut mine = store(&path, "ann");
    mine.demo(8, 3, &mut |_, _| {}).unwrap();
    let deal = mine.deals(&DealFilter::default()).unwrap()[0].deal.id;
    let title = mine.deal(deal).unwrap().title;
    drop(mine);
    let copy = dir.path().join("ahead.db");
    tierdeck::store::copy_out(&path, &copy).unwrap();
    let before = std::fs::read(&path).unwrap();
    let session = Session {
        user: "ann".into(),
        today: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        now: at(0).with_timezone(&Utc),
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    };
    let mut ahead = Store::open(&copy, OpenMode::Existing, session, Rules::defaults()).unwrap();
    ahead.look_ahead_on_copy();
    let mut app = App::new(ahead, Catalog::new(Lang::En)).unwrap();
    app.update(Msg::Started);
    assert!(
        app.message.starts_with("Looking ahead to 2027-03-01"),
        "{}",
        app.message
    );
    assert!(
        app.outside.team.is_none(),
        "a look ahead never reaches the team"
    );
    let slipped = app.store.deals(&DealFilter::default()).unwrap();
    assert!(
        slipped.iter().any(|r| r.slipped),
        "three months on, some close dates have passed"
    );
    let renamed = app.store.update_deal(
        deal,
        DealPatch {
            title: Some("改不了".into()),
            ..DealPatch::default()
        },
    );
    assert!(
        renamed.is_err_and(|e| e.to_string().contains("--as-of")),
        "a person's change is refused"
    );
    assert_eq!(app.store.deal(deal).unwrap().title, title);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the database itself is untouched"
    );
}
