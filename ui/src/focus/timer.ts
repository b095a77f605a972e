// What a running session's timer shows, computed from the stored times the core
// answers (never from counted ticks): it stays right after sleep, a minimised window or
// a restart. See docs/focus.md.
import type { FocusSession } from "../api/bindings/FocusSession";

export type SessionState = "active" | "paused" | "idle" | "break" | "awaiting" | "completed" | "abandoned";

/** What the user should read about the session right now. */
export function sessionState(s: FocusSession): SessionState {
  if (s.status !== "active") return s.status;
  if (s.idle_since) return "idle";
  if (s.phase?.awaiting_start) return "awaiting";
  if (s.phase && s.phase.kind !== "work") return "break";
  return "active";
}

/** True while the focused time grows: active, not idle, in a work phase (or no pomodoro). */
export function isCounting(s: FocusSession): boolean {
  return sessionState(s) === "active";
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * Focused seconds at `now`: `focused_seconds + (now - as_of)` while counting. A work
 * phase stops counting at its end even before the core has said so.
 */
export function focusedSecondsAt(s: FocusSession, now: number): number {
  const base = Number(s.focused_seconds);
  if (!isCounting(s)) return Math.max(0, Math.floor(base));
  const asOf = ms(s.as_of);
  if (asOf === null) return Math.max(0, Math.floor(base));
  let until = now;
  const phaseEnd = s.phase?.kind === "work" ? ms(s.phase.ends_at) : null;
  if (phaseEnd !== null && phaseEnd < until) until = phaseEnd;
  return Math.max(0, Math.floor(base + Math.max(0, until - asOf) / 1000));
}

/** Seconds left in the current pomodoro phase, or null without one. */
export function phaseSecondsLeft(s: FocusSession, now: number): number | null {
  if (!s.phase || s.status !== "active") return null;
  const end = ms(s.phase.ends_at);
  if (end === null) return null;
  return Math.max(0, Math.ceil((end - now) / 1000));
}
