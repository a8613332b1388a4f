//! Errors in the user's language, for every front end: the TUI's status
//! line and form fields, and the command line's `error:` lines.

use crate::domain::UnknownValue;
use crate::i18n::{Catalog, Lang};
use crate::parse::{Detail, ParseError};
use crate::query::QueryError;
use std::path::Path;

use crate::store::{
    AccountRefusal, ActivityRefusal, ContactRefusal, DbProblem, DealRefusal, GoalRefusal,
    ReminderRefusal, RowRefusal, StoreError, TeamRefusal, TrashRefusal,
};
use crate::transfer::{CellProblem, ImportError, ImportProblem};

pub trait Say {
    /// One sentence for the status line or under a form field.
    fn say(&self, c: &Catalog) -> String;
}

impl Say for ParseError {
    fn say(&self, c: &Catalog) -> String {
        let (key, input, why) = match self {
            ParseError::Date { input, why } => ("error.date", input, why),
            ParseError::ImportDate { input, why } => ("error.import_date", input, why),
            ParseError::DateTime { input, why } => ("error.date_time", input, why),
            ParseError::Amount { input, why } => ("error.amount", input, why),
            ParseError::CurrencyDisagrees { input, said, given } => {
                return c.fmt(
                    "error.currency_disagrees",
                    &[
                        ("input", input),
                        ("said", said.code()),
                        ("given", given.code()),
                    ],
                );
            }
        };
        let because = why.as_ref().map_or_else(String::new, |detail| {
            c.fmt("error.because", &[("detail", &detail.say(c))])
        });
        c.fmt(key, &[("input", input), ("because", &because)])
    }
}

impl Say for Detail {
    fn say(&self, c: &Catalog) -> String {
        let n = |n: &u32| n.to_string();
        match self {
            Detail::OutOfRange => {
                let (from, to) = Detail::years();
                c.fmt(
                    "error.detail.out_of_range",
                    &[("from", &from.to_string()), ("to", &to.to_string())],
                )
            }
            Detail::BadUnit => c.get("error.detail.bad_unit").to_string(),
            Detail::OrderUnclear => c.get("error.detail.order_unclear").to_string(),
            Detail::NoMonth(month) => c.fmt("error.detail.no_month", &[("month", &n(month))]),
            Detail::MonthDays { month, year, days } => c.fmt(
                "error.detail.month_days",
                &[
                    ("month", c.get(&format!("error.month.{month}"))),
                    ("year", &year.to_string()),
                    ("days", &n(days)),
                ],
            ),
            Detail::NotAnOffset(text) => c.fmt("error.detail.not_an_offset", &[("text", text)]),
            Detail::NoHourAmPm(hour) => c.fmt("error.detail.no_hour_am_pm", &[("hour", &n(hour))]),
            Detail::NoHour(hour) => c.fmt("error.detail.no_hour", &[("hour", &n(hour))]),
            Detail::MinutesOver59 => c.get("error.detail.minutes_over_59").to_string(),
            Detail::Empty => c.get("error.detail.empty").to_string(),
            Detail::Negative => c.get("error.detail.negative").to_string(),
            Detail::TooManyDecimals => c.get("error.detail.too_many_decimals").to_string(),
            Detail::TooLarge => c.get("error.detail.too_large").to_string(),
            Detail::TwoCurrencies(first, second) => c.fmt(
                "error.detail.two_currencies",
                &[("first", first.code()), ("second", second.code())],
            ),
        }
    }
}

impl Say for UnknownValue {
    fn say(&self, c: &Catalog) -> String {
        // A currency's allowed values are a rule, not a list to print.
        if self.what == "currency" {
            return c.fmt("error.currency", &[("given", &self.given)]);
        }
        if c.lang() == Lang::En {
            return self.to_string();
        }
        c.fmt(
            "error.unknown_value",
            &[("given", &self.given), ("allowed", &self.allowed)],
        )
    }
}

impl Say for QueryError {
    fn say(&self, c: &Catalog) -> String {
        match self {
            QueryError::Value { term, source } if c.lang() != Lang::En => {
                format!("{term}: {}", source.say(c))
            }
            QueryError::UnknownKey { key, known } if c.lang() != Lang::En => c.fmt(
                "error.unknown_filter_key",
                &[("key", key), ("known", known)],
            ),
            QueryError::Empty { term, key } if c.lang() != Lang::En => {
                c.fmt("error.empty_term", &[("term", term), ("key", key)])
            }
            _ => self.to_string(),
        }
    }
}

impl Say for StoreError {
    fn say(&self, c: &Catalog) -> String {
        let path = |p: &Path| p.display().to_string();
        let thing = |what: &str| c.word("error.thing", what);
        match self {
            StoreError::LookingAhead(date) => {
                c.fmt("error.looking_ahead", &[("date", &date.to_string())])
            }
            StoreError::MissingDir(p) => c.fmt("error.missing_dir", &[("path", &path(p))]),
            StoreError::NotSqlite(p) => c.fmt("error.not_sqlite", &[("path", &path(p))]),
            StoreError::NotTierdeck(p) => c.fmt("error.not_tierdeck", &[("path", &path(p))]),
            StoreError::NoDatabase { path: p, empty } => {
                let key = if *empty {
                    "error.no_database_empty"
                } else {
                    "error.no_database_tables"
                };
                c.fmt(key, &[("path", &path(p))])
            }
            StoreError::Damaged { path: p, problem } => {
                c.fmt("error.damaged", &[("path", &path(p)), ("problem", problem)])
            }
            StoreError::StrayJournal(p) => c.fmt("error.stray_journal", &[("path", &path(p))]),
            StoreError::ForeignJournal {
                path: p,
                what,
                journal,
                file,
            } => c.fmt(
                "error.foreign_journal",
                &[
                    ("path", &path(p)),
                    ("what", &c.word("error.journal_field", what)),
                    ("journal", &journal.to_string()),
                    ("file", &file.to_string()),
                ],
            ),
            StoreError::NewerSchema {
                path: p,
                found,
                supported,
            } => c.fmt(
                "error.newer_schema",
                &[
                    ("path", &path(p)),
                    ("found", &found.to_string()),
                    ("supported", &supported.to_string()),
                ],
            ),
            StoreError::Open { path: p, reason } => c.fmt(
                "error.open",
                &[("path", &path(p)), ("reason", &reason.say(c))],
            ),
            StoreError::Write { path: p, reason } => c.fmt(
                "error.write",
                &[("path", &path(p)), ("reason", &reason.say(c))],
            ),
            StoreError::Migration { path: p, reason } => {
                c.fmt("error.migration", &[("path", &path(p)), ("reason", reason)])
            }
            StoreError::Io { path: p, source } => {
                let reason = match source.kind() {
                    std::io::ErrorKind::NotFound => c.get("error.io_not_found").to_string(),
                    std::io::ErrorKind::PermissionDenied => c.get("error.io_denied").to_string(),
                    _ => source.to_string(),
                };
                c.fmt("error.io", &[("path", &path(p)), ("reason", &reason)])
            }
            StoreError::BadId {
                what,
                given,
                lister,
            } => c.fmt(
                "error.bad_id",
                &[("what", &thing(what)), ("given", given), ("lister", lister)],
            ),
            StoreError::NoSuchId {
                what,
                given,
                lister,
            } => c.fmt(
                "error.no_such_id",
                &[("what", &thing(what)), ("given", given), ("lister", lister)],
            ),
            StoreError::NotFound { what, given } => c.fmt(
                "error.not_found",
                &[("what", &thing(what)), ("given", given)],
            ),
            StoreError::Ambiguous {
                what,
                given,
                candidates,
            } => c.fmt(
                "error.ambiguous",
                &[
                    ("what", &thing(what)),
                    ("given", given),
                    ("candidates", &candidates.join(", ")),
                ],
            ),
            StoreError::NoSuchAccount(name) => c.fmt("error.no_such_account", &[("name", name)]),
            StoreError::AccountNamePartAmbiguous { given, names } => c.fmt(
                "error.account_name_part_ambiguous",
                &[
                    ("given", given),
                    ("names", &names.join(c.get("usage.list_sep"))),
                ],
            ),
            StoreError::AccountNameAmbiguous { name, count, ids } => c.fmt(
                "error.account_name_ambiguous",
                &[
                    ("name", name),
                    ("count", &count.to_string()),
                    ("ids", &ids.join(", ")),
                ],
            ),
            StoreError::UnknownStage { given, known } => {
                c.fmt("error.unknown_stage", &[("given", given), ("known", known)])
            }
            StoreError::Conflict { what, id, by, at } => c.fmt(
                "error.conflict",
                &[("what", &thing(what)), ("id", id), ("by", by), ("at", at)],
            ),
            StoreError::MergeRefused { path: p, reason } => c.fmt(
                "error.merge_refused",
                &[("path", &path(p)), ("reason", reason)],
            ),
            StoreError::Import(e) => c.fmt("error.import", &[("problem", &e.say(c))]),
            StoreError::Rejected(r) => r.say(c),
            StoreError::ImportFile { path: p, error } => c.fmt(
                "error.import_file",
                &[("path", &path(p)), ("problem", &error.say(c))],
            ),
            StoreError::Sql(e) => c.fmt(
                "error.database",
                &[("reason", &crate::store::DbProblem::of(e).say(c))],
            ),
            StoreError::Deal(refusal) => refusal.say(c),
            StoreError::Account(refusal) => refusal.say(c),
            StoreError::Contact(refusal) => refusal.say(c),
            StoreError::Reminder(refusal) => refusal.say(c),
            StoreError::Activity(refusal) => refusal.say(c),
            StoreError::Team(refusal) => refusal.say(c),
            StoreError::Row(refusal) => refusal.say(c),
            StoreError::Trash(refusal) => refusal.say(c),
            StoreError::Goal(refusal) => refusal.say(c),
            StoreError::AccountsHaveNo(by) => c.fmt(
                "error.accounts_have_no",
                &[("dimension", &c.word("error.dimension", by.key()))],
            ),
            StoreError::TempFolderName(p) => c.fmt("error.temp_folder_name", &[("path", &path(p))]),
        }
    }
}

impl Say for DealRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            DealRefusal::AlreadyWon { id } => c.fmt("error.already_won", &[("id", id)]),
            DealRefusal::AlreadyLost { id } => c.fmt("error.already_lost", &[("id", id)]),
            DealRefusal::LostByStageMove { id } => c.fmt("error.lost_by_stage_move", &[("id", id)]),
            DealRefusal::LostWithoutReason => c.get("error.lost_without_reason").to_string(),
            DealRefusal::PinWithoutReason => c.get("error.pin_without_reason").to_string(),
            DealRefusal::NotPinned { id } => c.fmt("error.not_pinned", &[("id", id)]),
            DealRefusal::NothingToChange => c.get("error.nothing_to_change").to_string(),
            DealRefusal::EmptyTitle => c.get("error.empty_title").to_string(),
            DealRefusal::EmptySummary => c.get("error.empty_summary").to_string(),
            DealRefusal::NoOpenStage => c.get("error.no_open_stage").to_string(),
        }
    }
}

impl Say for AccountRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            AccountRefusal::EmptyName => c.get("error.empty_name").to_string(),
            AccountRefusal::NameTaken { name, id } => {
                c.fmt("error.name_taken", &[("name", name), ("id", id)])
            }
        }
    }
}

impl Say for TrashRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            TrashRefusal::OpenDeals { name, count } => c.fmt(
                "error.open_deals_go_with",
                &[("name", name), ("count", &count.to_string())],
            ),
            TrashRefusal::NotDeleted { given } => c.fmt("error.not_deleted", &[("given", given)]),
            TrashRefusal::AccountDeleted { name, id } => {
                c.fmt("error.account_deleted", &[("name", name), ("id", id)])
            }
            TrashRefusal::NothingToUndo => c.get("error.nothing_to_undo").to_string(),
        }
    }
}

impl Say for GoalRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            GoalRefusal::BadPeriod { given } => c.fmt("error.goal_bad_period", &[("given", given)]),
            GoalRefusal::NoTarget => c.get("error.goal_no_target").to_string(),
            GoalRefusal::NotPositive { what } => {
                c.fmt("error.goal_not_positive", &[("what", what)])
            }
            GoalRefusal::EmptyOwner => c.get("error.goal_empty_owner").to_string(),
        }
    }
}

impl Say for ContactRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            ContactRefusal::EmptyName => c.get("error.contact_empty_name").to_string(),
            ContactRefusal::NameTaken { name, account, id } => c.fmt(
                "error.contact_name_taken",
                &[("name", name), ("account", account), ("id", id)],
            ),
            ContactRefusal::NoSuchContact { given, account } => c.fmt(
                "error.no_such_contact",
                &[("given", given), ("account", account)],
            ),
            ContactRefusal::NamePartAmbiguous { given, names } => c.fmt(
                "error.contact_name_part_ambiguous",
                &[
                    ("given", given),
                    ("names", &names.join(c.get("usage.list_sep"))),
                ],
            ),
            ContactRefusal::NotAtAccount { name, account } => c.fmt(
                "error.contact_not_at_account",
                &[("name", name), ("account", account)],
            ),
            ContactRefusal::NamedByDeals { name, deals } => c.fmt(
                "error.contact_named_by_deals",
                &[("name", name), ("deals", &deals.to_string())],
            ),
            ContactRefusal::NothingToChange => c.get("error.contact_nothing_to_change").to_string(),
        }
    }
}

impl Say for ReminderRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            ReminderRefusal::Closed { id, status } => c.fmt(
                "error.reminder_closed",
                &[
                    ("id", id),
                    ("status", &c.word("error.status", status.as_str())),
                ],
            ),
            ReminderRefusal::SnoozeNotAfterToday { until, today } => c.fmt(
                "error.snooze_not_after_today",
                &[("until", &until.to_string()), ("today", &today.to_string())],
            ),
            ReminderRefusal::NotDueYet { id, due } => c.fmt(
                "error.reminder_not_due",
                &[("id", id), ("due", &due.to_string())],
            ),
            ReminderRefusal::PlanBeforeToday { on, today } => c.fmt(
                "error.plan_before_today",
                &[("on", &on.to_string()), ("today", &today.to_string())],
            ),
            ReminderRefusal::EmptyPlan => c.get("error.empty_plan").to_string(),
        }
    }
}

impl Say for ActivityRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            ActivityRefusal::InFuture { at } => c.fmt("error.activity_in_future", &[("at", at)]),
            ActivityRefusal::Replaced { id } => c.fmt("error.activity_replaced", &[("id", id)]),
            ActivityRefusal::IsRetraction { id } => {
                c.fmt("error.activity_is_retraction", &[("id", id)])
            }
            ActivityRefusal::RetractWithoutReason => {
                c.get("error.retract_without_reason").to_string()
            }
        }
    }
}

impl Say for crate::team::TransportError {
    fn say(&self, c: &Catalog) -> String {
        use crate::team::TransportError as T;
        let server = |key: &str, server: &str| c.fmt(key, &[("server", server)]);
        let as_user =
            |key: &str, server: &str, user: &str| c.fmt(key, &[("server", server), ("user", user)]);
        match self {
            T::Unreachable(folder) => c.fmt("usage.team_unreachable", &[("folder", folder)]),
            T::BadUrl(s) => server("error.server_bad_url", s),
            T::PasswordInUrl(s) => server("error.password_in_url", s),
            T::TlsUntrusted(s) => server("error.tls_untrusted", s),
            T::ServerWithoutTls(s) => server("error.server_without_tls", s),
            T::RootCertUnreadable { server: s, path } => c.fmt(
                "error.root_cert_unreadable",
                &[("server", s), ("path", path)],
            ),
            T::ServerDown(s) => server("error.server_down", s),
            T::Dropped(s) => server("error.server_dropped", s),
            T::NotSetUp(s) => server("error.not_set_up", s),
            T::WrongPassword { server: s, user } => as_user("error.wrong_password", s, user),
            T::NoPassword { server: s, user } => as_user("error.no_password", s, user),
            T::NoLogin { server: s, user } => as_user("error.no_login", s, user),
            T::Refused { server: s, user } => as_user("error.server_refused", s, user),
            T::NewerSchema { server: s, version } => c.fmt(
                "error.newer_server_schema",
                &[("server", s), ("version", &version.to_string())],
            ),
            T::Server { server: s, reason } => {
                c.fmt("error.server_said", &[("server", s), ("reason", reason)])
            }
        }
    }
}

impl Say for crate::team::TeamError {
    fn say(&self, c: &Catalog) -> String {
        use crate::team::TeamError;
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            TeamError::Store(e) => e.say(c),
            TeamError::Transport(e) => e.say(c),
            TeamError::NotATeamFolder(p) => c.fmt("error.not_a_team_folder", &[("path", &path(p))]),
            TeamError::TeamFileUnreadable(p) => {
                c.fmt("error.team_file_unreadable", &[("path", &path(p))])
            }
            TeamError::NewerFormat { path: p, format } => c.fmt(
                "error.newer_team_format",
                &[("path", &path(p)), ("format", &format.to_string())],
            ),
            TeamError::SnapshotUnreadable { path: p, source } => c.fmt(
                "error.snapshot_unreadable",
                &[("path", &path(p)), ("reason", &source.to_string())],
            ),
        }
    }
}

impl Say for TeamRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            TeamRefusal::NoReplicaId => c.get("error.no_replica_id").to_string(),
            TeamRefusal::ConflictSettled { id } => c.fmt("error.conflict_settled", &[("id", id)]),
            TeamRefusal::NotRestorable { table } => {
                c.fmt("error.not_restorable", &[("table", table)])
            }
            TeamRefusal::NoSuchField { table, field } => {
                c.fmt("error.no_such_field", &[("table", table), ("field", field)])
            }
            TeamRefusal::SnapshotDamaged { path, check } => c.fmt(
                "error.snapshot_damaged",
                &[("path", &path.display().to_string()), ("check", check)],
            ),
            TeamRefusal::SnapshotOtherVersion => c.get("error.snapshot_other_version").to_string(),
        }
    }
}

impl Say for RowRefusal {
    fn say(&self, c: &Catalog) -> String {
        match self {
            RowRefusal::DemoLoaded { seed } => {
                c.fmt("error.demo_loaded", &[("seed", &seed.to_string())])
            }
            RowRefusal::NoDealNorAccount => c.get("error.no_deal_nor_account").to_string(),
            RowRefusal::NoDealTitled { title } => {
                c.fmt("error.no_deal_titled", &[("title", title)])
            }
            RowRefusal::DealTitleAmbiguous { title } => {
                c.fmt("error.deal_title_ambiguous", &[("title", title)])
            }
            RowRefusal::ReminderDealMissing { deal } => {
                c.fmt("error.reminder_deal_missing", &[("deal", deal)])
            }
            RowRefusal::ReminderAlreadyOpen { deal } => {
                c.fmt("error.reminder_already_open", &[("deal", deal)])
            }
            RowRefusal::NothingToImport { dir } => c.fmt(
                "error.nothing_to_import",
                &[("dir", &dir.display().to_string())],
            ),
            RowRefusal::NoAccountWithSourceId { id } => {
                c.fmt("error.no_account_with_source_id", &[("id", id)])
            }
            RowRefusal::NoContactWithSourceId { id } => {
                c.fmt("error.no_contact_with_source_id", &[("id", id)])
            }
            RowRefusal::NothingWithSourceId { id } => {
                c.fmt("error.nothing_with_source_id", &[("id", id)])
            }
        }
    }
}

impl Say for DbProblem {
    fn say(&self, c: &Catalog) -> String {
        match self {
            DbProblem::ReadOnly => c.get("error.db_read_only").to_string(),
            DbProblem::Moved => c.get("error.db_moved").to_string(),
            DbProblem::HotJournal => c.get("error.db_hot_journal").to_string(),
            DbProblem::CannotOpen => c.get("error.db_cannot_open").to_string(),
            DbProblem::Locked => c.get("error.db_locked").to_string(),
            DbProblem::Damaged => c.get("error.db_damaged").to_string(),
            DbProblem::DiskFull => c.get("error.db_disk_full").to_string(),
            DbProblem::UnreadableValue => c.get("error.db_unreadable_value").to_string(),
            // SQLite's own words: there are no others to give.
            DbProblem::Other(words) => words.clone(),
        }
    }
}

impl Say for ImportError {
    fn say(&self, c: &Catalog) -> String {
        c.fmt(
            "error.import_line",
            &[
                ("line", &self.line.to_string()),
                ("reason", &self.problem.say(c)),
            ],
        )
    }
}

impl Say for ImportProblem {
    fn say(&self, c: &Catalog) -> String {
        match self {
            ImportProblem::MissingColumn { name, aliases } => {
                let also = if aliases.is_empty() {
                    String::new()
                } else {
                    c.fmt("error.import_also", &[("names", &aliases.join(", "))])
                };
                c.fmt(
                    "error.import_missing_column",
                    &[("name", name), ("also", &also)],
                )
            }
            ImportProblem::NoActivityColumn => c.get("error.import_no_activity_column").to_string(),
            ImportProblem::NotUtf8 => c.get("error.import_not_utf8").to_string(),
            // The CSV reader's words are all there is.
            ImportProblem::Csv(words) => words.clone(),
            ImportProblem::EmptyCell { column } => {
                c.fmt("error.import_empty_cell", &[("column", column)])
            }
            ImportProblem::BadCell { column, problem } => c.fmt(
                "error.import_bad_cell",
                &[("column", column), ("problem", &problem.say(c))],
            ),
            ImportProblem::NoName => c.get("error.import_no_name").to_string(),
            ImportProblem::NoAccount => c.get("error.import_no_account").to_string(),
            ImportProblem::NoDealNorAccount => {
                c.get("error.import_no_deal_nor_account").to_string()
            }
            ImportProblem::MixedDateOrders {
                column,
                first,
                first_line,
                second,
            } => c.fmt(
                "error.import_mixed_date_orders",
                &[
                    ("column", column),
                    ("first", first),
                    ("first_line", &first_line.to_string()),
                    ("second", second),
                ],
            ),
            ImportProblem::UnclearDates { column, example } => c.fmt(
                "error.import_unclear_dates",
                &[("column", column), ("example", example)],
            ),
            ImportProblem::MapNoColumn { column } => {
                c.fmt("error.import_map_no_column", &[("column", column)])
            }
            ImportProblem::MapNoField { field, known } => c.fmt(
                "error.import_map_no_field",
                &[("field", field), ("known", known)],
            ),
            ImportProblem::StageMapNoStage { stage, known } => c.fmt(
                "error.import_stage_map_no_stage",
                &[("stage", stage), ("known", known)],
            ),
            ImportProblem::Store(e) => e.say(c),
        }
    }
}

/// A file refused for its bad rows: how many, each (up to a limit) with its
/// reason, and the unknown stage values together, each with the
/// `--stage-map` that takes it.
impl Say for crate::store::Rejected {
    fn say(&self, c: &Catalog) -> String {
        let rows = self.summary.counts.rows + self.bad.len();
        let mut out = c.fmt(
            "error.import_rejected",
            &[
                ("bad", &self.bad.len().to_string()),
                ("rows", &rows.to_string()),
            ],
        );
        let mut stages: Vec<(String, Vec<u64>)> = Vec::new();
        let mut others = Vec::new();
        for e in &self.bad {
            match &e.problem {
                ImportProblem::BadCell {
                    problem: CellProblem::UnknownStage { given, .. },
                    ..
                } => match stages.iter_mut().find(|(value, _)| value == given) {
                    Some((_, lines)) => lines.push(e.line),
                    None => stages.push((given.clone(), vec![e.line])),
                },
                _ => others.push(e),
            }
        }
        for e in others.iter().take(crate::store::BAD_ROWS_LISTED) {
            out.push_str("\n  ");
            out.push_str(&e.say(c));
        }
        if others.len() > crate::store::BAD_ROWS_LISTED {
            out.push_str("\n  ");
            out.push_str(&c.fmt(
                "error.import_more_bad",
                &[(
                    "count",
                    &(others.len() - crate::store::BAD_ROWS_LISTED).to_string(),
                )],
            ));
        }
        for (value, lines) in &stages {
            let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
            let more = if lines.len() > 5 { ", …" } else { "" };
            out.push_str("\n  ");
            out.push_str(&c.fmt(
                "error.import_unknown_stage_value",
                &[
                    ("value", value),
                    ("count", &lines.len().to_string()),
                    ("lines", &format!("{}{more}", shown.join(", "))),
                    (
                        "map",
                        &format!("--stage-map '{}=STAGE'", value.replace('\'', "'\\''")),
                    ),
                ],
            ));
        }
        if !stages.is_empty() {
            out.push_str("\n  ");
            out.push_str(&c.fmt("error.import_stages_are", &[("stages", &self.stages)]));
        }
        out
    }
}

impl Say for CellProblem {
    fn say(&self, c: &Catalog) -> String {
        match self {
            CellProblem::Parse(e) => e.say(c),
            CellProblem::Value(e) => e.say(c),
            CellProblem::NotAnId(cell) => c.fmt("error.cell_not_an_id", &[("cell", cell)]),
            CellProblem::UnknownStage { given, known } => {
                c.fmt("error.unknown_stage", &[("given", given), ("known", known)])
            }
            CellProblem::NotAVersion(cell) => c.fmt("error.cell_not_a_version", &[("cell", cell)]),
            CellProblem::NotMinorUnits(cell) => {
                c.fmt("error.cell_not_minor_units", &[("cell", cell)])
            }
            CellProblem::NotYesNo(cell) => c.fmt("error.cell_not_yes_no", &[("cell", cell)]),
            CellProblem::NotACount(cell) => c.fmt("error.cell_not_a_count", &[("cell", cell)]),
            CellProblem::OpenButClosedStage(stage) => {
                c.fmt("error.cell_open_but_closed_stage", &[("stage", stage)])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono::NaiveDate;

    use super::*;
    use crate::domain::ReminderStatus;
    use crate::query::Dimension;

    fn zh() -> Catalog {
        Catalog::new(Lang::ZhCn)
    }

    fn en() -> Catalog {
        Catalog::new(Lang::En)
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a test date")
    }

    fn is_cjk(ch: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&ch)
    }

    /// The English words of `english` that a Chinese sentence has no
    /// business using; commands, tables and fields are the same in both.
    fn english_words(english: &str) -> Vec<String> {
        const KEPT: &[&str] = &[
            "tierdeck",
            "contact",
            "sqlite",
            "tmpdir",
            "list",
            "account",
            "reminders",
            "team",
            "conflicts",
            "ops",
            "deals",
            "with",
            "undo",
            "restore",
            "colour",
            // The options of `goal set`, named as typed.
            "won",
            "amount",
            "activities",
            "init",
            "doctor",
        ];
        english
            .split(|ch: char| !ch.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .map(str::to_ascii_lowercase)
            .filter(|w| !KEPT.contains(&w.as_str()))
            .collect()
    }

    fn sqlite(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    /// One of every error the store gives. The `match` names every variant
    /// without a catch-all, so a new one does not compile until it is here.
    fn every_store_error() -> Vec<StoreError> {
        let path = || PathBuf::from("/团队/销售.db");
        let errors = vec![
            StoreError::LookingAhead(day("2026-12-01")),
            StoreError::MissingDir(path()),
            StoreError::NotSqlite(path()),
            StoreError::NotTierdeck(path()),
            StoreError::NoDatabase {
                path: path(),
                empty: true,
            },
            StoreError::NoDatabase {
                path: path(),
                empty: false,
            },
            StoreError::Damaged {
                path: path(),
                problem: "—".into(),
            },
            StoreError::StrayJournal(path()),
            StoreError::ForeignJournal {
                path: path(),
                what: "page_size",
                journal: 1024,
                file: 4096,
            },
            StoreError::ForeignJournal {
                path: path(),
                what: "change_counter",
                journal: 7,
                file: 12,
            },
            StoreError::ForeignJournal {
                path: path(),
                what: "size",
                journal: 7,
                file: 12,
            },
            StoreError::Open {
                path: path(),
                reason: DbProblem::Moved,
            },
            StoreError::Write {
                path: path(),
                reason: DbProblem::HotJournal,
            },
            StoreError::Open {
                path: path(),
                reason: DbProblem::UnreadableValue,
            },
            StoreError::NewerSchema {
                path: path(),
                found: 9,
                supported: 6,
            },
            StoreError::Open {
                path: path(),
                reason: DbProblem::ReadOnly,
            },
            StoreError::Write {
                path: path(),
                reason: DbProblem::DiskFull,
            },
            StoreError::Migration {
                path: path(),
                reason: "V6".into(),
            },
            StoreError::Io {
                path: path(),
                source: std::io::ErrorKind::NotFound.into(),
            },
            StoreError::BadId {
                what: "deal",
                given: "7z".into(),
                lister: "tierdeck list",
            },
            StoreError::NoSuchId {
                what: "account",
                given: "ab12".into(),
                lister: "tierdeck account list",
            },
            StoreError::NotFound {
                what: "reminder",
                given: "0193a4f2".into(),
            },
            StoreError::Ambiguous {
                what: "deal",
                given: "0193".into(),
                candidates: vec!["0193a4f2".into(), "0193b001".into()],
            },
            StoreError::NoSuchAccount("华东电力".into()),
            StoreError::AccountNameAmbiguous {
                name: "华东电力".into(),
                count: 2,
                ids: vec!["0193a4f2".into(), "0193b001".into()],
            },
            StoreError::AccountNamePartAmbiguous {
                given: "华东".into(),
                names: vec!["华东电力".into(), "华东医药".into()],
            },
            StoreError::UnknownStage {
                given: "签约".into(),
                known: "潜在客户, 初步接触".into(),
            },
            StoreError::Conflict {
                what: "deal",
                id: "0193a4f2".into(),
                by: "李娜".into(),
                at: "2026-11-23T09:30:00Z".into(),
            },
            StoreError::MergeRefused {
                path: path(),
                reason: "—".into(),
            },
            StoreError::Import(ImportError {
                line: 7,
                problem: ImportProblem::EmptyCell {
                    column: "名称".into(),
                },
            }),
            StoreError::Sql(sqlite(rusqlite::ffi::SQLITE_BUSY)),
            DealRefusal::AlreadyWon {
                id: "7686b108".into(),
            }
            .into(),
            DealRefusal::AlreadyLost {
                id: "7686b108".into(),
            }
            .into(),
            DealRefusal::LostByStageMove {
                id: "7686b108".into(),
            }
            .into(),
            DealRefusal::LostWithoutReason.into(),
            DealRefusal::PinWithoutReason.into(),
            DealRefusal::NotPinned {
                id: "7686b108".into(),
            }
            .into(),
            DealRefusal::NothingToChange.into(),
            DealRefusal::EmptyTitle.into(),
            DealRefusal::EmptySummary.into(),
            DealRefusal::NoOpenStage.into(),
            AccountRefusal::EmptyName.into(),
            AccountRefusal::NameTaken {
                name: "华东电力".into(),
                id: "0193a4f2".into(),
            }
            .into(),
            ContactRefusal::EmptyName.into(),
            ContactRefusal::NameTaken {
                name: "李总".into(),
                account: "上海华信".into(),
                id: "0193a4f2".into(),
            }
            .into(),
            ContactRefusal::NoSuchContact {
                given: "王经理".into(),
                account: "上海华信".into(),
            }
            .into(),
            ContactRefusal::NamePartAmbiguous {
                given: "李".into(),
                names: vec!["李总".into(), "李娜".into()],
            }
            .into(),
            ContactRefusal::NotAtAccount {
                name: "李总".into(),
                account: "华东电力".into(),
            }
            .into(),
            ContactRefusal::NamedByDeals {
                name: "李总".into(),
                deals: 2,
            }
            .into(),
            ContactRefusal::NothingToChange.into(),
            ReminderRefusal::Closed {
                id: "0193a4f2".into(),
                status: ReminderStatus::Done,
            }
            .into(),
            ReminderRefusal::SnoozeNotAfterToday {
                until: day("2026-03-01"),
                today: day("2026-03-02"),
            }
            .into(),
            ReminderRefusal::NotDueYet {
                id: "0193a4f2".into(),
                due: day("2026-03-05"),
            }
            .into(),
            ReminderRefusal::PlanBeforeToday {
                on: day("2026-03-01"),
                today: day("2026-03-02"),
            }
            .into(),
            ReminderRefusal::EmptyPlan.into(),
            ActivityRefusal::InFuture {
                at: "2026-03-03 15:00".into(),
            }
            .into(),
            ActivityRefusal::Replaced {
                id: "0193a4f2".into(),
            }
            .into(),
            ActivityRefusal::IsRetraction {
                id: "0193a4f2".into(),
            }
            .into(),
            ActivityRefusal::RetractWithoutReason.into(),
            TeamRefusal::NoReplicaId.into(),
            TeamRefusal::ConflictSettled {
                id: "0193a4f2".into(),
            }
            .into(),
            TeamRefusal::NotRestorable {
                table: "ops".into(),
            }
            .into(),
            TeamRefusal::NoSuchField {
                table: "deals".into(),
                field: "colour".into(),
            }
            .into(),
            TeamRefusal::SnapshotDamaged {
                path: path(),
                check: "ok".into(),
            }
            .into(),
            TeamRefusal::SnapshotOtherVersion.into(),
            RowRefusal::DemoLoaded { seed: 7 }.into(),
            RowRefusal::NoDealNorAccount.into(),
            RowRefusal::NoDealTitled {
                title: "二期扩容".into(),
            }
            .into(),
            RowRefusal::DealTitleAmbiguous {
                title: "二期扩容".into(),
            }
            .into(),
            RowRefusal::ReminderDealMissing {
                deal: "0193a4f2".into(),
            }
            .into(),
            RowRefusal::ReminderAlreadyOpen {
                deal: "0193a4f2".into(),
            }
            .into(),
            RowRefusal::NothingToImport { dir: path() }.into(),
            RowRefusal::NoAccountWithSourceId { id: "4711".into() }.into(),
            RowRefusal::NoContactWithSourceId { id: "4712".into() }.into(),
            RowRefusal::NothingWithSourceId { id: "4713".into() }.into(),
            TrashRefusal::OpenDeals {
                name: "上海华信".into(),
                count: 3,
            }
            .into(),
            TrashRefusal::NotDeleted {
                given: "0193a4f2".into(),
            }
            .into(),
            TrashRefusal::AccountDeleted {
                name: "上海华信".into(),
                id: "0193a4f2".into(),
            }
            .into(),
            TrashRefusal::NothingToUndo.into(),
            GoalRefusal::BadPeriod {
                given: "2026-13".into(),
            }
            .into(),
            GoalRefusal::NoTarget.into(),
            GoalRefusal::NotPositive {
                what: "--won-deals",
            }
            .into(),
            GoalRefusal::EmptyOwner.into(),
            StoreError::AccountsHaveNo(Dimension::Stage),
            StoreError::TempFolderName(path()),
        ];
        for e in &errors {
            match e {
                StoreError::LookingAhead(_)
                | StoreError::MissingDir(_)
                | StoreError::NotSqlite(_)
                | StoreError::NotTierdeck(_)
                | StoreError::NoDatabase { .. }
                | StoreError::Damaged { .. }
                | StoreError::StrayJournal(_)
                | StoreError::ForeignJournal { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::Open { .. }
                | StoreError::Write { .. }
                | StoreError::Migration { .. }
                | StoreError::Io { .. }
                | StoreError::BadId { .. }
                | StoreError::NoSuchId { .. }
                | StoreError::NotFound { .. }
                | StoreError::Ambiguous { .. }
                | StoreError::NoSuchAccount(_)
                | StoreError::AccountNameAmbiguous { .. }
                | StoreError::AccountNamePartAmbiguous { .. }
                | StoreError::UnknownStage { .. }
                | StoreError::Conflict { .. }
                | StoreError::MergeRefused { .. }
                | StoreError::Import(_)
                | StoreError::Rejected(_)
                | StoreError::ImportFile { .. }
                | StoreError::Sql(_)
                | StoreError::AccountsHaveNo(_)
                | StoreError::TempFolderName(_) => {}
                StoreError::Deal(d) => match d {
                    DealRefusal::AlreadyWon { .. }
                    | DealRefusal::AlreadyLost { .. }
                    | DealRefusal::LostByStageMove { .. }
                    | DealRefusal::LostWithoutReason
                    | DealRefusal::PinWithoutReason
                    | DealRefusal::NotPinned { .. }
                    | DealRefusal::NothingToChange
                    | DealRefusal::EmptyTitle
                    | DealRefusal::EmptySummary
                    | DealRefusal::NoOpenStage => {}
                },
                StoreError::Account(a) => match a {
                    AccountRefusal::EmptyName | AccountRefusal::NameTaken { .. } => {}
                },
                StoreError::Contact(k) => match k {
                    ContactRefusal::EmptyName
                    | ContactRefusal::NameTaken { .. }
                    | ContactRefusal::NoSuchContact { .. }
                    | ContactRefusal::NamePartAmbiguous { .. }
                    | ContactRefusal::NotAtAccount { .. }
                    | ContactRefusal::NamedByDeals { .. }
                    | ContactRefusal::NothingToChange => {}
                },
                StoreError::Reminder(r) => match r {
                    ReminderRefusal::Closed { .. }
                    | ReminderRefusal::SnoozeNotAfterToday { .. }
                    | ReminderRefusal::NotDueYet { .. }
                    | ReminderRefusal::PlanBeforeToday { .. }
                    | ReminderRefusal::EmptyPlan => {}
                },
                StoreError::Activity(a) => match a {
                    ActivityRefusal::InFuture { .. }
                    | ActivityRefusal::Replaced { .. }
                    | ActivityRefusal::IsRetraction { .. }
                    | ActivityRefusal::RetractWithoutReason => {}
                },
                StoreError::Team(t) => match t {
                    TeamRefusal::NoReplicaId
                    | TeamRefusal::ConflictSettled { .. }
                    | TeamRefusal::NotRestorable { .. }
                    | TeamRefusal::NoSuchField { .. }
                    | TeamRefusal::SnapshotDamaged { .. }
                    | TeamRefusal::SnapshotOtherVersion => {}
                },
                StoreError::Row(r) => match r {
                    RowRefusal::DemoLoaded { .. }
                    | RowRefusal::NoDealNorAccount
                    | RowRefusal::NoDealTitled { .. }
                    | RowRefusal::DealTitleAmbiguous { .. }
                    | RowRefusal::ReminderDealMissing { .. }
                    | RowRefusal::ReminderAlreadyOpen { .. }
                    | RowRefusal::NothingToImport { .. }
                    | RowRefusal::NoAccountWithSourceId { .. }
                    | RowRefusal::NoContactWithSourceId { .. }
                    | RowRefusal::NothingWithSourceId { .. } => {}
                },
                StoreError::Trash(t) => match t {
                    TrashRefusal::OpenDeals { .. }
                    | TrashRefusal::NotDeleted { .. }
                    | TrashRefusal::AccountDeleted { .. }
                    | TrashRefusal::NothingToUndo => {}
                },
                StoreError::Goal(g) => match g {
                    GoalRefusal::BadPeriod { .. }
                    | GoalRefusal::NoTarget
                    | GoalRefusal::NotPositive { .. }
                    | GoalRefusal::EmptyOwner => {}
                },
            }
        }
        errors
    }

    #[test]
    fn every_store_error_reads_as_chinese_in_chinese() {
        for e in every_store_error() {
            let said = e.say(&zh());
            assert!(said.chars().any(is_cjk), "{said}");
            let english = english_words(&e.to_string());
            let left: Vec<_> = english
                .iter()
                .filter(|w| said.to_ascii_lowercase().contains(w.as_str()))
                .collect();
            assert!(left.is_empty(), "{said} keeps English {left:?}");
        }
    }

    #[test]
    fn team_folder_errors_read_in_the_user_s_language() {
        use crate::team::TeamError;
        let folder = std::path::PathBuf::from("/Dropbox/销售团队");
        for e in [
            TeamError::NotATeamFolder(folder.clone()),
            TeamError::TeamFileUnreadable(folder.clone()),
            TeamError::NewerFormat {
                path: folder.clone(),
                format: 2,
            },
        ] {
            let said = e.say(&zh());
            assert!(
                said.chars().any(is_cjk) && said.contains("/Dropbox/销售团队"),
                "{said}"
            );
            let english = english_words(&e.to_string());
            let left: Vec<_> = english
                .iter()
                .filter(|w| said.to_ascii_lowercase().contains(w.as_str()))
                .filter(|w| !["json", "init", "dropbox"].contains(&w.as_str()))
                .collect();
            assert!(left.is_empty(), "{said} keeps English {left:?}");
            assert_eq!(e.say(&en()), e.to_string());
        }
    }

    /// One of every way a team's transport fails. The `match` names every
    /// variant without a catch-all, so a new one does not compile until it is here.
    fn every_transport_error() -> Vec<crate::team::TransportError> {
        use crate::team::TransportError as T;
        let server = "postgres://李娜@服务器:5432/销售".to_string();
        let user = "李娜".to_string();
        let all = vec![
            T::Unreachable("/Dropbox/销售团队".into()),
            T::BadUrl(server.clone()),
            T::PasswordInUrl(server.clone()),
            T::TlsUntrusted(server.clone()),
            T::ServerWithoutTls(server.clone()),
            T::RootCertUnreadable {
                server: server.clone(),
                path: "/证书/根证书".into(),
            },
            T::ServerDown(server.clone()),
            T::Dropped(server.clone()),
            T::WrongPassword {
                server: server.clone(),
                user: user.clone(),
            },
            T::NoPassword {
                server: server.clone(),
                user: user.clone(),
            },
            T::NoLogin {
                server: server.clone(),
                user: user.clone(),
            },
            T::NotSetUp(server.clone()),
            T::NewerSchema {
                server: server.clone(),
                version: 2,
            },
            T::Refused {
                server: server.clone(),
                user: user.clone(),
            },
            T::Server {
                server,
                reason: "磁盘已满".into(),
            },
        ];
        for e in &all {
            match e {
                T::Unreachable(_)
                | T::BadUrl(_)
                | T::PasswordInUrl(_)
                | T::TlsUntrusted(_)
                | T::ServerWithoutTls(_)
                | T::RootCertUnreadable { .. }
                | T::ServerDown(_)
                | T::Dropped(_)
                | T::WrongPassword { .. }
                | T::NoPassword { .. }
                | T::NoLogin { .. }
                | T::NotSetUp(_)
                | T::NewerSchema { .. }
                | T::Refused { .. }
                | T::Server { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_transport_error_reads_in_the_user_s_language() {
        for e in every_transport_error() {
            let said = e.say(&zh());
            assert!(said.chars().any(is_cjk), "{said}");
            let english = english_words(&e.to_string());
            // Names as typed: the address, variables, files and options.
            let typed = [
                "postgres",
                "pgpassword",
                "pgpass",
                "sslmode",
                "sslrootcert",
                "path",
                "tls",
                "server",
                "setup",
                "dropbox",
            ];
            // Whole words, so that `server-setup` does not hide an English "set".
            let said_words = english_words(&said);
            let left: Vec<_> = english
                .iter()
                .filter(|w| said_words.contains(w))
                .filter(|w| !typed.contains(&w.as_str()))
                .collect();
            assert!(left.is_empty(), "{said} keeps English {left:?}");
            assert_eq!(e.say(&en()), e.to_string());
        }
    }

    #[test]
    fn every_store_error_in_english_is_its_english_sentence() {
        for e in every_store_error() {
            match &e {
                // The system's words for a missing file are "entity not found".
                StoreError::Io { .. } => {
                    assert_eq!(e.say(&en()), "/团队/销售.db: the file does not exist")
                }
                _ => assert_eq!(e.say(&en()), e.to_string()),
            }
        }
    }

    #[test]
    fn won_on_a_won_deal_is_said_plainly() {
        let e: StoreError = DealRefusal::AlreadyWon {
            id: "7686b108".into(),
        }
        .into();
        assert_eq!(e.say(&zh()), "商机 7686b108 已经赢单，无需再操作");
        assert_eq!(e.say(&en()), "deal 7686b108 is already won; nothing to do");
    }

    #[test]
    fn a_month_that_does_not_exist_is_named_in_both_languages() {
        let e = crate::parse::parse_date("2026-13-01", NaiveDate::MIN).unwrap_err();
        assert_eq!(
            e.say(&zh()),
            "不是日期：`2026-13-01`（没有 13 月）；请使用 YYYY-MM-DD、2027年1月15日、1月15日、明天、下周一，或 +10d、+2w、+1m、eom、eoq"
        );
        assert_eq!(
            e.say(&en()),
            "not a date: `2026-13-01` (there is no month 13); use YYYY-MM-DD or +10d, +2w, +1m, eom, eoq"
        );
        let e = crate::parse::parse_date("2026-02-30", NaiveDate::MIN).unwrap_err();
        assert!(
            e.say(&zh()).contains("2026 年 2 月只有 28 天"),
            "{}",
            e.say(&zh())
        );
        assert!(e.say(&en()).contains("February 2026 has 28 days"));
        let amount = crate::parse::parse_amount("-5").unwrap_err();
        assert!(
            amount.say(&zh()).contains("金额不能为负数"),
            "{}",
            amount.say(&zh())
        );
    }

    #[test]
    fn an_unknown_account_name_is_said_with_the_name() {
        let e = StoreError::NoSuchAccount("华东电力".into());
        assert_eq!(
            e.say(&zh()),
            "没有名为 `华东电力` 的客户；请先新建该客户，或直接输入客户编号"
        );
        assert_eq!(
            e.say(&en()),
            "no account named `华东电力`; add it first or give its id"
        );
    }

    #[test]
    fn bad_and_unknown_ids_name_what_they_are_ids_of() {
        let bad = StoreError::BadId {
            what: "deal",
            given: "7z".into(),
            lister: "tierdeck list",
        };
        assert_eq!(
            bad.say(&zh()),
            "`7z` 不是有效的商机编号；请至少输入 `tierdeck list` 显示的编号的前 4 位"
        );
        let unknown = StoreError::NoSuchId {
            what: "account",
            given: "ab12".into(),
            lister: "tierdeck account list",
        };
        assert_eq!(
            unknown.say(&zh()),
            "没有以 `ab12` 开头的客户编号；请用 `tierdeck account list` 核对"
        );
        assert_eq!(
            unknown.say(&en()),
            "no account id starts with `ab12`; check it with `tierdeck account list`"
        );
    }

    #[test]
    fn an_import_error_keeps_its_line_in_chinese() {
        let e = StoreError::Import(ImportError {
            line: 12,
            problem: ImportProblem::Store(Box::new(AccountRefusal::EmptyName.into())),
        });
        assert_eq!(e.say(&zh()), "第 12 行：客户名称不能为空；未导入任何数据");
        assert_eq!(
            e.say(&en()),
            "line 12: an account needs a name; nothing was imported"
        );
    }
}
