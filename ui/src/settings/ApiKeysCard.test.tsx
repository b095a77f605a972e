import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { ApiKey } from "../api/bindings/ApiKey";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { ApiKeysCard } from "./ApiKeysCard";

vi.mock("../api/client", () => import("../test/clientMock"));

const script: ApiKey = {
  id: "k1",
  name: "Weekly report",
  scopes: ["tasks:read", "focus:read"],
  expires_at: "2026-12-31T15:00:00.000Z",
  last_used: "2026-11-22T00:30:00.000Z",
  active: true,
  created_at: "2026-11-20T00:00:00.000Z",
};
const KEY = "sdk_" + "ab".repeat(32);

describe("Settings › API keys", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.apiKeysList).mockResolvedValue([script]);
    vi.mocked(api.localApiSettingsGet).mockResolvedValue({ enabled: false, port: 27631 });
  });

  it("lists keys with their scopes, expiry and last use, and the local API off by default", async () => {
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    const list = await screen.findByTestId("api-keys-list");
    const row = within(list).getByRole("listitem");
    expect(row).toHaveTextContent("Weekly report");
    expect(row).toHaveTextContent("Read tasks, Read focus sessions");
    expect(row).toHaveTextContent(/expires .*2027|expires .*2026/);
    expect(row).toHaveTextContent("last used");
    expect(await screen.findByRole("switch", { name: "Local API" })).not.toBeChecked();
    expect(screen.getByLabelText("Port")).toHaveValue("27631");
  });

  it("creates a key with the chosen scopes and expiry and shows it once with a Copy button", async () => {
    vi.mocked(api.apiKeyCreate).mockResolvedValue({ key: KEY, api_key: { ...script, id: "k2", name: "CI", last_used: null } });
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    await screen.findByTestId("api-keys-list");
    const create = screen.getByRole("button", { name: "Create key" });
    expect(create).toBeDisabled();
    await userEvent.type(screen.getByLabelText("Name"), "CI");
    await userEvent.click(screen.getByRole("checkbox", { name: "Add tasks" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Read tasks" }));
    await userEvent.type(screen.getByLabelText("Expires after (optional)"), "2026-12-31");
    await userEvent.click(create);
    await waitFor(() => expect(api.apiKeyCreate).toHaveBeenCalledWith({ name: "CI", scopes: ["tasks:write"], expires_at: "2026-12-31" }));
    const shown = await screen.findByTestId("api-new-key");
    expect(within(shown).getByTestId("api-new-key-value")).toHaveTextContent(KEY);
    expect(shown).toHaveTextContent("shown only this once");
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await userEvent.click(within(shown).getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(within(shown).getByRole("button", { name: "Copied" })).toBeInTheDocument();
    await userEvent.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByText(KEY)).not.toBeInTheDocument();
  });

  it("shows the core's refusal of a bad key and keeps the form", async () => {
    vi.mocked(api.apiKeyCreate).mockRejectedValue({ kind: "validation", message: "the expiry 2020-01-01 is in the past; pick a later date" });
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Name"), "Old");
    await user.type(screen.getByLabelText("Expires after (optional)"), "2020-01-01");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByTestId("api-key-create-error")).toHaveTextContent("in the past");
    expect(screen.queryByTestId("api-new-key")).not.toBeInTheDocument();
  });

  it("revokes a key only after a confirmation", async () => {
    vi.mocked(api.apiKeyRevoke).mockResolvedValue({ ...script, active: false });
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    await userEvent.click(await screen.findByRole("button", { name: "Revoke Weekly report" }));
    const dialog = await screen.findByRole("alertdialog", { name: 'Revoke the key "Weekly report"?' });
    expect(api.apiKeyRevoke).not.toHaveBeenCalled();
    vi.mocked(api.apiKeysList).mockResolvedValue([{ ...script, active: false }]);
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(api.apiKeyRevoke).toHaveBeenCalledWith("k1"));
    expect(await screen.findByText(/revoked/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Revoke Weekly report" })).not.toBeInTheDocument();
  });

  it("turns the local API on and saves a valid port only", async () => {
    vi.mocked(api.localApiSettingsSet).mockImplementation(async (s) => s);
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    await userEvent.click(await screen.findByRole("switch", { name: "Local API" }));
    await waitFor(() => expect(api.localApiSettingsSet).toHaveBeenCalledWith({ enabled: true, port: 27631 }));
    expect(await screen.findByText("On while Studydesk runs, at http://127.0.0.1:27631")).toBeInTheDocument();
    const port = screen.getByLabelText("Port");
    await userEvent.clear(port);
    await userEvent.type(port, "80");
    expect(screen.getByText("Enter a port from 1024 to 65535.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save port" })).toBeDisabled();
    await userEvent.clear(port);
    await userEvent.type(port, "8123{Enter}");
    await waitFor(() => expect(api.localApiSettingsSet).toHaveBeenLastCalledWith({ enabled: true, port: 8123 }));
  });

  it("speaks Japanese", async () => {
    await i18n.changeLanguage("ja");
    renderWithClient(<ApiKeysCard settings={fx.appState().settings} />);
    expect(await screen.findByRole("heading", { name: "API キー" })).toBeInTheDocument();
    expect(await screen.findByRole("switch", { name: "ローカル API" })).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "タスクの追加" })).toBeInTheDocument();
    expect(await screen.findByText("タスクの読み取り、集中セッションの読み取り")).toBeInTheDocument();
  });
});
