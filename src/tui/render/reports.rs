//! The Reports view: the funnel, the grades, the value tiers and the
//! forecast as charts, two by two where there is room, else a pair (or one)
//! at a time with ← → for the others.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::forecast::forecast_chart;
use super::goals::goal_lines;
use super::money::{compact_in, compact_totals};
use super::{grade_style, tier_style};
use crate::domain::{LOST, WON};
use crate::output::{display_width, pad_to_width, truncate_to_width};
use crate::store::ReportSet;
use crate::tui::app::App;
use crate::tui::layout::report_panels;

pub(super) fn draw_reports(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let c = &app.catalog;
    let reports = &app.reports;
    let Some(set) = &reports.set else {
        let text = match &reports.error {
            Some(error) => Line::styled(error.as_str(), Style::new().fg(Color::Red)),
            None => Line::styled(
                c.get("reports_view.working"),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        };
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(c.get("view.reports")),
            ),
            area,
        );
        return;
    };
    let count = app.report_panel_count();
    let (summary, panels) = report_panels(area, app.report_panel, count);
    frame.render_widget(summary_line(app, set, usize::from(summary.width)), summary);
    let last = panels.len().saturating_sub(1);
    for (i, &(panel, rect)) in panels.iter().enumerate() {
        let focused = panel == app.report_panel;
        let mut block = Block::new().borders(Borders::ALL).border_style(if focused {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::DarkGray)
        });
        // Where the others are, when not all show.
        if i == last && panels.len() < count {
            let first = panels.first().map_or(0, |(p, _)| p + 1);
            let shown = if first == panel + 1 {
                format!("{first}/{count} ← →")
            } else {
                format!("{first}–{}/{count} ← →", panel + 1)
            };
            block = block.title_bottom(Line::from(shown).right_aligned());
        }
        let inner = block.inner(rect);
        let (title, lines) = match panel {
            0 => ("reports_view.funnel", funnel_lines(app, set, inner)),
            1 => ("reports_view.grades", grade_lines(app, set, inner)),
            2 => ("reports_view.tiers", tier_lines(app, set, inner)),
            4 => ("reports_view.goals", goal_lines(app, set, inner)),
            _ => {
                let (chart, total) = forecast_chart(app, set, inner);
                frame.render_widget(
                    block
                        .title(c.get("reports_view.forecast"))
                        .title_bottom(Line::from(total)),
                    rect,
                );
                frame.render_widget(chart, inner);
                continue;
            }
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block.title(c.get(title))),
            rect,
        );
    }
}

/// The period, the accounts per lifecycle and how many are at risk; and
/// whether newer numbers are on their way.
fn summary_line<'a>(app: &App, set: &ReportSet, width: usize) -> Line<'a> {
    let c = &app.catalog;
    let dim = Style::new().fg(Color::DarkGray);
    let mut spans = Vec::new();
    for row in &set.lifecycle.rows {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", dim));
        }
        spans.push(Span::raw(format!(
            "{} {}",
            c.word("lifecycle", row.lifecycle.as_str()),
            row.accounts
        )));
    }
    let at_risk: usize = set.lifecycle.rows.iter().map(|r| r.at_risk).sum();
    spans.push(Span::styled(" · ", dim));
    spans.push(Span::styled(
        c.fmt("reports_view.at_risk", &[("count", &at_risk.to_string())]),
        Style::new().fg(Color::Red),
    ));
    let mut note = Vec::new();
    if let Some(error) = &app.reports.error {
        note.push(Span::styled(
            format!("  {error}"),
            Style::new().fg(Color::Red),
        ));
    } else if app.reports.is_stale() {
        note.push(Span::styled(
            format!("  {}", c.get("reports_view.updating")),
            Style::new().fg(Color::Yellow),
        ));
    }
    let period = c.fmt(
        "reports_view.period",
        &[
            ("from", &set.period.from.to_string()),
            ("to", &set.period.to.to_string()),
        ],
    );
    let used: usize = spans
        .iter()
        .chain(&note)
        .map(|s| display_width(&s.content))
        .sum();
    // The period goes first, when it fits.
    let period_width = display_width(&period) + 4;
    let mut line = vec![Span::raw(" ")];
    if used + period_width <= width {
        line.push(Span::styled(
            period,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        line.push(Span::styled(" · ", dim));
    }
    line.extend(spans);
    line.extend(note);
    Line::from(line)
}

/// One bar of a horizontal bar table: its label, what its length measures,
/// its colour and the figures after it.
pub(super) struct Row<'a> {
    pub(super) label: Span<'a>,
    pub(super) value: u64,
    pub(super) style: Style,
    pub(super) figures: Vec<Span<'a>>,
}

/// Rows of bars `width` columns wide, labels and figures aligned by display
/// width, under a header of the figures' names. The bar gets what the label
/// and the figures leave; where that is too little, the last figures go.
/// The longest bar fills the width, or a bar of `full` when given.
pub(super) fn bar_table<'a>(
    label_header: &str,
    headers: &[&str],
    rows: Vec<Row<'a>>,
    area: Rect,
    below: usize,
    full: Option<u64>,
) -> Vec<Line<'a>> {
    let width = usize::from(area.width);
    // With room to spare (all four charts on a tall screen), a blank line
    // between bars makes them easier to tell apart.
    let spread = usize::from(area.height) >= 1 + 2 * rows.len() + below;
    const LEAST_BAR: usize = 6;
    let label_width = rows
        .iter()
        .map(|r| display_width(&r.label.content))
        .chain([display_width(label_header)])
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut figure_widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .filter_map(|r| r.figures.get(i))
                .map(|f| display_width(&f.content))
                .chain([display_width(h)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let room = |figures: &[usize]| {
        width.saturating_sub(label_width + 1 + figures.iter().map(|w| w + 1).sum::<usize>())
    };
    while room(&figure_widths) < LEAST_BAR && figure_widths.pop().is_some() {}
    let bar_width = room(&figure_widths);
    let most = full.unwrap_or_else(|| rows.iter().map(|r| r.value).max().unwrap_or(0));
    let dim = Style::new().fg(Color::DarkGray);
    let mut header = vec![Span::styled(
        pad_to_width(label_header, label_width + 1 + bar_width, false),
        dim,
    )];
    for (h, w) in headers.iter().zip(&figure_widths) {
        header.push(Span::styled(format!(" {}", pad_to_width(h, *w, true)), dim));
    }
    let mut lines = vec![Line::from(header)];
    for row in rows {
        let label = truncate_to_width(&row.label.content, label_width);
        let mut spans = vec![
            Span::styled(pad_to_width(&label, label_width, false), row.label.style),
            Span::raw(" "),
            Span::styled(
                pad_to_width(&bar(row.value, most, bar_width), bar_width, false),
                row.style,
            ),
        ];
        for (figure, w) in row.figures.into_iter().zip(&figure_widths) {
            spans.push(Span::styled(
                format!(" {}", pad_to_width(&figure.content, *w, true)),
                figure.style,
            ));
        }
        lines.push(Line::from(spans));
        if spread {
            lines.push(Line::raw(""));
        }
    }
    lines
}

/// A bar `value / most` of `width` cells, drawn to an eighth of a cell; a
/// value above nothing always shows a sliver.
fn bar(value: u64, most: u64, width: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if most == 0 || value == 0 || width == 0 {
        return String::new();
    }
    let eighths = (u128::from(value) * width as u128 * 8 / u128::from(most)).max(1);
    let full = usize::try_from(eighths / 8).unwrap_or(width).min(width);
    let mut text = "█".repeat(full);
    let part = usize::try_from(eighths % 8).unwrap_or(0);
    if part > 0 && full < width {
        text.push(EIGHTHS[part - 1]);
    }
    text
}

/// A share 0..=1 as a whole percentage.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

fn funnel_lines<'a>(app: &App, set: &ReportSet, area: Rect) -> Vec<Line<'a>> {
    let c = &app.catalog;
    let funnel = &set.funnel;
    let rows = funnel
        .rows
        .iter()
        .filter(|r| r.stage != LOST)
        .map(|r| {
            let won = r.stage == WON;
            Row {
                label: Span::raw(app.stage_label(&r.stage)),
                value: r.reached as u64,
                style: Style::new().fg(if won { Color::Green } else { Color::Cyan }),
                figures: vec![
                    Span::styled(
                        r.reached.to_string(),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(if won {
                        String::new()
                    } else {
                        percent(r.conversion)
                    }),
                ],
            }
        })
        .collect();
    let mut lines = bar_table(
        c.get("col.stage"),
        &[c.get("col.reached"), c.get("col.conversion")],
        rows,
        area,
        1,
        None,
    );
    lines.push(Line::styled(
        c.fmt(
            "reports_view.win_rate",
            &[
                ("rate", &percent(funnel.win_rate)),
                ("won", &funnel.won.to_string()),
                ("lost", &funnel.lost.to_string()),
            ],
        ),
        Style::new().fg(Color::DarkGray),
    ));
    lines
}

fn grade_lines<'a>(app: &App, set: &ReportSet, area: Rect) -> Vec<Line<'a>> {
    let c = &app.catalog;
    let rows = set
        .grades
        .iter()
        .map(|g| {
            let mark = |count: usize, color: Color| {
                let text = if count == 0 {
                    String::new()
                } else {
                    count.to_string()
                };
                Span::styled(text, Style::new().fg(color))
            };
            Row {
                label: Span::styled(format!(" {} ", g.grade), grade_style(g.grade)),
                value: g.deals as u64,
                // The bar in the colour of the grade's badge on the board.
                style: Style::new().fg(grade_style(g.grade).bg.unwrap_or(Color::Reset)),
                figures: vec![
                    Span::styled(
                        g.deals.to_string(),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(compact_in(g.amount_minor, g.currency, set.currency, c)),
                    mark(g.slipped, Color::Red),
                    mark(g.stale, Color::Magenta),
                ],
            }
        })
        .collect();
    bar_table(
        "",
        &[
            c.get("col.deals"),
            c.get("col.amount"),
            c.get("col.slipped"),
            c.get("col.stale"),
        ],
        rows,
        area,
        0,
        None,
    )
}

fn tier_lines<'a>(app: &App, set: &ReportSet, area: Rect) -> Vec<Line<'a>> {
    let c = &app.catalog;
    let abc = &set.abc;
    let rows = abc
        .tiers
        .iter()
        .map(|t| Row {
            label: Span::styled(t.tier.to_string(), tier_style(t.tier)),
            // Basis points: the bars compare shares, whatever the currency.
            value: (t.share * 10_000.0).round() as u64,
            style: tier_style(t.tier).remove_modifier(Modifier::BOLD),
            figures: vec![
                Span::styled(
                    percent(Some(t.share)),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(t.accounts.to_string()),
                Span::raw(compact_in(t.revenue_minor, set.currency, set.currency, c)),
            ],
        })
        .collect();
    let mut lines = bar_table(
        c.get("col.tier"),
        &[
            c.get("col.share"),
            c.get("col.accounts"),
            c.get("col.revenue"),
        ],
        rows,
        area,
        2,
        None,
    );
    let headline = match &abc.pareto {
        Some(p) => c.fmt(
            "report.pareto",
            &[
                ("percent", &p.top_percent.to_string()),
                ("top", &p.top.to_string()),
                ("ranked", &p.ranked.to_string()),
                ("share", &percent(Some(p.share))),
            ],
        ),
        None => c.get("report.no_revenue").to_string(),
    };
    lines.push(Line::styled(
        headline,
        Style::new().add_modifier(Modifier::BOLD),
    ));
    if !set.unranked.is_empty() {
        lines.push(Line::raw(c.fmt(
            "report.unranked",
            &[
                ("currency", set.currency.code()),
                ("amounts", &compact_totals(&set.unranked, set.currency, c)),
            ],
        )));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_to_an_eighth_and_never_vanish() {
        assert_eq!(bar(8, 8, 4), "████");
        assert_eq!(bar(4, 8, 4), "██");
        assert_eq!(bar(5, 8, 4), "██▌");
        assert_eq!(bar(1, 1_000_000, 4), "▏", "a sliver for a little");
        assert_eq!(bar(0, 8, 4), "");
        assert_eq!(bar(3, 0, 4), "");
    }
}
