//! The agenda and the accounts table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, List, ListItem, ListState, Row, Table, TableState};

use super::grade_style;
use crate::tui::app::App;

/// The catalogue key of a day's short weekday name.
pub(super) fn weekday_key(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("weekday.{}", day.weekday().num_days_from_monday())
}

pub(super) fn draw_agenda(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let today = app.today();
    let items: Vec<ListItem<'_>> = app
        .agenda
        .rows
        .iter()
        .map(|r| {
            let due = r.reminder.due;
            let (when, color) = match due.cmp(&today) {
                std::cmp::Ordering::Less => (
                    c.fmt(
                        "tui.days_late",
                        &[("days", &(today - due).num_days().to_string())],
                    ),
                    Color::Red,
                ),
                std::cmp::Ordering::Equal => (c.get("tui.today").to_string(), Color::Yellow),
                std::cmp::Ordering::Greater => (
                    format!("{} {}", due.format("%m-%d"), c.get(&weekday_key(due))),
                    Color::Green,
                ),
            };
            ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{} ", crate::output::pad_to_width(&when, 14, false)),
                    Style::new().fg(color),
                ),
                Span::styled(format!(" {} ", r.grade), grade_style(r.grade)),
                Span::raw(format!(
                    " {}  {} · {}",
                    c.get(&format!("reminder.{}", r.reminder.kind)),
                    r.deal_title,
                    r.account
                )),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.agenda.cursor()));
    let list = List::new(items)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(c.get("view.agenda")),
        )
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, area, &mut state);
}

pub(super) fn draw_accounts(frame: &mut Frame<'_>, app: &App, area: Rect) {
    use crate::store::AccountSort;
    let c = &app.catalog;
    let columns = [
        ("col.name", AccountSort::Name),
        ("col.kind", AccountSort::Kind),
        ("col.industry", AccountSort::Industry),
        ("col.region", AccountSort::Region),
        ("col.channel", AccountSort::Channel),
        ("col.owner", AccountSort::Owner),
    ];
    let arrow = if app.accounts_descending {
        " ▼"
    } else {
        " ▲"
    };
    let header = Row::new(columns.map(|(key, sort)| {
        let mark = if sort == app.accounts_sort { arrow } else { "" };
        Cell::from(format!("{}{mark}", c.get(key)))
    }))
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = app.accounts.rows.iter().map(|a| {
        Row::new([
            Cell::from(a.name.as_str()),
            Cell::from(c.word("account_kind", a.kind.as_str())),
            Cell::from(a.industry.as_str()),
            Cell::from(a.region.as_str()),
            Cell::from(c.word("channel", &a.channel)),
            Cell::from(a.owner.as_str()),
        ])
    });
    let widths = [
        Constraint::Fill(3),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ];
    let position = if app.accounts.exact {
        format!(
            "{}/{}",
            (app.accounts.selected + 1).min(app.accounts.total),
            app.accounts.total
        )
    } else {
        format!("{}/{}+", app.accounts.selected + 1, app.accounts.total - 1)
    };
    let table = Table::new(rows, widths)
        .header(header)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(c.get("view.accounts"))
                .title_bottom(Line::from(position).right_aligned()),
        )
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(app.accounts.cursor()));
    frame.render_stateful_widget(table, area, &mut state);
}
