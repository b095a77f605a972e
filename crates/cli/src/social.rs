//! `post`, `follow`, `unfollow`, `feed`, `activity-feed`: the social room from a terminal.
//! Users are named by `@username` or id; `--json` prints what the app's commands answer.

use crate::terminal::{self, field, say};
use clap::{Subcommand, ValueEnum};
use studydesk_core::api::Studydesk;
use studydesk_core::dashboard::activity_feed::FeedFilter;
use studydesk_core::social::posts::{FeedScope, Post, PostDraft};
use studydesk_core::social::rows::PostVisibility;
use studydesk_core::CoreError;

#[derive(Clone, Copy, ValueEnum)]
pub enum Visibility {
    Public,
    Followers,
    OnlyMe,
}

impl From<Visibility> for PostVisibility {
    fn from(v: Visibility) -> PostVisibility {
        match v {
            Visibility::Public => PostVisibility::Public,
            Visibility::Followers => PostVisibility::Followers,
            Visibility::OnlyMe => PostVisibility::OnlyMe,
        }
    }
}

#[derive(Subcommand)]
pub enum PostCommand {
    /// Write a study log.
    Add {
        text: String,
        #[arg(long)]
        subject: Option<String>,
        /// A book or resource.
        #[arg(long)]
        book: Option<String>,
        /// How long you studied, as you would write it ("1h 30m").
        #[arg(long)]
        duration: Option<String>,
        /// A tag (repeat for more).
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long, value_enum, default_value = "public")]
        visibility: Visibility,
        /// An image or short video to attach, in order (repeat for more, at most 10).
        #[arg(long = "image", value_name = "FILE")]
        images: Vec<std::path::PathBuf>,
        /// The alt text of the image or video at the same place (repeat, in order).
        #[arg(long = "alt", value_name = "TEXT")]
        alts: Vec<String>,
    },
    /// My posts, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Like a post.
    Like { id: String },
    /// Take a like back.
    Unlike { id: String },
    /// Comment on a post.
    Comment { id: String, text: String },
    /// Delete one of my posts.
    Delete { id: String },
}

impl PostCommand {
    pub fn adds(&self) -> bool {
        matches!(self, PostCommand::Add { .. })
    }
}

fn print_posts(posts: &[Post]) {
    for p in posts {
        let who = p.author.username.as_deref().map(|u| format!("@{u}")).unwrap_or_else(|| p.author.display_name.clone());
        say!(
            "{}  {}  {}  ♥{} 💬{}  {}",
            p.row.id,
            field(&p.row.created_at),
            field(&who),
            p.row.like_count,
            p.row.comment_count,
            field(p.row.content.as_deref().unwrap_or(""))
        );
        for m in &p.media {
            let size = match (m.width, m.height) {
                (Some(w), Some(h)) => format!("{w}×{h}"),
                _ => "?".into(),
            };
            let state = if m.missing { "  (not on this device yet)" } else { "" };
            say!("    {} {}  {}  {}{state}", field(&m.media_type), size, field(m.alt.as_deref().unwrap_or("")), field(&m.file_path));
        }
    }
}

pub fn post(app: &Studydesk, cmd: PostCommand) -> Result<(), CoreError> {
    match cmd {
        PostCommand::Add { text, subject, book, duration, tags, visibility, images, alts } => {
            if alts.len() > images.len() {
                return Err(CoreError::validation(format!("{} alt texts for {} images or videos", alts.len(), images.len())));
            }
            let draft = PostDraft {
                content: text,
                subject,
                book_title: book,
                study_duration: duration,
                tags,
                visibility: Some(visibility.into()),
                ..Default::default()
            };
            let files: Vec<_> = images.into_iter().enumerate().map(|(i, p)| (p, alts.get(i).cloned())).collect();
            say!("{}", app.post_create_with_files(&draft, &files)?.row.id);
        }
        PostCommand::List { json } => {
            let me = app.user_id();
            let page = app.posts_page(FeedScope::User { user_id: me }, None::<String>, Some(100))?;
            if json {
                terminal::json(&page.posts, true)?;
            } else {
                print_posts(&page.posts);
            }
        }
        PostCommand::Like { id } => {
            app.post_like_set(&id, true)?;
        }
        PostCommand::Unlike { id } => {
            app.post_like_set(&id, false)?;
        }
        PostCommand::Comment { id, text } => say!("{}", app.post_comment(&id, &text)?.row.id),
        PostCommand::Delete { id } => app.post_delete(&id)?,
    }
    Ok(())
}

pub fn follow(app: &Studydesk, user: &str, follow: bool) -> Result<(), CoreError> {
    let r = if follow { app.follow(user)? } else { app.unfollow(user)? };
    let state = serde_json::to_value(r.following).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    say!("{}: {}", field(user), state);
    Ok(())
}

/// `feed`: mine and the people I follow, newest first (`--discover`: public posts).
pub fn feed(app: &Studydesk, discover: bool, tag: Option<String>, limit: i64, json: bool) -> Result<(), CoreError> {
    let scope = if discover || tag.is_some() { FeedScope::Discover { tag } } else { FeedScope::Home };
    let page = app.posts_page(scope, None::<String>, Some(limit))?;
    if json {
        terminal::json(&page.posts, true)
    } else {
        print_posts(&page.posts);
        Ok(())
    }
}

pub fn activity_feed(app: &Studydesk, unread: bool, json: bool) -> Result<(), CoreError> {
    let page = app.activity_feed_page(None::<String>, Some(100), FeedFilter { unread_only: unread, types: vec![] })?;
    if json {
        return terminal::json(&page.items, true);
    }
    for i in &page.items {
        let mark = if i.row.is_read { " " } else { "•" };
        say!("{mark} {}  {}  {}", field(&i.row.created_at), field(&i.row.activity_type), field(&i.row.title));
    }
    Ok(())
}
