// The Topic ownership and Security boundary items from given state, for the cases the test brokers
// cannot show: external listeners with and without TLS, certificates near expiry, a bucket in a
// region, a summary that is missing, offsets that cannot be read.
import { describe, expect, it } from "vitest";
import type { BrokerSecuritySummary, SecurityBoundary } from "../src/governance/security-boundary.js";
import { isExternalListener, isWildcardGrant } from "../src/governance/security-boundary.js";
import type { EvidenceContext } from "../src/readiness/evidence.js";
import { gatherItem } from "../src/readiness/scorecard.js";
import { securityBoundaryItem } from "../src/readiness/security-boundary.js";
import { listNames, type TopicOwnershipInput, topicOwnershipItem } from "../src/readiness/topic-ownership.js";

function broker(overrides: Partial<BrokerSecuritySummary> = {}): BrokerSecuritySummary {
  return {
    listeners: [
      {
        name: "EXTERNAL",
        securityProtocol: "SASL_SSL",
        address: "0.0.0.0:9093",
        advertised: "kafka.example.com:9093",
        encrypted: true,
        authenticates: true,
        clientCertificates: "none",
      },
    ],
    authentication: { required: true, saslMechanisms: ["SCRAM-SHA-512"] },
    authorization: { enforced: true, superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false },
    tlsCertificate: { subject: "CN=kafka.example.com", validTo: "2027-06-01T00:00:00.000Z", daysLeft: 180 },
    storage: {
      bucket: "streams",
      region: "eu-west-1",
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      embedded: false,
      encryption: "aws:kms",
    },
    database: { host: "db.internal:5432", database: "streambed" },
    ...overrides,
  };
}

function boundary(overrides: Partial<SecurityBoundary> = {}): SecurityBoundary {
  return {
    broker: broker(),
    aclsReadable: true,
    topicsReadableByEveryone: [],
    principalsWithoutAcls: [],
    wildcardGrants: [],
    topicCount: 4,
    ...overrides,
  };
}

const statusOf = (item: ReturnType<typeof securityBoundaryItem>, label: string) =>
  item.evidence.find((line) => line.label === label)?.status;

describe("Security boundary item", () => {
  it("is green with SASL_SSL on the external listener, ACLs enforced, no wildcard and the bucket's region known", () => {
    const item = securityBoundaryItem(boundary());
    expect(item.status).toBe("green");
    expect(item.evidence.find((line) => line.label === "Data residency")?.value).toBe(
      "bucket streams in region eu-west-1 (https://s3.eu-west-1.amazonaws.com); metadata in PostgreSQL at db.internal:5432 (database streambed)",
    );
    expect(statusOf(item, "TLS certificate")).toBe("green");
  });

  it("is red when an external listener is PLAINTEXT, naming it", () => {
    const plain = broker().listeners.map((listener) => ({
      ...listener,
      securityProtocol: "SASL_PLAINTEXT",
      encrypted: false,
    }));
    const item = securityBoundaryItem(boundary({ broker: broker({ listeners: plain }) }));
    expect(item.status).toBe("red");
    expect(item.evidence.find((line) => line.label === "TLS on external listeners")?.value).toBe(
      "unencrypted: EXTERNAL (kafka.example.com:9093, SASL_PLAINTEXT)",
    );
    expect(item.summary).toContain("an external listener has no TLS");
  });

  it("is amber when topics without ACLs are open to all, or the certificate expires within 30 days", () => {
    const open = securityBoundaryItem(
      boundary({
        broker: broker({
          authorization: { enforced: true, superUsers: [], allowEveryoneIfNoAclFound: true },
        }),
      }),
    );
    expect(open.status).toBe("amber");
    expect(statusOf(open, "ACLs")).toBe("amber");
    const expiring = securityBoundaryItem(
      boundary({
        broker: broker({
          tlsCertificate: { subject: "CN=k", validTo: "2026-12-10T00:00:00.000Z", daysLeft: 11 },
        }),
      }),
    );
    expect(statusOf(expiring, "TLS certificate")).toBe("amber");
    expect(expiring.summary).toBe("Partly evidenced: the TLS certificate expires soon.");
  });

  it("is red for wildcard grants and topics anyone can read", () => {
    const item = securityBoundaryItem(
      boundary({ wildcardGrants: ["User:* READ on TOPIC:*"], topicsReadableByEveryone: ["orders"] }),
    );
    expect(item.status).toBe("red");
    expect(item.evidence.find((line) => line.label === "Wildcard access")?.value).toBe(
      "1 ACL: User:* READ on TOPIC:*",
    );
    expect(item.evidence.find((line) => line.label === "Topics anyone can read")?.value).toBe(
      "1 of 4: orders",
    );
  });

  it("is amber, saying data residency is not recorded, without the brokers' summary", () => {
    const item = securityBoundaryItem(
      boundary({ broker: null, topicsReadableByEveryone: null, wildcardGrants: [] }),
    );
    expect(item.status).toBe("amber");
    expect(item.evidence.find((line) => line.label === "Data residency")?.value).toMatch(
      /^data residency not recorded/,
    );
    expect(item.summary).toContain("data residency not recorded");
  });

  it("says data residency is not recorded for a bucket with no region", () => {
    const storage = { ...broker().storage, region: "" };
    const item = securityBoundaryItem(boundary({ broker: broker({ storage }) }));
    expect(statusOf(item, "Data residency")).toBe("amber");
  });
});

describe("security boundary rules", () => {
  it("treats loopback listeners and ones named internal as not external", () => {
    expect(isExternalListener({ name: "PLAINTEXT", advertised: "127.0.0.1:9092" })).toBe(false);
    expect(isExternalListener({ name: "PLAINTEXT", advertised: "localhost:9092" })).toBe(false);
    expect(isExternalListener({ name: "PLAINTEXT", advertised: "::1:9092" })).toBe(false);
    expect(isExternalListener({ name: "INTERNAL", advertised: "10.0.0.5:9092" })).toBe(false);
    expect(isExternalListener({ name: "CLIENTS", advertised: "10.0.0.5:9092" })).toBe(true);
  });

  it("counts ALLOW grants to User:* or on a literal * resource as wildcard access, not prefixes or denials", () => {
    const base = {
      resourceType: "TOPIC" as const,
      resourceName: "orders",
      patternType: "LITERAL" as const,
      principal: "User:alice",
      host: "*",
      operation: "READ" as const,
      permission: "ALLOW" as const,
    };
    expect(isWildcardGrant({ ...base, principal: "User:*" })).toBe(true);
    expect(isWildcardGrant({ ...base, resourceName: "*" })).toBe(true);
    expect(isWildcardGrant({ ...base, resourceName: "*", permission: "DENY" })).toBe(false);
    expect(isWildcardGrant({ ...base, resourceName: "ord", patternType: "PREFIXED" })).toBe(false);
    expect(isWildcardGrant(base)).toBe(false);
  });
});

describe("Topic ownership item", () => {
  const input = (writtenTopics: ReadonlySet<string> | null): TopicOwnershipInput => ({
    state: {
      topics: [
        {
          name: "orders",
          internal: false,
          partitions: 1,
          leaderless: 0,
          retentionMs: null,
          retentionBytes: null,
          cleanupPolicy: null,
        },
        {
          name: "__consumer_offsets",
          internal: true,
          partitions: 1,
          leaderless: 0,
          retentionMs: null,
          retentionBytes: null,
          cleanupPolicy: null,
        },
      ],
      groups: [],
      ownerships: [],
      clients: [],
      findings: [
        { kind: "no-owner", severity: "warning", subject: "orders", message: "orders has no owning team" },
      ],
    },
    writtenTopics,
    offsetsError: "UNKNOWN_TOPIC_OR_PARTITION",
  });

  it("leaves internal topics out and says which topic lacks what", () => {
    const item = topicOwnershipItem(input(new Set(["orders"])));
    expect(item.evidence.find((line) => line.label === "Topics")?.value).toBe(
      "1 (internal topics not counted)",
    );
    expect(item.evidence.find((line) => line.label === "orders")?.value).toBe(
      "no owning team; no retention owner; written to, but no producer is documented",
    );
    expect(item.summary).toBe("1 of 1 topics lack an owner or have undocumented writers or readers.");
  });

  it("marks the producer check unknown (amber) when the offsets cannot be read, instead of failing", () => {
    const item = topicOwnershipItem(input(null));
    const line = item.evidence.find((entry) => entry.label === "Written to with no documented producer");
    expect(line).toMatchObject({ status: "amber" });
    expect(line?.value).toContain("UNKNOWN_TOPIC_OR_PARTITION");
  });

  it("is green with no topics at all", () => {
    const item = topicOwnershipItem({
      state: { topics: [], groups: [], ownerships: [], clients: [], findings: [] },
      writtenTopics: new Set(),
    });
    expect(item.status).toBe("green");
    expect(item.summary).toBe("There are no topics yet, so nothing is unowned or undocumented.");
  });

  it("spells out five names and counts the rest", () => {
    expect(listNames(["a", "b", "c", "d", "e", "f", "g"])).toBe("a, b, c, d, e and 2 more");
    expect(listNames([])).toBe("none");
  });
});

describe("gathering an item", () => {
  // The gatherers under test never read it.
  const context = {} as EvidenceContext;

  it("turns a gatherer that throws into a red item carrying the error", async () => {
    const item = await gatherItem(
      "observability",
      async () => {
        throw new Error("metrics endpoint refused the connection");
      },
      context,
    );
    expect(item).toMatchObject({
      key: "observability",
      title: "Observability",
      status: "red",
      fixHref: "/observability",
    });
    expect(item.evidence).toEqual([
      { label: "Error", value: "metrics endpoint refused the connection", status: "red" },
    ]);
  });

  it("turns a gatherer that never answers into a red item", async () => {
    const item = await gatherItem("cost-visibility", () => new Promise(() => {}), context, 20);
    expect(item.status).toBe("red");
    expect(item.summary).toContain("did not answer");
  });
});
