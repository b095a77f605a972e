// Insights' data models (issue 15 item 6): my models listed (name, description) with New,
// Edit and Delete (after a confirmation), and the visual editor: the tables a model reads
// (from the readable schema, each with an editable alias), a join for each table after the
// first (a column of an earlier table = a column of this one, inner or left), and the
// output fields, each a column or a calculation (arithmetic, date truncation, an
// aggregate, a one-WHEN CASE). "Preview" runs the draft in the sandbox and shows the rows;
// "Save" stores it whole or shows the core's refusal in the form (nothing half-saved).
// Expressions the editor cannot show (made elsewhere, nested deeper) are kept as they are.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { DataModel } from "../api/bindings/DataModel";
import type { ModelAggregate } from "../api/bindings/ModelAggregate";
import type { ModelColumnRef } from "../api/bindings/ModelColumnRef";
import type { ModelCompare } from "../api/bindings/ModelCompare";
import type { ModelDateUnit } from "../api/bindings/ModelDateUnit";
import type { ModelDraft } from "../api/bindings/ModelDraft";
import type { ModelExpr } from "../api/bindings/ModelExpr";
import type { ModelJoin } from "../api/bindings/ModelJoin";
import type { ModelJoinKind } from "../api/bindings/ModelJoinKind";
import type { ModelLiteral } from "../api/bindings/ModelLiteral";
import type { ModelOperator } from "../api/bindings/ModelOperator";
import type { ModelTable } from "../api/bindings/ModelTable";
import type { SandboxTable } from "../api/bindings/SandboxTable";
import { useApiMutation } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Icon } from "../components/Icon";
import { Loading, LoadError } from "../components/Status";
import { DataTable } from "./DataTable";
import { useFormatNumber } from "./format";
import { Panel } from "./Panel";
import { insightsKeys, useInsightsMutation } from "./queries";
import "./ModelBuilder.css";

const OPERATORS: ModelOperator[] = ["add", "subtract", "multiply", "divide"];
const UNITS: ModelDateUnit[] = ["day", "week", "month", "year"];
const AGGREGATES: ModelAggregate[] = ["count", "sum", "avg", "min", "max"];
const COMPARES: ModelCompare[] = ["eq", "ne", "lt", "le", "gt", "ge"];
const JOIN_KINDS: ModelJoinKind[] = ["inner", "left"];

/** What a model change moves: the list and every widget (a widget may read the model). */
export const modelChanges = [["model_list"], ["insights", "widget_data"]] as const;

/** A field's expression as the editor shows it; a column is `alias.column` ("" none). */
export type FieldForm =
  | { kind: "column"; col: string }
  | { kind: "arithmetic"; left: string; op: ModelOperator; rightKind: "number" | "column"; rightNumber: string; rightCol: string }
  | { kind: "date_trunc"; unit: ModelDateUnit; col: string }
  | { kind: "aggregate"; fn: ModelAggregate; col: string }
  | { kind: "case"; col: string; op: ModelCompare; value: string; then: string; otherwise: string }
  | { kind: "kept"; expr: ModelExpr };
type FormKind = FieldForm["kind"];
const FORM_KINDS: Exclude<FormKind, "kept">[] = ["column", "arithmetic", "date_trunc", "aggregate", "case"];

type JoinForm = { left: string; right: string; kind: ModelJoinKind };
type FieldState = { key: number; name: string; form: FieldForm };
export type EditorState = { name: string; description: string; tables: ModelTable[]; joins: JoinForm[]; extraJoins: ModelJoin[]; fields: FieldState[] };

let nextKey = 1;

const refText = (r: ModelColumnRef) => (r.table || r.column ? `${r.table}.${r.column}` : "");
export function parseRef(s: string): ModelColumnRef {
  const dot = s.indexOf(".");
  return dot < 0 ? { table: "", column: "" } : { table: s.slice(0, dot), column: s.slice(dot + 1) };
}
/** A number when the text is one ("25", "2.5"), else the text itself. */
export function parseLiteral(s: string): ModelLiteral {
  const n = Number(s.trim());
  return s.trim() !== "" && Number.isFinite(n) ? n : s;
}
const literalExpr = (s: string): ModelExpr => {
  const v = parseLiteral(s);
  return typeof v === "number" ? { kind: "number", value: v } : { kind: "text", value: v };
};
const literalText = (e: ModelExpr | undefined): string | null => (e === undefined ? "" : e.kind === "number" || e.kind === "text" ? String(e.value) : null);

/** The table name a model stores for a schema table (`tasks`, `sources.exam_scores`). */
export const tableName = (t: SandboxTable) => (t.schema === "main" ? t.name : `${t.schema}.${t.name}`);

/** An alias for `name` that the core accepts and no other table of the model has. */
export function aliasFor(name: string, taken: string[]): string {
  let base = (name.split(".").pop() ?? "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!/^[a-z_]/.test(base)) base = `t_${base}`;
  base = base.slice(0, 56);
  let alias = base;
  for (let i = 2; taken.includes(alias); i++) alias = `${base}_${i}`;
  return alias;
}

export function toExpr(f: FieldForm): ModelExpr {
  switch (f.kind) {
    case "column":
      return { kind: "column", ...parseRef(f.col) };
    case "arithmetic":
      return {
        kind: "arithmetic",
        op: f.op,
        left: { kind: "column", ...parseRef(f.left) },
        right: f.rightKind === "number" ? { kind: "number", value: Number(f.rightNumber.trim() === "" ? NaN : f.rightNumber) } : { kind: "column", ...parseRef(f.rightCol) },
      };
    case "date_trunc":
      return { kind: "date_trunc", unit: f.unit, of: parseRef(f.col) };
    case "aggregate":
      return f.col === "" ? { kind: "aggregate", function: f.fn } : { kind: "aggregate", function: f.fn, of: { kind: "column", ...parseRef(f.col) } };
    case "case": {
      const expr: ModelExpr = { kind: "case", whens: [{ column: parseRef(f.col), op: f.op, value: parseLiteral(f.value), then: literalExpr(f.then) }] };
      return f.otherwise.trim() === "" ? expr : { ...expr, otherwise: literalExpr(f.otherwise) };
    }
    case "kept":
      return f.expr;
  }
}

/** The editor's form of a saved expression, or `kept` when the editor cannot show it. */
export function fromExpr(e: ModelExpr): FieldForm {
  const col = (x: ModelExpr | undefined) => (x?.kind === "column" ? `${x.table}.${x.column}` : null);
  switch (e.kind) {
    case "column":
      return { kind: "column", col: refText(e) };
    case "arithmetic": {
      const left = col(e.left);
      if (left !== null && e.right.kind === "number") return { kind: "arithmetic", left, op: e.op, rightKind: "number", rightNumber: String(e.right.value), rightCol: "" };
      const right = col(e.right);
      if (left !== null && right !== null) return { kind: "arithmetic", left, op: e.op, rightKind: "column", rightNumber: "", rightCol: right };
      break;
    }
    case "date_trunc":
      return { kind: "date_trunc", unit: e.unit, col: refText(e.of) };
    case "aggregate": {
      const of = e.of === undefined ? "" : col(e.of);
      if (of !== null) return { kind: "aggregate", fn: e.function, col: of };
      break;
    }
    case "case": {
      const w = e.whens[0];
      const then = literalText(w?.then);
      const otherwise = literalText(e.otherwise);
      if (e.whens.length === 1 && w && then !== null && otherwise !== null) return { kind: "case", col: refText(w.column), op: w.op, value: String(w.value), then, otherwise };
      break;
    }
  }
  return { kind: "kept", expr: e };
}

export function toDraft(s: EditorState): ModelDraft {
  const joins: ModelJoin[] = s.joins.slice(0, Math.max(0, s.tables.length - 1)).map((j, i) => ({ left: parseRef(j.left), right: { table: s.tables[i + 1]?.alias ?? "", column: j.right }, kind: j.kind }));
  const description = s.description.trim();
  return {
    name: s.name.trim(),
    ...(description ? { description } : {}),
    tables: s.tables,
    joins: [...joins, ...s.extraJoins],
    fields: s.fields.map((f) => ({ name: f.name.trim(), expression: toExpr(f.form) })),
  };
}

export function fromModel(m: DataModel | null): EditorState {
  if (!m) return { name: "", description: "", tables: [], joins: [], extraJoins: [], fields: [] };
  const joins: JoinForm[] = [];
  const extraJoins: ModelJoin[] = [];
  const used = new Set<ModelJoin>();
  m.tables.slice(1).forEach((t, i) => {
    const j = m.joins.find((x) => x.right.table === t.alias);
    if (j) used.add(j);
    joins[i] = j ? { left: refText(j.left), right: j.right.column, kind: j.kind } : { left: "", right: "", kind: "inner" };
  });
  for (const j of m.joins) if (!used.has(j)) extraJoins.push(j);
  return { name: m.name, description: m.description ?? "", tables: m.tables, joins, extraJoins, fields: m.fields.map((f) => ({ key: nextKey++, name: f.name, form: fromExpr(f.expression) })) };
}

/** Rewrites `old.` column references to `alias.` after a table's alias changed. */
function renameRefs(s: EditorState, old: string, alias: string): Pick<EditorState, "joins" | "fields"> {
  const re = (c: string) => (c.startsWith(`${old}.`) ? `${alias}.${c.slice(old.length + 1)}` : c);
  const form = (f: FieldForm): FieldForm => {
    switch (f.kind) {
      case "column":
      case "date_trunc":
      case "aggregate":
      case "case":
        return { ...f, col: re(f.col) };
      case "arithmetic":
        return { ...f, left: re(f.left), rightCol: re(f.rightCol) };
      case "kept":
        return f;
    }
  };
  return { joins: s.joins.map((j) => ({ ...j, left: re(j.left) })), fields: s.fields.map((f) => ({ ...f, form: form(f.form) })) };
}

/** A refusal of the core in words (its own reason follows when the words are generic). */
function Refusal({ error }: { error: ApiError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text = errorText(t, error);
  const detail = error.message && !text.includes(error.message) ? error.message : null;
  return (
    <div role="alert" className="model-refusal" data-testid="model-refusal">
      <p className="field-error">{text}</p>
      {detail ? <p className="model-refusal-detail">{t("insights.models.detail", { message: detail })}</p> : null}
    </div>
  );
}

type ColumnOption = { value: string; label: string };

function ColumnSelect({ label, value, options, onChange, testId, empty }: { label: string; value: string; options: ColumnOption[]; onChange: (v: string) => void; testId: string; empty?: string }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{empty ?? t("insights.models.chooseColumn")}</option>
        {value !== "" && !options.some((o) => o.value === value) ? <option value={value}>{value}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function blankForm(kind: FormKind, first: string): FieldForm {
  switch (kind) {
    case "arithmetic":
      return { kind, left: first, op: "divide", rightKind: "number", rightNumber: "", rightCol: "" };
    case "date_trunc":
      return { kind, unit: "week", col: first };
    case "aggregate":
      return { kind, fn: "sum", col: first };
    case "case":
      return { kind, col: first, op: "eq", value: "", then: "", otherwise: "" };
    default:
      return { kind: "column", col: first };
  }
}

function ExpressionEditor({ form, options, onChange, idx, fieldName }: { form: FieldForm; options: ColumnOption[]; onChange: (f: FieldForm) => void; idx: number; fieldName: string }) {
  const { t } = useTranslation();
  const id = (part: string) => `model-field-${idx}-${part}`;
  const of = (what: string) => t("insights.models.partOf", { part: what, field: fieldName || t("insights.models.fieldN", { n: idx + 1 }) });
  const kindSelect = (
    <label className="field">
      <span>{t("insights.models.kind")}</span>
      <select data-testid={id("kind")} aria-label={of(t("insights.models.kind"))} value={form.kind} onChange={(e) => onChange(blankForm(e.target.value as FormKind, "col" in form ? form.col : form.kind === "arithmetic" ? form.left : (options[0]?.value ?? "")))}>
        {form.kind === "kept" ? <option value="kept">{t("insights.models.kinds.kept")}</option> : null}
        {FORM_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`insights.models.kinds.${k}`)}
          </option>
        ))}
      </select>
    </label>
  );
  let body = null;
  switch (form.kind) {
    case "column":
      body = <ColumnSelect label={t("insights.models.column")} testId={id("column")} value={form.col} options={options} onChange={(col) => onChange({ ...form, col })} />;
      break;
    case "arithmetic":
      body = (
        <>
          <ColumnSelect label={t("insights.models.column")} testId={id("left")} value={form.left} options={options} onChange={(left) => onChange({ ...form, left })} />
          <label className="field">
            <span>{t("insights.models.operator")}</span>
            <select data-testid={id("op")} value={form.op} onChange={(e) => onChange({ ...form, op: e.target.value as ModelOperator })}>
              {OPERATORS.map((o) => (
                <option key={o} value={o}>
                  {t(`insights.models.operators.${o}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("insights.models.operand")}</span>
            <select data-testid={id("right-kind")} value={form.rightKind} onChange={(e) => onChange({ ...form, rightKind: e.target.value as "number" | "column" })}>
              <option value="number">{t("insights.models.aNumber")}</option>
              <option value="column">{t("insights.models.aColumn")}</option>
            </select>
          </label>
          {form.rightKind === "number" ? (
            <label className="field field-narrow">
              <span>{t("insights.models.number")}</span>
              <input data-testid={id("number")} inputMode="decimal" value={form.rightNumber} onChange={(e) => onChange({ ...form, rightNumber: e.target.value })} />
            </label>
          ) : (
            <ColumnSelect label={t("insights.models.otherColumn")} testId={id("right")} value={form.rightCol} options={options} onChange={(rightCol) => onChange({ ...form, rightCol })} />
          )}
        </>
      );
      break;
    case "date_trunc":
      body = (
        <>
          <label className="field">
            <span>{t("insights.models.unit")}</span>
            <select data-testid={id("unit")} value={form.unit} onChange={(e) => onChange({ ...form, unit: e.target.value as ModelDateUnit })}>
              {UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`insights.models.units.${u}`)}
                </option>
              ))}
            </select>
          </label>
          <ColumnSelect label={t("insights.models.dateColumn")} testId={id("column")} value={form.col} options={options} onChange={(col) => onChange({ ...form, col })} />
        </>
      );
      break;
    case "aggregate":
      body = (
        <>
          <label className="field">
            <span>{t("insights.models.function")}</span>
            <select data-testid={id("function")} value={form.fn} onChange={(e) => onChange({ ...form, fn: e.target.value as ModelAggregate })}>
              {AGGREGATES.map((a) => (
                <option key={a} value={a}>
                  {t(`insights.models.aggregates.${a}`)}
                </option>
              ))}
            </select>
          </label>
          <ColumnSelect
            label={t("insights.models.ofColumn")}
            testId={id("column")}
            value={form.col}
            options={options}
            empty={form.fn === "count" ? t("insights.models.allRows") : undefined}
            onChange={(col) => onChange({ ...form, col })}
          />
        </>
      );
      break;
    case "case":
      body = (
        <>
          <ColumnSelect label={t("insights.models.when")} testId={id("column")} value={form.col} options={options} onChange={(col) => onChange({ ...form, col })} />
          <label className="field">
            <span>{t("insights.models.compare")}</span>
            <select data-testid={id("compare")} value={form.op} onChange={(e) => onChange({ ...form, op: e.target.value as ModelCompare })}>
              {COMPARES.map((c) => (
                <option key={c} value={c}>
                  {t(`insights.models.compares.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-narrow">
            <span>{t("insights.models.value")}</span>
            <input data-testid={id("value")} value={form.value} onChange={(e) => onChange({ ...form, value: e.target.value })} />
          </label>
          <label className="field">
            <span>{t("insights.models.then")}</span>
            <input data-testid={id("then")} value={form.then} onChange={(e) => onChange({ ...form, then: e.target.value })} />
          </label>
          <label className="field">
            <span>{t("insights.models.otherwise")}</span>
            <input data-testid={id("otherwise")} value={form.otherwise} placeholder={t("insights.models.otherwiseEmpty")} onChange={(e) => onChange({ ...form, otherwise: e.target.value })} />
          </label>
        </>
      );
      break;
    case "kept":
      body = <p className="hint">{t("insights.models.keptHint")}</p>;
      break;
  }
  return (
    <div className="model-expr" role="group" aria-label={of(t("insights.models.expression"))}>
      {kindSelect}
      {body}
      {form.kind === "case" ? <p className="hint model-expr-hint">{t("insights.models.caseHint")}</p> : null}
    </div>
  );
}

export function ModelEditor({ model, onDone, onCancel }: { model: DataModel | null; onDone: (m: DataModel) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { format } = useFormatNumber();
  const [s, setS] = useState<EditorState>(() => fromModel(model));
  const [pick, setPick] = useState("");
  const heading = useRef<HTMLHeadingElement | null>(null);
  const titleId = useId();
  const schema = useQuery<SandboxTable[], ApiError>({ queryKey: insightsKeys.schema(), queryFn: () => api.insightsSchema(), staleTime: 60_000 });
  const save = useInsightsMutation((d: ModelDraft) => api.modelSave(model?.id ?? null, d), { meta: { inlineError: true }, onSuccess: onDone }, modelChanges);
  const preview = useApiMutation((d: ModelDraft) => api.modelPreview(d), { meta: { inlineError: true, appUnchanged: true } });
  useEffect(() => heading.current?.focus(), []);

  const tables = schema.data ?? [];
  const columnsOf = (name: string) => tables.find((x) => tableName(x) === name)?.columns.filter((c) => !c.secret) ?? [];
  const options: ColumnOption[] = s.tables.flatMap((mt) => columnsOf(mt.name).map((c) => ({ value: `${mt.alias}.${c.name}`, label: `${mt.alias}.${c.name}` })));
  const change = (next: Partial<EditorState>) => {
    setS((cur) => ({ ...cur, ...next }));
    save.reset();
  };
  const addTable = () => {
    if (!pick) return;
    const alias = aliasFor(pick, s.tables.map((x) => x.alias));
    change({ tables: [...s.tables, { name: pick, alias }], joins: s.tables.length > 0 ? [...s.joins.slice(0, s.tables.length - 1), { left: "", right: "", kind: "inner" }] : s.joins });
    setPick("");
  };
  const removeTable = (i: number) => {
    const joins = [...s.joins];
    if (i > 0) joins.splice(i - 1, 1);
    else joins.shift();
    change({ tables: s.tables.filter((_, k) => k !== i), joins });
  };
  const setAlias = (i: number, alias: string) => {
    const old = s.tables[i]?.alias ?? "";
    const clash = s.tables.some((x, k) => k !== i && (x.alias === alias || x.alias === old));
    const refs = old && alias && !clash ? renameRefs(s, old, alias) : {};
    change({ tables: s.tables.map((x, k) => (k === i ? { ...x, alias } : x)), ...refs });
  };
  const setJoin = (i: number, j: Partial<JoinForm>) => change({ joins: s.joins.map((x, k) => (k === i ? { ...x, ...j } : x)) });
  const setField = (i: number, f: Partial<FieldState>) => change({ fields: s.fields.map((x, k) => (k === i ? { ...x, ...f } : x)) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(toDraft(s));
  };
  const title = model ? t("insights.models.editTitle", { name: model.name }) : t("insights.models.newTitle");

  return (
    <form className="model-editor" onSubmit={submit} aria-labelledby={titleId} data-testid="model-editor">
      <h3 id={titleId} ref={heading} tabIndex={-1} className="model-editor-title">
        {title}
      </h3>
      <div className="model-row">
        <label className="field">
          <span>{t("insights.models.name")}</span>
          <input data-testid="model-name" value={s.name} maxLength={255} required onChange={(e) => change({ name: e.target.value })} />
        </label>
        <label className="field field-wide">
          <span>{t("insights.models.description")}</span>
          <input data-testid="model-description" value={s.description} maxLength={2000} onChange={(e) => change({ description: e.target.value })} />
        </label>
      </div>

      <fieldset className="model-section">
        <legend>{t("insights.models.tables")}</legend>
        {schema.isError ? <LoadError error={schema.error} onRetry={() => void schema.refetch()} /> : null}
        {s.tables.length === 0 ? <p className="hint">{t("insights.models.noTables")}</p> : null}
        <ol className="model-list-rows">
          {s.tables.map((mt, i) => (
            <li key={i} className="model-row" data-testid={`model-table-${i}`}>
              <span className="model-table-name">{mt.name}</span>
              <label className="field field-narrow">
                <span>{t("insights.models.alias")}</span>
                <input data-testid={`model-alias-${i}`} aria-label={t("insights.models.aliasOf", { name: mt.name })} value={mt.alias} maxLength={63} onChange={(e) => setAlias(i, e.target.value)} />
              </label>
              <button type="button" className="button small ghost" data-testid={`model-table-remove-${i}`} aria-label={t("insights.models.removeTable", { name: mt.alias || mt.name })} onClick={() => removeTable(i)}>
                <Icon name="trash" size={14} />
              </button>
            </li>
          ))}
        </ol>
        <div className="model-row">
          <label className="field">
            <span>{t("insights.models.addTable")}</span>
            <select data-testid="model-table-pick" value={pick} onChange={(e) => setPick(e.target.value)}>
              <option value="">{schema.isPending ? t("insights.models.loadingTables") : t("insights.models.chooseTable")}</option>
              {tables.map((x) => (
                <option key={tableName(x)} value={tableName(x)}>
                  {tableName(x)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button small subtle" data-testid="model-table-add" disabled={!pick} onClick={addTable}>
            <Icon name="plus" size={14} /> {t("insights.models.add")}
          </button>
        </div>
      </fieldset>

      {s.tables.length > 1 ? (
        <fieldset className="model-section">
          <legend>{t("insights.models.joins")}</legend>
          <p className="hint">{t("insights.models.joinsHint")}</p>
          <ol className="model-list-rows">
            {s.tables.slice(1).map((mt, k) => {
              const j = s.joins[k] ?? { left: "", right: "", kind: "inner" as const };
              const earlier = options.filter((o) => s.tables.slice(0, k + 1).some((x) => o.value.startsWith(`${x.alias}.`)));
              return (
                <li key={k} className="model-row" data-testid={`model-join-${k}`} role="group" aria-label={t("insights.models.joinOf", { name: mt.alias })}>
                  <label className="field">
                    <span>{t("insights.models.joinKind")}</span>
                    <select data-testid={`model-join-kind-${k}`} value={j.kind} onChange={(e) => setJoin(k, { kind: e.target.value as ModelJoinKind })}>
                      {JOIN_KINDS.map((x) => (
                        <option key={x} value={x}>
                          {t(`insights.models.joinKinds.${x}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <ColumnSelect label={t("insights.models.joinLeft")} testId={`model-join-left-${k}`} value={j.left} options={earlier} onChange={(left) => setJoin(k, { left })} />
                  <span aria-hidden="true" className="model-equals">=</span>
                  <label className="field">
                    <span>{t("insights.models.joinRight", { name: mt.alias })}</span>
                    <select data-testid={`model-join-right-${k}`} value={j.right} onChange={(e) => setJoin(k, { right: e.target.value })}>
                      <option value="">{t("insights.models.chooseColumn")}</option>
                      {columnsOf(mt.name).map((c) => (
                        <option key={c.name} value={c.name}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </label>
                </li>
              );
            })}
          </ol>
        </fieldset>
      ) : null}

      <fieldset className="model-section">
        <legend>{t("insights.models.fields")}</legend>
        {s.fields.length === 0 ? <p className="hint">{t("insights.models.noFields")}</p> : null}
        <ol className="model-list-rows">
          {s.fields.map((f, i) => (
            <li key={f.key} className="model-field" data-testid={`model-field-${i}`}>
              <div className="model-row">
                <label className="field">
                  <span>{t("insights.models.fieldName")}</span>
                  <input data-testid={`model-field-${i}-name`} value={f.name} maxLength={63} onChange={(e) => setField(i, { name: e.target.value })} />
                </label>
                <button
                  type="button"
                  className="button small ghost"
                  data-testid={`model-field-remove-${i}`}
                  aria-label={t("insights.models.removeField", { name: f.name || t("insights.models.fieldN", { n: i + 1 }) })}
                  onClick={() => change({ fields: s.fields.filter((_, k) => k !== i) })}
                >
                  <Icon name="trash" size={14} />
                </button>
              </div>
              <ExpressionEditor form={f.form} options={options} idx={i} fieldName={f.name} onChange={(form) => setField(i, { form })} />
            </li>
          ))}
        </ol>
        <button type="button" className="button small subtle" data-testid="model-field-add" onClick={() => change({ fields: [...s.fields, { key: nextKey++, name: "", form: { kind: "column", col: options[0]?.value ?? "" } }] })}>
          <Icon name="plus" size={14} /> {t("insights.models.addField")}
        </button>
      </fieldset>

      <Refusal error={save.error} />
      <div className="form-actions">
        <button type="button" className="button ghost" data-testid="model-cancel" onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="button" className="button subtle" data-testid="model-preview" disabled={preview.isPending} onClick={() => preview.mutate(toDraft(s))}>
          {preview.isPending ? t("insights.models.previewing") : t("insights.models.preview")}
        </button>
        <button type="submit" className="button primary" data-testid="model-save" disabled={save.isPending}>
          {save.isPending ? t("insights.models.saving") : t("common.save")}
        </button>
      </div>
      <section className="model-preview" aria-label={t("insights.models.previewTitle")} aria-live="polite" data-testid="model-preview-result">
        <Refusal error={preview.error} />
        {preview.data ? (
          preview.data.rows.length === 0 ? (
            <p className="hint">{t("insights.models.previewEmpty")}</p>
          ) : (
            <>
              <DataTable table={preview.data} label={t("insights.models.previewLabel", { name: s.name || t("insights.models.untitled") })} format={(n) => format(n)} />
              {preview.data.truncated ? <p className="hint">{t("insights.models.truncated")}</p> : null}
            </>
          )
        ) : null}
      </section>
    </form>
  );
}

/** The data models view of the Insights page; `onClose` goes back to the dashboards. */
export function ModelBuilder({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const models = useQuery<DataModel[], ApiError>({ queryKey: ["model_list"], queryFn: () => api.modelList() });
  const [editing, setEditing] = useState<DataModel | "new" | null>(null);
  const [deleting, setDeleting] = useState<DataModel | null>(null);
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement | null>(null);
  const remove = useInsightsMutation((id: string) => api.modelDelete(id), { meta: { inlineError: true } }, modelChanges);

  const back = (message: string) => {
    setEditing(null);
    setNotice(message);
    setTimeout(() => heading.current?.focus(), 0);
  };
  const list = models.data ?? [];
  const tools = (
    <>
      {editing ? null : (
        <button
          type="button"
          className="button primary"
          data-testid="model-new"
          onClick={() => {
            setNotice("");
            setEditing("new");
          }}
        >
          <Icon name="plus" size={14} /> {t("insights.models.new")}
        </button>
      )}
      <button type="button" className="button ghost" data-testid="models-close" onClick={onClose}>
        {t("insights.models.back")}
      </button>
    </>
  );
  return (
    <Panel title={t("insights.models.title")} hint={t("insights.models.intro")} headingRef={heading} testId="data-models" tools={tools}>
      <p className="save-note" aria-live="polite" data-testid="model-notice">
        {notice}
      </p>
      {editing ? (
        <ModelEditor
          model={editing === "new" ? null : editing}
          onCancel={() => back("")}
          onDone={(m) => back(t("insights.models.saved", { name: m.name }))}
        />
      ) : (
        <>
          <Refusal error={remove.error} />
          {models.isPending ? <Loading /> : null}
          {models.isError ? <LoadError error={models.error} onRetry={() => void models.refetch()} /> : null}
          {models.isSuccess && list.length === 0 ? <p className="insights-empty">{t("insights.models.none")}</p> : null}
          {list.length > 0 ? (
            <ul className="model-items">
              {list.map((m) => (
                <li key={m.id} className="model-item" data-testid={`model-${m.id}`}>
                  <div className="model-item-text">
                    <h3 className="model-item-name">{m.name}</h3>
                    {m.description ? <p className="hint">{m.description}</p> : null}
                    <p className="model-item-facts">{t("insights.models.counts", { tables: m.tables.length, fields: m.fields.length })}</p>
                  </div>
                  <div className="model-item-actions" role="group" aria-label={t("insights.models.actionsFor", { name: m.name })}>
                    <button type="button" className="button small subtle" data-testid={`model-edit-${m.id}`} aria-label={t("insights.models.editNamed", { name: m.name })} onClick={() => setEditing(m)}>
                      {t("insights.models.edit")}
                    </button>
                    <button type="button" className="button small danger-text" data-testid={`model-delete-${m.id}`} aria-label={t("insights.models.deleteNamed", { name: m.name })} onClick={() => setDeleting(m)}>
                      <Icon name="trash" size={14} /> {t("common.delete")}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
      {deleting ? (
        <ConfirmDialog
          title={t("insights.models.deleteTitle")}
          message={t("insights.models.deleteMessage", { name: deleting.name })}
          confirmLabel={t("common.delete")}
          testId="model-delete-confirm"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const m = deleting;
            setDeleting(null);
            remove.mutate(m.id, { onSuccess: () => back(t("insights.models.deleted", { name: m.name })) });
          }}
        />
      ) : null}
    </Panel>
  );
}
