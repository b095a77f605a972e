// "2 minutes ago" / "2 分前" for a timestamp, in the app's language.
const STEPS: [number, Intl.RelativeTimeFormatUnit, number][] = [
  [60, "second", 1],
  [3600, "minute", 60],
  [86400, "hour", 3600],
  [604800, "day", 86400],
  [2629800, "week", 604800],
  [31557600, "month", 2629800],
];

export function relativeTime(iso: string, locale: string, now: number = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const seconds = (t - now) / 1000;
  const fmt = new Intl.RelativeTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { numeric: "auto" });
  for (const [limit, unit, size] of STEPS) {
    if (Math.abs(seconds) < limit) return fmt.format(Math.round(seconds / size), unit);
  }
  return fmt.format(Math.round(seconds / 31557600), "year");
}
