import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { FocusSession } from "../api/bindings/FocusSession";
import type { IdleChoice } from "../api/bindings/IdleChoice";
import { App } from "../App";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

const IDLE: FocusSession = fx.session({ idle_since: "2026-11-22T01:05:00.000Z" });

function backend({ session = null as FocusSession | null, recovery = null as FocusSession | null, locale = "en" as "en" | "ja" } = {}) {
  let current = session;
  let offer = recovery ? { session: recovery, last_known_at: "2026-11-21T13:40:00.000Z" } : null;
  vi.mocked(api.appState).mockResolvedValue(fx.appState({}, { preferred_locale: locale }));
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.sessionCurrent).mockImplementation(async () => current);
  vi.mocked(api.sessionRecovery).mockImplementation(async () => offer);
  vi.mocked(api.sessionRecover).mockImplementation(async (choice) => {
    const s = { ...offer!.session, status: choice === "resume" ? ("active" as const) : ("completed" as const) };
    offer = null;
    current = choice === "resume" ? s : null;
    return s;
  });
  vi.mocked(api.sessionResolveIdle).mockImplementation(async () => {
    current = { ...current!, idle_since: null };
    return current;
  });
  let fire: () => void = () => {};
  vi.mocked(api.onFocusChanged).mockImplementation(async (handler) => {
    fire = handler;
    return () => {};
  });
  return {
    setSession: (s: FocusSession | null) => (current = s),
    fire: () => fire(),
  };
}

const renderApp = () => renderWithClient(<App />, {}, { toasts: false });

describe("recovery after a crash", () => {
  it("offers the session left running right after the app loads, and resumes it", async () => {
    const user = userEvent.setup();
    backend({ recovery: fx.session({ name: "Thesis", focused_seconds: 1500 }) });
    renderApp();
    const dialog = await screen.findByTestId("recovery-dialog");
    expect(dialog).toHaveAttribute("role", "dialog");
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleName("Pick up where you left off?");
    // 13:40Z is 22:40 in Tokyo.
    expect(dialog).toHaveTextContent("“Thesis” was still running when Studydesk closed. Last seen Sat, Nov 21, 2026, 10:40 PM.");
    expect(dialog).toHaveTextContent("Focused so far: 25:00.");
    expect(within(dialog).getByTestId("recovery-resume")).toHaveFocus();
    await user.click(within(dialog).getByTestId("recovery-resume"));
    expect(api.sessionRecover).toHaveBeenCalledWith("resume");
    await waitFor(() => expect(screen.queryByTestId("recovery-dialog")).not.toBeInTheDocument());
    // The resumed session is on every page, in the sidebar.
    expect(await screen.findByTestId("sidebar-session")).toHaveAccessibleName(/Session running: Focusing/);
  });

  it("completes it on request, in Japanese with a 24-hour time", async () => {
    const user = userEvent.setup();
    await i18n.changeLanguage("ja");
    backend({ recovery: fx.session({ name: "Thesis" }), locale: "ja" });
    renderApp();
    const dialog = await screen.findByTestId("recovery-dialog");
    expect(dialog).toHaveTextContent("最後の記録は 2026/11/21 22:40 です。");
    await user.click(within(dialog).getByRole("button", { name: "完了にする" }));
    expect(api.sessionRecover).toHaveBeenCalledWith("complete");
    await waitFor(() => expect(screen.queryByTestId("recovery-dialog")).not.toBeInTheDocument());
    expect(screen.queryByTestId("sidebar-session")).not.toBeInTheDocument();
  });
});

describe("coming back from idle time", () => {
  it.each([
    ["keep", "Keep the time"],
    ["break", "Count it as a break"],
    ["discard", "Discard it"],
  ] as [IdleChoice, string][])("%s: resolves the idle span with that choice", async (choice, label) => {
    const user = userEvent.setup();
    backend({ session: IDLE });
    renderApp();
    const dialog = await screen.findByTestId("idle-dialog");
    expect(dialog).toHaveTextContent("You were away since 10:05 AM.");
    expect(within(dialog).getByRole("button", { name: "Keep the time" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: label }));
    expect(api.sessionResolveIdle).toHaveBeenCalledWith(choice);
    await waitFor(() => expect(screen.queryByTestId("idle-dialog")).not.toBeInTheDocument());
  });

  it("appears when the shell says focus changed, and Esc leaves the choice for later", async () => {
    const user = userEvent.setup();
    const core = backend({ session: fx.session() });
    renderApp();
    await screen.findByTestId("sidebar-session");
    expect(screen.queryByTestId("idle-dialog")).not.toBeInTheDocument();
    core.setSession(IDLE);
    await act(async () => core.fire());
    const dialog = await screen.findByTestId("idle-dialog");
    // Tab stays inside the dialog.
    const buttons = within(dialog).getAllByRole("button");
    buttons[buttons.length - 1]!.focus();
    await user.tab();
    expect(buttons[0]).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("idle-dialog")).not.toBeInTheDocument();
    expect(api.sessionResolveIdle).not.toHaveBeenCalled();
    // The Focus page still offers the choice.
    await user.click(screen.getByTestId("nav-focus"));
    const banner = await screen.findByTestId("idle-banner");
    expect(banner).toHaveTextContent("Away since 10:05 AM.");
    await user.click(within(banner).getByRole("button", { name: "Count it as a break" }));
    expect(api.sessionResolveIdle).toHaveBeenCalledWith("break");
  });
});
