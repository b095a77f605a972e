//! Post media and profile pictures between real app databases through a real server
//! (issue 14, docs/sync.md §16.2): the author's device uploads the files before the rows,
//! a follower's device downloads the image of a followers-only post and the author's
//! avatar so they show offline, a non-follower's device gets neither the row nor the file,
//! and a deleted post takes its rows and then its file from the follower's device.

mod support;

use std::path::Path;
use studydesk_core::social::media::MediaDraft;
use studydesk_core::social::posts::PostDraft;
use studydesk_core::social::rows::PostVisibility;
use studydesk_core::sync::{SignInMode, SyncPhase};
use support::devices::{file, signed_in, signed_in_unchecked, sync, Device};
use support::TestServer;

fn signed_up(server: &TestServer, name: &str) -> Device {
    signed_in(server, name, SignInMode::Signup)
}

/// A second device of `name`'s account. Pulling the account's rows can queue a change of
/// its own (an activity item made from a pulled row): one more round sends it.
fn second_device(server: &TestServer, name: &str) -> Device {
    let d = signed_in_unchecked(server, name, SignInMode::Login);
    d.app.sync_now().unwrap();
    let status = d.app.sync_status().unwrap();
    assert_eq!((status.phase, status.pending), (SyncPhase::Synced, 0), "{name}'s second device: {status:?}");
    d
}

fn png(seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x06\0\0\0".to_vec();
    b.extend(std::iter::repeat_n(seed, 4000));
    b
}

#[test]
fn a_followers_image_reaches_a_followers_device_and_leaves_with_the_post() {
    let server = TestServer::start();
    let ada = signed_up(&server, "ada");
    let ben = signed_up(&server, "ben");
    let cy = signed_up(&server, "cy");
    sync(&[&ada, &ben, &cy]);
    ben.app.follow(ada.id.clone()).unwrap();
    sync(&[&ben]);

    let picture = ada.app.post_media_add(Some("board.png"), &png(1)).unwrap();
    let face = ada.app.post_media_add(Some("me.png"), &png(2)).unwrap();
    let draft = PostDraft {
        content: "Board after the seminar".into(),
        visibility: Some(PostVisibility::Followers),
        media: Some(vec![MediaDraft { attachment_id: Some(picture.attachment_id.clone()), media_id: None, alt: Some("the board".into()) }]),
        ..Default::default()
    };
    let post = ada.app.post_create(draft).unwrap();
    ada.app.profile_image_set("avatar", Some(face.attachment_id.clone())).unwrap();
    let url = post.media[0].url.clone();
    let avatar = ada.app.profile_card(None::<String>).unwrap().profile.avatar_url.unwrap();
    sync(&[&ada, &ben, &cy]);

    let (path, present) = file(&ben, &url);
    assert!(present, "the follower's device has the image");
    assert_eq!(std::fs::read(&path).unwrap(), png(1));
    let seen = ben.app.post_get(post.row.id.clone()).unwrap();
    assert_eq!((seen.media.len(), seen.media[0].missing, seen.media[0].alt.as_deref()), (1, false, Some("the board")));
    assert_eq!(seen.row.image_url.as_deref(), Some(url.as_str()));
    assert!(file(&ben, &avatar).1 && file(&cy, &avatar).1, "anyone's device shows the avatar");
    assert!(!file(&cy, &url).1, "a non-follower's device gets no file");
    assert!(cy.app.post_get(post.row.id.clone()).is_err(), "nor the post");

    let laptop = second_device(&server, "ada");
    sync(&[&laptop]);
    assert!(file(&laptop, &url).1, "the author's other device has the image");

    ada.app.post_delete(post.row.id.clone()).unwrap();
    assert!(!file(&ada, &url).1, "the author's device removes the file nothing shows");
    sync(&[&ada, &ben, &laptop]);
    assert!(!file(&laptop, &url).1, "the author's other device lets it go too");
    assert!(file(&laptop, &avatar).1, "but keeps the avatar");
    let rows: i64 = ben.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM post_media", [], |r| r.get(0))?)).unwrap();
    assert_eq!(rows, 0, "the media rows left with the post");
    assert!(!Path::new(&path).exists(), "and the follower's device swept the file");
    assert!(file(&ben, &avatar).1, "the avatar stays");
}
