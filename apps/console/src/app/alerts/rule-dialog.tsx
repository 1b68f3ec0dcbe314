"use client";
// Creating or editing a lag alert rule: which groups (an id or `*` pattern, optionally only those
// consuming matching topics), the thresholds in records and in time, how long the lag must hold,
// and the webhook, which can be tested before saving. A saved webhook is never shown back in full.
import { Button, Dialog, DurationInput, Field, NumberInput, TextInput } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, useTRPC } from "~/trpc/react";
import type { AlertRule } from "./alert-format";
import { useRefreshAlerts, WebhookTestResult } from "./webhook-test";

type RuleInput = RouterInputs["alerts"]["createRule"];

const FIELDS = ["name", "groupPattern", "topicPattern", "maxLagRecords", "maxLagMs", "forMs", "webhookUrl"];

/** An empty box means no record threshold; anything else goes to the server to judge. */
function recordsValue(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}

export function RuleDialog({
  rule,
  onClose,
  onSaved,
}: {
  /** The rule to edit; absent to create one. */
  rule?: AlertRule;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshAlerts();
  const [name, setName] = useState(rule?.name ?? "");
  const [groupPattern, setGroupPattern] = useState(rule?.groupPattern ?? "");
  const [topicPattern, setTopicPattern] = useState(rule?.topicPattern ?? "");
  const [maxLagRecords, setMaxLagRecords] = useState(
    rule?.maxLagRecords === null || rule?.maxLagRecords === undefined ? "" : String(rule.maxLagRecords),
  );
  const [maxLagMs, setMaxLagMs] = useState<number | null>(rule?.maxLagMs ?? null);
  const [forMs, setForMs] = useState<number | null>(rule?.forMs || null);
  const [webhookUrl, setWebhookUrl] = useState("");
  const [removeWebhook, setRemoveWebhook] = useState(false);
  const onSuccess = async (saved: AlertRule) => {
    await refresh();
    onSaved(rule ? `Rule ${saved.name} saved.` : `Rule ${saved.name} created.`);
    onClose();
  };
  const create = useMutation(trpc.alerts.createRule.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.alerts.updateRule.mutationOptions({ onSuccess }));
  const test = useMutation(trpc.alerts.testWebhook.mutationOptions());
  const mutation = rule ? update : create;
  const error = mutation.error;

  const enteredUrl = webhookUrl.trim();
  const input: RuleInput = {
    name: name.trim(),
    groupPattern: groupPattern.trim(),
    topicPattern: topicPattern.trim() || null,
    maxLagRecords: recordsValue(maxLagRecords),
    maxLagMs,
    forMs: forMs ?? 0,
    enabled: rule?.enabled ?? true,
    // Editing: an empty box keeps the saved webhook (which is never sent back to the browser).
    webhookUrl: removeWebhook ? null : enteredUrl || (rule ? undefined : null),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (rule) update.mutate({ ...input, id: rule.id });
    else create.mutate(input);
  };
  const canTest = !removeWebhook && (enteredUrl !== "" || rule?.webhook != null);
  const general = error && !FIELDS.some((field) => fieldError(error, field));
  return (
    <Dialog
      open
      onClose={onClose}
      title={rule ? `Edit rule ${rule.name}` : "New lag alert rule"}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="lag-alert-rule" busy={mutation.isPending}>
            {rule ? "Save rule" : "Create rule"}
          </Button>
        </>
      }
    >
      <form id="lag-alert-rule" onSubmit={submit} noValidate>
        <Field label="Name" error={fieldError(error, "name")} hint="e.g. billing consumers behind">
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field
          label="Consumer groups"
          error={fieldError(error, "groupPattern")}
          hint="A group id, or a pattern where * matches any run of characters: orders-*, or * for every group"
        >
          {(control) => (
            <TextInput
              {...control}
              value={groupPattern}
              onChange={(event) => setGroupPattern(event.target.value)}
              spellCheck={false}
              required
            />
          )}
        </Field>
        <Field
          label="Only groups consuming topics"
          error={fieldError(error, "topicPattern")}
          hint="Optional: a topic name or pattern such as payments.*; the group's whole lag is compared"
        >
          {(control) => (
            <TextInput
              {...control}
              value={topicPattern}
              onChange={(event) => setTopicPattern(event.target.value)}
              spellCheck={false}
            />
          )}
        </Field>
        <div className="form-grid">
          <Field
            label="Lag in records over"
            error={fieldError(error, "maxLagRecords")}
            hint="Empty for no record threshold"
          >
            {(control) => (
              <NumberInput
                {...control}
                min={1}
                step={1}
                value={maxLagRecords}
                onChange={(event) => setMaxLagRecords(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Lag in time over"
            error={fieldError(error, "maxLagMs")}
            hint="Behind the newest record; empty for none"
          >
            {(control) => <DurationInput {...control} value={maxLagMs} onChange={setMaxLagMs} />}
          </Field>
          <Field
            label="For at least"
            error={fieldError(error, "forMs")}
            hint="How long the lag must stay over before it fires; empty fires in the first sample over"
          >
            {(control) => <DurationInput {...control} value={forMs} onChange={setForMs} />}
          </Field>
        </div>
        <Field
          label="Webhook URL"
          error={fieldError(error, "webhookUrl") ?? fieldError(test.error, "webhookUrl")}
          hint={
            rule?.webhook
              ? `Sends to ${rule.webhook} now; enter a URL to replace it, or leave empty to keep it`
              : "Optional: fired and cleared alerts are POSTed here as JSON (Slack-style webhooks show its text)"
          }
        >
          {(control) => (
            <TextInput
              {...control}
              type="url"
              value={webhookUrl}
              onChange={(event) => setWebhookUrl(event.target.value)}
              placeholder="https://hooks.example.com/…"
              autoComplete="off"
              spellCheck={false}
              disabled={removeWebhook}
            />
          )}
        </Field>
        {rule?.webhook && (
          <label>
            <input
              type="checkbox"
              checked={removeWebhook}
              onChange={(event) => setRemoveWebhook(event.target.checked)}
            />{" "}
            Remove the webhook (alerts show only in the console)
          </label>
        )}
        <p>
          <Button
            disabled={!canTest}
            busy={test.isPending}
            onClick={() =>
              test.mutate(enteredUrl ? { webhookUrl: enteredUrl, ruleId: rule?.id } : { ruleId: rule?.id })
            }
          >
            Send test notification
          </Button>{" "}
          <WebhookTestResult test={test} />
        </p>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
