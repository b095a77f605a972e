// What the focus feature puts over every page: the dialog after a crash (resume or
// complete the session left running) and the dialog when the user comes back from idle
// time (keep, break or discard it). Also keeps the session fresh on shell events.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useQueryClient } from "../api/queries";
import { focusKeys, useFocusEvents, useRecovery, useSession, useSessionMutation } from "./queries";
import type { IdleChoice } from "../api/bindings/IdleChoice";
import type { RecoveryChoice } from "../api/bindings/RecoveryChoice";
import { Dialog } from "../components/Dialog";
import { formatDuration } from "../lib/clock";
import { usePrefs } from "../lib/prefs";
import { formatDateTime, formatTime } from "../lib/dates";
import "./focus.css";

export function IdleChoices({ onChosen, autoFocus = false }: { onChosen?: () => void; autoFocus?: boolean }) {
  const { t } = useTranslation();
  const resolve = useSessionMutation((choice: IdleChoice) => api.sessionResolveIdle(choice), { onSuccess: () => onChosen?.() });
  const choice = (c: IdleChoice, label: string, primary = false) => (
    <button
      type="button"
      className={`button ${primary ? "primary" : "ghost"}`}
      data-testid={`idle-${c}`}
      disabled={resolve.isPending}
      data-autofocus={primary && autoFocus ? true : undefined}
      onClick={() => resolve.mutate(c)}
    >
      {label}
    </button>
  );
  return (
    <div className="idle-choices">
      {choice("keep", t("idle.keep"), true)}
      {choice("break", t("idle.break"))}
      {choice("discard", t("idle.discard"))}
    </div>
  );
}

function IdleDialog() {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const session = useSession();
  // "Decide later" hides the dialog for this idle span; the Focus page still offers the choice.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const idleSince = session.data?.idle_since ?? null;
  if (!idleSince || dismissed === idleSince) return null;
  return (
    <Dialog title={t("idle.title")} testId="idle-dialog" onClose={() => setDismissed(idleSince)} describedBy="idle-dialog-body">
      <div id="idle-dialog-body" className="dialog-body">
        <p>{t("idle.body", { time: formatTime(idleSince, locale, timezone) })}</p>
        <p className="hint">{t("idle.question")}</p>
      </div>
      <IdleChoices autoFocus />
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={() => setDismissed(idleSince)}>
          {t("idle.later")}
        </button>
      </div>
    </Dialog>
  );
}

function RecoveryDialog({ onLater }: { onLater: () => void }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const qc = useQueryClient();
  const offer = useRecovery();
  const recover = useSessionMutation((choice: RecoveryChoice) => api.sessionRecover(choice), {
    onSuccess: () => qc.setQueryData(focusKeys.recovery(), null),
  });
  const data = offer.data;
  if (!data) return null;
  const s = data.session;
  const name = s.name ?? s.activity_name ?? t("session.untitled");
  return (
    <Dialog title={t("recovery.title")} testId="recovery-dialog" onClose={onLater} describedBy="recovery-dialog-body">
      <div id="recovery-dialog-body" className="dialog-body">
        <p>{t("recovery.body", { name, time: formatDateTime(data.last_known_at, locale, timezone) })}</p>
        <p className="hint">{t("recovery.focused", { time: formatDuration(Number(s.focused_seconds)) })}</p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onLater}>
          {t("recovery.later")}
        </button>
        <button
          type="button"
          className="button ghost"
          data-testid="recovery-complete"
          disabled={recover.isPending}
          onClick={() => recover.mutate("complete")}
        >
          {t("recovery.complete")}
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="recovery-resume"
          data-autofocus
          disabled={recover.isPending}
          onClick={() => recover.mutate("resume")}
        >
          {t("recovery.resume")}
        </button>
      </div>
    </Dialog>
  );
}

/** Mounted once by the frame, above every page (and immerse mode). */
export function FocusOverlays() {
  useFocusEvents();
  const offer = useRecovery();
  const [recoveryLater, setRecoveryLater] = useState(false);
  // The crash offer comes first; the idle question can wait behind it.
  return offer.data && !recoveryLater ? <RecoveryDialog onLater={() => setRecoveryLater(true)} /> : <IdleDialog />;
}
