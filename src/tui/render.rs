//! Drawing: a pure function of the app state; nothing here changes anything.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap,
};

use super::app::{App, Ask, Lane, Popup, Prompt, View};
use super::form::{DealForm, LABELS};
use super::keys::NORMAL_HELP;
use crate::domain::Grade;
use crate::store::DealRow;

/// Below this the layout cannot show a card; the screen says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

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
    let [tabs, body, status] = screen(area);
    draw_tabs(frame, app, tabs);
    match (&app.detail, app.view) {
        (Some(_), _) => draw_detail(frame, app, body),
        (None, View::Accounts) if app.account_detail.is_some() => {
            draw_account_detail(frame, app, body)
        }
        (None, View::Board) if app.board.iter().all(|l| l.count == 0) => {
            draw_welcome(frame, app, body)
        }
        (None, View::Board) => draw_lanes(frame, app, &app.board, app.board_column, body),
        (None, View::Tiers) => draw_tiers(frame, app, body),
        (None, View::Agenda) => draw_agenda(frame, app, body),
        (None, View::Accounts) => draw_accounts(frame, app, body),
    }
    draw_status(frame, app, status);
    match &app.popup {
        Some(Popup::Help) => draw_help(frame, app, area),
        Some(Popup::Prompt(prompt)) => draw_prompt(frame, app, prompt, area),
        Some(Popup::Form(form)) => draw_form(frame, app, form, area),
        None => {}
    }
}

/// The tab line, the body and the status line. Shared with mouse hit-testing,
/// so a click lands where the eye sees it.
pub fn screen(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
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

/// How many display lines a card takes.
pub const CARD_HEIGHT: u16 = 3;

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
    let mut spans = vec![Span::styled(
        " tierdeck ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    for (i, view) in View::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, app.catalog.get(view.key()));
        let style = if *view == app.view {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Line::from(spans), area);
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

fn card<'a>(app: &App, row: &'a DealRow) -> ListItem<'a> {
    let d = &row.deal;
    let title = Line::from(vec![
        Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
        Span::raw(" "),
        Span::raw(d.title.as_str()),
    ]);
    let mut second = vec![Span::raw(d.amount.to_string())];
    if let Some(close) = d.expected_close {
        second.push(Span::raw(format!(" {}", close.format("%m-%d"))));
    }
    if row.slipped {
        second.push(Span::styled(
            format!(" {}", app.catalog.get("flag.slipped")),
            Style::new().fg(Color::Red),
        ));
    }
    if row.stale {
        second.push(Span::styled(
            format!(" {}", app.catalog.get("flag.stale")),
            Style::new().fg(Color::Magenta),
        ));
    }
    if let Some(next) = row.next_revisit {
        let today = app.today();
        let (key, color) = if next < today {
            ("tui.revisit_overdue", Color::Red)
        } else if next == today {
            ("tui.revisit_today", Color::Yellow)
        } else {
            ("tui.revisit_scheduled", Color::Green)
        };
        second.push(Span::styled(
            format!(" {}", app.catalog.get(key)),
            Style::new().fg(color),
        ));
    }
    let third = Line::styled(row.account.as_str(), Style::new().fg(Color::Gray));
    ListItem::new(vec![title, Line::from(second), third])
}

fn draw_lanes(frame: &mut Frame<'_>, app: &App, lanes: &[Lane], current: usize, area: Rect) {
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
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(border)
            .title(Line::from(format!("{} ({})", lane.title, lane.count)))
            .title_bottom(Line::from(lane.amount.to_string()).right_aligned());
        let items: Vec<ListItem<'_>> = lane.deals.rows.iter().map(|row| card(app, row)).collect();
        let mut state = ListState::default().with_selected(focused.then_some(lane.deals.cursor()));
        let list = List::new(items)
            .block(block)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        frame.render_stateful_widget(list, *column, &mut state);
    }
}

/// The tier lists, under the playbook advice for the focused grade.
fn draw_tiers(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let [advice, lanes] = tiers_layout(area);
    if let Some(grade) = Grade::ALL.get(app.tier_column) {
        let text = crate::playbook::for_grade(*grade, app.catalog.lang());
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" {grade} "), grade_style(*grade)),
                Span::raw(format!(" {text}")),
            ]))
            .wrap(Wrap { trim: true }),
            advice,
        );
    }
    draw_lanes(frame, app, &app.tiers, app.tier_column, lanes);
}

fn draw_welcome(frame: &mut Frame<'_>, app: &App, area: Rect) {
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

fn draw_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.detail else { return };
    let c = &app.catalog;
    let d = &detail.row.deal;
    let field = |key: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{}: ", c.get(key)), Style::new().fg(Color::Gray)),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
            Span::styled(
                format!(" {}", d.title),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]),
        field("col.account", detail.row.account.clone()),
        field("col.stage", app.stage_label(&d.stage)),
        field("col.amount", d.amount.to_string()),
        field(
            "col.close",
            d.expected_close.map(|x| x.to_string()).unwrap_or_default(),
        ),
        field("col.need", c.get(&format!("need.{}", d.need)).to_string()),
        field(
            "col.next_revisit",
            detail
                .row
                .next_revisit
                .map(|x| x.to_string())
                .unwrap_or_default(),
        ),
        field("col.owner", d.owner.clone()),
        field(
            "col.playbook",
            crate::playbook::for_grade(d.grade, c.lang()).to_string(),
        ),
        Line::raw(""),
    ];
    let offset = app.store.session().offset;
    let timeline =
        crate::timeline::entries(&detail.activities, &detail.history, c, app.store.rules());
    for entry in timeline {
        let when = entry
            .at
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        lines.push(Line::from(vec![
            Span::styled(format!("{when}  "), Style::new().fg(Color::Gray)),
            Span::raw(format!("{} {}", entry.kind, entry.text)),
        ]));
    }
    let pending: Vec<Line<'_>> = detail
        .reminders
        .iter()
        .filter(|r| r.status.is_pending())
        .map(|r| {
            Line::raw(format!(
                "{}  {}  {}",
                r.due,
                c.get(&format!("reminder.{}", r.kind)),
                c.get(&format!("reminder_status.{}", r.status))
            ))
        })
        .collect();
    if !pending.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(pending);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::ALL).title(d.id.short())),
        area,
    );
}

fn draw_account_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.account_detail else {
        return;
    };
    let c = &app.catalog;
    let a = &detail.account;
    let field = |key: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{}: ", c.get(key)), Style::new().fg(Color::Gray)),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        Line::styled(a.name.as_str(), Style::new().add_modifier(Modifier::BOLD)),
        field(
            "col.kind",
            c.get(&format!("account_kind.{}", a.kind)).to_string(),
        ),
        field("col.industry", a.industry.clone()),
        field("col.region", a.region.clone()),
        field("col.channel", a.channel.clone()),
        field(
            "col.satisfaction",
            c.get(&format!("satisfaction.{}", a.satisfaction))
                .to_string(),
        ),
        field("col.owner", a.owner.clone()),
        Line::raw(""),
    ];
    for contact in &detail.contacts {
        lines.push(Line::raw(format!(
            "{}  {}  {}  {}  {}",
            contact.name, contact.title, contact.phone, contact.email, contact.other
        )));
    }
    if !detail.contacts.is_empty() {
        lines.push(Line::raw(""));
    }
    for row in &detail.deals {
        let d = &row.deal;
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
            Span::raw(format!(
                " {}  {}  {}  {}",
                d.title,
                app.stage_label(&d.stage),
                d.amount,
                d.expected_close.map(|x| x.to_string()).unwrap_or_default()
            )),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::ALL).title(a.id.short())),
        area,
    );
}

fn draw_agenda(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let today = app.today();
    let items: Vec<ListItem<'_>> = app
        .agenda
        .rows
        .iter()
        .map(|r| {
            let due = r.reminder.due;
            let (when, color) = if due < today {
                (c.get("reminder_status.overdue").to_string(), Color::Red)
            } else if due == today {
                (c.get("tui.revisit_today").to_string(), Color::Yellow)
            } else {
                (due.to_string(), Color::Green)
            };
            ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{} ", crate::output::pad_to_width(&when, 12, false)),
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

fn draw_accounts(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let header = Row::new(
        [
            "col.name",
            "col.kind",
            "col.industry",
            "col.region",
            "col.channel",
            "col.owner",
        ]
        .map(|k| Cell::from(c.get(k))),
    )
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = app.accounts.rows.iter().map(|a| {
        Row::new([
            Cell::from(a.name.as_str()),
            Cell::from(c.get(&format!("account_kind.{}", a.kind)).to_string()),
            Cell::from(a.industry.as_str()),
            Cell::from(a.region.as_str()),
            Cell::from(a.channel.as_str()),
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
    let table = Table::new(rows, widths)
        .header(header)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(c.get("view.accounts")),
        )
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(app.accounts.cursor()));
    frame.render_stateful_widget(table, area, &mut state);
}

fn draw_status(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let session = app.store.session();
    let file = app
        .store
        .path()
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let due = app.catalog.fmt(
        "tui.due_now",
        &[
            ("overdue", &app.overdue.to_string()),
            ("today", &app.due_today.to_string()),
        ],
    );
    let due_style = if app.overdue > 0 {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    };
    let mut spans = vec![
        Span::styled(
            format!(" {file} · {} · {} · ", session.user, session.today),
            Style::new().fg(Color::Gray),
        ),
        Span::styled(due, due_style),
    ];
    if app.filtering || !app.filter.is_empty() {
        let cursor = if app.filtering { "▏" } else { "" };
        spans.push(Span::styled(
            format!("  / {}{cursor}", app.filter),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(Span::raw(format!("  {}", app.message)));
    let line = Line::from(spans);
    frame.render_widget(line, area);
}

/// A rectangle of at most `width`×`height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

fn draw_help(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let lines: Vec<Line<'_>> = NORMAL_HELP
        .iter()
        .map(|(keys, help)| {
            Line::from(vec![
                Span::styled(
                    crate::output::pad_to_width(keys, 16, false),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(c.get(help)),
            ])
        })
        .collect();
    let popup = centered(area, 78, u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(c.get("help.title")),
        ),
        popup,
    );
}

fn draw_prompt(frame: &mut Frame<'_>, app: &App, prompt: &Prompt, area: Rect) {
    let c = &app.catalog;
    let title = match prompt.ask {
        Ask::CloseDate(_) => "prompt.close_date",
        Ask::Activity(_) => "prompt.activity",
        Ask::Won(_) => "prompt.won",
        Ask::Lost(_) => "prompt.lost",
        Ask::Pin(_) => "prompt.pin",
        Ask::Snooze(_) => "prompt.snooze",
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(prompt.text.as_str()),
        Span::styled("▏", Style::new().add_modifier(Modifier::SLOW_BLINK)),
    ])];
    match &prompt.error {
        Some(error) => lines.push(Line::styled(error.as_str(), Style::new().fg(Color::Red))),
        None => lines.push(Line::styled(
            c.get("prompt.hint"),
            Style::new().fg(Color::Gray),
        )),
    }
    let popup = centered(area, 70, 5);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::ALL).title(c.get(title))),
        popup,
    );
}

fn draw_form(frame: &mut Frame<'_>, app: &App, form: &DealForm, area: Rect) {
    let c = &app.catalog;
    let mut lines = Vec::new();
    for (i, label) in LABELS.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new().fg(Color::Gray)
        };
        let mut spans = vec![
            Span::styled(
                crate::output::pad_to_width(c.get(label), 12, false),
                label_style,
            ),
            Span::raw(" "),
            Span::raw(form.values[i].as_str()),
        ];
        if focused {
            spans.push(Span::raw("▏"));
        }
        lines.push(Line::from(spans));
        if let Some(error) = &form.errors[i] {
            lines.push(Line::styled(
                format!("             {error}"),
                Style::new().fg(Color::Red),
            ));
        }
    }
    lines.push(Line::styled(
        c.get("prompt.form_hint"),
        Style::new().fg(Color::Gray),
    ));
    let title = if form.editing.is_some() {
        "prompt.edit_deal"
    } else {
        "prompt.new_deal"
    };
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = centered(area, 76, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::ALL).title(c.get(title))),
        popup,
    );
}
