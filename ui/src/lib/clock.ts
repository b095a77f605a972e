// The ticking clock of the focus screens: durations as a timer shows them, and the
// current time for redrawing. (Dates and times of day: lib/dates.ts.)
import { useEffect, useState } from "react";

/** 65 → "01:05"; 3725 → "1:02:05". Negative input counts as zero. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
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
