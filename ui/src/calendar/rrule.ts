// The editor's repeat choice ⇄ an RRULE value. Only the parts the editor shows (FREQ,
// INTERVAL, weekly BYDAY, COUNT, UNTIL as a date): the core parses and expands rules, so
// a rule library (rrule.js, ~20 kB gzipped, expansion we never run here) is not worth it.
import { WEEKDAY_CODES } from "../lib/describeRule";

export type Freq = "none" | "daily" | "weekly" | "monthly" | "yearly";
export type RepeatEnd = "never" | "count" | "until";

export interface Repeat {
  freq: Freq;
  interval: number;
  weekdays: string[];
  end: RepeatEnd;
  count: number;
  /** `YYYY-MM-DD`, or empty. */
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

/**
 * Whether the editor can show a stored rule without losing any of it: one rule of the
 * parts it has (FREQ, INTERVAL, BYDAY of plain weekdays on a weekly rule, COUNT, UNTIL).
 * Anything else (several rules, one per line, from an imported calendar; BYMONTHDAY,
 * BYSETPOS, numbered weekdays) is shown read-only and kept as it is.
 */
export function editableRrule(rrule: string | null): boolean {
  if (!rrule) return true;
  const lines = rrule.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== 1) return false;
  const weekly = /(^|;)FREQ=WEEKLY(;|$)/.test(lines[0]!);
  return lines[0]!.replace(/^RRULE:/, "").split(";").every((part) => {
    const [k, v = ""] = part.split("=");
    if (k === "FREQ" || k === "INTERVAL" || k === "COUNT" || k === "UNTIL") return true;
    if (k === "WKST") return v === "MO";
    return k === "BYDAY" && weekly && v.split(",").every((d) => /^(MO|TU|WE|TH|FR|SA|SU)$/.test(d));
  });
}
