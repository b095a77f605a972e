// Shared helpers for the end-to-end tests and the startup benchmark.
//
// They talk to tauri-driver (started by scripts/e2e.sh / scripts/bench-startup.sh on
// 127.0.0.1:$TAURI_DRIVER_PORT, default 4444) through WebdriverIO's remote(), which keeps
// its HTTP connection alive (a client that opened a connection per request failed about
// 1 run in 5 against tauri-driver with "connection reset by peer").

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");
export const APP = path.resolve(process.env.STUDYDESK_APP ?? `${ROOT}/target/debug/studydesk`);
export const CLI = path.resolve(process.env.STUDYDESK_CLI ?? `${ROOT}/target/debug/studydesk-cli`);
export const ARTIFACTS = path.resolve(process.env.E2E_ARTIFACTS ?? `${here}/artifacts`);
export const DRIVER_PORT = Number(process.env.TAURI_DRIVER_PORT ?? 4444);

/** `[data-testid="id"]` */
export const tid = (id) => `[data-testid="${id}"]`;

/**
 * Moves to a page through the sidebar and waits until the move has committed (its button says
 * `aria-current="page"`). Every move is a React transition: two clicks in a row can be batched
 * into one, so a test that leaves a page to have it open afresh must wait between them.
 */
export async function goTo(browser, page) {
  const button = await browser.$(tid(`nav-${page}`));
  await button.click();
  await browser.waitUntil(async () => (await button.getAttribute("aria-current")) === "page", {
    timeout: 20_000,
    timeoutMsg: `the ${page} page did not open`,
  });
}

/**
 * The figure of the open dashboard's "Minutes studied" card (English), as a number: the
 * metric card whose value is in minutes. The cards draw as their answers come, in any
 * order, so the first card in the page may be another (a count of sessions).
 */
export async function minutesOnCard(browser, timeout = 20_000) {
  let text = null;
  await browser.waitUntil(
    async () => {
      text = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="metric-card-value"]')].map((e) => e.textContent ?? "").find((t) => /minute/.test(t)) ?? null,
      );
      return text !== null;
    },
    { timeout, timeoutMsg: "no metric card in minutes" },
  );
  return Number(text.replace(/[^0-9]/g, ""));
}

/** A fresh, empty folder under $TMPDIR (the scripts point TMPDIR at a per-run folder). */
export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), `${prefix}-`));
}

/**
 * Starts the app (or `application`, e.g. the benchmark's bare app) through tauri-driver
 * with `--data-dir dataDir` (and `extraArgs`, e.g. `["--clock-rate", "60"]`) and returns
 * the WebdriverIO browser plus how long the new-session request took (the app's launch
 * and first page load).
 */
export async function launch(dataDir, extraArgs = [], application = APP) {
  const started = performance.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port: DRIVER_PORT,
    path: "/",
    logLevel: process.env.WDIO_LOG_LEVEL ?? "error",
    // A retried new-session request would start a second app on the same data dir.
    connectionRetryCount: 0,
    connectionRetryTimeout: 90_000,
    waitforTimeout: 15_000,
    waitforInterval: 50,
    capabilities: {
      // tauri-driver maps these to WebKitWebDriver's webkitgtk:browserOptions.
      "tauri:options": { application, args: ["--data-dir", dataDir, ...extraArgs] },
      // WebKitWebDriver speaks classic WebDriver only; do not ask for a BiDi socket.
      "wdio:enforceWebDriverClassic": true,
    },
  });
  return { browser, sessionMs: performance.now() - started };
}

/** Pids of running processes whose command line mentions `needle` (e.g. a data dir). */
export function pidsMentioning(needle) {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (cmd[0] && path.basename(cmd[0]) === "studydesk" && cmd.includes(needle)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * Ends the WebDriver session and waits until the app process is gone.
 *
 * WebKitWebDriver ends the app by killing it when the session ends, but only while the
 * app's automation connection is still open (WebKit's SessionHost destructor): if the
 * app's side closes first, nothing kills it, and with its webview destroyed it keeps
 * running. Seen once in CI; not reproduced in about 90 stops here. So after `graceMs` the
 * app's threads are dumped to artifacts (to tell that race from a real hang) and it is
 * stopped with SIGTERM, then SIGKILL; only an app that survives even that fails the test.
 */
export async function quit(browser, dataDir, graceMs = 10_000) {
  await browser.deleteSession();
  if (await gone(dataDir, graceMs)) return;
  const pids = pidsMentioning(dataDir);
  console.log(`# warning: the app (data dir ${dataDir}) was still running ${graceMs} ms after the session ended; stopping it${dumpStacks(pids)}`);
  for (const signal of ["SIGTERM", "SIGKILL"]) {
    for (const pid of pidsMentioning(dataDir)) {
      try {
        process.kill(pid, signal);
      } catch {
        // it ended meanwhile
      }
    }
    if (await gone(dataDir, 5_000)) return;
  }
  throw new Error(`the app (data dir ${dataDir}) survived SIGKILL`);
}

/** Whether no app on `dataDir` runs any more, waiting up to `ms`. */
async function gone(dataDir, ms) {
  const deadline = Date.now() + ms;
  while (pidsMentioning(dataDir).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Why an app did not exit: every thread's backtrace (gdb, when installed) goes to
 * artifacts/stuck-PID.txt; returns a summary of the threads' innermost app frames.
 */
function dumpStacks(pids) {
  let summary = "";
  for (const pid of pids) {
    try {
      const out = execFileSync("gdb", ["-p", String(pid), "-batch", "-nx", "-ex", "thread apply all bt 30"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 60_000,
      });
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `stuck-${pid}.txt`);
      writeFileSync(file, out);
      // Per thread: its name, where it waits (#0) and its innermost frame of our code.
      const threads = out.split(/\n(?=Thread \d+ )/).filter((b) => b.startsWith("Thread "));
      const lines = threads.map((b) => {
        const frames = b.split("\n");
        const ours = frames.find((l) => /studydesk/.test(l) && /^#/.test(l));
        const name = /"([^"]*)"\)/.exec(frames[0])?.[1] ?? frames[0];
        const clip = (l) => (l ?? "").replace(/\s+\(.*$/, "").slice(0, 160);
        return `${name}: ${clip(frames[1])}${ours ? ` | ${clip(ours)}` : ""}`;
      });
      summary += `\n--- pid ${pid} (all threads in ${file}) ---\n${lines.join("\n")}`;
    } catch (e) {
      summary += `\n--- pid ${pid}: no backtrace (${e.message.split("\n")[0]}) ---`;
    }
  }
  return summary;
}

/**
 * Sets an `<input>`'s value as React reads it (the native setter, then an input event):
 * WebKitGTK's date and time fields take no typed text through WebDriver.
 */
export async function setInputValue(browser, element, value) {
  await browser.execute(
    (el, v) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    element,
    value,
  );
}

/** Runs studydesk-cli with `--data-dir dir` and the given arguments; returns stdout. */
export function cli(dir, ...args) {
  return execFileSync(CLI, ["--data-dir", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The standard deviation of a PNG's pixels (0 = a blank, single-colour image), via ImageMagick. */
export function imageStdDev(file) {
  try {
    return Number(execFileSync("convert", [file, "-colorspace", "Gray", "-format", "%[fx:standard_deviation]", "info:"], { encoding: "utf8" }));
  } catch {
    return NaN;
  }
}

/**
 * Saves `name.png` through WebDriver's screenshot command, and `name.root.png` from the
 * X server (`import -window root`) as a fallback in case WebKitWebDriver's image comes
 * out blank. Returns both paths with their pixel spread.
 */
export async function screenshot(browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // WebKitWebDriver returns the last painted frame: let the page paint twice first, or a
  // change made just before (language, theme) may be missing from the image.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  // And it waits for the next painted frame: with WebKit's CPU painter (the app's choice on
  // a machine with no GPU, as here) a page with nothing left to paint gives none, and the
  // command hangs. A 1-pixel mark, all but transparent, changes every 50 ms until the image
  // is taken, so a frame comes.
  await browser.execute(() => {
    const mark = document.createElement("div");
    mark.id = "e2e-paint-mark";
    mark.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.body.appendChild(mark);
    let n = 0;
    window.__e2ePaintMark = setInterval(() => (mark.style.background = n++ % 2 ? "transparent" : "rgba(0,0,0,0.01)"), 50);
  });
  const t0 = performance.now();
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => {
      clearInterval(window.__e2ePaintMark);
      document.getElementById("e2e-paint-mark")?.remove();
    });
  }
  const webdriverMs = performance.now() - t0;
  const shot = { file, stddev: imageStdDev(file) };
  let root = null;
  let rootMs = 0;
  if (process.env.DISPLAY) {
    const rootFile = path.join(ARTIFACTS, `${name}.root.png`);
    try {
      const t1 = performance.now();
      execFileSync("import", ["-window", "root", rootFile], { stdio: "ignore", timeout: 15_000 });
      rootMs = performance.now() - t1;
      root = { file: rootFile, stddev: imageStdDev(rootFile) };
    } catch (e) {
      root = { file: rootFile, error: String(e) };
    }
  }
  const ok = shot.stddev > 0.01 || (root && root.stddev > 0.01);
  console.log(
    `# screenshot ${name}: webdriver ${path.relative(ROOT, file)} (${webdriverMs.toFixed(0)} ms, stddev ${shot.stddev.toFixed(3)})` +
      (root ? `, X root ${path.relative(ROOT, root.file)} (${rootMs.toFixed(0)} ms, stddev ${root.stddev?.toFixed?.(3) ?? root.error})` : ""),
  );
  return { shot, root, ok };
}

/** The todo rows as plain data: [{ id, completed, text }]. */
export async function todoRows(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="todo-item"]')].map((li) => ({
      id: li.getAttribute("data-task-id"),
      completed: li.getAttribute("data-completed"),
      text: li.querySelector('[data-testid="todo-text"]')?.textContent?.trim() ?? "",
    })),
  );
}

/** Waits for a todo row whose text is `text` and returns it. */
export async function waitForRow(browser, text, timeout = 10_000) {
  let found;
  await browser.waitUntil(
    async () => {
      found = (await todoRows(browser)).find((r) => r.text === text);
      return Boolean(found);
    },
    { timeout, timeoutMsg: `no todo-item with the text "${text}" after ${timeout} ms` },
  );
  return found;
}

/** Attributes of <html>: lang, data-theme, data-theme-setting. */
export async function htmlState(browser) {
  return browser.execute(() => ({
    lang: document.documentElement.lang,
    theme: document.documentElement.dataset.theme ?? null,
    themeSetting: document.documentElement.dataset.themeSetting ?? null,
  }));
}

/** Picks an <option> by value in a <select> and waits until the select shows it. */
export async function choose(browser, selectTestId, value) {
  const select = await browser.$(tid(selectTestId));
  await select.waitForDisplayed();
  await select.selectByAttribute("value", value);
  await browser.waitUntil(async () => (await select.getValue()) === value, {
    timeout: 5_000,
    timeoutMsg: `${selectTestId} did not change to ${value}`,
  });
}

export function fileSnapshot(file) {
  const st = statSync(file);
  return { bytes: readFileSync(file), size: st.size, mtimeMs: st.mtimeMs };
}

// Sessions still open when a test fails are ended at the end of that test, so no app is
// left running and the next test can start its own (tauri-driver allows one session).
const open = new Set();
/**
 * App arguments for a fast clock whose day does not change under the test: `rate` times
 * as fast, reading the machine's time (10:00 today in the last 90 minutes of a day) at the
 * first launch, and at each later launch the time that clock would read by then. Without it
 * a test CI starts at 23:55 sees the app's "today" become tomorrow a few seconds in.
 */
export function steadyClock(rate) {
  // The app's clock starts at the machine's time, so the webview's own clock (with which the
  // UI counts a running timer down between answers) agrees with it at first: started at
  // 10:00 on a machine whose clock read 10:40, the focus timer stood still. Only within 90
  // minutes of midnight does it start at 10:00 instead, so the test's "today" cannot end
  // while it runs at 60x (that case is still skewed).
  const from = new Date();
  from.setSeconds(0, 0);
  if (from.getHours() * 60 + from.getMinutes() > 22 * 60 + 30) from.setHours(10, 0, 0, 0);
  const realStart = Date.now();
  const args = () => ["--clock-rate", String(rate), "--clock-from", new Date(from.getTime() + (Date.now() - realStart) * rate).toISOString()];
  return { args, day: `${from.getFullYear()}-${String(from.getMonth() + 1).padStart(2, "0")}-${String(from.getDate()).padStart(2, "0")}` };
}

export async function start(dataDir, extraArgs = []) {
  const s = await launch(dataDir, extraArgs);
  open.add(s.browser);
  console.log(`# launched ${dataDir}: new session in ${Math.round(s.sessionMs)} ms`);
  return s;
}
export async function stop(browser, dataDir) {
  open.delete(browser);
  await quit(browser, dataDir);
}
async function closeOpenSessions() {
  for (const b of open) await b.deleteSession().catch(() => {});
  open.clear();
}

/**
 * Runs the steps of one scenario in order; once a step fails the later ones are skipped.
 * Any session the scenario leaves open is ended when it finishes.
 */
export function steps(t) {
  t.after(closeOpenSessions);
  let failed = null;
  return async (name, fn) =>
    t.test(name, async (st) => {
      if (failed) return st.skip(`an earlier step failed: ${failed}`);
      try {
        await fn(st);
      } catch (e) {
        failed = name;
        throw e;
      }
    });
}

/** Sets the open Immerse room's background to `file`, through its file input (the native
 * file chooser cannot be driven: the visually hidden input is shown and given the path,
 * as the chooser would), and waits until the image shows. */
export async function setImmerseBackground(browser, file, width) {
  await browser.execute((sel) => document.querySelector(sel).classList.remove("sr-only"), tid("immerse-background-input"));
  await (await browser.$(tid("immerse-background-input"))).addValue(file);
  await browser.waitUntil(
    async () => (await (await browser.$(tid("immerse-background"))).getAttribute("data-kind")) === "image",
    { timeoutMsg: "the background did not become an image" },
  );
  await waitForImmerseImage(browser, width, "the background image never loaded (asset protocol?)");
}

/** Waits until the open Immerse room shows a loaded background image `width` pixels wide. */
export async function waitForImmerseImage(browser, width, timeoutMsg, timeout = 10_000) {
  await browser.waitUntil(
    async () =>
      browser.execute(
        (sel, w) => {
          const img = document.querySelector(`${sel} img`);
          return Boolean(img && img.complete && img.naturalWidth === w);
        },
        tid("immerse-background"),
        width,
      ),
    { timeout, timeoutMsg },
  );
}

/** Waits until no element with data-testid `id` is in the page. Looked up inside the page
 * in one step: `browser.$()` then `waitForExist({ reverse })` can find the element just as
 * React removes it and fail with "stale element reference" (seen in CI). */
export async function waitGone(browser, id, timeout = 10_000) {
  await browser.waitUntil(
    async () => browser.execute((sel) => document.querySelector(sel) === null, `[data-testid="${id}"]`),
    { timeout, timeoutMsg: `${id} is still in the page` },
  );
}

export { existsSync, sleep };

/** Switches the app to Japanese and the dark theme in Settings and waits for <html> to say so. */
export async function toJapaneseDark(browser) {
  await (await browser.$(tid("nav-settings"))).click();
  await (await browser.$(tid("settings"))).waitForDisplayed();
  await choose(browser, "settings-language", "ja");
  await choose(browser, "settings-theme", "dark");
  await browser.waitUntil(
    async () => {
      const h = await htmlState(browser);
      return h.lang === "ja" && h.theme === "dark";
    },
    { timeoutMsg: "<html> did not switch to lang=ja, data-theme=dark" },
  );
}

/**
 * A real studydesk-server on its own new database of the PostgreSQL cluster scripts/e2e.sh
 * started (pg_virtualenv), on a random loopback port; waits until /healthz answers (30 s).
 * `name` names the database (`e2e_<name>_<time>`). Answers its base URL and how to stop it.
 */
export async function startSyncServer(name) {
  for (const v of ["PGHOST", "PGPORT", "PGUSER"]) {
    if (!process.env[v]) throw new Error(`${v} is not set: run through scripts/e2e.sh (it starts PostgreSQL with pg_virtualenv)`);
  }
  const server = path.resolve(process.env.STUDYDESK_SERVER ?? `${ROOT}/target/debug/studydesk-server`);
  const db = `e2e_${name}_${Date.now()}`;
  execFileSync("psql", ["-q", "-d", process.env.PGDATABASE ?? "postgres", "-c", `CREATE DATABASE ${db}`], { stdio: "inherit" });
  const url = `host=${process.env.PGHOST} port=${process.env.PGPORT} user=${process.env.PGUSER} password=${process.env.PGPASSWORD ?? ""} dbname=${db}`;
  const port = 18_000 + Math.floor(Math.random() * 4_000);
  const child = spawn(server, ["--database-url", url, "--bind", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("studydesk-server did not answer /healthz within 30 s");
    await sleep(200);
  }
  return { base, stop: () => child.kill("SIGTERM") };
}

/** Settings, scrolled to its Sync card. */
export async function openSyncSettings(browser) {
  await (await browser.$(tid("nav-settings"))).click();
  await (await browser.$(tid("settings-sync"))).waitForDisplayed();
}

/**
 * Signs up (`button` "sync-signup", the default) or in ("sync-login") on the sync server at
 * `base` in Settings › Sync, and waits for Synced. `beforeClick` runs with the form filled.
 */
export async function syncSignIn(browser, base, email, password, { button = "sync-signup", beforeClick } = {}) {
  await openSyncSettings(browser);
  await (await browser.$(tid("sync-server"))).setValue(base);
  await (await browser.$(tid("sync-email"))).setValue(email);
  await (await browser.$(tid("sync-password"))).setValue(password);
  if (beforeClick) await beforeClick();
  await (await browser.$(tid(button))).click();
  const status = await browser.$(tid("sync-status"));
  await browser.waitUntil(async () => (await status.getAttribute("data-phase")) === "synced", {
    timeout: 30_000,
    timeoutMsg: `${email}: the status did not reach Synced after ${button}`,
  });
}

/** Settings › Sync's "Sync now", waiting for its result line. */
export async function syncNow(browser) {
  await openSyncSettings(browser);
  await (await browser.$(tid("sync-now"))).click();
  await (await browser.$(tid("sync-result"))).waitForDisplayed({ timeout: 30_000 });
}
