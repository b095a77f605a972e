// Words an ApiError in the user's language: the kind and, when the core sent them, its
// parameters (the broken validation rule, the entity not found). The core's English
// `message` is the English wording of kinds without parameters and the last fallback.
import type { TFunction } from "i18next";
import type en from "../i18n/en";
import type { ApiError } from "./bindings/ApiError";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { QueryReason } from "./bindings/QueryReason";
import type { Rule } from "./bindings/Rule";

type Translate = TFunction | ((key: string, options?: Record<string, unknown>) => string);

function label(t: Translate, group: "fields" | "entities", name: string): string | null {
  const key = `apiErrors.${group}.${name}`;
  const text = (t as (k: string, o?: Record<string, unknown>) => string)(key, { defaultValue: "" });
  return text && text !== key ? text : null;
}

/** The sentence to show for `e`, in the current language. */
export function errorText(t: Translate, e: ApiError): string {
  const tr = t as (k: string, o?: Record<string, unknown>) => string;
  const p = e.params;
  const message = e.message;
  if (p && "rule" in p) {
    if (p.rule === "order") {
      const start = label(t, "fields", p.start_field);
      const end = label(t, "fields", p.end_field);
      return start && end
        ? tr("apiErrors.rules.order", { start_field: start, end_field: end, message })
        : tr("apiErrors.rulesNoField.order", { message });
    }
    const field = label(t, "fields", p.field);
    return field
      ? tr(`apiErrors.rules.${p.rule}`, { ...p, field, message })
      : tr(`apiErrors.rulesNoField.${p.rule}`, { ...p, message });
  }
  if (p && "entity" in p) {
    const entity = label(t, "entities", p.entity);
    return entity ? tr("apiErrors.notFound", { entity, message }) : tr("apiErrors.kinds.not_found", { message });
  }
  if (p && "reason" in p) {
    // The SQL sandbox: what was refused or why it stopped (the caret goes to p.offset).
    return tr(`apiErrors.query.${p.reason}`, { detail: p.detail ?? "", message, defaultValue: message });
  }
  return tr(`apiErrors.kinds.${e.kind}`, { message, defaultValue: message });
}

// Compile-time: every kind and every rule the core can send has words (en, and ja through
// the Messages type).
type Worded<K extends string, M extends Record<K, string>> = M;
export type EveryKindWorded = Worded<ErrorKind, typeof en.apiErrors.kinds>;
export type EveryQueryReasonWorded = Worded<QueryReason, typeof en.apiErrors.query>;
export type EveryRuleWorded = Worded<Rule["rule"], typeof en.apiErrors.rules & typeof en.apiErrors.rulesNoField>;
