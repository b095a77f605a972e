//! Posts (study logs), their tags, likes and comments, and the feeds that page them.
//!
//! Contract:
//! - A post has text (at most [`MAX_CONTENT`] characters), an optional subject, book or
//!   resource and study duration, up to [`MAX_TAGS`] tags, and a visibility chosen when it
//!   is posted (public, followers, only me): it decides which devices the post reaches and
//!   cannot change later (docs/sync.md §2). Only the author edits or deletes it; deleting
//!   takes its media, tags, likes and comments (ON DELETE CASCADE) on every device.
//! - A like is one row per (post, user) (derived id); liking twice is refused with a
//!   message, unliking what is not liked is not an error. Comments are chronological,
//!   edited and deleted by their author; a comment on a deleted or unknown post is refused.
//!   Nobody likes or comments across a block.
//! - Feeds page by a cursor `created_at|id` over `(created_at DESC, id DESC)`, never by
//!   OFFSET: the home feed (my posts and those of the people I effectively follow, minus
//!   muted and blocked ones), Discover (public posts, optionally of one tag) and one
//!   user's posts for their profile page ([`FeedScope::User`]).
//! - Counters (`like_count`, `comment_count`) are kept by [`super::counters`].
//! - Images and videos (at most 10, in order, checked by content) are [`super::media`]'s:
//!   written in the post's transaction, `image_url` mirroring the first image; an edit
//!   may reorder them, change their alt texts, add and remove some.

use super::follows;
use super::media::{self, MediaDraft, PostMedia};
use super::rows::{PostCommentRow, PostLikeRow, PostRow, PostTagRow, PostVisibility};
use crate::account::profile::{self, Face};
use crate::db::row::{self, Row};
use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The longest post or comment, in characters.
pub const MAX_CONTENT: usize = 5_000;
pub const MAX_COMMENT: usize = 2_000;
pub const MAX_TAGS: usize = 10;
/// Posts or comments one page answers when the caller names no limit, and at most.
pub const PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;

/// What the composer sends.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct PostDraft {
    pub content: String,
    pub subject: Option<String>,
    pub book_title: Option<String>,
    /// As the user writes it, e.g. "1h 30m".
    pub study_duration: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ignored by an edit (fixed at posting).
    pub visibility: Option<PostVisibility>,
    /// Images and videos in order; `None` (or left out) keeps an edited post's media.
    #[serde(default)]
    #[ts(optional)]
    pub media: Option<Vec<MediaDraft>>,
}

/// A post as the feed shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Post {
    #[serde(flatten)]
    pub row: PostRow,
    pub author: Face,
    pub tags: Vec<String>,
    /// Images and videos, in order.
    pub media: Vec<PostMedia>,
    pub liked_by_me: bool,
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct PostPage {
    pub posts: Vec<Post>,
    /// Pass back to get the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Comment {
    #[serde(flatten)]
    pub row: PostCommentRow,
    pub author: Face,
    pub mine: bool,
}

struct Checked {
    content: Option<String>,
    subject: Option<String>,
    book_title: Option<String>,
    study_duration: Option<String>,
    tags: Vec<String>,
}

fn check(draft: &PostDraft) -> Result<Checked> {
    let content = Some(draft.content.trim()).filter(|c| !c.is_empty()).map(str::to_string);
    if let Some(c) = &content {
        let n = c.chars().count();
        if n > MAX_CONTENT {
            return Err(validate::too_long("post", n, MAX_CONTENT));
        }
    }
    let checked = Checked {
        content,
        subject: validate::opt_text("subject", draft.subject.as_deref(), 80)?,
        book_title: validate::opt_text("book or resource", draft.book_title.as_deref(), 160)?,
        study_duration: validate::opt_text("study duration", draft.study_duration.as_deref(), 32)?,
        tags: super::clean_tags(&draft.tags, MAX_TAGS)?,
    };
    if checked.content.is_none() && checked.subject.is_none() && checked.book_title.is_none() {
        return Err(CoreError::validation("a post needs some text, a subject or a book"));
    }
    Ok(checked)
}

/// The data folder of a database opened in one (`paths::db_path`): where its attachments live.
fn data_dir_of(db: &Db) -> PathBuf {
    db.path().parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Writes a new post; answers it as the feed shows it.
pub fn create(db: &Db, me: &str, draft: &PostDraft) -> Result<Post> {
    create_in(db, &data_dir_of(db), me, draft)
}

/// [`create`] with the data folder named.
pub fn create_in(db: &Db, data_dir: &Path, me: &str, draft: &PostDraft) -> Result<Post> {
    create_with_files(db, data_dir, me, draft, &[])
}

/// [`create_in`], with files on disk (each with its alt text) attached after the draft's
/// media: each is checked by its content and size before anything is copied, then copied
/// and stored as my attachment in the post's transaction (a refusal writes nothing).
pub fn create_with_files(db: &Db, data_dir: &Path, me: &str, draft: &PostDraft, files: &[(PathBuf, Option<String>)]) -> Result<Post> {
    let c = check(draft)?;
    let mut drafts = draft.media.clone().unwrap_or_default();
    media::check_count(drafts.len() + files.len())?;
    for (path, _) in files {
        media::check_path(path)?;
    }
    // Copied and hashed outside the transaction (a video may be large).
    let staged = files.iter().map(|(p, _)| crate::attachments::stage_file(data_dir, p)).collect::<Result<Vec<_>>>()?;
    if files.is_empty() {
        // Checked before the write too, so a refusal never waits for the write lock.
        db.read(|conn| media::check(conn, data_dir, me, None, &drafts))?;
    }
    let id = db.write(WriteCtx::by(me, "post.add"), |tx| {
        for (s, (_, alt)) in staged.iter().zip(files) {
            let row = crate::attachments::commit(tx, data_dir, me, s)?;
            drafts.push(MediaDraft { attachment_id: Some(row.id), media_id: None, alt: alt.clone() });
        }
        let checked_media = media::check(tx, data_dir, me, None, &drafts)?;
        let now = tx.now_text();
        let mut post = PostRow {
            id: tx.new_id(),
            user_id: me.into(),
            content: c.content,
            book_title: c.book_title,
            study_duration: c.study_duration,
            subject: c.subject,
            image_url: None,
            like_count: 0,
            comment_count: 0,
            created_at: now.clone(),
            updated_at: now,
            visibility: draft.visibility.unwrap_or(PostVisibility::Public),
        };
        row::insert(tx, &post)?;
        let (first_image, _) = media::write(tx, &post.id, checked_media)?;
        if first_image.is_some() {
            post.image_url = first_image;
            row::update(tx, &post)?;
        }
        set_tags(tx, &post.id, &c.tags)?;
        Ok(post.id)
    })?;
    db.read(|conn| get_in(conn, data_dir, me, &id))
}

/// Edits my post's text, subject, book, duration, tags and (when the draft names them) media.
pub fn edit(db: &Db, me: &str, id: &str, draft: &PostDraft) -> Result<Post> {
    edit_in(db, &data_dir_of(db), me, id, draft)
}

/// [`edit`] with the data folder named.
pub fn edit_in(db: &Db, data_dir: &Path, me: &str, id: &str, draft: &PostDraft) -> Result<Post> {
    edit_files(db, data_dir, me, id, draft).map(|(post, _)| post)
}

/// [`edit_in`], answering also the content hashes of the media the edit removed (the
/// caller removes the files nothing else shows: `media::remove_unreferenced`).
pub fn edit_files(db: &Db, data_dir: &Path, me: &str, id: &str, draft: &PostDraft) -> Result<(Post, Vec<String>)> {
    let c = check(draft)?;
    let checked_media = match &draft.media {
        Some(list) => Some(db.read(|conn| {
            own(conn, me, id)?;
            media::check(conn, data_dir, me, Some(id), list)
        })?),
        None => None,
    };
    let dropped = db.write(WriteCtx::by(me, "post.edit"), |tx| {
        let post = own(tx, me, id)?;
        let (image_url, dropped) = match checked_media {
            Some(m) => media::write(tx, id, m)?,
            None => (post.image_url.clone(), vec![]),
        };
        let post = PostRow {
            content: c.content,
            subject: c.subject,
            book_title: c.book_title,
            study_duration: c.study_duration,
            image_url,
            updated_at: tx.now_text(),
            ..post
        };
        row::update(tx, &post)?;
        set_tags(tx, id, &c.tags)?;
        Ok(dropped)
    })?;
    Ok((db.read(|conn| get_in(conn, data_dir, me, id))?, dropped))
}

/// Deletes my post with its media, tags, likes and comments.
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    delete_files(db, me, id).map(|_| ())
}

/// [`delete`], answering the content hashes of the post's media (the caller removes the
/// files nothing else shows: `media::remove_unreferenced`).
pub fn delete_files(db: &Db, me: &str, id: &str) -> Result<Vec<String>> {
    db.write(WriteCtx::by(me, "post.delete"), |tx| {
        own(tx, me, id)?;
        let hashes = media::hashes_of(tx, id)?;
        row::delete::<PostRow>(tx, id)?;
        Ok(hashes)
    })
}

fn existing(conn: &Connection, id: &str) -> Result<PostRow> {
    let id = validate::id("post", id)?;
    row::get::<PostRow>(conn, &id)?
        .ok_or_else(|| CoreError::not_found("post", &id))
}

fn own(conn: &Connection, me: &str, id: &str) -> Result<PostRow> {
    let post = existing(conn, id)?;
    if post.user_id != me {
        return Err(CoreError::validation("only the author can change or delete a post"));
    }
    Ok(post)
}

fn set_tags(tx: &Tx, post_id: &str, wanted: &[String]) -> Result<()> {
    for old in tags(tx, post_id)? {
        if !wanted.contains(&old) {
            row::delete::<PostTagRow>(tx, &tx.natural_id("post_tags", &[post_id, &old]))?;
        }
    }
    for tag in wanted {
        let id = tx.natural_id("post_tags", &[post_id, tag]);
        if row::get::<PostTagRow>(tx, &id)?.is_none() {
            row::insert(tx, &PostTagRow { id, post_id: post_id.into(), tag: tag.clone() })?;
        }
    }
    Ok(())
}

fn tags(conn: &Connection, post_id: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT tag FROM post_tags WHERE post_id = ?1 ORDER BY rowid")?;
    let tags = st.query_map([post_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

/// One post as I may see it (another user's "only me" post, or one across a block, is
/// not found).
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<Post> {
    get_in(conn, &data_dir_of_conn(conn), me, id)
}

/// [`get`] with the data folder named (where the media files are).
pub fn get_in(conn: &Connection, data_dir: &Path, me: &str, id: &str) -> Result<Post> {
    let post = readable(conn, me, id)?;
    Ok(views(conn, data_dir, me, vec![post])?.remove(0))
}

/// The data folder of the main database of `conn`.
fn data_dir_of_conn(conn: &Connection) -> PathBuf {
    conn.path().and_then(|p| Path::new(p).parent().map(Path::to_path_buf)).unwrap_or_default()
}

fn readable(conn: &Connection, me: &str, id: &str) -> Result<PostRow> {
    let post = existing(conn, id)?;
    let hidden = post.user_id != me
        && (post.visibility == PostVisibility::OnlyMe || follows::blocked_between(conn, me, &post.user_id)?);
    if hidden {
        return Err(CoreError::not_found("post", id));
    }
    Ok(post)
}

fn views(conn: &Connection, data_dir: &Path, me: &str, posts: Vec<PostRow>) -> Result<Vec<Post>> {
    let ids: Vec<&str> = posts.iter().map(|p| p.user_id.as_str()).collect();
    let faces = profile::faces(conn, &ids)?;
    let mut liked = conn.prepare_cached("SELECT 1 FROM post_likes WHERE post_id = ?1 AND user_id = ?2")?;
    posts
        .into_iter()
        .map(|row| {
            let author = faces.get(&row.user_id).cloned().unwrap_or_else(|| Face {
                id: row.user_id.clone(),
                username: None,
                display_name: String::new(),
                avatar_url: None,
            });
            Ok(Post {
                tags: tags(conn, &row.id)?,
                media: media::views(conn, data_dir, &row.id)?,
                liked_by_me: liked.exists(params![row.id, me])?,
                mine: row.user_id == me,
                author,
                row,
            })
        })
        .collect()
}

/// Which posts a feed pages through.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum FeedScope {
    /// Mine and the people I follow.
    Home,
    /// Public posts, of one tag if given.
    Discover { tag: Option<String> },
    /// One user's posts (`user_id`: an id or `@username`), as far as I may see them:
    /// all of mine; another's public ones, their followers-only ones while I follow them,
    /// none across a block.
    User { user_id: String },
}

fn parse_cursor(cursor: Option<&str>) -> Result<(String, String)> {
    match cursor {
        None => Ok(("9999".into(), String::new())),
        Some(c) => c
            .split_once('|')
            .filter(|(at, id)| validate::timestamp("cursor", at).is_ok() && crate::ids::is_uuid(id))
            .map(|(at, id)| (at.to_string(), id.to_string()))
            .ok_or_else(|| CoreError::validation("cursor is not one this feed gave")),
    }
}

/// One page of a feed, newest first.
pub fn page(conn: &Connection, me: &str, scope: &FeedScope, cursor: Option<&str>, limit: Option<i64>) -> Result<PostPage> {
    let (at, id) = parse_cursor(cursor)?;
    let limit = limit.unwrap_or(PAGE).clamp(1, MAX_PAGE);
    let hidden = "p.user_id NOT IN (SELECT muted_user_id FROM user_mutes WHERE user_id = ?1)
                  AND p.user_id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)";
    let (filter, extra): (String, Option<String>) = match scope {
        FeedScope::Home => (
            format!(
                "(p.user_id = ?1 OR (p.visibility <> 'only_me' AND p.user_id IN
                   (SELECT f.followee_id FROM follows f WHERE f.follower_id = ?1 AND {}))) AND {hidden}",
                follows::effective("f")
            ),
            None,
        ),
        FeedScope::Discover { tag: None } => (format!("p.visibility = 'public' AND {hidden}"), None),
        FeedScope::Discover { tag: Some(tag) } => {
            let tag = super::clean_tags(std::slice::from_ref(tag), 1)?.pop().unwrap_or_default();
            (
                format!("p.visibility = 'public' AND {hidden} AND EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.id AND t.tag = ?5)"),
                Some(tag),
            )
        }
        // Another user's posts as their profile page shows them: public ones, followers-only
        // ones while I effectively follow them, nothing across a block either way.
        FeedScope::User { user_id } => (
            format!(
                "p.user_id = ?5 AND (p.user_id = ?1 OR (
                   (p.visibility = 'public' OR (p.visibility = 'followers' AND EXISTS
                      (SELECT 1 FROM follows f WHERE f.follower_id = ?1 AND f.followee_id = p.user_id AND {})))
                   AND p.user_id NOT IN (SELECT user_id FROM user_blocks WHERE blocked_user_id = ?1)
                   AND p.user_id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)))",
                follows::effective("f")
            ),
            Some(profile::find(conn, user_id)?),
        ),
    };
    // One user's posts: their own index (a few hundred rows), not a walk of every post.
    let index = match scope {
        FeedScope::User { .. } => "idx_posts_user_id_created_at",
        _ => "idx_posts_created_at_id",
    };
    let sql = format!(
        "SELECT p.* FROM posts p INDEXED BY {index}
         WHERE (p.created_at, p.id) < (?2, ?3) AND {filter}
         ORDER BY p.created_at DESC, p.id DESC LIMIT ?4"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows: Vec<PostRow> = match &extra {
        None => st.query_map(params![me, at, id, limit + 1], |r| PostRow::from_sql(r))?.collect::<rusqlite::Result<_>>()?,
        Some(x) => st.query_map(params![me, at, id, limit + 1, x], |r| PostRow::from_sql(r))?.collect::<rusqlite::Result<_>>()?,
    };
    let more = rows.len() as i64 > limit;
    let rows: Vec<PostRow> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = more.then(|| rows.last().map(|p| format!("{}|{}", p.created_at, p.id))).flatten();
    Ok(PostPage { posts: views(conn, &data_dir_of_conn(conn), me, rows)?, next_cursor })
}

/// A post I may react to: readable, not deleted, and nobody blocked anybody.
fn reactable(conn: &Connection, me: &str, post_id: &str) -> Result<PostRow> {
    let post = readable(conn, me, post_id).map_err(|e| match e {
        CoreError::NotFound { .. } => CoreError::validation("this post was deleted or is not visible to you"),
        other => other,
    })?;
    Ok(post)
}

/// Likes a post once.
pub fn like(db: &Db, me: &str, post_id: &str) -> Result<Post> {
    db.write(WriteCtx::by(me, "post.like"), |tx| {
        let post = reactable(tx, me, post_id)?;
        let id = tx.natural_id("post_likes", &[&post.id, me]);
        if row::get::<PostLikeRow>(tx, &id)?.is_some() {
            return Err(CoreError::validation("you already like this post"));
        }
        row::insert(tx, &PostLikeRow { id, post_id: post.id, user_id: me.into(), created_at: tx.now_text() })
    })?;
    db.read(|conn| get(conn, me, post_id))
}

pub fn unlike(db: &Db, me: &str, post_id: &str) -> Result<Post> {
    db.write(WriteCtx::by(me, "post.unlike"), |tx| {
        let post = existing(tx, post_id)?;
        row::delete::<PostLikeRow>(tx, &tx.natural_id("post_likes", &[&post.id, me]))
    })?;
    db.read(|conn| get(conn, me, post_id))
}

fn comment_text(body: &str) -> Result<String> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CoreError::validation("a comment needs some text"));
    }
    let n = body.chars().count();
    if n > MAX_COMMENT {
        return Err(validate::too_long("comment", n, MAX_COMMENT));
    }
    Ok(body.to_string())
}

pub fn comment(db: &Db, me: &str, post_id: &str, body: &str) -> Result<Comment> {
    let body = comment_text(body)?;
    let id = db.write(WriteCtx::by(me, "post.comment"), |tx| {
        let post = reactable(tx, me, post_id)?;
        let now = tx.now_text();
        let c = PostCommentRow { id: tx.new_id(), post_id: post.id, author_id: me.into(), body, created_at: now.clone(), updated_at: now };
        row::insert(tx, &c)?;
        Ok(c.id)
    })?;
    db.read(|conn| comment_view(conn, me, own_comment(conn, me, &id)?))
}

fn own_comment(conn: &Connection, me: &str, id: &str) -> Result<PostCommentRow> {
    let id = validate::id("comment", id)?;
    let c = row::get::<PostCommentRow>(conn, &id)?.ok_or_else(|| CoreError::not_found("comment", &id))?;
    if c.author_id != me {
        return Err(CoreError::validation("only the author can change or delete a comment"));
    }
    Ok(c)
}

pub fn edit_comment(db: &Db, me: &str, id: &str, body: &str) -> Result<Comment> {
    let body = comment_text(body)?;
    let c = db.write(WriteCtx::by(me, "post.comment.edit"), |tx| {
        let c = PostCommentRow { body, updated_at: tx.now_text(), ..own_comment(tx, me, id)? };
        row::update(tx, &c)?;
        Ok(c)
    })?;
    db.read(|conn| comment_view(conn, me, c))
}

pub fn delete_comment(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "post.comment.delete"), |tx| {
        own_comment(tx, me, id)?;
        row::delete::<PostCommentRow>(tx, id)
    })
}

fn comment_view(conn: &Connection, me: &str, row: PostCommentRow) -> Result<Comment> {
    let author = profile::faces(conn, &[&row.author_id])?.remove(&row.author_id).unwrap_or(Face {
        id: row.author_id.clone(),
        username: None,
        display_name: String::new(),
        avatar_url: None,
    });
    Ok(Comment { mine: row.author_id == me, author, row })
}

/// A post's comments, oldest first (at most [`MAX_PAGE`] after `after`, a comment id).
pub fn comments(conn: &Connection, me: &str, post_id: &str, after: Option<&str>) -> Result<Vec<Comment>> {
    let post = readable(conn, me, post_id)?;
    let start: Option<(String, String)> = match after {
        None => None,
        Some(a) => conn
            .prepare_cached("SELECT created_at, id FROM post_comments WHERE id = ?1")?
            .query_row([a], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    };
    let (at, id) = start.unwrap_or_default();
    let rows: Vec<PostCommentRow> = conn
        .prepare_cached(
            "SELECT c.* FROM post_comments c WHERE c.post_id = ?1 AND (c.created_at, c.id) > (?2, ?3)
               AND c.author_id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?4)
             ORDER BY c.created_at, c.id LIMIT ?5",
        )?
        .query_map(params![post.id, at, id, me, MAX_PAGE], |r| PostCommentRow::from_sql(r))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|c| comment_view(conn, me, c)).collect()
}

/// For the activity items ([`super::activity`]): a post's author, visibility, text and
/// time, if the post is on this device.
pub(super) fn author_of(conn: &Connection, post_id: &str) -> Result<Option<(String, PostVisibility, Option<String>, String)>> {
    Ok(row::get::<PostRow>(conn, post_id)?.map(|p| (p.user_id, p.visibility, p.content, p.created_at)))
}

pub(super) fn post_tags(conn: &Connection, post_id: &str) -> Result<Vec<String>> {
    tags(conn, post_id)
}

/// `like_count` and `comment_count` of a post, counted ([`super::counters`]).
pub(super) fn count_reactions(tx: &Tx, post_id: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE posts SET like_count = (SELECT count(*) FROM post_likes WHERE post_id = ?1),
                          comment_count = (SELECT count(*) FROM post_comments WHERE post_id = ?1)
         WHERE id = ?1",
    )?
    .execute([post_id])?;
    Ok(())
}
