use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::{CliResult, Context, Failure, progress_printer};
use crate::i18n::Catalog;
use crate::parse::DateOrder;
use crate::say::Say;
use crate::store::{ExportFormat, ImportKind, ImportSummary, Importing, StoreError};
use crate::transfer::{ImportOptions, StageHow};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    file: PathBuf,
    #[arg(long, value_enum)]
    kind: Option<ImportKind>,
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    skip_bad: bool,
    #[arg(long, value_name = "COLUMN=FIELD", value_parser = pair)]
    map: Vec<(String, String)>,
    #[arg(long, value_name = "VALUE=STAGE", value_parser = pair)]
    stage_map: Vec<(String, String)>,
    #[arg(long, value_enum)]
    date_order: Option<DateOrder>,
}

/// `--map` and `--stage-map` take `A=B`; a value may hold `=` itself, a
/// field or stage does not, so the last `=` splits.
#[derive(Debug, thiserror::Error)]
#[error("expected NAME=VALUE")]
pub struct NotAPair;

fn pair(s: &str) -> Result<(String, String), NotAPair> {
    let (from, to) = s.rsplit_once('=').ok_or(NotAPair)?;
    if from.trim().is_empty() {
        return Err(NotAPair);
    }
    Ok((from.trim().to_string(), to.trim().to_string()))
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn demo(ctx: &mut Context, args: DemoArgs) -> CliResult {
    let started = Instant::now();
    let summary = ctx
        .store
        .demo(args.accounts, args.seed, &mut progress_printer("demo"))?;
    let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
    println!(
        "{}",
        ctx.catalog.fmt(
            "msg.demo_done",
            &[
                ("accounts", &summary.accounts.to_string()),
                ("contacts", &summary.contacts.to_string()),
                ("deals", &summary.deals.to_string()),
                ("activities", &summary.activities.to_string()),
                ("seconds", &seconds),
            ],
        )
    );
    Ok(())
}

pub fn import(ctx: &mut Context, args: ImportArgs) -> CliResult {
    let how = Importing {
        options: ImportOptions {
            map: args.map,
            stage_map: args.stage_map,
            date_order: args.date_order,
        },
        dry_run: args.dry_run,
        skip_bad: args.skip_bad,
    };
    if args.file.is_dir() {
        return import_dir(ctx, &args.file, &how);
    }
    let Some(kind) = args.kind.or_else(|| ImportKind::of_file(&args.file)) else {
        return Err(Failure::Usage(
            ctx.catalog.get("usage.import_kind").to_string(),
        ));
    };
    let file = File::open(&args.file)
        .map_err(|e| Failure::Error(super::failure::cannot_read(&ctx.catalog, &args.file, &e)))?;
    let input = std::io::BufReader::new(file);
    match ctx
        .store
        .import(kind, input, &how, &mut progress_printer("import"))
    {
        Ok(summary) => {
            print_summary(&ctx.catalog, &summary);
            Ok(())
        }
        Err(StoreError::Rejected(rejected)) => {
            print_plan(&ctx.catalog, &rejected.summary);
            Err(StoreError::Rejected(rejected).into())
        }
        Err(e) => Err(e.into()),
    }
}

fn import_dir(ctx: &mut Context, dir: &Path, how: &Importing) -> CliResult {
    let c = &ctx.catalog;
    match ctx
        .store
        .import_dir(dir, how, &mut progress_printer("import"))
    {
        Ok((files, left_out)) => {
            for (path, summary) in &files {
                println!("{}", path.display());
                print_summary(c, summary);
            }
            for path in left_out {
                println!(
                    "{}",
                    c.fmt(
                        "msg.import_file_left_out",
                        &[("path", &path.display().to_string())]
                    )
                );
            }
            Ok(())
        }
        Err(StoreError::ImportFile { path, error }) => {
            if let StoreError::Rejected(rejected) = error.as_ref() {
                println!("{}", path.display());
                print_plan(c, &rejected.summary);
            }
            Err(StoreError::ImportFile { path, error }.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// What was read how, then what was done: the plan is always shown, so
/// that no column is ever left out without a word.
fn print_summary(c: &Catalog, summary: &ImportSummary) {
    print_plan(c, summary);
    if !summary.skipped.is_empty() {
        println!(
            "{}",
            c.fmt(
                "msg.import_skipped",
                &[("count", &summary.skipped.len().to_string())]
            )
        );
        for e in &summary.skipped {
            println!("  {}", e.say(c));
        }
    }
    let key = if summary.dry_run {
        "msg.import_dry_run"
    } else {
        "msg.imported"
    };
    let what = summary
        .kind
        .map(|kind| c.get(&format!("import_kind.{}", kind.noun())).to_string())
        .unwrap_or_default();
    let n = summary.counts;
    println!(
        "{}",
        c.fmt(
            key,
            &[
                ("rows", &n.rows.to_string()),
                ("what", &what),
                ("created", &n.created.to_string()),
                ("updated", &n.updated.to_string()),
                ("unchanged", &n.unchanged.to_string()),
                ("accounts", &n.accounts_created.to_string()),
            ],
        )
    );
    if n.contacts_created > 0 || n.planned > 0 {
        println!(
            "{}",
            c.fmt(
                "msg.import_also",
                &[
                    ("contacts", &n.contacts_created.to_string()),
                    ("planned", &n.planned.to_string()),
                ],
            )
        );
    }
}

fn print_plan(c: &Catalog, summary: &ImportSummary) {
    let plan = &summary.plan;
    if let Some(source) = plan.source {
        println!("{}", c.fmt("msg.import_source", &[("source", source)]));
    }
    let columns: Vec<String> = plan
        .columns
        .iter()
        .map(|(header, field)| format!("{header} → {field}"))
        .collect();
    if !columns.is_empty() {
        println!(
            "{}",
            c.fmt("msg.import_columns", &[("columns", &columns.join(", "))])
        );
    }
    if !plan.ignored.is_empty() {
        println!(
            "{}",
            c.fmt(
                "msg.import_ignored",
                &[("columns", &plan.ignored.join(", "))]
            )
        );
    }
    let stages: Vec<String> = plan
        .stages
        .iter()
        .map(|s| {
            let to = s.stage.as_deref().unwrap_or("?");
            let how = match s.how {
                Some(StageHow::Known(crm)) => format!(", {crm}"),
                Some(StageHow::Given) => ", --stage-map".to_string(),
                Some(StageHow::Own) | None => String::new(),
            };
            format!("{} → {to} ({}{how})", s.value, s.rows)
        })
        .collect();
    if !stages.is_empty() {
        println!(
            "{}",
            c.fmt("msg.import_stages", &[("stages", &stages.join(", "))])
        );
    }
    for date in &plan.dates {
        let order = match date.order {
            DateOrder::Dmy => c.get("msg.import_order_dmy"),
            DateOrder::Mdy => c.get("msg.import_order_mdy"),
        };
        println!(
            "{}",
            c.fmt(
                "msg.import_dates",
                &[
                    ("column", &date.column),
                    ("order", order),
                    ("example", &date.example),
                    ("line", &date.line.to_string()),
                ],
            )
        );
    }
    for (column, count) in &plan.cleaned {
        println!(
            "{}",
            c.fmt(
                "msg.import_cleaned",
                &[("column", column), ("count", &count.to_string())],
            )
        );
    }
}

pub fn export(ctx: &Context, args: ExportArgs) -> CliResult {
    for path in ctx.store.export(&args.out, args.format)? {
        println!("{}", path.display());
    }
    Ok(())
}
