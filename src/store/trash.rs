//! Deleting and restoring (SPEC §1): a deleted row is a tombstone, its
//! `deleted_at` set as a new version, so that the deletion travels to
//! teammates like any edit and `restore` (or `undo`) brings it back whole.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::engine::{recompute_last_touch, refresh_deals};
use super::segments::resegment_account;
use super::undo::{RowKind, account_of_deal, name_of};
use super::{AccountRefusal, Result, Store, StoreError, TrashRefusal, Writer};
use crate::domain::Id;

/// What a delete or a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trashed {
    pub kind: RowKind,
    pub id: Id,
    pub name: String,
    /// The deals and contacts that went (or came back) with an account.
    pub deals: usize,
    pub contacts: usize,
}

/// The tables a person deletes rows of, in the order `restore` looks.
const KINDS: [RowKind; 5] = [
    RowKind::Account,
    RowKind::Deal,
    RowKind::Contact,
    RowKind::Activity,
    RowKind::Goal,
];

impl Store {
    /// How many open deals an account has: deleting it takes them along,
    /// which a person is asked about first.
    pub fn open_deals_of(&self, account: Id) -> Result<usize> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM deals WHERE account_id = ?1 AND deleted_at IS NULL
                   AND stage NOT IN ('won', 'lost')",
            )?
            .query_row([account], |r| r.get::<_, i64>(0))? as usize)
    }

    pub fn delete_deal(&mut self, id: Id) -> Result<Trashed> {
        self.write(|w| {
            let name = live_name(w.conn(), RowKind::Deal, id)?;
            tombstone(w, RowKind::Deal, id)?;
            let account = account_of_deal(w.conn(), id)?;
            resegment_account(w, account)?;
            Ok(Trashed {
                kind: RowKind::Deal,
                id,
                name,
                deals: 0,
                contacts: 0,
            })
        })
    }

    /// Deletes an account with its contacts, and with its deals when
    /// `with_deals`; an account with open deals is refused without it.
    pub fn delete_account(&mut self, id: Id, with_deals: bool) -> Result<Trashed> {
        let open = self.open_deals_of(id)?;
        self.write(|w| {
            let name = live_name(w.conn(), RowKind::Account, id)?;
            if open > 0 && !with_deals {
                return Err(TrashRefusal::OpenDeals { name, count: open }.into());
            }
            let deals = tombstone_children(w, "deals", id)?;
            let contacts = tombstone_children(w, "contacts", id)?;
            tombstone(w, RowKind::Account, id)?;
            Ok(Trashed {
                kind: RowKind::Account,
                id,
                name,
                deals,
                contacts,
            })
        })
    }

    pub fn delete_contact(&mut self, id: Id) -> Result<Trashed> {
        self.write(|w| {
            let name = live_name(w.conn(), RowKind::Contact, id)?;
            tombstone(w, RowKind::Contact, id)?;
            Ok(Trashed {
                kind: RowKind::Contact,
                id,
                name,
                deals: 0,
                contacts: 0,
            })
        })
    }

    pub fn delete_goal(&mut self, id: Id) -> Result<Trashed> {
        self.write(|w| {
            let name = live_name(w.conn(), RowKind::Goal, id)?;
            tombstone(w, RowKind::Goal, id)?;
            Ok(Trashed {
                kind: RowKind::Goal,
                id,
                name,
                deals: 0,
                contacts: 0,
            })
        })
    }

    /// Brings back the deleted row whose id starts with `input`; an account
    /// comes back with the deals and contacts deleted with it.
    pub fn restore(&mut self, input: &str) -> Result<Trashed> {
        let (kind, id) = find_deleted(&self.conn, input)?;
        self.write(|w| {
            let conn = w.conn();
            let name = name_of(conn, kind, id)?;
            let mut restored = Trashed {
                kind,
                id,
                name,
                deals: 0,
                contacts: 0,
            };
            match kind {
                RowKind::Account => {
                    if let Some(other) = live_account_named(conn, &restored.name)? {
                        return Err(AccountRefusal::NameTaken {
                            name: restored.name,
                            id: other.short(),
                        }
                        .into());
                    }
                    let deleted_at: Option<String> = conn.query_row(
                        "SELECT deleted_at FROM accounts WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )?;
                    untombstone(w, kind, id)?;
                    restored.deals = untombstone_children(w, "deals", id, deleted_at.as_deref())?;
                    restored.contacts =
                        untombstone_children(w, "contacts", id, deleted_at.as_deref())?;
                }
                RowKind::Deal | RowKind::Contact | RowKind::Activity => {
                    let account: Id = conn.query_row(
                        &format!("SELECT account_id FROM {} WHERE id = ?1", kind.table()),
                        [id],
                        |r| r.get(0),
                    )?;
                    if live_name(conn, RowKind::Account, account).is_err() {
                        return Err(TrashRefusal::AccountDeleted {
                            name: name_of(conn, RowKind::Account, account)?,
                            id: account.short(),
                        }
                        .into());
                    }
                    untombstone(w, kind, id)?;
                }
                RowKind::Goal => untombstone(w, kind, id)?,
                RowKind::Reminder => {}
            }
            let deals = restored_deals(conn, kind, id)?;
            for deal in &deals {
                recompute_last_touch(w, *deal)?;
            }
            refresh_deals(w, &deals)?;
            if let Some(account) = account_touched(conn, kind, id)? {
                resegment_account(w, account)?;
            }
            Ok(restored)
        })
    }
}

fn live_name(conn: &Connection, kind: RowKind, id: Id) -> Result<String> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE id = ?1 AND deleted_at IS NULL",
        kind.name_column(),
        kind.table()
    ))?
    .query_row([id], |r| r.get(0))
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        what: kind.as_str(),
        given: id.short(),
    })
}

fn live_account_named(conn: &Connection, name: &str) -> Result<Option<Id>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM accounts WHERE name = ?1 COLLATE NOCASE AND deleted_at IS NULL",
        )?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// A new version saying the row is gone.
fn tombstone(w: &Writer<'_>, kind: RowKind, id: Id) -> Result<()> {
    let stamp = w.stamp();
    set_deleted_at(w, kind.table(), "id = ?1", id, Some(&stamp), None).map(drop)
}

fn untombstone(w: &Writer<'_>, kind: RowKind, id: Id) -> Result<()> {
    set_deleted_at(w, kind.table(), "id = ?1", id, None, None).map(drop)
}

/// Tombstones an account's live deals or contacts, with the account's stamp.
fn tombstone_children(w: &Writer<'_>, table: &str, account: Id) -> Result<usize> {
    let stamp = w.stamp();
    set_deleted_at(w, table, "account_id = ?1", account, Some(&stamp), None)
}

/// Brings back an account's deals or contacts that went with it: those
/// tombstoned at the same moment, not ones deleted on their own before.
fn untombstone_children(
    w: &Writer<'_>,
    table: &str,
    account: Id,
    deleted_at: Option<&str>,
) -> Result<usize> {
    match deleted_at {
        Some(at) => set_deleted_at(w, table, "account_id = ?1", account, None, Some(at)),
        None => Ok(0),
    }
}

/// Sets `deleted_at` (to `Some` moment, or back to nothing) on the rows
/// `which` selects with `key` as `?1`, each as a new version by this user;
/// activities, never edited in place, carry no version. Bringing rows back
/// takes only those deleted at `deleted_at`, when given.
fn set_deleted_at(
    w: &Writer<'_>,
    table: &str,
    which: &str,
    key: Id,
    value: Option<&str>,
    deleted_at: Option<&str>,
) -> Result<usize> {
    let mut args: Vec<Value> = vec![
        Value::Text(key.to_string()),
        value.map_or(Value::Null, |v| Value::Text(v.to_string())),
    ];
    let mut sql = format!("UPDATE {table} SET deleted_at = ?2");
    if table != "activities" {
        sql += ", version = version + 1, updated_at = ?3, updated_by = ?4";
        args.push(Value::Text(w.stamp()));
        args.push(Value::Text(w.session.user.clone()));
    }
    sql += &format!(" WHERE {which}");
    match (value, deleted_at) {
        (Some(_), _) => sql += " AND deleted_at IS NULL",
        (None, Some(at)) => {
            args.push(Value::Text(at.to_string()));
            sql += &format!(" AND deleted_at = ?{}", args.len());
        }
        (None, None) => sql += " AND deleted_at IS NOT NULL",
    }
    Ok(w.conn().execute(&sql, rusqlite::params_from_iter(args))?)
}

/// The deleted row whose id starts with `input`, in any table a person
/// deletes rows of.
fn find_deleted(conn: &Connection, input: &str) -> Result<(RowKind, Id)> {
    let Some(prefix) = super::id_prefix(input) else {
        return Err(TrashRefusal::NotDeleted {
            given: input.to_string(),
        }
        .into());
    };
    let mut found = Vec::new();
    for kind in KINDS {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id FROM {} WHERE id >= ?1 AND id < ?1 || '~' AND deleted_at IS NOT NULL
             LIMIT 6",
            kind.table()
        ))?;
        let ids = stmt
            .query_map([&prefix], |r| r.get::<_, Id>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        found.extend(ids.into_iter().map(|id| (kind, id)));
    }
    match found.as_slice() {
        [] => Err(TrashRefusal::NotDeleted {
            given: input.to_string(),
        }
        .into()),
        [one] => Ok(*one),
        many => Err(StoreError::Ambiguous {
            what: "deleted row",
            given: input.to_string(),
            candidates: many.iter().map(|(_, id)| id.short()).collect(),
        }),
    }
}

/// The deals whose engine state a restore changes.
fn restored_deals(conn: &Connection, kind: RowKind, id: Id) -> Result<Vec<Id>> {
    let sql = match kind {
        RowKind::Account => "SELECT id FROM deals WHERE account_id = ?1 AND deleted_at IS NULL",
        RowKind::Deal => "SELECT id FROM deals WHERE id = ?1",
        RowKind::Activity => "SELECT deal_id FROM activities WHERE id = ?1 AND deal_id IS NOT NULL",
        RowKind::Contact | RowKind::Reminder | RowKind::Goal => return Ok(Vec::new()),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let ids = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

fn account_touched(conn: &Connection, kind: RowKind, id: Id) -> Result<Option<Id>> {
    Ok(match kind {
        RowKind::Account => Some(id),
        RowKind::Deal | RowKind::Activity => Some(conn.query_row(
            &format!("SELECT account_id FROM {} WHERE id = ?1", kind.table()),
            [id],
            |r| r.get(0),
        )?),
        RowKind::Contact | RowKind::Reminder | RowKind::Goal => None,
    })
}
