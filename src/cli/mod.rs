//! The command line: parse, set up the session, run one command, print.
//!
//! Each command group lives in its own file; this one holds the argument
//! tree, the shared set-up and how failures become exit codes.

mod accounts;
mod deals;
mod doctor;
mod merge;
mod reminders;
mod reports;
mod segments;
mod team;
mod transfer;
mod views;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, NaiveDate, Utc};
use clap::{Parser, Subcommand};

use crate::config::{self, Config, Dirs};
use crate::i18n::{Catalog, Lang};
use crate::output::Format;
use crate::parse;
use crate::rules::Rules;
use crate::store::{OpenMode, Session, Store};

#[derive(Debug, Parser)]
#[command(
    name = "tierdeck",
    version,
    about = "A terminal sales pipeline: deals graded A–E by close date, revisit reminders, value tiers.",
    long_about = None
)]
pub struct Cli {
    /// The database file [default: tierdeck.db in the platform data directory]
    #[arg(long, global = true, env = "TIERDECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The effective date, for planning ahead (YYYY-MM-DD or +10d, +2w, +1m, eom, eoq)
    #[arg(long, global = true, env = "TIERDECK_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    /// Look ahead: grades, reminders, agenda and reports as they will be on DATE; writes nothing
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Who is making changes [default: config file, then the login name]
    #[arg(long, global = true, env = "TIERDECK_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Language of labels and messages: en or zh-CN [default: config file, then LANG]
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if it is missing (safe to run again)
    Init,
    /// Fill the database with realistic demo data (Chinese and English names)
    Demo(transfer::DemoArgs),
    /// Add, change and look at accounts (customers)
    #[command(subcommand)]
    Account(accounts::AccountCommand),
    /// Add and change deals (opportunities)
    #[command(subcommand)]
    Deal(deals::DealCommand),
    /// Record an activity (call, visit, …) on a deal; it answers the deal's revisit
    Log(deals::LogArgs),
    /// List open deals, best grade and nearest close date first
    List(views::ListArgs),
    /// Show a deal with its timeline and reminders
    Show(views::ShowArgs),
    /// Run the grading engine now and print the changes it made
    Regrade(views::FormatArgs),
    /// List open reminders; --ics writes them as calendar to-dos
    Reminders(reminders::RemindersArgs),
    /// Mark a reminder done, snooze it or dismiss it
    #[command(subcommand)]
    Remind(reminders::RemindCommand),
    /// Import a CSV file (all rows or none)
    Import(transfer::ImportArgs),
    /// Export every table as CSV (re-importable) or JSON
    Export(transfer::ExportArgs),
    /// Funnel, forecast, grades, ABC/Pareto, lifecycle or owner performance
    Report(reports::ReportArgs),
    /// Check the database file and list the conflict copies sync tools left beside it
    Doctor(doctor::DoctorArgs),
    /// Merge another copy of the database in (a sync tool's conflict copy): nothing is lost
    Merge(merge::MergeArgs),
    /// Share with a team through a team folder: init, join, status, conflicts, restore, leave
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// Exchange changes with the team now and print what was sent and received
    Sync(views::FormatArgs),
}

/// How a command failed: a usage error (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Error(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Error(_) => 1,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Usage(m) | Failure::Error(m) => m,
        }
    }
}

macro_rules! failure_from {
    ($variant:ident: $($ty:ty),+) => {$(
        impl From<$ty> for Failure {
            fn from(e: $ty) -> Self {
                Failure::$variant(e.to_string())
            }
        }
    )+};
}
failure_from!(Usage: parse::ParseError, crate::domain::UnknownValue);
failure_from!(Error: crate::rules::RulesError, config::ConfigError, std::io::Error);

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            // A malformed id is a mistake in the command line itself.
            crate::store::StoreError::BadId { .. }
            | crate::store::StoreError::UnknownStage { .. } => Failure::Usage(e.to_string()),
            _ => Failure::Error(e.to_string()),
        }
    }
}

pub type CliResult<T = ()> = Result<T, Failure>;

/// Everything a command needs: the open store, the catalogue, the terminal width.
pub struct Context {
    pub store: Store,
    pub catalog: Catalog,
    pub width: usize,
}

impl Context {
    pub fn today(&self) -> NaiveDate {
        self.store.session().today
    }

    pub fn date(&self, input: &str) -> CliResult<NaiveDate> {
        Ok(parse::parse_date(input, self.today())?)
    }

    /// A stage's label in the user's language.
    pub fn stage_label(&self, id: &str) -> String {
        self.store.rules().stage_label(id, self.catalog.lang())
    }

    /// Prints records: the table for people; CSV and JSON from the same
    /// records with their stable snake_case keys, for scripts.
    pub fn print(
        &self,
        format: Format,
        table: crate::output::Table,
        records: &impl serde::Serialize,
    ) -> CliResult {
        match format {
            Format::Table => print!("{}", table.render(self.width)),
            Format::Csv => print!("{}", records_csv(records)?),
            Format::Json => crate::output::print_json(records)?,
        }
        Ok(())
    }
}

/// CSV of an array of flat records: the keys of the first record are the
/// header; nested values (a deal's timeline) are written as JSON text.
fn records_csv(records: &impl serde::Serialize) -> CliResult<String> {
    use serde_json::Value;
    let value = serde_json::to_value(records).map_err(|e| Failure::Error(e.to_string()))?;
    let rows = match value {
        Value::Array(rows) => rows,
        other => vec![other],
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = Vec::new();
    for row in &rows {
        let Value::Object(fields) = row else { continue };
        if header.is_empty() {
            header = fields.keys().cloned().collect();
            out.write_record(&header)
                .map_err(|e| Failure::Error(e.to_string()))?;
        }
        let cells = header.iter().map(|key| match fields.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        });
        out.write_record(cells)
            .map_err(|e| Failure::Error(e.to_string()))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Failure::Error(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Failure::Error(e.to_string()))
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_failure(e),
    };
    // A bug must still end in one `error:` line and exit status 1, not a
    // backtrace; every write is a transaction, so nothing is left half done.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: tierdeck hit a bug{place}; please report it");
    }));
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(failure)) => {
            let one_line = failure.message().replace('\n', "; ");
            eprintln!("error: {one_line}");
            ExitCode::from(failure.exit_code())
        }
        Err(_) => ExitCode::from(1),
    }
}

/// clap's help and version go to stdout as usual; its errors are cut to the
/// one line that says what was wrong, plus where to look.
fn clap_failure(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    eprintln!("error: {first} (see tierdeck --help)");
    ExitCode::from(2)
}

fn run(cli: Cli) -> CliResult {
    let dirs = Dirs::locate()?;
    let config = Config::load(&dirs.config_file())?;
    let lang = pick_lang(cli.lang.as_deref(), &config)?;
    let now = Local::now();
    let real_today = now.date_naive();
    let today = match &cli.today {
        Some(text) => parse::parse_date(text, real_today)?,
        None => real_today,
    };
    let as_of = cli
        .as_of
        .as_deref()
        .map(|text| parse::parse_date(text, today))
        .transpose()?;
    let today = as_of.unwrap_or(today);
    let user = cli
        .user
        .filter(|u| !u.trim().is_empty())
        .or(config.user.clone())
        .unwrap_or_else(config::login_name);
    let (path, mode) = match cli.db.or(config.db.clone()) {
        Some(path) => (path, OpenMode::CreateFile),
        None => (dirs.default_db(), OpenMode::CreateDirs),
    };
    // The doctor writes nothing (no engine run, no upgrade, no new file),
    // needs no rules, and must still report when the file does not open,
    // so it reads the file itself.
    if let Some(Command::Doctor(args)) = &cli.command {
        return doctor::run(&path, &Catalog::new(lang), args);
    }
    let joins_team = matches!(
        &cli.command,
        Some(Command::Team(
            team::TeamCommand::Init(_) | team::TeamCommand::Join(_)
        ))
    );
    // Looking ahead makes no file where there was none.
    let mode = if as_of.is_some() {
        OpenMode::Existing
    } else {
        mode
    };
    let (path, mode, moved_from) = match synced_folder(&path, &config) {
        None => (path, mode, None),
        Some(_) if joins_team => {
            let replica = team::replica_path_for(&path, &dirs, &Catalog::new(lang))?;
            (replica, OpenMode::CreateDirs, Some(path))
        }
        Some(place) => {
            return Err(Failure::Error(team::in_sync_folder(
                &Catalog::new(lang),
                &path,
                &place,
            )));
        }
    };
    let rules = Rules::load(Some(&dirs.rules_file()))?;
    let session = Session {
        user,
        today,
        now: now.with_timezone(&Utc),
        offset: *now.offset(),
    };
    let opens_ui = cli.command.is_none() && {
        use std::io::IsTerminal;
        // A person at a terminal gets the UI; a pipe or a script gets the overview.
        std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
    };
    if as_of.is_some() && opens_ui {
        return look_ahead_in_ui(&path, session, rules, Catalog::new(lang));
    }
    let mut store = Store::open(&path, mode, session, rules)?;
    if as_of.is_some() {
        if matches!(cli.command, Some(Command::Team(_) | Command::Sync(_))) {
            return Err(Failure::Usage(
                "--as-of only looks; run team and sync commands without it".into(),
            ));
        }
        store.look_ahead()?;
    }
    if opens_ui {
        // The UI draws first and re-grades right after, so that a new day
        // does not keep the screen blank.
        let follow_clock = cli.today.is_none();
        return crate::tui::run(store, Catalog::new(lang), follow_clock).map_err(Failure::Error);
    }
    // `regrade` runs the engine itself, to report what it changed.
    if !matches!(cli.command, Some(Command::Regrade(_))) {
        store.refresh()?;
    }
    let mut ctx = Context {
        store,
        catalog: Catalog::new(lang),
        width: crate::output::terminal_width(),
    };
    // Every command works on what the team has sent, and sends what it
    // changed; `team` and `sync` exchange themselves.
    let exchanges =
        as_of.is_none() && !matches!(cli.command, Some(Command::Team(_) | Command::Sync(_)));
    if exchanges {
        team::sync_quietly(&mut ctx);
    }
    if let Some(from) = &moved_from {
        team::tell_moved(&ctx, from);
    }
    let done = dispatch(&mut ctx, cli.command);
    if exchanges && done.is_ok() {
        team::sync_quietly(&mut ctx);
    }
    done
}

fn dispatch(ctx: &mut Context, command: Option<Command>) -> CliResult {
    let Some(command) = command else {
        return views::overview(ctx);
    };
    match command {
        Command::Init => {
            let path = ctx.store.path().display().to_string();
            println!("{}", ctx.catalog.fmt("msg.db_ready", &[("path", &path)]));
            Ok(())
        }
        Command::Demo(args) => transfer::demo(ctx, args),
        Command::Account(cmd) => accounts::run(ctx, cmd),
        Command::Deal(cmd) => deals::run(ctx, cmd),
        Command::Log(args) => deals::log(ctx, args),
        Command::List(args) => views::list(ctx, args),
        Command::Show(args) => views::show(ctx, args),
        Command::Regrade(args) => views::regrade(ctx, args),
        Command::Reminders(args) => reminders::list(ctx, args),
        Command::Remind(cmd) => reminders::run(ctx, cmd),
        Command::Import(args) => transfer::import(ctx, args),
        Command::Export(args) => transfer::export(ctx, args),
        Command::Report(args) => reports::run(ctx, args),
        Command::Doctor(_) => unreachable!("doctor runs before the store is opened"),
        Command::Merge(args) => merge::merge(ctx, args),
        Command::Team(cmd) => team::run(ctx, cmd),
        Command::Sync(args) => team::sync(ctx, args),
    }
}

/// The UI on a private copy of the database, for `--as-of`: a session
/// holds it for long, and its reports read through a second connection,
/// so the look ahead is kept in the copy rather than in a transaction on
/// the shared file. The copy goes when the UI closes.
fn look_ahead_in_ui(
    path: &std::path::Path,
    session: Session,
    rules: Rules,
    catalog: Catalog,
) -> CliResult {
    let copy = std::env::temp_dir().join(format!("tierdeck-as-of-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&copy);
    crate::store::copy_out(path, &copy)?;
    let opened = Store::open(&copy, OpenMode::Existing, session, rules);
    let shown = opened.map_err(Failure::from).and_then(|mut store| {
        store.look_ahead_on_copy();
        crate::tui::run(store, catalog, false).map_err(Failure::Error)
    });
    let _ = std::fs::remove_file(&copy);
    shown
}

/// The sync folder a database file is in (its tool, when known by its
/// markers, and its root), found by the tool's markers or said in the config.
fn synced_folder(
    path: &std::path::Path,
    config: &Config,
) -> Option<(Option<&'static str>, std::path::PathBuf)> {
    if config.sharing == Some(config::Sharing::SyncFolder) {
        let folder = path.parent().unwrap_or(std::path::Path::new("."));
        return Some((None, folder.to_path_buf()));
    }
    crate::syncdir::sync_folder_of(path).map(|found| (Some(found.tool.name()), found.root))
}

fn pick_lang(flag: Option<&str>, config: &Config) -> CliResult<Lang> {
    if let Some(text) = flag {
        return Lang::parse(text)
            .ok_or_else(|| Failure::Usage(format!("unknown language `{text}`; use en or zh-CN")));
    }
    if let Some(lang) = config.lang.as_deref().and_then(Lang::parse) {
        return Ok(lang);
    }
    Ok(Lang::from_env_lang(std::env::var("LANG").ok().as_deref()))
}

/// clap value parser for the closed vocabularies (grades, needs, kinds …).
pub(crate) fn vocab<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| e.to_string())
}

/// Progress on stderr, only when a person is watching it.
pub(crate) fn progress_printer(what: &'static str) -> impl FnMut(usize, usize) {
    use std::io::IsTerminal;
    let visible = std::io::stderr().is_terminal();
    move |done, total| {
        if visible {
            eprint!("\r{what}: {done}/{total}");
            if done >= total {
                eprintln!();
            }
        }
    }
}
