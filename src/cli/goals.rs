//! `goal set|list|delete` and `report goals`: sales targets (SPEC §4, §6).

use clap::{ArgGroup, Args, Subcommand};
use serde::Serialize;

use super::{CliResult, Context};
use crate::domain::Money;
use crate::output::{Format, Table};
use crate::parse;
use crate::reports::{Goal, GoalPeriod, GoalRow, Measure, Pace};
use crate::store::{GoalRefusal, GoalSet, GoalTarget, StoreError, Table as Ids};

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    Set(SetArgs),
    List {
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    Delete {
        id: String,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("who").required(true).args(["owner", "team"])))]
pub struct SetArgs {
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    #[arg(long)]
    team: bool,
    #[arg(long, value_name = "PERIOD")]
    period: String,
    #[arg(long, value_name = "AMOUNT")]
    won_amount: Option<String>,
    #[arg(long, value_name = "N")]
    won_deals: Option<u32>,
    #[arg(long, value_name = "N")]
    activities: Option<u32>,
}

/// A goal as JSON and CSV show it; the keys are a contract.
#[derive(Debug, Serialize)]
struct GoalJson<'a> {
    id: String,
    owner: &'a str,
    team: bool,
    period: String,
    won_amount_minor: Option<i64>,
    currency: Option<String>,
    won_deals: Option<i64>,
    activities: Option<i64>,
    updated_by: &'a str,
    version: i64,
}

impl super::Record for GoalJson<'_> {
    const KEYS: &'static [&'static str] = &[
        "id",
        "owner",
        "team",
        "period",
        "won_amount_minor",
        "currency",
        "won_deals",
        "activities",
        "updated_by",
        "version",
    ];
}

impl super::Record for GoalRow {
    const KEYS: &'static [&'static str] = &[
        "goal_id",
        "owner",
        "team",
        "period",
        "measure",
        "currency",
        "target",
        "attained",
        "percent",
        "gap",
        "working_days_left",
        "pace_per_day",
        "pipeline_deals",
        "pipeline_weighted_minor",
    ];
}

impl<'a> GoalJson<'a> {
    fn new(g: &'a Goal) -> Self {
        GoalJson {
            id: g.id.to_string(),
            owner: &g.owner,
            team: g.is_team(),
            period: g.period.to_string(),
            won_amount_minor: g.won_amount.map(|(m, _)| m.minor()),
            currency: g.won_amount.map(|(_, c)| c.to_string()),
            won_deals: g.won_deals,
            activities: g.activities,
            updated_by: &g.updated_by,
            version: g.version,
        }
    }
}

/// `--period` as a month or a quarter, refused in the user's words.
pub fn period_arg(given: &str) -> CliResult<GoalPeriod> {
    GoalPeriod::parse(given).ok_or_else(|| {
        StoreError::from(GoalRefusal::BadPeriod {
            given: given.to_string(),
        })
        .into()
    })
}

pub fn run(ctx: &mut Context, cmd: GoalCommand) -> CliResult {
    match cmd {
        GoalCommand::Set(a) => {
            let period = period_arg(&a.period)?;
            let won_amount = a
                .won_amount
                .as_deref()
                .map(parse::parse_amount)
                .transpose()?
                .map(|amount| (amount.money, amount.currency));
            let owner = if a.team { None } else { a.owner };
            let set = ctx.store.set_goal(GoalTarget {
                owner: owner.clone(),
                period,
                won_amount,
                won_deals: a.won_deals.map(i64::from),
                activities: a.activities.map(i64::from),
            })?;
            let who = who(ctx, owner.as_deref().unwrap_or_default());
            let (key, id) = match set {
                GoalSet::Created(id) => ("msg.goal_created", id),
                GoalSet::Changed(id) => ("msg.goal_changed", id),
                GoalSet::Unchanged(id) => ("msg.goal_unchanged", id),
            };
            let period = period.to_string();
            println!(
                "{}",
                ctx.catalog.fmt(
                    key,
                    &[("id", &id.short()), ("who", &who), ("period", &period)]
                )
            );
        }
        GoalCommand::List { period, format } => {
            let period = period.as_deref().map(period_arg).transpose()?;
            let goals = ctx.store.goals(period)?;
            if format == Format::Table && goals.is_empty() {
                println!("{}", ctx.catalog.get("msg.no_goals"));
                return Ok(());
            }
            let json: Vec<GoalJson<'_>> = goals.iter().map(GoalJson::new).collect();
            ctx.print(format, goals_table(ctx, &goals), &json)?;
        }
        GoalCommand::Delete { id } => {
            let id = ctx.store.resolve(Ids::Goals, &id)?;
            let gone = ctx.store.delete_goal(id)?;
            super::trash::say_deleted(ctx, &gone);
        }
    }
    Ok(())
}

/// An owner as people read it; the team's goal has none.
fn who(ctx: &Context, owner: &str) -> String {
    if owner.is_empty() {
        ctx.catalog.get("report.team").to_string()
    } else {
        owner.to_string()
    }
}

fn goals_table(ctx: &Context, goals: &[Goal]) -> Table {
    let c = &ctx.catalog;
    let columns = [
        "col.id",
        "col.owner",
        "col.period",
        "col.won_amount",
        "col.won_deals",
        "col.activities",
    ];
    let mut table = Table::new(
        columns
            .iter()
            .map(|k| c.get(k).to_string())
            .collect::<Vec<_>>(),
    );
    for i in 3..columns.len() {
        table = table.right_align(i);
    }
    for g in goals {
        table.push(vec![
            g.id.short(),
            who(ctx, &g.owner),
            g.period.to_string(),
            g.won_amount
                .map(|(m, cur)| format!("{m} {cur}"))
                .unwrap_or_default(),
            g.won_deals.map(|n| n.to_string()).unwrap_or_default(),
            g.activities.map(|n| n.to_string()).unwrap_or_default(),
        ]);
    }
    table
}

/// `report goals`: each measure of each goal of the period (by default
/// those in force today), the team's under the reps'.
pub fn report(ctx: &Context, period: Option<GoalPeriod>, format: Format) -> CliResult {
    let c = &ctx.catalog;
    let rows = ctx.store.goal_report(period)?;
    if format == Format::Table && rows.is_empty() {
        println!("{}", c.get("msg.no_goals"));
        return Ok(());
    }
    let columns = [
        "owner",
        "period",
        "measure",
        "currency",
        "target",
        "attained",
        "percent",
        "gap",
        "days_left",
        "pace",
        "pipeline",
        "weighted",
    ];
    let mut table = Table::new(
        columns
            .iter()
            .map(|k| c.get(&format!("col.{k}")).to_string())
            .collect::<Vec<_>>(),
    );
    for i in 4..columns.len() {
        table = table.right_align(i);
    }
    let blank = String::new;
    for row in &rows {
        let figure = |n: i64| match row.measure {
            Measure::WonAmount => Money(n).to_string(),
            Measure::WonDeals | Measure::Activities => n.to_string(),
        };
        table.push(vec![
            who(ctx, &row.owner),
            row.period.to_string(),
            c.word("goal_measure", row.measure.as_str()),
            row.currency.map(|cur| cur.to_string()).unwrap_or_default(),
            row.target.map(figure).unwrap_or_default(),
            figure(row.attained),
            row.percent.map(|p| format!("{p}%")).unwrap_or_default(),
            row.gap.map(figure).unwrap_or_default(),
            row.working_days_left.to_string(),
            match row.pace_per_day {
                Some(Pace::Minor(m)) => Money(m).to_string(),
                Some(Pace::Count(n)) => format!("{n:.1}"),
                None if row.gap.is_some_and(|g| g > 0) => c.get("report.period_over").to_string(),
                None => blank(),
            },
            row.pipeline_deals
                .map(|n| n.to_string())
                .unwrap_or_default(),
            row.pipeline_weighted_minor
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ]);
    }
    ctx.print(format, table, &rows)
}
