//! The social room of the facade: profiles, follows, posts, likes, comments, the feeds,
//! the activity feed and its Home card, and the emoji picker. Every method is one
//! transaction (writes) or one read. Users are named by `@username` or id.

use crate::account::profile;
use crate::account::rows::FollowPolicy;
use crate::commands;
use crate::dashboard::{activity_feed, layout};
use crate::social::{emoji, follows, media, posts};
use super::Bytes;

#[macro_export]
#[doc(hidden)]
macro_rules! social_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { social;
            /// The picker: categories, every emoji in the user's skin tone, favorites and
            /// recently used.
            #[ipc(local)]
            pub fn emoji_catalog(&self) -> emoji::EmojiCatalog {
                self.db.read(|c| emoji::catalog(c, &self.user_id()))
            }
            /// Emoji whose English or Japanese name, shortcode or keywords contain every
            /// word of `query` (at most 100 characters), best first; `limit` 1 to 200, else 50.
            #[ipc(local)]
            pub fn emoji_search(&self, query: String, limit: Option<i64>) -> Vec<emoji::Emoji> {
                self.db.read(|c| emoji::search(c, &self.user_id(), &query, limit))
            }
            /// Records that the user inserted an emoji; answers favorites and recent ones.
            #[ipc(local)]
            pub fn emoji_use(&self, id: String) -> emoji::EmojiMine {
                emoji::record_use(&self.db, &self.user_id(), &id)
            }
            /// Stars or unstars an emoji; answers favorites and recent ones.
            #[ipc(local)]
            pub fn emoji_favorite_set(&self, id: String, favorite: bool) -> emoji::EmojiMine {
                emoji::set_favorite(&self.db, &self.user_id(), &id, favorite)
            }
            /// Adds my custom emoji: `bytes` a PNG, GIF, WebP or JPEG image (by content) of
            /// at most 256 KiB and 512×512 pixels, `shortcode` 2 to 32 characters of a-z,
            /// 0-9 and _ (colons optional) that is not a standard emoji's and not one of
            /// mine, `name` a description (the shortcode when blank). Refused whole otherwise.
            #[ipc(raw)]
            pub fn custom_emoji_add(&self, bytes: Bytes, shortcode: String, name: Option<String>) -> emoji::custom::CustomEmoji {
                emoji::custom::add(&self.db, &self.data_dir, &self.user_id(), &shortcode, name.as_deref(), bytes)
            }
            /// Deletes my custom emoji (on every device by sync; its file when nothing else
            /// shows it).
            #[ipc(local)]
            pub fn custom_emoji_delete(&self, id: String) -> () {
                let hashes = emoji::custom::delete(&self.db, &self.user_id(), &id)?;
                self.remove_unshown_files(&hashes);
                Ok(())
            }
            /// Every custom emoji on this device (mine first; none of a user I block or who
            /// blocks me), for the settings list and for showing `:shortcode:` in posts.
            #[ipc(local)]
            pub fn custom_emoji_list(&self) -> Vec<emoji::custom::CustomEmoji> {
                self.db.read(|c| emoji::custom::list(c, &self.user_id()))
            }
            /// A profile page (`user` `None`: mine).
            #[ipc(local)]
            pub fn profile_card(&self, user: Option<String>) -> follows::ProfileCard {
                let reaches_others = self.sync_status().map(|s| s.account_id.is_some()).unwrap_or(false);
                self.db.read(|c| follows::card(c, &self.user_id(), user.as_deref(), reaches_others))
            }
            /// Saves my public face (fields left `None` stay) and, if given, my interest tags.
            #[ipc(local)]
            pub fn profile_save(&self, edit: profile::ProfileEdit, tags: Option<Vec<String>>) -> follows::ProfileCard {
                follows::save_profile(&self.db, &self.user_id(), &edit, tags.as_deref())?;
                self.profile_card(None::<String>)
            }
            /// Whether I may take `name` as my @username, for the profile form as the user
            /// types: the shared rules and the names known here, then, when signed in and the
            /// name passes, the sync server (`server` says whether it answered). Advice only:
            /// saving the profile checks again, and the push that carries it is the claim.
            #[ipc(remote)]
            pub fn username_available(&self, name: String) -> profile::UsernameCheck {
                let mut check = self.db.read(|c| profile::username_check(c, &self.user_id(), &name))?;
                if check.verdict != profile::UsernameVerdict::Available {
                    return Ok(check);
                }
                check.server = match $crate::sync::username_available(&self.db, &self.data_dir, &check.name) {
                    Ok(None) => profile::ServerCheck::NotSignedIn,
                    Ok(Some(answer)) => {
                        if !answer.available {
                            check.verdict = profile::UsernameVerdict::Taken;
                            check.message = Some(answer.reason.unwrap_or_else(|| format!("the username @{} is taken", check.name)));
                        }
                        profile::ServerCheck::Checked
                    }
                    Err($crate::CoreError::Sync { kind, .. }) if kind.retryable() => profile::ServerCheck::Unreachable,
                    Err(e) => return Err(e),
                };
                Ok(check)
            }
            #[ipc(local)]
            pub fn follow(&self, user: String) -> follows::Relation {
                follows::follow(&self.db, &self.user_id(), &user)
            }
            #[ipc(local)]
            pub fn unfollow(&self, user: String) -> follows::Relation {
                follows::unfollow(&self.db, &self.user_id(), &user)
            }
            /// Accepts or declines `user`'s request to follow me.
            #[ipc(local)]
            pub fn follow_request_answer(&self, user: String, accept: bool) -> follows::Relation {
                follows::answer(&self.db, &self.user_id(), &user, accept)
            }
            #[ipc(local)]
            pub fn follow_policy_set(&self, policy: FollowPolicy) -> FollowPolicy {
                follows::set_policy(&self.db, &self.user_id(), policy)
            }
            #[ipc(local)]
            pub fn block_set(&self, user: String, blocked: bool) -> follows::Relation {
                if blocked {
                    follows::block(&self.db, &self.user_id(), &user)
                } else {
                    follows::unblock(&self.db, &self.user_id(), &user)
                }
            }
            #[ipc(local)]
            pub fn mute_set(&self, user: String, muted: bool) -> follows::Relation {
                follows::set_muted(&self.db, &self.user_id(), &user, muted)
            }
            /// Followers or follows of `user` (`None`: mine); my requests, blocks, mutes.
            #[ipc(local)]
            pub fn people_list(&self, user: Option<String>, list: follows::PeopleList) -> Vec<profile::Face> {
                self.db.read(|c| {
                    let me = self.user_id();
                    let user = match user {
                        Some(u) => profile::find(c, &u)?,
                        None => me.clone(),
                    };
                    follows::people(c, &me, &user, list)
                })
            }
            /// People sharing my interest tags whom I do not follow.
            #[ipc(local)]
            pub fn people_suggestions(&self) -> Vec<profile::Face> {
                self.db.read(|c| follows::suggestions(c, &self.user_id(), 10))
            }
            /// People known on this device whose username or name contains `query`.
            #[ipc(local)]
            pub fn people_search(&self, query: String) -> Vec<profile::Face> {
                let query = crate::validate::text("search", &query, 50)?;
                self.db.read(|c| profile::search(c, &query, 20))
            }

            /// Stores a file the composer read (an image or a short video, checked by its
            /// content) as my attachment, for a draft's `media`; `file_name` names it in
            /// messages.
            #[ipc(raw)]
            pub fn post_media_add(&self, bytes: Bytes, file_name: Option<String>) -> media::MediaFile {
                media::add_bytes(&self.db, &self.data_dir, &self.user_id(), file_name.as_deref(), bytes)
            }
            /// Sets my avatar or banner (`which`: `avatar` or `banner`) to an image attachment
            /// of mine, or clears it (`attachment_id` `None`).
            #[ipc(local)]
            pub fn profile_image_set(&self, which: String, attachment_id: Option<String>) -> follows::ProfileCard {
                let which = media::ProfileImage::parse(&which)
                    .ok_or_else(|| $crate::CoreError::validation("which is avatar or banner"))?;
                let (_, replaced) = media::set_profile_image(&self.db, &self.data_dir, &self.user_id(), which, attachment_id.as_deref())?;
                self.remove_unshown_files(&replaced);
                self.profile_card(None::<String>)
            }
            /// The folder where files named `attachment:<sha256>.<ext>` live on this device
            /// (`<folder>/<first 2 hex>/<sha256>.<ext>`), for avatars and banners.
            #[ipc(local)]
            pub fn media_folder(&self) -> String {
                Ok(std::path::absolute($crate::attachments::dir(&self.data_dir))
                    .map_err(|e| $crate::CoreError::io("could not resolve the data folder", e))?
                    .display()
                    .to_string())
            }
            #[ipc(local)]
            pub fn post_create(&self, draft: posts::PostDraft) -> posts::Post {
                let post = posts::create_in(&self.db, &self.data_dir, &self.user_id(), &draft)?;
                self.record_activity(crate::account::activity_log::ActionType::Posted, Some(("post", &post.row.id)));
                Ok(post)
            }
            #[ipc(local)]
            pub fn post_edit(&self, id: String, draft: posts::PostDraft) -> posts::Post {
                let (post, dropped) = posts::edit_files(&self.db, &self.data_dir, &self.user_id(), &id, &draft)?;
                self.remove_unshown_files(&dropped);
                Ok(post)
            }
            #[ipc(local)]
            pub fn post_delete(&self, id: String) -> () {
                let hashes = posts::delete_files(&self.db, &self.user_id(), &id)?;
                self.remove_unshown_files(&hashes);
                Ok(())
            }
            #[ipc(local)]
            pub fn post_get(&self, id: String) -> posts::Post {
                self.db.read(|c| posts::get(c, &self.user_id(), &id))
            }
            /// A page of a feed, newest first; `cursor` from the previous page.
            #[ipc(local)]
            pub fn posts_page(&self, scope: posts::FeedScope, cursor: Option<String>, limit: Option<i64>) -> posts::PostPage {
                self.db.read(|c| posts::page(c, &self.user_id(), &scope, cursor.as_deref(), limit))
            }
            #[ipc(local)]
            pub fn post_like_set(&self, id: String, liked: bool) -> posts::Post {
                if liked {
                    posts::like(&self.db, &self.user_id(), &id)
                } else {
                    posts::unlike(&self.db, &self.user_id(), &id)
                }
            }
            #[ipc(local)]
            pub fn post_comment(&self, id: String, body: String) -> posts::Comment {
                posts::comment(&self.db, &self.user_id(), &id, &body)
            }
            #[ipc(local)]
            pub fn comment_edit(&self, id: String, body: String) -> posts::Comment {
                posts::edit_comment(&self.db, &self.user_id(), &id, &body)
            }
            #[ipc(local)]
            pub fn comment_delete(&self, id: String) -> () {
                posts::delete_comment(&self.db, &self.user_id(), &id)
            }
            /// A post's comments, oldest first, after the comment `after`.
            #[ipc(local)]
            pub fn comments_list(&self, post_id: String, after: Option<String>) -> Vec<posts::Comment> {
                self.db.read(|c| posts::comments(c, &self.user_id(), &post_id, after.as_deref()))
            }

            /// A page of the activity feed (pinned, priority, newest), filtered.
            #[ipc(local)]
            pub fn activity_feed_page(
                &self,
                cursor: Option<String>,
                limit: Option<i64>,
                filter: activity_feed::FeedFilter,
            ) -> activity_feed::FeedPage {
                let now = self.db.now();
                self.db.read(|c| activity_feed::page(c, &self.user_id(), now, cursor.as_deref(), limit, &filter))
            }
            #[ipc(local)]
            pub fn activity_item_read(&self, id: String, read: bool) -> () {
                activity_feed::set_read(&self.db, &self.user_id(), &id, read)
            }
            #[ipc(local)]
            pub fn activity_read_all(&self) -> usize {
                activity_feed::mark_all_read(&self.db, &self.user_id())
            }
            #[ipc(local)]
            pub fn activity_item_pin(&self, id: String, pinned: bool) -> () {
                activity_feed::set_pinned(&self.db, &self.user_id(), &id, pinned)
            }
            /// Records a `view`, `click`, `like`, `share` or `dismiss` (a dismissed item is hidden).
            #[ipc(local)]
            pub fn activity_item_engage(&self, id: String, kind: String) -> () {
                let kind = $crate::dashboard::rows::EngagementType::parse(&kind).ok_or_else(|| {
                    $crate::CoreError::validation("kind is one of view, click, like, share, dismiss")
                })?;
                activity_feed::engage(&self.db, &self.user_id(), &id, kind)
            }
            /// Whether a like or comment on my post raises a native notification.
            #[ipc(local)]
            pub fn response_notify_get(&self) -> bool {
                self.db.read(|c| $crate::social::activity::notify_enabled(c, &self.user_id()))
            }
            #[ipc(local)]
            pub fn response_notify_set(&self, on: bool) -> bool {
                $crate::social::activity::set_notify(&self.db, &self.user_id(), on)
            }
            #[ipc(local)]
            pub fn activity_card_settings(&self) -> layout::ActivityCardSettings {
                self.db.read(|c| layout::activity_settings(c, &self.user_id()))
            }
            #[ipc(local)]
            pub fn activity_card_settings_set(&self, settings: layout::ActivityCardSettings) -> layout::ActivityCardSettings {
                layout::set_activity_settings(&self.db, &self.user_id(), settings)
            }

            /// The skin tone the picker inserts (0 none, 1 light to 5 dark).
            #[ipc(local)]
            pub fn emoji_skin_tone_set(&self, tone: i64) -> i64 {
                emoji::set_skin_tone(&self.db, &self.user_id(), tone)
            }
        } } $($next)* }
    };
}
crate::social_commands!(commands ! {});

impl super::Studydesk {
    /// Removes the files of `hashes` (a deleted post's media, a replaced picture) that no
    /// row shows any more; a failure is logged, never the user's error (the change is made).
    fn remove_unshown_files(&self, hashes: &[String]) {
        if let Err(e) = media::remove_unreferenced(&self.db, &self.data_dir, hashes, &crate::rooms::attachment_in_use()) {
            tracing::warn!(error = %e, "could not remove files nothing shows any more");
        }
    }

    /// A post with files on disk attached after the draft's media, each with its alt text
    /// (the CLI's `post add --image`): checked by content and size before anything is
    /// copied; a refusal writes nothing.
    pub fn post_create_with_files(&self, draft: &posts::PostDraft, files: &[(std::path::PathBuf, Option<String>)]) -> crate::Result<posts::Post> {
        let post = posts::create_with_files(&self.db, &self.data_dir, &self.user_id(), draft, files)?;
        self.record_activity(crate::account::activity_log::ActionType::Posted, Some(("post", &post.row.id)));
        Ok(post)
    }
}
