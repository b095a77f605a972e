import i18n from "i18next";
import resourcesToBackend from "i18next-resources-to-backend";
import { initReactI18next } from "react-i18next";
import en from "./en";
import type { Locale } from "../api/bindings/Locale";

export const LOCALES: Locale[] = ["en", "ja"];

export function initialLocale(): Locale {
  const nav = typeof navigator !== "undefined" ? navigator.language : "en";
  return nav?.toLowerCase().startsWith("ja") ? "ja" : "en";
}

// English is in the main bundle (the fallback, and most users' language); Japanese loads
// when it is first needed (i18next's backend for dynamic imports): changeLanguage("ja")
// resolves once its strings are there, so nothing is shown half translated.
/** Resolves when the first language's strings are loaded (at once for English). */
export const i18nReady = i18n
  .use(initReactI18next)
  .use(resourcesToBackend((locale: string) => (locale === "ja" ? import("./ja") : Promise.resolve({ default: en }))))
  .init({
    resources: { en: { translation: en } },
    partialBundledLanguages: true,
    lng: initialLocale(),
    fallbackLng: "en",
    supportedLngs: LOCALES,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });

/** Switches the UI language once its strings are loaded; <html lang> follows. */
export async function applyLocale(locale: Locale): Promise<void> {
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
}

/** The UI already speaks `locale` (its strings loaded, the language switched). */
export function localeApplied(locale: Locale): boolean {
  return i18n.language === locale && i18n.hasResourceBundle(locale, "translation");
}

i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18n.language;

export default i18n;
