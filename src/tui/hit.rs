//! Mouse hit-testing: what a click at a point of the screen lands on, from
//! the same geometry the drawing uses.

use ratatui::layout::{Position, Rect};

use super::action::View;
use super::layout::{CARD_HEIGHT, lane_areas, report_panels, screen, tab_labels, tiers_layout};
use crate::i18n::Catalog;

/// What the screen shows, as far as a click needs to know.
pub struct Shown<'a> {
    pub catalog: &'a Catalog,
    pub view: View,
    /// A popup takes every click; a detail covers the lists, not the tabs.
    pub popup: bool,
    pub detail: bool,
    pub banner: bool,
    /// Per lane of the board or the tiers, the cursor's place in it; in the
    /// agenda and the accounts, the one list's.
    pub cursors: Vec<usize>,
    pub report_panel: usize,
    pub report_panels: usize,
}

/// What a click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Tab(View),
    /// The row at this position of the list (of lane `lane` on the board
    /// or the tiers), counted from the list's top.
    Row {
        lane: usize,
        row: usize,
    },
    Panel(usize),
}

pub fn target(shown: &Shown<'_>, area: Rect, column: u16, row: u16) -> Option<Target> {
    if shown.popup {
        return None;
    }
    let [tabs, body, _, _] = screen(area, shown.banner);
    if row == tabs.y {
        let mut right = 0;
        for (view, label) in tab_labels(shown.catalog) {
            right += crate::output::display_width(&label);
            if usize::from(column) < right {
                return view.map(Target::Tab);
            }
        }
        return None;
    }
    if shown.detail {
        return None;
    }
    let inside = |r: Rect| column >= r.x && column < r.right() && row > r.y && row + 1 < r.bottom();
    // The first visible entry, as the list widget scrolls to keep the selection in view.
    let first_shown =
        |selected: usize, visible: usize| (selected + 1).saturating_sub(visible.max(1));
    let cursor = |lane: usize| shown.cursors.get(lane).copied().unwrap_or(0);
    match shown.view {
        View::Board | View::Tiers => {
            let body = match shown.view {
                View::Tiers => tiers_layout(body)[1],
                _ => body,
            };
            let lanes = lane_areas(body, shown.cursors.len());
            let (lane, rect) = lanes.iter().enumerate().find(|(_, r)| inside(**r))?;
            let visible = usize::from(rect.height.saturating_sub(2) / CARD_HEIGHT);
            let at = usize::from((row - rect.y - 1) / CARD_HEIGHT);
            Some(Target::Row {
                lane,
                row: first_shown(cursor(lane), visible) + at,
            })
        }
        View::Agenda | View::Accounts => {
            if !inside(body) {
                return None;
            }
            // The accounts table has a header line above its rows.
            let header = u16::from(shown.view == View::Accounts);
            let line = (row - body.y - 1).checked_sub(header)?;
            let visible = usize::from(body.height.saturating_sub(2 + header));
            Some(Target::Row {
                lane: 0,
                row: first_shown(cursor(0), visible) + usize::from(line),
            })
        }
        View::Reports => {
            let (_, panels) = report_panels(body, shown.report_panel, shown.report_panels);
            panels
                .into_iter()
                .find(|(_, r)| r.contains(Position::new(column, row)))
                .map(|(panel, _)| Target::Panel(panel))
        }
    }
}
