//! What is drawn over a view: help, prompts and forms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::i18n::Catalog;
use crate::output::{display_width, pad_to_width, truncate_to_width};
use crate::tui::action::{Mode, Place};
use crate::tui::app::{App, Ask, Conflict, Doomed, Prompt};
use crate::tui::form::{Field, Form, Subject};
use crate::tui::keys;

/// A rectangle of at most `width`×`height` in the middle of `area`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// A titled box of `lines`, at most `width` wide, over the middle of `area`,
/// scrolled down by `scroll` lines.
fn draw_box(
    frame: &mut Frame<'_>,
    area: Rect,
    width: u16,
    title: String,
    lines: Vec<Line<'_>>,
    scroll: u16,
) {
    let popup = popup_for(area, width, &lines);
    clear_under(frame, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::new().borders(Borders::ALL).title(title)),
        popup,
    );
}

/// Blanks what a popup covers, and one column either side: a wide (Chinese)
/// character cut by the popup's edge would otherwise still show over it.
fn clear_under(frame: &mut Frame<'_>, popup: Rect) {
    let widened = Rect::new(
        popup.x.saturating_sub(1),
        popup.y,
        popup.width.saturating_add(2),
        popup.height,
    )
    .intersection(frame.area());
    frame.render_widget(Clear, widened);
}

/// A bordered box of at most `width` columns in the middle of `area`, tall
/// enough for `lines` wrapped to its inside.
fn popup_for(area: Rect, width: u16, lines: &[Line<'_>]) -> Rect {
    let inner = usize::from(width.min(area.width).saturating_sub(2)).max(1);
    // Words wrap a little earlier than characters would: one spare line.
    let wrapped: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(wrapped + 3).unwrap_or(u16::MAX);
    centered(area, width, height)
}

/// The keys of a mode as dim lines at the foot of a box `inner` columns
/// wide, broken between items rather than inside one.
fn key_hints(c: &Catalog, mode: Mode, inner: usize) -> Vec<Line<'static>> {
    let mut hints = vec![String::new()];
    for item in super::hint_items(c, mode) {
        match hints.last_mut() {
            Some(line) if line.is_empty() => line.push_str(&item),
            Some(line) if display_width(line) + 3 + display_width(&item) <= inner => {
                line.push_str(" · ");
                line.push_str(&item);
            }
            _ => hints.push(item),
        }
    }
    let dim = Style::new().fg(Color::DarkGray);
    hints
        .into_iter()
        .map(|hint| Line::styled(hint, dim))
        .collect()
}

pub(super) fn draw_help(frame: &mut Frame<'_>, app: &App, area: Rect, scroll: u16) {
    let c = &app.catalog;
    let help = keys::help(Mode::Normal(app.place()));
    let keys_width = help
        .iter()
        .map(|(keys, _)| display_width(keys))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines: Vec<Line<'_>> = help
        .into_iter()
        .map(|(keys, text)| {
            Line::from(vec![
                Span::styled(
                    pad_to_width(&keys, keys_width.max(16), false),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(c.get(text)),
            ])
        })
        .collect();
    let marks = match app.place() {
        Place::Board | Place::Tiers => Some("tui.marks"),
        Place::Accounts => Some("tui.account_marks"),
        Place::Reports => Some("reports_view.marks"),
        Place::Agenda | Place::Deal | Place::Account => None,
    };
    if let Some(marks) = marks {
        lines.push(Line::styled(c.get(marks), Style::new().fg(Color::DarkGray)));
    }
    let place = match app.place() {
        Place::Deal => c.get("tui.place_deal"),
        Place::Account => c.get("tui.place_account"),
        _ => c.get(app.view.key()),
    };
    lines.extend(key_hints(c, Mode::Help, 76));
    let title = format!("{} · {place}", c.get("help.title"));
    draw_box(frame, area, 78, title, lines, scroll);
}

pub(super) fn draw_prompt(frame: &mut Frame<'_>, app: &App, prompt: &Prompt, area: Rect) {
    let c = &app.catalog;
    let title = match prompt.ask {
        Ask::CloseDate { .. } => "prompt.close_date",
        Ask::Activity(_) => "prompt.activity",
        Ask::Won(_) => "prompt.won",
        Ask::Lost(_) => "prompt.lost",
        Ask::Pin(_) => "prompt.pin",
        Ask::Snooze { .. } => "prompt.snooze",
        Ask::FollowUp(_) | Ask::AccountFollowUp(_) => "prompt.follow_up",
        Ask::CorrectActivity { .. } => "prompt.correct_activity",
        Ask::RetractActivity { .. } => "prompt.retract_activity",
    };
    let (before, after) = prompt.answer.split();
    let mut lines = vec![Line::from(vec![
        Span::raw(before),
        Span::styled("▏", Style::new().add_modifier(Modifier::SLOW_BLINK)),
        Span::raw(after),
    ])];
    match &prompt.error {
        Some(error) => lines.push(Line::styled(error.as_str(), Style::new().fg(Color::Red))),
        None => lines.extend(key_hints(c, Mode::Prompt, 68)),
    }
    draw_box(frame, area, 70, c.get(title).to_string(), lines, 0);
}

pub(super) fn draw_confirm(frame: &mut Frame<'_>, app: &App, doomed: &Doomed, area: Rect) {
    let c = &app.catalog;
    let question = match doomed {
        Doomed::Deal { title, .. } => c.fmt("prompt.delete_deal", &[("title", title)]),
        Doomed::Account {
            name, open_deals, ..
        } if *open_deals > 0 => c.fmt(
            "prompt.delete_account_with_deals",
            &[("name", name), ("count", &open_deals.to_string())],
        ),
        Doomed::Account { name, .. } => c.fmt("prompt.delete_account", &[("name", name)]),
        Doomed::Contact { name, .. } => c.fmt("prompt.delete_contact", &[("name", name)]),
    };
    let mut lines: Vec<Line<'_>> = super::wrap_by_width(&question, 66)
        .into_iter()
        .map(Line::from)
        .collect();
    lines.extend(key_hints(c, Mode::Confirm, 68));
    draw_box(
        frame,
        area,
        70,
        c.get("prompt.delete").to_string(),
        lines,
        0,
    );
}

pub(super) fn draw_form(frame: &mut Frame<'_>, app: &App, form: &Form, area: Rect) {
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
            Span::styled(pad_to_width(c.get(label), 12, false), label_style),
            Span::raw(" "),
        ];
        match field {
            Field::Text if focused => {
                let (before, after) = crate::tui::text::split(value, form.cursor);
                spans.extend([Span::raw(before), Span::raw("▏"), Span::raw(after)]);
            }
            Field::Text => spans.push(Span::raw(value.as_str())),
            Field::Stage | Field::Choice { .. } => {
                let shown = shown_value(app, field, value);
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
    lines.extend(key_hints(c, Mode::Form, 74));
    let title = match form.subject {
        Subject::NewDeal => "prompt.new_deal",
        Subject::EditDeal { .. } => "prompt.edit_deal",
        Subject::NewAccount => "prompt.new_account",
        Subject::EditAccount { .. } => "prompt.edit_account",
        Subject::NewContact { .. } => "prompt.new_contact",
        Subject::EditContact { .. } => "prompt.edit_contact",
    };
    draw_box(frame, area, 76, c.get(title).to_string(), lines, 0);
}

/// A field's value as the user reads it: text as typed, a picked value in
/// the user's language, an empty choice as "—".
fn shown_value(app: &App, field: &Field, value: &str) -> String {
    match field {
        Field::Text => value.to_string(),
        Field::Choice { .. } if value.is_empty() => "—".to_string(),
        Field::Choice { prefix, .. } => app.catalog.get(&format!("{prefix}.{value}")).to_string(),
        Field::Stage => app.stage_label(value),
    }
}

/// Both versions of a row side by side: a ● marks the side each differing
/// field is saved from, the cursor ▸ the field Space changes.
pub(super) fn draw_conflict(frame: &mut Frame<'_>, app: &App, conflict: &Conflict, area: Rect) {
    const WIDTH: u16 = 78;
    const LABEL: usize = 12;
    let c = &app.catalog;
    // Inside the borders: the cursor, the label, then mine and theirs.
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let side = inner.saturating_sub(LABEL + 3) / 2;
    let at = app.when(conflict.at);
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = vec![
        Line::raw(c.fmt("conflict.who", &[("by", &conflict.by), ("at", &at)])),
        Line::raw(""),
        Line::styled(
            format!(
                "  {} {}{}",
                pad_to_width(c.get("conflict.field"), LABEL, false),
                pad_to_width(c.get("conflict.mine"), side, false),
                truncate_to_width(c.get("conflict.theirs"), side),
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    let mine = &conflict.mine;
    for (i, (label, field)) in mine.fields.iter().enumerate() {
        let value = |form: &Form| {
            let text = form.values.get(i).map_or("", String::as_str);
            truncate_to_width(&shown_value(app, field, text), side.saturating_sub(3))
        };
        let (mine_value, theirs_value) = (value(mine), value(&conflict.theirs));
        let differs = conflict.differs(i);
        let theirs_taken = conflict.take_theirs.get(i).copied().unwrap_or(false);
        let mark = |taken: bool| match (differs, taken) {
            (false, _) => "  ",
            (true, true) => "● ",
            (true, false) => "○ ",
        };
        let focused = differs && i == conflict.focus;
        let picked = Style::new().add_modifier(Modifier::BOLD).fg(Color::Green);
        let (mine_style, theirs_style) = match (differs, theirs_taken) {
            (false, _) => (dim, dim),
            (true, false) => (picked, Style::new()),
            (true, true) => (Style::new(), picked),
        };
        let label_style = if focused {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(if focused { "▸ " } else { "  " }),
            Span::styled(pad_to_width(c.get(label), LABEL, false), label_style),
            Span::raw(" "),
            Span::styled(
                pad_to_width(&format!("{}{mine_value}", mark(!theirs_taken)), side, false),
                mine_style,
            ),
            Span::styled(
                format!("{}{theirs_value}", mark(theirs_taken)),
                theirs_style,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(key_hints(c, Mode::Conflict, inner));
    let title = match mine.subject {
        Subject::EditAccount { .. } | Subject::NewAccount => "conflict.title_account",
        Subject::EditDeal { .. } | Subject::NewDeal => "conflict.title_deal",
        Subject::EditContact { .. } | Subject::NewContact { .. } => "conflict.title_contact",
    };
    draw_box(frame, area, WIDTH, c.get(title).to_string(), lines, 0);
}
