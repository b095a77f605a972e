//! `share`: sharing my Insights dashboards from a terminal. `add DASHBOARD EMAIL
//! --permission view|edit` shares one with the account that signs in with EMAIL on the
//! sync server this data folder is signed in to (sharing again changes the permission;
//! an unknown email, my own, or a dashboard not mine is refused in words, exit 1, nothing
//! written); `list` prints my dashboards' shares and the dashboards shared with me;
//! `revoke ID` ends a share. Access requests: `request DASHBOARD --permission view|edit
//! [--priority low|normal|high|critical] [--message TEXT]` asks a dashboard's owner,
//! `requests` lists those sent to me and mine, `approve ID` / `reject ID` decide one sent
//! to me (approving shares in the same write). `--json` prints what the app's commands
//! answer.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::requests::RequestDraft;
use studydesk_core::insights::rows::WorkflowPriority;
use studydesk_core::insights::shares;
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum ShareCommand {
    /// Share my dashboard with the account that signs in with EMAIL on my sync server.
    Add {
        dashboard: String,
        email: String,
        /// view (read only) or edit.
        #[arg(long, default_value = "view")]
        permission: String,
        #[arg(long)]
        json: bool,
    },
    /// My dashboards' shares, then the dashboards shared with me.
    List {
        #[arg(long)]
        json: bool,
    },
    /// End a share of my dashboard (its id, from `share list`).
    Revoke { id: String },
    /// Ask the owner of a dashboard I read (shared read only, or public) for access.
    Request {
        dashboard: String,
        /// view (a share) or edit.
        #[arg(long, default_value = "edit")]
        permission: String,
        /// low, normal (default), high or critical.
        #[arg(long)]
        priority: Option<String>,
        #[arg(long)]
        message: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The access requests sent to me, then mine.
    Requests {
        #[arg(long)]
        json: bool,
    },
    /// Approve a request sent to me: the dashboard is shared as asked.
    Approve { id: String },
    /// Reject a request sent to me.
    Reject { id: String },
}

pub fn share(app: &Studydesk, cmd: ShareCommand) -> Result<(), CoreError> {
    match cmd {
        ShareCommand::Add { dashboard, email, permission, json } => {
            let s = app.share_add(dashboard, email, shares::parse_permission(&permission)?)?;
            if json {
                terminal::json(&s, false)?;
            } else {
                say!("{}\t{}\t{}", s.id, field(&name_of(s.display_name.as_deref(), &s.user_id)), s.permission.as_str());
            }
        }
        ShareCommand::List { json } => {
            let list = app.share_list()?;
            if json {
                terminal::json(&list, false)?;
            } else {
                for s in &list.by_me {
                    say!("{}\t{}\t{}\t{}", s.id, field(&s.dashboard_name), field(&name_of(s.display_name.as_deref(), &s.user_id)), s.permission.as_str());
                }
                for d in &list.with_me {
                    let rights = d.permission.map_or("public", |p| p.as_str());
                    say!("shared with me\t{}\t{}\t{}", d.dashboard_id, field(&d.name), rights);
                }
            }
        }
        ShareCommand::Revoke { id } => {
            app.share_revoke(id)?;
            say!("revoked");
        }
        ShareCommand::Request { dashboard, permission, priority, message, json } => {
            let priority = priority.as_deref().map(parse_priority).transpose()?;
            let draft = RequestDraft { dashboard_id: dashboard, permission: shares::parse_permission(&permission)?, priority, message };
            let r = app.access_request(draft)?;
            if json {
                terminal::json(&r, false)?;
            } else {
                say!("{}", r.id);
            }
        }
        ShareCommand::Requests { json } => {
            let inbox = app.access_requests()?;
            if json {
                terminal::json(&inbox, false)?;
            } else {
                for (side, r) in inbox.to_me.iter().map(|r| ("to me", r)).chain(inbox.mine.iter().map(|r| ("mine", r))) {
                    let who = if side == "mine" { &r.approver_name } else { &r.requester_name };
                    say!(
                        "{}\t{side}\t{}\t{}\t{}\t{}\t{}",
                        r.id,
                        field(&r.dashboard_name),
                        field(who.as_deref().unwrap_or("-")),
                        r.permission.as_str(),
                        r.priority.as_str(),
                        r.status.as_str()
                    );
                }
            }
        }
        ShareCommand::Approve { id } => {
            let r = app.access_decide(id, true)?;
            say!("{}", r.status.as_str());
        }
        ShareCommand::Reject { id } => {
            let r = app.access_decide(id, false)?;
            say!("{}", r.status.as_str());
        }
    }
    Ok(())
}

fn parse_priority(text: &str) -> Result<WorkflowPriority, CoreError> {
    WorkflowPriority::parse(text.trim()).ok_or_else(|| {
        CoreError::validation(format!("\"{}\" is not a priority: use low, normal, high or critical", field(text)))
    })
}

fn name_of(display_name: Option<&str>, id: &str) -> String {
    display_name.filter(|n| !n.is_empty()).unwrap_or(id).to_string()
}
