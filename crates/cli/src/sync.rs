//! `sync signup|login|now|status|logout [--everywhere]|password|refused|retry|discard`:
//! sync from a terminal, with
//! the same core calls as the Settings page. Status and reports print as words, or as
//! JSON with `--json` (stable field names: the `SyncStatus` and `RoundReport` types).

use crate::terminal::{self, field, say};
use clap::Subcommand;
use studydesk_core::api::Studydesk;
use studydesk_core::sync::{Credentials, SignInMode, SyncStatus};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Create an account on a sync server and sign this device in.
    Signup(CredentialArgs),
    /// Sign this device in to an existing account (its data is merged into the account's).
    Login(CredentialArgs),
    /// Push what is waiting and pull what is new, now.
    Now {
        #[arg(long)]
        json: bool,
    },
    /// Say whether this device is synced, waiting, offline or signed out.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Sign this device out (the server revokes its key; local data stays).
    Logout {
        /// Sign out every device of the account, this one included (e.g. one was lost).
        #[arg(long)]
        everywhere: bool,
    },
    /// Change the account's password: reads the current password, then the new one, one
    /// a line, from standard input (prompted for on a terminal), so neither shows in the
    /// process list or the shell history. Every other device is signed out; this one stays
    /// signed in.
    Password,
    /// List the changes the server refused ("could not sync").
    Refused {
        #[arg(long)]
        json: bool,
    },
    /// Put a refused change back in the queue.
    Retry { id: i64 },
    /// Give up a refused change (the row takes the server's version).
    Discard { id: i64 },
}

#[derive(clap::Args)]
pub struct CredentialArgs {
    /// The server's address, e.g. https://sync.example.org
    #[arg(long)]
    server: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
}

impl SyncCommand {
    /// Signing in may bring an account's data into a new database.
    pub fn signs_in(&self) -> bool {
        matches!(self, SyncCommand::Signup(_) | SyncCommand::Login(_))
    }
}

pub fn sync(app: &Studydesk, cmd: SyncCommand) -> Result<(), CoreError> {
    match cmd {
        SyncCommand::Signup(args) => sign_in(app, SignInMode::Signup, args),
        SyncCommand::Login(args) => sign_in(app, SignInMode::Login, args),
        SyncCommand::Now { json } => {
            let report = app.sync_now()?;
            if json {
                terminal::json(&report, false)?;
            } else {
                say!(
                    "synced: {} sent, {} already on the server, {} refused, {} received",
                    report.pushed, report.superseded, report.refused, report.pulled
                );
                if report.files_sent + report.files_received + report.files_refused > 0 {
                    say!(
                        "files: {} sent, {} received, {} refused",
                        report.files_sent, report.files_received, report.files_refused
                    );
                }
            }
            Ok(())
        }
        SyncCommand::Status { json } => print_status(&app.sync_status()?, json),
        SyncCommand::Logout { everywhere: false } => {
            app.sync_logout()?;
            say!("signed out; local data is kept");
            Ok(())
        }
        SyncCommand::Logout { everywhere: true } => {
            app.sync_logout_everywhere()?;
            say!("every device of the account is signed out, this one too; local data is kept");
            Ok(())
        }
        SyncCommand::Password => {
            let current = read_secret("current password: ")?;
            let new = read_secret("new password: ")?;
            let status = app.sync_change_password(&current, &new)?;
            say!("password changed; the other devices must sign in again with it");
            print_status(&status, false)
        }
        SyncCommand::Refused { json } => {
            let refused = app.sync_refused()?;
            if json {
                terminal::json(&refused, false)?;
            }
            for r in refused.iter().filter(|_| !json) {
                say!("{}\t{} {} {}\t{}: {}", r.id, field(&r.op), field(&r.table), field(&r.row_id), field(&r.code), field(&r.message));
            }
            Ok(())
        }
        SyncCommand::Retry { id } => app.sync_retry(id).map(|_| say!("change {id} is back in the queue")),
        SyncCommand::Discard { id } => app.sync_discard(id).map(|_| say!("change {id} discarded")),
    }
}

fn sign_in(app: &Studydesk, mode: SignInMode, args: CredentialArgs) -> Result<(), CoreError> {
    let credentials = Credentials { server_url: args.server, email: args.email, password: args.password };
    let status = app.sync_sign_in(mode, &credentials)?;
    say!("signed in as {}", status.email.as_deref().unwrap_or_default());
    print_status(&status, false)
}

/// One line of standard input, without its line break; on a terminal, after a prompt on
/// standard error. (The typing shows: the CLI has no terminal-echo dependency; pipe the
/// passwords in, e.g. from a password manager, to keep them off the screen.)
fn read_secret(prompt: &str) -> Result<String, CoreError> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| CoreError::io("could not read the password from standard input", e))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line).to_string();
    if line.is_empty() {
        return Err(CoreError::validation(format!("no {} given on standard input", prompt.trim_end_matches(": "))));
    }
    Ok(line)
}

fn print_status(s: &SyncStatus, json: bool) -> Result<(), CoreError> {
    if json {
        terminal::json(s, false)?;
        return Ok(());
    }
    let phase = serde_json::to_value(s.phase)?;
    say!("status: {}", phase.as_str().unwrap_or_default().replace('_', " "));
    if let Some(url) = &s.server_url {
        say!("server: {url}");
    }
    say!("waiting to send: {}; could not sync: {}", s.pending, s.refused);
    if let Some(at) = &s.last_sync_at {
        say!("last sync: {at}");
    }
    if let Some(e) = &s.last_error {
        say!("last error: {e}");
    }
    if let Some(offset) = s.clock_offset_ms {
        let (minutes, way) = ((offset.abs() + 30_000) / 60_000, if offset < 0 { "ahead of" } else { "behind" });
        say!("this computer's clock is about {minutes} min {way} the server's");
    }
    for f in &s.refused_files {
        say!("file not synced: {} ({}): {}", field(f.name.as_deref().unwrap_or("unnamed")), field(&f.code), field(&f.message));
    }
    Ok(())
}
