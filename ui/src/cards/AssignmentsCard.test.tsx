import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import i18n from "../i18n";
import { AssignmentsCard } from "./AssignmentsCard";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

const buckets = {
  overdue: [fx.assignment("a-late", "Essay draft", { due_at: "2026-11-20T09:00:00.000Z", course_id: "c-1", status: "In progress" })],
  this_week: [fx.assignment("a-week", "Problem set 6", { due_at: "2026-11-22T09:00:00.000Z", course_id: "c-1", notes: "odd numbers" })],
  this_month: [fx.assignment("a-month", "Lab report", { due_at: "2026-11-28T14:30:00.000Z" })],
  later: [fx.assignment("a-later", "Term paper", { timeframe: "later" })],
};

function setup(b = buckets) {
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  return renderWithClient(<AssignmentsCard buckets={b} courses={fx.home().courses} />, { appState: fx.appState() });
}

describe("Assignments card", () => {
  beforeEach(() => {
    vi.mocked(api.assignmentUpdate).mockImplementation(async (id, input) => fx.assignment(id, input.title));
    vi.mocked(api.assignmentAdd).mockImplementation(async (input) => fx.assignment("a-new", input.title));
    vi.mocked(api.assignmentDelete).mockResolvedValue(null);
  });

  it("puts each assignment in its section", () => {
    setup();
    expect(within(screen.getByTestId("assignments-overdue")).getByText("Essay draft")).toBeInTheDocument();
    expect(within(screen.getByTestId("assignments-this_week")).getByText("Problem set 6")).toBeInTheDocument();
    expect(within(screen.getByTestId("assignments-this_month")).getByText("Lab report")).toBeInTheDocument();
    expect(within(screen.getByTestId("assignments-later")).getByText("Term paper")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /Overdue/ })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /Due this week/ })).toBeInTheDocument();
  });

  it("leaves Overdue out when nothing is late", () => {
    setup({ ...buckets, overdue: [] });
    expect(screen.queryByTestId("assignments-overdue")).not.toBeInTheDocument();
    expect(screen.getByTestId("assignments-this_week")).toBeInTheDocument();
  });

  it("shows course, status and the due date in the user's zone", () => {
    setup();
    const item = within(screen.getByTestId("assignments-overdue")).getByTestId("assignment-item");
    expect(item).toHaveTextContent(/📐\s*Linear Algebra/);
    expect(item).toHaveTextContent("In progress");
    // 09:00 UTC is 18:00 in Tokyo.
    expect(item).toHaveTextContent(/Due Fri, Nov 20, 2026, 6:00\sPM/);
    expect(within(screen.getByTestId("assignments-later")).getByText("No due date")).toBeInTheDocument();
    expect(within(screen.getByTestId("assignments-this_month")).getByText("No course")).toBeInTheDocument();
  });

  it("formats dates the Japanese way (YYYY/MM/DD, 24-hour)", async () => {
    await i18n.changeLanguage("ja");
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    renderWithClient(<AssignmentsCard buckets={buckets} courses={fx.home().courses} />, {
      appState: fx.appState({}, { preferred_locale: "ja" }),
    });
    expect(screen.getByText("期限 2026/11/28 23:30")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /今週が期限/ })).toBeInTheDocument();
    expect(screen.getByText("進行中")).toBeInTheDocument();
  });

  it("marks an assignment done, keeping its other fields", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(screen.getByRole("button", { name: "Mark “Problem set 6” done" }));
    expect(api.assignmentUpdate).toHaveBeenCalledWith("a-week", {
      title: "Problem set 6",
      course_id: "c-1",
      due_at: "2026-11-22T09:00:00.000Z",
      notes: "odd numbers",
      status: "Done",
    });
  });

  it("deletes an assignment", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(screen.getByRole("button", { name: "Delete “Term paper”" }));
    expect(api.assignmentDelete).toHaveBeenCalledWith("a-later");
  });

  it("adds an assignment with course, due time and status", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(screen.getByRole("button", { name: "New assignment" }));
    const form = screen.getByTestId("assignment-form");
    await user.type(within(form).getByLabelText("Assignment title"), "Reading response");
    await user.selectOptions(within(form).getByLabelText("Course"), "c-1");
    fireEvent.change(within(form).getByLabelText("Due"), { target: { value: "2026-12-01T09:30" } });
    await user.selectOptions(within(form).getByLabelText("Status"), "In progress");
    await user.click(within(form).getByRole("button", { name: "Add assignment" }));
    expect(api.assignmentAdd).toHaveBeenCalledWith({
      title: "Reading response",
      course_id: "c-1",
      status: "In progress",
      due_at: "2026-12-01T00:30:00.000Z",
    });
  });
});
