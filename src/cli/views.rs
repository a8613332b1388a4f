use clap::Args;
use serde::Serialize;

use super::segments::SegmentArgs;
use super::{CliResult, Context, vocab};
use crate::domain::{Grade, Need};
use crate::output::{Format, Table};
use crate::store::{DealDetail, DealFilter, DealRow, DealSort, GradeChangeRow, Table as Ids};

#[derive(Debug, Args)]
pub struct FormatArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_parser = vocab::<Grade>)]
    grade: Option<Grade>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    slipped: bool,
    #[command(flatten)]
    segments: SegmentArgs,
    #[arg(long, value_parser = super::plain_values::<DealSort>(), default_value = "grade")]
    sort: DealSort,
    #[command(flatten)]
    order: OrderArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The direction and length of a sorted list, the same on every list.
#[derive(Debug, Args)]
pub struct OrderArgs {
    #[arg(long)]
    pub desc: bool,
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    id: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// A deal as JSON shows it; the keys are a contract (SPEC §6).
#[derive(Debug, Serialize)]
pub struct DealJson {
    id: String,
    title: String,
    account: String,
    account_id: String,
    stage: String,
    grade: Grade,
    slipped: bool,
    stale: bool,
    pinned: bool,
    pin_reason: Option<String>,
    need: Need,
    expected_close: Option<String>,
    amount_minor: i64,
    amount: String,
    currency: String,
    owner: String,
    next_revisit: Option<String>,
    last_activity: Option<String>,
    last_touch: Option<String>,
    created_on: String,
    closed_on: Option<String>,
    lost_reason: Option<String>,
    version: i64,
}

impl super::Record for DealJson {
    const KEYS: &'static [&'static str] = &[
        "id",
        "title",
        "account",
        "account_id",
        "stage",
        "grade",
        "slipped",
        "stale",
        "pinned",
        "pin_reason",
        "need",
        "expected_close",
        "amount_minor",
        "amount",
        "currency",
        "owner",
        "next_revisit",
        "last_activity",
        "last_touch",
        "created_on",
        "closed_on",
        "lost_reason",
        "version",
    ];
}

impl DealJson {
    pub fn new(row: &DealRow) -> Self {
        let d = &row.deal;
        DealJson {
            id: d.id.to_string(),
            title: d.title.clone(),
            account: row.account.clone(),
            account_id: d.account_id.to_string(),
            stage: d.stage.clone(),
            grade: d.grade,
            slipped: row.slipped,
            stale: row.stale,
            pinned: d.pin.is_some(),
            pin_reason: d.pin.as_ref().map(|p| p.reason.clone()),
            need: d.need,
            expected_close: d.expected_close.map(|c| c.to_string()),
            amount_minor: d.amount.minor(),
            amount: d.amount.to_string(),
            currency: d.currency.to_string(),
            owner: d.owner.clone(),
            next_revisit: row.next_revisit.map(|c| c.to_string()),
            last_activity: row.last_activity.map(|c| c.to_string()),
            last_touch: row.last_touch.map(|c| c.to_string()),
            created_on: d.created_on.to_string(),
            closed_on: d.closed_on.map(|c| c.to_string()),
            lost_reason: d.lost_reason.clone(),
            version: d.meta.version,
        }
    }
}

#[derive(Debug, Serialize)]
struct ShowJson {
    #[serde(flatten)]
    deal: DealJson,
    /// The contact person's name, `null` for none.
    contact: Option<String>,
    contact_id: Option<String>,
    source: String,
    next_step: String,
    notes: String,
    /// The activities that stand; corrected or retracted ones are in `corrections`.
    activities: Vec<ActivityJson>,
    corrections: Vec<CorrectionJson>,
    history: Vec<HistoryJson>,
    /// Every other field people changed, from the change log.
    changes: Vec<FieldChangeJson>,
    reminders: Vec<ReminderJson>,
}

#[derive(Debug, Serialize)]
struct FieldChangeJson {
    field: String,
    at: String,
    from: serde_json::Value,
    to: serde_json::Value,
    author: String,
}

#[derive(Debug, Serialize)]
struct ActivityJson {
    id: String,
    kind: String,
    at: String,
    summary: String,
    author: String,
}

#[derive(Debug, Serialize)]
struct CorrectionJson {
    /// The row that replaced the original.
    id: String,
    /// The original, as it was logged.
    original: ActivityJson,
    retracted: bool,
    /// Why it was taken back.
    reason: Option<String>,
    at: String,
    author: String,
}

impl From<&crate::domain::Activity> for ActivityJson {
    fn from(a: &crate::domain::Activity) -> Self {
        ActivityJson {
            id: a.id.to_string(),
            kind: a.kind.to_string(),
            at: a.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            summary: a.summary.clone(),
            author: a.author.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct HistoryJson {
    id: String,
    field: String,
    at: String,
    from: String,
    to: String,
    reason: String,
    author: String,
}

#[derive(Debug, Serialize)]
pub struct ReminderJson {
    pub id: String,
    /// `null` for an account's own reminder.
    pub deal_id: Option<String>,
    pub account_id: Option<String>,
    pub kind: String,
    pub due: String,
    /// The time of day a follow-up was planned for.
    pub time: Option<String>,
    pub status: String,
    pub about: Option<String>,
    pub created_on: String,
    pub closed_on: Option<String>,
    pub note: String,
}

impl From<&crate::domain::Reminder> for ReminderJson {
    fn from(r: &crate::domain::Reminder) -> Self {
        ReminderJson {
            id: r.id.to_string(),
            deal_id: r.deal_id.map(|d| d.to_string()),
            account_id: r.account_id.map(|a| a.to_string()),
            kind: r.kind.to_string(),
            due: r.due.to_string(),
            time: r.time.map(|t| t.format("%H:%M").to_string()),
            status: r.status.to_string(),
            about: r.about.map(|d| d.to_string()),
            created_on: r.created_on.to_string(),
            closed_on: r.closed_on.map(|d| d.to_string()),
            note: r.note.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct ChangeJson {
    deal_id: String,
    title: String,
    from: Grade,
    to: Grade,
    reason: String,
}

impl super::Record for ChangeJson {
    const KEYS: &'static [&'static str] = &["deal_id", "title", "from", "to", "reason"];
}

pub fn list(ctx: &Context, args: ListArgs) -> CliResult {
    let filter = DealFilter {
        grade: args.grade,
        stage: args.stage,
        owner: args.owner,
        slipped_only: args.slipped,
        query: args.segments.query(ctx)?,
        sort: args.sort,
        descending: args.order.desc,
        limit: args.order.limit,
        ..DealFilter::default()
    };
    if let Some(by) = args.segments.group_by {
        let groups = ctx.store.deal_groups(&filter, by)?;
        return super::segments::print_groups(ctx, args.format, by, &groups, true);
    }
    let rows = ctx.store.deals(&filter)?;
    let json: Vec<DealJson> = rows.iter().map(DealJson::new).collect();
    if args.format == Format::Table && rows.is_empty() {
        println!("{}", ctx.catalog.get("msg.no_records"));
        return Ok(());
    }
    ctx.print(args.format, deals_table(ctx, &rows), &json)
}

fn deals_table(ctx: &Context, rows: &[DealRow]) -> Table {
    let c = &ctx.catalog;
    let mut table = Table::new(
        [
            "col.id",
            "col.grade",
            "col.title",
            "col.account",
            "col.stage",
            "col.amount",
            "col.close",
            "col.next_revisit",
            "col.owner",
            "col.flags",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    )
    .right_align(5);
    for r in rows {
        table.push(vec![
            r.deal.id.short(),
            grade_cell(r),
            r.deal.title.clone(),
            r.account.clone(),
            ctx.stage_label(&r.deal.stage),
            format!("{} {}", r.deal.amount, r.deal.currency),
            r.deal
                .expected_close
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.next_revisit.map(|d| d.to_string()).unwrap_or_default(),
            r.deal.owner.clone(),
            flags(ctx, r),
        ]);
    }
    table
}

fn grade_cell(r: &DealRow) -> String {
    match r.deal.pin {
        Some(_) => format!("{}*", r.deal.grade),
        None => r.deal.grade.to_string(),
    }
}

fn flags(ctx: &Context, r: &DealRow) -> String {
    let mut flags = Vec::new();
    if r.slipped {
        flags.push(ctx.catalog.get("flag.slipped"));
    }
    if r.stale {
        flags.push(ctx.catalog.get("flag.stale"));
    }
    if r.deal.pin.is_some() {
        flags.push(ctx.catalog.get("flag.pinned"));
    }
    flags.join(" ")
}

pub fn show(ctx: &Context, args: ShowArgs) -> CliResult {
    let id = ctx.store.resolve(Ids::Deals, &args.id)?;
    let detail = ctx.store.deal_detail(id)?;
    match args.format {
        Format::Json | Format::Csv => {
            let json = show_json(&detail);
            if args.format == Format::Json {
                crate::output::print_json(&json)?;
            } else {
                print!("{}", super::records_csv(&json, None)?);
            }
        }
        Format::Table => print!("{}", show_text(ctx, &detail)),
    }
    Ok(())
}

fn show_json(detail: &DealDetail) -> ShowJson {
    let d = &detail.row.deal;
    ShowJson {
        deal: DealJson::new(&detail.row),
        contact: contact_name(detail).map(str::to_string),
        contact_id: d.contact_id.map(|id| id.to_string()),
        source: d.source.clone(),
        next_step: d.next_step.clone(),
        notes: d.notes.clone(),
        activities: detail.activities.iter().map(ActivityJson::from).collect(),
        corrections: detail
            .corrections
            .iter()
            .map(|c| CorrectionJson {
                id: c.id.to_string(),
                original: ActivityJson::from(&c.original),
                retracted: c.retracted.is_some(),
                reason: c.retracted.clone(),
                at: c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                author: c.author.clone(),
            })
            .collect(),
        history: detail
            .history
            .iter()
            .map(|h| HistoryJson {
                id: h.id.to_string(),
                field: h.field.to_string(),
                at: h.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                from: h.old.clone(),
                to: h.new.clone(),
                reason: h.reason.code(),
                author: h.author.clone(),
            })
            .collect(),
        changes: detail
            .changes
            .iter()
            .map(|c| FieldChangeJson {
                field: c.field.clone(),
                at: c.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                from: c.old.clone(),
                to: c.new.clone(),
                author: c.author.clone(),
            })
            .collect(),
        reminders: detail.reminders.iter().map(ReminderJson::from).collect(),
    }
}

/// The name of the deal's contact person, among its account's people.
fn contact_name(detail: &DealDetail) -> Option<&str> {
    let id = detail.row.deal.contact_id?;
    detail
        .contacts
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.name.as_str())
}

fn show_text(ctx: &Context, detail: &DealDetail) -> String {
    let c = &ctx.catalog;
    let r = &detail.row;
    let d = &r.deal;
    let mut fields = Table::new(vec![String::new(), String::new()]);
    // A closed deal is graded no more: its outcome stands in its grade's place.
    let grade = match &d.pin {
        _ if !d.is_open() => c.get(&format!("col.{}", d.stage)).to_string(),
        Some(pin) => format!("{} ({}: {})", d.grade, c.get("flag.pinned"), pin.reason),
        None => d.grade.to_string(),
    };
    let day = |x: Option<chrono::NaiveDate>| x.map(|x| x.to_string());
    // A field without a value is left out: revisits are for open deals, the
    // closing day and the lost reason for closed ones.
    let rows = [
        ("col.id", Some(d.id.to_string())),
        ("col.title", Some(d.title.clone())),
        ("col.account", Some(r.account.clone())),
        ("col.stage", Some(ctx.stage_label(&d.stage))),
        ("col.grade", Some(grade)),
        (
            "col.need",
            Some(c.get(&format!("need.{}", d.need)).to_string()),
        ),
        ("col.amount", Some(format!("{} {}", d.amount, d.currency))),
        ("col.close", Some(day(d.expected_close).unwrap_or_default())),
        (
            "col.next_revisit",
            d.is_open().then(|| day(r.next_revisit).unwrap_or_default()),
        ),
        ("col.owner", Some(d.owner.clone())),
        ("col.contact", contact_name(detail).map(str::to_string)),
        (
            "col.source",
            Some(d.source.clone()).filter(|s| !s.is_empty()),
        ),
        (
            "col.next_step",
            Some(d.next_step.clone()).filter(|s| !s.is_empty()),
        ),
        ("col.notes", Some(d.notes.clone()).filter(|s| !s.is_empty())),
        ("col.flags", Some(flags(ctx, r))),
        ("col.version", Some(version_cell(ctx, &d.meta))),
        ("col.closed_on", day(d.closed_on)),
        ("col.lost_reason", d.lost_reason.clone()),
    ];
    for (key, value) in rows {
        if let Some(value) = value {
            fields.push(vec![c.get(key).to_string(), value]);
        }
    }
    let mut out = fields.render(ctx.width);

    // One timeline: activities and changes in the order they happened. A stable sort of the
    // newest-first entries, not a reversal, so same-moment entries stay in recorded order.
    let mut timeline = crate::timeline::of_deal(detail, c, ctx.store.rules());
    timeline.sort_by_key(|entry| entry.at);
    if !timeline.is_empty() {
        let mut t = Table::new(
            ["col.at", "col.id", "col.kind", "col.summary", "col.author"]
                .iter()
                .map(|k| c.get(k).to_string())
                .collect::<Vec<_>>(),
        );
        for entry in timeline {
            t.push(vec![
                ctx.store.session().local_minute(entry.at),
                entry.id.map(|id| id.short()).unwrap_or_default(),
                entry.kind,
                entry.text,
                entry.author,
            ]);
        }
        out.push('\n');
        out.push_str(&t.render(ctx.width));
    }
    if !detail.reminders.is_empty() {
        let mut t = Table::new(
            ["col.id", "col.kind", "col.due", "col.status", "col.note"]
                .iter()
                .map(|k| c.get(k).to_string())
                .collect::<Vec<_>>(),
        );
        for rem in &detail.reminders {
            t.push(vec![
                rem.id.short(),
                crate::timeline::reminder_what(rem, c),
                rem.due.to_string(),
                c.get(&format!("reminder_status.{}", rem.status))
                    .to_string(),
                rem.note.clone(),
            ]);
        }
        out.push('\n');
        out.push_str(&t.render(ctx.width));
    }
    out
}

pub fn regrade(ctx: &mut Context, args: FormatArgs) -> CliResult {
    let changes = ctx.store.regrade()?;
    let json: Vec<ChangeJson> = changes.iter().map(change_json).collect();
    if args.format == Format::Table && changes.is_empty() {
        println!("{}", ctx.catalog.get("msg.no_changes"));
        return Ok(());
    }
    let c = &ctx.catalog;
    let mut table = Table::new(
        ["col.deal", "col.title", "col.from", "col.to", "col.reason"]
            .iter()
            .map(|k| c.get(k).to_string())
            .collect::<Vec<_>>(),
    );
    for ch in &changes {
        table.push(vec![
            ch.deal_id.short(),
            ch.title.clone(),
            ch.from.to_string(),
            ch.to.to_string(),
            crate::timeline::reason(&ch.reason, c),
        ]);
    }
    ctx.print(args.format, table, &json)
}

fn change_json(c: &GradeChangeRow) -> ChangeJson {
    ChangeJson {
        deal_id: c.deal_id.to_string(),
        title: c.title.clone(),
        from: c.from,
        to: c.to,
        reason: c.reason.code(),
    }
}

/// `tierdeck` with no command: what the pipeline looks like and what is due,
/// or, on an empty database, how to begin.
pub fn overview(ctx: &Context) -> CliResult {
    let c = &ctx.catalog;
    println!("{}", c.get("msg.welcome"));
    let totals = ctx.store.grade_totals()?;
    if totals.iter().all(|(_, count, _)| *count == 0) {
        let path = ctx.store.path().display().to_string();
        println!("{}", c.fmt("msg.empty_db", &[("path", &path)]));
        println!("{}", c.get("msg.empty_hint"));
        return Ok(());
    }
    let mut table = Table::new(
        ["col.grade", "col.count", "col.amount"]
            .iter()
            .map(|k| c.get(k).to_string())
            .collect::<Vec<_>>(),
    )
    .right_align(1)
    .right_align(2);
    for (grade, count, amount) in totals {
        table.push(vec![
            c.get(&format!("grade.{grade}")).to_string(),
            count.to_string(),
            amount.to_string(),
        ]);
    }
    println!();
    print!("{}", table.render(ctx.width));
    let due = ctx.store.reminders(crate::store::DueFilter::Today, None)?;
    println!();
    println!(
        "{}",
        c.fmt("msg.due_today", &[("count", &due.len().to_string())])
    );
    println!("{}", c.get("msg.overview_hint"));
    Ok(())
}

/// A row's version with who saved it last and when, in the user's time: the
/// number is what `--if-version` takes back.
pub(super) fn version_cell(ctx: &Context, meta: &crate::domain::RowMeta) -> String {
    format!(
        "{} ({}, {})",
        meta.version,
        meta.updated_by,
        ctx.store.session().local_minute(meta.updated_at)
    )
}
