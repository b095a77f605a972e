// Immerse mode: a full-screen desk of widgets over a colour, image or video, on named
// boards. Widgets are dragged and resized on the shared WidgetGrid (or moved with the
// arrow keys on their handle); every change is saved through widget_layout.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useTranslation } from "react-i18next";
import "./immerse.css";
import "react-resizable/css/styles.css";
import * as api from "../api/client";
import { useApiMutation, useQueryClient } from "../api/queries";
import { immerseKeys, useWorkspaceMutation, useWorkspaces } from "./queries";
import type { Widget } from "../api/bindings/Widget";
import type { WidgetKind } from "../api/bindings/WidgetKind";
import type { WidgetPlace } from "../api/bindings/WidgetPlace";
import type { Workspace } from "../api/bindings/Workspace";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { LoadError, Loading } from "../components/Status";
import { WidgetGrid } from "../grid/WidgetGrid";
import type { GridSpec } from "../grid/WidgetGrid";
import { ClockWidget, NotesWidget, PlaylistWidget, TimerWidget, TodoWidget } from "./widgets";
import { LIMITS } from "../api/limits";

const KINDS: WidgetKind[] = ["clock", "timer", "todo", "notes", "playlist"];
/** The board's grid: 12 columns, widgets from 2×2 cells to 12 rows high, the window's width less the board's padding. */
const GRID: GridSpec = { cols: 12, minW: 2, minH: 2, maxH: 12, rowHeight: 48, gap: 16, maxRows: 300, cancel: "iframe" };
const STORE_KEY = "studydesk.immerse.workspace";
const FALLBACK_COLOR = "#0f172a";
/** How many immerse screens are mounted (StrictMode mounts twice in development). */
let shownImmerse = 0;

function storedWorkspace(): string | null {
  try {
    return window.localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

function remember(id: string) {
  try {
    window.localStorage.setItem(STORE_KEY, id);
  } catch {
    // Private mode or no storage: the first board opens next time.
  }
}

function useReducedMotion(): boolean {
  const [reduced] = useState(() => typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  return reduced;
}

function Background({ workspace }: { workspace: Workspace }) {
  const reduced = useReducedMotion();
  const bg = workspace.background;
  const att = bg.attachment;
  const color = bg.color ?? FALLBACK_COLOR;
  const showFile = att && !att.missing && (bg.kind === "image" || bg.kind === "video");
  return (
    <div className="immerse-bg" style={{ backgroundColor: color }} data-testid="immerse-background" data-kind={bg.kind}>
      {showFile && bg.kind === "image" ? <img src={api.fileSrc(att.file_path)} alt="" /> : null}
      {showFile && bg.kind === "video" ? (
        <video src={api.fileSrc(att.file_path)} autoPlay={!reduced} muted loop playsInline aria-hidden="true" />
      ) : null}
    </div>
  );
}

/** A background file gone from disk: the colour shows, and a small note says why. */
function MissingNote({ workspace }: { workspace: Workspace }) {
  const { t } = useTranslation();
  const att = workspace.background.attachment;
  if (!att?.missing) return null;
  return (
    <p className="immerse-note" role="note" data-testid="immerse-background-missing">
      {t("immerse.backgroundMissing", { name: att.original_name ?? att.file_path.split(/[\\/]/).pop() ?? "" })}
    </p>
  );
}

function WidgetBody({ widget }: { widget: Widget }) {
  switch (widget.kind) {
    case "clock":
      return <ClockWidget />;
    case "timer":
      return <TimerWidget />;
    case "todo":
      return <TodoWidget />;
    case "notes":
      return <NotesWidget widget={widget} />;
    case "playlist":
      return <PlaylistWidget widget={widget} />;
    default:
      return null;
  }
}

function NameForm({ label, initial, submitLabel, onSubmit, onCancel, testId }: {
  label: string;
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => void;
  onCancel: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <form
      className="immerse-name-form"
      onSubmit={submit}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} type="text" maxLength={LIMITS.workspace.name} autoFocus value={name} placeholder={label} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="button primary small">
        {submitLabel}
      </button>
      <button type="button" className="button ghost small" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </form>
  );
}

function AddWidgetMenu({ onAdd, disabled }: { onAdd: (kind: WidgetKind) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  return (
    <div
      className="immerse-menu-wrap"
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="button immerse-button"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="immerse-add-widget"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="plus" size={16} />
        {t("immerse.addWidget")}
      </button>
      {open ? (
        <ul id={menuId} className="immerse-menu">
          {KINDS.map((k, i) => (
            <li key={k}>
              <button
                type="button"
                autoFocus={i === 0}
                data-testid={`immerse-add-${k}`}
                onClick={() => {
                  setOpen(false);
                  onAdd(k);
                }}
              >
                {t(`widgets.${k}`)}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Board({ workspace }: { workspace: Workspace }) {
  const { t } = useTranslation();
  const saveLayout = useWorkspaceMutation((places: WidgetPlace[]) => api.widgetLayout(workspace.id, places), {
    scope: { id: `layout-${workspace.id}` },
  });
  const remove = useWorkspaceMutation((id: string) => api.widgetRemove(id));
  const titleOf = (w: Widget) => w.title ?? t(`widgets.${w.kind}`);

  if (workspace.widgets.length === 0) {
    return (
      <div className="immerse-board">
        <p className="immerse-empty">{t("immerse.empty")}</p>
      </div>
    );
  }

  return (
    <div className="immerse-board">
      {/* Measured without the board's padding, so the grid fits the window exactly. */}
      <WidgetGrid
        items={workspace.widgets}
        idOf={(w) => w.id}
        placeOf={(w) => ({ x: Number(w.x), y: Number(w.y), w: Number(w.w), h: Number(w.h) })}
        titleOf={titleOf}
        spec={GRID}
        moveLabel={(name) => t("immerse.move", { name })}
        moveHint={t("immerse.moveHint")}
        movedText={(name, p) => t("immerse.moved", { name, ...p })}
        // The whole board is saved once any widget has moved.
        onSave={(_changed, all) => saveLayout.mutate(all)}
        renderItem={(w, handle) => (
          <div key={w.id} className={`immerse-widget widget-${w.kind}`} data-testid={`immerse-widget-${w.id}`} data-kind={w.kind}>
            <section className="widget-frame" aria-label={titleOf(w)}>
              <header className="widget-head">
                {handle}
                <button
                  type="button"
                  className="icon-button widget-remove"
                  aria-label={t("immerse.remove", { name: titleOf(w) })}
                  data-testid={`immerse-remove-${w.id}`}
                  onClick={() => remove.mutate(w.id)}
                >
                  <Icon name="close" size={14} />
                </button>
              </header>
              <div className="widget-body">
                <WidgetBody widget={w} />
              </div>
            </section>
          </div>
        )}
      />
    </div>
  );
}

export function Immerse({ onLeave }: { onLeave: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const workspaces = useWorkspaces();
  const [selected, setSelected] = useState<string | null>(storedWorkspace);
  const [editing, setEditing] = useState<"new" | "rename" | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [fullscreen, setFullscreenState] = useState<boolean | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const selectId = useId();
  const colorId = useId();
  const fileId = useId();

  const list = useMemo(() => workspaces.data ?? [], [workspaces.data]);
  const current = list.find((w) => w.id === selected) ?? list[0] ?? null;

  const choose = (id: string) => {
    setSelected(id);
    remember(id);
  };

  const add = useWorkspaceMutation((name: string) => api.workspaceAdd(name), {
    onSuccess: (ws) => {
      choose(ws.id);
      setEditing(null);
    },
  });
  const rename = useWorkspaceMutation(({ id, name }: { id: string; name: string }) => api.workspaceRename(id, name), {
    onSuccess: () => setEditing(null),
  });
  const remove = useApiMutation((id: string) => api.workspaceDelete(id), {
    meta: { refresh: [immerseKeys.workspaces()] },
    onSuccess: (_null, id) => {
      qc.setQueryData<Workspace[]>(immerseKeys.workspaces(), (old) => old?.filter((w) => w.id !== id));
      setDeleting(false);
      setSelected(null);
    },
  });
  const addWidget = useWorkspaceMutation((kind: WidgetKind) => api.widgetAdd(current?.id ?? "", kind));
  const setColor = useWorkspaceMutation((color: string) => api.workspaceSetBackgroundColor(current?.id ?? "", color));
  const setFile = useWorkspaceMutation((file: File) => api.workspaceSetBackgroundFile(current?.id ?? "", file));

  // Full screen if the shell allows it; otherwise this overlay fills the window.
  useEffect(() => {
    shownImmerse += 1;
    let alive = true;
    void api.setFullscreen(true).then((ok) => {
      // Left before the window answered: give the window back.
      if (shownImmerse === 0) {
        if (ok) void api.setFullscreen(false);
        return;
      }
      if (alive) setFullscreenState(ok ? true : null);
    });
    rootRef.current?.focus();
    return () => {
      alive = false;
      shownImmerse -= 1;
      if (shownImmerse === 0) void api.setFullscreen(false);
    };
  }, []);

  const toggleFullscreen = () => {
    const next = !fullscreen;
    void api.setFullscreen(next).then((ok) => ok && setFullscreenState(next));
  };

  // Esc leaves (dialogs, menus and forms inside stop their own Esc first).
  const leaveRef = useRef(onLeave);
  leaveRef.current = onLeave;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) {
        e.preventDefault();
        leaveRef.current();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // The colour picker fires while dragging; save once it settles.
  const [color, setColorDraft] = useState<string | null>(null);
  useEffect(() => {
    if (color === null) return;
    const id = window.setTimeout(() => setColor.mutate(color), 400);
    return () => window.clearTimeout(id);
  }, [color]);
  useEffect(() => setColorDraft(null), [current?.id]);

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) setFile.mutate(file);
  };

  const shownColor = color ?? current?.background.color ?? FALLBACK_COLOR;

  return (
    <div ref={rootRef} className="immerse" data-testid="immerse" role="region" aria-label={t("immerse.label")} tabIndex={-1}>
      {current ? <Background workspace={color ? { ...current, background: { ...current.background, color } } : current} /> : <div className="immerse-bg" />}
      <div className="immerse-bar">
        <div className="immerse-group">
          {editing === "new" ? (
            <NameForm
              label={t("immerse.nameLabel")}
              initial=""
              submitLabel={t("common.add")}
              testId="immerse-new-form"
              onSubmit={(name) => add.mutate(name)}
              onCancel={() => setEditing(null)}
            />
          ) : editing === "rename" && current ? (
            <NameForm
              label={t("immerse.renameLabel", { name: current.name })}
              initial={current.name}
              submitLabel={t("common.save")}
              testId="immerse-rename-form"
              onSubmit={(name) => rename.mutate({ id: current.id, name })}
              onCancel={() => setEditing(null)}
            />
          ) : (
            <>
              <label htmlFor={selectId} className="sr-only">
                {t("immerse.workspace")}
              </label>
              <select
                id={selectId}
                className="immerse-select"
                value={current?.id ?? ""}
                data-testid="immerse-workspace"
                onChange={(e) => choose(e.target.value)}
              >
                {list.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
              <button type="button" className="icon-button immerse-icon" aria-label={t("immerse.newWorkspace")} title={t("immerse.newWorkspace")} data-testid="immerse-new" onClick={() => setEditing("new")}>
                <Icon name="plus" size={16} />
              </button>
              <button type="button" className="icon-button immerse-icon" aria-label={t("immerse.rename")} title={t("immerse.rename")} data-testid="immerse-rename" disabled={!current} onClick={() => setEditing("rename")}>
                <Icon name="edit" size={16} />
              </button>
              <button
                type="button"
                className="icon-button immerse-icon"
                aria-label={t("immerse.delete")}
                title={t("immerse.delete")}
                data-testid="immerse-delete"
                disabled={!current || list.length < 2}
                onClick={() => setDeleting(true)}
              >
                <Icon name="trash" size={16} />
              </button>
            </>
          )}
        </div>
        <div className="immerse-group">
          <AddWidgetMenu disabled={!current} onAdd={(k) => addWidget.mutate(k)} />
          <label htmlFor={colorId} className="immerse-color" title={t("immerse.color")}>
            <span className="sr-only">{t("immerse.color")}</span>
            <input id={colorId} type="color" value={/^#[0-9a-f]{6}$/i.test(shownColor) ? shownColor : FALLBACK_COLOR} data-testid="immerse-background-color" onChange={(e) => setColorDraft(e.target.value)} disabled={!current} />
          </label>
          <span className="immerse-file">
            <input
              id={fileId}
              type="file"
              accept="image/*,video/*"
              className="sr-only"
              data-testid="immerse-background-input"
              disabled={!current || setFile.isPending}
              onChange={onFile}
            />
            <label htmlFor={fileId} className="button immerse-button">
              <Icon name="image" size={16} />
              {t("immerse.file")}
            </label>
          </span>
          {fullscreen !== null ? (
            <button type="button" className="icon-button immerse-icon" aria-label={fullscreen ? t("immerse.exitFullscreen") : t("immerse.fullscreen")} title={fullscreen ? t("immerse.exitFullscreen") : t("immerse.fullscreen")} aria-pressed={fullscreen} data-testid="immerse-fullscreen" onClick={toggleFullscreen}>
              <Icon name={fullscreen ? "shrink" : "expand"} size={16} />
            </button>
          ) : null}
          <button type="button" className="button immerse-leave" data-testid="immerse-leave" title={t("immerse.leaveHint")} onClick={onLeave}>
            <Icon name="close" size={16} />
            {t("immerse.leave")}
          </button>
        </div>
      </div>
      {current ? <MissingNote workspace={current} /> : null}
      {workspaces.isPending ? (
        <div className="immerse-board">
          <Loading />
        </div>
      ) : workspaces.isError ? (
        <LoadError error={workspaces.error} onRetry={() => void workspaces.refetch()} />
      ) : current ? (
        <Board key={current.id} workspace={current} />
      ) : null}
      {deleting && current ? (
        <Dialog title={t("immerse.deleteTitle", { name: current.name })} role="alertdialog" onClose={() => setDeleting(false)} describedBy="immerse-delete-body">
          <p id="immerse-delete-body" className="dialog-body">
            {t("immerse.deleteBody")}
          </p>
          <div className="dialog-actions">
            <button type="button" className="button ghost" data-autofocus onClick={() => setDeleting(false)}>
              {t("common.cancel")}
            </button>
            <button type="button" className="button danger" data-testid="immerse-delete-confirm" onClick={() => remove.mutate(current.id)}>
              {t("common.delete")}
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
