//! The sales domain as plain data: no SQL, no terminal, no clock.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The stage id every database knows as the winning outcome.
pub const WON: &str = "won";
/// The stage id every database knows as the losing outcome.
pub const LOST: &str = "lost";

/// A row id. Shown shortened (git-style); any unique prefix of at least
/// [`Id::MIN_PREFIX`] characters is accepted as input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub Uuid);

/// A map keyed by ids, for the passes over every deal or account. Ids are
/// random (or end in random bits), so folding their bytes is hash enough,
/// and several times cheaper than the default SipHash.
pub type IdMap<V> = std::collections::HashMap<Id, V, std::hash::BuildHasherDefault<IdHasher>>;

#[derive(Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Id {
    pub const MIN_PREFIX: usize = 4;
    /// Characters shown when an id is displayed in a table.
    pub const SHORT_LEN: usize = 8;

    /// A new random id (UUIDv4). Random rather than time-ordered (v7), because
    /// ids made in the same millisecond would share their first twelve
    /// characters and the shortened ids people type would all look alike.
    pub fn new() -> Self {
        Id(Uuid::new_v4())
    }

    /// A new time-ordered id (UUIDv7) for rows nobody types an id of
    /// (history, activities): new rows append to the end of the index.
    pub fn new_ordered() -> Self {
        Id(Uuid::now_v7())
    }

    /// The id of a row the engine makes, derived from what it is: every
    /// replica that makes "the same" row (a revisit of one deal due on one
    /// day) gives it the same id, so that they hold one row, not two.
    pub fn derived(parts: &[&str]) -> Self {
        // tierdeck's own namespace for these ids (a fixed random UUID).
        const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2d0e_8a4b_4c1e_9d7a_3b5e_0f2a_c419);
        Id(Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes()))
    }

    /// A random-looking but reproducible id, for demo data made from a seed.
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Id(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }

    pub fn short(&self) -> String {
        let mut s = self.0.hyphenated().to_string();
        s.truncate(Self::SHORT_LEN);
        s
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

impl FromStr for Id {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Id)
    }
}

/// Exact money in minor units (fen, cents), in a currency kept beside it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// An exact wide sum as money, saturating at the i64 edge rather than
    /// wrapping: amounts come from users and files.
    pub fn saturating(total: i128) -> Money {
        Money(i64::try_from(total).unwrap_or(if total < 0 { i64::MIN } else { i64::MAX }))
    }

    pub fn minor(self) -> i64 {
        self.0
    }
}

/// An ISO 4217 currency code (`CNY`, `USD`, `EUR`): each deal's amount is
/// in one, and sums are only ever taken within one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");

    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored in it.
        std::str::from_utf8(&self.0).unwrap_or("CNY")
    }
}

impl Currency {
    /// The sign people write it with, for the few currencies whose sign is
    /// unmistakable; the others are shown by their code. `¥` is the yuan,
    /// as tierdeck's users write it; the yen is shown as `JPY`.
    pub fn symbol(&self) -> Option<&'static str> {
        Some(match self.code() {
            "CNY" => "¥",
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "HKD" => "HK$",
            "KRW" => "₩",
            "INR" => "₹",
            _ => return None,
        })
    }
}

/// Sums of money kept apart by currency, in code order: totals never add
/// one currency to another. A currency whose sum comes back to zero goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts(Vec<(Currency, Money)>);

impl Amounts {
    pub fn add(&mut self, currency: Currency, amount: Money) {
        match self.0.binary_search_by_key(&currency, |(c, _)| *c) {
            Ok(at) => {
                let sum = &mut self.0[at].1;
                *sum = Money(sum.0.saturating_add(amount.0));
                if sum.0 == 0 {
                    self.0.remove(at);
                }
            }
            Err(at) if amount.0 != 0 => self.0.insert(at, (currency, amount)),
            Err(_) => {}
        }
    }

    pub fn subtract(&mut self, currency: Currency, amount: Money) {
        self.add(currency, Money(amount.0.saturating_neg()));
    }

    /// The sum in `currency`, zero when there is none.
    pub fn get(&self, currency: Currency) -> Money {
        self.iter()
            .find(|(c, _)| *c == currency)
            .map_or(Money(0), |(_, m)| m)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Currency, Money)> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sums largest first (then by code): how a total reads.
    pub fn shown(&self) -> Vec<(Currency, Money)> {
        let mut sums = self.0.clone();
        sums.sort_by_key(|(c, m)| (std::cmp::Reverse(*m), *c));
        sums
    }
}

/// `4,126,701.99 CNY + 12,500.00 USD`, largest first; `0.00` for none.
impl fmt::Display for Amounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return write!(f, "{}", Money(0));
        }
        let parts: Vec<String> = self
            .shown()
            .iter()
            .map(|(c, m)| format!("{m} {c}"))
            .collect();
        f.write_str(&parts.join(" + "))
    }
}

impl FromIterator<(Currency, Money)> for Amounts {
    fn from_iter<I: IntoIterator<Item = (Currency, Money)>>(iter: I) -> Self {
        let mut sums = Amounts::default();
        for (currency, amount) in iter {
            sums.add(currency, amount);
        }
        sums
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::CNY
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Three letters, any case: `usd` is `USD`.
impl std::str::FromStr for Currency {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        match <[u8; 3]>::try_from(code.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Currency(bytes)),
            _ => Err(UnknownValue {
                what: "currency",
                given: s.to_string(),
                allowed: "a three-letter ISO 4217 code such as CNY, USD or EUR".to_string(),
            }),
        }
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// Formats as major units with two decimals and thousands separators: `12,400.50`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let major = (abs / 100).to_string();
        let mut grouped = String::with_capacity(major.len() + major.len() / 3);
        for (i, ch) in major.chars().enumerate() {
            if i > 0 && (major.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}{grouped}.{:02}", abs % 100)
    }
}

/// Declares a closed vocabulary: snake_case text on the wire and in the database.
/// A closed set of values, each stored and written as its English word and
/// also read from the other words people type: the Chinese catalogue's
/// label, and the ones sales teams write.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal {
        $($variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                // The other words people type for a value, Chinese ones among them.
                let aliases: &[(&str, $name)] = &[$($(($alias, $name::$variant),)*)+];
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .or_else(|| aliases.iter().find(|(a, _)| *a == wanted).map(|(_, v)| *v))
                    .ok_or_else(|| UnknownValue {
                        what: $what,
                        given: s.to_string(),
                        allowed: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

/// A word that is not one of a field's allowed values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; use one of: {allowed}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub allowed: String,
}

vocabulary!(
    /// How soon a deal is expected to close: A within a month … E no need at all.
    Grade, "grade" { A => "A", B => "B", C => "C", D => "D", E => "E" }
);
vocabulary!(
    /// Whether the customer has a need the deal can meet.
    Need, "need" {
        Explicit => "explicit" | "有明确需求" | "明确需求",
        Potential => "potential" | "潜在需求",
        None => "none" | "无需求",
    }
);
vocabulary!(
    AccountKind, "account kind" {
        Enterprise => "enterprise" | "企业" | "公司",
        Individual => "individual" | "个人",
        Wholesale => "wholesale" | "批发/经销商" | "批发" | "经销商",
    }
);
vocabulary!(
    ProductTier, "product tier" {
        High => "high" | "高端",
        Mid => "mid" | "中端",
        Low => "low" | "低端",
    }
);
vocabulary!(
    Satisfaction, "satisfaction" {
        Satisfied => "satisfied" | "满意",
        Neutral => "neutral" | "一般",
        Dissatisfied => "dissatisfied" | "不满意",
        Unknown => "unknown" | "未知",
    }
);
vocabulary!(
    /// An account's place in the 80/20 ranking of revenue: A the key few.
    ValueTier, "value tier" { A => "A", B => "B", C => "C" }
);
vocabulary!(
    /// Where an account stands with us, from its wins.
    Lifecycle, "lifecycle" {
        Prospect => "prospect" | "潜在" | "潜在客户",
        New => "new" | "新客户",
        Active => "active" | "活跃",
        Churned => "churned" | "流失",
    }
);
vocabulary!(
    /// How often an account buys.
    Behaviour, "purchase behaviour" {
        Frequent => "frequent" | "经常购买" | "经常",
        Occasional => "occasional" | "偶尔购买" | "偶尔",
        Never => "never" | "从未购买" | "从未",
    }
);
vocabulary!(
    /// Why an account is flagged at risk.
    RiskReason, "at-risk reason" {
        Quiet => "quiet" | "久未联系",
        Dissatisfied => "dissatisfied" | "不满意",
    }
);
vocabulary!(
    /// How a customer was reached; 微信 is a message.
    ActivityKind, "activity kind" {
        Call => "call" | "电话" | "打电话" | "通话",
        Visit => "visit" | "拜访" | "上门" | "走访",
        Email => "email" | "邮件" | "电邮",
        Meeting => "meeting" | "会议" | "开会" | "会面",
        Message => "message" | "消息" | "微信" | "短信" | "信息",
        Note => "note" | "备注" | "笔记" | "记录",
    }
);
vocabulary!(
    ReminderKind, "reminder kind" {
        Revisit => "revisit", CloseSoon => "close_soon", Slipped => "slipped",
        // Planned by a person (`plan`), never by the engine.
        FollowUp => "follow_up"
    }
);
vocabulary!(
    ReminderStatus, "reminder status" {
        Open => "open", Done => "done", Snoozed => "snoozed", Dismissed => "dismissed",
        // Never stored: a revisit that comes due within the week ahead and
        // opens on its day, listed ahead of it.
        Upcoming => "upcoming"
    }
);
vocabulary!(
    /// What a history row records a change of.
    HistoryField, "history field" { Stage => "stage", Grade => "grade", Pin => "pin" }
);

impl ReminderStatus {
    /// Open and snoozed reminders still ask something of the owner.
    pub fn is_pending(self) -> bool {
        matches!(self, ReminderStatus::Open | ReminderStatus::Snoozed)
    }
}

/// Who changed a row and when; carried by every row users edit so that shared
/// copies can be merged (later update wins) and stale edits refused (version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowMeta {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Id,
    pub name: String,
    pub kind: AccountKind,
    pub industry: String,
    pub region: String,
    /// Route to market: `direct`, `distributor`, `retail`, `online` or free text.
    pub channel: String,
    pub product_tier: Option<ProductTier>,
    pub satisfaction: Satisfaction,
    pub owner: String,
    pub notes: String,
    pub meta: RowMeta,
    /// The row's id in the CRM it was imported from, as that CRM wrote it.
    pub source_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Id,
    pub account_id: Id,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    /// WeChat and other handles.
    pub other: String,
    pub notes: String,
    pub meta: RowMeta,
    /// The row's id in the CRM it was imported from, as that CRM wrote it.
    pub source_id: Option<String>,
}

/// A grade set by hand; the engine leaves the deal alone until it is unpinned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub grade: Grade,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: Id,
    pub account_id: Id,
    pub title: String,
    pub amount: Money,
    pub stage: String,
    pub need: Need,
    pub expected_close: Option<NaiveDate>,
    pub grade: Grade,
    pub pin: Option<Pin>,
    pub owner: String,
    pub created_on: NaiveDate,
    /// The day the deal entered its current stage, for stale detection.
    pub stage_entered_on: NaiveDate,
    /// Won or lost date.
    pub closed_on: Option<NaiveDate>,
    pub lost_reason: Option<String>,
    pub meta: RowMeta,
    pub currency: Currency,
    /// The person at the account the deal is with.
    pub contact_id: Option<Id>,
    /// Where the deal came from: a referral, a trade fair, the website.
    pub source: String,
    pub next_step: String,
    pub notes: String,
    /// The row's id in the CRM it was imported from, as that CRM wrote it.
    pub source_id: Option<String>,
}

impl Deal {
    pub fn is_open(&self) -> bool {
        self.stage != WON && self.stage != LOST
    }
    pub fn is_won(&self) -> bool {
        self.stage == WON
    }
    pub fn is_lost(&self) -> bool {
        self.stage == LOST
    }
}

/// Something that happened with a deal or account. Never edited in place:
/// a correction is a new activity that replaces it (see [`Correction`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: Id,
    pub deal_id: Option<Id>,
    pub account_id: Id,
    pub kind: ActivityKind,
    pub at: DateTime<Utc>,
    pub summary: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// An activity corrected or taken back by a later one that replaces it;
/// the original stays in the history and the timeline shows both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The row that replaced the original.
    pub id: Id,
    pub original: Activity,
    /// Why it was taken back; none for an edit, which is an activity of its own.
    pub retracted: Option<String>,
    /// When the retraction was made, or when the corrected activity happened.
    pub at: DateTime<Utc>,
    pub author: String,
}

/// One stage, grade or pin change of a deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: Id,
    pub deal_id: Id,
    pub field: HistoryField,
    pub at: DateTime<Utc>,
    /// Empty when the deal was created.
    pub old: String,
    pub new: String,
    pub reason: Reason,
    pub author: String,
}

/// Why a deal's stage, grade or pin changed: the rule that fired or what a
/// person did. It is stored, exported and exchanged with teammates as a
/// code, so that no language is written into the database; only the
/// timeline words it.
///
/// | reason | code |
/// |---|---|
/// | `CloseWithin { months: 3 }` | `rule.within:3` |
/// | `CloseLater { months: 6 }` | `rule.later:6` |
/// | `NoNeed`, `PotentialNeed`, `NoCloseDate`, `Slipped`, `DealLost` | `rule.no_need`, `rule.potential_need`, `rule.no_close_date`, `rule.slipped`, `rule.deal_lost` |
/// | `Created`, `DealUpdate`, `Won`, `Unpinned`, `Imported`, `Demo` | `manual.created`, `manual.deal_update`, `manual.won`, `manual.unpinned`, `manual.imported`, `manual.demo` |
/// | `PinDroppedByLoss` | `manual.pin_dropped` |
/// | `LostBecause(text)` | `manual.lost:<text>` |
/// | `Pinned(text)` | `manual.pin:<text>` |
/// | `Text(text)` | `text:<text>` |
///
/// The engine's codes, and only those, start with [`Reason::RULE_PREFIX`].
/// People's text follows the first `:` as typed, `:` and all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Reason {
    CloseWithin {
        months: u32,
    },
    CloseLater {
        months: u32,
    },
    NoNeed,
    PotentialNeed,
    NoCloseDate,
    Slipped,
    DealLost,
    Created,
    DealUpdate,
    Won,
    /// The pin a deal had when it was lost: a lost deal is E, pinned or not.
    PinDroppedByLoss,
    LostBecause(String),
    Pinned(String),
    Unpinned,
    Imported,
    Demo,
    /// A person took back the change that set it (`undo`).
    Undone,
    /// Text that is none of the above: an older tierdeck's sentence it does
    /// not know, a newer one's code, a hand-made import.
    Text(String),
}

/// The reasons without data, with their codes.
const FIXED_REASONS: [(Reason, &str); 13] = [
    (Reason::NoNeed, "rule.no_need"),
    (Reason::PotentialNeed, "rule.potential_need"),
    (Reason::NoCloseDate, "rule.no_close_date"),
    (Reason::Slipped, "rule.slipped"),
    (Reason::DealLost, "rule.deal_lost"),
    (Reason::Created, "manual.created"),
    (Reason::DealUpdate, "manual.deal_update"),
    (Reason::Won, "manual.won"),
    (Reason::PinDroppedByLoss, "manual.pin_dropped"),
    (Reason::Unpinned, "manual.unpinned"),
    (Reason::Imported, "manual.imported"),
    (Reason::Demo, "manual.demo"),
    (Reason::Undone, "manual.undone"),
];

/// The English sentences tierdeck wrote before reasons were codes (schema
/// 5 and older), as old databases, exports and teammates still hold them.
const LEGACY_REASONS: [(&str, Reason); 12] = [
    ("rule: no need", Reason::NoNeed),
    ("rule: potential need", Reason::PotentialNeed),
    ("rule: no close date", Reason::NoCloseDate),
    ("rule: slipped past close date", Reason::Slipped),
    ("rule: deal lost", Reason::DealLost),
    ("manual: created", Reason::Created),
    ("manual: deal update", Reason::DealUpdate),
    ("manual: won", Reason::Won),
    ("manual: deal lost", Reason::PinDroppedByLoss),
    ("manual: unpinned", Reason::Unpinned),
    ("manual: imported", Reason::Imported),
    ("manual: demo", Reason::Demo),
];

impl Reason {
    /// What every code of the engine's starts with, for SQL: `LIKE 'rule.%'`.
    pub const RULE_PREFIX: &'static str = "rule.";

    /// Whether the engine gave it (every replica works those out itself).
    pub fn is_rule(&self) -> bool {
        self.code().starts_with(Self::RULE_PREFIX)
    }

    pub fn code(&self) -> String {
        if let Some((_, code)) = FIXED_REASONS.iter().find(|(r, _)| r == self) {
            return code.to_string();
        }
        match self {
            Reason::CloseWithin { months } => format!("rule.within:{months}"),
            Reason::CloseLater { months } => format!("rule.later:{months}"),
            Reason::LostBecause(text) => format!("manual.lost:{text}"),
            Reason::Pinned(text) => format!("manual.pin:{text}"),
            Reason::Text(text) => format!("text:{text}"),
            _ => unreachable!("every reason without data is in FIXED_REASONS"),
        }
    }

    /// Reads a stored code, or one of the English sentences older versions
    /// wrote; anything else is kept as text.
    pub fn from_code(stored: &str) -> Reason {
        Self::read_code(stored)
            .or_else(|| Self::read_legacy(stored))
            .unwrap_or_else(|| Reason::Text(stored.to_string()))
    }

    fn read_code(code: &str) -> Option<Reason> {
        if let Some((reason, _)) = FIXED_REASONS.iter().find(|(_, c)| *c == code) {
            return Some(reason.clone());
        }
        let (kind, rest) = code.split_once(':')?;
        let months = || whole_number(rest);
        Some(match kind {
            "rule.within" => Reason::CloseWithin { months: months()? },
            "rule.later" => Reason::CloseLater { months: months()? },
            "manual.lost" => Reason::LostBecause(rest.to_string()),
            "manual.pin" => Reason::Pinned(rest.to_string()),
            "text" => Reason::Text(rest.to_string()),
            _ => return None,
        })
    }

    fn read_legacy(sentence: &str) -> Option<Reason> {
        if let Some((_, reason)) = LEGACY_REASONS.iter().find(|(s, _)| *s == sentence) {
            return Some(reason.clone());
        }
        if let Some(horizon) = sentence.strip_prefix("rule: close within ") {
            return legacy_months(horizon).map(|months| Reason::CloseWithin { months });
        }
        if let Some(horizon) = sentence.strip_prefix("rule: close later than ") {
            return legacy_months(horizon).map(|months| Reason::CloseLater { months });
        }
        if let Some(text) = sentence.strip_prefix("manual: lost: ") {
            return Some(Reason::LostBecause(text.to_string()));
        }
        // A pin was the only `manual:` reason with a person's own words.
        sentence
            .strip_prefix("manual: ")
            .map(|text| Reason::Pinned(text.to_string()))
    }
}

/// Digits only: `+3` or ` 3` is not a code's number.
fn whole_number(text: &str) -> Option<u32> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
}

/// `1 month` or `N months`, as the engine once wrote a horizon.
fn legacy_months(text: &str) -> Option<u32> {
    let (n, unit) = text.split_once(' ')?;
    let months = whole_number(n)?;
    let fits = if months == 1 { "month" } else { "months" };
    (unit == fits).then_some(months)
}

impl From<Reason> for String {
    fn from(reason: Reason) -> String {
        reason.code()
    }
}

impl From<String> for Reason {
    fn from(stored: String) -> Reason {
        Reason::from_code(&stored)
    }
}

/// A logged to-do for a deal or an account. Closed reminders stay in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub id: Id,
    /// The deal it is about; none for an account's own (a revisit after
    /// the sale, a follow-up planned on the account).
    pub deal_id: Option<Id>,
    /// Set only when it is the account's own.
    pub account_id: Option<Id>,
    pub kind: ReminderKind,
    pub due: NaiveDate,
    pub status: ReminderStatus,
    /// The expected close date a `close_soon` or `slipped` reminder is about,
    /// so that one close date never gets two of them.
    pub about: Option<NaiveDate>,
    /// The time of day a follow-up was planned for, when it named one.
    pub time: Option<NaiveTime>,
    pub created_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// Why it was closed, when the engine closed it; what a follow-up asks.
    pub note: String,
    pub meta: RowMeta,
}

/// How the note of a reminder closed by a person rather than the engine
/// begins; such a close counts as a touch, so the engine does not reopen it.
pub const CLOSED_BY_HAND: &str = "manual:";

impl Reminder {
    /// Done or dismissed by a person. The engine's own closes say only what
    /// the deal looked like then, so they never stand for a person's answer.
    pub fn closed_by_hand(&self) -> bool {
        !self.status.is_pending() && self.note.starts_with(CLOSED_BY_HAND)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_keep_each_currency_apart_and_drop_a_sum_back_at_zero() {
        let usd: Currency = "usd".parse().unwrap();
        let mut sums = Amounts::default();
        sums.add(Currency::CNY, Money(1_000));
        sums.add(usd, Money(500));
        sums.add(Currency::CNY, Money(250));
        assert_eq!(sums.get(Currency::CNY), Money(1_250));
        assert_eq!(sums.get(usd), Money(500));
        assert_eq!(sums.to_string(), "12.50 CNY + 5.00 USD");
        sums.subtract(usd, Money(500));
        assert_eq!(
            sums.iter().collect::<Vec<_>>(),
            [(Currency::CNY, Money(1_250))]
        );
        sums.add(usd, Money(0));
        assert_eq!(sums.iter().count(), 1, "a zero adds no currency");
        sums.add(Currency::CNY, Money(i64::MAX));
        assert_eq!(sums.get(Currency::CNY), Money(i64::MAX), "saturates");
        assert_eq!(Amounts::default().to_string(), "0.00");
    }

    #[test]
    fn only_unmistakable_currencies_have_a_sign() {
        let sign = |code: &str| code.parse::<Currency>().unwrap().symbol();
        assert_eq!(sign("CNY"), Some("¥"));
        assert_eq!(sign("USD"), Some("$"));
        assert_eq!(sign("EUR"), Some("€"));
        assert_eq!(sign("GBP"), Some("£"));
        assert_eq!(sign("JPY"), None);
        assert_eq!(sign("CHF"), None);
    }

    use super::*;

    #[test]
    fn money_displays_grouped_major_units() {
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(1_240_050).to_string(), "12,400.50");
        assert_eq!(Money(-123_456_789).to_string(), "-1,234,567.89");
        assert_eq!(Money(100_000).to_string(), "1,000.00");
    }

    #[test]
    fn vocabulary_parses_case_insensitively_and_names_allowed_values() {
        assert_eq!("a".parse::<Grade>(), Ok(Grade::A));
        assert_eq!(
            "Close_Soon".parse::<ReminderKind>(),
            Ok(ReminderKind::CloseSoon)
        );
        let err = "F".parse::<Grade>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown grade `F`; use one of: A, B, C, D, E"
        );
    }

    #[test]
    fn activity_kinds_typed_in_chinese_are_the_kinds_they_name() {
        for (typed, kind) in [
            ("电话", ActivityKind::Call),
            ("拜访", ActivityKind::Visit),
            ("上门", ActivityKind::Visit),
            ("邮件", ActivityKind::Email),
            ("会议", ActivityKind::Meeting),
            ("消息", ActivityKind::Message),
            ("微信", ActivityKind::Message),
            ("备注", ActivityKind::Note),
            (" Visit ", ActivityKind::Visit),
        ] {
            assert_eq!(typed.parse::<ActivityKind>(), Ok(kind), "{typed}");
        }
        let err = "传真".parse::<ActivityKind>().unwrap_err();
        assert_eq!(err.allowed, "call, visit, email, meeting, message, note");
    }

    #[test]
    fn every_reason_reads_back_from_its_code() {
        let reasons = [
            Reason::CloseWithin { months: 1 },
            Reason::CloseLater { months: 12 },
            Reason::NoNeed,
            Reason::PotentialNeed,
            Reason::NoCloseDate,
            Reason::Slipped,
            Reason::DealLost,
            Reason::Created,
            Reason::DealUpdate,
            Reason::Won,
            Reason::PinDroppedByLoss,
            Reason::LostBecause("选择了竞争对手".into()),
            Reason::LostBecause("price: too high".into()),
            Reason::Pinned("客户口头承诺：年底前签".into()),
            Reason::Pinned("boss: \"soon\"".into()),
            Reason::Pinned(String::new()),
            Reason::Unpinned,
            Reason::Imported,
            Reason::Demo,
            Reason::Undone,
            Reason::Text("manual.won".into()),
            Reason::Text("rule.within:1".into()),
            Reason::Text("rule.within:x".into()),
            Reason::Text("a: b: c".into()),
        ];
        for reason in reasons {
            assert_eq!(
                Reason::from_code(&reason.code()),
                reason,
                "{}",
                reason.code()
            );
        }
        assert_eq!(Reason::CloseWithin { months: 3 }.code(), "rule.within:3");
        assert_eq!(Reason::Pinned("a:b".into()).code(), "manual.pin:a:b");
    }

    #[test]
    fn only_the_engines_reasons_are_rules() {
        assert!(Reason::CloseLater { months: 6 }.is_rule());
        assert!(Reason::DealLost.is_rule());
        assert!(!Reason::Won.is_rule());
        assert!(!Reason::Pinned("rule.x".into()).is_rule());
        assert!(!Reason::Text("rule.x".into()).is_rule());
    }

    #[test]
    fn the_sentences_older_versions_wrote_read_as_reasons() {
        let read = Reason::from_code;
        assert_eq!(
            read("rule: close within 1 month"),
            Reason::CloseWithin { months: 1 }
        );
        assert_eq!(
            read("rule: close within 3 months"),
            Reason::CloseWithin { months: 3 }
        );
        assert_eq!(
            read("rule: close later than 6 months"),
            Reason::CloseLater { months: 6 }
        );
        assert_eq!(read("rule: slipped past close date"), Reason::Slipped);
        assert_eq!(read("manual: deal lost"), Reason::PinDroppedByLoss);
        assert_eq!(
            read("manual: lost: 价格: 太高"),
            Reason::LostBecause("价格: 太高".into())
        );
        assert_eq!(
            read("manual: 客户口头承诺"),
            Reason::Pinned("客户口头承诺".into())
        );
        // Not quite the engine's sentence, or no one's: kept as written.
        for text in [
            "rule: close within 2 month",
            "rule: close within +3 months",
            "created",
            "",
        ] {
            assert_eq!(read(text), Reason::Text(text.into()));
        }
    }

    #[test]
    fn a_reason_travels_in_json_as_its_code() {
        let json = serde_json::to_string(&Reason::Pinned("hot".into())).unwrap();
        assert_eq!(json, "\"manual.pin:hot\"");
        let back: Reason = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Reason::Pinned("hot".into()));
    }

    #[test]
    fn short_id_is_a_prefix_of_the_full_id() {
        let id = Id::new();
        assert!(id.to_string().starts_with(&id.short()));
        assert_eq!(id.short().len(), Id::SHORT_LEN);
    }
}
