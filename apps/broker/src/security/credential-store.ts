// SCRAM credentials in PostgreSQL (table scram_credentials), cached in memory for authentication.
// Every change bumps security_version.user_version in the same transaction; each broker polls that
// row every --security-refresh-ms and reloads the cache when it moved, so a changed password takes
// effect on every broker within seconds.
import type { PrismaClient } from "@streambed/db";
import { ErrorCode } from "@streambed/protocol";
import type { Logger } from "pino";
import type { CredentialLookup } from "./sasl/sasl-mechanism.js";
import {
  createScramCredential,
  credentialFromSaltedPassword,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanismName,
  scramMechanismOfType,
} from "./sasl/scram-credential.js";

export interface ScramUpsertion {
  name: string;
  /** Kafka's ScramMechanism type: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface ScramDeletion {
  name: string;
  mechanism: number;
}

export interface UserAlterationResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CredentialStoreOptions {
  refreshMs: number;
  logger: Logger;
}

export class CredentialStore implements CredentialLookup {
  private byUser = new Map<string, Map<ScramMechanismName, ScramCredential>>();
  private version: bigint | undefined;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: CredentialStoreOptions,
  ) {}

  lookup(username: string, mechanism: ScramMechanismName): ScramCredential | undefined {
    return this.byUser.get(username)?.get(mechanism);
  }

  /** Reloads the cache when user_version moved since the last look (always on the first). */
  async refresh(): Promise<void> {
    const row = await this.prisma.securityVersion.findUnique({ where: { id: 1 } });
    const version = row?.userVersion ?? 0n;
    if (version === this.version) return;
    const rows = await this.prisma.scramCredential.findMany();
    const byUser = new Map<string, Map<ScramMechanismName, ScramCredential>>();
    for (const row of rows) {
      const mechanism = row.mechanism as ScramMechanismName;
      if (!SCRAM_MECHANISMS.some((known) => known.name === mechanism)) continue;
      const credentials = byUser.get(row.username) ?? new Map<ScramMechanismName, ScramCredential>();
      byUser.set(row.username, credentials);
      credentials.set(mechanism, {
        mechanism,
        salt: Buffer.from(row.salt),
        storedKey: Buffer.from(row.storedKey),
        serverKey: Buffer.from(row.serverKey),
        iterations: row.iterations,
      });
    }
    if (this.version !== undefined)
      this.options.logger.info({ userVersion: version }, "reloaded SCRAM credentials");
    this.byUser = byUser;
    this.version = version;
  }

  /** Loads the credentials and keeps polling for changes. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.options.logger.warn({ err: error }, "could not check SCRAM credentials for changes"),
      );
    }, this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Users and the mechanisms/iterations of their credentials, straight from PostgreSQL. */
  async describe(
    users: readonly string[] | null,
  ): Promise<Map<string, { mechanism: number; iterations: number }[]>> {
    const rows = await this.prisma.scramCredential.findMany({
      ...(users && { where: { username: { in: [...users] } } }),
      orderBy: [{ username: "asc" }, { mechanism: "asc" }],
    });
    const described = new Map<string, { mechanism: number; iterations: number }[]>();
    for (const row of rows) {
      const mechanism = SCRAM_MECHANISMS.find((known) => known.name === row.mechanism);
      if (!mechanism) continue;
      const infos = described.get(row.username) ?? [];
      infos.push({ mechanism: mechanism.kafkaType, iterations: row.iterations });
      described.set(row.username, infos);
    }
    return described;
  }

  /**
   * AlterUserScramCredentials: validates per user as Kafka does (a user with any invalid change
   * keeps its credentials untouched), then applies the valid users' changes in one transaction.
   */
  async alter(
    deletions: readonly ScramDeletion[],
    upsertions: readonly ScramUpsertion[],
  ): Promise<UserAlterationResult[]> {
    const errors = new Map<string, { errorCode: number; errorMessage: string }>();
    const fail = (user: string, errorCode: number, errorMessage: string) => {
      if (!errors.has(user)) errors.set(user, { errorCode, errorMessage });
    };
    const seen = new Set<string>();
    const users: string[] = [];
    for (const change of [...deletions, ...upsertions]) {
      if (!users.includes(change.name)) users.push(change.name);
      const key = `${change.mechanism}\u0000${change.name}`;
      if (seen.has(key))
        fail(
          change.name,
          ErrorCode.DUPLICATE_RESOURCE,
          "A user credential cannot be altered twice in the same request",
        );
      seen.add(key);
      if (change.name === "")
        fail(change.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
      if (!scramMechanismOfType(change.mechanism))
        fail(change.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
    }
    for (const upsertion of upsertions) {
      if (upsertion.iterations < MIN_ITERATIONS)
        fail(upsertion.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
      if (upsertion.iterations > MAX_ITERATIONS)
        fail(upsertion.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
      if (upsertion.salt.length === 0 || upsertion.saltedPassword.length === 0) {
        fail(upsertion.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
      }
    }
    await this.prisma.$transaction(async (tx) => {
      const existing = await tx.scramCredential.findMany({
        where: { username: { in: deletions.map((deletion) => deletion.name) } },
        select: { username: true, mechanism: true },
      });
      for (const deletion of deletions) {
        const name = scramMechanismOfType(deletion.mechanism)?.name;
        if (!existing.some((row) => row.username === deletion.name && row.mechanism === name)) {
          fail(
            deletion.name,
            ErrorCode.RESOURCE_NOT_FOUND,
            "Attempt to delete a user credential that does not exist",
          );
        }
      }
      let changed = false;
      for (const deletion of deletions.filter((change) => !errors.has(change.name))) {
        const mechanism = scramMechanismOfType(deletion.mechanism)!.name;
        await tx.scramCredential.delete({
          where: { username_mechanism: { username: deletion.name, mechanism } },
        });
        changed = true;
      }
      for (const upsertion of upsertions.filter((change) => !errors.has(change.name))) {
        const mechanism = scramMechanismOfType(upsertion.mechanism)!;
        const credential = credentialFromSaltedPassword(
          mechanism,
          upsertion.salt,
          upsertion.saltedPassword,
          upsertion.iterations,
        );
        const { mechanism: _name, ...values } = storedColumns(credential);
        await tx.scramCredential.upsert({
          where: { username_mechanism: { username: upsertion.name, mechanism: mechanism.name } },
          create: { username: upsertion.name, mechanism: mechanism.name, ...values },
          update: values,
        });
        changed = true;
      }
      if (changed) await bumpUserVersion(tx);
    });
    await this.refresh();
    return users.map((user) => ({
      user,
      errorCode: errors.get(user)?.errorCode ?? ErrorCode.NONE,
      errorMessage: errors.get(user)?.errorMessage ?? null,
    }));
  }

  /**
   * Gives `username` SCRAM-SHA-256 and -512 credentials for `password` unless it has credentials
   * already (a password changed since is never reset). Returns whether it created them.
   */
  async ensureUser(username: string, password: string): Promise<boolean> {
    const credentials = await Promise.all(
      SCRAM_MECHANISMS.map((mechanism) => createScramCredential(mechanism, password)),
    );
    const created = await this.prisma.$transaction(async (tx) => {
      if ((await tx.scramCredential.count({ where: { username } })) > 0) return false;
      const { count } = await tx.scramCredential.createMany({
        data: credentials.map((credential) => ({ username, ...storedColumns(credential) })),
        skipDuplicates: true,
      });
      if (count > 0) await bumpUserVersion(tx);
      return count > 0;
    });
    await this.refresh();
    return created;
  }
}

/** Prisma's Bytes columns take plain ArrayBuffer-backed arrays. */
function storedColumns(credential: ScramCredential) {
  const bytes = (buffer: Buffer) => new Uint8Array(buffer);
  return {
    mechanism: credential.mechanism,
    salt: bytes(credential.salt),
    storedKey: bytes(credential.storedKey),
    serverKey: bytes(credential.serverKey),
    iterations: credential.iterations,
  };
}

async function bumpUserVersion(tx: Pick<PrismaClient, "securityVersion">): Promise<void> {
  await tx.securityVersion.upsert({
    where: { id: 1 },
    create: { id: 1, userVersion: 1n },
    update: { userVersion: { increment: 1n } },
  });
}

/** STREAMBED_BOOTSTRAP_USER=name:password (the password may contain ':'); undefined when unset. */
export function parseBootstrapUser(
  value: string | undefined,
): { username: string; password: string } | undefined {
  if (value === undefined || value === "") return undefined;
  const colon = value.indexOf(":");
  if (colon < 1 || colon === value.length - 1) {
    throw new Error("STREAMBED_BOOTSTRAP_USER must be NAME:PASSWORD with a non-empty name and password");
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}
