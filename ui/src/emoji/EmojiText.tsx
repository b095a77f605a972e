// Text of posts and comments with custom emoji: every `:shortcode:` naming a custom emoji
// of the text's author (a post's or comment's author: two people may each have
// :cat_wave:) becomes an inline image whose alt text is the `:shortcode:`; anything else,
// an unknown shortcode included, stays text. Built as React elements from plain strings,
// never as HTML, so text like `:<img src=x onerror=alert(1)>:` shows as itself.
import { useMemo, useState } from "react";
import type { CustomEmoji } from "../api/bindings/CustomEmoji";
import { useMediaSrc } from "../feed/mediaRef";
import { useCustomEmoji } from "./queries";
import "./EmojiText.css";

/** `:name:` by the shortcode rules (crates/sync/src/emoji.rs). */
const SHORTCODE = /:([a-z0-9_]{2,32}):/g;

/** One custom emoji's image; its `:shortcode:` as text until the file is here, or if it fails. */
export function CustomEmojiImage({ emoji, className = "custom-emoji" }: { emoji: Pick<CustomEmoji, "shortcode" | "image_url" | "name">; className?: string }) {
  const src = useMediaSrc(emoji.image_url);
  const [failed, setFailed] = useState(false);
  if (!src || failed) return <>{emoji.shortcode}</>;
  return <img className={className} src={src} alt={emoji.shortcode} title={`${emoji.shortcode} ${emoji.name}`} draggable={false} onError={() => setFailed(true)} />;
}

/** `text` split into strings and the custom emoji of `authorId` it names, in order. */
export function emojiParts(text: string, known: Map<string, CustomEmoji>): (string | CustomEmoji)[] {
  const out: (string | CustomEmoji)[] = [];
  let last = 0;
  for (const m of text.matchAll(SHORTCODE)) {
    const emoji = known.get(m[0]);
    if (!emoji || m.index === undefined) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(emoji);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The custom emoji of `authorId`, by `:shortcode:`. */
export function useAuthorEmoji(authorId: string): Map<string, CustomEmoji> {
  const all = useCustomEmoji().data;
  return useMemo(() => new Map((all ?? []).filter((e) => e.created_by === authorId).map((e) => [e.shortcode, e])), [all, authorId]);
}

export function EmojiText({ text, authorId }: { text: string; authorId: string }) {
  const known = useAuthorEmoji(authorId);
  if (known.size === 0) return <>{text}</>;
  return (
    <>
      {emojiParts(text, known).map((part, i) =>
        typeof part === "string" ? part : <CustomEmojiImage key={`${i}-${part.id}`} emoji={part} />,
      )}
    </>
  );
}
