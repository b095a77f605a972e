//! Access requests (issue 16 item 3, seed 003's `workflows`): an account that reads a
//! dashboard of someone else's (shared with it read only, or public) asks its owner for
//! edit rights or for a share, with a priority and a message; the owner approves or
//! rejects it in an inbox; the requester is told in the notification center.
//!
//! Contract: a request is a `workflows` row of type [`TYPE`] whose `approver_id` is the
//! dashboard's owner and `details` a [`RequestDetails`]; it syncs in the stream of its
//! approver and requester, which only those two read (docs/sync.md §9.2), and the server
//! enforces who may change what (the rules below). Life cycle: `pending` → `approved` or
//! `rejected` (by the approver, `resolved_at` set) → `completed` (by the requester, once
//! read); the requester may change priority and message while it is pending, or withdraw
//! it (deleted). Approval writes the share (`shares::put`) in the same write as the
//! decision. A decision pulled onto one of the requester's devices writes its notification
//! there ([`DECISIONS`], a derived summary: the same row id on every device).

use super::ownership::{access, own_dashboard, DashboardAccess};
use super::rows::{DashboardRow, SharePermission, WorkflowPriority, WorkflowRow, WorkflowStatus};
use super::shares;
use crate::account::{profile, settings};
use crate::db::derive::{Derived, Source};
use crate::db::{row, Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `workflows.type` of a dashboard access request.
pub const TYPE: &str = "dashboard_access";
/// The longest message, in characters.
pub const MESSAGE_MAX: usize = 1_000;
/// At most this many of my requests may wait at once (a request is a message to a person).
pub const PENDING_MAX: i64 = 50;

/// `workflows.details` of an access request.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct RequestDetails {
    pub dashboard_id: String,
    /// The dashboard's name when asked (the approver may have renamed it since).
    pub dashboard_name: String,
    pub permission: SharePermission,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// What the requester fills in.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct RequestDraft {
    pub dashboard_id: String,
    pub permission: SharePermission,
    #[serde(default)]
    #[ts(optional)]
    pub priority: Option<WorkflowPriority>,
    #[serde(default)]
    #[ts(optional)]
    pub message: Option<String>,
}

/// One access request as the inbox shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AccessRequest {
    pub id: String,
    pub dashboard_id: String,
    pub dashboard_name: String,
    pub requester_id: String,
    pub requester_name: Option<String>,
    pub approver_id: String,
    pub approver_name: Option<String>,
    pub permission: SharePermission,
    pub priority: WorkflowPriority,
    pub message: Option<String>,
    pub status: WorkflowStatus,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

/// The requests sent to me (to decide) and the ones I sent, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct RequestInbox {
    pub to_me: Vec<AccessRequest>,
    pub mine: Vec<AccessRequest>,
}

fn details_of(w: &WorkflowRow) -> Option<RequestDetails> {
    serde_json::from_value(w.details.clone()).ok()
}

/// Asks the owner of a dashboard I read for `permission` on it.
pub fn request(db: &Db, me: &str, draft: &RequestDraft) -> Result<AccessRequest> {
    let message = match draft.message.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(validate::text("message", m, MESSAGE_MAX)?),
        None => None,
    };
    let dashboard_id = validate::id("dashboard", &draft.dashboard_id)?;
    let id = db.write(WriteCtx::by(me, "dashboard.access_request"), |tx| {
        let dashboard = row::get::<DashboardRow>(tx, &dashboard_id)?.ok_or_else(|| CoreError::not_found("dashboard", &dashboard_id))?;
        check_asks_more(tx, me, &dashboard, draft.permission)?;
        let waiting: i64 = tx
            .prepare_cached("SELECT count(*) FROM workflows WHERE requester_id = ?1 AND type = ?2 AND status = 'pending'")?
            .query_row([me, TYPE], |r| r.get(0))?;
        let same = row::select::<WorkflowRow, _>(tx, "WHERE requester_id = ?1 AND type = ?2 AND status = 'pending'", [me, TYPE])?
            .iter()
            .any(|w| details_of(w).is_some_and(|d| d.dashboard_id == dashboard.id));
        if same {
            return Err(CoreError::validation("you already asked for access to this dashboard; wait for its owner's answer"));
        }
        if waiting >= PENDING_MAX {
            return Err(CoreError::validation(format!("{PENDING_MAX} of your requests are waiting already; withdraw one first")));
        }
        let details = RequestDetails { dashboard_id: dashboard.id.clone(), dashboard_name: dashboard.name.clone(), permission: draft.permission, message: message.clone() };
        let now = tx.now_text();
        let id = tx.new_id();
        row::insert(
            tx,
            &WorkflowRow {
                id: id.clone(),
                requester_id: me.to_string(),
                approver_id: Some(dashboard.user_id.clone()),
                r#type: TYPE.to_string(),
                status: WorkflowStatus::Pending,
                priority: draft.priority.unwrap_or(WorkflowPriority::Normal),
                details: serde_json::to_value(&details).map_err(|e| CoreError::validation(format!("the request cannot be written: {e}")))?,
                created_at: now.clone(),
                updated_at: now,
                resolved_at: None,
            },
        )?;
        Ok(id)
    })?;
    db.read(|c| one(c, me, &id))
}

/// A request must ask for more than I have: a share of a public dashboard, or edit rights
/// on one shared with me read only.
fn check_asks_more(conn: &Connection, me: &str, dashboard: &DashboardRow, permission: SharePermission) -> Result<()> {
    match (access(conn, me, dashboard)?, permission) {
        (None, _) => Err(CoreError::not_found("dashboard", &dashboard.id)),
        (Some(DashboardAccess::Owner), _) => Err(CoreError::validation("this dashboard is yours: you have every right on it")),
        (Some(DashboardAccess::Edit), _) | (Some(DashboardAccess::View), SharePermission::View) => {
            Err(CoreError::validation("you have that access already"))
        }
        _ => Ok(()),
    }
}

/// Approves or rejects a pending request sent to me; approval shares the dashboard with
/// the requester (or gives it edit rights) in the same write.
pub fn decide(db: &Db, me: &str, id: &str, approve: bool) -> Result<AccessRequest> {
    let id = validate::id("request", id)?;
    db.write(WriteCtx::by(me, if approve { "dashboard.access_approve" } else { "dashboard.access_reject" }), |tx| {
        let w = sent_to_me(tx, me, &id)?;
        if w.status != WorkflowStatus::Pending {
            return Err(CoreError::validation(format!("this request was {} already", w.status.as_str())));
        }
        let details = details_of(&w).ok_or_else(|| CoreError::validation("this request does not name a dashboard it can be read for"))?;
        if approve {
            let dashboard = own_dashboard(tx, me, &details.dashboard_id)?;
            shares::put(tx, me, &dashboard, &w.requester_id, details.permission)?;
        }
        let now = tx.now_text();
        let status = if approve { WorkflowStatus::Approved } else { WorkflowStatus::Rejected };
        row::update(tx, &WorkflowRow { status, resolved_at: Some(now.clone()), updated_at: now, ..w })
    })?;
    db.read(|c| one(c, me, &id))
}

/// Withdraws a request of mine that is still pending, or closes (`completed`) one that
/// was decided.
pub fn close(db: &Db, me: &str, id: &str) -> Result<()> {
    let id = validate::id("request", id)?;
    db.write(WriteCtx::by(me, "dashboard.access_close"), |tx| {
        let w = row::get::<WorkflowRow>(tx, &id)?.filter(|w| w.requester_id == me && w.r#type == TYPE);
        let w = w.ok_or_else(|| CoreError::not_found("request", &id))?;
        match w.status {
            WorkflowStatus::Pending => row::delete::<WorkflowRow>(tx, &id),
            WorkflowStatus::Approved | WorkflowStatus::Rejected => {
                row::update(tx, &WorkflowRow { status: WorkflowStatus::Completed, updated_at: tx.now_text(), ..w })
            }
            WorkflowStatus::Completed => Ok(()),
        }
    })
}

fn sent_to_me(conn: &Connection, me: &str, id: &str) -> Result<WorkflowRow> {
    row::get::<WorkflowRow>(conn, id)?
        .filter(|w| w.approver_id.as_deref() == Some(me) && w.r#type == TYPE)
        .ok_or_else(|| CoreError::not_found("request", id))
}

fn one(conn: &Connection, me: &str, id: &str) -> Result<AccessRequest> {
    let inbox = inbox(conn, me)?;
    inbox.to_me.into_iter().chain(inbox.mine).find(|r| r.id == id).ok_or_else(|| CoreError::not_found("request", id))
}

/// The requests sent to me and those I sent (newest first; pending ones of mine to decide first).
pub fn inbox(conn: &Connection, me: &str) -> Result<RequestInbox> {
    let rows: Vec<WorkflowRow> = row::select(
        conn,
        "WHERE type = ?1 AND (requester_id = ?2 OR approver_id = ?2) ORDER BY status <> 'pending', created_at DESC, id DESC",
        [TYPE, me],
    )?;
    let people: Vec<&str> = rows.iter().flat_map(|w| [Some(w.requester_id.as_str()), w.approver_id.as_deref()]).flatten().collect();
    let faces = profile::faces(conn, &people)?;
    let name = |id: &str| faces.get(id).map(|f| f.display_name.clone()).filter(|n| !n.is_empty()).or_else(|| faces.get(id).and_then(|f| f.username.clone()));
    let (mut to_me, mut mine) = (vec![], vec![]);
    for w in rows {
        let Some(d) = details_of(&w) else { continue };
        let approver_id = w.approver_id.clone().unwrap_or_default();
        let request = AccessRequest {
            requester_name: name(&w.requester_id),
            approver_name: name(&approver_id),
            id: w.id,
            dashboard_id: d.dashboard_id,
            dashboard_name: d.dashboard_name,
            requester_id: w.requester_id,
            approver_id,
            permission: d.permission,
            priority: w.priority,
            message: d.message,
            status: w.status,
            created_at: w.created_at,
            resolved_at: w.resolved_at,
        };
        if request.requester_id == me {
            mine.push(request);
        } else {
            to_me.push(request);
        }
    }
    Ok(RequestInbox { to_me, mine })
}

/// The requester's notification of a decision, made wherever the decision is written or
/// pulled (capture on: every device of the requester makes the same row).
pub static DECISIONS: Derived = Derived {
    name: "insights.access_decisions",
    sources: &[Source { table: "workflows", key: "id", columns: &["status"], when: "ROW.type = 'dashboard_access'" }],
    writes: &[],
    recompute: decision_notice,
};

fn decision_notice(tx: &Tx, id: &str) -> Result<()> {
    let Some(me) = profile::local_user_id(tx)? else { return Ok(()) };
    let Some(w) = row::get::<WorkflowRow>(tx, id)? else { return Ok(()) };
    let approved = match w.status {
        WorkflowStatus::Approved => true,
        WorkflowStatus::Rejected => false,
        _ => return Ok(()),
    };
    if w.requester_id != me {
        return Ok(());
    }
    let Some(d) = details_of(&w) else { return Ok(()) };
    let ja = settings::get(tx, &me).map(|s| s.preferred_locale == settings::Locale::Ja).unwrap_or(false);
    let name = validate::truncate_for_message(&d.dashboard_name);
    let (title, message) = match (approved, ja, d.permission) {
        (true, false, SharePermission::Edit) => ("Access request approved".to_string(), format!("You can now edit \"{name}\".")),
        (true, false, SharePermission::View) => ("Access request approved".to_string(), format!("\"{name}\" is now shared with you.")),
        (false, false, _) => ("Access request declined".to_string(), format!("Your request for \"{name}\" was declined.")),
        (true, true, SharePermission::Edit) => ("アクセス申請が承認されました".to_string(), format!("「{name}」を編集できるようになりました。")),
        (true, true, SharePermission::View) => ("アクセス申請が承認されました".to_string(), format!("「{name}」が共有されました。")),
        (false, true, _) => ("アクセス申請が却下されました".to_string(), format!("「{name}」へのアクセス申請は却下されました。")),
    };
    let notice = tx.natural_id("notifications", &[&w.id, w.status.as_str()]);
    let data = serde_json::json!({"workflow_id": w.id, "dashboard_id": d.dashboard_id, "status": w.status.as_str()});
    tx.captured(|tx| crate::planner::notifications::insert_access_decision(tx, &notice, &me, &title, &message, &data))
}
