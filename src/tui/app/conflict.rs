//! A form's save refused because someone else saved the row first: both
//! versions side by side, and the user decides — nothing is overwritten
//! without being seen.

use chrono::{DateTime, Utc};

use super::update::Done;
use super::{App, Popup, Reread};
use crate::say::Say;
use crate::store::StoreError;
use crate::tui::form::{Form, Subject};

/// Both versions of a row, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The form as typed: its values are "mine".
    pub mine: Form,
    /// The row as it is in the database now, as the same form would show
    /// it, with the version a save of the resolution must find.
    pub theirs: Form,
    /// Per field, whether saving as picked takes theirs.
    pub take_theirs: Vec<bool>,
    /// The field under the cursor; only fields that differ are visited.
    pub focus: usize,
    /// Who saved theirs, and when.
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Conflict {
    /// Picks theirs where the user left a field as loaded and the other
    /// person changed it, mine wherever the user typed something.
    fn new(mine: Form, theirs: Form, by: String, at: DateTime<Utc>) -> Conflict {
        let mut conflict = Conflict {
            take_theirs: vec![false; mine.values.len()],
            mine,
            theirs,
            focus: 0,
            by,
            at,
        };
        for i in 0..conflict.take_theirs.len() {
            conflict.take_theirs[i] =
                conflict.differs(i) && conflict.mine.values[i] == conflict.mine.loaded[i];
        }
        conflict.focus = (0..conflict.take_theirs.len())
            .find(|&i| conflict.differs(i))
            .unwrap_or(0);
        conflict
    }

    /// Whether field `i` holds something else in the two versions.
    pub fn differs(&self, i: usize) -> bool {
        let value = |form: &Form| form.values.get(i).map(|v| v.trim().to_string());
        value(&self.mine) != value(&self.theirs)
    }

    /// Moves the cursor to the next (or previous) field that differs.
    fn step(&mut self, forward: bool) {
        let n = self.take_theirs.len();
        for k in 1..n {
            let i = if forward {
                (self.focus + k) % n
            } else {
                (self.focus + n - k) % n
            };
            if self.differs(i) {
                self.focus = i;
                return;
            }
        }
    }

    /// The values a save as picked writes.
    fn picked(&self) -> Vec<String> {
        self.take_theirs
            .iter()
            .zip(self.mine.values.iter().zip(&self.theirs.values))
            .map(|(theirs, (m, t))| if *theirs { t.clone() } else { m.clone() })
            .collect()
    }
}

impl App {
    /// Shows the open form beside the row as it is now. A new row has no
    /// other version; nor has one deleted meanwhile, which says so.
    pub(super) fn open_conflict(&mut self) -> Done {
        let Some(Popup::Form(form)) = &self.popup else {
            return Ok(());
        };
        let mine = (**form).clone();
        let (theirs, meta) = match mine.subject {
            Subject::EditDeal { deal, .. } => {
                let row = self.store.deal_detail(deal)?.row;
                (self.deal_form(&row), row.deal.meta)
            }
            Subject::EditContact { contact, .. } => {
                let contact = self.store.contact(contact)?;
                (Form::edit_contact(&contact), contact.meta)
            }
            Subject::EditAccount { account, .. } => {
                let account = self.store.account(account)?;
                (Form::edit_account(&account), account.meta)
            }
            Subject::NewDeal | Subject::NewAccount | Subject::NewContact { .. } => return Ok(()),
        };
        let conflict = Conflict::new(mine, theirs, meta.updated_by, meta.updated_at);
        self.popup = Some(Popup::Conflict(Box::new(conflict)));
        Ok(())
    }

    /// Why a one-step change (a card moved, a close date) was refused: who
    /// changed the deal first, and when, in the user's time.
    pub(super) fn refused(&self, e: &StoreError) -> String {
        let StoreError::Conflict { id, by, at, .. } = e else {
            return e.say(&self.catalog);
        };
        let at = self.store.session().local_minute_of(at);
        self.catalog
            .fmt("conflict.refused", &[("id", id), ("by", by), ("at", &at)])
    }

    /// A moment as the user reads it: their own time of day.
    pub fn when(&self, at: DateTime<Utc>) -> String {
        self.store.session().local_minute(at)
    }

    pub(super) fn conflict_step(&mut self, forward: bool) {
        if let Some(Popup::Conflict(conflict)) = &mut self.popup {
            conflict.step(forward);
        }
    }

    pub(super) fn conflict_pick(&mut self) {
        if let Some(Popup::Conflict(conflict)) = &mut self.popup
            && conflict.differs(conflict.focus)
            && let Some(theirs) = conflict.take_theirs.get_mut(conflict.focus)
        {
            *theirs = !*theirs;
        }
    }

    /// Saves mine (`all_mine`) or the fields as picked, checked against
    /// the version the dialog read: a change made meanwhile opens the
    /// dialog again, with it.
    pub(super) fn save_resolution(&mut self, all_mine: bool) -> Done {
        let Some(Popup::Conflict(conflict)) = self.popup.take() else {
            return Ok(());
        };
        let values = if all_mine {
            conflict.mine.values.clone()
        } else {
            conflict.picked()
        };
        let mut form = conflict.mine;
        form.rebase(&conflict.theirs);
        form.values = values;
        form.cursor_to_end();
        self.popup = Some(Popup::Form(Box::new(form)));
        self.submit_form()
    }

    /// Drops what was typed: the row stays as the other person saved it.
    pub(super) fn take_theirs(&mut self) {
        let Some(Popup::Conflict(conflict)) = self.popup.take() else {
            return;
        };
        let id = match conflict.theirs.subject {
            Subject::EditDeal { deal, .. } => deal.short(),
            Subject::EditAccount { account, .. } => account.short(),
            Subject::EditContact { contact, .. } => contact.short(),
            Subject::NewDeal | Subject::NewAccount | Subject::NewContact { .. } => String::new(),
        };
        self.message = self
            .catalog
            .fmt("conflict.took_theirs", &[("by", &conflict.by), ("id", &id)]);
        self.todo.reread = Reread::View;
    }

    /// Back to the form as typed, now loaded from their version: saving it
    /// is a choice made having seen theirs.
    pub(super) fn back_to_form(&mut self) {
        let Some(Popup::Conflict(conflict)) = self.popup.take() else {
            return;
        };
        let mut form = conflict.mine;
        form.rebase(&conflict.theirs);
        self.popup = Some(Popup::Form(Box::new(form)));
    }
}
