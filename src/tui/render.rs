//! Drawing: a pure function of the app state; nothing here changes anything.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap,
};

use super::app::{App, Ask, Lane, Popup, Prompt, View};
use super::form::{Field, Form, Subject};
use super::keys::help_for;
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

/// The tab line's parts: the name, then one label per view.
fn tab_labels(app: &App) -> Vec<(Option<View>, String)> {
    let mut labels = vec![(None, " tierdeck ".to_string())];
    for (i, view) in View::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, app.catalog.get(view.key()));
        labels.push((Some(*view), label));
    }
    labels
}

/// The view whose tab is at `column` of the tab line, for mouse clicks.
pub fn tab_at(app: &App, column: u16) -> Option<View> {
    let mut right = 0;
    for (view, label) in tab_labels(app) {
        right += crate::output::display_width(&label);
        if usize::from(column) < right {
            return view;
        }
    }
    None
}

fn draw_tabs(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let spans: Vec<Span<'_>> = tab_labels(app)
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

/// The slipped, stale and revisit markers of a deal, in words where they fit
/// in `room` display columns and as one-letter marks (explained in the
/// help) where they do not; `None` for room means words.
fn flag_spans(app: &App, row: &DealRow, room: Option<usize>) -> Vec<Span<'static>> {
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
    let mut left = room.unwrap_or(usize::MAX);
    let mut words = true;
    flags
        .into_iter()
        .map(|(key, color)| {
            let word = format!(" {}", c.get(key));
            let mark = format!(" {}", c.get(&format!("{key}_mark")));
            words = words && crate::output::display_width(&word) <= left;
            let text = if words { word } else { mark };
            left = left.saturating_sub(crate::output::display_width(&text));
            Span::styled(text, Style::new().fg(color))
        })
        .collect()
}

/// A deal as a card of [`CARD_HEIGHT`] lines, `width` columns wide.
fn card<'a>(app: &App, row: &'a DealRow, width: usize) -> ListItem<'a> {
    let d = &row.deal;
    let title = Line::from(vec![
        Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
        Span::raw(" "),
        Span::raw(d.title.as_str()),
    ]);
    let mut facts = whole_units(d.amount);
    if let Some(close) = d.expected_close {
        facts.push_str(&format!(" {}", close.format("%m-%d")));
    }
    let room = width.saturating_sub(crate::output::display_width(&facts));
    let mut second = vec![Span::raw(facts)];
    second.extend(flag_spans(app, row, Some(room)));
    let third = Line::styled(row.account.as_str(), Style::new().fg(Color::DarkGray));
    ListItem::new(vec![title, Line::from(second), third])
}

/// An amount without its cents, for a card read at a glance: `132,000`.
fn whole_units(amount: crate::domain::Money) -> String {
    let text = amount.to_string();
    match text.strip_suffix(".00") {
        Some(whole) => whole.to_string(),
        None => text,
    }
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
        let inner = usize::from(column.width.saturating_sub(2));
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(border)
            .title(Line::from(lane_title(app, lane, inner)))
            .title_bottom(Line::from(lane.amount.to_string()).right_aligned());
        let items: Vec<ListItem<'_>> = lane
            .deals
            .rows
            .iter()
            .map(|row| card(app, row, inner))
            .collect();
        let mut state = ListState::default().with_selected(focused.then_some(lane.deals.cursor()));
        let list = List::new(items)
            .block(block)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
        frame.render_stateful_widget(list, *column, &mut state);
    }
}

/// A lane's name with its count, the name cut short so the count always
/// shows; with a filter, how many of the lane's deals it lets through.
fn lane_title(app: &App, lane: &Lane, width: usize) -> String {
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

/// A section heading inside a detail pane.
fn heading(text: &str) -> Line<'_> {
    Line::styled(
        text,
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )
}

/// `label: value`, the label dimmed.
fn field_line<'a>(app: &App, key: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{}: ", app.catalog.get(key)),
            Style::new().fg(Color::DarkGray),
        ),
        Span::raw(value),
    ])
}

fn contact_line(contact: &crate::domain::Contact) -> Line<'_> {
    let parts = [
        contact.title.as_str(),
        contact.phone.as_str(),
        contact.email.as_str(),
        contact.other.as_str(),
    ];
    let rest: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    Line::from(vec![
        Span::styled(
            format!("  {}", contact.name),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!("  {}", rest.join(" · "))),
    ])
}

fn draw_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.detail else { return };
    let c = &app.catalog;
    let row = &detail.row;
    let d = &row.deal;
    let mut title = vec![
        Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
        Span::styled(
            format!(" {}", d.title),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    title.extend(flag_spans(app, row, None));
    let mut lines = vec![
        Line::from(title),
        field_line(app, "col.account", row.account.clone()),
        field_line(app, "col.stage", app.stage_label(&d.stage)),
        field_line(app, "col.amount", d.amount.to_string()),
        field_line(
            app,
            "col.close",
            d.expected_close.map(|x| x.to_string()).unwrap_or_default(),
        ),
        field_line(
            app,
            "col.need",
            c.get(&format!("need.{}", d.need)).to_string(),
        ),
        field_line(
            app,
            "col.next_revisit",
            row.next_revisit.map(|x| x.to_string()).unwrap_or_default(),
        ),
        field_line(app, "col.owner", d.owner.clone()),
    ];
    if let Some(pin) = &d.pin {
        lines.push(field_line(
            app,
            "flag.pinned",
            format!("{} {}", pin.grade, pin.reason),
        ));
    }
    lines.push(field_line(
        app,
        "col.playbook",
        crate::playbook::for_grade(d.grade, c.lang()).to_string(),
    ));
    let pending: Vec<Line<'_>> = detail
        .reminders
        .iter()
        .filter(|r| r.status.is_pending())
        .map(|r| {
            Line::raw(format!(
                "  {}  {}  {}",
                r.due,
                c.get(&format!("reminder.{}", r.kind)),
                c.get(&format!("reminder_status.{}", r.status))
            ))
        })
        .collect();
    if !pending.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.open_reminders")));
        lines.extend(pending);
    }
    if !detail.contacts.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.contacts")));
        lines.extend(detail.contacts.iter().map(contact_line));
    }
    let offset = app.store.session().offset;
    let timeline =
        crate::timeline::entries(&detail.activities, &detail.history, c, app.store.rules());
    if !timeline.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.timeline")));
    }
    for entry in timeline {
        let when = entry
            .at
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        lines.push(Line::from(vec![
            Span::styled(format!("  {when}  "), Style::new().fg(Color::DarkGray)),
            Span::styled(
                format!("{} ", entry.kind),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("{}  ", entry.text)),
            Span::styled(entry.author, Style::new().fg(Color::DarkGray)),
        ]));
    }
    draw_pane(frame, app, lines, d.id.short(), area);
}

/// A bordered, wrapped, scrollable pane of `lines`.
fn draw_pane(frame: &mut Frame<'_>, app: &App, lines: Vec<Line<'_>>, title: String, area: Rect) {
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0))
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(title)
                    .title_bottom(Line::from(app.catalog.get("tui.detail_keys")).right_aligned()),
            ),
        area,
    );
}

fn draw_account_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.account_detail else {
        return;
    };
    let c = &app.catalog;
    let a = &detail.account;
    let mut lines = vec![
        Line::styled(a.name.as_str(), Style::new().add_modifier(Modifier::BOLD)),
        field_line(app, "col.kind", c.word("account_kind", a.kind.as_str())),
        field_line(app, "col.industry", a.industry.clone()),
        field_line(app, "col.region", a.region.clone()),
        field_line(app, "col.channel", c.word("channel", &a.channel)),
        field_line(
            app,
            "col.product_tier",
            a.product_tier
                .map_or_else(|| "—".to_string(), |t| c.word("product_tier", t.as_str())),
        ),
        field_line(
            app,
            "col.satisfaction",
            c.word("satisfaction", a.satisfaction.as_str()),
        ),
        field_line(app, "col.owner", a.owner.clone()),
    ];
    if !a.notes.is_empty() {
        lines.push(field_line(app, "col.notes", a.notes.clone()));
    }
    if !detail.contacts.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.contacts")));
        lines.extend(detail.contacts.iter().map(contact_line));
    }
    if !detail.deals.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.deals")));
    }
    for row in &detail.deals {
        let d = &row.deal;
        let mut spans = vec![
            Span::raw("  "),
            Span::styled(format!(" {} ", d.grade), grade_style(d.grade)),
            Span::raw(format!(
                " {}  {}  {}  {}",
                d.title,
                app.stage_label(&d.stage),
                d.amount,
                d.expected_close.map(|x| x.to_string()).unwrap_or_default()
            )),
        ];
        spans.extend(flag_spans(app, row, None));
        lines.push(Line::from(spans));
    }
    draw_pane(frame, app, lines, a.id.short(), area);
}

/// The catalogue key of a day's short weekday name.
fn weekday_key(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("weekday.{}", day.weekday().num_days_from_monday())
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

fn draw_accounts(frame: &mut Frame<'_>, app: &App, area: Rect) {
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

/// The status line: what the user typed or was told on the left, where and
/// when on the right; when both do not fit, the message wins over the file
/// and user, and the due counts always show.
fn draw_status(frame: &mut Frame<'_>, app: &App, area: Rect) {
    use crate::output::display_width;
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
    let mut left = Vec::new();
    if app.filtering || !app.filter.is_empty() {
        let cursor = if app.filtering { "▏" } else { "" };
        left.push(Span::styled(
            format!(" / {}{cursor} ", app.filter),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    if !app.message.is_empty() {
        left.push(Span::styled(
            format!(" {} ", app.message),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    let whereabouts = format!(" {file} · {} · {} · ", session.user, session.today);
    let used: usize = left.iter().map(|s| display_width(&s.content)).sum();
    let width = usize::from(area.width);
    let mut right = vec![Span::styled(due.clone(), due_style), Span::raw(" ")];
    if used + display_width(&whereabouts) + display_width(&due) < width {
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
    let mut lines: Vec<Line<'_>> = help_for(app.place())
        .map(|help| {
            Line::from(vec![
                Span::styled(
                    crate::output::pad_to_width(help.keys, 16, false),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(c.get(help.text)),
            ])
        })
        .collect();
    if matches!(
        app.place(),
        super::keys::Place::Board | super::keys::Place::Tiers
    ) {
        lines.push(Line::styled(
            c.get("tui.marks"),
            Style::new().fg(Color::DarkGray),
        ));
    }
    let place = match app.place() {
        super::keys::Place::Deal => c.get("tui.place_deal"),
        super::keys::Place::Account => c.get("tui.place_account"),
        _ => c.get(app.view.key()),
    };
    let title = format!("{} · {place}", c.get("help.title"));
    let popup = centered(area, 78, u16::try_from(lines.len() + 3).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.help_scroll, 0))
            .block(Block::new().borders(Borders::ALL).title(title)),
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
        Ask::Snooze { .. } => "prompt.snooze",
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(prompt.text.as_str()),
        Span::styled("▏", Style::new().add_modifier(Modifier::SLOW_BLINK)),
    ])];
    match &prompt.error {
        Some(error) => lines.push(Line::styled(error.as_str(), Style::new().fg(Color::Red))),
        None => lines.push(Line::styled(
            c.get("prompt.hint"),
            Style::new().fg(Color::DarkGray),
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

fn draw_form(frame: &mut Frame<'_>, app: &App, form: &Form, area: Rect) {
    let c = &app.catalog;
    let mut lines = Vec::new();
    for (i, ((label, field), value)) in form.fields.iter().zip(&form.values).enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        let mut spans = vec![
            Span::styled(
                crate::output::pad_to_width(c.get(label), 12, false),
                label_style,
            ),
            Span::raw(" "),
        ];
        match field {
            Field::Text => {
                spans.push(Span::raw(value.as_str()));
                if focused {
                    spans.push(Span::raw("▏"));
                }
            }
            Field::Stage | Field::Choice { .. } => {
                let shown = match field {
                    Field::Choice { .. } if value.is_empty() => "—".to_string(),
                    Field::Choice { prefix, .. } => c.get(&format!("{prefix}.{value}")).to_string(),
                    _ => app.stage_label(value),
                };
                let (before, after) = if focused {
                    ("◂ ", " ▸")
                } else {
                    ("  ", "")
                };
                spans.push(Span::raw(format!("{before}{shown}{after}")));
            }
        }
        lines.push(Line::from(spans));
        if i == 0 && form.adds_account {
            lines.push(Line::styled(
                format!("             {}", c.get("tui.adds_account")),
                Style::new().fg(Color::Green),
            ));
        }
        if let Some(error) = form.errors.get(i).and_then(Option::as_ref) {
            lines.push(Line::styled(
                format!("             {error}"),
                Style::new().fg(Color::Red),
            ));
        }
    }
    lines.push(Line::styled(
        c.get("prompt.form_hint"),
        Style::new().fg(Color::DarkGray),
    ));
    let title = match form.subject {
        Subject::NewDeal => "prompt.new_deal",
        Subject::EditDeal { .. } => "prompt.edit_deal",
        Subject::NewAccount => "prompt.new_account",
        Subject::EditAccount { .. } => "prompt.edit_account",
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
