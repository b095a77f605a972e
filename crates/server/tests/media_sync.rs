//! Post media and profile pictures between real app databases through a real server
//! (issue 14, docs/sync.md §16.2): the author's device uploads the files before the rows,
//! a follower's device downloads the image of a followers-only post and the author's
//! avatar so they show offline, a non-follower's device gets neither the row nor the file,
//! and a deleted post takes its rows and then its file from the follower's device.

mod support;

use std::path::Path;
use studydesk_core::api::Studydesk;
use studydesk_core::social::media::MediaDraft;
use studydesk_core::social::posts::PostDraft;
use studydesk_core::social::rows::PostVisibility;
use studydesk_core::sync::{Credentials, SignInMode, SyncPhase};
use support::TestServer;

struct Device {
    dir: tempfile::TempDir,
    app: Studydesk,
    id: String,
}

fn signed_up(server: &TestServer, name: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    let credentials = Credentials { server_url: server.base.clone(), email: format!("{name}@example.org"), password: "correct horse battery".into() };
    let status = app.sync_sign_in(SignInMode::Signup, credentials).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{name}: {status:?}");
    let id = app.user_id();
    Device { dir, app, id }
}

/// A second device of `first`'s account (signed in with the same credentials).
fn second_device(server: &TestServer, name: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    let credentials = Credentials { server_url: server.base.clone(), email: format!("{name}@example.org"), password: "correct horse battery".into() };
    app.sync_sign_in(SignInMode::Login, credentials).unwrap();
    // Pulling the account's rows can queue a change of this device's own (an activity
    // item made from a pulled row): one more round sends it.
    app.sync_now().unwrap();
    let status = app.sync_status().unwrap();
    assert_eq!((status.phase, status.pending), (SyncPhase::Synced, 0), "{name}'s second device: {status:?}");
    let id = app.user_id();
    Device { dir, app, id }
}

fn sync(devices: &[&Device]) {
    for d in devices {
        d.app.sync_now().unwrap();
    }
}

fn png(seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x06\0\0\0".to_vec();
    b.extend(std::iter::repeat_n(seed, 4000));
    b
}

/// The file of `url` on the device, and whether it is there.
fn file(d: &Device, url: &str) -> (std::path::PathBuf, bool) {
    studydesk_core::social::media::local_path(d.dir.path(), url).unwrap()
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
