// The page shown instead of the app when the database file is damaged (ApiError kind
// `damaged`): what is wrong, that nothing was written to the file, and the two ways out:
// restore a backup (the newest first; Studydesk restarts to put it in place) or export
// what can still be read into a new file. The damaged file itself is never changed.
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { Locale } from "../api/bindings/Locale";
import { useApiMutation } from "../api/queries";
import { errorText } from "../api/errorText";
import { BackupList } from "../settings/BackupsCard";
import "./DamagedFile.css";

export function DamagedFile({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === "ja" ? "ja" : "en";
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const problems = error.params && "problems" in error.params ? error.params.problems : [];
  const exported = useApiMutation(() => api.exportReadable(), { meta: { inlineError: true, appUnchanged: true } });

  return (
    <main className="damaged full-page" data-testid="damaged-file">
      <div className="damaged-box">
        <h1>{t("damaged.title")}</h1>
        <p>{t("damaged.intro")}</p>
        {problems.length > 0 ? (
          <details className="damaged-details">
            <summary>{t("damaged.details")}</summary>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </details>
        ) : null}
        <h2>{t("damaged.restoreTitle")}</h2>
        <p className="hint">{t("damaged.restoreHint")}</p>
        <BackupList locale={locale} tz={tz} />
        <h2>{t("damaged.exportTitle")}</h2>
        <p className="hint">{t("damaged.exportHint")}</p>
        <button
          type="button"
          className="button ghost"
          data-testid="damaged-export"
          disabled={exported.isPending}
          onClick={() => exported.mutate()}
        >
          {t("damaged.export")}
        </button>
        {exported.isError ? (
          <p role="alert" className="field-error">
            {errorText(t, exported.error)}
          </p>
        ) : null}
        {exported.data ? (
          <div role="status" data-testid="damaged-exported">
            <p>{t("damaged.exported", { path: exported.data.target })}</p>
            <ul className="plain-list damaged-tables">
              {exported.data.tables
                .filter((tb) => tb.rows_copied > 0 || tb.stopped)
                .map((tb) => (
                  <li key={tb.table}>
                    {tb.stopped
                      ? t("damaged.tableStopped", { table: tb.table, count: tb.rows_copied })
                      : t("damaged.table", { table: tb.table, count: tb.rows_copied })}
                  </li>
                ))}
            </ul>
          </div>
        ) : null}
        <p className="damaged-retry">
          <button type="button" className="button ghost" onClick={onRetry}>
            {t("loadError.retry")}
          </button>
        </p>
        <p className="hint">{errorText(t, error)}</p>
      </div>
    </main>
  );
}
