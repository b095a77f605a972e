import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { FeedPage } from "./FeedPage";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const face = { id: "u2", username: "ada", display_name: "Ada", avatar_url: null };
const post = (id: string, content: string, liked = false) => ({
  id,
  user_id: "u2",
  content,
  book_title: null,
  study_duration: "1h 30m",
  subject: "Maths",
  image_url: null,
  like_count: liked ? 1 : 0,
  comment_count: 2,
  created_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
  updated_at: new Date().toISOString(),
  visibility: "public" as const,
  author: face,
  tags: ["exam"],
  media: [],
  liked_by_me: liked,
  mine: false,
});
const card = {
  profile: {
    id: "me",
    username: "hana",
    display_name: "Hana",
    bio: null,
    location: null,
    avatar_url: null,
    banner_image_url: null,
    joined_at: "2026-11-01",
    followers_count: 3,
    following_count: 1,
    posts_count: 4,
    follow_policy: "open" as const,
  },
  tags: ["maths"],
  relation: { me: true, following: "none" as const, follows_me: "none" as const, blocked: false, muted: false },
  reaches_others: false,
};

describe("FeedPage", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.profileCard.mockResolvedValue(card);
    client.postsPage.mockResolvedValue({ posts: [post("p1", "Eigenvectors")], next_cursor: "c1" });
  });

  it("lists posts with their chips and relative time, pages by cursor and likes", async () => {
    renderWithClient(<FeedPage />);
    expect(await screen.findByText("Eigenvectors")).toBeInTheDocument();
    expect(screen.getByText("3 hours ago")).toBeInTheDocument();
    expect(screen.getByText("#exam")).toBeInTheDocument();
    expect(screen.getByTestId("offline-note")).toBeInTheDocument();
    client.postsPage.mockResolvedValueOnce({ posts: [post("p2", "Older")], next_cursor: null });
    await userEvent.click(screen.getByTestId("feed-more"));
    expect(await screen.findByText("Older")).toBeInTheDocument();
    expect(client.postsPage).toHaveBeenLastCalledWith({ kind: "home" }, "c1", 20);
    client.postLikeSet.mockResolvedValue(post("p1", "Eigenvectors", true));
    await userEvent.click(screen.getAllByTestId("post-like")[0]!);
    await waitFor(() => expect(client.postLikeSet).toHaveBeenCalledWith("p1", true));
  });

  it("posts the composer's draft and shows a refusal in words", async () => {
    renderWithClient(<FeedPage />);
    await screen.findByText("Eigenvectors");
    client.postCreate.mockRejectedValueOnce({ kind: "validation", message: "a post needs some text, a subject or a book", params: null });
    await userEvent.click(screen.getByTestId("composer-post"));
    expect(await screen.findByTestId("composer-error")).toHaveTextContent("a post needs some text");
    client.postCreate.mockResolvedValueOnce(post("p3", "New"));
    await userEvent.type(screen.getByTestId("composer-text"), "Chapter 3 done");
    await userEvent.type(screen.getByTestId("composer-tags"), "exam, maths");
    await userEvent.selectOptions(screen.getByTestId("composer-visibility"), "followers");
    await userEvent.click(screen.getByTestId("composer-post"));
    await waitFor(() =>
      expect(client.postCreate).toHaveBeenLastCalledWith({
        content: "Chapter 3 done",
        subject: null,
        book_title: null,
        study_duration: null,
        tags: ["exam", "maths"],
        visibility: "followers",
        media: [],
      }),
    );
  });

  it("edits my own post without changing who can see it", async () => {
    client.postsPage.mockResolvedValue({ posts: [{ ...post("p9", "Mine"), mine: true, book_title: "SICP" }], next_cursor: null });
    renderWithClient(<FeedPage />);
    expect(await screen.findByText("📖 SICP")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("post-edit"));
    const form = screen.getByTestId("post-edit-form");
    expect(within(form).getByTestId("composer-visibility")).toBeDisabled();
    const text = within(form).getByTestId("composer-text");
    await userEvent.clear(text);
    await userEvent.type(text, "Mine, edited");
    client.postEdit.mockResolvedValueOnce({ ...post("p9", "Mine, edited"), mine: true });
    await userEvent.click(within(form).getByTestId("composer-post"));
    await waitFor(() =>
      expect(client.postEdit).toHaveBeenCalledWith("p9", {
        content: "Mine, edited",
        subject: "Maths",
        book_title: "SICP",
        study_duration: "1h 30m",
        tags: ["exam"],
        visibility: null,
        media: [],
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("post-edit-form")).not.toBeInTheDocument());
  });

  it("edits my profile and shows a refused username in words", async () => {
    renderWithClient(<FeedPage />);
    await userEvent.click(await screen.findByTestId("profile-edit"));
    const name = screen.getByTestId("profile-username");
    await userEvent.clear(name);
    await userEvent.type(name, "taken");
    client.profileSave.mockRejectedValueOnce({ kind: "conflict", message: "that username is taken", params: null });
    await userEvent.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("profile-error")).toHaveTextContent("that username is taken");
    await userEvent.type(screen.getByTestId("profile-tags"), ", kanji");
    client.profileSave.mockResolvedValueOnce({ ...card, profile: { ...card.profile, username: "hana2" } });
    await userEvent.clear(name);
    await userEvent.type(name, "hana2");
    await userEvent.click(screen.getByTestId("profile-save"));
    await waitFor(() =>
      expect(client.profileSave).toHaveBeenLastCalledWith(
        { display_name: "Hana", username: "hana2", bio: "", location: "", avatar_url: null, banner_image_url: null },
        ["maths", "kanji"],
      ),
    );
    expect(await screen.findByText("@hana2")).toBeInTheDocument();
  });

  it("follows a suggested person", async () => {
    client.peopleSuggestions.mockResolvedValue([{ id: "u7", username: "kenji", display_name: "Kenji", avatar_url: null }]);
    client.follow.mockResolvedValue({ me: false, following: "requested", follows_me: "none", blocked: false, muted: false });
    renderWithClient(<FeedPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Follow Kenji" }));
    expect(client.follow).toHaveBeenCalledWith("u7");
    expect(await screen.findByText("Requested")).toBeInTheDocument();
  });

  it("inserts a picked emoji into the post text at the caret", async () => {
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
    renderWithClient(<FeedPage />);
    await screen.findByText("Eigenvectors");
    await userEvent.type(screen.getByTestId("composer-text"), "Reading ");
    await userEvent.click(screen.getByTestId("composer-emoji"));
    await userEvent.click(await screen.findByRole("button", { name: "books" }));
    await waitFor(() => expect(screen.getByTestId("composer-text")).toHaveValue("Reading 📚"));
  });
});
