// Edit profile: display name, @username, bio, location and interest tags, saved in one
// write (profile_save); a refusal is shown in words.
import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import type { ProfileEdit } from "../api/bindings/ProfileEdit";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";

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
        <input data-testid="profile-username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
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
