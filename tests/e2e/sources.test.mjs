// End to end: a PostgreSQL data source added through Insights › Data sources in the real app,
// against the run's real PostgreSQL (scripts/e2e.sh runs under pg_virtualenv) with a role
// that may only read, its password kept in the session's real Secret Service (gnome-keyring,
// started by scripts/lib/webdriver.sh), never in studydesk.db.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { screenshot, setInputValue, start, steps, tempDir, tid, toJapaneseDark } from "./lib.mjs";

const sql = (dataDir, query) =>
  execFileSync("sqlite3", [path.join(dataDir, "studydesk.db"), query], { encoding: "utf8" }).trim();
const psql = (db, command) => execFileSync("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-d", db, "-c", command], { encoding: "utf8" });

test("sources: a PostgreSQL query added from the Data sources panel, its password in the keychain", async (t) => {
  if (!process.env.PGHOST) {
    t.skip("no PostgreSQL (PGHOST): scripts/e2e.sh runs the tests under pg_virtualenv");
    return;
  }
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-sources");
  const tag = String(process.pid);
  const database = `grades_${tag}`;
  const reader = `reader_${tag}`;
  const password = `pw-${tag}-secret`;
  let browser;

  await step("a database of grades and a role that can only read it", async () => {
    psql(process.env.PGDATABASE, `CREATE DATABASE ${database}`);
    psql(process.env.PGDATABASE, `CREATE ROLE ${reader} LOGIN PASSWORD '${password}'`);
    psql(
      database,
      `CREATE TABLE grades (course text, grade int, graded_on date);
       INSERT INTO grades VALUES ('Linear Algebra', 88, '2026-11-02'), ('Statistics', 74, '2026-11-09'), ('Japanese', 93, '2026-11-16');
       GRANT SELECT ON grades TO ${reader};`,
    );
  });

  await step("Insights › Data sources › Add PostgreSQL: the query's rows become a source", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-sample"))).click();
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("page-insights"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("sources-open"))).click();
    await (await browser.$(tid("source-db"))).click();
    await (await browser.$(tid("source-db-form"))).waitForDisplayed();
    const hint = await (await browser.$(tid("source-db-password-hint"))).getText();
    assert.match(hint, /Saved in your system's keychain/, `the password hint names the keychain (the Secret Service answered): "${hint}"`);
    await setInputValue(browser, await browser.$(tid("source-db-name")), "Grades");
    await setInputValue(browser, await browser.$(tid("source-db-host")), process.env.PGHOST);
    await setInputValue(browser, await browser.$(tid("source-db-port")), process.env.PGPORT);
    await setInputValue(browser, await browser.$(tid("source-db-database")), database);
    await setInputValue(browser, await browser.$(tid("source-db-user")), reader);
    await setInputValue(browser, await browser.$(tid("source-db-password")), password);
    await (await browser.$(tid("source-db-query"))).setValue("SELECT course, grade, graded_on FROM grades ORDER BY course");
    await screenshot(browser, "sources-01-postgres-form-en-light");
    await (await browser.$(tid("source-db-submit"))).click();
    await browser.waitUntil(async () => sql(dataDir, "SELECT count(*) FROM data_sources WHERE name = 'Grades' AND type = 'postgresql'") === "1", {
      timeout: 20_000,
      timeoutMsg: "the PostgreSQL source was not added",
    });
    const id = sql(dataDir, "SELECT id FROM data_sources WHERE name = 'Grades'");
    const where = await browser.$(tid(`source-db-where-${id}`));
    await where.waitForDisplayed({ timeout: 10_000 });
    assert.match(await where.getText(), new RegExp(database));
    assert.equal(sql(dataDir, "SELECT json_extract(metadata, '$.rows') FROM data_sources WHERE id = '" + id + "'"), "3");
    assert.equal(sql(dataDir, "SELECT json_extract(connection_config, '$.password_ref') FROM data_sources WHERE id = '" + id + "'"), `data-source/${id}`);
    const db = readFileSync(path.join(dataDir, "studydesk.db"));
    let wal = Buffer.alloc(0);
    try {
      wal = readFileSync(path.join(dataDir, "studydesk.db-wal"));
    } catch {}
    assert.ok(!db.includes(password) && !wal.includes(password), "the password is not in studydesk.db or its WAL");
    const keyring = execFileSync(
      "dbus-send",
      ["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.SearchItems", `dict:string:string:service,Studydesk,username,data-source/${id}`],
      { encoding: "utf8" },
    );
    assert.match(keyring, /collection\/login/, "the session's keyring holds the password");
    await screenshot(browser, "sources-02-postgres-added-en-light");
  });

  await step("a wrong password is refused in words, in Japanese and dark", async () => {
    await (await browser.$(tid("sources-close"))).click();
    await toJapaneseDark(browser);
    await (await browser.$(tid("nav-insights"))).click();
    await (await browser.$(tid("sources-open"))).click();
    await (await browser.$(tid("source-db"))).click();
    await setInputValue(browser, await browser.$(tid("source-db-host")), process.env.PGHOST);
    await setInputValue(browser, await browser.$(tid("source-db-port")), process.env.PGPORT);
    await setInputValue(browser, await browser.$(tid("source-db-database")), database);
    await setInputValue(browser, await browser.$(tid("source-db-user")), reader);
    await setInputValue(browser, await browser.$(tid("source-db-password")), "not-the-password");
    await (await browser.$(tid("source-db-query"))).setValue("SELECT * FROM grades");
    await (await browser.$(tid("source-db-submit"))).click();
    const alert = await browser.$(`${tid("source-db-form")} [role="alert"]`);
    await alert.waitForDisplayed({ timeout: 20_000 });
    assert.match(await alert.getText(), /password/);
    assert.equal(sql(dataDir, "SELECT count(*) FROM data_sources"), "1", "nothing more was added");
    await screenshot(browser, "sources-03-postgres-refused-ja-dark");
  });
});
