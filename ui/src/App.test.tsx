import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as api from "./api/client";
import type { AppState } from "./api/bindings/AppState";
import type { SettingsPatch } from "./api/bindings/SettingsPatch";
import { App } from "./App";
import i18n from "./i18n";
import * as fx from "./test/fixtures";
import { renderWithClient } from "./test/render";

vi.mock("./api/client", () => import("./test/clientMock"));

/** App draws its own alert region. */
const renderApp = () => renderWithClient(<App />, {}, { toasts: false });

/** A fake core holding the app state, so settings changes are read back like the real one. */
function backend(initial: AppState) {
  let state = initial;
  vi.mocked(api.appState).mockImplementation(async () => state);
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.calendarRange).mockImplementation(async (from, to) => ({ from, to, timezone: "UTC", items: [] }));
  vi.mocked(api.settingsUpdate).mockImplementation(async (patch: SettingsPatch) => {
    state = { ...state, settings: { ...state.settings, ...patch } };
    return state.settings;
  });
  vi.mocked(api.onboardingComplete).mockImplementation(async () => {
    state = { ...state, onboarding_pending: false };
    return state;
  });
}

describe("start", () => {
  it("a user who chose Japanese sees the first screen in Japanese, never English first", async () => {
    backend(fx.appState({}, { preferred_locale: "ja" }));
    // First in this file: Japanese is not loaded yet, as at a start.
    expect(i18n.hasResourceBundle("ja", "translation")).toBe(false);
    const seen: string[] = [];
    // Every heading Home ever showed: "Home" must never appear before "ホーム".
    const observer = new MutationObserver(() => {
      const h = document.querySelector("h1");
      if (h?.textContent && seen.at(-1) !== h.textContent) seen.push(h.textContent);
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    renderApp();
    expect(await screen.findByRole("heading", { level: 1, name: "ホーム" })).toBeInTheDocument();
    observer.disconnect();
    expect(seen).toEqual(["ホーム"]);
    expect(document.documentElement.lang).toBe("ja");
  });
});

describe("first launch", () => {
  it.each([
    ["onboarding-sample", "sample"],
    ["onboarding-empty", "empty"],
  ] as const)("%s calls onboarding_complete with %s and then shows Home", async (testId, choice) => {
    const user = userEvent.setup();
    backend(fx.appState({ onboarding_pending: true }));
    renderApp();
    await screen.findByTestId("onboarding");
    expect(screen.getByRole("heading", { name: "Welcome to Studydesk" })).toBeInTheDocument();
    await user.click(screen.getByTestId(testId));
    expect(api.onboardingComplete).toHaveBeenCalledWith(choice);
    expect(api.onboardingComplete).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId("home")).toBeInTheDocument();
    expect(screen.queryByTestId("onboarding")).not.toBeInTheDocument();
  });

  it("switches the welcome screen to Japanese and stores the choice", async () => {
    const user = userEvent.setup();
    backend(fx.appState({ onboarding_pending: true }));
    renderApp();
    await screen.findByTestId("onboarding");
    await user.click(screen.getByRole("button", { name: "日本語" }));
    expect(api.settingsUpdate).toHaveBeenCalledWith({ preferred_locale: "ja" });
    expect(await screen.findByRole("heading", { name: "Studydesk へようこそ" })).toBeInTheDocument();
    expect(screen.getByTestId("onboarding-empty")).toHaveTextContent("空の状態で始める");
    expect(screen.getByTestId("onboarding-sample")).toHaveTextContent("サンプルデータを読み込む");
    expect(document.documentElement.lang).toBe("ja");
  });
});

describe("frame and navigation", () => {
  it("marks the current page and shows a designed empty state for later areas", { timeout: 20000 }, async () => {
    const user = userEvent.setup();
    backend(fx.appState());
    renderApp();
    await screen.findByTestId("home");
    const nav = screen.getByRole("navigation", { name: "Main navigation" });
    expect(within(nav).getByTestId("nav-home")).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByTestId("nav-calendar"));
    // The calendar is a real page now (see pages/Calendar.test.tsx), loaded when first opened.
    expect(await screen.findByTestId("calendar")).toBeInTheDocument();
    expect(screen.getByTestId("nav-calendar")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-home")).not.toHaveAttribute("aria-current");
    // Focus moves to the new page's heading.
    await waitFor(() => expect(screen.getByRole("heading", { level: 1, name: "Calendar" })).toHaveFocus());
    for (const page of ["feed", "insights"]) {
      await user.click(screen.getByTestId(`nav-${page}`));
      expect(await screen.findByTestId(`page-${page}`)).toBeInTheDocument();
    }
    // Focus is no longer a placeholder (see Frame.test.tsx).
    await user.click(screen.getByTestId("nav-focus"));
    expect(await screen.findByTestId("focus")).toBeInTheDocument();
  });
});

describe("settings", () => {
  it("switching the language to Japanese renders Japanese strings", async () => {
    const user = userEvent.setup();
    backend(fx.appState());
    renderApp();
    await screen.findByTestId("home");
    await user.click(screen.getByTestId("nav-settings"));
    await user.selectOptions(await screen.findByTestId("settings-language"), "ja");
    expect(api.settingsUpdate).toHaveBeenCalledWith({ preferred_locale: "ja" });
    expect(await screen.findByRole("heading", { level: 1, name: "設定" })).toBeInTheDocument();
    expect(screen.getByTestId("nav-home")).toHaveTextContent("ホーム");
    expect(screen.getByTestId("nav-calendar")).toHaveTextContent("カレンダー");
    expect(screen.getByLabelText("タイムゾーン")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "メインナビゲーション" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("ja");
    await waitFor(() => expect(screen.getByTestId("settings-language")).toHaveValue("ja"));

    await user.click(screen.getByTestId("nav-home"));
    expect(await screen.findByTestId("home")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "今日" })).toBeInTheDocument();
    expect(screen.getByText("3 件中 1 件完了")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "カスタマイズ" })).toBeInTheDocument();
  });

  it("saves theme and time zone, applies the theme and shows the data folder and version", async () => {
    const user = userEvent.setup();
    backend(fx.appState());
    renderApp();
    await screen.findByTestId("home");
    expect(document.documentElement.dataset.theme).toBe("light");
    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByText("/home/student/.local/share/studydesk")).toBeInTheDocument();
    expect(screen.getByTestId("settings-version")).toHaveTextContent("0.1.0");

    await user.selectOptions(screen.getByTestId("settings-theme"), "dark");
    expect(api.settingsUpdate).toHaveBeenCalledWith({ theme: "dark" });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));

    const tz = screen.getByTestId("settings-timezone");
    expect(tz).toHaveValue("Asia/Tokyo");
    await user.selectOptions(tz, "Europe/Paris");
    expect(api.settingsUpdate).toHaveBeenCalledWith({ timezone: "Europe/Paris" });
    await waitFor(() => expect(tz).toHaveValue("Europe/Paris"));
  });

  it("reports a failed settings change and keeps the stored language", async () => {
    const user = userEvent.setup();
    backend(fx.appState());
    vi.mocked(api.settingsUpdate).mockRejectedValue({ kind: "database", message: "the database is busy in another Studydesk process; try again" });
    renderApp();
    await screen.findByTestId("home");
    await user.click(screen.getByTestId("nav-settings"));
    await user.selectOptions(await screen.findByTestId("settings-language"), "ja");
    const alert = await screen.findByTestId("error-alert");
    expect(alert).toHaveTextContent("Could not save: the database is busy in another Studydesk process; try again");
    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
  });
});

describe("loading", () => {
  it("a failed first load shows a full-page message with Retry", async () => {
    const user = userEvent.setup();
    vi.mocked(api.appState).mockRejectedValueOnce({
      kind: "newer_schema",
      message: "studydesk.db was written by a newer version of Studydesk",
    });
    renderApp();
    expect(await screen.findByText("Studydesk could not load your data")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("studydesk.db was written by a newer version of Studydesk");
    backend(fx.appState());
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("home")).toBeInTheDocument();
  });

  it("a failed Home load offers Retry inside the frame", async () => {
    const user = userEvent.setup();
    backend(fx.appState());
    vi.mocked(api.homeGet).mockRejectedValueOnce(new Error("IPC channel closed"));
    renderApp();
    expect(await screen.findByText("IPC channel closed")).toBeInTheDocument();
    expect(screen.getByTestId("nav-home")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("home")).toBeInTheDocument();
  });
});
