import { describe, expect, it } from "vitest";
import { formatDateTime, isoToWallTime, safeZone, timeZones, wallTimeToIso } from "./time";

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
});
