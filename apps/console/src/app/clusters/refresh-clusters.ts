// After a change to the registry: the cluster list (and the selected cluster) refetch, and every
// other cached query starts over, because a new default or a changed address can change which
// cluster those pages read; the top bar's cluster switcher does the same when switching.
import { matchQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

export function useRefreshClusters(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    const registry = { queryKey: trpc.clusters.pathKey() };
    await Promise.all([
      queryClient.invalidateQueries(registry),
      queryClient.resetQueries({ predicate: (query) => !matchQuery(registry, query) }),
    ]);
  };
}
