//! Reading a CSV file by column names: header matching, cells, vocabularies.
//!
//! A file is read whole before any row is: the day/month order of a date
//! column, the CRM that wrote the file and the stages it uses are decided
//! from every row, not from the first.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

use csv::StringRecord;

use super::{
    AccountRef, CellProblem, ContactRef, DateDecision, ImportError, ImportOptions, ImportProblem,
    Plan, StageHow, StageUse,
};
use crate::domain::{Id, LOST, UnknownValue, WON};
use crate::parse::{
    DateOrder, OrderEvidence, order_evidence, parse_import_date_in, parse_import_datetime_in,
};

/// Headers compare without case, spaces, underscores, the `*` some CRMs
/// put on required columns, or a byte-order mark, so `expected_close`,
/// `Expected close`, `ExpectedClose` and `Expected Close*` are one.
pub(super) fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '*' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A column found in the file: where it is and what the file calls it.
#[derive(Debug, Clone)]
pub(super) struct Column {
    index: usize,
    pub(super) header: String,
}

/// The words that give away which CRM wrote a file, so that its record
/// ids are kept as that CRM's (`salesforce:001…`) and ids of two CRMs
/// never meet.
fn detect_source(headers: &[String]) -> Option<&'static str> {
    const PIPEDRIVE: [&str; 6] = [
        "Deal - ",
        "Organization - ",
        "Person - ",
        "Activity - ",
        "Lead - ",
        "Product - ",
    ];
    const SALESFORCE: [&str; 10] = [
        "AccountId",
        "OwnerId",
        "StageName",
        "IsWon",
        "IsClosed",
        "WhatId",
        "WhoId",
        "IsDeleted",
        "Opportunity ID",
        "Account ID",
    ];
    if headers.iter().any(|h| h.to_lowercase().ends_with(".id")) {
        return Some("zoho");
    }
    if headers
        .iter()
        .any(|h| PIPEDRIVE.iter().any(|p| h.starts_with(p)))
    {
        return Some("pipedrive");
    }
    if headers.iter().any(|h| SALESFORCE.contains(&h.as_str())) {
        return Some("salesforce");
    }
    if headers.iter().any(|h| header_key(h) == "recordid") {
        return Some("hubspot");
    }
    None
}

/// The `--map` value that leaves a column out.
const IGNORE: [&str; 2] = ["", "-"];

pub(super) struct Sheet<'o> {
    headers: Vec<String>,
    keys: Vec<String>,
    records: Vec<(u64, StringRecord)>,
    options: &'o ImportOptions,
    /// The field each column was read as.
    used: Vec<Option<&'static str>>,
    /// Every field a reader asked for, to check `--map`'s field names.
    fields: Vec<&'static str>,
    dates: Vec<usize>,
    orders: HashMap<usize, DateOrder>,
    decisions: Vec<DateDecision>,
    source: Option<&'static str>,
    /// Cells whose control characters were taken out, per column.
    cleaned: Vec<Cell<usize>>,
    /// The first required column the file lacks.
    lacking: Option<ImportError>,
}

impl<'o> Sheet<'o> {
    /// Reads the whole file; a file the CSV reader cannot follow stops here.
    pub(super) fn open(r: impl Read, options: &'o ImportOptions) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&e, 1))?
            .iter()
            // Excel writes a byte-order mark; csv drops it unless it was split across reads.
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mut records = Vec::new();
        let mut record = StringRecord::new();
        loop {
            let previous = record.position().map_or(1, |p| p.line());
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(previous + 1, |p| p.line());
                    records.push((line, record.clone()));
                }
                Err(e) => return Err(csv_error(&e, previous + 1)),
            }
        }
        let source = detect_source(&headers);
        Ok(Sheet {
            used: vec![None; headers.len()],
            cleaned: (0..headers.len()).map(|_| Cell::new(0)).collect(),
            headers,
            keys,
            records,
            options,
            fields: Vec::new(),
            dates: Vec::new(),
            orders: HashMap::new(),
            decisions: Vec::new(),
            source,
            lacking: None,
        })
    }

    fn column(&mut self, index: usize, field: &'static str) -> Column {
        self.used[index] = Some(field);
        Column {
            index,
            header: self.headers[index].clone(),
        }
    }

    /// Whether `--map` sends the column elsewhere (or nowhere).
    fn mapped_away(&self, index: usize) -> bool {
        self.options
            .map
            .iter()
            .any(|(column, _)| header_key(column) == self.keys[index])
    }

    /// The column read as `names[0]`: the one `--map` names for it, else
    /// the first of `names` (canonical name first, then aliases) the file
    /// has and no other field took.
    pub(super) fn find(&mut self, names: &[&'static str]) -> Option<Column> {
        let field = names[0];
        self.fields.push(field);
        let mapped = self.options.map.iter().find_map(|(column, to)| {
            (header_key(to) == header_key(field)).then(|| header_key(column))
        });
        let index = match mapped {
            Some(key) => self.keys.iter().position(|k| *k == key)?,
            None => names.iter().find_map(|name| {
                let key = header_key(name);
                (0..self.keys.len()).find(|&i| {
                    self.keys[i] == key && self.used[i].is_none() && !self.mapped_away(i)
                })
            })?,
        };
        Some(self.column(index, field))
    }

    /// A column the file must have. One it lacks is said by [`Sheet::ready`],
    /// after `--map` is checked: a mistyped `--map` is the likelier cause.
    pub(super) fn require(&mut self, names: &[&'static str]) -> Column {
        match self.find(names) {
            Some(column) => column,
            None => {
                self.lack(missing(names));
                Column {
                    index: usize::MAX,
                    header: names[0].to_string(),
                }
            }
        }
    }

    /// Notes a column the file lacks, for [`Sheet::ready`] to say.
    pub(super) fn lack(&mut self, e: ImportError) {
        self.lacking.get_or_insert(e);
    }

    /// The checks every reader makes once its columns are found: `--map`,
    /// then the columns the file lacks, then the day/month order of dates.
    pub(super) fn ready(&mut self) -> Result<(), ImportError> {
        self.check_map()?;
        if let Some(e) = self.lacking.take() {
            return Err(e);
        }
        self.decide_dates()
    }

    /// The id column of a lookup that Zoho writes as a pair: `Account Name`
    /// and `Account Name.id`.
    pub(super) fn id_of(&mut self, name: Option<&Column>, field: &'static str) -> Option<Column> {
        let key = format!("{}.id", header_key(&name?.header));
        self.fields.push(field);
        let index =
            (0..self.keys.len()).find(|&i| self.keys[i] == key && self.used[i].is_none())?;
        Some(self.column(index, field))
    }

    /// A date column: its day/month order is decided by [`Sheet::decide_dates`].
    pub(super) fn find_date(&mut self, names: &[&'static str]) -> Option<Column> {
        let column = self.find(names)?;
        self.dates.push(column.index);
        Some(column)
    }

    /// Settles the day/month order of every date column from all its
    /// cells, then from the other date columns of the file (one program
    /// wrote them all); a column still unclear stops the import.
    fn decide_dates(&mut self) -> Result<(), ImportError> {
        if let Some(order) = self.options.date_order {
            for &index in &self.dates {
                self.orders.insert(index, order);
            }
            return Ok(());
        }
        let mut unclear = Vec::new();
        for &index in &self.dates {
            let mut shown: Vec<(DateOrder, String, u64)> = Vec::new();
            let mut first_unclear = None;
            for (line, record) in &self.records {
                let cell = record.get(index).unwrap_or("");
                match order_evidence(cell) {
                    OrderEvidence::Shows(order) if !shown.iter().any(|(o, ..)| *o == order) => {
                        shown.push((order, cell.trim().to_string(), *line));
                    }
                    OrderEvidence::Unclear if first_unclear.is_none() => {
                        first_unclear = Some((cell.trim().to_string(), *line));
                    }
                    _ => {}
                }
            }
            match shown.as_slice() {
                [(order, example, line)] => {
                    self.orders.insert(index, *order);
                    self.decisions.push(DateDecision {
                        column: self.headers[index].clone(),
                        order: *order,
                        example: example.clone(),
                        line: *line,
                    });
                }
                [(_, first, first_line), (_, second, second_line), ..] => {
                    return Err(ImportError {
                        line: *second_line,
                        problem: ImportProblem::MixedDateOrders {
                            column: self.headers[index].clone(),
                            first: first.clone(),
                            first_line: *first_line,
                            second: second.clone(),
                        },
                    });
                }
                [] => {
                    if let Some(example) = first_unclear {
                        unclear.push((index, example));
                    }
                }
            }
        }
        for (index, (example, line)) in unclear {
            let mut orders: Vec<DateOrder> = self.decisions.iter().map(|d| d.order).collect();
            orders.dedup();
            match orders.as_slice() {
                [order] => {
                    self.orders.insert(index, *order);
                }
                _ => {
                    return Err(ImportError {
                        line,
                        problem: ImportProblem::UnclearDates {
                            column: self.headers[index].clone(),
                            example,
                        },
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks `--map` against the fields the reader asked for: a column the
    /// file lacks or a field the kind has not is a mistake to say, not skip.
    fn check_map(&self) -> Result<(), ImportError> {
        for (column, field) in &self.options.map {
            if !self.keys.contains(&header_key(column)) {
                return Err(ImportError {
                    line: 1,
                    problem: ImportProblem::MapNoColumn {
                        column: column.clone(),
                    },
                });
            }
            let known = IGNORE.contains(&field.as_str())
                || self
                    .fields
                    .iter()
                    .any(|f| header_key(f) == header_key(field));
            if !known {
                let mut fields = self.fields.clone();
                fields.sort_unstable();
                fields.dedup();
                return Err(ImportError {
                    line: 1,
                    problem: ImportProblem::MapNoField {
                        field: field.clone(),
                        known: fields.join(", "),
                    },
                });
            }
        }
        Ok(())
    }

    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(move |(line, record)| Row {
            line: *line,
            record,
            sheet: self,
        })
    }

    /// The file's id of a row, kept with the CRM that wrote it.
    pub(super) fn source_id(&self, raw: &str) -> String {
        match self.source {
            Some(source) => format!("{source}:{raw}"),
            None => raw.to_string(),
        }
    }

    /// What the reader made of the columns, for the preview.
    pub(super) fn plan(self, stages: Vec<StageUse>) -> Plan {
        let mut columns = Vec::new();
        let mut ignored = Vec::new();
        let mut cleaned = Vec::new();
        for (i, header) in self.headers.iter().enumerate() {
            match self.used[i] {
                Some(field) => columns.push((header.clone(), field)),
                None => ignored.push(header.clone()),
            }
            if self.cleaned[i].get() > 0 {
                cleaned.push((header.clone(), self.cleaned[i].get()));
            }
        }
        Plan {
            source: self.source,
            columns,
            ignored,
            stages,
            dates: self.decisions,
            cleaned,
        }
    }
}

/// A required column is missing: name it and the other names it goes by.
pub(super) fn missing(names: &[&str]) -> ImportError {
    ImportError {
        line: 1,
        problem: ImportProblem::MissingColumn {
            name: names[0].to_string(),
            aliases: names[1..].iter().map(|n| n.to_string()).collect(),
        },
    }
}

fn csv_error(e: &csv::Error, line: u64) -> ImportError {
    let line = e.position().map_or(line, |p| p.line());
    let problem = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => ImportProblem::NotUtf8,
        _ => ImportProblem::Csv(e.to_string()),
    };
    ImportError { line, problem }
}

/// Takes NUL and the other control characters out of a cell; line breaks
/// and tabs are text people wrote and stay (a `\r\n` is one break).
fn clean(cell: &str) -> Option<String> {
    let kept = |c: char| matches!(c, '\n' | '\t') || !c.is_control();
    if cell.chars().all(kept) {
        return None;
    }
    Some(cell.chars().filter(|&c| kept(c)).collect())
}

/// One row of the file, read through the columns found in its header.
pub(super) struct Row<'a> {
    pub(super) line: u64,
    record: &'a StringRecord,
    sheet: &'a Sheet<'a>,
}

impl Row<'_> {
    /// The cell with control characters out; rows shorter than the header
    /// have empty cells.
    fn raw(&self, column: &Column) -> String {
        let cell = self.record.get(column.index).unwrap_or("");
        match clean(cell) {
            Some(cleaned) => {
                let count = &self.sheet.cleaned[column.index];
                count.set(count.get() + 1);
                cleaned
            }
            None => cell.to_string(),
        }
    }

    /// The trimmed cell, `None` when empty or when the file has no such column.
    pub(super) fn cell(&self, column: Option<&Column>) -> Option<String> {
        column
            .map(|c| self.raw(c).trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// Free text keeps its spaces and line breaks; a blank cell is `None`.
    pub(super) fn free_text(&self, column: Option<&Column>) -> Option<String> {
        column.map(|c| self.raw(c)).filter(|s| !s.trim().is_empty())
    }

    /// The cell exactly as written (control characters aside), for restoring an export.
    pub(super) fn exact(&self, column: &Column) -> String {
        self.raw(column)
    }

    pub(super) fn required(&self, column: &Column) -> Result<String, ImportError> {
        self.cell(Some(column)).ok_or_else(|| {
            self.fail(ImportProblem::EmptyCell {
                column: column.header.clone(),
            })
        })
    }

    pub(super) fn parse<T, E: Into<CellProblem>>(
        &self,
        column: Option<&Column>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ImportError> {
        match (column, self.cell(column)) {
            (Some(column), Some(cell)) => parse(&cell).map(Some).map_err(|e| self.bad(column, e)),
            _ => Ok(None),
        }
    }

    pub(super) fn parse_required<T, E: Into<CellProblem>>(
        &self,
        column: &Column,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ImportError> {
        parse(&self.required(column)?).map_err(|e| self.bad(column, e))
    }

    fn order(&self, column: Option<&Column>) -> Option<DateOrder> {
        column.and_then(|c| self.sheet.orders.get(&c.index).copied())
    }

    pub(super) fn date(
        &self,
        column: Option<&Column>,
    ) -> Result<Option<chrono::NaiveDate>, ImportError> {
        let order = self.order(column);
        self.parse(column, |cell| parse_import_date_in(cell, order))
    }

    pub(super) fn datetime(
        &self,
        column: Option<&Column>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, ImportError> {
        let order = self.order(column);
        self.parse(column, |cell| parse_import_datetime_in(cell, order))
    }

    pub(super) fn required_datetime(
        &self,
        column: &Column,
    ) -> Result<chrono::DateTime<chrono::Utc>, ImportError> {
        let order = self.order(Some(column));
        self.parse_required(column, |cell| parse_import_datetime_in(cell, order))
    }

    /// A tierdeck id: any other CRM's record number is kept as a source id.
    pub(super) fn id(&self, column: Option<&Column>) -> Result<Option<Id>, ImportError> {
        self.parse(column, parse_id)
    }

    pub(super) fn required_id(&self, column: &Column) -> Result<Id, ImportError> {
        self.parse_required(column, parse_id)
    }

    /// The row's own id: tierdeck's when the cell is a UUID, else the
    /// source CRM's; `source_id` is tierdeck's export of the latter.
    pub(super) fn ids(
        &self,
        id: Option<&Column>,
        source_id: Option<&Column>,
    ) -> (Option<Id>, Option<String>) {
        let kept = self.cell(source_id);
        match self.cell(id) {
            Some(cell) => match cell.parse() {
                Ok(id) => (Some(id), kept),
                Err(_) => (None, kept.or_else(|| Some(self.sheet.source_id(&cell)))),
            },
            None => (None, kept),
        }
    }

    /// An account by id (an id column holding a UUID or another CRM's
    /// record id, or a name cell holding a full UUID) or by name.
    pub(super) fn account(&self, id: Option<&Column>, name: Option<&Column>) -> Option<AccountRef> {
        let by_name = || {
            self.cell(name).map(|cell| match cell.parse() {
                Ok(id) => AccountRef::Id(id),
                Err(_) => AccountRef::Name(cell),
            })
        };
        match self.cell(id) {
            Some(cell) => Some(match cell.parse() {
                Ok(id) => AccountRef::Id(id),
                Err(_) => AccountRef::Source {
                    id: self.sheet.source_id(&cell),
                    name: self.cell(name),
                },
            }),
            None => by_name(),
        }
    }

    /// A contact person by id (tierdeck's, or the CRM's) or by name.
    pub(super) fn contact(&self, id: Option<&Column>, name: Option<&Column>) -> Option<ContactRef> {
        match self.cell(id) {
            Some(cell) => Some(match cell.parse() {
                Ok(id) => ContactRef::Id(id),
                Err(_) => ContactRef::Source {
                    id: self.sheet.source_id(&cell),
                    name: self.cell(name),
                },
            }),
            None => self.cell(name).map(ContactRef::Name),
        }
    }

    /// A record id of the source CRM, as kept.
    pub(super) fn source_ref(&self, column: Option<&Column>) -> Option<String> {
        self.cell(column).map(|cell| self.sheet.source_id(&cell))
    }

    pub(super) fn bad(&self, column: &Column, e: impl Into<CellProblem>) -> ImportError {
        self.fail(ImportProblem::BadCell {
            column: column.header.clone(),
            problem: e.into(),
        })
    }

    pub(super) fn fail(&self, problem: ImportProblem) -> ImportError {
        ImportError {
            line: self.line,
            problem,
        }
    }
}

fn parse_id(cell: &str) -> Result<Id, CellProblem> {
    cell.parse()
        .map_err(|_| CellProblem::NotAnId(cell.to_string()))
}

/// A vocabulary word as tierdeck writes it, or one of `synonyms` (Chinese
/// labels, other CRMs' words), case-insensitively.
pub(super) fn word<T>(cell: &str, synonyms: &[(&str, T)]) -> Result<T, UnknownValue>
where
    T: Copy + FromStr<Err = UnknownValue>,
{
    synonyms
        .iter()
        .find(|(synonym, _)| synonym.eq_ignore_ascii_case(cell))
        .map(|(_, value)| Ok(*value))
        .unwrap_or_else(|| cell.parse())
}

/// Yes or no as spreadsheets and CRMs write it.
pub(super) fn yes_no(cell: &str) -> Result<bool, CellProblem> {
    match cell.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "√" => Ok(true),
        "false" | "no" | "n" | "0" | "否" => Ok(false),
        _ => Err(CellProblem::NotYesNo(cell.to_string())),
    }
}

/// Other CRMs' default stages, onto tierdeck's default stages. An entry
/// counts only when the database has its stage; the database's own ids and
/// labels, and `--stage-map`, come first.
const CRM_STAGES: &[(&str, &str, &str)] = &[
    ("Salesforce", "Prospecting", "lead"),
    ("Salesforce", "Qualification", "contacted"),
    ("Salesforce", "Needs Analysis", "needs"),
    ("Salesforce", "Value Proposition", "needs"),
    ("Salesforce", "Id. Decision Makers", "needs"),
    ("Salesforce", "Perception Analysis", "proposal"),
    ("Salesforce", "Proposal/Price Quote", "proposal"),
    ("Salesforce", "Negotiation/Review", "negotiation"),
    ("Salesforce", "Discovery", "needs"),
    ("Salesforce", "Proposal/Quote", "proposal"),
    ("Salesforce", "Negotiation", "negotiation"),
    ("Salesforce", "Closed Won", WON),
    ("Salesforce", "Closed Lost", LOST),
    ("HubSpot", "appointment scheduled", "contacted"),
    ("HubSpot", "qualified to buy", "needs"),
    ("HubSpot", "presentation scheduled", "proposal"),
    ("HubSpot", "decision maker bought-in", "negotiation"),
    ("HubSpot", "contract sent", "negotiation"),
    ("Zoho", "Identify Decision Makers", "needs"),
    ("Zoho", "Closed Lost to Competition", LOST),
    ("Pipedrive", "Lead In", "lead"),
    ("Pipedrive", "Contact Made", "contacted"),
    ("Pipedrive", "Qualified", "needs"),
    ("Pipedrive", "Needs Defined", "needs"),
    ("Pipedrive", "Proposal Made", "proposal"),
    ("Pipedrive", "Negotiations Started", "negotiation"),
    ("Odoo", "New", "lead"),
    ("Odoo", "Proposition", "proposal"),
    ("vtiger", "Proposal or Price Quote", "proposal"),
    ("vtiger", "Negotiation or Review", "negotiation"),
    ("vtiger", "初期沟通", "contacted"),
    ("vtiger", "提案/报价", "proposal"),
    ("vtiger", "谈判/检讨", "negotiation"),
    ("vtiger", "成功结案", WON),
    ("vtiger", "失败结案", LOST),
    ("sheet", "Engaging", "contacted"),
    ("sheet", "Closed", WON),
    ("sheet", "赢单", WON),
    ("sheet", "丢单", LOST),
    ("sheet", "Win", WON),
    ("sheet", "Loss", LOST),
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Stage ids and their labels, compared without case, spaces or punctuation
/// so that `Needs Analysis`, `needs_analysis` and `需求分析` all find `needs`.
pub(super) struct Stages {
    names: Vec<(String, String, StageHow)>,
    ids: String,
    /// The stage values met, in the order first met, with their rows.
    met: RefCell<Vec<StageUse>>,
}

impl Stages {
    /// `stages` are the database's `(id, English label, Chinese label)`;
    /// `given` is `--stage-map`'s `(value, stage id or label)`.
    pub(super) fn new(
        stages: &[(&str, &str, &str)],
        given: &[(String, String)],
    ) -> Result<Self, ImportError> {
        let own: Vec<(String, String)> = stages
            .iter()
            .flat_map(|&(id, en, zh)| [(squash(id), id), (squash(en), id), (squash(zh), id)])
            // A label of only punctuation would match any cell of only punctuation.
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, id)| (name, id.to_string()))
            .collect();
        let ids = stages
            .iter()
            .map(|(id, ..)| *id)
            .collect::<Vec<_>>()
            .join(", ");
        let mut names = Vec::new();
        for (value, stage) in given {
            let Some((_, id)) = own.iter().find(|(name, _)| *name == squash(stage)) else {
                return Err(ImportError {
                    line: 1,
                    problem: ImportProblem::StageMapNoStage {
                        stage: stage.clone(),
                        known: ids.clone(),
                    },
                });
            };
            names.push((squash(value), id.clone(), StageHow::Given));
        }
        names.extend(own.into_iter().map(|(name, id)| (name, id, StageHow::Own)));
        names.extend(
            CRM_STAGES
                .iter()
                .filter(|(_, _, id)| stages.iter().any(|(own, ..)| own == id))
                .map(|&(crm, value, id)| (squash(value), id.to_string(), StageHow::Known(crm))),
        );
        Ok(Stages {
            names,
            ids,
            met: RefCell::new(Vec::new()),
        })
    }

    pub(super) fn id(&self, cell: &str) -> Result<String, CellProblem> {
        let key = squash(cell);
        let found = self.names.iter().find(|(name, ..)| *name == key);
        let mut met = self.met.borrow_mut();
        match met.iter_mut().find(|m| squash(&m.value) == key) {
            Some(m) => m.rows += 1,
            None => met.push(StageUse {
                value: cell.to_string(),
                stage: found.map(|(_, id, _)| id.clone()),
                how: found.map(|(.., how)| *how),
                rows: 1,
            }),
        }
        found
            .map(|(_, id, _)| id.clone())
            .ok_or_else(|| CellProblem::UnknownStage {
                given: cell.to_string(),
                known: self.ids.clone(),
            })
    }

    pub(super) fn met(self) -> Vec<StageUse> {
        self.met.into_inner()
    }
}

/// An amount as a float wrote it, `1475.3000000000002` or
/// `1475.2999999999998`, is `1475.30`; any other third decimal is a real
/// fraction of a cent and left for the amount reader to refuse.
pub(super) fn without_float_noise(cell: &str) -> std::borrow::Cow<'_, str> {
    let Some((whole, decimals)) = cell.split_once('.') else {
        return cell.into();
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if decimals.len() < 8 || !digits(decimals) || !digits(whole.trim_start_matches('-')) {
        return cell.into();
    }
    let (cents, rest) = decimals.split_at(2);
    let noise = &rest[..rest.len() - 2];
    if noise.bytes().all(|b| b == b'0') {
        return format!("{whole}.{cents}").into();
    }
    if noise.bytes().all(|b| b == b'9') {
        // Round the cents up, carrying into the whole part.
        let total: Option<u128> = format!("{}{cents}", whole.trim_start_matches('-'))
            .parse::<u128>()
            .ok()
            .map(|n| n + 1);
        if let Some(total) = total {
            let sign = if whole.starts_with('-') { "-" } else { "" };
            return format!("{sign}{}.{:02}", total / 100, total % 100).into();
        }
    }
    cell.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_noise_is_rounded_to_the_cent_and_real_fractions_are_not() {
        assert_eq!(without_float_noise("1475.3000000000002"), "1475.30");
        assert_eq!(without_float_noise("1475.2999999999998"), "1475.30");
        assert_eq!(without_float_noise("99.9999999999999"), "100.00");
        assert_eq!(without_float_noise("12.345"), "12.345");
        assert_eq!(without_float_noise("12.34567891"), "12.34567891");
        assert_eq!(without_float_noise("11015.0"), "11015.0");
        assert_eq!(without_float_noise("$1.000000001"), "$1.000000001");
    }

    #[test]
    fn header_keys_ignore_case_spaces_underscores_stars_and_a_bom() {
        for header in [
            "expected_close",
            "Expected Close",
            "ExpectedClose",
            "\u{feff}Expected  close*",
        ] {
            assert_eq!(header_key(header), "expectedclose", "{header}");
        }
        assert_eq!(header_key("Account Name.id"), "accountname.id");
    }

    #[test]
    fn control_characters_are_taken_out_and_line_breaks_kept() {
        assert_eq!(clean("Ac\0me\u{7}").as_deref(), Some("Acme"));
        assert_eq!(clean("two\r\nlines").as_deref(), Some("two\nlines"));
        assert_eq!(clean("two\nlines\tand a tab"), None);
        assert_eq!(clean("plain"), None);
    }
}
