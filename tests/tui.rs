//! The terminal UI without a terminal: key sequences drive the app state, and
//! every view is rendered to ratatui's TestBackend and compared to snapshots.

use chrono::{NaiveDate, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tierdeck::domain::{
    ActivityKind, Behaviour, Grade, HistoryField, Lifecycle, ProductTier, ReminderKind,
    ReminderStatus, Satisfaction, ValueTier,
};
use tierdeck::i18n::{Catalog, Lang};
use tierdeck::rules::Rules;
use tierdeck::store::{AccountRow, AccountSort, DealFilter, OpenMode, Session, Store};
use tierdeck::tui::action::{Action, Msg, View};
use tierdeck::tui::app::{App, Doomed, Popup};
use tierdeck::tui::render;
use tui_input::InputRequest;

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

fn click(app: &mut App, area: ratatui::layout::Rect, column: u16, row: u16) {
    app.update(Msg::Click { area, column, row });
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Type(InputRequest::InsertChar(c)));
    }
}

#[test]
fn every_view_renders_in_both_languages_at_both_sizes() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        for view in View::ALL {
            app.update(Action::Show(view));
            app.wait_reports();
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
    assert!(app.lists.board.iter().map(|l| l.count).sum::<i64>() > 0);
}

#[test]
fn a_first_deal_on_an_empty_database_adds_its_account_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, true);
    app.update(Action::New);
    type_text(&mut app, "深圳前海星河贸易有限公司");
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("the form is open");
    };
    assert!(form.adds_account && form.errors[0].is_none());
    assert!(
        render(&app, 80, 24)
            .backend()
            .to_string()
            .contains("将随商机一起新建")
    );
    press(&mut app, &[Action::NextField]);
    type_text(&mut app, "首单试用");
    press(&mut app, &[Action::Submit]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let account = app.store.find_account("深圳前海星河贸易有限公司").unwrap();
    let deals = app
        .store
        .deals(&DealFilter {
            account: Some(account),
            ..DealFilter::default()
        })
        .unwrap();
    assert_eq!(deals.len(), 1);
    assert_eq!(deals[0].deal.title, "首单试用");
    assert_eq!(app.lists.board[0].count, 1, "the board shows it at once");
    assert_eq!(app.selected_deal().unwrap().deal.title, "首单试用");
}

#[test]
fn no_size_from_one_by_one_up_makes_drawing_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.wait_reports();
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
    let deal = app.lists.board[0].deals.rows[0].deal.clone();
    let (leads, contacted) = (app.lists.board[0].count, app.lists.board[1].count);
    press(&mut app, &[Action::MoveStage(true)]);
    assert_eq!(
        (app.lists.board[0].count, app.lists.board[1].count),
        (leads - 1, contacted + 1)
    );
    let moved = app.store.deal(deal.id).unwrap();
    assert_eq!(moved.stage, "contacted");
    assert_eq!(app.lists.board_column, 1, "the selection follows the card");
    assert_eq!(app.selected_deal().unwrap().deal.id, deal.id);
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
    assert!(
        app.lists.board[1]
            .deals
            .rows
            .iter()
            .any(|r| r.deal.id == deal.id)
    );
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
    app.lists.tier_column = 3;
    app.lists.tiers[3].deals.selected = app.lists.tiers[3]
        .deals
        .rows
        .iter()
        .position(|r| r.deal.id == target.deal.id)
        .unwrap();
    press(
        &mut app,
        &[Action::ChangeClose, Action::Type(InputRequest::DeleteLine)],
    );
    type_text(&mut app, "2026-02-30");
    app.update(Action::Submit);
    match &app.popup {
        Some(Popup::Prompt(p)) => {
            assert_eq!(p.answer.text, "2026-02-30");
            assert!(
                p.error.as_deref().unwrap_or_default().contains("28 days"),
                "{:?}",
                p.error
            );
        }
        other => panic!("the prompt should stay open, got {other:?}"),
    }
    press(&mut app, &[Action::Type(InputRequest::DeleteLine)]);
    type_text(&mut app, "+5d");
    app.update(Action::Submit);
    assert!(app.popup.is_none());
    assert_eq!(app.store.deal(target.deal.id).unwrap().grade, Grade::A);
    assert!(app.message.contains("D → A"), "{}", app.message);
    assert!(
        app.lists.tiers[0]
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
        .lists
        .agenda
        .rows
        .iter()
        .position(|r| r.reminder.kind == ReminderKind::Revisit && r.reminder.deal_id.is_some())
        .expect("demo data has an overdue revisit");
    app.lists.agenda.selected = index;
    let reminder = app.lists.agenda.rows[index].reminder.clone();
    press(&mut app, &[Action::Open, Action::LogActivity]);
    type_text(&mut app, "visit 上门演示");
    app.update(Action::Submit);
    let detail = app.store.deal_detail(reminder.deal_id.unwrap()).unwrap();
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
    let first = app.lists.board[0].deals.rows[0].deal.id;
    press(&mut app, &[Action::Lost]);
    app.update(Action::Submit);
    assert!(
        matches!(&app.popup, Some(Popup::Prompt(p)) if p.error.is_some()),
        "an empty reason is refused"
    );
    type_text(&mut app, "价格太高");
    app.update(Action::Submit);
    assert!(app.store.deal(first).unwrap().is_lost());
    assert!(
        app.lists.board[0]
            .deals
            .rows
            .iter()
            .all(|r| r.deal.id != first)
    );
}

#[test]
fn the_live_filter_narrows_every_lane_and_escape_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let all: usize = app.lists.board.iter().map(|l| l.deals.rows.len()).sum();
    let wanted = app.lists.board[0].deals.rows[0].account.clone();
    app.update(Action::Filter);
    type_text(&mut app, &wanted);
    assert!(
        app.filter.pending,
        "the letters are drawn, the search waits"
    );
    assert_eq!(
        app.lists
            .board
            .iter()
            .map(|l| l.deals.rows.len())
            .sum::<usize>(),
        all
    );
    app.update(Msg::TypingPaused);
    assert!(!app.filter.pending);
    let shown: Vec<&str> = app
        .lists
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
        !app.filter.typing && app.filter.typed.text == wanted,
        "Enter keeps the filter"
    );
    app.update(Action::Filter);
    app.update(Action::Back);
    assert!(app.filter.typed.text.is_empty());
    assert_eq!(
        app.lists
            .board
            .iter()
            .map(|l| l.deals.rows.len())
            .sum::<usize>(),
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
    app.update(Msg::Tick(next_day));
    assert_eq!(app.today(), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    assert_eq!(
        app.store.regrade().unwrap(),
        vec![],
        "the tick already regraded for the new day"
    );

    let fixed = tempfile::tempdir().unwrap();
    let mut planned = self::app(&fixed, Lang::En, false);
    planned.update(Msg::Tick(next_day));
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
    let open_columns = app.lists.board.len();
    app.update(Action::ToggleClosed);
    assert_eq!(app.lists.board.len(), open_columns + 2);
    assert!(
        app.lists
            .board
            .last()
            .unwrap()
            .deals
            .rows
            .iter()
            .all(|r| r.deal.is_lost())
    );
    app.update(Action::ToggleClosed);
    assert_eq!(app.lists.board.len(), open_columns);
}

#[test]
fn a_reminder_can_be_dismissed_from_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Agenda));
    let first = app.lists.agenda.rows[0].reminder.id;
    app.update(Action::Dismiss);
    assert!(app.lists.agenda.rows.iter().all(|r| r.reminder.id != first));
}

#[test]
fn a_click_selects_the_card_under_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    // Body starts on row 1; a column's cards start inside its border, 3 lines each.
    click(&mut app, area, 30, 1 + 1 + 3);
    assert_eq!(
        (app.lists.board_column, app.lists.board[1].deals.selected),
        (1, 1)
    );
    click(&mut app, area, 5, 1 + 1);
    assert_eq!(
        (app.lists.board_column, app.lists.board[0].deals.selected),
        (0, 0)
    );
    // " tierdeck " " 1 Board " " 2 Tiers " then " 3 Agenda " from column 28.
    click(&mut app, area, 30, 0);
    assert_eq!(app.view, View::Agenda, "a click on a tab opens its view");
    click(&mut app, area, 10, 1 + 1 + 2);
    assert_eq!(
        app.lists.agenda.selected,
        2.min(app.lists.agenda.rows.len() - 1)
    );
}

#[test]
fn the_new_deal_form_checks_as_you_type_and_keeps_everything_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let account = app.lists.board[0].deals.rows[0].account.clone();
    app.update(Action::New);
    let form = |app: &App| match &app.popup {
        Some(Popup::Form(form)) => form.clone(),
        other => panic!("the form should be open, got {other:?}"),
    };
    assert_eq!(
        form(&app).values[0],
        account,
        "the account of the selected deal is filled in"
    );
    assert_eq!(form(&app).focus, 1, "typing starts at the title");
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
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(&mut app, "¥88,000");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let created = app
        .store
        .deals(&DealFilter {
            query: tierdeck::query::Query::parse("ERP 二期", "me").unwrap(),
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
    let deal = app.lists.board[0].deals.rows[0].deal.clone();
    app.update(Action::Edit);
    app.update(Action::Type(InputRequest::DeleteLine));
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
    let account = app.lists.accounts.rows[0].clone();
    app.update(Action::Open);
    let detail = app.opened.account.clone().expect("Enter opens the account");
    assert_eq!(detail.account.id, account.account.id);
    assert!(
        detail
            .deals
            .iter()
            .all(|r| r.deal.account_id == account.account.id)
    );
    insta::assert_snapshot!("account_detail_zh-cn_80x24", render(&app, 80, 24).backend());
    app.update(Action::Back);
    assert!(app.opened.account.is_none());
}

/// Each lane's title, count and its totals per currency.
type Totals = Vec<(String, i64, String)>;

fn totals(lanes: &[tierdeck::tui::app::Lane]) -> Totals {
    lanes
        .iter()
        .map(|l| (l.title.clone(), l.count, l.amount.to_string()))
        .collect()
}

/// The board's (won and lost included) and the tiers' totals, counted
/// afresh by a second app on the same database.
fn recounted(app: &App) -> (Totals, Totals) {
    let store = Store::open(
        app.store.path(),
        OpenMode::CreateFile,
        session("2026-11-23"),
        Rules::defaults(),
    )
    .unwrap();
    let mut fresh = App::new(store, Catalog::new(app.catalog.lang())).unwrap();
    fresh.update(Action::ToggleClosed);
    let board = totals(&fresh.lists.board);
    fresh.update(Action::Show(View::Tiers));
    (board, totals(&fresh.lists.tiers))
}

#[test]
fn totals_kept_across_writes_match_a_fresh_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::ToggleClosed);
    // Move, change a date, win, lose, pin, add and edit: each changes a count or an amount.
    press(
        &mut app,
        &[Action::MoveStage(true), Action::Right, Action::ChangeClose],
    );
    press(&mut app, &[Action::Type(InputRequest::DeleteLine)]);
    type_text(&mut app, "+3d");
    press(
        &mut app,
        &[
            Action::Submit,
            Action::Won,
            Action::Type(InputRequest::DeleteLine),
        ],
    );
    type_text(&mut app, "99999");
    press(&mut app, &[Action::Submit, Action::Left, Action::Lost]);
    type_text(&mut app, "预算取消");
    press(&mut app, &[Action::Submit, Action::Pin]);
    type_text(&mut app, "B 老客户");
    press(&mut app, &[Action::Submit, Action::New]);
    type_text(&mut app, "A brand new deal");
    press(&mut app, &[Action::NextField]);
    type_text(&mut app, "1234.50");
    press(
        &mut app,
        &[
            Action::Submit,
            Action::Edit,
            Action::NextField,
            Action::Type(InputRequest::DeleteLine),
        ],
    );
    type_text(&mut app, "777");
    press(&mut app, &[Action::Submit]);
    assert!(app.popup.is_none(), "{:?} {}", app.popup, app.message);
    let board = totals(&app.lists.board);
    app.update(Action::Show(View::Tiers));
    let tiers = totals(&app.lists.tiers);
    let (fresh_board, fresh_tiers) = recounted(&app);
    assert_eq!(board, fresh_board);
    assert_eq!(tiers, fresh_tiers);
    let won = board.iter().find(|(t, _, _)| t == "Won").unwrap();
    assert!(won.1 >= 1, "the won deal is counted: {board:?}");
}

/// An app whose only deals are 260 leads, `Deal 000` to `Deal 259`: more
/// than a page.
fn long_lead_column(dir: &tempfile::TempDir) -> App {
    let mut store = app(dir, Lang::En, true).store;
    let mut csv = String::from("title,account,amount,stage,expected_close\n");
    for i in 0..260 {
        csv.push_str(&format!(
            "Deal {i:03},Acme {},{i}00,lead,2027-06-01\n",
            i % 7
        ));
    }
    store
        .import(
            tierdeck::store::ImportKind::Deals,
            csv.as_bytes(),
            &tierdeck::store::Importing::default(),
            &mut |_, _| {},
        )
        .unwrap();
    App::new(store, Catalog::new(Lang::En)).unwrap()
}

#[test]
fn the_cursor_scrolls_past_the_first_page_of_a_long_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = long_lead_column(&dir);
    assert_eq!(app.lists.board[0].count, 260);
    let all = app
        .store
        .deals(&DealFilter {
            stage: Some("lead".into()),
            ..DealFilter::default()
        })
        .unwrap();
    for _ in 0..230 {
        app.update(Action::Down);
    }
    assert_eq!(app.selected_deal().unwrap().deal.id, all[230].deal.id);
    assert!(app.lists.board[0].deals.rows.len() <= tierdeck::tui::paged::PAGE);
    for _ in 0..100 {
        app.update(Action::Down);
    }
    assert_eq!(app.selected_deal().unwrap().deal.id, all[259].deal.id);
    for _ in 0..259 {
        app.update(Action::Up);
    }
    assert_eq!(app.selected_deal().unwrap().deal.id, all[0].deal.id);
    // What is drawn is the selected card, wherever the page starts.
    for _ in 0..240 {
        app.update(Action::Down);
    }
    let screen = render(&app, 120, 40).backend().to_string();
    assert!(screen.contains(&all[240].deal.title), "{screen}");
}

#[test]
fn page_keys_and_the_ends_of_a_long_column_load_the_rows_they_reach() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = long_lead_column(&dir);
    let all = app
        .store
        .deals(&DealFilter {
            stage: Some("lead".into()),
            ..DealFilter::default()
        })
        .unwrap();
    let on = |app: &App| app.selected_deal().unwrap().deal.id;
    app.update(Action::Bottom);
    assert_eq!(on(&app), all[259].deal.id, "End reaches the last of 260");
    app.update(Action::PageUp);
    assert_eq!(on(&app), all[249].deal.id);
    app.update(Action::Top);
    assert_eq!(on(&app), all[0].deal.id);
    press(
        &mut app,
        &[Action::PageDown, Action::PageDown, Action::Down],
    );
    assert_eq!(on(&app), all[21].deal.id);
    // A filtered column is not counted: End loads page after page to its end.
    filter_by(&mut app, "Deal");
    app.update(Action::Submit);
    app.update(Action::Bottom);
    assert_eq!(
        on(&app),
        all[259].deal.id,
        "End finds the end of a filtered column"
    );
    assert!(app.lists.board[0].deals.exact);
}

#[test]
fn the_accounts_filter_and_sort_run_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.update(Action::Show(View::Accounts));
    let everyone = app.lists.accounts.total;
    press(&mut app, &[Action::Filter]);
    type_text(&mut app, "港澳台");
    app.update(Msg::TypingPaused);
    assert!(app.lists.accounts.total > 0 && app.lists.accounts.total < everyone);
    assert!(
        app.lists
            .accounts
            .rows
            .iter()
            .all(|a| a.account.region == "港澳台")
    );
    press(&mut app, &[Action::Back]);
    assert_eq!(app.lists.accounts.total, everyone, "Esc clears the filter");
    // `o` walks every sort key in turn; each orders the rows in the store
    // and marks its column's header, at both sizes.
    let c = Catalog::new(Lang::ZhCn);
    for (i, sort) in AccountSort::ALL.iter().enumerate().skip(1) {
        press(&mut app, &[Action::SortNext]);
        assert_eq!(app.lists.sort, *sort);
        let keys: Vec<Vec<String>> = app
            .lists
            .accounts
            .rows
            .iter()
            .map(|r| sort_key(*sort, r))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "sorted by {sort:?}");
        let marked = format!("{} ▲", c.get(sort_header(*sort)));
        for (w, h) in [(80, 24), (120, 40)] {
            let screen = render(&app, w, h).backend().to_string();
            let header = screen.lines().nth(2).unwrap_or_default().replace(' ', "");
            assert!(
                header.contains(&marked.replace(' ', "")),
                "{sort:?} ({i}) at {w}×{h}: {header}"
            );
        }
    }
    press(&mut app, &[Action::SortNext]);
    assert_eq!(app.lists.sort, AccountSort::Name, "and round again");
    let to_kind = AccountSort::ALL
        .iter()
        .position(|s| *s == AccountSort::Kind)
        .expect("kind is a sort");
    press(&mut app, &vec![Action::SortNext; to_kind]);
    assert_eq!(app.lists.sort, AccountSort::Kind);
    press(&mut app, &[Action::SortReverse]);
    let reversed: Vec<Vec<String>> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| sort_key(AccountSort::Kind, r))
        .collect();
    let mut sorted = reversed.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(reversed, sorted, "and the other way round");
    assert!(
        render(&app, 80, 24)
            .backend()
            .to_string()
            .contains("类型 ▼")
    );
}

/// What the store sorts accounts by, for `sort`, as comparable text: the
/// stored value (a closed vocabulary by its place in the vocabulary, no
/// value last), then the name (which breaks ties); SQLite's `NOCASE` folds
/// ASCII only, and an empty free-text value comes first.
fn sort_key(sort: AccountSort, row: &AccountRow) -> Vec<String> {
    let (a, s) = (&row.account, &row.standing);
    let value = match sort {
        AccountSort::Name => String::new(),
        // Best first: the most revenue, which the tier follows.
        AccountSort::ValueTier | AccountSort::Revenue => {
            format!("{:020}", i64::MAX - s.revenue.minor())
        }
        AccountSort::Lifecycle => rank(Lifecycle::ALL, Some(s.lifecycle)),
        AccountSort::Behaviour => rank(Behaviour::ALL, Some(s.behaviour)),
        AccountSort::Kind => a.kind.to_string(),
        AccountSort::Industry => a.industry.clone(),
        AccountSort::Region => a.region.clone(),
        AccountSort::Channel => a.channel.clone(),
        AccountSort::Owner => a.owner.clone(),
        AccountSort::ProductTier => rank(ProductTier::ALL, a.product_tier),
        AccountSort::Satisfaction => rank(Satisfaction::ALL, Some(a.satisfaction)),
    };
    vec![value, a.name.to_ascii_lowercase()]
}

/// A vocabulary value's place in its vocabulary as text; none comes last.
fn rank<T: PartialEq>(all: &[T], value: Option<T>) -> String {
    let place = value.and_then(|v| all.iter().position(|x| *x == v));
    place.unwrap_or(all.len()).to_string()
}

/// The catalogue key of the header the sort marks.
fn sort_header(sort: AccountSort) -> &'static str {
    match sort {
        AccountSort::Name => "col.name",
        AccountSort::ValueTier => "col.tier",
        AccountSort::Revenue => "col.revenue",
        AccountSort::Lifecycle => "col.lifecycle",
        AccountSort::Behaviour => "col.behaviour",
        AccountSort::Kind => "col.kind",
        AccountSort::Industry => "col.industry",
        AccountSort::Region => "col.region",
        AccountSort::Channel => "col.channel",
        AccountSort::Owner => "col.owner",
        AccountSort::ProductTier => "col.product_tier",
        AccountSort::Satisfaction => "col.satisfaction",
    }
}

#[test]
fn accounts_sorted_by_value_tier_come_best_tier_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    // Revenue for a B and more tiers: win one deal each at two more accounts.
    for amount in ["5000", "90000"] {
        let deal = app.lists.board[0].deals.rows[0].deal.id;
        press(
            &mut app,
            &[Action::Won, Action::Type(InputRequest::DeleteLine)],
        );
        type_text(&mut app, amount);
        app.update(Action::Submit);
        assert!(app.store.deal(deal).unwrap().is_won(), "{}", app.message);
    }
    press(&mut app, &[Action::Show(View::Accounts), Action::SortNext]);
    assert_eq!(app.lists.sort, AccountSort::ValueTier);
    let tiers: Vec<Option<ValueTier>> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.standing.tier)
        .collect();
    let ranked: Vec<ValueTier> = tiers.iter().flatten().copied().collect();
    assert!(ranked.len() >= 3, "{tiers:?}");
    assert_eq!(ranked[0], ValueTier::A, "{tiers:?}");
    // A before B before C, the accounts without revenue (no tier) last.
    let mut best_first = tiers.clone();
    best_first.sort_by_key(|t| (t.is_none(), *t));
    assert_eq!(tiers, best_first);
    let revenue: Vec<i64> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.standing.revenue.minor())
        .collect();
    assert!(revenue.windows(2).all(|w| w[0] >= w[1]), "{revenue:?}");
    let screen = render(&app, 80, 24).backend().to_string();
    let first = &app.lists.accounts.rows[0].account.name;
    let line = screen.lines().find(|l| l.contains(first.as_str())).unwrap();
    assert!(
        line.contains(" A "),
        "the tier shows beside the name: {line}"
    );
    press(&mut app, &[Action::SortReverse]);
    let revenue: Vec<i64> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.standing.revenue.minor())
        .collect();
    assert!(
        revenue.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {revenue:?}"
    );
}

#[test]
fn the_account_form_checks_names_picks_values_and_saves() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.update(Action::Show(View::Accounts));
    let taken = app.lists.accounts.rows[0].account.name.clone();
    let form = |app: &App| match &app.popup {
        Some(Popup::Form(form)) => form.clone(),
        other => panic!("the form should be open, got {other:?}"),
    };
    press(&mut app, &[Action::New, Action::Submit]);
    assert!(form(&app).errors[0].is_some(), "a name is needed");
    type_text(&mut app, &taken);
    assert!(
        form(&app).errors[0]
            .as_deref()
            .unwrap()
            .contains("已有名为"),
        "a taken name is flagged while typing"
    );
    press(&mut app, &[Action::Type(InputRequest::DeleteLine)]);
    type_text(&mut app, "杭州云栖数据有限公司");
    // Kind: ← → pick a value, typing letters does nothing there.
    press(
        &mut app,
        &[
            Action::NextField,
            Action::Right,
            Action::Type(InputRequest::InsertChar('x')),
        ],
    );
    assert_eq!(form(&app).values[1], "individual");
    press(&mut app, &[Action::NextField]);
    type_text(&mut app, "大数据");
    press(&mut app, &[Action::NextField]);
    type_text(&mut app, "华东");
    press(&mut app, &[Action::Submit]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let id = app.store.find_account("杭州云栖数据有限公司").unwrap();
    let saved = app.store.account(id).unwrap();
    assert_eq!(
        (
            saved.kind.as_str(),
            saved.industry.as_str(),
            saved.region.as_str()
        ),
        ("individual", "大数据", "华东")
    );
    assert_eq!(saved.owner, "ann");

    // An edit saves only over the version it loaded; nothing typed is lost.
    press(&mut app, &[Action::Filter]);
    type_text(&mut app, "云栖");
    press(&mut app, &[Action::Submit, Action::Edit]);
    type_text(&mut app, "（杭州）");
    app.store
        .update_account(
            id,
            tierdeck::store::AccountPatch {
                region: Some("华南".into()),
                ..Default::default()
            },
        )
        .unwrap();
    press(&mut app, &[Action::Submit]);
    let Some(Popup::Conflict(conflict)) = &app.popup else {
        panic!("both versions are shown: {:?}", app.popup);
    };
    assert_eq!(conflict.by, "ann", "names who changed it");
    assert_eq!(conflict.mine.values[0], "杭州云栖数据有限公司（杭州）");
    assert_eq!(app.store.account(id).unwrap().region, "华南");
}

#[test]
fn help_lists_the_keys_of_the_place_it_is_opened_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Agenda));
    app.update(Action::Help);
    let agenda = render(&app, 120, 40).backend().to_string();
    assert!(agenda.contains("snooze the reminder"), "{agenda}");
    assert!(!agenda.contains("won and lost columns"), "{agenda}");
    insta::assert_snapshot!("help_agenda_en_120x40", render(&app, 120, 40).backend());
    press(
        &mut app,
        &[Action::Back, Action::Show(View::Accounts), Action::Help],
    );
    let accounts = render(&app, 120, 40).backend().to_string();
    assert!(accounts.contains("sort by the next column"), "{accounts}");
    assert!(!accounts.contains("snooze the reminder"), "{accounts}");
}

#[test]
fn a_new_day_is_drawn_first_and_regraded_right_after() {
    let dir = tempfile::tempdir().unwrap();
    drop(app(&dir, Lang::En, false));
    let store = Store::open(
        &dir.path().join("t.db"),
        OpenMode::CreateFile,
        session("2027-01-10"),
        Rules::defaults(),
    )
    .unwrap();
    assert!(!store.is_current().unwrap());
    let history = || -> i64 {
        rusqlite::Connection::open(dir.path().join("t.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM history", [], |r| r.get(0))
            .unwrap()
    };
    let before = history();
    let mut app = App::new(store, Catalog::new(Lang::En)).unwrap();
    let first = render(&app, 80, 24).backend().to_string();
    assert!(
        first.contains("Re-grading every deal for 2027-01-10"),
        "{first}"
    );
    assert_eq!(
        history(),
        before,
        "nothing is written before the first frame"
    );
    app.update(Msg::Started);
    assert!(app.store.is_current().unwrap());
    assert!(app.message.is_empty());
    assert!(history() > before, "grades changed for the new day");
    assert!(
        app.store.regrade().unwrap().is_empty(),
        "nothing is left to regrade"
    );
}

#[test]
fn the_deal_form_picks_stage_and_need_with_the_arrows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    press(&mut app, &[Action::Edit]);
    for _ in 0..3 {
        app.update(Action::NextField);
    }
    press(&mut app, &[Action::Right]);
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("the form is open");
    };
    assert_eq!(form.values[4], "contacted");
    let shown = render(&app, 80, 24).backend().to_string();
    assert!(shown.contains("◂ 初步接触 ▸"), "{shown}");
    press(
        &mut app,
        &[
            Action::NextField,
            Action::Type(InputRequest::InsertChar(' ')),
        ],
    );
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("the form is open");
    };
    assert_eq!(form.values[5], "potential", "space picks the next value");
}

#[test]
fn due_counts_kept_across_agenda_work_match_a_fresh_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Agenda));
    let (overdue, today) = (app.counts.overdue, app.counts.due_today);
    assert!(overdue >= 2, "demo data has overdue reminders");
    press(&mut app, &[Action::Done, Action::Down, Action::Dismiss]);
    press(&mut app, &[Action::Open, Action::LogActivity]);
    type_text(&mut app, "call 确认需求");
    press(
        &mut app,
        &[Action::Submit, Action::Back, Action::Snooze, Action::Submit],
    );
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert_eq!(
        (app.counts.overdue, app.counts.due_today),
        app.store.due_counts().unwrap()
    );
    assert!(app.counts.overdue + app.counts.due_today < overdue + today);
    assert_eq!(
        app.lists.agenda.total,
        app.store
            .reminders(tierdeck::store::DueFilter::Week, None)
            .unwrap()
            .len()
    );
}

#[test]
fn forms_and_prompts_render_in_both_languages() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let code = lang.code().to_lowercase();
        app.update(Action::Edit);
        insta::assert_snapshot!(
            format!("deal_form_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        press(
            &mut app,
            &[
                Action::Back,
                Action::ChangeClose,
                Action::Type(InputRequest::DeleteLine),
            ],
        );
        type_text(&mut app, "2026-13-01");
        app.update(Action::Submit);
        insta::assert_snapshot!(
            format!("close_prompt_error_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        press(
            &mut app,
            &[Action::Back, Action::Show(View::Accounts), Action::New],
        );
        insta::assert_snapshot!(
            format!("account_form_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
    }
}

#[test]
fn a_filter_typed_far_down_a_long_column_lists_its_finds_from_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = long_lead_column(&dir);
    for _ in 0..230 {
        app.update(Action::Down);
    }
    press(&mut app, &[Action::Filter]);
    type_text(&mut app, "Deal 00");
    app.update(Msg::TypingPaused);
    let lead = &app.lists.board[0].deals;
    assert_eq!(lead.rows.len(), 10, "Deal 000 to Deal 009");
    assert_eq!((lead.total, lead.exact, lead.selected), (10, true, 0));
    let title = lane_title_on_screen(&app);
    assert!(title.contains("(10/260)"), "{title}");
}

/// The first line of the board under the tabs, where the lane headers are.
fn lane_title_on_screen(app: &App) -> String {
    let screen = render(app, 120, 40).backend().to_string();
    screen.lines().nth(1).unwrap_or_default().to_string()
}

#[test]
fn demo_data_never_goes_into_a_database_that_has_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let before = app.store.count_accounts(&Default::default()).unwrap();
    // Elsewhere than on the board, after a filter, the board's lanes are not loaded.
    press(&mut app, &[Action::Show(View::Tiers), Action::Filter]);
    type_text(&mut app, "x");
    press(&mut app, &[Action::Back, Action::LoadDemo]);
    assert_eq!(
        app.store.count_accounts(&Default::default()).unwrap(),
        before
    );
    assert!(!app.counts.empty);
    press(&mut app, &[Action::Show(View::Board), Action::LoadDemo]);
    assert!(
        app.message
            .starts_with("Demo data goes only into an empty database"),
        "{}",
        app.message
    );
    assert_eq!(
        app.store.count_accounts(&Default::default()).unwrap(),
        before
    );
}

#[test]
fn a_lost_deal_can_still_be_edited() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    press(&mut app, &[Action::Lost, Action::Submit]);
    match &app.popup {
        Some(Popup::Prompt(p)) => assert!(
            p.error.as_deref().unwrap_or_default().contains("输单原因"),
            "{:?}",
            p.error
        ),
        other => panic!("a lost deal needs a reason: {other:?}"),
    }
    type_text(&mut app, "预算取消");
    app.update(Action::Submit);
    app.update(Action::ToggleClosed);
    let lost = app.lists.board.len() - 1;
    app.lists.board_column = lost;
    let deal = app
        .selected_deal()
        .expect("the lost column has the deal")
        .deal
        .clone();
    press(
        &mut app,
        &[Action::Edit, Action::Type(InputRequest::DeleteLine)],
    );
    type_text(&mut app, "改名后的商机");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?} {}", app.popup, app.message);
    let saved = app.store.deal(deal.id).unwrap();
    assert_eq!(
        (saved.title.as_str(), saved.stage.as_str()),
        ("改名后的商机", "lost")
    );
}

/// Types `terms` into the live filter and lets the typing pause.
fn filter_by(app: &mut App, terms: &str) {
    press(
        app,
        &[Action::Filter, Action::Type(InputRequest::DeleteLine)],
    );
    type_text(app, terms);
    app.update(Msg::TypingPaused);
}

/// The deals every lane of the board or the tiers lists.
fn lane_deals(lanes: &[tierdeck::tui::app::Lane]) -> Vec<tierdeck::store::DealRow> {
    lanes
        .iter()
        .flat_map(|l| l.deals.rows.iter().cloned())
        .collect()
}

#[test]
fn filter_terms_narrow_the_board_the_tiers_the_agenda_and_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let store_row = |app: &App, deal: tierdeck::domain::Id| {
        let account = app.store.deal(deal).unwrap().account_id;
        app.store.account_row(account).unwrap()
    };
    let everything = |app: &mut App| {
        press(app, &[Action::Show(View::Board)]);
        let board = lane_deals(&app.lists.board).len();
        press(app, &[Action::Show(View::Tiers)]);
        let tiers = lane_deals(&app.lists.tiers).len();
        press(app, &[Action::Show(View::Agenda)]);
        let agenda = app.lists.agenda.rows.len();
        press(app, &[Action::Show(View::Accounts)]);
        (board, tiers, agenda, app.lists.accounts.rows.len())
    };
    let all = everything(&mut app);

    // An account term (one with a Chinese key and a full-width colon)
    // narrows the deals and the reminders to those of the accounts it names.
    type Check = fn(&AccountRow) -> bool;
    let account_terms: [(&str, Check); 4] = [
        ("tier:A", |r| r.standing.tier == Some(ValueTier::A)),
        ("区域：港澳台", |r| r.account.region == "港澳台"),
        ("lifecycle:prospect", |r| {
            r.standing.lifecycle == tierdeck::domain::Lifecycle::Prospect
        }),
        ("risk:any", |r| !r.standing.risks.is_empty()),
    ];
    for (terms, holds) in account_terms {
        app.update(Action::Show(View::Board));
        filter_by(&mut app, terms);
        let board = lane_deals(&app.lists.board);
        assert!(
            !board.is_empty() && board.len() < all.0,
            "{terms}: {}",
            board.len()
        );
        assert!(
            board.iter().all(|r| holds(&store_row(&app, r.deal.id))),
            "{terms}"
        );
        press(&mut app, &[Action::Submit, Action::Show(View::Tiers)]);
        let tiers = lane_deals(&app.lists.tiers);
        assert!(tiers.len() < all.1, "{terms}");
        assert!(
            tiers.iter().all(|r| holds(&store_row(&app, r.deal.id))),
            "{terms}"
        );
        app.update(Action::Show(View::Agenda));
        assert!(app.lists.agenda.rows.len() <= all.2, "{terms}");
        assert!(
            app.lists
                .agenda
                .rows
                .iter()
                .all(|r| holds(&store_row(&app, r.reminder.deal_id.unwrap()))),
            "{terms}"
        );
        app.update(Action::Show(View::Accounts));
        let accounts = &app.lists.accounts.rows;
        assert!(!accounts.is_empty() && accounts.len() < all.3, "{terms}");
        assert!(accounts.iter().all(holds), "{terms}");
        // Every account the term names, not just some.
        let named = app
            .store
            .accounts(&Default::default())
            .unwrap()
            .into_iter()
            .filter(holds)
            .count();
        assert_eq!(accounts.len(), named, "{terms}");
        press(&mut app, &[Action::Filter, Action::Back]);
    }

    // Deal terms: the grade and `owner:me` (the deal's owner; the
    // account's, in the accounts view).
    app.update(Action::Show(View::Tiers));
    filter_by(&mut app, "grade:C");
    let shown: Vec<usize> = app.lists.tiers.iter().map(|l| l.deals.rows.len()).collect();
    assert!(
        shown[2] > 0 && shown.iter().sum::<usize>() == shown[2],
        "{shown:?}"
    );
    press(&mut app, &[Action::Submit, Action::Show(View::Agenda)]);
    assert!(
        app.lists
            .agenda
            .rows
            .iter()
            .all(|r| r.grade == Some(Grade::C))
    );
    filter_by(&mut app, "owner:me");
    press(&mut app, &[Action::Submit, Action::Show(View::Board)]);
    let mine = lane_deals(&app.lists.board);
    assert!(!mine.is_empty() && mine.len() < all.0);
    assert!(mine.iter().all(|r| r.deal.owner == "ann"));
    app.update(Action::Show(View::Accounts));
    assert!(!app.lists.accounts.rows.is_empty());
    assert!(
        app.lists
            .accounts
            .rows
            .iter()
            .all(|r| r.account.owner == "ann")
    );

    // A wrong term says what is wrong and keeps the rows as they were.
    let before: Vec<String> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.account.name.clone())
        .collect();
    filter_by(&mut app, "owner:me tier:Z");
    assert!(app.message.contains("tier:Z"), "{}", app.message);
    let kept: Vec<String> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.account.name.clone())
        .collect();
    assert_eq!(kept, before);
    let status = render(&app, 120, 40).backend().to_string();
    assert!(status.contains("tier:Z"), "{status}");
    // Put right, the error goes from the status line and the terms apply.
    press(
        &mut app,
        &[
            Action::Type(InputRequest::DeletePrevChar),
            Action::Type(InputRequest::InsertChar('A')),
        ],
    );
    app.update(Msg::TypingPaused);
    assert!(app.message.is_empty(), "{}", app.message);
    assert_eq!(app.filter.query.tiers, [ValueTier::A]);
    let shown: Vec<String> = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|r| r.account.name.clone())
        .collect();
    let mine_at_a: Vec<String> = app
        .store
        .accounts(&Default::default())
        .unwrap()
        .into_iter()
        .filter(|r| r.account.owner == "ann" && r.standing.tier == Some(ValueTier::A))
        .map(|r| r.account.name)
        .collect();
    assert_eq!(shown, mine_at_a);
}

#[test]
fn enter_narrows_the_lists_at_once_without_waiting_for_the_pause() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Accounts));
    let all = app.lists.accounts.rows.len();
    press(&mut app, &[Action::Filter]);
    type_text(&mut app, "lifecycle:churned");
    assert!(app.filter.pending);
    app.update(Action::Submit);
    assert!(!app.filter.pending && !app.filter.typing);
    let churned = &app.lists.accounts.rows;
    assert!(!churned.is_empty() && churned.len() < all);
    assert!(
        churned
            .iter()
            .all(|r| r.standing.lifecycle == tierdeck::domain::Lifecycle::Churned)
    );
}

#[test]
fn an_account_shows_its_tier_lifecycle_risks_and_playbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.update(Action::Show(View::Accounts));
    filter_by(&mut app, "tier:A risk:any");
    app.update(Action::Submit);
    let row = app
        .lists
        .accounts
        .rows
        .first()
        .expect("demo data has an A account at risk")
        .clone();
    app.update(Action::Open);
    let detail = app.opened.account.clone().expect("Enter opens the account");
    assert_eq!(detail.standing, row.standing);
    let screen = render(&app, 120, 40).backend().to_string().replace(' ', "");
    let c = Catalog::new(Lang::ZhCn);
    let playbook = tierdeck::playbook::for_tier("A", Lang::ZhCn);
    for shown in [
        c.get("col.value_tier").to_string(),
        row.standing.revenue.to_string(),
        c.word("lifecycle", row.standing.lifecycle.as_str()),
        c.word("behaviour", row.standing.behaviour.as_str()),
        playbook.chars().take(12).collect(),
    ] {
        assert!(
            screen.contains(&shown.replace(' ', "")),
            "{shown} in\n{screen}"
        );
    }
    for risk in &row.standing.risks {
        let words = match (risk, row.standing.quiet_since) {
            (tierdeck::domain::RiskReason::Quiet, Some(since)) => c.fmt(
                "risk.quiet_days",
                &[("days", &(app.today() - since).num_days().to_string())],
            ),
            _ => c.word("risk", risk.as_str()),
        };
        assert!(
            screen.contains(&words.replace(' ', "")),
            "{words} in\n{screen}"
        );
    }
}

/// The app's reports as worked out on their thread, and as the store works
/// them out here and now: they must be the same.
fn reports_match_the_store(app: &App) {
    let set = app
        .reports
        .set
        .as_ref()
        .expect("the reports are worked out");
    let fresh = app.store.report_set(app.store.default_period()).unwrap();
    assert_eq!(set, &fresh);
    assert!(!app.reports.is_stale());
}

#[test]
fn the_reports_view_draws_what_the_store_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::NextView);
    app.update(Action::Show(View::Accounts));
    app.update(Action::NextView);
    assert_eq!(
        app.view,
        View::Reports,
        "Tab goes on from the accounts to the reports"
    );
    // Nothing has come back yet: the view says it is on its way.
    let waiting = render(&app, 120, 40).backend().to_string();
    assert!(waiting.contains("Working out the reports"), "{waiting}");
    app.wait_reports();
    reports_match_the_store(&app);
    let screen = render(&app, 120, 40).backend().to_string();
    let period = app.store.default_period();
    let funnel = app.store.funnel(period).unwrap();
    for row in funnel.rows.iter().filter(|r| r.stage != "lost") {
        // The label may be cut short (`Follow-up & negoti…`).
        let label: String = app.stage_label(&row.stage).chars().take(12).collect();
        let line = screen
            .lines()
            .filter_map(|l| l.split('│').nth(1))
            .find(|inside| inside.starts_with(&label))
            .unwrap_or_else(|| panic!("{label} in\n{screen}"));
        let figures: Vec<&str> = line.split_whitespace().rev().take(2).collect();
        assert!(
            figures.contains(&row.reached.to_string().as_str()),
            "{label} reached {}: {line}",
            row.reached
        );
    }
    for title in [
        "Funnel",
        "Open deals by grade",
        "Revenue by value tier",
        "Weighted forecast",
    ] {
        assert!(screen.contains(title), "{title}");
    }
    let pareto = app.reports.set.as_ref().unwrap().abc.pareto.unwrap();
    let headline = format!("({} of {})", pareto.top, pareto.ranked);
    assert!(screen.contains(&headline), "{screen}");
    app.update(Action::NextView);
    assert_eq!(
        app.view,
        View::Board,
        "and from the reports back to the board"
    );
}

#[test]
fn the_reports_follow_a_win_and_show_the_old_numbers_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Msg::Started);
    app.wait_reports();
    reports_match_the_store(&app);
    let before = app.reports.set.clone().unwrap();
    // Win the first lead, for more than anyone has won yet.
    let deal = app.lists.board[0].deals.rows[0].deal.clone();
    press(
        &mut app,
        &[Action::Won, Action::Type(InputRequest::DeleteLine)],
    );
    type_text(&mut app, "500000");
    app.update(Action::Submit);
    assert!(app.store.deal(deal.id).unwrap().is_won(), "{}", app.message);
    assert!(app.reports.is_stale(), "a write leaves the reports behind");
    app.update(Action::Show(View::Reports));
    assert!(
        app.reports.is_running(),
        "showing the view works them out again"
    );
    let meanwhile = render(&app, 120, 40).backend().to_string();
    assert!(meanwhile.contains("updating…"), "{meanwhile}");
    assert!(
        meanwhile.contains("Funnel"),
        "the last numbers stay in view"
    );
    app.wait_reports();
    reports_match_the_store(&app);
    let after = app.reports.set.clone().unwrap();
    let open = |set: &tierdeck::store::ReportSet, grade: Grade| {
        set.grades.iter().find(|g| g.grade == grade).unwrap().deals
    };
    assert_eq!(open(&after, deal.grade), open(&before, deal.grade) - 1);
    let revenue = |set: &tierdeck::store::ReportSet| -> i64 {
        set.abc.tiers.iter().map(|t| t.revenue_minor.minor()).sum()
    };
    assert_eq!(revenue(&after), revenue(&before) + 50_000_000);
    let account = app.store.account(deal.account_id).unwrap().name;
    assert_eq!(
        after.abc.rows[0].account, account,
        "the biggest account now"
    );
    assert_eq!(after.abc.rows[0].tier, ValueTier::A);
    assert_eq!(after.funnel.won, before.funnel.won + 1);
    let screen = render(&app, 120, 40).backend().to_string();
    assert!(!screen.contains("updating…"), "{screen}");
}

#[test]
fn a_small_screen_shows_the_charts_a_pair_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Reports));
    app.wait_reports();
    let first = render(&app, 80, 24).backend().to_string();
    assert!(first.contains("Funnel") && first.contains("Open deals by grade"));
    assert!(!first.contains("Weighted forecast") && first.contains("1–2/4"));
    press(
        &mut app,
        &[Action::Right, Action::Right, Action::Right, Action::Right],
    );
    assert_eq!(app.report_panel, 3, "the last chart is as far as it goes");
    insta::assert_snapshot!("reports_page2_en_80x24", render(&app, 80, 24).backend());
    let last = render(&app, 80, 24).backend().to_string();
    assert!(last.contains("Revenue by value tier") && last.contains("Weighted forecast"));
    assert!(!last.contains("Funnel"));
    // Smaller still, one at a time, the focused one.
    let one = render(&app, 60, 14).backend().to_string();
    assert!(one.contains("Weighted forecast") && !one.contains("Revenue by value tier"));
    assert!(one.contains("4/4"), "{one}");
    press(&mut app, &[Action::Left]);
    let one = render(&app, 60, 14).backend().to_string();
    assert!(
        one.contains("Revenue by value tier") && one.contains("3/4"),
        "{one}"
    );
    // A click on a chart of the grid focuses it.
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    click(&mut app, area, 10, 5);
    assert_eq!(app.report_panel, 0);
    click(&mut app, area, 100, 30);
    assert_eq!(app.report_panel, 3);
}

#[test]
fn grade_bars_carry_the_colour_of_the_grade_badges() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Reports));
    app.wait_reports();
    let terminal = render(&app, 120, 40);
    let buffer = terminal.backend().buffer();
    let screen = terminal.backend().to_string();
    for (grade, color) in [(Grade::C, Color::Cyan), (Grade::D, Color::Blue)] {
        // The grades chart is the top right one: its badge ` D `, then the bar.
        let y = screen
            .lines()
            .position(|l| l.contains(&format!("││ {grade} ")))
            .unwrap_or_else(|| {
                panic!(
                    "{grade} in
{screen}"
                )
            });
        let x = (0..120)
            .find(|&x| buffer[(x, y as u16)].symbol() == "█" && x > 60)
            .unwrap_or_else(|| panic!("a bar for {grade}"));
        assert_eq!(buffer[(x, y as u16)].fg, color, "{grade}");
        let badge = (61..x).find(|&x| buffer[(x, y as u16)].symbol() == grade.as_str());
        assert_eq!(badge.map(|b| buffer[(b, y as u16)].bg), Some(color));
    }
}

#[test]
fn the_reports_keys_are_in_their_help() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    press(&mut app, &[Action::Show(View::Reports), Action::Help]);
    let help = render(&app, 120, 40).backend().to_string();
    assert!(help.contains("在图表之间切换"), "{help}");
    assert!(help.contains("报表"), "{help}");
    assert!(!help.contains("新建商机"), "n does nothing there: {help}");
    press(&mut app, &[Action::Back, Action::New, Action::Filter]);
    assert!(
        app.popup.is_none() && !app.filter.typing,
        "the reports take no filter and no form"
    );
}

#[test]
fn mine_shows_only_the_users_own_deals_and_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let user = app.store.session().user.clone();
    let everyone = lane_deals(&app.lists.board);
    assert!(
        everyone.iter().any(|d| d.deal.owner != user),
        "the demo has other owners"
    );
    press(&mut app, &[Action::ToggleMine]);
    let mine = lane_deals(&app.lists.board);
    assert!(!mine.is_empty() && mine.len() < everyone.len());
    assert!(mine.iter().all(|d| d.deal.owner == user));
    assert!(app.message.contains(&user), "{}", app.message);
    press(&mut app, &[Action::Show(View::Accounts)]);
    assert!(
        app.lists
            .accounts
            .rows
            .iter()
            .all(|a| a.account.owner == user)
    );
    // And back to everyone's.
    press(&mut app, &[Action::ToggleMine, Action::Show(View::Board)]);
    assert_eq!(lane_deals(&app.lists.board).len(), everyone.len());
}

/// A second connection to the app's database, as another person.
fn other_store(dir: &tempfile::TempDir, user: &str) -> Store {
    Store::open(
        &dir.path().join("t.db"),
        OpenMode::Existing,
        Session {
            user: user.to_string(),
            ..session("2026-11-23")
        },
        Rules::defaults(),
    )
    .unwrap()
}

#[test]
fn another_process_s_changes_show_on_the_tick_keeping_the_cursor_and_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    // The fullest column but the last, whose deals have a next stage.
    let column = (0..app.lists.board.len() - 1)
        .max_by_key(|&i| app.lists.board[i].count)
        .unwrap();
    let lane = app.lists.board[column].deals.rows.clone();
    assert!(lane.len() >= 3, "the demo has a column of three deals");
    let (first, second, third) = (&lane[0].deal, &lane[1].deal, &lane[2].deal);
    let count = app.lists.board[column].count;
    let next = app.lists.board[column + 1].key.clone();
    let tierdeck::tui::app::LaneKey::Stage(next) = next else {
        panic!("the board's lanes are stages");
    };
    for _ in 0..column {
        press(&mut app, &[Action::Right]);
    }
    press(&mut app, &[Action::Down, Action::Edit]);
    type_text(&mut app, " draft");
    let typed = match &app.popup {
        Some(Popup::Form(form)) => form.values.clone(),
        other => panic!("the edit form is open: {other:?}"),
    };

    // Nothing committed elsewhere: the tick reads nothing and says nothing.
    app.wait_reports();
    app.update(Msg::Tick(chrono::Local::now()));
    assert_eq!(app.message, "", "the reports' own connection is no change");

    // The deal above the cursor leaves the lane: the cursor stays on its deal.
    lina.update_deal(
        first.id,
        tierdeck::store::DealPatch {
            stage: Some(next),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Msg::Tick(chrono::Local::now()));
    assert_eq!(
        app.lists.board[column].count,
        count - 1,
        "the kept totals were recounted"
    );
    assert_eq!(app.selected_deal().unwrap().deal.id, second.id);
    assert_eq!(app.lists.board_column, column);
    assert_eq!(app.message, format!("李娜 changed {} (deal)", first.title));
    match &app.popup {
        Some(Popup::Form(form)) => assert_eq!(form.values, typed, "nothing typed is lost"),
        other => panic!("the form stays open: {other:?}"),
    }

    // An edit that writes no history, and an activity, in one tick.
    lina.update_deal(
        third.id,
        tierdeck::store::DealPatch {
            title: Some("华为云采购".into()),
            ..Default::default()
        },
    )
    .unwrap();
    lina.log_activity(first.id, ActivityKind::Call, "问了预算", None)
        .unwrap();
    app.update(Msg::Tick(chrono::Local::now()));
    assert_eq!(
        app.message,
        format!("李娜 logged an activity on {} · 1 more change", first.title)
    );
    assert!(
        app.lists.board[column]
            .deals
            .rows
            .iter()
            .any(|r| r.deal.title == "华为云采购"),
        "the board shows the new title"
    );
    assert_eq!(app.selected_deal().unwrap().deal.id, second.id);
    app.update(Action::Back);
    insta::assert_snapshot!("live_refresh_en_80x24", render(&app, 80, 24).backend());
}

#[test]
fn an_open_detail_is_read_again_when_someone_else_changes_its_deal() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let mut lina = other_store(&dir, "李娜");
    app.update(Action::Open);
    let deal = app.opened.deal.as_ref().unwrap().row.deal.clone();
    lina.log_activity(deal.id, ActivityKind::Visit, "上门演示", None)
        .unwrap();
    app.update(Msg::Tick(chrono::Local::now()));
    let detail = app.opened.deal.as_ref().expect("the detail stays open");
    assert!(detail.activities.iter().any(|a| a.summary == "上门演示"));
    assert_eq!(
        app.message,
        format!("李娜 在「{}」记录了一条跟进", deal.title)
    );
}

/// The app's deal form open on the selected card with its title and amount
/// typed over, while 李娜, through a second connection, saved another title
/// and a new close date; then the app saves. Returns the deal as loaded.
fn conflicted_deal(app: &mut App, lina: &mut Store) -> tierdeck::domain::Deal {
    let deal = app.selected_deal().unwrap().deal.clone();
    app.update(Action::Edit);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(app, "Mine title");
    app.update(Action::NextField);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(app, "12345");
    lina.update_deal(
        deal.id,
        tierdeck::store::DealPatch {
            title: Some("华为云采购 v2".into()),
            expected_close: Some(NaiveDate::from_ymd_opt(2027, 1, 15)),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::Submit);
    assert!(
        matches!(app.popup, Some(Popup::Conflict(_))),
        "the refused save shows both versions: {:?}",
        app.popup
    );
    deal
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[test]
fn a_refused_save_shows_both_versions_field_by_field() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let mut lina = other_store(&dir, "李娜");
        conflicted_deal(&mut app, &mut lina);
        let Some(Popup::Conflict(conflict)) = &app.popup else {
            unreachable!()
        };
        assert_eq!(conflict.by, "李娜");
        // Both changed the title: mine. Only I changed the amount: mine.
        // Only 李娜 changed the close date: theirs. The rest is the same.
        let fields = conflict.take_theirs.len();
        let differing: Vec<usize> = (0..fields).filter(|&i| conflict.differs(i)).collect();
        assert_eq!(differing, [1, 2, 3]);
        let mut theirs = vec![false; fields];
        theirs[3] = true;
        assert_eq!(conflict.take_theirs, theirs);
        insta::assert_snapshot!(
            format!("conflict_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
    }
}

#[test]
fn keep_mine_saves_every_field_as_typed_over_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = conflicted_deal(&mut app, &mut lina);
    app.update(Action::KeepMine);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let saved = app.store.deal(loaded.id).unwrap();
    assert_eq!(saved.title, "Mine title");
    assert_eq!(saved.amount.minor(), 1_234_500);
    assert_eq!(
        saved.expected_close, loaded.expected_close,
        "mine, as loaded"
    );
    assert_eq!(saved.meta.updated_by, "ann");
    assert_eq!(saved.meta.version, loaded.meta.version + 2);
}

#[test]
fn take_theirs_drops_what_was_typed_and_keeps_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = conflicted_deal(&mut app, &mut lina);
    let theirs = app.store.deal(loaded.id).unwrap();
    app.update(Action::TakeTheirs);
    assert!(app.popup.is_none());
    assert_eq!(
        app.message,
        format!(
            "Kept 李娜's version of {}; your edits were not saved",
            loaded.id.short()
        )
    );
    let now = app.store.deal(loaded.id).unwrap();
    assert_eq!(
        (
            now.title.as_str(),
            now.amount,
            now.expected_close,
            now.meta.version
        ),
        (
            "华为云采购 v2",
            loaded.amount,
            day("2027-01-15"),
            theirs.meta.version
        )
    );
    assert_eq!(
        app.selected_deal().unwrap().deal.title,
        "华为云采购 v2",
        "the board shows their version"
    );
}

#[test]
fn combine_saves_each_field_from_the_side_picked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = conflicted_deal(&mut app, &mut lina);
    // The cursor starts on the title, the first field that differs: theirs.
    app.update(Action::Pick);
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let saved = app.store.deal(loaded.id).unwrap();
    assert_eq!(saved.title, "华为云采购 v2", "theirs, picked");
    assert_eq!(saved.amount.minor(), 1_234_500, "mine, typed");
    assert_eq!(
        saved.expected_close,
        day("2027-01-15"),
        "theirs, untouched by me"
    );
    assert_eq!(saved.meta.updated_by, "ann");
}

#[test]
fn a_third_change_while_deciding_is_caught_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = conflicted_deal(&mut app, &mut lina);
    let mut bo = other_store(&dir, "Bo");
    bo.update_deal(
        loaded.id,
        tierdeck::store::DealPatch {
            title: Some("Bo's title".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::KeepMine);
    let Some(Popup::Conflict(conflict)) = &app.popup else {
        panic!("refused again: {:?}", app.popup);
    };
    assert_eq!(conflict.by, "Bo");
    assert_eq!(conflict.theirs.values[1], "Bo's title");
    assert_eq!(
        conflict.mine.values[1], "Mine title",
        "what was typed is kept"
    );
    app.update(Action::KeepMine);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert_eq!(app.store.deal(loaded.id).unwrap().title, "Mine title");
}

#[test]
fn escape_goes_back_to_the_form_as_typed_and_saves_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = conflicted_deal(&mut app, &mut lina);
    app.update(Action::Back);
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("back in the form: {:?}", app.popup);
    };
    assert_eq!(form.values[1..3], ["Mine title", "12345"]);
    app.update(Action::PrevField);
    type_text(&mut app, "!");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert_eq!(app.store.deal(loaded.id).unwrap().title, "Mine title!");
}

#[test]
fn the_account_form_resolves_a_conflict_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let mut lina = other_store(&dir, "李娜");
    app.update(Action::Show(View::Accounts));
    let account = app.lists.accounts.current().unwrap().account.clone();
    app.update(Action::Edit);
    // Industry, region and channel come after the name and the kind.
    press(
        &mut app,
        &[
            Action::NextField,
            Action::NextField,
            Action::Type(InputRequest::DeleteLine),
        ],
    );
    type_text(&mut app, "云计算");
    lina.update_account(
        account.id,
        tierdeck::store::AccountPatch {
            notes: Some("李娜的备注".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::Submit);
    assert!(
        matches!(app.popup, Some(Popup::Conflict(_))),
        "{:?}",
        app.popup
    );
    let shown = render(&app, 80, 24).backend().to_string();
    assert!(
        shown.contains("他人已保存了这个客户") && shown.contains("李娜的备注"),
        "{shown}"
    );
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let saved = app.store.account(account.id).unwrap();
    assert_eq!(
        (saved.industry.as_str(), saved.notes.as_str()),
        ("云计算", "李娜的备注")
    );
}

#[test]
fn a_card_move_or_close_date_refused_names_who_changed_the_deal() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let mut lina = other_store(&dir, "李娜");
    let loaded = app.selected_deal().unwrap().deal.clone();
    lina.update_deal(
        loaded.id,
        tierdeck::store::DealPatch {
            title: Some("Li Na's title".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::MoveStage(true));
    let theirs = app.store.deal(loaded.id).unwrap();
    assert_eq!(theirs.stage, loaded.stage, "not moved");
    let when = app.when(theirs.meta.updated_at);
    assert_eq!(
        app.message,
        format!(
            "李娜 changed deal {} at {when}, after you loaded it: nothing was saved; \
             it now shows as it is, so do it again if you still want to",
            loaded.id.short()
        )
    );
    assert_eq!(app.selected_deal().unwrap().deal.title, "Li Na's title");

    // The view read it again: the date now goes in, until 李娜 saves again.
    lina.update_deal(
        loaded.id,
        tierdeck::store::DealPatch {
            title: Some("Li Na's second title".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::ChangeClose);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(&mut app, "2027-03-01");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "the prompt closes: {:?}", app.popup);
    assert!(
        app.message.starts_with("李娜 changed deal"),
        "{}",
        app.message
    );
    assert_eq!(
        app.store.deal(loaded.id).unwrap().expected_close,
        loaded.expected_close
    );
}

#[test]
fn a_banner_names_the_conflict_copies_beside_the_database() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let dropbox = dir.path().join("t (Ann's conflicted copy 2026-11-22).db");
        let syncthing = dir
            .path()
            .join("t.sync-conflict-20261122-101500-ABCD123.db");
        for copy in [&dropbox, &syncthing] {
            std::fs::write(copy, b"").unwrap();
        }
        // Not a copy: the banner counts only what a sync tool names so.
        std::fs::write(dir.path().join("t-old.db"), b"").unwrap();
        let mut app = app(&dir, lang, false);
        insta::assert_snapshot!(
            format!("copies_banner_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
        // The line above the status line, and its look.
        let banner_row = |app: &App| {
            let terminal = render(app, 80, 24);
            let buffer = terminal.backend().buffer();
            let text: String = (0..80).map(|x| buffer[(x, 22)].symbol()).collect();
            (text, buffer[(3, 22)].bg)
        };
        assert_eq!(banner_row(&app).1, Color::Yellow, "the banner stands out");

        // The folder is listed again at most every 30 s.
        std::fs::remove_file(&syncthing).unwrap();
        let start = chrono::Local::now();
        app.update(Msg::Tick(start));
        app.update(Msg::Tick(start + chrono::TimeDelta::seconds(29)));
        assert_eq!(app.outside.copies.len(), 2, "not listed again yet");
        app.update(Msg::Tick(start + chrono::TimeDelta::seconds(30)));
        assert_eq!(app.outside.copies.len(), 1);
        let (one, _) = banner_row(&app);
        assert!(
            one.contains("Dropbox") && !one.contains("Syncthing"),
            "{one}"
        );
        std::fs::remove_file(&dropbox).unwrap();
        app.update(Msg::Tick(start + chrono::TimeDelta::seconds(60)));
        assert!(app.outside.copies.is_empty());
        assert!(!banner_row(&app).0.contains("doctor"), "the banner is gone");
    }
}

/// The prompt's error after `keys`, typing `text` and Enter on the deal
/// under the cursor.
fn refused(app: &mut App, keys: &[Action], text: &str) -> String {
    press(app, keys);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(app, text);
    app.update(Action::Submit);
    match &app.popup {
        Some(Popup::Prompt(p)) => p.error.clone().unwrap_or_default(),
        other => panic!("the prompt stays open with what is wrong: {other:?}"),
    }
}

/// Lower-case words of four or more Latin letters: an English sentence
/// has many; a format like `YYYY-MM-DD` is none.
fn english_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 4 && w.chars().any(|c| c.is_ascii_lowercase()))
        .collect()
}

#[test]
fn a_refused_action_is_said_in_the_user_s_language() {
    for lang in [Lang::ZhCn, Lang::En] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let bad_date = refused(&mut app, &[Action::ChangeClose], "2026-13-01");
        app.update(Action::Back);
        let deal = app.selected_deal().unwrap().deal.id;
        app.store.won(deal, None).unwrap();
        // The card still shows it open: someone won it meanwhile.
        let won_twice = refused(&mut app, &[Action::Won], "");
        assert!(bad_date.contains("2026-13-01"), "{bad_date}");
        assert!(won_twice.contains(&deal.short()), "{won_twice}");
        for said in [&bad_date, &won_twice] {
            if lang == Lang::ZhCn {
                assert!(
                    english_words(said).is_empty(),
                    "a Chinese user reads Chinese: {said}"
                );
                assert!(said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            } else {
                assert!(english_words(said).len() >= 3, "{said}");
            }
        }
    }
}

#[test]
fn typing_the_filter_says_how_to_keep_clear_and_edit_it() {
    for (lang, clear) in [
        (Lang::En, "Esc Ctrl+C clear it"),
        (Lang::ZhCn, "Esc Ctrl+C 清除筛选"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        app.update(Action::Filter);
        let status = render(&app, 120, 40).backend().to_string();
        assert!(status.contains(clear), "{status}");
        type_text(&mut app, "华东 ");
        app.update(Action::Type(InputRequest::GoToStart));
        app.update(Action::Type(InputRequest::InsertChar('x')));
        assert_eq!(app.filter.typed.text, "x华东 ", "typed at the cursor");
    }
}

#[test]
fn an_activity_typed_in_chinese_is_logged_as_the_kind_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let deal = app.selected_deal().unwrap().deal.id;
    for (typed, kind, summary) in [
        ("拜访 上门演示", ActivityKind::Visit, "上门演示"),
        ("微信 发了报价单", ActivityKind::Message, "发了报价单"),
        ("会议 技术交流", ActivityKind::Meeting, "技术交流"),
    ] {
        app.update(Action::LogActivity);
        type_text(&mut app, typed);
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let detail = app.store.deal_detail(deal).unwrap();
        let logged = detail.activities.iter().find(|a| a.summary == summary);
        assert_eq!(logged.map(|a| a.kind), Some(kind), "{typed}");
    }
}

#[test]
fn a_closed_deal_shows_its_outcome_when_and_why_instead_of_a_grade() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let id = app.selected_deal().unwrap().deal.id;
    press(&mut app, &[Action::Lost]);
    type_text(&mut app, "预算取消");
    press(&mut app, &[Action::Submit, Action::ToggleClosed]);
    let column = app.lists.board.len() - 1;
    app.lists.board_column = column;
    assert!(
        app.lists.board[column]
            .deals
            .select_first(|r| r.deal.id == id)
    );
    let lost = app.store.deal(id).unwrap();
    let board = render(&app, 120, 40).backend().to_string();
    assert!(
        board.contains(" 输单  "),
        "a lost card wears its outcome: {board}"
    );
    app.update(Action::Open);
    let detail = render(&app, 120, 40).backend().to_string();
    assert!(detail.contains("输单原因: 预算取消"), "{detail}");
    assert!(
        detail.contains(&format!("关闭日期: {}", lost.closed_on.unwrap())),
        "{detail}"
    );
    assert!(
        !detail.contains("下次回访"),
        "no revisit for a closed deal: {detail}"
    );
}

#[test]
fn the_agenda_lists_the_revisits_of_the_week_ahead_before_they_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    // Created today and closing this month: graded A, revisited in 7 days.
    let today = app.today();
    let account = tierdeck::store::NewAccount {
        name: "华信".into(),
        ..Default::default()
    };
    app.store
        .add_deal_at_new_account(account, |account_id| tierdeck::store::NewDeal {
            account_id,
            title: "ERP 升级".into(),
            amount: None,
            currency: None,
            stage: None,
            need: None,
            expected_close: Some(today + chrono::Days::new(20)),
            owner: None,
        })
        .unwrap();
    app.update(Action::Show(View::Agenda));
    app.update(Action::Bottom);
    let coming = app
        .lists
        .agenda
        .rows
        .iter()
        .position(|r| r.reminder.status == ReminderStatus::Upcoming)
        .expect("the new deal's revisit is coming this week");
    let row = app.lists.agenda.rows[coming].clone();
    assert_eq!(row.reminder.due, today + chrono::Days::new(7));
    app.lists.agenda.select_loaded(coming);
    let screen = render(&app, 120, 40).backend().to_string();
    assert!(screen.contains("Revisit (coming)"), "{screen}");
    app.update(Action::Done);
    assert!(
        app.message.starts_with("This revisit is not due yet"),
        "{}",
        app.message
    );
    assert_eq!(
        app.lists.agenda.rows[coming].reminder.id, row.reminder.id,
        "nothing changed"
    );
    let (overdue, due_today) = app.store.due_counts().unwrap();
    let upcoming = app.store.count_upcoming(7).unwrap();
    assert_eq!(app.lists.agenda.total, overdue + due_today + upcoming);
}

/// Opens the accounts view's first account that has people, in `lang`.
fn account_with_contacts(dir: &tempfile::TempDir, lang: Lang) -> App {
    let mut app = app(dir, lang, false);
    app.update(Action::Show(View::Accounts));
    for _ in 0..50 {
        app.update(Action::Open);
        if app
            .opened
            .account
            .as_ref()
            .is_some_and(|d| !d.contacts.is_empty())
        {
            return app;
        }
        press(&mut app, &[Action::Back, Action::Down]);
    }
    panic!("the demo data has an account with contacts");
}

#[test]
fn contacts_are_added_and_edited_from_the_account_detail() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = account_with_contacts(&dir, lang);
        let code = lang.code().to_lowercase();
        let account = app.opened.account.as_ref().unwrap().account.id;
        let people = app.opened.account.as_ref().unwrap().contacts.len();

        app.update(Action::NewContact);
        // A name is needed: saving without one keeps the form open.
        app.update(Action::Submit);
        assert!(matches!(app.popup, Some(Popup::Form(_))));
        type_text(&mut app, "王芳");
        press(&mut app, &[Action::NextField]);
        type_text(&mut app, "采购经理");
        press(&mut app, &[Action::NextField]);
        type_text(&mut app, "021-5555 0100");
        insta::assert_snapshot!(
            format!("contact_form_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let saved = app.store.contacts_of(account).unwrap();
        assert_eq!(saved.len(), people + 1);
        let wang = saved.iter().find(|k| k.name == "王芳").expect("saved");
        assert_eq!(
            (wang.title.as_str(), wang.phone.as_str()),
            ("采购经理", "021-5555 0100")
        );
        let shown = app.opened.account.as_ref().unwrap();
        assert_eq!(
            shown.contacts.len(),
            people + 1,
            "the detail shows it at once"
        );

        // The new person is marked; `[` `]` move the mark round the list,
        // and `C` opens the marked person.
        let at = shown
            .contacts
            .iter()
            .position(|k| k.name == "王芳")
            .unwrap();
        assert_eq!(app.opened.contact, at);
        for _ in 0..=people {
            app.update(Action::PickContact(true));
        }
        assert_eq!(app.opened.contact, at, "once round comes back");
        app.update(Action::PickContact(false));
        assert_ne!(app.opened.contact, at);
        app.update(Action::PickContact(true));
        // The status line names the new contact's random id.
        app.message.clear();
        insta::assert_snapshot!(
            format!("account_detail_marked_contact_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        app.update(Action::EditContact);
        let Some(Popup::Form(form)) = &app.popup else {
            panic!("C opens the marked contact");
        };
        assert_eq!(form.values[0], "王芳");
        press(
            &mut app,
            &[Action::NextField, Action::NextField, Action::NextField],
        );
        type_text(&mut app, "wangfang@huaxin.cn");
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let after = app.store.contact(wang.id).unwrap();
        assert_eq!(after.email, "wangfang@huaxin.cn");
        assert_eq!(after.phone, "021-5555 0100", "fields not touched stay");
        assert_eq!(after.meta.version, 2);

        // The same name twice at one account is refused in the form.
        app.update(Action::NewContact);
        type_text(&mut app, " 王芳");
        let Some(Popup::Form(form)) = &app.popup else {
            panic!("the form is open");
        };
        assert!(form.errors[0].is_some(), "{:?}", form.errors);
        app.update(Action::Submit);
        assert!(matches!(app.popup, Some(Popup::Form(_))));
        assert_eq!(app.store.contacts_of(account).unwrap().len(), people + 1);
    }
}

#[test]
fn the_deal_form_sets_the_owner_contact_source_next_step_and_notes() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let code = lang.code().to_lowercase();
        let deal = app.lists.board[0].deals.rows[0].deal.clone();
        let li = app
            .store
            .add_contact(tierdeck::store::NewContact {
                account_id: deal.account_id,
                name: "李总".into(),
                title: Some("总经理".into()),
                ..Default::default()
            })
            .unwrap();
        app.update(Action::Edit);
        // From the title to the owner, then each field after it.
        press(&mut app, &[Action::NextField; 5]);
        app.update(Action::Type(InputRequest::DeleteLine));
        type_text(&mut app, "李娜");
        app.update(Action::NextField);
        type_text(&mut app, "nobody at all");
        let Some(Popup::Form(form)) = &app.popup else {
            panic!("the form is open");
        };
        assert!(
            form.errors[7].is_some(),
            "an unknown contact is said at once"
        );
        app.update(Action::Submit);
        assert!(matches!(app.popup, Some(Popup::Form(_))), "not saved");
        assert_eq!(app.store.deal(deal.id).unwrap().owner, deal.owner);
        app.update(Action::Type(InputRequest::DeleteLine));
        type_text(&mut app, "李");
        app.update(Action::NextField);
        type_text(&mut app, "展会");
        app.update(Action::NextField);
        type_text(&mut app, "周五送报价");
        app.update(Action::NextField);
        type_text(&mut app, "要专票");
        insta::assert_snapshot!(
            format!("deal_form_more_fields_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let saved = app.store.deal(deal.id).unwrap();
        assert_eq!(saved.owner, "李娜");
        assert_eq!(saved.contact_id, Some(li));
        assert_eq!(saved.source, "展会");
        assert_eq!(saved.next_step, "周五送报价");
        assert_eq!(saved.notes, "要专票");
        assert_eq!(saved.meta.version, deal.meta.version + 1, "one save");

        app.update(Action::Open);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(
            screen.contains("李总") && screen.contains("周五送报价"),
            "{screen}"
        );
        insta::assert_snapshot!(
            format!("deal_detail_contact_{code}_80x24"),
            render(&app, 80, 24).backend()
        );
        // Opened again, the form shows the contact by name.
        app.update(Action::Edit);
        let Some(Popup::Form(form)) = &app.popup else {
            panic!("the form is open");
        };
        assert_eq!(form.values[7], "李总");
    }
}

#[test]
fn a_contact_saved_meanwhile_by_someone_else_shows_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = account_with_contacts(&dir, Lang::En);
    let mut lina = other_store(&dir, "李娜");
    let contact = app.opened.account.as_ref().unwrap().contacts[0].clone();
    app.update(Action::EditContact);
    press(&mut app, &[Action::NextField, Action::NextField]);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(&mut app, "+86 21 5555 0000");
    lina.update_contact(
        contact.id,
        tierdeck::store::ContactPatch {
            title: Some("采购总监".into()),
            ..Default::default()
        },
    )
    .unwrap();
    app.update(Action::Submit);
    let Some(Popup::Conflict(conflict)) = &app.popup else {
        panic!("both versions are shown: {:?}", app.popup);
    };
    assert_eq!(conflict.by, "李娜");
    assert_eq!(
        conflict.take_theirs,
        [false, true, false, false, false, false]
    );
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let saved = app.store.contact(contact.id).unwrap();
    assert_eq!(saved.title, "采购总监", "their title");
    assert_eq!(saved.phone, "+86 21 5555 0000", "my phone");
}

#[test]
fn editing_a_contact_where_an_account_has_none_says_how_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    let bare = app
        .store
        .add_account(tierdeck::store::NewAccount {
            name: "深圳前海星河贸易有限公司".into(),
            ..Default::default()
        })
        .unwrap();
    app.update(Action::Show(View::Accounts));
    for _ in 0..50 {
        if app.lists.accounts.current().map(|r| r.account.id) == Some(bare) {
            break;
        }
        app.update(Action::Down);
    }
    assert_eq!(
        app.lists.accounts.current().map(|r| r.account.id),
        Some(bare)
    );
    app.update(Action::Open);
    app.update(Action::EditContact);
    assert!(app.popup.is_none());
    assert_eq!(app.message, "该客户还没有联系人：按 c 新建");
    // Outside an account's detail the contact keys do nothing.
    app.update(Action::Back);
    app.update(Action::NewContact);
    assert!(app.popup.is_none());
}

#[test]
fn delete_asks_first_and_u_takes_it_back() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let lead = app.lists.board[0].count;
        let first = app.lists.board[0].deals.rows[0].deal.clone();
        app.update(Action::Delete);
        assert!(matches!(app.popup, Some(Popup::Confirm(_))));
        insta::assert_snapshot!(
            format!("confirm_delete_deal_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
        app.update(Action::Back);
        assert!(app.popup.is_none());
        assert!(app.store.deal(first.id).is_ok(), "no keeps the deal");

        press(&mut app, &[Action::Delete, Action::Confirm]);
        assert!(app.store.deal(first.id).is_err());
        assert_eq!(app.lists.board[0].count, lead - 1);
        assert!(
            app.lists.board[0]
                .deals
                .rows
                .iter()
                .all(|r| r.deal.id != first.id)
        );
        assert!(app.message.contains(&first.title), "{}", app.message);

        app.update(Action::Undo);
        assert_eq!(app.store.deal(first.id).unwrap().title, first.title);
        assert_eq!(app.lists.board[0].count, lead);
        app.update(Action::ToggleClosed);
        let board = totals(&app.lists.board);
        app.update(Action::Show(View::Tiers));
        assert_eq!((board, totals(&app.lists.tiers)), recounted(&app));
    }
}

#[test]
fn an_account_with_open_deals_is_deleted_with_them_once_the_question_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    app.update(Action::Show(View::Accounts));
    let (id, open) = app
        .lists
        .accounts
        .rows
        .iter()
        .map(|row| {
            (
                row.account.id,
                app.store.open_deals_of(row.account.id).unwrap(),
            )
        })
        .find(|(_, open)| *open > 0)
        .expect("a demo account with open deals");
    while app.lists.accounts.current().map(|r| r.account.id) != Some(id) {
        app.update(Action::Down);
    }
    app.update(Action::Delete);
    assert!(
        matches!(&app.popup, Some(Popup::Confirm(Doomed::Account { open_deals, .. })) if *open_deals == open)
    );
    insta::assert_snapshot!(
        "confirm_delete_account_zh-cn_80x24",
        render(&app, 80, 24).backend()
    );
    app.update(Action::Confirm);
    assert!(app.store.account(id).is_err());
    let deals = app
        .store
        .deals(&DealFilter {
            account: Some(id),
            ..DealFilter::default()
        })
        .unwrap();
    assert!(deals.is_empty(), "its open deals went with it");
    app.update(Action::Undo);
    assert!(app.store.account(id).is_ok());
    assert_eq!(app.store.open_deals_of(id).unwrap(), open);
}

#[test]
fn the_marked_person_of_an_account_is_deleted_after_asking_and_comes_back_with_u() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = account_with_contacts(&dir, Lang::ZhCn);
    let people = app.opened.account.as_ref().unwrap().contacts.clone();
    app.update(Action::Delete);
    assert!(
        matches!(&app.popup, Some(Popup::Confirm(Doomed::Contact { id, .. })) if *id == people[0].id)
    );
    app.update(Action::Confirm);
    let left = &app.opened.account.as_ref().unwrap().contacts;
    assert_eq!(left.len(), people.len() - 1);
    assert!(left.iter().all(|c| c.id != people[0].id));
    assert!(app.message.contains(&people[0].name), "{}", app.message);
    app.update(Action::Undo);
    let names = |people: &[tierdeck::domain::Contact]| -> Vec<(tierdeck::domain::Id, String)> {
        people.iter().map(|c| (c.id, c.name.clone())).collect()
    };
    assert_eq!(
        names(&app.opened.account.as_ref().unwrap().contacts),
        names(&people)
    );
}

#[test]
fn undoing_the_deal_whose_detail_is_open_closes_the_detail() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::New);
    type_text(&mut app, "Taken back at once");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    app.update(Action::Open);
    let opened = app.opened.deal.as_ref().expect("the new deal opens");
    assert_eq!(opened.row.deal.title, "Taken back at once");
    app.update(Action::Undo);
    assert!(app.opened.deal.is_none());
    assert!(
        app.message
            .starts_with("Undone: new deal Taken back at once"),
        "{}",
        app.message
    );
}

/// The first lead's amount retyped in the edit form as `amount`.
fn retype_first_amount(app: &mut App, amount: &str) -> tierdeck::domain::Id {
    let deal = app.lists.board[0].deals.rows[0].deal.id;
    press(
        app,
        &[
            Action::Edit,
            Action::NextField,
            Action::Type(InputRequest::DeleteLine),
        ],
    );
    type_text(app, amount);
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?} {}", app.popup, app.message);
    deal
}

/// A lane's totals worked out from the deals it lists, per currency.
fn listed_totals(lane: &tierdeck::tui::app::Lane) -> tierdeck::domain::Amounts {
    lane.deals
        .rows
        .iter()
        .map(|r| (r.deal.currency, r.deal.amount))
        .collect()
}

#[test]
fn a_card_carries_its_currency_and_a_column_totals_each_currency_apart() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let before = app.lists.board[0].amount.clone();
        let old = app.lists.board[0].deals.rows[0].deal.amount;
        let deal = retype_first_amount(&mut app, "$12,500");
        let saved = app.store.deal(deal).unwrap();
        assert_eq!(
            (saved.amount.minor(), saved.currency.code()),
            (1_250_000, "USD")
        );
        let lane = &app.lists.board[0];
        let usd: tierdeck::domain::Currency = "USD".parse().unwrap();
        let cny = tierdeck::domain::Currency::CNY;
        assert_eq!(lane.amount.get(usd).minor(), 1_250_000);
        assert_eq!(
            lane.amount.get(cny).minor(),
            before.get(cny).minor() - old.minor(),
            "the dollars are not added to the yuan"
        );
        // The kept totals agree with a fresh count.
        let (board, _) = recounted(&app);
        assert_eq!(board[0], totals(&app.lists.board)[0]);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains("$12,500"), "{screen}");
        assert!(
            screen.contains("¥"),
            "the other cards keep their sign: {screen}"
        );
        let name = match lang {
            Lang::En => "board_two_currencies_en_80x24",
            Lang::ZhCn => "board_two_currencies_zh-cn_80x24",
        };
        insta::assert_snapshot!(name, render(&app, 80, 24).backend());
    }
}

#[test]
fn the_edit_form_shows_the_amount_with_its_currency_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    let deal = retype_first_amount(&mut app, "€9.500,00");
    app.update(Action::Edit);
    match &app.popup {
        Some(Popup::Form(form)) => assert_eq!(form.values[2], "9500.00 EUR"),
        other => panic!("the form should be open, got {other:?}"),
    }
    app.update(Action::Submit);
    let saved = app.store.deal(deal).unwrap();
    assert_eq!(
        (saved.amount.minor(), saved.currency.code()),
        (950_000, "EUR")
    );
    // Retyped without a sign, the amount stays in the deal's currency.
    retype_first_amount(&mut app, "800");
    let saved = app.store.deal(deal).unwrap();
    assert_eq!(
        (saved.amount.minor(), saved.currency.code()),
        (80_000, "EUR")
    );
}

#[test]
fn an_amount_whose_currency_is_unclear_is_flagged_in_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::ZhCn, false);
    press(&mut app, &[Action::Edit, Action::NextField]);
    app.update(Action::Type(InputRequest::DeleteLine));
    type_text(&mut app, "$5 EUR");
    let error = match &app.popup {
        Some(Popup::Form(form)) => form.errors[2].clone(),
        other => panic!("the form should be open, got {other:?}"),
    };
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("同时写了两种货币：USD 和 EUR")),
        "{error:?}"
    );
}

#[test]
fn a_filtered_column_counts_and_totals_only_the_deals_it_shows() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        let wanted = app.lists.board[0].deals.rows[0].account.clone();
        let whole: Vec<String> = app
            .lists
            .board
            .iter()
            .map(|l| l.amount.to_string())
            .collect();
        app.update(Action::Filter);
        type_text(&mut app, &wanted);
        app.update(Msg::TypingPaused);
        app.update(Action::Submit);
        let mut narrowed = false;
        let screen = render(&app, 120, 40).backend().to_string();
        for (lane, whole) in app.lists.board.iter().zip(&whole) {
            let shown = lane.deals.rows.len();
            assert!(lane.deals.exact, "a filtered lane knows its count");
            assert_eq!(lane.deals.total, shown, "{}", lane.title);
            assert_eq!(lane.amount, listed_totals(lane), "{}", lane.title);
            narrowed |= lane.amount.to_string() != *whole;
            let count = format!("({shown}/{})", lane.count);
            assert!(screen.contains(&count), "{count}: {screen}");
        }
        assert!(
            narrowed,
            "some column's total is the filter's, not the stage's"
        );
        let name = match lang {
            Lang::En => "board_filtered_totals_en_80x24",
            Lang::ZhCn => "board_filtered_totals_zh-cn_80x24",
        };
        insta::assert_snapshot!(name, render(&app, 80, 24).backend());
        // A write under the filter moves the filtered totals with it.
        retype_first_amount(&mut app, "$1");
        let lane = &app.lists.board[0];
        assert_eq!(lane.amount, listed_totals(lane));
    }
}

#[test]
fn revenue_is_a_sort_of_its_own_and_no_sort_leaves_its_column_out() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        app.update(Action::Show(View::Accounts));
        let header = Catalog::new(lang).get("col.revenue").to_string();
        let mut seen = Vec::new();
        for _ in AccountSort::ALL {
            let screen = render(&app, 80, 24).backend().to_string();
            assert!(
                screen.contains(&header),
                "sorted by {:?}, the Revenue column is gone: {screen}",
                app.lists.sort
            );
            seen.push(app.lists.sort);
            app.update(Action::SortNext);
        }
        assert!(seen.contains(&AccountSort::Revenue), "{seen:?}");
        while app.lists.sort != AccountSort::Revenue {
            app.update(Action::SortNext);
        }
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains(&format!("{header} ▲")), "{screen}");
        let revenue: Vec<i64> = app
            .lists
            .accounts
            .rows
            .iter()
            .map(|r| r.standing.revenue.minor())
            .collect();
        let mut most_first = revenue.clone();
        most_first.sort_by(|a, b| b.cmp(a));
        assert_eq!(revenue, most_first);
        let name = match lang {
            Lang::En => "accounts_by_revenue_en_80x24",
            Lang::ZhCn => "accounts_by_revenue_zh-cn_80x24",
        };
        insta::assert_snapshot!(name, render(&app, 80, 24).backend());
    }
}

#[test]
fn reports_keep_each_currency_apart_and_name_what_the_tiers_leave_out() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(&dir, lang, false);
        // One deal won in dollars, one open deal retyped in euros.
        let won = app.lists.board[0].deals.rows[0].deal.clone();
        let revenue = |app: &App| {
            let row = app.store.account_row(won.account_id).unwrap();
            row.standing.revenue.minor()
        };
        let before = revenue(&app);
        let won = won.id;
        press(
            &mut app,
            &[Action::Won, Action::Type(InputRequest::DeleteLine)],
        );
        type_text(&mut app, "$99,000");
        app.update(Action::Submit);
        assert!(app.store.deal(won).unwrap().is_won(), "{}", app.message);
        retype_first_amount(&mut app, "€5.000,00");
        app.update(Action::Show(View::Reports));
        app.wait_reports();
        let set = app.reports.set.clone().unwrap();
        let usd: tierdeck::domain::Currency = "USD".parse().unwrap();
        let eur: tierdeck::domain::Currency = "EUR".parse().unwrap();
        assert_eq!(set.unranked.get(usd).minor(), 9_900_000);
        assert_eq!(revenue(&app), before, "the dollars are not ranked as yuan");
        let euros: Vec<_> = set.grades.iter().filter(|g| g.currency == eur).collect();
        assert_eq!(euros.len(), 1, "{:?}", set.grades);
        assert_eq!(euros[0].amount_minor.minor(), 500_000);
        assert!(
            set.forecast
                .iter()
                .any(|r| r.currency == eur && r.amount_minor.minor() == 500_000)
        );
        let screen = render(&app, 120, 40).backend().to_string();
        // The line wraps in its panel: its two ends.
        let (rule, amount) = match lang {
            Lang::En => ("Value tiers rank revenue in CNY", "$99k"),
            Lang::ZhCn => ("价值分层按 CNY", "$9.9万"),
        };
        assert!(screen.contains(rule) && screen.contains(amount), "{screen}");
        assert!(
            screen.contains("€5,000") || screen.contains("€5k"),
            "{screen}"
        );
        let name = match lang {
            Lang::En => "reports_two_currencies_en_120x40",
            Lang::ZhCn => "reports_two_currencies_zh-cn_120x40",
        };
        insta::assert_snapshot!(name, render(&app, 120, 40).backend());
    }
}

/// An app on an empty database holding one deal of 上海华信, graded A.
fn one_deal(dir: &tempfile::TempDir, lang: Lang) -> (App, tierdeck::domain::Id) {
    let mut app = app(dir, lang, true);
    let today = app.today();
    let account = tierdeck::store::NewAccount {
        name: "上海华信".into(),
        ..Default::default()
    };
    let (_, deal) = app
        .store
        .add_deal_at_new_account(account, |account_id| tierdeck::store::NewDeal {
            account_id,
            title: "ERP 升级".into(),
            amount: None,
            stage: None,
            need: None,
            expected_close: Some(today + chrono::Days::new(20)),
            owner: None,
            currency: None,
        })
        .unwrap();
    app.update(Action::Show(View::Board));
    (app, deal)
}

#[test]
fn f_plans_a_follow_up_on_the_deal_that_the_agenda_shows_with_its_time() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let (mut app, deal) = one_deal(&dir, lang);
        assert_eq!(app.selected_deal().unwrap().deal.id, deal);
        app.update(Action::PlanFollowUp);
        type_text(&mut app, "yesterday call");
        app.update(Action::Submit);
        let Some(Popup::Prompt(prompt)) = &app.popup else {
            panic!("a plan for a past day keeps the prompt open");
        };
        assert!(prompt.error.is_some());
        assert_eq!(
            prompt.answer.text, "yesterday call",
            "nothing typed is lost"
        );
        app.update(Action::Type(InputRequest::DeleteLine));
        // 2026-11-23 is a Monday.
        type_text(&mut app, "fri 15:00 call 李总 about the quote");
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        app.update(Action::Show(View::Agenda));
        let planned = app
            .lists
            .agenda
            .rows
            .iter()
            .find(|r| r.reminder.kind == ReminderKind::FollowUp)
            .expect("the follow-up is in the agenda");
        assert_eq!(planned.reminder.due.to_string(), "2026-11-27");
        assert_eq!(planned.reminder.note, "call 李总 about the quote");
        // The status line names the deal by its random id.
        assert!(app.message.contains("2026-11-27"), "{}", app.message);
        app.message.clear();
        insta::assert_snapshot!(
            format!("follow_up_agenda_{}_80x24", lang.code()).to_lowercase(),
            render(&app, 80, 24).backend()
        );
    }
}

#[test]
fn a_and_r_in_the_deal_detail_correct_and_retract_the_latest_activity_keeping_the_original() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let (mut app, _) = one_deal(&dir, lang);
        app.update(Action::Open);
        app.update(Action::CorrectActivity);
        assert!(app.popup.is_none(), "no activity yet");
        assert!(!app.message.is_empty());

        // Demo data, whose ids are the same every time, for the snapshots.
        let demo = tempfile::tempdir().unwrap();
        let mut app = self::app(&demo, lang, false);
        let deal = app.selected_deal().unwrap().deal.id;
        app.update(Action::CorrectActivity);
        assert!(app.popup.is_none(), "only from the deal detail");
        app.store
            .log_activity(deal, ActivityKind::Call, "谈了预算", None)
            .unwrap();
        app.update(Action::Open);
        app.update(Action::CorrectActivity);
        let Some(Popup::Prompt(prompt)) = &app.popup else {
            panic!("the correction prompt is open");
        };
        assert_eq!(
            prompt.answer.text, "call 谈了预算",
            "it starts from what it says"
        );
        app.update(Action::Type(InputRequest::DeleteLine));
        type_text(&mut app, "visit 上门谈了预算");
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let detail = app.opened.deal.as_ref().unwrap();
        assert_eq!(detail.activities.len(), 1);
        assert_eq!(detail.activities[0].kind, ActivityKind::Visit);
        assert_eq!(detail.corrections.len(), 1);
        app.message.clear();
        insta::assert_snapshot!(
            format!("activity_corrected_{}_100x30", lang.code()).to_lowercase(),
            render(&app, 100, 30).backend()
        );
        app.update(Action::RetractActivity);
        app.update(Action::Submit);
        assert!(app.popup.is_some(), "a retraction needs its reason");
        type_text(&mut app, "记错了客户");
        app.update(Action::Submit);
        assert!(app.popup.is_none(), "{:?}", app.popup);
        let detail = app.opened.deal.as_ref().unwrap();
        assert!(detail.activities.is_empty());
        assert_eq!(detail.corrections.len(), 2);
        app.message.clear();
        insta::assert_snapshot!(
            format!("activity_retracted_{}_100x30", lang.code()).to_lowercase(),
            render(&app, 100, 30).backend()
        );
    }
}

#[test]
fn f_in_the_account_detail_plans_a_follow_up_with_the_account_that_the_agenda_closes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = one_deal(&dir, Lang::ZhCn);
    app.update(Action::Show(View::Accounts));
    app.update(Action::Open);
    assert!(app.opened.account.is_some(), "the account detail is open");
    app.update(Action::PlanFollowUp);
    type_text(&mut app, "+3d 送样品");
    app.update(Action::Submit);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert!(app.message.contains("2026-11-26"), "{}", app.message);
    app.update(Action::Back);
    app.update(Action::Show(View::Agenda));
    let index = app
        .lists
        .agenda
        .rows
        .iter()
        .position(|r| r.reminder.kind == ReminderKind::FollowUp)
        .expect("the account's follow-up is in the agenda");
    let planned = app.lists.agenda.rows[index].clone();
    assert_eq!(planned.reminder.deal_id, None);
    assert_eq!(planned.account, "上海华信");
    let screen = render(&app, 80, 24).backend().to_string();
    assert!(screen.contains("计划跟进 送样品"), "{screen}");
    app.lists.agenda.select_loaded(index);
    app.update(Action::Done);
    assert!(
        app.lists
            .agenda
            .rows
            .iter()
            .all(|r| r.reminder.id != planned.reminder.id),
        "done from the agenda like any other"
    );
}

/// Goals for this month (2026-11) for the two busiest demo owners and the
/// team, and one for the quarter: the Reports view gains a goals panel.
fn with_goals(dir: &tempfile::TempDir, lang: Lang) -> App {
    use tierdeck::domain::Money;
    use tierdeck::reports::GoalPeriod;
    use tierdeck::store::GoalTarget;
    let mut app = app(dir, lang, false);
    let mut owners: Vec<(String, usize)> = Vec::new();
    for deal in app.store.deal_facts().unwrap() {
        match owners.iter_mut().find(|(o, _)| **o == *deal.owner) {
            Some((_, n)) => *n += 1,
            None => owners.push((deal.owner.to_string(), 1)),
        }
    }
    owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // The busiest owner wins an open deal today, so that a bar moves.
    let open = app
        .store
        .deal_facts()
        .unwrap()
        .into_iter()
        .find(|d| *d.owner == *owners[0].0 && &*d.stage != "won" && &*d.stage != "lost")
        .expect("an open deal of the busiest owner");
    app.store.won_in(open.id, None, None).unwrap();
    let month = GoalPeriod::parse("2026-11").unwrap();
    // The user (ann) has a goal too: the status line shows how far she is.
    let mut with_goals: Vec<String> = owners.iter().take(2).map(|(o, _)| o.clone()).collect();
    with_goals.push("ann".to_string());
    for owner in &with_goals {
        app.store
            .set_goal(GoalTarget {
                owner: Some(owner.to_string()),
                period: month,
                won_amount: Some((Money(50_000_000), None)),
                won_deals: Some(2),
                activities: None,
            })
            .unwrap();
    }
    // The busiest owner's one win meets his deals target.
    app.store
        .set_goal(GoalTarget {
            owner: Some(owners[0].0.clone()),
            period: month,
            won_amount: None,
            won_deals: Some(1),
            activities: None,
        })
        .unwrap();
    app.store
        .set_goal(GoalTarget {
            owner: None,
            period: month,
            won_amount: Some((Money(120_000_000), None)),
            won_deals: None,
            activities: Some(40),
        })
        .unwrap();
    app.store
        .set_goal(GoalTarget {
            owner: None,
            period: GoalPeriod::parse("2026-Q4").unwrap(),
            won_amount: None,
            won_deals: Some(12),
            activities: None,
        })
        .unwrap();
    app.update(Action::Show(View::Reports));
    app.wait_reports();
    app
}

#[test]
fn the_reports_view_shows_the_goals_under_the_charts_with_the_team_total_and_the_pace() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = with_goals(&dir, lang);
        reports_match_the_store(&app);
        assert_eq!(app.report_panel_count(), 5);
        let wide = render(&app, 120, 40);
        let screen = wide.backend().to_string();
        let c = Catalog::new(lang);
        assert!(screen.contains(c.get("reports_view.goals")), "{screen}");
        assert!(screen.contains(c.get("report.team")), "{screen}");
        let own = c.fmt("tui.own_goal", &[("period", "2026-11"), ("percent", "0")]);
        assert!(screen.contains(&own), "the status line: {screen}");
        insta::assert_snapshot!(
            format!("reports_goals_{}_120x40", lang.code()).to_lowercase(),
            wide.backend()
        );
        // A met target's bar is green, one still short of it cyan.
        let buffer = wide.backend().buffer();
        let bar_colours = |needle: &str| -> Vec<Color> {
            let y = (0..buffer.area.height)
                .find(|&y| {
                    let line: String = (0..buffer.area.width)
                        .map(|x| buffer[(x, y)].symbol())
                        .collect();
                    line.contains(needle)
                })
                .unwrap_or_else(|| panic!("{needle} on screen"));
            (0..buffer.area.width)
                .filter(|&x| buffer[(x, y)].symbol() == "█")
                .map(|x| buffer[(x, y)].fg)
                .collect()
        };
        // The met row says ✓ for its pace; the team's activities need 4.7 a day.
        let colours = bar_colours("✓");
        assert!(!colours.is_empty() && colours.iter().all(|c| *c == Color::Green));
        let colours = bar_colours(" 4.7");
        assert!(!colours.is_empty() && colours.iter().all(|c| *c == Color::Cyan));
        // On a small screen the goals are the last page, reached with →.
        press(&mut app, &[Action::Right; 6]);
        assert_eq!(app.report_panel, 4, "the goals are as far as it goes");
        let small = render(&app, 80, 24);
        assert!(
            small
                .backend()
                .to_string()
                .contains(c.get("reports_view.goals")),
            "{}",
            small.backend()
        );
        insta::assert_snapshot!(
            format!("reports_goals_{}_80x24", lang.code()).to_lowercase(),
            small.backend()
        );
    }
}

#[test]
fn without_goals_the_reports_view_keeps_its_four_charts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, Lang::En, false);
    app.update(Action::Show(View::Reports));
    app.wait_reports();
    assert_eq!(app.report_panel_count(), 4);
    press(&mut app, &[Action::Right; 6]);
    assert_eq!(app.report_panel, 3);
}
