//! The terminal UI without a terminal: key sequences drive the app state, and
//! every view is rendered to ratatui's TestBackend and compared to snapshots.

use chrono::{NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tierdeck::domain::{Grade, HistoryField, ReminderKind, ReminderStatus};
use tierdeck::i18n::{Catalog, Lang};
use tierdeck::rules::Rules;
use tierdeck::store::{DealFilter, OpenMode, Session, Store};
use tierdeck::tui::app::{App, Popup, View};
use tierdeck::tui::keys::Action;
use tierdeck::tui::render;

fn session(today: &str) -> Session {
    Session {
        user: "ann".to_string(),
        today: NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap(),
        now: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    }
}

/// An app on a fresh database in `dir`, with demo data unless `empty`.
fn app(dir: &tempfile::TempDir, lang: Lang, empty: bool) -> App {
    let path = dir.path().join("t.db");
    let mut store = Store::open(
        &path,
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .unwrap();
    store.refresh().unwrap();
    if !empty {
        store.demo(12, 7, &mut |_, _| {}).unwrap();
    }
    App::new(store, Catalog::new(lang)).unwrap()
}

fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| render::draw(frame, app)).unwrap();
    terminal
}

fn press(app: &mut App, actions: &[Action]) {
    for action in actions {
        app.update(*action);
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Type(c));
    }
}

#[test]
fn every_view_renders_in_both_languages_at_both_sizes() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        for view in View::ALL {
            app.update(Action::Show(view));
            for (w, h) in [(80, 24), (120, 40)] {
                let name = format!("{view:?}_{}_{w}x{h}", lang.code()).to_lowercase();
                insta::assert_snapshot!(name, render(&app, w, h).backend());
            }
        }
        app.update(Action::Show(View::Board));
        app.update(Action::Open);
        insta::assert_snapshot!(
            format!("detail_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
        app.update(Action::Back);
        app.update(Action::Help);
        insta::assert_snapshot!(
            format!("help_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
    }
}

#[test]
fn an_empty_database_offers_a_way_in_and_loads_demo_data_with_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, true);
    insta::assert_snapshot!("welcome_en_80x24", render(&app, 80, 24).backend());
    app.update(Action::LoadDemo);
    assert!(app.board.iter().map(|l| l.count).sum::<i64>() > 0);
}

#[test]
fn no_size_from_one_by_one_up_makes_drawing_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    for view in View::ALL {
        app.update(Action::Show(view));
        for w in [1, 2, 5, 10, 30, 59, 60, 61, 79] {
            for h in [1, 2, 5, 11, 12, 13, 24] {
                render(&app, w, h);
            }
        }
    }
    let small = render(&app, 40, 10);
    assert!(small.backend().to_string().contains("终端窗口太小"));
}

#[test]
fn grade_badges_carry_their_colour() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir, Lang::En, false);
    let terminal = render(&app, 120, 40);
    let buffer = terminal.backend().buffer();
    let badge_bg = |grade: char| {
        buffer
            .content()
            .windows(3)
            .find(|w| {
                w[0].symbol() == " "
                    && w[1].symbol() == grade.to_string()
                    && w[2].symbol() == " "
                    && w[1].bg != Color::Reset
            })
            .map(|w| w[1].bg)
    };
    assert_eq!(badge_bg('C'), Some(Color::Cyan));
    assert_eq!(badge_bg('D'), Some(Color::Blue));
}

#[test]
fn moving_a_card_changes_its_stage_in_the_store_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let deal = app.board[0].deals.rows[0].deal.clone();
    let (leads, contacted) = (app.board[0].count, app.board[1].count);
    press(&mut app, &[Action::MoveStage(true)]);
    assert_eq!(
        (app.board[0].count, app.board[1].count),
        (leads - 1, contacted + 1)
    );
    let moved = app.store.deal(deal.id).unwrap();
    assert_eq!(moved.stage, "contacted");
    assert_eq!(app.board_column, 1, "the selection follows the card");
    let history = app.store.deal_detail(deal.id).unwrap().history;
    let last = history
        .iter()
        .rev()
        .find(|h| h.field == HistoryField::Stage)
        .unwrap();
    assert_eq!(
        (last.old.as_str(), last.new.as_str()),
        ("lead", "contacted")
    );
    assert!(app.board[1].deals.rows.iter().any(|r| r.deal.id == deal.id));
}

#[test]
fn changing_the_close_date_regrades_at_once_and_a_bad_date_keeps_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let open = app.store.deals(&DealFilter {
        grade: Some(Grade::D),
        ..DealFilter::default()
    });
    let target = open
        .unwrap()
        .into_iter()
        .find(|r| r.deal.need == tierdeck::domain::Need::Explicit)
        .expect("demo data has an explicit D deal");
    app.update(Action::Show(View::Tiers));
    app.tier_column = 3;
    app.tiers[3].deals.selected = app.tiers[3]
        .deals
        .rows
        .iter()
        .position(|r| r.deal.id == target.deal.id)
        .unwrap();
    press(&mut app, &[Action::ChangeClose, Action::ClearInput]);
    type_text(&mut app, "2026-02-30");
    app.update(Action::Submit);
    match &app.popup {
        Some(Popup::Prompt(p)) => {
            assert_eq!(p.text, "2026-02-30");
            assert!(
                p.error.as_deref().unwrap_or_default().contains("28 days"),
                "{:?}",
                p.error
            );
        }
        other => panic!("the prompt should stay open, got {other:?}"),
    }
    press(&mut app, &[Action::ClearInput]);
    type_text(&mut app, "+5d");
    app.update(Action::Submit);
    assert!(app.popup.is_none());
    assert_eq!(app.store.deal(target.deal.id).unwrap().grade, Grade::A);
    assert!(app.message.contains("D → A"), "{}", app.message);
    assert!(
        app.tiers[0]
            .deals
            .rows
            .iter()
            .any(|r| r.deal.id == target.deal.id)
    );
}

#[test]
fn logging_an_activity_closes_the_open_revisit() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Agenda));
    let index = app
        .agenda
        .rows
        .iter()
        .position(|r| r.reminder.kind == ReminderKind::Revisit)
        .expect("demo data has an overdue revisit");
    app.agenda.selected = index;
    let reminder = app.agenda.rows[index].reminder.clone();
    press(&mut app, &[Action::Open, Action::LogActivity]);
    type_text(&mut app, "visit 上门演示");
    app.update(Action::Submit);
    let detail = app.store.deal_detail(reminder.deal_id).unwrap();
    let closed = detail
        .reminders
        .iter()
        .find(|r| r.id == reminder.id)
        .unwrap();
    assert_eq!(closed.status, ReminderStatus::Done);
    assert!(detail.activities.iter().any(|a| a.summary == "上门演示"));
}

#[test]
fn won_and_lost_ask_first_and_leave_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let first = app.board[0].deals.rows[0].deal.id;
    press(&mut app, &[Action::Lost]);
    app.update(Action::Submit);
    assert!(
        matches!(&app.popup, Some(Popup::Prompt(p)) if p.error.is_some()),
        "an empty reason is refused"
    );
    type_text(&mut app, "价格太高");
    app.update(Action::Submit);
    assert!(app.store.deal(first).unwrap().is_lost());
    assert!(app.board[0].deals.rows.iter().all(|r| r.deal.id != first));
}

#[test]
fn the_live_filter_narrows_every_lane_and_escape_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let all: usize = app.board.iter().map(|l| l.deals.rows.len()).sum();
    let wanted = app.board[0].deals.rows[0].account.clone();
    app.update(Action::Filter);
    type_text(&mut app, &wanted);
    let shown: Vec<&str> = app
        .board
        .iter()
        .flat_map(|l| l.deals.rows.iter().map(|r| r.account.as_str()))
        .collect();
    assert!(
        !shown.is_empty() && shown.len() < all,
        "{} of {all}",
        shown.len()
    );
    assert!(shown.iter().all(|a| *a == wanted), "{shown:?}");
    app.update(Action::Submit);
    assert!(
        !app.filtering && app.filter == wanted,
        "Enter keeps the filter"
    );
    app.update(Action::Filter);
    app.update(Action::Back);
    assert!(app.filter.is_empty());
    assert_eq!(
        app.board.iter().map(|l| l.deals.rows.len()).sum::<usize>(),
        all
    );
}

#[test]
fn at_midnight_the_day_moves_on_and_deals_are_regraded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.follow_clock = true;
    let next_day = chrono::Local
        .with_ymd_and_hms(2026, 11, 24, 0, 0, 5)
        .unwrap();
    app.tick(next_day);
    assert_eq!(app.today(), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    assert_eq!(
        app.store.regrade().unwrap(),
        vec![],
        "the tick already regraded for the new day"
    );

    let fixed = tempfile::tempdir().unwrap();
    let mut planned = self::app(&fixed, Lang::En, false);
    planned.tick(next_day);
    assert_eq!(
        planned.today(),
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        "--today stays put"
    );
}

#[test]
fn the_won_and_lost_columns_show_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let open_columns = app.board.len();
    app.update(Action::ToggleClosed);
    assert_eq!(app.board.len(), open_columns + 2);
    assert!(
        app.board
            .last()
            .unwrap()
            .deals
            .rows
            .iter()
            .all(|r| r.deal.is_lost())
    );
    app.update(Action::ToggleClosed);
    assert_eq!(app.board.len(), open_columns);
}

#[test]
fn a_reminder_can_be_dismissed_from_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Agenda));
    let first = app.agenda.rows[0].reminder.id;
    app.update(Action::Dismiss);
    assert!(app.agenda.rows.iter().all(|r| r.reminder.id != first));
}

#[test]
fn a_click_selects_the_card_under_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    // Body starts on row 1; a column's cards start inside its border, 3 lines each.
    app.click(area, 30, 1 + 1 + 3);
    assert_eq!((app.board_column, app.board[1].deals.selected), (1, 1));
    app.click(area, 5, 1 + 1);
    assert_eq!((app.board_column, app.board[0].deals.selected), (0, 0));
    app.update(Action::Show(View::Agenda));
    app.click(area, 10, 1 + 1 + 2);
    assert_eq!(app.agenda.selected, 2.min(app.agenda.rows.len() - 1));
}

#[test]
fn the_new_deal_form_checks_as_you_type_and_keeps_everything_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let account = app.board[0].deals.rows[0].account.clone();
    app.update(Action::NewDeal);
    let form = |app: &App| match &app.popup {
        Some(Popup::Form(form)) => form.clone(),
        other => panic!("the form should be open, got {other:?}"),
    };
    assert_eq!(
        form(&app).values[0],
        account,
        "the account of the selected deal is filled in"
    );
    app.update(Action::NextField);
    type_text(&mut app, "ERP 二期");
    app.update(Action::NextField);
    type_text(&mut app, "12..5");
    assert!(
        form(&app).errors[2].is_some(),
        "a bad amount is flagged while typing"
    );
    app.update(Action::Submit);
    assert_eq!(
        form(&app).values[1],
        "ERP 二期",
        "nothing typed is lost on an error"
    );
    app.update(Action::ClearInput);
    type_text(&mut app, "¥88,000");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let created = app
        .store
        .deals(&DealFilter {
            text: Some("ERP 二期".into()),
            ..DealFilter::default()
        })
        .unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].deal.amount.minor(), 8_800_000);
    assert_eq!(created[0].account, account);
}

#[test]
fn editing_a_deal_saves_at_the_version_it_was_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let deal = app.board[0].deals.rows[0].deal.clone();
    app.update(Action::EditDeal);
    app.update(Action::ClearInput);
    type_text(&mut app, "Renamed deal");
    app.update(Action::Submit);
    assert!(app.popup.is_none());
    let saved = app.store.deal(deal.id).unwrap();
    assert_eq!(saved.title, "Renamed deal");
    assert!(saved.meta.version > deal.meta.version);
}

#[test]
fn an_account_opens_with_its_contacts_and_deals() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.update(Action::Show(View::Accounts));
    let account = app.accounts.rows[0].clone();
    app.update(Action::Open);
    let detail = app.account_detail.clone().expect("Enter opens the account");
    assert_eq!(detail.account.id, account.id);
    assert!(detail.deals.iter().all(|r| r.deal.account_id == account.id));
    insta::assert_snapshot!("account_detail_zh-cn_80x24", render(&app, 80, 24).backend());
    app.update(Action::Back);
    assert!(app.account_detail.is_none());
}
