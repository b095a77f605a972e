// react-query wiring: the cache keys, the two reads, and the rule that every mutation
// reports its failure to the user and refreshes Home and the app state afterwards.
import { useEffect } from "react";
import { keepPreviousData, MutationCache, QueryCache, QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryKey, UseMutationOptions } from "@tanstack/react-query";
import * as api from "./client";
import type { ApiError } from "./client";
import { reportError } from "../lib/errors";

export const keys = {
  appState: ["app_state"] as const,
  home: ["home"] as const,
  session: ["session_current"] as const,
  recovery: ["session_recovery"] as const,
  activities: ["activity_list"] as const,
  focusStats: ["focus_stats"] as const,
  focusSettings: ["focus_settings"] as const,
  workspaces: ["workspace_list"] as const,
  calendar: ["calendar_range"] as const,
  notifications: ["notifications_list"] as const,
  background: ["background_settings"] as const,
  syncStatus: ["sync_status"] as const,
  syncRefused: ["sync_refused"] as const,
  itemReminders: (item: api.ItemRef) => ["item_reminders", item.kind, item.id] as const,
};

/** What a focus mutation changes besides Home: the session, the stats and the rings. */
export const FOCUS_REFRESH: QueryKey[] = [keys.session, keys.focusStats];

/**
 * A mutation's `meta.refresh` lists extra queries to refetch once it settles;
 * `meta.inlineError` says the component shows the failure itself (no toast).
 */
export type RefreshMeta = { refresh?: readonly QueryKey[]; inlineError?: boolean };

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A failed first load is shown full-page by the screen itself; a failed refresh
      // of data already on screen is reported in the toast region.
      onError: (error, query) => {
        if (query.state.data !== undefined) reportError(error, "load");
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _result, mutation) => {
        if (!(mutation.meta as RefreshMeta | undefined)?.inlineError) reportError(error, "save");
      },
      onSettled: (_data, _error, _vars, _result, mutation) =>
        Promise.all([
          client.invalidateQueries({ queryKey: keys.home }),
          client.invalidateQueries({ queryKey: keys.appState }),
          ...((mutation.meta as RefreshMeta | undefined)?.refresh ?? []).map((queryKey) =>
            client.invalidateQueries({ queryKey }),
          ),
        ]),
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
  return client;
}

export function useAppState() {
  return useQuery<Awaited<ReturnType<typeof api.appState>>, ApiError>({ queryKey: keys.appState, queryFn: api.appState });
}

export function useHome() {
  return useQuery<Awaited<ReturnType<typeof api.homeGet>>, ApiError>({ queryKey: keys.home, queryFn: api.homeGet });
}

/** A mutation whose errors reach the toast region and which refreshes Home when done. */
export function useApiMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TVars>, "mutationFn"> = {},
) {
  return useMutation<TData, ApiError, TVars>({ mutationFn: (vars) => mutationFn(vars), ...options });
}

// ---- calendar
/** The occurrences and due dates between two local dates; mutations refresh `keys.calendar`. */
export function useCalendarRange(from: string, to: string) {
  return useQuery<Awaited<ReturnType<typeof api.calendarRange>>, ApiError>({
    queryKey: [...keys.calendar, from, to],
    queryFn: () => api.calendarRange(from, to),
    // Paging keeps the previous items on screen (and the keyboard focus in the grid).
    placeholderData: keepPreviousData,
  });
}

// ---- notifications, reminders, background
/** The notification center's list (newest first) and unread count. */
export function useNotifications() {
  return useQuery<Awaited<ReturnType<typeof api.notificationsList>>, ApiError>({
    queryKey: keys.notifications,
    queryFn: () => api.notificationsList(50),
    refetchOnWindowFocus: true,
  });
}

/**
 * Subscribes to a shell event while the component is mounted (the listener is attached
 * asynchronously: one that arrives after unmount is detached at once).
 */
function useShellEvent(subscribe: (handler: () => void) => Promise<() => void>, handler: () => void) {
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void subscribe(handler).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
    });
    return () => {
      cancelled = true;
      stop?.();
    };
    // `handler` closes over the query client only, which is stable.
  }, [subscribe]);
}

/** Refetches the notifications on the shell's `notifications-changed` event. */
export function useNotificationEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onNotificationsChanged, () => void qc.invalidateQueries({ queryKey: keys.notifications }));
}

/** Sync's status line; refreshed on `sync-changed` and every half minute while shown. */
export function useSyncStatus() {
  return useQuery<Awaited<ReturnType<typeof api.syncStatus>>, ApiError>({
    queryKey: keys.syncStatus,
    queryFn: api.syncStatus,
    refetchInterval: 30_000,
  });
}

export function useSyncRefused() {
  return useQuery<Awaited<ReturnType<typeof api.syncRefused>>, ApiError>({
    queryKey: keys.syncRefused,
    queryFn: api.syncRefused,
  });
}

/** After a sync round anything may have changed (pulled from other devices): refetch all. */
export function useSyncEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onSyncChanged, () => void qc.invalidateQueries());
}

export function useBackgroundSettings() {
  return useQuery<Awaited<ReturnType<typeof api.backgroundSettingsGet>>, ApiError>({
    queryKey: keys.background,
    queryFn: api.backgroundSettingsGet,
  });
}

export function useItemReminders(item: api.ItemRef) {
  return useQuery<Awaited<ReturnType<typeof api.itemRemindersGet>>, ApiError>({
    queryKey: keys.itemReminders(item),
    queryFn: () => api.itemRemindersGet(item),
  });
}

// ---- focus
export function useSession() {
  return useQuery<Awaited<ReturnType<typeof api.sessionCurrent>>, ApiError>({
    queryKey: keys.session,
    queryFn: api.sessionCurrent,
    // Back from sleep or a minimised window: the shell may have noticed idle time.
    refetchOnWindowFocus: true,
  });
}

/** The session a crash or kill left running; asked once per launch. */
export function useRecovery() {
  return useQuery<Awaited<ReturnType<typeof api.sessionRecovery>>, ApiError>({
    queryKey: keys.recovery,
    queryFn: api.sessionRecovery,
    staleTime: Infinity,
  });
}

export function useActivities() {
  return useQuery<Awaited<ReturnType<typeof api.activityList>>, ApiError>({ queryKey: keys.activities, queryFn: api.activityList });
}

export function useFocusStats() {
  return useQuery<Awaited<ReturnType<typeof api.focusStats>>, ApiError>({ queryKey: keys.focusStats, queryFn: api.focusStats });
}

export function useFocusSettings() {
  return useQuery<Awaited<ReturnType<typeof api.focusSettingsGet>>, ApiError>({
    queryKey: keys.focusSettings,
    queryFn: api.focusSettingsGet,
  });
}

export function useWorkspaces() {
  return useQuery<Awaited<ReturnType<typeof api.workspaceList>>, ApiError>({ queryKey: keys.workspaces, queryFn: api.workspaceList });
}

/** Refetches the running session (and the stats) on the shell's `focus-changed` event. */
export function useFocusEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onFocusChanged, () => {
    void qc.invalidateQueries({ queryKey: keys.session });
    void qc.invalidateQueries({ queryKey: keys.focusStats });
  });
}

/**
 * A session command (start, pause, …): the answer becomes the cached current session
 * (or none once it ended), and the stats and rings refresh.
 */
export function useSessionMutation<TVars>(
  mutationFn: (vars: TVars) => Promise<Awaited<ReturnType<typeof api.sessionStart>>>,
  options: Omit<UseMutationOptions<Awaited<ReturnType<typeof api.sessionStart>>, ApiError, TVars>, "mutationFn"> = {},
) {
  const qc = useQueryClient();
  return useMutation<Awaited<ReturnType<typeof api.sessionStart>>, ApiError, TVars>({
    mutationFn: (vars) => mutationFn(vars),
    meta: { refresh: [keys.focusStats, keys.activities] } satisfies RefreshMeta,
    ...options,
    onSuccess: (session, vars, result, ctx) => {
      const running = session.status === "active" || session.status === "paused";
      qc.setQueryData(keys.session, running ? session : null);
      return options.onSuccess?.(session, vars, result, ctx);
    },
    onError: (error, vars, result, ctx) => {
      // Whatever went wrong, show what the core holds now.
      void qc.invalidateQueries({ queryKey: keys.session });
      return options.onError?.(error, vars, result, ctx);
    },
  });
}

/** An immerse-mode command answering the changed workspace: it replaces the cached one. */
export function useWorkspaceMutation<TVars>(
  mutationFn: (vars: TVars) => Promise<Awaited<ReturnType<typeof api.workspaceAdd>>>,
  options: Omit<UseMutationOptions<Awaited<ReturnType<typeof api.workspaceAdd>>, ApiError, TVars>, "mutationFn"> = {},
) {
  const qc = useQueryClient();
  return useMutation<Awaited<ReturnType<typeof api.workspaceAdd>>, ApiError, TVars>({
    mutationFn: (vars) => mutationFn(vars),
    ...options,
    onSuccess: (workspace, vars, result, ctx) => {
      qc.setQueryData<Awaited<ReturnType<typeof api.workspaceList>>>(keys.workspaces, (old) => {
        if (!old) return [workspace];
        return old.some((w) => w.id === workspace.id)
          ? old.map((w) => (w.id === workspace.id ? workspace : w))
          : [...old, workspace];
      });
      return options.onSuccess?.(workspace, vars, result, ctx);
    },
  });
}

export { useQueryClient };
