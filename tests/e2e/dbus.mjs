// The session bus side of the end-to-end tests: a notification server (dunst) and a
// monitor that reads every org.freedesktop.Notifications.Notify call with the id the
// server answered, so a test can count notices by title and press a notice's action the
// way a notification server does (the ActionInvoked signal).
//
// scripts/e2e.sh runs the tests inside `dbus-run-session` under Xvfb, so this bus is the
// app's bus and nobody else's.

import { execFileSync, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether `bin` is on PATH. */
function have(bin) {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts dunst (the notification server) and returns a stop function. */
export async function startNotificationServer() {
  if (!have("dunst")) throw new Error("dunst is not installed (scripts/setup.sh installs it)");
  const child = spawn("dunst", [], { stdio: "ignore" });
  // It owns org.freedesktop.Notifications once it answers GetServerInformation.
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.freedesktop.Notifications.GetServerInformation"], { stdio: "ignore" });
      break;
    } catch {
      await sleep(100);
    }
  }
  return () => child.kill();
}

/**
 * Watches Notify calls and their replies. `notices()` returns `{summary, body, id}` for
 * every Notify call seen so far (id: the server's answer, once it came).
 */
export async function watchNotifications() {
  const child = spawn("dbus-monitor", ["--session", "type='method_call',interface='org.freedesktop.Notifications',member='Notify'", "type='method_return'"], { stdio: ["ignore", "pipe", "ignore"] });
  let text = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => (text += chunk));
  await sleep(500); // let it register with the bus
  const notices = () => {
    const blocks = text.split(/\n(?=(?:method call|method return|signal|error) )/);
    const calls = [];
    const replies = new Map();
    for (const b of blocks) {
      if (b.startsWith("method call") && b.includes("member=Notify")) {
        const serial = /serial=(\d+)/.exec(b)?.[1];
        const strings = [...b.matchAll(/^\s+string "((?:[^"\\]|\\.)*)"/gm)].map((m) => m[1]);
        // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, timeout)
        calls.push({ serial, summary: strings[2] ?? "", body: strings[3] ?? "", text: b });
      } else if (b.startsWith("method return")) {
        const reply = /reply_serial=(\d+)/.exec(b)?.[1];
        const id = /^\s+uint32 (\d+)/m.exec(b)?.[1];
        if (reply && id) replies.set(reply, Number(id));
      }
    }
    return calls.map((c) => ({ summary: c.summary, body: c.body, id: replies.get(c.serial) ?? null, text: c.text }));
  };
  return { notices, stop: () => child.kill() };
}

/** Sends what a notification server sends when the user picks action `key` of notice `id`. */
export function invokeAction(id, key) {
  execFileSync("dbus-send", ["--session", "--type=signal", "/org/freedesktop/Notifications", "org.freedesktop.Notifications.ActionInvoked", `uint32:${id}`, `string:${key}`]);
}
