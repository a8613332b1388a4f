//! The Reports view's goals panel: for each goal in force (this month's,
//! then this quarter's), a bar per rep and measure toward its target, the
//! team's under the reps', the pace each needs per working day from today,
//! and the weighted pipeline that could close the gap.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::money::compact_in;
use super::reports::{Row, bar_table};
use crate::domain::Money;
use crate::reports::{GoalPeriod, GoalRow, Measure, Pace};
use crate::store::ReportSet;
use crate::tui::app::App;

pub(super) fn goal_lines<'a>(app: &App, set: &ReportSet, area: Rect) -> Vec<Line<'a>> {
    let c = &app.catalog;
    // The month's goals first, then the quarter's (as the rows are sorted
    // by period within each owner, they are sorted again here).
    let mut rows: Vec<&GoalRow> = set.goals.iter().collect();
    rows.sort_by_key(|r| (r.period, r.team, r.owner.as_str()));
    let mut periods: Vec<(GoalPeriod, u32)> = rows
        .iter()
        .map(|r| (r.period, r.working_days_left))
        .collect();
    periods.dedup();
    let first = periods.first().map(|(p, _)| *p);
    let said: Vec<String> = periods
        .iter()
        .map(|(period, days)| {
            c.fmt(
                "reports_view.goal_period",
                &[("period", &period.to_string()), ("days", &days.to_string())],
            )
        })
        .collect();
    let mut lines = vec![Line::styled(
        said.join(" · "),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let headers = [
        c.get("col.percent"),
        c.get("col.attained"),
        c.get("col.target"),
        c.get("col.pace"),
        c.get("col.pipeline"),
    ];
    let bars = rows
        .into_iter()
        .map(|r| bar_row(app, set, r, Some(r.period) != first))
        .collect();
    lines.extend(bar_table("", &headers, bars, area, 1, Some(100)));
    lines
}

/// One measure of one goal; `dated` names its period (the quarter's,
/// under the month's).
fn bar_row<'a>(app: &App, set: &ReportSet, r: &GoalRow, dated: bool) -> Row<'a> {
    let c = &app.catalog;
    let who = if r.team {
        c.get("report.team").to_string()
    } else {
        r.owner.clone()
    };
    let figure = |n: i64| match (r.measure, r.currency) {
        (Measure::WonAmount, Some(currency)) => compact_in(Money(n), currency, set.currency, c),
        _ => n.to_string(),
    };
    let met = r.gap == Some(0);
    let pace = match r.pace_per_day {
        _ if met => "✓".to_string(),
        Some(Pace::Minor(m)) => c.fmt("reports_view.per_day", &[("pace", &figure(m))]),
        Some(Pace::Count(n)) => c.fmt("reports_view.per_day", &[("pace", &format!("{n:.1}"))]),
        None if r.gap.is_some() => c.get("report.period_over").to_string(),
        None => String::new(),
    };
    let pipeline = match (r.pipeline_weighted_minor, r.pipeline_deals) {
        (Some(weighted), _) => figure(weighted.minor()),
        (None, Some(deals)) => deals.to_string(),
        (None, None) => String::new(),
    };
    let label_style = if r.team {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    Row {
        label: Span::styled(
            if dated {
                format!(
                    "{who} · {} ({})",
                    c.word("goal_measure", r.measure.as_str()),
                    r.period
                )
            } else {
                format!("{who} · {}", c.word("goal_measure", r.measure.as_str()))
            },
            label_style,
        ),
        value: r.percent.map_or(0, |p| p.clamp(0, 100) as u64),
        style: Style::new().fg(if met { Color::Green } else { Color::Cyan }),
        figures: vec![
            Span::styled(
                r.percent
                    .map_or_else(|| "–".to_string(), |p| format!("{p}%")),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(figure(r.attained)),
            Span::raw(r.target.map(figure).unwrap_or_default()),
            Span::styled(
                pace,
                Style::new().fg(if met { Color::Green } else { Color::Yellow }),
            ),
            Span::raw(pipeline),
        ],
    }
}
