import "@testing-library/jest-dom/vitest";
import { afterEach, beforeEach } from "vitest";
import i18n from "../i18n";
import { clearErrors } from "../lib/errors";

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
