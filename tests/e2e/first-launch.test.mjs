// End to end: the real Studydesk binary, driven through tauri-driver + WebKitWebDriver.
// Run it with scripts/e2e.sh (it builds everything, starts Xvfb, a session bus and
// tauri-driver, and isolates HOME / XDG_* / TMPDIR per run).

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { cli, fileSnapshot, htmlState, screenshot, setInputValue, start, steps, stop, tempDir, tid, toJapaneseDark, todoRows, waitForRow } from "./lib.mjs";

const NEW_TASK = "E2E: read chapter 5";

async function ringDay(browser) {
  const ring = await browser.$(tid("ring-day"));
  await ring.waitForExist();
  const raw = await ring.getAttribute("data-value");
  assert.match(String(raw), /^\d+$/, `ring-day data-value should be a number, got ${raw}`);
  return Number(raw);
}

test("first launch: sample data, add and complete a task, Japanese + dark, data survives a restart", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-first");
  let browser;
  let taskId;
  let ringBefore;

  await step("launch shows the onboarding screen", async () => {
    ({ browser } = await start(dataDir));
    const onboarding = await browser.$(tid("onboarding"));
    await onboarding.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await (await browser.$(tid("home"))).isExisting(), false, "Home must not show before onboarding");
    assert.equal((await htmlState(browser)).lang, "en");
    await screenshot(browser, "01-onboarding-en");
  });

  await step("'Load sample data' opens Home with sample tasks", async () => {
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("card-todo"))).waitForDisplayed();
    await browser.waitUntil(async () => (await todoRows(browser)).length > 0, { timeoutMsg: "no todo-item after loading the sample data" });
    const rows = await todoRows(browser);
    console.log(`# sample data: ${rows.length} tasks on Home`);
    assert.ok(rows.length > 0);
  });

  await step(`typing "${NEW_TASK}" + Enter adds the task`, async () => {
    const input = await browser.$(tid("todo-input"));
    await input.waitForDisplayed();
    await input.click();
    await input.setValue(NEW_TASK);
    await input.addValue("\uE007"); // Enter submits the form
    const row = await waitForRow(browser, NEW_TASK);
    assert.equal(row.completed, "false");
    assert.ok(row.id, "the new row has a data-task-id");
    taskId = row.id;
    await browser.waitUntil(async () => (await input.getValue()) === "", { timeoutMsg: "the input was not cleared after adding" });
    ringBefore = await ringDay(browser);
  });

  await step("toggling it marks the row completed and moves the day ring", async () => {
    const row = await browser.$(`[data-testid="todo-item"][data-task-id="${taskId}"]`);
    await (await row.$(tid("todo-toggle"))).click();
    await browser.waitUntil(
      async () => (await browser.$(`[data-testid="todo-item"][data-task-id="${taskId}"]`).getAttribute("data-completed")) === "true",
      { timeoutMsg: 'the new row never said data-completed="true"' },
    );
    let ringAfter;
    await browser.waitUntil(async () => (ringAfter = await ringDay(browser)) !== ringBefore, {
      timeoutMsg: `ring-day data-value stayed at ${ringBefore} after completing a task`,
    });
    console.log(`# ring-day: ${ringBefore} -> ${ringAfter}`);
    assert.ok(ringAfter > ringBefore, `completing a task should raise the day ring (${ringBefore} -> ${ringAfter})`);
  });

  await step("screenshot: Home in English, light theme", async () => {
    const html = await htmlState(browser);
    assert.equal(html.lang, "en");
    assert.equal(html.theme, "light");
    const { ok } = await screenshot(browser, "02-home-en-light");
    assert.ok(ok, "both screenshots of Home came out blank");
    // The progress rings sit below the fold at the default window size.
    await (await browser.$(tid("card-progress"))).scrollIntoView();
    await screenshot(browser, "02b-progress-en-light");
    await (await browser.$(tid("home"))).scrollIntoView();
  });

  await step("Settings: switch the language to Japanese and the theme to dark", async () => {
    await toJapaneseDark(browser);
    await screenshot(browser, "03-settings-ja-dark");
  });

  await step("screenshot: Home in Japanese, dark theme, with Japanese text", async () => {
    await (await browser.$(tid("nav-home"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed();
    await waitForRow(browser, NEW_TASK);
    assert.equal(await (await browser.$(tid("nav-home"))).getText(), "ホーム");
    assert.equal(await (await browser.$(`${tid("card-todo")} h2`)).getText(), "今日");
    const body = await (await browser.$("body")).getText();
    assert.match(body, /設定/, "the Settings nav item should read 設定");
    const { ok } = await screenshot(browser, "04-home-ja-dark");
    assert.ok(ok, "both screenshots of Home came out blank");
  });

  await step("ending the session quits the app; the CLI reads the completed task from the SQLite file", async () => {
    await stop(browser, dataDir);
    browser = null;
    const tasks = JSON.parse(cli(dataDir, "task", "list", "--json"));
    const task = tasks.find((x) => x.id === taskId);
    assert.ok(task, `task ${taskId} is not in ${path.join(dataDir, "studydesk.db")}`);
    assert.equal(task.description, NEW_TASK);
    assert.equal(task.is_completed, true);
  });

  await step("relaunch: no onboarding, the task is still completed, the UI is still Japanese and dark", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    assert.equal(await (await browser.$(tid("onboarding"))).isExisting(), false, "onboarding showed again");
    const row = await waitForRow(browser, NEW_TASK);
    assert.equal(row.id, taskId);
    assert.equal(row.completed, "true");
    const html = await htmlState(browser);
    assert.equal(html.lang, "ja");
    assert.equal(html.theme, "dark");
    assert.equal(await (await browser.$(tid("nav-home"))).getText(), "ホーム");
    await screenshot(browser, "05-relaunch-ja-dark");
  });

  await step("the smallest window (720×520): a dialog taller than it scrolls, and Done stays reachable", async () => {
    await browser.setWindowSize(720, 520);
    const row = (await browser.$$(tid("todo-item")))[0];
    await browser.execute((e) => e.scrollIntoView({ block: "center" }), row);
    await (await row.$(tid("todo-schedule"))).click();
    const dialog = await browser.$(tid("schedule-dialog"));
    await dialog.waitForDisplayed();
    await setInputValue(browser, await browser.$(tid("schedule-due")), "2099-01-20T18:00");
    await (await browser.$(tid("schedule-due-save"))).click();
    await (await browser.$(tid("schedule-due-clear"))).waitForExist();
    const minutes = ["5", "10", "30", "60", "1440"];
    for (const [i, m] of minutes.entries()) {
      await (await browser.$(tid("reminder-choice"))).selectByAttribute("value", m);
      await (await browser.$(tid("reminder-add"))).click();
      await browser.waitUntil(async () => (await browser.$$(tid("reminder-item"))).length === i + 1, { timeoutMsg: `reminder ${m} was not added` });
    }
    const box = await browser.execute((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: innerHeight, scroll: e.scrollHeight, client: e.clientHeight };
    }, dialog);
    assert.ok(box.top >= 0 && box.bottom <= box.height, `the dialog runs off the window: ${JSON.stringify(box)}`);
    assert.ok(box.scroll > box.client, `the dialog fits the window (${JSON.stringify(box)}): this step then proves nothing`);
    await browser.execute((e) => (e.scrollTop = e.scrollHeight), dialog);
    await screenshot(browser, "07-small-window-dialog-ja-dark");
    await (await browser.$(tid("schedule-done"))).click();
    await dialog.waitForExist({ reverse: true });
    await stop(browser, dataDir);
    browser = null;
  });
});

test("a studydesk.db that is not SQLite: the window explains it in words and the file is left untouched", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-notdb");
  const dbFile = path.join(dataDir, "studydesk.db");
  writeFileSync(dbFile, "These are my lecture notes, not a database.\n".repeat(20));
  const before = fileSnapshot(dbFile);
  let browser;

  await step("the full-page error names the problem", async () => {
    ({ browser } = await start(dataDir));
    const error = await browser.$(tid("load-error"));
    await error.waitForDisplayed({ timeout: 20_000 });
    const text = await error.getText();
    console.log(`# error shown: ${text.split("\n").join(" | ")}`);
    assert.match(text, /is not a Studydesk database/);
    assert.ok(text.includes(dbFile), `the message should name the file ${dbFile}`);
    assert.equal(await (await browser.$(tid("onboarding"))).isExisting(), false);
    assert.equal(await (await browser.$(tid("home"))).isExisting(), false);
    await screenshot(browser, "06-not-a-database");
  });

  await step("after quitting, the file is byte-for-byte unchanged", async () => {
    await stop(browser, dataDir);
    browser = null;
    const afterQuit = fileSnapshot(dbFile);
    assert.equal(afterQuit.size, before.size);
    assert.ok(afterQuit.bytes.equals(before.bytes), "studydesk.db was modified");
    assert.equal(afterQuit.mtimeMs, before.mtimeMs);
  });
});
