//! A [`Query`] as SQL conditions, for the deal, account and reminder lists.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::accounts::AccountFilter;
use super::deals::DealFilter;
use super::{Result, Store, StoreError};
use crate::domain::{
    AccountKind, Behaviour, Currency, Grade, Lifecycle, Money, ProductTier, Satisfaction, ValueTier,
};
use crate::query::{Dimension, Query};

/// One value of a dimension with how many rows have it and their money:
/// the deals' amount, or the accounts' revenue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `None` for rows without a value (no value tier, no product tier).
    pub value: Option<String>,
    pub count: usize,
    /// In `currency`: a value with deals in two currencies is two groups.
    pub money: Money,
    pub currency: Currency,
}

/// Where [`wide_sum`] splits amounts: a part of at most 92,233,720,368 per
/// row above it, below it less than this; neither sum can overflow over
/// any number of rows a file holds.
const SPLIT: i64 = 100_000_000;

/// `sum(column)` as two columns SQLite cannot overflow on (its own sum
/// stops with "integer overflow"): the parts above and below [`SPLIT`].
/// [`wide_total`] puts them together.
pub(super) fn wide_sum(column: &str) -> String {
    format!("coalesce(sum({column} / {SPLIT}), 0), coalesce(sum({column} % {SPLIT}), 0)")
}

/// The two sums of [`wide_sum`] as one exact sum, as money: at the edge
/// of money when past it, which takes over 92,000 deals of the largest
/// amount the parser takes.
pub(super) fn wide_total(high: i64, low: i64) -> Money {
    Money::saturating(i128::from(high) * i128::from(SPLIT) + i128::from(low))
}

/// `AND …` conditions with their arguments, appended in order.
#[derive(Default)]
pub(super) struct Conditions {
    pub sql: String,
    pub args: Vec<Value>,
}

impl Conditions {
    /// `AND column IN (?, …)` unless `values` is empty.
    fn any_of<T: ToString>(&mut self, column: &str, values: &[T]) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.sql.push_str(&format!(" AND {column} IN ({marks})"));
        self.args
            .extend(values.iter().map(|v| Value::Text(v.to_string())));
    }
}

impl Store {
    /// The deals a filter lists, counted and totalled by `by`.
    pub fn deal_groups(&self, filter: &DealFilter, by: Dimension) -> Result<Vec<Group>> {
        let column = match (by, account_column(by)) {
            (Dimension::Grade, _) => "d.grade".to_string(),
            (Dimension::Stage, _) => "d.stage".to_string(),
            (Dimension::Owner, _) => "d.owner".to_string(),
            (_, Some(column)) => format!("a.{column}"),
            (_, None) => unreachable!("every other dimension is an account's"),
        };
        let (conditions, args) = self.deal_conditions(filter)?;
        let sql = format!(
            "SELECT nullif({column}, ''), count(*), {}, d.currency
             FROM deals d JOIN accounts a ON a.id = d.account_id
             WHERE d.deleted_at IS NULL{conditions} GROUP BY 1 COLLATE NOCASE, d.currency",
            wide_sum("d.amount_minor")
        );
        self.groups(&sql, args, by)
    }

    /// The accounts a filter lists, counted and their revenue totalled by `by`.
    pub fn account_groups(&self, filter: &AccountFilter, by: Dimension) -> Result<Vec<Group>> {
        if by.of_deals() {
            return Err(StoreError::AccountsHaveNo(by));
        }
        let column = match (by, account_column(by)) {
            (Dimension::Owner, _) => "owner",
            (_, Some(column)) => column,
            (_, None) => unreachable!("deal dimensions are refused above"),
        };
        let c = self.account_conditions(filter)?;
        // Revenue is kept in the database's currency (see segments); a
        // code is three letters, safe to write into the query.
        let sql = format!(
            "SELECT nullif({column}, ''), count(*), {}, '{}'
             FROM accounts WHERE deleted_at IS NULL{} GROUP BY 1 COLLATE NOCASE",
            wide_sum("revenue_minor"),
            self.currency()?,
            c.sql
        );
        self.groups(&sql, c.args, by)
    }

    fn groups(&self, sql: &str, args: Vec<Value>, by: Dimension) -> Result<Vec<Group>> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut groups = stmt
            .query_map(params_from_iter(args), |r| {
                Ok(Group {
                    value: r.get(0)?,
                    count: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                    money: wide_total(r.get(2)?, r.get(3)?),
                    currency: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Closed vocabularies in their own order; free text by money, most first.
        let rank = |value: &Option<String>| -> Option<usize> {
            let v = value.as_deref()?;
            match by {
                Dimension::Grade => position_of(Grade::ALL, v),
                Dimension::Tier => position_of(ValueTier::ALL, v),
                Dimension::Kind => position_of(AccountKind::ALL, v),
                Dimension::ProductTier => position_of(ProductTier::ALL, v),
                Dimension::Lifecycle => position_of(Lifecycle::ALL, v),
                Dimension::Satisfaction => position_of(Satisfaction::ALL, v),
                Dimension::Behaviour => position_of(Behaviour::ALL, v),
                Dimension::Stage => self.rules.stages.iter().position(|s| s.id == v),
                _ => None,
            }
        };
        groups.sort_by(|x, y| {
            let order = |g: &Group| (g.value.is_none(), rank(&g.value).unwrap_or(usize::MAX));
            order(x)
                .cmp(&order(y))
                .then(y.money.cmp(&x.money))
                .then(x.value.cmp(&y.value))
        });
        Ok(groups)
    }

    /// The query's terms on deals `d` (the free text is the caller's).
    pub(super) fn deal_terms(&self, q: &Query, c: &mut Conditions) -> Result<()> {
        self.deal_columns(q, "d.", c)?;
        if q.has_account_terms() {
            c.sql
                .push_str(" AND d.account_id IN (SELECT id FROM accounts WHERE deleted_at IS NULL");
            account_columns(q, "", c);
            c.sql.push(')');
        }
        Ok(())
    }

    /// The query's terms on accounts: its own columns, and for grade and
    /// stage terms, a deal of the account that has them (an open one unless
    /// a stage is named). The owner is the account's.
    pub(super) fn account_terms(&self, q: &Query, c: &mut Conditions) -> Result<()> {
        account_columns(q, "", c);
        c.any_of("owner", &q.owners);
        if !(q.grades.is_empty() && q.stages.is_empty()) {
            c.sql
                .push_str(" AND id IN (SELECT account_id FROM deals WHERE deleted_at IS NULL");
            if q.stages.is_empty() {
                c.sql.push_str(" AND stage NOT IN ('won', 'lost')");
            }
            let deal_only = Query {
                grades: q.grades.clone(),
                stages: q.stages.clone(),
                ..Query::default()
            };
            self.deal_columns(&deal_only, "", c)?;
            c.sql.push(')');
        }
        Ok(())
    }

    fn deal_columns(&self, q: &Query, alias: &str, c: &mut Conditions) -> Result<()> {
        c.any_of(&format!("{alias}grade"), &q.grades);
        let stages = q
            .stages
            .iter()
            .map(|s| self.stage_id(s))
            .collect::<Result<Vec<_>>>()?;
        c.any_of(&format!("{alias}stage"), &stages);
        if alias == "d." {
            c.any_of("d.owner", &q.owners);
        }
        Ok(())
    }
}

/// Conditions on the columns of `accounts` (prefixed by `alias`).
fn account_columns(q: &Query, alias: &str, c: &mut Conditions) {
    c.any_of(&format!("{alias}value_tier"), &q.tiers);
    c.any_of(&format!("{alias}kind"), &q.kinds);
    c.any_of(&format!("{alias}industry COLLATE NOCASE"), &q.industries);
    c.any_of(&format!("{alias}region COLLATE NOCASE"), &q.regions);
    c.any_of(&format!("{alias}channel COLLATE NOCASE"), &q.channels);
    c.any_of(&format!("{alias}product_tier"), &q.product_tiers);
    c.any_of(&format!("{alias}lifecycle"), &q.lifecycles);
    c.any_of(&format!("{alias}satisfaction"), &q.satisfactions);
    c.any_of(&format!("{alias}behaviour"), &q.behaviours);
    if q.at_risk {
        c.sql.push_str(&format!(" AND {alias}risks <> ''"));
    }
    if !q.risks.is_empty() {
        let each = format!("(',' || {alias}risks || ',') LIKE ?");
        let any = vec![each.as_str(); q.risks.len()].join(" OR ");
        c.sql.push_str(&format!(" AND ({any})"));
        c.args
            .extend(q.risks.iter().map(|r| Value::Text(format!("%,{r},%"))));
    }
}

/// The column of `accounts` a dimension is; `None` for a deal's.
fn account_column(by: Dimension) -> Option<&'static str> {
    Some(match by {
        Dimension::Tier => "value_tier",
        Dimension::Kind => "kind",
        Dimension::Industry => "industry",
        Dimension::Region => "region",
        Dimension::Channel => "channel",
        Dimension::ProductTier => "product_tier",
        Dimension::Lifecycle => "lifecycle",
        Dimension::Satisfaction => "satisfaction",
        Dimension::Behaviour => "behaviour",
        Dimension::Owner => "owner",
        Dimension::Grade | Dimension::Stage => return None,
    })
}

fn position_of<T: ToString>(all: &[T], value: &str) -> Option<usize> {
    all.iter().position(|x| x.to_string() == value)
}
