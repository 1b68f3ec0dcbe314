// The console's view of Kafka's ACL model as pure logic: which bindings cover a topic or a
// principal, and the minimal ACL set of an engine's principal.
import { describe, expect, it } from "vitest";
import {
  type AclBinding,
  coversOperation,
  engineAcls,
  patternMatches,
  principalsWithoutAcls,
  topicsReadableByEveryone,
  whatCanPrincipalDo,
  whoCanAccessTopic,
} from "../src/governance/acl-model.js";

const binding = (patch: Partial<AclBinding>): AclBinding => ({
  resourceType: "TOPIC",
  resourceName: "orders",
  patternType: "LITERAL",
  principal: "User:alice",
  host: "*",
  operation: "READ",
  permission: "ALLOW",
  ...patch,
});

describe("ACL model", () => {
  it("matches literal, wildcard and prefixed patterns", () => {
    expect(patternMatches(binding({}), "TOPIC", "orders")).toBe(true);
    expect(patternMatches(binding({}), "TOPIC", "orders-eu")).toBe(false);
    expect(patternMatches(binding({ resourceName: "*" }), "TOPIC", "anything")).toBe(true);
    expect(
      patternMatches(binding({ resourceName: "orders-", patternType: "PREFIXED" }), "TOPIC", "orders-eu"),
    ).toBe(true);
    expect(patternMatches(binding({ resourceType: "GROUP" }), "TOPIC", "orders")).toBe(false);
  });

  it("READ, WRITE, DELETE and ALTER imply DESCRIBE; ALL covers everything", () => {
    expect(coversOperation(binding({ operation: "READ" }), "DESCRIBE")).toBe(true);
    expect(coversOperation(binding({ operation: "READ", permission: "DENY" }), "DESCRIBE")).toBe(false);
    expect(coversOperation(binding({ operation: "ALL" }), "ALTER_CONFIGS")).toBe(true);
    expect(coversOperation(binding({ operation: "ALTER_CONFIGS" }), "DESCRIBE_CONFIGS")).toBe(true);
    expect(coversOperation(binding({ operation: "DESCRIBE" }), "READ")).toBe(false);
  });

  it("answers who can access a topic and what a principal can do, everyone's bindings included", () => {
    const bindings = [
      binding({}),
      binding({ principal: "User:bob", resourceName: "ord", patternType: "PREFIXED", operation: "WRITE" }),
      binding({ principal: "User:*", resourceName: "*", operation: "DESCRIBE" }),
      binding({ principal: "User:mallory", permission: "DENY" }),
      binding({ resourceType: "GROUP", resourceName: "billing" }),
    ];
    expect(
      whoCanAccessTopic("orders", bindings).map(
        (access) => `${access.permission} ${access.principal} ${access.operation}`,
      ),
    ).toEqual([
      "ALLOW User:* DESCRIBE",
      "ALLOW User:alice READ",
      "ALLOW User:bob WRITE",
      "DENY User:mallory READ",
    ]);
    expect(
      whatCanPrincipalDo("User:alice", bindings).map(
        (entry) => `${entry.resourceType}:${entry.resourceName} ${entry.operation}`,
      ),
    ).toEqual(["GROUP:billing READ", "TOPIC:* DESCRIBE", "TOPIC:orders READ"]);
  });
});

describe("per-engine principals", () => {
  const names = (acls: AclBinding[]) =>
    acls.map(
      (acl) =>
        `${acl.operation} ${acl.resourceType}:${acl.resourceName}${acl.patternType === "PREFIXED" ? "*" : ""}`,
    );

  it("a Flink job reading two topics, committing a group and writing exactly-once", () => {
    expect(
      names(
        engineAcls({
          principal: "User:flink-fraud",
          engine: "flink",
          reads: ["payments", "clicks"],
          writes: ["alerts"],
          group: "fraud-detector",
          transactionalIdPrefix: "fraud-detector-",
        }),
      ),
    ).toEqual([
      "READ TOPIC:payments",
      "READ TOPIC:clicks",
      "WRITE TOPIC:alerts",
      "IDEMPOTENT_WRITE CLUSTER:kafka-cluster",
      "READ GROUP:fraud-detector",
      "WRITE TRANSACTIONAL_ID:fraud-detector-*",
      "DESCRIBE TRANSACTIONAL_ID:fraud-detector-*",
    ]);
  });

  it("Kafka Streams gets its application id's group and internal topics", () => {
    const acls = names(
      engineAcls({
        principal: "User:streams",
        engine: "kafka-streams",
        reads: ["in"],
        writes: [],
        group: "enricher",
      }),
    );
    expect(acls).toContain("READ GROUP:enricher");
    expect(acls).toContain("CREATE TOPIC:enricher-*");
    expect(acls).not.toContain("IDEMPOTENT_WRITE CLUSTER:kafka-cluster");
  });

  it("Spark reads with its generated group names", () => {
    expect(
      names(engineAcls({ principal: "User:spark", engine: "spark", reads: ["in"], writes: [] })),
    ).toEqual(["READ TOPIC:in", "READ GROUP:spark-kafka-source-*"]);
  });
});

describe("security boundary facts", () => {
  it("every topic is readable by everyone when ACLs are not enforced", () => {
    expect(
      topicsReadableByEveryone(["a", "b"], [], { enforced: false, allowEveryoneIfNoAclFound: false }),
    ).toEqual(["a", "b"]);
  });
  it("with ACLs: User:* READ grants, a DENY for everyone takes it back, and unnamed topics follow the fallback", () => {
    const bindings = [
      binding({ principal: "User:*", resourceName: "public-", patternType: "PREFIXED" }),
      binding({ principal: "User:*", resourceName: "public-secret", permission: "DENY" }),
      binding({ principal: "User:alice", resourceName: "orders" }),
    ];
    const topics = ["public-news", "public-secret", "orders", "unnamed"];
    expect(
      topicsReadableByEveryone(topics, bindings, { enforced: true, allowEveryoneIfNoAclFound: false }),
    ).toEqual(["public-news"]);
    expect(
      topicsReadableByEveryone(topics, bindings, { enforced: true, allowEveryoneIfNoAclFound: true }),
    ).toEqual(["public-news", "unnamed"]);
  });
  it("lists principals no ACL names, super users aside", () => {
    expect(
      principalsWithoutAcls(["User:alice", "User:bob", "User:admin"], [binding({})], ["User:admin"]),
    ).toEqual(["User:bob"]);
  });
});
