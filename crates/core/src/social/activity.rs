//! The activity items social events make for this device's user (seed 000's activity
//! feed), kept by the write path like the counters (`crate::db::derive`): whenever a post,
//! post tag, like, comment, follow or answer to a request is written here or pulled by
//! sync, the item it causes is delivered (or withdrawn, when its cause is gone) in the
//! same transaction.
//!
//! - `new_posting`: someone I follow posted (not "only me" posts), after I followed them
//!   (the older posts a new follow brings are in the feed, not news);
//! - `domain_update`: a public post of the last [`NEWS_DAYS`] days by someone I do not
//!   follow, tagged with one of my interest tags;
//! - `posting_response`: a like or comment on my post by someone else;
//! - `new_connection`: someone follows me, or asks to;
//! - `posting_approved`: my follow request was accepted.
//!
//! Items are delivered with capture on even while a pulled page is applied
//! ([`Tx::captured`]): the id is derived from (user, type, source), so both of my devices
//! make the same row, and the server must hold it before it takes one being marked read.

use super::rows::{FollowDecision, FollowDecisionRow, FollowRow, PostCommentRow, PostLikeRow, PostVisibility};
use super::{follows, posts};
use crate::account::profile;
use crate::dashboard::activity_feed::{self, ActivityType, NewFeedItem};
use crate::db::derive::{Derived, Source};
use crate::account::{app_settings, preferences};
use crate::db::{row, Tx, WriteCtx};
use crate::notify::Notice;
use crate::{Db, Result};
use serde_json::json;

/// How old a post in one of my tags may be and still be news.
pub const NEWS_DAYS: i64 = 7;

/// The longest excerpt of a post or comment an item carries.
const EXCERPT: usize = 140;

pub static POSTS: Derived = Derived {
    name: "social.activity_posts",
    sources: &[
        Source { table: "posts", key: "id", columns: &["user_id"], when: "1" },
        Source { table: "post_tags", key: "post_id", columns: &["tag"], when: "1" },
    ],
    writes: &[],
    recompute: post_items,
};

pub static LIKES: Derived = Derived {
    name: "social.activity_likes",
    sources: &[Source { table: "post_likes", key: "id", columns: &["post_id"], when: "1" }],
    writes: &[],
    recompute: like_item,
};

pub static COMMENTS: Derived = Derived {
    name: "social.activity_comments",
    sources: &[Source { table: "post_comments", key: "id", columns: &["post_id"], when: "1" }],
    writes: &[],
    recompute: comment_item,
};

pub static FOLLOWS: Derived = Derived {
    name: "social.activity_follows",
    sources: &[
        Source { table: "follows", key: "id", columns: &["created_at"], when: "1" },
        Source { table: "follow_decisions", key: "id", columns: &["decision"], when: "1" },
    ],
    writes: &[],
    recompute: follow_item,
};

/// This device's user, once set up (another account's rows seen through sync make items
/// for nobody else).
fn me(tx: &Tx) -> Result<Option<String>> {
    profile::local_user_id(tx)
}

fn excerpt(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.chars().count() <= EXCERPT {
        return Some(text.to_string());
    }
    Some(format!("{}…", text.chars().take(EXCERPT - 1).collect::<String>()))
}

fn who(tx: &Tx, id: &str) -> String {
    profile::faces(tx, &[id])
        .ok()
        .and_then(|mut f| f.remove(id))
        .map(|f| match f.username {
            Some(u) if f.display_name.is_empty() => format!("@{u}"),
            Some(u) => format!("{} (@{u})", f.display_name),
            None if !f.display_name.is_empty() => f.display_name,
            None => "Someone".into(),
        })
        .unwrap_or_else(|| "Someone".into())
}

struct Item<'a> {
    kind: ActivityType,
    title: String,
    description: Option<String>,
    source_type: &'a str,
    source_id: &'a str,
    priority: i64,
    metadata: serde_json::Value,
}

fn deliver(tx: &Tx, me: &str, item: Item) -> Result<()> {
    tx.captured(|tx| {
        activity_feed::deliver(
            tx,
            &NewFeedItem {
                user_id: me,
                activity_type: item.kind,
                title: &item.title,
                description: item.description.as_deref(),
                source_type: item.source_type,
                source_id: item.source_id,
                priority: item.priority,
                expires_at: None,
                metadata: Some(item.metadata),
            },
        )
        .map(|_| ())
    })
}

fn withdraw(tx: &Tx, me: &str, source_type: &str, source_id: &str) -> Result<()> {
    tx.captured(|tx| activity_feed::withdraw(tx, me, source_type, source_id).map(|_| ()))
}

fn post_items(tx: &Tx, post_id: &str) -> Result<()> {
    let Some(me) = me(tx)? else { return Ok(()) };
    let Some((author, visibility, content, created_at)) = posts::author_of(tx, post_id)? else {
        return withdraw(tx, &me, "post", post_id);
    };
    if author == me || visibility == PostVisibility::OnlyMe || follows::blocked_between(tx, &me, &author)? {
        return Ok(());
    }
    let metadata = json!({ "actor_id": author, "actor": who(tx, &author), "post_id": post_id, "at": created_at });
    let description = excerpt(content.as_deref());
    if follows::is_following(tx, &me, &author)? {
        if follows::followed_since(tx, &me, &author)?.is_some_and(|since| created_at < since) {
            return Ok(());
        }
        let title = format!("{} posted", who(tx, &author));
        let item = Item { kind: ActivityType::NewPosting, title, description, source_type: "post", source_id: post_id, priority: 0, metadata };
        return deliver(tx, &me, item);
    }
    let mine = follows::tags(tx, &me)?;
    let shared: Vec<String> = posts::post_tags(tx, post_id)?.into_iter().filter(|t| mine.contains(t)).collect();
    let recent = crate::db::timestamp_text(tx.now() - chrono::Duration::days(NEWS_DAYS));
    if visibility == PostVisibility::Public && !shared.is_empty() && created_at >= recent {
        let title = format!("New in #{}: {}", shared[0], who(tx, &author));
        let mut metadata = metadata;
        metadata["tag"] = json!(shared[0]);
        let item = Item { kind: ActivityType::DomainUpdate, title, description, source_type: "post", source_id: post_id, priority: -1, metadata };
        return deliver(tx, &me, item);
    }
    Ok(())
}

/// A response (like or comment) by `actor` on `post_id` at `at`, for me if the post is mine.
struct Response<'a> {
    source_type: &'a str,
    source_id: &'a str,
    actor: &'a str,
    post_id: &'a str,
    at: &'a str,
    text: Option<&'a str>,
}

fn response(tx: &Tx, me: &str, r: Response) -> Result<()> {
    let Response { source_type, source_id, actor, post_id, at, text } = r;
    let Some((author, _, content, _)) = posts::author_of(tx, post_id)? else { return Ok(()) };
    if author != me || actor == me || follows::blocks(tx, me, actor)? {
        return Ok(());
    }
    let verb = if source_type == "post_like" { "liked" } else { "commented on" };
    let title = format!("{} {verb} your post", who(tx, actor));
    let description = excerpt(text.or(content.as_deref()));
    let kind = if source_type == "post_like" { "like" } else { "comment" };
    let metadata = json!({ "actor_id": actor, "actor": who(tx, actor), "post_id": post_id, "response": kind, "at": at });
    let item = Item { kind: ActivityType::PostingResponse, title, description, source_type, source_id, priority: 1, metadata };
    deliver(tx, me, item)
}

fn like_item(tx: &Tx, like_id: &str) -> Result<()> {
    let Some(me) = me(tx)? else { return Ok(()) };
    match row::get::<PostLikeRow>(tx, like_id)? {
        None => withdraw(tx, &me, "post_like", like_id),
        Some(l) => {
            let r = Response { source_type: "post_like", source_id: like_id, actor: &l.user_id, post_id: &l.post_id, at: &l.created_at, text: None };
            response(tx, &me, r)
        }
    }
}

fn comment_item(tx: &Tx, comment_id: &str) -> Result<()> {
    let Some(me) = me(tx)? else { return Ok(()) };
    match row::get::<PostCommentRow>(tx, comment_id)? {
        None => withdraw(tx, &me, "post_comment", comment_id),
        Some(c) => {
            let r = Response { source_type: "post_comment", source_id: comment_id, actor: &c.author_id, post_id: &c.post_id, at: &c.created_at, text: Some(&c.body) };
            response(tx, &me, r)
        }
    }
}

fn follow_item(tx: &Tx, id: &str) -> Result<()> {
    let Some(me) = me(tx)? else { return Ok(()) };
    if let Some(f) = row::get::<FollowRow>(tx, id)? {
        if f.followee_id != me || follows::blocks(tx, &me, &f.follower_id)? {
            return Ok(());
        }
        let asked = follows::relation(tx, &me, &f.follower_id)?.follows_me == follows::FollowState::Requested;
        let title = format!("{} {}", who(tx, &f.follower_id), if asked { "asked to follow you" } else { "followed you" });
        let metadata = json!({ "actor_id": f.follower_id, "actor": who(tx, &f.follower_id), "request": asked, "at": f.created_at });
        let item = Item { kind: ActivityType::NewConnection, title, description: None, source_type: "follow", source_id: id, priority: 1, metadata };
        return deliver(tx, &me, item);
    }
    if let Some(d) = row::get::<FollowDecisionRow>(tx, id)? {
        if d.follower_id != me || d.decision != FollowDecision::Accepted {
            return Ok(());
        }
        let title = format!("{} accepted your follow request", who(tx, &d.followee_id));
        let metadata = json!({ "actor_id": d.followee_id, "actor": who(tx, &d.followee_id), "at": d.decided_at });
        let item = Item { kind: ActivityType::PostingApproved, title, description: None, source_type: "follow_decision", source_id: id, priority: 1, metadata };
        return deliver(tx, &me, item);
    }
    // Gone: an unfollow takes its item back; an accepted request stays news.
    withdraw(tx, &me, "follow", id)
}

/// The user's preference: a like or comment on my post raises a native notification
/// (default on).
pub const NOTIFY_PREF: &str = "social.notify_responses";
/// Until when (a `created_at`) this device has told the user about responses.
pub const NOTIFIED_KEY: &str = "social.responses_notified_until";
/// Notices one call raises at most; more are summed up in one.
const MAX_NOTICES: usize = 3;

pub fn notify_enabled(conn: &rusqlite::Connection, me: &str) -> Result<bool> {
    Ok(preferences::get::<bool>(conn, me, NOTIFY_PREF)?.unwrap_or(true))
}

pub fn set_notify(db: &Db, me: &str, on: bool) -> Result<bool> {
    db.write(WriteCtx::by(me, "social.notify_responses"), |tx| preferences::set(tx, me, NOTIFY_PREF, &on))?;
    Ok(on)
}

/// Native notices for the unread likes and comments on my posts that arrived since the
/// last call (the shell calls it after each sync round). The first call on a device only
/// starts counting, so an old history is not announced; none while turned off.
pub fn response_notices(db: &Db, me: &str) -> Result<Vec<Notice>> {
    let now = crate::db::timestamp_text(db.now());
    let (since, on) = db.read(|c| Ok((app_settings::get::<String>(c, NOTIFIED_KEY)?, notify_enabled(c, me)?)))?;
    let fresh = match (&since, on) {
        (Some(since), true) => db.read(|c| activity_feed::written_after(c, me, ActivityType::PostingResponse, since, 100))?,
        _ => Vec::new(),
    };
    // A quiet round (on, nothing new), every few minutes, writes nothing; while turned off
    // the mark follows the clock, so turning notices back on announces no backlog.
    let until = match (fresh.last(), since) {
        (Some(last), _) => Some(last.created_at.clone()),
        (None, Some(_)) if on => None,
        (None, _) => Some(now),
    };
    if let Some(until) = until {
        db.write(WriteCtx::system("social.responses_notified"), |tx| {
            app_settings::set(tx, NOTIFIED_KEY, "social", "likes and comments already notified on this device", &until)
        })?;
    }
    let ja = db.read(|c| crate::account::settings::get(c, me))?.preferred_locale == crate::account::settings::Locale::Ja;
    let mut notices: Vec<Notice> = fresh
        .iter()
        .take(MAX_NOTICES)
        .map(|i| Notice::new(response_title(i, ja), i.description.clone().unwrap_or_default()).tagged("social.response"))
        .collect();
    if fresh.len() > MAX_NOTICES {
        let more = fresh.len() - MAX_NOTICES;
        let (title, body) = if ja {
            (format!("ほかに {more} 件の反応があります"), "Studydesk を開いて確認してください。")
        } else {
            (format!("{more} more responses to your posts"), "Open Studydesk to see them.")
        };
        notices.push(Notice::new(title, body).tagged("social.response"));
    }
    Ok(notices)
}

/// A like or comment's notice title in the user's language, from the words the item keeps
/// in its metadata (`actor`, `response`); an item made before they were kept has its
/// English title.
fn response_title(item: &crate::dashboard::rows::ActivityFeedRow, ja: bool) -> String {
    let meta = item.metadata.as_ref();
    let word = |key: &str| meta.and_then(|m| m.get(key)).and_then(|v| v.as_str()).map(str::to_string);
    match (word("actor"), word("response").as_deref(), ja) {
        (Some(who), Some("like"), true) => format!("{who} さんがあなたの投稿にいいねしました"),
        (Some(who), Some("comment"), true) => format!("{who} さんがあなたの投稿にコメントしました"),
        _ => item.title.clone(),
    }
}
