import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { appKeys, useApiMutation, useQueryClient } from "../api/queries";
import type { AppState } from "../api/bindings/AppState";
import type { Locale } from "../api/bindings/Locale";
import { LOCALES, applyLocale } from "../i18n";
import "./LanguageSwitch.css";

/** Switches the language at once and stores the choice in the user's settings. */
export function useSetLocale() {
  const qc = useQueryClient();
  const mutation = useApiMutation(api.settingsUpdate, {
    onSuccess: (settings) => qc.setQueryData<AppState>(appKeys.appState(), (old) => (old ? { ...old, settings } : old)),
    // The switch failed: go back to the language that is actually stored.
    onError: () => {
      const stored = qc.getQueryData<AppState>(appKeys.appState())?.settings.preferred_locale;
      if (stored) applyLocale(stored);
    },
  });
  return (locale: Locale) => {
    applyLocale(locale);
    mutation.mutate({ preferred_locale: locale });
  };
}

/** Two pressed/unpressed buttons, used on the welcome screen. */
export function LanguageToggle() {
  const { t, i18n } = useTranslation();
  const setLocale = useSetLocale();
  return (
    <div className="segmented" role="group" aria-label={t("language.label")}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={i18n.language === l}
          onClick={() => setLocale(l)}
          data-testid={`onboarding-lang-${l}`}
        >
          {t(`language.${l}`)}
        </button>
      ))}
    </div>
  );
}
