//! The terminal UI. Inputs become messages ([`action`]): keys through the
//! key table of the current mode ([`keys`]), clicks, ticks and pauses as
//! they come; [`app`] holds the state and its one update step; [`render`]
//! draws it, with [`layout`] the geometry it shares with mouse hit-testing
//! ([`hit`]). This file is the event loop: it waits, and turns what happens
//! into messages.

pub mod action;
pub mod app;
pub mod form;
pub mod hit;
pub mod keys;
pub mod layout;
pub mod paged;
pub mod render;
pub mod text;

use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, MouseButton, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::i18n::Catalog;
use crate::store::Store;
use action::Msg;
use app::App;

/// How long the loop waits for input before looking at the clock, and at
/// the file for what others saved, again.
const TICK: Duration = Duration::from_secs(1);
/// How long the typing must pause before the filter narrows the lists: each
/// letter is drawn at once, the search runs once the word is there.
const FILTER_PAUSE: Duration = Duration::from_millis(150);
/// How long the keys must rest after a write before the reports are worked
/// out again in the background: a run of edits costs one recount, not one
/// each. Showing the Reports view does not wait.
const REPORTS_PAUSE: Duration = Duration::from_secs(2);
/// How often the loop looks whether the reports have come back while they
/// are being worked out.
const REPORTS_POLL: Duration = Duration::from_millis(50);

/// Runs the UI until the user quits. `ratatui::run` enters the alternate
/// screen and raw mode, restores both on every way out (a panic included).
pub fn run(store: Store, catalog: Catalog, follow_clock: bool) -> Result<(), String> {
    let mut app = App::new(store, catalog).map_err(|e| e.to_string())?;
    app.follow_clock = follow_clock;
    ratatui::run(|terminal| -> std::io::Result<()> {
        let _mouse = MouseCapture::enable()?;
        terminal.draw(|frame| render::draw(frame, &app))?;
        app.update(Msg::Started);
        // When the filter was last typed into: it narrows the lists once
        // the typing has paused, whatever else (a moving mouse) happens.
        let mut typed_at = Instant::now();
        // When a key last came, and when the clock was last looked at.
        let mut key_at = Instant::now();
        let mut ticked_at = Instant::now();
        let mut redraw = true;
        loop {
            if redraw {
                terminal.draw(|frame| render::draw(frame, &app))?;
            }
            if app.quit {
                return Ok(());
            }
            let mut wait = if app.filter.pending {
                FILTER_PAUSE.saturating_sub(typed_at.elapsed())
            } else {
                TICK.saturating_sub(ticked_at.elapsed())
            };
            if app.reports.is_running() {
                wait = wait.min(REPORTS_POLL);
            } else if app.reports.is_due() {
                wait = wait.min(REPORTS_PAUSE.saturating_sub(key_at.elapsed()));
            }
            redraw = if event::poll(wait)? {
                match event::read()? {
                    Event::Key(key) => {
                        key_at = Instant::now();
                        if app.filter.typing {
                            typed_at = Instant::now();
                        }
                        let mut changed = false;
                        for key in keys::pressed(&key) {
                            if let Some(action) = keys::action(app.mode(), &key) {
                                app.store.set_now(chrono::Utc::now());
                                changed |= app.update(action);
                            }
                        }
                        changed
                    }
                    Event::Mouse(mouse) => match mouse.kind {
                        MouseEventKind::Down(MouseButton::Left) => {
                            let size = terminal.size()?;
                            app.update(Msg::Click {
                                area: Rect::new(0, 0, size.width, size.height),
                                column: mouse.column,
                                row: mouse.row,
                            })
                        }
                        MouseEventKind::ScrollDown => app.update(Msg::Scroll(true)),
                        MouseEventKind::ScrollUp => app.update(Msg::Scroll(false)),
                        // Moving over the screen changes nothing.
                        _ => false,
                    },
                    Event::Resize(..) => true,
                    _ => false,
                }
            } else {
                false
            };
            // Keys in a steady stream never let the poll time out: the
            // reports and others' changes must still come in.
            redraw |= app.update(Msg::ReportsPoll);
            if app.reports.is_due() && key_at.elapsed() >= REPORTS_PAUSE {
                app.update(Msg::KeysRested);
            }
            if app.filter.pending {
                if typed_at.elapsed() >= FILTER_PAUSE {
                    redraw |= app.update(Msg::TypingPaused);
                }
            } else if ticked_at.elapsed() >= TICK {
                redraw |= app.update(Msg::Tick(chrono::Local::now()));
                ticked_at = Instant::now();
            }
        }
    })
    .map_err(|e| format!("the terminal failed: {e}"))
}

/// Mouse reporting for as long as the UI runs; dropped on every way out,
/// a panic included, so the shell never receives mouse codes afterwards.
struct MouseCapture;

impl MouseCapture {
    fn enable() -> std::io::Result<MouseCapture> {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
        Ok(MouseCapture)
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        // Nothing sensible is left to do if the terminal refuses.
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
}
