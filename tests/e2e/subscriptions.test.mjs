// End to end: calendar subscriptions (issue 18) in the real app. A small HTTP server in the
// test serves a timetable feed; it is subscribed from the Calendar page's Subscriptions
// dialog, its event shows on tomorrow's cell in the subscription's colour and opens
// read-only, naming the subscription; a second subscription to an address that answers
// 500 shows the error in words and the next try; the timetable is renamed in place and
// paused, and the list says so while its event stays shown. Screenshots of the dialog
// (English and Japanese, light and dark) and of the read-only event.

import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { choose, htmlState, screenshot, setInputValue, start, steps, stop, tempDir, tid, waitGone } from "./lib.mjs";

/** Tomorrow as YYYY-MM-DD on this machine (the sample data's time zone is the machine's). */
function tomorrow() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const TITLE = "Organic chemistry lecture";
const RENAMED = "University timetable";

function feed() {
  const day = tomorrow().replaceAll("-", "");
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//E2E University//Timetable//EN",
    "BEGIN:VEVENT",
    "UID:chem-1@e2e.example",
    "DTSTAMP:20261101T000000Z",
    `DTSTART;VALUE=DATE:${day}`,
    `SUMMARY:${TITLE}`,
    "LOCATION:Hall B",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

/** Serves the feed at /timetable.ics and a 500 at /broken.ics. */
function serve() {
  const server = http.createServer((req, res) => {
    if (req.url === "/timetable.ics") {
      res.writeHead(200, { "Content-Type": "text/calendar; charset=utf-8", ETag: '"v1"' });
      res.end(feed());
    } else {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("timetable service down for maintenance");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const textOf = (browser, el) => browser.execute((e) => e.textContent ?? "", el);

test("subscriptions: a feed's event shows read-only, a broken feed says why", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-subscriptions");
  const server = await serve();
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;

  await step("open the calendar after loading the sample data", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-sample"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("nav-calendar"))).click();
    await (await browser.$(tid("calendar"))).waitForDisplayed();
  });

  await step("subscribe to the timetable: its event lands on tomorrow, in its colour", async () => {
    await (await browser.$(tid("cal-subscriptions"))).click();
    await (await browser.$(tid("cal-subs-dialog"))).waitForDisplayed();
    await setInputValue(browser, await browser.$(tid("cal-sub-url")), `${base}/timetable.ics`);
    await setInputValue(browser, await browser.$(tid("cal-sub-name")), "Timetable");
    await (await browser.$(tid("cal-sub-add"))).click();
    const outcome = await browser.$(tid("cal-sub-outcome"));
    await outcome.waitForDisplayed({ timeout: 20_000 });
    assert.match(await outcome.getText(), /Timetable updated: 1 new/);
    await screenshot(browser, "60-subscriptions-added-en-light");
  });

  await step("a broken feed shows its error in words and the next try", async () => {
    await setInputValue(browser, await browser.$(tid("cal-sub-url")), `${base}/broken.ics`);
    await setInputValue(browser, await browser.$(tid("cal-sub-name")), "Club");
    await (await browser.$(tid("cal-sub-add"))).click();
    const error = await browser.$('[data-testid^="cal-sub-error-"]');
    await error.waitForDisplayed({ timeout: 20_000 });
    const text = await error.getText();
    assert.match(text, /500 Internal Server Error/);
    assert.match(text, /down for maintenance/);
    assert.match(text, /Next try at/);
    await screenshot(browser, "61-subscriptions-error-en-light");
  });

  await step("rename the timetable in place and pause it: the list says paused", async () => {
    await (await browser.$('button[aria-label="Rename Timetable"]')).click();
    const field = await browser.$('[data-testid^="cal-sub-rename-input-"]');
    await field.waitForDisplayed();
    // A name already taken (ignoring case) is refused under the field, which stays open.
    await setInputValue(browser, field, "club");
    await (await browser.$('[data-testid^="cal-sub-rename-save-"]')).click();
    const refusal = await browser.$('[data-testid^="cal-sub-rename-error-"]');
    await refusal.waitForDisplayed({ timeout: 10_000 });
    assert.match(await refusal.getText(), /Club/);
    assert.equal(await field.getValue(), "club", "what was typed is kept");
    await screenshot(browser, "65-subscriptions-rename-refused-en-light");
    await setInputValue(browser, field, RENAMED);
    await (await browser.$('[data-testid^="cal-sub-rename-save-"]')).click();
    await (await browser.$(`//strong[text()="${RENAMED}"]`)).waitForDisplayed({ timeout: 10_000 });
    await (await browser.$(`button[aria-label="Pause ${RENAMED}"]`)).click();
    const paused = await browser.$('[data-testid^="cal-sub-paused-"]');
    await paused.waitForDisplayed({ timeout: 10_000 });
    assert.match(await paused.getText(), /^Paused: not fetched until you resume it\. Showing the copy of .+ · 1 event\.$/);
    assert.equal(await (await browser.$(`button[aria-label="Refresh ${RENAMED} now"]`)).isEnabled(), false, "a paused one is not fetched");
    assert.ok(await (await browser.$(`button[aria-label="Resume ${RENAMED}"]`)).isExisting());
    await screenshot(browser, "63-subscriptions-paused-en-light");
    await (await browser.$(`${tid("cal-subs-dialog")} .dialog-actions button`)).click();
    await waitGone(browser, "cal-subs-dialog");
  });

  await step("the subscribed event opens read-only, naming its subscription", async () => {
    const cell = await browser.$(tid(`cal-day-${tomorrow()}`));
    await cell.waitForExist();
    await browser.waitUntil(async () => (await textOf(browser, cell)).includes(TITLE), { timeout: 10_000, timeoutMsg: `"${TITLE}" is not on tomorrow` });
    const chip = await browser.$(`//button[contains(@class,"cal-item")][.//span[text()="${TITLE}"]]`);
    await browser.execute((e) => e.click(), chip);
    const reason = await browser.$(tid("cal-subscribed-reason"));
    await reason.waitForDisplayed();
    assert.match(await reason.getText(), new RegExp(`comes from the subscription "${RENAMED}"`), "paused: its last copy stays shown");
    assert.equal(await (await browser.$(tid("cal-editor-title"))).isExisting(), false, "no editable title");
    await screenshot(browser, "62-subscribed-event-en-light");
    await browser.keys("Escape");
  });

  for (const [lang, theme, paused] of [
    ["en", "dark", /Paused: not fetched/],
    ["ja", "light", /一時停止中: 再開するまで取得しません/],
    ["ja", "dark", /一時停止中: 再開するまで取得しません/],
  ]) {
    await step(`the dialog in ${lang}, ${theme}`, async () => {
      await (await browser.$(tid("nav-settings"))).click();
      await (await browser.$(tid("settings"))).waitForDisplayed();
      await choose(browser, "settings-language", lang);
      await choose(browser, "settings-theme", theme);
      await browser.waitUntil(async () => {
        const h = await htmlState(browser);
        return h.lang === lang && h.theme === theme;
      }, { timeoutMsg: `<html> did not switch to ${lang}, ${theme}` });
      await (await browser.$(tid("nav-calendar"))).click();
      await (await browser.$(tid("cal-subscriptions"))).click();
      await (await browser.$(tid("cal-subs-dialog"))).waitForDisplayed();
      const state = await browser.$('[data-testid^="cal-sub-paused-"]');
      await state.waitForDisplayed();
      assert.match(await state.getText(), paused);
      await screenshot(browser, `64-subscriptions-${lang}-${theme}`);
      await (await browser.$(`${tid("cal-subs-dialog")} .dialog-actions button`)).click();
      await waitGone(browser, "cal-subs-dialog");
    });
  }

  await step("stop", async () => {
    await stop(browser, dataDir);
    browser = null;
  });
});
