// A report's or an alert's last e-mail, in words: "E-mail sent 12:03", "E-mail failed:
// <why>; retrying at 12:35", "E-mail not sent: <why>", "E-mail waiting to be sent".
import { useTranslation } from "react-i18next";
import type { OutboxEntry } from "../api/bindings/OutboxEntry";
import { formatDateTime } from "../lib/dates";
import type { Locale } from "../api/bindings/Locale";
import { failureText } from "./failureText";

export function EmailState({ entry, locale, timezone, testId }: { entry: OutboxEntry | null; locale: Locale; timezone: string; testId: string }) {
  const { t } = useTranslation();
  if (!entry) return null;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, timezone) : "");
  const why = entry.last_error_kind ? failureText(t, entry.last_error_kind, entry.last_error) : (entry.last_error ?? "");
  if (entry.status === "sent") {
    return (
      <span className="hint" data-testid={testId}>
        {t("email.state.sent", { time: when(entry.sent_at) })}
      </span>
    );
  }
  if (entry.status === "failed") {
    return (
      <span className="field-error" role="status" data-testid={testId}>
        {t("email.state.notSent", { reason: why })}
      </span>
    );
  }
  if (entry.last_error) {
    return (
      <span className="field-error" role="status" data-testid={testId}>
        {t("email.state.retrying", { reason: why, time: when(entry.next_attempt_at) })}
      </span>
    );
  }
  return (
    <span className="hint" data-testid={testId}>
      {t("email.state.waiting")}
    </span>
  );
}
