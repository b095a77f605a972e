// A send failure in the user's language: its kind's sentence; the server's own words
// (English or whatever the server speaks) only where the kind cannot say more.
import type { TFunction } from "i18next";
import type { SendFailureKind } from "../api/bindings/SendFailureKind";

export function failureText(t: TFunction, kind: SendFailureKind, detail: string | null): string {
  const words = t(`email.failure.${kind}`);
  return kind === "server" && detail ? `${words} (${detail})` : words;
}
