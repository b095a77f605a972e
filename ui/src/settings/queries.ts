// Settings' reads through the query cache: running in the background, and sync (its
// status line, the refused changes, and the `sync-changed` listener).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import { useShellEvent } from "../api/queries";

export const settingsKeys = {
  background: () => ["background_settings"] as const,
  syncStatus: () => ["sync_status"] as const,
  syncRefused: () => ["sync_refused"] as const,
  activity: () => ["activity_log_summary"] as const,
  backups: () => ["backups"] as const,
  apiKeys: () => ["api_keys"] as const,
  localApi: () => ["local_api_settings"] as const,
};

/** Settings › Your activity. */
export function useActivitySummary() {
  return useQuery<Awaited<ReturnType<typeof api.activityLogSummary>>, ApiError>({
    queryKey: settingsKeys.activity(),
    queryFn: api.activityLogSummary,
  });
}

export function useBackgroundSettings() {
  return useQuery<Awaited<ReturnType<typeof api.backgroundSettingsGet>>, ApiError>({
    queryKey: settingsKeys.background(),
    queryFn: api.backgroundSettingsGet,
  });
}

/** Sync's status line; refreshed on `sync-changed` and every half minute while shown. */
export function useSyncStatus() {
  return useQuery<Awaited<ReturnType<typeof api.syncStatus>>, ApiError>({
    queryKey: settingsKeys.syncStatus(),
    queryFn: api.syncStatus,
    refetchInterval: 30_000,
  });
}

export function useSyncRefused() {
  return useQuery<Awaited<ReturnType<typeof api.syncRefused>>, ApiError>({
    queryKey: settingsKeys.syncRefused(),
    queryFn: api.syncRefused,
  });
}

/** After a sync round anything may have changed (pulled from other devices): refetch all. */
export function useSyncEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onSyncChanged, () => void qc.invalidateQueries());
}
