import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DataModel } from "../api/bindings/DataModel";
import { renderWithClient } from "../test/render";
import { WidgetEditor } from "./WidgetEditor";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
const model: DataModel = {
  id: "m1",
  name: "Assignments per course",
  description: null,
  tables: [{ name: "assignments", alias: "a" }],
  joins: [],
  fields: [{ name: "n", expression: { kind: "aggregate", function: "count" } }],
  created_at: stamp,
  updated_at: stamp,
};

describe("WidgetEditor with a data model", () => {
  beforeEach(() => {
    client.insightsMetricCatalog.mockResolvedValue([]);
    client.modelList.mockResolvedValue([model]);
    client.insightsWidgetAdd.mockImplementation(async () => ({}) as never);
  });

  it("offers my models as a fourth source and saves the chosen one without SQL", async () => {
    const onClose = vi.fn();
    renderWithClient(<WidgetEditor dashboardId="d1" onClose={onClose} />);
    await userEvent.click(await screen.findByTestId("widget-source-model"));
    expect(screen.queryByTestId("widget-sql")).toBeNull();
    await screen.findByRole("option", { name: "Assignments per course" });
    await userEvent.selectOptions(screen.getByTestId("widget-data-model"), "m1");
    await userEvent.click(screen.getByRole("button", { name: /save|add/i }));
    await waitFor(() => expect(client.insightsWidgetAdd).toHaveBeenCalled());
    const draft = client.insightsWidgetAdd.mock.calls[0]![1];
    expect(draft.config.source).toEqual({ kind: "model", model_id: "m1" });
    expect(draft.query).toBeUndefined();
    expect(draft.data_source_id).toBeUndefined();
  });
});
