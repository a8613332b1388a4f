//! Money as the screen shows it: whole units on a card, short forms where
//! room is scarce (a chart, a column's total).

use crate::domain::{Amounts, Currency, Money};
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

/// A number with its currency's sign before it, or its code after it when
/// it has no well-known sign: `$12,500`, `¥4.1M`, `9,500 CHF`.
fn signed(number: &str, currency: Currency) -> String {
    match currency.symbol() {
        Some(sign) => format!("{sign}{number}"),
        None => format!("{number} {currency}"),
    }
}

/// An amount on a card: whole units with its currency, `$12,500`.
pub(super) fn priced(amount: Money, currency: Currency) -> String {
    signed(&whole_units(amount), currency)
}

/// An amount in full with its currency, for a detail pane: `€9,500.00`.
pub(super) fn priced_exactly(amount: Money, currency: Currency) -> String {
    signed(&amount.to_string(), currency)
}

/// Totals, one per currency and never added together, in full when they
/// fit in `width` columns, else short, else as many as fit and `+…`:
/// `4,126,701.99`, `413万` alone in the database's currency `home` (which
/// goes without saying, as on the cards), `¥413万 + $1.3万` when there are
/// several.
pub(super) fn fitting(totals: &Amounts, home: Currency, width: usize, c: &Catalog) -> String {
    let shown = totals.shown();
    let fits = |text: &String| crate::output::display_width(text) <= width;
    if let [] | [(_, _)] = shown.as_slice()
        && shown.iter().all(|(currency, _)| *currency == home)
    {
        let total = totals.get(home);
        let full = total.to_string();
        return if fits(&full) { full } else { compact(total, c) };
    }
    let join = |each: &dyn Fn(Currency, Money) -> String, gap: &str| {
        shown
            .iter()
            .map(|&(currency, amount)| each(currency, amount))
            .collect::<Vec<_>>()
            .join(gap)
    };
    let short = |currency, amount| signed(&compact(amount, c), currency);
    let tries = [
        join(&|currency, amount| priced_exactly(amount, currency), " + "),
        join(&short, " + "),
        join(&short, "+"),
    ];
    if let Some(text) = tries.into_iter().find(|t| fits(t)) {
        return text;
    }
    // Cut whole totals, never digits: the ones left out are said by `+…`.
    let mut text = String::new();
    for &(currency, amount) in &shown {
        let next = if text.is_empty() {
            short(currency, amount)
        } else {
            format!("{text}+{}", short(currency, amount))
        };
        if !fits(&format!("{next}+…")) {
            break;
        }
        text = next;
    }
    format!("{text}+…")
}

/// Totals always short, for a line of text: `413万`, `¥413万 + $1.2万`.
pub(super) fn compact_totals(totals: &Amounts, home: Currency, c: &Catalog) -> String {
    let shown = totals.shown();
    if shown.iter().all(|(currency, _)| *currency == home) {
        return compact(totals.get(home), c);
    }
    shown
        .iter()
        .map(|&(currency, amount)| signed(&compact(amount, c), currency))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Short, with its currency's sign unless it is the database's, `home`:
/// `413万`, `$12.5k`.
pub(super) fn compact_in(amount: Money, currency: Currency, home: Currency, c: &Catalog) -> String {
    let text = compact(amount, c);
    if currency == home {
        text
    } else {
        signed(&text, currency)
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

    fn code(s: &str) -> Currency {
        s.parse().unwrap()
    }

    #[test]
    fn a_total_too_wide_for_its_column_is_said_short_not_cut() {
        let en = Catalog::new(Lang::En);
        let zh = Catalog::new(Lang::ZhCn);
        let cny = Currency::CNY;
        let total: Amounts = [(cny, Money(412_670_199))].into_iter().collect();
        assert_eq!(fitting(&total, cny, 14, &en), "4,126,701.99");
        assert_eq!(fitting(&total, cny, 10, &en), "4.1M");
        assert_eq!(fitting(&total, cny, 10, &zh), "413万");
        assert_eq!(fitting(&Amounts::default(), cny, 10, &en), "0.00");
        // One total in another currency says which.
        assert_eq!(fitting(&total, code("USD"), 20, &en), "¥4,126,701.99");
    }

    #[test]
    fn totals_in_several_currencies_are_shown_apart_largest_first() {
        let en = Catalog::new(Lang::En);
        let zh = Catalog::new(Lang::ZhCn);
        let totals: Amounts = [
            (code("USD"), Money(1_250_000)),
            (Currency::CNY, Money(412_670_199)),
            (code("CHF"), Money(50_000)),
        ]
        .into_iter()
        .collect();
        let cny = Currency::CNY;
        assert_eq!(
            fitting(&totals, cny, 80, &en),
            "¥4,126,701.99 + $12,500.00 + 500.00 CHF"
        );
        assert_eq!(fitting(&totals, cny, 30, &en), "¥4.1M + $12.5k + 500 CHF");
        assert_eq!(fitting(&totals, cny, 30, &zh), "¥413万 + $1.2万 + 500 CHF");
        assert_eq!(fitting(&totals, cny, 20, &en), "¥4.1M+$12.5k+500 CHF");
        assert_eq!(fitting(&totals, cny, 14, &en), "¥4.1M+$12.5k+…");
        assert_eq!(fitting(&totals, cny, 9, &zh), "¥413万+…");
        assert_eq!(
            compact_in(Money(1_250_000), code("USD"), cny, &en),
            "$12.5k"
        );
        assert_eq!(compact_in(Money(1_250_000), cny, cny, &en), "12.5k");
        assert_eq!(
            compact_totals(&totals, cny, &en),
            "¥4.1M + $12.5k + 500 CHF"
        );
        let yuan: Amounts = [(cny, Money(412_670_199))].into_iter().collect();
        assert_eq!(compact_totals(&yuan, cny, &zh), "413万");
    }

    #[test]
    fn a_card_s_amount_carries_its_currency_sign_or_code() {
        assert_eq!(priced(Money(1_250_000), code("USD")), "$12,500");
        assert_eq!(priced(Money(950_000), code("EUR")), "€9,500");
        assert_eq!(priced(Money(1_240_000), Currency::CNY), "¥12,400");
        assert_eq!(priced(Money(99_950), code("GBP")), "£999.50");
        assert_eq!(priced(Money(1_000_000), code("JPY")), "10,000 JPY");
        assert_eq!(priced_exactly(Money(950_000), code("EUR")), "€9,500.00");
    }
}
