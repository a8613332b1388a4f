//! The command line in the user's language (SPEC §6): the `error:` line and
//! `--help` in zh-CN when the user reads Chinese, in English otherwise,
//! whether the language comes from `--lang`, the config file or `LANG`.
//! Usage errors say what was wrong, how the command is written, and which
//! `--help` to read.

mod common;

use std::fs;

use common::{Td, failed, succeed};

const DAY: &str = "2026-06-02";

/// An account `Acme` with a deal, and one open reminder on it.
fn fixture() -> (Td, String) {
    let td = Td::new();
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Tea",
            "--close",
            "2026-05-01",
        ],
    );
    let reminders = common::array(td.json(DAY, &["reminders"]));
    let id = reminders[0]["id"].as_str().expect("a reminder id")[..8].to_string();
    (td, id)
}

/// Runs `args` with `--lang lang`; returns the exit code and the one `error:` line.
fn fail_in(td: &Td, lang: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["--lang", lang];
    all.extend(args);
    td.fail(DAY, &all)
}

/// Any Chinese character outside the words the user typed.
fn has_chinese_of_its_own(line: &str, typed: &str) -> bool {
    line.replace(typed, "")
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn an_unknown_account_is_said_in_the_users_language() {
    let (td, _) = fixture();
    let args = ["deal", "add", "--account", "不存在的公司", "--title", "x"];
    let (code, line) = fail_in(&td, "zh-CN", &args);
    assert_eq!(code, 1, "{line}");
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("不存在的公司"), "{line}");
    assert!(!line.contains("no account named"), "{line}");
    assert!(has_chinese_of_its_own(&line, "不存在的公司"), "{line}");

    let (code, line) = fail_in(&td, "en", &args);
    assert_eq!(code, 1, "{line}");
    assert!(line.contains("no account named `不存在的公司`"), "{line}");
}

#[test]
fn a_bad_date_is_said_in_the_users_language() {
    let (td, _) = fixture();
    let args = [
        "deal",
        "add",
        "--account",
        "Acme",
        "--title",
        "x",
        "--close",
        "2026-13-01",
    ];
    let (code, line) = fail_in(&td, "zh-CN", &args);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("不是日期") && line.contains("2026-13-01"),
        "{line}"
    );
    assert!(!line.contains("not a date"), "{line}");

    let (code, line) = fail_in(&td, "en", &args);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("not a date: `2026-13-01`"), "{line}");
}

#[test]
fn a_missing_option_shows_how_the_command_is_written() {
    let (td, reminder) = fixture();
    let args = ["remind", "snooze", reminder.as_str()];
    let (code, line) = fail_in(&td, "zh-CN", &args);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("缺少 `--until`"), "{line}");
    assert!(
        line.contains("`tierdeck remind snooze ID --until DATE`"),
        "{line}"
    );
    assert!(line.contains("`tierdeck remind snooze --help`"), "{line}");
    assert!(!line.contains("required"), "{line}");

    let (code, line) = fail_in(&td, "en", &args);
    assert_eq!(code, 2, "{line}");
    assert_eq!(
        line,
        "error: `--until` is required: `tierdeck remind snooze ID --until DATE` \
         (see `tierdeck remind snooze --help`)"
    );
}

#[test]
fn a_misspelt_command_or_option_gets_a_suggestion() {
    let td = Td::new();
    let (code, line) = fail_in(&td, "zh-CN", &["lsit"]);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("`lsit` 不是 tierdeck 的命令"), "{line}");
    assert!(line.contains("你是想用 `list` 吗"), "{line}");
    assert!(!line.contains("did you mean"), "{line}");

    let (code, line) = fail_in(&td, "en", &["lsit"]);
    assert_eq!(code, 2, "{line}");
    assert_eq!(
        line,
        "error: `lsit` is not a tierdeck command; did you mean `list`? (see `tierdeck --help`)"
    );

    let (code, line) = fail_in(&td, "en", &["remind", "snoze"]);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("did you mean `snooze`?"), "{line}");
    assert!(line.contains("`tierdeck remind --help`"), "{line}");

    let (code, line) = fail_in(&td, "zh-CN", &["list", "--formt", "json"]);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("没有 `--formt` 这个选项"), "{line}");
    assert!(line.contains("`--format`"), "{line}");
    assert!(line.contains("`tierdeck list --help`"), "{line}");
}

#[test]
fn an_invalid_value_lists_the_valid_ones() {
    let td = Td::new();
    let (code, line) = fail_in(&td, "zh-CN", &["reminders", "--due", "someday"]);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("`--due` 只能是 overdue、today、week 或 all，不能是 `someday`"),
        "{line}"
    );
    assert!(line.contains("`tierdeck reminders --help`"), "{line}");

    let (code, line) = fail_in(&td, "en", &["reminders", "--due", "someday"]);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("`--due` takes overdue, today, week or all, not `someday`"),
        "{line}"
    );

    // A vocabulary parsed by our own code lists its values the same way.
    let (code, line) = fail_in(&td, "zh-CN", &["list", "--grade", "F"]);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("`--grade` 只能是 A、B、C、D 或 E，不能是 `F`"),
        "{line}"
    );
}

/// English words of the doc texts and of clap's own help.
const ENGLISH_HELP: &[&str] = &[
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Print help",
    "Print version",
    "possible values",
    "[default:",
    "The database file",
    "Put a reminder off",
    "The new due date",
    "List open deals",
];

fn help_in(td: &Td, lang: &str, args: &[&str]) -> String {
    let mut all = vec!["--lang", lang];
    all.extend(args);
    succeed(td.bare().args(&all).output().expect("run tierdeck"), &all)
}

#[test]
fn help_is_chinese_for_a_chinese_reader() {
    let td = Td::new();
    let top = help_in(&td, "zh-CN", &["--help"]);
    for words in [
        "用法:",
        "命令:",
        "选项:",
        "列出进行中的商机",
        "数据库文件",
        "显示帮助",
    ] {
        assert!(top.contains(words), "`{words}` not in:\n{top}");
    }
    let snooze = help_in(&td, "zh-CN", &["remind", "snooze", "--help"]);
    for words in ["把提醒推迟到某一天", "参数:", "新的到期日期", "显示帮助"] {
        assert!(snooze.contains(words), "`{words}` not in:\n{snooze}");
    }
    for help in [&top, &snooze] {
        for english in ENGLISH_HELP {
            assert!(!help.contains(english), "`{english}` in:\n{help}");
        }
    }
    let reminders = help_in(&td, "zh-CN", &["reminders", "--help"]);
    assert!(
        reminders.contains("[可选值：overdue, today, week, all]"),
        "{reminders}"
    );
    assert!(!reminders.contains("Due before today"), "{reminders}");
}

#[test]
fn help_is_english_otherwise() {
    let td = Td::new();
    let snooze = help_in(&td, "en", &["remind", "snooze", "--help"]);
    for words in [
        "Put a reminder off until a date",
        "Usage: tierdeck remind snooze",
        "Options:",
        "Print help",
        "The new due date",
    ] {
        assert!(snooze.contains(words), "`{words}` not in:\n{snooze}");
    }
    assert!(!has_chinese_of_its_own(&snooze, ""), "{snooze}");
}

/// The language is known before parsing from the config file and from
/// `LANG` too, exactly as for the rest of the run.
#[test]
fn help_and_usage_errors_follow_the_config_file_and_lang() {
    let td = Td::new();
    let from_lang = td
        .bare()
        .env("LANG", "zh_CN.UTF-8")
        .args(["remind", "snooze", "--help"])
        .output()
        .expect("run tierdeck");
    let help = succeed(from_lang, &["remind", "snooze", "--help"]);
    assert!(help.contains("把提醒推迟到某一天"), "{help}");

    fs::create_dir_all(td.config_dir()).unwrap();
    fs::write(td.config_dir().join("config.toml"), "lang = \"zh-CN\"\n").unwrap();
    let out = td
        .bare()
        .env("LANG", "en_US.UTF-8")
        .arg("lsit")
        .output()
        .expect("run tierdeck");
    let (code, line) = failed(out, &["lsit"]);
    assert_eq!(code, 2);
    assert!(line.contains("你是想用 `list` 吗"), "{line}");

    // `--lang` wins over both.
    let out = td
        .bare()
        .env("LANG", "zh_CN.UTF-8")
        .args(["--lang=en", "lsit"])
        .output()
        .expect("run tierdeck");
    let (_, line) = failed(out, &["--lang=en", "lsit"]);
    assert!(line.contains("did you mean `list`?"), "{line}");
}

#[test]
fn an_unknown_language_is_refused_in_the_language_of_lang() {
    let td = Td::new();
    let out = td
        .bare()
        .env("LANG", "zh_CN.UTF-8")
        .args(["--db", "x.db", "--lang", "fr", "list"])
        .output()
        .expect("run tierdeck");
    let (code, line) = failed(out, &["--lang", "fr", "list"]);
    assert_eq!(code, 2);
    assert!(line.contains("不认识的语言 `fr`"), "{line}");
}
