import "@testing-library/jest-dom/vitest";
import { configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import i18n from "../i18n";
import { clearErrors } from "../lib/errors";

// Pages load when first opened (a dynamic import, which Vitest transforms on first use: a
// second or more on a busy 2-core machine), so findBy* waits up to 5 s, not 1 s.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no matchMedia; the theme hook listens to it.
if (typeof window.matchMedia !== "function") {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

beforeEach(async () => {
  await i18n.changeLanguage("en");
});

afterEach(() => {
  clearErrors();
});
