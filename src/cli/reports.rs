//! `tierdeck report …`: the reports of SPEC §4 as tables, CSV or JSON.

use clap::{Args, ValueEnum};

use super::{CliResult, Context};
use crate::domain::{Currency, Money};
use crate::output::{Format, Table};
use crate::reports::Period;

#[derive(Debug, Args)]
pub struct ReportArgs {
    report: ReportKind,
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// A month or quarter instead of --from and --to.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
    period: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportKind {
    Funnel,
    Forecast,
    Grades,
    Abc,
    Lifecycle,
    Owners,
    Goals,
}

pub fn run(ctx: &Context, args: ReportArgs) -> CliResult {
    let goal_period = args
        .period
        .as_deref()
        .map(super::goals::period_arg)
        .transpose()?;
    if let ReportKind::Goals = args.report {
        return super::goals::report(ctx, goal_period, args.format);
    }
    let period = match goal_period {
        Some(p) => p.days(),
        None => period(ctx, &args)?,
    };
    let c = &ctx.catalog;
    let store = &ctx.store;
    let format = args.format;
    match args.report {
        ReportKind::Funnel => {
            let funnel = store.funnel(period)?;
            let mut table = table(ctx, &["stage", "reached", "conversion", "median_days"]);
            for row in &funnel.rows {
                table.push([
                    ctx.stage_label(&row.stage),
                    row.reached.to_string(),
                    percent(row.conversion),
                    row.median_days
                        .map(|d| format!("{d:.1}"))
                        .unwrap_or_default(),
                ]);
            }
            headline(
                format,
                c.fmt(
                    "report.funnel_headline",
                    &[
                        ("from", &period.from.to_string()),
                        ("to", &period.to.to_string()),
                        ("rate", &percent(funnel.win_rate)),
                        ("won", &funnel.won.to_string()),
                        ("lost", &funnel.lost.to_string()),
                    ],
                ),
            );
            ctx.print(format, table, &funnel.rows)
        }
        ReportKind::Forecast => {
            let rows = store.forecast_report()?;
            // The month and its currency are text, the rest figures.
            let mut table = figures_from(
                ctx,
                &["month", "currency", "deals", "amount", "weighted"],
                2,
            );
            let today = ctx.today().format("%Y-%m").to_string();
            for row in &rows {
                let month = match &row.month {
                    Some(m) if *m < today => c.fmt("report.slipped_month", &[("month", m)]),
                    Some(m) => m.clone(),
                    None => c.get("report.no_date").to_string(),
                };
                table.push([
                    month,
                    row.currency.to_string(),
                    row.deals.to_string(),
                    row.amount_minor.to_string(),
                    row.weighted_minor.to_string(),
                ]);
            }
            // A total per currency: amounts in two are never added.
            let mut currencies: Vec<Currency> = rows.iter().map(|r| r.currency).collect();
            currencies.dedup();
            for currency in currencies {
                let of = || rows.iter().filter(|r| r.currency == currency);
                let sum = |f: fn(&crate::reports::ForecastRow) -> Money| {
                    Money::saturating(of().map(|r| i128::from(f(r).minor())).sum())
                };
                table.push([
                    c.get("report.total").to_string(),
                    currency.to_string(),
                    of().map(|r| r.deals).sum::<usize>().to_string(),
                    sum(|r| r.amount_minor).to_string(),
                    sum(|r| r.weighted_minor).to_string(),
                ]);
            }
            ctx.print(format, table, &rows)
        }
        ReportKind::Grades => {
            let rows = store.grades_report()?;
            let mut table = figures_from(
                ctx,
                &["grade", "currency", "deals", "amount", "slipped", "stale"],
                2,
            );
            for row in &rows {
                table.push([
                    row.grade.to_string(),
                    row.currency.to_string(),
                    row.deals.to_string(),
                    row.amount_minor.to_string(),
                    row.slipped.to_string(),
                    row.stale.to_string(),
                ]);
            }
            ctx.print(format, table, &rows)
        }
        ReportKind::Abc => {
            let abc = store.abc()?;
            if let Some(p) = abc.pareto {
                headline(
                    format,
                    c.fmt(
                        "report.pareto",
                        &[
                            ("percent", &p.top_percent.to_string()),
                            ("top", &p.top.to_string()),
                            ("ranked", &p.ranked.to_string()),
                            ("share", &percent(Some(p.share))),
                        ],
                    ),
                );
            }
            if format == Format::Table {
                let mut tiers = table(ctx, &["value_tier", "accounts", "revenue", "share"]);
                for t in &abc.tiers {
                    tiers.push([
                        t.tier.to_string(),
                        t.accounts.to_string(),
                        t.revenue_minor.to_string(),
                        percent(Some(t.share)),
                    ]);
                }
                println!("{}", tiers.render(ctx.width));
                let unranked = store.unranked_revenue()?;
                if !unranked.is_empty() {
                    let home = store.currency()?.to_string();
                    let elsewhere = unranked.to_string();
                    println!(
                        "{}\n",
                        c.fmt(
                            "report.unranked",
                            &[("currency", &home), ("amounts", &elsewhere)]
                        )
                    );
                }
            }
            let mut table = table(ctx, &["account", "revenue", "value_tier", "cumulative"]);
            for row in &abc.rows {
                table.push([
                    row.account.clone(),
                    row.revenue_minor.to_string(),
                    row.tier.to_string(),
                    percent(Some(row.cumulative_share)),
                ]);
            }
            if format == Format::Table && abc.rows.is_empty() {
                println!("{}", c.get("report.no_revenue"));
                return Ok(());
            }
            ctx.print(format, table, &abc.rows)
        }
        ReportKind::Lifecycle => {
            let report = store.lifecycle_report()?;
            let mut table = table(
                ctx,
                &[
                    "lifecycle",
                    "accounts",
                    "revenue",
                    "frequent",
                    "occasional",
                    "at_risk",
                ],
            );
            for row in &report.rows {
                table.push([
                    c.word("lifecycle", row.lifecycle.as_str()),
                    row.accounts.to_string(),
                    row.revenue_minor.to_string(),
                    row.frequent.to_string(),
                    row.occasional.to_string(),
                    row.at_risk.to_string(),
                ]);
            }
            if format != Format::Table {
                return ctx.print(format, table, &report.rows);
            }
            print!("{}", table.render(ctx.width));
            let columns = ["account", "lifecycle", "value_tier", "owner", "reason"];
            let mut risky = figures_from(ctx, &columns, columns.len());
            for row in &report.rows {
                for a in &row.at_risk_accounts {
                    let reasons = crate::i18n::risk_words(c, &a.reasons, Some(a.quiet_days));
                    risky.push([
                        a.account.clone(),
                        c.word("lifecycle", row.lifecycle.as_str()),
                        super::accounts::tier_cell(a.tier),
                        a.owner.clone(),
                        reasons.join("; "),
                    ]);
                }
            }
            if !risky.is_empty() {
                println!("\n{}", c.get("report.at_risk"));
                print!("{}", risky.render(ctx.width));
            }
            Ok(())
        }
        ReportKind::Owners => {
            let rows = store.owners_report(period)?;
            let mut table = figures_from(
                ctx,
                &[
                    "owner",
                    "currency",
                    "won",
                    "won_amount",
                    "lost",
                    "win_rate",
                    "open_deals",
                    "open_amount",
                    "weighted",
                    "overdue_revisits",
                    "satisfied",
                    "neutral",
                    "dissatisfied",
                ],
                2,
            );
            for row in &rows {
                table.push([
                    if row.owner.is_empty() {
                        "-".to_string()
                    } else {
                        row.owner.clone()
                    },
                    row.currency.to_string(),
                    row.won.to_string(),
                    row.won_amount_minor.to_string(),
                    row.lost.to_string(),
                    percent(row.win_rate),
                    row.open_deals.to_string(),
                    row.open_amount_minor.to_string(),
                    row.weighted_minor.to_string(),
                    row.overdue_revisits.to_string(),
                    row.satisfied.to_string(),
                    row.neutral.to_string(),
                    row.dissatisfied.to_string(),
                ]);
            }
            ctx.print(format, table, &rows)
        }
        ReportKind::Goals => unreachable!("goals are reported above"),
    }
}

fn period(ctx: &Context, args: &ReportArgs) -> CliResult<Period> {
    let to = match args.to.as_deref() {
        Some(d) => ctx.date(d)?,
        None => ctx.today(),
    };
    let from = match args.from.as_deref() {
        Some(d) => ctx.date(d)?,
        None => ctx.store.period_ending(to).from,
    };
    if from > to {
        let (from, to) = (from.to_string(), to.to_string());
        return Err(super::Failure::Usage(
            ctx.catalog
                .fmt("usage.from_after_to", &[("from", &from), ("to", &to)]),
        ));
    }
    Ok(Period { from, to })
}

/// A table whose first column is text and the rest figures.
fn table(ctx: &Context, columns: &[&str]) -> Table {
    figures_from(ctx, columns, 1)
}

/// A table whose columns from `first` on are figures.
fn figures_from(ctx: &Context, columns: &[&str], first: usize) -> Table {
    let mut table = Table::new(
        columns
            .iter()
            .map(|k| ctx.catalog.get(&format!("col.{k}")).to_string())
            .collect::<Vec<_>>(),
    );
    for i in first..columns.len() {
        table = table.right_align(i);
    }
    table
}

/// A line above the table, for people: CSV and JSON stay bare records.
fn headline(format: Format, line: String) {
    if format == Format::Table {
        println!("{line}\n");
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_string(), |s| format!("{:.1}%", s * 100.0))
}

// The keys of the report rows, for the header of an empty CSV.
impl super::Record for crate::reports::AbcRow {
    const KEYS: &'static [&'static str] = &["account", "revenue_minor", "tier", "cumulative_share"];
}

impl super::Record for crate::reports::ForecastRow {
    const KEYS: &'static [&'static str] = &[
        "currency",
        "month",
        "deals",
        "amount_minor",
        "weighted_minor",
    ];
}

impl super::Record for crate::reports::OwnerRow {
    const KEYS: &'static [&'static str] = &[
        "currency",
        "owner",
        "won",
        "won_amount_minor",
        "lost",
        "win_rate",
        "open_deals",
        "open_amount_minor",
        "weighted_minor",
        "overdue_revisits",
        "accounts",
        "satisfied",
        "neutral",
        "dissatisfied",
    ];
}

impl super::Record for crate::reports::FunnelRow {
    const KEYS: &'static [&'static str] = &["stage", "reached", "conversion", "median_days"];
}

impl super::Record for crate::reports::GradeRow {
    const KEYS: &'static [&'static str] = &[
        "currency",
        "grade",
        "deals",
        "amount_minor",
        "slipped",
        "stale",
    ];
}

impl super::Record for crate::reports::LifecycleRow {
    const KEYS: &'static [&'static str] = &[
        "lifecycle",
        "accounts",
        "revenue_minor",
        "frequent",
        "occasional",
        "at_risk",
        "at_risk_accounts",
    ];
}
