//! Reading a CSV file by column names: header matching, cells, vocabularies.

use std::io::Read;
use std::str::FromStr;

use csv::StringRecord;

use super::{AccountRef, CellProblem, ImportError, ImportProblem};
use crate::domain::{Id, LOST, UnknownValue, WON};

/// Headers compare case-insensitively, with `_` as a space and runs of spaces
/// as one, so `expected_close`, `Expected close` and `EXPECTED  CLOSE` match.
fn header_key(header: &str) -> String {
    header
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A column found in the file: where it is and what the file calls it.
#[derive(Debug)]
pub(super) struct Column {
    index: usize,
    header: String,
}

pub(super) struct Sheet<R> {
    reader: csv::Reader<R>,
    headers: Vec<String>,
    keys: Vec<String>,
    record: StringRecord,
}

impl<R: Read> Sheet<R> {
    pub(super) fn open(r: R) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&e, 1))?
            .iter()
            // Excel writes a byte-order mark; csv drops it unless it was split across reads.
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let keys = headers.iter().map(|h| header_key(h)).collect();
        Ok(Sheet {
            reader,
            headers,
            keys,
            record: StringRecord::new(),
        })
    }

    /// The first of `names` (canonical name first, then aliases) the file has.
    pub(super) fn find(&self, names: &[&str]) -> Option<Column> {
        names.iter().find_map(|name| {
            let key = header_key(name);
            let index = self.keys.iter().position(|k| *k == key)?;
            Some(Column {
                index,
                header: self.headers[index].clone(),
            })
        })
    }

    pub(super) fn require(&self, names: &[&str]) -> Result<Column, ImportError> {
        self.find(names).ok_or_else(|| missing(names))
    }

    /// The next row, or `None` at the end of the file.
    pub(super) fn next_row(&mut self) -> Result<Option<Row<'_>>, ImportError> {
        let previous = self.record.position().map_or(1, |p| p.line());
        match self.reader.read_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(Row {
                line: self.record.position().map_or(previous + 1, |p| p.line()),
                record: &self.record,
            })),
            Err(e) => Err(csv_error(&e, previous + 1)),
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

/// One row of the file, read through the columns found in its header.
pub(super) struct Row<'a> {
    pub(super) line: u64,
    record: &'a StringRecord,
}

impl Row<'_> {
    /// The cell as written; rows shorter than the header have empty cells.
    fn raw(&self, column: &Column) -> &str {
        self.record.get(column.index).unwrap_or("")
    }

    /// The trimmed cell, `None` when empty or when the file has no such column.
    pub(super) fn cell(&self, column: Option<&Column>) -> Option<&str> {
        column.map(|c| self.raw(c).trim()).filter(|s| !s.is_empty())
    }

    pub(super) fn text(&self, column: Option<&Column>) -> Option<String> {
        self.cell(column).map(str::to_string)
    }

    /// Free text keeps its spaces and line breaks; a blank cell is `None`.
    pub(super) fn free_text(&self, column: Option<&Column>) -> Option<String> {
        column
            .map(|c| self.raw(c))
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    }

    /// The cell exactly as written, for restoring an export.
    pub(super) fn exact(&self, column: &Column) -> String {
        self.raw(column).to_string()
    }

    pub(super) fn required(&self, column: &Column) -> Result<&str, ImportError> {
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
            (Some(column), Some(cell)) => parse(cell).map(Some).map_err(|e| self.bad(column, e)),
            _ => Ok(None),
        }
    }

    pub(super) fn parse_required<T, E: Into<CellProblem>>(
        &self,
        column: &Column,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ImportError> {
        parse(self.required(column)?).map_err(|e| self.bad(column, e))
    }

    /// An id column holds tierdeck's own ids, never another CRM's record numbers.
    pub(super) fn id(&self, column: Option<&Column>) -> Result<Option<Id>, ImportError> {
        self.parse(column, parse_id)
    }

    pub(super) fn required_id(&self, column: &Column) -> Result<Id, ImportError> {
        self.parse_required(column, parse_id)
    }

    /// An account by id (the id column, or a name cell holding a full UUID) or by name.
    pub(super) fn account(
        &self,
        id: Option<&Column>,
        name: Option<&Column>,
    ) -> Result<Option<AccountRef>, ImportError> {
        if let Some(id) = self.id(id)? {
            return Ok(Some(AccountRef::Id(id)));
        }
        Ok(self.cell(name).map(|cell| match cell.parse() {
            Ok(id) => AccountRef::Id(id),
            Err(_) => AccountRef::Name(cell.to_string()),
        }))
    }

    fn bad(&self, column: &Column, e: impl Into<CellProblem>) -> ImportError {
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

/// Stage ids and their labels, compared without case, spaces or punctuation so
/// that `Needs Analysis`, `needs_analysis` and `需求分析` all find `needs`.
pub(super) struct Stages<'a> {
    names: Vec<(String, &'a str)>,
    ids: String,
}

/// How other CRMs name the two outcomes every database has.
const OUTCOMES: [(&str, &str); 4] = [
    ("closedwon", WON),
    ("赢单", WON),
    ("closedlost", LOST),
    ("丢单", LOST),
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'a> Stages<'a> {
    /// `stages` are `(id, English label, Chinese label)`.
    pub(super) fn new(stages: &[(&'a str, &'a str, &'a str)]) -> Self {
        let mut names: Vec<(String, &str)> = stages
            .iter()
            .flat_map(|&(id, en, zh)| [(squash(id), id), (squash(en), id), (squash(zh), id)])
            // A label of only punctuation would match any cell of only punctuation.
            .filter(|(name, _)| !name.is_empty())
            .collect();
        names.extend(OUTCOMES.iter().filter_map(|&(word, outcome)| {
            stages
                .iter()
                .find(|(id, ..)| *id == outcome)
                .map(|&(id, ..)| (word.to_string(), id))
        }));
        let ids = stages
            .iter()
            .map(|(id, ..)| *id)
            .collect::<Vec<_>>()
            .join(", ");
        Stages { names, ids }
    }

    pub(super) fn id(&self, cell: &str) -> Result<String, CellProblem> {
        let key = squash(cell);
        self.names
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, id)| id.to_string())
            .ok_or_else(|| CellProblem::UnknownStage {
                given: cell.to_string(),
                known: self.ids.clone(),
            })
    }
}
