//! The board and the tier lists: lanes of deal cards.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::grade_style;
use super::money::{fitting, priced, whole_units};
use crate::domain::Grade;
use crate::store::DealRow;
use crate::tui::app::{App, Lane};
use crate::tui::layout::{lane_areas, tiers_layout};

/// The slipped, stale and revisit markers of a deal: in words when they all
/// fit in `room` display columns, else as one-letter marks (explained in the
/// help); `None` for room means words.
pub(super) fn flag_spans(app: &App, row: &DealRow, room: Option<usize>) -> Vec<Span<'static>> {
    let c = &app.catalog;
    let today = app.today();
    let mut flags: Vec<(&str, Color)> = Vec::new();
    if row.slipped {
        flags.push(("flag.slipped", Color::Red));
    }
    if row.stale {
        flags.push(("flag.stale", Color::Magenta));
    }
    if let Some(next) = row.next_revisit {
        flags.push(match next.cmp(&today) {
            std::cmp::Ordering::Less => ("tui.revisit_overdue", Color::Red),
            std::cmp::Ordering::Equal => ("tui.revisit_today", Color::Yellow),
            std::cmp::Ordering::Greater => ("tui.revisit_scheduled", Color::Green),
        });
    }
    let words: Vec<String> = flags
        .iter()
        .map(|(key, _)| format!(" {}", c.get(key)))
        .collect();
    let fits = words
        .iter()
        .map(|w| crate::output::display_width(w))
        .sum::<usize>()
        <= room.unwrap_or(usize::MAX);
    flags
        .into_iter()
        .zip(words)
        .map(|((key, color), word)| {
            let text = if fits {
                word
            } else {
                format!(" {}", c.get(&format!("{key}_mark")))
            };
            Span::styled(text, Style::new().fg(color))
        })
        .collect()
}

/// An open deal's grade; a closed one's outcome instead, as it is graded
/// no more.
pub(super) fn badge<'a>(app: &App, d: &crate::domain::Deal) -> Span<'a> {
    let outcome = match d.stage.as_str() {
        crate::domain::WON => Some(("col.won", Style::new().bg(Color::Green).fg(Color::Black))),
        crate::domain::LOST => Some((
            "col.lost",
            Style::new().bg(Color::DarkGray).fg(Color::White),
        )),
        _ => None,
    };
    match outcome {
        Some((label, style)) => Span::styled(
            format!(" {} ", app.catalog.get(label)),
            style.add_modifier(Modifier::BOLD),
        ),
        None => Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
    }
}

/// A deal as a card of [`crate::tui::layout::CARD_HEIGHT`] lines, `width` columns wide.
pub(super) fn card<'a>(app: &App, row: &'a DealRow, width: usize) -> ListItem<'a> {
    let d = &row.deal;
    // The badge and a space before the title; a title cut short says so.
    let badge = badge(app, d);
    let room = width.saturating_sub(crate::output::display_width(&badge.content) + 1);
    let title = Line::from(vec![
        badge,
        Span::raw(" "),
        Span::raw(crate::output::truncate_to_width(&d.title, room)),
    ]);
    // Read at a glance: the database's own currency goes without saying
    // (the column's total says it), any other is shown.
    let mut facts = if d.currency == app.currency {
        whole_units(d.amount)
    } else {
        priced(d.amount, d.currency)
    };
    if let Some(close) = d.expected_close {
        facts.push_str(&format!(" {}", close.format("%m-%d")));
    }
    let room = width.saturating_sub(crate::output::display_width(&facts));
    let mut second = vec![Span::raw(facts)];
    second.extend(flag_spans(app, row, Some(room)));
    let account = crate::output::truncate_to_width(&row.account, width);
    let third = Line::styled(account, Style::new().fg(Color::DarkGray));
    ListItem::new(vec![title, Line::from(second), third])
}

pub(super) fn draw_lanes(
    frame: &mut Frame<'_>,
    app: &App,
    lanes: &[Lane],
    current: usize,
    area: Rect,
) {
    if lanes.is_empty() {
        return;
    }
    let columns = lane_areas(area, lanes.len());
    for (i, (lane, column)) in lanes.iter().zip(columns.iter()).enumerate() {
        let focused = i == current;
        let border = if focused {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        let inner = usize::from(column.width.saturating_sub(2));
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(border)
            .title(Line::from(lane_title(app, lane, inner)))
            .title_bottom(
                Line::from(fitting(&lane.amount, app.currency, inner, &app.catalog))
                    .right_aligned(),
            );
        let items: Vec<ListItem<'_>> = lane
            .deals
            .rows
            .iter()
            .map(|row| card(app, row, inner))
            .collect();
        // Every lane keeps its cursor in view, as clicks expect; only the
        // focused one shows it.
        let mut state = ListState::default().with_selected(Some(lane.deals.cursor()));
        let highlight = if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        let list = List::new(items).block(block).highlight_style(highlight);
        frame.render_stateful_widget(list, *column, &mut state);
    }
}

/// A lane's name with its count, the name cut short so the count always
/// shows; with a filter, how many of the lane's deals it lets through.
pub(super) fn lane_title(app: &App, lane: &Lane, width: usize) -> String {
    let count = if app.is_filtered() {
        let more = if lane.deals.exact { "" } else { "+" };
        let found = if lane.deals.exact {
            lane.deals.total
        } else {
            lane.deals.total.saturating_sub(1)
        };
        format!(" ({found}{more}/{})", lane.count)
    } else {
        format!(" ({})", lane.count)
    };
    let room = width.saturating_sub(crate::output::display_width(&count));
    let name = crate::output::truncate_to_width(&lane.title, room);
    format!("{}{count}", name.trim_end())
}

/// The tier lists, under the playbook advice for the focused grade.
pub(super) fn draw_tiers(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let [advice, lanes] = tiers_layout(area);
    if let Some(grade) = Grade::ALL.get(app.lists.tier_column) {
        let c = &app.catalog;
        let text = crate::playbook::for_grade(*grade, c.lang());
        let cadence = app
            .store
            .rules()
            .cadence(*grade)
            .map(|days| {
                format!(
                    " {} ·",
                    c.fmt("tui.cadence", &[("days", &days.to_string())])
                )
            })
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" {grade} "), grade_style(*grade)),
                Span::styled(cadence, Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(format!(" {text}")),
            ]))
            .wrap(Wrap { trim: true }),
            advice,
        );
    }
    draw_lanes(frame, app, &app.lists.tiers, app.lists.tier_column, lanes);
}

pub(super) fn draw_welcome(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let lines = vec![
        Line::styled(
            c.get("msg.welcome"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::raw(c.get("tui.welcome_demo")),
        Line::raw(c.get("tui.welcome_cli")),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::new().borders(Borders::ALL)),
        area,
    );
}
