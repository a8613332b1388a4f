//! Readers: one per table, each a list of the names a column goes by.
//!
//! Every list starts with tierdeck's canonical header (the field name), then
//! the headers of other CRMs' exports and Chinese headers; when a file has
//! several, the earlier name in the list wins, and `--map` wins over all.
//! Headers compare without case, spaces, underscores or `*`, so Salesforce's
//! `CloseDate` is `Close Date`. Columns no list names are left out, and the
//! plan says which.

use std::io::Read;

use chrono::NaiveTime;

use super::sheet::{Column, Row, Sheet, Stages, missing, without_float_noise, word, yes_no};
use super::{
    AccountRecord, ActivityRecord, CellProblem, ContactRecord, DealRecord, DealRef, GoalRecord,
    ImportError, ImportOptions, ImportProblem, Line, Sheetful,
};
use crate::domain::{
    AccountKind, ActivityKind, Currency, Grade, HistoryEntry, LOST, Money, Need, Pin, ProductTier,
    Reason, Reminder, ReminderKind, RowMeta, Satisfaction, UnknownValue, WON,
};
use crate::parse::{ParseError, parse_amount_in, parse_import_date};

const ID: &[&str] = &["id"];
/// tierdeck's export of the ids rows had in another CRM.
const SOURCE_ID: &[&str] = &["source_id"];
const DEAL_ID: &[&str] = &["deal_id"];
const NOTES: &[&str] = &["notes", "note", "description", "备注", "说明", "描述"];

const ACCOUNT_OWN_ID: &[&str] = &[
    "id",
    "Record ID",
    "Account ID",
    "Organization - ID",
    "Company ID",
    "客户编号",
    "客户ID",
];
const ACCOUNT_NAME: &[&str] = &[
    "name",
    "Account Name",
    "Company Name",
    "Organization - Name",
    "Organization",
    "Company",
    "客户名称",
    "客户",
    "公司名称",
    "组织名称",
    "公司",
    "名称",
];
const ACCOUNT_KIND: &[&str] = &["kind", "客户类型", "类型"];
const INDUSTRY: &[&str] = &["industry", "Organization - Industry", "行业", "所属行业"];
const REGION: &[&str] = &[
    "region",
    "State/Region",
    "BillingState",
    "Territory",
    "BillingCountry",
    "Country",
    "地区",
    "区域",
    "所在地区",
    "省份",
];
const CHANNEL: &[&str] = &["channel", "Sales Channel", "渠道", "销售渠道"];
const PRODUCT_TIER: &[&str] = &["product_tier", "产品档次", "产品层级", "产品等级"];
const SATISFACTION: &[&str] = &[
    "satisfaction",
    "Customer Satisfaction",
    "满意度",
    "客户满意度",
];
const ACCOUNT_OWNER: &[&str] = &[
    "owner",
    "Account Owner",
    "Company owner",
    "Organization - Owner",
    "负责人",
    "客户负责人",
    "销售员",
    "销售",
    "所有者",
    "OwnerId",
];

/// The account a contact or deal belongs to, by name (or a full UUID).
const ACCOUNT: &[&str] = &[
    "account",
    "Account Name",
    "Organization",
    "Organization - Name",
    "Deal - Organization",
    "Person - Organization",
    "Company Name",
    "Associated Company",
    "Associated Company (Primary)",
    "Company",
    "Customer",
    "Related To",
    "客户名称",
    "客户",
    "公司名称",
    "组织名称",
    "公司",
    "所属客户",
];
/// The account by id: tierdeck's, or the CRM's record id of it.
const ACCOUNT_ID: &[&str] = &[
    "account_id",
    "Account ID",
    "Organization - ID",
    "Deal - Organization ID",
    "Person - Organization ID",
    "Company ID",
];

const CONTACT_OWN_ID: &[&str] = &["id", "Record ID", "Contact ID", "Person - ID", "联系人编号"];
const CONTACT_NAME: &[&str] = &[
    "name",
    "Person - Name",
    "Contact Name",
    "Full Name",
    "姓名",
    "联系人",
    "联系人姓名",
];
const FIRST_NAME: &[&str] = &["First Name", "Person - First name", "名"];
const LAST_NAME: &[&str] = &["Last Name", "Person - Last name", "姓"];
const JOB_TITLE: &[&str] = &[
    "title",
    "Job Title",
    "Person - Job title",
    "职位",
    "职务",
    "头衔",
];
const PHONE: &[&str] = &[
    "phone",
    "Phone Number",
    "Mobile Phone",
    "Mobile Phone Number",
    "Mobile",
    "Person - Phone",
    "MobilePhone",
    "电话",
    "手机",
    "手机号",
    "联系电话",
];
const EMAIL: &[&str] = &[
    "email",
    "E-mail",
    "Email Address",
    "Person - Email",
    "邮箱",
    "电子邮件",
    "电子邮箱",
];
const OTHER: &[&str] = &["other", "WeChat", "微信", "其他联系方式", "其他"];

const DEAL_OWN_ID: &[&str] = &[
    "id",
    "Record ID",
    "Deal - ID",
    "Deal ID",
    "Opportunity ID",
    "商机编号",
    "编号",
];
const DEAL_TITLE: &[&str] = &[
    "title",
    "Deal - Title",
    "Deal Name",
    "Opportunity Name",
    "Potential Name",
    "Deal",
    "Opportunity",
    "Name",
    "商机名称",
    "商机",
    "销售机会名称",
    "销售机会",
    "项目名称",
    // A sheet that names no deal names what is sold.
    "Product",
    "产品",
];
const AMOUNT: &[&str] = &[
    "amount",
    "Deal - Value",
    "Value",
    "close_value",
    "Deal Value",
    "Expected Revenue",
    "金额",
    "商机金额",
    "预计金额",
    "预期收益",
    "合同金额",
];
/// Pipedrive's and HubSpot's exports, and tierdeck's own.
const CURRENCY: &[&str] = &[
    "currency",
    "Deal - Currency",
    "Deal Currency Code",
    "Currency Code",
    "CurrencyIsoCode",
    "货币",
    "币种",
    "币别",
];
/// Exact minor units, written by tierdeck's export; wins over `amount`.
const AMOUNT_MINOR: &[&str] = &["amount_minor"];
const STAGE: &[&str] = &[
    "stage",
    "Deal - Stage",
    "Deal Stage",
    "StageName",
    "Sales Stage",
    "Pipeline Stage",
    "阶段",
    "销售阶段",
    "商机阶段",
];
/// Open, won or lost (Pipedrive's `Deal - Status`).
const STATUS: &[&str] = &["status", "Deal - Status", "Deal Status", "状态", "商机状态"];
/// Salesforce's `IsWon` and `IsClosed`.
const IS_WON: &[&str] = &["is_won"];
const IS_CLOSED: &[&str] = &["is_closed"];
const NEED: &[&str] = &["need", "需求", "需求类型", "客户需求"];
const EXPECTED_CLOSE: &[&str] = &[
    "expected_close",
    "Deal - Expected close date",
    "Expected Close Date",
    "Close Date",
    "Closing Date",
    "Expected Closing",
    "预计成交日期",
    "预计成交时间",
    "预计签单日期",
    "预计关闭日期",
    "预期结束",
];
const GRADE: &[&str] = &["grade", "等级", "商机等级", "评级"];
const PIN_GRADE: &[&str] = &["pin_grade"];
const PIN_REASON: &[&str] = &["pin_reason"];
const DEAL_OWNER: &[&str] = &[
    "owner",
    "Deal - Owner",
    "Deal Owner",
    "Opportunity Owner",
    "Sales Agent",
    "Salesperson",
    "Owner",
    "负责人",
    "销售员",
    "销售",
    "销售负责人",
    "所有者",
    "OwnerId",
];
const CREATED_ON: &[&str] = &[
    "created_on",
    "Deal - Deal created",
    "Create Date",
    "Created Date",
    "Created Time",
    "Engage Date",
    "创建日期",
    "创建时间",
];
const STAGE_ENTERED_ON: &[&str] = &[
    "stage_entered_on",
    "Deal - Last stage change",
    "进入阶段日期",
];
const CLOSED_ON: &[&str] = &[
    "closed_on",
    "Deal - Deal closed on",
    "Closed Date",
    "成交日期",
    "关闭日期",
];
const WON_TIME: &[&str] = &["won_on", "Deal - Won time", "Won Time", "赢单时间"];
const LOST_TIME: &[&str] = &["lost_on", "Deal - Lost time", "Lost Time", "输单时间"];
/// A deal's contact person by name; an export names it by `contact_id`.
const DEAL_CONTACT: &[&str] = &[
    "contact",
    "Deal - Contact person",
    "Contact person",
    "Associated Contact",
    "Contact Name",
    "联系人",
    "联系人姓名",
];
const DEAL_CONTACT_ID: &[&str] = &["contact_id", "Contact ID", "Deal - Contact person ID"];
const DEAL_SOURCE: &[&str] = &[
    "source",
    "Deal - Source",
    "Lead Source",
    "Source",
    "来源",
    "商机来源",
    "线索来源",
];
const NEXT_STEP: &[&str] = &[
    "next_step",
    "Next Step",
    "Deal - Next step",
    "下一步",
    "下一步计划",
];

const LOST_REASON: &[&str] = &[
    "lost_reason",
    "Deal - Lost reason",
    "Closed Lost Reason",
    "Loss Reason",
    "输单原因",
    "丢单原因",
];

const ACTIVITY_KIND: &[&str] = &[
    "kind",
    "Type",
    "TaskSubtype",
    "Activity Type",
    "Activity - Type",
    "类型",
    "跟进方式",
    "跟进类型",
    "活动类型",
];
const AT: &[&str] = &[
    "at",
    "Activity Date",
    "Date",
    "Due Date",
    "Activity - Due date",
    "Time",
    "日期",
    "时间",
    "跟进时间",
    "跟进日期",
];
/// When the row was made: the activity's day when its own is empty.
const AT_MADE: &[&str] = &["created", "CreatedDate", "Create Date", "创建时间"];
const SUMMARY: &[&str] = &[
    "summary",
    "Subject",
    "Activity - Subject",
    "Note",
    "Activity - Note",
    "Content",
    "内容",
    "跟进内容",
    "摘要",
    "主题",
];
/// More words beside the summary: Salesforce's `Description` of a task.
const ACTIVITY_DETAIL: &[&str] = &["detail", "Description", "Notes", "备注", "描述"];
const AUTHOR: &[&str] = &[
    "author",
    "Activity - Assigned to user",
    "Assigned To",
    "Activity Owner",
    "Owner",
    "记录人",
    "跟进人",
    "作者",
    "负责人",
    "OwnerId",
];
const ACTIVITY_DEAL: &[&str] = &[
    "deal",
    "Deal - Title",
    "Activity - Deal",
    "Deal Name",
    "Deal Title",
    "Opportunity Name",
    "商机",
    "商机名称",
];
const ACTIVITY_ACCOUNT: &[&str] = &[
    "account",
    "Account Name",
    "Organization",
    "Activity - Organization",
    "Organization - Name",
    "Company",
    "Company Name",
    "客户",
    "客户名称",
];
/// What a task is about, by the CRM's id: a deal or an account.
const RELATED_ID: &[&str] = &["related_id", "WhatId", "Related To ID"];
/// Who a task was with, by the CRM's id.
const WHO_ID: &[&str] = &["who_id", "WhoId", "Contact ID"];
/// Whether a task is done: one still to do is a planned follow-up.
const DONE: &[&str] = &["done", "Status", "Activity - Done", "状态"];

/// Words other than tierdeck's own, from the zh-CN labels and other CRMs.
const ACCOUNT_KIND_WORDS: &[(&str, AccountKind)] = &[
    ("企业", AccountKind::Enterprise),
    ("公司", AccountKind::Enterprise),
    ("个人", AccountKind::Individual),
    ("批发", AccountKind::Wholesale),
    ("批发商", AccountKind::Wholesale),
    ("经销商", AccountKind::Wholesale),
    ("批发/经销商", AccountKind::Wholesale),
    ("distributor", AccountKind::Wholesale),
    ("reseller", AccountKind::Wholesale),
];
const NEED_WORDS: &[(&str, Need)] = &[
    ("有明确需求", Need::Explicit),
    ("明确需求", Need::Explicit),
    ("明确", Need::Explicit),
    ("潜在需求", Need::Potential),
    ("潜在", Need::Potential),
    ("无需求", Need::None),
    ("无", Need::None),
];
const PRODUCT_TIER_WORDS: &[(&str, ProductTier)] = &[
    ("高", ProductTier::High),
    ("高端", ProductTier::High),
    ("中", ProductTier::Mid),
    ("中端", ProductTier::Mid),
    ("medium", ProductTier::Mid),
    ("低", ProductTier::Low),
    ("低端", ProductTier::Low),
];
const SATISFACTION_WORDS: &[(&str, Satisfaction)] = &[
    ("满意", Satisfaction::Satisfied),
    ("一般", Satisfaction::Neutral),
    ("不满意", Satisfaction::Dissatisfied),
    ("未知", Satisfaction::Unknown),
];
const ACTIVITY_KIND_WORDS: &[(&str, ActivityKind)] = &[
    ("电话", ActivityKind::Call),
    ("拜访", ActivityKind::Visit),
    ("上门拜访", ActivityKind::Visit),
    ("邮件", ActivityKind::Email),
    ("会议", ActivityKind::Meeting),
    ("消息", ActivityKind::Message),
    ("微信", ActivityKind::Message),
    ("备注", ActivityKind::Note),
    ("笔记", ActivityKind::Note),
    // Salesforce's task types and subtypes.
    ("task", ActivityKind::Note),
    ("other", ActivityKind::Note),
    ("to do", ActivityKind::Note),
    ("listemail", ActivityKind::Email),
    ("lunch", ActivityKind::Meeting),
    ("event", ActivityKind::Meeting),
];
/// Pipedrive's `Deal - Status` and Chinese CRMs' 状态; `None` is open.
const STATUS_WORDS: &[(&str, Option<&str>)] = &[
    ("open", None),
    ("进行中", None),
    ("跟进中", None),
    ("won", Some(WON)),
    ("赢单", Some(WON)),
    ("成交", Some(WON)),
    ("已成交", Some(WON)),
    ("lost", Some(LOST)),
    ("输单", Some(LOST)),
    ("丢单", Some(LOST)),
];
const DONE_WORDS: &[(&str, bool)] = &[
    ("completed", true),
    ("done", true),
    ("closed", true),
    ("完成", true),
    ("已完成", true),
    ("not started", false),
    ("in progress", false),
    ("open", false),
    ("waiting on someone else", false),
    ("deferred", false),
    ("to do", false),
    ("未开始", false),
    ("进行中", false),
    ("未完成", false),
];

/// The row metadata of an export. A file has all five columns or its rows
/// have no metadata; a partial set is not an export's and is ignored.
struct MetaColumns {
    created_at: Column,
    updated_at: Column,
    updated_by: Column,
    version: Column,
    deleted_at: Column,
}

const META: [&[&str]; 5] = [
    &["created_at"],
    &["updated_at"],
    &["updated_by"],
    &["version"],
    &["deleted_at"],
];

impl MetaColumns {
    fn find(sheet: &mut Sheet) -> Option<Self> {
        let [created_at, updated_at, updated_by, version, deleted_at] =
            META.map(|names| sheet.find(names));
        Some(MetaColumns {
            created_at: created_at?,
            updated_at: updated_at?,
            updated_by: updated_by?,
            version: version?,
            deleted_at: deleted_at?,
        })
    }

    fn require(sheet: &mut Sheet) -> Self {
        let [created_at, updated_at, updated_by, version, deleted_at] =
            META.map(|names| sheet.require(names));
        MetaColumns {
            created_at,
            updated_at,
            updated_by,
            version,
            deleted_at,
        }
    }

    fn read(&self, row: &Row) -> Result<RowMeta, ImportError> {
        Ok(RowMeta {
            created_at: row.required_datetime(&self.created_at)?,
            updated_at: row.required_datetime(&self.updated_at)?,
            updated_by: row.exact(&self.updated_by),
            version: row.parse_required(&self.version, |cell| {
                cell.parse::<i64>()
                    .map_err(|_| CellProblem::NotAVersion(cell.to_string()))
            })?,
            deleted_at: row.datetime(Some(&self.deleted_at))?,
        })
    }
}

/// Reads every row, keeping the ones that cannot be read with their reasons.
fn each_row<T>(
    sheet: &Sheet,
    read: impl Fn(&Row) -> Result<T, ImportError>,
) -> (Vec<Line<T>>, Vec<ImportError>) {
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for row in sheet.rows() {
        match read(&row) {
            Ok(record) => lines.push(Line {
                line: row.line,
                record,
            }),
            Err(e) => bad.push(e),
        }
    }
    (lines, bad)
}

pub fn read_accounts(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<AccountRecord>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let source_id = sheet.find(SOURCE_ID);
    let id = sheet.find(ACCOUNT_OWN_ID);
    let name = sheet.require(ACCOUNT_NAME);
    let kind = sheet.find(ACCOUNT_KIND);
    let industry = sheet.find(INDUSTRY);
    let region = sheet.find(REGION);
    let channel = sheet.find(CHANNEL);
    let product_tier = sheet.find(PRODUCT_TIER);
    let satisfaction = sheet.find(SATISFACTION);
    let owner = sheet.find(ACCOUNT_OWNER);
    let notes = sheet.find(NOTES);
    let meta = MetaColumns::find(&mut sheet);
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        let (id, source_id) = row.ids(id.as_ref(), source_id.as_ref());
        Ok(AccountRecord {
            id,
            source_id,
            name: row.required(&name)?,
            kind: row.parse(kind.as_ref(), |s| word(s, ACCOUNT_KIND_WORDS))?,
            industry: row.cell(industry.as_ref()),
            region: row.cell(region.as_ref()),
            channel: row.cell(channel.as_ref()),
            product_tier: row.parse(product_tier.as_ref(), |s| word(s, PRODUCT_TIER_WORDS))?,
            satisfaction: row.parse(satisfaction.as_ref(), |s| word(s, SATISFACTION_WORDS))?,
            owner: row.cell(owner.as_ref()),
            notes: row.free_text(notes.as_ref()),
            meta: meta.as_ref().map(|m| m.read(row)).transpose()?,
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

/// A contact's name: one column, or first and last names (HubSpot,
/// Salesforce) joined with a space.
enum ContactName {
    Full(Column),
    Parts(Option<Column>, Option<Column>),
}

impl ContactName {
    fn read(&self, row: &Row) -> Result<String, ImportError> {
        match self {
            ContactName::Full(column) => row.required(column),
            ContactName::Parts(first, last) => {
                let parts = [row.cell(first.as_ref()), row.cell(last.as_ref())];
                let name = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
                if name.is_empty() {
                    return Err(row.fail(ImportProblem::NoName));
                }
                Ok(name)
            }
        }
    }
}

/// The columns that name a row's account: tierdeck's or the CRM's id, and
/// the name (with Zoho's `.id` column beside it).
struct AccountColumns {
    id: Option<Column>,
    name: Option<Column>,
}

impl AccountColumns {
    fn find(sheet: &mut Sheet, names: &[&'static str]) -> Self {
        let name = sheet.find(names);
        let id = sheet
            .id_of(name.as_ref(), "account_id")
            .or_else(|| sheet.find(ACCOUNT_ID));
        AccountColumns { id, name }
    }

    fn any(&self) -> bool {
        self.id.is_some() || self.name.is_some()
    }

    fn read(&self, row: &Row) -> Option<super::AccountRef> {
        row.account(self.id.as_ref(), self.name.as_ref())
    }
}

pub fn read_contacts(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<ContactRecord>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let source_id = sheet.find(SOURCE_ID);
    let id = sheet.find(CONTACT_OWN_ID);
    let account = AccountColumns::find(&mut sheet, ACCOUNT);
    let name = match (
        sheet.find(CONTACT_NAME),
        sheet.find(FIRST_NAME),
        sheet.find(LAST_NAME),
    ) {
        (Some(full), ..) => ContactName::Full(full),
        (None, None, None) => {
            sheet.lack(missing(CONTACT_NAME));
            ContactName::Parts(None, None)
        }
        (None, first, last) => ContactName::Parts(first, last),
    };
    let title = sheet.find(JOB_TITLE);
    let phone = sheet.find(PHONE);
    let email = sheet.find(EMAIL);
    let other = sheet.find(OTHER);
    let notes = sheet.find(NOTES);
    let meta = MetaColumns::find(&mut sheet);
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        let (id, source_id) = row.ids(id.as_ref(), source_id.as_ref());
        Ok(ContactRecord {
            id,
            source_id,
            account: account.read(row),
            name: name.read(row)?,
            title: row.cell(title.as_ref()),
            phone: row.cell(phone.as_ref()),
            email: row.cell(email.as_ref()),
            other: row.cell(other.as_ref()),
            notes: row.free_text(notes.as_ref()),
            meta: meta.as_ref().map(|m| m.read(row)).transpose()?,
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

fn no_account(row: &Row) -> ImportError {
    row.fail(ImportProblem::NoAccount)
}

/// Open (`None`), won or lost, from a status column or from Salesforce's
/// `IsClosed` and `IsWon`.
struct Outcome {
    status: Option<Column>,
    is_won: Option<Column>,
    is_closed: Option<Column>,
}

impl Outcome {
    fn read(&self, row: &Row) -> Result<Option<Option<&'static str>>, ImportError> {
        if let Some(status) = row.parse(self.status.as_ref(), |s| {
            STATUS_WORDS
                .iter()
                .find(|(word, _)| word.eq_ignore_ascii_case(s))
                .map(|(_, outcome)| *outcome)
                .ok_or_else(|| UnknownValue {
                    what: "status",
                    given: s.to_string(),
                    allowed: "open, won, lost".to_string(),
                })
        })? {
            return Ok(Some(status));
        }
        let won = row.parse(self.is_won.as_ref(), yes_no)?;
        let closed = row.parse(self.is_closed.as_ref(), yes_no)?;
        Ok(match (closed, won) {
            (Some(false), _) => Some(None),
            (_, Some(true)) => Some(Some(WON)),
            (Some(true), _) => Some(Some(LOST)),
            (None, Some(false)) | (None, None) => None,
        })
    }
}

/// Reads deals; `stages` are the database's `(id, English label, Chinese
/// label)`, and a stage cell may be any of them, in any case, a default
/// stage of another CRM, or a value `--stage-map` gives.
pub fn read_deals(
    r: impl Read,
    stages: &[(&str, &str, &str)],
    options: &ImportOptions,
) -> Result<Sheetful<DealRecord>, ImportError> {
    let stages = Stages::new(stages, &options.stage_map)?;
    let mut sheet = Sheet::open(r, options)?;
    let source_id = sheet.find(SOURCE_ID);
    let id = sheet.find(DEAL_OWN_ID);
    let account = AccountColumns::find(&mut sheet, ACCOUNT);
    if !account.any() {
        sheet.lack(missing(ACCOUNT));
    }
    let title = sheet.require(DEAL_TITLE);
    let amount = sheet.find(AMOUNT);
    let amount_minor = sheet.find(AMOUNT_MINOR);
    let currency = sheet.find(CURRENCY);
    let stage = sheet.find(STAGE);
    let outcome = Outcome {
        status: sheet.find(STATUS),
        is_won: sheet.find(IS_WON),
        is_closed: sheet.find(IS_CLOSED),
    };
    let need = sheet.find(NEED);
    let expected_close = sheet.find_date(EXPECTED_CLOSE);
    let grade = sheet.find(GRADE);
    let pin_grade = sheet.find(PIN_GRADE);
    let pin_reason = sheet.find(PIN_REASON);
    let owner = sheet.find(DEAL_OWNER);
    let created_on = sheet.find_date(CREATED_ON);
    let stage_entered_on = sheet.find_date(STAGE_ENTERED_ON);
    let closed_on = sheet.find_date(CLOSED_ON);
    let won_on = sheet.find_date(WON_TIME);
    let lost_on = sheet.find_date(LOST_TIME);
    let lost_reason = sheet.find(LOST_REASON);
    let contact = sheet.find(DEAL_CONTACT);
    let contact_id = sheet
        .id_of(contact.as_ref(), "contact_id")
        .or_else(|| sheet.find(DEAL_CONTACT_ID));
    let source = sheet.find(DEAL_SOURCE);
    let next_step = sheet.find(NEXT_STEP);
    let notes = sheet.find(NOTES);
    let meta = MetaColumns::find(&mut sheet);
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        let (id, source_id) = row.ids(id.as_ref(), source_id.as_ref());
        let given = row.parse(currency.as_ref(), str::parse::<Currency>)?;
        let (amount, currency) = match row.parse(amount_minor.as_ref(), minor_units)? {
            Some(exact) => (Some(exact), given),
            // The currency column and the amount's own sign must agree.
            None => match row.parse(amount.as_ref(), |cell| {
                parse_amount_in(&without_float_noise(cell), given)
            })? {
                Some(a) => (Some(a.money), a.currency),
                None => (None, given),
            },
        };
        let pin = row
            .parse(pin_grade.as_ref(), str::parse::<Grade>)?
            .map(|grade| Pin {
                grade,
                reason: pin_reason
                    .as_ref()
                    .map(|c| row.exact(c))
                    .unwrap_or_default(),
            });
        let closed = outcome.read(row)?;
        let stage = match closed {
            Some(Some(outcome)) => Some(outcome.to_string()),
            Some(None) => match row.parse(stage.as_ref(), |s| stages.id(s))? {
                Some(s) if s == WON || s == LOST => {
                    let written = row.cell(stage.as_ref()).unwrap_or_default();
                    return Err(row.fail(ImportProblem::BadCell {
                        column: outcome
                            .status
                            .as_ref()
                            .or(outcome.is_closed.as_ref())
                            .map_or_else(String::new, |c| c.header.clone()),
                        problem: CellProblem::OpenButClosedStage(written),
                    }));
                }
                other => other,
            },
            None => row.parse(stage.as_ref(), |s| stages.id(s))?,
        };
        let expected = row.date(expected_close.as_ref())?;
        let closed_on = match stage.as_deref() {
            // A closed deal's close date is the day it closed, unless the
            // file says that day in a column of its own.
            Some(WON) => row
                .date(closed_on.as_ref())?
                .or(row.date(won_on.as_ref())?)
                .or(expected),
            Some(LOST) => row
                .date(closed_on.as_ref())?
                .or(row.date(lost_on.as_ref())?)
                .or(expected),
            _ => row.date(closed_on.as_ref())?,
        };
        Ok(DealRecord {
            id,
            source_id,
            account: account.read(row).ok_or_else(|| no_account(row))?,
            title: row.required(&title)?,
            amount,
            currency,
            stage,
            need: row.parse(need.as_ref(), |s| word(s, NEED_WORDS))?,
            expected_close: expected,
            grade: row.parse(grade.as_ref(), str::parse)?,
            pin,
            owner: row.cell(owner.as_ref()),
            created_on: row.date(created_on.as_ref())?,
            stage_entered_on: row.date(stage_entered_on.as_ref())?,
            closed_on,
            lost_reason: row.free_text(lost_reason.as_ref()),
            contact: row.contact(contact_id.as_ref(), contact.as_ref()),
            source: row.cell(source.as_ref()),
            next_step: row.free_text(next_step.as_ref()),
            notes: row.free_text(notes.as_ref()),
            meta: meta.as_ref().map(|m| m.read(row)).transpose()?,
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(stages.met()),
    })
}

fn minor_units(cell: &str) -> Result<Money, CellProblem> {
    cell.parse::<i64>()
        .ok()
        .filter(|minor| (0..=crate::parse::MAX_AMOUNT_MINOR).contains(minor))
        .map(Money)
        .ok_or_else(|| CellProblem::NotMinorUnits(cell.to_string()))
}

pub fn read_activities(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<ActivityRecord>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let id = sheet.find(ID);
    let deal_id = sheet.find(DEAL_ID);
    let related = sheet.find(RELATED_ID);
    let who = sheet.find(WHO_ID);
    let deal = sheet.find(ACTIVITY_DEAL);
    let account = AccountColumns::find(&mut sheet, ACTIVITY_ACCOUNT);
    if deal_id.is_none() && deal.is_none() && related.is_none() && who.is_none() && !account.any() {
        return Err(ImportError {
            line: 1,
            problem: ImportProblem::NoActivityColumn,
        });
    }
    let kind = sheet.find(ACTIVITY_KIND);
    let at = sheet.find_date(AT);
    let made = sheet.find_date(AT_MADE);
    if at.is_none() && made.is_none() {
        sheet.lack(missing(AT));
    }
    let subject = sheet.require(SUMMARY);
    let detail = sheet.find(ACTIVITY_DETAIL);
    let author = sheet.find(AUTHOR);
    let done = sheet.find(DONE);
    let created_at = sheet.find_date(&["created_at"]);
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        let account = account.read(row);
        let deal = match row.id(deal_id.as_ref())? {
            Some(id) => Some(DealRef::Id(id)),
            None => match row.source_ref(related.as_ref()) {
                Some(source) => Some(DealRef::Source(source)),
                None => row.cell(deal.as_ref()).map(|cell| match cell.parse() {
                    Ok(id) => DealRef::Id(id),
                    Err(_) => DealRef::Title {
                        title: cell,
                        account: account.clone(),
                    },
                }),
            },
        };
        let contact = row.contact(who.as_ref(), None);
        if deal.is_none() && account.is_none() && contact.is_none() {
            return Err(row.fail(ImportProblem::NoDealNorAccount));
        }
        let at = match row.datetime(at.as_ref())? {
            Some(at) => at,
            None => match row.datetime(made.as_ref())? {
                Some(at) => at,
                None => {
                    return Err(row.fail(ImportProblem::EmptyCell {
                        column: at
                            .as_ref()
                            .or(made.as_ref())
                            .map_or_else(String::new, |c| c.header.clone()),
                    }));
                }
            },
        };
        let mut summary = match detail.as_ref() {
            Some(_) => row.cell(Some(&subject)).unwrap_or_default(),
            None => row.exact(&subject),
        };
        if let Some(detail) = row.free_text(detail.as_ref()) {
            if !summary.is_empty() {
                summary.push('\n');
            }
            summary.push_str(&detail);
        }
        Ok(ActivityRecord {
            // A task's id in another CRM names no row here: imported again,
            // an activity is known by its moment, kind and words instead.
            id: row.id(id.as_ref()).ok().flatten(),
            deal,
            account,
            kind: row
                .parse(kind.as_ref(), |s| word(s, ACTIVITY_KIND_WORDS))?
                .unwrap_or(ActivityKind::Note),
            at,
            summary,
            author: row.cell(author.as_ref()),
            created_at: row.datetime(created_at.as_ref())?,
            contact,
            done: row
                .parse(done.as_ref(), |s| {
                    DONE_WORDS
                        .iter()
                        .find(|(word, _)| word.eq_ignore_ascii_case(s))
                        .map(|(_, done)| Ok(*done))
                        .unwrap_or_else(|| yes_no(s).map_err(|_| unknown_done(s)))
                })?
                .unwrap_or(true),
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

fn unknown_done(cell: &str) -> UnknownValue {
    UnknownValue {
        what: "task status",
        given: cell.to_string(),
        allowed: "completed, not started, in progress, done, to do".to_string(),
    }
}

/// Restores reminders from an export: every column is required.
pub fn read_reminders(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<Reminder>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let [
        id,
        deal_id,
        kind,
        due,
        status,
        about,
        created_on,
        closed_on,
        note,
    ] = [
        "id",
        "deal_id",
        "kind",
        "due",
        "status",
        "about",
        "created_on",
        "closed_on",
        "note",
    ]
    .map(|name| sheet.require(&[name]));
    let meta = MetaColumns::require(&mut sheet);
    // Older exports have no account column: every reminder was a deal's.
    let account_id = sheet.find(&["account_id"]);
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        let kind: ReminderKind = row.parse_required(&kind, str::parse)?;
        let (about, time) = if kind == ReminderKind::FollowUp {
            let time = |t: &str| {
                NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| ParseError::DateTime {
                    input: t.to_string(),
                    why: None,
                })
            };
            (None, row.parse(Some(&about), time)?)
        } else {
            (row.parse(Some(&about), parse_import_date)?, None)
        };
        Ok(Reminder {
            id: row.required_id(&id)?,
            deal_id: row.id(Some(&deal_id))?,
            account_id: row.id(account_id.as_ref())?,
            kind,
            due: row.parse_required(&due, parse_import_date)?,
            status: row.parse_required(&status, str::parse)?,
            about,
            time,
            created_on: row.parse_required(&created_on, parse_import_date)?,
            closed_on: row.parse(Some(&closed_on), parse_import_date)?,
            note: row.exact(&note),
            meta: meta.read(row)?,
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

/// Restores goals from an export: every column is required.
pub fn read_goals(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<GoalRecord>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let [id, owner, period, amount, currency, won_deals, activities] =
        super::GOAL_FIELDS.map(|name| sheet.require(&[name]));
    let meta = MetaColumns::require(&mut sheet);
    sheet.ready()?;
    let count = |column: &Column, row: &Row| {
        row.parse(Some(column), |cell| {
            cell.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| CellProblem::NotACount(cell.to_string()))
        })
    };
    let (lines, bad) = each_row(&sheet, |row| {
        Ok(GoalRecord {
            id: row.required_id(&id)?,
            owner: row.exact(&owner),
            period: row.required(&period)?,
            won_amount_minor: row.parse(Some(&amount), minor_units)?.map(Money::minor),
            currency: row.exact(&currency),
            won_deals: count(&won_deals, row)?,
            activities: count(&activities, row)?,
            meta: meta.read(row)?,
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

/// Restores history from an export: every column is required.
pub fn read_history(
    r: impl Read,
    options: &ImportOptions,
) -> Result<Sheetful<HistoryEntry>, ImportError> {
    let mut sheet = Sheet::open(r, options)?;
    let [id, deal_id, field, at, old, new, reason, author] = [
        "id", "deal_id", "field", "at", "old", "new", "reason", "author",
    ]
    .map(|name| sheet.require(&[name]));
    sheet.ready()?;
    let (lines, bad) = each_row(&sheet, |row| {
        Ok(HistoryEntry {
            id: row.required_id(&id)?,
            deal_id: row.required_id(&deal_id)?,
            field: row.parse_required(&field, str::parse)?,
            at: row.required_datetime(&at)?,
            old: row.exact(&old),
            new: row.exact(&new),
            reason: Reason::from_code(&row.exact(&reason)),
            author: row.exact(&author),
        })
    });
    Ok(Sheetful {
        lines,
        bad,
        plan: sheet.plan(Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::domain::Id;
    use crate::transfer::AccountRef;

    const STAGES: &[(&str, &str, &str)] = &[
        ("lead", "Lead", "潜在客户"),
        ("contacted", "Contacted", "初步接触"),
        ("needs", "Needs analysis", "需求分析"),
        ("proposal", "Proposal", "方案提供"),
        ("negotiation", "Follow-up & negotiation", "跟进谈判"),
        ("won", "Won", "成交"),
        ("lost", "Lost", "输单"),
    ];

    fn opts() -> ImportOptions {
        ImportOptions::default()
    }

    /// The rows, or the first row that could not be read.
    fn first_bad<T>(read: Result<Sheetful<T>, ImportError>) -> Result<Vec<Line<T>>, ImportError> {
        let read = read?;
        match read.bad.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(read.lines),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn deals(csv: &str) -> Vec<DealRecord> {
        first_bad(read_deals(csv.as_bytes(), STAGES, &opts()))
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|l| l.record)
            .collect()
    }

    fn name(s: &str) -> AccountRef {
        AccountRef::Name(s.to_string())
    }

    #[test]
    fn pipedrive_deal_exports_are_read_by_their_column_names() {
        let csv = "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Organization,Deal - Stage,Deal - Expected close date,Deal - Owner\n\
                   17,Fleet renewal,\"12,400.50\",CNY,Acme Ltd,Proposal,2026-10-01,Ann\n";
        let [deal] = deals(csv).try_into().unwrap();
        assert_eq!(deal.id, None);
        assert_eq!(deal.title, "Fleet renewal");
        assert_eq!(deal.account, name("Acme Ltd"));
        assert_eq!(deal.amount, Some(Money(1_240_050)));
        assert_eq!(deal.stage.as_deref(), Some("proposal"));
        assert_eq!(deal.expected_close, Some(d(2026, 10, 1)));
        assert_eq!(deal.owner.as_deref(), Some("Ann"));
        assert_eq!(deal.currency, Some(Currency::CNY));
    }

    #[test]
    fn each_deal_keeps_the_currency_of_its_column_or_of_its_amount_s_sign() {
        let code = |s: &str| Some(s.parse::<Currency>().unwrap());
        let pipedrive = "Deal - Title,Deal - Value,Deal - Currency,Organization\n\
                         A,\"12,500\",USD,Acme\n\
                         B,\"9.500,00\",eur,Acme\n\
                         C,8万,,Acme\n\
                         D,$5,,Acme\n\
                         E,,GBP,Acme\n";
        let found: Vec<(Option<Money>, Option<Currency>)> = deals(pipedrive)
            .into_iter()
            .map(|d| (d.amount, d.currency))
            .collect();
        assert_eq!(
            found,
            [
                (Some(Money(1_250_000)), code("USD")),
                (Some(Money(950_000)), code("EUR")),
                (Some(Money(8_000_000)), None),
                (Some(Money(500)), code("USD")),
                (None, code("GBP")),
            ]
        );
        let hubspot = "Deal Name,Amount,Currency,Associated Company\nA,100,JPY,Beta\n";
        assert_eq!(deals(hubspot)[0].currency, code("JPY"));
    }

    #[test]
    fn a_currency_column_that_disagrees_with_the_amount_s_sign_is_a_bad_row() {
        let csv = "title,account,amount,currency\nA,Acme,$5,EUR\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(
            err.contains("is in USD, but the currency given is EUR"),
            "{err}"
        );
        let csv = "title,account,amount,currency\nA,Acme,5,dollars\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("currency"), "{err}");
    }

    #[test]
    fn hubspot_deal_exports_map_closed_won_and_us_dates() {
        let csv = "Record ID,Deal Name,Amount,Close Date,Deal Stage,Deal owner,Associated Company\n\
                   991,Pilot,5000,10/01/2026 10:00,closedwon,Bo Li,Beta Inc\n\
                   992,Expansion,,13/01/2026,Closed Lost,,Beta Inc\n";
        let [pilot, expansion] = deals(csv).try_into().unwrap();
        // 13/01 shows the column is day first, so 10/01 is the 10th of January.
        assert_eq!(pilot.expected_close, Some(d(2026, 1, 10)));
        assert_eq!(pilot.stage.as_deref(), Some("won"));
        assert_eq!(pilot.amount, Some(Money(500_000)));
        assert_eq!(pilot.owner.as_deref(), Some("Bo Li"));
        assert_eq!(pilot.account, name("Beta Inc"));
        assert_eq!(expansion.expected_close, Some(d(2026, 1, 13)));
        assert_eq!(expansion.stage.as_deref(), Some("lost"));
        assert_eq!(expansion.amount, None);
        assert_eq!(expansion.owner, None);
    }

    #[test]
    fn zoho_and_salesforce_exports_are_read() {
        let zoho = "Deal Name,Account Name,Amount,Stage,Closing Date,Deal Owner\n\
                    Upgrade,Gamma GmbH,\"1.234,56\",Needs Analysis,01.10.2026,Cleo\n";
        let [deal] = deals(zoho).try_into().unwrap();
        assert_eq!(deal.account, name("Gamma GmbH"));
        assert_eq!(deal.amount, Some(Money(123_456)));
        assert_eq!(deal.stage.as_deref(), Some("needs"));
        assert_eq!(deal.expected_close, Some(d(2026, 10, 1)));

        let salesforce = "Opportunity Name,Account Name,Amount,Close Date,Stage\n\
                          Renewal,Delta Co,$99,\"Oct 1, 2026\",negotiation\n";
        let [deal] = deals(salesforce).try_into().unwrap();
        assert_eq!(deal.title, "Renewal");
        assert_eq!(deal.amount, Some(Money(9_900)));
        assert_eq!(deal.expected_close, Some(d(2026, 10, 1)));
        assert_eq!(deal.stage.as_deref(), Some("negotiation"));

        let accounts = first_bad(read_accounts(
            "Account Name,Account Type,Industry,Account Owner,Description\nGamma GmbH,Distributor,Retail,Cleo,\"two\nlines\"\n"
                .as_bytes(),
            &opts(),
        ))
        .unwrap();
        let account = &accounts[0].record;
        assert_eq!(account.name, "Gamma GmbH");
        // Zoho's account types (Customer, Prospect, Partner…) are no kind of tierdeck's.
        assert_eq!(account.kind, None);
        assert_eq!(account.industry.as_deref(), Some("Retail"));
        assert_eq!(account.owner.as_deref(), Some("Cleo"));
        assert_eq!(account.notes.as_deref(), Some("two\nlines"));
        assert_eq!(account.meta, None);
    }

    #[test]
    fn chinese_headers_and_values_are_read() {
        let csv = "商机名称,客户名称,金额,阶段,预计成交日期,负责人,需求\n\
                   华东项目,上海某某科技有限公司,\"¥12,400.00\",方案提供,2026年10月1日,王芳,有明确需求\n";
        let [deal] = deals(csv).try_into().unwrap();
        assert_eq!(deal.title, "华东项目");
        assert_eq!(deal.account, name("上海某某科技有限公司"));
        assert_eq!(deal.amount, Some(Money(1_240_000)));
        assert_eq!(deal.stage.as_deref(), Some("proposal"));
        assert_eq!(deal.expected_close, Some(d(2026, 10, 1)));
        assert_eq!(deal.owner.as_deref(), Some("王芳"));
        assert_eq!(deal.need, Some(Need::Explicit));

        let csv = "客户名称,客户类型,行业,地区,渠道,产品档次,满意度,负责人,备注\n\
                   某某批发,经销商,食品,华东,distributor,中,不满意,李雷,老客户\n";
        let account = first_bad(read_accounts(csv.as_bytes(), &opts()))
            .unwrap()
            .remove(0)
            .record;
        assert_eq!(account.name, "某某批发");
        assert_eq!(account.kind, Some(AccountKind::Wholesale));
        assert_eq!(account.industry.as_deref(), Some("食品"));
        assert_eq!(account.region.as_deref(), Some("华东"));
        assert_eq!(account.channel.as_deref(), Some("distributor"));
        assert_eq!(account.product_tier, Some(ProductTier::Mid));
        assert_eq!(account.satisfaction, Some(Satisfaction::Dissatisfied));
        assert_eq!(account.owner.as_deref(), Some("李雷"));
        assert_eq!(account.notes.as_deref(), Some("老客户"));
    }

    #[test]
    fn contacts_are_read_from_pipedrive_and_from_first_and_last_names() {
        let csv = "Person - Name,Person - Organization,Person - Email,Person - Phone\n\
                   Ann Lee,Acme Ltd,ann@acme.test,+1 555 0100\n";
        let contact = first_bad(read_contacts(csv.as_bytes(), &opts()))
            .unwrap()
            .remove(0)
            .record;
        assert_eq!(contact.name, "Ann Lee");
        assert_eq!(contact.account, Some(name("Acme Ltd")));
        assert_eq!(contact.email.as_deref(), Some("ann@acme.test"));
        assert_eq!(contact.phone.as_deref(), Some("+1 555 0100"));

        let csv = "First Name,Last Name,Email,Company Name,Job Title\nAnn,Lee,,Acme Ltd,CTO\n,Solo,,Acme Ltd,\n";
        let contacts = first_bad(read_contacts(csv.as_bytes(), &opts())).unwrap();
        assert_eq!(contacts[0].record.name, "Ann Lee");
        assert_eq!(contacts[0].record.title.as_deref(), Some("CTO"));
        assert_eq!(contacts[1].record.name, "Solo");

        let csv = "姓名,客户,职位,手机,微信\n张伟,某某公司,经理,13800000000,zw_88\n";
        let contact = first_bad(read_contacts(csv.as_bytes(), &opts()))
            .unwrap()
            .remove(0)
            .record;
        assert_eq!(contact.name, "张伟");
        assert_eq!(contact.account, Some(name("某某公司")));
        assert_eq!(contact.title.as_deref(), Some("经理"));
        assert_eq!(contact.phone.as_deref(), Some("13800000000"));
        assert_eq!(contact.other.as_deref(), Some("zw_88"));
    }

    #[test]
    fn activities_name_their_deal_by_title_with_the_rows_account() {
        let csv = "Activity - Type,Activity - Subject,Activity - Due date,Activity - Deal,Activity - Organization,Activity - Assigned to user\n\
                   Call,Discussed pricing,2026-10-01 09:30,Fleet renewal,Acme Ltd,Ann\n\
                   电话,回访,2026年10月2日,,Acme Ltd,\n";
        let lines = first_bad(read_activities(csv.as_bytes(), &opts())).unwrap();
        let first = &lines[0].record;
        assert_eq!(first.kind, ActivityKind::Call);
        assert_eq!(first.summary, "Discussed pricing");
        assert_eq!(
            first.at,
            Utc.with_ymd_and_hms(2026, 10, 1, 9, 30, 0).unwrap()
        );
        assert_eq!(
            first.deal,
            Some(DealRef::Title {
                title: "Fleet renewal".to_string(),
                account: Some(name("Acme Ltd")),
            })
        );
        assert_eq!(first.author.as_deref(), Some("Ann"));
        let second = &lines[1].record;
        assert_eq!(second.kind, ActivityKind::Call);
        assert_eq!(second.deal, None);
        assert_eq!(second.account, Some(name("Acme Ltd")));
        assert_eq!(lines[1].line, 3);

        let err = first_bad(read_activities(
            "kind,at,summary,account\ncall,2026-10-01,hi,\n".as_bytes(),
            &opts(),
        ))
        .unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.problem.to_string().contains("no deal and no account"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_row_is_reported_with_its_line_and_column() {
        let csv = "title,account,Amount\nA,Acme,1\n\"B\nsecond line\",Acme,2\nC,Acme,12..5\nD,Acme,oops\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 5: column `Amount`: not an amount: `12..5`; use digits with up to two decimals, like 1200.50, $12,500, €9.500,00 or 8万"
        );

        let csv = "title,account,stage,expected_close\nA,Acme,Closing,2026-10-01\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: column `stage`: unknown stage `Closing`; use one of: lead, contacted, needs, proposal, negotiation, won, lost"
        );

        let csv = "title,account,expected_close\nA,Acme,2026-02-30\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).unwrap_err();
        assert!(err.to_string().starts_with("line 2: column `expected_close`: not a date: `2026-02-30` (February 2026 has 28 days)"), "{err}");

        let csv = "name,kind\nAcme,Customer\n";
        let err = first_bad(read_accounts(csv.as_bytes(), &opts())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: column `kind`: unknown account kind `Customer`; use one of: enterprise, individual, wholesale"
        );

        let csv = "title,account\n,Acme\n";
        let err = first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).unwrap_err();
        assert_eq!(err.to_string(), "line 2: column `title` is empty");

        // Another CRM's record number is its id, never a mistake.
        let csv = "ID,name\n42,Acme\n";
        let accounts = first_bad(read_accounts(csv.as_bytes(), &opts())).unwrap();
        assert_eq!(accounts[0].record.id, None);
        assert_eq!(accounts[0].record.source_id.as_deref(), Some("42"));
    }

    #[test]
    fn a_file_without_a_required_column_names_it() {
        let err = first_bad(read_accounts(
            "industry,region\nRetail,East\n".as_bytes(),
            &opts(),
        ))
        .unwrap_err();
        assert_eq!(err.line, 1);
        assert!(
            err.problem
                .to_string()
                .starts_with("missing column `name` (also read as: Account Name"),
            "{err}"
        );
        let err = first_bad(read_deals(
            "title,amount\nA,1\n".as_bytes(),
            STAGES,
            &opts(),
        ))
        .unwrap_err();
        assert!(
            err.problem
                .to_string()
                .starts_with("missing column `account`"),
            "{err}"
        );
        let err = first_bad(read_deals("".as_bytes(), STAGES, &opts())).unwrap_err();
        assert!(
            err.problem
                .to_string()
                .starts_with("missing column `account`"),
            "{err}"
        );
        let err = first_bad(read_reminders("id,deal_id\n".as_bytes(), &opts())).unwrap_err();
        assert_eq!(err.problem.to_string(), "missing column `kind`");
    }

    #[test]
    fn headers_match_regardless_of_case_spacing_and_a_byte_order_mark() {
        let csv = "\u{feff}  TITLE , Account ,Expected   Close,Unrelated\nA,Acme,2026-10-01,x\n";
        let [deal] = deals(csv).try_into().unwrap();
        assert_eq!(deal.title, "A");
        assert_eq!(deal.expected_close, Some(d(2026, 10, 1)));

        let csv = "\u{feff}name\nAcme\n";
        assert_eq!(
            first_bad(read_accounts(csv.as_bytes(), &opts())).unwrap()[0]
                .record
                .name,
            "Acme"
        );
    }

    #[test]
    fn exact_minor_units_win_over_the_amount_in_major_units() {
        let csv = "title,account,amount,amount_minor\nA,Acme,0.10,12345\nB,Acme,7,\n";
        let deals = deals(csv);
        assert_eq!(deals[0].amount, Some(Money(12_345)));
        assert_eq!(deals[1].amount, Some(Money(700)));
        let csv = "title,account,amount_minor\nA,Acme,-1\n";
        assert!(first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).is_err());
        let csv = format!(
            "title,account,amount_minor\nA,Acme,{}\n",
            crate::parse::MAX_AMOUNT_MINOR + 1
        );
        assert!(first_bad(read_deals(csv.as_bytes(), STAGES, &opts())).is_err());
    }

    #[test]
    fn an_account_cell_holding_a_full_uuid_is_an_id() {
        let id = Id::new();
        let csv = format!("title,account\nA,{id}\nB,{}\n", id.short());
        let deals = deals(&csv);
        assert_eq!(deals[0].account, AccountRef::Id(id));
        assert_eq!(deals[1].account, name(&id.short()));
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_with_advice() {
        // "客户" in GBK, as Excel on a Chinese Windows saves CSV by default.
        let err = first_bad(read_accounts(&b"name\n\xbf\xcd\xbb\xa7\n"[..], &opts())).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.problem.to_string().contains("save it as \"CSV UTF-8\""),
            "{err}"
        );
    }

    proptest::proptest! {
        #[test]
        fn no_file_makes_a_reader_panic(
            header in proptest::sample::select(vec![
                "name,kind,region\n",
                "Deal Name,Company Name,Amount,Close Date,Deal Stage\n",
                "deal_id,kind,at,summary\n",
                "",
            ]),
            body in "[a-zA-Z0-9 ,.:/\"\n¥年月日-]{0,300}",
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
        ) {
            let mut bytes = header.as_bytes().to_vec();
            bytes.extend(body.as_bytes());
            bytes.extend(noise);
            let stages = [("lead", "Lead", "潜在客户"), ("won", "Won", "成交"), ("lost", "Lost", "输单")];
            let _ = first_bad(read_accounts(bytes.as_slice(), &opts()));
            let _ = first_bad(read_contacts(bytes.as_slice(), &opts()));
            let _ = first_bad(read_deals(bytes.as_slice(), &stages, &opts()));
            let _ = first_bad(read_activities(bytes.as_slice(), &opts()));
            let _ = first_bad(read_reminders(bytes.as_slice(), &opts()));
            let _ = first_bad(read_history(bytes.as_slice(), &opts()));
        }
    }
}
