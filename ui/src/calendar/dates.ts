// Calendar date arithmetic on local `YYYY-MM-DD` strings (no zone: noon UTC never
// crosses a day), the Monday-start grids, locale formats and the RRULE builder.

export type View = "month" | "week" | "day" | "agenda";

function toDate(d: string): Date {
  return new Date(`${d}T12:00:00Z`);
}

function fromDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(d: string, n: number): string {
  const x = toDate(d);
  x.setUTCDate(x.getUTCDate() + n);
  return fromDate(x);
}

export function addMonths(d: string, n: number): string {
  const x = toDate(d);
  const day = x.getUTCDate();
  x.setUTCDate(1);
  x.setUTCMonth(x.getUTCMonth() + n);
  const last = new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 0, 12)).getUTCDate();
  x.setUTCDate(Math.min(day, last));
  return fromDate(x);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(d: string): number {
  return (toDate(d).getUTCDay() + 6) % 7;
}

/** The Monday of the week of `d` (the app starts weeks on Monday in every language). */
export function startOfWeek(d: string): string {
  return addDays(d, -weekdayIndex(d));
}

export function startOfMonth(d: string): string {
  return `${d.slice(0, 7)}-01`;
}

export function days(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}

/** The first and last date shown by a view around `anchor`. */
export function viewRange(view: View, anchor: string): { from: string; to: string } {
  switch (view) {
    case "month": {
      const from = startOfWeek(startOfMonth(anchor));
      return { from, to: addDays(from, 41) };
    }
    case "week": {
      const from = startOfWeek(anchor);
      return { from, to: addDays(from, 6) };
    }
    case "day":
      return { from: anchor, to: anchor };
    case "agenda":
      return { from: anchor, to: addDays(anchor, 29) };
  }
}

export function step(view: View, anchor: string, dir: 1 | -1): string {
  if (view === "month") return addMonths(anchor, dir);
  if (view === "week") return addDays(anchor, 7 * dir);
  if (view === "agenda") return addDays(anchor, 30 * dir);
  return addDays(anchor, dir);
}

/** Today in the user's time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    // Assembled from parts: the pattern of a formatted date differs between ICU versions
    // (WebKitGTK's en-CA is not always YYYY-MM-DD), the parts do not.
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    const date = `${part("year")}-${part("month")}-${part("day")}`;
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
    return now.toISOString().slice(0, 10);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const isJa = (lang: string) => lang.startsWith("ja");

/** The full date: "Monday, November 23, 2026" / "2026/11/23(月)". */
export function formatLongDate(d: string, lang: string): string {
  const x = toDate(d);
  if (isJa(lang)) {
    const wd = new Intl.DateTimeFormat("ja-JP", { weekday: "short", timeZone: "UTC" }).format(x);
    return `${d.replaceAll("-", "/")}(${wd})`;
  }
  return new Intl.DateTimeFormat("en-US", { weekday: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(x);
}

/** The view's heading: "November 2026" / "2026年11月", or the date range. */
export function formatMonth(d: string, lang: string): string {
  if (isJa(lang)) return `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月`;
  return new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", timeZone: "UTC" }).format(toDate(d));
}

export function formatShortDate(d: string, lang: string): string {
  if (isJa(lang)) return d.replaceAll("-", "/");
  return new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" }).format(toDate(d));
}

export function weekdayNames(lang: string): string[] {
  const monday = "2026-11-23";
  const f = new Intl.DateTimeFormat(isJa(lang) ? "ja-JP" : "en-US", { weekday: "short", timeZone: "UTC" });
  return days(monday, 7).map((d) => f.format(toDate(d)));
}

/** The wall-clock time `HH:MM` (24-hour) of an instant in `timeZone`. */
export function wallTime(iso: string, timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso));
    const h = parts.find((p) => p.type === "hour")?.value ?? "00";
    const m = parts.find((p) => p.type === "minute")?.value ?? "00";
    return `${h}:${m}`;
  } catch {
    return iso.slice(11, 16);
  }
}

/** A time for display: 24-hour in Japanese, 12-hour in English. */
export function formatTime(hhmm: string, lang: string): string {
  if (isJa(lang)) return hhmm;
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const suffix = h < 12 ? "AM" : "PM";
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}:${String(m).padStart(2, "0")} ${suffix}`;
}

export type Freq = "none" | "daily" | "weekly" | "monthly" | "yearly";
export type RepeatEnd = "never" | "count" | "until";
export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

export interface Repeat {
  freq: Freq;
  interval: number;
  weekdays: string[];
  end: RepeatEnd;
  count: number;
  until: string;
}

/** The RRULE value of the editor's repeat choice, or null for a single event (an empty interval or count reads as 1). */
export function buildRrule(r: Repeat): string | null {
  if (r.freq === "none") return null;
  const parts = [`FREQ=${r.freq.toUpperCase()}`];
  if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.freq === "weekly" && r.weekdays.length > 0) {
    parts.push(`BYDAY=${WEEKDAY_CODES.filter((c) => r.weekdays.includes(c)).join(",")}`);
  }
  if (r.end === "count") parts.push(`COUNT=${Math.max(1, r.count)}`);
  if (r.end === "until" && r.until) parts.push(`UNTIL=${r.until.replaceAll("-", "")}`);
  return parts.join(";");
}

/** The editor's repeat choice from an RRULE (the parts it can show). */
export function parseRrule(rrule: string | null): Repeat {
  const r: Repeat = { freq: "none", interval: 1, weekdays: [], end: "never", count: 10, until: "" };
  if (!rrule) return r;
  for (const part of rrule.replace(/^RRULE:/, "").split(";")) {
    const [k, v = ""] = part.split("=");
    if (k === "FREQ") {
      const f = v.toLowerCase();
      if (f === "daily" || f === "weekly" || f === "monthly" || f === "yearly") r.freq = f;
    } else if (k === "INTERVAL") r.interval = Math.max(1, Number(v) || 1);
    else if (k === "BYDAY") r.weekdays = v.split(",").map((d) => d.slice(-2));
    else if (k === "COUNT") {
      r.end = "count";
      r.count = Number(v) || 1;
    } else if (k === "UNTIL") {
      r.end = "until";
      r.until = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
    }
  }
  return r;
}
