// Cold start and memory of the real app (run by scripts/bench-startup.sh, which starts
// Xvfb, a session bus and tauri-driver).
//
// For each run: a copy of a data dir that already holds the sample data, a new WebDriver
// session (which starts the app), then a wait until [data-testid="home"] is displayed.
// Once Home shows, the PSS and RSS of the app's whole process tree (studydesk plus the
// WebKitWebProcess / WebKitNetworkProcess it spawns) are read from /proc/PID/smaps_rollup.

import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { cli, launch, pidsMentioning, quit, sleep, tempDir } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 1000);

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

const template = tempDir("studydesk-bench-template");
process.stderr.write(cli(template, "sample-data"));

const runs = [];
for (let i = 1; i <= RUNS; i++) {
  const dataDir = tempDir(`studydesk-bench-${i}`);
  rmSync(dataDir, { recursive: true });
  cpSync(template, dataDir, { recursive: true });

  const t0 = Date.now();
  const { browser, sessionMs } = await launch(dataDir);
  // Wait inside the page (one round trip, no polling over WebDriver): the first frame in
  // which Home and its task rows are laid out. Returns that moment as a Unix time in ms.
  const homeAt = await browser.executeAsync((done) => {
    const shown = () => {
      const row = document.querySelector('[data-testid="home"] [data-testid="todo-item"]');
      return row && row.getClientRects().length > 0;
    };
    const check = () => (shown() ? done(performance.timeOrigin + performance.now()) : requestAnimationFrame(check));
    check();
  });
  const [appPid] = pidsMentioning(dataDir);
  const started = processStartMs(appPid);
  const homeMs = homeAt - started;
  const clientMs = Date.now() - t0;

  await sleep(SETTLE_MS);
  const procs = tree(appPid).map(memoryOf).filter((m) => m && m.rss > 0);
  const rss = procs.reduce((a, p) => a + p.rss, 0);
  const pss = procs.reduce((a, p) => a + p.pss, 0);
  runs.push({ sessionMs, homeMs, clientMs, rss, pss, procs });
  process.stderr.write(
    `run ${i}: session ${sessionMs.toFixed(0)} ms, process start to Home ${homeMs.toFixed(0)} ms (client saw it after ${clientMs} ms), PSS ${mb(pss)} MB, RSS ${mb(rss)} MB ` +
      `(${procs.map((p) => `${p.comm}:${p.pid}`).join(", ")})\n`,
  );
  await quit(browser, dataDir);
  rmSync(dataDir, { recursive: true, force: true });
}
rmSync(template, { recursive: true, force: true });

const col = (f) => runs.map(f);
const line = (label, xs, fmt) => `| ${label} | ${fmt(Math.min(...xs))} | ${fmt(median(xs))} | ${fmt(Math.max(...xs))} |`;
const ms = (x) => `${x.toFixed(0)} ms`;
const mbf = (x) => `${mb(x)} MB`;

// Per-process memory (median over the runs), by process name.
const names = [...new Set(runs.flatMap((r) => r.procs.map((p) => p.comm)))];
const per = names.map((n) => {
  const sum = (r, k) => r.procs.filter((p) => p.comm === n).reduce((a, p) => a + p[k], 0);
  return `| ${n} | ${mbf(median(runs.map((r) => sum(r, "pss"))))} | ${mbf(median(runs.map((r) => sum(r, "rss"))))} |`;
});

console.log(`
Studydesk startup, ${RUNS} cold launches (debug build, sample data, Xvfb), ${new Date().toISOString()}

| measure | min | median | max |
|---|---|---|---|
${line("new WebDriver session (app start + page load)", col((r) => r.sessionMs), ms)}
${line("app process start to Home painted with its tasks (page clock)", col((r) => r.homeMs), ms)}
${line("client: new-session request to Home seen", col((r) => r.clientMs), ms)}
${line(`PSS, whole process tree (Home + ${SETTLE_MS} ms)`, col((r) => r.pss), mbf)}
${line(`RSS, whole process tree (Home + ${SETTLE_MS} ms)`, col((r) => r.rss), mbf)}

| process | PSS (median) | RSS (median) |
|---|---|---|
${per.join("\n")}
`);
