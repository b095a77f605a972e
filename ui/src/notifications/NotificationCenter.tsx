// The bell in the frame's header and its panel: the notifications newest first, unread
// ones marked, read/unread and snooze per item, "Mark all read" and "Clear all".
// The panel is a non-modal dialog: focus moves in, Esc (or a click outside) closes it
// and focus goes back to the bell. The list refreshes on `notifications-changed`.
import { useEffect, useId, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useApiMutation } from "../api/queries";
import { notificationKeys, useNotificationEvents, useNotifications } from "./queries";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Icon } from "../components/Icon";
import { Loading } from "../components/Status";
import { NotificationItem } from "./NotificationItem";
import type { SnoozeChoice } from "./NotificationItem";
import "./notifications.css";
import { errorText } from "../api/errorText";

const REFRESH = { meta: { refresh: [notificationKeys.list()] } };
const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function NotificationCenter() {
  const { t } = useTranslation();
  const list = useNotifications();
  useNotificationEvents();
  const [open, setOpen] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const wrapRef = useRef<HTMLDivElement | null>(null);
  const bellRef = useRef<HTMLButtonElement | null>(null);
  const panelRef = useRef<HTMLDivElement | null>(null);
  const panelId = useId();
  const headingId = useId();

  const setRead = useApiMutation((v: { id: string; read: boolean }) => api.notificationSetRead(v.id, v.read), REFRESH);
  const snooze = useApiMutation((v: { id: string; when: SnoozeChoice }) => api.notificationSnooze(v.id, v.when), REFRESH);
  const markAll = useApiMutation(() => api.notificationsMarkAllRead(), REFRESH);
  const clearAll = useApiMutation(() => api.notificationsClearAll(), {
    ...REFRESH,
    onSuccess: () => {
      setConfirmClear(false);
      // "Clear all" is disabled now: keep the focus in the panel.
      requestAnimationFrame(() => panelRef.current?.focus());
    },
  });

  const items = list.data?.items ?? [];
  const unread = list.data?.unread ?? 0;

  const close = (backToBell: boolean) => {
    setOpen(false);
    setConfirmClear(false);
    if (backToBell) bellRef.current?.focus();
  };

  // Opening moves the focus to the panel's first control.
  useEffect(() => {
    if (!open) return;
    const panel = panelRef.current;
    (panel?.querySelector<HTMLElement>(FOCUSABLE) ?? panel)?.focus();
  }, [open]);

  // A click (or tap) outside closes the panel and leaves the focus where it landed.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent | MouseEvent) => {
      if (!wrapRef.current?.contains(e.target as Node)) close(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const onPanelKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    close(true);
  };

  let body;
  if (list.isPending) body = <Loading />;
  else if (list.isError)
    body = (
      <div className="notif-empty" role="alert">
        <p>{t("notifications.loadFailed", { message: errorText(t, list.error) })}</p>
        <button type="button" className="button subtle small" onClick={() => void list.refetch()}>
          {t("loadError.retry")}
        </button>
      </div>
    );
  else if (items.length === 0) body = <p className="notif-empty" data-testid="notif-empty">{t("notifications.empty")}</p>;
  else
    body = (
      <ul className="notif-list plain-list" aria-labelledby={headingId}>
        {items.map((n) => (
          <NotificationItem
            key={n.id}
            item={n}
            onSetRead={(read) => setRead.mutate({ id: n.id, read })}
            onSnooze={(when) => snooze.mutateAsync({ id: n.id, when })}
          />
        ))}
      </ul>
    );

  return (
    <div className="notif-center" ref={wrapRef}>
      <button
        ref={bellRef}
        type="button"
        className={`notif-bell${open ? " open" : ""}`}
        data-testid="notif-bell"
        aria-label={unread > 0 ? t("notifications.bellUnread", { count: unread }) : t("notifications.bell")}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close(true) : setOpen(true))}
      >
        <Icon name="bell" size={20} />
        {unread > 0 ? (
          <span className="notif-badge" data-testid="notif-badge" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          className="notif-panel"
          role="dialog"
          aria-modal="false"
          aria-labelledby={headingId}
          tabIndex={-1}
          data-testid="notif-panel"
          onKeyDown={onPanelKey}
        >
          <header className="notif-panel-head">
            <h2 id={headingId} className="notif-panel-title">
              {t("notifications.title")}
            </h2>
            <button type="button" className="icon-button" aria-label={t("notifications.close")} onClick={() => close(true)}>
              <Icon name="close" size={16} />
            </button>
          </header>
          <div className="notif-panel-actions">
            <button type="button" className="button subtle small" data-testid="notif-mark-all" disabled={unread === 0} onClick={() => markAll.mutate()}>
              <Icon name="check" size={14} />
              {t("notifications.markAllRead")}
            </button>
            <button
              type="button"
              className="button ghost small danger-text"
              data-testid="notif-clear-all"
              disabled={items.length === 0}
              onClick={() => setConfirmClear(true)}
            >
              <Icon name="trash" size={14} />
              {t("notifications.clearAll")}
            </button>
          </div>
          <div className="notif-scroll">{body}</div>
          {confirmClear ? (
            <ConfirmDialog
              title={t("notifications.clearTitle")}
              message={t("notifications.clearMessage", { count: items.length })}
              confirmLabel={t("notifications.clearAll")}
              testId="notif-clear-confirm"
              onConfirm={() => clearAll.mutate()}
              onCancel={() => setConfirmClear(false)}
            />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
