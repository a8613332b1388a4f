//! Currency per deal on the built binary: amounts typed with a sign or code
//! keep their currency, `--currency` must agree with them, totals and
//! reports never add two currencies, and a Pipedrive export with mixed
//! currencies comes in and goes out again with each deal's own.

mod common;

use std::fs;

use common::{Td, array};
use serde_json::Value;

const DAY: &str = "2026-09-15";

/// A database with one account, `Acme`.
fn with_account() -> Td {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    td.id(DAY, &["account", "add", "--name", "Acme"]);
    td
}

fn add(td: &Td, title: &str, extra: &[&str]) -> String {
    let mut args = vec!["deal", "add", "--account", "Acme", "--title", title];
    args.extend(extra);
    td.id(DAY, &args)
}

/// `amount_minor` and `currency` of a deal as `show` prints them.
fn priced(td: &Td, id: &str) -> (i64, String) {
    let d = td.show(DAY, id);
    (
        d["amount_minor"].as_i64().expect("amount_minor"),
        d["currency"].as_str().expect("currency").to_string(),
    )
}

fn is(minor: i64, code: &str) -> (i64, String) {
    (minor, code.to_string())
}

#[test]
fn an_amount_s_sign_or_code_is_the_deal_s_currency() {
    let td = with_account();
    let cases = [
        ("$12,500", is(1_250_000, "USD")),
        ("US$12,500", is(1_250_000, "USD")),
        ("€9.500,00", is(950_000, "EUR")),
        ("£99", is(9_900, "GBP")),
        ("¥12,400", is(1_240_000, "CNY")),
        ("12500 USD", is(1_250_000, "USD")),
        ("CHF 50", is(5_000, "CHF")),
        ("8万", is(8_000_000, "CNY")),
        ("1.2万元", is(1_200_000, "CNY")),
        ("3亿", is(30_000_000_000, "CNY")),
        ("8万美元", is(8_000_000, "USD")),
    ];
    for (i, (amount, expected)) in cases.iter().enumerate() {
        let id = add(&td, &format!("deal {i}"), &["--amount", amount]);
        assert_eq!(priced(&td, &id), *expected, "{amount}");
    }
    // `list` says each deal's own currency too.
    let listed = td.list(DAY, &[]);
    let euro = listed.iter().find(|d| d["title"] == "deal 2").unwrap();
    assert_eq!(euro["currency"], "EUR");
}

#[test]
fn an_amount_without_a_sign_is_in_the_database_s_currency_or_the_one_given() {
    let td = with_account();
    let plain = add(&td, "plain", &["--amount", "500"]);
    assert_eq!(priced(&td, &plain), is(50_000, "CNY"));
    let given = add(&td, "given", &["--amount", "500", "--currency", "eur"]);
    assert_eq!(priced(&td, &given), is(50_000, "EUR"));
    let agreeing = add(&td, "agreeing", &["--amount", "$5", "--currency", "USD"]);
    assert_eq!(priced(&td, &agreeing), is(500, "USD"));
    let no_amount = add(&td, "no amount", &["--currency", "GBP"]);
    assert_eq!(priced(&td, &no_amount), is(0, "GBP"));
}

#[test]
fn a_sign_that_disagrees_with_currency_is_refused_and_nothing_is_written() {
    let td = with_account();
    let before = td.snapshot();
    let args = [
        "deal",
        "add",
        "--account",
        "Acme",
        "--title",
        "x",
        "--amount",
        "$5",
        "--currency",
        "EUR",
    ];
    let (code, err) = td.fail(DAY, &args);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: `$5` is in USD, but the currency given is EUR; drop one or make them agree"
    );
    assert_eq!(td.snapshot(), before);
    let mut zh = vec!["--lang", "zh-CN"];
    zh.extend(args);
    let (_, err) = td.fail(DAY, &zh);
    assert!(err.contains("写的是 USD，但指定的货币是 EUR"), "{err}");
    let (code, err) = td.fail(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "x",
            "--currency",
            "dollars",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: `--currency` takes a three-letter ISO 4217 code such as CNY, USD or EUR, not `dollars`"
        ),
        "{err}"
    );
    let (_, err) = td.fail(
        DAY,
        &[
            "--lang",
            "zh-CN",
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "x",
            "--currency",
            "dollars",
        ],
    );
    assert!(
        err.contains("需要三个字母的 ISO 4217 货币代码") && !err.contains("such as"),
        "{err}"
    );
    let (_, err) = td.fail(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "x",
            "--amount",
            "$5 EUR",
        ],
    );
    assert!(err.contains("two currencies, USD and EUR"), "{err}");
}

#[test]
fn update_changes_the_currency_by_code_or_by_the_amount_s_sign() {
    let td = with_account();
    let id = add(&td, "deal", &["--amount", "1000"]);
    td.ok(DAY, &["deal", "update", &id, "--currency", "USD"]);
    assert_eq!(priced(&td, &id), is(100_000, "USD"), "the amount stays");
    td.ok(DAY, &["deal", "update", &id, "--amount", "€2.000,50"]);
    assert_eq!(priced(&td, &id), is(200_050, "EUR"));
    td.ok(DAY, &["deal", "update", &id, "--amount", "300"]);
    assert_eq!(
        priced(&td, &id),
        is(30_000, "EUR"),
        "no sign keeps the deal's"
    );
    let (code, _) = td.fail(
        DAY,
        &["deal", "update", &id, "--amount", "£1", "--currency", "EUR"],
    );
    assert_eq!(code, 2);
    td.ok(DAY, &["deal", "won", &id, "--amount", "$400"]);
    assert_eq!(priced(&td, &id), is(40_000, "USD"));
    let text = td.ok(DAY, &["show", &id]);
    assert!(text.contains("400.00 USD"), "{text}");
}

#[test]
fn reports_give_one_row_per_currency_and_never_add_two() {
    let td = with_account();
    let close = ["--close", "2026-10-20", "--stage", "proposal"];
    add(
        &td,
        "yuan",
        &[&["--amount", "¥10,000"][..], &close].concat(),
    );
    add(
        &td,
        "dollars",
        &[&["--amount", "$2,000"][..], &close].concat(),
    );
    add(
        &td,
        "more dollars",
        &[&["--amount", "$3,000"][..], &close].concat(),
    );
    let forecast = array(td.json(DAY, &["report", "forecast"]));
    let rows: Vec<(String, i64, i64)> = forecast
        .iter()
        .map(|r| {
            (
                r["currency"].as_str().unwrap().to_string(),
                r["deals"].as_i64().unwrap(),
                r["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("CNY".to_string(), 1, 1_000_000),
            ("USD".to_string(), 2, 500_000)
        ]
    );
    // Proposal is 60%: weighted per currency.
    assert_eq!(forecast[1]["weighted_minor"], 300_000);
    let table = td.ok(DAY, &["report", "forecast"]);
    assert!(!table.contains("15,000.00"), "never added: {table}");
    assert!(table.contains("5,000.00"), "{table}");

    let grades = array(td.json(DAY, &["report", "grades"]));
    let usd: Vec<&Value> = grades.iter().filter(|r| r["currency"] == "USD").collect();
    assert_eq!(usd.len(), 1, "only the grades USD has deals in: {grades:?}");
    assert_eq!(usd[0]["amount_minor"], 500_000);
    assert_eq!(
        grades.iter().filter(|r| r["currency"] == "CNY").count(),
        5,
        "the database's currency keeps every grade"
    );

    let owners = array(td.json(DAY, &["report", "owners"]));
    let open: Vec<(String, i64)> = owners
        .iter()
        .map(|r| {
            (
                r["currency"].as_str().unwrap().to_string(),
                r["open_amount_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        open,
        [("CNY".to_string(), 1_000_000), ("USD".to_string(), 500_000)]
    );

    let overview = td.ok(DAY, &[]);
    assert!(
        overview.contains("10,000.00 CNY") && overview.contains("5,000.00 USD"),
        "{overview}"
    );
}

#[test]
fn value_tiers_rank_revenue_in_the_database_s_currency_and_name_the_rest() {
    let td = with_account();
    td.id(DAY, &["account", "add", "--name", "Globex"]);
    let yuan = add(&td, "yuan", &["--amount", "¥10,000"]);
    let dollars = td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Globex",
            "--title",
            "dollars",
            "--amount",
            "$99,000",
        ],
    );
    td.ok(DAY, &["deal", "won", &yuan]);
    td.ok(DAY, &["deal", "won", &dollars]);
    let abc = array(td.json(DAY, &["report", "abc"]));
    let ranked: Vec<(&str, i64)> = abc
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap(),
                r["revenue_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranked, [("Acme", 1_000_000)]);
    let table = td.ok(DAY, &["report", "abc"]);
    assert!(
        table.contains("Value tiers rank revenue in CNY") && table.contains("99,000.00 USD"),
        "{table}"
    );
    let zh = td.ok(DAY, &["--lang", "zh-CN", "report", "abc"]);
    assert!(zh.contains("价值分层按 CNY 收入排名"), "{zh}");
    // A win in dollars is still a win: Globex is a new customer.
    let accounts = array(td.json(DAY, &["account", "list"]));
    let globex = accounts.iter().find(|a| a["name"] == "Globex").unwrap();
    assert_eq!(globex["lifecycle"], "new", "{globex}");
}

#[test]
fn accounts_sort_by_revenue() {
    let td = with_account();
    td.id(DAY, &["account", "add", "--name", "Bigco"]);
    td.id(DAY, &["account", "add", "--name", "Zed"]);
    for (account, amount) in [("Acme", "100"), ("Bigco", "9000"), ("Zed", "500")] {
        let id = td.id(
            DAY,
            &[
                "deal",
                "add",
                "--account",
                account,
                "--title",
                "t",
                "--amount",
                amount,
            ],
        );
        td.ok(DAY, &["deal", "won", &id]);
    }
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["account", "list"];
        all.extend(args);
        array(td.json(DAY, &all))
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["--sort", "revenue"]), ["Bigco", "Zed", "Acme"]);
}

#[test]
fn a_pipedrive_export_with_mixed_currencies_goes_in_and_out_with_each_deal_s_own() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = td.root().join("pipedrive.csv");
    fs::write(
        &file,
        "Deal - Title,Deal - Organization,Deal - Value,Deal - Currency,Deal - Expected close date\n\
         Fleet,Acme Ltd,\"12,500\",USD,2026-10-01\n\
         Lager,Acme Ltd,\"9.500,00\",EUR,2026-10-02\n\
         Tea,北京茶业,8万,CNY,2026-10-03\n\
         Pounds,Acme Ltd,£250,,2026-10-04\n\
         Plain,Acme Ltd,100,,2026-10-05\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    td.ok(DAY, &["import", file, "--kind", "deals"]);
    let by_title = |td: &Td| -> Vec<(String, i64, String)> {
        let mut rows: Vec<(String, i64, String)> = td
            .list(DAY, &[])
            .iter()
            .map(|d| {
                (
                    d["title"].as_str().unwrap().to_string(),
                    d["amount_minor"].as_i64().unwrap(),
                    d["currency"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let imported = by_title(&td);
    let row = |t: &str, m: i64, c: &str| (t.to_string(), m, c.to_string());
    assert_eq!(
        imported,
        [
            row("Fleet", 1_250_000, "USD"),
            row("Lager", 950_000, "EUR"),
            row("Plain", 10_000, "CNY"),
            row("Pounds", 25_000, "GBP"),
            row("Tea", 8_000_000, "CNY"),
        ]
    );
    // Importing it again updates the deals, currencies and all.
    td.ok(DAY, &["import", file, "--kind", "deals"]);
    assert_eq!(by_title(&td), imported);

    let out = td.root().join("out");
    td.ok(DAY, &["export", "--out", out.to_str().unwrap()]);
    let deals = fs::read_to_string(out.join("deals.csv")).unwrap();
    assert!(deals.contains(",1250000,USD,"), "{deals}");
    assert!(deals.contains(",950000,EUR,"), "{deals}");
    assert!(deals.contains(",25000,GBP,"), "{deals}");

    let other = Td::new();
    other.ok(DAY, &["init"]);
    for table in ["accounts", "deals"] {
        let file = out.join(format!("{table}.csv"));
        other.ok(DAY, &["import", file.to_str().unwrap(), "--kind", table]);
    }
    assert_eq!(by_title(&other), imported);
}

#[test]
fn an_import_row_whose_sign_disagrees_with_its_currency_column_writes_nothing() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = td.root().join("bad.csv");
    fs::write(
        &file,
        "Deal - Title,Deal - Organization,Deal - Value,Deal - Currency\n\
         Good,Acme,100,USD\n\
         Bad,Acme,$100,EUR\n",
    )
    .unwrap();
    let before = td.counts();
    let (code, err) = td.fail(DAY, &["import", file.to_str().unwrap(), "--kind", "deals"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(
        err.contains("is in USD, but the currency given is EUR"),
        "{err}"
    );
    assert_eq!(td.counts(), before);
    fs::write(&file, "title,account,currency\na,Acme,dollars\n").unwrap();
    let args = [
        "--lang",
        "zh-CN",
        "import",
        file.to_str().unwrap(),
        "--kind",
        "deals",
    ];
    let (_, err) = td.fail(DAY, &args);
    assert!(err.contains("`dollars` 不是货币"), "{err}");
    assert_eq!(td.counts(), before);
}

#[test]
fn group_bys_total_each_currency_apart() {
    let td = with_account();
    add(&td, "a", &["--amount", "¥1,000"]);
    add(&td, "b", &["--amount", "$30"]);
    add(&td, "c", &["--amount", "$20"]);
    let groups = array(td.json(DAY, &["list", "--group-by", "stage"]));
    let rows: Vec<(i64, i64, &str)> = groups
        .iter()
        .map(|g| {
            (
                g["deals"].as_i64().unwrap(),
                g["amount_minor"].as_i64().unwrap(),
                g["currency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [(1, 100_000, "CNY"), (2, 5_000, "USD")]);
}

#[test]
fn a_currency_change_is_in_the_deal_s_history() {
    let td = with_account();
    let id = add(&td, "deal", &["--amount", "100"]);
    td.ok(DAY, &["deal", "update", &id, "--currency", "EUR"]);
    td.ok(DAY, &["deal", "update", &id, "--amount", "$5"]);
    let changes = array(td.show(DAY, &id)["changes"].clone());
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "currency" && c["from"] == "EUR" && c["to"] == "USD"),
        "{changes:?}"
    );
    let zh = td.ok(DAY, &["--lang", "zh-CN", "show", &id]);
    assert!(zh.contains("货币") && zh.contains("EUR → USD"), "{zh}");
}

/// A calendar to-do names the amount in the deal's own currency.
#[test]
fn the_calendar_names_each_deals_own_currency() {
    let td = with_account();
    add(&td, "Dollars", &["--amount", "$12,500", "--close", "+20d"]);
    add(&td, "Yuan", &["--amount", "¥8,000", "--close", "+20d"]);
    let ics = td.root().join("agenda.ics");
    let later = common::plus_days(DAY, 8);
    td.ok(&later, &["reminders", "--ics", ics.to_str().unwrap()]);
    // Unfolded, with iCalendar's escaped commas.
    let calendar = fs::read_to_string(&ics).unwrap().replace("\r\n ", "");
    assert!(calendar.contains("Amount: 12\\,500.00 USD"), "{calendar}");
    assert!(calendar.contains("Amount: 8\\,000.00 CNY"), "{calendar}");
}
