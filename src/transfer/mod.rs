//! CSV import and export, as pure readers and writers: no SQL.
//!
//! Readers map the columns of tierdeck's own exports and of other CRMs'
//! exports (Salesforce, HubSpot, Zoho, Pipedrive, Odoo, vtiger, Chinese
//! headers, hand-kept sheets) onto records, and say which column went to
//! which field, which were left out and every row they could not read; the
//! store resolves the references in them and writes a whole file or
//! nothing. Writers produce one canonical file per table that the readers
//! take back exactly.

mod export;
mod import;
mod sheet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    AccountKind, ActivityKind, Currency, Grade, Id, Money, Need, Pin, ProductTier, RowMeta,
    Satisfaction,
};

pub use export::{
    write_accounts, write_activities, write_contacts, write_deals, write_goals, write_history,
    write_reminders,
};
pub use import::{
    read_accounts, read_activities, read_contacts, read_deals, read_goals, read_history,
    read_reminders,
};

use crate::parse::DateOrder;

/// What a person told `import` about a file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--map COLUMN=FIELD`: the column read as the field; an empty field
    /// or `-` leaves the column out.
    pub map: Vec<(String, String)>,
    /// `--stage-map VALUE=STAGE`: a stage value read as a stage id or label.
    pub stage_map: Vec<(String, String)>,
    pub date_order: Option<DateOrder>,
}

/// What a reader made of a file: shown before anything is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The CRM the columns show, whose record ids are kept as its own.
    pub source: Option<&'static str>,
    /// Each column read, with the field it was read as.
    pub columns: Vec<(String, &'static str)>,
    /// Columns not read: always said, so that nothing is dropped unseen.
    pub ignored: Vec<String>,
    pub stages: Vec<StageUse>,
    /// Day/month orders settled by a cell that shows them.
    pub dates: Vec<DateDecision>,
    /// Columns whose control characters were taken out, with how many cells.
    pub cleaned: Vec<(String, usize)>,
}

/// A stage value met in the file and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageUse {
    pub value: String,
    /// `None`: no stage known by that name.
    pub stage: Option<String>,
    pub how: Option<StageHow>,
    pub rows: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageHow {
    /// By `--stage-map`.
    Given,
    /// The database's own id or label.
    Own,
    /// A default stage of the named CRM.
    Known(&'static str),
}

/// A date column whose day/month order a cell showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateDecision {
    pub column: String,
    pub order: DateOrder,
    pub example: String,
    pub line: u64,
}

/// A file read: its records, the rows that could not be read, and the plan.
#[derive(Debug)]
pub struct Sheetful<T> {
    pub lines: Vec<Line<T>>,
    pub bad: Vec<ImportError>,
    pub plan: Plan,
}

/// How an imported row names its account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountRef {
    /// The cell held a full UUID.
    Id(Id),
    /// Another CRM's record id, with the name the row gives beside it, if any.
    Source {
        id: String,
        name: Option<String>,
    },
    Name(String),
}

/// How an imported activity names its deal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DealRef {
    Id(Id),
    /// Another CRM's record id of a deal, or of an account (a Salesforce
    /// task's `WhatId` is either).
    Source(String),
    /// A deal title, with the row's account when it has one to tell apart
    /// deals of the same title.
    Title {
        title: String,
        account: Option<AccountRef>,
    },
}

/// An account as read from a file; `None` is an empty cell or a missing column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: Option<Id>,
    pub source_id: Option<String>,
    pub name: String,
    pub kind: Option<AccountKind>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub channel: Option<String>,
    pub product_tier: Option<ProductTier>,
    pub satisfaction: Option<Satisfaction>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// Present when the file carries all the row metadata columns (an export).
    pub meta: Option<RowMeta>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub id: Option<Id>,
    pub source_id: Option<String>,
    /// `None`: a person on their own, who becomes an individual account.
    pub account: Option<AccountRef>,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub other: Option<String>,
    pub notes: Option<String>,
    pub meta: Option<RowMeta>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRecord {
    pub id: Option<Id>,
    pub source_id: Option<String>,
    pub account: AccountRef,
    pub title: String,
    pub amount: Option<Money>,
    /// From a currency column or the amount's own sign; `None`: the
    /// database's currency.
    pub currency: Option<Currency>,
    /// A stage id of the database, whichever id or label the file used.
    pub stage: Option<String>,
    pub need: Option<Need>,
    pub expected_close: Option<NaiveDate>,
    pub grade: Option<Grade>,
    pub pin: Option<Pin>,
    pub owner: Option<String>,
    pub created_on: Option<NaiveDate>,
    pub stage_entered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub lost_reason: Option<String>,
    /// The contact person, of the deal's account.
    pub contact: Option<ContactRef>,
    pub source: Option<String>,
    pub next_step: Option<String>,
    pub notes: Option<String>,
    pub meta: Option<RowMeta>,
}

/// How an imported deal names its contact person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContactRef {
    /// The `contact_id` cell of an export.
    Id(Id),
    /// Another CRM's record id of the person, with the name beside it.
    Source { id: String, name: Option<String> },
    /// A name, looked for among the account's people.
    Name(String),
}

/// An activity as read from a file: at least one of `deal` and `account` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    pub id: Option<Id>,
    pub deal: Option<DealRef>,
    pub account: Option<AccountRef>,
    pub kind: ActivityKind,
    pub at: DateTime<Utc>,
    pub summary: String,
    pub author: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The person it was with, by the CRM's id: their account when the row
    /// names no deal and no account.
    pub contact: Option<ContactRef>,
    /// A task still to do (`Not Started`, `Open`) is a planned follow-up.
    pub done: bool,
}

/// The columns of a goals file before the row metadata, as the export
/// writes them and their restore reads them.
const GOAL_FIELDS: [&str; 7] = [
    "id",
    "owner",
    "period",
    "won_amount_minor",
    "currency",
    "won_deals",
    "activities",
];

/// A sales target as its table has it, for an export and its restore.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GoalRecord {
    pub id: Id,
    /// Empty for the team's goal.
    pub owner: String,
    /// `2026-12` or `2026-Q4`.
    pub period: String,
    pub won_amount_minor: Option<i64>,
    /// The won amount's currency; empty without one.
    pub currency: String,
    pub won_deals: Option<i64>,
    pub activities: Option<i64>,
    pub meta: RowMeta,
}

/// A record with the line it starts on (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<T> {
    pub line: u64,
    pub record: T,
}

/// Why a file cannot be imported, with the line to look at.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ImportError {
    pub line: u64,
    pub problem: ImportProblem,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportProblem {
    /// `aliases` are the other headers the column is read from.
    #[error("missing column `{name}`{}", also_read_as(.aliases))]
    MissingColumn { name: String, aliases: Vec<String> },
    #[error("missing column `deal` or `account`: an activity belongs to one")]
    NoActivityColumn,
    #[error("the file is not UTF-8 text; save it as \"CSV UTF-8\" and import it again")]
    NotUtf8,
    /// The CSV reader's own words.
    #[error("{0}")]
    Csv(String),
    #[error("column `{column}` is empty")]
    EmptyCell { column: String },
    #[error("column `{column}`: {problem}")]
    BadCell {
        column: String,
        problem: CellProblem,
    },
    #[error("the first and last name are both empty")]
    NoName,
    #[error("no account: the account cell is empty")]
    NoAccount,
    #[error("no deal and no account: both cells are empty")]
    NoDealNorAccount,
    #[error(
        "column `{column}` has day-first and month-first dates: `{first}` (line {first_line}) and `{second}`"
    )]
    MixedDateOrders {
        column: String,
        first: String,
        first_line: u64,
        second: String,
    },
    #[error(
        "the dates in column `{column}` could be day/month or month/day (`{example}`); add --date-order dmy or --date-order mdy"
    )]
    UnclearDates { column: String, example: String },
    #[error("--map names column `{column}`, which the file does not have")]
    MapNoColumn { column: String },
    #[error("--map names field `{field}`; the fields are: {known}")]
    MapNoField { field: String, known: String },
    #[error("--stage-map names stage `{stage}`; use one of: {known}")]
    StageMapNoStage { stage: String, known: String },
    /// A row the store refused.
    #[error("{0}")]
    Store(Box<crate::store::StoreError>),
}

fn also_read_as(aliases: &[String]) -> String {
    if aliases.is_empty() {
        String::new()
    } else {
        format!(" (also read as: {})", aliases.join(", "))
    }
}

/// Why one cell could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CellProblem {
    #[error(transparent)]
    Parse(#[from] crate::parse::ParseError),
    #[error(transparent)]
    Value(#[from] crate::domain::UnknownValue),
    #[error(
        "`{0}` is not a tierdeck id (a full UUID); remove the column to import the rows as new"
    )]
    NotAnId(String),
    #[error("unknown stage `{given}`; use one of: {known}")]
    UnknownStage { given: String, known: String },
    #[error("`{0}` is not a version number")]
    NotAVersion(String),
    #[error("`{0}` is not a whole number of minor units from 0 to 99999999999999")]
    NotMinorUnits(String),
    #[error("`{0}` is not a whole number above 0")]
    NotACount(String),
    #[error("`{0}` is neither yes nor no")]
    NotYesNo(String),
    #[error("the status is open but the stage is `{0}`")]
    OpenButClosedStage(String),
}
