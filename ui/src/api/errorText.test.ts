import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import en from "../i18n/en";
import { errorText } from "./errorText";
import type { ApiError } from "./bindings/ApiError";
import type { ErrorKind } from "./bindings/ErrorKind";

const tooLong: ApiError = {
  kind: "validation",
  message: "task is too long (10001 characters; at most 10000)",
  params: { rule: "too_long", field: "task", max: 10000, length: 10001 },
};

describe("errorText", () => {
  it("keeps the core's English sentence, and words rules the same way", () => {
    const t = i18n.getFixedT("en");
    expect(errorText(t, tooLong)).toBe(tooLong.message);
    expect(errorText(t, { kind: "conflict", message: "an entry with the same name already exists" })).toBe(
      "an entry with the same name already exists",
    );
    const empty: ApiError = { kind: "validation", message: "course name must not be empty", params: { rule: "empty", field: "course name" } };
    expect(errorText(t, empty)).toBe(empty.message);
  });

  it("words every kind and rule in Japanese, with no English left", async () => {
    await i18n.loadLanguages("ja"); // loaded on demand in the app
    const t = i18n.getFixedT("ja");
    expect(errorText(t, tooLong)).toBe("「タスク」が長すぎます（10001 文字。10000 文字まで）。");
    // An unknown field: the sentence without it.
    expect(errorText(t, { ...tooLong, params: { rule: "too_long", field: "zzz", max: 5, length: 6 } })).toBe("入力が長すぎます（6 文字。5 文字まで）。");
    expect(errorText(t, { kind: "not_found", message: "task x was not found", params: { entity: "task" } })).toContain("タスクが見つかりませんでした");
    for (const kind of Object.keys(en.apiErrors.kinds) as ErrorKind[]) {
      const text = errorText(t, { kind, message: "English detail" });
      expect(text, kind).not.toContain("English");
      expect(text, kind).toMatch(/[ぁ-んァ-ン一-龯]/);
    }
  });
});
