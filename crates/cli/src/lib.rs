//! `studydesk-cli`: the Studydesk core from a terminal, for scripts, support and tests.
//!
//! It runs as its own binary (`src/main.rs`), or inside the desktop app as `studydesk --cli
//! ARGS` ([`main_from`] with [`Host::App`]): the Linux packages install `studydesk-cli` as
//! a two-line script calling that, so they carry one copy of the core, not two.
//!
//! Every command opens the same database the app uses (`--data-dir`, else
//! `STUDYDESK_DATA_DIR`, else the OS data folder) and goes through the same services and
//! write path. On any error it prints one line, `error (<kind>): <message>`, to stderr
//! and exits with 1 (2 for a usage error, from clap).
//!
//! Only commands that add something (`init`, `sample-data`, `task add`, `event ...`,
//! `ics import`, `session start`, `sync signup|login`, `source add-csv`) create a database where there is
//! none, and say so on stderr; every other command refuses, so a mistyped `--data-dir`
//! is reported instead of answered from an empty new profile. `remind timer ...` needs
//! the folder's path only. Everything printed goes through [`terminal`]: user data
//! cannot drive the terminal.

mod apikeys;
mod alerts;
mod reports;
mod backups;
mod calendar;
mod dashboards;
mod email;
mod emoji;
mod focus;
mod history;
mod insights;
mod remind;
mod shares;
mod social;
mod sources;
mod sync;
mod terminal;

use clap::{Parser, Subcommand};
use terminal::{field, say};
use std::path::PathBuf;
use std::process::ExitCode;
use studydesk_core::account::profile::OnboardingChoice;
use studydesk_core::api::Studydesk;
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::{clock, CoreError};

#[derive(Parser)]
#[command(name = "studydesk-cli", version, about = "Studydesk from a terminal")]
struct Cli {
    /// The folder holding studydesk.db (default: $STUDYDESK_DATA_DIR, else the OS data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Run the clock N times as fast (1-3600; for tests and demos).
    #[arg(long, global = true, value_name = "N", hide = true)]
    clock_rate: Option<f64>,
    /// Start the clock at this time (RFC 3339; for tests and demos).
    #[arg(long, global = true, value_name = "TIME", hide = true)]
    clock_from: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or upgrade) the database and the local profile, and say where it is.
    Init,
    /// Load the sample semester (courses, assignments, tasks, links, playlists, a month of progress).
    SampleData,
    /// Tasks of the Today list.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Study activities and favorites.
    #[command(subcommand)]
    Activity(focus::ActivityCommand),
    /// Focus sessions: start, pause, resume, complete, abandon, status.
    #[command(subcommand)]
    Session(focus::SessionCommand),
    /// Write a consistent copy of the database to FILE (which must not exist), or `backup list`.
    Backup(BackupArgs),
    /// Put a backup in place of the database (the app must not be running on the folder);
    /// the replaced file is kept in backups/ (or damaged/ when it is damaged).
    Restore { file: PathBuf },
    /// Copy every row that can still be read from a damaged database into FILE (a new file).
    ExportReadable { file: PathBuf },
    /// Check the database's integrity and foreign keys, and report in words.
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Calendar events.
    #[command(subcommand)]
    Event(calendar::EventCommand),
    /// Events (repeating ones expanded) and assignment due dates between two dates.
    Agenda {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// Import or export iCalendar (.ics) files.
    #[command(subcommand)]
    Ics(calendar::IcsCommand),
    /// Calendars followed by URL: subscribe, subscriptions, refresh, unsubscribe.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Deliver due reminders (`remind run [--once]`), or manage the OS timer (`remind timer`).
    #[command(subcommand)]
    Remind(remind::RemindCommand),
    /// The changes of one item (`history ID`) or of the whole account (`history --all`), in words.
    History(history::HistoryArgs),
    /// Undo a change (`undo CHANGE_ID`), the last action (`--last`) or everything since a time (`--since`).
    Undo(history::UndoArgs),
    /// Sync with a Studydesk server: signup, login, now, status, logout, refused, retry, discard.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// The emoji catalog and my custom emoji: search, list, add, delete.
    #[command(subcommand)]
    Emoji(emoji::EmojiCommand),
    /// Insights: the built-in study metrics (`insights metric list|run|value`) and my own SQL (`insights query SQL`).
    #[command(subcommand)]
    Insights(insights::InsightsCmd),
    /// Insights alerts: add, list, check (evaluate and deliver what is due), snooze, delete.
    #[command(subcommand)]
    Alert(alerts::AlertCommand),
    /// Insights reports: add (a schedule), list, run (now), delete.
    #[command(subcommand)]
    Report(reports::ReportCommand),
    /// E-mail through your SMTP server: `smtp set --host H --from ADDR [--password-stdin]`, `smtp show`, `smtp test TO`.
    #[command(subcommand)]
    Smtp(email::SmtpCommand),
    /// The e-mails reports and alerts queued: `outbox list [--json]`, `outbox retry ID`, `outbox send`.
    #[command(subcommand)]
    Outbox(email::OutboxCommand),
    /// Insights dashboards: list, export (each widget's data as CSV files).
    #[command(subcommand)]
    Dashboard(dashboards::DashboardCommand),
    /// Share my Insights dashboards: add DASHBOARD EMAIL --permission view|edit, list, revoke.
    #[command(subcommand)]
    Share(shares::ShareCommand),
    /// Insights data sources: add-csv, list, refresh, delete.
    #[command(subcommand)]
    Source(sources::SourceCommand),
    /// Study logs: add, list, like, unlike, comment, delete.
    #[command(subcommand)]
    Post(social::PostCommand),
    /// Follow a user (@username or id); a profile that approves followers gets a request.
    Follow { user: String },
    /// Stop following a user, or withdraw a request.
    Unfollow { user: String },
    /// My posts and those of the people I follow, newest first.
    Feed {
        /// Public posts of everyone instead.
        #[arg(long)]
        discover: bool,
        /// Public posts with this tag.
        #[arg(long)]
        tag: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// API keys for the local API: create (printed once), list, revoke.
    #[command(subcommand)]
    Apikey(apikeys::ApiKeyCommand),
    /// The local HTTP API on 127.0.0.1: `api serve --port N` runs it until Ctrl+C.
    #[command(subcommand)]
    Api(apikeys::ApiCommand),
    /// The activity feed: posts of people I follow, responses to mine, new followers.
    ActivityFeed {
        #[arg(long)]
        unread: bool,
        #[arg(long)]
        json: bool,
    },
}


#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct BackupArgs {
    #[command(subcommand)]
    list: Option<BackupCommand>,
    /// Where to write the copy.
    file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum BackupCommand {
    /// The automatic backups (daily, before upgrades, before the first sync, before a
    /// restore), newest first.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TaskCommand {
    /// Add a task to the Today list.
    Add {
        text: String,
        /// Due date and time, ISO 8601 with an offset (2026-11-22T18:00:00+09:00).
        #[arg(long)]
        due: Option<String>,
    },
    /// List every task.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Mark a task completed.
    Done { id: String },
    /// Mark a completed task as not done.
    Undone { id: String },
    /// Delete a task.
    Delete { id: String },
}

/// Which program runs the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The `studydesk-cli` binary.
    Cli,
    /// The desktop app, as `studydesk --cli` (its background timer is then the app's own
    /// headless turn, `studydesk --remind-once`).
    App,
}

static HOST: std::sync::OnceLock<Host> = std::sync::OnceLock::new();

/// The program running this CLI ([`Host::Cli`] unless [`main_from`] said otherwise).
pub(crate) fn host() -> Host {
    HOST.get().copied().unwrap_or(Host::Cli)
}

/// Runs one command line (`args` starts with the program's name, as `std::env::args_os`):
/// what `studydesk-cli` does. A usage error exits the process with 2 (clap).
pub fn main_from<I, T>(args: I, host: Host) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let _ = HOST.set(host);
    let cli = Cli::parse_from(args);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error ({}): {}", e.kind(), field(&one_line(&e.to_string())));
            ExitCode::from(1)
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Command {
    /// Whether the command may create the database when there is none: only commands that
    /// add something new do (and say so on standard error); the others (reads, and changes
    /// to rows a new database cannot hold) refuse, so a mistyped `--data-dir` is said, not
    /// answered with an empty new profile.
    fn creates(&self) -> bool {
        match self {
            Command::Init | Command::SampleData | Command::Event(_) => true,
            Command::Task(t) => matches!(t, TaskCommand::Add { .. }),
            Command::Session(s) => s.adds(),
            Command::Ics(i) => i.adds(),
            Command::Calendar(c) => c.adds(),
            Command::Sync(s) => s.signs_in(),
            Command::Post(p) => p.adds(),
            Command::Source(s) => s.adds(),
            Command::Activity(_)
            | Command::Backup(_)
            | Command::Restore { .. }
            | Command::ExportReadable { .. }
            | Command::Doctor { .. }
            | Command::Agenda { .. }
            | Command::Remind(_)
            | Command::History(_)
            | Command::Undo(_)
            | Command::Emoji(_)
            | Command::Insights(_)
            | Command::Alert(_)
            | Command::Report(_)
            | Command::Smtp(_)
            | Command::Outbox(_)
            | Command::Dashboard(_)
            | Command::Share(_)
            | Command::Follow { .. }
            | Command::Unfollow { .. }
            | Command::Feed { .. }
            | Command::Apikey(_)
            | Command::Api(_)
            | Command::ActivityFeed { .. } => false,
        }
    }
}

fn run(cli: Cli) -> Result<(), CoreError> {
    let dir = studydesk_core::paths::data_dir(cli.data_dir.as_deref())?;
    if let Command::Remind(remind::RemindCommand::Timer(action)) = &cli.command {
        return remind::timer(&dir, *action);
    }
    let db_file = studydesk_core::paths::db_path(&dir);
    let existed = db_file.exists();
    if !existed && !cli.command.creates() && !matches!(cli.command, Command::Restore { .. }) {
        return Err(CoreError::validation(format!(
            "there is no Studydesk database in {} (check --data-dir or STUDYDESK_DATA_DIR; `studydesk-cli init` creates one)",
            dir.display()
        )));
    }
    // These work on the file itself, so that a damaged database can be examined and replaced.
    match &cli.command {
        Command::Backup(BackupArgs { list: Some(BackupCommand::List { json }), .. }) => return backups::list(&dir, *json),
        Command::Restore { file } => return backups::restore(&dir, file),
        Command::ExportReadable { file } => return backups::export_readable(&db_file, file),
        Command::Doctor { json } => return doctor(&db_file, *json),
        _ => {}
    }
    let rate = cli.clock_rate.map(|rate| ["--clock-rate".to_string(), rate.to_string()]);
    let from = cli.clock_from.as_ref().map(|from| ["--clock-from".to_string(), from.clone()]);
    let clock = clock::from_args(rate.into_iter().chain(from).flatten()).map_err(CoreError::validation)?;
    let app = std::sync::Arc::new(Studydesk::open(&dir, clock)?);
    if let Command::Api(cmd) = cli.command {
        return apikeys::serve(app, cmd);
    }
    let announce = !existed && !matches!(cli.command, Command::Init);
    execute(&app, cli.command, existed)?;
    // After the command, so that a failure stays the one line the contract promises.
    if announce {
        eprintln!("{}", terminal::line(&format!("created a new Studydesk database at {}", db_file.display())));
    }
    Ok(())
}

fn execute(app: &Studydesk, command: Command, existed: bool) -> Result<(), CoreError> {
    match command {
        Command::Init if existed => say!("database ready at {}", app.db().path().display()),
        Command::Init => say!("database created at {}", app.db().path().display()),
        Command::SampleData => {
            if !app.state()?.onboarding_pending {
                return Err(CoreError::validation(
                    "this database was already set up (sample data loads only into a new one); use another --data-dir",
                ));
            }
            app.complete_onboarding(OnboardingChoice::Sample)?;
            say!("sample data loaded into {}", app.db().path().display());
        }
        Command::Task(cmd) => task(app, cmd)?,
        Command::Activity(cmd) => focus::activity(app, cmd)?,
        Command::Session(cmd) => focus::session(app, cmd)?,
        Command::Backup(BackupArgs { file: Some(file), .. }) => {
            app.db().backup(&file)?;
            say!("backup written to {}", file.display());
        }
        Command::Backup(_) => return Err(CoreError::validation("name the file to write (`backup FILE`) or use `backup list`")),
        // Answered in `run` before the database was opened.
        Command::Restore { .. } | Command::ExportReadable { .. } | Command::Doctor { .. } => {}
        Command::Event(cmd) => calendar::event(app, cmd)?,
        Command::Sync(cmd) => sync::sync(app, cmd)?,
        Command::Agenda { from, to, json } => calendar::agenda(app, &from, &to, json)?,
        Command::Ics(cmd) => calendar::ics(app, cmd)?,
        Command::Calendar(cmd) => calendar::calendar(app, cmd)?,
        Command::Remind(cmd) => remind::remind(app, cmd)?,
        Command::History(args) => history::history(app, args)?,
        Command::Undo(args) => history::undo(app, args)?,
        Command::Post(cmd) => social::post(app, cmd)?,
        Command::Follow { user } => social::follow(app, &user, true)?,
        Command::Unfollow { user } => social::follow(app, &user, false)?,
        Command::Feed { discover, tag, limit, json } => social::feed(app, discover, tag, limit, json)?,
        Command::ActivityFeed { unread, json } => social::activity_feed(app, unread, json)?,
        Command::Emoji(cmd) => emoji::emoji(app, cmd)?,
        Command::Source(cmd) => sources::source(app, cmd)?,
        Command::Insights(cmd) => insights::insights(app, cmd)?,
        Command::Dashboard(cmd) => dashboards::dashboard(app, cmd)?,
        Command::Apikey(cmd) => apikeys::apikey(app, cmd)?,
        // Answered in `run`: it needs the core shared with the server's threads.
        Command::Api(_) => {}
        Command::Alert(cmd) => alerts::alert(app, cmd)?,
        Command::Share(cmd) => shares::share(app, cmd)?,
        Command::Report(cmd) => reports::report(app, cmd)?,
        Command::Smtp(cmd) => email::smtp(app, cmd)?,
        Command::Outbox(cmd) => email::outbox(app, cmd)?,
    }
    Ok(())
}

fn task(app: &Studydesk, cmd: TaskCommand) -> Result<(), CoreError> {
    match cmd {
        TaskCommand::Add { text, due } => {
            let t = app.task_add(NewTask { list_id: None, description: text, due_at: due })?;
            say!("{}", t.id);
        }
        TaskCommand::List { json } => {
            let tasks = app.task_list()?;
            if json {
                terminal::json(&tasks, true)?;
            } else {
                for t in tasks {
                    let mark = if t.is_completed { "x" } else { " " };
                    let due = t.due_at.map(|d| format!("  (due {})", field(&d))).unwrap_or_default();
                    say!("[{mark}] {}  {}{due}", t.id, field(&t.description));
                }
            }
        }
        TaskCommand::Done { id } => {
            app.task_set_completed(&id, true)?;
        }
        TaskCommand::Undone { id } => {
            app.task_set_completed(&id, false)?;
        }
        TaskCommand::Delete { id } => app.task_delete(&id)?,
    }
    Ok(())
}

fn doctor(db_file: &std::path::Path, json: bool) -> Result<(), CoreError> {
    let r = studydesk_core::db::doctor::check_file(db_file)?;
    if json {
        terminal::json(&r, true)?;
    } else {
        say!("database: {}", r.path);
        say!("schema version: {} (this build knows up to {})", r.schema_version, r.known_version);
        if r.integrity.is_empty() {
            say!("integrity: ok");
        } else {
            say!("integrity: {} problem(s)", r.integrity.len());
            for p in &r.integrity {
                say!("  - {p}");
            }
        }
        if r.foreign_key_violations.is_empty() {
            say!("foreign keys: ok");
        } else {
            say!("foreign keys: {} broken reference(s)", r.foreign_key_violations.len());
            for p in &r.foreign_key_violations {
                say!("  - {p}");
            }
        }
        say!("changes waiting for sync: {}", r.pending_changes);
    }
    if r.ok {
        Ok(())
    } else {
        Err(CoreError::Database("the database has problems (see the report above)".into()))
    }
}
