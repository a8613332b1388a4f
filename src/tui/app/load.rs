//! Reading what the views show: a page of each list around its cursor,
//! with the totals kept between writes.

use super::{AccountDetail, App, Lane, LaneKey, View};
use crate::domain::{Amounts, Grade, Id, LOST, WON};
use crate::query::Query;
use crate::say::Say;
use crate::store::{AccountFilter, DealFilter, DueFilter, ReminderPage};
use crate::tui::paged::{PAGE, Paged};

impl App {
    /// Re-reads what the current view shows, keeping the selection in range.
    pub fn reload(&mut self) -> crate::store::Result<()> {
        self.know_due_counts()?;
        self.counts.empty = self.store.is_empty()?;
        self.filter.pending = false;
        match self.view {
            View::Board => self.load_board()?,
            View::Tiers => self.load_tiers()?,
            View::Agenda => self.load_agenda()?,
            View::Accounts => self.load_accounts()?,
            // The reports come from their own thread (see `App::refresh_reports`).
            View::Reports => {}
        }
        // A detail whose row went (an undo, a teammate's delete) closes.
        if let Some(detail) = &self.opened.deal {
            self.opened.deal = still_there(self.store.deal_detail(detail.row.deal.id))?;
        }
        if let Some(detail) = &self.opened.account {
            self.opened.account = still_there(self.load_account(detail.account.id))?;
        }
        Ok(())
    }

    pub(super) fn know_due_counts(&mut self) -> crate::store::Result<()> {
        if !self.counts.due_known {
            (self.counts.overdue, self.counts.due_today) = self.store.due_counts()?;
            self.counts.due_known = true;
        }
        Ok(())
    }

    /// Re-reads what one changed deal shows in: the lanes of `keys` in the
    /// current view, the agenda, and the open detail.
    pub(super) fn reload_lanes(&mut self, keys: &[LaneKey]) -> crate::store::Result<()> {
        self.know_due_counts()?;
        self.counts.empty = self.store.is_empty()?;
        match self.view {
            View::Board | View::Tiers => {
                let mut lanes = std::mem::take(if self.view == View::Board {
                    &mut self.lists.board
                } else {
                    &mut self.lists.tiers
                });
                let loaded = lanes
                    .iter_mut()
                    .filter(|lane| keys.contains(&lane.key))
                    .try_for_each(|lane| self.load_lane(lane));
                if self.view == View::Board {
                    self.lists.board = lanes;
                } else {
                    self.lists.tiers = lanes;
                }
                loaded?;
            }
            View::Agenda => self.load_agenda()?,
            View::Accounts | View::Reports => {}
        }
        if let Some(detail) = &self.opened.deal {
            self.opened.deal = Some(self.store.deal_detail(detail.row.deal.id)?);
        }
        if let Some(detail) = &self.opened.account {
            self.opened.account = Some(self.load_account(detail.account.id)?);
        }
        Ok(())
    }

    /// Narrows the lists by the filter typed so far; the event loop calls it
    /// when the typing pauses, so that each letter is drawn at once.
    pub(super) fn settle(&mut self) {
        // Taken or not, the pause is over: a reload that fails must not
        // bring the loop back here at once, and again.
        if std::mem::take(&mut self.filter.pending)
            && self.take_filter()
            && let Err(e) = self.reload()
        {
            self.message = e.say(&self.catalog);
        }
    }

    /// Makes the filter typed so far the query the lists are read with, and
    /// says whether it did: a half-typed or wrong term keeps the lists as
    /// they were, and says what is wrong, until it is right.
    pub(super) fn take_filter(&mut self) -> bool {
        match Query::parse(&self.filter.typed.text, &self.store.session().user) {
            Ok(query) => {
                self.filter.query = query;
                if std::mem::take(&mut self.filter.error_shown) {
                    self.message.clear();
                }
                // Other terms list other rows: every list starts again at its top.
                self.forget_cursors();
                true
            }
            Err(e) => {
                self.filter.pending = false;
                self.message = e.say(&self.catalog);
                self.filter.error_shown = true;
                false
            }
        }
    }

    /// Whether a filter, or showing only one's own, narrows the lists now.
    pub fn is_filtered(&self) -> bool {
        !self.filter.typed.text.trim().is_empty() || self.filter.mine
    }

    /// What the lists show: the filter, and the user's own rows only when
    /// "mine" is on (deals by their owner, accounts by theirs).
    pub(super) fn list_query(&self) -> Query {
        let mut query = self.filter.query.clone();
        if self.filter.mine {
            query.owners = vec![self.store.session().user.clone()];
        }
        query
    }

    pub(super) fn load_agenda(&mut self) -> crate::store::Result<()> {
        self.know_due_counts()?;
        let (overdue, due_today) = (self.counts.overdue, self.counts.due_today);
        let unfiltered = self.list_query().is_empty();
        let mut page = ReminderPage {
            query: self.list_query(),
            offset: 0,
            limit: PAGE,
        };
        let store = &self.store;
        self.lists.agenda.load(
            |offset| {
                page.offset = offset;
                store.reminders_page(DueFilter::Week, &page)
            },
            || match unfiltered {
                // Overdue and due today are kept for the status line already.
                true => store
                    .count_upcoming(7)
                    .map(|upcoming| Some(overdue + due_today + upcoming)),
                false => Ok(None),
            },
        )
    }

    pub(super) fn load_accounts(&mut self) -> crate::store::Result<()> {
        let mut filter = AccountFilter {
            query: self.list_query(),
            sort: self.lists.sort,
            descending: self.lists.descending,
            limit: Some(PAGE),
            ..AccountFilter::default()
        };
        let counted = filter.clone();
        let store = &self.store;
        let kept = &mut self.counts.accounts_total;
        self.lists.accounts.load(
            |offset| {
                filter.offset = offset;
                store.accounts(&filter)
            },
            || match (!counted.query.is_empty(), *kept) {
                (false, Some(total)) => Ok(Some(total)),
                (false, None) => {
                    let total = store.count_accounts(&counted)?;
                    *kept = Some(total);
                    Ok(Some(total))
                }
                (true, _) => Ok(None),
            },
        )
    }

    pub(super) fn load_board(&mut self) -> crate::store::Result<()> {
        if self.counts.stage_totals.is_none() {
            self.counts.stage_totals = Some(self.store.stage_totals()?);
        }
        let stages: Vec<String> = self
            .store
            .rules()
            .stages
            .iter()
            .filter(|s| self.lists.show_closed || (s.id != WON && s.id != LOST))
            .map(|s| s.id.clone())
            .collect();
        let lanes = stages
            .into_iter()
            .map(|stage| Lane::new(LaneKey::Stage(stage.clone()), self.stage_label(&stage)))
            .collect();
        let before = std::mem::take(&mut self.lists.board);
        self.lists.board = self.load_lanes(before, lanes)?;
        self.lists.board_column = self
            .lists
            .board_column
            .min(self.lists.board.len().saturating_sub(1));
        Ok(())
    }

    pub(super) fn load_tiers(&mut self) -> crate::store::Result<()> {
        if self.counts.grade_totals.is_none() {
            self.counts.grade_totals = Some(self.store.grade_totals()?);
        }
        let lanes = Grade::ALL
            .iter()
            .map(|&grade| {
                let cadence = self
                    .store
                    .rules()
                    .cadence(grade)
                    .map(|days| {
                        self.catalog
                            .fmt("tui.cadence_short", &[("days", &days.to_string())])
                    })
                    .unwrap_or_default();
                let title = format!("{grade} {cadence}").trim_end().to_string();
                Lane::new(LaneKey::Grade(grade), title)
            })
            .collect();
        let before = std::mem::take(&mut self.lists.tiers);
        self.lists.tiers = self.load_lanes(before, lanes)?;
        Ok(())
    }

    /// Fills `lanes` with their totals and a page of deals each, keeping the
    /// cursor of each lane of `before` that lists the same deals.
    pub(super) fn load_lanes(
        &self,
        before: Vec<Lane>,
        mut lanes: Vec<Lane>,
    ) -> crate::store::Result<Vec<Lane>> {
        for lane in &mut lanes {
            if let Some(old) = before.iter().find(|old| old.key == lane.key) {
                lane.deals = old.deals.clone();
            }
            self.load_lane(lane)?;
        }
        Ok(lanes)
    }

    /// A lane's totals and the page of deals around its cursor.
    pub(super) fn load_lane(&self, lane: &mut Lane) -> crate::store::Result<()> {
        let (count, amount) = self.lane_totals(&lane.key);
        lane.count = count;
        let filter = self.lane_filter(&lane.key);
        // A filtered lane says what the filter lets through: counted and
        // summed in one aggregate read, once per load; paging reuses it.
        (lane.found, lane.amount) = if filter.query.is_empty() {
            (count, amount)
        } else {
            self.store.deal_totals(&filter)?
        };
        self.load_page(lane)
    }

    /// The deals a lane lists under the filter, a page at a time.
    fn lane_filter(&self, key: &LaneKey) -> DealFilter {
        let mut filter = DealFilter {
            query: self.list_query(),
            limit: Some(PAGE),
            ..DealFilter::default()
        };
        match key {
            LaneKey::Stage(stage) => filter.stage = Some(stage.clone()),
            LaneKey::Grade(grade) => filter.grade = Some(*grade),
        }
        filter
    }

    /// The page of a lane's deals around its cursor, its totals as they are.
    pub(super) fn load_page(&self, lane: &mut Lane) -> crate::store::Result<()> {
        let mut filter = self.lane_filter(&lane.key);
        let found = lane.found;
        let store = &self.store;
        lane.deals.load(
            |offset| {
                filter.offset = offset;
                store.deals(&filter)
            },
            || Ok(Some(usize::try_from(found).unwrap_or(0))),
        )
    }

    /// The count and amount of a lane, from the totals kept until a write.
    pub(super) fn lane_totals(&self, key: &LaneKey) -> (i64, Amounts) {
        let found = match key {
            LaneKey::Stage(stage) => self
                .counts
                .stage_totals
                .iter()
                .flatten()
                .find(|(id, _, _)| id == stage)
                .map(|(_, count, amount)| (*count, amount.clone())),
            LaneKey::Grade(grade) => self
                .counts
                .grade_totals
                .iter()
                .flatten()
                .find(|(g, _, _)| g == grade)
                .map(|(_, count, amount)| (*count, amount.clone())),
        };
        found.unwrap_or_default()
    }

    pub(super) fn load_account(&self, id: Id) -> crate::store::Result<AccountDetail> {
        let deals = self.store.deals(&DealFilter {
            account: Some(id),
            all_stages: true,
            ..DealFilter::default()
        })?;
        let row = self.store.account_row(id)?;
        Ok(AccountDetail {
            account: row.account,
            standing: row.standing,
            contacts: self.store.contacts_of(id)?,
            deals,
        })
    }

    /// A new filter lists other rows: every list starts again at its top.
    pub(super) fn forget_cursors(&mut self) {
        self.lists.board.clear();
        self.lists.tiers.clear();
        self.lists.agenda = Paged::default();
        self.lists.accounts = Paged::default();
    }
}

fn still_there<T>(read: crate::store::Result<T>) -> crate::store::Result<Option<T>> {
    match read {
        Ok(row) => Ok(Some(row)),
        Err(crate::store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
