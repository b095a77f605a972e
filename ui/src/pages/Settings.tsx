import type { Ref } from "react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { appKeys, useApiMutation, useQueryClient } from "../api/queries";
import type { AppState } from "../api/bindings/AppState";
import type { Locale } from "../api/bindings/Locale";
import type { Theme } from "../api/bindings/Theme";
import { useSetLocale } from "../components/LanguageSwitch";
import { LOCALES } from "../i18n";
import { timeZones } from "../lib/dates";
import { BackgroundCard } from "../settings/BackgroundCard";
import { SyncCard } from "../settings/SyncCard";
import { ActivityLogCard } from "../settings/ActivityLogCard";
import { ApiKeysCard } from "../settings/ApiKeysCard";
import { EmailCard } from "../email/EmailCard";
import { BackupsCard } from "../settings/BackupsCard";
import { HistoryCard } from "../history/HistoryCard";
import { CustomEmojiCard } from "../settings/CustomEmojiCard";
import "./Settings.css";

const THEMES: Theme[] = ["light", "dark", "system"];

export function Settings({ state, headingRef }: { state: AppState; headingRef?: Ref<HTMLHeadingElement> }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const setLocale = useSetLocale();
  const update = useApiMutation(api.settingsUpdate, {
    onSuccess: (settings) => qc.setQueryData<AppState>(appKeys.appState(), (old) => (old ? { ...old, settings } : old)),
  });
  const { settings } = state;
  const zones = useMemo(() => timeZones(settings.timezone), [settings.timezone]);

  return (
    <div className="page settings" data-testid="settings">
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {t("settings.title")}
        </h1>
      </header>
      <div className="settings-grid">
        <section className="card settings-card" aria-labelledby="settings-region">
          <h2 id="settings-region" className="card-title">
            {t("settings.region")}
          </h2>
          <div className="field">
            <label htmlFor="settings-language">{t("settings.language")}</label>
            <select
              id="settings-language"
              data-testid="settings-language"
              value={settings.preferred_locale}
              onChange={(e) => setLocale(e.target.value as Locale)}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {t(`language.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="settings-timezone">{t("settings.timezone")}</label>
            <select
              id="settings-timezone"
              data-testid="settings-timezone"
              value={settings.timezone}
              aria-describedby="settings-timezone-hint"
              onChange={(e) => update.mutate({ timezone: e.target.value })}
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, " ")}
                </option>
              ))}
            </select>
            <p id="settings-timezone-hint" className="hint">
              {t("settings.timezoneHint")}
            </p>
          </div>
        </section>
        <section className="card settings-card" aria-labelledby="settings-appearance">
          <h2 id="settings-appearance" className="card-title">
            {t("settings.appearance")}
          </h2>
          <div className="field">
            <label htmlFor="settings-theme">{t("settings.theme")}</label>
            <select
              id="settings-theme"
              data-testid="settings-theme"
              value={settings.theme}
              onChange={(e) => update.mutate({ theme: e.target.value as Theme })}
            >
              {THEMES.map((th) => (
                <option key={th} value={th}>
                  {t(`theme.${th}`)}
                </option>
              ))}
            </select>
          </div>
        </section>
        <BackgroundCard />
        <SyncCard />
        <ActivityLogCard settings={settings} />
        <EmailCard locale={settings.preferred_locale} timezone={settings.timezone ?? "UTC"} />
        <ApiKeysCard settings={settings} />
        <HistoryCard />
        <BackupsCard locale={settings.preferred_locale} tz={settings.timezone ?? "UTC"} />
        <CustomEmojiCard />
        <section className="card settings-card" aria-labelledby="settings-about">
          <h2 id="settings-about" className="card-title">
            {t("settings.about")}
          </h2>
          <dl className="about-list">
            <dt>{t("settings.dataDir")}</dt>
            <dd>
              <code data-testid="settings-data-dir">{state.data_dir}</code>
            </dd>
            <dt>{t("settings.version")}</dt>
            <dd data-testid="settings-version">{state.version}</dd>
          </dl>
        </section>
      </div>
    </div>
  );
}
