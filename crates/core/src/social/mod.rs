//! Social: profiles with tags, follows, posts of study logs (content, subject, book,
//! duration, images) with their media, tags, likes and comments, and the emoji picker
//! with favorites and recent use. Written offline, delivered on sync.
//!
//! Contract: this room will own `user_tags`, `follows`, `posts`, `post_media`,
//! `post_tags`, `post_comments`, `post_likes`, `emoji_categories`, `emojis` and
//! `user_emoji_favorites`, their rules and their SQL (the profile row itself, `users`,
//! is typed in `account` beside the local profile). The cached counters
//! (`posts.like_count`, `posts.comment_count`, `users.followers_count`, ...) are kept
//! in the same `Db::write` as the rows they count. So far the room holds the typed rows
//! ([`rows`]) and the emoji picker ([`emoji`]); the feed's services arrive with the rest
//! of the social issue.

pub mod emoji;
pub mod rows;
