// Adding a web API (REST) as a data source: the address, a name, where the records are in
// the JSON answer, and how to get the next page (none, the Link header, or a cursor field
// sent back as a query parameter). The core fetches it off the IPC thread, refuses
// credentials (they are not stored until the keychain step) and answers in words.
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { DataSource } from "../api/bindings/DataSource";
import type { RestPaging } from "../api/bindings/RestPaging";
import { sourceChanges, useInsightsMutation } from "./queries";
import { Refusal } from "./Refusal";

type PagingKind = RestPaging["by"];

export function RestForm({ onDone, onCancel }: { onDone: (s: DataSource) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const [records, setRecords] = useState("");
  const [paging, setPaging] = useState<PagingKind>("none");
  const [nextPath, setNextPath] = useState("");
  const [cursorParam, setCursorParam] = useState("cursor");
  const urlRef = useRef<HTMLInputElement | null>(null);
  useEffect(() => urlRef.current?.focus(), []);
  const add = useInsightsMutation(
    () =>
      api.sourceAddRest(name.trim(), {
        url: url.trim(),
        method: "get",
        body: null,
        headers: [],
        records_path: records.trim() || null,
        columns: [],
        paging: paging === "cursor" ? { by: "cursor", next_path: nextPath.trim(), cursor_param: cursorParam.trim() } : { by: paging },
      }),
    { meta: { inlineError: true }, onSuccess: onDone },
    sourceChanges,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined);
  };
  return (
    <form className="source-form" onSubmit={submit} aria-label={t("insights.sources.restTitle")} data-testid="source-rest-form">
      <h3 className="subheading">{t("insights.sources.restTitle")}</h3>
      <label className="field field-wide">
        <span>{t("insights.sources.url")}</span>
        <input ref={urlRef} type="url" required data-testid="source-rest-url" value={url} placeholder="https://example.org/api/scores" onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label className="field field-wide">
        <span>{t("insights.sources.name")}</span>
        <input data-testid="source-rest-name" value={name} maxLength={255} placeholder={t("insights.sources.restNamePlaceholder")} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field field-wide">
        <span>{t("insights.sources.recordsPath")}</span>
        <input data-testid="source-rest-records" value={records} placeholder="$.data.items" onChange={(e) => setRecords(e.target.value)} />
      </label>
      <label className="field field-wide">
        <span>{t("insights.sources.paging")}</span>
        <select data-testid="source-rest-paging" value={paging} onChange={(e) => setPaging(e.target.value as PagingKind)}>
          <option value="none">{t("insights.sources.pagingNone")}</option>
          <option value="next_link">{t("insights.sources.pagingLink")}</option>
          <option value="cursor">{t("insights.sources.pagingCursor")}</option>
        </select>
      </label>
      {paging === "cursor" ? (
        <div className="form-row">
          <label className="field">
            <span>{t("insights.sources.cursorPath")}</span>
            <input data-testid="source-rest-cursor-path" value={nextPath} placeholder="$.next_cursor" onChange={(e) => setNextPath(e.target.value)} required />
          </label>
          <label className="field">
            <span>{t("insights.sources.cursorParam")}</span>
            <input data-testid="source-rest-cursor-param" value={cursorParam} onChange={(e) => setCursorParam(e.target.value)} required />
          </label>
        </div>
      ) : null}
      <p className="hint">{t("insights.sources.restHint")}</p>
      <Refusal error={add.error} testId="source-rest-error" />
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="button primary" data-testid="source-rest-submit" disabled={add.isPending}>
          {add.isPending ? t("insights.sources.fetching") : t("insights.sources.restAdd")}
        </button>
      </div>
    </form>
  );
}
