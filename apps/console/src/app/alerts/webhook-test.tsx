"use client";
// What rule changes and webhook tests share: refreshing every alerts view after a change, and the
// line that says how a test notification's receiver answered (to its scheme and host only).
import { Badge } from "@streambed/ui";
import { useQueryClient } from "@tanstack/react-query";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type TestResult = RouterOutputs["alerts"]["testWebhook"];

/** Rules, history and group summaries all read the rules and their alerts: refetch them together. */
export function useRefreshAlerts(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
}

export function WebhookTestResult({
  test,
}: {
  test: { data?: TestResult; error: unknown; isPending: boolean };
}) {
  if (test.isPending) return null;
  // A refused URL is shown under its field, where the form puts field errors.
  if (fieldError(test.error, "webhookUrl")) return null;
  if (test.error)
    return (
      <span role="alert" className="message-error">
        {mutationMessage(test.error)}
      </span>
    );
  if (!test.data) return null;
  const delivered = test.data.delivery === "delivered";
  return (
    <span role="status">
      <Badge tone={delivered ? "ok" : "danger"}>{delivered ? "delivered" : "not delivered"}</Badge>{" "}
      {delivered
        ? `${test.data.target} accepted the test notification.`
        : `${test.data.target}: ${test.data.delivery.replace(/^failed: /, "")}`}
    </span>
  );
}
