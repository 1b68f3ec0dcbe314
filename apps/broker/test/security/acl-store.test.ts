// AclStore against PostgreSQL: creating, describing and deleting bindings, the acl_version bump in
// the same transaction, and another broker's authorizer picking a change up by polling.
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BrokerConfigSchema } from "../../src/config.js";
import type { AclBinding, AclBindingFilter } from "../../src/security/acl.js";
import { AclStore } from "../../src/security/acl-store.js";
import { BrokerAuthorizer } from "../../src/security/authorizer.js";
import { type MetadataDatabase, metadataDatabase } from "../metadata/metadata-database.js";

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: "TOPIC",
    resourceName: "orders",
    patternType: "LITERAL",
    principal: "User:alice",
    host: "*",
    operation: "READ",
    permissionType: "ALLOW",
    ...overrides,
  };
}

const anything: AclBindingFilter = {
  resourceType: "ANY",
  resourceName: null,
  patternType: "ANY",
  principal: null,
  host: null,
  operation: "ANY",
  permissionType: "ANY",
};

describe("AclStore", () => {
  let database: MetadataDatabase;
  let store: AclStore;

  beforeEach(async () => {
    database = await metadataDatabase();
    store = new AclStore(database.openStore().client);
  });
  afterEach(async () => {
    await database?.cleanup();
  });

  it("stores bindings and bumps acl_version with each change", async () => {
    const before = await store.version();
    await store.create([
      acl({}),
      acl({ resourceName: "pay", patternType: "PREFIXED", permissionType: "DENY" }),
    ]);
    const snapshot = await store.load();
    expect(snapshot.version).toBe(before + 1n);
    expect(snapshot.bindings).toEqual([
      acl({}),
      acl({ resourceName: "pay", patternType: "PREFIXED", permissionType: "DENY" }),
    ]);
    const [row] = await database.query<{ resource_type: string; pattern_type: string; operation: string }>(
      "SELECT resource_type, pattern_type, operation FROM acls ORDER BY id LIMIT 1",
    );
    expect(row).toEqual({ resource_type: "TOPIC", pattern_type: "LITERAL", operation: "READ" });
  });

  it("treats creating an existing binding as success without a second row", async () => {
    await store.create([acl({})]);
    await store.create([acl({}), acl({ operation: "WRITE" })]);
    expect((await store.load()).bindings).toEqual([acl({}), acl({ operation: "WRITE" })]);
  });

  it("describes what a filter selects", async () => {
    await store.create([acl({}), acl({ resourceType: "GROUP", resourceName: "billing" })]);
    expect(await store.describe({ ...anything, resourceType: "GROUP" })).toEqual([
      acl({ resourceType: "GROUP", resourceName: "billing" }),
    ]);
  });

  it("deletes what each filter selects in one change and reports it per filter", async () => {
    await store.create([
      acl({}),
      acl({ operation: "WRITE" }),
      acl({ resourceType: "GROUP", resourceName: "billing" }),
      acl({ principal: "User:bob" }),
    ]);
    const version = await store.version();
    const deleted = await store.delete([
      { ...anything, principal: "User:alice", resourceType: "TOPIC" },
      { ...anything, operation: "WRITE" },
      { ...anything, resourceName: "nothing-here" },
    ]);
    expect(deleted).toEqual([[acl({}), acl({ operation: "WRITE" })], [acl({ operation: "WRITE" })], []]);
    expect((await store.load()).bindings).toEqual([
      acl({ resourceType: "GROUP", resourceName: "billing" }),
      acl({ principal: "User:bob" }),
    ]);
    expect(await store.version()).toBe(version + 1n);
  });

  it("leaves acl_version alone when a delete matches nothing", async () => {
    await store.create([acl({})]);
    const version = await store.version();
    expect(await store.delete([{ ...anything, principal: "User:nobody" }])).toEqual([[]]);
    expect(await store.version()).toBe(version);
  });

  it("ignores rows whose values Kafka's model has no place for", async () => {
    await store.create([acl({})]);
    await database.query(
      "INSERT INTO acls (resource_type, resource_name, pattern_type, principal, host, operation, permission_type) VALUES ('USER', 'x', 'LITERAL', 'User:a', '*', 'READ', 'ALLOW')",
    );
    expect((await store.load()).bindings).toEqual([acl({})]);
  });

  it("reaches another broker's authorizer through polling acl_version", async () => {
    const config = BrokerConfigSchema.parse({ authorizer: "acl", securityRefreshMs: "100" });
    const other = new BrokerAuthorizer();
    const stop = await other.start(config, database.openStore().client, pino({ level: "silent" }));
    try {
      const action = {
        principal: "User:alice",
        host: "10.0.0.1",
        operation: "READ",
        resourceType: "TOPIC",
        resourceName: "orders",
      } as const;
      expect(other.authorize(action)).toBe(false);
      await store.create([acl({})]);
      await vi.waitFor(() => expect(other.authorize(action)).toBe(true), { timeout: 10_000, interval: 50 });
      await store.delete([anything]);
      await vi.waitFor(() => expect(other.authorize(action)).toBe(false), { timeout: 10_000, interval: 50 });
    } finally {
      await stop();
    }
  });
});
