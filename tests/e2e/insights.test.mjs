// End to end: Insights in the real app on the sample data. "My study" is there with real
// numbers (its cards and charts drawn by ECharts on canvas); a bar chart of minutes per
// course is added and resized from the keyboard; a CSV of exam scores is imported and
// charted; an SQL widget reads the user's tasks; a DELETE in the SQL editor is refused in
// words and deletes nothing; after a relaunch everything is where it was. Screenshots in
// English light and Japanese dark are viewed by a person.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { APP, CLI, choose, cli, imageStdDev, minutesOnCard, screenshot, setInputValue, start, steps, stop, tempDir, tid, toJapaneseDark } from "./lib.mjs";

const sql = (dataDir, query) =>
  execFileSync("sqlite3", ["-readonly", path.join(dataDir, "studydesk.db"), query], { encoding: "utf8" }).trim();

/** Waits until at least `count` charts have drawn a canvas with something on it, scrolling
 *  to each chart not drawn yet as a user would (a chart below the window is drawn when it
 *  comes near), then back to the top. */
async function chartsDrawn(browser, count) {
  await browser.waitUntil(
    async () =>
      browser.execute((n) => {
        const waiting = document.querySelector(".widget-chart:not(:has(canvas))");
        if (waiting) waiting.scrollIntoView({ block: "nearest" });
        const canvases = [...document.querySelectorAll('[data-testid="insights-chart"] canvas')];
        const done = canvases.length >= n && canvases.every((c) => c.width > 0 && c.height > 0);
        if (done) window.scrollTo(0, 0);
        return done;
      }, count),
    { timeout: 20_000, timeoutMsg: `fewer than ${count} charts were drawn` },
  );
}

/** The widget whose title is `title`. */
async function widgetTitled(browser, title) {
  const id = await browser.waitUntil(
    async () =>
      browser.execute((t) => {
        const frame = [...document.querySelectorAll(".insights-widget")].find((w) => w.querySelector(".widget-title")?.textContent === t);
        return frame?.getAttribute("data-testid") ?? false;
      }, title),
    { timeout: 15_000, timeoutMsg: `no widget titled "${title}"` },
  );
  return browser.$(`[data-testid="${id}"]`);
}

async function addWidget(browser, { type, title, source, metric, grain, query }) {
  await (await browser.$(tid("widget-add"))).click();
  await (await browser.$(tid("widget-editor"))).waitForDisplayed();
  await choose(browser, "widget-type", type);
  await (await browser.$(tid("widget-title"))).setValue(title);
  if (source) await (await browser.$(tid(`widget-source-${source}`))).click();
  if (metric) await choose(browser, "widget-metric", metric);
  if (grain) await choose(browser, "widget-grain", grain);
  if (query !== undefined) await (await browser.$(tid("widget-sql"))).setValue(query);
}

test("insights: My study, a chart added and resized, a CSV charted, SQL and its refusal, relaunch, Japanese dark", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-insights");
  let browser;

  await step("sample data; My study shows real numbers and drawn charts", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("page-insights"))).waitForDisplayed({ timeout: 20_000 });
    await browser.waitUntil(async () => (await (await browser.$(tid("dashboard-title"))).getText()) === "My study", {
      timeout: 20_000,
      timeoutMsg: "My study was not opened",
    });
    const minutes = await minutesOnCard(browser);
    const stored = Number(
      sql(dataDir, "SELECT sum(total_duration) / 60 FROM idle_sessions WHERE status = 'completed' AND local_date >= date('now', '-29 days')"),
    );
    assert.ok(minutes > 0, "the minutes card shows the sample data's minutes");
    assert.ok(Math.abs(minutes - stored) <= 1, `the card says ${minutes} minutes, the sessions hold ${stored}`);
    await chartsDrawn(browser, 4);
    await screenshot(browser, "insights-01-my-study-en-light");
  });

  await step("add a bar chart of minutes per course and make it wider from the keyboard", async () => {
    await addWidget(browser, { type: "bar_chart", title: "Minutes per course", source: "metric", metric: "minutes_studied", grain: "course" });
    await (await browser.$(tid("widget-save"))).click();
    const widget = await widgetTitled(browser, "Minutes per course");
    await chartsDrawn(browser, 5);
    const widgetId = (await widget.getAttribute("data-testid")).replace("insights-widget-", "");
    assert.equal(sql(dataDir, `SELECT json_extract(config, '$.source.grain') || ' ' || json_extract(position, '$.w') FROM widgets WHERE id = '${widgetId}'`), "course 6");
    const handle = await widget.$(".widget-drag");
    await handle.click();
    await browser.keys(["Shift", "ArrowRight"]);
    await browser.keys(["Shift", "ArrowRight"]);
    await browser.waitUntil(async () => sql(dataDir, `SELECT json_extract(position, '$.w') FROM widgets WHERE id = '${widgetId}'`) === "8", {
      timeout: 10_000,
      timeoutMsg: "the widget was not resized to 8 columns",
    });
    await widget.scrollIntoView({ block: "center" });
    await screenshot(browser, "insights-02-minutes-per-course-en-light");
  });

  await step("an SQL widget reads my tasks; a DELETE is refused in words and deletes nothing", async () => {
    const tasks = sql(dataDir, "SELECT count(*) FROM tasks");
    await addWidget(browser, { type: "table", title: "My tasks", source: "sql", query: "DELETE FROM tasks" });
    await (await browser.$(tid("widget-sql-test"))).click();
    const refusal = await browser.$(tid("widget-sql-error"));
    await refusal.waitForDisplayed({ timeout: 10_000 });
    assert.match(await refusal.getText(), /DELETE/);
    await screenshot(browser, "insights-03-sql-refused-en-light");
    assert.equal(sql(dataDir, "SELECT count(*) FROM tasks"), tasks, "nothing was deleted");
    await (await browser.$(tid("widget-sql"))).setValue("SELECT description, is_completed FROM tasks ORDER BY description");
    await (await browser.$(tid("widget-sql-test"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("widget-sql-result"))).getText()) === `${tasks} rows`, {
      timeout: 10_000,
      timeoutMsg: "the query test did not count the tasks",
    });
    await (await browser.$(tid("widget-save"))).click();
    const widget = await widgetTitled(browser, "My tasks");
    await browser.waitUntil(async () => (await widget.$$("tbody tr")).length === Number(tasks), { timeout: 15_000, timeoutMsg: "the SQL widget did not show the tasks" });
  });

  await step("a CSV of exam scores is imported and charted", async () => {
    const csv = path.join(dataDir, "..", `exam-scores-${process.pid}.csv`);
    writeFileSync(csv, "subject,score\nLinear Algebra,82\nOrganic Chemistry,74\nJapanese Literature,91\nStatistics,68\n");
    await (await browser.$(tid("sources-open"))).click();
    await (await browser.$(tid("source-import"))).click();
    await (await browser.$(tid("source-file"))).addValue(csv);
    await setInputValue(browser, await browser.$(tid("source-name")), "Exam scores");
    await (await browser.$(tid("source-import-submit"))).click();
    await browser.waitUntil(async () => sql(dataDir, "SELECT count(*) FROM data_sources WHERE name = 'Exam scores'") === "1", {
      timeout: 15_000,
      timeoutMsg: "the CSV was not imported",
    });
    await screenshot(browser, "insights-04-data-sources-en-light");
    await (await browser.$(tid("sources-close"))).click();
    const sourceId = sql(dataDir, "SELECT id FROM data_sources WHERE name = 'Exam scores'");
    await addWidget(browser, { type: "bar_chart", title: "Exam scores", source: "source" });
    await choose(browser, "widget-data-source", sourceId);
    await (await browser.$(tid("widget-save"))).click();
    const widget = await widgetTitled(browser, "Exam scores");
    await widget.scrollIntoView({ block: "center" });
    await chartsDrawn(browser, 6);
    await screenshot(browser, "insights-05-exam-scores-en-light");
  });

  await step("after a relaunch everything is where it was", async () => {
    const before = sql(dataDir, "SELECT group_concat(id || ':' || position, ' ') FROM (SELECT * FROM widgets ORDER BY id)");
    await stop(browser, dataDir);
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("nav-insights"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("dashboard-title"))).getText()) === "My study", { timeout: 20_000 });
    await widgetTitled(browser, "Minutes per course");
    await widgetTitled(browser, "My tasks");
    await widgetTitled(browser, "Exam scores");
    assert.equal(sql(dataDir, "SELECT group_concat(id || ':' || position, ' ') FROM (SELECT * FROM widgets ORDER BY id)"), before);
  });

  await step("Japanese and dark: the same dashboard", async () => {
    await toJapaneseDark(browser);
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("page-insights"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("metric-card-value"))).waitForDisplayed({ timeout: 20_000 });
    await chartsDrawn(browser, 6);
    await screenshot(browser, "insights-06-my-study-ja-dark");
  });

  await step("the CLI exports My study's charts as PNG files drawn by the app", async () => {
    const id = sql(dataDir, "SELECT id FROM dashboards WHERE name = 'My study'");
    const charts = Number(
      sql(dataDir, `SELECT count(*) FROM widgets WHERE dashboard_id = '${id}' AND type IN ('line_chart', 'bar_chart', 'pie_chart', 'area_chart')`),
    );
    const out = tempDir("studydesk-e2e-pictures");
    // Beside the running app (the export run is its own hidden window), on the same file.
    const said = execFileSync(CLI, ["--data-dir", dataDir, "dashboard", "export", id, "--format", "png", "--out", out], {
      encoding: "utf8",
      env: { ...process.env, STUDYDESK_APP: APP },
      timeout: 240_000,
    });
    const files = readdirSync(out).sort();
    assert.equal(files.length, charts, `${charts} charts, files: ${files.join(", ")}; the CLI said: ${said}`);
    assert.ok(files.every((f) => f.endsWith(".png")), files.join(", "));
    assert.equal(said.trim().split("\n").filter((l) => l.startsWith("wrote ")).length, charts, said);
    for (const f of files) {
      const file = path.join(out, f);
      const [w, h] = execFileSync("identify", ["-format", "%w %h", file], { encoding: "utf8" }).split(" ").map(Number);
      assert.deepEqual([w, h], [2400, 1200], `${f} is 1200×600 at twice the pixels`);
      assert.ok(imageStdDev(file) > 0.02, `${f} has a chart on it, not a blank picture`);
    }
    // A dashboard that is not there is refused in words, and nothing is started.
    assert.throws(() => cli(dataDir, "dashboard", "export", "nope", "--format", "png", "--out", out), /not found|no dashboard/i);
  });

  if (browser) await stop(browser, dataDir);
});
