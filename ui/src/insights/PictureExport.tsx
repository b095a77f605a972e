// The page of an export run (`studydesk --export-dashboard ID`, started by
// `studydesk-cli dashboard export ID --format png`): the window is hidden, and this page
// draws the dashboard's charts one after the other, as the dashboard shows them (the
// user's theme, language and the dashboard's range), hands each PNG to the core, then says
// which ones could not be drawn and why. Nothing here is shown to anyone.
import { useEffect, useRef, useState } from "react";
import type { DashboardWidget } from "../api/bindings/DashboardWidget";
import type { PictureFailure } from "../api/bindings/PictureFailure";
import { dashboardPictureFinish, dashboardPictureSave, toApiError } from "../api/client";
import { errorText } from "../api/errorText";
import { useTranslation } from "react-i18next";
import { useDashboard } from "./queries";
import { isChart, WidgetBody } from "./WidgetView";
import type { WidgetExports } from "./WidgetView";
import "./PictureExport.css";

/** How long one chart may take to have its data and be drawn. */
const CHART_TIMEOUT_MS = 90_000;
const POLL_MS = 100;

export function PictureExport({ dashboardId }: { dashboardId: string }) {
  const { t } = useTranslation();
  const dashboard = useDashboard(dashboardId);
  const [index, setIndex] = useState(0);
  const failed = useRef<PictureFailure[]>([]);
  const finished = useRef(false);
  const charts = dashboard.data?.widgets.filter(isChart) ?? [];

  const finish = (failures: PictureFailure[]) => {
    if (finished.current) return;
    finished.current = true;
    void dashboardPictureFinish(failures);
  };

  useEffect(() => {
    if (dashboard.isError) finish([{ widget_id: dashboardId, message: errorText(t, dashboard.error) }]);
    else if (dashboard.data && index >= charts.length) finish(failed.current);
  });

  const widget = charts[index];
  if (!widget) return null;
  const next = (failure?: string) => {
    if (failure) failed.current.push({ widget_id: widget.row.id, message: failure });
    setIndex((i) => i + 1);
  };
  return <OneChart key={widget.row.id} widget={widget} onDone={next} />;
}

/** Draws one chart, waits for its data, saves its PNG; `onDone(reason)` when it could not. */
function OneChart({ widget, onDone }: { widget: DashboardWidget; onDone: (failure?: string) => void }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement | null>(null);
  const exports = useRef<WidgetExports | null>(null);
  const title = widget.config.title.trim() || t(`insights.types.${widget.row.type}`);

  useEffect(() => {
    let stopped = false;
    const started = Date.now();
    const tick = async () => {
      if (stopped) return;
      const chart = exports.current?.chart();
      // A widget that cannot be a chart says why in words ("No data", an error).
      const words = box.current?.querySelector(".widget-problem, .widget-empty, [role=alert]")?.textContent?.trim();
      if (chart) {
        try {
          const png = new Uint8Array(await (await chart.png()).arrayBuffer());
          await dashboardPictureSave(png, widget.row.id);
          onDone();
        } catch (e) {
          onDone(errorText(t, toApiError(e)));
        }
      } else if (words) {
        onDone(words);
      } else if (Date.now() - started > CHART_TIMEOUT_MS) {
        onDone(t("insights.exportTimedOut"));
      } else {
        window.setTimeout(() => void tick(), POLL_MS);
      }
    };
    window.setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
    };
    // Runs once per chart (the component is keyed by the widget).
  }, []);

  return (
    <div className="picture-export" ref={box} aria-label={title}>
      <WidgetBody widget={widget} title={title} exportsRef={exports} />
    </div>
  );
}
