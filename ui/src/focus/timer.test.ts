import { describe, expect, it } from "vitest";
import { formatDuration } from "../lib/clock";
import * as fx from "../test/fixtures";
import { focusedSecondsAt, isCounting, phaseSecondsLeft, sessionState } from "./timer";

const at = (iso: string) => Date.parse(iso);

describe("the session timer", () => {
  it("adds the time since as_of while active", () => {
    const s = fx.session({ focused_seconds: 600, as_of: "2026-11-22T01:10:00.000Z" });
    expect(focusedSecondsAt(s, at("2026-11-22T01:10:00.000Z"))).toBe(600);
    expect(focusedSecondsAt(s, at("2026-11-22T01:10:42.900Z"))).toBe(642);
    // Hours later (the laptop slept): still the stored facts plus the wall-clock gap.
    expect(focusedSecondsAt(s, at("2026-11-22T03:10:00.000Z"))).toBe(600 + 7200);
    // A clock behind as_of never counts backwards.
    expect(focusedSecondsAt(s, at("2026-11-22T01:09:00.000Z"))).toBe(600);
  });

  it("holds still while paused, idle, on a break or waiting for the next phase", () => {
    const now = at("2026-11-22T01:20:00.000Z");
    expect(focusedSecondsAt(fx.session({ status: "paused" }), now)).toBe(600);
    expect(focusedSecondsAt(fx.session({ idle_since: "2026-11-22T01:05:00.000Z" }), now)).toBe(600);
    const phase = { cycle: 1, started_at: "2026-11-22T01:05:00.000Z", ends_at: "2026-11-22T01:30:00.000Z", awaiting_start: false };
    expect(focusedSecondsAt(fx.session({ phase: { ...phase, kind: "short_break" } }), now)).toBe(600);
    expect(focusedSecondsAt(fx.session({ phase: { ...phase, kind: "work", awaiting_start: true } }), now)).toBe(600);
    expect(focusedSecondsAt(fx.session({ phase: { ...phase, kind: "work" } }), now)).toBe(1200);
  });

  it("stops a work phase at its end, and counts its remaining time down", () => {
    const s = fx.session({
      phase: { kind: "work", cycle: 2, started_at: "2026-11-22T01:00:00.000Z", ends_at: "2026-11-22T01:25:00.000Z", awaiting_start: false },
    });
    expect(focusedSecondsAt(s, at("2026-11-22T01:40:00.000Z"))).toBe(600 + 15 * 60);
    expect(phaseSecondsLeft(s, at("2026-11-22T01:20:00.000Z"))).toBe(300);
    expect(phaseSecondsLeft(s, at("2026-11-22T01:30:00.000Z"))).toBe(0);
    expect(phaseSecondsLeft(fx.session(), at("2026-11-22T01:30:00.000Z"))).toBeNull();
  });

  it("names the state the user sees", () => {
    expect(sessionState(fx.session())).toBe("active");
    expect(isCounting(fx.session())).toBe(true);
    expect(sessionState(fx.session({ status: "paused" }))).toBe("paused");
    expect(sessionState(fx.session({ idle_since: "2026-11-22T01:05:00.000Z" }))).toBe("idle");
    const phase = { cycle: 1, started_at: "2026-11-22T01:05:00.000Z", ends_at: "2026-11-22T01:30:00.000Z", awaiting_start: false };
    expect(sessionState(fx.session({ phase: { ...phase, kind: "long_break" } }))).toBe("break");
    expect(sessionState(fx.session({ phase: { ...phase, kind: "short_break", awaiting_start: true } }))).toBe("awaiting");
  });

  it("formats mm:ss under an hour and h:mm:ss above", () => {
    expect(formatDuration(0)).toBe("00:00");
    expect(formatDuration(65)).toBe("01:05");
    expect(formatDuration(3599)).toBe("59:59");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(-3)).toBe("00:00");
  });
});
