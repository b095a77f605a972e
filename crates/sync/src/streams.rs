//! The streams rows live in, and the rules that decide who reads a followers-only stream
//! (docs/sync.md §2.1, §9). Shared by the server (placement, readers) and the device
//! (what to forget when a stream is revoked), so both name streams the same way.
//!
//! | stream | holds | readers |
//! | --- | --- | --- |
//! | `public` | public social rows, public posts and their media, tags, likes, comments | every account |
//! | `u:<account>` | the account's private rows; its `only_me` posts and their children | the account |
//! | `f:<author>` | the author's `followers` posts and their children (likes and comments by anyone) | the author and every account that [`effective_follow`]s it |
//! | `d:<dashboard>` | a dashboard, its widgets, reports and shares | owner and grantees |
//! | `r:<approver>:<requester>` | the access requests (`workflows` with an approver) one account sent another | the two accounts |
//!
//! A post's stream is chosen by its `visibility` when it is posted and never changes (the
//! server refuses an update of `visibility`); its children live in their post's stream.

/// The stream every account reads.
pub const PUBLIC: &str = "public";

/// The tables whose rows live in their post's stream (each has a `post_id` column).
pub const POST_CHILDREN: &[&str] = &["post_media", "post_tags", "post_likes", "post_comments"];

pub fn is_post_child(table: &str) -> bool {
    POST_CHILDREN.contains(&table)
}

/// An account's private stream.
pub fn private(account: &str) -> String {
    format!("u:{account}")
}

/// An author's followers-only stream.
pub fn followers(author: &str) -> String {
    format!("f:{author}")
}

/// A dashboard's stream.
pub fn dashboard(id: &str) -> String {
    format!("d:{id}")
}

/// The stream of the requests `requester` sent `approver` (a `workflows` row naming an
/// approver other than its requester: an access request to a dashboard's owner).
pub fn requests(approver: &str, requester: &str) -> String {
    format!("r:{approver}:{requester}")
}

/// A stream id, read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream<'a> {
    Public,
    Private(&'a str),
    Followers(&'a str),
    Dashboard(&'a str),
    /// (approver, requester).
    Requests(&'a str, &'a str),
}

pub fn parse(stream: &str) -> Option<Stream<'_>> {
    if stream == PUBLIC {
        return Some(Stream::Public);
    }
    let (kind, id) = stream.split_once(':')?;
    match kind {
        "u" => Some(Stream::Private(id)),
        "f" => Some(Stream::Followers(id)),
        "d" => Some(Stream::Dashboard(id)),
        "r" => id.split_once(':').map(|(approver, requester)| Stream::Requests(approver, requester)),
        _ => None,
    }
}

/// `posts.visibility` (V13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Followers,
    OnlyMe,
}

impl Visibility {
    /// The stored word; `None` is a row stored before the column existed (its default,
    /// public).
    pub fn parse(word: Option<&str>) -> Option<Visibility> {
        match word {
            None | Some("public") => Some(Visibility::Public),
            Some("followers") => Some(Visibility::Followers),
            Some("only_me") => Some(Visibility::OnlyMe),
            Some(_) => None,
        }
    }
}

/// The stream of a post by `author` with this visibility.
pub fn post_stream(author: &str, visibility: Visibility) -> String {
    match visibility {
        Visibility::Public => PUBLIC.to_string(),
        Visibility::Followers => followers(author),
        Visibility::OnlyMe => private(author),
    }
}

/// What decides whether a follower reads an author's followers-only stream, as the
/// server's rows say it (every text as stored: timestamps compare as text, as on the
/// device).
#[derive(Debug, Clone, Copy, Default)]
pub struct FollowFacts<'a> {
    /// The follower's live `follows` row: its `created_at` (when it was made or last asked).
    pub follow_created_at: Option<&'a str>,
    /// The author's `users.follow_policy` (`None`: a row stored before the column existed,
    /// whose default is `open`).
    pub policy: Option<&'a str>,
    /// The author's live `follow_decisions` row about this follower: (decision, decided_at).
    pub decision: Option<(&'a str, &'a str)>,
    /// The author has a live `user_blocks` row naming the follower.
    pub blocked: bool,
}

/// An effective follow: a live follow, not blocked by the author, and either answered
/// `accepted`, or (for an author whose policy is `open`) not declined after it was made.
/// The same rule as the app's `social::follows::effective` (SQL on the device).
pub fn effective_follow(facts: &FollowFacts<'_>) -> bool {
    let Some(created_at) = facts.follow_created_at else { return false };
    if facts.blocked {
        return false;
    }
    match facts.decision {
        Some(("accepted", _)) => true,
        Some((_, decided_at)) if decided_at >= created_at => false,
        _ => facts.policy.is_none_or(|p| p == "open"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_read_back_as_they_are_named() {
        assert_eq!(parse("public"), Some(Stream::Public));
        assert_eq!(parse(&private("a")), Some(Stream::Private("a")));
        assert_eq!(parse(&followers("a")), Some(Stream::Followers("a")));
        assert_eq!(parse(&dashboard("d")), Some(Stream::Dashboard("d")));
        assert_eq!(parse(&requests("a", "b")), Some(Stream::Requests("a", "b")));
        assert_eq!(parse("r:a"), None);
        assert_eq!(parse("x:1"), None);
        assert_eq!(parse("nonsense"), None);
    }

    #[test]
    fn a_post_lives_in_the_stream_its_visibility_names() {
        assert_eq!(post_stream("a", Visibility::Public), "public");
        assert_eq!(post_stream("a", Visibility::Followers), "f:a");
        assert_eq!(post_stream("a", Visibility::OnlyMe), "u:a");
        assert_eq!(Visibility::parse(None), Some(Visibility::Public));
        assert_eq!(Visibility::parse(Some("friends")), None);
    }

    #[test]
    fn a_follow_is_effective_by_the_apps_rule() {
        let at = "2026-11-22T10:00:00.000Z";
        let open = FollowFacts { follow_created_at: Some(at), ..Default::default() };
        assert!(effective_follow(&open), "an open profile (the default)");
        assert!(!effective_follow(&FollowFacts { follow_created_at: None, ..open }), "no follow");
        assert!(!effective_follow(&FollowFacts { blocked: true, ..open }), "blocked");
        let approve = FollowFacts { policy: Some("approve"), ..open };
        assert!(!effective_follow(&approve), "a pending request");
        assert!(effective_follow(&FollowFacts { decision: Some(("accepted", "2026-11-22T09:00:00.000Z")), ..approve }));
        assert!(!effective_follow(&FollowFacts { decision: Some(("accepted", at)), blocked: true, ..approve }));
        // A declined request stays declined until it is asked again (a newer follows row).
        assert!(!effective_follow(&FollowFacts { decision: Some(("declined", "2026-11-22T11:00:00.000Z")), ..open }));
        assert!(effective_follow(&FollowFacts { decision: Some(("declined", "2026-11-22T09:00:00.000Z")), ..open }));
        assert!(!effective_follow(&FollowFacts { decision: Some(("declined", "2026-11-22T09:00:00.000Z")), ..approve }));
    }
}
