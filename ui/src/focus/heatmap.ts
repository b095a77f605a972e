// Date arithmetic for the year heatmap: plain `YYYY-MM-DD` calendar dates, computed in
// UTC so no time zone or daylight-saving change can shift a day.

const DAY_MS = 86_400_000;

export function parseDay(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7;
}

export type HeatCell = { date: string; week: number; weekday: number; minutes: number; level: 0 | 1 | 2 | 3 | 4 };

/** How strongly a day is coloured, against the daily target. */
export function levelOf(minutes: number, dailyTarget: number): HeatCell["level"] {
  if (minutes <= 0) return 0;
  const t = dailyTarget > 0 ? dailyTarget : 60;
  if (minutes < t / 4) return 1;
  if (minutes < t / 2) return 2;
  if (minutes < t) return 3;
  return 4;
}

export const WEEKS = 53;

/**
 * The cells of a 53-week grid, Monday first, whose last column is the week of `to`.
 * Days before `from` and after `to` are left out (blank).
 */
export function heatCells(
  days: readonly { date: string; minutes: number }[],
  from: string,
  to: string,
  dailyTarget: number,
): HeatCell[] {
  const end = parseDay(to);
  if (end === null) return [];
  const start = parseDay(from) ?? end - 364 * DAY_MS;
  const firstMonday = end - weekdayIndex(end) * DAY_MS - (WEEKS - 1) * 7 * DAY_MS;
  const byDate = new Map(days.map((d) => [d.date, d.minutes]));
  const cells: HeatCell[] = [];
  for (let t = Math.max(firstMonday, start); t <= end; t += DAY_MS) {
    const date = dayString(t);
    const minutes = byDate.get(date) ?? 0;
    cells.push({
      date,
      week: Math.floor(Math.round((t - firstMonday) / DAY_MS) / 7),
      weekday: weekdayIndex(t),
      minutes,
      level: levelOf(minutes, dailyTarget),
    });
  }
  return cells;
}

/** Month labels: the column where each month's first Monday-started week begins. */
export function monthStarts(cells: readonly HeatCell[]): { week: number; month: number; year: number }[] {
  const out: { week: number; month: number; year: number }[] = [];
  let last = -1;
  for (const c of cells) {
    const month = Number(c.date.slice(5, 7));
    if (month !== last && c.weekday === 0) {
      // Skip a label squeezed against the previous one (a partial first column).
      const prev = out[out.length - 1];
      if (!prev || c.week - prev.week >= 3) out.push({ week: c.week, month, year: Number(c.date.slice(0, 4)) });
      last = month;
    } else if (last === -1) {
      last = month;
    }
  }
  return out;
}
