// Insights in the real app (run by scripts/bench-insights.sh, which makes the data, starts
// Xvfb, a session bus and tauri-driver): how long a dashboard of 12 widgets over ten years
// of study data takes to be drawn, and how a line chart over a 100,000-row source answers
// the pointer.
//
// Data: the folder the `insights/` criterion bench keeps (`STUDYDESK_BENCH_KEEP`): ten
// years of sessions, tasks, assignments, reminders and posts, My study with 12 widgets over
// the whole ten years; the app's clock starts where the bench's did (`clock-from.txt`).
//
// 1. Open: for each run, a fresh copy of the folder and a new app, Home settled; the time
//    from the click on Insights (its code and the charts' code not loaded yet) until every
//    widget of My study in the window has drawn (no widget loading, a canvas in each chart,
//    a metric card's value shown) and the next frame was painted, measured in the page
//    (performance.now). Widgets below the window are drawn when they come near it: then
//    the time to draw what is in the window after a scroll to the end. For comparison, the
//    same timing for Settings (a page with no chart) opened from Home.
// 2. Reopen: another dashboard, then My study again, in the same app (its queries cached
//    by then: what switching dashboards costs).
// 3. 100,000 points: a CSV source of 100,000 rows (a day's value each, from 1753 on) and a
//    line chart widget over it, added with the CLI (`source add-csv`) and the widget
//    editor; Rust thins the series to about the chart's width before it reaches the page.
//    Measured: the time to draw it after the dashboard opens, how many points reached the
//    chart, and for 40 pointer moves across it the time from the move to the painted frame
//    with the tooltip updated (median and worst).

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { choose, cli, launch, quit, tempDir, tid } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const KEPT = process.env.STUDYDESK_BENCH_KEEP;
if (!KEPT) throw new Error("STUDYDESK_BENCH_KEEP names the data folder the insights bench kept");
const CLOCK = ["--clock-from", readFileSync(path.join(KEPT, "clock-from.txt"), "utf8").trim()];

/** Past the first-launch choice, Home settled (the bench's folder was never onboarded): "start empty". */
async function ready(browser) {
  await browser.waitUntil(async () => (await (await browser.$(tid("nav-insights"))).isDisplayed()) || (await (await browser.$(tid("onboarding-empty"))).isDisplayed()), {
    timeout: 60_000,
    timeoutMsg: "neither Home nor the first-launch choice showed",
  });
  const empty = await browser.$(tid("onboarding-empty"));
  if (await empty.isDisplayed()) await empty.click();
  await (await browser.$(tid("nav-insights"))).waitForDisplayed({ timeout: 60_000 });
  // Home has drawn its ten years (nothing loading) and the start-up work is over: what is
  // measured is Insights, not the tail of the launch.
  await browser.waitUntil(async () => (await browser.$$(".loading, [aria-busy=true]")).length === 0, { timeout: 60_000, timeoutMsg: "Home kept loading" });
  await browser.pause(2000);
}

/**
 * In the page: runs `action` ("click SELECTOR" or "scroll": the last widget scrolled into
 * view), then resolves with the ms until every widget in the window is drawn (no widget
 * loading, a canvas in each chart, a metric card's value shown; `scope` "all": every widget
 * of the dashboard) and the next frame was painted. At least `widgets` widgets must be there.
 * The floor for a page with no chart: `widgets` 0 (Settings).
 */
function timeDrawn(browser, action, widgets, scope = "view") {
  return browser.executeAsync(
    (act, n, all, done) => {
      const t0 = performance.now();
      if (act === "scroll") [...document.querySelectorAll(".insights-widget")].at(-1)?.scrollIntoView({ block: "end" });
      else document.querySelector(act.slice("click ".length)).click();
      const inView = (w) => {
        const r = w.getBoundingClientRect();
        return all || (r.top < window.innerHeight && r.bottom > 0);
      };
      const isDrawn = (w) => {
        if (w.querySelector(".status-loading, [aria-busy=true], .loading")) return false;
        const type = w.getAttribute("data-type");
        if (["line_chart", "bar_chart", "pie_chart", "area_chart"].includes(type)) return w.querySelector("canvas, .widget-empty, .widget-problem") !== null;
        if (type === "metric_card") return w.querySelector(".metric-card-value, .widget-empty") !== null;
        return true;
      };
      const seen = new Map();
      const check = () => {
        const widgetsNow = [...document.querySelectorAll(".insights-widget")];
        for (const w of widgetsNow) {
          const id = w.getAttribute("data-testid");
          if (!seen.has(id) && isDrawn(w) && w.querySelector("canvas, .metric-card-value, table, .widget-empty, .widget-problem")) {
            seen.set(id, `${w.getAttribute("data-type")} ${w.querySelector(".widget-title")?.textContent} ${Math.round(performance.now() - t0)}`);
          }
        }
        const counted = widgetsNow.filter(inView);
        if (widgetsNow.length >= n && counted.every(isDrawn)) {
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              window.__drawnAt = [...seen.values()];
              done({ ms: performance.now() - t0, drawn: counted.length });
            }),
          );
        } else if (performance.now() - t0 > 60_000) done({ ms: -1, drawn: 0 });
        else requestAnimationFrame(check);
      };
      check();
    },
    action,
    widgets,
    scope === "all",
  );
}

/** BENCH_DEBUG=1: when each widget was first drawn (ms after the click). */
async function debugDump(browser) {
  if (process.env.BENCH_DEBUG) process.stderr.write(`${JSON.stringify(await browser.execute(() => window.__drawnAt))}\n`);
}

async function newDashboard(browser, name) {
  await (await browser.$(tid("dashboard-new"))).click();
  await (await browser.$(tid("dashboard-name"))).setValue(name);
  await (await browser.$(tid("dashboard-name-save"))).click();
  await browser.waitUntil(async () => (await (await browser.$(tid("dashboard-title"))).getText()) === name, { timeout: 10_000 });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

async function openRuns() {
  const r = { open: [], inView: 0, rest: [], reopen: [], floor: [] };
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir("studydesk-bench-insights");
    cpSync(path.join(KEPT, "studydesk.db"), path.join(dir, "studydesk.db"));
    const { browser } = await launch(dir, CLOCK);
    await ready(browser);
    // The floor on this machine: a page with no chart (Settings) opened and painted.
    r.floor.push((await timeDrawn(browser, `click ${tid("nav-settings")}`, 0)).ms);
    await (await browser.$(tid("nav-home"))).click();
    await browser.pause(2000);
    const open = await timeDrawn(browser, `click ${tid("nav-insights")}`, 12);
    if (open.ms < 0) throw new Error("My study was not drawn within 60 s");
    await debugDump(browser);
    r.open.push(open.ms);
    r.inView = open.drawn;
    // The widgets at the end of the dashboard, below the window at first, drawn once scrolled to.
    r.rest.push((await timeDrawn(browser, "scroll", 12)).ms);
    // Each run's folder is a fresh copy: another dashboard to switch to.
    await newDashboard(browser, "Other");
    await (await browser.$(tid("dashboard-1"))).click();
    await browser.waitUntil(async () => (await browser.$$(".insights-widget")).length === 0, { timeout: 10_000 });
    r.reopen.push((await timeDrawn(browser, `click ${tid("dashboard-0")}`, 12)).ms);
    await quit(browser, dir);
    process.stderr.write(`run ${i + 1}: Settings ${fmt(r.floor.at(-1))}, open ${fmt(open.ms)} (${open.drawn} widgets in view), the rest ${fmt(r.rest.at(-1))}, reopen ${fmt(r.reopen.at(-1))}\n`);
  }
  return r;
}

/** A CSV of `n` days' values from 1753-01-01 (a wave with noise, so thinning has peaks to keep). */
function bigCsv(file, n) {
  const lines = ["day,value"];
  const start = Date.UTC(1753, 0, 1);
  for (let i = 0; i < n; i++) {
    const day = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${day},${(Math.sin(i / 500) * 100 + ((i * 7919) % 97)).toFixed(2)}`);
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

async function hundredThousand() {
  const dir = tempDir("studydesk-bench-insights-100k");
  cpSync(path.join(KEPT, "studydesk.db"), path.join(dir, "studydesk.db"));
  const csv = path.join(dir, "..", `hundred-thousand-${process.pid}.csv`);
  bigCsv(csv, 100_000);
  const source = JSON.parse(cli(dir, ...CLOCK, "source", "add-csv", csv, "--name", "100k", "--json"));
  const { browser } = await launch(dir, CLOCK);
  await ready(browser);
  await (await browser.$(tid("nav-insights"))).click();
  await (await browser.$(tid("dashboard-new"))).waitForDisplayed({ timeout: 60_000 });
  await newDashboard(browser, "Big");
  await (await browser.$(tid("widget-add"))).waitForDisplayed();
  await (await browser.$(tid("widget-add"))).click();
  await choose(browser, "widget-type", "line_chart");
  await (await browser.$(tid("widget-title"))).setValue("100,000 days");
  await (await browser.$(tid("widget-source-source"))).click();
  await choose(browser, "widget-data-source", source.row?.id ?? source.id);
  await (await browser.$(tid("widget-save"))).click();
  await browser.waitUntil(async () => (await browser.$$(".insights-widget canvas")).length === 1, { timeout: 60_000 });
  // Open it again from another dashboard: the drawing time of a 100,000-row line.
  await (await browser.$(tid("dashboard-0"))).click();
  const big = await browser.execute(() => [...document.querySelectorAll(".dashboard-link")].findIndex((b) => b.textContent?.startsWith("Big")));
  const drawMs = (await timeDrawn(browser, `click ${tid(`dashboard-${big}`)}`, 1)).ms;
  const moves = await browser.executeAsync((done) => {
    const canvas = document.querySelector(".insights-widget canvas");
    const box = canvas.getBoundingClientRect();
    const times = [];
    let i = 0;
    const move = () => {
      if (i === 40) return done({ times, tooltip: document.querySelector(".insights-widget [class*=tooltip], .insights-widget div[style*='z-index: 9999999']")?.textContent ?? "" });
      const x = box.left + 10 + ((box.width - 20) * i) / 39;
      const y = box.top + box.height / 2;
      const t0 = performance.now();
      canvas.dispatchEvent(new MouseEvent("mousemove", { clientX: x, clientY: y, bubbles: true }));
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          times.push(performance.now() - t0);
          i++;
          move();
        }),
      );
    };
    move();
  });
  const points = await browser.execute(() => document.querySelector(".insights-widget .widget-note")?.textContent ?? "");
  await quit(browser, dir);
  return { drawMs, moves, points };
}

const runs = await openRuns();
const big = await hundredThousand();
const m = big.moves.times;
const row = (what, xs, bold = false) => `| ${what} | ${bold ? `**${fmt(median(xs))}**` : fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`;
console.log(`| measure | median | min | max |
| --- | --- | --- | --- |
${row(`open Insights on My study (12 widgets, ten years): the ${runs.inView} widgets in the window drawn, ${RUNS} launches`, runs.open, true)}
${row("scroll to the end of it: the widgets then in the window drawn", runs.rest)}
${row("reopen My study from another dashboard", runs.reopen)}
${row("for comparison: open Settings (no chart) from Home", runs.floor)}
| a 100,000-row line chart drawn after its dashboard opens | ${fmt(big.drawMs)} | | |
| pointer move to painted tooltip over it (40 moves) | ${fmt(median(m))} | ${fmt(Math.min(...m))} | ${fmt(Math.max(...m))} |

100,000-row chart note: "${big.points}"; last tooltip: "${big.moves.tooltip.slice(0, 80)}"`);
