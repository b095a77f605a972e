import { lazy, Suspense, useEffect, useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { useAppState } from "./api/queries";
import { DamagedFile } from "./components/DamagedFile";
import { ErrorToasts } from "./components/ErrorToasts";
import { UndoToast } from "./history/UndoToast";
import { LoadError, Loading } from "./components/Status";
import { Frame } from "./Frame";
import { applyLocale, localeApplied } from "./i18n";
import type { Locale } from "./api/bindings/Locale";
import { useApplyTheme } from "./lib/theme";
import { Onboarding } from "./pages/Onboarding";

// An export run's page (`studydesk --export-dashboard`), loaded only then.
const PictureExport = lazy(() => import("./insights/PictureExport").then((m) => ({ default: m.PictureExport })));
const exporting = new URLSearchParams(window.location.search).get("export");

export function App() {
  const state = useAppState();
  const settings = state.data?.settings;
  useApplyTheme(settings?.theme ?? "system");
  const locale = settings?.preferred_locale;
  const localeReady = useFirstLocale(locale);

  const loading = state.isPending || Boolean(locale && !localeReady);

  let content;
  if (loading) {
    content = (
      <div className="full-page">
        <Loading />
      </div>
    );
  } else if (state.isError && state.error.kind === "damaged") {
    content = <DamagedFile error={state.error} onRetry={() => void state.refetch()} />;
  } else if (state.isError) {
    content = <LoadError fullPage error={state.error} onRetry={() => void state.refetch()} />;
  } else if (exporting) {
    content = (
      <Suspense fallback={null}>
        <PictureExport dashboardId={exporting} />
      </Suspense>
    );
  } else if (state.data.onboarding_pending) {
    content = <Onboarding />;
  } else {
    content = (
      <>
        <Frame state={state.data} />
        <UndoToast />
      </>
    );
  }
  return (
    <>
      {content}
      <ErrorToasts />
    </>
  );
}

/**
 * Applies the user's language, and says whether the first screen may show: not before the
 * stored language's strings are loaded (Japanese loads on demand), so nothing flashes in
 * English first. Once shown, a later switch (Settings) changes the language in place.
 */
function useFirstLocale(locale: Locale | undefined): boolean {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!locale) return;
    let live = true;
    // A language that failed to load shows in English rather than never.
    void applyLocale(locale).finally(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, [locale]);
  return loaded || (locale !== undefined && localeApplied(locale));
}

export function Root({ client }: { client: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  );
}
