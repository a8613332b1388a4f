use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{CliResult, Context, Failure, progress_printer};
use crate::store::{ExportFormat, ImportKind};

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
    kind: ImportKind,
    #[arg(long)]
    dry_run: bool,
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
    let kind = args.kind;
    let file = File::open(&args.file)
        .map_err(|e| Failure::Error(super::failure::cannot_read(&ctx.catalog, &args.file, &e)))?;
    let input = std::io::BufReader::new(file);
    let summary = ctx
        .store
        .import(kind, input, args.dry_run, &mut progress_printer("import"))?;
    let key = if summary.dry_run {
        "msg.import_dry_run"
    } else {
        "msg.imported"
    };
    let what = ctx
        .catalog
        .get(&format!("import_kind.{}", kind.noun()))
        .to_string();
    println!(
        "{}",
        ctx.catalog.fmt(
            key,
            &[
                ("rows", &summary.rows.to_string()),
                ("what", &what),
                ("created", &summary.created.to_string()),
                ("updated", &summary.updated.to_string()),
                ("unchanged", &summary.unchanged.to_string()),
                ("accounts", &summary.accounts_created.to_string()),
            ],
        )
    );
    Ok(())
}

pub fn export(ctx: &Context, args: ExportArgs) -> CliResult {
    for path in ctx.store.export(&args.out, args.format)? {
        println!("{}", path.display());
    }
    Ok(())
}
