//! Who may download a file (issue 14, docs/sync.md §16.2): the uploader, and every account
//! that may read a live row naming it (`attachment:<sha256>.<ext>`): a post's media by the
//! post's stream, a profile's avatar and banner by anyone, never across a block. Every
//! other blob stays private (the same 404 as a hash nobody stored).

mod support;

use serde_json::{json, Value};
use studydesk_sync::natural_id;
use support::{new_id, sha256_hex, signup, Client, TestServer};

const AT: &str = "2026-11-22T01:00:00.000Z";

fn ok(reply: support::Reply) {
    let result: Value = reply.json().unwrap();
    assert_eq!(result["rejected"], json!([]), "{result:#}");
}

fn account(server: &TestServer, name: &str) -> Client {
    let client = signup(server, &format!("{name}@example.org"));
    ok(client.push(&new_id(), vec![client.user_row()]));
    client
}

/// A file the client uploads; answers its hash.
fn upload(client: &Client, seed: u8) -> String {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(seed, 300));
    let hash = sha256_hex(&bytes);
    assert_eq!(client.put_blob(&hash, bytes).status(), 201);
    hash
}

/// A post of `author` showing the file `hash`; answers the post's id.
fn post_with_image(author: &Client, visibility: &str, hash: &str) -> String {
    let (post, media) = (new_id(), new_id());
    let metadata = json!({"content_hash": hash, "mime": "image/png", "size": 308, "alt": "notes"}).to_string();
    ok(author.push(
        &new_id(),
        vec![
            author.change(
                "posts",
                &post,
                "insert",
                1,
                json!({"id": post, "user_id": author.account, "content": "look", "created_at": AT, "updated_at": AT, "visibility": visibility}),
                1,
            ),
            author.change(
                "post_media",
                &media,
                "insert",
                1,
                json!({"id": media, "post_id": post, "media_type": "image", "url": format!("attachment:{hash}.png"), "order_index": 0, "metadata": metadata}),
                2,
            ),
        ],
    ));
    post
}

fn follow(follower: &Client, followee: &Client) {
    let id = natural_id("follows", &[&follower.account, &followee.account]);
    ok(follower.push(
        &new_id(),
        vec![follower.change("follows", &id, "insert", 1, json!({"id": id, "follower_id": follower.account, "followee_id": followee.account, "created_at": AT}), 3)],
    ));
}

fn status(client: &Client, hash: &str) -> u16 {
    client.get_blob(hash).status().as_u16()
}

#[test]
fn a_file_is_read_by_whoever_may_read_a_row_naming_it_and_by_no_one_else() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let (ben, cy, dee) = (account(&server, "ben"), account(&server, "cy"), account(&server, "dee"));
    follow(&ben, &ada);
    follow(&dee, &ada);

    let for_followers = upload(&ada, 1);
    let for_everyone = upload(&ada, 2);
    let for_me = upload(&ada, 3);
    let avatar = upload(&ada, 4);
    let unused = upload(&ada, 5);
    let followers_post = post_with_image(&ada, "followers", &for_followers);
    post_with_image(&ada, "public", &for_everyone);
    post_with_image(&ada, "only_me", &for_me);
    ok(ada.push(&new_id(), vec![ada.change("users", &ada.account.clone(), "update", 1, json!({"avatar_url": format!("attachment:{avatar}.png")}), 9)]));

    // A follower downloads the image of a followers-only post, byte for byte.
    let got = ben.get_blob(&for_followers);
    assert_eq!(got.status(), 200);
    assert_eq!(sha256_hex(got.bytes()), for_followers);
    assert_eq!(status(&cy, &for_followers), 404, "not a follower");
    assert_eq!([status(&cy, &for_everyone), status(&cy, &avatar)], [200, 200], "a public post and a profile picture");
    assert_eq!([status(&ben, &for_me), status(&ben, &unused)], [404, 404], "only me, and a file no row shows");
    assert_eq!(
        [&for_followers, &for_everyone, &for_me, &avatar, &unused].map(|h| status(&ada, h)),
        [200; 5],
        "the uploader reads all of its own"
    );

    // A blocked account gets nothing of the blocker's any more, public or not.
    assert_eq!(status(&dee, &for_followers), 200, "dee follows ada, until the block");
    let block = natural_id("user_blocks", &[&ada.account, &dee.account]);
    ok(ada.push(
        &new_id(),
        vec![ada.change("user_blocks", &block, "insert", 1, json!({"id": block, "user_id": ada.account, "blocked_user_id": dee.account, "created_at": AT}), 10)],
    ));
    assert_eq!([&for_followers, &for_everyone, &avatar].map(|h| status(&dee, h)), [404; 3]);
    assert_eq!(status(&cy, &for_everyone), 200, "others still read it");

    // A deleted post's file is no longer shared (its media row went by cascade).
    ok(ada.push(&new_id(), vec![ada.change("posts", &followers_post, "delete", 2, Value::Null, 11)]));
    assert_eq!(status(&ben, &for_followers), 404);
    assert_eq!(status(&ada, &for_followers), 200, "the uploader keeps its copy");

    // Another avatar: the old picture is no longer shared; the new one is.
    let next = upload(&ada, 6);
    ok(ada.push(&new_id(), vec![ada.change("users", &ada.account.clone(), "update", 1, json!({"avatar_url": format!("attachment:{next}.png")}), 12)]));
    assert_eq!([status(&cy, &avatar), status(&cy, &next)], [404, 200]);
}

#[test]
fn a_row_naming_someone_elses_file_shares_nothing() {
    let server = TestServer::start();
    let ada = account(&server, "ada");
    let eve = account(&server, "eve");
    let secret = upload(&ada, 7);
    // Eve names Ada's private file in her own public post: Eve holds no copy, so nobody
    // (Eve included) reads Ada's through it.
    post_with_image(&eve, "public", &secret);
    assert_eq!(status(&eve, &secret), 404);
    assert_eq!(status(&account(&server, "cy"), &secret), 404);
}
