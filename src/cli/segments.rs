//! The segment filters and group-bys that `list` and `account list` share.

use clap::Args;
use serde_json::{Map, Value};

use super::{CliResult, Context, vocab};
use crate::domain::{AccountKind, Behaviour, Lifecycle, ProductTier, Satisfaction, ValueTier};
use crate::output::{Format, Table};
use crate::query::{Dimension, Query};
use crate::store::Group;

#[derive(Debug, Args)]
pub struct SegmentArgs {
    #[arg(value_name = "TERMS")]
    terms: Vec<String>,
    #[arg(long, value_parser = vocab::<ValueTier>)]
    tier: Option<ValueTier>,
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
    #[arg(long, value_parser = vocab::<Lifecycle>)]
    lifecycle: Option<Lifecycle>,
    #[arg(long, value_parser = vocab::<Satisfaction>)]
    satisfaction: Option<Satisfaction>,
    #[arg(long, value_parser = vocab::<Behaviour>)]
    behaviour: Option<Behaviour>,
    #[arg(long)]
    at_risk: bool,
    #[arg(long)]
    mine: bool,
    #[arg(long, value_enum)]
    pub group_by: Option<Dimension>,
}

impl SegmentArgs {
    /// The terms typed and the flags given, as one query.
    pub fn query(&self, ctx: &Context) -> CliResult<Query> {
        // Each argument is one word, as the shell quoted it.
        let words: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                if t.contains(char::is_whitespace) {
                    format!("\"{t}\"")
                } else {
                    t.clone()
                }
            })
            .collect();
        let mut q = Query::parse(&words.join(" "), &ctx.store.session().user)?;
        q.tiers.extend(self.tier);
        q.kinds.extend(self.kind);
        q.industries.extend(self.industry.clone());
        q.regions.extend(self.region.clone());
        q.channels.extend(self.channel.clone());
        q.product_tiers.extend(self.product_tier);
        q.lifecycles.extend(self.lifecycle);
        q.satisfactions.extend(self.satisfaction);
        q.behaviours.extend(self.behaviour);
        q.at_risk |= self.at_risk;
        if self.mine {
            q.owners.push(ctx.store.session().user.clone());
        }
        Ok(q)
    }
}

/// Prints the groups: one row per value, with the count and the money.
pub fn print_groups(
    ctx: &Context,
    format: Format,
    by: Dimension,
    groups: &[Group],
    deals: bool,
) -> CliResult {
    let c = &ctx.catalog;
    let (count_key, money_key) = if deals {
        ("deals", "amount_minor")
    } else {
        ("accounts", "revenue_minor")
    };
    let mut table = Table::new([
        c.get(&format!("col.{}", by.key())).to_string(),
        c.get(&format!("col.{count_key}")).to_string(),
        c.get(if deals { "col.amount" } else { "col.revenue" })
            .to_string(),
        c.get("col.currency").to_string(),
    ])
    .right_align(1)
    .right_align(2);
    let mut json = Vec::new();
    for g in groups {
        let label = match (&g.value, by) {
            (None, _) => "-".to_string(),
            (Some(v), Dimension::Stage) => ctx.stage_label(v),
            (Some(v), Dimension::Kind) => c.word("account_kind", v),
            (
                Some(v),
                Dimension::Grade
                | Dimension::Tier
                | Dimension::Industry
                | Dimension::Region
                | Dimension::Owner,
            ) => v.clone(),
            (Some(v), _) => c.word(by.key(), v),
        };
        table.push([
            label,
            g.count.to_string(),
            g.money.to_string(),
            g.currency.to_string(),
        ]);
        let mut row = Map::new();
        row.insert(
            by.key().to_string(),
            g.value.clone().map_or(Value::Null, Value::String),
        );
        row.insert(count_key.to_string(), Value::from(g.count));
        row.insert(money_key.to_string(), Value::from(g.money.minor()));
        row.insert("currency".to_string(), Value::from(g.currency.code()));
        json.push(Value::Object(row));
    }
    ctx.print_keyed(format, table, &json, &[by.key(), count_key, money_key])
}
