//! Deleting, restoring and undoing from the command line (SPEC §6).

use clap::Args;
use serde::Serialize;

use super::{CliResult, Context};
use crate::output::{Format, Table};
use crate::store::{Touched, Trashed, Undoable};
use crate::timeline;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    id: String,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// Lists the recent changes instead of taking the last one back.
    #[arg(long)]
    list: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Says what a delete did and how to take it back.
pub fn say_deleted(ctx: &Context, gone: &Trashed) {
    println!("{}", said(ctx, "msg.deleted", gone));
}

pub fn restore(ctx: &mut Context, args: RestoreArgs) -> CliResult {
    let back = ctx.store.restore(&args.id)?;
    println!("{}", said(ctx, "msg.restored", &back));
    Ok(())
}

fn said(ctx: &Context, key: &str, t: &Trashed) -> String {
    let with = timeline::trashed_with(t, &ctx.catalog);
    let kind = ctx.catalog.word("row_kind", t.kind.as_str());
    let id = t.id.short();
    ctx.catalog.fmt(
        key,
        &[
            ("kind", &kind),
            ("name", &t.name),
            ("id", &id),
            ("with", &with),
        ],
    )
}

#[derive(Debug, Serialize)]
struct ChangeJson<'a> {
    at: String,
    undone: bool,
    change: String,
    rows: &'a [Touched],
}

impl super::Record for ChangeJson<'_> {
    const KEYS: &'static [&'static str] = &["at", "undone", "change", "rows"];
}

pub fn undo(ctx: &mut Context, args: UndoArgs) -> CliResult {
    if args.list {
        return list(ctx, args.format);
    }
    let undone = ctx.store.undo()?;
    let at = ctx.store.session().local_minute(undone.change.at);
    let what = timeline::change(&undone.change.rows, &ctx.catalog);
    println!(
        "{}",
        ctx.catalog.fmt(
            "msg.undone",
            &[("at", at.as_str()), ("change", what.as_str())]
        )
    );
    for (row, field) in &undone.kept {
        println!(
            "{}",
            ctx.catalog.fmt(
                "msg.undo_kept",
                &[
                    ("name", row.name.as_str()),
                    ("field", &ctx.catalog.word("field", field)),
                ],
            )
        );
    }
    Ok(())
}

fn list(ctx: &Context, format: Format) -> CliResult {
    let changes: Vec<Undoable> = ctx.store.undoable(None)?;
    let json: Vec<ChangeJson> = changes
        .iter()
        .map(|c| ChangeJson {
            at: ctx.store.session().local_minute(c.at),
            undone: c.undone,
            change: timeline::change(&c.rows, &ctx.catalog),
            rows: &c.rows,
        })
        .collect();
    let c = &ctx.catalog;
    let mut table = Table::new([
        c.get("col.changed_at"),
        c.get("col.change"),
        c.get("col.undone"),
    ]);
    for row in &json {
        let undone = if row.undone { "✓" } else { "" };
        table.push([row.at.clone(), row.change.clone(), undone.to_string()]);
    }
    ctx.print(format, table, &json)
}
