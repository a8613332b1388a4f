//! The one update step. Every input is a [`Msg`]; a key's action goes to
//! the handler of the mode the app is in, and whatever it refuses is worded
//! once, here, in the user's language.

use chrono::{DateTime, Local};

use super::totals::Before;
use super::{App, Popup, Reread};
use crate::domain::{Id, UnknownValue};
use crate::parse::ParseError;
use crate::say::Say;
use crate::store::{DealRefusal, StoreError};
use crate::tui::action::{Action, Mode, Msg, Place, View};
use crate::tui::form::Field;
use crate::tui::keys;
use tui_input::InputRequest;

/// Why an action was not carried out; worded only where it is shown.
#[derive(Debug)]
pub(super) enum Refusal {
    Store(StoreError),
    Parse(ParseError),
    Value(UnknownValue),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        Refusal::Store(e)
    }
}

impl From<ParseError> for Refusal {
    fn from(e: ParseError) -> Refusal {
        Refusal::Parse(e)
    }
}

impl From<UnknownValue> for Refusal {
    fn from(e: UnknownValue) -> Refusal {
        Refusal::Value(e)
    }
}

pub(super) type Done<T = ()> = Result<T, Refusal>;

/// How far PgUp and PgDn move: about a screenful of agenda or account rows.
const PAGE_STEP: u8 = 10;

impl App {
    /// Handles one input; says whether the screen must be drawn again.
    pub fn update(&mut self, msg: impl Into<Msg>) -> bool {
        match msg.into() {
            Msg::Do(action) => self.act(action),
            Msg::Click { area, column, row } => self.click(area, column, row),
            // The wheel moves the list or the detail under a filter being typed, not under a popup.
            Msg::Scroll(down) if self.popup.is_none() => {
                let step = if down { Action::Down } else { Action::Up };
                self.act_in(Mode::Normal(self.place()), step);
            }
            Msg::Scroll(_) => return false,
            Msg::Started => self.catch_up(),
            Msg::Tick(now) => self.tick(now),
            Msg::TypingPaused => self.settle(),
            Msg::KeysRested => {
                self.refresh_reports();
                return false;
            }
            Msg::ReportsPoll => return self.collect_reports(),
        }
        true
    }

    fn act(&mut self, action: Action) {
        self.act_in(self.mode(), action);
    }

    /// Carries out `action` in `mode`. Only actions that change data, the
    /// view or the filter re-read the store: moving the cursor is a redraw.
    /// The key table says what may be done where: an action it binds
    /// nowhere in this mode and place does nothing, however it came.
    pub(super) fn act_in(&mut self, mode: Mode, action: Action) {
        if !keys::is_bound(mode, action) {
            return;
        }
        let typing = self.filter.typing;
        // Writes say themselves what they changed (see `write_deal`).
        self.todo.reread = match action {
            Action::Show(_)
            | Action::NextView
            | Action::ToggleClosed
            | Action::ToggleMine
            | Action::SortNext
            | Action::SortReverse
            | Action::LoadDemo => Reread::View,
            _ => Reread::Nothing,
        };
        let done = match mode {
            Mode::Normal(place) => self.normal(place, action),
            Mode::Filter => {
                self.filtering(action);
                Ok(())
            }
            Mode::Help => {
                self.in_help(action);
                Ok(())
            }
            Mode::Prompt => self.in_prompt(action),
            Mode::Form => self.in_form(action),
            Mode::Conflict => self.in_conflict(action),
            Mode::Confirm => self.in_confirm(action),
        };
        if let Err(refusal) = done {
            self.message = self.word(&refusal);
            // Show what the store holds now, e.g. after someone else's change.
            self.todo.reread = Reread::View;
            self.reports.outdate();
        }
        if self.view == View::Reports {
            self.refresh_reports();
        }
        // Enter or Esc before the typing paused: the lists follow what the
        // filter says now.
        if typing && !self.filter.typing && self.filter.pending && self.take_filter() {
            self.todo.reread = Reread::View;
        }
        self.reread();
    }

    /// Re-reads what the last action left to re-read, and follows the deal it moved.
    fn reread(&mut self) {
        let done = match std::mem::replace(&mut self.todo.reread, Reread::Nothing) {
            Reread::Nothing => Ok(()),
            Reread::Lanes(keys) => self.reload_lanes(&keys),
            Reread::View => self.reload(),
        };
        if let Err(e) = done {
            self.message = e.say(&self.catalog);
        }
        if let Some(id) = self.todo.follow.take() {
            self.select_deal(id);
        }
    }

    /// A refusal in the user's words; someone else's change names who and
    /// when, and what a prompt left out says what to type, with an example.
    pub(super) fn word(&self, refusal: &Refusal) -> String {
        let c = &self.catalog;
        let asked = |key| c.get(key).to_string();
        match refusal {
            Refusal::Store(e @ StoreError::Conflict { .. }) => self.refused(e),
            Refusal::Store(StoreError::Deal(DealRefusal::EmptySummary)) => {
                asked("prompt.needs_summary")
            }
            Refusal::Store(StoreError::Deal(DealRefusal::LostWithoutReason)) => {
                asked("prompt.needs_lost_reason")
            }
            Refusal::Store(StoreError::Deal(DealRefusal::PinWithoutReason)) => {
                asked("prompt.needs_pin_reason")
            }
            Refusal::Store(e) => e.say(c),
            Refusal::Parse(e) => e.say(c),
            Refusal::Value(e) => e.say(c),
        }
    }

    /// Carries out one write to deal `deal` (`None`: a new one), which
    /// returns the deal it wrote: the kept counts move by what it changed,
    /// the lanes that list it are re-read and the cursor follows it.
    pub(super) fn write_deal<T>(
        &mut self,
        deal: Option<Id>,
        write: impl FnOnce(&mut App) -> Done<(Id, T)>,
    ) -> Done<T> {
        let before: Before = self.before(deal);
        let (id, out) = write(self)?;
        self.after_write(before, id);
        self.todo.follow = Some(id);
        Ok(out)
    }

    fn in_help(&mut self, action: Action) {
        let Some(Popup::Help { scroll }) = &mut self.popup else {
            return;
        };
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::Back => self.popup = None,
            Action::Quit => self.quit = true,
            _ => {}
        }
    }

    fn filtering(&mut self, action: Action) {
        match action {
            Action::Back => {
                self.filter.typed = Default::default();
                self.filter.query = Default::default();
                self.filter.typing = false;
                self.forget_cursors();
                self.todo.reread = Reread::View;
            }
            Action::Submit => self.filter.typing = false,
            Action::Type(edit) => self.filter.pending |= self.filter.typed.edit(edit),
            _ => {}
        }
    }

    fn in_prompt(&mut self, action: Action) -> Done {
        match action {
            Action::Back => self.popup = None,
            Action::Submit => self.submit(),
            Action::Type(edit) => {
                if let Some(Popup::Prompt(prompt)) = &mut self.popup
                    && prompt.answer.edit(edit)
                {
                    prompt.error = None;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn in_form(&mut self, action: Action) -> Done {
        let today = self.today();
        let Some(Popup::Form(form)) = &mut self.popup else {
            return Ok(());
        };
        let text = matches!(form.fields.get(form.focus), Some((_, Field::Text)));
        match action {
            Action::Back => self.popup = None,
            Action::Submit => return self.submit_form(),
            Action::NextField | Action::PrevField => form.move_focus(action == Action::NextField),
            // ← → move the cursor in text, and pick among a field's values.
            Action::Left if text => {
                form.edit(InputRequest::GoToPrevChar);
            }
            Action::Right if text => {
                form.edit(InputRequest::GoToNextChar);
            }
            Action::Left | Action::Right => {
                form.cycle(&self.store, action == Action::Right);
                form.check(&self.store, today, &self.catalog);
            }
            Action::Type(edit) if text => {
                let changed = form.edit(edit);
                if changed {
                    form.check(&self.store, today, &self.catalog);
                }
            }
            // A field with a fixed set of values: space picks the next one.
            Action::Type(InputRequest::InsertChar(' ')) => {
                form.cycle(&self.store, true);
                form.check(&self.store, today, &self.catalog);
            }
            _ => {}
        }
        Ok(())
    }

    fn in_confirm(&mut self, action: Action) -> Done {
        match action {
            Action::Confirm => self.delete_confirmed()?,
            Action::Back => self.popup = None,
            _ => {}
        }
        Ok(())
    }

    fn in_conflict(&mut self, action: Action) -> Done {
        match action {
            Action::Up | Action::Down => self.conflict_step(action == Action::Down),
            Action::Pick => self.conflict_pick(),
            Action::Submit | Action::KeepMine => {
                self.save_resolution(action == Action::KeepMine)?;
            }
            Action::TakeTheirs => self.take_theirs(),
            Action::Back => self.back_to_form(),
            _ => {}
        }
        Ok(())
    }

    /// The normal mode: the lists, the details and the reports.
    fn normal(&mut self, place: Place, action: Action) -> Done {
        let detail = matches!(place, Place::Deal | Place::Account);
        match action {
            Action::Quit => self.quit = true,
            Action::Show(view) => self.show(view),
            Action::NextView => {
                let at = View::ALL.iter().position(|v| *v == self.view).unwrap_or(0);
                self.show(View::ALL[(at + 1) % View::ALL.len()]);
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top
                if detail =>
            {
                let scroll = &mut self.opened.scroll;
                *scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(u16::from(PAGE_STEP)),
                    Action::PageDown => scroll.saturating_add(u16::from(PAGE_STEP)),
                    _ => 0,
                };
            }
            Action::Up => self.step(-1)?,
            Action::Down => self.step(1)?,
            Action::PageUp => self.step(-isize::from(PAGE_STEP))?,
            Action::PageDown => self.step(isize::from(PAGE_STEP))?,
            Action::Top => self.step(isize::MIN)?,
            Action::Bottom => self.step_to_end()?,
            Action::Left | Action::Right if place == Place::Reports => {
                self.report_panel = if action == Action::Right {
                    (self.report_panel + 1).min(self.report_panel_count() - 1)
                } else {
                    self.report_panel.saturating_sub(1)
                };
            }
            Action::Left => self.column(-1),
            Action::Right => self.column(1),
            Action::Open => self.open()?,
            Action::Back => {
                if self.opened.deal.take().is_none() {
                    self.opened.account = None;
                }
                self.opened.scroll = 0;
            }
            Action::Filter => {
                self.filter.typing = true;
                self.opened.deal = None;
                self.opened.account = None;
            }
            Action::Help => self.popup = Some(Popup::Help { scroll: 0 }),
            Action::MoveStage(forward) => self.move_stage(forward)?,
            Action::ChangeClose => self.ask(|row| super::Ask::CloseDate {
                deal: row.deal.id,
                version: row.deal.meta.version,
            }),
            Action::LogActivity => self.ask(|row| super::Ask::Activity(row.deal.id)),
            Action::PlanFollowUp => self.ask_follow_up(),
            Action::CorrectActivity => self.ask_about_activity(false),
            Action::RetractActivity => self.ask_about_activity(true),
            Action::Won => self.ask(|row| super::Ask::Won(row.deal.id)),
            Action::Lost => self.ask(|row| super::Ask::Lost(row.deal.id)),
            Action::Pin => self.pin()?,
            Action::Done => self.close_reminder(true)?,
            Action::Dismiss => self.close_reminder(false)?,
            Action::Snooze => self.ask_snooze(),
            Action::ToggleClosed => self.lists.show_closed = !self.lists.show_closed,
            Action::ToggleMine => self.toggle_mine(),
            Action::LoadDemo => self.load_demo()?,
            Action::New => self.open_new_form()?,
            Action::Edit => self.open_edit_form(),
            Action::NewContact | Action::EditContact => {
                self.open_contact_form(action == Action::NewContact)
            }
            Action::PickContact(forward) => self.pick_contact(forward),
            Action::SortNext | Action::SortReverse => self.sort(action == Action::SortReverse),
            Action::RestoreLost => self.restore_lost()?,
            Action::Delete => self.ask_delete()?,
            Action::Undo => self.undo()?,
            Action::Confirm
            | Action::NextField
            | Action::PrevField
            | Action::KeepMine
            | Action::TakeTheirs
            | Action::Pick
            | Action::Type(_)
            | Action::Submit => {}
        }
        Ok(())
    }

    /// Called about once a second: at midnight the day moves on and every
    /// deal is re-graded for it (unless the user fixed the date), changes
    /// are exchanged with the team folder every couple of seconds, what
    /// others saved since the last tick is shown, and now and then the
    /// folder is looked at for conflict copies.
    fn tick(&mut self, now: DateTime<Local>) {
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

    /// Brings every deal up to date for today, if the store opened on a day
    /// it had not graded yet, starts working out the reports and counts
    /// ahead; once the first frame is on screen.
    fn catch_up(&mut self) {
        self.regrade_if_new_day();
        // A regrade of a large pipeline reads every deal: what it freed goes
        // back before the reports read them all again.
        super::reports::give_back_memory();
        // On its own thread, after the regrade it must count: usually done
        // before anyone asks for the view.
        self.refresh_reports();
        if let Err(e) = self.count_ahead() {
            self.message = e.say(&self.catalog);
        }
    }

    fn regrade_if_new_day(&mut self) {
        // A damaged file is shown as it is, and says so; it takes no writes.
        if let Some(damage) = self.store.damage() {
            self.message = damage.say(&self.catalog);
            return;
        }
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
}
