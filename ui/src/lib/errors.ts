// A tiny store of errors the user has not dismissed yet, shown by <ErrorToasts/>.
import { useSyncExternalStore } from "react";
import { toApiError } from "../api/apiError";
import type { ApiError } from "../api/bindings/ApiError";

export type ErrorContext = "save" | "load";
/** `error` is worded when shown (errorText), so a language change applies to it. */
export type ShownError = { id: number; kind: string; message: string; context: ErrorContext; error: ApiError };

let errors: ShownError[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

/** Shows the error; only the most recent few stay on screen. */
export function reportError(e: unknown, context: ErrorContext = "save"): void {
  const error = toApiError(e);
  const { kind, message } = error;
  errors = [...errors.filter((x) => x.message !== message || x.context !== context), { id: nextId++, kind, message, context, error }].slice(-3);
  emit();
}

export function dismissError(id: number): void {
  errors = errors.filter((e) => e.id !== id);
  emit();
}

export function clearErrors(): void {
  errors = [];
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

export function useErrors(): ShownError[] {
  return useSyncExternalStore(subscribe, () => errors, () => errors);
}
