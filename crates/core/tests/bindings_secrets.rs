//! The generated TypeScript carries only what the UI uses, and never a secret:
//! - every file under `ui/src/api/bindings` is read, and a field named like a secret
//!   column fails the test. The names come from the sync catalog's `SECRET_COLUMNS` (the
//!   one list of secrets: the capture triggers keep them out of the change log with it),
//!   plus `password_hash`;
//! - every binding is imported by the UI (a component, the generated client, or another
//!   binding): a row or enum the UI never receives is not exported (`table_row!` exports
//!   only rows marked `export`).

use std::path::{Path, PathBuf};
use studydesk_sync::catalog::SECRET_COLUMNS;

/// Fields that share a secret's name but are not a stored column: (file, field, why).
const NOT_COLUMNS: &[(&str, &str, &str)] =
    &[
        ("Credentials.ts", "password", "what the user types to sign in, sent to the server, never stored"),
        ("DatabaseRequest.ts", "password", "what the user types for a database source, kept in the OS keychain, never in SQLite"),
        ("SmtpSettingsInput.ts", "password", "what the user types for the SMTP server, kept in the OS keychain, never in SQLite"),
    ];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Whether `text` declares a field `name` (`name:` or `name?:` after a delimiter).
fn declares(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].trim_start_matches('?');
        before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) && after.starts_with(':')
    })
}

#[test]
fn no_generated_type_carries_a_secret_column() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/bindings");
    let mut all = Vec::new();
    files(&dir, &mut all);
    assert!(!all.is_empty(), "no bindings under {}", dir.display());
    let mut secrets: Vec<&str> = SECRET_COLUMNS.iter().flat_map(|(_, cols)| cols.iter().copied()).collect();
    secrets.push("password_hash");
    let mut found = Vec::new();
    for f in &all {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        for s in &secrets {
            if declares(&text, s) && !NOT_COLUMNS.iter().any(|(file, field, _)| *file == name && field == s) {
                found.push(format!("{} declares `{s}`", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "secret columns in generated TypeScript:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_a_secret_field() {
    assert!(declares("export type ApiKeyRow = { id: string, key_hash: string, };", "key_hash"));
    assert!(declares("{ password?: string }", "password"));
    assert!(!declares("{ password_hint: string }", "password"));
}

fn ui_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "node_modules") {
                ui_sources(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "ts" || x == "tsx") {
            out.push(p);
        }
    }
}

#[test]
fn every_binding_is_used_by_the_ui() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src");
    let mut sources = Vec::new();
    ui_sources(&ui, &mut sources);
    let texts: Vec<(PathBuf, String)> = sources.iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect();
    let mut bindings = Vec::new();
    files(&ui.join("api/bindings"), &mut bindings);
    let unused: Vec<String> = bindings
        .iter()
        .filter_map(|b| {
            let name = b.file_stem()?.to_string_lossy().to_string();
            let imported = texts.iter().any(|(path, text)| {
                path != b && (text.contains(&format!("/{name}\"")) || text.contains(&format!("./{name}\"")))
            });
            (!imported).then_some(name)
        })
        .collect();
    assert!(unused.is_empty(), "bindings nothing in the UI imports (do not export them): {unused:?}");
}
