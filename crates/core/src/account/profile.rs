//! The local profile: the `users` row of this device's user and its onboarding state.
//! Which user is "me" on this device is kept in `local_meta`. The first open of a new
//! database creates the user with its settings here, and its first rows in the other
//! rooms through `crate::setup`, in one write.

use super::rows::{FollowPolicy, UserRole, UserRow, UserStatus};
use crate::db::row;
use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const LOCAL_USER_KEY: &str = "local_user_id";
const ONBOARDING_KEY: &str = "onboarding.completed";

/// The local profile as the app shows it, built from the `users` row without its private
/// columns.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Profile {
    pub id: String,
    pub display_name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub bio: Option<String>,
    pub created_at: String,
}

/// What the user chose on the first screen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OnboardingChoice {
    Empty,
    Sample,
}

pub fn local_user_id(conn: &Connection) -> Result<Option<String>> {
    crate::db::meta::read(conn, LOCAL_USER_KEY)
}

/// Creates the local user's row and marks it as this device's user (first launch; the
/// rooms' first rows of the user are made by `crate::setup`, which calls this).
pub fn insert_local_user(tx: &Tx, tz: &str) -> Result<String> {
    let id = tx.new_id();
    let now = tx.now_text();
    // The schema's defaults, but for the status (a local profile is active) and the join day.
    let user = UserRow {
        id: id.clone(),
        legacy_id: None,
        email: None,
        username: None,
        display_name: String::new(),
        password: None,
        bio: None,
        location: None,
        avatar_url: None,
        banner_image_url: None,
        joined_at: Some(now[..10].to_string()),
        followers_count: 0,
        following_count: 0,
        posts_count: 0,
        email_verified_at: None,
        is_active: true,
        provider: None,
        provider_id: None,
        metadata: None,
        role: UserRole::BusinessUser,
        department: None,
        phone: None,
        timezone: Some("UTC".into()),
        status: UserStatus::Active,
        last_login: None,
        created_at: now.clone(),
        updated_at: now,
        follow_policy: FollowPolicy::Open,
    };
    row::insert(tx, &user)?;
    crate::db::meta::insert(tx, LOCAL_USER_KEY, &id)?;
    super::settings::insert_defaults(tx, &id, tz)?;
    Ok(id)
}


/// The profile the app shows, built from the `users` row: the public face and the
/// account's email, never the password hash or the other private columns; an empty
/// display name (the column is NOT NULL) is no name.
impl From<&UserRow> for Profile {
    fn from(u: &UserRow) -> Profile {
        Profile {
            id: u.id.clone(),
            display_name: Some(u.display_name.clone()).filter(|n| !n.is_empty()),
            username: u.username.clone(),
            email: u.email.clone(),
            bio: u.bio.clone(),
            created_at: u.created_at.clone(),
        }
    }
}

fn user(conn: &Connection, user_id: &str) -> Result<UserRow> {
    row::get(conn, user_id)?.ok_or_else(|| CoreError::not_found("user", user_id))
}

pub fn get(conn: &Connection, user_id: &str) -> Result<Profile> {
    Ok(Profile::from(&user(conn, user_id)?))
}

pub fn set_display_name(db: &Db, user_id: &str, name: Option<&str>) -> Result<Profile> {
    let name = validate::opt_text("display name", name, 120)?;
    db.write(WriteCtx::by(user_id, "profile.update"), |tx| {
        let u = UserRow { display_name: name.unwrap_or_default(), updated_at: tx.now_text(), ..user(tx, user_id)? };
        row::update(tx, &u)?;
        Ok(Profile::from(&u))
    })
}

/// Onboarding is done once the user chose (whatever they chose, in whatever version).
pub fn onboarding_pending(conn: &Connection, user_id: &str) -> Result<bool> {
    Ok(super::preferences::get::<serde_json::Value>(conn, user_id, ONBOARDING_KEY)?.is_none())
}

pub fn mark_onboarded(tx: &Tx, user_id: &str, choice: OnboardingChoice) -> Result<()> {
    super::preferences::set(tx, user_id, ONBOARDING_KEY, &choice)
}


/// Who wrote something, as a post, a comment or a follower list shows them: the public
/// face of a `users` row.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Face {
    pub id: String,
    pub username: Option<String>,
    pub display_name: String,
    pub avatar_url: Option<String>,
}

/// A profile page: the public columns of a `users` row with its counters (kept by the
/// social room's write path, never counted on read).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct PublicProfile {
    pub id: String,
    pub username: Option<String>,
    pub display_name: String,
    pub bio: Option<String>,
    pub location: Option<String>,
    pub avatar_url: Option<String>,
    pub banner_image_url: Option<String>,
    pub joined_at: Option<String>,
    pub followers_count: i64,
    pub following_count: i64,
    pub posts_count: i64,
    pub follow_policy: FollowPolicy,
}

impl From<&UserRow> for PublicProfile {
    fn from(u: &UserRow) -> PublicProfile {
        PublicProfile {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            bio: u.bio.clone(),
            location: u.location.clone(),
            avatar_url: u.avatar_url.clone(),
            banner_image_url: u.banner_image_url.clone(),
            joined_at: u.joined_at.clone(),
            followers_count: u.followers_count,
            following_count: u.following_count,
            posts_count: u.posts_count,
            follow_policy: u.follow_policy,
        }
    }
}

/// SQL condition, with `{user}` replaced by an expression naming a user id: that user's
/// follows take effect without an answer. For the social room's queries, which may not
/// name `users` themselves.
pub const OPEN_PROFILE: &str = "coalesce((SELECT follow_policy FROM users WHERE id = {user}), 'open') = 'open'";

/// SQL condition over `attachments a`: its owner's avatar or banner shows it
/// (`attachment:<sha256>.<ext>`, `studydesk_sync::media`), for `crate::rooms`.
pub const SHOWS_ATTACHMENT: &str = "EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id
      AND (substr(u.avatar_url, 12, 64) = a.content_hash OR substr(u.banner_image_url, 12, 64) = a.content_hash))";

/// Every avatar and banner reference on this device (files sync must keep).
pub fn picture_refs(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT avatar_url FROM users WHERE avatar_url IS NOT NULL
         UNION SELECT banner_image_url FROM users WHERE banner_image_url IS NOT NULL",
    )?;
    let refs = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(refs)
}

pub fn public_profile(conn: &Connection, user_id: &str) -> Result<PublicProfile> {
    Ok(PublicProfile::from(&user(conn, user_id)?))
}

pub fn exists(conn: &Connection, user_id: &str) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM users WHERE id = ?1")?.exists([user_id])?)
}

/// The faces of `ids` (unknown ids are left out).
pub fn faces(conn: &Connection, ids: &[&str]) -> Result<std::collections::HashMap<String, Face>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    let mut st = conn.prepare_cached("SELECT id, username, display_name, avatar_url FROM users WHERE id = ?1")?;
    for id in ids {
        if out.contains_key(*id) {
            continue;
        }
        let face = st
            .query_row([id], |r| Ok(Face { id: r.get(0)?, username: r.get(1)?, display_name: r.get(2)?, avatar_url: r.get(3)? }))
            .optional()?;
        if let Some(face) = face {
            out.insert(face.id.clone(), face);
        }
    }
    Ok(out)
}

/// The user known on this device by `@name` or by id.
pub fn find(conn: &Connection, name_or_id: &str) -> Result<String> {
    let name = name_or_id.trim().trim_start_matches('@');
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM users WHERE id = ?1 OR username = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC LIMIT 1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    found.ok_or_else(|| CoreError::not_found("user", name_or_id))
}

/// Users whose username or display name contains `query`, at most `limit`, with ids.
pub fn search(conn: &Connection, query: &str, limit: i64) -> Result<Vec<Face>> {
    let pattern = format!("%{}%", query.replace(['%', '_'], ""));
    let mut st = conn.prepare_cached(
        "SELECT id, username, display_name, avatar_url FROM users
         WHERE username LIKE ?1 OR display_name LIKE ?1 ORDER BY username IS NULL, username, display_name LIMIT ?2",
    )?;
    let rows = st.query_map(rusqlite::params![pattern, limit], |r| {
        Ok(Face { id: r.get(0)?, username: r.get(1)?, display_name: r.get(2)?, avatar_url: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the profile form edits: the public face, `None` leaving a field as it is and an
/// empty text clearing it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ProfileEdit {
    pub display_name: Option<String>,
    pub username: Option<String>,
    pub bio: Option<String>,
    pub location: Option<String>,
    pub avatar_url: Option<String>,
    pub banner_image_url: Option<String>,
}

/// The longest bio, in characters.
pub const MAX_BIO: usize = 500;

/// Saves the public face. A username follows the shared rules
/// (`studydesk_sync::username`) and must not look like another username known on this
/// device; the server checks every account's when the profile syncs.
pub fn update_public(tx: &Tx, user_id: &str, edit: &ProfileEdit) -> Result<PublicProfile> {
    let mut u = user(tx, user_id)?;
    if let Some(name) = &edit.display_name {
        u.display_name = validate::opt_text("display name", Some(name), 120)?.unwrap_or_default();
    }
    if let Some(name) = &edit.username {
        u.username = if name.trim().is_empty() { None } else { Some(checked_username(tx, user_id, name)?) };
    }
    if let Some(bio) = &edit.bio {
        u.bio = validate::opt_text("bio", Some(bio), MAX_BIO)?;
    }
    if let Some(location) = &edit.location {
        u.location = validate::opt_text("location", Some(location), 120)?;
    }
    if let Some(url) = &edit.avatar_url {
        u.avatar_url = Some(url.trim()).filter(|v| !v.is_empty()).map(str::to_string);
    }
    if let Some(url) = &edit.banner_image_url {
        u.banner_image_url = Some(url.trim()).filter(|v| !v.is_empty()).map(str::to_string);
    }
    u.updated_at = tx.now_text();
    row::update(tx, &u)?;
    Ok(PublicProfile::from(&u))
}

fn checked_username(conn: &Connection, user_id: &str, name: &str) -> Result<String> {
    let check = username_check(conn, user_id, name)?;
    match check.verdict {
        UsernameVerdict::Available => Ok(check.name),
        _ => Err(CoreError::validation(check.message.unwrap_or_default())),
    }
}

/// What the profile form says about a username as the user types it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UsernameVerdict {
    Available,
    /// Another account has it, or one that reads the same (`similar_to`).
    Taken,
    /// It breaks a rule (`rule`).
    Invalid,
}

/// Which of the shared username rules (`studydesk_sync::username`) a name breaks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UsernameRule {
    /// 3 to 30 characters.
    Length,
    Whitespace,
    /// Control or invisible characters.
    Control,
    /// A character that is not a letter, a digit, `_` or `.` (`character`).
    Character,
    /// Starts or ends with `.` or `_`.
    Edge,
    /// Letters of alphabets that look alike.
    MixedScripts,
}

/// Whether the server answered a username check.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServerCheck {
    /// The server's answer is in the verdict.
    Checked,
    /// Not signed in: the server checks the name when the profile first syncs.
    NotSignedIn,
    /// Signed in but the server could not be reached: checked at the next sync.
    Unreachable,
    /// Not asked (the name breaks a rule, or is taken here already).
    NotAsked,
}

/// A username checked against the shared rules, the names known on this device and, when
/// signed in, the sync server.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct UsernameCheck {
    /// The name as it would be stored (NFC), or as given when it breaks a rule.
    pub name: String,
    pub verdict: UsernameVerdict,
    pub rule: Option<UsernameRule>,
    /// The character `Character` refuses.
    pub character: Option<String>,
    /// The known name this one reads as (`Taken` on this device).
    pub similar_to: Option<String>,
    pub server: ServerCheck,
    /// The reason in English words (the core's refusal message), when not available.
    pub message: Option<String>,
}

/// The longest text the check looks at (longer is refused for its length unread).
const USERNAME_INPUT_MAX: usize = 100;

/// Checks `name` for `user_id` by the shared rules and against the usernames known on
/// this device (their confusable skeletons); `server` is `NotAsked`. The user's own name
/// is available to them.
pub fn username_check(conn: &Connection, user_id: &str, name: &str) -> Result<UsernameCheck> {
    use studydesk_sync::username::{self, UsernameError};
    let given = name.trim();
    let refused = |rule: UsernameRule, character: Option<String>, message: String| UsernameCheck {
        name: given.chars().take(USERNAME_INPUT_MAX).collect(),
        verdict: UsernameVerdict::Invalid,
        rule: Some(rule),
        character,
        similar_to: None,
        server: ServerCheck::NotAsked,
        message: Some(message),
    };
    if given.chars().count() > USERNAME_INPUT_MAX {
        return Ok(refused(UsernameRule::Length, None, UsernameError::Length.to_string()));
    }
    let name = match username::normalize(given) {
        Ok(n) => n,
        Err(e) => {
            let (rule, character) = match &e {
                UsernameError::Length => (UsernameRule::Length, None),
                UsernameError::Whitespace => (UsernameRule::Whitespace, None),
                UsernameError::Control => (UsernameRule::Control, None),
                UsernameError::Character(c) => (UsernameRule::Character, Some(c.to_string())),
                UsernameError::Edge => (UsernameRule::Edge, None),
                UsernameError::MixedScripts => (UsernameRule::MixedScripts, None),
            };
            return Ok(refused(rule, character, e.to_string()));
        }
    };
    let skeleton = username::skeleton(&name);
    let mut st = conn.prepare_cached("SELECT username FROM users WHERE id <> ?1 AND username IS NOT NULL")?;
    let taken = st
        .query_map([user_id], |r| r.get::<_, String>(0))?
        .filter_map(|n| n.ok())
        .find(|other| username::skeleton(other) == skeleton);
    let message = taken.as_ref().map(|other| {
        if other.to_lowercase() == name.to_lowercase() {
            format!("the username @{name} is taken")
        } else {
            format!("@{name} looks like @{other}, which is taken; choose another username")
        }
    });
    Ok(UsernameCheck {
        verdict: if taken.is_some() { UsernameVerdict::Taken } else { UsernameVerdict::Available },
        similar_to: taken.filter(|other| other.to_lowercase() != name.to_lowercase()),
        name,
        rule: None,
        character: None,
        server: ServerCheck::NotAsked,
        message,
    })
}

/// Sets who may follow without asking (the social room answers pending requests first).
pub fn set_follow_policy(tx: &Tx, user_id: &str, policy: FollowPolicy) -> Result<()> {
    tx.prepare_cached("UPDATE users SET follow_policy = ?2, updated_at = ?3 WHERE id = ?1 AND follow_policy <> ?2")?
        .execute(rusqlite::params![user_id, policy.as_str(), tx.now_text()])?;
    Ok(())
}

pub fn follow_policy(conn: &Connection, user_id: &str) -> Result<FollowPolicy> {
    Ok(user(conn, user_id)?.follow_policy)
}

/// Stores the counters the social room keeps (derived columns: never synced). Writes
/// only when one moved, so a recomputation that changes nothing leaves no trace.
pub fn set_counts(tx: &Tx, user_id: &str, followers: i64, following: i64, posts: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE users SET followers_count = ?2, following_count = ?3, posts_count = ?4
         WHERE id = ?1 AND (followers_count, following_count, posts_count) IS NOT (?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![user_id, followers, following, posts])?;
    Ok(())
}
