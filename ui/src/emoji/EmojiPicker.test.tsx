import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { Emoji } from "../api/bindings/Emoji";
import type { EmojiCatalog } from "../api/bindings/EmojiCatalog";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { EmojiPicker } from "./EmojiPicker";
import { EmojiField } from "./EmojiField";
import { useState } from "react";

vi.mock("../api/client", () => import("../test/clientMock"));

const emoji = (id: string, unicode: string, name: string, name_ja: string, category_id: number, shortcode: string): Emoji => ({
  id,
  unicode,
  name,
  name_ja,
  category_id,
  shortcode,
  has_skin_tones: false,
  image_url: null,
});
const grin = emoji("e-grin", "😀", "grinning face", "にっこり笑う", 1, ":grinning:");
const smile = emoji("e-smile", "😄", "grinning face with smiling eyes", "笑顔", 1, ":smile:");
const wave = { ...emoji("e-wave", "👋", "waving hand", "手を振る", 2, ":wave:"), has_skin_tones: true };
const books = emoji("e-books", "📚", "books", "本", 8, ":books:");

const category = (id: number, name: string, icon: string) => ({
  id,
  name,
  display_name: name,
  description: null,
  icon,
  sort_order: id,
  is_active: true,
  created_at: "2026-11-22T01:00:00.000Z",
  updated_at: "2026-11-22T01:00:00.000Z",
});

function catalog(over: Partial<EmojiCatalog> = {}): EmojiCatalog {
  return {
    version: "emojibase-data 17.0.0, Emoji 17",
    categories: [category(1, "smileys-emotion", "😀"), category(2, "people-body", "👋"), category(8, "objects", "👓")],
    emojis: [grin, smile, wave, books],
    custom: [],
    skin_tone: 0,
    mine: { favorites: [], recent: [] },
    ...over,
  };
}

describe("Emoji picker", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.emojiCatalog).mockResolvedValue(catalog());
    vi.mocked(api.emojiUse).mockResolvedValue({ favorites: [], recent: [books] });
    vi.mocked(api.homeGet).mockResolvedValue(undefined as never);
    vi.mocked(api.appState).mockResolvedValue(undefined as never);
  });

  it("lists the categories, picks with the keyboard and records the use", async () => {
    const onPick = vi.fn();
    const onClose = vi.fn();
    renderWithClient(<EmojiPicker onPick={onPick} onClose={onClose} />, {}, { toasts: false });
    expect(await screen.findByRole("button", { name: "waving hand" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Smileys & emotion" })).toBeInTheDocument();
    expect(screen.getByRole("searchbox", { name: "Search emoji" })).toHaveFocus();
    // Down from the search box enters the grid; right moves one, down one row (9).
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("button", { name: "grinning face" })).toHaveFocus();
    await userEvent.keyboard("{ArrowRight}");
    expect(screen.getByRole("button", { name: "grinning face with smiling eyes" })).toHaveFocus();
    await userEvent.keyboard("{End}");
    expect(screen.getByRole("button", { name: "books" })).toHaveFocus();
    expect(screen.getByText(":books:")).toBeInTheDocument();
    await userEvent.keyboard("{Enter}");
    expect(onPick).toHaveBeenCalledWith(books);
    expect(onClose).toHaveBeenCalled();
    await waitFor(() => expect(api.emojiUse).toHaveBeenCalledWith("e-books"));
  });

  it("searches, says when nothing matches, and Enter picks the first result", async () => {
    vi.mocked(api.emojiSearch).mockImplementation(async (q) => (q === "wave" ? [wave] : []));
    const onPick = vi.fn();
    renderWithClient(<EmojiPicker onPick={onPick} onClose={() => {}} />, {}, { toasts: false });
    await screen.findByRole("button", { name: "books" });
    await userEvent.type(screen.getByRole("searchbox"), "zzz");
    expect(await screen.findByText("No emoji matches “zzz”.")).toBeInTheDocument();
    await userEvent.clear(screen.getByRole("searchbox"));
    await userEvent.type(screen.getByRole("searchbox"), "wave");
    await screen.findByRole("region", { name: "Results" });
    await waitFor(() => expect(screen.queryByRole("button", { name: "books" })).not.toBeInTheDocument());
    await userEvent.keyboard("{Enter}");
    expect(onPick).toHaveBeenCalledWith(wave);
    expect(api.emojiSearch).toHaveBeenLastCalledWith("wave", 60);
  });

  it("shows names in Japanese, stars with F and changes the skin tone", async () => {
    await i18n.changeLanguage("ja");
    vi.mocked(api.emojiFavoriteSet).mockResolvedValue({ favorites: [smile], recent: [] });
    vi.mocked(api.emojiSkinToneSet).mockResolvedValue(3);
    renderWithClient(<EmojiPicker onPick={() => {}} onClose={() => {}} />, {}, { toasts: false });
    expect(await screen.findByRole("button", { name: "手を振る" })).toBeInTheDocument();
    await userEvent.keyboard("{ArrowDown}{ArrowRight}f");
    await waitFor(() => expect(api.emojiFavoriteSet).toHaveBeenCalledWith("e-smile", true));
    expect(await screen.findByRole("region", { name: "スター付き" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("radio", { name: "中間の肌の色" }));
    await waitFor(() => expect(api.emojiSkinToneSet).toHaveBeenCalledWith(3));
  });

  it("shows my custom emoji in a Custom section with their images, and picking one gives its :shortcode:", async () => {
    const hash = "ab".repeat(32);
    const cat: Emoji = { ...emoji("e-cat", ":cat_wave:", "Cat waving", "Cat waving", 0, ":cat_wave:"), category_id: null, image_url: `attachment:${hash}.png` };
    vi.mocked(api.emojiCatalog).mockResolvedValue(catalog({ custom: [cat] }));
    const onPick = vi.fn();
    renderWithClient(<EmojiPicker onPick={onPick} onClose={() => {}} />, {}, { toasts: false });
    const section = await screen.findByRole("region", { name: "Custom" });
    const cell = within(section).getByRole("button", { name: "Cat waving" });
    // The image through the asset protocol, its alt text the shortcode; no text glyph.
    const img = await within(cell).findByRole("img", { name: ":cat_wave:" });
    expect(img.getAttribute("src")).toContain(encodeURIComponent(`/data/attachments/ab/${hash}.png`));
    expect(screen.getByRole("button", { name: "Custom" })).toBeInTheDocument();
    // Keyboard: the grid reaches it like any other cell.
    cell.focus();
    await userEvent.keyboard("{Enter}");
    expect(onPick).toHaveBeenCalledWith(cat);
    await waitFor(() => expect(api.emojiUse).toHaveBeenCalledWith("e-cat"));
  });

  it("an icon field's picker offers no custom emoji (an icon is one character)", async () => {
    const cat: Emoji = { ...emoji("e-cat", ":cat_wave:", "Cat waving", "Cat waving", 0, ":cat_wave:"), category_id: null, image_url: `attachment:${"ab".repeat(32)}.png` };
    vi.mocked(api.emojiCatalog).mockResolvedValue(catalog({ custom: [cat], mine: { favorites: [cat], recent: [cat, books] } }));
    vi.mocked(api.emojiSearch).mockResolvedValue([cat, books]);
    renderWithClient(<EmojiPicker custom={false} onPick={() => {}} onClose={() => {}} />, {}, { toasts: false });
    await screen.findByRole("button", { name: "grinning face" });
    expect(screen.queryByRole("region", { name: "Custom" })).not.toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Starred" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cat waving" })).not.toBeInTheDocument();
    await userEvent.type(screen.getByRole("searchbox"), "cat");
    await screen.findByRole("region", { name: "Results" });
    expect(screen.queryByRole("button", { name: "Cat waving" })).not.toBeInTheDocument();
  });

  it("fills a form field through the picker", async () => {
    function Form() {
      const [value, setValue] = useState("");
      return <EmojiField aria-label="Course emoji" value={value} onChange={setValue} />;
    }
    renderWithClient(<Form />, {}, { toasts: false });
    await userEvent.click(screen.getByRole("button", { name: "Choose an emoji" }));
    await userEvent.click(await screen.findByRole("button", { name: "books" }));
    expect(screen.getByRole("textbox", { name: "Course emoji" })).toHaveValue("📚");
    expect(screen.queryByTestId("emoji-picker")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Choose an emoji" })).toHaveFocus();
  });
});
