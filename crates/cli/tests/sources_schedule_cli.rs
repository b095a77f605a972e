//! `source schedule ID --every 15m|1h|6h|1d|off` and `source refresh-due` as a script
//! uses them, with the clock set by `--clock-from` and a small JSON API on 127.0.0.1: the
//! schedule shows in the source's line, nothing is due before the hour, the due source is
//! refreshed after it, a failed refresh is printed and exits 1, and a CSV is refused.

mod run;

use run::{cli, fails, json, ok};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Serves two records, or 503 while the flag is set.
fn serve(down: Arc<AtomicBool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/records", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let (status, body) = if down.load(Ordering::SeqCst) { ("503 Service Unavailable", "maintenance") } else { ("200 OK", r#"[{"n": 1}, {"n": 2}]"#) };
            let answer = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

/// `args` run with the clock at `minutes` after 2026-11-22T01:00:00Z.
fn at(minutes: u32, args: &[&str]) -> Vec<String> {
    let from = format!("2026-11-22T{:02}:{:02}:00Z", 1 + minutes / 60, minutes % 60);
    ["--clock-from", from.as_str()].iter().chain(args).map(|s| s.to_string()).collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn a_scheduled_source_is_refreshed_when_due_and_a_failure_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let down = Arc::new(AtomicBool::new(false));
    let url = serve(down.clone());
    let added = json(d.path(), &strs(&at(0, &["source", "add-rest", &url, "--name", "Counts", "--json"])));
    let id = added["id"].as_str().unwrap().to_string();

    let line = ok(d.path(), &strs(&at(0, &["source", "schedule", &id, "--every", "1h"])));
    assert!(line.contains("Counts  rest_api  connected") && line.contains("refreshes every 1h (next 2026-11-22T02:00:00"), "{line}");
    let refused = cli(d.path(), &["source", "schedule", &id, "--every", "30m"]);
    assert_eq!(refused.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("possible values: 15m, 1h, 6h, 1d, off"));

    assert_eq!(ok(d.path(), &strs(&at(59, &["source", "refresh-due"]))), "no scheduled refresh is due\n");
    let done = ok(d.path(), &strs(&at(61, &["source", "refresh-due"])));
    assert!(done.starts_with("refreshed ") && done.contains("Counts") && done.contains("next 2026-11-22T03:01:00"), "{done}");
    assert_eq!(ok(d.path(), &strs(&at(62, &["source", "refresh-due"]))), "no scheduled refresh is due\n", "moved to 03:01");

    down.store(true, Ordering::SeqCst);
    let out = cli(d.path(), &strs(&at(122, &["source", "refresh-due"])));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(&format!("failed {id}  Counts: ")) && stdout.contains("503"), "{stdout}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error (") && err.contains("503") && err.trim_end().lines().count() == 1, "{err}");
    let listed = json(d.path(), &strs(&at(123, &["source", "list", "--json"])));
    assert_eq!((listed[0]["status"].as_str(), listed[0]["refresh_minutes"].as_u64()), (Some("error"), Some(60)));

    let off = ok(d.path(), &["source", "schedule", &id, "--every", "off"]);
    assert!(!off.contains("refreshes every"), "{off}");
}

#[test]
fn a_csv_source_cannot_be_scheduled() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("scores.csv");
    std::fs::write(&file, "name,score\nAda,90\n").unwrap();
    let added = json(d.path(), &["source", "add-csv", file.to_str().unwrap(), "--json"]);
    let err = fails(d.path(), &["source", "schedule", added["id"].as_str().unwrap(), "--every", "1d"]);
    assert!(err.starts_with("error (validation)") && err.contains("is a CSV file"), "{err}");
}
