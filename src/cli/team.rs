//! `team …` and `sync`: sharing the database through a team folder or a
//! team server.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use super::views::FormatArgs;
use super::{CliResult, Context, Failure};
use crate::output::{Format, Table};
use crate::say::Say;
use crate::store::{Conflict, Store};
use crate::team::postgres::{self as server, Server};
use crate::team::{self, SyncReport, TeamError, TeamFile, Transport, folder::Folder};

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    Init(FolderArgs),
    Join(FolderArgs),
    Status(FormatArgs),
    Conflicts(ConflictsArgs),
    Restore(RestoreArgs),
    Leave,
    Snapshot,
    ServerSetup(ServerSetupArgs),
}

#[derive(Debug, Args)]
pub struct ServerSetupArgs {
    url: String,
    #[arg(long)]
    member: Vec<String>,
    #[arg(long)]
    reader: Vec<String>,
    #[arg(long)]
    apply: bool,
}

#[derive(Debug, Args)]
pub struct FolderArgs {
    folder: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    #[arg(long)]
    all: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    id: String,
}

/// The team folder or server this database exchanges with, if it is in one.
pub fn transport(store: &Store) -> CliResult<Option<Box<dyn Transport>>> {
    let Some(place) = store.team_location()? else {
        return Ok(None);
    };
    Ok(Some(team::open(&place).map_err(TeamError::from)?))
}

/// A team place typed on the command line that is a server address.
fn server_url(place: &Path) -> Option<&str> {
    place.to_str().filter(|p| server::is_server_url(p))
}

/// The exchange every command makes before and after its work: a failure
/// to reach the folder is said, and the work goes on.
pub fn sync_quietly(ctx: &mut Context) {
    let Ok(Some(place)) = transport(&ctx.store) else {
        return;
    };
    match team::sync(&mut ctx.store, place.as_ref()) {
        Ok(report) => tell_news(ctx, &report),
        Err(e) => eprintln!(
            "{}",
            ctx.catalog
                .fmt("msg.sync_failed", &[("reason", &e.say(&ctx.catalog))])
        ),
    }
}

/// What a sync brought that the user must know at once: values of theirs
/// that lost, and a copied replica.
fn tell_news(ctx: &Context, report: &SyncReport) {
    for conflict in &report.received.conflicts {
        eprintln!("{}", conflict_line(ctx, conflict));
    }
    if let Some(id) = &report.new_replica_id {
        eprintln!("{}", ctx.catalog.fmt("msg.replica_cloned", &[("id", id)]));
    }
}

fn conflict_line(ctx: &Context, conflict: &Conflict) -> String {
    let c = &ctx.catalog;
    let field = c.get(&format!("field.{}", conflict.field)).to_string();
    c.fmt(
        "msg.conflict",
        &[
            ("kept_by", &conflict.kept_by),
            ("field", &field),
            ("name", &conflict.name),
            ("kept", &team::value_text(&conflict.field, &conflict.kept)),
            ("lost", &team::value_text(&conflict.field, &conflict.lost)),
            ("id", &conflict.id.short()),
        ],
    )
}

/// Why a database in a sync folder is not opened, and the command that
/// makes it a team's replica instead, keeping everything in it.
pub fn in_sync_folder(
    catalog: &crate::i18n::Catalog,
    db: &Path,
    place: &(Option<&'static str>, PathBuf),
) -> String {
    let (tool, root) = place;
    let team = root.join("tierdeck-team");
    let (key, folder) = if team.join("tierdeck-team.json").exists() {
        ("msg.in_sync_folder_join", team)
    } else {
        ("msg.in_sync_folder_init", team)
    };
    let tool = tool.map_or_else(
        || catalog.get("msg.a_sync_tool").to_string(),
        str::to_string,
    );
    catalog.fmt(
        key,
        &[
            ("db", &super::doctor::shell_quote(&db.display().to_string())),
            ("tool", &tool),
            ("root", &root.display().to_string()),
            (
                "team",
                &super::doctor::shell_quote(&folder.display().to_string()),
            ),
        ],
    )
}

/// Where the replica of a database found in a sync folder goes: the data
/// directory, under the same name. The file is copied there, read and
/// never written where it is; a replica already there is not replaced.
pub fn replica_path_for(
    db: &Path,
    dirs: &crate::config::Dirs,
    catalog: &crate::i18n::Catalog,
) -> CliResult<PathBuf> {
    let name = db
        .file_name()
        .map_or_else(|| "tierdeck.db".into(), |n| n.to_os_string());
    let replica = dirs.data.join(name);
    if replica.exists() {
        return Err(Failure::Error(catalog.fmt(
            "msg.replica_exists",
            &[("replica", &replica.display().to_string())],
        )));
    }
    std::fs::create_dir_all(&dirs.data)?;
    if db.exists() {
        let partial = replica.with_extension("db.copying");
        let _ = std::fs::remove_file(&partial);
        crate::store::copy_out(db, &partial)?;
        std::fs::rename(&partial, &replica)?;
    }
    Ok(replica)
}

/// Says where the database now lives, after `team init` or `join` moved
/// it out of a sync folder.
pub fn tell_moved(ctx: &Context, from: &Path) {
    println!(
        "{}",
        ctx.catalog.fmt(
            "msg.db_moved",
            &[
                ("from", &from.display().to_string()),
                ("to", &ctx.store.path().display().to_string()),
            ],
        )
    );
}

pub fn run(ctx: &mut Context, cmd: TeamCommand) -> CliResult {
    match cmd {
        TeamCommand::Init(args) => init(ctx, &args.folder),
        TeamCommand::Join(args) => join(ctx, &args.folder),
        TeamCommand::Status(args) => status(ctx, args.format),
        TeamCommand::Conflicts(args) => conflicts(ctx, args),
        TeamCommand::Restore(args) => restore(ctx, &args.id),
        TeamCommand::Leave => leave(ctx),
        TeamCommand::Snapshot => snapshot(ctx),
        TeamCommand::ServerSetup(args) => server_setup(ctx, &args),
    }
}

/// A folder as an absolute path, made if missing (its parent must exist),
/// refused when it holds the database itself.
fn team_folder(ctx: &Context, folder: &Path) -> CliResult<PathBuf> {
    if !folder.exists() {
        std::fs::create_dir(folder).map_err(|e| {
            Failure::Error(ctx.catalog.fmt(
                "msg.team_folder_unmade",
                &[
                    ("folder", &folder.display().to_string()),
                    ("reason", &e.to_string()),
                ],
            ))
        })?;
    }
    let folder = folder.canonicalize()?;
    let db = ctx
        .store
        .path()
        .canonicalize()
        .unwrap_or_else(|_| ctx.store.path().to_path_buf());
    if db.starts_with(&folder) {
        return Err(Failure::Error(ctx.catalog.fmt(
            "msg.team_folder_holds_db",
            &[("folder", &folder.display().to_string())],
        )));
    }
    Ok(folder)
}

fn refuse_second_team(ctx: &Context) -> CliResult {
    if let Some(place) = ctx.store.team_location()? {
        return Err(Failure::Error(
            ctx.catalog
                .fmt("msg.already_in_team", &[("folder", &place)]),
        ));
    }
    Ok(())
}

fn init(ctx: &mut Context, folder: &Path) -> CliResult {
    refuse_second_team(ctx)?;
    if let Some(url) = server_url(folder) {
        let server = Server::from_command_line(url).map_err(TeamError::from)?;
        let team = server.team().map_err(TeamError::from)?;
        if !server.replicas().map_err(TeamError::from)?.is_empty() {
            return Err(Failure::Error(ctx.catalog.fmt(
                "msg.already_a_team_server",
                &[("server", &server.describe())],
            )));
        }
        return start_exchanging(ctx, &server, &team, Start::Made);
    }
    let root = team_folder(ctx, folder)?;
    let shown = root.display().to_string();
    let folder = Folder::new(&root);
    if folder.team_file().map_err(TeamError::from)?.is_some() {
        return Err(Failure::Error(
            ctx.catalog
                .fmt("msg.already_a_team_folder", &[("folder", &shown)]),
        ));
    }
    let team = TeamFile {
        format: team::file::FORMAT,
        team: uuid::Uuid::new_v4().to_string(),
        created_at: ctx.store.session().now,
        created_by: ctx.store.session().user.clone(),
    };
    let bytes = serde_json::to_vec_pretty(&team).unwrap_or_default();
    folder.create_team_file(&bytes).map_err(TeamError::from)?;
    start_exchanging(ctx, &folder, &team, Start::Made)
}

fn join(ctx: &mut Context, folder: &Path) -> CliResult {
    refuse_second_team(ctx)?;
    if let Some(url) = server_url(folder) {
        let server = Server::from_command_line(url).map_err(TeamError::from)?;
        let team = server.team().map_err(TeamError::from)?;
        return start_exchanging(ctx, &server, &team, Start::Joined);
    }
    let root = team_folder(ctx, folder)?;
    let folder = Folder::new(&root);
    let team = team::check_team_folder(&folder)?;
    start_exchanging(ctx, &folder, &team, Start::Joined)
}

/// How a replica came into its team.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Made,
    Joined,
}

/// The message key for a team folder, or its twin for a team server.
fn said_of(place: &str, key: &str) -> String {
    if server::is_server_url(place) {
        key.replacen("msg.", "msg.server_", 1)
    } else {
        key.to_string()
    }
}

/// Logs what the database held before, announces this replica and makes
/// the first exchange.
fn start_exchanging(
    ctx: &mut Context,
    place: &dyn Transport,
    team: &TeamFile,
    start: Start,
) -> CliResult {
    // Stored as shown: a server address never with its password.
    let root = place.describe();
    let new_team = ctx.store.team_id()?.as_deref() != Some(team.team.as_str());
    ctx.store.join_team(&root, &team.team)?;
    let started = first_exchange(ctx, place, new_team, start);
    if started.is_err() {
        // Not half in a team: the next command must not sync unannounced.
        ctx.store.leave_team()?;
    }
    started
}

fn first_exchange(
    ctx: &mut Context,
    folder: &dyn Transport,
    new_team: bool,
    start: Start,
) -> CliResult {
    let root = folder.describe();
    // An empty database joining starts from a teammate's snapshot and
    // reads only the changes after it.
    let joining = start == Start::Joined;
    let from_snapshot = if joining && ctx.store.is_empty()? {
        team::join_from_snapshot(&mut ctx.store, folder)?
    } else {
        None
    };
    if joining && from_snapshot.is_none() && !team::compacted_replicas(folder)?.is_empty() {
        return Err(Failure::Error(ctx.catalog.fmt(
            "msg.join_compacted",
            &[
                ("folder", &super::doctor::shell_quote(&root)),
                (
                    "db",
                    &super::doctor::shell_quote(&ctx.store.path().display().to_string()),
                ),
            ],
        )));
    }
    let existing = ctx
        .store
        .log_existing_rows(new_team && from_snapshot.is_none())?;
    team::announce(&ctx.store, folder)?;
    let report = team::sync(&mut ctx.store, folder)?;
    tell_news(ctx, &report);
    if let Some(manifest) = &from_snapshot {
        println!(
            "{}",
            ctx.catalog.fmt(
                "msg.joined_from_snapshot",
                &[
                    ("user", &manifest.user),
                    ("at", &ctx.store.session().local_minute(manifest.made_at))
                ],
            )
        );
    }
    // New members start from a snapshot rather than from every change.
    if start == Start::Made && !ctx.store.is_empty()? {
        team::publish_snapshot(&mut ctx.store, folder)?;
    }
    let said = match start {
        Start::Made => "msg.team_made",
        Start::Joined => "msg.team_joined",
    };
    println!(
        "{}",
        ctx.catalog.fmt(
            &said_of(&root, said),
            &[
                ("folder", &root),
                ("rows", &existing.to_string()),
                ("sent", &report.sent_ops.to_string()),
                ("received", &report.received.ops.to_string()),
            ],
        )
    );
    Ok(())
}

fn require_team(ctx: &Context) -> CliResult<Box<dyn Transport>> {
    transport(&ctx.store)?
        .ok_or_else(|| Failure::Error(ctx.catalog.get("msg.not_in_team").to_string()))
}

#[derive(Serialize)]
struct SyncRecord {
    sent: usize,
    received: usize,
    rows: usize,
    conflicts: usize,
    skipped: Vec<team::Skipped>,
    waiting_rows: usize,
}

impl super::Record for SyncRecord {
    const KEYS: &'static [&'static str] = &[
        "sent",
        "received",
        "rows",
        "conflicts",
        "skipped",
        "waiting_rows",
    ];
}

pub fn sync(ctx: &mut Context, args: FormatArgs) -> CliResult {
    let folder = require_team(ctx)?;
    let report = team::sync(&mut ctx.store, folder.as_ref())?;
    tell_news(ctx, &report);
    let record = SyncRecord {
        sent: report.sent_ops,
        received: report.received.ops,
        rows: report.received.rows.values().sum(),
        conflicts: report.received.conflicts.len(),
        skipped: report.skipped.clone(),
        waiting_rows: report.received.pending,
    };
    if args.format == Format::Table {
        let c = &ctx.catalog;
        println!(
            "{}",
            c.fmt(
                "msg.synced",
                &[
                    ("sent", &record.sent.to_string()),
                    ("received", &record.received.to_string()),
                    ("rows", &record.rows.to_string()),
                ],
            )
        );
        for skipped in &record.skipped {
            println!("{}", skipped_line(ctx, skipped));
        }
        return Ok(());
    }
    ctx.print(args.format, Table::new(Vec::<String>::new()), &[record])
}

fn skipped_line(ctx: &Context, skipped: &team::Skipped) -> String {
    ctx.catalog.fmt(
        "msg.file_skipped",
        &[
            ("replica", short(&skipped.replica)),
            ("file", &skipped.file.to_string()),
            ("reason", &skipped.reason),
        ],
    )
}

fn short(replica: &str) -> &str {
    replica.get(..8).unwrap_or(replica)
}

#[derive(Serialize)]
struct MemberRecord {
    replica: String,
    user: String,
    this_replica: bool,
    files_read: i64,
    last_change: Option<String>,
    last_seen: Option<String>,
}

#[derive(Serialize)]
struct StatusRecord {
    replica: String,
    folder: String,
    unsent: i64,
    open_conflicts: usize,
    members: Vec<MemberRecord>,
    skipped: Vec<team::Skipped>,
}

impl super::Record for StatusRecord {
    const KEYS: &'static [&'static str] = &[
        "replica",
        "folder",
        "unsent",
        "open_conflicts",
        "members",
        "skipped",
    ];
}

fn status(ctx: &mut Context, format: Format) -> CliResult {
    let folder = require_team(ctx)?;
    // What was skipped is what a look now skips: files are read again each time.
    let mut report = SyncReport::default();
    let reached = team::receive(&mut ctx.store, folder.as_ref(), &mut report);
    let session = ctx.store.session().clone();
    let replica = ctx.store.replica_id()?;
    let published = ctx.store.published()?;
    let unsent = ctx.store.last_own_seq()? - published.seq;
    let mut members = vec![MemberRecord {
        replica: replica.clone(),
        user: session.user.clone(),
        this_replica: true,
        files_read: published.files,
        last_change: None,
        last_seen: None,
    }];
    for peer in ctx.store.peers()? {
        members.push(MemberRecord {
            replica: peer.replica,
            user: peer.user,
            this_replica: false,
            files_read: peer.files_read,
            last_change: peer.last_change.map(|at| session.local_minute(at)),
            last_seen: peer.last_seen.map(|at| session.local_minute(at)),
        });
    }
    let record = StatusRecord {
        replica,
        folder: folder.describe(),
        unsent: unsent.max(0),
        open_conflicts: ctx.store.conflicts(false)?.len(),
        members,
        skipped: report.skipped.clone(),
    };
    if format != Format::Table {
        return ctx.print(format, Table::new(Vec::<String>::new()), &[record]);
    }
    let c = &ctx.catalog;
    println!(
        "{}",
        c.fmt(
            &said_of(&record.folder, "msg.team_status"),
            &[
                ("replica", short(&record.replica)),
                ("folder", &record.folder),
                ("unsent", &record.unsent.to_string()),
                ("conflicts", &record.open_conflicts.to_string()),
            ],
        )
    );
    if let Err(e) = reached {
        println!("{}", c.fmt("msg.sync_failed", &[("reason", &e.say(c))]));
    }
    let mut table = Table::new(
        [
            "col.replica",
            "col.user",
            "col.files",
            "col.last_change",
            "col.last_seen",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    );
    for m in &record.members {
        let name = if m.this_replica {
            format!("{} ({})", short(&m.replica), c.get("msg.this_replica"))
        } else {
            short(&m.replica).to_string()
        };
        table.push(vec![
            name,
            m.user.clone(),
            m.files_read.to_string(),
            m.last_change.clone().unwrap_or_default(),
            m.last_seen.clone().unwrap_or_default(),
        ]);
    }
    print!("{}", table.render(ctx.width));
    for skipped in &record.skipped {
        println!("{}", skipped_line(ctx, skipped));
    }
    Ok(())
}

#[derive(Serialize)]
struct ConflictRecord {
    id: String,
    table: String,
    row_id: String,
    name: String,
    field: String,
    kept: serde_json::Value,
    kept_by: String,
    kept_at: String,
    lost: serde_json::Value,
    lost_by: String,
    lost_at: String,
    settled: Option<String>,
}

impl super::Record for ConflictRecord {
    const KEYS: &'static [&'static str] = &[
        "id", "table", "row_id", "name", "field", "kept", "kept_by", "kept_at", "lost", "lost_by",
        "lost_at", "settled",
    ];
}

fn conflicts(ctx: &mut Context, args: ConflictsArgs) -> CliResult {
    let found = ctx.store.conflicts(args.all)?;
    let session = ctx.store.session().clone();
    let records: Vec<ConflictRecord> = found
        .iter()
        .map(|k| ConflictRecord {
            id: k.id.0.to_string(),
            table: k.table.clone(),
            row_id: k.row_id.clone(),
            name: k.name.clone(),
            field: k.field.clone(),
            kept: k.kept.clone(),
            kept_by: k.kept_by.clone(),
            kept_at: k
                .kept_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            lost: k.lost.clone(),
            lost_by: k.lost_by.clone(),
            lost_at: k
                .lost_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            settled: k.settled.clone(),
        })
        .collect();
    let c = &ctx.catalog;
    let mut table = Table::new(
        [
            "col.id",
            "col.name",
            "col.field",
            "col.kept_value",
            "col.lost_value",
            "col.status",
        ]
        .iter()
        .map(|k| c.get(k).to_string())
        .collect::<Vec<_>>(),
    );
    for k in &found {
        table.push(vec![
            k.id.short(),
            k.name.clone(),
            c.get(&format!("field.{}", k.field)).to_string(),
            format!(
                "{} ({}, {})",
                team::value_text(&k.field, &k.kept),
                k.kept_by,
                session.local_minute(k.kept_at)
            ),
            format!(
                "{} ({}, {})",
                team::value_text(&k.field, &k.lost),
                k.lost_by,
                session.local_minute(k.lost_at)
            ),
            k.settled.as_deref().map_or_else(
                || c.get("msg.conflict_open").to_string(),
                |s| c.get(&format!("msg.conflict_{s}")).to_string(),
            ),
        ]);
    }
    if found.is_empty() && args.format == Format::Table {
        println!("{}", c.get("msg.no_conflicts"));
        return Ok(());
    }
    ctx.print(args.format, table, &records)
}

fn restore(ctx: &mut Context, id: &str) -> CliResult {
    let conflict = ctx.store.resolve_conflict(id)?;
    ctx.store.restore_conflict(&conflict)?;
    let c = &ctx.catalog;
    let field = c.get(&format!("field.{}", conflict.field)).to_string();
    println!(
        "{}",
        c.fmt(
            "msg.conflict_restored_now",
            &[
                ("field", &field),
                ("name", &conflict.name),
                ("value", &team::value_text(&conflict.field, &conflict.lost)),
            ],
        )
    );
    Ok(())
}

fn snapshot(ctx: &mut Context) -> CliResult {
    let folder = require_team(ctx)?;
    let manifest = team::publish_snapshot(&mut ctx.store, folder.as_ref())?;
    let size = format!("{:.1}", manifest.bytes as f64 / 1_048_576.0);
    println!(
        "{}",
        ctx.catalog.fmt(
            "msg.snapshot_made",
            &[("number", &manifest.number.to_string()), ("size", &size)],
        )
    );
    Ok(())
}

fn leave(ctx: &mut Context) -> CliResult {
    let folder = require_team(ctx)?;
    // Whatever is not sent yet goes out first, if the folder is there.
    let mut report = SyncReport::default();
    let sent = team::publish(&mut ctx.store, folder.as_ref(), &mut report);
    ctx.store.leave_team()?;
    let root = folder.describe();
    println!(
        "{}",
        ctx.catalog
            .fmt(&said_of(&root, "msg.team_left"), &[("folder", &root)])
    );
    if let Err(e) = sent {
        eprintln!(
            "{}",
            ctx.catalog
                .fmt("msg.sync_failed", &[("reason", &e.say(&ctx.catalog))])
        );
    }
    Ok(())
}

/// Prints the SQL that makes a database a team server, or runs it there
/// with `--apply`, the address then being an administrator's.
fn server_setup(ctx: &mut Context, args: &ServerSetupArgs) -> CliResult {
    if let Some(bad) = args
        .member
        .iter()
        .chain(&args.reader)
        .find(|name| !server::valid_role(name))
    {
        return Err(Failure::Error(
            ctx.catalog.fmt("msg.bad_role_name", &[("name", bad)]),
        ));
    }
    let admin = Server::from_command_line(&args.url).map_err(TeamError::from)?;
    let sql = server::setup_sql(&admin.database(), &args.member, &args.reader);
    if !args.apply {
        print!("{sql}");
        return Ok(());
    }
    admin.apply_setup(&sql).map_err(TeamError::from)?;
    println!(
        "{}",
        ctx.catalog.fmt(
            "msg.server_set_up",
            &[
                ("server", &admin.describe()),
                ("version", &server::SCHEMA_VERSION.to_string()),
            ],
        )
    );
    Ok(())
}
