//! The deal form (`n` new, `e` edit): checked as you type, and nothing typed
//! is lost when a field is wrong.

use chrono::NaiveDate;

use crate::domain::{Id, Money, Need};
use crate::parse;
use crate::store::{DealRow, Store};

/// The fields in the order they are shown and tabbed through.
pub const LABELS: [&str; 6] = [
    "col.account",
    "col.title",
    "col.amount",
    "col.close",
    "col.stage",
    "col.need",
];
const ACCOUNT: usize = 0;
const TITLE: usize = 1;
const AMOUNT: usize = 2;
const CLOSE: usize = 3;
const STAGE: usize = 4;
const NEED: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealForm {
    /// The deal being edited and the version it was loaded at; `None` for a new deal.
    pub editing: Option<(Id, Id, i64)>,
    pub values: [String; 6],
    pub errors: [Option<String>; 6],
    pub focus: usize,
}

/// What a valid form asks for.
pub struct DealInput {
    pub account: Id,
    pub title: String,
    pub amount: Option<Money>,
    pub close: Option<NaiveDate>,
    pub stage: String,
    pub need: Need,
}

impl DealForm {
    pub fn new_deal(first_stage: &str) -> DealForm {
        DealForm {
            editing: None,
            values: [
                String::new(),
                String::new(),
                String::new(),
                "+1m".to_string(),
                first_stage.to_string(),
                Need::Explicit.to_string(),
            ],
            errors: Default::default(),
            focus: 0,
        }
    }

    pub fn edit(row: &DealRow) -> DealForm {
        let d = &row.deal;
        DealForm {
            editing: Some((d.id, d.account_id, d.meta.version)),
            values: [
                row.account.clone(),
                d.title.clone(),
                d.amount.to_string().replace(',', ""),
                d.expected_close.map(|c| c.to_string()).unwrap_or_default(),
                d.stage.clone(),
                d.need.to_string(),
            ],
            errors: Default::default(),
            focus: 1,
        }
    }

    pub fn focused(&mut self) -> &mut String {
        &mut self.values[self.focus]
    }

    pub fn move_focus(&mut self, forward: bool) {
        let n = LABELS.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Checks every field, leaving one sentence per wrong field; returns the
    /// input when all are right.
    pub fn check(&mut self, store: &Store, today: NaiveDate) -> Option<DealInput> {
        let v = &self.values;
        let account = store
            .find_account(&v[ACCOUNT])
            .map_err(|e| e.to_string())
            .and_then(|id| match self.editing {
                Some((_, current, _)) if current != id => Err(
                    "a deal stays with its account; add a new deal for the other one".to_string(),
                ),
                _ => Ok(id),
            });
        let title = Some(v[TITLE].trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| "a deal needs a title".to_string());
        let amount = match v[AMOUNT].trim() {
            "" => Ok(None),
            text => parse::parse_amount(text)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        let close = match v[CLOSE].trim() {
            "" => Ok(None),
            text => parse::parse_date(text, today)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        let stage = store.stage_id(&v[STAGE]).map_err(|e| e.to_string());
        let need = v[NEED].parse::<Need>().map_err(|e| e.to_string());
        self.errors = [
            account.as_ref().err().cloned(),
            title.as_ref().err().cloned(),
            amount.as_ref().err().cloned(),
            close.as_ref().err().cloned(),
            stage.as_ref().err().cloned(),
            need.as_ref().err().cloned(),
        ];
        Some(DealInput {
            account: account.ok()?,
            title: title.ok()?,
            amount: amount.ok()?,
            close: close.ok()?,
            stage: stage.ok()?,
            need: need.ok()?,
        })
    }
}
