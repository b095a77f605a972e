// End to end: sync between two app instances (two data folders) through a real
// studydesk-server on a real PostgreSQL (the cluster scripts/e2e.sh starts with
// pg_virtualenv). The laptop creates the account in Settings › Sync and adds a task; the
// desktop signs in to the same account and finds the task in its Today list, and the
// laptop's Immerse background picture, file and all; a task the desktop adds reaches the
// laptop after "Sync now"; a picture whose file changed on disk after it was attached is
// listed as not synced; the laptop changes the account's password (a wrong current one
// first) and stays signed in, then signs out everywhere. tauri-driver runs one session at a time, so the two instances take
// turns (each keeps its own data folder and key).

import { test } from "node:test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { choose, screenshot, setImmerseBackground, sleep, start, steps, stop, tempDir, tid, waitForImmerseImage, waitForRow, startSyncServer, openSyncSettings, syncNow, syncSignIn } from "./lib.mjs";

const EMAIL = "ada@example.org";
const PASSWORD = "correct horse battery";





async function addTask(browser, text) {
  await (await browser.$(tid("nav-home"))).click();
  const input = await browser.$(tid("todo-input"));
  await input.waitForDisplayed();
  await input.setValue(text);
  await (await browser.$(tid("todo-add"))).click();
  await waitForRow(browser, text);
}

/** A PNG gradient of `width` x 200 pixels in a fresh folder, named `name`. */
function picture(name, width, colors) {
  const file = path.join(tempDir("studydesk-e2e-img"), name);
  execFileSync("convert", ["-size", `${width}x200`, `gradient:${colors}`, file]);
  return file;
}

async function openImmerse(browser) {
  await (await browser.$(tid("nav-focus"))).click();
  await (await browser.$(tid("immerse-enter"))).click();
  await (await browser.$(tid("immerse"))).waitForDisplayed();
}

async function leaveImmerse(browser) {
  await browser.keys(["Escape"]);
  await browser.waitUntil(async () => !(await (await browser.$(tid("immerse"))).isExisting()), { timeoutMsg: "Esc did not leave Immerse" });
}

/** The copy of `original` in a data folder's attachments (same bytes). */
function attachedCopy(dataDir, original) {
  const want = fs.readFileSync(original);
  const root = path.join(dataDir, "attachments");
  const found = fs
    .readdirSync(root, { recursive: true })
    .map((f) => path.join(root, f))
    .find((f) => fs.statSync(f).isFile() && fs.readFileSync(f).equals(want));
  if (!found) throw new Error(`no copy of ${original} under ${root}`);
  return found;
}

async function startEmpty(dir) {
  const { browser } = await start(dir);
  const empty = await browser.$(tid("onboarding-empty"));
  await empty.waitForDisplayed({ timeout: 20_000 });
  await empty.click();
  await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
  return browser;
}

test("sync: a task added on one app instance appears on the other", async (t) => {
  const step = steps(t);
  const server = await startSyncServer("sync");
  t.after(server.stop);
  const laptopDir = tempDir("studydesk-e2e-laptop");
  const desktopDir = tempDir("studydesk-e2e-desktop");
  let browser;

  await step("laptop: add a task and a background picture, then create the account in Settings › Sync", async () => {
    browser = await startEmpty(laptopDir);
    await addTask(browser, "Read chapter 3");
    await openImmerse(browser);
    await setImmerseBackground(browser, picture("sky.png", 320, "#3b5bdb-#12b886"), 320);
    await leaveImmerse(browser);
    await syncSignIn(browser, server.base, EMAIL, PASSWORD, { beforeClick: () => screenshot(browser, "39-sync-sign-in-form") });
    await screenshot(browser, "40-sync-signed-in");
    // The account actions' dialog, in English and light; Escape closes it.
    await (await browser.$(tid("sync-change-password"))).click();
    await (await browser.$(tid("sync-password-dialog"))).waitForDisplayed();
    await screenshot(browser, "45-sync-password-dialog-en-light");
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await (await browser.$(tid("sync-password-dialog"))).isExisting()), { timeoutMsg: "Esc did not close the password dialog" });
    await syncNow(browser);
    await stop(browser, laptopDir);
  });

  await step("desktop: sign in to the same account; the laptop's task is in Today", async () => {
    browser = await startEmpty(desktopDir);
    await syncSignIn(browser, server.base, EMAIL, PASSWORD, { button: "sync-login" });
    await (await browser.$(tid("nav-home"))).click();
    await waitForRow(browser, "Read chapter 3", 20_000);
    await openImmerse(browser);
    await waitForImmerseImage(browser, 320, "the laptop's background picture did not reach the desktop");
    await sleep(300);
    await screenshot(browser, "44-sync-picture-on-desktop");
    await leaveImmerse(browser);
    await addTask(browser, "Buy a notebook");
    await syncNow(browser);
    await stop(browser, desktopDir);
  });

  await step("laptop: after Sync now the desktop's task is there too", async () => {
    ({ browser } = await start(laptopDir));
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await syncNow(browser);
    await (await browser.$(tid("nav-home"))).click();
    await waitForRow(browser, "Buy a notebook", 20_000);
    await waitForRow(browser, "Read chapter 3");
  });

  await step("laptop: a picture changed on disk after it was attached is listed as not synced", async () => {
    const desk = picture("desk.png", 240, "#f08c00-#e03131");
    await openImmerse(browser);
    await setImmerseBackground(browser, desk, 240);
    await leaveImmerse(browser);
    execFileSync("convert", ["-size", "240x200", "gradient:#000000-#ffffff", attachedCopy(laptopDir, desk)]);
    await syncNow(browser);
    const files = await browser.$(tid("sync-refused-files"));
    await files.waitForDisplayed({ timeout: 20_000, timeoutMsg: "the changed file is not listed as not synced" });
    const text = await files.getText();
    if (!text.includes("desk.png") || !text.includes("The file changed on this computer after it was attached")) throw new Error(`the list reads: ${text}`);
    const phase = await (await browser.$(tid("sync-status"))).getAttribute("data-phase");
    if (phase !== "synced") throw new Error(`the refused file stopped the round: the status is ${phase}`);
  });

  await step("laptop, in Japanese and dark: the Sync card says it is synced, in Japanese", async () => {
    await openSyncSettings(browser);
    await choose(browser, "settings-theme", "dark");
    await (await browser.$(tid("settings-sync"))).scrollIntoView();
    await screenshot(browser, "41-sync-card-en-dark");
    await choose(browser, "settings-language", "ja");
    await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.lang)) === "ja", { timeoutMsg: "not Japanese" });
    const status = await browser.$(tid("sync-status"));
    await browser.waitUntil(async () => (await status.getText()).includes("同期済み"), {
      timeout: 10_000,
      timeoutMsg: "the Sync card does not say 同期済み (synced) in Japanese",
    });
    await (await browser.$(tid("settings-sync"))).scrollIntoView();
    await screenshot(browser, "42-sync-card-ja-dark");
    await choose(browser, "settings-theme", "light");
    await screenshot(browser, "43-sync-card-ja-light");
  });

  await step("laptop, in Japanese and dark: change the password (a wrong current one is said in words), then sign out everywhere", async () => {
    await choose(browser, "settings-theme", "dark");
    await (await browser.$(tid("settings-sync"))).scrollIntoView();
    await (await browser.$(tid("sync-change-password"))).click();
    const dialog = await browser.$(tid("sync-password-dialog"));
    await dialog.waitForDisplayed();
    const NEW_PASSWORD = "a much longer horse battery";
    await (await browser.$(tid("sync-password-current"))).setValue("not the password");
    await (await browser.$(tid("sync-password-next"))).setValue(NEW_PASSWORD);
    await (await browser.$(tid("sync-password-confirm"))).setValue(NEW_PASSWORD);
    await (await browser.$(tid("sync-password-submit"))).click();
    const error = await browser.$(tid("sync-password-error"));
    await error.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the wrong current password was not reported" });
    const said = await error.getText();
    if (!said.includes("現在のパスワードが正しくありません")) throw new Error(`the wrong password reads: ${said}`);
    await screenshot(browser, "46-sync-password-dialog-ja-dark");
    await (await browser.$(tid("sync-password-current"))).setValue(PASSWORD);
    await (await browser.$(tid("sync-password-submit"))).click();
    const notice = await browser.$(tid("sync-notice"));
    await notice.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the password change did not say it was done" });
    if (await dialog.isExisting()) throw new Error("the password dialog stayed open after the change");
    const phase = await (await browser.$(tid("sync-status"))).getAttribute("data-phase");
    if (phase === "signed_out" || phase === "off") throw new Error(`this device was signed out by its own password change: ${phase}`);
    // Still signed in with the new key: a round works.
    await syncNow(browser);
    await screenshot(browser, "47-sync-password-changed-ja-dark");

    await (await browser.$(tid("sync-logout-everywhere"))).click();
    await (await browser.$(tid("sync-logout-everywhere-dialog"))).waitForDisplayed();
    await screenshot(browser, "48-sync-sign-out-everywhere-ja-dark");
    await (await browser.$(tid("sync-logout-everywhere-dialog-confirm"))).click();
    const status = await browser.$(tid("sync-status"));
    await browser.waitUntil(async () => (await status.getAttribute("data-phase")) === "signed_out", {
      timeout: 30_000,
      timeoutMsg: "the card did not show the signed-out state after signing out everywhere",
    });
    await (await browser.$(tid("sync-password"))).waitForDisplayed();
    await screenshot(browser, "49-sync-signed-out-everywhere-ja-dark");
    await stop(browser, laptopDir);
  });
});
