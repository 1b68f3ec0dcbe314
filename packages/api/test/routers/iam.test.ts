// The IAM router against a broker that authenticates and authorizes: the console logs in to it with
// SCRAM-SHA-512 (its password from the environment variable the cluster row names), manages SCRAM
// users and ACLs through the Kafka admin protocol, and answers the access questions from them.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";
import { type SecuredBroker, startSecuredBroker } from "../support/secured-broker.js";

const run = Date.now().toString(36);

let context: ConsoleTestContext;
let broker: SecuredBroker;
let clusterId = "";

beforeAll(async () => {
  context = await consoleTestContext();
  broker = await startSecuredBroker("iam");
  process.env.IAM_TEST_KAFKA_PASSWORD = broker.adminPassword;
  const cluster = await context.caller().clusters.create({
    name: "secured",
    environment: "production",
    bootstrap: broker.bootstrap,
    saslMechanism: "SCRAM-SHA-512",
    saslUsername: "admin",
    saslPasswordEnv: "IAM_TEST_KAFKA_PASSWORD",
    httpEndpoint: broker.httpEndpoint,
    tls: false,
  });
  clusterId = cluster.id;
});

afterAll(async () => {
  await broker?.stop();
  await context?.close();
});

const onSecured = (role: "admin" | "viewer" = "admin") =>
  context.caller(`${role}@example.com`, clusterId, role);

describe("iam router", () => {
  it("logs in with SASL to read the cluster, and creates a topic over it", async () => {
    const team = await onSecured().ownership.createTeam({ name: `iam-${run}` });
    await onSecured().topics.create({
      name: "orders",
      partitions: 1,
      retentionMs: 86_400_000,
      cleanupPolicy: "delete",
      ownerTeamId: team.id,
    });
    expect((await onSecured().topics.list()).map((topic) => topic.name)).toContain("orders");
    const page = await onSecured().messages.browse({
      topic: "orders",
      partition: 0,
      from: { kind: "earliest" },
    });
    expect(page.messages).toEqual([]);
  });

  it("creates and rotates a SCRAM user whose password then works for a real client", async () => {
    expect(
      (await onSecured().iam.setScramPassword({ user: "alice", password: "alice first password" })).created,
    ).toBe(true);
    const users = await onSecured().iam.scramUsers();
    expect(
      users
        .find((user) => user.user === "alice")
        ?.credentials.map((credential) => credential.mechanism)
        .sort(),
    ).toEqual(["SCRAM-SHA-256", "SCRAM-SHA-512"]);
    expect(
      (await onSecured().iam.setScramPassword({ user: "alice", password: "alice second password" })).created,
    ).toBe(false);
    const login = async (password: string) => {
      const admin = new Kafka({
        brokers: [broker.bootstrap],
        logLevel: logLevel.NOTHING,
        sasl: { mechanism: "scram-sha-256", username: "alice", password },
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        return "accepted";
      } catch (error) {
        return (error as Error).name;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    };
    expect(await login("alice second password")).toBe("accepted");
    expect(await login("alice first password")).toBe("KafkaJSSASLAuthenticationError");
    const events = await onSecured().audit.list({ target: "principal:User:alice" });
    expect(events.map((event) => event.action)).toEqual(["scram.user.rotate", "scram.user.create"]);
    expect(JSON.stringify(events)).not.toContain("alice second password");
  });

  it("creates ACLs, lists them, and answers who can access a topic and what a principal can do", async () => {
    await onSecured().iam.createAcl({
      resourceType: "TOPIC",
      resourceName: "orders",
      patternType: "LITERAL",
      principal: "User:alice",
      host: "*",
      operation: "READ",
      permission: "ALLOW",
    });
    await onSecured().iam.createAcl({
      resourceType: "TOPIC",
      resourceName: "ord",
      patternType: "PREFIXED",
      principal: "User:mallory",
      host: "*",
      operation: "ALL",
      permission: "DENY",
    });
    const acls = await onSecured().iam.acls({ principal: "User:alice" });
    expect(acls).toEqual([
      expect.objectContaining({ resourceName: "orders", operation: "READ", permission: "ALLOW" }),
    ]);
    const access = await onSecured().iam.whoCanAccessTopic({ topic: "orders" });
    expect(access.map((entry) => `${entry.permission} ${entry.principal} ${entry.operation}`)).toEqual([
      "ALLOW User:alice READ",
      "DENY User:mallory ALL",
    ]);
    const can = await onSecured().iam.principalAccess({ principal: "User:alice" });
    expect(can.map((entry) => `${entry.resourceType}:${entry.resourceName} ${entry.operation}`)).toEqual([
      "TOPIC:orders READ",
    ]);
  });

  it("the engine wizard previews the minimal set, creates only what is missing, and deletes cleanly", async () => {
    const spec = {
      principal: "User:alice",
      engine: "flink" as const,
      reads: ["orders"],
      writes: ["alerts"],
      group: "fraud",
    };
    const preview = await onSecured().iam.engineAcls(spec);
    expect(preview.map((entry) => [entry.description, entry.exists])).toEqual([
      ["ALLOW User:alice READ TOPIC:orders", true],
      ["ALLOW User:alice WRITE TOPIC:alerts", false],
      ["ALLOW User:alice IDEMPOTENT_WRITE CLUSTER:kafka-cluster", false],
      ["ALLOW User:alice READ GROUP:fraud", false],
    ]);
    expect((await onSecured().iam.applyEngineAcls(spec)).created).toBe(3);
    expect((await onSecured().iam.engineAcls(spec)).every((entry) => entry.exists)).toBe(true);
    const [first] = await onSecured().iam.acls({ principal: "User:alice" });
    if (!first) throw new Error("no ACL to delete");
    await onSecured().iam.deleteAcl(first);
    expect((await refusal(onSecured().iam.deleteAcl(first))).code).toBe("NOT_FOUND");
  });

  it("summarises the security boundary from the broker and the ACLs", async () => {
    await onSecured().iam.setScramPassword({ user: "idle", password: "a user with no acls" });
    const boundary = await onSecured().iam.boundary();
    expect(boundary.broker).toMatchObject({
      listeners: [
        expect.objectContaining({
          securityProtocol: "SASL_PLAINTEXT",
          encrypted: false,
          authenticates: true,
        }),
      ],
      authentication: { required: true },
      authorization: { enforced: true, superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false },
      tlsCertificate: null,
      database: { database: broker.database },
    });
    expect(JSON.stringify(boundary.broker)).not.toContain(broker.adminPassword);
    expect(boundary.principalsWithoutAcls).toContain("User:idle");
    expect(boundary.principalsWithoutAcls).not.toContain("User:admin");
    expect(boundary.topicsReadableByEveryone).toEqual([]);
  });

  it("refuses bad input, and viewers' changes", async () => {
    const badPrincipal = await refusal(
      onSecured().iam.createAcl({
        resourceType: "TOPIC",
        resourceName: "orders",
        patternType: "LITERAL",
        principal: "alice",
        host: "*",
        operation: "READ",
        permission: "ALLOW",
      }),
    );
    expect(badPrincipal.message).toContain("a principal like User:alice");
    const badCluster = await refusal(
      onSecured().iam.createAcl({
        resourceType: "CLUSTER",
        resourceName: "prod",
        patternType: "LITERAL",
        principal: "User:alice",
        host: "*",
        operation: "ALTER",
        permission: "ALLOW",
      }),
    );
    expect(badCluster.message).toContain("kafka-cluster");
    expect(
      (await refusal(onSecured().iam.setScramPassword({ user: "bob", password: "short" }))).message,
    ).toContain("at least 12");
    expect(
      (
        await refusal(
          onSecured("viewer").iam.setScramPassword({ user: "bob", password: "long enough password" }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await refusal(onSecured().iam.deleteScramUser({ user: "nobody" }))).code).toBe("NOT_FOUND");
  });

  it("a wrong SASL password makes the cluster unavailable with the broker's reason", async () => {
    process.env.IAM_TEST_KAFKA_PASSWORD = "not the password";
    await context.db.consoleCluster.update({ where: { id: clusterId }, data: { updatedAt: new Date() } });
    const refused = await refusal(onSecured().iam.scramUsers());
    process.env.IAM_TEST_KAFKA_PASSWORD = broker.adminPassword;
    expect(refused.code).toBe("SERVICE_UNAVAILABLE");
    expect(refused.message).toMatch(/SASL_AUTHENTICATION_FAILED|refused the login/);
  });
});
