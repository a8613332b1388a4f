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
struct Playbook {
    grade: BTreeMap<String, Entry>,
    tier: BTreeMap<String, Entry>,
}

static PLAYBOOK: LazyLock<Playbook> = LazyLock::new(|| {
    toml::from_str(include_str!("../assets/playbook.toml"))
        .expect("assets/playbook.toml is valid; a unit test reads it")
});

fn pick(entry: Option<&Entry>, lang: Lang) -> &str {
    entry.map_or("", |e| match lang {
        Lang::En => e.en.as_str(),
        Lang::ZhCn => e.zh.as_str(),
    })
}

/// The recommended handling of a deal of this grade.
pub fn for_grade(grade: Grade, lang: Lang) -> &'static str {
    pick(PLAYBOOK.grade.get(grade.as_str()), lang)
}

/// The recommended handling of an account in value tier `tier` (`A`, `B`, `C`).
pub fn for_tier(tier: &str, lang: Lang) -> &'static str {
    pick(PLAYBOOK.tier.get(tier), lang)
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
    }
}
