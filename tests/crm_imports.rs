//! Other CRMs' exports imported as they come: files written here in the
//! shapes Salesforce, HubSpot, Zoho, Pipedrive, Odoo, vtiger and hand-kept
//! pipeline sheets give them (headers, quoting, byte-order marks, id pairs,
//! date spellings and stage sets), accounts first and then the deals and
//! tasks that name them by the CRM's ids. Each is imported again unchanged,
//! and a changed row updates.

mod common;

use std::fs;

use common::Td;

const DAY: &str = "2026-12-02";

/// One column of every row of `sql`, as text.
fn column(td: &Td, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(&td.db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
        .unwrap()
        .map(|v| match v.unwrap() {
            rusqlite::types::Value::Null => String::new(),
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn write(td: &Td, name: &str, text: &str) -> String {
    let path = td.root().join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Imports a file and returns what it printed.
fn import(td: &Td, file: &str, kind: &str, extra: &[&str]) -> String {
    let mut args = vec!["import", file, "--kind", kind];
    args.extend(extra);
    td.ok(DAY, &args)
}

fn assert_imported(out: &str, created: usize, updated: usize, unchanged: usize) {
    let want = format!("{created} new, {updated} updated, {unchanged} unchanged");
    assert!(out.contains(&want), "wanted `{want}` in:\n{out}");
}

const SALESFORCE_ACCOUNTS: &str = "\u{feff}Id,IsDeleted,Name,Type,Industry,BillingState,OwnerId,Description,CreatedDate\n\
001f4000009wJD7AAM,false,Acme Corporation,Customer - Direct,Manufacturing,CA,005f4000000abcDAAQ,\"Key account.\nSecond line.\",2021-06-05T11:12:00.000+0000\n\
001f4000009wJD8AAM,false,Globex,Prospect,Energy,NY,005f4000000abcDAAQ,,2021-06-06T09:00:00.000+0000\n";

const SALESFORCE_OPPORTUNITIES: &str = "\u{feff}Id,AccountId,Name,StageName,Amount,CloseDate,OwnerId,IsWon,IsClosed,Probability,Type,LeadSource,NextStep,Description,CreatedDate\n\
006f4000001aAAAAA1,001f4000009wJD7AAM,Acme - 200 units,Id. Decision Makers,1475.3000000000002,2027-01-15,005f4000000abcDAAQ,false,false,60,New Customer,Web,Send quote,\"Needs a \"\"rush\"\" delivery\",2026-09-01T08:00:00.000+0000\n\
006f4000001aAAAAA2,001f4000009wJD7AAM,Acme - service plan,Closed Won,22000,2026-11-20,005f4000000abcDAAQ,true,true,100,Existing Customer - Upgrade,Phone Inquiry,,,2026-08-01T08:00:00.000+0000\n\
006f4000001aAAAAA3,001f4000009wJD8AAM,Globex - pilot,Closed Lost,5000,2026-10-05,005f4000000abcDAAQ,false,true,0,New Customer,Partner,,,2026-07-01T08:00:00.000+0000\n\
006f4000001aAAAAA4,001f4000009wJD8AAM,Globex - rollout,Proposal/Price Quote,90000,2027-05-30,005f4000000abcDAAQ,false,false,75,New Customer,Web,,,2026-10-01T08:00:00.000+0000\n";

const SALESFORCE_TASKS: &str = "Id,WhoId,WhatId,Subject,ActivityDate,Status,Priority,OwnerId,Description,Type\n\
00Tf400000AAAA01,,006f4000001aAAAAA1,Call about volumes,2026-11-30,Completed,Normal,005f4000000abcDAAQ,They want 200,Call\n\
00Tf400000AAAA02,,001f4000009wJD8AAM,Intro email,2026-11-28,Completed,Normal,005f4000000abcDAAQ,,Email\n\
00Tf400000AAAA03,,006f4000001aAAAAA4,Send the revised quote,2026-12-09,Not Started,High,005f4000000abcDAAQ,,\n";

#[test]
fn a_salesforce_export_imports_accounts_then_opportunities_then_tasks_by_their_ids() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let accounts = write(&td, "Account.csv", SALESFORCE_ACCOUNTS);
    let deals = write(&td, "Opportunity.csv", SALESFORCE_OPPORTUNITIES);
    let tasks = write(&td, "Task.csv", SALESFORCE_TASKS);

    let out = import(&td, &accounts, "accounts", &[]);
    assert_imported(&out, 2, 0, 0);
    assert!(out.contains("salesforce"), "{out}");
    // Columns nothing reads are said, never dropped without a word.
    assert!(out.contains("Columns left out: IsDeleted, Type"), "{out}");
    assert_eq!(
        column(&td, "SELECT source_id FROM accounts ORDER BY name"),
        [
            "salesforce:001f4000009wJD7AAM",
            "salesforce:001f4000009wJD8AAM"
        ]
    );
    assert_eq!(
        column(
            &td,
            "SELECT notes FROM accounts WHERE name = 'Acme Corporation'"
        ),
        ["Key account.\nSecond line."]
    );

    let out = import(&td, &deals, "deals", &[]);
    assert_imported(&out, 4, 0, 0);
    assert!(
        out.contains("Id. Decision Makers → needs (1, Salesforce)"),
        "{out}"
    );
    assert_eq!(
        column(
            &td,
            "SELECT d.title || '|' || a.name || '|' || d.stage || '|' || d.amount_minor || '|' ||
                    coalesce(d.closed_on, '') || '|' || d.source || '|' || d.next_step
             FROM deals d JOIN accounts a ON a.id = d.account_id ORDER BY d.title"
        ),
        [
            "Acme - 200 units|Acme Corporation|needs|147530||Web|Send quote",
            "Acme - service plan|Acme Corporation|won|2200000|2026-11-20|Phone Inquiry|",
            "Globex - pilot|Globex|lost|500000|2026-10-05|Partner|",
            "Globex - rollout|Globex|proposal|9000000||Web|",
        ]
    );
    assert_eq!(
        column(
            &td,
            "SELECT notes FROM deals WHERE title = 'Acme - 200 units'"
        ),
        ["Needs a \"rush\" delivery"]
    );

    let out = import(&td, &tasks, "activities", &[]);
    assert!(out.contains("1 follow-ups planned"), "{out}");
    assert_eq!(
        column(
            &td,
            "SELECT coalesce(d.title, a.name) || '|' || act.kind || '|' || act.summary
             FROM activities act JOIN accounts a ON a.id = act.account_id
             LEFT JOIN deals d ON d.id = act.deal_id ORDER BY act.at"
        ),
        [
            "Globex|email|Intro email",
            "Acme - 200 units|call|Call about volumes\nThey want 200"
        ]
    );
    assert_eq!(
        column(
            &td,
            "SELECT d.title || '|' || r.due || '|' || r.note FROM reminders r
             JOIN deals d ON d.id = r.deal_id WHERE r.kind = 'follow_up'"
        ),
        ["Globex - rollout|2026-12-09|Send the revised quote"]
    );

    // Again: nothing new, nothing changed.
    assert_imported(&import(&td, &accounts, "accounts", &[]), 0, 0, 2);
    assert_imported(&import(&td, &deals, "deals", &[]), 0, 0, 4);
    let again = import(&td, &tasks, "activities", &[]);
    assert_imported(&again, 0, 0, 3);
    assert_eq!(column(&td, "SELECT count(*) FROM activities"), ["2"]);

    // A changed row updates the deal it was, by its id.
    let changed = SALESFORCE_OPPORTUNITIES.replace("90000,2027-05-30", "95000,2027-06-30");
    let changed = write(&td, "Opportunity2.csv", &changed);
    assert_imported(&import(&td, &changed, "deals", &[]), 0, 1, 3);
    assert_eq!(
        column(
            &td,
            "SELECT amount_minor || '|' || expected_close FROM deals WHERE title = 'Globex - rollout'"
        ),
        ["9500000|2027-06-30"]
    );
    assert_eq!(column(&td, "SELECT count(*) FROM deals"), ["4"]);
}

#[test]
fn an_excel_resaved_salesforce_export_asks_for_the_date_order_then_reads_it() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    // Excel re-saves dates as MM/DD/YY and booleans as TRUE/FALSE.
    let file = write(
        &td,
        "opps.csv",
        "Opportunity Name,Account Name,Stage,Amount,Close Date,Won,Closed\n\
         Pumps,Initech,Negotiation/Review,\"$1,200.00\",02/03/27,FALSE,FALSE\n\
         Valves,Initech,Closed Won,300,01/05/26,TRUE,TRUE\n",
    );
    let (code, err) = td.fail(DAY, &["import", &file, "--kind", "deals"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--date-order dmy or --date-order mdy"),
        "{err}"
    );
    assert!(err.contains("`Close Date`"), "{err}");
    assert_eq!(column(&td, "SELECT count(*) FROM deals"), ["0"]);

    let out = import(&td, &file, "deals", &["--date-order", "mdy"]);
    assert_imported(&out, 2, 0, 0);
    assert_eq!(
        column(
            &td,
            "SELECT title || '|' || stage || '|' || currency || '|' || expected_close || '|' ||
                    coalesce(closed_on, '')
             FROM deals ORDER BY title"
        ),
        [
            "Pumps|negotiation|USD|2027-02-03|",
            "Valves|won|CNY|2026-01-05|2026-01-05"
        ]
    );

    // One program wrote every column: a created date past the 12th settles
    // the close dates beside it.
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = write(
        &td,
        "opps.csv",
        "Opportunity Name,Account Name,Stage,Close Date,Created Date\n\
         Pumps,Initech,Prospecting,02/03/27,02/23/26 08:55 PM\n",
    );
    let out = import(&td, &file, "deals", &[]);
    assert!(out.contains("month/day"), "{out}");
    assert_eq!(
        column(&td, "SELECT expected_close || '|' || created_on FROM deals"),
        ["2027-02-03|2026-02-23"]
    );
}

#[test]
fn hubspot_deals_and_contacts_import_with_their_quoting_and_stage_ids() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let deals = write(
        &td,
        "hubspot-deals.csv",
        "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Close Date\",\"Amount\",\"Deal owner\",\"Pipeline\",\"Associated Company\"\n\
         \"9911\",\"Website rebuild\",\"appointmentscheduled\",\"2027-01-20\",\"11015.0\",\"Bo Li\",\"Sales Pipeline\",\"Umbrella Co\"\n\
         \"9912\",\"Hosting\",\"contract sent\",\"2026-12-20\",\"2400.0\",\"Bo Li\",\"Sales Pipeline\",\"Umbrella Co\"\n\
         \"9913\",\"Audit\",\"closedwon\",\"2026-11-02\",\"800.0\",\"Bo Li\",\"Sales Pipeline\",\"Umbrella Co\"\n",
    );
    let out = import(&td, &deals, "deals", &[]);
    assert_imported(&out, 3, 0, 0);
    assert!(out.contains("Columns left out: Pipeline"), "{out}");
    assert_eq!(
        column(
            &td,
            "SELECT title || '|' || stage || '|' || amount_minor || '|' || owner || '|' || source_id
             FROM deals ORDER BY title"
        ),
        [
            "Audit|won|80000|Bo Li|hubspot:9913",
            "Hosting|negotiation|240000|Bo Li|hubspot:9912",
            "Website rebuild|contacted|1101500|Bo Li|hubspot:9911",
        ]
    );
    assert_imported(&import(&td, &deals, "deals", &[]), 0, 0, 3);

    // A contacts export names no company: each person is a customer of their own.
    let contacts = write(
        &td,
        "hubspot-contacts.csv",
        "\"Record ID\",\"First Name\",\"Last Name\",\"Email\",\"Phone Number\",\"Lead Status\",\"Create Date\"\n\
         \"501\",\"Mia\",\"Wong\",\"mia@example.test\",\"+1 555 0101\",\"New\",\"4/8/2025 17:19\"\n\
         \"502\",\"陈\",\"静\",\"\",\"138 0000 0000\",\"Open\",\"4/9/2025 09:00\"\n",
    );
    let out = import(&td, &contacts, "contacts", &[]);
    assert_imported(&out, 2, 0, 0);
    assert!(out.contains("Lead Status, Create Date"), "{out}");
    assert_eq!(
        column(
            &td,
            "SELECT c.name || '|' || a.name || '|' || a.kind || '|' || c.source_id
             FROM contacts c JOIN accounts a ON a.id = c.account_id ORDER BY c.source_id"
        ),
        [
            "Mia Wong|Mia Wong|individual|hubspot:501",
            "陈 静|陈 静|individual|hubspot:502"
        ]
    );
    assert_imported(&import(&td, &contacts, "contacts", &[]), 0, 0, 2);
}

#[test]
fn zoho_lookups_come_as_name_and_id_pairs() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let accounts = write(
        &td,
        "Accounts.csv",
        "Record Id,Account Name,Account Owner,Account Owner.id,Industry,Billing State\n\
         zcrm_4000001,Gamma GmbH,Cleo,zcrm_9000001,Retail,Bayern\n\
         zcrm_4000002,Gamma GmbH Austria,Cleo,zcrm_9000001,Retail,Wien\n",
    );
    let out = import(&td, &accounts, "accounts", &[]);
    assert_imported(&out, 2, 0, 0);
    assert!(out.contains("zoho"), "{out}");
    let deals = write(
        &td,
        "Deals.csv",
        "Record Id,Deal Name,Account Name,Account Name.id,Contact Name,Contact Name.id,Deal Owner,Deal Owner.id,Stage,Amount,Closing Date\n\
         zcrm_5000001,Shop fit,Gamma,zcrm_4000002,Lena Berg,zcrm_6000001,Cleo,zcrm_9000001,Identify Decision Makers,\"1.234,56\",31.01.2027\n\
         zcrm_5000002,Kiosk,Gamma,zcrm_4000001,,,Cleo,zcrm_9000001,Closed Lost to Competition,500,15.11.2026\n",
    );
    let out = import(&td, &deals, "deals", &[]);
    assert_imported(&out, 2, 0, 0);
    // The `.id` column, not the name (which names neither account), finds each account.
    assert_eq!(
        column(
            &td,
            "SELECT d.title || '|' || a.name || '|' || d.stage || '|' || d.amount_minor || '|' ||
                    coalesce(c.name, '')
             FROM deals d JOIN accounts a ON a.id = d.account_id
             LEFT JOIN contacts c ON c.id = d.contact_id ORDER BY d.title"
        ),
        [
            "Kiosk|Gamma GmbH|lost|50000|",
            "Shop fit|Gamma GmbH Austria|needs|123456|Lena Berg"
        ]
    );
    assert_imported(&import(&td, &deals, "deals", &[]), 0, 0, 2);
}

#[test]
fn a_pipedrive_export_keeps_status_currency_contact_and_serial_dates() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let orgs = write(
        &td,
        "organizations.csv",
        "Organization - ID,Organization - Name*,Organization - Owner\n17,Acme Ltd,Ann\n",
    );
    assert_imported(&import(&td, &orgs, "accounts", &[]), 1, 0, 0);
    let deals = write(
        &td,
        "deals.csv",
        "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Organization ID,Deal - Contact person,Deal - Expected close date,Deal - Stage,Deal - Pipeline,Deal - Status,Deal - Owner,Deal - Lost reason,Deal - Won time,Deal - Deal created\n\
         101,Fleet renewal,\"12,400.50\",EUR,Acme Ltd,17,Ann Lee,45678,Proposal Made,Default,open,Ann,,,45600\n\
         102,Spare parts,900,USD,Acme Ltd,17,,45640,Negotiations Started,Default,won,Ann,,2026-11-03 10:00:00,45500\n\
         103,Training,300,USD,Acme Ltd,17,Ann Lee,45650,Lead In,Default,lost,Ann,Went with a rival,,45501\n\
         104,Upsell,100,EUR,Acme Ltd,17,,,Contact Made,Default,open,Ann,,,45601\n",
    );
    let out = import(&td, &deals, "deals", &[]);
    assert_imported(&out, 4, 0, 0);
    assert!(out.contains("contacts"), "a new contact is said: {out}");
    assert_eq!(
        column(
            &td,
            "SELECT d.title || '|' || d.stage || '|' || d.currency || '|' || d.amount_minor || '|' ||
                    coalesce(d.expected_close, '') || '|' || coalesce(d.closed_on, '') || '|' ||
                    coalesce(d.lost_reason, '') || '|' || coalesce(c.name, '') || '|' || d.created_on
             FROM deals d LEFT JOIN contacts c ON c.id = d.contact_id ORDER BY d.title"
        ),
        [
            // Serial days from an XLSX: 45678 is 2025-01-21, 45600 2024-11-04.
            "Fleet renewal|proposal|EUR|1240050|2025-01-21|||Ann Lee|2024-11-04",
            "Spare parts|won|USD|90000|2024-12-14|2026-11-03|||2024-07-27",
            "Training|lost|USD|30000|2024-12-24|2024-12-24|Went with a rival|Ann Lee|2024-07-28",
            "Upsell|contacted|EUR|10000|||||2024-11-05",
        ]
    );
    assert_eq!(
        column(&td, "SELECT count(*) FROM contacts WHERE name = 'Ann Lee'"),
        ["1"]
    );
    assert_imported(&import(&td, &deals, "deals", &[]), 0, 0, 4);
}

#[test]
fn odoo_vtiger_and_chinese_sheets_map_their_stage_names() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let odoo = write(
        &td,
        "crm.lead.csv",
        "Opportunity,Customer,Expected Revenue,Stage,Expected Closing,Salesperson,Probability\n\
         Office chairs,Deco Addict,4500.00,New,2027-02-01,Mitchell Admin,10\n\
         Desks,Deco Addict,12000.00,Proposition,2026-12-24,Mitchell Admin,60\n\
         Lamps,Deco Addict,800.00,Won,2026-11-30,Mitchell Admin,100\n",
    );
    assert_imported(&import(&td, &odoo, "deals", &[]), 3, 0, 0);
    let vtiger = write(
        &td,
        "商机.csv",
        "商机名称,客户名称,销售阶段,金额,预计关闭日期,负责人,币种,来源,备注,下一步\n\
         华东项目,上海某某科技有限公司,初期沟通,\"¥12,400.00\",2027年3月1日,王芳,CNY,展会,老客户,约见采购\n\
         西南项目,成都某某贸易有限公司,提案/报价,8万,2027-01-15,李雷,CNY,官网,,\n\
         华北项目,北京某某集团,谈判/检讨,30000,2026-12-28,王芳,CNY,转介绍,,\n\
         华南项目,广州某某公司,成功结案,5000,2026-11-20,李雷,CNY,,,\n\
         东北项目,沈阳某某公司,失败结案,7000,2026-10-20,李雷,CNY,,,\n",
    );
    let out = import(&td, &vtiger, "deals", &[]);
    assert_imported(&out, 5, 0, 0);
    assert_eq!(
        column(
            &td,
            "SELECT title || '|' || stage || '|' || amount_minor || '|' || source || '|' || notes || '|' || next_step
             FROM deals ORDER BY expected_close"
        ),
        [
            "东北项目|lost|700000|||",
            "华南项目|won|500000|||",
            "Lamps|won|80000|||",
            "Desks|proposal|1200000|||",
            "华北项目|negotiation|3000000|转介绍||",
            "西南项目|proposal|8000000|官网||",
            "Office chairs|lead|450000|||",
            "华东项目|contacted|1240000|展会|老客户|约见采购",
        ]
    );
}

#[test]
fn a_pipeline_sheet_with_day_first_two_digit_years_and_open_rows_imports() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let sheet = write(
        &td,
        "sales_pipeline.csv",
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n\
         1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,20-10-16,01-03-17,1054\n\
         Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,25-10-16,11-03-17,4514\n\
         EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Lost,25-10-16,07-03-17,0\n\
         MV1LWRNH,Moses Frase,GTX Basic,Codehow,Engaging,25-10-16,,\n\
         PE84CX4O,Zane Levy,GTX Basic,Hatfan,Prospecting,,,\n",
    );
    let out = import(&td, &sheet, "deals", &[]);
    assert_imported(&out, 5, 0, 0);
    assert!(
        out.contains("day/month"),
        "the order and why is said: {out}"
    );
    assert_eq!(
        column(
            &td,
            "SELECT title || '|' || stage || '|' || coalesce(closed_on, '') || '|' || created_on || '|' || owner
             FROM deals ORDER BY source_id"
        ),
        [
            "GTX Plus Basic|won|2017-03-01|2016-10-20|Moses Frase",
            "MG Special|lost|2017-03-07|2016-10-25|Darcel Schlecht",
            "GTX Basic|contacted||2016-10-25|Moses Frase",
            "GTX Basic|lead||2026-12-02|Zane Levy",
            "GTXPro|won|2017-03-11|2016-10-25|Darcel Schlecht",
        ]
    );
    assert_imported(&import(&td, &sheet, "deals", &[]), 0, 0, 5);
}

#[test]
fn every_unknown_stage_is_listed_with_the_stage_map_that_fixes_it_in_one_run() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = write(
        &td,
        "custom.csv",
        "Deal Name,Company,Deal Stage,Close Date\n\
         A,Acme,Scoping,2027-01-10\n\
         B,Acme,Scoping,2027-01-11\n\
         C,Acme,Pilot running,2027-01-12\n\
         D,Acme,Proposal,2027-01-13\n\
         E,Acme,Signed,2027-01-14\n",
    );
    let (code, err) = td.fail(DAY, &["import", &file, "--kind", "deals", "--dry-run"]);
    assert_eq!(code, 1);
    for want in [
        "4 of 5 rows cannot be imported",
        "unknown stage `Scoping` (2 rows: line 2, 3); add --stage-map 'Scoping=STAGE'",
        "unknown stage `Pilot running` (1 rows: line 4); add --stage-map 'Pilot running=STAGE'",
        "unknown stage `Signed` (1 rows: line 6); add --stage-map 'Signed=STAGE'",
        "STAGE is one of: lead, contacted, needs, proposal, negotiation, won, lost",
    ] {
        assert!(err.contains(want), "wanted `{want}` in:\n{err}");
    }
    let out = import(
        &td,
        &file,
        "deals",
        &[
            "--stage-map",
            "Scoping=needs",
            "--stage-map",
            "Pilot running=Proposal",
            "--stage-map",
            "Signed=won",
        ],
    );
    assert_imported(&out, 5, 0, 0);
    assert!(out.contains("Scoping → needs (2, --stage-map)"), "{out}");
    assert_eq!(
        column(&td, "SELECT stage FROM deals ORDER BY title"),
        ["needs", "needs", "proposal", "proposal", "won"]
    );
}

#[test]
fn bad_rows_are_all_listed_and_skip_bad_imports_the_rest() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = write(
        &td,
        "mixed.csv",
        "title,account,amount,expected_close\n\
         Good one,Acme,100,2027-01-10\n\
         No account,,100,2027-01-10\n\
         Bad amount,Acme,12..5,2027-01-10\n\
         Bad day,Acme,100,2027-02-30\n\
         Good two,Acme,200,2027-01-11\n",
    );
    let (_, err) = td.fail(DAY, &["import", &file, "--kind", "deals"]);
    for want in ["3 of 5 rows", "line 3:", "line 4:", "line 5:", "--skip-bad"] {
        assert!(err.contains(want), "wanted `{want}` in:\n{err}");
    }
    assert_eq!(column(&td, "SELECT count(*) FROM deals"), ["0"]);

    let out = import(&td, &file, "deals", &["--skip-bad"]);
    assert!(out.contains("Left out 3 rows"), "{out}");
    assert!(out.contains("line 4:"), "{out}");
    assert_imported(&out, 2, 0, 0);
    assert_eq!(
        column(&td, "SELECT title FROM deals ORDER BY title"),
        ["Good one", "Good two"]
    );
}

#[test]
fn map_reads_a_column_as_a_field_and_leaves_one_out() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = write(
        &td,
        "odd.csv",
        "Projekt,Kunde,Wert,Notiz\nUmbau,Müller KG,500,nicht importieren\n",
    );
    let (_, err) = td.fail(DAY, &["import", &file, "--kind", "deals"]);
    assert!(err.contains("missing column `account`"), "{err}");
    let (_, err) = td.fail(
        DAY,
        &["import", &file, "--kind", "deals", "--map", "Kunde=colour"],
    );
    assert!(err.contains("--map names field `colour`"), "{err}");
    let out = import(
        &td,
        &file,
        "deals",
        &[
            "--map",
            "Projekt=title",
            "--map",
            "Kunde=account",
            "--map",
            "Wert=amount",
            "--map",
            "Notiz=-",
        ],
    );
    assert!(
        out.contains("Projekt → title, Kunde → account, Wert → amount"),
        "{out}"
    );
    assert!(out.contains("Columns left out: Notiz"), "{out}");
    assert_eq!(
        column(
            &td,
            "SELECT title || '|' || amount_minor || '|' || notes FROM deals"
        ),
        ["Umbau|50000|"]
    );
}

#[test]
fn a_directory_of_exports_imports_in_order_and_its_export_reimports_unchanged() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let dir = td.root().join("salesforce");
    fs::create_dir(&dir).unwrap();
    // Named so that a plain sort would take the tasks and deals first.
    fs::write(dir.join("Task.csv"), SALESFORCE_TASKS).unwrap();
    fs::write(dir.join("Opportunity.csv"), SALESFORCE_OPPORTUNITIES).unwrap();
    fs::write(dir.join("Account.csv"), SALESFORCE_ACCOUNTS).unwrap();
    fs::write(dir.join("README.txt"), "not data").unwrap();
    let out = td.ok(DAY, &["import", dir.to_str().unwrap()]);
    assert!(out.contains("Left out"), "{out}");
    assert_eq!(column(&td, "SELECT count(*) FROM deals"), ["4"]);
    assert_eq!(column(&td, "SELECT count(*) FROM activities"), ["2"]);

    // tierdeck's own export of it restores into a new database, and an
    // import of that export again changes nothing.
    let export = td.root().join("backup");
    td.ok(DAY, &["export", "--out", export.to_str().unwrap()]);
    let fresh = Td::new();
    fresh.ok(DAY, &["init"]);
    fresh.ok(DAY, &["import", export.to_str().unwrap()]);
    assert_eq!(fresh.counts(), td.counts());
    let again = fresh.ok(DAY, &["import", export.to_str().unwrap()]);
    assert_eq!(again.matches(" 0 new, 0 updated, ").count(), 7, "{again}");
    let second = fresh.root().join("second");
    fresh.ok(DAY, &["export", "--out", second.to_str().unwrap()]);
    for table in ["accounts", "deals", "contacts", "activities"] {
        let first = fs::read_to_string(export.join(format!("{table}.csv"))).unwrap();
        let after = fs::read_to_string(second.join(format!("{table}.csv"))).unwrap();
        assert_eq!(first, after, "{table}.csv changed on the way through");
    }
    assert!(
        column(&fresh, "SELECT source_id FROM deals ORDER BY source_id")[0]
            .starts_with("salesforce:006")
    );
}

#[test]
fn nul_and_control_characters_are_taken_out_of_cells_and_said() {
    let td = Td::new();
    td.ok(DAY, &["init"]);
    let file = write(
        &td,
        "dirty.csv",
        "name,notes,region\nAc\0me\u{7} Ltd,\"first\r\nsecond\u{1b}\",East\n",
    );
    let out = import(&td, &file, "accounts", &[]);
    assert_imported(&out, 1, 0, 0);
    assert!(
        out.contains("Control characters taken out of `name` in 1 cells"),
        "{out}"
    );
    assert!(
        out.contains("Control characters taken out of `notes` in 1 cells"),
        "{out}"
    );
    assert_eq!(
        column(
            &td,
            "SELECT name || '|' || notes || '|' || region FROM accounts"
        ),
        ["Acme Ltd|first\nsecond|East"]
    );
}
