//! An alert's rule, pure: whether it holds for a value and the previous period's value, the
//! hysteresis step that says when a holding rule notifies, and the replay of a rule over a
//! series of periods ("Test this alert").
//!
//! Contract:
//! - [`check`]: `above` holds when value > threshold, `below` when value < threshold,
//!   `change_percent` when |value − previous| / previous × 100 ≥ |threshold| in the
//!   threshold's direction (a positive threshold: a rise of at least that much; a negative
//!   one: a fall of at least that much). A previous value of 0 (or none) gives
//!   [`Outcome::NoChange`]: no change can be computed, never a division by zero.
//! - Hysteresis ([`step`]): a rule that holds moves `active` or `resolved` to `triggered`
//!   and notifies once. While it keeps holding the alert stays `triggered` and notifies
//!   nothing more. The first evaluation at which it no longer holds moves it to `resolved`;
//!   only then can it trigger (and notify) again. `NoChange` moves nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a rule compares against its threshold.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ThresholdType {
    Above,
    Below,
    ChangePercent,
}

impl ThresholdType {
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdType::Above => "above",
            ThresholdType::Below => "below",
            ThresholdType::ChangePercent => "change_percent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ThresholdType::Above, ThresholdType::Below, ThresholdType::ChangePercent].into_iter().find(|t| t.as_str() == s)
    }
}

/// One evaluation of a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Holds,
    Clear,
    /// change_percent against a previous value of 0 (or none): nothing to compare.
    NoChange,
}

/// Whether the rule holds (see the module docs).
pub fn check(kind: ThresholdType, threshold: f64, value: f64, previous: Option<f64>) -> Outcome {
    let holds = match kind {
        ThresholdType::Above => value > threshold,
        ThresholdType::Below => value < threshold,
        ThresholdType::ChangePercent => {
            let Some(prev) = previous.filter(|p| *p != 0.0 && p.is_finite()) else { return Outcome::NoChange };
            let change = (value - prev) / prev.abs() * 100.0;
            if threshold >= 0.0 {
                change >= threshold
            } else {
                change <= threshold
            }
        }
    };
    if holds {
        Outcome::Holds
    } else {
        Outcome::Clear
    }
}

/// The hysteresis state of an alert being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Active or resolved: a rule that holds triggers.
    Armed,
    /// Triggered: nothing notifies until the rule stops holding.
    Triggered,
}

/// What one evaluation does: the next phase and whether it notifies (fires).
pub fn step(phase: Phase, outcome: Outcome) -> (Phase, bool) {
    match (phase, outcome) {
        (Phase::Armed, Outcome::Holds) => (Phase::Triggered, true),
        (Phase::Triggered, Outcome::Clear) => (Phase::Armed, false),
        (p, _) => (p, false),
    }
}

/// Replays a rule over per-period values, oldest first: the indexes of the periods at
/// which it would have fired (each period compared with the one before it; the first
/// period only gives the second its previous value), and how many periods had no change
/// that could be computed.
pub fn replay(kind: ThresholdType, threshold: f64, values: &[f64]) -> (Vec<usize>, usize) {
    let mut phase = Phase::Armed;
    let mut fired = Vec::new();
    let mut no_change = 0;
    for i in 1..values.len() {
        let outcome = check(kind, threshold, values[i], Some(values[i - 1]));
        if outcome == Outcome::NoChange {
            no_change += 1;
        }
        let (next, fires) = step(phase, outcome);
        if fires {
            fired.push(i);
        }
        phase = next;
    }
    (fired, no_change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ThresholdType::*;

    #[test]
    fn rules() {
        assert_eq!(check(Above, 60.0, 61.0, None), Outcome::Holds);
        assert_eq!(check(Above, 60.0, 60.0, None), Outcome::Clear);
        assert_eq!(check(Below, 60.0, 59.5, None), Outcome::Holds);
        assert_eq!(check(ChangePercent, 50.0, 150.0, Some(100.0)), Outcome::Holds);
        assert_eq!(check(ChangePercent, 50.0, 140.0, Some(100.0)), Outcome::Clear);
        assert_eq!(check(ChangePercent, -50.0, 40.0, Some(100.0)), Outcome::Holds);
        assert_eq!(check(ChangePercent, -50.0, 140.0, Some(100.0)), Outcome::Clear);
        assert_eq!(check(ChangePercent, 10.0, 5.0, Some(0.0)), Outcome::NoChange);
        assert_eq!(check(ChangePercent, 10.0, 5.0, None), Outcome::NoChange);
    }

    #[test]
    fn hysteresis_replay() {
        // holds, holds, clear, holds: fires at 1 and 3 only.
        let (fired, none) = replay(Above, 10.0, &[0.0, 11.0, 12.0, 5.0, 20.0]);
        assert_eq!(fired, vec![1, 4]);
        assert_eq!(none, 0);
        let (fired, none) = replay(ChangePercent, 100.0, &[0.0, 5.0, 10.0, 10.0]);
        assert_eq!(fired, vec![2]);
        assert_eq!(none, 1);
    }
}
