// End to end: a weekly PDF report of "My study" (issue 16 item 2) made in Insights ›
// Reports in the real app: day 30 of a month is refused beside the form in words, the
// weekly schedule is saved, "Run now" writes the PDF into the chosen folder, and the file
// is opened by a real PDF reader (poppler's pdftotext and pdfinfo): the report's title,
// a widget's title and the page numbers are in it. Screenshots in English light and
// Japanese dark.

import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { choose, cli, screenshot, setInputValue, start, steps, stop, tempDir, tid, toJapaneseDark, waitGone } from "./lib.mjs";

const NAME = "Weekly study";

test("reports: a weekly PDF report made in Insights, run now, opened by a PDF reader", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-reports");
  const out = path.join(tempDir("studydesk-e2e-reports-out"), "Reports");
  const reports = () => JSON.parse(cli(dataDir, "report", "list", "--json"));
  let browser;

  await step("launch with the sample data and open Insights › Reports", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-sample"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("reports-open"))).click();
    await (await browser.$(tid("reports-panel"))).waitForDisplayed();
  });

  await step("day 30 of every month is refused in words, nothing saved", async () => {
    await (await browser.$(tid("report-new"))).click();
    await setInputValue(browser, await browser.$(tid("report-name")), NAME);
    await choose(browser, "report-every", "monthly");
    await setInputValue(browser, await browser.$(tid("report-day")), "30");
    await setInputValue(browser, await browser.$(tid("report-folder")), out);
    await (await browser.$(tid("report-save"))).click();
    const err = await browser.$(tid("report-form-error"));
    await err.waitForDisplayed();
    if (!(await err.getText()).includes("day 30 is not in every month")) throw new Error(`unexpected refusal: ${await err.getText()}`);
    if (reports().length !== 0) throw new Error("a report was saved for day 30");
  });

  await step("weekly on Monday and Thursday at 08:00, saved", async () => {
    await choose(browser, "report-every", "weekly");
    await (await browser.$(tid("report-day-thu"))).click();
    await (await browser.$(tid("report-save"))).click();
    await waitGone(browser, "report-form");
    const r = reports()[0];
    if (JSON.stringify(r.schedule) !== JSON.stringify({ every: "weekly", days: ["mon", "thu"], time: "08:00" })) throw new Error(`schedule: ${JSON.stringify(r.schedule)}`);
    if (!r.next_run_at) throw new Error("no next run");
  });

  await step("Run now writes the PDF; a PDF reader finds the title and the page numbers", async () => {
    await (await browser.$(tid("report-run"))).click();
    // The status is for screen readers; the row's "Last run" line shows the file's name.
    await (await browser.$(tid("report-run-done"))).waitForExist({ timeout: 30_000 });
    const files = readdirSync(out).filter((f) => f.endsWith(".pdf"));
    if (files.length !== 1) throw new Error(`files in the folder: ${files}`);
    const file = path.join(out, files[0]);
    await browser.waitUntil(async () => (await (await browser.$(tid("report-last"))).getText()).endsWith(files[0]), { timeoutMsg: "the row does not name the file written" });
    const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))[1]);
    if (!text.includes(NAME) || !text.includes("Minutes studied per day")) throw new Error(`the PDF lacks its title or a widget: ${text.slice(0, 400)}`);
    if (!text.replaceAll(" ", "").includes(`1/${pages}`)) throw new Error(`no page numbers 1 / ${pages}`);
    await screenshot(browser, "63-reports-en-light");
  });

  await step("the panel in Japanese, dark", async () => {
    await toJapaneseDark(browser);
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("reports-open"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("report-next"))).getText()).includes("次回"), { timeoutMsg: "no Japanese" });
    await screenshot(browser, "64-reports-ja-dark");
    await stop(browser, dataDir);
    browser = null;
  });
});
