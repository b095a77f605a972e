// A short text field for an icon (a course's, a link's, an activity's) with a button that
// opens the emoji picker; the picked emoji replaces the field's text. Typing stays possible.
import { lazy, Suspense, useState } from "react";
import type { InputHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../components/Icon";

// The picker (and its catalog) load when first opened, not with the page.
const EmojiPicker = lazy(() => import("./EmojiPicker").then((m) => ({ default: m.EmojiPicker })));

export function EmojiField({
  value,
  onChange,
  ...input
}: { value: string; onChange: (value: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <span className="emoji-field">
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
      <button type="button" className="icon-button" aria-label={t("emoji.choose")} title={t("emoji.choose")} onClick={() => setOpen(true)}>
        <Icon name="smile" size={18} />
      </button>
      {open ? (
        <Suspense fallback={null}>
          <EmojiPicker custom={false} onPick={(e) => onChange(e.unicode)} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </span>
  );
}
