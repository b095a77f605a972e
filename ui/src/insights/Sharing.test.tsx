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
      ],
    });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} />);
    const list = await screen.findByTestId("shared-with-me");
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(2));
    expect(within(list).getByText("Team goals").parentElement).toHaveTextContent("by CleoView only");
    expect(within(list).getByText("Open data").parentElement).toHaveTextContent("Public, read only");
  });

  it("shares a dashboard by email with the chosen rights, and shows a refusal in words", async () => {
    const user = userEvent.setup();
    client.shareAdd.mockRejectedValueOnce({ kind: "sync", message: "no account on this sync server signs in with nobody@example.org (or it has not synced yet); check the address" });
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} />);
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
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} />);
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
    renderWithClient(<Sharing dashboards={[mine]} onClose={() => {}} />);
    expect(await screen.findByRole("heading", { name: "共有" })).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "承認" })).toBeInTheDocument();
    expect(screen.getByText("自分に共有")).toBeInTheDocument();
  });
});
