// A row of colour swatches that read well as a stripe in both themes: one button per
// colour (aria-pressed on the chosen one, its name as label and tooltip), optionally
// "No colour" first and "Another colour" (the system colour picker) last. Shared by the
// course colours and the calendar subscriptions; the caller stores what is picked.
import { useTranslation } from "react-i18next";
import { SWATCHES } from "../api/bindings/swatches";
import "./SwatchPicker.css";

// The one list of colours is the core's (`planner::calendar::colours`), generated: a
// subscription the CLI adds without a colour gets one of these.
export { SWATCHES };

export type SwatchPickerProps = {
  /** The group's accessible name, or the id of the element naming it. */
  label?: string;
  labelledBy?: string;
  /** `#rrggbb` (any case), or null for none. */
  value: string | null;
  onPick: (colour: string | null) => void;
  /** Each swatch's data-testid is `${testId}-${hex without #}`. */
  testId: string;
  /** Offer "No colour" first. */
  none?: { testId: string };
  /** Offer any other colour last; `onChange` reports every step of a drag. */
  custom?: { label: string; testId: string; onChange: (colour: string) => void };
};

export function SwatchPicker({ label, labelledBy, value, onPick, testId, none, custom }: SwatchPickerProps) {
  const { t } = useTranslation();
  const current = value?.toLowerCase() ?? null;
  const known = SWATCHES.some(([, hex]) => hex === current);
  return (
    <div className="swatches" role="group" aria-label={label} aria-labelledby={labelledBy}>
      {none ? (
        <button
          type="button"
          className="swatch none"
          aria-pressed={current === null}
          aria-label={t("courseColours.none")}
          title={t("courseColours.none")}
          data-testid={none.testId}
          onClick={() => onPick(null)}
        />
      ) : null}
      {SWATCHES.map(([name, hex]) => (
        <button
          key={hex}
          type="button"
          className="swatch"
          style={{ background: hex }}
          aria-pressed={current === hex}
          aria-label={t(`courseColours.${name}`)}
          title={t(`courseColours.${name}`)}
          data-testid={`${testId}-${hex.slice(1)}`}
          onClick={() => onPick(hex)}
        />
      ))}
      {custom ? (
        <label className={`swatch custom${current && !known ? " chosen" : ""}`} title={t("courseColours.custom")}>
          <span className="sr-only">{custom.label}</span>
          <input type="color" value={current ?? SWATCHES[0][1]} data-testid={custom.testId} onChange={(e) => custom.onChange(e.target.value)} />
        </label>
      ) : null}
    </div>
  );
}
