// The Planner's calendar (issue 3): month, week, day and agenda views of the occurrences
// and due dates the core expands, quick add from one typed line, the full editor, drag
// (or Alt+arrows) to move, and .ics import/export. Weeks start on Monday in every language.
import { DndContext, PointerSensor, useSensor, useSensors } from "@dnd-kit/core";
import type { DragEndEvent } from "@dnd-kit/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { KeyboardEvent, Ref } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { NewReminder } from "../api/bindings/NewReminder";
import type { EventMove } from "../api/bindings/EventMove";
import type { IcsImportReport } from "../api/bindings/IcsImportReport";
import type { ApiError } from "../api/client";
import { keys, useApiMutation, useAppState, useCalendarRange, useHome } from "../api/queries";
import { LoadError, Loading } from "../components/Status";
import { addDays, formatLongDate, formatMonth, formatShortDate, step, todayIn, viewRange, wallTime } from "../calendar/dates";
import type { View } from "../calendar/dates";
import { dropPlan } from "../calendar/drop";
import { CourseColours } from "../calendar/CourseColours";
import { EventEditor } from "../calendar/EventEditor";
import { Icon } from "../components/Icon";
import type { EditorValues } from "../calendar/EventEditor";
import { AgendaView, MonthView, occKey, TimeGridView } from "../calendar/views";
import type { ViewProps } from "../calendar/views";
import { errorText } from "../api/errorText";

const VIEWS: View[] = ["month", "week", "day", "agenda"];
const REFRESH = { meta: { refresh: [keys.calendar] } };

type Editing = { item: CalendarItem | null; rrule: string | null; reminders?: NewReminder[]; date: string };

function isTyping(target: EventTarget): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function Calendar({ headingRef, now, initialView = "month" }: { headingRef?: Ref<HTMLHeadingElement>; now?: () => Date; initialView?: View }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const qc = useQueryClient();
  const appState = useAppState();
  const home = useHome();
  const zone = appState.data?.settings.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const today = todayIn(zone, now ? now() : new Date());
  const [view, setView] = useState<View>(initialView);
  const [selected, setSelected] = useState(today);
  const [selectedItem, setSelectedItem] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [quick, setQuick] = useState("");
  const [report, setReport] = useState<IcsImportReport | null>(null);
  const [coloursOpen, setColoursOpen] = useState(false);
  const [importError, setImportError] = useState<{ error: ApiError; exporting: boolean } | null>(null);
  const viewsRef = useRef<HTMLDivElement | null>(null);
  const focusCell = useRef(false);

  const { from, to } = viewRange(view, selected);
  const range = useCalendarRange(from, to);
  const items = range.data?.items ?? [];
  const timeZone = range.data?.timezone ?? zone;
  const courses = home.data?.courses ?? [];

  const refresh = () => qc.invalidateQueries({ queryKey: keys.calendar });
  // Success clears the line; a failure keeps it, with the reason under it.
  const quickAdd = useApiMutation(api.eventQuickAdd, {
    meta: { refresh: [keys.calendar], inlineError: true },
    onSuccess: (ev) => {
      setQuick("");
      setSelected(ev.event_date);
    },
  });
  const add = useApiMutation(api.eventAdd, { ...REFRESH, onSuccess: () => setEditing(null) });
  const update = useApiMutation(api.eventUpdate, { ...REFRESH, onSuccess: () => setEditing(null) });
  const move = useApiMutation(api.eventMove, REFRESH);
  const remove = useApiMutation(
    (v: { id: string; occurrence: string | null; scope: "this" | "following" | "all" }) => api.eventDelete(v.id, v.occurrence, v.scope),
    { ...REFRESH, onSuccess: () => setEditing(null) },
  );

  // After keyboard navigation, the selected cell takes the focus (roving tabindex).
  useEffect(() => {
    if (!focusCell.current) return;
    const cell = viewsRef.current?.querySelector<HTMLElement>(`[data-date="${selected}"]`);
    if (!cell) return;
    focusCell.current = false;
    cell.focus();
  }, [selected, view, range.data]);

  const selectDay = (d: string, focus = false) => {
    focusCell.current = focus;
    setSelected(d);
  };

  const open = async (item: CalendarItem) => {
    setSelectedItem(occKey(item));
    if (item.kind !== "event") return;
    let rrule: string | null = null;
    let reminders: NewReminder[] = [];
    try {
      // The row drawn (an override, or the master of an occurrence) holds the reminders;
      // the series' master holds the rule.
      const ev = await api.eventGet(item.id);
      reminders = ev.reminders.map((r) => (r.remind_at ? { remind_at: r.remind_at } : { minutes_before: r.minutes_before ?? 0 }));
      rrule = item.recurring ? (item.series_id && item.series_id !== item.id ? (await api.eventGet(item.series_id)).rrule : ev.rrule) : null;
    } catch {
      rrule = null;
    }
    setEditing({ item, rrule, reminders, date: item.date });
  };

  const moveItem = (item: CalendarItem, target: { date: string; hour?: string }) => {
    const input: EventMove = { id: item.id, scope: item.recurring ? "this" : "all" };
    if (item.recurrence_id) input.occurrence = item.recurrence_id;
    if (target.hour !== undefined && !item.all_day && item.starts_at) {
      const minutes = wallTime(item.starts_at, timeZone).slice(3, 5);
      input.start = `${target.date}T${target.hour}:${minutes}`;
    } else {
      if (target.date === item.date) return;
      input.date = target.date;
    }
    move.mutate(input);
  };

  const onDragEnd = (e: DragEndEvent) => {
    const item = (e.active.data.current as { item?: CalendarItem } | undefined)?.item;
    if (!item || !e.over) return;
    const plan = dropPlan(items, item, String(e.over.id), timeZone);
    if (plan) move.mutate(plan);
  };

  const resize = useApiMutation(api.eventUpdate, REFRESH);

  /** Alt+Shift+Up/Down: the end 15 minutes earlier or later (the keyboard's resize). */
  const resizeItem = (item: CalendarItem, minutes: number) => {
    if (item.all_day || !item.starts_at || !item.ends_at) return;
    const startMs = Date.parse(item.starts_at);
    const endMs = Date.parse(item.ends_at) + minutes * 60_000;
    if (endMs <= startMs) return;
    const end = new Date(endMs).toISOString();
    resize.mutate({
      id: item.id,
      scope: item.recurring ? "this" : "all",
      ...(item.recurrence_id ? { occurrence: item.recurrence_id } : {}),
      patch: { end: `${todayIn(timeZone, new Date(end))}T${wallTime(end, timeZone)}` },
    });
  };

  const onItemKey = (item: CalendarItem, e: KeyboardEvent) => {
    if (!e.altKey || item.kind !== "event") return;
    if (e.shiftKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      e.stopPropagation();
      resizeItem(item, e.key === "ArrowUp" ? -15 : 15);
      return;
    }
    const delta = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    moveItem(item, { date: addDays(item.date, view === "month" ? delta : Math.sign(delta)) });
  };

  const onViewsKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || editing) return;
    const vertical = view === "month" ? 7 : 1;
    const deltas: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -vertical, ArrowDown: vertical };
    const delta = deltas[e.key];
    if (delta !== undefined) {
      // Arrows move the day only from inside the grid (a toolbar button keeps its own keys).
      if (!viewsRef.current?.contains(e.target as Node)) return;
      e.preventDefault();
      setSelectedItem(null);
      selectDay(addDays(selected, delta), true);
    } else if (e.key === "t") {
      e.preventDefault();
      selectDay(today, true);
    } else if (e.key === "n") {
      e.preventDefault();
      setEditing({ item: null, rrule: null, date: selected });
    } else if (e.key === "Enter" && (e.target as HTMLElement).dataset.date) {
      e.preventDefault();
      const first = items.find((i) => i.kind === "event" && i.date <= selected && selected <= i.end_date);
      if (first) void open(first);
      else setEditing({ item: null, rrule: null, date: selected });
    }
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

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    setReport(null);
    setImportError(null);
    try {
      setReport(await api.icsImport(file));
      void refresh();
    } catch (e) {
      setImportError({ error: api.toApiError(e), exporting: false });
    }
  };

  const onExport = async (whole: boolean) => {
    const text = await api.icsExport(whole ? null : from, whole ? null : to).catch((e: unknown) => {
      setImportError({ error: api.toApiError(e), exporting: true });
      return null;
    });
    if (text === null) return;
    const url = URL.createObjectURL(new Blob([text], { type: "text/calendar" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = whole ? "studydesk.ics" : `studydesk-${from}-${to}.ics`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const heading =
    view === "month"
      ? formatMonth(selected, lang)
      : view === "day"
        ? formatLongDate(selected, lang)
        : `${formatShortDate(from, lang)} – ${formatShortDate(to, lang)}`;

  const props: ViewProps = { from, to, items, today, selected, selectedItem, timeZone, onSelectDay: (d) => selectDay(d), onOpen: (i) => void open(i), onItemKey, onResize: resizeItem };
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  return (
    <div className="page calendar-page" data-testid="calendar" data-view={view} onKeyDown={onViewsKey}>
      <header className="page-header">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            {t("calendarPage.title")}
          </h1>
          <p className="page-subtitle">{t("calendarPage.subtitle")}</p>
        </div>
        <div className="cal-io">
          <button type="button" className="button subtle" data-testid="cal-courses" aria-haspopup="dialog" onClick={() => setColoursOpen(true)}>
            <Icon name="palette" size={16} />
            {t("courseColours.open")}
          </button>
          <label className="button subtle cal-import">
            {t("calendarPage.importLabel")}
            <input
              type="file"
              accept=".ics,text/calendar"
              className="sr-only"
              data-testid="cal-ics-input"
              onChange={(e) => {
                void onImport(e.target.files?.[0]);
                e.target.value = "";
              }}
            />
          </label>
          <button type="button" className="button subtle" data-testid="cal-ics-export" onClick={() => void onExport(true)}>
            {t("calendarPage.exportLabel")}
          </button>
          <button type="button" className="button subtle" data-testid="cal-ics-export-range" onClick={() => void onExport(false)}>
            {t("calendarPage.exportRange")}
          </button>
        </div>
      </header>

      {report ? (
        <div className="cal-report" role="status" data-testid="cal-ics-report">
          <p>{t("calendarPage.importDone", { created: report.created, updated: report.updated, unchanged: report.unchanged })}</p>
          {report.skipped.length > 0 ? (
            <>
              <p className="cal-report-sub">{t("calendarPage.importSkipped")}</p>
              <ul>
                {report.skipped.map((s, i) => (
                  <li key={i}>{t("calendarPage.importSkippedLine", { line: s.line, reason: s.reason })}</li>
                ))}
              </ul>
            </>
          ) : null}
          <button type="button" className="button subtle" onClick={() => setReport(null)}>
            ✕<span className="sr-only">{t("calendarPage.cancel")}</span>
          </button>
        </div>
      ) : null}
      {importError ? (
        <div className="cal-report error" role="alert" data-testid="cal-ics-error">
          <p>
            <strong>{t(importError.exporting ? "calendarPage.exportFailed" : "calendarPage.importFailed")}</strong>: {errorText(t, importError.error)}
          </p>
          <button type="button" className="button subtle" onClick={() => setImportError(null)}>
            ✕<span className="sr-only">{t("calendarPage.cancel")}</span>
          </button>
        </div>
      ) : null}

      <div className="cal-toolbar">
        <div className="cal-nav">
          <button type="button" className="button subtle" data-testid="cal-today" onClick={() => selectDay(today)}>
            {t("calendarPage.today")}
          </button>
          <button type="button" className="button subtle icon-only" data-testid="cal-prev" aria-label={t("calendarPage.prev")} onClick={() => selectDay(step(view, selected, -1))}>
            ‹
          </button>
          <button type="button" className="button subtle icon-only" data-testid="cal-next" aria-label={t("calendarPage.next")} onClick={() => selectDay(step(view, selected, 1))}>
            ›
          </button>
          <h2 className="cal-heading" aria-live="polite" data-testid="cal-heading">
            {heading}
          </h2>
        </div>
        <div className="cal-views" role="group" aria-label={t("calendarPage.views")}>
          {VIEWS.map((v) => (
            <button key={v} type="button" className={`button subtle${view === v ? " active" : ""}`} aria-pressed={view === v} data-testid={`cal-view-${v}`} onClick={() => setView(v)}>
              {t(`calendarPage.${v}`)}
            </button>
          ))}
        </div>
      </div>

      <form
        className="cal-quick"
        onSubmit={(e) => {
          e.preventDefault();
          if (quick.trim()) quickAdd.mutate(quick.trim());
        }}
      >
        <label className="sr-only" htmlFor="cal-quick-input">
          {t("calendarPage.quickLabel")}
        </label>
        <input
          id="cal-quick-input"
          className="input"
          data-testid="cal-quick-input"
          value={quick}
          placeholder={t("calendarPage.quickPlaceholder")}
          onChange={(e) => {
            setQuick(e.target.value);
            if (quickAdd.isError) quickAdd.reset();
          }}
          readOnly={quickAdd.isPending}
          aria-busy={quickAdd.isPending}
          aria-invalid={quickAdd.isError ? true : undefined}
          aria-describedby={quickAdd.isError ? "cal-quick-error" : undefined}
        />
        <button type="button" className="button primary" data-testid="cal-new" onClick={() => setEditing({ item: null, rrule: null, date: selected })}>
          {t("calendarPage.newEvent")}
        </button>
      </form>
      {quickAdd.isError ? (
        <p id="cal-quick-error" role="alert" className="field-error cal-quick-error" data-testid="cal-quick-error">
          {t("calendarPage.quickFailed", { message: errorText(t, quickAdd.error) })}
        </p>
      ) : null}
      <p className="hint cal-hint">{t("calendarPage.moveHint")}</p>

      <div className="cal-views-box" ref={viewsRef}>
        {range.isPending ? (
          <Loading />
        ) : range.isError ? (
          <LoadError error={range.error} onRetry={() => void range.refetch()} />
        ) : (
          <DndContext sensors={sensors} onDragEnd={onDragEnd} accessibility={{ screenReaderInstructions: { draggable: t("calendarPage.moveHint") } }}>
            {view === "month" ? <MonthView {...props} /> : null}
            {view === "week" ? <TimeGridView {...props} count={7} /> : null}
            {view === "day" ? <TimeGridView {...props} count={1} /> : null}
            {view === "agenda" ? <AgendaView {...props} /> : null}
          </DndContext>
        )}
      </div>

      {editing ? (
        <EventEditor
          key={editing.item ? occKey(editing.item) : `new-${editing.date}`}
          item={editing.item}
          rrule={editing.rrule}
          reminders={editing.reminders}
          date={editing.date}
          timeZone={timeZone}
          courses={courses}
          onSave={save}
          onDelete={(scope) => editing.item && remove.mutate({ id: editing.item.id, occurrence: editing.item.recurrence_id, scope })}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {coloursOpen ? <CourseColours courses={courses} onClose={() => setColoursOpen(false)} /> : null}
    </div>
  );
}
