// A small add form shared by the Home cards: labelled fields, Enter submits, the form
// clears itself after a successful save and keeps focus on its first field.
import { useId, useRef, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "./Icon";
import { EmojiField } from "../emoji/EmojiField";

export type FieldSpec = {
  name: string;
  label: string;
  /** `emoji`: a short text field with a button opening the emoji picker. */
  type?: "text" | "url" | "datetime-local" | "number" | "select" | "emoji";
  min?: number;
  max?: number;
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
  options?: { value: string; label: string }[];
  initial?: string;
  width?: "narrow" | "wide";
};

export type FormValues = Record<string, string>;

function initialValues(fields: FieldSpec[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.initial ?? ""]));
}

export function InlineForm({
  fields,
  submitLabel,
  onSubmit,
  onCancel,
  testId,
}: {
  fields: FieldSpec[];
  submitLabel: string;
  onSubmit: (values: FormValues) => Promise<unknown>;
  onCancel?: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const baseId = useId();
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLInputElement | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const missing = fields.some((f) => f.required && !(values[f.name] ?? "").trim());
    if (missing) return;
    setBusy(true);
    try {
      await onSubmit(values);
      setValues(initialValues(fields));
      firstRef.current?.focus();
    } catch {
      // The error is already shown in the alert region; keep what the user typed.
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit} data-testid={testId} onKeyDown={(e) => e.key === "Escape" && onCancel?.()}>
      <div className="inline-form-fields">
        {fields.map((f, i) => {
          const id = `${baseId}-${f.name}`;
          const common = {
            id,
            name: f.name,
            value: values[f.name] ?? "",
            required: f.required,
          };
          let control: ReactNode;
          if (f.type === "select") {
            control = (
              <select {...common} onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}>
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            );
          } else if (f.type === "emoji") {
            control = (
              <EmojiField
                {...common}
                maxLength={f.maxLength}
                placeholder={f.placeholder}
                autoComplete="off"
                onChange={(value) => setValues((v) => ({ ...v, [f.name]: value }))}
              />
            );
          } else {
            control = (
              <input
                {...common}
                ref={i === 0 ? firstRef : undefined}
                type={f.type ?? "text"}
                maxLength={f.maxLength}
                min={f.min}
                max={f.max}
                step={f.type === "number" ? 1 : undefined}
                placeholder={f.placeholder}
                autoComplete="off"
                autoFocus={i === 0}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              />
            );
          }
          return (
            <div key={f.name} className={`field field-${f.width ?? "auto"}`}>
              <label htmlFor={id}>{f.label}</label>
              {control}
            </div>
          );
        })}
      </div>
      <div className="inline-form-actions">
        {onCancel ? (
          <button type="button" className="button ghost" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        ) : null}
        <button type="submit" className="button primary" disabled={busy}>
          <Icon name="plus" size={16} />
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** A "+ New …" button that opens an add form in place. */
export function AddDisclosure({
  label,
  children,
}: {
  label: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  if (open) {
    return (
      <div className="add-disclosure open">
        {children(() => {
          setOpen(false);
          requestAnimationFrame(() => buttonRef.current?.focus());
        })}
      </div>
    );
  }
  return (
    <button ref={buttonRef} type="button" className="button subtle add-toggle" aria-expanded={false} onClick={() => setOpen(true)}>
      <Icon name="plus" size={16} />
      {label}
    </button>
  );
}

/** Empty strings become undefined so optional fields are left out of the request. */
export function opt(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
