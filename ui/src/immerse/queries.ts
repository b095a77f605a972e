// Immerse mode's workspaces through the query cache: the key, the list read, and the
// mutation whose answer (the changed workspace) replaces the cached one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UseMutationOptions } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";

export const immerseKeys = {
  workspaces: () => ["workspace_list"] as const,
};

type Workspace = Awaited<ReturnType<typeof api.workspaceAdd>>;

export function useWorkspaces() {
  return useQuery<Awaited<ReturnType<typeof api.workspaceList>>, ApiError>({ queryKey: immerseKeys.workspaces(), queryFn: api.workspaceList });
}

/** An immerse-mode command answering the changed workspace: it replaces the cached one. */
export function useWorkspaceMutation<TVars>(
  mutationFn: (vars: TVars) => Promise<Workspace>,
  options: Omit<UseMutationOptions<Workspace, ApiError, TVars>, "mutationFn"> = {},
) {
  const qc = useQueryClient();
  return useMutation<Workspace, ApiError, TVars>({
    mutationFn: (vars) => mutationFn(vars),
    ...options,
    onSuccess: (workspace, vars, result, ctx) => {
      qc.setQueryData<Awaited<ReturnType<typeof api.workspaceList>>>(immerseKeys.workspaces(), (old) => {
        if (!old) return [workspace];
        return old.some((w) => w.id === workspace.id)
          ? old.map((w) => (w.id === workspace.id ? workspace : w))
          : [...old, workspace];
      });
      return options.onSuccess?.(workspace, vars, result, ctx);
    },
  });
}
