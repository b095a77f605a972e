import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DataModel } from "../api/bindings/DataModel";
import type { ModelDraft } from "../api/bindings/ModelDraft";
import type { SandboxTable } from "../api/bindings/SandboxTable";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { InsightsPage } from "./InsightsPage";
import { aliasFor, fromExpr, ModelBuilder, toExpr } from "./ModelBuilder";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.mock("./Chart", () => ({ default: ({ label }: { label: string }) => <div data-testid="chart-stub">{label}</div> }));
const client = vi.mocked(api);

const col = (name: string, secret = false) => ({ name, declared_type: "", secret });
const schema: SandboxTable[] = [
  { schema: "main", name: "courses", kind: "table", columns: [col("id"), col("name"), col("secret_token", true)] },
  { schema: "main", name: "study_sessions", kind: "table", columns: [col("id"), col("course_id"), col("started_at"), col("total_duration")] },
  { schema: "sources", name: "exam_scores", kind: "table", columns: [col("student"), col("score")] },
];
const stamp = "2026-11-22T01:00:00.000Z";
const saved: DataModel = {
  id: "m1",
  name: "Minutes per course",
  description: "Sum of my sessions",
  tables: [{ name: "courses", alias: "c" }],
  joins: [],
  fields: [{ name: "course", expression: { kind: "column", table: "c", column: "name" } }],
  created_at: stamp,
  updated_at: stamp,
};

/** The draft the test builds through the form. */
const twoTables: ModelDraft = {
  name: "Course minutes",
  description: "Per course",
  tables: [
    { name: "courses", alias: "courses" },
    { name: "study_sessions", alias: "s" },
  ],
  joins: [{ left: { table: "courses", column: "id" }, right: { table: "s", column: "course_id" }, kind: "left" }],
  fields: [
    { name: "course", expression: { kind: "column", table: "courses", column: "name" } },
    { name: "minutes", expression: { kind: "aggregate", function: "sum", of: { kind: "column", table: "s", column: "total_duration" } } },
  ],
};

async function buildTwoTableModel() {
  const user = userEvent.setup();
  renderWithClient(<ModelBuilder onClose={() => {}} />);
  await user.click(await screen.findByTestId("model-new"));
  expect(screen.getByRole("heading", { name: "New data model" })).toHaveFocus();
  await user.type(screen.getByLabelText("Name"), "Course minutes");
  await user.type(screen.getByLabelText("Description"), "Per course");
  await screen.findByRole("option", { name: "study_sessions" });
  await user.selectOptions(screen.getByLabelText("Table to add"), "courses");
  await user.click(screen.getByTestId("model-table-add"));
  await user.selectOptions(screen.getByLabelText("Table to add"), "study_sessions");
  await user.click(screen.getByTestId("model-table-add"));
  expect(screen.getByLabelText("Alias of study_sessions")).toHaveValue("study_sessions");
  const alias = screen.getByLabelText("Alias of study_sessions");
  await user.clear(alias);
  await user.type(alias, "s");
  const join = within(screen.getByRole("group", { name: "Join of s" }));
  await user.selectOptions(join.getByLabelText("Join"), "left");
  await user.selectOptions(join.getByLabelText("Column of an earlier table"), "courses.id");
  await user.selectOptions(join.getByLabelText("equals column of s"), "course_id");
  // The secret column is not offered.
  expect(join.queryByRole("option", { name: "courses.secret_token" })).toBeNull();

  await user.click(screen.getByTestId("model-field-add"));
  await user.type(screen.getByTestId("model-field-0-name"), "course");
  await user.selectOptions(screen.getByTestId("model-field-0-column"), "courses.name");
  await user.click(screen.getByTestId("model-field-add"));
  await user.type(screen.getByTestId("model-field-1-name"), "minutes");
  await user.selectOptions(screen.getByRole("combobox", { name: "Calculation of minutes" }), "aggregate");
  await user.selectOptions(screen.getByTestId("model-field-1-function"), "sum");
  await user.selectOptions(screen.getByTestId("model-field-1-column"), "s.total_duration");
  return user;
}

describe("ModelBuilder", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.insightsSchema.mockResolvedValue(schema);
    client.modelList.mockResolvedValue([saved]);
    client.modelDelete.mockResolvedValue(null);
  });

  it("lists my models with their description", async () => {
    renderWithClient(<ModelBuilder onClose={() => {}} />);
    const item = within(await screen.findByTestId("model-m1"));
    expect(item.getByRole("heading", { name: "Minutes per course" })).toBeInTheDocument();
    expect(item.getByText("Sum of my sessions")).toBeInTheDocument();
    expect(item.getByText("Tables: 1 · Fields: 1")).toBeInTheDocument();
  });

  it("previews a two-table model with a join and a sum with the exact draft and shows the rows", async () => {
    client.modelPreview.mockResolvedValue({
      columns: [
        { name: "course", kind: "text" },
        { name: "minutes", kind: "integer" },
      ],
      rows: [["Calculus", 150], ["History", 45]],
      truncated: false,
    });
    const user = await buildTwoTableModel();
    await user.click(screen.getByTestId("model-preview"));
    await waitFor(() => expect(client.modelPreview).toHaveBeenCalledTimes(1));
    expect(client.modelPreview.mock.calls[0]?.[0]).toEqual(twoTables);
    const table = await screen.findByRole("region", { name: "Preview of Course minutes" });
    expect(within(table).getAllByRole("row").map((r) => r.textContent)).toEqual(["courseminutes", "Calculus150", "History45"]);
    expect(client.modelSave).not.toHaveBeenCalled();
  });

  it("shows the core's refusal of a preview in words", async () => {
    client.modelPreview.mockRejectedValue({ kind: "validation", message: "fields[1] (minutes): `s.total_duration` is not a column of the model's tables" });
    const user = await buildTwoTableModel();
    await user.click(screen.getByTestId("model-preview"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("fields[1] (minutes): `s.total_duration` is not a column of the model's tables");
  });

  it("saves with model_save, shows a refusal in the form first and goes back to the list after", async () => {
    client.modelSave.mockRejectedValueOnce({ kind: "validation", message: "name: a model needs a name" });
    client.modelSave.mockResolvedValueOnce({ ...twoTables, id: "m2", description: "Per course", created_at: stamp, updated_at: stamp });
    const user = await buildTwoTableModel();
    await user.click(screen.getByTestId("model-save"));
    expect(await screen.findByRole("alert")).toHaveTextContent("name: a model needs a name");
    expect(screen.getByTestId("model-editor")).toBeInTheDocument();
    await user.click(screen.getByTestId("model-save"));
    await waitFor(() => expect(client.modelSave).toHaveBeenCalledTimes(2));
    expect(client.modelSave).toHaveBeenLastCalledWith(null, twoTables);
    expect(await screen.findByTestId("model-notice")).toHaveTextContent("Saved “Course minutes”.");
    expect(screen.queryByTestId("model-editor")).toBeNull();
    await waitFor(() => expect(screen.getByRole("heading", { name: "Data models" })).toHaveFocus());
  });

  it("edits a saved model in place and saves it under its id", async () => {
    client.modelSave.mockResolvedValue({ ...saved, name: "Renamed" });
    const user = userEvent.setup();
    renderWithClient(<ModelBuilder onClose={() => {}} />);
    await user.click(await screen.findByRole("button", { name: "Edit “Minutes per course”" }));
    const name = screen.getByLabelText("Name");
    expect(name).toHaveValue("Minutes per course");
    await user.clear(name);
    await user.type(name, "Renamed");
    await user.click(screen.getByTestId("model-save"));
    await waitFor(() =>
      expect(client.modelSave).toHaveBeenCalledWith("m1", { name: "Renamed", description: "Sum of my sessions", tables: saved.tables, joins: [], fields: saved.fields }),
    );
  });

  it("deletes a model only after the confirmation", async () => {
    const user = userEvent.setup();
    renderWithClient(<ModelBuilder onClose={() => {}} />);
    await user.click(await screen.findByRole("button", { name: "Delete “Minutes per course”" }));
    const dialog = screen.getByTestId("model-delete-confirm");
    expect(dialog).toHaveTextContent("“Minutes per course” will be deleted.");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(client.modelDelete).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Delete “Minutes per course”" }));
    await user.click(screen.getByTestId("model-delete-confirm-confirm"));
    await waitFor(() => expect(client.modelDelete).toHaveBeenCalledWith("m1"));
    expect(await screen.findByTestId("model-notice")).toHaveTextContent("Deleted “Minutes per course”.");
  });

  it("opens from the Insights page and goes back to the dashboards", async () => {
    client.dashboardsList.mockResolvedValue([]);
    const user = userEvent.setup();
    renderWithClient(<InsightsPage headingRef={null} />);
    const open = screen.getByTestId("models-open");
    await user.click(open);
    expect(open).toHaveAttribute("aria-pressed", "true");
    expect(await screen.findByRole("heading", { name: "Data models" })).toHaveFocus();
    expect(await screen.findByTestId("model-m1")).toBeInTheDocument();
    await user.click(screen.getByTestId("models-close"));
    expect(screen.queryByTestId("data-models")).toBeNull();
    expect(open).toHaveFocus();
  });
});

describe("expressions", () => {
  it("builds arithmetic, date truncation and a CASE, and reads them back", () => {
    const minutes = toExpr({ kind: "arithmetic", left: "s.total_duration", op: "divide", rightKind: "number", rightNumber: "60", rightCol: "" });
    expect(minutes).toEqual({ kind: "arithmetic", op: "divide", left: { kind: "column", table: "s", column: "total_duration" }, right: { kind: "number", value: 60 } });
    const week = toExpr({ kind: "date_trunc", unit: "week", col: "s.started_at" });
    expect(week).toEqual({ kind: "date_trunc", unit: "week", of: { table: "s", column: "started_at" } });
    const long = toExpr({ kind: "case", col: "s.total_duration", op: "ge", value: "3600", then: "long", otherwise: "short" });
    expect(long).toEqual({
      kind: "case",
      whens: [{ column: { table: "s", column: "total_duration" }, op: "ge", value: 3600, then: { kind: "text", value: "long" } }],
      otherwise: { kind: "text", value: "short" },
    });
    for (const e of [minutes, week, long]) expect(toExpr(fromExpr(e))).toEqual(e);
    expect(toExpr({ kind: "aggregate", fn: "count", col: "" })).toEqual({ kind: "aggregate", function: "count" });
    // An expression the editor cannot show is kept whole.
    const nested = { kind: "arithmetic", op: "add", left: minutes, right: { kind: "number", value: 1 } } as const;
    expect(fromExpr(nested)).toEqual({ kind: "kept", expr: nested });
  });

  it("gives each table a valid, unused alias", () => {
    expect(aliasFor("sources.exam_scores", [])).toBe("exam_scores");
    expect(aliasFor("courses", ["courses"])).toBe("courses_2");
    expect(aliasFor("sources.2024 Scores", [])).toBe("t_2024_scores");
  });
});
