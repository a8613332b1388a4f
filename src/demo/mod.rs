//! Demo data (SPEC §6 `demo`): a seeded generator of realistic accounts with their
//! contacts, deals, activities and stage history, in Chinese and English.
//!
//! Pure: no SQL and no clock. The same seed and `today` always give the same rows;
//! the store inserts them and the engine regrades afterwards.

mod lists;
mod people;

use std::collections::HashSet;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use fastrand::Rng;

use crate::domain::{
    Account, AccountKind, Activity, ActivityKind, Contact, Deal, Grade, HistoryEntry, HistoryField,
    Id, LOST, Money, Need, ProductTier, Reason, RowMeta, Satisfaction, WON,
};
use lists::{Language, Lists};

/// One account with everything that hangs off it, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub account: Account,
    pub contacts: Vec<Contact>,
    pub deals: Vec<DemoDeal>,
}

/// One deal with its activities and its stage changes, both oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDeal {
    pub deal: Deal,
    pub activities: Vec<Activity>,
    pub history: Vec<HistoryEntry>,
}

/// The default stage ids in pipeline order, then the two outcomes.
const STAGES: [&str; 7] = [
    "lead",
    "contacted",
    "needs",
    "proposal",
    "negotiation",
    WON,
    LOST,
];
const NEGOTIATION: usize = 4;
const WON_AT: usize = 5;
const LOST_AT: usize = 6;
/// Deals per stage: a funnel that narrows, with a fifth of all deals won.
const STAGE_WEIGHTS: [u32; 7] = [15, 13, 13, 12, 10, 22, 15];
/// Activities per deal by stage (inclusive): deals further along were worked more; 5 on average.
const ACTIVITIES: [(u32, u32); 7] = [(0, 3), (0, 6), (1, 8), (2, 10), (3, 13), (2, 14), (0, 8)];
/// Weights in the order of `ActivityKind::ALL`: call, visit, email, meeting, message, note.
const ACTIVITY_WEIGHTS: [u32; 6] = [30, 12, 18, 10, 20, 10];
/// Weights for 0 to 5 deals on an account: 2 on average.
const DEALS_PER_ACCOUNT: [u32; 6] = [12, 28, 28, 16, 10, 6];
const CHANNELS: [&str; 4] = ["direct", "distributor", "retail", "online"];

const DAY: i64 = 86_400;
/// 09:00–18:00 in Beijing as UTC seconds after midnight, so every timestamp falls on the
/// same calendar day in UTC and in China.
const WORK_HOURS: std::ops::Range<i64> = 3_600..36_000;
/// Deals close within the last 18 months; a few days short so a calendar check always holds.
const CLOSED_WITHIN_DAYS: i32 = 540;

/// An endless stream of demo accounts; take as many as wanted.
pub struct DemoGenerator {
    rng: Rng,
    today: NaiveDate,
    midnight: DateTime<Utc>,
    lists: &'static Lists,
    team: Vec<String>,
    team_weights: Vec<u32>,
    /// Account names given out so far: the CLI finds accounts by name, so none repeats.
    taken: HashSet<String>,
}

impl DemoGenerator {
    /// `user` joins the demo sales team, so `--owner` filters on their own name show data.
    pub fn new(seed: u64, today: NaiveDate, user: &str) -> Self {
        // Every date lies within three years of `today`; keep that inside chrono's range so
        // that no `--today` can make date arithmetic panic.
        let margin = Days::new(3 * 366);
        let today = today.clamp(NaiveDate::MIN + margin, NaiveDate::MAX - margin);
        let lists = Lists::get();
        let (mut team, mut team_weights): (Vec<String>, Vec<u32>) = lists
            .team
            .iter()
            .map(|&(name, weight)| (name.to_string(), weight))
            .unzip();
        let user = user.trim();
        if !user.is_empty() && !team.iter().any(|name| name == user) {
            team.push(user.to_string());
            team_weights.push(4);
        }
        DemoGenerator {
            rng: Rng::with_seed(seed),
            today,
            midnight: today.and_time(NaiveTime::MIN).and_utc(),
            lists,
            team,
            team_weights,
            taken: HashSet::new(),
        }
    }

    fn account(&mut self) -> DemoAccount {
        let id = self.id();
        let zh = chance(&mut self.rng, 60);
        let kind = AccountKind::ALL[weighted(&mut self.rng, &[75, 10, 15])];
        // A Pareto size (shape 1) scales every deal of the account, so the top fifth of
        // accounts bring about three quarters of the revenue: the 80/20 curve.
        let mut size = (1.0 / (1.0 - self.rng.f64())).min(200.0);
        if kind == AccountKind::Individual {
            size = size.min(2.0);
        }
        let owner = weighted(&mut self.rng, &self.team_weights);
        let company = self.company(zh, kind);

        let deal_count = weighted(&mut self.rng, &DEALS_PER_ACCOUNT);
        let deals: Vec<DemoDeal> = (0..deal_count)
            .map(|_| self.deal(id, zh, size, owner))
            .collect();
        let created_at = match deals.iter().map(|d| d.deal.meta.created_at).min() {
            Some(first_deal) => first_deal - TimeDelta::days(self.rng.i64(1..=20)),
            None => {
                let day = -self.rng.i32(30..=730);
                let at = moment(&mut self.rng, day);
                self.at(at)
            }
        };

        let channel_weights: &[u32] = match kind {
            AccountKind::Enterprise => &[55, 20, 10, 15],
            AccountKind::Individual => &[10, 0, 40, 50],
            AccountKind::Wholesale => &[30, 70, 0, 0],
        };
        let channel = CHANNELS[weighted(&mut self.rng, channel_weights)];
        let product_tier = if chance(&mut self.rng, 10) {
            None
        } else {
            // Big customers tend to buy the high end.
            let tier_weights = if size > 8.0 {
                [60, 30, 10]
            } else {
                [15, 50, 35]
            };
            Some(ProductTier::ALL[weighted(&mut self.rng, &tier_weights)])
        };
        let satisfaction = Satisfaction::ALL[weighted(&mut self.rng, &[35, 30, 10, 25])];
        let lang = self.lang(zh);
        let notes = if chance(&mut self.rng, 20) {
            *pick(&mut self.rng, &lang.account_notes)
        } else {
            ""
        };
        let owner = self.team[owner].clone();
        let contacts = self.contacts(id, &company, created_at, &owner);

        DemoAccount {
            account: Account {
                source_id: None,
                id,
                name: company.name,
                kind,
                industry: company.industry.to_string(),
                region: company.region.to_string(),
                channel: channel.to_string(),
                product_tier,
                satisfaction,
                notes: notes.to_string(),
                meta: meta(created_at, created_at, &owner),
                owner,
            },
            contacts,
            deals,
        }
    }

    fn deal(&mut self, account_id: Id, zh: bool, size: f64, account_owner: usize) -> DemoDeal {
        let id = self.id();
        let owner = if chance(&mut self.rng, 90) {
            account_owner
        } else {
            weighted(&mut self.rng, &self.team_weights)
        };
        let owner = self.team[owner].clone();
        let stage = weighted(&mut self.rng, &STAGE_WEIGHTS);
        let open = stage < WON_AT;
        let rng = &mut self.rng;
        // Open deals are mostly less than a year old; closed ones reach back two years.
        let created = -if open && chance(rng, 80) {
            rng.i32(30..=365)
        } else {
            rng.i32(30..=730)
        };
        // The last touch of an open deal: some this week, some left alone for months (overdue
        // revisits, stale deals); a closed deal's is its close.
        let end = if open {
            let ago = match rng.u8(..100) {
                0..45 => rng.i32(0..=7),
                45..75 => rng.i32(8..=30),
                _ => rng.i32(31..=180),
            };
            (-ago).max(created)
        } else {
            rng.i32((created + 7).max(-CLOSED_WITHIN_DAYS)..=0)
        };
        let expected_close = match stage {
            WON_AT => Some((end + rng.i32(-20..=20)).max(created + 1)),
            LOST_AT => chance(rng, 80).then(|| end + rng.i32(0..=60)),
            _ => match rng.u8(..100) {
                0..10 => None,
                // Slipped: the promised date has passed, though never before the deal existed.
                10..20 => Some(-rng.i32(1..=60.min(-created - 1))),
                20..35 => Some(rng.i32(0..=30)),
                35..60 => Some(rng.i32(31..=91)),
                60..82 => Some(rng.i32(92..=183)),
                _ => Some(rng.i32(184..=365)),
            },
        };
        let need_weights = match stage {
            WON_AT => [100, 0, 0],
            LOST_AT => [55, 30, 15],
            0 | 1 => [45, 35, 20],
            _ => [80, 15, 5],
        };
        let need = Need::ALL[weighted(rng, &need_weights)];
        let amount = amount(rng, size);
        // Bilingual teams: a tenth of titles are in the other language.
        let title_zh = if chance(&mut self.rng, 90) { zh } else { !zh };
        let lang = self.lang(title_zh);
        let mut title = pick(&mut self.rng, &lang.deals).to_string();
        if chance(&mut self.rng, 8) {
            title.push_str(if title_zh {
                "（二期）"
            } else {
                " (phase 2)"
            });
        }
        let lost_reason =
            (stage == LOST_AT).then(|| pick(&mut self.rng, &lang.lost_reasons).to_string());

        let path = self.stage_path(stage);
        let pinned = [created, end];
        let steps = moments(
            &mut self.rng,
            path.len(),
            created,
            end,
            &pinned[..1 + usize::from(!open)],
            i64::MIN,
        );
        let history = self.history(id, &path, &steps, &owner);
        let (low, high) = ACTIVITIES[stage];
        let count = self.rng.u32(low..=high) as usize;
        let times = moments(&mut self.rng, count, created, end, &[end], steps[0]);
        let activities = self.activities(id, account_id, zh, &times, &owner);

        let first = steps[0];
        let last = steps[steps.len() - 1];
        DemoDeal {
            deal: Deal {
                source_id: None,
                id,
                account_id,
                title,
                amount,
                stage: STAGES[stage].to_string(),
                need,
                expected_close: expected_close.map(|day| self.date(day)),
                // A placeholder: the store's engine regrades every deal after inserting it.
                grade: Grade::E,
                pin: None,
                created_on: self.date(created),
                stage_entered_on: self.date(day_of(last)),
                closed_on: (!open).then(|| self.date(end)),
                lost_reason,
                meta: meta(self.at(first), self.at(last), &owner),
                owner,
                currency: crate::domain::Currency::CNY,
                contact_id: None,
                source: String::new(),
                next_step: String::new(),
                notes: String::new(),
            },
            activities,
            history,
        }
    }

    /// One stage change per step of `path`, at the matching moment of `steps`.
    fn history(
        &mut self,
        deal_id: Id,
        path: &[usize],
        steps: &[i64],
        owner: &str,
    ) -> Vec<HistoryEntry> {
        let mut history = Vec::with_capacity(path.len());
        for (i, (&to, &at)) in path.iter().zip(steps).enumerate() {
            history.push(HistoryEntry {
                id: self.id(),
                deal_id,
                field: HistoryField::Stage,
                at: self.at(at),
                old: if i == 0 {
                    String::new()
                } else {
                    STAGES[path[i - 1]].to_string()
                },
                new: STAGES[to].to_string(),
                reason: Reason::Demo,
                author: owner.to_string(),
            });
        }
        history
    }

    fn activities(
        &mut self,
        deal_id: Id,
        account_id: Id,
        zh: bool,
        times: &[i64],
        owner: &str,
    ) -> Vec<Activity> {
        let mut activities = Vec::with_capacity(times.len());
        for &at in times {
            let kind = weighted(&mut self.rng, &ACTIVITY_WEIGHTS);
            let summary_zh = if chance(&mut self.rng, 85) { zh } else { !zh };
            let lang = self.lang(summary_zh);
            let at = self.at(at);
            activities.push(Activity {
                id: self.id(),
                deal_id: Some(deal_id),
                account_id,
                kind: ActivityKind::ALL[kind],
                at,
                summary: pick(&mut self.rng, &lang.activities[kind]).to_string(),
                author: owner.to_string(),
                created_at: at,
            });
        }
        activities
    }

    /// The stages a deal passed through, from `lead` to `stage`: mostly one step at a time,
    /// now and then skipping one (a customer who arrives with a clear need) or falling back
    /// one and recovering (a new stakeholder, reopened requirements).
    fn stage_path(&mut self, stage: usize) -> Vec<usize> {
        let rng = &mut self.rng;
        let top = match stage {
            WON_AT if chance(rng, 15) => NEGOTIATION - 1,
            WON_AT => NEGOTIATION,
            LOST_AT => weighted(rng, &[25, 25, 20, 18, 12]),
            open => open,
        };
        let mut path = Vec::with_capacity(top + 4);
        path.push(0);
        let mut at = 0;
        while at < top {
            if at > 0 && chance(rng, 6) {
                path.extend([at - 1, at]);
            }
            at += if at + 2 <= top && chance(rng, 10) {
                2
            } else {
                1
            };
            path.push(at);
        }
        if stage >= WON_AT {
            path.push(stage);
        }
        path
    }

    fn id(&mut self) -> Id {
        Id::from_random_bytes(self.rng.u128(..).to_le_bytes())
    }

    fn lang(&self, zh: bool) -> &'static Language {
        let lists = self.lists;
        if zh { &lists.zh } else { &lists.en }
    }

    /// The date `day` days after today (negative: before).
    fn date(&self, day: i32) -> NaiveDate {
        self.today + TimeDelta::days(day.into())
    }

    /// The timestamp `moment` seconds after today's midnight (UTC).
    fn at(&self, moment: i64) -> DateTime<Utc> {
        self.midnight + TimeDelta::seconds(moment)
    }
}

impl Iterator for DemoGenerator {
    type Item = DemoAccount;

    fn next(&mut self) -> Option<DemoAccount> {
        Some(self.account())
    }
}

/// From 5,000.00 to 2,000,000.00, most near the bottom and scaled by the account's size;
/// round figures as quotes are, now and then with cents.
fn amount(rng: &mut Rng, size: f64) -> Money {
    let spread = 1.0 + 9.0 * rng.f64().powi(3);
    let yuan = (5_000.0 * size * spread).min(2_000_000.0) as i64;
    let step = if yuan >= 100_000 { 1_000 } else { 100 };
    let cents = if chance(rng, 10) { rng.i64(1..100) } else { 0 };
    Money(((yuan / step * step).max(5_000) * 100 + cents).min(200_000_000))
}

/// `n` strictly increasing moments (seconds after today's midnight) in work hours on days
/// `first..=last`, all later than `after`. The first moments fall on the `pinned` days (a
/// deal's creation, its close or last touch), the rest anywhere in between; sorting keeps
/// the pinned first and last days at the ends.
fn moments(rng: &mut Rng, n: usize, first: i32, last: i32, pinned: &[i32], after: i64) -> Vec<i64> {
    let mut out: Vec<i64> = (0..n)
        .map(|i| {
            let day = pinned
                .get(i)
                .copied()
                .unwrap_or_else(|| rng.i32(first..=last));
            moment(rng, day)
        })
        .collect();
    out.sort_unstable();
    let mut previous = after;
    for at in &mut out {
        // A minute apart keeps the order strict without leaving the day.
        if *at <= previous {
            *at = previous + 60;
        }
        previous = *at;
    }
    out
}

fn moment(rng: &mut Rng, day: i32) -> i64 {
    i64::from(day) * DAY + rng.i64(WORK_HOURS)
}

fn day_of(moment: i64) -> i32 {
    moment.div_euclid(DAY) as i32
}

fn meta(created_at: DateTime<Utc>, updated_at: DateTime<Utc>, by: &str) -> RowMeta {
    RowMeta {
        created_at,
        updated_at,
        updated_by: by.to_string(),
        version: 1,
        deleted_at: None,
    }
}

fn chance(rng: &mut Rng, percent: u8) -> bool {
    rng.u8(..100) < percent
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// An index into `weights`, drawn in proportion to them.
fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let mut ticket = rng.u32(..weights.iter().sum::<u32>());
    for (i, &weight) in weights.iter().enumerate() {
        if ticket < weight {
            return i;
        }
        ticket -= weight;
    }
    unreachable!("the ticket is below the sum of the weights")
}

#[cfg(test)]
mod tests;
