//! The application state and its one update step: an [`Action`] goes in, the
//! store is changed in one transaction, and the views re-read what they show.

mod conflict;
mod forms;
mod live;
mod load;
mod prompts;
pub mod reports;
mod team;
mod totals;

pub use team::TeamState;

use crate::say::Say;
use chrono::NaiveDate;

pub use conflict::Conflict;

use super::form::Form;
use super::keys::Action;
use super::paged::Paged;
use crate::domain::{Grade, Id, Money};
use crate::i18n::Catalog;
use crate::query::Query;
use crate::store::{AccountRow, AccountSort, DealDetail, DealPatch, DealRow, ReminderRow, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Board,
    Tiers,
    Agenda,
    Accounts,
    Reports,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Board,
        View::Tiers,
        View::Agenda,
        View::Accounts,
        View::Reports,
    ];

    pub fn key(self) -> &'static str {
        match self {
            View::Board => "view.board",
            View::Tiers => "view.tiers",
            View::Agenda => "view.agenda",
            View::Accounts => "view.accounts",
            View::Reports => "view.reports",
        }
    }
}

/// What a lane lists: the deals of a stage, or the open deals of a grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaneKey {
    Stage(String),
    Grade(Grade),
}

/// One list of deals on screen: a stage column of the board or a grade of the tiers.
#[derive(Debug, Clone)]
pub struct Lane {
    pub key: LaneKey,
    pub title: String,
    /// Every deal of the lane, filtered or not, and their amount.
    pub count: i64,
    pub amount: Money,
    /// The deals the filter lets through, a page of them loaded.
    pub deals: Paged<DealRow>,
}

impl Lane {
    /// A lane not loaded yet: its totals and deals come with the next load.
    fn new(key: LaneKey, title: String) -> Lane {
        Lane {
            key,
            title,
            count: 0,
            amount: Money(0),
            deals: Paged::default(),
        }
    }
}

/// What an action leaves to re-read from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reread {
    /// Nothing: the cursor moved, a popup opened, a letter was typed.
    Nothing,
    /// One deal changed: the lanes that list these stages and grades, and
    /// the open detail.
    Lanes(Vec<LaneKey>),
    /// Everything the current view shows.
    View,
}

/// An account with its people and its deals, open and closed.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: crate::domain::Account,
    /// Its value tier, lifecycle, buying and risks as last worked out.
    pub standing: crate::store::Standing,
    pub contacts: Vec<crate::domain::Contact>,
    pub deals: Vec<DealRow>,
}

/// What a one-line prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// A deal, and the version the new date is for: someone else's change
    /// meanwhile refuses it.
    CloseDate {
        deal: Id,
        version: i64,
    },
    Activity(Id),
    Won(Id),
    Lost(Id),
    Pin(Id),
    /// A reminder, and the deal it is for.
    Snooze {
        reminder: Id,
        deal: Id,
    },
}

impl Ask {
    /// The deal the answer changes.
    fn deal(self) -> Id {
        match self {
            Ask::CloseDate { deal: id, .. }
            | Ask::Activity(id)
            | Ask::Won(id)
            | Ask::Lost(id)
            | Ask::Pin(id)
            | Ask::Snooze { deal: id, .. } => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub ask: Ask,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help,
    Prompt(Prompt),
    Form(Box<Form>),
    /// A form's save was refused: someone else saved the row first.
    Conflict(Box<Conflict>),
}

pub struct App {
    pub store: Store,
    pub catalog: Catalog,
    pub view: View,
    pub board: Vec<Lane>,
    pub board_column: usize,
    pub tiers: Vec<Lane>,
    pub tier_column: usize,
    pub agenda: Paged<ReminderRow>,
    pub accounts: Paged<AccountRow>,
    pub accounts_sort: AccountSort,
    pub accounts_descending: bool,
    pub detail: Option<DealDetail>,
    pub account_detail: Option<AccountDetail>,
    /// How far the open detail, and the help, are scrolled down, in lines.
    pub detail_scroll: u16,
    pub help_scroll: u16,
    pub popup: Option<Popup>,
    pub message: String,
    /// The live filter over titles, accounts and contacts; `filtering` while it is typed.
    pub filter: String,
    /// The filter as last applied: what the lists show.
    pub query: Query,
    /// Only the user's own deals and accounts.
    pub mine: bool,
    /// The status line says what is wrong with the filter, until it is right.
    query_error_shown: bool,
    pub filtering: bool,
    /// Whether the board shows the won and lost columns too.
    pub show_closed: bool,
    /// Open reminders due before today, and due today; kept, like the
    /// totals, and moved by each write.
    pub overdue: usize,
    pub due_today: usize,
    due_known: bool,
    reread: Reread,
    /// No account at all: the board welcomes instead.
    pub empty: bool,
    /// A deal a write moved or made: the cursor goes to it once re-read.
    follow: Option<Id>,
    /// The filter was typed into but the lists not yet narrowed: that waits
    /// for a pause in the typing (see [`App::settle`]).
    pub filter_pending: bool,
    pub quit: bool,
    /// Whether the day follows the clock (no `--today` was given).
    pub follow_clock: bool,
    /// Counts and amounts per stage and per grade, and the number of
    /// accounts, kept between writes: counting them is the slowest part of
    /// a reload.
    stage_totals: Option<Vec<(String, i64, Money)>>,
    grade_totals: Option<Vec<(Grade, i64, Money)>>,
    accounts_total: Option<usize>,
    /// The Reports view's numbers, worked out away from the keys.
    pub reports: reports::Reports,
    /// The report panel in focus; on a small screen, the first one shown.
    pub report_panel: usize,
    /// Where the last look at other processes' commits left off.
    seen: crate::store::Seen,
    /// The conflict copies sync tools left beside the database, for the
    /// banner, and when the folder was last listed (`None`: at start).
    pub copies: Vec<crate::copies::ConflictCopy>,
    copies_listed: Option<chrono::DateTime<chrono::Local>>,
    /// The team folder this replica exchanges with, if it is in a team.
    pub team: Option<team::TeamLink>,
}

impl App {
    pub fn new(store: Store, catalog: Catalog) -> crate::store::Result<App> {
        let seen = store.watch()?;
        let copies = crate::copies::conflict_copies(store.path());
        let team = team::TeamLink::of(&store);
        let mut app = App {
            store,
            catalog,
            view: View::Board,
            board: Vec::new(),
            board_column: 0,
            tiers: Vec::new(),
            tier_column: 0,
            agenda: Paged::default(),
            accounts: Paged::default(),
            accounts_sort: AccountSort::Name,
            accounts_descending: false,
            detail: None,
            account_detail: None,
            detail_scroll: 0,
            help_scroll: 0,
            popup: None,
            message: String::new(),
            filter: String::new(),
            query: Query::default(),
            mine: false,
            query_error_shown: false,
            filtering: false,
            show_closed: false,
            overdue: 0,
            due_today: 0,
            due_known: false,
            reread: Reread::Nothing,
            empty: false,
            follow: None,
            filter_pending: false,
            quit: false,
            follow_clock: false,
            stage_totals: None,
            grade_totals: None,
            accounts_total: None,
            reports: reports::Reports::default(),
            report_panel: 0,
            seen,
            copies,
            copies_listed: None,
            team,
        };
        app.reload()?;
        if app.store.is_looking_ahead() {
            app.message = app
                .catalog
                .fmt("tui.looking_ahead", &[("date", &app.today().to_string())]);
        } else if !app.store.is_current()? {
            app.message = app
                .catalog
                .fmt("tui.regrading", &[("date", &app.today().to_string())]);
        }
        Ok(app)
    }

    /// Brings every deal up to date for today, if the store opened on a day
    /// it had not graded yet, starts working out the reports and counts
    /// ahead; called once the first frame is on screen.
    pub fn catch_up(&mut self) {
        self.regrade_if_new_day();
        // A regrade of a large pipeline reads every deal: what it freed goes
        // back before the reports read them all again.
        reports::give_back_memory();
        // On its own thread, after the regrade it must count: usually done
        // before anyone asks for the view.
        self.refresh_reports();
        if let Err(e) = self.count_ahead() {
            self.message = e.say(&self.catalog);
        }
    }

    fn regrade_if_new_day(&mut self) {
        match self.store.is_current() {
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => {
                self.message = e.say(&self.catalog);
                return;
            }
        }
        self.forget_totals();
        match self.store.refresh().and_then(|()| self.reload()) {
            // The regrade's own note goes; a look ahead's stays.
            Ok(()) if self.store.is_looking_ahead() => {}
            Ok(()) => self.message.clear(),
            Err(e) => self.message = e.say(&self.catalog),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.store.session().today
    }

    pub fn stage_label(&self, id: &str) -> String {
        self.store.rules().stage_label(id, self.catalog.lang())
    }

    /// Where the user is, for the help to list what the keys do there.
    pub fn place(&self) -> super::keys::Place {
        use super::keys::Place;
        match (&self.detail, &self.account_detail, self.view) {
            (Some(_), _, _) => Place::Deal,
            (None, Some(_), View::Accounts) => Place::Account,
            (None, _, View::Board) => Place::Board,
            (None, _, View::Tiers) => Place::Tiers,
            (None, _, View::Agenda) => Place::Agenda,
            (None, _, View::Accounts) => Place::Accounts,
            (None, _, View::Reports) => Place::Reports,
        }
    }

    /// The deal under the cursor in the current view, if any.
    pub fn selected_deal(&self) -> Option<&DealRow> {
        if let Some(detail) = &self.detail {
            return Some(&detail.row);
        }
        let (lanes, column) = self.lanes();
        lanes.get(column).and_then(|l| l.deals.current())
    }

    fn selected_reminder(&self) -> Option<&ReminderRow> {
        (self.view == View::Agenda && self.detail.is_none())
            .then(|| self.agenda.current())
            .flatten()
    }

    /// Selects what was clicked at (`column`, `row`) on a screen of `area`.
    pub fn click(&mut self, area: ratatui::layout::Rect, column: u16, row: u16) {
        use super::render::{CARD_HEIGHT, lane_areas, screen, tiers_layout};
        if self.popup.is_some() {
            return;
        }
        let [tabs, body, _, _] = screen(area, !self.copies.is_empty());
        if row == tabs.y {
            if let Some(view) = super::render::tab_at(self, column) {
                self.update(Action::Show(view));
            }
            return;
        }
        if self.detail.is_some() || self.account_detail.is_some() {
            return;
        }
        let inside = |r: ratatui::layout::Rect| {
            column >= r.x && column < r.right() && row > r.y && row + 1 < r.bottom()
        };
        // The first visible entry, as the list widget scrolls to keep the selection in view.
        let first_shown =
            |selected: usize, visible: usize| (selected + 1).saturating_sub(visible.max(1));
        match self.view {
            View::Board | View::Tiers => {
                let (lanes, current, body) = match self.view {
                    View::Board => (&mut self.board, &mut self.board_column, body),
                    _ => (
                        &mut self.tiers,
                        &mut self.tier_column,
                        tiers_layout(body)[1],
                    ),
                };
                for (i, rect) in lane_areas(body, lanes.len()).iter().enumerate() {
                    if !inside(*rect) {
                        continue;
                    }
                    *current = i;
                    let deals = &mut lanes[i].deals;
                    let visible = usize::from((rect.height.saturating_sub(2)) / CARD_HEIGHT);
                    deals.select_loaded(
                        first_shown(deals.cursor(), visible)
                            + usize::from((row - rect.y - 1) / CARD_HEIGHT),
                    );
                }
            }
            View::Agenda | View::Accounts => {
                if !inside(body) {
                    return;
                }
                // The accounts table has a header line above its rows.
                let header = u16::from(self.view == View::Accounts);
                let Some(line) = (row - body.y - 1).checked_sub(header) else {
                    return;
                };
                let visible = usize::from(body.height.saturating_sub(2 + header));
                match self.view {
                    View::Agenda => self.agenda.select_loaded(
                        first_shown(self.agenda.cursor(), visible) + usize::from(line),
                    ),
                    _ => self.accounts.select_loaded(
                        first_shown(self.accounts.cursor(), visible) + usize::from(line),
                    ),
                }
            }
            View::Reports => {
                if let Some(panel) = super::render::report_panel_at(self, body, column, row) {
                    self.report_panel = panel;
                }
            }
        }
    }

    /// Called about once a second: at midnight the day moves on and every
    /// deal is re-graded for it (unless the user fixed the date), changes
    /// are exchanged with the team folder every couple of seconds, what
    /// others saved since the last tick is shown, and now and then the
    /// folder is looked at for conflict copies.
    pub fn tick(&mut self, now: chrono::DateTime<chrono::Local>) {
        if self.follow_clock && now.date_naive() != self.today() {
            let moved = self
                .store
                .advance(now.date_naive(), now.with_timezone(&chrono::Utc));
            self.forget_totals();
            if let Err(e) = moved.and_then(|()| self.reload()) {
                self.message = e.say(&self.catalog);
            }
        }
        self.exchange(now);
        self.notice_others();
        self.look_for_copies(now);
    }

    /// Applies one action; errors a user can cause become the status message.
    /// Only actions that change data, the view or the filter re-read the
    /// store: moving the cursor is just a redraw.
    pub fn update(&mut self, action: Action) {
        let filtering = self.filtering;
        // Writes say themselves what they changed (see `after_write`).
        self.reread = match action {
            Action::Show(_)
            | Action::NextView
            | Action::ToggleClosed
            | Action::ToggleMine
            | Action::SortNext
            | Action::SortReverse
            | Action::LoadDemo => Reread::View,
            _ => Reread::Nothing,
        };
        if let Err(message) = self.apply(action) {
            self.message = message;
            // Show what the store holds now, e.g. after someone else's change.
            self.reread = Reread::View;
            self.reports.outdate();
        }
        if self.view == View::Reports {
            self.refresh_reports();
        }
        // Enter or Esc before the typing paused: the lists follow what
        // the filter says now.
        let filter_dropped = filtering && !self.filtering;
        if filter_dropped && self.filter_pending && self.take_filter() {
            self.reread = Reread::View;
        }
        let reread = std::mem::replace(&mut self.reread, Reread::Nothing);
        let done = match reread {
            Reread::Nothing => Ok(()),
            Reread::Lanes(keys) => self.reload_lanes(&keys),
            Reread::View => self.reload(),
        };
        if let Err(e) = done {
            self.message = e.say(&self.catalog);
        }
        if let Some(id) = self.follow.take() {
            self.select_deal(id);
        }
    }

    /// Marks the reminder under the cursor done, or dismisses it.
    fn close_reminder(&mut self, done: bool) -> Result<(), String> {
        let Some(r) = self.selected_reminder() else {
            return Ok(());
        };
        let (id, deal) = (r.reminder.id, r.reminder.deal_id);
        let before = self.before(Some(deal));
        let closed = if done {
            self.store.reminder_done(id)
        } else {
            self.store.reminder_dismiss(id)
        };
        closed.map_err(|e| e.say(&self.catalog))?;
        self.after_write(before, deal);
        let said = if done {
            "msg.reminder_done"
        } else {
            "msg.reminder_dismissed"
        };
        self.message = self.catalog.fmt(said, &[("id", &id.short())]);
        Ok(())
    }

    /// Puts the cursor of the board or the tiers on deal `id`, where it is
    /// loaded.
    fn select_deal(&mut self, id: Id) {
        let Some((lanes, column)) = self.lanes_mut() else {
            return;
        };
        for (i, lane) in lanes.iter_mut().enumerate() {
            if let Some(at) = lane.deals.rows.iter().position(|r| r.deal.id == id) {
                lane.deals.select_loaded(at);
                *column = i;
                return;
            }
        }
    }

    fn apply(&mut self, action: Action) -> Result<(), String> {
        match action {
            Action::Quit => self.quit = true,
            Action::Show(view) => {
                self.view = view;
                self.detail = None;
                self.account_detail = None;
            }
            Action::NextView => {
                let at = View::ALL.iter().position(|v| *v == self.view).unwrap_or(0);
                self.view = View::ALL[(at + 1) % View::ALL.len()];
                self.detail = None;
                self.account_detail = None;
            }
            Action::Up | Action::Down if self.popup == Some(Popup::Help) => {
                self.help_scroll = if action == Action::Up {
                    self.help_scroll.saturating_sub(1)
                } else {
                    self.help_scroll.saturating_add(1)
                };
            }
            Action::Up | Action::Down if self.in_conflict() => {
                self.conflict_step(action == Action::Down);
            }
            Action::Pick => self.conflict_pick(),
            Action::RestoreLost => self.restore_lost()?,
            Action::Submit | Action::KeepMine if self.in_conflict() => {
                self.save_resolution(action == Action::KeepMine)?;
            }
            Action::TakeTheirs => self.take_theirs(),
            Action::Back if self.in_conflict() => self.back_to_form(),
            // Only the dialog's keys make it.
            Action::KeepMine => {}
            Action::Up | Action::Down if self.detail.is_some() || self.account_detail.is_some() => {
                self.detail_scroll = if action == Action::Up {
                    self.detail_scroll.saturating_sub(1)
                } else {
                    self.detail_scroll.saturating_add(1)
                };
            }
            Action::Up => self.step(-1).map_err(|e| e.say(&self.catalog))?,
            Action::Down => self.step(1).map_err(|e| e.say(&self.catalog))?,
            Action::Left | Action::Right if matches!(self.popup, Some(Popup::Form(_))) => {
                if let Some(Popup::Form(form)) = &mut self.popup {
                    form.cycle(&self.store, action == Action::Right);
                    form.check(&self.store, self.store.session().today, &self.catalog);
                }
            }
            Action::Left | Action::Right if self.view == View::Reports => {
                self.report_panel = if action == Action::Right {
                    (self.report_panel + 1).min(reports::PANELS - 1)
                } else {
                    self.report_panel.saturating_sub(1)
                };
            }
            Action::Left => self.column(-1),
            Action::Right => self.column(1),
            Action::Open => self.open()?,
            Action::Back if self.filtering => {
                self.filter.clear();
                self.query = Query::default();
                self.filtering = false;
                self.forget_cursors();
                self.reread = Reread::View;
            }
            Action::Back => {
                if self.popup.take().is_none() && self.detail.take().is_none() {
                    self.account_detail = None;
                }
                self.detail_scroll = 0;
            }
            // The reports cover the whole pipeline: a filter would not show there.
            Action::Filter if self.view == View::Reports => {}
            Action::Filter => {
                self.filtering = true;
                self.detail = None;
                self.account_detail = None;
            }
            Action::Submit if self.filtering => self.filtering = false,
            Action::Type(c) if self.filtering => {
                self.filter.push(c);
                self.filter_pending = true;
            }
            Action::Erase if self.filtering => {
                self.filter.pop();
                self.filter_pending = true;
            }
            Action::ClearInput if self.filtering => {
                self.filter.clear();
                self.filter_pending = true;
            }
            Action::Help if self.popup == Some(Popup::Help) => self.popup = None,
            Action::Help => {
                self.popup = Some(Popup::Help);
                self.help_scroll = 0;
            }
            Action::MoveStage(forward) => self.move_stage(forward)?,
            Action::ChangeClose => self.ask(|row| Ask::CloseDate {
                deal: row.deal.id,
                version: row.deal.meta.version,
            }),
            Action::LogActivity => self.ask(|row| Ask::Activity(row.deal.id)),
            Action::Won => self.ask(|row| Ask::Won(row.deal.id)),
            Action::Lost => self.ask(|row| Ask::Lost(row.deal.id)),
            Action::Pin => {
                if let Some(row) = self.selected_deal() {
                    if row.deal.pin.is_some() {
                        let id = row.deal.id;
                        let before = self.before(Some(id));
                        self.store.unpin(id).map_err(|e| e.say(&self.catalog))?;
                        self.after_write(before, id);
                        self.message = self.catalog.fmt("msg.unpinned", &[("id", &id.short())]);
                    } else {
                        self.ask(|row| Ask::Pin(row.deal.id));
                    }
                }
            }
            Action::Done => self.close_reminder(true)?,
            Action::Dismiss => self.close_reminder(false)?,
            Action::ToggleClosed => self.show_closed = !self.show_closed,
            Action::ToggleMine => {
                self.mine = !self.mine;
                // Other rows: every list starts again at its top.
                self.forget_cursors();
                let said = if self.mine {
                    "msg.mine_on"
                } else {
                    "msg.mine_off"
                };
                self.message = self
                    .catalog
                    .fmt(said, &[("user", &self.store.session().user)]);
            }
            Action::Snooze => {
                if let Some(r) = self.selected_reminder() {
                    self.popup = Some(Popup::Prompt(Prompt {
                        ask: Ask::Snooze {
                            reminder: r.reminder.id,
                            deal: r.reminder.deal_id,
                        },
                        text: "+1w".to_string(),
                        error: None,
                    }));
                }
            }
            Action::LoadDemo => {
                // Only ever into a database with nothing of the user's in it.
                if self.store.is_empty().map_err(|e| e.say(&self.catalog))? {
                    let summary = self
                        .store
                        .demo(200, 1, &mut |_, _| {})
                        .map_err(|e| e.say(&self.catalog))?;
                    self.forget_totals();
                    self.message = self.catalog.fmt(
                        "tui.demo_loaded",
                        &[("accounts", &summary.accounts.to_string())],
                    );
                }
            }
            Action::New => self.open_new_form()?,
            Action::Edit => self.open_edit_form(),
            Action::SortNext | Action::SortReverse if self.view == View::Accounts => {
                if action == Action::SortReverse {
                    self.accounts_descending = !self.accounts_descending;
                } else {
                    let at = AccountSort::ALL
                        .iter()
                        .position(|s| *s == self.accounts_sort)
                        .unwrap_or(0);
                    self.accounts_sort = AccountSort::ALL[(at + 1) % AccountSort::ALL.len()];
                    self.accounts_descending = false;
                }
                self.accounts = Paged::default();
            }
            Action::SortNext | Action::SortReverse => {}
            Action::NextField | Action::PrevField => {
                if let Some(Popup::Form(form)) = &mut self.popup {
                    form.move_focus(action == Action::NextField);
                }
            }
            Action::Submit if matches!(self.popup, Some(Popup::Form(_))) => self.submit_form()?,
            Action::Type(c) => self.edit(c == ' ', |text| text.push(c)),
            Action::Erase => self.edit(false, |text| {
                text.pop();
            }),
            Action::ClearInput => self.edit(false, String::clear),
            Action::Submit => self.submit(),
        }
        Ok(())
    }

    /// Moves the cursor of the current list, loading the rows it reaches.
    fn step(&mut self, by: isize) -> crate::store::Result<()> {
        match self.view {
            View::Board | View::Tiers => {
                let board = self.view == View::Board;
                let (lanes, column) = if board {
                    (&mut self.board, self.board_column)
                } else {
                    (&mut self.tiers, self.tier_column)
                };
                let Some(lane) = lanes.get_mut(column) else {
                    return Ok(());
                };
                if lane.deals.step(by) {
                    let mut lane = lane.clone();
                    self.load_lane(&mut lane)?;
                    let lanes = if board {
                        &mut self.board
                    } else {
                        &mut self.tiers
                    };
                    lanes[column] = lane;
                }
            }
            View::Agenda if self.agenda.step(by) => self.load_agenda()?,
            View::Accounts if self.accounts.step(by) => self.load_accounts()?,
            View::Agenda | View::Accounts | View::Reports => {}
        }
        Ok(())
    }

    fn column(&mut self, by: isize) {
        if let Some((lanes, column)) = self.lanes_mut() {
            *column = column
                .saturating_add_signed(by)
                .min(lanes.len().saturating_sub(1));
        }
    }

    /// The lanes of the board or of the tiers, and the one in focus, when
    /// either is the view.
    /// The lanes of the current view and the one in focus; none in the
    /// views without lanes.
    fn lanes(&self) -> (&[Lane], usize) {
        match self.view {
            View::Board => (&self.board, self.board_column),
            View::Tiers => (&self.tiers, self.tier_column),
            View::Agenda | View::Accounts | View::Reports => (&[], 0),
        }
    }

    fn lanes_mut(&mut self) -> Option<(&mut Vec<Lane>, &mut usize)> {
        match self.view {
            View::Board => Some((&mut self.board, &mut self.board_column)),
            View::Tiers => Some((&mut self.tiers, &mut self.tier_column)),
            View::Agenda | View::Accounts | View::Reports => None,
        }
    }

    fn open(&mut self) -> Result<(), String> {
        self.detail_scroll = 0;
        if self.view == View::Accounts && self.account_detail.is_none() {
            if let Some(row) = self.accounts.current() {
                self.account_detail = Some(
                    self.load_account(row.account.id)
                        .map_err(|e| e.say(&self.catalog))?,
                );
            }
            return Ok(());
        }
        let id = match self.view {
            View::Agenda => self.selected_reminder().map(|r| r.reminder.deal_id),
            _ => self.selected_deal().map(|r| r.deal.id),
        };
        if let Some(id) = id {
            self.detail = Some(
                self.store
                    .deal_detail(id)
                    .map_err(|e| e.say(&self.catalog))?,
            );
        }
        Ok(())
    }

    fn move_stage(&mut self, forward: bool) -> Result<(), String> {
        let Some(row) = self.selected_deal() else {
            return Ok(());
        };
        let id = row.deal.id;
        let open: Vec<String> = self
            .store
            .rules()
            .open_stages()
            .map(|s| s.id.clone())
            .collect();
        let Some(at) = open.iter().position(|s| *s == row.deal.stage) else {
            return Ok(());
        };
        let target = if forward {
            at.checked_add(1)
        } else {
            at.checked_sub(1)
        };
        let Some(stage) = target.and_then(|i| open.get(i)).cloned() else {
            return Ok(());
        };
        let label = self.stage_label(&stage);
        let version = row.deal.meta.version;
        let before = self.before(Some(id));
        self.store
            .update_deal(
                id,
                DealPatch {
                    stage: Some(stage),
                    expected_version: Some(version),
                    ..DealPatch::default()
                },
            )
            .map_err(|e| self.refused(&e))?;
        self.after_write(before, id);
        self.follow = Some(id);
        self.message = self
            .catalog
            .fmt("tui.moved", &[("id", &id.short()), ("stage", &label)]);
        Ok(())
    }
}
