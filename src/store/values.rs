//! How domain values are spelled in SQLite: ids and vocabularies as text,
//! dates as `YYYY-MM-DD`, moments as RFC 3339 UTC with milliseconds (which
//! sort as text in time order).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::{
    AccountKind, ActivityKind, Grade, HistoryField, Id, Money, Need, ProductTier, ReminderKind,
    ReminderStatus, Satisfaction,
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
    HistoryField
);

pub fn moment(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn parse_moment(text: &str) -> FromSqlResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| FromSqlError::Other(Box::new(e)))
}

pub fn parse_day(text: &str) -> FromSqlResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// Reads a `YYYY-MM-DD` column.
pub fn get_day(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(idx)?;
    parse_day(&text).map_err(|e| from_sql_error(idx, e))
}

pub fn get_opt_day(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| parse_day(&t).map_err(|e| from_sql_error(idx, e)))
        .transpose()
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
