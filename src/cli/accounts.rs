use clap::{Args, Subcommand};
use serde::Serialize;

use super::segments::SegmentArgs;
use super::{CliResult, Context, vocab};
use crate::domain::{
    AccountKind, Behaviour, Contact, Lifecycle, Money, ProductTier, RiskReason, Satisfaction,
    ValueTier,
};
use crate::output::{Format, Table};
use crate::store::{AccountFilter, AccountPatch, AccountRow, AccountSort, NewAccount, Standing};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    Add(AccountFields),
    Update {
        id: String,
        #[command(flatten)]
        fields: AccountFields,
        #[arg(long, value_name = "N")]
        if_version: Option<i64>,
    },
    List {
        #[arg(long)]
        owner: Option<String>,
        #[command(flatten)]
        segments: SegmentArgs,
        #[arg(long, value_enum, default_value_t = AccountSort::Name)]
        sort: AccountSort,
        #[command(flatten)]
        order: super::views::OrderArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    Delete {
        id: String,
        #[arg(long)]
        with_deals: bool,
    },
}

#[derive(Debug, Args)]
pub struct AccountFields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long, value_parser = vocab::<AccountKind>)]
    kind: Option<AccountKind>,
    #[arg(long)]
    industry: Option<String>,
    #[arg(long)]
    region: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long, value_parser = vocab::<ProductTier>)]
    product_tier: Option<ProductTier>,
    #[arg(long, value_parser = vocab::<Satisfaction>)]
    satisfaction: Option<Satisfaction>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

/// An account as JSON shows it (SPEC §6: id, name, kind, owner and the segment fields).
#[derive(Debug, Serialize)]
struct AccountJson<'a> {
    id: String,
    name: &'a str,
    kind: AccountKind,
    industry: &'a str,
    region: &'a str,
    channel: &'a str,
    product_tier: Option<ProductTier>,
    satisfaction: Satisfaction,
    owner: &'a str,
    notes: &'a str,
    created_at: String,
    updated_at: String,
    updated_by: &'a str,
    version: i64,
    revenue_minor: Money,
    value_tier: Option<ValueTier>,
    lifecycle: Lifecycle,
    behaviour: Behaviour,
    at_risk: &'a [RiskReason],
    quiet_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contacts: Option<Vec<ContactJson<'a>>>,
}

impl super::Record for AccountJson<'_> {
    const KEYS: &'static [&'static str] = &[
        "id",
        "name",
        "kind",
        "industry",
        "region",
        "channel",
        "product_tier",
        "satisfaction",
        "owner",
        "notes",
        "created_at",
        "updated_at",
        "updated_by",
        "version",
        "revenue_minor",
        "value_tier",
        "lifecycle",
        "behaviour",
        "at_risk",
        "quiet_since",
    ];
}

#[derive(Debug, Serialize)]
struct ContactJson<'a> {
    id: String,
    name: &'a str,
    title: &'a str,
    phone: &'a str,
    email: &'a str,
    other: &'a str,
    notes: &'a str,
}

impl<'a> AccountJson<'a> {
    fn new(row: &'a AccountRow, contacts: Option<&'a [Contact]>) -> Self {
        let (a, standing) = (&row.account, &row.standing);
        AccountJson {
            id: a.id.to_string(),
            name: &a.name,
            kind: a.kind,
            industry: &a.industry,
            region: &a.region,
            channel: &a.channel,
            product_tier: a.product_tier,
            satisfaction: a.satisfaction,
            owner: &a.owner,
            notes: &a.notes,
            created_at: a.meta.created_at.to_rfc3339(),
            updated_at: a.meta.updated_at.to_rfc3339(),
            updated_by: &a.meta.updated_by,
            version: a.meta.version,
            revenue_minor: standing.revenue,
            value_tier: standing.tier,
            lifecycle: standing.lifecycle,
            behaviour: standing.behaviour,
            at_risk: &standing.risks,
            quiet_since: standing.quiet_since.map(|d| d.to_string()),
            contacts: contacts.map(|cs| {
                cs.iter()
                    .map(|c| ContactJson {
                        id: c.id.to_string(),
                        name: &c.name,
                        title: &c.title,
                        phone: &c.phone,
                        email: &c.email,
                        other: &c.other,
                        notes: &c.notes,
                    })
                    .collect()
            }),
        }
    }
}

pub fn run(ctx: &mut Context, cmd: AccountCommand) -> CliResult {
    match cmd {
        AccountCommand::Add(f) => {
            let id = ctx.store.add_account(NewAccount {
                name: f.name.unwrap_or_default(),
                kind: f.kind,
                industry: f.industry,
                region: f.region,
                channel: f.channel,
                product_tier: f.product_tier,
                satisfaction: f.satisfaction,
                owner: f.owner,
                notes: f.notes,
            })?;
            println!("{id}");
            Ok(())
        }
        AccountCommand::Update {
            id,
            fields: f,
            if_version,
        } => {
            let id = ctx.store.match_account(&id)?;
            let account = ctx
                .store
                .update_account(
                    id,
                    AccountPatch {
                        name: f.name,
                        kind: f.kind,
                        industry: f.industry,
                        region: f.region,
                        channel: f.channel,
                        product_tier: f.product_tier.map(Some),
                        satisfaction: f.satisfaction,
                        owner: f.owner,
                        notes: f.notes,
                        // Without --if-version a command changes what it
                        // names, over whatever is there.
                        expected_version: if_version,
                    },
                )
                .map_err(|e| {
                    super::deals::refused(ctx, e, "error.account_conflict", if_version, |s| {
                        s.account(id).map(|a| a.meta.version)
                    })
                })?;
            println!(
                "{}",
                ctx.catalog
                    .fmt("msg.updated", &[("id", &account.id.short())])
            );
            Ok(())
        }
        AccountCommand::List {
            owner,
            segments,
            sort,
            order,
            format,
        } => {
            let filter = AccountFilter {
                owner,
                query: segments.query(ctx)?,
                sort,
                descending: order.desc,
                limit: order.limit,
                ..AccountFilter::default()
            };
            if let Some(by) = segments.group_by {
                if by.of_deals() {
                    return Err(super::Failure::Usage(
                        ctx.catalog
                            .fmt("usage.no_account_dimension", &[("dimension", by.key())]),
                    ));
                }
                let groups = ctx.store.account_groups(&filter, by)?;
                return super::segments::print_groups(ctx, format, by, &groups, false);
            }
            let accounts = ctx.store.accounts(&filter)?;
            let json: Vec<AccountJson<'_>> =
                accounts.iter().map(|a| AccountJson::new(a, None)).collect();
            if format == Format::Table && accounts.is_empty() {
                println!("{}", ctx.catalog.get("msg.no_records"));
                return Ok(());
            }
            ctx.print(format, accounts_table(ctx, &accounts), &json)
        }
        AccountCommand::Delete { id, with_deals } => {
            let id = ctx.store.match_account(&id)?;
            let gone = ctx.store.delete_account(id, with_deals)?;
            super::trash::say_deleted(ctx, &gone);
            Ok(())
        }
        AccountCommand::Show { id, format } => {
            let id = ctx.store.match_account(&id)?;
            let row = ctx.store.account_row(id)?;
            let (account, standing) = (&row.account, &row.standing);
            let contacts = ctx.store.contacts_of(id)?;
            match format {
                Format::Json => {
                    crate::output::print_json(&AccountJson::new(&row, Some(&contacts)))?
                }
                _ => {
                    let c = &ctx.catalog;
                    let mut fields = Table::new(vec![String::new(), String::new()]);
                    let rows = [
                        ("col.id", account.id.to_string()),
                        ("col.name", account.name.clone()),
                        (
                            "col.kind",
                            c.get(&format!("account_kind.{}", account.kind)).to_string(),
                        ),
                        ("col.industry", account.industry.clone()),
                        ("col.region", account.region.clone()),
                        ("col.channel", account.channel.clone()),
                        (
                            "col.product_tier",
                            account
                                .product_tier
                                .map(|t| c.get(&format!("product_tier.{t}")).to_string())
                                .unwrap_or_default(),
                        ),
                        (
                            "col.satisfaction",
                            c.get(&format!("satisfaction.{}", account.satisfaction))
                                .to_string(),
                        ),
                        ("col.owner", account.owner.clone()),
                        ("col.notes", account.notes.clone()),
                        ("col.value_tier", tier_cell(standing.tier)),
                        ("col.revenue", standing.revenue.to_string()),
                        (
                            "col.lifecycle",
                            c.word("lifecycle", standing.lifecycle.as_str()),
                        ),
                        (
                            "col.behaviour",
                            c.word("behaviour", standing.behaviour.as_str()),
                        ),
                        ("col.at_risk", risk_cell(ctx, standing)),
                        (
                            "col.version",
                            super::views::version_cell(ctx, &account.meta),
                        ),
                    ];
                    for (key, value) in rows {
                        fields.push(vec![c.get(key).to_string(), value]);
                    }
                    print!("{}", fields.render(ctx.width));
                    if let Some(tier) = standing.tier {
                        let tier = tier.as_str();
                        let days = crate::playbook::visit_days(tier).unwrap_or_default();
                        let advice = crate::playbook::for_tier(tier, c.lang());
                        println!(
                            "\n{}",
                            c.fmt(
                                "msg.tier_playbook",
                                &[
                                    ("tier", tier),
                                    ("advice", advice),
                                    ("days", &days.to_string())
                                ]
                            )
                        );
                    }
                    if !contacts.is_empty() {
                        println!();
                        let mut table = Table::new(
                            [
                                "col.name",
                                "col.job_title",
                                "col.phone",
                                "col.email",
                                "col.other",
                            ]
                            .iter()
                            .map(|k| c.get(k).to_string())
                            .collect::<Vec<_>>(),
                        );
                        for ct in &contacts {
                            table.push(vec![
                                ct.name.clone(),
                                ct.title.clone(),
                                ct.phone.clone(),
                                ct.email.clone(),
                                ct.other.clone(),
                            ]);
                        }
                        print!("{}", table.render(ctx.width));
                    }
                }
            }
            Ok(())
        }
    }
}

fn accounts_table(ctx: &Context, accounts: &[AccountRow]) -> Table {
    let c = &ctx.catalog;
    let mut table = Table::new(
        [
            "col.id",
            "col.name",
            "col.tier",
            "col.revenue",
            "col.lifecycle",
            "col.kind",
            "col.industry",
            "col.region",
            "col.owner",
            "col.at_risk",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    )
    .right_align(3);
    for row in accounts {
        let (a, s) = (&row.account, &row.standing);
        table.push(vec![
            a.id.short(),
            a.name.clone(),
            tier_cell(s.tier),
            s.revenue.to_string(),
            c.word("lifecycle", s.lifecycle.as_str()),
            c.word("account_kind", a.kind.as_str()),
            a.industry.clone(),
            a.region.clone(),
            a.owner.clone(),
            risk_cell(ctx, s),
        ]);
    }
    table
}

/// A value tier as tables show it; "-" for an account without revenue.
pub(super) fn tier_cell(tier: Option<ValueTier>) -> String {
    tier.map(|t| t.to_string()).unwrap_or_else(|| "-".into())
}

/// Why an account is at risk, in words: "no activity for 73 days; dissatisfied".
fn risk_cell(ctx: &Context, s: &Standing) -> String {
    crate::i18n::risk_words(&ctx.catalog, &s.risks, s.quiet_days(ctx.today())).join("; ")
}
