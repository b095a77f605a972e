//! Follows, follow requests, blocks, mutes and interest tags.
//!
//! Contract:
//! - A `follows` row is the follower's (id derived from (follower, followee): following
//!   twice is one row). It is **effective** when the followee has not blocked the follower
//!   and either answered it `accepted`, or has an open profile and did not decline it
//!   after it was made ([`EFFECTIVE`]). Otherwise it is a request (pending) or declined.
//!   The followee answers with a `follow_decisions` row of their own (one per pair).
//! - Switching to "approve followers" accepts the followers of that moment; switching
//!   back to open accepts every pending request, so a policy change made here never
//!   changes who follows whom. A follow made offline on another device can still cross
//!   the switch (a request once it arrives), so the counters watch `users.follow_policy`
//!   too (`counters::POLICY`).
//! - Blocking removes my follow of them and hides them everywhere; their follow of me
//!   stays their row but is no longer effective; they cannot follow me, like or comment
//!   on my posts. A mute only hides their posts from my feed.
//! - Every refusal is a `validation` or `not_found` error that names the user, and writes
//!   nothing.

use super::rows::{FollowDecision, FollowDecisionRow, FollowRow, UserBlockRow, UserMuteRow, UserTagRow};
use crate::account::profile::{self, Face};
use crate::account::rows::FollowPolicy;
use crate::db::{row, Tx, WriteCtx};
use crate::{CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// SQL condition over a `follows` row named `f`: the follow is effective.
pub fn effective(f: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.user_id = {f}.followee_id AND b.blocked_user_id = {f}.follower_id)
          AND coalesce((SELECT CASE WHEN d.decision = 'accepted' THEN 1 WHEN d.decided_at >= {f}.created_at THEN 0 END
                        FROM follow_decisions d WHERE d.followee_id = {f}.followee_id AND d.follower_id = {f}.follower_id),
                       {open}))",
        open = profile::OPEN_PROFILE.replace("{user}", &format!("{f}.followee_id")),
    )
}

/// Where a follow of one user by another stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FollowState {
    None,
    Requested,
    Declined,
    Following,
}

/// How I stand with another user, as a profile page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Relation {
    pub me: bool,
    /// My follow of them.
    pub following: FollowState,
    /// Their follow of me.
    pub follows_me: FollowState,
    pub blocked: bool,
    pub muted: bool,
}

fn state(conn: &Connection, follower: &str, followee: &str) -> Result<FollowState> {
    let sql = format!(
        "SELECT {eff}, (SELECT decision = 'declined' AND decided_at >= f.created_at FROM follow_decisions
                        WHERE followee_id = f.followee_id AND follower_id = f.follower_id)
         FROM follows f WHERE f.follower_id = ?1 AND f.followee_id = ?2",
        eff = effective("f")
    );
    let found: Option<(bool, Option<bool>)> =
        conn.prepare_cached(&sql)?.query_row([follower, followee], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(match found {
        None => FollowState::None,
        Some((true, _)) => FollowState::Following,
        Some((false, Some(true))) => FollowState::Declined,
        Some((false, _)) => FollowState::Requested,
    })
}

pub fn relation(conn: &Connection, me: &str, other: &str) -> Result<Relation> {
    Ok(Relation {
        me: me == other,
        following: state(conn, me, other)?,
        follows_me: state(conn, other, me)?,
        blocked: blocks(conn, me, other)?,
        muted: conn.prepare_cached("SELECT 1 FROM user_mutes WHERE user_id = ?1 AND muted_user_id = ?2")?.exists([me, other])?,
    })
}

/// `blocker` blocked `blocked`.
pub fn blocks(conn: &Connection, blocker: &str, blocked: &str) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM user_blocks WHERE user_id = ?1 AND blocked_user_id = ?2")?.exists([blocker, blocked])?)
}

/// Either of the two blocked the other.
pub fn blocked_between(conn: &Connection, a: &str, b: &str) -> Result<bool> {
    Ok(blocks(conn, a, b)? || blocks(conn, b, a)?)
}

/// `follower` effectively follows `followee`.
pub fn is_following(conn: &Connection, follower: &str, followee: &str) -> Result<bool> {
    Ok(state(conn, follower, followee)? == FollowState::Following)
}

/// When `follower`'s follow of `followee` was made (or last asked), if there is one.
pub fn followed_since(conn: &Connection, follower: &str, followee: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT created_at FROM follows WHERE follower_id = ?1 AND followee_id = ?2")?
        .query_row([follower, followee], |r| r.get(0))
        .optional()?)
}

/// A user other than me, known on this device and not behind a block.
fn other_user(conn: &Connection, me: &str, name_or_id: &str) -> Result<String> {
    let other = profile::find(conn, name_or_id)?;
    if other == me {
        return Err(CoreError::validation("you cannot follow, block or mute yourself"));
    }
    Ok(other)
}

fn name_of(conn: &Connection, id: &str) -> String {
    profile::faces(conn, &[id])
        .ok()
        .and_then(|f| f.get(id).and_then(|f| f.username.clone().map(|u| format!("@{u}")).or(Some(f.display_name.clone()))))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "this user".into())
}

/// Follows `who` (`@username` or id): effective at once for an open profile, else a
/// request. Following again is the same row; a declined request is asked again.
pub fn follow(db: &Db, me: &str, who: &str) -> Result<Relation> {
    db.write(WriteCtx::by(me, "social.follow"), |tx| {
        let other = other_user(tx, me, who)?;
        if blocks(tx, me, &other)? {
            return Err(CoreError::validation(format!("you blocked {}; unblock them to follow", name_of(tx, &other))));
        }
        if blocks(tx, &other, me)? {
            return Err(CoreError::validation(format!("{} is not available to follow", name_of(tx, &other))));
        }
        let id = tx.natural_id("follows", &[me, &other]);
        match row::get::<FollowRow>(tx, &id)? {
            None => row::insert(tx, &FollowRow { id, follower_id: me.into(), followee_id: other.clone(), created_at: tx.now_text() })?,
            Some(existing) if state(tx, me, &other)? == FollowState::Declined => {
                row::update(tx, &FollowRow { created_at: tx.now_text(), ..existing })?
            }
            Some(_) => {}
        }
        relation(tx, me, &other)
    })
}

/// Stops following `who`, or withdraws the request. Not following is not an error.
pub fn unfollow(db: &Db, me: &str, who: &str) -> Result<Relation> {
    db.write(WriteCtx::by(me, "social.unfollow"), |tx| {
        let other = other_user(tx, me, who)?;
        row::delete::<FollowRow>(tx, &tx.natural_id("follows", &[me, &other]))?;
        relation(tx, me, &other)
    })
}

fn decide(tx: &Tx, me: &str, follower: &str, decision: FollowDecision) -> Result<()> {
    let id = tx.natural_id("follow_decisions", &[me, follower]);
    let answer = FollowDecisionRow { id, followee_id: me.into(), follower_id: follower.into(), decision, decided_at: tx.now_text() };
    row::upsert(tx, &answer)
}

/// Accepts or declines `who`'s request to follow me.
pub fn answer(db: &Db, me: &str, who: &str, accept: bool) -> Result<Relation> {
    db.write(WriteCtx::by(me, if accept { "social.request.accept" } else { "social.request.decline" }), |tx| {
        let other = other_user(tx, me, who)?;
        if state(tx, &other, me)? == FollowState::None {
            return Err(CoreError::validation(format!("{} has not asked to follow you", name_of(tx, &other))));
        }
        decide(tx, me, &other, if accept { FollowDecision::Accepted } else { FollowDecision::Declined })?;
        relation(tx, me, &other)
    })
}

/// Sets whether follows of me need my answer. See the module contract for what happens to
/// the follows of the moment.
pub fn set_policy(db: &Db, me: &str, policy: FollowPolicy) -> Result<FollowPolicy> {
    db.write(WriteCtx::by(me, "social.follow_policy"), |tx| {
        let (before, after) = (profile::follow_policy(tx, me)?, policy);
        if before == after {
            return Ok(after);
        }
        // Approve: today's followers stay. Open: every waiting request is accepted.
        let wanted = if after == FollowPolicy::Approve { FollowState::Following } else { FollowState::Requested };
        for follower in follower_ids(tx, me)? {
            if state(tx, &follower, me)? == wanted {
                decide(tx, me, &follower, FollowDecision::Accepted)?;
            }
        }
        profile::set_follow_policy(tx, me, after)?;
        Ok(after)
    })
}

fn follower_ids(conn: &Connection, me: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT follower_id FROM follows WHERE followee_id = ?1")?;
    let ids = st.query_map([me], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Blocks `who`: my follow of them ends, theirs no longer counts, and they vanish from my
/// feed, lists and suggestions.
pub fn block(db: &Db, me: &str, who: &str) -> Result<Relation> {
    db.write(WriteCtx::by(me, "social.block"), |tx| {
        let other = other_user(tx, me, who)?;
        row::delete::<FollowRow>(tx, &tx.natural_id("follows", &[me, &other]))?;
        let id = tx.natural_id("user_blocks", &[me, &other]);
        if row::get::<UserBlockRow>(tx, &id)?.is_none() {
            row::insert(tx, &UserBlockRow { id, user_id: me.into(), blocked_user_id: other.clone(), created_at: tx.now_text() })?;
        }
        relation(tx, me, &other)
    })
}

pub fn unblock(db: &Db, me: &str, who: &str) -> Result<Relation> {
    db.write(WriteCtx::by(me, "social.unblock"), |tx| {
        let other = other_user(tx, me, who)?;
        row::delete::<UserBlockRow>(tx, &tx.natural_id("user_blocks", &[me, &other]))?;
        relation(tx, me, &other)
    })
}

pub fn set_muted(db: &Db, me: &str, who: &str, muted: bool) -> Result<Relation> {
    db.write(WriteCtx::by(me, if muted { "social.mute" } else { "social.unmute" }), |tx| {
        let other = other_user(tx, me, who)?;
        let id = tx.natural_id("user_mutes", &[me, &other]);
        match (muted, row::get::<UserMuteRow>(tx, &id)?) {
            (true, None) => {
                row::insert(tx, &UserMuteRow { id, user_id: me.into(), muted_user_id: other.clone(), created_at: tx.now_text() })?
            }
            (false, Some(_)) => row::delete::<UserMuteRow>(tx, &id)?,
            _ => {}
        }
        relation(tx, me, &other)
    })
}

/// Which list of people to show.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PeopleList {
    Followers,
    Following,
    /// Requests waiting for my answer.
    Requests,
    Blocked,
    Muted,
}

/// The most people one list answers.
pub const MAX_PEOPLE: i64 = 500;

/// A list of people of `user` (requests, blocked and muted: only my own), newest first.
pub fn people(conn: &Connection, me: &str, user: &str, list: PeopleList) -> Result<Vec<Face>> {
    if matches!(list, PeopleList::Requests | PeopleList::Blocked | PeopleList::Muted) && user != me {
        return Err(CoreError::validation("only your own requests, blocks and mutes can be listed"));
    }
    let eff = effective("f");
    let sql = match list {
        PeopleList::Followers => format!("SELECT f.follower_id FROM follows f WHERE f.followee_id = ?1 AND {eff} ORDER BY f.created_at DESC LIMIT ?2"),
        PeopleList::Following => format!("SELECT f.followee_id FROM follows f WHERE f.follower_id = ?1 AND {eff} ORDER BY f.created_at DESC LIMIT ?2"),
        PeopleList::Requests => format!(
            "SELECT f.follower_id FROM follows f WHERE f.followee_id = ?1 AND NOT {eff}
               AND NOT EXISTS (SELECT 1 FROM follow_decisions d WHERE d.followee_id = f.followee_id
                               AND d.follower_id = f.follower_id AND d.decided_at >= f.created_at)
             ORDER BY f.created_at DESC LIMIT ?2"
        ),
        PeopleList::Blocked => "SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2".into(),
        PeopleList::Muted => "SELECT muted_user_id FROM user_mutes WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2".into(),
    };
    let ids: Vec<String> = conn.prepare_cached(&sql)?.query_map(params![user, MAX_PEOPLE], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ordered_faces(conn, &ids)
}

fn ordered_faces(conn: &Connection, ids: &[String]) -> Result<Vec<Face>> {
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut faces = profile::faces(conn, &refs)?;
    Ok(ids.iter().filter_map(|id| faces.remove(id)).collect())
}

/// People I do not follow (nor blocked, nor who blocked me) sharing my interest tags, most
/// shared tags first.
pub fn suggestions(conn: &Connection, me: &str, limit: i64) -> Result<Vec<Face>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT o.user_id FROM user_tags mine JOIN user_tags o ON o.tag = mine.tag AND o.user_id <> mine.user_id
             WHERE mine.user_id = ?1
               AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ?1 AND f.followee_id = o.user_id)
               AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE (b.user_id = ?1 AND b.blocked_user_id = o.user_id)
                                                          OR (b.user_id = o.user_id AND b.blocked_user_id = ?1))
             GROUP BY o.user_id ORDER BY count(*) DESC, o.user_id LIMIT ?2",
        )?
        .query_map(params![me, limit.clamp(1, 50)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ordered_faces(conn, &ids)
}

/// The most interest tags a profile has.
pub const MAX_TAGS: usize = 20;

/// A user's interest tags, alphabetical.
pub fn tags(conn: &Connection, user: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT tag FROM user_tags WHERE user_id = ?1 ORDER BY tag")?;
    let tags = st.query_map([user], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

/// Replaces my interest tags (each without `#`, 1 to 50 characters, at most [`MAX_TAGS`]).
pub fn set_tags(tx: &Tx, me: &str, wanted: &[String]) -> Result<Vec<String>> {
    let wanted = super::clean_tags(wanted, MAX_TAGS)?;
    for old in tags(tx, me)? {
        if !wanted.contains(&old) {
            row::delete::<UserTagRow>(tx, &tx.natural_id("user_tags", &[me, &old]))?;
        }
    }
    for tag in &wanted {
        let id = tx.natural_id("user_tags", &[me, tag]);
        if row::get::<UserTagRow>(tx, &id)?.is_none() {
            row::insert(tx, &UserTagRow { id, user_id: me.into(), tag: tag.clone(), created_at: tx.now_text() })?;
        }
    }
    tags(tx, me)
}

/// The followers and follows of `user` that take effect, and their posts on this device:
/// the three profile counters ([`super::counters`]).
pub(super) fn counts(conn: &Connection, user: &str) -> Result<(i64, i64, i64)> {
    let eff = effective("f");
    let sql = format!(
        "SELECT (SELECT count(*) FROM follows f WHERE f.followee_id = ?1 AND {eff}),
                (SELECT count(*) FROM follows f WHERE f.follower_id = ?1 AND {eff}),
                (SELECT count(*) FROM posts WHERE user_id = ?1)"
    );
    Ok(conn.prepare_cached(&sql)?.query_row([user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// A profile page: the public profile, its interest tags, and how I stand with them.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ProfileCard {
    pub profile: profile::PublicProfile,
    pub tags: Vec<String>,
    pub relation: Relation,
    /// This device is signed in to a sync server: posts reach other people. When false,
    /// everything stays on my devices, and the page says so.
    pub reaches_others: bool,
}

/// The profile page of `user` (`@username` or id; `None`: mine).
pub fn card(conn: &Connection, me: &str, user: Option<&str>, reaches_others: bool) -> Result<ProfileCard> {
    let id = match user {
        Some(u) => profile::find(conn, u)?,
        None => me.to_string(),
    };
    Ok(ProfileCard {
        profile: profile::public_profile(conn, &id)?,
        tags: tags(conn, &id)?,
        relation: relation(conn, me, &id)?,
        reaches_others,
    })
}

/// Saves my public face and, if given, my interest tags, in one write.
pub fn save_profile(db: &Db, me: &str, edit: &profile::ProfileEdit, interest_tags: Option<&[String]>) -> Result<()> {
    db.write(WriteCtx::by(me, "profile.update"), |tx| {
        profile::update_public(tx, me, edit)?;
        if let Some(t) = interest_tags {
            set_tags(tx, me, t)?;
        }
        Ok(())
    })
}
