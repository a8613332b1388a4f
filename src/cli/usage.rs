//! clap's usage errors, said again in the user's language from the error's
//! kind and context: what was wrong, how the command is written, and the
//! command's own `--help` to read.

use std::ffi::OsString;

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::domain::UnknownValue;
use crate::i18n::Catalog;

/// The `error:` line for a usage error clap found in `args`.
pub fn say(e: &clap::Error, root: &Command, args: &[OsString], c: &Catalog) -> String {
    let chain = command_chain(root, args);
    let what = what_was_wrong(e, &chain, c);
    let help = format!("{} --help", written_name(&chain));
    c.fmt("usage.see_help", &[("what", &what), ("help", &help)])
}

fn what_was_wrong(e: &clap::Error, chain: &[&Command], c: &Catalog) -> String {
    let given = |kind| strings(e, kind).into_iter().next().unwrap_or_default();
    let arg = || arg_name(&given(ContextKind::InvalidArg));
    let command = written_name(chain);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let unknown = given(ContextKind::InvalidSubcommand);
            let said = c.fmt(
                "usage.not_a_command",
                &[("given", &unknown), ("command", &command)],
            );
            with_suggestion(said, strings(e, ContextKind::SuggestedSubcommand), c)
        }
        ErrorKind::UnknownArgument => {
            let unknown = given(ContextKind::InvalidArg);
            if !unknown.starts_with('-') {
                return c.fmt(
                    "usage.unexpected",
                    &[("given", &unknown), ("command", &command)],
                );
            }
            let said = c.fmt(
                "usage.not_an_option",
                &[("given", &unknown), ("command", &command)],
            );
            let mut suggested = strings(e, ContextKind::SuggestedArg);
            suggested.extend(strings(e, ContextKind::SuggestedSubcommand));
            with_suggestion(said, suggested, c)
        }
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = strings(e, ContextKind::InvalidArg)
                .iter()
                .map(|a| format!("`{}`", arg_name(a)))
                .collect();
            let key = if missing.len() == 1 {
                "usage.missing_one"
            } else {
                "usage.missing_many"
            };
            c.fmt(
                key,
                &[
                    ("args", &list(&missing, "usage.list_and", c)),
                    ("usage", &synopsis(chain)),
                ],
            )
        }
        ErrorKind::MissingSubcommand => {
            let names: Vec<String> = chain
                .last()
                .map(|cmd| {
                    cmd.get_subcommands()
                        .map(|s| s.get_name())
                        .filter(|name| *name != "help")
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            c.fmt(
                "usage.missing_command",
                &[
                    ("command", &command),
                    ("commands", &list(&names, "usage.list_or", c)),
                ],
            )
        }
        ErrorKind::InvalidValue => {
            let valid = strings(e, ContextKind::ValidValue);
            takes(c, &arg(), &given(ContextKind::InvalidValue), &valid)
        }
        ErrorKind::ValueValidation => {
            let value = given(ContextKind::InvalidValue);
            let source = std::error::Error::source(e);
            if let Some(unknown) = source.and_then(|s| s.downcast_ref::<UnknownValue>())
                && unknown.what == "currency"
            {
                return c.fmt("usage.currency", &[("arg", &arg()), ("given", &value)]);
            }
            if let Some(unknown) = source.and_then(|s| s.downcast_ref::<UnknownValue>()) {
                let allowed: Vec<String> =
                    unknown.allowed.split(", ").map(str::to_string).collect();
                return takes(c, &arg(), &value, &allowed);
            }
            if source.is_some_and(|s| s.is::<super::transfer::NotAPair>()) {
                return c.fmt("usage.pair", &[("arg", &arg()), ("given", &value)]);
            }
            if source.is_some_and(|s| s.is::<std::num::ParseIntError>()) {
                return c.fmt("usage.number", &[("arg", &arg()), ("given", &value)]);
            }
            let reason = source.map(|s| s.to_string()).unwrap_or_default();
            c.fmt(
                "usage.bad_value",
                &[("arg", &arg()), ("given", &value), ("reason", &reason)],
            )
        }
        ErrorKind::ArgumentConflict => {
            let prior = arg_name(&given(ContextKind::PriorArg));
            if prior == arg() {
                return c.fmt("usage.twice", &[("arg", &arg())]);
            }
            c.fmt("usage.conflict", &[("arg", &arg()), ("other", &prior)])
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => c.fmt(
            "usage.values",
            &[("arg", &arg()), ("usage", &synopsis(chain))],
        ),
        ErrorKind::InvalidUtf8 => c.get("usage.not_utf8").to_string(),
        _ => clap_first_line(e),
    }
}

/// The commands `args` reach: tierdeck, then each subcommand named, in order.
/// The words after an option that takes a value are that value, not a command.
fn command_chain<'c>(root: &'c Command, args: &[OsString]) -> Vec<&'c Command> {
    let mut chain = vec![root];
    let mut words = args.iter().skip(1).filter_map(|w| w.to_str());
    while let Some(word) = words.next() {
        let here = chain[chain.len() - 1];
        let takes_value =
            |found: Option<&clap::Arg>| found.is_some_and(|arg| arg.get_action().takes_values());
        if word == "--" {
            break;
        } else if let Some(long) = word.strip_prefix("--") {
            let found = here.get_arguments().find(|a| a.get_long() == Some(long));
            if takes_value(found) {
                words.next();
            }
        } else if let Some(short) = word.strip_prefix('-').filter(|s| s.chars().count() == 1) {
            let found = here
                .get_arguments()
                .find(|a| a.get_short().is_some_and(|s| short.starts_with(s)));
            if takes_value(found) {
                words.next();
            }
        } else if let Some(sub) = here.find_subcommand(word) {
            chain.push(sub);
        }
    }
    chain
}

/// `tierdeck remind snooze`: how the command is typed.
fn written_name(chain: &[&Command]) -> String {
    chain
        .iter()
        .map(|cmd| cmd.get_name())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The command with what it requires: `tierdeck remind snooze ID --until DATE`.
fn synopsis(chain: &[&Command]) -> String {
    let mut words = vec![written_name(chain)];
    let Some(cmd) = chain.last() else {
        return words.join(" ");
    };
    let value_name = |arg: &clap::Arg| {
        arg.get_value_names()
            .and_then(|names| names.first())
            .map_or_else(|| arg.get_id().as_str().to_uppercase(), |n| n.to_string())
    };
    let required: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_required_set())
        .collect();
    for arg in required.iter().filter(|a| a.is_positional()) {
        words.push(value_name(arg));
    }
    for arg in required.iter().filter(|a| !a.is_positional()) {
        if let Some(long) = arg.get_long() {
            words.push(format!("--{long}"));
        }
        if arg.get_action().takes_values() {
            words.push(value_name(arg));
        }
    }
    words.join(" ")
}

/// "`--due` takes overdue, today, week or all, not `someday`".
fn takes(c: &Catalog, arg: &str, given: &str, valid: &[String]) -> String {
    c.fmt(
        "usage.takes",
        &[
            ("arg", arg),
            ("given", given),
            ("valid", &list(valid, "usage.list_or", c)),
        ],
    )
}

fn with_suggestion(said: String, suggested: Vec<String>, c: &Catalog) -> String {
    match suggested.first() {
        Some(best) => c.fmt("usage.did_you_mean", &[("said", &said), ("best", best)]),
        None => said,
    }
}

/// `a, b or c` in the catalogue's words (`last` is `usage.list_or` or `usage.list_and`).
fn list(items: &[String], last: &str, c: &Catalog) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., final_item] => format!(
            "{}{}{final_item}",
            init.join(c.get("usage.list_sep")),
            c.get(last)
        ),
    }
}

/// The flag or value name of an argument as clap renders it: `--until <UNTIL>` → `--until`, `<ID>` → `ID`.
fn arg_name(rendered: &str) -> String {
    rendered
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_matches(|ch| matches!(ch, '<' | '>' | '[' | ']' | '.'))
        .to_string()
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(all)) => all.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(all)) => all.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// clap's own first line, for the rare errors said nowhere else.
fn clap_first_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn said(lang: Lang, words: &[&str]) -> String {
        let c = Catalog::new(lang);
        let mut root = super::super::help::localized(&c);
        let args: Vec<OsString> = std::iter::once("tierdeck")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect();
        let e = root
            .try_get_matches_from_mut(&args)
            .expect_err("a usage error");
        say(&e, &root, &args, &c)
    }

    #[test]
    fn a_missing_option_shows_how_the_command_is_written() {
        assert_eq!(
            said(Lang::En, &["remind", "snooze", "0193"]),
            "`--until` is required: `tierdeck remind snooze ID --until DATE` \
             (see `tierdeck remind snooze --help`)"
        );
        let zh = said(Lang::ZhCn, &["remind", "snooze", "0193"]);
        assert!(zh.contains("缺少 `--until`"), "{zh}");
        assert!(
            zh.contains("tierdeck remind snooze ID --until DATE"),
            "{zh}"
        );
    }

    #[test]
    fn a_bad_value_lists_the_good_ones() {
        assert_eq!(
            said(Lang::En, &["reminders", "--due", "someday"]),
            "`--due` takes overdue, today, week or all, not `someday` \
             (see `tierdeck reminders --help`)"
        );
        let zh = said(Lang::ZhCn, &["list", "--need", "maybe"]);
        assert!(zh.contains("--need"), "{zh}");
    }

    #[test]
    fn a_misspelt_command_or_option_gets_a_suggestion() {
        assert_eq!(
            said(Lang::En, &["lsit"]),
            "`lsit` is not a tierdeck command; did you mean `list`? (see `tierdeck --help`)"
        );
        let option = said(Lang::En, &["--db", "x.db", "list", "--formt", "json"]);
        assert!(option.contains("`--format`"), "{option}");
        assert!(option.contains("tierdeck list --help"), "{option}");
    }

    #[test]
    fn values_of_options_are_not_taken_for_commands() {
        let c = Catalog::new(Lang::En);
        let root = super::super::help::localized(&c);
        let args: Vec<OsString> = ["tierdeck", "--user", "list", "remind", "snooze"]
            .map(OsString::from)
            .to_vec();
        assert_eq!(
            written_name(&command_chain(&root, &args)),
            "tierdeck remind snooze"
        );
    }

    #[test]
    fn lists_read_naturally() {
        let en = Catalog::new(Lang::En);
        let zh = Catalog::new(Lang::ZhCn);
        let items = ["a", "b", "c"].map(String::from);
        assert_eq!(list(&items, "usage.list_or", &en), "a, b or c");
        assert_eq!(list(&items, "usage.list_or", &zh), "a、b 或 c");
        assert_eq!(list(&items[..1], "usage.list_or", &en), "a");
    }
}
