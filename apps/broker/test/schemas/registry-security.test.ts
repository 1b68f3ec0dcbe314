// The schema registry behind a secured broker: HTTP basic auth with the broker's SASL users, each
// operation checked against the same ACLs Kafka clients meet (topic subjects by the topic's ACLs,
// other subjects by the cluster's), and produce-time schema validation refusing what the registry
// does not know — all against a real broker process, real PostgreSQL and kafkajs.
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { kafkajsAs, type SaslListener } from "../support/sasl-clients.js";
import { setScramPasswords } from "../support/scram-users.js";
import { uniqueName } from "../support/tools.js";

const ADMIN = { username: "admin", password: "admin-Secret-4c1e" };
const PRODUCER = { username: "orders-producer", password: "producer-Secret-77aa" };
const STRANGER = { username: "stranger", password: "stranger-Secret-0b3d" };

let broker: BrokerProcess;
let listener: SaslListener;
const topic = uniqueName("orders");

const AVRO_ORDER = JSON.stringify({
  type: "record",
  name: "Order",
  namespace: "com.acme",
  fields: [{ name: "id", type: "string" }],
});

beforeAll(async () => {
  const saslPort = await freePort();
  broker = await BrokerProcess.start({
    port: saslPort,
    extraArgs: [
      "--listeners",
      `SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      "--super-users",
      "User:admin",
      "--max-auth-failures-per-minute",
      "1000",
    ],
    env: { STREAMBED_BOOTSTRAP_USER: `admin:${ADMIN.password}` },
  });
  listener = { protocol: "SASL_PLAINTEXT", mechanism: "SCRAM-SHA-512", bootstrap: broker.bootstrap };
  await setScramPasswords(saslPort, ADMIN, {
    [PRODUCER.username]: PRODUCER.password,
    [STRANGER.username]: STRANGER.password,
  });
  const admin = kafkajsAs(listener, ADMIN).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [{ name: "confluent.value.schema.validation", value: "true" }],
      },
    ],
  });
  await admin.createAcls({
    acl: [
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: `User:${PRODUCER.username}`,
        host: "*",
        operation: AclOperationTypes.WRITE,
        permissionType: AclPermissionTypes.ALLOW,
      },
    ],
  });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await broker?.stop();
});

function registry(
  path: string,
  options: { login?: { username: string; password: string }; body?: unknown; method?: string } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/vnd.schemaregistry.v1+json" };
  if (options.login) {
    headers.authorization = `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString("base64")}`;
  }
  return fetch(`http://127.0.0.1:${broker.httpPort}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
}

async function errorOf(response: Response): Promise<{ status: number; errorCode: number; message: string }> {
  const body = (await response.json()) as { error_code: number; message: string };
  return { status: response.status, errorCode: body.error_code, message: body.message };
}

describe("the schema registry on a secured broker", () => {
  it("asks for basic auth, and refuses a wrong password without echoing it", async () => {
    expect(await errorOf(await registry("/subjects"))).toMatchObject({ status: 401, errorCode: 40101 });
    const wrong = await errorOf(
      await registry("/subjects", { login: { username: PRODUCER.username, password: "not-the-password" } }),
    );
    expect(wrong).toMatchObject({ status: 401, errorCode: 40101 });
    expect(wrong.message).not.toContain("not-the-password");
  });

  it("lets a principal with WRITE on the topic register its value schema, and nobody else", async () => {
    const registered = await registry(`/subjects/${topic}-value/versions`, {
      login: PRODUCER,
      body: { schema: AVRO_ORDER },
    });
    expect(registered.status).toBe(200);
    expect(((await registered.json()) as { id: number }).id).toBeGreaterThan(0);

    const stranger = await registry(`/subjects/${topic}-value/versions`, {
      login: STRANGER,
      body: { schema: AVRO_ORDER },
    });
    expect(await errorOf(stranger)).toMatchObject({ status: 403, errorCode: 40301 });
    // A subject that is not a topic's is the cluster's: the producer has no ALTER on it.
    const recordSubject = await registry("/subjects/com.acme.Order/versions", {
      login: PRODUCER,
      body: { schema: AVRO_ORDER },
    });
    expect(await errorOf(recordSubject)).toMatchObject({ status: 403, errorCode: 40301 });
    // The super user may do anything.
    expect(
      (await registry("/subjects/com.acme.Order/versions", { login: ADMIN, body: { schema: AVRO_ORDER } }))
        .status,
    ).toBe(200);
  });

  it("lists to each principal only the subjects it may read", async () => {
    const seenBy = async (login: { username: string; password: string }) =>
      (await (await registry("/subjects", { login })).json()) as string[];
    expect(await seenBy(PRODUCER)).toEqual([`${topic}-value`]);
    expect(await seenBy(STRANGER)).toEqual([]);
    expect(await seenBy(ADMIN)).toEqual(expect.arrayContaining([`${topic}-value`, "com.acme.Order"]));
    // Changing the global compatibility level needs ALTER_CONFIGS on the cluster.
    const level = await registry("/config", {
      login: PRODUCER,
      method: "PUT",
      body: { compatibility: "NONE" },
    });
    expect(await errorOf(level)).toMatchObject({ status: 403, errorCode: 40301 });
  });

  it("refuses produce batches whose schema id is not registered for the topic, with the reason", async () => {
    const { id } = (await (
      await registry(`/subjects/${topic}-value/versions`, { login: PRODUCER, body: { schema: AVRO_ORDER } })
    ).json()) as { id: number };
    const other = (await (
      await registry(`/subjects/${uniqueName("unrelated")}-value/versions`, {
        login: ADMIN,
        body: {
          schema: JSON.stringify({ type: "record", name: "Other", fields: [{ name: "n", type: "int" }] }),
        },
      })
    ).json()) as { id: number };
    const framed = (schemaId: number) => {
      const header = Buffer.alloc(5);
      header.writeInt32BE(schemaId, 1);
      return Buffer.concat([header, Buffer.from([0x06, 0x61, 0x62, 0x63])]); // Avro string "abc"
    };
    const producer = kafkajsAs(listener, PRODUCER, { retry: { retries: 0 } }).producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ value: framed(id) }] });
      const refusal = await producer
        .send({ topic, acks: -1, messages: [{ value: framed(id) }, { value: framed(other.id) }] })
        .then(
          () => undefined,
          (error: unknown) => error as { type?: string; message?: string },
        );
      expect(refusal?.type).toBe("INVALID_RECORD");
      const plain = await producer.send({ topic, acks: -1, messages: [{ value: "no schema" }] }).then(
        () => undefined,
        (error: unknown) => error as { type?: string },
      );
      expect(plain?.type).toBe("INVALID_RECORD");
    } finally {
      await producer.disconnect();
    }
    const stats = (await (await fetch(`http://127.0.0.1:${broker.httpPort}/stats`)).json()) as {
      schemaValidation: { batchesChecked: number; batchesRefused: number };
    };
    expect(stats.schemaValidation).toMatchObject({ batchesChecked: 3, batchesRefused: 2 });
    // The refused batch left nothing behind: only the first record is in the log.
    const admin = kafkajsAs(listener, ADMIN).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets[0]!.high).toBe("1");
  });
});
