// Settings › History: the whole account's changes (type and date filters, Undo), and how
// long history is kept (default one year; older changes are pruned).
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import { useApiMutation } from "../api/queries";
import { errorText } from "../api/errorText";
import { HistoryPanel, historyKeys } from "./HistoryPanel";

export function HistoryCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const retention = useQuery<number, ApiError>({ queryKey: ["history_retention"], queryFn: api.historyRetention });
  const [days, setDays] = useState("");
  useEffect(() => {
    if (retention.data !== undefined) setDays(String(retention.data));
  }, [retention.data]);
  const save = useApiMutation((d: number) => api.historySetRetention(d), {
    onSuccess: (d) => {
      qc.setQueryData(["history_retention"], d);
      void qc.invalidateQueries({ queryKey: historyKeys.all() });
    },
  });
  return (
    <section className="card settings-card" aria-labelledby="settings-history" data-testid="settings-history">
      <h2 id="settings-history" className="card-title">
        {t("history.title")}
      </h2>
      <p className="hint">{t("history.intro")}</p>
      <form
        className="history-retention"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(Number(days));
        }}
      >
        <label htmlFor="history-retention">{t("history.retention")}</label>
        <input id="history-retention" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} data-testid="history-retention" />
        <button type="submit" className="button small" disabled={save.isPending}>
          {t("history.save")}
        </button>
      </form>
      {save.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, save.error)}
        </p>
      ) : null}
      <HistoryPanel testId="account-history" />
    </section>
  );
}
