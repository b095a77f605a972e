// The Focus page's recent completed sessions, each with "Share this session": it opens the
// Feed's composer filled with the session's subject (its course, else its activity, else
// its name) and its focused minutes as the post's study duration.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { FocusSession } from "../api/bindings/FocusSession";
import { EmptyNote } from "../components/Card";
import { LoadError, Loading } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { useNavigate } from "../lib/navigation";
import { usePrefs } from "../lib/prefs";
import { useSession } from "./queries";
import "./RecentSessions.css";

/** Completed sessions shown (the newest of the last 20 sessions). */
export const RECENT_SHOWN = 5;

/** The subject a shared session's post starts with. */
export function sessionSubject(s: FocusSession): string | null {
  return s.course_name ?? s.activity_name ?? s.name ?? null;
}

/** Whole focused minutes, at least 1. */
export function sessionMinutes(s: FocusSession): number {
  return Math.max(1, Math.round(Number(s.focused_seconds) / 60));
}

export function RecentSessions() {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const navigate = useNavigate();
  // A session that starts or ends changes the history: its id is part of the key.
  const running = useSession().data ?? null;
  const history = useQuery<FocusSession[], ApiError>({
    queryKey: ["session_history", running?.id ?? null, running?.status ?? null],
    queryFn: () => api.sessionHistory(20),
  });
  if (history.isPending) return <Loading />;
  if (history.isError) return <LoadError error={history.error} onRetry={() => void history.refetch()} />;
  const done = history.data.filter((s) => s.status === "completed").slice(0, RECENT_SHOWN);
  if (done.length === 0) return <EmptyNote>{t("share.none")}</EmptyNote>;
  return (
    <ul className="plain-list recent-sessions" data-testid="recent-sessions">
      {done.map((s) => {
        const name = sessionSubject(s) ?? t("share.untitled");
        const duration = t("share.duration", { count: sessionMinutes(s) });
        return (
          <li key={s.id} className="recent-session" data-testid="recent-session">
            <span className="recent-session-text">
              <span className="recent-session-name">{name}</span>
              <span className="recent-session-meta">
                {duration} · {formatDateTime(s.ended_at ?? s.started_at, locale, timezone)}
              </span>
            </span>
            <button
              type="button"
              className="button subtle"
              data-testid="session-share"
              aria-label={t("share.buttonWho", { name, duration })}
              onClick={() =>
                navigate({ page: "feed", prefill: { subject: sessionSubject(s), studyDuration: duration, nonce: Date.now() } })
              }
            >
              {t("share.button")}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
