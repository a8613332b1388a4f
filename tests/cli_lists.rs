//! CLI tests of the lists and the everyday commands of issue 13: `--wide`
//! and nothing cut in a pipe, `--sort`/`--desc`/`--limit`, the header of an
//! empty CSV, what `log` says, shell completions, a revisit still to come,
//! and Chinese dates — on the built binary, in English and in Chinese.

mod common;

use common::{Td, array};
use serde_json::Value;

const DAY: &str = "2026-03-10";

/// An account and a deal on it; returns the deal's id.
fn deal(td: &Td, account: &str, title: &str, extra: &[&str]) -> String {
    if td.run(DAY, &["account", "show", account]).status.code() != Some(0) {
        td.id(DAY, &["account", "add", "--name", account]);
    }
    let mut args = vec!["deal", "add", "--account", account, "--title", title];
    args.extend(extra);
    td.id(DAY, &args)
}

fn titles(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["title"].as_str().unwrap()).collect()
}

fn stdout(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

const LONG_TITLE: &str = "ERP 升级项目：全集团财务、供应链与生产模块的迁移和培训（第二期）";

#[test]
fn a_piped_table_is_never_cut_and_a_narrow_one_is_cut_unless_wide() {
    let td = Td::new();
    deal(
        &td,
        "上海华信科技有限公司",
        LONG_TITLE,
        &["--close", "+20d"],
    );
    // The tests' stdout is a pipe: nothing is cut.
    let piped = td.ok(DAY, &["list"]);
    assert!(piped.contains(LONG_TITLE), "{piped}");
    assert!(!piped.contains('…'), "{piped}");
    // A width asked for by hand cuts the free text to fit …
    let narrow = stdout(
        td.cmd(DAY, &["list"])
            .env("COLUMNS", "80")
            .output()
            .unwrap(),
    );
    assert!(narrow.contains('…'), "{narrow}");
    assert!(!narrow.contains(LONG_TITLE), "{narrow}");
    // … unless `--wide` says to keep every column whole.
    let wide = stdout(
        td.cmd(DAY, &["list", "--wide"])
            .env("COLUMNS", "80")
            .output()
            .unwrap(),
    );
    assert!(wide.contains(LONG_TITLE), "{wide}");
    assert!(!wide.contains('…'), "{wide}");
    // The same for the accounts and the reminders.
    let accounts = stdout(
        td.cmd(DAY, &["account", "list", "--wide"])
            .env("COLUMNS", "20")
            .output()
            .unwrap(),
    );
    assert!(accounts.contains("上海华信科技有限公司"), "{accounts}");
    let cut = stdout(
        td.cmd(DAY, &["account", "list"])
            .env("COLUMNS", "20")
            .output()
            .unwrap(),
    );
    assert!(!cut.contains("上海华信科技有限公司"), "{cut}");
}

/// Four deals that differ in every sortable field; returns nothing, the
/// titles say which is which.
fn four_deals(td: &Td) {
    // Grade A (closes within a month), B, C; one with no close date (need: potential, grade D).
    deal(
        td,
        "Beta Ltd",
        "delta",
        &[
            "--close",
            "2026-03-20",
            "--amount",
            "500",
            "--stage",
            "proposal",
        ],
    );
    deal(
        td,
        "alpha GmbH",
        "Alpha",
        &["--close", "2026-05-20", "--amount", "9000"],
    );
    deal(
        td,
        "Gamma Inc",
        "charlie",
        &[
            "--close",
            "2026-08-01",
            "--amount",
            "20",
            "--stage",
            "needs",
        ],
    );
    deal(
        td,
        "Beta Ltd",
        "bravo",
        &["--need", "potential", "--amount", "100"],
    );
}

#[test]
fn list_sorts_by_each_field_both_ways_and_limits() {
    let td = Td::new();
    four_deals(&td);
    let sorted = |args: &[&str]| -> Vec<String> {
        titles(&td.list(DAY, args))
            .into_iter()
            .map(String::from)
            .collect()
    };
    assert_eq!(
        sorted(&[]),
        ["delta", "Alpha", "charlie", "bravo"],
        "grade by default"
    );
    assert_eq!(sorted(&["--sort", "grade"]), sorted(&[]));
    assert_eq!(
        sorted(&["--sort", "grade", "--desc"]),
        ["bravo", "charlie", "Alpha", "delta"]
    );
    assert_eq!(
        sorted(&["--sort", "close"]),
        ["delta", "Alpha", "charlie", "bravo"],
        "no date last"
    );
    assert_eq!(
        sorted(&["--sort", "close", "--desc"]),
        ["bravo", "charlie", "Alpha", "delta"]
    );
    assert_eq!(
        sorted(&["--sort", "amount"]),
        ["charlie", "bravo", "delta", "Alpha"]
    );
    assert_eq!(
        sorted(&["--sort", "amount", "--desc"]),
        ["Alpha", "delta", "bravo", "charlie"]
    );
    assert_eq!(
        sorted(&["--sort", "title"]),
        ["Alpha", "bravo", "charlie", "delta"],
        "case ignored"
    );
    assert_eq!(
        sorted(&["--sort", "title", "--desc"]),
        ["delta", "charlie", "bravo", "Alpha"]
    );
    // By account name (case ignored), then grade within one account.
    assert_eq!(
        sorted(&["--sort", "account"]),
        ["Alpha", "delta", "bravo", "charlie"]
    );
    // Pipeline order: lead (the first stage), then needs, then proposal.
    assert_eq!(
        sorted(&["--sort", "stage"]),
        ["Alpha", "bravo", "charlie", "delta"]
    );
    assert_eq!(
        sorted(&["--sort", "stage", "--desc"]),
        ["delta", "charlie", "bravo", "Alpha"]
    );
    // The limit is taken after the sort.
    assert_eq!(
        sorted(&["--sort", "amount", "--desc", "--limit", "2"]),
        ["Alpha", "delta"]
    );
    assert_eq!(sorted(&["--limit", "1"]), ["delta"]);
    assert!(sorted(&["--limit", "0"]).is_empty());
    // Filters and sorts combine.
    assert_eq!(sorted(&["--sort", "amount", "Beta"]), ["bravo", "delta"]);
    let table = td.ok(DAY, &["list", "--sort", "title", "--limit", "2"]);
    assert_eq!(table.lines().count(), 3, "header and two rows:\n{table}");
}

#[test]
fn account_list_sorts_by_name_or_revenue_both_ways_and_limits() {
    let td = Td::new();
    four_deals(&td);
    let big = deal(&td, "Gamma Inc", "won big", &["--amount", "70000"]);
    td.ok(DAY, &["deal", "won", &big]);
    let small = deal(&td, "alpha GmbH", "won small", &["--amount", "10"]);
    td.ok(DAY, &["deal", "won", &small]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["account", "list"];
        all.extend(args);
        array(td.json(DAY, &all))
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["alpha GmbH", "Beta Ltd", "Gamma Inc"]);
    assert_eq!(names(&["--desc"]), ["Gamma Inc", "Beta Ltd", "alpha GmbH"]);
    assert_eq!(
        names(&["--sort", "revenue"]),
        ["Gamma Inc", "alpha GmbH", "Beta Ltd"]
    );
    assert_eq!(names(&["--sort", "tier"]), names(&["--sort", "revenue"]));
    assert_eq!(names(&["--sort", "revenue", "--limit", "1"]), ["Gamma Inc"]);
    assert_eq!(
        names(&["--sort", "revenue", "--desc", "--limit", "1"]),
        ["Beta Ltd"]
    );
}

#[test]
fn reminders_sort_and_limit() {
    let td = Td::new();
    // Three grade-A deals: each revisit comes due seven days after creation.
    deal(
        &td,
        "Acme",
        "b-middle",
        &["--close", "+20d", "--amount", "200"],
    );
    deal(
        &td,
        "Acme",
        "a-small",
        &["--close", "+20d", "--amount", "100"],
    );
    deal(
        &td,
        "Acme",
        "c-large",
        &["--close", "+20d", "--amount", "300"],
    );
    let today = "2026-03-12";
    let listed = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["reminders", "--due", "week"];
        all.extend(args);
        array(td.json(today, &all))
            .iter()
            .map(|r| r["deal_title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        listed(&["--sort", "title"]),
        ["a-small", "b-middle", "c-large"]
    );
    assert_eq!(
        listed(&["--sort", "amount", "--desc"]),
        ["c-large", "b-middle", "a-small"]
    );
    assert_eq!(listed(&["--sort", "amount", "--limit", "1"]), ["a-small"]);
    // By due day, the default, then by grade and title.
    assert_eq!(listed(&[]), listed(&["--sort", "title"]));
}

#[test]
fn an_empty_csv_still_prints_its_header() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let header = |args: &[&str]| -> String {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let out = td.ok(DAY, &all);
        assert_eq!(
            out.lines().count(),
            1,
            "`{}` printed:\n{out}",
            all.join(" ")
        );
        out.trim_end().to_string()
    };
    let deals = header(&["list"]);
    assert!(
        deals.starts_with("id,title,account,account_id,stage,grade"),
        "{deals}"
    );
    assert!(header(&["account", "list"]).starts_with("id,name,kind,"));
    assert!(header(&["reminders"]).starts_with("id,deal_id,account_id,kind,due,time,status,"));
    assert_eq!(header(&["regrade"]), "deal_id,title,from,to,reason");
    assert_eq!(
        header(&["report", "forecast"]),
        "currency,month,deals,amount_minor,weighted_minor"
    );
    assert_eq!(
        header(&["report", "abc"]),
        "account,revenue_minor,tier,cumulative_share"
    );
    assert!(header(&["report", "owners"]).starts_with("currency,owner,won,"));
    assert_eq!(
        header(&["list", "--group-by", "region"]),
        "region,deals,amount_minor"
    );
    let accounts = header(&["account", "list"]);
    let reminders = header(&["reminders"]);
    let changes = header(&["regrade"]);
    let forecast = header(&["report", "forecast"]);
    let owners = header(&["report", "owners"]);
    // Each is the header the same list has with rows in it.
    // Grade B, revisited every 14 days; within a month of its close on 04-25, grade A.
    deal(
        &td,
        "Acme",
        "one",
        &["--close", "2026-05-20", "--amount", "10"],
    );
    let full = |args: &[&str], day: &str| -> String {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let out = td.ok(day, &all);
        assert!(
            out.lines().count() > 1,
            "`{}` has no rows:\n{out}",
            all.join(" ")
        );
        out.lines().next().unwrap().to_string()
    };
    assert_eq!(full(&["list"], DAY), deals);
    assert_eq!(full(&["account", "list"], DAY), accounts);
    assert_eq!(full(&["report", "forecast"], DAY), forecast);
    assert_eq!(full(&["report", "owners"], DAY), owners);
    assert_eq!(
        full(&["reminders", "--due", "week"], "2026-03-20"),
        reminders
    );
    assert_eq!(full(&["regrade"], "2026-04-25"), changes);
}

#[test]
fn log_says_what_was_logged_on_what_in_both_languages() {
    let td = Td::new();
    let id = deal(&td, "上海华信科技有限公司", "ERP 升级项目", &[]);
    let said = td.ok(DAY, &["log", &id[..8], "--kind", "call", "谈了预算"]);
    let zh = td.ok(
        DAY,
        &["--lang", "zh-CN", "log", &id, "--kind", "邮件", "发了报价"],
    );
    let activities = td.show(DAY, &id)["activities"].clone();
    let activity = |i: usize| activities[i]["id"].as_str().unwrap().to_string();
    assert_eq!(
        said.trim(),
        format!(
            "Logged a call on 上海华信科技有限公司 · ERP 升级项目 (activity {})",
            activity(0)
        )
    );
    // Whole ids: two logged within a minute share their first digits.
    assert_eq!(
        zh.trim(),
        format!(
            "已在 上海华信科技有限公司 · ERP 升级项目 记下一封邮件（活动 {}）",
            activity(1)
        )
    );
}

#[test]
fn completions_are_printed_for_each_shell_without_a_database() {
    let td = Td::new();
    let script = |args: &[&str]| stdout(td.bare().args(args).output().unwrap());
    let bash = script(&["completions", "bash"]);
    assert!(
        bash.contains("_tierdeck()") && bash.contains("reminders"),
        "{bash}"
    );
    assert!(bash.contains("--wide") && bash.contains("--sort"), "{bash}");
    assert!(script(&["completions", "zsh"]).starts_with("#compdef tierdeck"));
    let fish = script(&["completions", "fish"]);
    assert!(fish.contains("complete -c tierdeck"), "{fish}");
    assert!(
        fish.contains("List open deals"),
        "described in English: {fish}"
    );
    let zh = script(&["--lang", "zh-CN", "completions", "fish"]);
    assert!(zh.contains("只看这个等级"), "described in Chinese: {zh}");
    assert!(script(&["completions", "powershell"]).contains("Register-ArgumentCompleter"));
    // Nothing was made: no database, no data directory.
    assert!(!td.root().join("data").exists());
    let out = td.bare().args(["completions", "tcsh"]).output().unwrap();
    let (code, line) = common::failed(out, &["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        line.contains("bash") && line.contains("powershell"),
        "{line}"
    );
}

#[test]
fn a_revisit_still_to_come_is_not_due_yet_rather_than_unknown() {
    let td = Td::new();
    let id = deal(&td, "Acme", "ERP", &["--close", "2026-03-31"]);
    let today = "2026-03-12";
    let week = td.reminders_of(today, &id, &["--due", "week"]);
    let coming = week
        .iter()
        .find(|r| r["status"] == "upcoming")
        .unwrap_or_else(|| panic!("no revisit to come: {week:#?}"));
    let short = &coming["id"].as_str().unwrap()[..8];
    for args in [
        vec!["remind", "done", short],
        vec!["remind", "dismiss", short],
        vec!["remind", "snooze", short, "--until", "+3d"],
    ] {
        let before = td.snapshot();
        let (code, line) = td.fail(today, &args);
        assert_eq!(code, 1, "{line}");
        assert!(
            line.contains(&format!("reminder {short} is not due yet"))
                && line.contains("opens on 2026-03-17"),
            "{line}"
        );
        assert_eq!(
            td.snapshot(),
            before,
            "`{}` wrote something",
            args.join(" ")
        );
    }
    let (_, line) = td.fail(today, &["--lang", "zh-CN", "remind", "done", short]);
    assert!(
        line.contains("还没到期") && line.contains("2026-03-17"),
        "{line}"
    );
    // An id nothing has is still unknown.
    let (_, line) = td.fail(today, &["remind", "done", "abcdef12"]);
    assert!(!line.contains("not due"), "{line}");
    // On its day it opens under that id and is done by it.
    td.ok("2026-03-17", &["remind", "done", short]);
}

#[test]
fn chinese_dates_are_accepted_where_dates_are() {
    let td = Td::new();
    let id = deal(&td, "上海华信", "ERP", &["--close", "2027年1月15日"]);
    let close = |td: &Td, today: &str| td.show(today, &id)["expected_close"].clone();
    assert_eq!(close(&td, DAY), "2027-01-15");
    // 2026-03-10 is a Tuesday.
    td.ok(DAY, &["deal", "update", &id, "--close", "下周一"]);
    assert_eq!(close(&td, DAY), "2026-03-16");
    td.ok(
        DAY,
        &["deal", "update", &id, "--close", "２０２６年４月１号"],
    );
    assert_eq!(close(&td, DAY), "2026-04-01");
    // A month and day alone is the next one: March 1st has passed this year.
    td.ok(DAY, &["deal", "update", &id, "--close", "3月1日"]);
    assert_eq!(close(&td, DAY), "2027-03-01");
    // The effective date itself, in Chinese.
    td.ok("2026年3月11日", &["deal", "update", &id, "--close", "后天"]);
    assert_eq!(close(&td, DAY), "2026-03-13");
    let (code, line) = td.fail(DAY, &["deal", "update", &id, "--close", "2027年2月30日"]);
    assert!(line.contains("February 2027 has 28 days"), "{code}: {line}");
    let (_, line) = td.fail(
        DAY,
        &[
            "--lang",
            "zh-CN",
            "deal",
            "update",
            &id,
            "--close",
            "2月30日",
        ],
    );
    assert!(line.contains("28 天"), "{line}");
}

#[test]
fn bad_sorts_and_limits_are_usage_errors() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let (code, line) = td.fail(DAY, &["list", "--sort", "colour"]);
    assert_eq!(code, 2);
    assert!(line.contains("close") && line.contains("amount"), "{line}");
    let (code, _) = td.fail(DAY, &["account", "list", "--limit", "many"]);
    assert_eq!(code, 2);
    let (code, _) = td.fail(DAY, &["reminders", "--limit", "-1"]);
    assert_eq!(code, 2);
}
