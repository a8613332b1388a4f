//! The string catalogue: every text the CLI and TUI show, in en and zh-CN (SPEC §7).
//!
//! The texts live in `assets/i18n/*.toml`, embedded in the binary; nested tables are flattened
//! to dotted keys (`[col] id` is `col.id`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

type Texts = HashMap<String, String>;

static EN: LazyLock<Texts> = LazyLock::new(|| load("en", include_str!("../assets/i18n/en.toml")));
static ZH_CN: LazyLock<Texts> =
    LazyLock::new(|| load("zh-CN", include_str!("../assets/i18n/zh-CN.toml")));

/// A language the catalogue speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::En, Lang::ZhCn];

    /// The tag `--lang` and the config file use: `en` or `zh-CN`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Reads a language tag or a POSIX locale, case-insensitively: `en`, `en_US.UTF-8`, `zh`,
    /// `zh-CN`, `zh_CN.GB18030`, `zh-Hans-SG`. Traditional Chinese (`zh_TW`, `zh-HK`, `zh-Hant`)
    /// is not zh-CN, and `C`/`POSIX` name no language: both give `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        // `zh_CN.UTF-8@modifier` → `zh-cn`
        let tag = s
            .trim()
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace('_', "-");
        let mut subtags = tag.split('-');
        match subtags.next() {
            Some("en") => Some(Lang::En),
            Some("zh") if !subtags.any(|t| matches!(t, "tw" | "hk" | "mo" | "hant")) => {
                Some(Lang::ZhCn)
            }
            _ => None,
        }
    }

    /// The language a `LANG` value asks for; English when unset or not one we speak.
    pub fn from_env_lang(lang_env: Option<&str>) -> Lang {
        lang_env.and_then(Lang::parse).unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language tag that is neither English nor simplified Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`; use en or zh-CN")]
pub struct UnknownLang(pub String);

/// Lets clap take `--lang` as a `Lang` directly.
impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| UnknownLang(s.to_string()))
    }
}

/// The texts of one language, falling back to English, then to the key itself.
#[derive(Clone, Copy, Debug)]
pub struct Catalog {
    lang: Lang,
    texts: &'static Texts,
    fallback: &'static Texts,
}

/// Why an account is at risk, in words: "No activity for 73 days",
/// "Dissatisfied". `quiet_days` fills in the first when it is known.
pub fn risk_words(
    c: &Catalog,
    risks: &[crate::domain::RiskReason],
    quiet_days: Option<i64>,
) -> Vec<String> {
    risks
        .iter()
        .map(|risk| match (risk, quiet_days) {
            (crate::domain::RiskReason::Quiet, Some(days)) => {
                c.fmt("risk.quiet_days", &[("days", &days.to_string())])
            }
            _ => c.word("risk", risk.as_str()),
        })
        .collect()
}

impl Catalog {
    pub fn new(lang: Lang) -> Catalog {
        let texts = match lang {
            Lang::En => &*EN,
            Lang::ZhCn => &*ZH_CN,
        };
        Catalog {
            lang,
            texts,
            fallback: &EN,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`. A missing key shows as itself, so a gap is visible but harmless.
    /// The result borrows only from `key`: texts are `'static`.
    pub fn get<'k>(&self, key: &'k str) -> &'k str {
        self.texts
            .get(key)
            .or_else(|| self.fallback.get(key))
            .map_or(key, String::as_str)
    }

    /// The word for a stored value of a vocabulary (`channel`, `online`),
    /// or the value as typed when it is free text the catalogue does not know.
    pub fn word(&self, vocabulary: &str, value: &str) -> String {
        let key = format!("{vocabulary}.{value}");
        match self.texts.get(&key).or_else(|| self.fallback.get(&key)) {
            Some(word) => word.clone(),
            None => value.to_string(),
        }
    }

    /// The text for `key` with each `{name}` replaced by its value from `args`; placeholders
    /// without a value stay as written. Values are inserted verbatim, never re-expanded.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.get(key);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, value) = args.iter().find(|(n, _)| *n == name)?;
                Some((value, close))
            });
            match value {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The embedded files are part of the program; tests prove they load, so a failure is a bug.
fn load(name: &str, source: &str) -> Texts {
    parse_texts(source).unwrap_or_else(|e| panic!("assets/i18n/{name}.toml: {e}"))
}

fn parse_texts(source: &str) -> Result<Texts, String> {
    let table: toml::Table = toml::from_str(source).map_err(|e| e.to_string())?;
    let mut texts = Texts::new();
    flatten("", &table, &mut texts)?;
    Ok(texts)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Texts) -> Result<(), String> {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            toml::Value::Table(inner) => flatten(&full, inner, out)?,
            other => return Err(format!("`{full}` is a {}, not a text", other.type_str())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::{
        AccountKind, ActivityKind, Grade, Need, ProductTier, ReminderKind, ReminderStatus,
        Satisfaction,
    };

    fn keys(texts: &Texts) -> BTreeSet<&str> {
        texts.keys().map(String::as_str).collect()
    }

    /// The `{name}`s a text expects.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en = keys(&EN);
        let zh = keys(&ZH_CN);
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in zh-CN.toml: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en.toml: {only_zh:?}");
    }

    #[test]
    fn both_catalogues_use_the_same_placeholders_and_no_empty_texts() {
        for (key, en) in EN.iter() {
            let zh = &ZH_CN[key];
            assert!(
                !en.trim().is_empty() && !zh.trim().is_empty(),
                "`{key}` is empty"
            );
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "`{key}`: {en:?} vs {zh:?}"
            );
        }
    }

    #[test]
    fn every_table_column_has_a_header() {
        let columns = [
            "id",
            "title",
            "account",
            "stage",
            "grade",
            "amount",
            "close",
            "owner",
            "next_revisit",
            "flags",
            "kind",
            "due",
            "status",
            "name",
            "industry",
            "region",
            "channel",
            "product_tier",
            "satisfaction",
            "summary",
            "at",
            "author",
            "from",
            "to",
            "reason",
            "deal",
        ];
        for column in columns {
            assert!(EN.contains_key(&format!("col.{column}")), "col.{column}");
        }
    }

    #[test]
    fn every_domain_value_has_a_label() {
        let mut wanted: Vec<String> = Vec::new();
        let mut add = |section: &str, values: &mut dyn Iterator<Item = &'static str>| {
            wanted.extend(values.map(|v| format!("{section}.{v}")));
        };
        add("grade", &mut Grade::ALL.iter().map(|v| v.as_str()));
        add("need", &mut Need::ALL.iter().map(|v| v.as_str()));
        add(
            "account_kind",
            &mut AccountKind::ALL.iter().map(|v| v.as_str()),
        );
        add(
            "product_tier",
            &mut ProductTier::ALL.iter().map(|v| v.as_str()),
        );
        add(
            "satisfaction",
            &mut Satisfaction::ALL.iter().map(|v| v.as_str()),
        );
        add(
            "activity",
            &mut ActivityKind::ALL.iter().map(|v| v.as_str()),
        );
        add(
            "reminder",
            &mut ReminderKind::ALL.iter().map(|v| v.as_str()),
        );
        add(
            "reminder_status",
            &mut ReminderStatus::ALL.iter().map(|v| v.as_str()),
        );
        for key in wanted {
            assert!(EN.contains_key(&key), "{key} missing");
        }
    }

    #[test]
    fn chinese_catalogue_speaks_chinese() {
        let zh = Catalog::new(Lang::ZhCn);
        assert_eq!(zh.lang(), Lang::ZhCn);
        assert_eq!(zh.get("need.explicit"), "有明确需求");
        assert_eq!(zh.get("grade.A"), "A — 一个月内成交");
        assert_eq!(zh.get("account_kind.wholesale"), "批发/经销商");
        assert_eq!(zh.get("flag.slipped"), "已逾期");
        assert_eq!(Catalog::new(Lang::En).get("flag.stale"), "stale");
    }

    #[test]
    fn missing_texts_fall_back_to_english_then_to_the_key() {
        let partial: Texts = [("col.id".to_string(), "编号".to_string())].into();
        let catalog = Catalog {
            lang: Lang::ZhCn,
            texts: Box::leak(Box::new(partial)),
            fallback: &EN,
        };
        assert_eq!(catalog.get("col.id"), "编号");
        assert_eq!(catalog.get("col.title"), "Title");
        assert_eq!(catalog.get("no.such.key"), "no.such.key");
    }

    #[test]
    fn fmt_fills_placeholders_once_and_keeps_unknown_ones() {
        let zh = Catalog::new(Lang::ZhCn);
        assert_eq!(
            zh.fmt(
                "msg.reminder_snoozed",
                &[("id", "0193a1b2"), ("date", "2026-12-01")]
            ),
            "提醒 0193a1b2 已推迟到 2026-12-01"
        );
        let en = Catalog::new(Lang::En);
        assert_eq!(en.fmt("msg.created", &[("id", "{date}")]), "Created {date}");
        assert_eq!(en.fmt("msg.created", &[]), "Created {id}");
        assert_eq!(en.fmt("a{b", &[("b", "x")]), "a{b");
    }

    #[test]
    fn lang_parses_tags_and_posix_locales() {
        for s in ["en", "EN", "en_US.UTF-8", "en-GB", "en_US@euro"] {
            assert_eq!(Lang::parse(s), Some(Lang::En), "{s}");
        }
        for s in [
            "zh",
            "zh-CN",
            "zh_CN.UTF-8",
            "zh_CN.GB18030",
            "zh-Hans",
            "zh_SG",
            "ZH-cn",
        ] {
            assert_eq!(Lang::parse(s), Some(Lang::ZhCn), "{s}");
        }
        for s in [
            "",
            "C",
            "POSIX",
            "C.UTF-8",
            "fr_FR.UTF-8",
            "zh_TW.UTF-8",
            "zh-Hant-HK",
            "english",
        ] {
            assert_eq!(Lang::parse(s), None, "{s}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(*lang));
            assert_eq!(lang.to_string().parse::<Lang>(), Ok(*lang));
        }
        assert_eq!(
            "fr".parse::<Lang>().unwrap_err().to_string(),
            "unknown language `fr`; use en or zh-CN"
        );
    }

    #[test]
    fn lang_env_defaults_to_english() {
        assert_eq!(Lang::from_env_lang(Some("zh_CN.UTF-8")), Lang::ZhCn);
        assert_eq!(Lang::from_env_lang(Some("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_env_lang(None), Lang::En);
    }

    #[test]
    fn catalogue_values_must_be_texts() {
        assert!(
            parse_texts("[col]\nid = 1")
                .unwrap_err()
                .contains("`col.id`")
        );
        assert_eq!(parse_texts("a.b = \"x\"").unwrap()["a.b"], "x");
    }
}
