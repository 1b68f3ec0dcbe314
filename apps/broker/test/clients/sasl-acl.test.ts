// ACLs end to end as authenticated users, with clients we did not write: kcat, confluent-kafka
// (librdkafka) and kafkajs log in as alice and bob over SASL_PLAINTEXT (SCRAM-SHA-512) and SASL_SSL
// (PLAIN) and meet produce, consume, describe and create ACLs, prefixed grants and a DENY overriding
// an ALLOW; carol's password is rotated while her kafkajs consumer is connected.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  type ISocketFactory,
  ResourcePatternTypes,
} from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { createTestCertificates, type TestCertificates } from "../support/certificates.js";
import {
  confluentAs,
  consumeWithKafkajs,
  kafkajsAs,
  kafkajsErrorType,
  kafkajsFailure,
  kcatAs,
  recordingKafkajsLogger,
  type SaslListener,
  type SaslUser,
} from "../support/sasl-clients.js";
import { setScramPasswords } from "../support/scram-users.js";
import { eventually } from "../support/tools.js";

const ADMIN: SaslUser = { username: "admin", password: "admin-Secret-1" };
const ALICE: SaslUser = { username: "alice", password: "alice-Secret-1" };
const BOB: SaslUser = { username: "bob", password: "bob-Secret-1" };
const CAROL: SaslUser = { username: "carol", password: "carol-Secret-1" };
const CAROL_ROTATED: SaslUser = { username: "carol", password: "carol-Secret-2" };

const ORDERS = "orders";
const ORDERS_GROUP = "orders-app";
const BOB_GROUP = "bob-app";
const PAYMENTS_EU = "payments-eu";
const PAYMENTS_US = "payments-us";
const ROTATION = "rotation";
const CAROL_GROUP = "carol-app";

/** A listener and the mechanism the clients log in with on it. */
interface Connection {
  readonly protocol: "SASL_PLAINTEXT" | "SASL_SSL";
  readonly mechanism: "SCRAM-SHA-512" | "PLAIN";
  /** Tells apart the topics each client creates over each connection. */
  readonly tag: string;
}

const SASL_PLAINTEXT_SCRAM: Connection = {
  protocol: "SASL_PLAINTEXT",
  mechanism: "SCRAM-SHA-512",
  tag: "plain",
};
const SASL_SSL_PLAIN: Connection = { protocol: "SASL_SSL", mechanism: "PLAIN", tag: "ssl" };
const CONNECTIONS = [SASL_PLAINTEXT_SCRAM, SASL_SSL_PLAIN];

let dir: string;
let broker: BrokerProcess;
let certificates: TestCertificates;
const ports = { SASL_PLAINTEXT: 0, SASL_SSL: 0 };
let admin: Admin;

/** The listener of `connection`, once the broker is up. */
const at = (connection: Connection): SaslListener => ({
  protocol: connection.protocol,
  mechanism: connection.mechanism,
  bootstrap: `127.0.0.1:${ports[connection.protocol]}`,
  ...(connection.protocol === "SASL_SSL" && { caPath: certificates.caPath }),
});

const aclEntry = (
  principal: SaslUser,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  options: { pattern?: ResourcePatternTypes; permission?: AclPermissionTypes } = {},
) => ({
  resourceType,
  resourceName,
  resourcePatternType: options.pattern ?? ResourcePatternTypes.LITERAL,
  principal: `User:${principal.username}`,
  host: "*",
  operation,
  permissionType: options.permission ?? AclPermissionTypes.ALLOW,
});

const { TOPIC, GROUP } = AclResourceTypes;
const { READ, WRITE, CREATE } = AclOperationTypes;
const PREFIXED = { pattern: ResourcePatternTypes.PREFIXED };

beforeAll(async () => {
  dir = mkdtempSync(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "sasl-acl-"));
  certificates = await createTestCertificates(dir);
  ports.SASL_PLAINTEXT = await freePort();
  ports.SASL_SSL = await freePort();
  broker = await BrokerProcess.start({
    port: ports.SASL_PLAINTEXT,
    extraArgs: [
      "--listeners",
      `SASL_PLAINTEXT://127.0.0.1:${ports.SASL_PLAINTEXT},SASL_SSL://127.0.0.1:${ports.SASL_SSL}`,
      "--tls-cert",
      certificates.serverCertificatePath,
      "--tls-key",
      certificates.serverKeyPath,
      "--super-users",
      `User:${ADMIN.username}`,
      "--security-refresh-ms",
      "200",
      // the rotation test logs in with an old password on purpose
      "--max-auth-failures-per-minute",
      "1000",
    ],
    env: { STREAMBED_BOOTSTRAP_USER: `${ADMIN.username}:${ADMIN.password}` },
  });
  await setScramPasswords(ports.SASL_PLAINTEXT, ADMIN, {
    [ALICE.username]: ALICE.password,
    [BOB.username]: BOB.password,
    [CAROL.username]: CAROL.password,
  });
  admin = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), ADMIN).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [ORDERS, PAYMENTS_EU, PAYMENTS_US, ROTATION].map((topic) => ({ topic, numPartitions: 1 })),
  });
  const producer = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), ADMIN).producer();
  await producer.connect();
  await producer.send({ topic: PAYMENTS_EU, messages: [{ value: "eu-1" }] });
  await producer.send({ topic: PAYMENTS_US, messages: [{ value: "us-1" }] });
  await producer.disconnect();
  await admin.createAcls({
    acl: [
      aclEntry(ALICE, TOPIC, ORDERS, READ),
      aclEntry(ALICE, TOPIC, ORDERS, WRITE),
      aclEntry(ALICE, GROUP, ORDERS_GROUP, READ),
      aclEntry(ALICE, TOPIC, "payments-", READ, PREFIXED),
      // CREATE where alice may create; WRITE (implying DESCRIBE) on both prefixes, so that a
      // refused creation under `ledger-` is down to CREATE alone
      aclEntry(ALICE, TOPIC, "alice-", CREATE, PREFIXED),
      aclEntry(ALICE, TOPIC, "alice-", WRITE, PREFIXED),
      aclEntry(ALICE, TOPIC, "ledger-", WRITE, PREFIXED),
      aclEntry(BOB, TOPIC, ORDERS, READ),
      aclEntry(CAROL, TOPIC, ROTATION, READ),
      aclEntry(CAROL, GROUP, CAROL_GROUP, READ),
    ],
  });
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Runs first: the per-client tests below rely on the DENY it adds.
describe("a prefixed READ and a DENY added later", () => {
  it("lets alice read payments-eu under the prefixed ALLOW until a DENY READ on it overrides the ALLOW at once", async () => {
    const read = () =>
      kcatAs(at(SASL_PLAINTEXT_SCRAM), ALICE, ["-C", "-t", PAYMENTS_EU, "-o", "beginning", "-e", "-q"]);
    const allowed = await read();
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.trim()).toBe("eu-1");

    await admin.createAcls({
      acl: [aclEntry(ALICE, TOPIC, PAYMENTS_EU, READ, { permission: AclPermissionTypes.DENY })],
    });
    const denied = await read();
    expect(denied.code).not.toBe(0);
    expect(denied.stdout).toBe("");
    expect(denied.stderr).toMatch(/Topic authorization failed/);
  });
});

describe.each(CONNECTIONS)("over $protocol with $mechanism", (connection) => {
  describe("kcat", () => {
    it("lets alice produce to orders and consume it through group orders-app", async () => {
      const values = [`kcat-${connection.tag}-1`, `kcat-${connection.tag}-2`];
      const produced = await kcatAs(at(connection), ALICE, ["-P", "-t", ORDERS], {
        input: `${values.join("\n")}\n`,
      });
      expect(produced).toMatchObject({ code: 0, stderr: "" });
      const consumed = await kcatAs(at(connection), ALICE, [
        "-G",
        ORDERS_GROUP,
        "-o",
        "beginning",
        "-e",
        "-q",
        ORDERS,
      ]);
      expect(consumed.code).toBe(0);
      expect(consumed.stdout.trim().split("\n").slice(-2)).toEqual(values);
    });

    it("refuses bob's produce to orders with TOPIC_AUTHORIZATION_FAILED", async () => {
      const result = await kcatAs(
        at(connection),
        BOB,
        ["-P", "-t", ORDERS, "-X", "message.timeout.ms=5000"],
        {
          input: "refused\n",
        },
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Topic authorization failed/);
    });

    it("refuses bob's consume through a group he may not read with GROUP_AUTHORIZATION_FAILED", async () => {
      const result = await kcatAs(at(connection), BOB, ["-G", BOB_GROUP, "-o", "beginning", "-e", ORDERS]);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/Group authorization failed/);
    });

    it("lists to bob only the topics he may describe", async () => {
      const result = await kcatAs(at(connection), BOB, ["-L", "-J"]);
      expect(result.code).toBe(0);
      const metadata = JSON.parse(result.stdout) as { topics: { topic: string }[] };
      expect(metadata.topics.map((topic) => topic.topic)).toEqual([ORDERS]);
    });

    it("auto-creates a topic for alice only under her PREFIXED CREATE grant", async () => {
      const granted = `alice-kcat-${connection.tag}`;
      const refused = `ledger-kcat-${connection.tag}`;
      const denied = await kcatAs(
        at(connection),
        ALICE,
        ["-P", "-t", refused, "-X", "message.timeout.ms=5000"],
        {
          input: "refused\n",
        },
      );
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/Topic authorization failed/);
      const created = await kcatAs(at(connection), ALICE, ["-P", "-t", granted], { input: "created\n" });
      expect(created).toMatchObject({ code: 0, stderr: "" });
      const topics = await admin.listTopics();
      expect(topics).toContain(granted);
      expect(topics).not.toContain(refused);
    });

    it("lets alice read payments-us under the prefixed READ, but not payments-eu under the DENY", async () => {
      const read = (topic: string) =>
        kcatAs(at(connection), ALICE, ["-C", "-t", topic, "-o", "beginning", "-e", "-q"]);
      const allowed = await read(PAYMENTS_US);
      expect(allowed).toMatchObject({ code: 0, stdout: "us-1\n" });
      const denied = await read(PAYMENTS_EU);
      expect(denied.code).not.toBe(0);
      expect(denied.stdout).toBe("");
      expect(denied.stderr).toMatch(/Topic authorization failed/);
    });
  });

  describe("confluent-kafka", () => {
    it("lets alice produce to orders and consume it through group orders-app", async () => {
      const last = `confluent-${connection.tag}-2`;
      const values = [`confluent-${connection.tag}-1`, last];
      const [produced, consumed] = await confluentAs(at(connection), ALICE, [
        { action: "produce", topic: ORDERS, values },
        { action: "consume", topic: ORDERS, group: ORDERS_GROUP, until: last },
      ]);
      expect(produced).toEqual({ delivered: 2 });
      expect(consumed?.error).toBeUndefined();
      expect(consumed?.values?.slice(-2)).toEqual(values);
    });

    it("refuses bob's produce with TOPIC_AUTHORIZATION_FAILED and his group with GROUP_AUTHORIZATION_FAILED", async () => {
      const [produced, consumed] = await confluentAs(at(connection), BOB, [
        { action: "produce", topic: ORDERS, values: ["refused"] },
        { action: "consume", topic: ORDERS, group: BOB_GROUP, until: "anything" },
      ]);
      expect(produced).toEqual({ error: "TOPIC_AUTHORIZATION_FAILED" });
      expect(consumed).toEqual({ error: "GROUP_AUTHORIZATION_FAILED", values: [] });
    });

    it("lists to bob only the topics he may describe", async () => {
      const [listed] = await confluentAs(at(connection), BOB, [{ action: "topics" }]);
      expect(listed).toEqual({ topics: [ORDERS] });
    });

    it("creates a topic for alice only under her PREFIXED CREATE grant", async () => {
      const granted = `alice-confluent-${connection.tag}`;
      const refused = `ledger-confluent-${connection.tag}`;
      const outcomes = await confluentAs(at(connection), ALICE, [
        { action: "create", topic: refused },
        { action: "create", topic: granted },
      ]);
      expect(outcomes).toEqual([{ error: "TOPIC_AUTHORIZATION_FAILED" }, { created: true }]);
      const topics = await admin.listTopics();
      expect(topics).toContain(granted);
      expect(topics).not.toContain(refused);
    });

    it("lets alice read payments-us under the prefixed READ, but not payments-eu under the DENY", async () => {
      const outcomes = await confluentAs(at(connection), ALICE, [
        { action: "read", topic: PAYMENTS_US, group: ORDERS_GROUP, count: 1 },
        { action: "read", topic: PAYMENTS_EU, group: ORDERS_GROUP, count: 1 },
      ]);
      expect(outcomes).toEqual([{ values: ["us-1"] }, { error: "TOPIC_AUTHORIZATION_FAILED", values: [] }]);
    });
  });

  describe("kafkajs", () => {
    it("lets alice produce to orders and consume it through group orders-app", async () => {
      const kafka = kafkajsAs(at(connection), ALICE);
      const values = [`kafkajs-${connection.tag}-1`, `kafkajs-${connection.tag}-2`];
      const producer = kafka.producer();
      await producer.connect();
      try {
        const [written] = await producer.send({
          topic: ORDERS,
          messages: values.map((value) => ({ value })),
        });
        expect(written?.errorCode).toBe(0);
      } finally {
        await producer.disconnect();
      }
      const consumed = await consumeWithKafkajs(kafka, {
        groupId: ORDERS_GROUP,
        topic: ORDERS,
        autoCommit: true,
        done: (seen) => seen.includes(values[1]!),
      });
      expect(consumed.error).toBeUndefined();
      expect(consumed.values.slice(-2)).toEqual(values);
    });

    it("refuses bob's produce to orders with TOPIC_AUTHORIZATION_FAILED", async () => {
      const producer = kafkajsAs(at(connection), BOB).producer();
      await producer.connect();
      try {
        expect(await kafkajsFailure(producer.send({ topic: ORDERS, messages: [{ value: "refused" }] }))).toBe(
          "TOPIC_AUTHORIZATION_FAILED",
        );
      } finally {
        await producer.disconnect();
      }
    });

    it("refuses bob's group with GROUP_AUTHORIZATION_FAILED, which kafkajs logs and reports as no coordinator", async () => {
      const logged: string[] = [];
      const consumed = await consumeWithKafkajs(
        kafkajsAs(at(connection), BOB, recordingKafkajsLogger(logged)),
        {
          groupId: BOB_GROUP,
          topic: ORDERS,
          autoCommit: false,
          done: () => true,
        },
      );
      expect(consumed).toEqual({ values: [], error: "KafkaJSGroupCoordinatorNotFound" });
      expect(logged).toContainEqual(
        expect.stringMatching(
          /^Response GroupCoordinator\(key: 10, version: \d+\): Not authorized to access group: Group authorization failed$/,
        ),
      );
    });

    it("lists to bob only the topics he may describe", async () => {
      const bobAdmin = kafkajsAs(at(connection), BOB).admin();
      await bobAdmin.connect();
      try {
        expect(await bobAdmin.listTopics()).toEqual([ORDERS]);
      } finally {
        await bobAdmin.disconnect();
      }
    });

    it("creates a topic for alice only under her PREFIXED CREATE grant", async () => {
      const granted = `alice-kafkajs-${connection.tag}`;
      const refused = `ledger-kafkajs-${connection.tag}`;
      const aliceAdmin = kafkajsAs(at(connection), ALICE).admin();
      await aliceAdmin.connect();
      try {
        expect(await kafkajsFailure(aliceAdmin.createTopics({ topics: [{ topic: refused }] }))).toBe(
          "TOPIC_AUTHORIZATION_FAILED",
        );
        expect(await aliceAdmin.createTopics({ topics: [{ topic: granted }] })).toBe(true);
      } finally {
        await aliceAdmin.disconnect();
      }
      const topics = await admin.listTopics();
      expect(topics).toContain(granted);
      expect(topics).not.toContain(refused);
    });

    it("lets alice read payments-us under the prefixed READ, but not payments-eu under the DENY", async () => {
      const kafka = kafkajsAs(at(connection), ALICE);
      const read = (topic: string) =>
        consumeWithKafkajs(kafka, {
          groupId: ORDERS_GROUP,
          topic,
          autoCommit: false,
          done: (seen) => seen.length > 0,
        });
      expect(await read(PAYMENTS_US)).toEqual({ values: ["us-1"] });
      expect(await read(PAYMENTS_EU)).toEqual({ values: [], error: "TOPIC_AUTHORIZATION_FAILED" });
    });
  });
});

describe("carol's password rotated while her kafkajs consumer is connected", () => {
  it("keeps the consumer consuming on its existing sessions, while new logins need the new password", async () => {
    // Every connection the consumer opens passes through here, so a reconnect would show.
    const sockets: net.Socket[] = [];
    const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
      const socket = net.connect({ host, port }, onConnect);
      sockets.push(socket);
      return socket;
    };
    const consumer = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), CAROL, { socketFactory }).consumer({
      groupId: CAROL_GROUP,
      maxWaitTimeInMs: 200,
      retry: { retries: 0, restartOnFailure: async () => false },
    });
    const values: string[] = [];
    const crashes: string[] = [];
    consumer.on(consumer.events.CRASH, ({ payload }) => void crashes.push(kafkajsErrorType(payload.error)));
    const producer = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), ADMIN).producer();
    await producer.connect();
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: ROTATION, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? ""),
      });
      await producer.send({ topic: ROTATION, messages: [{ value: "before" }] });
      await eventually(async () => (values.includes("before") ? true : undefined), 20_000);
      const socketsBefore = sockets.length;
      expect(socketsBefore).toBeGreaterThan(0);

      await setScramPasswords(ports.SASL_PLAINTEXT, ADMIN, { [CAROL.username]: CAROL_ROTATED.password });
      const canList = async (user: SaslUser) =>
        (await kcatAs(at(SASL_PLAINTEXT_SCRAM), user, ["-L", "-m", "5"])).code === 0;
      // on this broker within a few seconds (--security-refresh-ms is 200)
      await eventually(async () => ((await canList(CAROL_ROTATED)) ? true : undefined), 5_000);
      const oldLogin = await kcatAs(at(SASL_PLAINTEXT_SCRAM), CAROL, ["-L", "-m", "5"]);
      expect(oldLogin.code).not.toBe(0);
      expect(oldLogin.stderr).toContain("SASL authentication error: Authentication failed");
      const oldAdmin = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), CAROL).admin();
      await expect(oldAdmin.connect()).rejects.toMatchObject({ name: "KafkaJSSASLAuthenticationError" });
      const newAdmin = kafkajsAs(at(SASL_PLAINTEXT_SCRAM), CAROL_ROTATED).admin();
      await newAdmin.connect();
      await newAdmin.disconnect();

      await producer.send({ topic: ROTATION, messages: [{ value: "after-1" }, { value: "after-2" }] });
      await eventually(async () => (values.includes("after-2") ? true : undefined), 20_000);
      expect(values).toEqual(["before", "after-1", "after-2"]);
      expect(crashes).toEqual([]);
      // no connection closed or opened since the rotation: the consumer kept its sessions
      expect(sockets.length).toBe(socketsBefore);
      expect(sockets.filter((socket) => socket.destroyed)).toEqual([]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
