//! The social core on a real database file: follows and requests, blocks, posts and their
//! visibility, likes and comments, the feeds, the counters against COUNT(*) after random
//! operations, and the activity items other people's rows cause when they arrive (written
//! as sync writes them: capture off).

mod common;

use proptest::prelude::*;
use studydesk_core::account::profile::ProfileEdit;
use studydesk_core::account::rows::{FollowPolicy, UserRole, UserRow, UserStatus};
use studydesk_core::dashboard::activity_feed::{self, FeedFilter};
use studydesk_core::db::row;
use studydesk_core::db::WriteCtx;
use studydesk_core::social::follows::{self, FollowState, PeopleList};
use studydesk_core::social::posts::{self, FeedScope, PostDraft};
use studydesk_core::social::rows::{FollowDecision, FollowDecisionRow, FollowRow, PostCommentRow, PostLikeRow, PostRow, PostVisibility, UserBlockRow};
use studydesk_core::account::profile::{ServerCheck, UsernameRule, UsernameVerdict};


/// Another account's profile, as a pull writes it.
fn someone(f: &common::Fixture, username: &str, policy: FollowPolicy) -> String {
    let id = studydesk_core::ids::new_id();
    let now = "2026-11-01T00:00:00.000Z".to_string();
    let u = UserRow {
        id: id.clone(),
        legacy_id: None,
        email: None,
        username: Some(username.into()),
        display_name: username.to_uppercase(),
        password: None,
        bio: None,
        location: None,
        avatar_url: None,
        banner_image_url: None,
        joined_at: Some("2026-11-01".into()),
        followers_count: 0,
        following_count: 0,
        posts_count: 0,
        email_verified_at: None,
        is_active: true,
        provider: None,
        provider_id: None,
        metadata: None,
        role: UserRole::BusinessUser,
        department: None,
        phone: None,
        timezone: None,
        status: UserStatus::Active,
        last_login: None,
        created_at: now.clone(),
        updated_at: now,
        follow_policy: policy,
    };
    f.app.db().write(WriteCtx::system("test.pull"), |tx| row::insert(tx, &u)).unwrap();
    id
}

/// A row of another account arriving by sync.
fn pulled<R: row::Row>(f: &common::Fixture, r: &R) {
    f.app.db().write(WriteCtx::system("test.pull"), |tx| row::insert(tx, r)).unwrap();
}

fn their_post(f: &common::Fixture, author: &str, text: &str, visibility: PostVisibility) -> String {
    their_post_at(f, author, text, visibility, &studydesk_core::db::timestamp_text(f.app.db().now()))
}

fn their_post_at(f: &common::Fixture, author: &str, text: &str, visibility: PostVisibility, at: &str) -> String {
    let id = studydesk_core::ids::new_id();
    pulled(
        f,
        &PostRow {
            id: id.clone(),
            user_id: author.into(),
            content: Some(text.into()),
            book_title: None,
            study_duration: None,
            subject: None,
            image_url: None,
            like_count: 0,
            comment_count: 0,
            created_at: at.into(),
            updated_at: at.into(),
            visibility,
        },
    );
    id
}

fn draft(text: &str) -> PostDraft {
    PostDraft { content: text.into(), ..Default::default() }
}

fn kind(e: &studydesk_core::CoreError) -> &'static str {
    e.kind()
}

fn counts(f: &common::Fixture, user: &str) -> (i64, i64, i64) {
    let p = f.app.db().read(|c| studydesk_core::account::profile::public_profile(c, user)).unwrap();
    (p.followers_count, p.following_count, p.posts_count)
}

fn items(f: &common::Fixture) -> Vec<(String, String)> {
    let me = f.app.user_id();
    let page = f.app.db().read(|c| activity_feed::page(c, &me, f.app.db().now(), None, Some(100), &FeedFilter::default())).unwrap();
    page.items.into_iter().map(|i| (i.row.activity_type, i.row.title)).collect()
}

#[test]
fn following_is_idempotent_and_refuses_yourself_and_strangers() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    let r = follows::follow(f.app.db(), &me, "@ada").unwrap();
    assert_eq!(r.following, FollowState::Following);
    follows::follow(f.app.db(), &me, &ada).unwrap();
    assert_eq!(f.count("follows"), 1, "following twice is one row");
    assert_eq!(counts(&f, &ada).0, 1);
    assert_eq!(counts(&f, &me).1, 1);

    let e = follows::follow(f.app.db(), &me, &me).unwrap_err();
    assert!(e.to_string().contains("yourself"), "{e}");
    let e = follows::follow(f.app.db(), &me, "@nobody").unwrap_err();
    assert_eq!(kind(&e), "not_found");

    follows::unfollow(f.app.db(), &me, "@ada").unwrap();
    assert_eq!((f.count("follows"), counts(&f, &ada).0, counts(&f, &me).1), (0, 0, 0));
}

#[test]
fn an_approve_profile_turns_follows_into_requests_i_answer() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    let bo = someone(&f, "bo", FollowPolicy::Open);
    // Ada follows me while my profile is open: she stays a follower after I switch.
    pulled(&f, &FollowRow { id: studydesk_sync::natural_id("follows", &[&ada, &me]), follower_id: ada.clone(), followee_id: me.clone(), created_at: "2026-11-20T00:00:00.000Z".into() });
    follows::set_policy(f.app.db(), &me, FollowPolicy::Approve).unwrap();
    pulled(&f, &FollowRow { id: studydesk_sync::natural_id("follows", &[&bo, &me]), follower_id: bo.clone(), followee_id: me.clone(), created_at: "2026-11-21T00:00:00.000Z".into() });
    let requests = f.app.db().read(|c| follows::people(c, &me, &me, PeopleList::Requests)).unwrap();
    assert_eq!(requests.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), vec![bo.as_str()]);
    assert_eq!(counts(&f, &me).0, 1, "a request is not a follower");
    let titles = items(&f);
    assert!(titles.iter().any(|(k, t)| k == "new_connection" && t.contains("asked to follow")), "{titles:?}");

    follows::answer(f.app.db(), &me, "@bo", true).unwrap();
    assert_eq!(counts(&f, &me).0, 2);
    follows::answer(f.app.db(), &me, "@bo", false).unwrap();
    assert_eq!(counts(&f, &me).0, 1, "a decline after accepting ends the follow");
    let e = follows::answer(f.app.db(), &me, "@nobody", true).unwrap_err();
    assert_eq!(kind(&e), "not_found");
}

#[test]
fn a_block_ends_follows_both_ways_and_hides_their_posts() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    follows::follow(f.app.db(), &me, "@ada").unwrap();
    pulled(&f, &FollowRow { id: studydesk_sync::natural_id("follows", &[&ada, &me]), follower_id: ada.clone(), followee_id: me.clone(), created_at: "2026-11-20T00:00:00.000Z".into() });
    let post = their_post(&f, &ada, "hello", PostVisibility::Public);
    assert_eq!(counts(&f, &me), (1, 1, 0));

    follows::block(f.app.db(), &me, "@ada").unwrap();
    assert_eq!(counts(&f, &me), (0, 0, 0));
    let page = f.app.db().read(|c| posts::page(c, &me, &FeedScope::Home, None, None)).unwrap();
    assert!(page.posts.is_empty());
    let e = posts::like(f.app.db(), &me, &post).unwrap_err();
    assert!(e.to_string().contains("not visible"), "{e}");
    let e = follows::follow(f.app.db(), &me, "@ada").unwrap_err();
    assert!(e.to_string().contains("unblock"), "{e}");
    follows::unblock(f.app.db(), &me, "@ada").unwrap();
    assert_eq!(counts(&f, &me).0, 1, "her follow counts again");
}

#[test]
fn posts_follow_their_rules_and_refuse_bad_input_writing_nothing() {
    let f = common::open();
    let me = f.app.user_id();
    let post = posts::create(
        f.app.db(),
        &me,
        &PostDraft {
            content: "Eigenvectors 📐".into(),
            subject: Some("Maths".into()),
            study_duration: Some("1h 30m".into()),
            tags: vec!["#Maths".into(), "maths".into(), "linear-algebra".into()],
            visibility: Some(PostVisibility::Followers),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(post.tags, vec!["maths", "linear-algebra"]);
    assert_eq!(post.row.visibility, PostVisibility::Followers);
    assert_eq!(counts(&f, &me).2, 1);

    let before = f.footprint();
    for bad in [
        draft(&"x".repeat(200_000)),
        draft("  "),
        PostDraft { tags: (0..11).map(|i| format!("t{i}")).collect(), ..draft("ok") },
        PostDraft { tags: vec!["two words".into()], ..draft("ok") },
        PostDraft { subject: Some("s".repeat(81)), ..draft("ok") },
    ] {
        let e = posts::create(f.app.db(), &me, &bad).unwrap_err();
        assert_eq!(kind(&e), "validation", "{e}");
    }
    let e = posts::comment(f.app.db(), &me, &post.row.id, &"y".repeat(200_000)).unwrap_err();
    assert_eq!(kind(&e), "validation");
    assert_eq!(f.footprint(), before, "nothing written");

    let edited = posts::edit(f.app.db(), &me, &post.row.id, &PostDraft { tags: vec!["exam".into()], ..draft("Edited") }).unwrap();
    assert_eq!((edited.row.content.as_deref(), edited.tags.clone()), (Some("Edited"), vec!["exam".to_string()]));
    assert_eq!(edited.row.visibility, PostVisibility::Followers, "visibility is fixed");

    posts::like(f.app.db(), &me, &post.row.id).unwrap();
    let e = posts::like(f.app.db(), &me, &post.row.id).unwrap_err();
    assert!(e.to_string().contains("already"), "{e}");
    let c = posts::comment(f.app.db(), &me, &post.row.id, "first").unwrap();
    let p = get_post(&f, &post.row.id);
    assert_eq!((p.row.like_count, p.row.comment_count, p.liked_by_me), (1, 1, true));
    posts::edit_comment(f.app.db(), &me, &c.row.id, "first!").unwrap();

    posts::delete(f.app.db(), &me, &post.row.id).unwrap();
    assert_eq!((f.count("posts"), f.count("post_likes"), f.count("post_comments"), f.count("post_tags")), (0, 0, 0, 0));
    assert_eq!(counts(&f, &me).2, 0);
    let e = posts::comment(f.app.db(), &me, &post.row.id, "late").unwrap_err();
    assert!(e.to_string().contains("deleted"), "{e}");
}

fn get_post(f: &common::Fixture, id: &str) -> posts::Post {
    f.app.db().read(|c| posts::get(c, &f.app.user_id(), id)).unwrap()
}

#[test]
fn the_home_feed_pages_my_posts_and_followed_ones_newest_first() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    let bo = someone(&f, "bo", FollowPolicy::Open);
    follows::follow(f.app.db(), &me, "@ada").unwrap();
    let mut expected = Vec::new();
    for i in 0..7 {
        f.clock.advance(chrono::Duration::minutes(1));
        expected.push(their_post(&f, &ada, &format!("ada {i}"), PostVisibility::Followers));
        their_post(&f, &bo, &format!("bo {i}"), PostVisibility::Public);
        their_post(&f, &ada, "secret", PostVisibility::OnlyMe);
        f.clock.advance(chrono::Duration::minutes(1));
        expected.push(posts::create(f.app.db(), &me, &draft(&format!("me {i}"))).unwrap().row.id);
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = f.app.db().read(|c| posts::page(c, &me, &FeedScope::Home, cursor.as_deref(), Some(4))).unwrap();
        seen.extend(page.posts.iter().map(|p| p.row.id.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    follows::set_muted(f.app.db(), &me, "@ada", true).unwrap();
    let page = f.app.db().read(|c| posts::page(c, &me, &FeedScope::Home, None, Some(100))).unwrap();
    assert!(page.posts.iter().all(|p| p.mine), "a muted user's posts leave my feed");
    let discover = f.app.db().read(|c| posts::page(c, &me, &FeedScope::Discover { tag: None }, None, Some(100))).unwrap();
    assert_eq!(discover.posts.len(), 14, "bo's 7 public posts and my 7; none of ada's (muted)");
    let e = f.app.db().read(|c| posts::page(c, &me, &FeedScope::Home, Some("nope"), None)).unwrap_err();
    assert_eq!(kind(&e), "validation");
}

#[test]
fn activity_items_come_once_for_what_arrives_and_go_when_their_cause_goes() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    follows::follow(f.app.db(), &me, "@ada").unwrap();
    their_post(&f, &ada, "Chapter 3 done", PostVisibility::Public);
    let mine = posts::create(f.app.db(), &me, &draft("My notes")).unwrap();
    let like = PostLikeRow {
        id: studydesk_sync::natural_id("post_likes", &[&mine.row.id, &ada]),
        post_id: mine.row.id.clone(),
        user_id: ada.clone(),
        created_at: "2026-11-22T01:00:00.000Z".into(),
    };
    pulled(&f, &like);
    pulled(
        &f,
        &PostCommentRow {
            id: studydesk_core::ids::new_id(),
            post_id: mine.row.id.clone(),
            author_id: ada.clone(),
            body: "Nice notes".into(),
            created_at: "2026-11-22T01:00:00.000Z".into(),
            updated_at: "2026-11-22T01:00:00.000Z".into(),
        },
    );
    // A post older than my follow (brought by the follow) is in the feed, not news.
    their_post_at(&f, &ada, "Last month", PostVisibility::Public, "2026-10-01T00:00:00.000Z");
    // My own like makes no item.
    posts::like(f.app.db(), &me, &mine.row.id).unwrap();
    let kinds: Vec<String> = items(&f).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "posting_response").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "new_posting").count(), 1, "{kinds:?}");
    // The items were captured for sync even though the rows came from a pull.
    let queued: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'activity_feed'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(queued, 3);

    // The same like arriving again (a second device, a replayed page) is no new item.
    f.app.db().write(WriteCtx::system("test.pull"), |tx| row::upsert(tx, &like)).unwrap();
    assert_eq!(items(&f).len(), 3);
    // Taken back: the item goes.
    f.app.db().write(WriteCtx::system("test.pull"), |tx| row::delete::<PostLikeRow>(tx, &like.id)).unwrap();
    assert_eq!(items(&f).len(), 2);
    assert_eq!(get_post(&f, &mine.row.id).row.like_count, 1);
}

#[test]
fn usernames_are_checked_here_before_the_server() {
    let f = common::open();
    let me = f.app.user_id();
    someone(&f, "mika", FollowPolicy::Open);
    let set = |name: &str| {
        follows::save_profile(f.app.db(), &me, &ProfileEdit { username: Some(name.into()), ..Default::default() }, None)
    };
    for (bad, says) in [("Mika", "taken"), ("rnika", "looks like"), ("my name", "spaces"), ("ab", "3 to 30"), ("p\u{430}ypal", "alphabets")] {
        let e = set(bad).unwrap_err();
        assert!(e.to_string().contains(says), "{bad}: {e}");
    }
    set("hana").unwrap();
    follows::save_profile(f.app.db(), &me, &ProfileEdit { bio: Some("b".repeat(501)), ..Default::default() }, None).unwrap_err();
    follows::save_profile(f.app.db(), &me, &ProfileEdit::default(), Some(&["Maths".into(), "#exam".into()])).unwrap();
    let card = f.app.db().read(|c| follows::card(c, &me, None, false)).unwrap();
    assert_eq!((card.profile.username.as_deref(), card.tags), (Some("hana"), vec!["exam".to_string(), "maths".to_string()]));
}

/// Every post of `who`'s profile page, paging two at a time by cursor.
fn profile_posts(f: &common::Fixture, who: &str) -> Vec<String> {
    let me = f.app.user_id();
    let scope = FeedScope::User { user_id: who.into() };
    let (mut seen, mut cursor) = (Vec::new(), None);
    loop {
        let page = f.app.db().read(|c| posts::page(c, &me, &scope, cursor.as_deref(), Some(2))).unwrap();
        assert!(page.posts.len() <= 2);
        seen.extend(page.posts.into_iter().map(|p| p.row.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return seen,
        }
    }
}

#[test]
fn a_profile_page_pages_one_users_posts_as_far_as_i_may_see_them() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Approve);
    let bo = someone(&f, "bo", FollowPolicy::Open);
    let (mut public, mut all) = (Vec::new(), Vec::new());
    for i in 0..5 {
        f.clock.advance(chrono::Duration::minutes(1));
        let p = their_post(&f, &ada, &format!("ada {i}"), PostVisibility::Public);
        public.push(p.clone());
        all.push(p);
        all.push(their_post(&f, &ada, "for followers", PostVisibility::Followers));
        their_post(&f, &ada, "secret", PostVisibility::OnlyMe);
        their_post(&f, &bo, "bo", PostVisibility::Public);
    }
    public.reverse();
    all.reverse();
    assert_eq!(profile_posts(&f, "@ada"), public, "a stranger sees her public posts only, newest first");
    follows::follow(f.app.db(), &me, "@ada").unwrap();
    assert_eq!(profile_posts(&f, &ada), public, "a request is not a follow");
    let decided = studydesk_core::db::timestamp_text(f.app.db().now());
    pulled(
        &f,
        &FollowDecisionRow {
            id: studydesk_sync::natural_id("follow_decisions", &[&ada, &me]),
            followee_id: ada.clone(),
            follower_id: me.clone(),
            decision: FollowDecision::Accepted,
            decided_at: decided,
        },
    );
    assert_eq!(profile_posts(&f, "@ada"), all, "accepted: her followers-only posts too, never her own-only ones");

    // My own page has every post of mine, whatever its visibility.
    let mut mine = Vec::new();
    for v in [PostVisibility::OnlyMe, PostVisibility::Followers, PostVisibility::Public] {
        f.clock.advance(chrono::Duration::minutes(1));
        mine.insert(0, posts::create(f.app.db(), &me, &PostDraft { visibility: Some(v), ..draft("mine") }).unwrap().row.id);
    }
    assert_eq!(profile_posts(&f, &me), mine);

    // Muting hides her from my feed, not from her page; a block hides her page's posts.
    follows::set_muted(f.app.db(), &me, "@ada", true).unwrap();
    assert_eq!(profile_posts(&f, "@ada").len(), 10);
    follows::block(f.app.db(), &me, "@ada").unwrap();
    assert!(profile_posts(&f, "@ada").is_empty());
    follows::unblock(f.app.db(), &me, "@ada").unwrap();
    assert_eq!(profile_posts(&f, "@ada"), public, "the block ended my follow: public posts again");
    pulled(&f, &UserBlockRow { id: studydesk_sync::natural_id("user_blocks", &[&bo, &me]), user_id: bo.clone(), blocked_user_id: me.clone(), created_at: decided_at(&f) });
    assert!(profile_posts(&f, "@bo").is_empty(), "nothing of someone who blocked me");
    let e = f.app.db().read(|c| posts::page(c, &me, &FeedScope::User { user_id: "@nobody".into() }, None, None)).unwrap_err();
    assert_eq!(kind(&e), "not_found");
}

fn decided_at(f: &common::Fixture) -> String {
    studydesk_core::db::timestamp_text(f.app.db().now())
}

#[test]
fn the_username_check_names_the_rule_or_the_look_alike_and_waits_for_the_server_when_signed_out() {
    let f = common::open();
    let me = f.app.user_id();
    someone(&f, "mika", FollowPolicy::Open);
    follows::save_profile(f.app.db(), &me, &ProfileEdit { username: Some("hana".into()), ..Default::default() }, None).unwrap();
    let check = |name: &str| f.app.username_available(name).unwrap();
    let ok = check("hana");
    assert_eq!((ok.verdict, ok.server), (UsernameVerdict::Available, ServerCheck::NotSignedIn), "my own name is mine");
    let ok = check("cafe\u{301}");
    assert_eq!((ok.name.as_str(), ok.verdict), ("caf\u{e9}", UsernameVerdict::Available));
    let taken = check("MIKA");
    assert_eq!((taken.verdict, taken.similar_to, taken.server), (UsernameVerdict::Taken, None, ServerCheck::NotAsked));
    let alike = check("rnika");
    assert_eq!((alike.verdict, alike.similar_to.as_deref()), (UsernameVerdict::Taken, Some("mika")));
    assert!(alike.message.unwrap().contains("looks like @mika"));
    for (name, rule) in [
        ("ab", UsernameRule::Length),
        ("my name", UsernameRule::Whitespace),
        ("mi\u{200B}ka", UsernameRule::Control),
        (".hana", UsernameRule::Edge),
        ("p\u{430}ypal", UsernameRule::MixedScripts),
    ] {
        let c = check(name);
        assert_eq!((c.verdict, c.rule), (UsernameVerdict::Invalid, Some(rule)), "{name}");
        assert!(c.message.is_some());
    }
    let bang = check("hana!");
    assert_eq!((bang.rule, bang.character.as_deref()), (Some(UsernameRule::Character), Some("!")));
    assert_eq!(check(&"a".repeat(5000)).rule, Some(UsernameRule::Length));
}

#[derive(Debug, Clone)]
enum Op {
    Follow(usize),
    Unfollow(usize),
    TheyFollow(usize),
    Block(usize),
    Unblock(usize),
    Post,
    DeletePost,
    TheyLike(usize),
    TheyComment(usize),
    Policy(bool),
    Answer(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize).prop_map(Op::Follow),
        (0..3usize).prop_map(Op::Unfollow),
        (0..3usize).prop_map(Op::TheyFollow),
        (0..3usize).prop_map(Op::Block),
        (0..3usize).prop_map(Op::Unblock),
        Just(Op::Post),
        Just(Op::DeletePost),
        (0..3usize).prop_map(Op::TheyLike),
        (0..3usize).prop_map(Op::TheyComment),
        any::<bool>().prop_map(Op::Policy),
        (0..3usize, any::<bool>()).prop_map(|(i, a)| Op::Answer(i, a)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Whatever happens, every counter equals what it counts, recounted from the rows.
    #[test]
    fn counters_always_equal_the_rows_they_count(ops in proptest::collection::vec(op(), 1..40)) {
        let f = common::open();
        let me = f.app.user_id();
        let others: Vec<String> = (0..3).map(|i| someone(&f, &format!("user{i}"), FollowPolicy::Open)).collect();
        let db = f.app.db();
        for op in ops {
            f.clock.advance(chrono::Duration::seconds(1));
            let _ = match op {
                Op::Follow(i) => follows::follow(db, &me, &others[i]).map(|_| ()),
                Op::Unfollow(i) => follows::unfollow(db, &me, &others[i]).map(|_| ()),
                Op::TheyFollow(i) => {
                    let id = studydesk_sync::natural_id("follows", &[&others[i], &me]);
                    let now = studydesk_core::db::timestamp_text(db.now());
                    db.write(WriteCtx::system("test.pull"), |tx| row::upsert(tx, &FollowRow { id, follower_id: others[i].clone(), followee_id: me.clone(), created_at: now }))
                }
                Op::Block(i) => follows::block(db, &me, &others[i]).map(|_| ()),
                Op::Unblock(i) => follows::unblock(db, &me, &others[i]).map(|_| ()),
                Op::Post => posts::create(db, &me, &draft("p")).map(|_| ()),
                Op::DeletePost => {
                    let last: Option<String> = db.read(|c| Ok(c.query_row("SELECT max(id) FROM posts", [], |r| r.get(0))?)).unwrap();
                    match last { Some(id) => posts::delete(db, &me, &id), None => Ok(()) }
                }
                Op::TheyLike(i) | Op::TheyComment(i) => {
                    let last: Option<String> = db.read(|c| Ok(c.query_row("SELECT max(id) FROM posts", [], |r| r.get(0))?)).unwrap();
                    let Some(post_id) = last else { continue };
                    let now = studydesk_core::db::timestamp_text(db.now());
                    db.write(WriteCtx::system("test.pull"), |tx| match op {
                        Op::TheyLike(_) => row::upsert(tx, &PostLikeRow { id: studydesk_sync::natural_id("post_likes", &[&post_id, &others[i]]), post_id: post_id.clone(), user_id: others[i].clone(), created_at: now }),
                        _ => row::insert(tx, &PostCommentRow { id: studydesk_core::ids::new_id(), post_id: post_id.clone(), author_id: others[i].clone(), body: "c".into(), created_at: now.clone(), updated_at: now }),
                    })
                }
                Op::Policy(approve) => follows::set_policy(db, &me, if approve { FollowPolicy::Approve } else { FollowPolicy::Open }).map(|_| ()),
                Op::Answer(i, accept) => follows::answer(db, &me, &others[i], accept).map(|_| ()),
            };
            for user in others.iter().chain([&me]) {
                let stored = counts(&f, user);
                let counted = db.read(|c| {
                    let eff = follows::effective("f");
                    Ok(c.query_row(
                        &format!("SELECT (SELECT count(*) FROM follows f WHERE followee_id = ?1 AND {eff}),
                                         (SELECT count(*) FROM follows f WHERE follower_id = ?1 AND {eff}),
                                         (SELECT count(*) FROM posts WHERE user_id = ?1)"),
                        [user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
                }).unwrap();
                prop_assert_eq!(stored, counted);
            }
            let drift: i64 = db.read(|c| Ok(c.query_row(
                "SELECT count(*) FROM posts p WHERE like_count <> (SELECT count(*) FROM post_likes WHERE post_id = p.id)
                    OR comment_count <> (SELECT count(*) FROM post_comments WHERE post_id = p.id)", [], |r| r.get(0))?)).unwrap();
            prop_assert_eq!(drift, 0);
        }
    }
}

/// A follow I made offline crosses their switch to "approve followers", which arrives as
/// their `users` row alone (their device wrote answers only for the followers it knew): my
/// follow is a request now, and both counters follow (found by the server's feed.rs).
#[test]
fn a_pulled_switch_to_approve_makes_my_offline_follow_a_request_and_the_counters_follow() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    follows::follow(f.app.db(), &me, &ada).unwrap();
    assert_eq!((counts(&f, &ada).0, counts(&f, &me).1), (1, 1), "open: effective at once");
    f.app
        .db()
        .write(WriteCtx::system("test.pull"), |tx| {
            tx.execute("UPDATE users SET follow_policy = 'approve' WHERE id = ?1", [&ada])?;
            Ok(())
        })
        .unwrap();
    let relation = f.app.db().read(|c| follows::relation(c, &me, &ada)).unwrap();
    assert_eq!(relation.following, FollowState::Requested);
    assert_eq!((counts(&f, &ada).0, counts(&f, &me).1), (0, 0), "a request is not counted");
    // Their answer, when it comes, counts it again.
    pulled(
        &f,
        &FollowDecisionRow {
            id: studydesk_sync::natural_id("follow_decisions", &[&ada, &me]),
            followee_id: ada.clone(),
            follower_id: me.clone(),
            decision: FollowDecision::Accepted,
            decided_at: studydesk_core::db::timestamp_text(f.app.db().now()),
        },
    );
    assert_eq!((counts(&f, &ada).0, counts(&f, &me).1), (1, 1));
}

#[test]
fn responses_that_arrive_become_native_notices_once_unless_turned_off() {
    let f = common::open();
    let me = f.app.user_id();
    let ada = someone(&f, "ada", FollowPolicy::Open);
    let mine = posts::create(f.app.db(), &me, &draft("My notes")).unwrap();
    assert!(f.app.response_notices().unwrap().is_empty(), "the first call only starts the count");
    let like = |who: &str| PostLikeRow {
        id: studydesk_sync::natural_id("post_likes", &[&mine.row.id, who]),
        post_id: mine.row.id.clone(),
        user_id: who.into(),
        created_at: "2026-11-22T01:00:00.000Z".into(),
    };
    f.clock.advance(chrono::Duration::seconds(5));
    pulled(&f, &like(&ada));
    let notices = f.app.response_notices().unwrap();
    assert_eq!(notices.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), vec!["ADA (@ada) liked your post"]);
    assert_eq!(notices[0].body, "My notes");
    assert!(f.app.response_notices().unwrap().is_empty(), "told once");

    // In Japanese when the app is in Japanese; the item keeps who acted and when, for the
    // card to word it in the user's language.
    f.app
        .settings_update(studydesk_core::account::settings::SettingsPatch { preferred_locale: Some(studydesk_core::account::settings::Locale::Ja), ..Default::default() })
        .unwrap();
    let cy = someone(&f, "cy", FollowPolicy::Open);
    f.clock.advance(chrono::Duration::seconds(5));
    pulled(&f, &like(&cy));
    let notices = f.app.response_notices().unwrap();
    assert_eq!(notices[0].title, "CY (@cy) さんがあなたの投稿にいいねしました");
    let page = f.app.db().read(|c| activity_feed::page(c, &me, f.app.db().now(), None, Some(100), &FeedFilter::default())).unwrap();
    let newest = page.items.into_iter().find(|i| i.row.source_id == like(&cy).id).unwrap();
    let meta = newest.row.metadata.unwrap();
    assert_eq!((meta["actor"].as_str(), meta["response"].as_str(), meta["at"].as_str()), (Some("CY (@cy)"), Some("like"), Some("2026-11-22T01:00:00.000Z")));

    f.app.response_notify_set(false).unwrap();
    let bo = someone(&f, "bo", FollowPolicy::Open);
    f.clock.advance(chrono::Duration::seconds(5));
    pulled(&f, &like(&bo));
    assert!(f.app.response_notices().unwrap().is_empty(), "turned off");
    assert_eq!(items(&f).len(), 3, "the Activity card still lists them all");
}

/// Every post is queued, whatever its visibility: the sync server keeps followers-only
/// posts and their rows in the author's followers stream, "only me" ones in the author's
/// private stream (docs/sync.md §9; crates/server/tests/social.rs and feed.rs).
#[test]
fn posts_of_every_visibility_are_queued_for_sync_and_the_server_keeps_them_in_their_stream() {
    let f = common::open();
    let me = f.app.user_id();
    let queued = |table: &str| -> i64 {
        f.app
            .db()
            .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = ?1", [table], |r| r.get(0))?))
            .unwrap()
    };
    let public = posts::create(f.app.db(), &me, &PostDraft { tags: vec!["exam".into()], ..draft("for everyone") }).unwrap();
    for visibility in [PostVisibility::Followers, PostVisibility::OnlyMe] {
        let p = posts::create(f.app.db(), &me, &PostDraft { tags: vec!["exam".into()], visibility: Some(visibility), ..draft("kept") }).unwrap();
        posts::like(f.app.db(), &me, &p.row.id).unwrap();
        posts::comment(f.app.db(), &me, &p.row.id, "note").unwrap();
    }
    posts::like(f.app.db(), &me, &public.row.id).unwrap();
    assert_eq!((queued("posts"), queued("post_tags"), queued("post_likes"), queued("post_comments")), (3, 3, 3, 2));
}
