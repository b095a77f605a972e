// The focus feature's reads through the query cache (the running session, the crash
// recovery, activities, stats, settings), its key factory, the `focus-changed` listener
// and the session mutation that writes its answer into the cache.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UseMutationOptions } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import { useShellEvent } from "../api/queries";
import type { RefreshMeta } from "../api/queries";

export const focusKeys = {
  session: () => ["session_current"] as const,
  recovery: () => ["session_recovery"] as const,
  activities: () => ["activity_list"] as const,
  stats: () => ["focus_stats"] as const,
  settings: () => ["focus_settings"] as const,
};

export function useSession() {
  return useQuery<Awaited<ReturnType<typeof api.sessionCurrent>>, ApiError>({
    queryKey: focusKeys.session(),
    queryFn: api.sessionCurrent,
    // Back from sleep or a minimised window: the shell may have noticed idle time.
    refetchOnWindowFocus: true,
  });
}

/** The session a crash or kill left running; asked once per launch. */
export function useRecovery() {
  return useQuery<Awaited<ReturnType<typeof api.sessionRecovery>>, ApiError>({
    queryKey: focusKeys.recovery(),
    queryFn: api.sessionRecovery,
    staleTime: Infinity,
  });
}

export function useActivities() {
  return useQuery<Awaited<ReturnType<typeof api.activityList>>, ApiError>({ queryKey: focusKeys.activities(), queryFn: api.activityList });
}

export function useFocusStats() {
  return useQuery<Awaited<ReturnType<typeof api.focusStats>>, ApiError>({ queryKey: focusKeys.stats(), queryFn: api.focusStats });
}

export function useFocusSettings() {
  return useQuery<Awaited<ReturnType<typeof api.focusSettingsGet>>, ApiError>({
    queryKey: focusKeys.settings(),
    queryFn: api.focusSettingsGet,
  });
}

/** Refetches the running session (and the stats) on the shell's `focus-changed` event. */
export function useFocusEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onFocusChanged, () => {
    void qc.invalidateQueries({ queryKey: focusKeys.session() });
    void qc.invalidateQueries({ queryKey: focusKeys.stats() });
  });
}

type Session = Awaited<ReturnType<typeof api.sessionStart>>;

/**
 * A session command (start, pause, …): the answer becomes the cached current session
 * (or none once it ended), and the stats and rings refresh.
 */
export function useSessionMutation<TVars>(
  mutationFn: (vars: TVars) => Promise<Session>,
  options: Omit<UseMutationOptions<Session, ApiError, TVars>, "mutationFn"> = {},
) {
  const qc = useQueryClient();
  return useMutation<Session, ApiError, TVars>({
    mutationFn: (vars) => mutationFn(vars),
    meta: { refresh: [focusKeys.stats(), focusKeys.activities()] } satisfies RefreshMeta,
    ...options,
    onSuccess: (session, vars, result, ctx) => {
      const running = session.status === "active" || session.status === "paused";
      qc.setQueryData(focusKeys.session(), running ? session : null);
      return options.onSuccess?.(session, vars, result, ctx);
    },
    onError: (error, vars, result, ctx) => {
      // Whatever went wrong, show what the core holds now.
      void qc.invalidateQueries({ queryKey: focusKeys.session() });
      return options.onError?.(error, vars, result, ctx);
    },
  });
}
