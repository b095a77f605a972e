//! JSON-aware help for the targets whose input is JSON (the sync wire, IPC arguments):
//!
//! - [`mutate`]: parses the document and changes one node (a value replaced by an
//!   interesting one, a key dropped, an element duplicated, a node copied from elsewhere
//!   in the document), so most mutants are still JSON and reach the code past the parser;
//! - [`synth`]: a well-formed value of any `Deserialize` type, built by following serde's
//!   own refusals ("missing field `x`" at a path, "invalid type: null, expected a
//!   string", "unknown variant `a`, expected one of ..."): the seed of every IPC command
//!   without writing one by hand.

use crate::mutate::Rng;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use serde_path_to_error::Segment;
use std::collections::HashMap;

fn interesting(rng: &mut Rng) -> Value {
    let strings = [
        "", "a", " ", "\u{0}", "\u{202e}evil", "🙂", "e\u{301}", "2024-02-29", "2024-02-30", "2024-13-45", "0000-01-01",
        "9999-12-31", "-0001-01-01", "2024-06-01T10:00:00Z", "2024-06-01T10:00:00+14:00", "2024-06-01T25:61:61",
        "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "Europe/Berlin", "Not/AZone", "UTC", "../../etc/passwd", "/",
        "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "00000000-0000-0000-0000-000000000000", "#ff0000", "#zzz", "red",
        "FREQ=DAILY", "FREQ=SECONDLY;COUNT=100000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "tomorrow 9am lunch",
        "every day", "SELECT 1", "https://example.invalid/x", "javascript:alert(1)", "0001732241696123.00000",
        "a@b.c", "%", "%00", "\\", "\"", "'; DROP TABLE tasks; --", "NaN", "-1", "1e308",
    ];
    match rng.below(12) {
        0..=5 => Value::from(strings[rng.below(strings.len())]),
        6 => {
            let n = [0i64, -1, 1, 2, 7, 60, 1440, 1000, 100_000, i32::MAX as i64, i32::MIN as i64, u32::MAX as i64, i64::MAX, i64::MIN];
            Value::from(n[rng.below(n.len())])
        }
        7 => {
            let floats = [1.5, -0.0, 1e308, -1e308, 5e-324];
            if rng.one_in(6) {
                Value::from(u64::MAX)
            } else {
                Value::from(floats[rng.below(floats.len())])
            }
        }
        8 => Value::Bool(rng.one_in(2)),
        9 => Value::Null,
        10 => {
            let shapes = json!([[], {}, [null], {"a": 1}, [""]]);
            shapes[rng.below(5)].clone()
        }
        _ => Value::from("x".repeat(1 << rng.below(17))),
    }
}

/// Every node of `v` by path (a path is the list of steps from the root).
fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(Step::Key(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(Step::Index(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'v>(v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut node = v;
    for step in path {
        node = match (step, node) {
            (Step::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// One JSON-aware change of `doc`, or `None` when it is not JSON.
pub fn mutate(rng: &mut Rng, doc: &[u8]) -> Option<Vec<u8>> {
    let mut v: Value = serde_json::from_slice(doc).ok()?;
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        let mut all = vec![];
        paths(&v, &mut vec![], &mut all);
        let path = rng.pick(&all)?.clone();
        let donor = at(&mut v, &rng.pick(&all)?.clone()).map(|n| n.clone());
        let node = at(&mut v, &path)?;
        match rng.below(6) {
            0 | 1 | 2 => *node = interesting(rng),
            3 => {
                if let Some(d) = donor {
                    *node = d;
                }
            }
            4 => match node {
                Value::Object(m) if !m.is_empty() => {
                    let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                    m.remove(&key);
                }
                Value::Array(a) if !a.is_empty() => {
                    let i = rng.below(a.len());
                    let copy = a[i].clone();
                    let times = if rng.one_in(4) { 1 + rng.below(200) } else { 1 };
                    for _ in 0..times {
                        a.insert(i, copy.clone());
                    }
                }
                _ => *node = interesting(rng),
            },
            _ => match node {
                Value::Object(m) => {
                    m.insert(["id", "x", "title", "kind", "extra"][rng.below(5)].to_string(), interesting(rng));
                }
                Value::Array(a) => a.push(interesting(rng)),
                Value::String(s) => s.push_str(["\u{0}", "Z", "T10:00", "🙂", "%", "/"][rng.below(6)]),
                Value::Number(n) => *node = Value::from(n.as_i64().unwrap_or(0).wrapping_neg().wrapping_sub(1)),
                _ => *node = interesting(rng),
            },
        }
    }
    serde_json::to_vec(&v).ok()
}

/// A value that deserializes as `T`, as far as serde's answers lead (see the module docs).
pub fn synth<T: DeserializeOwned>() -> Value {
    let mut v = Value::Null;
    let mut tries: HashMap<String, usize> = HashMap::new();
    for _ in 0..300 {
        let text = v.to_string();
        let mut de = serde_json::Deserializer::from_str(&text);
        let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(_) => return v,
            Err(e) => e,
        };
        let path: Vec<Segment> = err.path().iter().cloned().collect();
        let message = err.inner().to_string();
        if !repair(&mut v, &path, &message, &mut tries) {
            return v;
        }
    }
    v
}

/// The node at serde's path, created on the way where missing.
fn node_at<'v>(v: &'v mut Value, path: &[Segment]) -> &'v mut Value {
    let mut node = v;
    for seg in path {
        node = match seg {
            Segment::Map { key } => {
                if !node.is_object() {
                    *node = Value::Object(Map::new());
                }
                let Value::Object(m) = node else { unreachable!("made an object above") };
                m.entry(key.clone()).or_insert(Value::Null)
            }
            Segment::Seq { index } => {
                if !node.is_array() {
                    *node = Value::Array(vec![]);
                }
                let Value::Array(a) = node else { unreachable!("made an array above") };
                while a.len() <= *index {
                    a.push(Value::Null);
                }
                &mut a[*index]
            }
            Segment::Enum { variant } => {
                if node.get(variant.as_str()).is_some() {
                    node.get_mut(variant.as_str()).expect("checked above")
                } else {
                    node
                }
            }
            Segment::Unknown => node,
        };
    }
    node
}

/// The first `name` in backquotes after `after` in `message`.
fn quoted_after(message: &str, after: &str) -> Option<String> {
    let rest = &message[message.find(after)? + after.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(rest[start..end].to_string())
}

fn repair(v: &mut Value, path: &[Segment], message: &str, tries: &mut HashMap<String, usize>) -> bool {
    let node = node_at(v, path);
    if let Some(field) = quoted_after(message, "missing field") {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        if let Value::Object(m) = node {
            m.insert(field, Value::Null);
        }
        return true;
    }
    if let Some(variant) = quoted_after(message, "expected one of").or_else(|| quoted_after(message, "expected")) {
        if message.starts_with("unknown variant") || message.starts_with("unknown field") {
            // An internally tagged enum answers at its own path: the bad word is its tag's.
            let bad = quoted_after(message, "unknown variant").map(Value::from);
            if let (Value::Object(m), Some(bad)) = (&mut *node, bad) {
                if let Some(tag) = m.values_mut().find(|v| **v == bad) {
                    *tag = Value::from(variant);
                    return true;
                }
            }
            *node = Value::from(variant);
            return true;
        }
    }
    if message.contains("expected struct variant") || message.contains("expected newtype variant") || message.contains("expected tuple variant") {
        if let Value::String(name) = node.clone() {
            let inner = if message.contains("struct variant") { json!({}) } else { Value::Null };
            let mut tagged = Map::new();
            tagged.insert(name, inner);
            *node = Value::Object(tagged);
            return true;
        }
    }
    let expected = message.split("expected").nth(1).unwrap_or("");
    // Inside an internally tagged enum serde loses the path and answers at the enum: the
    // refused value is then one of the object's fields, the one of the type it names.
    // (An object is never refused as a null, a string...: such a refusal is a field's.)
    let found = message.split(',').next().unwrap_or("");
    let mut path_key = format!("{path:?}");
    let mut node = node;
    if node.is_object() && message.starts_with("invalid type") && !found.contains("map") {
        let kind_of = |v: &Value| match v {
            Value::Null => found.contains("null"),
            Value::Bool(_) => found.contains("boolean"),
            Value::Number(_) => found.contains("integer") || found.contains("floating"),
            Value::String(_) => found.contains("string"),
            Value::Array(_) => found.contains("sequence"),
            Value::Object(_) => found.contains("map"),
        };
        let key = node.as_object().and_then(|m| m.iter().filter(|(_, v)| kind_of(v)).map(|(k, _)| k.clone()).last());
        if let Some(key) = key {
            path_key.push_str(&key);
            node = node.get_mut(&key).expect("found above");
        }
    }
    let guess = if expected.contains("internally tagged") || expected.contains("adjacently tagged") {
        Some(json!({}))
    } else if expected.contains("bool") {
        Some(json!(true))
    } else if ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "integer"].iter().any(|t| expected.contains(t)) {
        Some(json!(1))
    } else if ["f32", "f64", "float", "number"].iter().any(|t| expected.contains(t)) {
        Some(json!(1.5))
    } else if expected.contains("sequence") || expected.contains("array") || expected.contains("tuple") {
        let n = expected.split_whitespace().filter_map(|w| w.parse::<usize>().ok()).next().unwrap_or(0);
        Some(Value::Array(vec![Value::Null; n]))
    } else if expected.contains("map") || expected.contains("struct") || expected.contains("object") {
        Some(json!({}))
    } else if expected.contains("string") || expected.contains("identifier") || expected.contains("enum") || expected.contains("char") {
        Some(json!("a"))
    } else {
        None
    };
    let n = tries.entry(path_key).or_default();
    *n += 1;
    if let Some(g) = guess.filter(|g| *g != *node && *n < 8) {
        *node = g;
        return true;
    }
    let cycle = [json!("a"), json!(1), json!(true), json!([]), json!({}), json!(1.5), json!("2024-06-01T10:00:00Z"), json!("2024-06-01")];
    if *n >= 24 {
        return false;
    }
    *node = cycle[*n % cycle.len()].clone();
    true
}
