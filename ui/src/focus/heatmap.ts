// The year heatmap's grid: plain `YYYY-MM-DD` calendar dates (lib/dates: no time zone or
// daylight-saving change can shift a day), 53 Monday-first weeks.
import { addDays, daysBetween, isPlainDate, startOfWeek, weekdayIndex } from "../lib/dates";

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
  if (!isPlainDate(to)) return [];
  const start = isPlainDate(from) ? from : addDays(to, -364);
  const firstMonday = addDays(startOfWeek(to), -(WEEKS - 1) * 7);
  const byDate = new Map(days.map((d) => [d.date, d.minutes]));
  const cells: HeatCell[] = [];
  for (let date = start > firstMonday ? start : firstMonday; date <= to; date = addDays(date, 1)) {
    const minutes = byDate.get(date) ?? 0;
    cells.push({
      date,
      week: Math.floor(daysBetween(firstMonday, date) / 7),
      weekday: weekdayIndex(date),
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
