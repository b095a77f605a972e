//! Custom emoji between real app databases through a real server (issue 14 item 7,
//! docs/sync.md §16.2): a custom emoji added on the author's two devices before they sync
//! is one row; it reaches a follower's device with its image byte for byte, so the
//! `:shortcode:` of the author's post shows there; an account the author blocks gets
//! neither the row nor the file; the server takes custom emoji from their creator only,
//! by the shortcode rules, and never a shipped Unicode row; a delete takes the row and
//! the file from every device.

mod support;

use serde_json::{json, Value};
use studydesk_core::social::posts::PostDraft;
use studydesk_core::sync::SignInMode;
use support::devices::{file, signed_in as device, sync, Device};
use support::{new_id, sha256_hex, signup, Client, TestServer};

/// A PNG of 64×64 (its header), distinct by `seed`.
fn png(seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x40\0\0\0\x40\x08\x06\0\0\0".to_vec();
    b.extend(std::iter::repeat_n(seed, 2000));
    b
}

fn custom_rows(d: &Device) -> i64 {
    d.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM emojis WHERE is_custom = 1", [], |r| r.get(0))?)).unwrap()
}

fn raw_account(server: &TestServer, name: &str) -> Client {
    let client = signup(server, &format!("{name}@example.org"));
    let result: Value = client.push(&new_id(), vec![client.user_row()]).json().unwrap();
    assert_eq!(result["rejected"], json!([]), "{result:#}");
    client
}

#[test]
fn a_custom_emoji_reaches_a_followers_device_with_its_image_and_leaves_everywhere() {
    let server = TestServer::start();
    let ada = device(&server, "ada", SignInMode::Signup);
    let ada2 = device(&server, "ada", SignInMode::Login);
    let ben = device(&server, "ben", SignInMode::Signup);
    let mallory = raw_account(&server, "mallory");
    let eve = raw_account(&server, "eve");
    sync(&[&ada, &ben]);
    ben.app.follow(ada.id.clone()).unwrap();
    ada.app.block_set(mallory.account.clone(), true).unwrap();
    sync(&[&ada, &ben]);

    // Both of Ada's devices add :cat_wave: before either syncs: one row, one id.
    let first = ada.app.custom_emoji_add("cat_wave", Some("Cat waving"), &png(1)).unwrap();
    let second = ada2.app.custom_emoji_add(":cat_wave:", None::<&str>, &png(2)).unwrap();
    assert_eq!(first.id, second.id, "the id comes from (creator, shortcode)");
    ada.app.post_create(PostDraft { content: "Done for today :cat_wave:".into(), ..Default::default() }).unwrap();
    sync(&[&ada, &ada2, &ada, &ben]);
    let on_ada = ada.app.custom_emoji_list().unwrap();
    let on_ada2 = ada2.app.custom_emoji_list().unwrap();
    assert_eq!((on_ada.len(), on_ada2.len()), (1, 1), "one row on each device");
    assert_eq!(on_ada[0].image_url, on_ada2[0].image_url, "the same image won on both");
    let url = on_ada[0].image_url.clone();
    let bytes = if file(&ada, &url).1 { std::fs::read(file(&ada, &url).0).unwrap() } else { panic!("Ada's device has the winning image") };
    assert!(bytes == png(1) || bytes == png(2));

    // The follower's device: the row (not its own: mine is false) and the file, byte for byte.
    let seen = ben.app.custom_emoji_list().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!((seen[0].shortcode.as_str(), seen[0].created_by.as_str(), seen[0].mine), (":cat_wave:", ada.id.as_str(), false));
    let (path, present) = file(&ben, &url);
    assert!(present, "the image arrived on the follower's device");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(ben.app.emoji_search("cat_wave", None).unwrap().iter().all(|e| e.image_url.is_none()), "the picker offers only my own");

    // Who may download the image: any account reading the row, never one Ada blocks.
    let hash = studydesk_sync::media::parse(&url).unwrap().0.to_string();
    assert_eq!(eve.get_blob(&hash).status(), 200, "a public row: any account");
    assert_eq!(eve.get_blob(&hash).bytes(), bytes.as_slice());
    assert_eq!(mallory.get_blob(&hash).status(), 404, "an account Ada blocks gets nothing");
    let pulled = mallory.pull_all();
    assert!(!pulled.iter().any(|c| c["table"] == "emojis"), "nor the row");
    assert!(pulled.iter().any(|c| c["table"] == "users"), "the pull itself works");
    let loser = if bytes == png(1) { png(2) } else { png(1) };
    assert_eq!(eve.get_blob(&sha256_hex(&loser)).status(), 404, "the losing image no row names stays private");

    // Delete: the row leaves every device, and the file with it.
    ada.app.custom_emoji_delete(first.id.as_str()).unwrap();
    sync(&[&ada, &ada2, &ben]);
    assert_eq!((custom_rows(&ada), custom_rows(&ada2), custom_rows(&ben)), (0, 0, 0));
    assert!(!path.exists(), "the follower's device swept the file");
    assert_eq!(eve.get_blob(&hash).status(), 404, "a deleted emoji shares nothing");
}

#[test]
fn the_server_takes_custom_emoji_from_their_creator_by_the_rules_and_no_shipped_row() {
    let server = TestServer::start();
    let ada = raw_account(&server, "ada");
    let mallory = raw_account(&server, "mallory");
    let hash = sha256_hex(&png(3));
    assert_eq!(mallory.put_blob(&hash, png(3)).status(), 201);
    let row = |creator: &str, shortcode: &str| {
        let id = studydesk_sync::natural_id("emojis", &[creator, shortcode]);
        let columns = json!({"id": id, "name": "x", "shortcode": shortcode, "is_custom": 1, "image_url": format!("attachment:{hash}.png"),
                             "created_by": creator, "created_at": "2026-11-22T01:00:00.000Z", "updated_at": "2026-11-22T01:00:00.000Z", "sort_order": 0});
        (id, columns)
    };
    let push_to = |table: &str, client: &Client, id: &str, columns: Value| -> Value {
        let result: Value = client.push(&new_id(), vec![client.change(table, id, "insert", 1, columns, 0)]).json().unwrap();
        result["rejected"].get(0).map(|r| r["code"].clone()).unwrap_or(Value::Null)
    };
    let code = |client: &Client, id: &str, columns: Value| push_to("emojis", client, id, columns);
    let (id, columns) = row(&ada.account, ":cat_wave:");
    assert_eq!(code(&mallory, &id, columns), "forbidden", "an emoji in Ada's name from Mallory");
    let (id, columns) = row(&mallory.account, ":Cat Wave:");
    assert_eq!(code(&mallory, &id, columns), "invalid_value", "a shortcode breaking the rules");
    let (id, mut columns) = row(&mallory.account, ":mine:");
    columns["image_url"] = json!("https://example.com/x.png");
    assert_eq!(code(&mallory, &id, columns), "invalid_value", "an image that is not an attachment");
    let (_, mut columns) = row(&mallory.account, ":mine:");
    let random = new_id();
    columns["id"] = json!(random);
    assert_eq!(code(&mallory, &random, columns), "bad_natural_id", "an id not derived from (creator, shortcode)");
    // A shipped Unicode row (no creator) never lands.
    let smile = studydesk_sync::natural_id("emojis", &["1F604"]);
    let shipped = json!({"id": smile, "name": "grinning face with smiling eyes", "unicode": "😄", "shortcode": ":smile:", "is_custom": 0,
                         "created_at": "2026-11-22T01:00:00.000Z", "updated_at": "2026-11-22T01:00:00.000Z", "sort_order": 0});
    assert_ne!(code(&mallory, &smile, shipped), Value::Null);
    // A favorite of a Unicode emoji (a row the server never holds) still syncs.
    let fav = studydesk_sync::natural_id("user_emoji_favorites", &[&mallory.account, &smile]);
    let columns = json!({"id": fav, "user_id": mallory.account, "emoji_id": smile, "usage_count": 1, "created_at": "2026-11-22T01:00:00.000Z"});
    assert_eq!(push_to("user_emoji_favorites", &mallory, &fav, columns), Value::Null, "a favorite of a shipped emoji is taken");
    // And Mallory's own emoji by the rules is taken.
    let (id, columns) = row(&mallory.account, ":mine:");
    assert_eq!(code(&mallory, &id, columns), Value::Null);
    assert_eq!(server.count("SELECT count(*) FROM rows WHERE table_name = 'emojis'"), 1);
}
