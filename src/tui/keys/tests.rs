use std::collections::HashMap;

use super::*;
use crate::i18n::{Catalog, Lang};

/// Every key a person can press that the tables could bind: printable
/// characters alone and with Ctrl or Alt, and the named keys with each
/// modifier.
fn keyboard() -> Vec<KeyEvent> {
    let mut events = Vec::new();
    for c in ' '..='~' {
        for modifiers in [KeyModifiers::NONE, KeyModifiers::CONTROL, KeyModifiers::ALT] {
            events.push(KeyEvent::new(KeyCode::Char(c), modifiers));
        }
    }
    let named = [
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
    ];
    for code in named.into_iter().chain((1..=12).map(KeyCode::F)) {
        for modifiers in [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ] {
            events.push(KeyEvent::new(code, modifiers));
        }
    }
    events
}

/// Checks one mode: every key that does something is on a help line whose
/// text both catalogues have, and every key a help line names does what
/// that line says.
fn mistakes(tables: &[&[Binding]], mode: Mode) -> Vec<String> {
    let catalogs = [Catalog::new(Lang::En), Catalog::new(Lang::ZhCn)];
    let help = help_in(tables, mode);
    let by_name: HashMap<String, KeyEvent> = keyboard()
        .into_iter()
        .filter_map(|e| Some((Key::of(&e)?.name(), e)))
        .collect();
    let mut found = Vec::new();
    for event in keyboard() {
        let Some(done) = action_in(tables, mode, &event) else {
            continue;
        };
        if types_text(mode) && matches!(done, Action::Type(Edit::InsertChar(_))) {
            continue;
        }
        let Some(key) = Key::of(&event) else {
            continue;
        };
        let named = |key: Key| {
            help.iter()
                .any(|(keys, _)| keys.split(' ').any(|k| k == key.name()))
        };
        // Shift+↓ does what ↓ does, and is read as ↓ in the help.
        let name = key.name();
        if !named(key) && !key.unshifted().is_some_and(named) {
            found.push(format!(
                "{mode:?}: `{name}` does {done:?} but no help line names it"
            ));
        }
    }
    for binding in bindings_in(tables, mode) {
        for key in binding.keys {
            let done = action_in(tables, mode, &KeyEvent::new(key.code, key.modifiers));
            if done != Some(binding.action) {
                found.push(format!(
                    "{mode:?}: `{}` is bound to {:?}, but an earlier binding takes it for {done:?}",
                    key.name(),
                    binding.action
                ));
            }
            let printable = matches!(key.code, KeyCode::Char(_)) && key.modifiers.is_empty();
            if printable && types_text(mode) {
                found.push(format!(
                    "{mode:?}: `{}` is bound, so it can no longer be typed",
                    key.name()
                ));
            }
        }
    }
    for (keys, text) in &help {
        for c in &catalogs {
            if c.get(text) == *text || c.get(text).trim().is_empty() {
                found.push(format!(
                    "{mode:?}: the help of `{keys}` ({text}) is not in {:?}",
                    c.lang()
                ));
            }
        }
        for name in keys.split(' ') {
            let Some(event) = by_name.get(name) else {
                found.push(format!(
                    "{mode:?}: the help names `{name}`, which is no key"
                ));
                continue;
            };
            let done = action_in(tables, mode, event);
            let said = bindings_in(tables, mode)
                .filter(|b| b.help == *text)
                .any(|b| Some(b.action) == done && b.keys.iter().any(|k| k.name() == *name));
            if !said {
                found.push(format!(
                    "{mode:?}: the help says `{name}` does {text}, but it does {done:?}"
                ));
            }
        }
    }
    found
}

#[test]
fn every_key_that_does_something_is_in_the_help_and_the_help_names_only_bound_keys() {
    let found: Vec<String> = Mode::ALL
        .into_iter()
        .flat_map(|mode| mistakes(tables(mode), mode))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_catches_a_key_without_help_and_help_naming_a_key_that_does_otherwise() {
    // The check above must be able to fail. `z` is bound with a help text
    // no catalogue has; `c` is listed on the lost line, though the close
    // date's binding, first in the table, takes it.
    const WRONG: &[Binding] = &[
        bind(
            &[ch('c')],
            Action::ChangeClose,
            "help.change_close",
            EVERYWHERE,
        ),
        bind(&[ch('x'), ch('c')], Action::Lost, "help.lost", EVERYWHERE),
        bind(&[ch('z')], Action::Quit, "help.zap", EVERYWHERE),
    ];
    let found = mistakes(&[WRONG], Mode::Normal(Place::Board));
    let said = |what: &str| found.iter().filter(|f| f.contains(what)).count();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(
        said("`c` is bound to Lost, but an earlier binding takes it"),
        1,
        "{found:#?}"
    );
    assert_eq!(said("(help.zap) is not in En"), 1, "{found:#?}");
    assert_eq!(said("(help.zap) is not in ZhCn"), 1, "{found:#?}");
    assert_eq!(
        said("`c` does help.lost, but it does Some(ChangeClose)"),
        1,
        "{found:#?}"
    );
}

#[test]
fn a_letter_bound_in_a_text_mode_is_caught_as_one_that_can_no_longer_be_typed() {
    const WRONG: &[Binding] = &[bind(
        &[ch('j')],
        Action::NextField,
        "help.next_field",
        EVERYWHERE,
    )];
    let found = mistakes(&[WRONG], Mode::Form);
    assert_eq!(found, ["Form: `j` is bound, so it can no longer be typed"]);
}

#[test]
fn shift_letters_and_back_tab_read_the_same_from_every_terminal() {
    let agenda = Mode::Normal(Place::Agenda);
    for event in [
        KeyEvent::new(KeyCode::Char('X'), KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT),
        KeyEvent::new(KeyCode::Char('x'), KeyModifiers::SHIFT),
    ] {
        assert_eq!(action(agenda, &event), Some(Action::Dismiss));
    }
    for event in [
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::NONE),
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
    ] {
        assert_eq!(action(Mode::Form, &event), Some(Action::PrevField));
    }
    let shift_down = KeyEvent::new(KeyCode::Down, KeyModifiers::SHIFT);
    assert_eq!(
        action(Mode::Normal(Place::Board), &shift_down),
        Some(Action::Down)
    );
    let altgr_at = KeyEvent::new(
        KeyCode::Char('@'),
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    );
    assert_eq!(
        action(Mode::Prompt, &altgr_at),
        Some(Action::Type(Edit::InsertChar('@')))
    );
    let shift_left = KeyEvent::new(KeyCode::Left, KeyModifiers::SHIFT);
    assert_eq!(
        action(Mode::Normal(Place::Board), &shift_left),
        Some(Action::MoveStage(false))
    );
}

#[test]
fn keys_do_only_what_their_place_and_mode_allow() {
    let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        action(Mode::Normal(Place::Board), &press('d')),
        None,
        "done is for the agenda"
    );
    assert_eq!(
        action(Mode::Normal(Place::Agenda), &press('d')),
        Some(Action::Done)
    );
    assert_eq!(
        action(Mode::Help, &press('>')),
        None,
        "no card moves under the help"
    );
    assert_eq!(action(Mode::Help, &press('q')), Some(Action::Back));
    assert_eq!(
        action(Mode::Conflict, &press('x')),
        None,
        "nothing is typed into the dialog"
    );
    assert_eq!(
        action(Mode::Prompt, &press('q')),
        Some(Action::Type(Edit::InsertChar('q')))
    );
    assert_eq!(
        action(Mode::Filter, &press('临')),
        Some(Action::Type(Edit::InsertChar('临')))
    );
    let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(
        action(Mode::Prompt, &ctrl_w),
        Some(Action::Type(Edit::DeletePrevWord))
    );
    assert_eq!(action(Mode::Normal(Place::Board), &ctrl_w), None);
}

#[test]
fn esc_and_a_quick_key_after_it_are_both_read() {
    let chord = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT);
    let keys = pressed(&chord);
    let actions: Vec<_> = [Mode::Help, Mode::Normal(Place::Board)]
        .into_iter()
        .zip(&keys)
        .map(|(mode, key)| action(mode, key))
        .collect();
    assert_eq!(actions, [Some(Action::Back), Some(Action::Quit)]);
    let plain = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(pressed(&plain), [plain]);
}
