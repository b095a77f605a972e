//! Home dashboard: the card layout (order and hidden cards, per user) and the content of
//! the focus-areas, quick-links and playlists cards.

pub mod activity_feed;
pub mod content;
pub mod layout;
pub mod rows;
