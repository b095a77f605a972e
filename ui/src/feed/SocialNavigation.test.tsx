// The social routes through the real frame: a name on a post opens that person's profile,
// Back returns to the feed; "Share this session" on the Focus page opens the Feed composer
// filled in; a comment takes an emoji at the caret.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { App } from "../App";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { face, post, profileCard, relation } from "./socialFixtures";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const ada = face("u2", "ada", "Ada Lovelace");

describe("social navigation in the frame", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.homeGet.mockResolvedValue(fx.home());
    client.activityList.mockResolvedValue([]);
    client.focusStats.mockResolvedValue(fx.focusStats());
    client.focusSettingsGet.mockResolvedValue(fx.focusSettings());
    client.profileCard.mockImplementation(async (user) =>
      user ? profileCard() : profileCard({ id: "me", username: "hana", display_name: "Hana", relation: relation({ me: true }) }),
    );
    client.postsPage.mockResolvedValue({ posts: [post("p1", "Bernoulli numbers", ada)], next_cursor: null });
  });

  it("opens an author's profile from a post, and my own from the profile panel", { timeout: 15000 }, async () => {
    const user = userEvent.setup();
    renderWithClient(<App />, {}, { toasts: false });
    await user.click(await screen.findByTestId("nav-feed"));
    const card = (await screen.findByText("Bernoulli numbers")).closest("li")!;
    await user.click(within(card).getByRole("button", { name: "Ada Lovelace" }));
    expect(await screen.findByTestId("page-profile")).toBeInTheDocument();
    expect(client.profileCard).toHaveBeenCalledWith("u2");
    await waitFor(() => expect(screen.getByRole("heading", { level: 1, name: "Ada Lovelace" })).toHaveFocus());
    expect(screen.getByTestId("nav-feed")).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByTestId("profile-back"));
    // The avatar beside the name opens the same page (by mouse; the name is the keyboard's way).
    const again = (await screen.findByText("Bernoulli numbers")).closest("li")!;
    const avatar = within(again).getByTestId("person-avatar-link");
    expect(avatar).toHaveAttribute("tabindex", "-1");
    await user.click(avatar);
    expect(await screen.findByTestId("page-profile")).toBeInTheDocument();
    await user.click(screen.getByTestId("profile-back"));
    await user.click(await screen.findByTestId("profile-open"));
    expect(await screen.findByRole("heading", { level: 1, name: "Hana" })).toBeInTheDocument();
    expect(screen.getByTestId("profile-page-edit")).toBeInTheDocument();
  });

  it("shares a completed focus session into the Feed composer", { timeout: 15000 }, async () => {
    const user = userEvent.setup();
    client.sessionHistory.mockResolvedValue([fx.session({ status: "completed", course_name: "Linear algebra", focused_seconds: 1500 })]);
    renderWithClient(<App />, {}, { toasts: false });
    await user.click(await screen.findByTestId("nav-focus"));
    await user.click(await screen.findByTestId("session-share"));
    expect(await screen.findByTestId("page-feed")).toBeInTheDocument();
    expect(screen.getByTestId("composer-subject")).toHaveValue("Linear algebra");
    expect(screen.getByTestId("composer-duration")).toHaveValue("25 min");
    await waitFor(() => expect(screen.getByTestId("composer-text")).toHaveFocus());
  });

  it("inserts a picked emoji into a comment at the caret", { timeout: 15000 }, async () => {
    const user = userEvent.setup();
    const books = { id: "e-books", unicode: "📚", name: "books", name_ja: "本", category_id: 8, shortcode: ":books:", has_skin_tones: false, image_url: null };
    client.emojiCatalog.mockResolvedValue({
      version: "test",
      categories: [{ id: 8, name: "objects", display_name: "objects", description: null, icon: "👓", sort_order: 8, is_active: true, created_at: "2026-11-22T01:00:00.000Z", updated_at: "2026-11-22T01:00:00.000Z" }],
      emojis: [books],
      custom: [],
      skin_tone: 0,
      mine: { favorites: [], recent: [] },
    });
    client.emojiUse.mockResolvedValue({ favorites: [], recent: [books] });
    renderWithClient(<App />, {}, { toasts: false });
    await user.click(await screen.findByTestId("nav-feed"));
    await user.click(await screen.findByTestId("post-comments"));
    const input = screen.getByTestId("comment-input");
    await user.type(input, "Great  notes");
    (input as HTMLInputElement).setSelectionRange(6, 6);
    await user.click(screen.getByTestId("comment-emoji"));
    await user.click(await screen.findByRole("button", { name: "books" }));
    await waitFor(() => expect(screen.getByTestId("comment-input")).toHaveValue("Great 📚 notes"));
    client.postComment.mockResolvedValue({ id: "c1", post_id: "p1", author_id: "me", body: "Great 📚 notes", created_at: "", updated_at: "", author: face("me", "hana"), mine: true });
    await user.click(screen.getByTestId("comment-send"));
    expect(client.postComment).toHaveBeenCalledWith("p1", "Great 📚 notes");
  });
});
