//! What the rules decide for one deal on one day. Pure: the caller passes the
//! deal, its reminders and `today`, and applies the returned operations.
//!
//! Idempotent by construction: every operation moves a reminder into a state
//! the same rule accepts, so a second run on the result decides nothing new.

use chrono::NaiveDate;

use super::Rules;
use super::calendar::{add_days, add_months, sub_days};
use crate::domain::{
    Deal, Grade, Id, Need, Reason, Reminder, ReminderKind, ReminderStatus, ValueTier,
};

/// What the engine decides for one deal on `today`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The grade after this run.
    pub grade: Grade,
    /// `Some` only if it differs from `deal.grade`.
    pub grade_change: Option<GradeChange>,
    pub slipped: bool,
    pub stale: bool,
    pub next_revisit: Option<NaiveDate>,
    pub reminder_ops: Vec<ReminderOp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeChange {
    pub from: Grade,
    pub to: Grade,
    /// The rule that fired.
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderOp {
    Open {
        kind: ReminderKind,
        due: NaiveDate,
        about: Option<NaiveDate>,
    },
    /// `status` is `Done` or `Dismissed`.
    Close {
        id: Id,
        status: ReminderStatus,
        note: String,
    },
    Reschedule {
        id: Id,
        due: NaiveDate,
    },
    /// A snoozed reminder whose date has come becomes open again.
    Wake {
        id: Id,
    },
    /// A reminder made on a later day than `today` (someone planned ahead
    /// with `--today` and came back): it has not happened yet, so it is
    /// withdrawn and will be made again when its day comes.
    Retract {
        id: Id,
    },
}

/// Decides the grade, flags and reminder operations for `deal` on `today`.
///
/// `reminders` are the deal's pending reminders plus its `close_soon` and
/// `slipped` reminders of any status (so one a person answered is not made
/// again for the same close date). Closed
/// `revisit` reminders may be passed too: one whose due date equals the next
/// revisit keeps a dismissed revisit from coming straight back.
pub fn evaluate(
    deal: &Deal,
    last_activity: Option<NaiveDate>,
    reminders: &[Reminder],
    rules: &Rules,
    today: NaiveDate,
) -> Evaluation {
    let (grade, grade_change) = decide_grade(deal, rules, today);
    let mut ops: Vec<ReminderOp> = reminders
        .iter()
        .filter(|r| made_later(r, today))
        .map(|r| ReminderOp::Retract { id: r.id })
        .collect();
    // Copy the rest only in the rare case something was retracted: this runs
    // for every open deal on a full regrade.
    let kept: Vec<Reminder>;
    let reminders = if ops.is_empty() {
        reminders
    } else {
        kept = reminders
            .iter()
            .filter(|r| !made_later(r, today))
            .cloned()
            .collect();
        kept.as_slice()
    };

    if !deal.is_open() {
        let note = if deal.is_won() {
            "deal won"
        } else {
            "deal lost"
        };
        for r in reminders.iter().filter(|r| r.status.is_pending()) {
            ops.push(close(r, ReminderStatus::Dismissed, note));
        }
        return Evaluation {
            grade,
            grade_change,
            slipped: false,
            stale: false,
            next_revisit: None,
            reminder_ops: ops,
        };
    }

    let slipped = deal.expected_close.is_some_and(|close| close < today);
    let revisit = Revisit {
        deal,
        last_activity,
        rules,
        today,
        grade,
        grade_changed: grade_change.is_some(),
    };
    let next_revisit = revisit.run(reminders, &mut ops);
    close_soon(deal, reminders, rules, today, grade, slipped, &mut ops);
    slipped_reminder(deal, reminders, today, slipped, &mut ops);

    let stale = is_stale(deal, last_activity, rules, today);

    Evaluation {
        grade,
        grade_change,
        slipped,
        stale,
        next_revisit,
        reminder_ops: ops,
    }
}

/// An open deal that sat in its stage longer than the stage allows with no
/// activity since it entered it.
pub fn is_stale(
    deal: &Deal,
    last_activity: Option<NaiveDate>,
    rules: &Rules,
    today: NaiveDate,
) -> bool {
    deal.is_open()
        && stale_in(
            &deal.stage,
            deal.stage_entered_on,
            last_activity,
            rules,
            today,
        )
}

/// [`is_stale`] for an open deal known only by its stage and dates.
pub fn stale_in(
    stage: &str,
    stage_entered_on: NaiveDate,
    last_activity: Option<NaiveDate>,
    rules: &Rules,
    today: NaiveDate,
) -> bool {
    rules
        .stage(stage)
        .and_then(|s| s.stale_after_days)
        .is_some_and(|days| {
            let since = last_activity.map_or(stage_entered_on, |a| a.max(stage_entered_on));
            (today - since).num_days() > i64::from(days)
        })
}

fn decide_grade(deal: &Deal, rules: &Rules, today: NaiveDate) -> (Grade, Option<GradeChange>) {
    // A pin is the owner's call and a won deal keeps the grade it won with.
    if deal.pin.is_some() || deal.is_won() {
        return (deal.grade, None);
    }
    let (grade, reason) = grade(deal, rules, today);
    let change = (grade != deal.grade).then_some(GradeChange {
        from: deal.grade,
        to: grade,
        reason,
    });
    (grade, change)
}

/// The grade the rules give a deal that is not pinned or won, and the rule's name.
pub fn grade(deal: &Deal, rules: &Rules, today: NaiveDate) -> (Grade, Reason) {
    if deal.is_lost() {
        return (Grade::E, Reason::DealLost);
    }
    match (deal.need, deal.expected_close) {
        (Need::None, _) => (Grade::E, Reason::NoNeed),
        (Need::Potential, _) => (Grade::D, Reason::PotentialNeed),
        (Need::Explicit, None) => (Grade::D, Reason::NoCloseDate),
        (Need::Explicit, Some(close)) if close < today => (rules.slipped_grade, Reason::Slipped),
        (Need::Explicit, Some(close)) => [
            (Grade::A, rules.a_within_months),
            (Grade::B, rules.b_within_months),
            (Grade::C, rules.c_within_months),
        ]
        .into_iter()
        .find(|&(_, months)| close <= add_months(today, months))
        .map_or(
            (
                Grade::D,
                Reason::CloseLater {
                    months: rules.c_within_months,
                },
            ),
            |(grade, months)| (grade, Reason::CloseWithin { months }),
        ),
    }
}

/// A reminder the engine made on a later day than `today` (someone planned
/// ahead and came back) that nobody has acted on: it has not happened yet.
/// One a person snoozed, dismissed or did stands, whatever day it was made.
fn made_later(r: &Reminder, today: NaiveDate) -> bool {
    r.created_on > today && r.meta.version == 1
}

fn close(r: &Reminder, status: ReminderStatus, note: impl Into<String>) -> ReminderOp {
    ReminderOp::Close {
        id: r.id,
        status,
        note: note.into(),
    }
}

/// The pending reminders of one kind, oldest first, so the one kept is stable.
fn pending(reminders: &[Reminder], kind: ReminderKind) -> Vec<&Reminder> {
    let mut found: Vec<&Reminder> = reminders
        .iter()
        .filter(|r| r.kind == kind && r.status.is_pending())
        .collect();
    found.sort_by_key(|r| (r.created_on, r.due, r.id));
    found
}

fn wakes(r: &Reminder, today: NaiveDate) -> bool {
    r.status == ReminderStatus::Snoozed && r.due <= today
}

struct Revisit<'a> {
    deal: &'a Deal,
    last_activity: Option<NaiveDate>,
    rules: &'a Rules,
    today: NaiveDate,
    grade: Grade,
    grade_changed: bool,
}

impl Revisit<'_> {
    /// Keeps at most one pending revisit, due on last touch + cadence(grade);
    /// returns the revisit date to show.
    fn run(&self, reminders: &[Reminder], ops: &mut Vec<ReminderOp>) -> Option<NaiveDate> {
        let today = self.today;
        let last_touch = self
            .last_activity
            .map_or(self.deal.created_on, |a| a.max(self.deal.created_on));
        let next = self
            .rules
            .cadence(self.grade)
            .map(|days| add_days(last_touch, days));

        let mut kept: Option<NaiveDate> = None;
        for r in pending(reminders, ReminderKind::Revisit) {
            if self.last_activity.is_some_and(|a| a >= r.created_on) {
                ops.push(close(r, ReminderStatus::Done, "activity logged"));
                continue;
            }
            let Some(next) = next else {
                let note = format!("no revisits for grade {}", self.grade);
                ops.push(close(r, ReminderStatus::Dismissed, note));
                continue;
            };
            if kept.is_some() {
                ops.push(close(r, ReminderStatus::Dismissed, "duplicate"));
                continue;
            }
            // A snoozed reminder keeps the owner's date until that date comes.
            if r.status == ReminderStatus::Snoozed && !wakes(r, today) {
                kept = Some(r.due);
                continue;
            }
            if r.due != next && next > today {
                let note = format!("rescheduled: next revisit {next}");
                ops.push(close(r, ReminderStatus::Dismissed, note));
                continue;
            }
            if wakes(r, today) {
                ops.push(ReminderOp::Wake { id: r.id });
            }
            // Both dates due: move it only when the grade or the last touch moved
            // it (or it claimed to be in the future); a date the owner snoozed to,
            // later than the rule's, stays.
            let moves = r.due != next && (self.grade_changed || r.due > today || r.due < next);
            if moves {
                ops.push(ReminderOp::Reschedule {
                    id: r.id,
                    due: next,
                });
            }
            kept = Some(if moves { next } else { r.due });
        }

        open_due_revisit(kept, next, reminders, today, ops)
    }
}

/// With no pending revisit kept, opens the one `next` says is due, unless
/// one of that day is in `reminders` already (a dismissed revisit does not
/// come straight back); returns the revisit to show.
fn open_due_revisit(
    kept: Option<NaiveDate>,
    next: Option<NaiveDate>,
    reminders: &[Reminder],
    today: NaiveDate,
    ops: &mut Vec<ReminderOp>,
) -> Option<NaiveDate> {
    if kept.is_none()
        && let Some(next) = next
        && next <= today
        && !reminders
            .iter()
            .any(|r| r.kind == ReminderKind::Revisit && r.due == next)
    {
        ops.push(ReminderOp::Open {
            kind: ReminderKind::Revisit,
            due: next,
            about: None,
        });
        return Some(next);
    }
    kept.or(next)
}

/// A customer's revisit after the sale (SPEC §2.2): an account with a value
/// tier is revisited every `account_cadence(tier)` days from its last touch
/// (its latest activity, on it or on any of its deals, or the day it was
/// first known; a revisit closed by hand counts too). `reminders` are the
/// account's own revisits: the pending ones, and closed ones whose due date
/// keeps a dismissed revisit from coming straight back. Returns the next
/// revisit to show and what to do with the reminders; like [`evaluate`], a
/// second run on the result decides nothing.
pub fn account_revisit(
    tier: Option<ValueTier>,
    last_touch: NaiveDate,
    reminders: &[Reminder],
    rules: &Rules,
    today: NaiveDate,
) -> (Option<NaiveDate>, Vec<ReminderOp>) {
    let next = tier
        .and_then(|t| rules.account_cadence(t))
        .map(|days| add_days(last_touch, days));
    let mut ops = Vec::new();
    let mut kept: Option<NaiveDate> = None;
    for r in pending(reminders, ReminderKind::Revisit) {
        // Anything done with the customer since it opened answers it.
        if last_touch >= r.created_on {
            ops.push(close(r, ReminderStatus::Done, "activity logged"));
            continue;
        }
        let Some(next) = next else {
            ops.push(close(
                r,
                ReminderStatus::Dismissed,
                "no revisits for its value tier",
            ));
            continue;
        };
        if kept.is_some() {
            ops.push(close(r, ReminderStatus::Dismissed, "duplicate"));
            continue;
        }
        if r.status == ReminderStatus::Snoozed && !wakes(r, today) {
            kept = Some(r.due);
            continue;
        }
        if r.due != next && next > today {
            let note = format!("rescheduled: next revisit {next}");
            ops.push(close(r, ReminderStatus::Dismissed, note));
            continue;
        }
        if wakes(r, today) {
            ops.push(ReminderOp::Wake { id: r.id });
        }
        // Both due: the engine's own follows the rule both ways (a new tier,
        // or a tier put back when a planned-ahead day is undone); a later
        // date the owner snoozed to stays.
        let snoozed_by_hand = r.meta.version > 1;
        let moves = r.due != next && (!snoozed_by_hand || r.due < next);
        if moves {
            ops.push(ReminderOp::Reschedule {
                id: r.id,
                due: next,
            });
        }
        kept = Some(if moves { next } else { r.due });
    }
    let shown = open_due_revisit(kept, next, reminders, today, &mut ops);
    (shown, ops)
}

/// One `close_soon` per close date, for an A deal that has not slipped.
fn close_soon(
    deal: &Deal,
    reminders: &[Reminder],
    rules: &Rules,
    today: NaiveDate,
    grade: Grade,
    slipped: bool,
    ops: &mut Vec<ReminderOp>,
) {
    let mut kept = false;
    for r in pending(reminders, ReminderKind::CloseSoon) {
        let note = match deal.expected_close {
            None => "close date removed".to_string(),
            Some(_) if slipped => "close date passed".to_string(),
            Some(_) if grade != Grade::A => format!("grade is now {grade}"),
            Some(close) if r.about != Some(close) => "close date moved".to_string(),
            Some(_) if kept => "duplicate".to_string(),
            Some(_) => {
                if wakes(r, today) {
                    ops.push(ReminderOp::Wake { id: r.id });
                }
                kept = true;
                continue;
            }
        };
        ops.push(close(r, ReminderStatus::Dismissed, note));
    }

    let Some(close) = deal.expected_close else {
        return;
    };
    let warn_from = sub_days(close, rules.close_warning_days);
    if grade == Grade::A
        && !slipped
        && warn_from <= today
        && !answered(reminders, ReminderKind::CloseSoon, close)
    {
        // A deal that turns A inside the warning window is due now, not overdue
        // from a day before anyone could have known.
        ops.push(ReminderOp::Open {
            kind: ReminderKind::CloseSoon,
            due: warn_from.max(today),
            about: Some(close),
        });
    }
}

/// Whether a reminder of `kind` about the close date `close` is still
/// pending or was answered by a person. One the engine closed does not
/// count: whether a replica saw the deal won and opened again in between
/// must not decide whether it warns, or replicas with the same facts would
/// keep different agendas.
fn answered(reminders: &[Reminder], kind: ReminderKind, close: NaiveDate) -> bool {
    reminders.iter().any(|r| {
        r.kind == kind && r.about == Some(close) && (r.status.is_pending() || r.closed_by_hand())
    })
}

/// One `slipped` reminder per passed close date; a new date settles it.
fn slipped_reminder(
    deal: &Deal,
    reminders: &[Reminder],
    today: NaiveDate,
    slipped: bool,
    ops: &mut Vec<ReminderOp>,
) {
    let mut kept = false;
    for r in pending(reminders, ReminderKind::Slipped) {
        let (status, note) = match deal.expected_close {
            None => (ReminderStatus::Done, "close date removed".to_string()),
            Some(close) if r.about != Some(close) => {
                (ReminderStatus::Done, format!("new close date {close}"))
            }
            Some(_) if kept => (ReminderStatus::Dismissed, "duplicate".to_string()),
            Some(_) => {
                if wakes(r, today) {
                    ops.push(ReminderOp::Wake { id: r.id });
                }
                kept = true;
                continue;
            }
        };
        ops.push(close(r, status, note));
    }

    let Some(close) = deal.expected_close.filter(|_| slipped) else {
        return;
    };
    if !answered(reminders, ReminderKind::Slipped, close) {
        ops.push(ReminderOp::Open {
            kind: ReminderKind::Slipped,
            due: add_days(close, 1),
            about: Some(close),
        });
    }
}

#[cfg(test)]
mod tests {
    use chrono::Days;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{CLOSED_BY_HAND, Money, Pin, RowMeta};
    use crate::rules::calendar::d;

    use ReminderKind::{CloseSoon, Revisit, Slipped};
    use ReminderStatus::{Dismissed, Done, Open, Snoozed};

    const TODAY: &str = "2027-01-15";

    fn meta() -> RowMeta {
        RowMeta {
            created_at: Default::default(),
            updated_at: Default::default(),
            updated_by: "test".into(),
            version: 1,
            deleted_at: None,
        }
    }

    fn deal(need: Need, close: Option<&str>) -> Deal {
        Deal {
            source_id: None,
            id: Id::from_random_bytes([1; 16]),
            account_id: Id::from_random_bytes([2; 16]),
            title: "Tea for the canteen".into(),
            amount: Money(120_000),
            stage: "proposal".into(),
            need,
            expected_close: close.map(d),
            grade: Grade::D,
            pin: None,
            owner: "ann".into(),
            created_on: d("2027-01-10"),
            stage_entered_on: d("2027-01-10"),
            closed_on: None,
            lost_reason: None,
            meta: meta(),
            currency: crate::domain::Currency::CNY,
            contact_id: None,
            source: String::new(),
            next_step: String::new(),
            notes: String::new(),
        }
    }

    fn explicit(close: &str) -> Deal {
        deal(Need::Explicit, Some(close))
    }

    fn reminder(
        kind: ReminderKind,
        status: ReminderStatus,
        due: NaiveDate,
        about: Option<NaiveDate>,
        created_on: NaiveDate,
    ) -> Reminder {
        Reminder {
            id: Id::new(),
            deal_id: Some(Id::from_random_bytes([1; 16])),
            account_id: None,
            kind,
            due,
            status,
            about,
            time: None,
            created_on,
            closed_on: None,
            note: String::new(),
            meta: meta(),
        }
    }

    fn revisit(status: ReminderStatus, due: &str, created_on: &str) -> Reminder {
        reminder(Revisit, status, d(due), None, d(created_on))
    }

    /// Applies an evaluation the way the store does: grade, then each op in order.
    fn apply(deal: &mut Deal, reminders: &mut Vec<Reminder>, ev: &Evaluation, today: NaiveDate) {
        deal.grade = ev.grade;
        for op in &ev.reminder_ops {
            let pending = |reminders: &mut Vec<Reminder>, id: &Id| -> usize {
                let at = reminders.iter().position(|r| r.id == *id);
                let at = at.expect("ops name reminders that were passed in");
                assert!(
                    reminders[at].status.is_pending(),
                    "op on a closed reminder: {op:?}"
                );
                at
            };
            match op {
                ReminderOp::Open { kind, due, about } => {
                    reminders.push(reminder(*kind, Open, *due, *about, today));
                }
                ReminderOp::Close { id, status, note } => {
                    assert!(matches!(status, Done | Dismissed), "{op:?}");
                    let at = pending(reminders, id);
                    reminders[at].status = *status;
                    reminders[at].closed_on = Some(today);
                    reminders[at].note = note.clone();
                }
                ReminderOp::Reschedule { id, due } => {
                    let at = pending(reminders, id);
                    reminders[at].due = *due;
                }
                ReminderOp::Wake { id } => {
                    let at = pending(reminders, id);
                    assert_eq!(reminders[at].status, Snoozed, "{op:?}");
                    reminders[at].status = Open;
                }
                ReminderOp::Retract { id } => {
                    let at = reminders.iter().position(|r| r.id == *id);
                    let at = at.expect("ops name reminders that were passed in");
                    assert!(reminders[at].created_on > today, "{op:?}");
                    reminders.remove(at);
                }
            }
        }
    }

    fn pending_of(reminders: &[Reminder], kind: ReminderKind) -> usize {
        reminders
            .iter()
            .filter(|r| r.kind == kind && r.status.is_pending())
            .count()
    }

    /// Evaluates, applies the result and checks that a second run decides nothing.
    fn settle(
        deal: &mut Deal,
        last_activity: Option<NaiveDate>,
        reminders: &mut Vec<Reminder>,
        rules: &Rules,
        today: NaiveDate,
    ) -> Evaluation {
        let first = evaluate(deal, last_activity, reminders, rules, today);
        apply(deal, reminders, &first, today);
        let second = evaluate(deal, last_activity, reminders, rules, today);
        assert_eq!(second.grade_change, None, "second run changed the grade");
        assert_eq!(second.reminder_ops, [], "second run has ops");
        assert_eq!(second.grade, first.grade);
        assert_eq!(second.next_revisit, first.next_revisit);
        assert_eq!((second.slipped, second.stale), (first.slipped, first.stale));
        for kind in ReminderKind::ALL {
            assert!(pending_of(reminders, *kind) <= 1, "two pending {kind}");
        }
        first
    }

    /// A run with default rules on `today`, checked for idempotency.
    fn run(
        deal: &Deal,
        last_activity: Option<&str>,
        reminders: &[Reminder],
        today: &str,
    ) -> Evaluation {
        let (mut deal, mut reminders) = (deal.clone(), reminders.to_vec());
        let la = last_activity.map(d);
        settle(&mut deal, la, &mut reminders, &Rules::defaults(), d(today))
    }

    fn grade_on(close: &str, today: &str) -> (Grade, Option<Reason>) {
        let ev = evaluate(&explicit(close), None, &[], &Rules::defaults(), d(today));
        (ev.grade, ev.grade_change.map(|c| c.reason))
    }

    fn assert_grades(today: &str, cases: &[(&str, Grade)]) {
        for &(close, grade) in cases {
            assert_eq!(
                grade_on(close, today).0,
                grade,
                "close {close}, today {today}"
            );
        }
    }

    fn opened(ev: &Evaluation, kind: ReminderKind) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        ev.reminder_ops
            .iter()
            .filter_map(|op| match op {
                ReminderOp::Open {
                    kind: k,
                    due,
                    about,
                } if *k == kind => Some((*due, *about)),
                _ => None,
            })
            .collect()
    }

    fn closed(ev: &Evaluation) -> Vec<(Id, ReminderStatus, String)> {
        ev.reminder_ops
            .iter()
            .filter_map(|op| match op {
                ReminderOp::Close { id, status, note } => Some((*id, *status, note.clone())),
                _ => None,
            })
            .collect()
    }

    // ---- grades ----

    #[test]
    fn each_horizon_includes_its_last_day() {
        assert_grades(
            TODAY,
            &[
                ("2027-01-15", Grade::A),
                ("2027-02-15", Grade::A),
                ("2027-02-16", Grade::B),
                ("2027-04-15", Grade::B),
                ("2027-04-16", Grade::C),
                ("2027-07-15", Grade::C),
                ("2027-07-16", Grade::D),
                ("2031-01-01", Grade::D),
            ],
        );
    }

    #[test]
    fn horizons_from_a_month_end_clamp_to_the_month_end() {
        assert_grades(
            "2027-01-31",
            &[
                ("2027-02-28", Grade::A),
                ("2027-03-01", Grade::B),
                ("2027-04-30", Grade::B),
                ("2027-05-01", Grade::C),
                ("2027-07-31", Grade::C),
                ("2027-08-01", Grade::D),
            ],
        );
        assert_grades(
            "2026-08-31",
            &[
                ("2026-09-30", Grade::A),
                ("2026-10-01", Grade::B),
                ("2026-11-30", Grade::B),
                ("2026-12-01", Grade::C),
                ("2027-02-28", Grade::C),
                ("2027-03-01", Grade::D),
            ],
        );
    }

    #[test]
    fn horizons_reach_february_29_in_leap_years() {
        assert_grades(
            "2028-01-31",
            &[("2028-02-29", Grade::A), ("2028-03-01", Grade::B)],
        );
        assert_grades(
            "2027-11-30",
            &[("2028-02-29", Grade::B), ("2028-03-01", Grade::C)],
        );
        assert_grades(
            "2027-08-31",
            &[("2028-02-29", Grade::C), ("2028-03-01", Grade::D)],
        );
        assert_grades(
            "2028-02-29",
            &[
                ("2028-03-29", Grade::A),
                ("2028-03-30", Grade::B),
                ("2028-05-29", Grade::B),
                ("2028-05-30", Grade::C),
                ("2028-08-29", Grade::C),
                ("2028-08-30", Grade::D),
            ],
        );
    }

    #[test]
    fn grade_changes_name_the_rule_with_the_configured_months() {
        assert_eq!(
            grade_on("2027-02-01", TODAY).1,
            Some(Reason::CloseWithin { months: 1 })
        );
        assert_eq!(
            grade_on("2027-03-01", TODAY).1,
            Some(Reason::CloseWithin { months: 3 })
        );
        assert_eq!(
            grade_on("2027-06-01", TODAY).1,
            Some(Reason::CloseWithin { months: 6 })
        );
        let later = evaluate(
            &Deal {
                grade: Grade::A,
                ..explicit("2028-01-01")
            },
            None,
            &[],
            &Rules::defaults(),
            d(TODAY),
        );
        let change = later.grade_change.unwrap();
        assert_eq!((change.from, change.to), (Grade::A, Grade::D));
        assert_eq!(change.reason, Reason::CloseLater { months: 6 });

        let rules = Rules::from_toml("[grades]\na_within_months = 2\n", "rules.toml").unwrap();
        let ev = evaluate(&explicit("2027-03-15"), None, &[], &rules, d(TODAY));
        assert_eq!(
            ev.grade_change.unwrap().reason,
            Reason::CloseWithin { months: 2 }
        );
    }

    #[test]
    fn an_unchanged_grade_reports_no_change() {
        let deal = Deal {
            grade: Grade::B,
            ..explicit("2027-03-01")
        };
        assert_eq!(run(&deal, None, &[], TODAY).grade_change, None);
    }

    #[test]
    fn no_close_date_potential_need_and_no_need_have_their_own_rules() {
        let cases = [
            (deal(Need::Explicit, None), Grade::D, Reason::NoCloseDate),
            (
                deal(Need::Potential, Some("2027-01-20")),
                Grade::D,
                Reason::PotentialNeed,
            ),
            (
                deal(Need::None, Some("2027-01-20")),
                Grade::E,
                Reason::NoNeed,
            ),
        ];
        for (deal, grade, reason) in cases {
            let deal = Deal {
                grade: Grade::B,
                ..deal
            };
            let ev = run(&deal, None, &[], TODAY);
            assert_eq!(ev.grade, grade);
            assert_eq!(ev.grade_change.unwrap().reason, reason);
        }
    }

    #[test]
    fn need_outranks_slipped_for_the_grade_but_not_for_the_flag() {
        let ev = run(&deal(Need::Potential, Some("2027-01-01")), None, &[], TODAY);
        assert_eq!((ev.grade, ev.slipped), (Grade::D, true));
        let ev = run(&deal(Need::None, Some("2027-01-01")), None, &[], TODAY);
        assert_eq!((ev.grade, ev.slipped), (Grade::E, true));
        assert_eq!(opened(&ev, Slipped).len(), 1);
    }

    // ---- slipped ----

    #[test]
    fn a_passed_close_date_slips_to_grade_a_with_one_reminder() {
        let ev = run(&explicit("2027-01-14"), None, &[], TODAY);
        assert!(ev.slipped);
        assert_eq!(ev.grade, Grade::A);
        assert_eq!(ev.grade_change.as_ref().unwrap().reason, Reason::Slipped);
        assert_eq!(opened(&ev, Slipped), [(d(TODAY), Some(d("2027-01-14")))]);
        assert_eq!(
            opened(&ev, CloseSoon),
            [],
            "a slipped deal gets no close_soon"
        );
    }

    #[test]
    fn closing_today_has_not_slipped() {
        let ev = run(&explicit(TODAY), None, &[], TODAY);
        assert!(!ev.slipped);
        assert_eq!(ev.grade, Grade::A);
        assert_eq!(opened(&ev, Slipped), []);
    }

    #[test]
    fn the_slipped_grade_is_configurable() {
        let rules = Rules::from_toml("[grades]\nslipped_grade = \"B\"\n", "rules.toml").unwrap();
        let ev = evaluate(&explicit("2026-12-01"), None, &[], &rules, d(TODAY));
        assert_eq!((ev.grade, ev.slipped), (Grade::B, true));
    }

    #[test]
    fn a_slipped_reminder_is_made_once_per_close_date() {
        for status in ReminderStatus::ALL {
            let old = by_hand(reminder(
                Slipped,
                *status,
                d("2027-01-02"),
                Some(d("2027-01-01")),
                d("2027-01-02"),
            ));
            let ev = run(&explicit("2027-01-01"), None, &[old], TODAY);
            assert_eq!(opened(&ev, Slipped), [], "{status}");
        }
    }

    #[test]
    fn reminders_made_on_a_later_day_are_retracted_when_looking_from_an_earlier_one() {
        // Planned ahead to 2027-03-10, where the deal had slipped; back at 2027-02-20 it has not.
        let ahead = reminder(
            Slipped,
            Open,
            d("2027-03-02"),
            Some(d("2027-03-01")),
            d("2027-03-10"),
        );
        let ev = run(
            &explicit("2027-03-01"),
            None,
            std::slice::from_ref(&ahead),
            "2027-02-20",
        );
        assert!(!ev.slipped);
        assert!(
            ev.reminder_ops
                .contains(&ReminderOp::Retract { id: ahead.id })
        );
        assert_eq!(opened(&ev, Slipped), []);
        // Once that day comes again, the slipped reminder is made afresh.
        let again = run(&explicit("2027-03-01"), None, &[], "2027-03-10");
        assert_eq!(opened(&again, Slipped).len(), 1);
    }

    #[test]
    fn moving_a_slipped_close_date_into_the_future_settles_its_reminder() {
        let old = reminder(
            Slipped,
            Open,
            d("2027-01-02"),
            Some(d("2027-01-01")),
            d("2027-01-02"),
        );
        let ev = run(
            &explicit("2027-03-01"),
            None,
            std::slice::from_ref(&old),
            TODAY,
        );
        assert!(!ev.slipped);
        assert_eq!(
            closed(&ev),
            [(old.id, Done, "new close date 2027-03-01".into())]
        );
        assert_eq!(opened(&ev, Slipped), []);
    }

    #[test]
    fn moving_a_slipped_close_date_to_another_past_date_opens_a_new_reminder() {
        let old = reminder(
            Slipped,
            Snoozed,
            d("2027-01-20"),
            Some(d("2027-01-01")),
            d("2027-01-02"),
        );
        let ev = run(
            &explicit("2027-01-10"),
            None,
            std::slice::from_ref(&old),
            TODAY,
        );
        assert!(ev.slipped);
        assert_eq!(
            closed(&ev),
            [(old.id, Done, "new close date 2027-01-10".into())]
        );
        assert_eq!(
            opened(&ev, Slipped),
            [(d("2027-01-11"), Some(d("2027-01-10")))]
        );
    }

    #[test]
    fn removing_the_close_date_settles_the_slipped_reminder() {
        let old = reminder(
            Slipped,
            Open,
            d("2027-01-02"),
            Some(d("2027-01-01")),
            d("2027-01-02"),
        );
        let ev = run(
            &deal(Need::Explicit, None),
            None,
            std::slice::from_ref(&old),
            TODAY,
        );
        assert_eq!(closed(&ev), [(old.id, Done, "close date removed".into())]);
    }

    // ---- pinned, won, lost ----

    #[test]
    fn a_pinned_grade_is_left_alone_but_reminders_still_follow_it() {
        let deal = Deal {
            grade: Grade::C,
            pin: Some(Pin {
                grade: Grade::C,
                reason: "board approval pending".into(),
            }),
            ..explicit("2027-01-01")
        };
        let ev = run(&deal, None, &[], TODAY);
        assert_eq!((ev.grade, &ev.grade_change), (Grade::C, &None));
        assert!(ev.slipped);
        assert_eq!(opened(&ev, Slipped).len(), 1);
        // Revisits at C's cadence: created 2027-01-10 + 30 days.
        assert_eq!(ev.next_revisit, Some(d("2027-02-09")));
    }

    #[test]
    fn a_lost_deal_becomes_e_and_its_reminders_are_dismissed() {
        let pending = revisit(Open, "2027-01-12", "2027-01-12");
        let done = revisit(Done, "2027-01-05", "2027-01-05");
        let deal = Deal {
            stage: "lost".into(),
            grade: Grade::A,
            ..explicit("2027-01-01")
        };
        let ev = run(&deal, None, &[pending.clone(), done], TODAY);
        assert_eq!(ev.grade, Grade::E);
        assert_eq!(ev.grade_change.as_ref().unwrap().reason, Reason::DealLost);
        assert_eq!(closed(&ev), [(pending.id, Dismissed, "deal lost".into())]);
        assert_eq!(
            (ev.slipped, ev.stale, ev.next_revisit),
            (false, false, None)
        );
        assert_eq!(ev.reminder_ops.len(), 1);
    }

    #[test]
    fn a_won_deal_keeps_its_grade_and_leaves_the_reminders() {
        let pending = reminder(
            CloseSoon,
            Snoozed,
            d("2027-01-20"),
            Some(d("2027-01-01")),
            d("2027-01-01"),
        );
        let deal = Deal {
            stage: "won".into(),
            grade: Grade::B,
            ..deal(Need::None, Some("2026-01-01"))
        };
        let ev = run(&deal, None, std::slice::from_ref(&pending), TODAY);
        assert_eq!((ev.grade, &ev.grade_change), (Grade::B, &None));
        assert_eq!(closed(&ev), [(pending.id, Dismissed, "deal won".into())]);
        assert_eq!((ev.slipped, ev.next_revisit), (false, None));
    }

    // ---- revisits ----

    #[test]
    fn the_revisit_cadence_follows_the_grade() {
        // Last touch 2027-01-01; each close date gives the grade in the comment.
        let cases = [
            ("2027-01-20", Some("2027-01-08")), // A, 7 days
            ("2027-03-20", Some("2027-01-15")), // B, 14 days
            ("2027-06-20", Some("2027-01-31")), // C, 30 days
            ("2027-12-20", Some("2027-04-01")), // D, 90 days
        ];
        for (close, next) in cases {
            let deal = Deal {
                created_on: d("2026-12-01"),
                ..explicit(close)
            };
            let ev = run(&deal, Some("2027-01-01"), &[], TODAY);
            assert_eq!(ev.next_revisit, next.map(d), "close {close}");
        }
    }

    #[test]
    fn a_revisit_opens_on_its_due_day_and_not_before() {
        let deal = Deal {
            created_on: d("2027-01-01"),
            ..explicit("2027-04-10")
        };
        let ev = run(&deal, None, &[], "2027-01-14");
        assert_eq!(opened(&ev, Revisit), []);
        assert_eq!(ev.next_revisit, Some(d("2027-01-15")));
        let ev = run(&deal, None, &[], "2027-01-15");
        assert_eq!(opened(&ev, Revisit), [(d("2027-01-15"), None)]);
        let ev = run(&deal, None, &[], "2027-02-20");
        assert_eq!(
            opened(&ev, Revisit),
            [(d("2027-01-15"), None)],
            "overdue keeps its date"
        );
    }

    #[test]
    fn without_activity_the_revisit_counts_from_creation() {
        let deal = Deal {
            created_on: d("2027-01-08"),
            ..explicit("2027-01-20")
        };
        assert_eq!(run(&deal, None, &[], TODAY).next_revisit, Some(d(TODAY)));
        // An activity dated before creation (an import) does not pull it earlier.
        assert_eq!(
            run(&deal, Some("2026-06-01"), &[], TODAY).next_revisit,
            Some(d(TODAY))
        );
    }

    #[test]
    fn grade_e_gets_no_revisits_and_loses_a_pending_one() {
        let deal = Deal {
            grade: Grade::B,
            created_on: d("2026-01-01"),
            ..deal(Need::None, None)
        };
        let ev = run(&deal, None, &[], TODAY);
        assert_eq!((ev.grade, ev.next_revisit), (Grade::E, None));
        assert_eq!(opened(&ev, Revisit), []);

        let pending = revisit(Open, "2027-01-10", "2027-01-10");
        let ev = run(&deal, None, std::slice::from_ref(&pending), TODAY);
        assert_eq!(
            closed(&ev),
            [(pending.id, Dismissed, "no revisits for grade E".into())]
        );
    }

    #[test]
    fn an_activity_closes_the_pending_revisit_as_done() {
        let deal = Deal {
            created_on: d("2026-12-01"),
            ..explicit("2027-03-20")
        };
        let pending = revisit(Open, "2027-01-12", "2027-01-12");
        let ev = run(&deal, Some(TODAY), std::slice::from_ref(&pending), TODAY);
        assert_eq!(closed(&ev), [(pending.id, Done, "activity logged".into())]);
        assert_eq!(opened(&ev, Revisit), []);
        assert_eq!(ev.next_revisit, Some(d("2027-01-29")));
    }

    #[test]
    fn an_activity_merged_in_late_closes_the_revisit_and_the_next_one_follows() {
        // The activity (2026-12-20) came from another copy after the reminder was made.
        let deal = Deal {
            created_on: d("2026-11-01"),
            ..explicit("2027-03-20")
        };
        let pending = revisit(Open, "2026-11-15", "2026-11-15");
        let ev = run(
            &deal,
            Some("2026-12-20"),
            std::slice::from_ref(&pending),
            TODAY,
        );
        assert_eq!(closed(&ev), [(pending.id, Done, "activity logged".into())]);
        assert_eq!(opened(&ev, Revisit), [(d("2027-01-03"), None)]);
    }

    #[test]
    fn a_grade_change_moves_the_revisit_due_date() {
        let created = Deal {
            grade: Grade::C,
            created_on: d("2026-12-01"),
            ..explicit("2027-01-25")
        };
        // C (30 days) had it due 2026-12-31; now A (7 days) it is due 2026-12-08.
        let pending = revisit(Open, "2026-12-31", "2026-12-31");
        let ev = run(&created, None, std::slice::from_ref(&pending), TODAY);
        assert_eq!(ev.grade, Grade::A);
        assert_eq!(
            ev.reminder_ops.first(),
            Some(&ReminderOp::Reschedule {
                id: pending.id,
                due: d("2026-12-08")
            })
        );
        assert_eq!(ev.next_revisit, Some(d("2026-12-08")));

        // A (7 days) had it due 2027-01-08; now D (90 days) it is not due until March.
        let far = Deal {
            grade: Grade::A,
            created_on: d("2027-01-01"),
            ..explicit("2028-01-01")
        };
        let pending = revisit(Open, "2027-01-08", "2027-01-08");
        let ev = run(&far, None, std::slice::from_ref(&pending), TODAY);
        assert_eq!(ev.grade, Grade::D);
        let note = "rescheduled: next revisit 2027-04-01".to_string();
        assert_eq!(closed(&ev), [(pending.id, Dismissed, note)]);
        assert_eq!(ev.next_revisit, Some(d("2027-04-01")));
    }

    #[test]
    fn a_snoozed_revisit_keeps_its_date_and_wakes_when_it_comes() {
        let deal = Deal {
            grade: Grade::B,
            created_on: d("2026-12-01"),
            ..explicit("2027-03-20")
        };
        let snoozed = revisit(Snoozed, "2027-01-20", "2026-12-15");
        let ev = run(&deal, None, std::slice::from_ref(&snoozed), TODAY);
        assert_eq!(ev.reminder_ops, []);
        assert_eq!(ev.next_revisit, Some(d("2027-01-20")));

        let ev = run(&deal, None, std::slice::from_ref(&snoozed), "2027-01-20");
        assert_eq!(ev.reminder_ops, [ReminderOp::Wake { id: snoozed.id }]);
        assert_eq!(
            ev.next_revisit,
            Some(d("2027-01-20")),
            "the owner's date stays"
        );
    }

    #[test]
    fn duplicate_pending_revisits_are_dismissed() {
        let deal = Deal {
            grade: Grade::B,
            created_on: d("2026-12-01"),
            ..explicit("2027-03-20")
        };
        let first = revisit(Open, "2026-12-15", "2026-12-15");
        let second = revisit(Open, "2026-12-15", "2026-12-16");
        let ev = run(&deal, None, &[second.clone(), first], TODAY);
        assert_eq!(closed(&ev), [(second.id, Dismissed, "duplicate".into())]);
    }

    #[test]
    fn a_dismissed_revisit_is_not_reopened_for_the_same_date() {
        let deal = Deal {
            grade: Grade::B,
            created_on: d("2026-12-01"),
            ..explicit("2027-03-20")
        };
        let dismissed = revisit(Dismissed, "2026-12-15", "2026-12-15");
        let ev = run(&deal, None, &[dismissed], TODAY);
        assert_eq!(ev.reminder_ops, []);
        // After the next activity the cycle starts again.
        let dismissed = revisit(Dismissed, "2026-12-15", "2026-12-15");
        let ev = run(&deal, Some("2026-12-20"), &[dismissed], TODAY);
        assert_eq!(opened(&ev, Revisit), [(d("2027-01-03"), None)]);
    }

    // ---- close_soon ----

    #[test]
    fn close_soon_opens_warning_days_before_the_close_date() {
        let deal = explicit("2027-01-23");
        let ev = run(&deal, None, &[], "2027-01-15");
        assert_eq!(opened(&ev, CloseSoon), []);
        let ev = run(&deal, None, &[], "2027-01-16");
        assert_eq!(
            opened(&ev, CloseSoon),
            [(d("2027-01-16"), Some(d("2027-01-23")))]
        );
        let ev = run(&deal, None, &[], "2027-01-23");
        assert_eq!(
            opened(&ev, CloseSoon),
            [(d("2027-01-23"), Some(d("2027-01-23")))]
        );
    }

    fn by_hand(mut r: Reminder) -> Reminder {
        r.note = format!("{CLOSED_BY_HAND} {} by mei", r.status);
        r
    }

    #[test]
    fn close_soon_is_made_once_per_close_date() {
        let deal = explicit("2027-01-20");
        let done = by_hand(reminder(
            CloseSoon,
            Done,
            d("2027-01-13"),
            Some(d("2027-01-20")),
            d("2027-01-13"),
        ));
        let ev = run(&deal, None, &[done], TODAY);
        assert_eq!(opened(&ev, CloseSoon), []);

        let pending = reminder(
            CloseSoon,
            Open,
            d("2027-01-13"),
            Some(d("2027-01-20")),
            d("2027-01-13"),
        );
        let ev = run(
            &explicit("2027-01-18"),
            None,
            std::slice::from_ref(&pending),
            TODAY,
        );
        assert_eq!(
            closed(&ev),
            [(pending.id, Dismissed, "close date moved".into())]
        );
        assert_eq!(opened(&ev, CloseSoon), [(d(TODAY), Some(d("2027-01-18")))]);
    }

    #[test]
    fn what_the_engine_closed_comes_back_when_the_deal_is_as_it_was() {
        // Won on one replica, moved back to a stage on another: the merged
        // deal is open again, and every replica must warn alike, whether or
        // not it saw the win in between.
        let mut closed_by_engine = reminder(
            CloseSoon,
            Dismissed,
            d("2027-01-13"),
            Some(d("2027-01-20")),
            d("2027-01-13"),
        );
        closed_by_engine.note = "deal won".into();
        let ev = run(&explicit("2027-01-20"), None, &[closed_by_engine], TODAY);
        assert_eq!(opened(&ev, CloseSoon), [(d(TODAY), Some(d("2027-01-20")))]);

        let mut slipped = reminder(
            Slipped,
            Done,
            d("2027-01-02"),
            Some(d("2027-01-01")),
            d("2027-01-02"),
        );
        slipped.note = "new close date 2027-03-01".into();
        let ev = run(&explicit("2027-01-01"), None, &[slipped], TODAY);
        assert_eq!(
            opened(&ev, Slipped),
            [(d("2027-01-02"), Some(d("2027-01-01")))]
        );
    }

    #[test]
    fn close_soon_is_dismissed_when_the_deal_slips_or_leaves_grade_a() {
        let pending = reminder(
            CloseSoon,
            Open,
            d("2027-01-07"),
            Some(d("2027-01-14")),
            d("2027-01-07"),
        );
        let ev = run(
            &explicit("2027-01-14"),
            None,
            std::slice::from_ref(&pending),
            TODAY,
        );
        assert_eq!(
            closed(&ev),
            [(pending.id, Dismissed, "close date passed".into())]
        );

        let ev = run(
            &explicit("2027-04-01"),
            None,
            std::slice::from_ref(&pending),
            TODAY,
        );
        assert_eq!(
            closed(&ev),
            [(pending.id, Dismissed, "grade is now B".into())]
        );

        let potential = deal(Need::Potential, Some("2027-01-14"));
        let ev = run(&potential, None, &[], "2027-01-10");
        assert_eq!(opened(&ev, CloseSoon), [], "only A deals get close_soon");
    }

    #[test]
    fn a_snoozed_close_soon_wakes_on_its_date() {
        let snoozed = reminder(
            CloseSoon,
            Snoozed,
            d(TODAY),
            Some(d("2027-01-20")),
            d("2027-01-13"),
        );
        let ev = run(
            &explicit("2027-01-20"),
            None,
            std::slice::from_ref(&snoozed),
            TODAY,
        );
        assert!(
            ev.reminder_ops
                .contains(&ReminderOp::Wake { id: snoozed.id })
        );
        assert_eq!(opened(&ev, CloseSoon), []);
    }

    // ---- stale ----

    #[test]
    fn a_deal_goes_stale_after_its_stages_limit_without_activity() {
        // Entered 2027-01-01; proposal allows 14 days, lead 14, needs 21.
        let on = |stage: &str, activity: Option<&str>, today: &str| {
            let deal = Deal {
                stage: stage.into(),
                stage_entered_on: d("2027-01-01"),
                ..explicit("2027-12-01")
            };
            run(&deal, activity, &[], today).stale
        };
        assert!(!on("proposal", None, "2027-01-15"));
        assert!(on("proposal", None, "2027-01-16"));
        assert!(!on("proposal", Some("2027-01-10"), "2027-01-16"));
        assert!(!on("needs", None, "2027-01-22"));
        assert!(on("needs", None, "2027-01-23"));
        assert!(!on("unknown-stage", None, "2027-06-01"));
        assert!(!on("won", None, "2027-06-01"));
    }

    // ---- idempotency over arbitrary deals ----

    fn date_near(today: NaiveDate) -> impl Strategy<Value = NaiveDate> {
        (-400i64..400).prop_map(move |offset| {
            let days = Days::new(offset.unsigned_abs());
            if offset < 0 {
                today - days
            } else {
                today + days
            }
        })
    }

    #[derive(Debug, Clone)]
    struct RawReminder {
        kind: usize,
        status: usize,
        due: NaiveDate,
        /// 0: none, 1: the deal's close date, 2: `other`.
        about: u8,
        other: NaiveDate,
        created_on: NaiveDate,
    }

    #[derive(Debug, Clone)]
    struct Case {
        today: NaiveDate,
        need: usize,
        stage: usize,
        close: Option<NaiveDate>,
        grade: usize,
        pin: Option<usize>,
        created_on: NaiveDate,
        stage_entered_on: NaiveDate,
        last_activity: Option<NaiveDate>,
        reminders: Vec<RawReminder>,
        custom_rules: bool,
    }

    fn case() -> impl Strategy<Value = Case> {
        (0u64..5844).prop_flat_map(|n| {
            let today = d("2020-01-01") + Days::new(n);
            let raw = (
                0..3usize,
                0..4usize,
                date_near(today),
                0..3u8,
                date_near(today),
                date_near(today),
            )
                .prop_map(|(kind, status, due, about, other, created_on)| {
                    RawReminder {
                        kind,
                        status,
                        due,
                        about,
                        other,
                        created_on,
                    }
                });
            (
                (
                    0..3usize,
                    0..8usize,
                    proptest::option::of(date_near(today)),
                    0..5usize,
                ),
                (
                    proptest::option::of(0..5usize),
                    date_near(today),
                    date_near(today),
                ),
                (
                    proptest::option::of(date_near(today)),
                    proptest::collection::vec(raw, 0..6),
                    any::<bool>(),
                ),
            )
                .prop_map(move |(a, b, c)| Case {
                    today,
                    need: a.0,
                    stage: a.1,
                    close: a.2,
                    grade: a.3,
                    pin: b.0,
                    created_on: b.1,
                    stage_entered_on: b.2,
                    last_activity: c.0,
                    reminders: c.1,
                    custom_rules: c.2,
                })
        })
    }

    const STAGES: [&str; 8] = [
        "lead",
        "contacted",
        "needs",
        "proposal",
        "negotiation",
        "won",
        "lost",
        "trial",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn one_run_settles_every_deal(case in case()) {
            let rules = if case.custom_rules {
                let text = "[grades]\na_within_months = 2\nslipped_grade = \"C\"\n\
                            [cadence_days]\nA = 1\nE = 45\n[reminders]\nclose_warning_days = 0\n";
                Rules::from_toml(text, "rules.toml").unwrap()
            } else {
                Rules::defaults()
            };
            let mut deal = Deal {
                stage: STAGES[case.stage].into(),
                need: Need::ALL[case.need],
                expected_close: case.close,
                grade: Grade::ALL[case.grade],
                pin: case.pin.map(|g| Pin { grade: Grade::ALL[g], reason: "hand".into() }),
                created_on: case.created_on,
                stage_entered_on: case.stage_entered_on,
                ..deal(Need::None, None)
            };
            let mut reminders: Vec<Reminder> = case
                .reminders
                .iter()
                .map(|r| {
                    let about = match r.about {
                        0 => None,
                        1 => case.close,
                        _ => Some(r.other),
                    };
                    let kind = ReminderKind::ALL[r.kind];
                    reminder(kind, ReminderStatus::ALL[r.status], r.due, about, r.created_on)
                })
                .collect();
            let ev = settle(&mut deal, case.last_activity, &mut reminders, &rules, case.today);
            if !deal.is_open() {
                prop_assert!(reminders.iter().all(|r| !r.status.is_pending()));
            }
            if deal.pin.is_some() || deal.is_won() {
                prop_assert_eq!(ev.grade_change, None);
            }
        }
    }
}

#[cfg(test)]
mod account_revisit_tests {
    use super::*;
    use crate::domain::RowMeta;
    use chrono::{TimeZone, Utc};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn revisit(status: ReminderStatus, due: &str, created_on: &str) -> Reminder {
        let at = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        Reminder {
            id: Id::new(),
            deal_id: None,
            account_id: Some(Id::from_random_bytes([2; 16])),
            kind: ReminderKind::Revisit,
            due: d(due),
            status,
            about: None,
            time: None,
            created_on: d(created_on),
            closed_on: None,
            note: String::new(),
            meta: RowMeta {
                created_at: at,
                updated_at: at,
                updated_by: "engine".into(),
                version: 1,
                deleted_at: None,
            },
        }
    }

    fn rules() -> Rules {
        Rules::defaults()
    }

    /// Applies the ops the way the store does and checks a second run decides nothing.
    fn settle(
        tier: Option<ValueTier>,
        last_touch: &str,
        mut held: Vec<Reminder>,
        today: &str,
    ) -> (Option<NaiveDate>, Vec<ReminderOp>, Vec<Reminder>) {
        let (next, ops) = account_revisit(tier, d(last_touch), &held, &rules(), d(today));
        for op in &ops {
            match op {
                ReminderOp::Open { kind, due, .. } => held.push(Reminder {
                    kind: *kind,
                    ..revisit(ReminderStatus::Open, &due.to_string(), today)
                }),
                ReminderOp::Close { id, status, .. } => {
                    let r = held.iter_mut().find(|r| r.id == *id).unwrap();
                    r.status = *status;
                }
                ReminderOp::Reschedule { id, due } => {
                    held.iter_mut().find(|r| r.id == *id).unwrap().due = *due;
                }
                ReminderOp::Wake { id } => {
                    held.iter_mut().find(|r| r.id == *id).unwrap().status = ReminderStatus::Open;
                }
                ReminderOp::Retract { .. } => {
                    unreachable!("account revisits are never retracted here")
                }
            }
        }
        let (again, more) = account_revisit(tier, d(last_touch), &held, &rules(), d(today));
        assert_eq!(again, next, "the next revisit is stable");
        assert!(more.is_empty(), "a second run decides nothing: {more:?}");
        (next, ops, held)
    }

    fn opened(ops: &[ReminderOp]) -> Vec<NaiveDate> {
        ops.iter()
            .filter_map(|op| match op {
                ReminderOp::Open { due, .. } => Some(*due),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_customer_is_revisited_by_its_tier_cadence_from_the_last_touch_boundary_included() {
        // A every 14 days, B 30, C 90.
        for (tier, days) in [(ValueTier::A, 14), (ValueTier::B, 30), (ValueTier::C, 90)] {
            let due = add_days(d("2027-01-10"), days);
            let before = sub_days(due, 1);
            let (next, ops, _) = settle(Some(tier), "2027-01-10", vec![], &before.to_string());
            assert_eq!(next, Some(due), "{tier:?}");
            assert!(ops.is_empty(), "not due the day before: {ops:?}");
            let (next, ops, _) = settle(Some(tier), "2027-01-10", vec![], &due.to_string());
            assert_eq!(next, Some(due));
            assert_eq!(opened(&ops), [due], "{tier:?} opens on its day");
        }
    }

    #[test]
    fn the_cadence_runs_across_month_ends_and_leap_days() {
        let (next, ..) = settle(Some(ValueTier::A), "2027-01-25", vec![], "2027-01-26");
        assert_eq!(next, Some(d("2027-02-08")));
        let (next, ..) = settle(Some(ValueTier::B), "2027-01-31", vec![], "2027-02-01");
        assert_eq!(next, Some(d("2027-03-02")));
        let (next, ..) = settle(Some(ValueTier::B), "2028-01-31", vec![], "2028-02-01");
        assert_eq!(next, Some(d("2028-03-01")), "2028 is a leap year");
        let (next, ..) = settle(Some(ValueTier::C), "2027-11-15", vec![], "2027-11-16");
        assert_eq!(next, Some(d("2028-02-13")), "over the year's end");
    }

    #[test]
    fn no_tier_no_revisit_and_a_pending_one_is_dismissed() {
        let (next, ops, _) = settle(None, "2027-01-01", vec![], "2027-06-01");
        assert_eq!((next, ops), (None, vec![]));
        let held = vec![revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15")];
        let (next, ops, held) = settle(None, "2027-01-01", held, "2027-01-20");
        assert_eq!(next, None);
        assert!(matches!(
            ops[..],
            [ReminderOp::Close {
                status: ReminderStatus::Dismissed,
                ..
            }]
        ));
        assert_eq!(held[0].status, ReminderStatus::Dismissed);
        // A tier whose cadence is 0 in the rules means the same.
        let rules = Rules::from_toml("[account_cadence_days]\nC = 0\n", "rules.toml").unwrap();
        let (next, ops) = account_revisit(
            Some(ValueTier::C),
            d("2027-01-01"),
            &[],
            &rules,
            d("2028-01-01"),
        );
        assert_eq!((next, ops), (None, vec![]));
    }

    #[test]
    fn any_touch_after_it_opened_answers_it_and_the_next_follows_from_that_touch() {
        let held = vec![revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15")];
        let (next, ops, held) = settle(Some(ValueTier::A), "2027-01-18", held, "2027-01-18");
        assert!(matches!(
            ops[..],
            [ReminderOp::Close {
                status: ReminderStatus::Done,
                ..
            }]
        ));
        assert_eq!(held[0].status, ReminderStatus::Done);
        assert_eq!(next, Some(d("2027-02-01")));
        // A touch on the day it opened answers it too; one before does not.
        let held = vec![revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15")];
        let (_, ops, _) = settle(Some(ValueTier::A), "2027-01-15", held, "2027-01-15");
        assert!(matches!(
            ops[..],
            [ReminderOp::Close {
                status: ReminderStatus::Done,
                ..
            }]
        ));
        let held = vec![revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15")];
        let (next, ops, _) = settle(Some(ValueTier::A), "2027-01-01", held, "2027-01-16");
        assert!(ops.is_empty(), "{ops:?}");
        assert_eq!(next, Some(d("2027-01-15")));
    }

    #[test]
    fn one_pending_at_a_time_and_a_dismissed_one_does_not_come_straight_back() {
        let held = vec![
            revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15"),
            revisit(ReminderStatus::Open, "2027-01-15", "2027-01-16"),
        ];
        let (_, ops, held) = settle(Some(ValueTier::A), "2027-01-01", held, "2027-01-20");
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!(held.iter().filter(|r| r.status.is_pending()).count(), 1);
        let held = vec![revisit(
            ReminderStatus::Dismissed,
            "2027-01-15",
            "2027-01-15",
        )];
        let (next, ops, _) = settle(Some(ValueTier::A), "2027-01-01", held, "2027-01-20");
        assert!(ops.is_empty(), "{ops:?}");
        assert_eq!(next, Some(d("2027-01-15")));
    }

    #[test]
    fn a_snooze_holds_until_its_day_then_wakes_and_a_new_tier_moves_it() {
        let snoozed = || Reminder {
            meta: RowMeta {
                version: 2,
                ..revisit(ReminderStatus::Open, "2027-01-01", "2027-01-01").meta
            },
            ..revisit(ReminderStatus::Snoozed, "2027-02-01", "2027-01-15")
        };
        let (next, ops, _) = settle(
            Some(ValueTier::A),
            "2027-01-01",
            vec![snoozed()],
            "2027-01-20",
        );
        assert!(ops.is_empty());
        assert_eq!(next, Some(d("2027-02-01")));
        let (_, ops, held) = settle(
            Some(ValueTier::A),
            "2027-01-01",
            vec![snoozed()],
            "2027-02-01",
        );
        assert_eq!(ops, [ReminderOp::Wake { id: held[0].id }]);
        // Now a B customer (30 days): the open one moves to its new due day
        // while that is due, and gives way while it is still ahead.
        let open = revisit(ReminderStatus::Open, "2027-01-15", "2027-01-15");
        let (next, ops, _) = settle(
            Some(ValueTier::B),
            "2027-01-01",
            vec![open.clone()],
            "2027-02-05",
        );
        assert_eq!(
            ops,
            [ReminderOp::Reschedule {
                id: open.id,
                due: d("2027-01-31")
            }]
        );
        assert_eq!(next, Some(d("2027-01-31")));
        // Back to A (a planned-ahead day undone): the engine's own moves back.
        let moved = Reminder {
            due: d("2027-01-31"),
            ..open.clone()
        };
        let (next, ops, _) = settle(Some(ValueTier::A), "2027-01-01", vec![moved], "2027-02-05");
        assert_eq!(
            ops,
            [ReminderOp::Reschedule {
                id: open.id,
                due: d("2027-01-15")
            }]
        );
        assert_eq!(next, Some(d("2027-01-15")));
        let (next, ops, _) = settle(Some(ValueTier::B), "2027-01-01", vec![open], "2027-01-20");
        assert!(matches!(
            ops[..],
            [ReminderOp::Close {
                status: ReminderStatus::Dismissed,
                ..
            }]
        ));
        assert_eq!(next, Some(d("2027-01-31")));
    }
}
