//! Immerse mode: workspaces, widgets and their layout, backgrounds and attachments
//! (docs/focus.md, focus/immerse.rs, attachments.rs).

mod common;

use common::Fixture;
use serde_json::json;
use sha2::{Digest, Sha256};
use studydesk_core::attachments;
use studydesk_core::dashboard::content::NewStudyPlaylist;
use studydesk_core::db::WriteCtx;
use studydesk_core::focus::immerse::{WidgetKind, WidgetPlace, Workspace};
use studydesk_core::focus::rows::BackgroundType;

/// A tiny but real PNG header (the content after it does not matter to the core).
fn png(seed: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(std::iter::repeat_n(seed, 200));
    b
}

fn mp4() -> Vec<u8> {
    let mut b = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    b.extend(std::iter::repeat_n(7u8, 500));
    b
}

fn sha256(b: &[u8]) -> String {
    Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

fn first(f: &Fixture) -> Workspace {
    f.app.workspace_list().unwrap().remove(0)
}

fn kinds(ws: &Workspace) -> Vec<WidgetKind> {
    ws.widgets.iter().map(|w| w.kind).collect()
}

fn place(id: &str, x: i64, y: i64, w: i64, h: i64) -> WidgetPlace {
    WidgetPlace { id: id.to_string(), x, y, w, h }
}

/// Another user in the same file, with a workspace, a widget and a playlist:
/// (workspace id, widget id, playlist id).
fn other_users_things(f: &Fixture) -> (String, String, String) {
    let user = "0193a1b2-0000-7000-8000-0000000000aa";
    let ids = ("0193a1b2-0000-7000-8000-0000000000ab", "0193a1b2-0000-7000-8000-0000000000ac", "0193a1b2-0000-7000-8000-0000000000ad");
    f.app
        .db()
        .write(WriteCtx::system("test.other_user"), |tx| {
            let now = tx.now_text();
            tx.execute(
                "INSERT INTO users(id, display_name, status, joined_at, created_at, updated_at) VALUES (?1, 'Other', 'active', '2026-01-01', ?2, ?2)",
                rusqlite::params![user, now],
            )?;
            tx.execute(
                "INSERT INTO immersive_workspaces(id, user_id, name, created_at, updated_at) VALUES (?1, ?2, 'Theirs', ?3, ?3)",
                rusqlite::params![ids.0, user, now],
            )?;
            tx.execute(
                "INSERT INTO immersive_widgets(id, workspace_id, type, grid_x, grid_y, grid_w, grid_h, created_at, updated_at)
                 VALUES (?1, ?2, 'clock', 0, 0, 2, 2, ?3, ?3)",
                rusqlite::params![ids.1, ids.0, now],
            )?;
            tx.execute(
                "INSERT INTO study_playlists(id, user_id, title, embed_url, created_at, updated_at)
                 VALUES (?1, ?2, 'Theirs', 'https://open.spotify.com/embed/playlist/x', ?3, ?3)",
                rusqlite::params![ids.2, user, now],
            )?;
            Ok(())
        })
        .unwrap();
    (ids.0.into(), ids.1.into(), ids.2.into())
}

fn audit_count(f: &Fixture, action: &str) -> i64 {
    f.app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM audit_logs WHERE action = ?1", [action], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn the_first_list_creates_the_focus_room_once() {
    let f = common::open();
    let list = f.app.workspace_list().unwrap();
    assert_eq!(list.len(), 1);
    let ws = &list[0];
    assert_eq!(ws.name, "Focus room");
    assert_eq!(kinds(ws), [WidgetKind::Clock, WidgetKind::Timer, WidgetKind::Todo]);
    assert_eq!(ws.background.kind, BackgroundType::Color);
    assert!(ws.background.color.is_some() && ws.background.attachment.is_none());
    let places: Vec<_> = ws.widgets.iter().map(|w| (w.x, w.y, w.w, w.h)).collect();
    assert_eq!(places, [(0, 0, 4, 2), (4, 0, 4, 3), (8, 0, 4, 5)]);
    // Written by one transaction (one action in the audit trail), and only once.
    assert_eq!(audit_count(&f, "immerse.workspace.create_default"), 4);
    assert_eq!(f.app.workspace_list().unwrap(), list);
    assert_eq!(f.count("immersive_workspaces"), 1);
    let f = f.reopen();
    assert_eq!(f.app.workspace_list().unwrap(), list);
}

#[test]
fn workspaces_can_be_added_renamed_and_deleted() {
    let f = common::open();
    let room = first(&f);
    let exam = f.app.workspace_add("  Exam week ").unwrap();
    assert_eq!((exam.name.as_str(), exam.widgets.len()), ("Exam week", 0));
    let names: Vec<_> = f.app.workspace_list().unwrap().into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["Focus room", "Exam week"]);

    assert_eq!(f.app.workspace_add("focus ROOM").unwrap_err().kind(), "conflict");
    assert_eq!(f.app.workspace_add("   ").unwrap_err().kind(), "validation");
    assert_eq!(f.app.workspace_add(&"x".repeat(81)).unwrap_err().kind(), "validation");
    assert_eq!(f.app.workspace_rename(&exam.id, "Focus room").unwrap_err().kind(), "conflict");
    assert_eq!(f.app.workspace_rename(&exam.id, "Finals").unwrap().name, "Finals");
    assert_eq!(f.app.workspace_rename(&exam.id, "finals").unwrap().name, "finals", "its own name in another case");

    f.app.workspace_delete(&room.id).unwrap();
    assert_eq!(f.count("immersive_widgets"), 0, "the widgets went with it");
    let err = f.app.workspace_delete(&exam.id).unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("last workspace"), "{err}");
    assert_eq!(f.app.workspace_list().unwrap().len(), 1);
}

#[test]
fn widgets_are_added_updated_and_removed() {
    let f = common::open();
    let ws = first(&f);
    let ws = f.app.widget_add(&ws.id, "notes").unwrap();
    let notes = ws.widgets.iter().find(|w| w.kind == WidgetKind::Notes).unwrap().clone();
    assert_eq!((notes.x, notes.y, notes.w, notes.h), (0, 2, 4, 4), "the first free place under the clock");
    assert_eq!(notes.settings, json!({"text": ""}));

    let err = f.app.widget_add(&ws.id, "weather").unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("clock, timer, todo, notes, playlist"), "{err}");

    let ws = f.app.widget_update(&notes.id, Some(" Formulas "), json!({"text": "E = mc²", "font": "serif"})).unwrap();
    let updated = ws.widgets.iter().find(|w| w.id == notes.id).unwrap();
    assert_eq!(updated.title.as_deref(), Some("Formulas"));
    assert_eq!(updated.settings, json!({"text": "E = mc²", "font": "serif"}));
    for bad in [json!([1, 2]), json!("text"), json!({"text": 5}), json!({"text": "x".repeat(10_001)})] {
        assert_eq!(f.app.widget_update(&notes.id, None::<&str>, bad).unwrap_err().kind(), "validation");
    }
    assert_eq!(f.app.widget_update(&notes.id, Some(&"t".repeat(121)), json!({})).unwrap_err().kind(), "validation");

    // A playlist widget points at one of the user's playlists, or none.
    let ws = f.app.widget_add(&ws.id, "playlist").unwrap();
    let playlist = ws.widgets.iter().find(|w| w.kind == WidgetKind::Playlist).unwrap().clone();
    assert_eq!(playlist.settings, json!({"playlist_id": null}));
    let mine = f
        .app
        .playlist_add(NewStudyPlaylist {
            title: "Lo-fi".into(),
            provider: Some("youtube".into()),
            embed_url: "https://www.youtube.com/embed/x".into(),
        })
        .unwrap()
        .remove(0);
    let ws = f.app.widget_update(&playlist.id, None::<&str>, json!({"playlist_id": mine.id})).unwrap();
    assert_eq!(ws.widgets.iter().find(|w| w.id == playlist.id).unwrap().settings["playlist_id"], json!(mine.id));
    let (_, _, theirs) = other_users_things(&f);
    assert_eq!(f.app.widget_update(&playlist.id, None::<&str>, json!({"playlist_id": theirs})).unwrap_err().kind(), "not_found");
    assert_eq!(f.app.widget_update(&playlist.id, None::<&str>, json!({"playlist_id": 3})).unwrap_err().kind(), "validation");

    let ws = f.app.widget_remove(&notes.id).unwrap();
    assert!(ws.widgets.iter().all(|w| w.id != notes.id));
    assert_eq!(f.app.widget_remove(&notes.id).unwrap_err().kind(), "not_found");
}

#[test]
fn widget_count_is_limited() {
    let f = common::open();
    let ws = f.app.workspace_add("Busy").unwrap();
    for _ in 0..24 {
        f.app.widget_add(&ws.id, "clock").unwrap();
    }
    assert_eq!(f.app.widget_add(&ws.id, "clock").unwrap_err().kind(), "validation");
}

#[test]
fn the_layout_persists_and_is_all_or_nothing() {
    let f = common::open();
    let ws = first(&f);
    let ids: Vec<String> = ws.widgets.iter().map(|w| w.id.clone()).collect();
    let ws = f
        .app
        .widget_layout(&ws.id, &[place(&ids[0], 8, 0, 4, 2), place(&ids[1], 0, 0, 8, 6), place(&ids[2], 8, 2, 4, 4)])
        .unwrap();
    let placed: Vec<_> = ws.widgets.iter().map(|w| (w.kind, w.x, w.y, w.w, w.h)).collect();
    assert_eq!(
        placed,
        [(WidgetKind::Timer, 0, 0, 8, 6), (WidgetKind::Clock, 8, 0, 4, 2), (WidgetKind::Todo, 8, 2, 4, 4)],
        "reading order: row, then column"
    );
    let changes_before = f.count("sync_changes");
    let f = f.reopen();
    assert_eq!(first(&f), ws, "the layout survives a restart");

    // Bad places: nothing moves.
    for bad in [
        place(&ids[0], -1, 0, 2, 2),
        place(&ids[0], 0, -3, 2, 2),
        place(&ids[0], 0, 0, 0, 2),
        place(&ids[0], 10, 0, 4, 2),
        place(&ids[0], 0, 0, 13, 2),
        place(&ids[0], 0, 0, 2, 13),
        place(&ids[0], 0, 301, 2, 2),
    ] {
        let err = f.app.widget_layout(&ws.id, &[place(&ids[1], 0, 0, 1, 1), bad.clone()]).unwrap_err();
        assert_eq!(err.kind(), "validation", "{bad:?}");
    }
    let twice = f.app.widget_layout(&ws.id, &[place(&ids[0], 0, 0, 1, 1), place(&ids[0], 1, 0, 1, 1)]);
    assert_eq!(twice.unwrap_err().kind(), "validation");

    // A widget of another workspace (even the user's own): not found, and the valid place
    // listed before it is rolled back.
    let other = f.app.workspace_add("Other").unwrap();
    let other = f.app.widget_add(&other.id, "clock").unwrap();
    let err = f.app.widget_layout(&ws.id, &[place(&ids[1], 0, 0, 1, 1), place(&other.widgets[0].id, 0, 0, 2, 2)]).unwrap_err();
    assert_eq!(err.kind(), "not_found");
    assert_eq!(f.app.workspace_list().unwrap()[0], ws);
    assert!(f.count("sync_changes") > changes_before, "the other workspace's writes were recorded");
}

#[test]
fn another_users_ids_are_not_found() {
    let f = common::open();
    let mine = first(&f);
    let (ws, widget, _) = other_users_things(&f);
    let nf = |r: studydesk_core::Result<Workspace>| assert_eq!(r.unwrap_err().kind(), "not_found");
    nf(f.app.workspace_rename(&ws, "Mine now"));
    nf(f.app.widget_add(&ws, "clock"));
    nf(f.app.widget_remove(&widget));
    nf(f.app.widget_update(&widget, Some("x"), json!({})));
    nf(f.app.widget_layout(&ws, &[]));
    nf(f.app.widget_layout(&mine.id, &[place(&widget, 0, 0, 1, 1)]));
    nf(f.app.workspace_set_background_color(&ws, "#000000"));
    nf(f.app.workspace_set_background_file(&ws, Some("a.png"), &png(1)));
    nf(f.app.widget_add("not-an-id", "clock"));
    assert_eq!(f.app.workspace_delete(&ws).unwrap_err().kind(), "not_found");
    // Theirs is untouched and not listed.
    assert_eq!(f.app.workspace_list().unwrap().len(), 1);
    let name: String = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT name FROM immersive_workspaces WHERE id = ?1", [&ws], |r| r.get(0))?))
        .unwrap();
    assert_eq!(name, "Theirs");
    assert!(!attachments::dir(f.dir.path()).exists(), "nothing was copied for a workspace that is not ours");
}

#[test]
fn background_colours_are_hex() {
    let f = common::open();
    let ws = first(&f);
    let ws = f.app.workspace_set_background_color(&ws.id, " #1E293B ").unwrap();
    assert_eq!((ws.background.kind, ws.background.color.as_deref()), (BackgroundType::Color, Some("#1e293b")));
    for bad in ["red", "#12345", "1e293b", "#gggggg", ""] {
        assert_eq!(f.app.workspace_set_background_color(&ws.id, bad).unwrap_err().kind(), "validation", "{bad}");
    }
}

#[test]
fn a_background_file_is_copied_hashed_and_stored_once() {
    let f = common::open();
    let ws = first(&f);
    let bytes = png(1);
    let ws = f.app.workspace_set_background_file(&ws.id, Some("C:\\Users\\me\\desk.jpg"), &bytes).unwrap();
    assert_eq!(ws.background.kind, BackgroundType::Image);
    let a = ws.background.attachment.clone().unwrap();
    // The content decides the type, not the name.
    assert_eq!((a.mime_type.as_str(), a.size_bytes, a.missing), ("image/png", bytes.len() as i64, false));
    assert_eq!(a.original_name.as_deref(), Some("desk.jpg"));
    let hash = sha256(&bytes);
    let expected = f.dir.path().join("attachments").join(&hash[..2]).join(format!("{hash}.png"));
    assert_eq!(a.file_path, expected.display().to_string());
    assert_eq!(std::fs::read(&expected).unwrap(), bytes);
    let (stored_hash, path): (String, String) = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT content_hash, path FROM attachments", [], |r| Ok((r.get(0)?, r.get(1)?)))?))
        .unwrap();
    assert_eq!(stored_hash, hash);
    assert_eq!(path, format!("attachments/{}/{hash}.png", &hash[..2]), "relative to the data folder");

    // The same content again (another workspace, another name): the same attachment.
    let other = f.app.workspace_add("Library").unwrap();
    let other = f.app.workspace_set_background_file(&other.id, Some("copy.png"), &bytes).unwrap();
    assert_eq!(other.background.attachment.as_ref().unwrap().id, a.id);
    assert_eq!(f.count("attachments"), 1);
    // No temporary file is left behind.
    let staging = f.dir.path().join("attachments").join(".staging");
    assert_eq!(std::fs::read_dir(&staging).unwrap().count(), 0);

    // A video, and a file whose content has no known signature: its extension decides.
    let ws = f.app.workspace_set_background_file(&ws.id, Some("rain.mp4"), &mp4()).unwrap();
    assert_eq!(ws.background.kind, BackgroundType::Video);
    assert_eq!(ws.background.attachment.as_ref().unwrap().mime_type, "video/mp4");
    let ws = f.app.workspace_set_background_file(&ws.id, Some("loop.WEBM"), b"no signature here").unwrap();
    assert_eq!(ws.background.attachment.as_ref().unwrap().mime_type, "video/webm");
    assert_eq!(f.count("attachments"), 3);

    // Back to a colour: the file stays stored.
    let ws = f.app.workspace_set_background_color(&ws.id, "#000").unwrap();
    assert!(ws.background.attachment.is_none());
    assert_eq!(f.count("attachments"), 3);
}

#[test]
fn only_images_and_videos_under_the_cap_are_accepted() {
    let f = common::open();
    let ws = first(&f);
    for (name, bytes) in [
        ("notes.txt", b"hello".to_vec()),
        ("paper.pdf", b"%PDF-1.7 ...".to_vec()),
        ("fake.png", b"%PDF-1.7 disguised".to_vec()),
        ("song.m4a", b"\0\0\0\x20ftypM4A \0\0\0\0".to_vec()),
        ("empty.png", Vec::new()),
    ] {
        let err = f.app.workspace_set_background_file(&ws.id, Some(name), &bytes).unwrap_err();
        assert_eq!(err.kind(), "validation", "{name}");
        assert!(err.to_string().contains(name), "{err}");
    }
    let err = f.app.workspace_set_background_file(&ws.id, Some("notes.txt"), b"hello").unwrap_err();
    assert!(err.to_string().contains("is not an image (PNG, JPEG"), "{err}");

    // Over 512 MiB (a sparse file: nothing is really written).
    let big = f.dir.path().join("huge.mp4");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(attachments::MAX_BYTES + 1).unwrap();
    let err = f.app.workspace_set_background_path(&ws.id, &big).unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("too large (512.0 MiB; at most 512 MiB)"), "{err}");

    assert_eq!(f.count("attachments"), 0);
    assert_eq!(first(&f).background.kind, BackgroundType::Color, "nothing changed");
}

#[test]
fn a_file_on_disk_is_copied_and_a_deleted_one_reads_as_missing() {
    let f = common::open();
    let ws = first(&f);
    let src = f.dir.path().join("sunset.png");
    let bytes = png(9);
    std::fs::write(&src, &bytes).unwrap();
    let ws = f.app.workspace_set_background_path(&ws.id, &src).unwrap();
    let a = ws.background.attachment.clone().unwrap();
    assert!(src.exists(), "copied, not moved");
    assert_eq!((a.original_name.as_deref(), a.size_bytes), (Some("sunset.png"), bytes.len() as i64));
    assert_eq!(std::fs::read(&a.file_path).unwrap(), bytes);

    std::fs::remove_file(&a.file_path).unwrap();
    let ws = first(&f);
    let gone = ws.background.attachment.clone().unwrap();
    assert!(gone.missing, "a deleted file is shown as missing, not an error");
    assert_eq!(ws.background.kind, BackgroundType::Image);

    // Choosing the same file again puts it back under the same attachment.
    let ws = f.app.workspace_set_background_file(&ws.id, Some("sunset.png"), &bytes).unwrap();
    let back = ws.background.attachment.unwrap();
    assert_eq!((back.id.as_str(), back.missing), (a.id.as_str(), false));
    assert_eq!(f.count("attachments"), 1);
}

#[test]
fn immerse_writes_are_recorded_for_sync() {
    let f = common::open();
    let ws = first(&f);
    let before = f.count("sync_changes");
    f.app.widget_layout(&ws.id, &[place(&ws.widgets[0].id, 0, 6, 3, 3)]).unwrap();
    let changed: i64 = f
        .app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM sync_changes WHERE table_name = 'immersive_widgets' AND row_id = ?1",
                [&ws.widgets[0].id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(changed >= 2, "insert and layout");
    assert!(f.count("sync_changes") > before);
}
