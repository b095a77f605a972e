// "Course colours": one row per course with the shared swatches (SwatchPicker), "None",
// and any other colour. Events and due dates of the course show it as their left
// border; their text keeps the theme's colours (contrast).
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { Course } from "../api/bindings/Course";
import { useApiMutation } from "../api/queries";
import { calendarKeys } from "./queries";
import { Dialog } from "../components/Dialog";
import { SwatchPicker } from "../components/SwatchPicker";
import "./calendar.css";

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
          return (
            <li key={c.id} className="course-colour-row">
              <span className="course-colour-name" id={`course-colour-${c.id}`}>
                <span className="course-dot" style={current ? { background: current } : undefined} aria-hidden="true" />
                {c.emoji ? `${c.emoji} ` : ""}
                {c.name}
              </span>
              <SwatchPicker
                labelledBy={`course-colour-${c.id}`}
                value={current}
                onPick={(colour) => pick(c, colour)}
                testId={`course-colour-${c.id}`}
                none={{ testId: `course-colour-none-${c.id}` }}
                custom={{ label: t("courseColours.customFor", { name: c.name }), testId: `course-colour-custom-${c.id}`, onChange: (colour) => pickLater(c, colour) }}
              />
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
