//! `tierdeck doctor`: how the database file is, and the conflict copies sync
//! tools left beside it, each with the command that merges it (SPEC §5).
//!
//! It runs no engine and creates no file, and it still reports when the file
//! does not open: a damaged database is what it is for.

use std::path::Path;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{CliResult, Failure};
use crate::copies::{self, ConflictCopy};
use crate::i18n::Catalog;
use crate::output::{display_width, pad_to_width};
use crate::say::Say;
use crate::store::Health;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[arg(long, value_enum, default_value_t = DoctorFormat::Table)]
    format: DoctorFormat,
}

/// A report, not records: lines for people or one JSON object for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DoctorFormat {
    Table,
    Json,
}

/// The report as JSON; each check says whether it passed.
#[derive(Debug, Serialize)]
struct DoctorJson {
    database: String,
    healthy: bool,
    open_error: Option<String>,
    integrity: Option<IntegrityJson>,
    schema: Option<SchemaJson>,
    journal_mode: Option<JournalJson>,
    file_size: Option<SizeJson>,
    records: Option<RecordsJson>,
    values: Option<ValuesJson>,
    /// A write cut off by a crash was rolled back before the checks.
    recovered_journal: bool,
    copies: Vec<CopyJson>,
}

#[derive(Debug, Serialize)]
struct ValuesJson {
    ok: bool,
    problems: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IntegrityJson {
    ok: bool,
    problems: Vec<String>,
}

#[derive(Debug, Serialize)]
struct SchemaJson {
    ok: bool,
    version: i64,
    latest: i64,
}

#[derive(Debug, Serialize)]
struct JournalJson {
    ok: bool,
    mode: String,
}

#[derive(Debug, Serialize)]
struct SizeJson {
    ok: bool,
    bytes: Option<u64>,
    pages: i64,
    page_size: i64,
}

#[derive(Debug, Serialize)]
struct RecordsJson {
    accounts: i64,
    deals: i64,
    activities: i64,
}

#[derive(Debug, Serialize)]
struct CopyJson {
    path: String,
    tool: &'static str,
    command: String,
}

/// Checks the file at `path` and lists its conflict copies; fails (exit 1)
/// when the file does not open or a check finds a problem, after printing
/// everything it found.
pub fn run(path: &Path, catalog: &Catalog, args: &DoctorArgs) -> CliResult {
    let c = catalog;
    let database = path.display().to_string();
    let copies = copies::conflict_copies(path);
    let health = if path.exists() {
        Health::read(path).map_err(|e| e.say(catalog))
    } else {
        Err(catalog.fmt("doctor.missing", &[("path", &database)]))
    };
    let checks = match &health {
        Ok(h) => check_lines(catalog, h),
        Err(e) => vec![(false, e.clone())],
    };
    let problems = checks.iter().filter(|(ok, _)| !ok).count();
    match args.format {
        DoctorFormat::Table => print!("{}", text(catalog, &database, &checks, path, &copies)),
        DoctorFormat::Json => {
            let report = json(c, &database, &health, problems == 0, path, &copies);
            crate::output::print_json(&report)?;
        }
    }
    match health {
        Err(e) => Err(Failure::Error(e)),
        Ok(_) if problems > 0 => Err(Failure::Error(catalog.fmt(
            "doctor.unhealthy",
            &[("path", &database), ("count", &problems.to_string())],
        ))),
        Ok(_) => Ok(()),
    }
}

/// One line per check: whether it passed, and what it found.
fn check_lines(c: &Catalog, h: &Health) -> Vec<(bool, String)> {
    let integrity = match h.integrity.first() {
        None => c.get("doctor.integrity_ok").to_string(),
        Some(first) => c.fmt(
            "doctor.integrity_bad",
            &[("count", &h.integrity.len().to_string()), ("first", first)],
        ),
    };
    let schema = c.fmt(
        "doctor.schema",
        &[
            ("found", &h.schema_version.to_string()),
            ("latest", &h.latest_version.to_string()),
        ],
    );
    let journal_key = if h.journal_ok() {
        "doctor.journal_ok"
    } else {
        "doctor.journal_bad"
    };
    let size_key = if h.size_ok() {
        "doctor.size_ok"
    } else {
        "doctor.size_bad"
    };
    let size = c.fmt(
        size_key,
        &[
            ("bytes", &h.file_size.map_or("?".into(), |b| b.to_string())),
            ("pages", &h.page_count.to_string()),
            ("page_size", &h.page_size.to_string()),
        ],
    );
    let records = match &h.counts {
        Ok(n) => (
            true,
            c.fmt(
                "doctor.records",
                &[
                    ("accounts", &n.accounts.to_string()),
                    ("deals", &n.deals.to_string()),
                    ("activities", &n.activities.to_string()),
                ],
            ),
        ),
        Err(reason) => (false, c.fmt("doctor.records_bad", &[("reason", reason)])),
    };
    let mut lines = Vec::new();
    if h.recovered {
        lines.push((true, c.get("doctor.recovered").to_string()));
    }
    lines.extend([
        (h.integrity_ok(), integrity),
        (h.schema_ok(), schema),
        (
            h.journal_ok(),
            c.fmt(journal_key, &[("mode", &h.journal_mode)]),
        ),
        (h.size_ok(), size),
        records,
    ]);
    if h.values_ok() {
        lines.push((true, c.get("doctor.values_ok").to_string()));
    }
    lines.extend(value_lines(c, h).into_iter().map(|line| (false, line)));
    lines
}

/// One line per stored value the commands cannot read, naming its table,
/// row and column.
fn value_lines(c: &Catalog, h: &Health) -> Vec<String> {
    h.bad_values
        .iter()
        .map(|bad| {
            c.fmt(
                "doctor.value_bad",
                &[
                    ("table", bad.table),
                    ("id", &bad.id),
                    ("column", bad.column),
                    ("should_be", &c.word("doctor.should_be", bad.should_be)),
                    ("found", &bad.found),
                    ("kept", &crate::store::BAD_VALUES_KEPT.to_string()),
                ],
            )
        })
        .collect()
}

fn text(
    c: &Catalog,
    database: &str,
    checks: &[(bool, String)],
    db: &Path,
    copies: &[ConflictCopy],
) -> String {
    let (ok, problem) = (c.get("doctor.ok"), c.get("doctor.problem"));
    let status_width = display_width(ok).max(display_width(problem)) + 2;
    let mut out = format!("{}\n", c.fmt("doctor.database", &[("path", database)]));
    for (passed, line) in checks {
        let status = if *passed { ok } else { problem };
        out.push_str(&format!(
            "{}{line}\n",
            pad_to_width(status, status_width, false)
        ));
    }
    out.push_str(&format!("{}\n", c.get("doctor.copies")));
    if copies.is_empty() {
        out.push_str(&format!("  {}\n", c.get("doctor.none")));
        return out;
    }
    let tool_width = copies
        .iter()
        .map(|copy| copy.tool.name().len())
        .max()
        .unwrap_or_default()
        + 2;
    for copy in copies {
        let name = copy.tool.name();
        out.push_str(&format!(
            "  {name:<tool_width$}{}\n  {:tool_width$}{}\n",
            copy.path.display(),
            "",
            merge_command(db, &copy.path)
        ));
    }
    out.push_str(&format!("{}\n", c.get("doctor.copies_note")));
    out
}

fn json(
    c: &Catalog,
    database: &str,
    health: &Result<Health, String>,
    healthy: bool,
    db: &Path,
    copies: &[ConflictCopy],
) -> DoctorJson {
    let h = health.as_ref().ok();
    DoctorJson {
        database: database.to_string(),
        healthy: h.is_some() && healthy,
        open_error: health.as_ref().err().cloned(),
        integrity: h.map(|h| IntegrityJson {
            ok: h.integrity_ok(),
            problems: h.integrity.clone(),
        }),
        schema: h.map(|h| SchemaJson {
            ok: h.schema_ok(),
            version: h.schema_version,
            latest: h.latest_version,
        }),
        journal_mode: h.map(|h| JournalJson {
            ok: h.journal_ok(),
            mode: h.journal_mode.clone(),
        }),
        file_size: h.map(|h| SizeJson {
            ok: h.size_ok(),
            bytes: h.file_size,
            pages: h.page_count,
            page_size: h.page_size,
        }),
        records: h.and_then(|h| h.counts.as_ref().ok()).map(|n| RecordsJson {
            accounts: n.accounts,
            deals: n.deals,
            activities: n.activities,
        }),
        values: h.map(|h| ValuesJson {
            ok: h.values_ok(),
            problems: value_lines(c, h),
        }),
        recovered_journal: h.is_some_and(|h| h.recovered),
        copies: copies
            .iter()
            .map(|copy| CopyJson {
                path: copy.path.display().to_string(),
                tool: copy.tool.name(),
                command: merge_command(db, &copy.path),
            })
            .collect(),
    }
}

/// The command that merges `copy` into `db`, ready to paste into a shell.
fn merge_command(db: &Path, copy: &Path) -> String {
    format!(
        "tierdeck --db {} merge {}",
        shell_quote(&db.to_string_lossy()),
        shell_quote(&copy.to_string_lossy())
    )
}

/// `s` as one word for a POSIX shell: as it is when nothing in it is
/// special, else in single quotes, with each `'` written as `'\''`.
pub(super) fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|ch| ch.is_alphanumeric() || "_-./:@%+=,".contains(ch));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_stay_as_they_are() {
        assert_eq!(shell_quote("/data/tierdeck.db"), "/data/tierdeck.db");
        assert_eq!(
            shell_quote("销售/tierdeck-LAPTOP7.db"),
            "销售/tierdeck-LAPTOP7.db"
        );
    }

    #[test]
    fn spaces_apostrophes_and_shell_characters_are_quoted() {
        assert_eq!(
            shell_quote("/d/tierdeck (Ann's conflicted copy 2026-11-22).db"),
            r"'/d/tierdeck (Ann'\''s conflicted copy 2026-11-22).db'"
        );
        assert_eq!(shell_quote("a$b"), "'a$b'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn a_quoted_word_reads_back_as_the_path_in_a_real_shell() {
        let path = "/d/it's a (copy) $HOME `x`.db";
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_quote(path)))
            .output()
            .expect("run sh");
        assert_eq!(String::from_utf8_lossy(&out.stdout), path);
    }
}
