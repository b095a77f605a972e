//! Built-in metric answers kept between reads of a widget while nothing they depend on can
//! have changed, so opening a dashboard again, or for the first time after the app warmed
//! it when idle ([`crate::api::Studydesk::insights_warm`]), does not read ten years of days
//! again (issue 15 item 7: a dashboard drawn under 500 ms after open).
//!
//! Contract: an answer is kept under (user, widget, points) with the [`Stamp`] it was read
//! at: the app connection's `total_changes()` and `PRAGMA data_version` (any commit on this
//! connection or by any other: a sync pull, the CLI, the OS timer's run) and the user's
//! local today. A read whose stamp differs from the cache's drops every answer first, so an
//! answer is never older than the rows it was read from. Only built-in metrics that depend
//! on stored rows and today's date are kept ([`cacheable`]): the user's SQL, data sources
//! and models read `sources.db` and SQL's own `'now'`, which the stamp does not see, and
//! "tasks overdue" changes with the minute. At most [`ANSWERS_MAX`] answers are kept (the
//! oldest stamp's set is dropped whole beyond it), each already thinned to its chart's width.
//! The cache holds any answer type (`widget_data` keeps its `WidgetData` here, so this file
//! does not import it back).

use super::metrics::MetricId;
use crate::Result;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::Mutex;

/// The most answers kept (a few dashboards of widgets).
pub const ANSWERS_MAX: usize = 256;

/// What the database and the day were when an answer was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    changes: u64,
    data_version: i64,
    today: NaiveDate,
}

impl Stamp {
    /// The stamp now, read on the app's connection (`Db::read`: the one connection whose
    /// `data_version` is compared from read to read).
    pub fn of(conn: &Connection, today: NaiveDate) -> Result<Stamp> {
        let data_version = conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))?;
        Ok(Stamp { changes: conn.total_changes(), data_version, today })
    }
}

/// Whether a metric's answer depends only on stored rows and today's date.
pub fn cacheable(metric: MetricId) -> bool {
    metric != MetricId::TasksOverdue
}

/// One widget's answer: whose, which widget, at how many points.
pub type Key = (String, String, i64);

pub struct AnswerCache<V>(Mutex<Answers<V>>);

struct Answers<V> {
    stamp: Option<Stamp>,
    by_key: HashMap<Key, V>,
}

impl<V> Default for AnswerCache<V> {
    fn default() -> Self {
        AnswerCache(Mutex::new(Answers { stamp: None, by_key: HashMap::new() }))
    }
}

impl<V: Clone> AnswerCache<V> {
    /// The answer kept for `key` at `stamp`; a different stamp drops every answer.
    pub fn get(&self, stamp: Stamp, key: &Key) -> Option<V> {
        let mut answers = self.0.lock().unwrap_or_else(|p| p.into_inner());
        answers.align(stamp);
        answers.by_key.get(key).cloned()
    }

    /// Keeps `data` for `key`, read at `stamp` (an answer read before a newer stamp is seen
    /// is kept only until that stamp's next read).
    pub fn put(&self, stamp: Stamp, key: Key, data: &V) {
        let mut answers = self.0.lock().unwrap_or_else(|p| p.into_inner());
        answers.align(stamp);
        if answers.by_key.len() >= ANSWERS_MAX {
            answers.by_key.clear();
        }
        answers.by_key.insert(key, data.clone());
    }

    /// How many answers are kept (for tests).
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V> Answers<V> {
    fn align(&mut self, stamp: Stamp) {
        if self.stamp != Some(stamp) {
            self.by_key.clear();
            self.stamp = Some(stamp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type WidgetCache = AnswerCache<String>;

    fn data(from: &str) -> String {
        from.to_string()
    }

    fn stamp(changes: u64, data_version: i64, day: u32) -> Stamp {
        Stamp { changes, data_version, today: NaiveDate::from_ymd_opt(2026, 12, day).unwrap() }
    }

    fn key(widget: &str) -> Key {
        ("me".into(), widget.into(), 0)
    }

    #[test]
    fn an_answer_is_given_back_only_at_the_stamp_it_was_read_at() {
        let cache = WidgetCache::default();
        cache.put(stamp(1, 1, 6), key("w1"), &data("a"));
        assert_eq!(cache.get(stamp(1, 1, 6), &key("w1")), Some("a".into()));
        assert_eq!(cache.get(stamp(1, 1, 6), &key("w2")), None, "another widget");
        assert_eq!(cache.get(stamp(2, 1, 6), &key("w1")), None, "a write on this connection");
        cache.put(stamp(2, 1, 6), key("w1"), &data("b"));
        assert_eq!(cache.get(stamp(2, 2, 6), &key("w1")), None, "a commit by another connection");
        cache.put(stamp(2, 2, 6), key("w1"), &data("c"));
        assert_eq!(cache.get(stamp(2, 2, 7), &key("w1")), None, "a new day");
        assert!(cache.is_empty(), "a new stamp drops every answer");
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = WidgetCache::default();
        for i in 0..(ANSWERS_MAX * 3) {
            cache.put(stamp(1, 1, 6), key(&format!("w{i}")), &data("a"));
            assert!(cache.len() <= ANSWERS_MAX);
        }
    }

    #[test]
    fn tasks_overdue_is_never_kept_because_it_changes_with_the_minute() {
        assert!(!cacheable(MetricId::TasksOverdue));
        assert!(MetricId::ALL.iter().filter(|m| cacheable(**m)).count() == MetricId::ALL.len() - 1);
    }
}
