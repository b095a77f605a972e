//! No import circles: between the core's rooms, nor between the files of one room.
//!
//! Reads every `.rs` file under `crates/core/src`, takes each reference to another module
//! of the crate (`use crate::…`, `use super::…`, `crate::a::b::f(…)` in code, brace groups
//! expanded) and builds two graphs:
//! - rooms: the top-level modules (`planner`, `focus`, `sync`, `db`, `api`…); an edge when
//!   a file of one room names anything of another;
//! - files: one node per file (`planner::calendar::events`); an edge when a file names
//!   anything of another file, except a `mod.rs`/`lib.rs` naming its own descendants
//!   (declaring and re-exporting its children is what a parent does).
//!
//! Any strongly connected set of more than one node fails the test, named with the
//! references that close it. Comments are skipped (doc links are not imports).

mod source;

use source::{load, src, File};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a use tree starting at `s` (after the root keyword and `::`): `a::b`,
/// `a::{b, c::{d, e}}`, `a::b as c`, `a::*`. Returns the full paths.
fn expand_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let chars: Vec<char> = s.chars().collect();
    fn parse(chars: &[char], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
        let mut path = prefix;
        loop {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i < chars.len() && chars[i] == '{' {
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return i + 1;
                    }
                    i = parse(chars, i, path.clone(), out);
                }
            }
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            if i > start {
                path.push(chars[start..i].iter().collect());
            }
            if i + 1 < chars.len() && chars[i] == ':' && chars[i + 1] == ':' {
                i += 2;
                continue;
            }
            out.push(path);
            // Skip `as alias`, `*`, up to the separator of this tree.
            while i < chars.len() && !matches!(chars[i], ',' | '}' | ';' | '(' | ')' | '<' | '>' | '[' | ']' | '=' | '&') {
                if chars[i] == '\n' {
                    break;
                }
                i += 1;
            }
            return i;
        }
    }
    let mut out = Vec::new();
    let end = parse(&chars, 0, Vec::new(), &mut out);
    (out, end)
}

/// Every module path a file names, made absolute (without the leading `crate`).
fn references(file: &File) -> Vec<Vec<String>> {
    let mut refs = Vec::new();
    let text = &file.text;
    for (root, _) in text.match_indices("crate::").chain(text.match_indices("super::")).chain(text.match_indices("self::")) {
        let before = text[..root].chars().last();
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        let keyword = &text[root..root + text[root..].find("::").unwrap_or(0)];
        let rest = &text[root + keyword.len() + 2..];
        let base: Vec<String> = match keyword {
            "crate" => Vec::new(),
            "self" => file.module.clone(),
            _ => {
                // `super` of a file module is its parent; chains of super:: are rare here.
                let mut m = file.module.clone();
                if !file.is_parent || !m.is_empty() {
                    m.pop();
                }
                m
            }
        };
        let (paths, _) = expand_tree(rest);
        for p in paths {
            let mut full = base.clone();
            full.extend(p.into_iter().filter(|s| s != "self"));
            refs.push(full);
        }
    }
    refs
}

/// The file module `path` points into: the longest known module prefix.
fn owner<'a>(path: &[String], modules: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len()).rev().find_map(|n| modules.get(&path[..n].to_vec()))
}

/// Strongly connected components with more than one node (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.found.push(comp);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

struct Graphs {
    rooms: Graph,
    files: Graph,
    /// For the failure message: (from, to) -> one reference that made the edge.
    why: BTreeMap<(String, String), String>,
}

fn graphs(src: &Path) -> Graphs {
    let files = load(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let reexports = reexports(&files, &modules);
    let mut g = Graphs { rooms: Graph::new(), files: Graph::new(), why: BTreeMap::new() };
    for f in &files {
        let from = f.module.join("::");
        g.files.entry(from.clone()).or_default();
        for r in references(f) {
            let Some(mut to) = owner(&r, &modules) else { continue };
            // An item a parent re-exports belongs to the child that defines it.
            if let Some(child) = r.get(to.len()).and_then(|item| reexports.get(&(to.clone(), item.clone()))) {
                to = child;
            }
            if to == &f.module || to.is_empty() {
                continue;
            }
            let is_descendant = to.len() > f.module.len() && to[..f.module.len()] == f.module[..];
            let is_ancestor = f.module.len() > to.len() && f.module[..to.len()] == to[..];
            let to_name = to.join("::");
            if !(f.is_parent && is_descendant) && !is_ancestor {
                g.files.entry(from.clone()).or_default().insert(to_name.clone());
                g.why.entry((from.clone(), to_name.clone())).or_insert_with(|| r.join("::"));
            }
            let (room_from, room_to) = (f.module.first(), to.first());
            if let (Some(a), Some(b)) = (room_from, room_to) {
                if a != b {
                    g.rooms.entry(a.clone()).or_default().insert(b.clone());
                    g.why.entry((a.clone(), b.clone())).or_insert_with(|| format!("{from} names {}", r.join("::")));
                }
            }
        }
    }
    g
}

/// `(parent module, item) -> the descendant module defining it`, from the parents'
/// `pub use child::Item` lines (relative to the parent).
fn reexports<'a>(files: &[File], modules: &'a BTreeSet<Vec<String>>) -> BTreeMap<(Vec<String>, String), &'a Vec<String>> {
    let mut map = BTreeMap::new();
    for f in files.iter().filter(|f| f.is_parent) {
        for (at, _) in f.text.match_indices("pub use ") {
            let (paths, _) = expand_tree(&f.text[at + "pub use ".len()..]);
            for p in paths {
                let Some(item) = p.last().cloned() else { continue };
                let mut full = f.module.clone();
                full.extend(p);
                if let Some(target) = owner(&full, modules).filter(|t| t.len() > f.module.len()) {
                    map.insert((f.module.clone(), item), target);
                }
            }
        }
    }
    map
}

fn describe(g: &Graphs, graph: &Graph, cycle: &[String]) -> String {
    let members: BTreeSet<&String> = cycle.iter().collect();
    let mut lines = Vec::new();
    for a in cycle {
        for b in graph.get(a).into_iter().flatten().filter(|b| members.contains(b)) {
            lines.push(format!("    {a} -> {b}   ({})", g.why.get(&(a.clone(), b.clone())).map_or("", |s| s)));
        }
    }
    format!("  [{}]\n{}", cycle.join(", "), lines.join("\n"))
}


#[test]
fn no_two_rooms_import_each_other() {
    let g = graphs(&src());
    let found = cycles(&g.rooms);
    assert!(
        found.is_empty(),
        "import circles between rooms (fold them: pass data in, or move the shared part to a lower module):\n{}",
        found.iter().map(|c| describe(&g, &g.rooms, c)).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let g = graphs(&src());
    let found = cycles(&g.files);
    assert!(
        found.is_empty(),
        "import circles between files:\n{}",
        found.iter().map(|c| describe(&g, &g.files, c)).collect::<Vec<_>>().join("\n")
    );
}

/// The checker itself finds a circle when there is one (so a green run means something).
#[test]
fn the_checker_sees_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("planner")).unwrap();
    std::fs::create_dir_all(src.join("focus")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod planner;\npub mod focus;\n").unwrap();
    std::fs::write(src.join("planner/mod.rs"), "pub mod tasks;\npub use tasks::Task;\n").unwrap();
    std::fs::write(
        src.join("planner/tasks.rs"),
        "// use crate::focus::nothing; (a comment is not an import)\nuse crate::{db, focus::progress::{self, refresh}};\npub struct Task;\n",
    )
    .unwrap();
    std::fs::write(src.join("focus/mod.rs"), "pub mod progress;\npub mod settings;\n").unwrap();
    std::fs::write(src.join("focus/progress.rs"), "pub fn refresh() { super::settings::get(); }\n").unwrap();
    std::fs::write(src.join("focus/settings.rs"), "pub fn get() { let _ = crate::planner::Task; }\n").unwrap();
    std::fs::write(src.join("db.rs"), "#[cfg(test)]\nmod tests { use crate::planner::Task; }\n").unwrap();
    std::fs::write(src.join("planner/lists.rs"), "use crate::db;\n").unwrap();
    let g = graphs(src);
    assert_eq!(cycles(&g.rooms), vec![vec!["focus".to_string(), "planner".to_string()]]);
    assert_eq!(
        cycles(&g.files),
        vec![vec!["focus::progress".to_string(), "focus::settings".to_string(), "planner::tasks".to_string()]],
        "planner::Task is re-exported from planner::tasks: the edge goes to the file defining it"
    );
}
