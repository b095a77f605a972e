import { useLayoutEffect, useMemo, useRef, useState } from "react";
import type { CSSProperties, FormEvent, KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
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
import type { HomeData } from "../api/bindings/HomeData";
import type { Task } from "../api/bindings/Task";
import type { TodayList } from "../api/bindings/TodayList";
import { Card, EmptyNote } from "../components/Card";
import { DragHandle } from "../components/DragHandle";
import { Icon } from "../components/Icon";
import { usePrefs } from "../lib/prefs";
import { formatDateTime, wallTimeToIso } from "../lib/dates";
import { ScheduleDialog } from "../reminders/ScheduleDialog";
import "./TodoCard.css";
import { LIMITS } from "../api/limits";
import { HistoryButton } from "../history/HistoryButton";

type Patch = (tasks: Task[]) => Task[];

/** Applies an optimistic change to the cached Home data; the refetch settles it. */
function usePatchTasks() {
  const qc = useQueryClient();
  return (patch: Patch) => {
    void qc.cancelQueries({ queryKey: appKeys.home() });
    qc.setQueryData<HomeData>(appKeys.home(), (old) =>
      old ? { ...old, today: { ...old.today, tasks: patch(old.today.tasks) } } : old,
    );
  };
}

export function TodoCard({ today }: { today: TodayList }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const tasks = today.tasks;
  const listId = today.list.id;
  const patchTasks = usePatchTasks();
  const [announcement, setAnnouncement] = useState("");
  const [editingId, setEditingId] = useState<string | null>(null);
  const [schedulingId, setSchedulingId] = useState<string | null>(null);
  const rowRefs = useRef(new Map<string, HTMLLIElement>());
  const pendingFocus = useRef<string | null>(null);
  const inputRef = useRef<HTMLInputElement | null>(null);

  const [description, setDescription] = useState("");
  const [due, setDue] = useState("");

  const add = useApiMutation(api.taskAdd);
  const toggle = useApiMutation(({ id, completed }: { id: string; completed: boolean }) => api.taskSetCompleted(id, completed), {
    onMutate: ({ id, completed }) => patchTasks((ts) => ts.map((x) => (x.id === id ? { ...x, is_completed: completed } : x))),
  });
  const rename = useApiMutation(({ id, text }: { id: string; text: string }) => api.taskRename(id, text), {
    onMutate: ({ id, text }) => patchTasks((ts) => ts.map((x) => (x.id === id ? { ...x, description: text } : x))),
  });
  const remove = useApiMutation(api.taskDelete, {
    onMutate: (id) => patchTasks((ts) => ts.filter((x) => x.id !== id)),
  });
  const saveDue = useApiMutation(({ id, dueAt }: { id: string; dueAt: string | null }) => api.taskSetDue(id, dueAt), {
    onMutate: ({ id, dueAt }) => patchTasks((ts) => ts.map((x) => (x.id === id ? { ...x, due_at: dueAt } : x))),
  });
  const scheduling = tasks.find((x) => x.id === schedulingId) ?? null;
  const reorder = useApiMutation(({ ids }: { ids: string[] }) => api.taskReorder(listId, ids), {
    onMutate: ({ ids }) =>
      patchTasks((ts) => {
        const byId = new Map(ts.map((x) => [x.id, x]));
        return ids.map((id) => byId.get(id)).filter((x): x is Task => x !== undefined);
      }),
  });

  const ids = useMemo(() => tasks.map((x) => x.id), [tasks]);
  const names = useMemo(() => new Map(tasks.map((x) => [x.id, x.description])), [tasks]);
  const done = tasks.filter((x) => x.is_completed).length;

  // Keep keyboard focus on a task that just moved.
  useLayoutEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    pendingFocus.current = null;
    rowRefs.current.get(id)?.focus();
  }, [ids]);

  const move = (from: number, to: number) => {
    if (from === to || to < 0 || to >= ids.length) return;
    const next = arrayMove(ids, from, to);
    const id = ids[from]!;
    pendingFocus.current = id;
    setAnnouncement(t("todo.moved", { name: names.get(id) ?? "", position: to + 1, total: ids.length }));
    reorder.mutate({ ids: next });
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    move(ids.indexOf(String(active.id)), ids.indexOf(String(over.id)));
  };

  const name = (id: string | number | undefined) => (id === undefined ? "" : (names.get(String(id)) ?? ""));
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("dnd.start", { name: name(active.id) }),
    onDragOver: ({ active, over }) => (over ? t("dnd.over", { name: name(active.id), over: name(over.id) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over ? t("dnd.end", { name: name(active.id), over: name(over.id) }) : t("dnd.endNowhere", { name: name(active.id) }),
    onDragCancel: ({ active }) => t("dnd.cancel", { name: name(active.id) }),
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = description.trim();
    if (!text || add.isPending) return;
    const dueAt = due ? wallTimeToIso(due, timezone) : null;
    add.mutate(dueAt ? { description: text, due_at: dueAt } : { description: text }, {
      onSuccess: () => {
        setDescription("");
        setDue("");
        inputRef.current?.focus();
      },
    });
  };

  const onDelete = (task: Task, index: number) => {
    const next = ids[index + 1] ?? ids[index - 1];
    remove.mutate(task.id);
    if (next) rowRefs.current.get(next)?.focus();
    else inputRef.current?.focus();
  };

  return (
    <Card
      id="todo"
      title={t("cards.todo")}
      subtitle={tasks.length > 0 ? <span data-testid="todo-summary">{t("todo.summary", { done, total: tasks.length })}</span> : null}
    >
      {tasks.length > 0 ? (
        <div className="progress-bar" aria-hidden="true">
          <span style={{ width: `${Math.round((done / tasks.length) * 100)}%` }} />
        </div>
      ) : null}
      {tasks.length === 0 ? <EmptyNote>{t("todo.empty")}</EmptyNote> : null}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t("dnd.instructions") } }}
      >
        <SortableContext items={ids} strategy={verticalListSortingStrategy}>
          <ul className="task-list" aria-label={t("cards.todo")}>
            {tasks.map((task, index) => (
              <TaskRow
                key={task.id}
                task={task}
                dueText={task.due_at ? t("todo.due", { date: formatDateTime(task.due_at, locale, timezone) }) : null}
                editing={editingId === task.id}
                rowRef={(el) => {
                  if (el) rowRefs.current.set(task.id, el);
                  else rowRefs.current.delete(task.id);
                }}
                onToggle={() => toggle.mutate({ id: task.id, completed: !task.is_completed })}
                onStartEdit={() => setEditingId(task.id)}
                onFinishEdit={(text) => {
                  setEditingId(null);
                  // The field that held focus is gone: hand focus back to the row, unless the
                  // user already moved it elsewhere (a click away ends the edit by blur).
                  requestAnimationFrame(() => {
                    const active = document.activeElement;
                    if (!active || active === document.body || !active.isConnected) rowRefs.current.get(task.id)?.focus();
                  });
                  const clean = text?.trim();
                  if (clean && clean !== task.description) rename.mutate({ id: task.id, text: clean });
                }}
                onDelete={() => onDelete(task, index)}
                onSchedule={() => setSchedulingId(task.id)}
                onMove={(delta) => move(index, index + delta)}
              />
            ))}
          </ul>
        </SortableContext>
      </DndContext>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
      <form className="todo-add" onSubmit={submit}>
        <label className="sr-only" htmlFor="todo-input">
          {t("todo.addLabel")}
        </label>
        <input
          id="todo-input"
          ref={inputRef}
          data-testid="todo-input"
          className="todo-add-input"
          value={description}
          placeholder={t("todo.placeholder")}
          maxLength={LIMITS.task.description}
          autoComplete="off"
          onChange={(e) => setDescription(e.target.value)}
        />
        <label className="sr-only" htmlFor="todo-due">
          {t("todo.dueLabel")}
        </label>
        <input
          id="todo-due"
          className="todo-add-due"
          type="datetime-local"
          value={due}
          title={t("todo.dueLabel")}
          onChange={(e) => setDue(e.target.value)}
        />
        <button type="submit" className="button primary" data-testid="todo-add" disabled={add.isPending}>
          <Icon name="plus" size={16} />
          {t("common.add")}
        </button>
      </form>
      {tasks.length > 1 ? <p className="hint">{t("todo.keyboardHint")}</p> : null}
      {scheduling ? (
        <ScheduleDialog
          item={{ kind: "task", id: scheduling.id }}
          name={scheduling.description}
          dueAt={scheduling.due_at}
          onSetDue={(dueAt) => saveDue.mutateAsync({ id: scheduling.id, dueAt })}
          onClose={() => setSchedulingId(null)}
        />
      ) : null}
    </Card>
  );
}

function TaskRow({
  task,
  dueText,
  editing,
  rowRef,
  onToggle,
  onStartEdit,
  onFinishEdit,
  onDelete,
  onSchedule,
  onMove,
}: {
  task: Task;
  dueText: string | null;
  editing: boolean;
  rowRef: (el: HTMLLIElement | null) => void;
  onToggle: () => void;
  onStartEdit: () => void;
  onFinishEdit: (text: string | null) => void;
  onDelete: () => void;
  onSchedule: () => void;
  onMove: (delta: number) => void;
}) {
  const { t } = useTranslation();
  const sortable = useSortable({
    id: task.id,
  });
  const { setNodeRef, transform, transition, isDragging } = sortable;
  const style: CSSProperties = { transform: CSS.Transform.toString(transform), transition };
  const name = task.description;

  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (editing) return;
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      onMove(e.key === "ArrowUp" ? -1 : 1);
      return;
    }
    if (e.target === e.currentTarget && (e.key === "Enter" || e.key === "F2")) {
      e.preventDefault();
      onStartEdit();
    }
  };

  return (
    <li
      ref={(el) => {
        setNodeRef(el);
        rowRef(el);
      }}
      style={style}
      className={`task-row${task.is_completed ? " done" : ""}${isDragging ? " dragging" : ""}`}
      data-testid="todo-item"
      data-task-id={task.id}
      data-completed={task.is_completed ? "true" : "false"}
      tabIndex={0}
      aria-label={task.is_completed ? `${name} — ${t("todo.completed")}` : name}
      onKeyDown={onKeyDown}
    >
      <DragHandle label={t("todo.drag", { name })} sortable={sortable} />
      <input
        type="checkbox"
        className="checkbox"
        data-testid="todo-toggle"
        checked={task.is_completed}
        onChange={onToggle}
        aria-label={t("todo.toggle", { name })}
      />
      {editing ? (
        <RenameField name={name} onDone={onFinishEdit} />
      ) : (
        <div className="task-main" onDoubleClick={onStartEdit}>
          <span className="task-text" data-testid="todo-text">
            {name}
          </span>
          {task.is_completed ? <span className="sr-only">{t("todo.completed")}</span> : null}
          {dueText ? <span className="task-due">{dueText}</span> : null}
        </div>
      )}
      {!editing ? (
        <div className="row-actions">
          <button type="button" className="icon-button" onClick={onStartEdit} aria-label={t("todo.edit", { name })}>
            <Icon name="edit" size={16} />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="todo-schedule"
            onClick={onSchedule}
            aria-label={t("todo.schedule", { name })}
            title={t("todo.schedule", { name })}
          >
            <Icon name="alarm" size={16} />
          </button>
          <HistoryButton entityId={task.id} name={name} />
          <button
            type="button"
            className="icon-button danger"
            data-testid="todo-delete"
            onClick={onDelete}
            aria-label={t("todo.delete", { name })}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      ) : null}
    </li>
  );
}

function RenameField({ name, onDone }: { name: string; onDone: (text: string | null) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(name);
  const finished = useRef(false);
  const finish = (text: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(text);
  };
  return (
    <form
      className="rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        finish(value);
      }}
    >
      <input
        className="rename-input"
        aria-label={t("todo.renameLabel", { name })}
        value={value}
        maxLength={LIMITS.task.description}
        autoFocus
        onFocus={(e) => e.currentTarget.select()}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            finish(null);
          }
        }}
        onBlur={() => finish(value)}
      />
    </form>
  );
}
