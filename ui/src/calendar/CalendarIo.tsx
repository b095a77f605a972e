// The calendar header's buttons (course colours, subscriptions, .ics import and export) and the
// import report or failure shown under the header.
import { useTranslation } from "react-i18next";
import type { IcsImportReport } from "../api/bindings/IcsImportReport";
import { Icon } from "../components/Icon";
import type { IcsFailure } from "./useIcsTransfer";
import { errorText } from "../api/errorText";
import "./calendar.css";

export function CalendarIoButtons({
  onColours,
  onSubscriptions,
  onImport,
  onExport,
}: {
  onColours: () => void;
  onSubscriptions: () => void;
  onImport: (file: File | undefined) => void;
  onExport: (whole: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="cal-io">
      <button type="button" className="button subtle" data-testid="cal-courses" aria-haspopup="dialog" onClick={onColours}>
        <Icon name="palette" size={16} />
        {t("courseColours.open")}
      </button>
      <button type="button" className="button subtle" data-testid="cal-subscriptions" aria-haspopup="dialog" onClick={onSubscriptions}>
        {t("subscriptions.open")}
      </button>
      <label className="button subtle cal-import">
        {t("calendarPage.importLabel")}
        <input
          type="file"
          accept=".ics,text/calendar"
          className="sr-only"
          data-testid="cal-ics-input"
          onChange={(e) => {
            onImport(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
      </label>
      <button type="button" className="button subtle" data-testid="cal-ics-export" onClick={() => onExport(true)}>
        {t("calendarPage.exportLabel")}
      </button>
      <button type="button" className="button subtle" data-testid="cal-ics-export-range" onClick={() => onExport(false)}>
        {t("calendarPage.exportRange")}
      </button>
    </div>
  );
}

export function IcsOutcome({
  report,
  failure,
  onDismissReport,
  onDismissFailure,
}: {
  report: IcsImportReport | null;
  failure: IcsFailure | null;
  onDismissReport: () => void;
  onDismissFailure: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {report ? (
        <div className="cal-report" role="status" data-testid="cal-ics-report">
          <p>{t("calendarPage.importDone", { created: report.created, updated: report.updated, unchanged: report.unchanged })}</p>
          {report.skipped.length > 0 ? (
            <>
              <p className="cal-report-sub">{t("calendarPage.importSkipped")}</p>
              <ul>
                {report.skipped.map((s, i) => (
                  <li key={i}>{t("calendarPage.importSkippedLine", { line: s.line, reason: s.reason })}</li>
                ))}
              </ul>
            </>
          ) : null}
          <button type="button" className="button subtle" onClick={onDismissReport}>
            ✕<span className="sr-only">{t("calendarPage.cancel")}</span>
          </button>
        </div>
      ) : null}
      {failure ? (
        <div className="cal-report error" role="alert" data-testid="cal-ics-error">
          <p>
            <strong>{t(failure.exporting ? "calendarPage.exportFailed" : "calendarPage.importFailed")}</strong>: {errorText(t, failure.error)}
          </p>
          <button type="button" className="button subtle" onClick={onDismissFailure}>
            ✕<span className="sr-only">{t("calendarPage.cancel")}</span>
          </button>
        </div>
      ) : null}
    </>
  );
}
