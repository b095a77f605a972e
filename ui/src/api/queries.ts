// react-query wiring shared by every feature: the client and its rules (every mutation
// reports its failure to the user and refreshes Home and the app state afterwards), the
// two app-wide reads (app state, Home), and the shell-event subscription the features'
// `*-changed` listeners use. Each feature's own reads, key factory and mutations live
// beside it (`calendar/queries.ts`, `focus/queries.ts`, …).
import { useEffect } from "react";
import { MutationCache, QueryCache, QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryKey, UseMutationOptions } from "@tanstack/react-query";
import * as api from "./client";
import type { ApiError } from "./client";
import { reportError } from "../lib/errors";

/** The keys of the app-wide reads: every mutation refreshes both when it settles. */
export const appKeys = {
  appState: () => ["app_state"] as const,
  home: () => ["home"] as const,
};

/**
 * A mutation's `meta.refresh` lists extra queries to refetch once it settles;
 * `meta.inlineError` says the component shows the failure itself (no toast).
 * `meta.appUnchanged` says it changes nothing Home or the app state shows, so they are not
 * refetched: the damaged-file page's commands, where refetching the failed app state would
 * unmount the page (a query without data goes back to pending) and lose what it showed.
 */
export type RefreshMeta = { refresh?: readonly QueryKey[]; inlineError?: boolean; appUnchanged?: boolean };

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A failed first load is shown full-page by the screen itself; a failed refresh
      // of data already on screen is reported in the toast region.
      onError: (error, query) => {
        if (query.state.data !== undefined) reportError(error, "load");
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _result, mutation) => {
        if (!(mutation.meta as RefreshMeta | undefined)?.inlineError) reportError(error, "save");
      },
      onSettled: (_data, _error, _vars, _result, mutation) => {
        const meta = mutation.meta as RefreshMeta | undefined;
        const app = meta?.appUnchanged ? [] : [appKeys.home(), appKeys.appState()];
        return Promise.all([...app, ...(meta?.refresh ?? [])].map((queryKey) => client.invalidateQueries({ queryKey })));
      },
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
  return client;
}

const appStateQuery = { queryKey: appKeys.appState(), queryFn: api.appState };
const homeQuery = { queryKey: appKeys.home(), queryFn: api.homeGet };

/** The app state, read once outside React (boot.tsx); shares the first screen's read. */
export function fetchAppState(client: QueryClient) {
  return client.fetchQuery(appStateQuery);
}

export function useAppState() {
  return useQuery<Awaited<ReturnType<typeof api.appState>>, ApiError>(appStateQuery);
}

export function useHome() {
  return useQuery<Awaited<ReturnType<typeof api.homeGet>>, ApiError>(homeQuery);
}

/**
 * Starts the first screen's two reads (the app's state and Home) at once, side by side,
 * before React mounts: Home then draws with its data in its first render instead of after
 * a round trip behind the frame's. A failure is shown by the screen that reads it.
 */
export function prefetchFirstScreen(client: QueryClient): void {
  void client.prefetchQuery(appStateQuery);
  void client.prefetchQuery(homeQuery);
}

/** A mutation whose errors reach the toast region and which refreshes Home when done. */
export function useApiMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TVars>, "mutationFn"> = {},
) {
  return useMutation<TData, ApiError, TVars>({ mutationFn: (vars) => mutationFn(vars), ...options });
}

/**
 * Subscribes to a shell event while the component is mounted (the listener is attached
 * asynchronously: one that arrives after unmount is detached at once).
 */
export function useShellEvent(subscribe: (handler: () => void) => Promise<() => void>, handler: () => void) {
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void subscribe(handler).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
    });
    return () => {
      cancelled = true;
      stop?.();
    };
    // `handler` closes over the query client only, which is stable.
  }, [subscribe]);
}

export { useQueryClient };
