//! The social feed between real app databases (the core, each account on its own device)
//! through a real server on PostgreSQL (issue 14, docs/sync.md §9): what reaches each
//! device's SQLite when posts are public, for followers or for the author only, when a
//! follow is asked, accepted, ended or blocked, and that a blocked account's device keeps
//! syncing with no gap error while the blocker's new changes stay away from it.

mod support;

use studydesk_core::account::rows::FollowPolicy;
use studydesk_core::api::Studydesk;
use studydesk_core::social::posts::PostDraft;
use studydesk_core::social::rows::PostVisibility;
use studydesk_core::sync::{Credentials, SignInMode, SyncPhase};
use support::TestServer;

struct Device {
    _dir: tempfile::TempDir,
    app: Studydesk,
    id: String,
}

fn signed_up(server: &TestServer, name: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    let credentials = Credentials {
        server_url: server.base.clone(),
        email: format!("{name}@example.org"),
        password: "correct horse battery".into(),
    };
    let status = app.sync_sign_in(SignInMode::Signup, credentials).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{name}: {status:?}");
    let id = app.user_id();
    Device { _dir: dir, app, id }
}

fn sync(devices: &[&Device]) {
    for d in devices {
        d.app.sync_now().unwrap();
    }
}

fn post(d: &Device, content: &str, visibility: PostVisibility) -> String {
    let draft = PostDraft { content: content.into(), visibility: Some(visibility), ..Default::default() };
    d.app.post_create(draft).unwrap().row.id
}

/// One number from the device's own database file.
fn count(d: &Device, sql: &str) -> i64 {
    d.app.db().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

/// The posts of `author` with this visibility on the device.
fn posts_of(d: &Device, author: &Device, visibility: &str) -> i64 {
    count(d, &format!("SELECT count(*) FROM posts WHERE user_id = '{}' AND visibility = '{visibility}'", author.id))
}

fn has_post(d: &Device, id: &str) -> bool {
    count(d, &format!("SELECT count(*) FROM posts WHERE id = '{id}'")) == 1
}

/// Synced, nothing waiting, no apply error, foreign keys whole (after two more rounds: a
/// pulled like or follow makes an activity item of the device's own, queued for the next).
fn clean(d: &Device) {
    d.app.sync_now().unwrap();
    d.app.sync_now().unwrap();
    let status = d.app.sync_status().unwrap();
    assert_eq!((status.phase, status.pending, status.apply_errors), (SyncPhase::Synced, 0, 0), "{status:?}");
    assert_eq!(count(d, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

#[test]
fn followers_only_posts_reach_followers_and_leave_with_the_follow() {
    let server = TestServer::start();
    let ada = signed_up(&server, "ada");
    let bob = signed_up(&server, "bob");
    let cleo = signed_up(&server, "cleo");
    sync(&[&ada, &bob, &cleo]);
    bob.app.follow(ada.id.clone()).unwrap();
    let public = post(&ada, "hello everyone", PostVisibility::Public);
    let followers = post(&ada, "for my followers", PostVisibility::Followers);
    let mine = post(&ada, "a note to myself", PostVisibility::OnlyMe);
    sync(&[&bob, &ada, &bob, &cleo]);

    assert!(has_post(&bob, &public) && has_post(&bob, &followers) && !has_post(&bob, &mine), "bob follows ada");
    assert!(has_post(&cleo, &public) && !has_post(&cleo, &followers) && !has_post(&cleo, &mine), "cleo is a stranger");
    assert_eq!(count(&cleo, &format!("SELECT count(*) FROM posts WHERE id = '{mine}'")), 0);

    // Bob likes and comments on the followers-only post; ada's device gets both.
    bob.app.post_like_set(followers.clone(), true).unwrap();
    bob.app.post_comment(followers.clone(), "nice".to_string()).unwrap();
    sync(&[&bob, &ada]);
    assert_eq!(bob.app.sync_status().unwrap().refused, 0);
    assert_eq!(count(&ada, &format!("SELECT count(*) FROM post_likes WHERE post_id = '{followers}'")), 1);
    assert_eq!(count(&ada, &format!("SELECT count(*) FROM post_comments WHERE post_id = '{followers}'")), 1);

    // Unfollowing: the stream is revoked and bob's device forgets what it held of it.
    bob.app.unfollow(ada.id.clone()).unwrap();
    sync(&[&bob]);
    assert_eq!(posts_of(&bob, &ada, "followers"), 0, "the followers-only post is gone from bob's device");
    assert_eq!(count(&bob, &format!("SELECT count(*) FROM post_likes WHERE post_id = '{followers}'")), 0, "with its likes");
    assert!(has_post(&bob, &public), "the public post stays");
    clean(&bob);
    // The server still has bob's like and comment (they are his and ada's rows, not gone).
    assert_eq!(count(&ada, &format!("SELECT count(*) FROM post_likes WHERE post_id = '{followers}'")), 1);

    // Following again: the stream is read from its start, and the post comes back.
    bob.app.follow(ada.id.clone()).unwrap();
    sync(&[&bob]);
    assert!(has_post(&bob, &followers), "forgotten, not deleted: it comes back");
    assert_eq!(count(&bob, &format!("SELECT count(*) FROM post_likes WHERE post_id = '{followers}'")), 1);
    clean(&bob);

    // A profile that approves followers: cleo's request reads nothing until ada accepts.
    ada.app.follow_policy_set(FollowPolicy::Approve).unwrap();
    sync(&[&ada, &cleo]);
    cleo.app.follow(ada.id.clone()).unwrap();
    sync(&[&cleo, &ada, &cleo]);
    assert_eq!(posts_of(&cleo, &ada, "followers"), 0, "a pending request");
    ada.app.follow_request_answer(cleo.id.clone(), true).unwrap();
    sync(&[&ada, &cleo, &bob]);
    assert!(has_post(&cleo, &followers), "accepted");
    assert!(has_post(&bob, &followers), "bob, a follower when ada switched to approve, still follows");
    for d in [&ada, &bob, &cleo] {
        clean(d);
    }
}

#[test]
fn a_blocked_accounts_device_keeps_syncing_and_gets_nothing_new_of_the_blocker() {
    let server = TestServer::start();
    let ada = signed_up(&server, "ada");
    let bob = signed_up(&server, "bob");
    let carl = signed_up(&server, "carl");
    sync(&[&ada, &bob, &carl]);
    bob.app.follow(ada.id.clone()).unwrap();
    let old = post(&ada, "before the block", PostVisibility::Public);
    let followers = post(&ada, "followers before the block", PostVisibility::Followers);
    sync(&[&bob, &ada, &bob]);
    assert!(has_post(&bob, &old) && has_post(&bob, &followers));
    bob.app.post_like_set(followers.clone(), true).unwrap();
    sync(&[&bob]);

    ada.app.block_set(bob.id.clone(), true).unwrap();
    let after = post(&ada, "after the block", PostVisibility::Public);
    sync(&[&ada, &carl]);
    let carls = post(&carl, "carl's news", PostVisibility::Public);
    carl.app.post_like_set(after.clone(), true).unwrap();
    sync(&[&carl]);
    let carls_later = post(&carl, "carl again", PostVisibility::Public);
    sync(&[&carl]);

    let report = bob.app.sync_now().unwrap();
    assert_eq!(report.apply_errors, 0, "{report:?}");
    assert_eq!(posts_of(&bob, &ada, "followers"), 0, "the block revoked ada's followers-only stream");
    assert_eq!(count(&bob, &format!("SELECT count(*) FROM post_likes WHERE post_id = '{followers}'")), 0);
    assert!(!has_post(&bob, &after), "ada's new public post is not delivered to bob");
    assert!(has_post(&bob, &old), "what bob had before the block stays");
    assert!(has_post(&bob, &carls) && has_post(&bob, &carls_later), "later changes of others still arrive");
    clean(&bob);

    // Bob's device does not know of the block (it is ada's private row): a like he makes on
    // ada's old post is refused by the server, listed, and blocks nothing else.
    bob.app.post_like_set(old.clone(), true).unwrap();
    let mine = post(&bob, "still posting", PostVisibility::Public);
    let report = bob.app.sync_now().unwrap();
    assert_eq!(report.refused, 1, "{report:?}");
    let refused = bob.app.sync_refused().unwrap();
    assert_eq!((refused[0].table.as_str(), refused[0].code.as_str()), ("post_likes", "forbidden"), "{refused:?}");
    sync(&[&carl]);
    assert!(has_post(&carl, &mine));
    // Carl and ada see everything.
    assert!(has_post(&carl, &after) && has_post(&carl, &old));
    for d in [&ada, &carl] {
        clean(d);
    }
}
