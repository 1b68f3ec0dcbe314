"use client";
// Removing a cluster from the registry, guarded by typing its name. The console forgets it and its
// governance records; the cluster and its records are untouched. The default cluster cannot be
// removed while others remain.
import { ConfirmByTyping, Dialog } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import { mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { useRefreshClusters } from "./refresh-clusters";

type ClusterRow = RouterOutputs["clusters"]["list"][number];

export function RemoveClusterDialog({ cluster, onClose }: { cluster: ClusterRow; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshClusters();
  const remove = useMutation(
    trpc.clusters.remove.mutationOptions({
      onSuccess: async () => {
        onClose();
        await refresh();
      },
    }),
  );
  return (
    <Dialog open onClose={onClose} title={`Remove cluster ${cluster.name}`}>
      <p>
        The console forgets how to reach {cluster.name}, and the topic owners, documented producers and
        consumers and traffic samples it recorded for it. The cluster itself, its topics and their records are
        not touched.
      </p>
      {cluster.isDefault && (
        <p>
          {cluster.name} is the default cluster: make another cluster the default first, unless it is the last
          one.
        </p>
      )}
      <ConfirmByTyping
        expected={cluster.name}
        label={`Type ${cluster.name} to confirm`}
        confirmLabel="Remove cluster"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ id: cluster.id })}
      />
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Dialog>
  );
}
