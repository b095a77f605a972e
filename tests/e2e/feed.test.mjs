// End to end: the Feed page and Home's Activity card in the real app, on one device not
// signed in to a server (the page says posts stay on this device). A study log with tags
// and a followers-only visibility is posted through the composer, liked and commented on;
// the profile counts it; the CLI lists the same post; a post over the length limit is
// refused in words with nothing written. Screenshots (English light, Japanese dark) are
// viewed by a person.
// Not covered yet: two instances and a server (the server's followers streams are not built).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { cli, screenshot, start, steps, stop, tempDir, tid, toJapaneseDark } from "./lib.mjs";

const sql = (dataDir, query) =>
  execFileSync("sqlite3", ["-readonly", path.join(dataDir, "studydesk.db"), query], { encoding: "utf8" }).trim();

test("feed: compose, like, comment, profile counts, limits, Activity card, Japanese dark", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-feed");
  let browser;

  await step("start empty; the Feed page says posts stay on this device", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-empty"))).click();
    await (await browser.$(tid("nav-feed"))).click();
    await (await browser.$(tid("page-feed"))).waitForDisplayed({ timeout: 20_000 });
    await (await browser.$(tid("offline-note"))).waitForDisplayed({ timeout: 10_000 });
  });

  await step("post a study log with tags for followers; it is listed and counted", async () => {
    await (await browser.$(tid("composer-text"))).addValue("Chapter 3 of linear algebra");
    await (await browser.$(tid("composer-subject"))).addValue("Maths");
    await (await browser.$(tid("composer-duration"))).addValue("1h 30m");
    await (await browser.$(tid("composer-tags"))).addValue("exam, Maths");
    await (await browser.$(tid("composer-visibility"))).selectByAttribute("value", "followers");
    await (await browser.$(tid("composer-post"))).click();
    const post = await browser.$(tid("post"));
    await post.waitForDisplayed({ timeout: 10_000 });
    assert.match(await post.getText(), /Chapter 3 of linear algebra/);
    assert.match(await post.getText(), /#exam/);
    await browser.waitUntil(async () => (await (await browser.$(tid("posts-count"))).getText()) === "1", {
      timeout: 10_000,
      timeoutMsg: "the profile did not count the post",
    });
    assert.equal(sql(dataDir, "SELECT visibility || ' ' || study_duration FROM posts"), "followers 1h 30m");
  });

  await step("like and comment: the counters follow", async () => {
    await (await browser.$(tid("post-like"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("post-like"))).getAttribute("aria-pressed")) === "true", {
      timeout: 10_000,
      timeoutMsg: "the like did not take",
    });
    await (await browser.$(tid("post-comments"))).click();
    await (await browser.$(tid("comment-input"))).addValue("Remember the exercises");
    await (await browser.$(tid("comment-send"))).click();
    await browser.waitUntil(async () => (await (await browser.$(tid("post-comments"))).getText()).includes("1"), {
      timeout: 10_000,
      timeoutMsg: "the comment was not counted",
    });
    assert.equal(sql(dataDir, "SELECT like_count || ' ' || comment_count FROM posts"), "1 1");
    await screenshot(browser, "feed-01-en-light");
  });

  await step("a post over 5,000 characters is refused in words; nothing is written", async () => {
    // A textarea: typing 5,001 characters through WebDriver takes too long.
    await browser.execute((el, v) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, await browser.$(tid("composer-text")), "x".repeat(5001));
    await (await browser.$(tid("composer-post"))).click();
    const error = await browser.$(tid("composer-error"));
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /5000|5,000/);
    assert.equal(sql(dataDir, "SELECT count(*) FROM posts"), "1");
  });

  await step("Home shows the Activity card; Japanese and dark", async () => {
    await (await browser.$(tid("nav-home"))).click();
    const card = await browser.$(tid("card-activity"));
    await card.waitForDisplayed({ timeout: 10_000 });
    await card.scrollIntoView();
    await screenshot(browser, "feed-02-activity-card-en-light");
    await toJapaneseDark(browser);
    await (await browser.$(tid("nav-feed"))).click();
    await (await browser.$(tid("post"))).waitForDisplayed({ timeout: 10_000 });
    assert.match(await (await browser.$(tid("composer-post"))).getText(), /投稿する/);
    await screenshot(browser, "feed-03-ja-dark");
    await (await browser.$(tid("nav-home"))).click();
    await (await browser.$(tid("card-activity"))).scrollIntoView();
    await screenshot(browser, "feed-04-activity-card-ja-dark");
  });

  await step("the CLI lists the same post", async () => {
    await stop(browser, dataDir);
    browser = null;
    const posts = JSON.parse(cli(dataDir, "post", "list", "--json"));
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0].tags, ["exam", "maths"]);
    assert.equal(posts[0].like_count, 1);
  });

  if (browser) await stop(browser, dataDir);
});
