// Moving and resizing a grid widget from the keyboard (arrow keys move it one cell, Shift
// with arrows resizes it), for every react-grid-layout board (Immerse, Insights): the
// widgets it now covers move below it, as a mouse drag would push them.
import { moveElement } from "react-grid-layout";
import type { Layout } from "react-grid-layout";

export type GridLimits = { cols: number; minW: number; minH: number; maxH: number };

/** The layout after `key` on widget `id`, or null when the key is not an arrow. */
export function keyboardMove(layout: Layout, id: string, key: string, resize: boolean, limits: GridLimits): Layout | null {
  const dx = key === "ArrowLeft" ? -1 : key === "ArrowRight" ? 1 : 0;
  const dy = key === "ArrowUp" ? -1 : key === "ArrowDown" ? 1 : 0;
  if (dx === 0 && dy === 0) return null;
  const current = layout.map((l) => ({ ...l }));
  const item = current.find((l) => l.i === id);
  if (!item) return null;
  const { cols } = limits;
  if (!resize) {
    const x = Math.max(0, Math.min(cols - item.w, item.x + dx));
    const y = Math.max(0, item.y + dy);
    return moveElement(current, item, x, y, true, false, null, cols, false);
  }
  item.w = Math.max(limits.minW, Math.min(cols - item.x, item.w + dx));
  item.h = Math.max(limits.minH, Math.min(limits.maxH, item.h + dy));
  let moved: Layout = current;
  for (const other of current) {
    if (other.i === item.i) continue;
    const overlaps = other.x < item.x + item.w && other.x + other.w > item.x && other.y < item.y + item.h && other.y + other.h > item.y;
    if (overlaps) moved = moveElement(moved, other, other.x, item.y + item.h, true, false, null, cols, false);
  }
  return moved;
}
