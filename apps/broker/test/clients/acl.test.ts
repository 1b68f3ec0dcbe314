// ACLs end to end with real clients: a super user creates, describes and deletes ACLs (kafkajs,
// kafka-python), then the principal under test meets them through kcat, kafkajs and raw requests:
// hidden topics, refused produce, group reads, prefixed grants, DENY over ALLOW. The principal is a
// parameter: anonymous today (the super-user phase runs the broker with --super-users
// User:ANONYMOUS, then restarts it without); authenticated users are further entries in `subjects`.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  Kafka,
  type KafkaConfig,
  logLevel,
  ResourcePatternTypes,
} from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { kcat, runCommand, runPython } from "../support/tools.js";

/** How to act as the principal under test, and as a super user beside it. */
interface AclTestSubject {
  readonly name: string;
  /** The principal the ACLs name, e.g. "User:alice". */
  readonly principal: string;
  /** Broker flags while the super user arranges topics and ACLs, and while the subject is tested; the broker restarts between the two when they differ. */
  readonly superUserPhaseArgs: readonly string[];
  readonly subjectPhaseArgs: readonly string[];
  /** kafkajs settings (e.g. `sasl`, `ssl`) of the super user and of the subject. */
  readonly superUserClient: Partial<KafkaConfig>;
  readonly subjectClient: Partial<KafkaConfig>;
  /** kcat flags (e.g. `-X security.protocol=…`) of the subject. */
  readonly subjectKcat: readonly string[];
  /** The raw test client speaks without authentication: exact error codes are checked only for such subjects. */
  readonly unauthenticated: boolean;
}

const subjects: AclTestSubject[] = [
  {
    name: "the anonymous principal",
    principal: "User:ANONYMOUS",
    superUserPhaseArgs: ["--authorizer", "acl", "--super-users", "User:ANONYMOUS"],
    subjectPhaseArgs: ["--authorizer", "acl"],
    superUserClient: {},
    subjectClient: {},
    subjectKcat: [],
    unauthenticated: true,
  },
];

const ORDERS = "acl-orders";
const SECRET = "acl-secret";
const TEAM_EVENTS = "acl-team.events";
const TEAM_FROZEN = "acl-team.frozen";
const GRANTED_GROUP = "acl-consumers";
const OTHER_GROUP = "acl-other";

function kafkaFor(broker: BrokerProcess, settings: Partial<KafkaConfig>, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    ...settings,
  });
}

/** Kafka errors kafkajs raises carry the error's name as `type`, sometimes one cause down. */
function errorType(error: unknown): string | undefined {
  const value = error as { type?: string; cause?: { type?: string }; errors?: { type?: string }[] };
  return value?.type ?? value?.cause?.type ?? value?.errors?.[0]?.type;
}

async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return errorType(error) ?? String(error);
  }
  return "no error";
}

describe.each(subjects)("ACLs for $name", (subject) => {
  let broker: BrokerProcess;

  const acl = (
    resourceType: AclResourceTypes,
    resourceName: string,
    operation: AclOperationTypes,
    options: { pattern?: ResourcePatternTypes; permission?: AclPermissionTypes; principal?: string } = {},
  ) => ({
    resourceType,
    resourceName,
    resourcePatternType: options.pattern ?? ResourcePatternTypes.LITERAL,
    principal: options.principal ?? subject.principal,
    host: "*",
    operation,
    permissionType: options.permission ?? AclPermissionTypes.ALLOW,
  });

  beforeAll(async () => {
    broker = await BrokerProcess.start({ extraArgs: [...subject.superUserPhaseArgs] });
    const admin = kafkaFor(broker, subject.superUserClient, "acl-super-user").admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [ORDERS, SECRET, TEAM_EVENTS, TEAM_FROZEN].map((topic) => ({ topic, numPartitions: 1 })),
      });
      const producer = kafkaFor(broker, subject.superUserClient, "acl-super-user-producer").producer();
      await producer.connect();
      await producer.send({ topic: TEAM_FROZEN, messages: [{ value: "frozen before" }] });
      await producer.disconnect();
      // A group the subject may not see, so that ListGroups has something to leave out.
      await admin.setOffsets({
        groupId: OTHER_GROUP,
        topic: TEAM_FROZEN,
        partitions: [{ partition: 0, offset: "1" }],
      });
      await admin.createAcls({
        acl: [
          acl(AclResourceTypes.TOPIC, ORDERS, AclOperationTypes.READ),
          acl(AclResourceTypes.TOPIC, ORDERS, AclOperationTypes.WRITE),
          acl(AclResourceTypes.TOPIC, "acl-team.", AclOperationTypes.ALL, {
            pattern: ResourcePatternTypes.PREFIXED,
          }),
          acl(AclResourceTypes.TOPIC, TEAM_FROZEN, AclOperationTypes.WRITE, {
            permission: AclPermissionTypes.DENY,
          }),
          acl(AclResourceTypes.GROUP, GRANTED_GROUP, AclOperationTypes.READ),
        ],
      });
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await broker?.stop();
  });

  describe("a super user", () => {
    let admin: Admin;
    beforeAll(async () => {
      admin = kafkaFor(broker, subject.superUserClient, "acl-super-user-admin").admin();
      await admin.connect();
    });
    afterAll(async () => {
      await admin?.disconnect();
    });

    it("describes every ACL that applies to a topic with a MATCH filter", async () => {
      const described = await admin.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: TEAM_FROZEN,
        resourcePatternType: ResourcePatternTypes.MATCH,
        principal: subject.principal,
        host: "*",
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      const resources = described.resources
        .map((resource) => ({
          name: resource.resourceName,
          pattern: resource.resourcePatternType,
          acls: resource.acls.map((entry) => [entry.operation, entry.permissionType]),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(resources).toEqual([
        {
          name: "acl-team.",
          pattern: ResourcePatternTypes.PREFIXED,
          acls: [[AclOperationTypes.ALL, AclPermissionTypes.ALLOW]],
        },
        {
          name: TEAM_FROZEN,
          pattern: ResourcePatternTypes.LITERAL,
          acls: [[AclOperationTypes.WRITE, AclPermissionTypes.DENY]],
        },
      ]);
    });

    it("filters DescribeAcls by resource type and operation", async () => {
      const groups = await admin.describeAcls({
        resourceType: AclResourceTypes.GROUP,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      expect(groups.resources.map((resource) => resource.resourceName)).toEqual([GRANTED_GROUP]);
      const denies = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.DENY,
      });
      expect(denies.resources.map((resource) => resource.resourceName)).toEqual([TEAM_FROZEN]);
    });

    it("deletes only the ACLs a DeleteAcls filter selects", async () => {
      await admin.createAcls({
        acl: [
          acl(AclResourceTypes.TOPIC, "acl-temp-a", AclOperationTypes.READ, { principal: "User:temp" }),
          acl(AclResourceTypes.TOPIC, "acl-temp-b", AclOperationTypes.READ, { principal: "User:temp" }),
        ],
      });
      const deleted = await admin.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: "acl-temp-a",
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: "User:temp",
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          },
        ],
      });
      expect(deleted.filterResponses[0]?.matchingAcls.map((entry) => entry.resourceName)).toEqual([
        "acl-temp-a",
      ]);
      const left = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        principal: "User:temp",
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      expect(left.resources.map((resource) => resource.resourceName)).toEqual(["acl-temp-b"]);
    });

    it("creates, describes and deletes ACLs through kafka-python's admin client", async () => {
      const result = await runPython<{
        created: number;
        failed: number;
        literal: { resource: string; operation: string; pattern: string }[];
        prefixed: { resource: string; operation: string; pattern: string }[];
        all: { resource: string }[];
        deleted: { resource: string }[][];
        after: { resource: string; operation: string }[];
      }>("kafka_python_acls.py", {
        bootstrap: broker.bootstrap,
        principal: "User:python",
        topic: "acl-python",
        prefix: "acl-python.",
      });
      expect(result.created).toBe(2);
      expect(result.failed).toBe(0);
      expect(result.literal).toMatchObject([
        { resource: "acl-python", operation: "READ", pattern: "LITERAL" },
      ]);
      expect(result.prefixed).toMatchObject([
        { resource: "acl-python.", operation: "WRITE", pattern: "PREFIXED" },
      ]);
      expect(result.all.map((entry) => entry.resource)).toEqual(["acl-python", "acl-python."]);
      expect(result.deleted.map((acls) => acls.map((entry) => entry.resource))).toEqual([["acl-python."]]);
      expect(result.after).toMatchObject([{ resource: "acl-python", operation: "READ" }]);
    });

    it("sees every group", async () => {
      const { groups } = await admin.listGroups();
      expect(groups.map((group) => group.groupId)).toContain(OTHER_GROUP);
    });

    it("sees every topic in kcat's metadata listing", async () => {
      const metadata = JSON.parse(await kcat(broker.bootstrap, ["-L", "-J"])) as {
        topics: { topic: string }[];
      };
      expect(metadata.topics.map((topic) => topic.topic)).toContain(SECRET);
    });
  });

  describe(`${subject.name} itself`, () => {
    let kafka: Kafka;
    let admin: Admin;

    beforeAll(async () => {
      if (subject.superUserPhaseArgs.join(" ") !== subject.subjectPhaseArgs.join(" ")) {
        await broker.stop();
        broker = await BrokerProcess.start({
          dataDir: broker.dataDir,
          databaseUrl: broker.databaseUrl,
          extraArgs: [...subject.subjectPhaseArgs],
        });
      }
      kafka = kafkaFor(broker, subject.subjectClient, "acl-subject");
      admin = kafka.admin();
      await admin.connect();
    });
    afterAll(async () => {
      await admin?.disconnect();
    });

    it("does not see topics it may not describe in kcat's metadata listing", async () => {
      const metadata = JSON.parse(await kcat(broker.bootstrap, [...subject.subjectKcat, "-L", "-J"])) as {
        topics: { topic: string }[];
      };
      const names = metadata.topics.map((topic) => topic.topic);
      expect(names).toEqual(expect.arrayContaining([ORDERS, TEAM_EVENTS, TEAM_FROZEN]));
      expect(names).not.toContain(SECRET);
    });

    it("gets TOPIC_AUTHORIZATION_FAILED for metadata of a topic it may not describe", async () => {
      expect(await failure(admin.fetchTopicMetadata({ topics: [SECRET] }))).toBe(
        "TOPIC_AUTHORIZATION_FAILED",
      );
    });

    it("cannot produce to a topic without WRITE (kafkajs and kcat)", async () => {
      const producer = kafka.producer();
      await producer.connect();
      try {
        expect(await failure(producer.send({ topic: SECRET, messages: [{ value: "no" }] }))).toBe(
          "TOPIC_AUTHORIZATION_FAILED",
        );
      } finally {
        await producer.disconnect();
      }
      const result = await runCommand(
        "kcat",
        ["-b", broker.bootstrap, ...subject.subjectKcat, "-P", "-t", SECRET, "-X", "message.timeout.ms=5000"],
        { input: "refused\n", timeoutMs: 30_000 },
      );
      expect(result.stderr).toMatch(/authoriz/i);
    });

    it("produces idempotently with WRITE on a topic and consumes it with READ on its group", async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic: ORDERS, messages: [{ key: "k", value: "granted" }] });
      await producer.disconnect();

      const consumer = kafka.consumer({
        groupId: GRANTED_GROUP,
        maxWaitTimeInMs: 200,
        heartbeatInterval: 500,
      });
      await consumer.connect();
      await consumer.subscribe({ topic: ORDERS, fromBeginning: true });
      const values: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no message within 60 s")), 60_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              values.push(message.value?.toString() ?? "");
              clearTimeout(timer);
              resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      expect(values).toEqual(["granted"]);
      const offsets = await admin.fetchOffsets({ groupId: GRANTED_GROUP, topics: [ORDERS] });
      expect(offsets[0]?.partitions[0]?.offset).toBe("1");
    });

    it("gets GROUP_AUTHORIZATION_FAILED when consuming with a group it may not read (kcat)", async () => {
      // kafkajs reports only "Failed to find group coordinator"; librdkafka names the error.
      const result = await runCommand(
        "kcat",
        ["-b", broker.bootstrap, ...subject.subjectKcat, "-G", OTHER_GROUP, "-o", "beginning", "-e", ORDERS],
        { timeoutMs: 30_000 },
      );
      expect(result.stderr).toMatch(/Group authorization failed/i);
    });

    it("writes under a PREFIXED grant, but not where a DENY overrides it, and still reads there", async () => {
      const producer = kafka.producer();
      await producer.connect();
      try {
        const [written] = await producer.send({ topic: TEAM_EVENTS, messages: [{ value: "team" }] });
        expect(written?.errorCode).toBe(0);
        expect(await failure(producer.send({ topic: TEAM_FROZEN, messages: [{ value: "no" }] }))).toBe(
          "TOPIC_AUTHORIZATION_FAILED",
        );
      } finally {
        await producer.disconnect();
      }
      const read = await kcat(broker.bootstrap, [
        ...subject.subjectKcat,
        "-C",
        "-t",
        TEAM_FROZEN,
        "-e",
        "-q",
      ]);
      expect(read.trim()).toBe("frozen before");
    });

    it("creates topics only where it holds CREATE", async () => {
      await admin.createTopics({ topics: [{ topic: "acl-team.created", numPartitions: 1 }] });
      expect(
        await failure(admin.createTopics({ topics: [{ topic: "acl-elsewhere", numPartitions: 1 }] })),
      ).toBe("TOPIC_AUTHORIZATION_FAILED");
    });

    it("may neither describe nor create ACLs without the cluster permissions", async () => {
      expect(
        await failure(
          admin.describeAcls({
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          }),
        ),
      ).toBe("CLUSTER_AUTHORIZATION_FAILED");
      expect(
        await failure(
          admin.createAcls({ acl: [acl(AclResourceTypes.TOPIC, SECRET, AclOperationTypes.ALL)] }),
        ),
      ).toBe("CLUSTER_AUTHORIZATION_FAILED");
    });

    describe.runIf(subject.unauthenticated)("exact answers", () => {
      let client: RawClient;
      beforeAll(async () => {
        client = await RawClient.connect(broker.port);
      });
      afterAll(() => client?.close());

      it("answers each resource with its authorization error", async () => {
        const metadata = await client.request(ApiKey.Metadata, 12, {
          topics: [{ name: SECRET, topicId: "00000000-0000-0000-0000-000000000000" }],
          allowAutoTopicCreation: true,
          includeTopicAuthorizedOperations: false,
        });
        expect(metadata.topics[0]?.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);

        const coordinator = await client.request(ApiKey.FindCoordinator, 4, {
          keyType: 0,
          coordinatorKeys: [OTHER_GROUP, GRANTED_GROUP],
        });
        expect(coordinator.coordinators.map((entry) => entry.errorCode)).toEqual([
          ErrorCode.GROUP_AUTHORIZATION_FAILED,
          ErrorCode.NONE,
        ]);

        const deleted = await client.request(ApiKey.DeleteTopics, 6, {
          topics: [{ name: SECRET, topicId: "00000000-0000-0000-0000-000000000000" }],
          timeoutMs: 5000,
        });
        expect(deleted.responses[0]?.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);

        const configs = await client.request(ApiKey.DescribeConfigs, 4, {
          resources: [
            { resourceType: 2, resourceName: SECRET, configurationKeys: null },
            { resourceType: 4, resourceName: String(broker.brokerId), configurationKeys: null },
            { resourceType: 2, resourceName: ORDERS, configurationKeys: null },
          ],
          includeSynonyms: false,
          includeDocumentation: false,
        });
        expect(configs.results.map((result) => result.errorCode)).toEqual([
          ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        ]);

        const initProducerId = await client.request(ApiKey.InitProducerId, 4, {
          transactionalId: "acl-transactions",
          transactionTimeoutMs: 60_000,
          producerId: -1n,
          producerEpoch: -1,
        });
        expect(initProducerId.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);

        const logDirs = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null });
        expect(logDirs.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      });

      it("answers group requests for a group it may not use with GROUP_AUTHORIZATION_FAILED", async () => {
        const described = await client.request(ApiKey.DescribeGroups, 5, {
          groups: [OTHER_GROUP, GRANTED_GROUP],
          includeAuthorizedOperations: true,
        });
        expect(described.groups.map((group) => [group.groupId, group.errorCode])).toEqual([
          [OTHER_GROUP, ErrorCode.GROUP_AUTHORIZATION_FAILED],
          [GRANTED_GROUP, ErrorCode.NONE],
        ]);
        // READ (3) and the DESCRIBE (8) it implies
        expect(described.groups[1]?.authorizedOperations).toBe((1 << 3) | (1 << 8));

        const committed = await client.request(ApiKey.OffsetCommit, 8, {
          groupId: OTHER_GROUP,
          generationIdOrMemberEpoch: -1,
          memberId: "",
          groupInstanceId: null,
          topics: [
            {
              name: ORDERS,
              partitions: [
                { partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null },
              ],
            },
          ],
        });
        expect(committed.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);

        const fetched = await client.request(ApiKey.OffsetFetch, 8, {
          groups: [
            { groupId: OTHER_GROUP, topics: null },
            { groupId: GRANTED_GROUP, topics: [{ name: SECRET, partitionIndexes: [0] }] },
          ],
          requireStable: false,
        });
        expect(fetched.groups[0]?.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        expect(fetched.groups[1]?.topics[0]?.partitions[0]?.errorCode).toBe(
          ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        );

        const deleted = await client.request(ApiKey.DeleteGroups, 2, { groupsNames: [OTHER_GROUP] });
        expect(deleted.results[0]?.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);

        const listed = await client.request(ApiKey.ListGroups, 4, { statesFilter: [] });
        expect(listed.groups.map((group) => group.groupId)).toEqual([GRANTED_GROUP]);
      });

      it("reports the authorized operations a client asks for", async () => {
        const metadata = await client.request(ApiKey.Metadata, 10, {
          topics: [{ name: ORDERS, topicId: "00000000-0000-0000-0000-000000000000" }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: true,
          includeTopicAuthorizedOperations: true,
        });
        // READ (3), WRITE (4) and the DESCRIBE (8) they imply; nothing on the cluster
        expect(metadata.topics[0]?.topicAuthorizedOperations).toBe((1 << 3) | (1 << 4) | (1 << 8));
        expect(metadata.clusterAuthorizedOperations).toBe(0);
      });
    });
  });
});
