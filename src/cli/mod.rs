//! The command line: parse, set up the session, run one command, print.
//!
//! Each command group lives in its own file; this one holds the argument
//! tree, the shared set-up and how failures become exit codes.

mod accounts;
mod activities;
mod completions;
mod contacts;
mod deals;
mod doctor;
mod failure;
mod goals;
mod help;
mod merge;
mod reminders;
mod reports;
mod segments;
mod team;
mod transfer;
mod trash;
mod usage;
mod views;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, NaiveDate, Utc};
use clap::{FromArgMatches, Parser, Subcommand};

use crate::config::{self, Config, Dirs};
use crate::i18n::{Catalog, Lang};
use crate::output::Format;
use crate::parse;
use crate::rules::Rules;
use crate::say::Say;
use crate::store::{OpenMode, Session, Store};

#[derive(Debug, Parser)]
// The help texts of every command and argument are in the catalogue's
// `[cli]` section (see help.rs), in each language.
#[command(name = "tierdeck", version)]
pub struct Cli {
    #[arg(long, global = true, env = "TIERDECK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[arg(long, global = true, env = "TIERDECK_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, global = true, env = "TIERDECK_USER", value_name = "NAME")]
    pub user: Option<String>,
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    #[arg(long, global = true)]
    pub wide: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init,
    Demo(transfer::DemoArgs),
    #[command(subcommand)]
    Account(accounts::AccountCommand),
    #[command(subcommand)]
    Deal(deals::DealCommand),
    #[command(subcommand)]
    Contact(contacts::ContactCommand),
    Log(deals::LogArgs),
    #[command(subcommand)]
    Activity(activities::ActivityCommand),
    Plan(activities::PlanArgs),
    List(views::ListArgs),
    Show(views::ShowArgs),
    Regrade(views::FormatArgs),
    Reminders(reminders::RemindersArgs),
    #[command(subcommand)]
    Remind(reminders::RemindCommand),
    Import(transfer::ImportArgs),
    Export(transfer::ExportArgs),
    Report(reports::ReportArgs),
    #[command(subcommand)]
    Goal(goals::GoalCommand),
    Doctor(doctor::DoctorArgs),
    Merge(merge::MergeArgs),
    #[command(subcommand)]
    Team(team::TeamCommand),
    Sync(views::FormatArgs),
    Restore(trash::RestoreArgs),
    Undo(trash::UndoArgs),
    Completions(completions::CompletionsArgs),
}

pub use failure::{Cause, Failure};

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
    /// records with their stable snake_case keys, for scripts. CSV has its
    /// header even when there are no records.
    pub fn print<R: Record>(
        &self,
        format: Format,
        table: crate::output::Table,
        records: &[R],
    ) -> CliResult {
        self.print_keyed(format, table, &records, R::KEYS)
    }

    /// [`Context::print`] of records whose keys are known only at run time.
    pub fn print_keyed(
        &self,
        format: Format,
        table: crate::output::Table,
        records: &impl serde::Serialize,
        keys: &[&str],
    ) -> CliResult {
        match format {
            Format::Table => print!("{}", table.render(self.width)),
            Format::Csv => print!("{}", records_csv(records, Some(keys))?),
            Format::Json => crate::output::print_json(records)?,
        }
        Ok(())
    }
}

/// A record of a listing: its keys in order, for the CSV header that an
/// empty list still prints (serde has no keys without a value to serialize).
/// A list with rows takes its header from them, so a key missing here only
/// shows in an empty list, which tests/cli_lists.rs compares.
pub trait Record: serde::Serialize {
    const KEYS: &'static [&'static str];
}

/// CSV of an array of flat records: the keys of the first record are the
/// header, else `keys`; nested values (a deal's timeline) are written as
/// JSON text.
fn records_csv(records: &impl serde::Serialize, keys: Option<&[&str]>) -> CliResult<String> {
    use serde_json::Value;
    let value = serde_json::to_value(records).map_err(|e| Failure::Error(e.to_string()))?;
    let rows = match value {
        Value::Array(rows) => rows,
        other => vec![other],
    };
    let first_keys = rows.iter().find_map(|row| match row {
        Value::Object(fields) => Some(fields.keys().cloned().collect::<Vec<_>>()),
        _ => None,
    });
    let header: Vec<String> = first_keys
        .or_else(|| keys.map(|keys| keys.iter().map(|k| k.to_string()).collect()))
        .unwrap_or_default();
    let mut out = csv::Writer::from_writer(Vec::new());
    if !header.is_empty() {
        out.write_record(&header)
            .map_err(|e| Failure::Error(e.to_string()))?;
    }
    for row in &rows {
        let Value::Object(fields) = row else { continue };
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
    let args: Vec<OsString> = std::env::args_os().collect();
    // The language is needed before parsing, for `--help` and usage errors;
    // a config file that does not load is reported after parsing, so that
    // `--help` still works.
    let settings = Dirs::locate().and_then(|dirs| {
        let config = Config::load(&dirs.config_file())?;
        Ok((dirs, config))
    });
    let config = settings.as_ref().ok().map(|(_, config)| config);
    let asked = help::lang_flag(&args).and_then(Lang::parse);
    let catalog = Catalog::new(asked.unwrap_or_else(|| default_lang(config)));
    let mut command = help::localized(&catalog);
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return clap_failure(&e, &command, &args, &catalog),
    };
    let (dirs, config) = match settings {
        Ok(settings) => settings,
        Err(e) => return failed(&catalog, &e.into()),
    };
    let catalog = match pick_lang(cli.lang.as_deref(), Some(&config)) {
        Ok(lang) => Catalog::new(lang),
        Err(unknown) => {
            let said = catalog.fmt("usage.unknown_lang", &[("given", unknown)]);
            return failed(&catalog, &Failure::Usage(said));
        }
    };
    // A bug must still end in one `error:` line and exit status 1, not a
    // backtrace; every write is a transaction, so nothing is left half done.
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: {}", catalog.fmt("usage.bug", &[("place", &place)]));
    }));
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(cli, &dirs, &config, catalog)
    }));
    match ran {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(failure)) => failed(&catalog, &failure),
        Err(_) => ExitCode::from(1),
    }
}

fn failed(catalog: &Catalog, failure: &Failure) -> ExitCode {
    eprintln!("error: {}", failure.say(catalog));
    ExitCode::from(failure.exit_code())
}

/// clap's help and version go to stdout as usual; its errors become one
/// line in the user's language (exit 2).
fn clap_failure(
    e: &clap::Error,
    command: &clap::Command,
    args: &[OsString],
    c: &Catalog,
) -> ExitCode {
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
    eprintln!("error: {}", usage::say(e, command, args, c));
    ExitCode::from(2)
}

fn run(cli: Cli, dirs: &Dirs, config: &Config, catalog: Catalog) -> CliResult {
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
        // Only `init` makes a database of an empty file already there.
        Some(path) if matches!(cli.command, Some(Command::Init)) => (path, OpenMode::Init),
        Some(path) => (path, OpenMode::CreateFile),
        None => (dirs.default_db(), OpenMode::CreateDirs),
    };
    // The doctor writes nothing (no engine run, no upgrade, no new file),
    // needs no rules, and must still report when the file does not open,
    // so it reads the file itself.
    if let Some(Command::Doctor(args)) = &cli.command {
        return doctor::run(&path, &catalog, args);
    }
    // A completion script is made from the argument tree alone.
    if let Some(Command::Completions(args)) = &cli.command {
        return completions::print(args, &catalog);
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
    let (path, mode, moved_from) = match synced_folder(&path, config) {
        None => (path, mode, None),
        Some(_) if joins_team => {
            let replica = team::replica_path_for(&path, dirs, &catalog)?;
            (replica, OpenMode::CreateDirs, Some(path))
        }
        Some(place) => {
            return Err(Failure::Error(team::in_sync_folder(
                &catalog, &path, &place,
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
        return look_ahead_in_ui(&path, session, rules, catalog);
    }
    let mut store = Store::open(&path, mode, session.clone(), rules.clone())?;
    let shown = path.display().to_string();
    // Said once the command is done: a failure is one `error:` line, which
    // says what stopped it.
    let mut notes = Vec::new();
    if store.recovered_journal() {
        notes.push(catalog.fmt("msg.journal_recovered", &[("path", &shown)]));
    }
    let damaged = store.damage();
    if let Some(damage) = &damaged {
        notes.push(catalog.fmt("msg.read_damaged", &[("reason", &damage.say(&catalog))]));
    }
    // A file that cannot be written is read on a copy once the day has
    // moved on, so that the day's grades are worked out for what is shown.
    let mut copy = None;
    if as_of.is_none() && !opens_ui && store.is_read_only() && !store.is_current()? {
        let (on_copy, file) = read_only_copy(&path, session, rules)?;
        copy = Some(file);
        store = on_copy;
        notes.push(catalog.fmt("msg.read_only_today", &[("path", &shown)]));
    }
    if as_of.is_some() {
        if matches!(cli.command, Some(Command::Team(_) | Command::Sync(_))) {
            return Err(Failure::Usage(
                catalog.get("usage.as_of_only_looks").to_string(),
            ));
        }
        store.look_ahead()?;
    }
    if opens_ui {
        // The UI draws first and re-grades right after, so that a new day
        // does not keep the screen blank.
        let follow_clock = cli.today.is_none();
        return crate::tui::run(store, catalog, follow_clock).map_err(Failure::Error);
    }
    // `regrade` runs the engine itself, to report what it changed; a
    // damaged file is read as it is, and refuses writes.
    if !matches!(cli.command, Some(Command::Regrade(_))) && damaged.is_none() {
        store.refresh()?;
    }
    let mut ctx = Context {
        store,
        catalog,
        // `--wide` cuts nothing, for a terminal too.
        width: if cli.wide {
            crate::output::UNLIMITED
        } else {
            crate::output::terminal_width()
        },
    };
    // Every command works on what the team has sent, and sends what it
    // changed; `team` and `sync` exchange themselves.
    let exchanges = as_of.is_none()
        && damaged.is_none()
        && copy.is_none()
        && !matches!(cli.command, Some(Command::Team(_) | Command::Sync(_)));
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
    if done.is_ok() {
        for note in &notes {
            eprintln!("{note}");
        }
    }
    drop(ctx);
    drop(copy);
    done
}

/// A temporary file that goes when this does.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A read-only file on a private copy: the engine's work for the day is
/// kept in the copy, and any change a person makes is refused as the
/// original's, which is read-only.
fn read_only_copy(
    path: &std::path::Path,
    session: Session,
    rules: Rules,
) -> CliResult<(Store, RemoveOnDrop)> {
    let copy = std::env::temp_dir().join(format!("tierdeck-read-only-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&copy);
    crate::store::copy_out(path, &copy)?;
    let file = RemoveOnDrop(copy);
    let mut store = Store::open(&file.0, OpenMode::Existing, session, rules)?;
    store.stand_in_for_read_only(path);
    Ok((store, file))
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
        Command::Contact(cmd) => contacts::run(ctx, cmd),
        Command::Log(args) => deals::log(ctx, args),
        Command::Activity(cmd) => activities::run(ctx, cmd),
        Command::Plan(args) => activities::plan(ctx, args),
        Command::List(args) => views::list(ctx, args),
        Command::Show(args) => views::show(ctx, args),
        Command::Regrade(args) => views::regrade(ctx, args),
        Command::Reminders(args) => reminders::list(ctx, args),
        Command::Remind(cmd) => reminders::run(ctx, cmd),
        Command::Import(args) => transfer::import(ctx, args),
        Command::Export(args) => transfer::export(ctx, args),
        Command::Report(args) => reports::run(ctx, args),
        Command::Goal(cmd) => goals::run(ctx, cmd),
        Command::Doctor(_) => unreachable!("doctor runs before the store is opened"),
        Command::Merge(args) => merge::merge(ctx, args),
        Command::Team(cmd) => team::run(ctx, cmd),
        Command::Sync(args) => team::sync(ctx, args),
        Command::Restore(args) => trash::restore(ctx, args),
        Command::Undo(args) => trash::undo(ctx, args),
        Command::Completions(_) => {
            unreachable!("completions are printed before the store is opened")
        }
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

/// The language asked for: `--lang`, else [`default_lang`]. An unknown
/// `--lang` is given back, to be refused.
fn pick_lang<'a>(flag: Option<&'a str>, config: Option<&Config>) -> Result<Lang, &'a str> {
    match flag {
        Some(text) => Lang::parse(text).ok_or(text),
        None => Ok(default_lang(config)),
    }
}

/// The config file's language, else `LANG`'s.
fn default_lang(config: Option<&Config>) -> Lang {
    config
        .and_then(|c| c.lang.as_deref())
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::from_env_lang(std::env::var("LANG").ok().as_deref()))
}

/// clap value parser for the closed vocabularies (grades, needs, kinds …).
/// The error stays typed, so that the usage error can list the values in
/// the user's language.
pub(crate) fn vocab<T>(s: &str) -> Result<T, crate::domain::UnknownValue>
where
    T: std::str::FromStr<Err = crate::domain::UnknownValue>,
{
    s.parse::<T>()
}

/// clap value parser for a value enum whose variants have doc comments of
/// their own: clap would print those in English under `--help`, so the
/// values go bare and the argument's help, from the catalogue, says what
/// they mean.
pub(crate) fn plain_values<E: clap::ValueEnum + Clone + Send + Sync + 'static>() -> PlainValues<E> {
    PlainValues(std::marker::PhantomData)
}

#[derive(Clone)]
pub(crate) struct PlainValues<E>(std::marker::PhantomData<E>);

impl<E: clap::ValueEnum + Clone + Send + Sync + 'static> clap::builder::TypedValueParser
    for PlainValues<E>
{
    type Value = E;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<E, clap::Error> {
        clap::builder::EnumValueParser::<E>::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let bare = E::value_variants()
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|value| value.help(clap::builder::Resettable::Reset));
        Some(Box::new(bare))
    }
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
