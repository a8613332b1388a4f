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

/// From this width on, the accounts table shows product tier and satisfaction too.
const WIDE_ACCOUNTS: u16 = 110;

pub(super) fn draw_accounts(frame: &mut Frame<'_>, app: &App, area: Rect) {
    use crate::store::AccountSort;
    let c = &app.catalog;
    let columns = [
        ("col.name", Some(AccountSort::Name)),
        ("col.kind", Some(AccountSort::Kind)),
        ("col.industry", Some(AccountSort::Industry)),
        ("col.region", Some(AccountSort::Region)),
        ("col.channel", Some(AccountSort::Channel)),
        ("col.owner", Some(AccountSort::Owner)),
        ("col.product_tier", None),
        ("col.satisfaction", None),
    ];
    // The segment columns that are not sorted by show where there is room.
    let shown = if area.width >= WIDE_ACCOUNTS { 8 } else { 6 };
    let arrow = if app.accounts_descending {
        " ▼"
    } else {
        " ▲"
    };
    let header = Row::new(columns[..shown].iter().map(|(key, sort)| {
        let mark = if *sort == Some(app.accounts_sort) {
            arrow
        } else {
            ""
        };
        Cell::from(format!("{}{mark}", c.get(key)))
    }))
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = app.accounts.rows.iter().map(|row| {
        let a = &row.account;
        let cells = [
            a.name.clone(),
            c.word("account_kind", a.kind.as_str()),
            a.industry.clone(),
            a.region.clone(),
            c.word("channel", &a.channel),
            a.owner.clone(),
            a.product_tier
                .map(|t| c.word("product_tier", t.as_str()))
                .unwrap_or_default(),
            c.word("satisfaction", a.satisfaction.as_str()),
        ];
        Row::new(cells.into_iter().take(shown).map(Cell::from))
    });
    let widths: Vec<Constraint> = (0..shown)
        .map(|i| Constraint::Fill(if i == 0 { 3 } else { 1 }))
        .collect();
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
