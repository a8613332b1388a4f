//! Where things go on the screen: shared by drawing and by mouse
//! hit-testing, so a click lands where the eye sees it.

use ratatui::layout::{Constraint, Layout, Rect};

use super::action::View;
use crate::i18n::Catalog;

/// Below this the layout cannot show a card; the screen says so instead.
pub const MIN_WIDTH: u16 = 60;

pub const MIN_HEIGHT: u16 = 12;

/// How many display lines a card takes.
pub const CARD_HEIGHT: u16 = 3;

/// How many report panels the view has: funnel, grades, value tiers, forecast.
/// A goals panel follows them when there are goals in force.
pub const PANELS: usize = 4;

/// From this width of the body on, all four charts show at once, two by
/// two, if they are tall enough.
const GRID_WIDTH: u16 = 100;
/// The height a chart needs to be worth showing: its border, a header, six
/// bars and a note.
const PANEL_HEIGHT: u16 = 9;

/// The tab line, the body, the banner about conflict copies (no line when
/// there is none) and the status line.
pub fn screen(area: Rect, banner: bool) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(u16::from(banner)),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The columns of the board or the tier lists within the body.
pub fn lane_areas(body: Rect, lanes: usize) -> std::rc::Rc<[Rect]> {
    Layout::horizontal(vec![Constraint::Fill(1); lanes]).split(body)
}

/// The playbook advice above the tier lists, and the lists.
pub fn tiers_layout(body: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(body)
}

/// The tab line's parts: the name, then one label per view.
pub fn tab_labels(c: &Catalog) -> Vec<(Option<View>, String)> {
    let mut labels = vec![(None, " tierdeck ".to_string())];
    for (i, view) in View::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, c.get(view.key()));
        labels.push((Some(*view), label));
    }
    labels
}

/// The line above the charts of the Reports view, and each chart shown
/// with where it goes; the chart in `focus` is always among them.
pub fn report_panels(body: Rect, focus: usize, panels: usize) -> (Rect, Vec<(usize, Rect)>) {
    let [summary, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    if body.width >= GRID_WIDTH && panels > PANELS && rest.height >= 3 * PANEL_HEIGHT + 2 {
        // The goals go under the four charts across the whole width, with
        // what the charts leave: a line for each rep and measure.
        let chart = Constraint::Length(PANEL_HEIGHT + 1);
        let [top, bottom, goals] =
            Layout::vertical([chart, chart, Constraint::Fill(1)]).areas(rest);
        let [a, b] = Layout::horizontal([Constraint::Fill(1); 2]).areas(top);
        let [c, d] = Layout::horizontal([Constraint::Fill(1); 2]).areas(bottom);
        return (
            summary,
            vec![(0, a), (1, b), (2, c), (3, d), (PANELS, goals)],
        );
    }
    if body.width >= GRID_WIDTH && rest.height >= 2 * PANEL_HEIGHT && panels == PANELS {
        let [top, bottom] = Layout::vertical([Constraint::Fill(1); 2]).areas(rest);
        let [a, b] = Layout::horizontal([Constraint::Fill(1); 2]).areas(top);
        let [c, d] = Layout::horizontal([Constraint::Fill(1); 2]).areas(bottom);
        return (summary, vec![(0, a), (1, b), (2, c), (3, d)]);
    }
    // On a small screen the goals, with a line per rep and measure, take
    // the body to themselves; the charts page through it as before.
    if focus >= PANELS && panels > PANELS {
        return (summary, vec![(PANELS, rest)]);
    }
    let shown = if rest.height >= 2 * PANEL_HEIGHT {
        2
    } else {
        1
    };
    let first = focus.min(PANELS - shown);
    let areas = Layout::vertical(vec![Constraint::Fill(1); shown]).split(rest);
    (summary, (first..).zip(areas.iter().copied()).collect())
}
