//! The social room of the facade: so far the emoji picker (`social::emoji`). Every method
//! is one transaction (writes) or one read.

use crate::commands;
use crate::social::emoji;

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
            /// The skin tone the picker inserts (0 none, 1 light to 5 dark).
            #[ipc(local)]
            pub fn emoji_skin_tone_set(&self, tone: i64) -> i64 {
                emoji::set_skin_tone(&self.db, &self.user_id(), tone)
            }
        } } $($next)* }
    };
}
crate::social_commands!(commands ! {});
