//! The TUI figures of SPEC §8, measured in-process on the scale data set.
//!
//! `cargo bench --bench tui` builds the scale data set (100,000 accounts,
//! about 200,000 deals and 1,000,000 activities) with the binary's `demo`
//! command in a temporary directory, then drives the UI on ratatui's
//! TestBackend: the first frame (opening the store, `App::new`, the first
//! draw), the redraw after each of a sequence of typical keys, the first
//! start on a new day (when the grades are brought up to date first), the
//! store queries behind a reload, and the peak memory of this process. Each
//! figure is printed beside its target. `SCALE_ACCOUNTS=N` makes a smaller set for a
//! quick look, `TUI_ROUNDS=N` repeats the key sequence N times (default 5).
//! Nothing here asserts a time: the figures are printed for people to read,
//! so a slow machine cannot make the test suite flaky.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tierdeck::i18n::{Catalog, Lang};
use tierdeck::rules::Rules;
use tierdeck::store::{
    AccountFilter, DealFilter, DueFilter, OpenMode, ReminderPage, Session, Store,
};
use tierdeck::tui::action::{Action, Msg, View};
use tierdeck::tui::app::App;
use tierdeck::tui::paged::PAGE;
use tierdeck::tui::render;
use tui_input::InputRequest;

const BIN: &str = env!("CARGO_BIN_EXE_tierdeck");
const TODAY: &str = "2026-11-23";
const FIRST_FRAME_TARGET: Duration = Duration::from_millis(200);
const KEY_TARGET: Duration = Duration::from_millis(16);
/// How the searches after a pause in typing the filter are labelled.
const FILTER_LABEL: &str = "filter";
/// How often each first-frame size and each store query is measured.
const RUNS: usize = 3;

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let accounts: usize = env_number("SCALE_ACCOUNTS", 100_000);
    let rounds: usize = env_number("TUI_ROUNDS", 5).max(1);
    let dir = tempfile::tempdir().expect("a temporary directory for the scale data set");
    let db = dir.path().join("scale.db");

    let (built, summary) = build_data_set(&db, accounts);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let mut report = format!(
        "\ntierdeck TUI figures ({accounts} accounts, database {} MB, TestBackend, in-process)\n",
        size / 1_000_000
    );
    let _ = writeln!(
        report,
        "  {} — built in {:.1} s; the OS file cache is warm from building it",
        summary.trim(),
        built.as_secs_f64()
    );

    // 1. The first frame, per screen size.
    let _ = writeln!(
        report,
        "\nfirst frame: Store::open + App::new + first draw (then: catch up, a regrade if the day is new, + redraw)"
    );
    let _ = writeln!(
        report,
        "  {:<28} {:>10} {:>10} {:>10} {:>10} {:>12}   target",
        "size, run", "open", "App::new", "draw", "first frame", "then catch up"
    );
    let mut app_new = Vec::new();
    for (width, height) in [(120, 40), (80, 24)] {
        let mut totals = Vec::new();
        for run in 1..=RUNS {
            let (frame, _app) = first_frame(&db, TODAY, width, height);
            app_new.push(frame.app_new);
            totals.push(frame.total());
            frame.write_row(
                &mut report,
                &format!("{width}×{height}, run {run} of {RUNS}"),
            );
        }
        let _ = writeln!(
            report,
            "  {:<28} {:>43}   {}",
            format!("{width}×{height}, median"),
            ms(median(&mut totals)),
            verdict(median(&mut totals), FIRST_FRAME_TARGET)
        );
    }
    let _ = writeln!(
        report,
        "  {:<28} {:>21}   (loads the board: due counts, stage totals, a page per stage)",
        format!("App::new alone, median of {}", app_new.len()),
        ms(median(&mut app_new))
    );
    let after_first_frame = peak_rss_kb();

    // 2. Typical keys: update + one redraw, per kind of key.
    let (_, mut app) = first_frame(&db, TODAY, 120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    terminal
        .draw(|f| render::draw(f, &app))
        .expect("the first draw");
    let mut keys: BTreeMap<String, KeyTimes> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for _ in 0..rounds {
        for action in key_sequence() {
            let label = label(&app, action);
            let started = Instant::now();
            app.update(action);
            let updated = started.elapsed();
            terminal.draw(|f| render::draw(f, &app)).expect("a redraw");
            let total = started.elapsed();
            record(&mut keys, &mut order, label, updated, total);
            // The event loop narrows the lists once the typing pauses.
            if app.filter.pending {
                let started = Instant::now();
                app.update(Msg::TypingPaused);
                let updated = started.elapsed();
                terminal.draw(|f| render::draw(f, &app)).expect("a redraw");
                let label = format!("{FILTER_LABEL} \"{}\"", app.filter.typed.text);
                record(&mut keys, &mut order, label, updated, started.elapsed());
            }
        }
    }
    let _ = writeln!(
        report,
        "\nper keypress: app.update(action) + one draw at 120×40 ({rounds} rounds of the sequence)"
    );
    let _ = writeln!(
        report,
        "  {:<30} {:>5} {:>11} {:>11} {:>11} {:>11} {:>11}   target",
        "key (view it was pressed in)", "n", "update med", "draw med", "median", "p95", "max"
    );
    let mut all = Vec::new();
    for label in order.iter().filter(|l| !l.starts_with(FILTER_LABEL)) {
        let times = keys.get_mut(label).expect("a measured key");
        all.extend_from_slice(&times.total);
        times.write_row(&mut report, label, KEY_TARGET);
    }
    let worst = percentile(&mut all, 100);
    let _ = writeln!(
        report,
        "  {:<30} {:>5} {:>11} {:>11} {:>11} {:>11} {:>11}   {}",
        "every key",
        all.len(),
        "",
        "",
        ms(median(&mut all)),
        ms(percentile(&mut all, 95)),
        ms(worst),
        verdict(worst, KEY_TARGET)
    );
    let _ = writeln!(
        report,
        "\nthe / filter narrowing every list once the typing pauses for 150 ms (not a keypress: each letter is one, above)"
    );
    for label in order.iter().filter(|l| l.starts_with(FILTER_LABEL)) {
        let times = keys.get_mut(label).expect("a measured search");
        times.write_row(&mut report, label, FIRST_FRAME_TARGET);
    }
    drop(terminal);
    drop(app);
    let after_keys = peak_rss_kb();

    // 3. The Reports view: drawn from the set worked out in the background.
    let _ = writeln!(
        report,
        "\nthe Reports view (5) at 120×40: its set is worked out on a thread that catching up starts"
    );
    for run in 1..=RUNS {
        let started = Instant::now();
        let store = Store::open(&db, OpenMode::CreateFile, session(TODAY), Rules::defaults())
            .expect("open the scale database");
        let mut app = App::new(store, Catalog::new(Lang::En)).expect("the app loads its views");
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
        terminal
            .draw(|f| render::draw(f, &app))
            .expect("the first draw");
        app.update(Msg::Started);
        let caught_up = started.elapsed();
        // Pressed at once: the set is not there yet, so the view says so.
        let pressed = Instant::now();
        app.update(Action::Show(View::Reports));
        terminal
            .draw(|f| render::draw(f, &app))
            .expect("the first Reports frame");
        let first_frame = pressed.elapsed();
        app.wait_reports();
        app.update(Msg::ReportsPoll);
        terminal
            .draw(|f| render::draw(f, &app))
            .expect("the charts");
        let charts = pressed.elapsed();
        // Later visits find the set ready.
        app.update(Action::Show(View::Board));
        terminal.draw(|f| render::draw(f, &app)).expect("the board");
        let again = Instant::now();
        app.update(Action::Show(View::Reports));
        terminal
            .draw(|f| render::draw(f, &app))
            .expect("the charts again");
        let ready = again.elapsed();
        let _ = writeln!(
            report,
            "  run {run} of {RUNS}: first frame on 5 right after start {:>9}; charts filled {:>9} after the key \
             ({:>9} after start); 5 with the set ready {:>9}   target < 200 ms: {}",
            ms(first_frame),
            ms(charts),
            ms(caught_up + charts),
            ms(ready),
            verdict(first_frame.max(ready), FIRST_FRAME_TARGET)
        );
    }
    let mut set_times = Vec::new();
    for _ in 0..RUNS {
        let store = Store::open(&db, OpenMode::CreateFile, session(TODAY), Rules::defaults())
            .expect("open the scale database");
        let started = Instant::now();
        store
            .report_set(store.default_period())
            .expect("every report");
        set_times.push(started.elapsed());
    }
    let _ = writeln!(
        report,
        "  {:<66} {:>10}   (the worker's whole run: every report of SPEC §4)",
        "Store::report_set, median",
        ms(median(&mut set_times))
    );
    let after_reports = peak_rss_kb();

    // 4. A start on a new day, when refresh re-grades every deal first.
    let (frame, app) = first_frame(&db, "2026-11-24", 120, 40);
    let after_new_day = peak_rss_kb();
    let _ = writeln!(
        report,
        "\nfirst start on a new day (drawn first; catching up re-grades every deal, SPEC allows 1 s for a regrade)"
    );
    let _ = writeln!(
        report,
        "  {:<28} {:>10} {:>10} {:>10} {:>10} {:>12}   target",
        "size", "open", "App::new", "draw", "first frame", "then catch up"
    );
    frame.write_row(&mut report, "120×40, 2026-11-24");

    // 5. The store queries behind a reload, each alone, then the unpaged
    // ones the views no longer run, for comparison.
    let _ = writeln!(
        report,
        "\nstore queries behind a reload (median of {RUNS}; a key that changes data or view reloads it)"
    );
    for (what, took) in query_times(&app.store) {
        let _ = writeln!(report, "  {what:<66} {:>10}", ms(took));
    }
    drop(app);

    // 6. Memory.
    let _ = writeln!(report, "\npeak memory of this process (ru_maxrss)");
    let _ = writeln!(
        report,
        "  {:<66} {:>10}   target < 200 MB",
        "after the first frames",
        format!("{} MB", after_first_frame / 1024)
    );
    for (what, kb) in [
        ("after the keys", after_keys),
        ("after the Reports view", after_reports),
        (
            "after the start on a new day (a full regrade)",
            after_new_day,
        ),
        (
            "after the unpaged queries above (the bench's own, not the UI's)",
            peak_rss_kb(),
        ),
    ] {
        let _ = writeln!(
            report,
            "  {what:<66} {:>10}   target < 200 MB",
            format!("{} MB", kb / 1024)
        );
    }
    println!("{report}");
}

/// What one first frame took, step by step, and the catching up after it.
struct FirstFrame {
    open: Duration,
    app_new: Duration,
    draw: Duration,
    /// Re-grading for a day the store had not seen, and the redraw: after
    /// the first frame, as the UI does it.
    catch_up: Duration,
}

impl FirstFrame {
    fn total(&self) -> Duration {
        self.open + self.app_new + self.draw
    }

    fn write_row(&self, report: &mut String, what: &str) {
        let _ = writeln!(
            report,
            "  {:<28} {:>10} {:>10} {:>10} {:>10} {:>12}   {}",
            what,
            ms(self.open),
            ms(self.app_new),
            ms(self.draw),
            ms(self.total()),
            ms(self.catch_up),
            verdict(self.total(), FIRST_FRAME_TARGET)
        );
    }
}

/// Opens the store as the UI does and draws the first frame on a
/// `width`×`height` TestBackend.
fn first_frame(db: &Path, today: &str, width: u16, height: u16) -> (FirstFrame, App) {
    let started = Instant::now();
    let store = Store::open(db, OpenMode::CreateFile, session(today), Rules::defaults())
        .expect("open the scale database");
    let open = started.elapsed();
    let started = Instant::now();
    let mut app = App::new(store, Catalog::new(Lang::En)).expect("the app loads its views");
    let app_new = started.elapsed();
    let started = Instant::now();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| render::draw(f, &app))
        .expect("the first draw");
    let draw = started.elapsed();
    let started = Instant::now();
    app.update(Msg::Started);
    terminal
        .draw(|f| render::draw(f, &app))
        .expect("the redraw after catching up");
    let catch_up = started.elapsed();
    // Catching up starts the reports on their own thread; the figures
    // measured after this one must not share the machine with it.
    app.wait_reports();
    (
        FirstFrame {
            open,
            app_new,
            draw,
            catch_up,
        },
        app,
    )
}

/// The queries a reload runs, each timed alone.
fn query_times(store: &Store) -> Vec<(String, Duration)> {
    let mut out = Vec::new();
    let mut time = |what: String, work: &mut dyn FnMut() -> usize| {
        let mut runs = Vec::new();
        let mut rows = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            rows = work();
            runs.push(started.elapsed());
        }
        out.push((format!("{what} → {rows} rows"), median(&mut runs)));
    };
    let page = |filter: DealFilter| DealFilter {
        limit: Some(PAGE),
        ..filter
    };
    time("stage_totals()".into(), &mut || {
        store.stage_totals().expect("stage totals").len()
    });
    let stages: Vec<String> = store.rules().open_stages().map(|s| s.id.clone()).collect();
    for stage in &stages {
        time(format!("deals(stage {stage}, limit {PAGE})"), &mut || {
            store
                .deals(&page(DealFilter {
                    stage: Some(stage.clone()),
                    ..DealFilter::default()
                }))
                .expect("a board column")
                .len()
        });
    }
    // What a column header under the `/` filter says: one aggregate read.
    let filtered = tierdeck::query::Query::parse("tier:A", "bench").expect("a filter");
    for stage in &stages {
        time(format!("deal_totals(stage {stage}, tier:A)"), &mut || {
            let (count, _) = store
                .deal_totals(&DealFilter {
                    stage: Some(stage.clone()),
                    query: filtered.clone(),
                    ..DealFilter::default()
                })
                .expect("a filtered column's totals");
            usize::try_from(count).unwrap_or(0)
        });
    }
    time("grade_totals()".into(), &mut || {
        store.grade_totals().expect("grade totals").len()
    });
    for (grade, _, _) in store.grade_totals().expect("grade totals") {
        time(format!("deals(grade {grade}, limit {PAGE})"), &mut || {
            store
                .deals(&page(DealFilter {
                    grade: Some(grade),
                    ..DealFilter::default()
                }))
                .expect("a tier")
                .len()
        });
    }
    time(
        "due_counts() (at start, and after bulk changes)".into(),
        &mut || store.due_counts().map(|_| 1).expect("due counts"),
    );
    time(
        format!("reminders_page(Week, {PAGE}) (the agenda)"),
        &mut || {
            store
                .reminders_page(
                    DueFilter::Week,
                    &ReminderPage {
                        limit: PAGE,
                        ..ReminderPage::default()
                    },
                )
                .expect("the agenda")
                .len()
        },
    );
    time(
        format!("accounts(limit {PAGE}) (the accounts view)"),
        &mut || {
            store
                .accounts(&AccountFilter {
                    limit: Some(PAGE),
                    ..AccountFilter::default()
                })
                .expect("the accounts")
                .len()
        },
    );
    time(
        "reminders(Today), unpaged (not run by the views)".into(),
        &mut || {
            store
                .reminders(DueFilter::Today, None)
                .expect("today's reminders")
                .len()
        },
    );
    time(
        "reminders(Week), unpaged (not run by the views)".into(),
        &mut || {
            store
                .reminders(DueFilter::Week, None)
                .expect("the week's reminders")
                .len()
        },
    );
    time(
        "accounts(all), unpaged (not run by the views)".into(),
        &mut || {
            store
                .accounts(&AccountFilter::default())
                .expect("the accounts")
                .len()
        },
    );
    let first = store
        .deals(&page(DealFilter::default()))
        .expect("some deals")
        .into_iter()
        .next();
    if let Some(row) = first {
        let id = row.deal.id;
        let account = row.deal.account_id;
        time("deal_detail(one deal) (an open deal)".into(), &mut || {
            store.deal_detail(id).map(|_| 1).expect("a deal's detail")
        });
        time(
            "deals(account, every stage) + contacts_of (an open account)".into(),
            &mut || {
                store.contacts_of(account).expect("contacts").len()
                    + store
                        .deals(&DealFilter {
                            account: Some(account),
                            all_stages: true,
                            ..DealFilter::default()
                        })
                        .expect("an account's deals")
                        .len()
            },
        );
    }
    out
}

/// A typical session: moving over the board and past its first page,
/// opening a card, writes (a move, a new close date), a filter typed and
/// cleared, then the other views and a sort. Run from the board, it ends
/// on the board.
fn key_sequence() -> Vec<Action> {
    let mut keys = Vec::new();
    keys.extend([Action::Down; 10]);
    keys.push(Action::Right);
    keys.extend([Action::Down; 250]);
    keys.extend([Action::Up; 3]);
    keys.extend([Action::Open, Action::Back]);
    keys.push(Action::MoveStage(true));
    keys.push(Action::Left);
    keys.push(Action::ChangeClose);
    keys.push(Action::Type(InputRequest::DeleteLine));
    keys.extend(
        "+2w"
            .chars()
            .map(|c| Action::Type(InputRequest::InsertChar(c))),
    );
    keys.push(Action::Submit);
    keys.push(Action::Filter);
    keys.extend(
        "华东"
            .chars()
            .map(|c| Action::Type(InputRequest::InsertChar(c))),
    );
    keys.push(Action::Back);
    keys.push(Action::Show(View::Tiers));
    keys.extend([Action::Down; 5]);
    keys.extend([Action::Right, Action::Up]);
    keys.push(Action::Show(View::Agenda));
    keys.extend([Action::Down; 3]);
    keys.extend([Action::Open, Action::Back]);
    keys.push(Action::Show(View::Accounts));
    keys.extend([Action::Down; 5]);
    keys.extend([Action::Up, Action::Open, Action::Back]);
    keys.extend([Action::SortNext, Action::SortReverse]);
    keys.push(Action::Show(View::Board));
    keys
}

/// The kind of a key: the action, and the view it was pressed in.
fn label(app: &App, action: Action) -> String {
    match action {
        Action::Show(view) => format!("Show({view:?})"),
        Action::Type(InputRequest::InsertChar(_)) if app.filter.typing => {
            "Type (filter, each letter)".to_string()
        }
        Action::Type(InputRequest::InsertChar(_)) => "Type (prompt)".to_string(),
        _ if app.popup.is_some() => format!("{action:?} (prompt)"),
        _ if app.opened.deal.is_some() => format!("{action:?} (deal detail)"),
        _ if app.opened.account.is_some() => format!("{action:?} (account detail)"),
        _ => format!("{action:?} ({:?})", app.view)
            .to_lowercase()
            .replacen(
                &format!("{action:?}").to_lowercase(),
                &format!("{action:?}"),
                1,
            ),
    }
}

fn record(
    keys: &mut BTreeMap<String, KeyTimes>,
    order: &mut Vec<String>,
    label: String,
    updated: Duration,
    total: Duration,
) {
    if !keys.contains_key(&label) {
        order.push(label.clone());
    }
    let times = keys.entry(label).or_default();
    times.update.push(updated);
    times.draw.push(total - updated);
    times.total.push(total);
}

#[derive(Default)]
struct KeyTimes {
    update: Vec<Duration>,
    draw: Vec<Duration>,
    total: Vec<Duration>,
}

impl KeyTimes {
    /// One row of the keypress table: medians, p95 and the worst against `target`.
    fn write_row(&mut self, report: &mut String, label: &str, target: Duration) {
        let worst = percentile(&mut self.total, 100);
        let _ = writeln!(
            report,
            "  {:<30} {:>5} {:>11} {:>11} {:>11} {:>11} {:>11}   {}",
            label,
            self.total.len(),
            ms(median(&mut self.update)),
            ms(median(&mut self.draw)),
            ms(median(&mut self.total)),
            ms(percentile(&mut self.total, 95)),
            ms(worst),
            verdict(worst, target)
        );
    }
}

fn build_data_set(db: &Path, accounts: usize) -> (Duration, String) {
    let started = Instant::now();
    let output = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap_or_default(),
            "--today",
            TODAY,
            "--user",
            "bench",
            "demo",
            "--accounts",
            &accounts.to_string(),
            "--seed",
            "7",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("the tierdeck binary runs");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "tierdeck demo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (took, String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The session the binary would have with `--today today --user bench`.
fn session(today: &str) -> Session {
    let now = chrono::Local::now();
    Session {
        user: "bench".to_string(),
        today: NaiveDate::parse_from_str(today, "%Y-%m-%d").expect("a date"),
        now: now.with_timezone(&Utc),
        offset: *now.offset(),
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(times: &mut [Duration]) -> Duration {
    percentile(times, 50)
}

/// The smallest time at least `p` percent of `times` do not exceed.
fn percentile(times: &mut [Duration], p: usize) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    times.sort_unstable();
    let rank = (times.len() * p).div_ceil(100).max(1);
    times[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(took: Duration, target: Duration) -> String {
    let within = if took < target { "ok" } else { "MISSED" };
    format!("< {} ms  {within}", target.as_millis())
}

/// The largest resident set of this process so far, in KiB (Linux).
fn peak_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            0
        }
    }
}
