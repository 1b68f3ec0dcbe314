"use client";
// Starting a backfill test: the topic to replay from its start (one of the cluster's topics), the tail
// p99 bound it must hold, the probe's rate, and how long to measure before and during the replay.
import { Button, Field, NumberInput, Select } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, useTRPC } from "~/trpc/react";

type StartInput = RouterInputs["backfill"]["start"];

type NumberKey = Exclude<keyof StartInput, "topic">;

/** The number fields, their defaults and the server's bounds (repeated here for the browser's own hints). */
const NUMBER_FIELDS: {
  key: NumberKey;
  label: string;
  hint: string;
  initial: string;
  min: number;
  max: number;
}[] = [
  {
    key: "boundP99Ms",
    label: "Tail p99 bound (ms)",
    hint: "The replay must not push the tail's p99 past it",
    initial: "250",
    min: 0,
    max: 600_000,
  },
  {
    key: "tailRatePerSecond",
    label: "Probe rate (records/s)",
    hint: "1 to 500 small records a second",
    initial: "20",
    min: 1,
    max: 500,
  },
  {
    key: "baselineSeconds",
    label: "Baseline (s)",
    hint: "The tail measured alone first",
    initial: "30",
    min: 2,
    max: 600,
  },
  {
    key: "replaySeconds",
    label: "Replay (s)",
    hint: "The tail measured during the replay",
    initial: "120",
    min: 2,
    max: 3600,
  },
];

const DEFAULTS = Object.fromEntries(NUMBER_FIELDS.map((field) => [field.key, field.initial])) as Record<
  NumberKey,
  string
>;

/** An empty field stays NaN, so the server names the field instead of the form guessing a value. */
function numberOf(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export function StartTestForm({
  initialTopic,
  runningTopic,
  onStarted,
}: {
  initialTopic: string;
  /** The topic of the test running now, if one is: a second cannot start until it ends. */
  runningTopic: string | null;
  onStarted: (testId: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const topics = useQuery(trpc.topics.list.queryOptions());
  const [topic, setTopic] = useState(initialTopic);
  const [values, setValues] = useState(DEFAULTS);
  const start = useMutation(
    trpc.backfill.start.mutationOptions({
      onSuccess: async (test) => {
        onStarted(test.id);
        await queryClient.invalidateQueries({ queryKey: trpc.backfill.list.queryKey() });
      },
    }),
  );
  const names = (topics.data ?? []).map((entry) => entry.name).sort();
  const chosen = topic || names[0] || "";
  const options = chosen && !names.includes(chosen) ? [chosen, ...names] : names;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: StartInput = {
      topic: chosen,
      boundP99Ms: numberOf(values.boundP99Ms),
      tailRatePerSecond: numberOf(values.tailRatePerSecond),
      baselineSeconds: numberOf(values.baselineSeconds),
      replaySeconds: numberOf(values.replaySeconds),
    };
    start.mutate(input);
  };
  const otherError =
    start.error &&
    !["topic", ...NUMBER_FIELDS.map((field) => field.key)].some((key) => fieldError(start.error, key));

  return (
    <form onSubmit={submit} noValidate aria-label="Start a backfill test">
      <p>
        The test writes small timestamped records to a probe topic of its own and reads them back at the tail,
        first alone (the baseline), then while it replays the chosen topic from its log start offset as fast
        as the brokers allow. It passes when the tail's p99 during the replay stays within the bound. The
        probe topic is deleted afterwards; nothing is written to the chosen topic and no consumer group is
        left behind.
      </p>
      <div className="form-grid">
        <Field label="Topic to replay" error={fieldError(start.error, "topic")} hint="Read from its start">
          {(control) => (
            <Select {...control} value={chosen} onChange={(event) => setTopic(event.target.value)} required>
              {options.length === 0 && <option value="">No topics on this cluster</option>}
              {options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {NUMBER_FIELDS.map((field) => (
          <Field
            key={field.key}
            label={field.label}
            hint={field.hint}
            error={fieldError(start.error, field.key)}
          >
            {(control) => (
              <NumberInput
                {...control}
                min={field.min}
                max={field.max}
                step={1}
                value={values[field.key]}
                onChange={(event) => setValues({ ...values, [field.key]: event.target.value })}
                required
              />
            )}
          </Field>
        ))}
      </div>
      <div className="inline-form">
        <Button type="submit" variant="primary" busy={start.isPending} disabled={runningTopic !== null}>
          Start backfill test
        </Button>
        {runningTopic !== null && <span>A test of {runningTopic} is running; wait for it or cancel it.</span>}
      </div>
      {otherError && (
        <p role="alert" className="message-error">
          The test did not start: {mutationMessage(start.error)}
        </p>
      )}
    </form>
  );
}
