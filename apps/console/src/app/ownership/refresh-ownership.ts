// After an ownership change: the ownership views refetch, and so do the views that derive from
// ownership (retention coverage, the topic list's owner column, the overview's findings).
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

export function useRefreshOwnership(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all(
      [trpc.ownership.pathKey(), trpc.retention.pathKey(), trpc.topics.pathKey(), trpc.cluster.pathKey()].map(
        (queryKey) => queryClient.invalidateQueries({ queryKey }),
      ),
    );
  };
}
