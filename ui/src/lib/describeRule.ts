// A stored repeat rule said in words, in the UI's language: "Every 2 months on the second
// Monday, 5 times" / "2か月ごと 第2月曜日、5回"; several rules (one per line, as an
// imported event stores them) joined ("…; and every month on the 15th, twice").
//
// Contract: a rule is said whole or not at all. A rule with a part this cannot say
// (BYWEEKNO, BYYEARDAY, BYHOUR…, a malformed or repeated part) is returned as stored in
// `unsaid`, never shortened into a sentence that would mean something else; the caller
// shows it raw. WKST is ignored (it changes nothing a sentence says). UNTIL reads as a
// date in the user's zone when it is a UTC date-time.
//
// Why not a library: rrule.js's `toText` has English word order built in (no Japanese),
// says no BYSETPOS, and brings its expansion (~20 kB gz) that only the core runs;
// rrule-temporal's needs its rule object on the Temporal polyfill. Names of months and
// weekdays and the UNTIL date come from Intl through lib/dates, like every other date
// the app shows (date-fns' `format` and locales are kept out of the bundle, see there).
import type { TFunction } from "i18next";
import { TZDate } from "@date-fns/tz";
import { dateFormat, formatShortDate, isPlainDate, plainDate, plainString, safeZone } from "./dates";

/** BYDAY's weekday codes, Monday first (here, not in calendar/, so that History can say a
 * rule too without a room circle: calendar's editor shows History). */
export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

export interface RuleInWords {
  /** The rules that could be said, as one sentence; null when none could. */
  text: string | null;
  /** The rules (whole lines, as stored) with a part that cannot be said. */
  unsaid: string[];
}

const FREQS = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"] as const;
type Freq = (typeof FREQS)[number];

/** A weekday of BYDAY: 0 = Monday … 6 = Sunday; `n` its number in the month or year (0: every one). */
interface ByDay {
  n: number;
  day: number;
}

/** One RRULE line, the parts a sentence says. */
interface Rule {
  freq: Freq;
  interval: number;
  byDay: ByDay[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  count: number | null;
  /** `YYYY-MM-DD` in the user's zone. */
  until: string | null;
}

/** Says `rrule` (one rule per line, `RRULE:` prefix optional) in `lang`. */
export function describeRrule(rrule: string, t: TFunction, lang: string, timeZone: string): RuleInWords {
  const lines = rrule.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const said: string[] = [];
  const unsaid: string[] = [];
  for (const line of lines) {
    const rule = parseRule(line, timeZone);
    if (rule) said.push(sayRule(rule, new Words(t, lang)));
    else unsaid.push(line);
  }
  if (said.length === 0) return { text: null, unsaid };
  const joined = said.length === 1 ? said[0]! : t("calendarPage.rule.rulesJoin", { rules: said.slice(0, -1).join(t("calendarPage.rule.rulesSep")), last: said.at(-1) });
  return { text: capitalize(joined, lang), unsaid };
}

// ---- reading a rule

const int = (v: string) => (/^[+-]?\d{1,4}$/.test(v) ? Number(v) : NaN);
const inRange = (n: number, max: number) => Number.isInteger(n) && n !== 0 && Math.abs(n) <= max;

/** One RRULE line, or null when a part of it cannot be said. */
function parseRule(line: string, timeZone: string): Rule | null {
  const rule: Rule = { freq: "DAILY", interval: 1, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [], count: null, until: null };
  const seen = new Set<string>();
  // An empty part (a trailing ";") says nothing.
  for (const part of line.replace(/^RRULE:/i, "").split(";").filter((p) => p !== "")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).toUpperCase();
    const value = part.slice(eq + 1).toUpperCase();
    if (eq < 1 || value === "" || seen.has(key)) return null;
    seen.add(key);
    if (!readPart(rule, key, value, timeZone)) return null;
  }
  if (!seen.has("FREQ")) return null;
  return sayable(rule) ? rule : null;
}

/** Reads one `KEY=VALUE` into `rule`; false when it is not one this can say. */
function readPart(rule: Rule, key: string, value: string, timeZone: string): boolean {
  const list = value.split(",");
  switch (key) {
    case "FREQ":
      rule.freq = value as Freq;
      return (FREQS as readonly string[]).includes(value);
    case "INTERVAL":
      rule.interval = int(value);
      return rule.interval >= 1;
    case "COUNT":
      rule.count = int(value);
      return rule.count >= 1;
    case "UNTIL":
      rule.until = untilDate(value, timeZone);
      return rule.until !== null;
    case "WKST":
      return weekday(value) >= 0;
    case "BYDAY":
      rule.byDay = list.map(byDay);
      return rule.byDay.every((d) => d.day >= 0 && (d.n === 0 || inRange(d.n, 53)));
    case "BYMONTHDAY":
      rule.byMonthDay = list.map(int);
      return rule.byMonthDay.every((d) => inRange(d, 31));
    case "BYMONTH":
      rule.byMonth = list.map(int);
      return rule.byMonth.every((m) => m >= 1 && m <= 12);
    case "BYSETPOS":
      rule.bySetPos = list.map(int);
      return rule.bySetPos.every((p) => inRange(p, 366));
    default:
      return false;
  }
}

/** Combinations a sentence can say without changing what they mean. */
function sayable(r: Rule): boolean {
  const numbered = r.byDay.some((d) => d.n !== 0);
  const monthOrYear = r.freq === "MONTHLY" || r.freq === "YEARLY";
  // A numbered weekday is "the second Monday" of a month or a year only.
  if (numbered && !monthOrYear) return false;
  // RFC 5545 has no month days in a weekly rule.
  if (r.byMonthDay.length > 0 && r.freq === "WEEKLY") return false;
  if (r.bySetPos.length > 0) {
    // BYSETPOS picks from a set of plain weekdays ("the last weekday"), nothing else here;
    // a yearly set over several months is one set, not one per month as "in March and
    // June on the last weekday" would read.
    const oneSetPerPeriod = monthOrYear || r.freq === "WEEKLY";
    return oneSetPerPeriod && r.byDay.length > 0 && !numbered && r.byMonthDay.length === 0 && !(r.freq === "YEARLY" && r.byMonth.length > 1);
  }
  // Both: month days that fall on those weekdays ("the 13th, if it falls on Friday").
  if (r.byDay.length > 0 && r.byMonthDay.length > 0) return !numbered;
  return true;
}

const weekday = (code: string) => (WEEKDAY_CODES as readonly string[]).indexOf(code);

function byDay(v: string): ByDay {
  const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(v);
  if (!m) return { n: 0, day: -1 };
  return { n: m[1] ? Number(m[1]) : 0, day: weekday(m[2]!) };
}

/** UNTIL as a `YYYY-MM-DD`: a date as it is, a UTC date-time in `timeZone`, a floating one as written. */
function untilDate(v: string, timeZone: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, utc] = m;
  const date = `${y}-${mo}-${d}`;
  // isPlainDate alone lets 31 February roll over into March.
  if (!isPlainDate(date) || plainString(plainDate(date)) !== date) return null;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60)) return null;
  if (!utc) return date;
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return plainString(new TZDate(at, safeZone(timeZone)));
}

// ---- saying it

/** The words of one language: names from Intl, phrases from the translations. */
class Words {
  readonly t: TFunction;
  readonly lang: string;
  private readonly intl: string;
  constructor(t: TFunction, lang: string) {
    this.t = t;
    this.lang = lang;
    this.intl = lang.startsWith("ja") ? "ja-JP" : "en-US";
  }

  /** "Monday" / "月曜日" (0 = Monday). */
  weekday(day: number): string {
    return dateFormat(this.intl, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2026, 10, 23 + day));
  }

  /** "March" / "3月" (1 = January). */
  month(m: number): string {
    return dateFormat(this.intl, { month: "long", timeZone: "UTC" }).format(Date.UTC(2026, m - 1, 1));
  }

  /** "A", "A and B", "A, B and C" (or "or"). */
  list(items: string[], kind: "and" | "or" = "and"): string {
    if (items.length <= 1) return items[0] ?? "";
    const head = items.slice(0, -1).join(this.t("calendarPage.rule.listSep"));
    return this.t(`calendarPage.rule.${kind}`, { a: head, b: items.at(-1) });
  }

  /** A position as a word where the language has one ("second"), else a number ("6th"). */
  nth(n: number): string {
    return this.t([`calendarPage.rule.nthWord.${n}`, "calendarPage.rule.ordinal"], { count: n, ordinal: true });
  }

  /** "the 15th" / "15日" (negative from the end). */
  monthDay(d: number): string {
    if (d === -1) return this.t("calendarPage.rule.lastMonthDay");
    if (d < 0) return this.t("calendarPage.rule.nthLastMonthDay", { nth: this.nth(-d) });
    return this.t("calendarPage.rule.monthDay", { count: d, ordinal: true });
  }

  /** "Monday", "the second Monday", "the last Friday", "the second to last Friday". */
  byDay({ n, day }: ByDay): string {
    const name = this.weekday(day);
    if (n === 0) return name;
    if (n === -1) return this.t("calendarPage.rule.lastDay", { day: name });
    if (n < 0) return this.t("calendarPage.rule.nthLastDay", { nth: this.nth(-n), day: name });
    return this.t("calendarPage.rule.nthDay", { nth: this.nth(n), day: name });
  }

  /** Plain weekdays, Monday to Friday as "weekdays" ("weekday" after "every" or a position), else their names. */
  weekdays(days: number[], kind: "and" | "or" | "each"): string {
    if (isMondayToFriday(days)) return this.t(kind === "and" ? "calendarPage.rule.weekdaysAll" : "calendarPage.rule.weekdayOne");
    return this.list(days.map((d) => this.weekday(d)), kind === "or" ? "or" : "and");
  }

  /** BYSETPOS over plain weekdays: "the last weekday", "the first Saturday or Sunday". */
  setPos(pos: number, days: string): string {
    if (pos === -1) return this.t("calendarPage.rule.setPosLast", { days });
    if (pos < 0) return this.t("calendarPage.rule.setPosNthLast", { nth: this.nth(-pos), days });
    return this.t("calendarPage.rule.setPos", { nth: this.nth(pos), days });
  }
}

const isMondayToFriday = (days: number[]) => days.length === 5 && [0, 1, 2, 3, 4].every((d) => days.includes(d));

/** "every 2 months in March on the second Monday, 5 times, until …" (not yet capitalized). */
function sayRule(r: Rule, w: Words): string {
  const t = w.t;
  const freq = r.freq.toLowerCase();
  const every = r.interval === 1 ? t(`calendarPage.rule.every.${freq}`) : t(`calendarPage.rule.everyN.${freq}`, { n: r.interval });
  const months = r.byMonth.length > 0 ? w.list(r.byMonth.map((m) => w.month(m))) : null;
  const days = sayDays(r, w);
  let text = months && days ? t("calendarPage.rule.inMonthsOnDays", { every, months, days }) : months ? t("calendarPage.rule.inMonths", { every, months }) : days ? t("calendarPage.rule.onDays", { every, days }) : every;
  if (r.count !== null) text = t("calendarPage.rule.withCount", { rule: text, times: r.count === 2 ? t("calendarPage.rule.twice") : t("calendarPage.rule.times", { count: r.count }) });
  if (r.until !== null) text = t("calendarPage.rule.withUntil", { rule: text, date: formatShortDate(r.until, w.lang) });
  return text;
}

/** The days part: weekdays, month days, both, or a BYSETPOS pick; null when the rule has none. */
function sayDays(r: Rule, w: Words): string | null {
  const plain = r.byDay.filter((d) => d.n === 0).map((d) => d.day);
  if (r.bySetPos.length > 0) {
    const days = w.weekdays(plain, "or");
    return w.list(r.bySetPos.map((p) => w.setPos(p, days)));
  }
  if (r.byMonthDay.length > 0) {
    let monthDays = w.list(r.byMonthDay.map((d) => w.monthDay(d)));
    // A yearly rule's month days are in every month unless BYMONTH names some.
    if (r.freq === "YEARLY" && r.byMonth.length === 0) monthDays = w.t("calendarPage.rule.ofEveryMonth", { monthDays });
    return plain.length > 0 ? w.t("calendarPage.rule.monthDaysIf", { monthDays, days: w.weekdays(plain, "or") }) : monthDays;
  }
  if (r.byDay.length === 0) return null;
  // In a month or a year, a plain weekday is each one of them: "every Monday", not one Monday.
  const each = r.freq === "MONTHLY" || r.freq === "YEARLY";
  if (r.byDay.every((d) => d.n === 0)) return each ? w.t("calendarPage.rule.eachOf", { days: w.weekdays(plain, "each") }) : w.weekdays(plain, "and");
  return w.list(r.byDay.map((d) => (d.n === 0 && each ? w.t("calendarPage.rule.eachOf", { days: w.byDay(d) }) : w.byDay(d))));
}

/** The sentence's first letter in capitals (Japanese has none). */
function capitalize(s: string, lang: string): string {
  return s.charAt(0).toLocaleUpperCase(lang) + s.slice(1);
}
