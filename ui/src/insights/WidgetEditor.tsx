// Adding or editing a widget: its type, title and what it shows — a built-in metric at a
// grain (no SQL needed), the user's own SQL (tested in the sandbox before saving, with a
// Cancel button and the readable tables listed beside the editor), a data source's rows,
// or, for text widgets, Markdown. Refusals are shown in the dialog; nothing is half-saved.
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { Table } from "../api/bindings/Table";
import type { DashboardWidget as Widget } from "../api/bindings/DashboardWidget";
import type { WidgetDraft } from "../api/bindings/WidgetDraft";
import type { WidgetSource } from "../api/bindings/WidgetSource";
import type { WidgetType } from "../api/bindings/WidgetType";
import { errorText } from "../api/errorText";
import { Dialog } from "../components/Dialog";
import { insightsKeys, useInsightsMutation, useMetricCatalog } from "./queries";
import { LocalImage } from "./TextWidget";
import "./WidgetEditor.css";

export const WIDGET_TYPES: WidgetType[] = ["line_chart", "bar_chart", "area_chart", "pie_chart", "table", "metric_card", "text", "image"];
type SourceKind = "metric" | "sql" | "source" | "model";

function SchemaList() {
  const { t } = useTranslation();
  const schema = useQuery({ queryKey: insightsKeys.schema(), queryFn: () => api.insightsSchema(), staleTime: 60_000 });
  if (!schema.data) return null;
  return (
    <details className="sql-schema">
      <summary>{t("insights.tables")}</summary>
      <ul>
        {schema.data.map((table) => (
          <li key={table.name}>
            <code>{table.name}</code>
            <span className="sql-schema-columns">{table.columns.filter((c) => !c.secret).map((c) => c.name).join(", ")}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function WidgetEditor({ dashboardId, widget, onClose, onSaved }: { dashboardId: string; widget?: Widget; onClose: () => void; onSaved?: (saved: Widget) => void }) {
  const { t } = useTranslation();
  const catalog = useMetricCatalog();
  const sources = useQuery({ queryKey: ["source_list"], queryFn: () => api.sourceList() });
  const models = useQuery({ queryKey: ["model_list"], queryFn: () => api.modelList() });
  const initial = widget?.config.source;
  const [kind, setKind] = useState<WidgetType>(widget?.row.type ?? "bar_chart");
  const [title, setTitle] = useState(widget?.config.title ?? "");
  const [sourceKind, setSourceKind] = useState<SourceKind>(initial?.kind === "sql" || initial?.kind === "source" || initial?.kind === "model" ? initial.kind : "metric");
  const [modelId, setModelId] = useState(initial?.kind === "model" ? initial.model_id : "");
  const [metric, setMetric] = useState(initial?.kind === "metric" ? initial.metric : "minutes_studied");
  const [grain, setGrain] = useState(initial?.kind === "metric" ? initial.grain : "day");
  const [sql, setSql] = useState(widget?.row.query ?? "");
  const [sourceId, setSourceId] = useState(widget?.row.data_source_id ?? "");
  const [markdown, setMarkdown] = useState(widget?.config.markdown ?? "");
  const [stacked, setStacked] = useState(widget?.config.stacked ?? false);
  const [image, setImage] = useState(widget?.config.image ?? "");
  const [alt, setAlt] = useState(widget?.config.alt ?? "");
  const [imageError, setImageError] = useState<ApiError | null>(null);
  const [test, setTest] = useState<{ running: boolean; table?: Table; error?: ApiError }>({ running: false });
  const queryId = useRef(`editor-${Math.random().toString(36).slice(2)}`);
  const sqlBox = useRef<HTMLTextAreaElement | null>(null);
  const save = useInsightsMutation(
    (d: WidgetDraft) => (widget ? api.insightsWidgetUpdate(widget.row.id, d) : api.insightsWidgetAdd(dashboardId, d)),
    {
      meta: { inlineError: true },
      onSuccess: (saved) => {
        onClose();
        onSaved?.(saved);
      },
    },
    widget ? [["insights", "widget_data", widget.row.id]] : [],
  );

  const info = catalog.data?.find((m) => m.id === metric);
  const grains = info?.grains ?? [];
  const isText = kind === "text";
  const isImage = kind === "image";

  const pickImage = async (file: File | undefined) => {
    if (!file) return;
    setImageError(null);
    try {
      setImage((await api.insightsImageAdd(file)).reference);
    } catch (e) {
      setImageError(api.toApiError(e));
    }
  };

  const draft = (): WidgetDraft => {
    const source: WidgetSource = isText || isImage
      ? { kind: "none" }
      : sourceKind === "metric"
        ? { kind: "metric", metric, grain: grains.includes(grain as never) ? grain : (grains[0] ?? grain) }
        : sourceKind === "sql"
          ? { kind: "sql" }
          : sourceKind === "model"
            ? { kind: "model", model_id: modelId }
            : { kind: "source" };
    return {
      type: kind,
      config: {
        title,
        source,
        x: widget?.config.x,
        y: widget?.config.y ?? [],
        stacked,
        markdown: isText ? markdown : undefined,
        image: isImage ? image : undefined,
        alt: isImage && alt.trim() ? alt : undefined,
      },
      query: !isText && !isImage && (sourceKind === "sql" || sourceKind === "source") && sql.trim() ? sql : undefined,
      data_source_id: !isText && !isImage && sourceKind === "source" ? sourceId : undefined,
      position: widget?.position,
    };
  };

  const runTest = async () => {
    setTest({ running: true });
    try {
      setTest({ running: false, table: await api.insightsQuery(sql, queryId.current) });
    } catch (e) {
      const error = api.toApiError(e);
      setTest({ running: false, error });
      // Put the caret where the SQL is wrong (the core counts in UTF-16 units, as the
      // textarea does).
      const params = error.params;
      const offset = params && "offset" in params ? params.offset : null;
      if (offset !== null && sqlBox.current) {
        sqlBox.current.focus();
        sqlBox.current.setSelectionRange(offset, Math.min(sql.length, offset + 1));
      }
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft());
  };

  return (
    <Dialog title={widget ? t("insights.editWidget") : t("insights.addWidget")} onClose={onClose} testId="widget-editor" className="widget-editor">
      <form onSubmit={onSubmit}>
        <div className="form-row">
          <label className="field">
            <span>{t("insights.widgetType")}</span>
            <select data-testid="widget-type" value={kind} onChange={(e) => setKind(e.target.value as WidgetType)} data-autofocus>
              {WIDGET_TYPES.map((k) => (
                <option key={k} value={k}>
                  {t(`insights.types.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("insights.widgetTitle")}</span>
            <input data-testid="widget-title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </label>
        </div>
        {isImage ? (
          <div className="form-row">
            <label className="field">
              <span>{t("insights.picture")}</span>
              <input type="file" accept="image/png,image/jpeg,image/gif,image/webp,image/bmp,image/avif" data-testid="widget-image-file" onChange={(e) => void pickImage(e.target.files?.[0])} />
            </label>
            <label className="field">
              <span>{t("insights.alt")}</span>
              <input data-testid="widget-image-alt" value={alt} maxLength={1500} onChange={(e) => setAlt(e.target.value)} />
            </label>
            {image ? <LocalImage reference={image} alt={alt} /> : null}
            {imageError ? (
              <p role="alert" className="field-error">
                {errorText(t, imageError)}
              </p>
            ) : null}
          </div>
        ) : isText ? (
          <label className="field field-wide">
            <span>{t("insights.markdown")}</span>
            <textarea data-testid="widget-markdown" rows={8} value={markdown} onChange={(e) => setMarkdown(e.target.value)} />
          </label>
        ) : (
          <>
            <fieldset className="source-kinds">
              <legend>{t("insights.shows")}</legend>
              {(["metric", "sql", "source", "model"] as SourceKind[]).map((k) => (
                <label key={k}>
                  <input type="radio" name="source-kind" data-testid={`widget-source-${k}`} checked={sourceKind === k} onChange={() => setSourceKind(k)} />
                  {t(`insights.sourceKinds.${k}`)}
                </label>
              ))}
            </fieldset>
            {sourceKind === "metric" ? (
              <div className="form-row">
                <label className="field">
                  <span>{t("insights.metric")}</span>
                  <select data-testid="widget-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
                    {(catalog.data ?? []).map((m) => (
                      <option key={m.id} value={m.id}>
                        {t(`insights.metrics.${m.id}`, { defaultValue: m.name })}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>{t("insights.grain")}</span>
                  <select data-testid="widget-grain" value={grains.includes(grain as never) ? grain : (grains[0] ?? "")} onChange={(e) => setGrain(e.target.value)}>
                    {grains.map((g) => (
                      <option key={g} value={g}>
                        {t(`insights.grains.${g}`)}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            ) : null}
            {sourceKind === "source" ? (
              <label className="field field-wide">
                <span>{t("insights.dataSource")}</span>
                <select data-testid="widget-data-source" value={sourceId} onChange={(e) => setSourceId(e.target.value)}>
                  <option value="">{t("insights.chooseSource")}</option>
                  {(sources.data ?? []).map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {sourceKind === "model" ? (
              <label className="field field-wide">
                <span>{t("insights.dataModel")}</span>
                <select data-testid="widget-data-model" value={modelId} onChange={(e) => setModelId(e.target.value)}>
                  <option value="">{t("insights.chooseModel")}</option>
                  {(models.data ?? []).map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {sourceKind === "sql" || sourceKind === "source" ? (
              <div className="sql-editor">
                <label className="field field-wide">
                  <span>{sourceKind === "sql" ? t("insights.sql") : t("insights.sqlOptional")}</span>
                  <textarea ref={sqlBox} data-testid="widget-sql" className="sql-text" rows={7} spellCheck={false} value={sql} onChange={(e) => setSql(e.target.value)} placeholder="SELECT …" />
                </label>
                <SchemaList />
                <div className="sql-actions">
                  <button type="button" className="button subtle" data-testid="widget-sql-test" disabled={!sql.trim() || test.running} onClick={() => void runTest()}>
                    {t("insights.testQuery")}
                  </button>
                  {test.running ? (
                    <button type="button" className="button ghost" data-testid="widget-sql-cancel" onClick={() => void api.insightsQueryCancel(queryId.current)}>
                      {t("common.cancel")}
                    </button>
                  ) : null}
                  <span role="status" className="sql-result" data-testid="widget-sql-result">
                    {test.running ? t("insights.running") : test.table ? t("insights.rows", { count: test.table.rows.length }) : ""}
                  </span>
                </div>
                {test.error ? (
                  <p role="alert" className="field-error" data-testid="widget-sql-error">
                    {errorText(t, test.error)}
                  </p>
                ) : null}
              </div>
            ) : null}
            {kind === "bar_chart" || kind === "area_chart" ? (
              <label className="checkbox">
                <input type="checkbox" checked={stacked} onChange={(e) => setStacked(e.target.checked)} />
                {t("insights.stacked")}
              </label>
            ) : null}
          </>
        )}
        {save.error ? (
          <p role="alert" className="field-error" data-testid="widget-editor-error">
            {errorText(t, save.error)}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button ghost" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button primary" data-testid="widget-save" disabled={save.isPending}>
            {t("common.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
