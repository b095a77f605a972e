//! The social counters, kept by the write path (`crate::db::derive`): a profile's
//! followers, following and posts (also when the user's follow policy changes), and a
//! post's likes and comments. Each is recounted
//! inside the transaction that moved it, for a change made here or pulled by sync, so a
//! counter always equals the rows on this device (never counted on read, never merged:
//! the columns do not travel, docs/sync.md §2.3).

use super::{follows, posts};
use crate::account::profile;
use crate::db::derive::{Derived, Source};
use crate::db::Tx;
use crate::Result;

/// `users.followers_count`, `following_count`, `posts_count` of one user: moved by a
/// follow, an answer to a request, a block (either side) and a post written or deleted.
pub static PROFILE: Derived = Derived {
    name: "social.profile_counts",
    sources: &[
        Source { table: "follows", key: "follower_id", columns: &["follower_id", "followee_id", "created_at"], when: "1" },
        Source { table: "follows", key: "followee_id", columns: &["follower_id", "followee_id", "created_at"], when: "1" },
        Source { table: "follow_decisions", key: "followee_id", columns: &["decision", "decided_at"], when: "1" },
        Source { table: "follow_decisions", key: "follower_id", columns: &["decision", "decided_at"], when: "1" },
        Source { table: "user_blocks", key: "user_id", columns: &["blocked_user_id"], when: "1" },
        Source { table: "user_blocks", key: "blocked_user_id", columns: &["user_id"], when: "1" },
        Source { table: "posts", key: "user_id", columns: &["user_id"], when: "1" },
    ],
    writes: &[],
    recompute: recount_profile,
};

fn recount_profile(tx: &Tx, user_id: &str) -> Result<()> {
    let (followers, following, posts) = follows::counts(tx, user_id)?;
    profile::set_counts(tx, user_id, followers, following, posts)
}

/// The same counters of a user whose `follow_policy` changed and of everyone who follows
/// them. A switch made on this device writes its answers (accepting the followers it knows,
/// which moves the counters above), but a follow made offline elsewhere that crosses the
/// switch becomes a pending request when the switch arrives, and on the follower's device
/// only the followee's `users` row says so (found by crates/server/tests/feed.rs).
pub static POLICY: Derived = Derived {
    name: "social.policy_counts",
    sources: &[Source { table: "users", key: "id", columns: &["follow_policy"], when: "1" }],
    writes: &[],
    recompute: recount_policy,
};

fn recount_policy(tx: &Tx, user_id: &str) -> Result<()> {
    let followers: Vec<String> = tx
        .prepare_cached("SELECT follower_id FROM follows WHERE followee_id = ?1")?
        .query_map([user_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // A policy moves only the follows of this user: with none (a profile just inserted),
    // nothing to recount.
    if followers.is_empty() {
        return Ok(());
    }
    recount_profile(tx, user_id)?;
    for follower in followers {
        recount_profile(tx, &follower)?;
    }
    Ok(())
}

/// `posts.like_count`, `comment_count`: moved by a like or comment added or removed.
pub static POST: Derived = Derived {
    name: "social.post_counts",
    sources: &[
        Source { table: "post_likes", key: "post_id", columns: &["post_id"], when: "1" },
        Source { table: "post_comments", key: "post_id", columns: &["post_id"], when: "1" },
    ],
    writes: &[],
    recompute: posts::count_reactions,
};
