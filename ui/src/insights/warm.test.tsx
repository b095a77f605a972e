import { render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { WARM_AFTER_MS, useWarmInsights } from "./queries";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const loadCode = vi.fn();

function Warm() {
  useWarmInsights(loadCode);
  return null;
}

describe("useWarmInsights", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    client.insightsWarm.mockClear();
    loadCode.mockClear();
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

  it("then loads the page's code when my first dashboard has widgets to draw, and not when it has none", async () => {
    client.insightsWarm.mockResolvedValueOnce(8);
    render(<Warm />);
    await vi.advanceTimersByTimeAsync(WARM_AFTER_MS + 6_000);
    expect(loadCode).toHaveBeenCalledTimes(1);

    loadCode.mockClear();
    client.insightsWarm.mockResolvedValueOnce(0);
    render(<Warm />);
    await vi.advanceTimersByTimeAsync(WARM_AFTER_MS + 6_000);
    expect(loadCode).not.toHaveBeenCalled();
  });

  it("loads no code once the app closed while Rust was reading", async () => {
    let answer: (n: number) => void = () => {};
    client.insightsWarm.mockImplementationOnce(() => new Promise<number>((resolve) => (answer = resolve)));
    const view = render(<Warm />);
    await vi.advanceTimersByTimeAsync(WARM_AFTER_MS + 6_000);
    expect(client.insightsWarm).toHaveBeenCalledTimes(1);
    view.unmount();
    answer(8);
    await vi.advanceTimersByTimeAsync(0);
    expect(loadCode).not.toHaveBeenCalled();
  });
});
