//! Drawing: a pure function of the app state; nothing here changes anything.

mod board;
mod detail;
mod forecast;
mod goals;
mod lists;
mod money;
mod popups;
mod reports;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::View;
use super::app::{App, Popup, TeamState};
use super::layout::{MIN_HEIGHT, MIN_WIDTH, screen, tab_labels};
use crate::domain::{Grade, ValueTier};
use board::{draw_lanes, draw_tiers, draw_welcome};
use detail::{draw_account_detail, draw_detail};
use lists::{draw_accounts, draw_agenda};
use popups::{draw_confirm, draw_conflict, draw_form, draw_help, draw_prompt};
use reports::draw_reports;

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = app.catalog.fmt(
            "tui.too_small",
            &[
                ("need", &format!("{MIN_WIDTH}×{MIN_HEIGHT}")),
                ("now", &format!("{}×{}", area.width, area.height)),
            ],
        );
        let lines: Vec<Line<'_>> = wrap_by_width(&text, usize::from(area.width))
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let [tabs, body, banner, status] = screen(area, !app.outside.copies.is_empty());
    draw_tabs(frame, app, tabs);
    match (&app.opened.deal, app.view) {
        (Some(_), _) => draw_detail(frame, app, body),
        (None, View::Accounts) if app.opened.account.is_some() => {
            draw_account_detail(frame, app, body)
        }
        (None, View::Board) if app.counts.empty => draw_welcome(frame, app, body),
        (None, View::Board) => {
            draw_lanes(frame, app, &app.lists.board, app.lists.board_column, body)
        }
        (None, View::Tiers) => draw_tiers(frame, app, body),
        (None, View::Agenda) => draw_agenda(frame, app, body),
        (None, View::Accounts) => draw_accounts(frame, app, body),
        (None, View::Reports) => draw_reports(frame, app, body),
    }
    draw_banner(frame, app, banner);
    draw_status(frame, app, status);
    match &app.popup {
        Some(Popup::Help { scroll }) => draw_help(frame, app, area, *scroll),
        Some(Popup::Prompt(prompt)) => draw_prompt(frame, app, prompt, area),
        Some(Popup::Form(form)) => draw_form(frame, app, form, area),
        Some(Popup::Conflict(conflict)) => draw_conflict(frame, app, conflict, area),
        Some(Popup::Confirm(doomed)) => draw_confirm(frame, app, doomed, area),
        None => {}
    }
}

/// Breaks text into lines of at most `width` display columns, never splitting
/// a character; a double-width character that cannot fit at all is dropped.
fn wrap_by_width(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut lines = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if w > width {
            continue;
        }
        if used + w > width {
            lines.push(String::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(ch);
        }
        used += w;
    }
    lines
}

fn draw_tabs(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let spans: Vec<Span<'_>> = tab_labels(&app.catalog)
        .into_iter()
        .map(|(view, label)| {
            let style = match view {
                None => Style::new().add_modifier(Modifier::BOLD),
                Some(view) if view == app.view => Style::new().add_modifier(Modifier::REVERSED),
                Some(_) => Style::new(),
            };
            Span::styled(label, style)
        })
        .collect();
    frame.render_widget(Line::from(spans), area);
}

/// "Enter save", "Esc Ctrl+C cancel" …: the keys of a mode from its key
/// table, with what they do in the user's language.
fn hint_items(c: &crate::i18n::Catalog, mode: super::action::Mode) -> Vec<String> {
    super::keys::help(mode)
        .into_iter()
        .map(|(keys, text)| format!("{keys} {}", c.get(text)))
        .collect()
}

/// The colour of a grade's badge: background and a readable foreground, so
/// it works on dark and light terminals alike.
pub fn grade_style(grade: Grade) -> Style {
    let (bg, fg) = match grade {
        Grade::A => (Color::Red, Color::White),
        Grade::B => (Color::Yellow, Color::Black),
        Grade::C => (Color::Cyan, Color::Black),
        Grade::D => (Color::Blue, Color::White),
        Grade::E => (Color::DarkGray, Color::White),
    };
    Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD)
}

/// The colour of a value tier's letter: no background, so that it never
/// reads as a grade badge.
pub fn tier_style(tier: ValueTier) -> Style {
    let color = match tier {
        ValueTier::A => Color::Green,
        ValueTier::B => Color::Cyan,
        ValueTier::C => Color::Gray,
    };
    Style::new().fg(color).add_modifier(Modifier::BOLD)
}

/// The last part of a path, as the user reads it.
fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// "2 conflict copies beside tierdeck.db (Dropbox, Syncthing): run tierdeck
/// doctor", while there are any.
fn draw_banner(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(first) = app.outside.copies.first() else {
        return;
    };
    let file = file_name(app.store.path());
    let mut tools: Vec<&str> = app.outside.copies.iter().map(|c| c.tool.name()).collect();
    tools.sort_unstable();
    tools.dedup();
    let key = match app.outside.copies.len() {
        1 => "banner.one_copy",
        _ => "banner.copies",
    };
    let copy = file_name(&first.path);
    let text = app.catalog.fmt(
        key,
        &[
            ("count", &app.outside.copies.len().to_string()),
            ("file", &file),
            (
                "tools",
                &tools.join(app.catalog.get("banner.between_tools")),
            ),
            ("copy", &copy),
        ],
    );
    let text = crate::output::truncate_to_width(&format!(" {text}"), usize::from(area.width));
    let style = Style::new()
        .bg(Color::Yellow)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD);
    frame.render_widget(Paragraph::new(text).style(style), area);
}

/// How far the user is with their own goal: this month's before this
/// quarter's, its won amount before its deals and activities; none until
/// the reports are worked out, or without a goal of theirs.
fn own_attainment(app: &App) -> Option<String> {
    let set = app.reports.set.as_ref()?;
    let user = &app.store.session().user;
    let row = set
        .goals
        .iter()
        .filter(|r| !r.team && r.owner == *user && r.percent.is_some())
        .min_by_key(|r| (r.period, r.measure))?;
    Some(app.catalog.fmt(
        "tui.own_goal",
        &[
            ("period", &row.period.to_string()),
            ("percent", &row.percent?.to_string()),
        ],
    ))
}

/// The status line: what the user typed or was told on the left, where and
/// when on the right; when both do not fit, the message wins over the file
/// and user, and the due counts always show.
fn draw_status(frame: &mut Frame<'_>, app: &App, area: Rect) {
    use crate::output::display_width;
    let session = app.store.session();
    let file = file_name(app.store.path());
    let due = app.catalog.fmt(
        "tui.due_now",
        &[
            ("overdue", &app.counts.overdue.to_string()),
            ("today", &app.counts.due_today.to_string()),
        ],
    );
    let due_style = if app.counts.overdue > 0 {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    };
    let mut left = Vec::new();
    if app.filter.typing || !app.filter.typed.text.is_empty() {
        let (before, after) = app.filter.typed.split();
        let cursor = if app.filter.typing { "▏" } else { "" };
        left.push(Span::styled(
            format!(" / {before}{cursor}{after} "),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    // Typing the filter with nothing to say: how to keep, clear and edit it.
    let hints;
    let (message, style) = if app.filter.typing && app.message.is_empty() {
        hints = hint_items(&app.catalog, super::action::Mode::Filter).join(" · ");
        (&hints, Style::new().fg(Color::DarkGray))
    } else {
        (&app.message, Style::new().add_modifier(Modifier::BOLD))
    };
    if !message.is_empty() {
        // The due counts always show: a long message is cut short of them.
        let used: usize = left.iter().map(|s| display_width(&s.content)).sum();
        let room = usize::from(area.width).saturating_sub(used + display_width(&due) + 3);
        left.push(Span::styled(
            format!(" {} ", crate::output::truncate_to_width(message, room)),
            style,
        ));
    }
    let whereabouts = format!(" {file} · {} · {} · ", session.user, session.today);
    let used: usize = left.iter().map(|s| display_width(&s.content)).sum();
    let width = usize::from(area.width);
    let mut right = vec![Span::styled(due.clone(), due_style), Span::raw(" ")];
    // Changes waiting to go out, or a folder not there: said before the
    // due counts, so that nobody thinks the team has what it has not.
    let sync = app.outside.team.as_ref().and_then(|link| match link.state {
        TeamState::InStep => None,
        TeamState::Unsent(count) => Some(
            app.catalog
                .fmt("tui.sync_unsent", &[("count", &count.to_string())]),
        ),
        TeamState::Unreachable => Some(app.catalog.get("tui.sync_unreachable").to_string()),
    });
    if let Some(mark) = sync {
        right.insert(
            0,
            Span::styled(format!("{mark} · "), Style::new().fg(Color::Yellow)),
        );
    }
    // The user's own goal, before where and when: it goes first when room is short.
    let goal = own_attainment(app).map(|text| format!("{text} · "));
    let goal_width = goal.as_deref().map_or(0, display_width);
    if let Some(goal) = goal.filter(|_| used + goal_width + display_width(&due) < width) {
        let style = Style::new().fg(Color::Cyan);
        right.insert(0, Span::styled(goal, style));
        if used + goal_width + display_width(&whereabouts) + display_width(&due) < width {
            right.insert(
                0,
                Span::styled(whereabouts, Style::new().fg(Color::DarkGray)),
            );
        }
    } else if used + display_width(&whereabouts) + display_width(&due) < width {
        right.insert(
            0,
            Span::styled(whereabouts, Style::new().fg(Color::DarkGray)),
        );
    }
    let right_width: usize = right.iter().map(|s| display_width(&s.content)).sum();
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(u16::try_from(right_width).unwrap_or(u16::MAX)),
    ])
    .areas(area);
    frame.render_widget(Line::from(left), left_area);
    frame.render_widget(Line::from(right).right_aligned(), right_area);
}
