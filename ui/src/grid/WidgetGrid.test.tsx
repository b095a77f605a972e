import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { WidgetGrid } from "./WidgetGrid";
import type { Place, WidgetGridProps } from "./WidgetGrid";

type Item = { id: string; name: string; place: Place };

const items: Item[] = [
  { id: "a", name: "Clock", place: { x: 0, y: 0, w: 4, h: 2 } },
  { id: "b", name: "Timer", place: { x: 4, y: 0, w: 4, h: 3 } },
];

function grid(props: Partial<WidgetGridProps<Item>> = {}) {
  const onSave = vi.fn();
  const all: WidgetGridProps<Item> = {
    items,
    idOf: (i) => i.id,
    placeOf: (i) => i.place,
    titleOf: (i) => i.name,
    spec: { cols: 12, minW: 2, minH: 2, maxH: 6, rowHeight: 40, gap: 10, maxRows: 100, cancel: "iframe" },
    moveLabel: (title) => `Move ${title}`,
    moveHint: "Arrows move, Shift resizes.",
    movedText: (title, p) => `${title} at ${p.x},${p.y} ${p.w}×${p.h}`,
    onSave,
    renderItem: (i, handle) => (
      <div key={i.id} data-testid={`item-${i.id}`}>
        <section aria-label={i.name}>
          <header>{handle}</header>
        </section>
      </div>
    ),
    ...props,
  };
  return { onSave, element: <WidgetGrid {...all} /> };
}

describe("WidgetGrid", () => {
  it("moves a widget with the arrow keys, says where it is and saves what changed", async () => {
    const user = userEvent.setup();
    const { onSave, element } = grid();
    render(element);
    const handle = screen.getByRole("button", { name: "Move Clock" });
    expect(handle).toHaveAccessibleDescription("Arrows move, Shift resizes.");
    expect(handle).toHaveTextContent("Clock");
    handle.focus();
    await user.keyboard("{ArrowDown}");
    expect(onSave).toHaveBeenLastCalledWith([{ id: "a", x: 0, y: 1, w: 4, h: 2 }], [{ id: "a", x: 0, y: 1, w: 4, h: 2 }, { id: "b", x: 4, y: 0, w: 4, h: 3 }]);
    expect(screen.getByText("Clock at 1,2 4×2")).toBeInTheDocument();

    // Wider: the timer it now covers moves below it.
    await user.keyboard("{Shift>}{ArrowRight}{/Shift}");
    expect(onSave).toHaveBeenLastCalledWith(
      expect.arrayContaining([{ id: "a", x: 0, y: 1, w: 5, h: 2 }, { id: "b", x: 4, y: 3, w: 4, h: 3 }]),
      expect.any(Array),
    );
    expect(screen.getByText("Clock at 1,2 5×2")).toBeInTheDocument();
    expect(handle).toHaveFocus();
  });

  it("ignores other keys and moves past no edge", async () => {
    const user = userEvent.setup();
    const { onSave, element } = grid();
    render(element);
    screen.getByRole("button", { name: "Move Clock" }).focus();
    await user.keyboard("{ArrowLeft}{ArrowUp}a");
    expect(onSave).not.toHaveBeenCalled();
  });

  it("follows the stored places when they change", async () => {
    const user = userEvent.setup();
    const { onSave, element } = grid();
    const { rerender } = render(element);
    const moved = items.map((i) => (i.id === "a" ? { ...i, place: { ...i.place, y: 5 } } : i));
    rerender(grid({ items: moved, onSave }).element);
    screen.getByRole("button", { name: "Move Clock" }).focus();
    await user.keyboard("{ArrowDown}");
    expect(onSave).toHaveBeenLastCalledWith([{ id: "a", x: 0, y: 6, w: 4, h: 2 }], expect.any(Array));
  });

  it("moves nothing when not editable: the handle is only the title", () => {
    const { element } = grid({ editable: false });
    render(element);
    const handle = screen.getByRole("button", { name: "Move Clock" });
    expect(handle).toBeDisabled();
    expect(handle.querySelector("svg")).toBeNull();
    expect(handle).toHaveTextContent("Clock");
  });
});
