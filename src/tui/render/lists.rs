//! The agenda and the accounts table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, List, ListItem, ListState, Row, Table, TableState};

use super::grade_style;
use crate::store::{AccountRow, AccountSort};
use crate::tui::app::App;

/// The catalogue key of a day's short weekday name.
pub(super) fn weekday_key(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("weekday.{}", day.weekday().num_days_from_monday())
}

/// " (coming)" for a revisit listed before it opens, " (snoozed)" for one
/// put off; nothing for an open one.
fn status_note(c: &crate::i18n::Catalog, status: crate::domain::ReminderStatus) -> String {
    use crate::domain::ReminderStatus as S;
    match status {
        S::Upcoming | S::Snoozed => format!(" ({})", c.get(&format!("reminder_status.{status}"))),
        S::Open | S::Done | S::Dismissed => String::new(),
    }
}

pub(super) fn draw_agenda(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let today = app.today();
    let items: Vec<ListItem<'_>> = app
        .lists
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
                match r.grade {
                    Some(grade) => Span::styled(format!(" {grade} "), grade_style(grade)),
                    // An account's own reminder: no deal, no grade.
                    None => Span::raw("   "),
                },
                Span::raw(format!(
                    " {}{}  {}",
                    crate::timeline::reminder_what(&r.reminder, c),
                    status_note(c, r.reminder.status),
                    if r.deal_title.is_empty() {
                        r.account.clone()
                    } else {
                        format!("{} · {}", r.deal_title, r.account)
                    }
                )),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.lists.agenda.cursor()));
    let list = List::new(items)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(c.get("view.agenda")),
        )
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_stateful_widget(list, area, &mut state);
}

/// A column of the accounts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// The at-risk mark, in a gutter without a header.
    Risk,
    Name,
    Tier,
    Revenue,
    Lifecycle,
    Behaviour,
    Kind,
    Industry,
    Region,
    Channel,
    Owner,
    ProductTier,
    Satisfaction,
}

impl Column {
    /// The order they are shown in: the order of the sort keys.
    const SHOWN: [Column; 13] = [
        Column::Risk,
        Column::Name,
        Column::Tier,
        Column::Revenue,
        Column::Lifecycle,
        Column::Behaviour,
        Column::Kind,
        Column::Industry,
        Column::Region,
        Column::Channel,
        Column::Owner,
        Column::ProductTier,
        Column::Satisfaction,
    ];

    /// The order they get room in, after the mark, the name and the sorted
    /// column: what a salesperson scans a customer list for first. Revenue
    /// comes with its tier, so no sort leaves it out at 80 columns.
    const ROOM: [Column; 11] = [
        Column::Tier,
        Column::Revenue,
        Column::Lifecycle,
        Column::Kind,
        Column::Region,
        Column::Owner,
        Column::Industry,
        Column::Channel,
        Column::ProductTier,
        Column::Satisfaction,
        Column::Behaviour,
    ];

    fn header(self) -> &'static str {
        match self {
            Column::Risk => "",
            Column::Name => "col.name",
            Column::Tier => "col.tier",
            Column::Revenue => "col.revenue",
            Column::Lifecycle => "col.lifecycle",
            Column::Behaviour => "col.behaviour",
            Column::Kind => "col.kind",
            Column::Industry => "col.industry",
            Column::Region => "col.region",
            Column::Channel => "col.channel",
            Column::Owner => "col.owner",
            Column::ProductTier => "col.product_tier",
            Column::Satisfaction => "col.satisfaction",
        }
    }

    /// The sort that orders this column.
    fn sort(self) -> Option<AccountSort> {
        Some(match self {
            Column::Risk => return None,
            Column::Name => AccountSort::Name,
            Column::Tier => AccountSort::ValueTier,
            Column::Revenue => AccountSort::Revenue,
            Column::Lifecycle => AccountSort::Lifecycle,
            Column::Behaviour => AccountSort::Behaviour,
            Column::Kind => AccountSort::Kind,
            Column::Industry => AccountSort::Industry,
            Column::Region => AccountSort::Region,
            Column::Channel => AccountSort::Channel,
            Column::Owner => AccountSort::Owner,
            Column::ProductTier => AccountSort::ProductTier,
            Column::Satisfaction => AccountSort::Satisfaction,
        })
    }

    /// Whether its header carries the arrow of `sort`.
    fn marks(self, sort: AccountSort) -> bool {
        self.sort() == Some(sort)
    }

    /// The most display columns it takes; longer text is cut with `…`.
    fn widest(self) -> usize {
        match self {
            Column::Risk => 1,
            Column::Name => 34,
            Column::Kind => 11,
            // `International` whole.
            Column::Region => 13,
            _ => 12,
        }
    }

    fn text(self, app: &App, row: &AccountRow) -> String {
        let c = &app.catalog;
        let (a, s) = (&row.account, &row.standing);
        match self {
            Column::Risk => if s.risks.is_empty() { "" } else { "!" }.to_string(),
            Column::Name => a.name.clone(),
            Column::Tier => s.tier.map(|t| t.to_string()).unwrap_or_default(),
            Column::Revenue if s.revenue.minor() == 0 => String::new(),
            Column::Revenue => super::money::whole_units(s.revenue),
            Column::Lifecycle => c.word("lifecycle", s.lifecycle.as_str()),
            Column::Behaviour => c.word("behaviour", s.behaviour.as_str()),
            Column::Kind => c.word("account_kind", a.kind.as_str()),
            Column::Industry => a.industry.clone(),
            Column::Region => a.region.clone(),
            Column::Channel => c.word("channel", &a.channel),
            Column::Owner => a.owner.clone(),
            Column::ProductTier => a
                .product_tier
                .map(|t| c.word("product_tier", t.as_str()))
                .unwrap_or_default(),
            Column::Satisfaction => c.word("satisfaction", a.satisfaction.as_str()),
        }
    }

    fn style(self, row: &AccountRow) -> Style {
        match (self, row.standing.tier) {
            (Column::Risk, _) => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            (Column::Tier, Some(tier)) => super::tier_style(tier),
            _ => Style::new(),
        }
    }
}

/// The columns that fit in `width`, in the order shown, each with its
/// width: the name keeps a fair share, the sorted column always shows, and
/// the rest come in [`Column::ROOM`] order while they fit whole.
fn account_columns(app: &App, width: usize, arrow: &str) -> Vec<(Column, usize)> {
    use crate::output::display_width;
    let natural = |column: Column| {
        let mut header = app.catalog.get(column.header()).to_string();
        if column.marks(app.lists.sort) {
            header.push_str(arrow);
        }
        let cells = app
            .lists
            .accounts
            .rows
            .iter()
            .map(|row| display_width(&column.text(app, row)));
        cells
            .chain([display_width(&header)])
            .max()
            .unwrap_or(0)
            .min(column.widest())
    };
    let name_least = (width / 4).clamp(16, 30).min(natural(Column::Name).max(16));
    // Each column takes one space of gap before it.
    let mut used = natural(Column::Risk) + 1 + name_least;
    let mut chosen = vec![Column::Risk, Column::Name];
    let sorted = Column::ROOM.iter().filter(|c| c.marks(app.lists.sort));
    for &column in sorted.chain(Column::ROOM.iter()) {
        if chosen.contains(&column) {
            continue;
        }
        let room = natural(column) + 1;
        if used + room <= width {
            used += room;
            chosen.push(column);
        }
    }
    Column::SHOWN
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|&c| {
            let w = match c {
                // Whatever the others leave.
                Column::Name => width.saturating_sub(used) + name_least,
                _ => natural(c),
            };
            (c, w)
        })
        .collect()
}

pub(super) fn draw_accounts(frame: &mut Frame<'_>, app: &App, area: Rect) {
    use crate::output::truncate_to_width;
    let c = &app.catalog;
    let arrow = if app.lists.descending { " ▼" } else { " ▲" };
    let columns = account_columns(app, usize::from(area.width.saturating_sub(2)), arrow);
    let aligned = |column: Column, text: String| {
        let line = Line::from(text);
        if column == Column::Revenue {
            line.right_aligned()
        } else {
            line
        }
    };
    let header = Row::new(columns.iter().map(|&(column, width)| {
        let mark = if column.marks(app.lists.sort) {
            arrow
        } else {
            ""
        };
        let text = format!("{}{mark}", c.get(column.header()));
        Cell::from(aligned(column, truncate_to_width(&text, width)))
    }))
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = app.lists.accounts.rows.iter().map(|row| {
        Row::new(columns.iter().map(|&(column, width)| {
            let text = truncate_to_width(&column.text(app, row), width);
            Cell::from(aligned(column, text)).style(column.style(row))
        }))
    });
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&(_, width)| Constraint::Length(u16::try_from(width).unwrap_or(u16::MAX)))
        .collect();
    let position = if app.lists.accounts.exact {
        format!(
            "{}/{}",
            (app.lists.accounts.selected + 1).min(app.lists.accounts.total),
            app.lists.accounts.total
        )
    } else {
        format!(
            "{}/{}+",
            app.lists.accounts.selected + 1,
            app.lists.accounts.total - 1
        )
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
    let mut state = TableState::default().with_selected(Some(app.lists.accounts.cursor()));
    frame.render_stateful_widget(table, area, &mut state);
}
