//! The forecast chart of the Reports view: weighted amounts by month of
//! expected close, with what is late and what has no date beside them.

use chrono::{Datelike, NaiveDate};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart};

use super::money::{compact_in, compact_totals};
use crate::domain::{Amounts, Money};
use crate::output::display_width;
use crate::store::ReportSet;
use crate::tui::app::App;

/// A forecast bar is as wide as its label, `2026-12`, and one cell apart.
const MONTH_BAR: u16 = 7;

/// One bar of the forecast: its label, the weighted amount and its colour.
struct Month {
    label: String,
    weighted: i64,
    color: Color,
}

/// The weighted forecast as columns: the months before this one together
/// as "late", this month and the next ones as far as they fit, the rest as
/// "later", and the deals without a close date; with the totals below.
pub(super) fn forecast_chart<'a>(app: &App, set: &ReportSet, area: Rect) -> (BarChart<'a>, String) {
    let c = &app.catalog;
    let today = app.today();
    let this_month = today.with_day(1).unwrap_or(today);
    let month_of = |text: &str| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok();
    let (mut late, mut undated) = (0i64, 0i64);
    let mut ahead: Vec<(NaiveDate, i64)> = Vec::new();
    // The bars are of one currency, the database's when it has open deals;
    // the line below totals every currency apart.
    let charted = set
        .forecast
        .iter()
        .find(|r| r.currency == set.currency)
        .or(set.forecast.first())
        .map_or(set.currency, |r| r.currency);
    for row in set.forecast.iter().filter(|r| r.currency == charted) {
        let weighted = row.weighted_minor.minor();
        match row.month.as_deref().and_then(month_of) {
            Some(month) if month < this_month => late += weighted,
            Some(month) => ahead.push((month, weighted)),
            None => undated += weighted,
        }
    }
    let fits = usize::from((area.width + 1) / (MONTH_BAR + 1));
    let fixed = usize::from(late != 0) + usize::from(undated != 0);
    let last = ahead.iter().map(|(m, _)| *m).max().unwrap_or(this_month);
    let span = months_between(this_month, last) + 1;
    // Every month from this one on, empty ones too, so the axis is time;
    // one bar goes to "later" when they do not all fit.
    let room = fits.saturating_sub(fixed).max(1);
    let shown = if span <= room {
        span
    } else {
        room.saturating_sub(1).max(1)
    };
    let mut bars = Vec::new();
    if late != 0 {
        bars.push(Month {
            label: c.get("reports_view.late").to_string(),
            weighted: late,
            color: Color::Red,
        });
    }
    let mut month = this_month;
    for _ in 0..shown {
        let weighted = ahead
            .iter()
            .filter(|(m, _)| *m == month)
            .map(|(_, w)| w)
            .sum();
        bars.push(Month {
            label: month.format("%Y-%m").to_string(),
            weighted,
            color: Color::Green,
        });
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(month);
    }
    let later: i64 = ahead
        .iter()
        .filter(|(m, _)| *m >= month && shown < span)
        .map(|(_, w)| w)
        .sum();
    if shown < span {
        bars.push(Month {
            label: c.get("reports_view.later").to_string(),
            weighted: later,
            color: Color::Green,
        });
    }
    if undated != 0 {
        bars.push(Month {
            label: c.get("reports_view.undated").to_string(),
            weighted: undated,
            color: Color::DarkGray,
        });
    }
    let bars: Vec<Bar<'a>> = bars
        .into_iter()
        .map(|m| {
            let value_style = Style::new().bg(m.color).fg(match m.color {
                Color::Green => Color::Black,
                _ => Color::White,
            });
            Bar::new(u64::try_from(m.weighted).unwrap_or(0))
                .label(Line::from(m.label))
                .text_value(bar_value(compact_in(
                    Money(m.weighted),
                    charted,
                    set.currency,
                    c,
                )))
                .style(Style::new().fg(m.color))
                .value_style(value_style)
        })
        .collect();
    let chart = BarChart::vertical(bars)
        .bar_width(MONTH_BAR)
        .bar_gap(1)
        .label_style(Style::new().fg(Color::DarkGray));
    let open = set.forecast.iter();
    let sums = |f: fn(&crate::reports::ForecastRow) -> Money| {
        let sums: Amounts = open.clone().map(|r| (r.currency, f(r))).collect();
        compact_totals(&sums, set.currency, c)
    };
    let total = c.fmt(
        "reports_view.forecast_total",
        &[
            ("weighted", &sums(|r| r.weighted_minor)),
            ("amount", &sums(|r| r.amount_minor)),
            ("deals", &open.map(|r| r.deals).sum::<usize>().to_string()),
        ],
    );
    (chart, total)
}

/// A value to print on a forecast bar, centred by display width: the chart
/// centres by bytes, which puts `1.7万` a column off; spaces in front make
/// up for it (and never show, being drawn in the bar's colour).
fn bar_value(text: String) -> String {
    if text.is_ascii() {
        return text;
    }
    let width = usize::from(MONTH_BAR);
    let offset = width.saturating_sub(display_width(&text)) / 2;
    format!("{}{text}", " ".repeat(offset))
}

/// Whole months from `from` to `to`, both firsts of a month.
fn months_between(from: NaiveDate, to: NaiveDate) -> usize {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    usize::try_from(months).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_value_is_centred_on_its_bar_by_display_width() {
        // The chart starts it at (7 - bytes) / 2: 0 for all of these, so
        // the spaces put it where a centred one goes.
        for (text, offset) in [("1.7万", 1), ("35万", 1), ("17.7万", 0), ("2亿", 2)] {
            let padded = bar_value(text.to_string());
            assert!(padded.len() >= usize::from(MONTH_BAR) - 1, "{padded:?}");
            assert_eq!(padded.len() - text.len(), offset, "{text}");
        }
        assert_eq!(bar_value("350k".to_string()), "350k");
    }

    #[test]
    fn months_between_counts_across_years() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(months_between(d("2026-11-01"), d("2027-02-01")), 3);
        assert_eq!(months_between(d("2026-11-01"), d("2026-11-01")), 0);
        assert_eq!(months_between(d("2026-11-01"), d("2026-01-01")), 0);
    }
}
