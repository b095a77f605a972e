// The view switch: the month, week, day or agenda view of the range read, inside the
// drag-and-drop context (or the range's loading and failure states).
import { DndContext, PointerSensor, useSensor, useSensors } from "@dnd-kit/core";
import type { DragEndEvent } from "@dnd-kit/core";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/client";
import { LoadError, Loading } from "../components/Status";
import type { View } from "./range";
import { AgendaView, MonthView, TimeGridView } from "./views";
import type { ViewProps } from "./views";
import "./calendar.css";

export function CalendarViews({
  view,
  boxRef,
  status,
  error,
  onRetry,
  onDragEnd,
  ...props
}: ViewProps & {
  view: View;
  boxRef: Ref<HTMLDivElement>;
  status: "pending" | "error" | "success";
  error: ApiError | null;
  onRetry: () => void;
  onDragEnd: (e: DragEndEvent) => void;
}) {
  const { t } = useTranslation();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));
  return (
    <div className="cal-views-box" ref={boxRef}>
      {status === "pending" ? (
        <Loading />
      ) : status === "error" && error ? (
        <LoadError error={error} onRetry={onRetry} />
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd} accessibility={{ screenReaderInstructions: { draggable: t("calendarPage.moveHint") } }}>
          {view === "month" ? <MonthView {...props} /> : null}
          {view === "week" ? <TimeGridView {...props} count={7} /> : null}
          {view === "day" ? <TimeGridView {...props} count={1} /> : null}
          {view === "agenda" ? <AgendaView {...props} /> : null}
        </DndContext>
      )}
    </div>
  );
}
