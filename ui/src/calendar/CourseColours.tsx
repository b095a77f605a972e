// "Course colours": one row per course with a few swatches that read well as a stripe
// in both themes, "None", and any other colour. Events and due dates of the course
// show it as their left border; their text keeps the theme's colours (contrast).
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { Course } from "../api/bindings/Course";
import { useApiMutation } from "../api/queries";
import { calendarKeys } from "./queries";
import { Dialog } from "../components/Dialog";
import "./calendar.css";

export const SWATCHES = [
  ["blue", "#3451c6"],
  ["teal", "#0b7a6f"],
  ["green", "#23763a"],
  ["orange", "#b25a00"],
  ["red", "#b42323"],
  ["purple", "#a3479b"],
  ["pink", "#c2185b"],
  ["slate", "#5b6472"],
] as const;

export function CourseColours({ courses, onClose }: { courses: Course[]; onClose: () => void }) {
  const { t } = useTranslation();
  const setColour = useApiMutation((v: { id: string; colour: string | null }) => api.courseSetColour(v.id, v.colour), {
    meta: { refresh: [calendarKeys.ranges()] },
  });
  // The colour picker reports every step of a drag: save once it settles.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const pickLater = (course: Course, colour: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => pick(course, colour), 400);
  };
  const pick = (course: Course, colour: string | null) => {
    if ((course.colour ?? null)?.toLowerCase() === colour?.toLowerCase()) return;
    setColour.mutate({ id: course.id, colour });
  };

  return (
    <Dialog title={t("courseColours.title")} onClose={onClose} testId="cal-courses-dialog" className="course-colours">
      {courses.length === 0 ? <p className="hint">{t("courseColours.empty")}</p> : null}
      <ul className="course-colour-list">
        {courses.map((c) => {
          const current = c.colour?.toLowerCase() ?? null;
          const known = SWATCHES.some(([, hex]) => hex === current);
          return (
            <li key={c.id} className="course-colour-row">
              <span className="course-colour-name" id={`course-colour-${c.id}`}>
                <span className="course-dot" style={current ? { background: current } : undefined} aria-hidden="true" />
                {c.emoji ? `${c.emoji} ` : ""}
                {c.name}
              </span>
              <div className="swatches" role="group" aria-labelledby={`course-colour-${c.id}`}>
                <button
                  type="button"
                  className="swatch none"
                  aria-pressed={current === null}
                  aria-label={t("courseColours.none")}
                  title={t("courseColours.none")}
                  data-testid={`course-colour-none-${c.id}`}
                  onClick={() => pick(c, null)}
                />
                {SWATCHES.map(([name, hex]) => (
                  <button
                    key={hex}
                    type="button"
                    className="swatch"
                    style={{ background: hex }}
                    aria-pressed={current === hex}
                    aria-label={t(`courseColours.${name}`)}
                    title={t(`courseColours.${name}`)}
                    data-testid={`course-colour-${c.id}-${hex.slice(1)}`}
                    onClick={() => pick(c, hex)}
                  />
                ))}
                <label className={`swatch custom${current && !known ? " chosen" : ""}`} title={t("courseColours.custom")}>
                  <span className="sr-only">{t("courseColours.customFor", { name: c.name })}</span>
                  <input
                    type="color"
                    value={current ?? "#3451c6"}
                    data-testid={`course-colour-custom-${c.id}`}
                    onChange={(e) => pickLater(c, e.target.value)}
                  />
                </label>
              </div>
            </li>
          );
        })}
      </ul>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={onClose}>
          {t("courseColours.done")}
        </button>
      </div>
    </Dialog>
  );
}
