//! What people type and what spreadsheets hold: dates, date-times and amounts.
//!
//! Pure functions; "today" is a parameter, never read from the clock.
//!
//! Decisions worth knowing:
//! - Slash dates with the year last (`10/01/2026`) are US month/day, unless the
//!   first number is above 12 (`13/01/2026`), which can only be day/month.
//!   Dotted dates with the year last (`01.10.2026`) are European day.month.
//!   Dashed dates with the year last (`01-10-2026`) are refused: both orders
//!   are common and a wrong guess would silently move a close date.
//!   Two-digit years are refused for the same reason.
//! - Amounts use `.` as the decimal point and `,` or spaces between thousands.
//!   A decimal comma is accepted only where it cannot be misread: the amount
//!   ends in a comma and exactly two digits and has no other comma
//!   (`1.234,56`, `12 400,00`, `99,90`). `1.234` is therefore 1.234, which has
//!   too many decimals, and is refused rather than read as 1234.
//! - A currency marker (`$`, `€`, `£`, `¥`, `元`, `RMB`, `USD` …) before or
//!   after the number says the amount's currency; without one the amount is
//!   in the deal's (or the database's) currency. `¥` is the yuan.
//! - Chinese magnitudes follow the number: `8万` is 80,000, `1.2亿`
//!   120,000,000; `8万元` is 80,000 yuan.
//! - A Chinese date without its year (`1月15日`) is the next such day from
//!   today on, never one past: close dates, snoozes and follow-ups look
//!   ahead, as `+10d` and `下周一` do. A file has no today, so the import
//!   wants the year.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::domain::{Currency, Money};

/// Input that is not a date or an amount. The message says what was wrong and
/// which spellings work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A date typed on the command line or in a form.
    #[error(
        "not a date: `{input}`{}; use YYYY-MM-DD or +10d, +2w, +1m, eom, eoq",
        because(.why)
    )]
    Date { input: String, why: Option<Detail> },
    /// A date in an imported file.
    #[error(
        "not a date: `{input}`{}; use a date like 2026-10-01, 10/01/2026, 01.10.2026 or Oct 1, 2026",
        because(.why)
    )]
    ImportDate { input: String, why: Option<Detail> },
    /// A date and time in an imported file.
    #[error(
        "not a date and time: `{input}`{}; use a date with an optional time, like 2026-10-01 10:00 or 2026-10-01T10:00:00Z",
        because(.why)
    )]
    DateTime { input: String, why: Option<Detail> },
    #[error(
        "not an amount: `{input}`{}; use digits with up to two decimals, like 1200.50, $12,500, €9.500,00 or 8万",
        because(.why)
    )]
    Amount { input: String, why: Option<Detail> },
    /// An amount whose sign or code says another currency than the one given
    /// beside it (`--currency EUR --amount '$5'`).
    #[error(
        "`{input}` is in {said}, but the currency given is {given}; drop one or make them agree"
    )]
    CurrencyDisagrees {
        input: String,
        said: Currency,
        given: Currency,
    },
}

fn because(why: &Option<Detail>) -> String {
    why.as_ref().map(|w| format!(" ({w})")).unwrap_or_default()
}

/// What exactly was wrong with a date or an amount that looked like one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Detail {
    #[error("tierdeck keeps dates from {} to {}", YEARS.start(), YEARS.end())]
    OutOfRange,
    #[error("the unit after the number is d, w, m or y")]
    BadUnit,
    #[error("day and month order is unclear; write it as 2026-10-01")]
    OrderUnclear,
    #[error("there is no month {0}")]
    NoMonth(u32),
    /// `month` counts from 1.
    #[error("{} {year} has {days} days", month_name(*.month))]
    MonthDays { month: u32, year: i32, days: u32 },
    #[error("`{0}` is not a time zone offset")]
    NotAnOffset(String),
    #[error("there is no hour {0} with AM or PM")]
    NoHourAmPm(u32),
    #[error("there is no hour {0}")]
    NoHour(u32),
    #[error("minutes and seconds go up to 59")]
    MinutesOver59,
    #[error("it is empty")]
    Empty,
    #[error("amounts cannot be negative")]
    Negative,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("too large: amounts go up to 999,999,999,999.99")]
    TooLarge,
    #[error("it says two currencies, {0} and {1}")]
    TwoCurrencies(Currency, Currency),
}

impl Detail {
    /// The first and last year a date may have, for wording the range.
    pub fn years() -> (i32, i32) {
        (*YEARS.start(), *YEARS.end())
    }
}

fn month_name(month: u32) -> String {
    let name = MONTHS[month as usize - 1];
    format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..])
}

/// Why input was refused, when there is more to say than "not recognised".
type Why = Option<Detail>;

fn out_of_range() -> Why {
    Some(Detail::OutOfRange)
}

/// The years a date may fall in: four digits, so every stored date reads
/// back as `YYYY-MM-DD` and sorts as text.
const YEARS: RangeInclusive<i32> = 1900..=9999;

fn within_years(date: NaiveDate) -> Result<NaiveDate, Why> {
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(out_of_range())
    }
}

/// A date as typed by a user: `YYYY-MM-DD`, `today`, `tomorrow`, `yesterday`,
/// `+10d`, `-3d`, `+2w`, `+1m`, `+1y` (months and years are calendar months,
/// the day clamped to the month's end), `eom` (end of this month) and `eoq`
/// (end of this quarter). Case does not matter. In Chinese: `2027年1月15日`
/// (or `号`), `1月15日` (the next such day from today on, as a close date or
/// a snooze means the one ahead), `今天`, `明天`, `后天`, `昨天`, `下周一` … `下周日`
/// (that day of next week, weeks starting on Monday); full-width digits and
/// signs (`２０２７年`, `＋３ｄ`) read as ASCII ones.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, ParseError> {
    date_expression(&half_width(input.trim()), today)
        .and_then(within_years)
        .map_err(|why| ParseError::Date {
            input: input.to_string(),
            why,
        })
}

fn date_expression(s: &str, today: NaiveDate) -> Result<NaiveDate, Why> {
    match s.to_ascii_lowercase().as_str() {
        "today" | "今天" => return Ok(today),
        "tomorrow" | "明天" => return today.succ_opt().ok_or_else(out_of_range),
        "后天" => return shift_days(today, 2, true).ok_or_else(out_of_range),
        "yesterday" | "昨天" => return today.pred_opt().ok_or_else(out_of_range),
        "eom" => return end_of_month(today.year(), today.month()),
        "eoq" => return end_of_month(today.year(), (today.month() - 1) / 3 * 3 + 3),
        _ => {}
    }
    if let Some(day) = next_week_day(s, today) {
        return day;
    }
    if let Some(day) = chinese_date(s, Some(today)) {
        return day;
    }
    if let Some(rest) = s.strip_prefix('+') {
        relative(rest, true, today)
    } else if let Some(rest) = s.strip_prefix('-') {
        relative(rest, false, today)
    } else {
        let [y, m, d] = three(s, '-').ok_or(None)?;
        ymd(y, m, d)
    }
}

/// `10d`, `2w`, `1m`, `1y` after the sign.
fn relative(s: &str, forward: bool, today: NaiveDate) -> Result<NaiveDate, Why> {
    let Some(unit) = s.chars().last() else {
        return Err(None);
    };
    let digits = &s[..s.len() - unit.len_utf8()];
    let n: u32 = number(digits, 1..=9).ok_or(None)?;
    let shifted = match unit.to_ascii_lowercase() {
        'd' => shift_days(today, n, forward),
        'w' => n.checked_mul(7).and_then(|d| shift_days(today, d, forward)),
        'm' => shift_months(today, n, forward),
        'y' => n
            .checked_mul(12)
            .and_then(|m| shift_months(today, m, forward)),
        _ => {
            return Err(Some(Detail::BadUnit));
        }
    };
    shifted.ok_or_else(out_of_range)
}

fn shift_days(date: NaiveDate, n: u32, forward: bool) -> Option<NaiveDate> {
    let days = Days::new(n.into());
    if forward {
        date.checked_add_days(days)
    } else {
        date.checked_sub_days(days)
    }
}

/// chrono's month arithmetic clamps the day to the month's end (Jan 31 + 1m = Feb 28).
fn shift_months(date: NaiveDate, n: u32, forward: bool) -> Option<NaiveDate> {
    if forward {
        date.checked_add_months(Months::new(n))
    } else {
        date.checked_sub_months(Months::new(n))
    }
}

fn end_of_month(year: i32, month: u32) -> Result<NaiveDate, Why> {
    NaiveDate::from_ymd_opt(year, month, days_in_month(year, month)).ok_or_else(out_of_range)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A checked calendar date, with the reason when the day or month does not exist.
fn calendar(year: i32, month: u32, day: u32) -> Result<NaiveDate, Why> {
    if !(1..=12).contains(&month) {
        return Err(Some(Detail::NoMonth(month)));
    }
    let days = days_in_month(year, month);
    if day == 0 || day > days {
        return Err(Some(Detail::MonthDays { month, year, days }));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(out_of_range)
}

/// Full-width ASCII (`２０２７`, `＋３ｄ`, `－`) as plain ASCII and the ideographic space as a
/// space: Chinese input methods type them, and they mean the same.
fn half_width(s: &str) -> std::borrow::Cow<'_, str> {
    let wide = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}';
    if !s.chars().any(wide) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            c if wide(c) => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// `2027年1月15日` or `…号`, spaces allowed between the parts; `None` when `s` is not
/// written that way. Without a year (`1月15日`) it is the next such day from `today` on, a
/// 2月29日 the next leap year's; with no `today` (a file) the year is required.
fn chinese_date(s: &str, today: Option<NaiveDate>) -> Option<Result<NaiveDate, Why>> {
    let rest = s.strip_suffix(['日', '号'])?;
    let (year, rest) = match rest.split_once('年') {
        Some((year, rest)) => (Some(year.trim()), rest),
        None => (None, rest),
    };
    let (month, day) = rest.split_once('月')?;
    let (month, day) = (month.trim(), day.trim());
    Some(match (year, today) {
        (Some(year), _) => ymd(year, month, day),
        (None, None) => Err(None),
        (None, Some(today)) => next_month_day(month, day, today),
    })
}

/// The first day on or after `today` with this month and day.
fn next_month_day(month: &str, day: &str, today: NaiveDate) -> Result<NaiveDate, Why> {
    let month = number(month, 1..=2).ok_or(None)?;
    let day = number(day, 1..=2).ok_or(None)?;
    let this_year = calendar(today.year(), month, day);
    // Eight years always hold a leap year, even across 2100.
    (today.year()..=today.year().saturating_add(8))
        .filter_map(|year| calendar(year, month, day).ok())
        .find(|date| *date >= today)
        .map_or_else(|| this_year.and(Err(out_of_range())), Ok)
}

/// `下周一` … `下周日` (also `下星期…`, `下礼拜…`): that day of next week, weeks starting
/// on Monday; `None` when `s` is not written that way.
fn next_week_day(s: &str, today: NaiveDate) -> Option<Result<NaiveDate, Why>> {
    let day = ["下周", "下星期", "下礼拜"]
        .iter()
        .find_map(|prefix| s.strip_prefix(prefix))?;
    let index = match day {
        "一" | "1" => 0,
        "二" | "2" => 1,
        "三" | "3" => 2,
        "四" | "4" => 3,
        "五" | "5" => 4,
        "六" | "6" => 5,
        "日" | "天" | "7" => 6,
        _ => return Some(Err(None)),
    };
    let from_monday = today.weekday().num_days_from_monday();
    Some(
        shift_days(today, 7 + index, true)
            .and_then(|d| shift_days(d, from_monday, false))
            .ok_or_else(out_of_range),
    )
}

#[cfg(test)]
mod chinese_date_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a real day")
    }

    fn date(s: &str, today: NaiveDate) -> NaiveDate {
        parse_date(s, today).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn full_chinese_dates_are_read_with_ri_or_hao() {
        let today = d(2026, 12, 2);
        assert_eq!(date("2027年1月15日", today), d(2027, 1, 15));
        assert_eq!(date("2027年1月15号", today), d(2027, 1, 15));
        assert_eq!(date("2027 年 01 月 05 日", today), d(2027, 1, 5));
        // A year given is kept even when the day is past.
        assert_eq!(date("2025年3月1日", today), d(2025, 3, 1));
        assert_eq!(date("2028年2月29日", today), d(2028, 2, 29));
        assert_eq!(date("2026年12月31日", today), d(2026, 12, 31));
    }

    #[test]
    fn impossible_chinese_dates_say_why() {
        let today = d(2026, 12, 2);
        let err = parse_date("2027年2月30日", today).unwrap_err();
        assert_eq!(
            err,
            ParseError::Date {
                input: "2027年2月30日".into(),
                why: Some(Detail::MonthDays {
                    month: 2,
                    year: 2027,
                    days: 28
                })
            }
        );
        assert!(
            err.to_string().contains("February 2027 has 28 days"),
            "{err}"
        );
        assert!(
            parse_date("2027年2月29日", today)
                .unwrap_err()
                .to_string()
                .contains("February 2027 has 28 days")
        );
        assert!(
            parse_date("2027年4月31日", today)
                .unwrap_err()
                .to_string()
                .contains("April 2027 has 30 days")
        );
        assert_eq!(
            parse_date("2027年13月1日", today),
            Err(ParseError::Date {
                input: "2027年13月1日".into(),
                why: Some(Detail::NoMonth(13))
            })
        );
        // Without a year, a day no month has is refused by this year's calendar.
        assert!(
            parse_date("2月30日", today)
                .unwrap_err()
                .to_string()
                .contains("February 2026 has 28 days")
        );
        for bad in [
            "1月日",
            "月15日",
            "2027年1月15",
            "27年1月15日",
            "1月0日",
            "下周八",
            "下周",
        ] {
            assert!(parse_date(bad, today).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_month_and_day_alone_is_the_next_one_from_today_on() {
        let today = d(2026, 12, 2);
        assert_eq!(date("1月15日", today), d(2027, 1, 15));
        assert_eq!(date("12月2日", today), today);
        assert_eq!(date("12月31号", today), d(2026, 12, 31));
        assert_eq!(date("12月1日", today), d(2027, 12, 1));
        // The next February 29th is in the next leap year.
        assert_eq!(date("2月29日", today), d(2028, 2, 29));
        assert_eq!(date("2月29日", d(2028, 2, 29)), d(2028, 2, 29));
        assert_eq!(date("2月29日", d(2028, 3, 1)), d(2032, 2, 29));
        // 2100 is not a leap year: from 2097 the next is 2104.
        assert_eq!(date("2月29日", d(2097, 1, 1)), d(2104, 2, 29));
        assert_eq!(date("1月31日", d(2026, 1, 31)), d(2026, 1, 31));
    }

    #[test]
    fn chinese_words_are_relative_to_today() {
        let today = d(2026, 12, 31);
        assert_eq!(date("今天", today), today);
        assert_eq!(date("明天", today), d(2027, 1, 1));
        assert_eq!(date("后天", today), d(2027, 1, 2));
        assert_eq!(date("昨天", today), d(2026, 12, 30));
        assert_eq!(date("后天", d(2028, 2, 28)), d(2028, 3, 1));
    }

    #[test]
    fn next_week_days_are_in_the_week_after_this_one() {
        // 2026-12-02 is a Wednesday; next week runs from Monday the 7th.
        let wednesday = d(2026, 12, 2);
        assert_eq!(date("下周一", wednesday), d(2026, 12, 7));
        assert_eq!(date("下周三", wednesday), d(2026, 12, 9));
        assert_eq!(date("下星期五", wednesday), d(2026, 12, 11));
        assert_eq!(date("下周日", wednesday), d(2026, 12, 13));
        assert_eq!(date("下周天", wednesday), d(2026, 12, 13));
        // On a Sunday next week starts tomorrow; on a Monday, in seven days.
        assert_eq!(date("下周一", d(2026, 12, 6)), d(2026, 12, 7));
        assert_eq!(date("下周一", d(2026, 12, 7)), d(2026, 12, 14));
        // Across a year's end.
        assert_eq!(date("下周二", d(2026, 12, 30)), d(2027, 1, 5));
    }

    #[test]
    fn full_width_digits_and_signs_read_as_ascii() {
        let today = d(2026, 12, 2);
        assert_eq!(date("２０２７年１月１５日", today), d(2027, 1, 15));
        assert_eq!(date("１月１５号", today), d(2027, 1, 15));
        assert_eq!(date("２０２７－０１－１５", today), d(2027, 1, 15));
        assert_eq!(date("＋１０ｄ", today), d(2026, 12, 12));
        assert_eq!(date("\u{3000}明天\u{3000}", today), d(2026, 12, 3));
        // The error quotes what was typed, not the converted text.
        let err = parse_date("２０２７年２月３０日", today).unwrap_err();
        assert!(err.to_string().contains("`２０２７年２月３０日`"), "{err}");
    }

    #[test]
    fn two_digit_years_excel_serials_and_a_column_s_order_are_read() {
        let day =
            |s: &str, order| parse_import_date_in(s, order).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(day("02/03/24", Some(DateOrder::Mdy)), d(2024, 2, 3));
        assert_eq!(day("02/03/24", Some(DateOrder::Dmy)), d(2024, 3, 2));
        assert_eq!(day("20-10-16", Some(DateOrder::Dmy)), d(2016, 10, 20));
        assert_eq!(day("31-12-99", Some(DateOrder::Dmy)), d(1999, 12, 31));
        assert_eq!(day("01.10.69", None), d(2069, 10, 1));
        assert_eq!(day("01.10.70", None), d(1970, 10, 1));
        // A dash with no order given says so rather than guess.
        assert!(parse_import_date_in("20-10-16", None).is_err());
        // Excel's serial days: 45631 is 2024-12-05; 60 would be 1900-02-29.
        assert_eq!(day("45631", None), d(2024, 12, 5));
        assert_eq!(
            parse_import_datetime_in("45631.75", None).unwrap(),
            d(2024, 12, 5).and_hms_opt(18, 0, 0).unwrap().and_utc()
        );
        assert!(parse_import_date_in("4563", None).is_err());
        assert!(parse_import_date_in("456310", None).is_err());
        // Leap days with two-digit years.
        assert_eq!(day("02/29/24", Some(DateOrder::Mdy)), d(2024, 2, 29));
        assert!(parse_import_date_in("02/29/23", Some(DateOrder::Mdy)).is_err());
        assert_eq!(
            parse_import_datetime_in("02/23/26 08:55 PM", Some(DateOrder::Mdy)).unwrap(),
            d(2026, 2, 23).and_hms_opt(20, 55, 0).unwrap().and_utc()
        );
        assert_eq!(
            parse_import_datetime("2021-06-05T11:12:00.000+0000").unwrap(),
            d(2021, 6, 5).and_hms_opt(11, 12, 0).unwrap().and_utc()
        );
    }

    #[test]
    fn a_cell_shows_the_order_only_when_a_number_is_over_12() {
        use OrderEvidence::*;
        assert_eq!(order_evidence("13/01/2026"), Shows(DateOrder::Dmy));
        assert_eq!(order_evidence("01/13/2026 10:00"), Shows(DateOrder::Mdy));
        assert_eq!(order_evidence("20-10-16"), Shows(DateOrder::Dmy));
        assert_eq!(order_evidence("02/03/24"), Unclear);
        assert_eq!(order_evidence("05/05/2024"), Irrelevant);
        assert_eq!(order_evidence("2024-02-03"), Irrelevant);
        assert_eq!(order_evidence("Feb 3, 2024"), Irrelevant);
        assert_eq!(order_evidence("13/13/2026"), Irrelevant);
    }

    #[test]
    fn the_import_reads_the_same_chinese_dates_but_needs_the_year() {
        let day = |s: &str| parse_import_date(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(day("2027年1月15日"), d(2027, 1, 15));
        assert_eq!(day("2027年1月15号"), d(2027, 1, 15));
        assert_eq!(day("２０２７年１月１５日"), d(2027, 1, 15));
        assert!(parse_import_date("1月15日").is_err());
        assert!(
            parse_import_date("2027年2月30日")
                .unwrap_err()
                .to_string()
                .contains("February 2027 has 28 days")
        );
    }
}

/// Year, month and day as text: a four-digit year and one- or two-digit month and day.
fn ymd(year: &str, month: &str, day: &str) -> Result<NaiveDate, Why> {
    let year = number(year, 4..=4).ok_or(None)?;
    let month = number(month, 1..=2).ok_or(None)?;
    let day = number(day, 1..=2).ok_or(None)?;
    calendar(year as i32, month, day)
}

/// ASCII digits only, with a length in `len`.
fn number(s: &str, len: RangeInclusive<usize>) -> Option<u32> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Exactly three parts separated by `sep`.
fn three(s: &str, sep: char) -> Option<[&str; 3]> {
    let mut parts = s.split(sep);
    let found = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(found)
}

/// A date in an imported cell: `2026-10-01`, `2026/10/01`, `2026.10.01`,
/// `2026年10月1日`, `10/01/2026` (US month/day; day/month when the first number
/// is above 12), `01.10.2026` (day.month.year), `Oct 1, 2026`, `1 Oct 2026`,
/// `October 1, 2026`. A time after the date (`2026-10-01T10:00:00Z`,
/// `2026-10-01 10:00`) is checked and dropped: the date is the one written,
/// whatever the time zone.
pub fn parse_import_date(input: &str) -> Result<NaiveDate, ParseError> {
    parse_import_date_in(input, None)
}

/// Day before month or month before day, for dates like `02/03/24` whose
/// numbers alone do not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    Dmy,
    Mdy,
}

/// What one cell says about the order of its day and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvidence {
    /// A number over 12 stands where only the day can.
    Shows(DateOrder),
    /// Both numbers could be the month: `02/03/2024`.
    Unclear,
    /// The order does not matter or is written in the cell's form:
    /// `2024-02-03`, `03.02.2024`, `05/05/2024`, `Feb 3, 2024`.
    Irrelevant,
}

/// The evidence a cell gives [`DateOrder`]: a column is read one way, so
/// one `13/01/2026` settles every `10/01/2026` beside it.
pub fn order_evidence(input: &str) -> OrderEvidence {
    let cell = half_width(input.trim());
    let (date, _) = split_time(&cell);
    for sep in ['/', '-'] {
        let Some([a, b, c]) = three(date, sep) else {
            continue;
        };
        let (Some(a), Some(b)) = (number(a, 1..=2), number(b, 1..=2)) else {
            return OrderEvidence::Irrelevant;
        };
        if number(c, 2..=4).is_none() || c.len() == 3 {
            return OrderEvidence::Irrelevant;
        }
        return match (a > 12, b > 12) {
            (true, false) => OrderEvidence::Shows(DateOrder::Dmy),
            (false, true) => OrderEvidence::Shows(DateOrder::Mdy),
            (false, false) if a != b => OrderEvidence::Unclear,
            _ => OrderEvidence::Irrelevant,
        };
    }
    OrderEvidence::Irrelevant
}

/// [`parse_import_date`] with the column's day/month order, when known.
pub fn parse_import_date_in(
    input: &str,
    order: Option<DateOrder>,
) -> Result<NaiveDate, ParseError> {
    let err = |why| ParseError::ImportDate {
        input: input.to_string(),
        why,
    };
    let cell = half_width(input.trim());
    let (date, time) = split_time(&cell);
    if let Some(time) = time {
        clock(time).map_err(err)?;
    }
    if let Some((day, _)) = excel_serial(date) {
        return Ok(day);
    }
    calendar_date(date, order)
        .and_then(within_years)
        .map_err(err)
}

/// A spreadsheet's serial date (`45631`, days since 1899-12-30, the day
/// Excel and LibreOffice count from) with its fraction of a day. Only
/// five-digit serials, 1954 to 2119: any other number is no date.
fn excel_serial(s: &str) -> Option<(NaiveDate, NaiveTime)> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let days = number(whole, 5..=5).filter(|n| (20_000..=80_000).contains(n))?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    let seconds = if fraction.is_empty() {
        0
    } else {
        let nanos_of_day =
            u64::from(number(fraction, 1..=9)?) * 10u64.pow(9 - fraction.len() as u32);
        // Rounded to the second: the fraction is a float's decimals.
        ((nanos_of_day * 86_400 + 500_000_000) / 1_000_000_000).min(86_399) as u32
    };
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let day = base.checked_add_days(chrono::Days::new(u64::from(days)))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)?;
    Some((day, time))
}

/// A date and time in an imported cell: RFC 3339, or any date
/// [`parse_import_date`] reads followed by an optional `HH:MM[:SS[.fff]]`,
/// `AM`/`PM` and zone (`Z`, `UTC`, `+08:00`). No zone means UTC; a date alone
/// is 00:00 UTC.
pub fn parse_import_datetime(input: &str) -> Result<DateTime<Utc>, ParseError> {
    parse_import_datetime_in(input, None)
}

/// [`parse_import_datetime`] with the column's day/month order, when known.
pub fn parse_import_datetime_in(
    input: &str,
    order: Option<DateOrder>,
) -> Result<DateTime<Utc>, ParseError> {
    let cell = half_width(input.trim());
    let s: &str = &cell;
    let err = |why| ParseError::DateTime {
        input: input.to_string(),
        why,
    };
    // The fast path: exports and most machine-written files.
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        let at = at.to_utc();
        within_years(at.date_naive()).map_err(err)?;
        return Ok(at);
    }
    if let Some((day, time)) = excel_serial(s) {
        return Ok(day.and_time(time).and_utc());
    }
    let (date, time) = split_time(s);
    let date = calendar_date(date, order).map_err(err)?;
    let (time, offset_seconds) = match time {
        Some(time) => clock(time).map_err(err)?,
        None => (NaiveTime::MIN, 0),
    };
    let at = date
        .and_time(time)
        .checked_sub_signed(TimeDelta::seconds(offset_seconds))
        .map(|at| at.and_utc())
        .ok_or_else(|| err(out_of_range()))?;
    within_years(at.date_naive()).map_err(err)?;
    Ok(at)
}

/// Splits `2026-10-01T10:00` or `Oct 1, 2026 10:00 AM` into date and time: the
/// time starts at the digits before the first colon, after a space or a `T`.
fn split_time(s: &str) -> (&str, Option<&str>) {
    let Some(colon) = s.find(':') else {
        return (s, None);
    };
    let hour_start = s[..colon]
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .len();
    let (date, time) = s.split_at(hour_start);
    if let Some(date) = date
        .strip_suffix(['T', 't'])
        .filter(|d| d.ends_with(|c: char| c.is_ascii_digit()))
    {
        return (date, Some(time));
    }
    if date.ends_with(char::is_whitespace) {
        return (date.trim_end(), Some(time));
    }
    (s, None)
}

fn calendar_date(s: &str, order: Option<DateOrder>) -> Result<NaiveDate, Why> {
    // A file has no "today" to place a date without its year.
    if let Some(day) = chinese_date(s, None) {
        return day;
    }
    if s.contains(|c: char| c.is_ascii_alphabetic()) {
        return named_month(s);
    }
    for sep in ['-', '/', '.'] {
        let Some([a, b, c]) = three(s, sep) else {
            continue;
        };
        if a.len() == 4 {
            return ymd(a, b, c);
        }
        let year = match c.len() {
            4 => c.to_string(),
            // Two-digit years as spreadsheets read them: 00–69 are 2000–2069.
            2 => match number(c, 2..=2) {
                Some(yy) if yy < 70 => format!("20{c}"),
                Some(_) => format!("19{c}"),
                None => break,
            },
            _ => break,
        };
        let first_is_day = number(a, 1..=2).is_some_and(|first| first > 12);
        return match (sep, order) {
            ('.', _) | (_, Some(DateOrder::Dmy)) => ymd(&year, b, a),
            (_, Some(DateOrder::Mdy)) => ymd(&year, a, b),
            ('/', None) if first_is_day => ymd(&year, b, a),
            ('/', None) => ymd(&year, a, b),
            _ => Err(Some(Detail::OrderUnclear)),
        };
    }
    Err(None)
}

/// `Oct 1, 2026`, `October 1 2026`, `1 Oct 2026`, `1-Oct-2026`, `Sept. 1st, 2026`.
fn named_month(s: &str) -> Result<NaiveDate, Why> {
    let mut words = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|w| !w.is_empty());
    let found = [words.next(), words.next(), words.next(), words.next()];
    let [Some(first), Some(second), Some(year), None] = found else {
        return Err(None);
    };
    let (month, day) = match month_number(first) {
        Some(month) => (month, second),
        None => (month_number(second).ok_or(None)?, first),
    };
    let day = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| strip_suffix_ignore_case(day, suffix))
        .unwrap_or(day);
    let year = number(year, 4..=4).ok_or(None)?;
    let day = number(day, 1..=2).ok_or(None)?;
    calendar(year as i32, month, day)
}

/// English month names and their abbreviations of three letters or more.
fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|name| name.starts_with(&word))?;
    Some(index as u32 + 1)
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let start = s.len().checked_sub(suffix.len())?;
    s.get(start..)
        .filter(|end| end.eq_ignore_ascii_case(suffix))
        .map(|_| &s[..start])
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|start| start.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// `HH:MM[:SS[.fff]]`, an optional `AM`/`PM`, an optional zone; returns the
/// time and the zone's offset east of UTC in seconds.
fn clock(s: &str) -> Result<(NaiveTime, i64), Why> {
    let mut s = s.trim();
    let mut offset = 0;
    if let Some(rest) = ["Z", "UTC", "GMT"]
        .iter()
        .find_map(|zone| strip_suffix_ignore_case(s, zone))
    {
        s = rest.trim_end();
    } else if let Some(sign) = s.rfind(['+', '-']) {
        offset = zone_offset(&s[sign..])
            .ok_or_else(|| Some(Detail::NotAnOffset(s[sign..].to_string())))?;
        s = s[..sign].trim_end();
    }
    let pm = [("AM", false), ("PM", true)]
        .into_iter()
        .find_map(|(marker, is_pm)| strip_suffix_ignore_case(s, marker).map(|rest| (rest, is_pm)))
        .map(|(rest, is_pm)| {
            s = rest.trim_end();
            is_pm
        });
    let mut parts = s.split(':');
    let (Some(hour), Some(minute), second, None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(None);
    };
    let mut hour = number(hour, 1..=2).ok_or(None)?;
    let minute = number(minute, 2..=2).ok_or(None)?;
    let (second, nanos) = match second {
        None => (0, 0),
        Some(second) => {
            let (whole, fraction) = second.split_once('.').unwrap_or((second, ""));
            let nanos = if fraction.is_empty() {
                0
            } else {
                // Pad to nanoseconds: `.5` is 500 ms.
                number(fraction, 1..=9).ok_or(None)? * 10u32.pow(9 - fraction.len() as u32)
            };
            (number(whole, 2..=2).ok_or(None)?, nanos)
        }
    };
    if let Some(pm) = pm {
        if !(1..=12).contains(&hour) {
            return Err(Some(Detail::NoHourAmPm(hour)));
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    if hour > 23 {
        return Err(Some(Detail::NoHour(hour)));
    }
    if minute > 59 || second > 59 {
        return Err(Some(Detail::MinutesOver59));
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or(None)?;
    Ok((time, offset))
}

/// `+08:00`, `+0800`, `+08`, `-05:30` as seconds east of UTC.
fn zone_offset(s: &str) -> Option<i64> {
    // Only ASCII can be an offset; checking first also keeps the byte
    // splits below on character boundaries.
    if !s.is_ascii() || s.is_empty() {
        return None;
    }
    let (sign, rest) = s.split_at(1);
    let sign = if sign == "-" { -1 } else { 1 };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "00"),
    };
    let hours = number(hours, 2..=2).filter(|h| *h <= 23)?;
    let minutes = number(minutes, 2..=2).filter(|m| *m <= 59)?;
    Some(sign * i64::from(hours * 3600 + minutes * 60))
}

/// Signs and words that say an amount's currency, before or after the
/// number. Longer ones first, so that `US$` is not read as `US` and `$`, nor
/// `美元` as `元`. `¥` is the yuan: tierdeck is used in China, where the yen is
/// written `JPY` or `日元`.
const CURRENCY_SIGNS: [(&str, &str); 22] = [
    ("人民币", "CNY"),
    ("美元", "USD"),
    ("欧元", "EUR"),
    ("英镑", "GBP"),
    ("港币", "HKD"),
    ("港元", "HKD"),
    ("日元", "JPY"),
    ("US$", "USD"),
    ("HK$", "HKD"),
    ("NT$", "TWD"),
    ("RMB", "CNY"),
    ("A$", "AUD"),
    ("C$", "CAD"),
    ("S$", "SGD"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("元", "CNY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₩", "KRW"),
    ("₹", "INR"),
];

/// The ISO 4217 codes read as a currency around an amount (`12500 USD`). A
/// list rather than any three letters, so that a typo such as `12abc` is an
/// error and not an amount in currency `ABC`; `--currency` takes any code.
const CURRENCY_CODES: [&str; 32] = [
    "CNY", "USD", "EUR", "GBP", "JPY", "HKD", "TWD", "SGD", "AUD", "CAD", "CHF", "KRW", "INR",
    "RUB", "BRL", "MXN", "NZD", "SEK", "NOK", "DKK", "THB", "MYR", "IDR", "PHP", "VND", "AED",
    "SAR", "ZAR", "TRY", "PLN", "CZK", "MOP",
];

/// Chinese magnitudes after the number: `8万` is 80,000, `3亿` 300,000,000.
const MAGNITUDES: [(char, u32); 3] = [('亿', 8), ('万', 4), ('千', 3)];

/// An amount as typed: the money, and its currency when the text says one
/// (`$`, `€`, `元`, `USD` …); `None` means the deal's or the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub money: Money,
    pub currency: Option<Currency>,
}

/// An exact amount in minor units, with the currency it is written in:
/// `1200.50`, `¥12,400.00`, `$12,500` (USD), `€9.500,00` (EUR), `£99`,
/// `12500 USD`, `CNY 12,400`, `12400元`, `8万`, `1.2万元`, `3亿`. Never goes
/// through floating point. Negative amounts, more than two decimals (after a
/// magnitude: `1.23456万` is 12,345.60) and amounts beyond `i64` minor units
/// are refused, and so are two different currencies (`$12 EUR`).
/// The largest amount taken, in minor units: a trillion less a cent. Far
/// above any deal, and far enough below the integer limit that totals
/// and weighted sums stay exact.
pub const MAX_AMOUNT_MINOR: i64 = 99_999_999_999_999;

pub fn parse_amount(input: &str) -> Result<Amount, ParseError> {
    amount(input.trim()).map_err(|why| ParseError::Amount {
        input: input.to_string(),
        why,
    })
}

/// An amount that is in `given` when a currency is given beside it: its own
/// marker must then agree, and without one it takes `given`.
pub fn parse_amount_in(input: &str, given: Option<Currency>) -> Result<Amount, ParseError> {
    let amount = parse_amount(input)?;
    match (amount.currency, given) {
        (Some(said), Some(given)) if said != given => Err(ParseError::CurrencyDisagrees {
            input: input.to_string(),
            said,
            given,
        }),
        (said, given) => Ok(Amount {
            currency: said.or(given),
            ..amount
        }),
    }
}

fn amount(s: &str) -> Result<Amount, Why> {
    if s.is_empty() {
        return Err(Some(Detail::Empty));
    }
    let (minus_outside, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    let (before, s) = match currency_prefix(s) {
        Some((currency, rest)) => (Some(currency), rest.trim_start()),
        None => (None, s),
    };
    let (after, s) = match currency_suffix(s) {
        Some((currency, rest)) => (Some(currency), rest.trim_end()),
        None => (None, s),
    };
    let currency = match (before, after) {
        (Some(b), Some(a)) if a != b => return Err(Some(Detail::TwoCurrencies(b, a))),
        (b, a) => b.or(a),
    };
    let (minus_inside, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let minor = match MAGNITUDES
        .iter()
        .find_map(|&(sign, zeros)| Some((s.strip_suffix(sign)?.trim_end(), zeros)))
    {
        Some((number, zeros)) => scaled(number, zeros)?,
        None => magnitude(s)?,
    };
    if minus_outside || minus_inside {
        return Err(Some(Detail::Negative));
    }
    if minor > MAX_AMOUNT_MINOR {
        return Err(Some(Detail::TooLarge));
    }
    Ok(Amount {
        money: Money(minor),
        currency,
    })
}

/// A sign or code at the start of `s`, and the rest. A code must be followed
/// by a space or a digit, so that letters running on are not a code.
fn currency_prefix(s: &str) -> Option<(Currency, &str)> {
    let signs = CURRENCY_SIGNS
        .iter()
        .find_map(|&(sign, code)| Some((code, strip_prefix_ignore_case(s, sign)?)));
    let (code, rest) = signs.or_else(|| {
        CURRENCY_CODES.iter().find_map(|&code| {
            let rest = strip_prefix_ignore_case(s, code)?;
            rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit())
                .then_some((code, rest))
        })
    })?;
    Some((code.parse().ok()?, rest))
}

/// A sign or code at the end of `s`, and what comes before it.
fn currency_suffix(s: &str) -> Option<(Currency, &str)> {
    let signs = CURRENCY_SIGNS
        .iter()
        .find_map(|&(sign, code)| Some((code, strip_suffix_ignore_case(s, sign)?)));
    let (code, rest) = signs.or_else(|| {
        CURRENCY_CODES.iter().find_map(|&code| {
            let rest = strip_suffix_ignore_case(s, code)?;
            rest.ends_with(|c: char| {
                c.is_whitespace() || c.is_ascii_digit() || MAGNITUDES.iter().any(|m| m.0 == c)
            })
            .then_some((code, rest))
        })
    })?;
    Some((code.parse().ok()?, rest))
}

/// `number` (digits, groups, a decimal point) times ten to the `zeros`, in
/// minor units: `1.2` and 4 zeros is 12,000.00.
fn scaled(number: &str, zeros: u32) -> Result<i64, Why> {
    let (int, fraction) = match number.split_once('.') {
        Some((_, "")) => return Err(None),
        Some(parts) => parts,
        None => (number, ""),
    };
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(None);
    }
    let places = u32::try_from(fraction.len()).map_err(|_| Some(Detail::TooManyDecimals))?;
    // Minor units are hundredths: that many more places are allowed.
    if places > zeros + 2 {
        return Err(Some(Detail::TooManyDecimals));
    }
    let major = grouped_integer(int, ',')?;
    let mut fraction_value: i64 = 0;
    for digit in fraction.bytes() {
        fraction_value = fraction_value * 10 + i64::from(digit - b'0');
    }
    let unit = 10_i64.pow(zeros + 2);
    let fraction_minor = fraction_value * 10_i64.pow(zeros + 2 - places);
    major
        .checked_mul(unit)
        .and_then(|m| m.checked_add(fraction_minor))
        .ok_or(Some(Detail::TooLarge))
}

/// Digits with group separators and up to two decimals, as minor units.
fn magnitude(s: &str) -> Result<i64, Why> {
    let decimal_comma = s
        .rsplit_once(',')
        .filter(|(int, fraction)| fraction.len() == 2 && !int.contains(','));
    let (int, fraction, group) = match decimal_comma {
        Some((int, fraction)) => (int, Some(fraction), '.'),
        None => match s.rsplit_once('.') {
            Some((int, fraction)) => (int, Some(fraction), ','),
            None => (s, None, ','),
        },
    };
    let major = grouped_integer(int, group)?;
    let fraction = match fraction {
        None => 0,
        Some(f) if f.len() > 2 && f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(Some(Detail::TooManyDecimals));
        }
        Some(f) => number(f, 1..=2).ok_or(None)? * if f.len() == 1 { 10 } else { 1 },
    };
    major
        .checked_mul(100)
        .and_then(|m| m.checked_add(fraction.into()))
        .ok_or(Some(Detail::TooLarge))
}

/// `12400`, or groups of three after the first split by `group` or by spaces:
/// `12,400`, `12 400`.
fn grouped_integer(s: &str, group: char) -> Result<i64, Why> {
    let separator = s.chars().find(|c| !c.is_ascii_digit());
    let groups: Vec<&str> = match separator {
        None => vec![s],
        Some(c) if c == group => s.split(group).collect(),
        Some(c) if c.is_whitespace() => s.split(char::is_whitespace).collect(),
        Some(_) => return Err(None),
    };
    let well_grouped = groups.len() == 1
        || groups.iter().enumerate().all(|(i, g)| {
            if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            }
        });
    if s.is_empty() || !well_grouped {
        return Err(None);
    }
    let mut value: i64 = 0;
    for digit in groups.iter().flat_map(|g| g.bytes()) {
        if !digit.is_ascii_digit() {
            return Err(None);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit - b'0')))
            .ok_or(Some(Detail::TooLarge))?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn date(s: &str, today: NaiveDate) -> NaiveDate {
        parse_date(s, today).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn iso_dates_are_read_and_checked_against_the_calendar() {
        let today = d(2026, 11, 23);
        assert_eq!(date("2026-10-01", today), d(2026, 10, 1));
        assert_eq!(date(" 2026-3-9 ", today), d(2026, 3, 9));
        assert_eq!(date("2028-02-29", today), d(2028, 2, 29));
        assert_eq!(
            parse_date("2026-02-30", today).unwrap_err().to_string(),
            "not a date: `2026-02-30` (February 2026 has 28 days); use YYYY-MM-DD or +10d, +2w, +1m, eom, eoq"
        );
        assert_eq!(
            parse_date("2026-13-01", today).unwrap_err().to_string(),
            "not a date: `2026-13-01` (there is no month 13); use YYYY-MM-DD or +10d, +2w, +1m, eom, eoq"
        );
        for bad in [
            "",
            "garbage",
            "2026-00-10",
            "2026-04-31",
            "2027-02-29",
            "26-10-01",
            "2026-10-01-1",
            "2026/10/01",
            "2026-10-0x",
            "+",
            "+d",
            "+10",
            "10d",
        ] {
            assert!(parse_date(bad, today).is_err(), "{bad} should be refused");
        }
        assert!(
            parse_date("2100-02-29", today)
                .unwrap_err()
                .to_string()
                .contains("February 2100 has 28 days")
        );
        assert_eq!(date("2000-02-29", today), d(2000, 2, 29));
    }

    #[test]
    fn words_are_relative_to_today() {
        let today = d(2026, 12, 31);
        assert_eq!(date("today", today), today);
        assert_eq!(date("Tomorrow", today), d(2027, 1, 1));
        assert_eq!(date("yesterday", today), d(2026, 12, 30));
    }

    #[test]
    fn relative_offsets_move_by_days_weeks_calendar_months_and_years() {
        let today = d(2026, 1, 31);
        assert_eq!(date("+10d", today), d(2026, 2, 10));
        assert_eq!(date("-3d", today), d(2026, 1, 28));
        assert_eq!(date("+2w", today), d(2026, 2, 14));
        assert_eq!(date("-1W", today), d(2026, 1, 24));
        assert_eq!(date("+1m", today), d(2026, 2, 28));
        assert_eq!(date("+1m", d(2028, 1, 31)), d(2028, 2, 29));
        assert_eq!(date("+3m", today), d(2026, 4, 30));
        assert_eq!(date("-2m", d(2026, 3, 31)), d(2026, 1, 31));
        assert_eq!(date("+1y", d(2028, 2, 29)), d(2029, 2, 28));
        assert_eq!(date("-1y", today), d(2025, 1, 31));
        assert_eq!(date("+0d", today), today);
        let err = parse_date("+3q", today).unwrap_err().to_string();
        assert!(
            err.contains("the unit after the number is d, w, m or y"),
            "{err}"
        );
        let err = parse_date("+999999999y", today).unwrap_err().to_string();
        assert!(err.contains("from 1900 to 9999"), "{err}");
        assert!(parse_date("+99999999999d", today).is_err());
    }

    #[test]
    fn eom_and_eoq_are_the_last_day_of_this_month_and_quarter() {
        assert_eq!(date("eom", d(2026, 2, 3)), d(2026, 2, 28));
        assert_eq!(date("EOM", d(2028, 2, 3)), d(2028, 2, 29));
        assert_eq!(date("eom", d(2026, 4, 30)), d(2026, 4, 30));
        assert_eq!(date("eoq", d(2026, 1, 1)), d(2026, 3, 31));
        assert_eq!(date("eoq", d(2026, 5, 15)), d(2026, 6, 30));
        assert_eq!(date("eoq", d(2026, 9, 30)), d(2026, 9, 30));
        assert_eq!(date("eoq", d(2026, 10, 1)), d(2026, 12, 31));
    }

    fn import(s: &str) -> NaiveDate {
        parse_import_date(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn import_dates_accept_the_spellings_of_spreadsheets_and_crms() {
        let oct1 = d(2026, 10, 1);
        for s in [
            "2026-10-01",
            "2026-10-01T10:00:00Z",
            "2026-10-01T23:30:00-05:00",
            "2026-10-01 10:00",
            "2026-10-01 10:00:59",
            "2026/10/01",
            "2026.10.01",
            "2026年10月1日",
            "2026年10月01日 09:30",
            "10/01/2026",
            "10/1/2026 10:00 AM",
            "01.10.2026",
            "1.10.2026",
            "Oct 1, 2026",
            "oct 1 2026",
            "1 Oct 2026",
            "01-Oct-2026",
            "October 1, 2026",
            "October 1st, 2026",
            "Oct. 1, 2026 3:15 PM",
        ] {
            assert_eq!(import(s), oct1, "{s}");
        }
        assert_eq!(import("Sept 30, 2026"), d(2026, 9, 30));
        assert_eq!(import("29 February 2028"), d(2028, 2, 29));
    }

    #[test]
    fn slash_dates_are_month_first_unless_the_first_number_cannot_be_a_month() {
        assert_eq!(import("10/01/2026"), d(2026, 10, 1));
        assert_eq!(import("01/10/2026"), d(2026, 1, 10));
        assert_eq!(import("13/01/2026"), d(2026, 1, 13));
        assert_eq!(import("10/13/2026"), d(2026, 10, 13));
        assert!(parse_import_date("13/13/2026").is_err());
    }

    #[test]
    fn import_dates_refuse_impossible_and_ambiguous_dates() {
        for bad in [
            "",
            "soon",
            "2026-02-30",
            "2027年2月29日",
            "02/30/2026",
            "31.04.2026",
            "Feb 30, 2026",
            "01-10-2026",
            "2026-10-01 25:00",
            "2026-10-01T10:61",
            "2026-10-01 13:00 PM",
            "Foo 1, 2026",
            "Oct 1, 2026, 5",
            "2026-10-01 10:00 +25:00",
        ] {
            assert!(parse_import_date(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            parse_import_date("02/30/2026").unwrap_err().to_string(),
            "not a date: `02/30/2026` (February 2026 has 28 days); use a date like 2026-10-01, 10/01/2026, 01.10.2026 or Oct 1, 2026"
        );
        assert!(
            parse_import_date("01-10-2026")
                .unwrap_err()
                .to_string()
                .contains("day and month order is unclear")
        );
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_import_datetime(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn import_datetimes_default_to_midnight_utc_and_honour_zones() {
        let utc = |y, mo, d, h, mi, s| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
        assert_eq!(at("2026-10-01"), utc(2026, 10, 1, 0, 0, 0));
        assert_eq!(at("2026-10-01T10:00:00Z"), utc(2026, 10, 1, 10, 0, 0));
        assert_eq!(at("2026-10-01T10:00:00+08:00"), utc(2026, 10, 1, 2, 0, 0));
        assert_eq!(at("2026-10-01 10:00"), utc(2026, 10, 1, 10, 0, 0));
        assert_eq!(at("2026-10-01T10:00"), utc(2026, 10, 1, 10, 0, 0));
        assert_eq!(at("2026-10-01 01:30 +0800"), utc(2026, 9, 30, 17, 30, 0));
        assert_eq!(at("10/01/2026 12:05 AM"), utc(2026, 10, 1, 0, 5, 0));
        assert_eq!(at("Oct 1, 2026 12:05 pm"), utc(2026, 10, 1, 12, 5, 0));
        assert_eq!(at("2026年10月1日 18:45:10"), utc(2026, 10, 1, 18, 45, 10));
        assert_eq!(at("01.10.2026 8:00 UTC"), utc(2026, 10, 1, 8, 0, 0));
        assert_eq!(
            at("2026-11-23T10:15:30.123Z"),
            utc(2026, 11, 23, 10, 15, 30) + TimeDelta::milliseconds(123)
        );
        assert_eq!(
            at("2026-11-23 10:15:30.5"),
            utc(2026, 11, 23, 10, 15, 30) + TimeDelta::milliseconds(500)
        );
        assert_eq!(
            parse_import_datetime("2026-10-01 24:00")
                .unwrap_err()
                .to_string(),
            "not a date and time: `2026-10-01 24:00` (there is no hour 24); use a date with an optional time, like 2026-10-01 10:00 or 2026-10-01T10:00:00Z"
        );
        for bad in [
            "",
            "now",
            "2026-10-01 10",
            "2026-10-01 10:00:00:00",
            "2026-02-29 10:00",
        ] {
            assert!(
                parse_import_datetime(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    fn money(s: &str) -> i64 {
        parse_amount(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .money
            .minor()
    }

    /// The minor units and the currency code, `-` for none.
    fn priced(s: &str) -> (i64, String) {
        let a = parse_amount(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let code = a
            .currency
            .map_or_else(|| "-".to_string(), |c| c.to_string());
        (a.money.minor(), code)
    }

    fn is(minor: i64, code: &str) -> (i64, String) {
        (minor, code.to_string())
    }

    #[test]
    fn an_amount_without_a_marker_has_no_currency_of_its_own() {
        for plain in ["1200.50", "12,500", "8万", "1.234,56", "0"] {
            assert_eq!(priced(plain).1, "-", "{plain}");
        }
    }

    #[test]
    fn signs_before_or_after_the_number_say_the_currency() {
        assert_eq!(priced("$12,500"), is(1_250_000, "USD"));
        assert_eq!(priced("US$12,500"), is(1_250_000, "USD"));
        assert_eq!(priced("us$ 12,500.5"), is(1_250_050, "USD"));
        assert_eq!(priced("HK$ 800"), is(80_000, "HKD"));
        assert_eq!(priced("NT$800"), is(80_000, "TWD"));
        assert_eq!(priced("S$800"), is(80_000, "SGD"));
        assert_eq!(priced("A$800"), is(80_000, "AUD"));
        assert_eq!(priced("C$800"), is(80_000, "CAD"));
        assert_eq!(priced("€9.500,00"), is(950_000, "EUR"));
        assert_eq!(priced("9.500,00 €"), is(950_000, "EUR"));
        assert_eq!(priced("€ 1.234.567,89"), is(123_456_789, "EUR"));
        assert_eq!(priced("€99"), is(9_900, "EUR"));
        assert_eq!(priced("£1,250.00"), is(125_000, "GBP"));
        assert_eq!(priced("¥12,400.00"), is(1_240_000, "CNY"));
        assert_eq!(priced("￥12400"), is(1_240_000, "CNY"));
        assert_eq!(priced("12400元"), is(1_240_000, "CNY"));
        assert_eq!(priced("12400 元"), is(1_240_000, "CNY"));
        assert_eq!(priced("RMB 12,400"), is(1_240_000, "CNY"));
        assert_eq!(priced("12400rmb"), is(1_240_000, "CNY"));
        assert_eq!(priced("人民币12400"), is(1_240_000, "CNY"));
        assert_eq!(priced("12400人民币"), is(1_240_000, "CNY"));
        assert_eq!(priced("500美元"), is(50_000, "USD"));
        assert_eq!(priced("500欧元"), is(50_000, "EUR"));
        assert_eq!(priced("500英镑"), is(50_000, "GBP"));
        assert_eq!(priced("500港币"), is(50_000, "HKD"));
        assert_eq!(priced("500港元"), is(50_000, "HKD"));
        assert_eq!(priced("500日元"), is(50_000, "JPY"));
        assert_eq!(priced("₩5000"), is(500_000, "KRW"));
        assert_eq!(priced("₹5000"), is(500_000, "INR"));
    }

    #[test]
    fn iso_codes_before_or_after_the_number_say_the_currency() {
        assert_eq!(priced("12500 USD"), is(1_250_000, "USD"));
        assert_eq!(priced("12500USD"), is(1_250_000, "USD"));
        assert_eq!(priced("USD 12500"), is(1_250_000, "USD"));
        assert_eq!(priced("usd12500"), is(1_250_000, "USD"));
        assert_eq!(priced("CNY 12,400"), is(1_240_000, "CNY"));
        assert_eq!(priced("9.500,00 EUR"), is(950_000, "EUR"));
        assert_eq!(priced("1,000 JPY"), is(100_000, "JPY"));
        assert_eq!(priced("CHF 99.90"), is(9_990, "CHF"));
        // The same currency twice is still one currency.
        assert_eq!(priced("$12,500 USD"), is(1_250_000, "USD"));
        assert_eq!(priced("¥100 CNY"), is(10_000, "CNY"));
        assert_eq!(priced("¥100元"), is(10_000, "CNY"));
    }

    #[test]
    fn a_currency_given_beside_the_amount_must_agree_with_its_marker() {
        let usd: Currency = "USD".parse().unwrap();
        let eur: Currency = "EUR".parse().unwrap();
        let both = parse_amount_in("$5", Some(usd)).unwrap();
        assert_eq!((both.money, both.currency), (Money(500), Some(usd)));
        let plain = parse_amount_in("5", Some(eur)).unwrap();
        assert_eq!(plain.currency, Some(eur));
        assert_eq!(parse_amount_in("5", None).unwrap().currency, None);
        assert_eq!(
            parse_amount_in("$5", Some(eur)).unwrap_err().to_string(),
            "`$5` is in USD, but the currency given is EUR; drop one or make them agree"
        );
        assert!(matches!(
            parse_amount_in("x", Some(eur)),
            Err(ParseError::Amount { .. })
        ));
    }

    #[test]
    fn chinese_magnitudes_multiply_exactly() {
        assert_eq!(priced("8万"), is(8_000_000, "-"));
        assert_eq!(priced("1.2万"), is(1_200_000, "-"));
        assert_eq!(priced("1.2345万"), is(1_234_500, "-"));
        assert_eq!(priced("1.234567万"), is(1_234_567, "-"));
        assert_eq!(priced("3亿"), is(30_000_000_000, "-"));
        assert_eq!(priced("1.5亿"), is(15_000_000_000, "-"));
        assert_eq!(priced("1.2345678901亿"), is(12_345_678_901, "-"));
        assert_eq!(priced("5千"), is(500_000, "-"));
        assert_eq!(priced("1,200万"), is(1_200_000_000, "-"));
        assert_eq!(priced("8 万"), is(8_000_000, "-"));
        assert_eq!(priced("8万元"), is(8_000_000, "CNY"));
        assert_eq!(priced("¥8万"), is(8_000_000, "CNY"));
        assert_eq!(priced("人民币1.2万"), is(1_200_000, "CNY"));
        assert_eq!(priced("8万美元"), is(8_000_000, "USD"));
        assert_eq!(priced("8万 USD"), is(8_000_000, "USD"));
        assert_eq!(priced("$8万"), is(8_000_000, "USD"));
        assert_eq!(priced("0万"), is(0, "-"));
    }

    #[test]
    fn bad_magnitudes_and_mixed_currencies_are_refused() {
        let message = |s: &str| parse_amount(s).unwrap_err().to_string();
        assert!(message("1.2345678万").contains("more than two decimals"));
        assert!(message("1.23456789012亿").contains("more than two decimals"));
        assert!(message("-8万").contains("cannot be negative"));
        assert!(message("9999999999999亿").contains("too large"));
        assert!(message("$12 EUR").contains("two currencies, USD and EUR"));
        assert!(message("€5元").contains("two currencies, EUR and CNY"));
        for garbage in [
            "万",
            "8万万",
            "8.万",
            ".5万",
            "8,5万",
            "1.2.3万",
            "万8",
            "8万x",
            "12abc",
            "abc12",
            "USD",
            "$",
            "元",
            "8 万 万",
            "US 12",
            "$$5",
            "8亿万",
        ] {
            assert!(
                parse_amount(garbage).is_err(),
                "{garbage} should be refused"
            );
        }
    }

    #[test]
    fn amounts_are_exact_minor_units_in_many_spellings() {
        assert_eq!(money("1200.50"), 120_050);
        assert_eq!(money("1200"), 120_000);
        assert_eq!(money("1200.5"), 120_050);
        assert_eq!(money("0.01"), 1);
        assert_eq!(money("0"), 0);
        assert_eq!(money("¥12,400.00"), 1_240_000);
        assert_eq!(money("￥12400"), 1_240_000);
        assert_eq!(money("$1,234.5"), 123_450);
        assert_eq!(money("US$ 1,234,567.89"), 123_456_789);
        assert_eq!(money("€99"), 9_900);
        assert_eq!(money("CNY 12,400"), 1_240_000);
        assert_eq!(money("cny12400"), 1_240_000);
        assert_eq!(money("12400 RMB"), 1_240_000);
        assert_eq!(money("12400元"), 1_240_000);
        assert_eq!(money("12 400.00"), 1_240_000);
        assert_eq!(money("12\u{a0}400.00"), 1_240_000);
        assert_eq!(money(" 1 234 567 "), 123_456_700);
        assert_eq!(money("999,999,999,999.99"), 99_999_999_999_999);
    }

    #[test]
    fn amounts_past_a_trillion_are_refused_before_sums_could_overflow() {
        for huge in ["1,000,000,000,000", "92233720368547758.07", "¥ 10000亿"] {
            let said = parse_amount(huge).unwrap_err().to_string();
            assert!(
                said.contains("amounts go up to 999,999,999,999.99"),
                "{said}"
            );
        }
    }

    #[test]
    fn a_decimal_comma_is_read_only_where_it_cannot_be_misread() {
        assert_eq!(money("1.234,56"), 123_456);
        assert_eq!(money("1.234.567,89"), 123_456_789);
        assert_eq!(money("12 400,00"), 1_240_000);
        assert_eq!(money("99,90 €"), 9_990);
        assert_eq!(money("1,000"), 100_000);
        for ambiguous in ["1.234", "1.234,5", "1,234,56", "1.234.567"] {
            assert!(
                parse_amount(ambiguous).is_err(),
                "{ambiguous} should be refused"
            );
        }
    }

    #[test]
    fn bad_amounts_say_what_was_wrong() {
        let message = |s: &str| parse_amount(s).unwrap_err().to_string();
        assert_eq!(
            message("12..5"),
            "not an amount: `12..5`; use digits with up to two decimals, like 1200.50, $12,500, €9.500,00 or 8万"
        );
        assert_eq!(
            message("-5"),
            "not an amount: `-5` (amounts cannot be negative); use digits with up to two decimals, like 1200.50, $12,500, €9.500,00 or 8万"
        );
        assert!(message("¥-5.00").contains("cannot be negative"));
        assert!(message("-$5").contains("cannot be negative"));
        assert!(message("1.005").contains("more than two decimals"));
        assert!(message("").contains("it is empty"));
        assert!(message("92233720368547758.08").contains("too large"));
        assert!(message("99999999999999999999").contains("too large"));
        for garbage in [
            "abc",
            "¥",
            "12a",
            "1,23,456",
            "12,3456",
            ".5",
            "5.",
            "1e5",
            "+5",
            "(5)",
            "1_000",
            "12 40",
            "1,234 567",
            "五百",
            "NaN",
        ] {
            assert!(
                parse_amount(garbage).is_err(),
                "{garbage} should be refused"
            );
        }
    }

    #[test]
    fn dates_outside_four_digit_years_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for input in ["+9999999d", "+8000y", "-2000y", "1899-12-31"] {
            let err = parse_date(input, today).unwrap_err().to_string();
            assert!(err.contains("from 1900 to 9999"), "{input}: {err}");
        }
        assert!(parse_import_datetime("9999-12-31T23:00:00-05:00").is_err());
        assert!(parse_import_date("01/01/1850").is_err());
        assert!(parse_date("9999-12-31", today).is_ok());
    }

    #[test]
    fn a_zone_with_non_ascii_text_is_an_error_not_a_crash() {
        for input in [
            "2026-10-01 10:00 +a€",
            "2026-10-01 10:00 €",
            "2026-10-01 10:00 +€€",
        ] {
            assert!(parse_import_datetime(input).is_err(), "{input}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_a_parser_panic(input in "\\PC{0,24}", digits in "[0-9/.:,年月日 +-]{0,20}") {
            let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
            for text in [input.as_str(), digits.as_str()] {
                let _ = parse_date(text, today);
                let _ = parse_import_date(text);
                let _ = parse_import_datetime(text);
                let _ = parse_amount(text);
            }
        }
    }
}
