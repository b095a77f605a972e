// The running session: its timer (computed from stored times), status, pomodoro phase
// and the buttons that fit its state.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useSessionMutation } from "./queries";
import type { FocusSession } from "../api/bindings/FocusSession";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { formatDuration, useNow } from "../lib/clock";
import { formatTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { IdleChoices } from "./FocusOverlays";
import { focusedSecondsAt, phaseSecondsLeft, sessionState } from "./timer";
import "./focus.css";

const R = 54;
const C = 2 * Math.PI * R;

/** Share (0-1) of the phase, or of the planned length, behind us; null when neither. */
function progressOf(s: FocusSession, focused: number, now: number): number | null {
  if (s.phase && s.status === "active") {
    const start = Date.parse(s.phase.started_at);
    const end = Date.parse(s.phase.ends_at);
    if (end > start) return Math.min(1, Math.max(0, (now - start) / (end - start)));
  }
  const planned = s.config.planned_minutes;
  if (planned !== null && Number(planned) > 0) return Math.min(1, focused / (Number(planned) * 60));
  return null;
}

export function sessionName(s: FocusSession, untitled: string): string {
  return s.name ?? s.activity_name ?? untitled;
}

/** The big timer with its ring; `testId` keeps the e2e ids unique per place. */
export function SessionTimer({ session, testId = "session-timer", size = "large" }: { session: FocusSession; testId?: string; size?: "large" | "small" }) {
  const { t } = useTranslation();
  const now = useNow(session.status === "active");
  const focused = focusedSecondsAt(session, now);
  const progress = progressOf(session, focused, now);
  const state = sessionState(session);
  return (
    <div className={`session-dial dial-${size} dial-${state}`}>
      <svg viewBox="0 0 120 120" aria-hidden="true" focusable="false">
        <circle className="dial-track" cx="60" cy="60" r={R} />
        {progress !== null ? (
          <circle
            className="dial-value"
            cx="60"
            cy="60"
            r={R}
            strokeDasharray={`${progress * C} ${C}`}
            transform="rotate(-90 60 60)"
          />
        ) : null}
      </svg>
      <div className="dial-text">
        <span className="dial-time" role="timer" aria-label={t("session.timerLabel")} data-testid={testId}>
          {formatDuration(focused)}
        </span>
        <span className="dial-caption" aria-hidden="true">
          {t("session.timerLabel")}
        </span>
      </div>
    </div>
  );
}

export function StatusBadge({ session, testId = "session-status" }: { session: FocusSession; testId?: string }) {
  const { t } = useTranslation();
  const state = sessionState(session);
  return (
    <span className={`session-status status-${state}`} data-testid={testId} data-status={state}>
      <span className="status-dot" aria-hidden="true" />
      {t(`session.status.${state}`)}
    </span>
  );
}

function PhaseLine({ session }: { session: FocusSession }) {
  const { t } = useTranslation();
  const now = useNow(session.status === "active");
  if (!session.phase) return null;
  const left = phaseSecondsLeft(session, now);
  const phase = t(`session.phase.${session.phase.kind}`);
  return (
    <p className={`phase-line phase-${session.phase.kind}`} data-testid="session-phase">
      <span>{t("session.phaseLine", { phase, cycle: session.phase.cycle })}</span>
      {left !== null ? (
        <span className="phase-left">{left > 0 ? t("session.phaseLeft", { time: formatDuration(left) }) : t("session.phaseOver")}</span>
      ) : null}
    </p>
  );
}

/** Pause / resume / next phase / complete / abandon, as the session's state allows. */
export function SessionControls({ session, compact = false }: { session: FocusSession; compact?: boolean }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const pause = useSessionMutation(() => api.sessionPause());
  const resume = useSessionMutation(() => api.sessionResume());
  const next = useSessionMutation(() => api.sessionNextPhase());
  const complete = useSessionMutation(() => api.sessionComplete());
  const abandon = useSessionMutation(() => api.sessionAbandon(), { onSuccess: () => setConfirming(false) });
  const busy = pause.isPending || resume.isPending || next.isPending || complete.isPending || abandon.isPending;
  const state = sessionState(session);
  const ids = (id: string) => (compact ? `immerse-${id}` : id);

  return (
    <div className="session-controls">
      {state === "awaiting" ? (
        <button type="button" className="button primary" data-testid={ids("session-next-phase")} disabled={busy} onClick={() => next.mutate(undefined)}>
          <Icon name="play" size={16} />
          {t("session.nextPhase")}
        </button>
      ) : null}
      {session.status === "paused" ? (
        <button type="button" className="button primary" data-testid={ids("session-resume")} disabled={busy} onClick={() => resume.mutate(undefined)}>
          <Icon name="play" size={16} />
          {t("session.resume")}
        </button>
      ) : state !== "idle" ? (
        <button type="button" className="button subtle" data-testid={ids("session-pause")} disabled={busy} onClick={() => pause.mutate(undefined)}>
          <Icon name="pause" size={16} />
          {t("session.pause")}
        </button>
      ) : null}
      <button type="button" className={`button ${state === "awaiting" ? "ghost" : "subtle"}`} data-testid={ids("session-complete")} disabled={busy} onClick={() => complete.mutate(undefined)}>
        <Icon name="check" size={16} />
        {t("session.complete")}
      </button>
      {compact ? null : (
        <button type="button" className="button ghost danger-text" data-testid="session-abandon" disabled={busy} onClick={() => setConfirming(true)}>
          {t("session.abandon")}
        </button>
      )}
      {confirming ? (
        <Dialog title={t("session.abandonTitle")} role="alertdialog" onClose={() => setConfirming(false)} describedBy="abandon-body" testId="abandon-dialog">
          <p id="abandon-body" className="dialog-body">
            {t("session.abandonBody")}
          </p>
          <div className="dialog-actions">
            <button type="button" className="button ghost" data-autofocus onClick={() => setConfirming(false)}>
              {t("session.keepGoing")}
            </button>
            <button
              type="button"
              className="button danger"
              data-testid="session-abandon-confirm"
              disabled={abandon.isPending}
              onClick={() => abandon.mutate(undefined)}
            >
              {t("session.abandonConfirm")}
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}

export function SessionPanel({ session }: { session: FocusSession }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const name = sessionName(session, t("session.untitled"));
  const planned = session.config.planned_minutes;
  return (
    <div className="session-panel" data-testid="session" data-session-id={session.id}>
      <SessionTimer session={session} />
      <div className="session-info">
        <StatusBadge session={session} />
        <h3 className="session-name">{name}</h3>
        <ul className="session-meta">
          {session.activity_name && session.activity_name !== name ? <li>{session.activity_name}</li> : null}
          {session.course_name ? <li>{t("session.course", { name: session.course_name })}</li> : null}
          <li>{t("session.startedAt", { time: formatTime(session.started_at, locale, timezone) })}</li>
          {planned !== null ? <li>{t("session.planned", { minutes: Number(planned) })}</li> : null}
          {session.planned_end_at ? <li>{t("session.plannedEnd", { time: formatTime(session.planned_end_at, locale, timezone) })}</li> : null}
          {Number(session.break_seconds) > 0 ? <li>{t("session.breaks", { time: formatDuration(Number(session.break_seconds)) })}</li> : null}
        </ul>
        <PhaseLine session={session} />
        {session.idle_since ? (
          <div className="idle-banner" data-testid="idle-banner">
            <p>{t("idle.banner", { time: formatTime(session.idle_since, locale, timezone) })}</p>
            <IdleChoices />
          </div>
        ) : null}
        <SessionControls session={session} />
      </div>
    </div>
  );
}
