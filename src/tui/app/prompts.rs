//! One-line prompts: the close date, an activity, won, lost, a pin, a snooze.

use super::{App, Ask, Popup, Prompt};
use crate::domain::{ActivityKind, Grade};
use crate::parse;
use crate::store::{DealPatch, DealRow, StoreError};
use crate::say::Say;

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
                text,
                error: None,
            }));
        }
    }

    pub(super) fn edit(&mut self, typed_space: bool, change: impl FnOnce(&mut String)) {
        let today = self.today();
        match &mut self.popup {
            Some(Popup::Prompt(prompt)) => {
                change(&mut prompt.text);
                prompt.error = None;
            }
            Some(Popup::Form(form)) => {
                match form.typed() {
                    Some(text) => change(text),
                    // A field with a fixed set of values: space picks the next one.
                    None if typed_space => form.cycle(&self.store, true),
                    None => return,
                }
                form.check(&self.store, today, &self.catalog);
            }
            _ => {}
        }
    }

    /// Carries out a prompt; on a mistake the prompt stays open with what was
    /// typed and a sentence saying what is wrong.
    pub(super) fn submit(&mut self) {
        let Some(Popup::Prompt(prompt)) = self.popup.clone() else {
            return;
        };
        let deal = prompt.ask.deal();
        let before = self.before(Some(deal));
        match self.carry_out(prompt.ask, prompt.text.trim()) {
            Ok(message) => {
                self.after_write(before, deal);
                self.follow = Some(deal);
                self.popup = None;
                self.message = message;
            }
            Err(error) => {
                self.popup = Some(Popup::Prompt(Prompt {
                    error: Some(error),
                    ..prompt
                }));
            }
        }
    }

    pub(super) fn carry_out(&mut self, ask: Ask, text: &str) -> Result<String, String> {
        let today = self.today();
        let c = &self.catalog;
        match ask {
            Ask::CloseDate { deal: id, version } => {
                let close = if text.is_empty() || text.eq_ignore_ascii_case("none") {
                    None
                } else {
                    Some(parse::parse_date(text, today).map_err(|e| e.say(c))?)
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
                    saved => saved.map_err(|e| e.say(c))?,
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
                if summary.trim().is_empty() {
                    return Err(c.get("prompt.needs_summary").to_string());
                }
                self.store
                    .log_activity(id, kind, summary, None)
                    .map_err(|e| e.say(c))?;
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
                    Some(parse::parse_amount(text).map_err(|e| e.say(c))?)
                };
                self.store.won(id, amount).map_err(|e| e.say(c))?;
                Ok(c.fmt("msg.won", &[("id", &id.short())]))
            }
            Ask::Lost(id) => {
                if text.is_empty() {
                    return Err(c.get("prompt.needs_lost_reason").to_string());
                }
                self.store.lost(id, text).map_err(|e| e.say(c))?;
                Ok(c.fmt("msg.lost", &[("id", &id.short())]))
            }
            Ask::Pin(id) => {
                let (grade, reason) = text.split_once(' ').unwrap_or((text, ""));
                let grade: Grade = grade
                    .parse()
                    .map_err(|e: crate::domain::UnknownValue| e.say(c))?;
                if reason.trim().is_empty() {
                    return Err(c.get("prompt.needs_pin_reason").to_string());
                }
                self.store.pin(id, grade, reason).map_err(|e| e.say(c))?;
                Ok(c.fmt(
                    "msg.pinned",
                    &[("id", &id.short()), ("grade", grade.as_str())],
                ))
            }
            Ask::Snooze { reminder: id, .. } => {
                let until = parse::parse_date(text, today).map_err(|e| e.say(c))?;
                self.store
                    .reminder_snooze(id, until)
                    .map_err(|e| e.say(c))?;
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
