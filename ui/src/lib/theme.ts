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

export function useApplyTheme(theme: Theme): void {
  useEffect(() => {
    const root = document.documentElement;
    const apply = () => {
      root.dataset.theme = resolveTheme(theme);
      root.dataset.themeSetting = theme;
    };
    apply();
    if (theme !== "system" || typeof window.matchMedia !== "function") return;
    const mq = window.matchMedia(QUERY);
    mq.addEventListener("change", apply);
    return () => mq.removeEventListener("change", apply);
  }, [theme]);
}
