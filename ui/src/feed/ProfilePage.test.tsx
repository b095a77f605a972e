import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { NavigateContext } from "../lib/navigation";
import { ProfilePage } from "./ProfilePage";
import { face, post, profileCard, relation } from "./socialFixtures";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const ada = face("u2", "ada", "Ada Lovelace");

describe("ProfilePage", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.profileCard.mockResolvedValue(profileCard());
    client.postsPage.mockResolvedValue({ posts: [post("p1", "Bernoulli numbers", ada)], next_cursor: "c1" });
  });

  it("shows another person's profile and their posts, paged by cursor", async () => {
    renderWithClient(<ProfilePage user="u2" />);
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(client.profileCard).toHaveBeenCalledWith("u2");
    expect(screen.getByTestId("profile-username-shown")).toHaveTextContent("@ada");
    expect(screen.getByText("Notes on the Analytical Engine")).toBeInTheDocument();
    expect(screen.getByText("London")).toBeInTheDocument();
    expect(screen.getByTestId("profile-joined")).toHaveTextContent("Joined November 2026");
    expect(screen.getByText("#engines")).toBeInTheDocument();
    expect(screen.getByTestId("profile-count-followers")).toHaveTextContent("12 Followers");
    expect(screen.getByTestId("profile-count-posts")).toHaveTextContent("40 Posts");
    expect(await screen.findByText("Bernoulli numbers")).toBeInTheDocument();
    expect(client.postsPage).toHaveBeenCalledWith({ kind: "user", user_id: "u2" }, null, 20);
    client.postsPage.mockResolvedValueOnce({ posts: [post("p0", "Older notes", ada)], next_cursor: null });
    await userEvent.click(screen.getByTestId("profile-posts-more"));
    expect(await screen.findByText("Older notes")).toBeInTheDocument();
    expect(client.postsPage).toHaveBeenLastCalledWith({ kind: "user", user_id: "u2" }, "c1", 20);
    // Another person's page has no edit, no policy switch and none of my own lists.
    expect(screen.queryByTestId("profile-page-edit")).not.toBeInTheDocument();
    expect(screen.queryByTestId("profile-policy")).not.toBeInTheDocument();
    expect(screen.queryByTestId("profile-tab-blocked")).not.toBeInTheDocument();
  });

  it("follows, then offers to cancel the request of an approve-followers profile", async () => {
    client.profileCard.mockResolvedValue(profileCard({ policy: "approve" }));
    renderWithClient(<ProfilePage user="u2" />);
    expect(await screen.findByText(/approves followers/)).toBeInTheDocument();
    client.follow.mockResolvedValue(relation({ following: "requested" }));
    client.profileCard.mockResolvedValue(profileCard({ policy: "approve", relation: relation({ following: "requested" }) }));
    await userEvent.click(screen.getByTestId("profile-follow"));
    expect(client.follow).toHaveBeenCalledWith("u2");
    expect(await screen.findByTestId("relation-requested")).toHaveTextContent("Requested");
    client.unfollow.mockResolvedValue(relation());
    client.profileCard.mockResolvedValue(profileCard({ policy: "approve" }));
    await userEvent.click(screen.getByTestId("profile-cancel-request"));
    expect(client.unfollow).toHaveBeenCalledWith("u2");
    expect(await screen.findByTestId("profile-follow")).toBeInTheDocument();
  });

  it("unfollows and mutes someone I follow, who follows me", async () => {
    client.profileCard.mockResolvedValue(profileCard({ relation: relation({ following: "following", follows_me: "following" }) }));
    renderWithClient(<ProfilePage user="@ada" />);
    expect(await screen.findByText("Follows you")).toBeInTheDocument();
    expect(screen.getByTestId("relation-following")).toHaveTextContent("Following");
    client.unfollow.mockResolvedValue(relation({ follows_me: "following" }));
    await userEvent.click(screen.getByTestId("profile-unfollow"));
    expect(client.unfollow).toHaveBeenCalledWith("u2");
    client.muteSet.mockResolvedValue(relation({ muted: true }));
    client.profileCard.mockResolvedValue(profileCard({ relation: relation({ muted: true }) }));
    await userEvent.click(screen.getByTestId("profile-mute"));
    expect(client.muteSet).toHaveBeenCalledWith("u2", true);
    expect(await screen.findByText(/Muted: their posts/)).toBeInTheDocument();
    expect(screen.getByTestId("profile-mute")).toHaveTextContent("Unmute");
  });

  it("blocks only after a dialog that says what blocking does", async () => {
    renderWithClient(<ProfilePage user="u2" />);
    await userEvent.click(await screen.findByTestId("profile-block"));
    const dialog = screen.getByTestId("block-dialog");
    expect(within(dialog).getByText("Block Ada Lovelace?")).toBeInTheDocument();
    expect(dialog).toHaveTextContent("cannot follow you, like or comment on your posts");
    expect(dialog).toHaveTextContent("your follow of them ends");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("block-dialog")).not.toBeInTheDocument();
    expect(client.blockSet).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("profile-block"));
    client.blockSet.mockResolvedValue(relation({ blocked: true }));
    client.profileCard.mockResolvedValue(profileCard({ relation: relation({ blocked: true }) }));
    await userEvent.click(screen.getByTestId("block-dialog-confirm"));
    expect(client.blockSet).toHaveBeenCalledWith("u2", true);
    expect(await screen.findByText(/You blocked this account/)).toBeInTheDocument();
    expect(screen.queryByTestId("profile-follow")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("profile-block"));
    expect(client.blockSet).toHaveBeenLastCalledWith("u2", false);
  });

  it("shows a refusal in words", async () => {
    renderWithClient(<ProfilePage user="u2" />);
    client.follow.mockRejectedValueOnce({ kind: "validation", message: "@ada is not available to follow", params: null });
    await userEvent.click(await screen.findByTestId("profile-follow"));
    expect(await screen.findByRole("alert")).toHaveTextContent("@ada is not available to follow");
  });

  it("my page edits the profile, switches Approve followers and lists my followers", async () => {
    const mine = profileCard({ id: "me", username: "hana", display_name: "Hana", relation: relation({ me: true }), reaches_others: false });
    client.profileCard.mockResolvedValue(mine);
    client.peopleList.mockResolvedValue([face("u5", "kenji", "Kenji")]);
    renderWithClient(<ProfilePage user={null} />);
    expect(await screen.findByRole("heading", { name: "Hana" })).toBeInTheDocument();
    expect(client.profileCard).toHaveBeenCalledWith(null);
    expect(screen.getByTestId("profile-offline-note")).toBeInTheDocument();
    expect(screen.queryByTestId("profile-follow")).not.toBeInTheDocument();
    const policy = screen.getByRole("switch", { name: "Approve followers" });
    expect(policy).not.toBeChecked();
    expect(screen.getByText(/send a request you accept or decline/)).toBeInTheDocument();
    await userEvent.click(policy);
    expect(client.followPolicySet).toHaveBeenCalledWith("approve");
    await userEvent.click(screen.getByTestId("profile-page-edit"));
    expect(screen.getByTestId("profile-form")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("profile-count-followers"));
    expect(await screen.findByText("Kenji")).toBeInTheDocument();
    expect(client.peopleList).toHaveBeenCalledWith(null, "followers");
    for (const list of ["requests", "blocked", "muted"]) expect(screen.getByTestId(`profile-tab-${list}`)).toBeInTheDocument();
  });

  it("opens a person of a list on their own profile", async () => {
    const go = vi.fn();
    client.peopleList.mockResolvedValue([face("u5", "kenji", "Kenji")]);
    renderWithClient(
      <NavigateContext.Provider value={go}>
        <ProfilePage user="u2" list="following" />
      </NavigateContext.Provider>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "Kenji" }));
    expect(go).toHaveBeenCalledWith({ page: "profile", user: "u5" });
    expect(client.peopleList).toHaveBeenCalledWith("u2", "following");
    await userEvent.click(screen.getByTestId("profile-back"));
    await waitFor(() => expect(go).toHaveBeenLastCalledWith({ page: "feed" }));
  });
});
