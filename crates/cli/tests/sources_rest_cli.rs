//! `source add-rest URL [--name N] [--records PATH] [--next-link | --cursor-path P
//! --cursor-param Q] [--header "Name: value"] [--json]` as a script uses it, against a
//! small HTTP server on 127.0.0.1: the pages become a source listed by `source list
//! --json`, `source refresh ID` fetches them again, and a credential header is refused in
//! one line with nothing written.

mod run;

use run::{fails, json, ok};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves `/items?page=N` (N = 1 to 2, two records each, `Link` to the next page).
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let page = if first.contains("page=2") { 2 } else { 1 };
            let body = format!(r#"{{"data": [{{"day": "2024-05-0{0}", "minutes": {0}0}}, {{"day": "2024-05-1{0}", "minutes": {0}5}}]}}"#, page);
            let link = if page == 1 { "Link: </items?page=2>; rel=\"next\"\r\n" } else { "" };
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{link}Connection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    base
}

#[test]
fn a_rest_api_is_added_listed_and_refreshed() {
    let d = tempfile::tempdir().unwrap();
    let url = format!("{}/items", serve());
    let added = json(d.path(), &["source", "add-rest", &url, "--name", "Study log", "--records", "$.data", "--next-link", "--header", "Accept-Language: en", "--json"]);
    assert_eq!((added["source_type"].as_str(), added["table"].as_str(), added["rows"].as_i64()), (Some("rest_api"), Some("study_log"), Some(4)));
    let columns: Vec<(&str, &str)> = added["columns"].as_array().unwrap().iter().map(|c| (c["name"].as_str().unwrap(), c["kind"].as_str().unwrap())).collect();
    assert_eq!(columns, [("day", "date"), ("minutes", "integer")]);

    let list = json(d.path(), &["source", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["name"].as_str(), list[0]["status"].as_str(), list[0]["data_here"].as_bool()), (Some("Study log"), Some("connected"), Some(true)));

    let id = added["id"].as_str().unwrap();
    let refreshed = ok(d.path(), &["source", "refresh", id]);
    assert!(refreshed.starts_with("refreshed ") && refreshed.contains("Study log  rest_api  connected  sources.study_log  4 rows"), "{refreshed}");

    let err = fails(d.path(), &["source", "add-rest", &url, "--name", "Secret", "--header", "Authorization: Bearer x"]);
    assert!(err.starts_with("error (validation)") && err.contains("keychain"), "{err}");
    assert_eq!(json(d.path(), &["source", "list", "--json"]).as_array().unwrap().len(), 1, "nothing written");
}
