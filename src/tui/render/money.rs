//! Money as the screen shows it: whole units on a card, short forms where
//! room is scarce (a chart, a column's total).

use crate::domain::Money;
use crate::i18n::{Catalog, Lang};

/// An amount without its cents, for a card read at a glance: `132,000`.
pub(super) fn whole_units(amount: crate::domain::Money) -> String {
    let text = amount.to_string();
    match text.strip_suffix(".00") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// Money short enough for a chart: `9,800`, `12.5k`, `1.2M`; in Chinese,
/// `12.5万`, `1.2亿`, as people there count.
pub(super) fn compact(amount: Money, c: &Catalog) -> String {
    let major = amount.minor() / 100;
    let steps: &[(i64, &str)] = match c.lang() {
        Lang::ZhCn => &[(100_000_000, "亿"), (10_000, "万")],
        Lang::En => &[(1_000_000_000, "B"), (1_000_000, "M"), (10_000, "k")],
    };
    for &(step, unit) in steps {
        // Thousands are written as such from ten thousand on (`12.5k`).
        let divisor = if unit == "k" { 1_000 } else { step };
        if major.abs() >= step {
            let scaled = major as f64 / divisor as f64;
            let text = if scaled.abs() >= 100.0 {
                format!("{scaled:.0}")
            } else {
                format!("{scaled:.1}")
            };
            let text = text.strip_suffix(".0").unwrap_or(&text).to_string();
            return format!("{text}{unit}");
        }
    }
    whole_units(Money(major * 100))
}

/// `amount` in full when it fits in `width` columns, else short.
pub(super) fn fitting(amount: Money, width: usize, c: &Catalog) -> String {
    let full = amount.to_string();
    if crate::output::display_width(&full) <= width {
        full
    } else {
        compact(amount, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_on_a_chart_is_short_in_the_reader_s_own_units() {
        let en = Catalog::new(Lang::En);
        let zh = Catalog::new(Lang::ZhCn);
        let yuan = |major: i64| Money(major * 100);
        assert_eq!(compact(yuan(9_800), &en), "9,800");
        assert_eq!(compact(yuan(12_500), &en), "12.5k");
        assert_eq!(compact(yuan(350_000), &en), "350k");
        assert_eq!(compact(yuan(1_200_000), &en), "1.2M");
        assert_eq!(compact(yuan(-2_000_000), &en), "-2M");
        assert_eq!(compact(yuan(9_800), &zh), "9,800");
        assert_eq!(compact(yuan(125_000), &zh), "12.5万");
        assert_eq!(compact(yuan(3_500_000), &zh), "350万");
        assert_eq!(compact(yuan(120_000_000), &zh), "1.2亿");
    }

    #[test]
    fn a_total_too_wide_for_its_column_is_said_short_not_cut() {
        let en = Catalog::new(Lang::En);
        let zh = Catalog::new(Lang::ZhCn);
        let total = Money(412_670_199);
        assert_eq!(fitting(total, 14, &en), "4,126,701.99");
        assert_eq!(fitting(total, 10, &en), "4.1M");
        assert_eq!(fitting(total, 10, &zh), "413万");
    }
}
