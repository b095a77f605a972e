//! Pull pages are bounded in bytes as well as in changes, against a real server: large
//! rows arrive over several pages, none over the cap, and a reader on a slow link still
//! moves page by page while other devices pull at full speed.

mod support;

use serde_json::{json, Value};
use std::io::Read;
use std::time::{Duration, Instant};
use studydesk_sync::MAX_PULL_PAGE_BYTES;
use support::{new_id, signup, Client, TestServer};

const KIB: usize = 1024;

/// `count` public posts of about `bytes` each, pushed in batches under the body limit.
fn post_many(author: &Client, count: usize, bytes: usize) -> Vec<String> {
    let now = "2026-11-22T01:00:00.000Z";
    let result: Value = author.push(&new_id(), vec![author.user_row()]).json().unwrap();
    assert_eq!(result["rejected"], json!([]));
    let per_batch = (studydesk_sync::MAX_BODY_BYTES / (bytes + 4 * KIB)).max(1);
    let ids: Vec<String> = (0..count).map(|_| new_id()).collect();
    for chunk in ids.chunks(per_batch) {
        let changes: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let content = format!("{i}{}", "p".repeat(bytes));
                author.change("posts", id, "insert", 1, json!({"id": id, "user_id": author.account, "content": content, "created_at": now, "updated_at": now, "visibility": "public"}), 1)
            })
            .collect();
        let result: Value = author.push(&new_id(), changes).json().unwrap();
        assert_eq!(result["rejected"], json!([]), "{result}");
    }
    ids
}

/// Pulls page by page with `read` reading each answer; (page sizes in bytes, post ids).
fn pull_pages(reader: &Client, read: impl Fn(reqwest::blocking::Response) -> Vec<u8>) -> (Vec<usize>, Vec<String>) {
    let mut cursor = String::new();
    let (mut sizes, mut posts) = (vec![], vec![]);
    loop {
        let url = format!("{}/v1/pull?limit=1000&cursor={cursor}", reader.base);
        let response = reader.http.get(url).bearer_auth(&reader.key).header("Studydesk-Schema", "8").send().unwrap();
        assert_eq!(response.status(), 200);
        let body = read(response);
        sizes.push(body.len());
        let page: Value = serde_json::from_slice(&body).expect("a whole page");
        for change in page["changes"].as_array().unwrap() {
            if change["table"] == "posts" {
                posts.push(change["row_id"].as_str().unwrap().to_string());
            }
        }
        cursor = page["next_cursor"].as_str().unwrap().to_string();
        if page["has_more"] != true {
            return (sizes, posts);
        }
    }
}

fn read_all(response: reqwest::blocking::Response) -> Vec<u8> {
    response.bytes().unwrap().to_vec()
}

#[test]
fn large_rows_arrive_over_several_pages_none_over_the_byte_cap() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let sent = post_many(&ada, 20, 900 * KIB);
    let bob = signup(&server, "bob@example.org");
    let (sizes, got) = pull_pages(&bob, read_all);
    assert_eq!(got, sent, "every post arrives, once, in order");
    assert!(sizes.len() >= 5, "18 MiB of posts take several pages: {sizes:?}");
    for size in &sizes {
        assert!(*size <= MAX_PULL_PAGE_BYTES + 4 * KIB, "a page of {size} bytes is over the cap of {MAX_PULL_PAGE_BYTES}: {sizes:?}");
    }
    // The paged protocol answers the OpenAPI document too.
    let page = support::send(ada.http.get(format!("{}/v1/pull?limit=1000", ada.base)).bearer_auth(&ada.key).header("Studydesk-Schema", "8"));
    assert_eq!(page.status(), 200);
}

#[test]
fn a_reader_on_a_slow_link_moves_page_by_page_while_others_pull_at_full_speed() {
    let server = TestServer::start_with(|c| c.max_pull_bytes = 256 * KIB);
    let ada = signup(&server, "ada@example.org");
    let sent = post_many(&ada, 12, 100 * KIB);
    let slow = signup(&server, "slow@example.org");
    let fast = signup(&server, "fast@example.org");
    // About 400 KiB/s: 16 KiB, then a pause.
    let slow_read = |mut response: reqwest::blocking::Response| {
        let (mut body, mut piece) = (vec![], vec![0u8; 16 * KIB]);
        loop {
            let n = response.read(&mut piece).unwrap();
            if n == 0 {
                return body;
            }
            body.extend_from_slice(&piece[..n]);
            std::thread::sleep(Duration::from_millis(40));
        }
    };
    let sent_again = sent.clone();
    let slow_thread = std::thread::spawn(move || {
        let started = Instant::now();
        let (sizes, got) = pull_pages(&slow, slow_read);
        assert_eq!(got, sent_again);
        (sizes, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (_, fast_got) = pull_pages(&fast, read_all);
    let fast_took = started.elapsed();
    let (slow_sizes, slow_took) = slow_thread.join().unwrap();
    assert_eq!(fast_got, sent);
    assert!(slow_sizes.len() >= 5, "1.2 MiB in pages of 256 KiB: {slow_sizes:?}");
    assert!(slow_sizes.iter().all(|s| *s <= 256 * KIB + 4 * KIB), "{slow_sizes:?}");
    assert!(fast_took < slow_took, "the fast reader ({fast_took:?}) is not held up by the slow one ({slow_took:?})");
}
