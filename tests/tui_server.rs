//! The UI on a team server (SPEC §5.3), against a real PostgreSQL 15: a
//! teammate's change is heard of (`NOTIFY`) and shown before the next
//! poll, and while the server is down the UI's changes wait, the status
//! line says so, and they are sent when it is back. Its own binary: the
//! UI finds its password in `PGPASSWORD`, as a person's terminal would give
//! it, and this process's environment is set before anything else runs.

mod common;
#[allow(dead_code)]
#[path = "common/postgres.rs"]
mod postgres;

use chrono::{DateTime, Local, NaiveDate, TimeDelta, Utc};
use common::Td;
use postgres::{ADMIN_PASSWORD, Cluster};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tierdeck::i18n::{Catalog, Lang};
use tierdeck::rules::Rules;
use tierdeck::store::{DealFilter, DealPatch, OpenMode, Session, Store};
use tierdeck::tui::action::Msg;
use tierdeck::tui::app::{App, TeamState};
use tierdeck::tui::render;

const TODAY: &str = "2026-12-01";

fn password(login: &str) -> String {
    format!("{login}-ui-Pw")
}

fn member(login: &str) -> Td {
    let mut td = Td::new();
    td.user = login.to_string();
    td
}

fn ok(td: &Td, args: &[&str]) -> String {
    let mut cmd = td.cmd(TODAY, args);
    cmd.env("PGPASSWORD", password(&td.user));
    common::succeed(cmd.output().expect("run tierdeck"), args)
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

fn title(app: &App) -> String {
    app.store.deals(&DealFilter::default()).unwrap()[0]
        .deal
        .title
        .clone()
}

#[test]
fn a_teammate_s_change_is_heard_of_and_the_ui_s_own_wait_while_the_server_is_down() {
    // SAFETY: set before this binary's only test starts anything that
    // reads the environment.
    unsafe { std::env::set_var("PGPASSWORD", password("ann")) };
    let cluster = Cluster::start();
    let admin = Td::new();
    let setup = [
        "team",
        "server-setup",
        &cluster.url("postgres"),
        "--member",
        "ann",
        "--member",
        "lina",
        "--apply",
    ];
    let mut cmd = admin.cmd(TODAY, &setup);
    cmd.env("PGPASSWORD", ADMIN_PASSWORD);
    common::succeed(cmd.output().unwrap(), &setup);
    for login in ["ann", "lina"] {
        cluster.admin(&format!(
            "ALTER ROLE \"{login}\" PASSWORD '{}'",
            password(login)
        ));
    }
    let (ann, lina) = (member("ann"), member("lina"));
    ok(&ann, &["account", "add", "--name", "上海华信"]);
    ok(
        &ann,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "ERP 升级",
            "--close",
            "+3w",
        ],
    );
    ok(&ann, &["team", "init", &cluster.url("ann")]);
    ok(&lina, &["team", "join", &cluster.url("lina")]);

    let session = Session {
        user: "ann".into(),
        today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        now: Utc::now(),
        offset: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
    };
    let store = Store::open(&ann.db, OpenMode::Existing, session, Rules::defaults()).unwrap();
    let mut app = App::new(store, Catalog::new(Lang::En)).unwrap();
    let start: DateTime<Local> = Local::now();
    let at = |ms: i64| start + TimeDelta::milliseconds(ms);
    app.update(Msg::Tick(at(0)));
    assert_eq!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::InStep)
    );

    // Well inside the two seconds between polls: only the server's word
    // brings it.
    let deal = ok(&lina, &["list", "--format", "json"]);
    let id = serde_json::from_str::<serde_json::Value>(&deal).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&lina, &["deal", "update", &id, "--title", "华为云采购"]);
    let mut heard = false;
    for step in 1..=20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        app.update(Msg::Tick(at(step * 50)));
        if title(&app) == "华为云采购" {
            heard = true;
            break;
        }
    }
    assert!(heard, "lina's change was not heard of before the next poll");
    assert_eq!(app.message, "lina changed 华为云采购 (deal)");

    // The server goes away: the UI's change waits, and says so.
    cluster.down();
    let deal = app.store.deals(&DealFilter::default()).unwrap()[0].deal.id;
    app.store
        .update_deal(
            deal,
            DealPatch {
                title: Some("门店系统".into()),
                ..DealPatch::default()
            },
        )
        .unwrap();
    app.update(Msg::Tick(at(5_000)));
    assert!(matches!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::Unsent(n)) if n > 0
    ));
    assert!(screen(&app).contains("unsent"), "{}", screen(&app));

    // After a failed try the next waits twice as long: not at the next
    // poll, then at the one after.
    cluster.up();
    app.update(Msg::Tick(at(8_000)));
    assert!(matches!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::Unsent(_))
    ));
    app.update(Msg::Tick(at(9_500)));
    assert_eq!(
        app.outside.team.as_ref().map(|t| t.state),
        Some(TeamState::InStep)
    );
    ok(&lina, &["sync"]);
    let shown = ok(&lina, &["show", &id, "--format", "json"]);
    assert!(
        shown.contains("门店系统"),
        "sent once the server is back: {shown}"
    );
}
