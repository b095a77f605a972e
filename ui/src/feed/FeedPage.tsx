// Feed (issue 14): study logs of the people I follow and mine (Following), or public posts
// by tag (Discover), newest first and paged by cursor; a composer; likes and comments; my
// profile with its counters and whether posts reach anyone (signed in to a sync server).
import { lazy, Suspense, useRef, useState } from "react";
import type { FormEvent, Ref } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { Face } from "../api/bindings/Face";
import type { FeedScope } from "../api/bindings/FeedScope";
import type { FollowState } from "../api/bindings/FollowState";
import type { Post } from "../api/bindings/Post";
import type { PostDraft } from "../api/bindings/PostDraft";
import type { PostVisibility } from "../api/bindings/PostVisibility";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { usePrefs } from "../lib/prefs";
import { relativeTime } from "../lib/relativeTime";
import { Icon } from "../components/Icon";
import { EmojiText } from "../emoji/EmojiText";
import { EmojiButton } from "../emoji/EmojiButton";
import type { ComposerPrefill } from "../lib/navigation";
import { useNavigate } from "../lib/navigation";
import { nameOf, PersonAvatarLink, PersonLink } from "./PersonLink";
import { ProfileForm } from "./ProfileForm";
import { MediaPicker, pickedFromPost, toDrafts } from "./MediaPicker";
import type { PickedMedia } from "./MediaPicker";
import { PostMediaGrid } from "./PostMedia";
import { ProfileImages } from "./ProfileImages";
import "./FeedPage.css";

// The emoji picker (and its catalog) load when first opened, not with the page.
const EmojiPicker = lazy(() => import("../emoji/EmojiPicker").then((m) => ({ default: m.EmojiPicker })));

const feedKey = (scope: FeedScope) => ["posts_page", scope] as const;

/** The composer; with `editing`, the form that edits that post (its visibility stays). */
function Composer({ onPosted, editing, onCancel, prefill }: { onPosted: () => void; editing?: Post; onCancel?: () => void; prefill?: ComposerPrefill }) {
  const { t } = useTranslation();
  const [content, setContent] = useState(editing?.content ?? "");
  const [subject, setSubject] = useState(editing?.subject ?? prefill?.subject ?? "");
  const [book, setBook] = useState(editing?.book_title ?? "");
  const [duration, setDuration] = useState(editing?.study_duration ?? prefill?.studyDuration ?? "");
  const [tags, setTags] = useState(editing ? editing.tags.join(", ") : "");
  const [visibility, setVisibility] = useState<PostVisibility>(editing?.visibility ?? "public");
  const [media, setMedia] = useState<PickedMedia[]>(() => pickedFromPost(editing?.media ?? []));
  const post = useApiMutation((d: PostDraft) => (editing ? api.postEdit(editing.id, d) : api.postCreate(d)), {
    meta: { inlineError: true },
    onSuccess: () => {
      if (!editing) {
        setContent("");
        setSubject("");
        setBook("");
        setDuration("");
        setTags("");
        setMedia([]);
      }
      onPosted();
    },
  });
  const idp = editing ? `edit-${editing.id}` : "composer";
  const textRef = useRef<HTMLTextAreaElement | null>(null);
  const [picking, setPicking] = useState(false);
  // The picked emoji goes in at the caret (or replaces the selection), and the caret follows it.
  const insertEmoji = (emoji: string) => {
    const el = textRef.current;
    const start = el?.selectionStart ?? content.length;
    const end = el?.selectionEnd ?? content.length;
    setContent((c) => c.slice(0, start) + emoji + c.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    post.mutate({
      content,
      subject: subject || null,
      book_title: book || null,
      study_duration: duration || null,
      tags: tags.split(/[,\s]+/).filter(Boolean),
      visibility: editing ? null : visibility,
      media: toDrafts(media),
    });
  };
  return (
    <form className={editing ? "composer composer-edit" : "card composer"} onSubmit={submit} data-testid={editing ? "post-edit-form" : "composer"} aria-labelledby={`${idp}-title`}>
      <h2 id={`${idp}-title`} className={editing ? "sr-only" : "card-title"}>
        {editing ? t("feed.editPost") : t("feed.write")}
      </h2>
      <label className="field">
        <span>{t("feed.content")}</span>
        <textarea ref={textRef} data-testid="composer-text" rows={3} autoFocus={Boolean(prefill)} value={content} onChange={(e) => setContent(e.target.value)} />
      </label>
      <button type="button" className="icon-button composer-emoji" data-testid="composer-emoji" aria-label={t("feed.insertEmoji")} title={t("feed.insertEmoji")} onClick={() => setPicking(true)}>
        <Icon name="smile" size={18} />
      </button>
      {picking ? (
        <Suspense fallback={null}>
          <EmojiPicker onPick={(e) => insertEmoji(e.unicode)} onClose={() => setPicking(false)} />
        </Suspense>
      ) : null}
      <MediaPicker items={media} setItems={setMedia} idPrefix={idp} />
      <div className="composer-row">
        <label className="field">
          <span>{t("feed.subject")}</span>
          <input data-testid="composer-subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("feed.book")}</span>
          <input data-testid="composer-book" value={book} onChange={(e) => setBook(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("feed.duration")}</span>
          <input data-testid="composer-duration" placeholder="1h 30m" value={duration} onChange={(e) => setDuration(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("feed.tags")}</span>
          <input data-testid="composer-tags" placeholder="exam, maths" value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("feed.visibility")}</span>
          <select data-testid="composer-visibility" disabled={Boolean(editing)} value={visibility} onChange={(e) => setVisibility(e.target.value as PostVisibility)}>
            <option value="public">{t("feed.vis.public")}</option>
            <option value="followers">{t("feed.vis.followers")}</option>
            <option value="only_me">{t("feed.vis.only_me")}</option>
          </select>
        </label>
      </div>
      <p className="hint">{t("feed.visibilityFixed")}</p>
      {post.isError ? (
        <p role="alert" className="field-error" data-testid="composer-error">
          {errorText(t, post.error)}
        </p>
      ) : null}
      <div className="composer-buttons">
        <button type="submit" className="button primary" data-testid="composer-post" disabled={post.isPending}>
          {editing ? t("feed.save") : t("feed.post")}
        </button>
        {onCancel ? (
          <button type="button" className="button subtle" onClick={onCancel}>
            {t("feed.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Comments({ post }: { post: Post }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ["comments_list", post.id] as const;
  const comments = useQuery<Awaited<ReturnType<typeof api.commentsList>>, ApiError>({
    queryKey: key,
    queryFn: () => api.commentsList(post.id, null),
  });
  const [body, setBody] = useState("");
  const bodyRef = useRef<HTMLInputElement | null>(null);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: key }), qc.invalidateQueries({ queryKey: ["posts_page"] })]);
  const add = useApiMutation((b: string) => api.postComment(post.id, b), {
    onSuccess: () => {
      setBody("");
      void refresh();
    },
  });
  const remove = useApiMutation((id: string) => api.commentDelete(id), { onSuccess: () => void refresh() });
  return (
    <div className="comments" data-testid="comments">
      {comments.data?.map((c) => (
        <p key={c.id} className="comment">
          <PersonAvatarLink face={c.author} size={22} /> <PersonLink face={c.author}>{c.mine ? t("feed.you") : nameOf(c.author, t("feed.someone"))}</PersonLink> <EmojiText text={c.body} authorId={c.author_id} />
          {c.mine ? (
            <button type="button" className="icon-button" aria-label={t("feed.deleteComment")} onClick={() => remove.mutate(c.id)}>
              ✕
            </button>
          ) : null}
        </p>
      ))}
      <form
        className="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (body.trim()) add.mutate(body);
        }}
      >
        <label className="sr-only" htmlFor={`comment-${post.id}`}>
          {t("feed.comment")}
        </label>
        <input ref={bodyRef} id={`comment-${post.id}`} data-testid="comment-input" value={body} onChange={(e) => setBody(e.target.value)} placeholder={t("feed.comment")} />
        <EmojiButton field={bodyRef} value={body} onChange={setBody} testId="comment-emoji" />
        <button type="submit" className="button subtle" data-testid="comment-send">
          {t("feed.send")}
        </button>
      </form>
    </div>
  );
}

export function PostItem({ post }: { post: Post }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: ["posts_page"] });
  const like = useApiMutation((liked: boolean) => api.postLikeSet(post.id, liked), { onSuccess: () => void refresh() });
  const remove = useApiMutation(() => api.postDelete(post.id), { onSuccess: () => void refresh() });
  const who = post.mine ? t("feed.you") : nameOf(post.author, t("feed.someone"));
  return (
    <li className="card post" data-testid="post">
      <header className="post-header">
        <PersonAvatarLink face={post.author} size={36} />
        <PersonLink face={post.author} className="post-author">
          {who}
        </PersonLink>
        {post.author.username && post.author.display_name ? <span className="post-handle">@{post.author.username}</span> : null}
        <time className="post-time" dateTime={post.created_at}>
          {relativeTime(post.created_at, locale)}
        </time>
        {post.visibility !== "public" ? <span className="badge">{t(`feed.vis.${post.visibility}`)}</span> : null}
      </header>
      {editing ? (
        <Composer
          editing={post}
          onCancel={() => setEditing(false)}
          onPosted={() => {
            setEditing(false);
            void refresh();
          }}
        />
      ) : null}
      {!editing && post.content ? (
        <p className="post-content">
          <EmojiText text={post.content} authorId={post.user_id} />
        </p>
      ) : null}
      {!editing ? <PostMediaGrid media={post.media} /> : null}
      <p className="post-chips">
        {post.subject ? <span className="chip">{post.subject}</span> : null}
        {post.book_title ? <span className="chip">📖 {post.book_title}</span> : null}
        {post.study_duration ? <span className="chip">⏱ {post.study_duration}</span> : null}
        {post.tags.map((tag) => (
          <span key={tag} className="chip tag">
            #{tag}
          </span>
        ))}
      </p>
      <footer className="post-actions">
        <button
          type="button"
          className="button subtle"
          data-testid="post-like"
          aria-pressed={post.liked_by_me}
          onClick={() => like.mutate(!post.liked_by_me)}
        >
          {post.liked_by_me ? "♥" : "♡"} {t("feed.likes", { count: post.like_count })}
        </button>
        <button type="button" className="button subtle" aria-expanded={open} data-testid="post-comments" onClick={() => setOpen((o) => !o)}>
          {t("feed.comments", { count: post.comment_count })}
        </button>
        {post.mine && !editing ? (
          <button type="button" className="button subtle" data-testid="post-edit" onClick={() => setEditing(true)}>
            {t("feed.edit")}
          </button>
        ) : null}
        {post.mine ? (
          <button
            type="button"
            className="button subtle"
            data-testid="post-delete"
            onClick={() => {
              if (window.confirm(t("feed.confirmDelete"))) remove.mutate(undefined);
            }}
          >
            {t("feed.delete")}
          </button>
        ) : null}
      </footer>
      {open ? <Comments post={post} /> : null}
    </li>
  );
}

function Suggestions() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const people = useQuery<Face[], ApiError>({ queryKey: ["people_suggestions"], queryFn: () => api.peopleSuggestions() });
  // The same query as the profile panel's (shared through the cache): whether I have tags
  // decides what an empty list says.
  const mine = useQuery<ProfileCard, ApiError>({ queryKey: ["profile_card"], queryFn: () => api.profileCard(null) });
  const [asked, setAsked] = useState<Record<string, FollowState>>({});
  const follow = useApiMutation((id: string) => api.follow(id), {
    onSuccess: (rel, id) => {
      setAsked((a) => ({ ...a, [id]: rel.following }));
      void qc.invalidateQueries({ queryKey: ["profile_card"] });
      void qc.invalidateQueries({ queryKey: ["posts_page"] });
    },
  });
  const list = people.data ?? [];
  return (
    <section className="card suggestions" data-testid="suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title" className="card-title">
        {t("feed.suggestions")}
      </h2>
      {people.data && list.length === 0 ? <p className="hint">{t(mine.data?.tags.length ? "feed.noSuggestionsTagged" : "feed.noSuggestions")}</p> : null}
      <ul className="plain-list">
        {list.map((f) => {
          const state = asked[f.id];
          return (
            <li key={f.id} className="suggestion" data-testid="suggestion">
              <span className="suggestion-name">
                <PersonLink face={f} className="post-author" />
                {f.username && f.display_name ? <span className="post-handle">@{f.username}</span> : null}
              </span>
              {state ? (
                <span className="badge">{state === "following" ? t("feed.followingNow") : t("feed.requested")}</span>
              ) : (
                <button
                  type="button"
                  className="button subtle"
                  data-testid={`follow-${f.id}`}
                  aria-label={t("feed.followWho", { name: nameOf(f, t("feed.someone")) })}
                  disabled={follow.isPending}
                  onClick={() => follow.mutate(f.id)}
                >
                  {t("feed.follow")}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ProfilePanel() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const card = useQuery<ProfileCard, ApiError>({ queryKey: ["profile_card"], queryFn: () => api.profileCard(null) });
  const [editing, setEditing] = useState(false);
  const p = card.data;
  if (!p) return card.isPending ? <Loading /> : null;
  return (
    <aside className="card profile-panel" data-testid="profile-panel" aria-labelledby="profile-title">
      <p className="profile-eyebrow">{t("feed.yourProfile")}</p>
      <ProfileImages card={p} editable />
      <h2 id="profile-title" className="card-title">
        {p.profile.display_name || t("feed.you")}
      </h2>
      {p.profile.username ? <p className="post-handle">@{p.profile.username}</p> : null}
      {p.profile.bio ? <p>{p.profile.bio}</p> : null}
      <dl className="profile-counts">
        <div>
          <dt>{t("feed.followers")}</dt>
          <dd data-testid="followers-count">{p.profile.followers_count}</dd>
        </div>
        <div>
          <dt>{t("feed.following")}</dt>
          <dd>{p.profile.following_count}</dd>
        </div>
        <div>
          <dt>{t("feed.posts")}</dt>
          <dd data-testid="posts-count">{p.profile.posts_count}</dd>
        </div>
      </dl>
      {p.tags.length > 0 ? <p className="post-chips">{p.tags.map((tag) => <span key={tag} className="chip tag">#{tag}</span>)}</p> : null}
      {!p.reaches_others ? (
        <p className="hint" data-testid="offline-note">
          {t("feed.notSignedIn")}
        </p>
      ) : null}
      {editing ? (
        <ProfileForm card={p} onDone={() => setEditing(false)} />
      ) : (
        <div className="composer-buttons">
          <button type="button" className="button subtle" data-testid="profile-open" onClick={() => navigate({ page: "profile", user: null })}>
            {t("profile.view")}
          </button>
          <button type="button" className="button subtle" data-testid="profile-edit" onClick={() => setEditing(true)}>
            {t("feed.editProfile")}
          </button>
        </div>
      )}
    </aside>
  );
}

export function FeedPage({ headingRef, prefill }: { headingRef?: Ref<HTMLHeadingElement>; prefill?: ComposerPrefill }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [tab, setTab] = useState<"home" | "discover">("home");
  const [tag, setTag] = useState("");
  const scope: FeedScope = tab === "home" ? { kind: "home" } : { kind: "discover", tag: tag.trim() || null };
  const feed = useInfiniteQuery({
    queryKey: feedKey(scope),
    queryFn: ({ pageParam }: { pageParam: string | null }) => api.postsPage(scope, pageParam, 20),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const posts = feed.data?.pages.flatMap((p) => p.posts) ?? [];
  return (
    <div className="page feed-page" data-testid="page-feed">
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {t("feed.title")}
        </h1>
      </header>
      <div className="feed-layout">
        <div className="feed-main">
          <Composer
            key={prefill?.nonce}
            prefill={prefill}
            onPosted={() => {
              void qc.invalidateQueries({ queryKey: ["posts_page"] });
              void qc.invalidateQueries({ queryKey: ["profile_card"] });
            }}
          />
          <div className="feed-tabs" role="tablist" aria-label={t("feed.title")}>
            {(["home", "discover"] as const).map((id) => (
              <button key={id} type="button" role="tab" aria-selected={tab === id} className={`button ${tab === id ? "primary" : "subtle"}`} data-testid={`feed-tab-${id}`} onClick={() => setTab(id)}>
                {t(`feed.tab.${id}`)}
              </button>
            ))}
            {tab === "discover" ? (
              <label className="feed-tag">
                <span className="sr-only">{t("feed.tagFilter")}</span>
                <input data-testid="feed-tag" placeholder={t("feed.tagFilter")} value={tag} onChange={(e) => setTag(e.target.value)} />
              </label>
            ) : null}
          </div>
          {feed.isPending ? <Loading /> : null}
          {feed.isError ? <p role="alert">{errorText(t, feed.error as unknown as ApiError)}</p> : null}
          {feed.data && posts.length === 0 ? <p className="empty-note">{t(`feed.empty.${tab}`)}</p> : null}
          <ul className="plain-list feed-list">
            {posts.map((p) => (
              <PostItem key={p.id} post={p} />
            ))}
          </ul>
          {feed.hasNextPage ? (
            <button type="button" className="button subtle" data-testid="feed-more" onClick={() => void feed.fetchNextPage()}>
              {t("feed.more")}
            </button>
          ) : null}
        </div>
        <div className="feed-side">
          <ProfilePanel />
          <Suggestions />
        </div>
      </div>
    </div>
  );
}
