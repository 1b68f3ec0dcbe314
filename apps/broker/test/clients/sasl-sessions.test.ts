// SASL across time and brokers: credentials altered through AlterUserScramCredentials on broker 1
// take effect on broker 2 sharing the database (whose failures from it trip its limiter, so the
// other tests use broker 1); KIP-368 sessions expire and kafkajs
// re-authenticates on its connections while confluent-kafka (librdkafka 2.0, no KIP-368) reconnects, both consuming
// throughout; and an address with too many failures is refused for the rest of the minute.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saltPassword, scramMechanism } from "../../src/security/sasl/scram-credential.js";
import { saslLogin } from "../security/sasl-login.js";
import { BrokerProcess, createTestDatabase, freePort } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { eventually, runCommand, runPython, uniqueName } from "../support/tools.js";

const ADMIN_PASSWORD = "admin-pw-1";
const REAUTH_MS = 3000;
const brokers: BrokerProcess[] = [];
const saslPorts: number[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase("sasl_sessions");
  for (const brokerId of [1, 2]) {
    const plainPort = await freePort();
    const saslPort = await freePort();
    saslPorts.push(saslPort);
    brokers.push(
      await BrokerProcess.start({
        brokerId,
        databaseUrl,
        port: plainPort,
        extraArgs: [
          "--listeners",
          `PLAINTEXT://127.0.0.1:${plainPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
          "--authorizer",
          "none",
          "--connections-max-reauth-ms",
          String(REAUTH_MS),
          "--security-refresh-ms",
          "200",
          "--max-auth-failures-per-minute",
          "3",
          "--auth-failure-delay-ms",
          "50",
        ],
        env: { STREAMBED_BOOTSTRAP_USER: `admin:${ADMIN_PASSWORD}` },
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all(brokers.map((broker) => broker.stop()));
});

function kcatAs(username: string, password: string, mechanism = "SCRAM-SHA-512"): string[] {
  return [
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    `sasl.username=${username}`,
    "-X",
    `sasl.password=${password}`,
  ];
}

async function canList(port: number, username: string, password: string): Promise<boolean> {
  const result = await runCommand(
    "kcat",
    ["-b", `127.0.0.1:${port}`, ...kcatAs(username, password), "-L", "-m", "5"],
    {
      timeoutMs: 30_000,
    },
  );
  return result.code === 0;
}

async function setPassword(raw: RawClient, username: string, password: string) {
  const salt = Buffer.from(`salt-${password}`);
  const saltedPassword = await saltPassword(scramMechanism("SCRAM-SHA-512")!, password, salt, 4096);
  return raw.request(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: [{ name: username, mechanism: 2, iterations: 4096, salt, saltedPassword }],
  });
}

describe("credentials altered on one broker", () => {
  it("take effect on the other broker: the new password works there and the old one fails", async () => {
    const raw = await RawClient.connect(saslPorts[0]!);
    expect((await saslLogin(raw, "SCRAM-SHA-512", "admin", ADMIN_PASSWORD)).errorCode).toBe(ErrorCode.NONE);
    expect((await setPassword(raw, "erin", "erin-old")).results).toEqual([
      { user: "erin", errorCode: ErrorCode.NONE, errorMessage: null },
    ]);
    await eventually(
      async () => ((await canList(saslPorts[1]!, "erin", "erin-old")) ? true : undefined),
      15_000,
    );
    const described = await raw.request(ApiKey.DescribeUserScramCredentials, 0, {
      users: [{ name: "erin" }, { name: "nobody" }],
    });
    expect(described.results).toEqual([
      {
        user: "erin",
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: [{ mechanism: 2, iterations: 4096 }],
      },
      {
        user: "nobody",
        errorCode: ErrorCode.RESOURCE_NOT_FOUND,
        errorMessage: "Attempt to describe a user credential that does not exist",
        credentialInfos: [],
      },
    ]);

    await setPassword(raw, "erin", "erin-new");
    await eventually(
      async () => ((await canList(saslPorts[1]!, "erin", "erin-new")) ? true : undefined),
      15_000,
    );
    expect(await canList(saslPorts[1]!, "erin", "erin-old")).toBe(false);
    raw.close();
  });
});

describe("sessions with connections.max.reauth.ms", () => {
  it("tell the client their lifetime and close a connection whose session expired", async () => {
    const raw = await RawClient.connect(saslPorts[0]!);
    expect((await saslLogin(raw, "PLAIN", "admin", ADMIN_PASSWORD)).sessionLifetimeMs).toBe(
      BigInt(REAUTH_MS),
    );
    await new Promise((resolve) => setTimeout(resolve, REAUTH_MS + 200));
    raw.send(ApiKey.Metadata, 12, { topics: null });
    expect(await raw.waitClosed()).toBe(true);
  });

  it("keep kafkajs (re-authenticating) and confluent-kafka (reconnecting) consumers consuming past several lifetimes", async () => {
    const topic = uniqueName("reauth");
    const kafka = new Kafka({
      clientId: "reauth-test",
      brokers: [`127.0.0.1:${saslPorts[0]}`],
      sasl: { mechanism: "scram-sha-512", username: "admin", password: ADMIN_PASSWORD },
      reauthenticationThreshold: 1000,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "m-0" }] });
    const consumer = kafka.consumer({ groupId: uniqueName("reauth-group"), maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    void consumer.run({
      eachMessage: async ({ message }) => void received.push(message.value?.toString() ?? ""),
    });
    const count = 16;
    const librdkafkaConsumer = runPython<{ values: string[]; transportErrors: number }>(
      "confluent_long_consumer.py",
      {
        bootstrap: `127.0.0.1:${saslPorts[0]}`,
        topic,
        count,
        security: {
          "security.protocol": "SASL_PLAINTEXT",
          "sasl.mechanisms": "SCRAM-SHA-256",
          "sasl.username": "admin",
          "sasl.password": ADMIN_PASSWORD,
        },
      },
    );
    for (let index = 1; index < count; index++) {
      await new Promise((resolve) => setTimeout(resolve, 700)); // 16 x 0.7 s: over three lifetimes
      await producer.send({ topic, messages: [{ value: `m-${index}` }] });
    }
    const expected = Array.from({ length: count }, (_, index) => `m-${index}`);
    await eventually(async () => (received.length >= count ? true : undefined), 20_000);
    await consumer.disconnect();
    await producer.disconnect();
    expect(received).toEqual(expected);
    // librdkafka 2.0 does not re-authenticate (KIP-368 came in 2.2): its connections are closed
    // on expiry and it reconnects, consuming on.
    expect((await librdkafkaConsumer).values).toEqual(expected);
    const logs = brokers[0]!.logs();
    expect(logs).toContain("SASL re-authenticated");
    expect(logs).toContain("SASL session expired without re-authentication");
  });
});

describe("failed authentications per address", () => {
  it("are refused once the limit is reached this minute, even with the right password", async () => {
    const port = saslPorts[0]!;
    for (let attempt = 0; attempt < 3; attempt++) {
      const raw = await RawClient.connect(port);
      expect((await saslLogin(raw, "SCRAM-SHA-256", "admin", "wrong")).errorCode).toBe(
        ErrorCode.SASL_AUTHENTICATION_FAILED,
      );
      raw.close();
    }
    const raw = await RawClient.connect(port);
    expect(await saslLogin(raw, "SCRAM-SHA-256", "admin", ADMIN_PASSWORD)).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: "Authentication failed: too many failed attempts from this address, try again later",
    });
    expect(await raw.waitClosed()).toBe(true);
    expect(brokers[0]!.logs()).toContain("too many failures from this address");
  });
});
