//! The social feed's rules on a real server (issue 14, docs/sync.md §9): a post's
//! visibility picks its stream (`public`, `f:<author>`, `u:<author>`), likes and comments
//! live in their post's stream, followers-only streams are read by effective followers
//! only (an open profile, or a request the author accepted; never across a block), losing
//! readership revokes the stream, a block leaves the blocker's new changes out of the
//! blocked account's pulls (gap-free, with `skipped`), and @usernames are unique by
//! confusable skeleton, race-safe.

mod support;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use studydesk_sync::natural_id;
use support::{new_id, send, signup, Client, TestServer};

const EARLY: &str = "2026-11-22T01:00:00.000Z";
const LATER: &str = "2026-11-22T02:00:00.000Z";

fn ok(reply: support::Reply) -> Value {
    let result: Value = reply.json().unwrap();
    assert_eq!(result["rejected"], json!([]), "{result:#}");
    result
}

fn rejected(reply: support::Reply) -> (String, String) {
    let result: Value = reply.json().unwrap();
    let refusal = &result["rejected"][0];
    assert!(refusal.is_object(), "expected a refusal: {result:#}");
    (refusal["code"].as_str().unwrap().to_string(), refusal["message"].as_str().unwrap().to_string())
}

/// An account with its profile pushed.
fn account(server: &TestServer, name: &str) -> Client {
    let client = signup(server, &format!("{name}@example.org"));
    ok(client.push(&new_id(), vec![client.user_row()]));
    client
}

fn post(author: &Client, id: &str, visibility: &str, content: &str) -> Value {
    author.change(
        "posts",
        id,
        "insert",
        1,
        json!({"id": id, "user_id": author.account, "content": content, "created_at": EARLY, "updated_at": EARLY, "visibility": visibility}),
        1,
    )
}

fn follow(follower: &Client, followee: &Client, created_at: &str) -> Value {
    let id = natural_id("follows", &[&follower.account, &followee.account]);
    follower.change(
        "follows",
        &id,
        "insert",
        1,
        json!({"id": id, "follower_id": follower.account, "followee_id": followee.account, "created_at": created_at}),
        2,
    )
}

fn unfollow(follower: &Client, followee: &Client) -> Value {
    follower.change("follows", &natural_id("follows", &[&follower.account, &followee.account]), "delete", 2, Value::Null, 3)
}

fn decide(followee: &Client, follower: &Client, decision: &str, at: &str) -> Value {
    let id = natural_id("follow_decisions", &[&followee.account, &follower.account]);
    followee.change(
        "follow_decisions",
        &id,
        "insert",
        1,
        json!({"id": id, "followee_id": followee.account, "follower_id": follower.account, "decision": decision, "decided_at": at}),
        4,
    )
}

fn block(blocker: &Client, blocked: &Client) -> Value {
    let id = natural_id("user_blocks", &[&blocker.account, &blocked.account]);
    blocker.change(
        "user_blocks",
        &id,
        "insert",
        1,
        json!({"id": id, "user_id": blocker.account, "blocked_user_id": blocked.account, "created_at": LATER}),
        5,
    )
}

fn unblock(blocker: &Client, blocked: &Client) -> Value {
    blocker.change("user_blocks", &natural_id("user_blocks", &[&blocker.account, &blocked.account]), "delete", 2, Value::Null, 6)
}

fn like(user: &Client, post: &str) -> Value {
    let id = natural_id("post_likes", &[post, &user.account]);
    user.change("post_likes", &id, "insert", 1, json!({"id": id, "post_id": post, "user_id": user.account, "created_at": EARLY}), 7)
}

fn comment(user: &Client, post: &str, id: &str, body: &str) -> Value {
    user.change(
        "post_comments",
        id,
        "insert",
        1,
        json!({"id": id, "post_id": post, "author_id": user.account, "body": body, "created_at": EARLY, "updated_at": EARLY}),
        8,
    )
}

fn set_policy(user: &Client, policy: &str) -> Value {
    user.change("users", &user.account.clone(), "update", 1, json!({"follow_policy": policy}), 9)
}

fn set_username(user: &Client, name: &str) -> Value {
    user.change("users", &user.account.clone(), "update", 1, json!({"username": name}), 10)
}

/// What one device of an account has pulled so far, from its own cursor on.
#[derive(Default)]
struct Reader {
    cursor: Option<String>,
    /// Last seq per stream, moved by changes and by skipped ranges (as a device does).
    positions: BTreeMap<String, i64>,
    changes: Vec<Value>,
    revoked: Vec<String>,
    skipped: Vec<Value>,
}

impl Reader {
    /// Pulls until the server has no more, checking every stream stays gap-free with the
    /// skipped ranges; answers what this round brought.
    fn pull(&mut self, client: &Client) -> Round {
        let mut round = Round::default();
        loop {
            let page = client.pull(self.cursor.as_deref());
            let changes = page["changes"].as_array().unwrap().clone();
            let skipped = page.get("skipped").and_then(Value::as_array).cloned().unwrap_or_default();
            let revoked: Vec<String> = page["revoked_streams"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
            for stream in &revoked {
                self.positions.remove(stream);
            }
            let mut events: Vec<(String, i64, i64)> = changes
                .iter()
                .map(|c| (c["stream"].as_str().unwrap().to_string(), c["seq"].as_i64().unwrap(), c["seq"].as_i64().unwrap()))
                .chain(skipped.iter().map(|r| (r["stream"].as_str().unwrap().to_string(), r["first"].as_i64().unwrap(), r["last"].as_i64().unwrap())))
                .collect();
            events.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            for (stream, first, last) in events {
                let at = self.positions.entry(stream.clone()).or_insert(0);
                assert_eq!(first, *at + 1, "{stream} has a gap neither a change nor a skipped range explains: {page:#}");
                *at = last;
            }
            round.changes.extend(changes.iter().cloned());
            round.skipped.extend(skipped.iter().cloned());
            round.revoked.extend(revoked.iter().cloned());
            self.changes.extend(changes);
            self.skipped.extend(skipped);
            self.revoked.extend(revoked);
            self.cursor = page["next_cursor"].as_str().map(str::to_string);
            if page["has_more"] != true {
                return round;
            }
        }
    }
}

#[derive(Default, Debug)]
struct Round {
    changes: Vec<Value>,
    skipped: Vec<Value>,
    revoked: Vec<String>,
}

impl Round {
    fn has(&self, row_id: &str) -> bool {
        self.changes.iter().any(|c| c["row_id"] == row_id)
    }

    fn stream_of(&self, row_id: &str) -> Option<String> {
        self.changes.iter().find(|c| c["row_id"] == row_id).map(|c| c["stream"].as_str().unwrap().to_string())
    }

    fn text(&self) -> String {
        serde_json::to_string(&self.changes).unwrap()
    }
}

#[test]
fn a_followers_only_post_reaches_effective_followers_and_no_one_else() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let (public, followers, secret) = (new_id(), new_id(), new_id());
    let result = ok(ada.push(
        &new_id(),
        vec![post(&ada, &public, "public", "hello all"), post(&ada, &followers, "followers", "FOLLOWERS ONLY"), post(&ada, &secret, "only_me", "ONLY ME")],
    ));
    let streams: Vec<&str> = result["accepted"].as_array().unwrap().iter().map(|a| a["stream"].as_str().unwrap()).collect();
    assert_eq!(streams, vec!["public".to_string(), format!("f:{}", ada.account), format!("u:{}", ada.account)]);
    // Ada's other devices read all three.
    let own = Reader::default().pull(&ada);
    assert!(own.has(&public) && own.has(&followers) && own.has(&secret));

    let stranger = account(&server, "stranger");
    let round = Reader::default().pull(&stranger);
    assert!(round.has(&public) && !round.has(&followers) && !round.has(&secret), "a stranger reads the public post only");
    assert!(!round.text().contains("FOLLOWERS ONLY") && !round.text().contains("ONLY ME"));

    // An open profile: a follow is effective at once, and the old followers-only post arrives.
    let bob = account(&server, "bob");
    let mut bobs = Reader::default();
    bobs.pull(&bob);
    ok(bob.push(&new_id(), vec![follow(&bob, &ada, EARLY)]));
    let round = bobs.pull(&bob);
    assert_eq!(round.stream_of(&followers), Some(format!("f:{}", ada.account)), "{round:?}");
    assert!(!round.has(&secret) && !round.text().contains("ONLY ME"));

    // An 'approve' profile: a follow is a request until the author accepts it.
    ok(ada.push(&new_id(), vec![set_policy(&ada, "approve")]));
    let cleo = account(&server, "cleo");
    let mut cleos = Reader::default();
    ok(cleo.push(&new_id(), vec![follow(&cleo, &ada, EARLY)]));
    let round = cleos.pull(&cleo);
    assert!(round.has(&public) && !round.has(&followers), "a pending requester reads no followers-only post");
    // Bob's follow was effective before, and with no answer it is a request now too: his
    // stream is revoked (the app accepts the followers of the moment when the policy changes).
    assert_eq!(bobs.pull(&bob).revoked, vec![format!("f:{}", ada.account)]);
    ok(ada.push(&new_id(), vec![decide(&ada, &cleo, "accepted", LATER), decide(&ada, &bob, "accepted", LATER)]));
    let round = cleos.pull(&cleo);
    assert!(round.has(&followers), "accepted: the stream is read from its start");
    assert!(bobs.pull(&bob).has(&followers), "and bob reads it again from its start");

    // A declined request, newer than the follow, is no follow; asking again (a newer follows
    // row) makes a pending request, still unread until accepted.
    let dora = account(&server, "dora");
    let mut doras = Reader::default();
    ok(dora.push(&new_id(), vec![follow(&dora, &ada, EARLY)]));
    ok(ada.push(&new_id(), vec![decide(&ada, &dora, "declined", LATER)]));
    assert!(!doras.pull(&dora).has(&followers));

    // Nobody but ada ever reads the only_me post, in any answer.
    for reader in [&stranger, &bob, &cleo, &dora] {
        let all = serde_json::to_string(&reader.pull_all()).unwrap();
        assert!(!all.contains(&secret) && !all.contains("ONLY ME"));
        let (code, _) = rejected(reader.push(&new_id(), vec![like(reader, &secret)]));
        assert_eq!(code, "fk_missing", "a like on a post the reader cannot see is refused as for a post that does not exist");
        let poke = reader.change("posts", &secret, "update", 1, json!({"content": "x"}), 20);
        let answer = reader.push(&new_id(), vec![poke]).text();
        assert!(!answer.contains("ONLY ME"), "{answer}");
    }
}

#[test]
fn likes_and_comments_live_in_their_posts_stream_and_need_its_readers() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let bob = account(&server, "bob");
    let stranger = account(&server, "stranger");
    let followers = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &followers, "followers", "for my followers")]));
    ok(bob.push(&new_id(), vec![follow(&bob, &ada, EARLY)]));
    let comment_id = new_id();
    let result = ok(bob.push(&new_id(), vec![like(&bob, &followers), comment(&bob, &followers, &comment_id, "BOBS COMMENT")]));
    for accepted in result["accepted"].as_array().unwrap() {
        assert_eq!(accepted["stream"], format!("f:{}", ada.account), "{result}");
    }
    // Ada's devices read bob's like and comment on her post; a stranger reads neither.
    let own = Reader::default().pull(&ada);
    assert!(own.text().contains("BOBS COMMENT"));
    let theirs = Reader::default().pull(&stranger);
    assert!(!theirs.text().contains("BOBS COMMENT") && !theirs.has(&followers));
    // The stranger can neither like nor comment on it (as for a post that does not exist),
    // nor write bob's comment.
    assert_eq!(rejected(stranger.push(&new_id(), vec![like(&stranger, &followers)])).0, "fk_missing");
    assert_eq!(rejected(stranger.push(&new_id(), vec![comment(&stranger, &followers, &new_id(), "x")])).0, "fk_missing");
    let edit = stranger.change("post_comments", &comment_id, "update", 1, json!({"body": "hijacked"}), 30);
    let answer = stranger.push(&new_id(), vec![edit]);
    let text = answer.text();
    assert_eq!(rejected(answer).0, "forbidden");
    assert!(!text.contains("BOBS COMMENT"), "the refusal shows nothing of a row the stranger cannot read: {text}");
    // Bob may edit his comment, not move it to another post.
    let other = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &other, "public", "another")]));
    let moved = bob.change("post_comments", &comment_id, "update", 1, json!({"post_id": other}), 31);
    assert_eq!(rejected(bob.push(&new_id(), vec![moved])).0, "invalid_value");
    ok(bob.push(&new_id(), vec![bob.change("post_comments", &comment_id, "update", 1, json!({"body": "edited"}), 32)]));
}

#[test]
fn a_posts_visibility_cannot_change() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let id = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &id, "followers", "mine")]));
    let widen = ada.change("posts", &id, "update", 1, json!({"visibility": "public"}), 10);
    let (code, message) = rejected(ada.push(&new_id(), vec![widen]));
    assert_eq!(code, "invalid_value");
    assert!(message.contains("visibility is chosen when posting"), "{message}");
    let nonsense = post(&ada, &new_id(), "friends", "x");
    assert_eq!(rejected(ada.push(&new_id(), vec![nonsense])).0, "invalid_value");
    // Re-sending the same word is no change; an edit of the text is fine.
    ok(ada.push(&new_id(), vec![ada.change("posts", &id, "update", 1, json!({"visibility": "followers", "content": "edited"}), 11)]));
    // Deleted and given a new life, it stays in its stream.
    ok(ada.push(&new_id(), vec![ada.change("posts", &id, "delete", 2, Value::Null, 12)]));
    let mut revived = post(&ada, &id, "public", "back");
    revived["cl"] = json!(3);
    assert_eq!(rejected(ada.push(&new_id(), vec![revived])).0, "invalid_value");
}

#[test]
fn unfollowing_a_decline_or_a_block_revokes_the_followers_stream() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let bob = account(&server, "bob");
    let followers = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &followers, "followers", "for followers")]));
    let stream = format!("f:{}", ada.account);
    ok(bob.push(&new_id(), vec![follow(&bob, &ada, EARLY)]));
    let mut bobs = Reader::default();
    assert!(bobs.pull(&bob).has(&followers));

    ok(bob.push(&new_id(), vec![unfollow(&bob, &ada)]));
    assert_eq!(bobs.pull(&bob).revoked, vec![stream.clone()], "unfollowing revokes the stream");
    let mut refollow = follow(&bob, &ada, LATER);
    refollow["cl"] = json!(3);
    ok(bob.push(&new_id(), vec![refollow]));
    assert!(bobs.pull(&bob).has(&followers), "following again reads the stream from its start");

    // Ada declines him (after his follow): that revokes it too; asked again (a newer
    // follow), her open profile lets it through.
    ok(ada.push(&new_id(), vec![decide(&ada, &bob, "declined", "2026-11-22T03:00:00.000Z")]));
    assert_eq!(bobs.pull(&bob).revoked, vec![stream.clone()], "a decline revokes it");
    let follow_id = natural_id("follows", &[&bob.account, &ada.account]);
    let asked_again = bob.change("follows", &follow_id, "update", 3, json!({"created_at": "2026-11-22T04:00:00.000Z"}), 4);
    ok(bob.push(&new_id(), vec![asked_again]));
    assert!(bobs.pull(&bob).has(&followers), "asked again after the decline");

    ok(ada.push(&new_id(), vec![block(&ada, &bob)]));
    assert_eq!(bobs.pull(&bob).revoked, vec![stream.clone()], "a block revokes it");
    let later = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &later, "followers", "after the block")]));
    assert!(!bobs.pull(&bob).has(&later));
    // Bob cannot write into it any more: his follow stays his row, but it reads nothing.
    assert_eq!(rejected(bob.push(&new_id(), vec![like(&bob, &followers)])).0, "forbidden");

    ok(ada.push(&new_id(), vec![unblock(&ada, &bob)]));
    let round = bobs.pull(&bob);
    assert!(round.has(&followers) && round.has(&later), "unblocked: his follow counts again, from the stream's start");
}

#[test]
fn after_a_block_the_blockers_new_public_changes_are_left_out_with_no_gap() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let bob = account(&server, "bob");
    let carl = account(&server, "carl");
    let old = new_id();
    ok(ada.push(&new_id(), vec![post(&ada, &old, "public", "before the block")]));
    ok(bob.push(&new_id(), vec![follow(&bob, &ada, EARLY)]));
    let mut bobs = Reader::default();
    assert!(bobs.pull(&bob).has(&old));

    ok(ada.push(&new_id(), vec![block(&ada, &bob)]));
    let (new_post, carls_post, carls_comment) = (new_id(), new_id(), new_id());
    ok(ada.push(&new_id(), vec![post(&ada, &new_post, "public", "AFTER THE BLOCK")]));
    ok(ada.push(&new_id(), vec![ada.change("users", &ada.account.clone(), "update", 1, json!({"display_name": "ADA RENAMED"}), 40)]));
    ok(carl.push(&new_id(), vec![post(&carl, &carls_post, "public", "carl's news")]));
    // Carl likes and comments on Ada's new post: about Ada, so left out for bob too (he
    // never got the post).
    ok(carl.push(&new_id(), vec![like(&carl, &new_post), comment(&carl, &new_post, &carls_comment, "CARL ON ADA")]));
    let carls_later = new_id();
    ok(carl.push(&new_id(), vec![post(&carl, &carls_later, "public", "carl again")]));

    let round = bobs.pull(&bob);
    assert!(round.has(&carls_post) && round.has(&carls_later), "later changes of others still arrive: {round:?}");
    for gone in ["AFTER THE BLOCK", "ADA RENAMED", "CARL ON ADA"] {
        assert!(!round.text().contains(gone), "{gone} reached the blocked account");
    }
    assert!(!round.has(&new_post));
    assert!(!round.skipped.is_empty() && round.skipped.iter().all(|r| r["stream"] == "public"), "{:?}", round.skipped);
    // From the start, a new device of bob's reads Ada's changes from before the block only.
    let fresh = Reader::default().pull(&bob);
    assert!(fresh.has(&old) && !fresh.has(&new_post) && !fresh.text().contains("ADA RENAMED"));
    // Carl and Ada read everything.
    assert!(Reader::default().pull(&carl).text().contains("CARL ON ADA"));

    // Bob may not follow, like or comment on Ada across the block.
    let refollow = follow(&bob, &ada, LATER);
    assert_eq!(rejected(bob.push(&new_id(), vec![refollow])).0, "forbidden");
    assert_eq!(rejected(bob.push(&new_id(), vec![like(&bob, &old)])).0, "forbidden");
    assert_eq!(rejected(bob.push(&new_id(), vec![comment(&bob, &old, &new_id(), "hey")])).0, "forbidden");
    // Nor may Ada, who blocked him, like his posts.
    let his = new_id();
    ok(bob.push(&new_id(), vec![post(&bob, &his, "public", "bob's post")]));
    assert_eq!(rejected(ada.push(&new_id(), vec![like(&ada, &his)])).0, "forbidden");
    // His refused change's `current` shows nothing of Ada's after the block either.
    let poke = bob.change("posts", &new_post, "update", 1, json!({"content": "x"}), 50);
    assert!(!bob.push(&new_id(), vec![poke]).text().contains("AFTER THE BLOCK"));
}

#[test]
fn a_username_is_one_accounts_by_its_confusable_skeleton() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let bob = account(&server, "bob");
    ok(ada.push(&new_id(), vec![set_username(&ada, "mika")]));
    for (name, code, words) in [
        ("Mika", "unique_conflict", "the username @Mika is taken"),
        ("rnika", "unique_conflict", "the username @rnika is taken"),
        ("mi ka", "invalid_value", "spaces"),
        ("ab", "invalid_value", "3 to 30"),
        ("p\u{430}ypal", "invalid_value", "alphabets"),
        ("cafe\u{301}s", "invalid_value", "NFC"),
    ] {
        let (got, message) = rejected(bob.push(&new_id(), vec![set_username(&bob, name)]));
        assert_eq!((got.as_str(), message.contains(words)), (code, true), "{name}: {message}");
    }
    let ask = |who: &Client, name: &str| -> Value {
        let url = reqwest::Url::parse(&format!("{}/v1/usernames/", who.base)).unwrap().join(&urlencode(name)).unwrap();
        let reply = send(who.http.get(url).bearer_auth(&who.key));
        assert_eq!(reply.status(), 200, "{}", reply.text());
        reply.json().unwrap()
    };
    assert_eq!(ask(&bob, "mika"), json!({"available": false, "reason": "the username @mika is taken"}));
    assert_eq!(ask(&bob, "MIKA")["available"], false);
    assert_eq!(ask(&bob, "rnika")["available"], false, "a look-alike is the same name");
    assert_eq!(ask(&ada, "mika"), json!({"available": true}), "her own name is hers");
    assert_eq!(ask(&bob, "mika_k"), json!({"available": true}));
    assert!(ask(&bob, "ab")["reason"].as_str().unwrap().contains("3 to 30"));
    assert!(ask(&bob, "みか.study")["available"] == true);
    // Renaming frees the old name.
    ok(ada.push(&new_id(), vec![set_username(&ada, "mika.k")]));
    assert_eq!(ask(&bob, "mika")["available"], true);
    ok(bob.push(&new_id(), vec![set_username(&bob, "mika")]));
    assert_eq!(ask(&ada, "mika")["available"], false);
    assert_eq!(rejected(ada.push(&new_id(), vec![set_username(&ada, "Mika")])).0, "unique_conflict");
    // The refused change left Ada's name as it was, still hers.
    assert_eq!(ask(&bob, "mika.k")["available"], false);
}

/// Percent-encodes a path segment.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn accounts_racing_for_one_username_get_it_once() {
    let server = TestServer::start();
    let racers: Vec<Client> = (0..8).map(|n| account(&server, &format!("racer{n}"))).collect();
    // Each its own look-alike of one name, all at once.
    let names = ["study", "Study", "STUDY", "stuDy", "sTudy", "studY", "StUdY", "stUDY"];
    let results: Vec<Value> = std::thread::scope(|scope| {
        let handles: Vec<_> = racers
            .iter()
            .zip(names)
            .map(|(racer, name)| scope.spawn(move || racer.push(&new_id(), vec![set_username(racer, name)]).json::<Value>().unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = results.iter().filter(|r| r["rejected"] == json!([])).count();
    let lost = results.iter().filter(|r| r["rejected"][0]["code"] == "unique_conflict").count();
    assert_eq!((won, lost), (1, 7), "{results:#?}");
    assert_eq!(server.count("SELECT count(*) FROM usernames"), 1);
}

#[test]
fn following_many_authors_keeps_the_cursor_small_and_bound_to_its_account() {
    let server = TestServer::start_with(|c| c.signups_per_address = 1000);
    let reader = account(&server, "reader");
    let mut follows = vec![];
    let mut authors = vec![];
    for n in 0..60 {
        let author = account(&server, &format!("author{n}"));
        ok(author.push(&new_id(), vec![post(&author, &new_id(), "followers", "for my followers")]));
        follows.push(follow(&reader, &author, EARLY));
        authors.push(author);
    }
    ok(reader.push(&new_id(), follows));
    let mut reads = Reader::default();
    let round = reads.pull(&reader);
    assert_eq!(round.changes.iter().filter(|c| c["table"] == "posts").count(), 60, "one followers-only post of each author");
    // 62 streams read: the positions are kept on the server and the cursor names them
    // (every answer's cursor was checked against the document's 4 KiB pattern).
    let cursor = reads.cursor.clone().unwrap();
    use base64::Engine;
    let named: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&cursor).unwrap()).unwrap();
    assert!(named.get("k").is_some() && named.get("s").is_none(), "{named}");
    assert!(reads.pull(&reader).changes.is_empty(), "pulled again: nothing new");
    let later = new_id();
    ok(authors[7].push(&new_id(), vec![post(&authors[7], &later, "followers", "one more")]));
    let round = reads.pull(&reader);
    assert_eq!(round.changes.len(), 1);
    assert!(round.has(&later));
    // Another account cannot use it.
    let stranger = account(&server, "stranger");
    let url = format!("{}/v1/pull?cursor={cursor}", stranger.base);
    let reply = send(stranger.http.get(url).bearer_auth(&stranger.key).header("Studydesk-Schema", "13"));
    assert_eq!((reply.status().as_u16(), reply.kind().as_str()), (400, "bad_cursor"));
}
