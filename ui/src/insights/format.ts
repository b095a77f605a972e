// Numbers and units as Insights shows them, in the user's language: "1,234 minutes",
// "1,234分"; unknown units (a CSV's) follow the number as they are.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { usePrefs } from "../lib/prefs";
import { intlLocale } from "../lib/dates";

export type FormatNumber = (value: number, unit?: string) => string;

export function useFormatNumber(): { format: FormatNumber; unitName: (unit: string) => string } {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  // Made once per language, not per render (an axis formats every tick through it).
  const nf = useMemo(() => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }), [locale]);
  // The same functions while the language stays: a chart redraws when they change.
  return useMemo(
    () => ({
      format: (value: number, unit?: string) => {
        const n = nf.format(value);
        return unit ? t(`insights.units.${unit}`, { count: value, value: n, defaultValue: `${n} ${unit}` }) : n;
      },
      unitName: (unit: string) => t(`insights.unitNames.${unit}`, { defaultValue: unit }),
    }),
    [nf, t],
  );
}
