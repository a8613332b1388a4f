use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{CliResult, Context, Failure, progress_printer};
use crate::store::{ExportFormat, ImportKind};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many accounts to make (each with contacts, deals and activities)
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    /// The same seed makes the same data
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV file; headers from Pipedrive, HubSpot, Zoho and Salesforce exports are understood
    file: PathBuf,
    #[arg(long, value_enum)]
    kind: ImportKind,
    /// Check the file and report what would change, without writing anything
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Directory to write one file per table into (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn demo(ctx: &mut Context, args: DemoArgs) -> CliResult {
    let started = Instant::now();
    let summary = ctx
        .store
        .demo(args.accounts, args.seed, &mut progress_printer("demo"))?;
    println!(
        "{}: {} accounts, {} contacts, {} deals, {} activities ({:.1}s)",
        ctx.catalog.get("msg.demo_done"),
        summary.accounts,
        summary.contacts,
        summary.deals,
        summary.activities,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn import(ctx: &mut Context, args: ImportArgs) -> CliResult {
    let kind = args.kind;
    let file = File::open(&args.file)
        .map_err(|e| Failure::Error(format!("cannot read {}: {e}", args.file.display())))?;
    let input = std::io::BufReader::new(file);
    let summary = ctx
        .store
        .import(kind, input, args.dry_run, &mut progress_printer("import"))?;
    let verb = if summary.dry_run {
        ctx.catalog.get("msg.import_dry_run")
    } else {
        ctx.catalog.get("msg.imported")
    };
    println!(
        "{verb}: {} {} ({} new, {} updated, {} unchanged; {} new accounts)",
        summary.rows,
        kind.noun(),
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.accounts_created
    );
    Ok(())
}

pub fn export(ctx: &Context, args: ExportArgs) -> CliResult {
    for path in ctx.store.export(&args.out, args.format)? {
        println!("{}", path.display());
    }
    Ok(())
}
