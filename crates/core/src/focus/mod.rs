//! Focus: progress rings now; sessions, activities, favorites and immerse mode arrive
//! with the focus issue.

pub mod progress;
pub mod rows;
pub mod settings;
