// A profile page, mine or anyone's I can see (issue 14): name, @username, bio, location,
// interest tags, joined date, the three counters (kept by the core's write path), how we
// stand (follows you, asked to follow you), the relation buttons (Follow / Requested /
// Following, Mute, Block behind a dialog that says what blocking does), and below, their
// posts (posts_page, user scope, paged by cursor) or one of the people lists. My own page
// has Edit profile, the "Approve followers" switch, and my requests, blocks and mutes.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Ref } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { FeedScope } from "../api/bindings/FeedScope";
import type { PeopleList } from "../api/bindings/PeopleList";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { LoadError, Loading } from "../components/Status";
import { useNavigate } from "../lib/navigation";
import { usePrefs } from "../lib/prefs";
import { PostItem } from "./FeedPage";
import { OWN_LISTS, PeopleListView, useRelationRefresh } from "./PeopleLists";
import { Avatar } from "./Avatar";
import { nameOf } from "./PersonLink";
import { ProfileForm } from "./ProfileForm";
import "./ProfilePage.css";

type View = "posts" | PeopleList;

/** "2026-11-01" → "November 2026" / "2026年11月". */
function joinedText(date: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(date);
  if (!m) return date;
  return new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { timeZone: "UTC", year: "numeric", month: "long" }).format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15)),
  );
}

/** Follow / Requested (cancel) / Following (unfollow), Mute / Unmute, Block / Unblock. */
function RelationButtons({ card }: { card: ProfileCard }) {
  const { t } = useTranslation();
  const refresh = useRelationRefresh();
  const id = card.profile.id;
  const name = nameOf(card.profile, t("feed.someone"));
  const done = { meta: { inlineError: true }, onSuccess: () => void refresh() };
  const follow = useApiMutation((on: boolean) => (on ? api.follow(id) : api.unfollow(id)), done);
  const mute = useApiMutation((on: boolean) => api.muteSet(id, on), done);
  const block = useApiMutation((on: boolean) => api.blockSet(id, on), done);
  const [confirmBlock, setConfirmBlock] = useState(false);
  const busy = follow.isPending || mute.isPending || block.isPending;
  const error = follow.error ?? mute.error ?? block.error;
  const r = card.relation;
  let followPart;
  if (r.blocked) {
    followPart = null;
  } else if (r.following === "following") {
    followPart = (
      <>
        <span className="badge" data-testid="relation-following">
          {t("profile.following")}
        </span>
        <button type="button" className="button subtle" data-testid="profile-unfollow" disabled={busy} onClick={() => follow.mutate(false)}>
          {t("profile.unfollow")}
        </button>
      </>
    );
  } else if (r.following === "requested") {
    followPart = (
      <>
        <span className="badge" data-testid="relation-requested">
          {t("profile.requested")}
        </span>
        <button type="button" className="button subtle" data-testid="profile-cancel-request" disabled={busy} onClick={() => follow.mutate(false)}>
          {t("profile.cancelRequest")}
        </button>
      </>
    );
  } else {
    followPart = (
      <button type="button" className="button primary" data-testid="profile-follow" disabled={busy} onClick={() => follow.mutate(true)}>
        {t("profile.follow")}
      </button>
    );
  }
  return (
    <div className="profile-actions">
      {followPart}
      <button type="button" className="button subtle" data-testid="profile-mute" aria-pressed={r.muted} disabled={busy} onClick={() => mute.mutate(!r.muted)}>
        {r.muted ? t("profile.unmute") : t("profile.mute")}
      </button>
      <button
        type="button"
        className={`button subtle ${r.blocked ? "" : "danger-text"}`}
        data-testid="profile-block"
        aria-pressed={r.blocked}
        disabled={busy}
        onClick={() => (r.blocked ? block.mutate(false) : setConfirmBlock(true))}
      >
        {r.blocked ? t("profile.unblock") : t("profile.block")}
      </button>
      {error ? (
        <p role="alert" className="field-error profile-actions-error">
          {errorText(t, error)}
        </p>
      ) : null}
      {confirmBlock ? (
        <ConfirmDialog
          testId="block-dialog"
          title={t("profile.blockTitle", { name })}
          message={t("profile.blockBody", { name })}
          confirmLabel={t("profile.block")}
          onCancel={() => setConfirmBlock(false)}
          onConfirm={() => {
            setConfirmBlock(false);
            block.mutate(true);
          }}
        />
      ) : null}
    </div>
  );
}

/** The "Approve followers" switch of my profile, with what it does in a sentence. */
function PolicySwitch({ card }: { card: ProfileCard }) {
  const { t } = useTranslation();
  const refresh = useRelationRefresh();
  const set = useApiMutation((approve: boolean) => api.followPolicySet(approve ? "approve" : "open"), {
    meta: { inlineError: true },
    onSuccess: () => void refresh(),
  });
  const approve = card.profile.follow_policy === "approve";
  return (
    <div className="profile-policy">
      <label className="profile-policy-switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="profile-policy"
          checked={approve}
          disabled={set.isPending}
          aria-describedby="profile-policy-hint"
          onChange={(e) => set.mutate(e.target.checked)}
        />
        <span>{t("profile.policy")}</span>
      </label>
      <p id="profile-policy-hint" className="hint">
        {t("profile.policyHint")}
      </p>
      {set.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, set.error)}
        </p>
      ) : null}
    </div>
  );
}

function ProfilePosts({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const scope: FeedScope = { kind: "user", user_id: userId };
  const feed = useInfiniteQuery({
    queryKey: ["posts_page", scope],
    queryFn: ({ pageParam }: { pageParam: string | null }) => api.postsPage(scope, pageParam, 20),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const posts = feed.data?.pages.flatMap((p) => p.posts) ?? [];
  return (
    <section className="profile-posts" aria-label={t("profile.posts")} data-testid="profile-posts">
      {feed.isPending ? <Loading /> : null}
      {feed.isError ? <p role="alert">{errorText(t, feed.error as unknown as ApiError)}</p> : null}
      {feed.data && posts.length === 0 ? <p className="empty-note">{t("profile.noPosts")}</p> : null}
      <ul className="plain-list feed-list">
        {posts.map((p) => (
          <PostItem key={p.id} post={p} />
        ))}
      </ul>
      {feed.hasNextPage ? (
        <button type="button" className="button subtle" data-testid="profile-posts-more" onClick={() => void feed.fetchNextPage()}>
          {t("feed.more")}
        </button>
      ) : null}
    </section>
  );
}

export function ProfilePage({ headingRef, user, list }: { headingRef?: Ref<HTMLHeadingElement>; user: string | null; list?: PeopleList }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const card = useQuery<ProfileCard, ApiError>({
    queryKey: user === null ? ["profile_card"] : ["profile_card", user],
    queryFn: () => api.profileCard(user),
  });
  const [view, setView] = useState<View>(list ?? "posts");
  const [editing, setEditing] = useState(false);
  // The frame focuses the heading on arrival, but the heading comes with the card: once
  // it is there, it takes the focus the click that opened the page left nowhere.
  const heading = useRef<HTMLHeadingElement | null>(null);
  const setHeading = useCallback(
    (el: HTMLHeadingElement | null) => {
      heading.current = el;
      if (typeof headingRef === "function") headingRef(el);
      else if (headingRef) (headingRef as { current: HTMLHeadingElement | null }).current = el;
    },
    [headingRef],
  );
  const loaded = card.isSuccess;
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (loaded && lost) heading.current?.focus();
  }, [loaded]);
  const back = (
    <button type="button" className="button subtle profile-back" data-testid="profile-back" onClick={() => navigate({ page: "feed" })}>
      ← {t("profile.back")}
    </button>
  );
  if (card.isPending) return <Loading />;
  if (card.isError) {
    return (
      <div className="page profile-page" data-testid="page-profile">
        {back}
        <h1 ref={setHeading} tabIndex={-1}>
          {t("profile.title")}
        </h1>
        <LoadError error={card.error} onRetry={() => void card.refetch()} />
      </div>
    );
  }
  const c = card.data;
  const p = c.profile;
  const mine = c.relation.me;
  const name = nameOf(p, t("feed.you"));
  // My lists are asked as mine (`null`), another's by their id.
  const listUser = mine ? null : p.id;
  const views: View[] = ["posts", "followers", "following", ...(mine ? OWN_LISTS : [])];
  const label = (v: View) => (v === "posts" ? t("profile.posts") : t(`people.${v}`));
  const count = (v: View) => (v === "posts" ? p.posts_count : v === "followers" ? p.followers_count : v === "following" ? p.following_count : null);
  return (
    <div className="page profile-page" data-testid="page-profile">
      {back}
      <section className="card profile-head" aria-labelledby="profile-page-name">
        <Avatar person={p} size={72} />
        <div className="profile-head-main">
          <h1 id="profile-page-name" ref={setHeading} tabIndex={-1} className="profile-name">
            {name}
          </h1>
          {p.username ? (
            <p className="post-handle profile-handle" data-testid="profile-username-shown">
              @{p.username}
            </p>
          ) : null}
          <p className="profile-badges">
            {c.relation.follows_me === "following" ? <span className="badge">{t("profile.followsYou")}</span> : null}
            {c.relation.follows_me === "requested" ? <span className="badge">{t("profile.asksToFollow")}</span> : null}
          </p>
          {p.bio ? <p className="profile-bio">{p.bio}</p> : null}
          <p className="profile-meta">
            {p.location ? (
              <span>
                <span className="sr-only">{t("feed.location")}: </span>
                {p.location}
              </span>
            ) : null}
            {p.joined_at ? <span data-testid="profile-joined">{t("profile.joined", { date: joinedText(p.joined_at, locale) })}</span> : null}
          </p>
          {c.tags.length > 0 ? (
            <p className="post-chips">
              {c.tags.map((tag) => (
                <span key={tag} className="chip tag">
                  #{tag}
                </span>
              ))}
            </p>
          ) : null}
          <div className="profile-stats">
            {(["followers", "following", "posts"] as const).map((v) => (
              <button key={v} type="button" className="profile-stat" data-testid={`profile-count-${v}`} aria-pressed={view === v} onClick={() => setView(v)}>
                <span className="profile-stat-value">{count(v)}</span> <span className="profile-stat-label">{label(v)}</span>
              </button>
            ))}
          </div>
          {mine ? (
            editing ? (
              <ProfileForm
                card={c}
                onDone={() => {
                  setEditing(false);
                  void qc.invalidateQueries({ queryKey: ["profile_card"] });
                }}
              />
            ) : (
              <div className="profile-actions">
                <button type="button" className="button subtle" data-testid="profile-page-edit" onClick={() => setEditing(true)}>
                  {t("feed.editProfile")}
                </button>
              </div>
            )
          ) : (
            <RelationButtons card={c} />
          )}
          {mine ? <PolicySwitch card={c} /> : null}
          {mine && !c.reaches_others ? (
            <p className="hint" data-testid="profile-offline-note">
              {t("feed.notSignedIn")}
            </p>
          ) : null}
          {!mine && c.relation.blocked ? <p className="hint">{t("profile.blockedNote")}</p> : null}
          {!mine && c.relation.muted ? <p className="hint">{t("profile.mutedNote")}</p> : null}
          {!mine && !c.relation.blocked && p.follow_policy === "approve" && c.relation.following !== "following" ? (
            <p className="hint">{t("profile.approveNote", { name })}</p>
          ) : null}
        </div>
      </section>
      <div className="profile-tabs" role="tablist" aria-label={t("profile.views")}>
        {views.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            id={`profile-tab-${v}`}
            aria-selected={view === v}
            aria-controls="profile-view"
            className={`button small ${view === v ? "primary" : "subtle"}`}
            data-testid={`profile-tab-${v}`}
            onClick={() => setView(v)}
          >
            {label(v)}
            {count(v) !== null ? <span className="profile-tab-count">{count(v)}</span> : null}
          </button>
        ))}
      </div>
      <div id="profile-view" role="tabpanel" aria-labelledby={`profile-tab-${view}`}>
        {view === "posts" ? <ProfilePosts userId={p.id} /> : <PeopleListView key={view} user={listUser} list={view} mine={mine} />}
      </div>
    </div>
  );
}
