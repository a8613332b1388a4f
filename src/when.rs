//! A day with an optional time of day, as people type it for `log --at` and
//! `plan --on`: `yesterday 15:00`, `2026-11-30 15:00`, `15:00` (today),
//! `昨天 15:00`, `-2d`, `fri 15:00`, `周五`, `+3d`.
//!
//! The day is anything [`parse_date`] reads, a Chinese day word, or a
//! weekday name; a weekday is the nearest such day looking back (`--at`)
//! or ahead (`--on`), today included. Pure: today is a parameter.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};

use crate::parse::{Detail, ParseError, parse_date};

/// A day, and the time of day when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub day: NaiveDate,
    pub time: Option<NaiveTime>,
}

/// Which way a weekday name points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looking {
    /// Something that happened: the latest such day up to today.
    Back,
    /// Something planned: the first such day from today on.
    Ahead,
}

pub fn parse_when(input: &str, today: NaiveDate, looking: Looking) -> Result<When, ParseError> {
    let s = input.trim();
    // The time is the trailing run of digits and one colon: `昨天15:00` too.
    let split = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == ':')
        .last()
        .map_or(s.len(), |(i, _)| i);
    let (day_part, time_part) = s.split_at(split);
    let (day_part, time) = if time_part.contains(':') {
        (day_part.trim(), Some(time_of_day(time_part, input)?))
    } else {
        (s, None)
    };
    let day = if day_part.is_empty() {
        today
    } else {
        day(day_part, today, looking).map_err(|why| match why {
            Some(why) => ParseError::Date {
                input: input.to_string(),
                why: Some(why),
            },
            None => parse_date(day_part, today)
                .err()
                .unwrap_or_else(|| ParseError::Date {
                    input: input.to_string(),
                    why: None,
                }),
        })?
    };
    Ok(When { day, time })
}

/// A when and the words after it, from one line such as a prompt's
/// `fri 15:00 call 李总`: the longest start of up to two words that reads
/// as a when.
pub fn split_when(
    text: &str,
    today: NaiveDate,
    looking: Looking,
) -> Result<(When, &str), ParseError> {
    let text = text.trim();
    let mut ends: Vec<usize> = text
        .match_indices(char::is_whitespace)
        .map(|(i, _)| i)
        .filter(|i| !text[..*i].ends_with(char::is_whitespace))
        .take(2)
        .collect();
    ends.push(text.len());
    ends.truncate(2);
    for end in ends.into_iter().rev() {
        if let Ok(when) = parse_when(&text[..end], today, looking) {
            return Ok((when, text[end..].trim()));
        }
    }
    let first = text.split_whitespace().next().unwrap_or(text);
    parse_when(first, today, looking).map(|when| (when, ""))
}

/// `None` as the error means "not one of ours": `parse_date` says why.
fn day(s: &str, today: NaiveDate, looking: Looking) -> Result<NaiveDate, Option<Detail>> {
    let shift = |days: i64| {
        today
            .checked_add_signed(chrono::TimeDelta::days(days))
            .ok_or(Some(Detail::OutOfRange))
    };
    match s {
        "今天" => return Ok(today),
        "明天" => return shift(1),
        "后天" => return shift(2),
        "昨天" => return shift(-1),
        "前天" => return shift(-2),
        _ => {}
    }
    if let Some(weekday) = weekday(s) {
        let ahead =
            (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let back = (7 - ahead) % 7;
        return match looking {
            Looking::Ahead => today.checked_add_days(Days::new(ahead.into())),
            Looking::Back => today.checked_sub_days(Days::new(back.into())),
        }
        .ok_or(Some(Detail::OutOfRange));
    }
    parse_date(s, today).map_err(|_| None)
}

fn weekday(s: &str) -> Option<Weekday> {
    let lower = s.to_lowercase();
    let chinese = lower
        .strip_prefix("星期")
        .or_else(|| lower.strip_prefix("周"))
        .or_else(|| lower.strip_prefix("礼拜"));
    if let Some(day) = chinese {
        return match day {
            "一" => Some(Weekday::Mon),
            "二" => Some(Weekday::Tue),
            "三" => Some(Weekday::Wed),
            "四" => Some(Weekday::Thu),
            "五" => Some(Weekday::Fri),
            "六" => Some(Weekday::Sat),
            "日" | "天" => Some(Weekday::Sun),
            _ => None,
        };
    }
    // chrono reads `fri` and `friday`; refuse `f` or `fr…` misspellings.
    (lower.len() >= 3).then(|| lower.parse().ok()).flatten()
}

fn time_of_day(s: &str, input: &str) -> Result<NaiveTime, ParseError> {
    let bad = |why| ParseError::DateTime {
        input: input.to_string(),
        why,
    };
    let (h, m) = s.split_once(':').ok_or_else(|| bad(None))?;
    let digits = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(bad(None));
    }
    let (h, m): (u32, u32) = (
        h.parse().map_err(|_| bad(None))?,
        m.parse().map_err(|_| bad(None))?,
    );
    if h > 23 {
        return Err(bad(Some(Detail::NoHour(h))));
    }
    if m > 59 {
        return Err(bad(Some(Detail::MinutesOver59)));
    }
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| bad(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    // 2026-12-02 is a Wednesday.
    const TODAY: &str = "2026-12-02";

    fn back(s: &str) -> Result<When, ParseError> {
        parse_when(s, d(TODAY), Looking::Back)
    }

    fn ahead(s: &str) -> Result<When, ParseError> {
        parse_when(s, d(TODAY), Looking::Ahead)
    }

    #[test]
    fn a_day_and_a_time_in_every_spelling() {
        let cases = [
            ("yesterday 15:00", "2026-12-01", t(15, 0)),
            ("2026-11-30 15:00", "2026-11-30", t(15, 0)),
            ("15:00", TODAY, t(15, 0)),
            ("9:05", TODAY, t(9, 5)),
            ("昨天 15:00", "2026-12-01", t(15, 0)),
            ("昨天15:00", "2026-12-01", t(15, 0)),
            ("前天", "2026-11-30", None),
            ("-2d", "2026-11-30", None),
            ("today", TODAY, None),
        ];
        for (typed, day, time) in cases {
            assert_eq!(back(typed), Ok(When { day: d(day), time }), "{typed}");
        }
    }

    #[test]
    fn a_weekday_is_the_nearest_one_the_way_it_points_today_included() {
        assert_eq!(
            ahead("fri 15:00").unwrap(),
            When {
                day: d("2026-12-04"),
                time: t(15, 0)
            }
        );
        assert_eq!(ahead("Friday").unwrap().day, d("2026-12-04"));
        assert_eq!(ahead("周五").unwrap().day, d("2026-12-04"));
        assert_eq!(ahead("星期一").unwrap().day, d("2026-12-07"));
        assert_eq!(ahead("wed").unwrap().day, d(TODAY));
        assert_eq!(back("wed").unwrap().day, d(TODAY));
        assert_eq!(back("fri").unwrap().day, d("2026-11-27"));
        assert_eq!(back("周日").unwrap().day, d("2026-11-29"));
        assert_eq!(ahead("+3d").unwrap().day, d("2026-12-05"));
        assert_eq!(
            ahead("明天 9:30").unwrap(),
            When {
                day: d("2026-12-03"),
                time: t(9, 30)
            }
        );
    }

    #[test]
    fn a_line_starts_with_its_when() {
        let split =
            |s| split_when(s, d(TODAY), Looking::Ahead).map(|(w, rest)| (w, rest.to_string()));
        assert_eq!(
            split("fri 15:00 call 李总").unwrap(),
            (
                When {
                    day: d("2026-12-04"),
                    time: t(15, 0)
                },
                "call 李总".to_string()
            )
        );
        assert_eq!(split("+3d send the quote").unwrap().0.day, d("2026-12-05"));
        assert_eq!(split("+3d send the quote").unwrap().1, "send the quote");
        assert_eq!(split("周五 15:00 打电话").unwrap().1, "打电话");
        assert_eq!(split("tomorrow").unwrap().1, "");
        assert!(split("call 李总 friday").is_err());
    }

    #[test]
    fn a_bad_time_or_day_says_what_is_wrong() {
        assert!(matches!(
            back("yesterday 25:00"),
            Err(ParseError::DateTime {
                why: Some(Detail::NoHour(25)),
                ..
            })
        ));
        assert!(matches!(
            back("15:60"),
            Err(ParseError::DateTime {
                why: Some(Detail::MinutesOver59),
                ..
            })
        ));
        assert!(matches!(
            back("15:0"),
            Err(ParseError::DateTime { why: None, .. })
        ));
        assert!(matches!(
            back("someday 15:00"),
            Err(ParseError::Date { .. })
        ));
        assert!(matches!(back("fr"), Err(ParseError::Date { .. })));
        assert!(matches!(
            back("2026-02-30"),
            Err(ParseError::Date { why: Some(_), .. })
        ));
    }
}
