// End to end: a focus session in the real app, the rings and heatmap it moves, and
// immerse mode's layout and background surviving a restart.
//
// The app runs with `--clock-rate 60` (one real second is one minute of the app's clock),
// so a few seconds of waiting are minutes of study the heatmap and the rings can show,
// from the machine's time (`steadyClock`: 10:00 in a day's last 90 minutes), so the
// app's day stays today whenever CI runs it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { screenshot, setImmerseBackground, sleep, start, steadyClock, steps, stop, tempDir, tid, toJapaneseDark, waitForImmerseImage } from "./lib.mjs";

const CLOCK = steadyClock(60);
const POMODORO = "01930000-0000-7000-8000-000000000001";

async function status(browser) {
  const el = await browser.$(tid("session-status"));
  if (!(await el.isExisting())) return null;
  return el.getAttribute("data-status");
}

async function waitStatus(browser, want) {
  await browser.waitUntil(async () => (await status(browser)) === want, {
    timeout: 10_000,
    timeoutMsg: `session-status never became ${want}`,
  });
}

/** "mm:ss" or "h:mm:ss" → seconds */
async function timerSeconds(browser) {
  const text = (await (await browser.$(tid("session-timer"))).getText()).trim();
  const parts = text.split(":").map(Number);
  assert.ok(parts.every(Number.isFinite), `session-timer reads "${text}"`);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

async function ringDay(browser) {
  const ring = await browser.$(tid("ring-day"));
  await ring.waitForExist();
  return Number(await ring.getAttribute("data-value"));
}

/** The app's today: its clock starts at 10:00 and the test lasts a few app hours. */
const today = () => CLOCK.day;

/** Where the grid placed a widget: its target translate and size (not its on-screen box,
 * which lags behind while the grid animates the move). */
async function widgetBox(browser, id) {
  return browser.execute((tidSel) => {
    const el = document.querySelector(tidSel);
    if (!el) return null;
    const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(el.style.transform || "");
    return { x: m ? Math.round(Number(m[1])) : null, y: m ? Math.round(Number(m[2])) : null, w: Math.round(el.offsetWidth), h: Math.round(el.offsetHeight) };
  }, tid(`immerse-widget-${id}`));
}

async function firstWidget(browser, kind) {
  const el = await browser.$(`[data-testid^="immerse-widget-"][data-kind="${kind}"]`);
  await el.waitForDisplayed({ timeout: 10_000 });
  return (await el.getAttribute("data-testid")).replace("immerse-widget-", "");
}

test("focus: a session from a favorite moves the rings and the heatmap; immerse mode keeps its layout and background", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-focus");
  const image = path.join(tempDir("studydesk-e2e-img"), "background.png");
  execFileSync("convert", ["-size", "320x200", "gradient:#3b5bdb-#12b886", image]);
  let browser;
  let ringBefore;
  let minutesBefore;
  let moved;
  let clockId;

  await step("launch with sample data, then open Focus", async () => {
    ({ browser } = await start(dataDir, CLOCK.args()));
    await (await browser.$(tid("onboarding-sample"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    ringBefore = await ringDay(browser);
    await (await browser.$(tid("nav-focus"))).click();
    await (await browser.$(tid("focus"))).waitForDisplayed();
    await (await browser.$(tid("heatmap"))).waitForDisplayed();
    const cell = await browser.$(tid(`heatmap-cell-${today()}`));
    minutesBefore = (await cell.isExisting()) ? Number(await cell.getAttribute("data-minutes")) : 0;
    console.log(`# before: ring-day ${ringBefore}, heatmap today ${minutesBefore} min`);
    await screenshot(browser, "10-focus-en-light");
  });

  await step("star Pomodoro: it becomes a favorite and is listed first", async () => {
    const star = await browser.$(tid(`activity-fav-${POMODORO}`));
    if ((await star.getAttribute("aria-pressed")) !== "true") await star.click();
    await browser.waitUntil(async () => (await (await browser.$(tid(`activity-fav-${POMODORO}`))).getAttribute("aria-pressed")) === "true", {
      timeoutMsg: "the star never showed pressed",
    });
    const favorites = await browser.$(tid("activity-favorites"));
    await favorites.waitForDisplayed();
    const first = await favorites.$('[data-testid^="activity-"][data-testid$="' + POMODORO + '"]');
    assert.ok(await first.isExisting(), "Pomodoro is not in the favorites list");
  });

  await step("start from the favorite, pause after two (fast) minutes: the core counted them; paused, the timer stands still", async () => {
    await (await browser.$(`${tid("activity-favorites")} ${tid(`activity-start-${POMODORO}`)}`)).click();
    await waitStatus(browser, "active");
    const a = await timerSeconds(browser);
    await sleep(2_000); // two minutes of the app's clock
    await (await browser.$(tid("session-pause"))).click();
    await waitStatus(browser, "paused");
    // The UI extrapolates from the core's answer with the webview's own (unscaled) clock,
    // so the core's count shows once the pause answers.
    let b = a;
    await browser.waitUntil(async () => (b = await timerSeconds(browser)) >= a + 100, {
      timeoutMsg: `after 2 s at 60x the core should count about 120 s more than ${a}, the timer shows ${b}`,
    });
    console.log(`# timer ${a}s -> ${b}s after 2 real seconds at 60x`);
    await sleep(1_500);
    assert.equal(await timerSeconds(browser), b, "the timer moved while paused");
  });

  await step("resume, five more (fast) minutes", async () => {
    await (await browser.$(tid("session-resume"))).click();
    await waitStatus(browser, "active");
    await sleep(5_000);
    await screenshot(browser, "11-focus-running-en-light");
  });

  await step("complete: the heatmap's today cell and the day ring go up", async () => {
    await (await browser.$(tid("session-complete"))).click();
    await browser.waitUntil(async () => (await status(browser)) !== "active", { timeoutMsg: "the session stayed active after Complete" });
    let minutes = minutesBefore;
    await browser.waitUntil(
      async () => {
        const cell = await browser.$(tid(`heatmap-cell-${today()}`));
        minutes = (await cell.isExisting()) ? Number(await cell.getAttribute("data-minutes")) : 0;
        return minutes > minutesBefore;
      },
      { timeoutMsg: `the heatmap cell for ${today()} stayed at ${minutesBefore} minutes` },
    );
    const streakText = await (await browser.$(tid("streak-current"))).getText();
    const streak = Number(streakText.match(/\d+/)?.[0]);
    console.log(`# heatmap today ${minutesBefore} -> ${minutes} min; current streak ${streak}`);
    assert.ok(minutes - minutesBefore >= 5, `about 7 minutes were studied, the heatmap gained ${minutes - minutesBefore}`);
    assert.ok(streak >= 1, `studying today makes a streak of at least one day ("${streakText}")`);
    await (await browser.$(tid("nav-home"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed();
    let ring;
    await browser.waitUntil(async () => (ring = await ringDay(browser)) > ringBefore, {
      timeoutMsg: `ring-day stayed at ${ringBefore} after a completed session`,
    });
    console.log(`# ring-day ${ringBefore} -> ${ring}`);
  });

  await step("immerse: move the clock with the keyboard and set an image background", async () => {
    await (await browser.$(tid("nav-focus"))).click();
    await (await browser.$(tid("immerse-enter"))).click();
    await (await browser.$(tid("immerse"))).waitForDisplayed();
    clockId = await firstWidget(browser, "clock");
    const before = await widgetBox(browser, clockId);
    // Keyboard only: focus the widget's move handle and press the arrows.
    await browser.execute((sel) => document.querySelector(`${sel} .widget-drag`).focus(), tid(`immerse-widget-${clockId}`));
    await browser.keys(["ArrowDown"]);
    await browser.keys(["ArrowDown"]);
    await browser.keys(["ArrowDown"]);
    // Each key press is one move and one save; wait until the clock has settled.
    let last = before;
    await browser.waitUntil(
      async () => {
        await sleep(400);
        const now = await widgetBox(browser, clockId);
        const settled = now.y > before.y && now.y === last.y;
        last = now;
        return settled;
      },
      { timeoutMsg: "the clock did not move down" },
    );
    moved = last;
    console.log(`# clock moved from ${JSON.stringify(before)} to ${JSON.stringify(moved)}`);
    await setImmerseBackground(browser, image, 320);
    await sleep(500); // the layout save is in flight
    await screenshot(browser, "12-immerse-en-light");
  });

  await step("Esc leaves immerse mode", async () => {
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await (await browser.$(tid("immerse"))).isExisting()), { timeoutMsg: "Esc did not leave" });
    await (await browser.$(tid("focus"))).waitForDisplayed();
  });

  await step("relaunch: the layout and the background are as left", async () => {
    await stop(browser, dataDir);
    ({ browser } = await start(dataDir, CLOCK.args()));
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("nav-focus"))).click();
    await (await browser.$(tid("immerse-enter"))).click();
    await (await browser.$(tid("immerse"))).waitForDisplayed();
    await (await browser.$(tid(`immerse-widget-${clockId}`))).waitForDisplayed();
    let box;
    const same = await browser
      .waitUntil(async () => {
        box = await widgetBox(browser, clockId);
        return box && box.x === moved.x && box.y === moved.y;
      })
      .catch(() => false);
    assert.ok(same, `the clock is not where it was left: ${JSON.stringify(moved)} before, ${JSON.stringify(box)} after the restart`);
    await waitForImmerseImage(browser, 320, "the background image is gone after a restart");
    await browser.keys(["Escape"]);
  });

  await step("screenshots: Focus and Immerse in Japanese, dark", async () => {
    await toJapaneseDark(browser);
    await (await browser.$(tid("nav-focus"))).click();
    await (await browser.$(tid("focus"))).waitForDisplayed();
    const body = await (await browser.$(tid("focus"))).getText();
    assert.match(body, /集中|セッション/, "the Focus page should be in Japanese");
    await screenshot(browser, "13-focus-ja-dark");
    await (await browser.$(tid("immerse-enter"))).click();
    await (await browser.$(tid("immerse"))).waitForDisplayed();
    await screenshot(browser, "14-immerse-ja-dark");
    await browser.keys(["Escape"]);
    await stop(browser, dataDir);
    browser = null;
  });
});
