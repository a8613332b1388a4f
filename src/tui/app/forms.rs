//! Opening and saving the deal, account and contact forms.

use super::update::{Done, Refusal};
use super::{App, Popup, Reread, View};
use crate::store::{DealExtras, DealPatch, DealRow, StoreError};
use crate::tui::form::{DealAccount, Form, Subject};

impl App {
    /// `n`: a new account in the accounts view, else a new deal, at the
    /// account in view when there is one.
    pub(super) fn open_new_form(&mut self) -> Done {
        if self.view == View::Accounts
            && self.opened.account.is_none()
            && self.opened.deal.is_none()
        {
            let form = Form::new_account(&self.store.session().user);
            self.popup = Some(Popup::Form(Box::new(form)));
            return Ok(());
        }
        let first = crate::store::first_stage(self.store.rules())?;
        let account = match (&self.opened.account, self.selected_deal()) {
            (Some(detail), None) => Some(detail.account.name.clone()),
            (_, Some(row)) => Some(row.account.clone()),
            (None, None) => None,
        };
        let form = Form::new_deal(&first, account.as_deref(), &self.store.session().user);
        self.popup = Some(Popup::Form(Box::new(form)));
        Ok(())
    }

    /// `e`: the deal in view, or the account in the accounts view.
    pub(super) fn open_edit_form(&mut self) {
        let form = match self.selected_deal() {
            Some(row) => self.deal_form(row),
            None if self.view == View::Accounts => {
                let account = match &self.opened.account {
                    Some(detail) => Some(&detail.account),
                    None => self.lists.accounts.current().map(|row| &row.account),
                };
                match account {
                    Some(account) => Form::edit_account(account),
                    None => return,
                }
            }
            None => return,
        };
        self.popup = Some(Popup::Form(Box::new(form)));
    }

    /// The edit form of a deal, its contact person named: a contact
    /// deleted meanwhile is no one to name, and the field is left empty.
    pub(super) fn deal_form(&self, row: &DealRow) -> Form {
        let contact = row
            .deal
            .contact_id
            .and_then(|id| self.store.contact(id).ok())
            .map(|k| k.name)
            .unwrap_or_default();
        Form::edit_deal(row, &contact)
    }

    /// `c` in an account's detail: a new person there; `C`: the person
    /// the detail marks.
    pub(super) fn open_contact_form(&mut self, new: bool) {
        let Some(detail) = &self.opened.account else {
            return;
        };
        let form = if new {
            Form::new_contact(detail.account.id)
        } else {
            match detail.contacts.get(self.opened.contact) {
                Some(contact) => Form::edit_contact(contact),
                None => {
                    self.message = self.catalog.get("tui.no_contacts").to_string();
                    return;
                }
            }
        };
        self.popup = Some(Popup::Form(Box::new(form)));
    }

    /// `]` and `[`: mark the next or the previous person of the account.
    pub(super) fn pick_contact(&mut self, forward: bool) {
        let Some(detail) = &self.opened.account else {
            return;
        };
        let n = detail.contacts.len();
        if n == 0 {
            return;
        }
        let at = self.opened.contact.min(n - 1);
        self.opened.contact = if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        };
    }

    /// Saves the form when every field is right; otherwise it stays open,
    /// each wrong field saying what is wrong. A save refused because
    /// someone else changed the row shows both versions to choose from.
    pub(super) fn submit_form(&mut self) -> Done {
        let Some(Popup::Form(form)) = &self.popup else {
            return Ok(());
        };
        let message = if form.is_deal() {
            self.save_deal_form()?
        } else if form.is_contact() {
            self.save_contact_form()?
        } else {
            self.save_account_form()?
        };
        if let Some(message) = message {
            self.popup = None;
            self.message = message;
        }
        Ok(())
    }

    pub(super) fn save_deal_form(&mut self) -> Done<Option<String>> {
        let today = self.today();
        let Some(Popup::Form(form)) = &mut self.popup else {
            return Ok(None);
        };
        let Some(input) = form.check_deal(&self.store, today, &self.catalog) else {
            return Ok(None);
        };
        let subject = form.subject;
        let message = match subject {
            Subject::EditDeal { deal, version, .. } => {
                let saved = self.write_deal(Some(deal), |app| {
                    // A won or lost deal keeps its stage unless the form moved it.
                    let moved = app.store.deal(deal)?.stage != input.stage;
                    let patch = DealPatch {
                        title: Some(input.title),
                        amount: input.amount.map(|a| a.money),
                        currency: input.amount.and_then(|a| a.currency),
                        stage: moved.then_some(input.stage),
                        need: Some(input.need),
                        expected_close: Some(input.close),
                        owner: Some(input.owner),
                        contact: Some(input.contact),
                        source: Some(input.source),
                        next_step: Some(input.next_step),
                        notes: Some(input.notes),
                        expected_version: Some(version),
                    };
                    app.store.update_deal(deal, patch)?;
                    Ok((deal, ()))
                });
                if let Err(Refusal::Store(StoreError::Conflict { .. })) = saved {
                    self.open_conflict()?;
                    return Ok(None);
                }
                saved?;
                self.catalog.fmt("msg.updated", &[("id", &deal.short())])
            }
            _ => {
                let deal_at = |account_id| crate::store::NewDeal {
                    account_id,
                    title: input.title,
                    amount: input.amount.map(|a| a.money),
                    currency: input.amount.and_then(|a| a.currency),
                    stage: Some(input.stage),
                    need: Some(input.need),
                    expected_close: input.close,
                    owner: Some(input.owner),
                };
                let extras = DealExtras {
                    contact_id: input.contact,
                    source: input.source,
                    next_step: input.next_step,
                    notes: input.notes,
                };
                if matches!(input.account, DealAccount::New(_)) {
                    self.counts.accounts_total = None;
                }
                let id = self.write_deal(None, |app| {
                    let id = match input.account {
                        DealAccount::Existing(account) => {
                            app.store.add_deal_with(deal_at(account), extras)?
                        }
                        DealAccount::New(name) => {
                            let account = crate::store::NewAccount {
                                name,
                                ..Default::default()
                            };
                            app.store
                                .add_deal_at_new_account_with(account, extras, deal_at)?
                                .1
                        }
                    };
                    Ok((id, id))
                })?;
                self.catalog.fmt("msg.created", &[("id", &id.short())])
            }
        };
        Ok(Some(message))
    }

    pub(super) fn save_account_form(&mut self) -> Done<Option<String>> {
        let Some(Popup::Form(form)) = &mut self.popup else {
            return Ok(None);
        };
        let Some(input) = form.check_account(&self.store, &self.catalog) else {
            return Ok(None);
        };
        let subject = form.subject;
        let message = match subject {
            Subject::EditAccount { account, version } => {
                let saved = self.store.update_account(
                    account,
                    crate::store::AccountPatch {
                        name: Some(input.name),
                        kind: Some(input.kind),
                        industry: Some(input.industry),
                        region: Some(input.region),
                        channel: Some(input.channel),
                        product_tier: Some(input.product_tier),
                        satisfaction: Some(input.satisfaction),
                        owner: Some(input.owner),
                        notes: Some(input.notes),
                        expected_version: Some(version),
                    },
                );
                if let Err(StoreError::Conflict { .. }) = saved {
                    self.open_conflict()?;
                    return Ok(None);
                }
                saved?;
                self.catalog.fmt("msg.updated", &[("id", &account.short())])
            }
            _ => {
                let id = self.store.add_account(crate::store::NewAccount {
                    name: input.name,
                    kind: Some(input.kind),
                    industry: Some(input.industry),
                    region: Some(input.region),
                    channel: Some(input.channel),
                    product_tier: input.product_tier,
                    satisfaction: Some(input.satisfaction),
                    owner: Some(input.owner),
                    notes: Some(input.notes),
                })?;
                self.catalog.fmt("msg.created", &[("id", &id.short())])
            }
        };
        self.counts.accounts_total = None;
        self.reports.outdate();
        self.todo.reread = Reread::View;
        Ok(Some(message))
    }

    pub(super) fn save_contact_form(&mut self) -> Done<Option<String>> {
        let Some(Popup::Form(form)) = &mut self.popup else {
            return Ok(None);
        };
        let Some(input) = form.check_contact(&self.store, &self.catalog) else {
            return Ok(None);
        };
        let message = match form.subject {
            Subject::EditContact {
                contact, version, ..
            } => {
                let saved = self.store.update_contact(
                    contact,
                    crate::store::ContactPatch {
                        account: None,
                        name: Some(input.name),
                        title: Some(input.title),
                        phone: Some(input.phone),
                        email: Some(input.email),
                        other: Some(input.other),
                        notes: Some(input.notes),
                        expected_version: Some(version),
                    },
                );
                if let Err(StoreError::Conflict { .. }) = saved {
                    self.open_conflict()?;
                    return Ok(None);
                }
                saved?;
                self.catalog.fmt("msg.updated", &[("id", &contact.short())])
            }
            Subject::NewContact { account } => {
                let id = self.store.add_contact(crate::store::NewContact {
                    account_id: account,
                    name: input.name,
                    title: Some(input.title),
                    phone: Some(input.phone),
                    email: Some(input.email),
                    other: Some(input.other),
                    notes: Some(input.notes),
                })?;
                // The new person is the one marked, for `C` to go on with.
                let people = self.store.contacts_of(account)?;
                self.opened.contact = people.iter().position(|k| k.id == id).unwrap_or(0);
                self.catalog.fmt("msg.created", &[("id", &id.short())])
            }
            _ => return Ok(None),
        };
        // The account's detail, and a deal's that names the person, show it now.
        self.todo.reread = Reread::View;
        Ok(Some(message))
    }
}
