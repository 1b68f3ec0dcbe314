"use client";
// The cluster switcher in the top bar: every page works on the cluster chosen here. The choice is
// a cookie the tRPC endpoint reads; switching clears every cached query so no page shows the
// previous cluster's data.
import { Badge } from "@streambed/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

const ENVIRONMENT_TONE = { production: "danger", staging: "warning", development: "info" } as const;

export function ClusterSwitcher() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined, { refetchInterval: false }));
  const selected = clusters.data?.find((cluster) => cluster.selected);
  if (!clusters.data || clusters.data.length === 0) return null;
  return (
    <div className="cluster-switcher">
      <label htmlFor="cluster-switcher">Cluster</label>
      <select
        id="cluster-switcher"
        value={selected?.id ?? ""}
        onChange={(event) => {
          // The Cookie Store API is not in every browser the console supports; the server reads this cookie.
          // biome-ignore lint/suspicious/noDocumentCookie: see above
          document.cookie = `streambed-cluster=${encodeURIComponent(event.target.value)}; path=/; max-age=31536000; samesite=lax`;
          void queryClient.resetQueries();
        }}
      >
        {clusters.data.map((cluster) => (
          <option key={cluster.id} value={cluster.id}>
            {cluster.name} ({cluster.environment})
          </option>
        ))}
      </select>
      {selected && (
        <Badge tone={ENVIRONMENT_TONE[selected.environment as keyof typeof ENVIRONMENT_TONE] ?? "neutral"}>
          {selected.environment}
        </Badge>
      )}
    </div>
  );
}
