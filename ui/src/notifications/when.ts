// Times in the notification center: "5 minutes ago" / "5 分前" for the last day, the
// full date and time after that, and the next time a wall clock reads HH:MM.
import type { Locale } from "../api/bindings/Locale";
import { addDays, formatDateTime, intlLocale, safeZone, todayIn, wallTimeToIso } from "../lib/dates";

const MINUTE = 60_000;

/** Relative within a day (either way), else the absolute date and time. */
export function formatWhen(iso: string, locale: Locale, timeZone: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const minutes = Math.round((at - now) / MINUTE);
  if (Math.abs(minutes) >= 24 * 60) return formatDateTime(iso, locale, timeZone);
  const rtf = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: "auto" });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
  return rtf.format(Math.round(minutes / 60), "hour");
}

/** The next instant (RFC 3339, UTC) at which the clock in `timeZone` reads `hhmm`: today, else tomorrow. */
export function nextWallTime(hhmm: string, timeZone: string, now: Date = new Date()): string | null {
  if (!/^\d{2}:\d{2}$/.test(hhmm)) return null;
  const zone = safeZone(timeZone);
  const today = todayIn(zone, now);
  const first = wallTimeToIso(`${today}T${hhmm}`, zone);
  if (first && Date.parse(first) > now.getTime()) return first;
  return wallTimeToIso(`${addDays(today, 1)}T${hhmm}`, zone);
}
