//! What a device does with the stream parts of a pull page (docs/sync.md §5.4, §9): the
//! seq ranges a page says it skipped keep a stream gap-free (and any other gap still stops
//! the page), and a revoked stream is forgotten: an author's followers-only posts for
//! `f:<author>`, the dashboard for `d:<dashboard>`, with their children, and back again
//! whole when the stream is read from its start. Pages are built by hand and applied to a
//! real database file.

mod common;

use common::Fixture;
use rusqlite::Connection;
use serde_json::{json, Value};
use studydesk_core::ids::new_id;
use studydesk_core::sync::{apply_page, meta};
use studydesk_sync::wire::{Op, PullPage, PulledChange, SkippedRange};

const OTHER_DEVICE: &str = "01930000-0000-7000-8000-0000000000aa";
const AUTHOR: &str = "01930000-0000-7000-8000-00000000a001";
const NOW: &str = "2026-11-22T01:00:00.000Z";

fn hlc(n: i64) -> String {
    format!("{:016}.00000", common::start_time().timestamp_millis() + 60_000 + n)
}

fn change(stream: &str, seq: i64, table: &str, row_id: &str, columns: Value) -> PulledChange {
    PulledChange {
        stream: stream.into(),
        seq,
        table: table.into(),
        row_id: row_id.into(),
        op: Op::Insert,
        columns: columns.as_object().cloned(),
        hlc: hlc(seq),
        device_id: OTHER_DEVICE.into(),
        cl: 1,
    }
}

fn skipped(stream: &str, first: i64, last: i64) -> SkippedRange {
    SkippedRange { stream: stream.into(), first, last }
}

fn page(changes: Vec<PulledChange>, skipped: Vec<SkippedRange>, revoked: Vec<String>) -> PullPage {
    PullPage {
        changes,
        next_cursor: "cursor".into(),
        has_more: false,
        revoked_streams: revoked,
        skipped,
        server_time_ms: common::start_time().timestamp_millis(),
    }
}

fn author_row(seq: i64) -> PulledChange {
    change(
        "public",
        seq,
        "users",
        AUTHOR,
        json!({"display_name": "Ada", "is_active": 1, "role": "business_user", "status": "active", "created_at": NOW, "updated_at": NOW, "follow_policy": "open"}),
    )
}

fn post(stream: &str, seq: i64, id: &str, visibility: &str) -> PulledChange {
    change(
        stream,
        seq,
        "posts",
        id,
        json!({"user_id": AUTHOR, "content": format!("a {visibility} post"), "created_at": NOW, "updated_at": NOW, "visibility": visibility}),
    )
}

fn raw(fx: &Fixture) -> Connection {
    Connection::open(fx.dir.path().join("studydesk.db")).unwrap()
}

fn count(fx: &Fixture, sql: &str) -> i64 {
    raw(fx).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn position(fx: &Fixture, stream: &str) -> Option<i64> {
    let text = meta::get(fx.app.db(), meta::POSITIONS).unwrap()?;
    serde_json::from_str::<Value>(&text).unwrap().get(stream).and_then(Value::as_i64)
}

#[test]
fn skipped_ranges_keep_a_stream_gap_free_and_any_other_gap_stops_the_page() {
    let fx = common::open();
    let (first, second, third) = (new_id(), new_id(), new_id());
    apply_page(fx.app.db(), &page(vec![author_row(1), post("public", 5, &first, "public")], vec![skipped("public", 2, 4)], vec![])).unwrap();
    assert_eq!(position(&fx, "public"), Some(5));
    // A page of skipped seqs only moves the position.
    apply_page(fx.app.db(), &page(vec![], vec![skipped("public", 6, 7)], vec![])).unwrap();
    assert_eq!(position(&fx, "public"), Some(7));
    apply_page(fx.app.db(), &page(vec![post("public", 8, &second, "public")], vec![], vec![])).unwrap();
    assert_eq!(count(&fx, "SELECT count(*) FROM posts"), 2);

    // A gap nothing explains: the page is refused whole.
    let gap = apply_page(fx.app.db(), &page(vec![post("public", 10, &third, "public")], vec![], vec![])).unwrap_err();
    assert!(gap.to_string().contains("expected 9, got 10"), "{gap}");
    // A skipped range that does not follow the position is a gap too.
    let gap = apply_page(fx.app.db(), &page(vec![post("public", 9, &third, "public")], vec![skipped("public", 11, 12)], vec![])).unwrap_err();
    assert!(gap.to_string().contains("expected 10, got 11"), "{gap}");
    // As is one that is malformed.
    assert!(apply_page(fx.app.db(), &page(vec![], vec![skipped("public", 9, 8)], vec![])).is_err());
    assert_eq!(count(&fx, "SELECT count(*) FROM posts"), 2, "nothing of the refused pages was applied");
    assert_eq!(position(&fx, "public"), Some(8));
}

#[test]
fn a_revoked_followers_stream_forgets_the_authors_followers_posts_until_it_is_read_again() {
    let fx = common::open();
    let stream = format!("f:{AUTHOR}");
    let (public, followers, comment) = (new_id(), new_id(), new_id());
    let like = studydesk_sync::natural_id("post_likes", &[&followers, AUTHOR]);
    let first_read = vec![
        post(&stream, 1, &followers, "followers"),
        change(&stream, 2, "post_likes", &like, json!({"post_id": followers, "user_id": AUTHOR, "created_at": NOW})),
        change(&stream, 3, "post_comments", &comment, json!({"post_id": followers, "author_id": AUTHOR, "body": "mine", "created_at": NOW, "updated_at": NOW})),
    ];
    let mut changes = vec![author_row(1), post("public", 2, &public, "public")];
    changes.extend(first_read.clone());
    apply_page(fx.app.db(), &page(changes, vec![], vec![])).unwrap();
    assert_eq!(count(&fx, "SELECT count(*) FROM posts"), 2);
    assert_eq!(position(&fx, &stream), Some(3));

    let queued = "SELECT count(*) FROM sync_changes WHERE table_name LIKE 'post%'";
    let queued_before = count(&fx, queued);
    apply_page(fx.app.db(), &page(vec![], vec![], vec![stream.clone()])).unwrap();
    assert_eq!(count(&fx, &format!("SELECT count(*) FROM posts WHERE id = '{followers}'")), 0, "the followers-only post is forgotten");
    assert_eq!(count(&fx, "SELECT count(*) FROM post_likes") + count(&fx, "SELECT count(*) FROM post_comments"), 0, "with its like and comment");
    assert_eq!(count(&fx, &format!("SELECT count(*) FROM posts WHERE id = '{public}'")), 1, "the public post stays");
    assert_eq!(position(&fx, &stream), None);
    assert_eq!(count(&fx, queued), queued_before, "forgetting is not a delete to send");
    assert_eq!(count(&fx, "SELECT count(*) FROM sync_causal"), 0, "nor a delete to remember: the rows were never deleted");

    // Readable again: the stream comes from its start, and every row with it.
    apply_page(fx.app.db(), &page(first_read, vec![], vec![])).unwrap();
    assert_eq!(count(&fx, "SELECT count(*) FROM posts"), 2);
    assert_eq!(count(&fx, "SELECT count(*) FROM post_likes") + count(&fx, "SELECT count(*) FROM post_comments"), 2);
    assert_eq!(count(&fx, "SELECT count(*) FROM sync_apply_errors"), 0);
}

#[test]
fn a_revoked_dashboard_stream_forgets_the_shared_dashboard() {
    let fx = common::open();
    let (dashboard, widget) = (new_id(), new_id());
    let stream = format!("d:{dashboard}");
    let changes = vec![
        author_row(1),
        change(&stream, 1, "dashboards", &dashboard, json!({"user_id": AUTHOR, "name": "Shared", "created_at": NOW, "updated_at": NOW})),
        change(
            &stream,
            2,
            "widgets",
            &widget,
            json!({"dashboard_id": dashboard, "type": "bar_chart", "config": "{}", "position": "{}", "created_at": NOW, "updated_at": NOW}),
        ),
    ];
    let applied = apply_page(fx.app.db(), &page(changes.clone(), vec![], vec![])).unwrap();
    assert_eq!(applied.errors, 0, "{:?}", count(&fx, "SELECT count(*) FROM sync_apply_errors"));
    assert_eq!(count(&fx, "SELECT count(*) FROM widgets"), 1);
    apply_page(fx.app.db(), &page(vec![], vec![], vec![stream.clone()])).unwrap();
    assert_eq!(count(&fx, &format!("SELECT count(*) FROM dashboards WHERE id = '{dashboard}'")), 0);
    assert_eq!(count(&fx, "SELECT count(*) FROM widgets"), 0);
    // Shared again: read from its start.
    apply_page(fx.app.db(), &page(changes[1..].to_vec(), vec![], vec![])).unwrap();
    assert_eq!(count(&fx, "SELECT count(*) FROM widgets"), 1);
}
