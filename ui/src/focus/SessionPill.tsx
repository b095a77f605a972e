// The running session in the sidebar, on every page: status and time, one click to Focus.
import { useTranslation } from "react-i18next";
import { useSession } from "./queries";
import { formatDuration, useNow } from "../lib/clock";
import { focusedSecondsAt, sessionState } from "./timer";
import "./focus.css";

export function SessionPill({ onOpen, current }: { onOpen: () => void; current: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const s = session.data ?? null;
  const now = useNow(s?.status === "active");
  if (!s) return null;
  const state = sessionState(s);
  const time = formatDuration(focusedSecondsAt(s, now));
  const status = t(`session.status.${state}`);
  return (
    <button
      type="button"
      className={`session-pill pill-${state}`}
      data-testid="sidebar-session"
      aria-label={`${t("session.sidebar", { status, time })}. ${t("session.open")}`}
      aria-current={current ? "page" : undefined}
      onClick={onOpen}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="pill-text" aria-hidden="true">
        <span className="pill-status">{status}</span>
        <span className="pill-time">{time}</span>
      </span>
    </button>
  );
}
