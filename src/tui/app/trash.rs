//! Deleting, with a question first, and undoing.

use super::update::Done;
use super::{App, Doomed, Popup, Reread, View};
use crate::store::RowKind;
use crate::timeline;

impl App {
    /// Delete: asks about the deal in view, the person an account's detail
    /// marks, or the account the accounts view is on.
    pub(super) fn ask_delete(&mut self) -> Done {
        let doomed = match self.selected_deal() {
            Some(row) => Doomed::Deal {
                id: row.deal.id,
                title: row.deal.title.clone(),
            },
            None if self.opened.account.is_some() => {
                let detail = self.opened.account.as_ref();
                match detail.and_then(|d| d.contacts.get(self.opened.contact)) {
                    Some(contact) => Doomed::Contact {
                        id: contact.id,
                        name: contact.name.clone(),
                    },
                    None => {
                        self.message = self.catalog.get("tui.no_contacts").to_string();
                        return Ok(());
                    }
                }
            }
            None if self.view == View::Accounts => {
                let Some(account) = self.lists.accounts.current().map(|row| &row.account) else {
                    return Ok(());
                };
                let (id, name) = (account.id, account.name.clone());
                Doomed::Account {
                    id,
                    name,
                    open_deals: self.store.open_deals_of(id)?,
                }
            }
            None => return Ok(()),
        };
        self.popup = Some(Popup::Confirm(doomed));
        Ok(())
    }

    /// Yes: deletes what was asked about; an account goes with its open deals,
    /// which the question named.
    pub(super) fn delete_confirmed(&mut self) -> Done {
        let Some(Popup::Confirm(doomed)) = self.popup.take() else {
            return Ok(());
        };
        let gone = match doomed {
            Doomed::Deal { id, .. } => self.store.delete_deal(id)?,
            Doomed::Account { id, .. } => self.store.delete_account(id, true)?,
            Doomed::Contact { id, .. } => self.store.delete_contact(id)?,
        };
        let c = &self.catalog;
        let with = timeline::trashed_with(&gone, c);
        let kind = c.word("row_kind", gone.kind.as_str());
        self.message = c.fmt(
            "tui.deleted",
            &[("kind", &kind), ("name", &gone.name), ("with", &with)],
        );
        self.opened.deal = None;
        match gone.kind {
            RowKind::Account => self.opened.account = None,
            RowKind::Contact => self.opened.contact = self.opened.contact.saturating_sub(1),
            _ => {}
        }
        self.after_bulk_change();
        Ok(())
    }

    /// `u`: takes back the user's last change, whatever view made it.
    pub(super) fn undo(&mut self) -> Done {
        let undone = self.store.undo()?;
        let c = &self.catalog;
        let change = timeline::change(&undone.change.rows, c);
        self.message = if undone.kept.is_empty() {
            c.fmt("tui.undone", &[("change", &change)])
        } else {
            let count = undone.kept.len().to_string();
            c.fmt("tui.undone_kept", &[("change", &change), ("count", &count)])
        };
        self.after_bulk_change();
        Ok(())
    }

    /// After a change to rows of any kind, in any number: the kept counts
    /// and totals are worked out again and the view re-read.
    fn after_bulk_change(&mut self) {
        self.forget_totals();
        self.todo.reread = Reread::View;
    }
}
