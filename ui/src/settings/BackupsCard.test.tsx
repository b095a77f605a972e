import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { BackupsCard } from "./BackupsCard";

vi.mock("../api/client", () => import("../test/clientMock"));

const daily = {
  path: "/data/backups/studydesk-20261204T090000.000Z-daily.db",
  file_name: "studydesk-20261204T090000.000Z-daily.db",
  kind: "daily" as const,
  taken_at: "2026-12-04T09:00:00.000Z",
  size_bytes: 3 * 1024 * 1024,
};
const upgrade = {
  path: "/data/backups/studydesk-20261101T010000.000Z-before-v13.db",
  file_name: "studydesk-20261101T010000.000Z-before-v13.db",
  kind: "before_migration" as const,
  taken_at: "2026-11-01T01:00:00.000Z",
  size_bytes: 900 * 1024,
};

describe("Settings › Backups", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.backupsList).mockResolvedValue([daily, upgrade]);
  });

  it("lists the backups newest first with their reason, time and size", async () => {
    renderWithClient(<BackupsCard locale="en" tz="Asia/Tokyo" />);
    const rows = within(await screen.findByTestId("backup-list")).getAllByRole("listitem");
    expect(rows[0]).toHaveTextContent("Daily");
    expect(rows[0]).toHaveTextContent("3 MB");
    expect(rows[0]).toHaveTextContent("Fri, Dec 4, 2026, 6:00 PM");
    expect(rows[1]).toHaveTextContent("Before an upgrade");
    expect(rows[1]).toHaveTextContent("900 kB");
  });

  it("restores a backup only after the confirmation says what happens", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backupRestore).mockResolvedValue(daily.path);
    renderWithClient(<BackupsCard locale="en" tz="Asia/Tokyo" />);
    await user.click(await screen.findByRole("button", { name: "Restore the backup from Fri, Dec 4, 2026, 6:00 PM" }));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Your current data is kept as a backup");
    expect(api.backupRestore).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("backup-restore-confirm"));
    expect(api.backupRestore).toHaveBeenCalledWith(daily.path);
  });

  it("says why a backup cannot be restored", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backupRestore).mockRejectedValue({ kind: "validation", message: "the copy cannot be restored: it is damaged" });
    renderWithClient(<BackupsCard locale="en" tz="Asia/Tokyo" />);
    await user.click((await screen.findAllByRole("button", { name: /Restore the backup/ }))[1]!);
    await user.click(screen.getByTestId("backup-restore-confirm"));
    expect(await screen.findByTestId("backup-restore-error")).toHaveTextContent("it is damaged");
  });

  it("says when there is no backup yet, in Japanese too", async () => {
    vi.mocked(api.backupsList).mockResolvedValue([]);
    await i18n.changeLanguage("ja");
    renderWithClient(<BackupsCard locale="ja" tz="Asia/Tokyo" />);
    expect(await screen.findByTestId("backups-empty")).toHaveTextContent("まだバックアップはありません");
    expect(screen.getByRole("heading", { name: "バックアップ" })).toBeInTheDocument();
  });
});
