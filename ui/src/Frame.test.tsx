import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as api from "./api/client";
import { App } from "./App";
import * as fx from "./test/fixtures";
import { renderWithClient } from "./test/render";

vi.mock("./api/client", () => import("./test/clientMock"));

describe("the Focus page in the frame", () => {
  it("replaces the placeholder, and immerse mode covers the frame until Esc", { timeout: 15000 }, async () => {
    const user = userEvent.setup();
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    vi.mocked(api.activityList).mockResolvedValue([fx.activity("a-1", "Deep work")]);
    vi.mocked(api.focusStats).mockResolvedValue(fx.focusStats());
    vi.mocked(api.focusSettingsGet).mockResolvedValue(fx.focusSettings());
    vi.mocked(api.workspaceList).mockResolvedValue([fx.workspace()]);
    renderWithClient(<App />, {}, { toasts: false });
    await user.click(await screen.findByTestId("nav-focus"));
    expect(await screen.findByTestId("focus")).toBeInTheDocument();
    expect(screen.queryByTestId("page-focus")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Focus" })).toHaveFocus();

    await user.click(screen.getByTestId("immerse-enter"));
    // Immerse mode is loaded on first use.
    expect(await screen.findByTestId("immerse-widget-w-clock", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(document.querySelector(".frame")).toHaveAttribute("inert");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("immerse")).not.toBeInTheDocument());
    expect(document.querySelector(".frame")).not.toHaveAttribute("inert");
    await waitFor(() => expect(screen.getByTestId("immerse-enter")).toHaveFocus());
  });
});
