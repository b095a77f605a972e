// Dates as the user reads them: in their locale and in the time zone of their settings
// (not the machine's), and back from a wall-clock input to an RFC 3339 instant.
import type { Locale } from "../api/bindings/Locale";

const FALLBACK_ZONES = [
  "UTC",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Asia/Shanghai",
  "Asia/Singapore",
  "Asia/Kolkata",
  "Australia/Sydney",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Pacific/Auckland",
];

/** Every IANA zone the runtime knows, or a short list when it cannot say. */
export function timeZones(current?: string): string[] {
  let zones: string[];
  try {
    const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
    zones = supported ? supported("timeZone") : FALLBACK_ZONES;
    if (zones.length === 0) zones = FALLBACK_ZONES;
  } catch {
    zones = FALLBACK_ZONES;
  }
  const all = new Set(zones);
  all.add("UTC");
  if (current) all.add(current);
  return [...all].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b)));
}

/** The zone if the runtime accepts it, otherwise UTC (a bad setting must not blank the screen). */
export function safeZone(tz: string | undefined): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

export function intlLocale(locale: Locale): string {
  return locale === "ja" ? "ja-JP" : "en-US";
}

/** "Sun, Nov 22, 2026, 6:00 PM" in English; "2026/11/22 18:00" in Japanese. */
export function formatDateTime(iso: string, locale: Locale, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const timeZone = safeZone(tz);
  if (locale === "ja") {
    return new Intl.DateTimeFormat("ja-JP", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(d);
  }
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(d);
}

/** The wall-clock parts of an instant in a zone. */
function partsIn(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour") % 24, mi: get("minute"), s: get("second") };
}

/** How far the zone is ahead of UTC at `date`, in milliseconds. */
function offsetMs(date: Date, timeZone: string): number {
  const p = partsIn(date, timeZone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * `2026-11-22T18:00` read as a wall clock in `tz` → `2026-11-22T09:00:00.000Z` (for Tokyo).
 * Returns null for an empty or malformed input.
 */
export function wallTimeToIso(wall: string, tz: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(wall.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00"] = m;
  const timeZone = safeZone(tz);
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  // Two passes settle the offset around daylight-saving changes.
  let guess = naive - offsetMs(new Date(naive), timeZone);
  guess = naive - offsetMs(new Date(guess), timeZone);
  return new Date(guess).toISOString();
}

/** The inverse of wallTimeToIso, for pre-filling a datetime-local input. */
export function isoToWallTime(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = partsIn(d, safeZone(tz));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}
