//! The Reports view's numbers, worked out on a thread of their own: over a
//! large pipeline they take most of a second, which no keypress should wait
//! for. The view shows the last set while the next one is on its way.

use std::sync::mpsc::{self, Receiver, TryRecvError};

use super::App;
use crate::say::Say;
use crate::store::{OpenMode, ReportSet, Store, StoreError};

/// The reports as last worked out, and the run on its way.
#[derive(Default)]
pub struct Reports {
    /// The latest set that came back, if any has yet.
    pub set: Option<ReportSet>,
    /// Why the latest run failed, in the user's words.
    pub error: Option<String>,
    /// Bumped by every write: a set worked out before it is out of date.
    generation: u64,
    /// The generation `set` was worked out for.
    set_generation: Option<u64>,
    /// The run under way, with the generation it started at.
    running: Option<(u64, Receiver<Result<ReportSet, StoreError>>)>,
}

impl Reports {
    /// Something was written: the set no longer says what the store holds.
    pub(super) fn outdate(&mut self) {
        self.generation += 1;
    }

    /// Whether the set (or the lack of one) is behind the store.
    pub fn is_stale(&self) -> bool {
        self.set_generation != Some(self.generation)
    }

    /// Whether a run is under way.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Whether a run should start: the set is behind and none is under way.
    pub fn is_due(&self) -> bool {
        self.is_stale() && !self.is_running()
    }

    /// Starts a run for the store as it is now, on its own connection, so
    /// that the UI's connection stays free for the keys.
    fn start(&mut self, store: &Store) {
        let (path, session, rules) = (
            store.path().to_path_buf(),
            store.session().clone(),
            store.rules().clone(),
        );
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let set = Store::open(&path, OpenMode::Existing, session, rules)
                .and_then(|store| store.report_set(store.default_period()));
            give_back_memory();
            // Nobody is waiting any more when the UI has quit: nothing to do.
            let _ = send.send(set);
        });
        self.running = Some((self.generation, receive));
    }

    /// Keeps what a finished run sent; `wait` blocks until it has.
    /// Says whether anything changed.
    fn collect(&mut self, wait: bool, c: &crate::i18n::Catalog) -> bool {
        let Some((generation, receive)) = &self.running else {
            return false;
        };
        let received = if wait {
            receive.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            receive.try_recv()
        };
        let generation = *generation;
        let result = match received {
            Err(TryRecvError::Empty) => return false,
            Ok(result) => result.map_err(|e| e.say(c)),
            // The thread ended without an answer: it panicked.
            Err(TryRecvError::Disconnected) => Err(c.get("reports_view.failed").to_string()),
        };
        self.running = None;
        match result {
            Ok(set) => {
                self.set = Some(set);
                self.set_generation = Some(generation);
                self.error = None;
            }
            Err(error) => {
                // Not tried again until the next write: it would only fail again.
                self.set_generation = Some(generation);
                self.error = Some(error);
            }
        }
        true
    }
}

/// Returns freed memory to the system: the facts of a large pipeline take
/// tens of megabytes for a moment, and glibc would keep them for as long as
/// the UI runs.
pub(super) fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

impl App {
    /// How many panels the Reports view has: the four charts, and the
    /// goals when there are goals in force.
    pub fn report_panel_count(&self) -> usize {
        let goals = self
            .reports
            .set
            .as_ref()
            .is_some_and(|s| !s.goals.is_empty());
        crate::tui::layout::PANELS + usize::from(goals)
    }

    /// Starts working out the reports if they are behind the store and no
    /// run is under way; the event loop calls it after a pause in the
    /// typing, and showing the view calls it at once.
    pub(super) fn refresh_reports(&mut self) {
        if self.reports.is_due() {
            self.reports.start(&self.store);
        }
    }

    /// Takes the reports a run has finished, without waiting; says whether
    /// the screen must be drawn again.
    pub(super) fn collect_reports(&mut self) -> bool {
        let changed = self.reports.collect(false, &self.catalog);
        if changed && self.view == crate::tui::action::View::Reports {
            // Written to while it ran: the view shows the newest numbers.
            self.refresh_reports();
        }
        changed
    }

    /// Blocks until the reports say what the store holds now: for tests and
    /// benchmarks, which must not depend on how fast a thread is.
    pub fn wait_reports(&mut self) {
        loop {
            self.refresh_reports();
            if !self.reports.collect(true, &self.catalog) || !self.reports.is_stale() {
                return;
            }
        }
    }
}
