import { lazy, Suspense, useEffect } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { useAppState } from "./api/queries";
import { DamagedFile } from "./components/DamagedFile";
import { ErrorToasts } from "./components/ErrorToasts";
import { LoadError, Loading } from "./components/Status";
import { Frame } from "./Frame";
import { applyLocale } from "./i18n";
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
  useEffect(() => {
    if (locale) applyLocale(locale);
  }, [locale]);

  let content;
  if (state.isPending) {
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
    content = <Frame state={state.data} />;
  }
  return (
    <>
      {content}
      <ErrorToasts />
    </>
  );
}

export function Root({ client }: { client: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  );
}
