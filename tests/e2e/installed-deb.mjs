// The installed .deb (issue 17, "Installing"): run by scripts/install-test.sh after it has
// installed the package with apt, with STUDYDESK_APP=/usr/bin/studydesk and
// STUDYDESK_CLI=/usr/bin/studydesk-cli, and INSTALL_TEST_DATA_DIR an empty folder that the
// script checks again after removing the package. Not a *.test.mjs: scripts/e2e.sh must not
// run it (it needs the package installed).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { APP, CLI, cli, pidsMentioning, screenshot, start, steps, stop, tid, todoRows } from "./lib.mjs";

const dataDir = process.env.INSTALL_TEST_DATA_DIR;

test("the installed app: fresh data folder, Load sample data, Home; the installed CLI reads the same folder", async (t) => {
  assert.ok(dataDir, "INSTALL_TEST_DATA_DIR is not set (run scripts/install-test.sh)");
  assert.equal(APP, "/usr/bin/studydesk");
  assert.equal(CLI, "/usr/bin/studydesk-cli");
  const step = steps(t);
  let browser;
  let homeRows;

  await step("/usr/bin/studydesk starts on an empty data folder and shows the onboarding screen", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding"))).waitForDisplayed({ timeout: 30_000 });
    // The window belongs to the installed binary, not to a build in target/.
    const exes = pidsMentioning(dataDir).map((pid) => readlinkSync(`/proc/${pid}/exe`));
    console.log(`# app processes on ${dataDir}: ${exes.join(", ")}`);
    assert.ok(exes.length > 0 && exes.every((e) => e === "/usr/bin/studydesk"), `expected /usr/bin/studydesk, running: ${exes.join(", ")}`);
  });

  await step("'Load sample data' opens Home with the sample tasks", async () => {
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("card-todo"))).waitForDisplayed();
    await browser.waitUntil(async () => (await todoRows(browser)).length > 0, { timeoutMsg: "no todo-item after loading the sample data" });
    homeRows = await todoRows(browser);
    console.log(`# Home shows ${homeRows.length} sample tasks: ${homeRows.map((r) => r.text).join(" | ")}`);
    const { ok } = await screenshot(browser, "installed-home");
    assert.ok(ok, "both screenshots of Home came out blank");
  });

  await step("after quitting, /usr/bin/studydesk-cli lists the tasks Home showed", async () => {
    await stop(browser, dataDir);
    browser = null;
    const tasks = JSON.parse(cli(dataDir, "task", "list", "--json"));
    console.log(`# studydesk-cli task list: ${tasks.length} tasks`);
    assert.ok(tasks.length >= homeRows.length, `the CLI lists ${tasks.length} tasks, Home showed ${homeRows.length}`);
    for (const row of homeRows) {
      const task = tasks.find((x) => x.id === row.id);
      assert.ok(task, `the CLI does not list the task ${row.id} ("${row.text}") Home showed`);
      assert.equal(task.description, row.text);
      assert.equal(String(task.is_completed), row.completed);
    }
  });
});
