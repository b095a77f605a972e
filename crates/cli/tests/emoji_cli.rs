//! `emoji add FILE --shortcode S [--name N]`, `emoji list --custom --json`, `emoji search`
//! and `emoji delete` as a script uses them: a custom emoji is added from a file, listed,
//! found by search beside Unicode ones, refused in words with nothing written, deleted.

mod run;

use run::{fails, json, ok};
use std::path::{Path, PathBuf};

fn png(dir: &Path, name: &str, w: u32, h: u32, pad: usize) -> PathBuf {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0]);
    b.extend(std::iter::repeat_n(7u8, pad));
    let path = dir.join(name);
    std::fs::write(&path, b).unwrap();
    path
}

fn custom(dir: &Path) -> Vec<serde_json::Value> {
    json(dir, &["emoji", "list", "--custom", "--json"]).as_array().unwrap().clone()
}

#[test]
fn a_custom_emoji_is_added_listed_found_and_deleted() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let cat = png(files.path(), "cat.png", 128, 128, 200);
    let out = ok(d.path(), &["emoji", "add", cat.to_str().unwrap(), "--shortcode", ":cat_wave:", "--name", "Cat waving"]);
    assert!(out.starts_with("added ") && out.contains(":cat_wave:  Cat waving  (mine)"), "{out}");
    let list = custom(d.path());
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["shortcode"].as_str(), list[0]["name"].as_str(), list[0]["mine"].as_bool()), (Some(":cat_wave:"), Some("Cat waving"), Some(true)));
    assert!(list[0]["image_url"].as_str().unwrap().starts_with("attachment:"));

    let found = json(d.path(), &["emoji", "search", "cat", "--limit", "100", "--json"]);
    let found = found.as_array().unwrap();
    assert!(found.iter().any(|e| e["unicode"] == ":cat_wave:" && e["image_url"].is_string()), "my custom emoji");
    assert!(found.iter().any(|e| e["image_url"].is_null()), "and Unicode cats");
    assert!(ok(d.path(), &["emoji", "search", "cat_wave"]).contains(":cat_wave:  :cat_wave:  Cat waving  (custom)"));

    ok(d.path(), &["emoji", "delete", ":cat_wave:"]);
    assert!(custom(d.path()).is_empty());
    let err = fails(d.path(), &["emoji", "delete", "cat_wave"]);
    assert!(err.contains("not_found"), "{err}");
}

#[test]
fn bad_files_and_shortcodes_are_refused_in_words_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let good = png(files.path(), "ok.png", 64, 64, 100);
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (good.clone(), "smile", "is a standard emoji's shortcode"),
        (good.clone(), "no way", "only a-z, 0-9 and _"),
        (good.clone(), "x", "2 to 32 characters"),
        (png(files.path(), "huge.png", 1024, 1024, 100), "huge", "1024×1024 pixels"),
        (png(files.path(), "heavy.png", 64, 64, 300 * 1024), "heavy", "a custom emoji may be at most 256 KiB"),
        ({
            let p = files.path().join("essay.png");
            std::fs::write(&p, "a text file named .png").unwrap();
            p
        }, "essay", "PNG, GIF, WebP or JPEG"),
    ];
    for (file, code, why) in cases {
        let err = fails(d.path(), &["emoji", "add", file.to_str().unwrap(), "--shortcode", code]);
        assert!(err.starts_with("error (validation)") && err.contains(why), "{code}: {err}");
    }
    assert!(custom(d.path()).is_empty(), "nothing written");
    assert!(std::fs::read_dir(d.path().join("attachments")).map(|r| r.flatten().all(|e| e.file_name() == ".staging")).unwrap_or(true));
}
