//! A deal's timeline as people read it: activities and stage, grade and pin changes merged,
//! in the catalogue's language (SPEC §1 "History", §7 detail pane).
//!
//! The database keeps history reasons as codes ([`Reason`]), so JSON output and merges never
//! depend on a language; they are worded here, only for display.

use std::cmp::Reverse;

use chrono::{DateTime, Utc};

use crate::domain::{Activity, Correction, HistoryEntry, HistoryField, Id, Reason};
use crate::i18n::Catalog;
use crate::rules::Rules;
use crate::store::{Did, FieldChange, Touched, Trashed};

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The activity's id, which `activity edit` and `retract` take; none for a change.
    pub id: Option<Id>,
    pub at: DateTime<Utc>,
    /// The activity kind, or "Stage", "Grade", "Pin" for a change.
    pub kind: String,
    /// The activity's summary, or `old → new (reason)` for a change.
    pub text: String,
    pub author: String,
}

/// Shown for the missing side of a change: no stage before a deal was created, no pin after
/// an unpin.
const NONE: &str = "—";

/// The deal's activities and history merged, newest first. Entries of the same moment keep
/// the order they were recorded in (activities, then changes as written), so that a caller
/// wanting oldest first gets the same ties with a stable sort by time.
pub fn entries(
    activities: &[Activity],
    history: &[HistoryEntry],
    edited: &[FieldChange],
    catalog: &Catalog,
    rules: &Rules,
) -> Vec<Entry> {
    let activities = activities.iter().map(|a| Entry {
        id: Some(a.id),
        at: a.at,
        kind: catalog.get(&format!("activity.{}", a.kind)).to_string(),
        text: a.summary.clone(),
        author: a.author.clone(),
    });
    // Two copies of the database that each regraded a deal on the same day
    // both keep that regrade, and a merge keeps both rows: it is one event,
    // shown once.
    let mut regrades = std::collections::HashSet::new();
    let changes = history.iter().filter(move |h| {
        !h.reason.is_rule()
            || regrades.insert((h.field, &h.old, &h.new, &h.reason, h.at.date_naive()))
    });
    let changes = changes.map(|h| {
        let value = |v: &str| match h.field {
            HistoryField::Stage if v.is_empty() => NONE.to_string(),
            HistoryField::Stage => rules.stage_label(v, catalog.lang()),
            // Grades and pins are letters, the same in every language.
            HistoryField::Grade | HistoryField::Pin => shown(v).to_string(),
        };
        Entry {
            id: None,
            at: h.at,
            kind: catalog.get(&format!("history.{}", h.field)).to_string(),
            text: format!(
                "{} → {} ({})",
                value(&h.old),
                value(&h.new),
                reason(&h.reason, catalog)
            ),
            author: h.author.clone(),
        }
    });
    let edits = edited.iter().map(|c| Entry {
        id: None,
        at: c.at,
        kind: catalog.get(&format!("change.{}", c.field)).to_string(),
        text: match c.field.as_str() {
            // A tombstone set or cleared: the row was deleted or brought back.
            "deleted_at" if c.new.is_null() => catalog.get("change.restored").to_string(),
            "deleted_at" => catalog.get("change.deleted").to_string(),
            _ => format!(
                "{} → {}",
                field_value(&c.field, &c.old, catalog),
                field_value(&c.field, &c.new, catalog)
            ),
        },
        author: c.author.clone(),
    });
    let mut merged: Vec<Entry> = activities.chain(changes).chain(edits).collect();
    merged.sort_by_key(|e| Reverse(e.at));
    merged
}

/// A reminder's kind in the reader's language, and for a planned follow-up
/// its time and what it asks: `Follow-up 15:00 call 李总`.
pub fn reminder_what(r: &crate::domain::Reminder, catalog: &Catalog) -> String {
    let kind = catalog.get(&format!("reminder.{}", r.kind)).to_string();
    if r.kind != crate::domain::ReminderKind::FollowUp {
        return kind;
    }
    let time = r
        .time
        .map(|t| format!(" {}", t.format("%H:%M")))
        .unwrap_or_default();
    format!("{kind}{time} {}", r.note)
}

/// A deal's whole timeline, newest first: its activities as they stand,
/// its changes, and each correction or retraction with the original it
/// replaced.
pub fn of_deal(detail: &crate::store::DealDetail, catalog: &Catalog, rules: &Rules) -> Vec<Entry> {
    let mut all = entries(
        &detail.activities,
        &detail.history,
        &detail.changes,
        catalog,
        rules,
    );
    all.extend(corrections(&detail.corrections, catalog));
    all.sort_by_key(|e| Reverse(e.at));
    all
}

/// Corrections and retractions as events: what the original said, and why
/// it was taken back.
pub fn corrections(corrections: &[Correction], catalog: &Catalog) -> Vec<Entry> {
    corrections
        .iter()
        .map(|c| {
            let original = &c.original;
            let was = catalog.fmt(
                "timeline.original",
                &[
                    ("kind", catalog.get(&format!("activity.{}", original.kind))),
                    ("summary", &original.summary),
                ],
            );
            let (kind, text) = match &c.retracted {
                Some(reason) => (
                    "timeline.retracted",
                    catalog.fmt(
                        "timeline.retracted_text",
                        &[("was", &was), ("reason", reason)],
                    ),
                ),
                None => (
                    "timeline.corrected",
                    catalog.fmt("timeline.corrected_text", &[("was", &was)]),
                ),
            };
            Entry {
                id: None,
                at: c.at,
                kind: catalog.get(kind).to_string(),
                text,
                author: c.author.clone(),
            }
        })
        .collect()
}

/// A field's value as the timeline shows it.
fn field_value(field: &str, value: &serde_json::Value, catalog: &Catalog) -> String {
    match (field, value) {
        (_, serde_json::Value::Null) => NONE.to_string(),
        ("amount_minor", serde_json::Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| n.to_string(), |m| crate::domain::Money(m).to_string()),
        ("need", serde_json::Value::String(s)) => catalog.word("need", s),
        ("account_id" | "contact_id", serde_json::Value::String(s)) => s.chars().take(8).collect(),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A history reason in the catalogue's language. Text that is none of the
/// reasons tierdeck writes is shown as stored.
pub fn reason(reason: &Reason, catalog: &Catalog) -> String {
    let fixed = |key: &str| catalog.get(key).to_string();
    match reason {
        Reason::CloseWithin { months } => by_months(*months, "reason.rule_within", catalog),
        Reason::CloseLater { months } => by_months(*months, "reason.rule_later", catalog),
        Reason::NoNeed => fixed("reason.rule_no_need"),
        Reason::PotentialNeed => fixed("reason.rule_potential_need"),
        Reason::NoCloseDate => fixed("reason.rule_no_close_date"),
        Reason::Slipped => fixed("reason.rule_slipped"),
        Reason::DealLost => fixed("reason.rule_deal_lost"),
        Reason::Created => fixed("reason.manual_created"),
        Reason::DealUpdate => fixed("reason.manual_deal_update"),
        Reason::Won => fixed("reason.manual_won"),
        Reason::PinDroppedByLoss => fixed("reason.manual_deal_lost"),
        Reason::LostBecause(text) => catalog.fmt("reason.manual_lost", &[("text", text)]),
        Reason::Pinned(text) => catalog.fmt("reason.manual_pin", &[("text", text)]),
        Reason::Unpinned => fixed("reason.manual_unpinned"),
        Reason::Imported => fixed("reason.manual_imported"),
        Reason::Demo => fixed("reason.manual_demo"),
        Reason::Undone => fixed("reason.manual_undone"),
        Reason::Text(text) => text.clone(),
    }
}

/// English needs its own text for one month; `key_one_month` / `key_months` in the catalogue.
fn by_months(months: u32, key: &str, catalog: &Catalog) -> String {
    if months == 1 {
        catalog.get(&format!("{key}_one_month")).to_string()
    } else {
        catalog.fmt(&format!("{key}_months"), &[("months", &months.to_string())])
    }
}

/// A stage id as the current language names it; a stage the rules no longer know keeps its id.
fn shown(value: &str) -> &str {
    if value.is_empty() { NONE } else { value }
}

/// How many rows a change is named by before the rest are counted.
const NAMED_ROWS: usize = 3;

/// A change of the user's as `undo` names it: `deal ERP: stage, amount`,
/// `new account 上海华信`, and how many more rows it touched.
pub fn change(rows: &[Touched], catalog: &Catalog) -> String {
    let sep = catalog.get("usage.list_sep");
    let mut named: Vec<String> = rows
        .iter()
        .take(NAMED_ROWS)
        .map(|row| {
            let kind = catalog.word("row_kind", row.kind.as_str());
            let args = [("kind", kind.as_str()), ("name", row.name.as_str())];
            match &row.did {
                Did::Created => catalog.fmt("undo.created", &args),
                Did::Deleted => catalog.fmt("undo.deleted", &args),
                Did::Restored => catalog.fmt("undo.restored", &args),
                Did::Changed(fields) => {
                    let fields: Vec<String> =
                        fields.iter().map(|f| catalog.word("field", f)).collect();
                    let fields = fields.join(sep);
                    catalog.fmt("undo.changed", &[args[0], args[1], ("fields", &fields)])
                }
            }
        })
        .collect();
    if rows.len() > NAMED_ROWS {
        let more = (rows.len() - NAMED_ROWS).to_string();
        named.push(catalog.fmt("undo.more", &[("count", &more)]));
    }
    named.join(catalog.get("undo.sep"))
}

/// What went (or came back) with a deleted account: `, with 3 deals and
/// 2 contacts`, or nothing for a row on its own.
pub fn trashed_with(t: &Trashed, catalog: &Catalog) -> String {
    if t.deals + t.contacts == 0 {
        return String::new();
    }
    catalog.fmt(
        "msg.trashed_with",
        &[
            ("deals", &t.deals.to_string()),
            ("contacts", &t.contacts.to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::domain::{ActivityKind, Deal, Grade, Id, Money, Need, RowMeta};
    use crate::i18n::Lang;

    /// A reason as stored (a code, or an older version's sentence), worded.
    fn said(stored: &str, catalog: &Catalog) -> String {
        reason(&Reason::from_code(stored), catalog)
    }

    fn en() -> Catalog {
        Catalog::new(Lang::En)
    }

    fn zh() -> Catalog {
        Catalog::new(Lang::ZhCn)
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .expect("a valid test moment")
    }

    fn activity(at: DateTime<Utc>, kind: ActivityKind, summary: &str) -> Activity {
        Activity {
            id: Id::new_ordered(),
            deal_id: None,
            account_id: Id::new(),
            kind,
            at,
            summary: summary.into(),
            author: "ann".into(),
            created_at: at,
        }
    }

    fn change(
        at: DateTime<Utc>,
        field: HistoryField,
        old: &str,
        new: &str,
        reason: &str,
    ) -> HistoryEntry {
        HistoryEntry {
            id: Id::new_ordered(),
            deal_id: Id::new(),
            field,
            at,
            old: old.into(),
            new: new.into(),
            reason: Reason::from_code(reason),
            author: "bo".into(),
        }
    }

    /// Every form the engine and the store write, with what each language shows for it.
    const KNOWN: &[(&str, &str, &str)] = &[
        ("rule: no need", "rule: no need", "规则：无需求"),
        (
            "rule: potential need",
            "rule: potential need",
            "规则：潜在需求",
        ),
        (
            "rule: no close date",
            "rule: no close date",
            "规则：无预计成交日期",
        ),
        (
            "rule: slipped past close date",
            "rule: slipped past close date",
            "规则：已过预计成交日期",
        ),
        ("rule: deal lost", "rule: deal lost", "规则：商机已输单"),
        (
            "rule: close within 1 month",
            "rule: close within 1 month",
            "规则：1 个月内成交",
        ),
        (
            "rule: close within 3 months",
            "rule: close within 3 months",
            "规则：3 个月内成交",
        ),
        (
            "rule: close within 6 months",
            "rule: close within 6 months",
            "规则：6 个月内成交",
        ),
        (
            "rule: close within 12 months",
            "rule: close within 12 months",
            "规则：12 个月内成交",
        ),
        (
            "rule: close later than 1 month",
            "rule: close later than 1 month",
            "规则：1 个月以后成交",
        ),
        (
            "rule: close later than 6 months",
            "rule: close later than 6 months",
            "规则：6 个月以后成交",
        ),
        ("manual: created", "manual: created", "手动：新建"),
        (
            "manual: deal update",
            "manual: deal update",
            "手动：修改商机",
        ),
        ("manual: won", "manual: won", "手动：标记成交"),
        ("manual: deal lost", "manual: deal lost", "手动：商机已输单"),
        (
            "manual: lost: price too high",
            "manual: lost: price too high",
            "手动：输单：price too high",
        ),
        (
            "manual: lost: 预算砍了",
            "manual: lost: 预算砍了",
            "手动：输单：预算砍了",
        ),
        ("manual: unpinned", "manual: unpinned", "手动：解除锁定"),
        ("manual: imported", "manual: imported", "手动：导入"),
        ("manual: demo", "manual: demo", "手动：演示数据"),
    ];

    #[test]
    fn every_known_reason_reads_in_both_languages() {
        for &(stored, english, chinese) in KNOWN {
            assert_eq!(said(stored, &en()), english, "en: {stored}");
            assert_eq!(said(stored, &zh()), chinese, "zh: {stored}");
        }
    }

    #[test]
    fn codes_are_worded_in_the_readers_language() {
        assert_eq!(said("rule.within:3", &zh()), "规则：3 个月内成交");
        assert_eq!(said("rule.within:1", &en()), "rule: close within 1 month");
        assert_eq!(said("manual.pin:客户口头承诺", &zh()), "手动：客户口头承诺");
        assert_eq!(
            said("manual.lost:价格: 太高", &zh()),
            "手动：输单：价格: 太高"
        );
        assert_eq!(said("manual.pin_dropped", &zh()), "手动：商机已输单");
        // A code inside free text is the text, not the code.
        assert_eq!(said("text:rule.within:1", &zh()), "rule.within:1");
    }

    #[test]
    fn manual_free_text_is_kept_verbatim() {
        assert_eq!(said("manual: CEO promised", &en()), "manual: CEO promised");
        assert_eq!(said("manual: CEO promised", &zh()), "手动：CEO promised");
        assert_eq!(said("manual: 客户口头承诺", &zh()), "手动：客户口头承诺");
        // Braces a user typed are text, not placeholders.
        assert_eq!(
            said("manual: {text} {months}", &zh()),
            "手动：{text} {months}"
        );
    }

    #[test]
    fn unknown_reasons_are_shown_as_stored() {
        for stored in [
            "",
            "imported from the old CRM",
            "rule: something newer",
            "rule: close within 2 month",
            "rule: close within 1 months",
            "rule: close within +3 months",
            "rule: close within three months",
            "rule: close within  months",
            "Manual: created",
            "manual:created",
            "规则：3 个月内成交",
        ] {
            assert_eq!(said(stored, &zh()), stored);
            assert_eq!(said(stored, &en()), stored);
        }
    }

    #[test]
    fn every_reason_the_engine_writes_is_translated() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).expect("a valid day");
        let day = |s: &str| s.parse::<NaiveDate>().expect("a valid day");
        let deal = |need, close: Option<&str>, stage: &str| Deal {
            source_id: None,
            id: Id::new(),
            account_id: Id::new(),
            title: "Tea".into(),
            amount: Money(0),
            stage: stage.into(),
            need,
            expected_close: close.map(day),
            grade: Grade::D,
            pin: None,
            owner: "ann".into(),
            created_on: today,
            stage_entered_on: today,
            closed_on: None,
            lost_reason: None,
            meta: RowMeta {
                created_at: DateTime::default(),
                updated_at: DateTime::default(),
                updated_by: "ann".into(),
                version: 1,
                deleted_at: None,
            },
            currency: crate::domain::Currency::CNY,
            contact_id: None,
            source: String::new(),
            next_step: String::new(),
            notes: String::new(),
        };
        let deals = [
            deal(Need::Explicit, Some("2026-03-20"), "lead"),
            deal(Need::Explicit, Some("2026-05-20"), "lead"),
            deal(Need::Explicit, Some("2026-08-20"), "lead"),
            deal(Need::Explicit, Some("2027-08-20"), "lead"),
            deal(Need::Explicit, Some("2026-03-01"), "lead"),
            deal(Need::Explicit, None, "lead"),
            deal(Need::Potential, None, "lead"),
            deal(Need::None, None, "lead"),
            deal(Need::Explicit, None, "lost"),
        ];
        // One-month horizons everywhere give the singular "later than 1 month" too.
        let one_month = "[grades]\nb_within_months = 1\nc_within_months = 1\n";
        let rule_sets = [
            Rules::defaults(),
            Rules::from_toml(one_month, "test").expect("valid rules"),
        ];
        let mut written = Vec::new();
        for rules in &rule_sets {
            for d in &deals {
                let (_, stored) = crate::rules::grade(d, rules, today);
                let shown = reason(&stored, &zh());
                assert!(shown.starts_with("规则："), "{stored:?} → {shown}");
                let english = reason(&stored, &en());
                assert!(english.starts_with("rule: "), "{stored:?} → {english}");
                written.push(english);
            }
        }
        for singular in [
            "rule: close within 1 month",
            "rule: close later than 1 month",
        ] {
            assert!(written.iter().any(|w| w == singular), "{written:?}");
        }
    }

    #[test]
    fn stage_changes_show_labels_and_a_dash_for_no_stage() {
        let rules = Rules::defaults();
        let history = [
            change(at(1, 9), HistoryField::Stage, "", "lead", "manual: demo"),
            change(
                at(2, 9),
                HistoryField::Stage,
                "lead",
                "negotiation",
                "manual: deal update",
            ),
            change(at(3, 9), HistoryField::Stage, "gone", "won", "manual: won"),
        ];
        let texts = |c: &Catalog| -> Vec<(String, String)> {
            entries(&[], &history, &[], c, &rules)
                .into_iter()
                .map(|e| (e.kind, e.text))
                .collect()
        };
        assert_eq!(
            texts(&zh()),
            [
                ("阶段".into(), "gone → 成交 (手动：标记成交)".into()),
                ("阶段".into(), "潜在客户 → 跟进谈判 (手动：修改商机)".into()),
                ("阶段".into(), "— → 潜在客户 (手动：演示数据)".into()),
            ]
        );
        assert_eq!(
            texts(&en()),
            [
                ("Stage".into(), "gone → Won (manual: won)".into()),
                (
                    "Stage".into(),
                    "Lead → Follow-up & negotiation (manual: deal update)".into()
                ),
                ("Stage".into(), "— → Lead (manual: demo)".into()),
            ]
        );
    }

    #[test]
    fn grades_and_pins_stay_letters() {
        let rules = Rules::defaults();
        let history = [
            change(
                at(1, 9),
                HistoryField::Grade,
                "",
                "C",
                "rule: close within 6 months",
            ),
            change(at(2, 9), HistoryField::Pin, "", "A", "manual: 客户口头承诺"),
            change(at(3, 9), HistoryField::Pin, "A", "", "manual: unpinned"),
        ];
        let shown: Vec<(String, String)> = entries(&[], &history, &[], &zh(), &rules)
            .into_iter()
            .map(|e| (e.kind, e.text))
            .collect();
        assert_eq!(
            shown,
            [
                ("锁定等级".into(), "A → — (手动：解除锁定)".into()),
                ("锁定等级".into(), "— → A (手动：客户口头承诺)".into()),
                ("等级".into(), "— → C (规则：6 个月内成交)".into()),
            ]
        );
    }

    #[test]
    fn entries_merge_newest_first_keeping_ties_in_recorded_order() {
        let rules = Rules::defaults();
        let activities = [
            activity(at(2, 10), ActivityKind::Call, "asked about budget"),
            activity(at(5, 10), ActivityKind::Visit, "上门演示"),
        ];
        let history = [
            change(at(1, 9), HistoryField::Stage, "", "lead", "manual: created"),
            change(
                at(1, 9),
                HistoryField::Grade,
                "",
                "B",
                "rule: close within 3 months",
            ),
            change(
                at(4, 9),
                HistoryField::Grade,
                "B",
                "A",
                "rule: close within 1 month",
            ),
        ];
        let got = entries(&activities, &history, &[], &en(), &rules);
        let summary: Vec<(DateTime<Utc>, &str, &str, &str)> = got
            .iter()
            .map(|e| (e.at, e.kind.as_str(), e.text.as_str(), e.author.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (at(5, 10), "Visit", "上门演示", "ann"),
                (
                    at(4, 9),
                    "Grade",
                    "B → A (rule: close within 1 month)",
                    "bo"
                ),
                (at(2, 10), "Call", "asked about budget", "ann"),
                (at(1, 9), "Stage", "— → Lead (manual: created)", "bo"),
                (
                    at(1, 9),
                    "Grade",
                    "— → B (rule: close within 3 months)",
                    "bo"
                ),
            ]
        );
        let zh_kinds: Vec<String> = entries(&activities, &history, &[], &zh(), &rules)
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(zh_kinds, ["拜访", "等级", "电话", "阶段", "等级"]);
    }

    #[test]
    fn the_same_regrade_from_two_merged_copies_shows_once() {
        let twice = [
            change(
                at(3, 9),
                HistoryField::Grade,
                "B",
                "A",
                "rule: close within 1 month",
            ),
            change(
                at(3, 11),
                HistoryField::Grade,
                "B",
                "A",
                "rule: close within 1 month",
            ),
            change(
                at(4, 9),
                HistoryField::Grade,
                "B",
                "A",
                "rule: close within 1 month",
            ),
            change(
                at(3, 12),
                HistoryField::Stage,
                "lead",
                "contacted",
                "manual: deal update",
            ),
            change(
                at(3, 12),
                HistoryField::Stage,
                "lead",
                "contacted",
                "manual: deal update",
            ),
        ];
        let shown = entries(&[], &twice, &[], &en(), &Rules::defaults());
        // One regrade a day; every move a person made, even a repeated one.
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert_eq!(shown.iter().filter(|e| e.kind == "Grade").count(), 2);
    }

    #[test]
    fn a_deal_without_a_past_has_an_empty_timeline() {
        assert!(entries(&[], &[], &[], &zh(), &Rules::defaults()).is_empty());
    }

    #[test]
    fn field_changes_from_the_log_read_in_the_reader_s_language() {
        let at = |m: i64| chrono::DateTime::from_timestamp(1_764_600_000 + m * 60, 0).unwrap();
        let change = |m, field: &str, old: serde_json::Value, new: serde_json::Value| FieldChange {
            at: at(m),
            field: field.to_string(),
            old,
            new,
            author: "李娜".to_string(),
        };
        let edited = [
            change(1, "amount_minor", 48_000_000.into(), 45_500_000.into()),
            change(
                2,
                "expected_close",
                serde_json::Value::Null,
                "2027-01-31".into(),
            ),
            change(3, "need", "explicit".into(), "potential".into()),
            change(
                4,
                "deleted_at",
                serde_json::Value::Null,
                "2026-12-01T10:00:00Z".into(),
            ),
            change(
                5,
                "deleted_at",
                "2026-12-01T10:00:00Z".into(),
                serde_json::Value::Null,
            ),
        ];
        let shown: Vec<(String, String)> = entries(&[], &[], &edited, &zh(), &Rules::defaults())
            .into_iter()
            .rev()
            .map(|e| (e.kind, e.text))
            .collect();
        let pair = |k: &str, t: &str| (k.to_string(), t.to_string());
        assert_eq!(
            shown,
            [
                pair("金额", "480,000.00 → 455,000.00"),
                pair("预计成交", "— → 2027-01-31"),
                pair("需求", "有明确需求 → 潜在需求"),
                pair("删除", "已删除"),
                pair("删除", "已恢复"),
            ]
        );
    }
}
