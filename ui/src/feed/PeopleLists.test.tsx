import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { PEOPLE_PAGE, PeopleListView } from "./PeopleLists";
import { face, relation } from "./socialFixtures";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

describe("PeopleListView", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
  });

  it("accepts and declines my follow requests", async () => {
    client.peopleList.mockResolvedValue([face("u3", "bo", "Bo"), face("u4", "cy", "")]);
    client.followRequestAnswer.mockResolvedValue(relation({ follows_me: "following" }));
    renderWithClient(<PeopleListView user={null} list="requests" mine />);
    await userEvent.click(await screen.findByRole("button", { name: "Accept Bo" }));
    expect(client.followRequestAnswer).toHaveBeenCalledWith("u3", true);
    await userEvent.click(screen.getByRole("button", { name: "Decline @cy" }));
    expect(client.followRequestAnswer).toHaveBeenLastCalledWith("u4", false);
    await waitFor(() => expect(client.peopleList.mock.calls.length).toBeGreaterThan(1));
  });

  it("unblocks and unmutes, and says when a list is empty", async () => {
    client.peopleList.mockResolvedValue([face("u3", "bo", "Bo")]);
    client.blockSet.mockResolvedValue(relation());
    const { unmount } = renderWithClient(<PeopleListView user={null} list="blocked" mine />);
    await userEvent.click(await screen.findByRole("button", { name: "Unblock Bo" }));
    expect(client.blockSet).toHaveBeenCalledWith("u3", false);
    unmount();
    client.muteSet.mockResolvedValue(relation());
    renderWithClient(<PeopleListView user={null} list="muted" mine />);
    await userEvent.click(await screen.findByRole("button", { name: "Unmute Bo" }));
    expect(client.muteSet).toHaveBeenCalledWith("u3", false);
    client.peopleList.mockResolvedValue([]);
    renderWithClient(<PeopleListView user={null} list="requests" mine />);
    expect(await screen.findByText("No requests waiting.")).toBeInTheDocument();
  });

  it("shows a long list a page at a time, without my actions on someone else's list", async () => {
    const many = Array.from({ length: PEOPLE_PAGE * 2 + 5 }, (_, i) => face(`u${i}`, `user${i}`, `Person ${i}`));
    client.peopleList.mockResolvedValue(many);
    renderWithClient(<PeopleListView user="u2" list="followers" mine={false} />);
    expect(await screen.findByText("Person 0")).toBeInTheDocument();
    expect(screen.getAllByTestId("person-row")).toHaveLength(PEOPLE_PAGE);
    expect(screen.getByText(`${PEOPLE_PAGE} of ${many.length}`)).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("people-more"));
    await userEvent.click(screen.getByTestId("people-more"));
    expect(screen.getAllByTestId("person-row")).toHaveLength(many.length);
    expect(screen.queryByTestId("people-more")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Unblock|Accept/ })).not.toBeInTheDocument();
  });
});
