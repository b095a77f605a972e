import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { AccessRequest } from "../api/bindings/AccessRequest";
import type { DashboardEntry } from "../api/bindings/DashboardEntry";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { Sharing } from "./Sharing";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
const mine: DashboardEntry = {
  row: { id: "d1", user_id: "u1", name: "Exams", description: null, layout: {}, is_public: false, created_at: stamp, updated_at: stamp },
  layout: { order: 0, range: { preset: "last_30_days" } },
  widget_count: 2,
};
function request(over: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: "w1", dashboard_id: "d1", dashboard_name: "Exams", requester_id: "u2", requester_name: "Bob", approver_id: "u1", approver_name: "Ada",
    permission: "edit", priority: "high", message: "May I fix the charts?", status: "pending", created_at: stamp, resolved_at: null, ...over,
  };
}

afterEach(async () => {
  vi.clearAllMocks();
  await i18n.changeLanguage("en");
});

describe("Sharing", () => {
  it("lists the dashboards shared with me, read only or editable", async () => {
    client.shareList.mockResolvedValue({
      by_me: [],
      with_me: [
        { dashboard_id: "d9", name: "Team goals", description: null, owner_id: "u3", owner_username: "cleo", owner_display_name: "Cleo", permission: "view", shared_at: stamp },
        { dashboard_id: "d8", name: "Open data", description: null, owner_id: "u4", owner_username: null, owner_display_name: "Dan", permission: null, shared_at: null },
        { dashboard_id: "d7", name: "Exams", description: null, owner_id: "0190a1b2-0000-7000-8000-00000000abcd", owner_username: "eve", owner_display_name: null, permission: "edit", shared_at: stamp },
        { dashboard_id: "d6", name: "Labs", description: null, owner_id: "0190a1b2-0000-7000-8000-00000000beef", owner_username: null, owner_display_name: null, permission: "view", shared_at: stamp },
      ],
    });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    const list = await screen.findByTestId("shared-with-me");
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(4));
    expect(within(list).getByText("Team goals").parentElement).toHaveTextContent("by CleoView only");
    expect(within(list).getByText("Open data").parentElement).toHaveTextContent("Public, read only");
    expect(within(list).getByText("Exams").parentElement).toHaveTextContent("by @eveCan edit");
    // An owner who set no name is not shown as an account id.
    const unnamed = within(list).getByText("Labs").parentElement;
    expect(unnamed).toHaveTextContent("by an account with no profile name");
    expect(unnamed?.textContent).not.toContain("0190a1b2");
  });

  it("shares a dashboard by email with the chosen rights, and shows a refusal in words", async () => {
    const user = userEvent.setup();
    client.shareAdd.mockRejectedValueOnce({ kind: "sync", message: "no account on this sync server signs in with nobody@example.org (or it has not synced yet); check the address" });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    await user.click(await screen.findByTestId("share-submit"));
    expect(screen.getByTestId("share-error")).toHaveTextContent("Type the email");
    expect(client.shareAdd).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText("Their email on the sync server"), "nobody@example.org");
    await user.selectOptions(screen.getByLabelText("Rights"), "edit");
    await user.click(screen.getByTestId("share-submit"));
    await waitFor(() => expect(client.shareAdd).toHaveBeenCalledWith("d1", "nobody@example.org", "edit"));
    expect(await screen.findByTestId("share-error")).toHaveTextContent("no account on this sync server");
  });

  it("approves a request sent to me and revokes a share", async () => {
    const user = userEvent.setup();
    client.accessRequests.mockResolvedValue({ to_me: [request()], mine: [] });
    client.accessDecide.mockResolvedValue(request({ status: "approved" }));
    client.shareList.mockResolvedValue({
      by_me: [{ id: "s1", dashboard_id: "d1", dashboard_name: "Exams", user_id: "u2", username: "bob", display_name: "Bob", permission: "view", shared_at: stamp }],
      with_me: [],
    });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    const inbox = await screen.findByTestId("requests-to-me");
    expect(await within(inbox).findByText("May I fix the charts?")).toBeInTheDocument();
    expect(within(inbox).getByText("Bob asks: Can edit")).toBeInTheDocument();
    await user.click(within(inbox).getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(client.accessDecide).toHaveBeenCalledWith("w1", true));
    await user.click(screen.getByRole("button", { name: "Revoke the share of Exams with Bob" }));
    await waitFor(() => expect(client.shareRevoke).toHaveBeenCalledWith("s1"));
  });

  it("speaks Japanese", async () => {
    await i18n.changeLanguage("ja");
    client.accessRequests.mockResolvedValue({ to_me: [request()], mine: [] });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    expect(await screen.findByRole("heading", { name: "共有" })).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "承認" })).toBeInTheDocument();
    expect(screen.getByText("自分に共有")).toBeInTheDocument();
  });

  it("opens a dashboard shared with me in the grid", async () => {
    const onOpen = vi.fn();
    client.shareList.mockResolvedValue({
      by_me: [],
      with_me: [{ dashboard_id: "d9", name: "Team goals", description: null, owner_id: "u3", owner_username: "cleo", owner_display_name: "Cleo", permission: "view", shared_at: stamp }],
    });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={onOpen} />);
    await userEvent.setup().click(await screen.findByRole("button", { name: "Open Team goals" }));
    expect(onOpen).toHaveBeenCalledWith("d9");
  });

  it("makes the chosen dashboard public only after a confirmation, and private again at once", async () => {
    const user = userEvent.setup();
    client.dashboardSetPublic.mockResolvedValue({ row: { ...mine.row, is_public: true }, access: "owner", layout: mine.layout, widgets: [] });
    const first = renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    const toggle = await screen.findByRole("switch", { name: "Anyone with an account on the sync server can view" });
    expect(toggle).not.toBeChecked();
    expect(toggle).toHaveAccessibleDescription("Only you and the accounts you share it with can open it.");
    await user.click(toggle);
    expect(screen.getByTestId("share-public-confirm")).toHaveTextContent("Every account on your sync server will be able to view “Exams”");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(client.dashboardSetPublic).not.toHaveBeenCalled();
    await user.click(toggle);
    await user.click(screen.getByTestId("share-public-confirm-confirm"));
    await waitFor(() => expect(client.dashboardSetPublic).toHaveBeenCalledWith("d1", true));

    first.unmount();
    renderWithClient(<Sharing dashboards={[{ ...mine, row: { ...mine.row, is_public: true } }]} onClose={() => {}} onOpen={() => {}} />);
    const on = await screen.findByRole("switch", { name: "Anyone with an account on the sync server can view" });
    expect(on).toBeChecked();
    await user.click(on);
    expect(screen.queryByTestId("share-public-confirm")).toBeNull();
    await waitFor(() => expect(client.dashboardSetPublic).toHaveBeenLastCalledWith("d1", false));
  });

  it("words the public switch in Japanese", async () => {
    await i18n.changeLanguage("ja");
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} onOpen={() => {}} />);
    await userEvent.setup().click(await screen.findByRole("switch", { name: "同期サーバーのアカウントなら誰でも閲覧できる" }));
    expect(screen.getByRole("alertdialog", { name: "このダッシュボードを公開しますか？" })).toBeInTheDocument();
  });
});
