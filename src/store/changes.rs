//! What other processes changed since the last look. The UI asks once a
//! second; the answer costs one pragma until another connection commits.
//!
//! New activities and history rows are found by rowid, which only grows as
//! rows are added: unlike `updated_at`, it does not depend on the writers'
//! clocks agreeing, and it is the table's own key, so the look is a short
//! range read at the end of the table. An edit that writes no history (a
//! deal's title, an account) is only found by the caller comparing the rows
//! it re-reads: `updated_at` has no index, and scanning every deal on each
//! foreign commit would cost a large pipeline a tenth of a second.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store};
use crate::domain::Id;

/// How many of the newest rows of a table one look reads at most: a large
/// import elsewhere is then named by its last rows, not read whole.
const WINDOW: i64 = 1_000;
/// How many changes one look names at most.
const NAMED: usize = 50;

/// Activities added by rowid in `?1..=?2`, not by `?3`: the deal or
/// account each is on, who, and its title or name, one row per pair, the
/// newest first, at most `?4`.
const ACTIVITIES: &str = "
    SELECT coalesce(a.deal_id, a.account_id), a.author, coalesce(d.title, c.name, '')
    FROM (SELECT max(rowid) AS last, deal_id, account_id, author FROM activities
          WHERE rowid > ?1 AND rowid <= ?2 AND author <> ?3
          GROUP BY coalesce(deal_id, account_id), author) a
    LEFT JOIN deals d ON d.id = a.deal_id
    LEFT JOIN accounts c ON c.id = a.account_id
    ORDER BY a.last DESC LIMIT ?4";

/// The same for history rows: stage moves, grades and pins of deals that
/// people made; the engine's regrades (reasons starting with
/// `Reason::RULE_PREFIX`) are nobody's change, even when a teammate's
/// tierdeck wrote them on starting a new day.
const HISTORY: &str = "
    SELECT h.deal_id, h.author, coalesce(d.title, '')
    FROM (SELECT max(rowid) AS last, deal_id, author FROM history
          WHERE rowid > ?1 AND rowid <= ?2 AND author <> ?3 AND reason NOT LIKE 'rule.%'
          GROUP BY deal_id, author) h
    LEFT JOIN deals d ON d.id = h.deal_id
    ORDER BY h.last DESC LIMIT ?4";

/// Where the last look left off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    data_version: i64,
    activities: i64,
    history: i64,
}

/// What kind of row someone changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Deal,
    Account,
    Activity,
    Reminder,
}

/// One change by someone else: who, and on which deal or account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub what: Changed,
    /// The deal or account it is on.
    pub on: Id,
    /// That deal's title or account's name.
    pub name: String,
    pub by: String,
}

/// Other connections' commits since the last look.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// One per person and deal or account, activities first, newest first.
    pub named: Vec<Change>,
    /// More changes were made than are named.
    pub capped: bool,
}

impl Store {
    /// Where things stand now: the start for [`Store::changed_elsewhere`].
    pub fn watch(&self) -> Result<Seen> {
        Ok(Seen {
            data_version: data_version(&self.conn)?,
            activities: last_rowid(&self.conn, "activities")?,
            history: last_rowid(&self.conn, "history")?,
        })
    }

    /// `None` while no other connection has committed since `seen`;
    /// otherwise what other people did since (possibly nothing this look
    /// can name), and `seen` moves on. Filter text found before is
    /// forgotten, as after a write of one's own.
    pub fn changed_elsewhere(&mut self, seen: &mut Seen) -> Result<Option<Changes>> {
        let version = data_version(&self.conn)?;
        if version == seen.data_version {
            return Ok(None);
        }
        *self.text_hits.get_mut() = None;
        let me = &self.session.user;
        let activities = last_rowid(&self.conn, "activities")?;
        let history = last_rowid(&self.conn, "history")?;
        let mut changes = Changes::default();
        let looks = [
            (ACTIVITIES, Changed::Activity, seen.activities, activities),
            (HISTORY, Changed::Deal, seen.history, history),
        ];
        for (sql, what, from, to) in looks {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let lowest = from.max(to - WINDOW);
            let found = stmt.query_map(params![lowest, to, me, NAMED as i64 + 1], |r| {
                Ok(Change {
                    what,
                    on: r.get(0)?,
                    by: r.get(1)?,
                    name: r.get(2)?,
                })
            })?;
            for change in found {
                changes.add(change?);
            }
        }
        // More rows than the window holds were added: not all are named.
        changes.capped |= activities - seen.activities > WINDOW || history - seen.history > WINDOW;
        // A file rebuilt elsewhere (a vacuum renumbers rows) starts again
        // from where it ends now.
        *seen = Seen {
            data_version: version,
            activities,
            history,
        };
        Ok(Some(changes))
    }
}

impl Store {
    /// Names the rows a teammate's changes touched, as
    /// [`Store::changed_elsewhere`] names another process's: the deal or
    /// account each is on and its title or name, one per person and row,
    /// at most [`NAMED`] of them looked up.
    pub fn name_changes(&self, touched: &[(String, String, String)]) -> Result<Changes> {
        let me = &self.session.user;
        let mut changes = Changes::default();
        for (table, row_id, by) in touched.iter().filter(|(_, _, by)| by != me) {
            if changes.named.len() >= NAMED {
                changes.capped = true;
                break;
            }
            let (what, on) = match table.as_str() {
                "deals" => (Changed::Deal, "SELECT id, title FROM deals WHERE id = ?1"),
                "accounts" => (
                    Changed::Account,
                    "SELECT id, name FROM accounts WHERE id = ?1",
                ),
                "contacts" => (
                    Changed::Account,
                    "SELECT a.id, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id
                     WHERE c.id = ?1",
                ),
                "activities" => (
                    Changed::Activity,
                    "SELECT coalesce(d.id, a.id), coalesce(d.title, a.name) FROM activities t
                     JOIN accounts a ON a.id = t.account_id LEFT JOIN deals d ON d.id = t.deal_id
                     WHERE t.id = ?1",
                ),
                "reminders" => (
                    Changed::Reminder,
                    "SELECT coalesce(d.id, a.id), coalesce(d.title, a.name) FROM reminders r
                     LEFT JOIN deals d ON d.id = r.deal_id LEFT JOIN accounts a ON a.id = r.account_id
                     WHERE r.id = ?1",
                ),
                _ => (
                    Changed::Deal,
                    "SELECT d.id, d.title FROM history h JOIN deals d ON d.id = h.deal_id
                     WHERE h.id = ?1",
                ),
            };
            let found = self
                .conn
                .prepare_cached(on)?
                .query_row([row_id], |r| {
                    Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?))
                })
                .optional()?;
            if let Some((on, name)) = found {
                changes.add(Change {
                    what,
                    on,
                    name,
                    by: by.clone(),
                });
            }
        }
        Ok(changes)
    }
}

impl Changes {
    /// Adds a change unless its person already changed that deal or
    /// account in this look; past [`NAMED`] it is only counted as more.
    pub fn add(&mut self, change: Change) {
        let known = self
            .named
            .iter()
            .any(|c| c.on == change.on && c.by == change.by);
        if known {
            return;
        }
        if self.named.len() < NAMED {
            self.named.push(change);
        } else {
            self.capped = true;
        }
    }
}

/// Moves on whenever another connection commits to the file, never for
/// this connection's own writes (SQLite's `PRAGMA data_version`).
fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

/// The rowid of a table's last row: one step down its b-tree.
fn last_rowid(conn: &Connection, table: &str) -> Result<i64> {
    let sql = format!("SELECT coalesce(max(rowid), 0) FROM {table}");
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ActivityKind;
    use crate::rules::Rules;
    use crate::store::{NewAccount, NewDeal, OpenMode, Session};

    fn open(path: &std::path::Path, user: &str) -> Store {
        let session = Session {
            user: user.into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).unwrap(),
        };
        Store::open(path, OpenMode::CreateFile, session, Rules::defaults()).unwrap()
    }

    #[test]
    fn only_other_connections_commits_are_seen_and_named_once_per_person_and_deal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut mine = open(&path, "ann");
        let mut theirs = open(&path, "李娜");
        let account = mine
            .add_account(NewAccount {
                name: "华为".into(),
                ..Default::default()
            })
            .unwrap();
        let deal = mine
            .add_deal(NewDeal {
                account_id: account,
                title: "华为云采购".into(),
                amount: None,
                currency: None,
                stage: None,
                need: None,
                expected_close: None,
                owner: None,
            })
            .unwrap();
        let mut seen = mine.watch().unwrap();
        mine.log_activity(deal, ActivityKind::Call, "my own call", None)
            .unwrap();
        assert_eq!(mine.changed_elsewhere(&mut seen).unwrap(), None);

        theirs
            .log_activity(deal, ActivityKind::Visit, "上门", None)
            .unwrap();
        theirs
            .log_activity(deal, ActivityKind::Call, "再打一次", None)
            .unwrap();
        theirs.won(deal, None).unwrap();
        let found = mine.changed_elsewhere(&mut seen).unwrap().unwrap();
        assert_eq!(
            found.named,
            [Change {
                what: Changed::Activity,
                on: deal,
                name: "华为云采购".into(),
                by: "李娜".into(),
            },],
            "the activities and the win are one change of one deal by one person"
        );
        assert!(!found.capped);
        assert_eq!(mine.changed_elsewhere(&mut seen).unwrap(), None);

        // A commit by someone of the same name (the user's other terminal)
        // is still seen, with nobody else to name.
        let mut same = open(&path, "ann");
        same.log_activity(deal, ActivityKind::Note, "from the CLI", None)
            .unwrap();
        let found = mine.changed_elsewhere(&mut seen).unwrap().unwrap();
        assert!(found.named.is_empty(), "{found:?}");
    }

    /// A teammate's tierdeck regrading on a new day changed no deal by hand:
    /// the view is refreshed, but nobody is named for it.
    #[test]
    fn the_engine_s_regrades_elsewhere_are_nobody_s_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut mine = open(&path, "ann");
        let account = mine
            .add_account(NewAccount {
                name: "Acme".into(),
                ..Default::default()
            })
            .unwrap();
        mine.add_deal(NewDeal {
            account_id: account,
            title: "Pumps".into(),
            amount: None,
            currency: None,
            stage: None,
            need: None,
            expected_close: chrono::NaiveDate::from_ymd_opt(2027, 1, 31),
            owner: None,
        })
        .unwrap();
        let mut seen = mine.watch().unwrap();
        let mut theirs = open(&path, "李娜");
        theirs
            .advance(
                chrono::NaiveDate::from_ymd_opt(2027, 1, 10).unwrap(),
                chrono::Utc::now(),
            )
            .unwrap();
        let found = mine.changed_elsewhere(&mut seen).unwrap();
        let found = found.expect("the regrade is a commit to show");
        assert!(found.named.is_empty(), "{found:?}");
    }

    #[test]
    fn a_large_import_elsewhere_is_read_only_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mine = open(&path, "ann");
        let mut seen = mine.watch().unwrap();
        let mut mine = mine;
        let mut theirs = open(&path, "bo");
        theirs.demo(150, 1, &mut |_, _| {}).unwrap();
        let found = mine.changed_elsewhere(&mut seen).unwrap().unwrap();
        assert!(found.capped, "more was added than one look reads");
        assert_eq!(found.named.len(), NAMED);
        assert_eq!(
            seen,
            mine.watch().unwrap(),
            "the next look starts at the end"
        );
    }
}
