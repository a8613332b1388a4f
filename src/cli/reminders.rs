use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::views::ReminderJson;
use super::{CliResult, Context};
use crate::domain::{Reminder, ReminderKind};
use crate::ics::{self, IcsReminder};
use crate::output::{Format, Table};
use crate::store::{DueFilter, ReminderOrder, ReminderRow, ReminderSort};

#[derive(Debug, Args)]
pub struct RemindersArgs {
    #[arg(long, value_enum, value_parser = super::plain_values::<DueFilter>(), default_value_t = DueFilter::All)]
    due: DueFilter,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long, value_enum, default_value_t = ReminderSort::Due)]
    sort: ReminderSort,
    #[command(flatten)]
    order: super::views::OrderArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RemindCommand {
    Done {
        id: String,
    },
    Snooze {
        id: String,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        until: String,
    },
    Dismiss {
        id: String,
    },
}

#[derive(Debug, Serialize)]
struct ReminderListJson {
    #[serde(flatten)]
    reminder: ReminderJson,
    deal_title: String,
    account: String,
    grade: String,
    owner: String,
}

impl super::Record for ReminderListJson {
    const KEYS: &'static [&'static str] = &[
        "id",
        "deal_id",
        "account_id",
        "kind",
        "due",
        "time",
        "status",
        "about",
        "created_on",
        "closed_on",
        "note",
        "deal_title",
        "account",
        "grade",
        "owner",
    ];
}

pub fn list(ctx: &Context, args: RemindersArgs) -> CliResult {
    let order = ReminderOrder {
        sort: args.sort,
        descending: args.order.desc,
        limit: args.order.limit,
    };
    let rows = ctx
        .store
        .reminders_in_order(args.due, args.owner.as_deref(), order)?;
    if let Some(path) = &args.ics {
        // A calendar gets every open reminder, whatever the listing shows.
        let all = ctx.store.reminders(DueFilter::All, args.owner.as_deref())?;
        write_ics(ctx, path, &all)?;
    }
    let json: Vec<ReminderListJson> = rows
        .iter()
        .map(|r| ReminderListJson {
            reminder: ReminderJson::from(&r.reminder),
            deal_title: r.deal_title.clone(),
            account: r.account.clone(),
            grade: r.grade.map(|g| g.to_string()).unwrap_or_default(),
            owner: r.owner.clone(),
        })
        .collect();
    if args.format == Format::Table && rows.is_empty() {
        println!("{}", ctx.catalog.get("msg.no_records"));
        return Ok(());
    }
    let c = &ctx.catalog;
    let today = ctx.today();
    let mut table = Table::new(
        [
            "col.id",
            "col.due",
            "col.kind",
            "col.grade",
            "col.deal",
            "col.account",
            "col.owner",
            "col.status",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    );
    for r in &rows {
        let rem = &r.reminder;
        let status = if rem.due < today && rem.status.is_pending() {
            c.get("reminder_status.overdue").to_string()
        } else {
            c.get(&format!("reminder_status.{}", rem.status))
                .to_string()
        };
        table.push(vec![
            rem.id.short(),
            rem.due.to_string(),
            crate::timeline::reminder_what(rem, c),
            r.grade.map(|g| g.to_string()).unwrap_or_default(),
            r.deal_title.clone(),
            r.account.clone(),
            r.owner.clone(),
            status,
        ]);
    }
    ctx.print(args.format, table, &json)
}

/// What a planned follow-up asks; the engine's reminders ask nothing in words.
fn follow_up_what(r: &Reminder) -> String {
    if r.kind == ReminderKind::FollowUp {
        r.note.clone()
    } else {
        String::new()
    }
}

fn write_ics(ctx: &Context, path: &std::path::Path, rows: &[ReminderRow]) -> CliResult {
    let items: Vec<IcsReminder> = rows
        .iter()
        .map(|r| IcsReminder {
            id: r.reminder.id,
            kind: r.reminder.kind,
            due: r.reminder.due,
            deal_title: r.deal_title.clone(),
            account: r.account.clone(),
            amount: r
                .amount
                .zip(r.currency)
                .map(|(a, currency)| format!("{a} {currency}"))
                .unwrap_or_default(),
            grade: r.grade,
            time: r.reminder.time,
            what: follow_up_what(&r.reminder),
            note: r
                .reminder
                .deal_id
                .map(|d| format!("tierdeck show {}", d.short()))
                .unwrap_or_default(),
        })
        .collect();
    std::fs::write(
        path,
        ics::reminders_calendar(&items, &ctx.catalog, ctx.store.session().now),
    )
    .map_err(|e| super::Failure::Error(super::failure::cannot_write(&ctx.catalog, path, &e)))?;
    let (count, path) = (items.len().to_string(), path.display().to_string());
    eprintln!(
        "{}",
        ctx.catalog
            .fmt("msg.ics_written", &[("count", &count), ("path", &path)])
    );
    Ok(())
}

pub fn run(ctx: &mut Context, cmd: RemindCommand) -> CliResult {
    match cmd {
        RemindCommand::Done { id } => {
            let id = ctx.store.resolve_reminder(&id)?;
            ctx.store.reminder_done(id)?;
            println!(
                "{}",
                ctx.catalog.fmt("msg.reminder_done", &[("id", &id.short())])
            );
        }
        RemindCommand::Snooze { id, until } => {
            let until = ctx.date(&until)?;
            let id = ctx.store.resolve_reminder(&id)?;
            ctx.store.reminder_snooze(id, until)?;
            println!(
                "{}",
                ctx.catalog.fmt(
                    "msg.reminder_snoozed",
                    &[("id", &id.short()), ("date", &until.to_string())]
                )
            );
        }
        RemindCommand::Dismiss { id } => {
            let id = ctx.store.resolve_reminder(&id)?;
            ctx.store.reminder_dismiss(id)?;
            println!(
                "{}",
                ctx.catalog
                    .fmt("msg.reminder_dismissed", &[("id", &id.short())])
            );
        }
    }
    Ok(())
}
