//! Errors in the user's language, for every front end: the TUI's status
//! line and form fields, and the command line's `error:` lines.

use crate::domain::UnknownValue;
use crate::i18n::{Catalog, Lang};
use crate::parse::ParseError;
use crate::query::QueryError;
use crate::store::StoreError;

pub trait Say {
    /// One sentence for the status line or under a form field.
    fn say(&self, c: &Catalog) -> String;
}

impl Say for ParseError {
    fn say(&self, c: &Catalog) -> String {
        // The details ("there is no month 13") are English only.
        if c.lang() == Lang::En {
            return self.to_string();
        }
        match self {
            ParseError::Date { input, .. } | ParseError::ImportDate { input, .. } => {
                c.fmt("error.date", &[("input", input)])
            }
            ParseError::Amount { input, .. } => c.fmt("error.amount", &[("input", input)]),
            ParseError::DateTime { .. } => self.to_string(),
        }
    }
}

impl Say for UnknownValue {
    fn say(&self, c: &Catalog) -> String {
        if c.lang() == Lang::En {
            return self.to_string();
        }
        c.fmt(
            "error.unknown_value",
            &[("given", &self.given), ("allowed", &self.allowed)],
        )
    }
}

impl Say for QueryError {
    fn say(&self, c: &Catalog) -> String {
        match self {
            QueryError::Value { term, source } if c.lang() != Lang::En => {
                format!("{term}: {}", source.say(c))
            }
            QueryError::Empty { term, key } if c.lang() != Lang::En => {
                c.fmt("error.empty_term", &[("term", term), ("key", key)])
            }
            _ => self.to_string(),
        }
    }
}

impl Say for StoreError {
    fn say(&self, c: &Catalog) -> String {
        if c.lang() == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Conflict { id, by, at, .. } => {
                c.fmt("error.conflict", &[("id", id), ("by", by), ("at", at)])
            }
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_users_read_the_errors_they_meet_in_chinese() {
        let zh = Catalog::new(Lang::ZhCn);
        let date = crate::parse::parse_date("2026-13-01", chrono::NaiveDate::MIN).unwrap_err();
        assert!(date.say(&zh).contains("不是日期"), "{}", date.say(&zh));
        assert!(date.say(&zh).contains("2026-13-01"));
        let amount = crate::parse::parse_amount("12..5").unwrap_err();
        assert!(amount.say(&zh).contains("不是金额"), "{}", amount.say(&zh));
        let conflict = StoreError::Conflict {
            what: "deal",
            id: "0193a4f2".into(),
            by: "李娜".into(),
            at: "2026-11-23T09:30:00Z".into(),
        };
        let said = conflict.say(&zh);
        assert!(said.contains("李娜") && said.contains("0193a4f2"), "{said}");
    }

    #[test]
    fn english_keeps_the_details() {
        let en = Catalog::new(Lang::En);
        let date = crate::parse::parse_date("2026-02-30", chrono::NaiveDate::MIN).unwrap_err();
        assert_eq!(date.say(&en), date.to_string());
    }
}
