// A refusal of the core in words, shown in the form that caused it (CSV import, web API,
// database connection, column kinds, rename): an alert the screen reader reads at once.
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/client";
import { errorText } from "../api/errorText";
import "./Refusal.css";

/** The sentence of `error` in the user's language; when the words are the generic sentence
 *  of its kind (in Japanese, say), the core's own reason (its line and column, the server's
 *  answer) follows as a detail. Nothing when there is no error. */
export function Refusal({ error, testId }: { error: ApiError | null; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text = errorText(t, error);
  const detail = error.message && !text.includes(error.message) ? error.message : null;
  return (
    <div role="alert" className="source-refusal" data-testid={testId}>
      <p className="field-error">{text}</p>
      {detail ? <p className="source-refusal-detail">{t("insights.sources.detail", { message: detail })}</p> : null}
    </div>
  );
}
