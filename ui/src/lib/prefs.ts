import { useAppState } from "../api/queries";
import type { Locale } from "../api/bindings/Locale";
import { safeZone } from "./dates";

/** The user's locale and time zone, from the cached app state. */
export function usePrefs(): { locale: Locale; timezone: string } {
  const { data } = useAppState();
  return {
    locale: data?.settings.preferred_locale ?? "en",
    timezone: safeZone(data?.settings.timezone),
  };
}
