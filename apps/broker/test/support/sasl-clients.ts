// Acting as one SASL user through clients we did not write: kcat, confluent-kafka (through
// confluent_acl_actions.py) and kafkajs, on a SASL_PLAINTEXT or SASL_SSL listener, with refusals
// turned into the Kafka error names the clients report rather than into exceptions.
import { readFileSync } from "node:fs";
import { Kafka, type KafkaConfig, type LogEntry, logLevel } from "kafkajs";
import { type CommandResult, type RunOptions, runCommand, runPython } from "./tools.js";

export interface SaslUser {
  readonly username: string;
  readonly password: string;
}

/** Where and how a client logs in. */
export interface SaslListener {
  readonly protocol: "SASL_PLAINTEXT" | "SASL_SSL";
  readonly mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512" | "PLAIN";
  readonly bootstrap: string;
  /** The CA the client trusts on SASL_SSL. */
  readonly caPath?: string;
}

/** librdkafka's settings (kcat's `-X`, confluent-kafka's config) for logging in as `user`. */
export function librdkafkaSecurity(listener: SaslListener, user: SaslUser): Record<string, string> {
  return {
    "security.protocol": listener.protocol,
    ...(listener.caPath !== undefined && { "ssl.ca.location": listener.caPath }),
    "sasl.mechanisms": listener.mechanism,
    "sasl.username": user.username,
    "sasl.password": user.password,
  };
}

/** Runs kcat as `user`; a refusal is an exit code and stderr to look at, not an exception. */
export function kcatAs(
  listener: SaslListener,
  user: SaslUser,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const security = Object.entries(librdkafkaSecurity(listener, user)).flatMap(([key, value]) => [
    "-X",
    `${key}=${value}`,
  ]);
  return runCommand("kcat", ["-b", listener.bootstrap, ...security, ...args], {
    timeoutMs: 30_000,
    ...options,
  });
}

export function kafkajsAs(
  listener: SaslListener,
  user: SaslUser,
  settings: Partial<KafkaConfig> = {},
): Kafka {
  const { username, password } = user;
  return new Kafka({
    clientId: `sasl-${username}`,
    brokers: [listener.bootstrap],
    sasl:
      listener.mechanism === "PLAIN"
        ? { mechanism: "plain", username, password }
        : listener.mechanism === "SCRAM-SHA-512"
          ? { mechanism: "scram-sha-512", username, password }
          : { mechanism: "scram-sha-256", username, password },
    ...(listener.protocol === "SASL_SSL" && {
      ssl: listener.caPath !== undefined ? { ca: [readFileSync(listener.caPath, "utf8")] } : true,
    }),
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 },
    ...settings,
  });
}

/** One action of confluent_acl_actions.py. */
export type ConfluentAction =
  | { action: "produce"; topic: string; values: string[] }
  | { action: "consume"; topic: string; group: string; until: string }
  | { action: "read"; topic: string; group: string; count: number }
  | { action: "topics" }
  | { action: "create"; topic: string };

/** What an action achieved, or the Kafka error it met (with the values read before it). */
export interface ConfluentOutcome {
  delivered?: number;
  values?: string[];
  topics?: string[];
  created?: boolean;
  error?: string;
}

/** Runs `actions` in order in one confluent-kafka process logged in as `user`. */
export async function confluentAs(
  listener: SaslListener,
  user: SaslUser,
  actions: ConfluentAction[],
): Promise<ConfluentOutcome[]> {
  const { results } = await runPython<{ results: ConfluentOutcome[] }>("confluent_acl_actions.py", {
    bootstrap: listener.bootstrap,
    security: librdkafkaSecurity(listener, user),
    actions,
  });
  return results;
}

/** The Kafka error name kafkajs carries as `type`, possibly a cause or two down; else the error's name. */
export function kafkajsErrorType(error: unknown): string {
  const value = error as {
    name?: string;
    type?: string;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown[];
  };
  if (value?.type) return value.type;
  for (const inner of [value?.cause, value?.originalError, value?.errors?.[0]]) {
    if (inner) return kafkajsErrorType(inner);
  }
  return value?.name ?? String(error);
}

/** The error type a kafkajs call failed with, or "no error". */
export async function kafkajsFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return kafkajsErrorType(error);
  }
  return "no error";
}

export interface ConsumeOutcome {
  values: string[];
  error?: string;
}

/** Consumes `topic` with a kafkajs consumer until `done` holds for the values seen, or until it crashes. */
export async function consumeWithKafkajs(
  kafka: Kafka,
  options: { groupId: string; topic: string; autoCommit: boolean; done: (values: string[]) => boolean },
): Promise<ConsumeOutcome> {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 200,
    retry: { retries: 0, restartOnFailure: async () => false },
  });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    return await new Promise<ConsumeOutcome>((resolve) => {
      const timer = setTimeout(() => resolve({ values, error: "timed out" }), 30_000);
      const finish = (outcome: ConsumeOutcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      consumer.on(consumer.events.CRASH, ({ payload }) =>
        finish({ values, error: kafkajsErrorType(payload.error) }),
      );
      consumer
        .run({
          autoCommit: options.autoCommit,
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? "");
            if (options.done(values)) finish({ values });
          },
        })
        .catch((error: unknown) => finish({ values, error: kafkajsErrorType(error) }));
    });
  } catch (error) {
    return { values, error: kafkajsErrorType(error) };
  } finally {
    await consumer.disconnect();
  }
}

/**
 * kafkajs settings that record its error log as "<message>: <error>" lines; it logs each error
 * answer as "Response <Api>(key: …, version: …)" with the error's message, even where it then
 * reports something vaguer.
 */
export function recordingKafkajsLogger(entries: string[]): Partial<KafkaConfig> {
  return {
    logLevel: logLevel.ERROR,
    logCreator: () => (entry: LogEntry) => {
      entries.push(`${entry.log.message}: ${String((entry.log as { error?: unknown }).error)}`);
    },
  };
}
