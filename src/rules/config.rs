//! The rule set: built-in defaults (`assets/rules.toml`) overlaid key by key by
//! the user's `rules.toml`, then checked as a whole. A bad file is refused with
//! its name, line and reason, so the program never runs on half a rule set.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::{Grade, LOST, ValueTier, WON};

const DEFAULTS: &str = include_str!("../../assets/rules.toml");
const DEFAULTS_NAME: &str = "assets/rules.toml (built in)";
/// Ten years: further out than any sales forecast, and small enough that date
/// arithmetic never leaves the calendar.
const MAX_MONTHS: u32 = 120;
/// The same ten years, in days.
const MAX_DAYS: u32 = 3660;

/// The resolved, validated rule set the engine runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub a_within_months: u32,
    pub b_within_months: u32,
    pub c_within_months: u32,
    pub slipped_grade: Grade,
    pub close_warning_days: u32,
    /// Pipeline order, including the outcomes `won` and `lost`.
    pub stages: Vec<StageRule>,
    /// Revisit cadence in days, indexed by grade; `None` means no revisits.
    cadence: [Option<u32>; 5],
    /// Days between revisits of a customer, indexed by value tier.
    account_cadence: [Option<u32>; 3],
    pub value_tiers: TierRules,
    pub lifecycle: LifecycleRules,
}

/// How accounts are ranked into value tiers A–C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRules {
    /// Revenue counts the deals won in this many months up to today.
    pub window_months: u32,
    pub mode: TierMode,
}

/// Where the tier boundaries fall in the ranking of accounts by revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMode {
    /// The first `a_percent` of the ranked accounts are A, up to `b_percent` B.
    Rank { a_percent: u32, b_percent: u32 },
    /// A until the accounts above bring `a_percent` of revenue, B until `b_percent`.
    Share { a_percent: u32, b_percent: u32 },
}

impl TierMode {
    /// The top share of accounts the Pareto headline speaks of, in percent.
    pub fn headline_percent(self) -> u32 {
        match self {
            TierMode::Rank { a_percent, .. } => a_percent,
            TierMode::Share { .. } => 20,
        }
    }
}

/// The thresholds of an account's lifecycle, purchase behaviour and risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleRules {
    /// An account whose first win is this recent is `new`.
    pub new_within_days: u32,
    /// A win in this many months keeps an account `active`; behaviour counts wins in it.
    pub active_within_months: u32,
    /// At least this many wins in that window make a buyer `frequent`.
    pub frequent_wins: u32,
    /// An account we still work with is at risk after this many days without activity.
    pub quiet_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRule {
    pub id: String,
    pub en: String,
    pub zh: String,
    /// Percent, for the weighted forecast.
    pub probability: u8,
    /// `None` for the outcomes and for stages that never go stale.
    pub stale_after_days: Option<u32>,
}

/// A rules file that cannot be used. Displays as `file:line: reason; hint`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {reason}; {hint}", .line.map(|n| format!(":{n}")).unwrap_or_default())]
pub struct RulesError {
    pub file: String,
    /// 1-based; `None` when the whole file is at fault (it cannot be read).
    pub line: Option<usize>,
    pub reason: String,
    /// What the user can do about it.
    pub hint: String,
}

impl Rules {
    /// The built-in rules. A unit test proves they parse and validate.
    pub fn defaults() -> Rules {
        Self::from_toml("", "(none)").expect("the built-in rules are valid")
    }

    /// The defaults overlaid by `user_file` when it is given and exists.
    pub fn load(user_file: Option<&Path>) -> Result<Rules, RulesError> {
        let Some(path) = user_file else {
            return Ok(Self::defaults());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_toml(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::defaults()),
            Err(e) => Err(RulesError {
                file: path.display().to_string(),
                line: None,
                reason: format!("cannot read the rules file: {e}"),
                hint: "check its permissions, or remove it to use the defaults".into(),
            }),
        }
    }

    /// The defaults overlaid by `user_text`; `file_name` is what errors call it.
    pub fn from_toml(user_text: &str, file_name: &str) -> Result<Rules, RulesError> {
        let defaults = Source {
            name: DEFAULTS_NAME,
            text: DEFAULTS,
            user: false,
        };
        let user = Source {
            name: file_name,
            text: user_text,
            user: true,
        };
        let default_layer = defaults.parse()?;
        let user_layer = user.parse()?;
        Overlay {
            defaults,
            user,
            default_layer,
            user_layer,
        }
        .resolve()
    }

    pub fn stage(&self, id: &str) -> Option<&StageRule> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// A stage's label in `lang`; an id the rules do not know shows as itself.
    pub fn stage_label(&self, id: &str, lang: crate::i18n::Lang) -> String {
        match self.stage(id) {
            Some(stage) if lang == crate::i18n::Lang::ZhCn => stage.zh.clone(),
            Some(stage) => stage.en.clone(),
            None => id.to_string(),
        }
    }

    /// Every stage but the outcomes, in pipeline order.
    pub fn open_stages(&self) -> impl Iterator<Item = &StageRule> {
        self.stages.iter().filter(|s| s.id != WON && s.id != LOST)
    }

    /// Days between revisits for a grade; `None` = no revisits.
    pub fn cadence(&self, grade: Grade) -> Option<u32> {
        self.cadence[grade as usize]
    }

    /// Days between revisits of an account of a value tier; `None` = none.
    pub fn account_cadence(&self, tier: ValueTier) -> Option<u32> {
        self.account_cadence[tier as usize]
    }
}

// ---- the file layer: every key optional, each with its place in the file ----

type Opt<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileLayer {
    grades: GradesLayer,
    cadence_days: CadenceLayer,
    account_cadence_days: AccountCadenceLayer,
    reminders: RemindersLayer,
    stages: BTreeMap<String, Spanned<StageLayer>>,
    value_tiers: TiersLayer,
    lifecycle: LifecycleLayer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TiersLayer {
    window_months: Opt<u32>,
    mode: Opt<TierModeName>,
    rank_a_percent: Opt<u32>,
    rank_b_percent: Opt<u32>,
    share_a_percent: Opt<u32>,
    share_b_percent: Opt<u32>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TierModeName {
    Rank,
    Share,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LifecycleLayer {
    new_within_days: Opt<u32>,
    active_within_months: Opt<u32>,
    frequent_wins: Opt<u32>,
    quiet_days: Opt<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GradesLayer {
    a_within_months: Opt<u32>,
    b_within_months: Opt<u32>,
    c_within_months: Opt<u32>,
    slipped_grade: Opt<Grade>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CadenceLayer {
    #[serde(rename = "A")]
    a: Opt<u32>,
    #[serde(rename = "B")]
    b: Opt<u32>,
    #[serde(rename = "C")]
    c: Opt<u32>,
    #[serde(rename = "D")]
    d: Opt<u32>,
    #[serde(rename = "E")]
    e: Opt<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AccountCadenceLayer {
    #[serde(rename = "A")]
    a: Opt<u32>,
    #[serde(rename = "B")]
    b: Opt<u32>,
    #[serde(rename = "C")]
    c: Opt<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RemindersLayer {
    close_warning_days: Opt<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StageLayer {
    order: Opt<u32>,
    en: Opt<String>,
    zh: Opt<String>,
    /// Wider than `u8` so that 150 gets our message rather than a type error.
    probability: Opt<u32>,
    stale_after_days: Opt<u32>,
    enabled: Opt<bool>,
}

/// One of the two texts being overlaid.
#[derive(Clone, Copy)]
struct Source<'a> {
    name: &'a str,
    text: &'a str,
    user: bool,
}

/// Where a value came from, for the error message.
#[derive(Clone, Copy)]
struct Loc<'a> {
    file: &'a str,
    line: usize,
    user: bool,
}

impl<'a> Loc<'a> {
    fn error(self, reason: impl Into<String>, hint: impl Into<String>) -> RulesError {
        RulesError {
            file: self.file.to_string(),
            line: Some(self.line),
            reason: reason.into(),
            hint: hint.into(),
        }
    }

    /// Of two values that clash, blame the one the user wrote (the later if both).
    fn blame(self, other: Loc<'a>) -> Loc<'a> {
        if other.user || !self.user {
            other
        } else {
            self
        }
    }
}

/// A stage from both layers: its order, its rule, and where its `en` and
/// `zh` labels are written.
struct Resolved<'a> {
    order: Val<'a, u32>,
    rule: StageRule,
    labels_at: [Loc<'a>; 2],
}

struct Val<'a, T> {
    value: T,
    at: Loc<'a>,
}

fn in_range(
    v: &Val<'_, u32>,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
    unit: &str,
) -> Result<(), RulesError> {
    if range.contains(&v.value) {
        return Ok(());
    }
    Err(v.at.error(
        format!("{name} = {} is out of range", v.value),
        format!(
            "use a number of {unit} from {} to {}",
            range.start(),
            range.end()
        ),
    ))
}

impl<'a> Source<'a> {
    fn line(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        1 + self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    fn loc(&self, span: Range<usize>) -> Loc<'a> {
        Loc {
            file: self.name,
            line: self.line(span),
            user: self.user,
        }
    }

    fn parse(&self) -> Result<FileLayer, RulesError> {
        toml::from_str(self.text).map_err(|e| self.toml_error(&e))
    }

    /// Turns serde's wording into the user's: keys, not fields; a hint apart.
    fn toml_error(&self, e: &toml::de::Error) -> RulesError {
        let message = e.message().replace('\n', " ");
        let message = message
            .replace("unknown field", "unknown key")
            .replace("unknown variant", "unknown value")
            .replace("expected u32", "expected a whole number, 0 or more");
        let fallback = "fix this line, or delete it to keep the default";
        let (reason, hint) = match message.split_once(", expected ") {
            Some((reason, "nothing")) => (reason.to_string(), fallback.to_string()),
            // Our layer structs are an implementation detail; the user sees tables.
            Some((reason, expected)) if expected.starts_with("struct ") => {
                (reason.to_string(), "expected a table".to_string())
            }
            Some((reason, expected)) => (reason.to_string(), format!("expected {expected}")),
            None => (message.clone(), fallback.to_string()),
        };
        RulesError {
            file: self.name.to_string(),
            line: Some(e.span().map_or(1, |s| self.line(s))),
            reason,
            hint,
        }
    }
}

struct Overlay<'a> {
    defaults: Source<'a>,
    user: Source<'a>,
    default_layer: FileLayer,
    user_layer: FileLayer,
}

/// The user's value if they wrote one, else the default.
fn pick<'a, T: Clone>(
    user: (&Source<'a>, &Opt<T>),
    default: (&Source<'a>, &Opt<T>),
) -> Option<Val<'a, T>> {
    [user, default].into_iter().find_map(|(src, v)| {
        v.as_ref().map(|s| Val {
            value: s.get_ref().clone(),
            at: src.loc(s.span()),
        })
    })
}

impl<'a> Overlay<'a> {
    /// A key every complete rule set has; the defaults always supply it.
    fn key<T: Clone>(&self, f: impl Fn(&FileLayer) -> &Opt<T>) -> Val<'a, T> {
        pick(
            (&self.user, f(&self.user_layer)),
            (&self.defaults, f(&self.default_layer)),
        )
        .expect("the built-in rules define every key")
    }

    fn resolve(&self) -> Result<Rules, RulesError> {
        let a = self.key(|l| &l.grades.a_within_months);
        let b = self.key(|l| &l.grades.b_within_months);
        let c = self.key(|l| &l.grades.c_within_months);
        for (name, v) in [("a", &a), ("b", &b), ("c", &c)] {
            if !(1..=MAX_MONTHS).contains(&v.value) {
                return Err(v.at.error(
                    format!("{name}_within_months = {} is out of range", v.value),
                    format!("use a number of months from 1 to {MAX_MONTHS}"),
                ));
            }
        }
        for (lo, lo_name, hi, hi_name) in [(&a, "a", &b, "b"), (&b, "b", &c, "c")] {
            if hi.value < lo.value {
                return Err(lo.at.blame(hi.at).error(
                    format!(
                        "{hi_name}_within_months = {} is less than {lo_name}_within_months = {}",
                        hi.value, lo.value
                    ),
                    "the horizons must grow: a_within_months <= b_within_months <= c_within_months",
                ));
            }
        }
        let cadence = [
            self.key(|l| &l.cadence_days.a),
            self.key(|l| &l.cadence_days.b),
            self.key(|l| &l.cadence_days.c),
            self.key(|l| &l.cadence_days.d),
            self.key(|l| &l.cadence_days.e),
        ]
        .map(|v| Some(v.value).filter(|&days| days > 0));
        let account_cadence = [
            self.key(|l| &l.account_cadence_days.a),
            self.key(|l| &l.account_cadence_days.b),
            self.key(|l| &l.account_cadence_days.c),
        ]
        .map(|v| Some(v.value).filter(|&days| days > 0));

        Ok(Rules {
            a_within_months: a.value,
            b_within_months: b.value,
            c_within_months: c.value,
            slipped_grade: self.key(|l| &l.grades.slipped_grade).value,
            close_warning_days: self.key(|l| &l.reminders.close_warning_days).value,
            stages: self.stages()?,
            cadence,
            account_cadence,
            value_tiers: self.value_tiers()?,
            lifecycle: self.lifecycle()?,
        })
    }

    fn value_tiers(&self) -> Result<TierRules, RulesError> {
        let window = self.key(|l| &l.value_tiers.window_months);
        in_range(&window, "window_months", 1..=MAX_MONTHS, "months")?;
        let mode = self.key(|l| &l.value_tiers.mode).value;
        let (prefix, a, b) = match mode {
            TierModeName::Rank => (
                "rank",
                self.key(|l| &l.value_tiers.rank_a_percent),
                self.key(|l| &l.value_tiers.rank_b_percent),
            ),
            TierModeName::Share => (
                "share",
                self.key(|l| &l.value_tiers.share_a_percent),
                self.key(|l| &l.value_tiers.share_b_percent),
            ),
        };
        in_range(&a, &format!("{prefix}_a_percent"), 1..=100, "percent")?;
        in_range(&b, &format!("{prefix}_b_percent"), 1..=100, "percent")?;
        if b.value < a.value {
            return Err(a.at.blame(b.at).error(
                format!(
                    "{prefix}_b_percent = {} is less than {prefix}_a_percent = {}",
                    b.value, a.value
                ),
                "tier B reaches further down the ranking than tier A: a <= b",
            ));
        }
        let (a_percent, b_percent) = (a.value, b.value);
        Ok(TierRules {
            window_months: window.value,
            mode: match mode {
                TierModeName::Rank => TierMode::Rank {
                    a_percent,
                    b_percent,
                },
                TierModeName::Share => TierMode::Share {
                    a_percent,
                    b_percent,
                },
            },
        })
    }

    fn lifecycle(&self) -> Result<LifecycleRules, RulesError> {
        let new = self.key(|l| &l.lifecycle.new_within_days);
        let active = self.key(|l| &l.lifecycle.active_within_months);
        let frequent = self.key(|l| &l.lifecycle.frequent_wins);
        let quiet = self.key(|l| &l.lifecycle.quiet_days);
        in_range(&new, "new_within_days", 1..=MAX_DAYS, "days")?;
        in_range(&active, "active_within_months", 1..=MAX_MONTHS, "months")?;
        in_range(&frequent, "frequent_wins", 1..=1000, "wins")?;
        in_range(&quiet, "quiet_days", 1..=MAX_DAYS, "days")?;
        Ok(LifecycleRules {
            new_within_days: new.value,
            active_within_months: active.value,
            frequent_wins: frequent.value,
            quiet_days: quiet.value,
        })
    }

    fn stages(&self) -> Result<Vec<StageRule>, RulesError> {
        let ids: std::collections::BTreeSet<&String> = self
            .user_layer
            .stages
            .keys()
            .chain(self.default_layer.stages.keys())
            .collect();
        let mut stages: Vec<(Val<'a, u32>, StageRule)> = Vec::new();
        // Every label so far, case folded, with its stage and where it is
        // written: `--stage Lead` must name one stage, not the first of two.
        let mut labels: Vec<(String, String, Loc<'a>)> = Vec::new();
        for id in ids {
            let user = self.user_layer.stages.get(id);
            let default = self.default_layer.stages.get(id);
            let Some(Resolved {
                order,
                rule: stage,
                labels_at: written,
            }) = self.stage(id, user, default)?
            else {
                continue;
            };
            for (label, at) in [(&stage.en, written[0]), (&stage.zh, written[1])] {
                let folded = label.trim().to_lowercase();
                if let Some((_, other, first)) = labels
                    .iter()
                    .find(|(seen, other, _)| *seen == folded && *other != stage.id)
                {
                    return Err(first.blame(at).error(
                        format!(
                            "stages `{other}` and `{}` have the same label `{}`",
                            stage.id,
                            label.trim()
                        ),
                        "give every stage a label of its own, so that a stage typed by its label names one",
                    ));
                }
                labels.push((folded, stage.id.clone(), at));
            }
            stages.push((order, stage));
        }
        stages.sort_by_key(|(order, _)| order.value);
        for pair in stages.windows(2) {
            let ((first, a), (second, b)) = (&pair[0], &pair[1]);
            if first.value == second.value {
                return Err(first.at.blame(second.at).error(
                    format!(
                        "stages `{}` and `{}` have the same order {}",
                        a.id, b.id, first.value
                    ),
                    "give every stage its own order number",
                ));
            }
        }
        Ok(stages.into_iter().map(|(_, s)| s).collect())
    }

    /// One stage resolved from both layers; `None` if the user disabled it.
    fn stage(
        &self,
        id: &str,
        user: Option<&Spanned<StageLayer>>,
        default: Option<&Spanned<StageLayer>>,
    ) -> Result<Option<Resolved<'a>>, RulesError> {
        let table = match (user, default) {
            (Some(u), _) => self.user.loc(u.span()),
            (None, Some(d)) => self.defaults.loc(d.span()),
            (None, None) => unreachable!("the id came from one of the layers"),
        };
        let none = StageLayer::default();
        let u = user.map_or(&none, |s| s.get_ref());
        let d = default.map_or(&none, |s| s.get_ref());
        let outcome = id == WON || id == LOST;

        if let Some(enabled) = pick((&self.user, &u.enabled), (&self.defaults, &d.enabled))
            && !enabled.value
        {
            if outcome {
                return Err(enabled.at.error(
                    format!("stage `{id}` cannot be disabled"),
                    "won and lost are the outcomes every deal ends in; remove `enabled`",
                ));
            }
            return Ok(None);
        }
        if !id.starts_with(|c: char| c.is_ascii_lowercase())
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            return Err(table.error(
                format!("stage id `{id}` is not allowed"),
                "use lowercase letters, digits, `_` and `-`, starting with a letter",
            ));
        }
        let missing = |key: &str| {
            table.error(
                format!("stage `{id}` has no `{key}`"),
                "a new stage needs order, en, zh and probability",
            )
        };
        let order = pick((&self.user, &u.order), (&self.defaults, &d.order))
            .ok_or_else(|| missing("order"))?;
        let label = |key: &str, user: &Opt<String>, default: &Opt<String>| {
            let v =
                pick((&self.user, user), (&self.defaults, default)).ok_or_else(|| missing(key))?;
            if v.value.trim().is_empty() {
                return Err(v.at.error(
                    format!("stage `{id}` has an empty `{key}`"),
                    "give the stage a name to show",
                ));
            }
            Ok(v)
        };
        let en = label("en", &u.en, &d.en)?;
        let zh = label("zh", &u.zh, &d.zh)?;
        let written = [en.at, zh.at];
        let (en, zh) = (en.value, zh.value);
        let probability = pick(
            (&self.user, &u.probability),
            (&self.defaults, &d.probability),
        )
        .ok_or_else(|| missing("probability"))?;
        let probability = match u8::try_from(probability.value) {
            Ok(p) if p <= 100 => p,
            _ => {
                return Err(probability.at.error(
                    format!(
                        "stage `{id}` has probability {}, more than 100",
                        probability.value
                    ),
                    "a probability is a percent from 0 to 100",
                ));
            }
        };
        let stale = pick(
            (&self.user, &u.stale_after_days),
            (&self.defaults, &d.stale_after_days),
        );
        if let (true, Some(stale)) = (outcome, &stale) {
            return Err(stale.at.error(
                format!("stage `{id}` is an outcome and cannot go stale"),
                "remove `stale_after_days` from this stage",
            ));
        }
        Ok(Some(Resolved {
            order,
            rule: StageRule {
                id: id.to_string(),
                en,
                zh,
                probability,
                stale_after_days: stale.map(|v| v.value).filter(|&days| days > 0),
            },
            labels_at: written,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> RulesError {
        Rules::from_toml(text, "rules.toml").expect_err("the file should be refused")
    }

    #[test]
    fn defaults_parse_into_the_documented_rules() {
        let rules = Rules::defaults();
        assert_eq!(
            (
                rules.a_within_months,
                rules.b_within_months,
                rules.c_within_months
            ),
            (1, 3, 6)
        );
        assert_eq!(rules.slipped_grade, Grade::A);
        assert_eq!(rules.close_warning_days, 7);
        let cadence: Vec<_> = Grade::ALL.iter().map(|&g| rules.cadence(g)).collect();
        assert_eq!(cadence, [Some(7), Some(14), Some(30), Some(90), None]);
        let accounts: Vec<_> = ValueTier::ALL
            .iter()
            .map(|&t| rules.account_cadence(t))
            .collect();
        assert_eq!(accounts, [Some(14), Some(30), Some(90)]);
        let stages: Vec<_> = rules
            .stages
            .iter()
            .map(|s| (s.id.as_str(), s.probability, s.stale_after_days))
            .collect();
        assert_eq!(
            stages,
            [
                ("lead", 10, Some(14)),
                ("contacted", 20, Some(14)),
                ("needs", 40, Some(21)),
                ("proposal", 60, Some(14)),
                ("negotiation", 80, Some(10)),
                ("won", 100, None),
                ("lost", 0, None),
            ]
        );
        let needs = rules.stage("needs").unwrap();
        assert_eq!(
            (needs.en.as_str(), needs.zh.as_str()),
            ("Needs analysis", "需求分析")
        );
        assert_eq!(rules.stage("negotiation").unwrap().zh, "跟进谈判");
    }

    #[test]
    fn open_stages_leave_out_won_and_lost_in_pipeline_order() {
        let rules = Rules::defaults();
        let ids: Vec<_> = rules.open_stages().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["lead", "contacted", "needs", "proposal", "negotiation"]
        );
    }

    #[test]
    fn an_empty_user_file_gives_the_defaults() {
        assert_eq!(
            Rules::from_toml("", "rules.toml").unwrap(),
            Rules::defaults()
        );
    }

    #[test]
    fn overriding_one_key_keeps_every_other() {
        let rules = Rules::from_toml("[cadence_days]\nA = 3\n", "rules.toml").unwrap();
        assert_eq!(rules.cadence(Grade::A), Some(3));
        let expected = Rules {
            cadence: [Some(3), Some(14), Some(30), Some(90), None],
            ..Rules::defaults()
        };
        assert_eq!(rules, expected);

        let rules = Rules::from_toml("[stages.lead]\nen = \"Prospect\"\n", "rules.toml").unwrap();
        let lead = rules.stage("lead").unwrap();
        assert_eq!(
            (
                lead.en.as_str(),
                lead.zh.as_str(),
                lead.probability,
                lead.stale_after_days
            ),
            ("Prospect", "潜在客户", 10, Some(14))
        );
        assert_eq!(rules.stages.len(), 7);
    }

    #[test]
    fn zero_means_never_for_cadence_and_stale_after() {
        let text = "[cadence_days]\nD = 0\nE = 60\n[stages.proposal]\nstale_after_days = 0\n";
        let rules = Rules::from_toml(text, "rules.toml").unwrap();
        assert_eq!(rules.cadence(Grade::D), None);
        assert_eq!(rules.cadence(Grade::E), Some(60));
        assert_eq!(rules.stage("proposal").unwrap().stale_after_days, None);
    }

    #[test]
    fn a_user_can_add_a_stage_and_drop_an_open_one() {
        let text = "[stages.trial]\norder = 45\nen = \"Trial\"\nzh = \"试用\"\nprobability = 70\n\n\
                    [stages.contacted]\nenabled = false\n";
        let rules = Rules::from_toml(text, "rules.toml").unwrap();
        let ids: Vec<_> = rules.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "lead",
                "needs",
                "proposal",
                "trial",
                "negotiation",
                "won",
                "lost"
            ]
        );
        assert_eq!(rules.stage("trial").unwrap().stale_after_days, None);
    }

    #[test]
    fn an_error_displays_file_line_reason_and_hint() {
        let text = "[grades]\na_within_months = 1\n\n\n\n\ncadnce = 7\n";
        let err = Rules::from_toml(text, "/home/u/.config/tierdeck/rules.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/home/u/.config/tierdeck/rules.toml:7: unknown key `cadnce`; expected one of \
             `a_within_months`, `b_within_months`, `c_within_months`, `slipped_grade`"
        );
    }

    #[test]
    fn a_typo_key_is_refused_at_its_line() {
        let err = refused("# my rules\n[cadnce_days]\nA = 3\n");
        assert_eq!(err.line, Some(2));
        assert_eq!(err.reason, "unknown key `cadnce_days`");
        assert!(err.hint.contains("`cadence_days`"), "{err}");

        let err = refused("[stages.lead]\norder = 1\nprobabilty = 5\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(3), "unknown key `probabilty`")
        );
    }

    #[test]
    fn a_wrong_type_is_refused_at_its_line() {
        let err = refused("[reminders]\n\nclose_warning_days = \"seven\"\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.reason, "invalid type: string \"seven\"");
        assert_eq!(err.hint, "expected a whole number, 0 or more");

        let err = refused("[grades]\nslipped_grade = \"F\"\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(2), "unknown value `F`")
        );

        let err = refused("[stages]\nlead = 3\n");
        assert_eq!((err.line, err.hint.as_str()), (Some(2), "expected a table"));
    }

    #[test]
    fn a_syntax_error_is_refused_at_its_line() {
        let err = refused("[grades]\na_within_months = 1\nb_within_months = = 2\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.file, "rules.toml");
        let err = refused("\n[grades\n");
        assert_eq!(err.line, Some(2));
        let err = refused("[grades]\na_within_months = 1\na_within_months = 2\n");
        assert_eq!((err.line, err.reason.as_str()), (Some(3), "duplicate key"));
    }

    #[test]
    fn value_tiers_and_lifecycle_default_to_80_20_and_the_documented_days() {
        let r = Rules::defaults();
        assert_eq!(r.value_tiers.window_months, 12);
        assert_eq!(
            r.value_tiers.mode,
            TierMode::Rank {
                a_percent: 20,
                b_percent: 50
            }
        );
        assert_eq!(
            r.lifecycle,
            LifecycleRules {
                new_within_days: 90,
                active_within_months: 12,
                frequent_wins: 4,
                quiet_days: 60
            }
        );
        let share = Rules::from_toml("[value_tiers]\nmode = \"share\"\n", "rules.toml").unwrap();
        assert_eq!(
            share.value_tiers.mode,
            TierMode::Share {
                a_percent: 80,
                b_percent: 95
            }
        );
    }

    #[test]
    fn bad_tier_and_lifecycle_settings_are_refused_at_their_line() {
        let err = refused("[value_tiers]\nrank_a_percent = 60\n");
        assert_eq!(err.line, Some(2));
        assert_eq!(
            err.reason,
            "rank_b_percent = 50 is less than rank_a_percent = 60"
        );
        // Only the mode in use is checked against its pair.
        assert!(Rules::from_toml("[value_tiers]\nshare_a_percent = 99\n", "r").is_ok());
        let err = refused("[value_tiers]\nmode = \"share\"\nshare_a_percent = 99\n");
        assert_eq!(err.line, Some(3));
        let err = refused("[value_tiers]\nmode = \"top\"\n");
        assert_eq!(err.line, Some(2));
        assert!(err.reason.contains("unknown value"), "{}", err.reason);
        let err = refused("\n[lifecycle]\nquiet_days = 0\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(3), "quiet_days = 0 is out of range")
        );
        assert_eq!(err.hint, "use a number of days from 1 to 3660");
        assert!(
            refused("[value_tiers]\nwindow_months = 0\n")
                .reason
                .contains("out of range")
        );
    }

    #[test]
    fn horizons_that_shrink_are_refused_at_the_users_line() {
        let err = refused("[grades]\na_within_months = 2\nb_within_months = 1\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.reason,
            "b_within_months = 1 is less than a_within_months = 2"
        );
        // b comes from the defaults here, so the user's a is to blame.
        let err = refused("[grades]\n\na_within_months = 4\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.file, "rules.toml");
        let err = refused("[grades]\nc_within_months = 0\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(2), "c_within_months = 0 is out of range")
        );
        assert!(
            refused("[grades]\nc_within_months = 121\n")
                .reason
                .contains("out of range")
        );
    }

    #[test]
    fn a_probability_over_100_is_refused() {
        let err = refused("[stages.lead]\n\nprobability = 150\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.reason,
            "stage `lead` has probability 150, more than 100"
        );
        assert_eq!(refused("[stages.won]\nprobability = 300\n").line, Some(2));
    }

    #[test]
    fn won_and_lost_cannot_be_removed_or_go_stale() {
        let err = refused("[stages.lost]\nenabled = false\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(2), "stage `lost` cannot be disabled")
        );
        let err = refused("[stages.won]\nstale_after_days = 3\n");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn bad_stage_definitions_are_refused_at_their_line() {
        let err = refused("\n\n[stages.trial]\norder = 9\nzh = \"试用\"\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(3), "stage `trial` has no `en`")
        );
        let err = refused("[stages.Trial]\norder = 9\nen = \"T\"\nzh = \"试\"\nprobability = 1\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(1), "stage id `Trial` is not allowed")
        );
        let err = refused("[stages.lead]\nen = \" \"\n");
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(2), "stage `lead` has an empty `en`")
        );
        let err = refused("[stages.lead]\norder = 20\n");
        assert_eq!(err.line, Some(2));
        assert_eq!(
            err.reason,
            "stages `contacted` and `lead` have the same order 20"
        );
    }

    #[test]
    fn load_uses_the_defaults_when_there_is_no_user_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Rules::load(None).unwrap(), Rules::defaults());
        let missing = dir.path().join("rules.toml");
        assert_eq!(Rules::load(Some(&missing)).unwrap(), Rules::defaults());
    }

    #[test]
    fn load_overlays_the_user_file_and_names_it_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(&path, "[reminders]\nclose_warning_days = 10\n").unwrap();
        assert_eq!(Rules::load(Some(&path)).unwrap().close_warning_days, 10);

        std::fs::write(&path, "[reminders]\nclose_warning_dayz = 10\n").unwrap();
        let err = Rules::load(Some(&path)).unwrap_err();
        assert_eq!(err.file, path.display().to_string());
        assert_eq!(err.line, Some(2));

        let err = Rules::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.line, None);
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot read", dir.path().display()))
        );
    }
}
