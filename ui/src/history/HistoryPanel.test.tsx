import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { HistoryEntry } from "../api/bindings/HistoryEntry";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { HISTORY_TABLES } from "../api/tables";
import { HistoryPanel, typeWord } from "./HistoryPanel";
import { HistoryCard } from "./HistoryCard";
import { UndoToast } from "./UndoToast";

vi.mock("../api/client", () => import("../test/clientMock"));

const rename: HistoryEntry = {
  id: "c2",
  at: "2026-11-22T01:05:00.000Z",
  actor: "me",
  action: "task.rename",
  entity_type: "tasks",
  entity_id: "t1",
  label: "Read chapter 4",
  op: "update",
  device_id: "dev-laptop-abc123",
  this_device: false,
  conflict: false,
  fields: [{ field: "description", old: "Read chapter 3", new: "Read chapter 4" }],
  summary: "You changed description of task",
};

describe("History panel", () => {
  it("words every table history can show in English and Japanese, never by its table name", async () => {
    for (const lng of ["en", "ja"]) {
      await i18n.changeLanguage(lng);
      for (const table of HISTORY_TABLES) {
        expect(typeWord(i18n.t, table), `${lng}: ${table}`).not.toBe(table.replace(/_/g, " "));
      }
    }
    expect(typeWord(i18n.t, "study_resources")).toBe("クイックリンク");
    await i18n.changeLanguage("en");
  });

  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.historyItem).mockResolvedValue({ entries: [rename], next: null });
    vi.mocked(api.historyAccount).mockResolvedValue({ entries: [rename], next: null });
    vi.mocked(api.historyUndo).mockResolvedValue({ undone: [rename], summary: "Undone" });
  });

  it("shows an item's changes in words, with the device and the field diff, and undoes one", async () => {
    renderWithClient(<HistoryPanel entityId="t1" />);
    const entry = await screen.findByTestId("history-entry");
    expect(entry).toHaveTextContent("You changed description of task “Read chapter 4”");
    expect(entry).toHaveTextContent("on device …abc123");
    expect(entry).toHaveTextContent("Read chapter 3");
    expect(api.historyItem).toHaveBeenCalledWith("t1", null, 50);
    await userEvent.click(within(entry).getByRole("button", { name: /^Undo: You changed description/ }));
    await waitFor(() => expect(api.historyUndo).toHaveBeenCalledWith("c2"));
    expect(await screen.findByText(/^Undone: You changed description/)).toBeInTheDocument();
    // Switching to Japanese afterwards words the same outcome in Japanese.
    await act(() => i18n.changeLanguage("ja"));
    expect(await screen.findByText(/^元に戻しました: あなたがタスク「Read chapter 4」/)).toBeInTheDocument();
    await act(() => i18n.changeLanguage("en"));
  });

  it("says an event's repeat rule in words in the diff, and a rule it cannot say as stored", async () => {
    const repeat: HistoryEntry = {
      ...rename,
      id: "c3",
      entity_type: "calendar_events",
      label: "Seminar",
      fields: [{ field: "rrule", old: "FREQ=WEEKLY;BYDAY=MO", new: "FREQ=YEARLY;BYWEEKNO=20" }],
    };
    vi.mocked(api.historyItem).mockResolvedValue({ entries: [repeat], next: null });
    renderWithClient(<HistoryPanel entityId="e1" />);
    const entry = await screen.findByTestId("history-entry");
    expect(within(entry).getByRole("deletion")).toHaveTextContent(/^Every week on Monday$/);
    expect(within(entry).getByRole("insertion")).toHaveTextContent(/^FREQ=YEARLY;BYWEEKNO=20$/);
  });

  it("shows why an undo was refused", async () => {
    vi.mocked(api.historyUndo).mockRejectedValue({ kind: "conflict", message: "the task this change was made to has since been deleted" });
    renderWithClient(<HistoryPanel entityId="t1" />, {}, { toasts: false });
    await userEvent.click(await screen.findByRole("button", { name: /^Undo:/ }));
    expect(await screen.findByTestId("history-undo-error")).toHaveTextContent("has since been deleted");
  });

  it("filters the account's history by type and dates", async () => {
    renderWithClient(<HistoryCard />);
    await screen.findByTestId("history-entry");
    await userEvent.selectOptions(screen.getByLabelText("Type"), "calendar_events");
    await waitFor(() => expect(api.historyAccount).toHaveBeenLastCalledWith(expect.objectContaining({ entity_type: "calendar_events" })));
    expect(await screen.findByLabelText("Keep history for (days)")).toHaveValue(365);
  });

  it("words entries in Japanese", async () => {
    await i18n.changeLanguage("ja");
    renderWithClient(<HistoryPanel entityId="t1" />);
    expect(await screen.findByTestId("history-entry")).toHaveTextContent("あなたがタスク「Read chapter 4」の description を変更しました");
    await i18n.changeLanguage("en");
  });
});

describe("Ctrl+Z", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.historyUndoLast).mockReset();
    vi.mocked(api.historyUndoLast).mockResolvedValue({ undone: [rename], summary: "Undone" });
  });

  it("undoes the last action and says what was undone", async () => {
    renderWithClient(<UndoToast />);
    await userEvent.keyboard("{Control>}z{/Control}");
    await waitFor(() => expect(api.historyUndoLast).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId("undo-toast")).toHaveTextContent("Undone: You changed description of task “Read chapter 4”");
    await act(() => i18n.changeLanguage("ja"));
    expect(screen.getByTestId("undo-toast")).toHaveTextContent("元に戻しました: あなたがタスク「Read chapter 4」の description を変更しました");
    await act(() => i18n.changeLanguage("en"));
  });

  it("leaves Ctrl+Z to a text field", async () => {
    renderWithClient(
      <>
        <input aria-label="Title" />
        <UndoToast />
      </>,
    );
    await userEvent.click(screen.getByLabelText("Title"));
    await userEvent.keyboard("ab{Control>}z{/Control}");
    expect(api.historyUndoLast).not.toHaveBeenCalled();
  });
});
