import { describe, expect, it } from "vitest";
import en from "./en";
import ja from "./ja";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe("translations", () => {
  it("Japanese has every English key and no empty string", () => {
    expect(keys(ja).sort()).toEqual(keys(en).sort());
    for (const k of keys(ja)) {
      const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], ja);
      expect(v, k).not.toBe("");
    }
  });
});
