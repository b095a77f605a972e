//! Feed engagement: likes and comments my posts received, and the posts I wrote, per
//! local day of when each was made (`created_at`).
//!
//! Only others' responses count (a like or a comment of mine on my own post is not
//! engagement); a post deleted since takes its likes and comments with it.

use super::periods::{Days, Edges};
use super::{count_per_day, Ctx};
use crate::Result;

/// Others' likes on my posts in `?2..?3` (V15's `idx_post_likes_post_id_created_at` answers it).
pub(super) const LIKES_SQL: &str = "SELECT l.created_at FROM posts p JOIN post_likes l ON l.post_id = p.id
     WHERE p.user_id = ?1 AND l.user_id <> ?1 AND l.created_at >= ?2 AND l.created_at < ?3";

pub fn likes_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(ctx, LIKES_SQL, (ctx.me, edges.lower(), edges.upper()), days, edges)
}

/// Others' comments on my posts in `?2..?3` (from `idx_post_comments_post_id_created_at`, V15).
pub(super) const COMMENTS_SQL: &str = "SELECT c.created_at FROM posts p JOIN post_comments c ON c.post_id = p.id
     WHERE p.user_id = ?1 AND c.author_id <> ?1 AND c.created_at >= ?2 AND c.created_at < ?3";

pub fn comments_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(ctx, COMMENTS_SQL, (ctx.me, edges.lower(), edges.upper()), days, edges)
}

pub fn posts_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(
        ctx,
        "SELECT created_at FROM posts WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3",
        (ctx.me, edges.lower(), edges.upper()),
        days,
        edges,
    )
}
