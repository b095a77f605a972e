//! The sync protocol shared by the app's core and the sync server (docs/sync.md): the
//! wire types of `/v1`, the per-column merge both sides run, deterministic ids for
//! natural-key rows, and the catalog of synced tables. No I/O here, so the same rules are
//! unit- and property-tested once and cannot drift between client and server.

pub mod catalog;
pub mod clock;
pub mod merge;
pub mod natural;
pub mod wire;

pub use catalog::{Catalog, Class, TableInfo};
pub use clock::Clock;
pub use merge::{merge, Outcome, RowState, Superseded};
pub use natural::natural_id;
pub use wire::*;
