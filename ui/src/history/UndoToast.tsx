// The Ctrl+Z toast and its shortcut.
// Ctrl+Z (⌘Z) anywhere in the app undoes the last action made on this device, unless the
// focus is in a text field (where Ctrl+Z is the field's own undo). Answers the sentence to
// show in a toast (what was undone, or why nothing was).
import { useCallback, useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { errorText } from "../api/errorText";
import { isApiError } from "../api/client";
import type { ApiError } from "../api/client";
import type { UndoOutcome } from "../api/bindings/UndoOutcome";
import { undoneText } from "./HistoryPanel";

/** What the last Ctrl+Z did, kept as data and put in words when shown (in the language then). */
type Undone = { outcome: UndoOutcome } | { error: ApiError } | { other: string };

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "range", "color"].includes(type);
}

export function useUndoShortcut(): { message: string | null; dismiss: () => void } {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [undone, setUndone] = useState<Undone | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== "z") return;
      if (inTextField(e.target)) return;
      e.preventDefault();
      api.historyUndoLast().then(
        (outcome) => {
          setUndone({ outcome });
          void qc.invalidateQueries();
        },
        (err: unknown) => setUndone(isApiError(err) ? { error: err } : { other: String(err) }),
      );
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [qc]);
  const dismiss = useCallback(() => setUndone(null), []);
  const message = !undone ? null : "outcome" in undone ? undoneText(t, undone.outcome) : "error" in undone ? errorText(t, undone.error) : undone.other;
  return { message, dismiss };
}

export function UndoToast() {
  const { t } = useTranslation();
  const { message, dismiss } = useUndoShortcut();
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(dismiss, 6000);
    return () => clearTimeout(timer);
  }, [message, dismiss]);
  return (
    <div className="undo-toast-region" role="status" aria-live="polite" data-testid="undo-toast">
      {message ? (
        <div className="toast">
          <p className="toast-text">{message}</p>
          <button type="button" className="button small ghost" onClick={dismiss}>
            {t("history.close")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
