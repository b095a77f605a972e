// The four calendar views. Events are draggable (dnd-kit) onto another day, and in the
// week and day views onto another hour; the page handles the drop and the keyboard.
import { useDraggable, useDroppable } from "@dnd-kit/core";
import { useEffect, useRef } from "react";
import type { CSSProperties, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import { days, formatLongDay, formatWallTime, wallTime, weekdayNames } from "../lib/dates";
import { ResizeHandle } from "./ResizeHandle";
import "./calendar.css";

export interface ViewProps {
  from: string;
  to: string;
  items: CalendarItem[];
  today: string;
  selected: string;
  selectedItem: string | null;
  timeZone: string;
  onSelectDay: (d: string) => void;
  onOpen: (item: CalendarItem) => void;
  onItemKey: (item: CalendarItem, e: React.KeyboardEvent) => void;
  /** The end of a timed event `minutes` later (or earlier): the mouse's resize. */
  onResize?: (item: CalendarItem, minutes: number) => void;
  /** The agenda's next page ("Show more"), when the range has more items than were read. */
  more?: { loading: boolean; load: () => void } | null;
}

/** A stable key for one occurrence (a series shows the same id on many days). */
export const occKey = (i: CalendarItem) => `${i.kind}:${i.id}:${i.recurrence_id ?? ""}`;

/** All-day first, then by start time, then the stored day order, then title. */
export function sortItems(items: CalendarItem[]): CalendarItem[] {
  return [...items].sort(
    (a, b) =>
      Number(b.all_day) - Number(a.all_day) ||
      (a.starts_at ?? "").localeCompare(b.starts_at ?? "") ||
      a.order_index - b.order_index ||
      a.title.localeCompare(b.title),
  );
}

/** The items covering `d` (multi-day events show on each of their days). */
export function itemsOn(items: CalendarItem[], d: string): CalendarItem[] {
  return sortItems(items.filter((i) => i.date <= d && d <= i.end_date));
}

function ItemChip({ item, props, day, compact }: { item: CalendarItem; props: ViewProps; day: string; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const key = occKey(item);
  const isEvent = item.kind === "event";
  const { attributes, listeners, setNodeRef: setDragRef, isDragging } = useDraggable({ id: `${key}@${day}`, data: { item }, disabled: !isEvent });
  // Dropping another event on this one puts it before this one in the day's order.
  const { setNodeRef: setDropRef, isOver } = useDroppable({ id: `item|${day}|${key}`, disabled: !isEvent });
  const setNodeRef = (node: HTMLElement | null) => {
    setDragRef(node);
    setDropRef(node);
  };
  const time = !item.all_day && item.starts_at ? formatWallTime(wallTime(item.starts_at, props.timeZone), i18n.language) : null;
  const style: CSSProperties = item.colour ? ({ "--cal-colour": item.colour } as CSSProperties) : {};
  const label = [item.kind === "assignment" ? t("calendarPage.due") : null, time ?? (item.all_day && isEvent ? t("calendarPage.allDay") : null), item.title, item.course_name, item.location]
    .filter(Boolean)
    .join(", ");
  return (
    <button
      type="button"
      ref={setNodeRef}
      {...(isEvent ? listeners : {})}
      {...(isEvent ? attributes : {})}
      role="button"
      className={`cal-item cal-item-${item.kind}${item.colour ? " has-colour" : ""}${isDragging ? " dragging" : ""}${props.selectedItem === key ? " selected" : ""}${compact ? " compact" : ""}${isOver ? " drop-before" : ""}`}
      style={style}
      data-testid={isEvent ? `cal-event-${item.id}` : `cal-assignment-${item.id}`}
      data-occurrence-start={item.recurrence_id ?? item.starts_at ?? item.date}
      aria-label={label}
      tabIndex={0}
      onClick={(e) => {
        e.stopPropagation();
        props.onOpen(item);
      }}
      onKeyDown={(e) => props.onItemKey(item, e)}
    >
      {item.kind === "assignment" ? <span className="cal-item-due">{t("calendarPage.due")}</span> : null}
      {time ? <span className="cal-item-time">{time}</span> : null}
      <span className="cal-item-title">{item.title}</span>
    </button>
  );
}

function DayDrop({ id, className, children, ...rest }: { id: string; className: string; children: ReactNode } & Record<string, unknown>) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <div ref={setNodeRef} className={`${className}${isOver ? " drop-over" : ""}`} {...rest}>
      {children}
    </div>
  );
}

export function MonthView(props: ViewProps) {
  const { t, i18n } = useTranslation();
  const all = days(props.from, 42);
  const month = props.selected.slice(0, 7);
  const names = weekdayNames(i18n.language);
  const rows = [0, 1, 2, 3, 4, 5].map((r) => all.slice(r * 7, r * 7 + 7));
  return (
    <div role="grid" className="cal-month" aria-label={t("calendarPage.grid", { range: formatLongDay(props.selected, i18n.language) })} aria-readonly="true">
      <div role="row" className="cal-month-head">
        {names.map((n) => (
          <div role="columnheader" key={n} className="cal-weekday">
            {n}
          </div>
        ))}
      </div>
      {rows.map((row) => (
        <div role="row" key={row[0]} className="cal-month-row">
          {row.map((d) => {
            const list = itemsOn(props.items, d);
            const sel = d === props.selected;
            return (
              <DayDrop
                key={d}
                id={`day|${d}`}
                role="gridcell"
                className={`cal-cell${d.slice(0, 7) !== month ? " other-month" : ""}${d === props.today ? " today" : ""}${sel ? " selected" : ""}`}
                data-testid={`cal-day-${d}`}
                data-date={d}
                aria-selected={sel}
                aria-label={t("calendarPage.cellLabel", { date: formatLongDay(d, i18n.language), count: list.length })}
                aria-current={d === props.today ? "date" : undefined}
                tabIndex={sel ? 0 : -1}
                onClick={() => props.onSelectDay(d)}
              >
                <span className="cal-cell-num" aria-hidden="true">
                  {Number(d.slice(8))}
                </span>
                <div className="cal-cell-items">
                  {list.map((i) => (
                    <ItemChip key={occKey(i)} item={i} props={props} day={d} compact />
                  ))}
                </div>
              </DayDrop>
            );
          })}
        </div>
      ))}
    </div>
  );
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));

/** The week (7 columns) or day (1 column) time grid: an all-day strip and 24 hour slots. */
export function TimeGridView(props: ViewProps & { count: number }) {
  const { t, i18n } = useTranslation();
  const cols = days(props.from, props.count);
  const body = useRef<HTMLDivElement | null>(null);
  // Open on the working day (08:00) rather than at midnight.
  useEffect(() => {
    const slot = body.current?.querySelector<HTMLElement>('[data-hour="08"]');
    if (body.current && slot) body.current.scrollTop = slot.offsetTop - 52; // below the sticky all-day strip
  }, [props.count]);
  return (
    <div role="grid" className={`cal-timegrid cols-${props.count}`} aria-label={t("calendarPage.grid", { range: formatLongDay(props.selected, i18n.language) })} aria-readonly="true">
      <div role="row" className="cal-tg-head">
        <div role="columnheader" className="cal-tg-gutter" />
        {cols.map((d) => (
          <div role="columnheader" key={d} className={`cal-tg-dayname${d === props.today ? " today" : ""}`}>
            {formatLongDay(d, i18n.language)}
          </div>
        ))}
      </div>
      <div className="cal-tg-body" ref={body}>
        <div className="cal-tg-hours" aria-hidden="true">
          <div className="cal-tg-allday-label">{t("calendarPage.allDay")}</div>
          {HOURS.map((h) => (
            <div key={h} className="cal-tg-hour-label">
              {formatWallTime(`${h}:00`, i18n.language)}
            </div>
          ))}
        </div>
        {cols.map((d) => {
          const list = itemsOn(props.items, d);
          const sel = d === props.selected;
          const timed = (h: string) => list.filter((i) => !i.all_day && i.starts_at && i.date === d && wallTime(i.starts_at, props.timeZone).slice(0, 2) === h);
          return (
            <div
              key={d}
              role="gridcell"
              className={`cal-tg-col${sel ? " selected" : ""}${d === props.today ? " today" : ""}`}
              data-testid={`cal-day-${d}`}
              data-date={d}
              aria-selected={sel}
              aria-label={t("calendarPage.cellLabel", { date: formatLongDay(d, i18n.language), count: list.length })}
              tabIndex={sel ? 0 : -1}
              onClick={() => props.onSelectDay(d)}
            >
              <DayDrop id={`day|${d}`} className="cal-tg-allday">
                {list
                  .filter((i) => i.all_day || !i.starts_at || i.date !== d)
                  .map((i) => (
                    <ItemChip key={occKey(i)} item={i} props={props} day={d} compact />
                  ))}
              </DayDrop>
              {HOURS.map((h) => (
                <DayDrop key={h} id={`slot|${d}|${h}`} className="cal-tg-slot" data-hour={h}>
                  {timed(h).map((i) =>
                    i.kind === "event" && props.onResize ? (
                      <div key={occKey(i)} className="cal-item-wrap">
                        <ItemChip item={i} props={props} day={d} />
                        <ResizeHandle item={i} onResize={props.onResize} />
                      </div>
                    ) : (
                      <ItemChip key={occKey(i)} item={i} props={props} day={d} />
                    ),
                  )}
                </DayDrop>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function AgendaView(props: ViewProps) {
  const { t, i18n } = useTranslation();
  const dates = days(props.from, 30).filter((d) => d <= props.to);
  const groups = dates.map((d) => ({ d, list: itemsOn(props.items, d) })).filter((g) => g.list.length > 0);
  const more = props.more ? (
    <button type="button" className="button subtle cal-agenda-more" data-testid="cal-agenda-more" disabled={props.more.loading} onClick={props.more.load}>
      {props.more.loading ? t("calendarPage.loadingMore") : t("calendarPage.showMore")}
    </button>
  ) : null;
  if (groups.length === 0) return more ?? <p className="cal-empty">{t("calendarPage.noItems")}</p>;
  return (
    <div className="cal-agenda">
      {groups.map(({ d, list }) => (
        <section key={d} className={`cal-agenda-day${d === props.today ? " today" : ""}`} aria-label={formatLongDay(d, i18n.language)} data-testid={`cal-agenda-day-${d}`}>
          <h2 className="cal-agenda-date">{formatLongDay(d, i18n.language)}</h2>
          <ul className="plain-list">
            {list.map((i) => (
              <li key={occKey(i)} data-testid={`cal-agenda-item-${i.id}`} className="cal-agenda-item" style={i.colour ? ({ "--cal-colour": i.colour } as CSSProperties) : undefined}>
                <ItemChip item={i} props={props} day={d} />
                {i.course_name ? <span className="cal-agenda-course">{i.course_name}</span> : null}
                {i.location ? (
                  <span className="cal-agenda-location" title={i.location} data-testid={`cal-agenda-location-${i.id}`}>
                    {i.location}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {more}
    </div>
  );
}
