//! The people at an account: added, changed, listed and found by name.

use rusqlite::{Connection, OptionalExtension, params};

use super::accounts::{conflict, get_account};
use super::rows::{self, CONTACT_COLUMNS};
use super::{ContactRefusal, Result, Store, StoreError, Table, Writer};
use crate::domain::{Contact, Id, RowMeta};

#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub account_id: Id,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub other: Option<String>,
    pub notes: Option<String>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ContactPatch {
    /// Another account the person now works at.
    pub account: Option<Id>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub other: Option<String>,
    pub notes: Option<String>,
    /// The version the editor loaded; the save is refused if the row moved on.
    pub expected_version: Option<i64>,
}

impl ContactPatch {
    fn is_empty(&self) -> bool {
        self.account.is_none()
            && self.name.is_none()
            && self.title.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.other.is_none()
            && self.notes.is_none()
    }
}

/// A contact as lists show it: with its account's name.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub contact: Contact,
    pub account: String,
}

impl Store {
    pub fn add_contact(&mut self, new: NewContact) -> Result<Id> {
        let name = clean_name(&new.name)?;
        self.write(|w| {
            // The account must be there (and not deleted) to take a person.
            let account = get_account(w.conn(), new.account_id)?;
            if account.meta.deleted_at.is_some() {
                return Err(StoreError::NotFound {
                    what: "account",
                    given: account.id.short(),
                });
            }
            ensure_name_free(w.conn(), account.id, &account.name, &name, None)?;
            let contact = Contact {
                source_id: None,
                id: Id::new(),
                account_id: account.id,
                name,
                title: clean(new.title),
                phone: clean(new.phone),
                email: clean(new.email),
                other: clean(new.other),
                notes: new.notes.map(|n| n.trim().to_string()).unwrap_or_default(),
                meta: w.new_meta(),
            };
            insert_contact(w, &contact)?;
            Ok(contact.id)
        })
    }

    pub fn update_contact(&mut self, id: Id, patch: ContactPatch) -> Result<Contact> {
        if patch.is_empty() {
            return Err(ContactRefusal::NothingToChange.into());
        }
        let name = patch.name.as_deref().map(clean_name).transpose()?;
        self.write(|w| {
            let mut contact = get_contact(w.conn(), id)?;
            if let Some(loaded) = patch.expected_version
                && loaded != contact.meta.version
            {
                return Err(conflict(w.conn(), "contacts", "contact", id));
            }
            let moves = patch.account.is_some_and(|to| to != contact.account_id);
            if let Some(to) = patch.account.filter(|_| moves) {
                let deals: i64 = w.conn().query_row(
                    "SELECT count(*) FROM deals WHERE contact_id = ?1 AND deleted_at IS NULL",
                    [id],
                    |r| r.get(0),
                )?;
                if deals > 0 {
                    return Err(ContactRefusal::NamedByDeals {
                        name: contact.name,
                        deals,
                    }
                    .into());
                }
                contact.account_id = get_account(w.conn(), to)?.id;
            }
            // A new name, or a new account, must not make two people of
            // one name at one account (an older file may hold such twins:
            // editing one's phone is no new clash).
            if moves || name.is_some() {
                if let Some(name) = name {
                    contact.name = name;
                }
                let account = get_account(w.conn(), contact.account_id)?;
                ensure_name_free(w.conn(), account.id, &account.name, &contact.name, Some(id))?;
            }
            for (field, value) in [
                (&mut contact.title, patch.title),
                (&mut contact.phone, patch.phone),
                (&mut contact.email, patch.email),
                (&mut contact.other, patch.other),
                (&mut contact.notes, patch.notes),
            ] {
                if let Some(v) = value {
                    *field = v.trim().to_string();
                }
            }
            let meta = RowMeta {
                updated_at: w.session.now,
                updated_by: w.session.user.clone(),
                version: contact.meta.version + 1,
                ..contact.meta.clone()
            };
            write_contact(w, &contact, &meta, contact.meta.version)?;
            get_contact(w.conn(), id)
        })
    }

    /// A live contact by its full id.
    pub fn contact(&self, id: Id) -> Result<Contact> {
        get_contact(&self.conn, id)
    }

    /// The people at an account, by name.
    pub fn contacts_of(&self, account: Id) -> Result<Vec<Contact>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts
             WHERE account_id = ?1 AND deleted_at IS NULL ORDER BY name"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([account], rows::contact)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every live contact, or those of one account, by account and name.
    pub fn contacts(&self, account: Option<Id>) -> Result<Vec<ContactRow>> {
        let columns = CONTACT_COLUMNS
            .split(", ")
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND (?1 IS NULL OR c.account_id = ?1)
             ORDER BY a.name COLLATE NOCASE, c.name COLLATE NOCASE, c.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([account], |row| {
                Ok(ContactRow {
                    contact: rows::contact(row)?,
                    account: row.get(rows::CONTACT_COLUMN_COUNT)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// A contact of `account` as a person names it: its id (or a unique
    /// prefix of it), its name in any case, else the one contact there
    /// whose name starts with, or else holds, what was given.
    pub fn match_contact(&self, account: Id, given: &str) -> Result<Id> {
        let wanted = given.trim();
        let people = self.contacts_of(account)?;
        if let Some(c) = people.iter().find(|c| same_name(&c.name, wanted)) {
            return Ok(c.id);
        }
        match self.resolve(Table::Contacts, wanted) {
            Ok(id) if people.iter().any(|c| c.id == id) => return Ok(id),
            Ok(id) => {
                let contact = self.contact(id)?;
                let account_name = get_account(&self.conn, account)?.name;
                return Err(ContactRefusal::NotAtAccount {
                    name: contact.name,
                    account: account_name,
                }
                .into());
            }
            Err(StoreError::BadId { .. } | StoreError::NoSuchId { .. }) => {}
            Err(other) => return Err(other),
        }
        let lower = wanted.to_lowercase();
        let starts: Vec<&Contact> = people
            .iter()
            .filter(|c| c.name.to_lowercase().starts_with(&lower))
            .collect();
        let holds: Vec<&Contact> = people
            .iter()
            .filter(|c| c.name.to_lowercase().contains(&lower))
            .collect();
        for found in [starts, holds] {
            match found.as_slice() {
                _ if wanted.is_empty() => break,
                [] => continue,
                [one] => return Ok(one.id),
                many => {
                    return Err(ContactRefusal::NamePartAmbiguous {
                        given: wanted.to_string(),
                        names: many.iter().take(5).map(|c| c.name.clone()).collect(),
                    }
                    .into());
                }
            }
        }
        Err(ContactRefusal::NoSuchContact {
            given: wanted.to_string(),
            account: get_account(&self.conn, account)?.name,
        }
        .into())
    }
}

/// Names are the same person's when they differ only in case and the
/// spaces around them.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn clean(value: Option<String>) -> String {
    value.map(|v| v.trim().to_string()).unwrap_or_default()
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ContactRefusal::EmptyName.into());
    }
    Ok(name.to_string())
}

/// Two people of the same name at one account could not be told apart,
/// by a person or by an import.
fn ensure_name_free(
    conn: &Connection,
    account: Id,
    account_name: &str,
    name: &str,
    except: Option<Id>,
) -> Result<()> {
    match contact_named(conn, account, name)? {
        Some(existing) if Some(existing) != except => Err(ContactRefusal::NameTaken {
            name: name.to_string(),
            account: account_name.to_string(),
            id: existing.short(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// The oldest live contact of `account` with this name, ignoring case and
/// surrounding spaces (older files may hold the same person twice).
pub(super) fn contact_named(conn: &Connection, account: Id, name: &str) -> Result<Option<Id>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM contacts WHERE account_id = ?1 AND deleted_at IS NULL
         ORDER BY created_at, id",
    )?;
    let found = stmt
        .query_map([account], |r| {
            Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found
        .into_iter()
        .find(|(_, n)| same_name(n, name))
        .map(|(id, _)| id))
}

pub(super) fn get_contact(conn: &Connection, id: Id) -> Result<Contact> {
    read_contact(conn, id, "AND deleted_at IS NULL")
}

/// A contact deleted or not: what an import of an export finds to update.
pub(super) fn any_contact(conn: &Connection, id: Id) -> Result<Contact> {
    read_contact(conn, id, "")
}

fn read_contact(conn: &Connection, id: Id, live: &str) -> Result<Contact> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1 {live}");
    conn.query_row(&sql, [id], rows::contact)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "contact",
            given: id.short(),
        })
}

pub(super) fn insert_contact(w: &Writer<'_>, c: &Contact) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO contacts (id, account_id, name, title, phone, email, other, notes,
                created_at, updated_at, updated_by, version, deleted_at, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            c.id,
            c.account_id,
            c.name,
            c.title,
            c.phone,
            c.email,
            c.other,
            c.notes,
            super::values::moment(c.meta.created_at),
            super::values::moment(c.meta.updated_at),
            c.meta.updated_by,
            c.meta.version,
            c.meta.deleted_at.map(super::values::moment),
            c.source_id,
        ])?;
    Ok(())
}

/// Writes every field of a contact with the given bookkeeping, but only
/// over the version it was loaded at: anything else is a conflict.
pub(super) fn write_contact(
    w: &Writer<'_>,
    c: &Contact,
    meta: &RowMeta,
    loaded_version: i64,
) -> Result<()> {
    let changed = w.conn().execute(
        "UPDATE contacts SET account_id = ?2, name = ?3, title = ?4, phone = ?5, email = ?6,
            other = ?7, notes = ?8, created_at = ?9, updated_at = ?10, updated_by = ?11,
            version = ?12, deleted_at = ?13, source_id = ?15
         WHERE id = ?1 AND version = ?14",
        params![
            c.id,
            c.account_id,
            c.name,
            c.title,
            c.phone,
            c.email,
            c.other,
            c.notes,
            super::values::moment(meta.created_at),
            super::values::moment(meta.updated_at),
            meta.updated_by,
            meta.version,
            meta.deleted_at.map(super::values::moment),
            loaded_version,
            c.source_id,
        ],
    )?;
    if changed == 0 {
        return Err(conflict(w.conn(), "contacts", "contact", c.id));
    }
    Ok(())
}

/// The contact a deal of `account` is to name: it must be one of that
/// account's people.
pub(super) fn check_deal_contact(w: &Writer<'_>, account: Id, contact: Id) -> Result<()> {
    let found = get_contact(w.conn(), contact)?;
    if found.account_id != account {
        return Err(ContactRefusal::NotAtAccount {
            name: found.name,
            account: get_account(w.conn(), account)?.name,
        }
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::store::{NewAccount, OpenMode, Session};

    fn store(dir: &tempfile::TempDir) -> Store {
        let session = Session {
            user: "ann".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).unwrap(),
        };
        let path = dir.path().join("t.db");
        Store::open(&path, OpenMode::CreateFile, session, Rules::defaults()).unwrap()
    }

    fn account(s: &mut Store, name: &str) -> Id {
        s.add_account(NewAccount {
            name: name.into(),
            ..NewAccount::default()
        })
        .unwrap()
    }

    fn person(s: &mut Store, account_id: Id, name: &str) -> Id {
        s.add_contact(NewContact {
            account_id,
            name: name.into(),
            ..NewContact::default()
        })
        .unwrap()
    }

    #[test]
    fn a_contact_is_found_by_name_prefix_part_or_id_only_at_its_account() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let huaxin = account(&mut s, "上海华信");
        let other = account(&mut s, "Acme");
        let li = person(&mut s, huaxin, "李总");
        let wang = person(&mut s, huaxin, "Wang Fang");
        let ann = person(&mut s, other, "Ann Lee");
        assert_eq!(s.match_contact(huaxin, " 李总 ").unwrap(), li);
        assert_eq!(s.match_contact(huaxin, "wang fang").unwrap(), wang);
        assert_eq!(s.match_contact(huaxin, "wan").unwrap(), wang);
        assert_eq!(s.match_contact(huaxin, "fang").unwrap(), wang);
        assert_eq!(s.match_contact(huaxin, &wang.short()).unwrap(), wang);
        assert!(matches!(
            s.match_contact(huaxin, &ann.short()),
            Err(StoreError::Contact(ContactRefusal::NotAtAccount { .. }))
        ));
        assert!(matches!(
            s.match_contact(huaxin, "Ann"),
            Err(StoreError::Contact(ContactRefusal::NoSuchContact { .. }))
        ));
    }

    #[test]
    fn the_same_name_twice_at_one_account_is_refused_but_not_at_another() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let a = account(&mut s, "Acme");
        let b = account(&mut s, "Beta");
        person(&mut s, a, "Ann Lee");
        let again = s.add_contact(NewContact {
            account_id: a,
            name: "  ann lee ".into(),
            ..NewContact::default()
        });
        assert!(matches!(
            again,
            Err(StoreError::Contact(ContactRefusal::NameTaken { .. }))
        ));
        person(&mut s, b, "Ann Lee");
        assert_eq!(s.contacts(None).unwrap().len(), 2);
    }

    #[test]
    fn an_update_changes_only_what_it_names_and_a_stale_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let a = account(&mut s, "Acme");
        let id = s
            .add_contact(NewContact {
                account_id: a,
                name: "Ann".into(),
                phone: Some("123".into()),
                ..NewContact::default()
            })
            .unwrap();
        let after = s
            .update_contact(
                id,
                ContactPatch {
                    email: Some("ann@acme.test".into()),
                    ..ContactPatch::default()
                },
            )
            .unwrap();
        assert_eq!(
            (after.phone.as_str(), after.email.as_str()),
            ("123", "ann@acme.test")
        );
        assert_eq!(after.meta.version, 2);
        let stale = s.update_contact(
            id,
            ContactPatch {
                title: Some("CTO".into()),
                expected_version: Some(1),
                ..ContactPatch::default()
            },
        );
        assert!(matches!(stale, Err(StoreError::Conflict { .. })));
        assert!(matches!(
            s.update_contact(id, ContactPatch::default()),
            Err(StoreError::Contact(ContactRefusal::NothingToChange))
        ));
    }
}
