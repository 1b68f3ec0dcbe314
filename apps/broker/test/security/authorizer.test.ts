// The authorizer's decisions with Kafka's semantics: implied operations, literal, wildcard and
// prefixed patterns, DENY over ALLOW, wildcard principal and host, super users, and
// allow.everyone.if.no.acl.found; plus the auto mode and the cached wrapper's reload.
import { describe, expect, it } from "vitest";
import { BrokerConfigSchema } from "../../src/config.js";
import type { AclBinding, AclOperation } from "../../src/security/acl.js";
import type { AclSnapshot, AclStore } from "../../src/security/acl-store.js";
import { AclAuthorizer, BrokerAuthorizer, resolveAuthorizer } from "../../src/security/authorizer.js";

const ALICE = "User:alice";
const BOB = "User:bob";
const HOST = "10.0.0.1";

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: "TOPIC",
    resourceName: "orders",
    patternType: "LITERAL",
    principal: ALICE,
    host: "*",
    operation: "READ",
    permissionType: "ALLOW",
    ...overrides,
  };
}

function authorizer(
  bindings: AclBinding[],
  options: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {},
): AclAuthorizer {
  return new AclAuthorizer(bindings, {
    superUsers: new Set(options.superUsers ?? []),
    allowEveryoneIfNoAclFound: options.allowEveryoneIfNoAclFound ?? false,
  });
}

function may(
  decider: AclAuthorizer,
  operation: AclOperation,
  resourceName = "orders",
  principal = ALICE,
  host = HOST,
  resourceType: AclBinding["resourceType"] = "TOPIC",
): boolean {
  return decider.authorize({ principal, host, operation, resourceType, resourceName });
}

describe("AclAuthorizer", () => {
  it("allows only what a matching ALLOW binding grants", () => {
    const decider = authorizer([acl({ operation: "READ" })]);
    expect(may(decider, "READ")).toBe(true);
    expect(may(decider, "WRITE")).toBe(false);
    expect(may(decider, "READ", "payments")).toBe(false);
    expect(may(decider, "READ", "orders", BOB)).toBe(false);
  });

  it("lets READ, WRITE, DELETE and ALTER imply DESCRIBE, and ALTER_CONFIGS imply DESCRIBE_CONFIGS", () => {
    for (const operation of ["READ", "WRITE", "DELETE", "ALTER"] as const) {
      expect(may(authorizer([acl({ operation })]), "DESCRIBE")).toBe(true);
    }
    expect(may(authorizer([acl({ operation: "CREATE" })]), "DESCRIBE")).toBe(false);
    expect(may(authorizer([acl({ operation: "ALTER_CONFIGS" })]), "DESCRIBE_CONFIGS")).toBe(true);
    expect(may(authorizer([acl({ operation: "DESCRIBE_CONFIGS" })]), "ALTER_CONFIGS")).toBe(false);
    expect(may(authorizer([acl({ operation: "DESCRIBE" })]), "READ")).toBe(false);
  });

  it("lets ALL allow every operation", () => {
    const decider = authorizer([acl({ operation: "ALL" })]);
    for (const operation of [
      "READ",
      "WRITE",
      "CREATE",
      "DELETE",
      "ALTER",
      "DESCRIBE",
      "ALTER_CONFIGS",
    ] as const)
      expect(may(decider, operation)).toBe(true);
  });

  it("matches a PREFIXED pattern on names starting with it, and a LITERAL one only on its name", () => {
    const prefixed = authorizer([acl({ resourceName: "orders.", patternType: "PREFIXED" })]);
    expect(may(prefixed, "READ", "orders.eu")).toBe(true);
    expect(may(prefixed, "READ", "orders.")).toBe(true);
    expect(may(prefixed, "READ", "orders")).toBe(false);
    expect(may(prefixed, "READ", "shipments.orders.eu")).toBe(false);
    const literal = authorizer([acl({ resourceName: "orders." })]);
    expect(may(literal, "READ", "orders.eu")).toBe(false);
  });

  it("matches the LITERAL name * on every resource of its type, and no other type", () => {
    const decider = authorizer([acl({ resourceName: "*" })]);
    expect(may(decider, "READ", "anything")).toBe(true);
    expect(may(decider, "READ", "anything", ALICE, HOST, "GROUP")).toBe(false);
  });

  it("lets a DENY binding win over any ALLOW binding", () => {
    const decider = authorizer([
      acl({ resourceName: "*", operation: "ALL" }),
      acl({ resourceName: "secret.", patternType: "PREFIXED", operation: "READ", permissionType: "DENY" }),
    ]);
    expect(may(decider, "READ", "secret.salaries")).toBe(false);
    expect(may(decider, "WRITE", "secret.salaries")).toBe(true);
    expect(may(decider, "READ", "public")).toBe(true);
  });

  it("does not let a DENY of READ deny the DESCRIBE it would imply, but a DENY of ALL denies everything", () => {
    const denyRead = authorizer([
      acl({ operation: "DESCRIBE" }),
      acl({ operation: "READ", permissionType: "DENY" }),
    ]);
    expect(may(denyRead, "DESCRIBE")).toBe(true);
    expect(may(denyRead, "READ")).toBe(false);
    const denyAll = authorizer([
      acl({ operation: "DESCRIBE" }),
      acl({ operation: "ALL", permissionType: "DENY" }),
    ]);
    expect(may(denyAll, "DESCRIBE")).toBe(false);
  });

  it("applies bindings for the wildcard principal User:* to everyone", () => {
    const decider = authorizer([
      acl({ principal: "User:*", operation: "READ" }),
      acl({ principal: "User:*", operation: "WRITE", permissionType: "DENY" }),
      acl({ principal: BOB, operation: "WRITE" }),
    ]);
    expect(may(decider, "READ", "orders", BOB)).toBe(true);
    expect(may(decider, "WRITE", "orders", BOB)).toBe(false);
  });

  it("applies a binding only from its host unless the host is *", () => {
    const decider = authorizer([acl({ host: "10.0.0.1" })]);
    expect(may(decider, "READ", "orders", ALICE, "10.0.0.1")).toBe(true);
    expect(may(decider, "READ", "orders", ALICE, "10.0.0.2")).toBe(false);
    const denyFromHost = authorizer([acl({}), acl({ host: "10.0.0.9", permissionType: "DENY" })]);
    expect(may(denyFromHost, "READ", "orders", ALICE, "10.0.0.1")).toBe(true);
    expect(may(denyFromHost, "READ", "orders", ALICE, "10.0.0.9")).toBe(false);
  });

  it("allows super users everything, even what a DENY binding names", () => {
    const decider = authorizer([acl({ principal: "User:admin", operation: "ALL", permissionType: "DENY" })], {
      superUsers: ["User:admin"],
    });
    expect(may(decider, "DELETE", "orders", "User:admin")).toBe(true);
    expect(may(decider, "ALTER", "kafka-cluster", "User:admin", HOST, "CLUSTER")).toBe(true);
    expect(may(decider, "DELETE", "orders", ALICE)).toBe(false);
  });

  it("allows everyone on a resource without any ACL only when allow.everyone.if.no.acl.found is set", () => {
    const bindings = [acl({ resourceName: "orders" })];
    expect(may(authorizer(bindings), "READ", "payments")).toBe(false);
    expect(may(authorizer(bindings, { allowEveryoneIfNoAclFound: true }), "READ", "payments")).toBe(true);
    expect(
      may(
        authorizer([], { allowEveryoneIfNoAclFound: true }),
        "ALTER",
        "kafka-cluster",
        ALICE,
        HOST,
        "CLUSTER",
      ),
    ).toBe(true);
  });

  it("refuses a resource whose only ACLs are DENY bindings for someone else, even with allow.everyone.if.no.acl.found", () => {
    const bindings = [acl({ principal: BOB, operation: "ALL", permissionType: "DENY" })];
    expect(may(authorizer(bindings), "READ")).toBe(false);
    expect(may(authorizer(bindings, { allowEveryoneIfNoAclFound: true }), "READ")).toBe(false);
    expect(may(authorizer(bindings, { allowEveryoneIfNoAclFound: true }), "READ", "payments")).toBe(true);
  });

  it("counts a prefixed ACL covering the resource as an ACL found", () => {
    const bindings = [acl({ resourceName: "ord", patternType: "PREFIXED", principal: BOB })];
    expect(may(authorizer(bindings, { allowEveryoneIfNoAclFound: true }), "READ", "orders")).toBe(false);
  });

  it("authorizes by resource type when some ALLOW pattern is not covered by a DENY", () => {
    const literal = authorizer([acl({ operation: "WRITE" })]);
    expect(literal.authorizeByResourceType(ALICE, HOST, "WRITE", "TOPIC")).toBe(true);
    expect(literal.authorizeByResourceType(BOB, HOST, "WRITE", "TOPIC")).toBe(false);
    expect(literal.authorizeByResourceType(ALICE, HOST, "READ", "TOPIC")).toBe(false);
    const deniedByPrefix = authorizer([
      acl({ resourceName: "orders.eu", operation: "WRITE" }),
      acl({ resourceName: "orders.", patternType: "PREFIXED", operation: "WRITE", permissionType: "DENY" }),
    ]);
    expect(deniedByPrefix.authorizeByResourceType(ALICE, HOST, "WRITE", "TOPIC")).toBe(false);
    const deniedEverywhere = authorizer([
      acl({ operation: "WRITE" }),
      acl({ resourceName: "*", operation: "WRITE", permissionType: "DENY" }),
    ]);
    expect(deniedEverywhere.authorizeByResourceType(ALICE, HOST, "WRITE", "TOPIC")).toBe(false);
    expect(
      authorizer([], { superUsers: [ALICE] }).authorizeByResourceType(ALICE, HOST, "WRITE", "TOPIC"),
    ).toBe(true);
  });

  it("reports authorized operations as Kafka's bit set of operation codes", () => {
    const decider = authorizer([acl({ operation: "READ" })]);
    // READ (3) and the DESCRIBE (8) it implies
    expect(decider.authorizedOperations(ALICE, HOST, "TOPIC", "orders")).toBe((1 << 3) | (1 << 8));
    expect(decider.authorizedOperations(BOB, HOST, "TOPIC", "orders")).toBe(0);
  });
});

describe("resolveAuthorizer", () => {
  const config = (options: Record<string, string>) => BrokerConfigSchema.parse(options);

  it("uses acl or none as configured", () => {
    expect(resolveAuthorizer(config({ authorizer: "acl" }))).toBe("acl");
    expect(resolveAuthorizer(config({ authorizer: "none", listeners: "SASL_SSL://0.0.0.0:9093" }))).toBe(
      "none",
    );
  });

  it("resolves auto to acl when a listener authenticates clients", () => {
    expect(resolveAuthorizer(config({}))).toBe("none");
    expect(resolveAuthorizer(config({ listeners: "PLAINTEXT://127.0.0.1:9092" }))).toBe("none");
    expect(resolveAuthorizer(config({ listeners: "PLAINTEXT://a:1,SASL_PLAINTEXT://a:2" }))).toBe("acl");
    expect(resolveAuthorizer(config({ listeners: "SSL://a:1" }))).toBe("none");
    expect(resolveAuthorizer(config({ listeners: "SSL://a:1", tlsClientAuth: "required" }))).toBe("acl");
    expect(
      resolveAuthorizer(
        config({ listeners: "EXTERNAL://a:1", listenerSecurityProtocolMap: "EXTERNAL:SASL_SSL" }),
      ),
    ).toBe("acl");
  });
});

/** An AclStore stand-in whose bindings and version the test moves. */
class FakeStore {
  version = 0n;
  bindings: AclBinding[] = [];
  loads = 0;
  async currentVersion(): Promise<bigint> {
    return this.version;
  }
  async load(): Promise<AclSnapshot> {
    this.loads++;
    return { version: this.version, bindings: [...this.bindings] };
  }
}

function fakeStore(): { fake: FakeStore; store: AclStore } {
  const fake = new FakeStore();
  const store = {
    version: () => fake.currentVersion(),
    load: () => fake.load(),
  } as unknown as AclStore;
  return { fake, store };
}

describe("BrokerAuthorizer", () => {
  const action = {
    principal: ALICE,
    host: HOST,
    operation: "READ",
    resourceType: "TOPIC",
    resourceName: "orders",
  } as const;

  it("allows everything while disabled", () => {
    expect(new BrokerAuthorizer().authorize(action)).toBe(true);
  });

  it("keeps its decisions until the ACL version moves, then reloads", async () => {
    const { fake, store } = fakeStore();
    const authorizer = new BrokerAuthorizer();
    authorizer.useStore(store, { superUsers: new Set(), allowEveryoneIfNoAclFound: false });
    await authorizer.refresh();
    expect(authorizer.authorize(action)).toBe(false);

    fake.bindings.push(acl({}));
    await authorizer.refresh();
    expect(fake.loads).toBe(1); // the version did not move: nothing reloaded
    expect(authorizer.authorize(action)).toBe(false);

    fake.version = 1n;
    await authorizer.refresh();
    expect(fake.loads).toBe(2);
    expect(authorizer.authorize(action)).toBe(true);
  });
});
