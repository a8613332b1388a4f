//! How domain values are spelled in SQLite: ids and vocabularies as text,
//! dates as `YYYY-MM-DD`, moments as RFC 3339 UTC with milliseconds (which
//! sort as text in time order).

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::{
    AccountKind, ActivityKind, Behaviour, Currency, Grade, HistoryField, Id, Lifecycle, Money,
    Need, ProductTier, Reason, ReminderKind, ReminderStatus, Satisfaction, ValueTier,
};

impl ToSql for Id {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for Id {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for Reason {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for Reason {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(Reason::from_code)
    }
}

impl ToSql for Money {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for Money {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64().map(Money)
    }
}

impl ToSql for Currency {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for Currency {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

macro_rules! text_vocabulary {
    ($($ty:ty),+) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

text_vocabulary!(
    Grade,
    Need,
    AccountKind,
    ProductTier,
    Satisfaction,
    ActivityKind,
    ReminderKind,
    ReminderStatus,
    HistoryField,
    ValueTier,
    Lifecycle,
    Behaviour
);

pub fn moment(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn day(date: NaiveDate) -> String {
    use chrono::Datelike;
    if (0..=9999).contains(&date.year()) {
        return format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
    }
    date.format("%Y-%m-%d").to_string()
}

pub fn parse_moment(text: &str) -> FromSqlResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// Reads `YYYY-MM-DD` directly: the engine reads several dates per deal
/// over every open deal, and chrono's format parser dominated that.
pub fn parse_day(text: &str) -> FromSqlResult<NaiveDate> {
    let bad = || FromSqlError::Other(format!("not a YYYY-MM-DD date: {text:?}").into());
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(bad());
    };
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(bad)
}

/// Reads a `YYYY-MM-DD` column.
pub fn get_day(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let text = row
        .get_ref(idx)?
        .as_str()
        .map_err(|e| from_sql_error(idx, e))?;
    parse_day(text).map_err(|e| from_sql_error(idx, e))
}

pub fn get_opt_day(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text = row
        .get_ref(idx)?
        .as_str_or_null()
        .map_err(|e| from_sql_error(idx, e))?;
    text.map(|t| parse_day(t).map_err(|e| from_sql_error(idx, e)))
        .transpose()
}

/// A time of day stored as `HH:MM`, or `NULL`.
pub fn get_opt_time(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveTime>> {
    let text = row
        .get_ref(idx)?
        .as_str_or_null()
        .map_err(|e| from_sql_error(idx, e))?;
    text.map(|t| {
        NaiveTime::parse_from_str(t, "%H:%M")
            .map_err(|e| from_sql_error(idx, FromSqlError::Other(Box::new(e))))
    })
    .transpose()
}

/// How a time of day is stored.
pub fn time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// [`get_local_day`] for a column that may be `NULL`.
pub fn get_opt_local_day(
    row: &rusqlite::Row<'_>,
    idx: usize,
    offset: chrono::FixedOffset,
) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get_ref(idx)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => get_local_day(row, idx, offset).map(Some),
    }
}

/// Reads a moment column as the day it fell on at `offset`, without building
/// the moment: the reports read one per stage change in the history.
pub fn get_local_day(
    row: &rusqlite::Row<'_>,
    idx: usize,
    offset: chrono::FixedOffset,
) -> rusqlite::Result<NaiveDate> {
    let text = row
        .get_ref(idx)?
        .as_str()
        .map_err(|e| from_sql_error(idx, e))?;
    let b = text.as_bytes();
    let clock = |at: usize| {
        let digits = b.get(at..at + 2)?;
        digits.iter().try_fold(0i32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    let utc_day = text.get(..10).and_then(|day| parse_day(day).ok());
    match (
        utc_day,
        clock(11),
        clock(14),
        clock(17),
        text.ends_with('Z'),
    ) {
        (Some(day), Some(h), Some(m), Some(s), true) => {
            let seconds = h * 3600 + m * 60 + s + offset.local_minus_utc();
            Ok(day + chrono::Duration::days(i64::from(seconds.div_euclid(86_400))))
        }
        // Not the way we write moments: take the long way.
        _ => Ok(parse_moment(text)
            .map_err(|e| from_sql_error(idx, e))?
            .with_timezone(&offset)
            .date_naive()),
    }
}

pub fn get_moment(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(idx)?;
    parse_moment(&text).map_err(|e| from_sql_error(idx, e))
}

pub fn get_opt_moment(
    row: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| parse_moment(&t).map_err(|e| from_sql_error(idx, e)))
        .transpose()
}

fn from_sql_error(idx: usize, e: FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_bad_text_is_refused() {
        for text in ["2026-11-23", "2028-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(day(parse_day(text).unwrap()), text);
        }
        for text in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "20261123",
            "2026-11-2x",
            "",
        ] {
            assert!(parse_day(text).is_err(), "{text}");
        }
    }
}
