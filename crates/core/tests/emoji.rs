//! The emoji picker's data as a user meets it: the Unicode catalog installed at first
//! open, search in English and Japanese, skin tones, recent and starred emoji, the
//! catalog updated in place by a newer version, and bad arguments.

mod common;

use studydesk_core::db::WriteCtx;
use studydesk_core::social::emoji::{self, catalog};

/// The found emoji, as text with any variation selector (U+FE0F) dropped for comparing.
fn search(f: &common::Fixture, q: &str) -> Vec<String> {
    f.app.emoji_search(q, None).unwrap().into_iter().map(|e| e.unicode.replace('\u{fe0f}', "")).collect()
}

fn id_of(f: &common::Fixture, shortcode: &str) -> String {
    f.app.emoji_search(shortcode, Some(1)).unwrap().remove(0).id
}

#[test]
fn the_catalog_is_installed_at_first_open_once() {
    let f = common::open();
    let cat = f.app.emoji_catalog().unwrap();
    assert_eq!(cat.version, catalog::shipped_version().unwrap());
    let names: Vec<&str> = cat.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["smileys-emotion", "people-body", "animals-nature", "food-drink", "travel-places", "activities", "objects", "symbols", "flags"]
    );
    // Every base emoji up to Emoji 15 but the components: about 1,870, in Unicode order.
    assert!(cat.emojis.len() > 1_850, "{}", cat.emojis.len());
    assert_eq!(cat.emojis[0].unicode, "😀");
    assert_eq!(cat.emojis[0].name_ja.as_deref(), Some("にっこり笑う"));
    assert!(cat.emojis.iter().any(|e| e.unicode.starts_with('📚') && e.shortcode.as_deref() == Some(":books:")));
    // Reference data: nothing recorded for sync, no audit rows.
    let changes = f.count("sync_changes");
    let audit = f.count("audit_logs");
    let rows = f.count("emojis");
    let f = f.reopen();
    assert!(!catalog::ensure(f.app.db()).unwrap(), "the same version is not written again");
    assert_eq!((f.count("emojis"), f.count("sync_changes"), f.count("audit_logs")), (rows, changes, audit));
    let captured: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name LIKE 'emoji%'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(captured, 0);
}

#[test]
fn search_finds_names_shortcodes_and_keywords_in_both_languages_best_first() {
    let f = common::open();
    assert_eq!(search(&f, "wave")[0], "👋", "an exact shortcode comes first");
    assert_eq!(search(&f, ":books:")[0], "📚", "colons are a shortcode's, not part of the word");
    assert_eq!(search(&f, "BOOKS")[0], "📚", "case does not matter");
    assert_eq!(search(&f, "手を振る")[0], "👋", "the Japanese name");
    assert!(search(&f, "勉強").contains(&"📚".to_string()) || search(&f, "本").contains(&"📚".to_string()));
    let both = search(&f, "face smiling");
    assert!(!both.is_empty() && both.contains(&"😄".to_string()));
    assert!(!both.contains(&"👋".to_string()), "every word must match");
    assert!(search(&f, "zzzqqq").is_empty());
    assert!(search(&f, "   ").is_empty(), "blank searches nothing");
    // LIKE's wildcards are the characters themselves: "%" finds the one emoji whose
    // keywords hold a percent sign, not everything.
    assert_eq!(search(&f, "%"), ["🔣"]);
    assert_eq!(f.app.emoji_search("a", Some(7)).unwrap().len(), 7);
}

#[test]
fn bad_arguments_get_clear_errors() {
    let f = common::open();
    let long = "a".repeat(101);
    let e = f.app.emoji_search(&long, None).unwrap_err();
    assert!(e.to_string().contains("query"), "{e}");
    for limit in [0, 201, -1] {
        let e = f.app.emoji_search("a", Some(limit)).unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
    }
    let e = f.app.emoji_skin_tone_set(6).unwrap_err();
    assert!(e.to_string().contains("skin_tone"), "{e}");
    assert_eq!(f.app.emoji_use("not-an-id").unwrap_err().kind(), "not_found");
    assert_eq!(f.app.emoji_use("").unwrap_err().kind(), "not_found");
    let e = f.app.emoji_use("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap_err();
    assert_eq!(e.kind(), "not_found", "{e}");
    assert_eq!(f.count("user_emoji_favorites"), 0, "nothing was written");
}

#[test]
fn the_skin_tone_applies_to_lists_search_and_favorites() {
    let f = common::open();
    let wave = id_of(&f, "wave");
    assert_eq!(f.app.emoji_skin_tone_set(3).unwrap(), 3);
    assert_eq!(search(&f, "wave")[0], "👋🏽");
    let cat = f.app.emoji_catalog().unwrap();
    assert_eq!(cat.skin_tone, 3);
    let w = cat.emojis.iter().find(|e| e.id == wave).unwrap();
    assert!(w.has_skin_tones && w.unicode == "👋🏽");
    let books = cat.emojis.iter().find(|e| e.shortcode.as_deref() == Some(":books:")).unwrap();
    assert!(!books.has_skin_tones, "emoji without tones stay as they are");
    f.app.emoji_favorite_set(&wave, true).unwrap();
    assert_eq!(f.app.emoji_catalog().unwrap().mine.favorites[0].unicode, "👋🏽");
    f.app.emoji_skin_tone_set(0).unwrap();
    assert_eq!(search(&f, "wave")[0], "👋");
}

#[test]
fn uses_and_stars_are_kept_per_base_emoji() {
    let f = common::open();
    let wave = id_of(&f, "wave");
    let books = id_of(&f, "books");
    f.app.emoji_use(&wave).unwrap();
    f.clock.advance(chrono::Duration::minutes(1));
    let mine = f.app.emoji_use(&books).unwrap();
    assert_eq!(mine.recent.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [books.as_str(), wave.as_str()], "newest first");
    assert!(mine.favorites.is_empty());

    // A variant's id counts for its base.
    let dark_wave: String = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT id FROM emojis WHERE shortcode = ':wave::skin-tone-5:'", [], |r| r.get(0))?))
        .unwrap();
    f.clock.advance(chrono::Duration::minutes(1));
    let mine = f.app.emoji_use(&dark_wave).unwrap();
    assert_eq!(mine.recent[0].id, wave);
    let uses: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT usage_count FROM user_emoji_favorites WHERE emoji_id = ?1", [&wave], |r| r.get(0))?))
        .unwrap();
    assert_eq!(uses, 2);

    let mine = f.app.emoji_favorite_set(&books, true).unwrap();
    assert_eq!(mine.favorites.len(), 1);
    let again = f.app.emoji_favorite_set(&books, true).unwrap();
    assert_eq!(again, mine, "starring twice is one star");
    let mine = f.app.emoji_favorite_set(&books, false).unwrap();
    assert!(mine.favorites.is_empty());
    assert!(mine.recent.iter().any(|e| e.id == books), "unstarring keeps the use");
    assert_eq!(f.count("user_emoji_favorites"), 2);
    // These rows are the user's: they sync.
    let queued: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'user_emoji_favorites'", [], |r| r.get(0))?))
        .unwrap();
    assert!(queued >= 2);
}

#[test]
fn a_newer_catalog_updates_in_place_and_keeps_favorites() {
    let f = common::open();
    let wave = id_of(&f, "wave");
    f.app.emoji_favorite_set(&wave, true).unwrap();
    // An older catalog: another version, a renamed emoji, a dropped one, and a standard
    // emoji the new catalog no longer has (with a favorite of it).
    let stale = "0190a1b2-c3d4-8e5f-8a9b-0c1d2e3f4a5b";
    let me = f.app.user_id();
    f.app
        .db()
        .write(WriteCtx::reference_data("test.old_catalog"), |tx| {
            tx.execute("UPDATE app_settings SET setting_value = '\"emojibase-data 15.0.0, Emoji 15\"' WHERE setting_key = ?1", [catalog::VERSION_KEY])?;
            tx.execute("UPDATE emojis SET name = 'old name' WHERE id = ?1", [&wave])?;
            tx.execute("DELETE FROM emojis WHERE shortcode = ':books:'", [])?;
            tx.execute(
                "INSERT INTO emojis (id, category_id, unicode, name, is_custom, sort_order) VALUES (?1, 1, 'X', 'retired', 0, 0)",
                [stale],
            )?;
            Ok(())
        })
        .unwrap();
    f.app
        .db()
        .write(WriteCtx::by(&me, "test.fav"), |tx| {
            tx.execute(
                "INSERT INTO user_emoji_favorites (id, user_id, emoji_id, usage_count) VALUES ('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', ?1, ?2, 1)",
                [&me, stale],
            )?;
            Ok(())
        })
        .unwrap();
    let f = f.reopen();
    let cat = f.app.emoji_catalog().unwrap();
    assert_eq!(cat.version, catalog::shipped_version().unwrap());
    assert_eq!(cat.emojis.iter().find(|e| e.id == wave).unwrap().name, "waving hand");
    assert!(cat.emojis.iter().any(|e| e.shortcode.as_deref() == Some(":books:")));
    assert!(!cat.emojis.iter().any(|e| e.id == stale));
    assert_eq!(cat.mine.favorites.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [wave.as_str()], "the favorite survived");
    assert_eq!(f.count("user_emoji_favorites"), 1, "the retired emoji's favorite went with it");
}

#[test]
fn shortcodes_of_variants_name_their_base() {
    assert_eq!(emoji::catalog::variant_shortcode(":wave:", "3"), ":wave::skin-tone-3:");
}
