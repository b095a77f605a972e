import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useApiMutation } from "../api/queries";
import type { Assignment } from "../api/bindings/Assignment";
import type { AssignmentBuckets } from "../api/bindings/AssignmentBuckets";
import type { Course } from "../api/bindings/Course";
import type { NewAssignment } from "../api/bindings/NewAssignment";
import { Card, EmptyNote } from "../components/Card";
import { Icon } from "../components/Icon";
import { AddDisclosure, InlineForm, opt } from "../components/InlineForm";
import { usePrefs } from "../lib/prefs";
import { formatDateTime, wallTimeToIso } from "../lib/dates";
import { ScheduleDialog } from "../reminders/ScheduleDialog";
import "./AssignmentsCard.css";
import { LIMITS } from "../api/limits";
import { HistoryButton } from "../history/HistoryButton";

const SECTIONS = ["overdue", "this_week", "this_month", "later"] as const;
type Section = (typeof SECTIONS)[number];
export const STATUSES = ["Not started", "In progress", "Done", "Submitted"] as const;

/** The assignment as it is, with one field changed, in the shape `assignment_update` takes. */
function asInput(a: Assignment, change: Partial<NewAssignment>): NewAssignment {
  const input: NewAssignment = { title: a.title };
  if (a.course_id) input.course_id = a.course_id;
  if (a.status) input.status = a.status;
  if (a.due_at) input.due_at = a.due_at;
  if (a.notes) input.notes = a.notes;
  return { ...input, ...change };
}

/** The assignment with a new due instant, or none (`due_at` left out clears it). */
function withDue(a: Assignment, dueAt: string | null): NewAssignment {
  const { due_at: _old, ...rest } = asInput(a, {});
  return dueAt ? { ...rest, due_at: dueAt } : rest;
}

export function AssignmentsCard({ buckets, courses }: { buckets: AssignmentBuckets; courses: Course[] }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const add = useApiMutation(api.assignmentAdd);
  const update = useApiMutation(({ id, input }: { id: string; input: NewAssignment }) => api.assignmentUpdate(id, input));
  const remove = useApiMutation(api.assignmentDelete);
  const [schedulingId, setSchedulingId] = useState<string | null>(null);
  const all = SECTIONS.flatMap((s) => buckets[s]);
  const scheduling = all.find((a) => a.id === schedulingId) ?? null;
  const addCourse = useApiMutation(({ name, emoji }: { name: string; emoji: string | null }) => api.courseAdd(name, emoji));

  const byId = new Map(courses.map((c) => [c.id, c]));
  const total = SECTIONS.reduce((n, s) => n + buckets[s].length, 0);
  const statusLabel = (s: string | null) =>
    !s ? null : (STATUSES as readonly string[]).includes(s) ? t(`status.${s as (typeof STATUSES)[number]}`) : s;

  const sections = SECTIONS.filter((s) => s !== "overdue" || buckets.overdue.length > 0);

  return (
    <Card id="assignments" title={t("cards.assignments")}>
      {total === 0 ? <EmptyNote>{t("assignments.empty")}</EmptyNote> : null}
      {total > 0
        ? sections.map((section: Section) => (
            <section key={section} className={`assign-section section-${section}`} data-testid={`assignments-${section}`} aria-labelledby={`assign-${section}`}>
              <h3 id={`assign-${section}`} className="section-title">
                {t(`assignments.${section}`)}
                <span className="count">{buckets[section].length}</span>
              </h3>
              {buckets[section].length === 0 ? null : (
                <ul className="assign-list">
                  {buckets[section].map((a) => {
                    const course = a.course_id ? byId.get(a.course_id) : undefined;
                    const status = statusLabel(a.status);
                    return (
                      <li key={a.id} className="assign-item" data-testid="assignment-item" data-assignment-id={a.id}>
                        <div className="assign-main">
                          <span className="assign-title">{a.title}</span>
                          <span className="assign-meta">
                            <span className="course-chip">
                              {course ? (
                                <>
                                  {course.colour ? <span className="course-dot" style={{ background: course.colour }} aria-hidden="true" /> : null}
                                  {course.emoji ? <span aria-hidden="true">{course.emoji}</span> : null}
                                  {course.name}
                                </>
                              ) : (
                                t("assignments.noCourse")
                              )}
                            </span>
                            <span className={section === "overdue" ? "due overdue" : "due"}>
                              {a.due_at
                                ? t("assignments.due", { date: formatDateTime(a.due_at, locale, timezone) })
                                : t("assignments.noDue")}
                            </span>
                            {status ? <span className="status-badge">{status}</span> : null}
                          </span>
                        </div>
                        <div className="row-actions">
                          <button
                            type="button"
                            className="icon-button"
                            data-testid="assignment-schedule"
                            onClick={() => setSchedulingId(a.id)}
                            aria-label={t("assignments.schedule", { name: a.title })}
                            title={t("assignments.schedule", { name: a.title })}
                          >
                            <Icon name="alarm" size={16} />
                          </button>
                          <button
                            type="button"
                            className="icon-button"
                            onClick={() => update.mutate({ id: a.id, input: asInput(a, { status: "Done" }) })}
                            aria-label={t("assignments.markDone", { name: a.title })}
                          >
                            <Icon name="check" size={16} />
                          </button>
                          <HistoryButton entityId={a.id} name={a.title} />
                          <button
                            type="button"
                            className="icon-button danger"
                            onClick={() => remove.mutate(a.id)}
                            aria-label={t("assignments.delete", { name: a.title })}
                          >
                            <Icon name="trash" size={16} />
                          </button>
                        </div>
                      </li>
                    );
                  })}
                </ul>
              )}
            </section>
          ))
        : null}
      {scheduling ? (
        <ScheduleDialog
          item={{ kind: "assignment", id: scheduling.id }}
          name={scheduling.title}
          dueAt={scheduling.due_at}
          onSetDue={(dueAt) => update.mutateAsync({ id: scheduling.id, input: withDue(scheduling, dueAt) })}
          onClose={() => setSchedulingId(null)}
        />
      ) : null}
      <div className="card-footer-actions">
        <AddDisclosure label={t("assignments.showForm")}>
          {(close) => (
            <InlineForm
              testId="assignment-form"
              submitLabel={t("assignments.add")}
              onCancel={close}
              fields={[
                { name: "title", label: t("assignments.newTitle"), required: true, maxLength: LIMITS.assignment.title, width: "wide" },
                {
                  name: "course_id",
                  label: t("assignments.course"),
                  type: "select",
                  options: [
                    { value: "", label: t("assignments.noCourse") },
                    ...courses.map((c) => ({ value: c.id, label: c.emoji ? `${c.emoji} ${c.name}` : c.name })),
                  ],
                },
                { name: "due_at", label: t("assignments.dueLabel"), type: "datetime-local" },
                {
                  name: "status",
                  label: t("assignments.status"),
                  type: "select",
                  initial: "Not started",
                  options: [
                    { value: "", label: t("status.none") },
                    ...STATUSES.filter((s) => s !== "Done").map((s) => ({ value: s, label: t(`status.${s}`) })),
                  ],
                },
              ]}
              onSubmit={(v) => {
                const input: NewAssignment = { title: (v.title ?? "").trim() };
                const course = opt(v.course_id);
                const status = opt(v.status);
                const due = v.due_at ? wallTimeToIso(v.due_at, timezone) : null;
                if (course) input.course_id = course;
                if (status) input.status = status;
                if (due) input.due_at = due;
                return add.mutateAsync(input);
              }}
            />
          )}
        </AddDisclosure>
        <AddDisclosure label={t("courses.showForm")}>
          {(close) => (
            <InlineForm
              submitLabel={t("courses.add")}
              onCancel={close}
              fields={[
                { name: "name", label: t("courses.name"), required: true, maxLength: LIMITS.course.name, width: "wide" },
                { name: "emoji", type: "emoji", label: t("courses.emoji"), maxLength: LIMITS.course.emoji, width: "narrow" },
              ]}
              onSubmit={(v) => addCourse.mutateAsync({ name: (v.name ?? "").trim(), emoji: opt(v.emoji) ?? null })}
            />
          )}
        </AddDisclosure>
      </div>
    </Card>
  );
}
