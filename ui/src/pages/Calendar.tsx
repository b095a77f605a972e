// The Planner's calendar (issue 3): month, week, day and agenda views of the occurrences
// and due dates the core expands, quick add from one typed line, the full editor, drag
// (or Alt+arrows) to move, and .ics import/export. Weeks start on Monday in every language.
// This page composes the pieces in calendar/: navigation, the view switch, the editor's
// wiring, moves and .ics transfer; every read and write goes through the query cache.
import { useState } from "react";
import type { KeyboardEvent, Ref } from "react";
import { useTranslation } from "react-i18next";
import { useAppState, useHome } from "../api/queries";
import { CalendarIoButtons, IcsOutcome } from "../calendar/CalendarIo";
import { CalendarToolbar } from "../calendar/CalendarToolbar";
import { CalendarViews } from "../calendar/CalendarViews";
import { CourseColours } from "../calendar/CourseColours";
import { SubscribedEvent } from "../calendar/SubscribedEvent";
import { Subscriptions, useSubscriptionEvents } from "../calendar/Subscriptions";
import type { View } from "../calendar/range";
import { addDays } from "../lib/dates";
import { EventEditor } from "../calendar/EventEditor";
import { QuickAdd } from "../calendar/QuickAdd";
import { useCalendarNavigation } from "../calendar/useCalendarNavigation";
import { useEventEditing } from "../calendar/useEventEditing";
import { useEventMoves } from "../calendar/useEventMoves";
import { useIcsTransfer } from "../calendar/useIcsTransfer";
import { occKey } from "../calendar/views";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import "../calendar/calendar.css";

function isTyping(target: EventTarget): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function Calendar({ headingRef, now, initialView = "month" }: { headingRef?: Ref<HTMLHeadingElement>; now?: () => Date; initialView?: View }) {
  const { t } = useTranslation();
  const appState = useAppState();
  const home = useHome();
  const zone = appState.data?.settings.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const nav = useCalendarNavigation({ zone, now, initialView });
  const { view, selected, today, from, to, range } = nav;
  const items = range.data?.items ?? [];
  const timeZone = range.data?.timezone ?? zone;
  const courses = home.data?.courses ?? [];

  const [selectedItem, setSelectedItem] = useState<string | null>(null);
  const [coloursOpen, setColoursOpen] = useState(false);
  const [subsOpen, setSubsOpen] = useState(false);
  useSubscriptionEvents();
  const editor = useEventEditing();
  const moves = useEventMoves({ items, timeZone, view });
  const ics = useIcsTransfer(from, to);

  const open = (item: CalendarItem) => {
    setSelectedItem(occKey(item));
    void editor.open(item);
  };

  const onViewsKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || editor.editing) return;
    const vertical = view === "month" ? 7 : 1;
    const deltas: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -vertical, ArrowDown: vertical };
    const delta = deltas[e.key];
    if (delta !== undefined) {
      // Arrows move the day only from inside the grid (a toolbar button keeps its own keys).
      if (!nav.viewsRef.current?.contains(e.target as Node)) return;
      e.preventDefault();
      setSelectedItem(null);
      nav.selectDay(addDays(selected, delta), true);
    } else if (e.key === "t") {
      e.preventDefault();
      nav.selectDay(today, true);
    } else if (e.key === "n") {
      e.preventDefault();
      editor.create(selected);
    } else if (e.key === "Enter" && (e.target as HTMLElement).dataset.date) {
      e.preventDefault();
      const first = items.find((i) => i.kind === "event" && i.date <= selected && selected <= i.end_date);
      if (first) open(first);
      else editor.create(selected);
    }
  };

  return (
    <div className="page calendar-page" data-testid="calendar" data-view={view} onKeyDown={onViewsKey}>
      <header className="page-header">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            {t("calendarPage.title")}
          </h1>
          <p className="page-subtitle">{t("calendarPage.subtitle")}</p>
        </div>
        <CalendarIoButtons onColours={() => setColoursOpen(true)} onSubscriptions={() => setSubsOpen(true)} onImport={ics.onImport} onExport={(whole) => void ics.onExport(whole)} />
      </header>

      <IcsOutcome report={ics.report} failure={ics.failure} onDismissReport={ics.dismissReport} onDismissFailure={ics.dismissFailure} />

      <CalendarToolbar view={view} selected={selected} from={from} to={to} today={today} onSelectDay={(d) => nav.selectDay(d)} onView={nav.setView} />

      <QuickAdd onAdded={(d) => nav.selectDay(d)} onNew={() => editor.create(selected)} />
      <p className="hint cal-hint">{t("calendarPage.moveHint")}</p>

      <CalendarViews
        view={view}
        boxRef={nav.viewsRef}
        status={range.status}
        error={range.error}
        onRetry={() => void range.refetch()}
        onDragEnd={moves.onDragEnd}
        from={from}
        to={to}
        items={items}
        today={today}
        selected={selected}
        selectedItem={selectedItem}
        timeZone={timeZone}
        onSelectDay={(d) => nav.selectDay(d)}
        onOpen={open}
        onItemKey={moves.onItemKey}
        onResize={moves.resizeItem}
        more={nav.more}
      />

      {editor.editing?.item?.subscription_id ? (
        <SubscribedEvent
          key={occKey(editor.editing.item)}
          item={editor.editing.item}
          rrule={editor.editing.rrule}
          reminders={editor.editing.reminders ?? []}
          onSaveReminders={editor.saveReminders}
          onClose={editor.close}
        />
      ) : editor.editing ? (
        <EventEditor
          key={editor.editing.item ? occKey(editor.editing.item) : `new-${editor.editing.date}`}
          item={editor.editing.item}
          rrule={editor.editing.rrule}
          reminders={editor.editing.reminders}
          date={editor.editing.date}
          timeZone={timeZone}
          courses={courses}
          onSave={editor.save}
          onDelete={editor.deleteOpen}
          onClose={editor.close}
        />
      ) : null}
      {coloursOpen ? <CourseColours courses={courses} onClose={() => setColoursOpen(false)} /> : null}
      {subsOpen ? <Subscriptions onClose={() => setSubsOpen(false)} /> : null}
    </div>
  );
}
