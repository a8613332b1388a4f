use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::AccountRefusal;
use super::filter::Conditions;
use super::segments::{STANDING_COLUMNS, Standing, read_standing};
use crate::query::Query;

use super::rows::{self, ACCOUNT_COLUMN_COUNT, ACCOUNT_COLUMNS};
use super::{Result, Store, StoreError, Table, Writer, values};
use crate::domain::{Account, AccountKind, Id, ProductTier, RowMeta, Satisfaction};

#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub name: String,
    pub kind: Option<AccountKind>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub channel: Option<String>,
    pub product_tier: Option<ProductTier>,
    pub satisfaction: Option<Satisfaction>,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub kind: Option<AccountKind>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub channel: Option<String>,
    pub product_tier: Option<Option<ProductTier>>,
    pub satisfaction: Option<Satisfaction>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// The version the editor loaded; the save is refused if the row moved on.
    pub expected_version: Option<i64>,
}

/// An account as lists show it: with the segments the engine worked out.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account: Account,
    pub standing: Standing,
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub owner: Option<String>,
    /// Segment terms, and text found in the name, the industry, the region
    /// or a contact's name.
    pub query: Query,
    pub sort: AccountSort,
    pub descending: bool,
    /// A window of the result, for views that show only what fits.
    pub offset: usize,
    pub limit: Option<usize>,
}

/// The columns an account list can be sorted by; each has an index, and
/// the name breaks ties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AccountSort {
    #[default]
    Name,
    // The tier follows revenue, so both words sort by it, the most first.
    #[value(name = "tier", alias = "revenue")]
    ValueTier,
    // Most revenue first: the order of the value tier, by its own column.
    Revenue,
    Lifecycle,
    Kind,
    Industry,
    Region,
    Channel,
    Owner,
    ProductTier,
    Satisfaction,
    Behaviour,
}

impl AccountSort {
    pub const ALL: [AccountSort; 12] = [
        AccountSort::Name,
        AccountSort::ValueTier,
        AccountSort::Revenue,
        AccountSort::Lifecycle,
        AccountSort::Behaviour,
        AccountSort::Kind,
        AccountSort::Industry,
        AccountSort::Region,
        AccountSort::Channel,
        AccountSort::Owner,
        AccountSort::ProductTier,
        AccountSort::Satisfaction,
    ];

    fn column(self) -> &'static str {
        match self {
            AccountSort::Name => "name COLLATE NOCASE",
            AccountSort::ValueTier | AccountSort::Revenue => "revenue_minor",
            AccountSort::Lifecycle => {
                "(CASE lifecycle WHEN 'prospect' THEN 0 WHEN 'new' THEN 1 WHEN 'active' THEN 2 ELSE 3 END)"
            }
            AccountSort::Behaviour => {
                "(CASE behaviour WHEN 'frequent' THEN 0 WHEN 'occasional' THEN 1 ELSE 2 END)"
            }
            AccountSort::Kind => "kind",
            AccountSort::Industry => "industry",
            AccountSort::Region => "region",
            AccountSort::Channel => "channel",
            AccountSort::Owner => "owner",
            AccountSort::ProductTier => {
                "(CASE product_tier WHEN 'high' THEN 0 WHEN 'mid' THEN 1 WHEN 'low' THEN 2 ELSE 3 END)"
            }
            AccountSort::Satisfaction => {
                "(CASE satisfaction WHEN 'satisfied' THEN 0 WHEN 'neutral' THEN 1 WHEN 'dissatisfied' THEN 2 ELSE 3 END)"
            }
        }
    }
}

impl Store {
    pub fn add_account(&mut self, new: NewAccount) -> Result<Id> {
        self.write(|w| create_account(w, Id::new(), new))
    }

    pub fn update_account(&mut self, id: Id, patch: AccountPatch) -> Result<Account> {
        self.write(|w| {
            let mut account = live_account(w.conn(), id)?;
            if let Some(loaded) = patch.expected_version
                && loaded != account.meta.version
            {
                return Err(conflict(w.conn(), "accounts", "account", id));
            }
            if let Some(name) = patch.name {
                let name = clean_name(&name)?;
                ensure_name_free(w.conn(), &name, Some(id))?;
                account.name = name;
            }
            if let Some(v) = patch.kind {
                account.kind = v;
            }
            if let Some(v) = patch.industry {
                account.industry = v;
            }
            if let Some(v) = patch.region {
                account.region = v;
            }
            if let Some(v) = patch.channel {
                account.channel = v;
            }
            if let Some(v) = patch.product_tier {
                account.product_tier = v;
            }
            if let Some(v) = patch.satisfaction {
                account.satisfaction = v;
            }
            if let Some(v) = patch.owner {
                account.owner = v;
            }
            if let Some(v) = patch.notes {
                account.notes = v;
            }
            let meta = RowMeta {
                updated_at: w.session.now,
                updated_by: w.session.user.clone(),
                version: account.meta.version + 1,
                ..account.meta.clone()
            };
            write_account(w, &account, &meta, account.meta.version)?;
            super::engine::resegment_and_revisit(w, id)?;
            get_account(w.conn(), id)
        })
    }

    pub fn account(&self, id: Id) -> Result<Account> {
        live_account(&self.conn, id)
    }

    pub fn accounts(&self, filter: &AccountFilter) -> Result<Vec<AccountRow>> {
        let (sql, args) = self.accounts_sql(filter)?;
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), |row| {
                Ok(AccountRow {
                    account: rows::account(row)?,
                    standing: read_standing(row, ACCOUNT_COLUMN_COUNT)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The query of [`Store::accounts`]: every sort order is an index's.
    fn accounts_sql(&self, filter: &AccountFilter) -> Result<(String, Vec<Value>)> {
        let direction = if filter.descending { "DESC" } else { "ASC" };
        let order = match filter.sort {
            AccountSort::Name => format!("name COLLATE NOCASE {direction}"),
            // Best tier first: the tier follows revenue, which has the index.
            AccountSort::ValueTier | AccountSort::Revenue => {
                let reverse = if filter.descending { "ASC" } else { "DESC" };
                format!("revenue_minor {reverse}, name COLLATE NOCASE {direction}")
            }
            other => format!(
                "{} {direction}, name COLLATE NOCASE {direction}",
                other.column()
            ),
        };
        let mut c = self.account_conditions(filter)?;
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, {STANDING_COLUMNS} FROM accounts
             WHERE deleted_at IS NULL{} ORDER BY {order} LIMIT ? OFFSET ?",
            c.sql
        );
        let limit = filter
            .limit
            .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        c.args.push(Value::Integer(limit));
        c.args.push(Value::Integer(
            i64::try_from(filter.offset).unwrap_or(i64::MAX),
        ));
        Ok((sql, c.args))
    }

    /// How many accounts [`Store::accounts`] would list without its window.
    pub fn count_accounts(&self, filter: &AccountFilter) -> Result<usize> {
        let c = self.account_conditions(filter)?;
        let sql = format!(
            "SELECT count(*) FROM accounts WHERE deleted_at IS NULL{}",
            c.sql
        );
        let count: i64 = self
            .conn
            .query_row(&sql, params_from_iter(c.args), |r| r.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// One account with its segments.
    pub fn account_row(&self, id: Id) -> Result<AccountRow> {
        let standing = self
            .conn
            .query_row(
                &format!("SELECT {STANDING_COLUMNS} FROM accounts WHERE id = ?1"),
                [id],
                |row| read_standing(row, 0),
            )
            .optional()?;
        Ok(AccountRow {
            account: self.account(id)?,
            standing: standing.ok_or_else(|| StoreError::NotFound {
                what: "account",
                given: id.short(),
            })?,
        })
    }

    /// The owner, the terms and the text of an account list; the text's
    /// name and contact hits are in `temp.filter_hits`.
    pub(super) fn account_conditions(&self, filter: &AccountFilter) -> Result<Conditions> {
        let mut c = Conditions::default();
        if let Some(owner) = &filter.owner {
            c.sql.push_str(" AND owner = ?");
            c.args.push(Value::Text(owner.clone()));
        }
        self.account_terms(&filter.query, &mut c)?;
        if let Some(pattern) = self.find_text(Some(&filter.query.text))? {
            c.sql.push_str(
                " AND (industry LIKE ? ESCAPE '\\' OR region LIKE ? ESCAPE '\\'
                   OR id IN (SELECT account_id FROM temp.filter_hits))",
            );
            c.args.push(Value::Text(pattern.clone()));
            c.args.push(Value::Text(pattern));
        }
        Ok(c)
    }

    /// Whether the database holds no account (and so no deal) at all.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE deleted_at IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The live account with exactly this name (ignoring case), if any.
    pub fn account_named(&self, name: &str) -> Result<Option<Id>> {
        account_by_name(&self.conn, name)
    }

    /// An account by full id, id prefix or exact name (case-insensitive).
    /// An account as the command line names it: its exact name or its id,
    /// else the one account whose name starts with `given`, else the one
    /// whose name holds it (`上海华信` for 上海华信电子科技有限公司).
    pub fn match_account(&self, given: &str) -> Result<Id> {
        match self.find_account(given) {
            Err(StoreError::NoSuchAccount(_)) => {}
            found => return found,
        }
        let Some(anywhere) = super::deals::like_pattern(given) else {
            return Err(StoreError::NoSuchAccount(given.trim().to_string()));
        };
        let start = anywhere.trim_start_matches('%').to_string();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM accounts
             WHERE deleted_at IS NULL AND name LIKE ?1 ESCAPE '\\' ORDER BY name LIMIT 6",
        )?;
        for pattern in [start, anywhere] {
            let found = stmt
                .query_map([&pattern], |r| {
                    Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            match found.as_slice() {
                [] => continue,
                [(id, _)] => return Ok(*id),
                many => {
                    return Err(StoreError::AccountNamePartAmbiguous {
                        given: given.trim().to_string(),
                        names: many.iter().take(5).map(|(_, name)| name.clone()).collect(),
                    });
                }
            }
        }
        Err(StoreError::NoSuchAccount(given.trim().to_string()))
    }

    pub fn find_account(&self, name_or_id: &str) -> Result<Id> {
        if let Some(id) = account_by_name(&self.conn, name_or_id)? {
            return Ok(id);
        }
        match self.resolve(Table::Accounts, name_or_id) {
            Err(StoreError::BadId { .. }) | Err(StoreError::NoSuchId { .. }) => {
                Err(StoreError::NoSuchAccount(name_or_id.trim().to_string()))
            }
            other => other,
        }
    }
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AccountRefusal::EmptyName.into());
    }
    Ok(name.to_string())
}

fn ensure_name_free(conn: &Connection, name: &str, except: Option<Id>) -> Result<()> {
    match account_by_name(conn, name)? {
        Some(existing) if Some(existing) != except => Err(AccountRefusal::NameTaken {
            name: name.to_string(),
            id: existing.short(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// Adds an account whose name no live account has, owned by the user unless
/// it says otherwise.
pub(super) fn create_account(w: &Writer<'_>, id: Id, new: NewAccount) -> Result<Id> {
    let name = clean_name(&new.name)?;
    ensure_name_free(w.conn(), &name, None)?;
    let owner = new.owner.unwrap_or_else(|| w.session.user.clone());
    insert_account(
        w,
        &Account {
            source_id: None,
            id,
            name,
            kind: new.kind.unwrap_or(AccountKind::Enterprise),
            industry: new.industry.unwrap_or_default(),
            region: new.region.unwrap_or_default(),
            channel: new.channel.unwrap_or_default(),
            product_tier: new.product_tier,
            satisfaction: new.satisfaction.unwrap_or(Satisfaction::Unknown),
            owner,
            notes: new.notes.unwrap_or_default(),
            meta: w.new_meta(),
        },
    )
}

/// The one live account with this name, ignoring case and surrounding spaces.
pub(super) fn account_by_name(conn: &Connection, name: &str) -> Result<Option<Id>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE name = ?1 COLLATE NOCASE AND deleted_at IS NULL LIMIT 3",
    )?;
    let ids = stmt
        .query_map([name.trim()], |r| r.get::<_, Id>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match ids.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(StoreError::AccountNameAmbiguous {
            name: name.trim().to_string(),
            count: many.len(),
            ids: many.iter().map(|id| id.short()).collect(),
        }),
    }
}

/// An account that is not deleted: what people look at, edit and add deals to.
pub(super) fn live_account(conn: &Connection, id: Id) -> Result<Account> {
    let account = get_account(conn, id)?;
    match account.meta.deleted_at {
        None => Ok(account),
        Some(_) => Err(StoreError::NotFound {
            what: "account",
            given: id.short(),
        }),
    }
}

/// An account, deleted or not: what an import or the demo checks against.
pub(super) fn get_account(conn: &Connection, id: Id) -> Result<Account> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    conn.query_row(&sql, [id], rows::account)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "account",
            given: id.to_string(),
        })
}

pub(super) fn insert_account(w: &Writer<'_>, a: &Account) -> Result<Id> {
    w.conn()
        .prepare_cached(
            "INSERT INTO accounts (id, name, kind, industry, region, channel, product_tier,
                satisfaction, owner, notes, created_at, updated_at, updated_by, version, deleted_at,
                source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(params![
            a.id,
            a.name,
            a.kind,
            a.industry,
            a.region,
            a.channel,
            a.product_tier,
            a.satisfaction,
            a.owner,
            a.notes,
            values::moment(a.meta.created_at),
            values::moment(a.meta.updated_at),
            a.meta.updated_by,
            a.meta.version,
            a.meta.deleted_at.map(values::moment),
            a.source_id,
        ])?;
    Ok(a.id)
}

/// Writes every field of an account with the given bookkeeping, but only over
/// the version it was loaded at: anything else is a conflict, never an
/// overwrite.
pub(super) fn write_account(
    w: &Writer<'_>,
    a: &Account,
    meta: &RowMeta,
    loaded_version: i64,
) -> Result<()> {
    let changed = w.conn().execute(
        "UPDATE accounts SET name = ?2, kind = ?3, industry = ?4, region = ?5, channel = ?6,
            product_tier = ?7, satisfaction = ?8, owner = ?9, notes = ?10, created_at = ?11,
            updated_at = ?12, updated_by = ?13, version = ?14, deleted_at = ?15, source_id = ?17
         WHERE id = ?1 AND version = ?16",
        params![
            a.id,
            a.name,
            a.kind,
            a.industry,
            a.region,
            a.channel,
            a.product_tier,
            a.satisfaction,
            a.owner,
            a.notes,
            values::moment(meta.created_at),
            values::moment(meta.updated_at),
            meta.updated_by,
            meta.version,
            meta.deleted_at.map(values::moment),
            loaded_version,
            a.source_id,
        ],
    )?;
    if changed == 0 {
        return Err(conflict(w.conn(), "accounts", "account", a.id));
    }
    Ok(())
}

/// The error for an update that found the row at another version than loaded.
pub(super) fn conflict(conn: &Connection, table: &str, what: &'static str, id: Id) -> StoreError {
    let sql = format!("SELECT updated_by, updated_at FROM {table} WHERE id = ?1");
    match conn.query_row(&sql, [id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    }) {
        Ok((by, at)) => StoreError::Conflict {
            what,
            id: id.short(),
            by,
            at,
        },
        Err(e) => StoreError::Sql(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::store::{OpenMode, Session};

    #[test]
    fn every_account_sort_reads_an_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session {
            user: "ann".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).unwrap(),
        };
        let path = dir.path().join("t.db");
        let store = Store::open(&path, OpenMode::CreateFile, session, Rules::defaults()).unwrap();
        for sort in AccountSort::ALL {
            for descending in [false, true] {
                let filter = AccountFilter {
                    sort,
                    descending,
                    limit: Some(80),
                    ..AccountFilter::default()
                };
                let (sql, args) = store.accounts_sql(&filter).unwrap();
                let mut stmt = store
                    .conn
                    .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .unwrap();
                let plan: Vec<String> = stmt
                    .query_map(params_from_iter(args), |r| r.get(3))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                assert!(
                    !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                    "{sort:?} descending={descending} sorts every account: {plan:?}"
                );
            }
        }
    }
}
