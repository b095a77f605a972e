//! The activity feed's contract (seed 000's "Get User's Activity Feed"): pinned, then
//! priority, then newest; expired and dismissed items never shown; one row per event
//! however often it is delivered; cursor paging that returns every item once.

mod common;

use chrono::Duration;
use studydesk_core::dashboard::activity_feed::{self, ActivityType, NewFeedItem};
use studydesk_core::dashboard::rows::EngagementType;
use studydesk_core::db::WriteCtx;

fn deliver(f: &common::Fixture, kind: ActivityType, source: &str, priority: i64, expires_in: Option<i64>) -> bool {
    let user = f.app.user_id();
    let now = f.app.db().now();
    f.app
        .db()
        .write(WriteCtx::system("test.deliver"), |tx| {
            activity_feed::deliver(
                tx,
                &NewFeedItem {
                    user_id: &user,
                    activity_type: kind,
                    title: source,
                    description: None,
                    source_type: "post",
                    source_id: source,
                    priority,
                    expires_at: expires_in.map(|m| now + Duration::minutes(m)),
                    metadata: None,
                },
            )
        })
        .unwrap()
}

fn titles(f: &common::Fixture) -> Vec<String> {
    let now = f.app.db().now();
    f.app
        .db()
        .read(|c| activity_feed::page(c, &f.app.user_id(), now, None, Some(100), &Default::default()))
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.row.title)
        .collect()
}

fn id_of(f: &common::Fixture, source: &str) -> String {
    activity_feed::item_id(&f.app.user_id(), ActivityType::NewPosting, "post", source)
}

#[test]
fn the_seed_order_expiry_dismiss_and_deduplication() {
    let f = common::open();
    assert!(deliver(&f, ActivityType::NewPosting, "old", 0, None));
    f.clock.advance(Duration::minutes(1));
    assert!(deliver(&f, ActivityType::NewPosting, "new", 0, None));
    f.clock.advance(Duration::minutes(1));
    assert!(deliver(&f, ActivityType::NewPosting, "urgent", 5, None));
    assert!(deliver(&f, ActivityType::NewPosting, "soon gone", 0, Some(10)));
    assert!(!deliver(&f, ActivityType::NewPosting, "new", 0, None), "the same event is one item");
    assert_eq!(titles(&f), ["urgent", "soon gone", "new", "old"], "priority, then newest");

    activity_feed::set_pinned(f.app.db(), &f.app.user_id(), &id_of(&f, "old"), true).unwrap();
    assert_eq!(titles(&f), ["old", "urgent", "soon gone", "new"], "pinned first");

    f.clock.advance(Duration::minutes(10));
    assert_eq!(titles(&f), ["old", "urgent", "new"], "an expired item is never shown");
    deliver(&f, ActivityType::NewPosting, "later", 0, None);
    assert_eq!(f.count("activity_feed"), 4, "and is swept by the next delivery");

    activity_feed::engage(f.app.db(), &f.app.user_id(), &id_of(&f, "urgent"), EngagementType::Dismiss).unwrap();
    assert!(!titles(&f).contains(&"urgent".to_string()));
    assert!(!deliver(&f, ActivityType::NewPosting, "urgent", 5, None), "a dismissed item is not delivered again");
    assert!(!titles(&f).contains(&"urgent".to_string()));
}

#[test]
fn read_unread_engagement_counts_and_other_users_items() {
    let f = common::open();
    deliver(&f, ActivityType::PostingResponse, "a", 0, None);
    deliver(&f, ActivityType::NewPosting, "b", 0, None);
    let me = f.app.user_id();
    let now = f.app.db().now();
    let page = f.app.db().read(|c| activity_feed::page(c, &me, now, None, None, &Default::default())).unwrap();
    assert_eq!(page.unread, 2);
    let b = id_of(&f, "b");
    activity_feed::set_read(f.app.db(), &me, &b, true).unwrap();
    activity_feed::engage(f.app.db(), &me, &b, EngagementType::View).unwrap();
    activity_feed::engage(f.app.db(), &me, &b, EngagementType::Click).unwrap();
    let page = f.app.db().read(|c| activity_feed::page(c, &me, now, None, None, &Default::default())).unwrap();
    assert_eq!(page.unread, 1);
    let item = page.items.iter().find(|i| i.row.id == b).unwrap();
    assert!(item.row.is_read);
    assert_eq!(item.engagement_count, 2);
    let e = activity_feed::set_read(f.app.db(), "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", &b, true).unwrap_err();
    assert_eq!(e.kind(), "not_found", "another user cannot touch my item");
}

#[test]
fn cursor_pages_return_every_item_once_in_order() {
    let f = common::open();
    for i in 0..23 {
        deliver(&f, ActivityType::NewPosting, &format!("item {i:02}"), i64::from(i % 3 == 0), None);
        if i % 2 == 0 {
            f.clock.advance(Duration::seconds(1));
        }
    }
    activity_feed::set_pinned(f.app.db(), &f.app.user_id(), &id_of(&f, "item 05"), true).unwrap();
    let all = titles(&f);
    let me = f.app.user_id();
    let now = f.app.db().now();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = f.app.db().read(|c| activity_feed::page(c, &me, now, cursor.as_deref(), Some(5), &Default::default())).unwrap();
        assert!(page.items.len() <= 5);
        seen.extend(page.items.into_iter().map(|i| i.row.title));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, all);
    assert_eq!(seen.len(), 23);
    assert_eq!(seen[0], "item 05");
    let bad = f.app.db().read(|c| activity_feed::page(c, &me, now, Some("garbage"), None, &Default::default())).unwrap_err();
    assert!(bad.to_string().contains("cursor"), "{bad}");
    let too_many = f.app.db().read(|c| activity_feed::page(c, &me, now, None, Some(101), &Default::default())).unwrap_err();
    assert!(too_many.to_string().contains("limit"), "{too_many}");
}
