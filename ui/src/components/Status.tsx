import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/client";
import { errorText } from "../api/errorText";

export function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t("app.loading")}</span>
    </div>
  );
}

/** A failed load, in words, with a way to try again. */
export function LoadError({ error, onRetry, fullPage = false }: { error: ApiError; onRetry: () => void; fullPage?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={fullPage ? "load-error full-page" : "load-error"} data-testid="load-error">
      <div className="load-error-box">
        <h1 className="load-error-title">{t("loadError.title")}</h1>
        <p role="alert" className="load-error-message">
          {errorText(t, error)}
        </p>
        <p className="hint">{t("loadError.hint")}</p>
        <button type="button" className="button primary" onClick={onRetry} autoFocus>
          {t("loadError.retry")}
        </button>
      </div>
    </div>
  );
}
