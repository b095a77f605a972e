// One notification in the center: unread marker, title, message, when, read/unread,
// and for a reminder a Snooze disclosure (5, 10, 30 minutes or until a time).
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Notification } from "../api/client";
import { usePrefs } from "../lib/prefs";
import { formatDateTime } from "../lib/dates";
import { formatWhen, nextWallTime } from "./when";
import "./notifications.css";

export const SNOOZE_MINUTES = [5, 10, 30] as const;

export type SnoozeChoice = { minutes: number } | { until: string };

export function NotificationItem({
  item,
  onSetRead,
  onSnooze,
}: {
  item: Notification;
  onSetRead: (read: boolean) => void;
  onSnooze: (when: SnoozeChoice) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const [snoozing, setSnoozing] = useState(false);
  const toggleRef = useRef<HTMLButtonElement | null>(null);
  const titleId = useId();
  const id = item.id;

  return (
    <li className={`notif-item${item.is_read ? "" : " unread"}`} data-testid={`notif-item-${id}`} aria-labelledby={titleId}>
      <span className="notif-dot" aria-hidden="true" />
      <div className="notif-body">
        <p className="notif-title" id={titleId}>
          {item.is_read ? null : <span className="sr-only">{t("notifications.unread")}: </span>}
          {item.title}
        </p>
        {item.message ? <p className="notif-message">{item.message}</p> : null}
        <time className="notif-time" dateTime={item.created_at} title={formatDateTime(item.created_at, locale, timezone)}>
          {formatWhen(item.created_at, locale, timezone)}
        </time>
        <div className="notif-actions">
          <button
            type="button"
            className="button ghost small"
            data-testid={`notif-read-${id}`}
            aria-label={t(item.is_read ? "notifications.markUnreadNamed" : "notifications.markReadNamed", { name: item.title })}
            onClick={() => onSetRead(!item.is_read)}
          >
            {t(item.is_read ? "notifications.markUnread" : "notifications.markRead")}
          </button>
          {item.snooze ? (
            <button
              ref={toggleRef}
              type="button"
              className="button ghost small"
              data-testid={`notif-snooze-${id}`}
              aria-expanded={snoozing}
              aria-controls={`${titleId}-snooze`}
              aria-label={t("notifications.snoozeNamed", { name: item.title })}
              onClick={() => setSnoozing((s) => !s)}
            >
              {t("notifications.snooze")}
            </button>
          ) : null}
        </div>
        {item.snooze && snoozing ? (
          <SnoozeMenu
            id={`${titleId}-snooze`}
            itemId={id}
            timeZone={timezone}
            onPick={async (when) => {
              await onSnooze(when);
              setSnoozing(false);
              toggleRef.current?.focus();
            }}
          />
        ) : null}
      </div>
    </li>
  );
}

function SnoozeMenu({ id, itemId, timeZone, onPick }: { id: string; itemId: string; timeZone: string; onPick: (when: SnoozeChoice) => Promise<void> }) {
  const { t } = useTranslation();
  const [time, setTime] = useState("");
  const [error, setError] = useState<string | null>(null);
  const firstRef = useRef<HTMLButtonElement | null>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const pick = (when: SnoozeChoice) => {
    setError(null);
    onPick(when).catch(() => {
      // The toast says why; the menu stays open to try again.
    });
  };
  const submitUntil = (e: FormEvent) => {
    e.preventDefault();
    const until = nextWallTime(time, timeZone);
    if (!until) {
      setError(t("notifications.untilRequired"));
      return;
    }
    pick({ until });
  };

  return (
    <div className="notif-snooze" id={id} role="group" aria-label={t("notifications.snoozeFor")}>
      {SNOOZE_MINUTES.map((m, i) => (
        <button
          key={m}
          ref={i === 0 ? firstRef : undefined}
          type="button"
          className="button subtle small"
          data-testid={`notif-snooze-${m}-${itemId}`}
          onClick={() => pick({ minutes: m })}
        >
          {t("notifications.minutes", { count: m })}
        </button>
      ))}
      <form className="notif-until" onSubmit={submitUntil}>
        <label className="notif-until-label">
          <span>{t("notifications.until")}</span>
          <input
            type="time"
            value={time}
            data-testid={`notif-snooze-until-${itemId}`}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setTime(e.target.value)}
          />
        </label>
        <button type="submit" className="button subtle small" data-testid={`notif-snooze-until-go-${itemId}`}>
          {t("notifications.snooze")}
        </button>
      </form>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
