//! Contacts on the command line (`contact add|update|list|show`), a deal's
//! contact person, source, next step and notes, and importing the same
//! contacts twice: run on the built binary with temporary databases.

mod common;

use std::fs;

use common::{Td, array};
use serde_json::Value;

const DAY: &str = "2026-12-01";

/// A database with 上海华信电子科技有限公司 and Acme, and 李总 at the first.
fn with_people() -> (Td, String) {
    let td = Td::new();
    td.id(
        DAY,
        &["account", "add", "--name", "上海华信电子科技有限公司"],
    );
    td.id(DAY, &["account", "add", "--name", "Acme Ltd"]);
    let li = td.id(
        DAY,
        &[
            "contact",
            "add",
            "--account",
            "上海华信",
            "--name",
            "李总",
            "--title",
            "总经理",
            "--phone",
            "138 0000 0000",
            "--other",
            "wx_li",
        ],
    );
    (td, li)
}

fn contacts(td: &Td, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["contact", "list"];
    args.extend(extra);
    array(td.json(DAY, &args))
}

#[test]
fn a_contact_added_by_part_of_the_account_name_lists_and_shows_with_its_fields() {
    let (td, li) = with_people();
    let listed = contacts(&td, &[]);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let k = &listed[0];
    assert_eq!(k["id"], li.as_str());
    assert_eq!(k["name"], "李总");
    assert_eq!(k["account"], "上海华信电子科技有限公司");
    assert_eq!(k["title"], "总经理");
    assert_eq!(k["phone"], "138 0000 0000");
    assert_eq!(k["other"], "wx_li");
    assert_eq!(k["email"], "");

    let shown = td.json(DAY, &["contact", "show", &li[..6]]);
    assert_eq!(shown["id"], li.as_str());
    assert_eq!(shown["version"], 1);

    let text = td.ok(DAY, &["--lang", "zh-CN", "contact", "show", &li[..6]]);
    assert!(text.contains("职位") && text.contains("总经理"), "{text}");
    let table = td.ok(DAY, &["contact", "list"]);
    assert!(
        table.contains(&li[..8]) && !table.contains(&li[..9]),
        "ids are shown short: {table}"
    );
}

#[test]
fn contact_list_of_one_account_leaves_the_others_out() {
    let (td, _) = with_people();
    td.id(
        DAY,
        &["contact", "add", "--account", "acme", "--name", "Ann Lee"],
    );
    let acme = contacts(&td, &["--account", "Acme"]);
    let names: Vec<&str> = acme.iter().filter_map(|k| k["name"].as_str()).collect();
    assert_eq!(names, ["Ann Lee"]);
    assert_eq!(contacts(&td, &[]).len(), 2);
    let csv = td.ok(DAY, &["contact", "list", "--format", "csv"]);
    assert!(
        csv.starts_with("id,account_id,account,name,title,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[test]
fn contact_update_changes_only_the_fields_it_names() {
    let (td, li) = with_people();
    let out = td.ok(
        DAY,
        &["contact", "update", &li[..8], "--email", "li@huaxin.cn"],
    );
    assert!(out.contains(&li[..8]), "{out}");
    let k = td.json(DAY, &["contact", "show", &li]);
    assert_eq!(k["email"], "li@huaxin.cn");
    assert_eq!(k["phone"], "138 0000 0000", "untouched fields stay");
    assert_eq!(k["version"], 2);

    // A save over a version someone else moved on from is refused.
    let (code, line) = td.fail(
        DAY,
        &[
            "contact",
            "update",
            &li,
            "--title",
            "CEO",
            "--if-version",
            "1",
        ],
    );
    assert_eq!(code, 1);
    assert!(line.contains("contact show"), "{line}");
    assert_eq!(td.json(DAY, &["contact", "show", &li])["title"], "总经理");
}

#[test]
fn contact_mistakes_are_one_clear_sentence_and_change_nothing() {
    let (td, li) = with_people();
    let before = td.snapshot();
    let same = td.fail(
        DAY,
        &[
            "contact",
            "add",
            "--account",
            "上海华信",
            "--name",
            " 李总 ",
        ],
    );
    assert_eq!(same.0, 1);
    assert!(
        same.1.contains("already has a contact named `李总`") && same.1.contains(&li[..8]),
        "{}",
        same.1
    );
    let nothing = td.fail(DAY, &["contact", "update", &li]);
    assert!(nothing.1.contains("nothing to change"), "{}", nothing.1);
    let no_account = td.fail(
        DAY,
        &["contact", "add", "--account", "华东电力", "--name", "王工"],
    );
    assert!(no_account.1.contains("华东电力"), "{}", no_account.1);
    let zh = td.fail(
        DAY,
        &[
            "--lang",
            "zh-CN",
            "contact",
            "add",
            "--account",
            "上海华信",
            "--name",
            "李总",
        ],
    );
    assert!(zh.1.contains("已有名为 `李总` 的联系人"), "{}", zh.1);
    let bad_id = td.fail(DAY, &["contact", "show", "zz"]);
    assert!(bad_id.1.contains("contact"), "{}", bad_id.1);
    assert_eq!(td.snapshot(), before, "a refused command writes nothing");
}

#[test]
fn a_deal_names_its_contact_source_next_step_and_notes_and_show_says_them() {
    let (td, li) = with_people();
    let deal = td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "二期扩容",
            "--contact",
            "李",
            "--source",
            "展会",
            "--next-step",
            "周五送报价",
            "--notes",
            "要增值税专用发票",
        ],
    );
    let shown = td.show(DAY, &deal);
    assert_eq!(shown["contact"], "李总");
    assert_eq!(shown["contact_id"], li.as_str());
    assert_eq!(shown["source"], "展会");
    assert_eq!(shown["next_step"], "周五送报价");
    assert_eq!(shown["notes"], "要增值税专用发票");
    let text = td.ok(DAY, &["--lang", "zh-CN", "show", &deal]);
    for expected in ["联系人", "李总", "来源", "展会", "下一步", "周五送报价"] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }

    td.ok(
        DAY,
        &[
            "deal",
            "update",
            &deal[..8],
            "--next-step",
            "签合同",
            "--contact",
            "none",
        ],
    );
    let after = td.show(DAY, &deal);
    assert_eq!(after["next_step"], "签合同");
    assert_eq!(after["contact"], Value::Null);
    assert_eq!(after["source"], "展会", "fields not named stay");
    // The change log keeps each edit for the timeline.
    let fields: Vec<&str> = after["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"next_step") && fields.contains(&"contact_id"),
        "{fields:?}"
    );
}

#[test]
fn a_deal_s_contact_must_be_one_of_its_account_s_people() {
    let (td, li) = with_people();
    let ann = td.id(
        DAY,
        &["contact", "add", "--account", "Acme", "--name", "Ann Lee"],
    );
    let deal = td.id(
        DAY,
        &["deal", "add", "--account", "Acme", "--title", "Pilot"],
    );
    let before = td.snapshot();
    let other = td.fail(DAY, &["deal", "update", &deal, "--contact", &li[..8]]);
    assert_eq!(other.0, 1);
    assert!(
        other.1.contains("李总 is not a contact of Acme Ltd"),
        "{}",
        other.1
    );
    let nobody = td.fail(DAY, &["deal", "update", &deal, "--contact", "Bob"]);
    assert!(
        nobody.1.contains("Acme Ltd has no contact `Bob`"),
        "{}",
        nobody.1
    );
    let added = td.fail(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "Acme",
            "--title",
            "Two",
            "--contact",
            "李总",
        ],
    );
    assert!(added.1.contains("has no contact"), "{}", added.1);
    assert_eq!(td.snapshot(), before);
    td.ok(DAY, &["deal", "update", &deal, "--contact", &ann[..6]]);
    assert_eq!(td.show(DAY, &deal)["contact"], "Ann Lee");
}

#[test]
fn importing_the_same_contacts_twice_updates_instead_of_adding() {
    let td = Td::new();
    let file = td.root().join("people.csv");
    fs::write(
        &file,
        "Organization,Person - Name,Person - Phone,Job Title\n\
         上海华信,李总,13800000000,总经理\n\
         Acme Ltd,Ann Lee,555-0100,\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    td.ok(DAY, &["import", path, "--kind", "contacts"]);
    let again = td.ok(DAY, &["import", path, "--kind", "contacts"]);
    assert!(again.contains("0 new"), "{again}");
    assert_eq!(contacts(&td, &[]).len(), 2);

    // The same person spelt in another case, with a new phone: updated.
    fs::write(
        &file,
        "Organization,Person - Name,Person - Phone\n Acme Ltd , ann lee ,555-0199\n",
    )
    .unwrap();
    let third = td.ok(DAY, &["import", path, "--kind", "contacts"]);
    assert!(third.contains("1 updated"), "{third}");
    let people = contacts(&td, &[]);
    assert_eq!(people.len(), 2, "{people:#?}");
    let ann = people.iter().find(|k| k["account"] == "Acme Ltd").unwrap();
    assert_eq!(ann["phone"], "555-0199");
    assert_eq!(ann["title"], "", "a column the file lacks is left alone");
    assert_eq!(td.counts()["contacts"], 2);
}

#[test]
fn an_export_carries_the_deal_fields_into_a_fresh_database() {
    let (td, _) = with_people();
    let deal = td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "二期扩容",
            "--contact",
            "李总",
            "--source",
            "转介绍",
            "--next-step",
            "约李总面谈",
            "--notes",
            "第一行\n第二行",
        ],
    );
    let out = td.root().join("export");
    td.ok(DAY, &["export", "--out", out.to_str().unwrap()]);
    let fresh = Td::new();
    for kind in [
        "accounts",
        "contacts",
        "deals",
        "activities",
        "reminders",
        "history",
    ] {
        let file = out.join(format!("{kind}.csv"));
        fresh.ok(DAY, &["import", file.to_str().unwrap(), "--kind", kind]);
    }
    let was = td.show(DAY, &deal);
    let now = fresh.show(DAY, &deal);
    for key in ["contact", "contact_id", "source", "next_step", "notes"] {
        assert_eq!(now[key], was[key], "{key}");
    }
    assert_eq!(now["notes"], "第一行\n第二行");
    // Imported again over itself, nothing changes and no one is doubled.
    let again = fresh.ok(
        DAY,
        &[
            "import",
            out.join("contacts.csv").to_str().unwrap(),
            "--kind",
            "contacts",
        ],
    );
    assert!(again.contains("0 new"), "{again}");
    assert_eq!(fresh.counts()["contacts"], 1);
}

#[test]
fn a_deals_file_naming_a_contact_by_name_finds_or_adds_the_person() {
    let (td, li) = with_people();
    let file = td.root().join("deals.csv");
    fs::write(
        &file,
        "Deal - Title,Organization,Deal - Contact person,Lead Source,Next Step\n\
         三期,上海华信电子科技有限公司,李总,官网,报价\n\
         Pilot,Acme Ltd,Bob Smith,,\n",
    )
    .unwrap();
    td.ok(DAY, &["import", file.to_str().unwrap(), "--kind", "deals"]);
    let listed = td.list(DAY, &[]);
    let id_of = |title: &str| {
        listed
            .iter()
            .find(|d| d["title"] == title)
            .and_then(|d| d["id"].as_str())
            .unwrap()
            .to_string()
    };
    let third = td.show(DAY, &id_of("三期"));
    assert_eq!(
        third["contact_id"],
        li.as_str(),
        "the known person is found"
    );
    assert_eq!(third["source"], "官网");
    assert_eq!(third["next_step"], "报价");
    assert_eq!(td.show(DAY, &id_of("Pilot"))["contact"], "Bob Smith");
    assert_eq!(contacts(&td, &["--account", "Acme"]).len(), 1);
}

#[test]
fn every_contact_option_has_help_in_both_languages() {
    let td = Td::new();
    let en = td.ok(DAY, &["contact", "add", "--help"]);
    let zh = td.ok(DAY, &["--lang", "zh-CN", "contact", "add", "--help"]);
    assert!(en.contains("WeChat or another way to reach them"), "{en}");
    assert!(zh.contains("微信或其他联系方式"), "{zh}");
    let deal = td.ok(DAY, &["--lang", "zh-CN", "deal", "update", "--help"]);
    assert!(
        deal.contains("--next-step") && deal.contains("下一步"),
        "{deal}"
    );
}

#[test]
fn a_contact_moves_to_another_account_unless_a_deal_names_them() {
    let (td, li) = with_people();
    let deal = td.id(
        DAY,
        &[
            "deal",
            "add",
            "--account",
            "上海华信",
            "--title",
            "二期",
            "--contact",
            "李总",
        ],
    );
    let before = td.snapshot();
    let (code, line) = td.fail(DAY, &["contact", "update", &li, "--account", "Acme"]);
    assert_eq!(code, 1);
    assert!(
        line.contains("李总 is the contact on 1 of the account's deals"),
        "{line}"
    );
    assert_eq!(td.snapshot(), before);
    td.ok(DAY, &["deal", "update", &deal, "--contact", "none"]);
    td.ok(DAY, &["contact", "update", &li, "--account", "Acme"]);
    let moved = td.json(DAY, &["contact", "show", &li]);
    assert_eq!(moved["account"], "Acme Ltd");
    assert!(contacts(&td, &["--account", "上海华信"]).is_empty());
}
