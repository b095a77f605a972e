// The bottom edge of a timed event in the week and day views: drag it to change the
// end, in 15-minute steps (one hour row is one hour). The keyboard does the same with
// Alt+Shift+Up/Down on the focused event, which the handle's label and tooltip say.
import { useState } from "react";
import type { PointerEvent as ReactPointerEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import "./calendar.css";

export const SNAP_MINUTES = 15;
/** The height of one hour row when the layout cannot be measured (the CSS value). */
const HOUR_PX = 44;

/** Pixels dragged → minutes, snapped to 15. */
export function snapMinutes(dy: number, hourPx: number): number {
  const minutes = (dy / (hourPx > 0 ? hourPx : HOUR_PX)) * 60;
  return Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES || 0;
}

export function ResizeHandle({ item, onResize }: { item: CalendarItem; onResize: (item: CalendarItem, minutes: number) => void }) {
  const { t } = useTranslation();
  const [delta, setDelta] = useState(0);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const startY = e.clientY;
    const slot = e.currentTarget.closest<HTMLElement>(".cal-tg-slot");
    const hourPx = slot?.getBoundingClientRect().height || HOUR_PX;
    let last = 0;
    const move = (ev: PointerEvent) => {
      last = snapMinutes(ev.clientY - startY, hourPx);
      setDelta(last);
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", cancel);
      last = snapMinutes(ev.clientY - startY, hourPx);
      setDelta(0);
      if (last !== 0) onResize(item, last);
    };
    const cancel = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", cancel);
      setDelta(0);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", cancel);
  };

  const label = t("calendarPage.resizeHandle", { name: item.title });
  return (
    <div
      className={`cal-resize${delta !== 0 ? " active" : ""}`}
      role="separator"
      aria-orientation="horizontal"
      aria-label={label}
      title={label}
      data-testid={`cal-resize-${item.id}`}
      onPointerDown={onPointerDown}
      onClick={(e) => e.stopPropagation()}
    >
      {delta !== 0 ? (
        <span className="cal-resize-delta" aria-hidden="true">
          {delta > 0 ? "+" : "−"}
          {t("calendarPage.minutesShort", { count: Math.abs(delta) })}
        </span>
      ) : null}
    </div>
  );
}
