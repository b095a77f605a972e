import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { NavigateContext } from "../lib/navigation";
import { RecentSessions } from "./RecentSessions";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const done = (id: string, over: Parameters<typeof fx.session>[0] = {}) =>
  fx.session({ id, status: "completed", ended_at: "2026-11-22T01:50:00.000Z", focused_seconds: 2700, ...over });

describe("RecentSessions", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.sessionCurrent.mockResolvedValue(null);
  });

  it("shares a completed session from the keyboard: the Feed composer gets its subject and minutes", async () => {
    client.sessionHistory.mockResolvedValue([
      fx.session({ id: "s-run", status: "active" }),
      done("s-1", { course_name: "Linear algebra", activity_name: "Reading" }),
      done("s-2", { name: null, focused_seconds: 20 }),
      fx.session({ id: "s-3", status: "abandoned" }),
    ]);
    const go = vi.fn();
    renderWithClient(
      <NavigateContext.Provider value={go}>
        <RecentSessions />
      </NavigateContext.Provider>,
    );
    expect(await screen.findByText("Linear algebra")).toBeInTheDocument();
    // Only completed sessions; one without a name says what it was, at least a minute.
    expect(screen.getAllByTestId("recent-session")).toHaveLength(2);
    expect(screen.getByText("Focus session")).toBeInTheDocument();
    expect(screen.getByText(/^1 min ·/)).toBeInTheDocument();
    const share = screen.getByRole("button", { name: "Share Linear algebra (45 min) on the feed" });
    share.focus();
    await userEvent.keyboard("{Enter}");
    expect(go).toHaveBeenCalledWith({
      page: "feed",
      prefill: { subject: "Linear algebra", studyDuration: "45 min", nonce: expect.any(Number) },
    });
  });

  it("says where completed sessions will appear when there are none", async () => {
    client.sessionHistory.mockResolvedValue([fx.session({ status: "abandoned" })]);
    renderWithClient(<RecentSessions />);
    expect(await screen.findByText(/Completed sessions appear here/)).toBeInTheDocument();
  });
});
