//! The core's source as the structure checks read it (`rooms.rs`, `table_owners.rs`):
//! every `.rs` file under a `src` folder, with its module path, comments and
//! `#[cfg(test)] mod` blocks removed (a unit test may drive the whole app from any room;
//! it is not part of the program's structure).
#![allow(dead_code)] // each check uses its own part

use std::path::{Path, PathBuf};

/// `crates/core/src`.
pub fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

pub struct File {
    pub module: Vec<String>,
    pub is_parent: bool,
    pub text: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

pub fn load(src: &Path) -> Vec<File> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(src).expect("under src");
            let mut module: Vec<String> = rel.iter().map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            let last = module.last().cloned().unwrap_or_default();
            let is_parent = last == "mod" || last == "lib";
            if is_parent {
                module.pop();
            }
            let raw = std::fs::read_to_string(&p).expect("read file");
            File { module, is_parent, text: strip_test_modules(&strip_comments(&raw)) }
        })
        .collect()
}

/// The source without `//` and `/* */` comments (string contents are kept: a path in a
/// string is not a reference, but none of ours look like `crate::x`).
pub fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        if in_str {
            if b[i] == b'\\' {
                out.push(b[i] as char);
                i += 1;
            } else if b[i] == b'"' {
                in_str = false;
            }
        } else if b[i] == b'"' {
            in_str = true;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if i < b.len() {
            out.push(s[i..].chars().next().unwrap_or(' '));
            i += s[i..].chars().next().map_or(1, |c| c.len_utf8());
        }
    }
    out
}

/// The source without its `#[cfg(test)] mod … { … }` blocks: a unit test may drive the
/// whole app from any room; it is not part of the program's structure.
pub fn strip_test_modules(s: &str) -> String {
    let mut out = s.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = &out[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        if !trimmed.starts_with("mod ") {
            // Only whole test modules are dropped; keep scanning after this attribute.
            let keep = out[..at + 2].to_string() + &out[at + 2..].replacen("cfg(test)", "cfg(tested)", 1);
            out = keep;
            continue;
        }
        let Some(open) = after.find('{') else { break };
        let mut depth = 0;
        let mut end = None;
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        out = format!("{}{}", &out[..at], &after[end..]);
    }
    out
}

