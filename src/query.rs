//! The filter language of `list` and the TUI's `/`: `key:value` terms on the
//! segment dimensions of SPEC §3 plus free text, e.g.
//! `grade:A tier:B region:华东 lifecycle:churned owner:me ERP`.
//!
//! Values of one key are alternatives (`grade:A,B` or `grade:A grade:B`);
//! different keys must all hold. A word whose key is not one of ours is
//! free text, so `10:30` still searches for itself.

use std::str::FromStr;

use crate::domain::{
    AccountKind, Behaviour, Grade, Lifecycle, ProductTier, RiskReason, Satisfaction, UnknownValue,
    ValueTier,
};

/// A parsed filter. Empty lists and empty text ask nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub grades: Vec<Grade>,
    /// Stage ids or labels, as typed: the store resolves them.
    pub stages: Vec<String>,
    pub owners: Vec<String>,
    pub tiers: Vec<ValueTier>,
    pub kinds: Vec<AccountKind>,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub channels: Vec<String>,
    pub product_tiers: Vec<ProductTier>,
    pub lifecycles: Vec<Lifecycle>,
    pub satisfactions: Vec<Satisfaction>,
    pub behaviours: Vec<Behaviour>,
    /// `risk:any` is any reason.
    pub risks: Vec<RiskReason>,
    pub at_risk: bool,
    /// The words that are not terms, joined by single spaces.
    pub text: String,
}

/// What `--group-by` counts rows by: every segment dimension of SPEC §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dimension {
    Grade,
    Tier,
    Stage,
    Kind,
    Industry,
    Region,
    Channel,
    ProductTier,
    Lifecycle,
    Satisfaction,
    Behaviour,
    Owner,
}

impl Dimension {
    /// The JSON key and the catalogue's `vocab` name of its values.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Grade => "grade",
            Dimension::Tier => "value_tier",
            Dimension::Stage => "stage",
            Dimension::Kind => "kind",
            Dimension::Industry => "industry",
            Dimension::Region => "region",
            Dimension::Channel => "channel",
            Dimension::ProductTier => "product_tier",
            Dimension::Lifecycle => "lifecycle",
            Dimension::Satisfaction => "satisfaction",
            Dimension::Behaviour => "behaviour",
            Dimension::Owner => "owner",
        }
    }

    /// Whether it is a property of a deal rather than of its account.
    pub fn of_deals(self) -> bool {
        matches!(self, Dimension::Grade | Dimension::Stage)
    }
}

/// A term whose value is not one its key allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("`{term}`: {source}")]
    Value {
        term: String,
        #[source]
        source: UnknownValue,
    },
    #[error("`{term}` has no value; write it as {key}:VALUE")]
    Empty { term: String, key: &'static str },
    #[error("`{key}` is no filter key; use one of: {known}")]
    UnknownKey { key: String, known: String },
}

/// The keys, each with the other spellings people type (Chinese included).
const KEYS: &[(&str, &[&str])] = &[
    ("grade", &["等级"]),
    ("stage", &["阶段"]),
    ("owner", &["负责人"]),
    ("tier", &["value_tier", "价值", "分层", "价值分层"]),
    ("kind", &["type", "类型"]),
    ("industry", &["行业"]),
    ("region", &["地区", "区域"]),
    ("channel", &["渠道"]),
    ("product", &["product_tier", "产品"]),
    ("lifecycle", &["生命周期"]),
    ("satisfaction", &["满意度"]),
    ("behaviour", &["behavior", "购买"]),
    ("risk", &["at_risk", "风险"]),
];

impl Query {
    /// Parses `input`; `owner:me` means `user`.
    pub fn parse(input: &str, user: &str) -> Result<Query, QueryError> {
        let mut query = Query::default();
        let mut words = Vec::new();
        for word in split_words(input) {
            match split_term(&word)? {
                Some((key, values)) => query.add(key, &word, &values, user)?,
                None => words.push(word),
            }
        }
        query.text = words.join(" ");
        Ok(query)
    }

    /// Whether the query asks anything of the account a row belongs to.
    pub fn has_account_terms(&self) -> bool {
        !(self.tiers.is_empty()
            && self.kinds.is_empty()
            && self.industries.is_empty()
            && self.regions.is_empty()
            && self.channels.is_empty()
            && self.product_tiers.is_empty()
            && self.lifecycles.is_empty()
            && self.satisfactions.is_empty()
            && self.behaviours.is_empty()
            && self.risks.is_empty()
            && !self.at_risk)
    }

    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    fn add(
        &mut self,
        key: &'static str,
        term: &str,
        values: &[String],
        user: &str,
    ) -> Result<(), QueryError> {
        if values.is_empty() {
            return Err(QueryError::Empty {
                term: term.to_string(),
                key,
            });
        }
        match key {
            "grade" => parse_into(&mut self.grades, values, term),
            "tier" => parse_into(&mut self.tiers, values, term),
            "kind" => parse_into(&mut self.kinds, values, term),
            "product" => parse_into(&mut self.product_tiers, values, term),
            "lifecycle" => parse_into(&mut self.lifecycles, values, term),
            "satisfaction" => parse_into(&mut self.satisfactions, values, term),
            "behaviour" => parse_into(&mut self.behaviours, values, term),
            "risk" => {
                for value in values {
                    if ["any", "yes"].contains(&value.to_ascii_lowercase().as_str()) {
                        self.at_risk = true;
                    } else {
                        parse_into(&mut self.risks, std::slice::from_ref(value), term)?;
                    }
                }
                Ok(())
            }
            "owner" => {
                let me = |v: &String| {
                    if v.eq_ignore_ascii_case("me") {
                        user.to_string()
                    } else {
                        v.clone()
                    }
                };
                self.owners.extend(values.iter().map(me));
                Ok(())
            }
            "stage" => {
                self.stages.extend(values.iter().cloned());
                Ok(())
            }
            "industry" => {
                self.industries.extend(values.iter().cloned());
                Ok(())
            }
            "region" => {
                self.regions.extend(values.iter().cloned());
                Ok(())
            }
            "channel" => {
                self.channels.extend(values.iter().cloned());
                Ok(())
            }
            other => unreachable!("`{other}` is not one of KEYS"),
        }
    }
}

fn parse_into<T: FromStr<Err = UnknownValue>>(
    list: &mut Vec<T>,
    values: &[String],
    term: &str,
) -> Result<(), QueryError> {
    for value in values {
        let parsed = value.parse().map_err(|source| QueryError::Value {
            term: term.to_string(),
            source,
        })?;
        list.push(parsed);
    }
    Ok(())
}

/// Words split at whitespace; double quotes keep spaces inside a word
/// (`region:"North America"`) and are dropped.
fn split_words(input: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `key:a,b` (a full-width `：` and `，` too) as our key and its values.
/// A `key:values` term, or none for free text. A word whose part before
/// the colon is a word (`regoin:华东`) must name a key: a misspelt key is
/// said, not searched for as text; `15:00` and `ERP2:x` stay text.
fn split_term(word: &str) -> Result<Option<(&'static str, Vec<String>)>, QueryError> {
    let Some((key, values)) = word.split_once([':', '：']) else {
        return Ok(None);
    };
    let key = key.to_lowercase().replace('-', "_");
    let found = KEYS
        .iter()
        .find(|(name, aliases)| *name == key || aliases.contains(&key.as_str()));
    let Some((key, _)) = found else {
        let a_word = !key.is_empty() && key.chars().all(|c| c.is_alphabetic() || c == '_');
        if a_word {
            return Err(QueryError::UnknownKey {
                key,
                known: KEYS
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        return Ok(None);
    };
    let values = values
        .split([',', '，'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Some((key, values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Query {
        Query::parse(input, "li.na").expect("a valid query")
    }

    #[test]
    fn chinese_keys_and_values_filter_as_the_english_ones_do() {
        let zh = parse("生命周期:流失 类型:企业 分层:A 满意度:不满意 购买:偶尔");
        let en = parse(
            "lifecycle:churned kind:enterprise tier:A satisfaction:dissatisfied behaviour:occasional",
        );
        assert_eq!(zh, en);
    }

    #[test]
    fn a_misspelt_key_is_said_and_times_stay_text() {
        let err = Query::parse("regoin:华东", "li.na").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`regoin` is no filter key; use one of: grade, stage"),
            "{err}"
        );
        assert_eq!(parse("15:00 回访").text, "15:00 回访");
    }

    #[test]
    fn terms_and_free_text_separate() {
        let q = parse("grade:A tier:B region:华东 lifecycle:churned owner:me ERP 二期");
        assert_eq!(q.grades, vec![Grade::A]);
        assert_eq!(q.tiers, vec![ValueTier::B]);
        assert_eq!(q.regions, vec!["华东".to_string()]);
        assert_eq!(q.lifecycles, vec![Lifecycle::Churned]);
        assert_eq!(q.owners, vec!["li.na".to_string()]);
        assert_eq!(q.text, "ERP 二期");
        assert!(q.has_account_terms());
    }

    #[test]
    fn values_of_one_key_are_alternatives() {
        let q = parse("grade:a,b grade:C product:high");
        assert_eq!(q.grades, vec![Grade::A, Grade::B, Grade::C]);
        assert_eq!(q.product_tiers, vec![ProductTier::High]);
    }

    #[test]
    fn chinese_keys_full_width_colons_and_quotes() {
        let q = parse("等级：A 区域:华南，华东 region:\"North America\" 风险:any");
        assert_eq!(q.grades, vec![Grade::A]);
        assert_eq!(q.regions, vec!["华南", "华东", "North America"]);
        assert!(q.at_risk);
        assert!(q.text.is_empty());
    }

    #[test]
    fn unknown_keys_are_text_and_bad_values_are_refused() {
        assert_eq!(parse("meet at 10:30").text, "meet at 10:30");
        let err = Query::parse("grade:F", "me").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`grade:F`: unknown grade `F`; use one of: A, B, C, D, E"
        );
        let err = Query::parse("tier:", "me").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tier:` has no value; write it as tier:VALUE"
        );
    }

    #[test]
    fn risk_takes_any_or_a_reason() {
        let q = parse("risk:quiet");
        assert_eq!(q.risks, vec![RiskReason::Quiet]);
        assert!(!q.at_risk);
        assert!(parse("at-risk:yes").at_risk);
    }

    #[test]
    fn an_empty_query_asks_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("   ").is_empty());
        assert!(!parse("ERP").is_empty());
    }
}
