// End to end: history and undo (issue 16 item 5). Ctrl+Z in the window undoes the last
// action made on this device (here a task added from the command line), with a toast
// saying what was undone; Settings › History lists the change in words, and its Undo
// undoes the undo (a new change, so the task is back); screenshots in English light and
// Japanese dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { cli, screenshot, start, steps, tempDir, tid, toJapaneseDark } from "./lib.mjs";

const TITLE = "read chapter 4";

function taskTitles(dataDir) {
  return JSON.parse(cli(dataDir, "task", "list", "--json")).map((task) => task.description);
}

test("history: Ctrl+Z undoes the last action, and Settings › History undoes the undo", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-history");
  let browser;

  await step("Ctrl+Z outside a text field undoes the task just added, with a toast", async () => {
    cli(dataDir, "sample-data");
    cli(dataDir, "task", "add", TITLE);
    assert.ok(taskTitles(dataDir).includes(TITLE));
    ({ browser } = await start(dataDir));
    const nav = await browser.$(tid("nav-settings"));
    await nav.waitForDisplayed({ timeout: 20_000 });
    await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await browser.keys(["Control", "z"]);
    const toast = await browser.$(`${tid("undo-toast")} .toast-text`);
    await toast.waitForDisplayed({ timeout: 10_000 });
    // The add also moved the day's progress rows (a derived summary): they are not history,
    // so the toast names the one action, and the rows are recomputed by the undo.
    const said = await toast.getText();
    assert.match(said, /^Undone: /);
    assert.doesNotMatch(said, /\d+ changes/, said);
    await browser.waitUntil(async () => !taskTitles(dataDir).includes(TITLE), {
      timeout: 10_000,
      timeoutMsg: "the task is still there after Ctrl+Z",
    });
    await screenshot(browser, "history-01-ctrl-z-toast-en-light");
  });

  await step("Settings › History shows the undo in words; its Undo brings the task back", async () => {
    await (await browser.$(tid("nav-settings"))).click();
    const card = await browser.$(tid("settings-history"));
    await card.waitForDisplayed({ timeout: 20_000 });
    await card.scrollIntoView();
    await (await card.$(tid("history-entry"))).waitForDisplayed({ timeout: 10_000 });
    // The newest entry is the undo: the task deleted (the progress rows are not history).
    let deleted;
    const texts = [];
    for (const entry of await card.$$(tid("history-entry"))) {
      const text = await entry.getText();
      texts.push(text);
      if (/deleted task/i.test(text)) {
        deleted = entry;
        break;
      }
    }
    assert.ok(deleted, `no entry says the task was deleted: ${JSON.stringify(texts)}`);
    assert.match(await deleted.getText(), new RegExp(TITLE));
    await screenshot(browser, "history-02-settings-en-light");
    await (await deleted.$("button")).click();
    await browser.waitUntil(async () => taskTitles(dataDir).includes(TITLE), {
      timeout: 10_000,
      timeoutMsg: "Undo in Settings › History did not bring the task back",
    });
  });

  await step("in Japanese and dark", async () => {
    await toJapaneseDark(browser);
    const card = await browser.$(tid("settings-history"));
    await card.scrollIntoView();
    await sleep(300);
    assert.match(await card.getText(), /履歴/);
    await screenshot(browser, "history-03-settings-ja-dark");
  });
});
