import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import { Home } from "../pages/Home";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

/** A tiny fake of the core: reorder and delete change what home_get returns next. */
function setup(initial = fx.home()) {
  let data = initial;
  const withTasks = (tasks: typeof data.today.tasks) => {
    data = { ...data, today: { ...data.today, tasks } };
  };
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  vi.mocked(api.homeGet).mockImplementation(async () => data);
  vi.mocked(api.taskDelete).mockImplementation(async (id) => {
    withTasks(data.today.tasks.filter((x) => x.id !== id));
    return null;
  });
  vi.mocked(api.taskReorder).mockImplementation(async (_list, ids) => {
    withTasks(ids.map((id) => data.today.tasks.find((x) => x.id === id)!));
    return data.today.tasks;
  });
  return renderWithClient(<Home />, { appState: fx.appState(), home: data });
}

const rows = () => screen.getAllByTestId("todo-item");
const row = (id: string) => rows().find((r) => r.dataset.taskId === id)!;

describe("Today card", () => {
  beforeEach(() => {
    vi.mocked(api.taskAdd).mockResolvedValue(fx.task("t-new", "x"));
    vi.mocked(api.taskSetCompleted).mockImplementation(async (id, completed) => fx.task(id, "x", { is_completed: completed }));
    vi.mocked(api.taskRename).mockImplementation(async (id, d) => fx.task(id, d));
  });

  it("shows the tasks in order, the done count and completed tasks struck through", () => {
    setup();
    expect(rows().map((r) => r.dataset.taskId)).toEqual(["t-a", "t-b", "t-c"]);
    expect(screen.getByText("1 of 3 done")).toBeInTheDocument();
    expect(row("t-b")).toHaveAttribute("data-completed", "true");
    expect(row("t-a")).toHaveAttribute("data-completed", "false");
    expect(within(row("t-b")).getByTestId("todo-toggle")).toBeChecked();
    // The completion state is announced, not only drawn.
    expect(within(row("t-b")).getByText("Completed")).toHaveClass("sr-only");
    expect(within(row("t-b")).getByTestId("todo-text")).toHaveTextContent("Problem set 5");
  });

  it("adds a task when Enter is pressed, then clears the input", async () => {
    const user = userEvent.setup();
    setup();
    const input = screen.getByTestId("todo-input");
    await user.type(input, "  Review lecture notes{Enter}");
    await waitFor(() => expect(api.taskAdd).toHaveBeenCalledTimes(1));
    expect(api.taskAdd).toHaveBeenCalledWith({ description: "Review lecture notes" });
    await waitFor(() => expect(input).toHaveValue(""));
    // Home is read again after the change.
    await waitFor(() => expect(api.homeGet).toHaveBeenCalled());
  });

  it("sends the optional due time as an instant in the user's time zone", async () => {
    const user = userEvent.setup();
    setup();
    fireEvent.change(screen.getByLabelText("Due (optional)"), { target: { value: "2026-11-22T18:00" } });
    await user.type(screen.getByTestId("todo-input"), "Submit lab report");
    await user.click(screen.getByTestId("todo-add"));
    await waitFor(() =>
      expect(api.taskAdd).toHaveBeenCalledWith({ description: "Submit lab report", due_at: "2026-11-22T09:00:00.000Z" }),
    );
  });

  it("does not add an empty task", async () => {
    const user = userEvent.setup();
    setup();
    await user.type(screen.getByTestId("todo-input"), "   {Enter}");
    expect(api.taskAdd).not.toHaveBeenCalled();
  });

  it("toggles completion both ways", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(within(row("t-a")).getByTestId("todo-toggle"));
    expect(api.taskSetCompleted).toHaveBeenCalledWith("t-a", true);
    await user.click(within(row("t-b")).getByTestId("todo-toggle"));
    expect(api.taskSetCompleted).toHaveBeenCalledWith("t-b", false);
  });

  it("deletes a task", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(within(row("t-c")).getByTestId("todo-delete"));
    expect(api.taskDelete).toHaveBeenCalledWith("t-c");
    // Optimistically gone at once.
    await waitFor(() => expect(rows().map((r) => r.dataset.taskId)).toEqual(["t-a", "t-b"]));
  });

  it("moves the focused task down with Alt+ArrowDown, sending the whole new order", async () => {
    const user = userEvent.setup();
    setup();
    row("t-a").focus();
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(api.taskReorder).toHaveBeenCalledWith(fx.LIST_ID, ["t-b", "t-a", "t-c"]);
    await waitFor(() => expect(rows().map((r) => r.dataset.taskId)).toEqual(["t-b", "t-a", "t-c"]));
    expect(screen.getByText("Moved “Read chapter 3” to position 2 of 3")).toBeInTheDocument();
  });

  it("moves up with Alt+ArrowUp from a control inside the row, and ignores moves past the ends", async () => {
    const user = userEvent.setup();
    setup();
    within(row("t-a")).getByTestId("todo-toggle").focus();
    await user.keyboard("{Alt>}{ArrowUp}{/Alt}");
    expect(api.taskReorder).not.toHaveBeenCalled();
    within(row("t-c")).getByTestId("todo-delete").focus();
    await user.keyboard("{Alt>}{ArrowUp}{/Alt}");
    expect(api.taskReorder).toHaveBeenCalledWith(fx.LIST_ID, ["t-a", "t-c", "t-b"]);
  });

  it("renames inline on double-click, and with Enter on a focused row", async () => {
    const user = userEvent.setup();
    setup();
    await user.dblClick(within(row("t-a")).getByTestId("todo-text"));
    const field = screen.getByLabelText("New name for “Read chapter 3”");
    await user.clear(field);
    await user.type(field, "Read chapter 4{Enter}");
    expect(api.taskRename).toHaveBeenCalledWith("t-a", "Read chapter 4");

    row("t-c").focus();
    await user.keyboard("{Enter}");
    const field2 = screen.getByLabelText("New name for “Email the lab partner”");
    await user.keyboard("{Escape}");
    expect(field2).not.toBeInTheDocument();
    expect(api.taskRename).toHaveBeenCalledTimes(1);
  });
});
