import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { renderWithClient } from "../test/render";
import { Avatar, initials } from "./Avatar";
import { mediaPath } from "./mediaRef";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);
const hash = "ab".repeat(32);

describe("Avatar", () => {
  it("takes initials from the name, else the username", () => {
    expect(initials({ display_name: "Ada Lovelace", username: "ada" })).toBe("AL");
    expect(initials({ display_name: "  ", username: "kenji" })).toBe("K");
    expect(initials({ display_name: "山田 花子", username: null })).toBe("山花");
    expect(initials({ display_name: "", username: null })).toBe("");
  });

  it("finds a reference's file in the media folder and nothing else", () => {
    expect(mediaPath("/data/attachments", `attachment:${hash}.png`)).toBe(`/data/attachments/ab/${hash}.png`);
    expect(mediaPath("C:\\data\\attachments", `attachment:${hash}.jpg`)).toBe(`C:\\data\\attachments\\ab\\${hash}.jpg`);
    expect(mediaPath("/data/attachments", "https://tracker.example/pixel.png")).toBeNull();
    expect(mediaPath("/data/attachments", `attachment:../${hash}.png`)).toBeNull();
    expect(mediaPath("/data/attachments", `attachment:${hash}.exe`)).toBeNull();
  });

  it("shows the picture through the asset protocol, and the initials when it cannot load", async () => {
    renderWithClient(<Avatar person={{ id: "u1", display_name: "Ada Lovelace", username: "ada", avatar_url: `attachment:${hash}.png` }} label="Picture of Ada" />);
    const pic = await screen.findByRole("img", { name: "Picture of Ada" });
    const img = await waitFor(() => {
      const found = pic.querySelector("img");
      expect(found).not.toBeNull();
      return found!;
    });
    expect(client.fileSrc).toHaveBeenCalledWith(`/data/attachments/ab/${hash}.png`);
    fireEvent.error(img);
    expect(await screen.findByText("AL")).toBeInTheDocument();
  });

  it("shows initials for a web address (never loaded)", () => {
    renderWithClient(<Avatar person={{ id: "u2", display_name: "Kenji", username: null, avatar_url: "https://example.com/a.png" }} />);
    expect(screen.getByText("K")).toBeInTheDocument();
    expect(document.querySelector("img")).toBeNull();
  });
});
