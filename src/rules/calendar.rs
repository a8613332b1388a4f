//! Date arithmetic the rules need. It saturates instead of panicking, because
//! dates come from user input and a far-off date must not bring the program down.

use chrono::{Days, Months, NaiveDate};

/// Calendar month arithmetic, day clamped to month end: 2027-01-31 + 1 month = 2027-02-28.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Calendar months back, day clamped to month end: 2027-03-31 − 1 month = 2027-02-28.
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

pub(crate) fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

pub fn sub_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
pub(crate) fn d(text: &str) -> NaiveDate {
    text.parse().expect("test dates are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_months_clamps_the_day_to_the_month_end() {
        assert_eq!(add_months(d("2027-01-31"), 1), d("2027-02-28"));
        assert_eq!(add_months(d("2027-03-31"), 1), d("2027-04-30"));
        assert_eq!(add_months(d("2026-08-31"), 6), d("2027-02-28"));
        assert_eq!(add_months(d("2026-12-31"), 3), d("2027-03-31"));
        assert_eq!(add_months(d("2027-05-31"), 3), d("2027-08-31"));
        assert_eq!(add_months(d("2027-11-30"), 3), d("2028-02-29"));
    }

    #[test]
    fn adding_months_knows_leap_years() {
        assert_eq!(add_months(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(add_months(d("2028-02-29"), 12), d("2029-02-28"));
        assert_eq!(add_months(d("2028-02-29"), 48), d("2032-02-29"));
        assert_eq!(add_months(d("2027-08-31"), 6), d("2028-02-29"));
    }

    #[test]
    fn adding_months_keeps_ordinary_days_and_crosses_years() {
        assert_eq!(add_months(d("2027-01-15"), 1), d("2027-02-15"));
        assert_eq!(add_months(d("2027-11-15"), 3), d("2028-02-15"));
        assert_eq!(add_months(d("2027-01-15"), 0), d("2027-01-15"));
    }

    #[test]
    fn date_arithmetic_saturates_at_the_calendar_ends() {
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(sub_days(NaiveDate::MIN, 1), NaiveDate::MIN);
        assert_eq!(add_days(d("2028-02-28"), 1), d("2028-02-29"));
        assert_eq!(sub_days(d("2027-03-01"), 1), d("2027-02-28"));
    }
}
