// End to end: the emoji picker in the real app. A course's icon is chosen by searching in
// English, with the keyboard; the picker is searched in Japanese in the dark theme; the
// star and the recently used row survive a restart; a custom emoji added in Settings is
// offered by the picker and shows as an image in a post; the CLI finds the same emoji.
// Screenshots of the picker (English light, Japanese dark) are viewed by a person: every
// emoji must be drawn in colour, never as an empty box.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { cli, screenshot, start, steps, stop, tempDir, tid, toJapaneseDark, waitGone } from "./lib.mjs";

/** One value read from the app's database file (sqlite3, read-only, while the app runs). */
const sql = (dataDir, query) =>
  execFileSync("sqlite3", ["-readonly", path.join(dataDir, "studydesk.db"), query], { encoding: "utf8" }).trim();

const byLabel = (label) => `[aria-label="${label}"]`;

/** The names of the first few emoji the grid shows. */
const firstCells = (browser) =>
  browser.execute(() => Array.from(document.querySelectorAll(".emoji-cell")).slice(0, 5).map((b) => b.getAttribute("aria-label")));

async function searchFor(browser, text, expected) {
  await (await browser.$("input.emoji-search")).addValue(text);
  let seen = [];
  await browser.waitUntil(async () => (seen = await firstCells(browser))[0] === expected, {
    timeout: 10_000,
    timeoutMsg: `searching ${text}: ${expected} is not first (${JSON.stringify(seen)})`,
  });
}

async function openCourseForm(browser, newCourse) {
  await (await browser.$(tid("nav-home"))).click();
  const card = await browser.$(tid("card-assignments"));
  await card.waitForDisplayed({ timeout: 20_000 });
  const toggle = await card.$(`button=${newCourse}`);
  await toggle.waitForDisplayed();
  await toggle.click();
}

async function pickerOpen(browser, choose) {
  await (await browser.$(byLabel(choose))).click();
  const picker = await browser.$(tid("emoji-picker"));
  await picker.waitForDisplayed({ timeout: 10_000 });
  // The catalog is drawn: the first category's first emoji is there.
  await browser.waitUntil(async () => (await browser.$$(".emoji-cell")).length > 1000, {
    timeout: 10_000,
    timeoutMsg: "the picker did not draw the catalog",
  });
  return picker;
}

test("emoji picker: search, keyboard, star, Japanese, dark, restart; Your activity", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-emoji");
  let browser;

  await step("start empty; the course form's emoji button opens the picker", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-empty"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await openCourseForm(browser, "New course");
    await pickerOpen(browser, "Choose an emoji");
    const focused = await browser.execute(() => document.activeElement?.getAttribute("aria-label"));
    assert.equal(focused, "Search emoji", "the search box has focus");
    await screenshot(browser, "emoji-01-picker-en-light");
  });

  await step("typing 'books', Down and Enter picks 📚 into the field; the course shows it", async () => {
    await searchFor(browser, "books", "books");
    assert.ok(await (await browser.$("section[aria-label='Results']")).isExisting());
    await screenshot(browser, "emoji-02-search-en-light");
    await browser.keys(["ArrowDown"]);
    await browser.keys(["f"]); // star it
    await browser.waitUntil(async () => (await (await browser.$(".emoji-preview .star")).getAttribute("aria-pressed")) === "true", {
      timeoutMsg: "F did not star the emoji",
    });
    await browser.keys(["Enter"]);
    await waitGone(browser, "emoji-picker");
    const field = await browser.$("input[name='emoji']");
    assert.match(await field.getValue(), /^📚\uFE0F?$/u);
    const name = await browser.$("input[name='name']");
    await name.setValue("Library science");
    await browser.keys(["Enter"]);
    let stored = "";
    await browser.waitUntil(async () => (stored = sql(dataDir, "SELECT emoji FROM courses WHERE name = 'Library science'")) !== "", {
      timeoutMsg: "the course was not stored",
    });
    assert.match(stored, /^📚\uFE0F?$/u);
  });

  await step("Japanese and dark: the picker searches in Japanese and shows starred and recent", async () => {
    await toJapaneseDark(browser);
    await openCourseForm(browser, "新しい授業");
    await pickerOpen(browser, "絵文字を選ぶ");
    assert.ok(await (await browser.$("section[aria-label='スター付き']")).isExisting(), "the starred row is there");
    assert.ok(await (await browser.$("section[aria-label='最近使った絵文字']")).isExisting(), "the recent row is there");
    await screenshot(browser, "emoji-03-picker-ja-dark");
    await searchFor(browser, "手を振る", "手を振る");
    await screenshot(browser, "emoji-04-search-ja-dark");
    await browser.keys(["Escape"]);
    await waitGone(browser, "emoji-picker");
  });

  await step("after a restart the star is kept; the CLI searches the same catalog", async () => {
    await stop(browser, dataDir);
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await openCourseForm(browser, "新しい授業");
    await pickerOpen(browser, "絵文字を選ぶ");
    const starred = await browser.$("section[aria-label='スター付き'] .emoji-cell");
    assert.equal(await starred.getAttribute("aria-label"), "本の山");
    await browser.keys(["Escape"]);
    await waitGone(browser, "emoji-picker");
  });

  await step("a custom emoji added in Settings is in the picker's Custom section and shows in a post", async () => {
    await (await browser.$(tid("nav-settings"))).click();
    const card = await browser.$(tid("settings-custom-emoji"));
    await card.waitForDisplayed({ timeout: 10_000 });
    await card.scrollIntoView();
    const file = path.join(tempDir("studydesk-e2e-emoji-img"), "study_cat.png");
    execFileSync("convert", ["-size", "64x64", "radial-gradient:#ffd43b-#e8590c", file]);
    // The native chooser cannot be driven: the visually hidden input is shown and given the
    // path, as the chooser would (the card's own button opens it).
    await browser.execute((sel) => document.querySelector(sel).classList.remove("sr-only"), tid("custom-emoji-file"));
    await (await browser.$(tid("custom-emoji-file"))).addValue(file);
    await browser.execute((sel) => document.querySelector(sel).classList.add("sr-only"), tid("custom-emoji-file"));
    // The shortcode is suggested from the file's name; the name is optional.
    await browser.waitUntil(async () => (await (await browser.$(tid("custom-emoji-shortcode"))).getValue()) === "study_cat", {
      timeoutMsg: "the shortcode was not suggested from the file name",
    });
    await (await browser.$(tid("custom-emoji-name"))).setValue("勉強ねこ");
    await (await browser.$(tid("custom-emoji-add"))).click();
    const item = await browser.$(tid("custom-emoji-item"));
    await item.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the custom emoji is not listed" });
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[data-testid="custom-emoji-item"] img')?.complete)) === true, {
      timeoutMsg: "the custom emoji's image did not load",
    });
    assert.equal(sql(dataDir, "SELECT shortcode || '|' || name || '|' || (created_by IS NOT NULL) FROM emojis WHERE is_custom = 1"), ":study_cat:|勉強ねこ|1");
    assert.equal(sql(dataDir, "SELECT count(*) FROM sync_changes WHERE table_name = 'emojis'"), "1", "queued for sync (the Unicode rows never are)");
    await item.scrollIntoView();
    await screenshot(browser, "emoji-06-custom-settings-ja-dark");

    await (await browser.$(tid("nav-feed"))).click();
    await (await browser.$(tid("composer-text"))).waitForDisplayed({ timeout: 10_000 });
    await (await browser.$(tid("composer-text"))).addValue("今日の勉強おわり ");
    await (await browser.$(tid("composer-emoji"))).click();
    await (await browser.$(tid("emoji-picker"))).waitForDisplayed({ timeout: 10_000 });
    const cell = await browser.$("section[aria-label='カスタム'] .emoji-cell");
    await cell.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the picker has no Custom section" });
    assert.equal(await cell.getAttribute("aria-label"), "勉強ねこ");
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector("section[aria-label='カスタム'] img")?.naturalWidth)) === 64, {
      timeoutMsg: "the picker did not draw the custom emoji's image",
    });
    // Focused (the preview names it), its section at the top of the grid.
    await browser.execute((el) => el.focus(), cell);
    await (await browser.$("section[aria-label='カスタム']")).scrollIntoView({ block: "start" });
    assert.match(await (await browser.$(".emoji-preview")).getText(), /勉強ねこ\s*:study_cat:/);
    await screenshot(browser, "emoji-07-picker-custom-ja-dark");
    await cell.click();
    await waitGone(browser, "emoji-picker");
    assert.equal(await (await browser.$(tid("composer-text"))).getValue(), "今日の勉強おわり :study_cat:", "its :shortcode: went in at the caret");
    await (await browser.$(tid("composer-text"))).addValue(" :not_mine: :<b>x</b>:");
    await (await browser.$(tid("composer-post"))).click();
    const shown = () =>
      browser.execute(() => {
        const p = [...document.querySelectorAll('[data-testid="post"] .post-content')].find((e) => e.textContent?.includes("今日の勉強おわり"));
        const img = p?.querySelector("img.custom-emoji");
        return p ? { text: p.textContent, alt: img?.getAttribute("alt"), width: img?.complete ? img.naturalWidth : 0, bold: Boolean(p.querySelector("b")) } : null;
      });
    let seen = null;
    await browser.waitUntil(async () => (seen = await shown())?.width === 64, { timeout: 10_000, timeoutMsg: () => `the post does not show the emoji: ${JSON.stringify(seen)}` });
    assert.equal(seen.alt, ":study_cat:");
    assert.equal(seen.text, "今日の勉強おわり  :not_mine: :<b>x</b>:", "unknown shortcodes and markup stay text");
    assert.equal(seen.bold, false);
    await (await browser.$(".post-content img.custom-emoji")).scrollIntoView({ block: "center" });
    await screenshot(browser, "emoji-08-post-custom-ja-dark");
  });

  await step("Settings › Your activity lists what was done, and its history can be deleted", async () => {
    await (await browser.$(tid("nav-settings"))).click();
    const card = await browser.$(tid("settings-activity"));
    await card.waitForDisplayed();
    await card.scrollIntoView();
    const bars = await browser.$(tid("activity-bars"));
    await bars.waitForDisplayed({ timeout: 10_000 });
    const text = await bars.getText();
    assert.match(text, /ページを開いた/, "page opens are listed");
    await screenshot(browser, "emoji-05-your-activity-ja-dark");
    const kept = Number(sql(dataDir, "SELECT count(*) FROM user_activity_log"));
    assert.ok(kept >= 3, `entries were recorded (${kept})`);
    assert.equal(sql(dataDir, "SELECT count(*) FROM sync_changes WHERE table_name = 'user_activity_log'"), "0", "never queued for sync");
    await (await browser.$(tid("activity-clear"))).click();
    await (await browser.$(tid("activity-clear-dialog-confirm"))).click();
    await (await browser.$(tid("activity-empty"))).waitForDisplayed({ timeout: 10_000 });
    assert.equal(sql(dataDir, "SELECT count(*) FROM user_activity_log"), "0");
    await stop(browser, dataDir);
    browser = null;
    const found = JSON.parse(cli(dataDir, "emoji", "search", "wave", "--json"));
    assert.equal(found[0].shortcode, ":wave:");
    assert.equal(found[0].name_ja, "手を振る");
    const custom = JSON.parse(cli(dataDir, "emoji", "list", "--custom", "--json"));
    assert.deepEqual(custom.map((e) => [e.shortcode, e.name, e.mine]), [[":study_cat:", "勉強ねこ", true]]);
  });

  if (browser) await stop(browser, dataDir);
});
