//! The rules engine: grades A–E, revisit / close-soon / slipped reminders and
//! stale flags, decided from plain domain values. No SQL, no terminal, no
//! clock: `today` is always a parameter.

mod calendar;
mod config;
mod engine;

pub use calendar::{add_months, sub_days, sub_months};
pub use config::{LifecycleRules, Rules, RulesError, StageRule, TierMode, TierRules};
pub use engine::{
    Evaluation, GradeChange, ReminderOp, account_revisit, evaluate, grade, is_stale, stale_in,
};
