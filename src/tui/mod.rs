//! The terminal UI: state and actions in [`app`], keys in [`keys`], drawing
//! in [`render`]; this file is the event loop.

pub mod app;
pub mod keys;
pub mod render;

use std::time::Duration;

use crossterm::event::{self, Event};

use crate::i18n::Catalog;
use crate::store::Store;
use app::{App, Popup};

/// How long the loop waits for input before looking at the clock again.
const TICK: Duration = Duration::from_secs(1);

/// Runs the UI until the user quits. `ratatui::run` enters the alternate
/// screen and raw mode, restores both on every way out (a panic included).
pub fn run(store: Store, catalog: Catalog, follow_clock: bool) -> Result<(), String> {
    let mut app = App::new(store, catalog).map_err(|e| e.to_string())?;
    app.follow_clock = follow_clock;
    ratatui::run(|terminal| -> std::io::Result<()> {
        loop {
            terminal.draw(|frame| render::draw(frame, &app))?;
            if app.quit {
                return Ok(());
            }
            // Redraw only when something happened: a key, a resize, a tick.
            if !event::poll(TICK)? {
                app.tick(chrono::Local::now());
                continue;
            }
            if let Event::Key(key) = event::read()? {
                let typing = app.filtering || matches!(app.popup, Some(Popup::Prompt(_)));
                let action = if typing {
                    keys::prompt(&key)
                } else {
                    keys::normal(&key)
                };
                if let Some(action) = action {
                    app.update(action);
                }
            }
        }
    })
    .map_err(|e| format!("the terminal failed: {e}"))
}
