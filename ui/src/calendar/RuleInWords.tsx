// A stored repeat rule as the user reads it: the sentence (lib/describeRule.ts), the
// rule as stored one click away for the curious (a closed <details>), and any rule the
// sentence cannot say shown as stored after it, so no part of it is hidden.
import { useTranslation } from "react-i18next";
import { describeRrule } from "../lib/describeRule";
import "./calendar.css";

export function RuleInWords({ rrule, timeZone, testId }: { rrule: string; timeZone: string; testId: string }) {
  const { t, i18n } = useTranslation();
  const { text, unsaid } = describeRrule(rrule, t, i18n.language, timeZone);
  return (
    <div className="cal-rule" data-testid={testId}>
      {text ? <p className="cal-rule-words">{text}</p> : null}
      {text && unsaid.length > 0 ? <p>{t("calendarPage.repeatUnsaid")}</p> : null}
      {unsaid.length > 0 ? <code className="cal-custom-rule" data-testid={`${testId}-unsaid`}>{unsaid.join("\n")}</code> : null}
      {text ? (
        <details className="cal-rule-raw">
          <summary>{t("calendarPage.repeatRaw")}</summary>
          <code className="cal-custom-rule" data-testid={`${testId}-raw`}>
            {rrule}
          </code>
        </details>
      ) : null}
    </div>
  );
}
