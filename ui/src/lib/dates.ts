// Dates and times as the app reads them, on one library (date-fns v4 with @date-fns/tz):
// plain calendar dates (`YYYY-MM-DD`, computed in UTC so no zone or daylight-saving change
// shifts a day; weeks start on Monday in every language), instants read in the user's zone
// (the zone of their settings, not the machine's) and wall clocks read back to instants.
// Locale formats go through Intl (the platform's CLDR data): date-fns' `format` would bring
// its token formatters and the en-US locale (~20 kB) for the three fixed patterns below.
import { TZDate } from "@date-fns/tz";
import { addDays as addDaysTo, addMonths as addMonthsTo, differenceInCalendarDays, getISODay, startOfISOWeek } from "date-fns";
import type { Locale } from "../api/bindings/Locale";

// ---- plain dates

/** A `YYYY-MM-DD` date as midnight UTC (invalid for a malformed string). */
export function plainDate(d: string): TZDate {
  return new TZDate(Date.parse(`${d}T00:00:00Z`), "UTC");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The `YYYY-MM-DD` of a date read in its own zone (a TZDate's getters read its zone). */
export function plainString(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError("Invalid time value");
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The `HH:MM` (24-hour) of a date read in its own zone. */
function hourMinute(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Whether `d` reads as a `YYYY-MM-DD` date. */
export function isPlainDate(d: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(plainDate(d).getTime());
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(plainDate(to), plainDate(from));
}

export function addDays(d: string, n: number): string {
  return plainString(addDaysTo(plainDate(d), n));
}

/** `n` months on; the 31st becomes the last day of a shorter month. */
export function addMonths(d: string, n: number): string {
  return plainString(addMonthsTo(plainDate(d), n));
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(d: string): number {
  return getISODay(plainDate(d)) - 1;
}

/** The Monday of the week of `d` (the app starts weeks on Monday in every language). */
export function startOfWeek(d: string): string {
  return plainString(startOfISOWeek(plainDate(d)));
}

export function startOfMonth(d: string): string {
  return `${d.slice(0, 7)}-01`;
}

/** `count` consecutive dates from `from`. */
export function days(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}

// ---- zones

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

// ---- formatters, made once and reused: building an Intl.DateTimeFormat costs far more
// than formatting with one (ICU resolves the locale's patterns each time; a ten-year chart's
// 3,650 day labels took seconds of WebKitGTK's main thread with a new one per label), and
// Home, the calendar and the charts format hundreds of dates per render. Keys come from this code's
// option sets and the user's zones, so the caches stay small; they are cleared past a bound.

const FORMATS_MAX = 256;
const formats = new Map<string, Intl.DateTimeFormat>();

/** The `Intl.DateTimeFormat` for `locale` and `options`, made on first use. */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    if (formats.size >= FORMATS_MAX) formats.clear();
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

const zones = new Map<string, string>();

/** The zone if the runtime accepts it, otherwise UTC (a bad setting must not blank the screen). */
export function safeZone(tz: string | undefined): string {
  if (!tz) return "UTC";
  const known = zones.get(tz);
  if (known) return known;
  let zone = "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    zone = tz;
  } catch {
    // An unknown zone reads as UTC.
  }
  if (zones.size >= FORMATS_MAX) zones.clear();
  zones.set(tz, zone);
  return zone;
}

/** Today in the user's time zone (UTC's today when the zone is unknown). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return plainString(new TZDate(now.getTime(), safeZone(timeZone)));
}

/** The wall-clock time `HH:MM` (24-hour) of an instant in `timeZone`. */
export function wallTime(iso: string, timeZone: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso.slice(11, 16);
  return hourMinute(new TZDate(at, safeZone(timeZone)));
}

/**
 * `2026-11-22T18:00` read as a wall clock in `tz` → `2026-11-22T09:00:00.000Z` (for Tokyo).
 * A time that a daylight-saving change skips reads as the time after the change.
 * Returns null for an empty or malformed input.
 */
export function wallTimeToIso(wall: string, tz: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(wall.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00"] = m;
  const at = new TZDate(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), safeZone(tz));
  return new Date(at.getTime()).toISOString();
}

/** The inverse of wallTimeToIso, for pre-filling a datetime-local input. */
export function isoToWallTime(iso: string, tz: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const wall = new TZDate(at, safeZone(tz));
  return `${plainString(wall)}T${hourMinute(wall)}`;
}

// ---- locale formats

const isJa = (lang: string) => lang.startsWith("ja");

export function intlLocale(locale: Locale): string {
  return locale === "ja" ? "ja-JP" : "en-US";
}

/** "Sun, Nov 22, 2026, 6:00 PM" in English; "2026/11/22 18:00" in Japanese. */
export function formatDateTime(iso: string, locale: Locale, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const timeZone = safeZone(tz);
  if (locale === "ja") {
    return dateFormat("ja-JP", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(d);
  }
  return dateFormat("en-US", {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(d);
}

/** A plain date in full: "Monday, November 23, 2026" / "2026/11/23(月)". */
export function formatLongDay(d: string, lang: string): string {
  const x = plainDate(d);
  if (isJa(lang)) {
    const wd = dateFormat("ja-JP", { weekday: "short", timeZone: "UTC" }).format(x);
    return `${d.replaceAll("-", "/")}(${wd})`;
  }
  return dateFormat("en-US", { weekday: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(x);
}

/** A plain date's month: "November 2026" / "2026年11月". */
export function formatMonth(d: string, lang: string): string {
  if (isJa(lang)) return `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月`;
  return dateFormat("en-US", { year: "numeric", month: "long", timeZone: "UTC" }).format(plainDate(d));
}

/** A plain date, short: "Nov 23, 2026" / "2026/11/23". */
export function formatShortDate(d: string, lang: string): string {
  if (isJa(lang)) return d.replaceAll("-", "/");
  return dateFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }).format(plainDate(d));
}

/** The short weekday names, Monday first. */
export function weekdayNames(lang: string): string[] {
  const monday = "2026-11-23";
  const f = dateFormat(isJa(lang) ? "ja-JP" : "en-US", { weekday: "short", timeZone: "UTC" });
  return days(monday, 7).map((d) => f.format(plainDate(d)));
}

/** A wall-clock `HH:MM` for display: 24-hour in Japanese, 12-hour in English ("9:05 AM"). */
export function formatWallTime(hhmm: string, lang: string): string {
  if (isJa(lang)) return hhmm;
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return `${h % 12 === 0 ? 12 : h % 12}:${pad(m)} ${h < 12 ? "AM" : "PM"}`;
}

// ---- the focus screens' clock faces (Japanese reads 24-hour times and YYYY/MM/DD dates)

/** "14:05" in Japanese, "2:05 PM" in English. */
export function formatTime(iso: string | Date, locale: Locale, tz: string): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return dateFormat(locale === "ja" ? "ja-JP" : "en-US", {
    timeZone: safeZone(tz),
    hour: locale === "ja" ? "2-digit" : "numeric",
    minute: "2-digit",
    hourCycle: locale === "ja" ? "h23" : "h12",
  }).format(d);
}

/** A `YYYY-MM-DD` calendar date: "2026/11/22" in Japanese, "Sun, Nov 22, 2026" in English. */
export function formatDay(date: string, locale: Locale): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  if (locale === "ja") return date.replaceAll("-", "/");
  return dateFormat("en-US", {
    timeZone: "UTC",
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
  }).format(plainDate(date));
}

/** Today's date as the clock widget shows it: "2026/11/22 (日)" or "Sunday, November 22". */
export function formatLongDate(d: Date, locale: Locale, tz: string): string {
  const timeZone = safeZone(tz);
  if (locale === "ja") {
    const date = dateFormat("ja-JP", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
    const wd = dateFormat("ja-JP", { timeZone, weekday: "short" }).format(d);
    return `${date} (${wd})`;
  }
  return dateFormat("en-US", { timeZone, weekday: "long", month: "long", day: "numeric" }).format(d);
}
