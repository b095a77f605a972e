//! Focus: progress rings now; sessions, activities, favorites and immerse mode arrive
//! with the focus issue.

pub mod activities;
pub mod idle;
pub mod immerse;
pub mod presence;
pub mod progress;
pub mod rows;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod ticker;
pub mod timer;
