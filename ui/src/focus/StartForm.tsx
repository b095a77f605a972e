// Starting a session with everything spelled out: name, activity, course, planned
// length and pomodoro cycles.
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Activity } from "../api/bindings/Activity";
import type { Course } from "../api/bindings/Course";
import type { SessionConfig } from "../api/bindings/SessionConfig";
import { Icon } from "../components/Icon";
import { NumberField, parseWhole } from "../components/NumberField";
import { useStartSession } from "./useStartSession";
import "./focus.css";
import { LIMITS as LENGTHS, RANGES } from "../api/limits";

/** The ranges the core accepts (generated from crates/core/src/focus/sessions.rs). */
export const LIMITS = RANGES.session;

type NumKey = keyof typeof LIMITS;
type Values = Record<NumKey, string> & { name: string; activityId: string; courseId: string; pomodoro: boolean; autoStart: boolean };

const DEFAULTS: Values = {
  name: "",
  activityId: "",
  courseId: "",
  planned: "",
  pomodoro: false,
  work: "25",
  shortBreak: "5",
  longBreak: "15",
  cycles: "4",
  autoStart: true,
};

export function StartForm({ activities, courses }: { activities: Activity[]; courses: Course[] }) {
  const { t } = useTranslation();
  const id = useId();
  const start = useStartSession();
  const [v, setV] = useState<Values>(DEFAULTS);
  const [errors, setErrors] = useState<Partial<Record<NumKey, string>>>({});
  const set = <K extends keyof Values>(k: K, value: Values[K]) => setV((old) => ({ ...old, [k]: value }));

  const chooseActivity = (activityId: string) => {
    const a = activities.find((x) => x.id === activityId);
    setV((old) => {
      const next = { ...old, activityId };
      if (!a) return next;
      const minutes = a.default_duration_minutes !== null ? String(a.default_duration_minutes) : "";
      if (a.kind === "pomodoro") {
        next.pomodoro = true;
        if (minutes) next.work = minutes;
      } else {
        next.planned = minutes;
      }
      return next;
    });
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const numbers: Partial<Record<NumKey, number | null>> = {};
    const found: Partial<Record<NumKey, string>> = {};
    const check = (k: NumKey, optional = false) => {
      const [min, max] = LIMITS[k];
      if (optional && v[k].trim() === "") {
        numbers[k] = null;
        return;
      }
      const n = parseWhole(v[k], min, max);
      if (n === null) found[k] = t("session.invalidNumber", { min, max });
      numbers[k] = n;
    };
    check("planned", true);
    if (v.pomodoro) (["work", "shortBreak", "longBreak", "cycles"] as const).forEach((k) => check(k));
    setErrors(found);
    const firstBad = Object.keys(found)[0];
    if (firstBad) {
      document.getElementById(`${id}-${firstBad}`)?.querySelector("input")?.focus();
      return;
    }
    const config: SessionConfig = {
      planned_minutes: numbers.planned ?? null,
      pomodoro: v.pomodoro
        ? {
            work_minutes: numbers.work!,
            short_break_minutes: numbers.shortBreak!,
            long_break_minutes: numbers.longBreak!,
            cycles_before_long_break: numbers.cycles!,
            auto_start_next: v.autoStart,
          }
        : null,
    };
    start.mutate(
      { name: v.name.trim() || null, activity_id: v.activityId || null, course_id: v.courseId || null, config },
      { onSuccess: () => setV(DEFAULTS) },
    );
  };

  const num = (k: NumKey, label: string, hint?: string) => (
    <div id={`${id}-${k}`} className="field-wrap">
      <NumberField
        label={label}
        value={v[k]}
        onChange={(x) => set(k, x)}
        min={LIMITS[k][0]}
        max={LIMITS[k][1]}
        error={errors[k]}
        hint={hint}
        testId={`start-${k}`}
      />
    </div>
  );

  return (
    <form className="start-form" data-testid="session-start-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="subheading">
        {t("session.startTitle")}
      </h3>
      <div className="form-grid">
        <div className="field field-wide">
          <label htmlFor={`${id}-name`}>{t("session.name")}</label>
          <input
            id={`${id}-name`}
            type="text"
            maxLength={LENGTHS.session.name}
            autoComplete="off"
            placeholder={t("session.namePlaceholder")}
            value={v.name}
            data-testid="start-name"
            onChange={(e) => set("name", e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-activity`}>{t("session.activity")}</label>
          <select id={`${id}-activity`} value={v.activityId} data-testid="start-activity" onChange={(e) => chooseActivity(e.target.value)}>
            <option value="">{t("session.noActivity")}</option>
            {activities.map((a) => (
              <option key={a.id} value={a.id}>
                {a.emoji ? `${a.emoji} ` : ""}
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-course`}>{t("session.courseLabel")}</label>
          <select id={`${id}-course`} value={v.courseId} data-testid="start-course" onChange={(e) => set("courseId", e.target.value)}>
            <option value="">{t("session.noCourse")}</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.emoji ? `${c.emoji} ` : ""}
                {c.name}
              </option>
            ))}
          </select>
        </div>
        {num("planned", t("session.plannedLabel"), t("session.plannedHint"))}
      </div>
      <fieldset className={`pomodoro-fieldset ${v.pomodoro ? "open" : ""}`}>
        <legend>
          <label className="check-label">
            <input
              type="checkbox"
              className="checkbox"
              checked={v.pomodoro}
              data-testid="start-pomodoro"
              onChange={(e) => set("pomodoro", e.target.checked)}
            />
            {t("session.pomodoro")}
          </label>
        </legend>
        {v.pomodoro ? (
          <>
            <div className="form-grid">
              {num("work", t("session.work"))}
              {num("shortBreak", t("session.shortBreak"))}
              {num("longBreak", t("session.longBreak"))}
              {num("cycles", t("session.cycles"))}
            </div>
            <label className="check-label">
              <input
                type="checkbox"
                className="checkbox"
                checked={v.autoStart}
                data-testid="start-auto"
                onChange={(e) => set("autoStart", e.target.checked)}
              />
              {t("session.autoStart")}
            </label>
          </>
        ) : null}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid="session-start" disabled={start.isPending}>
          <Icon name="play" size={16} />
          {t("session.start")}
        </button>
      </div>
    </form>
  );
}
