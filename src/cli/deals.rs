use clap::{Args, Subcommand};

use super::{CliResult, Context, Failure, vocab};
use crate::domain::{ActivityKind, Grade, Need};
use crate::parse;
use crate::store::{DealPatch, NewDeal, Store, StoreError, Table};

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    Add(AddArgs),
    Update(UpdateArgs),
    Won {
        id: String,
        #[arg(long)]
        amount: Option<String>,
    },
    Lost {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Pin {
        id: String,
        #[arg(value_parser = vocab::<Grade>)]
        grade: Grade,
        #[arg(long)]
        reason: String,
    },
    Unpin {
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    account: String,
    #[arg(long)]
    title: String,
    #[arg(long)]
    amount: Option<String>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long, value_name = "DATE")]
    close: Option<String>,
    #[arg(long, value_parser = vocab::<Need>)]
    need: Option<Need>,
    #[arg(long)]
    owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    id: String,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    amount: Option<String>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long, value_name = "DATE")]
    close: Option<String>,
    #[arg(long, value_parser = vocab::<Need>)]
    need: Option<Need>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long, value_name = "N")]
    if_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    // With `--account` the one word given is the summary: clap allows no
    // optional word before a required one.
    id: String,
    summary: Option<String>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long, value_parser = vocab::<ActivityKind>)]
    kind: ActivityKind,
    // `-2d` is a moment, not an option.
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    at: Option<String>,
}

pub fn run(ctx: &mut Context, cmd: DealCommand) -> CliResult {
    match cmd {
        DealCommand::Add(a) => {
            let amount = a.amount.as_deref().map(parse::parse_amount).transpose()?;
            let expected_close = a.close.as_deref().map(|d| ctx.date(d)).transpose()?;
            let account_id = ctx.store.match_account(&a.account)?;
            let id = ctx.store.add_deal(NewDeal {
                account_id,
                title: a.title,
                amount,
                stage: a.stage,
                need: a.need,
                expected_close,
                owner: a.owner,
            })?;
            println!("{id}");
        }
        DealCommand::Update(u) => {
            let amount = u.amount.as_deref().map(parse::parse_amount).transpose()?;
            let expected_close = match u.close.as_deref() {
                None => None,
                Some(t) if t.trim().eq_ignore_ascii_case("none") => Some(None),
                Some(t) => Some(Some(ctx.date(t)?)),
            };
            let id = ctx.store.resolve(Table::Deals, &u.id)?;
            let changes = ctx
                .store
                .update_deal(
                    id,
                    DealPatch {
                        title: u.title,
                        amount,
                        stage: u.stage,
                        need: u.need,
                        expected_close,
                        owner: u.owner,
                        expected_version: u.if_version,
                    },
                )
                .map_err(|e| {
                    refused(ctx, e, "error.deal_conflict", u.if_version, |s| {
                        s.deal(id).map(|d| d.meta.version)
                    })
                })?;
            println!("{}", ctx.catalog.fmt("msg.updated", &[("id", &id.short())]));
            for c in changes {
                println!(
                    "{}",
                    ctx.catalog.fmt(
                        "msg.regraded",
                        &[
                            ("from", c.from.as_str()),
                            ("to", c.to.as_str()),
                            ("reason", &crate::timeline::reason(&c.reason, &ctx.catalog))
                        ],
                    )
                );
            }
        }
        DealCommand::Won { id, amount } => {
            let amount = amount.as_deref().map(parse::parse_amount).transpose()?;
            let id = ctx.store.resolve(Table::Deals, &id)?;
            ctx.store.won(id, amount)?;
            println!("{}", ctx.catalog.fmt("msg.won", &[("id", &id.short())]));
        }
        DealCommand::Lost { id, reason } => {
            let id = ctx.store.resolve(Table::Deals, &id)?;
            ctx.store.lost(id, &reason)?;
            println!("{}", ctx.catalog.fmt("msg.lost", &[("id", &id.short())]));
        }
        DealCommand::Pin { id, grade, reason } => {
            let id = ctx.store.resolve(Table::Deals, &id)?;
            ctx.store.pin(id, grade, &reason)?;
            println!(
                "{}",
                ctx.catalog.fmt(
                    "msg.pinned",
                    &[("id", &id.short()), ("grade", grade.as_str())]
                )
            );
        }
        DealCommand::Unpin { id } => {
            let id = ctx.store.resolve(Table::Deals, &id)?;
            ctx.store.unpin(id)?;
            println!(
                "{}",
                ctx.catalog.fmt("msg.unpinned", &[("id", &id.short())])
            );
        }
    }
    Ok(())
}

pub fn log(ctx: &mut Context, args: LogArgs) -> CliResult {
    let (on, summary) = super::activities::target(ctx, &args.id, args.summary, args.account)?;
    let at = args
        .at
        .as_deref()
        .map(|at| super::activities::moment(ctx, at))
        .transpose()?;
    let activity = ctx.store.log_on(on, args.kind, &summary, at)?;
    println!("{activity}");
    Ok(())
}

/// A save `--if-version` refused, said for the command line (`key` is the
/// text for the row's kind): who changed the row and when, in the user's own
/// time, both versions, and how to go on. Any other error passes as it is.
pub(super) fn refused(
    ctx: &Context,
    e: StoreError,
    key: &str,
    had: Option<i64>,
    version_now: impl FnOnce(&Store) -> crate::store::Result<i64>,
) -> Failure {
    let Some(had) = had else {
        return e.into();
    };
    let StoreError::Conflict { id, by, at, .. } = e else {
        return e.into();
    };
    // The row went away since (deleted by the other user): that is the news.
    let version = match version_now(&ctx.store) {
        Ok(version) => version,
        Err(gone) => return gone.into(),
    };
    let at = ctx.store.session().local_minute_of(&at);
    Failure::Error(ctx.catalog.fmt(
        key,
        &[
            ("id", &id),
            ("by", &by),
            ("at", &at),
            ("version", &version.to_string()),
            ("had", &had.to_string()),
        ],
    ))
}
