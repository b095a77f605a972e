import { render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { WARM_AFTER_MS, useWarmInsights } from "./queries";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

function Warm() {
  useWarmInsights();
  return null;
}

describe("useWarmInsights", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    client.insightsWarm.mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks Rust once to read the first dashboard ahead, after start, at the window's width", async () => {
    const view = render(<Warm />);
    await vi.advanceTimersByTimeAsync(WARM_AFTER_MS - 1);
    expect(client.insightsWarm).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(client.insightsWarm).toHaveBeenCalledTimes(1);
    expect(client.insightsWarm).toHaveBeenCalledWith(window.innerWidth);
    view.rerender(<Warm />);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(client.insightsWarm).toHaveBeenCalledTimes(1);
  });

  it("asks nothing when the app closed before, and a refusal stays silent", async () => {
    render(<Warm />).unmount();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(client.insightsWarm).not.toHaveBeenCalled();
    client.insightsWarm.mockRejectedValueOnce({ kind: "validation", message: "window_width must be between 100 and 20000", params: null });
    render(<Warm />);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(client.insightsWarm).toHaveBeenCalledTimes(1);
  });
});
