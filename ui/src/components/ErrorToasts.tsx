import { useTranslation } from "react-i18next";
import { dismissError, useErrors } from "../lib/errors";
import { Icon } from "./Icon";
import { errorText } from "../api/errorText";

/**
 * The place where failed calls reach the user in words. One alert region holds the
 * messages (newest last), so a screen reader announces each one as it arrives.
 */
export function ErrorToasts() {
  const { t } = useTranslation();
  const errors = useErrors();
  return (
    <div className="toasts" role="region" aria-label={t("errors.region")}>
      {errors.length > 0 ? (
        <div className="toast-stack" role="alert" data-testid="error-alert">
          {errors.map((e) => (
            <div key={e.id} className="toast" data-kind={e.kind}>
              <span className="toast-icon" aria-hidden="true">
                !
              </span>
              <p className="toast-text">{t(e.context === "load" ? "errors.load" : "errors.save", { message: errorText(t, e.error) })}</p>
              <button type="button" className="icon-button" onClick={() => dismissError(e.id)} aria-label={t("errors.dismiss")}>
                <Icon name="close" />
              </button>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
