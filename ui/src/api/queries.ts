// react-query wiring: the cache keys, the two reads, and the rule that every mutation
// reports its failure to the user and refreshes Home and the app state afterwards.
import { MutationCache, QueryCache, QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UseMutationOptions } from "@tanstack/react-query";
import * as api from "./client";
import type { ApiError } from "./client";
import { reportError } from "../lib/errors";

export const keys = {
  appState: ["app_state"] as const,
  home: ["home"] as const,
};

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
      onError: (error) => reportError(error, "save"),
      onSettled: () =>
        Promise.all([
          client.invalidateQueries({ queryKey: keys.home }),
          client.invalidateQueries({ queryKey: keys.appState }),
        ]),
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
  return client;
}

export function useAppState() {
  return useQuery<Awaited<ReturnType<typeof api.appState>>, ApiError>({ queryKey: keys.appState, queryFn: api.appState });
}

export function useHome() {
  return useQuery<Awaited<ReturnType<typeof api.homeGet>>, ApiError>({ queryKey: keys.home, queryFn: api.homeGet });
}

/** A mutation whose errors reach the toast region and which refreshes Home when done. */
export function useApiMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TVars>, "mutationFn"> = {},
) {
  return useMutation<TData, ApiError, TVars>({ mutationFn: (vars) => mutationFn(vars), ...options });
}

export { useQueryClient };
