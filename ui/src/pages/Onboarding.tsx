import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { appKeys, useApiMutation, useQueryClient } from "../api/queries";
import type { OnboardingChoice } from "../api/bindings/OnboardingChoice";
import { LanguageToggle } from "../components/LanguageSwitch";
import "./Onboarding.css";

export function Onboarding() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const complete = useApiMutation(api.onboardingComplete, {
    onSuccess: (state) => qc.setQueryData(appKeys.appState(), state),
  });
  const choose = (choice: OnboardingChoice) => complete.mutate(choice);

  return (
    <main className="onboarding" data-testid="onboarding">
      <div className="onboarding-box">
        <div className="onboarding-top">
          <span className="brand-mark" aria-hidden="true">
            S
          </span>
          <LanguageToggle />
        </div>
        <h1>{t("onboarding.title")}</h1>
        <p className="lead">{t("onboarding.lead")}</p>
        <div className="choice-grid">
          <button
            type="button"
            className="choice"
            data-testid="onboarding-empty"
            disabled={complete.isPending}
            onClick={() => choose("empty")}
            aria-labelledby="onboarding-empty-title"
            aria-describedby="onboarding-empty-hint"
          >
            <span className="choice-title" id="onboarding-empty-title">{t("onboarding.empty")}</span>
            <span className="choice-hint" id="onboarding-empty-hint">
              {t("onboarding.emptyHint")}
            </span>
          </button>
          <button
            type="button"
            className="choice primary"
            data-testid="onboarding-sample"
            disabled={complete.isPending}
            onClick={() => choose("sample")}
            aria-labelledby="onboarding-sample-title"
            aria-describedby="onboarding-sample-hint"
          >
            <span className="choice-title" id="onboarding-sample-title">{t("onboarding.sample")}</span>
            <span className="choice-hint" id="onboarding-sample-hint">
              {t("onboarding.sampleHint")}
            </span>
          </button>
        </div>
        {complete.isPending ? (
          <p className="hint" role="status">
            {t("onboarding.working")}
          </p>
        ) : null}
      </div>
    </main>
  );
}
