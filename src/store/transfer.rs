//! Bulk ways in and out: CSV import (all or nothing), export of every table,
//! and demo data.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::accounts::{account_by_name, insert_account};
use super::contacts::insert_contact;
use super::deals::{get_deal, insert_activity, insert_deal, insert_history};
use super::engine::{Scope, mark_current, recompute_last_touch, run};
use super::rows::{self, ACCOUNT_COLUMNS, ACTIVITY_COLUMNS, CONTACT_COLUMNS, DEAL_COLUMNS};
use super::rows::{HISTORY_COLUMNS, REMINDER_COLUMNS};
use super::{AccountRefusal, DealRefusal, RowRefusal};
use super::{Result, Store, StoreError, Writer, values};
use crate::demo::DemoGenerator;
use crate::domain::{
    Account, AccountKind, Activity, Contact, Deal, Grade, HistoryEntry, HistoryField, Id, LOST,
    Need, Reason, Reminder, RowMeta, Satisfaction, WON,
};
use crate::rules;
use crate::transfer::{
    self, AccountRecord, AccountRef, ActivityRecord, ContactRecord, ContactRef, DealRecord,
    DealRef, GoalRecord, ImportError, ImportOptions, ImportProblem, Line, Plan, Sheetful,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum ImportKind {
    Accounts,
    Contacts,
    Deals,
    Activities,
    Reminders,
    History,
    Goals,
}

impl ImportKind {
    pub fn noun(self) -> &'static str {
        match self {
            ImportKind::Accounts => "accounts",
            ImportKind::Contacts => "contacts",
            ImportKind::Deals => "deals",
            ImportKind::Activities => "activities",
            ImportKind::Reminders => "reminders",
            ImportKind::History => "history",
            ImportKind::Goals => "goals",
        }
    }

    /// The kind a file's name says, as tierdeck's export and other CRMs'
    /// exports name their files (`Opportunity.csv`, `Task.csv`).
    pub fn of_file(path: &Path) -> Option<ImportKind> {
        let ext = path.extension()?.to_str()?;
        if !ext.eq_ignore_ascii_case("csv") {
            return None;
        }
        let stem = path.file_stem()?.to_str()?.to_lowercase();
        const NAMES: [(&[&str], ImportKind); 7] = [
            (
                &[
                    "accounts",
                    "account",
                    "companies",
                    "company",
                    "organizations",
                    "organization",
                    "客户",
                ],
                ImportKind::Accounts,
            ),
            (
                &[
                    "contacts",
                    "contact",
                    "people",
                    "persons",
                    "person",
                    "联系人",
                ],
                ImportKind::Contacts,
            ),
            (
                &[
                    "deals",
                    "deal",
                    "opportunities",
                    "opportunity",
                    "potentials",
                    "商机",
                ],
                ImportKind::Deals,
            ),
            (
                &[
                    "activities",
                    "activity",
                    "tasks",
                    "task",
                    "events",
                    "event",
                    "跟进记录",
                ],
                ImportKind::Activities,
            ),
            (&["reminders"], ImportKind::Reminders),
            (&["history"], ImportKind::History),
            (&["goals"], ImportKind::Goals),
        ];
        NAMES
            .iter()
            .find(|(names, _)| names.contains(&stem.as_str()))
            .map(|(_, kind)| *kind)
    }
}

/// What each file of a directory did, and the files left out.
pub type DirImport = (Vec<(PathBuf, ImportSummary)>, Vec<PathBuf>);

type KindsOfFiles = Vec<(ImportKind, PathBuf)>;

/// What a person asked of an import.
#[derive(Debug, Clone, Default)]
pub struct Importing {
    pub options: ImportOptions,
    /// Do everything, then roll it back: the preview of what a real run does.
    pub dry_run: bool,
    /// Import the rows that can be and list those that cannot, instead of
    /// writing nothing.
    pub skip_bad: bool,
}

/// How many rows did what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows already present, left as they are.
    pub unchanged: usize,
    /// Accounts created because a deal or contact named one not yet known.
    pub accounts_created: usize,
    /// Contacts created because a deal named its contact person.
    pub contacts_created: usize,
    /// Tasks still to do, planned as follow-ups.
    pub planned: usize,
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    pub kind: Option<ImportKind>,
    pub counts: ImportCounts,
    pub plan: Plan,
    /// Rows left out with `--skip-bad`, with their reasons.
    pub skipped: Vec<ImportError>,
    pub dry_run: bool,
}

/// A file with rows that cannot be imported: nothing was written.
#[derive(Debug)]
pub struct Rejected {
    /// What the rest of the file would have done, with the plan.
    pub summary: ImportSummary,
    pub bad: Vec<ImportError>,
    /// The database's stage ids, for `--stage-map`.
    pub stages: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub accounts: usize,
    pub contacts: usize,
    pub deals: usize,
    pub activities: usize,
}

impl Store {
    /// Imports a CSV file of one kind: every row or none (or, with
    /// `skip_bad`, every row that can be). A dry run does all the work and
    /// then rolls it back, so it reports exactly what a real run would do.
    /// `progress` is told how many rows are done out of how many.
    pub fn import(
        &mut self,
        kind: ImportKind,
        input: impl Read,
        how: &Importing,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary> {
        let parsed = self.parse(kind, input, &how.options)?;
        let stages = self.stage_ids();
        self.transact(!how.dry_run, |w| {
            let mut importer = Importer::new(w, how.skip_bad);
            let summary = importer.file(kind, parsed, progress, &stages)?;
            importer.finish()?;
            Ok(summary)
        })
        .map(|mut summary| {
            summary.dry_run = how.dry_run;
            summary
        })
    }

    /// Imports the files of a directory (an export of tierdeck's, or of
    /// another CRM) in the order their rows refer to each other, all in one
    /// transaction. Returns what each file did and the files left out.
    pub fn import_dir(
        &mut self,
        dir: &Path,
        how: &Importing,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<DirImport> {
        let (files, left_out) = files_to_import(dir)?;
        if files.is_empty() {
            return Err(RowRefusal::NothingToImport {
                dir: dir.to_path_buf(),
            }
            .into());
        }
        // Every file is read first, as `import` reads its one: a file that
        // cannot be read stops the import before anything is written.
        let mut parsed = Vec::with_capacity(files.len());
        for (kind, path) in files {
            let file = fs::File::open(&path).map_err(StoreError::io(&path))?;
            let rows = self
                .parse(kind, std::io::BufReader::new(file), &how.options)
                .map_err(|e| in_file(&path, e))?;
            parsed.push((kind, path, rows));
        }
        let stages = self.stage_ids();
        let dry_run = how.dry_run;
        let done = self.transact(!dry_run, |w| {
            let mut importer = Importer::new(w, how.skip_bad);
            let mut done = Vec::new();
            for (kind, path, rows) in parsed {
                let mut summary = importer
                    .file(kind, rows, progress, &stages)
                    .map_err(|e| in_file(&path, e))?;
                summary.dry_run = dry_run;
                done.push((path, summary));
            }
            importer.finish()?;
            Ok(done)
        })?;
        Ok((done, left_out))
    }

    fn stage_ids(&self) -> String {
        self.rules
            .stages
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn parse(&self, kind: ImportKind, input: impl Read, options: &ImportOptions) -> Result<Parsed> {
        let stages: Vec<(&str, &str, &str)> = self
            .rules
            .stages
            .iter()
            .map(|s| (s.id.as_str(), s.en.as_str(), s.zh.as_str()))
            .collect();
        parse_kind(kind, input, &stages, options)
    }

    /// Writes every table, tombstones included, into `dir` as `<table>.csv`
    /// (re-importable) or `<table>.json`. Returns the files written.
    pub fn export(&self, dir: &Path, format: ExportFormat) -> Result<Vec<std::path::PathBuf>> {
        if !dir.is_dir() {
            fs::create_dir_all(dir).map_err(StoreError::io(dir))?;
        }
        let conn = &self.conn;
        // Deals carry their account's name; the names alone are a small
        // part of the accounts, which are streamed like every other table.
        let names: HashMap<Id, String> = conn
            .prepare("SELECT id, name FROM accounts")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // What stands: a re-import knows no corrections, so an export holds
        // each activity as corrected, and none that were taken back.
        let standing = format!("activities a WHERE {}", super::activities::live("a"));

        let mut written = Vec::new();
        let mut file =
            |name: &str, write: &mut dyn FnMut(&mut dyn Write) -> Result<std::io::Result<()>>| {
                let ext = match format {
                    ExportFormat::Csv => "csv",
                    ExportFormat::Json => "json",
                };
                let path = dir.join(format!("{name}.{ext}"));
                let io = |e| StoreError::Io {
                    path: path.clone(),
                    source: e,
                };
                // Written beside and renamed over, so an earlier export is
                // replaced whole or not at all.
                let partial = dir.join(format!(".{name}.{ext}.partial"));
                let mut out = BufWriter::new(fs::File::create(&partial).map_err(io)?);
                let outcome = match write(&mut out) {
                    Ok(Ok(())) => out
                        .into_inner()
                        .map_err(|e| io(e.into_error()))
                        .and_then(|f| f.sync_all().map_err(io)),
                    Ok(Err(e)) => Err(io(e)),
                    Err(e) => Err(e),
                };
                if let Err(e) = outcome {
                    let _ = fs::remove_file(&partial);
                    return Err(e);
                }
                fs::rename(&partial, &path).map_err(io)?;
                written.push(path);
                Ok::<(), StoreError>(())
            };
        // Each table streamed from its query straight into its file.
        macro_rules! table {
            ($name:literal, $columns:expr, $from:expr, $read:expr, $csv:expr) => {
                file($name, &mut |w| {
                    each(conn, $columns, $from, $read, |rows| match format {
                        ExportFormat::Csv => csv_io($csv(w, rows)),
                        ExportFormat::Json => json_io(w, rows),
                    })
                })?
            };
        }
        table!(
            "accounts",
            ACCOUNT_COLUMNS,
            "accounts",
            rows::account,
            transfer::write_accounts
        );
        table!(
            "contacts",
            CONTACT_COLUMNS,
            "contacts",
            rows::contact,
            transfer::write_contacts
        );
        table!("deals", DEAL_COLUMNS, "deals d", rows::deal, |w, rows| {
            transfer::write_deals(w, rows, &names)
        });
        table!(
            "activities",
            ACTIVITY_COLUMNS,
            &standing,
            rows::activity,
            transfer::write_activities
        );
        table!(
            "reminders",
            REMINDER_COLUMNS,
            "reminders r",
            rows::reminder,
            transfer::write_reminders
        );
        table!(
            "history",
            HISTORY_COLUMNS,
            "history",
            rows::history,
            transfer::write_history
        );
        table!(
            "goals",
            GOAL_COLUMNS,
            "goals",
            goal_row,
            transfer::write_goals
        );
        Ok(written)
    }

    /// Adds `accounts` demo accounts with their contacts, deals, activities and
    /// stage history, in one transaction, then grades everything.
    pub fn demo(
        &mut self,
        accounts: usize,
        seed: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<DemoSummary> {
        self.write(|w| {
            let mut summary = DemoSummary::default();
            let mut generator =
                DemoGenerator::new(seed, w.session.today, &w.session.user).peekable();
            if let Some(first) = generator.peek()
                && super::accounts::get_account(w.conn(), first.account.id).is_ok()
            {
                return Err(RowRefusal::DemoLoaded { seed }.into());
            }
            // Made-up data is nobody's change to undo.
            super::undo::set_journal(w.conn(), false)?;
            let indexes = BulkLoad::begin(w.conn())?;
            for (i, demo) in generator.take(accounts).enumerate() {
                insert_account(w, &demo.account)?;
                for contact in &demo.contacts {
                    insert_contact(w, contact)?;
                }
                for deal in &demo.deals {
                    // Graded as it goes in, so that the engine's pass after
                    // changes nothing: a regrade would write "E → A" history
                    // rows signed by whoever loaded the demo.
                    let mut graded = deal.deal.clone();
                    if graded.is_open() {
                        graded.grade = rules::grade(&graded, w.rules, w.session.today).0;
                    }
                    let offset = w.session.offset;
                    let last_activity = deal
                        .activities
                        .iter()
                        .map(|a| a.at.with_timezone(&offset).date_naive())
                        .max();
                    insert_deal(w, &graded, last_activity)?;
                    for activity in &deal.activities {
                        insert_activity(w, activity)?;
                    }
                    for entry in &deal.history {
                        insert_history(w, entry)?;
                    }
                    summary.activities += deal.activities.len();
                }
                summary.accounts += 1;
                summary.contacts += demo.contacts.len();
                summary.deals += demo.deals.len();
                if (i + 1) % 1000 == 0 {
                    progress(i + 1, accounts);
                }
            }
            progress(accounts, accounts);
            indexes.finish(w.conn())?;
            run(w, Scope::All)?;
            mark_current(w)?;
            super::undo::set_journal(w.conn(), true)?;
            Ok(summary)
        })
    }
}

/// Secondary indexes set aside while many rows go in, then built again in
/// one sorted pass each, which is several times faster than keeping them up
/// to date row by row. Runs inside the caller's transaction: a failure
/// rolls the indexes back with everything else.
struct BulkLoad {
    statements: Vec<(String, String)>,
}

impl BulkLoad {
    fn begin(conn: &Connection) -> Result<BulkLoad> {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('accounts', 'contacts', 'deals', 'activities', 'history')",
        )?;
        let statements = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (name, _) in &statements {
            conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        Ok(BulkLoad { statements })
    }

    fn finish(self, conn: &Connection) -> Result<()> {
        for (_, sql) in &self.statements {
            conn.execute_batch(sql)?;
        }
        Ok(())
    }
}

const GOAL_COLUMNS: &str = "id, owner, period, won_amount_minor, currency, won_deals, activities, \
     created_at, updated_at, updated_by, version, deleted_at";

fn goal_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<GoalRecord> {
    Ok(GoalRecord {
        id: row.get(0)?,
        owner: row.get(1)?,
        period: row.get(2)?,
        won_amount_minor: row.get(3)?,
        currency: row.get(4)?,
        won_deals: row.get(5)?,
        activities: row.get(6)?,
        meta: RowMeta {
            created_at: values::get_moment(row, 7)?,
            updated_at: values::get_moment(row, 8)?,
            updated_by: row.get(9)?,
            version: row.get(10)?,
            deleted_at: values::get_opt_moment(row, 11)?,
        },
    })
}

fn csv_io(result: csv::Result<()>) -> std::io::Result<()> {
    result.map_err(std::io::Error::other)
}

fn json_io<T: serde::Serialize>(
    w: &mut dyn Write,
    rows: impl Iterator<Item = T>,
) -> std::io::Result<()> {
    use serde::Serializer as _;
    serde_json::Serializer::pretty(&mut *w)
        .collect_seq(rows)
        .map_err(std::io::Error::other)?;
    writeln!(w)
}

/// Hands `write` the rows of `table` one by one, in id order, so that two
/// exports of the same data are byte-identical and no table is held whole.
/// A row that cannot be read ends the rows, and its error is returned
/// instead of whatever `write` made of the rows before it.
fn each<T, W>(
    conn: &Connection,
    columns: &str,
    table: &str,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    write: W,
) -> Result<std::io::Result<()>>
where
    W: FnOnce(&mut dyn Iterator<Item = T>) -> std::io::Result<()>,
{
    // `deals d`, `activities a WHERE …`: the alias follows the table's name.
    let alias_id = table
        .split_whitespace()
        .nth(1)
        .map_or_else(|| "id".to_string(), |alias| format!("{alias}.id"));
    let sql = format!("SELECT {columns} FROM {table} ORDER BY {alias_id}");
    let mut stmt = conn.prepare(&sql)?;
    // The writers see only rows: the error waits here for them to finish.
    let unread: Cell<Option<rusqlite::Error>> = Cell::new(None);
    let mut rows = stmt
        .query_map([], read)?
        .map_while(|row| row.map_err(|e| unread.set(Some(e))).ok());
    let written = write(&mut rows);
    match unread.take() {
        Some(e) => Err(e.into()),
        None => Ok(written),
    }
}

enum Parsed {
    Accounts(Sheetful<AccountRecord>),
    Contacts(Sheetful<ContactRecord>),
    Deals(Sheetful<DealRecord>),
    Activities(Sheetful<ActivityRecord>),
    Reminders(Sheetful<Reminder>),
    History(Sheetful<HistoryEntry>),
    Goals(Sheetful<GoalRecord>),
}

fn parse_kind(
    kind: ImportKind,
    input: impl Read,
    stages: &[(&str, &str, &str)],
    options: &ImportOptions,
) -> Result<Parsed> {
    let parsed = match kind {
        ImportKind::Accounts => transfer::read_accounts(input, options).map(Parsed::Accounts),
        ImportKind::Contacts => transfer::read_contacts(input, options).map(Parsed::Contacts),
        ImportKind::Deals => transfer::read_deals(input, stages, options).map(Parsed::Deals),
        ImportKind::Activities => transfer::read_activities(input, options).map(Parsed::Activities),
        ImportKind::Reminders => transfer::read_reminders(input, options).map(Parsed::Reminders),
        ImportKind::History => transfer::read_history(input, options).map(Parsed::History),
        ImportKind::Goals => transfer::read_goals(input, options).map(Parsed::Goals),
    };
    parsed.map_err(StoreError::Import)
}

fn in_file(path: &Path, error: StoreError) -> StoreError {
    StoreError::ImportFile {
        path: path.to_path_buf(),
        error: Box::new(error),
    }
}

/// The files of an export directory, in the order rows refer to each
/// other, by the names tierdeck's and other CRMs' exports give them
/// (`Account.csv`, `Opportunity.csv`, `Task.csv`); and the files left out.
fn files_to_import(dir: &Path) -> Result<(KindsOfFiles, Vec<PathBuf>)> {
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    for entry in fs::read_dir(dir).map_err(StoreError::io(dir))? {
        let path = entry.map_err(StoreError::io(dir))?.path();
        match ImportKind::of_file(&path) {
            Some(kind) if path.is_file() => found.push((kind, path)),
            _ => left_out.push(path),
        }
    }
    found.sort_by_key(|(kind, path)| (*kind, path.clone()));
    left_out.sort();
    Ok((found, left_out))
}

struct Importer<'w, 'a> {
    w: &'w Writer<'a>,
    counts: ImportCounts,
    /// Accounts created by this import, so a name given twice is one account.
    accounts_by_name: HashMap<String, Id>,
    /// Names the row being imported added to `accounts_by_name`, taken out
    /// again if the row is.
    row_names: Vec<String>,
    /// Rows restored from an export come with the state the engine gave them
    /// and their reminders follow in their own file; any other deal or
    /// activity needs the engine to run.
    needs_engine: bool,
    skip_bad: bool,
}

fn line_error(line: u64, e: StoreError) -> ImportError {
    match e {
        StoreError::Import(e) => e,
        other => ImportError {
            line,
            problem: ImportProblem::Store(Box::new(other)),
        },
    }
}

/// How many bad rows a refusal lists; the rest are counted.
pub const BAD_ROWS_LISTED: usize = 50;

impl<'w, 'a> Importer<'w, 'a> {
    fn new(w: &'w Writer<'a>, skip_bad: bool) -> Self {
        Importer {
            w,
            counts: ImportCounts::default(),
            accounts_by_name: HashMap::new(),
            row_names: Vec::new(),
            needs_engine: false,
            skip_bad,
        }
    }

    /// Imports one file's rows, and tries every row even after one is
    /// refused, to list them all. With `skip_bad` each row goes in a
    /// savepoint of its own, so that a refused row leaves nothing behind;
    /// without it a refusal rolls everything back, and the savepoints'
    /// journal (a fifth of the work of a large import) is not needed.
    fn file(
        &mut self,
        kind: ImportKind,
        parsed: Parsed,
        progress: &mut dyn FnMut(usize, usize),
        stages: &str,
    ) -> Result<ImportSummary> {
        self.counts = ImportCounts::default();
        macro_rules! each {
            ($sheet:expr, $method:ident) => {{
                let Sheetful {
                    lines,
                    mut bad,
                    plan,
                } = $sheet;
                let total = lines.len();
                for (i, Line { line, record }) in lines.into_iter().enumerate() {
                    let before = self.counts;
                    self.row_names.clear();
                    if self.skip_bad {
                        self.conn()
                            .prepare_cached("SAVEPOINT import_row")?
                            .execute([])?;
                    }
                    match self.$method(record) {
                        Ok(()) => {
                            if self.skip_bad {
                                self.conn()
                                    .prepare_cached("RELEASE import_row")?
                                    .execute([])?;
                            }
                            self.counts.rows += 1;
                        }
                        Err(e) => {
                            if self.skip_bad {
                                self.conn()
                                    .execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
                            }
                            self.counts = before;
                            for name in self.row_names.drain(..) {
                                self.accounts_by_name.remove(&name);
                            }
                            bad.push(line_error(line, e));
                        }
                    }
                    if (i + 1) % 5000 == 0 {
                        progress(i + 1, total);
                    }
                }
                progress(total, total);
                (bad, plan)
            }};
        }
        let (mut bad, plan) = match parsed {
            Parsed::Accounts(rows) => each!(rows, account),
            Parsed::Contacts(rows) => each!(rows, contact),
            Parsed::Deals(rows) => each!(rows, deal),
            Parsed::Activities(rows) => each!(rows, activity),
            Parsed::Reminders(rows) => each!(rows, reminder),
            Parsed::History(rows) => each!(rows, history),
            Parsed::Goals(rows) => each!(rows, goal),
        };
        bad.sort_by_key(|e| e.line);
        let summary = ImportSummary {
            kind: Some(kind),
            counts: self.counts,
            plan,
            skipped: Vec::new(),
            dry_run: false,
        };
        if bad.is_empty() {
            return Ok(summary);
        }
        if self.skip_bad {
            return Ok(ImportSummary {
                skipped: bad,
                ..summary
            });
        }
        Err(StoreError::Rejected(Box::new(Rejected {
            summary,
            bad,
            stages: stages.to_string(),
        })))
    }

    /// Grades what came in, once every file is in.
    fn finish(self) -> Result<()> {
        if self.needs_engine {
            run(self.w, Scope::All)?;
            mark_current(self.w)?;
        } else {
            // Restored rows keep their grades, but segments are never
            // exported: they are worked out again for what was restored.
            super::segments::resegment_all(self.w)?;
        }
        Ok(())
    }

    fn conn(&self) -> &Connection {
        self.w.conn()
    }

    fn exists(&self, table: &str, id: Id) -> Result<bool> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The row of `table` that has another CRM's record id, live rows first:
    /// a row deleted here stays deleted when its file is imported again.
    fn by_source(&self, table: &str, source_id: &str) -> Result<Option<(Id, bool)>> {
        let sql = format!(
            "SELECT id, deleted_at IS NOT NULL FROM {table} WHERE source_id = ?1
             ORDER BY deleted_at IS NOT NULL, created_at, id LIMIT 1"
        );
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([source_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The row an imported record is: by tierdeck's id, by the source CRM's.
    fn known(&self, table: &str, id: Option<Id>, source_id: Option<&str>) -> Result<Known> {
        if let Some(id) = id
            && self.exists(table, id)?
        {
            return Ok(Known::Row(id));
        }
        if id.is_none()
            && let Some(source_id) = source_id
        {
            return Ok(match self.by_source(table, source_id)? {
                Some((_, true)) => Known::Deleted,
                Some((id, false)) => Known::Row(id),
                None => Known::New,
            });
        }
        Ok(Known::Unknown)
    }

    fn account(&mut self, r: AccountRecord) -> Result<()> {
        let existing = match self.known("accounts", r.id, r.source_id.as_deref())? {
            Known::Row(id) => Some(id),
            Known::Deleted => {
                self.counts.unchanged += 1;
                return Ok(());
            }
            Known::New => None,
            Known::Unknown => self.account_named(&r.name)?,
        };
        match existing {
            Some(id) => {
                let mut a = super::accounts::get_account(self.conn(), id)?;
                if is_older(r.meta.as_ref(), &a.meta) {
                    self.counts.unchanged += 1;
                    return Ok(());
                }
                let before = a.clone();
                a.name = r.name.trim().to_string();
                if let Some(v) = r.kind {
                    a.kind = v;
                }
                set(&mut a.industry, r.industry);
                set(&mut a.region, r.region);
                set(&mut a.channel, r.channel);
                if r.product_tier.is_some() {
                    a.product_tier = r.product_tier;
                }
                if let Some(v) = r.satisfaction {
                    a.satisfaction = v;
                }
                set(&mut a.owner, r.owner);
                set(&mut a.notes, r.notes);
                if r.source_id.is_some() {
                    a.source_id = r.source_id;
                }
                if let Some(meta) = r.meta {
                    a.meta = meta;
                }
                if a == before {
                    self.counts.unchanged += 1;
                    return Ok(());
                }
                let meta = bump(self.w, &a.meta, before.meta.version);
                super::accounts::write_account(self.w, &a, &meta, before.meta.version)?;
                self.counts.updated += 1;
            }
            None => {
                self.create_account(r)?;
                self.counts.created += 1;
            }
        }
        Ok(())
    }

    fn account_named(&self, name: &str) -> Result<Option<Id>> {
        if let Some(id) = self.accounts_by_name.get(&name.trim().to_lowercase()) {
            return Ok(Some(*id));
        }
        account_by_name(self.conn(), name)
    }

    /// The account a row refers to; a name not known yet becomes a new
    /// account (of `kind`), and so does a source id with a name beside it.
    fn account_for(&mut self, reference: &AccountRef, kind: AccountKind) -> Result<Id> {
        let (name, source_id) = match reference {
            AccountRef::Id(id) => {
                return if self.exists("accounts", *id)? {
                    Ok(*id)
                } else {
                    Err(StoreError::NotFound {
                        what: "account",
                        given: id.to_string(),
                    })
                };
            }
            AccountRef::Source { id, name } => {
                if let Some((found, _)) = self.by_source("accounts", id)? {
                    return Ok(found);
                }
                match name {
                    Some(name) => (name, Some(id.clone())),
                    None => {
                        return Err(RowRefusal::NoAccountWithSourceId { id: id.clone() }.into());
                    }
                }
            }
            AccountRef::Name(name) => (name, None),
        };
        if let Some(id) = self.account_named(name)? {
            return Ok(id);
        }
        let id = self.create_account(AccountRecord {
            id: None,
            source_id,
            name: name.clone(),
            kind: Some(kind),
            industry: None,
            region: None,
            channel: None,
            product_tier: None,
            satisfaction: None,
            owner: None,
            notes: None,
            meta: None,
        })?;
        self.counts.accounts_created += 1;
        Ok(id)
    }

    /// A new account from a row, remembered by name so a second row naming
    /// it finds this one.
    fn create_account(&mut self, r: AccountRecord) -> Result<Id> {
        let name = r.name.trim().to_string();
        if name.is_empty() {
            return Err(AccountRefusal::EmptyName.into());
        }
        let a = Account {
            id: r.id.unwrap_or_default(),
            name,
            kind: r.kind.unwrap_or(AccountKind::Enterprise),
            industry: r.industry.unwrap_or_default(),
            region: r.region.unwrap_or_default(),
            channel: r.channel.unwrap_or_default(),
            product_tier: r.product_tier,
            satisfaction: r.satisfaction.unwrap_or(Satisfaction::Unknown),
            owner: r.owner.unwrap_or_else(|| self.w.session.user.clone()),
            notes: r.notes.unwrap_or_default(),
            meta: r.meta.unwrap_or_else(|| self.w.new_meta()),
            source_id: r.source_id,
        };
        insert_account(self.w, &a)?;
        let key = a.name.to_lowercase();
        self.accounts_by_name.insert(key.clone(), a.id);
        self.row_names.push(key);
        Ok(a.id)
    }

    /// A contact already there (by its id or the source CRM's, else by its
    /// name at the same account, ignoring case) is updated: importing a
    /// file twice makes no second person. A person with no account is an
    /// individual customer: an account of their own, by their name.
    fn contact(&mut self, r: ContactRecord) -> Result<()> {
        let account = r
            .account
            .clone()
            .unwrap_or_else(|| AccountRef::Name(r.name.trim().to_string()));
        let (existing, account_id) = match self.known("contacts", r.id, r.source_id.as_deref())? {
            Known::Row(id) => (Some(id), None),
            Known::Deleted => {
                self.counts.unchanged += 1;
                return Ok(());
            }
            Known::New => (None, None),
            Known::Unknown => {
                let account_id = self.account_for(&account, AccountKind::Individual)?;
                let named = super::contacts::contact_named(self.conn(), account_id, &r.name)?;
                (named, Some(account_id))
            }
        };
        if let Some(id) = existing {
            return self.update_contact(id, r);
        }
        let account_id = match account_id {
            Some(id) => id,
            None => self.account_for(&account, AccountKind::Individual)?,
        };
        let name = r.name.trim().to_string();
        if name.is_empty() {
            return Err(super::ContactRefusal::EmptyName.into());
        }
        let c = Contact {
            id: r.id.unwrap_or_default(),
            account_id,
            name,
            title: r.title.unwrap_or_default(),
            phone: r.phone.unwrap_or_default(),
            email: r.email.unwrap_or_default(),
            other: r.other.unwrap_or_default(),
            notes: r.notes.unwrap_or_default(),
            meta: r.meta.unwrap_or_else(|| self.w.new_meta()),
            source_id: r.source_id,
        };
        insert_contact(self.w, &c)?;
        self.counts.created += 1;
        Ok(())
    }

    fn update_contact(&mut self, id: Id, r: ContactRecord) -> Result<()> {
        let mut c = super::contacts::any_contact(self.conn(), id)?;
        if is_older(r.meta.as_ref(), &c.meta) {
            self.counts.unchanged += 1;
            return Ok(());
        }
        let before = c.clone();
        let name = r.name.trim();
        if !name.is_empty() {
            c.name = name.to_string();
        }
        set(&mut c.title, r.title);
        set(&mut c.phone, r.phone);
        set(&mut c.email, r.email);
        set(&mut c.other, r.other);
        set(&mut c.notes, r.notes);
        if r.source_id.is_some() {
            c.source_id = r.source_id;
        }
        if let Some(meta) = r.meta {
            c.meta = meta;
        }
        if c == before {
            self.counts.unchanged += 1;
            return Ok(());
        }
        let meta = bump(self.w, &c.meta, before.meta.version);
        super::contacts::write_contact(self.w, &c, &meta, before.meta.version)?;
        self.counts.updated += 1;
        Ok(())
    }

    /// The contact a deal row names, among its account's people; a name
    /// not known there becomes a new contact of the account.
    fn contact_for(&mut self, account: Id, reference: Option<ContactRef>) -> Result<Option<Id>> {
        let name = match reference {
            None => return Ok(None),
            Some(ContactRef::Id(id)) => {
                if !self.exists("contacts", id)? {
                    return Err(StoreError::NotFound {
                        what: "contact",
                        given: id.to_string(),
                    });
                }
                return Ok(Some(id));
            }
            Some(ContactRef::Source { id, name }) => {
                if let Some((found, _)) = self.by_source("contacts", &id)? {
                    return Ok(Some(found));
                }
                match name {
                    Some(name) => name,
                    None => return Err(RowRefusal::NoContactWithSourceId { id }.into()),
                }
            }
            Some(ContactRef::Name(name)) => name,
        };
        if let Some(id) = super::contacts::contact_named(self.conn(), account, &name)? {
            return Ok(Some(id));
        }
        let c = Contact {
            id: Id::new(),
            account_id: account,
            name: name.trim().to_string(),
            title: String::new(),
            phone: String::new(),
            email: String::new(),
            other: String::new(),
            notes: String::new(),
            meta: self.w.new_meta(),
            source_id: None,
        };
        insert_contact(self.w, &c)?;
        self.counts.contacts_created += 1;
        Ok(Some(c.id))
    }

    fn deal(&mut self, mut r: DealRecord) -> Result<()> {
        let account_id = self.account_for(&r.account, AccountKind::Enterprise)?;
        let contact_id = self.contact_for(account_id, r.contact.take())?;
        let today = self.w.session.today;
        let existing = match self.known("deals", r.id, r.source_id.as_deref())? {
            Known::Row(id) => Some(id),
            Known::Deleted => {
                self.counts.unchanged += 1;
                return Ok(());
            }
            Known::New => None,
            Known::Unknown => self.deal_titled_at(account_id, &r.title, r.stage.as_deref())?,
        };
        if let Some(id) = existing {
            return self.update_deal(id, account_id, contact_id, r);
        }
        let restoring = r.meta.is_some();
        self.needs_engine |= !restoring;
        let stage = match r.stage {
            Some(s) => s,
            None => super::deals::first_stage(self.w.rules)?,
        };
        let closed = stage == WON || stage == LOST;
        let mut deal = Deal {
            id: r.id.unwrap_or_default(),
            account_id,
            title: r.title.trim().to_string(),
            amount: r.amount.unwrap_or_default(),
            need: r.need.unwrap_or(Need::Explicit),
            expected_close: r.expected_close,
            grade: r.grade.unwrap_or(Grade::E),
            pin: r.pin,
            owner: r.owner.unwrap_or_else(|| self.w.session.user.clone()),
            created_on: r.created_on.unwrap_or(today),
            stage_entered_on: r
                .stage_entered_on
                .or(r.closed_on.filter(|_| closed))
                .or(r.created_on)
                .unwrap_or(today),
            closed_on: r.closed_on.or(closed.then_some(today)),
            lost_reason: r.lost_reason,
            meta: r.meta.unwrap_or_else(|| self.w.new_meta()),
            stage,
            currency: match r.currency {
                Some(c) => c,
                None => self.w.currency()?,
            },
            contact_id,
            source: r.source.unwrap_or_default(),
            next_step: r.next_step.unwrap_or_default(),
            notes: r.notes.unwrap_or_default(),
            source_id: r.source_id,
        };
        if deal.title.is_empty() {
            return Err(DealRefusal::EmptyTitle.into());
        }
        if restoring {
            // An export's history file carries the deal's past; write it as it was.
            insert_deal(self.w, &deal, None)?;
        } else {
            if let Some(pin) = &deal.pin {
                deal.grade = pin.grade;
            } else if deal.is_open() || deal.is_lost() {
                deal.grade = rules::grade(&deal, self.w.rules, today).0;
            }
            insert_deal(self.w, &deal, None)?;
            self.w.history(
                deal.id,
                HistoryField::Stage,
                "",
                &deal.stage,
                Reason::Imported,
            )?;
            self.w.history(
                deal.id,
                HistoryField::Grade,
                "",
                deal.grade.as_str(),
                Reason::Imported,
            )?;
        }
        self.counts.created += 1;
        Ok(())
    }

    fn update_deal(
        &mut self,
        id: Id,
        account_id: Id,
        contact_id: Option<Id>,
        r: DealRecord,
    ) -> Result<()> {
        self.needs_engine |= r.meta.is_none();
        let mut d = get_deal(self.conn(), id)?;
        if is_older(r.meta.as_ref(), &d.meta) {
            self.counts.unchanged += 1;
            return Ok(());
        }
        let before = d.clone();
        d.account_id = account_id;
        d.title = r.title.trim().to_string();
        if let Some(v) = r.amount {
            d.amount = v;
        }
        if let Some(v) = r.currency {
            d.currency = v;
        }
        if let Some(v) = r.need {
            d.need = v;
        }
        if r.expected_close.is_some() {
            d.expected_close = r.expected_close;
        }
        if let Some(v) = r.owner {
            d.owner = v;
        }
        if let Some(v) = r.lost_reason {
            d.lost_reason = Some(v);
        }
        if contact_id.is_some() {
            d.contact_id = contact_id;
        }
        if r.source_id.is_some() {
            d.source_id = r.source_id;
        }
        set(&mut d.source, r.source);
        set(&mut d.next_step, r.next_step);
        set(&mut d.notes, r.notes);
        if let Some(stage) = r.stage
            && stage != d.stage
        {
            self.w
                .history(id, HistoryField::Stage, &d.stage, &stage, Reason::Imported)?;
            d.stage = stage;
            d.stage_entered_on = self.w.session.today;
            d.closed_on = (!d.is_open()).then_some(r.closed_on.unwrap_or(self.w.session.today));
        } else if !d.is_open()
            && let Some(day) = r.closed_on
        {
            d.closed_on = Some(day);
        }
        if let Some(meta) = r.meta {
            d.meta = meta;
        }
        if d == before {
            self.counts.unchanged += 1;
            return Ok(());
        }
        let meta = bump(self.w, &d.meta, before.meta.version);
        super::deals::write_deal(self.w, &d, &meta, before.meta.version)?;
        self.counts.updated += 1;
        Ok(())
    }

    /// A deal of the account with the title: an open one for an open row;
    /// for a won or lost row, one closed the same way, so that a file of
    /// closed deals without ids imports twice as once.
    fn deal_titled_at(&self, account: Id, title: &str, stage: Option<&str>) -> Result<Option<Id>> {
        let closed = stage.filter(|s| *s == WON || *s == LOST);
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT id FROM deals WHERE account_id = ?1 AND title = ?2 AND deleted_at IS NULL
                   AND CASE WHEN ?3 IS NULL THEN stage NOT IN ('won', 'lost') ELSE stage = ?3 END
                 LIMIT 1",
            )?
            .query_row(params![account, title.trim(), closed], |r| r.get(0))
            .optional()?)
    }

    fn activity(&mut self, r: ActivityRecord) -> Result<()> {
        if let Some(id) = r.id
            && self.exists("activities", id)?
        {
            self.counts.unchanged += 1;
            return Ok(());
        }
        let (deal_id, account_id) = match (&r.deal, &r.account, &r.contact) {
            (Some(DealRef::Id(id)), ..) => {
                let deal = get_deal(self.conn(), *id)?;
                (Some(deal.id), deal.account_id)
            }
            (Some(DealRef::Source(source)), ..) => self.related(source)?,
            (Some(DealRef::Title { title, account }), fallback, _) => {
                let account = account.as_ref().or(fallback.as_ref());
                let deal = self.deal_titled(title, account)?;
                (Some(deal.id), deal.account_id)
            }
            (None, Some(account), _) => (None, self.account_for(account, AccountKind::Enterprise)?),
            (None, None, Some(contact)) => (None, self.account_of_contact(contact)?),
            (None, None, None) => {
                return Err(RowRefusal::NoDealNorAccount.into());
            }
        };
        if !r.done {
            return self.plan(deal_id, account_id, &r);
        }
        if r.id.is_none() && self.same_activity(deal_id, account_id, &r)? {
            self.counts.unchanged += 1;
            return Ok(());
        }
        self.needs_engine |= r.id.is_none() || r.created_at.is_none();
        let a = Activity {
            id: r.id.unwrap_or_default(),
            deal_id,
            account_id,
            kind: r.kind,
            at: r.at,
            summary: r.summary,
            author: r.author.unwrap_or_else(|| self.w.session.user.clone()),
            created_at: r.created_at.unwrap_or(self.w.session.now),
        };
        insert_activity(self.w, &a)?;
        if let Some(deal) = a.deal_id {
            recompute_last_touch(self.w, deal)?;
        }
        self.counts.created += 1;
        Ok(())
    }

    /// What a task's `WhatId` names: a deal, else an account.
    fn related(&self, source: &str) -> Result<(Option<Id>, Id)> {
        if let Some((id, _)) = self.by_source("deals", source)? {
            let deal = get_deal(self.conn(), id)?;
            return Ok((Some(deal.id), deal.account_id));
        }
        match self.by_source("accounts", source)? {
            Some((id, _)) => Ok((None, id)),
            None => Err(RowRefusal::NothingWithSourceId {
                id: source.to_string(),
            }
            .into()),
        }
    }

    fn account_of_contact(&self, contact: &ContactRef) -> Result<Id> {
        let id = match contact {
            ContactRef::Id(id) => Some(*id),
            ContactRef::Source { id, .. } => self.by_source("contacts", id)?.map(|(id, _)| id),
            ContactRef::Name(_) => None,
        };
        let given = match contact {
            ContactRef::Id(id) => id.to_string(),
            ContactRef::Source { id, .. } => id.clone(),
            ContactRef::Name(name) => name.clone(),
        };
        let id = id.ok_or(RowRefusal::NoContactWithSourceId { id: given })?;
        Ok(super::contacts::any_contact(self.conn(), id)?.account_id)
    }

    /// An activity already logged with the same moment, kind and words: a
    /// file of activities imported twice logs each once.
    fn same_activity(&self, deal: Option<Id>, account: Id, r: &ActivityRecord) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM activities WHERE account_id = ?1 AND deal_id IS ?2 AND at = ?3
                   AND kind = ?4 AND summary = ?5 AND deleted_at IS NULL LIMIT 1",
            )?
            .query_row(
                params![account, deal, values::moment(r.at), r.kind, r.summary],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// A task still to do becomes a planned follow-up on its day (overdue
    /// when that has passed), once however often the file is imported.
    fn plan(&mut self, deal: Option<Id>, account: Id, r: &ActivityRecord) -> Result<()> {
        let offset = self.w.session.offset;
        let due = r.at.with_timezone(&offset).date_naive();
        let account = if deal.is_some() { None } else { Some(account) };
        let known = self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM reminders WHERE kind = 'follow_up' AND deal_id IS ?1
                   AND account_id IS ?2 AND due = ?3 AND note = ?4 AND deleted_at IS NULL LIMIT 1",
            )?
            .query_row(params![deal, account, values::day(due), r.summary], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        if known {
            self.counts.unchanged += 1;
            return Ok(());
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO reminders (id, deal_id, account_id, kind, due, status, created_on,
                    note, created_at, updated_at, updated_by, version)
                 VALUES (?1, ?2, ?3, 'follow_up', ?4, 'open', ?5, ?6, ?7, ?7, ?8, 1)",
            )?
            .execute(params![
                Id::new(),
                deal,
                account,
                values::day(due),
                values::day(self.w.session.today),
                r.summary,
                self.w.stamp(),
                self.w.session.user,
            ])?;
        self.counts.planned += 1;
        Ok(())
    }

    fn deal_titled(&mut self, title: &str, account: Option<&AccountRef>) -> Result<Deal> {
        let account_id = match account {
            Some(AccountRef::Id(id)) => Some(*id),
            Some(AccountRef::Source { id, name }) => match self.by_source("accounts", id)? {
                Some((found, _)) => Some(found),
                None => match name {
                    Some(name) => Some(
                        self.account_named(name)?
                            .ok_or_else(|| StoreError::NoSuchAccount(name.clone()))?,
                    ),
                    None => return Err(RowRefusal::NoAccountWithSourceId { id: id.clone() }.into()),
                },
            },
            Some(AccountRef::Name(name)) => Some(
                self.account_named(name)?
                    .ok_or_else(|| StoreError::NoSuchAccount(name.clone()))?,
            ),
            None => None,
        };
        let ids: Vec<Id> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM deals WHERE title = ?1 AND (?2 IS NULL OR account_id = ?2)
                   AND deleted_at IS NULL LIMIT 2",
            )?
            .query_map(params![title.trim(), account_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => get_deal(self.conn(), *one),
            [] => Err(RowRefusal::NoDealTitled {
                title: title.trim().to_string(),
            }
            .into()),
            _ => Err(RowRefusal::DealTitleAmbiguous {
                title: title.trim().to_string(),
            }
            .into()),
        }
    }

    fn reminder(&mut self, r: Reminder) -> Result<()> {
        if self.exists("reminders", r.id)? {
            self.counts.unchanged += 1;
            return Ok(());
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO reminders (id, deal_id, kind, due, status, about, created_on,
                    closed_on, note, created_at, updated_at, updated_by, version, deleted_at,
                    account_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                r.id,
                r.deal_id,
                r.kind,
                values::day(r.due),
                r.status,
                r.time
                    .map(values::time)
                    .or_else(|| r.about.map(values::day)),
                values::day(r.created_on),
                r.closed_on.map(values::day),
                r.note,
                values::moment(r.meta.created_at),
                values::moment(r.meta.updated_at),
                r.meta.updated_by,
                r.meta.version,
                r.meta.deleted_at.map(values::moment),
                r.account_id,
            ])
            .map_err(|e| missing_deal(e, r.deal_id.or(r.account_id).unwrap_or(r.id)))?;
        if let Some(deal) = r.deal_id {
            recompute_last_touch(self.w, deal)?;
        }
        self.counts.created += 1;
        Ok(())
    }

    /// A goal of an export: restored as it was, unless this database has
    /// it (the later edit wins, as for every exported row).
    fn goal(&mut self, g: GoalRecord) -> Result<()> {
        let stored: Option<String> = self
            .conn()
            .prepare_cached("SELECT updated_at FROM goals WHERE id = ?1")?
            .query_row([g.id], |r| r.get(0))
            .optional()?;
        if stored.is_some() {
            self.counts.unchanged += 1;
            return Ok(());
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO goals (id, owner, period, won_amount_minor, currency, won_deals,
                    activities, created_at, updated_at, updated_by, version, deleted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                g.id,
                g.owner,
                g.period,
                g.won_amount_minor,
                g.currency,
                g.won_deals,
                g.activities,
                values::moment(g.meta.created_at),
                values::moment(g.meta.updated_at),
                g.meta.updated_by,
                g.meta.version,
                g.meta.deleted_at.map(values::moment),
            ])?;
        self.counts.created += 1;
        Ok(())
    }

    fn history(&mut self, h: HistoryEntry) -> Result<()> {
        if self.exists("history", h.id)? {
            self.counts.unchanged += 1;
            return Ok(());
        }
        insert_history(self.w, &h).map_err(|e| match e {
            StoreError::Sql(e) => missing_deal(e, h.deal_id),
            other => other,
        })?;
        self.counts.created += 1;
        Ok(())
    }
}

/// Whether an imported row is one the database has.
enum Known {
    Row(Id),
    /// Deleted here: left deleted.
    Deleted,
    /// Its source id is new.
    New,
    /// No id to go by: look by name.
    Unknown,
}

fn missing_deal(e: rusqlite::Error, deal: Id) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            RowRefusal::ReminderDealMissing {
                deal: deal.to_string(),
            }
            .into()
        }
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            RowRefusal::ReminderAlreadyOpen {
                deal: deal.to_string(),
            }
            .into()
        }
        other => StoreError::Sql(other),
    }
}

/// A row from an export that is not newer than the stored one: the later
/// update wins, so importing an old backup never undoes newer edits.
fn is_older(incoming: Option<&RowMeta>, stored: &RowMeta) -> bool {
    incoming.is_some_and(|m| m.updated_at <= stored.updated_at)
}

fn set(field: &mut String, value: Option<String>) {
    if let Some(v) = value {
        *field = v;
    }
}

/// A row whose bookkeeping came with the import is written as it is; any
/// other change is a new version by the importing user.
fn bump(w: &Writer<'_>, meta: &RowMeta, loaded_version: i64) -> RowMeta {
    if meta.version != loaded_version {
        // A version never goes down: editors holding the stored one must see a change.
        return RowMeta {
            version: meta.version.max(loaded_version + 1),
            ..meta.clone()
        };
    }
    RowMeta {
        updated_at: w.session.now,
        updated_by: w.session.user.clone(),
        version: loaded_version + 1,
        ..meta.clone()
    }
}
