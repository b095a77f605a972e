// Settings › Your activity (seed 000's USER_ACTIVITY_LOG): what the user did in the last
// 30 days by kind, as bars with their counts and last time; a switch that stops recording
// and a button that deletes the history (after a confirmation). Kept on this device only.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ActionType } from "../api/bindings/ActionType";
import type { ActivitySummary } from "../api/bindings/ActivitySummary";
import type { UserSettings } from "../api/bindings/UserSettings";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Loading } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { settingsKeys, useActivitySummary } from "./queries";
import "./ActivityLogCard.css";

const KNOWN: ActionType[] = ["page_opened", "session_started", "session_completed", "task_added", "calendar_imported", "posted"];

export function ActivityLogCard({ settings }: { settings: UserSettings }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const summary = useActivitySummary();
  const [confirming, setConfirming] = useState(false);
  const store = (s: ActivitySummary) => qc.setQueryData(settingsKeys.activity(), s);
  const toggle = useApiMutation((on: boolean) => api.activityLogSetEnabled(on), { onSuccess: store });
  const clear = useApiMutation(() => api.activityLogClear(), {
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.activity() }),
  });
  const label = (type: string) => (KNOWN.includes(type as ActionType) ? t(`activityLog.action.${type}`) : type);
  const data = summary.data;
  const most = Math.max(1, ...(data?.actions.map((a) => a.count) ?? []));

  return (
    <section className="card settings-card" aria-labelledby="settings-activity" data-testid="settings-activity">
      <h2 id="settings-activity" className="card-title">
        {t("activityLog.title")}
      </h2>
      <p className="hint">{t("activityLog.intro")}</p>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, summary.error)}
        </p>
      ) : null}
      {data ? (
        <>
          <div className="switch-row">
            <input
              id="activity-enabled"
              type="checkbox"
              role="switch"
              className="switch"
              data-testid="activity-enabled"
              checked={data.enabled}
              aria-describedby="activity-enabled-hint"
              onChange={(e) => {
                if (!toggle.isPending) toggle.mutate(e.target.checked);
              }}
            />
            <div className="switch-text">
              <label htmlFor="activity-enabled">{t("activityLog.enabled")}</label>
              <p id="activity-enabled-hint" className="hint">
                {t("activityLog.enabledHint")}
              </p>
            </div>
          </div>
          <h3 className="activity-subtitle">{t("activityLog.last30")}</h3>
          {data.actions.length === 0 ? (
            <p className="muted" data-testid="activity-empty">
              {t("activityLog.empty")}
            </p>
          ) : (
            <ul className="activity-bars plain-list" data-testid="activity-bars">
              {data.actions.map((a) => (
                <li key={a.action_type} className="activity-bar-row">
                  <span className="activity-bar-label">{label(a.action_type)}</span>
                  <span className="activity-bar-track" aria-hidden="true">
                    <span className="activity-bar" style={{ width: `${(a.count / most) * 100}%` }} />
                  </span>
                  <span className="activity-bar-count">
                    {t("activityLog.count", { count: a.count })}
                    <span className="muted">
                      {" · "}
                      {t("activityLog.last", {
                        when: formatDateTime(a.last_activity, settings.preferred_locale, settings.timezone ?? "UTC"),
                      })}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <div className="dialog-actions activity-actions">
            <span className="muted">{t("activityLog.total", { count: data.total })}</span>
            <button
              type="button"
              className="button ghost danger-text"
              data-testid="activity-clear"
              disabled={data.total === 0}
              onClick={() => setConfirming(true)}
            >
              {t("activityLog.clear")}
            </button>
          </div>
        </>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t("activityLog.clearTitle")}
          message={t("activityLog.clearMessage", { count: data?.total ?? 0 })}
          confirmLabel={t("activityLog.clear")}
          testId="activity-clear-dialog"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            clear.mutate(undefined);
          }}
        />
      ) : null}
    </section>
  );
}
