//! The demo name lists in `assets/demo/`, embedded at build time and split once.
//!
//! One entry a line, `#` starts a comment line, columns are separated by `|`.

use std::sync::OnceLock;

use crate::domain::ActivityKind;

/// A name with its Latin spelling: pinyin for Chinese, the name itself for English.
pub(super) struct Name {
    pub text: &'static str,
    /// Capitalised, for mixed names such as "Kevin Zhang".
    pub roman: &'static str,
    /// Lowercase ASCII letters only, for email addresses and handles.
    pub key: String,
}

pub(super) struct City {
    pub name: Name,
    pub region: &'static str,
    /// A mainland area code (`021`), or a country prefix (`+852`) outside the mainland.
    pub area_code: &'static str,
}

pub(super) struct Industry {
    /// The word in the company name: 物流, Logistics.
    pub word: Name,
    /// The account's industry field.
    pub industry: &'static str,
    /// Legal suffixes that read naturally after the word; English companies other than
    /// distributors share one list instead.
    pub suffixes: Vec<&'static str>,
}

/// The words one language contributes to every account.
pub(super) struct Language {
    pub industries: Vec<Industry>,
    /// What distributors trade in, with suffixes such as 贸易有限公司 or Distribution Ltd.
    pub wholesale: Vec<Industry>,
    pub titles: Vec<&'static str>,
    pub deals: Vec<&'static str>,
    /// Summaries per activity kind, indexed by `kind as usize`.
    pub activities: Vec<Vec<&'static str>>,
    pub lost_reasons: Vec<&'static str>,
    pub account_notes: Vec<&'static str>,
    pub contact_notes: Vec<&'static str>,
    /// The industry of an account that is a person.
    pub individual_industry: &'static str,
}

pub(super) struct Lists {
    pub team: Vec<(&'static str, u32)>,
    pub zh: Language,
    pub en: Language,
    pub cities: Vec<City>,
    pub brands: Vec<Name>,
    pub surnames: Vec<Name>,
    pub given_names: Vec<Name>,
    pub name_starts: Vec<Name>,
    pub name_ends: Vec<Name>,
    pub en_suffixes: Vec<&'static str>,
    pub first_names: Vec<Name>,
    pub last_names: Vec<Name>,
}

impl Lists {
    pub fn get() -> &'static Lists {
        static LISTS: OnceLock<Lists> = OnceLock::new();
        LISTS.get_or_init(Lists::load)
    }

    fn load() -> Lists {
        macro_rules! asset {
            ($file:literal) => {
                include_str!(concat!("../../assets/demo/", $file))
            };
        }
        Lists {
            team: entries(asset!("team.txt"))
                .map(|line| {
                    let [name, weight] = fields(line);
                    (
                        name,
                        weight
                            .parse()
                            .expect("assets/demo/team.txt: weight is a number"),
                    )
                })
                .collect(),
            zh: Language {
                industries: industries(asset!("zh/industries.txt")),
                wholesale: industries(asset!("zh/wholesale.txt")),
                titles: entries(asset!("zh/titles.txt")).collect(),
                deals: entries(asset!("zh/deals.txt")).collect(),
                activities: activities(asset!("zh/activities.txt")),
                lost_reasons: entries(asset!("zh/lost_reasons.txt")).collect(),
                account_notes: notes(asset!("zh/notes.txt"), "account"),
                contact_notes: notes(asset!("zh/notes.txt"), "contact"),
                individual_industry: "个人消费",
            },
            en: Language {
                industries: entries(asset!("en/industries.txt"))
                    .map(|line| {
                        let [word, industry] = fields(line);
                        Industry {
                            word: Name::plain(word),
                            industry,
                            suffixes: Vec::new(),
                        }
                    })
                    .collect(),
                wholesale: industries(asset!("en/wholesale.txt")),
                titles: entries(asset!("en/titles.txt")).collect(),
                deals: entries(asset!("en/deals.txt")).collect(),
                activities: activities(asset!("en/activities.txt")),
                lost_reasons: entries(asset!("en/lost_reasons.txt")).collect(),
                account_notes: notes(asset!("en/notes.txt"), "account"),
                contact_notes: notes(asset!("en/notes.txt"), "contact"),
                individual_industry: "Consumer",
            },
            cities: entries(asset!("zh/cities.txt"))
                .map(|line| {
                    let [name, pinyin, region, area_code] = fields(line);
                    City {
                        name: Name::romanised(name, pinyin),
                        region,
                        area_code,
                    }
                })
                .collect(),
            brands: romanised(asset!("zh/brands.txt")),
            surnames: romanised(asset!("zh/surnames.txt")),
            given_names: romanised(asset!("zh/given_names.txt")),
            name_starts: entries(asset!("en/name_starts.txt"))
                .map(Name::plain)
                .collect(),
            name_ends: entries(asset!("en/name_ends.txt"))
                .map(Name::plain)
                .collect(),
            en_suffixes: entries(asset!("en/suffixes.txt")).collect(),
            first_names: entries(asset!("en/first_names.txt"))
                .map(Name::plain)
                .collect(),
            last_names: entries(asset!("en/last_names.txt"))
                .map(Name::plain)
                .collect(),
        }
    }
}

impl Name {
    fn romanised(text: &'static str, roman: &'static str) -> Name {
        let key = roman
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Name { text, roman, key }
    }

    fn plain(text: &'static str) -> Name {
        Name::romanised(text, text)
    }
}

fn entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn fields<const N: usize>(line: &'static str) -> [&'static str; N] {
    let mut parts = line.split('|').map(str::trim);
    let out: [&str; N] = std::array::from_fn(|_| parts.next().unwrap_or_default());
    assert!(
        parts.next().is_none() && !out.contains(&""),
        "assets/demo: expected {N} `|`-separated fields in `{line}`"
    );
    out
}

fn romanised(text: &'static str) -> Vec<Name> {
    entries(text)
        .map(|line| {
            let [name, roman] = fields(line);
            Name::romanised(name, roman)
        })
        .collect()
}

/// Lines of `word | industry | suffix/suffix…`.
fn industries(text: &'static str) -> Vec<Industry> {
    entries(text)
        .map(|line| {
            let [word, industry, suffixes] = fields(line);
            Industry {
                word: Name::plain(word),
                industry,
                suffixes: suffixes.split('/').collect(),
            }
        })
        .collect()
}

fn activities(text: &'static str) -> Vec<Vec<&'static str>> {
    let mut by_kind = vec![Vec::new(); ActivityKind::ALL.len()];
    for line in entries(text) {
        let [kind, summary] = fields(line);
        let kind: ActivityKind = kind.parse().expect("assets/demo: activity kind");
        by_kind[kind as usize].push(summary);
    }
    by_kind
}

fn notes(text: &'static str, row: &str) -> Vec<&'static str> {
    entries(text)
        .filter_map(|line| {
            let [for_row, note] = fields(line);
            (for_row == row).then_some(note)
        })
        .collect()
}
