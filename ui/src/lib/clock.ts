// Clock faces and dates for the focus screens, in the user's locale and time zone.
// Japanese reads 24-hour times and YYYY/MM/DD dates.
import { useEffect, useState } from "react";
import type { Locale } from "../api/bindings/Locale";
import { plainDate, safeZone } from "./dates";

/** 65 → "01:05"; 3725 → "1:02:05". Negative input counts as zero. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
}

/** "14:05" in Japanese, "2:05 PM" in English. */
export function formatTime(iso: string | Date, locale: Locale, tz: string): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", {
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
  return new Intl.DateTimeFormat("en-US", {
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
    const date = new Intl.DateTimeFormat("ja-JP", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
    const wd = new Intl.DateTimeFormat("ja-JP", { timeZone, weekday: "short" }).format(d);
    return `${date} (${wd})`;
  }
  return new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", month: "long", day: "numeric" }).format(d);
}

/**
 * The current time, refreshed every `intervalMs` while `running`. Only redraws the
 * screen: no time is ever counted by these ticks.
 */
export function useNow(running: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!running) return;
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    // Back from a minimised window or a sleeping laptop: redraw at once.
    const wake = () => setNow(Date.now());
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("focus", wake);
    return () => {
      window.clearInterval(id);
      document.removeEventListener("visibilitychange", wake);
      window.removeEventListener("focus", wake);
    };
  }, [running, intervalMs]);
  return now;
}
