//! Images and videos of posts, and the profile's avatar and banner, on a real database
//! file and real files: order and metadata, `image_url` mirroring the first image, the
//! refusals (by content, count, size, alt length) writing nothing, edits, and deletes that
//! take the rows and the files nothing else shows.

mod common;

use std::path::{Path, PathBuf};
use studydesk_core::social::media::{self, MediaDraft, ProfileImage, MAX_ALT, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES};
use studydesk_core::social::posts::{self, PostDraft};

/// A PNG header of `w`×`h` (what `imagesize` reads), made distinct by `seed`.
fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(std::iter::repeat_n(seed, 64));
    b
}

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// An MP4 whose `moov` (after the media data) says `w`×`h` and `seconds`.
fn mp4(w: u32, h: u32, seconds: u32) -> Vec<u8> {
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&600u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&(seconds * 600).to_be_bytes());
    let mut tkhd = vec![0u8; 84];
    tkhd[76..80].copy_from_slice(&(w << 16).to_be_bytes());
    tkhd[80..84].copy_from_slice(&(h << 16).to_be_bytes());
    let moov = bx(b"moov", &[bx(b"mvhd", &mvhd), bx(b"trak", &bx(b"tkhd", &tkhd))].concat());
    [bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41"), bx(b"mdat", &[9u8; 300]), moov].concat()
}

fn add(f: &common::Fixture, name: &str, bytes: &[u8]) -> media::MediaFile {
    media::add_bytes(f.app.db(), f.dir.path(), &f.app.user_id(), Some(name), bytes).unwrap()
}

fn item(file: &media::MediaFile, alt: Option<&str>) -> MediaDraft {
    MediaDraft { attachment_id: Some(file.attachment_id.clone()), media_id: None, alt: alt.map(str::to_string) }
}

fn draft(text: &str, media: Vec<MediaDraft>) -> PostDraft {
    PostDraft { content: text.into(), media: Some(media), ..Default::default() }
}

fn kind(e: &studydesk_core::CoreError) -> &'static str {
    e.kind()
}

/// What a refusal must leave as it was.
fn written(f: &common::Fixture) -> Vec<i64> {
    ["posts", "post_media", "attachments", "sync_changes"].iter().map(|t| f.count(t)).collect()
}

fn sparse(dir: &Path, name: &str, head: &[u8], len: u64) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &file, head).unwrap();
    file.set_len(len).unwrap(); // a hole: no disk space, no memory
    path
}

#[test]
fn media_keep_their_order_and_metadata_and_image_url_mirrors_the_first_image() {
    let f = common::open();
    let me = f.app.user_id();
    let clip = add(&f, "clip.mp4", &mp4(1280, 720, 42));
    let wide = add(&f, "wide.png", &png(1600, 900, 1));
    let tall = add(&f, "tall.png", &png(600, 800, 2));
    assert_eq!((wide.width, wide.height, wide.media_type.as_str()), (Some(1600), Some(900), "image"));
    assert_eq!((clip.width, clip.height, clip.media_type.as_str()), (Some(1280), Some(720), "video"));

    let post = posts::create(f.app.db(), &me, &draft("Lab day", vec![item(&clip, Some("The experiment")), item(&wide, Some("  Board notes ")), item(&tall, None)])).unwrap();
    let shown: Vec<(&str, i64, Option<&str>)> = post.media.iter().map(|m| (m.media_type.as_str(), m.order_index, m.alt.as_deref())).collect();
    assert_eq!(shown, [("video", 0, Some("The experiment")), ("image", 1, Some("Board notes")), ("image", 2, None)]);
    assert_eq!(post.row.image_url.as_deref(), Some(post.media[1].url.as_str()), "the first image, not the video");
    let hash = post.media[1].url.strip_prefix("attachment:").unwrap().split('.').next().unwrap();
    assert_eq!(post.media[1].url, format!("attachment:{hash}.png"));
    assert!(!post.media[1].missing && Path::new(&post.media[1].file_path).is_file());
    assert_eq!(post.media[0].duration_seconds, Some(42.0));
    assert_eq!((post.media[2].width, post.media[2].height), (Some(600), Some(800)));

    let metadata: serde_json::Value = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT metadata FROM post_media WHERE order_index = 1", [], |r| r.get::<_, String>(0))?))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(
        metadata,
        serde_json::json!({"content_hash": hash, "mime": "image/png", "size": png(1600, 900, 1).len(), "width": 1600, "height": 900, "alt": "Board notes"})
    );
    // The feed shows them the same way.
    let page = f.app.posts_page(posts::FeedScope::Home, None::<String>, None::<i64>).unwrap();
    assert_eq!(page.posts[0].media, post.media);
}

#[test]
fn bad_media_are_refused_with_a_clear_message_and_nothing_is_written() {
    let f = common::open();
    let me = f.app.user_id();
    let files: Vec<_> = (0..11).map(|i| add(&f, &format!("p{i}.png"), &png(10, 10, i))).collect();
    let before = written(&f);

    let e = posts::create(f.app.db(), &me, &draft("eleven", files.iter().map(|x| item(x, None)).collect())).unwrap_err();
    assert_eq!(kind(&e), "validation");
    assert_eq!(e.to_string(), "a post has at most 10 images or videos (this one has 11)");

    let long = "a".repeat(MAX_ALT + 1);
    let e = posts::create(f.app.db(), &me, &draft("alt", vec![item(&files[0], Some(&long))])).unwrap_err();
    assert!(e.to_string().contains("alt text of item 1") && e.to_string().contains("1500"), "{e}");

    let e = posts::create(f.app.db(), &me, &draft("nobody's", vec![MediaDraft { attachment_id: Some(studydesk_core::ids::new_id()), ..Default::default() }])).unwrap_err();
    assert_eq!(kind(&e), "not_found", "{e}");
    assert_eq!(written(&f), before, "no post, no media row, no change queued");

    // By content, not by name: text named .png, bytes or a file.
    let e = media::add_bytes(f.app.db(), f.dir.path(), &me, Some("notes.png"), b"just some notes, not a picture at all").unwrap_err();
    assert_eq!(e.to_string(), "\"notes.png\" is not an image (PNG, JPEG, GIF, WebP, BMP, AVIF) or a video (MP4, WebM, MOV, OGV)");
    let text = f.dir.path().join("renamed.png");
    std::fs::write(&text, "a text file renamed .png").unwrap();
    let e = media::add_path(f.app.db(), f.dir.path(), &me, &text).unwrap_err();
    assert_eq!(kind(&e), "validation");
    let e = media::add_bytes(f.app.db(), f.dir.path(), &me, Some("song.mp3"), b"ID3\x04\0\0\0\0\0\0 an mp3").unwrap_err();
    assert!(e.to_string().ends_with("(it is audio/mpeg)"), "{e}");

    // Too large, checked from the size on disk before a byte is copied (sparse files).
    let big_video = sparse(f.dir.path(), "lecture.mp4", &mp4(1920, 1080, 3600)[..40], 600 * 1024 * 1024);
    let e = media::add_path(f.app.db(), f.dir.path(), &me, &big_video).unwrap_err();
    assert_eq!(e.to_string(), format!("\"lecture.mp4\" is too large: 600.0 MiB, and a video may be at most {:.1} MiB", MAX_VIDEO_BYTES as f64 / 1048576.0));
    let big_image = sparse(f.dir.path(), "scan.png", &png(9000, 9000, 3), MAX_IMAGE_BYTES + 1);
    let e = media::add_path(f.app.db(), f.dir.path(), &me, &big_image).unwrap_err();
    assert!(e.to_string().contains("is too large: 20.0 MiB, and an image may be at most 20.0 MiB"), "{e}");
    assert_eq!(written(&f), before, "refused files leave no attachment either");
    let staging = f.dir.path().join("attachments/.staging");
    assert!(!staging.exists() || std::fs::read_dir(&staging).unwrap().next().is_none(), "no temporary copy left");
}

#[test]
fn an_edit_reorders_changes_alt_texts_adds_and_removes_and_a_delete_takes_rows_and_files() {
    let f = common::open();
    let me = f.app.user_id();
    let (a, b, c) = (add(&f, "a.png", &png(10, 10, 1)), add(&f, "b.png", &png(20, 20, 2)), add(&f, "c.png", &png(30, 30, 3)));
    let post = posts::create(f.app.db(), &me, &draft("three", vec![item(&a, Some("A")), item(&b, Some("B")), item(&c, None)])).unwrap();
    let ids: Vec<String> = post.media.iter().map(|m| m.id.clone()).collect();
    let keep = |i: usize, alt: Option<&str>| MediaDraft { media_id: Some(ids[i].clone()), attachment_id: None, alt: alt.map(str::to_string) };
    let d = add(&f, "d.png", &png(40, 40, 4));

    // c first, b without alt, a removed, d added at the end.
    // Through the app's command, which also removes the files nothing shows any more.
    let edited = f.app.post_edit(&post.row.id, draft("three", vec![keep(2, Some("C now")), keep(1, None), item(&d, Some("D"))])).unwrap();
    let shown: Vec<(&str, Option<&str>, i64)> = edited.media.iter().map(|m| (m.id.as_str(), m.alt.as_deref(), m.order_index)).collect();
    assert_eq!(shown[..2], [(ids[2].as_str(), Some("C now"), 0), (ids[1].as_str(), None, 1)]);
    assert_eq!((shown[2].1, shown[2].2), (Some("D"), 2));
    assert_eq!(edited.row.image_url.as_deref(), Some(edited.media[0].url.as_str()), "the mirror follows the new first image");
    assert!(!Path::new(&a.file_path).exists(), "a's file: nothing shows it any more");
    assert!(Path::new(&b.file_path).is_file());

    // An edit without `media` leaves them; a foreign media id is refused.
    let same = posts::edit(f.app.db(), &me, &post.row.id, &PostDraft { content: "text only".into(), ..Default::default() }).unwrap();
    assert_eq!(same.media, edited.media);
    let e = posts::edit(f.app.db(), &me, &post.row.id, &draft("x", vec![MediaDraft { media_id: Some(studydesk_core::ids::new_id()), ..Default::default() }])).unwrap_err();
    assert!(e.to_string().contains("not one of this post's"), "{e}");

    // The same picture in another post keeps its file when the first post goes.
    let other = posts::create(f.app.db(), &me, &draft("again", vec![item(&b, None)])).unwrap();
    f.app.post_delete(&post.row.id).unwrap();
    assert_eq!(f.count("post_media"), 1, "the deleted post's rows are gone (ON DELETE CASCADE)");
    assert!(Path::new(&b.file_path).is_file(), "still shown by the other post");
    assert!(!Path::new(&c.file_path).exists() && !Path::new(&d.file_path).exists());
    f.app.post_delete(&other.row.id).unwrap();
    assert_eq!(f.count("post_media"), 0);
    assert!(!Path::new(&b.file_path).exists());
    // The deletes travel: each post's delete is queued for sync (its rows follow by cascade).
    let queued: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'posts' AND op = 'delete'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(queued, 2);
}

#[test]
fn avatar_and_banner_are_images_of_mine() {
    let f = common::open();
    let me = f.app.user_id();
    let face = add(&f, "me.png", &png(256, 256, 7));
    let clip = add(&f, "clip.mp4", &mp4(320, 240, 2));
    let url = media::set_profile_image(f.app.db(), f.dir.path(), &me, ProfileImage::Avatar, Some(&face.attachment_id)).unwrap().0.unwrap();
    assert!(url.starts_with("attachment:") && url.ends_with(".png"), "{url}");
    let card = f.app.profile_card(None::<String>).unwrap();
    assert_eq!(card.profile.avatar_url.as_deref(), Some(url.as_str()));
    let (path, present) = media::local_path(f.dir.path(), &url).unwrap();
    assert!(present && path == Path::new(&face.file_path));

    let e = media::set_profile_image(f.app.db(), f.dir.path(), &me, ProfileImage::Banner, Some(&clip.attachment_id)).unwrap_err();
    assert_eq!(e.to_string(), "an avatar or banner is an image, not a video");
    f.app.profile_image_set("banner", Some(face.attachment_id.clone())).unwrap();
    f.app.profile_image_set("avatar", None::<String>).unwrap();
    let card = f.app.profile_card(None::<String>).unwrap();
    assert_eq!((card.profile.avatar_url.as_deref(), card.profile.banner_image_url.as_deref()), (None, Some(url.as_str())));
    assert!(path.is_file(), "the banner still shows the file");
}

#[test]
fn a_replaced_avatar_leaves_with_its_file_unless_something_else_shows_it() {
    let f = common::open();
    let (old, new) = (add(&f, "old.png", &png(64, 64, 1)), add(&f, "new.png", &png(64, 64, 2)));
    f.app.profile_image_set("avatar", Some(old.attachment_id.clone())).unwrap();
    let e = f.app.profile_image_set("portrait", Some(new.attachment_id.clone())).unwrap_err();
    assert_eq!(e.to_string(), "which is avatar or banner");
    f.app.profile_image_set("avatar", Some(new.attachment_id.clone())).unwrap();
    assert!(!Path::new(&old.file_path).exists(), "the replaced picture's file went");
    assert!(Path::new(&new.file_path).is_file());
}
