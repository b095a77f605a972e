//! Custom emoji as a user meets them: added with a shortcode and an image (checked by
//! content, size and pixels), found in search and the picker's catalog, inserting their
//! `:shortcode:`, recorded for sync with the id every device of the user derives, the
//! refusals writing nothing, and a delete taking the row, its favorite and its file.

mod common;

use studydesk_core::social::emoji::custom;

/// A PNG header of `w`×`h` (what `imagesize` reads), `pad` bytes long at least.
fn png(w: u32, h: u32, seed: u8, pad: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(std::iter::repeat_n(seed, pad.max(64)));
    b
}

fn gif(w: u16, h: u16) -> Vec<u8> {
    let mut b = b"GIF89a".to_vec();
    b.extend_from_slice(&w.to_le_bytes());
    b.extend_from_slice(&h.to_le_bytes());
    b.extend(std::iter::repeat_n(0u8, 64));
    b
}

fn add(f: &common::Fixture, code: &str, name: Option<&str>, bytes: &[u8]) -> studydesk_core::Result<custom::CustomEmoji> {
    f.app.custom_emoji_add(code, name, bytes)
}

/// Files in the attachments folder (staging left out).
fn files(f: &common::Fixture) -> usize {
    let dir = f.dir.path().join("attachments");
    let Ok(folders) = std::fs::read_dir(&dir) else { return 0 };
    folders
        .flatten()
        .filter(|d| d.file_name().len() == 2)
        .map(|d| std::fs::read_dir(d.path()).map(|r| r.count()).unwrap_or(0))
        .sum()
}

/// What a refusal must leave as it was.
fn written(f: &common::Fixture) -> (i64, i64, i64, usize) {
    (f.count("emojis"), f.count("attachments"), f.count("sync_changes"), files(f))
}

#[test]
fn a_custom_emoji_is_stored_found_and_recorded_for_sync() {
    let f = common::open();
    let me = f.app.user_id();
    let e = add(&f, ":Cat_Wave:", Some("Cat waving"), &png(64, 64, 1, 100)).unwrap();
    assert_eq!((e.shortcode.as_str(), e.name.as_str(), e.mine), (":cat_wave:", "Cat waving", true));
    assert_eq!(e.id, studydesk_sync::natural_id("emojis", &[&me, ":cat_wave:"]), "the id every device of mine derives");
    assert!(studydesk_sync::emoji::is_image_reference(&e.image_url), "{}", e.image_url);
    let (path, present) = studydesk_core::social::media::local_path(f.dir.path(), &e.image_url).unwrap();
    assert!(present, "the image is in the media folder: {}", path.display());

    // Search and the picker: the image, and `:cat_wave:` to insert.
    let found = f.app.emoji_search("cat_wave", None).unwrap();
    assert_eq!(found[0].id, e.id, "an exact shortcode comes first");
    assert_eq!(found[0].unicode, ":cat_wave:");
    assert_eq!(found[0].image_url.as_deref(), Some(e.image_url.as_str()));
    assert!(f.app.emoji_search("waving", None).unwrap().iter().any(|x| x.id == e.id), "by its name");
    assert!(f.app.emoji_search("cat", None).unwrap().iter().any(|x| x.image_url.is_none() && x.unicode.starts_with("🐱")), "Unicode cats still found");
    let cat = f.app.emoji_catalog().unwrap();
    assert_eq!(cat.custom.iter().map(|x| x.unicode.as_str()).collect::<Vec<_>>(), [":cat_wave:"]);
    assert!(cat.emojis.iter().all(|x| x.image_url.is_none()), "the Unicode list holds no custom emoji");
    // A custom emoji is used and starred like any other.
    let mine = f.app.emoji_use(e.id.as_str()).unwrap();
    assert_eq!(mine.recent[0].image_url.as_deref(), Some(e.image_url.as_str()));

    // Recorded for sync (the Unicode catalog never is), and listed.
    let captured: Vec<(String, String)> = f
        .app
        .db()
        .read(|c| {
            let mut st = c.prepare("SELECT row_id, op FROM sync_changes WHERE table_name = 'emojis'")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(captured, [(e.id.clone(), "insert".to_string())]);
    assert_eq!(f.app.custom_emoji_list().unwrap(), [e.clone()]);

    // A newer Unicode catalog leaves custom emoji alone.
    f.app.db().write(studydesk_core::db::WriteCtx::reference_data("test"), |tx| {
        studydesk_core::account::app_settings::set(tx, studydesk_core::social::emoji::catalog::VERSION_KEY, "emoji", "t", &"older".to_string())
    }).unwrap();
    assert!(studydesk_core::social::emoji::catalog::ensure(f.app.db()).unwrap());
    assert_eq!(f.app.custom_emoji_list().unwrap().len(), 1);
}

#[test]
fn refusals_say_why_and_write_nothing() {
    let f = common::open();
    add(&f, "cat_wave", None, &png(64, 64, 1, 100)).unwrap();
    let before = written(&f);
    let refused = |code: &str, name: Option<&str>, bytes: &[u8]| {
        let e = add(&f, code, name, bytes).unwrap_err();
        assert_eq!(written(&f), before, "{code}: nothing written");
        e.to_string()
    };
    let ok_png = png(32, 32, 2, 100);
    assert!(refused("a", None, &ok_png).contains("2 to 32 characters"));
    assert!(refused(&"a".repeat(33), None, &ok_png).contains("2 to 32 characters"));
    assert!(refused("cat wave", None, &ok_png).contains("only a-z, 0-9 and _"));
    assert!(refused(":<img src=x onerror=alert(1)>:", None, &ok_png).contains("only a-z, 0-9 and _"));
    assert!(refused("smile", None, &ok_png).contains("standard emoji"), "the catalog's :smile:");
    assert!(refused("grinning_face", None, &ok_png).contains("standard emoji"), "an alternative shortcode");
    assert!(refused("cat_wave", None, &ok_png).contains("already have"), "one :cat_wave: per creator");
    assert!(refused("ok_name", None, b"just some text, named .png by nobody: not an image").contains("PNG, GIF, WebP or JPEG"));
    let message = refused("big_one", None, &png(600, 400, 3, 100));
    assert!(message.contains("600×400") && message.contains("512×512"), "{message}");
    let message = refused("heavy", None, &png(100, 100, 4, 300 * 1024));
    assert!(message.contains("256 KiB"), "{message}");
    assert!(refused("named", Some("bell\u{7}"), &ok_png).contains("control"));
    assert!(refused("long_name", Some(&"x".repeat(101)), &ok_png).contains("100"));
    // A GIF of 512×512 passes: the limits are inclusive.
    add(&f, "party_parrot", None, &gif(512, 512)).unwrap();
}

#[test]
fn a_delete_takes_the_row_its_favorite_and_its_file() {
    let f = common::open();
    let e = add(&f, "cat_wave", None, &png(64, 64, 1, 100)).unwrap();
    f.app.emoji_favorite_set(e.id.as_str(), true).unwrap();
    assert_eq!(files(&f), 1);
    f.app.custom_emoji_delete(e.id.as_str()).unwrap();
    assert!(f.app.custom_emoji_list().unwrap().is_empty());
    assert!(f.app.emoji_catalog().unwrap().mine.favorites.is_empty(), "the favorite went with it");
    assert_eq!(files(&f), 0, "the file nothing shows any more is removed");
    let deletes: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'emojis' AND op = 'delete'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(deletes, 1, "the delete travels");
    assert_eq!(f.app.custom_emoji_delete(e.id.as_str()).unwrap_err().kind(), "not_found");
    // A Unicode emoji is not a custom one to delete.
    let smile = f.app.emoji_search("smile", Some(1)).unwrap().remove(0);
    assert_eq!(f.app.custom_emoji_delete(smile.id.as_str()).unwrap_err().kind(), "not_found");
    // Added again: the same id, a new life.
    let again = add(&f, "cat_wave", None, &png(64, 64, 1, 100)).unwrap();
    assert_eq!(again.id, e.id);
    assert_eq!(files(&f), 1);
}
