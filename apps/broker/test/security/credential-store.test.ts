// SCRAM credentials in PostgreSQL: the bootstrap user, AlterUserScramCredentials' per-user errors
// and effects, and a second store (another broker) picking up a change through security_version.
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import { ErrorCode } from "@streambed/protocol";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialStore, parseBootstrapUser } from "../../src/security/credential-store.js";
import { passwordMatches, saltPassword, scramMechanism } from "../../src/security/sasl/scram-credential.js";
import { createTestDatabase } from "../support/broker-process.js";
import { eventually } from "../support/tools.js";

const log = pino({ level: "silent" });
let clients: PrismaClient[] = [];
let first: CredentialStore;
let second: CredentialStore;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase("credentials");
  await migrate(databaseUrl);
  clients = [createPrismaClient(databaseUrl), createPrismaClient(databaseUrl)];
  first = new CredentialStore(clients[0]!, { refreshMs: 50, logger: log });
  second = new CredentialStore(clients[1]!, { refreshMs: 50, logger: log });
  await first.start();
  await second.start();
});

afterAll(async () => {
  first?.stop();
  second?.stop();
  await Promise.all(clients.map((client) => client.$disconnect()));
});

async function upsertion(name: string, mechanism: number, password: string, iterations = 4096) {
  const scram = mechanism === 1 ? scramMechanism("SCRAM-SHA-256")! : scramMechanism("SCRAM-SHA-512")!;
  const salt = Buffer.from(`salt-of-${name}`);
  return {
    name,
    mechanism,
    iterations,
    salt,
    saltedPassword: await saltPassword(scram, password, salt, iterations),
  };
}

describe("credential store", () => {
  it("gives the bootstrap user both SCRAM credentials once, never resetting a changed password", async () => {
    expect(await first.ensureUser("admin", "first-pw")).toBe(true);
    const sha512 = first.lookup("admin", "SCRAM-SHA-512")!;
    expect(sha512.salt.length).toBe(32);
    expect(sha512.iterations).toBe(8192);
    expect(await passwordMatches(first.lookup("admin", "SCRAM-SHA-256")!, "first-pw")).toBe(true);
    expect(await first.ensureUser("admin", "other-pw")).toBe(false);
    expect(await passwordMatches(first.lookup("admin", "SCRAM-SHA-512")!, "first-pw")).toBe(true);
  });

  it("applies upsertions and deletions, reporting errors per user as Kafka does", async () => {
    const results = await first.alter(
      [
        { name: "ghost", mechanism: 1 },
        { name: "dup", mechanism: 2 },
      ],
      [
        await upsertion("carol", 1, "carol-pw"),
        await upsertion("carol", 2, "carol-pw"),
        await upsertion("few", 1, "x", 1024),
        await upsertion("many", 1, "x", 20000),
        { ...(await upsertion("odd", 1, "x")), mechanism: 7 },
        await upsertion("dup", 2, "x"),
        await upsertion("", 1, "x"),
      ],
    );
    expect(results).toEqual([
      {
        user: "ghost",
        errorCode: ErrorCode.RESOURCE_NOT_FOUND,
        errorMessage: "Attempt to delete a user credential that does not exist",
      },
      {
        user: "dup",
        errorCode: ErrorCode.DUPLICATE_RESOURCE,
        errorMessage: "A user credential cannot be altered twice in the same request",
      },
      { user: "carol", errorCode: ErrorCode.NONE, errorMessage: null },
      { user: "few", errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: "Too few iterations" },
      { user: "many", errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: "Too many iterations" },
      {
        user: "odd",
        errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
        errorMessage: "Unknown SCRAM mechanism",
      },
      { user: "", errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: "Username must not be empty" },
    ]);
    expect(await passwordMatches(first.lookup("carol", "SCRAM-SHA-256")!, "carol-pw")).toBe(true);
    expect(first.lookup("dup", "SCRAM-SHA-512")).toBeUndefined();
    expect(await first.describe(["carol", "few"])).toEqual(
      new Map([
        [
          "carol",
          [
            { mechanism: 1, iterations: 4096 },
            { mechanism: 2, iterations: 4096 },
          ],
        ],
      ]),
    );

    expect(await first.alter([{ name: "carol", mechanism: 1 }], [])).toEqual([
      { user: "carol", errorCode: ErrorCode.NONE, errorMessage: null },
    ]);
    expect(first.lookup("carol", "SCRAM-SHA-256")).toBeUndefined();
  });

  it("reaches another broker's cache through security_version", async () => {
    await first.alter([], [await upsertion("dave", 2, "old-pw")]);
    await eventually(async () => (second.lookup("dave", "SCRAM-SHA-512") ? true : undefined), 10_000, 20);
    await first.alter([], [await upsertion("dave", 2, "new-pw")]);
    await eventually(
      async () =>
        (await passwordMatches(second.lookup("dave", "SCRAM-SHA-512")!, "new-pw")) ? true : undefined,
      10_000,
      20,
    );
  });

  it("parses STREAMBED_BOOTSTRAP_USER without ever echoing the password", () => {
    expect(parseBootstrapUser(undefined)).toBeUndefined();
    expect(parseBootstrapUser("admin:pa:ss")).toEqual({ username: "admin", password: "pa:ss" });
    for (const bad of ["admin", ":pw", "admin:"]) {
      expect(() => parseBootstrapUser(bad)).toThrow("must be NAME:PASSWORD");
      try {
        parseBootstrapUser(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });
});
