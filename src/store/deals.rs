use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter, types::Value};

use super::DealRefusal;
use super::accounts::conflict;
use super::engine::refresh_deals;
use super::filter::{Conditions, wide_sum, wide_total};
use super::rows::{self, ACTIVITY_COLUMNS, DEAL_COLUMN_COUNT, DEAL_COLUMNS, HISTORY_COLUMNS};
use super::values::{self, get_opt_day};
use super::{GradeChangeRow, Result, Store, StoreError, Writer};
use crate::domain::{
    Activity, ActivityKind, Amounts, Currency, Deal, Grade, HistoryEntry, HistoryField, Id, LOST,
    Money, Need, Pin, Reason, Reminder, RowMeta, WON,
};
use crate::query::Query;
use crate::rules;

#[derive(Debug, Clone)]
pub struct NewDeal {
    pub account_id: Id,
    pub title: String,
    pub amount: Option<Money>,
    /// `None`: the database's currency.
    pub currency: Option<Currency>,
    pub stage: Option<String>,
    pub need: Option<Need>,
    pub expected_close: Option<NaiveDate>,
    pub owner: Option<String>,
}

/// What a person may note on a new deal besides what every deal has.
#[derive(Debug, Clone, Default)]
pub struct DealExtras {
    /// One of the account's people.
    pub contact_id: Option<Id>,
    pub source: String,
    pub next_step: String,
    pub notes: String,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DealPatch {
    pub title: Option<String>,
    pub amount: Option<Money>,
    pub currency: Option<Currency>,
    pub stage: Option<String>,
    pub need: Option<Need>,
    /// `Some(None)` clears the date.
    pub expected_close: Option<Option<NaiveDate>>,
    pub owner: Option<String>,
    /// `Some(None)` names no contact any more; a contact must be one of
    /// the deal's account's people.
    pub contact: Option<Option<Id>>,
    pub source: Option<String>,
    pub next_step: Option<String>,
    pub notes: Option<String>,
    /// The version the editor loaded; the save is refused if the row moved on.
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    pub grade: Option<Grade>,
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub account: Option<Id>,
    /// Won and lost deals too, when no stage is asked for.
    pub all_stages: bool,
    pub slipped_only: bool,
    /// Segment terms, and text found in the title, the account's name or one
    /// of its contacts' names (ignoring ASCII case).
    pub query: Query,
    /// The order of the list, and whether it runs the other way.
    pub sort: DealSort,
    pub descending: bool,
    /// A window of the result, for views that show only what fits.
    pub offset: usize,
    pub limit: Option<usize>,
}

/// What a deal list can be sorted by. Each order ends in the keys of the
/// grade lanes' index, so that it is total and pages never repeat a deal;
/// `grade` and `stage` (the tiers' and the board's orders) read off their
/// indexes, the others are sorted by SQLite.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DealSort {
    /// A to E, then the nearest close date.
    #[default]
    Grade,
    /// The nearest expected close first; deals with none last.
    Close,
    Amount,
    Title,
    Account,
    /// In pipeline order.
    Stage,
}

/// A deal as lists show it: with its account's name and what the engine says.
#[derive(Debug, Clone)]
pub struct DealRow {
    pub deal: Deal,
    pub account: String,
    pub slipped: bool,
    pub stale: bool,
    /// The day of the latest activity.
    pub last_activity: Option<NaiveDate>,
    /// The latest activity, or a revisit closed by hand.
    pub last_touch: Option<NaiveDate>,
    pub next_revisit: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct DealDetail {
    pub row: DealRow,
    /// The people at the deal's account.
    pub contacts: Vec<crate::domain::Contact>,
    /// The activities that stand: neither corrected nor taken back.
    pub activities: Vec<Activity>,
    /// The corrections and retractions made, each with its original.
    pub corrections: Vec<crate::domain::Correction>,
    pub history: Vec<HistoryEntry>,
    /// Every change people made to its other fields, from the change log.
    pub changes: Vec<super::FieldChange>,
    pub reminders: Vec<Reminder>,
}

impl Store {
    pub fn add_deal(&mut self, new: NewDeal) -> Result<Id> {
        self.add_deal_with(new, DealExtras::default())
    }

    /// Adds a deal with its contact, source, next step and notes.
    pub fn add_deal_with(&mut self, new: NewDeal, extras: DealExtras) -> Result<Id> {
        let title = clean_title(&new.title)?;
        let stage = self.new_deal_stage(new.stage.as_deref())?;
        self.write(|w| insert_new_deal(w, new, extras, title, stage))
    }

    /// Adds an account and its first deal, `deal_at(the account's id)`, in
    /// one transaction: both or neither.
    pub fn add_deal_at_new_account(
        &mut self,
        account: super::NewAccount,
        deal_at: impl FnOnce(Id) -> NewDeal,
    ) -> Result<(Id, Id)> {
        self.add_deal_at_new_account_with(account, DealExtras::default(), deal_at)
    }

    /// The same with the deal's source, next step and notes (a new account
    /// has no people yet, so no contact).
    pub fn add_deal_at_new_account_with(
        &mut self,
        account: super::NewAccount,
        extras: DealExtras,
        deal_at: impl FnOnce(Id) -> NewDeal,
    ) -> Result<(Id, Id)> {
        let account_id = Id::new();
        let new = deal_at(account_id);
        let title = clean_title(&new.title)?;
        let stage = self.new_deal_stage(new.stage.as_deref())?;
        self.write(|w| {
            super::accounts::create_account(w, account_id, account)?;
            let deal = insert_new_deal(w, new, extras, title, stage)?;
            Ok((account_id, deal))
        })
    }

    fn new_deal_stage(&self, asked: Option<&str>) -> Result<String> {
        match asked {
            Some(s) => self.stage_id(s),
            None => first_stage(&self.rules),
        }
    }

    pub fn update_deal(&mut self, id: Id, patch: DealPatch) -> Result<Vec<GradeChangeRow>> {
        let stage = patch
            .stage
            .as_deref()
            .map(|s| self.stage_id(s))
            .transpose()?;
        if stage.as_deref() == Some(LOST) {
            return Err(DealRefusal::LostByStageMove { id: id.short() }.into());
        }
        let nothing_to_change = patch.title.is_none()
            && patch.amount.is_none()
            && patch.currency.is_none()
            && stage.is_none()
            && patch.need.is_none()
            && patch.expected_close.is_none()
            && patch.owner.is_none()
            && patch.contact.is_none()
            && patch.source.is_none()
            && patch.next_step.is_none()
            && patch.notes.is_none();
        if nothing_to_change {
            return Err(DealRefusal::NothingToChange.into());
        }
        let title = patch.title.as_deref().map(clean_title).transpose()?;
        self.write(|w| {
            let mut deal = get_deal(w.conn(), id)?;
            if let Some(loaded) = patch.expected_version
                && loaded != deal.meta.version
            {
                return Err(conflict(w.conn(), "deals", "deal", id));
            }
            if let Some(t) = title {
                deal.title = t;
            }
            if let Some(a) = patch.amount {
                deal.amount = a;
            }
            if let Some(c) = patch.currency {
                deal.currency = c;
            }
            if let Some(n) = patch.need {
                deal.need = n;
            }
            if let Some(c) = patch.expected_close {
                deal.expected_close = c;
            }
            if let Some(o) = patch.owner {
                deal.owner = o;
            }
            if let Some(contact) = patch.contact {
                if let Some(id) = contact {
                    super::contacts::check_deal_contact(w, deal.account_id, id)?;
                }
                deal.contact_id = contact;
            }
            for (field, value) in [
                (&mut deal.source, patch.source),
                (&mut deal.next_step, patch.next_step),
                (&mut deal.notes, patch.notes),
            ] {
                if let Some(v) = value {
                    *field = v.trim().to_string();
                }
            }
            if let Some(s) = stage {
                w.move_stage(&mut deal, s, Reason::DealUpdate)?;
            }
            save_deal(w, &deal)?;
            refresh_deals(w, &[id])
        })
    }

    pub fn won(&mut self, id: Id, amount: Option<Money>) -> Result<()> {
        self.won_in(id, amount, None)
    }

    /// Won, with a final amount in `currency` when it is given.
    pub fn won_in(
        &mut self,
        id: Id,
        amount: Option<Money>,
        currency: Option<Currency>,
    ) -> Result<()> {
        self.write(|w| {
            let mut deal = get_deal(w.conn(), id)?;
            if deal.is_won() {
                return Err(DealRefusal::AlreadyWon { id: id.short() }.into());
            }
            if let Some(a) = amount {
                deal.amount = a;
            }
            if let Some(c) = currency {
                deal.currency = c;
            }
            w.move_stage(&mut deal, WON.to_string(), Reason::Won)?;
            save_deal(w, &deal)?;
            refresh_deals(w, &[id])?;
            Ok(())
        })
    }

    pub fn lost(&mut self, id: Id, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DealRefusal::LostWithoutReason.into());
        }
        self.write(|w| {
            let mut deal = get_deal(w.conn(), id)?;
            if deal.is_lost() {
                return Err(DealRefusal::AlreadyLost { id: id.short() }.into());
            }
            // SPEC: a lost deal is E; a pin would hold it elsewhere, so it goes.
            if let Some(pin) = deal.pin.take() {
                w.history(
                    id,
                    HistoryField::Pin,
                    pin.grade.as_str(),
                    "",
                    Reason::PinDroppedByLoss,
                )?;
            }
            w.move_stage(
                &mut deal,
                LOST.to_string(),
                Reason::LostBecause(reason.to_string()),
            )?;
            deal.lost_reason = Some(reason.to_string());
            save_deal(w, &deal)?;
            refresh_deals(w, &[id])?;
            Ok(())
        })
    }

    pub fn pin(&mut self, id: Id, grade: Grade, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DealRefusal::PinWithoutReason.into());
        }
        self.write(|w| {
            let mut deal = get_deal(w.conn(), id)?;
            let old_pin = deal.pin.as_ref().map(|p| p.grade.as_str()).unwrap_or("");
            let manual = Reason::Pinned(reason.to_string());
            w.history(
                id,
                HistoryField::Pin,
                old_pin,
                grade.as_str(),
                manual.clone(),
            )?;
            if deal.grade != grade {
                w.history(
                    id,
                    HistoryField::Grade,
                    deal.grade.as_str(),
                    grade.as_str(),
                    manual,
                )?;
            }
            deal.grade = grade;
            deal.pin = Some(Pin {
                grade,
                reason: reason.to_string(),
            });
            save_deal(w, &deal)?;
            refresh_deals(w, &[id])?;
            Ok(())
        })
    }

    pub fn unpin(&mut self, id: Id) -> Result<Vec<GradeChangeRow>> {
        self.write(|w| {
            let mut deal = get_deal(w.conn(), id)?;
            let Some(pin) = deal.pin.take() else {
                return Err(DealRefusal::NotPinned { id: id.short() }.into());
            };
            w.history(
                id,
                HistoryField::Pin,
                pin.grade.as_str(),
                "",
                Reason::Unpinned,
            )?;
            save_deal(w, &deal)?;
            refresh_deals(w, &[id])
        })
    }

    /// Records an activity on a deal; the engine then closes the revisit it answers.
    pub fn log_activity(
        &mut self,
        deal_id: Id,
        kind: ActivityKind,
        summary: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Id> {
        self.log_on(super::On::Deal(deal_id), kind, summary, at)
    }

    pub fn deal(&self, id: Id) -> Result<Deal> {
        get_deal(&self.conn, id)
    }

    /// Open deals (or the won or lost ones, when the filter asks for that
    /// stage), best grade and nearest close date first.
    pub fn deals(&self, filter: &DealFilter) -> Result<Vec<DealRow>> {
        let (conditions, mut args) = self.deal_conditions(filter)?;
        let mut sql = deal_row_select();
        sql.push_str(&conditions);
        // Ending in the rest of the lane indexes' keys, the order is total, so
        // pages of it never repeat or skip a deal; the indexes still serve it.
        sql.push_str(&self.deal_order(filter.sort, filter.descending));
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            args.push(Value::Integer(
                i64::try_from(filter.offset).unwrap_or(i64::MAX),
            ));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let raw = stmt
            .query_map(params_from_iter(args), read_deal_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(raw.into_iter().map(|r| self.deal_row(r)).collect())
    }

    /// ` ORDER BY …` for a deal list, every key in the same direction.
    fn deal_order(&self, sort: DealSort, descending: bool) -> String {
        let lanes = [
            "d.grade",
            "coalesce(d.expected_close, '9999-12-31')",
            "d.title",
        ];
        let stage_rank;
        let first: &[&str] = match sort {
            DealSort::Grade => &[],
            DealSort::Close => &["coalesce(d.expected_close, '9999-12-31')"],
            DealSort::Amount => &["d.amount_minor"],
            DealSort::Title => &["d.title COLLATE NOCASE"],
            DealSort::Account => &["a.name COLLATE NOCASE"],
            DealSort::Stage => {
                // Stage ids come from the rules file, quoted as SQL text.
                let ranks: String = self
                    .rules
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(i, stage)| format!(" WHEN '{}' THEN {i}", stage.id.replace('\'', "''")))
                    .collect();
                stage_rank = format!("(CASE d.stage{ranks} ELSE {} END)", self.rules.stages.len());
                &[stage_rank.as_str()]
            }
        };
        let direction = if descending { " DESC" } else { "" };
        let keys: Vec<String> = first
            .iter()
            .chain(&lanes)
            .chain(&["d.account_id", "d.rowid"])
            .map(|key| format!("{key}{direction}"))
            .collect();
        format!(" ORDER BY {}", keys.join(", "))
    }

    /// The `AND …` conditions of a filter over `deals d`, with their arguments.
    pub(super) fn deal_conditions(&self, filter: &DealFilter) -> Result<(String, Vec<Value>)> {
        let mut sql = String::new();
        let mut args: Vec<Value> = Vec::new();
        match filter.stage.as_deref() {
            Some(stage) => {
                let stage = self.stage_id(stage)?;
                sql.push_str(" AND d.stage = ?");
                args.push(Value::Text(stage));
            }
            // A stage term names the stages itself, won and lost among them.
            None if filter.all_stages || !filter.query.stages.is_empty() => {}
            None => sql.push_str(" AND d.stage NOT IN ('won', 'lost')"),
        }
        if let Some(grade) = filter.grade {
            sql.push_str(" AND d.grade = ?");
            args.push(Value::Text(grade.as_str().to_string()));
        }
        if let Some(account) = filter.account {
            sql.push_str(" AND d.account_id = ?");
            args.push(Value::Text(account.to_string()));
        }
        if let Some(owner) = &filter.owner {
            sql.push_str(" AND d.owner = ?");
            args.push(Value::Text(owner.clone()));
        }
        let mut terms = Conditions::default();
        self.deal_terms(&filter.query, &mut terms)?;
        sql.push_str(&terms.sql);
        args.extend(terms.args);
        if let Some(pattern) = self.find_text(Some(&filter.query.text))? {
            sql.push_str(
                " AND (d.title LIKE ? ESCAPE '\\'
                   OR d.account_id IN (SELECT account_id FROM temp.filter_hits))",
            );
            args.push(Value::Text(pattern));
        }
        if filter.slipped_only {
            sql.push_str(" AND d.expected_close < ?");
            args.push(Value::Text(values::day(self.session.today)));
        }
        Ok((sql, args))
    }

    /// Count and totals of deals per stage, in pipeline order (zeros
    /// included), a total per currency.
    pub fn stage_totals(&self) -> Result<Vec<(String, i64, Amounts)>> {
        let found: Vec<(String, i64, Amounts)> = self.grouped_totals(
            &format!(
                "SELECT stage, currency, count(*), {} FROM deals
                 WHERE deleted_at IS NULL GROUP BY stage, currency",
                wide_sum("amount_minor")
            ),
            &[],
        )?;
        Ok(self
            .rules
            .stages
            .iter()
            .map(|stage| {
                found
                    .iter()
                    .find(|(id, _, _)| *id == stage.id)
                    .cloned()
                    .unwrap_or((stage.id.clone(), 0, Amounts::default()))
            })
            .collect())
    }

    /// Count and totals of open deals per grade, A to E (zeros included), a
    /// total per currency.
    pub fn grade_totals(&self) -> Result<Vec<(Grade, i64, Amounts)>> {
        let found: Vec<(Grade, i64, Amounts)> = self.grouped_totals(
            &format!(
                "SELECT grade, currency, count(*), {} FROM deals
                 WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost') GROUP BY grade, currency",
                wide_sum("amount_minor")
            ),
            &[],
        )?;
        Ok(Grade::ALL
            .iter()
            .map(|&g| {
                found
                    .iter()
                    .find(|(fg, _, _)| *fg == g)
                    .cloned()
                    .unwrap_or((g, 0, Amounts::default()))
            })
            .collect())
    }

    /// Count and totals per currency of the deals `filter` lets through (its
    /// window aside), in one aggregate read: what a filtered lane's header says.
    pub fn deal_totals(&self, filter: &DealFilter) -> Result<(i64, Amounts)> {
        let (conditions, args) = self.deal_conditions(filter)?;
        let sql = format!(
            "SELECT 0, d.currency, count(*), {}
             FROM deals d JOIN accounts a ON a.id = d.account_id
             WHERE d.deleted_at IS NULL{conditions} GROUP BY d.currency",
            wide_sum("d.amount_minor")
        );
        let found: Vec<(i64, i64, Amounts)> = self.grouped_totals(&sql, &args)?;
        Ok(found
            .into_iter()
            .next()
            .map(|(_, count, sums)| (count, sums))
            .unwrap_or_default())
    }

    /// Rows of `(key, currency, count, sum)`, the sum as [`wide_sum`] gives
    /// it, folded into one count and one
    /// [`Amounts`] per key, keys in the order first met.
    fn grouped_totals<K: rusqlite::types::FromSql + PartialEq>(
        &self,
        sql: &str,
        args: &[Value],
    ) -> Result<Vec<(K, i64, Amounts)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), |r| {
                Ok((
                    r.get::<_, K>(0)?,
                    r.get::<_, Currency>(1)?,
                    r.get::<_, i64>(2)?,
                    wide_total(r.get(3)?, r.get(4)?),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut folded: Vec<(K, i64, Amounts)> = Vec::new();
        for (key, currency, count, sum) in rows {
            match folded.iter_mut().find(|(k, _, _)| *k == key) {
                Some(entry) => {
                    entry.1 += count;
                    entry.2.add(currency, sum);
                }
                None => {
                    let mut sums = Amounts::default();
                    sums.add(currency, sum);
                    folded.push((key, count, sums));
                }
            }
        }
        Ok(folded)
    }

    pub fn deal_detail(&self, id: Id) -> Result<DealDetail> {
        let sql = format!("{} AND d.id = ?1", deal_row_select());
        let raw = self
            .conn
            .query_row(&sql, [id], read_deal_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "deal",
                given: id.short(),
            })?;
        let row = self.deal_row(raw);
        let activities = {
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities a
                 WHERE deal_id = ?1 AND deleted_at IS NULL AND {} ORDER BY at, id",
                super::activities::live("a")
            );
            let mut stmt = self.conn.prepare(&sql)?;
            stmt.query_map([id], rows::activity)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let history = {
            let sql =
                format!("SELECT {HISTORY_COLUMNS} FROM history WHERE deal_id = ?1 ORDER BY at, id");
            let mut stmt = self.conn.prepare(&sql)?;
            stmt.query_map([id], rows::history)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let reminders = super::reminders::reminders_of(&self.conn, id)?;
        let contacts = self.contacts_of(row.deal.account_id)?;
        let changes = self.field_changes(id)?;
        let corrections = self.corrections_of(id)?;
        Ok(DealDetail {
            row,
            contacts,
            activities,
            corrections,
            history,
            changes,
            reminders,
        })
    }

    /// Accepts a stage id or its English or Chinese label, in any case.
    pub fn stage_id(&self, input: &str) -> Result<String> {
        let wanted = input.trim();
        self.rules
            .stages
            .iter()
            .find(|s| {
                s.id.eq_ignore_ascii_case(wanted)
                    || s.en.eq_ignore_ascii_case(wanted)
                    || s.zh == wanted
            })
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                let ids: Vec<&str> = self.rules.stages.iter().map(|s| s.id.as_str()).collect();
                StoreError::UnknownStage {
                    given: wanted.to_string(),
                    known: ids.join(", "),
                }
            })
    }

    fn deal_row(
        &self,
        (deal, account, last_activity, last_touch, pending_revisit): RawDealRow,
    ) -> DealRow {
        let today = self.session.today;
        let eval = rules::evaluate(&deal, last_touch, &[], &self.rules, today);
        DealRow {
            slipped: eval.slipped,
            // Stale means no activity: a revisit skipped by hand does not count.
            stale: rules::is_stale(&deal, last_activity, &self.rules, today),
            next_revisit: if deal.is_open() {
                pending_revisit.or(eval.next_revisit)
            } else {
                None
            },
            last_activity,
            last_touch,
            account,
            deal,
        }
    }
}

type RawDealRow = (
    Deal,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and `\\` taken
/// literally; `None` for blank text, which filters nothing.
pub(super) fn like_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Some(format!("%{escaped}%"))
}

/// Writes a new deal at its account, graded, with its first history rows.
fn insert_new_deal(
    w: &Writer<'_>,
    new: NewDeal,
    extras: DealExtras,
    title: String,
    stage: String,
) -> Result<Id> {
    let account = super::accounts::live_account(w.conn(), new.account_id)?;
    if let Some(contact) = extras.contact_id {
        super::contacts::check_deal_contact(w, account.id, contact)?;
    }
    let today = w.session.today;
    let closed = stage == WON || stage == LOST;
    let mut deal = Deal {
        source_id: None,
        id: Id::new(),
        account_id: account.id,
        title,
        amount: new.amount.unwrap_or_default(),
        stage,
        need: new.need.unwrap_or(Need::Explicit),
        expected_close: new.expected_close,
        grade: Grade::E,
        pin: None,
        owner: new.owner.unwrap_or_else(|| w.session.user.clone()),
        created_on: today,
        stage_entered_on: today,
        closed_on: closed.then_some(today),
        lost_reason: None,
        meta: w.new_meta(),
        currency: match new.currency {
            Some(c) => c,
            None => w.currency()?,
        },
        contact_id: extras.contact_id,
        source: extras.source.trim().to_string(),
        next_step: extras.next_step.trim().to_string(),
        notes: extras.notes.trim().to_string(),
    };
    let (grade, reason) = rules::grade(&deal, w.rules, today);
    deal.grade = grade;
    insert_deal(w, &deal, None)?;
    w.history(
        deal.id,
        HistoryField::Stage,
        "",
        &deal.stage,
        Reason::Created,
    )?;
    w.history(deal.id, HistoryField::Grade, "", grade.as_str(), reason)?;
    refresh_deals(w, &[deal.id])?;
    Ok(deal.id)
}

/// Deals with their account name, last activity day and pending revisit due;
/// each subquery is one seek in a partial index.
fn deal_row_select() -> String {
    let mut sql = String::new();
    let _ = write!(
        sql,
        "SELECT {DEAL_COLUMNS}, a.name,
            d.last_activity, d.last_touch,
            (SELECT r.due FROM reminders r
              WHERE r.deal_id = d.id AND r.kind = 'revisit'
                AND r.deleted_at IS NULL AND r.status IN ('open', 'snoozed'))
         FROM deals d JOIN accounts a ON a.id = d.account_id
         WHERE d.deleted_at IS NULL"
    );
    sql
}

fn read_deal_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawDealRow> {
    let n = DEAL_COLUMN_COUNT;
    Ok((
        rows::deal(row)?,
        row.get(n)?,
        get_opt_day(row, n + 1)?,
        get_opt_day(row, n + 2)?,
        get_opt_day(row, n + 3)?,
    ))
}

/// Where a new deal starts when no stage is given.
pub fn first_stage(rules: &crate::rules::Rules) -> Result<String> {
    rules
        .open_stages()
        .next()
        .map(|s| s.id.clone())
        .ok_or_else(|| DealRefusal::NoOpenStage.into())
}

fn clean_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DealRefusal::EmptyTitle.into());
    }
    Ok(title.to_string())
}

impl Writer<'_> {
    pub(super) fn history(
        &self,
        deal_id: Id,
        field: HistoryField,
        old: &str,
        new: &str,
        reason: Reason,
    ) -> Result<()> {
        insert_history(
            self,
            &HistoryEntry {
                id: Id::new_ordered(),
                deal_id,
                field,
                at: self.session.effective_moment(),
                old: old.to_string(),
                new: new.to_string(),
                reason,
                author: self.session.user.clone(),
            },
        )
    }

    /// Moves a deal to another stage with its history, dates and outcome fields.
    fn move_stage(&self, deal: &mut Deal, stage: String, reason: Reason) -> Result<()> {
        if deal.stage == stage {
            return Ok(());
        }
        self.history(deal.id, HistoryField::Stage, &deal.stage, &stage, reason)?;
        let today = self.session.today;
        deal.stage = stage;
        deal.stage_entered_on = today;
        deal.closed_on = (!deal.is_open()).then_some(today);
        if !deal.is_lost() {
            deal.lost_reason = None;
        }
        Ok(())
    }
}

pub(super) fn get_deal(conn: &Connection, id: Id) -> Result<Deal> {
    let sql =
        format!("SELECT {DEAL_COLUMNS} FROM deals d WHERE d.id = ?1 AND d.deleted_at IS NULL");
    conn.query_row(&sql, [id], rows::deal)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "deal",
            given: id.short(),
        })
}

/// Saves a deal loaded in this transaction as a new version by this user.
fn save_deal(w: &Writer<'_>, d: &Deal) -> Result<()> {
    let meta = RowMeta {
        updated_at: w.session.now,
        updated_by: w.session.user.clone(),
        version: d.meta.version + 1,
        ..d.meta.clone()
    };
    write_deal(w, d, &meta, d.meta.version)
}

/// Writes every field of a deal with the given bookkeeping, but only over
/// the version it was loaded at: anything else is a conflict, never an
/// overwrite.
pub(super) fn write_deal(
    w: &Writer<'_>,
    d: &Deal,
    meta: &RowMeta,
    loaded_version: i64,
) -> Result<()> {
    let changed = w.conn().execute(
        "UPDATE deals SET account_id = ?2, title = ?3, amount_minor = ?4, stage = ?5, need = ?6,
            expected_close = ?7, grade = ?8, pinned_grade = ?9, pin_reason = ?10, owner = ?11,
            created_on = ?12, stage_entered_on = ?13, closed_on = ?14, lost_reason = ?15,
            created_at = ?16, updated_at = ?17, updated_by = ?18, version = ?19, deleted_at = ?20,
            currency = ?22, contact_id = ?23, source = ?24, next_step = ?25, notes = ?26,
            source_id = ?27
         WHERE id = ?1 AND version = ?21",
        params![
            d.id,
            d.account_id,
            d.title,
            d.amount,
            d.stage,
            d.need,
            d.expected_close.map(values::day),
            d.grade,
            d.pin.as_ref().map(|p| p.grade),
            d.pin.as_ref().map(|p| p.reason.clone()),
            d.owner,
            values::day(d.created_on),
            values::day(d.stage_entered_on),
            d.closed_on.map(values::day),
            d.lost_reason,
            values::moment(meta.created_at),
            values::moment(meta.updated_at),
            meta.updated_by,
            meta.version,
            meta.deleted_at.map(values::moment),
            loaded_version,
            d.currency,
            d.contact_id,
            d.source,
            d.next_step,
            d.notes,
            d.source_id,
        ],
    )?;
    if changed == 0 {
        return Err(conflict(w.conn(), "deals", "deal", d.id));
    }
    Ok(())
}

/// `last_activity` is the day of the deal's latest activity, when its
/// activities go in with it (demo data).
pub(super) fn insert_deal(
    w: &Writer<'_>,
    d: &Deal,
    last_activity: Option<NaiveDate>,
) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO deals (id, account_id, title, amount_minor, stage, need, expected_close,
                grade, pinned_grade, pin_reason, owner, created_on, stage_entered_on, closed_on,
                lost_reason, created_at, updated_at, updated_by, version, deleted_at, last_activity,
                last_touch, currency, contact_id, source, next_step, notes, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
        )?
        .execute(params![
            d.id,
            d.account_id,
            d.title,
            d.amount,
            d.stage,
            d.need,
            d.expected_close.map(values::day),
            d.grade,
            d.pin.as_ref().map(|p| p.grade),
            d.pin.as_ref().map(|p| p.reason.clone()),
            d.owner,
            values::day(d.created_on),
            values::day(d.stage_entered_on),
            d.closed_on.map(values::day),
            d.lost_reason,
            values::moment(d.meta.created_at),
            values::moment(d.meta.updated_at),
            d.meta.updated_by,
            d.meta.version,
            d.meta.deleted_at.map(values::moment),
            last_activity.map(values::day),
            d.currency,
            d.contact_id,
            d.source,
            d.next_step,
            d.notes,
            d.source_id,
        ])?;
    Ok(())
}

pub(super) fn insert_activity(w: &Writer<'_>, a: &Activity) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO activities (id, deal_id, account_id, kind, at, summary, author, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            a.id,
            a.deal_id,
            a.account_id,
            a.kind,
            values::moment(a.at),
            a.summary,
            a.author,
            values::moment(a.created_at),
        ])?;
    Ok(())
}

pub(super) fn insert_history(w: &Writer<'_>, h: &HistoryEntry) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO history (id, deal_id, field, at, old, new, reason, author)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            h.id,
            h.deal_id,
            h.field,
            values::moment(h.at),
            h.old,
            h.new,
            h.reason,
            h.author,
        ])?;
    Ok(())
}
