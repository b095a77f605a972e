import { describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import * as api from "../api/client";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { ActivityCard } from "./ActivityCard";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const item = (id: string, title: string, is_read: boolean) => ({
  id,
  user_id: "u1",
  activity_type: "posting_response",
  title,
  description: "Nice notes",
  source_type: "post_like",
  source_id: id,
  metadata: null,
  is_read,
  is_pinned: false,
  priority: 1,
  created_at: new Date(Date.now() - 120_000).toISOString(),
  expires_at: null,
  engagement_count: 0,
});

describe("ActivityCard", () => {
  it("lists items with an unread badge, marks one read and runs a quick action", async () => {
    client.activityFeedPage.mockResolvedValue({
      items: [item("a", "ADA liked your post", false), item("b", "BO followed you", true)],
      next_cursor: null,
      unread: 1,
    });
    const onQuick = vi.fn();
    renderWithClient(<ActivityCard onQuickAction={onQuick} />);
    expect(await screen.findByText("ADA liked your post")).toBeInTheDocument();
    expect(screen.getByTestId("activity-unread")).toHaveTextContent("1");
    expect(screen.getAllByText("2 minutes ago")).toHaveLength(2);
    await userEvent.click(screen.getByText("ADA liked your post"));
    await waitFor(() => expect(client.activityItemRead).toHaveBeenCalledWith("a", true));
    await userEvent.click(screen.getByTestId("quick-write_post"));
    expect(onQuick).toHaveBeenCalledWith("write_post");
  });

  it("keeps the unread-only filter in the card settings", async () => {
    client.activityFeedPage.mockResolvedValue({ items: [], next_cursor: null, unread: 0 });
    renderWithClient(<ActivityCard onQuickAction={() => {}} />);
    expect(await screen.findByText(/Nothing new/)).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("activity-unread-only"));
    await waitFor(() =>
      expect(client.activityCardSettingsSet).toHaveBeenCalledWith(
        expect.objectContaining({ filter: { unread_only: true, types: [] } }),
      ),
    );
  });

  it("words each item in the user's language from who acted, and shows when they did it", async () => {
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const words = (actor: string, extra: Record<string, unknown>) => ({ actor, actor_id: "u2", at: fiveDaysAgo, ...extra });
    client.activityFeedPage.mockResolvedValue({
      items: [
        { ...item("a", "Ada (@ada) liked your post", false), metadata: words("Ada (@ada)", { response: "like" }) },
        { ...item("b", "Bo commented on your post", false), source_type: "post_comment", metadata: words("Bo", { response: "comment" }) },
        { ...item("c", "Cy asked to follow you", false), activity_type: "new_connection", metadata: words("Cy", { request: true }) },
        { ...item("d", "New in #exam: Di", true), activity_type: "domain_update", metadata: words("Di", { tag: "exam" }) },
      ],
      next_cursor: null,
      unread: 3,
    });
    await i18n.changeLanguage("ja");
    try {
      renderWithClient(<ActivityCard onQuickAction={() => {}} />);
      expect(await screen.findByText("Ada (@ada) さんがあなたの投稿にいいねしました")).toBeInTheDocument();
      expect(screen.getByText("Bo さんがあなたの投稿にコメントしました")).toBeInTheDocument();
      expect(screen.getByText("Cy さんからフォローリクエストが届きました")).toBeInTheDocument();
      expect(screen.getByText("#exam の新着: Di さん")).toBeInTheDocument();
      expect(screen.queryByText(/liked your post/)).not.toBeInTheDocument();
      // When the like was made (its own time), not when it reached this device.
      expect(screen.getAllByText("5 days ago")).toHaveLength(4);
    } finally {
      await i18n.changeLanguage("en");
    }
  });
});
