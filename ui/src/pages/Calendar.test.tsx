import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { CalendarEvent } from "../api/bindings/CalendarEvent";
import i18n from "../i18n";
import { Calendar } from "./Calendar";
import { viewRange } from "../calendar/range";
import { buildRrule, editableRrule, parseRrule } from "../calendar/rrule";
import { startOfWeek } from "../lib/dates";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));
// Many user-event steps per test: leave room on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

// Sunday 22 November 2026, noon in Tokyo.
const NOW = () => new Date("2026-11-22T03:00:00Z");

function item(id: string, title: string, over: Partial<CalendarItem> = {}): CalendarItem {
  return {
    kind: "event",
    id,
    series_id: null,
    recurrence_id: null,
    title,
    notes: null,
    location: null,
    url: null,
    date: "2026-11-24",
    end_date: "2026-11-24",
    all_day: false,
    starts_at: "2026-11-24T06:00:00Z",
    ends_at: "2026-11-24T07:30:00Z",
    course_id: null,
    course_name: null,
    colour: null,
    subscription_id: null,
    recurring: false,
    order_index: 0,
    status: null,
    ...over,
  };
}

function event(id: string, title: string, over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    title,
    notes: null,
    event_date: "2026-11-23",
    end_date: "2026-11-23",
    all_day: false,
    starts_at: "2026-11-23T06:00:00Z",
    ends_at: "2026-11-23T07:30:00Z",
    timezone: "Asia/Tokyo",
    rrule: null,
    exdates: [],
    rdates: [],
    location: null,
    url: null,
    series_id: null,
    recurrence_id: null,
    uid: null,
    course_id: null,
    source: "quick",
    subscription_id: null,
    order_index: 0,
    sequence: 0,
    reminders: [],
    created_at: "2026-11-22T03:00:00Z",
    updated_at: "2026-11-22T03:00:00Z",
    ...over,
  };
}

const ITEMS: CalendarItem[] = [
  item("e1", "Linear algebra lecture", { course_id: "c1", course_name: "Linear algebra", colour: "#3451c6" }),
  item("a1", "Essay draft", { kind: "assignment", date: "2026-11-27", end_date: "2026-11-27", all_day: true, starts_at: null, ends_at: null, status: "Not started" }),
  item("s1", "Kanji drill", {
    series_id: "s1",
    recurrence_id: "2026-11-25T00:00:00Z",
    recurring: true,
    date: "2026-11-25",
    end_date: "2026-11-25",
    starts_at: "2026-11-25T00:00:00Z",
    ends_at: "2026-11-25T00:30:00Z",
  }),
];

function setup(items: CalendarItem[] = ITEMS, initialView: "month" | "week" | "day" = "month") {
  let current = items;
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.calendarRange).mockImplementation(async (from, to) => ({
    from,
    to,
    timezone: "Asia/Tokyo",
    items: current.filter((i) => i.end_date >= from && i.date <= to),
  }));
  // The agenda: one page of everything in the range.
  vi.mocked(api.calendarAgenda).mockImplementation(async (from, to) => ({
    from,
    to,
    timezone: "Asia/Tokyo",
    items: current.filter((i) => i.end_date >= from && i.date <= to),
    next: null,
  }));
  const add = (i: CalendarItem) => {
    current = [...current, i];
  };
  const view = renderWithClient(<Calendar now={NOW} initialView={initialView} />);
  return { ...view, add };
}

afterEach(async () => {
  vi.clearAllMocks();
  await act(() => i18n.changeLanguage("en"));
});

describe("dates and RRULE", () => {
  it("starts weeks on Monday and builds a month grid of six weeks", () => {
    expect(startOfWeek("2026-11-22")).toBe("2026-11-16");
    expect(viewRange("month", "2026-11-22")).toEqual({ from: "2026-10-26", to: "2026-12-06" });
  });

  it("round-trips the repeat choice", () => {
    const r = { freq: "weekly" as const, interval: 2, weekdays: ["WE", "MO"], end: "until" as const, count: 3, until: "2027-01-31" };
    expect(buildRrule(r)).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131");
    expect(parseRrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131")).toMatchObject({ freq: "weekly", interval: 2, weekdays: ["MO", "WE"], end: "until", until: "2027-01-31" });
    expect(buildRrule({ ...r, freq: "none" })).toBeNull();
  });
});

describe("calendar views", () => {
  it("puts events and due dates in their month cells, coloured by course", async () => {
    setup();
    const cell = await screen.findByTestId("cal-day-2026-11-24");
    expect(screen.getByTestId("calendar")).toHaveAttribute("data-view", "month");
    const ev = within(cell).getByTestId("cal-event-e1");
    expect(ev).toHaveTextContent("3:00 PM");
    expect(ev).toHaveTextContent("Linear algebra lecture");
    expect(ev.style.getPropertyValue("--cal-colour")).toBe("#3451c6");
    expect(cell).toHaveAttribute("aria-label", "Tuesday, November 24, 2026, 1 item");
    expect(within(screen.getByTestId("cal-day-2026-11-27")).getByTestId("cal-assignment-a1")).toHaveTextContent("Due");
    expect(within(screen.getByTestId("cal-day-2026-11-25")).getByTestId("cal-event-s1")).toHaveAttribute("data-occurrence-start", "2026-11-25T00:00:00Z");
    expect(screen.getByTestId("cal-heading")).toHaveTextContent("November 2026");
    expect(screen.getByTestId("cal-day-2026-11-22")).toHaveAttribute("aria-current", "date");
  });

  it("switches to week, day and agenda views and pages with prev/next/today", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("cal-day-2026-11-24");
    await user.click(screen.getByTestId("cal-view-week"));
    expect(screen.getByTestId("calendar")).toHaveAttribute("data-view", "week");
    await waitFor(() => expect(api.calendarRange).toHaveBeenLastCalledWith("2026-11-16", "2026-11-22"));
    await user.click(screen.getByTestId("cal-next"));
    await waitFor(() => expect(api.calendarRange).toHaveBeenLastCalledWith("2026-11-23", "2026-11-29"));
    const col = await screen.findByTestId("cal-day-2026-11-24");
    const slot = col.querySelector('[data-hour="15"]') as HTMLElement;
    expect(within(slot).getByTestId("cal-event-e1")).toBeInTheDocument();
    await user.click(screen.getByTestId("cal-view-day"));
    await waitFor(() => expect(api.calendarRange).toHaveBeenLastCalledWith("2026-11-29", "2026-11-29"));
    await user.click(screen.getByTestId("cal-today"));
    await user.click(screen.getByTestId("cal-view-agenda"));
    expect(await screen.findByTestId("cal-agenda-item-e1")).toHaveTextContent("Linear algebra lecture");
    expect(screen.getByTestId("cal-agenda-item-a1")).toBeInTheDocument();
  });
});

describe("bounded ranges (issue 18)", () => {
  it("reads the agenda a page at a time with Show more", async () => {
    const user = userEvent.setup();
    setup();
    const first = [item("p1", "Page one", { date: "2026-11-23", end_date: "2026-11-23" })];
    const second = [item("p2", "Page two", { date: "2026-11-30", end_date: "2026-11-30" })];
    vi.mocked(api.calendarAgenda).mockImplementation(async (from, to, cursor) =>
      cursor === null
        ? { from, to, timezone: "Asia/Tokyo", items: first, next: "2026-11-30/0" }
        : { from, to, timezone: "Asia/Tokyo", items: second, next: null },
    );
    await screen.findByTestId("cal-day-2026-11-24");
    await user.click(screen.getByTestId("cal-view-agenda"));
    expect(await screen.findByTestId("cal-agenda-item-p1")).toHaveTextContent("Page one");
    expect(screen.queryByTestId("cal-agenda-item-p2")).toBeNull();
    expect(api.calendarAgenda).toHaveBeenLastCalledWith("2026-11-22", "2026-12-21", null, 200);
    await user.click(screen.getByRole("button", { name: "Show more" }));
    expect(await screen.findByTestId("cal-agenda-item-p2")).toHaveTextContent("Page two");
    expect(api.calendarAgenda).toHaveBeenLastCalledWith("2026-11-22", "2026-12-21", "2026-11-30/0", 200);
    expect(screen.getByTestId("cal-agenda-item-p1")).toBeInTheDocument();
    expect(screen.queryByTestId("cal-agenda-more")).toBeNull();
  });

  it("says what to do when a range holds more than one view draws, in English and Japanese", async () => {
    const refusal = {
      kind: "validation" as const,
      message: "more than 2000 recurring series in one request: choose a shorter range (a week or a day), or delete the imported events you do not need",
      params: { rule: "too_many" as const, field: "recurring series", max: 2000 },
    };
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    vi.mocked(api.calendarRange).mockRejectedValue(refusal);
    renderWithClient(<Calendar now={NOW} initialView="month" />);
    expect(await screen.findByText(/more than 2000 recurring series, more than one view shows at once\. Choose a shorter range/)).toBeInTheDocument();
    await act(() => i18n.changeLanguage("ja"));
    expect(await screen.findByText(/繰り返しの予定が上限（2000）を超えるため/)).toBeInTheDocument();
  });
});

describe("quick add", () => {
  it("sends the typed line and shows the new event", async () => {
    const user = userEvent.setup();
    const { add } = setup([]);
    vi.mocked(api.eventQuickAdd).mockImplementation(async () => {
      add(item("q1", "Linear algebra study group", { date: "2026-11-23", end_date: "2026-11-23", starts_at: "2026-11-23T06:00:00Z" }));
      return event("q1", "Linear algebra study group");
    });
    await screen.findByTestId("cal-day-2026-11-23");
    await user.type(screen.getByTestId("cal-quick-input"), "Linear algebra study group tomorrow 15:00-16:30{Enter}");
    expect(api.eventQuickAdd).toHaveBeenCalledWith("Linear algebra study group tomorrow 15:00-16:30");
    const cell = screen.getByTestId("cal-day-2026-11-23");
    expect(await within(cell).findByTestId("cal-event-q1")).toBeInTheDocument();
    expect(screen.getByTestId("cal-quick-input")).toHaveValue("");
  });

  it("keeps the line and says why when it cannot be added", async () => {
    const user = userEvent.setup();
    setup([]);
    vi.mocked(api.eventQuickAdd).mockRejectedValue({ kind: "validation", message: "no date or time found in the text" });
    await screen.findByTestId("cal-day-2026-11-23");
    const input = screen.getByTestId("cal-quick-input");
    await user.type(input, "Study group{Enter}");
    expect(await screen.findByTestId("cal-quick-error")).toHaveTextContent("Could not add: no date or time found in the text");
    expect(input).toHaveValue("Study group");
    expect(input).toHaveAttribute("aria-invalid", "true");
    await user.type(input, " tomorrow");
    expect(screen.queryByTestId("cal-quick-error")).not.toBeInTheDocument();
  });
});

describe("keyboard", () => {
  it("moves the selected day with arrows, t goes to today, n opens a new event, Enter opens the day", async () => {
    const user = userEvent.setup();
    setup();
    const start = await screen.findByTestId("cal-day-2026-11-22");
    expect(start).toHaveAttribute("tabindex", "0");
    act(() => start.focus());
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("cal-day-2026-11-23")).toHaveFocus();
    expect(screen.getByTestId("cal-day-2026-11-23")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("cal-day-2026-11-30")).toHaveFocus();
    await user.keyboard("{ArrowUp}{ArrowRight}");
    expect(screen.getByTestId("cal-day-2026-11-24")).toHaveFocus();
    await user.keyboard("{Enter}");
    const editor = await screen.findByTestId("cal-editor");
    expect(within(editor).getByTestId("cal-editor-title")).toHaveValue("Linear algebra lecture");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("cal-editor")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("cal-day-2026-11-24")).toHaveFocus());
    await user.keyboard("t");
    expect(screen.getByTestId("cal-day-2026-11-22")).toHaveFocus();
    await user.keyboard("n");
    const fresh = await screen.findByTestId("cal-editor");
    expect(within(fresh).getByTestId("cal-editor-title")).toHaveFocus();
    expect(within(fresh).getByTestId("cal-editor-date")).toHaveValue("2026-11-22");
  });
});

describe("keyboard move and resize", () => {
  it("moves an event a day with Alt+arrows and its end with Alt+Shift+Down", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.eventMove).mockResolvedValue(event("e1", "Linear algebra lecture"));
    vi.mocked(api.eventUpdate).mockResolvedValue(event("e1", "Linear algebra lecture"));
    const chip = await screen.findByTestId("cal-event-e1");
    act(() => chip.focus());
    await user.keyboard("{Alt>}{ArrowRight}{/Alt}");
    await waitFor(() => expect(api.eventMove).toHaveBeenCalledWith({ id: "e1", scope: "all", date: "2026-11-25" }));
    await user.keyboard("{Alt>}{Shift>}{ArrowDown}{/Shift}{/Alt}");
    await waitFor(() => expect(api.eventUpdate).toHaveBeenCalledWith({ id: "e1", scope: "all", patch: { end: "2026-11-24T16:45" } }));
  });

  it("keeps the focus in the grid when the arrows cross into another month", async () => {
    const user = userEvent.setup();
    setup();
    const last = await screen.findByTestId("cal-day-2026-11-30");
    await user.click(last);
    act(() => last.focus());
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("cal-heading")).toHaveTextContent("December 2026");
    await waitFor(() => expect(screen.getByTestId("cal-day-2026-12-01")).toHaveFocus());
    await waitFor(() => expect(api.calendarRange).toHaveBeenLastCalledWith("2026-11-30", "2027-01-10"));
  });
});

describe("mouse resize", () => {
  it("drags the bottom edge of a timed event: the end moves in 15-minute steps", async () => {
    setup(ITEMS, "day");
    vi.mocked(api.eventUpdate).mockResolvedValue(event("e1", "Linear algebra lecture"));
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("cal-next"));
    await user.click(screen.getByTestId("cal-next"));
    const handle = await screen.findByTestId("cal-resize-e1");
    expect(handle).toHaveAttribute("role", "separator");
    expect(handle.getAttribute("title")).toContain("Alt+Shift+Up or Down");
    // One hour row is 44px: 36px is 49 minutes, which snaps to 45.
    fireEvent.pointerDown(handle, { clientY: 100, button: 0 });
    fireEvent.pointerMove(window, { clientY: 136 });
    expect(handle).toHaveTextContent("+45 min");
    fireEvent.pointerUp(window, { clientY: 136 });
    await waitFor(() => expect(api.eventUpdate).toHaveBeenCalledWith({ id: "e1", scope: "all", patch: { end: "2026-11-24T17:15" } }));
    expect(api.eventMove).not.toHaveBeenCalled();

    // Upwards shortens it; a recurring occurrence changes only itself.
    fireEvent.pointerDown(handle, { clientY: 200, button: 0 });
    fireEvent.pointerUp(window, { clientY: 178 });
    await waitFor(() => expect(api.eventUpdate).toHaveBeenLastCalledWith({ id: "e1", scope: "all", patch: { end: "2026-11-24T16:00" } }));
    // A tiny wobble is no change.
    fireEvent.pointerDown(handle, { clientY: 200, button: 0 });
    fireEvent.pointerUp(window, { clientY: 203 });
    expect(api.eventUpdate).toHaveBeenCalledTimes(2);
  });
});

describe("deleting", () => {
  it("asks before deleting a single event; Cancel keeps it", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.eventDelete).mockResolvedValue(null);
    await user.click(await screen.findByTestId("cal-event-e1"));
    const editor = await screen.findByTestId("cal-editor");
    await user.click(within(editor).getByTestId("cal-editor-delete"));
    const confirm = await screen.findByTestId("cal-delete-confirm");
    expect(confirm).toHaveAttribute("role", "alertdialog");
    expect(confirm).toHaveTextContent("“Linear algebra lecture” will be removed from your calendar.");
    expect(within(confirm).queryByRole("radio")).not.toBeInTheDocument();
    expect(within(confirm).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("cal-delete-confirm")).not.toBeInTheDocument();
    expect(api.eventDelete).not.toHaveBeenCalled();
    await user.click(within(editor).getByTestId("cal-editor-delete"));
    await user.click(await screen.findByTestId("cal-delete-confirm-confirm"));
    await waitFor(() => expect(api.eventDelete).toHaveBeenCalledWith("e1", null, "all"));
    await waitFor(() => expect(screen.queryByTestId("cal-editor")).not.toBeInTheDocument());
  });
});

describe("course colours", () => {
  it("picks a colour per course, or none", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.courseSetColour).mockImplementation(async (id, colour) => ({ ...fx.home().courses[0]!, id, colour }));
    await user.click(await screen.findByTestId("cal-courses"));
    const dialog = await screen.findByTestId("cal-courses-dialog");
    const none = await within(dialog).findByTestId("course-colour-none-c-1");
    expect(within(dialog).getByRole("group", { name: "📐 Linear Algebra" })).toContainElement(none);
    expect(none).toHaveAttribute("aria-pressed", "true");
    const teal = within(dialog).getByRole("button", { name: "Teal" });
    await user.click(teal);
    await waitFor(() => expect(api.courseSetColour).toHaveBeenCalledWith("c-1", "#0b7a6f"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("cal-courses-dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("cal-courses")).toHaveFocus();
  });
});

describe("editor", () => {
  it("builds the RRULE of a new repeating event", async () => {
    const user = userEvent.setup();
    setup([]);
    vi.mocked(api.eventAdd).mockResolvedValue(event("n1", "Seminar"));
    await screen.findByTestId("cal-day-2026-11-22");
    await user.click(screen.getByTestId("cal-new"));
    const editor = await screen.findByTestId("cal-editor");
    await user.type(within(editor).getByTestId("cal-editor-title"), "Seminar");
    await user.selectOptions(within(editor).getByTestId("cal-editor-freq"), "weekly");
    const interval = within(editor).getByTestId("cal-editor-interval");
    await user.clear(interval);
    await user.type(interval, "2");
    await user.click(within(editor).getByTestId("cal-editor-day-MO"));
    await user.click(within(editor).getByTestId("cal-editor-day-WE"));
    await user.click(within(editor).getByTestId("cal-editor-end-count"));
    const count = within(editor).getByTestId("cal-editor-count");
    await user.clear(count);
    await user.type(count, "5");
    await user.click(within(editor).getByTestId("cal-editor-save"));
    await waitFor(() => expect(api.eventAdd).toHaveBeenCalled());
    expect(vi.mocked(api.eventAdd).mock.calls[0]![0]).toEqual({
      title: "Seminar",
      start: "2026-11-22T09:00",
      end: "2026-11-22T10:00",
      all_day: false,
      reminders: [],
      source: "modal",
      rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5",
    });
    await waitFor(() => expect(screen.queryByTestId("cal-editor")).not.toBeInTheDocument());
  });

  it("asks which occurrences an edit or delete of a series touches", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.eventGet).mockResolvedValue(event("s1", "Kanji drill", { rrule: "FREQ=DAILY" }));
    vi.mocked(api.eventUpdate).mockResolvedValue(event("s1", "Kanji review"));
    vi.mocked(api.eventDelete).mockResolvedValue(null);
    await user.click(await screen.findByTestId("cal-event-s1"));
    let editor = await screen.findByTestId("cal-editor");
    expect(within(editor).getByTestId("cal-editor-freq")).toHaveValue("daily");
    await user.click(within(editor).getByTestId("cal-editor-scope-following"));
    const title = within(editor).getByTestId("cal-editor-title");
    await user.clear(title);
    await user.type(title, "Kanji review");
    await user.click(within(editor).getByTestId("cal-editor-save"));
    await waitFor(() => expect(api.eventUpdate).toHaveBeenCalled());
    const sent = vi.mocked(api.eventUpdate).mock.calls[0]![0];
    expect(sent).toMatchObject({ id: "s1", occurrence: "2026-11-25T00:00:00Z", scope: "following", patch: { title: "Kanji review", start: "2026-11-25T09:00" } });
    expect(sent.patch).not.toHaveProperty("rrule");

    await waitFor(() => expect(screen.queryByTestId("cal-editor")).not.toBeInTheDocument());
    await user.click(screen.getByTestId("cal-event-s1"));
    editor = await screen.findByTestId("cal-editor");
    await user.click(within(editor).getByTestId("cal-editor-scope-all"));
    await user.click(within(editor).getByTestId("cal-editor-delete"));
    // Deleting asks first, with the scope chosen in the editor preselected.
    const confirm = await screen.findByTestId("cal-delete-confirm");
    expect(api.eventDelete).not.toHaveBeenCalled();
    expect(within(confirm).getByTestId("cal-delete-scope-all")).toBeChecked();
    await user.click(within(confirm).getByTestId("cal-delete-scope-following"));
    await user.click(within(confirm).getByTestId("cal-delete-confirm-confirm"));
    await waitFor(() => expect(api.eventDelete).toHaveBeenCalledWith("s1", "2026-11-25T00:00:00Z", "following"));
  });
});

describe("a rule the editor cannot show", () => {
  it("shows several imported rules read-only, keeps them, and still edits the rest", async () => {
    const user = userEvent.setup();
    setup();
    const rules = "FREQ=WEEKLY;COUNT=4\nFREQ=MONTHLY;COUNT=3;BYMONTHDAY=10,17";
    vi.mocked(api.eventGet).mockResolvedValue(event("s1", "Kanji drill", { rrule: rules }));
    vi.mocked(api.eventUpdate).mockResolvedValue(event("s1", "Kanji review"));
    await user.click(await screen.findByTestId("cal-event-s1"));
    const editor = await screen.findByTestId("cal-editor");
    // The two rules in words; as stored only behind "The rule as stored".
    expect(within(editor).getByTestId("cal-editor-rule")).toHaveTextContent(/^Every week, 4 times; and every month on the 10th and the 17th, 3 times/);
    const raw = within(editor).getByTestId("cal-editor-rule-raw");
    expect(raw).not.toBeVisible();
    await user.click(within(editor).getByText("The rule as stored"));
    expect(raw).toBeVisible();
    expect(raw.textContent).toBe(rules);
    expect(within(editor).queryByTestId("cal-editor-freq")).not.toBeInTheDocument();
    await user.click(within(editor).getByTestId("cal-editor-scope-all"));
    const title = within(editor).getByTestId("cal-editor-title");
    await user.clear(title);
    await user.type(title, "Kanji review");
    await user.click(within(editor).getByTestId("cal-editor-save"));
    await waitFor(() => expect(api.eventUpdate).toHaveBeenCalled());
    const sent = vi.mocked(api.eventUpdate).mock.calls[0]![0];
    expect(sent).toMatchObject({ id: "s1", scope: "all", patch: { title: "Kanji review" } });
    expect(sent.patch).not.toHaveProperty("rrule");
  });

  it("says an imported rule in Japanese, and shows a rule it cannot say as stored", async () => {
    const user = userEvent.setup();
    await act(() => i18n.changeLanguage("ja"));
    setup();
    const rules = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20270331T145959Z\nFREQ=YEARLY;BYWEEKNO=20;BYDAY=MO";
    vi.mocked(api.eventGet).mockResolvedValue(event("s1", "Kanji drill", { rrule: rules }));
    await user.click(await screen.findByTestId("cal-event-s1"));
    const editor = await screen.findByTestId("cal-editor");
    // 14:59:59 UTC on 31 March is 23:59:59 in Tokyo, the user's zone.
    expect(within(editor).getByText("毎月 最後の平日、2027/03/31まで")).toBeInTheDocument();
    expect(within(editor).getByText("次のルールでも繰り返します（ここでは文章にできません）:")).toBeInTheDocument();
    expect(within(editor).getByTestId("cal-editor-rule-unsaid").textContent).toBe("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO");
  });

  it("opens a subscribed occurrence read-only with its series' rule, reading each event once", async () => {
    const user = userEvent.setup();
    const lecture = item("o1", "Linear algebra", { ...ITEMS[2], id: "o1", series_id: "m1", subscription_id: "sub1", title: "Linear algebra" });
    setup([lecture]);
    vi.mocked(api.eventGet).mockImplementation(async (id) =>
      id === "m1" ? event("m1", "Linear algebra", { rrule: "FREQ=WEEKLY;BYDAY=WE", subscription_id: "sub1" }) : event(id, "Linear algebra", { subscription_id: "sub1" }),
    );
    await user.click(await screen.findByTestId("cal-event-o1"));
    const rule = await screen.findByTestId("cal-subscribed-rule");
    expect(rule).toHaveTextContent(/^Every week on Wednesday/);
    expect(screen.queryByTestId("cal-editor-title")).toBeNull();
    expect(vi.mocked(api.eventGet).mock.calls.map(([id]) => id)).toEqual(["o1", "m1"]);
  });

  it("shows a rule it cannot say at all as stored, with no sentence", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.eventGet).mockResolvedValue(event("s1", "Kanji drill", { rrule: "FREQ=DAILY;BYHOUR=9,17" }));
    await user.click(await screen.findByTestId("cal-event-s1"));
    const rule = within(await screen.findByTestId("cal-editor")).getByTestId("cal-editor-rule");
    expect(within(rule).getByTestId("cal-editor-rule-unsaid")).toHaveTextContent("FREQ=DAILY;BYHOUR=9,17");
    expect(within(rule).queryByTestId("cal-editor-rule-raw")).toBeNull();
    expect(rule.textContent).toBe("FREQ=DAILY;BYHOUR=9,17");
  });

  it("tells the rules it can show from those it keeps as they are", () => {
    expect(editableRrule(null)).toBe(true);
    expect(editableRrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5")).toBe(true);
    expect(editableRrule("FREQ=WEEKLY;UNTIL=20261206T235959Z;BYDAY=MO")).toBe(true);
    expect(editableRrule("FREQ=WEEKLY\nFREQ=MONTHLY")).toBe(false);
    expect(editableRrule("FREQ=MONTHLY;BYDAY=2MO")).toBe(false);
    expect(editableRrule("FREQ=MONTHLY;BYMONTHDAY=10")).toBe(false);
  });
});

describe("location and link", () => {
  it("shows an event's location and link, sends the edited location, and links only http, https and mailto", async () => {
    const user = userEvent.setup();
    setup([item("e1", "Lecture", { location: "Hall B", url: "https://example.org/linear-algebra" })]);
    vi.mocked(api.eventGet).mockResolvedValue(event("e1", "Lecture", { location: "Hall B", url: "https://example.org/linear-algebra" }));
    vi.mocked(api.eventUpdate).mockResolvedValue(event("e1", "Lecture", { location: "Room 101" }));
    await user.click(await screen.findByTestId("cal-event-e1"));
    const editor = await screen.findByTestId("cal-editor");
    const location = within(editor).getByTestId("cal-editor-location");
    expect(location).toHaveValue("Hall B");
    expect(within(editor).getByTestId("cal-editor-link")).toHaveAttribute("href", "https://example.org/linear-algebra");

    // A scheme the calendar does not open is not a link, and is not saved as typed.
    const url = within(editor).getByTestId("cal-editor-url");
    await user.clear(url);
    await user.type(url, "javascript:alert(1)");
    expect(within(editor).queryByTestId("cal-editor-link")).not.toBeInTheDocument();
    await user.click(within(editor).getByTestId("cal-editor-save"));
    expect(await within(editor).findByRole("alert")).toHaveTextContent("A link starts with https://, http:// or mailto:.");
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url).toHaveAccessibleDescription("A link starts with https://, http:// or mailto:.");
    expect(api.eventUpdate).not.toHaveBeenCalled();

    await user.clear(url);
    expect(within(editor).queryByRole("alert")).not.toBeInTheDocument();
    await user.type(url, "mailto:ta@example.org");
    expect(within(editor).getByTestId("cal-editor-link")).toHaveAttribute("href", "mailto:ta@example.org");
    await user.clear(location);
    await user.type(location, "Room 101");
    await user.click(within(editor).getByTestId("cal-editor-save"));
    await waitFor(() => expect(api.eventUpdate).toHaveBeenCalled());
    expect(vi.mocked(api.eventUpdate).mock.calls[0]![0].patch).toMatchObject({ location: "Room 101", url: "mailto:ta@example.org" });
  });

  it("labels the fields in Japanese", async () => {
    const user = userEvent.setup();
    await act(() => i18n.changeLanguage("ja"));
    setup([]);
    await screen.findByTestId("cal-day-2026-11-22");
    await user.click(screen.getByTestId("cal-new"));
    const editor = await screen.findByTestId("cal-editor");
    expect(within(editor).getByLabelText("場所")).toBe(within(editor).getByTestId("cal-editor-location"));
    expect(within(editor).getByLabelText("リンク")).toBe(within(editor).getByTestId("cal-editor-url"));
  });
});

describe("ICS import", () => {
  it("shows what was created, updated and skipped, with line numbers", async () => {
    setup([]);
    vi.mocked(api.icsImport).mockResolvedValue({ created: 3, updated: 1, unchanged: 0, skipped: [{ line: 42, reason: "VTODO is not an event" }] });
    const input = await screen.findByTestId("cal-ics-input");
    const file = new File(["BEGIN:VCALENDAR"], "term.ics", { type: "text/calendar" });
    fireEvent.change(input, { target: { files: [file] } });
    const report = await screen.findByTestId("cal-ics-report");
    expect(api.icsImport).toHaveBeenCalledWith(file);
    expect(report).toHaveTextContent("Imported: 3 created, 1 updated, 0 unchanged.");
    expect(report).toHaveTextContent("Line 42: VTODO is not an event");
  });

  it("shows the line-numbered error of a broken file", async () => {
    setup([]);
    vi.mocked(api.icsImport).mockRejectedValue({ kind: "validation", message: "line 7: END:VEVENT is missing" });
    const input = await screen.findByTestId("cal-ics-input");
    fireEvent.change(input, { target: { files: [new File(["x"], "bad.ics")] } });
    expect(await screen.findByTestId("cal-ics-error")).toHaveTextContent("line 7: END:VEVENT is missing");
  });
});

describe("ICS export", () => {
  it("downloads the whole calendar or the range on screen", async () => {
    const user = userEvent.setup();
    setup([]);
    vi.mocked(api.icsExport).mockResolvedValue("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    const create = vi.fn(() => "blob:studydesk");
    const revoke = vi.fn();
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    await user.click(await screen.findByTestId("cal-ics-export"));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(api.icsExport).toHaveBeenLastCalledWith(null, null);
    expect((click.mock.instances[0] as unknown as HTMLAnchorElement).download).toBe("studydesk.ics");
    await user.click(screen.getByTestId("cal-ics-export-range"));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(2));
    expect(api.icsExport).toHaveBeenLastCalledWith("2026-10-26", "2026-12-06");
    click.mockRestore();
  });
});

describe("Japanese", () => {
  it("uses YYYY/MM/DD, 24-hour times and a Monday-first week", async () => {
    await act(() => i18n.changeLanguage("ja"));
    setup();
    const cell = await screen.findByTestId("cal-day-2026-11-24");
    expect(cell).toHaveAttribute("aria-label", "2026/11/24(火)、1件");
    expect(within(cell).getByTestId("cal-event-e1")).toHaveTextContent("15:00");
    expect(screen.getByTestId("cal-heading")).toHaveTextContent("2026年11月");
    expect(screen.getAllByRole("columnheader")[0]).toHaveTextContent("月");
  });
});
