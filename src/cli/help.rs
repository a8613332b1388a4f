//! `--help` in the user's language: the argument tree of [`Cli`] with every
//! about, argument help and heading taken from the catalogue's `[cli]`
//! section, in English too, so that the catalogue is the only place a help
//! text lives.
//!
//! Keys follow the command path: `cli.remind.snooze.about` for a command,
//! `cli.remind.snooze.until` for its `--until`, `cli.db` for a global option.

use std::ffi::OsString;

use clap::{Arg, ArgAction, Command, CommandFactory};

use super::Cli;
use crate::i18n::Catalog;

/// The argument tree, worded by `c` and built, ready to parse.
pub fn localized(c: &Catalog) -> Command {
    let mut cmd = localize(Cli::command(), &[], c)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(c.get("cli.version_flag").to_string())
                .display_order(2001)
                .help_heading(c.get("cli.heading.options")),
        );
    cmd.build();
    // clap makes the `help` commands while building.
    name_help_commands(&mut cmd, c);
    cmd
}

/// The catalogue key of a command's about (`path` is empty for tierdeck itself).
pub fn about_key(path: &[String]) -> String {
    key(path, "about")
}

/// The catalogue key of an argument's help.
pub fn arg_key(path: &[String], arg: &Arg) -> String {
    // A global option means the same under every command.
    if arg.is_global_set() {
        return key(&[], arg.get_id().as_str());
    }
    key(path, arg.get_id().as_str())
}

fn key(path: &[String], last: &str) -> String {
    let mut parts = vec!["cli"];
    parts.extend(path.iter().map(String::as_str));
    parts.push(last);
    parts.join(".")
}

fn localize(cmd: Command, path: &[String], c: &Catalog) -> Command {
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        c.get("cli.heading.usage")
    );
    let mut place = 0;
    cmd.about(c.get(&about_key(path)).to_string())
        .long_about(None)
        .help_template(template)
        .subcommand_help_heading(c.get("cli.heading.commands"))
        .mut_args(|arg| {
            let heading = if arg.is_positional() {
                "cli.heading.arguments"
            } else {
                "cli.heading.options"
            };
            // One heading for all options: a command's own come first, in
            // the order they are declared, the global ones after them.
            place += 1;
            let order = if arg.is_global_set() { 1000 } else { 0 } + place;
            let help = with_specs(c.get(&arg_key(path, &arg)), &arg, c);
            let takes_values = arg.get_action().takes_values();
            arg.help(help)
                .long_help(None)
                .help_heading(c.get(heading))
                .display_order(order)
                .hide_possible_values(takes_values)
                .hide_default_value(takes_values)
                .hide_env(true)
        })
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(c.get("cli.help_flag").to_string())
                .display_order(2000)
                .help_heading(c.get("cli.heading.options")),
        )
        .mut_subcommands(|sub| {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name().to_string());
            localize(sub, &sub_path, c)
        })
}

/// The help text followed by what clap would add in English: the values
/// an option takes, its default and its environment variable.
fn with_specs(help: &str, arg: &Arg, c: &Catalog) -> String {
    let mut parts = vec![help.to_string()];
    if arg.get_action().takes_values() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            parts.push(c.fmt("cli.spec.values", &[("values", &values.join(", "))]));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            parts.push(c.fmt("cli.spec.default", &[("value", &defaults.join(", "))]));
        }
    }
    if let Some(name) = arg.get_env() {
        parts.push(c.fmt("cli.spec.env", &[("name", &name.to_string_lossy())]));
    }
    parts.join(" ")
}

/// Every `help` command clap added, and the copies of the tree under it.
fn name_help_commands(cmd: &mut Command, c: &Catalog) {
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() == "help" {
            let made = std::mem::take(sub);
            *sub = made.about(c.get("cli.help_command").to_string());
        }
        name_help_commands(sub, c);
    }
}

/// The language asked for with `--lang X` or `--lang=X`, read before the
/// command line is parsed so that `--help` and usage errors can use it.
pub fn lang_flag(args: &[OsString]) -> Option<&str> {
    let mut asked = None;
    let mut words = args.iter().skip(1).map(|w| w.to_str());
    while let Some(word) = words.next() {
        match word {
            Some("--") => break,
            Some("--lang") => asked = words.next().flatten(),
            Some(w) => asked = w.strip_prefix("--lang=").or(asked),
            None => {}
        }
    }
    asked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const SOURCES: &[(&str, &str)] = &[
        ("en", include_str!("../../assets/i18n/en.toml")),
        ("zh-CN", include_str!("../../assets/i18n/zh-CN.toml")),
    ];

    fn has(source: &str, key: &str) -> bool {
        let table: toml::Table = toml::from_str(source).expect("the catalogue parses");
        let mut parts = key.split('.').peekable();
        let mut here = &table;
        while let Some(part) = parts.next() {
            match (here.get(part), parts.peek()) {
                (Some(toml::Value::String(text)), None) => return !text.trim().is_empty(),
                (Some(toml::Value::Table(inner)), Some(_)) => here = inner,
                _ => return false,
            }
        }
        false
    }

    /// Every key the tree asks for, walking the tree as clap's derive made it.
    fn wanted(cmd: &Command, path: &[String], out: &mut Vec<String>) {
        out.push(about_key(path));
        out.extend(cmd.get_arguments().map(|arg| arg_key(path, arg)));
        for sub in cmd.get_subcommands() {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name().to_string());
            wanted(sub, &sub_path, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_help_in_both_languages() {
        let mut keys = vec![
            "cli.help_flag".to_string(),
            "cli.version_flag".to_string(),
            "cli.help_command".to_string(),
        ];
        keys.extend(
            ["usage", "commands", "arguments", "options"].map(|h| format!("cli.heading.{h}")),
        );
        keys.extend(["values", "default", "env"].map(|s| format!("cli.spec.{s}")));
        wanted(&Cli::command(), &[], &mut keys);
        for (lang, source) in SOURCES {
            let missing: Vec<&String> = keys.iter().filter(|k| !has(source, k)).collect();
            assert!(
                missing.is_empty(),
                "assets/i18n/{lang}.toml lacks {} help text(s):\n{}",
                missing.len(),
                missing
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }

    /// clap prints a value's own help (from a doc comment on the enum) in
    /// English; the values are described in the argument's help instead.
    #[test]
    fn no_value_carries_help_of_its_own() {
        fn check(cmd: &Command, path: &str) {
            for arg in cmd.get_arguments() {
                for value in arg.get_possible_values() {
                    assert!(
                        value.get_help().is_none(),
                        "`{path} --{}` value `{}` has help of its own; use super::plain_values",
                        arg.get_id(),
                        value.get_name()
                    );
                }
            }
            for sub in cmd.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        check(&localized(&Catalog::new(Lang::En)), "tierdeck");
    }

    #[test]
    fn the_tree_is_valid_in_both_languages() {
        for lang in Lang::ALL {
            localized(&Catalog::new(*lang)).debug_assert();
        }
    }

    #[test]
    fn chinese_help_is_chinese() {
        let zh = Catalog::new(Lang::ZhCn);
        let mut cmd = localized(&zh);
        let help = cmd
            .find_subcommand_mut("remind")
            .and_then(|remind| remind.find_subcommand_mut("snooze"))
            .expect("remind snooze")
            .render_help()
            .to_string();
        for word in [
            zh.get("cli.heading.usage"),
            zh.get("cli.heading.options"),
            zh.get("cli.help_flag"),
        ] {
            assert!(help.contains(word), "`{word}` not in:\n{help}");
        }
        assert!(!help.contains("Print help"), "{help}");
    }

    #[test]
    fn lang_flag_is_found_before_parsing() {
        let args = |words: &[&str]| -> Vec<OsString> {
            std::iter::once("tierdeck")
                .chain(words.iter().copied())
                .map(OsString::from)
                .collect()
        };
        assert_eq!(
            lang_flag(&args(&["--lang", "zh-CN", "list"])),
            Some("zh-CN")
        );
        assert_eq!(lang_flag(&args(&["list", "--lang=en"])), Some("en"));
        assert_eq!(lang_flag(&args(&["list"])), None);
        assert_eq!(lang_flag(&args(&["log", "x", "--", "--lang", "en"])), None);
    }
}
