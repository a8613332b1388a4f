//! The deal, account and contact forms (`n` new, `e` edit; `c` and `C` for
//! a contact in the account's detail): checked as you type, and
//! nothing typed is lost when a field is wrong. Fields with a fixed set of
//! values are picked with ← →, shown in the user's language.

use chrono::NaiveDate;

use crate::domain::{AccountKind, Id, Need, ProductTier, Satisfaction};
use crate::i18n::Catalog;
use crate::parse;
use crate::say::Say;
use crate::store::{DealRow, Store};

/// What a form creates or changes; an edit carries the version it loaded,
/// so that the save is refused if someone else saved in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    NewDeal,
    EditDeal {
        deal: Id,
        account: Id,
        version: i64,
    },
    NewAccount,
    EditAccount {
        account: Id,
        version: i64,
    },
    /// A person at this account.
    NewContact {
        account: Id,
    },
    EditContact {
        contact: Id,
        account: Id,
        version: i64,
    },
}

/// How a field takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Typed text, checked as it is typed.
    Text,
    /// One of the open stages of the rules.
    Stage,
    /// One of `values`, shown as the catalogue's `prefix.value`; an empty
    /// value, where allowed, shows as "—".
    Choice {
        prefix: &'static str,
        values: &'static [&'static str],
    },
}

const DEAL_FIELDS: [(&str, Field); 11] = [
    ("col.account", Field::Text),
    ("col.title", Field::Text),
    ("col.amount", Field::Text),
    ("col.close", Field::Text),
    ("col.stage", Field::Stage),
    (
        "col.need",
        Field::Choice {
            prefix: "need",
            values: &["explicit", "potential", "none"],
        },
    ),
    ("col.owner", Field::Text),
    ("col.contact", Field::Text),
    ("col.source", Field::Text),
    ("col.next_step", Field::Text),
    ("col.notes", Field::Text),
];
const D_ACCOUNT: usize = 0;
const D_TITLE: usize = 1;
const D_AMOUNT: usize = 2;
const D_CLOSE: usize = 3;
const D_STAGE: usize = 4;
const D_NEED: usize = 5;
const D_OWNER: usize = 6;
const D_CONTACT: usize = 7;
const D_SOURCE: usize = 8;
const D_NEXT_STEP: usize = 9;
const D_NOTES: usize = 10;

const CONTACT_FIELDS: [(&str, Field); 6] = [
    ("col.name", Field::Text),
    ("col.job_title", Field::Text),
    ("col.phone", Field::Text),
    ("col.email", Field::Text),
    ("col.other", Field::Text),
    ("col.notes", Field::Text),
];
const C_NAME: usize = 0;

const ACCOUNT_FIELDS: [(&str, Field); 9] = [
    ("col.name", Field::Text),
    (
        "col.kind",
        Field::Choice {
            prefix: "account_kind",
            values: &["enterprise", "individual", "wholesale"],
        },
    ),
    ("col.industry", Field::Text),
    ("col.region", Field::Text),
    ("col.channel", Field::Text),
    (
        "col.product_tier",
        Field::Choice {
            prefix: "product_tier",
            values: &["", "high", "mid", "low"],
        },
    ),
    (
        "col.satisfaction",
        Field::Choice {
            prefix: "satisfaction",
            values: &["unknown", "satisfied", "neutral", "dissatisfied"],
        },
    ),
    ("col.owner", Field::Text),
    ("col.notes", Field::Text),
];
const A_NAME: usize = 0;
const A_KIND: usize = 1;
const A_INDUSTRY: usize = 2;
const A_REGION: usize = 3;
const A_CHANNEL: usize = 4;
const A_TIER: usize = 5;
const A_SATISFACTION: usize = 6;
const A_OWNER: usize = 7;
const A_NOTES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub subject: Subject,
    /// The catalogue key of each field's label, and how it takes its value.
    pub fields: &'static [(&'static str, Field)],
    /// What is in each field: typed text, or the id of the value picked.
    pub values: Vec<String>,
    /// The values the form opened with: a field still at its loaded value
    /// is one the user did not change.
    pub loaded: Vec<String>,
    /// One sentence per wrong field.
    pub errors: Vec<Option<String>>,
    pub focus: usize,
    /// Where the cursor is in the focused field's text, in characters.
    pub cursor: usize,
    /// A new deal's account is a name no account has yet: saving adds it.
    pub adds_account: bool,
}

/// The account a new deal goes to.
pub enum DealAccount {
    Existing(Id),
    /// A name no account has yet: the account is added with the deal.
    New(String),
}

/// What a valid deal form asks for.
pub struct DealInput {
    pub account: DealAccount,
    pub title: String,
    /// With its currency when the text says one.
    pub amount: Option<parse::Amount>,
    pub close: Option<NaiveDate>,
    pub stage: String,
    pub need: Need,
    pub owner: String,
    /// One of the account's people, or nobody.
    pub contact: Option<Id>,
    pub source: String,
    pub next_step: String,
    pub notes: String,
}

/// What a valid contact form asks for.
pub struct ContactInput {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub other: String,
    pub notes: String,
}

/// What a valid account form asks for.
pub struct AccountInput {
    pub name: String,
    pub kind: AccountKind,
    pub industry: String,
    pub region: String,
    pub channel: String,
    pub product_tier: Option<ProductTier>,
    pub satisfaction: Satisfaction,
    pub owner: String,
    pub notes: String,
}

impl Form {
    fn new(
        subject: Subject,
        fields: &'static [(&'static str, Field)],
        values: Vec<String>,
        focus: usize,
    ) -> Form {
        let mut form = Form {
            subject,
            fields,
            errors: vec![None; values.len()],
            loaded: values.clone(),
            values,
            focus,
            cursor: 0,
            adds_account: false,
        };
        form.cursor_to_end();
        form
    }

    /// A new deal, at `account` when one is known, worked by `owner`.
    pub fn new_deal(first_stage: &str, account: Option<&str>, owner: &str) -> Form {
        let values = vec![
            account.unwrap_or_default().to_string(),
            String::new(),
            String::new(),
            "+1m".to_string(),
            first_stage.to_string(),
            Need::Explicit.to_string(),
            owner.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        let focus = if account.is_some() {
            D_TITLE
        } else {
            D_ACCOUNT
        };
        Form::new(Subject::NewDeal, &DEAL_FIELDS, values, focus)
    }

    /// The deal as it is, its contact person shown by `contact`, the name.
    pub fn edit_deal(row: &DealRow, contact: &str) -> Form {
        let d = &row.deal;
        let values = vec![
            row.account.clone(),
            d.title.clone(),
            // With its currency, so the form says what the number is in.
            format!("{} {}", d.amount.to_string().replace(',', ""), d.currency),
            d.expected_close.map(|c| c.to_string()).unwrap_or_default(),
            d.stage.clone(),
            d.need.to_string(),
            d.owner.clone(),
            contact.to_string(),
            d.source.clone(),
            d.next_step.clone(),
            d.notes.clone(),
        ];
        let subject = Subject::EditDeal {
            deal: d.id,
            account: d.account_id,
            version: d.meta.version,
        };
        Form::new(subject, &DEAL_FIELDS, values, D_TITLE)
    }

    pub fn new_account(owner: &str) -> Form {
        let values = vec![
            String::new(),
            AccountKind::Enterprise.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            Satisfaction::Unknown.to_string(),
            owner.to_string(),
            String::new(),
        ];
        Form::new(Subject::NewAccount, &ACCOUNT_FIELDS, values, A_NAME)
    }

    pub fn edit_account(a: &crate::domain::Account) -> Form {
        let values = vec![
            a.name.clone(),
            a.kind.to_string(),
            a.industry.clone(),
            a.region.clone(),
            a.channel.clone(),
            a.product_tier.map(|t| t.to_string()).unwrap_or_default(),
            a.satisfaction.to_string(),
            a.owner.clone(),
            a.notes.clone(),
        ];
        let subject = Subject::EditAccount {
            account: a.id,
            version: a.meta.version,
        };
        Form::new(subject, &ACCOUNT_FIELDS, values, A_NAME)
    }

    pub fn new_contact(account: Id) -> Form {
        let values = vec![String::new(); CONTACT_FIELDS.len()];
        Form::new(
            Subject::NewContact { account },
            &CONTACT_FIELDS,
            values,
            C_NAME,
        )
    }

    pub fn edit_contact(k: &crate::domain::Contact) -> Form {
        let values = vec![
            k.name.clone(),
            k.title.clone(),
            k.phone.clone(),
            k.email.clone(),
            k.other.clone(),
            k.notes.clone(),
        ];
        let subject = Subject::EditContact {
            contact: k.id,
            account: k.account_id,
            version: k.meta.version,
        };
        Form::new(subject, &CONTACT_FIELDS, values, C_NAME)
    }

    /// Makes `theirs`, the same row as read again, what this form was
    /// loaded from: its next save is checked against their version.
    pub fn rebase(&mut self, theirs: &Form) {
        self.subject = theirs.subject;
        self.loaded = theirs.values.clone();
    }

    pub fn is_deal(&self) -> bool {
        matches!(self.subject, Subject::NewDeal | Subject::EditDeal { .. })
    }

    pub fn is_contact(&self) -> bool {
        matches!(
            self.subject,
            Subject::NewContact { .. } | Subject::EditContact { .. }
        )
    }

    /// Edits the focused field, if it takes text; says whether it changed.
    pub fn edit(&mut self, request: tui_input::InputRequest) -> bool {
        match (self.fields.get(self.focus), self.values.get_mut(self.focus)) {
            (Some((_, Field::Text)), Some(text)) => {
                crate::tui::text::edit(text, &mut self.cursor, request)
            }
            _ => false,
        }
    }

    pub fn move_focus(&mut self, forward: bool) {
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
        self.cursor_to_end();
    }

    /// Puts the cursor at the end of the focused field, as a field is entered.
    pub fn cursor_to_end(&mut self) {
        self.cursor = self.values.get(self.focus).map_or(0, |v| v.chars().count());
    }

    /// Picks the next (or previous) value of the focused field, if it has a
    /// fixed set of values.
    pub fn cycle(&mut self, store: &Store, forward: bool) {
        let stages: Vec<String>;
        let choices: Vec<&str> = match self.fields.get(self.focus) {
            Some((_, Field::Choice { values, .. })) => values.to_vec(),
            Some((_, Field::Stage)) => {
                stages = store.rules().open_stages().map(|s| s.id.clone()).collect();
                stages.iter().map(String::as_str).collect()
            }
            _ => return,
        };
        let Some(value) = self.values.get_mut(self.focus) else {
            return;
        };
        let n = choices.len();
        let next = match choices.iter().position(|c| c == value) {
            Some(at) if forward => (at + 1) % n,
            Some(at) => (at + n - 1) % n,
            None => 0,
        };
        if let Some(choice) = choices.get(next) {
            *value = (*choice).to_string();
        }
    }

    /// Checks every field, leaving one sentence per wrong field.
    pub fn check(&mut self, store: &Store, today: NaiveDate, c: &Catalog) {
        if self.is_deal() {
            self.check_deal(store, today, c);
        } else if self.is_contact() {
            self.check_contact(store, c);
        } else {
            self.check_account(store, c);
        }
    }

    /// Checks the deal form; the input when every field is right.
    pub fn check_deal(
        &mut self,
        store: &Store,
        today: NaiveDate,
        c: &Catalog,
    ) -> Option<DealInput> {
        let v = &self.values;
        let typed = v[D_ACCOUNT].trim();
        let account = match (store.find_account(typed), self.subject) {
            (Ok(id), Subject::EditDeal { account, .. }) if account != id => {
                Err(c.get("form.stays_with_account").to_string())
            }
            (Ok(id), _) => Ok(DealAccount::Existing(id)),
            (Err(crate::store::StoreError::NoSuchAccount(_)), Subject::NewDeal)
                if !typed.is_empty() =>
            {
                Ok(DealAccount::New(typed.to_string()))
            }
            (Err(_), _) if typed.is_empty() => Err(c.get("form.needs_account").to_string()),
            (Err(e), _) => Err(e.say(c)),
        };
        self.adds_account = matches!(account, Ok(DealAccount::New(_)));
        let title = Some(v[D_TITLE].trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| c.get("form.needs_title").to_string());
        let amount = match v[D_AMOUNT].trim() {
            "" => Ok(None),
            text => parse::parse_amount(text).map(Some).map_err(|e| e.say(c)),
        };
        let close = match v[D_CLOSE].trim() {
            "" => Ok(None),
            text => parse::parse_date(text, today)
                .map(Some)
                .map_err(|e| e.say(c)),
        };
        let stage = store.stage_id(&v[D_STAGE]).map_err(|e| e.say(c));
        let need = v[D_NEED].parse::<Need>().map_err(|e| e.say(c));
        let owner = Some(v[D_OWNER].trim().to_string())
            .filter(|o| !o.is_empty())
            .ok_or_else(|| c.get("form.deal_needs_owner").to_string());
        // The contact is looked for among the people of the account typed
        // above; an account not found says so itself.
        let contact = match (v[D_CONTACT].trim(), &account) {
            ("", _) => Ok(None),
            (typed, Ok(DealAccount::Existing(id))) => store
                .match_contact(*id, typed)
                .map(Some)
                .map_err(|e| e.say(c)),
            (_, Ok(DealAccount::New(_))) => Err(c.get("form.contact_new_account").to_string()),
            (_, Err(_)) => Ok(None),
        };
        let mut errors = vec![None; self.values.len()];
        errors[D_ACCOUNT] = account.as_ref().err().cloned();
        errors[D_TITLE] = title.as_ref().err().cloned();
        errors[D_AMOUNT] = amount.as_ref().err().cloned();
        errors[D_CLOSE] = close.as_ref().err().cloned();
        errors[D_STAGE] = stage.as_ref().err().cloned();
        errors[D_NEED] = need.as_ref().err().cloned();
        errors[D_OWNER] = owner.as_ref().err().cloned();
        errors[D_CONTACT] = contact.as_ref().err().cloned();
        self.errors = errors;
        Some(DealInput {
            account: account.ok()?,
            title: title.ok()?,
            amount: amount.ok()?,
            close: close.ok()?,
            stage: stage.ok()?,
            need: need.ok()?,
            owner: owner.ok()?,
            contact: contact.ok()?,
            source: v[D_SOURCE].trim().to_string(),
            next_step: v[D_NEXT_STEP].trim().to_string(),
            notes: v[D_NOTES].trim().to_string(),
        })
    }

    /// Checks the contact form; the input when every field is right.
    pub fn check_contact(&mut self, store: &Store, c: &Catalog) -> Option<ContactInput> {
        let (account, editing) = match self.subject {
            Subject::NewContact { account } => (account, None),
            Subject::EditContact {
                contact, account, ..
            } => (account, Some(contact)),
            _ => return None,
        };
        let v = &self.values;
        let name = v[C_NAME].trim().to_string();
        let name = if name.is_empty() {
            Err(c.get("form.needs_contact_name").to_string())
        } else {
            match store.contacts_of(account) {
                Ok(people) => {
                    let lower = name.to_lowercase();
                    match people
                        .iter()
                        .find(|k| k.name.trim().to_lowercase() == lower && Some(k.id) != editing)
                    {
                        Some(_) => Err(c.fmt("form.contact_name_taken", &[("name", &name)])),
                        None => Ok(name),
                    }
                }
                Err(e) => Err(e.say(c)),
            }
        };
        let mut errors = vec![None; self.values.len()];
        errors[C_NAME] = name.as_ref().err().cloned();
        self.errors = errors;
        let text = |i: usize| v[i].trim().to_string();
        Some(ContactInput {
            name: name.ok()?,
            title: text(1),
            phone: text(2),
            email: text(3),
            other: text(4),
            notes: text(5),
        })
    }

    /// Checks the account form; the input when every field is right.
    pub fn check_account(&mut self, store: &Store, c: &Catalog) -> Option<AccountInput> {
        let v = &self.values;
        let editing = match self.subject {
            Subject::EditAccount { account, .. } => Some(account),
            _ => None,
        };
        let name = v[A_NAME].trim().to_string();
        let name = if name.is_empty() {
            Err(c.get("form.needs_name").to_string())
        } else {
            match store.account_named(&name) {
                Ok(Some(other)) if Some(other) != editing => {
                    Err(c.fmt("form.name_taken", &[("name", &name)]))
                }
                Ok(_) => Ok(name),
                Err(e) => Err(e.say(c)),
            }
        };
        let kind = v[A_KIND].parse::<AccountKind>().map_err(|e| e.say(c));
        let product_tier = match v[A_TIER].as_str() {
            "" => Ok(None),
            tier => tier.parse::<ProductTier>().map(Some).map_err(|e| e.say(c)),
        };
        let satisfaction = v[A_SATISFACTION]
            .parse::<Satisfaction>()
            .map_err(|e| e.say(c));
        let owner = Some(v[A_OWNER].trim().to_string())
            .filter(|o| !o.is_empty())
            .ok_or_else(|| c.get("form.needs_owner").to_string());
        let mut errors = vec![None; self.values.len()];
        errors[A_NAME] = name.as_ref().err().cloned();
        errors[A_KIND] = kind.as_ref().err().cloned();
        errors[A_TIER] = product_tier.as_ref().err().cloned();
        errors[A_SATISFACTION] = satisfaction.as_ref().err().cloned();
        errors[A_OWNER] = owner.as_ref().err().cloned();
        self.errors = errors;
        Some(AccountInput {
            name: name.ok()?,
            kind: kind.ok()?,
            industry: v[A_INDUSTRY].trim().to_string(),
            region: v[A_REGION].trim().to_string(),
            channel: v[A_CHANNEL].trim().to_string(),
            product_tier: product_tier.ok()?,
            satisfaction: satisfaction.ok()?,
            owner: owner.ok()?,
            notes: v[A_NOTES].trim().to_string(),
        })
    }
}
