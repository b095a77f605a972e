import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { CustomEmoji } from "../api/bindings/CustomEmoji";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { CustomEmojiCard } from "./CustomEmojiCard";

vi.mock("../api/client", () => import("../test/clientMock"));

const me = "11111111-1111-4111-8111-111111111111";
const cat: CustomEmoji = {
  id: "e-cat",
  shortcode: ":cat_wave:",
  name: "Cat waving",
  image_url: `attachment:${"ab".repeat(32)}.png`,
  created_by: me,
  mine: true,
  created_at: "2026-11-22T01:00:00.000Z",
};
const others: CustomEmoji = { ...cat, id: "e-other", shortcode: ":party:", created_by: "someone", mine: false };
const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], "Cat Wave.png", { type: "image/png" });

describe("Settings › Custom emoji", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.customEmojiList).mockReset().mockResolvedValue([cat, others]);
    vi.mocked(api.customEmojiAdd).mockReset();
    vi.mocked(api.customEmojiDelete).mockReset().mockResolvedValue(null);
  });

  it("adds an image under a shortcode, suggesting one from the file name", async () => {
    vi.mocked(api.customEmojiAdd).mockResolvedValue({ ...cat, id: "e-new", shortcode: ":cat_wave2:" });
    renderWithClient(<CustomEmojiCard />, {}, { toasts: false });
    expect(await screen.findAllByTestId("custom-emoji-item")).toHaveLength(1); // mine only
    const file = png();
    expect(screen.getByTestId("custom-emoji-file-name")).toHaveTextContent("No image chosen");
    // The button in the user's language opens the (hidden) file chooser.
    const input = screen.getByTestId("custom-emoji-file") as HTMLInputElement;
    const opened = vi.spyOn(input, "click");
    await userEvent.click(screen.getByRole("button", { name: "Choose an image…" }));
    expect(opened).toHaveBeenCalled();
    await userEvent.upload(input, file);
    expect(screen.getByTestId("custom-emoji-file-name")).toHaveTextContent("Cat Wave.png");
    const code = screen.getByLabelText("Shortcode");
    expect(code).toHaveValue("cat_wave");
    await userEvent.clear(code);
    await userEvent.type(code, "cat wave");
    expect(screen.getByRole("alert")).toHaveTextContent("only a–z, 0–9 and _ (not “ ”)");
    expect(screen.getByTestId("custom-emoji-add")).toBeDisabled();
    await userEvent.clear(code);
    await userEvent.type(code, "cat_wave2");
    await userEvent.type(screen.getByLabelText("Name (optional)"), "Cat waving again");
    await userEvent.click(screen.getByTestId("custom-emoji-add"));
    await waitFor(() => expect(api.customEmojiAdd).toHaveBeenCalledWith(file, "cat_wave2", "Cat waving again"));
    await waitFor(() => expect(code).toHaveValue(""));
  });

  it("says the core's refusal in words, and refuses a large file before reading it", async () => {
    vi.mocked(api.customEmojiAdd).mockRejectedValue({ kind: "validation", message: ":smile: is a standard emoji's shortcode; choose another" });
    renderWithClient(<CustomEmojiCard />, {}, { toasts: false });
    await screen.findAllByTestId("custom-emoji-item");
    const big = new File([new Uint8Array(300 * 1024)], "big.png", { type: "image/png" });
    await userEvent.upload(screen.getByTestId("custom-emoji-file"), big);
    expect(screen.getByRole("alert")).toHaveTextContent("This image is 300 KiB; a custom emoji may be at most 256 KiB.");
    expect(screen.getByTestId("custom-emoji-add")).toBeDisabled();
    await userEvent.upload(screen.getByTestId("custom-emoji-file"), png());
    await userEvent.clear(screen.getByLabelText("Shortcode"));
    await userEvent.type(screen.getByLabelText("Shortcode"), "smile");
    await userEvent.click(screen.getByTestId("custom-emoji-add"));
    expect(await screen.findByRole("alert")).toHaveTextContent("standard emoji");
  });

  it("deletes one of mine after a confirmation, in Japanese too", async () => {
    await i18n.changeLanguage("ja");
    renderWithClient(<CustomEmojiCard />, {}, { toasts: false });
    const item = (await screen.findAllByTestId("custom-emoji-item"))[0]!;
    expect(await within(item).findByRole("img", { name: ":cat_wave:" })).toBeInTheDocument();
    await userEvent.click(within(item).getByRole("button", { name: ":cat_wave: を削除" }));
    const dialog = screen.getByRole("alertdialog", { name: ":cat_wave: を削除しますか？" });
    await userEvent.click(within(dialog).getByRole("button", { name: "キャンセル" }));
    expect(api.customEmojiDelete).not.toHaveBeenCalled();
    await userEvent.click(within(item).getByRole("button", { name: ":cat_wave: を削除" }));
    await userEvent.click(screen.getByTestId("custom-emoji-delete-confirm"));
    await waitFor(() => expect(api.customEmojiDelete).toHaveBeenCalledWith("e-cat"));
  });
});
