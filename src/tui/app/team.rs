//! The team folder or server, seen from the UI: exchanged with every couple
//! of seconds on the tick (at once when a server tells of new changes), what teammates changed shown as live refresh shows
//! another process's commits, and a value of the user's that lost a
//! conflict offered back with one key.

use chrono::{DateTime, Local, TimeDelta};

use super::App;
use crate::say::Say;
use crate::store::Conflict;
use crate::team::{self, Transport};

/// How often the UI exchanges with the team folder: reading it costs a
/// look per teammate when nothing is new.
const SYNC_EVERY: TimeDelta = TimeDelta::seconds(2);
/// The longest wait between tries while the team cannot be reached: each
/// failed try doubles the wait, so a server behind a dead network, which
/// takes its whole connect timeout to fail, does not stall the UI every tick.
const RETRY_AT_MOST: TimeDelta = TimeDelta::seconds(32);

/// Where the replica stands with its team, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamState {
    /// Everything sent; what teammates sent is applied.
    InStep,
    /// Changes waiting to be sent: the folder could not be written.
    Unsent(i64),
    /// The folder could not be read or written at the last try.
    Unreachable,
}

pub struct TeamLink {
    folder: Box<dyn Transport>,
    last: Option<DateTime<Local>>,
    /// Failed tries in a row, since the last exchange that worked.
    failures: u32,
    pub state: TeamState,
    /// The latest value of the user's that lost, which `r` puts back.
    pub lost: Option<Conflict>,
}

impl TeamLink {
    pub fn of(store: &crate::store::Store) -> Option<TeamLink> {
        // Looking ahead, on a copy: nothing of it may reach the team.
        if store.is_looking_ahead() {
            return None;
        }
        let place = store.team_location().ok()??;
        Some(TeamLink {
            folder: team::open(&place).ok()?,
            last: None,
            failures: 0,
            state: TeamState::InStep,
            lost: None,
        })
    }
}

impl App {
    /// Exchanges with the team folder, at most every [`SYNC_EVERY`].
    pub(super) fn exchange(&mut self, now: DateTime<Local>) {
        let Some(link) = self.outside.team.as_mut() else {
            return;
        };
        // A server's word that something arrived skips the wait; polling
        // stays, for a folder and for a notification lost with a connection.
        let wait = (SYNC_EVERY * 2_i32.pow(link.failures.min(5))).min(RETRY_AT_MOST);
        if link.last.is_some_and(|at| now - at < wait) && !link.folder.news() {
            return;
        }
        link.last = Some(now);
        self.sync_now(now);
    }

    pub(super) fn sync_now(&mut self, now: DateTime<Local>) {
        let Some(link) = self.outside.team.take() else {
            return;
        };
        self.store.set_now(now.with_timezone(&chrono::Utc));
        let result = team::sync(&mut self.store, link.folder.as_ref());
        let mut link = link;
        match result {
            Ok(report) => {
                link.state = TeamState::InStep;
                link.failures = 0;
                if report.received.ops > 0 {
                    match self.store.name_changes(&report.received.by) {
                        Ok(changes) => {
                            // The changes are this connection's own writes:
                            // the next look at other processes starts after them.
                            if let Ok(seen) = self.store.watch() {
                                self.outside.seen = seen;
                            }
                            self.show_others(changes);
                        }
                        Err(e) => self.message = e.say(&self.catalog),
                    }
                }
                if let Some(lost) = report.received.conflicts.last() {
                    self.message = self.conflict_note(lost);
                    link.lost = Some(lost.clone());
                }
            }
            Err(_) => {
                link.failures = link.failures.saturating_add(1);
                let unsent = self
                    .store
                    .published()
                    .and_then(|p| Ok(self.store.last_own_seq()? - p.seq))
                    .unwrap_or(0);
                link.state = if unsent > 0 {
                    TeamState::Unsent(unsent)
                } else {
                    TeamState::Unreachable
                };
            }
        }
        self.outside.team = Some(link);
    }

    /// "李娜 changed the amount of “ERP 升级” to ¥480,000.00 while you set
    /// ¥455,000.00: kept theirs — r to restore yours".
    fn conflict_note(&self, lost: &Conflict) -> String {
        let c = &self.catalog;
        let field = c.get(&format!("field.{}", lost.field)).to_string();
        c.fmt(
            "tui.conflict",
            &[
                ("kept_by", &lost.kept_by),
                ("field", &field),
                ("name", &lost.name),
                ("kept", &team::value_text(&lost.field, &lost.kept)),
                ("lost", &team::value_text(&lost.field, &lost.lost)),
            ],
        )
    }

    /// Puts back the user's value that lost the latest conflict, as a new
    /// change, sent at once.
    pub(super) fn restore_lost(&mut self) -> super::update::Done {
        let Some(lost) = self.outside.team.as_mut().and_then(|link| link.lost.take()) else {
            self.message = self.catalog.get("tui.nothing_to_restore").to_string();
            return Ok(());
        };
        self.store.restore_conflict(&lost)?;
        self.forget_totals();
        self.reload()?;
        let field = self
            .catalog
            .get(&format!("field.{}", lost.field))
            .to_string();
        self.message = self.catalog.fmt(
            "tui.restored",
            &[
                ("field", &field),
                ("name", &lost.name),
                ("value", &team::value_text(&lost.field, &lost.lost)),
            ],
        );
        let now = self.store.session().now.with_timezone(&Local);
        self.sync_now(now);
        Ok(())
    }
}
