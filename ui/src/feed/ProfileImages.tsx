// My profile's banner and round avatar on the profile panel, with buttons to choose a new
// picture for either (an image file, checked by content in the core) or remove it. The
// pictures travel to other devices as files (sync), and anyone who can see the profile
// sees them.
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { Avatar } from "./Avatar";
import { useMediaSrc } from "./mediaRef";
import "./ProfileImages.css";

type Which = "avatar" | "banner";

export function ProfileImages({ card, editable }: { card: ProfileCard; editable: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const p = card.profile;
  const banner = useMediaSrc(p.banner_image_url);
  const [which, setWhich] = useState<Which>("avatar");
  const input = useRef<HTMLInputElement | null>(null);
  const set = useApiMutation(
    async (v: { which: Which; file: File | null }) => {
      const id = v.file ? (await api.postMediaAdd(v.file)).attachment_id : null;
      return api.profileImageSet(v.which, id);
    },
    {
      meta: { inlineError: true },
      onSuccess: (next) => {
        qc.setQueryData(["profile_card"], next);
        void qc.invalidateQueries({ queryKey: ["posts_page"] });
      },
    },
  );
  const choose = (w: Which) => {
    setWhich(w);
    input.current?.click();
  };
  return (
    <div className="profile-images" data-testid="profile-images">
      <div className="profile-banner" data-testid="profile-banner">
        {banner ? <img src={banner} alt={t("profileImages.bannerOf", { name: p.display_name || t("feed.you") })} /> : null}
      </div>
      <div className="profile-images-row">
        <Avatar person={p} size={64} label={t("profileImages.avatarOf", { name: p.display_name || (p.username ? `@${p.username}` : t("feed.you")) })} />
        {editable ? (
          <div className="profile-images-buttons">
            <button type="button" className="button subtle" data-testid="avatar-change" disabled={set.isPending} onClick={() => choose("avatar")}>
              {t("profileImages.changeAvatar")}
            </button>
            <button type="button" className="button subtle" data-testid="banner-change" disabled={set.isPending} onClick={() => choose("banner")}>
              {t("profileImages.changeBanner")}
            </button>
            {p.avatar_url ? (
              <button type="button" className="button subtle" data-testid="avatar-remove" disabled={set.isPending} onClick={() => set.mutate({ which: "avatar", file: null })}>
                {t("profileImages.removeAvatar")}
              </button>
            ) : null}
            {p.banner_image_url ? (
              <button type="button" className="button subtle" data-testid="banner-remove" disabled={set.isPending} onClick={() => set.mutate({ which: "banner", file: null })}>
                {t("profileImages.removeBanner")}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <input
        ref={input}
        className="sr-only"
        type="file"
        accept="image/*"
        tabIndex={-1}
        aria-label={t(which === "avatar" ? "profileImages.changeAvatar" : "profileImages.changeBanner")}
        data-testid="profile-image-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) set.mutate({ which, file });
        }}
      />
      {set.isError ? (
        <p role="alert" className="field-error" data-testid="profile-image-error">
          {errorText(t, set.error as ApiError)}
        </p>
      ) : null}
    </div>
  );
}
