import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { appKeys, createQueryClient } from "../api/queries";
import type { AppState } from "../api/bindings/AppState";
import type { HomeData } from "../api/bindings/HomeData";
import { ErrorToasts } from "../components/ErrorToasts";

/** Renders inside a fresh query client (with the real error and refresh rules), optionally pre-filled. */
export function renderWithClient(
  ui: ReactElement,
  seed: { appState?: AppState; home?: HomeData } = {},
  { toasts = true }: { toasts?: boolean } = {},
) {
  const client = createQueryClient();
  if (seed.appState) client.setQueryData(appKeys.appState(), seed.appState);
  if (seed.home) client.setQueryData(appKeys.home(), seed.home);
  const result = render(
    <QueryClientProvider client={client}>
      {ui}
      {toasts ? <ErrorToasts /> : null}
    </QueryClientProvider>,
  );
  return { client, ...result };
}
