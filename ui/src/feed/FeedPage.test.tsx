import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
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
      }),
    );
  });
});
