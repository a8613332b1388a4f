//! CSV import and export, as pure readers and writers: no SQL.
//!
//! Readers map the columns of tierdeck's own exports and of other CRMs'
//! exports (Pipedrive, HubSpot, Zoho, Salesforce, Chinese headers) onto
//! records; the store resolves the references in them and writes a whole file
//! or nothing, so a reader stops at the first bad row. Writers produce one
//! canonical file per table that the readers take back exactly.

mod export;
mod import;
mod sheet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    AccountKind, ActivityKind, Currency, Grade, Id, Money, Need, Pin, ProductTier, RowMeta,
    Satisfaction,
};

pub use export::{
    write_accounts, write_activities, write_contacts, write_deals, write_history, write_reminders,
};
pub use import::{
    read_accounts, read_activities, read_contacts, read_deals, read_history, read_reminders,
};

/// How an imported row names its account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountRef {
    /// The cell held a full UUID.
    Id(Id),
    Name(String),
}

/// How an imported activity names its deal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DealRef {
    Id(Id),
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
    pub account: AccountRef,
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
    #[error("`{0}` is not a whole, non-negative number of minor units")]
    NotMinorUnits(String),
}
