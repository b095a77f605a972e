import type { useSortable } from "@dnd-kit/sortable";
import { Icon } from "./Icon";

type Sortable = ReturnType<typeof useSortable>;

/** The grip button that starts a drag (pointer or keyboard) of one sortable row. */
export function DragHandle({ label, sortable }: { label: string; sortable: Sortable }) {
  return (
    <button
      type="button"
      ref={sortable.setActivatorNodeRef}
      className="drag-handle"
      aria-label={label}
      {...sortable.attributes}
      {...sortable.listeners}
      // The row already says what it is; dnd-kit's "sortable" role description adds noise.
      aria-roledescription={undefined}
    >
      <Icon name="grip" size={16} />
    </button>
  );
}
