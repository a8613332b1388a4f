use clap::{Args, Subcommand};

use super::{CliResult, Context, Failure, vocab};
use crate::domain::{ActivityKind, Currency, Grade, Id, Money, Need};
use crate::parse;
use crate::store::{DealExtras, DealPatch, NewDeal, On, Store, StoreError, Table};

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    Add(AddArgs),
    Update(UpdateArgs),
    Won {
        id: String,
        // `-12` is an amount to refuse as negative, not an unknown option.
        #[arg(long, allow_hyphen_values = true)]
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
    Delete {
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    account: String,
    #[arg(long)]
    title: String,
    #[arg(long, allow_hyphen_values = true)]
    amount: Option<String>,
    #[arg(long, value_name = "CODE", value_parser = vocab::<Currency>)]
    currency: Option<Currency>,
    #[arg(long)]
    stage: Option<String>,
    // `-5d` is five days ago, not an option.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    close: Option<String>,
    #[arg(long, value_parser = vocab::<Need>)]
    need: Option<Need>,
    #[arg(long)]
    owner: Option<String>,
    #[command(flatten)]
    more: MoreArgs,
}

/// The deal fields that say who and how: the same for `add` and `update`.
#[derive(Debug, Args)]
pub struct MoreArgs {
    // A contact of the deal's account, by name or id; `none` names nobody.
    #[arg(long, value_name = "NAME_OR_ID")]
    contact: Option<String>,
    #[arg(long)]
    source: Option<String>,
    #[arg(long)]
    next_step: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    id: String,
    #[arg(long)]
    title: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    amount: Option<String>,
    #[arg(long, value_name = "CODE", value_parser = vocab::<Currency>)]
    currency: Option<Currency>,
    #[arg(long)]
    stage: Option<String>,
    // `-5d` is five days ago, not an option.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    close: Option<String>,
    #[arg(long, value_parser = vocab::<Need>)]
    need: Option<Need>,
    #[arg(long)]
    owner: Option<String>,
    #[command(flatten)]
    more: MoreArgs,
    #[arg(long, value_name = "N")]
    if_version: Option<i64>,
}

/// The contact `--contact` names at `account`: `Some(None)` for `none`.
fn contact_at(ctx: &Context, account: Id, given: Option<&str>) -> CliResult<Option<Option<Id>>> {
    Ok(match given.map(str::trim) {
        None => None,
        Some(none) if none.eq_ignore_ascii_case("none") => Some(None),
        Some(name) => Some(Some(ctx.store.match_contact(account, name)?)),
    })
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

/// `--amount` and `--currency` as one: the amount's own marker must agree
/// with `--currency`, and either may come alone.
fn priced(
    amount: Option<&str>,
    currency: Option<Currency>,
) -> Result<(Option<Money>, Option<Currency>), Failure> {
    match amount {
        Some(text) => {
            let a = parse::parse_amount_in(text, currency)?;
            Ok((Some(a.money), a.currency))
        }
        None => Ok((None, currency)),
    }
}

pub fn run(ctx: &mut Context, cmd: DealCommand) -> CliResult {
    match cmd {
        DealCommand::Add(a) => {
            let (amount, currency) = priced(a.amount.as_deref(), a.currency)?;
            let expected_close = a.close.as_deref().map(|d| ctx.date(d)).transpose()?;
            let account_id = ctx.store.match_account(&a.account)?;
            let contact_id = contact_at(ctx, account_id, a.more.contact.as_deref())?.flatten();
            let new = NewDeal {
                account_id,
                title: a.title,
                amount,
                currency,
                stage: a.stage,
                need: a.need,
                expected_close,
                owner: a.owner,
            };
            let extras = DealExtras {
                contact_id,
                source: a.more.source.unwrap_or_default(),
                next_step: a.more.next_step.unwrap_or_default(),
                notes: a.more.notes.unwrap_or_default(),
            };
            let id = ctx.store.add_deal_with(new, extras)?;
            println!("{id}");
        }
        DealCommand::Update(u) => {
            let (amount, currency) = priced(u.amount.as_deref(), u.currency)?;
            let expected_close = match u.close.as_deref() {
                None => None,
                Some(t) if t.trim().eq_ignore_ascii_case("none") => Some(None),
                Some(t) => Some(Some(ctx.date(t)?)),
            };
            let id = ctx.store.resolve(Table::Deals, &u.id)?;
            let account = ctx.store.deal(id)?.account_id;
            let contact = contact_at(ctx, account, u.more.contact.as_deref())?;
            let changes = ctx
                .store
                .update_deal(
                    id,
                    DealPatch {
                        title: u.title,
                        amount,
                        currency,
                        stage: u.stage,
                        need: u.need,
                        expected_close,
                        owner: u.owner,
                        contact,
                        source: u.more.source,
                        next_step: u.more.next_step,
                        notes: u.more.notes,
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
            let (amount, currency) = priced(amount.as_deref(), None)?;
            let id = ctx.store.resolve(Table::Deals, &id)?;
            ctx.store.won_in(id, amount, currency)?;
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
        DealCommand::Delete { id } => {
            let id = ctx.store.resolve(Table::Deals, &id)?;
            let gone = ctx.store.delete_deal(id)?;
            super::trash::say_deleted(ctx, &gone);
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
    let name = match on {
        On::Deal(id) => {
            let deal = ctx.store.deal(id)?;
            let account = ctx.store.account(deal.account_id)?;
            format!("{} · {}", account.name, deal.title)
        }
        On::Account(id) => ctx.store.account(id)?.name,
    };
    println!("{}", logged(ctx, args.kind, &name, activity));
    Ok(())
}

/// "Logged a call on 上海华信 · ERP 升级 (activity 019ad…)": what was logged, on
/// what, and the id that corrects or withdraws it, whole: activity ids are
/// time-ordered, so those logged within a minute share their first digits.
pub(super) fn logged(ctx: &Context, kind: ActivityKind, on: &str, activity: Id) -> String {
    let c = &ctx.catalog;
    c.fmt(
        "msg.logged_on",
        &[
            ("what", c.get(&format!("activity_logged.{kind}"))),
            ("on", on),
            ("id", &activity.to_string()),
        ],
    )
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
