// Applies the theme setting to <html data-theme>; "system" follows the OS live.
import { useEffect } from "react";
import type { Theme } from "../api/bindings/Theme";

const QUERY = "(prefers-color-scheme: dark)";

function systemIsDark(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(QUERY).matches;
}

export function resolveTheme(theme: Theme): "light" | "dark" {
  if (theme === "system") return systemIsDark() ? "dark" : "light";
  return theme;
}

/** Sets `<html data-theme>` from the setting, once (main.tsx, before the first render). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(theme);
  root.dataset.themeSetting = theme;
}

export function useApplyTheme(theme: Theme): void {
  useEffect(() => {
    const apply = () => applyTheme(theme);
    apply();
    if (theme !== "system" || typeof window.matchMedia !== "function") return;
    const mq = window.matchMedia(QUERY);
    mq.addEventListener("change", apply);
    return () => mq.removeEventListener("change", apply);
  }, [theme]);
}
