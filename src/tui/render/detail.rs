//! The detail panes of a deal and of an account.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::board::{badge, flag_spans};
use super::{grade_style, tier_style};
use crate::store::Standing;
use crate::tui::app::App;

/// A section heading inside a detail pane.
pub(super) fn heading(text: &str) -> Line<'_> {
    Line::styled(
        text,
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )
}

/// `label: value`, the label dimmed.
pub(super) fn field_line<'a>(app: &App, key: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{}: ", app.catalog.get(key)),
            Style::new().fg(Color::DarkGray),
        ),
        Span::raw(value),
    ])
}

/// A person with what reaches them; `marked` is the one `C` edits.
pub(super) fn contact_line(contact: &crate::domain::Contact, marked: bool) -> Line<'_> {
    let parts = [
        contact.title.as_str(),
        contact.phone.as_str(),
        contact.email.as_str(),
        contact.other.as_str(),
    ];
    let rest: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    Line::from(vec![
        Span::styled(
            format!("{} {}", if marked { "▸" } else { " " }, contact.name),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!("  {}", rest.join(" · "))),
    ])
}

pub(super) fn draw_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.opened.deal else {
        return;
    };
    let c = &app.catalog;
    let row = &detail.row;
    let d = &row.deal;
    let mut title = vec![
        badge(app, d),
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
        field_line(
            app,
            "col.amount",
            super::money::priced_exactly(d.amount, d.currency),
        ),
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
    ];
    // Revisits are for open deals; a closed one says when, and a lost one why.
    if d.is_open() {
        let next = row.next_revisit.map(|x| x.to_string()).unwrap_or_default();
        lines.push(field_line(app, "col.next_revisit", next));
    } else {
        let closed = d.closed_on.map(|x| x.to_string()).unwrap_or_default();
        lines.push(field_line(app, "col.closed_on", closed));
        if let Some(reason) = &d.lost_reason {
            lines.push(field_line(app, "col.lost_reason", reason.clone()));
        }
    }
    lines.push(field_line(app, "col.owner", d.owner.clone()));
    let contact = d
        .contact_id
        .and_then(|id| detail.contacts.iter().find(|k| k.id == id));
    if let Some(contact) = contact {
        let mut line = field_line(app, "col.contact", contact.name.clone());
        let reach = [contact.title.as_str(), contact.phone.as_str()];
        let reach: Vec<&str> = reach.into_iter().filter(|p| !p.is_empty()).collect();
        if !reach.is_empty() {
            line.push_span(Span::raw(format!("  {}", reach.join(" · "))));
        }
        lines.push(line);
    }
    for (key, value) in [
        ("col.source", &d.source),
        ("col.next_step", &d.next_step),
        ("col.notes", &d.notes),
    ] {
        if !value.is_empty() {
            lines.push(field_line(app, key, value.clone()));
        }
    }
    if let Some(pin) = &d.pin {
        lines.push(field_line(
            app,
            "flag.pinned",
            format!("{} {}", pin.grade, pin.reason),
        ));
    }
    if d.is_open() {
        lines.push(field_line(
            app,
            "col.playbook",
            crate::playbook::for_grade(d.grade, c.lang()).to_string(),
        ));
    }
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
        lines.extend(detail.contacts.iter().map(|k| contact_line(k, false)));
    }
    let timeline = crate::timeline::of_deal(detail, c, app.store.rules());
    if !timeline.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.timeline")));
    }
    for entry in timeline {
        let when = app.store.session().local_minute(entry.at);
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
pub(super) fn draw_pane(
    frame: &mut Frame<'_>,
    app: &App,
    lines: Vec<Line<'_>>,
    title: String,
    area: Rect,
) {
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.opened.scroll, 0))
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(title)
                    .title_bottom(Line::from(app.catalog.get("tui.detail_keys")).right_aligned()),
            ),
        area,
    );
}

pub(super) fn draw_account_detail(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(detail) = &app.opened.account else {
        return;
    };
    let c = &app.catalog;
    let a = &detail.account;
    let standing = &detail.standing;
    let mut title = vec![Span::styled(
        a.name.as_str(),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if let Some(tier) = standing.tier {
        title.push(Span::styled(format!("  {tier}"), tier_style(tier)));
    }
    let mut lines = vec![Line::from(title)];
    lines.extend(standing_lines(app, standing));
    lines.extend([
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
    ]);
    if !a.notes.is_empty() {
        lines.push(field_line(app, "col.notes", a.notes.clone()));
    }
    if !detail.contacts.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(c.get("tui.contacts")));
        let marked = app.opened.contact.min(detail.contacts.len() - 1);
        lines.extend(
            detail
                .contacts
                .iter()
                .enumerate()
                .map(|(i, k)| contact_line(k, i == marked)),
        );
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
                super::money::priced_exactly(d.amount, d.currency),
                d.expected_close.map(|x| x.to_string()).unwrap_or_default()
            )),
        ];
        spans.extend(flag_spans(app, row, None));
        lines.push(Line::from(spans));
    }
    draw_pane(frame, app, lines, a.id.short(), area);
}

/// An account's value tier with its revenue, lifecycle, buying, the reasons
/// it is at risk in words, and the playbook line of its tier.
fn standing_lines(app: &App, standing: &Standing) -> Vec<Line<'static>> {
    let c = &app.catalog;
    let tier = match (standing.tier, standing.revenue.minor()) {
        (None, 0) => "—".to_string(),
        (tier, _) => {
            let revenue = c.fmt(
                "tui.revenue_window",
                &[
                    // Revenue is kept in the database's currency.
                    (
                        "amount",
                        &super::money::priced_exactly(standing.revenue, app.currency),
                    ),
                    (
                        "months",
                        &app.store.rules().value_tiers.window_months.to_string(),
                    ),
                ],
            );
            let tier = tier.map(|t| format!("{t} · ")).unwrap_or_default();
            format!("{tier}{revenue}")
        }
    };
    let dim = Style::new().fg(Color::DarkGray);
    // Lifecycle and buying share a line: both say how the account buys.
    let mut lifecycle = field_line(
        app,
        "col.lifecycle",
        c.word("lifecycle", standing.lifecycle.as_str()),
    );
    lifecycle.push_span(Span::styled(format!("  {}: ", c.get("col.behaviour")), dim));
    lifecycle.push_span(Span::raw(c.word("behaviour", standing.behaviour.as_str())));
    let mut lines = vec![field_line(app, "col.value_tier", tier), lifecycle];
    if !standing.risks.is_empty() {
        let reasons = crate::i18n::risk_words(c, &standing.risks, standing.quiet_days(app.today()));
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", c.get("col.at_risk")), dim),
            Span::styled(
                reasons.join(" · "),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ]));
    }
    if let Some(tier) = standing.tier {
        lines.push(field_line(
            app,
            "col.playbook",
            crate::playbook::for_tier(tier.as_str(), c.lang()).to_string(),
        ));
    }
    lines
}
