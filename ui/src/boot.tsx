// The start of the page, in order: the first language's strings, the stored theme and
// language applied to <html>, the shell told to show the window, then React's first render.
//
// Why the window is shown before React renders (src-tauri/window_reveal.rs): the shell
// maps it while Home renders (60-80 ms), so the page gets its size during the render and
// lays Home out once, instead of laying it out in a 0x0 hidden window and again when the
// window appears after the commit (docs/benchmarks.md, start-up, session 26: Home on
// screen about 40 ms sooner). Theme and language come first so that the first frame is in
// the user's theme and language. Nothing here waits on the shell once the render has begun.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { QueryClient } from "@tanstack/react-query";
import { firstScreenReady } from "./api/client";
import { fetchAppState } from "./api/queries";
import { applyLocale, i18nReady } from "./i18n";
import { applyTheme } from "./lib/theme";
import { Root } from "./App";

/**
 * Applies the stored theme and language to the document. A failed read of the app state
 * leaves them as they are (the screen React draws shows the failure and reads it again);
 * a language whose strings failed to load shows in English rather than never.
 */
export async function applyStoredLook(client: QueryClient): Promise<void> {
  const state = await fetchAppState(client).catch(() => null);
  if (!state) return;
  applyTheme(state.settings.theme);
  await applyLocale(state.settings.preferred_locale).catch(() => {});
}

/** Starts the page in `container`: resolves once React's first render has been started. */
export async function boot(container: HTMLElement, client: QueryClient): Promise<void> {
  // English's strings are there at once; Japanese (the stored choice, or a machine in
  // Japanese before the user chose) waits for its chunk rather than showing English first.
  await Promise.all([i18nReady.catch(() => {}), applyStoredLook(client)]);
  firstScreenReady();
  performance.mark("studydesk:render-start");
  createRoot(container).render(
    <StrictMode>
      <Root client={client} />
    </StrictMode>,
  );
}
