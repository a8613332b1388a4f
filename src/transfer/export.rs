//! Writers: one canonical CSV file per table, headers named after the fields,
//! read back exactly by the readers in `import`.
//!
//! Dates are `YYYY-MM-DD`; timestamps are RFC 3339 UTC with milliseconds
//! (`2026-11-23T10:15:30.123Z`), finer digits cut off, so exporting what was
//! imported from an export gives the same bytes. No byte-order mark is written:
//! a caller that wants Excel to see UTF-8 writes `\u{feff}` first.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};

use super::GoalRecord;
use crate::domain::{Account, Activity, Contact, Deal, HistoryEntry, Id, Money, Reminder, RowMeta};

const META_HEADERS: [&str; 5] = [
    "created_at",
    "updated_at",
    "updated_by",
    "version",
    "deleted_at",
];

fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn date(on: NaiveDate) -> String {
    on.format("%Y-%m-%d").to_string()
}

fn optional<T>(value: Option<T>, format: impl FnOnce(T) -> String) -> String {
    value.map(format).unwrap_or_default()
}

/// Major units with two decimals and no grouping, as every spreadsheet reads them.
fn major_units(amount: Money) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The cells of a row followed by its metadata.
fn with_meta(mut cells: Vec<String>, meta: &RowMeta) -> Vec<String> {
    cells.extend([
        timestamp(meta.created_at),
        timestamp(meta.updated_at),
        meta.updated_by.clone(),
        meta.version.to_string(),
        optional(meta.deleted_at, timestamp),
    ]);
    cells
}

/// Writes the header and the rows; csv refuses a row whose length differs from
/// the header's, so a missing cell cannot shift the columns unnoticed.
fn write_table<T>(
    w: impl Write,
    headers: &[&str],
    rows: impl IntoIterator<Item = T>,
    cells: impl Fn(&T) -> Vec<String>,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(headers)?;
    for row in rows {
        out.write_record(cells(&row))?;
    }
    out.flush()?;
    Ok(())
}

pub fn write_accounts(w: impl Write, rows: impl IntoIterator<Item = Account>) -> csv::Result<()> {
    let headers = [
        &[
            "id",
            "name",
            "kind",
            "industry",
            "region",
            "channel",
            "product_tier",
            "satisfaction",
            "owner",
            "notes",
            "source_id",
        ][..],
        &META_HEADERS,
    ]
    .concat();
    write_table(w, &headers, rows, |a| {
        with_meta(
            vec![
                a.id.to_string(),
                a.name.clone(),
                a.kind.to_string(),
                a.industry.clone(),
                a.region.clone(),
                a.channel.clone(),
                optional(a.product_tier, |t| t.to_string()),
                a.satisfaction.to_string(),
                a.owner.clone(),
                a.notes.clone(),
                a.source_id.clone().unwrap_or_default(),
            ],
            &a.meta,
        )
    })
}

pub fn write_contacts(w: impl Write, rows: impl IntoIterator<Item = Contact>) -> csv::Result<()> {
    let headers = [
        &[
            "id",
            "account_id",
            "name",
            "title",
            "phone",
            "email",
            "other",
            "notes",
            "source_id",
        ][..],
        &META_HEADERS,
    ]
    .concat();
    write_table(w, &headers, rows, |c| {
        with_meta(
            vec![
                c.id.to_string(),
                c.account_id.to_string(),
                c.name.clone(),
                c.title.clone(),
                c.phone.clone(),
                c.email.clone(),
                c.other.clone(),
                c.notes.clone(),
                c.source_id.clone().unwrap_or_default(),
            ],
            &c.meta,
        )
    })
}

/// Deals with their account's name beside its id (for people reading the
/// file) and the amount both in major units and exactly, in minor units.
pub fn write_deals(
    w: impl Write,
    rows: impl IntoIterator<Item = Deal>,
    account_names: &HashMap<Id, String>,
) -> csv::Result<()> {
    let headers = [
        &[
            "id",
            "account_id",
            "account",
            "title",
            "amount",
            "amount_minor",
            "currency",
            "stage",
            "need",
            "expected_close",
            "grade",
            "pin_grade",
            "pin_reason",
            "owner",
            "created_on",
            "stage_entered_on",
            "closed_on",
            "lost_reason",
            "contact_id",
            "source",
            "next_step",
            "notes",
            "source_id",
        ][..],
        &META_HEADERS,
    ]
    .concat();
    write_table(w, &headers, rows, |d| {
        with_meta(
            vec![
                d.id.to_string(),
                d.account_id.to_string(),
                account_names
                    .get(&d.account_id)
                    .cloned()
                    .unwrap_or_default(),
                d.title.clone(),
                major_units(d.amount),
                d.amount.minor().to_string(),
                d.currency.to_string(),
                d.stage.clone(),
                d.need.to_string(),
                optional(d.expected_close, date),
                d.grade.to_string(),
                optional(d.pin.as_ref(), |p| p.grade.to_string()),
                optional(d.pin.as_ref(), |p| p.reason.clone()),
                d.owner.clone(),
                date(d.created_on),
                date(d.stage_entered_on),
                optional(d.closed_on, date),
                d.lost_reason.clone().unwrap_or_default(),
                optional(d.contact_id, |id| id.to_string()),
                d.source.clone(),
                d.next_step.clone(),
                d.notes.clone(),
                d.source_id.clone().unwrap_or_default(),
            ],
            &d.meta,
        )
    })
}

pub fn write_activities(
    w: impl Write,
    rows: impl IntoIterator<Item = Activity>,
) -> csv::Result<()> {
    let headers = [
        "id",
        "deal_id",
        "account_id",
        "kind",
        "at",
        "summary",
        "author",
        "created_at",
    ];
    write_table(w, &headers, rows, |a| {
        vec![
            a.id.to_string(),
            optional(a.deal_id, |id| id.to_string()),
            a.account_id.to_string(),
            a.kind.to_string(),
            timestamp(a.at),
            a.summary.clone(),
            a.author.clone(),
            timestamp(a.created_at),
        ]
    })
}

pub fn write_goals(w: impl Write, rows: impl IntoIterator<Item = GoalRecord>) -> csv::Result<()> {
    let headers = [&super::GOAL_FIELDS[..], &META_HEADERS].concat();
    write_table(w, &headers, rows, |g| {
        with_meta(
            vec![
                g.id.to_string(),
                g.owner.clone(),
                g.period.clone(),
                optional(g.won_amount_minor, |n| n.to_string()),
                g.currency.clone(),
                optional(g.won_deals, |n| n.to_string()),
                optional(g.activities, |n| n.to_string()),
            ],
            &g.meta,
        )
    })
}

pub fn write_reminders(w: impl Write, rows: impl IntoIterator<Item = Reminder>) -> csv::Result<()> {
    let headers = [
        &[
            "id",
            "deal_id",
            "kind",
            "due",
            "status",
            "about",
            "created_on",
            "closed_on",
            "note",
        ][..],
        &META_HEADERS,
        &["account_id"][..],
    ]
    .concat();
    write_table(w, &headers, rows, |r| {
        let mut cells = with_meta(
            vec![
                r.id.to_string(),
                optional(r.deal_id, |id| id.to_string()),
                r.kind.to_string(),
                date(r.due),
                r.status.to_string(),
                // A follow-up's time of day, the engine's close date.
                r.time.map_or_else(
                    || optional(r.about, date),
                    |t| t.format("%H:%M").to_string(),
                ),
                date(r.created_on),
                optional(r.closed_on, date),
                r.note.clone(),
            ],
            &r.meta,
        );
        cells.push(optional(r.account_id, |id| id.to_string()));
        cells
    })
}

pub fn write_history(
    w: impl Write,
    rows: impl IntoIterator<Item = HistoryEntry>,
) -> csv::Result<()> {
    let headers = [
        "id", "deal_id", "field", "at", "old", "new", "reason", "author",
    ];
    write_table(w, &headers, rows, |h| {
        vec![
            h.id.to_string(),
            h.deal_id.to_string(),
            h.field.to_string(),
            timestamp(h.at),
            h.old.clone(),
            h.new.clone(),
            h.reason.code(),
            h.author.clone(),
        ]
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Timelike};

    use super::*;
    use crate::domain::{
        AccountKind, ActivityKind, Grade, HistoryField, Need, Pin, ProductTier, Reason,
        ReminderKind, ReminderStatus, Satisfaction,
    };
    use crate::transfer::{
        AccountRecord, AccountRef, ActivityRecord, ContactRecord, ContactRef, DealRecord, DealRef,
        read_accounts, read_activities, read_contacts, read_deals, read_history, read_reminders,
    };
    use crate::transfer::{ImportOptions, Sheetful};

    const STAGES: &[(&str, &str, &str)] = &[
        ("lead", "Lead", "潜在客户"),
        ("proposal", "Proposal", "方案提供"),
        ("won", "Won", "成交"),
        ("lost", "Lost", "输单"),
    ];

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 30).unwrap() + TimeDelta::milliseconds(ms)
    }

    fn meta(deleted: bool) -> RowMeta {
        RowMeta {
            created_at: at(0),
            updated_at: at(123),
            updated_by: "王芳".to_string(),
            version: 3,
            deleted_at: deleted.then(|| at(999)),
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn some(s: &str) -> Option<String> {
        (!s.is_empty()).then(|| s.to_string())
    }

    fn records<T: std::fmt::Debug>(read: Sheetful<T>) -> Vec<T> {
        assert!(read.bad.is_empty(), "{:?}", read.bad);
        read.lines.into_iter().map(|l| l.record).collect()
    }

    fn written(write: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        out
    }

    /// Free text that needs quoting: a comma, quotes, a line break, edge spaces.
    const AWKWARD: &str = " said \"yes, but\"\nnext week ";

    fn accounts() -> Vec<Account> {
        let full = Account {
            source_id: None,
            id: Id::new(),
            name: "上海某某科技, \"Ltd\"".to_string(),
            kind: AccountKind::Wholesale,
            industry: "食品".to_string(),
            region: "华东".to_string(),
            channel: "distributor".to_string(),
            product_tier: Some(ProductTier::High),
            satisfaction: Satisfaction::Dissatisfied,
            owner: "Ann".to_string(),
            notes: AWKWARD.to_string(),
            meta: meta(true),
        };
        let sparse = Account {
            source_id: None,
            id: Id::new(),
            name: "Acme".to_string(),
            kind: AccountKind::Enterprise,
            industry: String::new(),
            region: String::new(),
            channel: String::new(),
            product_tier: None,
            satisfaction: Satisfaction::Unknown,
            owner: String::new(),
            notes: String::new(),
            meta: meta(false),
        };
        vec![full, sparse]
    }

    #[test]
    fn accounts_round_trip() {
        let rows = accounts();
        let csv = written(|w| write_accounts(w, rows.clone()));
        let back = records(read_accounts(csv.as_slice(), &ImportOptions::default()).unwrap());
        let expected: Vec<AccountRecord> = rows
            .iter()
            .map(|a| AccountRecord {
                id: Some(a.id),
                source_id: a.source_id.clone(),
                name: a.name.clone(),
                kind: Some(a.kind),
                industry: some(&a.industry),
                region: some(&a.region),
                channel: some(&a.channel),
                product_tier: a.product_tier,
                satisfaction: Some(a.satisfaction),
                owner: some(&a.owner),
                notes: some(&a.notes),
                meta: Some(a.meta.clone()),
            })
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn contacts_round_trip() {
        let contact = Contact {
            source_id: Some("hubspot:4711".to_string()),
            id: Id::new(),
            account_id: Id::new(),
            name: "张伟".to_string(),
            title: "经理".to_string(),
            phone: "+86 138 0000 0000".to_string(),
            email: "zw@example.test".to_string(),
            other: "wechat: zw_88".to_string(),
            notes: AWKWARD.to_string(),
            meta: meta(false),
        };
        let bare = Contact {
            title: String::new(),
            phone: String::new(),
            email: String::new(),
            other: String::new(),
            notes: String::new(),
            ..contact.clone()
        };
        let rows = [contact, bare];
        let csv = written(|w| write_contacts(w, rows.clone()));
        let back = records(read_contacts(csv.as_slice(), &ImportOptions::default()).unwrap());
        let expected: Vec<ContactRecord> = rows
            .iter()
            .map(|c| ContactRecord {
                id: Some(c.id),
                source_id: c.source_id.clone(),
                account: Some(AccountRef::Id(c.account_id)),
                name: c.name.clone(),
                title: some(&c.title),
                phone: some(&c.phone),
                email: some(&c.email),
                other: some(&c.other),
                notes: some(&c.notes),
                meta: Some(c.meta.clone()),
            })
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn deals_round_trip_with_exact_amounts_and_account_names() {
        let account = Id::new();
        let open = Deal {
            source_id: None,
            id: Id::new(),
            account_id: account,
            title: "华东项目".to_string(),
            amount: Money(1_240_005),
            stage: "proposal".to_string(),
            need: Need::Explicit,
            expected_close: Some(day(30)),
            grade: Grade::B,
            pin: Some(Pin {
                grade: Grade::A,
                reason: "CEO promised, \"soon\"".to_string(),
            }),
            owner: "王芳".to_string(),
            created_on: day(1),
            stage_entered_on: day(2),
            closed_on: None,
            lost_reason: None,
            meta: meta(false),
            currency: crate::domain::Currency::CNY,
            contact_id: Some(Id::new()),
            source: "展会".to_string(),
            next_step: "send the quote, \"Friday\"".to_string(),
            notes: AWKWARD.to_string(),
        };
        let lost = Deal {
            id: Id::new(),
            account_id: Id::new(),
            amount: Money(crate::parse::MAX_AMOUNT_MINOR),
            stage: "lost".to_string(),
            need: Need::None,
            expected_close: None,
            grade: Grade::E,
            pin: None,
            owner: String::new(),
            closed_on: Some(day(20)),
            lost_reason: Some(AWKWARD.to_string()),
            meta: meta(true),
            contact_id: None,
            source: String::new(),
            next_step: String::new(),
            notes: String::new(),
            // Each deal's own currency goes out and comes back.
            currency: "USD".parse().unwrap(),
            ..open.clone()
        };
        let rows = [open, lost];
        let names = HashMap::from([(account, "Acme".to_string())]);
        let csv = written(|w| write_deals(w, rows.clone(), &names));
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(
            text.contains(",Acme,华东项目,12400.05,1240005,CNY,proposal,"),
            "{text}"
        );
        let back = records(read_deals(csv.as_slice(), STAGES, &ImportOptions::default()).unwrap());
        let expected: Vec<DealRecord> = rows
            .iter()
            .map(|d| DealRecord {
                source_id: d.source_id.clone(),
                id: Some(d.id),
                account: AccountRef::Id(d.account_id),
                title: d.title.clone(),
                amount: Some(d.amount),
                currency: Some(d.currency),
                stage: Some(d.stage.clone()),
                need: Some(d.need),
                expected_close: d.expected_close,
                grade: Some(d.grade),
                pin: d.pin.clone(),
                owner: some(&d.owner),
                created_on: Some(d.created_on),
                stage_entered_on: Some(d.stage_entered_on),
                closed_on: d.closed_on,
                lost_reason: d.lost_reason.clone(),
                contact: d.contact_id.map(ContactRef::Id),
                source: some(&d.source),
                next_step: some(&d.next_step),
                notes: some(&d.notes),
                meta: Some(d.meta.clone()),
            })
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn activities_round_trip() {
        let on_deal = Activity {
            id: Id::new(),
            deal_id: Some(Id::new()),
            account_id: Id::new(),
            kind: ActivityKind::Visit,
            at: at(5),
            summary: AWKWARD.to_string(),
            author: "Ann".to_string(),
            created_at: at(6),
        };
        let on_account = Activity {
            id: Id::new(),
            deal_id: None,
            kind: ActivityKind::Note,
            summary: String::new(),
            ..on_deal.clone()
        };
        let rows = [on_deal, on_account];
        let csv = written(|w| write_activities(w, rows.clone()));
        let back = records(read_activities(csv.as_slice(), &ImportOptions::default()).unwrap());
        let expected: Vec<ActivityRecord> = rows
            .iter()
            .map(|a| ActivityRecord {
                id: Some(a.id),
                deal: a.deal_id.map(DealRef::Id),
                account: Some(AccountRef::Id(a.account_id)),
                kind: a.kind,
                at: a.at,
                summary: a.summary.clone(),
                author: some(&a.author),
                created_at: Some(a.created_at),
                contact: None,
                done: true,
            })
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn reminders_round_trip_exactly() {
        let open = Reminder {
            id: Id::new(),
            deal_id: Some(Id::new()),
            account_id: None,
            kind: ReminderKind::CloseSoon,
            due: day(23),
            status: ReminderStatus::Open,
            about: Some(day(30)),
            time: None,
            created_on: day(16),
            closed_on: None,
            note: String::new(),
            meta: meta(false),
        };
        let done = Reminder {
            id: Id::new(),
            kind: ReminderKind::Revisit,
            status: ReminderStatus::Dismissed,
            about: None,
            closed_on: Some(day(24)),
            note: AWKWARD.to_string(),
            meta: meta(true),
            ..open.clone()
        };
        // A follow-up planned on an account alone, with its time and what it asks.
        let planned = Reminder {
            id: Id::new(),
            deal_id: None,
            account_id: Some(Id::new()),
            kind: ReminderKind::FollowUp,
            about: None,
            time: chrono::NaiveTime::from_hms_opt(15, 0, 0),
            note: "call 李总".to_string(),
            ..open.clone()
        };
        let rows = vec![open, done, planned];
        let csv = written(|w| write_reminders(w, rows.clone()));
        assert_eq!(
            records(read_reminders(csv.as_slice(), &ImportOptions::default()).unwrap()),
            rows
        );
    }

    #[test]
    fn history_round_trips_exactly() {
        let rows = vec![
            HistoryEntry {
                id: Id::new(),
                deal_id: Id::new(),
                field: HistoryField::Stage,
                at: at(1),
                old: String::new(),
                new: "lead".to_string(),
                reason: Reason::Created,
                author: "Ann".to_string(),
            },
            HistoryEntry {
                id: Id::new(),
                deal_id: Id::new(),
                field: HistoryField::Grade,
                at: at(2),
                old: "C".to_string(),
                new: "A".to_string(),
                reason: Reason::Pinned(AWKWARD.to_string()),
                author: "王芳".to_string(),
            },
        ];
        let csv = written(|w| write_history(w, rows.clone()));
        assert_eq!(
            records(read_history(csv.as_slice(), &ImportOptions::default()).unwrap()),
            rows
        );
    }

    #[test]
    fn timestamps_are_cut_to_milliseconds_so_a_second_export_is_identical() {
        let mut rows = accounts();
        rows[0].meta.created_at = at(0).with_nanosecond(123_987_654).unwrap();
        let first = written(|w| write_accounts(w, rows.clone()));
        assert!(String::from_utf8_lossy(&first).contains("2026-11-23T10:15:30.123Z"));
        let back = records(read_accounts(first.as_slice(), &ImportOptions::default()).unwrap());
        assert_eq!(back[0].meta.as_ref().unwrap().created_at, at(123));

        rows[0].meta.created_at = at(123);
        let second = written(|w| write_accounts(w, rows.clone()));
        assert_eq!(first, second);
    }
}
