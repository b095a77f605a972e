//! The merge rule, run by the server on every pushed change and by each device on every
//! pulled one (docs/sync.md §4):
//!
//! - every row has a causal length `cl`: odd = alive, even = deleted. A delete sends
//!   `cl + 1`, re-creating a deleted row sends `cl + 1` again, an edit carries the `cl` of
//!   the life it edited. A change with a smaller `cl` is stale (this is how a delete wins
//!   over concurrent edits); a larger one starts a new life of the row;
//! - within one life, each column takes the value of the write with the greatest
//!   [`Clock`] (hybrid logical clock, ties broken by device id). An equal clock is a
//!   replay of the same write and changes nothing.
//!
//! The function is pure and total: the same state and change give the same outcome on
//! every machine, in any order of concurrent changes (property tests below).

use crate::clock::Clock;
use crate::wire::{Change, Op};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What a replica knows of one row: its life, its columns and each column's last writer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowState {
    pub cl: i64,
    pub columns: Map<String, Value>,
    pub clocks: BTreeMap<String, Clock>,
}

impl RowState {
    pub fn alive(&self) -> bool {
        self.cl % 2 == 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Superseded {
    /// The change was made on an older life of the row (e.g. edited before a delete).
    StaleCl,
    /// Every column it sets has a newer write already.
    OlderClock,
    /// The same write was applied before.
    Duplicate,
}

impl Superseded {
    pub fn as_str(self) -> &'static str {
        match self {
            Superseded::StaleCl => "stale_cl",
            Superseded::OlderClock => "older_clock",
            Superseded::Duplicate => "duplicate",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Some of the change won: `won` holds the columns to write (empty for a delete),
    /// `lost` the ones a newer write kept, `state` the row afterwards.
    Applied { state: RowState, won: Map<String, Value>, lost: Vec<String>, new_life: bool },
    Superseded(Superseded),
}

/// Checks what the merge relies on: deletes carry an even `cl`, inserts and edits an odd one.
pub fn check_shape(change: &Change) -> Result<(), String> {
    if change.cl < 1 {
        return Err("cl must be at least 1".into());
    }
    let even = change.cl % 2 == 0;
    match (change.op, even) {
        (Op::Delete, false) => Err("a delete must carry an even cl".into()),
        (Op::Insert | Op::Update, true) => Err("an insert or update must carry an odd cl".into()),
        (Op::Delete, true) if change.columns.as_ref().is_some_and(|c| !c.is_empty()) => {
            Err("a delete carries no columns".into())
        }
        _ => Ok(()),
    }
}

pub fn merge(state: Option<&RowState>, change: &Change) -> Outcome {
    let clock = Clock::new(&change.hlc, &change.device_id);
    let current_cl = state.map_or(0, |s| s.cl);
    let columns = change.columns.clone().unwrap_or_default();
    if change.cl < current_cl {
        return Outcome::Superseded(Superseded::StaleCl);
    }
    if change.cl > current_cl {
        let alive = change.cl % 2 == 1;
        let columns = if alive { columns } else { Map::new() };
        let clocks = columns.keys().map(|c| (c.clone(), clock.clone())).collect();
        let state = RowState { cl: change.cl, columns: columns.clone(), clocks };
        return Outcome::Applied { state, won: columns, lost: Vec::new(), new_life: true };
    }
    let Some(state) = state.filter(|s| s.alive()) else {
        return Outcome::Superseded(Superseded::Duplicate);
    };
    merge_columns(state, columns, &clock)
}

/// Per-column last writer wins within one life of the row.
fn merge_columns(state: &RowState, columns: Map<String, Value>, clock: &Clock) -> Outcome {
    let mut next = state.clone();
    let (mut won, mut lost, mut replayed) = (Map::new(), Vec::new(), 0);
    for (name, value) in columns {
        match state.clocks.get(&name) {
            Some(old) if old == clock => replayed += 1,
            Some(old) if old > clock => lost.push(name),
            _ => {
                next.columns.insert(name.clone(), value.clone());
                next.clocks.insert(name.clone(), clock.clone());
                won.insert(name, value);
            }
        }
    }
    if won.is_empty() {
        let why = if lost.is_empty() && replayed > 0 { Superseded::Duplicate } else { Superseded::OlderClock };
        return Outcome::Superseded(why);
    }
    Outcome::Applied { state: next, won, lost, new_life: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn change(op: Op, cl: i64, hlc_ms: u64, device: &str, cols: Value) -> Change {
        Change {
            table: "tasks".into(),
            row_id: "r".into(),
            op,
            columns: cols.as_object().cloned(),
            hlc: format!("{hlc_ms:016}.00000"),
            device_id: device.into(),
            cl,
        }
    }

    fn apply(state: Option<RowState>, c: &Change) -> Option<RowState> {
        match merge(state.as_ref(), c) {
            Outcome::Applied { state, .. } => Some(state),
            Outcome::Superseded(_) => state,
        }
    }

    #[test]
    fn an_insert_creates_the_row_and_a_replay_is_a_duplicate() {
        let c = change(Op::Insert, 1, 10, "a", json!({"title": "Read", "done": 0}));
        let s = apply(None, &c).expect("row");
        assert_eq!(s.columns["title"], json!("Read"));
        assert_eq!(merge(Some(&s), &c), Outcome::Superseded(Superseded::Duplicate));
    }

    #[test]
    fn the_later_column_write_wins_and_ties_go_to_the_greater_device() {
        let s = apply(None, &change(Op::Insert, 1, 10, "a", json!({"title": "Read", "done": 0}))).unwrap();
        let late = change(Op::Update, 1, 30, "a", json!({"title": "Late"}));
        let early = change(Op::Update, 1, 20, "b", json!({"title": "Early", "done": 1}));
        let s = apply(apply(Some(s), &late), &early).unwrap();
        assert_eq!((s.columns["title"].clone(), s.columns["done"].clone()), (json!("Late"), json!(1)));
        let tie_a = change(Op::Update, 1, 40, "a", json!({"title": "A"}));
        let tie_b = change(Op::Update, 1, 40, "b", json!({"title": "B"}));
        assert_eq!(apply(apply(Some(s.clone()), &tie_a), &tie_b).unwrap().columns["title"], json!("B"));
        assert_eq!(apply(apply(Some(s), &tie_b), &tie_a).unwrap().columns["title"], json!("B"));
    }

    #[test]
    fn a_delete_wins_over_a_concurrent_edit_and_a_recreate_wins_over_the_delete() {
        let s = apply(None, &change(Op::Insert, 1, 10, "a", json!({"title": "Read"}))).unwrap();
        let delete = change(Op::Delete, 2, 20, "a", Value::Null);
        let edit = change(Op::Update, 1, 99, "b", json!({"title": "Edited later"}));
        let deleted = apply(Some(s), &delete).unwrap();
        assert!(!deleted.alive());
        assert_eq!(merge(Some(&deleted), &edit), Outcome::Superseded(Superseded::StaleCl));
        let recreate = change(Op::Insert, 3, 30, "b", json!({"title": "Back"}));
        let back = apply(Some(deleted), &recreate).unwrap();
        assert!(back.alive() && back.columns["title"] == json!("Back"));
    }

    #[test]
    fn shapes_that_break_the_rules_are_refused() {
        assert!(check_shape(&change(Op::Delete, 1, 1, "a", Value::Null)).is_err());
        assert!(check_shape(&change(Op::Insert, 2, 1, "a", json!({}))).is_err());
        assert!(check_shape(&change(Op::Update, 0, 1, "a", json!({}))).is_err());
        assert!(check_shape(&change(Op::Delete, 2, 1, "a", json!({"x": 1}))).is_err());
        assert!(check_shape(&change(Op::Update, 3, 1, "a", json!({"x": 1}))).is_ok());
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        (0..3usize, 1..5i64, 0..6u64, 0..3usize, 0..3i64).prop_map(|(op, cl, ms, dev, v)| {
            let device = ["a", "b", "c"][dev];
            let (op, cl) = match op {
                0 => (Op::Insert, cl | 1),
                1 => (Op::Update, cl | 1),
                _ => (Op::Delete, (cl + 1) & !1),
            };
            let cols = if op == Op::Delete {
                Value::Null
            } else {
                json!({ ["x", "y", "z"][(ms % 3) as usize]: v, "w": format!("{device}{v}") })
            };
            change(op, cl, ms, device, cols)
        })
    }

    /// Devices write each (hlc, device) once; a replay repeats the whole change.
    fn distinct_writes(changes: &[Change]) -> bool {
        let mut seen = std::collections::HashMap::new();
        changes.iter().all(|c| seen.insert((c.hlc.clone(), c.device_id.clone()), c.clone()).is_none_or(|o| &o == c))
    }

    proptest! {
        #[test]
        fn any_order_of_the_same_changes_gives_the_same_row(
            changes in proptest::collection::vec(arb_change(), 1..12),
            seed in any::<u64>(),
        ) {
            prop_assume!(distinct_writes(&changes));
            let forward = changes.iter().fold(None, apply);
            let mut shuffled = changes.clone();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let replayed: Vec<Change> = shuffled.iter().chain(changes.iter()).cloned().collect();
            let other = replayed.iter().fold(None, apply);
            prop_assert_eq!(forward, other);
        }
    }
}
