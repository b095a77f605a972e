import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "./api/client";
import { createQueryClient } from "./api/queries";
import { boot } from "./boot";
import i18n from "./i18n";
import * as fx from "./test/fixtures";

vi.mock("./api/client", () => import("./test/clientMock"));

/** What the page looked like when it told the shell to show the window. */
function watchReveal(container: HTMLElement) {
  const seen: { theme?: string; lang: string; drawn: boolean }[] = [];
  vi.mocked(api.firstScreenReady).mockImplementation(() => {
    seen.push({ theme: document.documentElement.dataset.theme, lang: i18n.language, drawn: container.childElementCount > 0 });
  });
  return seen;
}

function mount() {
  const container = document.createElement("div");
  document.body.append(container);
  return container;
}

afterEach(async () => {
  await act(() => i18n.changeLanguage("en"));
  delete document.documentElement.dataset.theme;
  document.body.innerHTML = "";
});

describe("boot", () => {
  it("applies the stored theme and language, then has the window shown, then renders Home", async () => {
    vi.mocked(api.appState).mockResolvedValue(fx.appState({}, { theme: "dark", preferred_locale: "ja" }));
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    const container = mount();
    const seen = watchReveal(container);
    await act(() => boot(container, createQueryClient()));
    expect(seen).toEqual([{ theme: "dark", lang: "ja", drawn: false }]);
    expect(await screen.findByTestId("home")).toBeInTheDocument();
    expect(api.appState).toHaveBeenCalledTimes(1);
  });

  it("a failed read of the app state still shows the window, and the screen says why", async () => {
    vi.mocked(api.appState).mockRejectedValue({ kind: "internal", message: "the IPC thread stopped" });
    const container = mount();
    const seen = watchReveal(container);
    await act(() => boot(container, createQueryClient()));
    expect(seen).toHaveLength(1);
    expect(await screen.findByText("the IPC thread stopped")).toBeInTheDocument();
  });
});
