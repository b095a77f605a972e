// Targets (daily minutes, weekly hours), rest days and the idle threshold.
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useApiMutation, useQueryClient } from "../api/queries";
import { focusKeys } from "./queries";
import type { FocusSettings } from "../api/bindings/FocusSettings";
import { NumberField, parseWhole } from "../components/NumberField";
import { RANGES } from "../api/limits";
import "./focus.css";

type Field = keyof FocusSettings;

/** The ranges the core accepts (crates/core/src/focus/settings.rs). */
/** The ranges the core accepts (generated from crates/core/src/focus/settings.rs). */
export const SETTINGS_LIMITS: Record<Field, readonly [number, number]> = RANGES.focusSettings;

const FIELDS: Field[] = ["daily_target_minutes", "weekly_target_hours", "rest_days_per_week", "idle_threshold_minutes"];

const toText = (s: FocusSettings) =>
  Object.fromEntries(FIELDS.map((f) => [f, String(s[f])])) as Record<Field, string>;

export function FocusSettingsForm({ settings }: { settings: FocusSettings }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [values, setValues] = useState(() => toText(settings));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const refs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const update = useApiMutation(api.focusSettingsUpdate, {
    meta: { refresh: [focusKeys.stats()] },
    onSuccess: (s) => {
      qc.setQueryData(focusKeys.settings(), s);
      setValues(toText(s));
      setSaved(true);
    },
  });

  // Another place changed the settings: show the stored values.
  const stored = JSON.stringify(settings);
  useEffect(() => {
    setValues(toText(JSON.parse(stored) as FocusSettings));
  }, [stored]);

  const labels: Record<Field, string> = {
    daily_target_minutes: t("focusSettings.daily"),
    weekly_target_hours: t("focusSettings.weekly"),
    rest_days_per_week: t("focusSettings.rest"),
    idle_threshold_minutes: t("focusSettings.idle"),
  };
  const hints: Partial<Record<Field, string>> = {
    rest_days_per_week: t("focusSettings.restHint"),
    idle_threshold_minutes: t("focusSettings.idleHint"),
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const found: Partial<Record<Field, string>> = {};
    const parsed: Partial<FocusSettings> = {};
    for (const f of FIELDS) {
      const [min, max] = SETTINGS_LIMITS[f];
      const n = parseWhole(values[f], min, max);
      if (n === null) found[f] = t("focusSettings.range", { min, max });
      else parsed[f] = n;
    }
    setErrors(found);
    const firstBad = FIELDS.find((f) => found[f]);
    if (firstBad) {
      refs.current[firstBad]?.focus();
      return;
    }
    update.mutate(parsed as FocusSettings);
  };

  return (
    <form className="settings-form" data-testid="focus-settings-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        {FIELDS.map((f) => (
          <NumberField
            key={f}
            label={labels[f]}
            value={values[f]}
            min={SETTINGS_LIMITS[f][0]}
            max={SETTINGS_LIMITS[f][1]}
            hint={hints[f]}
            error={errors[f]}
            testId={`focus-setting-${f}`}
            inputRef={(el) => {
              refs.current[f] = el;
            }}
            onChange={(v) => {
              setSaved(false);
              setValues((old) => ({ ...old, [f]: v }));
            }}
          />
        ))}
      </div>
      <div className="form-actions">
        <span className="save-note" role="status">
          {saved ? t("focusSettings.saved") : ""}
        </span>
        <button type="submit" className="button primary" data-testid="focus-settings-save" disabled={update.isPending}>
          {t("focusSettings.save")}
        </button>
      </div>
    </form>
  );
}
