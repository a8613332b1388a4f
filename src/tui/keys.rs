//! Keys to actions, per mode. The help is drawn from [`NORMAL_HELP`], beside
//! the key table of [`normal`]; a test checks that every key the table
//! binds is in the help.

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
    /// Prompt editing.
    Type(char),
    Erase,
    ClearInput,
    Submit,
}

/// Where a key does something: help lists the keys of the place it is
/// opened in.
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

/// One line of help: the keys, the catalogue key of what they do, and where.
pub struct Help {
    pub keys: &'static str,
    pub text: &'static str,
    pub places: &'static [Place],
}

const EVERYWHERE: &[Place] = &[
    Place::Board,
    Place::Tiers,
    Place::Agenda,
    Place::Accounts,
    Place::Deal,
    Place::Account,
    Place::Reports,
];
const LISTS: &[Place] = &[Place::Board, Place::Tiers, Place::Agenda, Place::Accounts];
const DEALS: &[Place] = &[Place::Board, Place::Tiers, Place::Deal];

const fn help(keys: &'static str, text: &'static str, places: &'static [Place]) -> Help {
    Help { keys, text, places }
}

/// The keys of the normal mode, and where each does something.
pub const NORMAL_HELP: &[Help] = &[
    help("1 2 3 4 5", "help.views", EVERYWHERE),
    help("Tab", "help.next_view", EVERYWHERE),
    help("↑ ↓ k j", "help.up_down", LISTS),
    help("↑ ↓ k j", "help.scroll", &[Place::Deal, Place::Account]),
    help("← → h l", "help.left_right", &[Place::Board, Place::Tiers]),
    help("← → h l", "help.report_panels", &[Place::Reports]),
    help("< >  Shift+← →", "help.move_stage", DEALS),
    help("Enter", "help.open", LISTS),
    help("Esc", "help.back", &[Place::Deal, Place::Account]),
    help(
        "n",
        "help.new_deal",
        &[
            Place::Board,
            Place::Tiers,
            Place::Agenda,
            Place::Deal,
            Place::Account,
        ],
    ),
    help("n", "help.new_account", &[Place::Accounts]),
    help("e", "help.edit_deal", DEALS),
    help("e", "help.edit_account", &[Place::Accounts, Place::Account]),
    help("c", "help.change_close", DEALS),
    help("a", "help.log_activity", DEALS),
    help("w", "help.won", DEALS),
    help("x", "help.lost", DEALS),
    help("p", "help.pin", DEALS),
    help("d", "help.done", &[Place::Agenda]),
    help("s", "help.snooze", &[Place::Agenda]),
    help("X", "help.dismiss", &[Place::Agenda]),
    help("W", "help.toggle_closed", &[Place::Board]),
    help("o", "help.sort_next", &[Place::Accounts]),
    help("O", "help.sort_reverse", &[Place::Accounts]),
    help("/", "help.filter", LISTS),
    help("m", "help.mine", LISTS),
    help("D", "help.demo", &[Place::Board]),
    help("r", "help.restore_lost", EVERYWHERE),
    help("?", "help.help", EVERYWHERE),
    help("q  Ctrl+C", "help.quit", EVERYWHERE),
];

/// The help lines of one place.
pub fn help_for(place: Place) -> impl Iterator<Item = &'static Help> {
    NORMAL_HELP
        .iter()
        .filter(move |h| h.places.contains(&place))
}

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
        KeyCode::Char(n @ '1'..='5') => Action::Show(View::ALL[usize::from(n as u8 - b'1')]),
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
        KeyCode::Char('m') => Action::ToggleMine,
        KeyCode::Char('D') => Action::LoadDemo,
        KeyCode::Char('r') => Action::RestoreLost,
        KeyCode::Char('/') => Action::Filter,
        KeyCode::Char('n') => Action::New,
        KeyCode::Char('e') => Action::Edit,
        KeyCode::Char('o') => Action::SortNext,
        KeyCode::Char('O') => Action::SortReverse,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    };
    Some(action)
}

/// The action for a key while help is open: scrolling it, or closing it.
pub fn in_help(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if control => Some(Action::Quit),
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => Some(Action::Back),
        KeyCode::Char('?') => Some(Action::Help),
        _ => None,
    }
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

/// The keys of the conflict dialog, shown at its foot: the keys, and the
/// catalogue key of what they do.
pub const CONFLICT_HELP: &[(&str, &str)] = &[
    ("↑ ↓ k j", "conflict.help_move"),
    ("Space", "conflict.help_pick"),
    ("Enter", "conflict.help_save"),
    ("m", "conflict.help_mine"),
    ("t", "conflict.help_theirs"),
    ("Esc", "conflict.help_back"),
];

/// The action for a key in the conflict dialog (see [`CONFLICT_HELP`]).
pub fn conflict(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if control => Some(Action::Back),
        _ if control => None,
        KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Char(' ') => Some(Action::Pick),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Char('m') => Some(Action::KeepMine),
        KeyCode::Char('t') => Some(Action::TakeTheirs),
        KeyCode::Esc => Some(Action::Back),
        _ => None,
    }
}

/// The action for a key in a form: typing, moving between fields, and
/// picking a value with ← →.
pub fn form(key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    match key.code {
        KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
        KeyCode::BackTab | KeyCode::Up => Some(Action::PrevField),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        _ => prompt(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_the_normal_mode_binds_is_in_the_help() {
        let listed: Vec<&str> = NORMAL_HELP
            .iter()
            .flat_map(|h| h.keys.split_whitespace())
            .collect();
        for c in (' '..='~').chain(['<', '>']) {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if normal(&key).is_some() {
                assert!(
                    listed.iter().any(|k| k.contains(c)),
                    "`{c}` does something but is not in the help"
                );
            }
        }
    }

    #[test]
    fn every_key_of_the_conflict_dialog_is_at_its_foot() {
        let listed: Vec<&str> = CONFLICT_HELP
            .iter()
            .flat_map(|(keys, _)| keys.split_whitespace())
            .collect();
        for c in ' '..='~' {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if conflict(&key).is_some() {
                let name = if c == ' ' {
                    "Space".to_string()
                } else {
                    c.to_string()
                };
                assert!(listed.contains(&name.as_str()), "`{c}` is not at the foot");
            }
        }
        for code in [KeyCode::Enter, KeyCode::Esc] {
            assert!(conflict(&KeyEvent::new(code, KeyModifiers::NONE)).is_some());
        }
        let typed = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(conflict(&typed), None, "nothing is typed into the dialog");
    }

    #[test]
    fn help_takes_only_its_own_keys() {
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(in_help(&key('>')), None, "no card moves under the help");
        assert_eq!(in_help(&key('q')), Some(Action::Back));
        assert_eq!(in_help(&key('j')), Some(Action::Down));
    }
}
