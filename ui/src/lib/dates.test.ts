import { describe, expect, it } from "vitest";
import { addDays, addMonths, dateFormat, formatDateTime, isoToWallTime, safeZone, startOfWeek, timeZones, todayIn, wallTime, wallTimeToIso } from "./dates";

describe("time", () => {
  it("reads a wall-clock input in the user's zone, across daylight saving", () => {
    expect(wallTimeToIso("2026-11-22T18:00", "Asia/Tokyo")).toBe("2026-11-22T09:00:00.000Z");
    expect(wallTimeToIso("2026-07-01T09:00", "America/New_York")).toBe("2026-07-01T13:00:00.000Z");
    expect(wallTimeToIso("2026-12-01T09:00", "America/New_York")).toBe("2026-12-01T14:00:00.000Z");
    expect(wallTimeToIso("2026-11-22", "UTC")).toBe("2026-11-22T00:00:00.000Z");
    expect(wallTimeToIso("", "UTC")).toBeNull();
    expect(isoToWallTime("2026-11-22T09:00:00.000Z", "Asia/Tokyo")).toBe("2026-11-22T18:00");
  });

  it("formats in the locale and zone", () => {
    expect(formatDateTime("2026-11-22T09:00:00.000Z", "ja", "Asia/Tokyo")).toBe("2026/11/22 18:00");
    expect(formatDateTime("2026-11-22T09:00:00.000Z", "en", "UTC")).toMatch(/^Sun, Nov 22, 2026, 9:00\sAM$/);
  });

  it("survives a zone the runtime does not know", () => {
    expect(safeZone("Mars/Olympus")).toBe("UTC");
    expect(formatDateTime("2026-11-22T09:00:00.000Z", "ja", "Mars/Olympus")).toBe("2026/11/22 09:00");
    const zones = timeZones("Asia/Tokyo");
    expect(zones[0]).toBe("UTC");
    expect(zones).toContain("Asia/Tokyo");
  });

  it("reads a wall clock a daylight-saving change skips as the time after it", () => {
    expect(wallTimeToIso("2026-03-08T02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(wallTime("2026-03-08T07:30:00.000Z", "America/New_York")).toBe("03:30");
  });

  it("does plain-date arithmetic without a zone, weeks starting on Monday", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(startOfWeek("2026-11-22")).toBe("2026-11-16");
    expect(todayIn("Asia/Tokyo", new Date("2026-11-22T15:30:00Z"))).toBe("2026-11-23");
    expect(todayIn("Mars/Olympus", new Date("2026-11-22T15:30:00Z"))).toBe("2026-11-22");
  });
});

describe("formatters", () => {
  it("makes one formatter per locale and options and reuses it", () => {
    const a = dateFormat("en-US", { month: "short", timeZone: "UTC" });
    expect(dateFormat("en-US", { month: "short", timeZone: "UTC" })).toBe(a);
    expect(dateFormat("ja-JP", { month: "short", timeZone: "UTC" })).not.toBe(a);
    expect(dateFormat("en-US", { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2026, 10, 5)))).toBe("November");
  });

  it("remembers a zone's check, a bad zone too, and still tells them apart", () => {
    expect(safeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(safeZone("Mars/Olympus")).toBe("UTC");
    expect(safeZone("Mars/Olympus")).toBe("UTC");
    expect(safeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(formatDateTime("2026-11-22T09:00:00Z", "ja", "Asia/Tokyo")).toBe("2026/11/22 18:00");
    expect(formatDateTime("2026-11-22T09:00:00Z", "ja", "Mars/Olympus")).toBe("2026/11/22 09:00");
  });
});
