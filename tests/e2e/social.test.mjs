// End to end: the social feed between two app instances (two data folders, two accounts)
// through a real studydesk-server on a real PostgreSQL (the cluster scripts/e2e.sh starts
// with pg_virtualenv), on a session bus with a real notification server (dunst).
// Ada signs up, fills in her profile and posts a study log for her followers with a
// picture (alt text) and an emoji picked in the composer's picker; Bob signs up, finds Ada
// among the people sharing his interest, follows her, sees her post and its picture after
// a sync, likes it and comments; Ada's app, started again, syncs: her Activity card lists
// the like and the comment as unread responses, exactly one item each in her database,
// and one native notice each arrives.
// tauri-driver runs one session at a time, so the two instances take turns.
// Screenshots social-*.png: the composer with the picker, the feeds with the picture, the
// like and the comment, Ada's Activity card, in English light and Japanese dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { goTo, screenshot, sleep, start, steps, stop, tempDir, tid, toJapaneseDark, startSyncServer, syncNow, syncSignIn } from "./lib.mjs";
import { startNotificationServer, watchNotifications } from "./dbus.mjs";

const PASSWORD = "correct horse battery";
const POST = "Chapter 5 of linear algebra, every exercise";
const ALT = "A whiteboard with the eigenvalues";

const sql = (dataDir, query) =>
  execFileSync("sqlite3", ["-readonly", path.join(dataDir, "studydesk.db"), query], { encoding: "utf8" }).trim();


async function startEmpty(dir) {
  const { browser } = await start(dir);
  const empty = await browser.$(tid("onboarding-empty"));
  await empty.waitForDisplayed({ timeout: 20_000 });
  await empty.click();
  await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
  return browser;
}




async function openFeed(browser) {
  await (await browser.$(tid("nav-feed"))).click();
  await (await browser.$(tid("page-feed"))).waitForDisplayed({ timeout: 20_000 });
}

/** Edit profile on the Feed page's panel: display name, username, interest tags. */
async function editProfile(browser, displayName, username, tags) {
  await openFeed(browser);
  await (await browser.$(tid("profile-edit"))).click();
  await (await browser.$(tid("profile-display-name"))).setValue(displayName);
  await (await browser.$(tid("profile-username"))).setValue(username);
  await (await browser.$(tid("profile-tags"))).setValue(tags);
  await (await browser.$(tid("profile-save"))).click();
  // Asked in the page, not through an element handle: the form is being taken out of the
  // DOM, and WebKitWebDriver answered "stale element" to finding it mid-removal (CI, once).
  await browser.waitUntil(async () => browser.execute((sel) => document.querySelector(sel) === null, tid("profile-form")), {
    timeout: 10_000,
    timeoutMsg: "the profile form did not close after Save",
  });
}

/** A PNG gradient of `width` x 200 pixels in a fresh folder, named `name`. */
function picture(name, width, colors) {
  const file = path.join(tempDir("studydesk-e2e-img"), name);
  execFileSync("convert", ["-size", `${width}x200`, `gradient:${colors}`, file]);
  return file;
}

/** The pixel widths of the post pictures the page shows, once loaded. */
const imageWidths = (browser) =>
  browser.execute(() => [...document.querySelectorAll('[data-testid="post-media-image"]')].filter((i) => i.complete).map((i) => i.naturalWidth));

/** The text of the Feed's posts. */
const postTexts = (browser) => browser.execute(() => [...document.querySelectorAll('[data-testid="post"]')].map((p) => p.textContent ?? ""));

test("social: a post with a picture and an emoji, followed, liked and commented on from another instance; Activity card and native notices", async (t) => {
  const step = steps(t);
  const server = await startSyncServer("social");
  const stopNotifications = await startNotificationServer();
  const bus = await watchNotifications();
  t.after(() => {
    bus.stop();
    stopNotifications();
    server.stop();
  });
  const adaDir = tempDir("studydesk-e2e-ada");
  const bobDir = tempDir("studydesk-e2e-bob");
  let browser;
  let postId;
  let adaId;

  await step("Ada signs up, fills in her profile and posts for her followers with a picture and an emoji from the picker", async () => {
    browser = await startEmpty(adaDir);
    await syncSignIn(browser, server.base, "ada@example.org", PASSWORD);
    await editProfile(browser, "Ada Lovelace", "ada", "maths, exam");
    await (await browser.$(tid("composer-text"))).addValue(`${POST} `);
    await (await browser.$(tid("composer-emoji"))).click();
    await (await browser.$(tid("emoji-picker"))).waitForDisplayed({ timeout: 10_000 });
    await (await browser.$("input.emoji-search")).addValue("books");
    await browser.waitUntil(
      async () => (await browser.execute(() => document.querySelector(".emoji-cell")?.getAttribute("aria-label"))) === "books",
      { timeout: 10_000, timeoutMsg: "searching 'books' did not put 📚 first" },
    );
    await screenshot(browser, "social-01-composer-emoji-en-light");
    await browser.keys(["ArrowDown"]);
    await browser.keys(["Enter"]);
    await (await browser.$(tid("emoji-picker"))).waitForExist({ reverse: true, timeoutMsg: "the picker stayed open after Enter" });
    assert.match(await (await browser.$(tid("composer-text"))).getValue(), /every exercise 📚\uFE0F?$/u, "the emoji went in at the caret");
    // A picture through the composer's file input (the native chooser cannot be driven: the
    // visually hidden input is shown and given the path, as the chooser would).
    const input = `${tid("composer")} ${tid("media-input")}`;
    await browser.execute((sel) => document.querySelector(sel).classList.remove("sr-only"), input);
    await (await browser.$(input)).addValue(picture("whiteboard.png", 320, "#3b5bdb-#12b886"));
    await (await browser.$(tid("media-item"))).waitForDisplayed({ timeout: 10_000, timeoutMsg: "the picture was not added to the composer" });
    await (await browser.$(tid("media-alt"))).setValue(ALT);
    await (await browser.$(tid("composer-subject"))).addValue("Maths");
    await (await browser.$(tid("composer-tags"))).addValue("maths");
    await (await browser.$(tid("composer-visibility"))).selectByAttribute("value", "followers");
    await (await browser.$(tid("composer-post"))).click();
    await browser.waitUntil(async () => (await postTexts(browser)).some((p) => p.includes(POST)), { timeout: 10_000, timeoutMsg: "the post is not in Ada's feed" });
    postId = sql(adaDir, "SELECT id FROM posts");
    adaId = sql(adaDir, "SELECT user_id FROM posts");
    assert.match(sql(adaDir, "SELECT content FROM posts"), /📚/u);
    assert.equal(sql(adaDir, "SELECT media_type || ' ' || json_extract(metadata, '$.width') || ' ' || json_extract(metadata, '$.alt') FROM post_media"), `image 320 ${ALT}`);
    await browser.waitUntil(async () => (await imageWidths(browser)).includes(320), { timeout: 10_000, timeoutMsg: "the picture is not shown in Ada's feed" });
    await syncNow(browser);
    assert.equal(sql(adaDir, "SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL AND table_name = 'posts'"), "0", "the post reached the server");
    await stop(browser, adaDir);
  });

  await step("Bob signs up, finds Ada by a shared interest, follows her and sees her post and picture after a sync", async () => {
    browser = await startEmpty(bobDir);
    await syncSignIn(browser, server.base, "bob@example.org", PASSWORD);
    await editProfile(browser, "Bob", "bob", "maths");
    // Suggestions are read when the page opens: come back to the Feed.
    await goTo(browser, "home");
    await openFeed(browser);
    const follow = await browser.$(tid(`follow-${adaId}`));
    await follow.waitForDisplayed({ timeout: 20_000, timeoutMsg: "Ada is not among Bob's suggestions (shared tag 'maths')" });
    assert.match(await (await browser.$(tid("suggestions"))).getText(), /Ada Lovelace/);
    await follow.click();
    await browser.waitUntil(async () => !(await follow.isExisting()), { timeout: 10_000, timeoutMsg: "the Follow button stayed" });
    assert.equal(sql(bobDir, `SELECT count(*) FROM follows WHERE followee_id = '${adaId}'`), "1");
    // Before the follow reaches the server, Bob's device cannot have her followers-only post.
    assert.equal(sql(bobDir, `SELECT count(*) FROM posts WHERE id = '${postId}'`), "0");
    // One round pushes the follow; the next reads Ada's followers stream.
    await syncNow(browser);
    await syncNow(browser);
    assert.equal(sql(bobDir, `SELECT count(*) FROM posts WHERE id = '${postId}'`), "1", "the post reached Bob's device");
    assert.equal(sql(bobDir, `SELECT json_extract(metadata, '$.alt') FROM post_media WHERE post_id = '${postId}'`), ALT, "with its picture's row");
    await openFeed(browser);
    await browser.waitUntil(async () => (await postTexts(browser)).some((p) => p.includes(POST) && p.includes("📚")), {
      timeout: 20_000,
      timeoutMsg: "Ada's post is not in Bob's feed after the sync",
    });
    await browser.waitUntil(async () => (await imageWidths(browser)).includes(320), {
      timeout: 20_000,
      timeoutMsg: "Ada's picture is not shown in Bob's feed (the file did not arrive, or the asset protocol)",
    });
  });

  await step("Bob likes Ada's post and comments; the counters follow; the feed in English light", async () => {
    const post = await browser.$(tid("post")); // the only post on either device
    await (await post.$(tid("post-like"))).click();
    await browser.waitUntil(async () => (await (await post.$(tid("post-like"))).getAttribute("aria-pressed")) === "true", {
      timeout: 10_000,
      timeoutMsg: "the like did not take",
    });
    await (await post.$(tid("post-comments"))).click();
    await (await post.$(tid("comment-input"))).addValue("Well done, Ada!");
    await (await post.$(tid("comment-send"))).click();
    await browser.waitUntil(async () => (await (await post.$(tid("post-comments"))).getText()).includes("1"), {
      timeout: 10_000,
      timeoutMsg: "the comment was not counted",
    });
    assert.equal(sql(bobDir, `SELECT like_count || ' ' || comment_count FROM posts WHERE id = '${postId}'`), "1 1");
    await screenshot(browser, "social-02-feed-en-light");
    await syncNow(browser);
    assert.equal(sql(bobDir, "SELECT count(*) FROM sync_refused"), "0", "the server took the like and the comment");
    assert.equal(sql(bobDir, "SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL AND table_name IN ('post_likes', 'post_comments')"), "0");
    await toJapaneseDark(browser);
    await openFeed(browser);
    await browser.waitUntil(async () => (await postTexts(browser)).some((p) => p.includes(POST)), { timeout: 10_000 });
    await screenshot(browser, "social-03-feed-ja-dark");
    await stop(browser, bobDir);
  });

  await step("Ada's app syncs when it starts: native notices and two unread responses on the Activity card", async () => {
    const before = bus.notices().length;
    ({ browser } = await start(adaDir));
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    // The background round pulls the like and the comment and tells the user.
    const responses = () => bus.notices().slice(before).filter((n) => /liked your post|commented on your post/.test(n.summary));
    await browser.waitUntil(async () => responses().length >= 2, {
      timeout: 60_000,
      timeoutMsg: `no native notice of the like and the comment: ${JSON.stringify(bus.notices().map((n) => n.summary))}`,
    });
    const said = responses().map((n) => `${n.summary} | ${n.body}`);
    assert.ok(said.some((s) => /Bob.*liked your post/.test(s)), said.join("\n"));
    assert.ok(said.some((s) => /Bob.*commented on your post \| Well done, Ada!/.test(s)), said.join("\n"));
    await sleep(3_000);
    assert.equal(responses().length, 2, "told once each");
    assert.equal(sql(adaDir, "SELECT count(*) FROM activity_feed WHERE activity_type = 'posting_response' AND is_read = 0"), "2");
    // Bob's follow is news too (new_connection): the badge counts every unread item.
    const unread = sql(adaDir, "SELECT count(*) FROM activity_feed WHERE is_read = 0");
    assert.equal(sql(adaDir, "SELECT group_concat(activity_type, ' ') FROM (SELECT activity_type FROM activity_feed ORDER BY activity_type)"), "new_connection posting_response posting_response");
    assert.equal(sql(adaDir, `SELECT like_count || ' ' || comment_count FROM posts WHERE id = '${postId}'`), "1 1");

    const card = await browser.$(tid("card-activity"));
    await card.waitForDisplayed({ timeout: 10_000 });
    await card.scrollIntoView();
    const badge = await card.$(tid("activity-unread"));
    await browser.waitUntil(async () => (await badge.isExisting()) && (await badge.getText()) === unread, {
      timeout: 20_000,
      timeoutMsg: `the Activity card does not show ${unread} unread`,
    });
    const items = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="activity-item"]')].map((li) => ({ text: li.textContent ?? "", unread: li.classList.contains("unread") })),
    );
    const likeItem = items.find((i) => i.text.includes("liked your post"));
    const commentItem = items.find((i) => i.text.includes("commented on your post"));
    assert.ok(likeItem?.unread && commentItem?.unread, JSON.stringify(items));
    assert.match(commentItem.text, /Well done, Ada!/);
    await screenshot(browser, "social-04-activity-en-light");
  });

  await step("Ada in Japanese and dark: her feed with Bob's like and comment, and the Activity card", async () => {
    await toJapaneseDark(browser);
    await openFeed(browser);
    await browser.waitUntil(async () => (await postTexts(browser)).some((p) => p.includes(POST)), { timeout: 10_000 });
    const post = await browser.$(tid("post")); // the only post on either device
    await (await post.$(tid("post-comments"))).click();
    await browser.waitUntil(async () => (await post.getText()).includes("Well done, Ada!"), { timeout: 10_000, timeoutMsg: "Bob's comment is not under the post" });
    await (await post.$(tid("comments"))).scrollIntoView({ block: "center" });
    await screenshot(browser, "social-05-feed-ja-dark");
    await (await browser.$(tid("nav-home"))).click();
    const card = await browser.$(tid("card-activity"));
    await card.waitForDisplayed({ timeout: 10_000 });
    await card.scrollIntoView();
    await screenshot(browser, "social-06-activity-ja-dark");
    await stop(browser, adaDir);
  });
});
