"use client";
// The deployment facts the estimate cannot measure — zones, how much client traffic crosses them,
// Kafka's replication, free disk, broker count and retention, the brokers' block size — edited for
// the selected cluster, with the server's message beside any field it refuses.
import { Button, Field, Select, Toolbar } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import { type NumberFieldSpec, NumberFields, useNumberFields } from "./number-fields";

type Settings = RouterOutputs["cost"]["settings"]["get"];
type Assumptions = RouterInputs["cost"]["settings"]["update"]["assumptions"];
type BrokerRule = NonNullable<Assumptions["kafkaBrokerRule"]>;
type AssumptionNumber = Exclude<keyof Settings["assumptions"], "kafkaBrokerRule">;

const FIELDS: readonly NumberFieldSpec<AssumptionNumber>[] = [
  { name: "availabilityZones", label: "Availability zones", step: "1" },
  {
    name: "clientCrossAzShare",
    label: "Share of client traffic crossing zones",
    hint: "0 to 1; blank: clients are not zone-aware, (zones − 1) ÷ zones",
    optional: true,
  },
  { name: "kafkaReplicationFactor", label: "Kafka replication factor", step: "1" },
  {
    name: "kafkaFreeDiskShare",
    label: "Kafka free disk share",
    hint: "0 to 0.9; 0.4 keeps 40 % of each disk free",
  },
  { name: "kafkaBrokerCount", label: "Kafka brokers (rule: fixed)", step: "1" },
  { name: "kafkaMaxDiskGbPerBroker", label: "Kafka disk per broker, GB (rule: disk)" },
  {
    name: "kafkaRetentionHours",
    label: "Hours of data on Kafka's disks",
    hint: "blank: what Streambed stores now",
    optional: true,
  },
  {
    name: "blockBytes",
    label: "Block size, bytes",
    hint: "the brokers' --block-bytes (one GET each)",
    step: "1",
  },
];

const RULES: { value: BrokerRule; label: string }[] = [
  { value: "match", label: "As many as Streambed runs" },
  { value: "fixed", label: "A fixed number" },
  { value: "disk", label: "Enough for the disks" },
];

export function AssumptionsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const numbers = useNumberFields(FIELDS, (name) => settings.assumptions[name]);
  const [rule, setRule] = useState<BrokerRule>(settings.assumptions.kafkaBrokerRule);
  const [notice, setNotice] = useState<string | null>(null);
  const update = useMutation(
    trpc.cost.settings.update.mutationOptions({
      onSuccess: async () => {
        setNotice("Assumptions saved; the estimate below uses them.");
        await queryClient.invalidateQueries({ queryKey: trpc.cost.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const values = numbers.parse();
    if (!values) return;
    update.mutate({
      provider: settings.provider as RouterInputs["cost"]["settings"]["update"]["provider"],
      region: settings.region,
      assumptions: { ...(values as Assumptions), kafkaBrokerRule: rule },
    });
  };
  const restoreDefaults = () => {
    numbers.fill((name) => settings.defaults[name]);
    setRule(settings.defaults.kafkaBrokerRule);
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Assumptions">
      <div className="form-grid">
        <NumberFields
          form={numbers}
          serverError={(name) => fieldError(update.error, `assumptions.${name}`)}
        />
        <Field
          label="Kafka broker count rule"
          error={fieldError(update.error, "assumptions.kafkaBrokerRule")}
        >
          {(control) => (
            <Select {...control} value={rule} onChange={(event) => setRule(event.target.value as BrokerRule)}>
              {RULES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <Toolbar>
        <Button type="submit" variant="primary" busy={update.isPending}>
          Save assumptions
        </Button>
        <Button onClick={restoreDefaults}>Fill in the defaults</Button>
      </Toolbar>
      <p role="status">{notice}</p>
      {update.error && (
        <p role="alert" className="message-error">
          Not saved: {mutationMessage(update.error)}
        </p>
      )}
    </form>
  );
}
