// The contents of immerse-mode widgets: clock, focus timer, today's todo, notes and a
// playlist. Each gets its widget and the workspace-saving mutation it may need.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { appKeys, useApiMutation, useHome, useQueryClient } from "../api/queries";
import { useSession } from "../focus/queries";
import { useWorkspaceMutation } from "./queries";
import type { HomeData } from "../api/bindings/HomeData";
import type { Widget } from "../api/bindings/Widget";
import type { JsonValue } from "../api/bindings/serde_json/JsonValue";
import { Icon } from "../components/Icon";
import { useNow } from "../lib/clock";
import { formatLongDate, formatTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { SessionControls, SessionTimer, StatusBadge, sessionName } from "../focus/SessionPanel";
import { quickSession, useStartSession } from "../focus/useStartSession";
import { LIMITS } from "../api/limits";

type Settings = { [key: string]: JsonValue };

export function settingsOf(w: Widget): Settings {
  const s = w.settings;
  return s && typeof s === "object" && !Array.isArray(s) ? (s as Settings) : {};
}

export function ClockWidget() {
  const { locale, timezone } = usePrefs();
  const now = useNow(true, 1000);
  const d = new Date(now);
  return (
    <div className="w-clock">
      <time className="w-clock-time" dateTime={d.toISOString()}>
        {formatTime(d, locale, timezone)}
      </time>
      <span className="w-clock-date">{formatLongDate(d, locale, timezone)}</span>
    </div>
  );
}

export function TimerWidget() {
  const { t } = useTranslation();
  const session = useSession();
  const start = useStartSession();
  const s = session.data ?? null;
  if (!s) {
    return (
      <div className="w-timer empty">
        <p>{t("widgets.noSession")}</p>
        <button type="button" className="button primary" data-testid="immerse-quick-start" onClick={() => start.mutate(quickSession({}))}>
          <Icon name="play" size={16} />
          {t("widgets.quickStart")}
        </button>
      </div>
    );
  }
  return (
    <div className="w-timer">
      <SessionTimer session={s} testId="immerse-session-timer" size="small" />
      <div className="w-timer-side">
        <StatusBadge session={s} testId="immerse-session-status" />
        <span className="w-timer-name">{sessionName(s, t("session.untitled"))}</span>
        <SessionControls session={s} compact />
      </div>
    </div>
  );
}

export function TodoWidget() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const home = useHome();
  const inputId = useId();
  const [text, setText] = useState("");
  const toggle = useApiMutation(({ id, done }: { id: string; done: boolean }) => api.taskSetCompleted(id, done), {
    onMutate: ({ id, done }) =>
      qc.setQueryData<HomeData>(appKeys.home(), (old) =>
        old ? { ...old, today: { ...old.today, tasks: old.today.tasks.map((x) => (x.id === id ? { ...x, is_completed: done } : x)) } } : old,
      ),
  });
  const add = useApiMutation(api.taskAdd);
  const tasks = home.data?.today.tasks ?? [];
  const done = tasks.filter((x) => x.is_completed).length;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const description = text.trim();
    if (!description) return;
    add.mutate({ description }, { onSuccess: () => setText("") });
  };
  return (
    <div className="w-todo">
      {tasks.length === 0 ? <p className="w-muted">{t("widgets.todoEmpty")}</p> : <p className="w-muted">{t("widgets.todoDone", { done, total: tasks.length })}</p>}
      <ul className="w-todo-list plain-list">
        {tasks.map((task) => (
          <li key={task.id} className={task.is_completed ? "done" : undefined}>
            <label>
              <input
                type="checkbox"
                className="checkbox"
                checked={task.is_completed}
                onChange={(e) => toggle.mutate({ id: task.id, done: e.target.checked })}
              />
              <span>{task.description}</span>
            </label>
          </li>
        ))}
      </ul>
      <form className="w-todo-add" onSubmit={submit}>
        <label htmlFor={inputId} className="sr-only">
          {t("widgets.todoAdd")}
        </label>
        <input id={inputId} type="text" maxLength={LIMITS.task.description} placeholder={t("widgets.todoAdd")} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="icon-button" aria-label={t("widgets.todoAdd")} disabled={add.isPending}>
          <Icon name="plus" size={16} />
        </button>
      </form>
    </div>
  );
}

const NOTES_DELAY_MS = 800;

export function NotesWidget({ widget }: { widget: Widget }) {
  const { t } = useTranslation();
  const id = useId();
  const initial = settingsOf(widget).text;
  const [text, setText] = useState(typeof initial === "string" ? initial : "");
  const [state, setState] = useState<"saved" | "dirty" | "saving">("saved");
  // One save at a time, in typing order, so an older text never lands last.
  const save = useWorkspaceMutation((value: string) => api.widgetUpdate(widget.id, widget.title, { ...settingsOf(widget), text: value }), {
    scope: { id: `widget-${widget.id}` },
  });
  const pending = useRef<string | null>(null);
  const timer = useRef<number | null>(null);
  const saveRef = useRef(save.mutate);
  saveRef.current = save.mutate;

  const flush = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const value = pending.current;
    if (value === null) return;
    pending.current = null;
    setState("saving");
    saveRef.current(value, { onSettled: () => setState((s) => (s === "saving" ? "saved" : s)) });
  };
  const flushRef = useRef(flush);
  flushRef.current = flush;

  // Leaving immerse mode (or removing the widget) saves what was typed.
  useEffect(() => () => flushRef.current(), []);

  return (
    <div className="w-notes">
      <label htmlFor={id} className="sr-only">
        {t("widgets.notesLabel")}
      </label>
      <textarea
        id={id}
        value={text}
        maxLength={LIMITS.widget.notes}
        placeholder={t("widgets.notesPlaceholder")}
        data-testid={`immerse-notes-${widget.id}`}
        onChange={(e) => {
          setText(e.target.value);
          pending.current = e.target.value;
          setState("dirty");
          if (timer.current !== null) window.clearTimeout(timer.current);
          timer.current = window.setTimeout(flush, NOTES_DELAY_MS);
        }}
        onBlur={flush}
      />
      <span className="w-notes-state" aria-live="polite">
        {state === "saved" ? t("widgets.notesSaved") : state === "saving" ? t("widgets.notesSaving") : ""}
      </span>
    </div>
  );
}

export function PlaylistWidget({ widget }: { widget: Widget }) {
  const { t } = useTranslation();
  const id = useId();
  const home = useHome();
  const playlists = home.data?.playlists ?? [];
  const chosenId = settingsOf(widget).playlist_id;
  const chosen = playlists.find((p) => p.id === chosenId) ?? null;
  const choose = useWorkspaceMutation((playlistId: string | null) =>
    api.widgetUpdate(widget.id, widget.title, { ...settingsOf(widget), playlist_id: playlistId }),
  );
  if (playlists.length === 0) return <p className="w-muted">{t("widgets.noPlaylists")}</p>;
  return (
    <div className="w-playlist">
      <div className="w-playlist-pick">
        <label htmlFor={id}>{t("widgets.choosePlaylist")}</label>
        <select id={id} value={chosen?.id ?? ""} onChange={(e) => choose.mutate(e.target.value || null)} data-testid={`immerse-playlist-${widget.id}`}>
          <option value="">—</option>
          {playlists.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
      </div>
      {chosen ? (
        <iframe
          className="w-playlist-frame"
          src={chosen.embed_url}
          title={t("widgets.playlistFrame", { name: chosen.title })}
          allow="autoplay; encrypted-media; picture-in-picture"
          referrerPolicy="strict-origin-when-cross-origin"
          loading="lazy"
        />
      ) : (
        <p className="w-muted">{t("widgets.pickPlaylist")}</p>
      )}
    </div>
  );
}
