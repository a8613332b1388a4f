//! What the UI can be asked to do, and every input it is given: the
//! vocabulary shared by the key table, the mouse and the update step, kept
//! apart from all three so that none of them needs another.

use chrono::{DateTime, Local};
use ratatui::layout::Rect;
use tui_input::InputRequest;

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

/// Where the user is when no popup or filter takes the keys: what a key
/// does, and what the help lists, depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Board,
    Tiers,
    Agenda,
    Accounts,
    /// A deal's detail.
    Deal,
    /// An account's detail.
    Account,
    Reports,
}

impl Place {
    pub const ALL: [Place; 7] = [
        Place::Board,
        Place::Tiers,
        Place::Agenda,
        Place::Accounts,
        Place::Deal,
        Place::Account,
        Place::Reports,
    ];
}

/// Who takes the keys: each mode has its own key table and handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal(Place),
    /// The live filter is being typed.
    Filter,
    Help,
    /// A one-line prompt: a close date, an activity, won, lost, a pin, a snooze.
    Prompt,
    Form,
    /// A form's save was refused; both versions are shown.
    Conflict,
    /// A question to answer yes or no: deleting something.
    Confirm,
}

impl Mode {
    pub const ALL: [Mode; 13] = [
        Mode::Normal(Place::Board),
        Mode::Normal(Place::Tiers),
        Mode::Normal(Place::Agenda),
        Mode::Normal(Place::Accounts),
        Mode::Normal(Place::Deal),
        Mode::Normal(Place::Account),
        Mode::Normal(Place::Reports),
        Mode::Filter,
        Mode::Help,
        Mode::Prompt,
        Mode::Form,
        Mode::Conflict,
        Mode::Confirm,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Show(View),
    NextView,
    Up,
    Down,
    /// A stretch of rows at a time (see `PAGE_STEP`), or of a detail's lines.
    PageUp,
    PageDown,
    /// The first or the last row of the list.
    Top,
    Bottom,
    Left,
    Right,
    Open,
    Back,
    Help,
    /// Move the selected deal to the next (`true`) or previous stage.
    MoveStage(bool),
    ChangeClose,
    LogActivity,
    /// Plan a follow-up on the deal: when, and what to do.
    PlanFollowUp,
    /// Correct the deal's latest activity, or take it back.
    CorrectActivity,
    RetractActivity,
    Won,
    Lost,
    Pin,
    Done,
    Snooze,
    Dismiss,
    /// Show or hide the won and lost columns of the board.
    ToggleClosed,
    /// Only the user's own deals and accounts, or everyone's.
    ToggleMine,
    /// Fill an empty database with demo data.
    LoadDemo,
    /// Start typing a live filter.
    Filter,
    /// A new deal, or a new account in the accounts view.
    New,
    /// Edit the deal, or the account in the accounts view.
    Edit,
    /// In an account's detail: a new contact, and edit the marked one.
    NewContact,
    EditContact,
    /// Mark the next (`true`) or the previous contact of the account.
    PickContact(bool),
    /// Sort the accounts by the next column, or the other way round.
    SortNext,
    SortReverse,
    NextField,
    PrevField,
    /// In the conflict dialog: save every field as typed, over the other
    /// person's change, or drop what was typed and keep theirs.
    KeepMine,
    TakeTheirs,
    /// In the conflict dialog: mine or theirs for the field under the cursor.
    Pick,
    /// Put back the user's value that a teammate's concurrent change replaced.
    RestoreLost,
    /// Delete the deal or account in view, once confirmed.
    Delete,
    /// Take back the user's last change.
    Undo,
    /// Yes to the question asked.
    Confirm,
    /// Typing and moving in the text being edited.
    Type(InputRequest),
    Submit,
}

/// Every input the UI is given, handled by `App::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// A key, as the key table of the current mode read it.
    Do(Action),
    /// A left click at `column`, `row` of a screen of `area`.
    Click { area: Rect, column: u16, row: u16 },
    /// The mouse wheel, down (`true`) or up.
    Scroll(bool),
    /// The first frame is on screen: what was put off for it can run.
    Started,
    /// About once a second: the clock, the team folder and other processes' commits.
    Tick(DateTime<Local>),
    /// The filter's typing paused: time to narrow the lists.
    TypingPaused,
    /// The keys have rested since the last write: the reports may be worked out again.
    KeysRested,
    /// A look whether the reports' thread has finished.
    ReportsPoll,
}

impl From<Action> for Msg {
    fn from(action: Action) -> Msg {
        Msg::Do(action)
    }
}
