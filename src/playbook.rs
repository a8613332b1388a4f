//! The playbook: how to treat a deal by grade and an account by value tier,
//! from `assets/playbook.toml`, in English and Chinese.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::domain::Grade;
use crate::i18n::Lang;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    en: String,
    zh: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierEntry {
    en: String,
    zh: String,
    visit_days: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Playbook {
    grade: BTreeMap<String, Entry>,
    tier: BTreeMap<String, TierEntry>,
}

static PLAYBOOK: LazyLock<Playbook> = LazyLock::new(|| {
    toml::from_str(include_str!("../assets/playbook.toml"))
        .expect("assets/playbook.toml is valid; a unit test reads it")
});

fn pick<'a>(texts: Option<(&'a str, &'a str)>, lang: Lang) -> &'a str {
    texts.map_or("", |(en, zh)| match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    })
}

/// The recommended handling of a deal of this grade.
pub fn for_grade(grade: Grade, lang: Lang) -> &'static str {
    let entry = PLAYBOOK.grade.get(grade.as_str());
    pick(entry.map(|e| (e.en.as_str(), e.zh.as_str())), lang)
}

/// The recommended handling of an account in value tier `tier` (`A`, `B`, `C`).
pub fn for_tier(tier: &str, lang: Lang) -> &'static str {
    let entry = PLAYBOOK.tier.get(tier);
    pick(entry.map(|e| (e.en.as_str(), e.zh.as_str())), lang)
}

/// Days between contacts the handling of value tier `tier` implies.
pub fn visit_days(tier: &str) -> Option<u32> {
    PLAYBOOK.tier.get(tier).map(|t| t.visit_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grade_and_tier_has_advice_in_both_languages() {
        for grade in Grade::ALL {
            for lang in [Lang::En, Lang::ZhCn] {
                assert!(!for_grade(*grade, lang).is_empty(), "{grade} {lang:?}");
            }
        }
        for tier in ["A", "B", "C"] {
            let chinese = for_tier(tier, Lang::ZhCn);
            assert!(
                chinese
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{tier}"
            );
            assert!(!for_tier(tier, Lang::En).is_empty(), "{tier}");
        }
        assert_eq!(for_tier("Z", Lang::En), "");
        // Better tiers are visited more often.
        let days: Vec<Option<u32>> = ["A", "B", "C"].iter().map(|t| visit_days(t)).collect();
        assert!(days.windows(2).all(|w| w[0] < w[1]), "{days:?}");
        assert!(days.iter().all(Option::is_some));
    }
}
