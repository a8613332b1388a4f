//! Open reminders as one iCalendar file (RFC 5545), one VTODO each, for any calendar app
//! (`reminders --ics`, SPEC §6). The icalendar crate escapes text, folds lines at 75 octets
//! without splitting a character, and ends lines with CRLF.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use icalendar::{
    Alarm, Calendar, Component, DatePerhapsTime, EventLike, Property, Related, Todo, TodoStatus,
};

use crate::domain::{Grade, Id, ReminderKind};
use crate::i18n::Catalog;
use crate::output::one_line;

pub const PRODID: &str = "-//tierdeck//EN";

/// What one calendar to-do shows about a reminder and its deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsReminder {
    /// The reminder's id, used whole as the UID so that re-importing updates the to-do.
    pub id: Id,
    pub kind: ReminderKind,
    pub due: NaiveDate,
    pub deal_title: String,
    pub account: String,
    /// Already formatted, with its currency (`¥12,400.00`).
    pub amount: String,
    /// The deal's; none for an account's own reminder.
    pub grade: Option<Grade>,
    /// The time of day a follow-up was planned for.
    pub time: Option<NaiveTime>,
    /// What a follow-up asks; empty for the engine's reminders.
    pub what: String,
    /// Free text added to the description (a link, the last activity); may be empty.
    pub note: String,
}

/// The calendar text (CRLF line endings) with one VTODO per item, in `catalog`'s language.
/// `stamp` is the DTSTAMP of every to-do (RFC 5545 requires one): the caller's "now", so
/// that the same reminders at the same moment give the same file.
pub fn reminders_calendar(
    items: &[IcsReminder],
    catalog: &Catalog,
    stamp: DateTime<Utc>,
) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(catalog.get("ics.calendar_name"));
    calendar.extend(items.iter().map(|item| todo(item, catalog, stamp)));
    calendar.to_string()
}

fn todo(item: &IcsReminder, catalog: &Catalog, stamp: DateTime<Utc>) -> Todo {
    let kind_key = format!("reminder.{}", item.kind);
    let summary = if item.kind == ReminderKind::FollowUp {
        // What the person planned is the to-do; the deal (or account) says where.
        let on = if item.deal_title.is_empty() {
            &item.account
        } else {
            &item.deal_title
        };
        catalog.fmt(
            "ics.follow_up",
            &[("what", &one_line(&item.what)), ("on", &one_line(on))],
        )
    } else {
        let deal = if item.deal_title.is_empty() {
            &item.account
        } else {
            &item.deal_title
        };
        catalog.fmt(
            "ics.summary",
            &[
                ("kind", catalog.get(&kind_key)),
                ("deal", &one_line(deal)),
                ("account", &one_line(&item.account)),
            ],
        )
    };
    let mut description = match item.grade {
        Some(grade) => catalog.fmt(
            "ics.description",
            &[
                ("grade", catalog.get(&format!("grade.{grade}"))),
                ("amount", &one_line(&item.amount)),
            ],
        ),
        None => catalog.fmt("ics.account", &[("account", &one_line(&item.account))]),
    };
    let note = text(&item.note);
    if !note.trim().is_empty() {
        description.push_str("\n\n");
        description.push_str(&note);
    }
    let uid = item.id.to_string();
    // DUE is a floating DATE, i.e. local midnight; nine hours after it rings at 09:00 on the
    // due day in the user's own time zone (RELATED=END means DUE for a VTODO). The crate gives
    // every component, alarms included, a random UID and the clock's DTSTAMP unless set: set
    // both so the file is reproducible (RFC 9074 allows a UID on a VALARM).
    // A follow-up planned for a time is due then (floating, the user's own
    // time) and rings a quarter of an hour before.
    let (due, ring): (DatePerhapsTime, TimeDelta) = match item.time {
        Some(time) => (item.due.and_time(time).into(), TimeDelta::minutes(-15)),
        None => (item.due.into(), TimeDelta::hours(9)),
    };
    let alarm = Alarm::display(&summary, (ring, Related::End))
        .uid(&format!("{uid}-alarm"))
        .timestamp(stamp)
        .done();
    Todo::new()
        .uid(&uid)
        .timestamp(stamp)
        .summary(&summary)
        .description(&description)
        .due(due)
        .status(TodoStatus::NeedsAction)
        .priority(priority(item.grade))
        .alarm(alarm)
        .done()
}

/// Calendar apps sort to-dos by PRIORITY (1 highest … 9 lowest), so A deals
/// come first; an account's own reminders sit in the middle.
fn priority(grade: Option<Grade>) -> u32 {
    match grade {
        Some(Grade::A) => 1,
        Some(Grade::B) => 3,
        Some(Grade::C) | None => 5,
        Some(Grade::D) => 7,
        Some(Grade::E) => 9,
    }
}

/// Multi-line free text as RFC 5545 TEXT allows it: line breaks as `\n` (escaped by the crate),
/// no other control characters, which the crate would write raw and break the line structure.
fn text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\r' => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::TimeZone;
    use icalendar::CalendarComponent;

    use super::*;
    use crate::i18n::Lang;

    fn stamp() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 8, 30, 0).unwrap()
    }

    fn reminder(kind: ReminderKind, due: NaiveDate, title: &str, account: &str) -> IcsReminder {
        IcsReminder {
            id: Id::new(),
            kind,
            due,
            deal_title: title.to_string(),
            account: account.to_string(),
            amount: "¥12,400.00".to_string(),
            grade: Some(Grade::A),
            time: None,
            what: String::new(),
            note: String::new(),
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn items() -> Vec<IcsReminder> {
        vec![
            reminder(
                ReminderKind::Revisit,
                date(2026, 12, 1),
                "ERP 升级项目",
                "上海华信",
            ),
            IcsReminder {
                grade: Some(Grade::C),
                note: "Call back, ask about; the \\ budget\r\nsecond line".to_string(),
                ..reminder(
                    ReminderKind::Slipped,
                    date(2026, 11, 20),
                    "CRM, phase 2",
                    "Acme Ltd",
                )
            },
        ]
    }

    #[test]
    fn one_todo_per_reminder_with_its_id_as_uid_parses_back() {
        let items = items();
        let text = reminders_calendar(&items, &Catalog::new(Lang::En), stamp());
        let calendar = Calendar::from_str(&text).unwrap();
        let todos: Vec<&Todo> = calendar.todos().collect();
        assert_eq!(todos.len(), 2);
        for (todo, item) in todos.iter().zip(&items) {
            assert_eq!(todo.get_uid(), Some(item.id.to_string().as_str()));
            assert_eq!(todo.get_due(), Some(DatePerhapsTime::Date(item.due)));
            assert_eq!(todo.get_timestamp(), Some(stamp()));
            assert_eq!(todo.get_status(), Some(TodoStatus::NeedsAction));
            let alarms = todo.components();
            assert_eq!(alarms.len(), 1);
            assert_eq!(alarms[0].component_kind(), "VALARM");
            assert_eq!(alarms[0].property_value("ACTION"), Some("DISPLAY"));
            assert!(alarms[0].property_value("TRIGGER").is_some());
        }
        assert_eq!(
            todos[0].get_summary(),
            Some("Revisit: ERP 升级项目 (上海华信)")
        );
        assert_eq!(
            todos[1].get_summary(),
            Some("Confirm new close date: CRM, phase 2 (Acme Ltd)")
        );
        assert_eq!(
            todos[1].get_description(),
            Some(
                "Grade: C — closes within six months\nAmount: ¥12,400.00\n\n\
                 Call back, ask about; the \\ budget\nsecond line"
            )
        );
        assert_eq!(todos[0].get_priority(), Some(1));
        assert_eq!(calendar.property_value("PRODID"), Some(PRODID));
        assert!(
            calendar
                .iter()
                .all(|c| matches!(c, CalendarComponent::Todo(_)))
        );
    }

    #[test]
    fn output_is_rfc5545_lines() {
        let mut items = items();
        items[0].deal_title = "非常长的商机名称".repeat(8);
        let text = reminders_calendar(&items, &Catalog::new(Lang::ZhCn), stamp());
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert!(
            lines.iter().all(|l| !l.contains(['\r', '\n'])),
            "bare LF or CR in {text}"
        );
        assert!(
            lines.iter().all(|l| l.len() <= 75),
            "unfolded line in {text}"
        );
        assert_eq!(lines[0], "BEGIN:VCALENDAR");
        assert!(lines.contains(&"PRODID:-//tierdeck//EN"));
        assert!(lines.contains(&"VERSION:2.0"));
        assert!(lines.contains(&"DUE;VALUE=DATE:20261201"));
        assert!(lines.contains(&"DTSTAMP:20261122T083000Z"));
        assert!(lines.contains(&"ACTION:DISPLAY"));
        assert!(lines.contains(&"TRIGGER;RELATED=END:PT32400S"));
        assert!(lines.contains(&format!("UID:{}", items[1].id).as_str()));
        assert!(lines.contains(&format!("UID:{}-alarm", items[1].id).as_str()));
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VTODO").count(), 2);
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VALARM").count(), 2);
    }

    #[test]
    fn chinese_text_survives_folding_and_parsing() {
        let mut items = items();
        items[0].deal_title = "非常长的商机名称".repeat(8);
        let text = reminders_calendar(&items, &Catalog::new(Lang::ZhCn), stamp());
        let calendar = Calendar::from_str(&text).unwrap();
        let todo = calendar.todos().next().unwrap();
        let expected = format!("回访：{}（上海华信）", "非常长的商机名称".repeat(8));
        assert_eq!(todo.get_summary(), Some(expected.as_str()));
        assert_eq!(
            todo.get_description(),
            Some("等级：A — 一个月内成交\n金额：¥12,400.00")
        );
        assert_eq!(calendar.get_name(), Some("tierdeck 回访提醒"));
    }

    #[test]
    fn same_reminders_at_the_same_moment_give_the_same_file() {
        let items = items();
        let en = Catalog::new(Lang::En);
        assert_eq!(
            reminders_calendar(&items, &en, stamp()),
            reminders_calendar(&items, &en, stamp())
        );
    }

    #[test]
    fn no_reminders_is_an_empty_but_valid_calendar() {
        let text = reminders_calendar(&[], &Catalog::new(Lang::En), stamp());
        let calendar = Calendar::from_str(&text).unwrap();
        assert_eq!(calendar.todos().count(), 0);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn control_characters_in_titles_cannot_break_lines() {
        let item = IcsReminder {
            note: "a\u{7}b\rc".to_string(),
            ..reminder(
                ReminderKind::CloseSoon,
                date(2027, 1, 31),
                "two\nlines\r",
                "x\ty",
            )
        };
        let text = reminders_calendar(&[item], &Catalog::new(Lang::En), stamp());
        let calendar = Calendar::from_str(&text).unwrap();
        let todo = calendar.todos().next().unwrap();
        assert_eq!(todo.get_summary(), Some("Closing soon: two lines  (x y)"));
        assert!(todo.get_description().unwrap().ends_with("a b\nc"));
        assert!(!text.contains('\u{7}'));
    }
}
