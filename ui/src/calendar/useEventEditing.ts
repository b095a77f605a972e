// The editor dialog's wiring: which occurrence (or new event) is open, reading its rule
// and reminders through the cache when opened, and saving or deleting it through the
// calendar's mutations (the dialog closes when one succeeds).
import { useState } from "react";
import * as api from "../api/client";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { NewReminder } from "../api/bindings/NewReminder";
import type { EditScope } from "../api/bindings/EditScope";
import type { EditorValues } from "./EventEditor";
import { useCalendarMutation, useFetchEvent } from "./queries";

export type Editing = { item: CalendarItem | null; rrule: string | null; reminders?: NewReminder[]; date: string };

export function useEventEditing() {
  const [editing, setEditing] = useState<Editing | null>(null);
  const fetchEvent = useFetchEvent();
  const close = () => setEditing(null);
  const add = useCalendarMutation(api.eventAdd, { onSuccess: close });
  const update = useCalendarMutation(api.eventUpdate, { onSuccess: close });
  const remove = useCalendarMutation(
    (v: { id: string; occurrence: string | null; scope: EditScope }) => api.eventDelete(v.id, v.occurrence, v.scope),
    { onSuccess: close },
  );

  /** A new event on `date`. */
  const create = (date: string) => setEditing({ item: null, rrule: null, date });

  /** Opens an event's occurrence (a due date is only selected by the caller). */
  const open = async (item: CalendarItem) => {
    if (item.kind !== "event") return;
    let rrule: string | null = null;
    let reminders: NewReminder[] = [];
    try {
      // The row drawn (an override, or the master of an occurrence) holds the reminders;
      // the series' master holds the rule.
      const ev = await fetchEvent(item.id);
      reminders = ev.reminders.map((r) => (r.remind_at ? { remind_at: r.remind_at } : { minutes_before: r.minutes_before ?? 0 }));
      rrule = item.recurring ? (item.series_id && item.series_id !== item.id ? (await fetchEvent(item.series_id)).rrule : ev.rrule) : null;
    } catch {
      rrule = null;
    }
    setEditing({ item, rrule, reminders, date: item.date });
  };

  const save = (v: EditorValues) => {
    const start = v.allDay ? v.date : `${v.date}T${v.start}`;
    const end = v.allDay ? v.endDate : v.end ? `${v.date}T${v.end}` : undefined;
    const item = editing?.item;
    if (!item) {
      add.mutate({
        title: v.title,
        start,
        all_day: v.allDay,
        reminders: v.reminders,
        source: "modal",
        ...(v.notes ? { notes: v.notes } : {}),
        ...(v.location ? { location: v.location } : {}),
        ...(v.url ? { url: v.url } : {}),
        ...(end ? { end } : {}),
        ...(v.courseId ? { course_id: v.courseId } : {}),
        ...(v.rrule ? { rrule: v.rrule } : {}),
      });
      return;
    }
    const rruleChanged = (v.rrule ?? "") !== (editing?.rrule ?? "");
    update.mutate({
      id: item.id,
      scope: v.scope,
      ...(item.recurrence_id ? { occurrence: item.recurrence_id } : {}),
      patch: {
        title: v.title,
        notes: v.notes,
        location: v.location,
        url: v.url,
        start,
        end: end ?? "",
        all_day: v.allDay,
        course_id: v.courseId,
        // Sent only when changed: rewriting them would drop a snooze or a delivery.
        ...(JSON.stringify(v.reminders) !== JSON.stringify(editing?.reminders ?? []) ? { reminders: v.reminders } : {}),
        ...(rruleChanged ? { rrule: v.rrule ?? "" } : {}),
      },
    });
  };

  /** A subscribed event takes reminders only, set on the whole series (the core refuses the rest). */
  const saveReminders = (reminders: NewReminder[]) => {
    const item = editing?.item;
    if (item) update.mutate({ id: item.id, scope: "all", patch: { reminders } });
  };

  const deleteOpen = (scope: EditScope) => {
    if (editing?.item) remove.mutate({ id: editing.item.id, occurrence: editing.item.recurrence_id, scope });
  };

  return { editing, create, open, save, saveReminders, deleteOpen, close };
}
