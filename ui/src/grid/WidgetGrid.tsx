// The board of widgets shared by Immerse and the Insights dashboards: react-grid-layout
// measured to its container's width, without compaction, each widget dragged by its title
// handle (`.widget-drag`) and resized from its bottom-right corner with the mouse, or moved
// with the arrow keys on the handle (Shift+arrows resize, lib/gridMove), the new place
// said in a live region. The stored places win again whenever they change (a save
// answered, a widget added or removed); a move hands the places that changed to `onSave`.
import { useEffect, useId, useLayoutEffect, useState } from "react";
import type { KeyboardEvent, ReactElement, ReactNode } from "react";
import ReactGridLayout, { noCompactor, useContainerWidth } from "react-grid-layout";
import type { Layout, LayoutItem } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import { Icon } from "../components/Icon";
import { keyboardMove } from "../lib/gridMove";
import type { GridLimits } from "../lib/gridMove";

/** Where a widget stands, in grid cells. */
export type Place = { x: number; y: number; w: number; h: number };
export type PlacedItem = Place & { id: string };

/** A board's grid: its columns and sizes (lib/gridMove's limits) and how it looks. */
export type GridSpec = GridLimits & {
  rowHeight: number;
  /** The space between widgets, across and down, in pixels. */
  gap: number;
  maxRows: number;
  /** What starts no drag inside a widget, besides fields and buttons other than the handle. */
  cancel: string;
};

export type WidgetGridProps<T> = {
  items: T[];
  idOf: (item: T) => string;
  /** The place stored for an item. */
  placeOf: (item: T) => Place;
  titleOf: (item: T) => string;
  spec: GridSpec;
  /** False (presenting): nothing moves, and the handle is only the title. */
  editable?: boolean;
  /** The handle's name: "Move or resize Clock". */
  moveLabel: (title: string) => string;
  /** How the handle's keys work, said to a screen reader with the handle. */
  moveHint: string;
  /** The place said after a keyboard move ("Clock: column 1, row 2, 5 wide, 2 high"), from 1. */
  movedText: (title: string, place: Place) => string;
  /** The items whose place changed, and every item's place, after a move or resize. */
  onSave: (changed: PlacedItem[], all: PlacedItem[]) => void;
  /** One widget: an element keyed by the item's id, with `handle` in its header. */
  renderItem: (item: T, handle: ReactNode) => ReactElement;
};

const samePlace = (a: Place, b: Place) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

export function WidgetGrid<T>(props: WidgetGridProps<T>) {
  const { items, idOf, placeOf, titleOf, spec, editable = true } = props;
  const hintId = useId();
  // Widgets are laid out once their grid's width is known: each one laid out at a guessed
  // width and again at the real one drew every chart twice.
  const { width, containerRef, mounted, measureWidth } = useContainerWidth({ measureBeforeMount: true });
  // Measured before the first paint (the hook measures after it: one more frame to wait).
  useLayoutEffect(() => {
    if (!mounted) measureWidth();
  }, [mounted, measureWidth]);
  const toLayout = (): LayoutItem[] => items.map((item) => ({ i: idOf(item), ...placeOf(item), minW: spec.minW, minH: spec.minH, maxH: spec.maxH }));
  const [layout, setLayout] = useState<LayoutItem[]>(toLayout);
  const [announcement, setAnnouncement] = useState("");

  const signature = items
    .map((item) => {
      const p = placeOf(item);
      return `${idOf(item)}:${p.x},${p.y},${p.w},${p.h}`;
    })
    .join("|");
  useEffect(() => setLayout(toLayout()), [signature]);

  const persist = (next: Layout) => {
    setLayout(next.map((l) => ({ ...l })));
    const stored = new Map(items.map((item) => [idOf(item), placeOf(item)]));
    const all = next.map((l) => ({ id: l.i, x: l.x, y: l.y, w: l.w, h: l.h }));
    const changed = all.filter((p) => {
      const was = stored.get(p.id);
      return !was || !samePlace(was, p);
    });
    if (changed.length > 0) props.onSave(changed, all);
  };

  const onHandleKey = (e: KeyboardEvent<HTMLButtonElement>, item: T) => {
    const id = idOf(item);
    const next = keyboardMove(layout, id, e.key, e.shiftKey, spec);
    if (!next) return;
    e.preventDefault();
    const placed = next.find((l) => l.i === id);
    if (placed) setAnnouncement(props.movedText(titleOf(item), { x: placed.x + 1, y: placed.y + 1, w: placed.w, h: placed.h }));
    persist(next);
  };

  const handle = (item: T) => {
    const title = titleOf(item);
    return (
      <button type="button" className="widget-drag" aria-label={props.moveLabel(title)} aria-describedby={hintId} disabled={!editable} onKeyDown={(e) => onHandleKey(e, item)}>
        {editable ? <Icon name="grip" size={14} /> : null}
        <span className="widget-title">{title}</span>
      </button>
    );
  };

  return (
    <>
      <div ref={containerRef}>
        {mounted ? (
          <ReactGridLayout
            layout={layout}
            width={width}
            gridConfig={{ cols: spec.cols, rowHeight: spec.rowHeight, margin: [spec.gap, spec.gap], containerPadding: [0, 0], maxRows: spec.maxRows }}
            dragConfig={{ enabled: editable, handle: ".widget-drag", cancel: `input, textarea, select, button:not(.widget-drag), ${spec.cancel}` }}
            resizeConfig={{ enabled: editable, handles: ["se"] }}
            compactor={noCompactor}
            onDragStop={(l) => persist(l)}
            onResizeStop={(l) => persist(l)}
          >
            {items.map((item) => props.renderItem(item, handle(item)))}
          </ReactGridLayout>
        ) : null}
      </div>
      <p id={hintId} className="sr-only">
        {props.moveHint}
      </p>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}
