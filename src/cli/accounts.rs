use clap::{Args, Subcommand};
use serde::Serialize;

use super::{CliResult, Context, vocab};
use crate::domain::{Account, AccountKind, Contact, ProductTier, Satisfaction};
use crate::output::{Format, Table};
use crate::store::{AccountFilter, AccountPatch, NewAccount};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account; prints its id
    Add(AccountFields),
    /// Change an account's fields
    Update {
        /// Account id (a unique prefix of at least 4 characters is enough) or exact name
        id: String,
        #[command(flatten)]
        fields: AccountFields,
    },
    /// List accounts
    List {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one account with its contacts
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct AccountFields {
    #[arg(long)]
    name: Option<String>,
    /// enterprise, individual or wholesale
    #[arg(long, value_parser = vocab::<AccountKind>)]
    kind: Option<AccountKind>,
    #[arg(long)]
    industry: Option<String>,
    #[arg(long)]
    region: Option<String>,
    /// Route to market: direct, distributor, retail, online or your own word
    #[arg(long)]
    channel: Option<String>,
    /// high, mid or low
    #[arg(long, value_parser = vocab::<ProductTier>)]
    product_tier: Option<ProductTier>,
    /// satisfied, neutral, dissatisfied or unknown
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
    #[serde(skip_serializing_if = "Option::is_none")]
    contacts: Option<Vec<ContactJson<'a>>>,
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
    fn new(a: &'a Account, contacts: Option<&'a [Contact]>) -> Self {
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
        AccountCommand::Update { id, fields: f } => {
            let id = ctx.store.find_account(&id)?;
            let account = ctx.store.update_account(
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
                    // A command changes what it names, over whatever is there.
                    expected_version: None,
                },
            )?;
            println!(
                "{}",
                ctx.catalog
                    .fmt("msg.updated", &[("id", &account.id.short())])
            );
            Ok(())
        }
        AccountCommand::List { owner, format } => {
            let accounts = ctx.store.accounts(&AccountFilter {
                owner,
                ..AccountFilter::default()
            })?;
            let json: Vec<AccountJson<'_>> =
                accounts.iter().map(|a| AccountJson::new(a, None)).collect();
            ctx.print(format, accounts_table(ctx, &accounts), &json)
        }
        AccountCommand::Show { id, format } => {
            let id = ctx.store.find_account(&id)?;
            let account = ctx.store.account(id)?;
            let contacts = ctx.store.contacts_of(id)?;
            match format {
                Format::Json => {
                    crate::output::print_json(&AccountJson::new(&account, Some(&contacts)))?
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
                    ];
                    for (key, value) in rows {
                        fields.push(vec![c.get(key).to_string(), value]);
                    }
                    print!("{}", fields.render(ctx.width));
                    if !contacts.is_empty() {
                        println!();
                        let mut table = Table::new(
                            [
                                "col.name",
                                "col.title",
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

fn accounts_table(ctx: &Context, accounts: &[Account]) -> Table {
    let c = &ctx.catalog;
    let mut table = Table::new(
        [
            "col.id",
            "col.name",
            "col.kind",
            "col.industry",
            "col.region",
            "col.channel",
            "col.satisfaction",
            "col.owner",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    );
    for a in accounts {
        table.push(vec![
            a.id.short(),
            a.name.clone(),
            c.get(&format!("account_kind.{}", a.kind)).to_string(),
            a.industry.clone(),
            a.region.clone(),
            a.channel.clone(),
            c.get(&format!("satisfaction.{}", a.satisfaction))
                .to_string(),
            a.owner.clone(),
        ]);
    }
    table
}
