// The operator CLI's command line without a broker: which command, bindings, filters and
// connection settings flags and environment make, and which command lines are usage errors.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseOperation } from "../../src/cli/acls.js";
import { resolveConnectionSettings } from "../../src/cli/admin-connection.js";
import { UsageError } from "../../src/cli/cli-errors.js";
import { parseCommandLine } from "../../src/cli/command-line.js";

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseCommandLine", () => {
  it("makes users set default to both SCRAM mechanisms at 8192 iterations", () => {
    expect(parseCommandLine(["users", "set", "alice"]).command).toEqual({
      name: "users set",
      user: "alice",
      mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-512"],
      iterations: 8192,
    });
  });

  it("takes connection flags before or after the command", () => {
    const invocation = parseCommandLine([
      "--bootstrap",
      "b:9093",
      "users",
      "list",
      "--json",
      "--username",
      "ops",
    ]);
    expect(invocation.command).toEqual({ name: "users list" });
    expect(invocation.json).toBe(true);
    expect(invocation.connection).toMatchObject({ bootstrap: "b:9093", username: "ops" });
  });

  it("makes acls add one binding per operation, LITERAL and ALLOW on any host unless told", () => {
    const { command } = parseCommandLine([
      "acls",
      "add",
      "--principal",
      "User:alice",
      "--operation",
      "Read,describe",
      "--operation",
      "READ",
      "--topic",
      "orders",
    ]);
    expect(command).toEqual({
      name: "acls add",
      bindings: ["READ", "DESCRIBE"].map((operation) => ({
        resourceType: "TOPIC",
        resourceName: "orders",
        patternType: "LITERAL",
        principal: "User:alice",
        host: "*",
        operation,
        permissionType: "ALLOW",
      })),
    });
  });

  it("makes acls remove the exact bindings of the same flags, here PREFIXED DENY from one host", () => {
    const { command } = parseCommandLine([
      "acls",
      "remove",
      "--principal",
      "User:bob",
      "--operation",
      "WRITE",
      "--transactional-id",
      "tx-",
      "--prefixed",
      "--deny",
      "--host",
      "10.0.0.7",
    ]);
    expect(command).toEqual({
      name: "acls remove",
      bindings: [
        {
          resourceType: "TRANSACTIONAL_ID",
          resourceName: "tx-",
          patternType: "PREFIXED",
          principal: "User:bob",
          host: "10.0.0.7",
          operation: "WRITE",
          permissionType: "DENY",
        },
      ],
    });
  });

  it("lists every ACL by default, and a resource's ACLs of either pattern unless --prefixed", () => {
    expect(parseCommandLine(["acls", "list"]).command).toEqual({
      name: "acls list",
      filter: {
        resourceType: "ANY",
        resourceName: null,
        patternType: "ANY",
        principal: null,
        host: null,
        operation: "ANY",
        permissionType: "ANY",
      },
    });
    expect(parseCommandLine(["acls", "list", "--cluster", "--principal", "User:ops"]).command).toMatchObject({
      filter: {
        resourceType: "CLUSTER",
        resourceName: "kafka-cluster",
        patternType: "ANY",
        principal: "User:ops",
      },
    });
    expect(parseCommandLine(["acls", "list", "--group", "team.", "--prefixed"]).command).toMatchObject({
      filter: { resourceType: "GROUP", resourceName: "team.", patternType: "PREFIXED" },
    });
  });

  it("reads operations in Kafka's spellings", () => {
    expect(parseOperation("DescribeConfigs")).toBe("DESCRIBE_CONFIGS");
    expect(parseOperation("idempotent-write")).toBe("IDEMPOTENT_WRITE");
    expect(parseOperation("ALTER_CONFIGS")).toBe("ALTER_CONFIGS");
    expect(usageError(() => parseOperation("any"))).toContain("not an ACL operation");
  });

  it.each([
    [[], "no command given"],
    [["topics", "list"], "unknown command"],
    [["acls"], "acls needs an action: list, add, remove"],
    [["users", "set", "alice", "--mechanism", "MD5"], "--mechanism must be"],
    [["users", "set", "alice", "--iterations", "20000"], "--iterations must be"],
    [["users", "delete", "alice", "--iterations", "4096"], "users delete does not take --iterations"],
    [["acls", "list", "--operation", "READ"], "acls list does not take --operation"],
    [["acls", "add", "--operation", "READ", "--topic", "t"], "--principal is required"],
    [["acls", "add", "--principal", "User:a", "--topic", "t"], "--operation is required"],
    [
      ["acls", "add", "--principal", "User:a", "--operation", "READ", "--cluster", "--prefixed"],
      "--prefixed",
    ],
    [["acls", "add", "--principal", "User:a", "--operation", "CREATE", "--transactional-id", "x"], "CREATE"],
    [["acls", "add", "--principal", "User:a", "--operation", "READ", "--topic", ""], "must not be empty"],
  ])("refuses %j: %s", (argv, message) => {
    expect(usageError(() => parseCommandLine(argv))).toContain(message);
  });

  it("never repeats a stray argument or a would-be password flag's value", () => {
    for (const argv of [
      ["users", "set", "alice", "s3cret-value"],
      ["users", "list", "s3cret-value"],
      ["--password", "s3cret-value", "users", "list"],
      ["--password=s3cret-value", "users", "list"],
      ["s3cret-value"],
    ]) {
      expect(usageError(() => parseCommandLine(argv))).not.toContain("s3cret-value");
    }
  });
});

describe("resolveConnectionSettings", () => {
  it("defaults to PLAINTEXT on STREAMBED_BOOTSTRAP, then 127.0.0.1:9092, with --bootstrap winning", () => {
    expect(resolveConnectionSettings({}, {})).toEqual({
      bootstrap: ["127.0.0.1:9092"],
      securityProtocol: "PLAINTEXT",
    });
    expect(resolveConnectionSettings({}, { STREAMBED_BOOTSTRAP: "a:1,b:2" }).bootstrap).toEqual([
      "a:1",
      "b:2",
    ]);
    expect(resolveConnectionSettings({ bootstrap: "c:3" }, { STREAMBED_BOOTSTRAP: "a:1" }).bootstrap).toEqual(
      ["c:3"],
    );
  });

  it("logs in with SCRAM-SHA-512 by default, the password from STREAMBED_ADMIN_PASSWORD or --password-file", () => {
    const flags = { securityProtocol: "sasl_plaintext", username: "admin" };
    expect(resolveConnectionSettings(flags, { STREAMBED_ADMIN_PASSWORD: "from-env" }).sasl).toEqual({
      mechanism: "SCRAM-SHA-512",
      username: "admin",
      password: "from-env",
    });
    const directory = mkdtempSync(path.join(tmpdir(), "streambed-cli-"));
    const file = path.join(directory, "password");
    writeFileSync(file, "from-file\nsecond line\n");
    try {
      expect(
        resolveConnectionSettings({ ...flags, passwordFile: file }, { STREAMBED_ADMIN_PASSWORD: "from-env" })
          .sasl?.password,
      ).toBe("from-file");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each([
    [{ securityProtocol: "SASL_SSL", username: "admin" }, {}, "STREAMBED_ADMIN_PASSWORD"],
    [{ securityProtocol: "SASL_PLAINTEXT" }, { STREAMBED_ADMIN_PASSWORD: "x" }, "--username"],
    [{ username: "admin" }, {}, "SASL_PLAINTEXT or SASL_SSL"],
    [{ securityProtocol: "SASL_PLAINTEXT", username: "a", saslMechanism: "GSSAPI" }, {}, "--sasl-mechanism"],
    [{ securityProtocol: "TLS" }, {}, "--security-protocol"],
    [{ caFile: "/tmp/ca.pem" }, {}, "--ca-file needs"],
    [{ bootstrap: "host:notaport" }, {}, "not a broker address"],
    [{ securityProtocol: "SSL", caFile: "/nonexistent/ca.pem" }, {}, "cannot read --ca-file"],
  ])("refuses %j", (flags, env, message) => {
    expect(usageError(() => resolveConnectionSettings(flags, env))).toContain(message);
  });
});
