// The ACL model: Kafka's wire codes, CreateAcls validation with Kafka's messages, and how
// Describe/DeleteAcls filters (ANY, MATCH, LITERAL, PREFIXED) select bindings.
import { describe, expect, it } from "vitest";
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperationCode,
  bindingFromWire,
  filterFromWire,
  filterMatches,
  normaliseHost,
  parseSuperUsers,
} from "../../src/security/acl.js";

const creation = {
  resourceType: 2,
  resourceName: "orders",
  resourcePatternType: 3,
  principal: "User:alice",
  host: "*",
  operation: AclOperationCode.READ,
  permissionType: 3,
};

function binding(overrides: Partial<AclBinding>): AclBinding {
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

describe("bindingFromWire", () => {
  it("decodes Kafka's codes", () => {
    expect(bindingFromWire({ ...creation, resourcePatternType: 4, permissionType: 2 })).toEqual({
      binding: binding({ patternType: "PREFIXED", permissionType: "DENY" }),
    });
    expect(
      bindingFromWire({ ...creation, resourceType: 4, resourceName: "kafka-cluster", operation: 7 }),
    ).toEqual({
      binding: binding({ resourceType: "CLUSTER", resourceName: "kafka-cluster", operation: "ALTER" }),
    });
  });

  it("refuses what cannot be an ACL, with Kafka's reasons", () => {
    const error = (overrides: Partial<typeof creation>) => {
      const decoded = bindingFromWire({ ...creation, ...overrides });
      return "error" in decoded ? decoded.error : undefined;
    };
    expect(error({ resourceType: 1 })).toMatch(/resource type/);
    expect(error({ resourcePatternType: 2 })).toMatch(/Invalid patternType MATCH/);
    expect(error({ resourcePatternType: 1 })).toMatch(/Invalid patternType ANY/);
    expect(error({ operation: 1 })).toMatch(/Invalid operation ANY/);
    expect(error({ permissionType: 1 })).toMatch(/Invalid permissionType ANY/);
    expect(error({ resourceName: "" })).toMatch(/should not be empty/);
    expect(error({ resourceType: 4, resourceName: "other" })).toMatch(
      /only valid name for the CLUSTER resource/,
    );
    expect(error({ principal: "alice" })).toMatch(/Could not parse principal/);
    expect(error({ resourceType: 7 })).toMatch(/USER/);
  });
});

describe("filterMatches", () => {
  const literal = binding({});
  const wildcard = binding({ resourceName: "*" });
  const prefixed = binding({ resourceName: "ord", patternType: "PREFIXED" });
  const otherPrefix = binding({ resourceName: "pay", patternType: "PREFIXED" });
  const group = binding({ resourceType: "GROUP", resourceName: "orders" });
  const all = [literal, wildcard, prefixed, otherPrefix, group];
  const select = (filter: Partial<AclBindingFilter>) =>
    all.filter((b) => filterMatches({ ...anything, ...filter }, b));

  it("selects everything with ANY and null fields", () => {
    expect(select({})).toEqual(all);
  });

  it("selects by exact name across pattern types with ANY", () => {
    expect(select({ resourceName: "orders" })).toEqual([literal, group]);
    expect(select({ resourceName: "ord" })).toEqual([prefixed]);
  });

  it("selects by pattern type and name with LITERAL and PREFIXED", () => {
    expect(select({ patternType: "LITERAL", resourceType: "TOPIC" })).toEqual([literal, wildcard]);
    expect(select({ patternType: "PREFIXED", resourceName: "ord" })).toEqual([prefixed]);
    expect(select({ patternType: "PREFIXED", resourceName: "orders" })).toEqual([]);
  });

  it("selects every binding that applies to a name with MATCH", () => {
    expect(select({ patternType: "MATCH", resourceType: "TOPIC", resourceName: "orders" })).toEqual([
      literal,
      wildcard,
      prefixed,
    ]);
  });

  it("selects by principal, host, operation and permission", () => {
    const bob = binding({
      principal: "User:bob",
      host: "10.0.0.1",
      operation: "WRITE",
      permissionType: "DENY",
    });
    expect(filterMatches({ ...anything, principal: "User:bob" }, bob)).toBe(true);
    expect(filterMatches({ ...anything, principal: "User:alice" }, bob)).toBe(false);
    expect(filterMatches({ ...anything, host: "10.0.0.2" }, bob)).toBe(false);
    expect(filterMatches({ ...anything, operation: "READ" }, bob)).toBe(false);
    expect(filterMatches({ ...anything, permissionType: "ALLOW" }, bob)).toBe(false);
    expect(filterMatches({ ...anything, operation: "WRITE", permissionType: "DENY" }, bob)).toBe(true);
  });
});

describe("filterFromWire", () => {
  it("accepts ANY and MATCH and refuses UNKNOWN codes", () => {
    const wire = {
      resourceTypeFilter: 1,
      resourceNameFilter: null,
      patternTypeFilter: 2,
      principalFilter: null,
      hostFilter: null,
      operation: 1,
      permissionType: 1,
    };
    expect(filterFromWire(wire)).toEqual({ filter: { ...anything, patternType: "MATCH" } });
    expect(filterFromWire({ ...wire, resourceTypeFilter: 0 })).toHaveProperty("error");
    expect(filterFromWire({ ...wire, operation: 0 })).toHaveProperty("error");
    expect(filterFromWire({ ...wire, permissionType: 0 })).toHaveProperty("error");
    expect(filterFromWire({ ...wire, patternTypeFilter: 9 })).toHaveProperty("error");
  });
});

describe("helpers", () => {
  it("parses Kafka's super.users list", () => {
    expect([...parseSuperUsers(" User:admin ;User:ops;")]).toEqual(["User:admin", "User:ops"]);
    expect(parseSuperUsers(undefined).size).toBe(0);
  });

  it("names IPv4-mapped client addresses by their IPv4 form", () => {
    expect(normaliseHost("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normaliseHost("::1")).toBe("::1");
  });
});
