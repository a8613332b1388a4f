//! One-line prompts: the close date, an activity, won, lost, a pin, a snooze.

use super::update::Done;
use super::{App, Ask, Popup, Prompt};
use crate::domain::{ActivityKind, Grade};
use crate::parse;
use crate::store::{ActivityPatch, DealPatch, DealRow, On, StoreError};
use crate::tui::text::Typed;
use crate::when::{Looking, split_when};

impl App {
    pub(super) fn ask(&mut self, make: fn(&DealRow) -> Ask) {
        if let Some(row) = self.selected_deal() {
            let ask = make(row);
            let text = match ask {
                Ask::CloseDate { .. } => row
                    .deal
                    .expected_close
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                Ask::Won(_) => row.deal.amount.to_string().replace(',', ""),
                _ => String::new(),
            };
            self.popup = Some(Popup::Prompt(Prompt {
                ask,
                answer: Typed::new(text),
                error: None,
            }));
        }
    }

    /// Asks when and what to follow up on the deal, or on the open account.
    pub(super) fn ask_follow_up(&mut self) {
        if self.selected_deal().is_some() {
            return self.ask(|row| Ask::FollowUp(row.deal.id));
        }
        if let Some(detail) = &self.opened.account {
            self.popup = Some(Popup::Prompt(Prompt {
                ask: Ask::AccountFollowUp(detail.account.id),
                answer: Typed::new(""),
                error: None,
            }));
        }
    }

    /// Asks to correct (`retract`: take back) the open deal's latest
    /// activity, the correction starting from what it says now.
    pub(super) fn ask_about_activity(&mut self, retract: bool) {
        let Some(detail) = &self.opened.deal else {
            return;
        };
        let deal = detail.row.deal.id;
        let Some(latest) = detail.activities.last() else {
            self.message = self.catalog.get("tui.no_activity").to_string();
            return;
        };
        let (ask, text) = if retract {
            let ask = Ask::RetractActivity {
                deal,
                activity: latest.id,
            };
            (ask, String::new())
        } else {
            let ask = Ask::CorrectActivity {
                deal,
                activity: latest.id,
            };
            (ask, format!("{} {}", latest.kind, latest.summary))
        };
        self.popup = Some(Popup::Prompt(Prompt {
            ask,
            answer: Typed::new(text),
            error: None,
        }));
    }

    /// Carries out a prompt; on a mistake the prompt stays open with what was
    /// typed and a sentence saying what is wrong.
    pub(super) fn submit(&mut self) {
        let Some(Popup::Prompt(prompt)) = self.popup.clone() else {
            return;
        };
        let answer = prompt.answer.text.trim();
        let done = match prompt.ask.deal() {
            Some(deal) => self.write_deal(Some(deal), |app| {
                Ok((deal, app.carry_out(prompt.ask, answer)?))
            }),
            None => self
                .carry_out(prompt.ask, answer)
                .inspect(|_| self.after_wide_write()),
        };
        match done {
            Ok(message) => {
                self.popup = None;
                self.message = message;
            }
            Err(refusal) => {
                let error = Some(self.word(&refusal));
                self.popup = Some(Popup::Prompt(Prompt { error, ..prompt }));
            }
        }
    }

    fn carry_out(&mut self, ask: Ask, text: &str) -> Done<String> {
        let today = self.today();
        let c = &self.catalog;
        match ask {
            Ask::CloseDate { deal: id, version } => {
                let close = if text.is_empty() || text.eq_ignore_ascii_case("none") {
                    None
                } else {
                    Some(parse::parse_date(text, today)?)
                };
                let changes = match self.store.update_deal(
                    id,
                    DealPatch {
                        expected_close: Some(close),
                        expected_version: Some(version),
                        ..DealPatch::default()
                    },
                ) {
                    // Nothing to mend in a date: the prompt closes and the
                    // deal shows as it is now, to decide on again.
                    Err(e @ StoreError::Conflict { .. }) => return Ok(self.refused(&e)),
                    saved => saved?,
                };
                Ok(match changes.first() {
                    Some(ch) => c.fmt(
                        "msg.regraded",
                        &[
                            ("from", ch.from.as_str()),
                            ("to", ch.to.as_str()),
                            ("reason", &crate::timeline::reason(&ch.reason, c)),
                        ],
                    ),
                    None => c.fmt("msg.updated", &[("id", &id.short())]),
                })
            }
            Ask::Activity(id) => {
                let (kind, summary) = split_activity(text);
                self.store.log_activity(id, kind, summary, None)?;
                Ok(c.fmt(
                    "msg.logged",
                    &[
                        ("kind", c.get(&format!("activity.{kind}"))),
                        ("id", &id.short()),
                    ],
                ))
            }
            Ask::Won(id) => {
                let amount = if text.is_empty() {
                    None
                } else {
                    Some(parse::parse_amount(text)?)
                };
                self.store
                    .won_in(id, amount.map(|a| a.money), amount.and_then(|a| a.currency))?;
                Ok(c.fmt("msg.won", &[("id", &id.short())]))
            }
            Ask::Lost(id) => {
                self.store.lost(id, text)?;
                Ok(c.fmt("msg.lost", &[("id", &id.short())]))
            }
            Ask::Pin(id) => {
                let (grade, reason) = text.split_once(' ').unwrap_or((text, ""));
                let grade: Grade = grade.parse()?;
                self.store.pin(id, grade, reason)?;
                Ok(c.fmt(
                    "msg.pinned",
                    &[("id", &id.short()), ("grade", grade.as_str())],
                ))
            }
            Ask::FollowUp(id) => {
                let (when, what) = split_when(text, today, Looking::Ahead)?;
                self.store.plan_follow_up(On::Deal(id), when, what)?;
                Ok(c.fmt(
                    "msg.planned",
                    &[("id", &id.short()), ("date", &when.day.to_string())],
                ))
            }
            Ask::AccountFollowUp(account) => {
                let (when, what) = split_when(text, today, Looking::Ahead)?;
                self.store
                    .plan_follow_up(On::Account(account), when, what)?;
                Ok(c.fmt("msg.planned_account", &[("date", &when.day.to_string())]))
            }
            Ask::CorrectActivity { activity, .. } => {
                let (kind, summary) = split_activity(text);
                let patch = ActivityPatch {
                    kind: Some(kind),
                    summary: Some(summary.to_string()),
                    ..ActivityPatch::default()
                };
                self.store.edit_activity(activity, patch)?;
                Ok(c.fmt("msg.activity_corrected", &[("id", &activity.short())]))
            }
            Ask::RetractActivity { activity, .. } => {
                self.store.retract_activity(activity, text)?;
                Ok(c.fmt("msg.activity_retracted", &[("id", &activity.short())]))
            }
            Ask::Snooze { reminder: id, .. } => {
                let until = parse::parse_date(text, today)?;
                self.store.reminder_snooze(id, until)?;
                Ok(c.fmt(
                    "msg.reminder_snoozed",
                    &[("id", &id.short()), ("date", &until.to_string())],
                ))
            }
        }
    }
}

/// `visit 上门演示` → a visit; text without a known kind first is a call.
fn split_activity(text: &str) -> (ActivityKind, &str) {
    if let Some((first, rest)) = text.split_once(' ')
        && let Ok(kind) = first.parse::<ActivityKind>()
    {
        return (kind, rest.trim());
    }
    (ActivityKind::Call, text)
}
