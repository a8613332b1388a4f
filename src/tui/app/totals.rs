//! Counts and totals kept between writes: each write moves them by the
//! difference it made to the one deal it touched, instead of a recount.

use super::{App, LaneKey, Reread};
use crate::domain::{Amounts, Deal, Id, LOST, WON};

/// A deal as it was before a write, with how many of its reminders were due:
/// the kept totals and counts move by the difference, instead of counting
/// every deal again.
pub(super) struct Before {
    pub(super) deal: Option<Deal>,
    overdue: usize,
    due_today: usize,
}

impl App {
    /// Counts what the other views will show, once the first frame is on
    /// screen, so that the first switch to them is as quick as the rest.
    pub(super) fn count_ahead(&mut self) -> crate::store::Result<()> {
        if self.counts.grade_totals.is_none() {
            self.counts.grade_totals = Some(self.store.grade_totals()?);
        }
        if self.counts.stage_totals.is_none() {
            self.counts.stage_totals = Some(self.store.stage_totals()?);
        }
        if self.counts.accounts_total.is_none() {
            self.counts.accounts_total = Some(self.store.count_accounts(&Default::default())?);
        }
        Ok(())
    }

    /// The deal `id` as it is before a write, or nothing for a new deal.
    pub(super) fn before(&self, id: Option<Id>) -> Before {
        let Some(id) = id else {
            return Before {
                deal: None,
                overdue: 0,
                due_today: 0,
            };
        };
        let (overdue, due_today) = self.store.due_counts_of(id).unwrap_or_default();
        Before {
            deal: self.store.deal(id).ok(),
            overdue,
            due_today,
        }
    }

    /// Moves the kept totals and due counts by what a write changed in deal
    /// `id`, and marks the lanes that list it, before and after, to re-read.
    pub(super) fn after_write(&mut self, before: Before, id: Id) {
        self.reports.outdate();
        let (Ok(after), Ok((overdue, due_today))) =
            (self.store.deal(id), self.store.due_counts_of(id))
        else {
            // Counted afresh on the next load instead.
            self.forget_totals();
            self.todo.reread = Reread::View;
            return;
        };
        self.counts.overdue = (self.counts.overdue + overdue).saturating_sub(before.overdue);
        self.counts.due_today =
            (self.counts.due_today + due_today).saturating_sub(before.due_today);
        let mut keys = vec![
            LaneKey::Stage(after.stage.clone()),
            LaneKey::Grade(after.grade),
        ];
        if let Some(before) = &before.deal {
            self.shift_totals(before, -1);
            keys.push(LaneKey::Stage(before.stage.clone()));
            keys.push(LaneKey::Grade(before.grade));
        }
        self.shift_totals(&after, 1);
        match &mut self.todo.reread {
            Reread::View => {}
            Reread::Lanes(marked) => marked.extend(keys),
            Reread::Nothing => self.todo.reread = Reread::Lanes(keys),
        }
    }

    pub(super) fn shift_totals(&mut self, deal: &Deal, sign: i64) {
        let shift = |count: &mut i64, amounts: &mut Amounts| {
            *count += sign;
            if sign > 0 {
                amounts.add(deal.currency, deal.amount);
            } else {
                amounts.subtract(deal.currency, deal.amount);
            }
        };
        if let Some(entry) = self
            .counts
            .stage_totals
            .iter_mut()
            .flatten()
            .find(|(id, _, _)| *id == deal.stage)
        {
            shift(&mut entry.1, &mut entry.2);
        }
        let open = deal.stage != WON && deal.stage != LOST;
        if open
            && let Some(entry) = self
                .counts
                .grade_totals
                .iter_mut()
                .flatten()
                .find(|(g, _, _)| *g == deal.grade)
        {
            shift(&mut entry.1, &mut entry.2);
        }
    }

    /// After a write to no deal (an account's own reminder): every count
    /// is taken afresh and the view re-read.
    pub(super) fn after_wide_write(&mut self) {
        self.forget_totals();
        self.todo.reread = Reread::View;
    }

    /// Forgets every count kept, after a write too wide to follow (a new
    /// day, demo data); the reports are out of date with them.
    pub(super) fn forget_totals(&mut self) {
        self.reports.outdate();
        self.counts.stage_totals = None;
        self.counts.grade_totals = None;
        self.counts.accounts_total = None;
        self.counts.due_known = false;
    }
}
