// The notification center's reads through the query cache: its key, the list, and the
// `notifications-changed` listener that refetches it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import { useShellEvent } from "../api/queries";

export const notificationKeys = {
  list: () => ["notifications_list"] as const,
};

/** The notification center's list (newest first) and unread count. */
export function useNotifications() {
  return useQuery<Awaited<ReturnType<typeof api.notificationsList>>, ApiError>({
    queryKey: notificationKeys.list(),
    queryFn: () => api.notificationsList(50),
    refetchOnWindowFocus: true,
  });
}

/** Refetches the notifications on the shell's `notifications-changed` event. */
export function useNotificationEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onNotificationsChanged, () => void qc.invalidateQueries({ queryKey: notificationKeys.list() }));
}
