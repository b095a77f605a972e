// End to end: the Calendar page in the real app (issue 3, first part): it opens, a typed
// line becomes an event in the month view on the right day, and the week and agenda
// views show it too; its place and link are typed in the editor, the place shows in the
// agenda and the link opens in the system's browser (tests/e2e/bin/xdg-open records it);
// an imported event with two repeat rules shows them in words in the editor.
// Screenshots of month, week, agenda and the editor.

/** What the app handed to the system's opener so far (scripts/e2e.sh sets E2E_OPENED). */
function opened() {
  try {
    return readFileSync(process.env.E2E_OPENED ?? "", "utf8");
  } catch {
    return "";
  }
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { choose, screenshot, setInputValue, start, steps, stop, tempDir, tid, waitGone } from "./lib.mjs";

/** Tomorrow as YYYY-MM-DD on this machine (the sample data's time zone is the machine's). */
function tomorrow() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The whole text of an element (event titles are clipped with an ellipsis on screen). */
const textOf = (browser, el) => browser.execute((e) => e.textContent ?? "", el);

test("calendar: quick add puts the event on tomorrow in month, week and agenda", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-calendar");
  const TITLE = "Linear algebra study group";
  let browser;

  await step("open the calendar after loading the sample data", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-sample"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("nav-calendar"))).click();
    await (await browser.$(tid("calendar"))).waitForDisplayed();
  });

  await step("quick add: the event lands on tomorrow's cell", async () => {
    const input = await browser.$(tid("cal-quick-input"));
    await input.setValue(`${TITLE} tomorrow 15:00-16:30`);
    await input.addValue("\uE007");
    const cell = await browser.$(tid(`cal-day-${tomorrow()}`));
    await cell.waitForExist();
    await browser.waitUntil(async () => (await textOf(browser, cell)).includes(TITLE), {
      timeoutMsg: `"${TITLE}" did not appear in cal-day-${tomorrow()}`,
    });
    await screenshot(browser, "20-calendar-month-en-light");
  });

  await step("week and agenda views show it", async () => {
    await (await browser.$(tid("cal-view-week"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("calendar"))).getAttribute("data-view")) === "week");
    const column = await browser.$(tid(`cal-day-${tomorrow()}`));
    await browser.waitUntil(async () => (await textOf(browser, column)).includes(TITLE), { timeoutMsg: "not in the week view" });
    await screenshot(browser, "21-calendar-week-en-light");
    await (await browser.$(tid("cal-view-agenda"))).click();
    await browser.waitUntil(async () => (await textOf(browser, await browser.$(tid("calendar")))).includes(TITLE), { timeoutMsg: "not in the agenda" });
    await screenshot(browser, "22-calendar-agenda-en-light");
  });

  await step("its place and link: typed in the editor, the place in the agenda, the link opened by the system", async () => {
    const chip = await browser.$(`//button[contains(@class,"cal-item")][.//span[text()="${TITLE}"]]`);
    await chip.click();
    await (await browser.$(tid("cal-editor-title"))).waitForDisplayed();
    await setInputValue(browser, await browser.$(tid("cal-editor-location")), "Room 204, Science building");
    // A link the system would run is refused where it is typed.
    await setInputValue(browser, await browser.$(tid("cal-editor-url")), "javascript:alert(1)");
    assert.equal(await (await browser.$(tid("cal-editor-link"))).isExisting(), false, "no link is offered for javascript:");
    await (await browser.$(tid("cal-editor-save"))).click();
    const alert = await browser.$(`${tid("cal-editor")} [role="alert"]`);
    await browser.waitUntil(async () => (await alert.isExisting()) && /starts with https:\/\//.test(await alert.getText()), { timeoutMsg: "javascript: was not refused" });
    const URL = "https://example.org/study-group?week=3";
    await setInputValue(browser, await browser.$(tid("cal-editor-url")), URL);
    const link = await browser.$(tid("cal-editor-link"));
    await link.waitForDisplayed();
    await screenshot(browser, "26-event-editor-place-en-light");
    await link.click();
    await browser.waitUntil(async () => opened().includes(URL), { timeout: 10_000, timeoutMsg: `the link was not handed to the system's opener (got: ${JSON.stringify(opened())})` });
    await (await browser.$(tid("cal-editor-save"))).click();
    await waitGone(browser, "cal-editor-title");
    const place = await browser.$('[data-testid^="cal-agenda-location-"]');
    await place.waitForExist({ timeout: 10_000, timeoutMsg: "the agenda does not show the place" });
    assert.equal(await place.getProperty("textContent"), "Room 204, Science building");
    await screenshot(browser, "27-calendar-agenda-place-en-light");
  });

  const RULED = "Kanji drill";
  await step("an imported event with two repeat rules: the editor says them in words", async () => {
    const day = tomorrow().replaceAll("-", "");
    const ics = path.join(dataDir, "two-rules.ics");
    const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//e2e//EN", "BEGIN:VEVENT", "UID:kanji-drill@e2e.example", "DTSTAMP:20261101T000000Z"];
    lines.push(`DTSTART:${day}T080000`, `DTEND:${day}T083000`, `SUMMARY:${RULED}`, "RRULE:FREQ=WEEKLY;COUNT=4", "RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2");
    writeFileSync(ics, [...lines, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"));
    await browser.execute((sel) => document.querySelector(sel).classList.remove("sr-only"), tid("cal-ics-input"));
    await (await browser.$(tid("cal-ics-input"))).addValue(ics);
    await (await browser.$(tid("cal-ics-report"))).waitForDisplayed({ timeout: 10_000, timeoutMsg: "the import did not report" });
    const chip = await browser.$(`//button[contains(@class,"cal-item")][.//span[text()="${RULED}"]]`);
    await chip.waitForExist({ timeout: 10_000, timeoutMsg: `"${RULED}" is not in the agenda after the import` });
    await chip.click();
    const rule = await browser.$(tid("cal-editor-rule"));
    await rule.waitForDisplayed();
    assert.match(await textOf(browser, rule), /^Every week, 4 times; and every month on the 15th, twice/);
    // The rule as stored is there for the curious, closed.
    assert.equal(await (await browser.$(tid("cal-editor-rule-raw"))).isDisplayed(), false);
    // The Repeat section is below the fold of the editor's scrolling fields.
    await browser.execute((e) => e.scrollIntoView({ block: "center" }), rule);
    await screenshot(browser, "28-event-editor-rule-en-light");
    await (await browser.$(`${tid("cal-editor")} .dialog-actions .button.subtle`)).click();
    await waitGone(browser, "cal-editor");
  });

  await step("in Japanese and dark: 24-hour times, Japanese weekdays, the same event", async () => {
    await (await browser.$(tid("nav-settings"))).click();
    await choose(browser, "settings-language", "ja");
    await choose(browser, "settings-theme", "dark");
    await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.lang)) === "ja", { timeoutMsg: "not Japanese" });
    await (await browser.$(tid("nav-calendar"))).click();
    const calendar = await browser.$(tid("calendar"));
    await calendar.waitForDisplayed();
    for (const [view, shot] of [["month", "23-calendar-month-ja-dark"], ["week", "24-calendar-week-ja-dark"], ["agenda", "25-calendar-agenda-ja-dark"]]) {
      // The page opens on today; select tomorrow (next week when today is a Sunday).
      if (view === "month") await browser.execute((e) => e.click(), await browser.$(tid(`cal-day-${tomorrow()}`)));
      await (await browser.$(tid(`cal-view-${view}`))).click();
      await browser.waitUntil(async () => (await calendar.getAttribute("data-view")) === view);
      await browser.waitUntil(async () => (await textOf(browser, calendar)).includes(TITLE), { timeoutMsg: `not in the ${view} view` });
      const text = await textOf(browser, calendar);
      if (view !== "month" && !text.includes("15:00")) throw new Error(`the ${view} view does not show 24-hour 15:00 in Japanese`);
      if (/\b(AM|PM)\b/.test(text)) throw new Error(`the ${view} view shows AM/PM in Japanese`);
      await screenshot(browser, shot);
    }
    // The imported rules in Japanese.
    await (await browser.$(`//button[contains(@class,"cal-item")][.//span[text()="${RULED}"]]`)).click();
    const rule = await browser.$(tid("cal-editor-rule"));
    await rule.waitForDisplayed();
    assert.match(await textOf(browser, rule), /^毎週、4回。さらに毎月 15日、2回/);
    await browser.execute((e) => e.scrollIntoView({ block: "center" }), rule);
    await screenshot(browser, "29-event-editor-rule-ja-dark");
    await stop(browser, dataDir);
    browser = null;
  });
});
