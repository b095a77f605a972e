// Settings › Running in the background: close to tray, start at login, and the OS timer
// that checks reminders while Studydesk is quit. Each switch saves at once; when the OS
// side fails (no systemctl, no autostart) the switch goes back and the reason is shown.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { BackgroundSettings, BackgroundSettingsPatch } from "../api/client";
import { useApiMutation, useQueryClient } from "../api/queries";
import { settingsKeys, useBackgroundSettings } from "./queries";
import { Loading } from "../components/Status";
import "./BackgroundCard.css";
import { errorText } from "../api/errorText";

const FIELDS = ["close_to_tray", "start_at_login", "os_timer"] as const;
type Field = (typeof FIELDS)[number];

export function BackgroundCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useBackgroundSettings();
  const [failure, setFailure] = useState<{ field: Field; message: string } | null>(null);
  const update = useApiMutation((patch: BackgroundSettingsPatch) => api.backgroundSettingsUpdate(patch), {
    meta: { inlineError: true },
    onMutate: (patch) => {
      setFailure(null);
      const before = qc.getQueryData<BackgroundSettings>(settingsKeys.background());
      if (before) qc.setQueryData<BackgroundSettings>(settingsKeys.background(), { ...before, ...patch });
      return { before };
    },
    onSuccess: (saved) => qc.setQueryData(settingsKeys.background(), saved),
    onError: (error, patch, context) => {
      const before = (context as { before?: BackgroundSettings } | undefined)?.before;
      if (before) qc.setQueryData(settingsKeys.background(), before);
      const field = FIELDS.find((f) => patch[f] !== undefined) ?? "close_to_tray";
      setFailure({ field, message: errorText(t, error) });
      // What the core really stored (a failed effect leaves its field as it was).
      void qc.invalidateQueries({ queryKey: settingsKeys.background() });
    },
  });

  return (
    <section className="card settings-card" aria-labelledby="settings-background" data-testid="settings-background">
      <h2 id="settings-background" className="card-title">
        {t("background.title")}
      </h2>
      {settings.isPending ? <Loading /> : null}
      {settings.isError ? (
        <p role="alert" className="field-error">
          {t("background.loadFailed", { message: errorText(t, settings.error) })}
        </p>
      ) : null}
      {settings.data
        ? FIELDS.map((field) => {
            const id = `background-${field}`;
            const error = failure?.field === field ? failure.message : null;
            return (
              <div key={field} className="switch-row">
                <input
                  id={id}
                  type="checkbox"
                  role="switch"
                  className="switch"
                  data-testid={id}
                  checked={settings.data[field]}
                  aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
                  aria-invalid={error ? true : undefined}
                  aria-busy={update.isPending && update.variables?.[field] !== undefined}
                  onChange={(e) => {
                    // One change at a time (disabling would drop the keyboard focus).
                    if (!update.isPending) update.mutate({ [field]: e.target.checked });
                  }}
                />
                <div className="switch-text">
                  <label htmlFor={id}>{t(`background.${field}`)}</label>
                  <p id={`${id}-hint`} className="hint">
                    {t(`background.${field}Hint`)}
                  </p>
                  {error ? (
                    <p id={`${id}-error`} role="alert" className="field-error" data-testid={`${id}-error`}>
                      {t("background.failed", { message: error })}
                    </p>
                  ) : null}
                </div>
              </div>
            );
          })
        : null}
    </section>
  );
}
