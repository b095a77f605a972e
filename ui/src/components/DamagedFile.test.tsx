import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import i18n from "../i18n";
import { App } from "../App";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

const renderApp = () => renderWithClient(<App />, {}, { toasts: false });

const damaged = {
  kind: "damaged" as const,
  message: "studydesk.db is damaged (the file ends inside a page); Studydesk stopped before writing to it.",
  params: { problems: ["the file ends inside a page"], latest_backup: "/data/backups/studydesk-20261204T090000.000Z-daily.db" },
};

describe("a damaged data file", () => {
  beforeEach(async () => {
    vi.clearAllMocks();
    await i18n.changeLanguage("en");
    vi.mocked(api.appState).mockRejectedValue(damaged);
    vi.mocked(api.backupsList).mockResolvedValue([
      {
        path: "/data/backups/studydesk-20261204T090000.000Z-daily.db",
        file_name: "studydesk-20261204T090000.000Z-daily.db",
        kind: "daily",
        taken_at: "2026-12-04T09:00:00.000Z",
        size_bytes: 2048,
      },
    ]);
  });

  it("says nothing was written and offers the backups instead of the app", async () => {
    renderApp();
    expect(await screen.findByRole("heading", { name: "Your data file is damaged" })).toBeInTheDocument();
    expect(screen.getByText(/stopped before writing to it, so nothing more is lost/)).toBeInTheDocument();
    expect(screen.getByText("the file ends inside a page")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: /Restore the backup from/ })).toBeInTheDocument();
    expect(screen.queryByTestId("nav-home")).not.toBeInTheDocument();
  });

  it("exports what can be read and says where and how much", async () => {
    const user = userEvent.setup();
    vi.mocked(api.exportReadable).mockResolvedValue({
      target: "/data/exports/studydesk-readable-20261205T100000.000Z.db",
      tables: [
        { table: "tasks", rows_copied: 41, stopped: "database disk image is malformed" },
        { table: "courses", rows_copied: 3, stopped: null },
        { table: "reminders", rows_copied: 0, stopped: null },
      ],
    });
    renderApp();
    await user.click(await screen.findByTestId("damaged-export"));
    const done = await screen.findByTestId("damaged-exported");
    expect(done).toHaveTextContent("Written to /data/exports/studydesk-readable-20261205T100000.000Z.db");
    expect(done).toHaveTextContent("tasks: 41 rows, then unreadable");
    expect(done).toHaveTextContent("courses: 3 rows");
    expect(done).not.toHaveTextContent("reminders");
    // The failed app state is not fetched again (that would unmount the page and lose this).
    await new Promise((r) => setTimeout(r, 50));
    expect(api.appState).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("damaged-exported")).toBeInTheDocument();
  });
});
