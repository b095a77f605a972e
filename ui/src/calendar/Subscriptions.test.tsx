import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { CalendarSubscription } from "../api/bindings/CalendarSubscription";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { SubscribedEvent } from "./SubscribedEvent";
import { Subscriptions } from "./Subscriptions";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);
// Typing a URL is many user-event steps: leave room on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

const stamp = "2026-11-22T01:00:00.000Z";
function sub(id: string, name: string, over: Partial<CalendarSubscription> = {}): CalendarSubscription {
  return {
    id,
    user_id: "u1",
    name,
    url: `https://uni.example/${id}.ics`,
    colour: "#23763a",
    refresh_minutes: 360,
    enabled: true,
    etag: null,
    last_modified: null,
    last_attempt_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    last_success_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    last_error: null,
    failures: 0,
    next_fetch_at: "2026-11-22T07:00:00.000Z",
    events: 12,
    created_at: stamp,
    updated_at: stamp,
    ...over,
  };
}

const timetable = sub("a1", "Timetable");
const broken = sub("b2", "Club calendar", {
  last_error: "uni.example answered 500 Internal Server Error",
  failures: 2,
  next_fetch_at: "2026-11-22T01:10:00.000Z",
});

describe("Subscriptions", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.calendarSubscriptions.mockResolvedValue([timetable, broken]);
  });

  it("lists each subscription with its state, or its error and next try", async () => {
    renderWithClient(<Subscriptions onClose={() => {}} />);
    const ok = within(await screen.findByTestId("cal-sub-a1"));
    expect(ok.getByText("Timetable", { selector: "strong" })).toBeInTheDocument();
    expect(ok.getByTestId("cal-sub-state-a1")).toHaveTextContent("Updated 5 minutes ago · 12 events");
    const bad = within(screen.getByTestId("cal-sub-b2"));
    expect(bad.getByTestId("cal-sub-error-b2")).toHaveTextContent("The last update failed: uni.example answered 500 Internal Server Error. Next try at");
  });

  it("subscribes by URL with a name and a colour, and says what the first fetch did", async () => {
    const added = sub("c3", "Seminars", { events: 3 });
    client.calendarSubscribe.mockResolvedValue({ subscription: added, result: { outcome: "updated", created: 3, updated: 0, deleted: 0, unchanged: 0 } });
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-a1");
    await userEvent.type(screen.getByTestId("cal-sub-url"), "webcal://uni.example/seminars.ics");
    await userEvent.type(screen.getByTestId("cal-sub-name"), "Seminars");
    await userEvent.click(screen.getByTestId("cal-sub-colour-new-b42323"));
    client.calendarSubscriptions.mockResolvedValue([timetable, broken, added]);
    await userEvent.click(screen.getByTestId("cal-sub-add"));
    await waitFor(() =>
      expect(client.calendarSubscribe).toHaveBeenCalledWith({ url: "webcal://uni.example/seminars.ics", name: "Seminars", colour: "#b42323" }),
    );
    expect(await screen.findByTestId("cal-sub-outcome")).toHaveTextContent("Seminars updated: 3 new, 0 changed, 0 removed.");
    expect(await screen.findByTestId("cal-sub-c3")).toBeInTheDocument();
    expect(screen.getByTestId("cal-sub-url")).toHaveValue("");
  });

  it("shows a refused address in words and keeps what was typed", async () => {
    client.calendarSubscribe.mockRejectedValue({ kind: "validation", message: "the address \"ftp://x\" is not a calendar link: use an https://, http:// or webcal:// address" });
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-a1");
    await userEvent.type(screen.getByTestId("cal-sub-url"), "ftp://x");
    await userEvent.click(screen.getByTestId("cal-sub-add"));
    expect(await screen.findByTestId("cal-sub-failure")).toHaveTextContent("is not a calendar link");
    expect(screen.getByTestId("cal-sub-url")).toHaveValue("ftp://x");
  });

  it("refreshes now and says why a refresh failed", async () => {
    client.calendarSubscriptionRefresh.mockResolvedValue({ subscription: broken, result: { outcome: "failed", reason: "uni.example did not answer within 60 seconds" } });
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-b2");
    await userEvent.click(screen.getByRole("button", { name: "Refresh Club calendar now" }));
    expect(client.calendarSubscriptionRefresh).toHaveBeenCalledWith("b2");
    expect(await screen.findByTestId("cal-sub-outcome")).toHaveTextContent(
      "Club calendar could not be updated: uni.example did not answer within 60 seconds. The last good copy is kept.",
    );
  });

  it("changes a colour, and removes a subscription only after a confirmation", async () => {
    client.calendarSubscriptionUpdate.mockResolvedValue({ ...timetable, colour: "#3451c6" });
    client.calendarUnsubscribe.mockResolvedValue(null);
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-a1");
    await userEvent.click(screen.getByTestId("cal-sub-colour-a1-3451c6"));
    expect(client.calendarSubscriptionUpdate).toHaveBeenCalledWith({ id: "a1", colour: "#3451c6" });
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "How often Timetable is fetched" }), "Every day");
    expect(client.calendarSubscriptionUpdate).toHaveBeenCalledWith({ id: "a1", refresh_minutes: 1440 });

    await userEvent.click(screen.getByTestId("cal-sub-remove-a1"));
    const confirm = within(await screen.findByTestId("cal-sub-remove-confirm"));
    expect(confirm.getByText("Its 12 events will disappear from your calendar. You can subscribe again later.")).toBeInTheDocument();
    expect(client.calendarUnsubscribe).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("cal-sub-remove-confirm-confirm"));
    await waitFor(() => expect(client.calendarUnsubscribe).toHaveBeenCalledWith("a1"));
    await waitFor(() => expect(screen.queryByTestId("cal-sub-remove-confirm")).toBeNull());
  });
});

describe("Subscriptions: rename and pause", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.calendarSubscriptions.mockResolvedValue([timetable, broken]);
  });

  it("renames in place: Enter saves, Escape cancels without closing the dialog", async () => {
    const onClose = vi.fn();
    client.calendarSubscriptionUpdate.mockResolvedValue({ ...timetable, name: "Uni" });
    renderWithClient(<Subscriptions onClose={onClose} />);
    await screen.findByTestId("cal-sub-a1");
    await userEvent.click(screen.getByRole("button", { name: "Rename Timetable" }));
    const field = screen.getByRole("textbox", { name: "New name for Timetable" });
    expect(field).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("textbox", { name: "New name for Timetable" })).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
    expect(client.calendarSubscriptionUpdate).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole("button", { name: "Rename Timetable" }));
    await userEvent.clear(screen.getByRole("textbox", { name: "New name for Timetable" }));
    await userEvent.keyboard("Uni{Enter}");
    expect(client.calendarSubscriptionUpdate).toHaveBeenCalledWith({ id: "a1", name: "Uni" });
  });

  it("shows a refused name in words under the field, which stays open with what was typed", async () => {
    client.calendarSubscriptionUpdate.mockRejectedValueOnce({ kind: "validation", message: "you already have a subscription named \"Club calendar\": choose another name" });
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-a1");
    await userEvent.click(screen.getByRole("button", { name: "Rename Timetable" }));
    await userEvent.clear(screen.getByRole("textbox", { name: "New name for Timetable" }));
    await userEvent.keyboard("club calendar{Enter}");
    expect(await screen.findByTestId("cal-sub-rename-error-a1")).toHaveTextContent("already have a subscription named");
    const field = screen.getByRole("textbox", { name: "New name for Timetable" });
    expect(field).toHaveValue("club calendar");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(/already have a subscription named/);

    // Another name is accepted: the field closes.
    client.calendarSubscriptionUpdate.mockResolvedValueOnce({ ...timetable, name: "Uni" });
    await userEvent.clear(field);
    await userEvent.keyboard("Uni{Enter}");
    await waitFor(() => expect(screen.queryByRole("textbox", { name: "New name for Timetable" })).toBeNull());
    expect(client.calendarSubscriptionUpdate).toHaveBeenLastCalledWith({ id: "a1", name: "Uni" });
  });

  it("pauses and resumes; a paused one says so, keeps its copy and is not refreshed", async () => {
    const paused = { ...timetable, enabled: false, last_success_at: "2026-11-22T01:00:00.000Z" };
    client.calendarSubscriptions.mockResolvedValue([paused, broken]);
    client.calendarSubscriptionUpdate.mockResolvedValue(timetable);
    renderWithClient(<Subscriptions onClose={() => {}} />);
    const row = within(await screen.findByTestId("cal-sub-a1"));
    expect(row.getByTestId("cal-sub-paused-a1")).toHaveTextContent(/^Paused: not fetched until you resume it\. Showing the copy of .+ · 12 events\.$/);
    expect(row.getByRole("button", { name: "Refresh Timetable now" })).toBeDisabled();
    await userEvent.click(row.getByRole("button", { name: "Resume Timetable" }));
    expect(client.calendarSubscriptionUpdate).toHaveBeenCalledWith({ id: "a1", enabled: true });

    const bad = within(screen.getByTestId("cal-sub-b2"));
    expect(bad.getByRole("button", { name: "Refresh Club calendar now" })).toBeEnabled();
    await userEvent.click(bad.getByRole("button", { name: "Pause Club calendar" }));
    expect(client.calendarSubscriptionUpdate).toHaveBeenCalledWith({ id: "b2", enabled: false });
  });

  it("words the intervals in hours and days", async () => {
    renderWithClient(<Subscriptions onClose={() => {}} />);
    await screen.findByTestId("cal-sub-a1");
    const select = screen.getByRole("combobox", { name: "How often Timetable is fetched" });
    const labels = within(select).getAllByRole("option").map((o) => o.textContent);
    expect(labels).toEqual(["Every hour", "Every 6 h", "Every 12 h", "Every day", "Every 7 days"]);
  });
});

describe("SubscribedEvent", () => {
  const item: CalendarItem = {
    kind: "event",
    id: "e1",
    series_id: null,
    recurrence_id: null,
    title: "Linear algebra",
    notes: "Bring the exercise sheet",
    location: "Room 101",
    url: null,
    date: "2026-12-07",
    end_date: "2026-12-07",
    all_day: false,
    starts_at: "2026-12-07T01:00:00.000Z",
    ends_at: "2026-12-07T02:30:00.000Z",
    course_id: null,
    course_name: null,
    colour: "#23763a",
    subscription_id: "a1",
    recurring: false,
    order_index: 0,
    status: null,
  };

  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.calendarSubscriptions.mockResolvedValue([timetable]);
  });

  it("is read-only, names its subscription, and saves only reminders", async () => {
    const onSave = vi.fn();
    renderWithClient(<SubscribedEvent item={item} rrule={null} reminders={[]} onSaveReminders={onSave} onClose={() => {}} />);
    expect(await screen.findByText(/comes from the subscription "Timetable": change it at its source/)).toBeInTheDocument();
    expect(screen.getByText("Room 101")).toBeInTheDocument();
    expect(screen.queryByTestId("cal-editor-title")).toBeNull();
    expect(screen.getByTestId("cal-subscribed-save")).toBeDisabled();
    await userEvent.click(screen.getByTestId("reminder-add"));
    await userEvent.click(screen.getByTestId("cal-subscribed-save"));
    expect(onSave).toHaveBeenCalledWith([{ minutes_before: 15 }]);
  });

  it("says how a repeating event repeats, from its series' rule, without reading it again", async () => {
    const rrule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131T150000Z";
    const occurrence = { ...item, series_id: "m1", recurrence_id: "2026-12-07T01:00:00Z", recurring: true };
    renderWithClient(<SubscribedEvent item={occurrence} rrule={rrule} reminders={[]} onSaveReminders={() => {}} onClose={() => {}} />);
    // UNTIL, 15:00 UTC on 31 January, is already 1 February in Tokyo, the user's zone.
    const rule = await screen.findByTestId("cal-subscribed-rule");
    await waitFor(() => expect(rule).toHaveTextContent(/^Every week on Monday, until Feb 1, 2027/));
    expect(client.eventGet).not.toHaveBeenCalled();
    expect(screen.getByTestId("cal-subscribed-rule-raw").textContent).toBe(rrule);
  });

  it("shows no rule for a single event, and reads none", async () => {
    renderWithClient(<SubscribedEvent item={item} rrule={null} reminders={[]} onSaveReminders={() => {}} onClose={() => {}} />);
    expect(await screen.findByText("Room 101")).toBeInTheDocument();
    expect(screen.queryByTestId("cal-subscribed-rule")).toBeNull();
    expect(client.eventGet).not.toHaveBeenCalled();
  });
});
