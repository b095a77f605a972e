//! `emoji`: search the catalog (Unicode and my custom emoji), list it, and add or delete
//! my custom emoji (an image under a `:shortcode:`, synced with its file to every account
//! that can read my posts). `--json` prints what the app's commands answer.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::social::emoji::custom::{CustomEmoji, MAX_BYTES};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum EmojiCommand {
    /// Emoji whose English or Japanese name, shortcode or keywords contain every word
    /// (my custom emoji included).
    Search {
        words: Vec<String>,
        /// At most this many (1 to 200).
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Every base emoji in Unicode's order, or with --custom the custom emoji on this
    /// device (mine first).
    List {
        #[arg(long)]
        custom: bool,
        #[arg(long)]
        json: bool,
    },
    /// Add my custom emoji: a PNG, GIF, WebP or JPEG of at most 256 KiB and 512×512 pixels.
    Add {
        file: PathBuf,
        /// 2 to 32 characters of a-z, 0-9 and _ (colons optional), not a standard emoji's.
        #[arg(long)]
        shortcode: String,
        /// A description (the shortcode when left out).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete my custom emoji, by id or :shortcode:.
    Delete { emoji: String },
}

pub fn emoji(app: &Studydesk, cmd: EmojiCommand) -> Result<(), CoreError> {
    match cmd {
        EmojiCommand::Search { words, limit, json } => search(app, &words.join(" "), limit, json),
        EmojiCommand::List { custom: true, json } => {
            let list = app.custom_emoji_list()?;
            if json {
                return terminal::json(&list, true);
            }
            if list.is_empty() {
                say!("no custom emoji on this device");
            }
            for e in &list {
                say!("{}", line(e));
            }
            Ok(())
        }
        EmojiCommand::List { custom: false, json } => {
            let catalog = app.emoji_catalog()?;
            if json {
                return terminal::json(&catalog.emojis, true);
            }
            for e in &catalog.emojis {
                say!("{}  {}  {}", e.unicode, field(e.shortcode.as_deref().unwrap_or("")), field(&e.name));
            }
            Ok(())
        }
        EmojiCommand::Add { file, shortcode, name, json } => {
            let bytes = read_image(&file)?;
            let added = app.custom_emoji_add(shortcode, name, &bytes)?;
            if json {
                return terminal::json(&added, true);
            }
            say!("added {}", line(&added));
            Ok(())
        }
        EmojiCommand::Delete { emoji } => {
            let id = custom_id(app, &emoji)?;
            app.custom_emoji_delete(id.as_str())?;
            say!("deleted {}", field(&emoji));
            Ok(())
        }
    }
}

fn search(app: &Studydesk, query: &str, limit: i64, json: bool) -> Result<(), CoreError> {
    let found = app.emoji_search(query, Some(limit))?;
    if json {
        return terminal::json(&found, true);
    }
    if found.is_empty() {
        say!("no emoji matches {}", field(query));
    }
    for e in found {
        let ja = e.name_ja.as_deref().map(|n| format!(" / {}", field(n))).unwrap_or_default();
        let custom = if e.image_url.is_some() { "  (custom)" } else { "" };
        say!("{}  {}  {}{ja}{custom}", e.unicode, field(e.shortcode.as_deref().unwrap_or("")), field(&e.name));
    }
    Ok(())
}

fn line(e: &CustomEmoji) -> String {
    let whose = if e.mine { "mine".to_string() } else { format!("by {}", e.created_by) };
    format!("{}  {}  {}  ({whose})  {}", e.id, field(&e.shortcode), field(&e.name), e.image_url)
}

/// The file's bytes, refused by its size before it is read (a large file is never loaded).
fn read_image(path: &std::path::Path) -> Result<Vec<u8>, CoreError> {
    let meta = std::fs::metadata(path).map_err(|e| CoreError::io(format!("could not read {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(CoreError::validation(format!("{} is not a file", path.display())));
    }
    if meta.len() > MAX_BYTES {
        return Err(CoreError::validation(format!(
            "{} is {} KiB; a custom emoji may be at most {} KiB",
            path.display(),
            meta.len().div_ceil(1024),
            MAX_BYTES / 1024
        )));
    }
    std::fs::read(path).map_err(|e| CoreError::io(format!("could not read {}", path.display()), e))
}

/// The id of my custom emoji named by id or `:shortcode:`.
fn custom_id(app: &Studydesk, given: &str) -> Result<String, CoreError> {
    let mine = app.custom_emoji_list()?.into_iter().filter(|e| e.mine);
    let wanted = format!(":{}:", given.trim().trim_matches(':'));
    mine.into_iter()
        .find(|e| e.id == given || e.shortcode == wanted)
        .map(|e| e.id)
        .ok_or_else(|| CoreError::not_found("custom emoji", given.to_string()))
}
