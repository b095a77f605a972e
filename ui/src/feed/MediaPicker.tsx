// The composer's images and videos: "Add images or videos" (a file input), files dropped on
// the picker or pasted into its form; previews in the post's order, each with its alt text,
// moved earlier or later by buttons, Alt+Left/Right or a mouse drag, and removed. Each file
// is stored as an attachment as soon as it is added (api.postMediaAdd: the core checks it
// by content); the draft then names them in order. Too many, too large or not a picture or
// video: said in words, in the user's language.
import { useEffect, useRef, useState } from "react";
import type { Dispatch, DragEvent, KeyboardEvent, SetStateAction } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import * as api from "../api/client";
import { isApiError } from "../api/client";
import { errorText } from "../api/errorText";
import type { MediaDraft } from "../api/bindings/MediaDraft";
import type { PostMedia } from "../api/bindings/PostMedia";
import { Icon } from "../components/Icon";
import "./MediaPicker.css";

// The core's limits (crates/core/src/social/media.rs: MAX_MEDIA, MAX_IMAGE_BYTES,
// MAX_VIDEO_BYTES, MAX_ALT), checked here first so a huge file is never read; the core
// checks again, by content.
export const MAX_ITEMS = 10;
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;
export const MAX_ALT = 1500;

/** One item of the composer: a file just added, or one the edited post has. */
export interface PickedMedia {
  key: string;
  attachment_id: string | null;
  media_id: string | null;
  media_type: string;
  file_path: string;
  name: string;
  alt: string;
}

export function pickedFromPost(media: PostMedia[]): PickedMedia[] {
  return [...media]
    .sort((a, b) => a.order_index - b.order_index)
    .map((m) => ({ key: m.id, attachment_id: null, media_id: m.id, media_type: m.media_type, file_path: m.missing ? "" : m.file_path, name: "", alt: m.alt ?? "" }));
}

export function toDrafts(items: PickedMedia[]): MediaDraft[] {
  return items.map((i) => ({ attachment_id: i.attachment_id, media_id: i.media_id, alt: i.alt.trim() || null }));
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** Why a file cannot be added, before it is read (null: let the core check its content). */
function precheck(t: TFunction, file: File): string | null {
  const video = file.type.startsWith("video/");
  if (!video && !file.type.startsWith("image/") && file.type !== "") return t("postMedia.notMedia", { name: file.name });
  const max = video ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES;
  if (file.size > max) {
    return t("postMedia.tooLarge", { name: file.name, size: mib(file.size), what: t(video ? "postMedia.aVideo" : "postMedia.anImage"), max: mib(max) });
  }
  return null;
}

function refusal(t: TFunction, file: File, e: unknown): string {
  if (isApiError(e) && e.kind === "validation" && e.message.includes("is not an image")) return t("postMedia.notMedia", { name: file.name });
  return isApiError(e) ? errorText(t, e) : String(e);
}

function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const next = [...list];
  next.splice(to, 0, ...next.splice(from, 1));
  return next;
}

const DRAG_TYPE = "application/x-studydesk-media";

export function MediaPicker({ items, setItems, idPrefix }: { items: PickedMedia[]; setItems: Dispatch<SetStateAction<PickedMedia[]>>; idPrefix: string }) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(0);
  const [dropping, setDropping] = useState(false);
  const dragFrom = useRef<number | null>(null);
  const root = useRef<HTMLDivElement | null>(null);
  const input = useRef<HTMLInputElement | null>(null);
  const count = useRef(items.length);
  count.current = items.length;

  const add = async (files: File[]) => {
    if (files.length === 0) return;
    const problems: string[] = [];
    const room = MAX_ITEMS - count.current;
    if (files.length > room) problems.push(t("postMedia.tooMany", { max: MAX_ITEMS }));
    const wanted = files.slice(0, Math.max(room, 0));
    setBusy((b) => b + wanted.length);
    for (const file of wanted) {
      const why = precheck(t, file);
      if (why) {
        problems.push(why);
      } else {
        try {
          const f = await api.postMediaAdd(file);
          setItems((list) => [...list, { key: f.attachment_id + ":" + list.length, attachment_id: f.attachment_id, media_id: null, media_type: f.media_type, file_path: f.file_path, name: file.name, alt: "" }]);
        } catch (e) {
          problems.push(refusal(t, file, e));
        }
      }
      setBusy((b) => b - 1);
    }
    setErrors(problems);
  };

  // Pasting a picture anywhere in the composer's form adds it.
  useEffect(() => {
    const form = root.current?.closest("form");
    if (!form) return;
    const onPaste = (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault();
      void add(files);
    };
    form.addEventListener("paste", onPaste);
    return () => form.removeEventListener("paste", onPaste);
  });

  const onDrop = (e: DragEvent) => {
    setDropping(false);
    if (e.dataTransfer.types.includes(DRAG_TYPE)) return; // a reorder, handled by the item
    e.preventDefault();
    void add(Array.from(e.dataTransfer.files));
  };
  const update = (i: number, patch: Partial<PickedMedia>) => setItems((list) => list.map((it, j) => (j === i ? { ...it, ...patch } : it)));
  const onItemKey = (i: number) => (e: KeyboardEvent) => {
    if (!e.altKey || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    e.preventDefault();
    setItems((list) => move(list, i, i + (e.key === "ArrowLeft" ? -1 : 1)));
  };

  return (
    <div
      ref={root}
      className={`media-picker${dropping ? " media-picker-dropping" : ""}`}
      data-testid="media-picker"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) {
          e.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <div className="media-picker-bar">
        <button type="button" className="button subtle" data-testid="media-add" disabled={items.length >= MAX_ITEMS} onClick={() => input.current?.click()}>
          <Icon name="image" size={16} /> {t("postMedia.add")}
        </button>
        <span className="hint">{busy > 0 ? t("postMedia.adding") : t("postMedia.drop", { count: items.length, max: MAX_ITEMS })}</span>
        <input
          ref={input}
          id={`${idPrefix}-media-input`}
          className="sr-only"
          type="file"
          accept="image/*,video/*"
          multiple
          tabIndex={-1}
          aria-label={t("postMedia.add")}
          data-testid="media-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = "";
            void add(files);
          }}
        />
      </div>
      {errors.length > 0 ? (
        <ul className="field-error media-picker-errors" role="alert" data-testid="media-error">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
      {items.length > 0 ? (
        <ol className="media-picker-items" aria-label={t("postMedia.list")}>
          {items.map((it, i) => {
            const n = i + 1;
            const kind = t(it.media_type === "video" ? "postMedia.kind.video" : "postMedia.kind.image");
            return (
              <li
                key={it.key}
                className="media-picker-item"
                data-testid="media-item"
                draggable
                onKeyDown={onItemKey(i)}
                onDragStart={(e) => {
                  dragFrom.current = i;
                  e.dataTransfer.setData(DRAG_TYPE, String(i));
                  e.dataTransfer.effectAllowed = "move";
                }}
                onDragOver={(e) => {
                  if (e.dataTransfer.types.includes(DRAG_TYPE)) e.preventDefault();
                }}
                onDrop={(e) => {
                  if (!e.dataTransfer.types.includes(DRAG_TYPE) || dragFrom.current === null) return;
                  e.preventDefault();
                  const from = dragFrom.current;
                  dragFrom.current = null;
                  setItems((list) => move(list, from, i));
                }}
              >
                <div className="media-picker-preview" aria-label={t("postMedia.item", { n, count: items.length, kind })} role="img">
                  {it.file_path === "" ? (
                    <span className="hint">{t("postMedia.missing")}</span>
                  ) : it.media_type === "video" ? (
                    <video src={api.fileSrc(it.file_path)} muted preload="metadata" />
                  ) : (
                    <img src={api.fileSrc(it.file_path)} alt="" />
                  )}
                  <span className="media-picker-number" aria-hidden="true">
                    {n}
                  </span>
                </div>
                <label className="sr-only" htmlFor={`${idPrefix}-alt-${it.key}`}>
                  {t("postMedia.alt", { n })}
                </label>
                <input
                  id={`${idPrefix}-alt-${it.key}`}
                  data-testid="media-alt"
                  className="media-picker-alt"
                  placeholder={t("postMedia.altPlaceholder")}
                  maxLength={MAX_ALT}
                  value={it.alt}
                  onChange={(e) => update(i, { alt: e.target.value })}
                />
                <div className="media-picker-actions">
                  <button type="button" className="icon-button" aria-label={t("postMedia.moveEarlier", { n })} title={t("postMedia.moveEarlier", { n })} disabled={i === 0} onClick={() => setItems((l) => move(l, i, i - 1))}>
                    <Icon name="up" size={14} />
                  </button>
                  <button type="button" className="icon-button" aria-label={t("postMedia.moveLater", { n })} title={t("postMedia.moveLater", { n })} disabled={i === items.length - 1} onClick={() => setItems((l) => move(l, i, i + 1))}>
                    <Icon name="down" size={14} />
                  </button>
                  <button type="button" className="icon-button" data-testid="media-remove" aria-label={t("postMedia.remove", { n })} title={t("postMedia.remove", { n })} onClick={() => setItems((l) => l.filter((_, j) => j !== i))}>
                    <Icon name="close" size={14} />
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      ) : null}
    </div>
  );
}
