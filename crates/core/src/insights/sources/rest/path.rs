//! Where a value is in a JSON answer: the small JSONPath subset a REST source uses for its
//! records (`$`, `$.data.items`, `$.results[0].rows`, `$['odd key']`) and, inside one
//! record, for a column (the same, a bare `user.name`, or a JSON pointer `/user/name`).
//!
//! Contract:
//! - A path names exactly one place (no wildcards, filters or recursive descent): a
//!   records path must lead to one array, so a query language that answers node lists
//!   would only add ways to be wrong.
//! - [`Path::parse`] refuses a malformed path in words, naming it; [`Path::find`] answers
//!   the value there or `None`.

use crate::{validate, CoreError, Result};
use serde_json::Value;

/// The longest path, in characters.
pub const PATH_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    steps: Vec<Step>,
}

fn bad(path: &str, why: &str) -> CoreError {
    CoreError::validation(format!("the path \"{}\" cannot be read: {why} (write it like $.data.items, $.items[0].rows or $['a key'])", validate::truncate_for_message(path)))
}

impl Path {
    /// The record itself (`$`).
    pub fn root() -> Path {
        Path { steps: Vec::new() }
    }

    /// One top-level key of a record.
    pub fn key(name: &str) -> Path {
        Path { steps: vec![Step::Key(name.to_string())] }
    }

    /// Parses `$...`, a bare `a.b[0]`, or a JSON pointer `/a/b/0`.
    pub fn parse(text: &str) -> Result<Path> {
        let text = text.trim();
        if text.chars().count() > PATH_MAX {
            return Err(bad(text, &format!("it is longer than {PATH_MAX} characters")));
        }
        if let Some(pointer) = text.strip_prefix('/') {
            let steps = pointer.split('/').map(|s| Step::Key(s.replace("~1", "/").replace("~0", "~"))).collect();
            return Ok(Path { steps });
        }
        let rest = match text.strip_prefix('$') {
            Some(r) => r,
            None if text.is_empty() => return Err(bad(text, "it is empty")),
            None => return Path::parse(&format!("$.{text}")),
        };
        Path::steps(text, rest)
    }

    fn steps(text: &str, mut rest: &str) -> Result<Path> {
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                let key = &r[..end];
                if key.is_empty() || key == "*" {
                    return Err(bad(text, "a name is missing after a dot"));
                }
                steps.push(Step::Key(key.to_string()));
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').ok_or_else(|| bad(text, "a [ is not closed"))?;
                let inside = r[..end].trim();
                let quoted = inside.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
                match (quoted, inside.parse::<usize>()) {
                    (Some(key), _) => steps.push(Step::Key(key.to_string())),
                    (None, Ok(i)) => steps.push(Step::Index(i)),
                    _ => return Err(bad(text, "inside [ ] put a number or a quoted name")),
                }
                rest = &r[end + 1..];
            } else {
                return Err(bad(text, "expected . or [ after a step"));
            }
        }
        Ok(Path { steps })
    }

    /// The value at this path in `value`.
    pub fn find<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        self.steps.iter().try_fold(value, |v, step| match (step, v) {
            (Step::Key(k), Value::Object(map)) => map.get(k),
            (Step::Index(i), Value::Array(items)) => items.get(*i),
            (Step::Key(k), Value::Array(items)) => k.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
    }

    /// Takes the value at this path out of `value` (the records array, without a copy).
    pub fn take(&self, value: &mut Value) -> Option<Value> {
        let mut here = value;
        for step in &self.steps {
            here = match (step, here) {
                (Step::Key(k), Value::Object(map)) => map.get_mut(k)?,
                (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(here.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_find_one_place() {
        let v = json!({"data": {"items": [1, {"a b": 2, "x": {"y": 3}}]}, "n/m": 4});
        assert_eq!(Path::parse("$").unwrap().find(&v), Some(&v));
        assert_eq!(Path::parse("$.data.items[0]").unwrap().find(&v), Some(&json!(1)));
        assert_eq!(Path::parse("$.data.items[1]['a b']").unwrap().find(&v), Some(&json!(2)));
        assert_eq!(Path::parse("data.items[1].x.y").unwrap().find(&v), Some(&json!(3)));
        assert_eq!(Path::parse("/data/items/1/x/y").unwrap().find(&v), Some(&json!(3)));
        assert_eq!(Path::parse("/n~1m").unwrap().find(&v), Some(&json!(4)));
        assert_eq!(Path::parse("$.nothing").unwrap().find(&v), None);
        for wrong in ["", "$.", "$..a", "$.a[", "$.a[x]", "$a", "$.*"] {
            assert!(Path::parse(wrong).is_err(), "{wrong}");
        }
        let mut owned = v.clone();
        assert_eq!(Path::parse("$.data.items").unwrap().take(&mut owned), Some(json!([1, {"a b": 2, "x": {"y": 3}}])));
    }
}
