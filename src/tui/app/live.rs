//! Live refresh: other people's commits to the shared file are noticed on
//! the tick and shown, the cursors staying on their rows and anything being
//! typed left as it is; and the conflict copies sync tools leave beside it.

use std::collections::HashMap;

use chrono::{DateTime, Local};

use super::{App, LaneKey, View};
use crate::domain::{Id, RowMeta};
use crate::say::Say;
use crate::store::{Change, Changed, Changes, StoreError};

/// How often the database's folder is listed for conflict copies: cheap,
/// but not free on a network share.
const COPIES_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// What each list's cursor is on, by id, to put it back after a re-read.
struct Cursors {
    lanes: Vec<(LaneKey, Id)>,
    focused: Option<Id>,
    account: Option<Id>,
    reminder: Option<Id>,
}

impl App {
    /// Re-reads what is shown when another process has committed since the
    /// last look, and says who changed what. Forms and prompts stay open
    /// with what was typed: their saves are checked against the version
    /// they loaded.
    pub(super) fn notice_others(&mut self) {
        match self.store.changed_elsewhere(&mut self.outside.seen) {
            Ok(None) => {}
            Ok(Some(changes)) => self.show_others(changes),
            Err(e) => self.message = e.say(&self.catalog),
        }
    }

    /// Re-reads what is shown after others' changes (another process's
    /// commits, or a teammate's applied from the team folder) and says who
    /// changed what.
    pub(super) fn show_others(&mut self, mut changes: Changes) {
        let before: HashMap<Id, i64> = self
            .on_screen()
            .into_iter()
            .map(|(id, version, _)| (id, version))
            .collect();
        let cursors = self.cursors();
        self.forget_totals();
        let (detail, account_detail) = (self.opened.deal.take(), self.opened.account.take());
        if let Err(e) = self.reload() {
            self.message = e.say(&self.catalog);
            self.opened.deal = detail;
            self.opened.account = account_detail;
            return;
        }
        // A deal or account deleted elsewhere closes its detail.
        if let Some(open) = detail {
            match self.store.deal_detail(open.row.deal.id) {
                Ok(read) => self.opened.deal = Some(read),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => self.message = e.say(&self.catalog),
            }
        }
        if let Some(open) = account_detail {
            match self.load_account(open.account.id) {
                Ok(read) => self.opened.account = Some(read),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => self.message = e.say(&self.catalog),
            }
        }
        self.put_back(cursors);
        // Edits that leave no history are found by comparing what is shown.
        let me = self.store.session().user.clone();
        for (id, version, change) in self.on_screen() {
            let moved = before.get(&id).is_some_and(|was| *was != version);
            if moved && change.by != me {
                changes.add(change);
            }
        }
        self.message = self.say_changes(&changes);
        if self.view == View::Reports {
            self.refresh_reports();
        }
    }

    /// Lists the folder again for conflict copies, at most every
    /// [`COPIES_EVERY`]; the first tick only starts the clock, the folder
    /// having been listed at start.
    pub(super) fn look_for_copies(&mut self, now: DateTime<Local>) {
        match self.outside.copies_listed {
            Some(at) if now - at < COPIES_EVERY => {}
            Some(_) => {
                self.outside.copies = crate::copies::conflict_copies(self.store.path());
                self.outside.copies_listed = Some(now);
            }
            None => self.outside.copies_listed = Some(now),
        }
    }

    /// Every row shown, by id: the version read, and the change it would
    /// be if someone else moved it on.
    fn on_screen(&self) -> Vec<(Id, i64, Change)> {
        let row = |what, id, meta: &RowMeta, on, name: &str| {
            let change = Change {
                what,
                on,
                name: name.to_string(),
                by: meta.updated_by.clone(),
            };
            (id, meta.version, change)
        };
        let mut shown = Vec::new();
        let (lanes, _) = self.lanes();
        let deals = lanes
            .iter()
            .flat_map(|lane| &lane.deals.rows)
            .chain(self.opened.deal.as_ref().map(|d| &d.row));
        for r in deals {
            let d = &r.deal;
            shown.push(row(Changed::Deal, d.id, &d.meta, d.id, &d.title));
        }
        let accounts = self
            .lists
            .accounts
            .rows
            .iter()
            .map(|r| &r.account)
            .chain(self.opened.account.as_ref().map(|d| &d.account));
        for a in accounts {
            shown.push(row(Changed::Account, a.id, &a.meta, a.id, &a.name));
        }
        for r in &self.lists.agenda.rows {
            let m = &r.reminder;
            shown.push(row(
                Changed::Reminder,
                m.id,
                &m.meta,
                m.deal_id.or(m.account_id).unwrap_or(m.id),
                if r.deal_title.is_empty() {
                    &r.account
                } else {
                    &r.deal_title
                },
            ));
        }
        shown
    }

    fn cursors(&self) -> Cursors {
        let (lanes, column) = self.lanes();
        Cursors {
            lanes: lanes
                .iter()
                .filter_map(|lane| Some((lane.key.clone(), lane.deals.current()?.deal.id)))
                .collect(),
            focused: lanes
                .get(column)
                .and_then(|lane| lane.deals.current())
                .map(|r| r.deal.id),
            account: self.lists.accounts.current().map(|r| r.account.id),
            reminder: self.lists.agenda.current().map(|r| r.reminder.id),
        }
    }

    /// Puts each cursor back on the row it was on, where that is still
    /// loaded; the focused deal is followed to another lane.
    fn put_back(&mut self, cursors: Cursors) {
        let focused_lane = cursors
            .focused
            .and_then(|id| cursors.lanes.iter().find(|(_, on)| *on == id))
            .map(|(key, _)| key.clone());
        let mut found = false;
        if let Some((lanes, _)) = self.lanes_mut() {
            for lane in lanes.iter_mut() {
                let Some((_, id)) = cursors.lanes.iter().find(|(key, _)| *key == lane.key) else {
                    continue;
                };
                if lane.deals.select_first(|r| r.deal.id == *id) {
                    found |= Some(&lane.key) == focused_lane.as_ref();
                }
            }
        }
        if let Some(id) = cursors.focused.filter(|_| !found) {
            self.select_deal(id);
        }
        if let Some(id) = cursors.account {
            self.lists.accounts.select_first(|r| r.account.id == id);
        }
        if let Some(id) = cursors.reminder {
            self.lists.agenda.select_first(|r| r.reminder.id == id);
        }
    }

    /// "李娜 changed 华为云采购 (deal) · 2 more changes".
    fn say_changes(&self, changes: &Changes) -> String {
        let c = &self.catalog;
        let Some(first) = changes.named.first() else {
            return c.get("live.elsewhere").to_string();
        };
        let key = match first.what {
            Changed::Deal => "live.deal",
            Changed::Account => "live.account",
            Changed::Activity => "live.activity",
            Changed::Reminder => "live.reminder",
        };
        let note = c.fmt(key, &[("by", &first.by), ("name", &first.name)]);
        let more = changes.named.len() - 1;
        match (more, changes.capped) {
            (0, false) => note,
            (1, false) => c.fmt("live.one_more", &[("note", &note)]),
            (_, capped) => {
                let count = format!("{more}{}", if capped { "+" } else { "" });
                c.fmt("live.more", &[("note", &note), ("count", &count)])
            }
        }
    }
}
