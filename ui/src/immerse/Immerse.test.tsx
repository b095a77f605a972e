import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { Workspace } from "../api/bindings/Workspace";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { Immerse } from "./Immerse";

vi.mock("../api/client", () => import("../test/clientMock"));

function setup(boards: Workspace[] = [fx.workspace()]) {
  let list = boards;
  const replace = (ws: Workspace) => {
    list = list.map((w) => (w.id === ws.id ? ws : w));
    return ws;
  };
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.workspaceList).mockImplementation(async () => list);
  vi.mocked(api.widgetAdd).mockImplementation(async (wsId, kind) => {
    const ws = list.find((w) => w.id === wsId)!;
    return replace({ ...ws, widgets: [...ws.widgets, fx.widget(`w-${kind}-new`, kind, { y: 6 })] });
  });
  vi.mocked(api.widgetRemove).mockImplementation(async (id) => {
    const ws = list.find((w) => w.widgets.some((x) => x.id === id))!;
    return replace({ ...ws, widgets: ws.widgets.filter((x) => x.id !== id) });
  });
  vi.mocked(api.widgetLayout).mockImplementation(async (wsId, places) => {
    const ws = list.find((w) => w.id === wsId)!;
    return replace({ ...ws, widgets: ws.widgets.map((x) => ({ ...x, ...places.find((p) => p.id === x.id) })) });
  });
  vi.mocked(api.widgetUpdate).mockImplementation(async (id, title, settings) => {
    const ws = list.find((w) => w.widgets.some((x) => x.id === id))!;
    return replace({ ...ws, widgets: ws.widgets.map((x) => (x.id === id ? { ...x, title, settings } : x)) });
  });
  vi.mocked(api.workspaceSetBackgroundFile).mockImplementation(async (wsId) => {
    const ws = list.find((w) => w.id === wsId)!;
    return replace({
      ...ws,
      background: {
        kind: "image",
        color: "#0f172a",
        attachment: { id: "att-1", file_path: "/data/attachments/ab.png", mime_type: "image/png", size_bytes: 4, original_name: "desk.png", missing: false },
      },
    });
  });
  vi.mocked(api.workspaceAdd).mockImplementation(async (name) => {
    const ws = fx.workspace({ id: "ws-2", name, widgets: [] });
    list = [...list, ws];
    return ws;
  });
  vi.mocked(api.workspaceRename).mockImplementation(async (id, name) => replace({ ...list.find((w) => w.id === id)!, name }));
  vi.mocked(api.workspaceDelete).mockImplementation(async (id) => {
    list = list.filter((w) => w.id !== id);
    return null;
  });
  const onLeave = vi.fn();
  const result = renderWithClient(<Immerse onLeave={onLeave} />, { appState: fx.appState(), home: fx.home() });
  return { ...result, onLeave };
}

describe("immerse mode", () => {
  it("shows the board's widgets and asks the window for full screen", async () => {
    setup();
    expect(await screen.findByTestId("immerse-widget-w-clock")).toBeInTheDocument();
    expect(screen.getByTestId("immerse-widget-w-timer")).toBeInTheDocument();
    expect(screen.getByTestId("immerse-widget-w-todo")).toHaveTextContent("Read chapter 3");
    expect(screen.getByTestId("immerse")).toHaveAccessibleName("Immerse mode");
    expect(api.setFullscreen).toHaveBeenCalledWith(true);
    expect(within(screen.getByTestId("immerse-widget-w-timer")).getByText("No session running.")).toBeInTheDocument();
  });

  it("adds and removes widgets through the core", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("immerse-widget-w-clock");
    await user.click(screen.getByTestId("immerse-add-widget"));
    await user.click(screen.getByTestId("immerse-add-notes"));
    expect(api.widgetAdd).toHaveBeenCalledWith("ws-1", "notes");
    expect(await screen.findByTestId("immerse-widget-w-notes-new")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Remove Clock" }));
    expect(api.widgetRemove).toHaveBeenCalledWith("w-clock");
    await waitFor(() => expect(screen.queryByTestId("immerse-widget-w-clock")).not.toBeInTheDocument());
  });

  it("moves and resizes a widget with the arrow keys and saves the layout", async () => {
    const user = userEvent.setup();
    setup();
    const handle = within(await screen.findByTestId("immerse-widget-w-clock")).getByRole("button", { name: "Move or resize Clock" });
    handle.focus();
    await user.keyboard("{ArrowDown}");
    expect(api.widgetLayout).toHaveBeenLastCalledWith("ws-1", expect.arrayContaining([{ id: "w-clock", x: 0, y: 1, w: 4, h: 2 }]));
    await user.keyboard("{Shift>}{ArrowRight}{/Shift}");
    // Wider: the timer next to it moves below.
    await waitFor(() =>
      expect(api.widgetLayout).toHaveBeenLastCalledWith(
        "ws-1",
        expect.arrayContaining([{ id: "w-clock", x: 0, y: 1, w: 5, h: 2 }, { id: "w-timer", x: 4, y: 3, w: 4, h: 3 }]),
      ),
    );
    expect(screen.getByText("Clock: column 1, row 2, 5 wide, 2 high")).toBeInTheDocument();
  });

  it("leaves with Esc and with the Leave button, and gives the window back", async () => {
    const user = userEvent.setup();
    const { onLeave, unmount } = setup();
    await screen.findByTestId("immerse-widget-w-clock");
    await user.keyboard("{Escape}");
    expect(onLeave).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId("immerse-leave"));
    expect(onLeave).toHaveBeenCalledTimes(2);
    unmount();
    expect(api.setFullscreen).toHaveBeenLastCalledWith(false);
  });

  it("closes its own menu with Esc before leaving", async () => {
    const user = userEvent.setup();
    const { onLeave } = setup();
    await screen.findByTestId("immerse-widget-w-clock");
    await user.click(screen.getByTestId("immerse-add-widget"));
    expect(screen.getByTestId("immerse-add-clock")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("immerse-add-clock")).not.toBeInTheDocument();
    expect(screen.getByTestId("immerse-add-widget")).toHaveFocus();
    expect(onLeave).not.toHaveBeenCalled();
  });

  it("sends a chosen background file and shows it", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("immerse-widget-w-clock");
    const file = new File([new Uint8Array([137, 80, 78, 71])], "desk.png", { type: "image/png" });
    await user.upload(screen.getByTestId("immerse-background-input"), file);
    expect(api.workspaceSetBackgroundFile).toHaveBeenCalledWith("ws-1", file);
    await waitFor(() => expect(screen.getByTestId("immerse-background").querySelector("img")).toBeInTheDocument());
    expect(api.fileSrc).toHaveBeenCalledWith("/data/attachments/ab.png");
  });

  it("falls back to the colour with a note when the background file is missing", async () => {
    setup([
      fx.workspace({
        background: {
          kind: "video",
          color: "#223344",
          attachment: { id: "att-1", file_path: "/data/attachments/cd.mp4", mime_type: "video/mp4", size_bytes: 9, original_name: "rain.mp4", missing: true },
        },
      }),
    ]);
    const note = await screen.findByTestId("immerse-background-missing");
    expect(note).toHaveTextContent("The background file “rain.mp4” is missing, so a plain colour is shown.");
    const bg = screen.getByTestId("immerse-background");
    expect(bg.querySelector("video")).toBeNull();
    expect(bg).toHaveStyle({ backgroundColor: "#223344" });
  });

  it("adds, renames, switches and deletes boards", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("immerse-widget-w-clock");
    expect(screen.getByTestId("immerse-delete")).toBeDisabled();
    await user.click(screen.getByTestId("immerse-new"));
    await user.type(screen.getByLabelText("Board name"), "Exam week{Enter}");
    expect(api.workspaceAdd).toHaveBeenCalledWith("Exam week");
    expect(await screen.findByText("This board is empty. Add a widget to begin.")).toBeInTheDocument();
    expect(screen.getByTestId("immerse-workspace")).toHaveDisplayValue("Exam week");

    await user.click(screen.getByTestId("immerse-rename"));
    const input = screen.getByLabelText("New name for “Exam week”");
    await user.clear(input);
    await user.type(input, "Finals{Enter}");
    expect(api.workspaceRename).toHaveBeenCalledWith("ws-2", "Finals");
    expect(await screen.findByRole("option", { name: "Finals" })).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("immerse-workspace"), "ws-1");
    expect(await screen.findByTestId("immerse-widget-w-clock")).toBeInTheDocument();
    await user.selectOptions(screen.getByTestId("immerse-workspace"), "ws-2");
    await user.click(screen.getByTestId("immerse-delete"));
    await user.click(screen.getByTestId("immerse-delete-confirm"));
    expect(api.workspaceDelete).toHaveBeenCalledWith("ws-2");
    expect(await screen.findByTestId("immerse-widget-w-clock")).toBeInTheDocument();
  });

  it("saves notes after a pause in typing", async () => {
    const user = userEvent.setup();
    setup([fx.workspace({ widgets: [fx.widget("w-notes", "notes", { settings: { text: "" } })] })]);
    const box = await screen.findByTestId("immerse-notes-w-notes");
    await user.type(box, "eigen");
    expect(api.widgetUpdate).not.toHaveBeenCalled();
    await waitFor(() => expect(api.widgetUpdate).toHaveBeenCalledWith("w-notes", null, { text: "eigen" }), { timeout: 2000 });
    expect(api.widgetUpdate).toHaveBeenCalledTimes(1);
    fireEvent.change(box, { target: { value: "eigenvalues" } });
    fireEvent.blur(box);
    await waitFor(() => expect(api.widgetUpdate).toHaveBeenLastCalledWith("w-notes", null, { text: "eigenvalues" }));
  });
});
