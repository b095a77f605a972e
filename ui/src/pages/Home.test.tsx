import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DashboardLayout } from "../api/bindings/DashboardLayout";
import { Home } from "./Home";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

const cardIds = () =>
  Array.from(document.querySelectorAll<HTMLElement>("[data-testid^='card-']")).map((el) => el.dataset.testid);

function setup(layout: DashboardLayout) {
  let data = fx.home({ layout });
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  vi.mocked(api.homeGet).mockImplementation(async () => data);
  vi.mocked(api.layoutUpdate).mockImplementation(async (l) => {
    data = { ...data, layout: l };
    return l;
  });
  return renderWithClient(<Home />, { appState: fx.appState(), home: data });
}

describe("Home layout", () => {
  it("renders the cards in layout order and leaves hidden ones out", () => {
    setup({
      order: ["progress", "todo", "playlists", "assignments", "quick_links", "focus_areas"],
      hidden: ["assignments", "quick_links"],
    });
    expect(cardIds()).toEqual(["card-progress", "card-todo", "card-playlists", "card-focus_areas"]);
    expect(screen.queryByTestId("card-assignments")).not.toBeInTheDocument();
    expect(screen.queryByTestId("card-quick_links")).not.toBeInTheDocument();
  });

  it("says how to bring cards back when all are hidden", () => {
    const all = ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"] as const;
    setup({ order: [...all], hidden: [...all] });
    expect(cardIds()).toEqual([]);
    expect(screen.getByText("Every card is hidden. Use Customize to bring some back.")).toBeInTheDocument();
  });

  it("customize mode hides a card, moves another and saves the layout", async () => {
    const user = userEvent.setup();
    const layout: DashboardLayout = {
      order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"],
      hidden: ["quick_links"],
    };
    setup(layout);
    const saved: DashboardLayout = {
      order: ["todo", "assignments", "progress", "focus_areas", "playlists", "quick_links"],
      hidden: ["progress"],
    };

    await user.click(screen.getByTestId("customize"));
    const panel = screen.getByTestId("customize-panel");
    // quick_links comes back, progress goes away, playlists moves above quick links.
    await user.click(within(panel).getByLabelText("Show Quick links"));
    await user.click(within(panel).getByLabelText("Show Progress"));
    await user.click(within(panel).getByRole("button", { name: "Move Playlists up" }));
    expect(within(panel).getByRole("button", { name: "Move Today up" })).toBeDisabled();
    await user.click(within(panel).getByRole("button", { name: "Save layout" }));

    expect(api.layoutUpdate).toHaveBeenCalledWith(saved);
    await waitFor(() => expect(screen.queryByTestId("customize-panel")).not.toBeInTheDocument());
    expect(cardIds()).toEqual(["card-todo", "card-assignments", "card-focus_areas", "card-playlists", "card-quick_links"]);
  });

  it("cancel leaves the layout untouched", async () => {
    const user = userEvent.setup();
    setup({ order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"], hidden: [] });
    await user.click(screen.getByTestId("customize"));
    await user.click(screen.getByLabelText("Show Today"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(api.layoutUpdate).not.toHaveBeenCalled();
    expect(screen.getByTestId("card-todo")).toBeInTheDocument();
  });

  it("shows a rejected call's message in the alert region", async () => {
    const user = userEvent.setup();
    setup({ order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"], hidden: [] });
    vi.mocked(api.taskAdd).mockRejectedValue({ kind: "validation", message: "description is too long (501 characters; at most 500)" });
    await user.type(screen.getByTestId("todo-input"), "x{Enter}");
    const alert = await screen.findByRole("alert");
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(alert).toHaveAttribute("data-testid", "error-alert");
    expect(alert).toHaveTextContent("Could not save: description is too long (501 characters; at most 500)");
    // What the user typed is kept so they can fix it.
    expect(screen.getByTestId("todo-input")).toHaveValue("x");
    await user.click(within(alert).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows the focus areas, quick links and playlists, and deletes from them", async () => {
    const user = userEvent.setup();
    setup({ order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"], hidden: [] });
    vi.mocked(api.resourceDelete).mockResolvedValue(null);
    const link = screen.getByRole("link", { name: "Linear Algebra (opens in your browser)" });
    expect(link).toHaveAttribute("href", "https://example.org/la");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noreferrer");
    expect(screen.getByText("Deep work")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open “Lo-fi focus” (opens in your browser)" })).toHaveAttribute(
      "href",
      "https://www.youtube.com/embed/x",
    );
    await user.click(screen.getByRole("button", { name: "Delete “Linear Algebra”" }));
    expect(api.resourceDelete).toHaveBeenCalledWith("r-1");
  });

  it("adds a quick link with only the fields given", async () => {
    const user = userEvent.setup();
    setup({ order: ["quick_links"], hidden: [] });
    vi.mocked(api.resourceAdd).mockResolvedValue([]);
    const card = screen.getByTestId("card-quick_links");
    await user.click(within(card).getByRole("button", { name: "New link" }));
    await user.type(within(card).getByLabelText("Label"), "Dictionary");
    await user.type(within(card).getByLabelText("Web address"), "https://jisho.org{Enter}");
    expect(api.resourceAdd).toHaveBeenCalledWith({ label: "Dictionary", url: "https://jisho.org" });
  });

  it("adds a focus area", async () => {
    const user = userEvent.setup();
    setup({ order: ["focus_areas"], hidden: [] });
    vi.mocked(api.focusEntryAdd).mockResolvedValue([]);
    const card = screen.getByTestId("card-focus_areas");
    await user.click(within(card).getByRole("button", { name: "New focus area" }));
    await user.type(within(card).getByLabelText("Focus area"), "Review loop{Enter}");
    expect(api.focusEntryAdd).toHaveBeenCalledWith({ title: "Review loop" });
  });

  it("adds a playlist (its address is required)", async () => {
    const user = userEvent.setup();
    setup({ order: ["playlists"], hidden: [] });
    vi.mocked(api.playlistAdd).mockResolvedValue([]);
    const card = screen.getByTestId("card-playlists");
    await user.click(within(card).getByRole("button", { name: "New playlist" }));
    await user.type(within(card).getByLabelText("Title"), "Rain sounds{Enter}");
    expect(api.playlistAdd).not.toHaveBeenCalled();
    await user.type(within(card).getByLabelText("Address"), "https://open.spotify.com/embed/x{Enter}");
    expect(api.playlistAdd).toHaveBeenCalledWith({ title: "Rain sounds", embed_url: "https://open.spotify.com/embed/x" });
  });

  it("starts a session in one click from a focus area or a quick link", async () => {
    const user = userEvent.setup();
    setup({ order: ["focus_areas", "quick_links"], hidden: [] });
    vi.mocked(api.sessionStart).mockImplementation(async (input) => fx.session({ name: input.name }));
    await user.click(screen.getByRole("button", { name: "Start a session: Deep work" }));
    expect(api.sessionStart).toHaveBeenLastCalledWith({ name: "Deep work", activity_id: null, course_id: null, config: null });
    const start = screen.getByTestId("quick-link-start-r-1");
    // The link itself opens the resource, the same way every quick link does.
    expect(start).toHaveAttribute("href", "https://example.org/la");
    expect(start).toHaveAttribute("target", "_blank");
    expect(start).toHaveAccessibleName("Start a session on Linear Algebra and open it");
    start.addEventListener("click", (e) => e.preventDefault());
    await user.click(start);
    expect(api.sessionStart).toHaveBeenLastCalledWith({ name: "Linear Algebra", activity_id: null, course_id: null, config: null });
  });
});

