// An item's reminders through the query cache: one key per task or assignment.
import { useQuery } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";

export const reminderKeys = {
  item: (item: api.ItemRef) => ["item_reminders", item.kind, item.id] as const,
};

export function useItemReminders(item: api.ItemRef) {
  return useQuery<Awaited<ReturnType<typeof api.itemRemindersGet>>, ApiError>({
    queryKey: reminderKeys.item(item),
    queryFn: () => api.itemRemindersGet(item),
  });
}
