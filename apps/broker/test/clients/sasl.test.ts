// SASL_PLAINTEXT end to end with clients we did not write: kcat and confluent-kafka (librdkafka),
// kafkajs and kafka-python (v0 handshake with bare tokens) produce and consume with SCRAM-SHA-512,
// SCRAM-SHA-256 and PLAIN as the bootstrap user; wrong passwords are refused while the broker keeps
// serving; a PLAINTEXT listener beside it advertises its own address; malformed exchanges only
// close their own connection.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saslLogin } from "../security/sasl-login.js";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { kcat, runCommand, runPython, uniqueName } from "../support/tools.js";

const PASSWORD = "bootstrap-Secret-1";
let broker: BrokerProcess;
let saslPort: number;

beforeAll(async () => {
  const plainPort = await freePort();
  saslPort = await freePort();
  broker = await BrokerProcess.start({
    port: plainPort,
    extraArgs: [
      "--listeners",
      `PLAINTEXT://127.0.0.1:${plainPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      // these tests are about authentication; the authorizer has its own
      "--authorizer",
      "none",
      "--max-auth-failures-per-minute",
      "1000",
    ],
    env: { STREAMBED_BOOTSTRAP_USER: `admin:${PASSWORD}` },
  });
});

afterAll(async () => {
  await broker?.stop();
});

const saslBootstrap = () => `127.0.0.1:${saslPort}`;

function kcatSasl(mechanism: string, password = PASSWORD): string[] {
  return [
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    "sasl.username=admin",
    "-X",
    `sasl.password=${password}`,
  ];
}

const MECHANISMS = ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] as const;

describe("kcat", () => {
  it.each(MECHANISMS)("produces and consumes over SASL_PLAINTEXT with %s", async (mechanism) => {
    const topic = uniqueName("kcat-sasl");
    await kcat(saslBootstrap(), [...kcatSasl(mechanism), "-P", "-t", topic], { input: "one\ntwo\n" });
    const consumed = await kcat(saslBootstrap(), [
      ...kcatSasl(mechanism),
      "-C",
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-q",
    ]);
    expect(consumed.trim().split("\n")).toEqual(["one", "two"]);
  });

  it("is refused with a wrong password, and the broker keeps serving", async () => {
    const result = await runCommand(
      "kcat",
      ["-b", saslBootstrap(), ...kcatSasl("SCRAM-SHA-512", "wrong"), "-L"],
      {
        timeoutMs: 30_000,
      },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("SASL authentication error: Authentication failed");
    const listed = await kcat(saslBootstrap(), [...kcatSasl("SCRAM-SHA-512"), "-L"]);
    expect(listed).toContain("1 brokers");
    expect(broker.logs()).toContain('"username":"admin"');
    expect(broker.logs()).not.toContain("wrong");
    expect(broker.logs()).not.toContain(PASSWORD);
  });

  it("is told each listener's own address by Metadata", async () => {
    const viaSasl = JSON.parse(await kcat(saslBootstrap(), [...kcatSasl("PLAIN"), "-L", "-J"])) as {
      brokers: { name: string }[];
    };
    const viaPlaintext = JSON.parse(await kcat(broker.bootstrap, ["-L", "-J"])) as {
      brokers: { name: string }[];
    };
    expect(viaSasl.brokers.map((b) => b.name)).toEqual([`127.0.0.1:${saslPort}`]);
    expect(viaPlaintext.brokers.map((b) => b.name)).toEqual([broker.bootstrap]);
  });
});

describe("confluent-kafka (librdkafka)", () => {
  const security = (mechanism: string, password = PASSWORD) => ({
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanisms": mechanism,
    "sasl.username": "admin",
    "sasl.password": password,
  });

  it.each(MECHANISMS)("produces and consumes with %s", async (mechanism) => {
    const result = await runPython("confluent_sasl.py", {
      bootstrap: saslBootstrap(),
      topic: uniqueName("py-sasl"),
      security: security(mechanism),
      count: 4,
    });
    expect(result).toEqual({ delivered: 4, values: ["record-0", "record-1", "record-2", "record-3"] });
  });

  it("sees an authentication error with a wrong password", async () => {
    const result = await runPython("confluent_sasl.py", {
      bootstrap: saslBootstrap(),
      topic: uniqueName("py-sasl"),
      security: security("SCRAM-SHA-256", "nope"),
    });
    expect(result).toEqual({ error: "_AUTHENTICATION" });
  });
});

describe("kafkajs", () => {
  const client = (sasl: SASLOptions) =>
    new Kafka({
      clientId: "sasl-test",
      brokers: [saslBootstrap()],
      sasl,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
  const saslOf = (mechanism: (typeof MECHANISMS)[number], password = PASSWORD): SASLOptions =>
    mechanism === "PLAIN"
      ? { mechanism: "plain", username: "admin", password }
      : {
          mechanism: mechanism === "SCRAM-SHA-512" ? "scram-sha-512" : "scram-sha-256",
          username: "admin",
          password,
        };

  it.each(MECHANISMS)("produces and consumes with %s", async (mechanism) => {
    const kafka = client(saslOf(mechanism));
    const topic = uniqueName("kafkajs-sasl");
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "a" }, { value: "b" }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName("kafkajs-sasl-group") });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? "");
          if (values.length === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(values).toEqual(["a", "b"]);
  });

  it("rejects a wrong password with an authentication error", async () => {
    const admin = client(saslOf("SCRAM-SHA-512", "wrong")).admin();
    await expect(admin.connect()).rejects.toMatchObject({ name: "KafkaJSSASLAuthenticationError" });
  });
});

describe("kafka-python (SaslHandshake v0, bare tokens)", () => {
  it.each(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])("produces and consumes with %s", async (mechanism) => {
    const result = await runPython("kafka_python_sasl.py", {
      bootstrap: saslBootstrap(),
      topic: uniqueName("kafka-python-sasl"),
      mechanism,
      username: "admin",
      password: PASSWORD,
    });
    expect(result).toEqual({ values: ["record-0", "record-1", "record-2"] });
  });
});

describe("the SASL listener's connection rules", () => {
  it("closes a connection that sends Metadata before authenticating", async () => {
    const raw = await RawClient.connect(saslPort);
    const versions = await raw.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "t",
      clientSoftwareVersion: "1",
    });
    expect(versions.errorCode).toBe(ErrorCode.NONE);
    raw.send(ApiKey.Metadata, 12, { topics: null });
    expect(await raw.waitClosed()).toBe(true);
  });

  it("answers a successful login with the principal's session and then serves requests", async () => {
    const raw = await RawClient.connect(saslPort);
    expect(await saslLogin(raw, "SCRAM-SHA-512", "admin", PASSWORD)).toMatchObject({
      errorCode: ErrorCode.NONE,
      sessionLifetimeMs: 0n,
    });
    const metadata = await raw.request(ApiKey.Metadata, 12, { topics: null });
    expect(metadata.brokers.map((b) => b.port)).toEqual([saslPort]);
    raw.close();
  });

  it("refuses a request over 512 KiB before authentication, and serves large ones after", async () => {
    const stranger = await RawClient.connect(saslPort);
    const oversized = Buffer.alloc(4);
    oversized.writeInt32BE(1024 * 1024);
    stranger.writeRaw(oversized);
    expect(await stranger.waitClosed()).toBe(true);

    const admin = await RawClient.connect(saslPort);
    await saslLogin(admin, "SCRAM-SHA-512", "admin", PASSWORD);
    // After login a ~1.1 MB request (a validate-only CreateTopics carrying many configs) is read and
    // answered rather than cut off.
    const created = await admin.request(ApiKey.CreateTopics, 7, {
      topics: [
        {
          name: uniqueName("large-request"),
          numPartitions: 1,
          replicationFactor: -1,
          assignments: [],
          configs: Array.from({ length: 1100 }, (_, index) => ({
            name: `unknown.config.${index}`,
            value: "x".repeat(1000),
          })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: true,
    });
    expect(created.topics[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    admin.close();
  });

  it("answers a failed login with SASL_AUTHENTICATION_FAILED, then closes", async () => {
    const raw = await RawClient.connect(saslPort);
    const result = await saslLogin(raw, "PLAIN", "admin", "bad");
    expect(result).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage:
        "Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN",
    });
    expect(await raw.waitClosed()).toBe(true);
  });

  it("survives malformed tokens, bare garbage after a v0 handshake and unknown mechanisms", async () => {
    for (let round = 0; round < 20; round++) {
      const raw = await RawClient.connect(saslPort);
      if (round % 4 === 3) {
        await raw.request(ApiKey.SaslHandshake, 0, { mechanism: "SCRAM-SHA-256" });
        const garbage = Buffer.from(Array.from({ length: round * 7 }, (_, i) => (i * 37 + round) % 256));
        const frame = Buffer.alloc(4);
        frame.writeInt32BE(garbage.length);
        raw.writeRaw(Buffer.concat([frame, garbage]));
      } else {
        const mechanism = round % 4 === 0 ? "GSSAPI" : round % 4 === 1 ? "SCRAM-SHA-512" : "PLAIN";
        const handshake = await raw.request(ApiKey.SaslHandshake, 1, { mechanism });
        if (handshake.errorCode === ErrorCode.NONE) {
          const authBytes = Buffer.from(Array.from({ length: round * 13 }, (_, i) => (i * 11 + round) % 256));
          const answer = await raw.request(ApiKey.SaslAuthenticate, round % 3, { authBytes });
          expect(answer.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
        } else {
          expect(handshake).toEqual({
            errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
            mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"],
          });
        }
      }
      expect(await raw.waitClosed()).toBe(true);
    }
    expect(broker.running).toBe(true);
    const raw = await RawClient.connect(saslPort);
    expect((await saslLogin(raw, "SCRAM-SHA-256", "admin", PASSWORD)).errorCode).toBe(ErrorCode.NONE);
    raw.close();
  });

  it("answers SaslHandshake on the PLAINTEXT listener with ILLEGAL_SASL_STATE", async () => {
    const raw = await RawClient.connect(broker.port);
    expect(await raw.request(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" })).toEqual({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      mechanisms: [],
    });
    raw.close();
  });
});
