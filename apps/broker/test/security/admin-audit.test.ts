// The admin audit log: a real broker records each successful admin API change in audit_events of its
// metadata database (read back with pg), as the anonymous principal on PLAINTEXT and as a SASL user;
// and the writer on its own logs, instead of failing, an insert PostgreSQL refuses or has no room for.
import { Writable } from "node:stream";
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ConfigResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from "kafkajs";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminAuditLog } from "../../src/security/admin-audit.js";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { kafkajsAs, type SaslUser } from "../support/sasl-clients.js";
import { setScramPasswords } from "../support/scram-users.js";

interface AuditRow {
  id: string;
  actor: string;
  action: string;
  cluster_id: string | null;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Reads audit_events rows newer than the last call's, oldest first. */
function auditReader(databaseUrl: string): () => Promise<AuditRow[]> {
  let lastId = 0n;
  return async () => {
    const database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();
    try {
      const { rows } = await database.query<AuditRow>(
        "SELECT id::text, actor, action, cluster_id, target, before, after FROM audit_events WHERE id > $1 ORDER BY audit_events.id",
        [lastId.toString()],
      );
      const last = rows.at(-1);
      if (last) lastId = BigInt(last.id);
      return rows;
    } finally {
      await database.end();
    }
  };
}

const summary = (rows: AuditRow[]) => rows.map((row) => [row.actor, row.action, row.target]);

describe("on a PLAINTEXT listener, as User:ANONYMOUS", () => {
  const ORDERS = "audit-orders";
  let broker: BrokerProcess;
  let admin: Admin;
  let kafka: Kafka;
  let newRows: () => Promise<AuditRow[]>;

  beforeAll(async () => {
    broker = await BrokerProcess.start({
      extraArgs: ["--authorizer", "acl", "--super-users", "User:ANONYMOUS"],
    });
    kafka = new Kafka({
      clientId: "admin-audit-test",
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    admin = kafka.admin();
    await admin.connect();
    newRows = auditReader(broker.databaseUrl);
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it("records a created topic with its partitions and configs, the client's host and the broker", async () => {
    await admin.createTopics({
      topics: [
        { topic: ORDERS, numPartitions: 1, configEntries: [{ name: "retention.ms", value: "3600000" }] },
      ],
    });
    const rows = await newRows();
    expect(summary(rows)).toEqual([["User:ANONYMOUS", "kafka.topic.create", `topic:${ORDERS}`]]);
    const [row] = rows;
    expect(row?.cluster_id).toBeNull();
    expect(row?.before).toBeNull();
    expect(row?.after).toMatchObject({
      partitions: 1,
      configs: { "retention.ms": "3600000" },
      brokerId: broker.brokerId,
    });
    expect(row?.after?.topicId).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.after?.clientHost).toContain("127.0.0.1");
  });

  it("writes no row for a topic that already exists, and one for the topic created beside it", async () => {
    await admin.createTopics({ topics: [{ topic: ORDERS, numPartitions: 1 }] });
    expect(await newRows()).toEqual([]);

    await admin.createTopics({
      topics: [
        { topic: ORDERS, numPartitions: 1 },
        { topic: "audit-payments", numPartitions: 2 },
      ],
    });
    expect(summary(await newRows())).toEqual([
      ["User:ANONYMOUS", "kafka.topic.create", "topic:audit-payments"],
    ]);
  });

  it("records a config change with the old and new values of the changed keys", async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: ORDERS,
          configEntries: [
            { name: "retention.ms", value: "7200000" },
            { name: "cleanup.policy", value: "delete" },
          ],
        },
      ],
    });
    const rows = await newRows();
    expect(summary(rows)).toEqual([["User:ANONYMOUS", "kafka.configs.alter", `topic:${ORDERS}`]]);
    expect(rows[0]?.before).toEqual({ configs: { "retention.ms": "3600000", "cleanup.policy": null } });
    expect(rows[0]?.after).toMatchObject({
      configs: { "retention.ms": "7200000", "cleanup.policy": "delete" },
    });
  });

  it("records an incremental config change (a DELETE puts the default back: new value null)", async () => {
    const client = await RawClient.connect(broker.port);
    try {
      const response = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: ORDERS,
            configs: [{ name: "cleanup.policy", configOperation: 1, value: null }],
          },
        ],
        validateOnly: false,
      });
      expect(response.responses.map((resource) => resource.errorCode)).toEqual([ErrorCode.NONE]);
    } finally {
      client.close();
    }
    const rows = await newRows();
    expect(summary(rows)).toEqual([["User:ANONYMOUS", "kafka.configs.alter", `topic:${ORDERS}`]]);
    expect(rows[0]?.before).toEqual({ configs: { "cleanup.policy": "delete" } });
    expect(rows[0]?.after).toMatchObject({ configs: { "cleanup.policy": null } });
  });

  it("writes no row for a validate-only change", async () => {
    await admin.alterConfigs({
      validateOnly: true,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: ORDERS,
          configEntries: [{ name: "retention.ms", value: "1" }],
        },
      ],
    });
    expect(await newRows()).toEqual([]);
  });

  it("records new partitions, deleted records, ACLs, deleted offsets, a deleted group and a deleted topic, in order", async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: ORDERS, count: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: ORDERS,
      messages: [0, 1, 2, 3].map((value) => ({ value: String(value), partition: 0 })),
    });
    await producer.disconnect();
    await admin.deleteTopicRecords({ topic: ORDERS, partitions: [{ partition: 0, offset: "2" }] });
    const acl = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: ORDERS,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: "User:alice",
      host: "*",
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    };
    await admin.createAcls({ acl: [acl] });
    await admin.deleteAcls({ filters: [acl] });
    await admin.setOffsets({
      groupId: "audit-group",
      topic: ORDERS,
      partitions: [
        { partition: 0, offset: "3" },
        { partition: 1, offset: "0" },
      ],
    });
    const client = await RawClient.connect(broker.port);
    try {
      const response = await client.request(ApiKey.OffsetDelete, 0, {
        groupId: "audit-group",
        topics: [{ name: ORDERS, partitions: [{ partitionIndex: 0 }] }],
      });
      expect(response.errorCode).toBe(ErrorCode.NONE);
    } finally {
      client.close();
    }
    await admin.deleteGroups(["audit-group"]);
    await admin.deleteTopics({ topics: [ORDERS] });

    const rows = await newRows();
    expect(summary(rows)).toEqual([
      ["User:ANONYMOUS", "kafka.partitions.create", `topic:${ORDERS}`],
      ["User:ANONYMOUS", "kafka.records.delete", `topic:${ORDERS}`],
      ["User:ANONYMOUS", "kafka.acl.create", "principal:User:alice"],
      ["User:ANONYMOUS", "kafka.acl.delete", "principal:User:alice"],
      ["User:ANONYMOUS", "kafka.offsets.delete", "group:audit-group"],
      ["User:ANONYMOUS", "kafka.group.delete", "group:audit-group"],
      ["User:ANONYMOUS", "kafka.topic.delete", `topic:${ORDERS}`],
    ]);
    const [partitions, records, aclCreated, aclDeleted, offsetsDeleted, , topicDeleted] = rows;
    expect(partitions?.before).toEqual({ partitions: 1 });
    expect(partitions?.after).toMatchObject({ partitions: 3 });
    expect(records?.after).toMatchObject({
      partitions: [{ partition: 0, offset: "2", logStartOffset: "2" }],
    });
    const binding = {
      resourceType: "TOPIC",
      resourceName: ORDERS,
      patternType: "LITERAL",
      principal: "User:alice",
      host: "*",
      operation: "READ",
      permissionType: "ALLOW",
    };
    expect(aclCreated?.after).toMatchObject({ acl: binding });
    expect(aclDeleted?.before).toEqual({ acl: binding });
    expect(offsetsDeleted?.before).toEqual({ topics: [{ topic: ORDERS, partitions: [0] }] });
    expect(topicDeleted?.before).toMatchObject({ partitions: 3 });
  });
});

describe("on a SASL_PLAINTEXT listener", () => {
  const ADMIN: SaslUser = { username: "admin", password: "admin-Secret-1" };
  let broker: BrokerProcess;
  let newRows: () => Promise<AuditRow[]>;

  beforeAll(async () => {
    const port = await freePort();
    broker = await BrokerProcess.start({
      port,
      extraArgs: [
        "--listeners",
        `SASL_PLAINTEXT://127.0.0.1:${port}`,
        "--super-users",
        `User:${ADMIN.username}`,
      ],
      env: { STREAMBED_BOOTSTRAP_USER: `${ADMIN.username}:${ADMIN.password}` },
    });
    newRows = auditReader(broker.databaseUrl);
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it("records the logged-in user as the actor and SCRAM changes by user and mechanism, without password material", async () => {
    await setScramPasswords(broker.port, ADMIN, { alice: "alice-Secret-1" });
    const admin = kafkajsAs(
      { protocol: "SASL_PLAINTEXT", mechanism: "SCRAM-SHA-512", bootstrap: broker.bootstrap },
      ADMIN,
    ).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: "audit-sasl", numPartitions: 1 }] });
    } finally {
      await admin.disconnect();
    }

    const rows = await newRows();
    expect(summary(rows)).toEqual([
      ["User:admin", "kafka.scram.alter", "principal:User:alice"],
      ["User:admin", "kafka.topic.create", "topic:audit-sasl"],
    ]);
    const scram = rows[0];
    expect(scram?.before).toBeNull();
    expect(scram?.after).toEqual({
      upserted: ["SCRAM-SHA-256", "SCRAM-SHA-512"],
      deleted: [],
      clientHost: expect.stringContaining("127.0.0.1"),
      brokerId: broker.brokerId,
    });
  });
});

describe("AdminAuditLog", () => {
  /** A pino logger whose entries land in `entries`. */
  function recordingLogger(entries: Record<string, unknown>[]) {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        entries.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    return pino({ level: "info" }, destination);
  }

  const change = { action: "kafka.topic.delete", target: "topic:orders", before: { partitions: 3 } } as const;

  it("logs an insert PostgreSQL refuses, with the row, and resolves", async () => {
    const entries: Record<string, unknown>[] = [];
    const auditLog = new AdminAuditLog(
      { auditEvent: { create: () => Promise.reject(new Error("connection refused")) } } as never,
      recordingLogger(entries),
      { brokerId: 7 },
    );
    await expect(auditLog.record("User:alice", "10.0.0.1", change)).resolves.toBeUndefined();
    expect(auditLog.pendingInserts).toBe(0);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      msg: "could not store an admin change in audit_events",
      err: { message: "connection refused" },
      audit: {
        actor: "User:alice",
        action: "kafka.topic.delete",
        target: "topic:orders",
        before: { partitions: 3 },
        after: { clientHost: "10.0.0.1", brokerId: 7 },
      },
    });
  });

  it("logs a change instead of queueing it when maxPending inserts wait on PostgreSQL", async () => {
    const entries: Record<string, unknown>[] = [];
    const inserted: unknown[] = [];
    let release = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const auditLog = new AdminAuditLog(
      {
        auditEvent: {
          create: async (args: { data: unknown }) => {
            await stalled;
            inserted.push(args.data);
          },
        },
      } as never,
      recordingLogger(entries),
      { brokerId: 1, maxPending: 2 },
    );
    const waiting = [auditLog.record("User:a", "h", change), auditLog.record("User:b", "h", change)];
    expect(auditLog.pendingInserts).toBe(2);
    await auditLog.record("User:c", "h", change); // resolves although the two before it still wait
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 40, audit: { actor: "User:c" }, pendingInserts: 2 });

    release();
    await Promise.all(waiting);
    expect(inserted).toHaveLength(2);
    expect(auditLog.pendingInserts).toBe(0);
  });
});
