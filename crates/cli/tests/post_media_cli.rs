//! `post add --image FILE...` and `post list --json` as a script uses them: images and
//! videos checked by content, in order with their alt texts; refusals write nothing.

mod run;

use run::{fails, json, ok};
use std::path::{Path, PathBuf};

fn png(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0]);
    b.extend(std::iter::repeat_n(name.len() as u8, 50));
    let path = dir.join(name);
    std::fs::write(&path, b).unwrap();
    path
}

fn posts(dir: &Path) -> Vec<serde_json::Value> {
    json(dir, &["post", "list", "--json"]).as_array().unwrap().clone()
}

#[test]
fn post_add_attaches_images_in_order_and_list_shows_them() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let (a, b) = (png(files.path(), "board.png", 800, 600), png(files.path(), "notes.png", 300, 400));
    let id = ok(d.path(), &["post", "add", "Seminar", "--image", a.to_str().unwrap(), "--image", b.to_str().unwrap(), "--alt", "the board"]);
    let list = posts(d.path());
    assert_eq!(list[0]["id"], id.trim());
    let media = list[0]["media"].as_array().unwrap();
    let shown: Vec<_> = media.iter().map(|m| (m["order_index"].as_i64(), m["width"].as_i64(), m["alt"].as_str(), m["missing"].as_bool())).collect();
    assert_eq!(shown, [(Some(0), Some(800), Some("the board"), Some(false)), (Some(1), Some(300), None, Some(false))]);
    assert_eq!(list[0]["image_url"], media[0]["url"]);
    assert!(ok(d.path(), &["post", "list"]).contains("image 800×600  the board"));
}

#[test]
fn bad_files_are_refused_in_words_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let text = files.path().join("essay.png");
    std::fs::write(&text, "a text file renamed .png").unwrap();
    let err = fails(d.path(), &["post", "add", "x", "--image", text.to_str().unwrap()]);
    assert!(err.starts_with("error (validation): \"essay.png\" is not an image"), "{err}");
    let eleven: Vec<PathBuf> = (0..11).map(|i| png(files.path(), &format!("p{i}.png"), 10, 10)).collect();
    let mut args = vec!["post", "add", "eleven"];
    for p in &eleven {
        args.extend(["--image", p.to_str().unwrap()]);
    }
    let err = fails(d.path(), &args);
    assert!(err.contains("at most 10 images or videos (this one has 11)"), "{err}");
    let big = files.path().join("lecture.mp4");
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2").unwrap();
    f.set_len(600 * 1024 * 1024).unwrap();
    let err = fails(d.path(), &["post", "add", "long", "--image", big.to_str().unwrap()]);
    assert!(err.contains("\"lecture.mp4\" is too large: 600.0 MiB, and a video may be at most 512.0 MiB"), "{err}");
    assert!(posts(d.path()).is_empty(), "no post");
    assert!(!d.path().join("attachments").exists() || std::fs::read_dir(d.path().join("attachments")).unwrap().flatten().all(|e| e.file_name() == ".staging"), "no file copied");
}
