// The catalog of study activities: favorites first for a one-click start, a star to
// (un)favorite, the user's own activities added and deleted here.
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useApiMutation, useQueryClient } from "../api/queries";
import { focusKeys } from "./queries";
import type { Activity } from "../api/bindings/Activity";
import type { ActivityKind } from "../api/bindings/ActivityKind";
import { EmptyNote } from "../components/Card";
import { Icon } from "../components/Icon";
import { AddDisclosure, InlineForm, opt } from "../components/InlineForm";
import { parseWhole } from "../components/NumberField";
import { quickSession, useStartSession } from "./useStartSession";
import "./focus.css";
import { LIMITS, RANGES } from "../api/limits";

const KINDS: ActivityKind[] = ["pomodoro", "deep_work", "review", "practice", "reading", "lecture", "custom"];

function ActivityRow({ a, onStart, busy }: { a: Activity; onStart: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // At once on screen: a new favorite goes to the top (newest first), as the core orders it.
  const patch = (fav: boolean) =>
    qc.setQueryData<Activity[]>(focusKeys.activities(), (old) => {
      if (!old) return old;
      const updated = { ...a, is_favorite: fav };
      return fav ? [updated, ...old.filter((x) => x.id !== a.id)] : old.map((x) => (x.id === a.id ? updated : x));
    });
  const meta = { refresh: [focusKeys.activities()] };
  const favorite = useApiMutation((id: string) => api.activityFavorite(id), { onMutate: () => patch(true), meta });
  const unfavorite = useApiMutation((id: string) => api.activityUnfavorite(id), { onMutate: () => patch(false), meta });
  const remove = useApiMutation((id: string) => api.activityDelete(id), {
    onMutate: (id) => qc.setQueryData<Activity[]>(focusKeys.activities(), (old) => old?.filter((x) => x.id !== id)),
    meta,
  });
  const minutes = a.default_duration_minutes;
  return (
    <li className={`activity-row ${a.is_favorite ? "is-favorite" : ""}`} data-testid={`activity-${a.id}`}>
      <button
        type="button"
        className={`icon-button star ${a.is_favorite ? "on" : ""}`}
        aria-pressed={a.is_favorite}
        aria-label={t(a.is_favorite ? "activities.unfavorite" : "activities.favorite", { name: a.name })}
        data-testid={`activity-fav-${a.id}`}
        onClick={() => (a.is_favorite ? unfavorite.mutate(a.id) : favorite.mutate(a.id))}
      >
        <Icon name="star" size={18} filled={a.is_favorite} />
      </button>
      <span className="activity-emoji" aria-hidden="true">
        {a.emoji ?? "•"}
      </span>
      <div className="activity-main">
        <span className="activity-name">{a.name}</span>
        <span className="activity-meta">
          {t(`activities.kinds.${a.kind}`)}
          {minutes !== null ? ` · ${t("activities.minutes", { count: Number(minutes) })}` : ""}
          {!a.is_builtin ? ` · ${t("activities.own")}` : ""}
        </span>
        {a.description ? <span className="activity-desc">{a.description}</span> : null}
      </div>
      <div className="activity-actions">
        {!a.is_builtin ? (
          <button
            type="button"
            className="icon-button danger"
            aria-label={t("activities.delete", { name: a.name })}
            data-testid={`activity-delete-${a.id}`}
            onClick={() => remove.mutate(a.id)}
          >
            <Icon name="trash" size={16} />
          </button>
        ) : null}
        <button
          type="button"
          className="button subtle small"
          aria-label={t("activities.startLabel", { name: a.name })}
          data-testid={`activity-start-${a.id}`}
          disabled={busy}
          onClick={onStart}
        >
          <Icon name="play" size={14} />
          {t("activities.start")}
        </button>
      </div>
    </li>
  );
}

export function ActivityList({ activities }: { activities: Activity[] }) {
  const { t } = useTranslation();
  const start = useStartSession();
  const add = useApiMutation(api.activityAdd, { meta: { refresh: [focusKeys.activities()] } });
  const favorites = activities.filter((a) => a.is_favorite);
  const others = activities.filter((a) => !a.is_favorite);
  const row = (a: Activity) => (
    <ActivityRow key={a.id} a={a} busy={start.isPending} onStart={() => start.mutate(quickSession({ activity_id: a.id }))} />
  );
  return (
    <div className="activities" data-testid="activities">
      <h3 className="section-title">{t("activities.favorites")}</h3>
      {favorites.length === 0 ? <EmptyNote>{t("activities.noFavorites")}</EmptyNote> : null}
      <ul className="activity-list plain-list" aria-label={t("activities.favorites")} data-testid="activity-favorites">
        {favorites.map(row)}
      </ul>
      <h3 className="section-title">{t("activities.all")}</h3>
      <ul className="activity-list plain-list" aria-label={t("activities.all")} data-testid="activity-all">
        {others.map(row)}
      </ul>
      <AddDisclosure label={t("activities.showForm")}>
        {(close) => (
          <InlineForm
            testId="activity-add-form"
            submitLabel={t("activities.add")}
            onCancel={close}
            fields={[
              { name: "name", label: t("activities.name"), required: true, maxLength: LIMITS.activity.name, width: "wide" },
              {
                name: "kind",
                label: t("activities.kind"),
                type: "select",
                initial: "custom",
                options: KINDS.map((k) => ({ value: k, label: t(`activities.kinds.${k}`) })),
              },
              { name: "minutes", label: t("activities.duration"), type: "number", min: RANGES.activity.minutes[0], max: RANGES.activity.minutes[1] },
              { name: "emoji", type: "emoji", label: t("activities.emoji"), maxLength: LIMITS.activity.emoji, width: "narrow" },
              { name: "description", label: t("activities.description"), maxLength: LIMITS.activity.description, width: "wide" },
            ]}
            onSubmit={(v) => {
              const minutes = opt(v.minutes);
              return add.mutateAsync({
                name: (v.name ?? "").trim(),
                kind: (v.kind as ActivityKind) || "custom",
                description: opt(v.description) ?? null,
                default_duration_minutes: minutes ? parseWhole(minutes, ...RANGES.activity.minutes) ?? Number(minutes) : null,
                emoji: opt(v.emoji) ?? null,
              });
            }}
          />
        )}
      </AddDisclosure>
    </div>
  );
}
