//! `activity edit|retract` and `plan`: correcting what was logged, and the
//! follow-ups people plan.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use super::{CliResult, Context, Failure, vocab};
use crate::domain::ActivityKind;
use crate::store::{ActivityPatch, On, StoreError, Table};
use crate::when::{Looking, parse_when};

#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// A correction: a new activity that replaces the old one.
    Edit {
        id: String,
        #[arg(long, value_parser = vocab::<ActivityKind>)]
        kind: Option<ActivityKind>,
        // `-2d` is a moment, not an option.
        #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
        at: Option<String>,
        #[arg(long)]
        summary: Option<String>,
    },
    Retract {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    // With `--account` the one word given is what to do, as for `log`.
    id: String,
    what: Option<String>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    on: String,
}

pub fn run(ctx: &mut Context, cmd: ActivityCommand) -> CliResult {
    match cmd {
        ActivityCommand::Edit {
            id,
            kind,
            at,
            summary,
        } => {
            let id = ctx.store.resolve(Table::Activities, &id)?;
            let at = at.as_deref().map(|at| moment(ctx, at)).transpose()?;
            let new = ctx
                .store
                .edit_activity(id, ActivityPatch { kind, at, summary })?;
            println!("{new}");
        }
        ActivityCommand::Retract { id, reason } => {
            let id = ctx.store.resolve(Table::Activities, &id)?;
            let retraction = ctx.store.retract_activity(id, &reason)?;
            println!("{retraction}");
        }
    }
    Ok(())
}

pub fn plan(ctx: &mut Context, args: PlanArgs) -> CliResult {
    let (on, what) = target(ctx, &args.id, args.what, args.account)?;
    let when = parse_when(&args.on, ctx.today(), Looking::Ahead)?;
    let id = ctx.store.plan_follow_up(on, when, &what)?;
    println!("{id}");
    Ok(())
}

/// A moment something happened, as typed for `--at`.
pub(super) fn moment(ctx: &Context, typed: &str) -> CliResult<DateTime<Utc>> {
    let when = parse_when(typed, ctx.today(), Looking::Back)?;
    Ok(ctx.store.session().moment_of(when))
}

/// What `ID TEXT` or `--account NAME TEXT` is on, and the text: `ID` is a
/// deal's id, else an account's.
pub(super) fn target(
    ctx: &Context,
    first: &str,
    second: Option<String>,
    account: Option<String>,
) -> CliResult<(On, String)> {
    match (account, second) {
        (Some(name), None) => Ok((
            On::Account(ctx.store.match_account(&name)?),
            first.to_string(),
        )),
        (Some(_), Some(_)) => Err(Failure::Usage(
            ctx.catalog.get("usage.id_and_account").to_string(),
        )),
        (None, Some(text)) => Ok((deal_or_account(ctx, first)?, text)),
        (None, None) => Err(Failure::Usage(ctx.catalog.get("usage.no_text").to_string())),
    }
}

fn deal_or_account(ctx: &Context, id: &str) -> CliResult<On> {
    match ctx.store.resolve(Table::Deals, id) {
        Ok(deal) => Ok(On::Deal(deal)),
        Err(not_a_deal @ StoreError::NoSuchId { .. }) => ctx
            .store
            .resolve(Table::Accounts, id)
            .map(On::Account)
            .map_err(|_| not_a_deal.into()),
        Err(e) => Err(e.into()),
    }
}
