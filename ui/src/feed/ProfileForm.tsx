// Edit profile: display name, @username, bio, location and interest tags, saved in one
// write (profile_save); a refusal is shown in words. The username is checked as the user
// types (after a pause): available, taken, or the rule it breaks, in words; when this
// device is not signed in to a sync server, the server's check waits for the next sync.
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import type { ProfileEdit } from "../api/bindings/ProfileEdit";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import type { ApiError } from "../api/client";
import type { UsernameCheck } from "../api/bindings/UsernameCheck";
import "./ProfileForm.css";

/** How long typing must pause before the username is checked. */
export const USERNAME_CHECK_DELAY_MS = 400;

/** `value`, once it has stayed the same for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

/** The sentence for a check's answer, and whether it refuses the name. */
function verdictText(t: (k: string, o?: Record<string, unknown>) => string, c: UsernameCheck): { text: string; bad: boolean } {
  const name = c.name;
  if (c.verdict === "invalid") return { text: t(`profile.username.rule.${c.rule ?? "length"}`, { char: c.character ?? "" }), bad: true };
  if (c.verdict === "taken") {
    return { text: c.similar_to ? t("profile.username.lookalike", { name, other: c.similar_to }) : t("profile.username.taken", { name }), bad: true };
  }
  if (c.server === "checked") return { text: t("profile.username.available", { name }), bad: false };
  if (c.server === "unreachable") return { text: t("profile.username.unreachable", { name }), bad: false };
  return { text: t("profile.username.availableHere", { name }), bad: false };
}

/** What the form says under the username field; `null` when there is nothing to check. */
function UsernameStatus({ name, current }: { name: string; current: string }) {
  const { t } = useTranslation();
  const typed = name.trim().replace(/^@/, "");
  const settled = useSettled(typed, USERNAME_CHECK_DELAY_MS);
  const wanted = settled !== "" && settled !== current;
  const check = useQuery<UsernameCheck, ApiError>({
    queryKey: ["username_available", settled],
    queryFn: () => api.usernameAvailable(settled),
    enabled: wanted,
    staleTime: 30_000,
    retry: false,
  });
  let text = "";
  let bad = false;
  if (typed !== "" && typed !== current) {
    if (typed !== settled || check.isFetching) text = t("profile.username.checking", { name: typed });
    else if (check.isError) text = errorText(t, check.error);
    else if (check.data) ({ text, bad } = verdictText(t, check.data));
  }
  return (
    <p id="profile-username-status" className={`username-status ${bad ? "username-bad" : "hint"}`} data-testid="username-status" role="status" aria-live="polite" data-bad={bad || undefined}>
      {text}
    </p>
  );
}

export function ProfileForm({ card, onDone }: { card: ProfileCard; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const p = card.profile;
  const [displayName, setDisplayName] = useState(p.display_name);
  const [username, setUsername] = useState(p.username ?? "");
  const [bio, setBio] = useState(p.bio ?? "");
  const [location, setLocation] = useState(p.location ?? "");
  const [tags, setTags] = useState(card.tags.join(", "));
  const save = useApiMutation((v: { edit: ProfileEdit; tags: string[] }) => api.profileSave(v.edit, v.tags), {
    meta: { inlineError: true },
    onSuccess: (next) => {
      qc.setQueryData(["profile_card"], next);
      void qc.invalidateQueries({ queryKey: ["posts_page"] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      edit: { display_name: displayName, username, bio, location, avatar_url: null, banner_image_url: null },
      tags: tags.split(/[,\s]+/).filter(Boolean),
    });
  };
  return (
    <form className="profile-form" onSubmit={submit} data-testid="profile-form" aria-label={t("feed.editProfile")}>
      <label className="field">
        <span>{t("feed.displayName")}</span>
        <input data-testid="profile-display-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label className="field">
        <span>{t("feed.username")}</span>
        <input data-testid="profile-username" aria-describedby="profile-username-status" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <UsernameStatus name={username} current={p.username ?? ""} />
      <label className="field">
        <span>{t("feed.bio")}</span>
        <textarea data-testid="profile-bio" rows={2} value={bio} onChange={(e) => setBio(e.target.value)} />
      </label>
      <label className="field">
        <span>{t("feed.location")}</span>
        <input data-testid="profile-location" value={location} onChange={(e) => setLocation(e.target.value)} />
      </label>
      <label className="field">
        <span>{t("feed.interests")}</span>
        <input data-testid="profile-tags" placeholder="maths, kanji" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      {save.isError ? (
        <p role="alert" className="field-error" data-testid="profile-error">
          {errorText(t, save.error)}
        </p>
      ) : null}
      <div className="composer-buttons">
        <button type="submit" className="button primary" data-testid="profile-save" disabled={save.isPending}>
          {t("feed.save")}
        </button>
        <button type="button" className="button subtle" onClick={onDone}>
          {t("feed.cancel")}
        </button>
      </div>
    </form>
  );
}
