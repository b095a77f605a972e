// Cold start and memory of the real app, alone or against a bare Tauri app (run by
// scripts/bench-startup.sh, which starts Xvfb, a session bus and tauri-driver).
//
// Each launch: a new WebDriver session (which starts the app with `--data-dir DIR`), then a
// wait inside the page for its first frame with data on screen:
//   - Studydesk: a copy of a data folder holding the sample data; Home with a task row laid out;
//   - the bare app (BENCH_VS, benches/bare-app): an empty folder; its one SQLite row shown.
// "Start to ready" runs from the app process's start (/proc) to that frame (the page clock),
// so the WebDriver round trips are not counted. After BENCH_SETTLE_MS the PSS and RSS of
// the app's process tree (the app, WebKitWebProcess, WebKitNetworkProcess) are summed from
// /proc/PID/smaps_rollup. With BENCH_VS the two apps alternate (Studydesk, bare, Studydesk,
// ...) after one uncounted warm-up launch of each, so drift of the machine hits both alike,
// and the ratios are printed: per pair, then their median.

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { APP, cli, launch, sleep, tempDir } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
const VS = process.env.BENCH_VS ? path.resolve(process.env.BENCH_VS) : null;
const BUILD = process.env.BENCH_BUILD ?? "release";

function children() {
  const byParent = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    } catch {
      // gone
    }
  }
  return byParent;
}

function tree(root) {
  const byParent = children();
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

/** Pids of `exe` processes started on `dataDir`. */
function pidsOf(exe, dataDir) {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (cmd[0] && path.basename(cmd[0]) === path.basename(exe) && cmd.includes(dataDir)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * When a process started, as a Unix time in ms (10 ms resolution: clock ticks since boot).
 * The boot time comes from /proc/uptime (10 ms), not /proc/stat's btime (whole seconds).
 */
const BOOT_MS = Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
function processStartMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return BOOT_MS + (startTicks * 1000) / TICKS;
}

function memoryOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    return { pid, comm, rss: kb("Rss"), pss: kb("Pss") };
  } catch {
    return null; // kernel thread, gone, or a process without mappings
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (kb) => (kb / 1024).toFixed(0);

// The first frame with the app's data laid out, as a Unix time in ms (page clock); waited
// for inside the page, one WebDriver round trip.
const READY = {
  studydesk: '[data-testid="home"] [data-testid="todo-item"]',
  bare: '[data-testid="row"]',
};
async function readyAt(browser, selector) {
  return browser.executeAsync((sel, done) => {
    const shown = () => {
      const el = document.querySelector(sel);
      return el && el.textContent.trim().length > 0 && el.getClientRects().length > 0;
    };
    const report = () => {
      const nav = performance.getEntriesByType("navigation")[0];
      const at = {};
      if (nav) for (const k of ["requestStart", "responseEnd", "domInteractive", "domContentLoadedEventEnd", "loadEventEnd"]) at[k] = nav[k];
      for (const r of performance.getEntriesByType("resource")) at[`res ${r.name.split("/").pop()}`] = r.responseEnd;
      for (const m of performance.getEntriesByType("mark")) at[m.name] = m.startTime;
      for (const p of performance.getEntriesByType("paint")) at[p.name] = p.startTime;
      at.ready = performance.now();
      return { at: performance.timeOrigin + performance.now(), origin: performance.timeOrigin, marks: at };
    };
    const check = () => (shown() ? done(report()) : requestAnimationFrame(check));
    check();
  }, selector);
}

/** One cold launch of `app` on a fresh copy of `template` (or an empty folder). */
async function launchOnce(kind, exe, template) {
  const dataDir = tempDir(`bench-${kind}`);
  if (template) {
    rmSync(dataDir, { recursive: true });
    cpSync(template, dataDir, { recursive: true });
  }
  const { browser, sessionMs } = await launch(dataDir, [], exe);
  const { at, origin, marks } = await readyAt(browser, READY[kind]);
  const [pid] = pidsOf(exe, dataDir);
  const started = processStartMs(pid);
  const readyMs = at - started;
  if (process.env.BENCH_MARKS) {
    const rows = [[`page origin`, origin - started], ...Object.entries(marks).map(([k, v]) => [k, origin + v - started])];
    const file = process.env.STUDYDESK_MARKS;
    if (file && existsSync(file)) {
      for (const l of readFileSync(file, "utf8").trim().split("\n")) {
        const [t, name] = l.split(" ");
        rows.push([`rust ${name}`, Number(t) - started]);
      }
      rmSync(file);
    }
    process.stderr.write(`  ${kind} marks (ms from process start): ${rows.sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}\n`);
  }
  await sleep(SETTLE_MS);
  const procs = tree(pid).map(memoryOf).filter((m) => m && m.rss > 0);
  const run = {
    sessionMs,
    readyMs,
    rss: procs.reduce((a, p) => a + p.rss, 0),
    pss: procs.reduce((a, p) => a + p.pss, 0),
    procs,
  };
  await browser.deleteSession();
  for (let i = 0; i < 100 && pidsOf(exe, dataDir).length; i++) await sleep(50);
  for (const p of pidsOf(exe, dataDir)) process.kill(p, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  return run;
}

const template = tempDir("studydesk-bench-template");
process.stderr.write(cli(template, "sample-data"));

const apps = [{ kind: "studydesk", label: "Studydesk", exe: APP, template }];
if (VS) apps.push({ kind: "bare", label: "bare Tauri app", exe: VS, template: null });
const runs = Object.fromEntries(apps.map((a) => [a.kind, []]));
// The first launch in a fresh X server and session bus is slower for any app (the bus
// starts the portal and the accessibility bus): one uncounted launch of each first.
for (let i = VS ? 0 : 1; i <= RUNS; i++) {
  for (const a of apps) {
    const r = await launchOnce(a.kind, a.exe, a.template);
    process.stderr.write(
      `${i === 0 ? "warm-up" : `run ${i}`} ${a.label}: session ${r.sessionMs.toFixed(0)} ms, start to ready ${r.readyMs.toFixed(0)} ms, ` +
        `PSS ${mb(r.pss)} MB, RSS ${mb(r.rss)} MB (${r.procs.map((p) => `${p.comm} ${mb(p.pss)}`).join(", ")})\n`,
    );
    if (i > 0) runs[a.kind].push(r);
  }
}
rmSync(template, { recursive: true, force: true });

const line = (label, xs, fmt) => `| ${label} | ${fmt(Math.min(...xs))} | ${fmt(median(xs))} | ${fmt(Math.max(...xs))} |`;
const ms = (x) => `${x.toFixed(0)} ms`;
const mbf = (x) => `${mb(x)} MB`;

let out = `\nStart-up, ${RUNS} cold launches${VS ? " of each, alternated" : ""} (${BUILD} build, Xvfb), ${new Date().toISOString()}\n\n| measure | min | median | max |\n|---|---|---|---|\n`;
for (const a of apps) {
  const rs = runs[a.kind];
  const what = a.kind === "studydesk" ? "Home painted with its tasks" : "its row painted";
  out += `${line(`${a.label}: process start to ${what}`, rs.map((r) => r.readyMs), ms)}\n`;
  out += `${line(`${a.label}: PSS, process tree (ready + ${SETTLE_MS} ms)`, rs.map((r) => r.pss), mbf)}\n`;
  out += `${line(`${a.label}: RSS, process tree`, rs.map((r) => r.rss), mbf)}\n`;
}
if (VS) {
  const pairs = runs.studydesk.map((s, i) => [s, runs.bare[i]]);
  const ratio = (f) => pairs.map(([s, b]) => f(s) / f(b));
  const r = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  out += `\nStudydesk / bare, median of the ${RUNS} pairs (min–max): start to ready **${r(ratio((x) => x.readyMs))}**, PSS **${r(ratio((x) => x.pss))}**\n`;
}
out += "\n| app | process | PSS (median) | RSS (median) |\n|---|---|---|---|\n";
for (const a of apps) {
  const rs = runs[a.kind];
  const names = [...new Set(rs.flatMap((r) => r.procs.map((p) => p.comm)))];
  for (const n of names) {
    const sum = (r, k) => r.procs.filter((p) => p.comm === n).reduce((acc, p) => acc + p[k], 0);
    out += `| ${a.label} | ${n} | ${mbf(median(rs.map((r) => sum(r, "pss"))))} | ${mbf(median(rs.map((r) => sum(r, "rss"))))} |\n`;
  }
}
console.log(out);
