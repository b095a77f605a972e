// Settings › Email's reads through the query cache, and the `outbox-changed` listener
// (the shell's mail sender sent or failed something: the outbox and the reports' and
// alerts' last e-mail states move).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { OutboxEntry } from "../api/bindings/OutboxEntry";
import type { SmtpSettings } from "../api/bindings/SmtpSettings";
import { useShellEvent } from "../api/queries";

export const emailKeys = {
  settings: () => ["smtp_settings"] as const,
  outbox: () => ["outbox_list"] as const,
};

/** The lists that show an e-mail's state besides the outbox. */
const SHOWS_EMAIL_STATE = [["report_list"], ["alert_list"]] as const;

export function useSmtpSettings() {
  return useQuery<SmtpSettings, ApiError>({ queryKey: emailKeys.settings(), queryFn: api.smtpSettingsGet });
}

/** The latest 20 messages, refreshed when the shell's sender moved one. */
export function useOutbox() {
  const qc = useQueryClient();
  useShellEvent(api.onOutboxChanged, () => {
    void qc.invalidateQueries({ queryKey: emailKeys.outbox() });
    for (const key of SHOWS_EMAIL_STATE) void qc.invalidateQueries({ queryKey: key });
  });
  return useQuery<OutboxEntry[], ApiError>({ queryKey: emailKeys.outbox(), queryFn: () => api.outboxList(20) });
}
