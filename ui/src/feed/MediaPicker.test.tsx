import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { renderWithClient } from "../test/render";
import { MediaPicker, MAX_IMAGE_BYTES, pickedFromPost, toDrafts } from "./MediaPicker";
import type { PickedMedia } from "./MediaPicker";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

let latest: PickedMedia[] = [];
function Host({ initial = [] as PickedMedia[] }) {
  const [items, setItems] = useState<PickedMedia[]>(initial);
  latest = items;
  return (
    <form>
      <textarea data-testid="text" />
      <MediaPicker items={items} setItems={setItems} idPrefix="t" />
    </form>
  );
}

const png = (name: string, size = 10) => new File([new Uint8Array(size)], name, { type: "image/png" });
const picked = (n: number): PickedMedia[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, attachment_id: `a${i}`, media_id: null, media_type: "image", file_path: `/f/${i}.png`, name: `${i}.png`, alt: "" }));

beforeEach(() => {
  client.postMediaAdd.mockReset();
  client.postMediaAdd.mockImplementation(async (file: File) => ({
    attachment_id: `att-${file.name}`,
    file_path: `/data/attachments/${file.name}`,
    media_type: file.type.startsWith("video/") ? "video" : "image",
    mime_type: file.type,
    size_bytes: file.size,
    width: 10,
    height: 10,
  }));
});

describe("MediaPicker", () => {
  it("adds chosen files in order, with alt texts, and reorders by keyboard and buttons", async () => {
    renderWithClient(<Host />);
    await userEvent.upload(screen.getByTestId("media-input"), [png("a.png"), png("b.png"), png("c.png")]);
    await waitFor(() => expect(screen.getAllByTestId("media-item")).toHaveLength(3));
    await userEvent.type(screen.getByLabelText("Alt text for item 2"), "The board");
    // Alt+Left moves the focused item earlier.
    screen.getByLabelText("Alt text for item 2").focus();
    await userEvent.keyboard("{Alt>}{ArrowLeft}{/Alt}");
    expect(latest.map((i) => i.name)).toEqual(["b.png", "a.png", "c.png"]);
    await userEvent.click(screen.getByRole("button", { name: "Move item 1 later" }));
    expect(latest.map((i) => i.name)).toEqual(["a.png", "b.png", "c.png"]);
    await userEvent.click(screen.getByRole("button", { name: "Remove item 3" }));
    expect(toDrafts(latest)).toEqual([
      { attachment_id: "att-a.png", media_id: null, alt: null },
      { attachment_id: "att-b.png", media_id: null, alt: "The board" },
    ]);
  });

  it("reorders by a mouse drag", async () => {
    renderWithClient(<Host initial={picked(3)} />);
    const items = screen.getAllByTestId("media-item");
    const data = new Map<string, string>();
    const dataTransfer = { types: ["application/x-studydesk-media"], setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k), effectAllowed: "" };
    fireEvent.dragStart(items[2]!, { dataTransfer });
    fireEvent.dragOver(items[0]!, { dataTransfer });
    fireEvent.drop(items[0]!, { dataTransfer });
    expect(latest.map((i) => i.key)).toEqual(["k2", "k0", "k1"]);
  });

  it("adds dropped and pasted files", async () => {
    renderWithClient(<Host />);
    fireEvent.drop(screen.getByTestId("media-picker"), { dataTransfer: { types: ["Files"], files: [png("dropped.png")] } });
    await waitFor(() => expect(screen.getAllByTestId("media-item")).toHaveLength(1));
    const paste = new Event("paste", { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
    paste.clipboardData = { files: [png("pasted.png")] };
    fireEvent(screen.getByTestId("text"), paste);
    await waitFor(() => expect(latest.map((i) => i.name)).toEqual(["dropped.png", "pasted.png"]));
  });

  it("says in words what it refuses: too many, too large, not a picture or video", async () => {
    renderWithClient(<Host initial={picked(9)} />);
    await userEvent.upload(screen.getByTestId("media-input"), [png("x.png"), png("y.png")]);
    const alert = await screen.findByTestId("media-error");
    expect(alert).toHaveTextContent("A post can have at most 10 images or videos; the others were not added.");
    await waitFor(() => expect(latest).toHaveLength(10));
    expect(screen.getByTestId("media-add")).toBeDisabled();
  });

  it("refuses a huge image before reading it, and words the core's content refusal", async () => {
    renderWithClient(<Host />);
    const huge = png("scan.png");
    Object.defineProperty(huge, "size", { value: MAX_IMAGE_BYTES + 1 });
    client.postMediaAdd.mockRejectedValueOnce({ kind: "validation", message: "\"notes.png\" is not an image (PNG, JPEG, GIF, WebP, BMP, AVIF) or a video (MP4, WebM, MOV, OGV)", params: null });
    await userEvent.upload(screen.getByTestId("media-input"), [huge, png("notes.png")]);
    const alert = await screen.findByTestId("media-error");
    const lines = within(alert).getAllByRole("listitem").map((li) => li.textContent);
    expect(lines).toEqual([
      "“scan.png” is too large (20.0 MiB): an image can be at most 20.0 MiB.",
      "“notes.png” is not an image or a video (PNG, JPEG, GIF, WebP, BMP, AVIF, MP4, WebM, MOV or OGV).",
    ]);
    expect(client.postMediaAdd).toHaveBeenCalledTimes(1); // the huge one was never sent
    expect(latest).toHaveLength(0);
  });
});

describe("editing a post's media", () => {
  it("starts from the post's items in order and keeps them by id with their alt texts", () => {
    const base = { url: "attachment:x.png", mime_type: "image/png", size_bytes: 1, width: 1, height: 1, duration_seconds: null };
    const items = pickedFromPost([
      { ...base, id: "m2", media_type: "video", order_index: 1, file_path: "/f/2.mp4", missing: true, alt: null },
      { ...base, id: "m1", media_type: "image", order_index: 0, file_path: "/f/1.png", missing: false, alt: "Board" },
    ]);
    expect(items.map((i) => [i.media_id, i.file_path, i.alt])).toEqual([
      ["m1", "/f/1.png", "Board"],
      ["m2", "", ""],
    ]);
    expect(toDrafts(items)).toEqual([
      { attachment_id: null, media_id: "m1", alt: "Board" },
      { attachment_id: null, media_id: "m2", alt: null },
    ]);
  });
});
