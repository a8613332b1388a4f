//! The application state and its one update step (in [`update`]): every
//! input arrives as a [`Msg`], the store is changed in one transaction, and
//! the views re-read what they show.

mod conflict;
mod forms;
mod live;
mod load;
mod normal;
mod prompts;
pub mod reports;
mod team;
mod totals;
mod trash;
mod update;

pub use conflict::Conflict;
pub use team::TeamState;

use chrono::NaiveDate;

use super::action::{Mode, Place, View};
use super::form::Form;
use super::paged::Paged;
use super::text::Typed;
use crate::domain::{Amounts, Currency, Grade, Id};
use crate::i18n::Catalog;
use crate::query::Query;
use crate::store::{AccountRow, AccountSort, DealDetail, DealRow, ReminderRow, Store};

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
    /// Every deal of the lane, filtered or not.
    pub count: i64,
    /// How many deals the filter lets through, and what they come to per
    /// currency: all of the lane's without a filter.
    pub found: i64,
    pub amount: Amounts,
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
            found: 0,
            amount: Amounts::default(),
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
    /// A reminder, and the deal it is for (none for an account's own).
    Snooze {
        reminder: Id,
        deal: Option<Id>,
    },
    FollowUp(Id),
    /// A follow-up with the open account alone.
    AccountFollowUp(Id),
    /// A deal's latest activity, to correct or take back.
    CorrectActivity {
        deal: Id,
        activity: Id,
    },
    RetractActivity {
        deal: Id,
        activity: Id,
    },
}

impl Ask {
    /// The deal the answer changes; none for an account's own reminder.
    fn deal(self) -> Option<Id> {
        match self {
            Ask::CloseDate { deal: id, .. }
            | Ask::Activity(id)
            | Ask::Won(id)
            | Ask::Lost(id)
            | Ask::Pin(id)
            | Ask::FollowUp(id)
            | Ask::CorrectActivity { deal: id, .. }
            | Ask::RetractActivity { deal: id, .. } => Some(id),
            Ask::Snooze { deal, .. } => deal,
            Ask::AccountFollowUp(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub ask: Ask,
    pub answer: Typed,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    /// The keys of the place it was opened in, scrolled down this many lines.
    Help {
        scroll: u16,
    },
    Prompt(Prompt),
    Form(Box<Form>),
    /// A form's save was refused: someone else saved the row first.
    Conflict(Box<Conflict>),
    /// Asks before deleting.
    Confirm(Doomed),
}

/// What a yes deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doomed {
    Deal {
        id: Id,
        title: String,
    },
    /// With the open deals that go with it.
    Account {
        id: Id,
        name: String,
        open_deals: usize,
    },
    Contact {
        id: Id,
        name: String,
    },
}

/// The lists the views show, each a page around its cursor.
pub struct Lists {
    pub board: Vec<Lane>,
    pub board_column: usize,
    pub tiers: Vec<Lane>,
    pub tier_column: usize,
    pub agenda: Paged<ReminderRow>,
    pub accounts: Paged<AccountRow>,
    /// How the accounts are sorted.
    pub sort: AccountSort,
    pub descending: bool,
    /// Whether the board shows the won and lost columns too.
    pub show_closed: bool,
}

/// The deal or account opened over the lists, and how far it is scrolled.
#[derive(Default)]
pub struct Opened {
    pub deal: Option<DealDetail>,
    pub account: Option<AccountDetail>,
    pub scroll: u16,
    /// The person of the account's detail that `C` edits.
    pub contact: usize,
}

/// The live filter over titles, accounts and contacts.
#[derive(Default)]
pub struct Filter {
    pub typed: Typed,
    /// The filter as last applied: what the lists show.
    pub query: Query,
    /// Only the user's own deals and accounts.
    pub mine: bool,
    /// Keys go to the filter's text.
    pub typing: bool,
    /// Typed into, the lists not yet narrowed: that waits for a pause in
    /// the typing.
    pub pending: bool,
    /// The status line says what is wrong with the filter, until it is right.
    error_shown: bool,
}

/// Counts kept between writes: counting them is the slowest part of a
/// reload, so each write moves them by what it changed (all but `empty`,
/// read again with each reload).
#[derive(Default)]
pub struct Counts {
    /// Open reminders due before today, and due today.
    pub overdue: usize,
    pub due_today: usize,
    due_known: bool,
    /// No account at all: the board welcomes instead.
    pub empty: bool,
    stage_totals: Option<Vec<(String, i64, Amounts)>>,
    grade_totals: Option<Vec<(Grade, i64, Amounts)>>,
    accounts_total: Option<usize>,
}

/// What comes from outside this process: other processes' commits, the
/// conflict copies sync tools leave, the team folder.
pub struct Outside {
    /// Where the last look at other processes' commits left off.
    seen: crate::store::Seen,
    /// The conflict copies beside the database, for the banner, and when
    /// the folder was last listed (`None`: at start).
    pub copies: Vec<crate::copies::ConflictCopy>,
    copies_listed: Option<chrono::DateTime<chrono::Local>>,
    /// The team folder this replica exchanges with, if it is in a team.
    pub team: Option<team::TeamLink>,
}

/// What the update step leaves to do once an action is carried out.
struct Todo {
    reread: Reread,
    /// A deal a write moved or made: the cursor goes to it once re-read.
    follow: Option<Id>,
}

pub struct App {
    pub store: Store,
    pub catalog: Catalog,
    /// The database's currency: cards leave its sign out, and say any other.
    pub currency: Currency,
    pub view: View,
    pub lists: Lists,
    pub opened: Opened,
    pub popup: Option<Popup>,
    pub filter: Filter,
    pub counts: Counts,
    pub outside: Outside,
    /// The Reports view's numbers, worked out away from the keys, and the
    /// panel in focus (on a small screen, the first one shown).
    pub reports: reports::Reports,
    pub report_panel: usize,
    /// The status line's sentence.
    pub message: String,
    pub quit: bool,
    /// Whether the day follows the clock (no `--today` was given).
    pub follow_clock: bool,
    todo: Todo,
}

impl App {
    pub fn new(store: Store, catalog: Catalog) -> crate::store::Result<App> {
        let seen = store.watch()?;
        let copies = crate::copies::conflict_copies(store.path());
        let team = team::TeamLink::of(&store);
        let currency = store.currency()?;
        let mut app = App {
            store,
            catalog,
            currency,
            view: View::Board,
            lists: Lists {
                board: Vec::new(),
                board_column: 0,
                tiers: Vec::new(),
                tier_column: 0,
                agenda: Paged::default(),
                accounts: Paged::default(),
                sort: AccountSort::Name,
                descending: false,
                show_closed: false,
            },
            opened: Opened::default(),
            popup: None,
            filter: Filter::default(),
            counts: Counts::default(),
            outside: Outside {
                seen,
                copies,
                copies_listed: None,
                team,
            },
            reports: reports::Reports::default(),
            report_panel: 0,
            message: String::new(),
            quit: false,
            follow_clock: false,
            todo: Todo {
                reread: Reread::Nothing,
                follow: None,
            },
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

    pub fn today(&self) -> NaiveDate {
        self.store.session().today
    }

    pub fn stage_label(&self, id: &str) -> String {
        self.store.rules().stage_label(id, self.catalog.lang())
    }

    /// Who takes the keys now: the one place that decides it.
    pub fn mode(&self) -> Mode {
        match &self.popup {
            Some(Popup::Help { .. }) => Mode::Help,
            Some(Popup::Prompt(_)) => Mode::Prompt,
            Some(Popup::Form(_)) => Mode::Form,
            Some(Popup::Conflict(_)) => Mode::Conflict,
            Some(Popup::Confirm(_)) => Mode::Confirm,
            None if self.filter.typing => Mode::Filter,
            None => Mode::Normal(self.place()),
        }
    }

    /// Where the user is, for the keys and the help.
    pub fn place(&self) -> Place {
        match (&self.opened.deal, &self.opened.account, self.view) {
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
        if let Some(detail) = &self.opened.deal {
            return Some(&detail.row);
        }
        let (lanes, column) = self.lanes();
        lanes.get(column).and_then(|l| l.deals.current())
    }

    fn selected_reminder(&self) -> Option<&ReminderRow> {
        (self.view == View::Agenda && self.opened.deal.is_none())
            .then(|| self.lists.agenda.current())
            .flatten()
    }

    /// The lanes of the current view and the one in focus; none in the
    /// views without lanes.
    fn lanes(&self) -> (&[Lane], usize) {
        match self.view {
            View::Board => (&self.lists.board, self.lists.board_column),
            View::Tiers => (&self.lists.tiers, self.lists.tier_column),
            View::Agenda | View::Accounts | View::Reports => (&[], 0),
        }
    }

    fn lanes_mut(&mut self) -> Option<(&mut Vec<Lane>, &mut usize)> {
        let lists = &mut self.lists;
        match self.view {
            View::Board => Some((&mut lists.board, &mut lists.board_column)),
            View::Tiers => Some((&mut lists.tiers, &mut lists.tier_column)),
            View::Agenda | View::Accounts | View::Reports => None,
        }
    }
}
