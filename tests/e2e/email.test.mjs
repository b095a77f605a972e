// End to end: Settings › Email (issue 16). The SMTP server is typed into the form and
// saved, "Send test email" reaches a small SMTP server this test runs on 127.0.0.1 (it
// records the message), and a server that is down is said in words; screenshots in
// English light and Japanese dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { screenshot, setInputValue, start, steps, tempDir, tid, toJapaneseDark, stop } from "./lib.mjs";

/** A minimal SMTP server without TLS (allowed by the app for 127.0.0.1 only) that takes
 * AUTH PLAIN and records the credentials and messages it gets. */
function smtpServer() {
  const received = [];
  const logins = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let data = null;
    const say = (line) => socket.write(`${line}\r\n`);
    say("220 e2e ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let at;
      while ((at = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data !== null) {
          if (line === ".") {
            received.push(data.join("\r\n"));
            data = null;
            say("250 queued");
          } else data.push(line);
          continue;
        }
        const verb = line.split(" ")[0].toUpperCase();
        if (verb === "EHLO") say("250-e2e\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
        else if (verb === "AUTH") {
          logins.push(Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8"));
          say("235 2.7.0 accepted");
        }
        else if (verb === "DATA") {
          data = [];
          say("354 go ahead");
        } else if (verb === "QUIT") {
          say("221 bye");
          socket.end();
        } else say("250 OK");
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: server.address().port, received, logins })));
}

test("Email: save the SMTP server in Settings and send a test e-mail", async (t) => {
  const step = steps(t);
  const dataDir = tempDir("studydesk-e2e-email");
  const smtp = await smtpServer();
  let browser;

  await step("Settings › Email shows the form, STARTTLS by default", async () => {
    ({ browser } = await start(dataDir));
    await (await browser.$(tid("onboarding-empty"))).click();
    await (await browser.$(tid("home"))).waitForDisplayed({ timeout: 20_000 });
    const nav = await browser.$(tid("nav-settings"));
    await nav.waitForDisplayed({ timeout: 20_000 });
    await nav.click();
    const section = await browser.$(tid("settings-email"));
    await section.waitForDisplayed({ timeout: 20_000 });
    await section.scrollIntoView();
    assert.equal(await (await browser.$("#smtp-security")).getValue(), "starttls");
    assert.equal(await (await browser.$("#smtp-port")).getValue(), "587");
  });

  await step("the server is saved with its password, which is only said to be saved", async () => {
    await setInputValue(browser, await browser.$("#smtp-host"), "127.0.0.1");
    await (await browser.$("#smtp-security")).selectByAttribute("value", "none");
    await setInputValue(browser, await browser.$("#smtp-port"), String(smtp.port));
    await setInputValue(browser, await browser.$("#smtp-user"), "ann");
    await setInputValue(browser, await browser.$("#smtp-password"), "e2e-secret");
    await setInputValue(browser, await browser.$("#smtp-from"), "ann@example.com");
    await (await browser.$(tid("smtp-save"))).click();
    await (await browser.$(tid("smtp-saved"))).waitForDisplayed();
    assert.match(await (await browser.$(tid("smtp-password-hint"))).getText(), /saved/);
    assert.equal(await (await browser.$("#smtp-password")).getValue(), "");
  });

  await step("Send test email reaches the server and says so", async () => {
    await setInputValue(browser, await browser.$("#smtp-test-to"), "bo@example.org");
    await (await browser.$(tid("smtp-test-send"))).click();
    const result = await browser.$(tid("smtp-test-result"));
    await result.waitForDisplayed({ timeout: 30_000 });
    assert.match(await result.getText(), /Sent a test e-mail to bo@example\.org/);
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.logins, ["\0ann\0e2e-secret"], "the saved password is the one sent");
    assert.match(smtp.received[0], /Subject: Studydesk test e-mail/);
    await (await browser.$(tid("settings-email"))).scrollIntoView();
    await screenshot(browser, "email-01-sent-en-light");
  });

  await step("a server that is down is said in words, in Japanese and dark", async () => {
    await new Promise((resolve) => smtp.server.close(resolve));
    await toJapaneseDark(browser);
    const section = await browser.$(tid("settings-email"));
    await section.scrollIntoView();
    await (await browser.$(tid("smtp-test-send"))).click();
    const result = await browser.$(tid("smtp-test-result"));
    await browser.waitUntil(async () => /接続できませんでした/.test(await result.getText().catch(() => "")), { timeout: 30_000, timeoutMsg: "no words for a server that is down" });
    await sleep(300);
    await section.scrollIntoView();
    await screenshot(browser, "email-02-down-ja-dark");
  });

  await stop(browser, dataDir);
});
