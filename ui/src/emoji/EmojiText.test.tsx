import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { CustomEmoji } from "../api/bindings/CustomEmoji";
import { renderWithClient } from "../test/render";
import { EmojiText, emojiParts } from "./EmojiText";

vi.mock("../api/client", () => import("../test/clientMock"));

const hash = "cd".repeat(32);
const ada = "11111111-1111-4111-8111-111111111111";
const ben = "22222222-2222-4222-8222-222222222222";
const custom = (shortcode: string, created_by: string, h = hash): CustomEmoji => ({
  id: `${created_by}-${shortcode}`,
  shortcode,
  name: shortcode.replace(/:/g, ""),
  image_url: `attachment:${h}.png`,
  created_by,
  mine: created_by === ada,
  created_at: "2026-11-22T01:00:00.000Z",
});

describe("custom emoji in text", () => {
  beforeEach(() => {
    vi.mocked(api.customEmojiList).mockResolvedValue([custom(":cat_wave:", ada), custom(":party:", ben, "ef".repeat(32))]);
  });

  it("shows the author's :shortcode: as an inline image and leaves unknown ones as text", async () => {
    const { container } = renderWithClient(<EmojiText text="Done :cat_wave: and :nope: :party:!" authorId={ada} />, {}, { toasts: false });
    const img = await screen.findByRole("img", { name: ":cat_wave:" });
    expect(img.getAttribute("src")).toContain(encodeURIComponent(`/data/attachments/cd/${hash}.png`));
    expect(img).toHaveClass("custom-emoji");
    // :nope: is nobody's; :party: is Ben's, not the author's: both stay text.
    expect(container.textContent).toBe("Done  and :nope: :party:!");
    expect(container.querySelectorAll("img")).toHaveLength(1);
  });

  it("never turns text into HTML", async () => {
    const attack = "look :<img src=x onerror=alert(1)>: <b>bold</b> :cat_wave:";
    const { container } = renderWithClient(<EmojiText text={attack} authorId={ada} />, {}, { toasts: false });
    await screen.findByRole("img", { name: ":cat_wave:" });
    const imgs = [...container.querySelectorAll("img")];
    expect(imgs).toHaveLength(1);
    expect(imgs[0]?.getAttribute("src")).not.toBe("x");
    expect(container.querySelector("b")).toBeNull();
    expect(container.textContent).toBe("look :<img src=x onerror=alert(1)>: <b>bold</b> ");
  });

  it("splits text into strings and known emoji in order", () => {
    const known = new Map([[":cat_wave:", custom(":cat_wave:", ada)]]);
    const parts = emojiParts(":cat_wave::cat_wave: x :CAT_WAVE: :cat_wave", known);
    expect(parts.map((p) => (typeof p === "string" ? p : "[img]"))).toEqual(["[img]", "[img]", " x :CAT_WAVE: :cat_wave"]);
  });
});
