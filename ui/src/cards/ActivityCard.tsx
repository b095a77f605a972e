// Home › Activity (seed 000's activity feed): what happened around the user's posts and
// follows, pinned first, then by priority, newest; an unread badge, the filters and quick
// actions kept in user_dashboard_settings, and per item read / pin / dismiss.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { ActivityCardSettings } from "../api/bindings/ActivityCardSettings";
import type { ActivityType } from "../api/bindings/ActivityType";
import type { FeedItem } from "../api/bindings/FeedItem";
import type { QuickAction } from "../api/bindings/QuickAction";
import { useApiMutation, useQueryClient } from "../api/queries";
import { Card, EmptyNote } from "../components/Card";
import { usePrefs } from "../lib/prefs";
import { relativeTime } from "../lib/relativeTime";
import "./ActivityCard.css";

type Words = { actor?: string; tag?: string; response?: string; request?: boolean; at?: string };

/** The words an item keeps in its metadata (the core writes them; older items have none). */
function words(item: FeedItem): Words {
  const m = item.metadata;
  return m && typeof m === "object" && !Array.isArray(m) ? (m as Words) : {};
}

/** The item's title in the user's language, from its kind and who acted; the stored
 * (English) title for an item made before the words were kept. */
export function activityTitle(t: (key: string, opts?: Record<string, unknown>) => string, item: FeedItem): string {
  const w = words(item);
  if (!w.actor) return item.title;
  const key = (() => {
    switch (item.activity_type) {
      case "posting_response":
        return w.response === "comment" ? "comment" : "like";
      case "new_connection":
        return w.request ? "request" : "follow";
      case "new_posting":
      case "domain_update":
      case "posting_approved":
        return item.activity_type;
      default:
        return null;
    }
  })();
  return key ? t(`activity.title.${key}`, { who: w.actor, tag: w.tag ?? "" }) : item.title;
}

export type QuickActionHandler = (action: QuickAction) => void;

const TYPES: ActivityType[] = ["new_posting", "posting_response", "new_connection", "posting_approved", "domain_update"];
const keys = {
  settings: () => ["activity_card_settings"] as const,
  page: (s: ActivityCardSettings | undefined) => ["activity_feed_page", s?.filter] as const,
};

export function ActivityCard({ onQuickAction }: { onQuickAction: QuickActionHandler }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const qc = useQueryClient();
  const settings = useQuery<ActivityCardSettings, ApiError>({ queryKey: keys.settings(), queryFn: api.activityCardSettings });
  const page = useQuery<Awaited<ReturnType<typeof api.activityFeedPage>>, ApiError>({
    queryKey: keys.page(settings.data),
    queryFn: () => api.activityFeedPage(null, 10, settings.data!.filter),
    enabled: settings.data !== undefined,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["activity_feed_page"] });
  const saveSettings = useApiMutation((s: ActivityCardSettings) => api.activityCardSettingsSet(s), {
    onSuccess: (s) => qc.setQueryData(keys.settings(), s),
  });
  const read = useApiMutation((v: { id: string; read: boolean }) => api.activityItemRead(v.id, v.read), { onSuccess: refresh });
  const pin = useApiMutation((v: { id: string; pinned: boolean }) => api.activityItemPin(v.id, v.pinned), { onSuccess: refresh });
  const dismiss = useApiMutation((id: string) => api.activityItemEngage(id, "dismiss"), { onSuccess: refresh });
  const readAll = useApiMutation(() => api.activityReadAll(), { onSuccess: refresh });
  const notify = useQuery<boolean, ApiError>({ queryKey: ["response_notify"], queryFn: api.responseNotifyGet });
  const setNotify = useApiMutation((on: boolean) => api.responseNotifySet(on), {
    onSuccess: (on) => qc.setQueryData(["response_notify"], on),
  });

  const s = settings.data;
  const data = page.data;
  const setFilter = (patch: Partial<ActivityCardSettings["filter"]>) => {
    if (s) saveSettings.mutate({ ...s, filter: { ...s.filter, ...patch } });
  };
  const badge =
    data && data.unread > 0 ? (
      <span className="activity-badge" data-testid="activity-unread" aria-label={t("activity.unread", { count: data.unread })}>
        {data.unread >= 100 ? "99+" : data.unread}
      </span>
    ) : null;

  return (
    <Card
      id="activity"
      title={t("cards.activity")}
      subtitle={badge}
      actions={
        data && data.unread > 0 ? (
          <button type="button" className="button subtle" data-testid="activity-read-all" onClick={() => readAll.mutate(undefined)}>
            {t("activity.readAll")}
          </button>
        ) : null
      }
    >
      {s ? (
        <div className="activity-toolbar">
          <label className="activity-unread-only">
            <input
              type="checkbox"
              data-testid="activity-unread-only"
              checked={s.filter.unread_only}
              onChange={(e) => setFilter({ unread_only: e.target.checked })}
            />
            {t("activity.unreadOnly")}
          </label>
          {notify.data !== undefined ? (
            <label className="activity-unread-only">
              <input
                type="checkbox"
                data-testid="activity-notify"
                checked={notify.data}
                onChange={(e) => setNotify.mutate(e.target.checked)}
              />
              {t("activity.notify")}
            </label>
          ) : null}
          <label>
            <span className="sr-only">{t("activity.typeLabel")}</span>
            <select
              data-testid="activity-type"
              value={s.filter.types.length === 1 ? s.filter.types[0] : ""}
              onChange={(e) => setFilter({ types: e.target.value ? [e.target.value as ActivityType] : [] })}
            >
              <option value="">{t("activity.allTypes")}</option>
              {TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`activity.type.${type}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
      {page.isError ? <p role="alert">{page.error.message}</p> : null}
      {data && data.items.length === 0 ? <EmptyNote>{t("activity.empty")}</EmptyNote> : null}
      {data && data.items.length > 0 ? (
        <ul className="plain-list activity-list" data-testid="activity-list">
          {data.items.map((item: FeedItem) => (
            <li key={item.id} className={`activity-item${item.is_read ? "" : " unread"}`} data-testid="activity-item">
              <button
                type="button"
                className="activity-text"
                aria-pressed={item.is_read}
                title={item.is_read ? t("activity.markUnread") : t("activity.markRead")}
                onClick={() => read.mutate({ id: item.id, read: !item.is_read })}
              >
                <span className="activity-title">
                  {item.is_pinned ? <span aria-label={t("activity.pinned")}>📌 </span> : null}
                  {activityTitle(t, item)}
                </span>
                {item.description ? <span className="activity-desc">{item.description}</span> : null}
                <span className="activity-time">{relativeTime(words(item).at ?? item.created_at, locale)}</span>
              </button>
              <span className="activity-item-actions">
                <button
                  type="button"
                  className="icon-button"
                  aria-pressed={item.is_pinned}
                  aria-label={item.is_pinned ? t("activity.unpin") : t("activity.pin")}
                  onClick={() => pin.mutate({ id: item.id, pinned: !item.is_pinned })}
                >
                  📌
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t("activity.dismiss")}
                  data-testid="activity-dismiss"
                  onClick={() => dismiss.mutate(item.id)}
                >
                  ✕
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {s && s.quick_actions.length > 0 ? (
        <div className="activity-quick" role="group" aria-label={t("activity.quickActions")}>
          {s.quick_actions.map((a) => (
            <button key={a} type="button" className="button subtle" data-testid={`quick-${a}`} onClick={() => onQuickAction(a)}>
              {t(`activity.quick.${a}`)}
            </button>
          ))}
        </div>
      ) : null}
    </Card>
  );
}
