// A post's images and videos in a tidy grid: one alone at its own shape, two side by side,
// three as one large and two small, four in a square; past four, the fourth says "+N" and
// opens the rest. Images and videos load from this device's copy through the asset
// protocol (api.fileSrc), images with their alt text, videos with controls; a file that
// has not arrived yet is a placeholder that says so.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { PostMedia } from "../api/bindings/PostMedia";
import "./PostMedia.css";

/** How many show before "+N". */
export const VISIBLE = 4;

function Item({ m }: { m: PostMedia }) {
  const { t } = useTranslation();
  if (m.missing || !m.file_path) {
    return (
      <div className="post-media-missing" role="img" aria-label={m.alt ? `${m.alt} (${t("postMedia.missing")})` : t("postMedia.missing")}>
        <span>{t(m.media_type === "video" ? "postMedia.kind.video" : "postMedia.kind.image")}</span>
        <span className="hint">{t("postMedia.missing")}</span>
      </div>
    );
  }
  const src = api.fileSrc(m.file_path);
  if (m.media_type === "video") {
    return (
      <video src={src} controls preload="metadata" playsInline aria-label={m.alt ?? t("postMedia.kind.video")} data-testid="post-media-video">
        {m.alt ? <p>{m.alt}</p> : null}
      </video>
    );
  }
  return <img src={src} alt={m.alt ?? ""} loading="lazy" width={m.width ?? undefined} height={m.height ?? undefined} data-testid="post-media-image" />;
}

export function PostMediaGrid({ media }: { media: PostMedia[] }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  if (media.length === 0) return null;
  const sorted = [...media].sort((a, b) => a.order_index - b.order_index);
  const shown = all ? sorted : sorted.slice(0, VISIBLE);
  const hidden = sorted.length - shown.length;
  const single = shown.length === 1 ? shown[0] : null;
  // One picture keeps its shape (within bounds): the box takes its aspect ratio, and is
  // never wider than the picture itself (a small one is not blown up to the post's width).
  const style =
    single?.width && single?.height ? { aspectRatio: `${single.width} / ${single.height}`, maxWidth: `min(100%, ${single.width}px)` } : undefined;
  return (
    <div className={`post-media post-media-${Math.min(shown.length, VISIBLE)}${all ? " post-media-all" : ""}`} data-testid="post-media" style={style}>
      {shown.map((m, i) => (
        <div key={m.id} className="post-media-cell">
          <Item m={m} />
          {i === shown.length - 1 && hidden > 0 ? (
            <button type="button" className="post-media-more" data-testid="post-media-more" aria-label={t("postMedia.showAll", { count: sorted.length })} onClick={() => setAll(true)}>
              +{hidden}
            </button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
