import type { ApiError } from "./bindings/ApiError";

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { kind?: unknown }).kind === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/** Turns anything a rejected call can produce into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e.params ? { kind: e.kind, message: e.message, params: e.params } : { kind: e.kind, message: e.message };
  if (e instanceof Error) return { kind: "internal", message: e.message || e.name };
  if (typeof e === "string") return { kind: "internal", message: e };
  try {
    return { kind: "internal", message: JSON.stringify(e) ?? String(e) };
  } catch {
    return { kind: "internal", message: String(e) };
  }
}
