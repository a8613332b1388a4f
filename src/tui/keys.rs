//! Keys to actions, per mode, from one table: the help screen is drawn from
//! the same table, so it cannot drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::View;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Show(View),
    NextView,
    Up,
    Down,
    Left,
    Right,
    Open,
    Back,
    Help,
    /// Move the selected deal to the next (`true`) or previous stage.
    MoveStage(bool),
    ChangeClose,
    LogActivity,
    Won,
    Lost,
    Pin,
    Done,
    Snooze,
    Dismiss,
    /// Show or hide the won and lost columns of the board.
    ToggleClosed,
    /// Fill an empty database with demo data.
    LoadDemo,
    /// Start typing a live filter.
    Filter,
    NewDeal,
    EditDeal,
    NextField,
    PrevField,
    /// Prompt editing.
    Type(char),
    Erase,
    ClearInput,
    Submit,
}

/// What help shows for the normal mode: the keys and the catalogue key of
/// their description, in the order of [`normal`]'s arms.
pub const NORMAL_HELP: &[(&str, &str)] = &[
    ("1 2 3 4", "help.views"),
    ("Tab", "help.next_view"),
    ("↑ ↓ k j", "help.up_down"),
    ("← → h l", "help.left_right"),
    ("< >  Shift+← →", "help.move_stage"),
    ("Enter", "help.open"),
    ("Esc", "help.back"),
    ("n", "help.new_deal"),
    ("e", "help.edit_deal"),
    ("c", "help.change_close"),
    ("a", "help.log_activity"),
    ("w", "help.won"),
    ("x", "help.lost"),
    ("p", "help.pin"),
    ("d", "help.done"),
    ("s", "help.snooze"),
    ("X", "help.dismiss"),
    ("W", "help.toggle_closed"),
    ("/", "help.filter"),
    ("D", "help.demo"),
    ("?", "help.help"),
    ("q", "help.quit"),
];

/// The action for a key in the normal mode.
pub fn normal(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    let action = match key.code {
        KeyCode::Char('c') if control => Action::Quit,
        _ if control => return None,
        KeyCode::Char(n @ '1'..='4') => Action::Show(View::ALL[usize::from(n as u8 - b'1')]),
        KeyCode::Tab => Action::NextView,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Left if shift => Action::MoveStage(false),
        KeyCode::Right if shift => Action::MoveStage(true),
        KeyCode::Char('<') => Action::MoveStage(false),
        KeyCode::Char('>') => Action::MoveStage(true),
        KeyCode::Left | KeyCode::Char('h') => Action::Left,
        KeyCode::Right | KeyCode::Char('l') => Action::Right,
        KeyCode::Enter => Action::Open,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('c') => Action::ChangeClose,
        KeyCode::Char('a') => Action::LogActivity,
        KeyCode::Char('w') => Action::Won,
        KeyCode::Char('x') => Action::Lost,
        KeyCode::Char('p') => Action::Pin,
        KeyCode::Char('d') => Action::Done,
        KeyCode::Char('s') => Action::Snooze,
        KeyCode::Char('X') => Action::Dismiss,
        KeyCode::Char('W') => Action::ToggleClosed,
        KeyCode::Char('D') => Action::LoadDemo,
        KeyCode::Char('/') => Action::Filter,
        KeyCode::Char('n') => Action::NewDeal,
        KeyCode::Char('e') => Action::EditDeal,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    };
    Some(action)
}

/// The action for a key while a prompt or the filter is open: typing, never commands.
pub fn prompt(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Backspace => Some(Action::Erase),
        KeyCode::Char('c') if control => Some(Action::Back),
        // Readline's kill-line; other control chords are not text.
        KeyCode::Char('u') if control => Some(Action::ClearInput),
        KeyCode::Char(_) if control => None,
        KeyCode::Char(c) => Some(Action::Type(c)),
        _ => None,
    }
}

/// The action for a key in the deal form: typing, and moving between fields.
pub fn form(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    match key.code {
        KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
        KeyCode::BackTab | KeyCode::Up => Some(Action::PrevField),
        _ => prompt(key),
    }
}
