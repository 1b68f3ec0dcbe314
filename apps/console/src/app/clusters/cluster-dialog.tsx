"use client";
// Registering a cluster, or editing one: its name and environment, the bootstrap servers, the
// brokers' HTTP endpoint, and SASL and TLS. The password is never entered here: the console reads
// it from an environment variable of its own process, and stores only that variable's name.
import { Button, Dialog, Field, Select, TextInput } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import { useRefreshClusters } from "./refresh-clusters";

type ClusterRow = RouterOutputs["clusters"]["list"][number];
type ClusterInput = RouterInputs["clusters"]["create"];
type Environment = ClusterInput["environment"];
type SaslMechanism = NonNullable<ClusterInput["saslMechanism"]>;

const ENVIRONMENTS: readonly Environment[] = ["development", "staging", "production"];
const SASL_MECHANISMS: readonly SaslMechanism[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];
const FIELDS = [
  "name",
  "environment",
  "bootstrap",
  "httpEndpoint",
  "saslMechanism",
  "saslUsername",
  "saslPasswordEnv",
  "tls",
];

export function ClusterDialog({
  cluster,
  onClose,
}: {
  /** The cluster to edit; absent to register a new one. */
  cluster?: ClusterRow;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshClusters();
  const [name, setName] = useState(cluster?.name ?? "");
  const [environment, setEnvironment] = useState<Environment>(
    (cluster?.environment as Environment | undefined) ?? "development",
  );
  const [bootstrap, setBootstrap] = useState(cluster?.bootstrap ?? "");
  const [httpEndpoint, setHttpEndpoint] = useState(cluster?.httpEndpoint ?? "");
  const [saslMechanism, setSaslMechanism] = useState<SaslMechanism | "">(
    (cluster?.saslMechanism as SaslMechanism | null | undefined) ?? "",
  );
  const [saslUsername, setSaslUsername] = useState(cluster?.saslUsername ?? "");
  const [saslPasswordEnv, setSaslPasswordEnv] = useState(cluster?.saslPasswordEnv ?? "");
  const [tls, setTls] = useState(cluster?.tls ?? false);
  const onSuccess = async () => {
    await refresh();
    onClose();
  };
  const create = useMutation(trpc.clusters.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.clusters.update.mutationOptions({ onSuccess }));
  const mutation = cluster ? update : create;
  // An update nests the fields under "cluster", and so do the paths of its field errors.
  const errorFor = (field: string) => fieldError(mutation.error, cluster ? `cluster.${field}` : field);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const sasl = saslMechanism !== "";
    const input: ClusterInput = {
      name: name.trim(),
      environment,
      bootstrap: bootstrap.trim(),
      httpEndpoint: httpEndpoint.trim() || null,
      saslMechanism: sasl ? saslMechanism : null,
      saslUsername: sasl ? saslUsername.trim() || null : null,
      saslPasswordEnv: sasl ? saslPasswordEnv.trim() || null : null,
      tls,
    };
    if (cluster) update.mutate({ id: cluster.id, cluster: input });
    else create.mutate(input);
  };
  const general = mutation.error && !FIELDS.some((field) => errorFor(field));
  const sasl = saslMechanism !== "";
  return (
    <Dialog
      open
      onClose={onClose}
      title={cluster ? `Edit cluster ${cluster.name}` : "Register cluster"}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="cluster-form" busy={mutation.isPending}>
            {cluster ? "Save cluster" : "Register cluster"}
          </Button>
        </>
      }
    >
      <form id="cluster-form" onSubmit={submit} noValidate>
        <Field label="Name" error={errorFor("name")} hint="How the console shows it, e.g. payments-prod">
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field label="Environment" error={errorFor("environment")}>
          {(control) => (
            <Select
              {...control}
              value={environment}
              onChange={(event) => setEnvironment(event.target.value as Environment)}
            >
              {ENVIRONMENTS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          label="Bootstrap servers"
          error={errorFor("bootstrap")}
          hint="Comma-separated host:port, e.g. broker-1:9092,broker-2:9092"
        >
          {(control) => (
            <TextInput
              {...control}
              value={bootstrap}
              onChange={(event) => setBootstrap(event.target.value)}
              spellCheck={false}
              required
            />
          )}
        </Field>
        <Field
          label="HTTP endpoint"
          error={errorFor("httpEndpoint")}
          hint="The brokers' HTTP listener, for traffic and storage figures, e.g. http://broker-1:8081 (optional)"
        >
          {(control) => (
            <TextInput
              {...control}
              type="url"
              value={httpEndpoint}
              onChange={(event) => setHttpEndpoint(event.target.value)}
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="SASL mechanism" error={errorFor("saslMechanism")}>
          {(control) => (
            <Select
              {...control}
              value={saslMechanism}
              onChange={(event) => setSaslMechanism(event.target.value as SaslMechanism | "")}
            >
              <option value="">None</option>
              {SASL_MECHANISMS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          label="SASL username"
          error={errorFor("saslUsername")}
          hint={sasl ? undefined : "Choose a SASL mechanism first"}
        >
          {(control) => (
            <TextInput
              {...control}
              value={saslUsername}
              onChange={(event) => setSaslUsername(event.target.value)}
              autoComplete="off"
              disabled={!sasl}
            />
          )}
        </Field>
        <Field
          label="Password environment variable"
          error={errorFor("saslPasswordEnv")}
          hint="The name of an environment variable of the console's process that holds the password, e.g. PROD_KAFKA_PASSWORD. The console never stores secrets, only this name."
        >
          {(control) => (
            <TextInput
              {...control}
              value={saslPasswordEnv}
              onChange={(event) => setSaslPasswordEnv(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              disabled={!sasl}
            />
          )}
        </Field>
        <Field label="TLS" error={errorFor("tls")} hint="Connect to the brokers over TLS">
          {(control) => (
            <input
              {...control}
              type="checkbox"
              checked={tls}
              onChange={(event) => setTls(event.target.checked)}
            />
          )}
        </Field>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(mutation.error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
