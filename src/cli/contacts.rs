//! `contact add|update|list|show`: the people at an account.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{CliResult, Context};
use crate::domain::Contact;
use crate::output::{Format, Table};
use crate::store::{ContactPatch, ContactRow, NewContact, Table as Ids};

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    Add {
        #[arg(long, value_name = "NAME_OR_ID")]
        account: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: ContactFields,
    },
    Update {
        id: String,
        #[arg(long, value_name = "NAME_OR_ID")]
        account: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: ContactFields,
        #[arg(long, value_name = "N")]
        if_version: Option<i64>,
    },
    List {
        #[arg(long, value_name = "NAME_OR_ID")]
        account: Option<String>,
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
    },
}

#[derive(Debug, Args)]
pub struct ContactFields {
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    other: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

/// A contact as JSON and CSV show it; the keys are a contract.
#[derive(Debug, Serialize)]
struct ContactJson<'a> {
    id: String,
    account_id: String,
    account: &'a str,
    name: &'a str,
    title: &'a str,
    phone: &'a str,
    email: &'a str,
    other: &'a str,
    notes: &'a str,
    created_at: String,
    updated_at: String,
    updated_by: &'a str,
    version: i64,
}

impl super::Record for ContactJson<'_> {
    const KEYS: &'static [&'static str] = &[
        "id",
        "account_id",
        "account",
        "name",
        "title",
        "phone",
        "email",
        "other",
        "notes",
        "created_at",
        "updated_at",
        "updated_by",
        "version",
    ];
}

impl<'a> ContactJson<'a> {
    fn new(c: &'a Contact, account: &'a str) -> Self {
        ContactJson {
            id: c.id.to_string(),
            account_id: c.account_id.to_string(),
            account,
            name: &c.name,
            title: &c.title,
            phone: &c.phone,
            email: &c.email,
            other: &c.other,
            notes: &c.notes,
            created_at: c.meta.created_at.to_rfc3339(),
            updated_at: c.meta.updated_at.to_rfc3339(),
            updated_by: &c.meta.updated_by,
            version: c.meta.version,
        }
    }
}

pub fn run(ctx: &mut Context, cmd: ContactCommand) -> CliResult {
    match cmd {
        ContactCommand::Add {
            account,
            name,
            fields: f,
        } => {
            let account_id = ctx.store.match_account(&account)?;
            let id = ctx.store.add_contact(NewContact {
                account_id,
                name,
                title: f.title,
                phone: f.phone,
                email: f.email,
                other: f.other,
                notes: f.notes,
            })?;
            println!("{id}");
        }
        ContactCommand::Update {
            id,
            account,
            name,
            fields: f,
            if_version,
        } => {
            let id = ctx.store.resolve(Ids::Contacts, &id)?;
            let account = account
                .as_deref()
                .map(|a| ctx.store.match_account(a))
                .transpose()?;
            let patch = ContactPatch {
                account,
                name,
                title: f.title,
                phone: f.phone,
                email: f.email,
                other: f.other,
                notes: f.notes,
                // Without --if-version a command changes what it names,
                // over whatever is there.
                expected_version: if_version,
            };
            ctx.store.update_contact(id, patch).map_err(|e| {
                super::deals::refused(ctx, e, "error.contact_conflict", if_version, |s| {
                    s.contact(id).map(|c| c.meta.version)
                })
            })?;
            println!("{}", ctx.catalog.fmt("msg.updated", &[("id", &id.short())]));
        }
        ContactCommand::List { account, format } => {
            let account = account
                .as_deref()
                .map(|a| ctx.store.match_account(a))
                .transpose()?;
            let rows = ctx.store.contacts(account)?;
            if format == Format::Table && rows.is_empty() {
                println!("{}", ctx.catalog.get("msg.no_records"));
                return Ok(());
            }
            let json: Vec<ContactJson<'_>> = rows
                .iter()
                .map(|r| ContactJson::new(&r.contact, &r.account))
                .collect();
            ctx.print(format, contacts_table(ctx, &rows), &json)?;
        }
        ContactCommand::Delete { id } => {
            let id = ctx.store.resolve(Ids::Contacts, &id)?;
            let gone = ctx.store.delete_contact(id)?;
            super::trash::say_deleted(ctx, &gone);
        }
        ContactCommand::Show { id, format } => {
            let id = ctx.store.resolve(Ids::Contacts, &id)?;
            let contact = ctx.store.contact(id)?;
            let account = ctx.store.account(contact.account_id)?.name;
            let json = ContactJson::new(&contact, &account);
            match format {
                Format::Json => crate::output::print_json(&json)?,
                Format::Csv => print!("{}", super::records_csv(&json, None)?),
                Format::Table => print!("{}", contact_text(ctx, &contact, &account)),
            }
        }
    }
    Ok(())
}

fn contacts_table(ctx: &Context, rows: &[ContactRow]) -> Table {
    let c = &ctx.catalog;
    let mut table = Table::new(
        [
            "col.id",
            "col.name",
            "col.account",
            "col.job_title",
            "col.phone",
            "col.email",
            "col.other",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    );
    for row in rows {
        let k = &row.contact;
        table.push(vec![
            k.id.short(),
            k.name.clone(),
            row.account.clone(),
            k.title.clone(),
            k.phone.clone(),
            k.email.clone(),
            k.other.clone(),
        ]);
    }
    table
}

fn contact_text(ctx: &Context, k: &Contact, account: &str) -> String {
    let c = &ctx.catalog;
    let mut fields = Table::new(vec![String::new(), String::new()]);
    let rows = [
        ("col.id", k.id.to_string()),
        ("col.name", k.name.clone()),
        ("col.account", account.to_string()),
        ("col.job_title", k.title.clone()),
        ("col.phone", k.phone.clone()),
        ("col.email", k.email.clone()),
        ("col.other", k.other.clone()),
        ("col.notes", k.notes.clone()),
        ("col.version", super::views::version_cell(ctx, &k.meta)),
    ];
    for (key, value) in rows {
        fields.push(vec![c.get(key).to_string(), value]);
    }
    fields.render(ctx.width)
}
