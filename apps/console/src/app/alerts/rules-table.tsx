"use client";
// The lag alert rules with their state (firing and pending groups, ok, disabled), thresholds and
// webhook (scheme and host), and per rule: edit, enable or disable, test the webhook, delete.
import { Button, type Column, DataTable, Dialog, EmptyState, formatRelative } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { type AlertRule, describeLag, describeThresholds, RuleStateBadge } from "./alert-format";
import { RuleDialog } from "./rule-dialog";
import { useRefreshAlerts, WebhookTestResult } from "./webhook-test";

const STATE_ORDER: Record<AlertRule["state"], number> = { firing: 0, pending: 1, ok: 2, disabled: 3 };

function groupLink(groupId: string) {
  return <Link href={`/groups/${encodeURIComponent(groupId)}`}>{groupId}</Link>;
}

/** The groups a rule fires or is pending for, each with its lag and since when. */
function OpenGroups({ rule, now }: { rule: AlertRule; now: number }) {
  const open = [...rule.firing, ...rule.pending];
  if (open.length === 0) return null;
  return (
    <>
      {open.map((event) => (
        <Fragment key={event.id}>
          <br />
          <small>
            {groupLink(event.groupId)} {event.state === "firing" ? "firing" : "pending"}{" "}
            {formatRelative((event.firedAt ?? event.pendingSince).getTime(), now)}, peak{" "}
            {describeLag(event.peakLagRecords, event.peakLagMs)}
          </small>
        </Fragment>
      ))}
    </>
  );
}

export function RulesTable({
  rules,
  onNotice,
  onShowHistory,
}: {
  rules: readonly AlertRule[];
  onNotice: (message: string) => void;
  /** Filters the history below to one rule. */
  onShowHistory: (ruleId: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshAlerts();
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const [testedRule, setTestedRule] = useState<string | null>(null);
  const setEnabled = useMutation(
    trpc.alerts.setEnabled.mutationOptions({
      onSuccess: async ({ enabled }, { id }) => {
        await refresh();
        const rule = rules.find((candidate) => candidate.id === id);
        onNotice(
          enabled
            ? `Rule ${rule?.name} enabled: it is evaluated from the next sample.`
            : `Rule ${rule?.name} disabled: its open alerts clear at the next sample.`,
        );
      },
    }),
  );
  const test = useMutation(trpc.alerts.testWebhook.mutationOptions());
  const now = Date.now();

  const columns: Column<AlertRule>[] = [
    {
      key: "name",
      header: "Rule",
      cell: (rule) => (
        <>
          {rule.name}
          <br />
          <small>
            groups <code>{rule.groupPattern}</code>
            {rule.topicPattern && (
              <>
                {" "}
                consuming <code>{rule.topicPattern}</code>
              </>
            )}
          </small>
        </>
      ),
      sortValue: (rule) => rule.name,
      filterValue: (rule) =>
        `${rule.name} ${rule.groupPattern} ${rule.topicPattern ?? ""} ${rule.firing.map((event) => event.groupId).join(" ")}`,
    },
    { key: "thresholds", header: "Fires when lag is", cell: (rule) => describeThresholds(rule) },
    {
      key: "state",
      header: "State",
      cell: (rule) => (
        <>
          <RuleStateBadge rule={rule} />
          <OpenGroups rule={rule} now={now} />
        </>
      ),
      sortValue: (rule) => STATE_ORDER[rule.state],
    },
    {
      key: "webhook",
      header: "Webhook",
      cell: (rule) => rule.webhook ?? <small>console only</small>,
      sortValue: (rule) => rule.webhook,
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (rule) => (
        <>
          <Button variant="ghost" onClick={() => setEditing(rule)} aria-label={`Edit ${rule.name}`}>
            Edit
          </Button>
          <Button
            variant="ghost"
            busy={setEnabled.isPending && setEnabled.variables?.id === rule.id}
            onClick={() => setEnabled.mutate({ id: rule.id, enabled: !rule.enabled })}
            aria-label={`${rule.enabled ? "Disable" : "Enable"} ${rule.name}`}
          >
            {rule.enabled ? "Disable" : "Enable"}
          </Button>
          {rule.webhook && (
            <Button
              variant="ghost"
              busy={test.isPending && testedRule === rule.id}
              onClick={() => {
                setTestedRule(rule.id);
                test.mutate({ ruleId: rule.id });
              }}
              aria-label={`Test the webhook of ${rule.name}`}
            >
              Test webhook
            </Button>
          )}
          <Button
            variant="ghost"
            onClick={() => onShowHistory(rule.id)}
            aria-label={`History of ${rule.name}`}
          >
            History
          </Button>
          <Button variant="ghost" onClick={() => setDeleting(rule)} aria-label={`Delete ${rule.name}`}>
            Delete
          </Button>
        </>
      ),
    },
  ];

  const tested = rules.find((rule) => rule.id === testedRule);
  return (
    <>
      {tested && (test.isPending || test.data || test.error) && (
        <p>
          Test of {tested.name}: {test.isPending ? "sending…" : <WebhookTestResult test={test} />}
        </p>
      )}
      {setEnabled.error && (
        <p role="alert" className="message-error">
          {mutationMessage(setEnabled.error)}
        </p>
      )}
      <DataTable
        label="Lag alert rules"
        rows={rules}
        columns={columns}
        rowKey={(rule) => rule.id}
        rowTestId={(rule) => `alert-rule-${rule.name}`}
        initialSort={{ column: "state", direction: "ascending" }}
        empty={
          <EmptyState title="No lag alert rules yet">
            A rule watches one consumer group, or every group matching a pattern, and fires when its lag in
            records or in time stays over a threshold.
          </EmptyState>
        }
      />
      {editing && <RuleDialog rule={editing} onClose={() => setEditing(null)} onSaved={onNotice} />}
      {deleting && (
        <DeleteRuleDialog
          rule={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => onNotice(`Rule ${deleting.name} deleted.`)}
        />
      )}
    </>
  );
}

function DeleteRuleDialog({
  rule,
  onClose,
  onDeleted,
}: {
  rule: AlertRule;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshAlerts();
  const remove = useMutation(
    trpc.alerts.deleteRule.mutationOptions({
      onSuccess: async () => {
        onDeleted();
        onClose();
        await refresh();
      },
    }),
  );
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Delete rule ${rule.name}`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate({ id: rule.id })}>
            Delete rule
          </Button>
        </>
      }
    >
      <p>
        The rule stops watching <code>{rule.groupPattern}</code>, and its history of alerts is deleted with it
        (the audit log keeps what the rule was). To stop it for a while and keep its history, disable it
        instead.
      </p>
      {rule.firing.length > 0 && (
        <p>It is firing now; its webhook gets no cleared notification when the rule is deleted.</p>
      )}
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Dialog>
  );
}
