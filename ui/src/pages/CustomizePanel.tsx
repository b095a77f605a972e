import { useState } from "react";
import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { DndContext, KeyboardSensor, PointerSensor, closestCenter, useSensor, useSensors } from "@dnd-kit/core";
import type { Announcements, DragEndEvent } from "@dnd-kit/core";
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import * as api from "../api/client";
import { appKeys, useApiMutation, useQueryClient } from "../api/queries";
import type { CardId } from "../api/bindings/CardId";
import type { DashboardLayout } from "../api/bindings/DashboardLayout";
import type { HomeData } from "../api/bindings/HomeData";
import { DragHandle } from "../components/DragHandle";
import { Icon } from "../components/Icon";
import "./CustomizePanel.css";

export function CustomizePanel({ layout, onClose }: { layout: DashboardLayout; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [order, setOrder] = useState<CardId[]>(layout.order);
  const [hidden, setHidden] = useState<Set<CardId>>(new Set(layout.hidden));
  const save = useApiMutation(api.layoutUpdate, {
    onSuccess: (saved) => {
      qc.setQueryData<HomeData>(appKeys.home(), (old) => (old ? { ...old, layout: saved } : old));
      onClose();
    },
  });

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const cardName = (id: string | number | undefined) => (id === undefined ? "" : t(`cards.${id as CardId}`));
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("dnd.start", { name: cardName(active.id) }),
    onDragOver: ({ active, over }) => (over ? t("dnd.over", { name: cardName(active.id), over: cardName(over.id) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over
        ? t("dnd.end", { name: cardName(active.id), over: cardName(over.id) })
        : t("dnd.endNowhere", { name: cardName(active.id) }),
    onDragCancel: ({ active }) => t("dnd.cancel", { name: cardName(active.id) }),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    setOrder((o) => arrayMove(o, o.indexOf(active.id as CardId), o.indexOf(over.id as CardId)));
  };
  const move = (index: number, delta: number) =>
    setOrder((o) => (index + delta < 0 || index + delta >= o.length ? o : arrayMove(o, index, index + delta)));
  const toggle = (id: CardId) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="customize-panel" aria-labelledby="customize-title" data-testid="customize-panel">
      <h2 id="customize-title">{t("customize.title")}</h2>
      <p className="hint">{t("customize.hint")}</p>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t("dnd.instructions") } }}
      >
        <SortableContext items={order} strategy={verticalListSortingStrategy}>
          <ol className="customize-list">
            {order.map((id, index) => (
              <CustomizeRow
                key={id}
                id={id}
                first={index === 0}
                last={index === order.length - 1}
                visible={!hidden.has(id)}
                onToggle={() => toggle(id)}
                onMove={(delta) => move(index, delta)}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <div className="panel-actions">
        <button type="button" className="button ghost" onClick={onClose}>
          {t("customize.cancel")}
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="customize-save"
          disabled={save.isPending}
          onClick={() => save.mutate({ order, hidden: order.filter((id) => hidden.has(id)) })}
        >
          {t("customize.save")}
        </button>
      </div>
    </section>
  );
}

function CustomizeRow({
  id,
  first,
  last,
  visible,
  onToggle,
  onMove,
}: {
  id: CardId;
  first: boolean;
  last: boolean;
  visible: boolean;
  onToggle: () => void;
  onMove: (delta: number) => void;
}) {
  const { t } = useTranslation();
  const sortable = useSortable({ id });
  const { setNodeRef, transform, transition, isDragging } = sortable;
  const style: CSSProperties = { transform: CSS.Transform.toString(transform), transition };
  const card = t(`cards.${id}`);
  const checkboxId = `customize-show-${id}`;
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`customize-row${visible ? "" : " is-hidden"}${isDragging ? " dragging" : ""}`}
      data-testid={`customize-row-${id}`}
    >
      <DragHandle label={t("customize.drag", { card })} sortable={sortable} />
      <input id={checkboxId} type="checkbox" className="checkbox" checked={visible} onChange={onToggle} aria-label={t("customize.show", { card })} />
      <label htmlFor={checkboxId} className="customize-name">
        {card}
        {!visible ? <span className="muted-badge">{t("customize.hidden")}</span> : null}
      </label>
      <div className="row-actions always">
        <button type="button" className="icon-button" disabled={first} onClick={() => onMove(-1)} aria-label={t("customize.moveUp", { card })}>
          <Icon name="up" size={16} />
        </button>
        <button type="button" className="icon-button" disabled={last} onClick={() => onMove(1)} aria-label={t("customize.moveDown", { card })}>
          <Icon name="down" size={16} />
        </button>
      </div>
    </li>
  );
}
