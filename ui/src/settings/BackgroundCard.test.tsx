import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { renderWithClient } from "../test/render";
import { BackgroundCard } from "./BackgroundCard";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.setConfig({ testTimeout: 20_000 });

afterEach(() => {
  vi.clearAllMocks();
});

describe("Settings › Running in the background", () => {
  it("shows the stored switches and saves a change at once", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backgroundSettingsGet).mockResolvedValue({ close_to_tray: true, start_at_login: false, os_timer: false });
    vi.mocked(api.backgroundSettingsUpdate).mockResolvedValue({ close_to_tray: true, start_at_login: true, os_timer: false });
    renderWithClient(<BackgroundCard />);
    const tray = await screen.findByRole("switch", { name: "Keep running in the tray when the window is closed" });
    expect(tray).toBeChecked();
    const login = screen.getByRole("switch", { name: "Start Studydesk when I log in" });
    expect(login).not.toBeChecked();
    await user.click(login);
    expect(api.backgroundSettingsUpdate).toHaveBeenCalledWith({ start_at_login: true });
    await waitFor(() => expect(login).toBeChecked());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("puts the switch back and says why when the system refuses", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backgroundSettingsGet).mockResolvedValue({ close_to_tray: true, start_at_login: false, os_timer: false });
    vi.mocked(api.backgroundSettingsUpdate).mockRejectedValue({
      kind: "io",
      message: "could not turn on the background reminder timer: systemctl was not found",
    });
    renderWithClient(<BackgroundCard />);
    const timer = await screen.findByTestId("background-os_timer");
    expect(timer).toHaveAccessibleName("Check reminders every minute even when Studydesk is quit (installs a system timer)");
    await user.click(timer);
    expect(api.backgroundSettingsUpdate).toHaveBeenCalledWith({ os_timer: true });
    const error = await screen.findByTestId("background-os_timer-error");
    expect(error).toHaveTextContent("Not changed: could not turn on the background reminder timer: systemctl was not found");
    expect(timer).not.toBeChecked();
    expect(timer).toHaveAttribute("aria-invalid", "true");
    // Shown beside the switch, not a second time in the toast region.
    expect(screen.getAllByText(/systemctl was not found/)).toHaveLength(1);
    expect(timer).toHaveFocus();
  });
});
