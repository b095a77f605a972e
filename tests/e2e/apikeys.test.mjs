// End to end: Settings › API keys (issue 16 item 4). A key created in the window is shown
// once and works against the local API, which the app starts when the switch is turned on
// (127.0.0.1, the chosen port); screenshots in English light and Japanese dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { cli, screenshot, setInputValue, start, steps, tempDir, tid, toJapaneseDark } from "./lib.mjs";

const PORT = 27000 + Math.floor(Math.random() * 1000);

async function get(path, key) {
  const headers = key ? { authorization: `Bearer ${key}` } : {};
  const r = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers });
  return { status: r.status, body: await r.json() };
}

test("API keys: create a key in Settings, turn the local API on, read tasks with it", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-apikeys");
  let browser;
  let key;

  await step("Settings shows the section, the local API off", async () => {
    cli(dataDir, "sample-data");
    cli(dataDir, "task", "add", "read chapter 4");
    ({ browser } = await start(dataDir));
    const nav = await browser.$(tid("nav-settings"));
    await nav.waitForDisplayed({ timeout: 20_000 });
    await nav.click();
    const section = await browser.$(tid("settings-api-keys"));
    await section.waitForDisplayed({ timeout: 20_000 });
    await section.scrollIntoView();
    assert.equal(await (await browser.$(tid("local-api-enabled"))).isSelected(), false);
  });

  await step("a key is created and shown once", async () => {
    await setInputValue(browser, await browser.$("#api-key-name"), "e2e script");
    await (await browser.$(`${tid("api-key-form")} button[type=submit]`)).click();
    const value = await browser.$(tid("api-new-key-value"));
    await value.waitForDisplayed();
    key = (await value.getText()).trim();
    assert.match(key, /^sdk_[0-9a-f]{64}$/);
    await (await browser.$(tid("api-keys-list"))).waitForDisplayed();
    await (await browser.$(tid("settings-api-keys"))).scrollIntoView();
    await screenshot(browser, "apikeys-01-created-en-light");
  });

  await step("the switch starts the API on the chosen port; the key reads tasks, none is refused", async () => {
    await setInputValue(browser, await browser.$("#local-api-port"), String(PORT));
    await (await browser.$(".api-port-row button[type=submit]")).click();
    await (await browser.$(tid("local-api-enabled"))).click();
    let answer;
    await browser.waitUntil(
      async () => {
        answer = await get("/v1/tasks", key).catch(() => null);
        return answer?.status === 200;
      },
      { timeout: 15_000, timeoutMsg: `the local API did not answer on ${PORT}` },
    );
    assert.ok(answer.body.some((task) => task.description === "read chapter 4"));
    const refused = await get("/v1/tasks");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.kind, "api_key_missing");
    const list = JSON.parse(cli(dataDir, "apikey", "list", "--json"));
    assert.ok(list[0].last_used, "last_used was stamped");
  });

  await step("in Japanese and dark", async () => {
    await toJapaneseDark(browser);
    const section = await browser.$(tid("settings-api-keys"));
    await section.scrollIntoView();
    await sleep(300);
    assert.match(await section.getText(), /API キー/);
    await screenshot(browser, "apikeys-02-ja-dark");
  });

  await step("turning it off stops the API", async () => {
    await (await browser.$(tid("local-api-enabled"))).click();
    await browser.waitUntil(async () => (await get("/v1/tasks", key).catch(() => null)) === null, {
      timeout: 15_000,
      timeoutMsg: "the local API still answers after it was turned off",
    });
  });
});
