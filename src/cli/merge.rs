use std::path::PathBuf;

use clap::Args;

use super::{CliResult, Context, progress_printer};
use crate::store::{Aside, Overruled};

#[derive(Debug, Args)]
pub struct MergeArgs {
    other: PathBuf,
    #[arg(long)]
    dry_run: bool,
}

pub fn merge(ctx: &mut Context, args: MergeArgs) -> CliResult {
    let summary = ctx
        .store
        .merge(&args.other, args.dry_run, &mut progress_printer("merge"))?;
    let c = &ctx.catalog;
    for table in &summary.tables {
        let what = c.get(&format!("merge_table.{}", table.table)).to_string();
        println!(
            "{}",
            c.fmt(
                "msg.merge_table",
                &[
                    ("what", &what),
                    ("theirs", &table.theirs.to_string()),
                    ("added", &table.added.to_string()),
                    ("updated", &table.updated.to_string()),
                ],
            )
        );
    }
    for row in &summary.overruled {
        println!("{}", overruled_line(ctx, row));
    }
    for clash in &summary.name_clashes {
        let ids: Vec<String> = clash.ids.iter().map(|id| id.short()).collect();
        println!(
            "{}",
            c.fmt(
                "msg.merge_name_clash",
                &[("name", &clash.name), ("ids", &ids.join(", "))],
            )
        );
    }
    if summary.duplicates_closed > 0 {
        let n = summary.duplicates_closed.to_string();
        println!("{}", c.fmt("msg.merge_duplicates", &[("count", &n)]));
    }
    let changed = summary.changed().to_string();
    let other = args.other.display().to_string();
    let message = match &summary.aside {
        Aside::Moved(to) => c.fmt(
            "msg.merged",
            &[
                ("changed", &changed),
                ("other", &other),
                ("moved", &to.display().to_string()),
            ],
        ),
        Aside::Stuck(reason) => c.fmt(
            "msg.merged_not_moved",
            &[("changed", &changed), ("other", &other), ("reason", reason)],
        ),
        Aside::Kept => c.fmt(
            "msg.merged_kept",
            &[("changed", &changed), ("other", &other)],
        ),
        Aside::DryRun => c.fmt(
            "msg.merge_dry_run",
            &[("changed", &changed), ("other", &other)],
        ),
    };
    println!("{message}");
    Ok(())
}

/// One line per row both copies changed: whose change was kept, and what the
/// other one said, so that it can be entered again if it mattered.
fn overruled_line(ctx: &Context, row: &Overruled) -> String {
    let c = &ctx.catalog;
    let when = |at: &str| ctx.store.session().local_minute_of(at);
    let fields: Vec<String> = row
        .fields
        .iter()
        .map(|(column, lost, kept)| {
            let (name, lost, kept) = match column.strip_suffix("_minor") {
                Some(name) => (name.to_string(), as_money(lost), as_money(kept)),
                None => (column.replace('_', " "), lost.clone(), kept.clone()),
            };
            c.fmt(
                "msg.merge_field",
                &[("field", &name), ("lost", &lost), ("kept", &kept)],
            )
        })
        .collect();
    let what = c.get(&format!("merge_row.{}", row.table)).to_string();
    c.fmt(
        "msg.merge_overruled",
        &[
            ("what", &what),
            ("id", &row.id.short()),
            ("label", &row.label),
            ("kept_by", &row.kept_by),
            ("kept_at", &when(&row.kept_at)),
            ("lost_by", &row.lost_by),
            ("lost_at", &when(&row.lost_at)),
            ("fields", &fields.join("; ")),
        ],
    )
}

/// Amounts are kept in minor units (cents, fen).
fn as_money(minor: &str) -> String {
    match minor.parse::<i64>() {
        Ok(n) => crate::domain::Money(n).to_string(),
        Err(_) => minor.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::as_money;

    #[test]
    fn amounts_read_as_money_with_their_sign() {
        assert_eq!(as_money("-50"), "-0.50");
        assert_eq!(as_money("99900"), "999.00");
        assert_eq!(as_money(""), "");
    }
}
