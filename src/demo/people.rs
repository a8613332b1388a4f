//! Company and person names, phone numbers, email addresses and chat handles.

use chrono::{DateTime, TimeDelta, Utc};
use fastrand::Rng;

use super::lists::Lists;
use super::{DemoGenerator, chance, meta, pick, weighted};
use crate::domain::{AccountKind, Contact, Id};

/// Where English-named accounts sit, with the phone prefixes used there.
const EN_REGIONS: [(&str, &[&str]); 4] = [
    (
        "International",
        &["+1", "+44", "+49", "+65", "+61", "+81", "+33", "+971"],
    ),
    ("港澳台", &["+852", "+853", "+886"]),
    ("华东", &["+86 21", "+86 512"]),
    ("华南", &["+86 755", "+86 20"]),
];
const EN_REGION_WEIGHTS: [u32; 4] = [65, 15, 12, 8];

pub(super) struct Company {
    pub name: String,
    pub industry: &'static str,
    pub region: &'static str,
    zh: bool,
    /// The staff's mail domain; a person buying for themselves uses public mail.
    domain: Option<String>,
    /// A mainland area code (`021`), or a country prefix starting with `+`.
    phone_prefix: &'static str,
    /// The buyer, when the account is a person.
    person: Option<Person>,
}

struct Person {
    name: String,
    zh: bool,
    /// Lowercase Latin family and given names, for addresses and handles.
    family: &'static str,
    given: String,
}

impl DemoGenerator {
    /// A company, or a person for an individual account, named unlike any account before it.
    pub(super) fn company(&mut self, zh: bool, kind: AccountKind) -> Company {
        for _ in 0..8 {
            let company = new_company(&mut self.rng, self.lists, zh, kind);
            if self.taken.insert(company.name.clone()) {
                return company;
            }
        }
        // The lists are running out of fresh combinations: number the name like a branch.
        // Each account adds one name, so the count never repeats.
        let mut company = new_company(&mut self.rng, self.lists, zh, kind);
        let number = self.taken.len().to_string();
        let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
        push_all(&mut company.name, &[open, &number, close]);
        self.taken.insert(company.name.clone());
        company
    }

    /// The people at the account: the buyer themselves for an individual, else one to four.
    pub(super) fn contacts(
        &mut self,
        account_id: Id,
        company: &Company,
        created_at: DateTime<Utc>,
        owner: &str,
    ) -> Vec<Contact> {
        let count = if company.person.is_some() {
            1
        } else {
            1 + weighted(&mut self.rng, &[40, 35, 18, 7])
        };
        let mut contacts = Vec::with_capacity(count);
        for i in 0..count {
            let id = self.id();
            let rng = &mut self.rng;
            let lists = self.lists;
            let made;
            let person = match &company.person {
                Some(person) => person,
                None => {
                    made = new_person(rng, lists, company.zh);
                    &made
                }
            };
            let lang = if person.zh { &lists.zh } else { &lists.en };
            let title = if company.person.is_some() {
                ""
            } else {
                *pick(rng, &lang.titles)
            };
            let notes = if chance(rng, 15) {
                *pick(rng, &lang.contact_notes)
            } else {
                ""
            };
            let phone = phone(rng, company.phone_prefix, person.zh);
            let email = if chance(rng, 90) {
                email(rng, person, company.domain.as_deref())
            } else {
                String::new()
            };
            let other = handle(rng, person, &phone);
            let at = created_at + TimeDelta::minutes(i as i64 + 1);
            contacts.push(Contact {
                source_id: None,
                id,
                account_id,
                name: person.name.clone(),
                title: title.to_string(),
                phone,
                email,
                other,
                notes: notes.to_string(),
                meta: meta(at, at, owner),
            });
        }
        contacts
    }
}

fn new_company(rng: &mut Rng, lists: &'static Lists, zh: bool, kind: AccountKind) -> Company {
    if zh {
        zh_company(rng, lists, kind)
    } else {
        en_company(rng, lists, kind)
    }
}

/// 上海恒通物流有限公司, 恒通物流有限公司 or 恒通（上海）物流有限公司.
fn zh_company(rng: &mut Rng, lists: &'static Lists, kind: AccountKind) -> Company {
    let city = pick(rng, &lists.cities);
    if kind == AccountKind::Individual {
        return individual(rng, lists, true, city.region, city.area_code);
    }
    let brand = pick(rng, &lists.brands);
    let wholesale = kind == AccountKind::Wholesale;
    let industry = pick(
        rng,
        if wholesale {
            &lists.zh.wholesale
        } else {
            &lists.zh.industries
        },
    );
    let mut name = String::with_capacity(64);
    match rng.u8(..10) {
        0..5 => push_all(&mut name, &[city.name.text, brand.text]),
        5..8 => name.push_str(brand.text),
        _ => push_all(&mut name, &[brand.text, "（", city.name.text, "）"]),
    }
    name.push_str(industry.word.text);
    let suffix = *pick(rng, &industry.suffixes);
    name.push_str(suffix);
    let mut domain = String::with_capacity(32);
    match rng.u8(..3) {
        0 => push_all(&mut domain, &[&brand.key, ".com"]),
        1 => push_all(&mut domain, &[&brand.key, ".com.cn"]),
        _ => push_all(&mut domain, &[&brand.key, "-", &city.name.key, ".com"]),
    }
    Company {
        name,
        industry: industry.industry,
        region: city.region,
        zh: true,
        domain: Some(domain),
        phone_prefix: city.area_code,
        person: None,
    }
}

/// Northwind Logistics Ltd, Harris Medical Distribution Ltd.
fn en_company(rng: &mut Rng, lists: &'static Lists, kind: AccountKind) -> Company {
    let (region, prefixes) = EN_REGIONS[weighted(rng, &EN_REGION_WEIGHTS)];
    let phone_prefix = *pick(rng, prefixes);
    if kind == AccountKind::Individual {
        return individual(rng, lists, false, region, phone_prefix);
    }
    let mut name = String::with_capacity(48);
    let mut domain = String::with_capacity(32);
    if chance(rng, 70) {
        let (start, end) = (pick(rng, &lists.name_starts), pick(rng, &lists.name_ends));
        push_all(&mut name, &[start.text, end.text]);
        push_all(&mut domain, &[&start.key, &end.key]);
    } else {
        let last = pick(rng, &lists.last_names);
        name.push_str(last.text);
        domain.push_str(&last.key);
    }
    let wholesale = kind == AccountKind::Wholesale;
    let industry = pick(
        rng,
        if wholesale {
            &lists.en.wholesale
        } else {
            &lists.en.industries
        },
    );
    let suffixes = if wholesale {
        &industry.suffixes
    } else {
        &lists.en_suffixes
    };
    push_all(
        &mut name,
        &[" ", industry.word.text, " ", *pick(rng, suffixes)],
    );
    match rng.u8(..3) {
        0 => domain.push_str(".com"),
        1 => push_all(&mut domain, &["-", &industry.word.key, ".com"]),
        _ => domain.push_str(".net"),
    }
    Company {
        name,
        industry: industry.industry,
        region,
        zh: false,
        domain: Some(domain),
        phone_prefix,
        person: None,
    }
}

fn individual(
    rng: &mut Rng,
    lists: &'static Lists,
    zh: bool,
    region: &'static str,
    phone_prefix: &'static str,
) -> Company {
    let person = new_person(rng, lists, zh);
    Company {
        name: person.name.clone(),
        industry: if zh {
            lists.zh.individual_industry
        } else {
            lists.en.individual_industry
        },
        region,
        zh,
        domain: None,
        phone_prefix,
        person: Some(person),
    }
}

/// A Chinese name (surname and one or two given characters), an English one, or now and then
/// at English accounts a mixed one such as "Kevin Zhang".
fn new_person(rng: &mut Rng, lists: &'static Lists, zh: bool) -> Person {
    // Favour the surnames at the top of the list, the common ones, as real name lists do.
    let surname = &lists.surnames[(rng.f64().powi(2) * lists.surnames.len() as f64) as usize];
    if zh {
        let mut name = String::with_capacity(12);
        let mut given = String::with_capacity(12);
        name.push_str(surname.text);
        for _ in 0..if chance(rng, 30) { 1 } else { 2 } {
            let part = pick(rng, &lists.given_names);
            name.push_str(part.text);
            given.push_str(&part.key);
        }
        return Person {
            name,
            zh,
            family: &surname.key,
            given,
        };
    }
    let first = pick(rng, &lists.first_names);
    let (family_name, family) = if chance(rng, 20) {
        (surname.roman, &surname.key)
    } else {
        let last = pick(rng, &lists.last_names);
        (last.text, &last.key)
    };
    let mut name = String::with_capacity(first.text.len() + family_name.len() + 1);
    name.push_str(first.text);
    name.push(' ');
    name.push_str(family_name);
    Person {
        name,
        zh,
        family,
        given: first.key.clone(),
    }
}

/// A Chinese mobile (13x…) or landline in the mainland, else an international number.
fn phone(rng: &mut Rng, prefix: &str, mobile: bool) -> String {
    let mut phone = String::with_capacity(20);
    if prefix.starts_with('+') {
        phone.push_str(prefix);
        phone.push(' ');
        push_digits(rng, &mut phone, 4);
        phone.push(' ');
        push_digits(rng, &mut phone, 4);
    } else if mobile && chance(rng, 75) {
        phone.push('1');
        phone.push(*pick(rng, &['3', '5', '7', '8', '9']));
        push_digits(rng, &mut phone, 9);
    } else {
        phone.push_str(prefix);
        phone.push('-');
        push_digits(rng, &mut phone, 8);
    }
    phone
}

/// Mostly a work address at the company's domain; otherwise a public mailbox.
fn email(rng: &mut Rng, person: &Person, domain: Option<&str>) -> String {
    let (family, given) = (person.family, person.given.as_str());
    let mut email = String::with_capacity(40);
    match domain {
        Some(domain) if chance(rng, 80) => {
            match (person.zh, rng.u8(..3)) {
                (true, 0) | (false, 2) => push_all(&mut email, &[family, given]),
                (true, 1) | (false, 0) => push_all(&mut email, &[given, ".", family]),
                (true, _) => push_all(&mut email, &[family, ".", given]),
                (false, _) => push_all(&mut email, &[&given[..1], family]),
            }
            email.push('@');
            email.push_str(domain);
        }
        _ if person.zh && chance(rng, 40) => {
            let len = rng.usize(6..=10);
            push_digits(rng, &mut email, len);
            email.push_str("@qq.com");
        }
        _ if person.zh => {
            push_all(&mut email, &[family, given]);
            push_digits(rng, &mut email, 3);
            let mailbox = *pick(rng, &["@163.com", "@126.com"]);
            email.push_str(mailbox);
        }
        _ => {
            push_all(&mut email, &[given, ".", family]);
            let mailbox = *pick(rng, &["@gmail.com", "@outlook.com", "@yahoo.com"]);
            email.push_str(mailbox);
        }
    }
    email
}

/// WeChat for most Chinese contacts; WhatsApp or LinkedIn for some others.
fn handle(rng: &mut Rng, person: &Person, phone: &str) -> String {
    let mut other = String::with_capacity(40);
    if person.zh {
        if chance(rng, 70) {
            other.push_str("微信: ");
            if rng.bool() {
                push_all(&mut other, &[person.family, &person.given]);
                push_digits(rng, &mut other, 3);
            } else {
                other.push_str("wxid_");
                for _ in 0..10 {
                    other.push(if rng.bool() {
                        rng.lowercase()
                    } else {
                        rng.digit(10)
                    });
                }
            }
        }
    } else {
        match rng.u8(..100) {
            0..20 => push_all(&mut other, &["WhatsApp: ", phone]),
            20..35 => push_all(
                &mut other,
                &[
                    "LinkedIn: linkedin.com/in/",
                    &person.given,
                    "-",
                    person.family,
                ],
            ),
            _ => {}
        }
    }
    other
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

/// `count` random digits, the first from 2 to 9 as in landline and QQ numbers.
fn push_digits(rng: &mut Rng, out: &mut String, count: usize) {
    out.push(char::from(b'2' + rng.u8(..8)));
    for _ in 1..count {
        out.push(rng.digit(10));
    }
}
