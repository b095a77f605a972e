// The emoji button of a text field (a comment, a post): opens the picker and puts the
// pick in at the caret (or over the selection), then gives the field its focus back with
// the caret after the emoji. The picker and its catalog load when first opened.
import { lazy, Suspense, useState } from "react";
import type { RefObject } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../components/Icon";

const EmojiPicker = lazy(() => import("./EmojiPicker").then((m) => ({ default: m.EmojiPicker })));

/** `value` with `insert` at the field's selection, and where the caret goes after it. */
export function insertAtCaret(value: string, insert: string, start: number | null, end: number | null): { value: string; caret: number } {
  const from = Math.min(start ?? value.length, value.length);
  const to = Math.max(from, Math.min(end ?? from, value.length));
  return { value: value.slice(0, from) + insert + value.slice(to), caret: from + insert.length };
}

export function EmojiButton({
  field,
  value,
  onChange,
  testId = "emoji-button",
  className,
}: {
  field: RefObject<HTMLInputElement | HTMLTextAreaElement | null>;
  value: string;
  onChange: (next: string) => void;
  testId?: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const insert = (emoji: string) => {
    const el = field.current;
    const next = insertAtCaret(value, emoji, el?.selectionStart ?? null, el?.selectionEnd ?? null);
    onChange(next.value);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };
  return (
    <>
      <button
        type="button"
        className={`icon-button ${className ?? ""}`}
        data-testid={testId}
        aria-label={t("feed.insertEmoji")}
        title={t("feed.insertEmoji")}
        onClick={() => setPicking(true)}
      >
        <Icon name="smile" size={18} />
      </button>
      {picking ? (
        <Suspense fallback={null}>
          <EmojiPicker onPick={(e) => insert(e.unicode)} onClose={() => setPicking(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
