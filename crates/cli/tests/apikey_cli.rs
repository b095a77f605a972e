//! `apikey create|list|revoke` and `api serve` as a script uses them: a real process on a
//! real data folder, and a real request to the served API.

mod run;

use run::{fails, json, ok};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

#[test]
fn create_prints_the_key_once_list_never_shows_it_revoke_turns_it_off() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let created = json(d.path(), &["apikey", "create", "report script", "--scope", "tasks:read", "focus:read", "--expires", "2099-12-31", "--json"]);
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("sdk_") && key.len() == 68, "{key}");
    assert_eq!(created["api_key"]["scopes"], serde_json::json!(["tasks:read", "focus:read"]));
    let id = created["api_key"]["id"].as_str().unwrap().to_string();

    let list = json(d.path(), &["apikey", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "report script");
    assert_eq!(list[0]["active"], true);
    assert!(!list.to_string().contains(&key[4..]), "the key is never listed");
    assert!(!ok(d.path(), &["apikey", "list"]).contains(&key[4..]));

    assert!(ok(d.path(), &["apikey", "revoke", &id]).contains("revoked"));
    assert_eq!(json(d.path(), &["apikey", "list", "--json"])[0]["active"], false);
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let e = fails(d.path(), &["apikey", "create", "k", "--scope", "tasks:read", "--expires", "2020-01-01"]);
    assert!(e.contains("error (validation)") && e.contains("in the past"), "{e}");
    let e = fails(d.path(), &["apikey", "revoke", "0193a0b0-0000-7000-8000-000000000000"]);
    assert!(e.contains("error (not_found)"), "{e}");
    // An unknown scope is a usage error (exit 2, from clap), naming the scopes.
    let out = run::cli(d.path(), &["apikey", "create", "k", "--scope", "tasks:delete"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tasks:read"));
    assert_eq!(json(d.path(), &["apikey", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn api_serve_answers_with_a_key_and_refuses_without() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["task", "add", "from the CLI"]);
    let key = json(d.path(), &["apikey", "create", "k", "--scope", "tasks:read", "--json"])["key"].as_str().unwrap().to_string();
    let mut server = Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
        .args(["--data-dir", d.path().to_str().unwrap(), "api", "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let port: u16 = first.split("127.0.0.1:").nth(1).and_then(|t| t.split(' ').next()).and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{first}"));
    let get = |auth: Option<&str>| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let auth = auth.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
        write!(s, "GET /v1/tasks HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    };
    let with = get(Some(&key));
    let without = get(None);
    let _ = server.kill();
    let _ = server.wait();
    assert!(with.starts_with("HTTP/1.1 200") && with.contains("from the CLI"), "{with}");
    assert!(without.starts_with("HTTP/1.1 401") && without.contains("api_key_missing"), "{without}");
}
