import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../components/Icon";
import "./Placeholder.css";

export type PlaceholderPage = "calendar" | "focus" | "feed" | "insights";

/** A calm empty state for the areas that arrive in later releases. */
export function Placeholder({ page, headingRef }: { page: PlaceholderPage; headingRef?: Ref<HTMLHeadingElement> }) {
  const { t } = useTranslation();
  return (
    <div className="page placeholder" data-testid={`page-${page}`}>
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {t(`placeholder.${page}Title`)}
        </h1>
      </header>
      <div className="placeholder-box">
        <span className="placeholder-icon" aria-hidden="true">
          <Icon name={page} size={40} />
        </span>
        <span className="badge">{t("placeholder.badge")}</span>
        <p className="placeholder-body">{t(`placeholder.${page}Body`)}</p>
        <p className="hint">{t(`placeholder.${page}More`)}</p>
      </div>
    </div>
  );
}
