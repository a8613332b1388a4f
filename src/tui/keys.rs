//! The key table: per mode, which keys do what and the help line that says
//! so. Looking a key up and drawing the help both read these tables, so the
//! help cannot list a key that does something else, nor miss one that does
//! something.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest as Edit;

use super::action::{Action, Mode, Place, View};

/// A key with the modifiers that matter: Shift only for keys whose
/// character does not already say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// The key of a terminal event, or none for a release (a key held
    /// down repeats, as a press or as a repeat).
    pub fn of(event: &KeyEvent) -> Option<Key> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let mut modifiers =
            event.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
        // Shift+x arrives as `X` on most terminals and as Shift+x on some;
        // Shift+Tab as BackTab, with or without Shift.
        let shifted = modifiers.contains(KeyModifiers::SHIFT);
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        let code = match event.code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::Char(c) if shifted => KeyCode::Char(c.to_ascii_uppercase()),
            code => code,
        };
        Some(Key { code, modifiers })
    }

    /// The same key without Shift, for a named key whose shifted form is
    /// bound to nothing of its own (Shift+↓ moves down).
    fn unshifted(self) -> Option<Key> {
        self.modifiers.contains(KeyModifiers::SHIFT).then(|| Key {
            code: self.code,
            modifiers: self.modifiers.difference(KeyModifiers::SHIFT),
        })
    }

    /// How the key is written in the help.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::BackTab => "Shift+Tab".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            other => other.to_string(),
        };
        let mut name = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            name.push_str("Ctrl+");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            name.push_str("Alt+");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            name.push_str("Shift+");
        }
        name + &base
    }
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
    }
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn shift(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::SHIFT,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// Keys, what they do, the catalogue key of their help line, and the
/// places of the normal mode where they do it (other modes ignore places).
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    pub places: &'static [Place],
}

const fn bind(
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    places: &'static [Place],
) -> Binding {
    Binding {
        keys,
        action,
        help,
        places,
    }
}

const EVERYWHERE: &[Place] = &Place::ALL;
const LISTS: &[Place] = &[Place::Board, Place::Tiers, Place::Agenda, Place::Accounts];
const DEALS: &[Place] = &[Place::Board, Place::Tiers, Place::Deal];
const LANES: &[Place] = &[Place::Board, Place::Tiers];
const REPORTS: &[Place] = &[Place::Reports];
/// The lists and what opens from them; not the reports, which a filter does not narrow.
const BROWSING: &[Place] = &[
    Place::Board,
    Place::Tiers,
    Place::Agenda,
    Place::Accounts,
    Place::Deal,
    Place::Account,
];
const DETAILS: &[Place] = &[Place::Deal, Place::Account];
const NEW_DEAL: &[Place] = &[
    Place::Board,
    Place::Tiers,
    Place::Agenda,
    Place::Deal,
    Place::Account,
];

#[rustfmt::skip]
const NORMAL: &[Binding] = &[
    bind(&[ch('1')], Action::Show(View::Board), "help.views", EVERYWHERE),
    bind(&[ch('2')], Action::Show(View::Tiers), "help.views", EVERYWHERE),
    bind(&[ch('3')], Action::Show(View::Agenda), "help.views", EVERYWHERE),
    bind(&[ch('4')], Action::Show(View::Accounts), "help.views", EVERYWHERE),
    bind(&[ch('5')], Action::Show(View::Reports), "help.views", EVERYWHERE),
    bind(&[key(KeyCode::Tab)], Action::NextView, "help.next_view", EVERYWHERE),
    bind(&[key(KeyCode::Up), ch('k')], Action::Up, "help.up_down", LISTS),
    bind(&[key(KeyCode::Down), ch('j')], Action::Down, "help.up_down", LISTS),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.page", LISTS),
    bind(&[key(KeyCode::PageDown)], Action::PageDown, "help.page", LISTS),
    bind(&[key(KeyCode::Home), ch('g')], Action::Top, "help.top_bottom", LISTS),
    bind(&[key(KeyCode::End), ch('G')], Action::Bottom, "help.top_bottom", LISTS),
    bind(&[key(KeyCode::Up), ch('k')], Action::Up, "help.scroll", DETAILS),
    bind(&[key(KeyCode::Down), ch('j')], Action::Down, "help.scroll", DETAILS),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "help.scroll", DETAILS),
    bind(&[key(KeyCode::PageDown)], Action::PageDown, "help.scroll", DETAILS),
    bind(&[key(KeyCode::Home), ch('g')], Action::Top, "help.scroll", DETAILS),
    bind(&[key(KeyCode::Left), ch('h')], Action::Left, "help.left_right", LANES),
    bind(&[key(KeyCode::Right), ch('l')], Action::Right, "help.left_right", LANES),
    bind(&[key(KeyCode::Left), ch('h')], Action::Left, "help.report_panels", REPORTS),
    bind(&[key(KeyCode::Right), ch('l')], Action::Right, "help.report_panels", REPORTS),
    bind(&[ch('<'), shift(KeyCode::Left)], Action::MoveStage(false), "help.move_stage", DEALS),
    bind(&[ch('>'), shift(KeyCode::Right)], Action::MoveStage(true), "help.move_stage", DEALS),
    bind(&[key(KeyCode::Enter)], Action::Open, "help.open", LISTS),
    bind(&[key(KeyCode::Esc)], Action::Back, "help.back", DETAILS),
    bind(&[ch('n')], Action::New, "help.new_deal", NEW_DEAL),
    bind(&[ch('n')], Action::New, "help.new_account", &[Place::Accounts]),
    bind(&[ch('e')], Action::Edit, "help.edit_deal", DEALS),
    bind(&[ch('e')], Action::Edit, "help.edit_account", &[Place::Accounts, Place::Account]),
    bind(&[ch('c')], Action::NewContact, "help.new_contact", &[Place::Account]),
    bind(&[ch('C')], Action::EditContact, "help.edit_contact", &[Place::Account]),
    bind(&[ch(']')], Action::PickContact(true), "help.pick_contact", &[Place::Account]),
    bind(&[ch('[')], Action::PickContact(false), "help.pick_contact", &[Place::Account]),
    bind(&[ch('c')], Action::ChangeClose, "help.change_close", DEALS),
    bind(&[ch('a')], Action::LogActivity, "help.log_activity", DEALS),
    bind(&[ch('f')], Action::PlanFollowUp, "help.plan_follow_up", DEALS),
    bind(&[ch('f')], Action::PlanFollowUp, "help.plan_follow_up_account", &[Place::Account]),
    bind(&[ch('A')], Action::CorrectActivity, "help.correct_activity", &[Place::Deal]),
    bind(&[ch('R')], Action::RetractActivity, "help.retract_activity", &[Place::Deal]),
    bind(&[ch('w')], Action::Won, "help.won", DEALS),
    bind(&[ch('x')], Action::Lost, "help.lost", DEALS),
    bind(&[ch('p')], Action::Pin, "help.pin", DEALS),
    bind(&[ch('d')], Action::Done, "help.done", &[Place::Agenda]),
    bind(&[ch('s')], Action::Snooze, "help.snooze", &[Place::Agenda]),
    bind(&[ch('X')], Action::Dismiss, "help.dismiss", &[Place::Agenda]),
    bind(&[ch('W')], Action::ToggleClosed, "help.toggle_closed", &[Place::Board]),
    bind(&[ch('o')], Action::SortNext, "help.sort_next", &[Place::Accounts]),
    bind(&[ch('O')], Action::SortReverse, "help.sort_reverse", &[Place::Accounts]),
    bind(&[ch('/')], Action::Filter, "help.filter", BROWSING),
    bind(&[ch('m')], Action::ToggleMine, "help.mine", BROWSING),
    bind(&[ch('D')], Action::LoadDemo, "help.demo", &[Place::Board]),
    bind(&[key(KeyCode::Delete)], Action::Delete, "help.delete_deal", DEALS),
    bind(&[key(KeyCode::Delete)], Action::Delete, "help.delete_account", &[Place::Accounts]),
    bind(&[key(KeyCode::Delete)], Action::Delete, "help.delete_contact", &[Place::Account]),
    bind(&[ch('u')], Action::Undo, "help.undo", EVERYWHERE),
    bind(&[ch('r')], Action::RestoreLost, "help.restore_lost", EVERYWHERE),
    bind(&[ch('?')], Action::Help, "help.help", EVERYWHERE),
    bind(&[ch('q')], Action::Quit, "help.quit", EVERYWHERE),
];

#[rustfmt::skip]
const HELP: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k')], Action::Up, "help.scroll", EVERYWHERE),
    bind(&[key(KeyCode::Down), ch('j')], Action::Down, "help.scroll", EVERYWHERE),
    bind(&[key(KeyCode::Esc), key(KeyCode::Enter), ch('q'), ch('?')], Action::Back, "help.close", EVERYWHERE),
];

/// Editing the text of a prompt, the filter or a form's text field; any
/// other character is typed.
#[rustfmt::skip]
const EDITING: &[Binding] = &[
    bind(&[key(KeyCode::Backspace)], Action::Type(Edit::DeletePrevChar), "help.edit_text", EVERYWHERE),
    bind(&[key(KeyCode::Delete)], Action::Type(Edit::DeleteNextChar), "help.edit_text", EVERYWHERE),
    bind(&[ctrl('w')], Action::Type(Edit::DeletePrevWord), "help.edit_text", EVERYWHERE),
    bind(&[ctrl('u')], Action::Type(Edit::DeleteLine), "help.edit_text", EVERYWHERE),
    bind(&[key(KeyCode::Home), ctrl('a')], Action::Type(Edit::GoToStart), "help.edit_text", EVERYWHERE),
    bind(&[key(KeyCode::End), ctrl('e')], Action::Type(Edit::GoToEnd), "help.edit_text", EVERYWHERE),
];

#[rustfmt::skip]
const CURSOR: &[Binding] = &[
    bind(&[key(KeyCode::Left)], Action::Type(Edit::GoToPrevChar), "help.edit_text", EVERYWHERE),
    bind(&[key(KeyCode::Right)], Action::Type(Edit::GoToNextChar), "help.edit_text", EVERYWHERE),
];

#[rustfmt::skip]
const ANSWER: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], Action::Submit, "help.submit", EVERYWHERE),
    bind(&[key(KeyCode::Esc), ctrl('c')], Action::Back, "help.cancel", EVERYWHERE),
];

#[rustfmt::skip]
const FILTER: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], Action::Submit, "help.filter_keep", EVERYWHERE),
    bind(&[key(KeyCode::Esc), ctrl('c')], Action::Back, "help.filter_clear", EVERYWHERE),
];

#[rustfmt::skip]
const FORM: &[Binding] = &[
    bind(&[key(KeyCode::Tab), key(KeyCode::Down)], Action::NextField, "help.next_field", EVERYWHERE),
    bind(&[key(KeyCode::BackTab), key(KeyCode::Up)], Action::PrevField, "help.prev_field", EVERYWHERE),
    bind(&[key(KeyCode::Left)], Action::Left, "help.form_left_right", EVERYWHERE),
    bind(&[key(KeyCode::Right)], Action::Right, "help.form_left_right", EVERYWHERE),
];

#[rustfmt::skip]
const CONFLICT: &[Binding] = &[
    bind(&[key(KeyCode::Up), ch('k'), key(KeyCode::BackTab)], Action::Up, "conflict.help_move", EVERYWHERE),
    bind(&[key(KeyCode::Down), ch('j'), key(KeyCode::Tab)], Action::Down, "conflict.help_move", EVERYWHERE),
    bind(&[ch(' ')], Action::Pick, "conflict.help_pick", EVERYWHERE),
    bind(&[key(KeyCode::Enter)], Action::Submit, "conflict.help_save", EVERYWHERE),
    bind(&[ch('m')], Action::KeepMine, "conflict.help_mine", EVERYWHERE),
    bind(&[ch('t')], Action::TakeTheirs, "conflict.help_theirs", EVERYWHERE),
    bind(&[key(KeyCode::Esc), ctrl('c')], Action::Back, "conflict.help_back", EVERYWHERE),
];

#[rustfmt::skip]
const CONFIRM: &[Binding] = &[
    bind(&[ch('y'), key(KeyCode::Enter)], Action::Confirm, "help.confirm_yes", EVERYWHERE),
    bind(&[ch('n'), key(KeyCode::Esc), ctrl('c')], Action::Back, "help.confirm_no", EVERYWHERE),
];

/// Looked at after the normal and the help mode's own tables: the way out.
#[rustfmt::skip]
const COMMON: &[Binding] = &[bind(&[ctrl('c')], Action::Quit, "help.quit", EVERYWHERE)];

/// The tables of a mode, in the order a key is looked up in them.
fn tables(mode: Mode) -> &'static [&'static [Binding]] {
    match mode {
        Mode::Normal(_) => &[NORMAL, COMMON],
        Mode::Help => &[HELP, COMMON],
        Mode::Filter => &[FILTER, EDITING, CURSOR],
        Mode::Prompt => &[ANSWER, EDITING, CURSOR],
        Mode::Form => &[ANSWER, FORM, EDITING],
        Mode::Conflict => &[CONFLICT],
        Mode::Confirm => &[CONFIRM],
    }
}

/// The bindings in effect in a mode, first match first.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    bindings_in(tables(mode), mode)
}

fn bindings_in<'t>(
    tables: &'t [&'t [Binding]],
    mode: Mode,
) -> impl Iterator<Item = &'t Binding> + use<'t> {
    tables
        .iter()
        .flat_map(|table| table.iter())
        .filter(move |b| match mode {
            Mode::Normal(place) => b.places.contains(&place),
            _ => true,
        })
}

/// Whether a character that no binding takes is typed as text.
fn types_text(mode: Mode) -> bool {
    matches!(mode, Mode::Filter | Mode::Prompt | Mode::Form)
}

/// The keys a terminal event stands for. Esc and a key pressed quickly
/// after it reach the program as one Alt chord (`Esc q` as Alt+q); no
/// binding uses Alt, so such a chord is read as the two keys it was.
pub fn pressed(event: &KeyEvent) -> Vec<KeyEvent> {
    match event.code {
        KeyCode::Char(_) if event.modifiers == KeyModifiers::ALT => vec![
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            KeyEvent::new_with_kind(event.code, KeyModifiers::NONE, event.kind),
        ],
        _ => vec![*event],
    }
}

/// The action for a key in a mode.
pub fn action(mode: Mode, event: &KeyEvent) -> Option<Action> {
    action_in(tables(mode), mode, event)
}

fn action_in(tables: &[&[Binding]], mode: Mode, event: &KeyEvent) -> Option<Action> {
    let key = Key::of(event)?;
    let bound = |key: Key| bindings_in(tables, mode).find(|b| b.keys.contains(&key));
    if let Some(binding) = bound(key).or_else(|| key.unshifted().and_then(bound)) {
        return Some(binding.action);
    }
    // AltGr, which types `@` or `€` on many keyboards, arrives as Ctrl+Alt.
    let altgr = KeyModifiers::CONTROL | KeyModifiers::ALT;
    let typed = key.modifiers.is_empty() || key.modifiers == altgr;
    match key.code {
        KeyCode::Char(c) if typed && types_text(mode) => Some(Action::Type(Edit::InsertChar(c))),
        _ => None,
    }
}

/// Whether `action` is one the tables of `mode` bind, or text typed where
/// text is typed: what the update step lets through.
pub fn is_bound(mode: Mode, action: Action) -> bool {
    matches!(action, Action::Type(Edit::InsertChar(_))) && types_text(mode)
        || bindings(mode).any(|b| b.action == action)
}

/// The help of a mode: one line per help text, with every key that does
/// it: arrows first, then other single keys, then chords (`↑ ↓ k j`,
/// `< > Shift+← Shift+→`), each in the order of the table.
pub fn help(mode: Mode) -> Vec<(String, &'static str)> {
    help_in(tables(mode), mode)
}

fn help_in(tables: &[&[Binding]], mode: Mode) -> Vec<(String, &'static str)> {
    let mut lines: Vec<(Vec<String>, &'static str)> = Vec::new();
    for binding in bindings_in(tables, mode) {
        let names: Vec<String> = binding.keys.iter().map(|k| k.name()).collect();
        match lines.iter_mut().find(|(_, help)| *help == binding.help) {
            Some((keys, _)) => {
                for name in names {
                    if !keys.contains(&name) {
                        keys.push(name);
                    }
                }
            }
            None => lines.push((names, binding.help)),
        }
    }
    let rank = |name: &String| match name.as_str() {
        "↑" | "↓" | "←" | "→" => 0,
        _ if name.chars().count() == 1 => 1,
        _ => 2,
    };
    lines
        .into_iter()
        .map(|(mut keys, help)| {
            keys.sort_by_key(rank);
            (keys.join(" "), help)
        })
        .collect()
}

#[cfg(test)]
mod tests;
