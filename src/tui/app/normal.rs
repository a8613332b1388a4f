//! What the keys of the normal mode do: move through the lists, open a
//! deal or an account, move a card, close a reminder, sort, show only
//! one's own; and what a click selects.

use ratatui::layout::Rect;

use super::update::Done;
use super::{App, Ask, Popup, Prompt};
use crate::domain::{Id, ReminderStatus};
use crate::store::{AccountSort, DealPatch};
use crate::tui::action::{Action, Mode, View};
use crate::tui::hit::{self, Shown, Target};
use crate::tui::paged::Paged;
use crate::tui::text::Typed;

/// How many pages End loads, at most, looking for the end of a list whose
/// length is not known.
const END_PAGES: usize = 50;

impl App {
    pub(super) fn show(&mut self, view: View) {
        self.view = view;
        self.opened.deal = None;
        self.opened.account = None;
    }

    /// Moves the cursor of the current list, loading the rows it reaches.
    pub(super) fn step(&mut self, by: isize) -> Done {
        match self.view {
            View::Board | View::Tiers => {
                let board = self.view == View::Board;
                let (lanes, column) = if board {
                    (&mut self.lists.board, self.lists.board_column)
                } else {
                    (&mut self.lists.tiers, self.lists.tier_column)
                };
                let Some(lane) = lanes.get_mut(column) else {
                    return Ok(());
                };
                if lane.deals.step(by) {
                    let mut lane = lane.clone();
                    self.load_page(&mut lane)?;
                    let lanes = if board {
                        &mut self.lists.board
                    } else {
                        &mut self.lists.tiers
                    };
                    lanes[column] = lane;
                }
            }
            View::Agenda if self.lists.agenda.step(by) => self.load_agenda()?,
            View::Accounts if self.lists.accounts.step(by) => self.load_accounts()?,
            View::Agenda | View::Accounts | View::Reports => {}
        }
        Ok(())
    }

    /// Moves to the last row, loading page after page while the length of
    /// the list is not known yet (a filtered list is not counted), at most
    /// [`END_PAGES`] of them: the next End goes on from there.
    pub(super) fn step_to_end(&mut self) -> Done {
        for _ in 0..END_PAGES {
            self.step(isize::MAX)?;
            let exact = match self.view {
                View::Board | View::Tiers => {
                    let (lanes, column) = self.lanes();
                    lanes.get(column).is_none_or(|lane| lane.deals.exact)
                }
                View::Agenda => self.lists.agenda.exact,
                View::Accounts => self.lists.accounts.exact,
                View::Reports => true,
            };
            if exact {
                // The length is known now: the last row, loaded if need be.
                return self.step(isize::MAX);
            }
        }
        Ok(())
    }

    pub(super) fn column(&mut self, by: isize) {
        if let Some((lanes, column)) = self.lanes_mut() {
            *column = column
                .saturating_add_signed(by)
                .min(lanes.len().saturating_sub(1));
        }
    }

    pub(super) fn open(&mut self) -> Done {
        self.opened.scroll = 0;
        self.opened.contact = 0;
        if self.view == View::Accounts {
            if let Some(row) = self.lists.accounts.current() {
                self.opened.account = Some(self.load_account(row.account.id)?);
            }
            return Ok(());
        }
        let id = match self.view {
            View::Agenda => self.selected_reminder().and_then(|r| r.reminder.deal_id),
            _ => self.selected_deal().map(|r| r.deal.id),
        };
        if let Some(id) = id {
            self.opened.deal = Some(self.store.deal_detail(id)?);
        }
        Ok(())
    }

    /// Puts the cursor of the board or the tiers on deal `id`, where it is
    /// loaded.
    pub(super) fn select_deal(&mut self, id: Id) {
        let Some((lanes, column)) = self.lanes_mut() else {
            return;
        };
        if let Some(at) = lanes
            .iter_mut()
            .position(|lane| lane.deals.select_first(|r| r.deal.id == id))
        {
            *column = at;
        }
    }

    pub(super) fn move_stage(&mut self, forward: bool) -> Done {
        let Some(row) = self.selected_deal() else {
            return Ok(());
        };
        let (id, version) = (row.deal.id, row.deal.meta.version);
        let open: Vec<String> = self
            .store
            .rules()
            .open_stages()
            .map(|s| s.id.clone())
            .collect();
        let Some(at) = open.iter().position(|s| *s == row.deal.stage) else {
            return Ok(());
        };
        let target = if forward {
            at.checked_add(1)
        } else {
            at.checked_sub(1)
        };
        let Some(stage) = target.and_then(|i| open.get(i)).cloned() else {
            return Ok(());
        };
        let label = self.stage_label(&stage);
        self.write_deal(Some(id), |app| {
            let patch = DealPatch {
                stage: Some(stage),
                expected_version: Some(version),
                ..DealPatch::default()
            };
            app.store.update_deal(id, patch)?;
            Ok((id, ()))
        })?;
        self.message = self
            .catalog
            .fmt("tui.moved", &[("id", &id.short()), ("stage", &label)]);
        Ok(())
    }

    /// `p`: a pinned deal is unpinned at once; any other asks for the grade.
    pub(super) fn pin(&mut self) -> Done {
        let Some(row) = self.selected_deal() else {
            return Ok(());
        };
        if row.deal.pin.is_none() {
            self.ask(|row| Ask::Pin(row.deal.id));
            return Ok(());
        }
        let id = row.deal.id;
        self.write_deal(Some(id), |app| Ok((id, app.store.unpin(id)?)))?;
        self.message = self.catalog.fmt("msg.unpinned", &[("id", &id.short())]);
        Ok(())
    }

    /// Marks the reminder under the cursor done, or dismisses it.
    pub(super) fn close_reminder(&mut self, done: bool) -> Done {
        let Some((id, deal)) = self.reminder_to_act_on() else {
            return Ok(());
        };
        let close = |app: &mut App| {
            if done {
                app.store.reminder_done(id)
            } else {
                app.store.reminder_dismiss(id)
            }
        };
        match deal {
            Some(deal) => self.write_deal(Some(deal), |app| Ok((deal, close(app)?)))?,
            // An account's own reminder changes no deal.
            None => {
                close(self)?;
                self.after_wide_write();
            }
        }
        let said = if done {
            "msg.reminder_done"
        } else {
            "msg.reminder_dismissed"
        };
        self.message = self.catalog.fmt(said, &[("id", &id.short())]);
        Ok(())
    }

    pub(super) fn ask_snooze(&mut self) {
        if let Some((reminder, deal)) = self.reminder_to_act_on() {
            self.popup = Some(Popup::Prompt(Prompt {
                ask: Ask::Snooze { reminder, deal },
                answer: Typed::new("+1w"),
                error: None,
            }));
        }
    }

    /// The reminder under the cursor and its deal, when there is one to
    /// close or snooze; a revisit still to come says it is not due yet.
    fn reminder_to_act_on(&mut self) -> Option<(Id, Option<Id>)> {
        let r = &self.selected_reminder()?.reminder;
        if r.status == ReminderStatus::Upcoming {
            self.message = self.catalog.get("tui.not_due_yet").to_string();
            return None;
        }
        Some((r.id, r.deal_id))
    }

    pub(super) fn toggle_mine(&mut self) {
        self.filter.mine = !self.filter.mine;
        // Other rows: every list starts again at its top.
        self.forget_cursors();
        let said = if self.filter.mine {
            "msg.mine_on"
        } else {
            "msg.mine_off"
        };
        self.message = self
            .catalog
            .fmt(said, &[("user", &self.store.session().user)]);
    }

    /// Demo data, only ever into a database with nothing of the user's in it.
    pub(super) fn load_demo(&mut self) -> Done {
        if !self.store.is_empty()? {
            self.message = self.catalog.get("tui.demo_not_empty").to_string();
            return Ok(());
        }
        let summary = self.store.demo(200, 1, &mut |_, _| {})?;
        self.forget_totals();
        self.message = self.catalog.fmt(
            "tui.demo_loaded",
            &[("accounts", &summary.accounts.to_string())],
        );
        Ok(())
    }

    /// The accounts by the next column, or the same the other way round.
    pub(super) fn sort(&mut self, reverse: bool) {
        let lists = &mut self.lists;
        if reverse {
            lists.descending = !lists.descending;
        } else {
            let at = AccountSort::ALL
                .iter()
                .position(|s| *s == lists.sort)
                .unwrap_or(0);
            lists.sort = AccountSort::ALL[(at + 1) % AccountSort::ALL.len()];
            lists.descending = false;
        }
        lists.accounts = Paged::default();
    }

    /// Selects what was clicked at (`column`, `row`) on a screen of `area`.
    pub(super) fn click(&mut self, area: Rect, column: u16, row: u16) {
        let (lanes, _) = self.lanes();
        let cursors = match self.view {
            View::Board | View::Tiers => lanes.iter().map(|l| l.deals.cursor()).collect(),
            View::Agenda => vec![self.lists.agenda.cursor()],
            View::Accounts => vec![self.lists.accounts.cursor()],
            View::Reports => Vec::new(),
        };
        let shown = Shown {
            catalog: &self.catalog,
            view: self.view,
            popup: self.popup.is_some(),
            detail: self.opened.deal.is_some() || self.opened.account.is_some(),
            banner: !self.outside.copies.is_empty(),
            cursors,
            report_panel: self.report_panel,
            report_panels: self.report_panel_count(),
        };
        match hit::target(&shown, area, column, row) {
            Some(Target::Tab(view)) => self.act_in(Mode::Normal(self.place()), Action::Show(view)),
            Some(Target::Row { lane, row }) => match self.view {
                View::Agenda => self.lists.agenda.select_loaded(row),
                View::Accounts => self.lists.accounts.select_loaded(row),
                View::Board | View::Tiers | View::Reports => {
                    if let Some((lanes, current)) = self.lanes_mut()
                        && let Some(l) = lanes.get_mut(lane)
                    {
                        *current = lane;
                        l.deals.select_loaded(row);
                    }
                }
            },
            Some(Target::Panel(panel)) => self.report_panel = panel,
            None => {}
        }
    }
}
