import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DataSource } from "../api/bindings/DataSource";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { RestForm } from "./RestForm";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

describe("RestForm", () => {
  beforeEach(() => client.appState.mockResolvedValue(fx.appState()));

  it("sends the address, the records path and cursor paging as the core's request", async () => {
    const done = vi.fn();
    client.sourceAddRest.mockResolvedValue({ id: "s1", name: "Scores", rows: 3 } as DataSource);
    renderWithClient(<RestForm onDone={done} onCancel={() => {}} />);
    await userEvent.type(screen.getByTestId("source-rest-url"), "https://example.org/api/scores");
    await userEvent.type(screen.getByTestId("source-rest-name"), "Scores");
    await userEvent.type(screen.getByTestId("source-rest-records"), "$.data");
    await userEvent.selectOptions(screen.getByTestId("source-rest-paging"), "cursor");
    await userEvent.type(screen.getByTestId("source-rest-cursor-path"), "$.next");
    await userEvent.click(screen.getByTestId("source-rest-submit"));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(client.sourceAddRest).toHaveBeenCalledWith("Scores", {
      url: "https://example.org/api/scores",
      method: "get",
      body: null,
      headers: [],
      records_path: "$.data",
      columns: [],
      paging: { by: "cursor", next_path: "$.next", cursor_param: "cursor" },
    });
  });

  it("shows the core's refusal in the form", async () => {
    client.sourceAddRest.mockRejectedValue({ kind: "validation", message: "https://example.org/x answered 500 Internal Server Error" });
    renderWithClient(<RestForm onDone={() => {}} onCancel={() => {}} />);
    await userEvent.type(screen.getByTestId("source-rest-url"), "https://example.org/x");
    await userEvent.click(screen.getByTestId("source-rest-submit"));
    expect(await screen.findByTestId("source-rest-error")).toHaveTextContent("500");
  });
});
