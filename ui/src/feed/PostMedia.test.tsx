import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { PostMedia } from "../api/bindings/PostMedia";
import { renderWithClient } from "../test/render";
import { PostMediaGrid } from "./PostMedia";

vi.mock("../api/client", () => import("../test/clientMock"));

const item = (i: number, over: Partial<PostMedia> = {}): PostMedia => ({
  id: `m${i}`,
  media_type: "image",
  url: `attachment:${String(i).repeat(64).slice(0, 64)}.png`,
  order_index: i,
  file_path: `/data/attachments/m${i}.png`,
  missing: false,
  mime_type: "image/png",
  size_bytes: 100,
  width: 800,
  height: 600,
  alt: `Picture ${i}`,
  duration_seconds: null,
  ...over,
});

describe("PostMediaGrid", () => {
  it("shows images in order with their alt text and videos with controls", () => {
    renderWithClient(<PostMediaGrid media={[item(1), item(0, { media_type: "video", mime_type: "video/mp4", alt: "Lab clip" })]} />);
    const video = screen.getByTestId("post-media-video");
    expect(video).toHaveAttribute("controls");
    expect(video).toHaveAttribute("aria-label", "Lab clip");
    expect(video.getAttribute("src")).toContain(encodeURIComponent("/data/attachments/m0.png"));
    const img = screen.getByAltText("Picture 1");
    expect(img.getAttribute("src")).toContain(encodeURIComponent("/data/attachments/m1.png"));
    // The video (order 0) comes first.
    expect(video.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows four and a +N that opens the rest", async () => {
    renderWithClient(<PostMediaGrid media={Array.from({ length: 7 }, (_, i) => item(i))} />);
    expect(screen.getAllByTestId("post-media-image")).toHaveLength(4);
    const more = screen.getByTestId("post-media-more");
    expect(more).toHaveTextContent("+3");
    expect(more).toHaveAccessibleName("Show all 7 images and videos");
    await userEvent.click(more);
    expect(screen.getAllByTestId("post-media-image")).toHaveLength(7);
    expect(screen.queryByTestId("post-media-more")).toBeNull();
  });

  it("says when a file has not reached this device yet", () => {
    renderWithClient(<PostMediaGrid media={[item(0, { missing: true })]} />);
    expect(screen.getByRole("img", { name: "Picture 0 (Not on this device yet)" })).toBeInTheDocument();
    expect(screen.queryByTestId("post-media-image")).toBeNull();
  });

  it("keeps one picture's shape and never blows a small one up past its own width", () => {
    renderWithClient(<PostMediaGrid media={[item(0, { width: 320, height: 200 })]} />);
    const box = screen.getByTestId("post-media");
    expect(box.style.aspectRatio).toBe("320 / 200");
    expect(box.style.maxWidth).toBe("min(100%, 320px)");
  });

  it("shows nothing for a post without media", () => {
    const { container } = renderWithClient(<PostMediaGrid media={[]} />);
    expect(container.querySelector("[data-testid=post-media]")).toBeNull();
  });
});
